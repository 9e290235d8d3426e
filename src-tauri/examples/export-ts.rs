//! Regenerates the desktop app's TypeScript bindings: `ui/src/desktop/bindings/*.ts` and
//! `ui/src/desktop/commands.ts`.
//!
//! Usage: `cargo run -p closer-desktop --example export-ts [UI_DESKTOP_DIR]`.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/desktop"));
    closer_desktop::bindings::export(&dir)?;
    println!("wrote the desktop TypeScript bindings to {}", dir.display());
    Ok(())
}

//! Regenerates `ui/src/bindings/` from the Rust wire types.
//!
//! Usage: `cargo run -p closer-wire --bin export-ts [OUT_DIR]` (default: the repository's
//! `ui/src/bindings`). Stale files are removed first so renamed types leave nothing behind.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args_os().nth(1).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings")
    });
    if out.exists() {
        std::fs::remove_dir_all(&out)?;
    }
    closer_wire::export_typescript(&out)?;
    println!("wrote TypeScript bindings to {}", out.display());
    Ok(())
}

//! Tauri build step: embeds `tauri.conf.json` and the capabilities, and generates one
//! `allow-<command>` permission per app command so each window gets only what its
//! capability lists (without this manifest every window could call every command).

include!("src/command_names.rs");

fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMAND_NAMES)))
        .expect("tauri build step");
}

//! The TypeScript side of the commands: `ui/src/desktop/bindings/` (the argument/result types,
//! by ts-rs) and `ui/src/desktop/commands.ts` (one typed `invoke` wrapper per command, from
//! [`commands`]). Regenerate with `cargo run -p closer-desktop --example export-ts`; a test fails
//! when the committed files are stale or [`commands`] and the registered handlers disagree.

use crate::audio::{InputDevice, Level};
use crate::commands::{CommandError, InputDevices};
use crate::deep_link::DeepLink;
use crate::hud_drag_region::{CssRect, DragRegion};
use closer_wire::{Meeting, StoredPlaybook, User};
use std::collections::BTreeMap;
use std::path::Path;
use ts_rs::{Config, TS};

/// Command names, exactly as registered with `generate_handler!` and given permissions in
/// `build.rs` (which includes this file's sibling `command_names.rs`).
pub use crate::command_names::COMMAND_NAMES;

/// A TypeScript type and the modules it needs.
#[derive(Clone, Debug)]
pub struct Ty {
    ts: String,
    /// type name → module path (relative to `ui/src/desktop/`).
    imports: BTreeMap<String, String>,
}

fn prim(ts: &str) -> Ty {
    Ty { ts: ts.into(), imports: BTreeMap::new() }
}

/// A wire type (`ui/src/bindings/`).
fn wire<T: TS>() -> Ty {
    let name = T::name(&Config::new());
    Ty { imports: [(name.clone(), format!("../bindings/{name}"))].into(), ts: name }
}

/// A desktop type (`ui/src/desktop/bindings/`).
fn own<T: TS>() -> Ty {
    let name = T::name(&Config::new());
    Ty { imports: [(name.clone(), format!("./bindings/{name}"))].into(), ts: name }
}

fn nullable(t: Ty) -> Ty {
    Ty { ts: format!("{} | null", t.ts), imports: t.imports }
}

fn array(t: Ty) -> Ty {
    Ty { ts: format!("Array<{}>", t.ts), imports: t.imports }
}

/// One command as the UI sees it: snake_case name, camelCase arguments (Tauri's mapping), result.
#[derive(Clone, Debug)]
pub struct CommandSpec {
    pub name: &'static str,
    pub doc: &'static str,
    pub args: Vec<(&'static str, Ty)>,
    pub returns: Ty,
}

fn cmd(name: &'static str, doc: &'static str, args: Vec<(&'static str, Ty)>, returns: Ty) -> CommandSpec {
    CommandSpec { name, doc, args, returns }
}

/// Every command's UI signature (mirrors `crate::commands`).
pub fn commands() -> Vec<CommandSpec> {
    let string = || prim("string");
    let boolean = || prim("boolean");
    let void = || prim("void");
    vec![
        cmd("sign_in", "Signs in; the refresh token goes to the OS keyring.", vec![("email", string()), ("password", string())], wire::<User>()),
        cmd("current_user", "The signed-in user (restored from the keyring at start-up), or null.", vec![], nullable(wire::<User>())),
        cmd("sign_out", "Signs out: deletes the keyring entry and revokes the login.", vec![], void()),
        cmd("todays_meetings", "Today's meetings (timeZone: IANA name defining today).", vec![("time_zone", string())], array(wire::<Meeting>())),
        cmd("summoned_meetings", "The user's own meetings whose guest asks for them now (issue #18).", vec![], array(wire::<Meeting>())),
        cmd("notify", "Shows an OS notification with a title and a body.", vec![("title", string()), ("body", string())], void()),
        cmd("hud_socket_url", "The HUD WebSocket URL with a fresh access token.", vec![("meeting_id", string()), ("after_seq", nullable(prim("number")))], string()),
        cmd("open_hud", "Opens the HUD window for a meeting (shadow: read-only mirror).", vec![("meeting_id", string()), ("shadow", boolean())], void()),
        cmd("open_room", "Opens the room signed in by a handoff token: app window (inApp) or system browser.", vec![("meeting_id", string()), ("shadow", boolean()), ("in_app", boolean())], void()),
        cmd("meeting_playbook", "The meeting's playbook (the HUD's checklist).", vec![("meeting_id", string())], wire::<StoredPlaybook>()),
        cmd("send_priority_message", "Shadow mode: a manager's priority message to the seller's HUD.", vec![("meeting_id", string()), ("text", string())], void()),
        cmd("hud_set_expanded", "Compact (header only) or expanded HUD.", vec![("expanded", boolean())], void()),
        cmd("hud_start_drag", "Starts the user's drag of the HUD (a press on its handle); where it is left is remembered per monitor.", vec![], void()),
        cmd("hud_set_drag_region", "Reports the HUD's drag region (its handle less its buttons, CSS px); on Linux the app starts drags there itself.", vec![("region", own::<DragRegion>())], void()),
        cmd("hud_set_click_through", "Lets clicks pass through the HUD, or stops; remembered for later HUDs.", vec![("enabled", boolean())], void()),
        cmd("hud_click_through", "Whether clicks pass through the HUD (the remembered default).", vec![], boolean()),
        cmd("backend_origin", "The backend origin the UI's own /api calls go to.", vec![], string()),
        cmd("access_token", "A valid access token for the UI's calls to the backend (refresh: after a 401).", vec![("refresh", boolean())], string()),
        cmd("input_devices", "The microphones and the remembered choice.", vec![], own::<InputDevices>()),
        cmd("set_input_device", "Remembers the chosen microphone (null: the system default).", vec![("device", nullable(string()))], void()),
        cmd("start_level_meter", "Starts the level meter (device null: default input); emits audio-level events.", vec![("device", nullable(string()))], void()),
        cmd("stop_level_meter", "Stops the level meter.", vec![], void()),
        cmd("take_pending_link", "The closer:// link received and not yet handled, once.", vec![], nullable(own::<DeepLink>())),
        cmd(
            "save_export",
            "Saves an export (UTF-8 text) where the user picks in the save dialog; the path, or null when cancelled.",
            vec![("title", string()), ("file_name", string()), ("contents", string())],
            nullable(string()),
        ),
    ]
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `commands.ts`: the typed wrappers.
pub fn commands_ts() -> String {
    let specs = commands();
    let mut imports: BTreeMap<String, String> = BTreeMap::new();
    for spec in &specs {
        imports.extend(spec.returns.imports.clone());
        for (_, ty) in &spec.args {
            imports.extend(ty.imports.clone());
        }
    }
    let mut out = String::from("// Generated by `cargo run -p closer-desktop --example export-ts` from src-tauri/src/bindings.rs. Do not edit.\n");
    for (name, module) in &imports {
        out.push_str(&format!("import type {{ {name} }} from \"{module}\";\n"));
    }
    out.push_str("import { call } from \"./invoke\";\n");
    for spec in &specs {
        let params: Vec<String> = spec.args.iter().map(|(n, t)| format!("{}: {}", camel(n), t.ts)).collect();
        let keys: Vec<String> = spec.args.iter().map(|(n, _)| camel(n)).collect();
        let args = if keys.is_empty() { String::new() } else { format!(", {{ {} }}", keys.join(", ")) };
        out.push_str(&format!(
            "\n/** {} */\nexport const {} = ({}): Promise<{}> => call(\"{}\"{});\n",
            spec.doc,
            camel(spec.name),
            params.join(", "),
            spec.returns.ts,
            spec.name,
            args
        ));
    }
    out
}

/// Writes `bindings/*.ts` (desktop types) and `commands.ts` into `dir` (`ui/src/desktop`).
pub fn export(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let types = dir.join("bindings");
    if types.exists() {
        std::fs::remove_dir_all(&types)?;
    }
    let cfg = Config::new().with_out_dir(&types).with_large_int("number");
    CommandError::export_all(&cfg)?;
    InputDevices::export_all(&cfg)?;
    InputDevice::export_all(&cfg)?;
    Level::export_all(&cfg)?;
    DeepLink::export_all(&cfg)?;
    DragRegion::export_all(&cfg)?;
    CssRect::export_all(&cfg)?;
    std::fs::write(dir.join("commands.ts"), commands_ts())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ui_desktop() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/desktop")
    }

    #[test]
    fn specs_cover_exactly_the_registered_commands() {
        let mut specs: Vec<&str> = commands().iter().map(|c| c.name).collect();
        let mut names = COMMAND_NAMES.to_vec();
        specs.sort();
        names.sort();
        assert_eq!(specs, names);
    }

    #[test]
    fn generated_files_are_up_to_date() {
        let fresh = tempfile::tempdir().unwrap();
        export(fresh.path()).unwrap();
        let committed = ui_desktop();
        let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        assert_eq!(read(&committed.join("commands.ts")), read(&fresh.path().join("commands.ts")), "run `cargo run -p closer-desktop --example export-ts`");
        for entry in std::fs::read_dir(fresh.path().join("bindings")).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap();
            assert_eq!(read(&committed.join("bindings").join(name)), read(&path), "stale {name:?}: run `cargo run -p closer-desktop --example export-ts`");
        }
    }

    #[test]
    fn wrappers_use_camel_case_keys() {
        let ts = commands_ts();
        assert!(ts.contains("export const hudSocketUrl = (meetingId: string, afterSeq: number | null): Promise<string> => call(\"hud_socket_url\", { meetingId, afterSeq });"), "{ts}");
        assert!(ts.contains("import type { User } from \"../bindings/User\";"));
        assert!(ts.contains("import type { DeepLink } from \"./bindings/DeepLink\";"));
    }
}

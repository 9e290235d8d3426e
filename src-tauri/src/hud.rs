//! The HUD window: transparent, undecorated, always-on-top, kept out of the taskbar and out of
//! screen captures (where the OS allows: Windows, macOS), placed by [`crate::placement`],
//! compact ⇄ expanded, optionally click-through, shown/hidden by a global shortcut. Where the
//! user drags it is remembered per monitor; nothing else that moves it is ([`crate::hud_moves`]).

use crate::placement::{self, Monitor, Point, Rect, Size};
use crate::state::DesktopState;
use tauri::{AppHandle, Manager, PhysicalPosition, WebviewUrl, WebviewWindow, WebviewWindowBuilder};
use tauri_plugin_global_shortcut::{Code, Modifiers, Shortcut};
use uuid::Uuid;

/// Window label of the HUD.
pub const LABEL: &str = "hud";
/// HUD width, logical px (the HUD panel's own width plus its shadow).
pub const WIDTH: f64 = 400.0;
/// Height when compact (header only), logical px.
pub const COMPACT_HEIGHT: f64 = 52.0;
/// Height when expanded, logical px.
pub const EXPANDED_HEIGHT: f64 = 560.0;

/// Ctrl+Shift+H: show/hide the HUD from any application.
pub fn toggle_shortcut() -> Shortcut {
    Shortcut::new(Some(Modifiers::CONTROL | Modifiers::SHIFT), Code::KeyH)
}

fn size(expanded: bool) -> Size {
    Size { width: WIDTH, height: if expanded { EXPANDED_HEIGHT } else { COMPACT_HEIGHT } }
}

/// The OS's monitors as [`placement::Monitor`]s, and the primary one's index.
fn monitors(window: &WebviewWindow) -> tauri::Result<(Vec<Monitor>, Option<usize>)> {
    let all = window.available_monitors()?;
    let primary = window.primary_monitor()?;
    let rect = |p: &PhysicalPosition<i32>, s: &tauri::PhysicalSize<u32>| Rect { x: p.x, y: p.y, width: s.width, height: s.height };
    let list: Vec<Monitor> = all
        .iter()
        .map(|m| Monitor {
            name: m.name().cloned(),
            frame: rect(m.position(), m.size()),
            work_area: rect(&m.work_area().position, &m.work_area().size),
            scale: m.scale_factor(),
        })
        .collect();
    let primary = primary.and_then(|p| all.iter().position(|m| m.name() == p.name() && m.position() == p.position()));
    Ok((list, primary))
}

/// Opens (or re-targets) the HUD for `meeting` — `shadow` for a manager's read-only mirror —
/// at its remembered or default place, expanded, letting clicks through when the settings say
/// so, without stealing focus from the call.
pub fn open(app: &AppHandle, meeting: Uuid, shadow: bool) -> tauri::Result<()> {
    let route = format!("desktop.html#/hud/{meeting}{}", if shadow { "?mode=shadow" } else { "" });
    let window = match app.get_webview_window(LABEL) {
        Some(window) => {
            let url = window.url()?.join(&route).map_err(|e| tauri::Error::Anyhow(e.into()))?;
            window.navigate(url)?;
            window
        }
        None => {
            let s = size(true);
            let window = WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App(route.into()))
                .title("Closer HUD")
                .transparent(true)
                .decorations(false)
                .shadow(false)
                .always_on_top(true)
                .visible_on_all_workspaces(true)
                .skip_taskbar(true)
                .content_protected(true)
                .focused(false)
                // GTK gives a non-resizable window a minimum height of its own; equal minimum
                // and maximum sizes pin the size instead.
                .resizable(true)
                .inner_size(s.width, s.height)
                .min_inner_size(s.width, s.height)
                .max_inner_size(s.width, s.height)
                .visible(false)
                .build()?;
            #[cfg(target_os = "linux")]
            crate::hud_gtk_drag::install(&window)?;
            window
        }
    };
    place(&window, true)?;
    window.show()?;
    let click_through = window.state::<DesktopState>().settings.lock().expect("settings lock").settings.hud_click_through;
    if let Err(e) = window.set_ignore_cursor_events(click_through) {
        // The HUD still works, only taking clicks; the main window's settings can retry.
        tracing::warn!(error = %e, "cannot apply the HUD's click-through setting");
    }
    Ok(())
}

/// Moves the HUD to its remembered or default place for its current size.
fn place(window: &WebviewWindow, expanded: bool) -> tauri::Result<()> {
    let (monitors, primary) = monitors(window)?;
    let state = window.state::<DesktopState>();
    let remembered = state.settings.lock().expect("settings lock").settings.hud.clone();
    match placement::initial(&monitors, primary, &remembered, size(expanded)) {
        Ok(p) => {
            tracing::info!(monitor = %monitors[p.monitor].key(), x = p.position.x, y = p.position.y, of = monitors.len(), "HUD placed");
            state.hud_moves.lock().expect("HUD moves lock").app_changed(Some(p.position));
            window.set_position(PhysicalPosition::new(p.position.x, p.position.y))
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot place the HUD; leaving it where the window manager put it");
            state.hud_moves.lock().expect("HUD moves lock").app_changed(None);
            Ok(())
        }
    }
}

/// Compact (header only) or expanded: keeps the top-left corner where it is, moved only as far
/// as keeps the HUD inside the work area of the monitor it is on ([`placement::resized`]).
/// "Where it is" is the app's own record ([`crate::hud_moves::HudMoves::position`]), not the
/// window system's cached geometry, which lags behind moves it has not reported yet. Remembers
/// nothing: resizing is not the user's drag.
pub fn set_expanded(app: &AppHandle, expanded: bool) -> tauri::Result<()> {
    let Some(window) = app.get_webview_window(LABEL) else { return Ok(()) };
    let s = size(expanded);
    let state = window.state::<DesktopState>();
    let at = {
        let mut moves = state.hud_moves.lock().expect("HUD moves lock");
        moves.app_changed(None);
        moves.position()
    };
    window.set_min_size(Some(tauri::LogicalSize::new(s.width, s.height)))?;
    window.set_max_size(Some(tauri::LogicalSize::new(s.width, s.height)))?;
    window.set_size(tauri::LogicalSize::new(s.width, s.height))?;
    let Some(at) = at else { return place(&window, expanded) };
    let (monitors, _) = monitors(&window)?;
    match placement::resized(&monitors, at, s) {
        Ok(to) if to != at => {
            tracing::info!(from_x = at.x, from_y = at.y, x = to.x, y = to.y, expanded, "HUD kept on screen");
            state.hud_moves.lock().expect("HUD moves lock").app_changed(Some(to));
            window.set_position(PhysicalPosition::new(to.x, to.y))
        }
        Ok(_) => Ok(()),
        Err(e) => {
            tracing::warn!(error = %e, "cannot keep the resized HUD on screen");
            Ok(())
        }
    }
}

/// Starts the user's drag of the HUD (the page's press on its handle; on Linux the app starts
/// it from GDK's press event instead, [`crate::hud_gtk_drag`]): the window manager moves the
/// window with the pointer, and where the user leaves it is remembered for that monitor
/// ([`on_moved`]).
pub fn start_drag(window: &WebviewWindow) -> tauri::Result<()> {
    window.state::<DesktopState>().hud_moves.lock().expect("HUD moves lock").drag_started();
    let pointer = window.cursor_position().map(|p| (p.x.round() as i32, p.y.round() as i32)).ok();
    tracing::info!(?pointer, "HUD drag started by the user");
    window.start_dragging()
}

/// Lets mouse clicks pass through the HUD to the window below (or stops doing so).
pub fn set_click_through(app: &AppHandle, enabled: bool) -> tauri::Result<()> {
    match app.get_webview_window(LABEL) {
        Some(window) => window.set_ignore_cursor_events(enabled),
        None => Ok(()),
    }
}

/// Shows a hidden HUD, hides a visible one (no-op without a HUD).
pub fn toggle(app: &AppHandle) -> tauri::Result<()> {
    let Some(window) = app.get_webview_window(LABEL) else { return Ok(()) };
    window.state::<DesktopState>().hud_moves.lock().expect("HUD moves lock").app_changed(None);
    if window.is_visible()? { window.hide() } else { window.show() }
}

/// The HUD window's `Moved` event (top-left corner `position`): records where the HUD is and,
/// when the user is dragging it ([`start_drag`]), remembers the place for its monitor and saves
/// the settings.
pub fn on_moved(window: &WebviewWindow, position: PhysicalPosition<i32>) {
    let at = Point { x: position.x, y: position.y };
    let state = window.state::<DesktopState>();
    // Without the monitors the position is still recorded; remembering it fails (logged).
    let monitors = monitors(window).map(|(list, _)| list).unwrap_or_default();
    let scale = window.scale_factor().unwrap_or(1.0);
    let s = match window.inner_size() {
        Ok(inner) => Size { width: f64::from(inner.width) / scale, height: f64::from(inner.height) / scale },
        Err(_) => size(true),
    };
    let mut moves = state.hud_moves.lock().expect("HUD moves lock");
    let mut file = state.settings.lock().expect("settings lock");
    match moves.moved(&mut file.settings.hud, &monitors, at, s) {
        Ok(Some(index)) => {
            tracing::debug!(monitor = %monitors[index].key(), x = at.x, y = at.y, "HUD position remembered");
            if let Err(e) = file.save() {
                tracing::warn!(error = %e, "cannot save the HUD position");
            }
        }
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "cannot remember the HUD position"),
    }
}

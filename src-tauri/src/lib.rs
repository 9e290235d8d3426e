//! Closer desktop app (Tauri v2): the main window (sign-in, today's meetings, join, pre-call
//! microphone check) and the always-on-top HUD window, both rendered by the web UI's `desktop`
//! entry (`ui/desktop.html`, embedded at build time).
//!
//! One module per capability: [`placement`] (pure HUD geometry), [`hud`] (the HUD window),
//! [`hud_drag_region`] (where a press drags it; on Linux started from GDK's press event) and
//! [`hud_moves`] (which of its moves are the user's, remembered),
//! [`auth`] + [`keyring_store`] (sign-in, refresh token in the OS keyring), [`audio`] (cpal
//! input devices and level meter), [`deep_link`] (`closer://` links), [`export`] (saving
//! exports through the save dialog), [`settings`], [`commands`] (what the UI may call).

pub mod audio;
pub mod auth;
pub mod bindings;
mod command_names;
pub mod commands;
pub mod deep_link;
pub mod export;
pub mod hud;
pub mod hud_drag_region;
#[cfg(target_os = "linux")]
mod hud_gtk_drag;
pub mod hud_moves;
pub mod keyring_store;
pub mod placement;
pub mod room;
pub mod settings;
pub mod state;

use deep_link::DeepLink;
use state::DesktopState;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_deep_link::DeepLinkExt;
use tauri_plugin_global_shortcut::{GlobalShortcutExt, ShortcutState};

/// Label of the main window (declared in `tauri.conf.json`).
pub const MAIN_WINDOW: &str = "main";

/// Runs the app until its last window closes.
pub fn run() {
    // Logs on stderr, where a desktop session (and tauri-driver under test) keeps them.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let result = tauri::Builder::default()
        // First: a second launch (e.g. a clicked closer:// link) hands its arguments over
        // and exits.
        .plugin(tauri_plugin_single_instance::init(|app, args, _cwd| {
            focus_main(app);
            if let Some(link) = DeepLink::from_args(&args) {
                deliver(app, link);
            }
        }))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(
            tauri_plugin_global_shortcut::Builder::new()
                .with_handler(|app, shortcut, event| {
                    if event.state() == ShortcutState::Pressed
                        && *shortcut == hud::toggle_shortcut()
                        && let Err(e) = hud::toggle(app)
                    {
                        tracing::warn!(error = %e, "cannot toggle the HUD");
                    }
                })
                .build(),
        )
        .setup(|app| {
            let settings = settings::SettingsFile::load(app.path().app_config_dir()?.join("settings.json"));
            app.manage(DesktopState::new(settings)?);
            if let Err(e) = app.global_shortcut().register(hud::toggle_shortcut()) {
                // Another app owns the chord: the HUD still works, only without the shortcut.
                tracing::warn!(error = %e, "cannot register the HUD shortcut");
            }
            // Windows: the registry entry points at this executable. Linux: the .deb's desktop
            // entry registers the scheme when installed; only an AppImage (no install step)
            // registers itself. The plugin's own entry quotes its Exec line, which Debian 12's
            // xdg-open (xdg-utils 1.1.3) cannot launch: put first for the user, it would break
            // the links that work through the package's entry.
            #[cfg(target_os = "linux")]
            let register = app.env().appimage.is_some();
            #[cfg(windows)]
            let register = true;
            #[cfg(any(target_os = "linux", windows))]
            if register && let Err(e) = app.deep_link().register_all() {
                tracing::warn!(error = %e, "cannot register the closer:// scheme");
            }
            let handle = app.handle().clone();
            app.deep_link().on_open_url(move |event| {
                for url in event.urls() {
                    deliver(&handle, DeepLink::parse(url.as_str()));
                }
            });
            if let Some(link) = DeepLink::from_args(std::env::args().skip(1)) {
                deliver(app.handle(), link);
            }
            Ok(())
        })
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::Moved(position) = event
                && window.label() == hud::LABEL
                && let Some(hud) = window.app_handle().get_webview_window(hud::LABEL)
            {
                hud::on_moved(&hud, *position);
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::sign_in,
            commands::current_user,
            commands::sign_out,
            commands::todays_meetings,
            commands::summoned_meetings,
            commands::notify,
            commands::hud_socket_url,
            commands::open_hud,
            commands::open_room,
            commands::meeting_playbook,
            commands::send_priority_message,
            commands::hud_set_expanded,
            commands::hud_start_drag,
            commands::hud_set_drag_region,
            commands::hud_set_click_through,
            commands::hud_click_through,
            commands::backend_origin,
            commands::access_token,
            commands::input_devices,
            commands::set_input_device,
            commands::start_level_meter,
            commands::stop_level_meter,
            commands::take_pending_link,
            commands::save_export,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("closer-desktop: {e}");
        std::process::exit(1);
    }
}

fn focus_main(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Hands a `closer://` link to the main window: queued for [`commands::take_pending_link`]
/// (a UI that has not loaded yet asks at start), and announced with
/// [`commands::DEEP_LINK_EVENT`] (a loaded UI then takes it).
fn deliver(app: &AppHandle, link: Result<DeepLink, deep_link::DeepLinkError>) {
    let link = match link {
        Ok(link) => link,
        Err(e) => return tracing::warn!(error = %e, "ignoring a closer:// link"),
    };
    tracing::info!(?link, "closer:// link received");
    focus_main(app);
    *app.state::<DesktopState>().pending_link.lock().expect("link lock") = Some(link);
    let _ = app.emit_to(MAIN_WINDOW, commands::DEEP_LINK_EVENT, link);
}

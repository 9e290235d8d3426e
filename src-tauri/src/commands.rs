//! The commands the UI calls (`invoke`), one thin adapter each over the modules that do the
//! work. Argument and result types are exported to TypeScript (`ui/src/bindings/desktop/`).

use crate::audio::{self, InputDevice, Level, LevelMeter};
use crate::auth::AuthError;
use crate::deep_link::DeepLink;
use crate::export::{self, ExportError};
use crate::hud;
use crate::hud_drag_region::DragRegion;
use crate::room;
use crate::state::DesktopState;
use closer_wire::{Handoff, Meeting, PriorityMessageRequest, StoredPlaybook, User};
use serde::Serialize;
use tauri::{AppHandle, Emitter, State, WebviewWindow};
use tauri_plugin_notification::NotificationExt;
use ts_rs::TS;
use uuid::Uuid;

/// Event carrying a [`Level`] of the running level meter, every [`audio::METER_INTERVAL_MS`].
pub const AUDIO_LEVEL_EVENT: &str = "audio-level";
/// Event carrying a [`DeepLink`] that arrived while the app runs.
pub const DEEP_LINK_EVENT: &str = "deep-link";

/// A failed command: a stable `code` for the UI's logic and a human-readable `message`.
#[derive(Debug, Serialize, TS)]
pub struct CommandError {
    /// `not_signed_in`, `rejected` (credentials or session refused), `backend`, `network`,
    /// `keyring`, `audio`, `window`, `file` (an export could not be saved), `invalid`.
    pub code: String,
    pub message: String,
}

impl CommandError {
    fn new(code: &str, message: impl ToString) -> Self {
        Self { code: code.into(), message: message.to_string() }
    }
}

impl From<AuthError> for CommandError {
    fn from(e: AuthError) -> Self {
        let code = match &e {
            AuthError::NotSignedIn => "not_signed_in",
            AuthError::Rejected(_) => "rejected",
            AuthError::Backend(..) => "backend",
            AuthError::Network(_) => "network",
            AuthError::Keyring(_) => "keyring",
        };
        Self::new(code, e)
    }
}

impl From<tauri::Error> for CommandError {
    fn from(e: tauri::Error) -> Self {
        Self::new("window", e)
    }
}

impl From<audio::AudioError> for CommandError {
    fn from(e: audio::AudioError) -> Self {
        Self::new("audio", e)
    }
}

impl From<ExportError> for CommandError {
    fn from(e: ExportError) -> Self {
        Self::new("file", e)
    }
}

type Result<T> = std::result::Result<T, CommandError>;

/// Signs in; the refresh token goes to the OS keyring.
#[tauri::command]
pub async fn sign_in(state: State<'_, DesktopState>, email: String, password: String) -> Result<User> {
    Ok(state.auth.sign_in(&email, &password).await?)
}

/// The signed-in user (restoring the session from the keyring at start-up), or `null`.
#[tauri::command]
pub async fn current_user(state: State<'_, DesktopState>) -> Result<Option<User>> {
    Ok(state.auth.restore().await?)
}

/// Signs out: deletes the keyring entry and revokes the login.
#[tauri::command]
pub async fn sign_out(state: State<'_, DesktopState>) -> Result<()> {
    Ok(state.auth.sign_out().await?)
}

/// Today's meetings of the user (`time_zone`: IANA name defining "today").
#[tauri::command]
pub async fn todays_meetings(state: State<'_, DesktopState>, time_zone: String) -> Result<Vec<Meeting>> {
    let zone: String = url::form_urlencoded::byte_serialize(time_zone.as_bytes()).collect();
    Ok(state.auth.get(&format!("/meetings?when=today&time_zone={zone}")).await?)
}

/// The signed-in user's own meetings whose guest asks for them now (an AI agent's call, issue
/// #18: `GET /api/meetings?when=summoned`).
#[tauri::command]
pub async fn summoned_meetings(state: State<'_, DesktopState>) -> Result<Vec<Meeting>> {
    Ok(state.auth.get("/meetings?when=summoned").await?)
}

/// Shows an OS notification (on Linux through the desktop's Freedesktop notification server):
/// `title` and `body`, under the app's name. Errors: `notification` when it cannot be prepared;
/// a missing notification server is only logged (by the plugin).
#[tauri::command]
pub fn notify(app: AppHandle, title: String, body: String) -> Result<()> {
    app.notification().builder().title(title).body(body).show().map_err(|e| CommandError::new("notification", e))
}

/// `ws(s)://…/api/meetings/{id}/hud?access_token=…[&after_seq=…]` with a fresh access token,
/// for the HUD window's event stream.
#[tauri::command]
pub async fn hud_socket_url(state: State<'_, DesktopState>, meeting_id: Uuid, after_seq: Option<u32>) -> Result<String> {
    let token = state.auth.access_token().await?;
    let mut url = state.auth.api_url(&format!("/meetings/{meeting_id}/hud"));
    let scheme = if url.scheme() == "https" { "wss" } else { "ws" };
    url.set_scheme(scheme).map_err(|()| CommandError::new("invalid", "cannot make a WebSocket URL"))?;
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("access_token", &token);
        if let Some(seq) = after_seq {
            query.append_pair("after_seq", &seq.to_string());
        }
    }
    Ok(url.into())
}

/// Opens the HUD window for a meeting (`shadow`: a manager's read-only mirror).
#[tauri::command]
pub fn open_hud(app: AppHandle, meeting_id: Uuid, shadow: bool) -> Result<()> {
    Ok(hud::open(&app, meeting_id, shadow)?)
}

/// Opens the meeting's room signed in through a one-time handoff token: in an app window when
/// `in_app` (the UI found `RTCPeerConnection` in its web view), else in the system browser.
#[tauri::command]
pub async fn open_room(app: AppHandle, state: State<'_, DesktopState>, meeting_id: Uuid, shadow: bool, in_app: bool) -> Result<()> {
    let handoff: Handoff = state.auth.post("/auth/handoff", &serde_json::json!({})).await?;
    let url = room::handoff_url(state.auth.base(), &handoff.token, meeting_id, shadow);
    room::open(&app, url, in_app).map_err(|e| CommandError::new("window", e))
}

/// The playbook of a meeting (the HUD lists its checklist, ticked or not).
#[tauri::command]
pub async fn meeting_playbook(state: State<'_, DesktopState>, meeting_id: Uuid) -> Result<StoredPlaybook> {
    let meeting: Meeting = state.auth.get(&format!("/meetings/{meeting_id}")).await?;
    Ok(state.auth.get(&format!("/playbooks/{}", meeting.playbook_id)).await?)
}

/// Shadow mode: a manager's priority message, shown at once in the seller's HUD.
#[tauri::command]
pub async fn send_priority_message(state: State<'_, DesktopState>, meeting_id: Uuid, text: String) -> Result<()> {
    let body = serde_json::to_value(PriorityMessageRequest { text }).map_err(|e| CommandError::new("invalid", e))?;
    Ok(state.auth.post_accepted(&format!("/meetings/{meeting_id}/priority-messages"), &body).await?)
}

/// Compact (header only) or expanded HUD.
#[tauri::command]
pub fn hud_set_expanded(app: AppHandle, expanded: bool) -> Result<()> {
    Ok(hud::set_expanded(&app, expanded)?)
}

/// Starts the user's drag of the HUD window (a press on its handle): the window manager moves it
/// with the pointer, and where the user leaves it is remembered for its monitor. Only the HUD
/// window may call it (capability `hud`); errors `invalid` from another window.
#[tauri::command]
pub fn hud_start_drag(window: WebviewWindow) -> Result<()> {
    if window.label() != hud::LABEL {
        return Err(CommandError::new("invalid", format!("only the HUD window is dragged this way, not {:?}", window.label())));
    }
    Ok(hud::start_drag(&window)?)
}

/// The HUD page's drag region (its handle less the handle's buttons, CSS px), reported whenever
/// its layout changes: on Linux a press there starts the window's drag before the page sees it
/// ([`crate::hud_drag_region`]). Only the HUD window may call it (capability `hud`); errors
/// `invalid` from another window or for a bad region ([`DragRegion::validate`]).
#[tauri::command]
pub fn hud_set_drag_region(window: WebviewWindow, state: State<'_, DesktopState>, region: DragRegion) -> Result<()> {
    if window.label() != hud::LABEL {
        return Err(CommandError::new("invalid", format!("only the HUD window has a drag region, not {:?}", window.label())));
    }
    region.validate().map_err(|e| CommandError::new("invalid", e))?;
    *state.hud_drag_region.lock().expect("drag region lock") = Some(region);
    Ok(())
}

/// Lets clicks pass through the HUD, or stops; remembered as the default for every HUD opened
/// later (settings).
#[tauri::command]
pub fn hud_set_click_through(app: AppHandle, state: State<'_, DesktopState>, enabled: bool) -> Result<()> {
    {
        let mut settings = state.settings.lock().expect("settings lock");
        settings.settings.hud_click_through = enabled;
        settings.save().map_err(|e| CommandError::new("invalid", format!("cannot save the settings: {e}")))?;
    }
    Ok(hud::set_click_through(&app, enabled)?)
}

/// Whether clicks pass through the HUD (the remembered default, `false` until chosen).
#[tauri::command]
pub fn hud_click_through(state: State<'_, DesktopState>) -> bool {
    state.settings.lock().expect("settings lock").settings.hud_click_through
}

/// The backend origin (`http(s)://host[:port]`, no trailing slash) the UI's own API calls go
/// to: the web UI's components fetch `/api/…` (JSON, replay audio, battle-card images) from it,
/// since the app's web view has an origin of its own (`tauri://localhost`).
#[tauri::command]
pub fn backend_origin(state: State<'_, DesktopState>) -> String {
    state.auth.base().as_str().trim_end_matches('/').to_owned()
}

/// A valid access token (memory only, refreshed a minute before it expires) for the UI's
/// `Authorization: Bearer` calls to [`backend_origin`]; `refresh` forces a new one after the
/// backend answered 401. Errors: `not_signed_in`, `rejected` (the login is over), `network`.
#[tauri::command]
pub async fn access_token(state: State<'_, DesktopState>, refresh: bool) -> Result<String> {
    if refresh {
        state.auth.refresh().await?;
    }
    Ok(state.auth.access_token().await?)
}

/// The microphones, and which one the user chose last (`null`: the system default).
#[derive(Debug, Serialize, TS)]
pub struct InputDevices {
    pub devices: Vec<InputDevice>,
    pub chosen: Option<String>,
}

/// Lists the audio inputs.
#[tauri::command]
pub fn input_devices(state: State<'_, DesktopState>) -> Result<InputDevices> {
    let chosen = state.settings.lock().expect("settings lock").settings.input_device.clone();
    Ok(InputDevices { devices: audio::input_devices()?, chosen })
}

/// Remembers the chosen microphone (`null`: the system default) without testing it.
#[tauri::command]
pub fn set_input_device(state: State<'_, DesktopState>, device: Option<String>) -> Result<()> {
    let mut settings = state.settings.lock().expect("settings lock");
    settings.settings.input_device = device;
    settings.save().map_err(|e| CommandError::new("invalid", format!("cannot save the settings: {e}")))
}

/// Starts the level meter on `device` (`null`: the default input), remembers the choice, and
/// emits [`AUDIO_LEVEL_EVENT`] with a [`Level`] every 50 ms until [`stop_level_meter`].
#[tauri::command]
pub fn start_level_meter(app: AppHandle, state: State<'_, DesktopState>, device: Option<String>) -> Result<()> {
    let mut meter = state.meter.lock().expect("meter lock");
    if let Some(running) = meter.take() {
        running.stop();
    }
    *meter = Some(LevelMeter::start(device.as_deref(), move |level: Level| {
        let _ = app.emit(AUDIO_LEVEL_EVENT, level);
    })?);
    let mut settings = state.settings.lock().expect("settings lock");
    settings.settings.input_device = device;
    settings.save().map_err(|e| CommandError::new("invalid", format!("cannot save the settings: {e}")))?;
    Ok(())
}

/// Stops the level meter (no-op when none runs).
#[tauri::command]
pub fn stop_level_meter(state: State<'_, DesktopState>) {
    if let Some(running) = state.meter.lock().expect("meter lock").take() {
        running.stop();
    }
}

/// The `closer://` link the app was started with (or received since), once.
#[tauri::command]
pub fn take_pending_link(state: State<'_, DesktopState>) -> Option<DeepLink> {
    state.pending_link.lock().expect("link lock").take()
}

/// Saves an export (`contents`, UTF-8 text) where the user picks in the OS's save dialog, titled
/// `title` (the UI's words, in its language) and suggesting `file_name` (a name only). Returns
/// the path written, or `null` when the user cancelled. Errors: `file`.
#[tauri::command]
pub async fn save_export(app: AppHandle, window: WebviewWindow, title: String, file_name: String, contents: String) -> Result<Option<String>> {
    let saved = export::save(&app, &window, &title, &file_name, contents.as_bytes()).await?;
    Ok(saved.map(|path| path.display().to_string()))
}

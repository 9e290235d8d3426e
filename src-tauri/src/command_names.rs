/// Every command the app registers: `build.rs` generates an `allow-<name>` permission for each
/// (this file is `include!`d there), and the TypeScript bindings must cover exactly these.
pub const COMMAND_NAMES: &[&str] = &[
    "sign_in",
    "current_user",
    "sign_out",
    "todays_meetings",
    "hud_socket_url",
    "open_hud",
    "open_room",
    "meeting_playbook",
    "send_priority_message",
    "hud_set_expanded",
    "hud_set_click_through",
    "hud_click_through",
    "backend_origin",
    "access_token",
    "input_devices",
    "set_input_device",
    "start_level_meter",
    "stop_level_meter",
    "take_pending_link",
    "save_export",
];

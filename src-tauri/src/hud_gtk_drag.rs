//! Linux: a press on the HUD's handle starts the window's drag from GDK's event, before GTK
//! hands the event to any widget.
//!
//! Why so early: under `tests/desktop` (openbox, xdotool), in about one app start in five GDK
//! received the HUD's presses while GTK delivered none of them to the web view — no
//! `button-press-event`, although no GTK grab was held and the view was sensitive, focused,
//! mapped and viewable; the releases arrived. The page then saw no `mousedown`, and the drag
//! never started (issue #6). So the press that starts a drag is taken where it certainly
//! arrives: GDK's event handler. Every other event goes on to GTK (`gtk_main_do_event`, GTK's
//! own handler). The drag starts as GTK's own title bars start theirs
//! (`gtk_window_begin_move_drag`, with the press's root position and timestamp).

use crate::state::DesktopState;
use gtk::prelude::*;
use gtk::{gdk, glib};
use std::cell::{Cell, RefCell};
use tauri::{AppHandle, Manager, WebviewWindow};

thread_local! {
    /// The HUD's web view (GTK's main thread only).
    static HUD_VIEW: RefCell<Option<glib::WeakRef<gtk::Widget>>> = const { RefCell::new(None) };
    /// Whether GDK's event handler is ours yet (it is process-wide; set once).
    static HANDLER_SET: Cell<bool> = const { Cell::new(false) };
}

/// Makes presses on `window`'s drag region start its drag (call once the HUD window is built).
pub fn install(window: &WebviewWindow) -> tauri::Result<()> {
    let app = window.app_handle().clone();
    window.with_webview(move |webview| {
        let view: gtk::Widget = webview.inner().upcast();
        HUD_VIEW.with(|v| *v.borrow_mut() = Some(view.downgrade()));
        if !HANDLER_SET.replace(true) {
            let app = app.clone();
            gdk::Event::set_handler(Some(move |event: &mut gdk::Event| {
                if !starts_drag(&app, event) {
                    gtk::main_do_event(event);
                }
            }));
        }
    })
}

/// For a single primary-button press on the HUD's web view inside the page's drag region
/// ([`crate::hud_drag_region`]): starts the drag and returns `true` (the press is used up);
/// `false` for every other event.
fn starts_drag(app: &AppHandle, event: &mut gdk::Event) -> bool {
    if event.event_type() != gdk::EventType::ButtonPress || event.button() != Some(1) {
        return false;
    }
    let Some(view) = HUD_VIEW.with(|v| v.borrow().as_ref().and_then(|weak| weak.upgrade())) else { return false };
    if gtk::event_widget(event).as_ref() != Some(&view) {
        return false;
    }
    let (Some((root_x, root_y)), Some(gdk_window)) = (event.root_coords(), view.window()) else { return false };
    // The press's place in the view, from its root position: the event's own coordinates are
    // relative to whichever GDK window got it, which need not be the view's.
    let (_, origin_x, origin_y) = gdk_window.origin();
    let (offset_x, offset_y) = if view.has_window() { (0, 0) } else { (view.allocation().x(), view.allocation().y()) };
    let (x, y) = (root_x - f64::from(origin_x + offset_x), root_y - f64::from(origin_y + offset_y));
    let state = app.state::<DesktopState>();
    let on_handle = state.hud_drag_region.lock().expect("drag region lock").as_ref().is_some_and(|region| region.starts_drag(x, y));
    if !on_handle {
        return false;
    }
    let Some(toplevel) = view.toplevel().and_then(|w| w.downcast::<gtk::Window>().ok()) else { return false };
    state.hud_moves.lock().expect("HUD moves lock").drag_started();
    tracing::info!(x, y, root_x, root_y, "HUD drag started by the user (GDK press)");
    toplevel.begin_move_drag(1, root_x.round() as i32, root_y.round() as i32, event.time());
    true
}

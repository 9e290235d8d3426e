//! Linux: a press on the HUD's handle starts the window's drag in GTK itself, from the press
//! event, before WebKit sees it.
//!
//! Why not from the page: WebKitGTK now and then handed a newly shown HUD's page no `mousedown`
//! for a real press although GTK delivered the press to the web view (issue #6: about one first
//! drag in four under tauri-driver did not start), and a page whose press the window manager
//! took for a move never sees that button's release. Starting the drag here, with the press's
//! own root position and timestamp, is what GTK's own title bars do (`gtk_window_begin_move_drag`).

use crate::state::DesktopState;
use gtk::prelude::*;
use gtk::{gdk, glib};
use tauri::{AppHandle, Manager, WebviewWindow};

/// Connects the press handler to the HUD window's web view (once, when the window is built).
pub fn install(window: &WebviewWindow) -> tauri::Result<()> {
    let app = window.app_handle().clone();
    window.with_webview(move |webview| {
        let app = app.clone();
        webview.inner().connect_button_press_event(move |view, event| on_press(&app, view.upcast_ref(), event));
    })
}

/// Starts the drag for a single primary-button press inside the page's drag region
/// ([`crate::hud_drag_region`]) and stops the press there; lets every other press through to
/// the page.
fn on_press(app: &AppHandle, view: &gtk::Widget, event: &gdk::EventButton) -> glib::Propagation {
    if event.event_type() != gdk::EventType::ButtonPress || event.button() != 1 {
        return glib::Propagation::Proceed;
    }
    // The press's place in the view, from its root position: the event's own coordinates are
    // relative to whichever GDK window got it, which need not be the view's.
    let Some(gdk_window) = view.window() else { return glib::Propagation::Proceed };
    let (_, origin_x, origin_y) = gdk_window.origin();
    let (offset_x, offset_y) = if view.has_window() { (0, 0) } else { (view.allocation().x(), view.allocation().y()) };
    let (root_x, root_y) = event.root();
    let (x, y) = (root_x - f64::from(origin_x + offset_x), root_y - f64::from(origin_y + offset_y));
    let state = app.state::<DesktopState>();
    let on_handle = state.hud_drag_region.lock().expect("drag region lock").as_ref().is_some_and(|region| region.starts_drag(x, y));
    if !on_handle {
        return glib::Propagation::Proceed;
    }
    let Some(toplevel) = view.toplevel().and_then(|w| w.downcast::<gtk::Window>().ok()) else {
        return glib::Propagation::Proceed;
    };
    state.hud_moves.lock().expect("HUD moves lock").drag_started();
    tracing::info!(x, y, root_x, root_y, "HUD drag started by the user (GTK press)");
    toplevel.begin_move_drag(1, root_x.round() as i32, root_y.round() as i32, event.time());
    glib::Propagation::Stop
}

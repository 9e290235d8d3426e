//! Opening a call's room. The HUD never depends on it (it has its own event stream); the room
//! runs in an app window when the web view has WebRTC (WebView2, WKWebView) and in the system
//! browser otherwise (Debian's WebKitGTK) — the UI detects `RTCPeerConnection` at run time.
//! Either way the web UI is signed in by a one-time handoff token in the URL fragment.

use tauri::{AppHandle, Manager, WebviewUrl, WebviewWindowBuilder};
use tauri_plugin_opener::OpenerExt;
use url::Url;
use uuid::Uuid;

/// Window label of an in-app room.
pub const LABEL: &str = "room";

/// `{backend}/handoff#token=…&next=/host/<id>` (or `/shadow/<id>` for a manager).
pub fn handoff_url(backend: &Url, token: &str, meeting: Uuid, shadow: bool) -> Url {
    let mut url = backend.join("handoff").expect("a fixed relative path");
    let next = format!("/{}/{meeting}", if shadow { "shadow" } else { "host" });
    let fragment: String = url::form_urlencoded::Serializer::new(String::new()).append_pair("token", token).append_pair("next", &next).finish();
    url.set_fragment(Some(&fragment));
    url
}

/// Opens `url` in an app window (`in_app`) or in the system browser.
pub fn open(app: &AppHandle, url: Url, in_app: bool) -> Result<(), String> {
    if !in_app {
        return app.opener().open_url(url.as_str(), None::<&str>).map_err(|e| format!("cannot open the browser: {e}"));
    }
    if let Some(window) = app.get_webview_window(LABEL) {
        window.navigate(url).map_err(|e| e.to_string())?;
        return window.set_focus().map_err(|e| e.to_string());
    }
    WebviewWindowBuilder::new(app, LABEL, WebviewUrl::External(url))
        .title("Closer call")
        .inner_size(1280.0, 800.0)
        .build()
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handoff_urls_carry_the_token_in_the_fragment() {
        let id = Uuid::parse_str("0b5c2d8e-7d1f-4f43-9a4e-3a4a1c9b2f10").unwrap();
        let base = Url::parse("http://127.0.0.1:8787/").unwrap();
        let url = handoff_url(&base, "abc-_123", id, false);
        assert_eq!(url.as_str(), format!("http://127.0.0.1:8787/handoff#token=abc-_123&next=%2Fhost%2F{id}"));
        assert_eq!(url.query(), None, "the token must never be in the query (sent to servers, logged)");
        let url = handoff_url(&Url::parse("https://closer.example.com/").unwrap(), "t", id, true);
        assert!(url.as_str().ends_with(&format!("#token=t&next=%2Fshadow%2F{id}")));
    }
}

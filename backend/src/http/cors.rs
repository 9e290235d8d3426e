//! Cross-origin access for the desktop app: its web view has an origin of its own
//! (`tauri://localhost` on Linux and macOS, `http(s)://tauri.localhost` on Windows), and the web
//! UI's components it reuses (recap, playbooks, battle-card images) fetch the API from the
//! backend's origin with a bearer token. Only those origins are allowed, without credentials:
//! the API authenticates by the `Authorization` header, never by cookies, so a page can do no
//! more cross-origin than it could with the token in hand.

use axum::http::{HeaderValue, Method, header};
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The Tauri web view origins (Tauri 2: `tauri://localhost`; on Windows `http://tauri.localhost`,
/// or `https://` with `useHttpsScheme`).
pub const DESKTOP_ORIGINS: [&str; 3] = ["tauri://localhost", "http://tauri.localhost", "https://tauri.localhost"];

/// How long a browser may cache a preflight answer (seconds).
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(600);

/// The CORS layer: [`DESKTOP_ORIGINS`], any API method, `Authorization` and `Content-Type`.
pub fn layer() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(DESKTOP_ORIGINS.map(HeaderValue::from_static)))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .max_age(PREFLIGHT_MAX_AGE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::get;
    use tower::ServiceExt;

    fn app() -> Router {
        Router::new().route("/api/x", get(|| async { "ok" })).layer(layer())
    }

    async fn preflight(origin: &str) -> axum::http::Response<Body> {
        let request = Request::options("/api/x")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "authorization")
            .body(Body::empty())
            .unwrap();
        app().oneshot(request).await.unwrap()
    }

    #[tokio::test]
    async fn the_desktop_app_may_call_with_a_bearer_token() {
        let response = preflight("tauri://localhost").await;
        assert_eq!(response.status(), StatusCode::OK);
        let headers = response.headers();
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "tauri://localhost");
        assert!(headers[header::ACCESS_CONTROL_ALLOW_HEADERS].to_str().unwrap().contains("authorization"));
        assert!(!headers.contains_key(header::ACCESS_CONTROL_ALLOW_CREDENTIALS));
    }

    #[tokio::test]
    async fn other_origins_are_not_allowed() {
        let response = preflight("https://evil.example.com").await;
        assert!(!response.headers().contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
        let simple = Request::get("/api/x").header(header::ORIGIN, "https://evil.example.com").body(Body::empty()).unwrap();
        let response = app().oneshot(simple).await.unwrap();
        assert!(!response.headers().contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
    }
}

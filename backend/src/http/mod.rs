//! HTTP API: one module per resource, each with its own `router()`, merged here under the
//! shared layers (request ids, tracing, CORS for the desktop app's web view).

mod agents;
mod analytics;
mod auth;
mod availability;
mod booking;
mod cors;
mod error;
mod extract;
mod handoff;
mod health;
mod images;
mod instant_call;
mod invitations;
mod join;
mod leads;
mod live;
mod livekit_webhook;
mod meetings;
mod openapi;
mod organizations;
mod password_reset;
mod photos;
mod playbooks;
mod presentations;
mod recap;
mod stt;
mod users;
pub mod validate;
mod webhooks;

pub use crate::error::Error;
pub use extract::{Body, ClientIp, PathParams, QueryParams};

use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, Method, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::{ServiceBuilder, ServiceExt};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// The full application router.
///
/// Every response carries an `x-request-id` header (the caller's, or a fresh UUID v4), and every
/// log line of a request is inside a span carrying that id, so a user-reported id finds its logs.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(health::router())
        .merge(api())
        .fallback(ui)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                    let id = request
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("request", id, method = %request.method(), path = request.uri().path())
                }))
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(cors::layer()),
        )
        .with_state(state)
}

/// The pre-call API under `/api`, with its OpenAPI description served at `/api/docs`.
fn api() -> Router<AppState> {
    use utoipa::OpenApi;
    let routes = utoipa_axum::router::OpenApiRouter::new()
        .merge(auth::router())
        .merge(handoff::router())
        .merge(organizations::router())
        .merge(users::router())
        .merge(invitations::router())
        .merge(password_reset::router())
        .merge(availability::router())
        .merge(booking::router())
        .merge(instant_call::router())
        .merge(photos::router())
        .merge(meetings::router())
        .merge(join::router())
        .merge(playbooks::router())
        .merge(livekit_webhook::router())
        .merge(webhooks::router())
        .merge(recap::router())
        .merge(presentations::router())
        .merge(analytics::router())
        .merge(stt::router())
        .merge(leads::router())
        .merge(agents::router());
    let (api, spec) = utoipa_axum::router::OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .nest("/api", routes)
        .split_for_parts();
    api.merge(openapi::router(spec)).merge(live::router())
}

/// Everything outside the API: the built web UI from `ui_dir` — its files, and `index.html`
/// for any other path so the app's own routes (`/meet/<id>`, `/console`, …) load it. Unknown
/// `/api/…` paths, other methods and missing `/assets/…` files are 404s.
async fn ui(State(state): State<AppState>, request: Request<axum::body::Body>) -> Response {
    let path = request.uri().path();
    if path == "/api" || path.starts_with("/api/") || !matches!(*request.method(), Method::GET | Method::HEAD) {
        return Error::NotFound.into_response();
    }
    let dir = &state.config.ui_dir;
    let index = dir.join("index.html");
    if !index.is_file() {
        let hint = format!("The web UI is not built: run `npm ci && npm run build` in ui/ (ui_dir = {}).\n", dir.display());
        return (StatusCode::NOT_FOUND, hint).into_response();
    }
    // Vite fingerprints every file under /assets/: cache those forever, revalidate the rest.
    let fingerprinted = path.starts_with("/assets/");
    let served = if fingerprinted {
        ServeDir::new(dir).oneshot(request).await
    } else {
        ServeDir::new(dir).fallback(ServeFile::new(index)).oneshot(request).await
    };
    let mut response = match served {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    };
    let cache = if fingerprinted && response.status().is_success() { "public, max-age=31536000, immutable" } else { "no-cache" };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

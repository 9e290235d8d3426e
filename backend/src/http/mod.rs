//! HTTP API: one module per resource, each with its own `router()`, merged here under the
//! shared layers (request ids, tracing).

mod auth;
mod availability;
mod booking;
mod error;
mod extract;
mod health;
mod join;
mod live;
mod livekit_webhook;
mod meetings;
mod openapi;
mod organizations;
mod playbooks;
mod users;
pub mod validate;
mod webhooks;

pub use error::Error;
pub use extract::{Body, ClientIp, PathParams, QueryParams};

use crate::state::AppState;
use axum::Router;
use axum::http::Request;
use tower::ServiceBuilder;
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
        .fallback(|| async { Error::NotFound })
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
                .layer(PropagateRequestIdLayer::x_request_id()),
        )
        .with_state(state)
}

/// The pre-call API under `/api`, with its OpenAPI description served at `/api/docs`.
fn api() -> Router<AppState> {
    use utoipa::OpenApi;
    let routes = utoipa_axum::router::OpenApiRouter::new()
        .merge(auth::router())
        .merge(organizations::router())
        .merge(users::router())
        .merge(availability::router())
        .merge(booking::router())
        .merge(meetings::router())
        .merge(join::router())
        .merge(playbooks::router())
        .merge(livekit_webhook::router())
        .merge(webhooks::router());
    let (api, spec) = utoipa_axum::router::OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .nest("/api", routes)
        .split_for_parts();
    api.merge(openapi::router(spec)).merge(live::router())
}

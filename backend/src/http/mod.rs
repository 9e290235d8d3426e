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
mod phone;
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

/// Every route of the server but the web UI, with the OpenAPI document that describes them
/// served at `/api/docs`.
fn api() -> Router<AppState> {
    let (api, spec) = documented();
    api.merge(openapi::router(spec))
}

/// The routes and their OpenAPI document, built together by utoipa-axum so that neither can
/// have a route the other lacks: `/healthz`, the API under `/api`, and (declared in
/// [`openapi::ApiDoc`]) the document's own two routes, which `openapi::router` serves.
fn documented() -> (Router<AppState>, utoipa::openapi::OpenApi) {
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
        .merge(phone::router())
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
        .merge(agents::router())
        .merge(live::router());
    let (router, mut spec) = utoipa_axum::router::OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(health::router())
        .nest("/api", routes)
        .split_for_parts();
    openapi::declare_errors(&mut spec);
    (router, spec)
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

#[cfg(test)]
mod tests {
    use super::documented;

    /// The non-test code of each file of `src/http/`.
    fn sources() -> Vec<(String, String)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/http");
        let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "rs"))
            .map(|path| {
                let text = std::fs::read_to_string(&path).unwrap();
                let code = text.split("#[cfg(test)]").next().unwrap().to_owned();
                (path.file_name().unwrap().to_string_lossy().into_owned(), code)
            })
            .collect();
        files.sort();
        files
    }

    /// The OpenAPI document lists every route the server has: no route is added with plain
    /// axum calls (which would serve it undocumented) except the document's own two, declared
    /// in `ApiDoc`; and every operation annotated in `http/` is in the document once, so none
    /// is annotated yet left unrouted.
    #[test]
    fn the_openapi_document_lists_every_route() {
        let mut annotated = 0;
        for (file, code) in sources() {
            let plain = [".route(", ".route_service(", ".nest_service(", "Router::new().nest("].iter().map(|call| code.matches(call).count()).sum::<usize>();
            let allowed = if file == "openapi.rs" { 2 } else { 0 };
            assert_eq!(plain, allowed, "{file} routes {plain} path(s) with plain axum calls: use utoipa_axum's routes!");
            annotated += code.matches("#[utoipa::path(").count();
        }
        let (_, spec) = documented();
        let operations: Vec<String> = spec
            .paths
            .paths
            .iter()
            .flat_map(|(path, item)| {
                let methods = [
                    ("get", item.get.is_some()),
                    ("put", item.put.is_some()),
                    ("post", item.post.is_some()),
                    ("delete", item.delete.is_some()),
                    ("patch", item.patch.is_some()),
                ];
                methods.into_iter().filter(|(_, present)| *present).map(move |(method, _)| format!("{method} {path}"))
            })
            .collect();
        assert_eq!(operations.len(), annotated, "annotated operations and documented ones differ: {operations:#?}");
        for route in ["get /healthz", "get /api/docs/openapi.json", "get /api/meetings/{id}/hud", "get /api/meetings/{id}/audio", "post /api/meetings/{id}/recordings"] {
            assert!(operations.iter().any(|o| o == route), "{route} is missing from the document");
        }
    }
}

//! `/api/docs`: the OpenAPI 3.1 description of the API (`/api/docs/openapi.json`) and a
//! self-contained HTML page listing it (no external assets: it must work offline).

use axum::Router;
use axum::response::{Html, IntoResponse};
use std::sync::Arc;
use axum::routing::get;
use utoipa::Modify;
use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

/// Adds the `bearer` security scheme the authenticated operations refer to.
pub struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

/// The base document (title, version) the routers' operations are merged into.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "Closer API", description = "Accounts, availability, booking, meetings, playbooks, LiveKit access, the live call (HUD and ingest sockets), recaps, leads, AI agents, CRM webhooks."),
    paths(document, page),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// Routes serving `spec` at `/api/docs/openapi.json` and the page at `/api/docs` (both
/// declared in [`ApiDoc`]).
pub fn router<S: Clone + Send + Sync + 'static>(spec: OpenApi) -> Router<S> {
    let json: Arc<str> = spec.to_pretty_json().unwrap_or_else(|_| "{}".into()).into();
    Router::new().route("/api/docs/openapi.json", get(move || document(json.clone()))).route("/api/docs", get(page))
}

/// This document, as JSON.
#[utoipa::path(get, path = "/api/docs/openapi.json", tag = "docs", responses((status = 200, description = "the OpenAPI 3.1 document", content_type = "application/json")))]
async fn document(json: Arc<str>) -> impl IntoResponse {
    ([("content-type", "application/json")], json.to_string())
}

/// A self-contained HTML page listing this document's operations.
#[utoipa::path(get, path = "/api/docs", tag = "docs", responses((status = 200, description = "HTML", content_type = "text/html")))]
async fn page() -> Html<&'static str> {
    Html(PAGE)
}

const PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Closer API</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:70rem}code{background:#f3f3f3;padding:0 .3em}
.op{border-bottom:1px solid #ddd;padding:.4rem 0}.m{display:inline-block;width:4.5rem;font-weight:bold;text-transform:uppercase}
details pre{background:#f7f7f7;padding:.5rem;overflow:auto}</style></head>
<body><h1>Closer API</h1><p>Machine-readable: <a href="/api/docs/openapi.json">/api/docs/openapi.json</a> (OpenAPI 3.1).</p>
<div id="ops">Loading…</div>
<script>
fetch('/api/docs/openapi.json').then(r => r.json()).then(spec => {
  const root = document.getElementById('ops'); root.textContent = '';
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const d = document.createElement('details'); d.className = 'op';
      const s = document.createElement('summary');
      s.innerHTML = '<span class="m"></span><code></code> <span></span>';
      s.children[0].textContent = method; s.children[1].textContent = path;
      s.children[2].textContent = op.summary || op.description || '';
      const pre = document.createElement('pre'); pre.textContent = JSON.stringify(op, null, 2);
      d.append(s, pre); root.append(d);
    }
  }
});
</script></body></html>"#;

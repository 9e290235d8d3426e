//! `/api/docs`: the OpenAPI 3.1 description of the API (`/api/docs/openapi.json`) and a
//! self-contained HTML page listing it (no external assets: it must work offline).

use axum::Router;
use axum::response::{Html, IntoResponse};
use std::sync::Arc;
use axum::routing::get;
use utoipa::Modify;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Response, ResponseBuilder};

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

/// Declares on every operation the error responses the extractors and the one error type give
/// it whatever the handler does, each with the [`ErrorBody`](super::error::ErrorBody) JSON
/// body: 401 where a bearer token is required (missing, expired or forged); 400 and 422 where
/// a body or query is read (malformed; a field out of its rules); 415 where a body is read (another
/// content type); 400 and 404 where the path names something (not a UUID; not there, or not
/// yours). Error responses an operation already declares keep their description and get the
/// body when they have none. Found missing by schemathesis (issue #20): 131 undocumented codes.
pub fn declare_errors(spec: &mut OpenApi) {
    let mut schemas = vec![(ERROR_BODY.to_owned(), <super::error::ErrorBody as utoipa::PartialSchema>::schema())];
    <super::error::ErrorBody as utoipa::ToSchema>::schemas(&mut schemas);
    spec.components.get_or_insert_with(Default::default).schemas.extend(schemas);
    for item in spec.paths.paths.values_mut() {
        for operation in [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten() {
            declare_operation_errors(operation);
        }
    }
}

const ERROR_BODY: &str = "ErrorBody";

fn declare_operation_errors(operation: &mut Operation) {
    let located = |place: ParameterIn| operation.parameters.iter().flatten().any(|p| p.parameter_in == place);
    let (path, query) = (located(ParameterIn::Path), located(ParameterIn::Query));
    let body = operation.request_body.is_some();
    let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
    let mut add = |status: &str, description: &str| {
        operation.responses.responses.entry(status.to_owned()).or_insert_with(|| RefOr::T(ResponseBuilder::new().description(description).build()));
    };
    if secured {
        add("401", "no valid access token (missing, expired or signed with another key)");
    }
    if body || query || path {
        add("400", "the body, query or path is not of the expected shape");
    }
    if body || query {
        add("422", "a field breaks its rules (`field` names it)");
    }
    if body {
        add("415", "the body is not of the declared content type");
    }
    if path {
        add("404", "not found, or not visible to you");
    }
    for (status, response) in operation.responses.responses.iter_mut() {
        if let (true, RefOr::T(response)) = (status.starts_with('4') || status.starts_with('5'), response) {
            with_error_body(response);
        }
    }
}

fn with_error_body(response: &mut Response) {
    if response.content.is_empty() {
        let content = ContentBuilder::new().schema(Some(Ref::from_schema_name(ERROR_BODY))).build();
        response.content.insert("application/json".into(), content);
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

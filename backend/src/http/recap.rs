//! `GET /api/meetings/{id}/recap`: the post-call recap as JSON (`?format=html`: a printable,
//! self-contained HTML page; `?format=pdf`: that page as a PDF download), and `GET /api/meetings/{id}/recording`: its mixed replay audio
//! (Opus/WebM, HTTP range requests for seeking). Visible to whoever may see the meeting (its
//! host, the organization's managers and admins); 404 until the meeting is finalized.

use super::Error;
use super::extract::{PathParams, QueryParams};
use crate::auth::AuthUser;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use closer_wire::Recap;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_recap)).routes(routes!(recording))
}

/// Output format.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct Format {
    /// `json` (default), `html` (printable page) or `pdf` (that page printed, `application/pdf`).
    #[serde(default)]
    format: Option<String>,
}

/// The recap of a finalized meeting.
#[utoipa::path(get, path = "/meetings/{id}/recap", tag = "recap", security(("bearer" = [])), params(("id" = Uuid, Path), Format),
    responses((status = 200, body = Recap), (status = 404, description = "not visible to you, or not finalized yet"),
        (status = 503, description = "`pdf` asked of a server without Chromium, or the print failed")))]
async fn get_recap(
    State(state): State<AppState>,
    user: AuthUser,
    PathParams(id): PathParams<Uuid>,
    QueryParams(query): QueryParams<Format>,
) -> Result<Response, Error> {
    crate::meetings::visible(&state.pg, &state.config, &user, id).await?;
    let recap = crate::recap::store::get(&state.mongo, user.org, id)
        .await?
        .ok_or_else(|| Error::NotFoundMessage("This meeting has no recap yet: it is produced when the call ends.".into()))?;
    match query.format.as_deref().unwrap_or("json") {
        "json" => Ok(Json(recap).into_response()),
        "html" => Ok(Html(crate::recap::html::page(&recap)).into_response()),
        "pdf" => {
            let pdf = crate::recap::pdf::render(&crate::recap::html::page(&recap), &state.config.pdf_browser).await.map_err(|e| {
                tracing::warn!(meeting = %id, error = %e, "recap PDF");
                match e {
                    crate::recap::pdf::PdfError::NoBrowser { .. } => Error::Unavailable(e.to_string()),
                    _ => Error::Unavailable("The PDF could not be printed this time: try again, or use the printable page.".into()),
                }
            })?;
            let headers = [
                (header::CONTENT_TYPE, "application/pdf".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"recap-{id}.pdf\"")),
            ];
            Ok((headers, pdf).into_response())
        }
        _ => Err(Error::invalid("format", "expected json, html or pdf")),
    }
}

/// The mixed replay audio of a finalized meeting (`audio/webm`, Opus). Supports `Range`
/// requests (206) so players can seek.
#[utoipa::path(get, path = "/meetings/{id}/recording", tag = "recap", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, description = "audio/webm"), (status = 206, description = "the requested range"),
        (status = 404, description = "not visible to you, or no recording")))]
async fn recording(
    State(state): State<AppState>,
    user: AuthUser,
    PathParams(id): PathParams<Uuid>,
    request: axum::extract::Request,
) -> Result<Response, Error> {
    crate::meetings::visible(&state.pg, &state.config, &user, id).await?;
    let path = crate::recording::mixed_path(&state.config.recordings_dir, &id.to_string());
    if !path.is_file() {
        return Err(Error::NotFoundMessage("This meeting has no recording.".into()));
    }
    let served = tower::ServiceExt::oneshot(tower_http::services::ServeFile::new(path), request)
        .await
        .map_err(|e| Error::Internal(e.into()))?;
    let mut response = served.into_response();
    if response.status().is_success() {
        response.headers_mut().insert(axum::http::header::CONTENT_TYPE, axum::http::HeaderValue::from_static("audio/webm"));
    }
    Ok(response)
}

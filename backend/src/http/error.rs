//! The one error type of the HTTP layer.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Every handler returns `Result<_, Error>`; the variant decides the status code and the JSON
/// body `{"error": {"code": "...", "message": "..."}}`, which the UI shows as is.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 404: no such route or resource.
    #[error("not found")]
    NotFound,
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, code) = match self {
            Error::NotFound => (StatusCode::NOT_FOUND, "not_found"),
        };
        (status, Json(json!({"error": {"code": code, "message": self.to_string()}}))).into_response()
    }
}

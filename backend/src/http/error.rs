//! How the HTTP layer answers the application's one [`Error`]: a status code and the JSON body
//! `{"error": {"code": "...", "message": "...", "field": "..."}}`, and how axum's rejections
//! of a body, path or query become one.

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::error::Error;

impl From<JsonRejection> for Error {
    fn from(rejection: JsonRejection) -> Self {
        if rejection.status() == StatusCode::UNSUPPORTED_MEDIA_TYPE {
            return Error::UnsupportedMediaType(
                "expected a JSON body (Content-Type: application/json)".into(),
            );
        }
        Error::bad_body(rejection.body_text())
    }
}

impl Error {
    /// 400 for a JSON body that does not fit its type; `message` is axum's wording
    /// ("Failed to deserialize the JSON body into the target type: <path>: <serde error>"),
    /// whose path becomes `field` (`"body"` when it names none).
    pub fn bad_body(message: String) -> Self {
        let field = json_error_field(&message).unwrap_or_else(|| "body".into());
        Error::BadRequest { field, message }
    }
}

/// The JSON path named by axum's deserialization message, e.g. `"rules[0].start"` from
/// `"…target type: rules[0]: missing field `start` at line 1 column 9"`; `None` for syntax
/// errors that concern the body as a whole.
fn json_error_field(message: &str) -> Option<String> {
    let (_, detail) = message.split_once("target type: ")?;
    // serde_path_to_error prefixes the path ("a.b[2]: …") unless the error is at the root.
    let (path, rest) = match detail.split_once(": ") {
        Some((path, rest)) if !path.contains(' ') => (Some(path), rest),
        _ => (None, detail),
    };
    let missing = rest.strip_prefix("missing field `").and_then(|r| r.split('`').next());
    match (path, missing) {
        (Some(path), Some(name)) => Some(format!("{path}.{name}")),
        (Some(path), None) => Some(path.to_owned()),
        (None, Some(name)) => Some(name.to_owned()),
        (None, None) => None,
    }
}

/// A body that is not `multipart/form-data` with a boundary (axum answers that in plain text).
impl From<MultipartRejection> for Error {
    fn from(_: MultipartRejection) -> Self {
        Error::UnsupportedMediaType("expected a multipart/form-data body with a boundary".into())
    }
}

/// A request to a WebSocket route that is not a WebSocket handshake.
impl From<WebSocketUpgradeRejection> for Error {
    fn from(rejection: WebSocketUpgradeRejection) -> Self {
        Error::BadRequest { field: "headers".into(), message: rejection.body_text() }
    }
}

impl From<PathRejection> for Error {
    fn from(rejection: PathRejection) -> Self {
        Error::BadRequest { field: "path".into(), message: rejection.body_text() }
    }
}

impl From<QueryRejection> for Error {
    fn from(rejection: QueryRejection) -> Self {
        Error::BadRequest { field: "query".into(), message: rejection.body_text() }
    }
}

/// The body of every error response: `{"error": {"code": "...", "message": "...", "field": "..."}}`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// One error, as [`ErrorBody`] carries it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable kind: `not_found`, `invalid`, `bad_request`, `unauthorized`,
    /// `forbidden`, `conflict`, `gone`, `payload_too_large`, `unsupported_media_type`,
    /// `too_many_requests`, `unavailable` or `internal`.
    pub code: &'static str,
    /// For people; the UI shows it as is.
    pub message: String,
    /// The request field at fault (`"email"`, `"rules[2].start"`, or `"body"` / `"path"` /
    /// `"query"` / `"headers"`), for `invalid` and `bad_request` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            Error::NotFound | Error::NotFoundMessage(_) => (StatusCode::NOT_FOUND, "not_found"),
            Error::Invalid { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            Error::BadRequest { .. } => (StatusCode::BAD_REQUEST, "bad_request"),
            Error::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Error::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Error::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            Error::Gone(_) => (StatusCode::GONE, "gone"),
            Error::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            Error::UnsupportedMediaType(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            Error::TooManyRequests => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            Error::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            Error::Internal(e) => {
                tracing::error!(error = format!("{e:#}"), "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        };
        let field = match &self {
            Error::Invalid { field, .. } | Error::BadRequest { field, .. } => Some(field.clone()),
            _ => None,
        };
        (status, Json(ErrorBody { error: ErrorDetail { code, message: self.to_string(), field } })).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::json_error_field;

    #[test]
    fn names_the_field_of_serde_errors() {
        let prefix = "Failed to deserialize the JSON body into the target type: ";
        let cases = [
            ("missing field `email` at line 1 column 2", Some("email")),
            ("rules[0]: missing field `start` at line 1 column 9", Some("rules[0].start")),
            ("ai_consent: unknown variant `maybe`, expected one of `accepted`, `declined`", Some("ai_consent")),
            ("invalid type: integer `1`, expected struct Login at line 1 column 1", None),
        ];
        for (detail, want) in cases {
            assert_eq!(json_error_field(&format!("{prefix}{detail}")).as_deref(), want, "{detail}");
        }
    }
}

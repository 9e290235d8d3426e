//! How the HTTP layer answers the application's one [`Error`]: a status code and the JSON body
//! `{"error": {"code": "...", "message": "...", "field": "..."}}`, and how axum's rejections
//! of a body, path or query become one.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

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
        let mut body = json!({"code": code, "message": self.to_string()});
        match &self {
            Error::Invalid { field, .. } | Error::BadRequest { field, .. } => {
                body["field"] = json!(field);
            }
            _ => {}
        }
        (status, Json(json!({ "error": body }))).into_response()
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

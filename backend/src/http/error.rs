//! The one error type of the HTTP layer.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Every handler returns `Result<_, Error>`; the variant decides the status code and the JSON
/// body `{"error": {"code": "...", "message": "...", "field": "..."}}` (`field` only for
/// [`Error::Invalid`] and [`Error::BadRequest`]), which the UI shows as is.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 404: no such route or resource (also used for another organization's resources, so
    /// their existence is not revealed).
    #[error("not found")]
    NotFound,
    /// 404 with a message meant for the end user (e.g. the guest page).
    #[error("{0}")]
    NotFoundMessage(String),
    /// 422: a request field is missing or malformed; `field` is its JSON path (`"email"`,
    /// `"rules[2].start"`), `message` says what is expected.
    #[error("{message}")]
    Invalid { field: String, message: String },
    /// 400: the body, path or query is not of the expected shape; `field` is the JSON path
    /// serde names, or `"body"` / `"path"` / `"query"` when it names none.
    #[error("{message}")]
    BadRequest { field: String, message: String },
    /// 401: missing, expired or invalid credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: authenticated but not allowed (role or ownership).
    #[error("{0}")]
    Forbidden(String),
    /// 409: the request conflicts with current state (slot taken, duplicate e-mail …).
    #[error("{0}")]
    Conflict(String),
    /// 410: the resource existed but is over (ended or cancelled meeting).
    #[error("{0}")]
    Gone(String),
    /// 413: an upload exceeds its size limit.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415: an upload has a content type that is not accepted.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 429: rate limit exceeded; the client may retry later.
    #[error("too many requests; try again in a minute")]
    TooManyRequests,
    /// 503: a backing service (LiveKit, SMTP) failed; details are logged, not returned.
    #[error("{0}")]
    Unavailable(String),
    /// 500: a bug or an unexpected failure; logged with details, answered without them.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl Error {
    /// Shorthand for [`Error::Invalid`].
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid { field: field.into(), message: message.into() }
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        Error::Internal(e.into())
    }
}

impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Self {
        Error::Internal(e)
    }
}

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

//! The one error type of Closer's operations. Domain modules (meetings, playbooks, scheduling,
//! team, auth) return it; `http/error.rs` answers it, each variant with its status code, so the
//! domain never depends on the HTTP layer.

/// What went wrong, in the terms a client is answered in: every handler returns
/// `Result<_, Error>`, and the variant decides the status code and the JSON body
/// `{"error": {"code": "...", "message": "...", "field": "..."}}` (`field` only for
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
    /// 400: the body, path, query or headers are not of the expected shape; `field` is the
    /// JSON path serde names, or `"body"` / `"path"` / `"query"` / `"headers"` when it names
    /// none.
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

    /// Maps a unique-constraint violation to [`Error::Conflict`] with `message`; other errors
    /// are internal.
    pub fn unique_conflict(e: sqlx::Error, message: &str) -> Self {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => Error::Conflict(message.to_owned()),
            _ => e.into(),
        }
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

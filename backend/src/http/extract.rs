//! Request extractors whose rejections are [`Error`] JSON bodies naming the field, instead of
//! axum's plain-text ones.

use super::Error;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// A JSON request body (`Content-Type: application/json`).
///
/// Text containing NUL (U+0000) anywhere in the body is refused with 422 naming its JSON path:
/// PostgreSQL's `text` cannot hold it, so it would otherwise fail as a 500 at the first query
/// that binds it.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        // axum checks the content type, the size limit and the syntax.
        let axum::Json(raw) = axum::Json::<Value>::from_request(req, state).await?;
        if let Some(field) = nul_path(&raw) {
            return Err(Error::invalid(field, NUL_MESSAGE));
        }
        serde_path_to_error::deserialize(raw)
            .map(Body)
            .map_err(|e| Error::bad_body(format!("Failed to deserialize the JSON body into the target type: {e}")))
    }
}

const NUL_MESSAGE: &str = "must not contain the NUL character (U+0000)";

/// The JSON path (`"email"`, `"rules[2].start"`; `"body"` for the root) of the first string
/// or object key in `value` that contains NUL, if any.
fn nul_path(value: &Value) -> Option<String> {
    fn walk(value: &Value, path: &str) -> Option<String> {
        match value {
            Value::String(s) if s.contains('\0') => Some(path.to_owned()),
            Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| walk(item, &format!("{path}[{i}]"))),
            Value::Object(fields) => fields.iter().find_map(|(key, item)| {
                if key.contains('\0') {
                    return Some(path.to_owned());
                }
                walk(item, &if path.is_empty() { key.clone() } else { format!("{path}.{key}") })
            }),
            _ => None,
        }
    }
    walk(value, "").map(|path| if path.is_empty() { "body".to_owned() } else { path })
}

/// Whether a percent-encoded path or query holds a NUL: `%00` is its only spelling, since
/// `http::Uri` refuses raw control bytes.
fn has_encoded_nul(text: Option<&str>) -> bool {
    text.is_some_and(|t| t.contains("%00"))
}

/// Path parameters; a path holding NUL (`%00`) is refused with 400, as for [`Body`].
pub struct PathParams<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PathParams<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        if has_encoded_nul(Some(parts.uri.path())) {
            return Err(Error::BadRequest { field: "path".into(), message: format!("the path {NUL_MESSAGE}") });
        }
        let axum::extract::Path(value) = axum::extract::Path::<T>::from_request_parts(parts, state).await?;
        Ok(PathParams(value))
    }
}

/// Query-string parameters; a query holding NUL (`%00`) is refused with 400, as for [`Body`].
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        if has_encoded_nul(parts.uri.query()) {
            return Err(Error::BadRequest { field: "query".into(), message: format!("the query {NUL_MESSAGE}") });
        }
        let axum::extract::Query(value) = axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(QueryParams(value))
    }
}

/// The TCP peer's address, the key of per-client rate limits. The server runs with connect
/// info (see `server::serve`); without it (a router driven in-process) every client is
/// `0.0.0.0`. Proxy headers are not trusted: behind a reverse proxy, limits apply per proxy.
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Error> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip())
                .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::{has_encoded_nul, nul_path};
    use serde_json::json;

    #[test]
    fn nul_is_found_with_its_json_path() {
        assert_eq!(nul_path(&json!({"email": "a\u{0}b", "password": "x"})).as_deref(), Some("email"));
        assert_eq!(nul_path(&json!({"rules": [{}, {}, {"start": "\u{0}"}]})).as_deref(), Some("rules[2].start"));
        assert_eq!(nul_path(&json!(["\u{0}", ""])).as_deref(), Some("[0]"));
        assert_eq!(nul_path(&json!("\u{0}")).as_deref(), Some("body"));
        assert_eq!(nul_path(&json!({"weekly": {"mon\u{0}": 1}})).as_deref(), Some("weekly"));
        assert_eq!(nul_path(&json!({"email": "a@b.co", "n": 0, "list": ["\u{202e}", null]})), None);
    }

    #[test]
    fn only_percent_encoded_nul_counts() {
        assert!(has_encoded_nul(Some("/api/book/a%00b")));
        assert!(!has_encoded_nul(Some("/api/book/a%200b")));
        // A literal "%00" in the text is sent as "%2500".
        assert!(!has_encoded_nul(Some("q=%2500")));
        assert!(!has_encoded_nul(None));
    }
}

//! Uploaded images (battle cards, sellers' photos): what the request says it is, checked at the
//! edge, and the headers every served image carries.

use super::Error;
use axum::http::{HeaderMap, header};

/// Largest image accepted, in bytes (2 MiB; the database enforces it too).
pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;

/// The upload's content type (lower case, parameters dropped) if it is one of `accepted` and the
/// body is 1 byte to [`MAX_IMAGE_BYTES`].
///
/// Errors: 415 for another type, 413 when too large, 422 when empty.
pub fn checked_upload(headers: &HeaderMap, body: &[u8], accepted: &[&str]) -> Result<String, Error> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !accepted.contains(&content_type.as_str()) {
        return Err(Error::UnsupportedMediaType(format!("Content-Type must be one of {}", accepted.join(", "))));
    }
    if body.len() > MAX_IMAGE_BYTES {
        return Err(Error::PayloadTooLarge(format!("images are limited to {MAX_IMAGE_BYTES} bytes")));
    }
    if body.is_empty() {
        return Err(Error::invalid("body", "the image is empty"));
    }
    Ok(content_type)
}

/// Response headers of a served image: its type, and no script even if it is an SVG (never let
/// the browser run it in our origin).
pub fn served(content_type: String) -> [(header::HeaderName, String); 3] {
    [
        (header::CONTENT_TYPE, content_type),
        (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; sandbox".to_owned()),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
    ]
}

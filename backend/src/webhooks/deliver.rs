//! One HTTP attempt of one delivery: vet the URL, sign, POST, read the start of the answer.

use super::signature::{
    self, EVENT_HEADER, IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, WEBHOOK_ID_HEADER, WEBHOOK_SIGNATURE_HEADER,
    WEBHOOK_TIMESTAMP_HEADER,
};
use super::ssrf::{self, Refusal};
use std::time::Duration;
use uuid::Uuid;

/// Bytes of the receiver's answer kept in the delivery log.
pub const EXCERPT_BYTES: usize = 512;

/// What to send.
#[derive(Clone, Debug)]
pub struct Request {
    /// Delivery id: the `Idempotency-Key`.
    pub delivery: Uuid,
    /// Event type, for the `X-Closer-Event` header.
    pub event_type: String,
    pub url: String,
    pub secret: String,
    /// The exact bytes signed and sent.
    pub body: String,
}

/// How an attempt ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// 2xx.
    Delivered { status: u16, excerpt: String },
    /// Non-2xx answer, connection failure or timeout: worth retrying.
    Failed { status: Option<u16>, error: String, excerpt: Option<String> },
    /// The URL is not allowed (SSRF guard) or malformed: retrying cannot help.
    Refused(Refusal),
}

/// Sends `request` once, waiting at most `timeout` for the whole exchange; `allow_private` is
/// `webhooks_allow_private`. Redirects are not followed (a 3xx is a failure), so a receiver
/// cannot bounce the request to an internal address.
pub async fn send(request: &Request, timeout: Duration, allow_private: bool) -> Outcome {
    let url = match ssrf::parse(&request.url) {
        Ok(url) => url,
        Err(refusal) => return Outcome::Refused(refusal),
    };
    let addresses = match ssrf::vet(&url, allow_private).await {
        Ok(addresses) => addresses,
        Err(Refusal::Unresolvable) => {
            return Outcome::Failed { status: None, error: Refusal::Unresolvable.to_string(), excerpt: None };
        }
        Err(refusal) => return Outcome::Refused(refusal),
    };
    let mut client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .user_agent(concat!("Closer-Webhooks/", env!("CARGO_PKG_VERSION")));
    if let Some(url::Host::Domain(name)) = url.host() {
        // Connect only to the addresses just vetted (no second, possibly rebound, lookup).
        client = client.resolve_to_addrs(name, &addresses);
    }
    let client = match client.build() {
        Ok(client) => client,
        Err(e) => return Outcome::Failed { status: None, error: format!("client: {}", e.without_url()), excerpt: None },
    };
    let timestamp = chrono::Utc::now().timestamp();
    let id = request.delivery.to_string();
    let sent = client
        .post(url)
        .header("Content-Type", "application/json")
        .header(WEBHOOK_ID_HEADER, &id)
        .header(WEBHOOK_TIMESTAMP_HEADER, timestamp.to_string())
        .header(WEBHOOK_SIGNATURE_HEADER, signature::sign_standard(&request.secret, &id, timestamp, request.body.as_bytes()))
        .header(SIGNATURE_HEADER, signature::sign(&request.secret, timestamp, request.body.as_bytes()))
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(IDEMPOTENCY_HEADER, &id)
        .header(EVENT_HEADER, &request.event_type)
        .body(request.body.clone())
        .send()
        .await;
    let mut response = match sent {
        Ok(response) => response,
        Err(e) => return Outcome::Failed { status: None, error: describe(&e), excerpt: None },
    };
    let status = response.status().as_u16();
    let mut excerpt = Vec::new();
    while excerpt.len() < EXCERPT_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => excerpt.extend_from_slice(&chunk[..chunk.len().min(EXCERPT_BYTES - excerpt.len())]),
            _ => break,
        }
    }
    let excerpt = String::from_utf8_lossy(&excerpt).into_owned();
    if (200..300).contains(&status) {
        Outcome::Delivered { status, excerpt }
    } else {
        Outcome::Failed { status: Some(status), error: format!("HTTP {status}"), excerpt: Some(excerpt) }
    }
}

/// A transport error without the URL (it may carry a token of the receiver).
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    let mut detail = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        detail = cause.to_string();
        source = cause.source();
    }
    if detail.is_empty() { kind.to_owned() } else { format!("{kind}: {detail}") }
}

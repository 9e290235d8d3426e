//! Request signing, two ways on every delivery:
//!
//! - **Standard Webhooks** (<https://www.standardwebhooks.com>, spec v1): `webhook-id` (the
//!   delivery id, the same on every retry), `webhook-timestamp` (Unix seconds) and
//!   `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<raw body>">`, keyed with
//!   the base64-decoded part of the `whsec_…` secret, so receivers verify with the maintained
//!   `standardwebhooks` libraries.
//! - **Closer's first scheme**, kept for receivers written against it: `X-Closer-Signature:
//!   sha256=<hex HMAC-SHA256 of "<X-Closer-Timestamp>.<raw body>">` keyed with the secret's
//!   bytes as typed.
//!
//! Binding the timestamp lets a receiver refuse replays older than a few minutes.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Standard Webhooks: the message id header (Closer's delivery id).
pub const WEBHOOK_ID_HEADER: &str = "webhook-id";
/// Standard Webhooks: the signing time header, Unix seconds.
pub const WEBHOOK_TIMESTAMP_HEADER: &str = "webhook-timestamp";
/// Standard Webhooks: space-separated `v1,<base64>` signatures.
pub const WEBHOOK_SIGNATURE_HEADER: &str = "webhook-signature";
/// The prefix of Standard Webhooks secrets.
pub const SECRET_PREFIX: &str = "whsec_";

/// Header carrying the signature.
pub const SIGNATURE_HEADER: &str = "X-Closer-Signature";
/// Header carrying the signing time, Unix seconds.
pub const TIMESTAMP_HEADER: &str = "X-Closer-Timestamp";
/// Header carrying the delivery id, identical on every retry and redelivery.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";
/// Header naming the event type (also `type` in the body).
pub const EVENT_HEADER: &str = "X-Closer-Event";
/// Replay window a receiver should allow between the timestamp and its clock, seconds.
pub const DEFAULT_TOLERANCE_SECS: i64 = 300;

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `X-Closer-Signature` value of `body` sent at `timestamp` (Unix seconds).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let digest = mac(secret, timestamp, body).finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// Receiver-side check (reference implementation for integrators): `true` when `header` is a
/// valid signature of `body` at `timestamp` and `timestamp` is within `tolerance_secs` of
/// `now` (Unix seconds). Compares in constant time.
pub fn verify(secret: &str, timestamp: i64, body: &[u8], header: &str, now: i64, tolerance_secs: i64) -> bool {
    if (now - timestamp).abs() > tolerance_secs {
        return false;
    }
    let Some(hex) = header.trim().strip_prefix("sha256=") else { return false };
    let Some(expected) = decode_hex(hex) else { return false };
    mac(secret, timestamp, body).verify_slice(&expected).is_ok()
}

/// The HMAC key of `secret` under Standard Webhooks: the base64 after `whsec_`. Secrets Closer
/// issued before it followed the standard are base64url without padding and decode as such;
/// a secret typed by an admin that is not `whsec_` + base64 keys the HMAC with its own bytes
/// (receivers then verify by hand or with a secret rotated since).
pub fn standard_key(secret: &str) -> Vec<u8> {
    secret
        .strip_prefix(SECRET_PREFIX)
        .and_then(|encoded| STANDARD.decode(encoded).or_else(|_| URL_SAFE_NO_PAD.decode(encoded)).ok())
        .filter(|key| !key.is_empty())
        .unwrap_or_else(|| secret.as_bytes().to_vec())
}

fn standard_mac(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(&standard_key(secret)).expect("HMAC accepts keys of any length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `webhook-signature` value (`v1,<base64>`) of message `id` with `body` sent at
/// `timestamp` (Unix seconds), as Standard Webhooks defines it.
pub fn sign_standard(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> String {
    format!("v1,{}", STANDARD.encode(standard_mac(secret, id, timestamp, body).finalize().into_bytes()))
}

/// Receiver-side Standard Webhooks check: `true` when one of the space-separated `v1,…`
/// signatures of `header` is valid for message `id`, `body` and `timestamp`, and `timestamp`
/// is within `tolerance_secs` of `now`. Compares in constant time.
pub fn verify_standard(secret: &str, id: &str, timestamp: i64, body: &[u8], header: &str, now: i64, tolerance_secs: i64) -> bool {
    if (now - timestamp).abs() > tolerance_secs {
        return false;
    }
    header.split_whitespace().filter_map(|s| s.strip_prefix("v1,")).filter_map(|b64| STANDARD.decode(b64).ok()).any(|expected| {
        standard_mac(secret, id, timestamp, body).verify_slice(&expected).is_ok()
    })
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_timestamp_dot_body_and_verifies() {
        let header = sign("whsec_test_secret_123", 1_700_000_000, br#"{"a":1}"#);
        // Independent value: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test_secret_123
        assert_eq!(header, "sha256=e89dcbfdce3392fb275033fb083d8c81e095a63bf687d9a2cd50e7d5f55e21f6");
        assert!(verify("whsec_test_secret_123", 1_700_000_000, br#"{"a":1}"#, &header, 1_700_000_100, 300));
        assert!(!verify("whsec_test_secret_123", 1_700_000_000, br#"{"a":2}"#, &header, 1_700_000_100, 300));
        assert!(!verify("other_secret_123456", 1_700_000_000, br#"{"a":1}"#, &header, 1_700_000_100, 300));
        assert!(!verify("whsec_test_secret_123", 1_700_000_000, br#"{"a":1}"#, &header, 1_700_001_000, 300));
        assert!(!verify("whsec_test_secret_123", 1_700_000_000, br#"{"a":1}"#, "sha256=zz", 1_700_000_000, 300));
    }

    /// The test vector published with the Standard Webhooks specification.
    #[test]
    fn standard_webhooks_signature_matches_the_specification_vector() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let (id, timestamp, body) = ("msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, br#"{"test": 2432232314}"#);
        let header = sign_standard(secret, id, timestamp, body);
        assert_eq!(header, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert!(verify_standard(secret, id, timestamp, body, &format!("v1,bm90IHRoaXMgb25l {header}"), timestamp + 60, 300));
        assert!(!verify_standard(secret, "msg_other", timestamp, body, &header, timestamp, 300));
        assert!(!verify_standard(secret, id, timestamp, br#"{"test": 1}"#, &header, timestamp, 300));
        assert!(!verify_standard(secret, id, timestamp, body, &header, timestamp + 301, 300), "outside the tolerance");
        assert!(!verify_standard(secret, id, timestamp, body, "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", timestamp, 300));
    }

    #[test]
    fn keys_come_from_the_base64_of_the_secret() {
        assert_eq!(standard_key("whsec_AAEC"), [0, 1, 2]);
        // Secrets issued before the standard: base64url without padding.
        assert_eq!(standard_key("whsec_-_8"), [0xfb, 0xff]);
        // Typed secrets that are not base64 key with their bytes.
        assert_eq!(standard_key("my secret phrase!"), b"my secret phrase!");
        assert_eq!(standard_key("whsec_not base64!"), b"whsec_not base64!");
    }
}

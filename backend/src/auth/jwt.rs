//! Access tokens: HS256 JWTs carrying user, organization and role, valid ≈15 minutes.

use closer_wire::Role;
use hmac::{Hmac, Mac};
use jsonwebtoken::crypto::{CryptoProvider, JwkUtils, JwtSigner, JwtVerifier};
use jsonwebtoken::errors::{Error as JwtError, ErrorKind};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// Claims of an access token.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    /// User id.
    pub sub: Uuid,
    /// Organization id.
    pub org: Uuid,
    /// Role at the time of login.
    pub role: Role,
    /// Issued at (Unix seconds).
    pub iat: u64,
    /// Expiry (Unix seconds).
    pub exp: u64,
}

/// Signs and verifies access tokens with one HMAC secret. Cheap to clone (the keys are shared):
/// the `AuthUser` extractor takes a copy per request.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: Arc<EncodingKey>,
    decoding: Arc<DecodingKey>,
    ttl: Duration,
}

impl JwtKeys {
    /// Keys for `secret` (any length; ≥ 32 random bytes recommended), tokens living `ttl`.
    pub fn new(secret: &[u8], ttl: Duration) -> Self {
        install_hmac_provider();
        Self { encoding: Arc::new(EncodingKey::from_secret(secret)), decoding: Arc::new(DecodingKey::from_secret(secret)), ttl }
    }

    /// Lifetime of the tokens [`JwtKeys::issue`] makes.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// A signed token for `user` in `org` with `role`, expiring after the configured ttl.
    pub fn issue(&self, user: Uuid, org: Uuid, role: Role) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp().max(0) as u64;
        let claims = AccessClaims { sub: user, org, role, iat: now, exp: now + self.ttl.as_secs() };
        Ok(jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?)
    }

    /// The claims of a valid, unexpired HS256 token signed with this secret.
    ///
    /// Errors: bad signature, other algorithm, expired (no leeway), malformed.
    pub fn verify(&self, token: &str) -> Result<AccessClaims, JwtError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Ok(jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &validation)?.claims)
    }
}

struct Hs256Signer(Hmac<Sha256>);

impl signature::Signer<Vec<u8>> for Hs256Signer {
    fn try_sign(&self, msg: &[u8]) -> Result<Vec<u8>, signature::Error> {
        let mut mac = self.0.clone();
        mac.update(msg);
        Ok(mac.finalize().into_bytes().to_vec())
    }
}

impl JwtSigner for Hs256Signer {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

struct Hs256Verifier(Hmac<Sha256>);

impl signature::Verifier<Vec<u8>> for Hs256Verifier {
    fn verify(&self, msg: &[u8], sig: &Vec<u8>) -> Result<(), signature::Error> {
        let mut mac = self.0.clone();
        mac.update(msg);
        // Constant-time comparison.
        mac.verify_slice(sig).map_err(signature::Error::from_source)
    }
}

impl JwtVerifier for Hs256Verifier {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

fn hmac_key(secret: Result<&[u8], JwtError>) -> Result<Hmac<Sha256>, JwtError> {
    Hmac::<Sha256>::new_from_slice(secret?).map_err(|_| JwtError::from(ErrorKind::InvalidKeyFormat))
}

static PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: |alg, key| match alg {
        Algorithm::HS256 => Ok(Box::new(Hs256Signer(hmac_key(key.try_get_hmac_secret())?))),
        _ => Err(ErrorKind::InvalidAlgorithm.into()),
    },
    verifier_factory: |alg, key| match alg {
        Algorithm::HS256 => Ok(Box::new(Hs256Verifier(hmac_key(key.try_get_hmac_secret())?))),
        _ => Err(ErrorKind::InvalidAlgorithm.into()),
    },
    jwk_utils: JwkUtils::new_unimplemented(),
};

/// jsonwebtoken 10 signs through a process-wide provider chosen once. Both our tokens and
/// LiveKit's (livekit-token installs an equivalent one if it comes first) are HS256, so an
/// HMAC-only provider serves both without compiling RSA/EC code.
fn install_hmac_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = PROVIDER.install_default();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_verify_and_foreign_or_expired_ones_do_not() {
        let keys = JwtKeys::new(b"0123456789abcdef0123456789abcdef", Duration::from_secs(900));
        let (user, org) = (Uuid::new_v4(), Uuid::new_v4());
        let token = keys.issue(user, org, Role::Manager).unwrap();
        let claims = keys.verify(&token).unwrap();
        assert_eq!((claims.sub, claims.org, claims.role), (user, org, Role::Manager));
        assert_eq!(claims.exp - claims.iat, 900);

        let other = JwtKeys::new(b"another secret entirely, 32 byte", Duration::from_secs(900));
        assert!(other.verify(&token).is_err(), "signed with another secret");
        let expired = JwtKeys::new(b"0123456789abcdef0123456789abcdef", Duration::ZERO);
        let token = expired.issue(user, org, Role::Seller).unwrap();
        std::thread::sleep(Duration::from_millis(1100));
        assert!(keys.verify(&token).is_err(), "expired");
        let tampered = {
            let mut t = keys.issue(user, org, Role::Seller).unwrap();
            t.push('x');
            t
        };
        assert!(keys.verify(&tampered).is_err());
    }
}

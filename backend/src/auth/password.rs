//! Password hashing with argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes, 1 lane,
//! OWASP's recommended minimum), stored as a PHC string with its parameters and salt.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Shortest password accepted at sign-up and user creation.
pub const MIN_LENGTH: usize = 10;
/// Longest password accepted (bounds hashing work per request).
pub const MAX_LENGTH: usize = 256;

/// Hashes `password` with a fresh random salt; returns the PHC string (`$argon2id$v=19$…`).
///
/// Errors: only if the argon2 parameters are invalid (they are the library defaults).
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("argon2 hash: {e}"))
}

/// `true` when `password` matches the PHC string `stored`; `false` for a mismatch or an
/// unparsable hash.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// A hash of a random password, verified against when the e-mail is unknown so a failed login
/// takes the same time whether or not the account exists.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash(&uuid::Uuid::new_v4().to_string()).expect("argon2 default parameters"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = super::hash("correct horse battery").unwrap();
        let b = super::hash("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(super::verify("correct horse battery", &a));
        assert!(!super::verify("correct horse battery!", &a));
        assert!(!super::verify("anything", "not a phc string"));
    }
}

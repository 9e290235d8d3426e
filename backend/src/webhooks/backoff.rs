//! Retry schedule: exponential backoff with "equal jitter" (AWS Architecture Blog, "Exponential
//! Backoff and Jitter", 2015): the n-th retry waits `d/2 + random(0, d/2)` where
//! `d = min(max, base · 2^(n-1))`. Half the delay is guaranteed (the receiver gets time to
//! recover), half is random (many deliveries failing together do not retry in lockstep).
//!
//! With the defaults (`webhook_backoff_base_ms` 30 s, `webhook_backoff_max_ms` 6 h,
//! `webhook_max_attempts` 12) a delivery is retried for roughly 8–16 hours before it is
//! dead-lettered.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use std::time::Duration;

/// Delay before retry number `retry` (1 = after the first failed attempt), with `unit` in
/// [0, 1] choosing where in the jitter window it falls.
pub fn delay(retry: u32, base: Duration, max: Duration, unit: f64) -> Duration {
    let exponent = retry.saturating_sub(1).min(30);
    let full = base.saturating_mul(1u32 << exponent).min(max);
    full / 2 + full.mul_f64(unit.clamp(0.0, 1.0) / 2.0)
}

/// [`delay`] with a random `unit`.
pub fn jittered(retry: u32, base: Duration, max: Duration) -> Duration {
    let unit = f64::from(OsRng.next_u32()) / f64::from(u32::MAX);
    delay(retry, base, max, unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_cap_with_half_jitter() {
        let (base, max) = (Duration::from_secs(30), Duration::from_secs(6 * 3600));
        assert_eq!(delay(1, base, max, 0.0), Duration::from_secs(15));
        assert_eq!(delay(1, base, max, 1.0), Duration::from_secs(30));
        assert_eq!(delay(3, base, max, 1.0), Duration::from_secs(120));
        assert_eq!(delay(20, base, max, 1.0), max);
        assert_eq!(delay(20, base, max, 0.0), max / 2);
        for retry in 1..40 {
            let d = jittered(retry, base, max);
            assert!(d >= delay(retry, base, max, 0.0) && d <= delay(retry, base, max, 1.0));
        }
    }
}

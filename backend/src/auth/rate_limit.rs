//! Keyed rate limits (GCRA from `governor`): login per client IP, guest join per client IP
//! and meeting.

use governor::clock::DefaultClock;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use std::hash::Hash;
use std::num::NonZeroU32;
use std::sync::Arc;

/// Allows `per_minute` requests per key per minute, with bursts of the same size.
#[derive(Clone)]
pub struct KeyedLimit<K: Hash + Eq + Clone> {
    limiter: Arc<RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>>,
}

impl<K: Hash + Eq + Clone> KeyedLimit<K> {
    /// A limiter of `per_minute` (at least 1) requests per key.
    pub fn per_minute(per_minute: u32) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute.max(1)).expect("max(1) is non-zero"));
        Self { limiter: Arc::new(RateLimiter::keyed(quota)) }
    }

    /// `true` if a request for `key` is allowed now (and counts it).
    pub fn check(&self, key: K) -> bool {
        // Forget keys whose bucket is full again, so memory stays bounded by the active keys.
        if self.limiter.len() > 10_000 {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&key).is_ok()
    }
}

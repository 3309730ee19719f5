//! Failed sign-ins counted per login and per client address in a sliding
//! window; past the limit, sign-in answers 429 with the seconds to wait.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counts failures by key ("login:ann@x.com", "addr:10.0.0.1").
#[derive(Debug)]
pub struct RateLimiter {
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    pub fn new(window: Duration) -> Self {
        RateLimiter { window, failures: Mutex::new(HashMap::new()) }
    }

    /// `Some(seconds to wait)` when `key` already has `limit` failures in the window.
    pub fn blocked(&self, key: &str, limit: u32, now: Instant) -> Option<u64> {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let times = failures.get_mut(key)?;
        while times.front().is_some_and(|at| now.duration_since(*at) >= self.window) {
            times.pop_front();
        }
        if times.len() < limit as usize {
            return None;
        }
        let oldest = *times.front()?;
        let wait = self.window.saturating_sub(now.duration_since(oldest));
        Some(wait.as_secs().max(1))
    }

    /// Count one failure for `key`.
    pub fn fail(&self, key: &str, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if failures.len() > 100_000 {
            // Bound memory under a spray of distinct keys: forget whole keys whose failures expired.
            let window = self.window;
            failures.retain(|_, times| times.back().is_some_and(|at| now.duration_since(*at) < window));
        }
        failures.entry(key.to_string()).or_default().push_back(now);
    }

    /// Forget `key`'s failures (after a successful sign-in).
    pub fn clear(&self, key: &str) {
        self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_until_the_window_passes() {
        let limiter = RateLimiter::new(Duration::from_secs(60));
        let start = Instant::now();
        for i in 0..3 {
            assert_eq!(limiter.blocked("k", 3, start), None, "attempt {i}");
            limiter.fail("k", start);
        }
        assert_eq!(limiter.blocked("k", 3, start), Some(60));
        assert_eq!(limiter.blocked("k", 3, start + Duration::from_secs(45)), Some(15));
        assert_eq!(limiter.blocked("k", 3, start + Duration::from_secs(60)), None);
        assert_eq!(limiter.blocked("other", 3, start), None);
        limiter.fail("k", start);
        limiter.clear("k");
        assert_eq!(limiter.blocked("k", 1, start), None);
    }
}

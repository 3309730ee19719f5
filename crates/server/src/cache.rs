//! Micro-caches for the hottest reads: the user and account behind a bearer
//! token, and agenda responses. Entries live at most `ttl` (one second by
//! default) and every request that may write through this server (any
//! method but GET/HEAD/OPTIONS) drops them all at once, so a client never
//! reads back stale data after its own change; a change made by another
//! process (the CLI, a second server) shows within `ttl`.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use tickler_core::account::Account;
use tickler_core::ids::AccountId;
use tickler_core::user::User;

/// Entries kept before the oldest half is dropped, so memory stays bounded.
const MAX_ENTRIES: usize = 10_000;

/// One cache: values by key, each stamped with when and in which generation it was filled.
struct Entries<K, V> {
    map: Mutex<HashMap<K, (Instant, u64, V)>>,
}

impl<K: Eq + Hash, V: Clone> Entries<K, V> {
    fn new() -> Self {
        Entries { map: Mutex::new(HashMap::new()) }
    }

    fn get(&self, key: &K, generation: u64, ttl: Duration) -> Option<V> {
        let map = self.map.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let (filled, at_generation, value) = map.get(key)?;
        (*at_generation == generation && filled.elapsed() < ttl).then(|| value.clone())
    }

    fn put(&self, key: K, generation: u64, value: V) {
        let mut map = self.map.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(key, (Instant::now(), generation, value));
    }
}

/// The caches of one server.
pub struct Caches {
    ttl: Duration,
    generation: AtomicU64,
    tokens: Entries<String, (User, Account)>,
    agenda: Entries<(AccountId, u32, u32), Bytes>,
}

impl Caches {
    /// Caches whose entries live `ttl`; a zero `ttl` caches nothing.
    pub fn new(ttl: Duration) -> Caches {
        Caches { ttl, generation: AtomicU64::new(0), tokens: Entries::new(), agenda: Entries::new() }
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Forget everything: something may have changed.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// The user and account of a token hash, when cached.
    pub fn token(&self, hash: &str) -> Option<(User, Account)> {
        if self.ttl.is_zero() {
            return None;
        }
        self.tokens.get(&hash.to_string(), self.generation(), self.ttl)
    }

    /// The generation to stamp a value read now with (read it before the database).
    pub fn stamp(&self) -> u64 {
        self.generation()
    }

    pub fn put_token(&self, hash: &str, stamp: u64, value: (User, Account)) {
        if !self.ttl.is_zero() {
            self.tokens.put(hash.to_string(), stamp, value);
        }
    }

    /// An agenda response body for (account, days, limit), when cached.
    pub fn agenda(&self, key: (AccountId, u32, u32)) -> Option<Bytes> {
        if self.ttl.is_zero() {
            return None;
        }
        self.agenda.get(&key, self.generation(), self.ttl)
    }

    pub fn put_agenda(&self, key: (AccountId, u32, u32), stamp: u64, body: Bytes) {
        if !self.ttl.is_zero() {
            self.agenda.put(key, stamp, body);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_fall_with_a_new_generation() {
        let caches = Caches::new(Duration::from_millis(50));
        let stamp = caches.stamp();
        caches.put_agenda((AccountId::new(1), 7, 50), stamp, Bytes::from_static(b"[]"));
        assert_eq!(caches.agenda((AccountId::new(1), 7, 50)).as_deref(), Some(&b"[]"[..]));
        assert_eq!(caches.agenda((AccountId::new(2), 7, 50)), None, "keyed by account");
        caches.invalidate();
        assert_eq!(caches.agenda((AccountId::new(1), 7, 50)), None, "a write drops it");
        // A value read before a write is stamped with the old generation and never served.
        let stale = caches.stamp();
        caches.invalidate();
        caches.put_agenda((AccountId::new(1), 7, 50), stale, Bytes::from_static(b"old"));
        assert_eq!(caches.agenda((AccountId::new(1), 7, 50)), None);
        let stamp = caches.stamp();
        caches.put_agenda((AccountId::new(1), 7, 50), stamp, Bytes::from_static(b"new"));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(caches.agenda((AccountId::new(1), 7, 50)), None, "expired");
        let off = Caches::new(Duration::ZERO);
        off.put_agenda((AccountId::new(1), 7, 50), off.stamp(), Bytes::from_static(b"x"));
        assert_eq!(off.agenda((AccountId::new(1), 7, 50)), None, "a zero ttl caches nothing");
    }
}

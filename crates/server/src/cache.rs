//! Micro-caches for the hottest reads: the user and account behind a bearer
//! token, and agenda responses. Each entry is stamped with its account's data
//! version ([`tickler_app::App::account_version`]), read before the data it
//! holds, and served only while the version is still the same: the version
//! moves in the very commit of any change (through this server, another one,
//! the CLI or the worker), so a read after a write answered anywhere never
//! sees the old data. Checking costs one indexed row read, far less than the
//! agenda. Entries also live at most `ttl` (one second by default), since the
//! agenda moves with the clock, and on PostgreSQL every server drops an
//! account's entries when the database notifies a change ([`follow_changes`]).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use tickler_app::Change;
use tickler_core::account::Account;
use tickler_core::ids::AccountId;
use tickler_core::user::User;

/// Entries kept before all are dropped, so memory stays bounded.
const MAX_ENTRIES: usize = 10_000;

/// A cached value, its account, and when and at which account version it was read.
struct Entry<V> {
    filled: Instant,
    account: AccountId,
    version: i64,
    value: V,
}

/// One cache: entries by key.
struct Entries<K, V> {
    map: Mutex<HashMap<K, Entry<V>>>,
}

impl<K: Eq + Hash, V: Clone> Entries<K, V> {
    fn new() -> Self {
        Entries { map: Mutex::new(HashMap::new()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, Entry<V>>> {
        self.map.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The entry's value, account and version while younger than `ttl`.
    fn get(&self, key: &K, ttl: Duration) -> Option<(V, AccountId, i64)> {
        let map = self.lock();
        let entry = map.get(key)?;
        (entry.filled.elapsed() < ttl).then(|| (entry.value.clone(), entry.account, entry.version))
    }

    fn put(&self, key: K, account: AccountId, version: i64, value: V) {
        let mut map = self.lock();
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(key, Entry { filled: Instant::now(), account, version, value });
    }

    fn forget(&self, account: AccountId) {
        self.lock().retain(|_, entry| entry.account != account);
    }

    fn clear(&self) {
        self.lock().clear();
    }
}

/// The caches of one server.
pub struct Caches {
    ttl: Duration,
    tokens: Entries<String, (User, Account)>,
    agenda: Entries<(AccountId, u32, u32), Bytes>,
}

impl Caches {
    /// Caches whose entries live `ttl`; a zero `ttl` caches nothing.
    pub fn new(ttl: Duration) -> Caches {
        Caches { ttl, tokens: Entries::new(), agenda: Entries::new() }
    }

    /// Whether anything is cached at all.
    pub fn enabled(&self) -> bool {
        !self.ttl.is_zero()
    }

    /// Drop every entry of `account`: its data changed.
    pub fn forget(&self, account: AccountId) {
        self.tokens.forget(account);
        self.agenda.forget(account);
    }

    /// Drop everything: any data may have changed.
    pub fn clear(&self) {
        self.tokens.clear();
        self.agenda.clear();
    }

    /// The user and account of a token hash, and the account version they were read at, when cached.
    pub fn token(&self, hash: &str) -> Option<((User, Account), i64)> {
        if !self.enabled() {
            return None;
        }
        self.tokens.get(&hash.to_string(), self.ttl).map(|(value, _, version)| (value, version))
    }

    /// Keep a token's holder, read after its account's version was `version`.
    pub fn put_token(&self, hash: &str, version: i64, value: (User, Account)) {
        if self.enabled() {
            self.tokens.put(hash.to_string(), value.1.id, version, value);
        }
    }

    /// An agenda response body for (account, days, limit), when cached at `version`.
    pub fn agenda(&self, key: (AccountId, u32, u32), version: i64) -> Option<Bytes> {
        if !self.enabled() {
            return None;
        }
        let (body, _, at) = self.agenda.get(&key, self.ttl)?;
        (at == version).then_some(body)
    }

    /// Keep an agenda response read after its account's version was `version`.
    pub fn put_agenda(&self, key: (AccountId, u32, u32), version: i64, body: Bytes) {
        if self.enabled() {
            self.agenda.put(key, key.0, version, body);
        }
    }
}

/// Drop each account's entries as the database reports its changes, and
/// everything whenever the feed (re)connects, until the process ends
/// (PostgreSQL; SQLite has no feed and relies on the versions alone).
pub async fn follow_changes(state: crate::state::AppState) {
    let Some(mut feed) = state.app.change_feed() else { return };
    loop {
        match feed.next().await {
            Change::Account(account) => state.caches.forget(account),
            Change::Missed => state.caches.clear(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_hold_for_their_version_and_expire() {
        let caches = Caches::new(Duration::from_millis(50));
        let account = AccountId::new(1);
        caches.put_agenda((account, 7, 50), 3, Bytes::from_static(b"[]"));
        assert_eq!(caches.agenda((account, 7, 50), 3).as_deref(), Some(&b"[]"[..]));
        assert_eq!(caches.agenda((account, 7, 50), 4), None, "a newer version misses");
        assert_eq!(caches.agenda((AccountId::new(2), 7, 50), 3), None, "keyed by account");
        caches.put_agenda((AccountId::new(2), 7, 50), 3, Bytes::from_static(b"two"));
        caches.forget(account);
        assert_eq!(caches.agenda((account, 7, 50), 3), None, "a notified change drops the account's entries");
        assert!(caches.agenda((AccountId::new(2), 7, 50), 3).is_some(), "and only them");
        caches.clear();
        assert_eq!(caches.agenda((AccountId::new(2), 7, 50), 3), None, "a missed notification drops everything");
        caches.put_agenda((account, 7, 50), 5, Bytes::from_static(b"new"));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(caches.agenda((account, 7, 50), 5), None, "expired");
        let off = Caches::new(Duration::ZERO);
        off.put_agenda((account, 7, 50), 1, Bytes::from_static(b"x"));
        assert_eq!(off.agenda((account, 7, 50), 1), None, "a zero ttl caches nothing");
    }
}

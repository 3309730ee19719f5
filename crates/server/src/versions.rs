//! Account versions read for the caches (see [`crate::cache`]), one read
//! shared by many requests. A request may only trust a read that began after
//! it arrived (an earlier one could predate a write answered meanwhile), so
//! reads of one account run one at a time and each request takes the first
//! that started after it came: under load, one round trip serves every request
//! that arrived while the previous one was on the wire.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tickler_app::App;
use tickler_core::ids::AccountId;

/// Accounts tracked before the table is emptied, so memory stays bounded.
const MAX_ACCOUNTS: usize = 10_000;

/// The reads of one account.
#[derive(Default)]
struct Reads {
    /// One read at a time, in arrival order.
    turn: tokio::sync::Mutex<()>,
    /// Reads started so far; read `n` is numbered `n`.
    started: AtomicU64,
    /// The last read that finished: its number and the version it saw.
    latest: Mutex<(u64, i64)>,
}

/// Shared reads of account versions.
#[derive(Default)]
pub struct Versions {
    accounts: Mutex<HashMap<AccountId, Arc<Reads>>>,
}

impl Versions {
    /// The account's version as read by a query that started after this call did.
    pub async fn read(&self, app: &App, account: AccountId) -> tickler_app::Result<i64> {
        let reads = {
            let mut accounts = self.accounts.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if accounts.len() >= MAX_ACCOUNTS && !accounts.contains_key(&account) {
                accounts.clear();
            }
            accounts.entry(account).or_default().clone()
        };
        let arrived = reads.started.load(Ordering::SeqCst);
        let _turn = reads.turn.lock().await;
        let (number, version) = *reads.latest.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if number > arrived {
            // That read started after this request arrived, and finished while it waited its turn.
            return Ok(version);
        }
        let number = reads.started.fetch_add(1, Ordering::SeqCst) + 1;
        let version = app.account_version(account).await?;
        *reads.latest.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = (number, version);
        Ok(version)
    }
}

//! Which accounts' data changed: the version the database's triggers move in
//! every commit that touches what a cached read depends on (migration 0010),
//! and on PostgreSQL the feed of the `tickler_changes` notifications they send.

use std::time::Duration;

use sqlx::Row;
use sqlx::postgres::PgListener;
use tickler_core::ids::AccountId;

use crate::Store;
use crate::error::Result;
use crate::reads::Param;

/// The channel the triggers notify with an account id.
pub const CHANGES_CHANNEL: &str = "tickler_changes";

/// Longest wait between two tries to reach the database again.
const MAX_RETRY: Duration = Duration::from_secs(2);

impl Store {
    /// The account's data version: it moves in every committed change to the
    /// data a cached read depends on (the account, its users, revoked tokens,
    /// contacts and their addresses, touches, follow-ups), whichever process made it.
    pub async fn account_version(&self, account_id: AccountId) -> Result<i64> {
        crate::error::during("reading the account's version", async {
            let version = self
                .reader
                .optional(
                    "SELECT version FROM account_versions WHERE account_id = $1",
                    &[Param::Int(account_id.get())],
                    |row| row.int("version"),
                )
                .await?;
            Ok(version.unwrap_or(0))
        })
        .await
    }

    /// The feed of accounts whose data changed, from any process; `None` on SQLite, which notifies nobody.
    pub fn change_feed(&self) -> Option<ChangeFeed> {
        (self.backend == crate::Backend::Postgres).then(|| ChangeFeed {
            url: self.url.clone(),
            listener: None,
            retry: Duration::ZERO,
        })
    }
}

/// What the feed tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A transaction that changed this account's data committed.
    Account(AccountId),
    /// The feed was (re)connected: changes made meanwhile were not heard, so anything may have changed.
    Missed,
}

/// PostgreSQL's `tickler_changes` notifications, reconnecting by itself.
pub struct ChangeFeed {
    url: crate::DatabaseUrl,
    listener: Option<PgListener>,
    retry: Duration,
}

impl ChangeFeed {
    /// The next change. Never fails: while the database is out of reach it
    /// retries, and each (re)connection is reported as [`Change::Missed`] once it
    /// listens again, so nothing changed during the gap goes unheard.
    pub async fn next(&mut self) -> Change {
        loop {
            let Some(listener) = self.listener.as_mut() else {
                match listen(self.url.as_str()).await {
                    Ok(listener) => {
                        self.listener = Some(listener);
                        self.retry = Duration::ZERO;
                        return Change::Missed;
                    }
                    Err(_) => {
                        self.retry = (self.retry * 2).clamp(Duration::from_millis(50), MAX_RETRY);
                        tokio::time::sleep(self.retry).await;
                        continue;
                    }
                }
            };
            match listener.try_recv().await {
                Ok(Some(notification)) => match notification.payload().parse::<i64>() {
                    Ok(id) => return Change::Account(AccountId::new(id)),
                    Err(_) => return Change::Missed,
                },
                // The connection broke and sqlx made a new one that listens again.
                Ok(None) => return Change::Missed,
                // Start over with a fresh listener, reported once it listens.
                Err(_) => self.listener = None,
            }
        }
    }

    /// The process id of the server connection the feed listens on (tests cut it to check the reconnection).
    pub async fn backend_pid(&mut self) -> Result<Option<i32>> {
        let Some(listener) = self.listener.as_mut() else { return Ok(None) };
        let row = sqlx::query("SELECT pg_backend_pid() AS pid").fetch_one(listener).await?;
        Ok(Some(row.try_get("pid")?))
    }
}

async fn listen(url: &str) -> std::result::Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(CHANGES_CHANNEL).await?;
    Ok(listener)
}

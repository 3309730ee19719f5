//! What an operator reads: the backlog of mail and jobs waiting to go, the
//! connection pool's use, when a mailbox was last read, and the database
//! server's clock (for `/metrics` and `tickler doctor`).

use jiff::Timestamp;
use sqlx::{Connection, Row};

use crate::error::Result;
use crate::rows::{optional_instant, seconds};
use crate::{Backend, Store};

/// What is waiting to go out at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backlog {
    /// Outbox rows not yet taken by a mail server (queued for a try, or being sent).
    pub outbox: u64,
    /// When the oldest of them was queued; `None` when there is none.
    pub oldest_queued_at: Option<Timestamp>,
    /// Jobs due and not yet finished (waiting for a worker, or claimed by one).
    pub jobs_due: u64,
}

/// The connection pool at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUsage {
    /// Connections lent out.
    pub in_use: u32,
    /// Connections open and waiting.
    pub idle: u32,
    /// The most the pool opens.
    pub max: u32,
}

impl Store {
    /// Open one connection to the database server at `url` and close it, at
    /// once naming why it cannot (a pool would retry until its timeout). SQLite files are not probed.
    pub async fn probe(url: &str) -> Result<()> {
        if Backend::of_url(url) == Backend::Sqlite {
            return Ok(());
        }
        sqlx::any::install_default_drivers();
        let connection = sqlx::AnyConnection::connect(url)
            .await
            .map_err(|error| crate::Error::Config(format!("cannot reach the database server: {error}")))?;
        let _ = connection.close().await;
        Ok(())
    }

    /// The outbox rows not yet sent and the jobs due at `now`.
    pub async fn backlog(&self, now: Timestamp) -> Result<Backlog> {
        crate::error::during("reading the backlog", async {
            let outbox = sqlx::query(
                "SELECT COUNT(*) AS waiting, MIN(created_at) AS oldest FROM outbox WHERE state IN ('queued', 'sending')",
            )
            .fetch_one(&self.pool)
            .await?;
            let jobs = sqlx::query(
                "SELECT COUNT(*) AS due FROM jobs WHERE state = 'pending' AND run_at <= $1",
            )
            .bind(seconds(now))
            .fetch_one(&self.pool)
            .await?;
            let count = |value: i64| u64::try_from(value).unwrap_or(0);
            Ok(Backlog {
                outbox: count(outbox.try_get("waiting")?),
                oldest_queued_at: optional_instant(&outbox, "oldest")?,
                jobs_due: count(jobs.try_get("due")?),
            })
        })
        .await
    }

    /// How many of the store's connections are lent out and how many wait:
    /// its pool's and its fast reads' together.
    pub fn pool_usage(&self) -> PoolUsage {
        let (pool, reads) = (usage_of(&self.pool), self.reader.usage());
        PoolUsage { in_use: pool.in_use + reads.in_use, idle: pool.idle + reads.idle, max: pool.max + reads.max }
    }

    /// When `mailbox` (a position key) was last read through to its end; `None` when never.
    pub async fn mailbox_read_at(&self, mailbox: &str) -> Result<Option<Timestamp>> {
        crate::error::during("reading when the mailbox was read", async {
            let row = sqlx::query("SELECT polled_at FROM mailbox_polls WHERE mailbox = $1 AND uid_validity <> 0")
                .bind(mailbox)
                .fetch_optional(&self.pool)
                .await?;
            match row {
                Some(row) => optional_instant(&row, "polled_at"),
                None => Ok(None),
            }
        })
        .await
    }

    /// The database server's clock (to the millisecond); on SQLite, this machine's.
    pub async fn database_now(&self) -> Result<Timestamp> {
        if self.backend == Backend::Sqlite {
            return Ok(Timestamp::now());
        }
        crate::error::during("reading the database server's clock", async {
            let row = sqlx::query("SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT) AS now_ms")
                .fetch_one(&self.pool)
                .await?;
            let millis: i64 = row.try_get("now_ms")?;
            Timestamp::from_millisecond(millis)
                .map_err(|error| crate::Error::Corrupt(format!("the database server's clock: {error}")))
        })
        .await
    }
}

/// How many of a sqlx pool's connections are lent out and how many wait.
pub(crate) fn usage_of<DB: sqlx::Database>(pool: &sqlx::Pool<DB>) -> PoolUsage {
    let idle = u32::try_from(pool.num_idle()).unwrap_or(u32::MAX);
    PoolUsage { in_use: pool.size().saturating_sub(idle), idle, max: pool.options().get_max_connections() }
}

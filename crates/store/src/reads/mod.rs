//! Fast reads: the reads every request makes (the holder of a token or a
//! session, the account, the agenda, the account's version) run on the
//! backend's native driver instead of sqlx's `Any`, which copies every value
//! of every row and, on SQLite, hands each row across threads.
//!
//! - **SQLite:** a few read-only connections of the database file
//!   ([`sqlite::Readers`]), each statement prepared once and run on the
//!   calling thread: a read of a handful of indexed rows takes microseconds,
//!   less than a hand-off to another thread would.
//! - **PostgreSQL:** a native `PgPool` beside the store's `Any` pool, opened
//!   lazily, with the same session settings.
//!
//! The statements are the store's own, with `$N` placeholders on both
//! backends, and rows are read through [`Columns`], so a record has one
//! reader whichever driver fetched it; the conformance tests of each method
//! are the judge that both backends answer alike.

mod postgres;
mod sqlite;

use std::sync::Arc;

use crate::dialect::Backend;
use crate::error::Result;
use crate::rows::Columns;

/// A statement's parameter, in `$N` order.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Param<'a> {
    Int(i64),
    Text(&'a str),
    /// Text or `NULL` (a filter left out).
    OptionalText(Option<&'a str>),
}

/// The native side of a store, for its fast reads.
#[derive(Clone)]
pub(crate) enum Reader {
    Sqlite(Arc<sqlite::Readers>),
    Postgres(sqlx::PgPool),
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            Reader::Sqlite(_) => "Reader::Sqlite",
            Reader::Postgres(_) => "Reader::Postgres",
        })
    }
}

impl Reader {
    /// A reader of the database at `url` (as the store's pool opened it).
    /// Nothing is opened until the first read.
    pub(crate) fn new(backend: Backend, url: &str) -> Result<Reader> {
        Ok(match backend {
            Backend::Sqlite => Reader::Sqlite(Arc::new(sqlite::Readers::new(url)?)),
            Backend::Postgres => Reader::Postgres(postgres::pool(url)?),
        })
    }

    /// Every row of `sql` run with `params`, each read by `read`.
    pub(crate) async fn rows<T>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        read: impl Fn(&dyn Columns) -> Result<T>,
    ) -> Result<Vec<T>> {
        match self {
            Reader::Sqlite(readers) => readers.rows(sql, params, read),
            Reader::Postgres(pool) => postgres::rows(pool, sql, params, read).await,
        }
    }

    /// The first row of `sql` run with `params`, if any, read by `read`.
    pub(crate) async fn optional<T>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        read: impl Fn(&dyn Columns) -> Result<T>,
    ) -> Result<Option<T>> {
        Ok(self.rows(sql, params, read).await?.into_iter().next())
    }

    /// How many of the reads' connections are lent out and how many wait.
    pub(crate) fn usage(&self) -> crate::PoolUsage {
        match self {
            Reader::Sqlite(readers) => readers.usage(),
            Reader::Postgres(pool) => crate::operations::usage_of(pool),
        }
    }

    /// Close every connection.
    pub(crate) async fn close(&self) {
        match self {
            Reader::Sqlite(readers) => readers.close(),
            Reader::Postgres(pool) => pool.close().await,
        }
    }
}

//! Rows written straight through sqlx, and the SQL the references run.
//!
//! The statements here mirror the store's own (crates/store/src/agenda.rs
//! and follow_ups.rs) so that a reference measures the same work minus the
//! store; the agenda benchmark checks that both return the same rows.

use std::fmt::Write as _;
use std::future::Future;
use std::sync::Arc;

use sqlx::{Any, AssertSqlSafe, Postgres, Sqlite};

use tickler_core::ids::{AccountId, ContactId};
/// The store's agenda query, run bare by the reference.
pub use tickler_store::AGENDA_SQL;
/// Rows per multi-row INSERT, the store's own batch size.
pub use tickler_store::IMPORT_BATCH as BATCH;

/// A query being built for database `DB`.
pub type Query<'q, DB> = sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments>;

/// The few kinds of value the benchmark rows bind, for each database; keeps
/// the generic insert code free of sqlx's encoding bounds.
pub trait Binder: sqlx::Database {
    fn int(query: Query<'_, Self>, value: i64) -> Query<'_, Self>;
    fn optional_int(query: Query<'_, Self>, value: Option<i64>) -> Query<'_, Self>;
    fn text<'q>(query: Query<'q, Self>, value: &str) -> Query<'q, Self>;
    fn optional_text<'q>(query: Query<'q, Self>, value: Option<&str>) -> Query<'q, Self>;
    /// Execute the query on `connection`.
    fn run<'c>(
        connection: &'c mut Self::Connection,
        query: Query<'c, Self>,
    ) -> impl Future<Output = sqlx::Result<()>> + Send + 'c;
}

macro_rules! binder {
    ($database:ty) => {
        impl Binder for $database {
            fn int(query: Query<'_, Self>, value: i64) -> Query<'_, Self> {
                query.bind(value)
            }
            fn optional_int(query: Query<'_, Self>, value: Option<i64>) -> Query<'_, Self> {
                query.bind(value)
            }
            fn text<'q>(query: Query<'q, Self>, value: &str) -> Query<'q, Self> {
                query.bind(value)
            }
            fn optional_text<'q>(query: Query<'q, Self>, value: Option<&str>) -> Query<'q, Self> {
                query.bind(value)
            }
            fn run<'c>(
                connection: &'c mut Self::Connection,
                query: Query<'c, Self>,
            ) -> impl Future<Output = sqlx::Result<()>> + Send + 'c {
                async move { query.execute(connection).await.map(drop) }
            }
        }
    };
}

binder!(Sqlite);
binder!(Postgres);
binder!(Any);

/// A row type written with multi-row INSERTs.
pub trait Insertable {
    /// `INSERT INTO table (columns…) VALUES `.
    const HEAD: &'static str;
    /// Parameters per row.
    const COLUMNS: usize;
    /// Bind this row's values, in column order.
    fn bind<'q, DB: Binder>(&self, query: Query<'q, DB>) -> Query<'q, DB>;
}

/// How a statement writes its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Placeholders {
    /// `$1, $2, …`: what the store writes for both backends, and PostgreSQL's only form.
    Numbered,
    /// `?, ?, …`: SQLite's plain form. sqlx binds `$N` on SQLite by asking
    /// SQLite each parameter's name, a linear search, so a statement with
    /// thousands of `$N` costs time quadratic in their count; `?` has no name.
    Anonymous,
}

impl Placeholders {
    /// The natural form for a backend (`sqlite` or `postgres`).
    pub fn native(backend: &str) -> Placeholders {
        if backend == "sqlite" { Placeholders::Anonymous } else { Placeholders::Numbered }
    }
}

/// `HEAD ($1,…,$n),(…)` (or with `?`) for `rows` rows of `columns` parameters.
pub fn insert_statement(head: &str, columns: usize, rows: usize, placeholders: Placeholders) -> String {
    let mut statement = String::with_capacity(head.len() + rows * columns * 7);
    statement.push_str(head);
    for row in 0..rows {
        statement.push_str(if row == 0 { "(" } else { ",(" });
        for column in 1..=columns {
            if column > 1 {
                statement.push(',');
            }
            match placeholders {
                Placeholders::Numbered => {
                    let _ = write!(statement, "${}", row * columns + column);
                }
                Placeholders::Anonymous => statement.push('?'),
            }
        }
        statement.push(')');
    }
    statement
}

/// Insert `rows` on `connection` in multi-row INSERTs of `batch` rows; the
/// caller owns the transaction.
pub async fn insert<DB: Binder, R: Insertable>(
    connection: &mut DB::Connection,
    rows: &[R],
    batch: usize,
    placeholders: Placeholders,
) -> sqlx::Result<()> {
    let full: Arc<str> = insert_statement(R::HEAD, R::COLUMNS, batch, placeholders).into();
    for chunk in rows.chunks(batch) {
        let statement = if chunk.len() == batch {
            full.clone()
        } else {
            insert_statement(R::HEAD, R::COLUMNS, chunk.len(), placeholders).into()
        };
        let mut query = sqlx::query::<DB>(AssertSqlSafe(statement));
        for row in chunk {
            query = row.bind(query);
        }
        DB::run(&mut *connection, query).await?;
    }
    Ok(())
}

/// A contact as seeded (no emails, phones or tags: the agenda reads none).
#[derive(Debug, Clone)]
pub struct ContactRow {
    pub account_id: AccountId,
    pub name: String,
    pub organisation: Option<String>,
    pub zone: Option<&'static str>,
    pub stage: Option<&'static str>,
    pub created_at: i64,
}

impl Insertable for ContactRow {
    const HEAD: &'static str = "INSERT INTO contacts (account_id, name, name_key, search_text, organisation, zone, stage, \
         consent, notes, created_at, updated_at) VALUES ";
    const COLUMNS: usize = 11;

    fn bind<'q, DB: Binder>(&self, query: Query<'q, DB>) -> Query<'q, DB> {
        let key = self.name.to_lowercase();
        let search = match &self.organisation {
            Some(organisation) => format!("{key} {}", organisation.to_lowercase()),
            None => key.clone(),
        };
        let query = DB::int(query, self.account_id.get());
        let query = DB::text(query, &self.name);
        let query = DB::text(query, &key);
        let query = DB::text(query, &search);
        let query = DB::optional_text(query, self.organisation.as_deref());
        let query = DB::optional_text(query, self.zone);
        let query = DB::optional_text(query, self.stage);
        let query = DB::text(query, "active");
        let query = DB::text(query, "");
        let query = DB::int(query, self.created_at);
        DB::int(query, self.created_at)
    }
}

/// A touch as seeded.
#[derive(Debug, Clone)]
pub struct TouchRow {
    pub account_id: AccountId,
    pub contact_id: ContactId,
    pub at: i64,
    pub channel: &'static str,
    pub direction: &'static str,
    pub summary: String,
    pub outcome: Option<&'static str>,
}

impl Insertable for TouchRow {
    const HEAD: &'static str =
        "INSERT INTO touches (account_id, contact_id, at, channel, direction, summary, outcome, created_at) VALUES ";
    const COLUMNS: usize = 8;

    fn bind<'q, DB: Binder>(&self, query: Query<'q, DB>) -> Query<'q, DB> {
        let query = DB::int(query, self.account_id.get());
        let query = DB::int(query, self.contact_id.get());
        let query = DB::int(query, self.at);
        let query = DB::text(query, self.channel);
        let query = DB::text(query, self.direction);
        let query = DB::text(query, &self.summary);
        let query = DB::optional_text(query, self.outcome);
        DB::int(query, self.at)
    }
}

/// A follow-up in any state, as seeded for the agenda.
#[derive(Debug, Clone)]
pub struct FollowUpRow {
    pub row: ImportRow,
    pub closed_at: Option<i64>,
}

impl Insertable for FollowUpRow {
    const HEAD: &'static str = "INSERT INTO follow_ups (account_id, contact_id, due_date, due_time, due_zone, due_at, \
         channel, purpose, origin, state, snoozes, created_at, closed_at) VALUES ";
    const COLUMNS: usize = 13;

    fn bind<'q, DB: Binder>(&self, query: Query<'q, DB>) -> Query<'q, DB> {
        DB::optional_int(self.row.bind(query), self.closed_at)
    }
}

/// A follow-up's stored columns exactly as `Store::import_follow_ups` binds them.
#[derive(Debug, Clone)]
pub struct ImportRow {
    pub account_id: AccountId,
    pub contact_id: ContactId,
    pub due_date: String,
    pub due_time: Option<String>,
    pub due_zone: String,
    pub due_at: i64,
    pub channel: &'static str,
    pub purpose: String,
    pub origin: &'static str,
    pub state: &'static str,
    pub snoozes: i64,
    pub created_at: i64,
}

impl Insertable for ImportRow {
    const HEAD: &'static str = "INSERT INTO follow_ups (account_id, contact_id, due_date, due_time, due_zone, due_at, \
         channel, purpose, origin, state, snoozes, created_at) VALUES ";
    const COLUMNS: usize = 12;

    fn bind<'q, DB: Binder>(&self, query: Query<'q, DB>) -> Query<'q, DB> {
        let query = DB::int(query, self.account_id.get());
        let query = DB::int(query, self.contact_id.get());
        let query = DB::text(query, &self.due_date);
        let query = DB::optional_text(query, self.due_time.as_deref());
        let query = DB::text(query, &self.due_zone);
        let query = DB::int(query, self.due_at);
        let query = DB::text(query, self.channel);
        let query = DB::text(query, &self.purpose);
        let query = DB::text(query, self.origin);
        let query = DB::text(query, self.state);
        let query = DB::int(query, self.snoozes);
        DB::int(query, self.created_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_number_parameters_across_rows() {
        let head = "INSERT INTO t (a, b) VALUES ";
        assert_eq!(insert_statement(head, 2, 2, Placeholders::Numbered), "INSERT INTO t (a, b) VALUES ($1,$2),($3,$4)");
        assert_eq!(insert_statement(head, 2, 2, Placeholders::Anonymous), "INSERT INTO t (a, b) VALUES (?,?),(?,?)");
    }
}

//! The database a store benchmark runs on: a fresh SQLite file or a fresh
//! PostgreSQL database, opened both through [`tickler_store::Store`] and
//! through a native sqlx pool for the reference measurements.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection, Postgres, Sqlite};

use crate::args::Args;
use crate::rows::{BATCH, Insertable, Placeholders, insert};
use tickler_core::ids::{AccountId, ContactId};

/// The PostgreSQL server used when `--postgres` and `TICKLER_BENCH_POSTGRES` are absent: the tests' server.
pub const DEFAULT_POSTGRES: &str = tickler_test_support::DEFAULT_POSTGRES;

/// Where a store benchmark keeps its data.
#[derive(Debug, Clone)]
pub enum Target {
    /// A SQLite file (with its `-wal` and `-shm` companions).
    Sqlite { path: PathBuf },
    /// A database created on the server that `admin_url` reaches.
    Postgres { admin_url: String, database: String },
}

/// Run the same code on whichever native pool `native` holds: the two
/// arms differ only in the pool's type.
#[macro_export]
macro_rules! with_pool {
    ($native:expr, $pool:ident => $body:expr) => {
        match $native {
            $crate::database::Native::Sqlite($pool) => $body,
            $crate::database::Native::Postgres($pool) => $body,
        }
    };
}

/// A native (not `Any`) pool on the benchmark database.
#[derive(Debug, Clone)]
pub enum Native {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Target {
    /// `--backend sqlite|postgres`, `--sqlite PATH`, `--postgres URL` (else
    /// `TICKLER_BENCH_POSTGRES`, else the local server), `--database NAME`.
    pub fn from_args(args: &Args, default_file: &str) -> crate::Result<Target> {
        match args.text("backend", "sqlite").as_str() {
            "sqlite" => Ok(Target::Sqlite { path: PathBuf::from(args.text("sqlite", default_file)) }),
            "postgres" => {
                let fallback = std::env::var("TICKLER_BENCH_POSTGRES").unwrap_or_else(|_| DEFAULT_POSTGRES.to_string());
                Ok(Target::Postgres {
                    admin_url: args.text("postgres", &fallback),
                    database: args.text("database", "tickler_bench"),
                })
            }
            other => Err(format!("--backend {other:?}: use sqlite or postgres").into()),
        }
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self {
            Target::Sqlite { .. } => "sqlite",
            Target::Postgres { .. } => "postgres",
        }
    }

    /// The URL `Store::open` (and `tickler --database`) takes for this database.
    pub fn url(&self) -> String {
        match self {
            Target::Sqlite { path } => path.display().to_string(),
            Target::Postgres { admin_url, database } => with_database(admin_url, database),
        }
    }

    /// Remove any previous data and make an empty database; returns the URL for `Store::open`.
    pub async fn create_fresh(&self) -> crate::Result<String> {
        match self {
            Target::Sqlite { path } => {
                if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent)?;
                }
                remove_sqlite_files(path)?;
                Ok(self.url())
            }
            Target::Postgres { admin_url, database } => {
                let mut admin = PgConnection::connect(admin_url)
                    .await
                    .map_err(|error| format!("cannot reach PostgreSQL at {admin_url}: {error}"))?;
                admin.execute(AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)"))).await?;
                admin.execute(AssertSqlSafe(format!("CREATE DATABASE \"{database}\""))).await?;
                admin.close().await?;
                Ok(self.url())
            }
        }
    }

    /// Delete the benchmark database.
    pub async fn drop_database(&self) -> crate::Result<()> {
        match self {
            Target::Sqlite { path } => remove_sqlite_files(path),
            Target::Postgres { admin_url, database } => {
                let mut admin = PgConnection::connect(admin_url).await?;
                admin.execute(AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)"))).await?;
                admin.close().await?;
                Ok(())
            }
        }
    }

    /// A native pool on the (already created and migrated) database, with
    /// the connection settings the store uses.
    pub async fn native(&self) -> crate::Result<Native> {
        match self {
            Target::Sqlite { path } => {
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10));
                Ok(Native::Sqlite(SqlitePoolOptions::new().max_connections(4).connect_with(options).await?))
            }
            Target::Postgres { admin_url, database } => {
                let options = PgConnectOptions::from_str(&with_database(admin_url, database))?;
                Ok(Native::Postgres(PgPoolOptions::new().max_connections(4).connect_with(options).await?))
            }
        }
    }
}

impl Native {
    /// Run a statement without parameters (setup and housekeeping).
    pub async fn execute(&self, statement: &str) -> crate::Result<()> {
        with_pool!(self, pool => pool.execute(AssertSqlSafe(statement.to_string())).await.map(drop)?);
        Ok(())
    }

    /// One integer from a query without parameters (counts).
    pub async fn scalar(&self, statement: &str) -> crate::Result<i64> {
        Ok(with_pool!(self, pool => sqlx::query_scalar(AssertSqlSafe(statement.to_string())).fetch_one(pool).await?))
    }

    /// The database engine's version, for the report.
    pub async fn version(&self) -> crate::Result<String> {
        Ok(match self {
            Native::Sqlite(pool) => {
                let version: String = sqlx::query_scalar("SELECT sqlite_version()").fetch_one(pool).await?;
                format!("SQLite {version}")
            }
            Native::Postgres(pool) => {
                let version: String = sqlx::query_scalar("SHOW server_version").fetch_one(pool).await?;
                format!("PostgreSQL {version}")
            }
        })
    }

    /// Bring the planner's statistics up to date, as a settled database has them.
    pub async fn analyze(&self) -> crate::Result<()> {
        match self {
            Native::Sqlite(_) => self.execute("ANALYZE").await,
            Native::Postgres(_) => self.execute("VACUUM ANALYZE").await,
        }
    }

    /// Write everything pending to the main database files, so that the next
    /// timed run does not pay for an earlier one's checkpoint.
    pub async fn checkpoint(&self) -> crate::Result<()> {
        match self {
            Native::Sqlite(_) => self.execute("PRAGMA wal_checkpoint(TRUNCATE)").await,
            Native::Postgres(_) => self.execute("CHECKPOINT").await,
        }
    }

    /// Insert `rows` in multi-row INSERTs of [`BATCH`] rows with the backend's
    /// natural placeholders, in one transaction.
    pub async fn insert_all<R: Insertable>(&self, rows: &[R]) -> crate::Result<()> {
        let placeholders = Placeholders::native(self.backend());
        self.insert_with(rows, placeholders).await
    }

    /// Insert `rows` in multi-row INSERTs of [`BATCH`] rows written with
    /// `placeholders`, in one transaction (`BEGIN IMMEDIATE` on SQLite, as the store writes).
    pub async fn insert_with<R: Insertable>(&self, rows: &[R], placeholders: Placeholders) -> crate::Result<()> {
        match self {
            Native::Sqlite(pool) => {
                let mut transaction = pool.begin_with("BEGIN IMMEDIATE").await?;
                insert::<Sqlite, R>(&mut transaction, rows, BATCH, placeholders).await?;
                transaction.commit().await?;
            }
            Native::Postgres(pool) => {
                let mut transaction = pool.begin().await?;
                insert::<Postgres, R>(&mut transaction, rows, BATCH, placeholders).await?;
                transaction.commit().await?;
            }
        }
        Ok(())
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self {
            Native::Sqlite(_) => "sqlite",
            Native::Postgres(_) => "postgres",
        }
    }

    /// The ids of an account's contacts, in order.
    pub async fn contact_ids(&self, account_id: AccountId) -> crate::Result<Vec<ContactId>> {
        const IDS: &str = "SELECT id FROM contacts WHERE account_id = $1 ORDER BY id";
        let ids: Vec<i64> = match self {
            Native::Sqlite(pool) => sqlx::query_scalar(IDS).bind(account_id.get()).fetch_all(pool).await?,
            Native::Postgres(pool) => sqlx::query_scalar(IDS).bind(account_id.get()).fetch_all(pool).await?,
        };
        Ok(ids.into_iter().map(ContactId::new).collect())
    }

    /// Close the pool.
    pub async fn close(self) {
        match self {
            Native::Sqlite(pool) => pool.close().await,
            Native::Postgres(pool) => pool.close().await,
        }
    }
}

/// `url` with its database name replaced by `database` (query parameters kept).
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |index| index + 3);
    let path_start = base[authority_start..].find('/').map_or(base.len(), |index| authority_start + index);
    let mut result = format!("{}/{database}", &base[..path_start]);
    if let Some(query) = query {
        result.push('?');
        result.push_str(query);
    }
    result
}

fn remove_sqlite_files(path: &std::path::Path) -> crate::Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        match std::fs::remove_file(&file) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(error.into()),
            _ => {}
        }
    }
    Ok(())
}

/// A fresh database on `target` with the store's schema, its default account
/// and `contacts` contacts seeded through the native pool: the setup both
/// store benchmarks start from.
pub struct Seeded {
    pub store: tickler_store::Store,
    pub account: tickler_core::account::Account,
    pub native: Native,
    pub contact_ids: Vec<ContactId>,
}

impl Seeded {
    /// Close both pools, drop the database unless `keep`, and print the report as JSON.
    pub async fn finish(
        store: tickler_store::Store,
        native: Native,
        target: &Target,
        keep: bool,
        report: &impl serde::Serialize,
    ) -> crate::Result<()> {
        store.close().await;
        native.close().await;
        if !keep {
            target.drop_database().await?;
        }
        println!("{}", serde_json::to_string_pretty(report)?);
        Ok(())
    }

    /// The agenda benchmarks' book: `contacts` contacts, `touches` touches and
    /// `follow_ups` follow-ups of which `open_share` are open, analysed; returns
    /// the seeded database and how many follow-ups are open.
    pub async fn agenda_book(
        target: &Target,
        label: &str,
        contacts: usize,
        touches: usize,
        follow_ups: usize,
        open_share: f64,
        now: &jiff::ZonedDateTime,
    ) -> crate::Result<(Seeded, i64)> {
        let (seeded, _, open) =
            Seeded::agenda_books(target, label, 1, contacts, touches, follow_ups, open_share, now).await?;
        Ok((seeded, open))
    }

    /// `accounts` accounts sharing `contacts`, `touches` and `follow_ups`
    /// evenly (open ones a share `open_share`), analysed; the returned
    /// `Seeded` holds the first account, the list every account, and how
    /// many follow-ups are open.
    #[allow(clippy::too_many_arguments)]
    pub async fn agenda_books(
        target: &Target,
        label: &str,
        accounts: usize,
        contacts: usize,
        touches: usize,
        follow_ups: usize,
        open_share: f64,
        now: &jiff::ZonedDateTime,
    ) -> crate::Result<(Seeded, Vec<tickler_core::account::Account>, i64)> {
        let accounts = accounts.max(1);
        let seeded = Seeded::contacts(target, label, contacts / accounts).await?;
        let mut all = vec![seeded.account.clone()];
        let settings = seeded.account.settings.clone();
        for index in 1..accounts {
            all.push(seeded.store.create_account(&format!("bench {index}"), &settings, now.timestamp()).await?);
        }
        crate::progress(format!(
            "{label}: seeding {accounts} account(s), each {} contacts, {} touches, {} follow-ups ({:.1}% open)",
            contacts / accounts,
            touches / accounts,
            follow_ups / accounts,
            open_share * 100.0
        ));
        let native = &seeded.native;
        for (index, account) in all.iter().enumerate() {
            let ids = if index == 0 {
                seeded.contact_ids.clone()
            } else {
                native.insert_all(&crate::seed::contacts(account.id, contacts / accounts, now)).await?;
                native.contact_ids(account.id).await?
            };
            native.insert_all(&crate::seed::touches(account.id, &ids, touches / accounts, now)).await?;
            native
                .insert_all(&crate::seed::follow_ups(account.id, &ids, follow_ups / accounts, open_share, now))
                .await?;
        }
        native.analyze().await?;
        let open = native.scalar("SELECT COUNT(*) FROM follow_ups WHERE state = 'open'").await?;
        Ok((seeded, all, open))
    }

    /// Create the database and seed it; `label` prefixes the progress lines.
    pub async fn contacts(target: &Target, label: &str, contacts: usize) -> crate::Result<Seeded> {
        let now = crate::seed::now();
        let url = target.create_fresh().await?;
        let store = tickler_store::Store::open(&url).await?;
        let zone = tickler_core::contact::ZoneName::parse(crate::seed::ZONE)?;
        let account = store.default_account(&zone, now.timestamp()).await?;
        let native = target.native().await?;
        crate::progress(format!("{label}: seeding {contacts} contacts"));
        native.insert_all(&crate::seed::contacts(account.id, contacts, &now)).await?;
        let contact_ids = native.contact_ids(account.id).await?;
        Ok(Seeded { store, account, native, contact_ids })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "tickler_bench"),
            "postgres://postgres@127.0.0.1:5432/tickler_bench"
        );
        assert_eq!(with_database("postgres://u:p@db/x?sslmode=disable", "b"), "postgres://u:p@db/b?sslmode=disable");
        assert_eq!(with_database("postgres://db:5432", "b"), "postgres://db:5432/b");
    }
}

//! Tickler's persistence: one [`Store`] over SQLite (embedded default, WAL)
//! and PostgreSQL. Both speak the same SQL through sqlx's `Any` driver; the
//! backends differ only in their migration sets and the few dialect
//! fragments in [`dialect`]. The reads every request makes (who holds a token
//! or a session, the agenda, an account's version) run the same SQL on each
//! backend's native driver instead (`reads`). Every method takes the account
//! it acts for, and every query is scoped to it.

mod accounts;
mod agenda;
mod api_tokens;
mod backup;
mod backup_sections;
mod campaigns;
mod changes;
mod consent;
mod contacts;
mod demo;
pub mod dialect;
mod email_sync;
mod enrollments;
mod error;
mod export;
mod follow_up_rows;
mod follow_ups;
mod import;
mod jobs;
mod keep_in_touch;
mod library;
mod lists;
mod mail_accounts;
mod operations;
mod outbox;
mod plans;
mod promises;
mod reads;
mod replies;
pub mod reports;
mod rows;
mod schema;
mod sessions;
mod timeline;
mod touches;
mod users;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use agenda::{AGENDA_SQL, AgendaRow};
pub use backup::{BACKUP_FORMAT, BACKUP_VERSION, Backup, RestoreSummary};
pub use campaigns::{Campaign, CampaignDraft, Progress};
pub use changes::{CHANGES_CHANNEL, Change, ChangeFeed};
pub use contacts::ContactFilter;
pub use dialect::Backend;
pub use email_sync::{
    BounceRecorded, KnownAddress, SOFT_BOUNCE_LIMIT, SyncedEmail, SyncedTouch, Undeliverable, UnknownCorrespondent,
    UnknownNote,
};
pub use enrollments::BulkEnrolled;
pub use error::{Error, Record, Result};
pub use follow_ups::{IMPORT_BATCH, Scheduled};
pub use import::{ContactImport, phone_key};
pub use jobs::{Job, JobKind, MAX_CLAIMS, kind as job_kind};
pub use keep_in_touch::KeepInTouchRow;
pub use library::{LibrarySend, claim_next_library_item, via as library_via};
pub use lists::{ChangedBy, ListSummary, Member, MembershipChange};
pub use mail_accounts::{MailAccount, MailAccountSettings, MailServerSettings, MailSide};
pub use operations::{Backlog, PoolUsage};
pub use outbox::{
    CampaignRun, Delivery, MAX_SEND_ATTEMPTS, NoticeExtra, OutboundEmail, OutboxState, Prepare, Prepared, SendFailure,
    StepRun, backoff,
};
pub use plans::{DEFAULT_REVIEW_HOUR, MailSettings};
pub use replies::{MailboxPoll, RecordedReply, ReplyOutcome};
pub use schema::{Migration, SchemaStatus};
pub use sessions::Session;
pub use touches::Logged;
pub use users::{Credentials, Holder};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// What every PostgreSQL connection of the store sets first (its pool's and the fast reads').
pub(crate) const POSTGRES_SESSION: &str = "SET jit = off";

/// The one interface to Tickler's data.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    /// The native driver, for the reads every request makes (see [`reads`]).
    reader: reads::Reader,
    backend: Backend,
    /// Where the pool connects: the change feed opens its own connection there.
    url: DatabaseUrl,
}

/// A database URL whose `Debug` hides the password.
#[derive(Clone)]
pub(crate) struct DatabaseUrl(std::sync::Arc<str>);

impl DatabaseUrl {
    fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&dialect::redact(&self.0))
    }
}

impl Store {
    /// Open (creating when missing) the database at `url` — a SQLite path or
    /// `sqlite:` URL, or a `postgres://` URL — and bring its schema up to date.
    /// A database migrated by a newer binary is refused, naming the migrations this one does not know.
    pub async fn open(url: &str) -> Result<Store> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connect to the database at `url` (creating a SQLite file when missing) without touching its schema:
    /// for `tickler migrate --check`, which reads [`Store::schema_status`] and changes nothing.
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url);
        let url = match backend {
            Backend::Sqlite => dialect::sqlite_url(url),
            Backend::Postgres => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)
            .map_err(|error| Error::Config(format!("database \"{}\": {error}", dialect::redact(&url))))?;
        let pool_options = match backend {
            // One writer at a time is SQLite's nature; a small pool serves readers under WAL.
            Backend::Sqlite => AnyPoolOptions::new().max_connections(4).after_connect(|connection, _| {
                Box::pin(async move {
                    connection
                        .execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                        )
                        .await?;
                    Ok(())
                })
            }),
            // Short statements only: PostgreSQL's JIT compiles any whose estimated cost
            // passes a threshold, and spends milliseconds on each (an analytics feature).
            Backend::Postgres => AnyPoolOptions::new().max_connections(16).after_connect(|connection, _| {
                Box::pin(async move {
                    connection.execute(POSTGRES_SESSION).await?;
                    Ok(())
                })
            }),
        };
        let pool = pool_options
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .map_err(|error| Error::Config(format!("cannot open database {}: {error}", dialect::redact(&url))))?;
        let reader = reads::Reader::new(backend, &url)?;
        Ok(Store { pool, reader, backend, url: DatabaseUrl(url.into()) })
    }

    /// Which backend this store runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection pool, for benchmarks that measure the bare SQL beside the store.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begin a transaction that will write. SQLite takes the write lock at
    /// once (`BEGIN IMMEDIATE`), so a read inside it cannot go stale before
    /// the write; PostgreSQL locks the rows it reads `FOR UPDATE`.
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(self.pool.begin_with(self.backend.pick("BEGIN IMMEDIATE", "BEGIN")).await?)
    }

    /// A write transaction for what is read from a mailbox (touches, strangers,
    /// bounces, the place reached). On PostgreSQL its commit does not wait
    /// for the disk (`synchronous_commit = off`): a crash can lose at most the
    /// last moment's commits, and since the place reached is saved after what
    /// it covers and the log keeps commits in order, what is lost is read
    /// again from the mailbox and recorded once, by Message-ID. On SQLite it
    /// is [`Store::begin_write`] (whose WAL commits do not wait either).
    pub(crate) async fn begin_mail_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        let mut tx = self.begin_write().await?;
        if self.backend == crate::dialect::Backend::Postgres {
            sqlx::query("SET LOCAL synchronous_commit = off").execute(&mut *tx).await?;
        }
        Ok(tx)
    }

    /// Close every connection (SQLite checkpoints its WAL).
    pub async fn close(self) {
        self.reader.close().await;
        self.pool.close().await;
    }
}

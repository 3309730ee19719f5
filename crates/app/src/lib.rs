//! Tickler's actions, each written once: the command line, the JSON API, the
//! pages and the worker all call these. An action takes what was typed
//! (already split into fields), the [`Actor`] (account, user, clock) and
//! returns a typed result or one [`Error`] whose [`Kind`] each front door maps
//! to its own form (an exit code, an HTTP status, a message beside a field).
//!
//! Data flows down: front doors → this crate → `tickler-core` (rules) +
//! `tickler-store` (persistence) + `tickler-mail` (delivery).

pub mod access;
mod actor;
pub mod calendar;
pub mod campaigns;
pub mod consent;
pub mod contacts;
pub mod correspondents;
pub mod dates;
pub mod demo;
pub mod doctor;
mod error;
pub mod export;
pub mod focus;
pub mod follow_ups;
pub mod import;
pub mod keep_in_touch;
pub mod library;
pub mod lists;
pub mod mail;
pub mod mail_accounts;
pub mod mailbox;
pub mod plans;
pub mod promises;
pub mod readings;
pub mod reports;
pub mod sealed;
pub mod secret;
pub mod settings;
pub mod sign_up;
pub mod touches;
pub mod unsubscribe;
pub mod users;
pub mod work_addresses;
pub mod worker;

use jiff::Timestamp;
use tickler_core::account::Account;
use tickler_core::contact::ZoneName;
use tickler_core::ids::AccountId;
use tickler_store::Store;

pub use actor::Actor;
pub use error::{Error, Kind, Result};
pub use sealed::SecretKey;
/// The records actions return, defined by the store.
pub use tickler_store::{
    AgendaRow, Backend, BulkEnrolled, Change, ChangeFeed, LibrarySend, ListSummary, Logged, MailSettings, Member,
    Migration, Record, RestoreSummary, Scheduled, SchemaStatus, Undeliverable, UnknownCorrespondent,
};

/// The application: the store the actions act on, and the installation's key
/// for sealing stored passwords. Cheap to clone; its `Debug` shows no key.
#[derive(Clone, Debug)]
pub struct App {
    store: Store,
    secret_key: Option<SecretKey>,
    /// The installation's inbound address (`followup@example.org`): its plus-addresses are users' work addresses.
    inbound: Option<String>,
    /// Where people reach this installation (`https://tickler.example.org`): newsletters' unsubscribe links start here.
    public_url: Option<String>,
}

impl App {
    /// Open the database at `url` (a SQLite path or a `postgres://` URL), creating and migrating it.
    pub async fn open(url: &str) -> Result<App> {
        Ok(App { store: Store::open(url).await?, secret_key: None, inbound: None, public_url: None })
    }

    /// Connect to the database at `url` without migrating it: `tickler migrate` reads and applies the migrations itself.
    pub async fn connect(url: &str) -> Result<App> {
        Ok(App { store: Store::connect(url).await?, secret_key: None, inbound: None, public_url: None })
    }

    /// The database's migrations beside this binary's.
    pub async fn schema_status(&self) -> Result<SchemaStatus> {
        Ok(self.store.schema_status().await?)
    }

    /// Apply the pending migrations and return them (refused when the database is newer than the binary).
    pub async fn migrate(&self) -> Result<Vec<Migration>> {
        Ok(self.store.migrate().await?)
    }

    /// The database answers.
    pub async fn ping(&self) -> Result<()> {
        Ok(self.store.ping().await?)
    }

    /// The application over a store already open (the benchmarks and tests).
    pub fn from_store(store: Store) -> App {
        App { store, secret_key: None, inbound: None, public_url: None }
    }

    /// The same application with the installation's secret key (the binary reads it once, at start).
    pub fn with_secret_key(self, secret_key: Option<SecretKey>) -> App {
        App { secret_key, ..self }
    }

    /// The key stored passwords are sealed with; `None` when the installation has none.
    pub fn secret_key(&self) -> Option<&SecretKey> {
        self.secret_key.as_ref()
    }

    /// The application with the installation's inbound mailbox address (from the `[imap]` settings).
    pub fn with_inbound_address(mut self, address: Option<String>) -> App {
        self.inbound = address.map(|address| address.trim().to_lowercase()).filter(|address| address.contains('@'));
        self
    }

    /// The application with the address people reach it at (`--public-url`), for unsubscribe links.
    pub fn with_public_url(mut self, url: Option<String>) -> App {
        self.public_url = url.map(|url| url.trim().trim_end_matches('/').to_string()).filter(|url| !url.is_empty());
        self
    }

    /// The address people reach this installation at, when set.
    pub fn public_url(&self) -> Option<&str> {
        self.public_url.as_deref()
    }

    /// The installation's inbound address, when one is set.
    pub fn inbound_address(&self) -> Option<&str> {
        self.inbound.as_deref()
    }

    /// The store underneath, for the worker's batch paths and the benchmarks.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Which database the store runs on.
    pub fn backend(&self) -> Backend {
        self.store.backend()
    }

    /// Close the store (SQLite checkpoints its write-ahead log, leaving one tidy file).
    pub async fn close(self) {
        self.store.close().await;
    }

    /// The installation's first account, created in `zone` when there is none: the one the command line acts for.
    pub async fn default_account(&self, zone: &ZoneName, now: Timestamp) -> Result<Account> {
        Ok(self.store.default_account(zone, now).await?)
    }

    /// The account's data version, which moves with every committed change a
    /// cached read depends on, whichever process made it: a cached response read
    /// at this version is still right.
    pub async fn account_version(&self, id: AccountId) -> Result<i64> {
        Ok(self.store.account_version(id).await?)
    }

    /// The feed of accounts whose data changed in any process (PostgreSQL); `None` on SQLite.
    pub fn change_feed(&self) -> Option<ChangeFeed> {
        self.store.change_feed()
    }

    /// One account by id.
    pub async fn account(&self, id: AccountId) -> Result<Account> {
        Ok(self.store.account(id).await?)
    }
}

/// A database URL with its password hidden, for printing.
pub fn redact_database_url(url: &str) -> String {
    tickler_store::dialect::redact(url)
}

/// Whether a database URL names a SQLite file (else a PostgreSQL server).
pub fn is_sqlite_url(url: &str) -> bool {
    Backend::of_url(url) == Backend::Sqlite
}

//! A store on a fresh database per test, on SQLite (a temp file) or
//! PostgreSQL (a database created on `TICKLER_TEST_POSTGRES` and dropped
//! afterwards): `both!(name, async |db: &TestDb| { ... })` runs one case on
//! both, as `name::sqlite` and `name::postgres`.

#![allow(dead_code)]

use jiff::Timestamp;
use tickler_core::account::Account;
use tickler_core::contact::ZoneName;
use tickler_store::Store;
pub use tickler_test_support::Backend;
use tickler_test_support::{AsyncHarness, FreshDatabase};

/// A store on a database of its own, removed when dropped.
pub struct TestDb {
    pub store: Store,
    database: FreshDatabase,
}

impl TestDb {
    /// A fresh, empty database on `backend`, opened (and so migrated) by the store.
    pub async fn open(backend: Backend) -> TestDb {
        let database = FreshDatabase::new(backend);
        let store = Store::open(database.url())
            .await
            .unwrap_or_else(|error| panic!("open the {backend:?} store at {}: {error}", database.url()));
        TestDb { store, database }
    }

    /// The backend it is on.
    pub fn backend(&self) -> Backend {
        self.database.backend()
    }

    /// Where it is: the SQLite file's path, or the PostgreSQL database's URL.
    pub fn url(&self) -> &str {
        self.database.url()
    }

    /// A second store on the same database, as a second process would have.
    pub async fn reopen(&self) -> Store {
        Store::open(self.database.url()).await.expect("reopen")
    }

    /// The default account, created in New York.
    pub async fn account(&self) -> Account {
        self.store.default_account(&ZoneName::parse("America/New_York").unwrap(), now()).await.unwrap()
    }
}

impl AsyncHarness for TestDb {
    async fn new(backend: Backend) -> TestDb {
        TestDb::open(backend).await
    }
}

/// The tests' fixed "now": Tuesday 24 November 2026, 10:00 in New York.
pub fn now() -> Timestamp {
    "2026-11-24T15:00:00Z".parse().unwrap()
}

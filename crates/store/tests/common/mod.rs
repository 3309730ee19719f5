//! A fresh database per test, on SQLite (a temp file) or PostgreSQL (a
//! database created on `TICKLER_TEST_POSTGRES` and dropped afterwards).

#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use jiff::Timestamp;
use tickler_core::account::Account;
use tickler_core::contact::ZoneName;
use tickler_store::Store;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The PostgreSQL server the tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("TICKLER_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// A store on a database of its own, removed when dropped.
pub struct TestDb {
    pub store: Store,
    cleanup: Cleanup,
}

enum Cleanup {
    File(String),
    Database { admin_url: String, name: String },
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let path = std::env::temp_dir().join(format!("tickler-store-{}-{}.db", std::process::id(), unique()));
        let path = path.to_string_lossy().into_owned();
        let store = Store::open(&path).await.expect("open SQLite store");
        TestDb { store, cleanup: Cleanup::File(path) }
    }

    pub async fn postgres() -> TestDb {
        let admin_url = postgres_admin_url();
        let name = format!("tickler_store_{}_{}", std::process::id(), unique());
        sqlx::any::install_default_drivers();
        let admin = sqlx::AnyPool::connect(&admin_url)
            .await
            .unwrap_or_else(|error| panic!("PostgreSQL must run at {admin_url} for the store tests: {error}"));
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&admin)
            .await
            .expect("create database");
        admin.close().await;
        let url = format!("{}/{name}", admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(base, _)| base));
        let store = Store::open(&url).await.expect("open PostgreSQL store");
        TestDb { store, cleanup: Cleanup::Database { admin_url, name } }
    }

    /// A second store on the same database, as a second process would have.
    pub async fn reopen(&self) -> Store {
        match &self.cleanup {
            Cleanup::File(path) => Store::open(path).await.expect("reopen"),
            Cleanup::Database { admin_url, name } => {
                let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(base, _)| base);
                Store::open(&format!("{base}/{name}")).await.expect("reopen")
            }
        }
    }

    /// The default account, created in New York.
    pub async fn account(&self) -> Account {
        self.store.default_account(&ZoneName::parse("America/New_York").unwrap(), now()).await.unwrap()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{path}{suffix}"));
                }
            }
            Cleanup::Database { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime; a thread with its own runtime may block.
                let dropped = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                    runtime.block_on(async move {
                        let admin = sqlx::AnyPool::connect(&admin_url).await?;
                        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                            .execute(&admin)
                            .await?;
                        admin.close().await;
                        Ok::<_, sqlx::Error>(())
                    })
                })
                .join();
                if !matches!(dropped, Ok(Ok(()))) {
                    eprintln!("warning: could not drop test database {}", name_of(&self.cleanup));
                }
            }
        }
    }
}

fn name_of(cleanup: &Cleanup) -> &str {
    match cleanup {
        Cleanup::File(path) => path,
        Cleanup::Database { name, .. } => name,
    }
}

fn unique() -> u32 {
    COUNTER.fetch_add(1, Ordering::Relaxed)
}

/// The tests' fixed "now": Tuesday 24 November 2026, 10:00 in New York.
pub fn now() -> Timestamp {
    "2026-11-24T15:00:00Z".parse().unwrap()
}

/// Run the same case on SQLite and on PostgreSQL: `conformance!(name, |db| async { ... })`
/// expands to `sqlite::name` and `postgres::name` tests.
#[macro_export]
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::common::TestDb::sqlite().await;
                    super::$name(&db).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::common::TestDb::postgres().await;
                    super::$name(&db).await;
                }
            )*
        }
    };
}

//! What every Tickler test suite needs, written once: the PostgreSQL server
//! the tests use, a fresh database per test on SQLite or PostgreSQL, the
//! [`both!`] macro that runs one case on both, and the real mail servers the
//! tests start ([`smtp_sink`], [`dovecot`] with [`lmtp`] delivery and
//! [`maildir`] filling, [`tls_front`]) and one that hangs ([`hanging_imap`]),
//! and a PostgreSQL server of a test's own to restart ([`postgres_cluster`]).
//!
//! Each suite keeps its own harness (the CLI's binary runner, the server's
//! `Server`, the store's `TestDb`) and builds it on a [`FreshDatabase`]; it
//! implements [`Harness`] (made without a runtime) or [`AsyncHarness`] (made
//! inside one) so that [`both!`] can make one per backend.
//!
//! This crate depends on none of Tickler's crates: the suites it serves are
//! the ones that test them.

pub mod cutting_relay;
mod database;
pub mod dovecot;
pub mod hanging_imap;
pub mod lmtp;
pub mod maildir;
pub mod postgres_cluster;
pub mod smtp_sink;
pub mod tls_front;

use std::future::Future;

pub use database::{FreshDatabase, postgres_url};

/// The PostgreSQL server the tests use when `TICKLER_TEST_POSTGRES` is not set.
pub const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Which store a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// What a synchronous case of [`both!`] receives: made fresh for one test on one backend.
pub trait Harness: Sized {
    fn new(backend: Backend) -> Self;
}

/// What an `async` case of [`both!`] receives: made fresh for one test on one backend, inside the test's runtime.
pub trait AsyncHarness: Sized {
    fn new(backend: Backend) -> impl Future<Output = Self>;
}

/// Run a test's future on a multi-threaded runtime of two workers (what
/// `#[tokio::test(flavor = "multi_thread", worker_threads = 2)]` does), so the
/// suites need not name tokio in their macros.
pub fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("build the test's tokio runtime")
        .block_on(future)
}

/// Run one test case on SQLite and on PostgreSQL, as the tests `name::sqlite`
/// and `name::postgres`. The case receives a reference to a harness made
/// fresh for each backend through [`Harness::new`], or, for an `async` case,
/// [`AsyncHarness::new`]:
///
/// ```ignore
/// both!(contacts_are_listed, |t: &Tickler| {
///     t.ok(&["add", "Ann"]);
/// });
///
/// both!(a_contact_round_trips, async |db: &TestDb| {
///     db.store.create_contact(/* … */).await.unwrap();
/// });
/// ```
///
/// The case's body sees the invoking module's names (`use super::*`).
#[macro_export]
macro_rules! both {
    ($name:ident, |$harness:ident : & $kind:ty| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn case($harness: &$kind) $body

            #[test]
            fn sqlite() {
                case(&<$kind as $crate::Harness>::new($crate::Backend::Sqlite));
            }

            #[test]
            fn postgres() {
                case(&<$kind as $crate::Harness>::new($crate::Backend::Postgres));
            }
        }
    };
    ($name:ident, async |$harness:ident : & $kind:ty| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn case($harness: &$kind) $body

            #[test]
            fn sqlite() {
                $crate::block_on(async {
                    case(&<$kind as $crate::AsyncHarness>::new($crate::Backend::Sqlite).await).await
                });
            }

            #[test]
            fn postgres() {
                $crate::block_on(async {
                    case(&<$kind as $crate::AsyncHarness>::new($crate::Backend::Postgres).await).await
                });
            }
        }
    };
}

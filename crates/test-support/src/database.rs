//! A database that exists for one test: a SQLite file in the temp directory,
//! or a PostgreSQL database created on the tests' server (`TICKLER_TEST_POSTGRES`)
//! and dropped when the test ends.
//!
//! A test fails (it never skips) when the PostgreSQL server cannot be reached.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::{Connection, PgConnection};

use crate::{Backend, DEFAULT_POSTGRES};

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// The PostgreSQL server the tests create their databases on: `TICKLER_TEST_POSTGRES`, else [`DEFAULT_POSTGRES`].
pub fn postgres_url() -> String {
    std::env::var("TICKLER_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_POSTGRES.to_string())
}

/// An empty database of its own for one test, removed when dropped. The
/// store creates its tables on first use.
#[derive(Debug)]
pub struct FreshDatabase {
    backend: Backend,
    url: String,
    place: Place,
}

#[derive(Debug)]
enum Place {
    File(PathBuf),
    Database { admin_url: String, name: String },
}

impl FreshDatabase {
    /// Make one on `backend`. It blocks (PostgreSQL is reached from a thread
    /// of its own), so it may be called with or without a tokio runtime.
    pub fn new(backend: Backend) -> FreshDatabase {
        let name = format!("tickler_test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                let url = path.to_string_lossy().into_owned();
                FreshDatabase { backend, url, place: Place::File(path) }
            }
            Backend::Postgres => {
                let admin_url = postgres_url();
                // A database left by a crashed run of a process with the same id goes first.
                let made = admin(&admin_url, vec![drop_statement(&name), format!("CREATE DATABASE {name}")]);
                if let Err(problem) = made {
                    panic!(
                        "PostgreSQL tests need a server at {admin_url} (set TICKLER_TEST_POSTGRES to use another): \
                         cannot create database {name}: {problem}"
                    );
                }
                let url = with_database_name(&admin_url, &name);
                FreshDatabase { backend, url, place: Place::Database { admin_url, name } }
            }
        }
    }

    /// The backend it is on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Where it is, as `Store::open` and `tickler --database` take it: the
    /// SQLite file's path, or the PostgreSQL database's URL.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        match &self.place {
            Place::File(path) => {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
            }
            Place::Database { admin_url, name } => {
                // Never panic in drop (it would abort a failing test); a leftover
                // database is named after the process and dropped by the next one of that id.
                if let Err(problem) = admin(admin_url, vec![drop_statement(name)]) {
                    eprintln!("warning: could not drop test database {name}: {problem}");
                }
            }
        }
    }
}

fn drop_statement(name: &str) -> String {
    format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")
}

/// Run statements on the admin database from a thread with its own runtime
/// (the caller may be inside a runtime, where blocking on another is refused).
fn admin(admin_url: &str, statements: Vec<String>) -> Result<(), String> {
    let admin_url = admin_url.to_string();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| format!("cannot start a runtime: {error}"))?;
        runtime.block_on(async move {
            let connect = PgConnection::connect(&admin_url);
            let mut connection = tokio::time::timeout(std::time::Duration::from_secs(10), connect)
                .await
                .map_err(|_| "no answer within 10 seconds".to_string())?
                .map_err(|error| error.to_string())?;
            for statement in statements {
                sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
                    .execute(&mut connection)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            connection.close().await.map_err(|error| error.to_string())
        })
    })
    .join()
    .map_err(|_| "the database thread panicked".to_string())?
}

/// `postgres://user@host:port/postgres?x=y` with the database name replaced.
fn with_database_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let authority_start = base.find("://").map_or(0, |at| at + 3);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    format!("{base}/{name}{query}")
}

#[cfg(test)]
mod tests {
    use super::with_database_name;

    #[test]
    fn the_database_name_is_replaced_and_the_options_kept() {
        assert_eq!(with_database_name("postgres://u@h:5432/postgres", "t1"), "postgres://u@h:5432/t1");
        assert_eq!(with_database_name("postgres://u@h:5432", "t1"), "postgres://u@h:5432/t1");
        assert_eq!(with_database_name("postgres://u@h/db?sslmode=disable", "t1"), "postgres://u@h/t1?sslmode=disable");
    }
}

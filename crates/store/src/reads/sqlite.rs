//! The SQLite side of the fast reads: read-only connections of the database
//! file, used on the calling thread.

use std::cell::Cell;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use super::Param;
use crate::error::{Error, Result};
use crate::rows::{Columns, corrupt};

/// Idle connections kept; more are opened when more reads run at once, and closed after.
const IDLE: usize = 8;
/// Prepared statements kept per connection.
const STATEMENTS: usize = 64;
/// Each reader's page cache, in KiB (SQLite's default is 2,000): the pages
/// every request reads (the indexes' upper levels, the busy accounts' rows)
/// stay parsed between requests. Memory-mapping the file was tried instead and
/// was slower: a mapped page is parsed again on every read.
const CACHE_KIB: i64 = 32_000;

/// The parameters' names, in order.
const PARAMETERS: [&str; 8] = ["$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8"];

/// Read-only connections of one SQLite file.
pub(crate) struct Readers {
    path: String,
    idle: Mutex<Vec<Connection>>,
    /// Connections open, idle or reading.
    open: AtomicU32,
}

impl Readers {
    /// Readers of the file a `sqlite:` URL names (see [`crate::dialect::sqlite_url`]).
    pub(super) fn new(url: &str) -> Result<Readers> {
        let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
        let path = rest.split_once('?').map_or(rest, |(path, _)| path);
        if path.is_empty() || path.contains(":memory:") {
            return Err(Error::Config(format!(
                "database \"{url}\": an in-memory SQLite database cannot be shared by connections; give a file path"
            )));
        }
        Ok(Readers { path: path.to_string(), idle: Mutex::new(Vec::new()), open: AtomicU32::new(0) })
    }

    fn open(&self) -> Result<Connection> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection = Connection::open_with_flags(&self.path, flags).map_err(failed)?;
        connection.busy_timeout(Duration::from_secs(10)).map_err(failed)?;
        connection.set_prepared_statement_cache_capacity(STATEMENTS);
        connection.pragma_update(None, "cache_size", -CACHE_KIB).map_err(failed)?;
        // The query planner's stability guarantee: a plan never depends on the
        // values bound. Without it, SQLite reads a bound parameter's value while
        // planning (a LIMIT, a term weighed against a partial index's condition,
        // such as `follow_ups_by_closed`'s) and compiles the statement again
        // whenever that parameter is bound anew: the agenda was compiled afresh
        // on every request.
        connection.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true).map_err(failed)?;
        self.open.fetch_add(1, Ordering::Relaxed);
        Ok(connection)
    }

    pub(super) fn rows<T>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        read: impl Fn(&dyn Columns) -> Result<T>,
    ) -> Result<Vec<T>> {
        let taken = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop();
        let connection = match taken {
            Some(connection) => connection,
            None => self.open()?,
        };
        let result = run(&connection, sql, params, read);
        let mut idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if idle.len() < IDLE {
            idle.push(connection);
        } else {
            self.open.fetch_sub(1, Ordering::Relaxed);
        }
        result
    }

    pub(super) fn usage(&self) -> crate::PoolUsage {
        let idle =
            u32::try_from(self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).len()).unwrap_or(u32::MAX);
        let open = self.open.load(Ordering::Relaxed).max(idle);
        crate::PoolUsage { in_use: open - idle, idle, max: (IDLE as u32).max(open) }
    }

    pub(super) fn close(&self) {
        let mut idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        self.open.fetch_sub(u32::try_from(idle.len()).unwrap_or(0), Ordering::Relaxed);
        idle.clear();
    }
}

fn run<T>(
    connection: &Connection,
    sql: &str,
    params: &[Param<'_>],
    read: impl Fn(&dyn Columns) -> Result<T>,
) -> Result<Vec<T>> {
    let mut statement = connection.prepare_cached(sql).map_err(failed)?;
    if params.len() > PARAMETERS.len() {
        return Err(Error::Config(format!("more than {} parameters: {sql}", PARAMETERS.len())));
    }
    for (name, param) in PARAMETERS.iter().zip(params) {
        // `$N` is a named parameter to SQLite: bound by its name, wherever it first appears.
        let index = statement
            .parameter_index(name)
            .map_err(failed)?
            .ok_or_else(|| Error::Config(format!("statement has no parameter {name}: {sql}")))?;
        match *param {
            Param::Int(value) => statement.raw_bind_parameter(index, value),
            Param::Text(value) => statement.raw_bind_parameter(index, value),
            Param::OptionalText(value) => statement.raw_bind_parameter(index, value),
        }
        .map_err(failed)?;
    }
    let names: Vec<String> = statement.column_names().into_iter().map(str::to_string).collect();
    let mut rows = statement.raw_query();
    let mut read_rows = Vec::new();
    while let Some(row) = rows.next().map_err(failed)? {
        read_rows.push(read(&SqliteRow { row, names: &names, next: Cell::new(0) })?);
    }
    Ok(read_rows)
}

/// A row with its statement's column names. Records are read mostly in the
/// order of their columns, so the lookup tries the column after the last one first.
struct SqliteRow<'a> {
    row: &'a rusqlite::Row<'a>,
    names: &'a [String],
    next: Cell<usize>,
}

impl SqliteRow<'_> {
    fn value(&self, column: &str) -> Result<ValueRef<'_>> {
        let guess = self.next.get();
        let index = match self.names.get(guess) {
            Some(name) if name == column => guess,
            _ => self
                .names
                .iter()
                .position(|name| name == column)
                .ok_or_else(|| corrupt(column, "no such column in the statement"))?,
        };
        self.next.set(index + 1);
        self.row.get_ref(index).map_err(failed)
    }
}

impl Columns for SqliteRow<'_> {
    fn optional_int(&self, column: &str) -> Result<Option<i64>> {
        match self.value(column)? {
            ValueRef::Null => Ok(None),
            ValueRef::Integer(value) => Ok(Some(value)),
            other => Err(corrupt(column, format!("an integer was expected, not {:?}", other.data_type()))),
        }
    }

    fn optional_text(&self, column: &str) -> Result<Option<String>> {
        match self.value(column)? {
            ValueRef::Null => Ok(None),
            ValueRef::Text(bytes) => {
                String::from_utf8(bytes.to_vec()).map(Some).map_err(|error| corrupt(column, error))
            }
            other => Err(corrupt(column, format!("text was expected, not {:?}", other.data_type()))),
        }
    }
}

/// A SQLite error as the store reports a database error.
fn failed(error: rusqlite::Error) -> Error {
    Error::Sqlite { operation: "reading", source: error }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database(name: &str) -> (std::path::PathBuf, Readers) {
        let path = std::env::temp_dir().join(format!("tickler-readers-{name}-{}.db", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let writer = Connection::open(&path).unwrap();
        writer
            .execute_batch(
                "PRAGMA journal_mode = WAL; CREATE TABLE t (n INTEGER, s TEXT, r REAL); \
                 INSERT INTO t VALUES (1, 'one', 1.5), (2, NULL, NULL), (NULL, 'three', NULL);",
            )
            .unwrap();
        let readers = Readers::new(&crate::dialect::sqlite_url(&path.display().to_string())).unwrap();
        (path, readers)
    }

    #[test]
    fn the_file_is_read_from_the_stores_url() {
        assert_eq!(Readers::new("sqlite:///tmp/t.db?mode=rwc").unwrap().path, "/tmp/t.db");
        assert_eq!(Readers::new("sqlite://data/t.db").unwrap().path, "data/t.db");
        let error = Readers::new("sqlite::memory:").err().expect("an in-memory database is refused").to_string();
        assert!(error.contains("in-memory"), "{error}");
    }

    #[test]
    fn parameters_bind_by_name_and_columns_read_by_name() {
        let (path, readers) = database("columns");
        // `$2` comes first in the text: it is still the second parameter.
        let rows = readers
            .rows(
                "SELECT n, s FROM t WHERE n <= $2 AND (s IS NULL OR s <> $1) ORDER BY n",
                &[Param::Text("nothing"), Param::Int(2)],
                |row| Ok((row.optional_int("n")?, row.optional_text("s")?)),
            )
            .unwrap();
        assert_eq!(rows, vec![(Some(1), Some("one".to_string())), (Some(2), None)]);
        // Columns read out of order, and a NULL where a value is required.
        let missing = readers
            .rows("SELECT n, s FROM t WHERE n IS NULL", &[], |row| Ok((row.text("s")?, row.int("n")?)))
            .unwrap_err()
            .to_string();
        assert!(missing.contains("n: missing"), "{missing}");
        let error = readers.rows("SELECT r FROM t WHERE n = 1", &[], |row| row.int("r")).unwrap_err().to_string();
        assert!(error.contains("r: an integer was expected"), "{error}");
        let error = readers.rows("SELECT n FROM t", &[], |row| row.int("nope")).unwrap_err().to_string();
        assert!(error.contains("nope: no such column"), "{error}");
        let error = readers.rows("SELECT n FROM t", &[Param::Int(1)], |row| row.int("n")).unwrap_err().to_string();
        assert!(error.contains("no parameter $1"), "{error}");
        drop(readers);
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn a_statement_is_compiled_once_whatever_its_parameters() {
        let (path, readers) = database("stable-plans");
        {
            let writer = Connection::open(&path).unwrap();
            // A partial index makes SQLite weigh each term against its condition, reading bound values.
            writer.execute_batch("CREATE INDEX t_named ON t (n) WHERE s IS NOT NULL; ANALYZE;").unwrap();
        }
        let sql = "SELECT n FROM t WHERE n >= $1 ORDER BY n LIMIT $2";
        for (low, limit) in [(0, 1), (1, 2), (2, 3), (0, 2)] {
            readers.rows(sql, &[Param::Int(low), Param::Int(limit)], |row| row.int("n")).unwrap();
        }
        let connection = readers.idle.lock().unwrap().pop().expect("the connection went back to the pool");
        let statement = connection.prepare_cached(sql).unwrap();
        assert_eq!(
            statement.get_status(rusqlite::StatementStatus::RePrepare),
            0,
            "new values must not compile the statement again"
        );
        drop(statement);
        drop(connection);
        drop(readers);
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn readers_cannot_write() {
        let (path, readers) = database("read-only");
        let error = readers.rows("DELETE FROM t RETURNING n", &[], |row| row.int("n")).unwrap_err().to_string();
        assert!(error.contains("readonly") || error.contains("read-only") || error.contains("read only"), "{error}");
        let rows = readers.rows("SELECT COUNT(*) AS k FROM t", &[], |row| row.int("k")).unwrap();
        assert_eq!(rows, vec![3], "nothing was deleted");
        let usage = readers.usage();
        assert_eq!((usage.in_use, usage.idle), (0, 1), "one connection, back in the pool: {usage:?}");
        drop(readers);
        let _ = std::fs::remove_file(&path);
    }
}

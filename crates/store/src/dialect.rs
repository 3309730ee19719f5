//! The little that differs between SQLite and PostgreSQL outside the
//! migrations: how a URL names the backend, and a few SQL fragments.
//!
//! Statements with many bound values (multi-row inserts, long id lists) use
//! anonymous `?` placeholders on SQLite: SQLite finds a *named* one (`$N`) by
//! a linear search, so binding a statement of thousands of them is quadratic.

use serde::Serialize;

/// The database behind a [`crate::Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// `postgres://` and `postgresql://` URLs are PostgreSQL; anything else is a SQLite file.
    pub fn of_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    /// Pick the statement written for this backend.
    pub(crate) fn pick(self, sqlite: &'static str, postgres: &'static str) -> &'static str {
        match self {
            Backend::Sqlite => sqlite,
            Backend::Postgres => postgres,
        }
    }
}

/// The placeholder of the `number`th bound value (`?` on SQLite, so bind in order).
pub(crate) fn placeholder(backend: Backend, number: usize) -> String {
    match backend {
        Backend::Sqlite => "?".to_string(),
        Backend::Postgres => format!("${number}"),
    }
}

/// `count` placeholders from the `first`th, comma-separated.
pub(crate) fn placeholders(backend: Backend, first: usize, count: usize) -> String {
    (first..first + count).map(|number| placeholder(backend, number)).collect::<Vec<_>>().join(",")
}

/// `INSERT INTO table (columns) VALUES (…), (…)` for `rows` rows of `width` values.
pub(crate) fn multi_row_insert(backend: Backend, table: &str, columns: &str, width: usize, rows: usize) -> String {
    let mut statement = format!("INSERT INTO {table} ({columns}) VALUES ");
    for row in 0..rows {
        if row > 0 {
            statement.push(',');
        }
        statement.push('(');
        statement.push_str(&placeholders(backend, row * width + 1, width));
        statement.push(')');
    }
    statement
}

/// `column` is one of the strings of a JSON array bound as the `number`th
/// value: a list of any length in a statement that is prepared once (`IN ($2,
/// $3, …)` is a new statement for each length). On PostgreSQL as `= ANY` of
/// an array, which an index on `column` answers whatever the list's length.
pub(crate) fn json_in_texts(backend: Backend, column: &str, number: usize) -> String {
    match backend {
        Backend::Sqlite => format!("{column} IN (SELECT value FROM json_each(${number}))"),
        Backend::Postgres => format!("{column} = ANY(ARRAY(SELECT json_array_elements_text(${number}::json)))"),
    }
}

/// `SELECT columns FROM table WHERE filter AND column` is one of the strings
/// of a JSON array bound as the `number`th value: each key looked up on its
/// own, whatever the statistics say. On SQLite as [`json_in_texts`]; on
/// PostgreSQL each key through a `LATERAL` subquery, kept out of the join
/// planning by `OFFSET 0`, so its lookup is an index probe on `column`.
/// A table that grows during a sync (`email_touches`) has no statistics
/// yet: planned as `= ANY`, the lookup read every row the `filter` matched
/// (the account's) and compared each with the whole list, so each batch cost
/// more than the last. The output columns are named as `columns` name them.
pub(crate) fn rows_by_keys(
    backend: Backend,
    columns: &str,
    table: &str,
    filter: &str,
    column: &str,
    number: usize,
) -> String {
    match backend {
        Backend::Sqlite => {
            format!("SELECT {columns} FROM {table} WHERE {filter} AND {}", json_in_texts(backend, column, number))
        }
        Backend::Postgres => format!(
            "SELECT found.* FROM json_array_elements_text(${number}::json) AS k(key) CROSS JOIN LATERAL \
             (SELECT {columns} FROM {table} WHERE {filter} AND {column} = k.key OFFSET 0) AS found"
        ),
    }
}

/// `column` is one of the integers of a JSON array bound as the `number`th value ([`json_in_texts`]).
pub(crate) fn json_in_ints(backend: Backend, column: &str, number: usize) -> String {
    match backend {
        Backend::Sqlite => format!("{column} IN (SELECT value FROM json_each(${number}))"),
        Backend::Postgres => format!(
            "{column} = ANY(ARRAY(SELECT CAST(value AS BIGINT) FROM json_array_elements_text(${number}::json) AS e(value)))"
        ),
    }
}

/// Values as a JSON array, to bind for [`json_in_texts`], [`json_in_ints`] or (each value an array) [`json_rows`].
pub(crate) fn json_param(values: &impl Serialize) -> crate::error::Result<String> {
    serde_json::to_string(values).map_err(|error| crate::error::Error::Corrupt(format!("values as JSON: {error}")))
}

/// The elements of a JSON array of arrays bound as the `number`th value, as
/// rows for a `FROM`: each is `e.value`, its fields read with [`json_int`]
/// and [`json_text`]. Rows of any number in one statement, prepared once.
pub(crate) fn json_rows(backend: Backend, number: usize) -> String {
    match backend {
        Backend::Sqlite => format!("json_each(${number}) AS e"),
        // jsonb: each element parsed once, not again for every field read.
        Backend::Postgres => format!("jsonb_array_elements(${number}::jsonb) AS e(value)"),
    }
}

/// The `index`th field of a [`json_rows`] row, an integer (`NULL` when null).
pub(crate) fn json_int(index: usize) -> String {
    format!("CAST(e.value ->> {index} AS BIGINT)")
}

/// The `index`th field of a [`json_rows`] row, text (`NULL` when null).
pub(crate) fn json_text(index: usize) -> String {
    format!("(e.value ->> {index})")
}

/// Integer ids as a literal SQL list (`1, 2, 3`; `NULL` when empty, matching nothing).
pub(crate) fn id_list(ids: impl Iterator<Item = i64>) -> String {
    let list = ids.map(|id| id.to_string()).collect::<Vec<_>>().join(", ");
    if list.is_empty() { "NULL".to_string() } else { list }
}

/// A statement with ids written into it (`IN (1, 2, 3)`), run once: it is not
/// kept in the connection's statement cache, where it would push out the
/// statements every call reuses.
pub(crate) fn one_off(statement: String) -> sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments> {
    sqlx::query(sqlx::AssertSqlSafe(statement)).persistent(false)
}

/// A `sqlite:` URL for a path or URL, creating the file when missing.
pub fn sqlite_url(path_or_url: &str) -> String {
    let url =
        if path_or_url.starts_with("sqlite:") { path_or_url.to_string() } else { format!("sqlite://{path_or_url}") };
    if url.contains("mode=") || url.contains(":memory:") {
        url
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// The URL with any password replaced, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_backend() {
        assert_eq!(Backend::of_url("postgres://localhost/x"), Backend::Postgres);
        assert_eq!(Backend::of_url("/tmp/t.db"), Backend::Sqlite);
        assert_eq!(sqlite_url("/tmp/t.db"), "sqlite:///tmp/t.db?mode=rwc");
        assert_eq!(sqlite_url("sqlite://t.db?mode=ro"), "sqlite://t.db?mode=ro");
    }

    #[test]
    fn statements_number_their_placeholders_on_postgres_only() {
        assert_eq!(
            multi_row_insert(Backend::Postgres, "t", "a, b", 2, 2),
            "INSERT INTO t (a, b) VALUES ($1,$2),($3,$4)"
        );
        assert_eq!(multi_row_insert(Backend::Sqlite, "t", "a, b", 2, 2), "INSERT INTO t (a, b) VALUES (?,?),(?,?)");
        assert_eq!(placeholders(Backend::Postgres, 3, 2), "$3,$4");
        assert_eq!(id_list([3, 1].into_iter()), "3, 1");
        assert_eq!(id_list(std::iter::empty()), "NULL");
    }

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(redact("postgres://bob:secret@db/x"), "postgres://bob:***@db/x");
        assert_eq!(redact("postgres://db/x"), "postgres://db/x");
    }
}

//! The little that differs between SQLite and PostgreSQL outside the
//! migrations: how a URL names the backend, and a few SQL fragments.

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
    fn passwords_are_hidden() {
        assert_eq!(redact("postgres://bob:secret@db/x"), "postgres://bob:***@db/x");
        assert_eq!(redact("postgres://db/x"), "postgres://db/x");
    }
}

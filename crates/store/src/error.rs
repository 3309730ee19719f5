//! The store's one error type.

use std::future::Future;

/// What a store operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input or a refused action, decided by the domain.
    #[error(transparent)]
    Domain(#[from] tickler_core::Error),
    /// Nothing of that kind matches in this account.
    #[error("no {record} matches \"{reference}\"")]
    NotFound { record: Record, reference: String },
    /// A name fits more than one contact.
    #[error("\"{reference}\" matches {} contacts: {}; use the id or a longer part of the name", candidates.len(), candidates.join(", "))]
    Ambiguous { reference: String, candidates: Vec<String> },
    /// A unique value is already taken in this account.
    #[error("{field}: {value} already belongs to {owner}")]
    Duplicate { field: &'static str, value: String, owner: String },
    /// A follow-up would fall inside the contact's pacing gap; the caller may force it.
    #[error("{}", .0.message())]
    Pacing(tickler_core::pacing::PacingWarning),
    /// The database could not be opened or the URL is wrong.
    #[error("{0}")]
    Config(String),
    /// A stored value no longer reads as its domain type.
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    /// The database failed while the store did `operation` (as a phrase: "scheduling a follow-up").
    #[error("database error while {operation}: {source}")]
    Database { operation: &'static str, source: sqlx::Error },
    /// A fast read on SQLite's own driver failed (see `reads`).
    #[error("database error while {operation}: {source}")]
    Sqlite { operation: &'static str, source: rusqlite::Error },
    /// The database was migrated by a newer binary: the message names the migrations this one does not know.
    #[error("{0}")]
    SchemaNewer(String),
    /// The schema could not be brought up to date.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// The kinds of record a reference can fail to find.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Record {
    Account,
    ApiToken,
    /// A calendar feed, found by its secret.
    CalendarFeed,
    Contact,
    Enrollment,
    FollowUp,
    /// A newsletter list.
    List,
    /// A newsletter campaign.
    Campaign,
    /// An item of the library.
    LibraryItem,
    Plan,
    /// One step of a plan, by its number.
    PlanStep,
    Promise,
    User,
}

impl Record {
    /// The record's name in messages ("no follow-up matches …").
    pub fn as_str(self) -> &'static str {
        match self {
            Record::Account => "account",
            Record::ApiToken => "token",
            Record::CalendarFeed => "calendar feed",
            Record::Contact => "contact",
            Record::Enrollment => "enrollment",
            Record::FollowUp => "follow-up",
            Record::List => "list",
            Record::Campaign => "campaign",
            Record::LibraryItem => "library item",
            Record::Plan => "plan",
            Record::PlanStep => "step",
            Record::Promise => "promise",
            Record::User => "user",
        }
    }
}

impl std::fmt::Display for Record {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// Result with the store error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What a database error says before a public method names its operation.
const UNNAMED_OPERATION: &str = "using the database";

impl From<sqlx::Error> for Error {
    fn from(source: sqlx::Error) -> Self {
        Error::Database { operation: UNNAMED_OPERATION, source }
    }
}

impl Error {
    /// A not-found error for a `record` named by `reference`.
    pub(crate) fn not_found(record: Record, reference: impl ToString) -> Self {
        Error::NotFound { record, reference: reference.to_string() }
    }

    /// The connection to the database broke or could not be made (a restart,
    /// a network fault): the same work may succeed once it is back.
    pub fn is_connection(&self) -> bool {
        let Error::Database { source, .. } = self else { return false };
        match source {
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) => true,
            sqlx::Error::Database(error) => error.code().is_some_and(|code| {
                // Class 08: connection exception; 57P01-57P03: the server is shutting down or starting.
                code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03")
            }),
            _ => false,
        }
    }
}

/// Naming the operation a database error happened in.
pub(crate) trait During<T> {
    /// The same result, a database error now saying it happened while `operation`.
    fn during(self, operation: &'static str) -> Result<T>;
}

impl<T> During<T> for Result<T> {
    fn during(self, operation: &'static str) -> Result<T> {
        self.map_err(|error| match error {
            Error::Database { source, .. } => Error::Database { operation, source },
            Error::Sqlite { source, .. } => Error::Sqlite { operation, source },
            other => other,
        })
    }
}

impl<T> During<T> for Result<T, sqlx::Error> {
    fn during(self, operation: &'static str) -> Result<T> {
        self.map_err(|source| Error::Database { operation, source })
    }
}

/// Run a public method's `work`, naming `operation` in any database error it
/// ends with: the one boundary where a store method says what it was doing.
pub(crate) async fn during<T>(operation: &'static str, work: impl Future<Output = Result<T>>) -> Result<T> {
    work.await.during(operation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_keep_their_words() {
        let error = Error::not_found(Record::FollowUp, 7);
        assert_eq!(error.to_string(), "no follow-up matches \"7\"");
        assert_eq!(Record::ApiToken.to_string(), "token");
    }

    #[test]
    fn database_errors_name_the_operation() {
        let failed: Result<()> = Err(sqlx::Error::RowNotFound.into());
        let error = failed.during("scheduling a follow-up").unwrap_err().to_string();
        assert!(error.starts_with("database error while scheduling a follow-up: "), "{error}");
    }
}

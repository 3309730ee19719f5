//! The store's one error type.

/// What a store operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input or a refused action, decided by the domain.
    #[error(transparent)]
    Domain(#[from] tickler_core::Error),
    /// Nothing of that kind matches in this account.
    #[error("no {what} matches \"{reference}\"")]
    NotFound { what: &'static str, reference: String },
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
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The schema could not be brought up to date.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Result with the store error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A not-found error for `what` named by `reference`.
    pub(crate) fn not_found(what: &'static str, reference: impl ToString) -> Self {
        Error::NotFound { what, reference: reference.to_string() }
    }
}

//! The one error of every action: a kind each front door maps to its own
//! form (an exit code, an HTTP status, a message beside a form field), a
//! message for a person, and the input field at fault when there is one.

use tickler_core::pacing::PacingWarning;
use tickler_store::{Error as StoreError, Record};

/// What kind of failure, for the front doors to map.
///
/// | kind | CLI exit | HTTP |
/// |---|---|---|
/// | `Invalid` | 2 | 422 |
/// | `NotFound` | 2 | 404 |
/// | `Ambiguous` | 2 | 409 |
/// | `Duplicate`, `Pacing`, `Refused` | 1 | 409 |
/// | `Forbidden` | 1 | 403 |
/// | `Unauthorized` | 1 | 401 |
/// | `Unavailable` | 1 | 503 |
/// | `Internal` | 1 | 500 |
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A value typed into `field` is wrong (usage).
    Invalid,
    /// No record of this kind matches in the caller's account.
    NotFound(Record),
    /// A name fits more than one record (usage: a longer name or the id picks one).
    Ambiguous,
    /// A unique value is already taken (conflict).
    Duplicate,
    /// The follow-up falls inside the contact's pacing gap; the caller may force it (conflict).
    Pacing(PacingWarning),
    /// A rule forbids the action: consent, a finished record (refused).
    Refused,
    /// The caller may not do this (not an admin).
    Forbidden,
    /// The credentials are wrong or unknown.
    Unauthorized,
    /// The database or another service could not be reached; trying later may work.
    Unavailable,
    /// A bug or unreadable stored data.
    Internal,
}

/// A failed action.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub kind: Kind,
    /// For a person; an `Invalid` one starts with "field: ".
    pub message: String,
    /// The input field at fault, as the input type names it.
    pub field: Option<&'static str>,
}

/// Result of an action.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Error {
        Error { kind, message: message.into(), field: None }
    }

    /// Bad input in `field`; `message` is worded without the field, which is prefixed here.
    pub fn invalid(field: &'static str, message: impl AsRef<str>) -> Error {
        Error { kind: Kind::Invalid, message: format!("{field}: {}", message.as_ref()), field: Some(field) }
    }

    pub fn refused(message: impl Into<String>) -> Error {
        Error::new(Kind::Refused, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Error {
        Error::new(Kind::Forbidden, message)
    }

    pub fn not_found(record: Record, message: impl Into<String>) -> Error {
        Error::new(Kind::NotFound(record), message)
    }

    pub fn internal(detail: impl std::fmt::Display) -> Error {
        Error::new(Kind::Internal, detail.to_string())
    }

    /// The message without a leading "field: " (a page shows the field itself).
    pub fn message_for_field(&self) -> &str {
        match self.field {
            Some(field) => {
                self.message.strip_prefix(field).and_then(|rest| rest.strip_prefix(": ")).unwrap_or(&self.message)
            }
            None => &self.message,
        }
    }

    /// The same error, naming the field as the input calls it (the domain says `tz`; the API says `zone`).
    pub fn renamed(self, from: &str, to: &'static str) -> Error {
        match self.field {
            Some(field) if field == from => Error {
                message: format!("{to}{}", self.message.strip_prefix(field).unwrap_or(&self.message)),
                field: Some(to),
                kind: self.kind,
            },
            _ => self,
        }
    }
}

impl From<tickler_core::Error> for Error {
    fn from(error: tickler_core::Error) -> Self {
        match &error {
            tickler_core::Error::Invalid { field, .. } => {
                Error { kind: Kind::Invalid, message: error.to_string(), field: Some(field) }
            }
            tickler_core::Error::Refused(message) => Error::refused(message.clone()),
        }
    }
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Domain(error) => error.into(),
            StoreError::NotFound { record, .. } => Error::not_found(record, error.to_string()),
            StoreError::Ambiguous { .. } => Error::new(Kind::Ambiguous, error.to_string()),
            StoreError::Duplicate { field, .. } => {
                Error { kind: Kind::Duplicate, message: error.to_string(), field: Some(field) }
            }
            StoreError::Pacing(warning) => Error::new(Kind::Pacing(warning.clone()), warning.message()),
            StoreError::SchemaNewer(_) => Error::refused(error.to_string()),
            StoreError::Database { .. } | StoreError::Sqlite { .. } | StoreError::Config(_) => {
                Error::new(Kind::Unavailable, error.to_string())
            }
            StoreError::Corrupt(_) | StoreError::Migrate(_) => Error::internal(error),
        }
    }
}

impl From<tickler_transfer::Error> for Error {
    fn from(error: tickler_transfer::Error) -> Self {
        match error {
            tickler_transfer::Error::Io(error) => Error::new(Kind::Unavailable, error.to_string()),
            other => Error::new(Kind::Invalid, other.to_string()),
        }
    }
}

impl From<crate::worker::SchedulerError> for Error {
    fn from(error: crate::worker::SchedulerError) -> Self {
        let crate::worker::SchedulerError(error) = error;
        error.into()
    }
}

impl From<crate::worker::ReplyError> for Error {
    fn from(error: crate::worker::ReplyError) -> Self {
        match error {
            crate::worker::ReplyError::Mail(error) => crate::mail::mail_error(error),
            crate::worker::ReplyError::Store(error) => error.into(),
            crate::worker::ReplyError::App(error) => error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_errors_name_their_field() {
        let error: Error = tickler_core::Error::invalid("email", "\"x\" is not an email address").into();
        assert_eq!(error.kind, Kind::Invalid);
        assert_eq!(error.field, Some("email"));
        assert_eq!(error.message, "email: \"x\" is not an email address");
        assert_eq!(error.message_for_field(), "\"x\" is not an email address");
    }

    #[test]
    fn renaming_moves_the_field_and_its_prefix() {
        let error = Error::invalid("tz", "\"Mars/Base\" is not a time zone").renamed("tz", "zone");
        assert_eq!(error.field, Some("zone"));
        assert_eq!(error.message, "zone: \"Mars/Base\" is not a time zone");
        let untouched = Error::invalid("email", "bad").renamed("tz", "zone");
        assert_eq!(untouched.message, "email: bad");
    }

    #[test]
    fn missing_records_say_which_kind() {
        let error: Error = StoreError::NotFound { record: Record::Contact, reference: "7".into() }.into();
        assert_eq!(error.kind, Kind::NotFound(Record::Contact));
        assert_eq!(error.message, "no contact matches \"7\"");
    }
}

//! The one error type of the domain: bad input (naming the field) or an
//! action a rule refuses (consent, pacing).

/// What went wrong, worded for the person who typed the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A value that cannot become a domain type; `field` names the input.
    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },
    /// The input is fine but a rule forbids the action.
    #[error("{0}")]
    Refused(String),
}

impl Error {
    /// Shorthand for an [`Error::Invalid`].
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Error::Invalid { field, message: message.into() }
    }
}

/// Result with the domain error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

//! The one place errors become messages and exit codes: 2 for a usage
//! error (bad input, unknown contact), 1 for a refused or failed action.

use tickler_store::{Error as StoreError, Record};

/// Why a command failed, already worded for the person at the terminal.
#[derive(Debug)]
pub enum Failure {
    /// The command line was wrong; exit code 2.
    Usage(String),
    /// The action was refused or could not be done; exit code 1.
    Refused(String),
    /// Standard output was closed by its reader (`| head`): stop quietly,
    /// with the exit code of a process ended by SIGPIPE.
    OutputClosed,
}

impl Failure {
    /// The process exit code.
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Refused(_) => 1,
            Failure::OutputClosed => 141,
        }
    }

    /// The one-line message.
    pub fn message(&self) -> &str {
        match self {
            Failure::Usage(message) | Failure::Refused(message) => message,
            Failure::OutputClosed => "",
        }
    }
}

impl From<tickler_core::Error> for Failure {
    fn from(error: tickler_core::Error) -> Self {
        match error {
            tickler_core::Error::Invalid { .. } => Failure::Usage(error.to_string()),
            tickler_core::Error::Refused(message) => Failure::Refused(message),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Domain(error) => error.into(),
            StoreError::NotFound { record, .. } => {
                let hint = match record {
                    Record::Contact => "; name a contact by id, email or part of the name (see: tickler contacts)",
                    Record::FollowUp => "; see the ids with: tickler today",
                    Record::Promise => "; see the ids with: tickler promises",
                    _ => "",
                };
                Failure::Usage(format!("{error}{hint}"))
            }
            StoreError::Ambiguous { .. } => Failure::Usage(error.to_string()),
            StoreError::Pacing(warning) => {
                Failure::Refused(format!("{}; add --force to schedule it anyway", warning.message()))
            }
            StoreError::Duplicate { .. } | StoreError::Config(_) => Failure::Refused(error.to_string()),
            StoreError::Corrupt(_) | StoreError::Database { .. } | StoreError::Migrate(_) => {
                Failure::Refused(error.to_string())
            }
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        match error.kind() {
            std::io::ErrorKind::BrokenPipe => Failure::OutputClosed,
            _ => Failure::Refused(error.to_string()),
        }
    }
}

impl From<serde_json::Error> for Failure {
    fn from(error: serde_json::Error) -> Self {
        Failure::Refused(format!("cannot write JSON: {error}"))
    }
}

/// Result of a command.
pub type Outcome<T = ()> = Result<T, Failure>;

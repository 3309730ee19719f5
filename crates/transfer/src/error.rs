//! The one error type of the file formats: a file that cannot be read at all.
//! A bad row is not an error but a [`tickler_core::import::RowIssue`].

/// Why a whole file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file is not in a form the reader understands; the message says how to fix it.
    #[error("{0}")]
    Format(String),
    /// A `--map` option is wrong.
    #[error("map: {0}")]
    Map(String),
    /// Reading or writing failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Result with the transfer error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<csv::Error> for Error {
    fn from(error: csv::Error) -> Self {
        match error.into_kind() {
            csv::ErrorKind::Io(io) => Error::Io(io),
            other => Error::Format(format!("the CSV cannot be read: {other:?}")),
        }
    }
}

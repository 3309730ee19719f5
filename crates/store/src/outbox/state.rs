//! Where an outbox email is: stored as its text in `outbox.state`.

use crate::error::{Error, Result};

/// Where an outbox email is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutboxState {
    /// Waiting for its (next) try.
    Queued,
    /// Claimed by a worker and being handed to the mail server.
    Sending,
    /// The mail server took it.
    Sent,
    /// Given up on: refused for good, or out of tries.
    Failed,
}

impl OutboxState {
    /// Every state.
    pub const ALL: [OutboxState; 4] =
        [OutboxState::Queued, OutboxState::Sending, OutboxState::Sent, OutboxState::Failed];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Queued => "queued",
            OutboxState::Sending => "sending",
            OutboxState::Sent => "sent",
            OutboxState::Failed => "failed",
        }
    }

    /// Read a stored name.
    pub fn parse(raw: &str) -> Result<OutboxState> {
        OutboxState::ALL
            .into_iter()
            .find(|state| state.as_str() == raw)
            .ok_or_else(|| Error::Corrupt(format!("unknown outbox state \"{raw}\"")))
    }

    /// Read the state stored in `column` of `row`.
    pub(crate) fn from_row(row: &sqlx::any::AnyRow, column: &str) -> Result<OutboxState> {
        let text: String = sqlx::Row::try_get(row, column)?;
        OutboxState::parse(&text)
    }

    /// Whether nothing more will be tried: sent or failed.
    pub fn is_settled(self) -> bool {
        matches!(self, OutboxState::Sent | OutboxState::Failed)
    }
}

impl std::fmt::Display for OutboxState {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// Compare with a stored name, as callers that read [`crate::Store::outbox`] did with its text.
impl PartialEq<str> for OutboxState {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for OutboxState {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_as_stored() {
        for state in OutboxState::ALL {
            assert_eq!(OutboxState::parse(state.as_str()).unwrap(), state);
        }
        assert!(OutboxState::parse("lost").is_err());
        assert!(OutboxState::Sent == "sent");
    }
}

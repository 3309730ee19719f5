//! Tickler's email: the SMTP relay and IMAP mailbox settings (config file and
//! `TICKLER_SMTP_*` / `TICKLER_IMAP_*` environment); building a plain-text
//! message with its stable Message-ID and thread headers and handing it to the
//! relay with lettre; and reading mailboxes (async-imap): their folders (the
//! sent one found by its special use or name), the messages past the last one
//! seen, and the wait for new mail (IDLE), each message reduced to its ids,
//! sender and recipients, subject, first words and opening lines, the
//! receiving server's authentication results, whether a person, an
//! auto-responder, a list or a bounce sent it, and the original of a forward.
//! The scheduler decides what to send and what a message means; this crate
//! only delivers and reads.

mod authentication;
mod config;
mod delivery_report;
mod forwarded;
pub mod headers;
mod imap;
mod inbound;
mod loose_date;
mod message;
mod message_kind;
mod parties;
mod relay;

use std::sync::Arc;

use lettre::transport::smtp::response::Response;

pub use authentication::{AuthResult, Authentication};
pub use config::{ImapConfig, Security, SmtpConfig, secret_key_setting};
pub use delivery_report::{BouncedRecipient, DeliveryAction, DeliveryReport};
pub use forwarded::Forwarded;
pub use imap::{Fetched, Inbox, MailboxStatus};
pub use inbound::{EXCERPT_CHARS, InboundMessage, SNIPPET_CHARS, excerpt, snippet};
pub use message::Email;
pub use message_kind::MessageKind;
pub use parties::{Party, parties};

/// Why a message was not delivered, in the server's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// The settings are wrong (bad host, port, address); `field` names the setting.
    #[error("{field}: {message}")]
    Config { field: &'static str, message: String },
    /// The server refused for good (5xx); retrying will not help.
    #[error("the mail server refused: {0}")]
    Permanent(String),
    /// A temporary failure (4xx, network, timeout); worth retrying.
    #[error("{0}")]
    Transient(String),
}

impl MailError {
    /// Whether retrying is pointless.
    pub fn is_permanent(&self) -> bool {
        !matches!(self, MailError::Transient(_))
    }
}

/// A connection pool to one SMTP relay.
#[derive(Clone)]
pub struct Mailer {
    relay: Arc<relay::Relay>,
    config: SmtpConfig,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mailer({}:{})", self.config.host, self.config.port)
    }
}

impl Mailer {
    /// A mailer for the relay in `config`; connections open on first use.
    pub fn new(config: &SmtpConfig) -> Result<Mailer, MailError> {
        Ok(Mailer { relay: Arc::new(relay::Relay::new(config)?), config: config.clone() })
    }

    /// The settings this mailer uses.
    pub fn config(&self) -> &SmtpConfig {
        &self.config
    }

    /// Connect as a send would (TLS, EHLO, the login when set) and hang up, sending nothing: `tickler doctor`.
    pub async fn check(&self) -> Result<(), MailError> {
        self.relay.check().await
    }

    /// Deliver one message to the relay; returns the server's answer ("250 2.0.0 Ok: queued as …").
    pub async fn send(&self, email: &Email) -> Result<String, MailError> {
        let message = email.to_message(&self.config)?;
        let response = self.relay.send(message.envelope(), &message.formatted()).await?;
        Ok(describe(&response))
    }
}

fn describe(response: &Response) -> String {
    format!("{} {}", response.code(), response.message().collect::<Vec<_>>().join(" "))
}

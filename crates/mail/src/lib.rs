//! Tickler's email: the SMTP relay and IMAP mailbox settings (config file and
//! `TICKLER_SMTP_*` / `TICKLER_IMAP_*` environment); building a plain-text
//! message with its stable Message-ID and thread headers and handing it to the
//! relay with lettre; and reading the mailbox replies arrive in (async-imap),
//! each message reduced to its ids, sender, subject and first words. The
//! scheduler decides what to send and what a reply means; this crate only
//! delivers and reads.

mod config;
pub mod headers;
mod imap;
mod inbound;
mod message;

use std::time::Duration;

use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::response::Response;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

pub use config::{ImapConfig, Security, SmtpConfig};
pub use imap::{Inbox, MailboxStatus};
pub use inbound::{InboundMessage, SNIPPET_CHARS, snippet};
pub use message::Email;

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
    transport: AsyncSmtpTransport<Tokio1Executor>,
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
        let tls = |field| {
            TlsParameters::new(config.host.clone())
                .map_err(|error| MailError::Config { field, message: error.to_string() })
        };
        let tls = match config.security {
            Security::None => Tls::None,
            Security::StartTls => Tls::Required(tls("security")?),
            Security::Tls => Tls::Wrapper(tls("security")?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.clone())
            .port(config.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(config.timeout_seconds)))
            .pool_config(PoolConfig::new().max_size(config.connections));
        if let (Some(user), Some(password)) = (&config.username, &config.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Mailer { transport: builder.build(), config: config.clone() })
    }

    /// The settings this mailer uses.
    pub fn config(&self) -> &SmtpConfig {
        &self.config
    }

    /// Deliver one message to the relay; returns the server's answer ("250 2.0.0 Ok: queued as …").
    pub async fn send(&self, email: &Email) -> Result<String, MailError> {
        let message = email.to_message(&self.config)?;
        match self.transport.send(message).await {
            Ok(response) => Ok(describe(&response)),
            Err(error) if error.is_permanent() => Err(MailError::Permanent(error.to_string())),
            Err(error) => Err(MailError::Transient(error.to_string())),
        }
    }
}

fn describe(response: &Response) -> String {
    format!("{} {}", response.code(), response.message().collect::<Vec<_>>().join(" "))
}

//! The IMAP side of reply detection: log in to the mailbox replies arrive in
//! (plain, STARTTLS or TLS), read its UIDVALIDITY and size, and fetch the
//! messages past the last UID seen. Read-only: the mailbox is EXAMINEd and
//! bodies are PEEKed, so nothing is marked read. Every step has a timeout.

use std::future::Future;
use std::time::Duration;

use async_imap::{Client, Session};
use futures_util::TryStreamExt;
use jiff::Timestamp;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use crate::inbound::InboundMessage;
use crate::{ImapConfig, MailError, Security};

/// Bytes of a message's text fetched for its snippet (the header is fetched whole).
const TEXT_BYTES: usize = 16 * 1024;

/// A connection to the server, plain or encrypted.
trait Connection: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Connection for T {}

/// What EXAMINE said about the mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailboxStatus {
    /// Changes when the server renumbers the mailbox; UIDs seen before mean nothing then.
    pub uid_validity: u32,
    /// Messages in the mailbox.
    pub messages: u32,
}

/// A logged-in session on the mailbox of an [`ImapConfig`].
pub struct Inbox {
    session: Session<Box<dyn Connection>>,
    config: ImapConfig,
}

impl std::fmt::Debug for Inbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Inbox({})", self.config.mailbox_key())
    }
}

impl Inbox {
    /// Connect, log in and open the mailbox read-only.
    pub async fn open(config: &ImapConfig) -> Result<(Inbox, MailboxStatus), MailError> {
        let client = within(config, "connecting", connect(config)).await?;
        let login = client.login(&config.username, &config.password);
        let session = within(config, "logging in", async {
            login.await.map_err(|(error, _)| {
                MailError::Permanent(format!(
                    "imap {}:{}: the server refused the login of \"{}\": {error}",
                    config.host, config.port, config.username
                ))
            })
        })
        .await?;
        let mut inbox = Inbox { session, config: config.clone() };
        let status = inbox.examine().await?;
        Ok((inbox, status))
    }

    async fn examine(&mut self) -> Result<MailboxStatus, MailError> {
        let config = &self.config;
        let mailbox = within(config, "opening the mailbox", async {
            self.session.examine(&config.mailbox).await.map_err(|error| match error {
                async_imap::error::Error::No(_) | async_imap::error::Error::Bad(_) => MailError::Config {
                    field: "imap.mailbox",
                    message: format!("the server has no mailbox \"{}\" ({error})", config.mailbox),
                },
                other => failure(config, "opening the mailbox", other),
            })
        })
        .await?;
        let uid_validity = mailbox.uid_validity.ok_or_else(|| {
            MailError::Permanent(format!("imap {}: the mailbox has no UIDVALIDITY", config.mailbox_key()))
        })?;
        Ok(MailboxStatus { uid_validity, messages: mailbox.exists })
    }

    /// Up to `limit` messages with a UID above `last_uid`, oldest first.
    pub async fn fetch_after(&mut self, last_uid: u32, limit: usize) -> Result<Vec<InboundMessage>, MailError> {
        let config = &self.config;
        let session = &mut self.session;
        within(config, "fetching messages", async move {
            // "UID n:*" always matches the newest message, even below n: keep only the new ones.
            let found = session
                .uid_search(format!("UID {}:*", last_uid.saturating_add(1)))
                .await
                .map_err(|error| failure(config, "searching the mailbox", error))?;
            let mut uids: Vec<u32> = found.into_iter().filter(|uid| *uid > last_uid).collect();
            uids.sort_unstable();
            uids.truncate(limit.max(1));
            let (Some(first), Some(last)) = (uids.first(), uids.last()) else {
                return Ok(Vec::new());
            };
            let query = format!("(UID INTERNALDATE BODY.PEEK[HEADER] BODY.PEEK[TEXT]<0.{TEXT_BYTES}>)");
            let fetches: Vec<_> = session
                .uid_fetch(format!("{first}:{last}"), query)
                .await
                .map_err(|error| failure(config, "fetching messages", error))?
                .try_collect()
                .await
                .map_err(|error| failure(config, "fetching messages", error))?;
            let mut messages: Vec<InboundMessage> = fetches
                .iter()
                .filter_map(|fetch| {
                    let uid = fetch.uid.filter(|uid| *uid > last_uid && *uid <= *last)?;
                    let mut raw = fetch.header().unwrap_or_default().to_vec();
                    raw.extend_from_slice(fetch.text().unwrap_or_default());
                    let received = fetch.internal_date().and_then(|date| Timestamp::from_second(date.timestamp()).ok());
                    Some(InboundMessage::parse(uid, &raw, received))
                })
                .collect();
            messages.sort_by_key(|message| message.uid);
            messages.dedup_by_key(|message| message.uid);
            Ok(messages)
        })
        .await
    }

    /// Log out politely; a server that does not answer is left as it is.
    pub async fn close(mut self) {
        let wait = Duration::from_secs(self.config.timeout_seconds);
        let _ = tokio::time::timeout(wait, self.session.logout()).await;
    }
}

/// Open the connection the settings ask for and read the server's greeting.
async fn connect(config: &ImapConfig) -> Result<Client<Box<dyn Connection>>, MailError> {
    let tcp = TcpStream::connect((config.host.as_str(), config.port)).await.map_err(|error| {
        MailError::Transient(format!("imap {}:{}: cannot connect: {error}", config.host, config.port))
    })?;
    match config.security {
        Security::None => greeted(config, Client::new(Box::new(tcp) as Box<dyn Connection>)).await,
        Security::Tls => {
            let tls = encrypt(config, tcp).await?;
            greeted(config, Client::new(Box::new(tls) as Box<dyn Connection>)).await
        }
        Security::StartTls => {
            let mut client = greeted(config, Client::new(tcp)).await?;
            client
                .run_command_and_check_ok("STARTTLS", None)
                .await
                .map_err(|error| failure(config, "STARTTLS", error))?;
            let tls = encrypt(config, client.into_inner()).await?;
            // No second greeting after STARTTLS.
            Ok(Client::new(Box::new(tls) as Box<dyn Connection>))
        }
    }
}

async fn greeted<T>(config: &ImapConfig, mut client: Client<T>) -> Result<Client<T>, MailError>
where
    T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug,
{
    match client.read_response().await {
        Ok(Some(_)) => Ok(client),
        Ok(None) => Err(MailError::Transient(format!(
            "imap {}:{}: the server closed the connection without a greeting",
            config.host, config.port
        ))),
        Err(error) => Err(MailError::Transient(format!("imap {}:{}: {error}", config.host, config.port))),
    }
}

async fn encrypt(config: &ImapConfig, tcp: TcpStream) -> Result<tokio_native_tls::TlsStream<TcpStream>, MailError> {
    let connector = native_tls::TlsConnector::new()
        .map_err(|error| MailError::Config { field: "imap.security", message: error.to_string() })?;
    tokio_native_tls::TlsConnector::from(connector)
        .connect(&config.host, tcp)
        .await
        .map_err(|error| MailError::Transient(format!("imap {}:{}: TLS failed: {error}", config.host, config.port)))
}

/// An IMAP failure, in words: a refusal (NO, BAD) is permanent, the network transient.
fn failure(config: &ImapConfig, doing: &str, error: async_imap::error::Error) -> MailError {
    let message = format!("imap {}:{}: {doing}: {error}", config.host, config.port);
    match error {
        async_imap::error::Error::No(_) | async_imap::error::Error::Bad(_) => MailError::Permanent(message),
        _ => MailError::Transient(message),
    }
}

/// Run one step, giving up after the configured timeout.
async fn within<T>(
    config: &ImapConfig,
    doing: &str,
    step: impl Future<Output = Result<T, MailError>>,
) -> Result<T, MailError> {
    tokio::time::timeout(Duration::from_secs(config.timeout_seconds), step).await.unwrap_or_else(|_| {
        Err(MailError::Transient(format!(
            "imap {}:{}: no answer within {} s while {doing}",
            config.host, config.port, config.timeout_seconds
        )))
    })
}

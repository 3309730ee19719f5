//! The IMAP side of reading mail: log in to the mailbox (plain, STARTTLS or
//! TLS), read a folder's UIDVALIDITY and size, and fetch the messages past the
//! last UID seen ([`fetch`]); find the folder sent mail is kept in
//! ([`folders`]); wait for news with IDLE ([`idle`]). Read-only: folders are
//! EXAMINEd and bodies are PEEKed, so nothing is marked read. Every step has
//! the configured timeout, except the wait for news, which is long by design
//! and has its own bound.
//!
//! A step that times out or fails on the network leaves the connection in an
//! unknown state (a command sent, its answer not read), so the session is
//! dropped then: every later call fails at once with a transient error, and
//! the caller opens the mailbox again.

mod fetch;

pub use fetch::Fetched;
mod folders;
mod idle;

use std::future::Future;
use std::time::Duration;

use async_imap::types::Capability;
use async_imap::{Client, Session};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use crate::{ImapConfig, MailError, Security};

/// A connection to the server, plain or encrypted.
trait Connection: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Connection for T {}

/// A logged-in session over either kind of connection.
type ImapSession = Session<Box<dyn Connection>>;

/// What EXAMINE said about a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailboxStatus {
    /// Changes when the server renumbers the folder; UIDs seen before mean nothing then.
    pub uid_validity: u32,
    /// Messages in the folder.
    pub messages: u32,
}

/// The extensions of the server that change what this client does, read once after login.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Abilities {
    /// IDLE (RFC 2177): the server tells of new mail as it comes.
    idle: bool,
    /// SPECIAL-USE (RFC 6154): LIST can be asked for the folders with a special use only.
    special_use: bool,
    /// LIST-EXTENDED (RFC 5258): LIST takes selection options, SPECIAL-USE among them.
    list_extended: bool,
}

impl Abilities {
    fn of(capabilities: &async_imap::types::Capabilities) -> Abilities {
        let has = |name: &str| {
            capabilities
                .iter()
                .any(|capability| matches!(capability, Capability::Atom(atom) if atom.eq_ignore_ascii_case(name)))
        };
        Abilities { idle: has("IDLE"), special_use: has("SPECIAL-USE"), list_extended: has("LIST-EXTENDED") }
    }
}

/// A logged-in session on one server, with one folder open read-only: the
/// mailbox of its [`ImapConfig`] first, another after [`Inbox::examine`].
pub struct Inbox {
    /// None once the connection is lost or left in an unknown state.
    session: Option<ImapSession>,
    config: ImapConfig,
    abilities: Abilities,
    /// The folder open now; none after an EXAMINE that failed (the server closes the folder then).
    folder: Option<String>,
    /// The UID the server will give the next message of `folder`, as EXAMINE said (the fetch windows end there).
    uid_next: Option<u32>,
}

impl std::fmt::Debug for Inbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Inbox({}, open: {:?})", self.config.mailbox_key(), self.folder)
    }
}

impl Inbox {
    /// Connect, log in, read the server's capabilities and open the configured mailbox read-only.
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
        let mut inbox = Inbox {
            session: Some(session),
            config: config.clone(),
            abilities: Abilities::default(),
            folder: None,
            uid_next: None,
        };
        let (session, settings) = inbox.parts()?;
        let capabilities = within(settings, "reading the capabilities", async {
            session.capabilities().await.map_err(|error| failure(settings, "reading the capabilities", error))
        })
        .await;
        inbox.abilities = Abilities::of(&inbox.settle(capabilities)?);
        let status = inbox.examine_as(&config.mailbox, "imap.mailbox").await?;
        Ok((inbox, status))
    }

    /// Open `folder` read-only instead of the folder open now (EXAMINE): the
    /// later calls read it. A folder the server does not have is a
    /// [`MailError::Config`] of the field `imap.folder`, naming the folder.
    pub async fn examine(&mut self, folder: &str) -> Result<MailboxStatus, MailError> {
        self.examine_as(folder, "imap.folder").await
    }

    /// Whether the server announced IDLE, so that [`Inbox::wait_for_news`] hears of new mail at once.
    pub fn can_idle(&self) -> bool {
        self.abilities.idle
    }

    /// EXAMINE `folder`; a missing one is a config error of `field` (the setting that named it).
    async fn examine_as(&mut self, folder: &str, field: &'static str) -> Result<MailboxStatus, MailError> {
        self.folder = None;
        self.uid_next = None;
        let (session, config) = self.parts()?;
        let mailbox = within(config, "opening the mailbox", async {
            let mailbox = session.examine(folder).await.map_err(|error| match error {
                async_imap::error::Error::No(_)
                | async_imap::error::Error::Bad(_)
                | async_imap::error::Error::Validate(_) => {
                    MailError::Config { field, message: format!("the server has no mailbox \"{folder}\" ({error})") }
                }
                other => failure(config, "opening the mailbox", other),
            })?;
            // What the server said before this EXAMINE is about the folder open before.
            while session.unsolicited_responses.try_recv().is_ok() {}
            Ok(mailbox)
        })
        .await;
        let mailbox = self.settle(mailbox)?;
        let uid_validity = mailbox.uid_validity.ok_or_else(|| {
            MailError::Permanent(format!(
                "imap {}:{}: the mailbox \"{folder}\" has no UIDVALIDITY",
                self.config.host, self.config.port
            ))
        })?;
        self.folder = Some(folder.to_string());
        self.uid_next = mailbox.uid_next;
        Ok(MailboxStatus { uid_validity, messages: mailbox.exists })
    }

    /// The folder open now, or why there is none.
    fn open_folder(&self) -> Result<&str, MailError> {
        self.folder.as_deref().ok_or_else(|| {
            MailError::Permanent(format!(
                "imap {}:{}: no folder is open (the last one asked for could not be opened)",
                self.config.host, self.config.port
            ))
        })
    }

    /// Log out politely; a server that does not answer is left as it is.
    pub async fn close(mut self) {
        let wait = Duration::from_secs(self.config.timeout_seconds);
        if let Some(mut session) = self.session.take() {
            let _ = tokio::time::timeout(wait, session.logout()).await;
        }
    }

    /// The session and the settings, for one step; Err when the connection was lost before.
    fn parts(&mut self) -> Result<(&mut ImapSession, &ImapConfig), MailError> {
        match self.session.as_mut() {
            Some(session) => Ok((session, &self.config)),
            None => Err(lost(&self.config)),
        }
    }

    /// What a step came to: a transient failure (timeout, network) drops the
    /// session, whose state is unknown then.
    fn settle<T>(&mut self, result: Result<T, MailError>) -> Result<T, MailError> {
        if let Err(MailError::Transient(_)) = result {
            self.session = None;
        }
        result
    }
}

/// The error of a call on an inbox whose connection was dropped.
fn lost(config: &ImapConfig) -> MailError {
    MailError::Transient(format!(
        "imap {}:{}: the connection was lost; the mailbox must be opened again",
        config.host, config.port
    ))
}

/// Open the connection the settings ask for and read the server's greeting.
async fn connect(config: &ImapConfig) -> Result<Client<Box<dyn Connection>>, MailError> {
    let tcp = TcpStream::connect((config.host.as_str(), config.port)).await.map_err(|error| {
        MailError::Transient(format!("imap {}:{}: cannot connect: {error}", config.host, config.port))
    })?;
    // Commands go out in small writes; without this, Nagle's algorithm holds the
    // last one back until the server's delayed ACK, some 40 ms a command.
    let _ = tcp.set_nodelay(true);
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

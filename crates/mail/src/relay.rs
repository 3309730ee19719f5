//! Connections to the relay and their pool. Each is a TCP connection with
//! Nagle's algorithm off: an SMTP client writes a message and its closing dot
//! separately, and with Nagle on the dot waits for the server's delayed
//! acknowledgement, some 40 ms a message. TLS comes from the first byte or by
//! STARTTLS; then a login when credentials are set. Idle connections are kept
//! and reused, up to `connections` in use at once.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::transport::smtp::response::Response;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

use crate::{MailError, Security, SmtpConfig};

/// An idle connection older than this is checked with NOOP before it is reused.
const CHECK_AFTER: Duration = Duration::from_secs(30);

pub(crate) struct Relay {
    config: SmtpConfig,
    /// For STARTTLS.
    tls: Option<TlsParameters>,
    hello: ClientId,
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
    slots: Semaphore,
}

impl Relay {
    pub(crate) fn new(config: &SmtpConfig) -> Result<Relay, MailError> {
        let tls = match config.security {
            Security::StartTls => Some(
                TlsParameters::new(config.host.clone())
                    .map_err(|error| MailError::Config { field: "security", message: error.to_string() })?,
            ),
            Security::None | Security::Tls => None,
        };
        Ok(Relay {
            config: config.clone(),
            tls,
            hello: ClientId::default(),
            idle: Mutex::new(Vec::new()),
            slots: Semaphore::new(usize::try_from(config.connections.max(1)).unwrap_or(1)),
        })
    }

    /// Deliver one message on a pooled connection; the connection goes back to the pool unless it broke.
    pub(crate) async fn send(&self, envelope: &Envelope, message: &[u8]) -> Result<Response, MailError> {
        let _slot = self.slots.acquire().await.map_err(|_| MailError::Transient("the mailer was closed".into()))?;
        let mut connection = match self.take_idle().await {
            Some(connection) => connection,
            None => self.connect().await?,
        };
        let result = connection.send(envelope, message).await;
        if !connection.has_broken() && result.is_ok() {
            self.idle.lock().unwrap_or_else(|poison| poison.into_inner()).push((connection, Instant::now()));
        }
        result.map_err(|error| classify(&error))
    }

    /// Open a connection of its own (TCP, TLS, EHLO, login when set) and close it with QUIT.
    pub(crate) async fn check(&self) -> Result<(), MailError> {
        let mut connection = self.connect().await?;
        let _ = connection.quit().await;
        Ok(())
    }

    /// An idle connection that still answers, if any.
    async fn take_idle(&self) -> Option<AsyncSmtpConnection> {
        loop {
            let (mut connection, since) = self.idle.lock().unwrap_or_else(|poison| poison.into_inner()).pop()?;
            if connection.has_broken() {
                continue;
            }
            if since.elapsed() < CHECK_AFTER || connection.test_connected().await {
                return Some(connection);
            }
        }
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, MailError> {
        let config = &self.config;
        let timeout = Duration::from_secs(config.timeout_seconds.max(1));
        let unreachable = |error: String| MailError::Transient(format!("{}:{}: {error}", config.host, config.port));
        let tcp = tokio::time::timeout(timeout, TcpStream::connect((config.host.as_str(), config.port)))
            .await
            .map_err(|_| unreachable("connection timed out".into()))?
            .map_err(|error| unreachable(error.to_string()))?;
        tcp.set_nodelay(true).map_err(|error| unreachable(error.to_string()))?;
        let stream: Box<dyn AsyncTokioStream> = match config.security {
            Security::Tls => {
                let connector = native_tls::TlsConnector::new().map_err(|error| unreachable(error.to_string()))?;
                let tls = tokio::time::timeout(
                    timeout,
                    tokio_native_tls::TlsConnector::from(connector).connect(&config.host, tcp),
                )
                .await
                .map_err(|_| unreachable("TLS handshake timed out".into()))?
                .map_err(|error| unreachable(format!("TLS: {error}")))?;
                Box::new(Implicit(tls))
            }
            Security::None | Security::StartTls => Box::new(tcp),
        };
        let greeted = tokio::time::timeout(timeout, async {
            let mut connection = AsyncSmtpConnection::connect_with_transport(stream, &self.hello).await?;
            if let Some(tls) = &self.tls {
                connection.starttls(tls.clone(), &self.hello).await?;
            }
            if let (Some(user), Some(password)) = (&config.username, &config.password) {
                let credentials = Credentials::new(user.clone(), password.clone());
                connection.auth(&[Mechanism::Plain, Mechanism::Login], &credentials).await?;
            }
            Ok::<_, lettre::transport::smtp::Error>(connection)
        })
        .await
        .map_err(|_| unreachable("the server did not answer in time".into()))?;
        greeted.map_err(|error| classify(&error))
    }
}

/// A permanent refusal (5xx, a bad login, a missing feature) or a temporary one.
fn classify(error: &lettre::transport::smtp::Error) -> MailError {
    if error.is_permanent() || error.is_client() {
        MailError::Permanent(error.to_string())
    } else {
        MailError::Transient(error.to_string())
    }
}

/// A TLS-from-the-first-byte stream, in the shape lettre's connection takes.
#[derive(Debug)]
struct Implicit(tokio_native_tls::TlsStream<TcpStream>);

impl AsyncRead for Implicit {
    fn poll_read(self: Pin<&mut Self>, context: &mut Context<'_>, buffer: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_read(context, buffer)
    }
}

impl AsyncWrite for Implicit {
    fn poll_write(self: Pin<&mut Self>, context: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write(context, data)
    }

    fn poll_flush(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_flush(context)
    }

    fn poll_shutdown(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_shutdown(context)
    }
}

impl AsyncTokioStream for Implicit {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.get_ref().get_ref().get_ref().peer_addr()
    }
}

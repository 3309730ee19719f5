//! Each user's own mail account: the SMTP server their plan emails go out
//! through (with their From), and the IMAP mailbox the worker watches for
//! their mail. Passwords are sealed with the installation's [`SecretKey`]
//! before the store sees them and are never shown again: a view says only
//! whether one is set.
//!
//! Input follows one rule: a field left out keeps its value, an empty text
//! clears it (`smtp_host: ""` and `imap_host: ""` remove that whole side,
//! `inbox_folder: ""` is `INBOX` again, `sent_folder: ""` finds the sent
//! folder by its `\Sent` attribute, a port of 0 is the default for the
//! security); [`clear`] removes the whole mail account.
//!
//! [`SecretKey`]: crate::SecretKey

use serde::{Deserialize, Serialize};
use tickler_core::contact::EmailAddress;
use tickler_core::ids::{AccountId, UserId};
use tickler_core::user::User;
use tickler_mail::{ImapConfig, Security, SmtpConfig};
use tickler_store::{MailAccount, MailAccountSettings, MailServerSettings, MailSide};

use crate::error::{Error, Kind, Result};
use crate::mail::mail_error;
use crate::sealed::HOW_TO_MAKE_A_KEY;
use crate::{Actor, App, SecretKey};

/// What the worker does with mail from someone who is not a contact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum UnknownPolicy {
    /// Leave it alone.
    #[default]
    Ignore,
    /// List the sender for review (add as a contact, or dismiss).
    Review,
}

impl UnknownPolicy {
    /// Read `ignore` or `review`, naming `field` otherwise.
    pub fn parse(field: &'static str, text: &str) -> Result<UnknownPolicy> {
        match text.trim().to_ascii_lowercase().as_str() {
            "ignore" => Ok(UnknownPolicy::Ignore),
            "review" => Ok(UnknownPolicy::Review),
            other => Err(Error::invalid(field, format!("\"{other}\" is not a choice; choose ignore or review"))),
        }
    }

    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            UnknownPolicy::Ignore => "ignore",
            UnknownPolicy::Review => "review",
        }
    }
}

/// One user's mailbox as the mailbox watchers need it, its password opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchedMailbox {
    pub user_id: UserId,
    pub account_id: AccountId,
    /// The email the user signs in with.
    pub user_email: String,
    /// The server and login, password opened; `mailbox` is the inbox folder.
    pub imap: ImapConfig,
    /// The folder sent mail is kept in; `None`: find it by its `\Sent` attribute.
    pub sent_folder: Option<String>,
    pub unknown_policy: UnknownPolicy,
    /// The user's own addresses, lower-cased: their sign-in email, their From
    /// address, and the SMTP and IMAP usernames that are email addresses.
    pub own_addresses: Vec<String>,
}

/// A change to the caller's mail account: a field left out keeps its value,
/// an empty text clears it (see the module's documentation). Its `Debug`
/// shows whether a password was given, never the password.
#[derive(Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MailAccountInput {
    /// The SMTP server your plan emails go out through, e.g. "smtp.example.org"; "" removes the SMTP side.
    pub smtp_host: Option<String>,
    /// 465 means TLS, 587 STARTTLS; 0: the default for the security (587 with neither).
    pub smtp_port: Option<u16>,
    /// none, starttls or tls; "": chosen by the port.
    pub smtp_security: Option<String>,
    pub smtp_username: Option<String>,
    /// Stored sealed and never shown again; "" removes it.
    pub smtp_password: Option<String>,
    /// The name your emails come from; "": the account's sender name.
    pub from_name: Option<String>,
    /// The address your emails come from; "": your SMTP username when it is an address, else your sign-in email.
    pub from_address: Option<String>,
    /// The IMAP server of your mailbox, e.g. "imap.example.org"; "" stops watching it.
    pub imap_host: Option<String>,
    /// 993 means TLS, 143 STARTTLS; 0: the default for the security (993 with neither).
    pub imap_port: Option<u16>,
    /// none, starttls or tls; "": chosen by the port.
    pub imap_security: Option<String>,
    pub imap_username: Option<String>,
    /// Stored sealed and never shown again; "" removes it.
    pub imap_password: Option<String>,
    /// The folder new mail arrives in; "": INBOX.
    pub inbox_folder: Option<String>,
    /// The folder your sent mail is kept in; "": found by its \Sent attribute.
    pub sent_folder: Option<String>,
    /// Mail from people who are not contacts: ignore or review.
    pub unknown: Option<String>,
}

impl std::fmt::Debug for MailAccountInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |password: &Option<String>| match password.as_deref() {
            None => "unchanged",
            Some("") => "cleared",
            Some(_) => "given",
        };
        f.debug_struct("MailAccountInput")
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("smtp_security", &self.smtp_security)
            .field("smtp_username", &self.smtp_username)
            .field("smtp_password", &hidden(&self.smtp_password))
            .field("from_name", &self.from_name)
            .field("from_address", &self.from_address)
            .field("imap_host", &self.imap_host)
            .field("imap_port", &self.imap_port)
            .field("imap_security", &self.imap_security)
            .field("imap_username", &self.imap_username)
            .field("imap_password", &hidden(&self.imap_password))
            .field("inbox_folder", &self.inbox_folder)
            .field("sent_folder", &self.sent_folder)
            .field("unknown", &self.unknown)
            .finish()
    }
}

impl MailAccountInput {
    /// The SMTP side of the change.
    fn smtp(&self) -> ServerInput<'_> {
        ServerInput {
            host: self.smtp_host.as_deref(),
            port: self.smtp_port,
            security: self.smtp_security.as_deref(),
            username: self.smtp_username.as_deref(),
            password: self.smtp_password.as_deref(),
        }
    }

    /// The IMAP side of the change.
    fn imap(&self) -> ServerInput<'_> {
        ServerInput {
            host: self.imap_host.as_deref(),
            port: self.imap_port,
            security: self.imap_security.as_deref(),
            username: self.imap_username.as_deref(),
            password: self.imap_password.as_deref(),
        }
    }

    /// Whether anything is to change.
    pub fn is_empty(&self) -> bool {
        let MailAccountInput {
            smtp_host,
            smtp_port,
            smtp_security,
            smtp_username,
            smtp_password,
            from_name,
            from_address,
            imap_host,
            imap_port,
            imap_security,
            imap_username,
            imap_password,
            inbox_folder,
            sent_folder,
            unknown,
        } = self;
        [
            smtp_host,
            smtp_security,
            smtp_username,
            smtp_password,
            from_name,
            from_address,
            imap_host,
            imap_security,
            imap_username,
            imap_password,
            inbox_folder,
            sent_folder,
            unknown,
        ]
        .iter()
        .all(|field| field.is_none())
            && smtp_port.is_none()
            && imap_port.is_none()
    }
}

/// One side of a mail account (SMTP or IMAP) as shown: never the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailServerView {
    pub host: String,
    /// The port used: the one set, else the default for the security.
    pub port: u16,
    /// none, starttls or tls: the one set, else the one the port implies.
    pub security: String,
    pub username: Option<String>,
    /// Whether a password is stored (sealed); it is never shown.
    pub password_set: bool,
}

/// A user's mail account as shown to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailAccountView {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub user_id: UserId,
    /// The email the user signs in with.
    pub user_email: String,
    /// Their own SMTP server; `null`: their emails go through the installation's relay.
    pub smtp: Option<MailServerView>,
    /// The From name as set; empty: the account's sender name.
    pub from_name: String,
    /// The From address as set; empty: their SMTP username when it is an address, else their sign-in email.
    pub from_address: String,
    /// Their mailbox; `null`: none is watched.
    pub imap: Option<MailServerView>,
    pub inbox_folder: String,
    /// `null`: found by its \Sent attribute.
    pub sent_folder: Option<String>,
    pub unknown: UnknownPolicy,
    /// When it was last changed; `null` when nothing is set.
    pub updated_at: Option<jiff::Timestamp>,
}

/// The user an action on "my mail account" is for: the actor's.
fn actor_user(actor: &Actor) -> Result<&User> {
    actor.user.as_ref().ok_or_else(|| {
        Error::invalid("user", "a mail account belongs to a user; say whose (on the command line: --user EMAIL)")
    })
}

/// The caller's mail account (passwords never opened nor shown).
pub async fn show(app: &App, actor: &Actor) -> Result<MailAccountView> {
    let user = actor_user(actor)?;
    let stored = app.store.mail_account(actor.account_id(), user.id).await?;
    Ok(view(user, stored.as_ref()))
}

/// Change the caller's mail account; see [`MailAccountInput`]. A new password
/// is sealed with the installation's key, and refused when there is none.
pub async fn update(app: &App, actor: &Actor, input: &MailAccountInput) -> Result<MailAccountView> {
    let user = actor_user(actor)?;
    let stored = app.store.mail_account(actor.account_id(), user.id).await?;
    if input.is_empty() {
        return Ok(view(user, stored.as_ref()));
    }
    let mut settings = stored.map(|stored| stored.settings).unwrap_or_default();
    apply(app, &mut settings, input)?;
    check_complete(&settings)?;
    let saved = app.store.put_mail_account(actor.account_id(), user.id, &settings, actor.now).await?;
    Ok(view(user, Some(&saved)))
}

/// Remove the caller's mail account whole: their emails go through the relay again and their mailbox is not watched.
pub async fn clear(app: &App, actor: &Actor) -> Result<MailAccountView> {
    let user = actor_user(actor)?;
    app.store.delete_mail_account(actor.account_id(), user.id).await?;
    Ok(view(user, None))
}

/// Send a test message to `to` through the caller's own SMTP server, from their From.
pub async fn send_test(app: &App, actor: &Actor, to: &str) -> Result<crate::mail::TestSent> {
    let user = actor_user(actor)?;
    let stored = app.store.mail_account(actor.account_id(), user.id).await?;
    let config = match &stored {
        Some(stored) => smtp_from(app, stored)?,
        None => None,
    };
    let Some(config) = config else {
        return Err(Error::invalid("smtp_host", "is not set: set your own SMTP server first"));
    };
    let account_name = app.store.mail_settings(actor.account_id()).await?.from_name;
    let from_name = if config.from_name.is_empty() { account_name } else { config.from_name.clone() };
    crate::mail::send_test_as(&config, to, (&from_name, &config.from_address), actor.now).await
}

/// What sealing the stored passwords again under a new key came to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Resealed {
    /// Passwords opened with the old key and sealed again with the current one.
    pub resealed: u64,
    /// Passwords the current key opens already (sealed again before, or set since): left as they are.
    pub current: u64,
    /// Passwords neither key opens, as "ann@example.org: smtp_password": left as they are, to be set again.
    pub unopened: Vec<String>,
}

/// Seal every stored mail password of the installation again under its
/// current key, opening each with `old` (the key they were sealed with).
/// A password the current key opens already is left as it is, so running
/// this again after an interruption finishes the work; one that neither key
/// opens is named in the answer and left as it is. Each password is replaced
/// only while it is still the one read (a password set meanwhile is kept).
pub async fn reseal(app: &App, old: &SecretKey) -> Result<Resealed> {
    let key = app.secret_key().ok_or_else(|| {
        Error::invalid("secret_key", format!("is not set: the passwords are sealed again with it; {HOW_TO_MAKE_A_KEY}"))
    })?;
    let mut report = Resealed::default();
    for stored in app.store.all_mail_accounts().await? {
        let sides = [
            (MailSide::Smtp, SMTP.password, &stored.settings.smtp.password),
            (MailSide::Imap, IMAP.password, &stored.settings.imap.password),
        ];
        for (side, field, password) in sides {
            let Some(sealed) = password.as_deref() else { continue };
            if key.open(sealed).is_ok() {
                report.current += 1;
                continue;
            }
            let Ok(plain) = old.open(sealed) else {
                report.unopened.push(format!("{}: {field}", stored.user_email.as_str()));
                continue;
            };
            if app.store.replace_sealed_password(stored.user_id, side, sealed, &key.seal(&plain)?).await? {
                report.resealed += 1;
            } else {
                report.current += 1;
            }
        }
    }
    Ok(report)
}

/// Every user's mailbox the worker should watch (an IMAP host set), across the
/// installation. A mailbox whose password does not open (no key, another key)
/// is left out with a warning in the log, not an error.
pub async fn watched_mailboxes(app: &App) -> Result<Vec<WatchedMailbox>> {
    let mut watched = Vec::new();
    for stored in app.store.imap_mail_accounts().await? {
        match watched_from(app, &stored) {
            Ok(Some(mailbox)) => watched.push(mailbox),
            Ok(None) => {}
            Err(error) => tracing::warn!(
                target: crate::mailbox::watch::TARGET,
                user_id = stored.user_id.get(),
                "the user's mailbox is not watched: {}",
                error.message
            ),
        }
    }
    Ok(watched)
}

/// One user's watched mailbox; `None` when they set none. A password that does not open is an error.
pub async fn watched_mailbox(app: &App, user: UserId) -> Result<Option<WatchedMailbox>> {
    match app.store.mail_account_of_user(user).await? {
        Some(stored) => watched_from(app, &stored),
        None => Ok(None),
    }
}

/// The user's own SMTP identity (password opened), `None` when they set no SMTP server.
/// Its From is their From address, else their SMTP username when it is an
/// address, else their sign-in email; its From name is theirs (may be empty).
pub async fn smtp_for(app: &App, user: UserId) -> Result<Option<SmtpConfig>> {
    match app.store.mail_account_of_user(user).await? {
        Some(stored) => smtp_from(app, &stored),
        None => Ok(None),
    }
}

/// A stored account's SMTP settings, password opened.
pub(crate) fn smtp_from(app: &App, stored: &MailAccount) -> Result<Option<SmtpConfig>> {
    let settings = &stored.settings;
    let Some(host) = settings.smtp.host.clone() else { return Ok(None) };
    let (port, security) = Security::for_smtp(settings.smtp.port, stored_security(&settings.smtp.security)?);
    let password = settings.smtp.password.as_deref().map(|sealed| open(app, SMTP.password, sealed)).transpose()?;
    let from_address = if !settings.from_address.is_empty() {
        settings.from_address.clone()
    } else {
        settings
            .smtp
            .username
            .as_deref()
            .and_then(|name| EmailAddress::parse(name).ok())
            .map_or_else(|| stored.user_email.as_str().to_string(), |address| address.as_str().to_string())
    };
    Ok(Some(SmtpConfig {
        host,
        port,
        security,
        username: settings.smtp.username.clone(),
        password,
        from_address,
        from_name: settings.from_name.clone(),
        timeout_seconds: 30,
        connections: 2,
    }))
}

fn watched_from(app: &App, stored: &MailAccount) -> Result<Option<WatchedMailbox>> {
    let settings = &stored.settings;
    let Some(host) = settings.imap.host.clone() else { return Ok(None) };
    let (port, security) = Security::for_imap(settings.imap.port, stored_security(&settings.imap.security)?);
    let password = match settings.imap.password.as_deref() {
        Some(sealed) => open(app, IMAP.password, sealed)?,
        None => return Err(Error::new(Kind::Refused, "imap_password: is not set")),
    };
    let mut own_addresses = vec![stored.user_email.as_str().to_lowercase()];
    let also =
        [Some(settings.from_address.as_str()), settings.smtp.username.as_deref(), settings.imap.username.as_deref()];
    for address in also.into_iter().flatten().filter_map(|text| EmailAddress::parse(text).ok()) {
        let address = address.as_str().to_lowercase();
        if !own_addresses.contains(&address) {
            own_addresses.push(address);
        }
    }
    Ok(Some(WatchedMailbox {
        user_id: stored.user_id,
        account_id: stored.account_id,
        user_email: stored.user_email.as_str().to_string(),
        imap: ImapConfig {
            host,
            port,
            security,
            username: settings.imap.username.clone().unwrap_or_default(),
            password,
            mailbox: settings.inbox_folder.clone(),
            poll_seconds: 60,
            timeout_seconds: 30,
        },
        sent_folder: settings.sent_folder.clone(),
        unknown_policy: UnknownPolicy::parse("unknown", &settings.unknown_policy).unwrap_or_default(),
        own_addresses,
    }))
}

/// Open a stored password with the installation's key.
fn open(app: &App, field: &'static str, sealed: &str) -> Result<String> {
    let key = app.secret_key().ok_or_else(|| {
        Error::new(
            Kind::Refused,
            format!("{field}: the stored password cannot be opened: this installation has no secret key; set the one it was sealed with (TICKLER_SECRET_KEY or secret_key in the --mail-config file)"),
        )
    })?;
    key.open(sealed).map_err(|error| Error::new(error.kind, format!("{field}: {}", error.message)))
}

fn stored_security(stored: &Option<String>) -> Result<Option<Security>> {
    stored
        .as_deref()
        .map(|text| Security::parse("security", text).map_err(|error| Error::internal(format!("stored {error}"))))
        .transpose()
}

fn view(user: &User, stored: Option<&MailAccount>) -> MailAccountView {
    let settings = stored.map(|stored| stored.settings.clone()).unwrap_or_default();
    MailAccountView {
        user_id: user.id,
        user_email: user.email.as_str().to_string(),
        smtp: server_view(&settings.smtp, Security::for_smtp),
        from_name: settings.from_name.clone(),
        from_address: settings.from_address.clone(),
        imap: server_view(&settings.imap, Security::for_imap),
        inbox_folder: settings.inbox_folder.clone(),
        sent_folder: settings.sent_folder.clone(),
        unknown: UnknownPolicy::parse("unknown", &settings.unknown_policy).unwrap_or_default(),
        updated_at: stored.map(|stored| stored.updated_at),
    }
}

/// One side as shown, with the port and security it would use (`defaults`: the side's rule for them).
fn server_view(
    server: &MailServerSettings,
    defaults: fn(Option<u16>, Option<Security>) -> (u16, Security),
) -> Option<MailServerView> {
    server.host.as_ref().map(|host| {
        let security = server.security.as_deref().and_then(|text| Security::parse("security", text).ok());
        let (port, security) = defaults(server.port, security);
        MailServerView {
            host: host.clone(),
            port,
            security: security.as_str().to_string(),
            username: server.username.clone(),
            password_set: server.password.is_some(),
        }
    })
}

/// A change to one side, as given.
struct ServerInput<'a> {
    host: Option<&'a str>,
    port: Option<u16>,
    security: Option<&'a str>,
    username: Option<&'a str>,
    password: Option<&'a str>,
}

/// The names of one side's fields, as errors name them.
struct ServerFields {
    /// "SMTP" or "IMAP", as the messages say it.
    label: &'static str,
    host: &'static str,
    port: &'static str,
    security: &'static str,
    username: &'static str,
    password: &'static str,
}

const SMTP: ServerFields = ServerFields {
    label: "SMTP",
    host: "smtp_host",
    port: "smtp_port",
    security: "smtp_security",
    username: "smtp_username",
    password: "smtp_password",
};

const IMAP: ServerFields = ServerFields {
    label: "IMAP",
    host: "imap_host",
    port: "imap_port",
    security: "imap_security",
    username: "imap_username",
    password: "imap_password",
};

/// Apply an input to the stored settings, checking each field and sealing new passwords.
fn apply(app: &App, settings: &mut MailAccountSettings, input: &MailAccountInput) -> Result<()> {
    let seal = |field: &'static str, password: &str| -> Result<String> {
        check_password(field, password)?;
        let key = app.secret_key().ok_or_else(|| {
            Error::invalid(
                field,
                format!("this installation has no secret key to seal the password with; {HOW_TO_MAKE_A_KEY}"),
            )
        })?;
        key.seal(password)
    };
    apply_server(&SMTP, &mut settings.smtp, &input.smtp(), &seal)?;
    apply_server(&IMAP, &mut settings.imap, &input.imap(), &seal)?;
    if let Some(name) = &input.from_name {
        settings.from_name = optional_text("from_name", name, 200)?.unwrap_or_default();
    }
    if let Some(address) = &input.from_address {
        settings.from_address = match address.trim() {
            "" => String::new(),
            address => EmailAddress::parse(address)
                .map_err(|error| Error::from(error).renamed("email", "from_address"))?
                .as_str()
                .to_string(),
        };
    }
    if let Some(folder) = &input.inbox_folder {
        settings.inbox_folder = optional_text("inbox_folder", folder, 255)?.unwrap_or_else(|| "INBOX".to_string());
    }
    if let Some(folder) = &input.sent_folder {
        settings.sent_folder = optional_text("sent_folder", folder, 255)?;
    }
    if let Some(unknown) = &input.unknown {
        settings.unknown_policy = UnknownPolicy::parse("unknown", unknown)?.as_str().to_string();
    }
    Ok(())
}

/// Apply a change to one side: host, port, security, username, password,
/// each checked; a new password is sealed with `seal`. An emptied host
/// removes the side whole.
fn apply_server(
    fields: &ServerFields,
    server: &mut MailServerSettings,
    input: &ServerInput<'_>,
    seal: &dyn Fn(&'static str, &str) -> Result<String>,
) -> Result<()> {
    if input.host.is_some_and(|host| host.trim().is_empty()) {
        *server = MailServerSettings::default();
        return Ok(());
    }
    if let Some(host) = input.host {
        server.host = optional_host(fields.host, host)?;
    }
    if let Some(port) = input.port {
        server.port = (port != 0).then_some(port);
    }
    if let Some(security) = input.security {
        server.security = optional_security(fields.security, security)?;
    }
    if let Some(username) = input.username {
        server.username = optional_text(fields.username, username, 320)?;
    }
    if let Some(password) = input.password {
        server.password = if password.is_empty() { None } else { Some(seal(fields.password, password)?) };
    }
    Ok(())
}

/// What a side needs once set: a host before anything else; a username with
/// an SMTP password; a username and a password for a mailbox.
fn check_complete(settings: &MailAccountSettings) -> Result<()> {
    check_server(&SMTP, &settings.smtp)?;
    if settings.smtp.host.is_some() && settings.smtp.password.is_some() && settings.smtp.username.is_none() {
        return Err(Error::invalid(SMTP.username, "is required with an SMTP password"));
    }
    check_server(&IMAP, &settings.imap)?;
    if settings.imap.host.is_some() {
        if settings.imap.username.is_none() {
            return Err(Error::invalid(IMAP.username, "is required to watch a mailbox"));
        }
        if settings.imap.password.is_none() {
            return Err(Error::invalid(IMAP.password, "is required to watch a mailbox"));
        }
    }
    Ok(())
}

/// A side with no host must have nothing else set.
fn check_server(fields: &ServerFields, server: &MailServerSettings) -> Result<()> {
    if server.host.is_some() {
        return Ok(());
    }
    let given = [
        (fields.port, server.port.is_some()),
        (fields.security, server.security.is_some()),
        (fields.username, server.username.is_some()),
        (fields.password, server.password.is_some()),
    ];
    match given.iter().find(|(_, set)| *set) {
        Some((field, _)) => Err(Error::invalid(
            fields.host,
            format!("is not set: your {} server's host comes first (the {} needs it)", fields.label, words(field)),
        )),
        None => Ok(()),
    }
}

/// A field's name as words: "SMTP port".
fn words(field: &str) -> String {
    field.replacen("smtp_", "SMTP ", 1).replacen("imap_", "IMAP ", 1)
}

/// A host name or address; empty is `None`.
fn optional_host(field: &'static str, host: &str) -> Result<Option<String>> {
    let host = host.trim();
    if host.is_empty() {
        return Ok(None);
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-.:[]_".contains(c);
    if host.len() > 253 || !host.chars().all(allowed) {
        return Err(Error::invalid(
            field,
            format!("\"{}\" is not a host name; give a name such as mail.example.org or an address", printable(host)),
        ));
    }
    Ok(Some(host.to_string()))
}

fn optional_security(field: &'static str, text: &str) -> Result<Option<String>> {
    match text.trim() {
        "" => Ok(None),
        text => Ok(Some(Security::parse(field, text).map_err(mail_error)?.as_str().to_string())),
    }
}

/// A text without control characters of at most `max` characters, trimmed; empty is `None`.
fn optional_text(field: &'static str, text: &str, max: usize) -> Result<Option<String>> {
    let text = text.trim();
    if text.chars().any(char::is_control) {
        return Err(Error::invalid(field, "must not hold control characters (a line break, a NUL, a tab)"));
    }
    if text.chars().count() > max {
        return Err(Error::invalid(field, format!("is longer than {max} characters")));
    }
    Ok((!text.is_empty()).then(|| text.to_string()))
}

/// A password as given (spaces kept), without control characters, at most 1024 characters.
fn check_password(field: &'static str, password: &str) -> Result<()> {
    if password.chars().any(char::is_control) {
        return Err(Error::invalid(field, "must not hold control characters (a line break, a NUL, a tab)"));
    }
    if password.chars().count() > 1024 {
        return Err(Error::invalid(field, "is longer than 1024 characters"));
    }
    Ok(())
}

/// A typed value quoted back without its control characters.
fn printable(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_policy_reads_its_two_words() {
        assert_eq!(UnknownPolicy::parse("unknown", " Review ").unwrap(), UnknownPolicy::Review);
        assert_eq!(UnknownPolicy::parse("unknown", "ignore").unwrap().as_str(), "ignore");
        let error = UnknownPolicy::parse("unknown", "maybe").unwrap_err();
        assert_eq!(error.field, Some("unknown"));
        assert_eq!(serde_json::to_string(&UnknownPolicy::Review).unwrap(), "\"review\"");
    }

    #[test]
    fn input_debug_hides_passwords() {
        let input = MailAccountInput {
            smtp_password: Some("hunter2-secret".into()),
            imap_password: Some(String::new()),
            ..MailAccountInput::default()
        };
        let shown = format!("{input:?}");
        assert!(!shown.contains("hunter2-secret"), "{shown}");
        assert!(shown.contains("given") && shown.contains("cleared"), "{shown}");
        assert!(!input.is_empty() && MailAccountInput::default().is_empty());
    }

    #[test]
    fn hosts_and_texts_are_checked() {
        assert_eq!(optional_host("smtp_host", " mail.example.org ").unwrap().as_deref(), Some("mail.example.org"));
        assert_eq!(optional_host("smtp_host", "").unwrap(), None);
        assert_eq!(optional_host("smtp_host", "[::1]").unwrap().as_deref(), Some("[::1]"));
        let error = optional_host("smtp_host", "mail example.org").unwrap_err();
        assert_eq!(error.field, Some("smtp_host"));
        assert!(optional_text("from_name", "Sam\nBcc: x", 200).is_err());
        assert!(optional_text("inbox_folder", "a\u{0}b", 255).is_err());
        assert!(check_password("smtp_password", "  spaces are kept  ").is_ok());
        assert!(check_password("smtp_password", "line\nbreak").is_err());
        assert_eq!(optional_security("smtp_security", "SSL").unwrap().as_deref(), Some("tls"));
        assert_eq!(optional_security("smtp_security", "maybe").unwrap_err().field, Some("smtp_security"));
    }
}

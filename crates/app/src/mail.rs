//! Who the account's emails come from, and a test message through the relay.

use serde::Deserialize;
use tickler_core::contact::EmailAddress;
use tickler_mail::{Email, Mailer, SmtpConfig};
use tickler_store::MailSettings;

use crate::error::{Error, Kind, Result};
use crate::{Actor, App};

/// The sender's name, address, signature and the hour of the daily digest; fields left out keep their value.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SenderInput {
    pub name: Option<String>,
    pub address: Option<String>,
    /// `\n` in the text becomes a line break (handy on a command line).
    pub signature: Option<String>,
    /// 0 to 23.
    pub digest_hour: Option<u32>,
    /// The day of the weekly review (`friday`), or `off` for none.
    #[serde(default)]
    pub review_day: Option<String>,
    /// The hour of the weekly review, 0 to 23.
    #[serde(default)]
    pub review_hour: Option<u32>,
}

impl SenderInput {
    /// Whether anything is to change.
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.address.is_none()
            && self.signature.is_none()
            && self.digest_hour.is_none()
            && self.review_day.is_none()
            && self.review_hour.is_none()
    }
}

/// The account's sender settings.
pub async fn sender(app: &App, actor: &Actor) -> Result<MailSettings> {
    Ok(app.store.mail_settings(actor.account_id()).await?)
}

/// Change the account's sender settings.
pub async fn update_sender(app: &App, actor: &Actor, input: &SenderInput) -> Result<MailSettings> {
    let mut settings = app.store.mail_settings(actor.account_id()).await?;
    if input.is_empty() {
        return Ok(settings);
    }
    if let Some(name) = &input.name {
        settings.from_name = name.trim().to_string();
    }
    if let Some(address) = &input.address {
        settings.from_address =
            EmailAddress::parse(address).map_err(|e| Error::from(e).renamed("email", "address"))?.as_str().to_string();
    }
    if let Some(signature) = &input.signature {
        settings.signature = signature.replace("\\n", "\n");
    }
    if let Some(hour) = input.digest_hour {
        settings.digest_hour = hour;
    }
    if let Some(day) = &input.review_day {
        settings.review_day = match day.trim().to_lowercase().as_str() {
            "off" | "none" | "never" => None,
            _ => Some(tickler_core::review::ReviewDay::parse(day)?),
        };
    }
    if let Some(hour) = input.review_hour {
        settings.review_hour = tickler_core::review::check_hour(hour)?;
    }
    Ok(app.store.update_mail_settings(actor.account_id(), &settings, actor.now).await?)
}

/// A test message that went out, and what the server said.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TestSent {
    pub to: String,
    pub server: String,
    pub answer: String,
    pub message_id: String,
}

/// Send a test message to `to` through the relay, from the account's sender.
pub async fn send_test(app: &App, actor: &Actor, config: &SmtpConfig, to: &str) -> Result<TestSent> {
    let settings = app.store.mail_settings(actor.account_id()).await?;
    send_test_as(config, to, (&settings.from_name, &settings.from_address), actor.now).await
}

/// Send a test message to `to` through the server of `config`, from `from` (name, address;
/// an empty address is the configuration's own From).
pub(crate) async fn send_test_as(
    config: &SmtpConfig,
    to: &str,
    from: (&str, &str),
    now: jiff::Timestamp,
) -> Result<TestSent> {
    let to = EmailAddress::parse(to).map_err(|e| Error::from(e).renamed("email", "to"))?;
    let (from_name, from_address) = from;
    let mailer = Mailer::new(config).map_err(mail_error)?;
    let stamp = now.as_second();
    let domain = from_address
        .rsplit_once('@')
        .or_else(|| config.from_address.rsplit_once('@'))
        .map_or("tickler.localhost", |(_, domain)| domain)
        .to_string();
    let email = Email {
        message_id: format!("<test.{stamp}.{}@{domain}>", std::process::id()),
        from_name: from_name.to_string(),
        from_address: from_address.to_string(),
        to: to.as_str().to_string(),
        subject: "Tickler test message".into(),
        body: format!(
            "This is a test message from Tickler, sent through {}:{}.\nIf you can read it, outbound email works.\n",
            config.host, config.port
        ),
        in_reply_to: None,
        references: Vec::new(),
        date: std::time::UNIX_EPOCH + std::time::Duration::from_secs(u64::try_from(stamp).unwrap_or(0)),
        html_body: None,
        list_unsubscribe: None,
    };
    let answer = mailer.send(&email).await.map_err(mail_error)?;
    Ok(TestSent {
        to: email.to,
        server: format!("{}:{}", config.host, config.port),
        answer,
        message_id: email.message_id,
    })
}

/// A mail error as an action's: settings are the person's to fix; the server's refusal or absence is not.
pub fn mail_error(error: tickler_mail::MailError) -> Error {
    match error {
        tickler_mail::MailError::Config { field, .. } => {
            Error { kind: Kind::Invalid, message: error.to_string(), field: Some(field) }
        }
        tickler_mail::MailError::Permanent(_) => Error::refused(error.to_string()),
        tickler_mail::MailError::Transient(_) => Error::new(Kind::Unavailable, error.to_string()),
    }
}

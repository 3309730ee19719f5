//! `mail test` and `mail from`: check the relay, set who emails come from.

use tickler_mail::{Email, MailError, Mailer, SmtpConfig};
use tickler_store::MailSettings;

use crate::app::App;
use crate::args::{MailCommand, SmtpArgs};
use crate::failure::{Failure, Outcome};
use crate::render;

impl From<MailError> for Failure {
    fn from(error: MailError) -> Self {
        match error {
            MailError::Config { .. } => Failure::Usage(error.to_string()),
            MailError::Permanent(_) | MailError::Transient(_) => Failure::Refused(error.to_string()),
        }
    }
}

/// The relay settings: the file named by `--mail-config`, overridden by `TICKLER_SMTP_*`.
pub fn smtp_config(args: &SmtpArgs) -> Outcome<SmtpConfig> {
    let file = match &args.mail_config {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|error| Failure::Usage(format!("mail-config: cannot read {path}: {error}")))?,
        ),
        None => None,
    };
    Ok(SmtpConfig::from_sources(file.as_deref(), |key| std::env::var(key).ok())?)
}

pub async fn run(app: &App, command: MailCommand) -> Outcome {
    match command {
        MailCommand::Test(args) => {
            let to = tickler_core::contact::EmailAddress::parse(&args.to)
                .map_err(|error| Failure::Usage(error.to_string().replacen("email", "to", 1)))?;
            let config = smtp_config(&args.smtp)?;
            let settings = app.store.mail_settings(app.account_id()).await?;
            let mailer = Mailer::new(&config)?;
            let stamp = app.now.timestamp().as_second();
            let domain = settings
                .from_address
                .rsplit_once('@')
                .or_else(|| config.from_address.rsplit_once('@'))
                .map_or("tickler.localhost", |(_, domain)| domain)
                .to_string();
            let email = Email {
                message_id: format!("<test.{stamp}.{}@{domain}>", std::process::id()),
                from_name: settings.from_name.clone(),
                from_address: settings.from_address.clone(),
                to: to.as_str().to_string(),
                subject: "Tickler test message".into(),
                body: format!(
                    "This is a test message from Tickler, sent through {}:{}.\nIf you can read it, outbound email works.\n",
                    config.host, config.port
                ),
                in_reply_to: None,
                references: Vec::new(),
                date: std::time::UNIX_EPOCH + std::time::Duration::from_secs(u64::try_from(stamp).unwrap_or(0)),
            };
            let answer = mailer.send(&email).await?;
            if app.json {
                return render::json(
                    &serde_json::json!({ "to": email.to, "server": format!("{}:{}", config.host, config.port), "answer": answer, "message_id": email.message_id }),
                );
            }
            say!("Sent to {} through {}:{}.", email.to, config.host, config.port);
            say!("The server answered: {answer}");
            Ok(())
        }
        MailCommand::From(args) => {
            let mut settings: MailSettings = app.store.mail_settings(app.account_id()).await?;
            let changing =
                args.name.is_some() || args.address.is_some() || args.signature.is_some() || args.digest_hour.is_some();
            if let Some(name) = args.name {
                settings.from_name = name.trim().to_string();
            }
            if let Some(address) = args.address {
                settings.from_address = tickler_core::contact::EmailAddress::parse(&address)
                    .map_err(|error| Failure::Usage(error.to_string().replacen("email", "address", 1)))?
                    .as_str()
                    .to_string();
            }
            if let Some(signature) = args.signature {
                settings.signature = signature.replace("\\n", "\n");
            }
            if let Some(hour) = args.digest_hour {
                settings.digest_hour = hour;
            }
            if changing {
                settings = app.store.update_mail_settings(app.account_id(), &settings, app.now.timestamp()).await?;
            }
            if app.json {
                return render::json(&settings);
            }
            say!("From:       {} <{}>", settings.from_name, settings.from_address);
            say!("Signature:  {}", settings.signature.replace('\n', "\n            "));
            say!("Digest at:  {:02}:00", settings.digest_hour);
            Ok(())
        }
    }
}

//! `mail test`, `mail from` and `mail check-replies`: check the relay, set
//! who emails come from, read the reply mailbox once.

use tickler_mail::{Email, ImapConfig, MailError, Mailer, SmtpConfig};
use tickler_server::scheduler::{Clock, ReplyError, ReplyReport, check_replies};
use tickler_store::MailSettings;

use crate::app::App;
use crate::args::{ImapArgs, MailCommand, SmtpArgs};
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

impl From<ReplyError> for Failure {
    fn from(error: ReplyError) -> Self {
        match error {
            ReplyError::Mail(error) => error.into(),
            ReplyError::Store(error) => error.into(),
        }
    }
}

/// The text of the file named by `--mail-config`, if any.
fn mail_file(args: &SmtpArgs) -> Outcome<Option<String>> {
    match &args.mail_config {
        Some(path) => Ok(Some(
            std::fs::read_to_string(path)
                .map_err(|error| Failure::Usage(format!("mail-config: cannot read {path}: {error}")))?,
        )),
        None => Ok(None),
    }
}

/// The relay settings: the file named by `--mail-config`, overridden by `TICKLER_SMTP_*`.
pub fn smtp_config(args: &SmtpArgs) -> Outcome<SmtpConfig> {
    Ok(SmtpConfig::from_sources(mail_file(args)?.as_deref(), |key| std::env::var(key).ok())?)
}

/// The reply mailbox: the `[imap]` section of `--mail-config`, overridden by
/// `TICKLER_IMAP_*`, then by the flags; `None` when no IMAP host is set.
pub fn imap_config(smtp: &SmtpArgs, args: &ImapArgs) -> Outcome<Option<ImapConfig>> {
    let mut config = ImapConfig::from_sources(mail_file(smtp)?.as_deref(), |key| std::env::var(key).ok())?;
    if let Some(config) = config.as_mut() {
        if let Some(seconds) = args.poll_seconds {
            config.poll_seconds = seconds;
        }
        if let Some(mailbox) = args.imap_mailbox.as_deref().map(str::trim).filter(|name| !name.is_empty()) {
            config.mailbox = mailbox.to_string();
        }
    }
    Ok(config)
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
        MailCommand::CheckReplies(args) => {
            let flags = ImapArgs { poll_seconds: None, imap_mailbox: args.imap_mailbox };
            let Some(imap) = imap_config(&args.smtp, &flags)? else {
                return Err(Failure::Usage(
                    "imap.host: not set; give it in the [imap] section of --mail-config or TICKLER_IMAP_HOST".into(),
                ));
            };
            let report = check_replies(&app.store, &imap, &Clock::starting_at(app.now.timestamp())).await?;
            if app.json {
                return render::json(&report);
            }
            print_report(&report)
        }
    }
}

fn print_report(report: &ReplyReport) -> Outcome {
    let from_start = if report.from_start { " (read from its start)" } else { "" };
    say!("{}: {} message(s); {} new read{from_start}.", report.mailbox, report.messages, report.read);
    for reply in &report.replies {
        let stopped = match reply.stopped.as_slice() {
            [] => String::new(),
            plans => format!(" Stopped: {}.", plans.join(", ")),
        };
        let how = if reply.outbox_id.is_some() { "answering a plan email" } else { "matched by the sender" };
        say!("{} replied ({how}): {}.{stopped}", reply.contact_name, reply.touch.summary);
    }
    say!(
        "{} repl{} recorded, {} already recorded, {} automatic, {} our own, {} unrelated.",
        report.replies.len(),
        if report.replies.len() == 1 { "y" } else { "ies" },
        report.already_recorded,
        report.automatic,
        report.own,
        report.unmatched
    );
    if !report.caught_up {
        say!("More messages remain; run it again (the worker reads them at its next checks).");
    }
    Ok(())
}

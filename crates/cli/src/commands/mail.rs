//! `mail test`, `mail from` and `mail check-replies`: check the relay, set
//! who emails come from, read the reply mailbox once; the settings file and
//! the secret key every mail command reads (`mail account` and `mail key` are
//! in [`super::mail_account`]).

use tickler_app::SecretKey;
use tickler_app::mail::{self, SenderInput, mail_error};
use tickler_app::mailbox::watch::WatchSettings;
use tickler_app::worker::{Clock, ReplyReport, check_replies};
use tickler_mail::{ImapConfig, MailError, SmtpConfig, secret_key_setting};

use crate::args::{ImapArgs, MailCommand, SmtpArgs};
use crate::context::Context;
use crate::failure::{Failure, Outcome};
use crate::render;

impl From<MailError> for Failure {
    fn from(error: MailError) -> Self {
        mail_error(error).into()
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

/// The installation's secret key for sealing stored passwords: `TICKLER_SECRET_KEY`,
/// else `secret_key = …` at the top of the `--mail-config` file; `None` when neither is set.
pub fn secret_key(args: &SmtpArgs) -> Outcome<Option<SecretKey>> {
    if let Some(text) = std::env::var("TICKLER_SECRET_KEY").ok().filter(|text| !text.trim().is_empty()) {
        let key = SecretKey::parse(&text).map_err(|error| {
            Failure::Usage(format!("TICKLER_SECRET_KEY{}", error.message.strip_prefix("secret_key").unwrap_or("")))
        })?;
        return Ok(Some(key));
    }
    let Some(text) = secret_key_setting(mail_file(args)?.as_deref())? else { return Ok(None) };
    let file = args.mail_config.as_deref().unwrap_or("the mail settings file");
    let key = SecretKey::parse(&text).map_err(|error| {
        Failure::Usage(format!("secret_key (in {file}){}", error.message.strip_prefix("secret_key").unwrap_or("")))
    })?;
    Ok(Some(key))
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

/// The installation's inbound address: `address` in `[imap]` of `--mail-config`, or `TICKLER_IMAP_ADDRESS`.
pub fn inbound_address(args: &SmtpArgs) -> Outcome<Option<String>> {
    Ok(ImapConfig::inbound_address(mail_file(args)?.as_deref(), |key| std::env::var(key).ok())?)
}

/// How the users' own mailboxes are watched: polled (and IDLE re-issued) every
/// `--poll-seconds` (default 60), with the installation's inbound address.
pub fn watch_settings(smtp: &SmtpArgs, imap: &ImapArgs) -> Outcome<WatchSettings> {
    let mut settings = WatchSettings { inbound: inbound_address(smtp)?, ..WatchSettings::default() };
    if let Some(seconds) = imap.poll_seconds {
        settings.poll = std::time::Duration::from_secs(seconds);
        settings.refresh = settings.refresh.min(settings.poll.max(std::time::Duration::from_secs(1)));
    }
    Ok(settings)
}

pub async fn run(cx: &Context, command: MailCommand) -> Outcome {
    match command {
        MailCommand::Test(args) => {
            let config = smtp_config(&args.smtp)?;
            let sent = mail::send_test(&cx.app, &cx.actor, &config, &args.to).await?;
            if cx.json {
                return render::json(&sent);
            }
            say!("Sent to {} through {}.", sent.to, sent.server);
            say!("The server answered: {}", sent.answer);
            Ok(())
        }
        MailCommand::From(args) => {
            let input = SenderInput {
                name: args.name,
                address: args.address,
                signature: args.signature,
                digest_hour: args.digest_hour,
                review_day: args.review_day,
                review_hour: args.review_hour,
            };
            let settings = mail::update_sender(&cx.app, &cx.actor, &input).await?;
            if cx.json {
                return render::json(&settings);
            }
            say!("From:       {} <{}>", settings.from_name, settings.from_address);
            say!("Signature:  {}", settings.signature.replace('\n', "\n            "));
            say!("Digest at:  {:02}:00", settings.digest_hour);
            match settings.review_day {
                Some(day) => say!("Review:     {} at {:02}:00", day.as_str(), settings.review_hour),
                None => say!("Review:     off (turn it on with --review-day friday)"),
            }
            Ok(())
        }
        MailCommand::CheckReplies(args) => {
            let flags = ImapArgs { poll_seconds: None, imap_mailbox: args.imap_mailbox };
            let Some(imap) = imap_config(&args.smtp, &flags)? else {
                return Err(Failure::Usage(
                    "imap.host: not set; give it in the [imap] section of --mail-config or TICKLER_IMAP_HOST".into(),
                ));
            };
            let report = check_replies(&cx.app, &imap, &Clock::starting_at(cx.actor.now))
                .await
                .map_err(tickler_app::Error::from)?;
            if cx.json {
                return render::json(&report);
            }
            print_report(&report)
        }
        MailCommand::Account(command) => super::mail_account::run(cx, command).await,
        MailCommand::Key => super::mail_account::key(cx.json),
        MailCommand::Rekey(_) => super::mail_account::rekey(cx).await,
        MailCommand::Addresses(args) => super::mailbox::addresses(cx, args).await,
        MailCommand::Check(args) => super::mailbox::check(cx, args).await,
        MailCommand::Review(args) => super::mailbox::review(cx, args).await,
        MailCommand::Deliverable(args) => super::mailbox::deliverable(cx, args).await,
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
    for handled in &report.work {
        say!("To a work address: {}", serde_json::to_string(handled).unwrap_or_default());
    }
    if !report.caught_up {
        say!("More messages remain; run it again (the worker reads them at its next checks).");
    }
    Ok(())
}

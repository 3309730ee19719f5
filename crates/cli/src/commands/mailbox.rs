//! `tickler mail addresses|check|review|deliverable`: a user's work
//! addresses, reading their own mailbox once (with a progress figure), the
//! people they wrote to who are not contacts yet, and an address that
//! bounced made deliverable again.

use std::io::Write;

use tickler_app::mail_accounts;
use tickler_app::mailbox::{self, Folder, Progress, SyncReport};
use tickler_app::worker::Clock;
use tickler_app::{Actor, contacts, correspondents, work_addresses};
use tickler_core::work_address::Addresses;

use crate::args_plans::{AddressesArgs, CheckArgs, DeliverableArgs, ReviewArgs};
use crate::context::Context;
use crate::failure::{Failure, Outcome};
use crate::render;

/// `tickler mail addresses [--new]`.
pub async fn addresses(cx: &Context, args: AddressesArgs) -> Outcome {
    let actor = super::mail_account::actor_for(cx, args.user.as_deref()).await?;
    let shown = if args.new {
        work_addresses::renew(&cx.app, &actor).await?
    } else {
        work_addresses::show(&cx.app, &actor).await?
    };
    if cx.json {
        return render::json(&shown);
    }
    let print = |heading: &str, addresses: &Addresses| -> Outcome {
        say!("{heading}");
        say!("  Log (BCC or forward):   {}", addresses.log);
        say!("  Remind (BCC, or alone): {}", addresses.remind);
        say!("    e.g. {}", addresses.examples.join("\n         "));
        Ok(())
    };
    match (&shown.own, &shown.inbound) {
        (None, None) => say!(
            "No work addresses yet: set your own mailbox (tickler mail account set --imap-host …) \
             or an installation inbound mailbox (address in [imap] of --mail-config, or TICKLER_IMAP_ADDRESS)."
        ),
        (own, inbound) => {
            if let Some(own) = own {
                print("On your own mailbox:", own)?;
            }
            if let Some(inbound) = inbound {
                print("On the installation's mailbox (private to you):", inbound)?;
                if args.new {
                    say!("A new secret was made: the addresses you had before no longer work.");
                }
            }
        }
    }
    if shown.ignored > 0 {
        say!(
            "{} message(s) to these addresses were ignored: sender not verified (only mail from your own addresses acts).",
            shown.ignored
        );
    }
    Ok(())
}

/// `tickler mail check`: read the user's own mailbox now (every user's with `--all`).
pub async fn check(cx: &Context, args: CheckArgs) -> Outcome {
    let mailboxes = if args.all {
        mail_accounts::watched_mailboxes(&cx.app).await?
    } else {
        let actor = super::mail_account::actor_for(cx, args.user.as_deref()).await?;
        let user = work_addresses::user_of(&actor)?;
        match mail_accounts::watched_mailbox(&cx.app, user.id).await? {
            Some(mailbox) => vec![mailbox],
            None => {
                return Err(Failure::Usage(format!(
                    "user: {} has no mailbox of their own to read; set one with tickler mail account set --imap-host …",
                    user.email.as_str()
                )));
            }
        }
    };
    let clock = Clock::starting_at(cx.actor.now);
    let mut reports: Vec<SyncReport> = Vec::new();
    let quiet = cx.json || args.quiet;
    for mailbox in &mailboxes {
        let mut show = |progress: Progress| {
            if quiet {
                return;
            }
            let folder = match progress.folder {
                Folder::Inbox => "INBOX",
                Folder::Sent => "Sent",
            };
            let mut err = std::io::stderr();
            let _ = write!(err, "\r{}: {folder}: {} of {} read", mailbox.user_email, progress.read, progress.total);
            let _ = err.flush();
        };
        let inbound = cx.app.inbound_address().map(str::to_string);
        let report = mailbox::sync(&cx.app, mailbox, inbound.as_deref(), &clock, &mut show).await?;
        if !quiet {
            eprintln!();
        }
        reports.push(report);
    }
    if cx.json {
        return render::json(&reports);
    }
    if reports.is_empty() {
        say!("No user has a mailbox of their own set: nothing to read (tickler mail account set --imap-host …).");
    }
    for report in &reports {
        print_sync(report)?;
    }
    Ok(())
}

fn print_sync(report: &SyncReport) -> Outcome {
    let from_start = if report.from_start { " (read from its start)" } else { "" };
    let sent_folder = report.sent_folder.as_deref().map(|f| format!(" and {f}")).unwrap_or_default();
    say!("{}: INBOX{sent_folder}: {} new message(s) read{from_start}.", report.mailbox, report.read);
    say!(
        "  {} received and {} sent email(s) logged on contacts, {} already logged; {} follow-up(s) and {} reminder(s) made.",
        report.received,
        report.sent,
        report.already,
        report.follow_ups,
        report.reminders
    );
    say!("  {} bounce(s), {} automatic message(s) left alone.", report.bounces, report.automatic);
    if report.ignored > 0 {
        say!("  {} message(s) ignored: sender not verified.", report.ignored);
    }
    if report.unknown > 0 {
        say!("  People who are not contacts yet were noted: see them with tickler mail review.");
    }
    Ok(())
}

/// `tickler mail review [--add EMAIL [--name NAME] | --dismiss EMAIL]`.
pub async fn review(cx: &Context, args: ReviewArgs) -> Outcome {
    let actor: Actor = super::mail_account::actor_for(cx, args.user.as_deref()).await?;
    if let Some(email) = &args.add {
        let contact = correspondents::add(&cx.app, &actor, email, args.name.as_deref()).await?;
        if cx.json {
            return render::json(&contact);
        }
        say!("Added {}", render::contact_line(&contact).trim_start());
        return Ok(());
    }
    if let Some(email) = &args.dismiss {
        correspondents::dismiss(&cx.app, &actor, email).await?;
        if !cx.json {
            say!("{email} will not be listed again.");
        }
        return Ok(());
    }
    let people = correspondents::list(&cx.app, &actor).await?;
    if cx.json {
        return render::json(&people);
    }
    if people.is_empty() {
        say!("Nobody to review: everyone you corresponded with is a contact (or was dismissed).");
        return Ok(());
    }
    say!("{} people you corresponded with are not contacts yet — add them?", people.len());
    for person in &people {
        let name = if person.name.is_empty() { String::new() } else { format!("{} ", person.name) };
        say!("  {name}<{}>: {} sent, {} received", person.email, person.sent, person.received);
    }
    say!("Add one with: tickler mail review --add EMAIL; hide one with --dismiss EMAIL.");
    Ok(())
}

/// `tickler mail deliverable EMAIL`: an address that bounced works again.
pub async fn deliverable(cx: &Context, args: DeliverableArgs) -> Outcome {
    let changed = contacts::clear_bounces(&cx.app, &cx.actor, &args.email).await?;
    if cx.json {
        return render::json(&serde_json::json!({ "email": args.email, "contacts": changed }));
    }
    if changed == 0 {
        return Err(Failure::Usage(format!("email: no contact has the address {}", args.email)));
    }
    say!("{} is deliverable again; automatic email may go there.", args.email);
    Ok(())
}

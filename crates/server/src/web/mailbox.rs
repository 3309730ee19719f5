//! The Settings page's part about the user's own mail: the addresses that do
//! work (log and remind, on their own mailbox and on the installation's
//! inbound mailbox), new addresses when the old ones leaked, and reading the
//! mailbox now, its report shown as a notice (a failure as an alert, never a 500).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use tickler_app::mailbox::{self, SyncReport};
use tickler_app::work_addresses;
use tickler_app::worker::Clock;
use tickler_app::{Actor, Kind, mail_accounts};
use tickler_core::work_address::Addresses;

use super::settings::show_outcome;
use super::{ReturnTo, done_redirect};
use crate::auth::PageForm;
use crate::error::{Failure, Result};
use crate::state::AppState;

/// Remind examples shown per mailbox.
const EXAMPLES_SHOWN: usize = 3;

/// The "Addresses that do work" section: each mailbox's addresses, the count of ignored messages, whether they can be renewed.
pub(super) async fn addresses(state: &AppState, actor: &Actor) -> Result<minijinja::Value> {
    let shown = work_addresses::show(&state.app, actor).await?;
    let side = |key: &str, heading: &str, addresses: &Addresses| {
        minijinja::context! {
            key,
            heading,
            log => addresses.log.clone(),
            remind => addresses.remind.clone(),
            examples => addresses.examples.iter().take(EXAMPLES_SHOWN).cloned().collect::<Vec<_>>(),
        }
    };
    let mut sides = Vec::new();
    if let Some(own) = &shown.own {
        sides.push(side("own", "On your own mailbox", own));
    }
    if let Some(inbound) = &shown.inbound {
        sides.push(side("inbound", "On this installation's mailbox (private to you)", inbound));
    }
    let ignored =
        (shown.ignored > 0).then(|| format!("{} ignored: sender not verified.", count(shown.ignored, "message")));
    Ok(minijinja::context! { sides, ignored, renewable => shown.inbound.is_some() })
}

/// POST /settings/addresses/new: a new secret; the old installation-mailbox addresses stop working.
pub async fn renew(State(state): State<AppState>, headers: HeaderMap, form: PageForm<ReturnTo>) -> Response {
    let PageForm { caller, .. } = form;
    match work_addresses::renew(&state.app, &caller.actor(&state)).await {
        Ok(_) => done_redirect("/settings", "addresses"),
        Err(error) => {
            let failure = Failure::from(error);
            show_outcome(&state, &headers, &caller, Err((failure.status, failure.message))).await
        }
    }
}

/// POST /settings/mailbox/read: read the signed-in user's mailbox now and say what it found.
pub async fn read_now(State(state): State<AppState>, headers: HeaderMap, form: PageForm<ReturnTo>) -> Response {
    let PageForm { caller, .. } = form;
    let actor = caller.actor(&state);
    let result = async {
        let Some(watched) = mail_accounts::watched_mailbox(&state.app, caller.user.id).await? else {
            return Err(tickler_app::Error::refused(
                "you have no mailbox to read: set its server (IMAP) under Your mailbox first",
            ));
        };
        let clock = Clock::starting_at(actor.now);
        let inbound = state.app.inbound_address().map(str::to_string);
        mailbox::sync(&state.app, &watched, inbound.as_deref(), &clock, &mut |_| {}).await
    }
    .await;
    let outcome = result.map(|report| sync_text(&report)).map_err(unread);
    show_outcome(&state, &headers, &caller, outcome).await
}

/// Why the mailbox was not read, in the mail server's own words (an
/// unreachable server is not "the database"), with its status: never a 500
/// unless the fault is Tickler's.
fn unread(error: tickler_app::Error) -> (StatusCode, String) {
    let internal = error.kind == Kind::Internal;
    let failure = Failure::from_mail(error);
    if internal {
        (failure.status, failure.message)
    } else {
        (failure.status, format!("Your mailbox was not read: {}", failure.message))
    }
}

/// What a read found, in one sentence: "12 messages read: 3 emails logged, 1 follow-up made."
pub fn sync_text(report: &SyncReport) -> String {
    if report.read == 0 {
        return "Your mailbox was read: no new messages.".to_string();
    }
    let mut found = Vec::new();
    let mut say = |n: u64, text: String| {
        if n > 0 {
            found.push(text);
        }
    };
    let logged = report.received + report.sent;
    say(logged, format!("{} logged", count(logged, "email")));
    say(report.already, format!("{} already logged", report.already));
    say(report.follow_ups, format!("{} made", count(report.follow_ups, "follow-up")));
    say(report.reminders, format!("{} set", count(report.reminders, "reminder")));
    say(report.bounces, format!("{} noted", count(report.bounces, "bounce")));
    say(report.ignored, format!("{} ignored: sender not verified", report.ignored));
    say(report.automatic, format!("{} automatic left alone", report.automatic));
    say(report.unreadable, format!("{} unreadable", report.unreadable));
    say(report.unknown, format!("{}, to review", not_contacts(report.unknown)));
    if found.is_empty() {
        found.push("nothing in them for Tickler".to_string());
    }
    format!("{} read: {}.", count(report.read, "message"), found.join(", "))
}

/// "1 message", "3 messages".
fn count(n: u64, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

/// "1 person who is not a contact yet", "3 people who are not contacts yet".
pub(super) fn not_contacts(n: u64) -> String {
    if n == 1 {
        "1 person who is not a contact yet".to_string()
    } else {
        format!("{n} people who are not contacts yet")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_reads_as_a_sentence() {
        assert_eq!(sync_text(&SyncReport::default()), "Your mailbox was read: no new messages.");
        let report = SyncReport { read: 12, received: 1, sent: 2, follow_ups: 1, ignored: 3, ..SyncReport::default() };
        assert_eq!(
            sync_text(&report),
            "12 messages read: 3 emails logged, 1 follow-up made, 3 ignored: sender not verified."
        );
        let report = SyncReport { read: 1, unknown: 1, ..SyncReport::default() };
        assert_eq!(sync_text(&report), "1 message read: 1 person who is not a contact yet, to review.");
        let report = SyncReport { read: 2, ..SyncReport::default() };
        assert_eq!(sync_text(&report), "2 messages read: nothing in them for Tickler.");
    }

    #[test]
    fn an_unreachable_mail_server_is_not_the_database() {
        let (status, alert) =
            unread(tickler_app::Error::new(Kind::Unavailable, "imap 127.0.0.1:1: connection refused"));
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(alert, "Your mailbox was not read: imap 127.0.0.1:1: connection refused");
        let (status, _) = unread(tickler_app::Error::refused("the mail server refused: bad login"));
        assert_eq!(status, StatusCode::CONFLICT);
    }
}

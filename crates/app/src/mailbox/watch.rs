//! The watchers: one task per configured mailbox, each with its own
//! connection, so a slow or broken server holds up nobody else's. A watcher
//! reads what is new, then waits on the INBOX with IMAP IDLE where the
//! server offers it (a delivery wakes it at once), polling otherwise, and
//! reads again; the Sent folder is read on every wake and at least every
//! `poll`. A failure closes the connection and the watcher tries again after
//! a backoff that doubles up to [`MAX_BACKOFF`]. The set of mailboxes is
//! read again every `refresh`: a mailbox added, changed or removed on the
//! Settings page gets its watcher started, restarted or stopped.

use std::collections::HashMap;
use std::time::Duration;

use tickler_core::ids::UserId;
use tickler_mail::Inbox;
use tokio::task::JoinHandle;

use crate::App;
use crate::mail_accounts::{WatchedMailbox, watched_mailboxes};
use crate::mailbox::{Owner, SyncReport, sync_open};
use crate::worker::Clock;

/// The log target of the mailbox watchers, for `RUST_LOG=tickler::mail=…`.
pub const TARGET: &str = "tickler::mail";

/// The longest wait between attempts on a failing mailbox.
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// How the watchers run.
#[derive(Debug, Clone)]
pub struct WatchSettings {
    /// The longest wait between reads (IDLE is re-issued, the Sent folder read).
    pub poll: Duration,
    /// How often the list of mailboxes is read again.
    pub refresh: Duration,
    /// The first wait after a failure.
    pub first_backoff: Duration,
    /// The installation's inbound address (its work addresses carry a user's secret).
    pub inbound: Option<String>,
}

impl Default for WatchSettings {
    fn default() -> Self {
        WatchSettings {
            poll: Duration::from_secs(60),
            refresh: Duration::from_secs(60),
            first_backoff: Duration::from_secs(2),
            inbound: None,
        }
    }
}

/// Run a watcher per mailbox until `shutdown` completes.
pub async fn run(app: App, clock: Clock, settings: WatchSettings, shutdown: impl std::future::Future<Output = ()>) {
    tokio::pin!(shutdown);
    let mut running: HashMap<UserId, (String, JoinHandle<()>)> = HashMap::new();
    loop {
        match watched_mailboxes(&app).await {
            Ok(mailboxes) => {
                let wanted: HashMap<UserId, WatchedMailbox> =
                    mailboxes.into_iter().map(|mailbox| (mailbox.user_id, mailbox)).collect();
                running.retain(|user, (fingerprint, task)| {
                    let keep = wanted.get(user).is_some_and(|mailbox| fingerprint_of(mailbox) == *fingerprint);
                    if !keep || task.is_finished() {
                        task.abort();
                    }
                    keep && !task.is_finished()
                });
                for (user, mailbox) in wanted {
                    if running.contains_key(&user) {
                        continue;
                    }
                    let fingerprint = fingerprint_of(&mailbox);
                    let task = tokio::spawn(watch(app.clone(), mailbox, clock.clone(), settings.clone()));
                    running.insert(user, (fingerprint, task));
                }
            }
            Err(error) => tracing::error!(target: TARGET, "reading the mailboxes to watch: {error}"),
        }
        tokio::select! {
            () = &mut shutdown => break,
            () = tokio::time::sleep(settings.refresh) => {}
        }
    }
    for (_, (_, task)) in running {
        task.abort();
    }
}

/// What makes a watcher's connection: a change restarts it.
fn fingerprint_of(mailbox: &WatchedMailbox) -> String {
    format!("{:?}|{}|{:?}|{:?}", mailbox.imap, mailbox.imap.password.len(), mailbox.sent_folder, mailbox.unknown_policy)
}

/// Watch one mailbox for ever: read, wait for news, read again; back off on failure.
pub async fn watch(app: App, mailbox: WatchedMailbox, clock: Clock, settings: WatchSettings) {
    let owner = Owner::of_mailbox(&mailbox);
    let mut backoff = settings.first_backoff;
    loop {
        match session(&app, &owner, &mailbox, &clock, &settings).await {
            Ok(()) => backoff = settings.first_backoff,
            Err(error) => {
                tracing::warn!(
                    target: TARGET,
                    user_id = mailbox.user_id.get(),
                    host = mailbox.imap.host.as_str(),
                    "reading the mailbox: {error}; trying again in {} s",
                    backoff.as_secs()
                );
                let key = crate::mailbox::position_key(&mailbox, &mailbox.imap.mailbox);
                let _ = app.store().note_mailbox_state(&key, 0, Some(&error.to_string()), clock.now()).await;
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// One connection's life: read, then wait and read again until something fails.
async fn session(
    app: &App,
    owner: &Owner,
    mailbox: &WatchedMailbox,
    clock: &Clock,
    settings: &WatchSettings,
) -> crate::Result<()> {
    let (mut inbox, mut status) = Inbox::open(&mailbox.imap).await.map_err(crate::mail::mail_error)?;
    let result = async {
        loop {
            let report =
                sync_open(app, owner, mailbox, &mut inbox, status, settings.inbound.as_deref(), clock, &mut |_| {})
                    .await?;
            tell(&mailbox.user_email, &report);
            status = inbox.wait_for_news(settings.poll).await.map_err(crate::mail::mail_error)?;
        }
    }
    .await;
    inbox.close().await;
    result
}

/// One line when a read did something.
fn tell(user: &str, report: &SyncReport) {
    let parts: Vec<String> = [
        (report.received, "received"),
        (report.sent, "sent"),
        (report.follow_ups, "follow-ups made"),
        (report.reminders, "reminders set"),
        (report.bounces, "bounces"),
        (report.ignored, "ignored: sender not verified"),
    ]
    .iter()
    .filter(|(count, _)| *count > 0)
    .map(|(count, what)| format!("{count} {what}"))
    .collect();
    if !parts.is_empty() {
        tracing::info!(target: TARGET, user, "mailbox read: {}", parts.join(", "));
    }
}

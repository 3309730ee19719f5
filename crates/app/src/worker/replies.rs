//! Reply detection: read the IMAP mailbox past the last UID seen (all of it
//! again when its UIDVALIDITY changed), record each reply with the store —
//! one transaction per message, none held across the network — and remember
//! how far it got. The worker loop runs it every `poll_seconds`, before it
//! sends what is due, so a reply stops a plan before its next email goes.

use std::time::Duration;

use serde::Serialize;
use tickler_core::reply::InboundReply;
use tickler_mail::{ImapConfig, InboundMessage, Inbox, MailError, MailboxStatus};
use tickler_store::{MailboxPoll, RecordedReply, ReplyOutcome};

use tokio::time::Instant;

use crate::App;

use super::Clock;

/// Messages fetched per round trip to the server.
const BATCH: usize = 100;
/// Round trips per check: a large mailbox read for the first time is read over
/// several checks, each saving its place.
const ROUNDS: usize = 20;

/// What one check of the mailbox found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReplyReport {
    /// The mailbox, as `imap://user@host:port/MAILBOX`.
    pub mailbox: String,
    /// Messages in the mailbox.
    pub messages: u32,
    /// New messages read in this check.
    pub read: u64,
    /// The mailbox was read from its start: the first check, or its UIDVALIDITY changed.
    pub from_start: bool,
    /// Replies recorded, each on a contact's timeline.
    pub replies: Vec<RecordedReply>,
    /// Replies read before (already on the timeline).
    pub already_recorded: u64,
    /// Auto-replies, delivery reports and list mail, left alone.
    pub automatic: u64,
    /// Copies of our own emails.
    pub own: u64,
    /// Messages that answer none of our emails.
    pub unmatched: u64,
    /// Messages sent to a user's work address (`followup+SECRET.log@…`), each handled for that user.
    pub work: Vec<crate::mailbox::Handled>,
    /// Everything in the mailbox has been read (false when a check stopped after its last round).
    pub caught_up: bool,
}

/// Why a check failed: the mail server or the database. The next check tries again.
#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    #[error("{0}")]
    Mail(#[from] MailError),
    #[error(transparent)]
    Store(#[from] tickler_store::Error),
    #[error(transparent)]
    App(crate::Error),
}

/// Log in, read the new messages, record the replies among them, log out.
pub async fn check_replies(app: &App, imap: &ImapConfig, clock: &Clock) -> Result<ReplyReport, ReplyError> {
    let (mut inbox, status) = Inbox::open(imap).await?;
    let result = read_new(app, &mut inbox, imap, status, clock).await;
    inbox.close().await;
    result
}

async fn read_new(
    app: &App,
    inbox: &mut Inbox,
    imap: &ImapConfig,
    status: MailboxStatus,
    clock: &Clock,
) -> Result<ReplyReport, ReplyError> {
    let store = app.store();
    let key = imap.mailbox_key();
    let mut report = ReplyReport { mailbox: key.clone(), messages: status.messages, ..ReplyReport::default() };
    let mut last_uid = match store.mailbox_poll(&key).await? {
        Some(poll) if poll.uid_validity == status.uid_validity => poll.last_uid,
        _ => {
            report.from_start = true;
            0
        }
    };
    for _ in 0..ROUNDS {
        let messages = inbox.fetch_after(last_uid, BATCH).await?;
        for message in &messages {
            record(app, message, clock, &mut report).await?;
        }
        let Some(newest) = messages.last().map(|message| message.uid) else {
            report.caught_up = true;
            break;
        };
        last_uid = newest;
        let poll = MailboxPoll { uid_validity: status.uid_validity, last_uid };
        store.save_mailbox_poll(&key, poll, clock.now()).await?;
        if messages.len() < BATCH {
            report.caught_up = true;
            break;
        }
    }
    if report.from_start && report.read == 0 {
        // An empty (or renumbered and emptied) mailbox: remember its UIDVALIDITY all the same.
        store.save_mailbox_poll(&key, MailboxPoll { uid_validity: status.uid_validity, last_uid }, clock.now()).await?;
    }
    Ok(report)
}

async fn record(
    app: &App,
    message: &InboundMessage,
    clock: &Clock,
    report: &mut ReplyReport,
) -> Result<(), ReplyError> {
    let store = app.store();
    report.read += 1;
    if let Some(inbound) = app.inbound_address() {
        let mut work = crate::mailbox::SyncReport::default();
        match crate::mailbox::message::handle_installation(app, inbound, message, clock.now(), &mut work).await {
            Ok(Some(handled)) => {
                report.work.push(handled);
                return Ok(());
            }
            Ok(None) => {}
            Err(error) => return Err(ReplyError::App(error)),
        }
    }
    if message.automatic {
        report.automatic += 1;
        return Ok(());
    }
    let reply = InboundReply::new(&crate::mailbox::message::parts(message));
    match store.record_reply(&reply, clock.now()).await? {
        ReplyOutcome::Recorded(replies) => report.replies.extend(replies),
        ReplyOutcome::AlreadyRecorded => report.already_recorded += 1,
        ReplyOutcome::OwnEmail => report.own += 1,
        ReplyOutcome::Unmatched => report.unmatched += 1,
    }
    Ok(())
}

/// Checks the mailbox every `poll_seconds` from inside the worker loop; does
/// nothing when IMAP is not configured.
#[derive(Debug)]
pub struct ReplyPoller {
    imap: Option<ImapConfig>,
    next: Instant,
}

impl ReplyPoller {
    /// A poller whose first check is due at once.
    pub fn new(imap: Option<ImapConfig>) -> ReplyPoller {
        ReplyPoller { imap, next: Instant::now() }
    }

    /// Check the mailbox when due. A failure is reported and the next check tries again;
    /// a check that did not catch up is followed by another at once.
    pub async fn poll_if_due(&mut self, app: &App, clock: &Clock) {
        let Some(imap) = &self.imap else { return };
        if Instant::now() < self.next {
            return;
        }
        let mut again = Duration::from_secs(imap.poll_seconds);
        // Each step has its own timeout; the whole check is bounded too, so a slow
        // server cannot hold up the plan emails for long. What was read is kept.
        let limit = Duration::from_secs(imap.timeout_seconds.saturating_mul(2));
        let checked = tokio::time::timeout(limit, check_replies(app, imap, clock)).await.unwrap_or_else(|_| {
            Err(ReplyError::Mail(MailError::Transient(format!(
                "imap {}: the check took longer than {} s; it goes on at the next check",
                imap.mailbox_key(),
                limit.as_secs()
            ))))
        });
        match checked {
            Ok(report) => {
                for reply in &report.replies {
                    let stopped = match reply.stopped.as_slice() {
                        [] => String::new(),
                        plans => format!("; stopped {}", plans.join(", ")),
                    };
                    tracing::info!(target: super::events::TARGET, contact_id = reply.contact_id.get(), "reply recorded{stopped}");
                }
                if !report.caught_up {
                    again = Duration::ZERO;
                }
            }
            Err(error) => tracing::warn!(
                target: super::events::TARGET,
                "checking replies: {error}; trying again in {} s",
                imap.poll_seconds
            ),
        }
        self.next = Instant::now() + again;
    }

    /// How long until the next check; `None` when reply detection is off.
    pub fn wait(&self) -> Option<Duration> {
        self.imap.as_ref().map(|_| self.next.saturating_duration_since(Instant::now()))
    }
}

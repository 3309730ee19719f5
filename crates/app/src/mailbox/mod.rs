//! Each user's own mailbox, read into the record: the INBOX (replies,
//! bounces, mail to work addresses) and the Sent folder (what the user wrote
//! from their own client), each past the last UID read (all of it again
//! when its UIDVALIDITY changed), a batch at a time so a mailbox of any size
//! is read in bounded memory, its place saved after every batch. What one
//! message does is in [`message`]; the watchers that keep reading are in [`watch`].

pub mod batch;
pub mod message;
pub mod watch;

use jiff::Timestamp;
use serde::Serialize;
use tickler_core::ids::{AccountId, UserId};
use tickler_mail::{ImapConfig, Inbox, MailError, MailboxStatus};
use tickler_store::MailboxPoll;

use crate::error::{Error, Result};
use crate::mail_accounts::{UnknownPolicy, WatchedMailbox};
use crate::worker::Clock;
use crate::{Actor, App};

pub use message::Handled;

/// Messages fetched per round trip.
pub const BATCH: usize = 100;

/// Which folder a message was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Folder {
    Inbox,
    Sent,
}

/// Whose mail is being read, and what counts as theirs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub user_id: UserId,
    pub account_id: AccountId,
    /// Where their reminders go.
    pub user_email: String,
    /// Lower case; mail to a work address acts only from one of these.
    pub own_addresses: Vec<String>,
    /// List the people they correspond with who are not contacts.
    pub review_unknown: bool,
}

impl Owner {
    /// The owner of a watched mailbox.
    pub fn of_mailbox(mailbox: &WatchedMailbox) -> Owner {
        Owner {
            user_id: mailbox.user_id,
            account_id: mailbox.account_id,
            user_email: mailbox.user_email.clone(),
            own_addresses: mailbox.own_addresses.clone(),
            review_unknown: mailbox.unknown_policy == UnknownPolicy::Review,
        }
    }

    /// A user found by their work-address secret (they may have no mailbox of their own).
    pub async fn of(app: &App, user_id: UserId, account_id: AccountId) -> Result<Owner> {
        let user = app.store.user(account_id, user_id).await?;
        let review_unknown = app.store.reviews_unknown(user_id).await?;
        Ok(Owner {
            user_id,
            account_id,
            user_email: user.email.as_str().to_string(),
            own_addresses: app.store.own_addresses(user_id).await?,
            review_unknown,
        })
    }

    /// The owner as the actor of what their mail does, at `now`, in their account's zone.
    pub async fn actor(&self, app: &App, now: Timestamp) -> Result<Actor> {
        let account = app.store.account(self.account_id).await?;
        let user = app.store.user(self.account_id, self.user_id).await?;
        Ok(Actor::new(account, Some(user), now))
    }
}

/// What reading a mailbox found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncReport {
    /// The mailbox, as `imap://user@host:port`.
    pub mailbox: String,
    /// Messages read in this sync (INBOX and Sent).
    pub read: u64,
    /// A folder was read from its start (the first sync, or its UIDVALIDITY changed).
    pub from_start: bool,
    /// Email touches recorded: inbound (replies and mail from contacts) and outbound (Sent, logged).
    pub received: u64,
    pub sent: u64,
    /// Messages whose touches were recorded before.
    pub already: u64,
    pub follow_ups: u64,
    pub reminders: u64,
    pub unreadable: u64,
    pub bounces: u64,
    pub automatic: u64,
    /// Mail to a work address that did not act: the sender was not verified.
    pub ignored: u64,
    /// Correspondents noted for review (not contacts yet).
    pub unknown: u64,
    /// The Sent folder read, when there is one.
    pub sent_folder: Option<String>,
}

impl SyncReport {
    /// Add what a batch's writes counted (the touches recorded, or found recorded before).
    fn add_written(&mut self, written: &SyncReport) {
        self.received += written.received;
        self.sent += written.sent;
        self.already += written.already;
    }
}

/// How far a sync has got, for a progress line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub folder: Folder,
    /// Messages read in this folder so far.
    pub read: u64,
    /// Messages in the folder.
    pub total: u32,
}

/// Read `mailbox`'s new mail: INBOX first, then the Sent folder.
pub async fn sync(
    app: &App,
    mailbox: &WatchedMailbox,
    inbound: Option<&str>,
    clock: &Clock,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<SyncReport> {
    let owner = Owner::of_mailbox(mailbox);
    let result = match Inbox::open(&mailbox.imap).await {
        Ok((mut inbox, status)) => {
            let result = sync_open(app, &owner, mailbox, &mut inbox, status, inbound, clock, progress).await;
            inbox.close().await;
            result
        }
        // Connecting or logging in failed: remembered like any other failure.
        Err(error) => Err(crate::mail::mail_error(error)),
    };
    let error = result.as_ref().err().map(ToString::to_string);
    app.store
        .note_mailbox_state(&position_key(mailbox, &mailbox.imap.mailbox), 0, error.as_deref(), clock.now())
        .await?;
    result
}

/// Read both folders on an open session.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn sync_open(
    app: &App,
    owner: &Owner,
    mailbox: &WatchedMailbox,
    inbox: &mut Inbox,
    status: MailboxStatus,
    inbound: Option<&str>,
    clock: &Clock,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<SyncReport> {
    let mut report = SyncReport { mailbox: display(&mailbox.imap), ..SyncReport::default() };
    let inbox_key = position_key(mailbox, &mailbox.imap.mailbox);
    read_folder(app, owner, inbox, status, &inbox_key, Folder::Inbox, inbound, clock, progress, &mut report).await?;
    let sent = match &mailbox.sent_folder {
        Some(folder) => Some(folder.clone()),
        None => inbox.sent_folder().await.map_err(crate::mail::mail_error)?,
    };
    if let Some(sent) = sent.filter(|sent| *sent != mailbox.imap.mailbox) {
        let status = inbox.examine(&sent).await.map_err(crate::mail::mail_error)?;
        let key = position_key(mailbox, &sent);
        read_folder(app, owner, inbox, status, &key, Folder::Sent, inbound, clock, progress, &mut report).await?;
        inbox.examine(&mailbox.imap.mailbox).await.map_err(crate::mail::mail_error)?;
        report.sent_folder = Some(sent);
    }
    Ok(report)
}

/// Read one folder past its saved place, saving the place after every batch.
/// Three batches are in hand at once: while one is parsed and decided, the
/// one before it is written (then its place saved) and the one after it
/// fetched, so the mail server, this process and the database work at the
/// same time. A batch with mail to a work address is handled alone, once the
/// one before it is written (such mail acts on the record as the mail before
/// it left it).
#[allow(clippy::too_many_arguments)]
async fn read_folder(
    app: &App,
    owner: &Owner,
    inbox: &mut Inbox,
    status: MailboxStatus,
    key: &str,
    folder: Folder,
    inbound: Option<&str>,
    clock: &Clock,
    progress: &mut (dyn FnMut(Progress) + Send),
    report: &mut SyncReport,
) -> Result<()> {
    let last_uid = match app.store.mailbox_poll(key).await? {
        Some(poll) if poll.uid_validity == status.uid_validity => poll.last_uid,
        _ => {
            report.from_start = true;
            0
        }
    };
    let save = |last_uid: u32| async move {
        let poll = MailboxPoll { uid_validity: status.uid_validity, last_uid };
        app.store.save_mailbox_poll(key, poll, clock.now()).await
    };
    let mut read = 0u64;
    // The batch decided but not written yet, and the place it reaches.
    let mut pending: Option<(batch::Pending, u32)> = None;
    let mut fetched = inbox.fetch_unread_after(last_uid, BATCH).await.map_err(crate::mail::mail_error)?;
    // The highest UID fetched so far.
    let mut reached = last_uid;
    loop {
        let newest = fetched.newest().map_or(reached, |newest| newest.max(reached));
        reached = newest;
        let more = fetched.len() >= BATCH;
        let fetching = async { if more { Some(inbox.fetch_unread_after(newest, BATCH).await) } else { None } };
        // What the batch before counts once written (the report is this batch's meanwhile).
        let mut written = SyncReport::default();
        let writing = async {
            if let Some((before, reached)) = pending.take() {
                before.write(app, owner, &mut written).await?;
                save(reached).await?;
            }
            Ok::<(), Error>(())
        };
        // Parsed and decided here, beside the writing and the fetching: a
        // batch with mail to a work address is only parsed, and handled below.
        let deciding = async {
            let messages = fetched.parse().await.map_err(crate::mail::mail_error)?;
            if !batch::decidable_apart(owner, inbound, &messages) {
                return Ok::<_, Error>((messages, None));
            }
            let decided = batch::decide(app, owner, folder, &messages, clock, report).await?;
            Ok((messages, Some(decided)))
        };
        let (wrote, decided, next) = tokio::join!(writing, deciding, fetching);
        wrote?;
        let (messages, decided) = decided?;
        match decided {
            Some(decided) => {
                decided.bounces(app, owner, &messages, report).await?;
                pending = Some((decided.pending, newest));
            }
            None => {
                batch::handle_all(app, owner, inbound, folder, &messages, clock, report).await?;
                save(newest).await?;
            }
        }
        report.add_written(&written);
        read += messages.len() as u64;
        report.read += messages.len() as u64;
        progress(Progress { folder, read, total: status.messages });
        let next = match next.map(|next| next.map_err(crate::mail::mail_error)) {
            Some(Ok(next)) => Some(next),
            failed => {
                // The last batch, or the next one could not be fetched: what was decided is written first.
                if let Some((last, reached)) = pending.take() {
                    last.write(app, owner, report).await?;
                    save(reached).await?;
                }
                failed.transpose()?;
                None
            }
        };
        match next {
            Some(next) => fetched = next,
            None => return Ok(()),
        }
    }
}

/// Where the count of a user's ignored work-address mail is kept (whichever mailbox it arrived in).
pub fn ignored_key(user: UserId) -> String {
    format!("user {user}: work addresses")
}

/// Where the place in a user's folder is saved: per user, server, login and folder.
pub fn position_key(mailbox: &WatchedMailbox, folder: &str) -> String {
    let mut imap = mailbox.imap.clone();
    imap.mailbox = folder.to_string();
    format!("user {}: {}", mailbox.user_id, imap.mailbox_key())
}

fn display(imap: &ImapConfig) -> String {
    format!("imap://{}@{}:{}", imap.username, imap.host, imap.port)
}

/// A mail error while reading a mailbox, as an action's error.
pub fn failed(error: MailError) -> Error {
    crate::mail::mail_error(error)
}

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
    /// Add what the writes counted: the touches recorded (or found recorded before), and the bounces.
    fn add_written(&mut self, written: &SyncReport) {
        self.received += written.received;
        self.sent += written.sent;
        self.already += written.already;
        self.bounces += written.bounces;
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
    let folder = Folder::Inbox;
    let writing =
        read_folder(app, owner, inbox, status, &inbox_key, folder, inbound, clock, progress, &mut report, None);
    let writing = writing.await?;
    // The INBOX's last writes go on while the Sent folder is found and read
    // (its writes wait for them): the mail server and this process need not
    // stand idle meanwhile.
    let sent = match &mailbox.sent_folder {
        Some(folder) => Ok(Some(folder.clone())),
        None => inbox.sent_folder().await.map_err(crate::mail::mail_error),
    };
    let sent = match sent {
        Ok(sent) => sent.filter(|sent| *sent != mailbox.imap.mailbox),
        Err(error) => return Err(written(writing, &mut report).await.err().unwrap_or(error)),
    };
    let Some(sent) = sent else {
        written(writing, &mut report).await?;
        return Ok(report);
    };
    let status = match inbox.examine(&sent).await {
        Ok(status) => status,
        Err(error) => {
            let error = crate::mail::mail_error(error);
            return Err(written(writing, &mut report).await.err().unwrap_or(error));
        }
    };
    let key = position_key(mailbox, &sent);
    let folder = Folder::Sent;
    let writing =
        read_folder(app, owner, inbox, status, &key, folder, inbound, clock, progress, &mut report, Some(writing));
    written(writing.await?, &mut report).await?;
    inbox.examine(&mailbox.imap.mailbox).await.map_err(crate::mail::mail_error)?;
    report.sent_folder = Some(sent);
    Ok(report)
}

/// The writing half of a folder's read ([`write_decided`]), perhaps still
/// going: what it wrote (and the writing before it, which it waited for).
type Writing = tokio::task::JoinHandle<Result<SyncReport>>;

/// Wait for `writing` to end; what it wrote is counted in `report`.
async fn written(writing: Writing, report: &mut SyncReport) -> Result<()> {
    let written = writing.await.map_err(|error| Error::internal(format!("writing the mail read failed: {error}")))?;
    report.add_written(&written?);
    Ok(())
}

/// Read one folder past its saved place, saving the place after every write.
/// Reading and writing go on side by side: the reading half decides the
/// batch in hand while it parses the next one and fetches the one after, and
/// hands each batch decided to the writing half ([`write_decided`]), which
/// writes what has queued up meanwhile in one transaction, then saves the
/// place it reaches.
/// So the mail server, this process and the database work at the same time,
/// and the slower the database, the fewer (larger) its transactions. A batch
/// with mail to a work address is handled alone, once all before it is
/// written (such mail acts on the record as the mail before it left it).
///
/// The writing half first waits for `before` (the previous folder's, still
/// writing), so what is written stays in the order it was read. Once the
/// reading is done, the writing half is handed back still going; when the
/// reading fails, it is waited for first (what was decided is written and
/// its place saved), and its own error, if any, is the one returned.
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
    before: Option<Writing>,
) -> Result<Writing> {
    let last_uid = match app.store.mailbox_poll(key).await {
        Ok(poll) => poll,
        Err(error) => {
            return match before {
                Some(before) => Err(written(before, report).await.err().unwrap_or(error.into())),
                None => Err(error.into()),
            };
        }
    };
    let last_uid = match last_uid {
        Some(poll) if poll.uid_validity == status.uid_validity => poll.last_uid,
        _ => {
            report.from_start = true;
            0
        }
    };
    let place =
        Place { app: app.clone(), key: key.to_string(), uid_validity: status.uid_validity, clock: clock.clone() };
    let (queue, decided) = tokio::sync::mpsc::channel(QUEUED);
    let reading = async {
        // Owned here: once the reading ends, however it ends, so does the writing.
        let queue = queue;
        let mut read = 0u64;
        let first = inbox.fetch_unread_after(last_uid, BATCH).await.map_err(crate::mail::mail_error)?;
        // The batch in hand (parsed) and the UID it reaches (a fetch returns only UIDs above it).
        let mut reached = first.newest().unwrap_or(last_uid);
        let more = first.len() >= BATCH;
        let fetching = async { if more { Some(inbox.fetch_unread_after(reached, BATCH).await) } else { None } };
        let (messages, upcoming) = tokio::join!(first.parse(), fetching);
        let mut messages = messages.map_err(crate::mail::mail_error)?;
        // The batch after it, fetched and not parsed yet.
        let mut upcoming = upcoming.transpose().map_err(crate::mail::mail_error)?;
        loop {
            // Three batches at once: this one decided, the next parsed, the one after it fetched.
            let next_reached = upcoming.as_ref().and_then(|next| next.newest()).unwrap_or(reached);
            let more = upcoming.as_ref().is_some_and(|next| next.len() >= BATCH);
            let fetching =
                async { if more { Some(inbox.fetch_unread_after(next_reached, BATCH).await) } else { None } };
            let next = upcoming.take();
            let parsing = async {
                match next {
                    Some(next) => Some(next.parse().await),
                    None => None,
                }
            };
            // A batch with mail to a work address is not decided here, but handled below.
            let apart = batch::decidable_apart(owner, inbound, &messages);
            let deciding = async {
                if apart {
                    Ok(Some(batch::decide(app, owner, folder, &messages, clock, report).await?))
                } else {
                    Ok(None)
                }
            };
            let (decided, parsed, fetched): (Result<_>, _, _) = tokio::join!(deciding, parsing, fetching);
            let handed = match decided? {
                Some(decided) => queue.send(Step::Decided(decided, reached)).await.is_ok(),
                None => {
                    let (written, done) = tokio::sync::oneshot::channel();
                    if queue.send(Step::Drain(written)).await.is_err() || done.await.is_err() {
                        false
                    } else {
                        batch::handle_all(app, owner, inbound, folder, &messages, clock, report).await?;
                        place.save(reached).await?;
                        true
                    }
                }
            };
            if !handed {
                // The writing half stopped on an error, which it returns.
                return Ok(());
            }
            read += messages.len() as u64;
            report.read += messages.len() as u64;
            progress(Progress { folder, read, total: status.messages });
            // An error parsing or fetching ends the reading; what was decided is still written.
            let Some(parsed) = parsed else { return Ok(()) };
            messages = parsed.map_err(crate::mail::mail_error)?;
            reached = next_reached;
            upcoming = fetched.transpose().map_err(crate::mail::mail_error)?;
        }
    };
    // Its own task: on a runtime of several threads, it writes on one while the reading goes on on another.
    let writing = tokio::spawn({
        let (owner, place) = (owner.clone(), place.clone());
        async move {
            let mut written = SyncReport::default();
            if let Some(before) = before {
                self::written(before, &mut written).await?;
            }
            written.add_written(&write_decided(&owner, decided, &place).await?);
            Ok(written)
        }
    });
    match reading.await {
        Ok(()) => Ok(writing),
        Err(error) => Err(written(writing, report).await.err().unwrap_or(error)),
    }
}

/// Batches decided and not written yet, at most, before the reading waits.
const QUEUED: usize = 8;

/// Messages written in one transaction, at most (what queued up, merged).
const MERGED: usize = 8 * BATCH;

/// What the reading half of [`read_folder`] hands the writing half.
enum Step {
    /// A batch decided, and the UID it reaches.
    Decided(batch::Decided, u32),
    /// Write all that came before, then say so.
    Drain(tokio::sync::oneshot::Sender<()>),
}

/// Where a folder's place is saved.
#[derive(Clone)]
struct Place {
    app: App,
    key: String,
    uid_validity: u32,
    clock: Clock,
}

impl Place {
    async fn save(&self, last_uid: u32) -> Result<()> {
        let poll = MailboxPoll { uid_validity: self.uid_validity, last_uid };
        Ok(self.app.store.save_mailbox_poll(&self.key, poll, self.clock.now()).await?)
    }
}

/// The writing half of [`read_folder`]: each time, what has been decided
/// since the last write (up to [`MERGED`] messages), its bounces recorded
/// then its touches and strangers written in one transaction, then the place
/// it reaches saved; until the reading half ends. What it wrote, counted.
async fn write_decided(
    owner: &Owner,
    mut decided: tokio::sync::mpsc::Receiver<Step>,
    place: &Place,
) -> Result<SyncReport> {
    let app = &place.app;
    let mut written = SyncReport::default();
    let mut next = decided.recv().await;
    while next.is_some() {
        let mut merged: Option<(batch::Pending, u32)> = None;
        let mut drained = None;
        while let Some(step) = next.take() {
            match step {
                Step::Decided(batch, reached) => {
                    batch.bounces(app, owner, &mut written).await?;
                    match &mut merged {
                        Some((pending, place)) => {
                            pending.merge(batch.pending);
                            *place = reached;
                        }
                        None => merged = Some((batch.pending, reached)),
                    }
                }
                Step::Drain(done) => drained = Some(done),
            }
            let full = merged.as_ref().is_some_and(|(pending, _)| pending.len() >= MERGED);
            if drained.is_none() && !full {
                next = decided.try_recv().ok();
            }
        }
        if let Some((pending, reached)) = merged {
            pending.write(app, owner, &mut written).await?;
            place.save(reached).await?;
        }
        if let Some(done) = drained {
            // The reading half waits for this; if it is gone, so is the sync.
            let _ = done.send(());
        }
        next = decided.recv().await;
    }
    Ok(written)
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

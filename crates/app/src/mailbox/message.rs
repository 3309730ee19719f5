//! What one message read from a user's mailbox does. In order:
//!
//! 1. Sent to a work address (found in `Delivered-To`/`X-Original-To`, so a
//!    BCC counts): it acts only when its From is one of the user's own
//!    addresses and, where the receiving server added
//!    `Authentication-Results`, SPF or DKIM passed for that domain; anything
//!    else is ignored and counted. *Log* records a touch on every contact
//!    among its recipients (for a forward: the original sender and
//!    recipients); *remind* makes a follow-up with each contact it was sent
//!    to (cancelled by their reply), or, sent to the address alone, a
//!    reminder email to the user; a date that cannot be read gets one short
//!    answer.
//! 2. In the Sent folder: an outbound touch on each contact among To and Cc,
//!    unless Tickler sent it itself.
//! 3. In the INBOX: a bounce marks the address; an auto-reply or list mail is
//!    counted and left; mail from a contact, or answering a message we know,
//!    is an inbound reply (plans stop, waiting follow-ups are cancelled).
//!
//! Every record is keyed by the Message-ID, so reading a message twice changes nothing.
//!
//! Rules 2 and 3 decide without writing ([`ordinary`]): what they look up
//! comes from [`Lookups`] and what they record goes to [`Writes`], so that a
//! whole batch is looked up and written at once ([`super::batch`]).

use std::ops::Range;

use jiff::Timestamp;
use serde::Serialize;
use tickler_core::follow_up::{Due, FollowUpDraft, Origin};
use tickler_core::ids::ContactId;
use tickler_core::reminder::{self, Original};
use tickler_core::reply::{self, ReplyParts};
use tickler_core::touch::{Channel, Direction};
use tickler_core::when;
use tickler_core::work_address::{self, Found, Work};
use tickler_mail::{InboundMessage, MessageKind, Party};
use tickler_store::{JobKind, KnownAddress, SyncedTouch};

use crate::App;
use crate::error::Result;
use crate::mailbox::batch::{Lookups, Writes};
use crate::mailbox::{Folder, Owner, SyncReport};

/// Longest summary of a logged email, in characters.
const SUMMARY_CHARS: usize = 300;

/// What the message came to, for the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum Handled {
    /// Touches recorded (email synced, logged or a reply).
    Touches { touches: Vec<SyncedTouch> },
    /// Follow-ups made from a reminder address, one per contact.
    FollowUps { contacts: Vec<String>, due: String },
    /// A reminder email to the user, due then.
    Reminder { due: String },
    /// The reminder address's date could not be read; the user was told.
    Unreadable { phrase: String, reason: String },
    /// A delivery report: these addresses bounced.
    Bounce { addresses: Vec<String>, undeliverable: bool },
    /// An auto-reply or list mail, left alone.
    Automatic,
    /// Sent by Tickler itself, or by the user to themselves.
    Own,
    /// Sent to a work address by someone who is not the user (or not verified).
    Ignored { reason: String },
    /// Read before: nothing new.
    Already,
    /// From or to no contact.
    Unmatched,
}

/// The Message-ID, or a stable stand-in made from the message. A message
/// with a Message-ID is keyed by it alone: its body is not read for the key
/// (most messages of a mailbox never need their body read at all).
pub fn key(message: &InboundMessage) -> String {
    let snippet = if reply::key_needs_snippet(message.message_id.as_deref()) { message.snippet() } else { "" };
    reply::key(&parts_with(message, snippet))
}

/// The parts of a message that reply matching reads.
pub(crate) fn parts(message: &InboundMessage) -> ReplyParts<'_> {
    parts_with(message, message.snippet())
}

/// [`parts`] with this snippet.
fn parts_with<'a>(message: &'a InboundMessage, snippet: &'a str) -> ReplyParts<'a> {
    ReplyParts {
        message_id: message.message_id.as_deref(),
        in_reply_to: &message.in_reply_to,
        references: &message.references,
        from: message.from.as_deref(),
        dated: message.date,
        subject: &message.subject,
        snippet,
    }
}

/// Decide what `message` does in `owner`'s mailbox and do it.
pub async fn handle(
    app: &App,
    owner: &Owner,
    inbound: Option<&str>,
    folder: Folder,
    message: &InboundMessage,
    now: Timestamp,
    report: &mut SyncReport,
) -> Result<Handled> {
    if let Some(found) = work_address::find(&message.delivered_to, &owner.own_addresses, inbound) {
        return work(app, Some(owner), inbound, &found, message, now, report).await;
    }
    crate::mailbox::batch::one(app, owner, folder, message, now, report).await
}

/// What a message that is not to a work address comes to, decided before anything is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Touches to record: this range of [`Writes`]' emails.
    Touches(std::ops::Range<usize>),
    /// A delivery report: the caller records it ([`bounce`]).
    Bounce,
    Own,
    Automatic,
    Unmatched,
}

/// Decide what a message that is not to a work address does (rules 2 and 3):
/// strangers to note and touches to record go to `writes`.
pub fn ordinary(
    owner: &Owner,
    folder: Folder,
    message: &InboundMessage,
    lookups: &Lookups,
    now: Timestamp,
    writes: &mut Writes,
    report: &mut SyncReport,
) -> Decision {
    let key = key(message);
    match folder {
        Folder::Sent => sent(owner, &key, message, lookups, now, writes, report),
        Folder::Inbox => received(owner, &key, message, lookups, now, writes, report),
    }
}

/// A message the user sent from their own client.
fn sent(
    owner: &Owner,
    key: &str,
    message: &InboundMessage,
    lookups: &Lookups,
    now: Timestamp,
    writes: &mut Writes,
    report: &mut SyncReport,
) -> Decision {
    if lookups.sent_by_tickler(key) {
        return Decision::Own;
    }
    let recipients = others(owner, message.to.iter().chain(&message.cc), None);
    if recipients.is_empty() {
        return Decision::Unmatched;
    }
    let addresses: Vec<String> = recipients.iter().map(|party| party.address.clone()).collect();
    let known = lookups.contacts_with(&addresses);
    let at = message.date.unwrap_or(now);
    let summary = summary(&message.subject, message.snippet());
    let touches = Touches { owner, key, direction: Direction::Out, at, summary: &summary, replied: false };
    match touches.queue(&recipients, &known, writes, report) {
        Some(range) => Decision::Touches(range),
        None => Decision::Unmatched,
    }
}

/// A message that arrived in the INBOX.
fn received(
    owner: &Owner,
    key: &str,
    message: &InboundMessage,
    lookups: &Lookups,
    now: Timestamp,
    writes: &mut Writes,
    report: &mut SyncReport,
) -> Decision {
    match &message.kind {
        MessageKind::Bounce(_) => return Decision::Bounce,
        MessageKind::AutoReply | MessageKind::List => {
            report.automatic += 1;
            return Decision::Automatic;
        }
        MessageKind::Person => {}
    }
    let Some(from) = message.from.as_deref() else { return Decision::Unmatched };
    if owner.own_addresses.iter().any(|own| own == from) {
        return Decision::Own;
    }
    let mut contacts: Vec<ContactId> =
        lookups.contacts_with(&[from.to_string()]).iter().map(|known| known.contact_id).collect();
    if contacts.is_empty() {
        let mut thread = message.in_reply_to.clone();
        thread.extend(message.references.iter().rev().cloned());
        contacts = lookups.thread_contacts(&thread);
    }
    let at = message.date.unwrap_or(now);
    if contacts.is_empty() {
        if owner.review_unknown {
            writes.note(Party { address: from.to_string(), name: message.from_name.clone() }, Direction::In, at);
            report.unknown += 1;
        }
        return Decision::Unmatched;
    }
    let summary = summary(&message.subject, message.snippet());
    Decision::Touches(writes.touches(key, &contacts, Direction::In, at, &summary, true))
}

/// A delivery report in the INBOX: mark each address that bounced.
pub async fn bounce(
    app: &App,
    owner: &Owner,
    message: &InboundMessage,
    now: Timestamp,
    report: &mut SyncReport,
) -> Result<Handled> {
    let MessageKind::Bounce(delivery) = &message.kind else { return Ok(Handled::Unmatched) };
    let mut addresses = Vec::new();
    let mut undeliverable = false;
    for recipient in &delivery.recipients {
        let reason = if recipient.diagnostic.is_empty() {
            format!("{} ({})", recipient.status, if recipient.is_permanent() { "failed" } else { "delayed" })
        } else {
            format!("{} {}", recipient.status, recipient.diagnostic)
        };
        let recorded = app
            .store
            .record_bounce(owner.account_id, &recipient.address, recipient.is_permanent(), reason.trim(), now)
            .await?;
        if !recorded.contacts.is_empty() {
            addresses.push(recipient.address.clone());
            undeliverable |= recorded.undeliverable;
        }
    }
    report.bounces += 1;
    Ok(Handled::Bounce { addresses, undeliverable })
}

/// A message in the installation's inbound mailbox sent to a user's work
/// address (`followup+SECRET.log@…`); `None` when it was sent to none.
pub async fn handle_installation(
    app: &App,
    inbound: &str,
    message: &InboundMessage,
    now: Timestamp,
    report: &mut SyncReport,
) -> Result<Option<Handled>> {
    let Some(found) = work_address::find(&message.delivered_to, &[], Some(inbound)) else { return Ok(None) };
    Ok(Some(work(app, None, Some(inbound), &found, message, now, report).await?))
}

/// A message sent to one of the user's work addresses.
async fn work(
    app: &App,
    owner: Option<&Owner>,
    inbound: Option<&str>,
    found: &Found,
    message: &InboundMessage,
    now: Timestamp,
    report: &mut SyncReport,
) -> Result<Handled> {
    let acting = match (&found.secret, owner) {
        (None, Some(owner)) => owner.clone(),
        (None, None) => return Ok(ignored(report, "a work address of nobody's mailbox")),
        (Some(secret), _) => match app.store.address_secret_owner(secret).await? {
            Some((user_id, account_id)) => Owner::of(app, user_id, account_id).await?,
            None => return Ok(ignored(report, "the address's secret belongs to nobody (made anew?)")),
        },
    };
    if let Err(reason) = verified(&acting, message) {
        app.store.note_mailbox_state(&crate::mailbox::ignored_key(acting.user_id), 1, None, now).await?;
        return Ok(ignored(report, &reason));
    }
    let key = key(message);
    match &found.work {
        Work::Log => {
            let (parties, forwarded_from) = match message.forwarded() {
                Some(forwarded) => {
                    let from = forwarded.from.clone();
                    let parties: Vec<Party> = from
                        .iter()
                        .cloned()
                        .chain(forwarded.to.iter().cloned())
                        .chain(forwarded.cc.iter().cloned())
                        .collect();
                    (parties, from.map(|party| party.address))
                }
                None => (message.to.iter().chain(&message.cc).cloned().collect(), None),
            };
            let recipients = others(&acting, parties.iter(), inbound);
            let subject = message.forwarded().map_or(message.subject.as_str(), |f| f.subject.as_str());
            let summary = summary(subject, message.snippet());
            let at = message.forwarded().and_then(|f| f.date).or(message.date).unwrap_or(now);
            let (incoming, outgoing): (Vec<Party>, Vec<Party>) =
                recipients.into_iter().partition(|party| forwarded_from.as_deref() == Some(party.address.as_str()));
            let mut touches =
                match log_on(app, &acting, &key, &outgoing, Direction::Out, &summary, at, false, now, report).await? {
                    Handled::Touches { touches } => touches,
                    _ => Vec::new(),
                };
            if let Handled::Touches { touches: more } =
                log_on(app, &acting, &key, &incoming, Direction::In, &summary, at, false, now, report).await?
            {
                touches.extend(more);
            }
            Ok(if touches.is_empty() && outgoing.is_empty() && incoming.is_empty() {
                Handled::Unmatched
            } else if touches.is_empty() {
                Handled::Already
            } else {
                Handled::Touches { touches }
            })
        }
        Work::Remind(phrase) => remind(app, &acting, inbound, found, phrase, &key, message, now, report).await,
    }
}

/// A reminder address: a follow-up with each contact the message went to, or a reminder to the user.
#[allow(clippy::too_many_arguments)]
async fn remind(
    app: &App,
    owner: &Owner,
    inbound: Option<&str>,
    found: &Found,
    phrase: &str,
    key: &str,
    message: &InboundMessage,
    now: Timestamp,
    report: &mut SyncReport,
) -> Result<Handled> {
    let actor = owner.actor(app, message.date.unwrap_or(now).min(now)).await?;
    let resolved = when::resolve(phrase, &actor.when_context()).map_err(|error| error.to_string());
    let due = resolved.as_ref().ok().map(|resolved| Due::from_resolved(resolved, &actor.zone));
    let today = actor.now_zoned().date();
    let due = match due {
        Some(due) if due.time.is_some() && due.instant() > actor.now => due,
        Some(due) if due.time.is_none() && due.date >= today => due,
        Some(_) => {
            return unreadable(app, owner, found, phrase, "names a time that has passed", key, now, report).await;
        }
        None => {
            let reason = resolved.err().unwrap_or_default();
            return unreadable(app, owner, found, phrase, &reason, key, now, report).await;
        }
    };
    // A day without a time: the reminder comes at the start of the working day (at once when that has passed).
    let remind_at = match due.time {
        Some(_) => due.instant(),
        None => due
            .date
            .to_datetime(actor.account.settings.work_week.start)
            .to_zoned_datetime(actor.zone.time_zone())
            .map_or(actor.now, |start| start.timestamp())
            .max(actor.now),
    };
    let shown = due.display();
    let recipients = others(owner, message.to.iter().chain(&message.cc), inbound);
    let known = app
        .store
        .contacts_with_emails(owner.account_id, &recipients.iter().map(|p| p.address.clone()).collect::<Vec<_>>())
        .await?;
    if known.is_empty() {
        if !app.store.claim_mail_action(owner.account_id, key, "remind", now).await? {
            return Ok(Handled::Already);
        }
        let from = match message.from_name.trim() {
            "" => message.from.clone().unwrap_or_default(),
            name => format!("{name} <{}>", message.from.as_deref().unwrap_or("")),
        };
        let to = message.to.iter().map(|p| p.address.as_str()).collect::<Vec<_>>().join(", ");
        let date = message
            .date
            .map(|d| d.to_zoned_datetime(actor.zone.time_zone()).strftime("%a %-d %b %Y, %H:%M").to_string());
        let rendered = reminder::compose(
            &Original {
                subject: &message.subject,
                from: &from,
                to: &to,
                date: date.as_deref().unwrap_or(""),
                text: message.excerpt(),
            },
            phrase,
        );
        queue_reminder(app, owner, key, "remind", &rendered, remind_at).await?;
        report.reminders += 1;
        return Ok(Handled::Reminder { due: shown });
    }
    // Sent to contacts: the message is a touch on each, and a follow-up waits for their reply.
    let summary = summary(&message.subject, message.snippet());
    let at = message.date.unwrap_or(now);
    log_on(app, owner, key, &recipients, Direction::Out, &summary, at, false, now, report).await?;
    let mut contacts = Vec::new();
    for found in &known {
        let action = format!("remind:{}", found.contact_id);
        if !app.store.claim_mail_action(owner.account_id, key, &action, now).await? {
            continue;
        }
        let purpose = if message.subject.trim().is_empty() { "(no subject)" } else { message.subject.trim() };
        let draft = FollowUpDraft {
            until_reply: true,
            ..FollowUpDraft::new(found.contact_id, due.clone(), Channel::Email, purpose, Origin::Inbound)?
        };
        // The user chose the time: the pacing gap does not hold it back (consent still does).
        match app.store.schedule_follow_up(owner.account_id, &draft, true, now).await {
            Ok(_) => contacts.push(found.contact_name.clone()),
            // A contact who said "never" gets no follow-up; the rest still do.
            Err(tickler_store::Error::Domain(error)) => {
                tracing::info!(target: crate::mailbox::watch::TARGET, contact_id = found.contact_id.get(), "no follow-up: {error}")
            }
            Err(error) => return Err(error.into()),
        }
    }
    report.follow_ups += contacts.len() as u64;
    if contacts.is_empty() {
        return Ok(Handled::Already);
    }
    Ok(Handled::FollowUps { contacts, due: shown })
}

/// Tell the user, once, that a reminder address's date could not be read.
#[allow(clippy::too_many_arguments)]
async fn unreadable(
    app: &App,
    owner: &Owner,
    found: &Found,
    phrase: &str,
    reason: &str,
    key: &str,
    now: Timestamp,
    report: &mut SyncReport,
) -> Result<Handled> {
    if !app.store.claim_mail_action(owner.account_id, key, "unreadable", now).await? {
        return Ok(Handled::Already);
    }
    let examples = crate::work_addresses::examples_like(app, owner.user_id, &found.address).await?;
    let rendered = reminder::unreadable(&found.address, phrase, reason, &examples);
    queue_reminder(app, owner, key, "unreadable", &rendered, now).await?;
    report.unreadable += 1;
    Ok(Handled::Unreadable { phrase: phrase.to_string(), reason: reason.to_string() })
}

/// Queue an email to the user for the worker to send at `at`.
async fn queue_reminder(
    app: &App,
    owner: &Owner,
    key: &str,
    action: &str,
    rendered: &tickler_core::template::Rendered,
    at: Timestamp,
) -> Result<()> {
    let payload = serde_json::json!({
        "user_id": owner.user_id,
        "to": owner.user_email,
        "subject": rendered.subject,
        "body": rendered.body,
    })
    .to_string();
    let dedupe = format!("{}:{}:{}:{}", JobKind::Reminder, owner.account_id, action, key);
    app.store.add_job(JobKind::Reminder, owner.account_id, &payload, &dedupe, at).await?;
    Ok(())
}

/// Whether a message to a work address may act: from the user, verified where the server checked.
fn verified(owner: &Owner, message: &InboundMessage) -> std::result::Result<(), String> {
    let Some(from) = message.from.as_deref() else { return Err("sender not verified: no From".into()) };
    if !owner.own_addresses.iter().any(|own| own == from) {
        return Err(format!("sender not verified: {from} is not one of the user's addresses"));
    }
    let domain = from.rsplit_once('@').map_or("", |(_, domain)| domain);
    if message.authentication().has_results() && !message.authentication().passes_for(domain) {
        return Err(format!("sender not verified: neither SPF nor DKIM passed for {domain}"));
    }
    Ok(())
}

fn ignored(report: &mut SyncReport, reason: &str) -> Handled {
    report.ignored += 1;
    Handled::Ignored { reason: reason.to_string() }
}

/// Record `direction` email touches on the contacts among `parties`; note the others for review.
#[allow(clippy::too_many_arguments)]
async fn log_on(
    app: &App,
    owner: &Owner,
    key: &str,
    parties: &[Party],
    direction: Direction,
    summary: &str,
    at: Timestamp,
    replied: bool,
    now: Timestamp,
    report: &mut SyncReport,
) -> Result<Handled> {
    if parties.is_empty() {
        return Ok(Handled::Unmatched);
    }
    let addresses: Vec<String> = parties.iter().map(|party| party.address.clone()).collect();
    let known = app.store.contacts_with_emails(owner.account_id, &addresses).await?;
    let mut writes = Writes::default();
    let touches = Touches { owner, key, direction, at, summary, replied };
    let queued = touches.queue(parties, &known, &mut writes, report);
    let recorded = writes.flush(app, owner, now).await?;
    Ok(match queued {
        Some(range) => counted(recorded[range].iter().flatten().cloned().collect(), report),
        None => Handled::Unmatched,
    })
}

/// The touches one message makes on the contacts among the people it names.
struct Touches<'a> {
    owner: &'a Owner,
    key: &'a str,
    direction: Direction,
    at: Timestamp,
    summary: &'a str,
    replied: bool,
}

impl Touches<'_> {
    /// Queue a touch on each contact among `parties` (`known`: the contacts
    /// with their addresses) and note the others for review when the user
    /// asked to; the range of the touches in `writes`, or None when no party is a contact.
    fn queue(
        &self,
        parties: &[Party],
        known: &[KnownAddress],
        writes: &mut Writes,
        report: &mut SyncReport,
    ) -> Option<Range<usize>> {
        let (contacts, strangers) = sort_parties(parties, known);
        if self.owner.review_unknown {
            for party in strangers {
                writes.note(party, self.direction, self.at);
                report.unknown += 1;
            }
        }
        if contacts.is_empty() {
            return None;
        }
        Some(writes.touches(self.key, &contacts, self.direction, self.at, self.summary, self.replied))
    }
}

/// The contacts among `parties` that `known` found (each once, in order), and the parties who are no contact.
fn sort_parties(parties: &[Party], known: &[KnownAddress]) -> (Vec<ContactId>, Vec<Party>) {
    let strangers = parties.iter().filter(|party| !known.iter().any(|k| k.address == party.address)).cloned().collect();
    let mut contacts: Vec<ContactId> = Vec::new();
    for found in known {
        if !contacts.contains(&found.contact_id) {
            contacts.push(found.contact_id);
        }
    }
    (contacts, strangers)
}

/// The touches a message recorded, counted; none: it was read before.
pub fn counted(touches: Vec<SyncedTouch>, report: &mut SyncReport) -> Handled {
    if touches.is_empty() {
        report.already += 1;
        return Handled::Already;
    }
    for touch in &touches {
        match touch.touch.direction {
            Direction::In => report.received += 1,
            Direction::Out => report.sent += 1,
        }
    }
    Handled::Touches { touches }
}

/// The parties other than the user themselves and any work or inbound address, once each.
pub fn others<'a>(owner: &Owner, parties: impl Iterator<Item = &'a Party>, inbound: Option<&str>) -> Vec<Party> {
    let mut kept: Vec<Party> = Vec::new();
    for party in parties {
        let address = party.address.trim().to_lowercase();
        let base = work_address::PlusAddress::split(&address).map_or(address.clone(), |plus| plus.base());
        let own = owner.own_addresses.iter().any(|own| *own == address || *own == base);
        let inbound = inbound.is_some_and(|inbound| inbound.eq_ignore_ascii_case(&base));
        if own || inbound || !address.contains('@') || kept.iter().any(|k| k.address == address) {
            continue;
        }
        kept.push(Party { address, name: party.name.clone() });
    }
    kept
}

/// The subject and the first words, as the timeline shows a synced email.
fn summary(subject: &str, snippet: &str) -> String {
    let subject = if subject.trim().is_empty() { "(no subject)" } else { subject.trim() };
    let text =
        if snippet.trim().is_empty() { subject.to_string() } else { format!("{subject} — {}", snippet.trim()) };
    match text.char_indices().nth(SUMMARY_CHARS) {
        Some((end, _)) => format!("{}…", text[..end].trim_end()),
        None => text,
    }
}

//! A batch of messages read from one folder, handled together: what the
//! messages look up (contacts by address, the contacts of the threads they
//! answer, the Message-IDs Tickler sent) is asked once for the batch, what
//! they decide is decided message by message in order ([`message::ordinary`],
//! the rules of [`message`]), and what they write (touches, strangers to
//! review) is written in one transaction at the end ([`Writes`]).
//!
//! Mail to a work address acts at once, as the only message of its run: what
//! came before it is written first, and what comes after it is looked up
//! again, so each message sees the record as reading them one by one would
//! leave it. A bounce is recorded at once too (it marks an address and writes
//! nothing the others read).

use std::collections::HashMap;
use std::ops::Range;

use jiff::Timestamp;
use tickler_core::ids::ContactId;
use tickler_core::touch::Direction;
use tickler_core::work_address;
use tickler_mail::{InboundMessage, Party};
use tickler_store::{KnownAddress, SyncedEmail, SyncedTouch, UnknownNote};

use crate::App;
use crate::error::Result;
use crate::mailbox::message::{self, Decision, Handled};
use crate::mailbox::{Folder, Owner, SyncReport};
use crate::worker::Clock;

/// Handle `messages` (one fetched batch of `folder`, in UID order).
pub async fn handle_all(
    app: &App,
    owner: &Owner,
    inbound: Option<&str>,
    folder: Folder,
    messages: &[InboundMessage],
    clock: &Clock,
    report: &mut SyncReport,
) -> Result<()> {
    let mut start = 0;
    while start < messages.len() {
        let end = messages[start..]
            .iter()
            .position(|message| to_work_address(owner, inbound, message))
            .map_or(messages.len(), |offset| start + offset);
        if end > start {
            run(app, owner, folder, &messages[start..end], clock, report).await?;
        }
        if let Some(work) = messages.get(end) {
            message::handle(app, owner, inbound, folder, work, clock.now(), report).await?;
        }
        start = end + 1;
    }
    Ok(())
}

/// Handle one message that is not to a work address on its own.
pub async fn one(
    app: &App,
    owner: &Owner,
    folder: Folder,
    message: &InboundMessage,
    now: Timestamp,
    report: &mut SyncReport,
) -> Result<Handled> {
    let lookups = Lookups::fetch(app, owner, folder, std::slice::from_ref(message)).await?;
    let mut writes = Writes::default();
    let decision = message::ordinary(owner, folder, message, &lookups, now, &mut writes, report);
    if let Decision::Bounce = decision {
        return message::bounce(app, owner, message, now, report).await;
    }
    let recorded = writes.flush(app, owner, now).await?;
    Ok(decided(decision, &recorded, report))
}

/// Whether a message was sent to a work address (it acts at once, alone).
fn to_work_address(owner: &Owner, inbound: Option<&str>, message: &InboundMessage) -> bool {
    work_address::find(&message.delivered_to, &owner.own_addresses, inbound).is_some()
}

/// Messages none of which is to a work address: looked up at once, decided in order, written at once.
async fn run(
    app: &App,
    owner: &Owner,
    folder: Folder,
    messages: &[InboundMessage],
    clock: &Clock,
    report: &mut SyncReport,
) -> Result<()> {
    let decided = decide(app, owner, folder, messages, clock, report).await?;
    decided.bounces(app, owner, report).await?;
    decided.pending.write(app, owner, report).await
}

/// Whether a batch can be decided while the batch before it is still being
/// written ([`decide`]): none of its messages is to a work address (such mail
/// acts at once, on the record as the messages before it left it).
pub fn decidable_apart(owner: &Owner, inbound: Option<&str>, messages: &[InboundMessage]) -> bool {
    !messages.iter().any(|message| to_work_address(owner, inbound, message))
}

/// Look up and decide messages none of which is to a work address, writing
/// nothing: what they look up (contacts by address, the threads Tickler or the
/// Sent folder wrote, the outbox) is not what a batch writes (touches,
/// strangers to review, bounced addresses), so a batch is decided while the
/// one before it is written. Its bounces and writes are made once that is done.
pub async fn decide(
    app: &App,
    owner: &Owner,
    folder: Folder,
    messages: &[InboundMessage],
    clock: &Clock,
    report: &mut SyncReport,
) -> Result<Decided> {
    let lookups = Lookups::fetch(app, owner, folder, messages).await?;
    let mut writes = Writes::default();
    let mut decisions = Vec::with_capacity(messages.len());
    let mut bounces = Vec::new();
    for message in messages {
        let now = clock.now();
        match message::ordinary(owner, folder, message, &lookups, now, &mut writes, report) {
            Decision::Bounce => bounces.push((message.clone(), now)),
            decision => decisions.push(decision),
        }
    }
    Ok(Decided { bounces, pending: Pending { writes, decisions, now: clock.now() } })
}

/// A batch decided ([`decide`]): its bounces to record, then its writes.
pub struct Decided {
    /// The bounces among the batch's messages (few), and when each was decided.
    bounces: Vec<(InboundMessage, Timestamp)>,
    pub pending: Pending,
}

impl Decided {
    /// Record the batch's bounces (each marks an address; nothing the
    /// batch's other messages read).
    pub async fn bounces(&self, app: &App, owner: &Owner, report: &mut SyncReport) -> Result<()> {
        for (message, now) in &self.bounces {
            message::bounce(app, owner, message, *now, report).await?;
        }
        Ok(())
    }
}

/// What a decided batch writes, with what its messages were decided to do.
pub struct Pending {
    writes: Writes,
    decisions: Vec<Decision>,
    now: Timestamp,
}

impl Pending {
    /// The messages decided (bounces aside), of every batch merged into it.
    pub fn len(&self) -> usize {
        self.decisions.len()
    }

    /// Take in the batch decided after this one, to be written in the same transaction.
    pub fn merge(&mut self, later: Pending) {
        let offset = self.writes.emails.len();
        self.writes.emails.extend(later.writes.emails);
        self.writes.unknown.extend(later.writes.unknown);
        self.decisions.extend(later.decisions.into_iter().map(|decision| match decision {
            Decision::Touches(range) => Decision::Touches(range.start + offset..range.end + offset),
            other => other,
        }));
        self.now = self.now.max(later.now);
    }

    pub fn is_empty(&self) -> bool {
        self.decisions.is_empty()
    }

    /// Write it in one transaction and count what each message came to.
    pub async fn write(self, app: &App, owner: &Owner, report: &mut SyncReport) -> Result<()> {
        let recorded = self.writes.flush(app, owner, self.now).await?;
        for decision in self.decisions {
            decided(decision, &recorded, report);
        }
        Ok(())
    }
}

/// What a decision came to once its writes were made, counted in the report.
fn decided(decision: Decision, recorded: &[Option<SyncedTouch>], report: &mut SyncReport) -> Handled {
    match decision {
        Decision::Touches(range) => message::counted(recorded[range].iter().flatten().cloned().collect(), report),
        Decision::Own => Handled::Own,
        Decision::Automatic => Handled::Automatic,
        Decision::Unmatched | Decision::Bounce => Handled::Unmatched,
    }
}

/// Addresses or Message-IDs asked about per query (long threads name many).
const LOOKUP_CHUNK: usize = 1_000;

/// What a run of messages looks up, asked once for all of them.
#[derive(Debug, Default)]
pub struct Lookups {
    /// The contacts with each address asked about (none: the address is nobody's).
    known: HashMap<String, Vec<KnownAddress>>,
    /// The contacts each Message-ID's thread was with.
    threads: HashMap<String, Vec<ContactId>>,
    /// Message-IDs of mail Tickler sent itself.
    sent_by_tickler: Vec<String>,
}

impl Lookups {
    /// Ask what the `messages` of `folder` need: in the Sent folder, their
    /// recipients and whether Tickler sent them; in the INBOX, their senders
    /// and, for senders who are no contact, the threads they answer.
    async fn fetch(app: &App, owner: &Owner, folder: Folder, messages: &[InboundMessage]) -> Result<Lookups> {
        let mut lookups = Lookups::default();
        let mut addresses: Vec<String> = Vec::new();
        match folder {
            Folder::Sent => {
                for message in messages {
                    let recipients = message::others(owner, message.to.iter().chain(&message.cc), None);
                    addresses.extend(recipients.into_iter().map(|party| party.address));
                }
                let keys: Vec<String> = messages.iter().map(message::key).collect();
                lookups.sent_by_tickler = app.store.sent_by_tickler_among(&keys).await?;
            }
            Folder::Inbox => addresses.extend(messages.iter().filter_map(|message| message.from.clone())),
        }
        addresses.sort();
        addresses.dedup();
        for chunk in addresses.chunks(LOOKUP_CHUNK) {
            for known in app.store.contacts_with_emails(owner.account_id, chunk).await? {
                lookups.known.entry(known.address.clone()).or_default().push(known);
            }
        }
        if folder == Folder::Inbox {
            let mut thread: Vec<String> = messages
                .iter()
                .filter(|message| message.from.as_ref().is_none_or(|from| !lookups.known.contains_key(from)))
                .flat_map(|message| message.in_reply_to.iter().chain(&message.references).cloned())
                .collect();
            thread.sort();
            thread.dedup();
            for chunk in thread.chunks(LOOKUP_CHUNK) {
                for (id, contact) in app.store.thread_contacts_by_message(owner.account_id, chunk).await? {
                    lookups.threads.entry(id).or_default().push(contact);
                }
            }
        }
        Ok(lookups)
    }

    /// The contacts with any of `addresses`, in the order of the addresses
    /// ([`tickler_store::Store::contacts_with_emails`] for the run).
    pub fn contacts_with(&self, addresses: &[String]) -> Vec<KnownAddress> {
        let mut found = Vec::new();
        for (index, address) in addresses.iter().enumerate() {
            if addresses[..index].contains(address) {
                continue;
            }
            found.extend(self.known.get(address).into_iter().flatten().cloned());
        }
        found
    }

    /// The contacts a thread naming these Message-IDs was with, each once, by id
    /// (from [`tickler_store::Store::thread_contacts_by_message`] for the run).
    pub fn thread_contacts(&self, thread: &[String]) -> Vec<ContactId> {
        let mut contacts: Vec<ContactId> =
            thread.iter().filter_map(|id| self.threads.get(id)).flatten().copied().collect();
        contacts.sort_by_key(|id| id.get());
        contacts.dedup();
        contacts
    }

    /// Whether Tickler itself sent the message with this Message-ID.
    pub fn sent_by_tickler(&self, key: &str) -> bool {
        self.sent_by_tickler.iter().any(|sent| sent == key)
    }
}

/// The touches and strangers a run of messages records, written together.
#[derive(Debug, Default)]
pub struct Writes {
    emails: Vec<Email>,
    unknown: Vec<(Party, Direction, Timestamp)>,
}

/// An email to record as a touch on one contact ([`SyncedEmail`], owned).
#[derive(Debug)]
struct Email {
    key: String,
    contact_id: ContactId,
    direction: Direction,
    at: Timestamp,
    summary: String,
    replied: bool,
}

impl Writes {
    /// A touch on each of `contacts`, from the message keyed `key`; the range of what they come to in [`Writes::flush`].
    pub fn touches(
        &mut self,
        key: &str,
        contacts: &[ContactId],
        direction: Direction,
        at: Timestamp,
        summary: &str,
        replied: bool,
    ) -> Range<usize> {
        let start = self.emails.len();
        for contact_id in contacts {
            self.emails.push(Email {
                key: key.to_string(),
                contact_id: *contact_id,
                direction,
                at,
                summary: summary.to_string(),
                replied,
            });
        }
        start..self.emails.len()
    }

    /// Note `party` for review (sent to, or heard from).
    pub fn note(&mut self, party: Party, direction: Direction, at: Timestamp) {
        self.unknown.push((party, direction, at));
    }

    /// Write everything in one transaction; what each touch came to, in order.
    pub(crate) async fn flush(self, app: &App, owner: &Owner, now: Timestamp) -> Result<Vec<Option<SyncedTouch>>> {
        let emails: Vec<SyncedEmail<'_>> = self
            .emails
            .iter()
            .map(|email| SyncedEmail {
                account_id: owner.account_id,
                message_id: &email.key,
                contact_id: email.contact_id,
                direction: email.direction,
                at: email.at,
                summary: &email.summary,
                replied: email.replied,
            })
            .collect();
        let unknown: Vec<UnknownNote<'_>> = self
            .unknown
            .iter()
            .map(|(party, direction, at)| UnknownNote {
                user_id: owner.user_id,
                account_id: owner.account_id,
                email: &party.address,
                name: &party.name,
                direction: *direction,
                at: *at,
            })
            .collect();
        Ok(app.store.record_mail(&emails, &unknown, now).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(key: &str, contacts: &[i64], unknown: &str, at: Timestamp) -> Pending {
        let mut writes = Writes::default();
        let ids: Vec<ContactId> = contacts.iter().map(|id| ContactId::new(*id)).collect();
        let touches = writes.touches(key, &ids, Direction::In, at, key, true);
        writes.note(Party { address: unknown.into(), name: String::new() }, Direction::In, at);
        Pending { writes, decisions: vec![Decision::Own, Decision::Touches(touches), Decision::Unmatched], now: at }
    }

    #[test]
    fn a_merged_batch_keeps_each_decision_on_its_own_touches() {
        let early = Timestamp::from_second(1_000).unwrap();
        let late = Timestamp::from_second(2_000).unwrap();
        let mut merged = pending("<a@x>", &[1, 2], "s1@x.example", early);
        merged.merge(pending("<b@x>", &[3, 4, 5], "s2@x.example", late));
        assert_eq!(merged.len(), 6);
        assert_eq!(merged.now, late, "written as of the later batch");
        let ranges: Vec<Range<usize>> = merged
            .decisions
            .iter()
            .filter_map(|decision| match decision {
                Decision::Touches(range) => Some(range.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(ranges, vec![0..2, 2..5]);
        let keys: Vec<(&str, i64)> = ranges[1]
            .clone()
            .map(|i| (merged.writes.emails[i].key.as_str(), merged.writes.emails[i].contact_id.get()))
            .collect();
        assert_eq!(keys, vec![("<b@x>", 3), ("<b@x>", 4), ("<b@x>", 5)]);
        let strangers: Vec<&str> = merged.writes.unknown.iter().map(|(party, ..)| party.address.as_str()).collect();
        assert_eq!(strangers, vec!["s1@x.example", "s2@x.example"]);
    }
}

//! Mail read from users' own mailboxes, as records: the email touches synced
//! from an INBOX, a Sent folder or a log address — each once per account,
//! Message-ID, contact and direction, so reading a mailbox again changes
//! nothing — with the reply rules of a touch logged by hand (an inbound reply
//! stops plans, and cancels the follow-ups made to wait for it); the actions
//! a message caused, once each; what bounces taught about an address; the
//! people mailed who are not contacts yet; and the secrets of the users'
//! work addresses. A mailbox read a batch at a time writes each batch's
//! touches and strangers in one transaction ([`Store::record_mail`]) after
//! looking its addresses and threads up at once.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use sqlx::{Any, Row, Transaction};
use tickler_core::follow_up::FollowUpState;
use tickler_core::ids::{AccountId, ContactId, FollowUpId, UserId};
use tickler_core::touch::{Channel, Direction, Outcome, Touch, TouchDraft};

use crate::Store;
use crate::dialect::{id_list, json_in_ints, json_int, json_param, json_rows, json_text, one_off, rows_by_keys};
use crate::error::Result;
use crate::reads::Param;
use crate::replies::live_plans;
use crate::rows::{optional_instant, seconds};
use crate::touches::{insert_touch, insert_touch_rows};

/// Soft failures (a full mailbox, a server away) after which an address counts as undeliverable.
pub const SOFT_BOUNCE_LIMIT: i64 = 5;

/// A contact's address, found among a message's correspondents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KnownAddress {
    pub address: String,
    pub contact_id: ContactId,
    pub contact_name: String,
}

/// An email to record as a touch on one contact.
#[derive(Debug, Clone)]
pub struct SyncedEmail<'a> {
    pub account_id: AccountId,
    /// The message's Message-ID (or a stable stand-in): with the contact and direction, the key that makes it once.
    pub message_id: &'a str,
    pub contact_id: ContactId,
    pub direction: Direction,
    pub at: Timestamp,
    pub summary: &'a str,
    /// An inbound email from a person: the outcome *replied*, which stops the contact's plans and
    /// cancels the follow-ups that were to wait for a reply.
    pub replied: bool,
}

/// An email recorded on a contact's timeline.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SyncedTouch {
    pub contact_id: ContactId,
    pub contact_name: String,
    pub touch: Touch,
    /// The plans the reply stopped, by name.
    pub stopped: Vec<String>,
    /// The follow-ups the reply cancelled (they were to wait for it).
    pub cancelled: Vec<FollowUpId>,
}

/// An address that bounced.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Undeliverable {
    pub email: String,
    pub since: Timestamp,
    pub reason: String,
}

/// What a bounce did to the contacts with the address.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BounceRecorded {
    pub contacts: Vec<ContactId>,
    /// The address is now undeliverable (a permanent failure, or too many soft ones).
    pub undeliverable: bool,
}

/// Someone a user wrote to or heard from who is not a contact.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnknownCorrespondent {
    pub email: String,
    pub name: String,
    /// Messages the user sent them.
    pub sent: i64,
    /// Messages received from them.
    pub received: i64,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
}

/// Someone a user wrote to (direction out) or heard from (in) who is not a contact, to note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownNote<'a> {
    pub user_id: UserId,
    pub account_id: AccountId,
    /// Any case; stored trimmed and lower-cased.
    pub email: &'a str,
    /// May be empty: a name noted before stays.
    pub name: &'a str,
    pub direction: Direction,
    pub at: Timestamp,
}

/// The keys of the email touches recorded with any of the Message-IDs of a
/// JSON array (`$2`) in an account (`$1`): one index probe per Message-ID,
/// however many touches the account has ([`rows_by_keys`]).
fn touch_keys_statement(backend: crate::dialect::Backend) -> String {
    rows_by_keys(backend, "message_id, contact_id, direction", "email_touches", "account_id = $1", "message_id", 2)
}

/// A stranger noted, as a JSON row: user, account, email, name, sent,
/// received, first and last seen.
type UnknownRow<'a> = (i64, i64, &'a str, &'a str, i64, i64, i64, i64);

impl Store {
    /// The contacts of the account with any of these addresses (lower case), in the order of `addresses`.
    pub async fn contacts_with_emails(&self, account_id: AccountId, addresses: &[String]) -> Result<Vec<KnownAddress>> {
        if addresses.is_empty() {
            return Ok(Vec::new());
        }
        crate::error::during("finding contacts by email", async {
            let statement = rows_by_keys(
                self.backend,
                // The name read per address found: a join would read every contact to hash them.
                "ce.email, ce.contact_id, (SELECT c.name FROM contacts c WHERE c.id = ce.contact_id) AS name",
                "contact_emails ce",
                "ce.account_id = $1",
                "ce.email",
                2,
            );
            let list = json_param(&addresses)?;
            let params = [Param::Int(account_id.get()), Param::Text(&list)];
            let mut found = self
                .reader
                .rows(&statement, &params, |row| {
                    Ok(KnownAddress {
                        address: row.text("email")?,
                        contact_id: ContactId::new(row.int("contact_id")?),
                        contact_name: row.text("name")?,
                    })
                })
                .await?;
            found.sort_by_key(|known| addresses.iter().position(|address| *address == known.address));
            Ok(found)
        })
        .await
    }

    /// Which of these Message-IDs Tickler itself sent (they are in the outbox), each once.
    pub async fn sent_by_tickler_among(&self, message_ids: &[String]) -> Result<Vec<String>> {
        if message_ids.is_empty() {
            return Ok(Vec::new());
        }
        crate::error::during("looking up sent emails", async {
            let statement = format!(
                "SELECT DISTINCT message_id FROM ({}) AS sent",
                rows_by_keys(self.backend, "message_id", "outbox", "true", "message_id", 1)
            );
            let list = json_param(&message_ids)?;
            self.reader.rows(&statement, &[Param::Text(&list)], |row| row.text("message_id")).await
        })
        .await
    }

    /// The contacts email threads were with: each of these Message-IDs that
    /// names a message Tickler sent or a Sent folder's message was synced
    /// from, with a contact it went to (each pair once).
    pub async fn thread_contacts_by_message(
        &self,
        account_id: AccountId,
        message_ids: &[String],
    ) -> Result<Vec<(String, ContactId)>> {
        if message_ids.is_empty() {
            return Ok(Vec::new());
        }
        crate::error::during("finding the contacts of threads", async {
            let columns = "message_id, contact_id";
            let statement = format!(
                "{} UNION {}",
                rows_by_keys(
                    self.backend,
                    columns,
                    "outbox",
                    "account_id = $1 AND contact_id IS NOT NULL",
                    "message_id",
                    2
                ),
                rows_by_keys(
                    self.backend,
                    columns,
                    "email_touches",
                    "account_id = $1 AND direction = 'out'",
                    "message_id",
                    2
                )
            );
            let list = json_param(&message_ids)?;
            let params = [Param::Int(account_id.get()), Param::Text(&list)];
            self.reader
                .rows(&statement, &params, |row| Ok((row.text("message_id")?, ContactId::new(row.int("contact_id")?))))
                .await
        })
        .await
    }

    /// What a batch of a mailbox's messages writes, in one transaction: the
    /// `unknown` correspondents noted (someone a user wrote to, or heard from,
    /// who is not a contact), then each email recorded as a touch on one
    /// contact, once per account, Message-ID, contact and direction (the key
    /// goes in first, so a second reader of the same mailbox waits, then finds
    /// it taken); what each email came to, in the order given (`None`: it was
    /// recorded before, or the contact is gone).
    pub async fn record_mail(
        &self,
        emails: &[SyncedEmail<'_>],
        unknown: &[UnknownNote<'_>],
        now: Timestamp,
    ) -> Result<Vec<Option<SyncedTouch>>> {
        if emails.is_empty() && unknown.is_empty() {
            return Ok(Vec::new());
        }
        crate::error::during("recording a batch of mail", async {
            let mut tx = self.begin_mail_write().await?;
            self.unknown_in(&mut tx, unknown).await?;
            let recorded = self.synced_emails_in(&mut tx, emails, now).await?;
            tx.commit().await?;
            Ok(recorded)
        })
        .await
    }

    /// Record `emails` in `tx` to the same end as [`Store::synced_email_in`]
    /// one by one, in fewer statements: the contacts are found (and locked)
    /// at once; a touch that may stop plans or cancel a waiting follow-up (an
    /// inbound one on a contact enrolled in a plan or with a follow-up waiting
    /// for a reply) is recorded one by one as before; for the others, which
    /// can only add a touch, the keys recorded before are read at once, then
    /// the new touches go in at once, then their keys at once.
    async fn synced_emails_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        emails: &[SyncedEmail<'_>],
        now: Timestamp,
    ) -> Result<Vec<Option<SyncedTouch>>> {
        let mut recorded: Vec<Option<SyncedTouch>> = vec![None; emails.len()];
        let Some(account_id) = emails.first().map(|email| email.account_id) else { return Ok(recorded) };
        if emails.iter().any(|email| email.account_id != account_id) {
            for (slot, email) in recorded.iter_mut().zip(emails) {
                *slot = self.synced_email_in(tx, email, now).await?;
            }
            return Ok(recorded);
        }
        let mut ids: Vec<i64> = emails.iter().map(|email| email.contact_id.get()).collect();
        ids.sort_unstable();
        ids.dedup();
        let ids = json_param(&ids)?;
        // The contacts that are still there, locked in id order as one by one would lock each.
        let statement = format!(
            "SELECT id, name FROM contacts WHERE account_id = $1 AND {} ORDER BY id{}",
            json_in_ints(self.backend, "id", 2),
            self.backend.pick("", " FOR UPDATE")
        );
        let mut names: HashMap<i64, String> = HashMap::new();
        let query = sqlx::query(sqlx::AssertSqlSafe(statement)).bind(account_id.get()).bind(&ids);
        for row in query.fetch_all(&mut **tx).await? {
            names.insert(row.try_get("id")?, row.try_get("name")?);
        }
        let listed = json_in_ints(self.backend, "contact_id", 2);
        let statement = format!(
            "SELECT contact_id FROM enrollments WHERE account_id = $1 AND state IN ('active', 'paused') \
             AND {listed} UNION SELECT contact_id FROM follow_ups WHERE account_id = $1 \
             AND state = 'open' AND until_reply = 1 AND {listed}"
        );
        let mut busy: HashSet<i64> = HashSet::new();
        let query = sqlx::query(sqlx::AssertSqlSafe(statement)).bind(account_id.get()).bind(&ids);
        for row in query.fetch_all(&mut **tx).await? {
            busy.insert(row.try_get("contact_id")?);
        }
        let mut simple: Vec<usize> = Vec::new();
        for (index, email) in emails.iter().enumerate() {
            let contact = email.contact_id.get();
            if !names.contains_key(&contact) {
                continue;
            }
            if email.direction == Direction::In && busy.contains(&contact) {
                recorded[index] = self.synced_email_in(tx, email, now).await?;
            } else {
                simple.push(index);
            }
        }
        // Each key once (the first email with it); those recorded before are left out.
        type Key = (String, i64, String);
        let key_of = |email: &SyncedEmail<'_>| -> Key {
            (email.message_id.to_string(), email.contact_id.get(), email.direction.as_str().to_string())
        };
        let mut keys: HashSet<Key> = HashSet::new();
        let mut message_ids: Vec<&str> = Vec::new();
        for index in &simple {
            keys.insert(key_of(&emails[*index]));
            message_ids.push(emails[*index].message_id);
        }
        message_ids.sort_unstable();
        message_ids.dedup();
        if !message_ids.is_empty() {
            let query = sqlx::query(sqlx::AssertSqlSafe(touch_keys_statement(self.backend)))
                .bind(account_id.get())
                .bind(json_param(&message_ids)?);
            for row in query.fetch_all(&mut **tx).await? {
                keys.remove(&(row.try_get("message_id")?, row.try_get("contact_id")?, row.try_get("direction")?));
            }
        }
        let mut new_emails: Vec<usize> = Vec::new();
        let mut drafts: Vec<TouchDraft> = Vec::new();
        for index in simple {
            let email = &emails[index];
            if !keys.remove(&key_of(email)) {
                continue;
            }
            let mut draft = TouchDraft::new(email.contact_id, email.at.min(now), Channel::Email, email.summary)?;
            draft.direction = email.direction;
            if email.replied && email.direction == Direction::In {
                draft.outcome = Some(Outcome::Replied);
            }
            new_emails.push(index);
            drafts.push(draft);
        }
        let touches = insert_touch_rows(tx, self.backend, account_id, &drafts, now).await?;
        // The keys go in with their touches; one another reader put in meanwhile
        // (it waited for us or we for it) keeps its touch, and ours goes.
        let mut taken: HashSet<Key> = HashSet::new();
        if !new_emails.is_empty() {
            let rows: Vec<(&str, i64, &str, i64)> = new_emails
                .iter()
                .zip(&touches)
                .map(|(index, touch)| {
                    let email = &emails[*index];
                    (email.message_id, email.contact_id.get(), email.direction.as_str(), touch.id.get())
                })
                .collect();
            // `WHERE true`: SQLite reads an upsert's `ON` after a bare `FROM` as a join's.
            let statement = format!(
                "INSERT INTO email_touches (account_id, message_id, contact_id, direction, touch_id, created_at) \
                 SELECT $1, {}, {}, {}, {}, $2 FROM {} WHERE true \
                 ON CONFLICT (account_id, message_id, contact_id, direction) DO NOTHING \
                 RETURNING message_id, contact_id, direction",
                json_text(0),
                json_int(1),
                json_text(2),
                json_int(3),
                json_rows(self.backend, 3)
            );
            let query = sqlx::query(sqlx::AssertSqlSafe(statement))
                .bind(account_id.get())
                .bind(seconds(now))
                .bind(json_param(&rows)?);
            for row in query.fetch_all(&mut **tx).await? {
                taken.insert((row.try_get("message_id")?, row.try_get("contact_id")?, row.try_get("direction")?));
            }
        }
        let mut orphans: Vec<i64> = Vec::new();
        for (index, touch) in new_emails.into_iter().zip(touches) {
            let email = &emails[index];
            if !taken.contains(&key_of(email)) {
                orphans.push(touch.id.get());
                continue;
            }
            recorded[index] = Some(SyncedTouch {
                contact_id: email.contact_id,
                contact_name: names.get(&email.contact_id.get()).cloned().unwrap_or_default(),
                touch,
                stopped: Vec::new(),
                cancelled: Vec::new(),
            });
        }
        if !orphans.is_empty() {
            one_off(format!("DELETE FROM touches WHERE id IN ({})", id_list(orphans.into_iter())))
                .execute(&mut **tx)
                .await?;
        }
        Ok(recorded)
    }

    /// Record one synced email in `tx`; `None` when it was recorded before (or the contact is gone).
    async fn synced_email_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        email: &SyncedEmail<'_>,
        now: Timestamp,
    ) -> Result<Option<SyncedTouch>> {
        let exists = sqlx::query("SELECT id FROM contacts WHERE account_id = $1 AND id = $2")
            .bind(email.account_id.get())
            .bind(email.contact_id.get())
            .fetch_optional(&mut **tx)
            .await?;
        if exists.is_none() {
            return Ok(None);
        }
        let inserted = sqlx::query(
            "INSERT INTO email_touches (account_id, message_id, contact_id, direction, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id, message_id, contact_id, direction) DO NOTHING \
                 RETURNING id",
        )
        .bind(email.account_id.get())
        .bind(email.message_id)
        .bind(email.contact_id.get())
        .bind(email.direction.as_str())
        .bind(seconds(now))
        .fetch_optional(&mut **tx)
        .await?;
        let Some(inserted) = inserted else { return Ok(None) };
        let key: i64 = inserted.try_get("id")?;
        let contact = self.lock_contact(tx, email.account_id, email.contact_id).await?;
        let replied = email.replied && email.direction == Direction::In;
        // Only a reply's plans stopped are told: what was live before is read for it alone.
        let live_before = if replied { live_plans(tx, email.account_id, contact.id).await? } else { Vec::new() };
        let mut draft = TouchDraft::new(contact.id, email.at.min(now), Channel::Email, email.summary)?;
        draft.direction = email.direction;
        if replied {
            draft.outcome = Some(Outcome::Replied);
        }
        let logged = insert_touch(tx, email.account_id, &contact, &draft, now).await?;
        sqlx::query("UPDATE email_touches SET touch_id = $2 WHERE id = $1")
            .bind(key)
            .bind(logged.touch.id.get())
            .execute(&mut **tx)
            .await?;
        let (stopped, cancelled) = if draft.outcome == Some(Outcome::Replied) {
            let live_after = live_plans(tx, email.account_id, contact.id).await?;
            let stopped = live_before
                .into_iter()
                .filter(|(id, _)| !live_after.iter().any(|(live, _)| live == id))
                .map(|(_, name)| name)
                .collect();
            let reason = format!("{} replied first", contact.name());
            (stopped, cancel_until_reply(tx, email.account_id, contact.id, &reason, now).await?)
        } else {
            (Vec::new(), Vec::new())
        };
        Ok(Some(SyncedTouch {
            contact_id: contact.id,
            contact_name: contact.name().to_string(),
            touch: logged.touch,
            stopped,
            cancelled,
        }))
    }

    /// Claim an action a message causes (a reminder, a reply to the sender): `true` the first time only.
    pub async fn claim_mail_action(
        &self,
        account_id: AccountId,
        message_id: &str,
        action: &str,
        now: Timestamp,
    ) -> Result<bool> {
        crate::error::during("claiming a mail action", async {
            let mut tx = self.begin_write().await?;
            let inserted = sqlx::query(
                "INSERT INTO mail_actions (account_id, message_id, action, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (account_id, message_id, action) DO NOTHING RETURNING id",
            )
            .bind(account_id.get())
            .bind(message_id)
            .bind(action)
            .bind(seconds(now))
            .fetch_optional(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(inserted.is_some())
        })
        .await
    }

    /// Record a delivery failure for an address in the account: a permanent
    /// one marks it undeliverable at once, a soft one counts (and marks it at
    /// [`SOFT_BOUNCE_LIMIT`]).
    pub async fn record_bounce(
        &self,
        account_id: AccountId,
        address: &str,
        permanent: bool,
        reason: &str,
        now: Timestamp,
    ) -> Result<BounceRecorded> {
        crate::error::during("recording a bounce", async {
            let address = address.trim().to_lowercase();
            let mut tx = self.begin_mail_write().await?;
            let statement = if permanent {
                "UPDATE contact_emails SET undeliverable_at = COALESCE(undeliverable_at, $3), bounce_reason = $4 \
                 WHERE account_id = $1 AND email = $2"
            } else {
                "UPDATE contact_emails SET soft_bounces = soft_bounces + 1, bounce_reason = $4, \
                 undeliverable_at = CASE WHEN soft_bounces + 1 >= $5 THEN COALESCE(undeliverable_at, $3) \
                 ELSE undeliverable_at END WHERE account_id = $1 AND email = $2"
            };
            let mut query =
                sqlx::query(statement).bind(account_id.get()).bind(&address).bind(seconds(now)).bind(reason);
            if !permanent {
                query = query.bind(SOFT_BOUNCE_LIMIT);
            }
            query.execute(&mut *tx).await?;
            let rows = sqlx::query(
                "SELECT contact_id, undeliverable_at FROM contact_emails WHERE account_id = $1 AND email = $2 \
                 ORDER BY contact_id",
            )
            .bind(account_id.get())
            .bind(&address)
            .fetch_all(&mut *tx)
            .await?;
            tx.commit().await?;
            let mut recorded = BounceRecorded { contacts: Vec::new(), undeliverable: false };
            for row in &rows {
                recorded.contacts.push(ContactId::new(row.try_get("contact_id")?));
                recorded.undeliverable |= optional_instant(row, "undeliverable_at")?.is_some();
            }
            Ok(recorded)
        })
        .await
    }

    /// A contact's addresses that bounced, in the contact's order.
    pub async fn undeliverable_emails(
        &self,
        account_id: AccountId,
        contact_id: ContactId,
    ) -> Result<Vec<Undeliverable>> {
        crate::error::during("reading undeliverable addresses", async {
            let params = [Param::Int(account_id.get()), Param::Int(contact_id.get())];
            self.reader
                .rows(
                    "SELECT email, undeliverable_at, bounce_reason FROM contact_emails \
                     WHERE account_id = $1 AND contact_id = $2 AND undeliverable_at IS NOT NULL ORDER BY position",
                    &params,
                    |row| {
                        Ok(Undeliverable {
                            email: row.text("email")?,
                            since: crate::rows::instant(row, "undeliverable_at")?,
                            reason: row.optional_text("bounce_reason")?.unwrap_or_default(),
                        })
                    },
                )
                .await
        })
        .await
    }

    /// Make an address deliverable again (the person fixed their mailbox).
    pub async fn clear_bounces(&self, account_id: AccountId, address: &str) -> Result<u64> {
        crate::error::during("clearing bounces", async {
            let mut tx = self.begin_write().await?;
            let done = sqlx::query(
                "UPDATE contact_emails SET undeliverable_at = NULL, bounce_reason = NULL, soft_bounces = 0 \
                 WHERE account_id = $1 AND email = $2",
            )
            .bind(account_id.get())
            .bind(address.trim().to_lowercase())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(done.rows_affected())
        })
        .await
    }

    /// Note `notes` in `tx`: those of one person (user and address) are
    /// merged first, to the same end as noting them one by one (counts added,
    /// the first and last time seen kept, the last name given kept), then
    /// written in one statement.
    async fn unknown_in(&self, tx: &mut Transaction<'static, Any>, notes: &[UnknownNote<'_>]) -> Result<()> {
        struct Merged {
            user_id: i64,
            account_id: i64,
            email: String,
            name: String,
            sent: i64,
            received: i64,
            first_seen: i64,
            last_seen: i64,
        }
        let mut merged: Vec<Merged> = Vec::with_capacity(notes.len());
        let mut index: std::collections::HashMap<(i64, String), usize> = std::collections::HashMap::new();
        for note in notes {
            let email = note.email.trim().to_lowercase();
            let (sent, received) = if note.direction == Direction::Out { (1, 0) } else { (0, 1) };
            let at = seconds(note.at);
            let name = note.name.trim();
            match index.get(&(note.user_id.get(), email.clone())) {
                Some(&at_index) => {
                    let known = &mut merged[at_index];
                    known.sent += sent;
                    known.received += received;
                    known.first_seen = known.first_seen.min(at);
                    known.last_seen = known.last_seen.max(at);
                    if !name.is_empty() {
                        known.name = name.to_string();
                    }
                }
                None => {
                    index.insert((note.user_id.get(), email.clone()), merged.len());
                    merged.push(Merged {
                        user_id: note.user_id.get(),
                        account_id: note.account_id.get(),
                        email,
                        name: name.to_string(),
                        sent,
                        received,
                        first_seen: at,
                        last_seen: at,
                    });
                }
            }
        }
        if merged.is_empty() {
            return Ok(());
        }
        let rows: Vec<UnknownRow<'_>> = merged
            .iter()
            .map(|note| {
                let Merged { user_id, account_id, email, name, sent, received, first_seen, last_seen } = note;
                (*user_id, *account_id, email.as_str(), name.as_str(), *sent, *received, *first_seen, *last_seen)
            })
            .collect();
        let statement = format!(
            "INSERT INTO unknown_correspondents \
             (user_id, account_id, email, name, sent, received, first_seen, last_seen) \
             SELECT {}, {}, {}, {}, {}, {}, {}, {} FROM {} WHERE true \
             ON CONFLICT (user_id, email) DO UPDATE SET \
             sent = unknown_correspondents.sent + excluded.sent, \
             received = unknown_correspondents.received + excluded.received, \
             name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE unknown_correspondents.name END, \
             first_seen = CASE WHEN excluded.first_seen < unknown_correspondents.first_seen \
                 THEN excluded.first_seen ELSE unknown_correspondents.first_seen END, \
             last_seen = CASE WHEN excluded.last_seen > unknown_correspondents.last_seen \
                 THEN excluded.last_seen ELSE unknown_correspondents.last_seen END",
            json_int(0),
            json_int(1),
            json_text(2),
            json_text(3),
            json_int(4),
            json_int(5),
            json_int(6),
            json_int(7),
            json_rows(self.backend, 1)
        );
        sqlx::query(sqlx::AssertSqlSafe(statement)).bind(json_param(&rows)?).execute(&mut **tx).await?;
        Ok(())
    }

    /// The people a user corresponded with who are not contacts (nor dismissed), most recent first.
    pub async fn unknown_correspondents(&self, user_id: UserId) -> Result<Vec<UnknownCorrespondent>> {
        crate::error::during("listing unknown correspondents", async {
            let rows = sqlx::query(
                "SELECT u.email, u.name, u.sent, u.received, u.first_seen, u.last_seen FROM unknown_correspondents u \
                 WHERE u.user_id = $1 AND u.dismissed_at IS NULL AND NOT EXISTS (SELECT 1 FROM contact_emails ce \
                 WHERE ce.account_id = u.account_id AND ce.email = u.email) ORDER BY u.last_seen DESC, u.email",
            )
            .bind(user_id.get())
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|row| {
                    Ok(UnknownCorrespondent {
                        email: row.try_get("email")?,
                        name: row.try_get("name")?,
                        sent: row.try_get("sent")?,
                        received: row.try_get("received")?,
                        first_seen: crate::rows::instant(row, "first_seen")?,
                        last_seen: crate::rows::instant(row, "last_seen")?,
                    })
                })
                .collect()
        })
        .await
    }

    /// Stop listing someone for review; `false` when they were not listed.
    pub async fn dismiss_unknown_correspondent(&self, user_id: UserId, email: &str, now: Timestamp) -> Result<bool> {
        crate::error::during("dismissing an unknown correspondent", async {
            let mut tx = self.begin_write().await?;
            let done = sqlx::query(
                "UPDATE unknown_correspondents SET dismissed_at = $3 WHERE user_id = $1 AND email = $2 \
                 AND dismissed_at IS NULL",
            )
            .bind(user_id.get())
            .bind(email.trim().to_lowercase())
            .bind(seconds(now))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(done.rows_affected() > 0)
        })
        .await
    }

    /// The user's current work-address secret, if one was made.
    pub async fn address_secret(&self, user_id: UserId) -> Result<Option<String>> {
        crate::error::during("reading the address secret", async {
            let row = sqlx::query(
                "SELECT secret FROM address_secrets WHERE user_id = $1 AND retired_at IS NULL ORDER BY id DESC LIMIT 1",
            )
            .bind(user_id.get())
            .fetch_optional(&self.pool)
            .await?;
            Ok(row.map(|row| row.try_get("secret")).transpose()?)
        })
        .await
    }

    /// Make `secret` the user's work-address secret; the old ones stop working.
    pub async fn replace_address_secret(&self, user_id: UserId, secret: &str, now: Timestamp) -> Result<()> {
        crate::error::during("making a new address secret", async {
            let mut tx = self.begin_write().await?;
            sqlx::query("UPDATE address_secrets SET retired_at = $2 WHERE user_id = $1 AND retired_at IS NULL")
                .bind(user_id.get())
                .bind(seconds(now))
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO address_secrets (user_id, secret, created_at) VALUES ($1, $2, $3)")
                .bind(user_id.get())
                .bind(secret)
                .bind(seconds(now))
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Whose work address carries `secret` (a retired secret belongs to nobody).
    pub async fn address_secret_owner(&self, secret: &str) -> Result<Option<(UserId, AccountId)>> {
        crate::error::during("finding an address secret", async {
            let row = sqlx::query(
                "SELECT s.user_id, u.account_id FROM address_secrets s JOIN users u ON u.id = s.user_id \
                 WHERE s.secret = $1 AND s.retired_at IS NULL",
            )
            .bind(secret.trim().to_lowercase())
            .fetch_optional(&self.pool)
            .await?;
            let Some(row) = row else { return Ok(None) };
            Ok(Some((UserId::new(row.try_get("user_id")?), AccountId::new(row.try_get("account_id")?))))
        })
        .await
    }

    /// A user's own addresses, lower-cased: their sign-in email, and their
    /// mailbox's From and logins where those are addresses. Mail to a work
    /// address acts only when it comes from one of these.
    pub async fn own_addresses(&self, user_id: UserId) -> Result<Vec<String>> {
        crate::error::during("reading a user's addresses", async {
            let row = sqlx::query(
                "SELECT u.email, m.from_address, m.smtp_username, m.imap_username FROM users u \
                 LEFT JOIN mail_accounts m ON m.user_id = u.id WHERE u.id = $1",
            )
            .bind(user_id.get())
            .fetch_optional(&self.pool)
            .await?;
            let Some(row) = row else { return Ok(Vec::new()) };
            let mut own: Vec<String> = Vec::new();
            for column in ["email", "from_address", "smtp_username", "imap_username"] {
                let value: Option<String> = row.try_get(column)?;
                let Some(value) = value.map(|value| value.trim().to_lowercase()) else { continue };
                if value.contains('@') && !own.contains(&value) {
                    own.push(value);
                }
            }
            Ok(own)
        })
        .await
    }

    /// Whether the user asked to review the people they correspond with who are not contacts.
    pub async fn reviews_unknown(&self, user_id: UserId) -> Result<bool> {
        crate::error::during("reading the unknown-correspondent setting", async {
            let row = sqlx::query("SELECT unknown_policy FROM mail_accounts WHERE user_id = $1")
                .bind(user_id.get())
                .fetch_optional(&self.pool)
                .await?;
            Ok(match row {
                Some(row) => row.try_get::<String, _>("unknown_policy")? == "review",
                None => false,
            })
        })
        .await
    }

    /// Count messages a mailbox's reader ignored (sender not verified), and remember its last error.
    pub async fn note_mailbox_state(
        &self,
        mailbox: &str,
        ignored: u64,
        last_error: Option<&str>,
        now: Timestamp,
    ) -> Result<()> {
        crate::error::during("saving the mailbox state", async {
            let mut tx = self.begin_write().await?;
            sqlx::query(
                "INSERT INTO mailbox_polls (mailbox, uid_validity, last_uid, polled_at, ignored, last_error) \
                 VALUES ($1, 0, 0, $2, $3, $4) ON CONFLICT (mailbox) DO UPDATE SET \
                 ignored = mailbox_polls.ignored + excluded.ignored, last_error = excluded.last_error",
            )
            .bind(mailbox)
            .bind(seconds(now))
            .bind(i64::try_from(ignored).unwrap_or(i64::MAX))
            .bind(last_error)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Messages ignored in a mailbox so far and its last error.
    pub async fn mailbox_state(&self, mailbox: &str) -> Result<(u64, Option<String>)> {
        crate::error::during("reading the mailbox state", async {
            let row = sqlx::query("SELECT ignored, last_error FROM mailbox_polls WHERE mailbox = $1")
                .bind(mailbox)
                .fetch_optional(&self.pool)
                .await?;
            let Some(row) = row else { return Ok((0, None)) };
            let ignored: i64 = row.try_get("ignored")?;
            Ok((u64::try_from(ignored).unwrap_or(0), row.try_get("last_error")?))
        })
        .await
    }
}

/// Cancel the contact's open follow-ups that wait for a reply, saying why; their ids.
pub(crate) async fn cancel_until_reply(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    contact_id: ContactId,
    reason: &str,
    now: Timestamp,
) -> Result<Vec<FollowUpId>> {
    let rows = sqlx::query(
        "SELECT id FROM follow_ups WHERE account_id = $1 AND contact_id = $2 AND state = 'open' AND until_reply = 1",
    )
    .bind(account_id.get())
    .bind(contact_id.get())
    .fetch_all(&mut **tx)
    .await?;
    let ids: Vec<FollowUpId> =
        rows.iter().map(|row| row.try_get("id").map(FollowUpId::new)).collect::<sqlx::Result<_>>()?;
    for id in &ids {
        sqlx::query("UPDATE follow_ups SET state = $2, closed_at = $3, closed_reason = $4 WHERE id = $1")
            .bind(id.get())
            .bind(FollowUpState::Cancelled.as_str())
            .bind(seconds(now))
            .bind(reason)
            .execute(&mut **tx)
            .await?;
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use sqlx::AssertSqlSafe;
    use tickler_test_support::FreshDatabase;

    use super::*;
    use crate::dialect::Backend;

    /// How the database plans the touch keys' read once a first sync has
    /// recorded 2,000 touches, its tables not analysed yet (as in a mailbox's
    /// first sync: the statistics come a minute later, if at all).
    async fn touch_keys_plan(backend: tickler_test_support::Backend) -> String {
        let database = FreshDatabase::new(backend);
        let store = Store::open(database.url()).await.expect("open the store");
        let now: Timestamp = "2026-11-24T15:00:00Z".parse().unwrap();
        let zone = tickler_core::contact::ZoneName::parse("America/New_York").unwrap();
        let account = store.default_account(&zone, now).await.unwrap().id;
        let name = tickler_core::contact::ContactName::parse("Ann Lee").unwrap();
        let details = tickler_core::contact::ContactDetails::named(name);
        let ann = store.create_contact(account, &details, now).await.unwrap().id;
        let keys: Vec<String> = (0..2_000).map(|n| format!("<{n}.k7f2@mail.example>")).collect();
        for batch in keys.chunks(400) {
            let emails: Vec<SyncedEmail<'_>> = batch
                .iter()
                .map(|key| SyncedEmail {
                    account_id: account,
                    message_id: key,
                    contact_id: ann,
                    direction: Direction::Out,
                    at: now,
                    summary: "Proposal",
                    replied: false,
                })
                .collect();
            store.record_mail(&emails, &[], now).await.unwrap();
        }
        let (explain, column) = match store.backend {
            Backend::Sqlite => ("EXPLAIN QUERY PLAN", 3),
            Backend::Postgres => ("EXPLAIN", 0),
        };
        let statement = format!("{explain} {}", touch_keys_statement(store.backend));
        let rows = sqlx::query(AssertSqlSafe(statement))
            .bind(account.get())
            .bind(json_param(&keys[..100].to_vec()).unwrap())
            .fetch_all(store.pool())
            .await
            .expect("explain the touch keys' read");
        let plan: Vec<String> = rows.iter().map(|row| row.try_get::<String, _>(column).unwrap()).collect();
        store.close().await;
        plan.join("\n")
    }

    #[tokio::test]
    async fn the_touch_keys_are_read_by_one_index_probe_per_message_id_on_sqlite() {
        let plan = touch_keys_plan(tickler_test_support::Backend::Sqlite).await;
        assert!(plan.contains("email_touches_once (account_id=? AND message_id=?)"), "{plan}");
    }

    #[tokio::test]
    async fn the_touch_keys_are_read_by_one_index_probe_per_message_id_on_postgres() {
        let plan = touch_keys_plan(tickler_test_support::Backend::Postgres).await;
        // Planned as `= ANY` of the list, the account's keys were all read
        // (`Index Cond: (account_id = $1)`) and each compared with the whole list.
        let probe = plan.lines().any(|line| line.contains("Index Cond") && line.contains("message_id = k.key"));
        assert!(probe, "{plan}");
        assert!(!plan.lines().any(|line| line.contains("Filter") && line.contains("message_id")), "{plan}");
    }
}

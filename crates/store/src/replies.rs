//! Replies read from the watched mailbox: matched to the plan email they
//! answer (by a Message-ID in In-Reply-To/References, else by the sender
//! being a contact we emailed), recorded once per account and Message-ID as
//! an inbound email touch with the outcome *replied* — which stops the
//! contact's plans through the same path as a touch logged by hand — and
//! where the poller stands in each mailbox.

use jiff::Timestamp;
use sqlx::{Any, Row, Transaction};
use tickler_core::contact::EmailAddress;
use tickler_core::ids::{AccountId, ContactId};
use tickler_core::reply::InboundReply;
use tickler_core::touch::{Channel, Direction, Outcome, Touch, TouchDraft};

use crate::dialect::placeholders;
use crate::error::Result;
use crate::rows::seconds;
use crate::touches::insert_touch;
use crate::{Backend, Store};

/// Where the poller stands in a mailbox: the UIDs up to `last_uid` of this
/// `uid_validity` have been read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct MailboxPoll {
    pub uid_validity: u32,
    pub last_uid: u32,
}

/// A reply recorded on one contact's timeline.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RecordedReply {
    pub account_id: AccountId,
    pub contact_id: ContactId,
    pub contact_name: String,
    /// The inbound touch (email, outcome *replied*).
    pub touch: Touch,
    /// The plan email it answers, when matched by Message-ID; `None` when matched by the sender.
    pub outbox_id: Option<i64>,
    /// The names of the plans the reply stopped.
    pub stopped: Vec<String>,
}

/// What recording an inbound email came to.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "result", content = "replies", rename_all = "kebab-case")]
pub enum ReplyOutcome {
    /// Recorded for these contacts (one per account it matched in).
    Recorded(Vec<RecordedReply>),
    /// It was recorded before (the same Message-ID).
    AlreadyRecorded,
    /// It is one of our own emails (a copy in the mailbox), not a reply.
    OwnEmail,
    /// It answers none of our emails and comes from no contact we emailed.
    Unmatched,
}

/// Where a reply lands: an account's contact, and the email it answers.
struct Target {
    account_id: AccountId,
    contact_id: ContactId,
    outbox_id: Option<i64>,
}

impl Store {
    /// Where the poller stands in `mailbox` (see `ImapConfig::mailbox_key`), if it has read it before.
    pub async fn mailbox_poll(&self, mailbox: &str) -> Result<Option<MailboxPoll>> {
        crate::error::during("reading the mailbox position", async {
            let row = sqlx::query("SELECT uid_validity, last_uid FROM mailbox_polls WHERE mailbox = $1")
                .bind(mailbox)
                .fetch_optional(&self.pool)
                .await?;
            let Some(row) = row else { return Ok(None) };
            let number = |column: &str| -> Result<u32> {
                let value: i64 = row.try_get(column)?;
                u32::try_from(value).map_err(|_| crate::Error::Corrupt(format!("mailbox_polls.{column}: {value}")))
            };
            Ok(Some(MailboxPoll { uid_validity: number("uid_validity")?, last_uid: number("last_uid")? }))
        })
        .await
    }

    /// Remember how far `mailbox` has been read. Within one UIDVALIDITY the
    /// mark only moves forward, so two pollers finishing out of order never
    /// make a third read again what was read.
    pub async fn save_mailbox_poll(&self, mailbox: &str, poll: MailboxPoll, now: Timestamp) -> Result<()> {
        crate::error::during("saving the mailbox position", async {
            let mut tx = self.begin_mail_write().await?;
            sqlx::query(
                "INSERT INTO mailbox_polls (mailbox, uid_validity, last_uid, polled_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (mailbox) DO UPDATE SET \
                 last_uid = CASE WHEN mailbox_polls.uid_validity = excluded.uid_validity \
                     AND mailbox_polls.last_uid > excluded.last_uid THEN mailbox_polls.last_uid ELSE excluded.last_uid END, \
                 uid_validity = excluded.uid_validity, polled_at = excluded.polled_at",
            )
            .bind(mailbox)
            .bind(i64::from(poll.uid_validity))
            .bind(i64::from(poll.last_uid))
            .bind(seconds(now))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Record an inbound email as a reply, in one transaction: find what it
    /// answers (a Message-ID of ours in its thread; else, only when it names
    /// none of ours, its sender being a contact we had emailed before it was
    /// written), log an inbound email touch with the outcome *replied* (which
    /// stops the contact's plans with the reason "replied"), and mark its
    /// Message-ID recorded for that account. Recording the same email again
    /// changes nothing.
    pub async fn record_reply(&self, reply: &InboundReply, now: Timestamp) -> Result<ReplyOutcome> {
        crate::error::during("recording a reply", async {
            let mut tx = self.begin_write().await?;
            let own = sqlx::query("SELECT id FROM outbox WHERE message_id = $1 LIMIT 1")
                .bind(&reply.key)
                .fetch_optional(&mut *tx)
                .await?;
            if own.is_some() {
                return Ok(ReplyOutcome::OwnEmail);
            }
            let mut targets = thread_target(self.backend, &mut tx, &reply.thread).await?.into_iter().collect::<Vec<_>>();
            if targets.is_empty()
                && let Some(from) = &reply.from
            {
                targets = sender_targets(&mut tx, from, reply.answers_emails_sent_by(now)).await?;
            }
            if targets.is_empty() {
                return Ok(ReplyOutcome::Unmatched);
            }
            let at = reply.touch_at(now);
            let mut recorded = Vec::new();
            for target in targets {
                // The key first: a second poller reading the same email waits here, then finds it taken.
                let inserted = sqlx::query(
                    "INSERT INTO inbound_emails (account_id, message_id, contact_id, outbox_id, subject, received_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (account_id, message_id) DO NOTHING RETURNING id",
                )
                .bind(target.account_id.get())
                .bind(&reply.key)
                .bind(target.contact_id.get())
                .bind(target.outbox_id)
                .bind(&reply.subject)
                .bind(seconds(at))
                .bind(seconds(now))
                .fetch_optional(&mut *tx)
                .await?;
                let Some(inserted) = inserted else { continue };
                let inbound_id: i64 = inserted.try_get("id")?;
                let contact = self.lock_contact(&mut tx, target.account_id, target.contact_id).await?;
                let live_before = live_plans(&mut tx, target.account_id, contact.id).await?;
                let mut draft = TouchDraft::new(contact.id, at, Channel::Email, &reply.summary())?;
                draft.direction = Direction::In;
                draft.outcome = Some(Outcome::Replied);
                let logged = insert_touch(&mut tx, target.account_id, &contact, &draft, now).await?;
                let live_after = live_plans(&mut tx, target.account_id, contact.id).await?;
                let reason = format!("{} replied first", contact.name());
                crate::email_sync::cancel_until_reply(&mut tx, target.account_id, contact.id, &reason, now).await?;
                sqlx::query("UPDATE inbound_emails SET touch_id = $2 WHERE id = $1")
                    .bind(inbound_id)
                    .bind(logged.touch.id.get())
                    .execute(&mut *tx)
                    .await?;
                recorded.push(RecordedReply {
                    account_id: target.account_id,
                    contact_id: contact.id,
                    contact_name: contact.name().to_string(),
                    touch: logged.touch,
                    outbox_id: target.outbox_id,
                    stopped: live_before
                        .into_iter()
                        .filter(|(id, _)| !live_after.iter().any(|(live, _)| live == id))
                        .map(|(_, name)| name)
                        .collect(),
                });
            }
            tx.commit().await?;
            Ok(if recorded.is_empty() { ReplyOutcome::AlreadyRecorded } else { ReplyOutcome::Recorded(recorded) })
        })
        .await
    }
}

/// The email of ours the thread answers most directly (the first of `thread` found in the outbox).
async fn thread_target(backend: Backend, tx: &mut Transaction<'_, Any>, thread: &[String]) -> Result<Option<Target>> {
    if thread.is_empty() {
        return Ok(None);
    }
    let statement = format!(
        "SELECT id, account_id, contact_id, message_id FROM outbox \
         WHERE message_id IN ({}) AND contact_id IS NOT NULL",
        placeholders(backend, 1, thread.len())
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(statement));
    for id in thread {
        query = query.bind(id);
    }
    let rows = query.fetch_all(&mut **tx).await?;
    let mut best: Option<(usize, Target)> = None;
    for row in &rows {
        let message_id: String = row.try_get("message_id")?;
        let rank = thread.iter().position(|id| *id == message_id).unwrap_or(usize::MAX);
        if best.as_ref().is_none_or(|(best_rank, _)| rank < *best_rank) {
            let target = Target {
                account_id: AccountId::new(row.try_get("account_id")?),
                contact_id: ContactId::new(row.try_get("contact_id")?),
                outbox_id: Some(row.try_get("id")?),
            };
            best = Some((rank, target));
        }
    }
    Ok(best.map(|(_, target)| target))
}

/// The contacts with this address, in every account that had sent them a plan email by `sent_by`.
async fn sender_targets(tx: &mut Transaction<'_, Any>, from: &EmailAddress, sent_by: Timestamp) -> Result<Vec<Target>> {
    let rows = sqlx::query(
        "SELECT ce.account_id, ce.contact_id FROM contact_emails ce WHERE ce.email = $1 AND EXISTS \
         (SELECT 1 FROM outbox o WHERE o.account_id = ce.account_id AND o.contact_id = ce.contact_id \
          AND o.state = 'sent' AND o.sent_at <= $2) \
         ORDER BY ce.account_id",
    )
    .bind(from.as_str())
    .bind(seconds(sent_by))
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Target {
                account_id: AccountId::new(row.try_get("account_id")?),
                contact_id: ContactId::new(row.try_get("contact_id")?),
                outbox_id: None,
            })
        })
        .collect()
}

/// The contact's enrollments that are running or paused, with their plan's name.
pub(crate) async fn live_plans(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    contact_id: ContactId,
) -> Result<Vec<(i64, String)>> {
    let rows = sqlx::query(
        "SELECT e.id, p.name FROM enrollments e JOIN plans p ON p.id = e.plan_id \
         WHERE e.account_id = $1 AND e.contact_id = $2 AND e.state IN ('active', 'paused') ORDER BY e.id",
    )
    .bind(account_id.get())
    .bind(contact_id.get())
    .fetch_all(&mut **tx)
    .await?;
    rows.iter().map(|row| Ok((row.try_get("id")?, row.try_get("name")?))).collect()
}

//! Follow-ups: schedule (guarded by consent and pacing), complete with a
//! touch, snooze, skip.

use jiff::{Timestamp, ZonedDateTime};
use sqlx::{Any, Row, Transaction};
use tickler_core::contact::Contact;
use tickler_core::follow_up::{Due, FollowUp, FollowUpDraft, FollowUpState, Origin, ensure_snooze_in_future};
use tickler_core::ids::{AccountId, ContactId, FollowUpId};
use tickler_core::pacing::{self, Neighbour, PacingWarning};
use tickler_core::template::Rendered;
use tickler_core::touch::TouchDraft;

use crate::error::{Error, Record, Result};
use crate::follow_up_rows::{FOLLOW_UP_COLUMNS, follow_up_from_row, insert_follow_up};
use crate::jobs::{JobKind, insert_job};
use crate::reads::Param;
use crate::rows::{due_columns, optional_instant, parsed, seconds};
use crate::touches::{Logged, insert_touch};
use crate::{Backend, Store};

/// A scheduled follow-up and the pacing warning that was overridden, if any.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scheduled {
    pub follow_up: FollowUp,
    pub pacing: Option<PacingWarning>,
}

impl Store {
    /// Schedule a follow-up (one that waits for a reply when `draft.until_reply`:
    /// the contact's reply cancels it). Refused when the contact's consent forbids it;
    /// refused with [`Error::Pacing`] inside the pacing gap unless `force`, or
    /// the contact asked for it (`draft.agreed`: no gap applies, none is reported).
    /// Consent is read and the row written in one transaction.
    pub async fn schedule_follow_up(
        &self,
        account_id: AccountId,
        draft: &FollowUpDraft,
        force: bool,
        now: Timestamp,
    ) -> Result<Scheduled> {
        crate::error::during("scheduling a follow-up", async {
            let mut tx = self.begin_write().await?;
            let contact = self.lock_contact(&mut tx, account_id, draft.contact_id).await?;
            contact.consent.ensure_may_follow_up(contact.name(), draft.origin == Origin::ReAsk)?;
            let warning = match draft.agreed {
                true => None,
                false => pacing_warning(&mut tx, account_id, &contact, &draft.due, None).await?,
            };
            if let (Some(warning), false) = (&warning, force) {
                return Err(Error::Pacing(warning.clone()));
            }
            let id = insert_follow_up(
                &mut tx,
                account_id,
                contact.id,
                &draft.due,
                draft.channel,
                &draft.purpose,
                draft.origin,
                now,
            )
            .await?;
            if draft.agreed || draft.until_reply {
                sqlx::query("UPDATE follow_ups SET agreed = $2, until_reply = $3 WHERE id = $1")
                    .bind(id.get())
                    .bind(i64::from(draft.agreed))
                    .bind(i64::from(draft.until_reply))
                    .execute(&mut *tx)
                    .await?;
            }
            let follow_up = follow_up_in(&mut tx, account_id, id).await?;
            tx.commit().await?;
            Ok(Scheduled { follow_up, pacing: warning })
        })
        .await
    }

    /// One follow-up by id.
    pub async fn follow_up(&self, account_id: AccountId, id: FollowUpId) -> Result<FollowUp> {
        crate::error::during("reading a follow-up", async {
            let mut connection = self.pool.acquire().await?;
            follow_up_in(&mut connection, account_id, id).await
        })
        .await
    }

    /// Mark an open follow-up done and, when given, record the touch that did it — one transaction.
    pub async fn complete_follow_up(
        &self,
        account_id: AccountId,
        id: FollowUpId,
        touch: Option<&TouchDraft>,
        now: Timestamp,
    ) -> Result<(FollowUp, Option<Logged>)> {
        crate::error::during("completing a follow-up", async {
            let mut tx = self.begin_write().await?;
            let follow_up = follow_up_in(&mut tx, account_id, id).await?;
            follow_up.state.ensure_open(id)?;
            close(&mut tx, account_id, id, FollowUpState::Done, now).await?;
            let logged = match touch {
                Some(draft) => {
                    let contact = self.lock_contact(&mut tx, account_id, follow_up.contact_id).await?;
                    let draft = TouchDraft { contact_id: follow_up.contact_id, ..draft.clone() };
                    Some(insert_touch(&mut tx, account_id, &contact, &draft, now).await?)
                }
                None => None,
            };
            let follow_up = follow_up_in(&mut tx, account_id, id).await?;
            tx.commit().await?;
            Ok((follow_up, logged))
        })
        .await
    }

    /// Mark an open follow-up done by an email sent through Tickler: the touch is
    /// recorded and the message queued to `to`, in one transaction. Refused when
    /// the contact's consent forbids following up.
    pub async fn send_follow_up(
        &self,
        account_id: AccountId,
        id: FollowUpId,
        touch: &TouchDraft,
        email: (&str, &Rendered),
        now: Timestamp,
    ) -> Result<(FollowUp, Logged)> {
        crate::error::during("sending a follow-up", async {
            let mut tx = self.begin_write().await?;
            let follow_up = follow_up_in(&mut tx, account_id, id).await?;
            follow_up.state.ensure_open(id)?;
            let contact = self.lock_contact(&mut tx, account_id, follow_up.contact_id).await?;
            contact.consent.ensure_may_follow_up(contact.name(), false)?;
            close(&mut tx, account_id, id, FollowUpState::Done, now).await?;
            let draft = TouchDraft { contact_id: follow_up.contact_id, ..touch.clone() };
            let logged = insert_touch(&mut tx, account_id, &contact, &draft, now).await?;
            let (to, rendered) = email;
            let payload = serde_json::json!({ "to": to, "subject": rendered.subject, "body": rendered.body });
            let key = format!("follow-up:{id}");
            insert_job(&mut tx, JobKind::Reminder, account_id, &payload.to_string(), &key, now, now).await?;
            let follow_up = follow_up_in(&mut tx, account_id, id).await?;
            tx.commit().await?;
            Ok((follow_up, logged))
        })
        .await
    }

    /// Mark an open follow-up skipped.
    pub async fn skip_follow_up(&self, account_id: AccountId, id: FollowUpId, now: Timestamp) -> Result<FollowUp> {
        crate::error::during("skipping a follow-up", async {
            let mut tx = self.begin_write().await?;
            follow_up_in(&mut tx, account_id, id).await?.state.ensure_open(id)?;
            close(&mut tx, account_id, id, FollowUpState::Skipped, now).await?;
            let follow_up = follow_up_in(&mut tx, account_id, id).await?;
            tx.commit().await?;
            Ok(follow_up)
        })
        .await
    }

    /// Move an open follow-up to a later due, keeping the history. A new due
    /// inside the contact's pacing gap is allowed (the user chose it) and reported.
    pub async fn snooze_follow_up(
        &self,
        account_id: AccountId,
        id: FollowUpId,
        to: &Due,
        now: &ZonedDateTime,
    ) -> Result<Scheduled> {
        crate::error::during("snoozing a follow-up", async {
            ensure_snooze_in_future(to, now)?;
            let mut tx = self.begin_write().await?;
            let before = follow_up_in(&mut tx, account_id, id).await?;
            before.state.ensure_open(id)?;
            let (from_date, from_time, from_zone) = due_columns(&before.due);
            let (to_date, to_time, to_zone) = due_columns(to);
            sqlx::query(
                "INSERT INTO follow_up_snoozes (follow_up_id, from_date, from_time, from_zone, to_date, to_time, to_zone, at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id.get())
            .bind(from_date)
            .bind(from_time)
            .bind(from_zone)
            .bind(&to_date)
            .bind(&to_time)
            .bind(&to_zone)
            .bind(seconds(now.timestamp()))
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE follow_ups SET due_date = $3, due_time = $4, due_zone = $5, due_at = $6, snoozes = snoozes + 1 \
                 WHERE account_id = $1 AND id = $2",
            )
            .bind(account_id.get())
            .bind(id.get())
            .bind(to_date)
            .bind(to_time)
            .bind(to_zone)
            .bind(seconds(to.instant()))
            .execute(&mut *tx)
            .await?;
            let contact = self.lock_contact(&mut tx, account_id, before.contact_id).await?;
            let pacing = pacing_warning(&mut tx, account_id, &contact, to, Some(id)).await?;
            let follow_up = follow_up_in(&mut tx, account_id, id).await?;
            tx.commit().await?;
            Ok(Scheduled { follow_up, pacing })
        })
        .await
    }

    /// A contact's follow-ups in every state, by due.
    pub async fn follow_ups_of(&self, account_id: AccountId, contact_id: ContactId) -> Result<Vec<FollowUp>> {
        crate::error::during("listing a contact's follow-ups", async {
            let statement = format!(
                "SELECT {FOLLOW_UP_COLUMNS} FROM follow_ups f WHERE f.account_id = $1 AND f.contact_id = $2 ORDER BY f.due_at, f.id"
            );
            let params = [Param::Int(account_id.get()), Param::Int(contact_id.get())];
            self.reader.rows(&statement, &params, |row| follow_up_from_row(row)).await
        })
        .await
    }
}

async fn close(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    id: FollowUpId,
    state: FollowUpState,
    now: Timestamp,
) -> Result<()> {
    sqlx::query("UPDATE follow_ups SET state = $3, closed_at = $4 WHERE account_id = $1 AND id = $2")
        .bind(account_id.get())
        .bind(id.get())
        .bind(state.as_str())
        .bind(seconds(now))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn follow_up_in(connection: &mut sqlx::AnyConnection, account_id: AccountId, id: FollowUpId) -> Result<FollowUp> {
    let statement = format!("SELECT {FOLLOW_UP_COLUMNS} FROM follow_ups f WHERE f.account_id = $1 AND f.id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(statement))
        .bind(account_id.get())
        .bind(id.get())
        .fetch_optional(&mut *connection)
        .await?
        .ok_or_else(|| Error::not_found(Record::FollowUp, id))?;
    follow_up_from_row(&row)
}

async fn account_gap(tx: &mut Transaction<'_, Any>, account_id: AccountId) -> Result<u32> {
    let gap: i64 = sqlx::query("SELECT pacing_gap_days FROM accounts WHERE id = $1")
        .bind(account_id.get())
        .fetch_one(&mut **tx)
        .await?
        .try_get("pacing_gap_days")?;
    Ok(u32::try_from(gap).unwrap_or(0))
}

/// Whether `due` falls inside the contact's pacing gap (their own, else the
/// account's), next to their last touch or another open follow-up than `except`.
async fn pacing_warning(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    contact: &Contact,
    due: &Due,
    except: Option<FollowUpId>,
) -> Result<Option<PacingWarning>> {
    let zone = contact.zone_or(&due.zone.time_zone());
    let gap = match contact.details.pacing_gap_days {
        Some(days) => days,
        None => account_gap(tx, account_id).await?,
    };
    let neighbours = neighbours(tx, account_id, contact.id, &zone, except).await?;
    Ok(pacing::check(due.date_in(&zone), &neighbours, gap))
}

/// The contact's last touch and open follow-ups (but `except`), as days on the contact's calendar.
async fn neighbours(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    contact_id: ContactId,
    zone: &jiff::tz::TimeZone,
    except: Option<FollowUpId>,
) -> Result<Vec<Neighbour>> {
    let mut neighbours = Vec::new();
    let last_touch = sqlx::query("SELECT MAX(at) AS at FROM touches WHERE account_id = $1 AND contact_id = $2")
        .bind(account_id.get())
        .bind(contact_id.get())
        .fetch_one(&mut **tx)
        .await?;
    if let Some(at) = optional_instant(&last_touch, "at")? {
        neighbours.push(Neighbour::at(at, zone, "last touch"));
    }
    let statement = format!(
        "SELECT {FOLLOW_UP_COLUMNS} FROM follow_ups f WHERE f.account_id = $1 AND f.contact_id = $2 AND f.state = 'open'"
    );
    for row in sqlx::query(sqlx::AssertSqlSafe(statement))
        .bind(account_id.get())
        .bind(contact_id.get())
        .fetch_all(&mut **tx)
        .await?
    {
        let follow_up = follow_up_from_row(&row)?;
        if Some(follow_up.id) != except {
            neighbours
                .push(Neighbour { day: follow_up.due.date_in(zone), what: format!("follow-up {}", follow_up.id) });
        }
    }
    Ok(neighbours)
}

/// Rows per multi-row INSERT in [`Store::import_follow_ups`]: 12 parameters
/// each stays well under both backends' limits on bound parameters.
pub const IMPORT_BATCH: usize = 1_000;

impl Store {
    /// Schedule many follow-ups at once, in one transaction: all or nothing.
    /// Every contact must be in the account and may be followed up (consent);
    /// pacing is not checked, as for a plan or an import the schedule is deliberate.
    pub async fn import_follow_ups(
        &self,
        account_id: AccountId,
        drafts: &[FollowUpDraft],
        now: Timestamp,
    ) -> Result<u64> {
        crate::error::during("importing follow-ups", async {
            let mut tx = self.begin_write().await?;
            let mut consent = std::collections::HashMap::new();
            for row in sqlx::query("SELECT id, name, consent FROM contacts WHERE account_id = $1")
                .bind(account_id.get())
                .fetch_all(&mut *tx)
                .await?
            {
                let state = parsed(&row, "consent", tickler_core::consent::ConsentState::parse)?;
                consent.insert(ContactId::new(row.try_get("id")?), (state, row.try_get::<String, _>("name")?));
            }
            for draft in drafts {
                let (state, name) = consent
                    .get(&draft.contact_id)
                    .ok_or_else(|| Error::not_found(Record::Contact, draft.contact_id))?;
                tickler_core::consent::Consent { state: *state, until: None }
                    .ensure_may_follow_up(name, draft.origin == Origin::ReAsk)?;
            }
            let mut inserted = 0;
            for batch in drafts.chunks(IMPORT_BATCH) {
                let statement = import_statement(self.backend, batch.len());
                let mut query = sqlx::query(sqlx::AssertSqlSafe(statement));
                for draft in batch {
                    let (date, time, zone) = due_columns(&draft.due);
                    query = query
                        .bind(account_id.get())
                        .bind(draft.contact_id.get())
                        .bind(date)
                        .bind(time)
                        .bind(zone)
                        .bind(seconds(draft.due.instant()))
                        .bind(draft.channel.as_str())
                        .bind(draft.purpose.clone())
                        .bind(draft.origin.as_str())
                        .bind(FollowUpState::Open.as_str())
                        .bind(0_i64)
                        .bind(seconds(now));
                }
                inserted += query.execute(&mut *tx).await?.rows_affected();
            }
            tx.commit().await?;
            Ok(inserted)
        })
        .await
    }
}

/// `INSERT … VALUES (…), (…)` for `rows` follow-ups of 12 parameters each.
fn import_statement(backend: Backend, rows: usize) -> String {
    crate::dialect::multi_row_insert(
        backend,
        "follow_ups",
        "account_id, contact_id, due_date, due_time, due_zone, due_at, channel, purpose, origin, state, snoozes, \
         created_at",
        12,
        rows,
    )
}

//! Promises: record, list the open ones, close them kept or late.

use jiff::Timestamp;
use sqlx::{Any, Row, Transaction};
use tickler_core::contact::ZoneName;
use tickler_core::ids::{AccountId, ContactId, PromiseId};
use tickler_core::promise::{Promise, PromiseDraft, PromiseState};

use tickler_core::template::Rendered;
use tickler_core::touch::TouchDraft;

use crate::Store;
use crate::error::{Error, Record, Result};
use crate::jobs::{JobKind, insert_job};
use crate::reads::Param;
use crate::rows::{Columns, instant, optional_instant, parsed, seconds};
use crate::touches::{Logged, insert_touch};

const PROMISE_COLUMNS: &str =
    "p.id, p.contact_id, p.what, p.aim_at, p.told_at, p.zone, p.state, p.created_at, p.closed_at";
/// The same columns unqualified, for `RETURNING` (SQLite allows no table alias there).
const PROMISE_RETURNING: &str = "id, contact_id, what, aim_at, told_at, zone, state, created_at, closed_at";

impl Store {
    /// Record a promise; refused for a contact marked do-not-contact.
    pub async fn create_promise(&self, account_id: AccountId, draft: &PromiseDraft, now: Timestamp) -> Result<Promise> {
        crate::error::during("recording a promise", async {
            let mut tx = self.begin_write().await?;
            let contact = self.lock_contact(&mut tx, account_id, draft.contact_id).await?;
            contact.consent.ensure_may_follow_up(contact.name(), false)?;
            let statement = format!(
                "INSERT INTO promises (account_id, contact_id, what, aim_at, told_at, zone, state, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'open', $7) RETURNING {PROMISE_RETURNING}"
            );
            let row = sqlx::query(sqlx::AssertSqlSafe(statement))
                .bind(account_id.get())
                .bind(contact.id.get())
                .bind(&draft.what)
                .bind(seconds(draft.aim))
                .bind(seconds(draft.told))
                .bind(draft.zone.as_str())
                .bind(seconds(now))
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            promise_from_row(&row)
        })
        .await
    }

    /// Open promises with their contact's name, soonest told deadline first.
    pub async fn open_promises(&self, account_id: AccountId) -> Result<Vec<(Promise, String)>> {
        crate::error::during("listing open promises", async {
            let statement = format!(
                "SELECT {PROMISE_COLUMNS}, c.name AS contact_name FROM promises p JOIN contacts c ON c.id = p.contact_id \
                 WHERE p.account_id = $1 AND p.state = 'open' ORDER BY p.told_at, p.id"
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(statement)).bind(account_id.get()).fetch_all(&self.pool).await?;
            rows.iter().map(|row| Ok((promise_from_row(row)?, row.try_get("contact_name")?))).collect()
        })
        .await
    }

    /// One promise by id.
    pub async fn promise(&self, account_id: AccountId, id: PromiseId) -> Result<Promise> {
        crate::error::during("reading a promise", async {
            let mut tx = self.pool.begin().await?;
            promise_in(&mut tx, account_id, id).await
        })
        .await
    }

    /// A contact's promises in every state.
    pub async fn promises_of(&self, account_id: AccountId, contact_id: ContactId) -> Result<Vec<Promise>> {
        crate::error::during("listing a contact's promises", async {
            let statement = format!(
                "SELECT {PROMISE_COLUMNS} FROM promises p WHERE p.account_id = $1 AND p.contact_id = $2 ORDER BY p.told_at, p.id"
            );
            let params = [Param::Int(account_id.get()), Param::Int(contact_id.get())];
            self.reader.rows(&statement, &params, |row| promise_from_row(row)).await
        })
        .await
    }

    /// Mark an open promise fulfilled: kept when on time, late otherwise.
    pub async fn keep_promise(&self, account_id: AccountId, id: PromiseId, now: Timestamp) -> Result<Promise> {
        crate::error::during("keeping a promise", async {
            let mut tx = self.begin_write().await?;
            let promise = promise_in(&mut tx, account_id, id).await?;
            if promise.state != PromiseState::Open {
                return Err(tickler_core::Error::Refused(format!(
                    "promise {id} is already {}",
                    promise.state.as_str()
                ))
                .into());
            }
            sqlx::query("UPDATE promises SET state = $3, closed_at = $4 WHERE account_id = $1 AND id = $2")
                .bind(account_id.get())
                .bind(id.get())
                .bind(promise.fulfilled_state(now).as_str())
                .bind(seconds(now))
                .execute(&mut *tx)
                .await?;
            let promise = promise_in(&mut tx, account_id, id).await?;
            tx.commit().await?;
            Ok(promise)
        })
        .await
    }

    /// The contact was told a new deadline for an open promise: in one
    /// transaction, move its aim and told deadline, log the touch that told
    /// them, and (when `email` is given: the address and the message) queue
    /// that email, sent once by the worker through the installation's relay.
    pub async fn tell_new_deadline(
        &self,
        account_id: AccountId,
        id: PromiseId,
        deadlines: (Timestamp, Timestamp),
        touch: &TouchDraft,
        email: Option<(&str, &Rendered)>,
        now: Timestamp,
    ) -> Result<(Promise, Logged)> {
        crate::error::during("telling a promise's new deadline", async {
            let (aim, told) = deadlines;
            let mut tx = self.begin_write().await?;
            let promise = promise_in(&mut tx, account_id, id).await?;
            if promise.state != PromiseState::Open {
                return Err(tickler_core::Error::Refused(format!(
                    "promise {id} is already {}",
                    promise.state.as_str()
                ))
                .into());
            }
            let contact = self.lock_contact(&mut tx, account_id, promise.contact_id).await?;
            if email.is_some() {
                contact.consent.ensure_may_follow_up(contact.name(), false)?;
            }
            sqlx::query("UPDATE promises SET aim_at = $3, told_at = $4 WHERE account_id = $1 AND id = $2")
                .bind(account_id.get())
                .bind(id.get())
                .bind(seconds(aim.min(told)))
                .bind(seconds(told))
                .execute(&mut *tx)
                .await?;
            let logged = insert_touch(&mut tx, account_id, &contact, touch, now).await?;
            if let Some((to, rendered)) = email {
                let payload = serde_json::json!({ "to": to, "subject": rendered.subject, "body": rendered.body });
                let key = format!("running-late:{id}:{}", now.as_second());
                insert_job(&mut tx, JobKind::Reminder, account_id, &payload.to_string(), &key, now, now).await?;
            }
            let promise = promise_in(&mut tx, account_id, id).await?;
            tx.commit().await?;
            Ok((promise, logged))
        })
        .await
    }
}

async fn promise_in(tx: &mut Transaction<'_, Any>, account_id: AccountId, id: PromiseId) -> Result<Promise> {
    let statement = format!("SELECT {PROMISE_COLUMNS} FROM promises p WHERE p.account_id = $1 AND p.id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(statement))
        .bind(account_id.get())
        .bind(id.get())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| Error::not_found(Record::Promise, id))?;
    promise_from_row(&row)
}

fn promise_from_row<R: Columns + ?Sized>(row: &R) -> Result<Promise> {
    Ok(Promise {
        id: PromiseId::new(row.int("id")?),
        contact_id: ContactId::new(row.int("contact_id")?),
        what: row.text("what")?,
        aim: instant(row, "aim_at")?,
        told: instant(row, "told_at")?,
        zone: parsed(row, "zone", ZoneName::parse)?,
        state: parsed(row, "state", PromiseState::parse)?,
        created_at: instant(row, "created_at")?,
        closed_at: optional_instant(row, "closed_at")?,
    })
}

//! Consent changes: recorded with when and why, and applied to the contact's
//! open follow-ups and promises in the same transaction.

use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::{Any, Transaction};
use tickler_core::consent::{ConsentChange, ConsentState};
use tickler_core::contact::Contact;
use tickler_core::follow_up::{Due, FollowUpState, Origin};
use tickler_core::ids::{AccountId, ContactId};
use tickler_core::promise::PromiseState;
use tickler_core::touch::Channel;

use crate::contacts::contact_in;
use crate::error::Result;
use crate::follow_up_rows::insert_follow_up;
use crate::reads::Param;
use crate::rows::{Columns, instant, optional_date, parsed, seconds};
use crate::{Backend, Store};

/// A consent change to make.
#[derive(Debug, Clone)]
pub(crate) struct ConsentRequest<'a> {
    pub state: ConsentState,
    /// For "not now": the day to ask again; a re-ask follow-up is scheduled for it.
    pub until: Option<Date>,
    pub reason: &'a str,
}

impl Store {
    /// Change a contact's consent, record why, and apply it: "never" cancels
    /// every open follow-up and promise; "not now" cancels open follow-ups and
    /// schedules the re-ask for `until`.
    pub async fn set_consent(
        &self,
        account_id: AccountId,
        contact_id: ContactId,
        state: ConsentState,
        until: Option<Date>,
        reason: &str,
        now: Timestamp,
    ) -> Result<ConsentChange> {
        crate::error::during("changing consent", async {
            let mut tx = self.begin_write().await?;
            let contact = self.lock_contact(&mut tx, account_id, contact_id).await?;
            let change = apply(&mut tx, account_id, &contact, &ConsentRequest { state, until, reason }, now).await?;
            tx.commit().await?;
            Ok(change)
        })
        .await
    }

    /// Read a contact and, on PostgreSQL, lock its row until the transaction
    /// ends, so consent read here cannot change before the transaction's writes.
    pub(crate) async fn lock_contact(
        &self,
        tx: &mut Transaction<'_, Any>,
        account_id: AccountId,
        id: ContactId,
    ) -> Result<Contact> {
        // SQLite's write transactions already hold the database's one write lock.
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT id FROM contacts WHERE account_id = $1 AND id = $2 FOR UPDATE")
                .bind(account_id.get())
                .bind(id.get())
                .fetch_optional(&mut **tx)
                .await?;
        }
        contact_in(tx, account_id, id).await
    }

    /// The consent history of a contact, oldest first.
    pub async fn consent_changes(&self, account_id: AccountId, contact_id: ContactId) -> Result<Vec<ConsentChange>> {
        crate::error::during("reading the consent history", async {
            let params = [Param::Int(account_id.get()), Param::Int(contact_id.get())];
            self.reader
                .rows(
                    "SELECT id, contact_id, state, until_date, reason, at FROM consent_changes \
                     WHERE account_id = $1 AND contact_id = $2 ORDER BY at, id",
                    &params,
                    |row| change_from_row(row),
                )
                .await
        })
        .await
    }
}

/// Apply a consent change inside `tx` (shared by [`Store::set_consent`] and touches with a consent outcome).
pub(crate) async fn apply(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    contact: &Contact,
    request: &ConsentRequest<'_>,
    now: Timestamp,
) -> Result<ConsentChange> {
    let until = match request.state {
        ConsentState::NotNow => request.until,
        _ => None,
    };
    sqlx::query(
        "UPDATE contacts SET consent = $3, consent_until = $4, updated_at = $5 WHERE account_id = $1 AND id = $2",
    )
    .bind(account_id.get())
    .bind(contact.id.get())
    .bind(request.state.as_str())
    .bind(until.map(|day| day.to_string()))
    .bind(seconds(now))
    .execute(&mut **tx)
    .await?;
    let row = sqlx::query(
        "INSERT INTO consent_changes (account_id, contact_id, state, until_date, reason, at) VALUES ($1, $2, $3, $4, $5, $6) \
         RETURNING id, contact_id, state, until_date, reason, at",
    )
    .bind(account_id.get())
    .bind(contact.id.get())
    .bind(request.state.as_str())
    .bind(until.map(|day| day.to_string()))
    .bind(request.reason.trim())
    .bind(seconds(now))
    .fetch_one(&mut **tx)
    .await?;
    if request.state != ConsentState::Active {
        sqlx::query("UPDATE follow_ups SET state = $3, closed_at = $4 WHERE account_id = $1 AND contact_id = $2 AND state = 'open'")
            .bind(account_id.get())
            .bind(contact.id.get())
            .bind(FollowUpState::Cancelled.as_str())
            .bind(seconds(now))
            .execute(&mut **tx)
            .await?;
    }
    if request.state == ConsentState::DoNotContact {
        sqlx::query("UPDATE promises SET state = $3, closed_at = $4 WHERE account_id = $1 AND contact_id = $2 AND state = 'open'")
            .bind(account_id.get())
            .bind(contact.id.get())
            .bind(PromiseState::Cancelled.as_str())
            .bind(seconds(now))
            .execute(&mut **tx)
            .await?;
    }
    if request.state != ConsentState::Active {
        let (reason, keep_nurture) = match request.state {
            ConsentState::DoNotContact => (tickler_core::plan::STOPPED_DO_NOT_CONTACT, false),
            _ => (tickler_core::plan::STOPPED_NOT_NOW, true),
        };
        crate::enrollments::stop_contact_plans(tx, account_id, contact.id, reason, keep_nurture, now).await?;
    }
    if let (ConsentState::NotNow, Some(day)) = (request.state, until) {
        let zone = match &contact.details.zone {
            Some(zone) => zone.clone(),
            None => account_zone(tx, account_id).await?,
        };
        let reason = request.reason.trim();
        let purpose = if reason.is_empty() {
            "Re-ask: they said \"not now\"".to_string()
        } else {
            format!("Re-ask: they said \"not now\" ({reason})")
        };
        let due = Due { date: day, time: None, zone };
        let channel = contact.details.preferred_channel.unwrap_or(Channel::Email);
        insert_follow_up(tx, account_id, contact.id, &due, channel, &purpose, Origin::ReAsk, now).await?;
    }
    change_from_row(&row)
}

async fn account_zone(tx: &mut Transaction<'_, Any>, account_id: AccountId) -> Result<tickler_core::contact::ZoneName> {
    let row =
        sqlx::query("SELECT zone FROM accounts WHERE id = $1").bind(account_id.get()).fetch_one(&mut **tx).await?;
    parsed(&row, "zone", tickler_core::contact::ZoneName::parse)
}

fn change_from_row<R: Columns + ?Sized>(row: &R) -> Result<ConsentChange> {
    Ok(ConsentChange {
        id: row.int("id")?,
        contact_id: ContactId::new(row.int("contact_id")?),
        state: parsed(row, "state", ConsentState::parse)?,
        until: optional_date(row, "until_date")?,
        reason: row.text("reason")?,
        at: instant(row, "at")?,
    })
}

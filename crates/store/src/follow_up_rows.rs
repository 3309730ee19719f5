//! A follow-up's row: the one INSERT of an open follow-up and the reading of
//! its columns, shared by follow-ups, consent (the re-ask), the agenda and the
//! worker (tasks, failed sends), so none of them imports another for it.

use jiff::Timestamp;
use sqlx::{Any, Row, Transaction};
use tickler_core::follow_up::{Due, FollowUp, FollowUpState, Origin};
use tickler_core::ids::{AccountId, ContactId, FollowUpId};
use tickler_core::touch::Channel;

use crate::error::Result;
use crate::rows::{Columns, due, due_columns, instant, optional_instant, parsed, seconds};

pub(crate) const FOLLOW_UP_COLUMNS: &str = "f.id, f.contact_id, f.due_date, f.due_time, f.due_zone, f.channel, f.purpose, \
     f.origin, f.state, f.snoozes, f.created_at, f.closed_at, f.until_reply, f.closed_reason, f.agreed";

/// Insert an open follow-up inside `tx`; returns its id.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_follow_up(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    contact_id: ContactId,
    due: &Due,
    channel: Channel,
    purpose: &str,
    origin: Origin,
    now: Timestamp,
) -> Result<FollowUpId> {
    let (date, time, zone) = due_columns(due);
    Ok(FollowUpId::new(sqlx::query(
        "INSERT INTO follow_ups (account_id, contact_id, due_date, due_time, due_zone, due_at, channel, purpose, origin, \
         state, snoozes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', 0, $10) RETURNING id",
    )
    .bind(account_id.get())
    .bind(contact_id.get())
    .bind(date)
    .bind(time)
    .bind(zone)
    .bind(seconds(due.instant()))
    .bind(channel.as_str())
    .bind(purpose)
    .bind(origin.as_str())
    .bind(seconds(now))
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?))
}

/// Read a follow-up from a row with [`FOLLOW_UP_COLUMNS`].
pub(crate) fn follow_up_from_row<R: Columns + ?Sized>(row: &R) -> Result<FollowUp> {
    let snoozes = row.int("snoozes")?;
    Ok(FollowUp {
        id: FollowUpId::new(row.int("id")?),
        contact_id: ContactId::new(row.int("contact_id")?),
        due: due(row)?,
        channel: parsed(row, "channel", Channel::parse)?,
        purpose: row.text("purpose")?,
        origin: parsed(row, "origin", Origin::parse)?,
        state: parsed(row, "state", FollowUpState::parse)?,
        snoozes: u32::try_from(snoozes).unwrap_or(0),
        created_at: instant(row, "created_at")?,
        closed_at: optional_instant(row, "closed_at")?,
        until_reply: row.int("until_reply")? != 0,
        closed_reason: row.optional_text("closed_reason")?,
        agreed: row.flag("agreed")?,
    })
}

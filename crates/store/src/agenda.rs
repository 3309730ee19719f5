//! The agenda query: open follow-ups due before the end of the window, each
//! with its contact and the contact's last touch.

use std::sync::LazyLock;

use jiff::Timestamp;
use sqlx::Row;
use tickler_core::ids::AccountId;
use tickler_core::touch::{Channel, Outcome};

use crate::Store;
use crate::error::Result;
use crate::follow_up_rows::{FOLLOW_UP_COLUMNS, follow_up_from_row};
use crate::rows::{optional_instant, optional_parsed, seconds};

/// The agenda query: open follow-ups of account `$1` due before `$2`, by due, at most `$3`,
/// each with its contact and the contact's latest touch. Public so benchmarks
/// can run the very same SQL without the store around it.
pub static AGENDA_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {FOLLOW_UP_COLUMNS}, c.name AS contact_name, c.zone AS contact_zone, c.pacing_gap_days AS contact_gap, \
         t.at AS last_at, t.channel AS last_channel, t.summary AS last_summary, t.outcome AS last_outcome, \
         CASE WHEN EXISTS (SELECT 1 FROM contact_emails b WHERE b.contact_id = f.contact_id \
         AND b.undeliverable_at IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM contact_emails d \
         WHERE d.contact_id = f.contact_id AND d.undeliverable_at IS NULL) THEN 1 ELSE 0 END AS email_bounced \
         FROM follow_ups f JOIN contacts c ON c.id = f.contact_id \
         LEFT JOIN touches t ON t.id = (SELECT l.id FROM touches l WHERE l.contact_id = f.contact_id \
         ORDER BY l.at DESC, l.id DESC LIMIT 1) \
         WHERE f.account_id = $1 AND f.state = 'open' AND f.due_at < $2 ORDER BY f.due_at, f.id LIMIT $3"
    )
});

/// One agenda line: the follow-up, who it is for, and what happened last.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgendaRow {
    pub follow_up: tickler_core::follow_up::FollowUp,
    pub contact_name: String,
    pub contact_zone: Option<String>,
    /// The contact's own pacing gap, when set.
    pub contact_gap_days: Option<u32>,
    pub last_touch_at: Option<Timestamp>,
    pub last_touch_channel: Option<Channel>,
    pub last_touch_summary: Option<String>,
    pub last_touch_outcome: Option<Outcome>,
    /// Every email address of the contact bounced: email will not reach them.
    pub email_undeliverable: bool,
}

impl Store {
    /// Open follow-ups due before `until` (overdue ones included), by due; at most `limit`.
    pub async fn agenda(&self, account_id: AccountId, until: Timestamp, limit: u32) -> Result<Vec<AgendaRow>> {
        crate::error::during("reading the agenda", async {
            let rows = sqlx::query(AGENDA_SQL.as_str())
                .bind(account_id.get())
                .bind(seconds(until))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
            rows.iter()
                .map(|row| {
                    let gap: Option<i64> = row.try_get("contact_gap")?;
                    Ok(AgendaRow {
                        follow_up: follow_up_from_row(row)?,
                        contact_name: row.try_get("contact_name")?,
                        contact_zone: row.try_get("contact_zone")?,
                        contact_gap_days: gap.map(|days| u32::try_from(days).unwrap_or(0)),
                        last_touch_at: optional_instant(row, "last_at")?,
                        last_touch_channel: optional_parsed(row, "last_channel", Channel::parse)?,
                        last_touch_summary: row.try_get("last_summary")?,
                        last_touch_outcome: optional_parsed(row, "last_outcome", Outcome::parse)?,
                        email_undeliverable: row.try_get::<i64, _>("email_bounced")? != 0,
                    })
                })
                .collect()
        })
        .await
    }
}

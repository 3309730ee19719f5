//! The agenda query: open follow-ups due before the end of the window, each
//! with its contact and the contact's last touch.

use std::sync::LazyLock;

use jiff::Timestamp;
use tickler_core::ids::AccountId;
use tickler_core::touch::{Channel, Outcome};

use crate::Store;
use crate::error::Result;
use crate::follow_up_rows::{FOLLOW_UP_COLUMNS, follow_up_from_row};
use crate::reads::Param;
use crate::rows::{Columns, optional_instant, optional_parsed, seconds};

/// The agenda query: open follow-ups of account `$1` due before `$2`, by due, at most `$3`,
/// each with its contact and the contact's latest touch. Public so benchmarks
/// can run the very same SQL without the store around it.
pub static AGENDA_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {FOLLOW_UP_COLUMNS}, c.name AS contact_name, c.zone AS contact_zone, c.pacing_gap_days AS contact_gap, \
         t.at AS last_at, t.channel AS last_channel, t.summary AS last_summary, t.outcome AS last_outcome, \
         (SELECT MIN(CASE WHEN e.undeliverable_at IS NULL THEN 0 ELSE 1 END) FROM contact_emails e \
         WHERE e.contact_id = f.contact_id) AS email_bounced \
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
        let params = [Param::Int(account_id.get()), Param::Int(seconds(until)), Param::Int(i64::from(limit))];
        crate::error::during("reading the agenda", self.reader.rows(AGENDA_SQL.as_str(), &params, agenda_row)).await
    }
}

fn agenda_row(row: &dyn Columns) -> Result<AgendaRow> {
    Ok(AgendaRow {
        follow_up: follow_up_from_row(row)?,
        contact_name: row.text("contact_name")?,
        contact_zone: row.optional_text("contact_zone")?,
        contact_gap_days: row.optional_int("contact_gap")?.map(|days| u32::try_from(days).unwrap_or(0)),
        last_touch_at: optional_instant(row, "last_at")?,
        last_touch_channel: optional_parsed(row, "last_channel", Channel::parse)?,
        last_touch_summary: row.optional_text("last_summary")?,
        last_touch_outcome: optional_parsed(row, "last_outcome", Outcome::parse)?,
        email_undeliverable: row.flag("email_bounced")?,
    })
}

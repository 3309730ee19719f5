//! Keep in touch: cadences per contact and per tag, who is drifting (past
//! their cadence, most overdue first, and who passes it this week), and the
//! reconnect reminder's actions (log, follow up, snooze).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tickler_core::cadence::{self, Cadence, KeepInTouch};
use tickler_core::contact::Tag;
use tickler_core::ids::ContactId;
use tickler_core::intake::{self, non_blank};

use crate::error::{Error, Result};
use crate::{Actor, App};

/// Days after today the drifting list looks ahead by default (this week).
pub const DEFAULT_DAYS_AHEAD: u32 = 7;

/// A contact whose cadence has run out (or soon will).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reconnect {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub contact_id: ContactId,
    pub contact_name: String,
    /// The cadence in force ("30 days"), and as said ("every 30 days").
    pub cadence: Cadence,
    pub cadence_text: String,
    /// Whose cadence it is: "contact", or the tag's ("tag:clients").
    pub cadence_from: String,
    /// The last touch of any channel, either direction; `None` when never touched.
    pub last_touch_at: Option<Timestamp>,
    /// When the cadence runs out (ran out).
    pub due_at: Timestamp,
    pub days_since: i64,
    /// Days past the cadence; negative: days left.
    pub days_over: i64,
    /// "Reconnect with Ann: last touch 47 days ago (every 30 days)".
    pub line: String,
}

/// The losing-touch list.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Drifting {
    /// Past their cadence, most overdue first.
    pub overdue: Vec<Reconnect>,
    /// Passing their cadence within the days asked for (this week by default), soonest first.
    pub soon: Vec<Reconnect>,
}

/// How far ahead to look, as typed.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct DriftingQuery {
    /// Days after today to include those about to pass their cadence, 0 to 366 (default 7).
    pub days: Option<u32>,
}

/// Who is past their cadence, and who passes it within `days`.
pub async fn drifting(app: &App, actor: &Actor, query: &DriftingQuery) -> Result<Drifting> {
    let days = query.days.unwrap_or(DEFAULT_DAYS_AHEAD);
    if days > 366 {
        return Err(Error::invalid("days", "at most 366"));
    }
    Ok(drifting_in(&app.store, &actor.account, &actor.now_zoned(), days).await?)
}

/// Who in `account` is past their cadence at `now`, and who passes it within `days`: the worker's weekly review
/// reads it too.
pub(crate) async fn drifting_in(
    store: &tickler_store::Store,
    account: &tickler_core::account::Account,
    now: &jiff::ZonedDateTime,
    days: u32,
) -> std::result::Result<Drifting, tickler_store::Error> {
    let tag_cadences = store.tag_cadences(account.id).await?;
    let horizon = tickler_core::agenda::window_end(now, days);
    let (mut overdue, mut soon) = (Vec::new(), Vec::new());
    for row in store.keep_in_touch(account.id).await? {
        let Some(cadence) = cadence::effective(row.own, &row.of_tags) else { continue };
        let entry = KeepInTouch {
            cadence,
            last_touch: row.last_touch_at,
            added: row.created_at,
            snoozed_until: row.reconnect_after,
        };
        let Some(drift) = cadence::drift(&entry, now, &account.settings.work_week) else { continue };
        let cadence_from = match row.own {
            Some(_) => "contact".to_string(),
            None => {
                let contact = store.contact(account.id, row.contact_id).await?;
                tag_cadences
                    .iter()
                    .find(|(tag, tagged)| *tagged == cadence && contact.details.tags.contains(tag))
                    .map_or_else(|| "tag".to_string(), |(tag, _)| format!("tag:{}", tag.as_str()))
            }
        };
        let item = Reconnect {
            line: cadence::reconnect_line(&row.name, &drift, cadence, row.last_touch_at.is_some()),
            contact_id: row.contact_id,
            contact_name: row.name,
            cadence,
            cadence_text: cadence.display(),
            cadence_from,
            last_touch_at: row.last_touch_at,
            due_at: drift.due_at,
            days_since: drift.days_since,
            days_over: drift.days_over,
        };
        if drift.due_at <= now.timestamp() {
            overdue.push(item);
        } else if drift.due_at < horizon {
            soon.push(item);
        }
    }
    overdue.sort_by_key(|item| (item.due_at, item.contact_id));
    soon.sort_by_key(|item| (item.due_at, item.contact_id));
    Ok(Drifting { overdue, soon })
}

/// Set a tag's cadence as typed ("every quarter"); blank removes it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TagCadenceInput {
    /// "every 30 days", "every quarter"; empty or null removes the tag's cadence.
    pub cadence: Option<String>,
}

/// A tag and its cadence.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagCadence {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub tag: Tag,
    pub cadence: Cadence,
    pub cadence_text: String,
}

/// Set or remove the cadence of everyone tagged `tag`.
pub async fn set_tag_cadence(
    app: &App,
    actor: &Actor,
    tag: &str,
    input: &TagCadenceInput,
) -> Result<Option<TagCadence>> {
    let tag = Tag::parse(tag)?;
    let cadence = non_blank(input.cadence.as_deref()).map(Cadence::parse).transpose()?;
    app.store.set_tag_cadence(actor.account_id(), &tag, cadence).await?;
    Ok(cadence.map(|cadence| TagCadence { tag, cadence, cadence_text: cadence.display() }))
}

/// Every tag with a cadence.
pub async fn tag_cadences(app: &App, actor: &Actor) -> Result<Vec<TagCadence>> {
    Ok(app
        .store
        .tag_cadences(actor.account_id())
        .await?
        .into_iter()
        .map(|(tag, cadence)| TagCadence { tag, cadence, cadence_text: cadence.display() })
        .collect())
}

/// Hold the reconnect reminder back.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReconnectSnoozeInput {
    /// Until when ("in 2 weeks", "next month").
    pub when: String,
}

/// Snooze a contact's reconnect reminder until the start of the day `when` names.
pub async fn snooze(
    app: &App,
    actor: &Actor,
    contact_id: ContactId,
    input: &ReconnectSnoozeInput,
) -> Result<Timestamp> {
    let due = intake::future_due("when", &input.when, &actor.when_context(), &actor.zone)?;
    let until = due.instant();
    app.store.snooze_reconnect(actor.account_id(), contact_id, until).await?;
    Ok(until)
}

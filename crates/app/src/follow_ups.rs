//! Follow-ups: schedule one, and what a person does with it (done, snooze, skip);
//! the agenda they sit on.

use serde::{Deserialize, Serialize};
use tickler_core::follow_up::{FollowUp, FollowUpDraft, Origin};
use tickler_core::ids::{ContactId, FollowUpId};
use tickler_core::intake::{self, non_blank};
use tickler_core::touch::{Channel, Outcome, TouchDraft};
use tickler_store::{AgendaRow, Logged, Scheduled};

use crate::contacts::page_size;
use crate::error::{Error, Result};
use crate::{Actor, App};

/// The most days ahead an agenda reaches.
pub const MAX_AGENDA_DAYS: u32 = 731;

/// Schedule a follow-up: "when" is natural language ("next tuesday 3pm").
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FollowUpInput {
    pub when: String,
    /// email, call, text…; the contact's preferred channel when left out.
    pub channel: Option<String>,
    pub note: Option<String>,
    /// Schedule even inside the contact's pacing gap.
    #[serde(default)]
    pub force: bool,
    /// The contact asked for it ("call me tomorrow"): recorded on the follow-up, and the pacing gap does not apply.
    #[serde(default)]
    pub agreed: bool,
}

/// Mark a follow-up done; a note or outcome records the touch that did it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DoneInput {
    pub note: Option<String>,
    pub outcome: Option<String>,
    pub channel: Option<String>,
    /// With outcome not-now: when to ask again.
    pub until: Option<String>,
}

/// Move a follow-up to a later time.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SnoozeInput {
    pub when: String,
}

/// A follow-up marked done and the touch recorded with it.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Done {
    pub follow_up: FollowUp,
    pub touch: Option<Logged>,
}

/// Schedule a follow-up with a contact, in the actor's zone and in the future.
pub async fn schedule(app: &App, actor: &Actor, contact_id: ContactId, input: &FollowUpInput) -> Result<Scheduled> {
    let contact = app.store.contact(actor.account_id(), contact_id).await?;
    let due = intake::future_due("when", &input.when, &actor.when_context(), &actor.zone)?;
    let channel = match non_blank(input.channel.as_deref()) {
        Some(channel) => Channel::parse(channel)?,
        None => contact.details.preferred_channel.unwrap_or(Channel::Email),
    };
    let mut draft =
        FollowUpDraft::new(contact.id, due, channel, non_blank(input.note.as_deref()).unwrap_or(""), Origin::Manual)?;
    draft.agreed = input.agreed;
    Ok(app.store.schedule_follow_up(actor.account_id(), &draft, input.force, actor.now).await?)
}

/// Mark a follow-up done, recording the touch when a note or outcome is given.
pub async fn complete(app: &App, actor: &Actor, id: FollowUpId, input: &DoneInput) -> Result<Done> {
    let follow_up = app.store.follow_up(actor.account_id(), id).await?;
    let outcome = non_blank(input.outcome.as_deref()).map(Outcome::parse).transpose()?;
    let note = non_blank(input.note.as_deref());
    let touch = if note.is_none() && outcome.is_none() {
        None
    } else {
        let channel = non_blank(input.channel.as_deref()).map(Channel::parse).transpose()?.unwrap_or(follow_up.channel);
        let mut draft = TouchDraft::new(follow_up.contact_id, actor.now, channel, note.unwrap_or(""))?;
        draft.outcome = outcome;
        draft.re_ask = intake::re_ask(outcome, non_blank(input.until.as_deref()), &actor.when_context())?;
        Some(draft)
    };
    let (follow_up, touch) = app.store.complete_follow_up(actor.account_id(), id, touch.as_ref(), actor.now).await?;
    Ok(Done { follow_up, touch })
}

/// Move a follow-up later (never into the past).
pub async fn snooze(app: &App, actor: &Actor, id: FollowUpId, input: &SnoozeInput) -> Result<Scheduled> {
    let due = intake::future_due("when", &input.when, &actor.when_context(), &actor.zone)?;
    Ok(app.store.snooze_follow_up(actor.account_id(), id, &due, &actor.now_zoned()).await?)
}

/// Skip a follow-up.
pub async fn skip(app: &App, actor: &Actor, id: FollowUpId) -> Result<FollowUp> {
    Ok(app.store.skip_follow_up(actor.account_id(), id, actor.now).await?)
}

/// One follow-up.
pub async fn get(app: &App, actor: &Actor, id: FollowUpId) -> Result<FollowUp> {
    Ok(app.store.follow_up(actor.account_id(), id).await?)
}

/// Which part of the agenda, as typed.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct AgendaQuery {
    /// Days ahead to include after today, 0 to 731 (default 7); overdue items are always included.
    pub days: Option<u32>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<u32>,
}

/// Open follow-ups due up to the end of the window, overdue first.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agenda {
    pub items: Vec<AgendaRow>,
    /// Whether more are due in the window than this page holds.
    pub more: bool,
}

impl AgendaQuery {
    /// The days and page size asked for, checked.
    pub fn window(&self) -> Result<(u32, u32)> {
        let days = self.days.unwrap_or(7);
        if days > MAX_AGENDA_DAYS {
            return Err(Error::invalid("days", format!("at most {MAX_AGENDA_DAYS}")));
        }
        Ok((days, page_size(self.limit)?))
    }
}

/// The agenda: open follow-ups due by the end of `days` from today (overdue included), soonest first.
pub async fn agenda(app: &App, actor: &Actor, query: &AgendaQuery) -> Result<Agenda> {
    let (days, limit) = query.window()?;
    let until = tickler_core::agenda::window_end(&actor.now_zoned(), days);
    let mut items = app.store.agenda(actor.account_id(), until, limit + 1).await?;
    let more = items.len() > limit as usize;
    items.truncate(limit as usize);
    Ok(Agenda { items, more })
}

//! Touches: record a call, an email, a meeting… that happened.

use jiff::Timestamp;
use serde::Deserialize;
use tickler_core::ids::ContactId;
use tickler_core::intake::{self, non_blank};
use tickler_core::touch::{Channel, Direction, Outcome, TouchDraft};
use tickler_core::when::Resolved;
use tickler_store::Logged;

use crate::error::{Error, Result};
use crate::{Actor, App};

/// How far ahead of the clock a touch's time may be (clock skew, "now" typed a bit late).
const FUTURE_SLACK_SECONDS: i64 = 300;

/// Record a touch.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TouchInput {
    pub channel: String,
    pub summary: String,
    pub outcome: Option<String>,
    /// "out" (default) or "in".
    pub direction: Option<String>,
    /// When it happened ("yesterday 3pm"); now when left out. A day without a time means its noon.
    pub at: Option<String>,
    /// With outcome not-now: when to ask again.
    pub until: Option<String>,
}

/// Record a touch with a contact; a not-now or never outcome changes consent.
pub async fn log(app: &App, actor: &Actor, contact_id: ContactId, input: &TouchInput) -> Result<Logged> {
    let contact = app.store.contact(actor.account_id(), contact_id).await?;
    let at = match non_blank(input.at.as_deref()) {
        Some(phrase) => touch_time(actor, phrase)?,
        None => actor.now,
    };
    let mut draft = TouchDraft::new(contact.id, at, Channel::parse(&input.channel)?, &input.summary)?;
    draft.outcome = non_blank(input.outcome.as_deref()).map(Outcome::parse).transpose()?;
    draft.direction =
        non_blank(input.direction.as_deref()).map(Direction::parse).transpose()?.unwrap_or(Direction::Out);
    draft.re_ask = intake::re_ask(draft.outcome, non_blank(input.until.as_deref()), &actor.when_context())?;
    Ok(app.store.log_touch(actor.account_id(), &draft, actor.now).await?)
}

/// When a touch happened: a time as given; a past day at noon; today as now.
fn touch_time(actor: &Actor, phrase: &str) -> Result<Timestamp> {
    let now = actor.now_zoned();
    let at = match intake::resolve("at", phrase, &actor.when_context())? {
        Resolved::Moment(moment) => moment.timestamp(),
        Resolved::Day(day) if day == now.date() => actor.now,
        Resolved::Day(day) => {
            day.at(12, 0, 0, 0).to_zoned_datetime(actor.zone.time_zone()).map_or(actor.now, |z| z.timestamp())
        }
    };
    if at.as_second() > actor.now.as_second() + FUTURE_SLACK_SECONDS {
        return Err(Error::invalid(
            "at",
            format!(
                "\"{phrase}\" is in the future; a touch records what already happened (schedule a follow-up instead)"
            ),
        ));
    }
    Ok(at)
}

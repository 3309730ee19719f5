//! The actions a person takes, read from what they typed: the same for the
//! JSON API and the pages. Handlers parse the request into these inputs,
//! call one function here, and render the result.

use serde::Deserialize;
use tickler_core::account::Settings;
use tickler_core::consent::{ConsentChange, ConsentState};
use tickler_core::contact::{
    ContactDetails, ContactName, EmailAddress, Phone, Stage, Tag, ZoneName, optional_text, parse_birthday,
};
use tickler_core::follow_up::{FollowUp, FollowUpDraft, Origin};
use tickler_core::intake::{self, non_blank};
use tickler_core::promise::{Promise, PromiseDraft};
use tickler_core::touch::{Channel, Direction, Outcome, TouchDraft};
use tickler_core::when::Resolved;
use tickler_store::{Logged, Scheduled};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::{Failure, Result};
use crate::state::AppState;

/// A contact's fields as typed. Emails, phones and tags are lists; empty text clears a field.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    pub name: Option<String>,
    pub organisation: Option<String>,
    pub emails: Option<Vec<String>>,
    pub phones: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
    /// IANA zone, e.g. Europe/Paris.
    pub zone: Option<String>,
    /// YYYY-MM-DD, or --MM-DD when the year is unknown.
    pub birthday: Option<String>,
    pub stage: Option<String>,
    pub source: Option<String>,
    pub preferred_channel: Option<String>,
    /// Days to leave between touches; empty for the account's default.
    pub pacing_gap_days: Option<u32>,
    pub notes: Option<String>,
}

impl ContactInput {
    /// Apply the given fields onto `draft` (a new contact's, or the stored one for an edit).
    pub fn apply(&self, mut draft: ContactDetails) -> tickler_core::Result<ContactDetails> {
        if let Some(name) = &self.name {
            draft.name = ContactName::parse(name)?;
        }
        if self.organisation.is_some() {
            draft.organisation = optional_text("organisation", non_blank(self.organisation.as_deref()))?;
        }
        if let Some(emails) = &self.emails {
            draft.emails = each(emails, "emails", EmailAddress::parse)?;
        }
        if let Some(phones) = &self.phones {
            draft.phones = each(phones, "phones", Phone::parse)?;
        }
        if let Some(tags) = &self.tags {
            draft.tags = each(tags, "tags", Tag::parse)?;
        }
        if self.zone.is_some() {
            draft.zone =
                non_blank(self.zone.as_deref()).map(ZoneName::parse).transpose().map_err(|e| named(e, "zone"))?;
        }
        if self.birthday.is_some() {
            draft.birthday = non_blank(self.birthday.as_deref()).map(parse_birthday).transpose()?;
        }
        if self.stage.is_some() {
            draft.stage = non_blank(self.stage.as_deref()).map(Stage::parse).transpose()?;
        }
        if self.source.is_some() {
            draft.source = optional_text("source", non_blank(self.source.as_deref()))?;
        }
        if self.preferred_channel.is_some() {
            draft.preferred_channel = non_blank(self.preferred_channel.as_deref()).map(Channel::parse).transpose()?;
        }
        if self.pacing_gap_days.is_some() {
            draft.pacing_gap_days = self.pacing_gap_days;
        }
        if let Some(notes) = &self.notes {
            if notes.chars().count() > 20_000 {
                return Err(tickler_core::Error::invalid("notes", "notes: is longer than 20000 characters"));
            }
            draft.notes = notes.trim().to_string();
        }
        Ok(draft.deduplicated())
    }

    /// A new contact's details: the name is required.
    pub fn new_contact(&self) -> tickler_core::Result<ContactDetails> {
        let name = self.name.as_deref().unwrap_or_default();
        self.apply(ContactDetails::named(ContactName::parse(name)?))
    }
}

/// Schedule a follow-up: "when" is natural language ("next tuesday 3pm").
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpInput {
    pub when: String,
    /// email, call, text…; the contact's preferred channel when left out.
    pub channel: Option<String>,
    pub note: Option<String>,
    /// Schedule even inside the contact's pacing gap.
    #[serde(default)]
    pub force: bool,
}

/// Mark a follow-up done; a note or outcome records the touch that did it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DoneInput {
    pub note: Option<String>,
    pub outcome: Option<String>,
    pub channel: Option<String>,
    /// With outcome not-now: when to ask again.
    pub until: Option<String>,
}

/// Move a follow-up to a later time.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SnoozeInput {
    pub when: String,
}

/// Record a touch.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TouchInput {
    pub channel: String,
    pub summary: String,
    pub outcome: Option<String>,
    /// "out" (default) or "in".
    pub direction: Option<String>,
    /// With outcome not-now: when to ask again.
    pub until: Option<String>,
}

/// Make a promise: your aim and/or the deadline you told them.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromiseInput {
    pub what: String,
    pub aim: Option<String>,
    pub told: Option<String>,
}

/// Change a contact's consent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    /// active, not-now or never.
    pub state: String,
    /// With not-now: when to ask again (default in 3 months).
    pub until: Option<String>,
    pub reason: Option<String>,
}

/// The account's settings; fields left out keep their value.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsInput {
    pub zone: Option<String>,
    /// HH:MM
    pub work_start: Option<String>,
    /// HH:MM
    pub work_end: Option<String>,
    /// Working days, e.g. ["mon","tue","wed","thu","fri"].
    pub work_days: Option<Vec<String>>,
    pub pacing_gap_days: Option<u32>,
}

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl SettingsInput {
    /// The settings after applying the given fields.
    pub fn apply(&self, mut settings: Settings) -> tickler_core::Result<Settings> {
        use tickler_core::Error;
        if let Some(zone) = &self.zone {
            settings.zone = ZoneName::parse(zone).map_err(|e| named(e, "zone"))?;
        }
        let time = |field: &'static str, text: &str| -> tickler_core::Result<jiff::civil::Time> {
            text.trim()
                .parse()
                .map_err(|_| Error::invalid(field, format!("{field}: \"{}\" is not a time such as 09:00", text.trim())))
        };
        if let Some(start) = &self.work_start {
            settings.work_week.start = time("work_start", start)?;
        }
        if let Some(end) = &self.work_end {
            settings.work_week.end = time("work_end", end)?;
        }
        if settings.work_week.end <= settings.work_week.start {
            return Err(Error::invalid("work_end", "work_end: the working day must end after it starts"));
        }
        if let Some(days) = &self.work_days {
            let mut flags = [false; 7];
            for day in days {
                let key = day.trim().to_lowercase();
                let index = DAY_NAMES.iter().position(|name| key.starts_with(name)).ok_or_else(|| {
                    Error::invalid("work_days", format!("work_days: \"{day}\" is not a day; use mon … sun"))
                })?;
                flags[index] = true;
            }
            if !flags.contains(&true) {
                return Err(Error::invalid("work_days", "work_days: choose at least one working day"));
            }
            settings.work_week.days = flags;
        }
        if let Some(gap) = self.pacing_gap_days {
            if gap > 365 {
                return Err(Error::invalid("pacing_gap_days", "pacing_gap_days: at most 365"));
            }
            settings.pacing_gap_days = gap;
        }
        Ok(settings)
    }
}

/// Parse each non-blank item of a list field, naming the list on failure.
fn each<T>(
    items: &[String],
    field: &'static str,
    parse: fn(&str) -> tickler_core::Result<T>,
) -> tickler_core::Result<Vec<T>> {
    items.iter().filter(|item| !item.trim().is_empty()).map(|item| parse(item).map_err(|e| named(e, field))).collect()
}

/// The same error, naming the field as the request calls it (the domain says `tz`; the API says `zone`).
fn named(error: tickler_core::Error, field: &'static str) -> tickler_core::Error {
    match error {
        tickler_core::Error::Invalid { message, .. } => tickler_core::Error::Invalid { field, message },
        other => other,
    }
}

/// Schedule a follow-up with a contact.
pub async fn schedule(state: &AppState, caller: &Caller, contact_id: i64, input: &FollowUpInput) -> Result<Scheduled> {
    let contact = state.store.contact(caller.account_id(), contact_id).await?;
    let due = intake::future_due("when", &input.when, &caller.when_context(state), caller.zone())?;
    let channel = match non_blank(input.channel.as_deref()) {
        Some(channel) => Channel::parse(channel)?,
        None => contact.details.preferred_channel.unwrap_or(Channel::Email),
    };
    let draft =
        FollowUpDraft::new(contact.id, due, channel, non_blank(input.note.as_deref()).unwrap_or(""), Origin::Manual)?;
    Ok(state.store.schedule_follow_up(caller.account_id(), &draft, input.force, state.now()).await?)
}

/// Mark a follow-up done, recording the touch when a note or outcome is given.
pub async fn complete(
    state: &AppState,
    caller: &Caller,
    id: i64,
    input: &DoneInput,
) -> Result<(FollowUp, Option<Logged>)> {
    let follow_up = state.store.follow_up(caller.account_id(), id).await?;
    let outcome = non_blank(input.outcome.as_deref()).map(Outcome::parse).transpose()?;
    let note = non_blank(input.note.as_deref());
    let touch = if note.is_none() && outcome.is_none() {
        None
    } else {
        let channel = non_blank(input.channel.as_deref()).map(Channel::parse).transpose()?.unwrap_or(follow_up.channel);
        let mut draft = TouchDraft::new(follow_up.contact_id, state.now(), channel, note.unwrap_or(""))?;
        draft.outcome = outcome;
        draft.re_ask = intake::re_ask(outcome, non_blank(input.until.as_deref()), &caller.when_context(state))?;
        Some(draft)
    };
    Ok(state.store.complete_follow_up(caller.account_id(), id, touch.as_ref(), state.now()).await?)
}

/// Move a follow-up later.
pub async fn snooze(state: &AppState, caller: &Caller, id: i64, input: &SnoozeInput) -> Result<Scheduled> {
    let due = intake::future_due("when", &input.when, &caller.when_context(state), caller.zone())?;
    Ok(state.store.snooze_follow_up(caller.account_id(), id, &due, &caller.now(state)).await?)
}

/// Record a touch with a contact.
pub async fn log_touch(state: &AppState, caller: &Caller, contact_id: i64, input: &TouchInput) -> Result<Logged> {
    let contact = state.store.contact(caller.account_id(), contact_id).await?;
    let mut draft = TouchDraft::new(contact.id, state.now(), Channel::parse(&input.channel)?, &input.summary)?;
    draft.outcome = non_blank(input.outcome.as_deref()).map(Outcome::parse).transpose()?;
    draft.direction =
        non_blank(input.direction.as_deref()).map(Direction::parse).transpose()?.unwrap_or(Direction::Out);
    draft.re_ask = intake::re_ask(draft.outcome, non_blank(input.until.as_deref()), &caller.when_context(state))?;
    Ok(state.store.log_touch(caller.account_id(), &draft, state.now()).await?)
}

/// Make a promise to a contact.
pub async fn promise(state: &AppState, caller: &Caller, contact_id: i64, input: &PromiseInput) -> Result<Promise> {
    let contact = state.store.contact(caller.account_id(), contact_id).await?;
    let (aim, told) =
        intake::promise_deadlines(input.aim.as_deref(), input.told.as_deref(), &caller.when_context(state))?;
    let draft = PromiseDraft::new(contact.id, &input.what, aim.timestamp(), told.timestamp(), caller.zone().clone())?;
    Ok(state.store.create_promise(caller.account_id(), &draft, state.now()).await?)
}

/// Change a contact's consent.
pub async fn set_consent(
    state: &AppState,
    caller: &Caller,
    contact_id: i64,
    input: &ConsentInput,
) -> Result<ConsentChange> {
    let consent = ConsentState::parse(&input.state)?;
    let context = caller.when_context(state);
    let until = match (consent, non_blank(input.until.as_deref())) {
        (ConsentState::NotNow, Some(phrase)) => Some(intake::re_ask_day(phrase, &context)?),
        (ConsentState::NotNow, None) => Some(intake::re_ask_day(intake::DEFAULT_RE_ASK, &context)?),
        (_, Some(_)) => return Err(Failure::invalid("until", "until: only applies to not-now (when to ask again)")),
        (_, None) => None,
    };
    let reason = non_blank(input.reason.as_deref()).unwrap_or("");
    if reason.chars().count() > 2000 {
        return Err(Failure::invalid("reason", "reason: is longer than 2000 characters"));
    }
    Ok(state.store.set_consent(caller.account_id(), contact_id, consent, until, reason, state.now()).await?)
}

/// What a date phrase means for this user, for the preview beside a date field.
#[derive(Debug, Clone, serde::Serialize, ToSchema)]
pub struct WhenPreview {
    pub phrase: String,
    /// The day, YYYY-MM-DD.
    pub date: String,
    /// The wall time, HH:MM, when the phrase names one.
    pub time: Option<String>,
    /// The user's zone it is read in.
    pub zone: String,
    /// For a person: "Tue 1 Dec 2026, 15:00".
    pub display: String,
    /// The instant it starts, RFC 3339.
    pub starts_at: String,
}

/// Read a date phrase for a preview.
pub fn preview(state: &AppState, caller: &Caller, phrase: &str) -> Result<WhenPreview> {
    let context = caller.when_context(state);
    let resolved = intake::resolve("q", phrase, &context)?;
    let zone = caller.zone();
    let (date, time) = match &resolved {
        Resolved::Day(day) => (*day, None),
        Resolved::Moment(moment) => {
            let local = moment.with_time_zone(zone.time_zone());
            (local.date(), Some(local.time()))
        }
    };
    let display = match time {
        Some(time) => format!("{}, {}", date.strftime("%a %-d %b %Y"), time.strftime("%H:%M")),
        None => format!("{} (all day)", date.strftime("%a %-d %b %Y")),
    };
    Ok(WhenPreview {
        phrase: phrase.to_string(),
        date: date.to_string(),
        time: time.map(|time| time.strftime("%H:%M").to_string()),
        zone: zone.as_str().to_string(),
        display,
        starts_at: resolved.start_instant(&zone.time_zone()).to_string(),
    })
}

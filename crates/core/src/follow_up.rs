//! Follow-ups: something to do for a contact, due on a day (all-day) or at a
//! time in a zone, with where it came from and what became of it.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};
use serde::{Deserialize, Serialize};

use crate::contact::ZoneName;
use crate::error::{Error, Result};
use crate::ids::{ContactId, FollowUpId};
use crate::names::parse_named;
use crate::touch::Channel;
use crate::when::Resolved;

/// When a follow-up is due: a civil date, an optional wall-clock time, and the
/// zone both are read in. Never a naive local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Due {
    pub date: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "15:00:00"))]
    pub time: Option<Time>,
    pub zone: ZoneName,
}

impl Due {
    /// Turn a resolved phrase into a due; a moment keeps its own zone when it
    /// names one (e.g. "4pm Europe/Paris"), else `zone`.
    pub fn from_resolved(resolved: &Resolved, zone: &ZoneName) -> Due {
        match resolved {
            Resolved::Day(date) => Due { date: *date, time: None, zone: zone.clone() },
            Resolved::Moment(moment) => {
                let own_zone = moment.time_zone().iana_name().and_then(|name| ZoneName::parse(name).ok());
                let (moment, zone) = match own_zone {
                    Some(own) => (moment.clone(), own),
                    None => (moment.with_time_zone(zone.time_zone()), zone.clone()),
                };
                Due { date: moment.date(), time: Some(moment.time()), zone }
            }
        }
    }

    /// The instant this is due: the time in its zone, or the start of the day
    /// for an all-day due. A wall time skipped by a DST change moves forward.
    pub fn instant(&self) -> Timestamp {
        let zone = self.zone.time_zone();
        let civil = self.date.to_datetime(self.time.unwrap_or(Time::midnight()));
        match self.time {
            Some(_) => zone.to_ambiguous_zoned_datetime(civil).compatible().map(|z| z.timestamp()),
            None => self.date.to_zoned_datetime(zone).map(|z| z.timestamp()),
        }
        .unwrap_or(Timestamp::MAX)
    }

    /// `YYYY-MM-DD` for a day, `YYYY-MM-DD HH:MM Zone` for a time.
    pub fn display(&self) -> String {
        match self.time {
            None => self.date.to_string(),
            Some(time) => format!("{} {} {}", self.date, time.strftime("%H:%M"), self.zone.as_str()),
        }
    }

    /// This due seen from `zone`: the date it falls on there.
    pub fn date_in(&self, zone: &TimeZone) -> Date {
        match self.time {
            None => self.date,
            Some(_) => self.instant().to_zoned_datetime(zone.clone()).date(),
        }
    }

    /// Whether this is all-day.
    pub fn is_all_day(&self) -> bool {
        self.time.is_none()
    }
}

/// Where a follow-up came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    Manual,
    PlanStep,
    Promise,
    Inbound,
    ReAsk,
}

impl Origin {
    /// Every origin.
    pub const ALL: [Origin; 5] = [Origin::Manual, Origin::PlanStep, Origin::Promise, Origin::Inbound, Origin::ReAsk];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Manual => "manual",
            Origin::PlanStep => "plan-step",
            Origin::Promise => "promise",
            Origin::Inbound => "inbound",
            Origin::ReAsk => "re-ask",
        }
    }

    /// Read a stored origin.
    pub fn parse(raw: &str) -> Result<Self> {
        parse_named("origin", raw, &Self::ALL, Self::as_str)
    }
}

/// The life of a follow-up: open until done, skipped or cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum FollowUpState {
    Open,
    Done,
    Skipped,
    Cancelled,
}

impl FollowUpState {
    /// Every state.
    pub const ALL: [FollowUpState; 4] =
        [FollowUpState::Open, FollowUpState::Done, FollowUpState::Skipped, FollowUpState::Cancelled];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpState::Open => "open",
            FollowUpState::Done => "done",
            FollowUpState::Skipped => "skipped",
            FollowUpState::Cancelled => "cancelled",
        }
    }

    /// Read a stored state.
    pub fn parse(raw: &str) -> Result<Self> {
        parse_named("state", raw, &Self::ALL, Self::as_str)
    }

    /// Refuse to change a follow-up that is no longer open.
    pub fn ensure_open(self, id: FollowUpId) -> Result<()> {
        match self {
            FollowUpState::Open => Ok(()),
            closed => Err(Error::Refused(format!("follow-up {id} is already {}", closed.as_str()))),
        }
    }
}

/// Longest accepted purpose text.
pub const MAX_PURPOSE: usize = 2_000;

/// A follow-up to schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUpDraft {
    pub contact_id: ContactId,
    pub due: Due,
    pub channel: Channel,
    pub purpose: String,
    pub origin: Origin,
    /// The contact asked for it ("call me tomorrow"): the pacing gap does not hold it back.
    #[serde(default)]
    pub agreed: bool,
    /// A reply from the contact cancels it (made from a reminder address: "unless they answer first").
    #[serde(default)]
    pub until_reply: bool,
}

impl FollowUpDraft {
    /// Check the purpose text and build the draft.
    pub fn new(contact_id: ContactId, due: Due, channel: Channel, purpose: &str, origin: Origin) -> Result<Self> {
        let purpose = purpose.trim();
        if purpose.chars().count() > MAX_PURPOSE {
            return Err(Error::invalid("note", format!("is longer than {MAX_PURPOSE} characters")));
        }
        Ok(FollowUpDraft {
            contact_id,
            due,
            channel,
            purpose: purpose.to_string(),
            origin,
            agreed: false,
            until_reply: false,
        })
    }
}

/// A stored follow-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUp {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub id: FollowUpId,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub contact_id: ContactId,
    pub due: Due,
    pub channel: Channel,
    pub purpose: String,
    pub origin: Origin,
    pub state: FollowUpState,
    /// How many times it was snoozed.
    pub snoozes: u32,
    pub created_at: Timestamp,
    pub closed_at: Option<Timestamp>,
    /// Cancelled by itself when the contact replies first (made from a reminder address).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub until_reply: bool,
    /// Why it was closed without being done, when known ("Ann replied first").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_reason: Option<String>,
    /// The contact asked for it ("call me tomorrow"), so the pacing gap does not apply to it.
    #[serde(default)]
    pub agreed: bool,
}

/// One snooze: from which due to which, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snooze {
    pub follow_up_id: FollowUpId,
    pub from: Due,
    pub to: Due,
    pub at: Timestamp,
}

/// A snooze target must lie after now.
pub fn ensure_snooze_in_future(to: &Due, now: &ZonedDateTime) -> Result<()> {
    let later = match to.time {
        Some(_) => to.instant() > now.timestamp(),
        None => to.date >= now.with_time_zone(to.zone.time_zone()).date(),
    };
    if later {
        Ok(())
    } else {
        Err(Error::invalid(
            "when",
            format!("{} is in the past; snooze to a later time, e.g. \"in 2 days\"", to.display()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn new_york() -> ZoneName {
        ZoneName::parse("America/New_York").unwrap()
    }

    #[test]
    fn an_all_day_due_starts_at_local_midnight() {
        let due = Due::from_resolved(&Resolved::Day(date(2026, 11, 24)), &new_york());
        assert_eq!(due.instant().to_string(), "2026-11-24T05:00:00Z");
        assert!(due.is_all_day());
    }

    #[test]
    fn a_moment_keeps_its_own_zone() {
        let paris = date(2026, 11, 24).at(16, 0, 0, 0).in_tz("Europe/Paris").unwrap();
        let due = Due::from_resolved(&Resolved::Moment(paris), &new_york());
        assert_eq!(due.zone.as_str(), "Europe/Paris");
        assert_eq!(due.display(), "2026-11-24 16:00 Europe/Paris");
        assert_eq!(due.instant().to_string(), "2026-11-24T15:00:00Z");
        assert_eq!(due.date_in(&new_york().time_zone()), date(2026, 11, 24));
    }

    #[test]
    fn a_time_in_the_spring_gap_moves_forward() {
        let due = Due { date: date(2026, 3, 8), time: Some(Time::constant(2, 30, 0, 0)), zone: new_york() };
        assert_eq!(due.instant().to_string(), "2026-03-08T07:30:00Z");
    }

    #[test]
    fn closed_follow_ups_refuse_changes() {
        assert!(FollowUpState::Open.ensure_open(FollowUpId::new(1)).is_ok());
        assert!(FollowUpState::Done.ensure_open(FollowUpId::new(1)).unwrap_err().to_string().contains("already done"));
    }

    #[test]
    fn snoozing_into_the_past_is_refused() {
        let now = date(2026, 11, 24).at(10, 0, 0, 0).in_tz("America/New_York").unwrap();
        let yesterday = Due { date: date(2026, 11, 23), time: None, zone: new_york() };
        assert!(ensure_snooze_in_future(&yesterday, &now).is_err());
        let today = Due { date: date(2026, 11, 24), time: None, zone: new_york() };
        assert!(ensure_snooze_in_future(&today, &now).is_ok());
    }
}

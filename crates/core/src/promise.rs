//! Promises: what the user told a contact they would do, with the deadline
//! the contact heard and the earlier internal aim. Aim for the hour, promise
//! the end of the day.

use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Timestamp, ZonedDateTime};
use serde::{Deserialize, Serialize};

use crate::contact::ZoneName;
use crate::error::{Error, Result};
use crate::ids::{ContactId, PromiseId};
use crate::names::parse_named;
use crate::work_week::WorkWeek;

/// The life of a promise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum PromiseState {
    Open,
    Kept,
    Late,
    Renegotiated,
    /// Closed without delivery because the contact asked never to be contacted.
    Cancelled,
}

impl PromiseState {
    /// Every state.
    pub const ALL: [PromiseState; 5] = [
        PromiseState::Open,
        PromiseState::Kept,
        PromiseState::Late,
        PromiseState::Renegotiated,
        PromiseState::Cancelled,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            PromiseState::Open => "open",
            PromiseState::Kept => "kept",
            PromiseState::Late => "late",
            PromiseState::Renegotiated => "renegotiated",
            PromiseState::Cancelled => "cancelled",
        }
    }

    /// Read a stored state.
    pub fn parse(raw: &str) -> Result<Self> {
        parse_named("state", raw, &Self::ALL, Self::as_str)
    }
}

/// A promise to record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromiseDraft {
    pub contact_id: ContactId,
    pub what: String,
    /// The internal target.
    pub aim: Timestamp,
    /// The deadline the contact was told.
    pub told: Timestamp,
    /// The zone the deadlines were set in.
    pub zone: ZoneName,
}

impl PromiseDraft {
    /// Check the text and that the aim is no later than the told deadline.
    pub fn new(contact_id: ContactId, what: &str, aim: Timestamp, told: Timestamp, zone: ZoneName) -> Result<Self> {
        let what = what.trim();
        if what.is_empty() {
            return Err(Error::invalid("what", "must say what was promised, e.g. \"send revised quote\""));
        }
        if what.chars().count() > 2_000 {
            return Err(Error::invalid("what", "is longer than 2000 characters"));
        }
        if aim > told {
            return Err(Error::invalid(
                "aim",
                "is after the deadline told to the contact; aim earlier or tell a later deadline",
            ));
        }
        Ok(PromiseDraft { contact_id, what: what.to_string(), aim, told, zone })
    }
}

/// A stored promise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Promise {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub id: PromiseId,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub contact_id: ContactId,
    pub what: String,
    pub aim: Timestamp,
    pub told: Timestamp,
    pub zone: ZoneName,
    pub state: PromiseState,
    pub created_at: Timestamp,
    pub closed_at: Option<Timestamp>,
}

impl Promise {
    /// At risk: still open and either the aim has passed or three quarters of
    /// the time to the told deadline is gone.
    pub fn is_at_risk(&self, now: Timestamp) -> bool {
        if self.state != PromiseState::Open {
            return false;
        }
        let total = self.told.as_second() - self.created_at.as_second();
        let used = now.as_second() - self.created_at.as_second();
        now >= self.aim || (total > 0 && used * 4 >= total * 3)
    }

    /// The state a promise closes in when fulfilled at `now`: kept if on time, else late.
    pub fn fulfilled_state(&self, now: Timestamp) -> PromiseState {
        if now <= self.told { PromiseState::Kept } else { PromiseState::Late }
    }
}

/// Propose the deadline to tell the contact for an internal `aim`:
/// - an aim within the next day that leaves an hour of the working day →
///   the end of that working day;
/// - an aim late in the day (or on a day off) → the next working morning;
/// - a longer aim → a quarter of the lead time as slack, rounded out to the
///   end of a working day.
pub fn propose_told(aim: &ZonedDateTime, now: &ZonedDateTime, work_week: &WorkWeek) -> ZonedDateTime {
    let lead = now.duration_until(aim);
    let zone = aim.time_zone().clone();
    let at =
        |day: Date, time: Time| day.to_datetime(time).to_zoned_datetime(zone.clone()).unwrap_or_else(|_| aim.clone());
    if lead <= SignedDuration::from_hours(24) {
        let day = aim.date();
        let room = day.to_datetime(work_week.end).duration_since(aim.datetime());
        if work_week.is_work_day(day) && room >= SignedDuration::from_hours(1) {
            return at(day, work_week.end);
        }
        let morning = work_week.start.checked_add(SignedDuration::from_hours(2)).unwrap_or(work_week.start);
        return at(work_week.next_work_day(day), morning);
    }
    let padded = aim.checked_add(lead / 4).unwrap_or_else(|_| aim.clone());
    let day = padded.date();
    let day =
        if work_week.is_work_day(day) && padded.time() <= work_week.end { day } else { work_week.next_work_day(day) };
    at(day, work_week.end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn at(day: Date, hour: i8, minute: i8) -> ZonedDateTime {
        day.at(hour, minute, 0, 0).in_tz("America/New_York").unwrap()
    }

    #[test]
    fn an_aim_in_the_working_day_promises_its_end() {
        let now = at(date(2026, 11, 24), 10, 0);
        let told = propose_told(&at(date(2026, 11, 24), 11, 0), &now, &WorkWeek::default());
        assert_eq!(told, at(date(2026, 11, 24), 17, 0));
    }

    #[test]
    fn an_aim_late_in_the_day_promises_the_next_working_morning() {
        let now = at(date(2026, 11, 24), 15, 30);
        let told = propose_told(&at(date(2026, 11, 24), 16, 30), &now, &WorkWeek::default());
        assert_eq!(told, at(date(2026, 11, 25), 11, 0));
        // Friday evening rolls over the weekend.
        let friday = at(date(2026, 11, 27), 18, 0);
        let told = propose_told(&at(date(2026, 11, 27), 19, 0), &friday, &WorkWeek::default());
        assert_eq!(told, at(date(2026, 11, 30), 11, 0));
    }

    #[test]
    fn a_longer_aim_gets_proportionate_slack() {
        let now = at(date(2026, 11, 24), 10, 0);
        // Aim in 8 days (Wed 2 Dec 10:00): 2 days of slack → Fri 4 Dec end of day.
        let told = propose_told(&at(date(2026, 12, 2), 10, 0), &now, &WorkWeek::default());
        assert_eq!(told, at(date(2026, 12, 4), 17, 0));
    }

    #[test]
    fn risk_starts_when_the_aim_passes_or_time_runs_short() {
        let created = at(date(2026, 11, 24), 9, 0).timestamp();
        let promise = Promise {
            id: PromiseId::new(1),
            contact_id: ContactId::new(1),
            what: "quote".into(),
            aim: at(date(2026, 11, 24), 16, 0).timestamp(),
            told: at(date(2026, 11, 25), 9, 0).timestamp(),
            zone: ZoneName::parse("America/New_York").unwrap(),
            state: PromiseState::Open,
            created_at: created,
            closed_at: None,
        };
        assert!(!promise.is_at_risk(at(date(2026, 11, 24), 12, 0).timestamp()));
        assert!(promise.is_at_risk(at(date(2026, 11, 24), 16, 0).timestamp()));
        assert_eq!(promise.fulfilled_state(at(date(2026, 11, 24), 20, 0).timestamp()), PromiseState::Kept);
        assert_eq!(promise.fulfilled_state(at(date(2026, 11, 25), 10, 0).timestamp()), PromiseState::Late);
    }

    #[test]
    fn the_aim_may_not_follow_the_deadline() {
        let zone = ZoneName::parse("UTC").unwrap();
        let later = Timestamp::from_second(2_000).unwrap();
        let earlier = Timestamp::from_second(1_000).unwrap();
        assert!(PromiseDraft::new(ContactId::new(1), "x", later, earlier, zone.clone()).is_err());
        assert!(
            PromiseDraft::new(ContactId::new(1), " ", earlier, later, zone)
                .unwrap_err()
                .to_string()
                .starts_with("what:")
        );
    }
}

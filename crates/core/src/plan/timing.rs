//! When a plan step runs: a delay after the previous step ("3 business
//! days"), or a date on the calendar ("on their birthday", "2 days before
//! their birthday", "Dec 10", "the second monday of december",
//! "thanksgiving"), each in the contact's zone at the start of the work day.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

use crate::when::{Delay, YearlyDate, parse_delay, parse_yearly};
use crate::work_week::WorkWeek;

/// What a contact's record says that calendar steps are anchored to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Anchors {
    pub birthday: Option<Date>,
}

/// When a step runs, read from what the user wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// A delay counted from the previous step.
    After(Delay),
    /// On the contact's birthday, moved by `shift_days` (negative: before).
    Birthday { shift_days: i64 },
    /// A date that comes back every year.
    Yearly(YearlyDate),
}

/// The examples every timing error offers.
pub const TIMING_EXAMPLES: &str = "try \"3 business days\", \"1 month\", \"on their birthday\", \
     \"2 days before their birthday\", \"Dec 10\", \"the second monday of december\" or \"thanksgiving\"";

impl Timing {
    /// Read a step's timing; the error names what was not understood and what works.
    pub fn parse(text: &str) -> Result<Timing, String> {
        if let Ok(delay) = parse_delay(text) {
            return Ok(Timing::After(delay));
        }
        let lower = text.trim().to_lowercase();
        let lower = lower.split_whitespace().collect::<Vec<_>>().join(" ");
        let anchor = lower.strip_prefix("on ").unwrap_or(&lower);
        if let Some(before_anchor) = anchor.strip_suffix("birthday") {
            return birthday_shift(before_anchor)
                .map(|shift_days| Timing::Birthday { shift_days })
                .ok_or_else(|| format!("cannot read \"{}\"; {TIMING_EXAMPLES}", text.trim()));
        }
        match parse_yearly(anchor) {
            Ok(date) => Ok(Timing::Yearly(date)),
            Err(crate::when::WhenError::Invalid { reason, .. }) if !reason.starts_with("that is not") => {
                Err(format!("cannot read \"{}\": {reason}", text.trim()))
            }
            Err(_) => Err(format!("cannot read \"{}\"; {TIMING_EXAMPLES}", text.trim())),
        }
    }

    /// Whether the step is anchored to the calendar rather than to the previous step.
    pub fn is_anchored(&self) -> bool {
        !matches!(self, Timing::After(_))
    }

    /// The first run at or after `after`: the delay after it, or the anchored
    /// date's next occurrence (today counts) at the start of the work day.
    /// `None` when the anchor is unknown (no birthday on record).
    pub fn first(
        &self,
        after: Timestamp,
        anchors: &Anchors,
        zone: &TimeZone,
        work_week: &WorkWeek,
    ) -> Option<Timestamp> {
        let local = after.to_zoned_datetime(zone.clone());
        match self {
            Timing::After(delay) => Some(delay.apply(&local, work_week).timestamp()),
            _ => {
                let day = self.yearly(anchors)?.on_or_after(local.date())?;
                Some(start_of_work(day, zone, work_week)?.max(after))
            }
        }
    }

    /// For an anchored step, its next occurrence on a later day than `after`.
    pub fn next_after(
        &self,
        after: Timestamp,
        anchors: &Anchors,
        zone: &TimeZone,
        work_week: &WorkWeek,
    ) -> Option<Timestamp> {
        let tomorrow = after.to_zoned_datetime(zone.clone()).date().tomorrow().ok()?;
        let day = self.yearly(anchors)?.on_or_after(tomorrow)?;
        start_of_work(day, zone, work_week)
    }

    fn yearly(&self, anchors: &Anchors) -> Option<YearlyDate> {
        match *self {
            Timing::After(_) => None,
            Timing::Yearly(date) => Some(date),
            Timing::Birthday { shift_days } => {
                let birthday = anchors.birthday?;
                Some(YearlyDate::fixed(birthday.month(), birthday.day())?.shifted(shift_days))
            }
        }
    }
}

/// "", "the day before ", "3 days before ", "a week after ", with the anchor's
/// possessive ("their", "the contact's", "his", "her") already at the end.
fn birthday_shift(before_anchor: &str) -> Option<i64> {
    let mut rest = before_anchor.trim();
    for owner in ["their", "the contact's", "the contacts", "the", "his", "her", "contact's"] {
        if let Some(shorter) = rest.strip_suffix(owner) {
            rest = shorter.trim_end();
            break;
        }
    }
    if rest.is_empty() {
        return Some(0);
    }
    let (amount, sign) = if let Some(amount) = rest.strip_suffix("before") {
        (amount.trim(), -1)
    } else if let Some(amount) = rest.strip_suffix("after") {
        (amount.trim(), 1)
    } else {
        return None;
    };
    let amount = amount.strip_prefix("the ").map(|unit| format!("1 {unit}")).unwrap_or_else(|| amount.to_string());
    let days = match parse_delay(&amount).ok()? {
        Delay::Days(days) => i64::from(days),
        Delay::Weeks(weeks) => i64::from(weeks) * 7,
        _ => return None,
    };
    (days <= 366).then_some(sign * days)
}

/// The start of the work day on `day` in `zone`.
pub(super) fn start_of_work(day: Date, zone: &TimeZone, work_week: &WorkWeek) -> Option<Timestamp> {
    day.to_datetime(work_week.start)
        .to_zoned_datetime(zone.clone())
        .ok()
        .map(|moment: ZonedDateTime| moment.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn zone() -> TimeZone {
        TimeZone::get("Europe/London").unwrap()
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn delays_and_calendar_dates_are_read() {
        assert_eq!(Timing::parse("3 business days"), Ok(Timing::After(Delay::BusinessDays(3))));
        assert_eq!(Timing::parse("On their birthday"), Ok(Timing::Birthday { shift_days: 0 }));
        assert_eq!(Timing::parse("2 days before their birthday"), Ok(Timing::Birthday { shift_days: -2 }));
        assert_eq!(Timing::parse("the day before the birthday"), Ok(Timing::Birthday { shift_days: -1 }));
        assert_eq!(Timing::parse("a week after the contact's birthday"), Ok(Timing::Birthday { shift_days: 7 }));
        assert!(matches!(Timing::parse("on Dec 10"), Ok(Timing::Yearly(_))));
        assert!(matches!(Timing::parse("the second monday of december"), Ok(Timing::Yearly(_))));
        assert!(matches!(Timing::parse("3 days before christmas"), Ok(Timing::Yearly(_))));
        let error = Timing::parse("whenever").unwrap_err();
        assert!(error.contains("whenever") && error.contains("on their birthday"), "{error}");
        let error = Timing::parse("feb 30").unwrap_err();
        assert!(error.contains("no day 30"), "{error}");
        assert!(Timing::parse("next tuesday").is_err());
    }

    #[test]
    fn a_birthday_step_lands_on_the_birthday_at_the_start_of_the_work_day() {
        let anchors = Anchors { birthday: Some(date(1980, 3, 14)) };
        let timing = Timing::parse("on their birthday").unwrap();
        let ww = WorkWeek::default();
        assert_eq!(timing.first(at("2026-12-01T10:00:00Z"), &anchors, &zone(), &ww), Some(at("2027-03-14T09:00:00Z")));
        // On the day itself, later than the start of the work day: now.
        assert_eq!(timing.first(at("2027-03-14T11:00:00Z"), &anchors, &zone(), &ww), Some(at("2027-03-14T11:00:00Z")));
        assert_eq!(
            timing.next_after(at("2027-03-14T11:00:00Z"), &anchors, &zone(), &ww),
            Some(at("2028-03-14T09:00:00Z"))
        );
        // Without a birthday on record there is nothing to schedule.
        assert_eq!(timing.first(at("2026-12-01T10:00:00Z"), &Anchors::default(), &zone(), &ww), None);
        // 29 February in a common year: the 28th, in summer time where it applies.
        let leap = Anchors { birthday: Some(date(1992, 2, 29)) };
        let before = Timing::parse("3 days before their birthday").unwrap();
        assert_eq!(before.first(at("2026-12-01T10:00:00Z"), &leap, &zone(), &ww), Some(at("2027-02-25T09:00:00Z")));
    }

    #[test]
    fn delays_count_from_the_previous_step() {
        let timing = Timing::parse("2 days").unwrap();
        let ww = WorkWeek::default();
        assert_eq!(
            timing.first(at("2026-12-01T10:00:00Z"), &Anchors::default(), &zone(), &ww),
            Some(at("2026-12-03T10:00:00Z"))
        );
        assert!(!timing.is_anchored());
    }
}

//! When an automatic email may go out: inside the working hours of the
//! contact's zone (else the user's), on the account's work days, and outside
//! the contact's pacing gap. A step that may not go now waits, with the
//! moment it may go and a reason the user can read.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::pacing::{self, Neighbour};
use crate::work_week::WorkWeek;

/// Why a send waits, and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    pub until: Timestamp,
    pub reason: String,
}

/// The first moment at or after `now` inside the working hours of `zone`.
pub fn next_open(now: Timestamp, zone: &TimeZone, work_week: &WorkWeek) -> Timestamp {
    let local = now.to_zoned_datetime(zone.clone());
    let (day, time) = (local.date(), local.time());
    if !work_week.days.iter().any(|on| *on) || work_week.start >= work_week.end {
        return now;
    }
    if work_week.is_work_day(day) && time >= work_week.start && time < work_week.end {
        return now;
    }
    let day = if work_week.is_work_day(day) && time < work_week.start { day } else { work_week.next_work_day(day) };
    start_of_work(day, work_week.start, zone).max(now)
}

fn start_of_work(day: Date, start: Time, zone: &TimeZone) -> Timestamp {
    zone.to_ambiguous_zoned_datetime(day.to_datetime(start))
        .compatible()
        .map(|moment| moment.timestamp())
        .unwrap_or(Timestamp::MAX)
}

/// Decide whether an automatic email may go at `now`: `None` when it may,
/// else the [`Hold`]. `last_outreach` is the contact's last outbound touch.
pub fn hold(
    now: Timestamp,
    zone: &TimeZone,
    work_week: &WorkWeek,
    gap_days: u32,
    last_outreach: Option<Timestamp>,
) -> Option<Hold> {
    let open = next_open(now, zone, work_week);
    if open > now {
        return Some(Hold {
            until: open,
            reason: format!(
                "outside business hours in {}; sends {}",
                zone.iana_name().unwrap_or("the contact's zone"),
                open.to_zoned_datetime(zone.clone()).strftime("%a %Y-%m-%d %H:%M")
            ),
        });
    }
    let today = now.to_zoned_datetime(zone.clone()).date();
    let neighbours: Vec<Neighbour> =
        last_outreach.into_iter().map(|at| Neighbour::at(at, zone, "last outreach")).collect();
    let warning = pacing::check(today, &neighbours, gap_days)?;
    let until = next_open(start_of_work(warning.next_allowed, work_week.start, zone), zone, work_week);
    Some(Hold { until, reason: format!("{}; waits until then", warning.message()) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ny() -> TimeZone {
        TimeZone::get("America/New_York").unwrap()
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn inside_hours_sends_now() {
        let tuesday_ten = at("2026-11-24T15:00:00Z");
        assert_eq!(hold(tuesday_ten, &ny(), &WorkWeek::default(), 2, None), None);
    }

    #[test]
    fn evening_and_weekend_wait_for_the_next_working_morning() {
        let friday_evening = at("2026-11-27T23:30:00Z");
        let held = hold(friday_evening, &ny(), &WorkWeek::default(), 2, None).unwrap();
        assert_eq!(held.until, at("2026-11-30T14:00:00Z"));
        assert!(held.reason.contains("outside business hours in America/New_York"), "{}", held.reason);
        let early = at("2026-11-24T12:00:00Z");
        assert_eq!(next_open(early, &ny(), &WorkWeek::default()), at("2026-11-24T14:00:00Z"));
    }

    #[test]
    fn the_pacing_gap_holds_until_the_next_allowed_morning() {
        let yesterday = at("2026-11-23T16:00:00Z");
        let held = hold(at("2026-11-24T15:00:00Z"), &ny(), &WorkWeek::default(), 2, Some(yesterday)).unwrap();
        assert_eq!(held.until, at("2026-11-25T14:00:00Z"));
        assert!(held.reason.contains("pacing gap"), "{}", held.reason);
    }

    proptest! {
        #[test]
        fn the_next_open_moment_is_never_earlier_and_always_inside_hours(seconds in 1_700_000_000i64..1_900_000_000) {
            let now = Timestamp::from_second(seconds).unwrap();
            let week = WorkWeek::default();
            let open = next_open(now, &ny(), &week);
            prop_assert!(open >= now);
            let local = open.to_zoned_datetime(ny());
            prop_assert!(week.is_work_day(local.date()));
            prop_assert!(local.time() >= week.start && local.time() < week.end);
            prop_assert_eq!(next_open(open, &ny(), &week), open);
        }
    }
}

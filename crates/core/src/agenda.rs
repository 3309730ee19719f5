//! The daily agenda: which open follow-ups are overdue, due today or coming
//! up, and how late the overdue ones are.

use jiff::civil::Date;
use jiff::{Timestamp, ZonedDateTime};
use serde::{Deserialize, Serialize};

use crate::follow_up::Due;
use crate::work_week::days_between;

/// Where a follow-up falls on the agenda.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bucket {
    Overdue,
    Today,
    Upcoming,
}

impl Bucket {
    /// The heading shown above the bucket.
    pub fn heading(self) -> &'static str {
        match self {
            Bucket::Overdue => "Overdue",
            Bucket::Today => "Today",
            Bucket::Upcoming => "Coming up",
        }
    }
}

/// Place a due on the agenda as seen at `now` (which carries the user's zone).
/// All-day items are late from the day after their date; timed ones from their minute.
pub fn bucket(due: &Due, now: &ZonedDateTime) -> Bucket {
    let today = now.date();
    match due.time {
        None if due.date < today => Bucket::Overdue,
        None if due.date == today => Bucket::Today,
        None => Bucket::Upcoming,
        Some(_) if due.instant() < now.timestamp() => Bucket::Overdue,
        Some(_) if due.date_in(now.time_zone()) == today => Bucket::Today,
        Some(_) => Bucket::Upcoming,
    }
}

/// How late an overdue item is, in words ("3 days", "2 hours", "25 minutes").
pub fn lateness(due: &Due, now: &ZonedDateTime) -> Option<String> {
    if bucket(due, now) != Bucket::Overdue {
        return None;
    }
    if due.is_all_day() {
        return Some(plural(days_between(due.date, now.date()), "day"));
    }
    let late = now.timestamp().as_second() - due.instant().as_second();
    Some(match late {
        ..3_600 => plural((late / 60).max(1), "minute"),
        3_600..86_400 => plural(late / 3_600, "hour"),
        _ => plural(late / 86_400, "day"),
    })
}

/// The end of the agenda window: the start of the day `days` after today, in the user's zone.
pub fn window_end(now: &ZonedDateTime, days: u32) -> Timestamp {
    let last: Date = now.date().checked_add(jiff::Span::new().days(i64::from(days) + 1)).unwrap_or(Date::MAX);
    last.to_zoned_datetime(now.time_zone().clone()).map(|z| z.timestamp()).unwrap_or(Timestamp::MAX)
}

/// "1 day", "3 days".
pub fn plural(count: i64, unit: &str) -> String {
    if count == 1 { format!("1 {unit}") } else { format!("{count} {unit}s") }
}

/// A short human description of a past instant relative to now ("2 days ago").
pub fn ago(then: Timestamp, now: Timestamp) -> String {
    let seconds = now.as_second() - then.as_second();
    match seconds {
        ..60 => "just now".to_string(),
        60..3_600 => format!("{} ago", plural(seconds / 60, "minute")),
        3_600..86_400 => format!("{} ago", plural(seconds / 3_600, "hour")),
        _ => format!("{} ago", plural(seconds / 86_400, "day")),
    }
}

/// A short description of time remaining until `then` ("in 3 hours"), or "… ago" once past.
pub fn time_left(then: Timestamp, now: Timestamp) -> String {
    let seconds = then.as_second() - now.as_second();
    match seconds {
        ..=0 => ago(then, now),
        1..3_600 => format!("in {}", plural((seconds / 60).max(1), "minute")),
        3_600..86_400 => format!("in {}", plural(seconds / 3_600, "hour")),
        _ => format!("in {}", plural(seconds / 86_400, "day")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::ZoneName;
    use jiff::civil::{Time, date};

    fn now() -> ZonedDateTime {
        date(2026, 11, 24).at(10, 0, 0, 0).in_tz("America/New_York").unwrap()
    }

    fn due(day: Date, time: Option<Time>) -> Due {
        Due { date: day, time, zone: ZoneName::parse("America/New_York").unwrap() }
    }

    #[test]
    fn all_day_items_are_late_only_after_their_day() {
        assert_eq!(bucket(&due(date(2026, 11, 24), None), &now()), Bucket::Today);
        assert_eq!(bucket(&due(date(2026, 11, 23), None), &now()), Bucket::Overdue);
        assert_eq!(bucket(&due(date(2026, 11, 25), None), &now()), Bucket::Upcoming);
        assert_eq!(lateness(&due(date(2026, 11, 21), None), &now()).unwrap(), "3 days");
    }

    #[test]
    fn timed_items_are_late_from_their_minute() {
        let nine = due(date(2026, 11, 24), Some(Time::constant(9, 0, 0, 0)));
        assert_eq!(bucket(&nine, &now()), Bucket::Overdue);
        assert_eq!(lateness(&nine, &now()).unwrap(), "1 hour");
        let eleven = due(date(2026, 11, 24), Some(Time::constant(11, 0, 0, 0)));
        assert_eq!(bucket(&eleven, &now()), Bucket::Today);
        assert_eq!(lateness(&eleven, &now()), None);
    }

    #[test]
    fn a_timed_item_counts_on_the_users_day() {
        // 01:00 in Paris on the 25th is 19:00 on the 24th in New York: today.
        let paris = Due {
            date: date(2026, 11, 25),
            time: Some(Time::constant(1, 0, 0, 0)),
            zone: ZoneName::parse("Europe/Paris").unwrap(),
        };
        assert_eq!(bucket(&paris, &now()), Bucket::Today);
    }

    #[test]
    fn window_ends_at_the_start_of_the_day_after() {
        assert_eq!(window_end(&now(), 0).to_string(), "2026-11-25T05:00:00Z");
        assert_eq!(window_end(&now(), 7).to_string(), "2026-12-02T05:00:00Z");
    }

    #[test]
    fn durations_read_naturally() {
        let now = now().timestamp();
        assert_eq!(ago(now - jiff::SignedDuration::from_hours(49), now), "2 days ago");
        assert_eq!(time_left(now + jiff::SignedDuration::from_mins(90), now), "in 1 hour");
        assert_eq!(time_left(now + jiff::SignedDuration::from_mins(5), now), "in 5 minutes");
    }
}

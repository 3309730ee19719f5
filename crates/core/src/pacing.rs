//! Anti-pestering: a minimum number of days between touches of one contact,
//! counted on the calendar of the contact's zone.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::work_week::days_between;

/// The account default gap when none is set.
pub const DEFAULT_GAP_DAYS: u32 = 2;

/// Why a planned touch is too close to another one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PacingWarning {
    /// The gap in force, in days.
    pub gap_days: u32,
    /// The day of the nearby touch or follow-up.
    pub near: Date,
    /// What is near ("last touch", "follow-up 12").
    pub what: String,
    /// The first day outside the gap after `near`.
    pub next_allowed: Date,
}

impl PacingWarning {
    /// One line for the user.
    pub fn message(&self) -> String {
        format!(
            "inside the {}-day pacing gap: {} on {}; next allowed {}",
            self.gap_days, self.what, self.near, self.next_allowed
        )
    }
}

/// Something already on the contact's calendar: a touch or another open follow-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbour {
    pub day: Date,
    pub what: String,
}

impl Neighbour {
    /// A neighbour at an instant, seen on the calendar of `zone`.
    pub fn at(instant: Timestamp, zone: &TimeZone, what: impl Into<String>) -> Self {
        Neighbour { day: instant.to_zoned_datetime(zone.clone()).date(), what: what.into() }
    }
}

/// The first day a new touch is allowed after a touch on `day`.
pub fn next_allowed(day: Date, gap_days: u32) -> Date {
    day.checked_add(jiff::Span::new().days(i64::from(gap_days))).unwrap_or(Date::MAX)
}

/// Check a planned day against its neighbours: closer than `gap_days` to any is a warning
/// (the nearest one is reported).
pub fn check(planned: Date, neighbours: &[Neighbour], gap_days: u32) -> Option<PacingWarning> {
    neighbours
        .iter()
        .map(|neighbour| (days_between(neighbour.day, planned).abs(), neighbour))
        .filter(|(distance, _)| *distance < i64::from(gap_days))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, neighbour)| PacingWarning {
            gap_days,
            near: neighbour.day,
            what: neighbour.what.clone(),
            next_allowed: next_allowed(neighbour.day, gap_days),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn touch(day: Date) -> Neighbour {
        Neighbour { day, what: "last touch".into() }
    }

    #[test]
    fn a_day_inside_the_gap_warns_with_the_next_allowed_day() {
        let warning = check(date(2026, 11, 25), &[touch(date(2026, 11, 24))], 2).unwrap();
        assert_eq!(warning.next_allowed, date(2026, 11, 26));
        assert!(warning.message().contains("2-day pacing gap"));
    }

    #[test]
    fn a_day_at_the_gap_is_fine() {
        assert_eq!(check(date(2026, 11, 26), &[touch(date(2026, 11, 24))], 2), None);
        assert_eq!(check(date(2026, 11, 24), &[touch(date(2026, 11, 24))], 0), None);
    }

    #[test]
    fn the_nearest_neighbour_is_reported() {
        let near = Neighbour { day: date(2026, 12, 1), what: "follow-up 7".into() };
        let warning = check(date(2026, 12, 2), &[touch(date(2026, 11, 28)), near], 5).unwrap();
        assert_eq!(warning.what, "follow-up 7");
    }

    #[test]
    fn instants_are_read_in_the_contacts_zone() {
        let late_evening = "2026-11-25T03:00:00Z".parse::<Timestamp>().unwrap();
        let zone = TimeZone::get("America/Los_Angeles").unwrap();
        assert_eq!(Neighbour::at(late_evening, &zone, "x").day, date(2026, 11, 24));
    }
}

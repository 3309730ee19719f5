//! The working week: which days are work days and the hours of a working day.
//! Business-day arithmetic ("next business day", "end of day") and promise
//! padding both read it.

use jiff::civil::{Date, Time, Weekday};
use serde::{Deserialize, Serialize};

/// Work days and working hours, in whatever zone the caller applies them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkWeek {
    /// Start of the working day (e.g. 09:00).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "09:00:00"))]
    pub start: Time,
    /// End of the working day (e.g. 17:00); "end of day" resolves here.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "17:00:00"))]
    pub end: Time,
    /// Work days, Monday first.
    pub days: [bool; 7],
}

impl Default for WorkWeek {
    fn default() -> Self {
        WorkWeek {
            start: Time::constant(9, 0, 0, 0),
            end: Time::constant(17, 0, 0, 0),
            days: [true, true, true, true, true, false, false],
        }
    }
}

impl WorkWeek {
    /// Whether `date` falls on a work day.
    pub fn is_work_day(&self, date: Date) -> bool {
        self.days[weekday_index(date.weekday())]
    }

    /// The first work day strictly after `date` (or `date` itself when no day is a work day).
    pub fn next_work_day(&self, date: Date) -> Date {
        if !self.days.iter().any(|d| *d) {
            return date;
        }
        let mut day = date;
        loop {
            day = day.tomorrow().unwrap_or(day);
            if self.is_work_day(day) {
                return day;
            }
        }
    }

    /// `date` if it is a work day, else the next work day.
    pub fn this_or_next_work_day(&self, date: Date) -> Date {
        if self.is_work_day(date) { date } else { self.next_work_day(date) }
    }

    /// The date `count` work days after `date`.
    pub fn add_work_days(&self, date: Date, count: u32) -> Date {
        (0..count).fold(date, |day, _| self.next_work_day(day))
    }
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    from.until(to).map_or(0, |span| i64::from(span.get_days()))
}

/// Monday = 0 … Sunday = 6.
pub fn weekday_index(weekday: Weekday) -> usize {
    weekday.to_monday_zero_offset() as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn friday_is_followed_by_monday() {
        let week = WorkWeek::default();
        assert_eq!(week.next_work_day(date(2026, 11, 27)), date(2026, 11, 30));
        assert_eq!(week.add_work_days(date(2026, 11, 26), 3), date(2026, 12, 1));
        assert!(!week.is_work_day(date(2026, 11, 28)));
        assert_eq!(week.this_or_next_work_day(date(2026, 11, 29)), date(2026, 11, 30));
    }
}

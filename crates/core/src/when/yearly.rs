//! Dates that come back every year: "Dec 10", "the 10th of december", "the
//! second monday of december", "the last day of february", a holiday by name
//! ("thanksgiving"), each optionally shifted ("2 days before christmas", "the
//! monday after thanksgiving"). Plan steps anchored to the calendar read their
//! date here, through the same grammar as every other date phrase.

use jiff::civil::{Date, Weekday};

use super::WhenError;
use super::grammar::{DateSpec, MonthRef, Step};
use super::holiday::{self, Holiday};
use super::words::Unit;

/// The day of the year a yearly date names, before any shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum YearDay {
    /// A month and day; 29 February falls on the 28th in common years.
    Fixed { month: i8, day: i8 },
    /// The nth (1..=5, or -1 for the last) weekday of a month.
    NthWeekday { month: i8, nth: i8, weekday: Weekday },
    /// The last day of a month.
    LastDay { month: i8 },
    /// A holiday by name.
    Holiday(Holiday),
}

/// A shift from the day named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shift {
    Days(i64),
    /// The first such weekday strictly after (forward) or before the day.
    Weekday {
        weekday: Weekday,
        forward: bool,
    },
}

/// A date that recurs every year, valid by construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearlyDate {
    day: YearDay,
    shift: Option<Shift>,
}

impl YearlyDate {
    /// A month and day every year (a birthday); 29 February falls on the 28th in common years.
    pub fn fixed(month: i8, day: i8) -> Option<YearlyDate> {
        Date::new(2000, month, day).ok()?;
        Some(YearlyDate { day: YearDay::Fixed { month, day }, shift: None })
    }

    /// The same date moved by `days` (negative: before).
    pub fn shifted(self, days: i64) -> YearlyDate {
        YearlyDate { shift: (days != 0).then_some(Shift::Days(days)), ..self }
    }

    /// This date in `year` (None only beyond jiff's range).
    pub fn in_year(&self, year: i16) -> Option<Date> {
        let base = match self.day {
            YearDay::Fixed { month, day } => {
                Date::new(year, month, day).ok().or_else(|| Date::new(year, month, 1).ok().map(|d| d.last_of_month()))
            }
            YearDay::NthWeekday { month, nth, weekday } => {
                Date::new(year, month, 1).ok()?.nth_weekday_of_month(nth, weekday).ok()
            }
            YearDay::LastDay { month } => Date::new(year, month, 1).ok().map(|d| d.last_of_month()),
            YearDay::Holiday(holiday) => holiday::date_in(holiday, year),
        }?;
        match self.shift {
            None => Some(base),
            Some(Shift::Days(days)) => base.checked_add(jiff::Span::new().days(days)).ok(),
            Some(Shift::Weekday { weekday, forward: true }) => base.nth_weekday(1, weekday).ok(),
            Some(Shift::Weekday { weekday, forward: false }) => base.nth_weekday(-1, weekday).ok(),
        }
    }

    /// The first occurrence on or after `from`.
    pub fn on_or_after(&self, from: Date) -> Option<Date> {
        // A shift may move a date into the year before or after; look one year each side.
        (-1..=1).filter_map(|k| self.in_year(from.year().checked_add(k)?)).filter(|date| *date >= from).min()
    }
}

/// Reads a date that recurs every year ("Dec 10", "the second monday of
/// december", "2 days before thanksgiving"); a phrase naming a year, a time,
/// or a day relative to today ("tomorrow", "next friday") is refused.
pub fn parse_yearly(phrase: &str) -> Result<YearlyDate, WhenError> {
    let not_yearly = || WhenError::Invalid {
        phrase: phrase.to_string(),
        reason: "that is not a date that comes back every year; try \"Dec 10\", \"the second monday of december\", \
                 \"thanksgiving\" or \"3 days before christmas\""
            .to_string(),
    };
    let tokens = super::tokens(phrase)?;
    let parsed = super::parse(phrase, tokens.as_slice())?;
    let named = |month: MonthRef| match month {
        MonthRef::Named { month, year: None } => Some(month),
        _ => None,
    };
    let day = match parsed.date.ok_or_else(not_yearly)? {
        DateSpec::Ymd { year: None, month, day } => {
            let (month, day) = (i8::try_from(month).ok(), i8::try_from(day).ok());
            let (Some(month), Some(day)) = (month, day) else { return Err(not_yearly()) };
            // 2000 is a leap year: 29 February is a real yearly date.
            Date::new(2000, month, day).map_err(|_| WhenError::Invalid {
                phrase: phrase.to_string(),
                reason: format!("month {month} has no day {day}"),
            })?;
            YearDay::Fixed { month, day }
        }
        DateSpec::DayOf { day, month } => {
            let month = named(month).ok_or_else(not_yearly)?;
            let day = i8::try_from(day).map_err(|_| not_yearly())?;
            Date::new(2000, month, day).map_err(|_| WhenError::Invalid {
                phrase: phrase.to_string(),
                reason: format!("month {month} has no day {day}"),
            })?;
            YearDay::Fixed { month, day }
        }
        DateSpec::NthWeekday { nth, day, month } => YearDay::NthWeekday {
            month: named(month).ok_or_else(not_yearly)?,
            nth,
            weekday: Weekday::from_monday_zero_offset(day as i8).map_err(|_| not_yearly())?,
        },
        DateSpec::LastDay(month) => YearDay::LastDay { month: named(month).ok_or_else(not_yearly)? },
        DateSpec::Holiday { holiday, year: None } => YearDay::Holiday(holiday),
        _ => return Err(not_yearly()),
    };
    let plain = parsed.weekday.is_none()
        && parsed.time.is_none()
        && parsed.period.is_none()
        && parsed.zone.is_none()
        && parsed.shift.is_none()
        && parsed.special.is_none()
        && !parsed.week_of;
    if !plain {
        return Err(not_yearly());
    }
    let shift = match parsed.step {
        None => None,
        Some(Step::Calendar(days, Unit::Day)) => Some(Shift::Days(days)),
        Some(Step::Calendar(weeks, Unit::Week)) => Some(Shift::Days(weeks * 7)),
        Some(Step::Calendar(weeks, Unit::Fortnight)) => Some(Shift::Days(weeks * 14)),
        Some(Step::Weekday { day, forward }) => Some(Shift::Weekday {
            weekday: Weekday::from_monday_zero_offset(day as i8).map_err(|_| not_yearly())?,
            forward,
        }),
        Some(_) => return Err(not_yearly()),
    };
    if matches!(shift, Some(Shift::Days(days)) if days.abs() > 366) {
        return Err(WhenError::Invalid { phrase: phrase.to_string(), reason: "shift it by at most a year".into() });
    }
    Ok(YearlyDate { day, shift })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn next(phrase: &str, from: Date) -> Date {
        parse_yearly(phrase).unwrap_or_else(|e| panic!("{phrase}: {e}")).on_or_after(from).unwrap()
    }

    #[test]
    fn fixed_days_come_back_each_year() {
        assert_eq!(next("Dec 10", date(2026, 12, 1)), date(2026, 12, 10));
        assert_eq!(next("december 10", date(2026, 12, 11)), date(2027, 12, 10));
        assert_eq!(next("the 10th of december", date(2026, 12, 10)), date(2026, 12, 10));
        // 29 February lands on the 28th in common years.
        assert_eq!(next("feb 29", date(2026, 12, 1)), date(2027, 2, 28));
        assert_eq!(next("feb 29", date(2027, 3, 1)), date(2028, 2, 29));
    }

    #[test]
    fn weekdays_of_months_and_holidays() {
        assert_eq!(next("the second monday of december", date(2026, 12, 1)), date(2026, 12, 14));
        assert_eq!(next("the last friday of november", date(2026, 12, 1)), date(2027, 11, 26));
        assert_eq!(next("thanksgiving", date(2026, 12, 1)), date(2027, 11, 25));
        assert_eq!(next("the last day of february", date(2027, 3, 1)), date(2028, 2, 29));
        assert_eq!(next("christmas", date(2026, 12, 26)), date(2027, 12, 25));
    }

    #[test]
    fn shifted_dates() {
        assert_eq!(next("3 days before christmas", date(2026, 12, 1)), date(2026, 12, 22));
        assert_eq!(next("a week before thanksgiving", date(2026, 12, 1)), date(2027, 11, 18));
        assert_eq!(next("the monday after thanksgiving", date(2026, 11, 1)), date(2026, 11, 30));
        // A shift across the new year: the date of the coming year's holiday, not last year's.
        assert_eq!(next("2 days before new year's day", date(2026, 12, 1)), date(2026, 12, 30));
    }

    #[test]
    fn phrases_that_do_not_repeat_are_refused() {
        for phrase in ["tomorrow", "next friday", "dec 10 2027", "in 3 days", "dec 10 at 3pm", "the 10th", "soonish"] {
            assert!(parse_yearly(phrase).is_err(), "{phrase}");
        }
        let error = parse_yearly("feb 30").unwrap_err().to_string();
        assert!(error.contains("no day 30"), "{error}");
    }
}

//! Plan-step delays: "same day", "next day", "2 days", "3 business days",
//! "a week", "1 month", "2 hours", "half an hour".

use jiff::{SignedDuration, Span, ZonedDateTime};

use super::WhenError;
use super::grammar::Parser;
use super::lexer::{Kind, lex};
use super::resolve::step_work_day;
use super::words::{Kw, Unit};
use crate::work_week::WorkWeek;

/// How long after a previous step a plan step runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delay {
    /// Calendar days; `Days(0)` is "same day".
    Days(u32),
    /// Work days of the work week.
    BusinessDays(u32),
    /// Calendar weeks.
    Weeks(u32),
    /// Calendar months (clamped to the month's last day).
    Months(u32),
    /// Calendar years.
    Years(u32),
    /// Exact elapsed hours.
    Hours(u32),
    /// Exact elapsed minutes.
    Minutes(u32),
}

/// Largest count accepted by [`parse_delay`] (business days: 10,000).
const MAX_DELAY: u64 = 100_000;

impl Delay {
    /// The moment this delay after `from`: calendar units keep the local
    /// clock time (DST-safe), hours and minutes are exact elapsed time.
    /// Returns `from` unchanged if the result is beyond jiff's range.
    pub fn apply(&self, from: &ZonedDateTime, work_week: &WorkWeek) -> ZonedDateTime {
        let result = match *self {
            Delay::Days(n) => Span::new().try_days(n).and_then(|s| from.checked_add(s)),
            Delay::Weeks(n) => Span::new().try_weeks(n).and_then(|s| from.checked_add(s)),
            Delay::Months(n) => Span::new().try_months(n).and_then(|s| from.checked_add(s)),
            Delay::Years(n) => Span::new().try_years(n).and_then(|s| from.checked_add(s)),
            Delay::Hours(n) => from.checked_add(SignedDuration::from_hours(n.into())),
            Delay::Minutes(n) => from.checked_add(SignedDuration::from_mins(n.into())),
            Delay::BusinessDays(n) => {
                let mut day = Ok(from.date());
                for _ in 0..n {
                    day = day.and_then(|d| step_work_day(work_week, d, true));
                    if day.is_err() {
                        break;
                    }
                }
                match day {
                    Ok(day) => day.to_datetime(from.time()).to_zoned_datetime(from.time_zone().clone()),
                    Err(_) => return from.clone(),
                }
            }
        };
        result.unwrap_or_else(|_| from.clone())
    }
}

/// Reads a plan-step delay such as "same day", "2 days", "3 business days", "a week".
pub fn parse_delay(text: &str) -> Result<Delay, WhenError> {
    let bad = || WhenError::Unexpected { phrase: text.to_string(), near: text.trim().to_string() };
    if text.trim().is_empty() {
        return Err(WhenError::Empty);
    }
    let tokens = lex(text).map_err(|_| WhenError::TooLong { phrase: text.to_string() })?;
    let toks = tokens.as_slice();
    if let Some(word) = toks.iter().find_map(|t| match t.kind {
        Kind::Unknown(w) => Some(w),
        _ => None,
    }) {
        return Err(WhenError::UnknownWord { phrase: text.to_string(), word: word.to_string() });
    }
    let mut p = Parser { toks, text, pos: 0, out: Default::default() };
    if p.is(1, Kw::Unit(Unit::Day)) && toks.len() == 2 {
        match p.kw(0) {
            Some(Kw::Same) => return Ok(Delay::Days(0)),
            Some(Kw::Next) => return Ok(Delay::Days(1)),
            _ => {}
        }
    }
    p.eat(Kw::In);
    let (num, den) = p.quantity().ok_or_else(bad)?;
    let unit = p.unit().ok_or_else(bad)?;
    if p.is(0, Kw::Later) || p.is(0, Kw::After) {
        p.pos += 1;
    }
    if p.pos != toks.len() || den == 0 {
        return Err(bad());
    }
    let too_big = || WhenError::Invalid { phrase: text.to_string(), reason: "the delay is too long".into() };
    let count = match unit {
        Unit::Hour => u128::from(num) * 60,
        _ => u128::from(num),
    };
    if count % u128::from(den) != 0 {
        return Err(WhenError::Invalid { phrase: text.to_string(), reason: "use a whole number of units".into() });
    }
    let count = u64::try_from(count / u128::from(den)).map_err(|_| too_big())?;
    let limit = if unit == Unit::BusinessDay { 10_000 } else { MAX_DELAY };
    let n = u32::try_from(count).ok().filter(|n| u64::from(*n) <= limit).ok_or_else(too_big)?;
    Ok(match unit {
        Unit::Hour if n % 60 == 0 => Delay::Hours(n / 60),
        Unit::Hour | Unit::Minute => Delay::Minutes(n),
        Unit::Day => Delay::Days(n),
        Unit::BusinessDay => Delay::BusinessDays(n),
        Unit::Week => Delay::Weeks(n),
        Unit::Fortnight => Delay::Weeks(n.saturating_mul(2)),
        Unit::Month => Delay::Months(n),
        Unit::Year => Delay::Years(n),
        Unit::Second => return Err(bad()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> ZonedDateTime {
        s.parse().unwrap()
    }

    #[test]
    fn parses_delays() {
        assert_eq!(parse_delay("same day"), Ok(Delay::Days(0)));
        assert_eq!(parse_delay("Next day"), Ok(Delay::Days(1)));
        assert_eq!(parse_delay("2 days"), Ok(Delay::Days(2)));
        assert_eq!(parse_delay("3 business days"), Ok(Delay::BusinessDays(3)));
        assert_eq!(parse_delay("3 working days"), Ok(Delay::BusinessDays(3)));
        assert_eq!(parse_delay("1 month"), Ok(Delay::Months(1)));
        assert_eq!(parse_delay("a week"), Ok(Delay::Weeks(1)));
        assert_eq!(parse_delay("a fortnight"), Ok(Delay::Weeks(2)));
        assert_eq!(parse_delay("in two years"), Ok(Delay::Years(2)));
        assert_eq!(parse_delay("2 hours"), Ok(Delay::Hours(2)));
        assert_eq!(parse_delay("1.5 hours"), Ok(Delay::Minutes(90)));
        assert_eq!(parse_delay("half an hour"), Ok(Delay::Minutes(30)));
        assert_eq!(parse_delay("45 minutes later"), Ok(Delay::Minutes(45)));
        assert!(parse_delay("").is_err());
        assert!(parse_delay("soonish").is_err());
        assert!(parse_delay("2 days 3 days").is_err());
        assert!(parse_delay("99999999999 days").is_err());
        assert!(parse_delay("1.5 days").is_err());
    }

    #[test]
    fn applies_delays_across_dst() {
        let ww = WorkWeek::default();
        let from = at("2026-03-07T09:00:00-05:00[America/New_York]");
        let two_days = Delay::Days(2).apply(&from, &ww);
        assert_eq!(two_days.to_string(), "2026-03-09T09:00:00-04:00[America/New_York]");
        let hours = Delay::Hours(48).apply(&from, &ww);
        assert_eq!(hours.to_string(), "2026-03-09T10:00:00-04:00[America/New_York]");
        let friday = at("2026-11-27T10:00:00-05:00[America/New_York]");
        let biz = Delay::BusinessDays(1).apply(&friday, &ww);
        assert_eq!(biz.to_string(), "2026-11-30T10:00:00-05:00[America/New_York]");
        let far = at("9999-12-30T10:00:00+00:00[UTC]");
        assert_eq!(Delay::Years(5).apply(&far, &ww), far);
    }
}

//! Steps that come back: "every 3 months", "every quarter", "monthly",
//! "every month on the first tuesday", "every year", each with an end:
//! "until stopped" (the default), "4 times", "until 2027-12-31".

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

use super::timing::{Anchors, Timing};
use crate::when::{Delay, parse_delay};
use crate::work_week::WorkWeek;

/// How often a step comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    /// A fixed interval after the previous run.
    Interval(Delay),
    /// Every `months` months on the nth (1..=5, -1 last) weekday of the month.
    MonthlyWeekday { months: u32, nth: i8, weekday: Weekday },
    /// Every year: on the step's calendar date when it has one, else a year after the previous run.
    Year,
}

/// When a repeating step stops coming back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepeatEnd {
    /// Until the plan is stopped (a reply, a decision, a person).
    Stopped,
    /// After this many runs in all, the first included.
    Times(u32),
    /// No run after this day (in the contact's zone).
    Until(Date),
}

/// A step's repetition, valid by construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repeat {
    pub every: Every,
    pub end: RepeatEnd,
}

/// The examples every repeat error offers.
pub const REPEAT_EXAMPLES: &str = "try \"every 3 months\", \"monthly\", \"every month on the first tuesday\", \
     \"every year\", \"every quarter, 4 times\" or \"every month until 2027-12-31\"";

impl Repeat {
    /// Read what the user wrote; blank means the step runs once.
    pub fn parse(text: &str) -> Result<Option<Repeat>, String> {
        let lower = text.trim().to_lowercase().replace(',', " ");
        let lower = lower.split_whitespace().collect::<Vec<_>>().join(" ");
        if lower.is_empty() || lower == "once" || lower == "never" {
            return Ok(None);
        }
        let bad = || format!("cannot read \"{}\"; {REPEAT_EXAMPLES}", text.trim());
        let (every, end) = split_end(&lower).ok_or_else(bad)?;
        let every = read_every(every).ok_or_else(bad)?;
        if matches!(end, RepeatEnd::Times(0)) {
            return Err(format!("\"{}\": repeat at least once", text.trim()));
        }
        Ok(Some(Repeat { every, end }))
    }

    /// The first run of a repeating step: where the rule names a day of the
    /// month, the first such day on or after `first`.
    pub fn align(&self, first: Timestamp, zone: &TimeZone) -> Timestamp {
        let Every::MonthlyWeekday { nth, weekday, .. } = self.every else { return first };
        let local = first.to_zoned_datetime(zone.clone());
        (0..3)
            .filter_map(|k| local.date().first_of_month().checked_add(Span::new().months(k)).ok())
            .filter_map(|month| month.nth_weekday_of_month(nth, weekday).ok())
            .find(|day| *day >= local.date())
            .and_then(|day| day.to_datetime(local.time()).to_zoned_datetime(zone.clone()).ok())
            .map_or(first, |moment| moment.timestamp())
    }

    /// The run after the one at `previous`, or `None` once the repetition is over
    /// (`runs` have happened so far, the first included).
    pub fn next(
        &self,
        previous: Timestamp,
        runs: u32,
        timing: &Timing,
        anchors: &Anchors,
        zone: &TimeZone,
        work_week: &WorkWeek,
    ) -> Option<Timestamp> {
        if let RepeatEnd::Times(times) = self.end
            && runs >= times
        {
            return None;
        }
        let local = previous.to_zoned_datetime(zone.clone());
        let next = match self.every {
            Every::Interval(delay) => delay.apply(&local, work_week).timestamp(),
            Every::Year if timing.is_anchored() => timing.next_after(previous, anchors, zone, work_week)?,
            Every::Year => Delay::Years(1).apply(&local, work_week).timestamp(),
            Every::MonthlyWeekday { months, nth, weekday } => {
                let month = local.date().first_of_month().checked_add(Span::new().months(months)).ok()?;
                let day = month.nth_weekday_of_month(nth, weekday).ok()?;
                day.to_datetime(local.time()).to_zoned_datetime(zone.clone()).ok()?.timestamp()
            }
        };
        if next <= previous {
            return None;
        }
        match self.end {
            RepeatEnd::Until(last) if next.to_zoned_datetime(zone.clone()).date() > last => None,
            _ => Some(next),
        }
    }
}

/// Split "every month 4 times" / "every month until 2027-12-31" / "every month until stopped".
fn split_end(text: &str) -> Option<(&str, RepeatEnd)> {
    if let Some((every, until)) = text.split_once(" until ") {
        return Some((every, read_until(until)?));
    }
    for suffix in [" forever", " until stopped"] {
        if let Some(every) = text.strip_suffix(suffix) {
            return Some((every, RepeatEnd::Stopped));
        }
    }
    let words: Vec<&str> = text.split(' ').collect();
    if let [.., count, "times"] = words.as_slice() {
        let times = count_word(count)?;
        let cut = text.len() - count.len() - " times".len();
        let every = text[..cut].trim_end();
        return Some((every.strip_suffix(" for").unwrap_or(every), RepeatEnd::Times(times)));
    }
    if let Some(every) = text.strip_suffix(" twice") {
        return Some((every, RepeatEnd::Times(2)));
    }
    Some((text, RepeatEnd::Stopped))
}

fn read_until(text: &str) -> Option<RepeatEnd> {
    let text = text.trim();
    if matches!(text, "stopped" | "it is stopped" | "they reply" | "cancelled" | "canceled") {
        return Some(RepeatEnd::Stopped);
    }
    if let Ok(date) = text.parse::<Date>() {
        return Some(RepeatEnd::Until(date));
    }
    // Any date phrase that names its year: the same day whenever it is read.
    let read = |year: i16| {
        let now = Date::new(year, 1, 1).ok()?.to_zoned_datetime(TimeZone::UTC).ok()?;
        match crate::when::resolve(text, &crate::when::Context::new(now)).ok()? {
            crate::when::Resolved::Day(day) => Some(day),
            crate::when::Resolved::Moment(moment) => Some(moment.date()),
        }
    };
    let day = read(2001)?;
    (read(2011) == Some(day)).then_some(RepeatEnd::Until(day))
}

fn count_word(word: &str) -> Option<u32> {
    let numbers = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];
    match numbers.iter().position(|number| *number == word) {
        Some(index) => u32::try_from(index + 1).ok(),
        None => word.parse().ok().filter(|times| *times <= 1000),
    }
}

fn read_every(text: &str) -> Option<Every> {
    let text = match text {
        "daily" => "every day",
        "weekly" => "every week",
        "fortnightly" | "biweekly" => "every 2 weeks",
        "monthly" => "every month",
        "quarterly" => "every quarter",
        "yearly" | "annually" | "every year" | "each year" | "once a year" => return Some(Every::Year),
        other => other,
    };
    let monthly_on;
    let text = match text.strip_prefix("monthly on ") {
        Some(rest) => {
            monthly_on = format!("every month on {rest}");
            monthly_on.as_str()
        }
        None => text,
    };
    let rest = text.strip_prefix("every ").or_else(|| text.strip_prefix("each "))?;
    let (interval, on) = match rest.split_once(" on ") {
        Some((interval, on)) => (interval, Some(on)),
        None => (rest, None),
    };
    let interval = interval.replace("other ", "2 ");
    let interval = match interval.as_str() {
        "quarter" => "3 months".to_string(),
        "year" => return on.is_none().then_some(Every::Year),
        other if other.starts_with(|c: char| c.is_ascii_digit()) => other.to_string(),
        other => format!("1 {other}"),
    };
    let interval = interval.replace(" quarters", " months").replace("1 quarter", "3 months");
    let delay = parse_delay(&interval).ok()?;
    match on {
        None => match delay {
            Delay::Days(0) | Delay::Hours(_) | Delay::Minutes(_) => None,
            delay => Some(Every::Interval(delay)),
        },
        Some(on) => {
            let Delay::Months(months) = delay else { return None };
            let (nth, weekday) = nth_weekday(on)?;
            Some(Every::MonthlyWeekday { months, nth, weekday })
        }
    }
}

/// "the first tuesday", "the last friday", "the 2nd monday".
fn nth_weekday(text: &str) -> Option<(i8, Weekday)> {
    let text = text.strip_prefix("the ").unwrap_or(text);
    let (nth, day) = text.split_once(' ')?;
    let nth = match nth {
        "first" | "1st" => 1,
        "second" | "2nd" => 2,
        "third" | "3rd" => 3,
        "fourth" | "4th" => 4,
        "fifth" | "5th" => 5,
        "last" => -1,
        _ => return None,
    };
    let weekday = match day.trim_end_matches('s') {
        "monday" | "mon" => Weekday::Monday,
        "tuesday" | "tue" | "tues" => Weekday::Tuesday,
        "wednesday" | "wed" => Weekday::Wednesday,
        "thursday" | "thu" | "thur" => Weekday::Thursday,
        "friday" | "fri" => Weekday::Friday,
        "saturday" | "sat" => Weekday::Saturday,
        "sunday" | "sun" => Weekday::Sunday,
        _ => return None,
    };
    Some((nth, weekday))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn utc() -> TimeZone {
        TimeZone::UTC
    }

    #[test]
    fn repeats_are_read_with_their_end() {
        let read = |text: &str| Repeat::parse(text).unwrap_or_else(|e| panic!("{text}: {e}")).unwrap();
        assert_eq!(read("every 3 months").every, Every::Interval(Delay::Months(3)));
        assert_eq!(read("Every quarter").every, Every::Interval(Delay::Months(3)));
        assert_eq!(read("monthly").every, Every::Interval(Delay::Months(1)));
        assert_eq!(read("every other week").every, Every::Interval(Delay::Weeks(2)));
        assert_eq!(read("every year").every, Every::Year);
        assert_eq!(
            read("every month on the first tuesday").every,
            Every::MonthlyWeekday { months: 1, nth: 1, weekday: Weekday::Tuesday }
        );
        assert_eq!(read("every month until stopped").end, RepeatEnd::Stopped);
        assert_eq!(read("every quarter, 4 times").end, RepeatEnd::Times(4));
        assert_eq!(read("monthly for six times").end, RepeatEnd::Times(6));
        assert_eq!(read("every 2 weeks twice").end, RepeatEnd::Times(2));
        assert_eq!(read("every month until 2027-12-31").end, RepeatEnd::Until(date(2027, 12, 31)));
        assert_eq!(read("every month until december 31 2027").end, RepeatEnd::Until(date(2027, 12, 31)));
        assert_eq!(Repeat::parse("  "), Ok(None));
        for bad in ["sometimes", "every blue moon", "every month until next friday", "every 0 days", "monthly 0 times"]
        {
            assert!(Repeat::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_next_run_follows_the_rule_and_stops_at_the_end() {
        let none = Anchors::default();
        let ww = WorkWeek::default();
        let after = Timing::parse("1 month").unwrap();
        let quarterly = Repeat::parse("every quarter, 3 times").unwrap().unwrap();
        let first = at("2027-01-15T09:00:00Z");
        let second = quarterly.next(first, 1, &after, &none, &utc(), &ww).unwrap();
        assert_eq!(second, at("2027-04-15T09:00:00Z"));
        let third = quarterly.next(second, 2, &after, &none, &utc(), &ww).unwrap();
        assert_eq!(third, at("2027-07-15T09:00:00Z"));
        assert_eq!(quarterly.next(third, 3, &after, &none, &utc(), &ww), None);

        let until = Repeat::parse("monthly until 2027-03-01").unwrap().unwrap();
        assert_eq!(until.next(first, 1, &after, &none, &utc(), &ww), Some(at("2027-02-15T09:00:00Z")));
        assert_eq!(until.next(at("2027-02-15T09:00:00Z"), 2, &after, &none, &utc(), &ww), None);
    }

    #[test]
    fn monthly_weekdays_align_and_repeat() {
        let rule = Repeat::parse("every month on the first tuesday").unwrap().unwrap();
        let first = rule.align(at("2026-12-02T09:00:00Z"), &utc());
        assert_eq!(first, at("2027-01-05T09:00:00Z"));
        let ww = WorkWeek::default();
        let next = rule.next(first, 1, &Timing::parse("same day").unwrap(), &Anchors::default(), &utc(), &ww);
        assert_eq!(next, Some(at("2027-02-02T09:00:00Z")));
    }

    #[test]
    fn yearly_calendar_steps_come_back_on_their_date() {
        let rule = Repeat::parse("every year").unwrap().unwrap();
        let ww = WorkWeek::default();
        let anchors = Anchors { birthday: Some(date(1992, 2, 29)) };
        let birthday = Timing::parse("on their birthday").unwrap();
        let next = rule.next(at("2028-02-29T09:00:00Z"), 1, &birthday, &anchors, &utc(), &ww);
        assert_eq!(next, Some(at("2029-02-28T09:00:00Z")));
        let holiday = Timing::parse("the second monday of december").unwrap();
        let next = rule.next(at("2026-12-14T09:00:00Z"), 1, &holiday, &anchors, &utc(), &ww);
        assert_eq!(next, Some(at("2027-12-13T09:00:00Z")));
    }
}

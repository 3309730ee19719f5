//! Reports: the figures a person keeps the habit by, over a chosen period.
//! The period's rules live here once: weeks run Monday to Sunday and months
//! from the 1st, both in the account's zone (so an item at Sunday 23:30 in
//! Auckland counts in that Sunday's week), cut to the period's first and last
//! day. The store counts rows between the instants these buckets give.

pub mod chart;
pub mod figures;
pub mod table;

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::names::parse_named;

/// The longest period a report covers (two years and a day), so a report stays a page.
pub const MAX_DAYS: i32 = 732;

/// How many weeks a report covers when no period is chosen.
pub const DEFAULT_WEEKS: u32 = 12;

/// The reports there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ReportName {
    /// Follow-ups closed per week: on time, late (median lateness), skipped.
    FollowUps,
    /// Promises per month of their told deadline: kept by it, kept by the aim.
    Promises,
    /// Each plan step: sent, replied, stopped (and why), reply rate.
    Plans,
    /// Touches per week by channel and direction.
    Touches,
    /// Contacts at the end of each week by stage.
    Stages,
    /// Consent changes per week by the state changed to.
    Consent,
}

impl ReportName {
    /// Every report, in the order the page shows them.
    pub const ALL: [ReportName; 6] = [
        ReportName::FollowUps,
        ReportName::Promises,
        ReportName::Plans,
        ReportName::Touches,
        ReportName::Stages,
        ReportName::Consent,
    ];

    /// The name in addresses and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportName::FollowUps => "follow-ups",
            ReportName::Promises => "promises",
            ReportName::Plans => "plans",
            ReportName::Touches => "touches",
            ReportName::Stages => "stages",
            ReportName::Consent => "consent",
        }
    }

    /// The heading a person reads.
    pub fn title(self) -> &'static str {
        match self {
            ReportName::FollowUps => "Follow-ups done on time, late and skipped, per week",
            ReportName::Promises => "Promises kept, per month of the told deadline",
            ReportName::Plans => "Plan steps: sent, replied, stopped",
            ReportName::Touches => "Touches per week by channel and direction",
            ReportName::Stages => "Contacts by stage, at the end of each week",
            ReportName::Consent => "Consent changes per week",
        }
    }

    /// Read a report's name.
    pub fn parse(raw: &str) -> Result<Self> {
        parse_named("report", raw.trim().trim_end_matches(".csv"), &Self::ALL, Self::as_str)
    }
}

/// A period of whole days in the account's zone, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Period {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-09-01"))]
    pub from: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-11-30"))]
    pub to: Date,
}

/// How a report's rows are cut: weeks or months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Week,
    Month,
}

/// One week or month of a period: its label (the first day, `2026-09-07`, or
/// the month, `2026-09`) and the instants it runs between (`start` included,
/// `end` not), both in the zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bucket {
    pub label: String,
    pub start: Timestamp,
    pub end: Timestamp,
}

impl Period {
    /// A period from `from` to `to`; `to` may not come before `from` nor lie more than [`MAX_DAYS`] after it.
    pub fn new(from: Date, to: Date) -> Result<Period> {
        if to < from {
            return Err(Error::invalid("to", format!("{to} comes before the start of the period, {from}")));
        }
        let days = to.since(from).map(|span| span.get_days()).unwrap_or(i32::MAX);
        if days >= MAX_DAYS {
            return Err(Error::invalid("to", format!("the period may be at most {MAX_DAYS} days; pick a later from")));
        }
        Ok(Period { from, to })
    }

    /// The last `count` weeks or months up to `today`: whole weeks from a
    /// Monday, or whole months from a 1st, the last one being today's.
    pub fn last(today: Date, count: u32, step: Step) -> Result<Period> {
        if count == 0 {
            return Err(Error::invalid("period", "must cover at least one week or month"));
        }
        let back = i64::from(count - 1);
        let from = match step {
            Step::Week => week_start(today).checked_sub(Span::new().weeks(back)),
            Step::Month => today.first_of_month().checked_sub(Span::new().months(back)),
        }
        .map_err(|_| Error::invalid("period", "reaches too far back"))?;
        Period::new(from, today).map_err(|_| Error::invalid("period", format!("may be at most {MAX_DAYS} days")))
    }

    /// Read a period length ("12w", "12 weeks", "6m", "3 months") as the last so many up to `today`.
    pub fn parse_last(raw: &str, today: Date) -> Result<Period> {
        let raw = raw.trim().to_lowercase();
        let digits: String = raw.chars().take_while(char::is_ascii_digit).collect();
        let unit = raw[digits.len()..].trim();
        let count: u32 = digits.parse().map_err(|_| {
            Error::invalid("period", format!("\"{raw}\" is not a length such as \"12w\", \"12 weeks\" or \"6 months\""))
        })?;
        let step = match unit {
            "w" | "week" | "weeks" => Step::Week,
            "m" | "month" | "months" => Step::Month,
            _ => {
                return Err(Error::invalid("period", format!("\"{unit}\" is not a unit; use weeks (w) or months (m)")));
            }
        };
        Period::last(today, count, step)
    }

    /// The weeks or months of this period in `zone`, the first and last cut to the period.
    pub fn buckets(&self, step: Step, zone: &TimeZone) -> Vec<Bucket> {
        let mut buckets = Vec::new();
        let mut day = self.from;
        while day <= self.to {
            let next = match step {
                Step::Week => week_start(day).checked_add(Span::new().weeks(1)),
                Step::Month => day.first_of_month().checked_add(Span::new().months(1)),
            }
            .unwrap_or(Date::MAX);
            let end_day = next.min(self.to.tomorrow().unwrap_or(Date::MAX));
            let label = match step {
                Step::Week => week_start(day).to_string(),
                Step::Month => day.strftime("%Y-%m").to_string(),
            };
            buckets.push(Bucket { label, start: day_start(day, zone), end: day_start(end_day, zone) });
            day = end_day;
        }
        buckets
    }

    /// The instant the period starts and the one it ends at (the next day's start), in `zone`.
    pub fn span(&self, zone: &TimeZone) -> (Timestamp, Timestamp) {
        (day_start(self.from, zone), day_start(self.to.tomorrow().unwrap_or(Date::MAX), zone))
    }
}

/// The Monday on or before `day`.
pub fn week_start(day: Date) -> Date {
    let back = i64::from(day.weekday().to_monday_zero_offset());
    day.checked_sub(Span::new().days(back)).unwrap_or(day)
}

/// The first `weekday` on or after `day`.
pub fn next_weekday(day: Date, weekday: Weekday) -> Date {
    let ahead =
        (i64::from(weekday.to_monday_zero_offset()) - i64::from(day.weekday().to_monday_zero_offset())).rem_euclid(7);
    day.checked_add(Span::new().days(ahead)).unwrap_or(day)
}

/// The instant `day` begins in `zone` (after a gap when midnight is skipped).
pub fn day_start(day: Date, zone: &TimeZone) -> Timestamp {
    day.to_zoned_datetime(zone.clone()).map(|zoned| zoned.timestamp()).unwrap_or(Timestamp::MAX)
}

/// The median of `values` (the mean of the middle two when their number is even); `None` when empty.
pub fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let middle = values.len() / 2;
    Some(if values.len() % 2 == 1 { values[middle] } else { (values[middle - 1] + values[middle]) / 2 })
}

/// The middle one or two places (1-based, in ascending order) of `count` values, whose mean is the median.
pub fn median_places(count: i64) -> (i64, i64) {
    ((count + 1) / 2, count / 2 + 1)
}

/// A share in whole percent, `None` with nothing to share.
pub fn percent(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (part * 100 + whole / 2) / whole)
}

/// "3h 20m", "2d 4h", "45m": a length of time in seconds, short.
pub fn duration_text(seconds: i64) -> String {
    let minutes = seconds / 60;
    let (days, hours, minutes) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    match (days, hours) {
        (0, 0) => format!("{minutes}m"),
        (0, _) => format!("{hours}h {minutes}m"),
        _ => format!("{days}d {hours}h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn weeks_run_monday_to_sunday_in_the_zone_and_are_cut_to_the_period() {
        let zone = TimeZone::get("Pacific/Auckland").unwrap();
        // Wednesday 2 September to Sunday 13 September 2026.
        let period = Period::new(date(2026, 9, 2), date(2026, 9, 13)).unwrap();
        let buckets = period.buckets(Step::Week, &zone);
        assert_eq!(buckets.len(), 2);
        assert_eq!(buckets[0].label, "2026-08-31");
        assert_eq!(buckets[0].start, date(2026, 9, 2).to_zoned_datetime(zone.clone()).unwrap().timestamp());
        assert_eq!(buckets[1].label, "2026-09-07");
        assert_eq!(buckets[0].end, buckets[1].start);
        // Sunday 23:30 in Auckland is Sunday 11:30 UTC: still the week of the 7th.
        let late_sunday = date(2026, 9, 13).at(23, 30, 0, 0).to_zoned_datetime(zone.clone()).unwrap().timestamp();
        assert!(late_sunday >= buckets[1].start && late_sunday < buckets[1].end);
        assert_eq!(buckets[1].end, date(2026, 9, 14).to_zoned_datetime(zone).unwrap().timestamp());
    }

    #[test]
    fn a_week_across_a_clock_change_is_168_hours_give_or_take_one() {
        let zone = TimeZone::get("Europe/Berlin").unwrap();
        let period = Period::new(date(2026, 10, 19), date(2026, 11, 1)).unwrap();
        let buckets = period.buckets(Step::Week, &zone);
        let hours = |b: &Bucket| (b.end.as_second() - b.start.as_second()) / 3600;
        assert_eq!(hours(&buckets[0]), 169, "Sunday 25 October 2026: clocks go back");
        assert_eq!(hours(&buckets[1]), 168);
    }

    #[test]
    fn months_start_on_the_first() {
        let period = Period::new(date(2026, 9, 15), date(2026, 11, 30)).unwrap();
        let labels: Vec<String> = period.buckets(Step::Month, &TimeZone::UTC).into_iter().map(|b| b.label).collect();
        assert_eq!(labels, ["2026-09", "2026-10", "2026-11"]);
    }

    #[test]
    fn the_last_weeks_start_on_a_monday_and_end_today() {
        let period = Period::parse_last("12w", date(2026, 12, 2)).unwrap();
        assert_eq!(period.from, date(2026, 9, 14));
        assert_eq!(period.to, date(2026, 12, 2));
        assert_eq!(period.buckets(Step::Week, &TimeZone::UTC).len(), 12);
        assert_eq!(Period::parse_last("3 months", date(2026, 12, 2)).unwrap().from, date(2026, 10, 1));
        assert!(Period::parse_last("3 fortnights", date(2026, 12, 2)).unwrap_err().to_string().starts_with("period:"));
        assert!(Period::parse_last("0w", date(2026, 12, 2)).is_err());
    }

    #[test]
    fn a_period_is_in_order_and_not_too_long() {
        assert!(Period::new(date(2026, 9, 2), date(2026, 9, 1)).unwrap_err().to_string().starts_with("to:"));
        assert!(Period::new(date(2024, 1, 1), date(2026, 9, 1)).is_err());
    }

    #[test]
    fn medians_and_shares() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5, 1, 3]), Some(3));
        assert_eq!(median(&mut [4, 1, 3, 10]), Some(3));
        assert_eq!(median_places(3), (2, 2));
        assert_eq!(median_places(4), (2, 3));
        assert_eq!(percent(1, 3), Some(33));
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(percent(0, 0), None);
        assert_eq!(duration_text(2 * 86_400 + 4 * 3600 + 60), "2d 4h");
        assert_eq!(duration_text(3 * 3600 + 20 * 60), "3h 20m");
    }
}

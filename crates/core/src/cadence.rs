//! Keep in touch: a cadence ("every 30 days", "every quarter") per contact or
//! per tag, and who is drifting: the people whose last touch (any channel,
//! either direction) is older than their cadence. Read with `when`'s delays.

use jiff::{Timestamp, ZonedDateTime};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::when::{Delay, parse_delay};
use crate::work_week::WorkWeek;

/// How often to be in touch with someone: a delay of days or longer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", schema(value_type = String, example = "30 days"))]
pub struct Cadence(Delay);

impl Cadence {
    /// Read "every 30 days", "every quarter", "monthly", "2 weeks", "every other week".
    pub fn parse(raw: &str) -> Result<Cadence> {
        let text = raw.trim().to_lowercase();
        let bad = |why: &str| {
            Error::invalid(
                "cadence",
                format!("\"{}\" {why}; write e.g. \"every 30 days\", \"every month\" or \"every quarter\"", raw.trim()),
            )
        };
        if text.is_empty() {
            return Err(bad("is empty"));
        }
        let text = text.strip_prefix("every ").or_else(|| text.strip_prefix("each ")).unwrap_or(&text).trim();
        let text = text.strip_prefix("once a ").or_else(|| text.strip_prefix("once every ")).unwrap_or(text).trim();
        let phrase = match text {
            "day" | "daily" => "1 day".to_string(),
            "week" | "weekly" => "1 week".to_string(),
            "other week" | "fortnight" | "fortnightly" | "biweekly" => "2 weeks".to_string(),
            "month" | "monthly" => "1 month".to_string(),
            "other month" | "bimonthly" => "2 months".to_string(),
            "quarter" | "quarterly" => "3 months".to_string(),
            "half year" | "half-year" | "six months" => "6 months".to_string(),
            "year" | "yearly" | "annually" => "1 year".to_string(),
            other => match other.strip_suffix(" quarters").or_else(|| other.strip_suffix(" quarter")) {
                Some(count) => match count.trim().parse::<u32>() {
                    Ok(count) => format!("{} months", count.saturating_mul(3)),
                    Err(_) => return Err(bad("is not a cadence")),
                },
                None => other.to_string(),
            },
        };
        let delay = parse_delay(&phrase).map_err(|error| bad(&format!("is not a cadence ({error})")))?;
        match delay {
            Delay::Hours(_) | Delay::Minutes(_) => Err(bad("is shorter than a day")),
            Delay::Days(0) | Delay::BusinessDays(0) | Delay::Weeks(0) | Delay::Months(0) | Delay::Years(0) => {
                Err(bad("is no time at all"))
            }
            delay => Ok(Cadence(delay)),
        }
    }

    /// The delay underneath.
    pub fn delay(self) -> Delay {
        self.0
    }

    /// Roughly how many days it is, to compare cadences (the shortest of a contact's tags wins).
    pub fn approximate_days(self) -> u64 {
        match self.0 {
            Delay::Days(n) => u64::from(n),
            Delay::BusinessDays(n) => u64::from(n) * 7 / 5,
            Delay::Weeks(n) => u64::from(n) * 7,
            Delay::Months(n) => u64::from(n) * 30,
            Delay::Years(n) => u64::from(n) * 365,
            Delay::Hours(_) | Delay::Minutes(_) => 0,
        }
    }

    /// The stored form, which [`Cadence::parse`] reads back: "30 days", "3 months".
    pub fn as_stored(self) -> String {
        let (n, unit) = match self.0 {
            Delay::Days(n) => (n, "day"),
            Delay::BusinessDays(n) => (n, "business day"),
            Delay::Weeks(n) => (n, "week"),
            Delay::Months(n) => (n, "month"),
            Delay::Years(n) => (n, "year"),
            Delay::Hours(n) => (n, "hour"),
            Delay::Minutes(n) => (n, "minute"),
        };
        format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
    }

    /// As a person says it: "every 30 days", "every month", "every quarter".
    pub fn display(self) -> String {
        match self.0 {
            Delay::Months(3) => "every quarter".to_string(),
            Delay::Days(1) | Delay::Weeks(1) | Delay::Months(1) | Delay::Years(1) => {
                format!("every {}", self.as_stored().trim_start_matches("1 "))
            }
            _ => format!("every {}", self.as_stored()),
        }
    }

    /// When someone last touched at `last` is due for another touch (calendar units in `zone`'s clock).
    pub fn due_after(self, last: &ZonedDateTime, work_week: &WorkWeek) -> ZonedDateTime {
        self.0.apply(last, work_week)
    }
}

impl TryFrom<String> for Cadence {
    type Error = Error;
    fn try_from(text: String) -> Result<Cadence> {
        Cadence::parse(&text)
    }
}

impl From<Cadence> for String {
    fn from(cadence: Cadence) -> String {
        cadence.as_stored()
    }
}

/// The cadence that holds for a contact: their own, else the shortest of their tags'.
pub fn effective(own: Option<Cadence>, of_tags: &[Cadence]) -> Option<Cadence> {
    own.or_else(|| of_tags.iter().copied().min_by_key(|cadence| cadence.approximate_days()))
}

/// What is known about one contact to judge whether they are drifting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeepInTouch {
    pub cadence: Cadence,
    /// The last touch of any channel and direction; `None` when never touched.
    pub last_touch: Option<Timestamp>,
    /// When the contact was added: the clock starts there when there is no touch yet.
    pub added: Timestamp,
    /// "Not now" for the reconnect reminder until then (snoozed).
    pub snoozed_until: Option<Timestamp>,
}

/// Where a contact stands against their cadence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Drift {
    /// When the cadence runs out (ran out) since the last touch.
    pub due_at: Timestamp,
    /// Whole days since the last touch (or since the contact was added).
    pub days_since: i64,
    /// Whole days past the cadence; negative: days left.
    pub days_over: i64,
}

/// Judge one contact at `now`; `None` while the reminder is snoozed.
pub fn drift(entry: &KeepInTouch, now: &ZonedDateTime, work_week: &WorkWeek) -> Option<Drift> {
    if entry.snoozed_until.is_some_and(|until| until > now.timestamp()) {
        return None;
    }
    let zone = now.time_zone().clone();
    let since = entry.last_touch.unwrap_or(entry.added).to_zoned_datetime(zone);
    let due = entry.cadence.due_after(&since, work_week);
    let days = |from: &ZonedDateTime, to: &ZonedDateTime| i64::from((to.date() - from.date()).get_days());
    Some(Drift { due_at: due.timestamp(), days_since: days(&since, now), days_over: days(&due, now) })
}

/// The line Today shows: "Reconnect with Ann: last touch 47 days ago (every 30 days)".
pub fn reconnect_line(name: &str, drift: &Drift, cadence: Cadence, touched: bool) -> String {
    let ago = match drift.days_since {
        0 => "today".to_string(),
        1 => "yesterday".to_string(),
        n => format!("{n} days ago"),
    };
    let last = if touched { format!("last touch {ago}") } else { format!("no touch yet, added {ago}") };
    format!("Reconnect with {name}: {last} ({})", cadence.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> ZonedDateTime {
        text.parse().unwrap()
    }

    #[test]
    fn cadences_read_as_people_write_them() {
        let read = |text: &str| Cadence::parse(text).unwrap().as_stored();
        assert_eq!(read("every 30 days"), "30 days");
        assert_eq!(read("Every quarter"), "3 months");
        assert_eq!(read("quarterly"), "3 months");
        assert_eq!(read("every 2 quarters"), "6 months");
        assert_eq!(read("monthly"), "1 month");
        assert_eq!(read("every other week"), "2 weeks");
        assert_eq!(read("once a year"), "1 year");
        assert_eq!(read("6 weeks"), "6 weeks");
        assert_eq!(Cadence::parse("every quarter").unwrap().display(), "every quarter");
        assert_eq!(Cadence::parse("30 days").unwrap().display(), "every 30 days");
        assert_eq!(Cadence::parse("a month").unwrap().display(), "every month");
        for bad in ["", "every 2 hours", "sometimes", "every 0 days"] {
            let error = Cadence::parse(bad).unwrap_err().to_string();
            assert!(error.starts_with("cadence:"), "{bad}: {error}");
        }
        let stored: Cadence = serde_json::from_str("\"3 months\"").unwrap();
        assert_eq!(serde_json::to_string(&stored).unwrap(), "\"3 months\"");
    }

    #[test]
    fn the_contacts_own_cadence_wins_else_the_shortest_tag() {
        let [month, quarter, week] = ["every month", "every quarter", "every week"].map(|c| Cadence::parse(c).unwrap());
        assert_eq!(effective(Some(quarter), &[week, month]), Some(quarter));
        assert_eq!(effective(None, &[quarter, week, month]), Some(week));
        assert_eq!(effective(None, &[]), None);
    }

    #[test]
    fn drift_counts_from_the_last_touch_or_the_day_added() {
        let now = at("2026-11-24T10:00:00-05:00[America/New_York]");
        let cadence = Cadence::parse("every 30 days").unwrap();
        let entry = KeepInTouch {
            cadence,
            last_touch: Some(at("2026-10-08T16:00:00-04:00[America/New_York]").timestamp()),
            added: at("2026-01-01T00:00:00-05:00[America/New_York]").timestamp(),
            snoozed_until: None,
        };
        let late = drift(&entry, &now, &WorkWeek::default()).unwrap();
        assert_eq!((late.days_since, late.days_over), (47, 17));
        assert_eq!(
            reconnect_line("Ann", &late, cadence, true),
            "Reconnect with Ann: last touch 47 days ago (every 30 days)"
        );
        let fresh = KeepInTouch {
            last_touch: None,
            added: at("2026-11-20T09:00:00-05:00[America/New_York]").timestamp(),
            ..entry.clone()
        };
        let fresh = drift(&fresh, &now, &WorkWeek::default()).unwrap();
        assert_eq!((fresh.days_since, fresh.days_over), (4, -26), "a new contact is not overdue");
        let snoozed =
            KeepInTouch { snoozed_until: Some(now.timestamp() + jiff::SignedDuration::from_hours(1)), ..entry };
        assert_eq!(drift(&snoozed, &now, &WorkWeek::default()), None);
    }
}

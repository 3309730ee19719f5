//! The weekly review: one email, on the day and at the hour the account
//! chooses, summing up the week just gone (follow-ups done on time, late,
//! skipped, and those that slipped past due still open), the promises whose
//! told deadline falls in the coming week, and the people drifting out of
//! touch. Pure text composition; the worker sends it once per week.

use jiff::civil::{Date, Weekday};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::names::parse_named;
use crate::template::Rendered;

/// The day of the week the review goes out on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ReviewDay {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl ReviewDay {
    /// Every day, Monday first.
    pub const ALL: [ReviewDay; 7] = [
        ReviewDay::Monday,
        ReviewDay::Tuesday,
        ReviewDay::Wednesday,
        ReviewDay::Thursday,
        ReviewDay::Friday,
        ReviewDay::Saturday,
        ReviewDay::Sunday,
    ];

    /// The stored and typed name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewDay::Monday => "monday",
            ReviewDay::Tuesday => "tuesday",
            ReviewDay::Wednesday => "wednesday",
            ReviewDay::Thursday => "thursday",
            ReviewDay::Friday => "friday",
            ReviewDay::Saturday => "saturday",
            ReviewDay::Sunday => "sunday",
        }
    }

    /// Read a day ("friday", "Fri").
    pub fn parse(raw: &str) -> Result<ReviewDay> {
        let wanted = raw.trim().to_lowercase();
        if wanted.len() >= 3
            && let Some(day) = Self::ALL.iter().find(|day| day.as_str().starts_with(&wanted))
        {
            return Ok(*day);
        }
        parse_named("review-day", raw, &Self::ALL, Self::as_str)
    }

    /// The weekday it stands for.
    pub fn weekday(self) -> Weekday {
        match self {
            ReviewDay::Monday => Weekday::Monday,
            ReviewDay::Tuesday => Weekday::Tuesday,
            ReviewDay::Wednesday => Weekday::Wednesday,
            ReviewDay::Thursday => Weekday::Thursday,
            ReviewDay::Friday => Weekday::Friday,
            ReviewDay::Saturday => Weekday::Saturday,
            ReviewDay::Sunday => Weekday::Sunday,
        }
    }
}

/// Check a review hour: 0 to 23 in the account's zone.
pub fn check_hour(hour: u32) -> Result<u32> {
    if hour > 23 {
        return Err(Error::invalid("review-hour", "is an hour from 0 to 23"));
    }
    Ok(hour)
}

/// What the week came to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WeekReview {
    /// The seven days reviewed, the last being yesterday or today.
    pub first_day: Option<Date>,
    pub last_day: Option<Date>,
    pub done_on_time: i64,
    pub done_late: i64,
    pub skipped: i64,
    /// Open follow-ups past due: "Ann Lee · call · send the quote (3 days late)".
    pub slipped: Vec<String>,
    /// Open promises told for the coming week, soonest first: "Bo Chen: \"the quote\" told for Tue 2026-12-01 17:00".
    pub at_risk_next_week: Vec<String>,
    /// People past their keep-in-touch cadence: "Reconnect with Cy: last touch 47 days ago (every 30 days)".
    pub drifting: Vec<String>,
}

/// The review email, or `None` when the week has nothing to say at all.
pub fn compose(review: &WeekReview) -> Option<Rendered> {
    let done = review.done_on_time + review.done_late;
    if done == 0
        && review.skipped == 0
        && review.slipped.is_empty()
        && review.at_risk_next_week.is_empty()
        && review.drifting.is_empty()
    {
        return None;
    }
    let span = match (review.first_day, review.last_day) {
        (Some(first), Some(last)) => format!("{} to {}", first.strftime("%a %-d %b"), last.strftime("%a %-d %b %Y")),
        _ => "the past week".to_string(),
    };
    let mut body = format!("Your week in follow-ups, {span}.\n\n");
    body.push_str(&format!(
        "Done: {done} ({} on time, {} late); skipped: {}.\n",
        review.done_on_time, review.done_late, review.skipped
    ));
    let mut section = |title: &str, lines: &[String], empty: &str| {
        body.push_str(&format!("\n{title} ({})\n", lines.len()));
        if lines.is_empty() {
            body.push_str(&format!("  {empty}\n"));
        }
        for line in lines {
            body.push_str(&format!("  - {line}\n"));
        }
    };
    section("Slipped: still open past due", &review.slipped, "Nothing slipped. Well kept.");
    section("Promises due next week", &review.at_risk_next_week, "No promise falls due next week.");
    section("People drifting", &review.drifting, "Nobody is past their cadence.");
    let subject = format!(
        "Your week: {done} done, {} slipped, {} promise{} due next week",
        review.slipped.len(),
        review.at_risk_next_week.len(),
        if review.at_risk_next_week.len() == 1 { "" } else { "s" }
    );
    Some(Rendered { subject, body })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_day_reads_in_full_or_short() {
        assert_eq!(ReviewDay::parse("Friday").unwrap(), ReviewDay::Friday);
        assert_eq!(ReviewDay::parse("fri").unwrap(), ReviewDay::Friday);
        assert!(ReviewDay::parse("someday").unwrap_err().to_string().starts_with("review-day:"));
        assert!(check_hour(24).is_err());
    }

    #[test]
    fn the_review_sums_up_the_week() {
        let review = WeekReview {
            first_day: Some(date(2026, 11, 16)),
            last_day: Some(date(2026, 11, 22)),
            done_on_time: 4,
            done_late: 1,
            skipped: 2,
            slipped: vec!["Ann Lee · call · send the quote (3 days late)".into()],
            at_risk_next_week: vec![],
            drifting: vec!["Reconnect with Cy Nash: last touch 47 days ago (every 30 days)".into()],
        };
        let email = compose(&review).unwrap();
        assert_eq!(email.subject, "Your week: 5 done, 1 slipped, 0 promises due next week");
        assert!(email.body.starts_with("Your week in follow-ups, Mon 16 Nov to Sun 22 Nov 2026.\n"));
        assert!(email.body.contains("Done: 5 (4 on time, 1 late); skipped: 2."));
        assert!(email.body.contains("  - Ann Lee · call · send the quote (3 days late)\n"));
        assert!(email.body.contains("No promise falls due next week."));
        assert!(compose(&WeekReview::default()).is_none());
    }
}

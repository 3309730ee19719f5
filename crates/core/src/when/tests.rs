//! Unit tests for phrase resolution; the corpus in tests/data covers far more.

use super::*;

fn ctx(now: &str) -> Context {
    Context::new(now.parse().unwrap())
}

fn read(now: &str, phrase: &str) -> String {
    match resolve(phrase, &ctx(now)) {
        Ok(r) => r.to_canonical_string(),
        Err(e) => format!("error: {e}"),
    }
}

const TUE: &str = "2026-11-24T10:15:00-05:00[America/New_York]";

#[test]
fn days() {
    assert_eq!(read(TUE, "today"), "2026-11-24");
    assert_eq!(read(TUE, "Tomorrow"), "2026-11-25");
    assert_eq!(read(TUE, "tuesday"), "2026-12-01");
    assert_eq!(read(TUE, "this tuesday"), "2026-11-24");
    assert_eq!(read(TUE, "next friday"), "2026-12-04");
    assert_eq!(read(TUE, "friday"), "2026-11-27");
    assert_eq!(read(TUE, "in 3 days"), "2026-11-27");
    assert_eq!(read(TUE, "March 3"), "2027-03-03");
    assert_eq!(read(TUE, "next quarter"), "2027-01-01");
}

#[test]
fn moments() {
    assert_eq!(read(TUE, "tomorrow 3pm"), "2026-11-25T15:00:00-05:00");
    assert_eq!(read(TUE, "in 2 hours"), "2026-11-24T12:15:00-05:00");
    assert_eq!(read(TUE, "eod"), "2026-11-24T17:00:00-05:00");
    assert_eq!(read(TUE, "9am"), "2026-11-25T09:00:00-05:00");
    assert_eq!(read(TUE, "5pm Europe/Paris"), "2026-11-24T17:00:00+01:00");
}

#[test]
fn errors_quote_the_phrase() {
    let e = resolve("next blursday", &ctx(TUE)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "cannot read \"next blursday\": unknown word \"blursday\"; try e.g. \"next tuesday\", \"in 3 days\", \"tomorrow 3pm\""
    );
    assert_eq!(resolve("  ", &ctx(TUE)), Err(WhenError::Empty));
    assert!(matches!(resolve("February 30", &ctx(TUE)), Err(WhenError::Invalid { .. })));
}

#[test]
fn start_instant_of_a_day() {
    let r = resolve("tomorrow", &ctx(TUE)).unwrap();
    let tz = jiff::tz::TimeZone::get("America/New_York").unwrap();
    assert_eq!(r.start_instant(&tz).to_string(), "2026-11-25T05:00:00Z");
}

/// Every unreadable phrase gets a message that quotes it, says what was
/// wrong, and shows phrases that work.
#[test]
fn error_messages_quote_the_phrase_and_say_what_was_wrong() {
    let cases = [
        ("next blursday", "unknown word \"blursday\""),
        ("13/45/2020", "month 13 is not a valid month"),
        ("25:00", "\"25:00\" is not a valid time"),
        ("February 30", "February 30 is not a valid date"),
        ("in -3 days", "did not understand \"-3 days\""),
        ("tomorrow tomorrow", "names a second day"),
        ("3pm 4pm", "names a second time of day"),
        ("the 32nd", "day 32 is not a valid day of the month"),
        ("tomorrow EST", "a time zone needs a clock time"),
        ("3pm Mars/Olympus", "unknown time zone \"Mars/Olympus\""),
        ("in 99999999 years", "too far"),
        ("half past", "it ends too early"),
        ("fifth monday of february", "that month has no such Monday"),
        ("2015-02-29", "February 29 is not a valid date"),
        ("in 2.5 days", "use whole days"),
    ];
    for (phrase, reason) in cases {
        let message = resolve(phrase, &ctx(TUE)).unwrap_err().to_string();
        assert!(message.starts_with(&format!("cannot read \"{phrase}\": ")), "{message}");
        assert!(message.contains(reason), "{phrase}: {message}");
        assert!(message.contains("try e.g. \"next tuesday\""), "{message}");
    }
    let empty = resolve("", &ctx(TUE)).unwrap_err().to_string();
    assert!(empty.starts_with("no date given"), "{empty}");
}

fn notes(now: &str, phrase: &str) -> Vec<String> {
    explain(phrase, &ctx(now)).map(|r| r.notes).unwrap_or_else(|e| vec![format!("error: {e}")])
}

#[test]
fn parts_of_the_day_choose_am_or_pm() {
    assert_eq!(read(TUE, "tonight at 9"), "2026-11-24T21:00:00-05:00");
    assert_eq!(read(TUE, "this morning at 11"), "2026-11-24T11:00:00-05:00");
    assert_eq!(read(TUE, "7 this evening"), "2026-11-24T19:00:00-05:00");
    assert_eq!(read(TUE, "at 4 tomorrow afternoon"), "2026-11-25T16:00:00-05:00");
    assert!(read(TUE, "tomorrow morning at 3pm").contains("15:00 is not in the morning"));
}

#[test]
fn explain_says_how_a_choice_was_made() {
    let next = notes(TUE, "next friday");
    assert_eq!(next, vec!["the Friday of next week; say 'this friday' for Fri 27 Nov".to_string()]);
    let typo = notes(TUE, "tomorow at 3pm");
    assert_eq!(typo.first().map(String::as_str), Some("read 'tomorow' as 'tomorrow'"));
    let passed = notes(TUE, "the first friday of this month");
    assert!(passed[0].contains("has passed: kept in this month"), "{passed:?}");
    let winter = notes("2027-01-14T08:30:00+00:00[Europe/London]", "10 am BST");
    assert!(winter.iter().any(|n| n.contains("BST is not in use")), "{winter:?}");
    let skipped = notes("2026-11-25T09:00:00-05:00[America/New_York]", "next business day");
    assert_eq!(skipped, vec!["skipped Thu 26 Nov (Thanksgiving), a day off".to_string()]);
}

#[test]
fn an_ambiguous_numeric_date_offers_the_other_order() {
    let reading = explain("3/4", &ctx("2026-11-24T10:15:00+00:00[Europe/London]")).unwrap();
    assert_eq!(reading.resolved, Resolved::Day(jiff::civil::date(2027, 4, 3)));
    assert_eq!(reading.alternatives.len(), 1);
    assert_eq!(reading.alternatives[0].date, jiff::civil::date(2027, 3, 4));
    let mut us = ctx(TUE);
    us.date_order = DateOrder::Dmy;
    assert_eq!(resolve("3/4", &us).unwrap().to_canonical_string(), "2027-04-03");
    assert!(explain("13/4", &ctx(TUE)).unwrap().alternatives.is_empty());
}

#[test]
fn a_weekday_that_disagrees_with_its_date_is_refused() {
    let message = read(TUE, "Sat, Aug 1 2027");
    assert!(message.contains("1 August 2027 is a Sunday, not a Saturday"), "{message}");
    assert_eq!(read(TUE, "Sun, Aug 1 2027"), "2027-08-01");
}

/// "the Nth business day of <month>" is a work day of that month, and the
/// Nth one: exactly N-1 work days of the month come before it.
#[test]
fn work_days_of_a_month_are_counted_within_it() {
    let months = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    for (index, month) in months.iter().enumerate() {
        for nth in 1..=5 {
            let phrase =
                format!("{} business day of {month} 2027", ["first", "second", "third", "fourth", "fifth"][nth - 1]);
            let day: jiff::civil::Date = read(TUE, &phrase).parse().unwrap_or_else(|_| panic!("{phrase}"));
            assert_eq!(day.month() as usize, index + 1, "{phrase}");
            let before = (1..day.day())
                .filter(|d| {
                    let date = jiff::civil::date(2027, day.month(), *d);
                    !matches!(date.weekday(), jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday)
                        && DaysOff::UnitedStates.name_of(date).is_none()
                })
                .count();
            assert_eq!(before, nth - 1, "{phrase} = {day}");
            assert!(!matches!(day.weekday(), jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday));
        }
        let last = read(TUE, &format!("last business day of {month} 2027"));
        let last: jiff::civil::Date = last.parse().unwrap();
        assert_eq!(last.month() as usize, index + 1);
        assert!(!matches!(last.weekday(), jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday));
    }
    assert!(read(TUE, "24th business day of march").starts_with("error"));
}

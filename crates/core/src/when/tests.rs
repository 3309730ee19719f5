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

//! Property tests for `when::resolve`: no panics on any input, exact
//! arithmetic for "in N hours"/"in N days", future-only bare weekdays and
//! month-day dates, and canonical strings that read back as themselves.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};
use proptest::prelude::*;
use tickler_core::when::{Context, Resolved, parse_delay, resolve};

const ZONES: &[&str] = &[
    "America/New_York",
    "Europe/Berlin",
    "Asia/Kolkata",
    "UTC",
    "Australia/Sydney",
    "America/Los_Angeles",
    "Pacific/Chatham",
];

const WORDS: &[&str] = &[
    "today",
    "tomorrow",
    "yesterday",
    "next",
    "last",
    "this",
    "coming",
    "in",
    "ago",
    "from",
    "now",
    "hence",
    "later",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "hour",
    "hours",
    "minutes",
    "business",
    "working",
    "a",
    "an",
    "couple",
    "of",
    "few",
    "half",
    "and",
    "quarter",
    "past",
    "to",
    "at",
    "on",
    "by",
    "the",
    "monday",
    "tue",
    "friday",
    "sun",
    "march",
    "dec",
    "3pm",
    "15:30",
    "noon",
    "midnight",
    "morning",
    "tonight",
    "eod",
    "end",
    "close",
    "q3",
    "christmas",
    "eve",
    "new",
    "year's",
    "easter",
    "PST",
    "UTC",
    "Europe/Paris",
    "3",
    "20th",
    "2027",
    "3/3",
    "2015-03-03",
    "1.5",
    "-",
    ",",
    "o'clock",
    "p.m.",
    "after",
    "before",
    "first",
    "second",
    "twenty",
    "five",
    "early",
    "later",
    "Q",
    "99999999",
    "0",
    "31",
    "29",
    "feb",
    "tonight",
    "evening",
    "afternoon",
    "around",
    "about",
    "ish",
    "@",
    "8a",
    "4:45p",
    "16h45",
    "h",
    "p",
    "m",
    "half",
    "1/2",
    "mondays",
    "fridays",
    "weekend",
    "mid",
    "midweek",
    "tomorow",
    "wendesday",
    "nxt",
    "2morrow",
    "tmrw",
    "straight",
    "away",
    "more",
    "for",
    "thing",
    "BST",
    "15.03.2026",
    "31/12",
];

fn now_strategy() -> impl Strategy<Value = ZonedDateTime> {
    // 2000-01-01 .. about 2040, any zone in the list.
    (946_684_800i64..2_208_988_800i64, 0..ZONES.len()).prop_map(|(secs, zone)| {
        let tz = TimeZone::get(ZONES[zone]).unwrap();
        Timestamp::from_second(secs).unwrap().to_zoned_datetime(tz)
    })
}

fn weekday_or_month_day() -> impl Strategy<Value = String> {
    let names = prop::sample::select(vec![
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tues",
        "thu",
        "fri",
        "sat",
    ]);
    let months = prop::sample::select(vec![
        "january", "feb", "march", "apr", "may", "june", "jul", "august", "sep", "october", "nov", "december",
    ]);
    prop_oneof![
        names.prop_map(String::from),
        (months, 1u32..=28).prop_map(|(m, d)| format!("{m} {d}")),
        (1u32..=12, 1u32..=28).prop_map(|(m, d)| format!("{m}/{d}")),
    ]
}

/// A day phrase that reads on its own.
fn day_phrase() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "tomorrow",
        "today",
        "friday",
        "next tuesday",
        "this wednesday",
        "march 3",
        "3 march",
        "the 15th",
        "christmas",
        "thanksgiving",
        "in 3 days",
        "next monday",
        "the first friday of next month",
        "jul 4 2030",
        "2031-05-06",
    ])
}

/// A clock time that reads on its own.
fn time_phrase() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "3pm",
        "9:30am",
        "noon",
        "16:45",
        "half past 4",
        "quarter to 9am",
        "10 am",
        "8a",
        "4:45p",
        "16h45",
        "445 p.m.",
        "eleven fifteen am",
        "midnight",
        "twelve noon",
        "7 o'clock",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// "at", "on" and "around" change nothing, and a day and a time read
    /// the same in either order: "tomorrow 3pm", "3pm tomorrow", "on
    /// tomorrow at 3pm", "tomorrow around 3pm".
    #[test]
    fn hedges_and_order_do_not_change_the_reading(
        day in day_phrase(),
        time in time_phrase(),
        now in now_strategy(),
    ) {
        let ctx = Context::new(now);
        let first = resolve(&format!("{day} {time}"), &ctx);
        for variant in [
            format!("{time} {day}"),
            format!("on {day} at {time}"),
            format!("at {time} on {day}"),
            format!("{day} around {time}"),
            format!("around {time} {day}"),
            format!("{day}, {time}"),
            format!("{day} @ {time}"),
        ] {
            let again = resolve(&variant, &ctx);
            prop_assert_eq!(&again, &first, "{} vs {} {}", variant, day, time);
        }
    }

    /// A part of the day and a bare hour give the same moment in either order.
    #[test]
    fn part_of_day_and_hour_commute(
        day in prop::sample::select(vec!["tomorrow", "friday", "next monday", "sunday"]),
        period in prop::sample::select(vec!["morning", "afternoon", "evening"]),
        hour in 1u32..=11,
        now in now_strategy(),
    ) {
        let ctx = Context::new(now);
        let first = resolve(&format!("{day} {period} at {hour}"), &ctx);
        prop_assert!(first.is_ok(), "{day} {period} at {hour}: {first:?}");
        for variant in [
            format!("at {hour} {day} {period}"),
            format!("{hour} on {day} {period}"),
            format!("around {hour} {day} {period}"),
            format!("{day} {period} around {hour}"),
        ] {
            prop_assert_eq!(&resolve(&variant, &ctx), &first, "{}", variant);
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>(), now in now_strategy()) {
        let _ = resolve(&text, &Context::new(now));
        let _ = parse_delay(&text);
    }

    #[test]
    fn printable_text_never_panics(text in "[ -~]{0,60}", now in now_strategy()) {
        let _ = resolve(&text, &Context::new(now));
    }

    #[test]
    fn word_soup_never_panics(
        words in prop::collection::vec(prop::sample::select(WORDS), 0..8),
        now in now_strategy(),
    ) {
        let phrase = words.join(" ");
        let _ = resolve(&phrase, &Context::new(now));
        let _ = parse_delay(&phrase);
    }

    #[test]
    fn in_n_hours_is_exact(n in 0i64..200_000, now in now_strategy()) {
        let got = resolve(&format!("in {n} hours"), &Context::new(now.clone()));
        if let Ok(Resolved::Moment(m)) = got {
            prop_assert_eq!(m.timestamp().as_second() - now.timestamp().as_second(), n * 3600);
        } else {
            // Only out-of-range results may fail.
            prop_assert!(n > 100_000);
        }
    }

    #[test]
    fn in_n_days_is_calendar_days(n in 0i64..20_000, now in now_strategy()) {
        let got = resolve(&format!("in {n} days"), &Context::new(now.clone()));
        let expected = now.date().checked_add(jiff::Span::new().days(n)).unwrap();
        prop_assert_eq!(got, Ok(Resolved::Day(expected)));
    }

    #[test]
    fn bare_weekdays_and_dates_are_not_past(phrase in weekday_or_month_day(), now in now_strategy()) {
        let today: Date = now.date();
        match resolve(&phrase, &Context::new(now)) {
            Ok(Resolved::Day(d)) => prop_assert!(d >= today, "{phrase} gave {d} before {today}"),
            other => prop_assert!(false, "{phrase} gave {other:?}"),
        }
    }

    #[test]
    fn canonical_strings_read_back(
        words in prop::collection::vec(prop::sample::select(WORDS), 1..5),
        now in now_strategy(),
    ) {
        let ctx = Context::new(now);
        if let Ok(first) = resolve(&words.join(" "), &ctx) {
            let text = first.to_canonical_string();
            let again = resolve(&text, &ctx);
            prop_assert!(again.is_ok(), "{text} did not read back");
            let again = again.unwrap();
            prop_assert_eq!(again.to_canonical_string(), text.clone());
            let zone = ctx.now.time_zone();
            prop_assert_eq!(again.start_instant(zone), first.start_instant(zone));
        }
    }
}

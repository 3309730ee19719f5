//! Properties of the domain parsers and schedules: no input panics, parsed
//! values re-parse to themselves, and proposed deadlines obey their rules.

use jiff::civil::{Date, Time, date};
use jiff::{SignedDuration, ZonedDateTime};
use proptest::prelude::*;
use tickler_core::agenda::{Bucket, bucket};
use tickler_core::contact::{ContactName, EmailAddress, Phone, Tag, ZoneName};
use tickler_core::follow_up::Due;
use tickler_core::pacing::{self, Neighbour};
use tickler_core::promise::propose_told;
use tickler_core::work_week::WorkWeek;

const ZONES: [&str; 6] =
    ["America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney", "America/Los_Angeles", "UTC"];

fn zoned(days: i64, minutes: i64, zone: usize) -> ZonedDateTime {
    let start =
        date(2026, 1, 1).at(0, 0, 0, 0).to_zoned_datetime(jiff::tz::TimeZone::get(ZONES[zone]).unwrap()).unwrap();
    start.checked_add(SignedDuration::from_mins(days * 24 * 60 + minutes)).unwrap()
}

proptest! {
    #[test]
    fn parsers_never_panic_and_round_trip(text in "\\PC{0,60}") {
        if let Ok(name) = ContactName::parse(&text) {
            prop_assert_eq!(ContactName::parse(name.as_str()).unwrap(), name.clone());
            prop_assert!(!name.as_str().is_empty());
        }
        if let Ok(email) = EmailAddress::parse(&text) {
            prop_assert_eq!(EmailAddress::parse(email.as_str()).unwrap(), email.clone());
            prop_assert!(email.as_str().contains('@'));
        }
        if let Ok(phone) = Phone::parse(&text) {
            prop_assert_eq!(Phone::parse(phone.as_str()).unwrap(), phone);
        }
        if let Ok(tag) = Tag::parse(&text) {
            prop_assert_eq!(Tag::parse(tag.as_str()).unwrap(), tag);
        }
        let _ = ZoneName::parse(&text);
    }

    #[test]
    fn email_like_strings_parse_lower_cased(local in "[A-Za-z0-9._+-]{1,20}", domain in "[A-Za-z0-9]{1,10}", tld in "[A-Za-z]{2,6}") {
        let email = EmailAddress::parse(&format!("{local}@{domain}.{tld}")).unwrap();
        prop_assert_eq!(email.as_str(), format!("{local}@{domain}.{tld}").to_lowercase());
    }

    /// The told deadline is never before the aim, and is either the end of a
    /// work day or (for a late short aim) the next working morning.
    #[test]
    fn proposed_deadlines_follow_the_rules(days in 0i64..700, minutes in 0i64..1440, lead in 1i64..(60 * 24 * 90), zone in 0usize..ZONES.len()) {
        let now = zoned(days, minutes, zone);
        let aim = now.checked_add(SignedDuration::from_mins(lead)).unwrap();
        let week = WorkWeek::default();
        let told = propose_told(&aim, &now, &week);
        prop_assert!(told.timestamp() >= aim.timestamp(), "told {told} before aim {aim}");
        prop_assert!(week.is_work_day(told.date()), "told {told} on a day off");
        let morning = Time::constant(11, 0, 0, 0);
        prop_assert!(told.time() == week.end || told.time() == morning, "told {told} at an odd time");
        if told.time() == morning {
            prop_assert!(told.date() > aim.date(), "a morning deadline is on a later day than the aim");
        }
    }

    /// A follow-up is never both today and overdue, and an all-day item
    /// moves from upcoming to today to overdue as the days pass.
    #[test]
    fn agenda_buckets_advance_with_time(days in 0i64..700, minutes in 0i64..1440, offset in -10i64..10, zone in 0usize..ZONES.len()) {
        let now = zoned(days, minutes, zone);
        let zone_name = ZoneName::parse(ZONES[zone]).unwrap();
        let due_date: Date = now.date().checked_add(jiff::Span::new().days(offset)).unwrap();
        let due = Due { date: due_date, time: None, zone: zone_name };
        let expected = match offset {
            ..0 => Bucket::Overdue,
            0 => Bucket::Today,
            _ => Bucket::Upcoming,
        };
        prop_assert_eq!(bucket(&due, &now), expected);
    }

    /// A planned day is inside the gap exactly when it is fewer than `gap`
    /// days from a neighbour, and the next allowed day is outside it.
    #[test]
    fn pacing_gap_is_symmetric_and_next_allowed_is_free(offset in -30i64..30, gap in 0u32..15) {
        let touch = date(2026, 6, 15);
        let planned = touch.checked_add(jiff::Span::new().days(offset)).unwrap();
        let neighbours = [Neighbour { day: touch, what: "last touch".into() }];
        let warning = pacing::check(planned, &neighbours, gap);
        prop_assert_eq!(warning.is_some(), offset.unsigned_abs() < u64::from(gap));
        if let Some(warning) = warning {
            prop_assert!(pacing::check(warning.next_allowed, &neighbours, gap).is_none());
        }
    }
}

//! Keep in touch: a cadence per contact and per tag, the reconnect lines on
//! `today`, the `drifting` list (most overdue first, then this week's), a new
//! touch resetting it, snoozes, and "not now"/"never" left out.

use serde_json::json;
use tickler_test_support::both;

use crate::common::*;

/// Contacts added on 1 August, with cadences; "now" is Tue 24 Nov 2026.
fn people(t: &Tickler) {
    let august = t.at("2026-08-01T09:00:00-04:00");
    august.add("Ann Lee", &["--cadence", "every 30 days"]);
    august.add("Bo Chen", &["--tag", "clients"]);
    august.add("Cy Nash", &["--tag", "clients", "--tag", "friends", "--cadence", "every quarter"]);
    august.add("Di Park", &["--cadence", "every month"]);
    august.add("Ed Ray", &["--cadence", "every week"]);
    t.ok(&["cadence", "clients", "every quarter"]);
    t.ok(&["cadence", "friends", "every 2 weeks"]);
    // Ann: an email in, 47 days ago; Bo: a call 80 days ago; Cy: 10 days ago; Di: 27 days ago.
    t.ok(&["log", "ann", "email", "Re: pricing", "--in", "--at", "2026-10-08 3pm"]);
    t.ok(&["log", "bo", "call", "Quarterly check-in", "--at", "2026-09-05 11am"]);
    t.ok(&["log", "cy", "meeting", "Lunch", "--at", "2026-11-14 1pm"]);
    t.ok(&["log", "di", "call", "Catch-up", "--at", "2026-10-28 10am"]);
    // Ed said "not now": left out whatever his cadence.
    t.ok(&["consent", "ed", "not-now"]);
}

both!(drifting_lists_the_most_overdue_first_then_this_week, |t: &Tickler| {
    people(t);
    let drifting = t.json(&["drifting"]);
    let names = |list: &str| -> Vec<String> {
        drifting[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["contact_name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names("overdue"), ["Ann Lee"], "{drifting:#}");
    assert_eq!(drifting["overdue"][0]["days_since"], 47);
    assert_eq!(drifting["overdue"][0]["days_over"], 17);
    assert_eq!(drifting["overdue"][0]["line"], "Reconnect with Ann Lee: last touch 47 days ago (every 30 days)");
    // Bo (quarterly by his tag) passes it on 4 Dec, Di (monthly) on 28 Nov: soonest first. Cy's own quarter wins.
    assert_eq!(names("soon"), ["Di Park"], "{drifting:#}");
    let later = t.at("2026-12-10T10:00:00-05:00").json(&["drifting"]);
    let overdue: Vec<&str> =
        later["overdue"].as_array().unwrap().iter().map(|i| i["contact_name"].as_str().unwrap()).collect();
    assert_eq!(overdue, ["Ann Lee", "Di Park", "Bo Chen"], "most overdue first: {later:#}");
    assert_eq!(later["overdue"][2]["cadence_from"], "tag:clients");
    assert_eq!(later["overdue"][2]["cadence_text"], "every quarter");
    let text = t.ok(&["drifting"]).stdout;
    assert!(text.contains("Reconnect with Ann Lee: last touch 47 days ago (every 30 days) · 17 days over"), "{text}");
    assert!(text.contains("Passing their cadence in the next 7 days"), "{text}");
});

both!(today_shows_the_reconnect_line_and_a_new_touch_resets_it, |t: &Tickler| {
    people(t);
    let agenda = t.agenda(&[]);
    assert_eq!(agenda["reconnect"].as_array().unwrap().len(), 1, "{agenda:#}");
    let text = t.ok(&["today"]).stdout;
    assert!(text.contains("Reconnect\n"), "{text}");
    assert!(text.contains("Reconnect with Ann Lee: last touch 47 days ago (every 30 days)"), "{text}");
    // Any touch resets it; a synced or logged email the same.
    t.ok(&["log", "ann", "text", "Sent a photo of the fair"]);
    assert_eq!(t.agenda(&[])["reconnect"], json!([]), "the touch reset Ann's cadence");
    assert!(!t.ok(&["today"]).stdout.contains("Reconnect with"));
});

both!(a_reconnect_reminder_can_be_snoozed_and_never_contacts_are_left_out, |t: &Tickler| {
    people(t);
    let snoozed = t.json(&["reconnect", "ann", "--snooze", "in 2 weeks"]);
    assert_eq!(snoozed["snoozed_until"], "2026-12-08T05:00:00Z");
    assert_eq!(t.json(&["drifting"])["overdue"], json!([]));
    let back = t.at("2026-12-08T09:00:00-05:00").json(&["drifting"]);
    assert_eq!(back["overdue"][0]["contact_name"], "Ann Lee", "back after the snooze: {back:#}");
    t.ok(&["consent", "ann", "never", "--reason", "asked to stop"]);
    assert_eq!(t.at("2026-12-08T09:00:00-05:00").json(&["drifting"])["overdue"].as_array().unwrap().len(), 2);
    let overdue = t.at("2026-12-08T09:00:00-05:00").json(&["drifting"])["overdue"].clone();
    assert!(overdue.as_array().unwrap().iter().all(|item| item["contact_name"] != "Ann Lee"), "{overdue:#}");
});

both!(cadences_are_read_as_people_write_them_and_bad_ones_named, |t: &Tickler| {
    t.add("Ann Lee", &["--cadence", "quarterly"]);
    assert_eq!(t.json(&["show", "ann"])["contact"]["cadence"], "3 months");
    assert!(t.ok(&["show", "ann"]).stdout.contains("cadence      every quarter"));
    t.rejects(&["edit", "ann", "--cadence", "every 2 hours"], 2, &["cadence", "shorter than a day"]);
    t.rejects(&["add", "Bo", "--cadence", "sometimes"], 2, &["cadence", "every 30 days"]);
    t.rejects(&["cadence", "clients", "whenever"], 2, &["cadence"]);
    t.rejects(&["cadence", "not a tag!", "every month"], 2, &["tag"]);
    t.rejects(&["cadence", "clients"], 2, &["--clear"]);
    t.rejects(&["reconnect", "ann", "--snooze", "last week"], 2, &["when"]);
    let set = t.json(&["cadence", "Clients", "every 6 weeks"]);
    assert_eq!((set["tag"].as_str(), set["cadence"].as_str()), (Some("clients"), Some("6 weeks")));
    assert_eq!(t.json(&["cadence"]).as_array().unwrap().len(), 1);
    t.ok(&["cadence", "clients", "--clear"]);
    assert_eq!(t.json(&["cadence"]), json!([]));
    t.ok(&["edit", "ann", "--clear", "cadence"]);
    assert_eq!(t.json(&["show", "ann"])["contact"]["cadence"], json!(null));
});

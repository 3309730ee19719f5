//! Pacing: a minimum gap between touches of one contact. Scheduling inside it
//! is refused without --force; with --force it warns and the agenda marks it.

use serde_json::json;
use tickler_test_support::both;

use crate::common::*;

/// Ann, touched this morning, under an account gap of `days` days.
fn touched_today(t: &Tickler, days: &str) {
    t.ok(&["settings", "--pacing", days]);
    t.add("Ann Lee", &[]);
    t.ok(&["log", "ann", "call", "Discussed pricing"]);
}

both!(a_follow_up_inside_the_gap_is_refused_without_force, |t: &Tickler| {
    touched_today(t, "2");
    let error = t.rejects(&["follow", "ann", "tomorrow", "--via", "call"], 1, &["pacing", "2-day", "--force"]);
    assert!(error.contains("2026-11-26"), "the message says when the next touch is allowed: {error}");
    t.rejects(&["follow", "ann", "tomorrow 3pm"], 1, &["pacing"]);
    // The first day outside the gap is fine.
    let outside = t.json(&["follow", "ann", "in 2 days"]);
    assert_eq!(outside["pacing"], json!(null));
});

both!(force_schedules_inside_the_gap_with_a_warning_and_today_marks_it, |t: &Tickler| {
    touched_today(t, "2");
    let output = t.ok(&["follow", "ann", "tomorrow", "--via", "call", "--force"]);
    assert!(output.stdout.contains("pacing") && output.stdout.contains("--force"), "{output:?}");
    let forced = t.json(&["follow", "ann", "tomorrow 3pm", "--force"]);
    assert_eq!(forced["pacing"]["gap_days"], 2, "the JSON carries the warning: {forced}");
    assert_eq!(forced["follow_up"]["state"], "open");

    let agenda = t.agenda(&[]);
    let upcoming = agenda["upcoming"].as_array().unwrap();
    assert_eq!(upcoming.len(), 2);
    for item in upcoming {
        let warning = item["pacing"].as_str().unwrap_or_else(|| panic!("the item is marked: {item}"));
        assert!(warning.contains("pacing gap") && warning.contains("2026-11-26"), "{warning}");
    }
    let text = t.ok(&["today"]).stdout;
    assert!(text.contains("! inside the 2-day pacing gap"), "{text}");
});

both!(the_gap_follows_the_settings_and_the_contact, |t: &Tickler| {
    touched_today(t, "1");
    t.json(&["follow", "ann", "tomorrow"]);
    let item = &t.agenda(&[])["upcoming"][0];
    assert_eq!(item["pacing"], json!(null), "a 1-day gap allows tomorrow: {item}");

    // A per-contact gap overrides the account's.
    t.add("Dan Brown", &["--pacing", "5"]);
    t.ok(&["log", "dan", "email", "Sent the deck"]);
    t.rejects(&["follow", "dan", "in 4 days"], 1, &["5-day pacing gap"]);
    let outside = t.json(&["follow", "dan", "in 5 days"]);
    assert_eq!(outside["follow_up"]["due"]["date"], "2026-11-29");
});

both!(a_follow_up_they_asked_for_is_scheduled_inside_the_gap_and_recorded, |t: &Tickler| {
    touched_today(t, "2");
    let refused = t.rejects(&["follow", "ann", "tomorrow", "--via", "call"], 1, &["pacing"]);
    assert!(refused.contains("--agreed"), "the refusal offers the way to say they asked: {refused}");
    let asked =
        t.json(&["follow", "ann", "tomorrow", "--via", "call", "--agreed", "--note", "she said call me tomorrow"]);
    assert_eq!(asked["follow_up"]["agreed"], json!(true), "recorded on the follow-up: {asked}");
    assert_eq!(asked["pacing"], json!(null), "no gap applies to what the contact asked for");
    let item = &t.agenda(&[])["upcoming"][0];
    assert_eq!(item["follow_up"]["agreed"], json!(true), "{item}");
    assert_eq!(item["pacing"], json!(null), "the agenda does not mark it as too soon: {item}");
    assert!(t.ok(&["today"]).stdout.contains("Ann Lee"));
    assert!(t.ok(&["follow", "ann", "tomorrow 4pm", "--agreed"]).stdout.contains("(they asked for it)"));
});

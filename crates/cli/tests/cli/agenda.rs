//! Follow-ups and the daily agenda: `follow`, `today`, `done`, `snooze`, `skip`.

use serde_json::{Value, json};
use tickler_test_support::both;

use crate::common::*;

/// The default "now" is Tuesday 24 November 2026, 10:00 in New York; this is the Friday before.
const LAST_FRIDAY: &str = "2026-11-20T10:00:00-05:00";

fn follow(t: &Tickler, args: &[&str]) -> Value {
    let mut full = vec!["follow"];
    full.extend_from_slice(args);
    t.json(&full)["follow_up"].clone()
}

both!(follow_takes_a_day_or_a_time, |t: &Tickler| {
    let ann = t.add("Ann Lee", &[]);
    t.add("Dan Brown", &["--channel", "text"]);
    let day = follow(t, &["ann", "next tuesday", "--via", "call", "--note", "send the proposal"]);
    assert_eq!(day["contact_id"], ann);
    assert_eq!(day["due"], json!({ "date": "2026-12-01", "time": null, "zone": "America/New_York" }));
    assert_eq!(day["channel"], "call");
    assert_eq!(day["purpose"], "send the proposal");
    assert_eq!(day["origin"], "manual");
    assert_eq!(day["state"], "open");

    let time = follow(t, &["dan", "tomorrow 3pm"]);
    assert_eq!(time["due"], json!({ "date": "2026-11-25", "time": "15:00:00", "zone": "America/New_York" }));
    assert_eq!(time["channel"], "text", "without --via, the contact's preferred channel");
    let other = follow(t, &["ann", "in 3 months"]);
    assert_eq!(other["channel"], "email", "without --via or a preference, email");
    assert_eq!(other["due"]["date"], "2027-02-24");

    let text = t.ok(&["follow", "dan", "friday", "--force"]).stdout;
    assert!(text.contains("Dan Brown") && text.contains("2026-11-27"), "{text}");
});

both!(today_shows_overdue_today_and_the_next_days, |t: &Tickler| {
    t.add("Ann Lee", &[]);
    t.add("Dan Brown", &[]);
    t.add("Eve Stone", &[]);
    let overdue =
        id(&follow(&t.at(LAST_FRIDAY), &["dan", "tomorrow", "--via", "call", "--note", "ask about the pilot"]));
    let due_today = id(&follow(t, &["eve", "today"]));
    let tomorrow = id(&follow(t, &["ann", "tomorrow 3pm", "--note", "call about the quote"]));
    let next_week = id(&follow(t, &["ann", "next tuesday", "--via", "call"]));
    let far = id(&follow(t, &["eve", "in 3 months"]));
    t.ok(&["log", "ann", "call", "Discussed pricing", "--at", "yesterday 3pm"]);

    let agenda = t.agenda(&[]);
    assert_eq!(section_ids(&agenda, "overdue"), [overdue]);
    assert_eq!(agenda["overdue"][0]["late"], "3 days");
    assert_eq!(agenda["overdue"][0]["contact_name"], "Dan Brown");
    assert_eq!(section_ids(&agenda, "today"), [due_today]);
    assert_eq!(section_ids(&agenda, "upcoming"), [tomorrow, next_week], "soonest first, not {far}");
    assert_eq!(agenda["upcoming"][0]["last_touch_summary"], "Discussed pricing");

    let text = t.ok(&["today"]).stdout;
    let overdue_at = text.find("Overdue").expect("an Overdue section");
    let today_at = text.find("\nToday").expect("a Today section");
    let next_at = text.find("Next 7 days").expect("a Next 7 days section");
    assert!(overdue_at < today_at && today_at < next_at, "overdue first, then today, then the next days:\n{text}");
    assert!(text.contains("3 days late — ask about the pilot"), "{text}");
    assert!(text.contains(&format!("#{tomorrow}")) && text.contains("call about the quote"), "{text}");
    assert!(
        text.contains("last: call") && text.contains("Discussed pricing"),
        "each line shows the last touch:\n{text}"
    );
    assert!(!text.contains(&format!("#{far} ")), "three months out is beyond the window:\n{text}");

    let narrow = t.agenda(&["--days", "1"]);
    assert_eq!(section_ids(&narrow, "overdue"), [overdue]);
    assert_eq!(section_ids(&narrow, "today"), [due_today]);
    assert_eq!(section_ids(&narrow, "upcoming"), [tomorrow], "--days 1 drops next week");
    assert!(t.ok(&["today", "--days", "1"]).stdout.contains("Next 1 day"));

    // A follow-up at a time later today is today's, and overdue once that time passes.
    let afternoon = id(&follow(t, &["dan", "today 4pm", "--force"]));
    assert!(section_ids(&t.agenda(&[]), "today").contains(&afternoon));
    let evening = t.at("2026-11-24T18:00:00-05:00").agenda(&[]);
    assert!(section_ids(&evening, "overdue").contains(&afternoon), "{evening}");
});

both!(done_completes_and_logs_the_touch, |t: &Tickler| {
    t.add("Ann Lee", &[]);
    let call = id(&follow(t, &["ann", "today", "--via", "call", "--note", "check the delivery"]));
    let later = t.at("2026-11-24T11:30:00-05:00");
    let done = later.json(&["done", &call.to_string(), "--log", "left a voicemail", "--outcome", "voicemail"]);
    assert_eq!(done["follow_up"]["state"], "done");
    assert_eq!(done["follow_up"]["closed_at"], "2026-11-24T16:30:00Z");
    let touch = &done["touch"]["touch"];
    assert_eq!(touch["summary"], "left a voicemail");
    assert_eq!(touch["outcome"], "voicemail");
    assert_eq!(touch["channel"], "call", "the touch takes the follow-up's channel");
    assert_eq!(touch["at"], "2026-11-24T16:30:00Z");

    let timeline = later.timeline("ann");
    // An all-day follow-up sits at the start of its day, before the touch that completed it.
    assert_eq!(kinds(&timeline), ["touch", "follow-up"]);
    assert_eq!(timeline[0]["summary"], "left a voicemail");
    assert_eq!(timeline[1]["state"], "done");
    assert!(section_ids(&later.agenda(&[]), "today").is_empty(), "done items leave the agenda");

    let again = later.run(&["done", &call.to_string(), "--log", "again"]).failure(1).error_line();
    assert!(again.contains("already done"), "{again}");
    assert_eq!(later.timeline("ann").len(), 2, "the refused done logged nothing");

    // Done without --log records no touch.
    let quiet = id(&follow(t, &["ann", "next tuesday"]));
    let done = t.json(&["done", &quiet.to_string()]);
    assert_eq!(done["touch"], json!(null));
    assert_eq!(t.timeline("ann").iter().filter(|e| e["kind"] == "touch").count(), 1);
});

both!(snooze_moves_a_follow_up_and_counts_snoozes, |t: &Tickler| {
    t.add("Ann Lee", &[]);
    let call = id(&follow(t, &["ann", "today", "--via", "call"]));
    let snoozed = t.json(&["snooze", &call.to_string(), "in 2 days"])["follow_up"].clone();
    assert_eq!(snoozed["due"]["date"], "2026-11-26");
    assert_eq!(snoozed["snoozes"], 1);
    assert_eq!(snoozed["state"], "open");
    let agenda = t.agenda(&[]);
    assert!(section_ids(&agenda, "today").is_empty());
    assert_eq!(section_ids(&agenda, "upcoming"), [call]);

    let text = t.ok(&["snooze", &call.to_string(), "friday"]).stdout;
    assert!(text.contains("2026-11-27") && text.contains("2 snoozes"), "{text}");
    let timed = t.json(&["snooze", &call.to_string(), "tomorrow 3pm"])["follow_up"].clone();
    assert_eq!(timed["due"], json!({ "date": "2026-11-25", "time": "15:00:00", "zone": "America/New_York" }));
    assert_eq!(timed["snoozes"], 3);
    assert_eq!(t.json(&["show", "ann"])["open_follow_ups"][0]["snoozes"], 3);

    // Snoozing into the pacing gap is the user's choice; it is allowed and noted.
    t.ok(&["log", "ann", "call", "Spoke briefly"]);
    let text = t.ok(&["snooze", &call.to_string(), "tomorrow"]).stdout;
    assert!(text.contains("Note: inside the 2-day pacing gap"), "{text}");
});

both!(skip_closes_a_follow_up_without_a_touch, |t: &Tickler| {
    t.add("Ann Lee", &[]);
    let call = id(&follow(t, &["ann", "today", "--via", "call"]));
    let skipped = t.json(&["skip", &call.to_string()]);
    assert_eq!(skipped["state"], "skipped");
    assert!(section_ids(&t.agenda(&[]), "today").is_empty());
    assert_eq!(kinds(&t.timeline("ann")), ["follow-up"]);
    t.rejects(&["skip", &call.to_string()], 1, &["already skipped"]);
    t.rejects(&["done", &call.to_string()], 1, &["already skipped"]);
    t.rejects(&["snooze", &call.to_string(), "friday"], 1, &["skipped"]);
});

both!(email_shows_a_follow_ups_draft_and_sends_it_through_tickler, |t: &Tickler| {
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    t.add("Bo Brown", &[]);
    let ann = t.json(&["follow", "ann", "today 3pm", "--via", "email", "--note", "send the proposal"]);
    let ann = ann["follow_up"]["id"].as_i64().unwrap().to_string();
    let bo = t.json(&["follow", "bo", "today 4pm", "--via", "email"]);
    let bo = bo["follow_up"]["id"].as_i64().unwrap().to_string();

    let draft = t.json(&["email", &ann]);
    assert_eq!(draft["to"], "ann@acme.com");
    assert_eq!(draft["subject"], "Following up: Send the proposal");
    assert!(draft["body"].as_str().unwrap().starts_with("Hi Ann,"), "{draft}");
    let text = t.ok(&["email", &ann]).stdout;
    assert!(text.contains(&format!("send it: tickler email {ann} --send")) && text.contains("| Hi Ann,"), "{text}");
    t.rejects(&["email", &bo], 1, &["Bo Brown has no email address"]);
    t.rejects(&["email", &bo, "--send"], 2, &["send", "no email address"]);
    t.rejects(&["email", &ann, "--send", "--subject", "two\nlines"], 2, &["subject", "one line"]);
    let without_send = t.run(&["email", &ann, "--subject", "x"]).failure(2);
    assert!(without_send.stderr.contains("--send"), "{without_send:?}");

    let sent = t.json(&["email", &ann, "--send", "--subject", "The proposal"]);
    assert_eq!(sent["sent_to"], "ann@acme.com");
    assert_eq!(sent["follow_up"]["state"], "done");
    assert_eq!(sent["touch"]["touch"]["channel"], "email");
    let timeline = t.timeline("ann");
    assert!(timeline.iter().any(|entry| entry.to_string().contains("Emailed: The proposal")), "{timeline:?}");
    t.rejects(&["email", &ann, "--send"], 1, &["already done"]);
});

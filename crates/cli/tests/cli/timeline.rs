//! `log` records touches; `timeline` shows everything about a contact, newest first.

use serde_json::json;
use tickler_test_support::both;

use crate::common::*;

both!(log_records_a_touch_at_a_natural_time_with_its_outcome, |t: &Tickler| {
    let ann = t.add("Ann Lee", &[]);
    let logged = t.json(&[
        "log",
        "ann",
        "call",
        "Discussed pricing; wants a proposal",
        "--at",
        "yesterday 3pm",
        "--outcome",
        "interested",
    ]);
    let touch = &logged["touch"];
    assert_eq!(touch["contact_id"], ann);
    assert_eq!(touch["at"], "2026-11-23T20:00:00Z", "yesterday 3pm in New York");
    assert_eq!(touch["channel"], "call");
    assert_eq!(touch["direction"], "out");
    assert_eq!(touch["summary"], "Discussed pricing; wants a proposal");
    assert_eq!(touch["outcome"], "interested");
    assert_eq!(logged["consent"], json!(null), "interested leaves consent alone");

    let text = t.ok(&["log", "ann", "email", "Sent the deck"]).stdout;
    assert!(text.contains("Ann Lee") && text.contains("2026-11-24 10:00"), "without --at a touch is now:\n{text}");
    let shown = t.json(&["show", "ann"]);
    assert_eq!(shown["last_touch"]["summary"], "Sent the deck");
});

both!(an_inbound_touch_is_recorded_as_in, |t: &Tickler| {
    t.add("Ann Lee", &[]);
    let logged = t.json(&["log", "ann", "email", "She wrote back about the quote", "--in", "--outcome", "replied"]);
    assert_eq!(logged["touch"]["direction"], "in");
    assert_eq!(logged["touch"]["outcome"], "replied");
    assert_eq!(t.timeline("ann")[0]["direction"], "in");
    let text = t.ok(&["timeline", "ann"]).stdout;
    assert!(text.contains("received email"), "{text}");
});

both!(a_touch_in_the_future_is_refused, |t: &Tickler| {
    t.add("Ann Lee", &[]);
    t.rejects(&["log", "ann", "call", "Will call", "--at", "tomorrow"], 2, &["at", "\"tomorrow\"", "future"]);
    t.rejects(&["log", "ann", "call", "Will call", "--at", "in 1 hour"], 2, &["at", "future"]);
    assert!(t.timeline("ann").is_empty());
});

both!(timeline_lists_everything_newest_first, |t: &Tickler| {
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    let monday = t.at("2026-11-16T09:00:00-05:00");
    monday.ok(&["consent", "ann", "active", "--reason", "opted in at the expo"]);
    t.ok(&["log", "ann", "call", "Discussed pricing", "--at", "yesterday 3pm", "--outcome", "interested"]);
    t.ok(&["log", "ann", "email", "Asked for the proposal", "--in"]);
    t.ok(&["follow", "ann", "next tuesday", "--via", "call", "--note", "send the proposal"]);
    t.ok(&["promise", "ann", "send revised quote", "--aim", "friday"]);

    let timeline = t.timeline("ann");
    assert_eq!(kinds(&timeline), ["follow-up", "promise", "touch", "touch", "consent"]);
    let follow_up = &timeline[0];
    assert_eq!(follow_up["due"]["date"], "2026-12-01");
    assert_eq!(follow_up["purpose"], "send the proposal");
    assert_eq!(follow_up["state"], "open");
    assert_eq!(timeline[1]["what"], "send revised quote");
    assert_eq!(timeline[2]["summary"], "Asked for the proposal");
    assert_eq!(timeline[3]["summary"], "Discussed pricing");
    assert_eq!(timeline[4]["state"], "active");
    assert_eq!(timeline[4]["reason"], "opted in at the expo");
    assert_eq!(timeline[4]["at"], "2026-11-16T14:00:00Z");

    let text = t.ok(&["timeline", "ann"]).stdout;
    let order: Vec<usize> =
        ["send the proposal", "send revised quote", "Asked for the proposal", "Discussed pricing", "opted in"]
            .iter()
            .map(|needle| text.find(needle).unwrap_or_else(|| panic!("timeline shows {needle:?}:\n{text}")))
            .collect();
    assert!(order.windows(2).all(|pair| pair[0] < pair[1]), "text timeline is newest first:\n{text}");
});

both!(changes_made_in_the_same_second_are_newest_first, |t: &Tickler| {
    t.add("Ann Lee", &[]);
    t.ok(&["consent", "ann", "not-now", "--reason", "busy"]);
    t.ok(&["consent", "ann", "active", "--reason", "called back"]);
    let consent: Vec<_> = t.timeline("ann").into_iter().filter(|e| e["kind"] == "consent").collect();
    let reasons: Vec<_> = consent.iter().map(|e| e["reason"].as_str().unwrap()).collect();
    assert_eq!(reasons, ["called back", "busy"]);
});

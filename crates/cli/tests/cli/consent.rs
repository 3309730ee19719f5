//! Consent: "never" means never; "not now" means nurture and re-ask later.

use serde_json::{Value, json};
use tickler_test_support::both;

use crate::common::*;

fn open_follow_ups(t: &Tickler, contact: &str) -> Vec<Value> {
    t.timeline(contact).into_iter().filter(|e| e["kind"] == "follow-up" && e["state"] == "open").collect()
}

both!(never_cancels_everything_open_and_refuses_anything_new, |t: &Tickler| {
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    t.add("Dan Brown", &[]);
    t.ok(&["follow", "ann", "next tuesday", "--via", "call", "--note", "send the proposal"]);
    t.ok(&["follow", "ann", "tomorrow 3pm", "--force"]);
    t.ok(&["promise", "ann", "send revised quote", "--aim", "in 1 hour"]);
    t.ok(&["follow", "dan", "friday"]);
    assert_eq!(t.agenda(&[])["upcoming"].as_array().unwrap().len(), 3);

    let change = t.json(&["consent", "ann", "never", "--reason", "asked not to be contacted"]);
    assert_eq!(change["state"], "never");
    assert_eq!(change["reason"], "asked not to be contacted");
    assert_eq!(change["at"], "2026-11-24T15:00:00Z");

    let timeline = t.timeline("ann");
    let states = |kind: &str| -> Vec<&str> {
        timeline.iter().filter(|e| e["kind"] == kind).map(|e| e["state"].as_str().unwrap()).collect()
    };
    assert_eq!(states("follow-up"), ["cancelled", "cancelled"]);
    assert_eq!(states("promise"), ["cancelled"]);
    assert_eq!(timeline[0]["kind"], "follow-up", "{timeline:?}");
    let consent = timeline.iter().find(|e| e["kind"] == "consent").expect("the change is on the timeline");
    assert_eq!(consent["reason"], "asked not to be contacted");

    let agenda = t.agenda(&[]);
    assert_eq!(agenda["upcoming"].as_array().unwrap().len(), 1, "only Dan's follow-up is left: {agenda}");
    assert_eq!(agenda["upcoming"][0]["contact_name"], "Dan Brown");
    assert_eq!(t.json(&["promises"]), json!([]));

    let refused = t.rejects(&["follow", "ann", "friday", "--via", "call"], 1, &["Ann Lee", "do-not-contact"]);
    assert!(refused.contains("nothing may be scheduled"), "{refused}");
    t.rejects(&["follow", "ann", "friday", "--force"], 1, &["do-not-contact"]);
    t.rejects(&["promise", "ann", "a call back", "--aim", "in 2 hours"], 1, &["do-not-contact"]);
    assert_eq!(t.json(&["show", "ann"])["contact"]["consent"]["state"], "never");
    let listed = t.ok(&["contacts", "--consent", "never"]).stdout;
    assert!(listed.contains("Ann Lee") && !listed.contains("Dan Brown"), "{listed}");
});

both!(a_touch_with_outcome_never_sets_do_not_contact, |t: &Tickler| {
    t.add("Ann Lee", &[]);
    t.ok(&["follow", "ann", "next tuesday"]);
    let logged = t.json(&["log", "ann", "call", "Please stop calling me", "--outcome", "never"]);
    assert_eq!(logged["consent"]["state"], "never");
    assert!(open_follow_ups(t, "ann").is_empty());
    t.rejects(&["follow", "ann", "friday"], 1, &["do-not-contact"]);
});

both!(a_later_touch_does_not_lift_never, |t: &Tickler| {
    t.add("Ann Lee", &[]);
    t.ok(&["consent", "ann", "never", "--reason", "asked not to be contacted"]);
    // Recording what happened is allowed; re-opening the contact is not.
    let logged = t.json(&["log", "ann", "call", "She called to say not now", "--in", "--outcome", "not-now"]);
    assert_eq!(logged["touch"]["outcome"], "not-now");
    assert_eq!(logged["consent"], json!(null), "a touch does not change do-not-contact");
    assert_eq!(t.json(&["show", "ann"])["contact"]["consent"]["state"], "never");
    assert!(open_follow_ups(t, "ann").is_empty(), "no re-ask is scheduled for a do-not-contact contact");
    t.rejects(&["follow", "ann", "friday"], 1, &["do-not-contact"]);
});

both!(a_not_now_touch_schedules_a_re_ask_and_refuses_ordinary_follow_ups, |t: &Tickler| {
    t.add("Ann Lee", &[]);
    t.ok(&["follow", "ann", "next tuesday", "--via", "call"]);
    let logged = t.json(&["log", "ann", "call", "Budget frozen until spring", "--outcome", "not-now"]);
    assert_eq!(logged["consent"]["state"], "not-now");
    assert_eq!(logged["consent"]["until"], "2027-02-24", "three months out by default");
    assert_eq!(t.json(&["show", "ann"])["contact"]["consent"], json!({ "state": "not-now", "until": "2027-02-24" }));

    let open = open_follow_ups(t, "ann");
    assert_eq!(open.len(), 1, "the manual follow-up is cancelled, the re-ask remains: {open:?}");
    assert_eq!(open[0]["origin"], "re-ask");
    assert_eq!(open[0]["due"]["date"], "2027-02-24");
    let cancelled: Vec<_> = t.timeline("ann").into_iter().filter(|e| e["state"] == "cancelled").collect();
    assert_eq!(cancelled.len(), 1);
    assert_eq!(cancelled[0]["due"]["date"], "2026-12-01");

    let refused = t.rejects(&["follow", "ann", "friday", "--via", "call"], 1, &["Ann Lee", "not now", "2027-02-24"]);
    assert!(refused.contains("active"), "the message says how to follow up sooner: {refused}");

    // The re-ask shows on the agenda when its day comes.
    let agenda = t.at("2027-02-24T09:00:00-05:00").agenda(&[]);
    assert_eq!(agenda["today"][0]["follow_up"]["origin"], "re-ask", "{agenda}");
});

both!(consent_not_now_until_schedules_the_re_ask_that_day, |t: &Tickler| {
    t.add("Ann Lee", &[]);
    let change = t.json(&["consent", "ann", "not-now", "--until", "in 2 weeks", "--reason", "budget freeze"]);
    assert_eq!(change["state"], "not-now");
    assert_eq!(change["until"], "2026-12-08");
    assert_eq!(change["reason"], "budget freeze");
    let open = open_follow_ups(t, "ann");
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["origin"], "re-ask");
    assert_eq!(open[0]["due"], json!({ "date": "2026-12-08", "time": null, "zone": "America/New_York" }));
    assert!(open[0]["purpose"].as_str().unwrap().contains("budget freeze"));

    let timeline = t.timeline("ann");
    let consent: Vec<_> = timeline.iter().filter(|e| e["kind"] == "consent").collect();
    assert_eq!(consent.len(), 1);
    assert_eq!(consent[0]["until"], "2026-12-08");
    assert_eq!(consent[0]["at"], "2026-11-24T15:00:00Z");
    let text = t.ok(&["timeline", "ann"]).stdout;
    assert!(text.contains("not-now until 2026-12-08: budget freeze"), "{text}");

    t.rejects(&["consent", "ann", "not-now", "--until", "yesterday"], 2, &["until", "future"]);
    t.rejects(&["consent", "ann", "never", "--until", "in 2 weeks"], 2, &["until"]);
});

both!(active_again_allows_follow_ups, |t: &Tickler| {
    t.add("Ann Lee", &[]);
    t.ok(&["consent", "ann", "not-now", "--reason", "busy"]);
    t.run(&["follow", "ann", "friday"]).failure(1);
    let later = t.at("2026-11-25T10:00:00-05:00");
    later.ok(&["consent", "ann", "active", "--reason", "called back early"]);
    let scheduled = later.json(&["follow", "ann", "friday", "--via", "call"]);
    assert_eq!(scheduled["follow_up"]["due"]["date"], "2026-11-27");
    let reasons: Vec<_> = later
        .timeline("ann")
        .into_iter()
        .filter(|e| e["kind"] == "consent")
        .map(|e| e["reason"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(reasons, ["called back early", "busy"]);
});

both!(done_with_a_not_now_outcome_schedules_the_re_ask, |t: &Tickler| {
    t.add("Ann Lee", &[]);
    t.add("Dan Brown", &[]);
    let ann = id(&t.json(&["follow", "ann", "tomorrow", "--via", "call"])["follow_up"]);
    let done =
        t.json(&["done", &ann.to_string(), "--log", "Call me in spring", "--outcome", "not-now", "--until", "march 1"]);
    assert_eq!(done["touch"]["consent"]["until"], "2027-03-01");
    let open = open_follow_ups(t, "ann");
    assert_eq!(open.len(), 1);
    assert_eq!((open[0]["origin"].as_str(), open[0]["due"]["date"].as_str()), (Some("re-ask"), Some("2027-03-01")));

    let dan = id(&t.json(&["follow", "dan", "tomorrow"])["follow_up"]);
    let done = t.json(&["done", &dan.to_string(), "--outcome", "not-now"]);
    assert_eq!(done["touch"]["consent"]["until"], "2027-02-24", "three months out by default");

    // --until without a not-now outcome means nothing, so it is refused.
    t.add("Eve Stone", &[]);
    let eve = id(&t.json(&["follow", "eve", "tomorrow"])["follow_up"]);
    t.rejects(&["done", &eve.to_string(), "--outcome", "replied", "--until", "march 1"], 2, &["until", "not-now"]);
    t.rejects(&["log", "eve", "call", "hi", "--until", "march 1"], 2, &["until", "not-now"]);
});

//! Promises: the internal aim and the deadline told to the contact, time left,
//! at risk on the agenda once the aim passes, and kept or late when closed.

use serde_json::json;
use tickler_test_support::both;

use crate::common::*;

both!(an_aim_within_the_working_day_is_told_as_its_end, |t: &Tickler| {
    t.add("Ann Lee", &[]);
    let text = t.ok(&["promise", "ann", "send revised quote", "--aim", "in 1 hour"]).stdout;
    assert!(text.contains("aim for   Tue 2026-11-24 11:00"), "{text}");
    assert!(text.contains("tell them Tue 2026-11-24 17:00"), "{text}");

    let promise = t.json(&["promise", "ann", "call back about terms", "--aim", "in 1 hour"]);
    assert_eq!(promise["what"], "call back about terms");
    assert_eq!(promise["aim"], "2026-11-24T16:00:00Z");
    assert_eq!(promise["told"], "2026-11-24T22:00:00Z");
    assert_eq!(promise["state"], "open");
});

both!(an_aim_late_in_the_day_is_told_as_the_next_working_morning, |t: &Tickler| {
    t.add("Ann Lee", &[]);
    let late = t.at("2026-11-24T16:30:00-05:00");
    let promise = late.json(&["promise", "ann", "send revised quote", "--aim", "in 1 hour"]);
    assert_eq!(promise["aim"], "2026-11-24T22:30:00Z");
    assert_eq!(promise["told"], "2026-11-25T16:00:00Z", "Wednesday 11:00, two hours into the working day");
    let text = late.ok(&["promise", "ann", "another", "--aim", "in 1 hour"]).stdout;
    assert!(text.contains("tell them Wed 2026-11-25 11:00"), "{text}");

    // On a Friday evening the next working morning is Monday.
    let friday = t.at("2026-11-27T18:00:00-05:00");
    let promise = friday.json(&["promise", "ann", "weekend one", "--aim", "in 1 hour"]);
    assert_eq!(promise["told"], "2026-11-30T16:00:00Z");
});

both!(a_told_deadline_can_be_given, |t: &Tickler| {
    t.add("Ann Lee", &[]);
    let promise = t.json(&["promise", "ann", "the contract", "--aim", "tomorrow 3pm", "--told", "friday"]);
    assert_eq!(promise["aim"], "2026-11-25T20:00:00Z");
    assert_eq!(promise["told"], "2026-11-27T22:00:00Z", "a day means its end of working day");
    t.rejects(&["promise", "ann", "the past", "--told", "yesterday 3pm"], 2, &["told", "past"]);
    t.rejects(&["promise", "ann", "no dates"], 2, &["aim", "--told"]);
});

both!(promises_lists_open_ones_with_time_left, |t: &Tickler| {
    t.add("Ann Lee", &[]);
    t.add("Dan Brown", &[]);
    t.ok(&["promise", "ann", "send revised quote", "--aim", "in 1 hour"]);
    // Aim Friday 17:00, three days out: a quarter of the lead as slack rolls the told deadline to Monday.
    t.ok(&["promise", "dan", "intro to the printer", "--aim", "friday"]);
    let text = t.ok(&["promises"]).stdout;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].contains("Ann Lee: send revised quote") && lines[0].contains("due in 7 hours"), "{text}");
    assert!(lines[1].contains("Dan Brown: intro to the printer") && lines[1].contains("due in 6 days"), "{text}");
    assert!(!text.contains("AT RISK"), "{text}");

    let listed = array(t.json(&["promises"]));
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["contact_name"], "Ann Lee");
    assert_eq!(listed[0]["at_risk"], false);
    // Flattened, as the API lists them: the promise's fields beside whom it is to.
    assert_eq!(listed[0]["told"], "2026-11-24T22:00:00Z");
});

both!(a_promise_past_its_aim_is_at_risk_on_the_agenda, |t: &Tickler| {
    t.add("Ann Lee", &[]);
    let promise = id(&t.json(&["promise", "ann", "send revised quote", "--aim", "in 1 hour"]));
    assert_eq!(t.agenda(&[])["promises_at_risk"], json!([]));

    let after_aim = t.at("2026-11-24T11:30:00-05:00");
    let agenda = after_aim.agenda(&[]);
    let at_risk = agenda["promises_at_risk"].as_array().unwrap();
    assert_eq!(at_risk.len(), 1, "{agenda}");
    assert_eq!(at_risk[0]["id"], promise);
    assert_eq!(at_risk[0]["contact_name"], "Ann Lee");
    let text = after_aim.ok(&["today"]).stdout;
    assert!(
        text.contains("Promises at risk") && text.contains("send revised quote") && text.contains("AT RISK"),
        "{text}"
    );
    assert_eq!(array(after_aim.json(&["promises"]))[0]["at_risk"], true);
    let past_told = t.at("2026-11-24T18:00:00-05:00").ok(&["promises"]).stdout;
    assert!(past_told.contains("deadline passed"), "{past_told}");

    let kept = after_aim.json(&["kept", &promise.to_string()]);
    assert_eq!(kept["state"], "kept", "kept before the told deadline");
    assert_eq!(kept["closed_at"], "2026-11-24T16:30:00Z");
    assert_eq!(after_aim.agenda(&[])["promises_at_risk"], json!([]));
    assert_eq!(after_aim.json(&["promises"]), json!([]));
    let again = after_aim.run(&["kept", &promise.to_string()]).failure(1).error_line();
    assert!(again.contains("already kept"), "{again}");
});

both!(a_promise_fulfilled_after_the_told_deadline_is_late, |t: &Tickler| {
    t.add("Ann Lee", &[]);
    let promise = id(&t.json(&["promise", "ann", "send revised quote", "--aim", "in 1 hour"]));
    let evening = t.at("2026-11-24T18:00:00-05:00");
    let closed = evening.json(&["kept", &promise.to_string()]);
    assert_eq!(closed["state"], "late");
    let timeline = evening.timeline("ann");
    assert_eq!(timeline[0]["kind"], "promise");
    assert_eq!(timeline[0]["state"], "late");
});

both!(a_promise_at_risk_carries_its_running_late_draft_and_late_tells_it, |t: &Tickler| {
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    let promise = t.json(&["promise", "ann", "send the quote", "--aim", "in 1 hour"]);
    let id = id(&promise).to_string();
    let noon = t.at("2026-11-24T12:00:00-05:00");
    let agenda = noon.agenda(&[]);
    let late = &agenda["promises_at_risk"][0]["running_late"];
    assert_eq!(late["to"], "ann@acme.com", "{agenda}");
    assert!(late["body"].as_str().unwrap().contains("I told you I would send the quote by"), "{late}");
    let text = noon.ok(&["today"]).stdout;
    assert!(text.contains(&format!("send it: tickler late {id} --send")), "{text}");
    assert!(text.contains("| Hi Ann,"), "the draft is in the agenda: {text}");

    let shown = noon.json(&["late", &id]);
    assert_eq!(shown["subject"], "An update on my promise to send the quote");
    let told = noon.json(&["late", &id, "--send", "--told", "tomorrow 3pm"]);
    assert_eq!(told["sent_to"], "ann@acme.com");
    assert_eq!(told["promise"]["told"], "2026-11-25T20:00:00Z", "the told deadline moved");
    let timeline = t.timeline("ann");
    assert!(timeline.iter().any(|entry| entry.to_string().contains("new deadline for")), "{timeline:?}");
    noon.rejects(&["late", &id, "--send", "--told", "yesterday"], 2, &["told", "past"]);
    noon.rejects(&["late", "999", "--send"], 2, &["promise"]);
});

//! `plan`, `enroll`, `enrollments`, `template`: the commands a person uses to
//! build plans and put contacts in them; bad input is one line naming the field.

use tickler_test_support::both;

use crate::common::{Tickler, array, id};

both!(starter_plans_are_listed_and_editable, |t: &Tickler| {
    let plans = array(t.json(&["plan", "list"]));
    let names: Vec<&str> = plans.iter().map(|plan| plan["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["After a purchase", "After an interview or meeting", "Client retention", "Cold prospect", "Not now"]
    );
    let edited = t.json(&[
        "plan",
        "edit-step",
        "cold",
        "1",
        "--delay",
        "2 business days",
        "--subject",
        "Hi {{ contact.first_name }}",
    ]);
    assert_eq!(edited["plan"]["steps"][0]["delay"], "2 business days");
    assert_eq!(edited["plan"]["steps"][0]["subject"], "Hi {{ contact.first_name }}");
    let added =
        t.json(&["plan", "add-step", "cold", "--delay", "1 month", "--task", "send a postcard", "--via", "postcard"]);
    assert_eq!(added["plan"]["steps"].as_array().unwrap().len(), 5);
    assert_eq!(added["plan"]["steps"][4]["channel"], "postcard");
    let card = t.json(&[
        "plan",
        "add-step",
        "cold",
        "--delay",
        "3 days before their birthday",
        "--repeat",
        "every year",
        "--task",
        "send a birthday card",
    ]);
    assert_eq!(card["plan"]["steps"][5]["delay"], "3 days before their birthday");
    assert_eq!(card["plan"]["steps"][5]["repeat"], "every year");
    // Editing the step's text keeps its rule; an empty rule makes it run once.
    let edited = t.json(&["plan", "edit-step", "cold", "6", "--task", "send a card"]);
    assert_eq!(edited["plan"]["steps"][5]["repeat"], "every year");
    let once = t.json(&["plan", "edit-step", "cold", "6", "--repeat", ""]);
    assert_eq!(once["plan"]["steps"][5]["repeat"], "");
});

both!(saving_a_guilty_email_gives_advice_not_a_refusal, |t: &Tickler| {
    t.ok(&["plan", "add", "Chasers"]);
    let saved = t.json(&[
        "plan",
        "add-step",
        "Chasers",
        "--delay",
        "2 days",
        "--subject",
        "Again",
        "--body",
        "I still haven't heard back. This is my third email.",
    ]);
    let rules: Vec<&str> =
        saved["tone"].as_array().unwrap().iter().map(|flag| flag["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["still no answer", "counting attempts"]);
    let tone = array(t.json(&["template", "tone", "Just checking in."]));
    assert_eq!(tone[0]["rule"], "checking in without value");
});

both!(enrolling_previews_and_stopping, |t: &Tickler| {
    let ann = t.add("Ann Lee", &["--email", "ann@acme.com", "--org", "Acme", "--tag", "prospect"]);
    t.add("Bob Ray", &["--email", "bob@ray.example", "--tag", "prospect"]);
    t.ok(&["log", "ann", "meeting", "the pricing model"]);
    let preview = t.json(&["template", "preview", "After an interview", "1", "ann"]);
    assert_eq!(preview["subject"], "Thank you for today, Ann");
    assert!(preview["body"].as_str().unwrap().contains("about the pricing model"));
    assert!(preview["tone"].as_array().unwrap().is_empty());
    let enrollment = t.json(&["enroll", "ann", "After an interview"]);
    assert_eq!(enrollment["state"], "active");
    t.run(&["enroll", "ann", "After an interview"]).failure(1);
    let bulk = t.json(&["enroll", "--tag", "prospect", "Cold prospect"]);
    assert_eq!(bulk["enrolled"].as_array().unwrap().len(), 2);
    let listed = array(t.json(&["enrollments", "--contact", &ann.to_string()]));
    assert_eq!(listed.len(), 2);
    let first = id(&enrollment).to_string();
    assert_eq!(t.json(&["plan", "pause", &first])["state"], "paused");
    assert_eq!(t.json(&["plan", "resume", &first])["state"], "active");
    let stopped = t.json(&["plan", "stop", &first]);
    assert_eq!(
        (stopped["state"].as_str(), stopped["stop_reason"].as_str()),
        (Some("stopped"), Some("stopped by a person"))
    );
    t.ok(&["consent", "bob", "never"]);
    let bob = array(t.json(&["enrollments", "--contact", "bob"]));
    assert_eq!(bob[0]["stop_reason"], "contact is do-not-contact");
});

both!(bad_plan_input_names_the_field, |t: &Tickler| {
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    t.ok(&["plan", "list"]);
    t.rejects(&["plan", "add-step", "cold", "--delay", "soonish", "--task", "x"], 2, &["delay:"]);
    t.rejects(&["plan", "add-step", "cold", "--delay", "feb 30", "--task", "x"], 2, &["delay:", "no day 30"]);
    t.rejects(
        &["plan", "add-step", "cold", "--delay", "1 month", "--repeat", "now and then", "--task", "x"],
        2,
        &["repeat:", "every 3 months"],
    );
    t.rejects(
        &["plan", "add-step", "cold", "--delay", "2 days", "--subject", "Hi", "--body", "{{ contact.frist_name }}"],
        2,
        &["body:", "contact.frist_name"],
    );
    t.rejects(
        &["plan", "add-step", "cold", "--delay", "2 days", "--subject", "{% if %}", "--body", "x"],
        2,
        &["subject:"],
    );
    t.rejects(&["plan", "edit-step", "cold", "9", "--delay", "2 days"], 2, &["step:"]);
    t.rejects(&["enroll", "ann", "no such plan"], 2, &["plan"]);
    t.rejects(&["template", "preview", "cold", "3", "ann"], 2, &["step:", "not an email"]);
    t.rejects(&["mail", "from", "--address", "not-an-address"], 2, &["address"]);
});

//! `tickler lists`: create lists, add and remove contacts with why, read the
//! members; membership is its own consent ("not now" stays, "never" cannot be
//! added, leaving is not "never").

use tickler_test_support::both;

use crate::common::*;

both!(lists_hold_members_with_how_and_why, |t: &Tickler| {
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    t.add("Bob Ray", &["--email", "bob@acme.com"]);
    t.add("Cy Dee", &["--email", "cy@acme.com"]);
    let list = t.json(&["lists", "create", "Monthly letter", "--description", "first tuesday"]);
    assert_eq!(list["name"], "Monthly letter");
    t.rejects(&["lists", "create", "monthly LETTER"], 1, &["name", "already"]);

    let added =
        array(t.json(&["lists", "add", "monthly letter", "ann", "bob@acme.com", "--reason", "met at the fair"]));
    assert_eq!(added.len(), 2);
    assert!(added.iter().all(|change| change["changed"] == true && change["membership"]["state"] == "subscribed"));
    assert_eq!(added[0]["membership"]["source"], "user");
    assert_eq!(added[0]["membership"]["reason"], "met at the fair");

    t.ok(&["consent", "bob", "not-now"]);
    t.ok(&["consent", "cy", "never"]);
    t.rejects(&["lists", "add", "Monthly letter", "cy"], 1, &["Cy Dee", "do-not-contact"]);

    let removed = array(t.json(&["lists", "remove", "Monthly letter", "ann", "--reason", "asked by phone"]));
    assert_eq!(removed[0]["membership"]["state"], "left");
    assert_eq!(t.json(&["show", "ann"])["contact"]["consent"]["state"], "active", "leaving a list is not never");
    t.rejects(&["lists", "add", "Monthly letter", "ann"], 1, &["Ann Lee", "left this list"]);

    let summary = array(t.json(&["lists"]));
    assert_eq!(summary.len(), 1);
    assert_eq!((summary[0]["subscribed"].as_i64(), summary[0]["left"].as_i64()), (Some(1), Some(1)));
    let members = array(t.json(&["lists", "members", "Monthly letter", "--state", "subscribed"]));
    assert_eq!(members.len(), 1);
    assert_eq!(members[0]["contact_name"], "Bob Ray");
    assert_eq!(members[0]["consent"], "not-now", "\"not now\" stays on the list");
    let text = t.ok(&["lists"]).stdout;
    assert!(text.contains("Monthly letter") && text.contains("1 subscribed"), "{text}");

    t.rejects(&["lists", "members", "Weekly"], 2, &["no list matches", "tickler lists"]);
    t.rejects(&["lists", "members", "Monthly letter", "--state", "maybe"], 2, &["state"]);
    t.rejects(&["lists", "create", "  "], 2, &["name", "empty"]);
});

both!(campaigns_from_the_command_line, |t: &Tickler| {
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    t.ok(&["lists", "create", "Monthly letter"]);
    t.ok(&["lists", "add", "Monthly letter", "ann"]);
    let letter = "Hi {{ contact.first_name }},\n\nAs per my last email, **three** ideas.\n";
    let output = t.run_with_stdin(
        &["campaign", "create", "Monthly letter", "--subject", "News", "--body", "-", "--json"],
        Some(letter),
    );
    let created = output.success().json();
    assert_eq!((created["state"].as_str(), created["progress"]["waiting"].as_i64()), (Some("draft"), Some(1)));
    let id = created["id"].as_i64().unwrap().to_string();
    let preview = t.json(&["campaign", "preview", &id, "ann"]);
    assert!(preview["text"].as_str().unwrap().starts_with("Hi Ann,"), "{preview}");
    assert!(!preview["tone"].as_array().unwrap().is_empty(), "the tone check: {preview}");
    let scheduled = t.json(&["campaign", "schedule", &id, "first tuesday of next month 9am"]);
    assert_eq!(scheduled["send_at"], "2026-12-01T14:00:00Z", "9am in New York: {scheduled}");
    assert_eq!(t.json(&["campaign", "pause", &id])["state"], "paused");
    t.rejects(&["campaign", "pause", &id], 1, &["paused"]);
    assert_eq!(t.json(&["campaign", "resume", &id])["state"], "scheduled");
    assert_eq!(t.json(&["campaign", "cancel", &id])["state"], "cancelled");
    let text = t.ok(&["campaign", "list"]).stdout;
    assert!(
        text.contains("cancelled") && text.contains("\"News\"") && text.contains("0 waiting"),
        "a cancelled campaign waits for nobody: {text}"
    );
    t.rejects(&["campaign", "create", "Weekly", "--subject", "x", "--body", "y"], 2, &["no list matches"]);
    t.rejects(
        &["campaign", "create", "Monthly letter", "--subject", "x", "--body", "y", "--per-minute", "0"],
        2,
        &["per-minute"],
    );
    t.rejects(&["campaign", "show", "999"], 2, &["no campaign matches", "tickler campaign list"]);
});

both!(an_import_column_names_the_lists_each_contact_joins, |t: &Tickler| {
    t.ok(&["lists", "create", "Monthly letter"]);
    t.ok(&["lists", "create", "Product news"]);
    t.add("Cy Dee", &["--email", "cy@acme.com"]);
    t.ok(&["lists", "add", "Product news", "cy"]);
    t.ok(&["lists", "remove", "Product news", "cy"]);
    let csv = "Name,Email,Lists\n\
               Ann Lee,ann@acme.com,\"Monthly letter; Product news\"\n\
               Bob Ray,bob@acme.com,monthly LETTER\n\
               Cy Dee,cy@acme.com,Product news\n\
               Di Eng,di@acme.com,Weekly\n";
    let path = std::env::temp_dir().join(format!("tickler-lists-{}-{}.csv", std::process::id(), t.database().len()));
    std::fs::write(&path, csv).unwrap();
    let dry = t.json(&["import", path.to_str().unwrap(), "--dry-run"]);
    assert_eq!(dry["created"].as_u64(), Some(3));
    assert_eq!(array(t.json(&["lists", "members", "Monthly letter"])).len(), 0, "a dry run joins nobody");
    let report = t.json(&["import", path.to_str().unwrap()]);
    std::fs::remove_file(&path).unwrap();
    let warnings: Vec<String> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| format!("{} {} {}", w["row"], w["field"], w["reason"]))
        .collect();
    assert!(warnings.iter().any(|w| w.starts_with("4 \"lists\"") && w.contains("left this list")), "{warnings:?}");
    assert!(
        warnings.iter().any(|w| w.starts_with("5 \"lists\"") && w.contains("no list is named \\\"Weekly\\\"")),
        "{warnings:?}"
    );
    let monthly = array(t.json(&["lists", "members", "Monthly letter"]));
    let names: Vec<&str> = monthly.iter().map(|m| m["contact_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Ann Lee", "Bob Ray"]);
    assert!(monthly.iter().all(|m| m["source"] == "import"), "{monthly:?}");
    let news = array(t.json(&["lists", "members", "Product news"]));
    let states: Vec<(&str, &str)> =
        news.iter().map(|m| (m["contact_name"].as_str().unwrap(), m["state"].as_str().unwrap())).collect();
    assert_eq!(states, [("Ann Lee", "subscribed"), ("Cy Dee", "left")], "an import never puts back someone who left");
});

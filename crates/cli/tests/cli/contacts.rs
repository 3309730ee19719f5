//! Contacts: add, list with filters, show by id / email / name part, edit, rm.

use serde_json::json;
use tickler_test_support::both;

use crate::common::*;

both!(add_records_every_field, |t: &Tickler| {
    let ann = t.json(&[
        "add",
        "Ann Lee",
        "--email",
        "ann@acme.com",
        "--org",
        "Acme",
        "--tz",
        "Europe/Paris",
        "--tag",
        "prospect",
        "--tag",
        "vip",
        "--phone",
        "+1 555 0100",
        "--birthday",
        "1980-05-17",
        "--stage",
        "client",
        "--source",
        "conference",
        "--note",
        "met at the expo",
    ]);
    let shown = t.json(&["show", &id(&ann).to_string()]);
    let contact = &shown["contact"];
    assert_eq!(contact, &ann, "show returns what add stored");
    assert_eq!(contact["name"], "Ann Lee");
    assert_eq!(contact["emails"], json!(["ann@acme.com"]));
    assert_eq!(contact["organisation"], "Acme");
    assert_eq!(contact["zone"], "Europe/Paris");
    assert_eq!(contact["tags"], json!(["prospect", "vip"]));
    assert_eq!(contact["phones"], json!(["+1 555 0100"]));
    assert_eq!(contact["birthday"], "1980-05-17");
    assert_eq!(contact["stage"], "client");
    assert_eq!(contact["source"], "conference");
    assert_eq!(contact["notes"], "met at the expo");
    assert_eq!(contact["consent"]["state"], "active");
    assert_eq!(contact["created_at"], "2026-11-24T15:00:00Z");
    assert_eq!(shown["last_touch"], json!(null));
    assert_eq!(shown["open_follow_ups"], json!([]));

    let text = t.ok(&["show", "ann"]).stdout;
    for field in ["Ann Lee", "Acme", "ann@acme.com", "+1 555 0100", "Europe/Paris", "1980-05-17", "conference"] {
        assert!(text.contains(field), "show prints {field:?}:\n{text}");
    }
});

both!(contacts_filter_by_tag_and_search, |t: &Tickler| {
    t.add("Ann Lee", &["--email", "ann@acme.com", "--org", "Acme", "--tag", "prospect"]);
    t.add("Dan Brown", &["--org", "Brownco", "--tag", "client", "--tag", "prospect"]);
    t.add("Eve Stone", &["--email", "eve@stone.io"]);
    let names = |args: &[&str]| -> Vec<String> {
        let mut full = vec!["contacts"];
        full.extend_from_slice(args);
        array(t.json(&full)).iter().map(|c| c["name"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(names(&[]), ["Ann Lee", "Dan Brown", "Eve Stone"]);
    assert_eq!(names(&["--tag", "prospect"]), ["Ann Lee", "Dan Brown"]);
    assert_eq!(names(&["--tag", "client"]), ["Dan Brown"]);
    assert_eq!(names(&["--search", "acme"]), ["Ann Lee"], "search matches the organisation and email");
    assert_eq!(names(&["--search", "STONE"]), ["Eve Stone"], "search ignores case");
    assert_eq!(names(&["--search", "brown"]), ["Dan Brown"]);
    assert_eq!(names(&["--search", "nobody"]), Vec::<String>::new());
    assert_eq!(names(&["--tag", "prospect", "--search", "dan"]), ["Dan Brown"], "filters combine");
});

both!(show_finds_a_contact_by_id_email_or_name_part, |t: &Tickler| {
    let ann = t.add("Ann Lee", &["--email", "ann@acme.com"]);
    let dan = t.add("Dan Brown", &["--email", "dan@brown.example"]);
    for reference in [ann.to_string().as_str(), "ann@acme.com", "ANN@ACME.COM", "Ann Lee", "lee", "ann"] {
        assert_eq!(id(&t.json(&["show", reference])["contact"]), ann, "show {reference:?}");
    }
    for reference in [dan.to_string().as_str(), "dan@brown.example", "brown", "Dan"] {
        assert_eq!(id(&t.json(&["show", reference])["contact"]), dan, "show {reference:?}");
    }
});

both!(an_ambiguous_name_part_lists_the_candidates, |t: &Tickler| {
    let ann = t.add("Ann Lee", &[]);
    let dan = t.add("Dan Brown", &[]);
    let error = t.run(&["show", "an"]).failure(2).error_line();
    assert!(error.contains("\"an\""), "{error}");
    assert!(error.contains(&format!("Ann Lee (id {ann})")), "{error}");
    assert!(error.contains(&format!("Dan Brown (id {dan})")), "{error}");
    // The same rule guards every command that names a contact.
    t.rejects(&["follow", "an", "tomorrow"], 2, &["Ann Lee", "Dan Brown"]);
    t.rejects(&["rm", "an"], 2, &["Ann Lee", "Dan Brown"]);
});

both!(edit_changes_the_given_fields_and_keeps_the_rest, |t: &Tickler| {
    let before = t.json(&[
        "add",
        "Ann Lee",
        "--email",
        "ann@acme.com",
        "--org",
        "Acme",
        "--tag",
        "prospect",
        "--phone",
        "+1 555 0100",
        "--birthday",
        "1980-05-17",
        "--source",
        "conference",
    ]);
    let later = t.at("2026-11-25T09:00:00-05:00");
    let after = later.json(&[
        "edit",
        "ann",
        "--name",
        "Ann Lee-Smith",
        "--org",
        "Acme Corp",
        "--tag",
        "vip",
        "--remove-tag",
        "prospect",
        "--email",
        "ann.lee@acme.com",
        "--stage",
        "client",
    ]);
    assert_eq!(after["id"], before["id"]);
    assert_eq!(after["name"], "Ann Lee-Smith");
    assert_eq!(after["organisation"], "Acme Corp");
    assert_eq!(after["tags"], json!(["vip"]));
    assert_eq!(after["emails"], json!(["ann@acme.com", "ann.lee@acme.com"]), "--email adds an address");
    assert_eq!(after["stage"], "client");
    for kept in ["phones", "birthday", "source", "created_at", "consent"] {
        assert_eq!(after[kept], before[kept], "{kept} is kept");
    }
    assert_eq!(after["updated_at"], "2026-11-25T14:00:00Z");
    assert_eq!(later.json(&["show", "Lee-Smith"])["contact"], after, "the edit is stored");
});

both!(rm_deletes_the_contact_and_its_records, |t: &Tickler| {
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    let dan = t.add("Dan Brown", &[]);
    t.ok(&["log", "ann", "call", "Discussed pricing"]);
    t.ok(&["follow", "ann", "next tuesday", "--via", "call", "--force"]);
    let removed = t.json(&["rm", "ann@acme.com"]);
    assert!(removed["deleted"].is_i64(), "{removed}");
    let error = t.run(&["show", "ann"]).failure(2).error_line();
    assert!(error.contains("\"ann\""), "{error}");
    t.run(&["timeline", "ann@acme.com"]).failure(2);
    assert_eq!(t.contacts().iter().map(id).collect::<Vec<_>>(), [dan]);
    let agenda = t.agenda(&[]);
    assert!(section_ids(&agenda, "upcoming").is_empty(), "its follow-ups are gone: {agenda}");
    // The email is free again.
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
});

both!(edit_clears_fields_it_is_told_to, |t: &Tickler| {
    t.add("Ann Lee", &["--email", "ann@acme.com", "--org", "Acme", "--birthday", "1980-05-17", "--tag", "vip"]);
    let edited =
        t.json(&["edit", "ann", "--clear", "birthday", "--clear", "org", "--clear", "tags", "--tag", "client"]);
    assert_eq!(edited["birthday"], json!(null));
    assert_eq!(edited["organisation"], json!(null));
    assert_eq!(edited["tags"], json!(["client"]), "cleared first, then the new tag added");
    assert_eq!(edited["emails"], json!(["ann@acme.com"]), "what was not cleared stays");
    t.rejects(&["edit", "ann", "--clear", "shoe-size"], 2, &["clear", "shoe-size", "birthday"]);
});

both!(long_lists_say_they_were_cut, |t: &Tickler| {
    for name in ["Ann", "Bea", "Cid"] {
        t.add(name, &[]);
        t.ok(&["follow", name, "tomorrow", "--force"]);
    }
    let listed = t.ok(&["contacts", "--limit", "2"]).stdout;
    assert!(listed.contains("--offset 2"), "{listed}");
    assert!(!t.ok(&["contacts"]).stdout.contains("--offset"));
    let agenda = t.json(&["today", "--limit", "2"]);
    assert_eq!(agenda["truncated"], json!(true));
    assert_eq!(agenda["upcoming"].as_array().unwrap().len(), 2);
    assert!(t.ok(&["today", "--limit", "2"]).stdout.contains("--limit"));
    assert_eq!(t.json(&["today"])["truncated"], json!(false));
});

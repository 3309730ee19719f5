//! `import`, `export contacts`, `backup` and `restore` through the real
//! binary, on files shaped like the ones Google Contacts, Outlook, Apple
//! Contacts and Nextcloud write (in tests/fixtures/, written for this project).

use serde_json::{Value, json};
use tickler_test_support::both;

use crate::common::*;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn temp_file(t: &Tickler, name: &str) -> String {
    let base = std::env::temp_dir().join(format!("tickler-transfer-{}-{}", std::process::id(), t.database().len()));
    std::fs::create_dir_all(&base).unwrap();
    let unique = t.database().replace(['/', ':', '@', '.'], "_");
    base.join(format!("{unique}-{name}")).to_string_lossy().into_owned()
}

fn contact<'a>(contacts: &'a [Value], name: &str) -> &'a Value {
    contacts.iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("no contact {name} in {contacts:#?}"))
}

both!(google_csv_with_bom_quoted_newlines_and_labels, |t: &Tickler| {
    let summary = t.json(&["import", &fixture("google-contacts.csv")]);
    assert_eq!(summary["layout"], "google");
    assert_eq!((summary["created"].as_u64(), summary["rejected_count"].as_u64()), (Some(4), Some(1)));
    assert_eq!(summary["rejected"][0]["row"], 7, "the header is row 1 and the blank row 4 still counts");
    assert_eq!(summary["rejected"][0]["field"], "email");
    assert!(summary["rejected"][0]["reason"].as_str().unwrap().contains("dan at example dot com"));
    let contacts = t.contacts();
    let ann = contact(&contacts, "Ann Lee");
    assert_eq!(ann["organisation"], "Acme Corp");
    assert_eq!(ann["emails"], json!(["ann@acme.com", "ann.lee@home.example"]));
    assert_eq!(ann["phones"], json!(["+1 212 555 0100", "+1 212 555 0199", "+1 212 555 0198"]));
    assert_eq!(ann["birthday"], "1904-04-15", "a birthday without a year");
    assert_eq!(ann["tags"], json!(["prospects"]));
    assert_eq!(ann["notes"], "Met at the Lisbon fair.\r\nPrefers mornings.");
    let bjorn = contact(&contacts, "Björn Ångström");
    assert_eq!(bjorn["birthday"], "1980-02-29");
    assert_eq!(bjorn["tags"], json!(["friends-family"]));
    assert_eq!(contact(&contacts, "Carla Mendes")["birthday"], "1990-12-31");
    assert_eq!(contact(&contacts, "Orphan Org Ltd")["organisation"], "Orphan Org Ltd");
    // Google's "Address 1 - Label" and "Formatted" columns: the address is kept with its label.
    assert_eq!(
        ann["addresses"],
        json!([{ "label": "work", "street": "1 Main St\nNew York", "locality": "", "region": "", "postcode": "", "country": "" }])
    );
    // Every column left out is named, with how many rows had a value and how to map it.
    let left_out = summary["left_out"].as_array().unwrap();
    let named = |column: &str| {
        left_out.iter().find(|c| c["column"] == column).unwrap_or_else(|| panic!("{column} in {left_out:#?}"))
    };
    assert_eq!(
        (named("Nickname")["values"].as_u64(), named("Organization Title")["values"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(named("Photo")["map"], "--map \"Photo=FIELD\"");
    assert_eq!(named("Phonetic First Name")["values"], 0);
    assert!(
        left_out.iter().all(|c| c["column"] != "E-mail 1 - Label"),
        "a label column describes another: {left_out:#?}"
    );
});

both!(columns_left_out_are_named_with_their_map_and_addresses_are_kept, |t: &Tickler| {
    // A spreadsheet as people write it: a German column and a one-cell address.
    let sheet = temp_file(t, "firma.csv");
    std::fs::write(&sheet, "Name,E-Mail,Firma,Lieblingsfarbe,Address\nAnn Lee,ann@acme.com,Acme GmbH,blue,\"Hauptstr. 1, 10115 Berlin\"\nBo Chen,bo@chen.example,,,\n").unwrap();
    let text = t.ok(&["import", &sheet, "--dry-run"]).stdout;
    assert!(text.contains("Columns left out"), "{text}");
    assert!(text.contains("\"Firma\" (a value in 1 row): --map \"Firma=organisation\""), "{text}");
    assert!(text.contains("\"Lieblingsfarbe\" (a value in 1 row): --map \"Lieblingsfarbe=FIELD\""), "{text}");
    assert!(text.contains("FIELD is one of: name,"), "{text}");
    let summary = t.json(&["import", &sheet, "--map", "Firma=organisation", "--map", "Lieblingsfarbe=ignore"]);
    assert_eq!(summary["left_out"], json!([]), "mapped and ignored columns are not left out: {summary}");
    let ann = t.json(&["show", "ann@acme.com"]);
    assert_eq!(ann["contact"]["organisation"], "Acme GmbH");
    assert_eq!(ann["contact"]["addresses"][0]["street"], "Hauptstr. 1, 10115 Berlin");

    // Outlook's own export: Business and Home address columns, each address with its label.
    let outlook = temp_file(t, "outlook.csv");
    std::fs::write(&outlook, "First Name,Last Name,Company,E-mail Address,Business Street,Business Street 2,Business City,Business State,Business Postal Code,Business Country/Region,Home Street,Home City,Home Postal Code,Home Country/Region\r\nCleo,Park,Park & Co,cleo@park.example,1 Harbor Way,Suite 400,Boston,MA,02110,United States,22 Elm St,Cambridge,02139,United States\r\n").unwrap();
    let summary = t.json(&["import", &outlook]);
    assert_eq!((summary["layout"].as_str(), summary["created"].as_u64()), (Some("outlook"), Some(1)), "{summary}");
    let cleo = t.json(&["show", "cleo@park.example"]);
    assert_eq!(
        cleo["contact"]["addresses"],
        json!([
            { "label": "work", "street": "1 Harbor Way\nSuite 400", "locality": "Boston", "region": "MA", "postcode": "02110", "country": "United States" },
            { "label": "home", "street": "22 Elm St", "locality": "Cambridge", "region": "", "postcode": "02139", "country": "United States" },
        ])
    );
    assert!(t.ok(&["show", "cleo"]).stdout.contains("address      22 Elm St, Cambridge, 02139, United States (home)"));

    // Google's split columns, and an Apple vCard 3.0 ADR with TYPE params.
    let google = temp_file(t, "google.csv");
    std::fs::write(&google, "Name,E-mail 1 - Value,Address 1 - Type,Address 1 - Formatted,Address 1 - Street,Address 1 - City,Address 1 - PO Box,Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,Address 1 - Extended Address\nDee Ray,dee@ray.example,Home,\"9 Oak Rd\nAustin, TX 78701\nUS\",9 Oak Rd,Austin,,TX,78701,US,\n").unwrap();
    t.ok(&["import", &google]);
    let dee = t.json(&["show", "dee@ray.example"]);
    assert_eq!(dee["contact"]["addresses"][0]["label"], "home");
    assert_eq!(dee["contact"]["addresses"][0]["street"], "9 Oak Rd", "the parts win over the formatted copy");
    let fresh = Tickler::new(t.backend);
    fresh.ok(&["import", &fixture("apple-contacts.vcf")]);
    let apple = fresh.json(&["show", "ann@lisbon-fair.example"]);
    assert_eq!(apple["contact"]["addresses"][0]["label"], "home");
    assert_eq!(apple["contact"]["addresses"][0]["locality"], "New York");
    for path in [&sheet, &outlook, &google] {
        let _ = std::fs::remove_file(path);
    }
});

both!(outlook_csv_in_windows_1252_with_semicolons, |t: &Tickler| {
    let output = t.ok(&["import", &fixture("outlook-semicolon-1252.csv")]);
    assert!(output.stdout.contains("(Outlook): 2 created"), "{output:?}");
    let contacts = t.contacts();
    let rene = contact(&contacts, "René Müller");
    assert_eq!(rene["organisation"], "Société Générale");
    assert_eq!(rene["phones"], json!(["+33 1 42 14 20 00", "+33 6 12 34 56 78"]));
    assert_eq!(rene["birthday"], "1975-04-15");
    assert_eq!(rene["tags"], json!(["clients", "vip"]));
    assert_eq!(rene["notes"], "Prefers French – “bonjour” first");
    let zoe = contact(&contacts, "Zoë O'Brien");
    assert_eq!(zoe["birthday"], Value::Null, "Outlook's 0/0/00 is no birthday");
    assert_eq!(zoe["emails"], json!(["zoe@obrien.example", "zoe.obrien@work.example"]));
});

both!(unusual_columns_are_mapped_and_bad_maps_refused, |t: &Tickler| {
    t.rejects(&["import", &fixture("plain-map.csv"), "--map", "Email=email"], 2, &["no column \"Email\"", "Courriel"]);
    t.rejects(&["import", &fixture("plain-map.csv"), "--map", "Courriel=e-mail-ish"], 2, &["unknown field"]);
    let summary = t.json(&["import", &fixture("plain-map.csv"), "--map", "Courriel=email", "--map", "portable=phone"]);
    assert_eq!((summary["created"].as_u64(), summary["rejected_count"].as_u64()), (Some(1), Some(1)));
    assert_eq!(summary["rejected"][0]["field"], "tz");
    let contacts = t.contacts();
    let ann = contact(&contacts, "Ann Lee");
    assert_eq!((ann["stage"].as_str(), ann["zone"].as_str()), (Some("client"), Some("America/New_York")));
    assert_eq!(ann["phones"], json!(["+1 212 555 0100"]));
});

both!(vcards_from_apple_google_outlook_and_nextcloud, |t: &Tickler| {
    for file in ["apple-contacts.vcf", "google-contacts.vcf", "outlook-2016.vcf", "vcard4-nextcloud.vcf"] {
        let summary = t.json(&["import", &fixture(file)]);
        assert_eq!(summary["rejected_count"], 0, "{file}: {summary:#}");
    }
    let contacts = t.contacts();
    assert_eq!(contacts.len(), 6);
    let ann = contact(&contacts, "Ann B. Lee");
    assert_eq!(ann["organisation"], "Acme, Inc.");
    assert_eq!(ann["emails"], json!(["ann@acme.com", "ann@lisbon-fair.example"]));
    assert_eq!(ann["birthday"], "1904-04-15", "Apple's X-APPLE-OMIT-YEAR birthday has no year");
    assert_eq!(ann["tags"], json!(["conference-2026", "prospects"]));
    assert!(ann["notes"].as_str().unwrap().ends_with("after the board meeting in March."), "folded lines are joined");
    assert_eq!(contact(&contacts, "Carla Mendes")["birthday"], "1904-07-04");
    assert_eq!(contact(&contacts, "Dan Wu")["notes"], "Two kids, likes golf.\nCall after 5pm.");
    let rene = contact(&contacts, "René Müller");
    assert_eq!(rene["notes"], "Préfère le français – appeler après 14h.\r\nAssistant: Chloé Dupont");
    assert_eq!(rene["phones"], json!(["+33 1 42 14 20 00"]), "the placeholder MobilePhone is dropped");
    let simone = contact(&contacts, "Simone Perreault");
    assert_eq!(simone["phones"], json!(["+1-418-656-9254 x102", "+1-418-262-6501"]));
    assert_eq!((simone["zone"].as_str(), simone["birthday"].as_str()), (Some("America/Toronto"), Some("1904-02-03")));
    let text = t.ok(&["import", &fixture("outlook-2016.vcf"), "--on-duplicate", "keep-both"]).stdout;
    assert!(text.contains("card 1, phone: dropped"), "{text}");
});

both!(duplicates_are_skipped_updated_or_kept_and_dry_runs_write_nothing, |t: &Tickler| {
    t.ok(&["add", "Ann Lee", "--email", "ann@acme.com", "--tag", "client"]);
    let before = t.snapshot();
    let dry = t.json(&["import", &fixture("google-contacts.csv"), "--dry-run"]);
    assert_eq!(
        (dry["dry_run"].as_bool(), dry["created"].as_u64(), dry["skipped"].as_u64()),
        (Some(true), Some(3), Some(1))
    );
    assert_eq!(t.snapshot(), before, "a dry run writes nothing");
    let skipped = t.json(&["import", &fixture("google-contacts.csv")]);
    assert_eq!((skipped["created"].as_u64(), skipped["skipped"].as_u64()), (Some(3), Some(1)));
    let again = t.json(&["import", &fixture("google-contacts.csv")]);
    // "Orphan Org Ltd" has neither email nor phone to be matched by, so it is created again.
    assert_eq!((again["created"].as_u64(), again["skipped"].as_u64()), (Some(1), Some(3)));
    let updated = t.json(&["import", &fixture("google-contacts.csv"), "--on-duplicate", "update"]);
    assert_eq!((updated["updated"].as_u64(), updated["created"].as_u64()), (Some(3), Some(1)));
    let ann = t.json(&["show", "ann@acme.com"]);
    assert_eq!(ann["contact"]["tags"], json!(["client", "prospects"]));
    assert_eq!(ann["contact"]["organisation"], "Acme Corp");
    assert_eq!(ann["contact"]["phones"].as_array().unwrap().len(), 3);
    let kept = t.json(&["import", &fixture("google-contacts.csv"), "--on-duplicate", "keep-both"]);
    assert_eq!(
        (kept["created"].as_u64(), kept["warning_count"].as_u64()),
        (Some(4), Some(4)),
        "each email stays with its contact"
    );
    assert_eq!(t.contacts().len(), 10);
    t.rejects(
        &["import", &fixture("google-contacts.csv"), "--on-duplicate", "merge"],
        2,
        &["on-duplicate", "keep-both"],
    );
    t.rejects(&["import", "/nonexistent/contacts.csv"], 2, &["cannot read"]);
});

both!(exports_read_back_the_same_contacts, |t: &Tickler| {
    for file in ["google-contacts.csv", "outlook-semicolon-1252.csv", "apple-contacts.vcf", "vcard4-nextcloud.vcf"] {
        t.ok(&["import", &fixture(file)]);
    }
    let strip = |contacts: Vec<Value>| -> Vec<Value> {
        let mut contacts: Vec<Value> = contacts
            .into_iter()
            .map(|mut c| {
                for key in ["id", "created_at", "updated_at"] {
                    c.as_object_mut().unwrap().remove(key);
                }
                c
            })
            .collect();
        contacts.sort_by_key(|c| c["name"].to_string());
        contacts
    };
    let original = strip(t.contacts());
    for format in ["csv", "vcf"] {
        let file = temp_file(t, &format!("export.{format}"));
        t.ok(&["export", "contacts", "--output", &file]);
        let fresh = Tickler::new(t.backend);
        let summary = fresh.json(&["import", &file]);
        assert_eq!(summary["created"].as_u64(), Some(original.len() as u64), "{format}: {summary:#}");
        assert_eq!(strip(fresh.contacts()), original, "{format} round trip");
        let stdout = t.ok(&["export", "contacts", "--format", format]).stdout;
        assert_eq!(stdout, std::fs::read_to_string(&file).unwrap(), "standard output holds the same export");
        let _ = std::fs::remove_file(&file);
    }
});

both!(backup_and_restore_give_back_everything, |t: &Tickler| {
    t.ok(&["import", &fixture("google-contacts.csv")]);
    t.ok(&["log", "ann@acme.com", "call", "Discussed pricing", "--outcome", "interested"]);
    t.ok(&["follow", "ann@acme.com", "next tuesday", "--via", "email", "--note", "send the proposal"]);
    t.ok(&["promise", "ann@acme.com", "send revised quote", "--aim", "in 2 hours"]);
    t.ok(&["consent", "carla@example.com", "never", "--reason", "asked to stop"]);
    t.ok(&["settings", "--pacing", "4", "--work-start", "08:30"]);
    let file = temp_file(t, "backup.json");
    let backed_up = t.json(&["backup", &file]);
    assert_eq!(backed_up["sections"]["contacts"], 4);

    let fresh = Tickler::new(t.backend);
    let restored = fresh.json(&["restore", &file]);
    assert_eq!(restored["restored"]["touches"], 1);
    assert_eq!(fresh.snapshot(), t.snapshot(), "the restore shows exactly what was backed up");

    let line = fresh.rejects(&["restore", &file], 1, &["already holds", "--merge"]);
    assert!(line.contains("4 contacts"), "{line}");
    let merged = fresh.json(&["restore", &file, "--merge"]);
    assert_eq!(merged["contacts_already_present"], 3, "the three contacts with an email are already there");
    assert_eq!(fresh.contacts().len(), 5, "the one without an email is added again");

    let broken = temp_file(t, "broken.json");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&broken, text.replace("\"version\":1", "\"version\":2")).unwrap();
    let empty = Tickler::new(t.backend);
    empty.rejects(&["restore", &broken], 2, &["backup:", "version 2"]);
    std::fs::write(&broken, &text[..text.len() / 2]).unwrap();
    empty.rejects(&["restore", &broken], 2, &["backup:", "not a readable backup"]);
    std::fs::write(&broken, text.replace("\"state\":\"never\"", "\"state\":\"maybe\"")).unwrap();
    empty.rejects(&["restore", &broken], 2, &["consent_changes", "maybe"]);
    empty.rejects(&["restore", "/nonexistent/backup.json"], 2, &["cannot read"]);
    for path in [&file, &broken] {
        let _ = std::fs::remove_file(path);
    }
});

//! `tickler demo`: a fresh sample database and today's agenda. SQLite only:
//! it deletes and recreates the database file.

use crate::common::*;

#[test]
fn demo_creates_a_database_and_prints_the_agenda() {
    let t = Tickler::new(Backend::Sqlite);
    let output = t.ok(&["demo"]);
    let text = &output.stdout;
    assert!(text.contains(&t.database()), "it says where the demo lives:\n{text}");
    let overdue = text.find("\nOverdue\n").expect("an Overdue section");
    let today = text.find("\nToday\n").expect("a Today section");
    assert!(overdue < today, "overdue comes first:\n{text}");
    assert!(text.contains("Promises at risk"), "{text}");
    assert!(text.contains("days late"), "{text}");

    // The database is an ordinary one afterwards.
    let contacts = t.contacts();
    assert_eq!(contacts.len(), 10);
    let agenda = t.agenda(&[]);
    assert!(!section_ids(&agenda, "overdue").is_empty() && !section_ids(&agenda, "today").is_empty(), "{agenda}");
    let never: Vec<_> = contacts.iter().filter(|c| c["consent"]["state"] == "never").collect();
    assert_eq!(never.len(), 1, "the demo includes a do-not-contact contact");

    // Running it again starts over rather than doubling the data.
    t.ok(&["add", "Zed Extra"]);
    t.ok(&["demo"]);
    assert_eq!(t.contacts().len(), 10);
    // --keep keeps what is there.
    t.ok(&["add", "Zed Extra"]);
    let kept = t.ok(&["demo", "--keep"]).stdout;
    assert!(kept.contains("Keeping the existing demo data"), "{kept}");
    assert_eq!(t.contacts().len(), 11);
}

#[test]
fn demo_json_is_the_agenda() {
    let t = Tickler::new(Backend::Sqlite);
    let agenda = t.json(&["demo"]);
    for section in ["promises_at_risk", "overdue", "today", "upcoming"] {
        assert!(agenda[section].as_array().is_some_and(|items| !items.is_empty()), "{section} in {agenda}");
    }
}

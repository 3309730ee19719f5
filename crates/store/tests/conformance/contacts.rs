//! Contacts: every field round-trips, emails are unique per account, lookups
//! by id, email and name part, filters, edits, deletes, account isolation.

use tickler_core::consent::ConsentState;
use tickler_core::contact::{ContactDetails, ContactName, EmailAddress, Phone, Stage, Tag, ZoneName, parse_birthday};
use tickler_core::ids::ContactId;
use tickler_core::touch::{Channel, TouchDraft};
use tickler_store::{ContactFilter, Error};
use tickler_test_support::both;

use crate::common::{TestDb, now};

pub fn draft(name: &str, email: Option<&str>) -> ContactDetails {
    let mut draft = ContactDetails::named(ContactName::parse(name).unwrap());
    draft.emails = email.map(|e| EmailAddress::parse(e).unwrap()).into_iter().collect();
    draft
}

/// Ann Lee with every field set (mixed-case email, a leap-day birthday with
/// no year, text with a newline, quotes and non-ASCII), referred by `referrer`.
pub fn every_field(referrer: ContactId) -> ContactDetails {
    let mut full = draft("Ann Lee", Some("Ann@Acme.com"));
    full.emails.push(EmailAddress::parse("ann@home.example").unwrap());
    full.phones = vec![Phone::parse("+1 212 555 0100").unwrap(), Phone::parse("(212) 555-0199").unwrap()];
    full.tags = vec![Tag::parse("prospect").unwrap(), Tag::parse("vip").unwrap()];
    full.organisation = Some("Acme".into());
    full.zone = Some(ZoneName::parse("Europe/Paris").unwrap());
    full.birthday = Some(parse_birthday("--02-29").unwrap());
    full.stage = Some(Stage::Prospect);
    full.source = Some("Web summit".into());
    full.referred_by = Some(referrer);
    full.preferred_channel = Some(Channel::Call);
    full.pacing_gap_days = Some(5);
    full.notes = "Prefers mornings.\nÜnïcødé ✓ \"quoted\"".into();
    full
}

both!(every_field_round_trips, async |db: &TestDb| {
    let account = db.account().await;
    let referrer = db.store.create_contact(account.id, &draft("Rita Referrer", None), now()).await.unwrap();
    let full = every_field(referrer.id);
    let created = db.store.create_contact(account.id, &full, now()).await.unwrap();
    let read = db.store.contact(account.id, created.id).await.unwrap();
    assert_eq!(read, created);
    assert_eq!(read.details.clone(), full.clone().deduplicated());
    assert_eq!(read.details.emails[0].as_str(), "ann@acme.com");
    assert_eq!(read.consent.state, ConsentState::Active);
    assert_eq!(read.created_at, now());
});

both!(emails_are_unique_per_account_and_nothing_is_half_written, async |db: &TestDb| {
    let account = db.account().await;
    let ann = db.store.create_contact(account.id, &draft("Ann Lee", Some("ann@acme.com")), now()).await.unwrap();
    let mut copy = draft("Annie Lee", Some("bob@acme.com"));
    copy.emails.push(EmailAddress::parse("ANN@acme.com").unwrap());
    copy.tags = vec![Tag::parse("dup").unwrap()];
    let error = db.store.create_contact(account.id, &copy, now()).await.unwrap_err();
    match &error {
        Error::Duplicate { field, value, owner } => {
            assert_eq!(*field, "email");
            assert_eq!(value, "ann@acme.com");
            assert!(owner.contains("Ann Lee") && owner.contains(&ann.id.to_string()), "{owner}");
        }
        other => panic!("expected a duplicate, got {other:?}"),
    }
    assert_eq!(db.store.count_contacts(account.id).await.unwrap(), 1);
    // Nothing of the refused contact remains: its first email is still free.
    db.store.create_contact(account.id, &draft("Bob", Some("bob@acme.com")), now()).await.unwrap();
    let tagged = ContactFilter { tag: Some(Tag::parse("dup").unwrap()), ..Default::default() };
    assert!(db.store.contacts(account.id, &tagged).await.unwrap().is_empty());
});

both!(contacts_are_found_by_id_email_or_name_part, async |db: &TestDb| {
    let account = db.account().await;
    let ann = db.store.create_contact(account.id, &draft("Ann Lee", Some("ann@acme.com")), now()).await.unwrap();
    let dan = db.store.create_contact(account.id, &draft("Dan Brown", None), now()).await.unwrap();
    db.store.create_contact(account.id, &draft("Ann", None), now()).await.unwrap();
    assert_eq!(db.store.find_contact(account.id, &ann.id.to_string()).await.unwrap().id, ann.id);
    assert_eq!(db.store.find_contact(account.id, "ANN@acme.com").await.unwrap().id, ann.id);
    assert_eq!(db.store.find_contact(account.id, "lee").await.unwrap().id, ann.id);
    assert_eq!(db.store.find_contact(account.id, "brown").await.unwrap().id, dan.id);
    // An exact full name wins over the names that merely contain it.
    assert_eq!(db.store.find_contact(account.id, "ann").await.unwrap().name(), "Ann");
    match db.store.find_contact(account.id, "an").await.unwrap_err() {
        Error::Ambiguous { candidates, .. } => {
            assert_eq!(candidates.len(), 3);
            assert!(candidates.iter().any(|c| c.starts_with("Dan Brown")), "{candidates:?}");
        }
        other => panic!("expected ambiguous, got {other:?}"),
    }
    assert!(matches!(db.store.find_contact(account.id, "zelda").await, Err(Error::NotFound { .. })));
    assert!(matches!(db.store.find_contact(account.id, "999999").await, Err(Error::NotFound { .. })));
    assert!(matches!(db.store.find_contact(account.id, "nobody@acme.com").await, Err(Error::NotFound { .. })));
});

both!(lists_filter_by_tag_search_stage_and_consent, async |db: &TestDb| {
    let account = db.account().await;
    let mut ann = draft("Ann Lee", Some("ann@acme.com"));
    ann.tags = vec![Tag::parse("prospect").unwrap()];
    ann.organisation = Some("Acme Widgets".into());
    ann.stage = Some(Stage::Prospect);
    let ann = db.store.create_contact(account.id, &ann, now()).await.unwrap();
    let mut bob = draft("Bob Stone", Some("bob@stone.example"));
    bob.tags = vec![Tag::parse("client").unwrap()];
    bob.stage = Some(Stage::Client);
    let bob = db.store.create_contact(account.id, &bob, now()).await.unwrap();
    db.store.create_contact(account.id, &draft("100% Legit_Name", None), now()).await.unwrap();
    let ids = |contacts: Vec<tickler_core::contact::Contact>| contacts.iter().map(|c| c.id).collect::<Vec<_>>();
    let by_tag = ContactFilter { tag: Some(Tag::parse("prospect").unwrap()), ..Default::default() };
    assert_eq!(ids(db.store.contacts(account.id, &by_tag).await.unwrap()), vec![ann.id]);
    let by_org = ContactFilter { search: Some("WIDGETS".into()), ..Default::default() };
    assert_eq!(ids(db.store.contacts(account.id, &by_org).await.unwrap()), vec![ann.id]);
    let by_email = ContactFilter { search: Some("stone.example".into()), ..Default::default() };
    assert_eq!(ids(db.store.contacts(account.id, &by_email).await.unwrap()), vec![bob.id]);
    // LIKE wildcards typed by the user are literal.
    let percent = ContactFilter { search: Some("%".into()), ..Default::default() };
    assert_eq!(db.store.contacts(account.id, &percent).await.unwrap().len(), 1);
    let underscore = ContactFilter { search: Some("y_n".into()), ..Default::default() };
    assert!(db.store.contacts(account.id, &underscore).await.unwrap().is_empty());
    let clients = ContactFilter { stage: Some(Stage::Client), ..Default::default() };
    assert_eq!(ids(db.store.contacts(account.id, &clients).await.unwrap()), vec![bob.id]);
    db.store.set_consent(account.id, bob.id, ConsentState::DoNotContact, None, "asked", now()).await.unwrap();
    let never = ContactFilter { consent: Some(ConsentState::DoNotContact), ..Default::default() };
    assert_eq!(ids(db.store.contacts(account.id, &never).await.unwrap()), vec![bob.id]);
    let page = ContactFilter { limit: Some(1), offset: 1, ..Default::default() };
    let second = db.store.contacts(account.id, &page).await.unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].name(), "Ann Lee", "sorted by name: 100% Legit_Name, Ann Lee, Bob Stone");
});

both!(edits_replace_fields_and_guard_emails, async |db: &TestDb| {
    let account = db.account().await;
    let ann = db.store.create_contact(account.id, &draft("Ann Lee", Some("ann@acme.com")), now()).await.unwrap();
    let bob = db.store.create_contact(account.id, &draft("Bob", Some("bob@acme.com")), now()).await.unwrap();
    let mut changed = ann.details.clone();
    changed.name = ContactName::parse("Ann Lee-Smith").unwrap();
    changed.tags = vec![Tag::parse("client").unwrap()];
    let later = now() + jiff::SignedDuration::from_hours(1);
    let updated = db.store.update_contact(account.id, ann.id, &changed, later).await.unwrap();
    assert_eq!(updated.name(), "Ann Lee-Smith");
    assert_eq!(updated.details.emails, ann.details.emails);
    assert_eq!(updated.updated_at, later);
    assert_eq!(updated.created_at, ann.created_at);
    let mut stealing = updated.details.clone();
    stealing.emails.push(EmailAddress::parse("bob@acme.com").unwrap());
    stealing.name = ContactName::parse("Should Not Stick").unwrap();
    assert!(matches!(
        db.store.update_contact(account.id, ann.id, &stealing, later).await,
        Err(Error::Duplicate { .. })
    ));
    let unchanged = db.store.contact(account.id, ann.id).await.unwrap();
    assert_eq!(unchanged, updated);
    assert_eq!(db.store.find_contact(account.id, "bob@acme.com").await.unwrap().id, bob.id);
});

both!(deleting_a_contact_removes_everything_about_them, async |db: &TestDb| {
    let account = db.account().await;
    let referrer = db.store.create_contact(account.id, &draft("Rita", Some("rita@x.example")), now()).await.unwrap();
    let mut ann = draft("Ann", Some("ann@x.example"));
    ann.referred_by = Some(referrer.id);
    let ann = db.store.create_contact(account.id, &ann, now()).await.unwrap();
    let touch = TouchDraft::new(referrer.id, now(), Channel::Call, "hello").unwrap();
    db.store.log_touch(account.id, &touch, now()).await.unwrap();
    db.store.delete_contact(account.id, referrer.id).await.unwrap();
    assert!(matches!(db.store.contact(account.id, referrer.id).await, Err(Error::NotFound { .. })));
    assert!(db.store.touches(account.id, referrer.id).await.unwrap().is_empty());
    assert_eq!(db.store.contact(account.id, ann.id).await.unwrap().details.referred_by, None);
    // The email is free again.
    db.store.create_contact(account.id, &draft("Rita Again", Some("rita@x.example")), now()).await.unwrap();
});

both!(accounts_never_see_each_other, async |db: &TestDb| {
    let mine = db.account().await;
    let settings = tickler_core::account::Settings::new(ZoneName::parse("Europe/Paris").unwrap());
    let theirs = db.store.create_account("other", &settings, now()).await.unwrap();
    let secret = db.store.create_contact(theirs.id, &draft("Secret Sam", Some("sam@acme.com")), now()).await.unwrap();
    // The same email may exist once in each account.
    db.store.create_contact(mine.id, &draft("My Sam", Some("sam@acme.com")), now()).await.unwrap();
    assert!(matches!(db.store.contact(mine.id, secret.id).await, Err(Error::NotFound { .. })));
    assert!(matches!(db.store.find_contact(mine.id, &secret.id.to_string()).await, Err(Error::NotFound { .. })));
    assert!(matches!(db.store.find_contact(mine.id, "secret").await, Err(Error::NotFound { .. })));
    assert_eq!(db.store.find_contact(mine.id, "sam@acme.com").await.unwrap().name(), "My Sam");
    assert!(matches!(db.store.delete_contact(mine.id, secret.id).await, Err(Error::NotFound { .. })));
    assert!(matches!(
        db.store.update_contact(mine.id, secret.id, &draft("Hijack", None), now()).await,
        Err(Error::NotFound { .. })
    ));
    let touch = TouchDraft::new(secret.id, now(), Channel::Call, "peek").unwrap();
    assert!(matches!(db.store.log_touch(mine.id, &touch, now()).await, Err(Error::NotFound { .. })));
    assert_eq!(db.store.contacts(mine.id, &ContactFilter::default()).await.unwrap().len(), 1);
    assert_eq!(db.store.contact(theirs.id, secret.id).await.unwrap().name(), "Secret Sam");
});

both!(settings_round_trip_and_migrations_rerun_cleanly, async |db: &TestDb| {
    let account = db.account().await;
    let mut settings = account.settings.clone();
    settings.zone = ZoneName::parse("Asia/Tokyo").unwrap();
    settings.pacing_gap_days = 4;
    settings.work_week.days = [true, true, true, true, false, false, true];
    settings.work_week.start = jiff::civil::Time::constant(8, 30, 0, 0);
    assert_eq!(settings.date_order, None, "a new account follows its zone's date order");
    assert_eq!(settings.date_order(), tickler_core::when::DateOrder::Ymd, "Asia/Tokyo writes year first");
    settings.date_order = Some(tickler_core::when::DateOrder::Dmy);
    let saved = db.store.update_settings(account.id, &settings).await.unwrap();
    assert_eq!(saved.settings, settings);
    assert_eq!(saved.settings.date_order(), tickler_core::when::DateOrder::Dmy);
    let again = db.reopen().await;
    let reread = again.default_account(&ZoneName::parse("UTC").unwrap(), now()).await.unwrap();
    assert_eq!(reread, saved, "the first account is reused, not recreated");
    settings.date_order = None;
    let cleared = again.update_settings(account.id, &settings).await.unwrap();
    assert_eq!(cleared.settings.date_order, None, "clearing the order goes back to the zone's");
});

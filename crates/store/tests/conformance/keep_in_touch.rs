//! Keep in touch: tag cadences, and who has a cadence to keep with their last
//! touch (any channel or direction), "not now" and "never" left out, snoozes kept.

use jiff::SignedDuration;
use tickler_core::cadence::Cadence;
use tickler_core::consent::ConsentState;
use tickler_core::contact::Tag;
use tickler_core::touch::{Channel, Direction, TouchDraft};
use tickler_test_support::both;

use crate::common::{TestDb, now};
use crate::contacts::draft;

both!(contacts_with_a_cadence_come_with_their_last_touch, async |db: &TestDb| {
    let account = db.account().await;
    let days = |n: i64| now() - SignedDuration::from_hours(24 * n);
    let quarter = Cadence::parse("every quarter").unwrap();
    let month = Cadence::parse("every month").unwrap();
    let clients = Tag::parse("clients").unwrap();
    db.store.set_tag_cadence(account.id, &clients, Some(quarter)).await.unwrap();
    db.store.set_tag_cadence(account.id, &Tag::parse("friends").unwrap(), Some(month)).await.unwrap();
    assert_eq!(db.store.tag_cadences(account.id).await.unwrap().len(), 2);

    let mut ann = draft("Ann Lee", Some("ann@acme.com"));
    ann.cadence = Some(Cadence::parse("every 30 days").unwrap());
    let ann = db.store.create_contact(account.id, &ann, days(100)).await.unwrap();
    assert_eq!(ann.details.cadence.map(Cadence::as_stored).as_deref(), Some("30 days"), "the cadence is stored");
    let mut bo = draft("Bo Chen", None);
    bo.tags = vec![clients.clone(), Tag::parse("friends").unwrap()];
    let bo = db.store.create_contact(account.id, &bo, days(100)).await.unwrap();
    let mut cy = draft("Cy Nash", None);
    cy.tags = vec![clients.clone()];
    let cy = db.store.create_contact(account.id, &cy, days(100)).await.unwrap();
    db.store.create_contact(account.id, &draft("No Cadence", None), days(100)).await.unwrap();
    // A touch of any channel and direction counts: an email they sent, a call we made.
    let mut inbound = TouchDraft::new(ann.id, days(47), Channel::Email, "Re: pricing").unwrap();
    inbound.direction = Direction::In;
    db.store.log_touch(account.id, &inbound, days(47)).await.unwrap();
    db.store
        .log_touch(account.id, &TouchDraft::new(ann.id, days(60), Channel::Call, "x").unwrap(), now())
        .await
        .unwrap();
    db.store.log_touch(account.id, &TouchDraft::new(bo.id, days(5), Channel::Call, "y").unwrap(), now()).await.unwrap();
    // "Not now" is left out.
    db.store.set_consent(account.id, cy.id, ConsentState::NotNow, None, "busy season", now()).await.unwrap();

    let rows = db.store.keep_in_touch(account.id).await.unwrap();
    let names: Vec<&str> = rows.iter().map(|row| row.name.as_str()).collect();
    assert_eq!(names, ["Ann Lee", "Bo Chen"], "no cadence and not-now are left out");
    assert_eq!(rows[0].last_touch_at, Some(days(47)), "the latest touch, whatever its direction");
    assert_eq!(rows[0].own, Some(Cadence::parse("30 days").unwrap()));
    assert_eq!(rows[1].own, None);
    assert_eq!(rows[1].of_tags, [quarter, month], "each tag's cadence, by tag");
    assert_eq!(rows[1].created_at, days(100));

    db.store.snooze_reconnect(account.id, ann.id, now() + SignedDuration::from_hours(24)).await.unwrap();
    let rows = db.store.keep_in_touch(account.id).await.unwrap();
    assert_eq!(rows[0].reconnect_after, Some(now() + SignedDuration::from_hours(24)));
    db.store.set_tag_cadence(account.id, &clients, None).await.unwrap();
    db.store.set_tag_cadence(account.id, &Tag::parse("friends").unwrap(), None).await.unwrap();
    let rows = db.store.keep_in_touch(account.id).await.unwrap();
    assert_eq!(rows.len(), 1, "without its tags' cadences Bo has none");
    let missing = db.store.snooze_reconnect(account.id, tickler_core::ids::ContactId::new(999_999), now()).await;
    assert!(matches!(missing, Err(tickler_store::Error::NotFound { .. })));
});

//! Mail synced from users' own mailboxes: an email touch is recorded once
//! per account, Message-ID, contact and direction; an inbound reply stops
//! plans and cancels the follow-ups that waited for it, saying why; bounces
//! mark an address (at once when permanent, after the limit when soft) and
//! plan emails skip it; unknown correspondents are listed until they become
//! contacts or are dismissed; a new address secret retires the old one.

use jiff::SignedDuration;
use tickler_core::follow_up::{Due, FollowUpDraft, FollowUpState, Origin};
use tickler_core::ids::UserId;
use tickler_core::plan::{EnrollmentState, PlanDraft, Step};
use tickler_core::touch::{Channel, Direction, Outcome};
use tickler_core::user::UserDraft;
use tickler_store::{SOFT_BOUNCE_LIMIT, StepRun, SyncedEmail, SyncedTouch, UnknownNote};
use tickler_test_support::both;

use crate::common::{TestDb, now};
use crate::contacts::draft;

fn synced<'a>(
    account_id: tickler_core::ids::AccountId,
    contact_id: tickler_core::ids::ContactId,
    direction: Direction,
    replied: bool,
) -> SyncedEmail<'a> {
    SyncedEmail {
        account_id,
        message_id: "<m1@acme.example>",
        contact_id,
        direction,
        at: now() - SignedDuration::from_hours(1),
        summary: "Quote — here it is",
        replied,
    }
}

/// Record one synced email on its own: what it came to (None: recorded before).
async fn record(db: &TestDb, email: &SyncedEmail<'_>) -> Option<SyncedTouch> {
    db.store.record_mail(std::slice::from_ref(email), &[], now()).await.unwrap().remove(0)
}

async fn user(db: &TestDb, email: &str) -> UserId {
    let account = db.account().await.id;
    db.store
        .create_user(account, &UserDraft::new(email, "", false).unwrap(), "x", &format!("cal-secret-{email}"), now())
        .await
        .unwrap()
        .id
}

both!(an_email_is_recorded_once_per_contact_and_direction, async |db: &TestDb| {
    let account = db.account().await.id;
    let ann = db.store.create_contact(account, &draft("Ann Lee", Some("ann@acme.com")), now()).await.unwrap().id;
    let sent = record(db, &synced(account, ann, Direction::Out, false)).await.unwrap();
    assert_eq!(sent.touch.direction, Direction::Out);
    assert_eq!(sent.touch.channel, Channel::Email);
    assert_eq!(sent.touch.summary, "Quote — here it is");
    assert_eq!(sent.touch.at, now() - SignedDuration::from_hours(1));
    assert!(record(db, &synced(account, ann, Direction::Out, false)).await.is_none());
    // The same message the other way (a log of a forward) is its own touch.
    assert!(record(db, &synced(account, ann, Direction::In, false)).await.is_some());
    assert_eq!(db.store.touches(account, ann).await.unwrap().len(), 2);
    // A synced outbound email counts as the last touch.
    assert_eq!(db.store.last_touch(account, ann).await.unwrap().unwrap().direction, Direction::In);
});

both!(a_reply_stops_plans_and_cancels_waiting_follow_ups, async |db: &TestDb| {
    let account = db.account().await.id;
    let ann = db.store.create_contact(account, &draft("Ann Lee", Some("ann@acme.com")), now()).await.unwrap().id;
    let steps = vec![Step::email("3 days", "Checking in", "Hi").unwrap()];
    let plan = db.store.create_plan(account, &PlanDraft::new("Nudge", "", false, steps).unwrap(), now()).await.unwrap();
    db.store.enroll(account, plan.id, ann, now()).await.unwrap();
    let zone = tickler_core::contact::ZoneName::parse("America/New_York").unwrap();
    let due = Due { date: jiff::civil::date(2026, 11, 27), time: None, zone };
    let waiting = FollowUpDraft {
        until_reply: true,
        ..FollowUpDraft::new(ann, due.clone(), Channel::Email, "Quote", Origin::Inbound).unwrap()
    };
    let waiting = db.store.schedule_follow_up(account, &waiting, false, now()).await.unwrap().follow_up;
    assert!(waiting.until_reply);
    let other = FollowUpDraft::new(ann, due, Channel::Call, "Call", Origin::Manual).unwrap();
    let other = db.store.schedule_follow_up(account, &other, true, now()).await.unwrap().follow_up;

    let reply = record(db, &synced(account, ann, Direction::In, true)).await.unwrap();
    assert_eq!(reply.touch.outcome, Some(Outcome::Replied));
    assert_eq!(reply.stopped, vec!["Nudge".to_string()]);
    assert_eq!(reply.cancelled, vec![waiting.id]);
    let cancelled = db.store.follow_up(account, waiting.id).await.unwrap();
    assert_eq!(cancelled.state, FollowUpState::Cancelled);
    assert_eq!(cancelled.closed_reason.as_deref(), Some("Ann Lee replied first"));
    // A follow-up that was not waiting for a reply stays open.
    assert_eq!(db.store.follow_up(account, other.id).await.unwrap().state, FollowUpState::Open);
    let enrollment = db.store.enrollments(account, Some(ann)).await.unwrap().remove(0);
    assert_eq!(enrollment.state, EnrollmentState::Stopped);
});

both!(an_outbound_sync_never_stops_anything, async |db: &TestDb| {
    let account = db.account().await.id;
    let ann = db.store.create_contact(account, &draft("Ann Lee", Some("ann@acme.com")), now()).await.unwrap().id;
    let zone = tickler_core::contact::ZoneName::parse("America/New_York").unwrap();
    let due = Due { date: jiff::civil::date(2026, 11, 27), time: None, zone };
    let waiting = FollowUpDraft {
        until_reply: true,
        ..FollowUpDraft::new(ann, due, Channel::Email, "Quote", Origin::Inbound).unwrap()
    };
    let waiting = db.store.schedule_follow_up(account, &waiting, false, now()).await.unwrap().follow_up;
    let sent = record(db, &synced(account, ann, Direction::Out, true)).await.unwrap();
    assert_eq!(sent.touch.outcome, None);
    assert!(sent.cancelled.is_empty());
    assert_eq!(db.store.follow_up(account, waiting.id).await.unwrap().state, FollowUpState::Open);
});

both!(contacts_are_found_by_address_and_thread, async |db: &TestDb| {
    let account = db.account().await.id;
    let ann = db.store.create_contact(account, &draft("Ann Lee", Some("ann@acme.com")), now()).await.unwrap().id;
    let bob = db.store.create_contact(account, &draft("Bob Roe", Some("bob@roe.example")), now()).await.unwrap().id;
    let found = db
        .store
        .contacts_with_emails(account, &["bob@roe.example".into(), "nobody@x.example".into(), "ann@acme.com".into()])
        .await
        .unwrap();
    assert_eq!(found.iter().map(|k| k.contact_id).collect::<Vec<_>>(), vec![bob, ann]);
    assert_eq!(found[0].contact_name, "Bob Roe");
    // Another account sees none of them.
    let other = tickler_core::ids::AccountId::new(account.get() + 1000);
    assert!(db.store.contacts_with_emails(other, &["ann@acme.com".into()]).await.unwrap().is_empty());
    record(db, &synced(account, bob, Direction::Out, false)).await;
    let thread =
        db.store.thread_contacts_by_message(account, &["<zzz@x>".into(), "<m1@acme.example>".into()]).await.unwrap();
    assert_eq!(thread, vec![("<m1@acme.example>".to_string(), bob)]);
    assert!(db.store.sent_by_tickler_among(&["<m1@acme.example>".into()]).await.unwrap().is_empty());
});

both!(a_batch_of_mail_is_recorded_as_one_by_one_would, async |db: &TestDb| {
    let account = db.account().await.id;
    let sam = user(db, "sam@stone.example").await;
    let ann = db.store.create_contact(account, &draft("Ann Lee", Some("ann@acme.com")), now()).await.unwrap().id;
    let bob = db.store.create_contact(account, &draft("Bob Roe", Some("bob@roe.example")), now()).await.unwrap().id;
    let cat = db.store.create_contact(account, &draft("Cat Poe", Some("cat@poe.example")), now()).await.unwrap().id;
    let steps = vec![Step::email("3 days", "Checking in", "Hi").unwrap()];
    let plan = db.store.create_plan(account, &PlanDraft::new("Nudge", "", false, steps).unwrap(), now()).await.unwrap();
    db.store.enroll(account, plan.id, bob, now()).await.unwrap();
    let zone = tickler_core::contact::ZoneName::parse("America/New_York").unwrap();
    let due = Due { date: jiff::civil::date(2026, 11, 27), time: None, zone };
    let waiting = FollowUpDraft {
        until_reply: true,
        ..FollowUpDraft::new(cat, due, Channel::Email, "Quote", Origin::Inbound).unwrap()
    };
    let waiting = db.store.schedule_follow_up(account, &waiting, false, now()).await.unwrap().follow_up;
    record(db, &synced(account, ann, Direction::In, true)).await.unwrap();

    let email = |message_id, contact_id, direction| SyncedEmail {
        message_id,
        ..synced(account, contact_id, direction, direction == Direction::In)
    };
    let gone = tickler_core::ids::ContactId::new(cat.get() + 1000);
    let emails = [
        email("<m1@acme.example>", ann, Direction::In),
        email("<m2@acme.example>", ann, Direction::In),
        email("<m2@acme.example>", ann, Direction::In),
        email("<m2@acme.example>", bob, Direction::In),
        email("<m3@acme.example>", cat, Direction::In),
        email("<m3@acme.example>", gone, Direction::In),
        email("<m4@stone.example>", ann, Direction::Out),
    ];
    let note =
        |email, name, direction| UnknownNote { user_id: sam, account_id: account, email, name, direction, at: now() };
    let unknown = [
        note("Zoe@Zed.example", "Zoe Zed", Direction::Out),
        note("zoe@zed.example", "", Direction::In),
        note("yan@y.example", "Yan", Direction::In),
    ];
    let recorded = db.store.record_mail(&emails, &unknown, now()).await.unwrap();
    let made: Vec<bool> = recorded.iter().map(Option::is_some).collect();
    assert_eq!(made, vec![false, true, false, true, true, false, true], "{recorded:?}");
    let ann_reply = recorded[1].as_ref().unwrap();
    assert_eq!((ann_reply.contact_name.as_str(), ann_reply.touch.outcome), ("Ann Lee", Some(Outcome::Replied)));
    assert!(ann_reply.stopped.is_empty() && ann_reply.cancelled.is_empty());
    assert_eq!(recorded[3].as_ref().unwrap().stopped, vec!["Nudge".to_string()]);
    assert_eq!(recorded[4].as_ref().unwrap().cancelled, vec![waiting.id]);
    assert_eq!(db.store.follow_up(account, waiting.id).await.unwrap().state, FollowUpState::Cancelled);
    let sent = recorded[6].as_ref().unwrap();
    assert_eq!((sent.touch.direction, sent.touch.outcome), (Direction::Out, None));
    assert_eq!(db.store.touches(account, ann).await.unwrap().len(), 3);
    // Read again, the batch records nothing more.
    let again = db.store.record_mail(&emails, &[], now()).await.unwrap();
    assert!(again.iter().all(Option::is_none), "{again:?}");
    assert_eq!(db.store.touches(account, ann).await.unwrap().len(), 3);
    // The strangers are merged as one by one would note them.
    let listed = db.store.unknown_correspondents(sam).await.unwrap();
    let listed: Vec<(&str, &str, i64, i64)> =
        listed.iter().map(|p| (p.email.as_str(), p.name.as_str(), p.sent, p.received)).collect();
    assert_eq!(listed, vec![("yan@y.example", "Yan", 0, 1), ("zoe@zed.example", "Zoe Zed", 1, 1)]);
    db.store.record_mail(&[], &[note("yan@y.example", "", Direction::Out)], now()).await.unwrap();
    let yan = db.store.unknown_correspondents(sam).await.unwrap().remove(0);
    assert_eq!((yan.email.as_str(), yan.name.as_str(), yan.sent, yan.received), ("yan@y.example", "Yan", 1, 1));
    // The batch lookups answer as the single ones do.
    let ids: Vec<String> = vec!["<m4@stone.example>".into(), "<zzz@x>".into(), "<m2@acme.example>".into()];
    assert_eq!(
        db.store.thread_contacts_by_message(account, &ids).await.unwrap(),
        vec![("<m4@stone.example>".to_string(), ann)]
    );
    assert!(db.store.sent_by_tickler_among(&ids).await.unwrap().is_empty());
});

both!(a_batch_keeps_every_character_of_its_text, async |db: &TestDb| {
    let account = db.account().await.id;
    let sam = user(db, "sam@stone.example").await;
    let ann = db.store.create_contact(account, &draft("Ann Lee", Some("ann@acme.com")), now()).await.unwrap().id;
    // Quotes, backslashes, a JSON look-alike, accents, an emoji, a tab and a line break.
    let summary = "Re: \"Q4\" quote \\ {\"a\": [1]} — Müller's 😀\tterms\nline two";
    let message_id = "<\"odd\"\\id\u{e9}@acme.example>";
    let emails = [
        SyncedEmail { message_id, summary, ..synced(account, ann, Direction::In, false) },
        SyncedEmail { message_id: "<plain@acme.example>", summary: "1", ..synced(account, ann, Direction::Out, false) },
    ];
    let unknown = [UnknownNote {
        user_id: sam,
        account_id: account,
        email: "o'brien+\"x\"@zed.example",
        name: "Seán \"Ó\" Brien \\ 李",
        direction: Direction::In,
        at: now(),
    }];
    let recorded = db.store.record_mail(&emails, &unknown, now()).await.unwrap();
    assert_eq!(recorded[0].as_ref().unwrap().touch.summary, summary);
    // A summary that reads as a number stays text.
    assert_eq!(recorded[1].as_ref().unwrap().touch.summary, "1");
    let stored: Vec<String> = db.store.touches(account, ann).await.unwrap().into_iter().map(|t| t.summary).collect();
    assert!(stored.contains(&summary.to_string()), "{stored:?}");
    let listed = db.store.unknown_correspondents(sam).await.unwrap();
    assert_eq!((listed[0].email.as_str(), listed[0].name.as_str()), (unknown[0].email, unknown[0].name));
    // The odd Message-ID is the key: found again, and recorded only once.
    let again = db.store.record_mail(&emails, &[], now()).await.unwrap();
    assert!(again.iter().all(Option::is_none), "{again:?}");
    let ids = vec![message_id.to_string()];
    assert!(db.store.thread_contacts_by_message(account, &ids).await.unwrap().is_empty(), "inbound: no thread");
    let known = db.store.contacts_with_emails(account, &["ann@acme.com".to_string(), "o'x\"@y".to_string()]).await;
    assert_eq!(known.unwrap().iter().map(|k| k.contact_id).collect::<Vec<_>>(), vec![ann]);
});

both!(two_readers_of_one_batch_record_each_touch_once, async |db: &TestDb| {
    let account = db.account().await.id;
    let ann = db.store.create_contact(account, &draft("Ann Lee", Some("ann@acme.com")), now()).await.unwrap().id;
    let bob = db.store.create_contact(account, &draft("Bob Roe", Some("bob@roe.example")), now()).await.unwrap().id;
    let ids = ["<r1@acme.example>", "<r2@acme.example>", "<r3@acme.example>"];
    let emails: Vec<SyncedEmail> = ids
        .iter()
        .flat_map(|id| {
            [ann, bob].map(|contact| SyncedEmail { message_id: id, ..synced(account, contact, Direction::In, true) })
        })
        .collect();
    let (first, second) =
        tokio::join!(db.store.record_mail(&emails, &[], now()), db.store.record_mail(&emails, &[], now()));
    let (first, second) = (first.unwrap(), second.unwrap());
    for (one, other) in first.iter().zip(&second) {
        assert!(one.is_some() != other.is_some(), "each email once: {one:?} / {other:?}");
    }
    assert_eq!(db.store.touches(account, ann).await.unwrap().len(), 3);
    assert_eq!(db.store.touches(account, bob).await.unwrap().len(), 3);
});

both!(bounces_mark_addresses_and_plans_skip_them, async |db: &TestDb| {
    let account = db.account().await.id;
    let mut two = draft("Ann Lee", Some("ann@acme.com"));
    two.emails.push(tickler_core::contact::EmailAddress::parse("ann@home.example").unwrap());
    let ann = db.store.create_contact(account, &two, now()).await.unwrap().id;
    let quiet = db.store.create_contact(account, &draft("No Mail", None), now()).await.unwrap().id;
    for contact in [ann, quiet] {
        let due = crate::follow_ups::day_due(2026, 12, 1);
        db.store.schedule_follow_up(account, &crate::follow_ups::follow(contact, due), true, now()).await.unwrap();
    }
    // The agenda says whether email can reach each contact: all their addresses bounced, or not.
    let unreachable = async |contact| {
        let rows = db.store.agenda(account, now() + SignedDuration::from_hours(24 * 400), 500).await.unwrap();
        let row = rows.iter().find(|row| row.follow_up.contact_id == contact).expect("a follow-up on the agenda");
        row.email_undeliverable
    };
    assert!(!unreachable(ann).await && !unreachable(quiet).await, "nothing bounced yet; no address is not a bounce");
    let soft = db.store.record_bounce(account, "ANN@acme.com", false, "4.2.2 mailbox full", now()).await.unwrap();
    assert_eq!(soft.contacts, vec![ann]);
    assert!(!soft.undeliverable);
    assert!(db.store.undeliverable_emails(account, ann).await.unwrap().is_empty());
    for _ in 1..SOFT_BOUNCE_LIMIT {
        db.store.record_bounce(account, "ann@acme.com", false, "4.2.2 mailbox full", now()).await.unwrap();
    }
    let marked = db.store.undeliverable_emails(account, ann).await.unwrap();
    assert_eq!(marked.len(), 1);
    assert_eq!(marked[0].email, "ann@acme.com");
    assert_eq!(marked[0].reason, "4.2.2 mailbox full");
    assert!(!unreachable(ann).await, "one of two addresses bounced: the other still reaches her");
    // A permanent failure marks at once; a stranger's address changes nothing.
    let hard = db.store.record_bounce(account, "nobody@x.example", true, "5.1.1", now()).await.unwrap();
    assert!(hard.contacts.is_empty());

    // The plan email goes to the address that still works.
    let steps = vec![Step::email("same day", "Hello", "Hi").unwrap()];
    let plan = db.store.create_plan(account, &PlanDraft::new("Hello", "", false, steps).unwrap(), now()).await.unwrap();
    db.store.enroll(account, plan.id, ann, now()).await.unwrap();
    let at = now() + SignedDuration::from_hours(2);
    let job = db.store.claim_jobs("test", at, SignedDuration::from_mins(5), 5).await.unwrap().remove(0);
    let StepRun::Send(email) = db.store.claim_plan_step(&job, at).await.unwrap() else { panic!("expected an email") };
    assert_eq!(email.to, "ann@home.example");

    // Both addresses bounced: no email, a task on the agenda says so.
    db.store.record_bounce(account, "ann@home.example", true, "5.1.1 user unknown", now()).await.unwrap();
    assert!(unreachable(ann).await, "both of her addresses bounced");
    let bob = db.store.create_contact(account, &draft("Bob Roe", Some("bob@roe.example")), now()).await.unwrap().id;
    db.store.record_bounce(account, "bob@roe.example", true, "5.1.1 user unknown", now()).await.unwrap();
    db.store.enroll(account, plan.id, bob, now()).await.unwrap();
    let job = db.store.claim_jobs("test", at, SignedDuration::from_mins(5), 5).await.unwrap();
    let job = job.into_iter().find(|job| job.payload != email.enrollment_id.unwrap().to_string()).unwrap();
    let run = db.store.claim_plan_step(&job, at).await.unwrap();
    assert!(matches!(run, StepRun::Closed(_)), "{run:?}");
    let tasks = db.store.follow_ups_of(account, bob).await.unwrap();
    assert!(tasks.iter().any(|task| task.purpose.contains("bounced")), "{tasks:?}");

    assert!(unreachable(bob).await);
    assert_eq!(db.store.clear_bounces(account, "bob@roe.example").await.unwrap(), 1);
    assert!(!unreachable(bob).await, "a cleared bounce reaches him again");
    assert!(db.store.undeliverable_emails(account, bob).await.unwrap().is_empty());
});

both!(unknown_correspondents_are_listed_until_added_or_dismissed, async |db: &TestDb| {
    let account = db.account().await.id;
    let sam = user(db, "sam@stone.example").await;
    let kim = user(db, "kim@stone.example").await;
    let at = now();
    let note =
        |email, name, direction, at| UnknownNote { user_id: sam, account_id: account, email, name, direction, at };
    // Noted one batch at a time, as three syncs would.
    for noted in [
        note("Zoe@Zed.example", "Zoe Zed", Direction::Out, at),
        note("zoe@zed.example", "", Direction::In, at),
        note("yan@y.example", "", Direction::Out, at - SignedDuration::from_hours(1)),
    ] {
        db.store.record_mail(&[], &[noted], now()).await.unwrap();
    }
    let listed = db.store.unknown_correspondents(sam).await.unwrap();
    assert_eq!(listed.iter().map(|p| p.email.as_str()).collect::<Vec<_>>(), vec!["zoe@zed.example", "yan@y.example"]);
    assert_eq!((listed[0].sent, listed[0].received, listed[0].name.as_str()), (1, 1, "Zoe Zed"));
    // Another user's list is their own.
    assert!(db.store.unknown_correspondents(kim).await.unwrap().is_empty());
    // Becoming a contact takes them off; so does dismissing.
    db.store.create_contact(account, &draft("Zoe Zed", Some("zoe@zed.example")), now()).await.unwrap();
    assert!(db.store.dismiss_unknown_correspondent(sam, "yan@y.example", now()).await.unwrap());
    assert!(!db.store.dismiss_unknown_correspondent(sam, "yan@y.example", now()).await.unwrap());
    assert!(db.store.unknown_correspondents(sam).await.unwrap().is_empty());
});

both!(a_new_address_secret_retires_the_old_one, async |db: &TestDb| {
    let account = db.account().await.id;
    let sam = user(db, "sam@stone.example").await;
    assert_eq!(db.store.address_secret(sam).await.unwrap(), None);
    db.store.replace_address_secret(sam, "k7f2m4qx", now()).await.unwrap();
    assert_eq!(db.store.address_secret_owner("K7F2M4QX").await.unwrap(), Some((sam, account)));
    db.store.replace_address_secret(sam, "p9r3t5vw", now()).await.unwrap();
    assert_eq!(db.store.address_secret(sam).await.unwrap().as_deref(), Some("p9r3t5vw"));
    assert_eq!(db.store.address_secret_owner("k7f2m4qx").await.unwrap(), None);
    assert_eq!(db.store.own_addresses(sam).await.unwrap(), vec!["sam@stone.example".to_string()]);
    assert!(!db.store.reviews_unknown(sam).await.unwrap());
});

both!(a_mail_action_is_claimed_once, async |db: &TestDb| {
    let account = db.account().await.id;
    assert!(db.store.claim_mail_action(account, "<m@x>", "remind", now()).await.unwrap());
    assert!(!db.store.claim_mail_action(account, "<m@x>", "remind", now()).await.unwrap());
    assert!(db.store.claim_mail_action(account, "<m@x>", "unreadable", now()).await.unwrap());
    db.store.note_mailbox_state("user 1: imap://x", 3, Some("no answer"), now()).await.unwrap();
    db.store.note_mailbox_state("user 1: imap://x", 2, None, now()).await.unwrap();
    assert_eq!(db.store.mailbox_state("user 1: imap://x").await.unwrap(), (5, None));
});

//! Replies: an inbound email that names a plan email in its thread (or comes
//! from a contact we emailed) is recorded once as an inbound "replied" touch
//! that stops the contact's plans; our own emails, strangers and contacts we
//! never emailed change nothing; the poller's place in a mailbox only moves
//! forward within one UIDVALIDITY.

use jiff::{SignedDuration, Timestamp};
use tickler_core::ids::{AccountId, ContactId};
use tickler_core::plan::{EnrollmentState, PlanDraft, Step};
use tickler_core::reply::{InboundReply, ReplyParts};
use tickler_core::touch::{Direction, Outcome};
use tickler_store::{Delivery, MailboxPoll, OutboundEmail, ReplyOutcome, StepRun};
use tickler_test_support::both;

use crate::common::{TestDb, now};
use crate::contacts::draft;

/// Ann in a two-email plan whose first email has been sent at `now()`; returns (account, contact, sent email).
async fn ann_emailed(db: &TestDb) -> (AccountId, ContactId, OutboundEmail) {
    let account = db.account().await.id;
    let steps = vec![
        Step::email("same day", "Thank you, {{ contact.first_name }}", "Hi {{ contact.first_name }}").unwrap(),
        Step::email("2 days", "One more idea", "Here it is").unwrap(),
    ];
    let plan =
        db.store.create_plan(account, &PlanDraft::new("Thanks plan", "", false, steps).unwrap(), now()).await.unwrap();
    let ann = db.store.create_contact(account, &draft("Ann Lee", Some("ann@acme.com")), now()).await.unwrap().id;
    db.store.enroll(account, plan.id, ann, now()).await.unwrap();
    (account, ann, send_due(db, now()).await.remove(0))
}

/// Claim every due plan step at `at` and record each email as sent.
async fn send_due(db: &TestDb, at: Timestamp) -> Vec<OutboundEmail> {
    let mut sent = Vec::new();
    for job in db.store.claim_jobs("test", at, SignedDuration::from_mins(5), 50).await.unwrap() {
        if let StepRun::Send(email) = db.store.claim_plan_step(&job, at).await.unwrap() {
            db.store.mark_delivered(&[(email.outbox_id, "250 ok".into())], at).await.unwrap();
            let delivery = Delivery { job, email: (*email).clone(), result: Ok(()) };
            db.store.record_sends(&[delivery], at).await.unwrap();
            sent.push(*email);
        }
    }
    sent
}

fn reply(message_id: Option<&str>, in_reply_to: &[&str], references: &[&str], from: &str) -> InboundReply {
    let in_reply_to: Vec<String> = in_reply_to.iter().map(|id| id.to_string()).collect();
    let references: Vec<String> = references.iter().map(|id| id.to_string()).collect();
    InboundReply::new(&ReplyParts {
        message_id,
        in_reply_to: &in_reply_to,
        references: &references,
        from: Some(from),
        dated: Some(now() + SignedDuration::from_hours(1)),
        subject: "Re: Thank you, Ann",
        snippet: "Thanks Sam, let's talk Tuesday.",
    })
}

fn recorded(outcome: ReplyOutcome) -> Vec<tickler_store::RecordedReply> {
    match outcome {
        ReplyOutcome::Recorded(replies) => replies,
        other => panic!("expected the reply to be recorded, got {other:?}"),
    }
}

both!(a_reply_to_a_plan_email_stops_the_plan_once, async |db: &TestDb| {
    let (account, ann, sent) = ann_emailed(db).await;
    let later = now() + SignedDuration::from_hours(2);
    let answer = reply(Some("<r1@acme.com>"), &[&sent.message_id], &[&sent.message_id], "someone@else.example");
    let replies = recorded(db.store.record_reply(&answer, later).await.unwrap());
    assert_eq!(replies.len(), 1);
    let replied = &replies[0];
    assert_eq!((replied.account_id, replied.contact_id, replied.contact_name.as_str()), (account, ann, "Ann Lee"));
    assert_eq!(replied.outbox_id, Some(sent.outbox_id));
    assert_eq!(replied.stopped, ["Thanks plan"]);
    assert_eq!((replied.touch.direction, replied.touch.outcome), (Direction::In, Some(Outcome::Replied)));
    assert_eq!(replied.touch.summary, "Re: Thank you, Ann — Thanks Sam, let's talk Tuesday.");
    assert_eq!(replied.touch.at, now() + SignedDuration::from_hours(1));
    let enrollment = &db.store.enrollments(account, Some(ann)).await.unwrap()[0];
    assert_eq!((enrollment.state, enrollment.stop_reason.as_deref()), (EnrollmentState::Stopped, Some("replied")));
    // Read again (a second poller, a rescan): nothing more is written.
    assert_eq!(db.store.record_reply(&answer, later).await.unwrap(), ReplyOutcome::AlreadyRecorded);
    let reopened = db.reopen().await;
    assert_eq!(reopened.record_reply(&answer, later).await.unwrap(), ReplyOutcome::AlreadyRecorded);
    let touches = db.store.touches(account, ann).await.unwrap();
    assert_eq!(touches.iter().filter(|touch| touch.direction == Direction::In).count(), 1);
    // The plan's second email is never sent.
    assert!(send_due(db, now() + SignedDuration::from_hours(72)).await.is_empty());
});

both!(replies_match_by_references_or_by_the_sender, async |db: &TestDb| {
    let (account, ann, sent) = ann_emailed(db).await;
    let later = now() + SignedDuration::from_hours(2);
    // A longer thread: our email is one of several references, the direct parent is someone else's.
    let deep = reply(
        Some("<r2@acme.com>"),
        &["<colleague@acme.com>"],
        &["<older@x>", &sent.message_id, "<colleague@acme.com>"],
        "boss@acme.com",
    );
    assert_eq!(recorded(db.store.record_reply(&deep, later).await.unwrap())[0].outbox_id, Some(sent.outbox_id));
    // No thread at all (a fresh email from Ann): her address is enough, in any case.
    let fresh = reply(Some("<r3@acme.com>"), &[], &[], "ANN@Acme.com");
    let by_sender = recorded(db.store.record_reply(&fresh, later).await.unwrap());
    assert_eq!((by_sender[0].contact_id, by_sender[0].outbox_id), (ann, None));
    // Written before our email went out: not an answer to it.
    let mut early = reply(Some("<r4@acme.com>"), &[], &[], "ann@acme.com");
    early.dated = Some(now() - SignedDuration::from_hours(3));
    assert_eq!(db.store.record_reply(&early, later).await.unwrap(), ReplyOutcome::Unmatched);
    // Bob is a contact, but we never emailed him; a stranger is nobody.
    db.store.create_contact(account, &draft("Bob Ray", Some("bob@ray.example")), now()).await.unwrap();
    for stranger in ["bob@ray.example", "who@else.example"] {
        let unrelated = reply(Some("<u@x>"), &["<not-ours@x>"], &[], stranger);
        assert_eq!(db.store.record_reply(&unrelated, later).await.unwrap(), ReplyOutcome::Unmatched);
    }
    // A copy of our own email in the mailbox is not a reply.
    let own = reply(Some(&sent.message_id), &[], &[], "ann@acme.com");
    assert_eq!(db.store.record_reply(&own, later).await.unwrap(), ReplyOutcome::OwnEmail);
    let inbound = db.store.touches(account, ann).await.unwrap().into_iter().filter(|t| t.direction == Direction::In);
    assert_eq!(inbound.count(), 2);
});

both!(a_reply_without_message_id_is_recorded_once, async |db: &TestDb| {
    let (account, ann, sent) = ann_emailed(db).await;
    let later = now() + SignedDuration::from_hours(2);
    let answer = reply(None, &[&sent.message_id], &[], "ann@acme.com");
    assert_eq!(recorded(db.store.record_reply(&answer, later).await.unwrap()).len(), 1);
    let again = reply(None, &[&sent.message_id], &[], "ann@acme.com");
    assert_eq!(db.store.record_reply(&again, later).await.unwrap(), ReplyOutcome::AlreadyRecorded);
    let inbound = db.store.touches(account, ann).await.unwrap().into_iter().filter(|t| t.direction == Direction::In);
    assert_eq!(inbound.count(), 1);
});

both!(a_sender_match_stays_in_the_accounts_that_emailed_them, async |db: &TestDb| {
    let (account, ann, _) = ann_emailed(db).await;
    let settings = db.account().await.settings;
    let other = db.store.create_account("other", &settings, now()).await.unwrap().id;
    let theirs = db.store.create_contact(other, &draft("Ann Lee", Some("ann@acme.com")), now()).await.unwrap().id;
    let fresh = reply(Some("<r5@acme.com>"), &[], &[], "ann@acme.com");
    let replies = recorded(db.store.record_reply(&fresh, now() + SignedDuration::from_hours(2)).await.unwrap());
    assert_eq!(replies.iter().map(|r| (r.account_id, r.contact_id)).collect::<Vec<_>>(), [(account, ann)]);
    assert!(db.store.touches(other, theirs).await.unwrap().is_empty());
});

both!(the_mailbox_mark_only_moves_forward_within_a_uidvalidity, async |db: &TestDb| {
    let mailbox = "imap://sam@mail.example:993/INBOX";
    assert_eq!(db.store.mailbox_poll(mailbox).await.unwrap(), None);
    let poll = |uid_validity, last_uid| MailboxPoll { uid_validity, last_uid };
    db.store.save_mailbox_poll(mailbox, poll(7, 10), now()).await.unwrap();
    assert_eq!(db.store.mailbox_poll(mailbox).await.unwrap(), Some(poll(7, 10)));
    db.store.save_mailbox_poll(mailbox, poll(7, 4), now()).await.unwrap();
    assert_eq!(db.reopen().await.mailbox_poll(mailbox).await.unwrap(), Some(poll(7, 10)));
    db.store.save_mailbox_poll(mailbox, poll(8, 2), now()).await.unwrap();
    assert_eq!(db.store.mailbox_poll(mailbox).await.unwrap(), Some(poll(8, 2)));
    db.store.save_mailbox_poll(mailbox, poll(8, u32::MAX), now()).await.unwrap();
    assert_eq!(db.store.mailbox_poll(mailbox).await.unwrap(), Some(poll(8, u32::MAX)));
    assert_eq!(db.store.mailbox_poll("imap://other").await.unwrap(), None);
});

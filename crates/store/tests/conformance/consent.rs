//! Consent: "never" cancels and refuses everything, "not now" leaves only the
//! re-ask, every change is recorded, and a concurrent "never" always wins.

use jiff::civil::date;
use tickler_core::consent::ConsentState;
use tickler_core::follow_up::{FollowUpDraft, FollowUpState, Origin};
use tickler_core::promise::{PromiseDraft, PromiseState};
use tickler_core::timeline::Entry;
use tickler_core::touch::{Channel, Outcome, TouchDraft};
use tickler_store::Error;
use tickler_test_support::both;

use crate::common::{TestDb, now};
use crate::contacts::draft;
use crate::follow_ups::{day_due, follow};

both!(never_cancels_everything_and_refuses_more, async |db: &TestDb| {
    let account = db.account().await;
    let ann = db.store.create_contact(account.id, &draft("Ann", Some("ann@acme.com")), now()).await.unwrap();
    let open =
        db.store.schedule_follow_up(account.id, &follow(ann.id, day_due(2026, 12, 1)), false, now()).await.unwrap();
    let told = now() + jiff::SignedDuration::from_hours(30);
    let promise = PromiseDraft::new(ann.id, "send quote", now(), told, account.settings.zone.clone()).unwrap();
    let promise = db.store.create_promise(account.id, &promise, now()).await.unwrap();
    let mut touch = TouchDraft::new(ann.id, now(), Channel::Email, "Please never contact me again").unwrap();
    touch.outcome = Some(Outcome::Never);
    let logged = db.store.log_touch(account.id, &touch, now()).await.unwrap();
    let change = logged.consent.expect("a never outcome changes consent");
    assert_eq!(change.state, ConsentState::DoNotContact);
    assert!(change.reason.contains("never contact me"), "{}", change.reason);
    assert_eq!(db.store.contact(account.id, ann.id).await.unwrap().consent.state, ConsentState::DoNotContact);
    assert_eq!(db.store.follow_up(account.id, open.follow_up.id).await.unwrap().state, FollowUpState::Cancelled);
    assert_eq!(db.store.promises_of(account.id, ann.id).await.unwrap()[0].state, PromiseState::Cancelled);
    assert!(db.store.open_promises(account.id).await.unwrap().iter().all(|(p, _)| p.id != promise.id));
    let again = db.store.schedule_follow_up(account.id, &follow(ann.id, day_due(2027, 6, 1)), true, now()).await;
    match again {
        Err(Error::Domain(tickler_core::Error::Refused(message))) => {
            assert!(message.contains("do-not-contact"), "{message}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let re_ask = FollowUpDraft::new(ann.id, day_due(2027, 6, 1), Channel::Email, "re-ask", Origin::ReAsk).unwrap();
    assert!(db.store.schedule_follow_up(account.id, &re_ask, true, now()).await.is_err(), "not even a re-ask");
    let new_promise = PromiseDraft::new(ann.id, "x", now(), told, account.settings.zone.clone()).unwrap();
    assert!(db.store.create_promise(account.id, &new_promise, now()).await.is_err());
    assert_eq!(db.store.follow_ups_of(account.id, ann.id).await.unwrap().len(), 1, "nothing new was written");
});

both!(not_now_leaves_only_the_re_ask, async |db: &TestDb| {
    let account = db.account().await;
    let ann = db.store.create_contact(account.id, &draft("Ann", None), now()).await.unwrap();
    let open =
        db.store.schedule_follow_up(account.id, &follow(ann.id, day_due(2026, 12, 1)), false, now()).await.unwrap();
    let change = db
        .store
        .set_consent(account.id, ann.id, ConsentState::NotNow, Some(date(2027, 2, 24)), "budget frozen", now())
        .await
        .unwrap();
    assert_eq!(change.until, Some(date(2027, 2, 24)));
    let follow_ups = db.store.follow_ups_of(account.id, ann.id).await.unwrap();
    assert_eq!(follow_ups.len(), 2);
    assert_eq!(follow_ups.iter().find(|f| f.id == open.follow_up.id).unwrap().state, FollowUpState::Cancelled);
    let re_ask = follow_ups.iter().find(|f| f.origin == Origin::ReAsk).expect("a re-ask is scheduled");
    assert_eq!(re_ask.due.date, date(2027, 2, 24));
    assert_eq!(re_ask.state, FollowUpState::Open);
    assert!(re_ask.purpose.contains("budget frozen"));
    let ordinary = db.store.schedule_follow_up(account.id, &follow(ann.id, day_due(2026, 12, 10)), true, now()).await;
    match ordinary {
        Err(Error::Domain(tickler_core::Error::Refused(message))) => {
            assert!(message.contains("until 2027-02-24"), "{message}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    db.store.set_consent(account.id, ann.id, ConsentState::Active, None, "called back early", now()).await.unwrap();
    db.store.schedule_follow_up(account.id, &follow(ann.id, day_due(2026, 12, 10)), true, now()).await.unwrap();
    let history = db.store.consent_changes(account.id, ann.id).await.unwrap();
    let states: Vec<ConsentState> = history.iter().map(|c| c.state).collect();
    assert_eq!(states, vec![ConsentState::NotNow, ConsentState::Active]);
    assert_eq!(history[1].reason, "called back early");
});

both!(the_timeline_holds_every_kind_newest_first, async |db: &TestDb| {
    let account = db.account().await;
    let ann = db.store.create_contact(account.id, &draft("Ann", None), now()).await.unwrap();
    let earlier = now() - jiff::SignedDuration::from_hours(50);
    db.store
        .log_touch(account.id, &TouchDraft::new(ann.id, earlier, Channel::Meeting, "intro").unwrap(), now())
        .await
        .unwrap();
    db.store.schedule_follow_up(account.id, &follow(ann.id, day_due(2026, 12, 1)), false, now()).await.unwrap();
    db.store.set_consent(account.id, ann.id, ConsentState::Active, None, "confirmed", now()).await.unwrap();
    let timeline = db.store.timeline(account.id, ann.id).await.unwrap();
    assert_eq!(timeline.len(), 3);
    assert!(matches!(timeline[0], Entry::FollowUp(_)), "the future follow-up is newest");
    assert!(matches!(timeline[1], Entry::Consent(_)));
    assert!(matches!(timeline[2], Entry::Touch(_)));
    assert!(timeline.windows(2).all(|pair| pair[0].at() >= pair[1].at()));
    // Only the account's own contacts have a timeline there: another account's, or none at all, is not found.
    let other = db.store.create_account("Other", &account.settings, now()).await.unwrap();
    assert!(matches!(db.store.timeline(other.id, ann.id).await, Err(Error::NotFound { .. })));
    let missing = tickler_core::ids::ContactId::new(ann.id.get() + 1000);
    assert!(matches!(db.store.timeline(account.id, missing).await, Err(Error::NotFound { .. })));
});

// Many follow-ups are scheduled while, concurrently, the contact becomes
// do-not-contact. Whatever the interleaving, no open follow-up survives.
both!(a_concurrent_never_always_wins, async |db: &TestDb| {
    let account = db.account().await;
    for round in 0..5 {
        let ann = db.store.create_contact(account.id, &draft(&format!("Racer {round}"), None), now()).await.unwrap();
        let mut tasks = Vec::new();
        for i in 0..12 {
            let store = db.store.clone();
            let draft = follow(ann.id, day_due(2027, 1, 1 + i as i8));
            tasks.push(tokio::spawn(async move { store.schedule_follow_up(account.id, &draft, true, now()).await }));
        }
        let store = db.store.clone();
        let never = tokio::spawn(async move {
            store.set_consent(account.id, ann.id, ConsentState::DoNotContact, None, "race", now()).await
        });
        let mut scheduled = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => scheduled += 1,
                Err(Error::Domain(tickler_core::Error::Refused(_))) => {}
                Err(other) => panic!("unexpected error: {other}"),
            }
        }
        never.await.unwrap().unwrap();
        let open: Vec<_> = db
            .store
            .follow_ups_of(account.id, ann.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|f| f.state == FollowUpState::Open)
            .collect();
        assert!(open.is_empty(), "round {round}: {} open follow-ups survived ({scheduled} scheduled)", open.len());
    }
});

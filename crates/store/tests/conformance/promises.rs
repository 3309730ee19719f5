//! Promises: recorded with both deadlines, listed while open, closed kept or late.

use jiff::SignedDuration;
use tickler_core::ids::PromiseId;
use tickler_core::promise::{PromiseDraft, PromiseState};
use tickler_store::Error;
use tickler_test_support::both;

use crate::common::{TestDb, now};
use crate::contacts::draft;

both!(promises_are_kept_on_time_or_late, async |db: &TestDb| {
    let account = db.account().await;
    let ann = db.store.create_contact(account.id, &draft("Ann Lee", None), now()).await.unwrap();
    let aim = now() + SignedDuration::from_hours(1);
    let told = now() + SignedDuration::from_hours(7);
    let zone = account.settings.zone.clone();
    let first = db
        .store
        .create_promise(account.id, &PromiseDraft::new(ann.id, "send quote", aim, told, zone.clone()).unwrap(), now())
        .await
        .unwrap();
    let second = db
        .store
        .create_promise(
            account.id,
            &PromiseDraft::new(ann.id, "intro to Bob", aim, told + SignedDuration::from_hours(1), zone).unwrap(),
            now(),
        )
        .await
        .unwrap();
    assert_eq!((first.aim, first.told, first.state), (aim, told, PromiseState::Open));
    let open = db.store.open_promises(account.id).await.unwrap();
    assert_eq!(
        open.iter().map(|(p, name)| (p.id, name.as_str())).collect::<Vec<_>>(),
        vec![(first.id, "Ann Lee"), (second.id, "Ann Lee")]
    );
    assert!(!first.is_at_risk(now()));
    assert!(first.is_at_risk(aim));
    let kept = db.store.keep_promise(account.id, first.id, now() + SignedDuration::from_hours(2)).await.unwrap();
    assert_eq!(kept.state, PromiseState::Kept);
    let late = db.store.keep_promise(account.id, second.id, told + SignedDuration::from_hours(5)).await.unwrap();
    assert_eq!(late.state, PromiseState::Late);
    assert!(db.store.open_promises(account.id).await.unwrap().is_empty());
    assert!(matches!(db.store.keep_promise(account.id, first.id, now()).await, Err(Error::Domain(_))));
    assert!(matches!(
        db.store.keep_promise(account.id, PromiseId::new(424_242), now()).await,
        Err(Error::NotFound { .. })
    ));
});

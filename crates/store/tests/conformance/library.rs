//! The library: items with tags stored and listed alike on both backends,
//! shares recorded with their touch and email, a backup that carries it all,
//! and `{{ library.next }}` picked where plan steps are claimed: a different
//! item per send, never the same item twice to one contact (even under two
//! claims at once), and a step that waits, saying why, when nothing is left.

use jiff::SignedDuration;
use tickler_core::contact::Tag;
use tickler_core::ids::AccountId;
use tickler_core::library::{ItemDraft, TypedItem};
use tickler_core::plan::{PlanDraft, Step};
use tickler_core::template::Rendered;
use tickler_core::touch::{Channel, Direction, TouchDraft};
use tickler_store::{Backup, MailSettings, StepRun, Store, claim_next_library_item, library_via};
use tickler_test_support::both;

use crate::common::{TestDb, now};
use crate::contacts::draft;

fn item(title: &str, tags: &[&str]) -> ItemDraft {
    let tags: Vec<String> = tags.iter().map(|tag| tag.to_string()).collect();
    let url = format!("https://example.com/{}", title.to_lowercase().replace(' ', "-"));
    ItemDraft::new(&TypedItem { title: Some(title), url: Some(&url), tags: &tags, ..TypedItem::default() }).unwrap()
}

fn minutes(count: i64) -> jiff::Timestamp {
    now() + SignedDuration::from_mins(count)
}

/// Sam sends; no pacing gap, so only the library decides what goes.
async fn ready(db: &TestDb, account_id: AccountId) {
    let sender = MailSettings {
        from_name: "Sam".into(),
        from_address: "sam@stone.example".into(),
        signature: String::new(),
        digest_hour: 8,
        digest_enabled: false,
        review_day: None,
        review_hour: 16,
    };
    db.store.update_mail_settings(account_id, &sender, now()).await.unwrap();
    let mut settings = db.account().await.settings;
    settings.pacing_gap_days = 0;
    db.store.update_settings(account_id, &settings).await.unwrap();
}

both!(items_are_stored_listed_shared_and_backed_up, async |db: &TestDb| {
    let account = db.account().await.id;
    let guide = db.store.add_library_item(account, &item("Pricing guide", &["pricing", "sales"]), now()).await.unwrap();
    let note = ItemDraft::new(&TypedItem {
        title: Some("Ask early"),
        text: Some("Ask for the budget.\nEarly."),
        ..TypedItem::default()
    })
    .unwrap();
    let note = db.store.add_library_item(account, &note, minutes(1)).await.unwrap();
    assert_eq!(guide.tags, vec![Tag::parse("pricing").unwrap(), Tag::parse("sales").unwrap()]);
    assert_eq!(note.text.as_deref(), Some("Ask for the budget.\nEarly."));
    let all = db.store.library_items(account, None).await.unwrap();
    assert_eq!(all.iter().map(|item| item.id).collect::<Vec<_>>(), vec![note.id, guide.id], "newest first");
    let sales = db.store.library_items(account, Some(&Tag::parse("sales").unwrap())).await.unwrap();
    assert_eq!(sales, vec![guide.clone()]);

    let edited = db
        .store
        .update_library_item(account, guide.id, &item("Pricing guide v2", &["pricing"]), minutes(2))
        .await
        .unwrap();
    assert_eq!((edited.title.as_str(), edited.tags.len()), ("Pricing guide v2", 1));
    assert_eq!(edited.created_at, guide.created_at, "an edit keeps its place in the order");

    let ann = db.store.create_contact(account, &draft("Ann Lee", Some("ann@acme.com")), now()).await.unwrap();
    let mut touch = TouchDraft::new(ann.id, minutes(3), Channel::Email, "Shared: Pricing guide v2").unwrap();
    touch.direction = Direction::Out;
    let email = Rendered { subject: "For you".into(), body: "Hi Ann".into() };
    db.store.share_library_item(account, guide.id, &touch, ("ann@acme.com", &email), minutes(3)).await.unwrap();
    let sends = db.store.library_sends(account, Some(guide.id), None).await.unwrap();
    assert_eq!(sends.len(), 1);
    assert_eq!((sends[0].contact_name.as_str(), sends[0].via.as_str()), ("Ann Lee", "share"));
    assert_eq!(db.store.touches(account, ann.id).await.unwrap().len(), 1, "the touch is logged");
    let jobs = db.store.claim_jobs("w", minutes(4), SignedDuration::from_mins(5), 10).await.unwrap();
    let queued: Vec<&str> = jobs.iter().map(|job| job.payload.as_str()).collect();
    assert!(queued.iter().any(|payload| payload.contains("\"to\":\"ann@acme.com\"")), "{queued:?}");

    let mut file = Vec::new();
    db.store.write_backup(account, &mut file, minutes(5)).await.unwrap();
    let target = TestDb::open(db.backend()).await;
    let target_account = target.account().await.id;
    let summary =
        target.store.restore_backup(target_account, &Backup::from_reader(&file[..]).unwrap(), false).await.unwrap();
    assert_eq!(summary.restored["library_items"], 2);
    assert_eq!(summary.restored["library_sends"], 1);
    assert_eq!(
        target.store.library_items(target_account, None).await.unwrap(),
        db.store.library_items(account, None).await.unwrap()
    );
    assert_eq!(
        target.store.library_sends(target_account, None, None).await.unwrap(),
        db.store.library_sends(account, None, None).await.unwrap()
    );
    // New rows after a restore get fresh ids (PostgreSQL's identity moved past the restored ones).
    let added = target.store.add_library_item(target_account, &item("After restore", &[]), minutes(6)).await.unwrap();
    assert!(added.id > note.id.max(guide.id));

    db.store.remove_library_item(account, guide.id).await.unwrap();
    assert!(db.store.library_sends(account, None, None).await.unwrap().is_empty(), "its sends go with it");
    assert!(db.store.library_item(account, guide.id).await.is_err());
});

both!(the_next_item_matches_tags_and_is_recorded_once, async |db: &TestDb| {
    let account = db.account().await.id;
    let mut details = draft("Ann Lee", Some("ann@acme.com"));
    details.tags = vec![Tag::parse("pricing").unwrap()];
    let ann = db.store.create_contact(account, &details, now()).await.unwrap();
    let old = db.store.add_library_item(account, &item("Old", &["pricing"]), now()).await.unwrap();
    let everyone = db.store.add_library_item(account, &item("Everyone", &[]), minutes(1)).await.unwrap();
    db.store.add_library_item(account, &item("Hiring", &["hiring"]), minutes(2)).await.unwrap();
    assert_eq!(db.store.peek_next_library_item(account, &ann).await.unwrap().map(|item| item.id), Some(everyone.id));
    let mut picked = Vec::new();
    loop {
        let mut tx = db.store.pool().begin().await.unwrap();
        let next = claim_next_library_item(&mut tx, account, &ann, library_via::PLAN, now()).await.unwrap();
        tx.commit().await.unwrap();
        match next {
            Some(item) => picked.push(item.id),
            None => break,
        }
    }
    assert_eq!(picked, vec![everyone.id, old.id], "newest matching first; a hiring item is not for her");
    assert_eq!(db.store.library_sends(account, None, Some(ann.id)).await.unwrap().len(), 2);
});

/// A plan whose one step emails `{{ library.next }}`.
async fn reading_plan(store: &Store, account: AccountId, name: &str) -> tickler_core::plan::Plan {
    let steps = vec![Step::email("same day", "Read: {{ library.next.title }}", "{{ library.next }}").unwrap()];
    store.create_plan(account, &PlanDraft::new(name, "", false, steps).unwrap(), now()).await.unwrap()
}

// Two workers claim, at the same time, two plans' steps for the same contact:
// each email carries a different item, and with one item left only one is sent.
both!(two_claims_at_once_never_send_one_item_twice, async |db: &TestDb| {
    let account = db.account().await.id;
    ready(db, account).await;
    let mut details = draft("Ann Lee", Some("ann@acme.com"));
    details.tags = vec![Tag::parse("pricing").unwrap()];
    let ann = db.store.create_contact(account, &details, now()).await.unwrap();
    for round in 0..2 {
        // Round 0: two items for two claims; round 1: one item for two claims.
        let items = if round == 0 { 2 } else { 1 };
        for index in 0..items {
            db.store
                .add_library_item(account, &item(&format!("Item {round}-{index}"), &["pricing"]), now())
                .await
                .unwrap();
        }
        for plan in 0..2 {
            let plan = reading_plan(&db.store, account, &format!("Reading {round}-{plan}")).await;
            db.store.enroll(account, plan.id, ann.id, now()).await.unwrap();
        }
        let other = db.reopen().await;
        let mut claimers = Vec::new();
        for (index, store) in [db.store.clone(), other].into_iter().enumerate() {
            claimers.push(tokio::spawn(async move {
                let jobs =
                    store.claim_jobs(&format!("w{index}"), now(), SignedDuration::from_mins(5), 1).await.unwrap();
                store.claim_plan_steps(&jobs, now()).await.unwrap()
            }));
        }
        let mut subjects = Vec::new();
        let mut held = Vec::new();
        for claimer in claimers {
            for run in claimer.await.unwrap() {
                match run {
                    StepRun::Send(email) => subjects.push(email.subject),
                    StepRun::Held(hold) => held.push(hold.reason),
                    other => panic!("{other:?}"),
                }
            }
        }
        subjects.sort();
        if round == 0 {
            assert_eq!(subjects, vec!["Read: Item 0-0".to_string(), "Read: Item 0-1".to_string()]);
        } else {
            assert_eq!(subjects, vec!["Read: Item 1-0".to_string()], "one item, one email");
            assert_eq!(held, vec!["nothing new in the library for Ann's tags: add an item tagged pricing".to_string()]);
            let enrollments = db.store.enrollments(account, Some(ann.id)).await.unwrap();
            let waiting: Vec<_> = enrollments.iter().filter_map(|enrollment| enrollment.waiting.clone()).collect();
            assert_eq!(waiting, held, "the enrollment says why it waits");
        }
    }
    let sends = db.store.library_sends(account, None, Some(ann.id)).await.unwrap();
    let mut titles: Vec<String> = sends.iter().map(|send| send.item_title.clone()).collect();
    titles.sort();
    assert_eq!(titles, ["Item 0-0", "Item 0-1", "Item 1-0"], "each item once");

    // A new item wakes the waiting step at once (the sent ones are still under their claims' leases).
    let later = minutes(1);
    db.store.add_library_item(account, &item("Fresh", &["pricing"]), later).await.unwrap();
    let jobs = db.store.claim_jobs("w", later, SignedDuration::from_mins(5), 10).await.unwrap();
    let runs = db.store.claim_plan_steps(&jobs, later).await.unwrap();
    let [StepRun::Send(email)] = runs.as_slice() else { panic!("{runs:?}") };
    assert_eq!(email.subject, "Read: Fresh");
});

// The unique (contact, item) row on its own, without the contact's lock: a
// second transaction that read before the first committed picks the same
// item, waits on the row, and takes the next one once the first commits.
// (PostgreSQL only: SQLite's one writer never lets two picks overlap.)
#[test]
fn the_unique_row_keeps_two_overlapping_picks_apart_postgres() {
    tickler_test_support::block_on(async {
        let db = TestDb::open(crate::common::Backend::Postgres).await;
        let account = db.account().await.id;
        let ann = db.store.create_contact(account, &draft("Ann Lee", Some("ann@acme.com")), now()).await.unwrap();
        let older = db.store.add_library_item(account, &item("Older", &[]), now()).await.unwrap();
        let newer = db.store.add_library_item(account, &item("Newer", &[]), minutes(1)).await.unwrap();
        let mut first = db.store.pool().begin().await.unwrap();
        let picked = claim_next_library_item(&mut first, account, &ann, library_via::PLAN, now()).await.unwrap();
        assert_eq!(picked.map(|item| item.id), Some(newer.id));
        let (store, contact) = (db.store.clone(), ann.clone());
        let second = tokio::spawn(async move {
            let mut second = store.pool().begin().await.unwrap();
            let picked =
                claim_next_library_item(&mut second, account, &contact, library_via::PLAN, now()).await.unwrap();
            second.commit().await.unwrap();
            picked.map(|item| item.id)
        });
        // Wait until the second transaction is blocked on the first one's row, then commit the first
        // (with no unique row it never blocks: after the polls it takes the same item and the test fails).
        for _ in 0..5_000 {
            let waiting: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
            )
            .fetch_one(db.store.pool())
            .await
            .unwrap();
            if waiting > 0 {
                break;
            }
            tokio::task::yield_now().await;
        }
        first.commit().await.unwrap();
        assert_eq!(second.await.unwrap(), Some(older.id), "the second pick skipped the item the first took");
        assert_eq!(db.store.library_sends(account, None, Some(ann.id)).await.unwrap().len(), 2);
    });
}

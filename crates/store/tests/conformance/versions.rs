//! Account versions: every committed change a cached read depends on moves
//! its account's version (and only its account's), a token's routine
//! last-use stamp does not; on PostgreSQL the change feed names the account
//! at commit and reports a lost connection as a gap once it listens again.

use tickler_core::user::UserDraft;
use tickler_store::Change;
use tickler_test_support::Backend;
use tickler_test_support::both;

use crate::common::{TestDb, now};
use crate::contacts::draft;
use crate::follow_ups::{day_due, follow};

both!(versions_move_with_every_change_of_their_account, async |db: &TestDb| {
    let account = db.account().await;
    let other = db.store.create_account("other", &account.settings, now()).await.unwrap();
    let version = |id| async move { db.store.account_version(id).await.unwrap() };
    let (start, other_start) = (version(account.id).await, version(other.id).await);
    let ann = db.store.create_contact(account.id, &draft("Ann", None), now()).await.unwrap();
    let created = version(account.id).await;
    assert!(created > start, "a new contact moves the version");
    let scheduled =
        db.store.schedule_follow_up(account.id, &follow(ann.id, day_due(2026, 12, 1)), true, now()).await.unwrap();
    let scheduled_at = version(account.id).await;
    assert!(scheduled_at > created, "a new follow-up moves it");
    db.store.complete_follow_up(account.id, scheduled.follow_up.id, None, now()).await.unwrap();
    assert!(version(account.id).await > scheduled_at, "completing one moves it");
    assert_eq!(version(other.id).await, other_start, "another account's version stays");

    let ann_user = UserDraft::new("ann@x.com", "", true).unwrap();
    let user = db.store.create_user(account.id, &ann_user, "h", "f", now()).await.unwrap();
    db.store.create_api_token(&user, "laptop", "tkl_ab", "hash-1", now()).await.unwrap();
    let before = version(account.id).await;
    let later = now() + jiff::SignedDuration::from_hours(1);
    assert!(db.store.token_holder("hash-1", later).await.unwrap().is_some());
    assert_eq!(version(account.id).await, before, "a token's use is not a change");
    let token = db.store.api_tokens(&user).await.unwrap().remove(0);
    db.store.revoke_api_token(&user, token.id, later).await.unwrap();
    assert!(version(account.id).await > before, "revoking a token moves it");
});

both!(the_change_feed_names_the_account_and_reports_a_gap, async |db: &TestDb| {
    let account = db.account().await;
    let Some(mut feed) = db.store.change_feed() else {
        assert_eq!(db.backend(), Backend::Sqlite, "only SQLite has no feed");
        return;
    };
    assert_eq!(feed.next().await, Change::Missed, "the first connection is a gap: nothing was heard before it");
    db.store.create_contact(account.id, &draft("Ann", None), now()).await.unwrap();
    assert_eq!(feed.next().await, Change::Account(account.id));
    // Cut the feed's connection: it reconnects by itself and says it may have missed changes.
    let pid = feed.backend_pid().await.unwrap().unwrap();
    sqlx::query("SELECT pg_terminate_backend($1)").bind(pid).execute(db.store.pool()).await.unwrap();
    assert_eq!(feed.next().await, Change::Missed);
    db.store.create_contact(account.id, &draft("Bob", None), now()).await.unwrap();
    assert_eq!(feed.next().await, Change::Account(account.id), "and hears changes again");
});

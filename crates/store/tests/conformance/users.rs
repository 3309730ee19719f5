//! Users, sessions and API tokens: logins unique across the installation,
//! sessions that expire, tokens that stay revoked, feed secrets that rotate.

use jiff::SignedDuration;
use tickler_core::user::UserDraft;
use tickler_store::Error;
use tickler_test_support::both;

use crate::common::{TestDb, now};

both!(logins_are_unique_across_accounts, async |db: &TestDb| {
    let account = db.account().await;
    let other = db.store.create_account("other", &account.settings, now()).await.unwrap();
    assert_eq!(db.store.count_users().await.unwrap(), 0);
    let draft = UserDraft::new("Ann@Example.com", "Ann", true).unwrap();
    let ann = db.store.create_user(account.id, &draft, "hash-1", "feed-1", now()).await.unwrap();
    assert_eq!((ann.email.as_str(), ann.is_admin), ("ann@example.com", true));
    let again = UserDraft::new("ann@example.com", "Other Ann", false).unwrap();
    let error = db.store.create_user(other.id, &again, "hash-2", "feed-2", now()).await.unwrap_err();
    assert!(matches!(error, Error::Duplicate { field: "email", .. }), "{error}");
    assert_eq!(db.store.count_users().await.unwrap(), 1, "the refused user was not written");
    let credentials = db.store.credentials(&draft.email).await.unwrap().unwrap();
    assert_eq!((credentials.user.id, credentials.password_hash.as_str()), (ann.id, "hash-1"));
    assert!(matches!(db.store.user(other.id, ann.id).await, Err(Error::NotFound { .. })), "scoped to the account");
    assert_eq!(db.store.users(other.id).await.unwrap(), vec![]);
});

both!(sessions_expire_and_end_with_a_new_password, async |db: &TestDb| {
    let account = db.account().await;
    let draft = UserDraft::new("ann@example.com", "Ann", false).unwrap();
    let ann = db.store.create_user(account.id, &draft, "hash", "feed", now()).await.unwrap();
    let expires = now() + SignedDuration::from_hours(1);
    db.store.create_session(ann.id, "session-a", "csrf-a", now(), expires).await.unwrap();
    let session = db.store.session("session-a", now()).await.unwrap().unwrap();
    assert_eq!((session.user.id, session.csrf.as_str()), (ann.id, "csrf-a"));
    assert_eq!(session.account, account, "the session's account comes with it");
    assert!(db.store.session("session-a", expires).await.unwrap().is_none(), "expired at its end");
    assert!(db.store.session("nonexistent", now()).await.unwrap().is_none());
    // Signing in later sweeps the expired session away.
    db.store
        .create_session(ann.id, "session-b", "csrf-b", expires, expires + SignedDuration::from_hours(1))
        .await
        .unwrap();
    let left: Vec<String> =
        sqlx::query_scalar("SELECT token_hash FROM sessions").fetch_all(db.store.pool()).await.unwrap();
    assert_eq!(left, vec!["session-b".to_string()]);
    db.store.set_password_hash(account.id, ann.id, "new-hash").await.unwrap();
    assert!(db.store.session("session-b", expires).await.unwrap().is_none(), "a new password ends every session");
    db.store.create_session(ann.id, "session-c", "csrf-c", now(), expires).await.unwrap();
    db.store.delete_session("session-c").await.unwrap();
    assert!(db.store.session("session-c", now()).await.unwrap().is_none());
});

both!(tokens_are_found_by_hash_until_revoked, async |db: &TestDb| {
    let account = db.account().await;
    let other = db.store.create_account("other", &account.settings, now()).await.unwrap();
    let ann = db
        .store
        .create_user(account.id, &UserDraft::new("ann@x.com", "", true).unwrap(), "h", "f1", now())
        .await
        .unwrap();
    let eve = db
        .store
        .create_user(other.id, &UserDraft::new("eve@x.com", "", true).unwrap(), "h", "f2", now())
        .await
        .unwrap();
    let token = db.store.create_api_token(&ann, "sync", "tkl_abcdef", "hash-of-secret", now()).await.unwrap();
    assert_eq!(token.last_used_at, None);
    let holder = db.store.token_holder("hash-of-secret", now()).await.unwrap().unwrap();
    assert_eq!(holder.user, ann);
    assert_eq!(holder.account, account, "the token's account comes with it");
    assert_eq!(db.store.api_tokens(&ann).await.unwrap()[0].last_used_at, Some(now()));
    assert!(matches!(db.store.revoke_api_token(&eve, token.id, now()).await, Err(Error::NotFound { .. })));
    assert!(
        db.store.token_holder("hash-of-secret", now()).await.unwrap().is_some(),
        "another account cannot revoke it"
    );
    let later = now() + SignedDuration::from_mins(5);
    let revoked = db.store.revoke_api_token(&ann, token.id, later).await.unwrap();
    assert_eq!(revoked.revoked_at, Some(later));
    assert!(db.store.token_holder("hash-of-secret", later).await.unwrap().is_none());
    let again = db.store.revoke_api_token(&ann, token.id, later + SignedDuration::from_mins(5)).await.unwrap();
    assert_eq!(again.revoked_at, Some(later), "revoking twice keeps the first time");
    assert!(db.store.api_tokens(&eve).await.unwrap().is_empty());
});

both!(calendar_secrets_rotate, async |db: &TestDb| {
    let account = db.account().await;
    let ann = db
        .store
        .create_user(account.id, &UserDraft::new("ann@x.com", "", true).unwrap(), "h", "old", now())
        .await
        .unwrap();
    assert_eq!(db.store.user_by_calendar_secret("old").await.unwrap().map(|u| u.id), Some(ann.id));
    db.store.rotate_calendar_secret(account.id, ann.id, "new").await.unwrap();
    assert!(db.store.user_by_calendar_secret("old").await.unwrap().is_none());
    assert_eq!(db.store.calendar_secret(account.id, ann.id).await.unwrap(), "new");
    let other = db.store.create_account("other", &account.settings, now()).await.unwrap();
    assert!(db.store.rotate_calendar_secret(other.id, ann.id, "stolen").await.is_err());
});

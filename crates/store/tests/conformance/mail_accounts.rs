//! Each user's own mail account: written whole and read back, scoped to the
//! account, listed across the installation for the mailbox watchers; who
//! enrolled a contact reaches the plan's outbox rows; and a backup carries
//! the mail accounts (passwords as stored, sealed) and who sends each plan,
//! naming users by their sign-in email.

use jiff::SignedDuration;
use tickler_core::ids::{AccountId, UserId};
use tickler_core::plan::{PlanDraft, Step};
use tickler_core::user::UserDraft;
use tickler_store::{Backup, Error, MailAccountSettings, MailServerSettings, StepRun, Store};
use tickler_test_support::both;

use crate::common::{TestDb, now};
use crate::contacts::draft;

async fn user(store: &Store, account: AccountId, email: &str) -> UserId {
    let draft = UserDraft::new(email, "", false).unwrap();
    store.create_user(account, &draft, "hash", &format!("feed-{email}"), now()).await.unwrap().id
}

/// Both sides set, passwords as the application seals them (opaque text to the store).
fn both_sides() -> MailAccountSettings {
    MailAccountSettings {
        smtp: MailServerSettings {
            host: Some("smtp.example.org".into()),
            port: Some(465),
            security: Some("tls".into()),
            username: Some("ann@example.org".into()),
            password: Some("v1:sealed-smtp".into()),
        },
        from_name: "Ann Lee".into(),
        from_address: "ann@example.org".into(),
        imap: MailServerSettings {
            host: Some("imap.example.org".into()),
            port: None,
            security: None,
            username: Some("ann".into()),
            password: Some("v1:sealed-imap".into()),
        },
        inbox_folder: "INBOX".into(),
        sent_folder: Some("Sent Items".into()),
        unknown_policy: "review".into(),
    }
}

both!(a_mail_account_is_written_whole_and_read_back, async |db: &TestDb| {
    let account = db.account().await.id;
    let ann = user(&db.store, account, "ann@example.com").await;
    assert_eq!(db.store.mail_account(account, ann).await.unwrap(), None);
    let saved = db.store.put_mail_account(account, ann, &both_sides(), now()).await.unwrap();
    assert_eq!((saved.user_id, saved.account_id, saved.user_email.as_str()), (ann, account, "ann@example.com"));
    assert_eq!(saved.settings, both_sides());
    assert_eq!(saved.updated_at, now());
    assert_eq!(db.store.mail_account(account, ann).await.unwrap(), Some(saved.clone()));
    assert_eq!(db.store.mail_account_of_user(ann).await.unwrap(), Some(saved));

    // A second write replaces the whole row.
    let later = now() + SignedDuration::from_hours(1);
    let smtp_only = MailAccountSettings {
        smtp: MailServerSettings { host: Some("mail.example.net".into()), ..MailServerSettings::default() },
        ..MailAccountSettings::default()
    };
    let replaced = db.store.put_mail_account(account, ann, &smtp_only, later).await.unwrap();
    assert_eq!(replaced.settings, smtp_only);
    assert_eq!(replaced.updated_at, later);
    assert_eq!(replaced.settings.inbox_folder, "INBOX");
    assert_eq!(replaced.settings.unknown_policy, "ignore");

    assert!(db.store.delete_mail_account(account, ann).await.unwrap());
    assert!(!db.store.delete_mail_account(account, ann).await.unwrap(), "nothing left to remove");
    assert_eq!(db.store.mail_account_of_user(ann).await.unwrap(), None);
});

both!(mail_accounts_stay_in_their_account, async |db: &TestDb| {
    let account = db.account().await;
    let other = db.store.create_account("other", &account.settings, now()).await.unwrap().id;
    let ann = user(&db.store, account.id, "ann@example.com").await;
    let olga = user(&db.store, other, "olga@example.com").await;
    db.store.put_mail_account(account.id, ann, &both_sides(), now()).await.unwrap();
    // Another account cannot read, write or remove Ann's.
    assert_eq!(db.store.mail_account(other, ann).await.unwrap(), None);
    let error = db.store.put_mail_account(other, ann, &both_sides(), now()).await.unwrap_err();
    assert!(matches!(error, Error::NotFound { .. }), "{error}");
    assert!(!db.store.delete_mail_account(other, ann).await.unwrap());
    assert!(db.store.mail_account(account.id, ann).await.unwrap().is_some());

    // The watchers see every account's mailboxes, and only those with an IMAP host.
    let smtp_only = MailAccountSettings {
        smtp: MailServerSettings { host: Some("smtp.example.org".into()), ..MailServerSettings::default() },
        ..Default::default()
    };
    let bob = user(&db.store, account.id, "bob@example.com").await;
    db.store.put_mail_account(account.id, bob, &smtp_only, now()).await.unwrap();
    db.store.put_mail_account(other, olga, &both_sides(), now()).await.unwrap();
    let watched: Vec<(UserId, AccountId)> =
        db.store.imap_mail_accounts().await.unwrap().into_iter().map(|mail| (mail.user_id, mail.account_id)).collect();
    assert_eq!(watched, vec![(ann, account.id), (olga, other)]);
});

both!(the_enrolling_user_sends_the_plan, async |db: &TestDb| {
    let account = db.account().await.id;
    let ann = user(&db.store, account, "ann@example.com").await;
    let steps = vec![Step::email("same day", "Hello", "Hi {{ contact.first_name }}").unwrap()];
    let plan = db.store.create_plan(account, &PlanDraft::new("Hello", "", false, steps).unwrap(), now()).await.unwrap();
    let kim = db.store.create_contact(account, &draft("Kim Lo", Some("kim@lo.example")), now()).await.unwrap();
    let lee = db.store.create_contact(account, &draft("Lee Ray", Some("lee@ray.example")), now()).await.unwrap();
    db.store.enroll_by(account, plan.id, kim.id, Some(ann), now()).await.unwrap();
    db.store.enroll(account, plan.id, lee.id, now()).await.unwrap();
    let jobs = db.store.claim_jobs("test", now(), SignedDuration::from_mins(5), 10).await.unwrap();
    let mut senders = Vec::new();
    for run in db.store.claim_plan_steps(&jobs, now()).await.unwrap() {
        let StepRun::Send(email) = run else { panic!("both emails are due: {run:?}") };
        senders.push((email.to.clone(), email.user_id));
    }
    senders.sort();
    assert_eq!(
        senders,
        vec![("kim@lo.example".to_string(), Some(ann)), ("lee@ray.example".to_string(), None)],
        "the outbox row carries who enrolled the contact"
    );
    let stored: Vec<Option<UserId>> =
        db.store.outbox(account, Some(kim.id)).await.unwrap().into_iter().map(|(email, _)| email.user_id).collect();
    assert_eq!(stored, vec![Some(ann)]);
});

both!(a_backup_carries_mail_accounts_sealed_and_names_users_by_email, async |db: &TestDb| {
    let account = db.account().await.id;
    let ann = user(&db.store, account, "ann@example.com").await;
    user(&db.store, account, "bob@example.com").await;
    db.store.put_mail_account(account, ann, &both_sides(), now()).await.unwrap();
    let steps = vec![Step::email("2 days", "Hello", "Hi").unwrap()];
    let plan = db.store.create_plan(account, &PlanDraft::new("Hello", "", false, steps).unwrap(), now()).await.unwrap();
    let kim = db.store.create_contact(account, &draft("Kim Lo", Some("kim@lo.example")), now()).await.unwrap();
    db.store.enroll_by(account, plan.id, kim.id, Some(ann), now()).await.unwrap();

    let mut file = Vec::new();
    db.store.write_backup(account, &mut file, now()).await.unwrap();
    let text = String::from_utf8(file.clone()).unwrap();
    let document: serde_json::Value = serde_json::from_str(&text).unwrap();
    let rows = document["sections"]["mail_accounts"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{text}");
    assert_eq!(rows[0]["user_id"], "ann@example.com", "a user is named by their sign-in email");
    assert_eq!(rows[0]["smtp_password"], "v1:sealed-smtp", "the password as stored, sealed");
    assert_eq!(document["sections"]["enrollments"][0]["user_id"], "ann@example.com");

    // Into an installation where Ann signs in (with another id): her account and her plan come back as hers.
    let target = TestDb::open(db.backend()).await;
    let target_account = target.account().await.id;
    user(&target.store, target_account, "zed@example.com").await;
    let target_ann = user(&target.store, target_account, "ann@example.com").await;
    assert_ne!(target_ann, ann);
    let backup = Backup::from_reader(&file[..]).unwrap();
    let summary = target.store.restore_backup(target_account, &backup, false).await.unwrap();
    assert_eq!(summary.restored["mail_accounts"], 1);
    assert!(summary.users_not_found.is_empty(), "{:?}", summary.users_not_found);
    let restored = target.store.mail_account(target_account, target_ann).await.unwrap().unwrap();
    assert_eq!(restored.settings, both_sides());
    let senders: Vec<Option<i64>> =
        sqlx::query_scalar("SELECT user_id FROM enrollments").fetch_all(target.store.pool()).await.unwrap();
    assert_eq!(senders, vec![Some(target_ann.get())]);

    // Where nobody signs in as Ann: her mail account is left out, her plan goes through the relay.
    let bare = TestDb::open(db.backend()).await;
    let bare_account = bare.account().await.id;
    let summary = bare.store.restore_backup(bare_account, &backup, false).await.unwrap();
    assert_eq!(summary.restored["mail_accounts"], 0);
    assert_eq!(summary.users_not_found, vec!["ann@example.com".to_string()]);
    assert!(bare.store.imap_mail_accounts().await.unwrap().is_empty());
    let senders: Vec<Option<i64>> =
        sqlx::query_scalar("SELECT user_id FROM enrollments").fetch_all(bare.store.pool()).await.unwrap();
    assert_eq!(senders, vec![None]);

    // A backup written before mail accounts existed (no such section or column) still restores.
    let mut old: serde_json::Value = document.clone();
    old["sections"].as_object_mut().unwrap().remove("mail_accounts");
    for row in old["sections"]["enrollments"].as_array_mut().unwrap() {
        row.as_object_mut().unwrap().remove("user_id");
    }
    let older = TestDb::open(db.backend()).await;
    let older_account = older.account().await.id;
    let backup = Backup::from_reader(serde_json::to_string(&old).unwrap().as_bytes()).unwrap();
    older.store.restore_backup(older_account, &backup, false).await.unwrap();
});

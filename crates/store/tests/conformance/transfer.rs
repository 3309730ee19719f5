//! Imports (duplicates by email then phone, update, keep-both, dry run) and
//! backups (a restore gives back every table exactly; refusals and bad files
//! write nothing; a merge adds beside existing records).

use jiff::civil::{Time, date};
use tickler_core::consent::ConsentState;
use tickler_core::contact::{EmailAddress, Phone, ZoneName};
use tickler_core::follow_up::Due;
use tickler_core::ids::{AccountId, ContactId};
use tickler_core::import::{ImportRow, OnDuplicate, RowIssue};
use tickler_core::plan::{PlanDraft, Step};
use tickler_core::promise::PromiseDraft;
use tickler_core::reply::{InboundReply, ReplyParts};
use tickler_core::touch::{Channel, Outcome, TouchDraft};
use tickler_store::{Backend, Backup, Delivery, Error, ReplyOutcome, StepRun, Store};
use tickler_test_support::both;

use crate::common::{TestDb, now};
use crate::contacts::draft;
use crate::follow_ups::{day_due, follow};

fn row(number: u64, name: &str, email: Option<&str>, phone: Option<&str>) -> Result<ImportRow, RowIssue> {
    let mut details = draft(name, email);
    details.phones = phone.map(|p| Phone::parse(p).unwrap()).into_iter().collect();
    Ok(ImportRow { row: number, details, warnings: Vec::new(), lists: Vec::new() })
}

async fn import(
    db: &TestDb,
    account: AccountId,
    on_duplicate: OnDuplicate,
    dry_run: bool,
    batches: Vec<Vec<Result<ImportRow, RowIssue>>>,
) -> tickler_core::import::ImportSummary {
    let mut import = db.store.begin_import(account, on_duplicate, dry_run, now()).await.unwrap();
    for batch in batches {
        import.add_batch(batch).await.unwrap();
    }
    import.finish().await.unwrap()
}

both!(duplicates_match_by_email_then_phone, async |db: &TestDb| {
    let account = db.account().await.id;
    let mut ann = draft("Ann Lee", Some("ann@acme.com"));
    ann.phones = vec![Phone::parse("+1 (212) 555-0100").unwrap()];
    db.store.create_contact(account, &ann, now()).await.unwrap();
    let summary = import(
        db,
        account,
        OnDuplicate::Skip,
        false,
        vec![
            vec![
                row(2, "Ann again", Some("ANN@acme.com"), None),
                row(3, "Ann by phone", None, Some("+1 212-555-0100")),
                row(4, "Bob", Some("bob@example.com"), None),
                row(5, "Bob twice in one batch", Some("bob@example.com"), None),
                Err(RowIssue::new(6, "email", "not an address")),
            ],
            vec![row(7, "Bob in the next batch", Some("bob@example.com"), None), row(8, "Cy", None, None)],
        ],
    )
    .await;
    assert_eq!((summary.created, summary.skipped, summary.updated, summary.rejected_count), (2, 4, 0, 1));
    assert_eq!(summary.rejected[0].row, 6);
    assert_eq!(db.store.count_contacts(account).await.unwrap(), 3);
    let bob = db.store.find_contact(account, "bob@example.com").await.unwrap();
    assert_eq!(bob.details.name.as_str(), "Bob");
});

both!(update_merges_and_keep_both_leaves_the_email, async |db: &TestDb| {
    let account = db.account().await.id;
    let mut ann = draft("Ann Lee", Some("ann@acme.com"));
    ann.organisation = Some("Acme".into());
    let ann = db.store.create_contact(account, &ann, now()).await.unwrap();
    db.store.create_contact(account, &draft("Zed", Some("zed@example.com")), now()).await.unwrap();
    let mut update = row(2, "Ann B. Lee", Some("ann@acme.com"), Some("212 555 0100")).unwrap();
    update.details.emails.push(EmailAddress::parse("ann@home.example").unwrap());
    let stealing = row(3, "Ann", Some("ann@acme.com"), None).map(|mut r| {
        r.details.emails.push(EmailAddress::parse("zed@example.com").unwrap());
        r
    });
    let summary = import(db, account, OnDuplicate::Update, false, vec![vec![Ok(update), stealing]]).await;
    assert_eq!((summary.created, summary.updated, summary.rejected_count), (0, 1, 1));
    assert!(summary.rejected[0].reason.contains("zed@example.com"), "{:?}", summary.rejected);
    let read = db.store.contact(account, ann.id).await.unwrap();
    assert_eq!(read.details.name.as_str(), "Ann B. Lee");
    assert_eq!(read.details.organisation.as_deref(), Some("Acme"));
    let emails: Vec<&str> = read.details.emails.iter().map(EmailAddress::as_str).collect();
    assert_eq!(emails, ["ann@acme.com", "ann@home.example"]);
    assert_eq!(read.details.phones.len(), 1);

    let summary =
        import(db, account, OnDuplicate::KeepBoth, false, vec![vec![row(2, "Other Ann", Some("ann@acme.com"), None)]])
            .await;
    assert_eq!((summary.created, summary.warning_count), (1, 1));
    let other = db.store.find_contact(account, "Other Ann").await.unwrap();
    assert!(other.details.emails.is_empty(), "the email stays with the first contact");
});

both!(a_dry_run_writes_nothing_but_counts_exactly, async |db: &TestDb| {
    let account = db.account().await.id;
    let summary = import(
        db,
        account,
        OnDuplicate::Skip,
        true,
        vec![
            vec![row(2, "Ann", Some("ann@acme.com"), None)],
            vec![row(3, "Ann again", Some("ann@acme.com"), None), row(4, "Bob", None, None)],
        ],
    )
    .await;
    assert!(summary.dry_run);
    assert_eq!((summary.created, summary.skipped), (2, 1), "a later batch sees an earlier one");
    assert_eq!(db.store.count_contacts(account).await.unwrap(), 0);
});

/// Fill an account with one of every record, in every state.
async fn populate(store: &Store, account: AccountId) {
    let referrer =
        store.create_contact(account, &draft("Rita Referrer", Some("rita@example.com")), now()).await.unwrap();
    let full = crate::contacts::every_field(referrer.id);
    let ann = store.create_contact(account, &full, now()).await.unwrap();
    answered_plan_email(store, account, ann.id).await;
    // A referrer created after the contact it refers to: restored ids must still resolve.
    let late = store.create_contact(account, &draft("Late Larry", None), now()).await.unwrap();
    let mut rita = referrer.details.clone();
    rita.referred_by = Some(late.id);
    store.update_contact(account, referrer.id, &rita, now()).await.unwrap();
    let mut touch = TouchDraft::new(ann.id, now(), Channel::Call, "Discussed pricing").unwrap();
    touch.outcome = Some(Outcome::Voicemail);
    store.log_touch(account, &touch, now()).await.unwrap();
    let scheduled =
        store.schedule_follow_up(account, &follow(ann.id, day_due(2026, 12, 1)), true, now()).await.unwrap();
    let later = Due {
        date: date(2026, 12, 3),
        time: Some(Time::constant(9, 30, 0, 0)),
        zone: ZoneName::parse("Europe/Paris").unwrap(),
    };
    let zoned = now().to_zoned_datetime(jiff::tz::TimeZone::UTC);
    store.snooze_follow_up(account, scheduled.follow_up.id, &later, &zoned).await.unwrap();
    let done = store.schedule_follow_up(account, &follow(ann.id, day_due(2026, 12, 20)), true, now()).await.unwrap();
    store.complete_follow_up(account, done.follow_up.id, Some(&touch), now()).await.unwrap();
    let told = now() + jiff::SignedDuration::from_hours(30);
    let promise =
        PromiseDraft::new(ann.id, "send the quote", now(), told, ZoneName::parse("America/New_York").unwrap()).unwrap();
    let kept = store.create_promise(account, &promise, now()).await.unwrap();
    store.keep_promise(account, kept.id, now()).await.unwrap();
    store.create_promise(account, &promise, now()).await.unwrap();
    store
        .set_consent(account, late.id, ConsentState::NotNow, Some(date(2027, 3, 1)), "busy season", now())
        .await
        .unwrap();
    store.set_consent(account, referrer.id, ConsentState::DoNotContact, None, "asked to stop", now()).await.unwrap();
    // Plans with their steps, an enrollment and its queued step, the sender settings.
    store.ensure_plan_setup(account, now()).await.unwrap();
    let plan = store.plans(account).await.unwrap()[0].id;
    store.enroll(account, plan, ann.id, now()).await.unwrap();
    // A library item with tags, shared with Ann.
    let tags = ["pricing".to_string(), "sales".to_string()];
    let typed = tickler_core::library::TypedItem {
        url: Some("https://acme.com/pricing"),
        summary: Some("Three ways to price"),
        tags: &tags,
        ..Default::default()
    };
    let item =
        store.add_library_item(account, &tickler_core::library::ItemDraft::new(&typed).unwrap(), now()).await.unwrap();
    let mut shared = TouchDraft::new(ann.id, now(), Channel::Email, "Shared: acme.com/pricing").unwrap();
    shared.direction = tickler_core::touch::Direction::Out;
    let email = tickler_core::template::Rendered { subject: "For you".into(), body: "Hi".into() };
    store.share_library_item(account, item.id, &shared, ("ann@acme.com", &email), now()).await.unwrap();
}

/// A one-email plan whose email went out and was answered: an outbox row, its reply's touch and inbound record.
async fn answered_plan_email(store: &Store, account: AccountId, contact: ContactId) {
    let steps = vec![Step::email("same day", "Hello", "Hi {{ contact.first_name }}").unwrap()];
    let plan = store.create_plan(account, &PlanDraft::new("Hello", "", false, steps).unwrap(), now()).await.unwrap();
    store.enroll(account, plan.id, contact, now()).await.unwrap();
    let job = store.claim_jobs("backup", now(), jiff::SignedDuration::from_mins(5), 1).await.unwrap().remove(0);
    let StepRun::Send(email) = store.claim_plan_step(&job, now()).await.unwrap() else { panic!("the email is due") };
    store.mark_delivered(&[(email.outbox_id, "250 ok".into())], now()).await.unwrap();
    let message_id = email.message_id.clone();
    store.record_sends(&[Delivery { job, email: *email, result: Ok(()) }], now()).await.unwrap();
    let thread = [message_id];
    let parts = ReplyParts {
        message_id: Some("<reply@acme.com>"),
        in_reply_to: &thread,
        subject: "Re: Hello",
        ..Default::default()
    };
    let outcome = store.record_reply(&InboundReply::new(&parts), now()).await.unwrap();
    assert!(matches!(outcome, ReplyOutcome::Recorded(_)), "{outcome:?}");
}

/// Every row of every table (whatever tables the schema has), as sorted text, for comparison.
async fn every_table(store: &Store) -> Vec<(String, Vec<String>)> {
    use sqlx::{Column, Row};
    // The account versions are no data: they count writes, so a restore's count differs (and no cache survives it).
    let tables = match store.backend() {
        Backend::Sqlite => {
            "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_sqlx%' ESCAPE '\\' AND name NOT LIKE 'sqlite%' AND name <> 'account_versions' ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT table_name::text AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT LIKE '\\_sqlx%' AND table_name <> 'account_versions' ORDER BY 1"
        }
    };
    let mut dump = Vec::new();
    for table in sqlx::query(tables).fetch_all(store.pool()).await.unwrap() {
        let table: String = table.try_get("t").unwrap();
        let rows =
            sqlx::query(sqlx::AssertSqlSafe(format!("SELECT * FROM {table}"))).fetch_all(store.pool()).await.unwrap();
        let mut lines: Vec<String> = rows
            .iter()
            .map(|row| {
                (0..row.columns().len())
                    .map(|i| {
                        let name = row.columns()[i].name().to_string();
                        let value = row
                            .try_get::<Option<i64>, _>(i)
                            .map(|v| format!("{v:?}"))
                            .or_else(|_| row.try_get::<Option<String>, _>(i).map(|v| format!("{v:?}")))
                            .unwrap_or_else(|e| format!("unreadable: {e}"));
                        format!("{name}={value}")
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        lines.sort();
        dump.push((table, lines));
    }
    dump
}

async fn fresh(db: &TestDb) -> TestDb {
    TestDb::open(db.backend()).await
}

async fn backup_of(store: &Store, account: AccountId) -> Vec<u8> {
    let mut out = Vec::new();
    store.write_backup(account, &mut out, now()).await.unwrap();
    out
}

both!(a_restore_gives_back_every_table_exactly, async |db: &TestDb| {
    let account = db.account().await.id;
    populate(&db.store, account).await;
    let file = backup_of(&db.store, account).await;
    let target = fresh(db).await;
    let target_account = target.account().await.id;
    assert_eq!(target_account, account);
    let backup = Backup::from_reader(&file[..]).unwrap();
    let summary = target.store.restore_backup(target_account, &backup, false).await.unwrap();
    assert_eq!(summary.restored["contacts"], 3);
    let (before, after) = (every_table(&db.store).await, every_table(&target.store).await);
    for table in ["follow_up_snoozes", "inbound_emails", "library_items", "library_item_tags", "library_sends"] {
        assert!(before.iter().any(|(name, rows)| name == table && !rows.is_empty()), "{table} is empty");
    }
    for ((table, rows), (_, restored)) in before.iter().zip(&after) {
        assert_eq!(rows, restored, "table {table} differs after the restore");
    }
    assert_eq!(before.len(), after.len());
    assert_eq!(backup_of(&target.store, target_account).await, file, "a backup of the restore is the same file");
    // The identity sequences moved past the restored ids.
    let next = target.store.create_contact(target_account, &draft("New", None), now()).await.unwrap();
    assert!(next.id.get() > 3);
});

both!(a_restore_refuses_a_database_with_records_unless_merging, async |db: &TestDb| {
    let account = db.account().await.id;
    populate(&db.store, account).await;
    let backup = Backup::from_reader(&backup_of(&db.store, account).await[..]).unwrap();
    let before = every_table(&db.store).await;
    match db.store.restore_backup(account, &backup, false).await {
        Err(Error::Domain(tickler_core::Error::Refused(message))) => {
            assert!(message.contains("3 contacts") && message.contains("--merge"), "{message}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(every_table(&db.store).await, before, "nothing was written");
    db.store.create_contact(account, &draft("Nobody Else", None), now()).await.unwrap();
    let summary = db.store.restore_backup(account, &backup, true).await.unwrap();
    assert_eq!(summary.contacts_already_present, 2, "Rita and Ann are matched by email; Larry has none");
    assert_eq!(summary.restored["contacts"], 1);
    assert_eq!(db.store.count_contacts(account).await.unwrap(), 5);
    let larrys = db
        .store
        .contacts(account, &tickler_store::ContactFilter { search: Some("larry".into()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(larrys.len(), 2);
    assert_eq!(db.store.consent_changes(account, larrys[1].id).await.unwrap().len(), 1, "Larry's history came along");
});

both!(a_bad_backup_file_is_refused_and_writes_nothing, async |db: &TestDb| {
    let account = db.account().await.id;
    populate(&db.store, account).await;
    let good = String::from_utf8(backup_of(&db.store, account).await).unwrap();
    let target = fresh(db).await;
    let target_account = target.account().await.id;
    let refused = |text: &str| {
        let message = Backup::from_reader(text.as_bytes()).unwrap_err().to_string();
        assert!(message.starts_with("backup:"), "{message}");
        message
    };
    assert!(refused("{\"format\": \"tickler-backup\", \"version\"").contains("not a readable backup"));
    assert!(refused("[1, 2]").contains("not a Tickler backup"));
    assert!(refused("{\"format\": \"other\"}").contains("not a Tickler backup"));
    assert!(refused(&good.replace("\"version\":1", "\"version\":99")).contains("version 99"));
    assert!(refused(&good.replace("\"touches\":", "\"gadgets\":")).contains("unknown section \"gadgets\""));
    for (broken, expected) in [
        (good.replace("\"email\":\"ann@home.example\"", "\"email\":\"not an email\""), "\"email\""),
        (good.replace("\"channel\":\"call\"", "\"channel\":7"), "is not a text"),
        (good.replace(",\"summary\":\"Discussed pricing\"", ""), "missing"),
        (good.replace("\"contact_id\":2,\"phone\"", "\"contact_id\":99,\"phone\""), "99 is not in section"),
    ] {
        assert_ne!(broken, good, "the test breaks the file ({expected})");
        let backup = Backup::from_reader(broken.as_bytes()).unwrap();
        let message = target.store.restore_backup(target_account, &backup, false).await.unwrap_err().to_string();
        assert!(message.contains(expected), "{expected}: {message}");
        assert_eq!(target.store.count_contacts(target_account).await.unwrap(), 0, "nothing written: {message}");
    }
});

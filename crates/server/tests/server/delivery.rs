//! Plan emails delivered to a real SMTP server (Postfix's smtp-sink): headers,
//! threading and text; none to do-not-contact; nothing outside business hours
//! or inside a pacing gap; and do-not-contact winning a race with the worker.
//! Every case runs on SQLite and on PostgreSQL with a controlled clock.

use std::collections::{HashMap, HashSet};

use jiff::{SignedDuration, Timestamp};
use tickler_app::App;
use tickler_app::worker::{Clock, WorkerConfig, drain};
use tickler_core::account::Account;
use tickler_core::consent::ConsentState;
use tickler_core::contact::{ContactDetails, ContactName, EmailAddress, Tag, ZoneName};
use tickler_core::ids::ContactId;
use tickler_core::plan::{EnrollmentState, Plan, PlanDraft, Step};
use tickler_core::touch::{Channel, TouchDraft};
use tickler_mail::{Mailer, Security, SmtpConfig};
use tickler_store::{MailSettings, Store};
use tickler_test_support::both;
use tickler_test_support::smtp_sink::SmtpSink;

use crate::common::{TestDb, now};

fn mailer(sink: &SmtpSink) -> Mailer {
    let config =
        SmtpConfig { host: "127.0.0.1".into(), port: sink.port, security: Security::None, ..SmtpConfig::default() };
    Mailer::new(&config).unwrap()
}

fn worker_at(at: Timestamp) -> WorkerConfig {
    let mut config = WorkerConfig::new(Clock::starting_at(at));
    config.owner = format!("test-{}", at.as_second());
    config
}

async fn run_worker(store: &Store, sink: &SmtpSink, at: Timestamp) {
    drain(&App::from_store(store.clone()), &mailer(sink), &worker_at(at)).await.unwrap();
}

async fn setup(db: &TestDb) -> (Account, Plan) {
    let account = db.account().await;
    let settings = MailSettings {
        from_name: "Sam Stone".into(),
        from_address: "sam@stone.example".into(),
        signature: "Sam Stone\nStone Consulting".into(),
        digest_hour: 8,
        digest_enabled: false,
        review_day: None,
        review_hour: 16,
    };
    db.store.update_mail_settings(account.id, &settings, now()).await.unwrap();
    let steps = vec![
        Step::email(
            "same day",
            "Thank you, {{ contact.first_name }}",
            "Hi {{ contact.first_name }},\n\nThank you.\n\n{{ sender.signature }}\n",
        )
        .unwrap(),
        Step::email("2 days", "One more idea", "Hi {{ contact.first_name }},\n\nHere is the guide I mentioned.\n")
            .unwrap(),
    ];
    let plan =
        db.store.create_plan(account.id, &PlanDraft::new("Test plan", "", false, steps).unwrap(), now()).await.unwrap();
    (account, plan)
}

async fn contact(db: &TestDb, account: &Account, name: &str, email: &str, zone: Option<&str>) -> ContactId {
    let mut details = ContactDetails::named(ContactName::parse(name).unwrap());
    details.emails = vec![EmailAddress::parse(email).unwrap()];
    details.zone = zone.map(|zone| ZoneName::parse(zone).unwrap());
    details.tags = vec![Tag::parse("batch").unwrap()];
    db.store.create_contact(account.id, &details, now()).await.unwrap().id
}

both!(plan_emails_arrive_threaded_with_headers_and_text, async |db: &TestDb| {
    let sink = SmtpSink::start();
    let (account, plan) = setup(db).await;
    let ann = contact(db, &account, "Ann Lee", "ann@acme.com", Some("America/New_York")).await;
    db.store.enroll(account.id, plan.id, ann, now()).await.unwrap();
    run_worker(&db.store, &sink, now()).await;
    let first = sink.messages();
    assert_eq!(first.len(), 1, "{first:?}");
    let first = &first[0];
    assert_eq!(first.header("subject"), Some("Thank you, Ann"));
    assert_eq!(first.header("to"), Some("ann@acme.com"));
    assert!(
        first.header("from").unwrap().contains("Sam Stone")
            && first.header("from").unwrap().contains("<sam@stone.example>")
    );
    assert!(first.body.contains("Hi Ann,") && first.body.contains("Sam Stone\nStone Consulting"), "{}", first.body);
    assert_eq!(first.header("in-reply-to"), None);
    // The Date header follows the worker's clock (here the test's), not the machine's.
    let date = jiff::fmt::rfc2822::parse(first.header("date").unwrap()).unwrap().timestamp();
    assert!(date >= now() && date < now() + SignedDuration::from_mins(1), "{date}");
    let first_id = first.header("message-id").unwrap().to_string();
    assert!(first_id.starts_with("<plan.") && first_id.ends_with("@stone.example>"), "{first_id}");

    // Nothing more is due until two days later; then the second email answers the first.
    run_worker(&db.store, &sink, now() + SignedDuration::from_hours(24)).await;
    assert_eq!(sink.messages().len(), 1);
    run_worker(&db.store, &sink, now() + SignedDuration::from_hours(48)).await;
    let messages = sink.messages();
    assert_eq!(messages.len(), 2);
    let second = messages.iter().find(|m| m.header("subject") == Some("One more idea")).unwrap();
    assert_eq!(second.header("in-reply-to"), Some(first_id.as_str()));
    assert_eq!(second.header("references"), Some(first_id.as_str()));
    assert_ne!(second.header("message-id"), Some(first_id.as_str()));
    let enrollment = &db.store.enrollments(account.id, Some(ann)).await.unwrap()[0];
    assert_eq!(enrollment.state, EnrollmentState::Finished);
    // Each email is recorded as a touch on the timeline.
    assert_eq!(db.store.touches(account.id, ann).await.unwrap().len(), 2);
});

both!(nothing_goes_to_do_not_contact, async |db: &TestDb| {
    let sink = SmtpSink::start();
    let (account, plan) = setup(db).await;
    let bob = contact(db, &account, "Bob Ray", "bob@ray.example", None).await;
    let enrollment = db.store.enroll(account.id, plan.id, bob, now()).await.unwrap();
    db.store
        .set_consent(account.id, bob, ConsentState::DoNotContact, None, "asked not to be contacted", now())
        .await
        .unwrap();
    run_worker(&db.store, &sink, now()).await;
    run_worker(&db.store, &sink, now() + SignedDuration::from_hours(72)).await;
    assert!(sink.messages().is_empty());
    let enrollment = db.store.enrollment(account.id, enrollment.id).await.unwrap();
    assert_eq!(enrollment.state, EnrollmentState::Stopped);
    assert_eq!(enrollment.stop_reason.as_deref(), Some(tickler_core::plan::STOPPED_DO_NOT_CONTACT));
    assert!(db.store.enroll(account.id, plan.id, bob, now()).await.is_err());
});

both!(a_reply_stops_the_plan, async |db: &TestDb| {
    let sink = SmtpSink::start();
    let (account, plan) = setup(db).await;
    let ann = contact(db, &account, "Ann Lee", "ann@acme.com", None).await;
    db.store.enroll(account.id, plan.id, ann, now()).await.unwrap();
    run_worker(&db.store, &sink, now()).await;
    let mut reply =
        TouchDraft::new(ann, now() + SignedDuration::from_hours(1), Channel::Email, "Thanks, let's talk").unwrap();
    reply.direction = tickler_core::touch::Direction::In;
    db.store.log_touch(account.id, &reply, now() + SignedDuration::from_hours(1)).await.unwrap();
    run_worker(&db.store, &sink, now() + SignedDuration::from_hours(72)).await;
    assert_eq!(sink.messages().len(), 1);
    let enrollment = &db.store.enrollments(account.id, Some(ann)).await.unwrap()[0];
    assert_eq!((enrollment.state, enrollment.stop_reason.as_deref()), (EnrollmentState::Stopped, Some("replied")));
});

both!(nothing_is_sent_outside_business_hours_or_inside_the_pacing_gap, async |db: &TestDb| {
    let sink = SmtpSink::start();
    let (account, plan) = setup(db).await;
    let evening: Timestamp = "2026-11-25T01:00:00Z".parse().unwrap(); // Tuesday 20:00 in New York
    let ann = contact(db, &account, "Ann Lee", "ann@acme.com", None).await;
    let kenji = contact(db, &account, "Kenji Sato", "kenji@sato.example", Some("Asia/Tokyo")).await;
    let cleo = contact(db, &account, "Cleo Park", "cleo@park.example", None).await;
    let mut yesterday =
        TouchDraft::new(cleo, now() - SignedDuration::from_hours(20), Channel::Email, "sent the proposal").unwrap();
    yesterday.direction = tickler_core::touch::Direction::Out;
    db.store.log_touch(account.id, &yesterday, now()).await.unwrap();
    // Tuesday 10:00 in New York is midnight in Tokyo, and Cleo was emailed yesterday.
    let enrolled_kenji = db.store.enroll(account.id, plan.id, kenji, now()).await.unwrap();
    let enrolled_cleo = db.store.enroll(account.id, plan.id, cleo, now()).await.unwrap();
    run_worker(&db.store, &sink, now()).await;
    assert!(sink.messages().is_empty(), "nothing may go out at night in Tokyo or inside Cleo's gap");
    let waiting = |id| async move { db.store.enrollment(account.id, id).await.unwrap().waiting.unwrap_or_default() };
    assert!(waiting(enrolled_kenji.id).await.contains("outside business hours in Asia/Tokyo"));
    assert!(waiting(enrolled_cleo.id).await.contains("pacing gap"), "{}", waiting(enrolled_cleo.id).await);
    // Tuesday 20:00 in New York (Wednesday 10:00 in Tokyo): Kenji's goes, Ann's waits.
    let enrolled_ann = db.store.enroll(account.id, plan.id, ann, evening).await.unwrap();
    run_worker(&db.store, &sink, evening).await;
    let to = |sink: &SmtpSink| -> HashSet<String> {
        sink.messages().iter().map(|m| m.header("to").unwrap().to_string()).collect()
    };
    assert_eq!(to(&sink), HashSet::from(["kenji@sato.example".to_string()]));
    assert!(waiting(enrolled_ann.id).await.contains("outside business hours in America/New_York"));
    // Wednesday 09:30 in New York: Ann's goes, and Cleo's gap (last touch Monday) has ended.
    run_worker(&db.store, &sink, "2026-11-25T14:30:00Z".parse().unwrap()).await;
    assert_eq!(to(&sink).len(), 3);
    assert_eq!(sink.messages().len(), 3);
});

// Do-not-contact set while the worker claims due steps: once a consent change
// has committed, no step of that contact is claimed any more, so every email
// the contact receives was claimed before the change.
both!(do_not_contact_wins_the_race_with_the_worker, async |db: &TestDb| {
    let sink = SmtpSink::start();
    let (account, plan) = setup(db).await;
    let mut ids = Vec::new();
    for index in 0..120 {
        ids.push(contact(db, &account, &format!("Person {index}"), &format!("p{index}@race.example"), None).await);
    }
    db.store.enroll_tag(account.id, plan.id, &Tag::parse("batch").unwrap(), now()).await.unwrap();
    let worker_store = db.reopen().await;
    let mailer = mailer(&sink);
    let worker = tokio::spawn(async move {
        let mut config = worker_at(now());
        config.batch = 8;
        config.concurrency = 4;
        drain(&App::from_store(worker_store.clone()), &mailer, &config).await.unwrap();
    });
    // Every third contact becomes do-not-contact while the worker runs.
    let mut claimed_before: HashMap<String, HashSet<String>> = HashMap::new();
    for (index, id) in ids.iter().enumerate().filter(|(index, _)| index % 3 == 0) {
        db.store.set_consent(account.id, *id, ConsentState::DoNotContact, None, "race", now()).await.unwrap();
        let claimed: HashSet<String> = db
            .store
            .outbox(account.id, Some(*id))
            .await
            .unwrap()
            .into_iter()
            .filter(|(_, state)| state == "sending" || state == "sent")
            .map(|(email, _)| email.message_id)
            .collect();
        claimed_before.insert(format!("p{index}@race.example"), claimed);
        tokio::task::yield_now().await;
    }
    worker.await.unwrap();
    run_worker(&db.store, &sink, now() + SignedDuration::from_hours(72)).await;
    let messages = sink.messages();
    let mut late = Vec::new();
    for message in &messages {
        let to = message.header("to").unwrap();
        if let Some(claimed) = claimed_before.get(to) {
            let id = message.header("message-id").unwrap();
            if !claimed.contains(id) {
                late.push(format!("{to}: {id}"));
            }
        }
    }
    assert!(late.is_empty(), "emails claimed after do-not-contact committed: {late:?}");
    // The others got both steps.
    let others = messages.iter().filter(|m| !claimed_before.contains_key(m.header("to").unwrap())).count();
    assert_eq!(others, 2 * (ids.len() - claimed_before.len()));
});

// The user's own emails: a promise-at-risk alert with a drafted "running late"
// message before the told deadline, and one digest a day at the chosen hour.
both!(the_user_gets_promise_alerts_and_one_daily_digest, async |db: &TestDb| {
    let sink = SmtpSink::start();
    let (account, _) = setup(db).await;
    let mut settings = db.store.mail_settings(account.id).await.unwrap();
    settings.digest_enabled = true;
    db.store.update_mail_settings(account.id, &settings, now()).await.unwrap();
    let ann = contact(db, &account, "Ann Lee", "ann@acme.com", None).await;
    let due = tickler_core::follow_up::Due {
        date: jiff::civil::date(2026, 11, 24),
        time: None,
        zone: account.settings.zone.clone(),
    };
    let follow_up = tickler_core::follow_up::FollowUpDraft::new(
        ann,
        due,
        Channel::Call,
        "call about pricing",
        tickler_core::follow_up::Origin::Manual,
    )
    .unwrap();
    db.store.schedule_follow_up(account.id, &follow_up, true, now()).await.unwrap();
    let aim = now() + SignedDuration::from_hours(1);
    let told = now() + SignedDuration::from_hours(7);
    let promise =
        tickler_core::promise::PromiseDraft::new(ann, "the revised quote", aim, told, account.settings.zone.clone())
            .unwrap();
    db.store.create_promise(account.id, &promise, now()).await.unwrap();
    // 12:00: the aim has passed; the alert goes out once, however often the worker runs.
    let noon = now() + SignedDuration::from_hours(2);
    run_worker(&db.store, &sink, noon).await;
    run_worker(&db.store, &sink, noon + SignedDuration::from_mins(10)).await;
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    let alert = &messages[0];
    assert_eq!(alert.header("to"), Some("sam@stone.example"));
    assert_eq!(alert.header("subject"), Some("Promise at risk: the revised quote for Ann Lee"));
    assert!(alert.body.contains("Hi Ann,") && alert.body.contains("You will have it by"), "{}", alert.body);
    // Wednesday 08:00: the digest, once.
    let morning: Timestamp = "2026-11-25T13:00:00Z".parse().unwrap();
    run_worker(&db.store, &sink, morning).await;
    run_worker(&db.store, &sink, morning + SignedDuration::from_mins(30)).await;
    let digests: Vec<_> =
        sink.messages().into_iter().filter(|m| m.header("subject").unwrap().starts_with("Today:")).collect();
    assert_eq!(digests.len(), 1);
    assert_eq!(digests[0].header("subject"), Some("Today: 1 follow-up, 1 promise(s) past due"));
    assert!(
        digests[0].body.contains("Overdue (1)")
            && digests[0].body.contains("Ann Lee · call · call about pricing (1 day late)"),
        "{}",
        digests[0].body
    );
    // The promise whose told deadline passed yesterday is in it, with its drafted message.
    assert!(digests[0].body.contains("Promises past the deadline you told them (1)"), "{}", digests[0].body);
    assert!(digests[0].body.contains("A quick update on the revised quote:"), "{}", digests[0].body);
});

// A day whose only item is a promise (at risk, or past the deadline told) still has a digest.
both!(a_digest_goes_out_on_a_day_whose_only_item_is_a_promise, async |db: &TestDb| {
    let sink = SmtpSink::start();
    let (account, _) = setup(db).await;
    let mut settings = db.store.mail_settings(account.id).await.unwrap();
    settings.digest_enabled = true;
    db.store.update_mail_settings(account.id, &settings, now()).await.unwrap();
    let ann = contact(db, &account, "Ann Lee", "ann@acme.com", None).await;
    let bo = contact(db, &account, "Bo Chen", "bo@chen.example", None).await;
    let zone = account.settings.zone.clone();
    // Ann was told Tuesday 17:00 (past by Wednesday's digest); Bo, Thursday 17:00 (at risk: the aim passed).
    let past = tickler_core::promise::PromiseDraft::new(
        ann,
        "send the quote",
        now() + SignedDuration::from_hours(1),
        now() + SignedDuration::from_hours(7),
        zone.clone(),
    )
    .unwrap();
    db.store.create_promise(account.id, &past, now()).await.unwrap();
    let risky = tickler_core::promise::PromiseDraft::new(
        bo,
        "the deck",
        now() + SignedDuration::from_hours(20),
        now() + SignedDuration::from_hours(55),
        zone,
    )
    .unwrap();
    db.store.create_promise(account.id, &risky, now()).await.unwrap();
    let morning: Timestamp = "2026-11-25T13:00:00Z".parse().unwrap();
    run_worker(&db.store, &sink, morning).await;
    let digests: Vec<_> =
        sink.messages().into_iter().filter(|m| m.header("subject").unwrap().starts_with("Today:")).collect();
    assert_eq!(digests.len(), 1, "{:?}", sink.messages());
    let digest = &digests[0];
    assert_eq!(digest.header("subject"), Some("Today: 0 follow-ups, 1 promise(s) at risk, 1 promise(s) past due"));
    assert!(
        digest.body.contains("Promises at risk (1)") && digest.body.contains("Bo Chen: \"the deck\""),
        "{}",
        digest.body
    );
    assert!(digest.body.contains("Promises past the deadline you told them (1)"), "{}", digest.body);
    assert!(
        digest.body.contains("I told you I would send the quote by 5:00 pm on Tuesday 24 November"),
        "{}",
        digest.body
    );
    assert!(!digest.body.contains("update on send"), "the promise's words are framed: {}", digest.body);
});

// "Tell them: running late": the email goes out through Tickler, a touch is logged, the told deadline moves.
both!(a_running_late_message_is_sent_logged_and_moves_the_deadline, async |db: &TestDb| {
    let sink = SmtpSink::start();
    let (account, _) = setup(db).await;
    let ann = contact(db, &account, "Ann Lee", "ann@acme.com", None).await;
    let draft = tickler_core::promise::PromiseDraft::new(
        ann,
        "send the quote",
        now() + SignedDuration::from_hours(1),
        now() + SignedDuration::from_hours(7),
        account.settings.zone.clone(),
    )
    .unwrap();
    let promise = db.store.create_promise(account.id, &draft, now()).await.unwrap();
    let app = App::from_store(db.store.clone());
    let noon = now() + SignedDuration::from_hours(2);
    let actor = tickler_app::Actor::new(account.clone(), None, noon);
    let late = tickler_app::promises::running_late(&app, &actor, promise.id).await.unwrap();
    assert_eq!(late.to.as_deref(), Some("ann@acme.com"));
    assert!(late.new_told > promise.told, "a later deadline is offered");
    let input = tickler_app::promises::TellInput {
        body: Some(format!("{}\nP.S. edited by hand", late.body)),
        ..Default::default()
    };
    let told = tickler_app::promises::tell(&app, &actor, promise.id, &input).await.unwrap();
    assert_eq!(told.promise.told, late.new_told, "the told deadline moved to the one offered");
    assert_eq!(told.promise.state, tickler_core::promise::PromiseState::Open);
    let touches = db.store.touches(account.id, ann).await.unwrap();
    assert_eq!(touches.len(), 1);
    assert!(touches[0].summary.contains("new deadline for \"send the quote\""), "{:?}", touches[0]);
    run_worker(&db.store, &sink, noon).await;
    let sent: Vec<_> = sink.messages().into_iter().filter(|m| m.header("to") == Some("ann@acme.com")).collect();
    assert_eq!(sent.len(), 1, "{:?}", sink.messages());
    assert_eq!(sent[0].header("subject"), Some(late.subject.as_str()));
    assert!(sent[0].body.contains("P.S. edited by hand") && sent[0].body.contains("Hi Ann,"), "{}", sent[0].body);
    // Once kept, it runs late no more.
    tickler_app::promises::keep(&app, &actor, promise.id).await.unwrap();
    let error = tickler_app::promises::running_late(&app, &actor, promise.id).await.unwrap_err();
    assert!(error.to_string().contains("already kept"), "{error}");
});

//! Reply detection against real servers: a plan email goes out to Postfix's
//! smtp-sink, the contact's reply lands in a Dovecot mailbox, and the worker's
//! check of the mailbox stops the plan ("replied"), puts an inbound replied
//! touch on the timeline and keeps the plan's next email from being sent.
//! Unrelated, automatic and malformed mail changes nothing; checking twice,
//! after a restart or after the mailbox was renumbered records a reply once.
//! Every case runs on SQLite and on PostgreSQL.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use tickler_app::App;
use tickler_app::worker::{Clock, ReplyReport, WorkerConfig, check_replies, drain, run_worker};
use tickler_core::contact::{ContactDetails, ContactName, EmailAddress};
use tickler_core::ids::{AccountId, ContactId};
use tickler_core::plan::{EnrollmentState, PlanDraft, Step};
use tickler_core::touch::{Direction, Outcome, Touch};
use tickler_mail::{ImapConfig, Mailer, Security, SmtpConfig};
use tickler_store::{MailSettings, MailboxPoll, Store};
use tickler_test_support::both;
use tickler_test_support::dovecot::Dovecot;
use tickler_test_support::smtp_sink::SmtpSink;

use crate::common::{TestDb, now};

fn mailer(sink: &SmtpSink) -> Mailer {
    let config =
        SmtpConfig { host: "127.0.0.1".into(), port: sink.port, security: Security::None, ..SmtpConfig::default() };
    Mailer::new(&config).unwrap()
}

fn imap(dovecot: &Dovecot) -> ImapConfig {
    ImapConfig::from_sources(Some(&dovecot.settings()), |_| None).unwrap().expect("IMAP is configured")
}

async fn send_due(store: &Store, sink: &SmtpSink, at: Timestamp) {
    let mut config = WorkerConfig::new(Clock::starting_at(at));
    config.owner = format!("test-{}", at.as_second());
    drain(&App::from_store(store.clone()), &mailer(sink), &config).await.unwrap();
}

async fn check(store: &Store, dovecot: &Dovecot, at: Timestamp) -> ReplyReport {
    check_replies(&App::from_store(store.clone()), &imap(dovecot), &Clock::starting_at(at)).await.unwrap()
}

/// An account that emails as Sam Stone, a two-email plan, and Ann enrolled in it; returns (account, Ann).
async fn ann_in_a_plan(db: &TestDb) -> (AccountId, ContactId) {
    let account = db.account().await.id;
    let settings = MailSettings {
        from_name: "Sam Stone".into(),
        from_address: "sam@stone.example".into(),
        signature: "Sam".into(),
        digest_hour: 8,
        digest_enabled: false,
        review_day: None,
        review_hour: 16,
    };
    db.store.update_mail_settings(account, &settings, now()).await.unwrap();
    let steps = vec![
        Step::email("same day", "Thank you, {{ contact.first_name }}", "Hi {{ contact.first_name }},\n\nThank you.\n")
            .unwrap(),
        Step::email("2 days", "One more idea", "Hi {{ contact.first_name }},\n\nHere is the guide.\n").unwrap(),
    ];
    let plan =
        db.store.create_plan(account, &PlanDraft::new("Test plan", "", false, steps).unwrap(), now()).await.unwrap();
    let ann = contact(db, account, "Ann Lee", "ann@acme.com").await;
    db.store.enroll(account, plan.id, ann, now()).await.unwrap();
    (account, ann)
}

async fn contact(db: &TestDb, account: AccountId, name: &str, email: &str) -> ContactId {
    let mut details = ContactDetails::named(ContactName::parse(name).unwrap());
    details.emails = vec![EmailAddress::parse(email).unwrap()];
    db.store.create_contact(account, &details, now()).await.unwrap().id
}

/// Ann's answer to the email `parent`, quoting it below an attribution line.
fn ann_replies(parent: &str) -> String {
    format!(
        "From: Ann Lee <ann@acme.com>\nTo: Sam Stone <sam@stone.example>\nSubject: Re: Thank you, Ann\n\
         Date: Tue, 24 Nov 2026 11:30:00 -0500\nMessage-ID: <reply-1@acme.com>\nIn-Reply-To: {parent}\n\
         References: {parent}\nContent-Type: text/plain; charset=utf-8\n\n\
         Thanks Sam, let's talk Tuesday.\n\nOn Tue, 24 Nov 2026 at 10:00, Sam Stone <sam@stone.example> wrote:\n\
         > Hi Ann,\n> Thank you.\n"
    )
}

fn replies_of(touches: &[Touch]) -> Vec<&Touch> {
    touches.iter().filter(|touch| touch.direction == Direction::In).collect()
}

both!(a_reply_stops_the_plan_before_its_next_email, async |db: &TestDb| {
    let (sink, dovecot) = (SmtpSink::start(), Dovecot::start());
    let (account, ann) = ann_in_a_plan(db).await;
    send_due(&db.store, &sink, now()).await;
    let sent = sink.messages();
    assert_eq!(sent.len(), 1);
    let first_id = sent[0].header("message-id").unwrap().to_string();
    dovecot.append(ann_replies(&first_id));
    // An out-of-office answer to the same email, and mail that has nothing to do with the plan.
    dovecot.append(format!(
        "From: ann@acme.com\nSubject: Out of office\nAuto-Submitted: auto-replied\nMessage-ID: <ooo@acme.com>\n\
         In-Reply-To: {first_id}\n\nI am away until Monday.\n"
    ));
    dovecot.append("From: News <news@shop.example>\nSubject: Deals\nMessage-ID: <deal@shop.example>\n\nBuy!\n");

    let report = check(&db.store, &dovecot, now() + SignedDuration::from_hours(2)).await;
    assert_eq!((report.messages, report.read, report.from_start), (3, 3, true), "{report:?}");
    assert_eq!((report.automatic, report.unmatched, report.replies.len()), (1, 1, 1), "{report:?}");
    let reply = &report.replies[0];
    assert_eq!(
        (reply.account_id, reply.contact_id, reply.stopped.as_slice()),
        (account, ann, &["Test plan".to_string()][..])
    );
    let enrollment = &db.store.enrollments(account, Some(ann)).await.unwrap()[0];
    assert_eq!((enrollment.state, enrollment.stop_reason.as_deref()), (EnrollmentState::Stopped, Some("replied")));
    let touches = db.store.touches(account, ann).await.unwrap();
    let replies = replies_of(&touches);
    assert_eq!(replies.len(), 1);
    assert_eq!((replies[0].channel.as_str(), replies[0].outcome), ("email", Some(Outcome::Replied)));
    assert_eq!(replies[0].summary, "Re: Thank you, Ann — Thanks Sam, let's talk Tuesday.");
    assert_eq!(replies[0].at, "2026-11-24T16:30:00Z".parse::<Timestamp>().unwrap());

    // Two days on, the plan's second email is not sent.
    send_due(&db.store, &sink, now() + SignedDuration::from_hours(72)).await;
    assert_eq!(sink.messages().len(), 1, "{:?}", sink.messages());
});

both!(a_reply_is_recorded_once_across_checks_restarts_and_renumbering, async |db: &TestDb| {
    let (sink, dovecot) = (SmtpSink::start(), Dovecot::start());
    let (account, ann) = ann_in_a_plan(db).await;
    send_due(&db.store, &sink, now()).await;
    dovecot.append(ann_replies(sink.messages()[0].header("message-id").unwrap()));
    let later = now() + SignedDuration::from_hours(2);
    assert_eq!(check(&db.store, &dovecot, later).await.replies.len(), 1);
    // Checked again: nothing new is read.
    let again = check(&db.store, &dovecot, later).await;
    assert_eq!((again.read, again.from_start, again.replies.len()), (0, false, 0), "{again:?}");
    // A restarted worker (a new store on the same database) reads nothing again either.
    let restarted = db.reopen().await;
    let after_restart = check(&restarted, &dovecot, later).await;
    assert_eq!((after_restart.read, after_restart.from_start), (0, false), "{after_restart:?}");
    // The mailbox was renumbered (its UIDVALIDITY changed): it is read again, and the reply is known.
    let key = imap(&dovecot).mailbox_key();
    restarted.save_mailbox_poll(&key, MailboxPoll { uid_validity: 1, last_uid: 99 }, later).await.unwrap();
    let renumbered = check(&restarted, &dovecot, later).await;
    assert_eq!((renumbered.read, renumbered.from_start), (1, true), "{renumbered:?}");
    assert_eq!((renumbered.already_recorded, renumbered.replies.len()), (1, 0), "{renumbered:?}");
    assert_eq!(replies_of(&db.store.touches(account, ann).await.unwrap()).len(), 1);
});

both!(unrelated_and_malformed_mail_changes_nothing, async |db: &TestDb| {
    let (sink, dovecot) = (SmtpSink::start(), Dovecot::start());
    let (account, ann) = ann_in_a_plan(db).await;
    let bob = contact(db, account, "Bob Ray", "bob@ray.example").await;
    send_due(&db.store, &sink, now()).await;
    // Bob was never emailed; a stranger answers someone else's thread; Ann wrote before our email went out.
    dovecot.append("From: Bob Ray <bob@ray.example>\nSubject: Hello\nMessage-ID: <b1@ray.example>\n\nHi Sam!\n");
    dovecot.append("From: who@else.example\nSubject: Re: x\nIn-Reply-To: <not-ours@else.example>\n\nOk\n");
    dovecot.append(
        "From: ann@acme.com\nDate: Mon, 23 Nov 2026 09:00:00 -0500\nSubject: Question\nMessage-ID: <early@acme.com>\n\nHi\n",
    );
    // No Message-ID, 8-bit headers, a broken From and a truncated multipart body.
    dovecot.append(
        &b"From: \"unterminated <\nSubject: Caf\xe9 \xff\nX-Junk\nContent-Type: multipart/mixed; boundary=zz\n\n--zz\nContent-Type: text/plain\n\nhalf"[..],
    );
    let report = check(&db.store, &dovecot, now() + SignedDuration::from_hours(2)).await;
    assert_eq!((report.read, report.unmatched, report.replies.len()), (4, 4, 0), "{report:?}");
    assert!(replies_of(&db.store.touches(account, ann).await.unwrap()).is_empty());
    assert!(db.store.touches(account, bob).await.unwrap().is_empty());
    let enrollment = &db.store.enrollments(account, Some(ann)).await.unwrap()[0];
    assert_eq!(enrollment.state, EnrollmentState::Active);
    send_due(&db.store, &sink, now() + SignedDuration::from_hours(48)).await;
    assert_eq!(sink.messages().len(), 2, "the plan goes on");
});

both!(the_worker_loop_checks_the_mailbox, async |db: &TestDb| {
    let (sink, dovecot) = (SmtpSink::start(), Dovecot::start());
    let (account, ann) = ann_in_a_plan(db).await;
    let mut config = WorkerConfig::new(Clock::starting_at(now()));
    config.imap = Some(imap(&dovecot));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(run_worker(App::from_store(db.store.clone()), mailer(&sink), config, async {
        let _ = stopped.await;
    }));
    let first = wait_for("the plan's first email", || async { sink.messages().first().cloned() }).await;
    dovecot.append(ann_replies(first.header("message-id").unwrap()));
    let stopped_enrollment = wait_for("the plan to stop", || async {
        let enrollment = db.store.enrollments(account, Some(ann)).await.unwrap().remove(0);
        (enrollment.state == EnrollmentState::Stopped).then_some(enrollment)
    })
    .await;
    stop.send(()).unwrap();
    worker.await.unwrap().unwrap();
    assert_eq!(stopped_enrollment.stop_reason.as_deref(), Some("replied"));
    assert_eq!(replies_of(&db.store.touches(account, ann).await.unwrap()).len(), 1);
});

/// Poll `probe` until it gives a value (the worker runs on its own; a minute is far more than it needs).
async fn wait_for<T, F>(what: &str, mut probe: impl FnMut() -> F) -> T
where
    F: std::future::Future<Output = Option<T>>,
{
    for _ in 0..600 {
        if let Some(value) = probe().await {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("waited a minute for {what}");
}

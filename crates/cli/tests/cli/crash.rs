//! Crash safety: `tickler worker` is killed with SIGKILL at random points while
//! it sends a few thousand plan emails to a real SMTP server, then restarted
//! until nothing is due. Every (enrollment, step) must arrive, always as the
//! one message rendered for it (same Message-ID, same text); a message the
//! server accepted just before a kill, and that the dead worker could not
//! mark delivered (it marks them as the server answers, a group per commit),
//! is delivered again under its own Message-ID, so redeliveries stay within
//! the emails in flight at the kills. Runs on SQLite and PostgreSQL.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jiff::{SignedDuration, Timestamp};
use tickler_core::contact::{ContactDetails, ContactName, EmailAddress, Tag, ZoneName};
use tickler_core::plan::{EnrollmentState, PlanDraft, Step};
use tickler_store::{MailSettings, Store};
use tickler_test_support::both;
use tickler_test_support::smtp_sink::{self, SmtpSink};

use crate::common::{self, Tickler};

const CONTACTS: usize = 1_250;
const STEPS: usize = 2;
const KILLS: usize = 6;
const CONCURRENCY: usize = 8;

/// An account whose `contacts` contacts are enrolled in a two-step plan of emails, all due at `start`.
pub(crate) fn seed(database: &str, start: Timestamp, contacts: usize) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let store = Store::open(database).await.unwrap();
        let account = store.default_account(&ZoneName::parse(common::TZ).unwrap(), start).await.unwrap();
        let mut settings = account.settings.clone();
        settings.pacing_gap_days = 0;
        store.update_settings(account.id, &settings).await.unwrap();
        let sender = MailSettings {
            from_name: "Sam Stone".into(),
            from_address: "sam@stone.example".into(),
            signature: "Sam".into(),
            digest_hour: 8,
            digest_enabled: false,
            review_day: None,
            review_hour: 16,
        };
        store.update_mail_settings(account.id, &sender, start).await.unwrap();
        let steps = vec![
            Step::email(
                "same day",
                "Hello {{ contact.first_name }}",
                "Hi {{ contact.first_name }},\n\nA useful idea.\n",
            )
            .unwrap(),
            Step::email("same day", "And a guide", "Hi {{ contact.first_name }},\n\nThe guide I mentioned.\n").unwrap(),
        ];
        let plan = store
            .create_plan(account.id, &PlanDraft::new("Crash plan", "", false, steps).unwrap(), start)
            .await
            .unwrap();
        let tag = Tag::parse("crash").unwrap();
        for index in 0..contacts {
            let mut details = ContactDetails::named(ContactName::parse(&format!("Person {index}")).unwrap());
            details.emails = vec![EmailAddress::parse(&format!("p{index}@crash.example")).unwrap()];
            details.tags = vec![tag.clone()];
            store.create_contact(account.id, &details, start).await.unwrap();
        }
        let enrolled = store.enroll_tag(account.id, plan.id, &tag, start).await.unwrap();
        assert_eq!(enrolled.enrolled.len(), contacts);
        store.close().await;
    });
}

fn worker(database: &str, sink: &SmtpSink, now: Timestamp) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tickler"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("TICKLER_") {
            command.env_remove(key);
        }
    }
    command
        .args(["--database", database, "--tz", common::TZ, "--now", &now.to_string(), "worker", "--once"])
        .args(["--lease-seconds", "60", "--batch", "32", "--concurrency", &CONCURRENCY.to_string(), "--lanes", "2"])
        .envs(sink.env())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

/// Start a worker (`worker(now)`, its clock at `now`) and SIGKILL it after a random pause
/// (`pause.0` ms plus up to `pause.1`), `times` times, each restart two minutes later on its
/// clock (past the dead worker's 60 s leases); then let one run to the end. Returns the kills.
pub fn kill_and_restart(
    start: Timestamp,
    times: usize,
    pause: (u64, u64),
    worker: impl Fn(Timestamp) -> Command,
) -> usize {
    let mut random = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
    eprintln!("kill schedule seed {random}");
    let mut kills = 0;
    let mut now = start;
    for _ in 0..times {
        random ^= random << 13;
        random ^= random >> 7;
        random ^= random << 17;
        let mut child = worker(now).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(pause.0 + random % pause.1));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
        now += SignedDuration::from_mins(2);
    }
    let output = worker(now).output().unwrap();
    assert!(output.status.success(), "the last worker failed: {}", String::from_utf8_lossy(&output.stderr));
    kills
}

both!(every_due_email_arrives_once_per_step_across_sigkills, |t: &Tickler| {
    let start: Timestamp = common::NOW.parse().unwrap();
    let database = t.database();
    seed(&database, start, CONTACTS);
    let sink = SmtpSink::start();
    let kills = kill_and_restart(start, KILLS, (150, 900), |now| worker(&database, &sink, now));

    let messages = sink.messages();
    let mut by_id: BTreeMap<String, Vec<&smtp_sink::Received>> = BTreeMap::new();
    for message in &messages {
        by_id.entry(message.header("message-id").unwrap().to_string()).or_default().push(message);
    }
    // Message-IDs are <plan.ACCOUNT.ENROLLMENT.STEP.STARTED@domain>: one per (enrollment, step).
    let steps: BTreeSet<(u64, u64)> = by_id
        .keys()
        .map(|id| {
            let parts: Vec<&str> = id.trim_start_matches("<plan.").split(['.', '@']).collect();
            (parts[1].parse().unwrap(), parts[2].parse().unwrap())
        })
        .collect();
    assert_eq!(by_id.len(), steps.len());
    assert_eq!(steps.len(), CONTACTS * STEPS, "every due (enrollment, step) arrives");
    for copies in by_id.values() {
        assert!(
            copies
                .iter()
                .all(|copy| copy.body == copies[0].body && copy.header("subject") == copies[0].header("subject"))
        );
    }
    let redelivered = messages.len() - by_id.len();
    eprintln!("{kills} kills, {} messages, {redelivered} redelivered in-flight message(s)", messages.len());
    // Emails the server took but the worker had not yet marked delivered (a
    // millisecond's worth) are sent again; far fewer than a batch per kill.
    assert!(redelivered <= kills * CONCURRENCY, "{redelivered} redeliveries for {kills} kills");

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let store = Store::open(&database).await.unwrap();
        let account = store.default_account(&ZoneName::parse(common::TZ).unwrap(), start).await.unwrap();
        let enrollments = store.enrollments(account.id, None).await.unwrap();
        assert!(enrollments.iter().all(|e| e.state == EnrollmentState::Finished), "every enrollment finished");
        let outbox = store.outbox(account.id, None).await.unwrap();
        assert_eq!(outbox.len(), CONTACTS * STEPS, "one outbox row per (enrollment, step)");
        assert!(outbox.iter().all(|(_, state)| state == "sent"));
        store.close().await;
    });
});

//! Many instances and many workers on one PostgreSQL database (a server of
//! the test's own, never the shared one): three `serve --no-worker` and two
//! `worker` processes share a few hundred due plan emails sent to slow SMTP
//! sinks, one sink per worker so every email's sender is known. One worker is
//! SIGKILLed mid-run and another started in its place; PostgreSQL itself is
//! restarted while emails are on the wire. Nothing is restarted by hand
//! afterwards: every (enrollment, step) arrives, a repeat only for an email
//! the killed worker had on the wire, every worker sent some, and every
//! server answers again and reads the others' writes.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use tickler_core::contact::ZoneName;
use tickler_core::plan::EnrollmentState;
use tickler_store::Store;
use tickler_test_support::postgres_cluster::PostgresCluster;
use tickler_test_support::smtp_sink::{Received, SmtpSink};

use crate::common;
use crate::live::Server;

const CONTACTS: usize = 240;
const STEPS: usize = 2;
const LANES: usize = 2;
const CONCURRENCY: usize = 8;
/// How long the whole run may take before the test gives up.
const PATIENCE: Duration = Duration::from_secs(100);

/// A `tickler worker` sending to its own sink; killed when dropped.
struct Worker {
    child: Child,
    sink: SmtpSink,
    log: std::path::PathBuf,
}

impl Worker {
    /// Start a worker whose clock reads `now` at its start and runs on, as every other worker's does.
    fn start(database: &str, now: Timestamp, name: &str) -> Worker {
        // Each message waits a second for the server's answer: emails are on the wire whenever the test acts.
        let sink = SmtpSink::start_slow(1);
        let log = std::env::temp_dir().join(format!("tickler-scale-{}-{name}.log", std::process::id()));
        let mut command = Command::new(env!("CARGO_BIN_EXE_tickler"));
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("TICKLER_") {
                command.env_remove(key);
            }
        }
        command
            .args(["--database", database, "--tz", common::TZ, "--now", &now.to_string(), "worker"])
            .args(["--lease-seconds", "10", "--batch", "16", "--concurrency", &CONCURRENCY.to_string()])
            .args(["--lanes", &LANES.to_string()])
            .envs(sink.env())
            .env("TICKLER_SMTP_CONNECTIONS", (LANES * CONCURRENCY).to_string())
            .current_dir(std::env::temp_dir())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(File::create(&log).unwrap());
        Worker { child: command.spawn().expect("start tickler worker"), sink, log }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// Every message the workers' sinks received.
fn received(workers: &[&Worker]) -> Vec<Received> {
    workers.iter().flat_map(|worker| worker.sink.messages()).collect()
}

/// Wait until `done` holds, checking every 100 ms; fail naming `what` past the deadline.
fn wait_for(what: &str, deadline: Instant, workers: &[&Worker], mut done: impl FnMut() -> bool) {
    while !done() {
        if Instant::now() > deadline {
            let logs: Vec<String> = workers.iter().map(|worker| worker.log()).collect();
            panic!("gave up waiting for {what}; worker logs:\n{}", logs.join("\n---\n"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The follow-up ids on a server's agenda.
fn agenda_ids(server: &Server, token: &str) -> Vec<i64> {
    let agenda = server.get("/api/v1/agenda?days=7", token).expect(200).json();
    agenda["items"].as_array().unwrap().iter().map(|item| item["follow_up"]["id"].as_i64().unwrap()).collect()
}

#[test]
fn instances_and_workers_share_the_work_through_a_kill_and_a_database_restart() {
    let deadline = Instant::now() + PATIENCE;
    let cluster = PostgresCluster::start();
    let database = cluster.url();
    let base: Timestamp = common::NOW.parse().unwrap();
    crate::crash::seed(&database, base, CONTACTS);
    let servers = [
        Server::start(&database, &["--no-worker"]),
        Server::start(&database, &["--no-worker"]),
        Server::start(&database, &["--no-worker"]),
    ];
    let token = servers[0].token();
    // Every worker's clock reads the same: the fixed start plus the real time since.
    let started = Instant::now();
    let now = || base + SignedDuration::try_from(started.elapsed()).unwrap();
    let first = Worker::start(&database, now(), "first");
    let second = Worker::start(&database, now(), "second");

    wait_for("the first worker to send", deadline, &[&first, &second], || first.sink.messages().len() >= 24);
    // SIGKILL mid-run: its claimed jobs wait out their 10 s leases; a new worker joins.
    let mut first = first;
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    let third = Worker::start(&database, now(), "third");

    let workers = [&first, &second, &third];
    let total = CONTACTS * STEPS;
    wait_for("a third of the emails", deadline, &workers, || received(&workers).len() >= total / 3);
    // Emails are on the wire (each waits a second for its answer) when every connection is cut.
    cluster.restart();
    // The servers reconnect by themselves, and still read each other's writes at once.
    for server in &servers {
        server.get("/api/v1/agenda", &token).expect(200);
    }
    let contact = servers[0].send_json("POST", "/api/v1/contacts", &token, &json!({ "name": "Ada" })).expect(201);
    let contact = contact.json()["id"].as_i64().unwrap();
    let scheduled = servers[1]
        .send_json("POST", &format!("/api/v1/contacts/{contact}/follow-ups"), &token, &json!({ "when": "today" }))
        .expect(201);
    let follow_up = scheduled.json()["follow_up"]["id"].as_i64().unwrap();
    for server in &servers {
        assert!(agenda_ids(server, &token).contains(&follow_up), "a server misses a follow-up after the restart");
    }

    // The workers carry on by themselves until every enrollment is through.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let store = runtime.block_on(Store::open(&database)).unwrap();
    let account = runtime.block_on(store.default_account(&ZoneName::parse(common::TZ).unwrap(), base)).unwrap();
    wait_for("every enrollment to finish", deadline, &workers, || {
        let enrollments = runtime.block_on(store.enrollments(account.id, None)).unwrap();
        enrollments.iter().all(|enrollment| enrollment.state == EnrollmentState::Finished)
    });

    let messages = received(&workers);
    let mut by_id: BTreeMap<String, Vec<&Received>> = BTreeMap::new();
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
    assert_eq!(steps.len(), total, "every due (enrollment, step) arrives");
    assert_eq!(by_id.len(), total, "each as one message");
    let redelivered = messages.len() - by_id.len();
    let sent: Vec<usize> = workers.iter().map(|worker| worker.sink.messages().len()).collect();
    eprintln!("{} messages, {redelivered} repeated; sent per worker {sent:?}", messages.len());
    // Only what the killed worker had on the wire goes twice; the restart repeats nothing.
    assert!(redelivered <= LANES * CONCURRENCY, "{redelivered} repeats");
    let killed: BTreeSet<String> =
        first.sink.messages().iter().map(|message| message.header("message-id").unwrap().to_string()).collect();
    for (id, copies) in &by_id {
        assert!(copies.len() == 1 || killed.contains(id), "{id} went {} times, not for the kill", copies.len());
    }
    for worker in &workers {
        eprintln!("--- worker log ---\n{}", worker.log());
    }
    assert!(sent.iter().all(|count| *count > 0), "every worker sent some: {sent:?}");
    let outbox = runtime.block_on(store.outbox(account.id, None)).unwrap();
    assert_eq!(outbox.len(), total, "one outbox row per (enrollment, step)");
    assert!(outbox.iter().all(|(_, state)| state == "sent"));
    runtime.block_on(store.close());
    drop(servers);
}

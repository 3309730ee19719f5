//! SIGTERM mid-send: `tickler serve` stops claiming, lets the email already
//! on the wire finish (smtp-sink answers DATA only after a few seconds),
//! records it sent, and exits 0; a worker started afterwards sends nothing again.
//! `tickler worker` likewise, and claims no other job once told to stop.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tickler_test_support::both;
use tickler_test_support::smtp_sink::SmtpSink;

use crate::common::{self, Tickler};
use crate::live::Server;

both!(sigterm_finishes_the_send_in_flight_and_exits_0, |t: &Tickler| {
    let sink = SmtpSink::start_slow(3);
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    t.ok(&["mail", "from", "--name", "Sam Stone", "--address", "sam@stone.example"]);
    t.ok(&["enroll", "ann", "After an interview"]);
    let mut env = sink.env();
    env.push(("RUST_LOG".into(), "info".into()));
    let env: Vec<(&str, &str)> = env.iter().map(|(key, value)| (key.as_str(), value.as_str())).collect();
    let server = Server::start_env(&t.database(), &["--log-format", "json"], &env);
    server.wait_for_log("\"message\":\"job claimed\"");
    assert!(sink.messages().is_empty(), "the sink holds DATA for 3 s: the send is in flight");

    let (code, stderr) = server.stop_with_code();
    assert_eq!(code, Some(0), "exits 0 after SIGTERM:\n{stderr}");
    assert_eq!(sink.messages().len(), 1, "the send in flight finished:\n{stderr}");
    assert!(stderr.contains("\"message\":\"stopping: finishing the sends in flight"), "{stderr}");
    assert!(stderr.contains("\"message\":\"email sent\""), "{stderr}");

    // Recorded as sent: the timeline has the email, and the next worker sends nothing again.
    let sent: Vec<Value> =
        t.timeline("ann").into_iter().filter(|entry| entry.to_string().contains("\"channel\":\"email\"")).collect();
    assert_eq!(sent.len(), 1, "one email on the timeline: {sent:?}");
    let again = t.run_env(&["worker", "--once", "--json"], &env).success().json();
    assert_eq!(again["sent"], 0, "{again}");
    assert_eq!(sink.messages().len(), 1, "no duplicate after the restart");
});

both!(a_stopping_worker_claims_nothing_more, |t: &Tickler| {
    let sink = SmtpSink::start_slow(3);
    t.ok(&["mail", "from", "--name", "Sam Stone", "--address", "sam@stone.example"]);
    for (name, email) in [("Ann Lee", "ann@acme.com"), ("Bob Ray", "bob@acme.com")] {
        t.add(name, &["--email", email]);
        t.ok(&["enroll", name.split(' ').next().unwrap(), "After an interview"]);
    }
    let mut command = Command::new(env!("CARGO_BIN_EXE_tickler"));
    command.args(["--database", &t.database(), "--now", common::NOW, "--tz", common::TZ]);
    // One job a batch, one lane: Bob's would be the next claim.
    command.args(["worker", "--batch", "1", "--concurrency", "1", "--lanes", "1", "--log-format", "json"]);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("TICKLER_") {
            command.env_remove(key);
        }
    }
    command.envs(sink.env()).env("RUST_LOG", "info");
    command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("start tickler worker");
    let log = Arc::new(Mutex::new(String::new()));
    let reading = {
        let (log, stderr) = (Arc::clone(&log), child.stderr.take().unwrap());
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                log.lock().unwrap().push_str(&format!("{line}\n"));
            }
        })
    };
    let claimed = |log: &str| log.matches("\"message\":\"job claimed\"").count();
    for _ in 0..1200 {
        if claimed(&log.lock().unwrap()) > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(sink.messages().is_empty(), "the first send is in flight");
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let status = child.wait().unwrap();
    reading.join().unwrap();
    let log = log.lock().unwrap().clone();
    assert_eq!(status.code(), Some(0), "exits 0 after SIGTERM:\n{log}");
    assert_eq!(claimed(&log), 1, "nothing claimed after SIGTERM:\n{log}");
    assert_eq!(sink.messages().len(), 1, "the send in flight finished:\n{log}");

    // The next worker sends the other email only.
    let again = t.run_env(
        &["worker", "--once", "--json"],
        &[
            ("TICKLER_SMTP_HOST", "127.0.0.1"),
            ("TICKLER_SMTP_PORT", &sink.port.to_string()),
            ("TICKLER_SMTP_SECURITY", "none"),
        ],
    );
    assert_eq!(again.success().json()["sent"], 1);
    let mut recipients: Vec<String> =
        sink.messages().iter().map(|message| message.header("to").unwrap().to_string()).collect();
    recipients.sort();
    assert_eq!(recipients, ["ann@acme.com", "bob@acme.com"]);
});

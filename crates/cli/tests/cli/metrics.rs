//! `/metrics` of a running `tickler serve`, read by Prometheus's own parser
//! (`prometheus_client.parser`, in the virtual environment `scripts/test`
//! fills): after some requests and a plan email sent through smtp-sink, the
//! request histogram by route, the job counters by kind, the backlog, the
//! mailbox and pool gauges are there with sane values. On the main address
//! it asks for the metrics token (401 without it); on `--metrics-listen` it does not.
//! A user's mailbox read once (Dovecot) shows its lag, labelled by user;
//! `tickler worker --metrics-listen` serves the counters of its own sends.

use std::collections::HashMap;
use std::process::Command;

use serde_json::Value;
use tickler_test_support::both;
use tickler_test_support::dovecot::Dovecot;
use tickler_test_support::smtp_sink::SmtpSink;

use crate::common::Tickler;
use crate::live::{self, Server};

const TOKEN: &str = "metrics-secret-0123456789";

/// Python's parser turns the text into `{family: {"type": …, "samples": [[name, labels, value], …]}}`.
const PARSE: &str = r#"
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = {}
for family in text_string_to_metric_families(sys.stdin.read()):
    out[family.name] = {"type": family.type, "samples": [[s.name, s.labels, s.value] for s in family.samples]}
print(json.dumps(out))
"#;

/// The families of a scrape, as Prometheus's parser reads them (a text it cannot parse fails the test).
fn parse(text: &str) -> HashMap<String, Value> {
    let mut python = Command::new(live::venv_program("python"));
    python.args(["-c", PARSE]);
    let (ok, stdout, stderr) = live::run(&mut python, Some(text));
    assert!(ok, "prometheus_client could not parse /metrics: {stderr}\n--- text ---\n{text}");
    serde_json::from_str(&stdout).expect("the parser's JSON")
}

/// The value of the sample `name` whose labels include every one of `labels`.
fn sample(families: &HashMap<String, Value>, family: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let samples = families.get(family)?["samples"].as_array()?;
    samples
        .iter()
        .find(|sample| sample[0] == name && labels.iter().all(|(key, value)| sample[1][*key].as_str() == Some(*value)))
        .and_then(|sample| sample[2].as_f64())
}

fn scrape(server: &Server) -> HashMap<String, Value> {
    let response = server.get("/metrics", TOKEN).expect(200);
    assert!(response.header("content-type").is_some_and(|kind| kind.starts_with("text/plain")), "{response:?}");
    parse(&response.text())
}

both!(metrics_parse_and_count_requests_and_jobs, |t: &Tickler| {
    let sink = SmtpSink::start();
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    t.ok(&["mail", "from", "--name", "Sam Stone", "--address", "sam@stone.example"]);
    t.ok(&["enroll", "ann", "After an interview"]);
    let metrics_port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let metrics_address = format!("127.0.0.1:{metrics_port}");
    let mut env = sink.env();
    env.push(("TICKLER_METRICS_TOKEN".into(), TOKEN.into()));
    let env: Vec<(&str, &str)> = env.iter().map(|(key, value)| (key.as_str(), value.as_str())).collect();
    let server = Server::start_env(&t.database(), &["--metrics-listen", &metrics_address], &env);

    for _ in 0..3 {
        server.request("GET", "/health", &[], None).expect(200);
    }
    // Without the token, or with another, the main address refuses.
    let refused = server.request("GET", "/metrics", &[], None).expect(401);
    assert_eq!(refused.header("www-authenticate"), Some("Bearer"));
    server.get("/metrics", "metrics-secret-wrong-000000").expect(401);

    // The worker beside the server sends Ann's email; wait until it is recorded.
    // Bounded generously: on a machine shared by parallel builds the worker may be slow to be scheduled.
    let mut families = scrape(&server);
    let mut recorded = false;
    for _ in 0..1800 {
        let sent = sample(&families, "tickler_jobs_sent", "tickler_jobs_sent_total", &[("kind", "plan-step")]);
        let backlog = sample(&families, "tickler_outbox_backlog", "tickler_outbox_backlog", &[]);
        if sent.is_some_and(|sent| sent >= 1.0) && backlog == Some(0.0) {
            recorded = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        families = scrape(&server);
    }
    assert!(
        recorded,
        "the worker's send was not counted within 3 minutes ({} sent to the sink): {families:?}",
        sink.messages().len()
    );
    assert_eq!(sink.messages().len(), 1);

    let histogram = &families["tickler_http_request_duration_seconds"];
    assert_eq!(histogram["type"], "histogram");
    let health = [("method", "GET"), ("route", "/health"), ("status", "200")];
    let count = sample(
        &families,
        "tickler_http_request_duration_seconds",
        "tickler_http_request_duration_seconds_count",
        &health,
    );
    assert!(count.is_some_and(|count| count >= 3.0), "three /health requests: {histogram}");
    let infinite = [("route", "/health"), ("status", "200"), ("le", "+Inf")];
    let bucket = sample(
        &families,
        "tickler_http_request_duration_seconds",
        "tickler_http_request_duration_seconds_bucket",
        &infinite,
    );
    assert_eq!(bucket, count, "the +Inf bucket holds every request");
    let refusals = [("route", "/metrics"), ("status", "401")];
    let refusals = sample(
        &families,
        "tickler_http_request_duration_seconds",
        "tickler_http_request_duration_seconds_count",
        &refusals,
    );
    assert!(refusals.is_some_and(|count| count >= 2.0), "{histogram}");

    for (family, name) in
        [("tickler_jobs_claimed", "tickler_jobs_claimed_total"), ("tickler_jobs_sent", "tickler_jobs_sent_total")]
    {
        assert_eq!(families[family]["type"], "counter", "{family}");
        let value = sample(&families, family, name, &[("kind", "plan-step")]);
        assert!(value.is_some_and(|value| value >= 1.0), "{family}: {}", families[family]);
    }
    assert_eq!(sample(&families, "tickler_outbox_backlog", "tickler_outbox_backlog", &[]), Some(0.0));
    assert_eq!(families["tickler_outbox_backlog"]["type"], "gauge");
    let oldest = "tickler_outbox_oldest_age_seconds";
    assert_eq!(sample(&families, oldest, oldest, &[]), Some(0.0), "no backlog, no age");
    let due = sample(&families, "tickler_jobs_due", "tickler_jobs_due", &[]);
    assert!(due.is_some_and(|due| due >= 0.0), "{families:?}");
    assert_eq!(sample(&families, "tickler_mailboxes_watched", "tickler_mailboxes_watched", &[]), Some(0.0));
    let pool = "tickler_db_connections";
    let in_use = sample(&families, pool, pool, &[("state", "in_use")]).expect("connections in use");
    let idle = sample(&families, pool, pool, &[("state", "idle")]).expect("idle connections");
    let max =
        sample(&families, "tickler_db_connections_max", "tickler_db_connections_max", &[]).expect("the pool's size");
    assert!(in_use >= 0.0 && idle >= 0.0 && in_use + idle <= max && max >= 1.0, "{in_use} {idle} {max}");

    // The separate address serves the same metrics without a token.
    let open = live::http(&metrics_address, "GET", "/metrics", &[], None).expect(200);
    let open = parse(&open.text());
    assert!(open.contains_key("tickler_http_request_duration_seconds") && open.contains_key("tickler_db_connections"));
    server.stop();
});

both!(metrics_are_off_without_a_token_and_a_short_token_is_refused, |t: &Tickler| {
    let server = Server::start(&t.database(), &["--no-worker"]);
    server.request("GET", "/metrics", &[], None).expect(404);
    server.stop();
    let refused =
        t.run_env(&["serve", "--listen", "127.0.0.1:0", "--no-worker"], &[("TICKLER_METRICS_TOKEN", "short")]);
    let line = refused.failure(2).error_line();
    assert!(line.starts_with("error: TICKLER_METRICS_TOKEN: "), "{line}");
});

both!(mailbox_lag_is_the_time_since_the_inbox_was_read_through, |t: &Tickler| {
    const KEY: &str = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=";
    let dovecot = Dovecot::start_users(&[("sam", "sam-pw")]);
    t.run_with_stdin(&["user", "add", "sam@stone.example", "--name", "Sam"], Some("a long password 1\n")).success();
    let password = std::env::temp_dir().join(format!("tickler-metrics-{}-{}", std::process::id(), dovecot.port));
    std::fs::write(&password, "sam-pw").unwrap();
    let port = dovecot.port.to_string();
    let account = [
        "mail",
        "account",
        "set",
        "--user",
        "sam@stone.example",
        "--imap-host",
        "127.0.0.1",
        "--imap-port",
        &port,
        "--imap-security",
        "none",
        "--imap-username",
        "sam",
        "--imap-password-file",
        password.to_str().unwrap(),
    ];
    t.run_env(&account, &[("TICKLER_SECRET_KEY", KEY)]).success();
    let key = [("TICKLER_SECRET_KEY", KEY), ("TICKLER_METRICS_TOKEN", TOKEN)];

    // Watched but never read: counted, no lag yet.
    let server = Server::start_env(&t.database(), &["--no-worker"], &key);
    let families = scrape(&server);
    assert_eq!(sample(&families, "tickler_mailboxes_watched", "tickler_mailboxes_watched", &[]), Some(1.0));
    assert!(!families.contains_key("tickler_mailbox_lag_seconds"), "no lag before the first read");
    server.stop();

    // Read once at --now; the server, at the same --now, sees a lag of about nothing.
    t.run_env(&["mail", "check", "--user", "sam@stone.example"], &[("TICKLER_SECRET_KEY", KEY)]).success();
    let server = Server::start_env(&t.database(), &["--no-worker"], &key);
    let families = scrape(&server);
    let lag = "tickler_mailbox_lag_seconds";
    assert_eq!(families[lag]["type"], "gauge");
    let samples = families[lag]["samples"].as_array().unwrap();
    assert_eq!(samples.len(), 1, "{samples:?}");
    let user_id = samples[0][1]["user_id"].as_str().expect("a user_id label");
    assert!(user_id.parse::<i64>().is_ok_and(|id| id > 0), "{samples:?}");
    let value = samples[0][2].as_f64().unwrap();
    assert!((0.0..60.0).contains(&value), "read at --now, scraped at --now: {value}");
    server.stop();
    let _ = std::fs::remove_file(&password);
});

both!(a_worker_serves_its_job_counters_on_metrics_listen, |t: &Tickler| {
    let sink = SmtpSink::start();
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    t.ok(&["mail", "from", "--name", "Sam Stone", "--address", "sam@stone.example"]);
    t.ok(&["enroll", "ann", "After an interview"]);
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let address = format!("127.0.0.1:{port}");
    let mut command = Command::new(env!("CARGO_BIN_EXE_tickler"));
    command.args(["--database", &t.database(), "--now", crate::common::NOW, "--tz", crate::common::TZ]);
    command.args(["worker", "--metrics-listen", &address]);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("TICKLER_") {
            command.env_remove(key);
        }
    }
    command.envs(sink.env());
    command.stdin(std::process::Stdio::null()).stdout(std::process::Stdio::null());
    command.stderr(std::process::Stdio::null());
    let mut worker = command.spawn().expect("start tickler worker");
    let mut sent = None;
    for _ in 0..600 {
        if std::net::TcpStream::connect(&address).is_ok() {
            let families = parse(&live::http(&address, "GET", "/metrics", &[], None).expect(200).text());
            sent = sample(&families, "tickler_jobs_sent", "tickler_jobs_sent_total", &[("kind", "plan-step")]);
            if sent.is_some_and(|sent| sent >= 1.0) {
                break;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    Command::new("kill").args(["-TERM", &worker.id().to_string()]).status().unwrap();
    let status = worker.wait().unwrap();
    assert_eq!(sent, Some(1.0), "the worker's own /metrics counts its send");
    assert_eq!(sink.messages().len(), 1);
    assert_eq!(status.code(), Some(0));
});

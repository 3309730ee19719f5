//! The server's request log: `serve --log-format json` writes one JSON object
//! a line on stderr, one per request, with the route template, status,
//! latency, request id (the `x-request-id` header's) and the signed-in
//! account, and never a token, password, cookie, secret path or body.
//! `RUST_LOG` filters it. The worker's events (a job claimed, an email sent
//! or failed with the server's reply, a retry) are JSON lines too.

use serde_json::{Value, json};
use tickler_test_support::both;
use tickler_test_support::smtp_sink::SmtpSink;

use crate::common::Tickler;
use crate::live::{self, Server, form};

/// Every line of `stderr` as JSON (a line that is not JSON fails the test), and the request lines among them.
fn request_lines(stderr: &str) -> Vec<Value> {
    let lines: Vec<Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|error| panic!("not a JSON log line ({error}): {line}")))
        .collect();
    lines.into_iter().filter(|line| line["target"] == "tickler::http" && line["message"] == "request").collect()
}

/// The one request line with this request id.
fn line_of<'a>(lines: &'a [Value], request_id: &str) -> &'a Value {
    let found: Vec<&Value> = lines.iter().filter(|line| line["request_id"] == request_id).collect();
    assert_eq!(found.len(), 1, "one line for request {request_id}: {lines:#?}");
    found[0]
}

both!(each_request_is_one_json_line_without_secrets, |t: &Tickler| {
    let server = Server::start_env(&t.database(), &["--no-worker", "--log-format", "json"], &[("RUST_LOG", "info")]);
    let session = server.set_up_first_user("Tess Tester", "tess@example.com");
    let token = server.create_token(&session, "logs");
    let feed = server.get("/api/v1/calendar", &token).expect(200).json()["url"].as_str().unwrap().to_string();
    let feed_path = feed.split_once("/calendar/").map(|(_, file)| format!("/calendar/{file}")).unwrap();

    let listed = server.get("/api/v1/contacts?q=private-query", &token).expect(200);
    let missing = server.get("/api/v1/contacts/98765432", &token).expect(404);
    let anonymous = server.request("GET", "/health", &[], None).expect(200);
    let sign_in = server.request(
        "POST",
        "/login",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        Some(form(&[("email", "tess@example.com"), ("password", live::PASSWORD)]).as_bytes()),
    );
    let calendar = server.request("GET", &feed_path, &[], None).expect(200);
    let stderr = server.stop();
    let lines = request_lines(&stderr);

    let id = |response: &live::Response| response.header("x-request-id").expect("an x-request-id header").to_string();
    let line = line_of(&lines, &id(&listed));
    assert_eq!(line["method"], "GET");
    assert_eq!(line["route"], "/api/v1/contacts");
    assert_eq!(line["status"], 200);
    assert_eq!(line["level"], "INFO");
    assert!(line["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{line}");
    assert!(line["timestamp"].is_string(), "{line}");
    let account = line["account_id"].as_i64().expect("the signed-in account's id");
    assert!(account > 0, "{line}");

    let line = line_of(&lines, &id(&missing));
    assert_eq!((&line["route"], &line["status"]), (&Value::from("/api/v1/contacts/{id}"), &Value::from(404)));
    assert_eq!(line["account_id"], account);

    let line = line_of(&lines, &id(&anonymous));
    assert_eq!((&line["route"], &line["status"]), (&Value::from("/health"), &Value::from(200)));
    assert!(line.get("account_id").is_none(), "no account without a caller: {line}");

    let line = line_of(&lines, &id(&sign_in));
    assert_eq!((&line["method"], &line["route"]), (&Value::from("POST"), &Value::from("/login")));
    assert_eq!(line["status"], sign_in.status);

    let line = line_of(&lines, &id(&calendar));
    assert_eq!(line["route"], "/calendar/{file}");

    // Request ids are distinct; the signed-in session's pages carry its account too.
    let mut ids: Vec<&str> = lines.iter().map(|line| line["request_id"].as_str().unwrap()).collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "request ids repeat");
    assert!(lines.iter().any(|line| line["route"] == "/settings" && line["account_id"] == account), "{lines:#?}");

    let session_secret = session.split_once('=').unwrap().1;
    let calendar_secret = feed_path.trim_start_matches("/calendar/").trim_end_matches(".ics");
    for secret in [token.as_str(), live::PASSWORD, session_secret, calendar_secret, "private-query", "98765432"] {
        assert!(!stderr.contains(secret), "the log holds {secret:?}:\n{stderr}");
    }
});

both!(rust_log_filters_the_request_lines, |t: &Tickler| {
    let server = Server::start_env(
        &t.database(),
        &["--no-worker", "--log-format", "json"],
        &[("RUST_LOG", "info,tickler::http=off")],
    );
    server.request("GET", "/health", &[], None).expect(200);
    let stderr = server.stop();
    assert!(request_lines(&stderr).is_empty(), "{stderr}");

    // A filter that does not parse is a usage error naming RUST_LOG.
    let refused = t.run_env(&["serve", "--listen", "127.0.0.1:0", "--no-worker"], &[("RUST_LOG", "tickler=loud")]);
    let line = refused.failure(2).error_line();
    assert!(line.starts_with("error: RUST_LOG: "), "{line}");
});

/// Every line of `stderr` as JSON, and those of the worker's events.
fn worker_lines(stderr: &str) -> Vec<Value> {
    stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|error| panic!("not a JSON log line ({error}): {line}")))
        .filter(|line: &Value| line["target"] == "tickler::worker")
        .collect()
}

/// The one worker event with this message.
fn event<'a>(lines: &'a [Value], message: &str) -> &'a Value {
    let found: Vec<&Value> = lines.iter().filter(|line| line["message"] == message).collect();
    assert_eq!(found.len(), 1, "one {message:?} line: {lines:#?}");
    found[0]
}

both!(worker_events_are_json_lines_without_addresses_or_bodies, |t: &Tickler| {
    let sink = SmtpSink::start();
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    t.ok(&["mail", "from", "--name", "Sam Stone", "--address", "sam@stone.example"]);
    t.ok(&["enroll", "ann", "After an interview"]);
    let mut env: Vec<(String, String)> = sink.env();
    env.push(("RUST_LOG".into(), "info".into()));
    let env: Vec<(&str, &str)> = env.iter().map(|(key, value)| (key.as_str(), value.as_str())).collect();
    let run = t.run_env(&["worker", "--once", "--log-format", "json"], &env).success();
    assert_eq!(sink.messages().len(), 1, "{run:?}");
    let lines = worker_lines(&run.stderr);
    let claimed = event(&lines, "job claimed");
    assert_eq!(
        (&claimed["kind"], &claimed["attempt"], &claimed["level"]),
        (&json!("plan-step"), &json!(1), &json!("INFO"))
    );
    let sent = event(&lines, "email sent");
    assert_eq!(sent["job_id"], claimed["job_id"]);
    assert_eq!(sent["kind"], "plan-step");
    assert!(sent["outbox_id"].as_i64().is_some_and(|id| id > 0), "{sent}");
    assert!(sent["reply"].as_str().is_some_and(|reply| reply.starts_with("250")), "the server's reply: {sent}");
    assert!(sent["timestamp"].is_string(), "{sent}");
    let message = &sink.messages()[0];
    let subject = message.header("subject").unwrap().to_string();
    let first_line = message.body.lines().find(|line| line.len() > 10).unwrap().to_string();
    for private in ["ann@acme.com", "sam@stone.example", subject.as_str(), first_line.as_str()] {
        assert!(!run.stderr.contains(private), "the log holds {private:?}:\n{}", run.stderr);
    }

    // A server that is not there: the send fails with the client's reason and is tried again later.
    t.add("Bob Ray", &["--email", "bob@acme.com"]);
    t.ok(&["enroll", "bob", "After an interview"]);
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let down = [
        ("TICKLER_SMTP_HOST", "127.0.0.1"),
        ("TICKLER_SMTP_PORT", port.as_str()),
        ("TICKLER_SMTP_SECURITY", "none"),
        ("RUST_LOG", "info"),
    ];
    let run = t.run_env(&["worker", "--once", "--log-format", "json"], &down).success();
    let lines = worker_lines(&run.stderr);
    let failed = event(&lines, "send failed");
    assert_eq!(
        (&failed["level"], &failed["permanent"], &failed["retried"]),
        (&json!("WARN"), &json!(false), &json!(true))
    );
    assert!(failed["reply"].as_str().is_some_and(|reply| reply.contains(&port)), "names the server: {failed}");
    let retried = event(&lines, "send retried later");
    assert_eq!((&retried["job_id"], &retried["next_attempt"]), (&failed["job_id"], &json!(2)));
    assert!(!run.stderr.contains("bob@acme.com"), "{}", run.stderr);
});

//! The calendar feed read by an independent parser: Python's `icalendar`
//! (installed by `scripts/test`) parses what `tickler serve` publishes, on
//! SQLite and PostgreSQL.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::{Value, json};

use crate::common::{Backend, Tickler};
use crate::live::{self, Server};

/// The feed at `path`, as `e2e/ics_summary.py` reads it with icalendar.
fn parsed_feed(server: &Server, path: &str) -> Value {
    parsed_feed_with(server, path, &[])
}

/// The feed at `path` read with icalendar, `arguments` given to `e2e/ics_summary.py`.
fn parsed_feed_with(server: &Server, path: &str, arguments: &[&str]) -> Value {
    let response = server.request("GET", path, &[], None).expect(200);
    assert_eq!(response.header("content-type"), Some("text/calendar; charset=utf-8"));
    let text = response.text();
    let mut python = Command::new(live::venv_program("python"));
    python.arg(live::workspace().join("e2e/ics_summary.py")).args(arguments);
    let (ok, stdout, stderr) = live::run(&mut python, Some(&text));
    assert!(ok, "icalendar rejects the feed: {stderr}\n--- feed ---\n{text}");
    serde_json::from_str(&stdout).unwrap_or_else(|error| panic!("ics_summary.py printed no JSON ({error}): {stdout}"))
}

fn events(feed: &Value) -> &Vec<Value> {
    feed["events"].as_array().expect("the summary lists events")
}

/// The one event whose UID starts with `prefix` (e.g. "follow-up-3@").
fn event<'a>(feed: &'a Value, prefix: &str) -> &'a Value {
    let found: Vec<&Value> =
        events(feed).iter().filter(|event| event["uid"].as_str().is_some_and(|uid| uid.starts_with(prefix))).collect();
    assert_eq!(found.len(), 1, "expected one event with a UID starting {prefix:?} in {feed:#}");
    found[0]
}

fn uids(feed: &Value) -> BTreeSet<String> {
    events(feed).iter().map(|event| event["uid"].as_str().expect("a UID").to_string()).collect()
}

/// The path part of an absolute URL.
fn path_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest[rest.find('/').expect("the URL has a path")..].to_string()
}

fn feed_checks(backend: Backend) {
    let t = Tickler::new(backend);
    let server = Server::start(&t.database(), &[]);
    let token = server.token();
    let contact = |body: Value| live::id_of(&server.send_json("POST", "/api/v1/contacts", &token, &body).expect(201));
    let ann = contact(json!({ "name": "Ann Lee", "birthday": "1980-04-12" }));
    let bob = contact(json!({ "name": "Bob Stone", "emails": ["bob@example.com"] }));
    let cara = contact(json!({ "name": "Cara Diaz, PhD; Esq.", "birthday": "--06-30" }));
    let dee = contact(json!({ "name": "Dee Leap", "birthday": "1992-02-29" }));

    let schedule = |contact: i64, body: Value| {
        let scheduled = server
            .send_json("POST", &format!("/api/v1/contacts/{contact}/follow-ups"), &token, &body)
            .expect(201)
            .json();
        scheduled["follow_up"]["id"].as_i64().unwrap_or_else(|| panic!("no follow-up id in {scheduled}"))
    };
    let timed = schedule(ann, json!({ "when": "next tuesday 3pm", "channel": "call", "note": "the proposal" }));
    let all_day = schedule(bob, json!({ "when": "friday", "channel": "email" }));
    let promise = server
        .send_json(
            "POST",
            &format!("/api/v1/contacts/{cara}/promises"),
            &token,
            &json!({ "what": "send the revised quote", "aim": "tomorrow 3pm" }),
        )
        .expect(201)
        .json();
    let promise = promise["id"].as_i64().unwrap_or_else(|| panic!("no promise id in {promise}"));

    let url =
        server.get("/api/v1/calendar", &token).expect(200).json()["url"].as_str().expect("a feed URL").to_string();
    assert!(url.starts_with(&format!("{}/calendar/", server.url)) && url.ends_with(".ics"), "{url}");
    let path = path_of(&url);

    let first = parsed_feed(&server, &path);
    assert_eq!(first["version"], "2.0");
    // Two follow-ups, one promise, three birthdays.
    assert_eq!(events(&first).len(), 6, "{first:#}");
    assert_eq!(uids(&first).len(), 6, "every UID is unique: {first:#}");

    let call = event(&first, &format!("follow-up-{timed}@"));
    assert_eq!(call["start_kind"], "date-time", "a timed follow-up is a timed event: {call}");
    // Tuesday 1 December 2026, 15:00 in New York is 20:00 UTC.
    assert_eq!(call["start"], "2026-12-01T20:00:00+00:00");
    assert_eq!(call["summary"], "Call Ann Lee: the proposal");
    let email = event(&first, &format!("follow-up-{all_day}@"));
    assert_eq!(email["start_kind"], "date", "an all-day follow-up is an all-day event: {email}");
    assert_eq!(email["end_kind"], "date");
    assert_eq!(email["start"], "2026-11-27");
    let promised = event(&first, &format!("promise-{promise}@"));
    assert_eq!(promised["start_kind"], "date-time");
    assert_eq!(promised["categories"], json!(["Promise"]));
    assert!(promised["summary"].as_str().is_some_and(|s| s.contains("Cara Diaz, PhD; Esq.")), "{promised}");
    for (id, day) in [(ann, "1980-04-12"), (cara, "1904-06-30")] {
        let birthday = event(&first, &format!("birthday-{id}@"));
        assert_eq!(birthday["start_kind"], "date", "{birthday}");
        assert_eq!(birthday["start"], day);
        assert_eq!(birthday["rrule"], "FREQ=YEARLY");
    }

    // Expanded as calendar apps expand it, a 29 February birthday comes every
    // year: on the 28th in common years, the 29th in leap years.
    let expanded = parsed_feed_with(&server, &path, &["--expand", "2025-01-01", "2033-01-01"]);
    let leap = event(&expanded, &format!("birthday-{dee}@"));
    assert_eq!(
        leap["occurs"],
        json!([
            "2025-02-28",
            "2026-02-28",
            "2027-02-28",
            "2028-02-29",
            "2029-02-28",
            "2030-02-28",
            "2031-02-28",
            "2032-02-29"
        ]),
        "{leap}"
    );
    let april = event(&expanded, &format!("birthday-{ann}@"));
    assert_eq!(april["occurs"].as_array().map(Vec::len), Some(8), "{april}");
    assert!(april["occurs"].as_array().unwrap().iter().all(|day| day.as_str().unwrap().ends_with("-04-12")));

    // Fetched again, the same events keep the same UIDs.
    let second = parsed_feed(&server, &path);
    assert_eq!(uids(&first), uids(&second));

    // A snooze revises the same event: same UID, a higher SEQUENCE, the new start.
    server
        .send_json("POST", &format!("/api/v1/follow-ups/{timed}/snooze"), &token, &json!({ "when": "in 2 days" }))
        .expect(200);
    let snoozed = parsed_feed(&server, &path);
    assert_eq!(uids(&first), uids(&snoozed));
    let moved = event(&snoozed, &format!("follow-up-{timed}@"));
    assert!(moved["sequence"].as_i64() > call["sequence"].as_i64(), "before {call}, after {moved}");
    assert_ne!(moved["start"], call["start"]);

    // A follow-up that is done leaves the feed.
    server.send_json("POST", &format!("/api/v1/follow-ups/{all_day}/done"), &token, &json!({})).expect(200);
    let after_done = parsed_feed(&server, &path);
    assert_eq!(events(&after_done).len(), 5);
    assert!(!uids(&after_done).iter().any(|uid| uid.starts_with(&format!("follow-up-{all_day}@"))));

    // Rotating the secret retires the old address; the new one serves the same events.
    let rotated = server.send_json("POST", "/api/v1/calendar/rotate", &token, &json!({})).expect(200).json();
    let new_path = path_of(rotated["url"].as_str().expect("a new URL"));
    assert_ne!(new_path, path);
    server.request("GET", &path, &[], None).expect(404);
    assert_eq!(uids(&parsed_feed(&server, &new_path)), uids(&after_done));
    server.request("GET", "/calendar/not-a-secret.ics", &[], None).expect(404);
}

#[test]
fn the_feed_parses_and_keeps_its_uids_sqlite() {
    feed_checks(Backend::Sqlite);
}

#[test]
fn the_feed_parses_and_keeps_its_uids_postgres() {
    feed_checks(Backend::Postgres);
}

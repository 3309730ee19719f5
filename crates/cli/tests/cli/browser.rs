//! Browser end-to-end tests: `e2e/run.mjs` (playwright-core, installed in
//! `e2e/node_modules` by `npm ci`) drives Debian's Chromium against the real
//! `tickler serve`. `scripts/test` installs node, npm, chromium and the
//! package; without them these tests fail, they never skip.
//!
//! `TICKLER_SCREENSHOT=docs/today.png cargo test -p tickler --test cli browser::demo`
//! refreshes the README's screenshot of the demo's Today page.

use std::path::PathBuf;
use std::process::Command;

use serde_json::json;

use crate::common::{Backend, Tickler};
use crate::live::{self, Server};

/// Run `node e2e/run.mjs ARGS`, failing the test with its output when a check fails.
fn run_node(args: &[&str]) -> String {
    let root = live::workspace();
    let playwright = root.join("e2e/node_modules/playwright-core");
    assert!(playwright.exists(), "{} is missing: run `npm ci` in e2e/ (scripts/test does)", playwright.display());
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_string());
    assert!(
        std::path::Path::new(&chromium).exists(),
        "{chromium} is missing: `apt-get install chromium` (scripts/test does), or set CHROMIUM"
    );
    let mut node = Command::new("node");
    node.current_dir(&root).arg("e2e/run.mjs").args(args);
    let (ok, stdout, stderr) = live::run(&mut node, None);
    assert!(ok, "node e2e/run.mjs {} failed\n--- stdout ---\n{stdout}--- stderr ---\n{stderr}", args.join(" "));
    stdout
}

fn flow(backend: Backend) {
    let t = Tickler::new(backend);
    let server = Server::start(&t.database(), &[]);
    let output = run_node(&["flow", &server.url]);
    assert!(output.contains("checks passed"), "{output}");
    assert!(!server.stderr().contains("panicked"), "the server panicked:\n{}", server.stderr());
}

#[test]
fn sign_up_schedule_and_mark_done_in_a_browser_sqlite() {
    flow(Backend::Sqlite);
}

#[test]
fn sign_up_schedule_and_mark_done_in_a_browser_postgres() {
    flow(Backend::Postgres);
}

#[test]
fn demo_today_in_a_browser() {
    let t = Tickler::new(Backend::Sqlite);
    let server = Server::start(&t.database(), &["--demo"]);
    let shot = match std::env::var_os("TICKLER_SCREENSHOT") {
        Some(path) => live::workspace().join(PathBuf::from(path)),
        None => PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("today-{}.png", std::process::id())),
    };
    let output = run_node(&["demo", &server.url, &shot.to_string_lossy()]);
    assert!(output.contains("checks passed"), "{output}");
    let png = std::fs::read(&shot).unwrap_or_else(|error| panic!("no screenshot at {}: {error}", shot.display()));
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{} is not a PNG", shot.display());
    if std::env::var_os("TICKLER_SCREENSHOT").is_none() {
        let _ = std::fs::remove_file(&shot);
    }
}

/// Focus, the daily block, driven with the keyboard only in Chromium (`e2e/run.mjs focus`);
/// the follow-ups' states are then read back through the API.
#[test]
fn focus_with_the_keyboard_in_a_browser() {
    let t = Tickler::new(Backend::Sqlite);
    let server = Server::start(&t.database(), &[]);
    let session = server.set_up_first_user("Tess Tester", "tess@example.com");
    let token = server.create_token(&session, "focus test");
    // Five follow-ups due today, earliest first; Ann's by email, with a touch and a promise beside it.
    let people = [
        ("Ann Lee", Some("ann@example.com"), "email", "today 11am", "send the proposal"),
        ("Bo Brown", None, "call", "today noon", "ask about the budget"),
        ("Cy Chan", None, "call", "today 1pm", "check in"),
        ("Di Diaz", None, "call", "today 2pm", "the renewal"),
        ("Ed Eng", None, "call", "today 3pm", "thank him"),
    ];
    let mut ids = Vec::new();
    for (name, email, channel, when, note) in people {
        let mut contact = json!({ "name": name });
        if let Some(email) = email {
            contact["emails"] = json!([email]);
        }
        let contact = live::id_of(&server.send_json("POST", "/api/v1/contacts", &token, &contact).expect(201));
        if name == "Ann Lee" {
            let touch = json!({ "channel": "call", "summary": "Asked for the proposal", "at": "yesterday 2pm" });
            server.send_json("POST", &format!("/api/v1/contacts/{contact}/touches"), &token, &touch).expect(201);
            let promise = json!({ "what": "send the pricing sheet", "told": "friday 5pm" });
            server.send_json("POST", &format!("/api/v1/contacts/{contact}/promises"), &token, &promise).expect(201);
        }
        let body = json!({ "when": when, "channel": channel, "note": note, "agreed": true });
        let scheduled =
            server.send_json("POST", &format!("/api/v1/contacts/{contact}/follow-ups"), &token, &body).expect(201);
        let id = scheduled.json()["follow_up"]["id"].as_i64().expect("a follow-up id");
        ids.push((id, contact));
    }
    let output = run_node(&["focus", &server.url, "tess@example.com", live::PASSWORD]);
    assert!(output.contains("checks passed"), "{output}");
    let follow_up =
        |index: usize| server.get(&format!("/api/v1/follow-ups/{}", ids[index].0), &token).expect(200).json();
    let states: Vec<String> = (0..5).map(|i| follow_up(i)["state"].as_str().unwrap_or_default().to_string()).collect();
    assert_eq!(states, ["done", "done", "open", "skipped", "done"], "Ann d, Bo n, Cy s, Di x, Ed d");
    assert_eq!(follow_up(2)["due"]["date"], "2026-11-30", "Cy is snoozed to next Monday");
    let bo = server.get(&format!("/api/v1/contacts/{}/timeline", ids[1].1), &token).expect(200).text();
    assert!(bo.contains("Left a voicemail; calls back Friday"), "Bo's note is recorded: {bo}");
    assert!(!server.stderr().contains("panicked"), "the server panicked:\n{}", server.stderr());
}

/// The unsubscribe links of real newsletters in Chromium (`e2e/run.mjs unsubscribe`): a campaign is sent by
/// `tickler worker` to smtp-sink, each kind of no is chosen from a received message's `List-Unsubscribe` link,
/// a tampered link is refused, and the states are read back through the API.
#[test]
fn unsubscribe_from_a_received_newsletter_in_a_browser() {
    let t = Tickler::new(Backend::Sqlite);
    let server = Server::start(&t.database(), &["--no-worker"]);
    let session = server.set_up_first_user("Tess Tester", "tess@example.com");
    let token = server.create_token(&session, "newsletter test");
    t.ok(&["mail", "from", "--name", "Tess Tester", "--address", "tess@example.com"]);
    let mut contacts = Vec::new();
    for (name, email) in [("Ann Lee", "ann@example.com"), ("Bob Ray", "bob@example.com")] {
        let body = json!({ "name": name, "emails": [email] });
        contacts.push(live::id_of(&server.send_json("POST", "/api/v1/contacts", &token, &body).expect(201)));
    }
    let list = server.send_json("POST", "/api/v1/lists", &token, &json!({ "name": "Monthly letter" })).expect(201);
    let list = live::id_of(&list);
    let members = json!({ "contacts": ["ann@example.com", "bob@example.com"] });
    server.send_json("POST", &format!("/api/v1/lists/{list}/members"), &token, &members).expect(200);
    let campaign =
        json!({ "list": "Monthly letter", "subject": "Our letter", "body": "Hello {{ contact.first_name }}." });
    let campaign = live::id_of(&server.send_json("POST", "/api/v1/campaigns", &token, &campaign).expect(201));
    server.send_json("POST", &format!("/api/v1/campaigns/{campaign}/schedule"), &token, &json!({})).expect(200);

    let sink = tickler_test_support::smtp_sink::SmtpSink::start();
    let mut worker = Command::new(env!("CARGO_BIN_EXE_tickler"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("TICKLER_") {
            worker.env_remove(key);
        }
    }
    worker
        .args(["--database", &t.database(), "--now", crate::common::NOW, "--tz", crate::common::TZ])
        .args(["--public-url", &server.url, "worker", "--once"])
        .envs(sink.env());
    let (ok, _, stderr) = live::run(&mut worker, None);
    assert!(ok, "the worker failed: {stderr}");
    let messages = sink.messages();
    assert_eq!(messages.len(), 2, "one newsletter each");
    let link = |to: &str| {
        let message = messages.iter().find(|message| message.header("to") == Some(to)).expect("a message");
        assert_eq!(message.header("list-unsubscribe-post"), Some("List-Unsubscribe=One-Click"));
        let header = message.header("list-unsubscribe").expect("List-Unsubscribe");
        assert!(header.ends_with(", <mailto:tess@example.com?subject=unsubscribe>"), "{header}");
        header.trim_start_matches('<').split('>').next().unwrap().to_string()
    };
    let (ann, bob) = (link("ann@example.com"), link("bob@example.com"));
    assert!(ann.starts_with(&format!("{}/u/", server.url)), "{ann}");

    let list_path = format!("/lists/{list}");
    let output = run_node(&["unsubscribe", &server.url, "tess@example.com", live::PASSWORD, &list_path, &ann, &bob]);
    assert!(output.contains("checks passed"), "{output}");
    let contact = |id: i64| server.get(&format!("/api/v1/contacts/{id}"), &token).expect(200).json();
    assert_eq!(contact(contacts[0])["consent"]["state"], "active", "leaving a list is not never");
    assert_eq!(contact(contacts[1])["consent"]["state"], "never");
    let left = server.get(&format!("/api/v1/lists/{list}/members?state=left"), &token).expect(200).json();
    assert_eq!(left.as_array().map(Vec::len), Some(2), "{left}");
    assert!(!server.stderr().contains("panicked"), "the server panicked:\n{}", server.stderr());
}

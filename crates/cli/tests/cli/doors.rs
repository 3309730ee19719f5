//! Both front doors call the same actions: each case is driven once through
//! the `tickler` command line on one database and once through the JSON API
//! of `tickler serve` on another, and must leave the same stored records
//! and give the same refusal (exit 2 ↔ 422/404, exit 1 ↔ 409) with the same
//! words for the same bad input.

use serde_json::{Value, json};
use tickler_test_support::both;

use crate::common::{Output, Tickler, id};
use crate::live::{Response, Server};

/// One case's two sides: the CLI on its own database, the API on another.
struct Doors {
    cli: Tickler,
    /// The API side's database, read back through the CLI.
    api_records: Tickler,
    server: Server,
    token: String,
}

impl Doors {
    fn new(cli: &Tickler) -> Doors {
        let cli = cli.clone();
        let api_records = Tickler::new(cli.backend);
        let server = Server::start(&api_records.database(), &["--no-worker"]);
        let token = server.token();
        Doors { cli, api_records, server, token }
    }

    fn api(&self, method: &str, path: &str, body: Option<Value>) -> Response {
        match body {
            Some(body) => self.server.send_json(method, path, &self.token, &body),
            None => self.server.request(method, path, &[("Authorization", &format!("Bearer {}", self.token))], None),
        }
    }

    /// The stored records of both sides are the same.
    fn same_records(&self) {
        assert_eq!(self.cli.snapshot(), self.api_records.snapshot(), "the CLI and the API stored different records");
    }

    /// Both doors refused the same bad input the same way: the CLI with
    /// `exit`, the API with `status`, and the same words after the field.
    fn same_refusal(&self, cli: Output, api: Response, exit: i32, status: u16) {
        let cli = cli.failure(exit);
        let api = api.expect(status);
        let line = cli.error_line();
        let body = api.json();
        let message = body["message"].as_str().unwrap_or_else(|| panic!("no message in {body}"));
        let line = line.strip_prefix("error: ").unwrap_or(&line).to_string();
        // The CLI adds a hint after "; " (e.g. "add --force", "see: tickler contacts"), the API its own; the
        // field before ": " is named as each door names it (a flag, a JSON field).
        let core = |text: &str| {
            let text = text.split("; ").next().unwrap_or_default();
            match text.split_once(": ") {
                Some((field, rest)) if !field.contains(' ') => rest.to_string(),
                _ => text.to_string(),
            }
        };
        assert_eq!(core(&line), core(message), "CLI said {line:?}, API said {message:?}");
        self.same_records();
    }
}

/// The id of a created record in an API answer (or its `follow_up`).
fn api_id(response: &Response) -> i64 {
    let body = response.json();
    body["id"].as_i64().or_else(|| body["follow_up"]["id"].as_i64()).unwrap_or_else(|| panic!("no id in {body}"))
}

both!(contacts_are_added_changed_and_refused_alike, |t: &Tickler| {
    let doors = Doors::new(t);
    let cli = doors.cli.json(&[
        "add",
        "Ann Lee",
        "--email",
        "ann@acme.com",
        "--org",
        "Acme",
        "--tag",
        "prospect",
        "--tz",
        "Europe/Paris",
        "--birthday",
        "1980-04-15",
        "--stage",
        "prospect",
    ]);
    let api = doors
        .api(
            "POST",
            "/api/v1/contacts",
            Some(json!({
                "name": "Ann Lee", "emails": ["ann@acme.com"], "organisation": "Acme", "tags": ["prospect"],
                "zone": "Europe/Paris", "birthday": "1980-04-15", "stage": "prospect",
            })),
        )
        .expect(201)
        .json();
    assert_eq!(cli, api);
    doors.cli.ok(&["edit", "ann", "--org", "Acme Europe", "--pacing", "5"]);
    doors
        .api(
            "PATCH",
            &format!("/api/v1/contacts/{}", id(&api)),
            Some(json!({ "organisation": "Acme Europe", "pacing_gap_days": 5 })),
        )
        .expect(200);
    doors.same_records();

    // A bad email: exit 2 and 422, the same words.
    doors.same_refusal(
        doors.cli.run(&["add", "Bob", "--email", "bob-at-example"]),
        doors.api("POST", "/api/v1/contacts", Some(json!({ "name": "Bob", "emails": ["bob-at-example"] }))),
        2,
        422,
    );
    // An email another contact has: exit 1 and 409.
    doors.same_refusal(
        doors.cli.run(&["add", "Ann Two", "--email", "ann@acme.com"]),
        doors.api("POST", "/api/v1/contacts", Some(json!({ "name": "Ann Two", "emails": ["ann@acme.com"] }))),
        1,
        409,
    );
    // A zone that does not exist, named as each door names the field.
    let cli = doors.cli.run(&["add", "Cy", "--tz", "Mars/Olympus"]).failure(2);
    assert!(cli.error_line().contains("tz: "), "{}", cli.error_line());
    let api = doors.api("POST", "/api/v1/contacts", Some(json!({ "name": "Cy", "zone": "Mars/Olympus" }))).expect(422);
    assert_eq!(api.json()["field"], "zone");
    doors.same_records();
});

both!(touches_are_logged_alike, |t: &Tickler| {
    let doors = Doors::new(t);
    let ann = doors.cli.add("Ann Lee", &["--email", "ann@acme.com"]);
    doors.api("POST", "/api/v1/contacts", Some(json!({ "name": "Ann Lee", "emails": ["ann@acme.com"] }))).expect(201);
    doors.cli.ok(&["log", "ann", "call", "Discussed pricing", "--outcome", "interested", "--at", "yesterday 3pm"]);
    doors
        .api(
            "POST",
            &format!("/api/v1/contacts/{ann}/touches"),
            Some(json!({ "channel": "call", "summary": "Discussed pricing", "outcome": "interested", "at": "yesterday 3pm" })),
        )
        .expect(201);
    doors.cli.ok(&[
        "log",
        "ann",
        "email",
        "Budget frozen until spring",
        "--in",
        "--outcome",
        "not-now",
        "--until",
        "in 2 months",
    ]);
    doors
        .api(
            "POST",
            &format!("/api/v1/contacts/{ann}/touches"),
            Some(json!({
                "channel": "email", "summary": "Budget frozen until spring", "direction": "in",
                "outcome": "not-now", "until": "in 2 months",
            })),
        )
        .expect(201);
    doors.same_records();
    assert_eq!(doors.cli.json(&["show", "ann"])["contact"]["consent"]["state"], "not-now");

    doors.same_refusal(
        doors.cli.run(&["log", "ann", "pigeon", "Sent a bird"]),
        doors.api(
            "POST",
            &format!("/api/v1/contacts/{ann}/touches"),
            Some(json!({ "channel": "pigeon", "summary": "Sent a bird" })),
        ),
        2,
        422,
    );
    doors.same_refusal(
        doors.cli.run(&["log", "ann", "call", "Will call", "--at", "tomorrow 9am"]),
        doors.api(
            "POST",
            &format!("/api/v1/contacts/{ann}/touches"),
            Some(json!({ "channel": "call", "summary": "Will call", "at": "tomorrow 9am" })),
        ),
        2,
        422,
    );
});

both!(follow_ups_are_scheduled_done_snoozed_and_refused_alike, |t: &Tickler| {
    let doors = Doors::new(t);
    let ann = doors.cli.add("Ann Lee", &["--email", "ann@acme.com"]);
    doors.api("POST", "/api/v1/contacts", Some(json!({ "name": "Ann Lee", "emails": ["ann@acme.com"] }))).expect(201);
    let cli = id(&doors.cli.json(&[
        "follow",
        "ann",
        "next tuesday 3pm",
        "--via",
        "call",
        "--note",
        "send the proposal",
    ])["follow_up"]);
    let api = api_id(
        &doors
            .api(
                "POST",
                &format!("/api/v1/contacts/{ann}/follow-ups"),
                Some(json!({ "when": "next tuesday 3pm", "channel": "call", "note": "send the proposal" })),
            )
            .expect(201),
    );
    assert_eq!(cli, api);
    doors.same_records();

    // Inside the pacing gap: exit 1 and 409, then forced through both.
    doors.same_refusal(
        doors.cli.run(&["follow", "ann", "next wednesday"]),
        doors.api("POST", &format!("/api/v1/contacts/{ann}/follow-ups"), Some(json!({ "when": "next wednesday" }))),
        1,
        409,
    );
    // In the past: exit 2 and 422.
    doors.same_refusal(
        doors.cli.run(&["follow", "ann", "last monday"]),
        doors.api("POST", &format!("/api/v1/contacts/{ann}/follow-ups"), Some(json!({ "when": "last monday" }))),
        2,
        422,
    );

    doors.cli.ok(&["snooze", &cli.to_string(), "in 2 weeks"]);
    doors.api("POST", &format!("/api/v1/follow-ups/{api}/snooze"), Some(json!({ "when": "in 2 weeks" }))).expect(200);
    doors.same_records();
    doors.same_refusal(
        doors.cli.run(&["snooze", &cli.to_string(), "yesterday"]),
        doors.api("POST", &format!("/api/v1/follow-ups/{api}/snooze"), Some(json!({ "when": "yesterday" }))),
        2,
        422,
    );
    doors.cli.ok(&["done", &cli.to_string(), "--log", "Left a voicemail", "--outcome", "voicemail"]);
    doors
        .api(
            "POST",
            &format!("/api/v1/follow-ups/{api}/done"),
            Some(json!({ "note": "Left a voicemail", "outcome": "voicemail" })),
        )
        .expect(200);
    doors.same_records();
    // Not there: exit 2 and 404.
    doors.same_refusal(
        doors.cli.run(&["skip", "4242"]),
        doors.api("POST", "/api/v1/follow-ups/4242/skip", None),
        2,
        404,
    );
});

both!(promises_are_made_kept_and_refused_alike, |t: &Tickler| {
    let doors = Doors::new(t);
    let ann = doors.cli.add("Ann Lee", &[]);
    doors.api("POST", "/api/v1/contacts", Some(json!({ "name": "Ann Lee" }))).expect(201);
    let cli = id(&doors.cli.json(&["promise", "ann", "send revised quote", "--aim", "in 1 hour"]));
    let api = api_id(
        &doors
            .api(
                "POST",
                &format!("/api/v1/contacts/{ann}/promises"),
                Some(json!({ "what": "send revised quote", "aim": "in 1 hour" })),
            )
            .expect(201),
    );
    assert_eq!(cli, api);
    doors.same_records();
    doors.same_refusal(
        doors.cli.run(&["promise", "ann", "call back", "--told", "yesterday"]),
        doors.api(
            "POST",
            &format!("/api/v1/contacts/{ann}/promises"),
            Some(json!({ "what": "call back", "told": "yesterday" })),
        ),
        2,
        422,
    );
    doors.cli.ok(&["kept", &cli.to_string()]);
    doors.api("POST", &format!("/api/v1/promises/{api}/kept"), None).expect(200);
    doors.same_records();
    doors.same_refusal(
        doors.cli.run(&["kept", &cli.to_string()]),
        doors.api("POST", &format!("/api/v1/promises/{api}/kept"), None),
        1,
        409,
    );
});

both!(consent_is_changed_and_enforced_alike, |t: &Tickler| {
    let doors = Doors::new(t);
    let ann = doors.cli.add("Ann Lee", &[]);
    doors.api("POST", "/api/v1/contacts", Some(json!({ "name": "Ann Lee" }))).expect(201);
    doors.cli.ok(&["follow", "ann", "next tuesday"]);
    doors
        .api("POST", &format!("/api/v1/contacts/{ann}/follow-ups"), Some(json!({ "when": "next tuesday" })))
        .expect(201);
    doors.cli.ok(&["consent", "ann", "not-now", "--until", "in 6 weeks", "--reason", "budget freeze"]);
    doors
        .api(
            "POST",
            &format!("/api/v1/contacts/{ann}/consent"),
            Some(json!({ "state": "not-now", "until": "in 6 weeks", "reason": "budget freeze" })),
        )
        .expect(200);
    doors.same_records();
    doors.same_refusal(
        doors.cli.run(&["consent", "ann", "active", "--until", "in 2 weeks"]),
        doors.api(
            "POST",
            &format!("/api/v1/contacts/{ann}/consent"),
            Some(json!({ "state": "active", "until": "in 2 weeks" })),
        ),
        2,
        422,
    );
    doors.cli.ok(&["consent", "ann", "never", "--reason", "asked not to be contacted"]);
    doors
        .api(
            "POST",
            &format!("/api/v1/contacts/{ann}/consent"),
            Some(json!({ "state": "never", "reason": "asked not to be contacted" })),
        )
        .expect(200);
    doors.same_records();
    // Never means never: exit 1 and 409 through both.
    doors.same_refusal(
        doors.cli.run(&["follow", "ann", "next friday", "--force"]),
        doors.api(
            "POST",
            &format!("/api/v1/contacts/{ann}/follow-ups"),
            Some(json!({ "when": "next friday", "force": true })),
        ),
        1,
        409,
    );
});

both!(plans_enroll_pause_and_refuse_alike, |t: &Tickler| {
    let doors = Doors::new(t);
    let ann = doors.cli.add("Ann Lee", &["--email", "ann@acme.com"]);
    doors.api("POST", "/api/v1/contacts", Some(json!({ "name": "Ann Lee", "emails": ["ann@acme.com"] }))).expect(201);
    let cli = id(&doors.cli.json(&["enroll", "ann", "after an interview"]));
    let api = api_id(
        &doors
            .api("POST", &format!("/api/v1/contacts/{ann}/enrollments"), Some(json!({ "plan": "after an interview" })))
            .expect(201),
    );
    assert_eq!(cli, api);
    let enrollments = |side: &Tickler| side.json(&["enrollments", "--contact", "ann"]);
    assert_eq!(enrollments(&doors.cli), enrollments(&doors.api_records));
    doors.cli.ok(&["plan", "pause", &cli.to_string()]);
    doors.api("POST", &format!("/api/v1/enrollments/{api}/pause"), None).expect(200);
    assert_eq!(enrollments(&doors.cli), enrollments(&doors.api_records));
    assert_eq!(enrollments(&doors.cli)[0]["state"], "paused");
    doors.same_refusal(
        doors.cli.run(&["enroll", "ann", "no such plan"]),
        doors.api("POST", &format!("/api/v1/contacts/{ann}/enrollments"), Some(json!({ "plan": "no such plan" }))),
        2,
        404,
    );
    doors.cli.ok(&["consent", "ann", "never"]);
    doors.api("POST", &format!("/api/v1/contacts/{ann}/consent"), Some(json!({ "state": "never" }))).expect(200);
    doors.same_refusal(
        doors.cli.run(&["enroll", "ann", "cold prospect"]),
        doors.api("POST", &format!("/api/v1/contacts/{ann}/enrollments"), Some(json!({ "plan": "cold prospect" }))),
        1,
        409,
    );
    assert_eq!(enrollments(&doors.cli), enrollments(&doors.api_records));
});

both!(imports_read_the_same_file_alike, |t: &Tickler| {
    let doors = Doors::new(t);
    let csv = "Name,Email,Phone,Organisation,Tags,Birthday\n\
               Ann Lee,ann@acme.com,+1 212 555 0100,Acme,prospect,1980-04-15\n\
               Bob Stone,bob@stone.example,,Stone Ltd,client,\n\
               Broken Row,not-an-email,,,,\n";
    let file =
        std::env::temp_dir().join(format!("tickler-doors-{}-{}.csv", std::process::id(), doors.cli.database().len()));
    std::fs::write(&file, csv).expect("write the CSV");
    let cli = doors.cli.json(&["import", &file.to_string_lossy()]);
    let _ = std::fs::remove_file(&file);
    let api = doors
        .server
        .request(
            "POST",
            "/api/v1/import",
            &[("Authorization", &format!("Bearer {}", doors.token)), ("Content-Type", "text/csv")],
            Some(csv.as_bytes()),
        )
        .expect(200)
        .json();
    for key in ["created", "updated", "skipped", "rejected", "format", "layout", "on_duplicate"] {
        assert_eq!(cli[key], api[key], "{key}: CLI {cli} API {api}");
    }
    assert_eq!(cli["created"], 2);
    doors.same_records();
    // An unknown format: exit 2 and 422.
    let stdin = doors.cli.run_with_stdin(&["import", "-", "--format", "xls"], Some(csv));
    doors.same_refusal(
        stdin,
        doors.server.request(
            "POST",
            "/api/v1/import?format=xls",
            &[("Authorization", &format!("Bearer {}", doors.token)), ("Content-Type", "text/csv")],
            Some(csv.as_bytes()),
        ),
        2,
        422,
    );
});

both!(library_items_and_shares_alike, |t: &Tickler| {
    let doors = Doors::new(t);
    let ann = doors.cli.add("Ann Lee", &["--email", "ann@acme.com", "--tag", "pricing"]);
    doors
        .api(
            "POST",
            "/api/v1/contacts",
            Some(json!({ "name": "Ann Lee", "emails": ["ann@acme.com"], "tags": ["pricing"] })),
        )
        .expect(201);
    let cli =
        doors.cli.json(&["library", "add", "https://acme.com/guide", "--tag", "pricing", "--summary", "Worth it"]);
    let api = doors
        .api(
            "POST",
            "/api/v1/library",
            Some(json!({ "url": "https://acme.com/guide", "tags": ["pricing"], "summary": "Worth it" })),
        )
        .expect(201)
        .json();
    assert_eq!(cli, api);
    let item = id(&cli);
    doors.cli.ok(&["library", "share", &item.to_string(), "ann", "--send"]);
    doors.api("POST", &format!("/api/v1/library/{item}/share"), Some(json!({ "contact_id": ann }))).expect(201);
    let show = |side: &Tickler| side.json(&["library", "show", &item.to_string()]);
    assert_eq!(show(&doors.cli), show(&doors.api_records));
    assert_eq!(show(&doors.cli)["sent_to"][0]["via"], "share");
    doors.same_records();
    doors.same_refusal(
        doors.cli.run(&["library", "add", "ftp://acme.com/x"]),
        doors.api("POST", "/api/v1/library", Some(json!({ "url": "ftp://acme.com/x" }))),
        2,
        422,
    );
    doors.same_refusal(
        doors.cli.run(&["library", "rm", "999"]),
        doors.api("DELETE", "/api/v1/library/999", None),
        2,
        404,
    );
});

//! The OpenAPI document against the implementation: schemathesis (from PyPI,
//! installed by `scripts/test`) reads `/api/openapi.json` from a live
//! server, generates requests for every operation from it (valid and
//! invalid), and checks each response: no 5xx, a status the document lists,
//! the content type and the body schema it documents.

use std::process::Command;

use serde_json::json;

use crate::common::{Backend, Tickler};
use crate::live::{self, Server};

/// Requests schemathesis generates per operation and phase; small enough
/// that the run stays within a couple of minutes on two cores.
const MAX_EXAMPLES: &str = "25";

fn fuzz(backend: Backend) {
    let t = Tickler::new(backend);
    let server = Server::start(&t.database(), &[]);
    let session = server.set_up_first_user("Tess Tester", "tess@example.com");
    let token = server.create_token(&session, "schemathesis");

    // Some data, so ids 1 and 2 exist and the responses carry every kind of record.
    for (name, birthday) in [("Ann Lee", "1980-04-12"), ("Bob Stone", "--06-30")] {
        let contact = json!({ "name": name, "birthday": birthday, "tags": ["prospect"], "emails": [] });
        let id = live::id_of(&server.send_json("POST", "/api/v1/contacts", &token, &contact).expect(201));
        let path = format!("/api/v1/contacts/{id}");
        server
            .send_json("POST", &format!("{path}/touches"), &token, &json!({ "channel": "call", "summary": "Hello" }))
            .expect(201);
        server.send_json("POST", &format!("{path}/follow-ups"), &token, &json!({ "when": "in 3 days" })).expect(201);
        server
            .send_json(
                "POST",
                &format!("{path}/promises"),
                &token,
                &json!({ "what": "send the quote", "aim": "in 2 hours" }),
            )
            .expect(201);
    }

    let item =
        json!({ "url": "https://example.com/guide", "title": "Guide", "tags": ["prospect"], "summary": "Worth it" });
    let item = live::id_of(&server.send_json("POST", "/api/v1/library", &token, &item).expect(201));
    let share = json!({ "contact_id": 1 });
    server.send_json("POST", &format!("/api/v1/library/{item}/share"), &token, &share).expect(422);

    // What schemathesis found once: a NUL character in text was a 500 on PostgreSQL (which cannot
    // store it) and stored on SQLite. Both refuse it now, naming the field.
    for (path, body, field) in [
        ("/api/v1/tokens", json!({ "name": "a\u{0}b" }), "name"),
        ("/api/v1/contacts", json!({ "name": "Nul Person", "emails": ["nul\u{0}@example.com"] }), "emails"),
    ] {
        let refused = server.send_json("POST", path, &token, &body).expect(422).json();
        assert_eq!(refused["field"], field, "{refused}");
    }
    server.get("/api/v1/contacts?q=%00", &token).expect(422);
    let csrf =
        live::hidden_csrf(&server.request("GET", "/contacts/new", &[("Cookie", &session)], None).expect(200).text());
    let form = live::form(&[("csrf", &csrf), ("name", "Nul\u{0}Person")]);
    let headers = [("Cookie", session.as_str()), ("Content-Type", "application/x-www-form-urlencoded")];
    server.request("POST", "/contacts/new", &headers, Some(form.as_bytes())).expect(422);
    let contacts = server.get("/api/v1/contacts", &token).expect(200).json();
    assert_eq!(contacts["items"].as_array().map(Vec::len), Some(2), "only the seeded contacts exist: {contacts}");
    server.request("GET", "/calendar/%00.ics", &[], None).expect(404);

    // What schemathesis does not check: every operation has an operationId of its own (OpenAPI 3.1 §4.8.10).
    let document = server.request("GET", "/api/openapi.json", &[], None).expect(200).json();
    assert!(document["openapi"].as_str().is_some_and(|version| version.starts_with("3.1")), "{}", document["openapi"]);
    let mut ids: Vec<&str> = document["paths"]
        .as_object()
        .expect("the document has paths")
        .values()
        .flat_map(|item| item.as_object().expect("a path item").values())
        .map(|operation| operation["operationId"].as_str().expect("every operation has an operationId"))
        .collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "operationIds repeat: {document}");

    let mut schemathesis = Command::new(live::venv_program("schemathesis"));
    schemathesis
        .current_dir(env!("CARGO_TARGET_TMPDIR"))
        .env("SCHEMATHESIS_TELEMETRY", "false")
        .env("NO_COLOR", "1")
        .arg("run")
        .arg(format!("{}/api/openapi.json", server.url))
        .args(["--url", &server.url])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--checks", "not_a_server_error,status_code_conformance,content_type_conformance"])
        .args(["--checks", "response_schema_conformance"])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--max-examples", MAX_EXAMPLES, "--seed", "20261124", "--workers", "2"])
        .args(["--generation-database", "none", "--no-color", "--request-timeout", "30"])
        // Revoking tokens by made-up ids would revoke the token the run itself uses.
        .args(["--exclude-operation-id", "revoke_token"]);
    let (ok, stdout, stderr) = live::run(&mut schemathesis, None);
    assert!(ok, "schemathesis found problems\n--- stdout ---\n{stdout}--- stderr ---\n{stderr}");
    assert!(!server.stderr().contains("panicked"), "the server panicked:\n{}", server.stderr());
    // The token still works: the run exercised the API, not a wall of 401s.
    server.get("/api/v1/me", &token).expect(200);
}

#[test]
fn the_api_matches_its_openapi_document_sqlite() {
    fuzz(Backend::Sqlite);
}

#[test]
fn the_api_matches_its_openapi_document_postgres() {
    fuzz(Backend::Postgres);
}

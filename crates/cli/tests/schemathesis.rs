//! The OpenAPI document against the implementation: schemathesis (from PyPI,
//! installed by `scripts/test`) reads `/api/openapi.json` from a live
//! server, generates requests for every operation from it (valid and
//! invalid), and checks each response: no 5xx, a status the document lists,
//! the content type and the body schema it documents.

#[allow(unused_macros)]
#[macro_use]
mod common;
mod live;

use std::process::Command;

use common::{Backend, Tickler};
use live::Server;
use serde_json::json;

/// Requests schemathesis generates per operation and phase; small enough
/// that the run stays within a couple of minutes on two cores.
const MAX_EXAMPLES: &str = "25";

fn fuzz(backend: Backend) {
    let t = Tickler::new(backend);
    let server = Server::start(&t.database(), &[]);
    let token = server.token();

    // Some data, so ids 1 and 2 exist and the responses carry every kind of record.
    for (name, birthday) in [("Ann Lee", "1980-04-12"), ("Bob Stone", "--06-30")] {
        let contact = json!({ "name": name, "birthday": birthday, "tags": ["prospect"], "emails": [] });
        let id = live::id_of(&server.send_json("POST", "/api/v1/contacts", &token, &contact).expect(201));
        let path = format!("/api/v1/contacts/{id}");
        server
            .send_json("POST", &format!("{path}/touches"), &token, &json!({ "channel": "call", "summary": "Hello" }))
            .expect(201);
        server.send_json("POST", &format!("{path}/follow-ups"), &token, &json!({ "when": "in 3 days" })).expect(201);
        server.send_json("POST", &format!("{path}/promises"), &token, &json!({ "what": "send the quote" })).expect(201);
    }

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
        .args(["--exclude-method", "DELETE", "--exclude-path", "/api/v1/tokens/{id}"]);
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

//! Several `tickler serve --no-worker` processes on one database: a change
//! made through any of them is read back through every other one at once,
//! though each keeps its own response cache (an agenda cached a moment before
//! the change is never served after it). Runs on SQLite and PostgreSQL.

use serde_json::{Value, json};
use tickler_test_support::both;

use crate::common::Tickler;
use crate::live::Server;

/// Rounds of write-then-read, the writer taking turns among the servers.
const ROUNDS: usize = 12;

/// The follow-up ids on a server's agenda, read with `token`.
fn agenda_ids(server: &Server, token: &str) -> Vec<i64> {
    let agenda = server.get("/api/v1/agenda?days=7", token).expect(200).json();
    agenda["items"].as_array().unwrap().iter().map(|item| item["follow_up"]["id"].as_i64().unwrap()).collect()
}

/// Read the agenda through every server, so each holds it in its cache.
fn warm(servers: &[Server], token: &str) -> Vec<Vec<i64>> {
    servers.iter().map(|server| agenda_ids(server, token)).collect()
}

/// The due date (`YYYY-MM-DD`) of a follow-up on a server's agenda.
fn due_of(server: &Server, token: &str, id: i64) -> Option<String> {
    let agenda = server.get("/api/v1/agenda?days=7", token).expect(200).json();
    agenda["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["follow_up"]["id"].as_i64() == Some(id))
        .map(|item| item["follow_up"]["due"]["date"].as_str().unwrap_or_default().to_string())
}

fn post(server: &Server, path: &str, token: &str, body: Value) -> Value {
    let response = server.send_json("POST", path, token, &body);
    assert!(matches!(response.status, 200 | 201), "POST {path}: {response:?}");
    response.json()
}

both!(every_instance_reads_a_change_made_through_another_at_once, |t: &Tickler| {
    let first = Server::start(&t.database(), &["--no-worker"]);
    let token = first.token();
    let servers =
        [first, Server::start(&t.database(), &["--no-worker"]), Server::start(&t.database(), &["--no-worker"])];
    let contact = post(&servers[0], "/api/v1/contacts", &token, json!({ "name": "Ada Lovelace" }));
    let contact = contact["id"].as_i64().unwrap();
    let schedule = format!("/api/v1/contacts/{contact}/follow-ups");

    for round in 0..ROUNDS {
        let writer = round % servers.len();
        let readers: Vec<&Server> =
            servers.iter().enumerate().filter(|(index, _)| *index != writer).map(|(_, server)| server).collect();

        // Created through one: on the others' agenda at once.
        warm(&servers, &token);
        let created = post(&servers[writer], &schedule, &token, json!({ "when": "today", "force": true }));
        let id = created["follow_up"]["id"].as_i64().unwrap();
        for reader in &readers {
            assert!(agenda_ids(reader, &token).contains(&id), "round {round}: a new follow-up is missing elsewhere");
        }

        // Snoozed through the next one: moved on the others at once.
        let snoozer = &servers[(writer + 1) % servers.len()];
        let before = due_of(snoozer, &token, id).expect("on the agenda");
        warm(&servers, &token);
        post(snoozer, &format!("/api/v1/follow-ups/{id}/snooze"), &token, json!({ "when": "in 3 days" }));
        for server in servers.iter().filter(|server| !std::ptr::eq(*server, snoozer)) {
            let after = due_of(server, &token, id).expect("still within the week");
            assert_ne!(after, before, "round {round}: a snooze is not seen elsewhere");
        }

        // Completed through the third: gone from the others at once.
        let completer = &servers[(writer + 2) % servers.len()];
        warm(&servers, &token);
        post(completer, &format!("/api/v1/follow-ups/{id}/done"), &token, json!({}));
        for server in servers.iter().filter(|server| !std::ptr::eq(*server, completer)) {
            assert!(
                !agenda_ids(server, &token).contains(&id),
                "round {round}: a completed follow-up lingers elsewhere"
            );
        }
    }
});

both!(a_token_revoked_through_one_instance_is_refused_by_the_others_at_once, |t: &Tickler| {
    let first = Server::start(&t.database(), &["--no-worker"]);
    let token = first.token();
    let servers =
        [first, Server::start(&t.database(), &["--no-worker"]), Server::start(&t.database(), &["--no-worker"])];
    let created = post(&servers[1], "/api/v1/tokens", &token, json!({ "name": "laptop" }));
    let (id, secret) = (created["token"]["id"].as_i64().unwrap(), created["secret"].as_str().unwrap().to_string());
    // Each server recognises the new token, and keeps its holder in its cache.
    for server in &servers {
        server.get("/api/v1/agenda", &secret).expect(200);
    }
    servers[0]
        .request("DELETE", &format!("/api/v1/tokens/{id}"), &[("Authorization", &format!("Bearer {token}"))], None)
        .expect(200);
    for server in &servers {
        server.get("/api/v1/agenda", &secret).expect(401);
    }
});

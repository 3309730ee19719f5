//! `/health` says the process is alive; `/ready` says it can serve: the
//! database answers, its migrations are exactly this binary's, and the worker
//! running in this process (when one does) has beaten recently. A load
//! balancer sends traffic on 200 and holds it on 503, whose body names what is not ready.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use tickler_app::worker::Pulse;

use crate::AppState;

/// `GET /health`: the process is up.
pub async fn health() -> &'static str {
    "ok"
}

/// `GET /ready`: 200 `{"ready": true, "checks": {…}}`, or 503 with `"not_ready"` naming the failed checks.
pub async fn ready(State(state): State<AppState>) -> Response {
    let mut checks = Map::new();
    let mut not_ready = Vec::new();
    let mut check = |name: &str, problem: Option<String>, ok: &str| match problem {
        Some(problem) => {
            not_ready.push(name.to_string());
            checks.insert(name.to_string(), json!({ "ok": false, "problem": problem }));
        }
        None => {
            checks.insert(name.to_string(), json!({ "ok": true, "detail": ok }));
        }
    };
    let answers = state.app.ping().await;
    let database = answers.as_ref().err().map(|error| format!("the database does not answer: {error}"));
    check("database", database, "answers");
    let migrations = match answers {
        Ok(()) => match state.app.schema_status().await {
            Ok(status) => status.problem(),
            Err(error) => Some(format!("cannot read the schema's migrations: {error}")),
        },
        Err(_) => Some("unknown: the database does not answer".to_string()),
    };
    check("migrations", migrations, "current");
    match &state.worker {
        None => check("worker", None, "not running in this process"),
        Some(heartbeat) => {
            let problem = match heartbeat.pulse() {
                Pulse::Fresh(_) => None,
                Pulse::NotStarted => Some("the worker has not started its first pass".to_string()),
                Pulse::Stale(age) => Some(format!(
                    "the worker's last heartbeat was {} s ago (limit {} s)",
                    age.as_secs(),
                    heartbeat.stale_after().as_secs()
                )),
            };
            check("worker", problem, "heartbeat fresh");
        }
    }
    let ready = not_ready.is_empty();
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let mut body = json!({ "ready": ready, "checks": Value::Object(checks) });
    if !ready {
        body["not_ready"] = json!(not_ready);
    }
    (status, Json(body)).into_response()
}

//! `/health` (alive) and `/ready` (the database answers, its migrations are
//! this binary's, the worker in this process beats).

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;
use tickler_app::App;
use tickler_app::worker::Heartbeat;
use tickler_test_support::{Backend, both};

use crate::common::{Server, TestDb};

/// Record in the database a migration this binary does not carry, as a newer tickler would have.
pub async fn add_future_migration(db: &TestDb) {
    let statement = match db.backend() {
        Backend::Sqlite => {
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (9999, 'from the future', TRUE, X'00', 0)"
        }
        Backend::Postgres => {
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (9999, 'from the future', TRUE, decode('00', 'hex'), 0)"
        }
    };
    sqlx::query(statement).execute(db.store.pool()).await.unwrap();
}

both!(ready_when_the_database_answers_and_is_current, async |server: &Server| {
    let anonymous = server.anonymous();
    let (status, body) = anonymous.get("/health").await;
    assert_eq!((status, body), (StatusCode::OK, json!("ok")));
    let (status, body) = anonymous.get("/ready").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["ready"], true);
    assert_eq!(body["checks"]["database"]["ok"], true);
    assert_eq!(body["checks"]["migrations"]["ok"], true);
    assert_eq!(body["checks"]["worker"]["detail"], "not running in this process");
    assert!(body.get("not_ready").is_none(), "{body}");
});

both!(not_ready_on_a_migration_the_binary_does_not_know, async |server: &Server| {
    add_future_migration(&server.db).await;
    let (status, body) = server.anonymous().get("/ready").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["ready"], false);
    assert_eq!(body["not_ready"], json!(["migrations"]));
    let problem = body["checks"]["migrations"]["problem"].as_str().unwrap();
    assert!(problem.contains("9999 (from the future)") && problem.contains("does not know"), "{problem}");
    assert_eq!(body["checks"]["database"]["ok"], true);
    // And a process starting on it is refused, naming the migration.
    let error = tickler_store::Store::open(server.db.url()).await.unwrap_err().to_string();
    assert!(error.contains("9999 (from the future)") && error.contains("newer than this tickler"), "{error}");
});

/// A server whose process runs a worker: not ready before its first beat, ready after one, not ready once it is stale.
async fn worker_heartbeat_case(backend: Backend) {
    let db = TestDb::open(backend).await;
    let heartbeat = Heartbeat::new(Duration::from_secs(120));
    let app = App::from_store(db.store.clone());
    let server = Server::start_with_worker(db, app, Some(heartbeat.clone())).await;
    let anonymous = server.anonymous();

    let (status, body) = anonymous.get("/ready").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["not_ready"], json!(["worker"]));
    assert!(body["checks"]["worker"]["problem"].as_str().unwrap().contains("has not started"), "{body}");

    heartbeat.beat();
    let (status, body) = anonymous.get("/ready").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["checks"]["worker"]["detail"], "heartbeat fresh");

    heartbeat.beat_at(Instant::now().checked_sub(Duration::from_secs(600)).expect("an instant ten minutes back"));
    let (status, body) = anonymous.get("/ready").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["not_ready"], json!(["worker"]));
    let problem = body["checks"]["worker"]["problem"].as_str().unwrap();
    assert!(problem.contains("last heartbeat") && problem.contains("limit 120 s"), "{problem}");
}

mod worker_heartbeat {
    use super::*;

    #[test]
    fn sqlite() {
        tickler_test_support::block_on(worker_heartbeat_case(Backend::Sqlite));
    }

    #[test]
    fn postgres() {
        tickler_test_support::block_on(worker_heartbeat_case(Backend::Postgres));
    }
}

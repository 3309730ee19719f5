//! `/metrics` in Prometheus's text format, from one recorder for the whole
//! process (the `metrics` crate's global one): request latency by route
//! template and status (recorded by [`crate::request_log`]), the worker's
//! job counters ([`tickler_app::worker::events`]), and gauges read from the
//! store at each scrape: the outbox backlog and the age of its oldest row,
//! the jobs due, each watched mailbox's time since its last complete read,
//! and the database pool's connections in use and idle.
//!
//! Exposed on the main address only with `metrics_token` set, to callers
//! sending `Authorization: Bearer <metrics_token>`; and on `metrics_listen`
//! (a separate, private address) to anyone who reaches it.

use std::sync::OnceLock;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::AppState;
use crate::error::Failure;

/// Histogram of request latency in seconds, by method, route template and status.
pub const REQUEST_SECONDS: &str = "tickler_http_request_duration_seconds";

/// The latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's recorder, installed on first use. When another recorder was
/// installed first, this one still renders the gauges it is given.
pub fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.to_string()), &BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_ok() {
            describe();
        }
        handle
    })
}

fn describe() {
    metrics::describe_histogram!(REQUEST_SECONDS, metrics::Unit::Seconds, "HTTP request latency by route template");
    metrics::describe_gauge!("tickler_outbox_backlog", "Outbox emails not yet taken by a mail server");
    metrics::describe_gauge!(
        "tickler_outbox_oldest_age_seconds",
        metrics::Unit::Seconds,
        "Age of the oldest outbox email not yet taken (0 when none)"
    );
    metrics::describe_gauge!("tickler_jobs_due", "Jobs due and not finished");
    metrics::describe_gauge!(
        "tickler_mailbox_lag_seconds",
        metrics::Unit::Seconds,
        "Time since each watched mailbox's INBOX was last read through"
    );
    metrics::describe_gauge!("tickler_mailboxes_watched", "Users' mailboxes the worker watches");
    metrics::describe_gauge!("tickler_db_connections", "Database pool connections by state (in_use, idle)");
    metrics::describe_gauge!("tickler_db_connections_max", "The most connections the database pool opens");
    tickler_app::worker::events::describe();
}

/// Record one request's latency (the request log calls this).
pub fn record_request(method: &str, route: &str, status: u16, seconds: f64) {
    let labels = [("method", method.to_string()), ("route", route.to_string()), ("status", status.to_string())];
    metrics::histogram!(REQUEST_SECONDS, &labels).record(seconds);
}

/// `GET /metrics` on the main address: 404 without `metrics_token`, 401 without the right bearer token.
pub async fn guarded(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = state.config.metrics_token.as_deref() else {
        return Failure::not_found("metrics are off here: set metrics_token, or serve them on --metrics-listen")
            .into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim);
    match given {
        Some(given) if tickler_app::secret::same_secret(given, token) => render(&state).await,
        _ => {
            let mut response =
                Failure::new(StatusCode::UNAUTHORIZED, "unauthorized", "send Authorization: Bearer <metrics_token>")
                    .into_response();
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            response
        }
    }
}

/// `GET /metrics` on the metrics address: no token asked.
pub async fn open(State(state): State<AppState>) -> Response {
    render(&state).await
}

/// The metrics router served on `metrics_listen`.
pub fn router(state: AppState) -> axum::Router {
    axum::Router::new().route("/metrics", axum::routing::get(open)).with_state(state)
}

/// Read the gauges from the store, then render everything.
async fn render(state: &AppState) -> Response {
    let handle = handle();
    let now = state.now();
    match tickler_app::readings::read(&state.app, now).await {
        Ok(readings) => {
            let backlog = readings.backlog;
            metrics::gauge!("tickler_outbox_backlog").set(backlog.outbox as f64);
            let oldest = backlog.oldest_queued_at.map_or(0.0, |at| at.duration_until(now).as_secs_f64().max(0.0));
            metrics::gauge!("tickler_outbox_oldest_age_seconds").set(oldest);
            metrics::gauge!("tickler_jobs_due").set(backlog.jobs_due as f64);
            metrics::gauge!("tickler_mailboxes_watched").set(readings.mailboxes.len() as f64);
            for mailbox in &readings.mailboxes {
                if let Some(read_at) = mailbox.read_at {
                    let lag = read_at.duration_until(now).as_secs_f64().max(0.0);
                    metrics::gauge!("tickler_mailbox_lag_seconds", "user_id" => mailbox.user_id.to_string()).set(lag);
                }
            }
            let pool = readings.pool;
            metrics::gauge!("tickler_db_connections", "state" => "in_use").set(f64::from(pool.in_use));
            metrics::gauge!("tickler_db_connections", "state" => "idle").set(f64::from(pool.idle));
            metrics::gauge!("tickler_db_connections_max").set(f64::from(pool.max));
        }
        Err(error) => return Failure::internal(format!("reading the metrics: {}", error.message)).into_response(),
    }
    handle.run_upkeep();
    ([(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"))], handle.render())
        .into_response()
}

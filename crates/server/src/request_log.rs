//! One log line per request: method, route template (never the raw path,
//! which may carry a calendar secret), status, latency, a request id (also
//! sent back in `x-request-id`) and the account when someone is signed in.
//! Headers, query strings and bodies are never logged, so no token,
//! password or cookie reaches the log. The latency also goes to `/metrics`
//! ([`crate::metrics::record_request`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, OnceLock};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tickler_core::ids::AccountId;

/// The response header carrying the request's id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// What the log line's target is, for `RUST_LOG=tickler::http=…`.
pub const TARGET: &str = "tickler::http";

/// A random prefix per process, so ids stay distinct across instances, and a counter within it.
static PROCESS: LazyLock<String> = LazyLock::new(|| tickler_app::secret::random_secret().chars().take(10).collect());
static NEXT: AtomicU64 = AtomicU64::new(1);

/// Where the authentication extractors put the caller's account for the log line (a request extension).
#[derive(Clone, Default)]
pub struct LoggedAccount(Arc<OnceLock<AccountId>>);

impl LoggedAccount {
    /// Record the signed-in caller's account (the first one recorded stays).
    pub fn record(&self, account: AccountId) {
        let _ = self.0.set(account);
    }
}

/// Record `account` on the request whose extensions these are, if it is being logged.
pub fn record_account(extensions: &axum::http::Extensions, account: AccountId) {
    if let Some(slot) = extensions.get::<LoggedAccount>() {
        slot.record(account);
    }
}

/// Middleware: time the request, give it an id, and log one line when the response is ready.
pub async fn log(mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = format!("{}-{:06}", *PROCESS, NEXT.fetch_add(1, Ordering::Relaxed));
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map(|path| path.as_str().to_string());
    let account = LoggedAccount::default();
    request.extensions_mut().insert(account.clone());
    let mut response = next.run(request).await;
    let elapsed = started.elapsed().as_secs_f64();
    let latency_ms = elapsed * 1000.0;
    let status = response.status().as_u16();
    let route = route.as_deref().unwrap_or("(no route)");
    let account_id = account.0.get().map(|account| account.get());
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    crate::metrics::record_request(method.as_str(), route, status, elapsed);
    let latency_ms = (latency_ms * 1000.0).round() / 1000.0;
    if status >= 500 {
        tracing::error!(target: TARGET, method = %method, route, status, latency_ms, request_id = %id, account_id, "request");
    } else {
        tracing::info!(target: TARGET, method = %method, route, status, latency_ms, request_id = %id, account_id, "request");
    }
    response
}

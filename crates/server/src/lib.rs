//! Tickler's web app, JSON API and calendar feed: one axum application over
//! the actions of `tickler-app`. Handlers read the request, call one action,
//! and render its result; this crate holds HTTP only (routes, extractors,
//! pages, sessions' cookies and CSRF, the OpenAPI document).

pub mod api;
pub mod auth;
pub mod cache;
pub mod calendar;
pub mod caller;
pub mod config;
pub mod error;
pub mod health;
pub mod metrics;
pub mod rate_limit;
pub mod request_log;
pub mod state;
pub mod versions;
pub mod web;

use std::net::SocketAddr;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::get;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

pub use config::Config;
pub use state::AppState;

/// The whole application: pages, API, OpenAPI document, calendar feed.
pub fn app(state: AppState) -> Router {
    let (api, _) = api::router();
    let limit = state.config.max_body_bytes;
    Router::new()
        .merge(web::router())
        .merge(api)
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route("/metrics", get(metrics::guarded))
        .route("/calendar/{file}", get(calendar::feed))
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                 form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(axum::middleware::from_fn(request_log::log))
}

/// Serve `app` on a bound listener until `shutdown` resolves, dropping cached
/// entries as the database reports changes made by any process (see [`cache`]).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let following = tokio::spawn(cache::follow_changes(state.clone()));
    let served = axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await;
    following.abort();
    served
}

/// Serve `/metrics` alone on a separate listener (`--metrics-listen`) until `shutdown` resolves.
pub async fn serve_metrics(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, metrics::router(state)).with_graceful_shutdown(shutdown).await
}

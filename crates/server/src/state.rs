//! What every request handler shares: the application's actions, the settings, the sign-in
//! limiter and the page templates.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tickler_app::App;
use tickler_app::worker::Heartbeat;

use crate::cache::Caches;
use crate::config::Config;
use crate::rate_limit::RateLimiter;
use crate::versions::Versions;

/// Cheap to clone: one `Arc`.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    /// The actions every handler calls.
    pub app: App,
    pub config: Config,
    pub limiter: RateLimiter,
    pub pages: minijinja::Environment<'static>,
    pub caches: Caches,
    /// The account versions the caches check, one read shared by the requests waiting for it.
    pub versions: Versions,
    /// The heartbeat of the worker running in this process, read by `/ready`; `None` without one.
    pub worker: Option<Heartbeat>,
}

impl AppState {
    pub fn new(app: App, config: Config) -> AppState {
        AppState::with_worker(app, config, None)
    }

    /// The state of a process that also runs a worker, whose `heartbeat` `/ready` reads.
    pub fn with_worker(app: App, config: Config, worker: Option<Heartbeat>) -> AppState {
        let limiter = RateLimiter::new(Duration::from_secs(config.login_window_seconds));
        let caches = Caches::new(Duration::from_millis(config.cache_ms));
        // The metrics recorder is installed before the first request is counted.
        crate::metrics::handle();
        AppState(Arc::new(Shared {
            app,
            config,
            limiter,
            pages: crate::web::templates::environment(),
            caches,
            versions: Versions::default(),
            worker,
        }))
    }

    /// "Now": the configured instant (demos, tests) or the clock.
    pub fn now(&self) -> Timestamp {
        self.0.config.now.unwrap_or_else(Timestamp::now)
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

//! The worker's heartbeat: the loop beats on every pass, and `/ready` of the
//! same process reads how long ago it last did.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Shared between a worker and its process's readiness check; cheap to clone.
#[derive(Debug, Clone)]
pub struct Heartbeat {
    last: Arc<Mutex<Option<Instant>>>,
    /// Older than this, the worker counts as stuck.
    stale_after: Duration,
}

/// What the readiness check reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pulse {
    /// Beat `Duration` ago, within the limit.
    Fresh(Duration),
    /// Beat `Duration` ago, past the limit.
    Stale(Duration),
    /// Has not beaten yet.
    NotStarted,
}

impl Heartbeat {
    /// A heartbeat that goes stale `stale_after` past its last beat.
    pub fn new(stale_after: Duration) -> Heartbeat {
        Heartbeat { last: Arc::new(Mutex::new(None)), stale_after }
    }

    /// The limit a beat stays fresh for.
    pub fn stale_after(&self) -> Duration {
        self.stale_after
    }

    /// Record a beat now.
    pub fn beat(&self) {
        self.beat_at(Instant::now());
    }

    /// Record a beat at `instant` (tests set one in the past).
    pub fn beat_at(&self, instant: Instant) {
        if let Ok(mut last) = self.last.lock() {
            *last = Some(instant);
        }
    }

    /// How long ago the worker last beat, against the limit.
    pub fn pulse(&self) -> Pulse {
        let last = self.last.lock().ok().and_then(|last| *last);
        match last {
            None => Pulse::NotStarted,
            Some(at) => {
                let age = at.elapsed();
                if age > self.stale_after { Pulse::Stale(age) } else { Pulse::Fresh(age) }
            }
        }
    }
}

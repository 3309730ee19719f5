//! The worker's clock: the system clock, or one that starts at a chosen
//! instant and runs at real speed (`--now` / `TICKLER_NOW`), so tests fix the
//! calendar while leases still expire.

use std::time::Instant;

use jiff::{SignedDuration, Timestamp};

/// Where the worker reads "now".
#[derive(Debug, Clone)]
pub struct Clock {
    start: Option<(Timestamp, Instant)>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock { start: None }
    }

    /// A clock that reads `at` now and moves forward in real time.
    pub fn starting_at(at: Timestamp) -> Clock {
        Clock { start: Some((at, Instant::now())) }
    }

    /// The current instant.
    pub fn now(&self) -> Timestamp {
        match self.start {
            None => Timestamp::now(),
            Some((at, started)) => {
                let elapsed = SignedDuration::try_from(started.elapsed()).unwrap_or(SignedDuration::ZERO);
                at.saturating_add(elapsed).unwrap_or(at)
            }
        }
    }
}

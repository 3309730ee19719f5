//! Stopping a worker politely: once asked, no lane claims another batch;
//! the sends already in flight finish (within the worker's drain timeout)
//! and are recorded, so nothing is sent twice when the next worker starts.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Shared by a worker's lanes; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<AtomicBool>);

impl Stop {
    /// Ask the lanes to claim nothing more.
    pub fn request(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether a stop was asked for.
    pub fn requested(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

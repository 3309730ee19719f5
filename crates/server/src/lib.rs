//! Tickler server.

pub mod scheduler;

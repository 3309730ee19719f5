//! Shared helpers of the benchmark binaries (`bench-when`, `bench-agenda`, `bench-import`,
//! `bench-bulk`, `bench-mailbox`, …): flags, timing statistics, the databases the store
//! benchmarks run on, the synthetic data they are seeded with (contacts,
//! follow-ups, people to import, a mailbox's messages), and child processes
//! watched for their peak memory.
//!
//! Every benchmark measures Tickler beside a reference in the same process
//! and prints one JSON document on standard output; `scripts/bench` collects
//! them and renders the tables.

pub mod args;
pub mod corpus;
pub mod database;
pub mod messages;
pub mod people;
pub mod process;
pub mod rows;
pub mod seed;
pub mod stats;

/// The result of a benchmark binary: boxed errors are enough here.
pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Print a progress line on standard error (standard output carries the JSON result).
pub fn progress(message: impl std::fmt::Display) {
    eprintln!("  [bench] {message}");
}

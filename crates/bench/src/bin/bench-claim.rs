//! `bench-claim`: the rate at which workers claim due jobs from the jobs
//! table holding `--jobs` due jobs, through `Store::claim_jobs` (leased batch
//! claims: `FOR UPDATE SKIP LOCKED` on PostgreSQL, one writer on SQLite).
//!
//! ```text
//! bench-claim --backend sqlite|postgres [--jobs 1000000] [--claims 2000] [--batch 100] [--sqlite PATH] [--postgres URL]
//! ```
//!
//! Setup (untimed): `--jobs` pending plan-step jobs due over the past day.
//! Timed: `--claims` claims of `--batch` jobs each; after each claim the jobs
//! are closed (untimed), as a worker would, so every claim faces the same
//! million-row table. Prints one JSON document on standard output.

use std::time::{Duration, Instant};

use jiff::SignedDuration;
use serde::Serialize;
use tickler_bench::args::Args;
use tickler_bench::database::{Seeded, Target};
use tickler_bench::stats::Latency;
use tickler_bench::{Result, progress, seed};

#[derive(Serialize)]
struct Report {
    benchmark: &'static str,
    backend: &'static str,
    jobs: u64,
    claims: u64,
    batch: u32,
    claimed: u64,
    seconds: f64,
    jobs_per_second: f64,
    claims_per_second: f64,
    latency: Latency,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let args = Args::from_env()?;
    let jobs: u64 = args.get("jobs", 1_000_000)?;
    let claims: u64 = args.get("claims", 2_000)?;
    let batch: u32 = args.get("batch", 100)?;
    let target = Target::from_args(&args, "target/bench/claim.sqlite")?;
    let seeded = Seeded::contacts(&target, "claim", 1).await?;
    let (store, account, native) = (seeded.store, seeded.account, seeded.native);
    let now = seed::now().timestamp();
    progress(format!("claim: seeding {jobs} due jobs"));
    let numbers = match target.backend() {
        "sqlite" => {
            format!("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {jobs}) SELECT i FROM n")
        }
        _ => format!("SELECT generate_series(CAST(1 AS BIGINT), {jobs}) AS i"),
    };
    let day = 86_400;
    native
        .execute(&format!(
            "INSERT INTO jobs (kind, account_id, payload, dedupe_key, run_at, state, attempts, created_at) \
             SELECT 'plan-step', {account}, CAST(i AS TEXT), 'step:' || i || ':0', {start} + (i * {day} / {jobs}), \
             'pending', 0, {start} FROM ({numbers}) AS numbers",
            account = account.id,
            start = now.as_second() - day,
        ))
        .await?;
    native.analyze().await?;
    let lease = SignedDuration::from_mins(5);
    let mut samples = Vec::with_capacity(claims as usize);
    let mut claimed = 0u64;
    let mut total = Duration::ZERO;
    progress(format!("claim: {claims} claims of {batch}"));
    for round in 0..claims {
        let started = Instant::now();
        let got = store.claim_jobs(&format!("bench-{round}"), now, lease, batch).await?;
        let took = started.elapsed();
        total += took;
        samples.push(took);
        claimed += got.len() as u64;
        if got.is_empty() {
            break;
        }
        let ids: Vec<String> = got.iter().map(|job| job.id.to_string()).collect();
        native
            .execute(&format!("UPDATE jobs SET state = 'done', lease_owner = NULL WHERE id IN ({})", ids.join(",")))
            .await?;
    }
    let seconds = total.as_secs_f64();
    let report = Report {
        benchmark: "claim",
        backend: target.backend(),
        jobs,
        claims: samples.len() as u64,
        batch,
        claimed,
        seconds,
        jobs_per_second: claimed as f64 / seconds,
        claims_per_second: samples.len() as f64 / seconds,
        latency: Latency::of(&samples),
    };
    Seeded::finish(store, native, &target, args.flag("keep"), &report).await
}

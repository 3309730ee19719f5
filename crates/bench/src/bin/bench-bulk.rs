//! `bench-bulk`: creating many follow-ups through `Store::import_follow_ups`,
//! beside a raw batched insert of the same rows into the same store.
//!
//! ```text
//! bench-bulk --backend sqlite|postgres [--contacts 100000] [--rows 1000000]
//!            [--rounds 1] [--sample 100000] [--sqlite PATH] [--postgres URL] [--keep]
//! ```
//!
//! One account with `--contacts` contacts is seeded (setup). Each round then
//! times both paths, emptying `follow_ups` (and checkpointing) before each:
//!
//! * **store**: `import_follow_ups(account, drafts, now)` — one transaction,
//!   consent check, multi-row INSERTs of 1,000 rows;
//! * **raw**: the same column values, prepared before the clock starts,
//!   inserted through a native sqlx pool in one transaction with multi-row
//!   INSERTs of 1,000 rows, written with the backend's natural placeholders
//!   (`?` on SQLite, `$N` on PostgreSQL).
//!
//! Rounds alternate which path goes first; the best of each is compared. On
//! SQLite, runs on `--sample` rows record why the store writes `?` there:
//! the raw insert with numbered `$N` placeholders (SQLite looks each named
//! parameter up linearly, quadratic in a 12,000-parameter statement), the
//! store's `Any` pool with `?`, and the raw insert again at the sample's
//! size. Prints one JSON document on standard output.

use std::time::Instant;

use serde::Serialize;
use sqlx::Any;
use tickler_bench::args::Args;
use tickler_bench::database::{Native, Seeded, Target};
use tickler_bench::rows::{BATCH, ImportRow, Placeholders, insert};
use tickler_bench::{Result, progress, seed};

use tickler_core::follow_up::FollowUpDraft;
use tickler_core::ids::AccountId;
use tickler_store::Store;

#[derive(Serialize, Clone)]
struct Run {
    path: &'static str,
    rows: usize,
    seconds: f64,
    rows_per_second: f64,
}

#[derive(Serialize)]
struct Report {
    benchmark: &'static str,
    backend: &'static str,
    database_version: String,
    contacts: usize,
    rows: usize,
    batch: usize,
    raw_placeholders: Placeholders,
    store_rows_per_second: f64,
    raw_rows_per_second: f64,
    ratio: f64,
    runs: Vec<Run>,
    /// SQLite only, on a sample: the raw insert written with numbered `$N`
    /// placeholders, and the store's `Any` pool writing `?` placeholders.
    diagnosis: Vec<Run>,
}

struct Bench {
    store: Store,
    native: Native,
    account_id: AccountId,
    now: jiff::Timestamp,
    drafts: Vec<FollowUpDraft>,
    rows: Vec<ImportRow>,
}

impl Bench {
    /// Empty `follow_ups` and flush the log, so each run starts alike.
    async fn reset(&self) -> Result<()> {
        match self.native {
            Native::Sqlite(_) => {
                self.native.execute("DELETE FROM follow_ups").await?;
                self.native.execute("VACUUM").await?;
            }
            Native::Postgres(_) => self.native.execute("TRUNCATE follow_ups CASCADE").await?,
        }
        self.native.checkpoint().await
    }

    async fn run(&self, path: &'static str, rows: usize) -> Result<Run> {
        self.reset().await?;
        let started = Instant::now();
        match path {
            "store" => {
                let inserted = self.store.import_follow_ups(self.account_id, &self.drafts[..rows], self.now).await?;
                if inserted != rows as u64 {
                    return Err(format!("import_follow_ups reported {inserted} rows, not {rows}").into());
                }
            }
            "raw" => self.native.insert_all(&self.rows[..rows]).await?,
            "raw-numbered" => self.native.insert_with(&self.rows[..rows], Placeholders::Numbered).await?,
            _ => {
                // The store's own pool (sqlx `Any`) and begin, but `?` placeholders.
                let mut transaction = self.store.pool().begin_with("BEGIN IMMEDIATE").await?;
                insert::<Any, ImportRow>(&mut transaction, &self.rows[..rows], BATCH, Placeholders::Anonymous).await?;
                transaction.commit().await?;
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        let stored = self.native.scalar("SELECT COUNT(*) FROM follow_ups").await?;
        if stored != rows as i64 {
            return Err(format!("{path}: {stored} follow-ups stored, not {rows}").into());
        }
        let run = Run { path, rows, seconds, rows_per_second: rows as f64 / seconds };
        progress(format!(
            "bulk/{}: {path}: {rows} rows in {seconds:.2} s ({:.0} rows/s)",
            self.native.backend(),
            run.rows_per_second
        ));
        Ok(run)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args = Args::from_env()?;
    let target = Target::from_args(&args, "target/bench/bulk.sqlite")?;
    let contacts: usize = args.get("contacts", 100_000)?;
    let rows: usize = args.get("rows", 1_000_000)?;
    let rounds: usize = args.get("rounds", 1)?;
    let sample: usize = args.get::<usize>("sample", 100_000)?.min(rows);
    let backend = target.backend();
    let now = seed::now();

    let Seeded { store, account, native, contact_ids } =
        Seeded::contacts(&target, &format!("bulk/{backend}"), contacts).await?;
    native.analyze().await?;
    progress(format!("bulk/{backend}: preparing {rows} follow-ups"));
    let drafts = seed::drafts(&contact_ids, rows, &now);
    let created_at = now.timestamp().as_second();
    let import_rows = drafts.iter().map(|draft| seed::import_row(account.id, draft, created_at)).collect();
    let bench = Bench { store, native, account_id: account.id, now: now.timestamp(), drafts, rows: import_rows };

    let mut runs = Vec::new();
    for round in 0..rounds.max(1) {
        let order = if round % 2 == 0 { ["store", "raw"] } else { ["raw", "store"] };
        for path in order {
            runs.push(bench.run(path, rows).await?);
        }
    }
    let mut diagnosis = Vec::new();
    if matches!(bench.native, Native::Sqlite(_)) && sample > 0 {
        diagnosis.push(bench.run("raw-numbered", sample).await?);
        diagnosis.push(bench.run("any-anonymous", sample).await?);
        diagnosis.push(bench.run("raw", sample).await?);
    }
    let best =
        |path: &str| runs.iter().filter(|run| run.path == path).map(|run| run.rows_per_second).fold(0.0, f64::max);
    let report = Report {
        benchmark: "bulk",
        backend,
        database_version: bench.native.version().await?,
        contacts,
        rows,
        batch: BATCH,
        raw_placeholders: Placeholders::native(backend),
        store_rows_per_second: best("store"),
        raw_rows_per_second: best("raw"),
        ratio: best("store") / best("raw"),
        runs,
        diagnosis,
    };
    let Bench { store, native, .. } = bench;
    Seeded::finish(store, native, &target, args.flag("keep"), &report).await
}

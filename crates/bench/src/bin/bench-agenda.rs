//! `bench-agenda`: latency of the `today` path on a large account, beside
//! the bare SQL of the same query.
//!
//! ```text
//! bench-agenda --backend sqlite|postgres [--contacts 100000] [--follow-ups 1000000]
//!              [--touches 300000] [--open-share 0.03] [--runs 200] [--warmups 10]
//!              [--days 7] [--limit 500] [--sqlite PATH] [--postgres URL] [--keep]
//! ```
//!
//! Seeds one account (setup, not measured), then times, interleaved run by
//! run: the store path — `Store::agenda(account, window_end(now, days),
//! limit)` and `agenda::bucket` on every row — and the store's query run
//! through a native sqlx pool with `fetch_all` and no decoding. Prints one
//! JSON document on standard output.

use std::hint::black_box;
use std::time::{Duration, Instant};

use jiff::{Timestamp, ZonedDateTime};
use serde::Serialize;
use sqlx::{AssertSqlSafe, Row};
use tickler_bench::args::Args;
use tickler_bench::database::{Native, Seeded, Target};
use tickler_bench::rows::AGENDA_SQL;
use tickler_bench::stats::Latency;
use tickler_bench::with_pool;
use tickler_bench::{Result, progress, seed};
use tickler_core::agenda::{Bucket, bucket, window_end};

use tickler_core::ids::AccountId;
use tickler_store::Store;

#[derive(Serialize)]
struct Report {
    benchmark: &'static str,
    backend: &'static str,
    database_version: String,
    contacts: usize,
    follow_ups: usize,
    open_follow_ups: i64,
    touches: usize,
    seed_seconds: f64,
    days: u32,
    limit: u32,
    rows_returned: usize,
    overdue: usize,
    today: usize,
    upcoming: usize,
    store: Latency,
    bare: Latency,
    median_ratio: f64,
    p99_ratio: f64,
    /// The database's plan for the agenda query.
    plan: Vec<String>,
}

/// What one run of each path needs.
struct Bench {
    store: Store,
    native: Native,
    account_id: AccountId,
    now: ZonedDateTime,
    until: Timestamp,
    limit: u32,
}

impl Bench {
    /// The `today` path: the store's agenda and each row placed in its bucket.
    async fn today(&self) -> Result<[usize; 3]> {
        let rows = self.store.agenda(self.account_id, self.until, self.limit).await?;
        let mut counts = [0; 3];
        for row in &rows {
            counts[match bucket(&row.follow_up.due, &self.now) {
                Bucket::Overdue => 0,
                Bucket::Today => 1,
                Bucket::Upcoming => 2,
            }] += 1;
        }
        Ok(black_box(counts))
    }

    /// The bare query: native pool, `fetch_all`, nothing decoded.
    async fn bare(&self) -> Result<usize> {
        let (account, until, limit) = (self.account_id.get(), self.until.as_second(), i64::from(self.limit));
        let rows = with_pool!(&self.native, pool => sqlx::query(AGENDA_SQL.as_str())
            .bind(account)
            .bind(until)
            .bind(limit)
            .fetch_all(pool)
            .await?
            .len());
        Ok(black_box(rows))
    }

    /// The follow-up ids the bare query returns, to check it matches the store.
    async fn bare_ids(&self) -> Result<Vec<i64>> {
        let (account, until, limit) = (self.account_id.get(), self.until.as_second(), i64::from(self.limit));
        Ok(with_pool!(&self.native, pool => sqlx::query(AGENDA_SQL.as_str())
            .bind(account)
            .bind(until)
            .bind(limit)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|row| row.get("id"))
            .collect()))
    }

    /// How the database runs the query.
    async fn plan(&self) -> Result<Vec<String>> {
        let (account, until, limit) = (self.account_id.get(), self.until.as_second(), i64::from(self.limit));
        Ok(match &self.native {
            Native::Sqlite(pool) => sqlx::query(AssertSqlSafe(format!("EXPLAIN QUERY PLAN {}", AGENDA_SQL.as_str())))
                .bind(account)
                .bind(until)
                .bind(limit)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|row| row.get::<String, _>("detail"))
                .collect(),
            Native::Postgres(pool) => {
                sqlx::query(AssertSqlSafe(format!("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {}", AGENDA_SQL.as_str())))
                    .bind(account)
                    .bind(until)
                    .bind(limit)
                    .fetch_all(pool)
                    .await?
                    .iter()
                    .map(|row| row.get::<String, _>(0))
                    .collect()
            }
        })
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args = Args::from_env()?;
    let target = Target::from_args(&args, "target/bench/agenda.sqlite")?;
    let contacts: usize = args.get("contacts", 100_000)?;
    let follow_ups: usize = args.get("follow-ups", 1_000_000)?;
    let touches: usize = args.get("touches", 300_000)?;
    let open_share: f64 = args.get("open-share", 0.03)?;
    let runs: usize = args.get("runs", 200)?;
    let warmups: usize = args.get("warmups", 10)?;
    let days: u32 = args.get("days", 7)?;
    let limit: u32 = args.get("limit", 500)?;
    let backend = target.backend();
    let now = seed::now();

    let seeding = Instant::now();
    let (Seeded { store, account, native, .. }, open_follow_ups) =
        Seeded::agenda_book(&target, &format!("agenda/{backend}"), contacts, touches, follow_ups, open_share, &now)
            .await?;
    let seed_seconds = seeding.elapsed().as_secs_f64();
    progress(format!("agenda/{backend}: seeded in {seed_seconds:.1} s ({open_follow_ups} open follow-ups)"));

    let bench = Bench { store, native, account_id: account.id, until: window_end(&now, days), now, limit };
    let agenda = bench.store.agenda(bench.account_id, bench.until, limit).await?;
    let store_ids: Vec<i64> = agenda.iter().map(|row| row.follow_up.id.get()).collect();
    if store_ids != bench.bare_ids().await? {
        return Err(
            "the bare query and Store::agenda returned different rows: do both run tickler_store::AGENDA_SQL?".into()
        );
    }
    let counts = bench.today().await?;
    let plan = bench.plan().await?;

    progress(format!("agenda/{backend}: {warmups} warm-ups and {runs} timed runs of each path, interleaved"));
    for _ in 0..warmups {
        bench.today().await?;
        bench.bare().await?;
    }
    let mut store_samples: Vec<Duration> = Vec::with_capacity(runs);
    let mut bare_samples: Vec<Duration> = Vec::with_capacity(runs);
    for run in 0..runs {
        // Alternate which goes first, so neither always runs on a warmer cache.
        for first in [run % 2 == 0, run % 2 != 0] {
            let started = Instant::now();
            if first {
                bench.today().await?;
                store_samples.push(started.elapsed());
            } else {
                bench.bare().await?;
                bare_samples.push(started.elapsed());
            }
        }
    }
    let store_latency = Latency::of(&store_samples);
    let bare_latency = Latency::of(&bare_samples);
    let report = Report {
        benchmark: "agenda",
        backend,
        database_version: bench.native.version().await?,
        contacts,
        follow_ups,
        open_follow_ups,
        touches,
        seed_seconds,
        days,
        limit,
        rows_returned: agenda.len(),
        overdue: counts[0],
        today: counts[1],
        upcoming: counts[2],
        store: store_latency,
        bare: bare_latency,
        median_ratio: store_latency.median_ms / bare_latency.median_ms,
        p99_ratio: store_latency.p99_ms / bare_latency.p99_ms,
        plan,
    };
    progress(format!(
        "agenda/{backend}: today p99 {:.2} ms, bare p99 {:.2} ms ({:.2}x)",
        report.store.p99_ms, report.bare.p99_ms, report.p99_ratio
    ));
    let Bench { store, native, .. } = bench;
    Seeded::finish(store, native, &target, args.flag("keep"), &report).await
}

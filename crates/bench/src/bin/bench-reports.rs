//! `bench-reports`: latency of each report on a large account, beside the bare
//! SQL of the same statements.
//!
//! ```text
//! bench-reports --backend sqlite|postgres [--contacts 100000] [--follow-ups 1000000]
//!               [--touches 300000] [--runs 100] [--warmups 5] [--sqlite PATH] [--postgres URL] [--keep]
//! ```
//!
//! Seeds the agenda benchmarks' book (setup, not measured), then times each
//! report, interleaved run by run: the whole action (`app::reports::report`
//! over the default period, the last 12 weeks: the period read, the weeks cut
//! in the account's zone, the store's statements, rows decoded into figures)
//! and the same statements through a native sqlx pool with `fetch_all` and no
//! decoding. Prints one JSON document on standard output.

use std::hint::black_box;
use std::time::{Duration, Instant};

use serde::Serialize;
use sqlx::AssertSqlSafe;
use tickler_app::reports::{self, ReportQuery};
use tickler_app::{Actor, App};
use tickler_bench::args::Args;
use tickler_bench::database::{Native, Seeded, Target};
use tickler_bench::stats::Latency;
use tickler_bench::with_pool;
use tickler_bench::{Result, progress, seed};
use tickler_core::report::{Period, ReportName, Step};
use tickler_store::reports as sql;

/// One report's figures.
#[derive(Serialize)]
struct Timing {
    report: &'static str,
    /// Rows the report's statements return.
    rows: usize,
    store: Latency,
    bare: Latency,
    p99_ratio: f64,
}

#[derive(Serialize)]
struct Report {
    benchmark: &'static str,
    backend: &'static str,
    database_version: String,
    contacts: usize,
    follow_ups: usize,
    touches: usize,
    seed_seconds: f64,
    period: String,
    reports: Vec<Timing>,
}

/// The statements of one report with their bound values, as the store runs them.
fn statements(
    backend: tickler_store::Backend,
    name: ReportName,
    period: &Period,
    account: i64,
    now: i64,
) -> Vec<(String, Vec<i64>)> {
    let zone = jiff::tz::TimeZone::get(seed::ZONE).expect("the bench zone");
    let weeks = period.buckets(Step::Week, &zone);
    let months = period.buckets(Step::Month, &zone);
    let (start, end) = period.span(&zone);
    let span = |buckets: &[tickler_core::report::Bucket]| {
        (
            buckets.first().map(|b| b.start.as_second()).unwrap_or(0),
            buckets.last().map(|b| b.end.as_second()).unwrap_or(0),
        )
    };
    let (week_start, week_end) = span(&weeks);
    let (month_start, month_end) = span(&months);
    match name {
        ReportName::FollowUps => vec![
            (sql::follow_ups_sql(backend, &weeks), vec![account, week_start, week_end]),
            (sql::lateness_sql(backend, &weeks), vec![account, week_start, week_end]),
        ],
        ReportName::Promises => vec![(sql::promises_sql(backend, &months), vec![account, month_start, month_end, now])],
        ReportName::Plans => vec![
            (
                "SELECT p.id AS plan_id, p.name AS name, CAST(s.position AS BIGINT) AS step FROM plans p \
                 JOIN plan_steps s ON s.plan_id = p.id WHERE p.account_id = $1 ORDER BY p.name_key, p.id, s.position"
                    .to_string(),
                vec![account],
            ),
            (sql::PLAN_SENDS_SQL.to_string(), vec![account, start.as_second(), end.as_second()]),
            (sql::PLAN_STOPS_SQL.to_string(), vec![account, start.as_second(), end.as_second()]),
        ],
        ReportName::Touches => vec![(sql::touches_sql(backend, &weeks), vec![account, week_start, week_end])],
        ReportName::Stages => vec![(sql::stages_sql(backend, &weeks), vec![account, week_start, week_end])],
        ReportName::Consent => vec![(sql::consent_sql(backend, &weeks), vec![account, week_start, week_end])],
    }
}

/// The statements run bare: native pool, `fetch_all`, nothing decoded; the rows returned.
async fn bare(native: &Native, statements: &[(String, Vec<i64>)]) -> Result<usize> {
    let mut rows = 0;
    for (statement, binds) in statements {
        rows += with_pool!(native, pool => {
            let mut query = sqlx::query(AssertSqlSafe(statement.clone()));
            for value in binds {
                query = query.bind(*value);
            }
            query.fetch_all(pool).await?.len()
        });
    }
    Ok(black_box(rows))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args = Args::from_env()?;
    let target = Target::from_args(&args, "target/bench/reports.sqlite")?;
    let contacts: usize = args.get("contacts", 100_000)?;
    let follow_ups: usize = args.get("follow-ups", 1_000_000)?;
    let touches: usize = args.get("touches", 300_000)?;
    let runs: usize = args.get("runs", 100)?;
    let warmups: usize = args.get("warmups", 5)?;
    let backend = target.backend();
    let now = seed::now();

    let seeding = Instant::now();
    let (Seeded { store, account, native, .. }, _) =
        Seeded::agenda_book(&target, &format!("reports/{backend}"), contacts, touches, follow_ups, 0.03, &now).await?;
    let seed_seconds = seeding.elapsed().as_secs_f64();
    progress(format!("reports/{backend}: seeded in {seed_seconds:.1} s"));

    let app = App::from_store(store);
    let actor = Actor::new(account.clone(), None, now.timestamp());
    let query = ReportQuery::default();
    let period = reports::period(&actor, &query)?;
    let mut timings = Vec::new();
    for name in ReportName::ALL {
        let statements =
            statements(app.store().backend(), name, &period, account.id.get(), now.timestamp().as_second());
        let rows = bare(&native, &statements).await?;
        progress(format!(
            "reports/{backend}: {} — {warmups} warm-ups and {runs} timed runs of each path",
            name.as_str()
        ));
        for _ in 0..warmups {
            reports::report(&app, &actor, name.as_str(), &query).await?;
            bare(&native, &statements).await?;
        }
        let (mut store_samples, mut bare_samples): (Vec<Duration>, Vec<Duration>) = (Vec::new(), Vec::new());
        for run in 0..runs {
            for first in [run % 2 == 0, run % 2 != 0] {
                let started = Instant::now();
                if first {
                    black_box(reports::report(&app, &actor, name.as_str(), &query).await?);
                    store_samples.push(started.elapsed());
                } else {
                    bare(&native, &statements).await?;
                    bare_samples.push(started.elapsed());
                }
            }
        }
        let (store_latency, bare_latency) = (Latency::of(&store_samples), Latency::of(&bare_samples));
        progress(format!(
            "reports/{backend}: {} p99 {:.2} ms, bare p99 {:.2} ms ({:.2}x)",
            name.as_str(),
            store_latency.p99_ms,
            bare_latency.p99_ms,
            store_latency.p99_ms / bare_latency.p99_ms
        ));
        timings.push(Timing {
            report: name.as_str(),
            rows,
            p99_ratio: store_latency.p99_ms / bare_latency.p99_ms,
            store: store_latency,
            bare: bare_latency,
        });
    }
    let report = Report {
        benchmark: "reports",
        backend,
        database_version: native.version().await?,
        contacts,
        follow_ups,
        touches,
        seed_seconds,
        period: format!("{} to {}", period.from, period.to),
        reports: timings,
    };
    let store = app.store().clone();
    drop(app);
    Seeded::finish(store, native, &target, args.flag("keep"), &report).await
}

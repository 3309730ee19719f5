//! `bench-import`: importing a CSV of contacts through the real `tickler
//! import` command, beside a raw batched insert of the same rows.
//!
//! ```text
//! bench-import --tickler PATH --backend sqlite|postgres [--rows 1000000] [--rounds 1]
//!              [--csv PATH] [--sqlite PATH] [--postgres URL] [--keep]
//! ```
//!
//! A CSV of `--rows` people (name, email, phone, organisation, labels,
//! birthday, notes with quotes and newlines) is written first (setup). Each
//! round then times both paths, each on a new database:
//!
//! * **import**: the `tickler` binary at `--tickler` runs `import FILE` as a
//!   child process — reading and checking every row, matching duplicates,
//!   writing in transactions of 5,000 rows. Its peak memory is its resident
//!   set's high-water mark (`VmHWM` in /proc), polled while it runs
//!   ([`tickler_bench::process`]).
//! * **raw**: the same stored values (contacts, emails, phones, tags),
//!   prepared before the clock starts, inserted through a native sqlx pool
//!   in one transaction with multi-row INSERTs of 1,000 rows.
//!
//! Rounds alternate which path goes first; the best of each is compared.
//! Prints one JSON document on standard output.

use std::io::{BufWriter, Write};
use std::process::Command;
use std::time::Instant;

use serde::Serialize;
use sqlx::{Postgres, Sqlite};
use tickler_bench::args::Args;
use tickler_bench::database::{Native, Target};
use tickler_bench::people::{ContactImport, EmailRow, HEADER, PhoneRow, TagRow, person};
use tickler_bench::process::run_watched;
use tickler_bench::rows::{BATCH, Binder, Placeholders, insert};
use tickler_bench::seed::Random;
use tickler_bench::{Result, progress};
use tickler_core::ids::{AccountId, ContactId};

#[derive(Serialize, Clone)]
struct Run {
    path: &'static str,
    rows: usize,
    seconds: f64,
    rows_per_second: f64,
    /// The import process's peak resident memory (import runs only).
    #[serde(skip_serializing_if = "Option::is_none")]
    peak_rss_mb: Option<f64>,
}

#[derive(Serialize)]
struct Report {
    benchmark: &'static str,
    backend: &'static str,
    database_version: String,
    rows: usize,
    csv_megabytes: f64,
    import_rows_per_second: f64,
    raw_rows_per_second: f64,
    ratio: f64,
    peak_rss_mb: f64,
    runs: Vec<Run>,
}

/// The stored rows the raw reference inserts.
struct Raw {
    contacts: Vec<ContactImport>,
    emails: Vec<EmailRow>,
    phones: Vec<PhoneRow>,
    tags: Vec<TagRow>,
}

async fn insert_raw<DB: Binder>(
    connection: &mut DB::Connection,
    raw: &Raw,
    placeholders: Placeholders,
) -> sqlx::Result<()> {
    insert::<DB, ContactImport>(&mut *connection, &raw.contacts, BATCH, placeholders).await?;
    insert::<DB, EmailRow>(&mut *connection, &raw.emails, BATCH, placeholders).await?;
    insert::<DB, PhoneRow>(&mut *connection, &raw.phones, BATCH, placeholders).await?;
    insert::<DB, TagRow>(&mut *connection, &raw.tags, BATCH, placeholders).await
}

/// A new empty database with the store's schema and its account; the native pool on it.
async fn fresh(target: &Target) -> Result<(String, Native, AccountId)> {
    let url = target.create_fresh().await?;
    let store = tickler_store::Store::open(&url).await?;
    let account = store.default_account(&tickler_core::contact::ZoneName::utc(), jiff::Timestamp::now()).await?;
    store.close().await;
    let native = target.native().await?;
    native.checkpoint().await?;
    Ok((url, native, account.id))
}

/// Run `tickler import` on the file, watching its peak resident memory.
fn run_import(tickler: &str, url: &str, csv: &str) -> Result<(f64, f64)> {
    let watched = run_watched(Command::new(tickler).args(["--database", url, "--tz", "UTC", "import", csv, "--json"]))?;
    if !watched.output.status.success() {
        return Err(format!("tickler import failed: {}", String::from_utf8_lossy(&watched.output.stderr)).into());
    }
    let summary: serde_json::Value = serde_json::from_slice(&watched.output.stdout)?;
    if summary["rejected_count"] != 0 || summary["skipped"] != 0 {
        return Err(format!("the import rejected or skipped rows: {summary}").into());
    }
    Ok((watched.seconds, watched.peak_mb))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args = Args::from_env()?;
    let target = Target::from_args(&args, "target/bench/import.sqlite")?;
    let tickler = args.text("tickler", "target/release/tickler");
    let rows: usize = args.get("rows", 1_000_000)?;
    let rounds: usize = args.get("rounds", 1)?;
    let csv = args.text("csv", "target/bench/import.csv");
    let backend = target.backend();
    let now = tickler_bench::seed::now().timestamp().as_second();

    // Every run starts on a new database: emptying one would time SQLite's foreign-key checks instead.
    let (_, native, account_id) = fresh(&target).await?;
    native.close().await;

    progress(format!("import/{backend}: writing {rows} people to {csv}"));
    let mut random = Random::new(5);
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&csv)?);
    out.write_all(HEADER.as_bytes())?;
    let mut raw = Raw { contacts: Vec::with_capacity(rows), emails: Vec::new(), phones: Vec::new(), tags: Vec::new() };
    for index in 0..rows {
        let person = person(index, &mut random);
        person.write_csv(&mut out)?;
        let id = index as i64 + 1;
        raw.contacts.push(person.contact(id, account_id, now));
        raw.emails.push(EmailRow { account_id, contact_id: ContactId::new(id), email: person.email.clone() });
        raw.phones.push(PhoneRow { contact_id: ContactId::new(id), phone: person.phone.clone() });
        raw.tags.extend(person.tags.iter().map(|tag| TagRow { account_id, contact_id: ContactId::new(id), tag }));
    }
    out.flush()?;
    drop(out);
    let csv_megabytes = std::fs::metadata(&csv)?.len() as f64 / 1e6;

    let mut runs = Vec::new();
    for round in 0..rounds.max(1) {
        let order = if round % 2 == 0 { ["import", "raw"] } else { ["raw", "import"] };
        for path in order {
            let (url, native, _) = fresh(&target).await?;
            let (seconds, peak) = match path {
                "import" => {
                    let (seconds, peak) = run_import(&tickler, &url, &csv)?;
                    (seconds, Some(peak))
                }
                _ => {
                    let started = Instant::now();
                    match &native {
                        Native::Sqlite(pool) => {
                            let mut transaction = pool.begin_with("BEGIN IMMEDIATE").await?;
                            insert_raw::<Sqlite>(&mut transaction, &raw, Placeholders::Anonymous).await?;
                            transaction.commit().await?;
                        }
                        Native::Postgres(pool) => {
                            let mut transaction = pool.begin().await?;
                            insert_raw::<Postgres>(&mut transaction, &raw, Placeholders::Numbered).await?;
                            transaction.commit().await?;
                        }
                    }
                    (started.elapsed().as_secs_f64(), None)
                }
            };
            let stored = native.scalar("SELECT COUNT(*) FROM contacts").await?;
            let emails = native.scalar("SELECT COUNT(*) FROM contact_emails").await?;
            if stored != rows as i64 || emails != rows as i64 {
                return Err(format!("{path}: {stored} contacts and {emails} emails stored, not {rows}").into());
            }
            native.close().await;
            let run = Run { path, rows, seconds, rows_per_second: rows as f64 / seconds, peak_rss_mb: peak };
            progress(format!(
                "import/{backend}: {path}: {rows} rows in {seconds:.2} s ({:.0} rows/s){}",
                run.rows_per_second,
                peak.map(|mb| format!(", peak memory {mb:.1} MB")).unwrap_or_default()
            ));
            runs.push(run);
        }
    }
    let best =
        |path: &str| runs.iter().filter(|run| run.path == path).map(|run| run.rows_per_second).fold(0.0, f64::max);
    let peak = runs.iter().filter_map(|run| run.peak_rss_mb).fold(0.0, f64::max);
    let (_, native, _) = fresh(&target).await?;
    let database_version = native.version().await?;
    native.close().await;
    let report = Report {
        benchmark: "import",
        backend,
        database_version,
        rows,
        csv_megabytes,
        import_rows_per_second: best("import"),
        raw_rows_per_second: best("raw"),
        ratio: best("import") / best("raw"),
        peak_rss_mb: peak,
        runs,
    };
    if !args.flag("keep") {
        target.drop_database().await?;
        let _ = std::fs::remove_file(&csv);
    }
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

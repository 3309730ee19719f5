//! `import FILE`: contacts from CSV or vCard, streamed in batches (one
//! transaction each), with a summary of what was created, updated, skipped
//! and rejected (row, field, reason).

use std::io::{BufRead, BufReader, Read};

use serde::Serialize;
use tickler_core::import::{ImportSummary, OnDuplicate, RowIssue};
use tickler_server::transfer::{ImportFailure, ImportRequest, import};
use tickler_transfer::{ColumnMap, Format, Layout};

use crate::app::App;
use crate::args::ImportArgs;
use crate::commands::progress;
use crate::failure::{Failure, Outcome};
use crate::render;

/// Rows written per transaction: large enough that commits cost little, small enough to bound memory.
/// The summary as `--json` prints it.
#[derive(Serialize)]
struct Report<'a> {
    file: &'a str,
    format: Format,
    #[serde(skip_serializing_if = "Option::is_none")]
    layout: Option<Layout>,
    on_duplicate: OnDuplicate,
    #[serde(flatten)]
    summary: &'a ImportSummary,
}

pub async fn run(app: &App, args: ImportArgs) -> Outcome {
    let on_duplicate = OnDuplicate::parse(&args.on_duplicate)?;
    let maps = args.maps.iter().map(|map| ColumnMap::parse(map)).collect::<Result<Vec<_>, _>>().map_err(failure)?;
    let (input, size): (Box<dyn Read>, u64) = if args.file == "-" {
        (Box::new(std::io::stdin().lock()), 0)
    } else {
        let file = std::fs::File::open(&args.file)
            .map_err(|error| Failure::Usage(format!("file: cannot read {}: {error}", args.file)))?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        (Box::new(file), size)
    };
    let bar = if size > 0 { progress::bar(size, "bytes") } else { None };
    let input: Box<dyn Read> = match &bar {
        Some(bar) => Box::new(bar.wrap_read(input)),
        None => input,
    };
    let mut input = BufReader::with_capacity(1 << 16, input);
    let format = match args.format.as_deref() {
        Some("csv") => Format::Csv,
        Some("vcf" | "vcard") => Format::Vcf,
        Some(other) => return Err(Failure::Usage(format!("format: unknown format \"{other}\"; use csv or vcf"))),
        None => Format::detect(&args.file, input.fill_buf()?),
    };
    if format == Format::Vcf && !maps.is_empty() {
        return Err(Failure::Usage("map: --map applies to CSV columns; a vCard names its fields itself".into()));
    }
    let request = ImportRequest {
        account_id: app.account_id(),
        format,
        maps: &maps,
        on_duplicate,
        dry_run: args.dry_run,
        now: app.now.timestamp(),
    };
    let (summary, layout) = match import(&app.store, &request, input).await {
        Ok(done) => done,
        Err(ImportFailure::File(error)) => return Err(failure(error)),
        Err(ImportFailure::Store(error)) => return Err(error.into()),
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if app.json {
        return render::json(&Report { file: &args.file, format, layout, on_duplicate, summary: &summary });
    }
    let what = match layout {
        Some(layout) => format!("{} ({})", args.file, layout.as_str()),
        None => format!("{} (vCard)", args.file),
    };
    let verb = if summary.dry_run { "Would import" } else { "Imported" };
    say!(
        "{verb} {what}: {} created, {} updated, {} skipped as duplicates, {} rejected.",
        summary.created,
        summary.updated,
        summary.skipped,
        summary.rejected_count
    );
    let unit = if format == Format::Vcf { "card" } else { "row" };
    print_issues("Rejected (nothing of these was written):", &summary.rejected, summary.rejected_count, unit)?;
    print_issues(
        "Values dropped (the rest of the contact was imported):",
        &summary.warnings,
        summary.warning_count,
        unit,
    )?;
    if summary.dry_run {
        say!("Dry run: nothing was written. Run again without --dry-run to import.");
    }
    Ok(())
}

fn print_issues(title: &str, issues: &[RowIssue], count: u64, unit: &str) -> Outcome {
    if issues.is_empty() {
        return Ok(());
    }
    say!("{title}");
    for issue in issues {
        say!("  {unit} {}, {}: {}", issue.row, issue.field, issue.reason);
    }
    if count > issues.len() as u64 {
        say!("  … and {} more", count - issues.len() as u64);
    }
    Ok(())
}

/// A file that cannot be read is the person's to fix (exit 2); a failed read or write is not (exit 1).
pub fn failure(error: tickler_transfer::Error) -> Failure {
    match error {
        tickler_transfer::Error::Io(error) => Failure::from(error),
        other => Failure::Usage(other.to_string()),
    }
}

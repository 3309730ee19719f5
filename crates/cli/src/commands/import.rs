//! `import FILE`: contacts from CSV or vCard, streamed in batches (one
//! transaction each), with a summary of what was created, updated, skipped
//! and rejected (row, field, reason).

use std::io::{BufReader, Read};

use tickler_app::import::{self, ImportOptions, ImportReport};
use tickler_core::import::{LeftOut, RowIssue};
use tickler_transfer::Format;

use crate::args::ImportArgs;
use crate::commands::progress;
use crate::context::Context;
use crate::failure::{Failure, Outcome};
use crate::render;

/// The report as `--json` prints it: the file's name, then what the import did.
#[derive(serde::Serialize)]
struct Report<'a> {
    file: &'a str,
    #[serde(flatten)]
    report: &'a ImportReport,
}

pub async fn run(cx: &Context, args: ImportArgs) -> Outcome {
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
    let input = BufReader::with_capacity(1 << 16, input);
    let options = ImportOptions {
        format: args.format.clone(),
        on_duplicate: Some(args.on_duplicate.clone()),
        maps: args.maps.clone(),
        dry_run: args.dry_run,
    };
    let report = import::import(&cx.app, &cx.actor, &options, &args.file, input).await?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if cx.json {
        return render::json(&Report { file: &args.file, report: &report });
    }
    let summary = &report.summary;
    let what = match report.layout {
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
    let unit = if report.format == Format::Vcf { "card" } else { "row" };
    print_issues("Rejected (nothing of these was written):", &summary.rejected, summary.rejected_count, unit)?;
    print_issues(
        "Values dropped (the rest of the contact was imported):",
        &summary.warnings,
        summary.warning_count,
        unit,
    )?;
    print_left_out(&summary.left_out)?;
    if summary.dry_run {
        say!("Dry run: nothing was written. Run again without --dry-run to import.");
    }
    Ok(())
}

/// The columns left out, each with the `--map` that imports it.
fn print_left_out(left_out: &[LeftOut]) -> Outcome {
    if left_out.is_empty() {
        return Ok(());
    }
    say!("Columns left out (not imported; import one again with --map):");
    for column in left_out {
        let values = match column.values {
            0 => "empty".to_string(),
            1 => "a value in 1 row".to_string(),
            n => format!("values in {n} rows"),
        };
        say!("  \"{}\" ({values}): {}", column.column, column.map);
    }
    if left_out.iter().any(|column| column.suggested_field.is_none()) {
        say!("  FIELD is one of: {}", tickler_transfer::csv_layout::Field::names().join(", "));
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

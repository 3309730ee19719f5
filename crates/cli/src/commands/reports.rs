//! `report`: one report over a period, as aligned text, JSON or CSV.

use tickler_app::reports::{self, ReportQuery};

use crate::args::ReportArgs;
use crate::context::Context;
use crate::failure::Outcome;

pub async fn run(cx: &Context, args: &ReportArgs) -> Outcome {
    let query = ReportQuery { from: args.from.clone(), to: args.to.clone(), period: args.period.clone() };
    let report = reports::report(&cx.app, &cx.actor, &args.name, &query).await?;
    if cx.json {
        return crate::render::json(&report);
    }
    let table = report.table();
    if args.csv {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        return out.write_all(table.to_csv().as_bytes()).map_err(Into::into);
    }
    say!("{} — {} to {} ({})", report.title, report.period.from, report.period.to, report.zone);
    let widths: Vec<usize> = (0..table.columns.len())
        .map(|column| {
            std::iter::once(&table.columns[column])
                .chain(table.rows.iter().filter_map(|row| row.get(column)))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        cells.iter().zip(&widths).map(|(cell, width)| format!("{cell:<width$}")).collect::<Vec<_>>().join("  ")
    };
    say!("{}", line(&table.columns).trim_end());
    for row in &table.rows {
        say!("{}", line(row).trim_end());
    }
    if table.rows.is_empty() {
        say!("(nothing to count in this period)");
    }
    say!("{}", report.note);
    Ok(())
}

//! `export contacts`: every contact as CSV (the importer's plain layout) or
//! vCard 4.0, to standard output or a file, read from the store in pages.

use std::io::Write;

use tickler_app::{contacts, export, import};
use tickler_transfer::Format;

use crate::args::ExportArgs;
use crate::commands::progress;
use crate::context::Context;
use crate::failure::{Failure, Outcome};

pub async fn run(cx: &Context, args: ExportArgs) -> Outcome {
    if args.what != "contacts" {
        return Err(Failure::Usage(format!(
            "export: unknown \"{}\"; export contacts (a full backup is: tickler backup FILE)",
            args.what
        )));
    }
    let format = match (import::format(args.format.as_deref())?, args.output.as_deref()) {
        (Some(format), _) => format,
        (None, Some(path)) => Format::detect(path, b""),
        (None, None) => Format::Csv,
    };
    let out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .map_err(|error| Failure::Refused(format!("output: cannot write {path}: {error}")))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let out = std::io::BufWriter::with_capacity(1 << 16, out);
    // On standard output the bar would share the terminal with the data.
    let bar = match args.output.is_some() {
        true => progress::bar(contacts::count(&cx.app, &cx.actor).await?.max(0) as u64, "contacts"),
        false => None,
    };
    let written = export::contacts(&cx.app, &cx.actor, format, out, |written| {
        if let Some(bar) = &bar {
            bar.set_position(written);
        }
    })
    .await?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if let Some(path) = &args.output {
        if cx.json {
            return crate::render::json(&serde_json::json!({ "output": path, "format": format, "contacts": written }));
        }
        say!("Exported {written} contacts to {path}");
    }
    Ok(())
}

//! `export contacts`: every contact as CSV (the importer's plain layout) or
//! vCard 4.0, to standard output or a file, read from the store in pages.

use std::io::Write;

use tickler_transfer::{CsvWriter, Format};

use crate::app::App;
use crate::args::ExportArgs;
use crate::commands::import::failure;
use crate::commands::progress;
use crate::failure::{Failure, Outcome};

/// Contacts read from the store at a time.
const PAGE: u32 = 2_000;

pub async fn run(app: &App, args: ExportArgs) -> Outcome {
    if args.what != "contacts" {
        return Err(Failure::Usage(format!(
            "export: unknown \"{}\"; export contacts (a full backup is: tickler backup FILE)",
            args.what
        )));
    }
    let format = match (args.format.as_deref(), args.output.as_deref()) {
        (Some("csv"), _) => Format::Csv,
        (Some("vcf" | "vcard"), _) => Format::Vcf,
        (Some(other), _) => return Err(Failure::Usage(format!("format: unknown format \"{other}\"; use csv or vcf"))),
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
    let total = app.store.count_contacts(app.account_id()).await?;
    // On standard output the bar would share the terminal with the data.
    let bar = if args.output.is_some() { progress::bar(total.max(0) as u64, "contacts") } else { None };
    let mut sink = match format {
        Format::Csv => Sink::Csv(Box::new(CsvWriter::new(out).map_err(failure)?)),
        Format::Vcf => Sink::Vcf(out),
    };
    let mut written = 0_u64;
    let mut after = 0;
    loop {
        let page = app.store.contacts_after(app.account_id(), after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for contact in &page {
            sink.write(&contact.details)?;
        }
        written += page.len() as u64;
        if let Some(bar) = &bar {
            bar.set_position(written);
        }
    }
    sink.finish()?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if let Some(path) = &args.output {
        if app.json {
            return crate::render::json(&serde_json::json!({ "output": path, "format": format, "contacts": written }));
        }
        say!("Exported {written} contacts to {path}");
    }
    Ok(())
}

/// Where the contacts go, in their format.
enum Sink<W: Write> {
    Csv(Box<CsvWriter<W>>),
    Vcf(W),
}

impl<W: Write> Sink<W> {
    fn write(&mut self, details: &tickler_core::contact::ContactDetails) -> Outcome {
        match self {
            Sink::Csv(csv) => csv.write(details).map_err(failure),
            Sink::Vcf(out) => Ok(out.write_all(tickler_transfer::vcard(details).as_bytes())?),
        }
    }

    fn finish(self) -> Outcome {
        match self {
            Sink::Csv(csv) => Ok(csv.finish().map_err(failure)?.flush()?),
            Sink::Vcf(mut out) => Ok(out.flush()?),
        }
    }
}

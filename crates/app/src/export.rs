//! Contacts out as a file (CSV in the importer's plain layout, or vCard 4.0),
//! and the whole account as a JSON backup and back.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use tickler_core::contact::ContactDetails;
use tickler_core::ids::ContactId;
use tickler_store::{Backup, RestoreSummary};
use tickler_transfer::{CsvWriter, Format};

use crate::error::{Error, Kind, Result};
use crate::{Actor, App};

/// Contacts read from the store at a time.
const PAGE: u32 = 2_000;

/// Write every contact of the account to `out` in `format`, calling `progress`
/// with the count written so far after each page; returns how many.
pub async fn contacts<W: Write>(
    app: &App,
    actor: &Actor,
    format: Format,
    out: W,
    mut progress: impl FnMut(u64),
) -> Result<u64> {
    let mut sink = match format {
        Format::Csv => Sink::Csv(Box::new(CsvWriter::new(out).map_err(write_error)?)),
        Format::Vcf => Sink::Vcf(out),
    };
    let mut written = 0_u64;
    let mut after = ContactId::new(0);
    loop {
        let page = app.store.contacts_after(actor.account_id(), after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for contact in &page {
            sink.write(&contact.details)?;
        }
        written += page.len() as u64;
        progress(written);
    }
    sink.finish()?;
    Ok(written)
}

fn write_error(error: impl std::fmt::Display) -> Error {
    Error::new(Kind::Unavailable, format!("output: cannot write: {error}"))
}

/// Where the contacts go, in their format.
enum Sink<W: Write> {
    Csv(Box<CsvWriter<W>>),
    Vcf(W),
}

impl<W: Write> Sink<W> {
    fn write(&mut self, details: &ContactDetails) -> Result<()> {
        match self {
            Sink::Csv(csv) => csv.write(details).map_err(write_error),
            Sink::Vcf(out) => out.write_all(tickler_transfer::vcard(details).as_bytes()).map_err(write_error),
        }
    }

    fn finish(self) -> Result<()> {
        match self {
            Sink::Csv(csv) => csv.finish().map_err(write_error)?.flush().map_err(write_error),
            Sink::Vcf(mut out) => out.flush().map_err(write_error),
        }
    }
}

/// Write every record of the account to `out` as one JSON document; the count per section.
pub async fn backup(app: &App, actor: &Actor, out: &mut impl Write) -> Result<BTreeMap<String, u64>> {
    Ok(app.store.write_backup(actor.account_id(), out, actor.now).await?)
}

/// Read a backup (every value checked) and restore it in one transaction: into an
/// account with no records, or beside them when `merge`.
pub async fn restore(app: &App, actor: &Actor, input: impl Read, merge: bool) -> Result<RestoreSummary> {
    let backup = Backup::from_reader(input)?;
    Ok(app.store.restore_backup(actor.account_id(), &backup, merge).await?)
}

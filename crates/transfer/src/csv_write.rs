//! Writing contacts as CSV in Tickler's plain layout, which the importer
//! reads back unchanged: one row per contact, several emails, phones or tags
//! in one cell separated by ` ::: ` (as Google Contacts does).

use std::io::Write;

use tickler_core::contact::{BIRTHDAY_UNKNOWN_YEAR, ContactDetails};

use crate::error::Result;
use crate::record::VALUE_SEPARATOR;

/// The header of an export, in the order of [`CsvWriter::write`]'s cells.
pub const HEADER: [&str; 10] =
    ["Name", "Organisation", "Email", "Phone", "Birthday", "Tags", "Stage", "Zone", "Source", "Notes"];

/// The columns of each postal address, after [`HEADER`]: Google's names, so
/// the importer (and Google Contacts) read them back.
const ADDRESS_PARTS: [&str; 6] = ["Type", "Street", "City", "Region", "Postal Code", "Country"];

/// How many addresses an export has columns for.
pub const ADDRESS_COLUMNS: usize = 3;

/// Writes a header, then one row per contact.
pub struct CsvWriter<W: Write> {
    writer: csv::Writer<W>,
}

impl<W: Write> CsvWriter<W> {
    /// Start a CSV on `out` with its header.
    pub fn new(out: W) -> Result<Self> {
        let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
        let addresses = (1..=ADDRESS_COLUMNS)
            .flat_map(|slot| ADDRESS_PARTS.iter().map(move |part| format!("Address {slot} - {part}")));
        writer.write_record(HEADER.iter().map(|name| name.to_string()).chain(addresses))?;
        Ok(CsvWriter { writer })
    }

    /// One contact's row.
    pub fn write(&mut self, details: &ContactDetails) -> Result<()> {
        let join = |values: Vec<&str>| values.join(VALUE_SEPARATOR);
        let birthday = details.birthday.map(|day| {
            if day.year() == BIRTHDAY_UNKNOWN_YEAR {
                format!("--{:02}-{:02}", day.month(), day.day())
            } else {
                day.to_string()
            }
        });
        let mut addresses: Vec<&str> = Vec::with_capacity(ADDRESS_COLUMNS * ADDRESS_PARTS.len());
        for slot in 0..ADDRESS_COLUMNS {
            match details.addresses.get(slot) {
                Some(address) => addresses.extend([
                    address.label.as_deref().unwrap_or(""),
                    address.street.as_str(),
                    address.locality.as_str(),
                    address.region.as_str(),
                    address.postcode.as_str(),
                    address.country.as_str(),
                ]),
                None => addresses.extend([""; ADDRESS_PARTS.len()]),
            }
        }
        let cells = [
            details.name.as_str(),
            details.organisation.as_deref().unwrap_or(""),
            &join(details.emails.iter().map(|e| e.as_str()).collect()),
            &join(details.phones.iter().map(|p| p.as_str()).collect()),
            birthday.as_deref().unwrap_or(""),
            &join(details.tags.iter().map(|t| t.as_str()).collect()),
            details.stage.map_or("", |s| s.as_str()),
            details.zone.as_ref().map_or("", |z| z.as_str()),
            details.source.as_deref().unwrap_or(""),
            &details.notes,
        ];
        self.writer.write_record(cells.iter().copied().chain(addresses))?;
        Ok(())
    }

    /// Flush and hand back the output.
    pub fn finish(self) -> Result<W> {
        self.writer.into_inner().map_err(|error| error.into_error().into())
    }
}

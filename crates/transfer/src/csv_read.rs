//! Reading contacts from a CSV stream, one row at a time: the separator is
//! sniffed from the header (comma, semicolon or tab), a byte-order mark is
//! skipped, quoted cells may hold newlines, and a file that is not UTF-8 is
//! read as Windows-1252 (as Outlook writes it).

use std::io::{BufRead, BufReader, Cursor, Read};

use tickler_core::import::{ImportRow, RowIssue};

use crate::csv_layout::{AddressSlot, ColumnMap, Field, Layout, columns, left_out, unmapped};
use crate::error::{Error, Result};
use crate::record::{RawAddress, RawBirthday, RawContact, Strictness};
use crate::text::decode;

/// A contact read from one row or card, or why the row was rejected.
pub type RowRead = std::result::Result<ImportRow, RowIssue>;

/// The contacts of a CSV file, read as they are needed (memory stays bounded whatever the file's size).
pub struct CsvContacts<R: Read> {
    reader: csv::Reader<std::io::Chain<Cursor<Vec<u8>>, BufReader<R>>>,
    fields: Vec<Field>,
    layout: Layout,
    record: csv::ByteRecord,
    /// The spreadsheet row of the next record (the header is row 1).
    row: u64,
    header: Vec<String>,
    /// The columns left out, each with how many rows had a value there.
    unmapped: Vec<(usize, u64)>,
}

impl<R: Read> CsvContacts<R> {
    /// Read the header of `input` and decide what each column holds.
    pub fn new(input: R, maps: &[ColumnMap]) -> Result<Self> {
        let mut input = BufReader::with_capacity(1 << 16, input);
        let mut first_line = Vec::new();
        input.read_until(b'\n', &mut first_line)?;
        if first_line.starts_with(&[0xFF, 0xFE]) || first_line.starts_with(&[0xFE, 0xFF]) {
            return Err(Error::Format(
                "the file is UTF-16 text; save it as UTF-8 CSV (or \"CSV (Comma delimited)\") and import that".into(),
            ));
        }
        if let Some(rest) = first_line.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
            first_line = rest.to_vec();
        }
        if first_line.iter().all(u8::is_ascii_whitespace) {
            return Err(Error::Format("the file is empty; a CSV import needs a header row naming its columns".into()));
        }
        let delimiter = sniff_delimiter(&first_line);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(true)
            .from_reader(Cursor::new(first_line).chain(input));
        let header: Vec<String> = reader.byte_headers()?.iter().map(decode).collect();
        let (layout, fields) = columns(&header, maps)?;
        if fields.iter().all(|field| *field == Field::Ignore) {
            return Err(Error::Format(format!(
                "no column of the header is one Tickler knows ({}); name them with --map \"Column=name\" (fields: name, email, phone, organisation, …)",
                header.join(", ")
            )));
        }
        let unmapped = unmapped(&header, &fields, maps).into_iter().map(|index| (index, 0)).collect();
        Ok(CsvContacts { reader, fields, layout, record: csv::ByteRecord::new(), row: 1, header, unmapped })
    }

    /// The columns left out so far (all of them once every row is read), with how to map each.
    pub fn left_out(&self) -> Vec<tickler_core::import::LeftOut> {
        self.unmapped.iter().map(|(index, values)| left_out(&self.header[*index], *values)).collect()
    }

    /// The file's columns as its header names them.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The layout the header was recognised as.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    fn raw_contact(&mut self) -> RawContact {
        for (index, values) in &mut self.unmapped {
            if self.record.get(*index).is_some_and(|cell| !cell.iter().all(u8::is_ascii_whitespace)) {
                *values += 1;
            }
        }
        let mut raw = RawContact::default();
        for (field, cell) in self.fields.iter().zip(self.record.iter()) {
            if cell.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let text = decode(cell);
            let set = |slot: &mut Option<String>, text: String| match slot {
                Some(existing) => {
                    existing.push(' ');
                    existing.push_str(&text);
                }
                None => *slot = Some(text),
            };
            match field {
                Field::Name => set(&mut raw.full_name, text),
                Field::GivenName => set(&mut raw.given_name, text),
                Field::MiddleName => set(&mut raw.middle_name, text),
                Field::FamilyName => set(&mut raw.family_name, text),
                Field::Organisation => set(&mut raw.organisation, text),
                Field::Email => raw.emails.push(text),
                Field::Phone => raw.phones.push(text),
                Field::Birthday => raw.birthday = Some(RawBirthday::Text(text)),
                Field::Notes => raw.notes.push(text),
                Field::Tags => raw.tags.push(text),
                Field::Stage => raw.stage = Some(text),
                Field::Zone => raw.zone = Some(text),
                Field::Source => set(&mut raw.source, text),
                Field::Lists => raw.lists.push(text),
                Field::Address(slot, part) => address(&mut raw.addresses, *slot).set(*part, text),
                Field::Ignore => {}
            }
        }
        raw
    }
}

impl<R: Read> Iterator for CsvContacts<R> {
    type Item = Result<RowRead>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.row += 1;
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {
                    let raw = self.raw_contact();
                    if raw.is_empty() {
                        continue;
                    }
                    return Some(Ok(raw.into_import_row(self.row, Strictness::Reject)));
                }
                Err(error) if error.is_io_error() => return Some(Err(error.into())),
                Err(error) => return Some(Ok(Err(RowIssue::new(self.row, "row", error.to_string())))),
            }
        }
    }
}

/// The address of `slot` in a row, made when its first column is read.
fn address(addresses: &mut Vec<(AddressSlot, RawAddress)>, slot: AddressSlot) -> &mut RawAddress {
    let index = match addresses.iter().position(|(s, _)| *s == slot) {
        Some(index) => index,
        None => {
            addresses.push((slot, RawAddress { label: slot.label().map(str::to_string), ..RawAddress::default() }));
            addresses.len() - 1
        }
    };
    &mut addresses[index].1
}

/// The separator the header uses most, outside quotes: comma, semicolon or tab.
fn sniff_delimiter(header: &[u8]) -> u8 {
    let mut counts = [(b',', 0), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for byte in header {
        if *byte == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(count) = counts.iter_mut().find(|(separator, _)| separator == byte) {
            count.1 += 1;
        }
    }
    counts
        .iter()
        .max_by_key(|(separator, count)| (*count, *separator == b','))
        .map_or(b',', |(separator, _)| *separator)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<RowRead> {
        CsvContacts::new(text.as_bytes(), &[]).unwrap().map(Result::unwrap).collect()
    }

    #[test]
    fn separators_are_sniffed() {
        assert_eq!(sniff_delimiter(b"Name;Email;\"a,b\"\n"), b';');
        assert_eq!(sniff_delimiter(b"Name\tEmail\n"), b'\t');
        assert_eq!(sniff_delimiter(b"Name\n"), b',');
    }

    #[test]
    fn a_bom_quoted_newlines_and_blank_rows() {
        let rows = read("\u{feff}Name,Email,Notes\r\nAnn Lee,ann@acme.com,\"line one\r\nline two\"\r\n,,\r\nBob,,\r\n");
        assert_eq!(rows.len(), 2);
        let ann = rows[0].as_ref().unwrap();
        assert_eq!(ann.details.notes, "line one\r\nline two");
        assert_eq!(rows[1].as_ref().unwrap().row, 4, "the blank row still counts as a row");
    }

    #[test]
    fn windows_1252_is_read() {
        let mut bytes = b"Name,Email\n".to_vec();
        bytes.extend_from_slice(b"Ren\xe9 M\xfcller \x96 CEO,rene@example.com\n");
        let rows: Vec<RowRead> = CsvContacts::new(&bytes[..], &[]).unwrap().map(Result::unwrap).collect();
        assert_eq!(rows[0].as_ref().unwrap().details.name.as_str(), "René Müller – CEO");
    }

    #[test]
    fn utf16_and_empty_files_are_refused_plainly() {
        let error = CsvContacts::new(&b"\xff\xfeN\x00"[..], &[]).err().unwrap().to_string();
        assert!(error.contains("UTF-16"), "{error}");
        assert!(CsvContacts::new(&b""[..], &[]).err().unwrap().to_string().contains("empty"));
    }
}

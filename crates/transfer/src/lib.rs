//! Tickler's contact file formats: CSV in the Google Contacts, Outlook and
//! plain layouts, and vCard 2.1/3.0/4.0, read into domain contacts and
//! written from them. Pure: readers take bytes or a `Read`, writers a
//! `Write`; the database is the store's business and the terminal the CLI's.

pub mod csv_layout;
pub mod csv_read;
pub mod csv_write;
mod error;
pub mod record;
mod text;
pub mod vcard_read;
pub mod vcard_write;

pub use csv_layout::{ColumnMap, Layout};
pub use csv_read::{CsvContacts, RowRead};
pub use csv_write::CsvWriter;
pub use error::{Error, Result};
pub use vcard_read::read_vcards;
pub use vcard_write::vcard;

/// The format of a contacts file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Vcf,
}

impl Format {
    /// The format a file's name says (`.vcf`/`.vcard` is vCard, anything else CSV), else its first bytes.
    pub fn detect(name: &str, head: &[u8]) -> Format {
        let lower = name.to_lowercase();
        let head = String::from_utf8_lossy(&head[..head.len().min(64)])
            .trim_start_matches('\u{feff}')
            .trim_start()
            .to_ascii_uppercase();
        if lower.ends_with(".vcf") || lower.ends_with(".vcard") || head.starts_with("BEGIN:VCARD") {
            Format::Vcf
        } else {
            Format::Csv
        }
    }
}

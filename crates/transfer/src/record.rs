//! A contact as a file spells it — loose text in named slots — and the one
//! mapping from it to domain details, deciding what is rejected and what is
//! dropped with a warning.

use jiff::civil::Date;
use tickler_core::contact::{
    BIRTHDAY_UNKNOWN_YEAR, ContactDetails, ContactName, EmailAddress, Phone, PostalAddress, Stage, Tag, ZoneName,
    optional_text, parse_birthday,
};

use crate::csv_layout::{AddressPart, AddressSlot};
use tickler_core::import::{ImportRow, RowIssue};

/// The fields of a contact as read from a CSV row or a vCard, not yet checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawContact {
    pub full_name: Option<String>,
    pub given_name: Option<String>,
    pub middle_name: Option<String>,
    pub family_name: Option<String>,
    pub organisation: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub birthday: Option<RawBirthday>,
    pub notes: Vec<String>,
    /// Labels, groups or categories as written; made into tags by [`tag_from_label`].
    pub tags: Vec<String>,
    pub stage: Option<String>,
    pub zone: Option<String>,
    pub source: Option<String>,
    /// The newsletter lists named in the row, as written.
    pub lists: Vec<String>,
    /// Postal addresses, each under the slot its columns share (CSV) or in card order (vCard).
    pub addresses: Vec<(AddressSlot, RawAddress)>,
}

/// A postal address as a file's columns or a vCard's ADR split it, not yet checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawAddress {
    pub label: Option<String>,
    /// The whole address in one text, used when the parts are not given.
    pub whole: Option<String>,
    pub po_box: Option<String>,
    pub extended: Option<String>,
    /// Street lines, in order.
    pub street: Vec<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postcode: Option<String>,
    pub country: Option<String>,
}

impl RawAddress {
    /// Put one column's text in its part.
    pub fn set(&mut self, part: AddressPart, text: String) {
        let slot = match part {
            AddressPart::Street => {
                self.street.push(text);
                return;
            }
            AddressPart::Whole => &mut self.whole,
            AddressPart::Label => &mut self.label,
            AddressPart::PoBox => &mut self.po_box,
            AddressPart::Extended => &mut self.extended,
            AddressPart::City => &mut self.city,
            AddressPart::Region => &mut self.region,
            AddressPart::Postcode => &mut self.postcode,
            AddressPart::Country => &mut self.country,
        };
        *slot = Some(text);
    }

    /// The checked address; `Ok(None)` when it holds nothing (blank columns of an unused slot).
    pub fn into_address(self) -> tickler_core::Result<Option<PostalAddress>> {
        let text = |value: &Option<String>| value.as_deref().map(str::trim).unwrap_or("").to_string();
        let mut street: Vec<String> = Vec::new();
        if let Some(po_box) = nonblank(&self.po_box) {
            let po_box = if po_box.chars().all(|c| c.is_ascii_digit()) {
                format!("PO Box {po_box}")
            } else {
                po_box.to_string()
            };
            street.push(po_box);
        }
        street.extend(self.street.iter().map(|line| line.trim().to_string()));
        street.extend(nonblank(&self.extended).map(str::to_string));
        let street = street.join("\n");
        let parts = [text(&self.city), text(&self.region), text(&self.postcode), text(&self.country)];
        // A whole address (Google's "Formatted") is used only when the file has no parts: it repeats them.
        let street =
            if street.trim().is_empty() && parts.iter().all(String::is_empty) { text(&self.whole) } else { street };
        if street.trim().is_empty() && parts.iter().all(String::is_empty) {
            return Ok(None);
        }
        let [city, region, postcode, country] = parts;
        PostalAddress::new(nonblank(&self.label), &street, &city, &region, &postcode, &country).map(Some)
    }
}

/// What a wrong email, phone or birthday does to its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// Reject the row, naming the field: for CSV, a cell the person can fix and import again.
    Reject,
    /// Drop the value with a warning and import the rest: for vCards, whose
    /// address books keep free text in EMAIL and TEL (Outlook writes
    /// placeholders such as "BusinessPhone").
    Drop,
}

/// A birthday as text (CSV) or as the parts a vCard parser found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawBirthday {
    Text(String),
    Parts { year: Option<u16>, month: Option<u8>, day: Option<u8> },
}

impl RawContact {
    /// True when the row holds nothing at all (a blank line in a spreadsheet).
    pub fn is_empty(&self) -> bool {
        *self == RawContact::default()
            || (blank(&self.full_name)
                && blank(&self.given_name)
                && blank(&self.middle_name)
                && blank(&self.family_name)
                && blank(&self.organisation)
                && self.emails.iter().all(|e| e.trim().is_empty())
                && self.phones.iter().all(|p| p.trim().is_empty())
                && self.notes.iter().all(|n| n.trim().is_empty())
                && self.addresses.iter().all(|(_, address)| address.clone().into_address().ok().flatten().is_none()))
    }

    /// Check every value. A row is rejected (never half-written) when it has
    /// no name to give the contact (nor organisation, email or phone to name
    /// it by), when a stage or zone is unknown or a text too long, and under
    /// [`Strictness::Reject`] when an email, phone or birthday is wrong.
    /// Under [`Strictness::Drop`] such a value is dropped with a warning.
    pub fn into_import_row(self, row: u64, strictness: Strictness) -> Result<ImportRow, RowIssue> {
        let reject = |error: tickler_core::Error| RowIssue::from_error(row, &error);
        let mut warnings = Vec::new();
        let mut bad_value = |field: &str, reason: String| match strictness {
            Strictness::Reject => Err(RowIssue::new(row, field, reason)),
            Strictness::Drop => {
                warnings.push(RowIssue::new(row, field, format!("dropped: {reason}")));
                Ok(())
            }
        };
        let mut emails = Vec::new();
        for raw in self.emails.iter().flat_map(|cell| split_list(cell)) {
            match EmailAddress::parse(raw) {
                Ok(email) => emails.push(email),
                Err(error) => bad_value("email", message(&error))?,
            }
        }
        let mut phones = Vec::new();
        for raw in self.phones.iter().flat_map(|cell| split_values(cell)) {
            match Phone::parse(raw) {
                Ok(phone) => phones.push(phone),
                Err(error) => bad_value("phone", message(&error))?,
            }
        }
        let birthday = match &self.birthday {
            None => None,
            Some(raw) => match birthday(raw) {
                Ok(day) => day,
                Err(reason) => {
                    bad_value("birthday", reason)?;
                    None
                }
            },
        };
        let organisation = optional_text("organisation", self.organisation.as_deref()).map_err(reject)?;
        let name = self.name(organisation.as_deref(), &emails, &phones).ok_or_else(|| {
            RowIssue::new(row, "name", "the row has no name, organisation, email or phone to name the contact by")
        })?;
        let mut details = ContactDetails::named(ContactName::parse(&name).map_err(reject)?);
        details.organisation = organisation;
        details.emails = emails;
        details.phones = phones;
        details.birthday = birthday;
        details.tags = self.tags.iter().flat_map(|cell| split_list(cell)).filter_map(tag_from_label).collect();
        details.stage = nonblank(&self.stage).map(Stage::parse).transpose().map_err(reject)?;
        details.zone = nonblank(&self.zone).map(ZoneName::parse).transpose().map_err(reject)?;
        details.source = optional_text("source", self.source.as_deref()).map_err(reject)?;
        details.notes = self.notes.iter().map(|n| n.trim()).filter(|n| !n.is_empty()).collect::<Vec<_>>().join("\n\n");
        let mut addresses = self.addresses;
        addresses.sort_by_key(|(slot, _)| *slot);
        for (_, raw) in addresses {
            match raw.into_address() {
                Ok(Some(address)) => details.addresses.push(address),
                Ok(None) => {}
                Err(error) => bad_value("address", message(&error))?,
            }
        }
        let lists = self.lists.iter().flat_map(|cell| split_list(cell)).map(str::to_string).collect();
        Ok(ImportRow { row, details: details.deduplicated(), warnings, lists })
    }

    /// The display name: as given, else composed from its parts, else the
    /// organisation, the first email or the first phone.
    fn name(&self, organisation: Option<&str>, emails: &[EmailAddress], phones: &[Phone]) -> Option<String> {
        if let Some(full) = nonblank(&self.full_name) {
            return Some(full.to_string());
        }
        let parts: Vec<&str> =
            [&self.given_name, &self.middle_name, &self.family_name].into_iter().filter_map(nonblank).collect();
        if !parts.is_empty() {
            return Some(parts.join(" "));
        }
        organisation
            .map(str::to_string)
            .or_else(|| emails.first().map(|e| e.as_str().to_string()))
            .or_else(|| phones.first().map(|p| p.as_str().to_string()))
    }
}

/// A tag from a label such as Google's "* myContacts ::: Friends & Family"
/// part: lower-cased, spaces to dashes, other punctuation dropped; Google's
/// system groups (starred, "* myContacts") give none.
pub fn tag_from_label(label: &str) -> Option<Tag> {
    let label = label.trim().trim_start_matches('*').trim();
    if label.eq_ignore_ascii_case("mycontacts") || label.eq_ignore_ascii_case("starred") {
        return None;
    }
    let mut tag = String::new();
    for c in label.chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            tag.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '/' || c == '.') && !tag.ends_with('-') && !tag.is_empty() {
            tag.push('-');
        }
    }
    let tag: String = tag.trim_end_matches('-').chars().take(50).collect();
    Tag::parse(&tag).ok()
}

/// The separator Google Contacts writes between values of one cell, which the CSV export writes too.
pub const VALUE_SEPARATOR: &str = " ::: ";

/// Split a cell holding several values (`a ::: b`), dropping blanks.
pub fn split_values(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(":::").map(str::trim).filter(|value| !value.is_empty())
}

/// Split a cell of emails or labels: `:::`, commas and semicolons all
/// separate (no address contains them; Outlook separates categories with `;`).
fn split_list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split([',', ';']).flat_map(split_values)
}

/// Read a birthday: ISO `1980-04-15`, `19800415`, no-year `--04-15` or
/// `--0415`, US `4/15/1980` (or `31/12/1990` when the first number cannot be a month), or vCard date parts. Outlook's empty `0/0/00` is none.
fn birthday(raw: &RawBirthday) -> Result<Option<Date>, String> {
    match raw {
        RawBirthday::Parts { year, month: Some(month), day: Some(day) } => {
            let year = year.map_or(BIRTHDAY_UNKNOWN_YEAR, |y| i16::try_from(y).unwrap_or(i16::MAX));
            Date::new(year, *month as i8, *day as i8)
                .map(Some)
                .map_err(|_| format!("{year:04}-{month:02}-{day:02} is not a date"))
        }
        RawBirthday::Parts { .. } => Err("it has no month and day".to_string()),
        RawBirthday::Text(text) => birthday_text(text),
    }
}

fn birthday_text(text: &str) -> Result<Option<Date>, String> {
    let text = text.trim();
    if text.is_empty() || text == "0/0/00" || text == "0/0/0000" {
        return Ok(None);
    }
    let bad = || format!("\"{text}\" is not a date; use YYYY-MM-DD or --MM-DD");
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    // The date part of an ISO date-time, e.g. Google's "1980-04-15T00:00:00".
    let text = text.split_once('T').map_or(text, |(date, _)| date);
    if let Some(rest) = text.strip_prefix("--")
        && rest.len() == 4
        && digits(rest)
    {
        return parse_birthday(&format!("--{}-{}", &rest[..2], &rest[2..])).map(Some).map_err(|_| bad());
    }
    if text.len() == 8 && digits(text) {
        let iso = format!("{}-{}-{}", &text[..4], &text[4..6], &text[6..]);
        return parse_birthday(&iso).map(Some).map_err(|_| bad());
    }
    let slashed: Vec<&str> = text.split('/').collect();
    if slashed.len() == 3 && slashed.iter().all(|part| digits(part)) {
        let number = |s: &str| s.parse::<i16>().map_err(|_| bad());
        let (year, month, day) = if slashed[0].len() == 4 {
            (number(slashed[0])?, number(slashed[1])?, number(slashed[2])?)
        } else {
            // Month first, as Outlook writes it in the US, unless the first number cannot be a month (31/12/1990).
            let (first, second) = (number(slashed[0])?, number(slashed[1])?);
            let (month, day) = if first > 12 && second <= 12 { (second, first) } else { (first, second) };
            (number(slashed[2])?, month, day)
        };
        let year = match year {
            0..=99 => return Err(format!("\"{text}\" has a two-digit year; use four digits")),
            y => y,
        };
        return Date::new(year, month as i8, day as i8).map(Some).map_err(|_| bad());
    }
    parse_birthday(text).map(Some).map_err(|_| bad())
}

fn message(error: &tickler_core::Error) -> String {
    match error {
        tickler_core::Error::Invalid { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

fn nonblank(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn blank(value: &Option<String>) -> bool {
    nonblank(value).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawContact {
        RawContact::default()
    }

    #[test]
    fn names_come_from_parts_then_organisation_then_email() {
        let row = RawContact { given_name: Some("Ann".into()), family_name: Some(" Lee".into()), ..raw() };
        assert_eq!(row.into_import_row(2, Strictness::Reject).unwrap().details.name.as_str(), "Ann Lee");
        let row = RawContact { emails: vec!["Ann@Acme.com".into()], ..raw() };
        assert_eq!(row.into_import_row(2, Strictness::Reject).unwrap().details.name.as_str(), "ann@acme.com");
        let issue =
            RawContact { notes: vec!["orphan".into()], ..raw() }.into_import_row(7, Strictness::Reject).unwrap_err();
        assert_eq!((issue.row, issue.field.as_str()), (7, "name"));
    }

    #[test]
    fn bad_values_reject_the_row_or_are_dropped_with_a_warning() {
        let row = RawContact { full_name: Some("Ann".into()), emails: vec!["ann at acme".into()], ..raw() };
        let issue = row.clone().into_import_row(3, Strictness::Reject).unwrap_err();
        assert_eq!(issue.field, "email");
        assert!(issue.reason.contains("ann at acme"), "{issue:?}");
        assert!(row.into_import_row(3, Strictness::Drop).unwrap().details.emails.is_empty());
        let row =
            RawContact { full_name: Some("Ann".into()), phones: vec!["BusinessPhone ::: 555 0100".into()], ..raw() };
        assert_eq!(row.clone().into_import_row(3, Strictness::Reject).unwrap_err().field, "phone");
        let read = row.into_import_row(3, Strictness::Drop).unwrap();
        assert_eq!(read.details.phones.len(), 1);
        assert_eq!(read.warnings[0].field, "phone");
    }

    #[test]
    fn birthdays_in_every_common_spelling() {
        let day = |text: &str| birthday_text(text).unwrap().map(|d| d.to_string());
        assert_eq!(day("1980-04-15").as_deref(), Some("1980-04-15"));
        assert_eq!(day("19800415").as_deref(), Some("1980-04-15"));
        assert_eq!(day("--0415").as_deref(), Some("1904-04-15"));
        assert_eq!(day("--04-15").as_deref(), Some("1904-04-15"));
        assert_eq!(day("4/15/1980").as_deref(), Some("1980-04-15"));
        assert_eq!(day("1980/04/15").as_deref(), Some("1980-04-15"));
        assert_eq!(day("31/12/1990").as_deref(), Some("1990-12-31"), "day first when it cannot be a month");
        assert_eq!(day("1980-04-15T00:00:00Z").as_deref(), Some("1980-04-15"));
        assert_eq!(day("0/0/00"), None);
        assert!(birthday_text("4/15/80").is_err());
        assert!(birthday_text("someday").is_err());
    }

    #[test]
    fn labels_become_tags() {
        assert_eq!(tag_from_label("Friends & Family").unwrap().as_str(), "friends-family");
        assert_eq!(tag_from_label("* myContacts"), None);
        assert_eq!(tag_from_label("VIP").unwrap().as_str(), "vip");
        assert_eq!(tag_from_label("&&"), None);
    }
}

//! Reading contacts from a vCard file (2.1, 3.0 or 4.0; many cards) with the
//! `calcard` parser, which unfolds lines and decodes quoted-printable and
//! charsets. Photos, logos, keys and unknown properties are skipped.

use calcard::vcard::{
    VCard, VCardEntry, VCardParameterName, VCardParameterValue, VCardProperty, VCardType, VCardValue,
};
use calcard::{Entry, Parser};
use tickler_core::contact::ZoneName;
use tickler_core::import::RowIssue;

use crate::csv_layout::AddressSlot;
use crate::csv_read::RowRead;
use crate::error::{Error, Result};
use crate::record::{RawAddress, RawBirthday, RawContact, Strictness};
use crate::text::decode;

/// Tickler's own properties, written by the exporter so a round trip keeps them.
pub(crate) const STAGE_PROPERTY: &str = "X-TICKLER-STAGE";
pub(crate) const SOURCE_PROPERTY: &str = "X-TICKLER-SOURCE";

/// The contacts of a vCard file, one per card, numbered from 1.
pub fn read_vcards(bytes: &[u8]) -> Result<Vec<RowRead>> {
    let text = decode(bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes));
    let starts_with_card = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .is_some_and(|line| line.to_ascii_uppercase().starts_with("BEGIN:VCARD"));
    if !starts_with_card {
        return Err(Error::Format("the file is not a vCard file: it does not begin with BEGIN:VCARD".into()));
    }
    let mut parser = Parser::new(&text);
    let mut rows = Vec::new();
    let mut card = 0;
    loop {
        match parser.entry() {
            Entry::VCard(vcard) => {
                card += 1;
                rows.push(raw_contact(&vcard).into_import_row(card, Strictness::Drop));
            }
            Entry::Eof => break,
            // Stray lines between cards carry nothing to import.
            Entry::InvalidLine(_) => {}
            Entry::ICalendar(_) => {
                card += 1;
                rows.push(Err(RowIssue::new(card, "card", "a calendar entry, not a contact card")));
            }
            Entry::UnexpectedComponentEnd { .. } | Entry::UnterminatedComponent(_) => {
                card += 1;
                rows.push(Err(RowIssue::new(card, "card", "the card is cut off: it has no END:VCARD")));
            }
            _ => {}
        }
    }
    Ok(rows)
}

fn raw_contact(card: &VCard) -> RawContact {
    let mut raw = RawContact::default();
    for entry in &card.entries {
        match &entry.name {
            VCardProperty::Fn if raw.full_name.is_none() => raw.full_name = text(entry),
            VCardProperty::N => {
                let part = |index: usize| entry.values.get(index).map(value_text).filter(|t| !t.trim().is_empty());
                raw.family_name = part(0);
                raw.given_name = part(1);
                raw.middle_name = part(2);
            }
            VCardProperty::Org if raw.organisation.is_none() => raw.organisation = text(entry),
            VCardProperty::Email => raw.emails.extend(text(entry)),
            VCardProperty::Tel => raw.phones.extend(text(entry).map(|t| phone_text(&t))),
            VCardProperty::Bday => raw.birthday = birthday(entry),
            VCardProperty::Note => raw.notes.extend(text(entry)),
            VCardProperty::Adr => {
                let slot = AddressSlot::Numbered(u8::try_from(raw.addresses.len() + 1).unwrap_or(u8::MAX));
                raw.addresses.push((slot, address(entry)));
            }
            VCardProperty::Categories => raw.tags.extend(entry.values.iter().map(value_text)),
            VCardProperty::Tz => {
                raw.zone = text(entry).filter(|zone| ZoneName::parse(zone).is_ok());
            }
            VCardProperty::Other(name) if name.eq_ignore_ascii_case(STAGE_PROPERTY) => raw.stage = text(entry),
            VCardProperty::Other(name) if name.eq_ignore_ascii_case(SOURCE_PROPERTY) => raw.source = text(entry),
            _ => {}
        }
    }
    raw
}

/// An ADR property: post office box; extended address; street; locality;
/// region; postal code; country (RFC 6350 §6.3.1, vCard 3.0 alike), its
/// label from TYPE (home, work) or a LABEL parameter's first line.
fn address(entry: &VCardEntry) -> RawAddress {
    let component = |index: usize, separator: &str| -> Option<String> {
        let text = match entry.values.get(index)? {
            VCardValue::Component(parts) => {
                parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(separator)
            }
            other => value_text(other),
        };
        Some(text.trim().to_string()).filter(|text| !text.is_empty())
    };
    let street = component(2, "\n").map(|text| text.lines().map(str::to_string).collect()).unwrap_or_default();
    let label = entry.params.iter().find_map(|param| match (&param.name, &param.value) {
        (VCardParameterName::Type, VCardParameterValue::Type(kind)) => match kind {
            VCardType::Home => Some("home".to_string()),
            VCardType::Work => Some("work".to_string()),
            VCardType::Billing => Some("billing".to_string()),
            VCardType::Delivery => Some("delivery".to_string()),
            _ => None,
        },
        (VCardParameterName::Type, VCardParameterValue::Text(text)) => {
            let text = text.trim().to_lowercase();
            (!["pref", "postal", "parcel", "dom", "intl", "internet"].contains(&text.as_str()) && !text.is_empty())
                .then_some(text)
        }
        _ => None,
    });
    RawAddress {
        label,
        whole: None,
        po_box: component(0, " "),
        extended: component(1, " "),
        street,
        city: component(3, " "),
        region: component(4, " "),
        postcode: component(5, " "),
        country: component(6, " "),
    }
}

/// The first value of an entry as text, `None` when blank.
fn text(entry: &VCardEntry) -> Option<String> {
    entry.values.first().map(value_text).filter(|t| !t.trim().is_empty())
}

fn value_text(value: &VCardValue) -> String {
    match value {
        VCardValue::Text(text) => text.clone(),
        VCardValue::Component(parts) => {
            parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
        }
        VCardValue::Integer(number) => number.to_string(),
        _ => String::new(),
    }
}

/// A `tel:` URI (vCard 4.0) as a plain number, its extension as ` x123`.
fn phone_text(value: &str) -> String {
    let number = value.trim().strip_prefix("tel:").unwrap_or(value.trim());
    match number.split_once(";ext=") {
        Some((number, extension)) => format!("{number} x{extension}"),
        None => number.split(';').next().unwrap_or(number).to_string(),
    }
}

fn birthday(entry: &VCardEntry) -> Option<RawBirthday> {
    match entry.values.first()? {
        VCardValue::PartialDateTime(date) => {
            // Apple writes a birthday without a year as year 1604 with X-APPLE-OMIT-YEAR=1604.
            let omitted = entry.params.iter().any(|param| {
                matches!(&param.name, VCardParameterName::Other(name) if name.eq_ignore_ascii_case("X-APPLE-OMIT-YEAR"))
            });
            let year = date.year.filter(|_| !omitted);
            Some(RawBirthday::Parts { year, month: date.month, day: date.day })
        }
        other => Some(RawBirthday::Text(value_text(other))).filter(|b| *b != RawBirthday::Text(String::new())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tel_uris_become_numbers() {
        assert_eq!(phone_text("tel:+1-555-555-5555;ext=5555"), "+1-555-555-5555 x5555");
        assert_eq!(phone_text("(905) 555-1234"), "(905) 555-1234");
    }

    #[test]
    fn addresses_of_vcard_3_and_4_keep_their_labels() {
        // vCard 3.0 as Apple and Google write it: TYPE params, a folded line, a PO box.
        let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nN:Lee;Ann;;;\r\n\
            item1.ADR;TYPE=HOME;TYPE=pref:;;1 Infinite Loop;Cupertino;CA;95014;United\r\n  States\r\n\
            ADR;TYPE=WORK:PO Box 12;Suite 5;100 Main St\\nFloor 2;Springfield;IL;62701;USA\r\nEND:VCARD\r\n";
        let rows = read_vcards(card.as_bytes()).unwrap();
        let ann = rows[0].as_ref().unwrap();
        assert_eq!(ann.details.addresses.len(), 2, "{:?}", ann.details.addresses);
        let home = &ann.details.addresses[0];
        assert_eq!(home.label.as_deref(), Some("home"));
        assert_eq!(home.one_line(), "1 Infinite Loop, Cupertino, CA 95014, United States");
        let work = &ann.details.addresses[1];
        assert_eq!(work.label.as_deref(), Some("work"));
        assert_eq!(work.street, "PO Box 12\n100 Main St\nFloor 2\nSuite 5");
        // vCard 4.0 with a lower-case TYPE and a LABEL parameter.
        let card = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bo Chen\r\n\
            ADR;TYPE=work;LABEL=\"42 Rue X\\n75001 Paris\":;;42 Rue X;Paris;;75001;France\r\nEND:VCARD\r\n";
        let rows = read_vcards(card.as_bytes()).unwrap();
        let bo = rows[0].as_ref().unwrap();
        assert_eq!(bo.details.addresses[0].one_line(), "42 Rue X, Paris, 75001, France");
        assert_eq!(bo.details.addresses[0].label.as_deref(), Some("work"));
    }

    #[test]
    fn other_files_are_refused_plainly() {
        let error = read_vcards(b"Name,Email\nAnn,ann@acme.com\n").unwrap_err().to_string();
        assert!(error.contains("not a vCard"), "{error}");
    }
}

//! Writing contacts as vCard 4.0 with `calcard`, keeping what the importer
//! reads back: name, organisation, emails, phones, birthday (yearless as
//! `--MMDD`), postal addresses (ADR with TYPE), notes, tags as categories, zone, and stage and source as
//! Tickler's own `X-TICKLER-*` properties.

use calcard::common::PartialDateTime;
use calcard::vcard::{
    VCard, VCardEntry, VCardParameter, VCardParameterName, VCardParameterValue, VCardProperty, VCardType, VCardValue,
    VCardVersion,
};
use tickler_core::contact::{BIRTHDAY_UNKNOWN_YEAR, ContactDetails};

use crate::vcard_read::{SOURCE_PROPERTY, STAGE_PROPERTY};

/// One contact as a vCard 4.0 card, lines ending in CRLF and folded at 75 octets.
pub fn vcard(details: &ContactDetails) -> String {
    let text = |value: &str| VCardValue::Text(value.to_string());
    let mut entries = vec![VCardEntry::new(VCardProperty::Fn).with_value(details.name.as_str().to_string())];
    let name = details.name.as_str();
    let (given, family) = name.rsplit_once(' ').unwrap_or(("", name));
    entries.push(VCardEntry::new(VCardProperty::N).with_values(vec![
        text(family),
        text(given),
        text(""),
        text(""),
        text(""),
    ]));
    if let Some(organisation) = &details.organisation {
        entries.push(VCardEntry::new(VCardProperty::Org).with_value(organisation.clone()));
    }
    for email in &details.emails {
        entries.push(VCardEntry::new(VCardProperty::Email).with_value(email.as_str().to_string()));
    }
    for phone in &details.phones {
        entries.push(VCardEntry::new(VCardProperty::Tel).with_value(phone.as_str().to_string()));
    }
    for address in &details.addresses {
        let mut entry = VCardEntry::new(VCardProperty::Adr).with_values(vec![
            text(""),
            text(""),
            text(&address.street),
            text(&address.locality),
            text(&address.region),
            text(&address.postcode),
            text(&address.country),
        ]);
        if let Some(label) = &address.label {
            let kind = match label.as_str() {
                "home" => VCardParameterValue::Type(VCardType::Home),
                "work" => VCardParameterValue::Type(VCardType::Work),
                other => VCardParameterValue::Text(other.to_string()),
            };
            entry = entry.with_param(VCardParameter::new(VCardParameterName::Type, kind));
        }
        entries.push(entry);
    }
    if let Some(day) = details.birthday {
        let year = (day.year() != BIRTHDAY_UNKNOWN_YEAR).then(|| u16::try_from(day.year()).unwrap_or(0));
        let date = PartialDateTime {
            year,
            month: Some(day.month() as u8),
            day: Some(day.day() as u8),
            ..PartialDateTime::default()
        };
        entries.push(VCardEntry::new(VCardProperty::Bday).with_value(VCardValue::PartialDateTime(date)));
    }
    if !details.tags.is_empty() {
        let tags = details.tags.iter().map(|tag| text(tag.as_str())).collect();
        entries.push(VCardEntry::new(VCardProperty::Categories).with_values(tags));
    }
    if let Some(zone) = &details.zone {
        entries.push(VCardEntry::new(VCardProperty::Tz).with_value(zone.as_str().to_string()));
    }
    if let Some(stage) = details.stage {
        entries
            .push(VCardEntry::new(VCardProperty::Other(STAGE_PROPERTY.into())).with_value(stage.as_str().to_string()));
    }
    if let Some(source) = &details.source {
        entries.push(VCardEntry::new(VCardProperty::Other(SOURCE_PROPERTY.into())).with_value(source.clone()));
    }
    if !details.notes.is_empty() {
        entries.push(VCardEntry::new(VCardProperty::Note).with_value(details.notes.clone()));
    }
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = VCard { entries }.write_to(&mut out, VCardVersion::V4_0);
    out
}

//! Properties of the file formats: no input makes a reader panic, and what
//! the exporters write, the importers read back unchanged.

use proptest::prelude::*;
use tickler_core::contact::{
    BIRTHDAY_UNKNOWN_YEAR, ContactDetails, ContactName, EmailAddress, Phone, Stage, Tag, ZoneName,
};
use tickler_transfer::{CsvContacts, CsvWriter, read_vcards, vcard};

fn words(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec("[A-Za-zÀ-ÿ0-9'&.,;\"-]{1,8}", 1..=max).prop_map(|words| words.join(" "))
}

fn details() -> impl Strategy<Value = ContactDetails> {
    let zones = prop::sample::select(vec!["Europe/Paris", "America/New_York", "Asia/Tokyo", "UTC"]);
    (
        words(4),
        prop::option::of(words(3)),
        prop::collection::vec("[a-z0-9._]{1,10}@[a-z]{1,8}\\.(com|org|example)", 0..3),
        prop::collection::vec("\\+?[0-9]{3,4}( [0-9]{2,4}){0,3}", 0..3),
        prop::collection::vec("[a-z0-9][a-z0-9_-]{0,8}[a-z0-9]", 0..3),
        prop::option::of((prop::option::of(1900i16..2020), 1i8..=12, 1i8..=28)),
        (
            prop::option::of(zones),
            prop::option::of(prop::sample::select(Stage::ALL.to_vec())),
            prop::option::of(words(2)),
        ),
        prop::option::of(prop::collection::vec(words(6), 1..3)),
    )
        .prop_map(|(name, organisation, emails, phones, tags, birthday, (zone, stage, source), notes)| {
            let mut details = ContactDetails::named(ContactName::parse(&name).unwrap());
            details.organisation = organisation;
            details.emails = emails.iter().map(|e| EmailAddress::parse(e).unwrap()).collect();
            details.phones = phones.iter().map(|p| Phone::parse(p).unwrap()).collect();
            details.tags = tags
                .iter()
                .filter(|t| !matches!(t.as_str(), "starred" | "mycontacts"))
                .map(|t| Tag::parse(t).unwrap())
                .collect();
            details.birthday =
                birthday.map(|(year, month, day)| jiff::civil::date(year.unwrap_or(BIRTHDAY_UNKNOWN_YEAR), month, day));
            details.zone = zone.map(|z| ZoneName::parse(z).unwrap());
            details.stage = stage;
            details.source = source;
            details.notes = notes.map(|lines| lines.join("\n")).unwrap_or_default();
            details.deduplicated()
        })
}

fn csv_round_trip(contacts: &[ContactDetails]) -> Vec<ContactDetails> {
    let mut writer = CsvWriter::new(Vec::new()).unwrap();
    for details in contacts {
        writer.write(details).unwrap();
    }
    let bytes = writer.finish().unwrap();
    CsvContacts::new(&bytes[..], &[]).unwrap().map(|row| row.unwrap().unwrap().details).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn exported_csv_reads_back_the_same_contacts(contacts in prop::collection::vec(details(), 1..6)) {
        prop_assert_eq!(csv_round_trip(&contacts), contacts);
    }

    #[test]
    fn exported_vcards_read_back_the_same_contacts(contacts in prop::collection::vec(details(), 1..6)) {
        let text: String = contacts.iter().map(vcard).collect();
        let read: Vec<ContactDetails> =
            read_vcards(text.as_bytes()).unwrap().into_iter().map(|row| row.unwrap().details).collect();
        prop_assert_eq!(read, contacts);
    }

    #[test]
    fn no_csv_makes_the_reader_panic(header in "[A-Za-z ,;\t\"-]{0,40}", body in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut bytes = header.into_bytes();
        bytes.push(b'\n');
        bytes.extend(body);
        if let Ok(rows) = CsvContacts::new(&bytes[..], &[]) {
            for row in rows.take(1000) {
                let _ = row;
            }
        }
    }

    #[test]
    fn no_vcard_makes_the_reader_panic(body in "(BEGIN:VCARD\r\n|END:VCARD\r\n|[A-Z;=:,.@ \\\\-]{0,30}\r\n| [a-z=0-9]{0,10}\r\n){0,30}") {
        let _ = read_vcards(format!("BEGIN:VCARD\r\n{body}").as_bytes());
    }

    #[test]
    fn no_bytes_make_the_vcard_reader_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut file = b"BEGIN:VCARD\r\nVERSION:3.0\r\n".to_vec();
        file.extend(bytes);
        let _ = read_vcards(&file);
    }
}

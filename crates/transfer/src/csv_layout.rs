//! Which column of a CSV holds what: the Google Contacts and Outlook layouts
//! are recognised from their header, any other header by common column
//! names, and `--map "Column=field"` says what an unusual column holds.

use serde::Serialize;
use tickler_core::import::LeftOut;

use crate::error::{Error, Result};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    GivenName,
    MiddleName,
    FamilyName,
    Organisation,
    Email,
    Phone,
    Birthday,
    Notes,
    Tags,
    Stage,
    Zone,
    Source,
    /// The newsletter lists the contact joins (names, separated by commas or semicolons).
    Lists,
    /// A part of the postal address in `slot` (several columns make one address).
    Address(AddressSlot, AddressPart),
    Ignore,
}

/// Which address of a row a column belongs to: Google's "Address 2 - …" is
/// slot 2; Outlook's Business, Home and Other addresses have their own; a
/// plain file's "Address" or "City" columns share slot 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AddressSlot {
    Plain,
    Numbered(u8),
    Business,
    Home,
    Other,
}

impl AddressSlot {
    /// The label an address in this slot has when the file gives none.
    pub fn label(self) -> Option<&'static str> {
        match self {
            AddressSlot::Business => Some("work"),
            AddressSlot::Home => Some("home"),
            AddressSlot::Other => Some("other"),
            AddressSlot::Plain | AddressSlot::Numbered(_) => None,
        }
    }
}

/// A part of a postal address, as the columns of a file split it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressPart {
    /// The whole address in one cell (Google's "Formatted", a plain "Address").
    Whole,
    /// The label ("Home", "Work"): Google's "Address 1 - Type".
    Label,
    Street,
    PoBox,
    Extended,
    City,
    Region,
    Postcode,
    Country,
}

impl Field {
    const NAMED: [(&'static str, Field); 21] = [
        ("name", Field::Name),
        ("first-name", Field::GivenName),
        ("middle-name", Field::MiddleName),
        ("last-name", Field::FamilyName),
        ("organisation", Field::Organisation),
        ("email", Field::Email),
        ("phone", Field::Phone),
        ("birthday", Field::Birthday),
        ("notes", Field::Notes),
        ("tags", Field::Tags),
        ("stage", Field::Stage),
        ("zone", Field::Zone),
        ("source", Field::Source),
        ("lists", Field::Lists),
        ("address", Field::Address(AddressSlot::Plain, AddressPart::Whole)),
        ("street", Field::Address(AddressSlot::Plain, AddressPart::Street)),
        ("city", Field::Address(AddressSlot::Plain, AddressPart::City)),
        ("region", Field::Address(AddressSlot::Plain, AddressPart::Region)),
        ("postcode", Field::Address(AddressSlot::Plain, AddressPart::Postcode)),
        ("country", Field::Address(AddressSlot::Plain, AddressPart::Country)),
        ("ignore", Field::Ignore),
    ];

    /// Every field name `--map` takes, for messages.
    pub fn names() -> Vec<&'static str> {
        Field::NAMED.iter().map(|(name, _)| *name).collect()
    }

    /// The field a column of an unknown name probably holds, from its name in
    /// a few languages ("Firma" → organisation), for the suggestion beside it.
    pub fn guess(column: &str) -> Option<&'static str> {
        let key = key(column);
        let has = |words: &[&str]| words.iter().any(|word| key.split([' ', '-', '_', '.']).any(|part| part == *word));
        let guesses: [(&[&str], &str); 13] = [
            (
                &[
                    "firma",
                    "company",
                    "empresa",
                    "société",
                    "societe",
                    "entreprise",
                    "unternehmen",
                    "employer",
                    "organisation",
                    "organization",
                    "business",
                    "azienda",
                    "bedrijf",
                ],
                "organisation",
            ),
            (&["vorname", "prénom", "prenom", "nombre", "forename", "given"], "first-name"),
            (&["nachname", "familienname", "apellido", "apellidos", "surname", "cognome", "achternaam"], "last-name"),
            (
                &[
                    "telefon",
                    "telefono",
                    "teléfono",
                    "téléphone",
                    "telephone",
                    "handy",
                    "mobil",
                    "mobile",
                    "cell",
                    "tel",
                    "phone",
                    "fax",
                ],
                "phone",
            ),
            (&["mail", "email", "e-mail", "courriel", "correo"], "email"),
            (&["geburtstag", "anniversaire", "cumpleaños", "birthday", "born"], "birthday"),
            (
                &[
                    "notiz",
                    "notizen",
                    "bemerkung",
                    "bemerkungen",
                    "kommentar",
                    "remarque",
                    "notas",
                    "nota",
                    "comment",
                    "comments",
                    "memo",
                    "description",
                ],
                "notes",
            ),
            (
                &[
                    "gruppe",
                    "gruppen",
                    "kategorie",
                    "etiquette",
                    "etiqueta",
                    "group",
                    "groups",
                    "label",
                    "labels",
                    "category",
                ],
                "tags",
            ),
            (&["adresse", "anschrift", "dirección", "direccion", "indirizzo", "address"], "address"),
            (&["strasse", "straße", "rue", "calle", "via", "street"], "street"),
            (&["ort", "stadt", "ville", "ciudad", "città", "town", "city", "locality"], "city"),
            (&["plz", "postleitzahl", "zip", "postcode", "cp", "cap"], "postcode"),
            (&["land", "pays", "país", "pais", "paese", "country"], "country"),
        ];
        guesses.iter().find(|(words, _)| has(words)).map(|(_, field)| *field)
    }

    /// Read a field name as `--map` takes it (`organization`, `first_name` and such also do).
    pub fn parse(raw: &str) -> Result<Field> {
        let wanted = raw.trim().to_lowercase().replace(['_', ' '], "-");
        let wanted = match wanted.as_str() {
            "organization" | "company" => "organisation",
            "given-name" | "first" => "first-name",
            "family-name" | "surname" | "last" => "last-name",
            "note" => "notes",
            "tag" | "labels" | "categories" => "tags",
            "e-mail" => "email",
            "tz" | "time-zone" | "timezone" => "zone",
            other => other,
        };
        let wanted = match wanted {
            "postal-code" | "zip" | "zip-code" | "postal" => "postcode",
            "town" | "locality" => "city",
            "state" | "province" => "region",
            other => other,
        };
        Field::NAMED.iter().find(|(name, _)| *name == wanted).map(|(_, field)| *field).ok_or_else(|| {
            Error::Map(format!("unknown field \"{}\"; use one of: {}", raw.trim(), Field::names().join(", ")))
        })
    }
}

/// The layout a header was recognised as, reported to the person importing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    Google,
    Outlook,
    Plain,
}

impl Layout {
    /// The name shown in the summary.
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Google => "Google Contacts",
            Layout::Outlook => "Outlook",
            Layout::Plain => "plain CSV",
        }
    }
}

/// A `--map "Column=field"` option, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    pub column: String,
    pub field: Field,
}

impl ColumnMap {
    /// Read `Column=field`; the column is matched ignoring case.
    pub fn parse(raw: &str) -> Result<ColumnMap> {
        let (column, field) = raw
            .rsplit_once('=')
            .ok_or_else(|| Error::Map(format!("\"{raw}\" is not COLUMN=FIELD, e.g. --map \"E-mail Address=email\"")))?;
        if column.trim().is_empty() {
            return Err(Error::Map(format!("\"{raw}\" names no column")));
        }
        Ok(ColumnMap { column: column.trim().to_string(), field: Field::parse(field)? })
    }
}

/// A column the import leaves out, with the `--map` that would import it.
pub fn left_out(column: &str, values: u64) -> LeftOut {
    let suggested_field = Field::guess(column).map(str::to_string);
    let map = format!("--map \"{column}={}\"", suggested_field.as_deref().unwrap_or("FIELD"));
    LeftOut { column: column.to_string(), values, suggested_field, map }
}

/// Whether a column left out is one of a known layout's own that hold
/// nothing to import (Google's "E-mail 1 - Label", Outlook's "E-mail Type"):
/// their values describe another column, already read.
fn describes_another_column(key: &str) -> bool {
    key.ends_with(" - label") || key.ends_with(" - type") || key.ends_with(" type") || key.ends_with("display name")
}

/// Each column's field, and the layout the header was recognised as.
pub fn columns(header: &[String], maps: &[ColumnMap]) -> Result<(Layout, Vec<Field>)> {
    let keys: Vec<String> = header.iter().map(|name| key(name)).collect();
    for map in maps {
        if !keys.contains(&key(&map.column)) {
            return Err(Error::Map(format!(
                "the file has no column \"{}\"; its columns are: {}",
                map.column,
                header.join(", ")
            )));
        }
    }
    let layout = if keys.iter().any(|k| k.ends_with(" - value")) || keys.iter().any(|k| k == "group membership") {
        Layout::Google
    } else if keys.iter().any(|k| k == "e-mail address" || k == "business phone" || k == "e-mail display name") {
        Layout::Outlook
    } else {
        Layout::Plain
    };
    let fields = keys
        .iter()
        .map(|k| maps.iter().find(|map| key(&map.column) == *k).map_or_else(|| field_of(k), |map| map.field))
        .collect();
    Ok((layout, fields))
}

/// The columns of `header` left out without being asked to (`--map "X=ignore"`
/// leaves a column out on purpose), those that only describe another column excepted.
pub fn unmapped(header: &[String], fields: &[Field], maps: &[ColumnMap]) -> Vec<usize> {
    header
        .iter()
        .zip(fields)
        .enumerate()
        .filter(|(_, (name, field))| {
            let k = key(name);
            **field == Field::Ignore
                && !k.is_empty()
                && !describes_another_column(&k)
                && !maps.iter().any(|map| key(&map.column) == k)
        })
        .map(|(index, _)| index)
        .collect()
}

/// A Google ("Address 1 - Street") or Outlook ("Business Street 2", "Home
/// Country/Region") address column.
fn address_field(key: &str) -> Option<Field> {
    let part = |name: &str| {
        Some(match name {
            "formatted" => AddressPart::Whole,
            "type" | "label" => AddressPart::Label,
            "street" | "street 2" | "street 3" => AddressPart::Street,
            "po box" | "p.o. box" | "address po box" | "address p.o. box" => AddressPart::PoBox,
            "extended address" => AddressPart::Extended,
            "city" => AddressPart::City,
            "region" | "state" => AddressPart::Region,
            "postal code" => AddressPart::Postcode,
            "country" | "country/region" => AddressPart::Country,
            _ => return None,
        })
    };
    if let Some(rest) = key.strip_prefix("address ")
        && let Some((number, name)) = rest.split_once(" - ")
        && let Ok(number) = number.parse::<u8>()
    {
        return part(name)
            .filter(|part| *part != AddressPart::Label || name == "type" || name == "label")
            .map(|part| Field::Address(AddressSlot::Numbered(number), part));
    }
    for (prefix, slot) in
        [("business ", AddressSlot::Business), ("home ", AddressSlot::Home), ("other ", AddressSlot::Other)]
    {
        if let Some(name) = key.strip_prefix(prefix)
            && let Some(part) = part(name).filter(|part| *part != AddressPart::Label && *part != AddressPart::Whole)
        {
            return Some(Field::Address(slot, part));
        }
    }
    None
}

/// A header name lower-cased with its spaces collapsed (Outlook pads some).
fn key(name: &str) -> String {
    name.trim().trim_matches('"').split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The field of a column name in any of the three layouts.
fn field_of(key: &str) -> Field {
    let exact = match key {
        "name" | "full name" | "display name" | "contact" | "contact name" => Some(Field::Name),
        "first name" | "given name" | "first" | "firstname" => Some(Field::GivenName),
        "middle name" | "additional name" => Some(Field::MiddleName),
        "last name" | "family name" | "surname" | "last" | "lastname" => Some(Field::FamilyName),
        "organisation" | "organization" | "organization name" | "company" | "org" => Some(Field::Organisation),
        "email" | "e-mail" | "emails" | "email address" | "e-mail address" | "mail" => Some(Field::Email),
        "phone" | "phones" | "telephone" | "tel" | "mobile" | "cell" | "phone number" => Some(Field::Phone),
        "birthday" | "birth date" | "date of birth" | "dob" | "bday" => Some(Field::Birthday),
        "notes" | "note" | "comments" => Some(Field::Notes),
        "tags" | "tag" | "labels" | "categories" | "groups" | "group membership" => Some(Field::Tags),
        "stage" => Some(Field::Stage),
        "zone" | "time zone" | "timezone" | "tz" => Some(Field::Zone),
        "source" => Some(Field::Source),
        "lists" | "list" | "newsletters" | "mailing lists" | "mailing list" => Some(Field::Lists),
        "address" | "postal address" | "mailing address" | "full address" => {
            Some(Field::Address(AddressSlot::Plain, AddressPart::Whole))
        }
        "street" | "street address" | "address line 1" | "address 1" => {
            Some(Field::Address(AddressSlot::Plain, AddressPart::Street))
        }
        "address line 2" | "address 2" => Some(Field::Address(AddressSlot::Plain, AddressPart::Extended)),
        "city" | "town" | "locality" => Some(Field::Address(AddressSlot::Plain, AddressPart::City)),
        "state" | "region" | "province" | "county" => Some(Field::Address(AddressSlot::Plain, AddressPart::Region)),
        "zip" | "zip code" | "postcode" | "postal code" | "post code" => {
            Some(Field::Address(AddressSlot::Plain, AddressPart::Postcode))
        }
        "country" | "country/region" => Some(Field::Address(AddressSlot::Plain, AddressPart::Country)),
        _ => None,
    };
    if let Some(field) = exact {
        return field;
    }
    if let Some(field) = address_field(key) {
        return field;
    }
    let numbered = |prefix: &str, suffix: &str| {
        key.strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(suffix))
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    };
    if numbered("e-mail ", " - value") || numbered("email ", " - value") || numbered("e-mail ", " address") {
        Field::Email
    } else if numbered("phone ", " - value") {
        Field::Phone
    } else if numbered("organization ", " - name") {
        Field::Organisation
    } else if key.ends_with(" phone") || key.ends_with(" phone 2") || key.ends_with(" fax") || key == "callback" {
        Field::Phone
    } else {
        Field::Ignore
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn google_and_outlook_headers_are_recognised() {
        let google =
            header(&["First Name", "Last Name", "Labels", "E-mail 1 - Label", "E-mail 1 - Value", "Phone 2 - Value"]);
        let (layout, fields) = columns(&google, &[]).unwrap();
        assert_eq!(layout, Layout::Google);
        assert_eq!(
            fields,
            [Field::GivenName, Field::FamilyName, Field::Tags, Field::Ignore, Field::Email, Field::Phone]
        );
        let outlook = header(&[
            "First Name",
            "Company",
            "Business Phone",
            "Mobile Phone",
            "E-mail Address",
            "E-mail 2 Address",
            "E-mail Type",
        ]);
        let (layout, fields) = columns(&outlook, &[]).unwrap();
        assert_eq!(layout, Layout::Outlook);
        assert_eq!(fields[1..6], [Field::Organisation, Field::Phone, Field::Phone, Field::Email, Field::Email]);
        assert_eq!(fields[6], Field::Ignore);
    }

    #[test]
    fn address_columns_of_google_outlook_and_plain_files() {
        let google = header(&[
            "Name",
            "Address 1 - Type",
            "Address 1 - Formatted",
            "Address 1 - Street",
            "Address 2 - Postal Code",
        ]);
        let (_, fields) = columns(&google, &[]).unwrap();
        assert_eq!(fields[1], Field::Address(AddressSlot::Numbered(1), AddressPart::Label));
        assert_eq!(fields[2], Field::Address(AddressSlot::Numbered(1), AddressPart::Whole));
        assert_eq!(fields[4], Field::Address(AddressSlot::Numbered(2), AddressPart::Postcode));
        let outlook = header(&[
            "First Name",
            "Business Street",
            "Business Street 2",
            "Home Country/Region",
            "Other Address PO Box",
        ]);
        let (_, fields) = columns(&outlook, &[]).unwrap();
        assert_eq!(
            fields[1..],
            [
                Field::Address(AddressSlot::Business, AddressPart::Street),
                Field::Address(AddressSlot::Business, AddressPart::Street),
                Field::Address(AddressSlot::Home, AddressPart::Country),
                Field::Address(AddressSlot::Other, AddressPart::PoBox),
            ]
        );
        let plain = header(&["Name", "Address", "ZIP", "City"]);
        let (_, fields) = columns(&plain, &[]).unwrap();
        assert_eq!(fields[1], Field::Address(AddressSlot::Plain, AddressPart::Whole));
        assert_eq!(fields[2], Field::Address(AddressSlot::Plain, AddressPart::Postcode));
    }

    #[test]
    fn unknown_columns_are_named_with_the_map_that_imports_them() {
        let head = header(&["Name", "Firma", "Lieblingsfarbe", "E-mail 1 - Label", "Skip me"]);
        let maps = [ColumnMap::parse("Skip me=ignore").unwrap()];
        let (_, fields) = columns(&head, &maps).unwrap();
        assert_eq!(unmapped(&head, &fields, &maps), [1, 2], "a label column and an ignored one are not unknown");
        let firma = left_out("Firma", 3);
        assert_eq!(
            (firma.map.as_str(), firma.suggested_field.as_deref()),
            ("--map \"Firma=organisation\"", Some("organisation"))
        );
        assert_eq!(left_out("Lieblingsfarbe", 1).map, "--map \"Lieblingsfarbe=FIELD\"");
        assert_eq!(Field::guess("Telefon (mobil)"), Some("phone"));
        assert_eq!(Field::guess("PLZ"), Some("postcode"));
    }

    #[test]
    fn maps_override_and_are_checked() {
        let plain = header(&["Who", "Mail"]);
        let maps = [ColumnMap::parse("who=name").unwrap()];
        let (layout, fields) = columns(&plain, &maps).unwrap();
        assert_eq!((layout, fields), (Layout::Plain, vec![Field::Name, Field::Email]));
        let error = columns(&plain, &[ColumnMap::parse("Nope=email").unwrap()]).unwrap_err().to_string();
        assert!(error.contains("no column \"Nope\"") && error.contains("Who, Mail"), "{error}");
        assert!(ColumnMap::parse("Who=boss").unwrap_err().to_string().contains("first-name"));
        assert!(ColumnMap::parse("just a column").is_err());
    }
}

//! Which column of a CSV holds what: the Google Contacts and Outlook layouts
//! are recognised from their header, any other header by common column
//! names, and `--map "Column=field"` says what an unusual column holds.

use serde::Serialize;

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
    Ignore,
}

impl Field {
    const NAMED: [(&'static str, Field); 14] = [
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
        ("ignore", Field::Ignore),
    ];

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
        Field::NAMED.iter().find(|(name, _)| *name == wanted).map(|(_, field)| *field).ok_or_else(|| {
            let names: Vec<&str> = Field::NAMED.iter().map(|(name, _)| *name).collect();
            Error::Map(format!("unknown field \"{}\"; use one of: {}", raw.trim(), names.join(", ")))
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
        _ => None,
    };
    if let Some(field) = exact {
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

//! Contacts and the small value types they are made of. Each `parse` is the
//! one place where raw input becomes a valid value.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::consent::Consent;
use crate::error::{Error, Result};
use crate::ids::ContactId;
use crate::names::parse_named;
use crate::touch::Channel;

/// Longest accepted name, organisation or tag, in characters.
const MAX_SHORT_TEXT: usize = 200;

/// A contact's display name: trimmed, never empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct ContactName(String);

impl ContactName {
    /// Trim and check a name.
    pub fn parse(raw: &str) -> Result<Self> {
        let name = collapse_spaces(raw);
        if name.is_empty() {
            return Err(Error::invalid("name", "must not be empty; give the contact's name, e.g. \"Ann Lee\""));
        }
        check_length("name", &name)?;
        Ok(ContactName(name))
    }

    /// The first word of the name, for greetings.
    pub fn first_name(&self) -> &str {
        self.0.split(' ').next().unwrap_or(&self.0)
    }

    /// The whole name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address, lower-cased so that lookups and uniqueness ignore case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Check the shape `local@domain.tld` (no spaces, one `@`, a dotted domain).
    pub fn parse(raw: &str) -> Result<Self> {
        let email = raw.trim().to_lowercase();
        let problem = |why: &str| Error::invalid("email", format!("\"{}\" is not an email address: {why}", raw.trim()));
        let Some((local, domain)) = email.split_once('@') else {
            return Err(problem("it has no @"));
        };
        if local.is_empty() {
            return Err(problem("nothing before the @"));
        }
        if domain.contains('@') {
            return Err(problem("it has more than one @"));
        }
        if email.chars().any(|c| c.is_whitespace() || c.is_control() || c == ',' || c == '<' || c == '>') {
            return Err(problem("it contains spaces or characters not allowed in an address"));
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2
            || labels.iter().any(|label| label.is_empty() || label.starts_with('-') || label.ends_with('-'))
        {
            return Err(problem("the part after @ must be a domain such as acme.com"));
        }
        if email.len() > 254 {
            return Err(problem("it is longer than 254 characters"));
        }
        Ok(EmailAddress(email))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number as the user wrote it, checked to hold digits and only phone punctuation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    /// Accept digits with `+ - . ( ) space` and an optional `x` extension.
    pub fn parse(raw: &str) -> Result<Self> {
        let phone = collapse_spaces(raw);
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        let allowed = |c: char| c.is_ascii_digit() || " +-.()/xX".contains(c);
        if !(3..=20).contains(&digits) || !phone.chars().all(allowed) {
            return Err(Error::invalid(
                "phone",
                format!(
                    "\"{phone}\" is not a phone number; use digits with optional + - ( ) spaces, e.g. +1 212 555 0100"
                ),
            ));
        }
        Ok(Phone(phone))
    }

    /// The number as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A tag: lower-case letters, digits, `-` and `_`, used to group contacts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Tag(String);

impl Tag {
    /// Lower-case a tag and check its characters.
    pub fn parse(raw: &str) -> Result<Self> {
        let tag = raw.trim().to_lowercase();
        if tag.is_empty()
            || tag.chars().count() > 50
            || !tag.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        {
            return Err(Error::invalid(
                "tag",
                format!("\"{}\" is not a tag; use letters, digits, - or _ (at most 50), e.g. prospect", raw.trim()),
            ));
        }
        Ok(Tag(tag))
    }

    /// The tag.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A postal address with an optional label ("home", "work"), as an address book
/// splits it. Every part is optional, but an address has at least one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostalAddress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Street lines (PO box and extended address included), one per line.
    #[serde(default)]
    pub street: String,
    /// City or town.
    #[serde(default)]
    pub locality: String,
    /// State, province or region.
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub country: String,
}

/// Longest accepted street text (several lines).
const MAX_STREET: usize = 500;

impl PostalAddress {
    /// Trim and check the parts: at least one is given, none too long; the label is lower-cased.
    pub fn new(
        label: Option<&str>,
        street: &str,
        locality: &str,
        region: &str,
        postcode: &str,
        country: &str,
    ) -> Result<Self> {
        let street = street.lines().map(collapse_spaces).filter(|line| !line.is_empty()).collect::<Vec<_>>().join("\n");
        if street.chars().count() > MAX_STREET {
            return Err(Error::invalid("address", format!("the street is longer than {MAX_STREET} characters")));
        }
        let [locality, region, postcode, country] = [locality, region, postcode, country].map(collapse_spaces);
        for part in [&locality, &region, &postcode, &country] {
            check_length("address", part)?;
        }
        if [&street, &locality, &region, &postcode, &country].iter().all(|part| part.is_empty()) {
            return Err(Error::invalid("address", "is empty; give at least a street, city, postcode or country"));
        }
        let label = label.map(|label| collapse_spaces(label).to_lowercase()).filter(|label| !label.is_empty());
        if let Some(label) = &label {
            check_length("address", label)?;
        }
        Ok(PostalAddress { label, street, locality, region, postcode, country })
    }

    /// The address on one line: "1 Main St, Springfield, IL 62701, USA".
    pub fn one_line(&self) -> String {
        let region_postcode = [self.region.as_str(), self.postcode.as_str()]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        self.street
            .lines()
            .chain([self.locality.as_str(), region_postcode.as_str(), self.country.as_str()])
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Where a contact stands in the user's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    Lead,
    Prospect,
    Client,
    Candidate,
    Employer,
    Partner,
    Network,
    Other,
}

impl Stage {
    /// Every stage, in the order they are listed to users.
    pub const ALL: [Stage; 8] = [
        Stage::Lead,
        Stage::Prospect,
        Stage::Client,
        Stage::Candidate,
        Stage::Employer,
        Stage::Partner,
        Stage::Network,
        Stage::Other,
    ];

    /// The stored and displayed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Lead => "lead",
            Stage::Prospect => "prospect",
            Stage::Client => "client",
            Stage::Candidate => "candidate",
            Stage::Employer => "employer",
            Stage::Partner => "partner",
            Stage::Network => "network",
            Stage::Other => "other",
        }
    }

    /// Read a stage name.
    pub fn parse(raw: &str) -> Result<Self> {
        parse_named("stage", raw, &Self::ALL, |s| s.as_str())
    }
}

/// An IANA time zone name that the bundled database knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct ZoneName(String);

impl ZoneName {
    /// Check the name against the time zone database.
    pub fn parse(raw: &str) -> Result<Self> {
        let name = raw.trim();
        match jiff::tz::db().get(name) {
            Ok(zone) => Ok(ZoneName(zone.iana_name().unwrap_or(name).to_string())),
            Err(_) => Err(Error::invalid(
                "tz",
                format!("unknown time zone \"{name}\"; use an IANA name such as America/New_York or Europe/Paris"),
            )),
        }
    }

    /// Coordinated Universal Time.
    pub fn utc() -> Self {
        ZoneName("UTC".to_string())
    }

    /// The zone itself.
    pub fn time_zone(&self) -> TimeZone {
        jiff::tz::db().get(&self.0).unwrap_or(TimeZone::UTC)
    }

    /// The IANA name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A stored contact: its details as entered, its consent (changed only
/// through consent changes), and when it was made and last changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub id: ContactId,
    #[serde(flatten)]
    pub details: ContactDetails,
    pub consent: Consent,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// The fields of a contact a person enters and edits; every value already parsed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactDetails {
    pub name: ContactName,
    pub organisation: Option<String>,
    pub emails: Vec<EmailAddress>,
    pub phones: Vec<Phone>,
    pub tags: Vec<Tag>,
    pub zone: Option<ZoneName>,
    pub birthday: Option<Date>,
    pub stage: Option<Stage>,
    pub source: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub referred_by: Option<ContactId>,
    pub preferred_channel: Option<Channel>,
    /// Minimum days between touches; `None` uses the account default.
    pub pacing_gap_days: Option<u32>,
    pub notes: String,
    /// Postal addresses, each with an optional label.
    #[serde(default)]
    pub addresses: Vec<PostalAddress>,
    /// How often to be in touch; `None`: the shortest cadence of their tags, if any.
    #[serde(default)]
    pub cadence: Option<crate::cadence::Cadence>,
}

impl ContactDetails {
    /// Details with only a name.
    pub fn named(name: ContactName) -> Self {
        ContactDetails {
            name,
            organisation: None,
            emails: Vec::new(),
            phones: Vec::new(),
            tags: Vec::new(),
            zone: None,
            birthday: None,
            stage: None,
            source: None,
            referred_by: None,
            preferred_channel: None,
            pacing_gap_days: None,
            notes: String::new(),
            addresses: Vec::new(),
            cadence: None,
        }
    }

    /// Drop repeated emails and phones (keeping the first of each, the first
    /// being the primary); tags are a set, kept sorted.
    pub fn deduplicated(mut self) -> Self {
        dedup_keep_order(&mut self.emails);
        dedup_keep_order(&mut self.phones);
        dedup_keep_order(&mut self.addresses);
        self.tags.sort();
        self.tags.dedup();
        self
    }
}

impl Contact {
    /// The contact's name.
    pub fn name(&self) -> &str {
        self.details.name.as_str()
    }

    /// The contact's zone, else `fallback` (the user's).
    pub fn zone_or(&self, fallback: &TimeZone) -> TimeZone {
        self.details.zone.as_ref().map_or_else(|| fallback.clone(), ZoneName::time_zone)
    }
}

/// Optional free text: trimmed, `None` when blank, bounded in length.
pub fn optional_text(field: &'static str, raw: Option<&str>) -> Result<Option<String>> {
    match raw.map(collapse_spaces) {
        Some(text) if !text.is_empty() => {
            check_length(field, &text)?;
            Ok(Some(text))
        }
        _ => Ok(None),
    }
}

/// Read a birthday as an ISO date (`1980-04-12`) or month and day (`04-12`, year unknown, stored as year 1904).
pub fn parse_birthday(raw: &str) -> Result<Date> {
    let text = raw.trim();
    let bad =
        || Error::invalid("birthday", format!("\"{text}\" is not a date; use YYYY-MM-DD, e.g. 1980-04-12, or --MM-DD"));
    if let Some(month_day) = text.strip_prefix("--") {
        return format!("{BIRTHDAY_UNKNOWN_YEAR}-{month_day}").parse::<Date>().map_err(|_| bad());
    }
    text.parse::<Date>().map_err(|_| bad())
}

/// The year stored for a birthday whose year is not known (a leap year, so 29 February fits).
pub const BIRTHDAY_UNKNOWN_YEAR: i16 = 1904;

/// A birthday for reading: "April 12" when the year is unknown, else `1980-04-12`.
pub fn birthday_display(day: Date) -> String {
    if day.year() == BIRTHDAY_UNKNOWN_YEAR { day.strftime("%B %-d").to_string() } else { day.to_string() }
}

/// A birthday as [`parse_birthday`] reads it back: `--04-12` when the year is unknown.
pub fn birthday_input(day: Date) -> String {
    if day.year() == BIRTHDAY_UNKNOWN_YEAR { day.strftime("--%m-%d").to_string() } else { day.to_string() }
}

fn collapse_spaces(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn check_length(field: &'static str, text: &str) -> Result<()> {
    if text.chars().count() > MAX_SHORT_TEXT {
        return Err(Error::invalid(field, format!("is longer than {MAX_SHORT_TEXT} characters")));
    }
    Ok(())
}

fn dedup_keep_order<T: PartialEq + Clone>(items: &mut Vec<T>) {
    let mut seen: Vec<T> = Vec::with_capacity(items.len());
    items.retain(|item| {
        if seen.contains(item) {
            false
        } else {
            seen.push(item.clone());
            true
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_never_empty() {
        assert_eq!(ContactName::parse("  Ann   Lee ").unwrap().as_str(), "Ann Lee");
        assert_eq!(ContactName::parse("Ann Lee").unwrap().first_name(), "Ann");
        let error = ContactName::parse("   ").unwrap_err();
        assert!(error.to_string().starts_with("name:"), "{error}");
    }

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(EmailAddress::parse(" Ann@Acme.COM ").unwrap().as_str(), "ann@acme.com");
        for bad in ["ann", "@acme.com", "ann@acme", "ann@@acme.com", "ann lee@acme.com", "ann@.com", "ann@acme..com"] {
            let error = EmailAddress::parse(bad).unwrap_err();
            assert!(error.to_string().starts_with("email:"), "{bad}: {error}");
        }
    }

    #[test]
    fn phones_need_digits() {
        assert!(Phone::parse("+1 (212) 555-0100").is_ok());
        assert!(Phone::parse("call me").is_err());
        assert!(Phone::parse("12").is_err());
    }

    #[test]
    fn zones_must_exist() {
        assert_eq!(ZoneName::parse("Europe/Paris").unwrap().as_str(), "Europe/Paris");
        assert!(ZoneName::parse("Mars/Olympus").unwrap_err().to_string().contains("unknown time zone"));
    }

    #[test]
    fn stages_list_choices_when_unknown() {
        assert_eq!(Stage::parse("Client").unwrap(), Stage::Client);
        let error = Stage::parse("boss").unwrap_err().to_string();
        assert!(error.contains("prospect") && error.starts_with("stage:"), "{error}");
    }

    #[test]
    fn birthdays_accept_unknown_years() {
        assert_eq!(parse_birthday("1980-04-12").unwrap(), jiff::civil::date(1980, 4, 12));
        assert_eq!(parse_birthday("--02-29").unwrap(), jiff::civil::date(1904, 2, 29));
        assert!(parse_birthday("12/04").is_err());
    }

    #[test]
    fn addresses_need_a_part_and_read_on_one_line() {
        let home =
            PostalAddress::new(Some(" Home "), "1 Main St\n  Apt 2 ", "Springfield", "IL", "62701", "USA").unwrap();
        assert_eq!(home.label.as_deref(), Some("home"));
        assert_eq!(home.street, "1 Main St\nApt 2");
        assert_eq!(home.one_line(), "1 Main St, Apt 2, Springfield, IL 62701, USA");
        let error = PostalAddress::new(None, " ", "", "", "", "").unwrap_err().to_string();
        assert!(error.starts_with("address:"), "{error}");
    }

    #[test]
    fn drafts_drop_repeats() {
        let mut draft = ContactDetails::named(ContactName::parse("Ann").unwrap());
        draft.tags = vec![Tag::parse("a").unwrap(), Tag::parse("A").unwrap(), Tag::parse("b").unwrap()];
        assert_eq!(draft.deduplicated().tags.len(), 2);
    }
}

//! Importing contacts from files: what to do with a duplicate, how an update
//! merges into the existing contact, and the summary a person reads after
//! an import. The file formats live in `tickler-transfer`, the writing in
//! the store; the rules they share live here.

use serde::{Deserialize, Serialize};

use crate::contact::ContactDetails;
use crate::error::Result;
use crate::names::parse_named;

/// What an import does with a row whose email (else phone) already belongs to a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum OnDuplicate {
    /// Leave the existing contact as it is and count the row as skipped.
    #[default]
    Skip,
    /// Fill the existing contact with the row's values (see [`merge_into`]).
    Update,
    /// Create a second contact; emails the first one holds stay with it.
    KeepBoth,
}

impl OnDuplicate {
    /// Every choice, as listed to users.
    pub const ALL: [OnDuplicate; 3] = [OnDuplicate::Skip, OnDuplicate::Update, OnDuplicate::KeepBoth];

    /// The name on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            OnDuplicate::Skip => "skip",
            OnDuplicate::Update => "update",
            OnDuplicate::KeepBoth => "keep-both",
        }
    }

    /// Read a choice.
    pub fn parse(raw: &str) -> Result<Self> {
        parse_named("on-duplicate", raw, &Self::ALL, Self::as_str)
    }
}

/// One contact read from a file, ready to write, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    /// The row (CSV, counting the header as row 1) or card (vCard, from 1) it was read from.
    pub row: u64,
    pub details: ContactDetails,
    /// Values of the row that were dropped (e.g. a phone that is not a number); the rest is imported.
    pub warnings: Vec<RowIssue>,
    /// The newsletter lists the row names, as written (joined after the contacts are written).
    pub lists: Vec<String>,
}

/// A problem with one row of an import file, named so the person can find and fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowIssue {
    pub row: u64,
    pub field: String,
    pub reason: String,
}

impl RowIssue {
    /// An issue with `field` of `row`.
    pub fn new(row: u64, field: impl Into<String>, reason: impl Into<String>) -> Self {
        RowIssue { row, field: field.into(), reason: reason.into() }
    }

    /// An issue from a domain error, which already names its field.
    pub fn from_error(row: u64, error: &crate::Error) -> Self {
        match error {
            crate::Error::Invalid { field, message } => RowIssue::new(row, *field, message.clone()),
            crate::Error::Refused(message) => RowIssue::new(row, "row", message.clone()),
        }
    }
}

/// A column of a file the import left out, with how to map it to a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeftOut {
    /// The column's name, as the header spells it.
    pub column: String,
    /// How many rows had a value in it: values that were not imported.
    pub values: u64,
    /// The field it probably holds ("organisation"), when its name says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggested_field: Option<String>,
    /// The option that imports it, e.g. `--map "Firma=organisation"`.
    pub map: String,
}

/// At most this many rejected rows and warnings are listed; the counts go on.
pub const LISTED_ISSUES: usize = 1_000;

/// What an import did, or would do on a dry run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportSummary {
    /// True when nothing was written.
    pub dry_run: bool,
    pub created: u64,
    pub updated: u64,
    pub skipped: u64,
    /// How many rows were rejected; the first [`LISTED_ISSUES`] are listed in `rejected`.
    pub rejected_count: u64,
    pub rejected: Vec<RowIssue>,
    /// How many values were dropped from rows that were otherwise imported.
    pub warning_count: u64,
    pub warnings: Vec<RowIssue>,
    /// Columns of a CSV file that were not imported (none is named by `--map`
    /// or known), each with how many rows had a value there and how to map it.
    #[serde(default)]
    pub left_out: Vec<LeftOut>,
}

impl ImportSummary {
    /// Count a rejected row, listing it while the list is short.
    pub fn reject(&mut self, issue: RowIssue) {
        self.rejected_count += 1;
        if self.rejected.len() < LISTED_ISSUES {
            self.rejected.push(issue);
        }
    }

    /// Count a dropped value, listing it while the list is short.
    pub fn warn(&mut self, issue: RowIssue) {
        self.warning_count += 1;
        if self.warnings.len() < LISTED_ISSUES {
            self.warnings.push(issue);
        }
    }

    /// Rows read: written, skipped or rejected.
    pub fn rows(&self) -> u64 {
        self.created + self.updated + self.skipped + self.rejected_count
    }
}

/// The contact an update leaves: the imported values replace the existing
/// ones where the file has them, the existing ones stay where it has none;
/// emails, phones and tags are the union, the existing ones first (so the
/// primary email does not change). Consent and history are not touched.
pub fn merge_into(existing: &ContactDetails, imported: &ContactDetails) -> ContactDetails {
    let mut merged = existing.clone();
    merged.name = imported.name.clone();
    let or = |new: &Option<String>, old: &Option<String>| new.clone().or_else(|| old.clone());
    merged.organisation = or(&imported.organisation, &existing.organisation);
    merged.source = or(&imported.source, &existing.source);
    merged.emails.extend(imported.emails.iter().cloned());
    merged.phones.extend(imported.phones.iter().cloned());
    merged.addresses.extend(imported.addresses.iter().cloned());
    merged.tags.extend(imported.tags.iter().cloned());
    merged.zone = imported.zone.clone().or_else(|| existing.zone.clone());
    merged.birthday = imported.birthday.or(existing.birthday);
    merged.stage = imported.stage.or(existing.stage);
    merged.preferred_channel = imported.preferred_channel.or(existing.preferred_channel);
    merged.pacing_gap_days = imported.pacing_gap_days.or(existing.pacing_gap_days);
    merged.cadence = imported.cadence.or(existing.cadence);
    if !imported.notes.trim().is_empty() && !existing.notes.contains(imported.notes.trim()) {
        merged.notes = if existing.notes.trim().is_empty() {
            imported.notes.clone()
        } else {
            format!("{}\n\n{}", existing.notes.trim_end(), imported.notes)
        };
    }
    merged.deduplicated()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::{ContactName, EmailAddress, Phone, Tag};

    fn named(name: &str) -> ContactDetails {
        ContactDetails::named(ContactName::parse(name).unwrap())
    }

    #[test]
    fn choices_read_and_list() {
        assert_eq!(OnDuplicate::parse("Keep-Both").unwrap(), OnDuplicate::KeepBoth);
        let error = OnDuplicate::parse("merge").unwrap_err().to_string();
        assert!(error.starts_with("on-duplicate:") && error.contains("keep-both"), "{error}");
    }

    #[test]
    fn an_update_keeps_what_the_file_lacks_and_unions_lists() {
        let mut existing = named("Ann Lee");
        existing.emails = vec![EmailAddress::parse("ann@acme.com").unwrap()];
        existing.organisation = Some("Acme".into());
        existing.notes = "met at the fair".into();
        existing.tags = vec![Tag::parse("client").unwrap()];
        let mut imported = named("Ann B. Lee");
        imported.emails = vec![EmailAddress::parse("ann@home.example").unwrap(), existing.emails[0].clone()];
        imported.phones = vec![Phone::parse("+1 212 555 0100").unwrap()];
        imported.tags = vec![Tag::parse("friends").unwrap()];
        imported.notes = "likes tea".into();
        let merged = merge_into(&existing, &imported);
        assert_eq!(merged.name.as_str(), "Ann B. Lee");
        assert_eq!(merged.organisation.as_deref(), Some("Acme"));
        assert_eq!(merged.emails.len(), 2);
        assert_eq!(merged.emails[0].as_str(), "ann@acme.com");
        assert_eq!(merged.tags.len(), 2);
        assert_eq!(merged.notes, "met at the fair\n\nlikes tea");
        assert_eq!(merge_into(&merged, &imported).notes, merged.notes, "re-importing does not repeat the note");
    }

    #[test]
    fn summaries_cap_their_lists_but_not_their_counts() {
        let mut summary = ImportSummary::default();
        for row in 0..(LISTED_ISSUES as u64 + 5) {
            summary.reject(RowIssue::new(row, "email", "bad"));
        }
        assert_eq!(summary.rejected.len(), LISTED_ISSUES);
        assert_eq!(summary.rejected_count, LISTED_ISSUES as u64 + 5);
    }
}

//! Contacts: add, change, remove, find, list, and what one contact's page shows.

use serde::{Deserialize, Serialize};
use tickler_core::cadence::Cadence;
use tickler_core::consent::ConsentState;
use tickler_core::contact::{
    Contact, ContactDetails, ContactName, EmailAddress, Phone, PostalAddress, Stage, Tag, ZoneName, optional_text,
    parse_birthday,
};
use tickler_core::follow_up::{FollowUp, FollowUpState};
use tickler_core::ids::ContactId;
use tickler_core::intake::non_blank;
use tickler_core::timeline::Entry;
use tickler_core::touch::{Channel, Touch};
use tickler_store::ContactFilter;

use crate::error::{Error, Result};
use crate::{Actor, App};

/// The longest notes a contact keeps.
pub const MAX_NOTES_CHARS: usize = 20_000;
/// The most contacts one page of a list holds.
pub const MAX_PAGE: u32 = 500;
/// A page's size when none is asked for.
pub const DEFAULT_PAGE: u32 = 50;

/// A contact's fields as typed. Emails, phones and tags are lists that replace
/// the stored ones; empty text clears a field; a field left out keeps its value.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    pub name: Option<String>,
    pub organisation: Option<String>,
    pub emails: Option<Vec<String>>,
    pub phones: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
    /// IANA zone, e.g. Europe/Paris.
    pub zone: Option<String>,
    /// YYYY-MM-DD, or --MM-DD when the year is unknown.
    pub birthday: Option<String>,
    pub stage: Option<String>,
    pub source: Option<String>,
    pub preferred_channel: Option<String>,
    /// Days to leave between touches; empty for the account's default.
    pub pacing_gap_days: Option<u32>,
    pub notes: Option<String>,
    /// How often to be in touch ("every 30 days", "every quarter"); empty: from their tags.
    pub cadence: Option<String>,
    /// Postal addresses, replacing the stored ones.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<tickler_core::contact::PostalAddress>>))]
    pub addresses: Option<Vec<AddressInput>>,
}

/// A postal address as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddressInput {
    pub label: Option<String>,
    #[serde(default)]
    pub street: String,
    #[serde(default)]
    pub locality: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub country: String,
}

/// A change to a contact: the fields to set, and what the command line also
/// says (add to or remove from a list, empty a field, add a line to the notes,
/// name the referrer). Applied in that order: clear, remove, set, add, note.
#[derive(Debug, Clone, Default)]
pub struct ContactChanges {
    pub set: ContactInput,
    pub clear: Vec<String>,
    pub remove_emails: Vec<String>,
    pub remove_tags: Vec<String>,
    pub add_emails: Vec<String>,
    pub add_phones: Vec<String>,
    pub add_tags: Vec<String>,
    /// Who referred them: an id, email or part of a name.
    pub referred_by: Option<String>,
    /// A line added below the notes.
    pub add_note: Option<String>,
}

impl From<ContactInput> for ContactChanges {
    fn from(set: ContactInput) -> Self {
        ContactChanges { set, ..Default::default() }
    }
}

/// The fields `clear` empties, as the command line names them.
pub const CLEARABLE: [&str; 14] = [
    "org",
    "tz",
    "birthday",
    "stage",
    "source",
    "referred-by",
    "channel",
    "pacing",
    "cadence",
    "address",
    "note",
    "email",
    "phone",
    "tag",
];

impl ContactInput {
    /// Apply the given fields onto `draft` (a new contact's, or the stored one for an edit).
    fn apply(&self, mut draft: ContactDetails) -> Result<ContactDetails> {
        if let Some(name) = &self.name {
            draft.name = ContactName::parse(name)?;
        }
        if self.organisation.is_some() {
            draft.organisation = optional_text("organisation", non_blank(self.organisation.as_deref()))?;
        }
        if let Some(emails) = &self.emails {
            draft.emails = each(emails, "emails", EmailAddress::parse)?;
        }
        if let Some(phones) = &self.phones {
            draft.phones = each(phones, "phones", Phone::parse)?;
        }
        if let Some(tags) = &self.tags {
            draft.tags = each(tags, "tags", Tag::parse)?;
        }
        if self.zone.is_some() {
            draft.zone = non_blank(self.zone.as_deref())
                .map(ZoneName::parse)
                .transpose()
                .map_err(|e| Error::from(e).renamed("tz", "zone"))?;
        }
        if self.birthday.is_some() {
            draft.birthday = non_blank(self.birthday.as_deref()).map(parse_birthday).transpose()?;
        }
        if self.stage.is_some() {
            draft.stage = non_blank(self.stage.as_deref()).map(Stage::parse).transpose()?;
        }
        if self.source.is_some() {
            draft.source = optional_text("source", non_blank(self.source.as_deref()))?;
        }
        if self.preferred_channel.is_some() {
            draft.preferred_channel = non_blank(self.preferred_channel.as_deref())
                .map(Channel::parse)
                .transpose()
                .map_err(|e| Error::from(e).renamed("channel", "preferred_channel"))?;
        }
        if self.pacing_gap_days.is_some() {
            draft.pacing_gap_days = self.pacing_gap_days;
        }
        if let Some(notes) = &self.notes {
            draft.notes = notes.trim().to_string();
        }
        if self.cadence.is_some() {
            draft.cadence = non_blank(self.cadence.as_deref()).map(Cadence::parse).transpose()?;
        }
        if let Some(addresses) = &self.addresses {
            draft.addresses = addresses
                .iter()
                .map(|a| {
                    PostalAddress::new(a.label.as_deref(), &a.street, &a.locality, &a.region, &a.postcode, &a.country)
                        .map_err(|error| Error::from(error).renamed("address", "addresses"))
                })
                .collect::<Result<_>>()?;
        }
        Ok(draft)
    }
}

impl ContactChanges {
    /// The contact after the changes; `find` reads a referrer.
    async fn apply(&self, app: &App, actor: &Actor, mut draft: ContactDetails) -> Result<ContactDetails> {
        for field in &self.clear {
            clear(&mut draft, field)?;
        }
        for email in &self.remove_emails {
            let email = EmailAddress::parse(email).map_err(|e| Error::from(e).renamed("email", "remove_emails"))?;
            draft.emails.retain(|e| *e != email);
        }
        for tag in &self.remove_tags {
            let tag = Tag::parse(tag).map_err(|e| Error::from(e).renamed("tag", "remove_tags"))?;
            draft.tags.retain(|t| *t != tag);
        }
        let mut draft = self.set.apply(draft)?;
        for email in &self.add_emails {
            draft.emails.push(EmailAddress::parse(email).map_err(|e| Error::from(e).renamed("email", "emails"))?);
        }
        for phone in &self.add_phones {
            draft.phones.push(Phone::parse(phone).map_err(|e| Error::from(e).renamed("phone", "phones"))?);
        }
        for tag in &self.add_tags {
            draft.tags.push(Tag::parse(tag).map_err(|e| Error::from(e).renamed("tag", "tags"))?);
        }
        if let Some(referrer) = non_blank(self.referred_by.as_deref()) {
            draft.referred_by = Some(find(app, actor, referrer).await?.id);
        }
        if let Some(note) = non_blank(self.add_note.as_deref()) {
            draft.notes = if draft.notes.is_empty() {
                note.trim().to_string()
            } else {
                format!("{}\n{}", draft.notes, note.trim())
            };
        }
        if draft.notes.chars().count() > MAX_NOTES_CHARS {
            return Err(Error::invalid("notes", format!("is longer than {MAX_NOTES_CHARS} characters")));
        }
        Ok(draft.deduplicated())
    }
}

/// Empty one field of a draft (`clear birthday`); emails, phones and tags are cleared whole.
fn clear(draft: &mut ContactDetails, field: &str) -> Result<()> {
    match field.trim().to_lowercase().trim_start_matches("--") {
        "org" | "organisation" => draft.organisation = None,
        "tz" | "zone" => draft.zone = None,
        "birthday" => draft.birthday = None,
        "stage" => draft.stage = None,
        "source" => draft.source = None,
        "referred-by" | "referred_by" => draft.referred_by = None,
        "channel" | "preferred_channel" => draft.preferred_channel = None,
        "pacing" | "pacing_gap_days" => draft.pacing_gap_days = None,
        "cadence" => draft.cadence = None,
        "address" | "addresses" => draft.addresses.clear(),
        "note" | "notes" => draft.notes.clear(),
        "email" | "emails" => draft.emails.clear(),
        "phone" | "phones" => draft.phones.clear(),
        "tag" | "tags" => draft.tags.clear(),
        other => {
            return Err(Error::invalid(
                "clear",
                format!("cannot clear \"{other}\"; choose one of: {}", CLEARABLE.join(", ")),
            ));
        }
    }
    Ok(())
}

/// Parse each non-blank item of a list field, naming the list on failure.
fn each<T>(items: &[String], field: &'static str, parse: fn(&str) -> tickler_core::Result<T>) -> Result<Vec<T>> {
    items
        .iter()
        .filter(|item| !item.trim().is_empty())
        .map(|item| {
            parse(item).map_err(|error| match error {
                tickler_core::Error::Invalid { message, .. } => Error::invalid(field, message),
                other => other.into(),
            })
        })
        .collect()
}

/// Add a contact; the name is required.
pub async fn create(app: &App, actor: &Actor, changes: &ContactChanges) -> Result<Contact> {
    let name = ContactName::parse(changes.set.name.as_deref().unwrap_or_default())?;
    let details = changes.apply(app, actor, ContactDetails::named(name)).await?;
    Ok(app.store.create_contact(actor.account_id(), &details, actor.now).await?)
}

/// Change a contact.
pub async fn update(app: &App, actor: &Actor, id: ContactId, changes: &ContactChanges) -> Result<Contact> {
    let contact = app.store.contact(actor.account_id(), id).await?;
    let details = changes.apply(app, actor, contact.details).await?;
    Ok(app.store.update_contact(actor.account_id(), id, &details, actor.now).await?)
}

/// Delete a contact and everything recorded about them.
pub async fn remove(app: &App, actor: &Actor, id: ContactId) -> Result<()> {
    Ok(app.store.delete_contact(actor.account_id(), id).await?)
}

/// One contact by id.
pub async fn get(app: &App, actor: &Actor, id: ContactId) -> Result<Contact> {
    Ok(app.store.contact(actor.account_id(), id).await?)
}

/// One contact by what a person types: an id, an email, or an unambiguous part of the name.
pub async fn find(app: &App, actor: &Actor, reference: &str) -> Result<Contact> {
    Ok(app.store.find_contact(actor.account_id(), reference).await?)
}

/// Which contacts, and which page of them, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ContactQuery {
    /// Text in the name, organisation or email (any case).
    pub q: Option<String>,
    pub tag: Option<String>,
    pub stage: Option<String>,
    /// active, not-now or never.
    pub consent: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<u32>,
    /// How many to skip.
    pub offset: Option<u32>,
}

/// One page of contacts.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactPage {
    pub items: Vec<Contact>,
    /// The offset of the next page, when there is one.
    pub next_offset: Option<u32>,
}

/// Read a page size, naming the parameter when it is out of range.
pub fn page_size(limit: Option<u32>) -> Result<u32> {
    match limit {
        None => Ok(DEFAULT_PAGE),
        Some(limit) if (1..=MAX_PAGE).contains(&limit) => Ok(limit),
        Some(_) => Err(Error::invalid("limit", format!("must be between 1 and {MAX_PAGE}"))),
    }
}

/// Refuse text holding a NUL character: PostgreSQL cannot store it in text
/// (SQLite can), so it is turned away on input and both backends agree.
pub fn refuse_nul(field: &'static str, value: &str) -> Result<()> {
    match value.contains('\0') {
        true => Err(Error::invalid(field, "must not contain NUL characters")),
        false => Ok(()),
    }
}

impl ContactQuery {
    /// The store's filter, each value parsed.
    pub fn filter(&self) -> Result<ContactFilter> {
        for (field, value) in [("q", &self.q), ("tag", &self.tag), ("stage", &self.stage), ("consent", &self.consent)] {
            refuse_nul(field, value.as_deref().unwrap_or_default())?;
        }
        Ok(ContactFilter {
            tag: non_blank(self.tag.as_deref()).map(Tag::parse).transpose()?,
            search: non_blank(self.q.as_deref()).map(str::to_string),
            stage: non_blank(self.stage.as_deref()).map(Stage::parse).transpose()?,
            consent: non_blank(self.consent.as_deref()).map(ConsentState::parse).transpose()?,
            limit: None,
            offset: self.offset.unwrap_or(0),
        })
    }
}

/// One page of the contacts a query asks for.
pub async fn list(app: &App, actor: &Actor, query: &ContactQuery) -> Result<ContactPage> {
    let limit = page_size(query.limit)?;
    let mut filter = query.filter()?;
    // One more than asked tells whether a next page exists.
    filter.limit = Some(limit + 1);
    let mut items = app.store.contacts(actor.account_id(), &filter).await?;
    let next_offset = (items.len() > limit as usize).then(|| filter.offset + limit);
    items.truncate(limit as usize);
    Ok(ContactPage { items, next_offset })
}

/// How many contacts the account has.
pub async fn count(app: &App, actor: &Actor) -> Result<i64> {
    Ok(app.store.count_contacts(actor.account_id()).await?)
}

/// Every touch, follow-up, promise and consent change of a contact, newest first.
pub async fn timeline(app: &App, actor: &Actor, id: ContactId) -> Result<Vec<Entry>> {
    Ok(app.store.timeline(actor.account_id(), id).await?)
}

/// A contact at a glance: the record, the last touch and the open follow-ups.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub contact: Contact,
    pub last_touch: Option<Touch>,
    pub open_follow_ups: Vec<FollowUp>,
    /// Addresses that bounced: no automatic email goes to them.
    pub undeliverable: Vec<tickler_store::Undeliverable>,
}

/// A contact at a glance.
pub async fn summary(app: &App, actor: &Actor, id: ContactId) -> Result<Summary> {
    let contact = app.store.contact(actor.account_id(), id).await?;
    let last_touch = app.store.last_touch(actor.account_id(), id).await?;
    let open_follow_ups = app
        .store
        .follow_ups_of(actor.account_id(), id)
        .await?
        .into_iter()
        .filter(|follow_up| follow_up.state == FollowUpState::Open)
        .collect();
    let undeliverable = app.store.undeliverable_emails(actor.account_id(), id).await?;
    Ok(Summary { contact, last_touch, open_follow_ups, undeliverable })
}

/// The contact's addresses that bounced.
pub async fn undeliverable(app: &App, actor: &Actor, id: ContactId) -> Result<Vec<tickler_store::Undeliverable>> {
    Ok(app.store.undeliverable_emails(actor.account_id(), id).await?)
}

/// Make a bounced address deliverable again (the person fixed their mailbox); how many contacts it was on.
pub async fn clear_bounces(app: &App, actor: &Actor, email: &str) -> Result<u64> {
    let email = tickler_core::contact::EmailAddress::parse(email)?;
    Ok(app.store.clear_bounces(actor.account_id(), email.as_str()).await?)
}

/// The last touch of a contact.
pub async fn last_touch(app: &App, actor: &Actor, id: ContactId) -> Result<Option<Touch>> {
    Ok(app.store.last_touch(actor.account_id(), id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clearing_names_the_choices_when_the_field_is_unknown() {
        let mut draft = ContactDetails::named(ContactName::parse("Ann Lee").unwrap());
        draft.notes = "met at the fair".into();
        clear(&mut draft, "--note").unwrap();
        assert!(draft.notes.is_empty());
        let error = clear(&mut draft, "shoe-size").unwrap_err();
        assert_eq!(error.field, Some("clear"));
        assert!(error.message.contains("referred-by"), "{}", error.message);
    }

    #[test]
    fn list_fields_name_the_list() {
        let input = ContactInput { emails: Some(vec!["ann@acme.com".into(), "nope".into()]), ..Default::default() };
        let draft = ContactDetails::named(ContactName::parse("Ann").unwrap());
        let error = input.apply(draft).unwrap_err();
        assert_eq!(error.field, Some("emails"));
    }

    #[test]
    fn page_sizes_are_bounded() {
        assert_eq!(page_size(None).unwrap(), DEFAULT_PAGE);
        assert_eq!(page_size(Some(500)).unwrap(), 500);
        assert_eq!(page_size(Some(0)).unwrap_err().field, Some("limit"));
    }
}

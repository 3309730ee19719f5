//! The library of things worth sending: add, edit, list and remove items,
//! share one with a contact (an email drafted with the item, editable, sent
//! through Tickler like a follow-up's "Send through Tickler", the touch
//! logged and the item recorded as sent to them), and preview what
//! `{{ library.next }}` would give a contact. Plan steps pick their item in
//! the worker's claim ([`tickler_store::claim_next_library_item`]).

use serde::{Deserialize, Serialize};
use tickler_core::contact::Tag;
use tickler_core::ids::{ContactId, LibraryItemId};
use tickler_core::intake::non_blank;
use tickler_core::library::{self, Item, ItemDraft, TypedItem};
use tickler_core::template::Rendered;
use tickler_core::touch::{Channel, Direction, TouchDraft};
use tickler_store::LibrarySend;

use crate::error::{Error, Result};
use crate::{Actor, App};

/// An item as typed: a title, a URL or a text (at least one), a summary, tags and a kind.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    /// Required unless a URL is given (then the address is the title).
    pub title: Option<String>,
    /// An http or https address; nothing is fetched.
    pub url: Option<String>,
    /// The thing itself, when it is a note rather than a link.
    pub text: Option<String>,
    /// A line or two on why it is worth reading.
    pub summary: Option<String>,
    /// Tags: an item goes to contacts sharing one of them; no tags: to anyone.
    #[serde(default)]
    pub tags: Vec<String>,
    /// article, tool, event, offer or note (default: article for a URL, note for a text).
    pub kind: Option<String>,
}

impl ItemInput {
    fn draft(&self) -> Result<ItemDraft> {
        for (field, value) in
            [("title", &self.title), ("url", &self.url), ("text", &self.text), ("summary", &self.summary)]
        {
            if let Some(value) = value {
                crate::contacts::refuse_nul(field, value)?;
            }
        }
        Ok(ItemDraft::new(&TypedItem {
            title: self.title.as_deref(),
            url: self.url.as_deref(),
            text: self.text.as_deref(),
            summary: self.summary.as_deref(),
            tags: &self.tags,
            kind: self.kind.as_deref(),
        })?)
    }
}

/// Which items to list.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ItemQuery {
    /// Only items with this tag.
    pub tag: Option<String>,
}

/// An item with whom it went to.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemDetail {
    #[serde(flatten)]
    pub item: Item,
    /// The contacts it went to, newest first.
    pub sent_to: Vec<LibrarySend>,
}

/// Add an item.
pub async fn add(app: &App, actor: &Actor, input: &ItemInput) -> Result<Item> {
    let draft = input.draft()?;
    Ok(app.store.add_library_item(actor.account_id(), &draft, actor.now).await?)
}

/// Replace an item's fields.
pub async fn edit(app: &App, actor: &Actor, id: LibraryItemId, input: &ItemInput) -> Result<Item> {
    let draft = input.draft()?;
    Ok(app.store.update_library_item(actor.account_id(), id, &draft, actor.now).await?)
}

/// Change some fields of an item, keeping the others (the CLI's `library edit`).
pub async fn amend(app: &App, actor: &Actor, id: LibraryItemId, changes: &ItemInput) -> Result<Item> {
    let item = app.store.library_item(actor.account_id(), id).await?;
    let keep = |new: &Option<String>, old: Option<&str>| new.clone().or_else(|| old.map(str::to_string));
    let input = ItemInput {
        title: keep(&changes.title, Some(&item.title)),
        url: match changes.url.as_deref() {
            Some(url) => Some(url.to_string()),
            None => item.url.clone(),
        },
        text: keep(&changes.text, item.text.as_deref()),
        summary: keep(&changes.summary, Some(&item.summary)),
        tags: if changes.tags.is_empty() {
            item.tags.iter().map(|tag| tag.as_str().to_string()).collect()
        } else {
            changes.tags.clone()
        },
        kind: keep(&changes.kind, Some(item.kind.as_str())),
    };
    edit(app, actor, id, &input).await
}

/// Remove an item.
pub async fn remove(app: &App, actor: &Actor, id: LibraryItemId) -> Result<Item> {
    Ok(app.store.remove_library_item(actor.account_id(), id).await?)
}

/// One item and whom it went to.
pub async fn get(app: &App, actor: &Actor, id: LibraryItemId) -> Result<ItemDetail> {
    let item = app.store.library_item(actor.account_id(), id).await?;
    let sent_to = app.store.library_sends(actor.account_id(), Some(id), None).await?;
    Ok(ItemDetail { item, sent_to })
}

/// The items, newest first, optionally only those with a tag.
pub async fn list(app: &App, actor: &Actor, query: &ItemQuery) -> Result<Vec<Item>> {
    let tag = non_blank(query.tag.as_deref()).map(Tag::parse).transpose()?;
    Ok(app.store.library_items(actor.account_id(), tag.as_ref()).await?)
}

/// The items a contact was sent, newest first.
pub async fn sent_to_contact(app: &App, actor: &Actor, contact_id: ContactId) -> Result<Vec<LibrarySend>> {
    app.store.contact(actor.account_id(), contact_id).await?;
    Ok(app.store.library_sends(actor.account_id(), None, Some(contact_id)).await?)
}

/// What `{{ library.next }}` would give a contact now (nothing is recorded).
pub async fn next_for(app: &App, actor: &Actor, contact_id: ContactId) -> Result<Option<Item>> {
    let contact = app.store.contact(actor.account_id(), contact_id).await?;
    Ok(app.store.peek_next_library_item(actor.account_id(), &contact).await?)
}

/// The drafted email sharing an item with a contact.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareDraft {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub item_id: LibraryItemId,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub contact_id: ContactId,
    pub contact_name: String,
    /// The address it goes to; `None` when the contact has none (it cannot be sent).
    pub to: Option<String>,
    pub subject: String,
    pub body: String,
    /// Whether this contact was already sent this item.
    pub already_sent: bool,
}

/// Draft the email sharing item `id` with a contact.
pub async fn draft(app: &App, actor: &Actor, id: LibraryItemId, contact_id: ContactId) -> Result<ShareDraft> {
    let item = app.store.library_item(actor.account_id(), id).await?;
    let contact = app.store.contact(actor.account_id(), contact_id).await?;
    let settings = app.store.mail_settings(actor.account_id()).await?;
    let signature = if settings.signature.trim().is_empty() { &settings.from_name } else { &settings.signature };
    let Rendered { subject, body } = library::share_draft(&item, contact.details.name.first_name(), signature);
    let sent = app.store.library_sends(actor.account_id(), Some(id), Some(contact_id)).await?;
    Ok(ShareDraft {
        item_id: id,
        contact_id,
        contact_name: contact.name().to_string(),
        to: contact.details.emails.first().map(|email| email.as_str().to_string()),
        subject,
        body,
        already_sent: !sent.is_empty(),
    })
}

/// Share an item with a contact: the drafted email unless `subject` or `body` is given.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ShareInput {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub contact_id: ContactId,
    pub subject: Option<String>,
    pub body: Option<String>,
}

/// An item shared: the touch logged and the address the email was queued to.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Shared {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub item_id: LibraryItemId,
    pub touch: tickler_store::Logged,
    pub sent_to: String,
    pub subject: String,
}

/// Share item `id` through Tickler: the email is queued (the worker sends it
/// once), an outgoing email touch is logged and the item is recorded as sent
/// to the contact. Refused when the contact has no address or may not be contacted.
pub async fn share(app: &App, actor: &Actor, id: LibraryItemId, input: &ShareInput) -> Result<Shared> {
    let draft = draft(app, actor, id, input.contact_id).await?;
    let Some(to) = draft.to.clone() else {
        return Err(Error::invalid(
            "contact_id",
            format!("{} has no email address; share it another way, then log the touch", draft.contact_name),
        ));
    };
    let subject = non_blank(input.subject.as_deref()).unwrap_or(&draft.subject).trim().to_string();
    let body = non_blank(input.body.as_deref()).unwrap_or(&draft.body).to_string();
    crate::contacts::refuse_nul("subject", &subject)?;
    crate::contacts::refuse_nul("body", &body)?;
    crate::promises::check_message(&subject, &body)?;
    let item = app.store.library_item(actor.account_id(), id).await?;
    let title: String = item.title.chars().take(200).collect();
    let mut touch = TouchDraft::new(input.contact_id, actor.now, Channel::Email, &format!("Shared: {title}"))?;
    touch.direction = Direction::Out;
    let rendered = Rendered { subject: subject.clone(), body };
    let touch = app.store.share_library_item(actor.account_id(), id, &touch, (&to, &rendered), actor.now).await?;
    Ok(Shared { item_id: id, touch, sent_to: to, subject })
}

/// Read an item id typed as text (a path segment, a CLI argument).
pub fn parse_id(raw: &str) -> Result<LibraryItemId> {
    raw.trim().trim_start_matches('#').parse().map_err(|_| {
        Error::invalid("id", format!("\"{}\" is not a library item id; see: tickler library ls", raw.trim()))
    })
}

/// A plan step waiting because the library has nothing new for its contact.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Waiting {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub enrollment_id: tickler_core::ids::EnrollmentId,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub contact_id: ContactId,
    pub contact_name: String,
    pub plan_name: String,
    /// "nothing new in the library for Ann's tags: add an item tagged pricing".
    pub reason: String,
}

/// The plan steps waiting for a new library item, for the agenda.
pub async fn waiting(app: &App, actor: &Actor) -> Result<Vec<Waiting>> {
    let mut waiting = Vec::new();
    for enrollment in app.store.enrollments(actor.account_id(), None).await? {
        let Some(reason) = enrollment.waiting.filter(|reason| reason.starts_with(library::WAITING_PREFIX)) else {
            continue;
        };
        if enrollment.state != tickler_core::plan::EnrollmentState::Active {
            continue;
        }
        let contact = app.store.contact(actor.account_id(), enrollment.contact_id).await?;
        waiting.push(Waiting {
            enrollment_id: enrollment.id,
            contact_id: contact.id,
            contact_name: contact.name().to_string(),
            plan_name: enrollment.plan_name,
            reason,
        });
    }
    Ok(waiting)
}

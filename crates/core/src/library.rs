//! The library: things worth sending (an article, a tool, an event, an offer,
//! a note), each with tags. Plan emails take the next one for a contact with
//! `{{ library.next }}`: the newest item whose tags match the contact's that
//! the contact has not been sent yet.
//!
//! "Match": an item with no tags suits everyone; an item with tags suits a
//! contact who has at least one of them. An item goes to a contact at most
//! once, however it went (a plan step or "share").

use std::collections::HashSet;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::contact::Tag;
use crate::error::{Error, Result};
use crate::ids::LibraryItemId;
use crate::names::parse_named;
use crate::template::Rendered;

/// Longest title, in characters.
pub const MAX_TITLE: usize = 200;
/// Longest summary, in characters.
pub const MAX_SUMMARY: usize = 1_000;
/// Longest text, in characters.
pub const MAX_TEXT: usize = 20_000;
/// Longest URL, in characters.
pub const MAX_URL: usize = 2_000;
/// Most tags on one item.
pub const MAX_TAGS: usize = 20;

/// What an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    Article,
    Tool,
    Event,
    Offer,
    Note,
}

impl ItemKind {
    /// Every kind.
    pub const ALL: [ItemKind; 5] =
        [ItemKind::Article, ItemKind::Tool, ItemKind::Event, ItemKind::Offer, ItemKind::Note];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Article => "article",
            ItemKind::Tool => "tool",
            ItemKind::Event => "event",
            ItemKind::Offer => "offer",
            ItemKind::Note => "note",
        }
    }

    /// Read a typed or stored kind.
    pub fn parse(raw: &str) -> Result<Self> {
        parse_named("kind", raw, &Self::ALL, Self::as_str)
    }
}

/// An item to add or replace, checked: a title, a URL or a text (or both).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemDraft {
    pub title: String,
    pub url: Option<String>,
    pub text: Option<String>,
    pub summary: String,
    pub tags: Vec<Tag>,
    pub kind: ItemKind,
}

/// An item as typed, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct TypedItem<'a> {
    pub title: Option<&'a str>,
    pub url: Option<&'a str>,
    pub text: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub tags: &'a [String],
    pub kind: Option<&'a str>,
}

impl ItemDraft {
    /// Check what was typed. Nothing is fetched: a URL without a title takes
    /// its address as the title. The kind defaults to article for a URL, note for a text.
    pub fn new(typed: &TypedItem<'_>) -> Result<ItemDraft> {
        let url = blank_is_none(typed.url).map(check_url).transpose()?;
        let text = blank_is_none(typed.text).map(str::to_string);
        if url.is_none() && text.is_none() {
            return Err(Error::invalid("url", "give a URL or a text (or both)"));
        }
        if let Some(text) = &text
            && text.chars().count() > MAX_TEXT
        {
            return Err(Error::invalid("text", format!("is longer than {MAX_TEXT} characters")));
        }
        let title = match blank_is_none(typed.title) {
            Some(title) => one_line(title),
            None => match &url {
                Some(url) => title_from_url(url),
                None => return Err(Error::invalid("title", "is required: what is it called?")),
            },
        };
        if title.chars().count() > MAX_TITLE {
            return Err(Error::invalid("title", format!("is longer than {MAX_TITLE} characters")));
        }
        let summary = typed.summary.map(str::trim).unwrap_or_default().to_string();
        if summary.chars().count() > MAX_SUMMARY {
            return Err(Error::invalid("summary", format!("is longer than {MAX_SUMMARY} characters")));
        }
        let mut tags = typed.tags.iter().map(|tag| Tag::parse(tag)).collect::<Result<Vec<_>>>()?;
        tags.sort();
        tags.dedup();
        if tags.len() > MAX_TAGS {
            return Err(Error::invalid("tag", format!("an item has at most {MAX_TAGS} tags")));
        }
        let kind = match blank_is_none(typed.kind) {
            Some(kind) => ItemKind::parse(kind)?,
            None if url.is_some() => ItemKind::Article,
            None => ItemKind::Note,
        };
        Ok(ItemDraft { title, url, text, summary, tags, kind })
    }
}

fn blank_is_none(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|value| !value.is_empty())
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A URL must be http or https with a host, and no spaces.
fn check_url(raw: &str) -> Result<String> {
    let lower = raw.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")).ok_or_else(|| {
        Error::invalid("url", format!("\"{raw}\" is not a web address; it must start with http:// or https://"))
    })?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, host)| host);
    let name = host.split(':').next().unwrap_or_default();
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '[' | ']')) {
        return Err(Error::invalid("url", format!("\"{raw}\" has no host name, e.g. https://example.com/guide")));
    }
    if raw.chars().any(char::is_whitespace) {
        return Err(Error::invalid("url", "a web address has no spaces"));
    }
    if raw.chars().count() > MAX_URL {
        return Err(Error::invalid("url", format!("is longer than {MAX_URL} characters")));
    }
    Ok(raw.to_string())
}

/// A title from an address: its host and path, without the scheme ("acme.com/pricing-guide").
fn title_from_url(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.split(['?', '#']).next().unwrap_or(rest).trim_end_matches('/');
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    rest.chars().take(MAX_TITLE).collect()
}

/// A stored item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Item {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub id: LibraryItemId,
    pub title: String,
    pub url: Option<String>,
    pub text: Option<String>,
    pub summary: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub tags: Vec<Tag>,
    pub kind: ItemKind,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Item {
    /// The item ready to paste into an email: the title, the summary, then the address or the text.
    pub fn text_block(&self) -> String {
        let mut block = self.title.clone();
        if !self.summary.is_empty() {
            block.push('\n');
            block.push_str(&self.summary);
        }
        if let Some(url) = &self.url {
            block.push('\n');
            block.push_str(url);
        }
        if let Some(text) = &self.text {
            block.push_str("\n\n");
            block.push_str(text.trim_end());
        }
        block
    }

    /// Whether the item suits a contact with `tags`: it has no tags, or shares at least one.
    pub fn matches(&self, tags: &[Tag]) -> bool {
        self.tags.is_empty() || self.tags.iter().any(|tag| tags.contains(tag))
    }
}

/// The item `{{ library.next }}` gives a contact with `tags` who was already sent `sent`:
/// the newest matching item not sent yet (newest by when it was added, then by id).
pub fn next<'a>(items: &'a [Item], tags: &[Tag], sent: &HashSet<LibraryItemId>) -> Option<&'a Item> {
    items
        .iter()
        .filter(|item| !sent.contains(&item.id) && item.matches(tags))
        .max_by_key(|item| (item.created_at, item.id))
}

/// How every waiting reason of [`nothing_new`] begins, so adding an item can wake those steps.
pub const WAITING_PREFIX: &str = "nothing new in the library";

/// Why a step that uses `{{ library.next }}` waits: nothing new for this contact, and what would help.
pub fn nothing_new(first_name: &str, tags: &[Tag]) -> String {
    match tags {
        [] => format!("{WAITING_PREFIX} for {first_name}: add an item with no tags"),
        [only] => format!("{WAITING_PREFIX} for {first_name}'s tags: add an item tagged {}", only.as_str()),
        _ => {
            let names: Vec<&str> = tags.iter().map(Tag::as_str).collect();
            format!(
                "{WAITING_PREFIX} for {first_name}'s tags: add an item tagged {} (or any of: {})",
                names[0],
                names.join(", ")
            )
        }
    }
}

/// The email "share with a contact" drafts: a short note, the item, the signature.
pub fn share_draft(item: &Item, first_name: &str, signature: &str) -> Rendered {
    let greeting = if first_name.trim().is_empty() { "Hi,".to_string() } else { format!("Hi {first_name},") };
    let mut body = format!("{greeting}\n\nI came across this and thought of you:\n\n{}\n", item.text_block());
    if !signature.trim().is_empty() {
        body.push('\n');
        body.push_str(signature.trim_end());
        body.push('\n');
    }
    Rendered { subject: format!("Thought you might like: {}", item.title), body }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed<'a>(url: Option<&'a str>, title: Option<&'a str>, tags: &'a [String]) -> TypedItem<'a> {
        TypedItem { url, title, tags, ..TypedItem::default() }
    }

    fn item(id: i64, second: i64, tags: &[&str]) -> Item {
        Item {
            id: LibraryItemId::new(id),
            title: format!("Item {id}"),
            url: Some(format!("https://example.com/{id}")),
            text: None,
            summary: String::new(),
            tags: tags.iter().map(|tag| Tag::parse(tag).unwrap()).collect(),
            kind: ItemKind::Article,
            created_at: Timestamp::from_second(second).unwrap(),
            updated_at: Timestamp::from_second(second).unwrap(),
        }
    }

    #[test]
    fn an_item_needs_a_web_address_or_a_text() {
        let tags = vec!["Pricing".to_string(), "pricing".to_string()];
        let draft = ItemDraft::new(&typed(Some(" https://www.acme.com/pricing-guide/ "), None, &tags)).unwrap();
        assert_eq!(draft.title, "acme.com/pricing-guide", "the address is enough");
        assert_eq!(draft.kind, ItemKind::Article);
        assert_eq!(draft.tags, vec![Tag::parse("pricing").unwrap()]);
        let note = ItemDraft::new(&TypedItem { title: Some("Tip"), text: Some("Ask early."), ..Default::default() });
        assert_eq!(note.unwrap().kind, ItemKind::Note);

        let error = |typed: TypedItem<'_>| ItemDraft::new(&typed).unwrap_err();
        assert_eq!(error(typed(None, Some("x"), &[])).to_string(), "url: give a URL or a text (or both)");
        let bad = error(typed(Some("ftp://acme.com/x"), None, &[]));
        assert!(bad.to_string().starts_with("url: \"ftp://acme.com/x\" is not a web address"), "{bad}");
        assert!(error(typed(Some("https://"), None, &[])).to_string().starts_with("url:"));
        assert!(error(typed(Some("https://acme.com/a b"), None, &[])).to_string().starts_with("url:"));
        let text_only = TypedItem { text: Some("Ask early."), ..Default::default() };
        assert!(error(text_only).to_string().starts_with("title: is required"));
        let bad_tag = vec!["no spaces".to_string()];
        assert!(error(typed(Some("https://a.io"), None, &bad_tag)).to_string().starts_with("tag:"));
        let bad_kind = TypedItem { kind: Some("podcast"), ..typed(Some("https://a.io"), None, &[]) };
        assert!(error(bad_kind).to_string().starts_with("kind: unknown kind \"podcast\""));
        let long = "x".repeat(MAX_TITLE + 1);
        assert!(error(typed(Some("https://a.io"), Some(&long), &[])).to_string().starts_with("title:"));
    }

    #[test]
    fn next_is_the_newest_matching_item_not_yet_sent() {
        let items = vec![item(1, 100, &["pricing"]), item(2, 200, &["hiring"]), item(3, 300, &[]), item(4, 50, &[])];
        let pricing = vec![Tag::parse("pricing").unwrap()];
        let mut sent = HashSet::new();
        let mut order = Vec::new();
        while let Some(picked) = next(&items, &pricing, &sent) {
            order.push(picked.id.get());
            sent.insert(picked.id);
        }
        assert_eq!(order, [3, 1, 4], "untagged items suit everyone; a hiring item does not suit a pricing contact");
        let untagged = next(&items, &[], &HashSet::new()).unwrap();
        assert_eq!(untagged.id.get(), 3, "a contact with no tags gets only untagged items");
    }

    #[test]
    fn the_waiting_reason_says_what_to_add() {
        let tags = vec![Tag::parse("pricing").unwrap()];
        assert_eq!(nothing_new("Ann", &tags), "nothing new in the library for Ann's tags: add an item tagged pricing");
        assert!(nothing_new("Ann", &[]).ends_with("add an item with no tags"));
    }

    #[test]
    fn the_shared_draft_carries_the_item() {
        let mut shared = item(1, 100, &[]);
        shared.summary = "Three ways to price.".into();
        let draft = share_draft(&shared, "Ann", "Sam");
        assert_eq!(draft.subject, "Thought you might like: Item 1");
        assert!(draft.body.starts_with("Hi Ann,\n"), "{}", draft.body);
        assert!(draft.body.contains("Item 1\nThree ways to price.\nhttps://example.com/1\n"), "{}", draft.body);
        assert!(draft.body.ends_with("Sam\n"));
    }
}

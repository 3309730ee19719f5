//! The library's items, their tags, and which item went to which contact
//! (`library_sends`, unique per contact and item: an item never goes to the
//! same contact twice). [`claim_next_library_item`] picks and records the next
//! item for a contact inside the caller's transaction: plan steps call it
//! where they are claimed, and any other sender (a newsletter) can too.

use std::collections::HashSet;

use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use tickler_core::contact::{Contact, Tag};
use tickler_core::ids::{AccountId, ContactId, LibraryItemId};
use tickler_core::library::{self, Item, ItemDraft, ItemKind};
use tickler_core::template::Rendered;
use tickler_core::touch::TouchDraft;

use crate::Store;
use crate::error::{Error, Record, Result};
use crate::jobs::{JobKind, insert_job};
use crate::rows::{instant, parsed, seconds};
use crate::touches::{Logged, insert_touch};

const ITEM_SELECT: &str = "SELECT i.id, i.title, i.url, i.body, i.summary, i.kind, i.created_at, i.updated_at, \
     (SELECT string_agg(t.tag, ' ' ORDER BY t.tag) FROM library_item_tags t WHERE t.item_id = i.id) AS tags \
     FROM library_items i";

/// One time an item went to a contact.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LibrarySend {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub item_id: LibraryItemId,
    pub item_title: String,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub contact_id: ContactId,
    pub contact_name: String,
    /// "plan" (a plan email's `{{ library.next }}`) or "share".
    pub via: String,
    pub sent_at: Timestamp,
}

/// How an item went to a contact.
pub mod via {
    /// A plan email's `{{ library.next }}`.
    pub const PLAN: &str = "plan";
    /// "Share with a contact".
    pub const SHARE: &str = "share";
    /// A newsletter campaign's `{{ library.next }}`.
    pub const CAMPAIGN: &str = "campaign";
}

fn item_from_row(row: &AnyRow) -> Result<Item> {
    let tags: Option<String> = row.try_get("tags")?;
    let tags = tags
        .unwrap_or_default()
        .split_whitespace()
        .map(Tag::parse)
        .collect::<tickler_core::Result<Vec<_>>>()
        .map_err(|error| Error::Corrupt(format!("library item tags: {error}")))?;
    Ok(Item {
        id: LibraryItemId::new(row.try_get("id")?),
        title: row.try_get("title")?,
        url: row.try_get("url")?,
        text: row.try_get("body")?,
        summary: row.try_get("summary")?,
        tags,
        kind: parsed(row, "kind", ItemKind::parse)?,
        created_at: instant(row, "created_at")?,
        updated_at: instant(row, "updated_at")?,
    })
}

async fn item_in(tx: &mut Transaction<'_, Any>, account_id: AccountId, id: LibraryItemId) -> Result<Item> {
    let statement = format!("{ITEM_SELECT} WHERE i.account_id = $1 AND i.id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(statement))
        .bind(account_id.get())
        .bind(id.get())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| Error::not_found(Record::LibraryItem, id))?;
    item_from_row(&row)
}

async fn write_tags(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    id: LibraryItemId,
    tags: &[Tag],
) -> Result<()> {
    sqlx::query("DELETE FROM library_item_tags WHERE item_id = $1").bind(id.get()).execute(&mut **tx).await?;
    for tag in tags {
        sqlx::query("INSERT INTO library_item_tags (account_id, item_id, tag) VALUES ($1, $2, $3)")
            .bind(account_id.get())
            .bind(id.get())
            .bind(tag.as_str())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The items of `account_id` that `contact_id` has not been sent yet.
async fn unsent_items(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    contact_id: ContactId,
) -> Result<Vec<Item>> {
    let statement = format!(
        "{ITEM_SELECT} WHERE i.account_id = $1 AND NOT EXISTS \
         (SELECT 1 FROM library_sends s WHERE s.contact_id = $2 AND s.item_id = i.id)"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(statement))
        .bind(account_id.get())
        .bind(contact_id.get())
        .fetch_all(&mut **tx)
        .await?;
    rows.iter().map(item_from_row).collect()
}

/// Record that `item` went to `contact`; `false` when it already had (the row is unique per contact and item).
async fn record_send(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    contact_id: ContactId,
    item_id: LibraryItemId,
    via: &str,
    now: Timestamp,
) -> Result<bool> {
    let written = sqlx::query(
        "INSERT INTO library_sends (account_id, contact_id, item_id, via, sent_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (contact_id, item_id) DO NOTHING",
    )
    .bind(account_id.get())
    .bind(contact_id.get())
    .bind(item_id.get())
    .bind(via)
    .bind(seconds(now))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(written == 1)
}

/// Wake the account's plan steps that wait for a new library item: they run at `now`.
async fn wake_waiting(tx: &mut Transaction<'_, Any>, account_id: AccountId, now: Timestamp) -> Result<()> {
    let waiting = format!("{}%", library::WAITING_PREFIX);
    sqlx::query(
        "UPDATE jobs SET run_at = $2 WHERE account_id = $1 AND kind = 'plan-step' AND state = 'pending' \
         AND run_at > $2 AND lease_owner IS NULL AND payload IN (SELECT CAST(id AS TEXT) FROM enrollments \
         WHERE account_id = $1 AND state = 'active' AND waiting LIKE $3)",
    )
    .bind(account_id.get())
    .bind(seconds(now))
    .bind(&waiting)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE enrollments SET next_run_at = $2 WHERE account_id = $1 AND state = 'active' AND waiting LIKE $3 \
         AND next_run_at > $2",
    )
    .bind(account_id.get())
    .bind(seconds(now))
    .bind(&waiting)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Pick the next library item for `contact` ([`library::next`]: the newest item
/// matching their tags not sent to them yet) and record it as sent `via`, in the
/// caller's transaction: `None` when nothing is left. Call it with the contact
/// locked (a plan-step claim or a campaign's send holds it); the unique
/// (contact, item) row keeps an item from going twice even if two callers race.
pub async fn claim_next_library_item(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    contact: &Contact,
    via: &str,
    now: Timestamp,
) -> Result<Option<Item>> {
    let items = unsent_items(tx, account_id, contact.id).await?;
    let mut taken = HashSet::new();
    while let Some(item) = library::next(&items, &contact.details.tags, &taken) {
        if record_send(tx, account_id, contact.id, item.id, via, now).await? {
            return Ok(Some(item.clone()));
        }
        // Sent meanwhile by another writer: the next one.
        taken.insert(item.id);
    }
    Ok(None)
}

impl Store {
    /// Add an item to the library.
    pub async fn add_library_item(&self, account_id: AccountId, draft: &ItemDraft, now: Timestamp) -> Result<Item> {
        crate::error::during("adding a library item", async {
            let mut tx = self.begin_write().await?;
            let row = sqlx::query(
                "INSERT INTO library_items (account_id, title, url, body, summary, kind, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
            )
            .bind(account_id.get())
            .bind(&draft.title)
            .bind(draft.url.as_deref())
            .bind(draft.text.as_deref())
            .bind(&draft.summary)
            .bind(draft.kind.as_str())
            .bind(seconds(now))
            .fetch_one(&mut *tx)
            .await?;
            let id = LibraryItemId::new(row.try_get("id")?);
            write_tags(&mut tx, account_id, id, &draft.tags).await?;
            wake_waiting(&mut tx, account_id, now).await?;
            let item = item_in(&mut tx, account_id, id).await?;
            tx.commit().await?;
            Ok(item)
        })
        .await
    }

    /// Replace an item's fields and tags (when it was added stays: "newest" keeps meaning newest added).
    pub async fn update_library_item(
        &self,
        account_id: AccountId,
        id: LibraryItemId,
        draft: &ItemDraft,
        now: Timestamp,
    ) -> Result<Item> {
        crate::error::during("editing a library item", async {
            let mut tx = self.begin_write().await?;
            item_in(&mut tx, account_id, id).await?;
            sqlx::query(
                "UPDATE library_items SET title = $3, url = $4, body = $5, summary = $6, kind = $7, updated_at = $8 \
                 WHERE account_id = $1 AND id = $2",
            )
            .bind(account_id.get())
            .bind(id.get())
            .bind(&draft.title)
            .bind(draft.url.as_deref())
            .bind(draft.text.as_deref())
            .bind(&draft.summary)
            .bind(draft.kind.as_str())
            .bind(seconds(now))
            .execute(&mut *tx)
            .await?;
            write_tags(&mut tx, account_id, id, &draft.tags).await?;
            wake_waiting(&mut tx, account_id, now).await?;
            let item = item_in(&mut tx, account_id, id).await?;
            tx.commit().await?;
            Ok(item)
        })
        .await
    }

    /// Remove an item (and the record of whom it went to).
    pub async fn remove_library_item(&self, account_id: AccountId, id: LibraryItemId) -> Result<Item> {
        crate::error::during("removing a library item", async {
            let mut tx = self.begin_write().await?;
            let item = item_in(&mut tx, account_id, id).await?;
            sqlx::query("DELETE FROM library_items WHERE account_id = $1 AND id = $2")
                .bind(account_id.get())
                .bind(id.get())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(item)
        })
        .await
    }

    /// One item.
    pub async fn library_item(&self, account_id: AccountId, id: LibraryItemId) -> Result<Item> {
        crate::error::during("reading a library item", async {
            let mut tx = self.pool.begin().await?;
            let item = item_in(&mut tx, account_id, id).await?;
            tx.commit().await?;
            Ok(item)
        })
        .await
    }

    /// The items, newest first; with `tag`, only those carrying it.
    pub async fn library_items(&self, account_id: AccountId, tag: Option<&Tag>) -> Result<Vec<Item>> {
        crate::error::during("listing the library", async {
            let statement = format!(
                "{ITEM_SELECT} WHERE i.account_id = $1 AND ($2 IS NULL OR EXISTS \
                 (SELECT 1 FROM library_item_tags t WHERE t.item_id = i.id AND t.tag = $2)) \
                 ORDER BY i.created_at DESC, i.id DESC"
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(statement))
                .bind(account_id.get())
                .bind(tag.map(Tag::as_str))
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(item_from_row).collect()
        })
        .await
    }

    /// Who was sent what, newest first: of one item, of one contact, or of the whole account.
    pub async fn library_sends(
        &self,
        account_id: AccountId,
        item_id: Option<LibraryItemId>,
        contact_id: Option<ContactId>,
    ) -> Result<Vec<LibrarySend>> {
        crate::error::during("reading who was sent library items", async {
            let rows = sqlx::query(
                "SELECT s.item_id, i.title, s.contact_id, c.name, s.via, s.sent_at FROM library_sends s \
                 JOIN library_items i ON i.id = s.item_id JOIN contacts c ON c.id = s.contact_id \
                 WHERE s.account_id = $1 AND ($2 IS NULL OR s.item_id = $2) AND ($3 IS NULL OR s.contact_id = $3) \
                 ORDER BY s.sent_at DESC, s.id DESC",
            )
            .bind(account_id.get())
            .bind(item_id.map(LibraryItemId::get))
            .bind(contact_id.map(ContactId::get))
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|row| {
                    Ok(LibrarySend {
                        item_id: LibraryItemId::new(row.try_get("item_id")?),
                        item_title: row.try_get("title")?,
                        contact_id: ContactId::new(row.try_get("contact_id")?),
                        contact_name: row.try_get("name")?,
                        via: row.try_get("via")?,
                        sent_at: instant(row, "sent_at")?,
                    })
                })
                .collect()
        })
        .await
    }

    /// The item `{{ library.next }}` would give `contact_id` now, without recording anything (previews).
    pub async fn peek_next_library_item(&self, account_id: AccountId, contact: &Contact) -> Result<Option<Item>> {
        crate::error::during("picking the next library item", async {
            let mut tx = self.pool.begin().await?;
            let items = unsent_items(&mut tx, account_id, contact.id).await?;
            tx.commit().await?;
            Ok(library::next(&items, &contact.details.tags, &HashSet::new()).cloned())
        })
        .await
    }

    /// Share an item with a contact through Tickler: in one transaction the
    /// contact is locked and its consent checked, the email is queued to `to`
    /// (sent once by the worker, like a follow-up's "Send through Tickler"),
    /// the touch is logged and the item is recorded as sent to the contact.
    pub async fn share_library_item(
        &self,
        account_id: AccountId,
        item_id: LibraryItemId,
        touch: &TouchDraft,
        email: (&str, &Rendered),
        now: Timestamp,
    ) -> Result<Logged> {
        crate::error::during("sharing a library item", async {
            let mut tx = self.begin_write().await?;
            item_in(&mut tx, account_id, item_id).await?;
            let contact = self.lock_contact(&mut tx, account_id, touch.contact_id).await?;
            contact.consent.ensure_may_follow_up(contact.name(), false)?;
            let logged = insert_touch(&mut tx, account_id, &contact, touch, now).await?;
            let (to, rendered) = email;
            let payload = serde_json::json!({ "to": to, "subject": rendered.subject, "body": rendered.body });
            let key = format!("library-share:{item_id}:{}:{}", contact.id, now.as_millisecond());
            insert_job(&mut tx, JobKind::Reminder, account_id, &payload.to_string(), &key, now, now).await?;
            record_send(&mut tx, account_id, contact.id, item_id, via::SHARE, now).await?;
            tx.commit().await?;
            Ok(logged)
        })
        .await
    }
}

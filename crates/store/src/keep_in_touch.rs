//! Keep in touch: the cadence of each tag, and what the drifting list needs
//! of each contact with a cadence (their own or a tag's): the last touch of
//! any channel and direction (synced email included), when they were added,
//! and a snoozed reconnect reminder.

use jiff::Timestamp;
use sqlx::Row;
use tickler_core::cadence::Cadence;
use tickler_core::consent::ConsentState;
use tickler_core::contact::Tag;
use tickler_core::ids::{AccountId, ContactId};

use crate::Store;
use crate::error::{Error, Record, Result};
use crate::rows::{instant, optional_instant, optional_parsed, seconds};

/// A contact whose cadence is to be watched: active, with a cadence of their own or of a tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeepInTouchRow {
    pub contact_id: ContactId,
    pub name: String,
    pub own: Option<Cadence>,
    /// The cadences of the contact's tags.
    pub of_tags: Vec<Cadence>,
    pub last_touch_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub reconnect_after: Option<Timestamp>,
}

impl Store {
    /// Set (or with `None` remove) the cadence of everyone tagged `tag`.
    pub async fn set_tag_cadence(&self, account_id: AccountId, tag: &Tag, cadence: Option<Cadence>) -> Result<()> {
        crate::error::during("setting a tag's cadence", async {
            let mut tx = self.begin_write().await?;
            sqlx::query("DELETE FROM tag_cadences WHERE account_id = $1 AND tag = $2")
                .bind(account_id.get())
                .bind(tag.as_str())
                .execute(&mut *tx)
                .await?;
            if let Some(cadence) = cadence {
                sqlx::query("INSERT INTO tag_cadences (account_id, tag, cadence) VALUES ($1, $2, $3)")
                    .bind(account_id.get())
                    .bind(tag.as_str())
                    .bind(cadence.as_stored())
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Every tag with a cadence, by tag.
    pub async fn tag_cadences(&self, account_id: AccountId) -> Result<Vec<(Tag, Cadence)>> {
        crate::error::during("listing tag cadences", async {
            let rows = sqlx::query("SELECT tag, cadence FROM tag_cadences WHERE account_id = $1 ORDER BY tag")
                .bind(account_id.get())
                .fetch_all(&self.pool)
                .await?;
            rows.iter()
                .map(|row| {
                    let tag: String = row.try_get("tag")?;
                    let cadence: String = row.try_get("cadence")?;
                    let corrupt = |error: tickler_core::Error| Error::Corrupt(format!("tag_cadences: {error}"));
                    Ok((Tag::parse(&tag).map_err(corrupt)?, Cadence::parse(&cadence).map_err(corrupt)?))
                })
                .collect()
        })
        .await
    }

    /// The active contacts with a cadence (their own, or one of their tags'),
    /// each with their last touch; "not now" and "never" are left out.
    pub async fn keep_in_touch(&self, account_id: AccountId) -> Result<Vec<KeepInTouchRow>> {
        crate::error::during("reading who to keep in touch with", async {
            let rows = sqlx::query(
                "SELECT c.id, c.name, c.cadence, c.created_at, c.reconnect_after, \
                 (SELECT MAX(t.at) FROM touches t WHERE t.contact_id = c.id) AS last_touch_at, \
                 (SELECT string_agg(tc.cadence, '\u{1f}' ORDER BY tc.tag) FROM contact_tags ct \
                    JOIN tag_cadences tc ON tc.account_id = ct.account_id AND tc.tag = ct.tag \
                    WHERE ct.contact_id = c.id) AS tag_cadences \
                 FROM contacts c WHERE c.account_id = $1 AND c.consent = $2 \
                 AND (c.cadence IS NOT NULL OR EXISTS (SELECT 1 FROM contact_tags ct \
                    JOIN tag_cadences tc ON tc.account_id = ct.account_id AND tc.tag = ct.tag \
                    WHERE ct.contact_id = c.id)) \
                 ORDER BY c.id",
            )
            .bind(account_id.get())
            .bind(ConsentState::Active.as_str())
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|row| {
                    let of_tags: Option<String> = row.try_get("tag_cadences")?;
                    let of_tags = of_tags
                        .unwrap_or_default()
                        .split('\u{1f}')
                        .filter(|text| !text.is_empty())
                        .map(|text| Cadence::parse(text).map_err(|e| Error::Corrupt(format!("tag_cadences: {e}"))))
                        .collect::<Result<Vec<_>>>()?;
                    Ok(KeepInTouchRow {
                        contact_id: ContactId::new(row.try_get("id")?),
                        name: row.try_get("name")?,
                        own: optional_parsed(row, "cadence", Cadence::parse)?,
                        of_tags,
                        last_touch_at: optional_instant(row, "last_touch_at")?,
                        created_at: instant(row, "created_at")?,
                        reconnect_after: optional_instant(row, "reconnect_after")?,
                    })
                })
                .collect()
        })
        .await
    }

    /// Hold a contact's reconnect reminder back until `until`.
    pub async fn snooze_reconnect(&self, account_id: AccountId, id: ContactId, until: Timestamp) -> Result<()> {
        crate::error::during("snoozing a reconnect reminder", async {
            let mut tx = self.begin_write().await?;
            let updated = sqlx::query("UPDATE contacts SET reconnect_after = $3 WHERE account_id = $1 AND id = $2")
                .bind(account_id.get())
                .bind(id.get())
                .bind(seconds(until))
                .execute(&mut *tx)
                .await?;
            if updated.rows_affected() == 0 {
                return Err(Error::not_found(Record::Contact, id));
            }
            tx.commit().await?;
            Ok(())
        })
        .await
    }
}

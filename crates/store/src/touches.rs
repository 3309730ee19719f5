//! Touches: recording an interaction, with the consent change its outcome implies.

use std::collections::HashMap;

use jiff::Timestamp;
use sqlx::{Any, Transaction};
use tickler_core::consent::ConsentChange;
use tickler_core::contact::Contact;
use tickler_core::ids::{AccountId, ContactId, TouchId};
use tickler_core::touch::{Channel, Direction, Outcome, Touch, TouchDraft};

use crate::consent::{ConsentRequest, apply};
use crate::dialect::{json_int, json_param, json_rows, json_text, multi_row_insert};
use crate::error::Result;
use crate::reads::Param;
use crate::rows::{Columns, instant, optional_parsed, parsed, seconds};
use crate::{Backend, Store};

/// A recorded touch and the consent change its outcome caused, if any.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Logged {
    pub touch: Touch,
    pub consent: Option<ConsentChange>,
}

const TOUCH_COLUMNS: &str = "id, contact_id, at, channel, direction, summary, outcome, created_at";

impl Store {
    /// Record a touch. An outcome of "not now" (re-asked on the draft's
    /// `re_ask` day) or "never" changes consent in the same transaction.
    pub async fn log_touch(&self, account_id: AccountId, draft: &TouchDraft, now: Timestamp) -> Result<Logged> {
        crate::error::during("logging a touch", async {
            let mut tx = self.begin_write().await?;
            let contact = self.lock_contact(&mut tx, account_id, draft.contact_id).await?;
            let logged = insert_touch(&mut tx, account_id, &contact, draft, now).await?;
            tx.commit().await?;
            Ok(logged)
        })
        .await
    }

    /// A contact's touches, newest first.
    pub async fn touches(&self, account_id: AccountId, contact_id: ContactId) -> Result<Vec<Touch>> {
        crate::error::during("listing touches", async {
            let statement = format!(
                "SELECT {TOUCH_COLUMNS} FROM touches WHERE account_id = $1 AND contact_id = $2 ORDER BY at DESC, id DESC"
            );
            let params = [Param::Int(account_id.get()), Param::Int(contact_id.get())];
            self.reader.rows(&statement, &params, |row| touch_from_row(row)).await
        })
        .await
    }

    /// The most recent touch of a contact.
    pub async fn last_touch(&self, account_id: AccountId, contact_id: ContactId) -> Result<Option<Touch>> {
        crate::error::during("reading the last touch", async {
            let statement = format!(
                "SELECT {TOUCH_COLUMNS} FROM touches WHERE account_id = $1 AND contact_id = $2 ORDER BY at DESC, id DESC LIMIT 1"
            );
            let params = [Param::Int(account_id.get()), Param::Int(contact_id.get())];
            self.reader.optional(&statement, &params, |row| touch_from_row(row)).await
        })
        .await
    }
}

/// Rows per multi-row INSERT of sent emails.
const SENT_CHUNK: usize = 64;

/// Record emails the worker sent as outbound email touches, many rows per
/// statement: (account, contact, summary). Outbound with no outcome, they
/// change no consent and stop no plan, so [`insert_touch`]'s rules do not apply.
pub(crate) async fn insert_sent_emails(
    backend: Backend,
    tx: &mut Transaction<'_, Any>,
    sent: &[(AccountId, ContactId, String)],
    now: Timestamp,
) -> Result<()> {
    for chunk in sent.chunks(SENT_CHUNK) {
        let columns = "account_id, contact_id, at, channel, direction, summary, outcome, created_at";
        let statement = multi_row_insert(backend, "touches", columns, 8, chunk.len());
        let mut query = sqlx::query(sqlx::AssertSqlSafe(statement));
        for (account_id, contact_id, summary) in chunk {
            query = query
                .bind(account_id.get())
                .bind(contact_id.get())
                .bind(seconds(now))
                .bind(Channel::Email.as_str())
                .bind(Direction::Out.as_str())
                .bind(summary.as_str())
                .bind(None::<String>)
                .bind(seconds(now));
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Insert a touch inside `tx` and apply its outcome's consent effect.
pub(crate) async fn insert_touch(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    contact: &Contact,
    draft: &TouchDraft,
    now: Timestamp,
) -> Result<Logged> {
    let statement = format!(
        "INSERT INTO touches (account_id, contact_id, at, channel, direction, summary, outcome, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {TOUCH_COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(statement))
        .bind(account_id.get())
        .bind(contact.id.get())
        .bind(seconds(draft.at))
        .bind(draft.channel.as_str())
        .bind(draft.direction.as_str())
        .bind(&draft.summary)
        .bind(draft.outcome.map(Outcome::as_str))
        .bind(seconds(now))
        .fetch_one(&mut **tx)
        .await?;
    let touch = touch_from_row(&row)?;
    let consent = match draft.outcome.and_then(|outcome| contact.consent.after_outcome(outcome)) {
        Some(state) => {
            let reason =
                format!("{} {}: {}", draft.channel.as_str(), draft.outcome.map_or("", Outcome::as_str), draft.summary);
            let request = ConsentRequest { state, until: draft.re_ask, reason: reason.trim_end_matches([':', ' ']) };
            Some(apply(tx, account_id, contact, &request, now).await?)
        }
        None => None,
    };
    // Plans stop when the contact answers or decides; a "not now" keeps its nurture plan.
    if let Some(reason) = tickler_core::plan::stop_reason_for_touch(draft.direction, draft.outcome) {
        let keep_nurture = draft.outcome == Some(Outcome::NotNow);
        crate::enrollments::stop_contact_plans(tx, account_id, contact.id, &reason, keep_nurture, now).await?;
    }
    Ok(Logged { touch, consent })
}

/// A touch as a JSON row: contact, at, channel, direction, summary, outcome.
type TouchRow<'a> = (i64, i64, &'a str, &'a str, &'a str, Option<&'a str>);

/// Insert the rows of many touches inside `tx` in one statement, with no
/// consent effect and no plan stopped (for touches that can have neither);
/// the touches in the order of `drafts`.
pub(crate) async fn insert_touch_rows(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    account_id: AccountId,
    drafts: &[TouchDraft],
    now: Timestamp,
) -> Result<Vec<Touch>> {
    type Content = (i64, i64, String, String, String, Option<String>);
    let content = |contact_id: ContactId,
                   at: Timestamp,
                   channel: Channel,
                   direction: Direction,
                   summary: &str,
                   outcome: Option<Outcome>|
     -> Content {
        (
            contact_id.get(),
            seconds(at),
            channel.as_str().to_string(),
            direction.as_str().to_string(),
            summary.to_string(),
            outcome.map(|outcome| outcome.as_str().to_string()),
        )
    };
    if drafts.is_empty() {
        return Ok(Vec::new());
    }
    // RETURNING names no order: each row goes back to a draft with the same
    // content (drafts alike are interchangeable).
    let mut waiting: HashMap<Content, Vec<usize>> = HashMap::new();
    for (index, draft) in drafts.iter().enumerate().rev() {
        let key = content(draft.contact_id, draft.at, draft.channel, draft.direction, &draft.summary, draft.outcome);
        waiting.entry(key).or_default().push(index);
    }
    let rows: Vec<TouchRow<'_>> = drafts
        .iter()
        .map(|draft| {
            (
                draft.contact_id.get(),
                seconds(draft.at),
                draft.channel.as_str(),
                draft.direction.as_str(),
                draft.summary.as_str(),
                draft.outcome.map(Outcome::as_str),
            )
        })
        .collect();
    let statement = format!(
        "INSERT INTO touches (account_id, contact_id, at, channel, direction, summary, outcome, created_at) \
         SELECT $1, {}, {}, {}, {}, {}, {}, $2 FROM {} RETURNING {TOUCH_COLUMNS}",
        json_int(0),
        json_int(1),
        json_text(2),
        json_text(3),
        json_text(4),
        json_text(5),
        json_rows(backend, 3)
    );
    let query =
        sqlx::query(sqlx::AssertSqlSafe(statement)).bind(account_id.get()).bind(seconds(now)).bind(json_param(&rows)?);
    let mut touches: Vec<Option<Touch>> = vec![None; drafts.len()];
    for row in query.fetch_all(&mut **tx).await? {
        let touch = touch_from_row(&row)?;
        let key = content(touch.contact_id, touch.at, touch.channel, touch.direction, &touch.summary, touch.outcome);
        let index = waiting
            .get_mut(&key)
            .and_then(Vec::pop)
            .ok_or_else(|| crate::error::Error::Corrupt(format!("a touch came back unlike any inserted: {touch:?}")))?;
        touches[index] = Some(touch);
    }
    touches
        .into_iter()
        .map(|touch| touch.ok_or_else(|| crate::error::Error::Corrupt("a touch inserted did not come back".into())))
        .collect()
}

pub(crate) fn touch_from_row<R: Columns + ?Sized>(row: &R) -> Result<Touch> {
    Ok(Touch {
        id: TouchId::new(row.int("id")?),
        contact_id: ContactId::new(row.int("contact_id")?),
        at: instant(row, "at")?,
        channel: parsed(row, "channel", Channel::parse)?,
        direction: parsed(row, "direction", Direction::parse)?,
        summary: row.text("summary")?,
        outcome: optional_parsed(row, "outcome", Outcome::parse)?,
        created_at: instant(row, "created_at")?,
    })
}

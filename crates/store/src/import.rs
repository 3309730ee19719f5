//! Importing many contacts: rows are written in batches, each batch one
//! transaction, so memory stays bounded and a row is written whole or not at
//! all. A duplicate is the contact that already holds one of the row's
//! emails, else one of its phones (compared without punctuation); what
//! happens to it is the caller's [`OnDuplicate`]. A dry run writes every
//! batch inside one transaction and rolls it back, so its summary is exact.

use std::collections::HashMap;

use jiff::Timestamp;
use sqlx::{Any, Row, Transaction};
use tickler_core::contact::{ContactDetails, Stage, ZoneName};
use tickler_core::ids::{AccountId, ContactId};
use tickler_core::import::{ImportRow, ImportSummary, OnDuplicate, RowIssue, merge_into};
use tickler_core::touch::Channel;

use crate::contacts::{contact_in, name_key, replace_fields, search_text};
use crate::dialect::{multi_row_insert, placeholder, placeholders};
use crate::error::Result;
use crate::rows::seconds;
use crate::{Backend, Store};

/// A phone without the punctuation people write differently (`+1 (212) 555-0100` → `+12125550100`).
/// Must match the expression of the `contact_phones_by_key` index (migration 0004).
const PHONE_KEY_SQL: &str =
    "replace(replace(replace(replace(replace(p.phone, ' ', ''), '-', ''), '(', ''), ')', ''), '.', '')";

/// Refreshes the statistics of the tables an import reads and grows.
const ANALYZE: &str = "ANALYZE contacts, contact_emails, contact_phones";

/// Values per `IN (…)` lookup: well under both backends' limits on bound parameters.
const LOOKUP_CHUNK: usize = 500;

/// Rows per multi-row INSERT of emails, phones or tags.
const PART_CHUNK: usize = 2_000;

/// The key a phone is matched by.
pub fn phone_key(phone: &str) -> String {
    phone.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.')).collect()
}

/// An import under way: feed it batches, then finish it for the summary.
pub struct ContactImport {
    store: Store,
    tx: Option<Transaction<'static, Any>>,
    account_id: AccountId,
    on_duplicate: OnDuplicate,
    now: Timestamp,
    summary: ImportSummary,
    /// Batches written so far.
    batches: u64,
}

/// Who a row's email or phone already belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Stored(ContactId),
    /// A contact created earlier in the same batch, by its place in the batch's list.
    New(usize),
}

impl Store {
    /// Start importing contacts into the account. With `dry_run` nothing is
    /// ever committed.
    pub async fn begin_import(
        &self,
        account_id: AccountId,
        on_duplicate: OnDuplicate,
        dry_run: bool,
        now: Timestamp,
    ) -> Result<ContactImport> {
        crate::error::during("starting an import", async {
            let tx = if dry_run { Some(self.begin_write().await?) } else { None };
            Ok(ContactImport {
                store: self.clone(),
                tx,
                account_id,
                on_duplicate,
                now,
                summary: ImportSummary { dry_run, ..ImportSummary::default() },
                batches: 0,
            })
        })
        .await
    }
}

impl ContactImport {
    /// The counts so far.
    pub fn summary(&self) -> &ImportSummary {
        &self.summary
    }

    /// Write one batch of rows read from the file (a rejected row is counted and listed).
    pub async fn add_batch(&mut self, rows: Vec<Result<ImportRow, RowIssue>>) -> Result<()> {
        crate::error::during("importing a batch of contacts", async {
            let dry_run = self.summary.dry_run;
            let mut tx = match self.tx.take() {
                Some(tx) => tx,
                None => self.store.begin_write().await?,
            };
            let mut accepted = Vec::with_capacity(rows.len());
            for row in rows {
                match row {
                    Ok(row) => accepted.push(row),
                    Err(issue) => self.summary.reject(issue),
                }
            }
            let mut batch = Batch::default();
            batch.look_up(&mut tx, self.store.backend(), self.account_id, &accepted).await?;
            for row in accepted {
                self.place(&mut tx, &mut batch, row).await?;
            }
            insert_new(&mut tx, self.store.backend(), self.account_id, &batch.new, self.now).await?;
            self.batches += 1;
            // PostgreSQL plans the lookups from its statistics, which a large import outdates at once
            // (an empty table's plan walks every contact per batch); refresh them as the tables double.
            let analyze = self.store.backend() == Backend::Postgres && self.batches.is_power_of_two();
            if dry_run {
                if analyze {
                    sqlx::query(ANALYZE).execute(&mut *tx).await?;
                }
                self.tx = Some(tx);
            } else {
                tx.commit().await?;
                if analyze {
                    sqlx::query(ANALYZE).execute(self.store.pool()).await?;
                }
            }
            Ok(())
        })
        .await
    }

    /// End the import (rolling a dry run back) and give its summary.
    pub async fn finish(mut self) -> Result<ImportSummary> {
        crate::error::during("finishing an import", async {
            if let Some(tx) = self.tx.take() {
                tx.rollback().await?;
            }
            Ok(self.summary)
        })
        .await
    }

    /// Decide what one row does: create, skip, update, or keep both.
    async fn place(&mut self, tx: &mut Transaction<'static, Any>, batch: &mut Batch, row: ImportRow) -> Result<()> {
        let ImportRow { row: number, details, warnings, .. } = row;
        let duplicate = batch.owner_of(&details);
        match (duplicate, self.on_duplicate) {
            (None, _) => batch.create(details),
            (Some(_), OnDuplicate::Skip) => {
                self.summary.skipped += 1;
                return Ok(());
            }
            (Some(_), OnDuplicate::KeepBoth) => {
                let mut details = details;
                let (free, taken): (Vec<_>, Vec<_>) =
                    details.emails.into_iter().partition(|email| !batch.emails.contains_key(email.as_str()));
                details.emails = free;
                for email in taken {
                    self.summary.warn(RowIssue::new(
                        number,
                        "email",
                        format!("{} stays with the contact that already has it", email.as_str()),
                    ));
                }
                batch.create(details);
            }
            (Some(owner), OnDuplicate::Update) => {
                let existing = match owner {
                    Owner::Stored(id) => contact_in(tx, self.account_id, id).await?.details,
                    Owner::New(index) => batch.new[index].clone(),
                };
                let merged = merge_into(&existing, &details);
                if let Some(email) =
                    merged.emails.iter().find(|e| batch.emails.get(e.as_str()).is_some_and(|o| *o != owner))
                {
                    self.summary.reject(RowIssue::new(
                        number,
                        "email",
                        format!("{} already belongs to another contact than the one this row updates", email.as_str()),
                    ));
                    return Ok(());
                }
                batch.register(&merged, owner);
                match owner {
                    Owner::Stored(id) => replace_fields(tx, self.account_id, id, &merged, self.now).await?,
                    Owner::New(index) => batch.new[index] = merged,
                }
                self.summary.updated += 1;
            }
        }
        if duplicate.is_none() || self.on_duplicate == OnDuplicate::KeepBoth {
            self.summary.created += 1;
        }
        for warning in warnings {
            self.summary.warn(warning);
        }
        Ok(())
    }
}

/// What one batch knows: who holds each email and phone key it mentions, and the contacts it creates.
#[derive(Default)]
struct Batch {
    emails: HashMap<String, Owner>,
    phones: HashMap<String, Owner>,
    new: Vec<ContactDetails>,
}

impl Batch {
    /// Read the stored owners of every email and phone in `rows`.
    async fn look_up(
        &mut self,
        tx: &mut Transaction<'static, Any>,
        backend: Backend,
        account_id: AccountId,
        rows: &[ImportRow],
    ) -> Result<()> {
        let mut emails: Vec<String> =
            rows.iter().flat_map(|r| r.details.emails.iter().map(|e| e.as_str().to_string())).collect();
        emails.sort();
        emails.dedup();
        for chunk in emails.chunks(LOOKUP_CHUNK) {
            let statement = format!(
                "SELECT email AS value, contact_id FROM contact_emails WHERE account_id = {} AND email IN ({})",
                placeholder(backend, 1),
                placeholders(backend, 2, chunk.len())
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(statement)).bind(account_id.get());
            for email in chunk {
                query = query.bind(email.as_str());
            }
            for row in query.fetch_all(&mut **tx).await? {
                self.emails.insert(row.try_get("value")?, Owner::Stored(ContactId::new(row.try_get("contact_id")?)));
            }
        }
        let mut phones: Vec<String> =
            rows.iter().flat_map(|r| r.details.phones.iter().map(|p| phone_key(p.as_str()))).collect();
        phones.sort();
        phones.dedup();
        for chunk in phones.chunks(LOOKUP_CHUNK) {
            let statement = format!(
                // CROSS JOIN keeps SQLite from walking the account's contacts: the phone index leads.
                "SELECT {PHONE_KEY_SQL} AS value, MIN(p.contact_id) AS contact_id FROM contact_phones p \
                 CROSS JOIN contacts c WHERE c.id = p.contact_id \
                 AND c.account_id = {} AND {PHONE_KEY_SQL} IN ({}) GROUP BY {PHONE_KEY_SQL}",
                placeholder(backend, 1),
                placeholders(backend, 2, chunk.len())
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(statement)).bind(account_id.get());
            for phone in chunk {
                query = query.bind(phone.as_str());
            }
            for row in query.fetch_all(&mut **tx).await? {
                self.phones.insert(row.try_get("value")?, Owner::Stored(ContactId::new(row.try_get("contact_id")?)));
            }
        }
        Ok(())
    }

    /// The contact holding the first of the row's emails that is held, else of its phones.
    fn owner_of(&self, details: &ContactDetails) -> Option<Owner> {
        details
            .emails
            .iter()
            .find_map(|email| self.emails.get(email.as_str()).copied())
            .or_else(|| details.phones.iter().find_map(|phone| self.phones.get(&phone_key(phone.as_str())).copied()))
    }

    fn create(&mut self, details: ContactDetails) {
        self.register(&details, Owner::New(self.new.len()));
        self.new.push(details);
    }

    fn register(&mut self, details: &ContactDetails, owner: Owner) {
        for email in &details.emails {
            self.emails.insert(email.as_str().to_string(), owner);
        }
        for phone in &details.phones {
            self.phones.entry(phone_key(phone.as_str())).or_insert(owner);
        }
    }
}

/// Insert the batch's new contacts with multi-row INSERTs, their ids reserved first.
async fn insert_new(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    account_id: AccountId,
    new: &[ContactDetails],
    now: Timestamp,
) -> Result<()> {
    if new.is_empty() {
        return Ok(());
    }
    let ids = reserve_ids(tx, backend, "contacts", new.len()).await?;
    let columns = "id, account_id, name, name_key, search_text, organisation, zone, birthday, stage, source, \
                   referred_by, preferred_channel, consent, pacing_gap_days, notes, created_at, updated_at, \
                   postal_addresses, cadence";
    for (chunk_index, chunk) in new.chunks(crate::IMPORT_BATCH).enumerate() {
        let statement = multi_row_insert(backend, "contacts", columns, 19, chunk.len());
        let mut query = sqlx::query(sqlx::AssertSqlSafe(statement));
        for (offset, details) in chunk.iter().enumerate() {
            query = query
                .bind(ids[chunk_index * crate::IMPORT_BATCH + offset])
                .bind(account_id.get())
                .bind(details.name.as_str().to_string())
                .bind(name_key(&details.name))
                .bind(search_text(details))
                .bind(details.organisation.clone())
                .bind(details.zone.as_ref().map(|z| ZoneName::as_str(z).to_string()))
                .bind(details.birthday.map(|day| day.to_string()))
                .bind(details.stage.map(Stage::as_str))
                .bind(details.source.clone())
                .bind(details.referred_by.map(ContactId::get))
                .bind(details.preferred_channel.map(Channel::as_str))
                .bind("active")
                .bind(details.pacing_gap_days.map(i64::from))
                .bind(details.notes.clone())
                .bind(seconds(now))
                .bind(seconds(now))
                .bind(crate::contacts::postal_addresses_json(&details.addresses))
                .bind(details.cadence.map(tickler_core::cadence::Cadence::as_stored));
        }
        query.execute(&mut **tx).await?;
    }
    let owned = || ids.iter().copied().zip(new.iter());
    let emails: Vec<(i64, i64, String)> = owned()
        .flat_map(|(id, d)| d.emails.iter().enumerate().map(move |(i, e)| (id, i as i64, e.as_str().to_string())))
        .collect();
    for chunk in emails.chunks(PART_CHUNK) {
        let statement =
            multi_row_insert(backend, "contact_emails", "account_id, contact_id, position, email", 4, chunk.len());
        let mut query = sqlx::query(sqlx::AssertSqlSafe(statement));
        for (id, position, email) in chunk {
            query = query.bind(account_id.get()).bind(*id).bind(*position).bind(email.as_str());
        }
        query.execute(&mut **tx).await?;
    }
    let phones: Vec<(i64, i64, String)> = owned()
        .flat_map(|(id, d)| d.phones.iter().enumerate().map(move |(i, p)| (id, i as i64, p.as_str().to_string())))
        .collect();
    for chunk in phones.chunks(PART_CHUNK) {
        let statement = multi_row_insert(backend, "contact_phones", "contact_id, position, phone", 3, chunk.len());
        let mut query = sqlx::query(sqlx::AssertSqlSafe(statement));
        for (id, position, phone) in chunk {
            query = query.bind(*id).bind(*position).bind(phone.as_str());
        }
        query.execute(&mut **tx).await?;
    }
    let tags: Vec<(i64, String)> =
        owned().flat_map(|(id, d)| d.tags.iter().map(move |t| (id, t.as_str().to_string()))).collect();
    for chunk in tags.chunks(PART_CHUNK) {
        let statement = multi_row_insert(backend, "contact_tags", "account_id, contact_id, tag", 3, chunk.len());
        let mut query = sqlx::query(sqlx::AssertSqlSafe(statement));
        for (id, tag) in chunk {
            query = query.bind(account_id.get()).bind(*id).bind(tag.as_str());
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Ids for `count` new rows of `table`. PostgreSQL draws them from the
/// identity sequence (safe beside other writers); SQLite's write transaction
/// holds the only write lock, so the ids after the largest are free.
pub(crate) async fn reserve_ids(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    table: &'static str,
    count: usize,
) -> Result<Vec<i64>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    match backend {
        Backend::Sqlite => {
            let statement = format!("SELECT COALESCE(MAX(id), 0) AS id FROM {table}");
            let last: i64 = sqlx::query(sqlx::AssertSqlSafe(statement)).fetch_one(&mut **tx).await?.try_get("id")?;
            Ok((1..=count as i64).map(|n| last + n).collect())
        }
        Backend::Postgres => {
            let statement = format!(
                "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id FROM generate_series(1, $1) ORDER BY 1"
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(statement)).bind(count as i64).fetch_all(&mut **tx).await?;
            rows.iter().map(|row| Ok(row.try_get("id")?)).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_keys_ignore_punctuation() {
        assert_eq!(phone_key("+1 (212) 555-0100"), "+12125550100");
        assert_eq!(phone_key("212.555.0100 x12"), "2125550100x12");
    }
}

//! Contacts: create, change, find by id, email or part of a name, list, delete.

use jiff::Timestamp;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Row, Transaction};
use tickler_core::cadence::Cadence;
use tickler_core::consent::{Consent, ConsentState};
use tickler_core::contact::{
    Contact, ContactDetails, ContactName, EmailAddress, Phone, PostalAddress, Stage, Tag, ZoneName,
};
use tickler_core::ids::{AccountId, ContactId};
use tickler_core::touch::Channel;

use crate::Store;
use crate::error::{Error, Record, Result};
use crate::reads::Param;
use crate::rows::{Columns, instant, optional_date, optional_parsed, parsed, seconds};

/// Separator of the aggregated emails, phones and tags; no valid value contains it.
const SEPARATOR: char = '\u{1f}';

/// The columns of a contact with its emails, phones and tags aggregated in
/// stored order. `c` is the contacts table.
pub(crate) const CONTACT_SELECT: &str = "SELECT c.id, c.name, c.organisation, c.zone, c.birthday, c.stage, c.source, \
     c.referred_by, c.preferred_channel, c.consent, c.consent_until, c.pacing_gap_days, c.notes, c.created_at, c.updated_at, c.postal_addresses, c.cadence, \
     (SELECT string_agg(e.email, '\u{1f}' ORDER BY e.position) FROM contact_emails e WHERE e.contact_id = c.id) AS emails, \
     (SELECT string_agg(p.phone, '\u{1f}' ORDER BY p.position) FROM contact_phones p WHERE p.contact_id = c.id) AS phones, \
     (SELECT string_agg(t.tag, '\u{1f}' ORDER BY t.tag) FROM contact_tags t WHERE t.contact_id = c.id) AS tags \
     FROM contacts c";

/// One contact of an account by id (`$1` the account, `$2` the contact).
static CONTACT_BY_ID_SQL: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("{CONTACT_SELECT} WHERE c.account_id = $1 AND c.id = $2"));

/// Which contacts to list.
#[derive(Debug, Clone, Default)]
pub struct ContactFilter {
    /// Only contacts with this tag.
    pub tag: Option<Tag>,
    /// Only contacts whose name, organisation or email contains this text (any case).
    pub search: Option<String>,
    /// Only contacts in this stage.
    pub stage: Option<Stage>,
    /// Only contacts in this consent state.
    pub consent: Option<ConsentState>,
    /// At most this many (all when `None`).
    pub limit: Option<u32>,
    /// Skip this many first.
    pub offset: u32,
}

impl Store {
    /// Create a contact with its emails, phones and tags, in one transaction.
    pub async fn create_contact(
        &self,
        account_id: AccountId,
        draft: &ContactDetails,
        now: Timestamp,
    ) -> Result<Contact> {
        crate::error::during("creating a contact", async {
            let draft = draft.clone().deduplicated();
            let mut tx = self.begin_write().await?;
            ensure_emails_free(&mut tx, account_id, &draft.emails, None).await?;
            if let Some(referrer) = draft.referred_by {
                ensure_contact_exists(&mut tx, account_id, referrer).await?;
            }
            let insert = sqlx::query(
                "INSERT INTO contacts (account_id, name, name_key, search_text, organisation, zone, birthday, stage, source, \
                 referred_by, preferred_channel, pacing_gap_days, notes, updated_at, postal_addresses, cadence, created_at, consent) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $14, 'active') RETURNING id",
            )
            .bind(account_id.get());
            let id = ContactId::new(bind_fields(insert, &draft, now).fetch_one(&mut *tx).await?.try_get("id")?);
            insert_parts(&mut tx, account_id, id, &draft).await?;
            let contact = contact_in(&mut tx, account_id, id).await?;
            tx.commit().await?;
            Ok(contact)
        })
        .await
    }

    /// Replace a contact's fields (consent is changed only through [`Store::set_consent`]).
    pub async fn update_contact(
        &self,
        account_id: AccountId,
        id: ContactId,
        draft: &ContactDetails,
        now: Timestamp,
    ) -> Result<Contact> {
        crate::error::during("updating a contact", async {
            let draft = draft.clone().deduplicated();
            let mut tx = self.begin_write().await?;
            ensure_contact_exists(&mut tx, account_id, id).await?;
            ensure_emails_free(&mut tx, account_id, &draft.emails, Some(id)).await?;
            if let Some(referrer) = draft.referred_by {
                if referrer == id {
                    return Err(tickler_core::Error::invalid("referred-by", "a contact cannot refer themselves").into());
                }
                ensure_contact_exists(&mut tx, account_id, referrer).await?;
            }
            replace_fields(&mut tx, account_id, id, &draft, now).await?;
            let contact = contact_in(&mut tx, account_id, id).await?;
            tx.commit().await?;
            Ok(contact)
        })
        .await
    }

    /// Delete a contact and everything recorded about them.
    pub async fn delete_contact(&self, account_id: AccountId, id: ContactId) -> Result<()> {
        crate::error::during("deleting a contact", async {
            let mut tx = self.begin_write().await?;
            ensure_contact_exists(&mut tx, account_id, id).await?;
            // Children first, so the delete does not depend on the backend's cascade settings.
            for statement in [
                "DELETE FROM contact_emails WHERE contact_id = $1",
                "DELETE FROM contact_phones WHERE contact_id = $1",
                "DELETE FROM contact_tags WHERE contact_id = $1",
                "DELETE FROM touches WHERE contact_id = $1",
                "DELETE FROM follow_up_snoozes WHERE follow_up_id IN (SELECT id FROM follow_ups WHERE contact_id = $1)",
                "DELETE FROM follow_ups WHERE contact_id = $1",
                "DELETE FROM promises WHERE contact_id = $1",
                "DELETE FROM consent_changes WHERE contact_id = $1",
                "UPDATE contacts SET referred_by = NULL WHERE referred_by = $1",
            ] {
                sqlx::query(statement).bind(id.get()).execute(&mut *tx).await?;
            }
            sqlx::query("DELETE FROM contacts WHERE account_id = $1 AND id = $2")
                .bind(account_id.get())
                .bind(id.get())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// One contact by id.
    pub async fn contact(&self, account_id: AccountId, id: ContactId) -> Result<Contact> {
        crate::error::during("reading a contact", async {
            let params = [Param::Int(account_id.get()), Param::Int(id.get())];
            self.reader
                .optional(CONTACT_BY_ID_SQL.as_str(), &params, |row| contact_from_row(row))
                .await?
                .ok_or_else(|| Error::not_found(Record::Contact, id))
        })
        .await
    }

    /// The contact a person means by `reference`: an id, an email, or any
    /// unambiguous part of a name (an exact full name wins over partial matches).
    pub async fn find_contact(&self, account_id: AccountId, reference: &str) -> Result<Contact> {
        crate::error::during("finding a contact", async {
            let reference = reference.trim();
            if reference.is_empty() {
                return Err(tickler_core::Error::invalid("contact", "is empty; name a contact by id, email or name").into());
            }
            if let Ok(id) = reference.parse::<ContactId>() {
                return self.contact(account_id, id).await.map_err(|error| match error {
                    Error::NotFound { .. } => Error::not_found(Record::Contact, reference),
                    other => other,
                });
            }
            if reference.contains('@') {
                let email = EmailAddress::parse(reference)?;
                let id: Option<ContactId> =
                    sqlx::query("SELECT contact_id FROM contact_emails WHERE account_id = $1 AND email = $2")
                        .bind(account_id.get())
                        .bind(email.as_str())
                        .fetch_optional(&self.pool)
                        .await?
                        .map(|row| row.try_get("contact_id").map(ContactId::new))
                        .transpose()?;
                return match id {
                    Some(id) => self.contact(account_id, id).await,
                    None => Err(Error::not_found(Record::Contact, reference)),
                };
            }
            let key = reference.to_lowercase();
            let rows = sqlx::query(
                "SELECT id, name, name_key FROM contacts WHERE account_id = $1 AND name_key LIKE $2 ESCAPE '\\' ORDER BY name_key, id LIMIT 21",
            )
            .bind(account_id.get())
            .bind(format!("%{}%", escape_like(&key)))
            .fetch_all(&self.pool)
            .await?;
            let exact: Vec<&AnyRow> =
                rows.iter().filter(|row| row.try_get::<String, _>("name_key").is_ok_and(|k| k == key)).collect();
            let chosen = match (exact.as_slice(), rows.as_slice()) {
                ([one], _) => ContactId::new(one.try_get("id")?),
                ([], [one]) => ContactId::new(one.try_get("id")?),
                ([], []) => return Err(Error::not_found(Record::Contact, reference)),
                (several, _) => {
                    let pool: Vec<&AnyRow> = if several.is_empty() { rows.iter().collect() } else { several.to_vec() };
                    let candidates = pool
                        .iter()
                        .take(20)
                        .map(|row| {
                            Ok(format!("{} (id {})", row.try_get::<String, _>("name")?, row.try_get::<i64, _>("id")?))
                        })
                        .collect::<Result<Vec<String>>>()?;
                    return Err(Error::Ambiguous { reference: reference.to_string(), candidates });
                }
            };
            self.contact(account_id, chosen).await
        })
        .await
    }

    /// Contacts matching `filter`, by name.
    pub async fn contacts(&self, account_id: AccountId, filter: &ContactFilter) -> Result<Vec<Contact>> {
        crate::error::during("listing contacts", async {
            let statement = format!(
                "{CONTACT_SELECT} WHERE c.account_id = $1 \
             AND ($2 IS NULL OR EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = $2)) \
             AND ($3 IS NULL OR c.search_text LIKE $3 ESCAPE '\\') \
             AND ($4 IS NULL OR c.stage = $4) AND ($5 IS NULL OR c.consent = $5) \
             ORDER BY c.name_key, c.id LIMIT $6 OFFSET $7"
            );
            let search = filter.search.as_ref().map(|text| format!("%{}%", escape_like(&text.trim().to_lowercase())));
            let params = [
                Param::Int(account_id.get()),
                Param::OptionalText(filter.tag.as_ref().map(|tag| tag.as_str())),
                Param::OptionalText(search.as_deref()),
                Param::OptionalText(filter.stage.as_ref().map(|stage| stage.as_str())),
                Param::OptionalText(filter.consent.as_ref().map(|state| state.as_str())),
                Param::Int(filter.limit.map_or(i64::MAX, i64::from)),
                Param::Int(i64::from(filter.offset)),
            ];
            self.reader.rows(&statement, &params, |row| contact_from_row(row)).await
        })
        .await
    }

    /// How many contacts the account has.
    pub async fn count_contacts(&self, account_id: AccountId) -> Result<i64> {
        crate::error::during("counting contacts", async {
            Ok(sqlx::query("SELECT COUNT(*) AS n FROM contacts WHERE account_id = $1")
                .bind(account_id.get())
                .fetch_one(&self.pool)
                .await?
                .try_get("n")?)
        })
        .await
    }

    /// Every contact with a known birthday: (id, name, birthday), for the calendar feed.
    pub async fn birthdays(&self, account_id: AccountId) -> Result<Vec<(i64, String, jiff::civil::Date)>> {
        crate::error::during("reading birthdays", async {
            let rows = sqlx::query(
                "SELECT id, name, birthday FROM contacts WHERE account_id = $1 AND birthday IS NOT NULL ORDER BY id",
            )
            .bind(account_id.get())
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|row| {
                    let day = crate::rows::optional_date(row, "birthday")?
                        .ok_or_else(|| Error::Corrupt("birthday: missing".to_string()))?;
                    Ok((row.try_get("id")?, row.try_get("name")?, day))
                })
                .collect()
        })
        .await
    }
}

/// One contact, read inside a transaction or on a connection.
pub(crate) async fn contact_in(
    connection: &mut sqlx::AnyConnection,
    account_id: AccountId,
    id: ContactId,
) -> Result<Contact> {
    let row = sqlx::query(CONTACT_BY_ID_SQL.as_str())
        .bind(account_id.get())
        .bind(id.get())
        .fetch_optional(&mut *connection)
        .await?
        .ok_or_else(|| Error::not_found(Record::Contact, id))?;
    contact_from_row(&row)
}

/// Fail with not-found unless the contact is in the account.
pub(crate) async fn ensure_contact_exists(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    id: ContactId,
) -> Result<()> {
    sqlx::query("SELECT id FROM contacts WHERE account_id = $1 AND id = $2")
        .bind(account_id.get())
        .bind(id.get())
        .fetch_optional(&mut **tx)
        .await?
        .map(|_| ())
        .ok_or_else(|| Error::not_found(Record::Contact, id))
}

async fn ensure_emails_free(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    emails: &[EmailAddress],
    except: Option<ContactId>,
) -> Result<()> {
    for email in emails {
        let owner = sqlx::query(
            "SELECT c.id, c.name FROM contact_emails e JOIN contacts c ON c.id = e.contact_id \
             WHERE e.account_id = $1 AND e.email = $2",
        )
        .bind(account_id.get())
        .bind(email.as_str())
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(owner) = owner {
            let owner_id = ContactId::new(owner.try_get("id")?);
            if Some(owner_id) != except {
                let name: String = owner.try_get("name")?;
                return Err(Error::Duplicate {
                    field: "email",
                    value: email.as_str().to_string(),
                    owner: format!("{name} (id {owner_id})"),
                });
            }
        }
    }
    Ok(())
}

/// Overwrite a contact's fields, emails, phones and tags inside `tx`; the caller has checked the emails are free.
pub(crate) async fn replace_fields(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    id: ContactId,
    draft: &ContactDetails,
    now: Timestamp,
) -> Result<()> {
    let update = sqlx::query(
        "UPDATE contacts SET name = $2, name_key = $3, search_text = $4, organisation = $5, zone = $6, birthday = $7, \
         stage = $8, source = $9, referred_by = $10, preferred_channel = $11, pacing_gap_days = $12, notes = $13, \
         updated_at = $14, postal_addresses = $15, cadence = $16 WHERE id = $1 AND account_id = $17",
    )
    .bind(id.get());
    bind_fields(update, draft, now).bind(account_id.get()).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM contact_emails WHERE contact_id = $1").bind(id.get()).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM contact_phones WHERE contact_id = $1").bind(id.get()).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM contact_tags WHERE contact_id = $1").bind(id.get()).execute(&mut **tx).await?;
    insert_parts(tx, account_id, id, draft).await
}

async fn insert_parts(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    id: ContactId,
    draft: &ContactDetails,
) -> Result<()> {
    for (position, email) in draft.emails.iter().enumerate() {
        sqlx::query("INSERT INTO contact_emails (account_id, contact_id, position, email) VALUES ($1, $2, $3, $4)")
            .bind(account_id.get())
            .bind(id.get())
            .bind(position as i64)
            .bind(email.as_str())
            .execute(&mut **tx)
            .await?;
    }
    for (position, phone) in draft.phones.iter().enumerate() {
        sqlx::query("INSERT INTO contact_phones (contact_id, position, phone) VALUES ($1, $2, $3)")
            .bind(id.get())
            .bind(position as i64)
            .bind(phone.as_str())
            .execute(&mut **tx)
            .await?;
    }
    for tag in &draft.tags {
        sqlx::query("INSERT INTO contact_tags (account_id, contact_id, tag) VALUES ($1, $2, $3)")
            .bind(account_id.get())
            .bind(id.get())
            .bind(tag.as_str())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Read a contact from a [`CONTACT_SELECT`] row.
pub(crate) fn contact_from_row<R: Columns + ?Sized>(row: &R) -> Result<Contact> {
    let split = |column: &str| -> Result<Vec<String>> {
        let joined: Option<String> = row.optional_text(column)?;
        Ok(joined.map(|text| text.split(SEPARATOR).map(str::to_string).collect()).unwrap_or_default())
    };
    let corrupt = |column: &'static str| move |error: tickler_core::Error| Error::Corrupt(format!("{column}: {error}"));
    let gap: Option<i64> = row.optional_int("pacing_gap_days")?;
    let details = ContactDetails {
        name: parsed(row, "name", ContactName::parse)?,
        organisation: row.optional_text("organisation")?,
        emails: split("emails")?
            .iter()
            .map(|e| EmailAddress::parse(e))
            .collect::<Result<_, _>>()
            .map_err(corrupt("emails"))?,
        phones: split("phones")?
            .iter()
            .map(|p| Phone::parse(p))
            .collect::<Result<_, _>>()
            .map_err(corrupt("phones"))?,
        tags: split("tags")?.iter().map(|t| Tag::parse(t)).collect::<Result<_, _>>().map_err(corrupt("tags"))?,
        zone: optional_parsed(row, "zone", ZoneName::parse)?,
        birthday: optional_date(row, "birthday")?,
        stage: optional_parsed(row, "stage", Stage::parse)?,
        source: row.optional_text("source")?,
        referred_by: row.optional_int("referred_by")?.map(ContactId::new),
        preferred_channel: optional_parsed(row, "preferred_channel", Channel::parse)?,
        pacing_gap_days: gap.map(|days| u32::try_from(days).unwrap_or(0)),
        notes: row.text("notes")?,
        addresses: postal_addresses(row)?,
        cadence: optional_parsed(row, "cadence", Cadence::parse)?,
    };
    Ok(Contact {
        id: ContactId::new(row.int("id")?),
        details,
        consent: Consent {
            state: parsed(row, "consent", ConsentState::parse)?,
            until: optional_date(row, "consent_until")?,
        },
        created_at: instant(row, "created_at")?,
        updated_at: instant(row, "updated_at")?,
    })
}

/// Bind a draft's columns, in the order both the INSERT and the UPDATE list them, then the change time.
fn bind_fields<'q>(
    query: Query<'q, Any, AnyArguments>,
    draft: &'q ContactDetails,
    now: Timestamp,
) -> Query<'q, Any, AnyArguments> {
    query
        .bind(draft.name.as_str())
        .bind(name_key(&draft.name))
        .bind(search_text(draft))
        .bind(draft.organisation.as_deref())
        .bind(draft.zone.as_ref().map(ZoneName::as_str))
        .bind(draft.birthday.map(|day| day.to_string()))
        .bind(draft.stage.map(Stage::as_str))
        .bind(draft.source.as_deref())
        .bind(draft.referred_by.map(ContactId::get))
        .bind(draft.preferred_channel.map(Channel::as_str))
        .bind(draft.pacing_gap_days.map(i64::from))
        .bind(draft.notes.as_str())
        .bind(seconds(now))
        .bind(postal_addresses_json(&draft.addresses))
        .bind(draft.cadence.map(Cadence::as_stored))
}

/// The stored form of a contact's addresses: a JSON array, or NULL for none.
pub(crate) fn postal_addresses_json(addresses: &[PostalAddress]) -> Option<String> {
    (!addresses.is_empty()).then(|| serde_json::to_string(addresses).unwrap_or_else(|_| "[]".to_string()))
}

/// A contact's addresses from the `postal_addresses` column.
pub(crate) fn postal_addresses<R: Columns + ?Sized>(row: &R) -> Result<Vec<PostalAddress>> {
    let text: Option<String> = row.optional_text("postal_addresses")?;
    match text.as_deref().map(str::trim).filter(|text| !text.is_empty()) {
        None => Ok(Vec::new()),
        Some(text) => serde_json::from_str(text).map_err(|error| Error::Corrupt(format!("postal_addresses: {error}"))),
    }
}

pub(crate) fn name_key(name: &ContactName) -> String {
    name.as_str().to_lowercase()
}

/// What a search matches: name, organisation and emails, lower-cased.
pub(crate) fn search_text(draft: &ContactDetails) -> String {
    let mut text = draft.name.as_str().to_lowercase();
    if let Some(organisation) = &draft.organisation {
        text.push(' ');
        text.push_str(&organisation.to_lowercase());
    }
    for email in &draft.emails {
        text.push(' ');
        text.push_str(email.as_str());
    }
    text
}

/// Escape `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

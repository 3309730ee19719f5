//! Lists and their members. A membership changes in one transaction that
//! locks the contact and reads its consent, so the rules of `core::list`
//! (who may join, who stays out) are decided on what is committed.

use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use tickler_core::consent::ConsentState;
use tickler_core::ids::{AccountId, ContactId, ListId, UserId};
use tickler_core::list::{self, List, ListName, Membership, MembershipSource, MembershipState};

use crate::Store;
use crate::error::{Error, Record, Result};
use crate::rows::{instant, parsed, seconds};

/// A list with how many are on it in each state.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListSummary {
    #[serde(flatten)]
    pub list: List,
    pub subscribed: i64,
    pub pending: i64,
    pub left: i64,
}

/// One member of a list, with the contact's name, first address and consent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    pub contact_name: String,
    pub email: Option<String>,
    pub consent: ConsentState,
    #[serde(flatten)]
    pub membership: Membership,
}

/// What to do to a membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipChange {
    /// Join through `source` (a sign-up starts pending).
    Join(MembershipSource),
    /// Confirm a pending sign-up.
    Confirm,
    /// Leave, through `source` (a user removing them, or the unsubscribe link).
    Leave(MembershipSource),
}

/// Who changed a membership and why.
#[derive(Debug, Clone, Copy)]
pub struct ChangedBy<'a> {
    pub user_id: Option<UserId>,
    pub reason: &'a str,
    pub now: Timestamp,
}

const LIST_COLUMNS: &str = "l.id, l.name, l.description, l.created_at";
const MEMBER_COLUMNS: &str = "m.list_id, m.contact_id, m.state, m.source, m.user_id, m.reason, m.changed_at";

impl Store {
    /// Create a list; its name is unique in the account, ignoring case.
    pub async fn create_list(
        &self,
        account_id: AccountId,
        name: &ListName,
        description: &str,
        public_key: &str,
        now: Timestamp,
    ) -> Result<List> {
        crate::error::during("creating a list", async {
            let mut tx = self.begin_write().await?;
            let taken = sqlx::query("SELECT id FROM lists WHERE account_id = $1 AND name_key = $2")
                .bind(account_id.get())
                .bind(name.key())
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                return Err(Error::Duplicate {
                    field: "name",
                    value: name.as_str().to_string(),
                    owner: "another list".into(),
                });
            }
            let row = sqlx::query(
                "INSERT INTO lists (account_id, name, name_key, description, public_key, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, name, description, created_at",
            )
            .bind(account_id.get())
            .bind(name.as_str())
            .bind(name.key())
            .bind(description.trim())
            .bind(public_key)
            .bind(seconds(now))
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            list_from_row(&row)
        })
        .await
    }

    /// Every list of the account by name, with its member counts.
    pub async fn lists(&self, account_id: AccountId) -> Result<Vec<ListSummary>> {
        crate::error::during("listing lists", async {
            let statement = format!(
                "SELECT {LIST_COLUMNS}, \
                 (SELECT COUNT(*) FROM list_members m WHERE m.list_id = l.id AND m.state = 'subscribed') AS subscribed, \
                 (SELECT COUNT(*) FROM list_members m WHERE m.list_id = l.id AND m.state = 'pending') AS pending, \
                 (SELECT COUNT(*) FROM list_members m WHERE m.list_id = l.id AND m.state = 'left') AS left_count \
                 FROM lists l WHERE l.account_id = $1 ORDER BY l.name_key, l.id"
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(statement)).bind(account_id.get()).fetch_all(&self.pool).await?;
            rows.iter()
                .map(|row| {
                    Ok(ListSummary {
                        list: list_from_row(row)?,
                        subscribed: row.try_get("subscribed")?,
                        pending: row.try_get("pending")?,
                        left: row.try_get("left_count")?,
                    })
                })
                .collect()
        })
        .await
    }

    /// A list by id, or by name ignoring case.
    pub async fn find_list(&self, account_id: AccountId, reference: &str) -> Result<List> {
        crate::error::during("finding a list", async {
            let reference = reference.trim();
            let id = reference.strip_prefix('#').unwrap_or(reference).parse::<i64>().ok();
            let statement = format!(
                "SELECT {LIST_COLUMNS} FROM lists l WHERE l.account_id = $1 AND (l.id = $2 OR l.name_key = $3) \
                 ORDER BY l.id LIMIT 1"
            );
            let row = sqlx::query(sqlx::AssertSqlSafe(statement))
                .bind(account_id.get())
                .bind(id)
                .bind(reference.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase())
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| Error::not_found(Record::List, reference))?;
            list_from_row(&row)
        })
        .await
    }

    /// The list whose sign-up form is at `public_key`, with its account.
    pub async fn list_by_public_key(&self, public_key: &str) -> Result<(AccountId, List)> {
        crate::error::during("finding a list's sign-up form", async {
            let statement = format!("SELECT {LIST_COLUMNS}, l.account_id FROM lists l WHERE l.public_key = $1");
            let row = sqlx::query(sqlx::AssertSqlSafe(statement))
                .bind(public_key)
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| Error::not_found(Record::List, "this sign-up form"))?;
            Ok((AccountId::new(row.try_get("account_id")?), list_from_row(&row)?))
        })
        .await
    }

    /// The key of a list's public sign-up form.
    pub async fn list_public_key(&self, account_id: AccountId, list_id: ListId) -> Result<String> {
        crate::error::during("reading a list's sign-up address", async {
            let row = sqlx::query("SELECT public_key FROM lists WHERE account_id = $1 AND id = $2")
                .bind(account_id.get())
                .bind(list_id.get())
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| Error::not_found(Record::List, list_id))?;
            Ok(row.try_get("public_key")?)
        })
        .await
    }

    /// Change a contact's membership of a list, by the rules of `core::list`;
    /// `None` when nothing changed (already on the list, already gone).
    pub async fn change_membership(
        &self,
        account_id: AccountId,
        list_id: ListId,
        contact_id: ContactId,
        change: MembershipChange,
        by: ChangedBy<'_>,
    ) -> Result<Option<Membership>> {
        crate::error::during("changing a list membership", async {
            let mut tx = self.begin_write().await?;
            let changed = change_in(self, &mut tx, account_id, list_id, contact_id, change, by).await?;
            tx.commit().await?;
            Ok(changed)
        })
        .await
    }

    /// The members of a list (all states, or one), by name.
    pub async fn members(
        &self,
        account_id: AccountId,
        list_id: ListId,
        state: Option<MembershipState>,
    ) -> Result<Vec<Member>> {
        crate::error::during("listing a list's members", async {
            let statement = format!(
                "SELECT {MEMBER_COLUMNS}, c.name, c.consent, \
                 (SELECT e.email FROM contact_emails e WHERE e.contact_id = c.id ORDER BY e.position LIMIT 1) AS email \
                 FROM list_members m JOIN contacts c ON c.id = m.contact_id \
                 WHERE m.account_id = $1 AND m.list_id = $2 AND ($3 IS NULL OR m.state = $3) ORDER BY c.name_key, c.id"
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(statement))
                .bind(account_id.get())
                .bind(list_id.get())
                .bind(state.map(MembershipState::as_str))
                .fetch_all(&self.pool)
                .await?;
            rows.iter()
                .map(|row| {
                    Ok(Member {
                        contact_name: row.try_get("name")?,
                        email: row.try_get("email")?,
                        consent: parsed(row, "consent", ConsentState::parse)?,
                        membership: membership_from_row(row)?,
                    })
                })
                .collect()
        })
        .await
    }

    /// A contact's memberships, with their lists, by list name.
    pub async fn memberships(&self, account_id: AccountId, contact_id: ContactId) -> Result<Vec<(List, Membership)>> {
        crate::error::during("reading a contact's lists", async {
            let statement = format!(
                "SELECT {LIST_COLUMNS}, {MEMBER_COLUMNS} FROM list_members m JOIN lists l ON l.id = m.list_id \
                 WHERE m.account_id = $1 AND m.contact_id = $2 ORDER BY l.name_key"
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(statement))
                .bind(account_id.get())
                .bind(contact_id.get())
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(|row| Ok((list_from_row(row)?, membership_from_row(row)?))).collect()
        })
        .await
    }

    /// The installation's secret named `name`, made with `make` and stored on first use
    /// (two processes racing both read the one that was stored first).
    pub async fn installation_secret(
        &self,
        name: &str,
        make: impl FnOnce() -> String,
        now: Timestamp,
    ) -> Result<String> {
        crate::error::during("reading the installation's secret", async {
            let read = "SELECT secret FROM installation_secrets WHERE name = $1";
            if let Some(row) = sqlx::query(read).bind(name).fetch_optional(&self.pool).await? {
                return Ok(row.try_get("secret")?);
            }
            let mut tx = self.begin_write().await?;
            sqlx::query(
                "INSERT INTO installation_secrets (name, secret, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .bind(make())
            .bind(seconds(now))
            .execute(&mut *tx)
            .await?;
            let row = sqlx::query(read).bind(name).fetch_one(&mut *tx).await?;
            tx.commit().await?;
            Ok(row.try_get("secret")?)
        })
        .await
    }
}

/// Change a membership inside `tx` (the contact locked first).
pub(crate) async fn change_in(
    store: &Store,
    tx: &mut Transaction<'static, Any>,
    account_id: AccountId,
    list_id: ListId,
    contact_id: ContactId,
    change: MembershipChange,
    by: ChangedBy<'_>,
) -> Result<Option<Membership>> {
    let contact = store.lock_contact(tx, account_id, contact_id).await?;
    let known = sqlx::query("SELECT id FROM lists WHERE account_id = $1 AND id = $2")
        .bind(account_id.get())
        .bind(list_id.get())
        .fetch_optional(&mut **tx)
        .await?;
    if known.is_none() {
        return Err(Error::not_found(Record::List, list_id));
    }
    let statement = format!("SELECT {MEMBER_COLUMNS} FROM list_members m WHERE m.list_id = $1 AND m.contact_id = $2");
    let current = sqlx::query(sqlx::AssertSqlSafe(statement))
        .bind(list_id.get())
        .bind(contact_id.get())
        .fetch_optional(&mut **tx)
        .await?
        .map(|row| membership_from_row(&row))
        .transpose()?;
    let state = current.as_ref().map(|membership| membership.state);
    let (next, source) = match change {
        MembershipChange::Join(source) => (list::join(state, contact.consent.state, source)?, source),
        MembershipChange::Confirm => match state {
            Some(MembershipState::Pending) => (Some(MembershipState::Subscribed), MembershipSource::SignUp),
            _ => (None, MembershipSource::SignUp),
        },
        MembershipChange::Leave(source) => match state {
            Some(MembershipState::Subscribed | MembershipState::Pending) => (Some(MembershipState::Left), source),
            _ => (None, source),
        },
    };
    let Some(next) = next else { return Ok(None) };
    sqlx::query(
        "INSERT INTO list_members (account_id, list_id, contact_id, state, source, user_id, reason, changed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (list_id, contact_id) DO UPDATE SET \
         state = excluded.state, source = excluded.source, user_id = excluded.user_id, reason = excluded.reason, \
         changed_at = excluded.changed_at",
    )
    .bind(account_id.get())
    .bind(list_id.get())
    .bind(contact_id.get())
    .bind(next.as_str())
    .bind(source.as_str())
    .bind(by.user_id.map(UserId::get))
    .bind(by.reason.trim())
    .bind(seconds(by.now))
    .execute(&mut **tx)
    .await?;
    Ok(Some(Membership {
        list_id,
        contact_id,
        state: next,
        source,
        user_id: by.user_id,
        reason: by.reason.trim().to_string(),
        changed_at: by.now,
    }))
}

fn list_from_row(row: &AnyRow) -> Result<List> {
    Ok(List {
        id: ListId::new(row.try_get("id")?),
        name: parsed(row, "name", ListName::parse)?,
        description: row.try_get("description")?,
        created_at: instant(row, "created_at")?,
    })
}

fn membership_from_row(row: &AnyRow) -> Result<Membership> {
    Ok(Membership {
        list_id: ListId::new(row.try_get("list_id")?),
        contact_id: ContactId::new(row.try_get("contact_id")?),
        state: parsed(row, "state", MembershipState::parse)?,
        source: parsed(row, "source", MembershipSource::parse)?,
        user_id: row.try_get::<Option<i64>, _>("user_id")?.map(UserId::new),
        reason: row.try_get("reason")?,
        changed_at: instant(row, "changed_at")?,
    })
}

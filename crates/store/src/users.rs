//! Users of an account: creation, lookup by login, password hashes and the
//! secret of each user's calendar feed. The store never sees a password,
//! only the hash the server made of it.

use jiff::Timestamp;
use sqlx::Row;
use tickler_core::contact::EmailAddress;
use tickler_core::ids::{AccountId, UserId};
use tickler_core::user::{User, UserDraft};

use crate::Store;
use crate::error::{Error, Record, Result};
use crate::rows::{instant, parsed, seconds};

const USER_COLUMNS: &str = "id, account_id, email, name, is_admin, created_at";

/// The user a token or a session acts for, with their account: read together, in one statement.
#[derive(Debug, Clone)]
pub struct Holder {
    pub user: User,
    pub account: tickler_core::account::Account,
}

/// The columns [`holder_from_row`] reads, from `users u JOIN accounts a`.
pub(crate) const HOLDER_COLUMNS: &str = "u.id, u.account_id, u.email, u.name, u.is_admin, u.created_at, \
     a.name AS account_name, a.zone, a.pacing_gap_days, a.work_start, a.work_end, a.work_days, a.date_order";

/// Read a [`Holder`] from a row with [`HOLDER_COLUMNS`].
pub(crate) fn holder_from_row<R: crate::rows::Columns + ?Sized>(row: &R) -> Result<Holder> {
    let account = crate::accounts::account_from_row(&crate::rows::Renamed {
        row,
        names: &[("id", "account_id"), ("name", "account_name")],
    })?;
    Ok(Holder { user: user_from_row(row)?, account })
}

/// A user with the hash their password must match, for signing in.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
}

impl Store {
    /// How many users the whole installation has; none means the first visit may create one.
    pub async fn count_users(&self) -> Result<i64> {
        crate::error::during("counting users", async {
            Ok(sqlx::query("SELECT COUNT(*) AS n FROM users").fetch_one(&self.pool).await?.try_get("n")?)
        })
        .await
    }

    /// Add a user to an account. Their email must not sign in anyone else.
    pub async fn create_user(
        &self,
        account_id: AccountId,
        draft: &UserDraft,
        password_hash: &str,
        calendar_secret: &str,
        now: Timestamp,
    ) -> Result<User> {
        crate::error::during("creating a user", async {
            let mut tx = self.begin_write().await?;
            let taken = sqlx::query("SELECT id FROM users WHERE email = $1")
                .bind(draft.email.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                return Err(Error::Duplicate {
                    field: "email",
                    value: draft.email.as_str().to_string(),
                    owner: "another user".to_string(),
                });
            }
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO users (account_id, email, name, password_hash, is_admin, calendar_secret, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {USER_COLUMNS}"
            )))
            .bind(account_id.get())
            .bind(draft.email.as_str())
            .bind(&draft.name)
            .bind(password_hash)
            .bind(i64::from(draft.is_admin))
            .bind(calendar_secret)
            .bind(seconds(now))
            .fetch_one(&mut *tx)
            .await?;
            let user = user_from_row(&row)?;
            tx.commit().await?;
            Ok(user)
        })
        .await
    }

    /// The user who signs in with `email`, with their password hash.
    pub async fn credentials(&self, email: &EmailAddress) -> Result<Option<Credentials>> {
        crate::error::during("reading a user's credentials", async {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1"
            )))
            .bind(email.as_str())
            .fetch_optional(&self.pool)
            .await?;
            row.map(|row| Ok(Credentials { user: user_from_row(&row)?, password_hash: row.try_get("password_hash")? }))
                .transpose()
        })
        .await
    }

    /// One user of an account.
    pub async fn user(&self, account_id: AccountId, id: UserId) -> Result<User> {
        crate::error::during("reading a user", async {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {USER_COLUMNS} FROM users WHERE account_id = $1 AND id = $2"
            )))
            .bind(account_id.get())
            .bind(id.get())
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| Error::not_found(Record::User, id))?;
            user_from_row(&row)
        })
        .await
    }

    /// Every user of an account, oldest first.
    pub async fn users(&self, account_id: AccountId) -> Result<Vec<User>> {
        crate::error::during("listing users", async {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {USER_COLUMNS} FROM users WHERE account_id = $1 ORDER BY id"
            )))
            .bind(account_id.get())
            .fetch_all(&self.pool)
            .await?;
            rows.iter().map(user_from_row).collect()
        })
        .await
    }

    /// Replace a user's password hash and end all of their sessions.
    pub async fn set_password_hash(&self, account_id: AccountId, user_id: UserId, password_hash: &str) -> Result<()> {
        crate::error::during("setting a password", async {
            let mut tx = self.begin_write().await?;
            let changed = sqlx::query("UPDATE users SET password_hash = $3 WHERE account_id = $1 AND id = $2")
                .bind(account_id.get())
                .bind(user_id.get())
                .bind(password_hash)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if changed == 0 {
                return Err(Error::not_found(Record::User, user_id));
            }
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id.get()).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// The secret in a user's calendar feed URL.
    pub async fn calendar_secret(&self, account_id: AccountId, user_id: UserId) -> Result<String> {
        crate::error::during("reading the calendar secret", async {
            let row = sqlx::query("SELECT calendar_secret FROM users WHERE account_id = $1 AND id = $2")
                .bind(account_id.get())
                .bind(user_id.get())
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| Error::not_found(Record::User, user_id))?;
            Ok(row.try_get("calendar_secret")?)
        })
        .await
    }

    /// Replace a user's calendar secret: the old feed URL stops working at once.
    pub async fn rotate_calendar_secret(&self, account_id: AccountId, user_id: UserId, secret: &str) -> Result<()> {
        crate::error::during("rotating the calendar secret", async {
            let changed = sqlx::query("UPDATE users SET calendar_secret = $3 WHERE account_id = $1 AND id = $2")
                .bind(account_id.get())
                .bind(user_id.get())
                .bind(secret)
                .execute(&self.pool)
                .await?
                .rows_affected();
            if changed == 0 { Err(Error::not_found(Record::User, user_id)) } else { Ok(()) }
        })
        .await
    }

    /// The user whose calendar feed has this secret.
    pub async fn user_by_calendar_secret(&self, secret: &str) -> Result<Option<User>> {
        crate::error::during("checking a calendar secret", async {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {USER_COLUMNS} FROM users WHERE calendar_secret = $1"
            )))
            .bind(secret)
            .fetch_optional(&self.pool)
            .await?;
            row.as_ref().map(user_from_row).transpose()
        })
        .await
    }
}

pub(crate) fn user_from_row<R: crate::rows::Columns + ?Sized>(row: &R) -> Result<User> {
    Ok(User {
        id: UserId::new(row.int("id")?),
        account_id: AccountId::new(row.int("account_id")?),
        email: parsed(row, "email", EmailAddress::parse)?,
        name: row.text("name")?,
        is_admin: row.int("is_admin")? != 0,
        created_at: instant(row, "created_at")?,
    })
}

//! API tokens: created for one user, stored as a hash, listed by prefix,
//! revoked for good.

use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;
use tickler_core::ids::UserId;
use tickler_core::user::{ApiToken, User};

use crate::Store;
use crate::error::{Error, Record, Result};
use crate::reads::Param;
use crate::rows::{instant, optional_instant, seconds};
use crate::users::{HOLDER_COLUMNS, Holder, holder_from_row};

static TOKEN_HOLDER_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT t.id AS token_id, t.last_used_at, {HOLDER_COLUMNS} FROM api_tokens t \
         JOIN users u ON u.id = t.user_id JOIN accounts a ON a.id = u.account_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
    )
});

const TOKEN_COLUMNS: &str = "id, user_id, name, prefix, created_at, last_used_at, revoked_at";

impl Store {
    /// Record a token for `user`; the caller shows the secret once and keeps only `token_hash` here.
    pub async fn create_api_token(
        &self,
        user: &User,
        name: &str,
        prefix: &str,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<ApiToken> {
        crate::error::during("creating an API token", async {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO api_tokens (account_id, user_id, name, prefix, token_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {TOKEN_COLUMNS}"
            )))
            .bind(user.account_id.get())
            .bind(user.id.get())
            .bind(name)
            .bind(prefix)
            .bind(token_hash)
            .bind(seconds(now))
            .fetch_one(&self.pool)
            .await?;
            token_from_row(&row)
        })
        .await
    }

    /// A user's tokens, newest first, revoked ones included.
    pub async fn api_tokens(&self, user: &User) -> Result<Vec<ApiToken>> {
        crate::error::during("listing API tokens", async {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE account_id = $1 AND user_id = $2 ORDER BY id DESC"
            )))
            .bind(user.account_id.get())
            .bind(user.id.get())
            .fetch_all(&self.pool)
            .await?;
            rows.iter().map(token_from_row).collect()
        })
        .await
    }

    /// Revoke one of a user's tokens; another user's token is "not found".
    pub async fn revoke_api_token(&self, user: &User, id: i64, now: Timestamp) -> Result<ApiToken> {
        crate::error::during("revoking an API token", async {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $4) \
             WHERE account_id = $1 AND user_id = $2 AND id = $3 RETURNING {TOKEN_COLUMNS}"
            )))
            .bind(user.account_id.get())
            .bind(user.id.get())
            .bind(id)
            .bind(seconds(now))
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| Error::not_found(Record::ApiToken, id))?;
            token_from_row(&row)
        })
        .await
    }

    /// The user a live token with this hash acts for, with their account; marks the token used.
    pub async fn token_holder(&self, token_hash: &str, now: Timestamp) -> Result<Option<Holder>> {
        crate::error::during("checking an API token", async {
            let found = self
                .reader
                .optional(&TOKEN_HOLDER_SQL, &[Param::Text(token_hash)], |row| {
                    Ok((row.int("token_id")?, optional_instant(row, "last_used_at")?, holder_from_row(row)?))
                })
                .await?;
            let Some((token_id, last_used, holder)) = found else { return Ok(None) };
            // "Last used" is kept to the minute, so a busy token does not write on every request.
            if last_used.is_none_or(|at| seconds(now) - seconds(at) >= 60) {
                sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
                    .bind(token_id)
                    .bind(seconds(now))
                    .execute(&self.pool)
                    .await?;
            }
            Ok(Some(holder))
        })
        .await
    }
}

fn token_from_row(row: &AnyRow) -> Result<ApiToken> {
    Ok(ApiToken {
        id: row.try_get("id")?,
        user_id: UserId::new(row.try_get("user_id")?),
        name: row.try_get("name")?,
        prefix: row.try_get("prefix")?,
        created_at: instant(row, "created_at")?,
        last_used_at: optional_instant(row, "last_used_at")?,
        revoked_at: optional_instant(row, "revoked_at")?,
    })
}

//! Signed-in browser sessions. The cookie holds a random secret; the store
//! keeps only its hash, the user it signs in, and the session's CSRF token.

use jiff::Timestamp;
use sqlx::Row;
use tickler_core::ids::UserId;
use tickler_core::user::User;

use crate::Store;
use crate::error::Result;
use crate::rows::seconds;
use crate::users::user_from_row;

/// A live session: who it signs in and the token its forms must carry.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
    pub expires_at: Timestamp,
}

impl Store {
    /// Record a new session for `user_id`, valid until `expires_at`.
    pub async fn create_session(
        &self,
        user_id: UserId,
        token_hash: &str,
        csrf: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        crate::error::during("creating a session", async {
            let mut tx = self.begin_write().await?;
            // Expired sessions are swept whenever someone signs in, so the table stays small.
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(seconds(now)).execute(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token_hash)
            .bind(user_id.get())
            .bind(csrf)
            .bind(seconds(now))
            .bind(seconds(expires_at))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// The session with this hash, when it has not expired.
    pub async fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<Session>> {
        crate::error::during("reading a session", async {
            let row = sqlx::query(
                "SELECT u.id, u.account_id, u.email, u.name, u.is_admin, u.created_at, s.csrf, s.expires_at \
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2",
            )
            .bind(token_hash)
            .bind(seconds(now))
            .fetch_optional(&self.pool)
            .await?;
            let Some(row) = row else { return Ok(None) };
            Ok(Some(Session {
                user: user_from_row(&row)?,
                csrf: row.try_get("csrf")?,
                expires_at: crate::rows::instant(&row, "expires_at")?,
            }))
        })
        .await
    }

    /// End a session (signing out).
    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        crate::error::during("deleting a session", async {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
            Ok(())
        })
        .await
    }
}

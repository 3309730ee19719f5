//! Signed-in browser sessions. The cookie holds a random secret; the store
//! keeps only its hash, the user it signs in, and the session's CSRF token.

use jiff::Timestamp;
use tickler_core::ids::UserId;
use tickler_core::user::User;

use crate::Store;
use crate::error::Result;
use crate::reads::Param;
use crate::rows::seconds;
use crate::users::{HOLDER_COLUMNS, Holder, holder_from_row};

static SESSION_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT {HOLDER_COLUMNS}, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id \
         JOIN accounts a ON a.id = u.account_id WHERE s.token_hash = $1 AND s.expires_at > $2"
    )
});

/// A live session: who it signs in and the token its forms must carry.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub account: tickler_core::account::Account,
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
            self.reader
                .optional(&SESSION_SQL, &[Param::Text(token_hash), Param::Int(seconds(now))], |row| {
                    let Holder { user, account } = holder_from_row(row)?;
                    Ok(Session {
                        user,
                        account,
                        csrf: row.text("csrf")?,
                        expires_at: crate::rows::instant(row, "expires_at")?,
                    })
                })
                .await
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

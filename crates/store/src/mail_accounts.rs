//! Each user's own mail account: the SMTP server their plan emails go out
//! through, the From they carry, and the IMAP mailbox watched for their mail.
//! Passwords come in and go out only in the sealed form the application made
//! (the store never sees them in clear); values are stored as they were
//! typed, so a port or security left unset keeps meaning "the default".

use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;
use tickler_core::contact::EmailAddress;
use tickler_core::ids::{AccountId, UserId};

use crate::Store;
use crate::error::{Error, Record, Result};
use crate::rows::{instant, parsed, seconds};

/// What a user set for their mail account. Every text is already checked by the application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailAccountSettings {
    /// `None`: no SMTP server of their own (their emails go through the relay).
    pub smtp_host: Option<String>,
    /// `None`: the default for the security.
    pub smtp_port: Option<u16>,
    /// `none`, `starttls` or `tls`; `None`: the default for the port.
    pub smtp_security: Option<String>,
    pub smtp_username: Option<String>,
    /// Sealed; never the password in clear.
    pub smtp_password: Option<String>,
    /// The From name; empty: the account's.
    pub from_name: String,
    /// The From address; empty: the account's.
    pub from_address: String,
    /// `None`: no mailbox watched.
    pub imap_host: Option<String>,
    pub imap_port: Option<u16>,
    pub imap_security: Option<String>,
    pub imap_username: Option<String>,
    /// Sealed; never the password in clear.
    pub imap_password: Option<String>,
    /// The mailbox new mail arrives in.
    pub inbox_folder: String,
    /// The mailbox sent mail is kept in; `None`: found by its `\Sent` attribute.
    pub sent_folder: Option<String>,
    /// What to do with mail from people who are not contacts: `ignore` or `review`.
    pub unknown_policy: String,
}

impl Default for MailAccountSettings {
    fn default() -> Self {
        MailAccountSettings {
            smtp_host: None,
            smtp_port: None,
            smtp_security: None,
            smtp_username: None,
            smtp_password: None,
            from_name: String::new(),
            from_address: String::new(),
            imap_host: None,
            imap_port: None,
            imap_security: None,
            imap_username: None,
            imap_password: None,
            inbox_folder: "INBOX".to_string(),
            sent_folder: None,
            unknown_policy: "ignore".to_string(),
        }
    }
}

/// A user's stored mail account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailAccount {
    pub user_id: UserId,
    pub account_id: AccountId,
    /// The email the user signs in with.
    pub user_email: EmailAddress,
    pub settings: MailAccountSettings,
    pub updated_at: Timestamp,
}

const MAIL_ACCOUNT_SELECT: &str = "SELECT m.user_id, m.account_id, u.email AS user_email, m.smtp_host, m.smtp_port, \
     m.smtp_security, m.smtp_username, m.smtp_password, m.from_name, m.from_address, m.imap_host, m.imap_port, \
     m.imap_security, m.imap_username, m.imap_password, m.inbox_folder, m.sent_folder, m.unknown_policy, m.updated_at \
     FROM mail_accounts m JOIN users u ON u.id = m.user_id";

impl Store {
    /// A user's mail account, `None` when they have set none.
    pub async fn mail_account(&self, account_id: AccountId, user_id: UserId) -> Result<Option<MailAccount>> {
        crate::error::during("reading a mail account", async {
            let statement = format!("{MAIL_ACCOUNT_SELECT} WHERE m.account_id = $1 AND m.user_id = $2");
            let row = sqlx::query(sqlx::AssertSqlSafe(statement))
                .bind(account_id.get())
                .bind(user_id.get())
                .fetch_optional(&self.pool)
                .await?;
            row.as_ref().map(mail_account_from_row).transpose()
        })
        .await
    }

    /// A user's mail account whatever their account, for the worker (which acts for the whole installation).
    pub async fn mail_account_of_user(&self, user_id: UserId) -> Result<Option<MailAccount>> {
        crate::error::during("reading a mail account", async {
            let statement = format!("{MAIL_ACCOUNT_SELECT} WHERE m.user_id = $1");
            let row =
                sqlx::query(sqlx::AssertSqlSafe(statement)).bind(user_id.get()).fetch_optional(&self.pool).await?;
            row.as_ref().map(mail_account_from_row).transpose()
        })
        .await
    }

    /// Every mail account of the installation with an IMAP mailbox set, by user, for the mailbox watchers.
    pub async fn imap_mail_accounts(&self) -> Result<Vec<MailAccount>> {
        crate::error::during("listing the watched mailboxes", async {
            let statement = format!("{MAIL_ACCOUNT_SELECT} WHERE m.imap_host IS NOT NULL ORDER BY m.user_id");
            let rows = sqlx::query(sqlx::AssertSqlSafe(statement)).fetch_all(&self.pool).await?;
            rows.iter().map(mail_account_from_row).collect()
        })
        .await
    }

    /// Write a user's mail account whole (created or replaced). The user must be of the account.
    pub async fn put_mail_account(
        &self,
        account_id: AccountId,
        user_id: UserId,
        settings: &MailAccountSettings,
        now: Timestamp,
    ) -> Result<MailAccount> {
        crate::error::during("saving a mail account", async {
            let mut tx = self.begin_write().await?;
            let user = sqlx::query("SELECT id FROM users WHERE account_id = $1 AND id = $2")
                .bind(account_id.get())
                .bind(user_id.get())
                .fetch_optional(&mut *tx)
                .await?;
            if user.is_none() {
                return Err(Error::not_found(Record::User, user_id));
            }
            sqlx::query(
                "INSERT INTO mail_accounts (user_id, account_id, smtp_host, smtp_port, smtp_security, smtp_username, \
                 smtp_password, from_name, from_address, imap_host, imap_port, imap_security, imap_username, \
                 imap_password, inbox_folder, sent_folder, unknown_policy, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
                 ON CONFLICT (user_id) DO UPDATE SET smtp_host = excluded.smtp_host, smtp_port = excluded.smtp_port, \
                 smtp_security = excluded.smtp_security, smtp_username = excluded.smtp_username, \
                 smtp_password = excluded.smtp_password, from_name = excluded.from_name, \
                 from_address = excluded.from_address, imap_host = excluded.imap_host, \
                 imap_port = excluded.imap_port, imap_security = excluded.imap_security, \
                 imap_username = excluded.imap_username, imap_password = excluded.imap_password, \
                 inbox_folder = excluded.inbox_folder, sent_folder = excluded.sent_folder, \
                 unknown_policy = excluded.unknown_policy, updated_at = excluded.updated_at",
            )
            .bind(user_id.get())
            .bind(account_id.get())
            .bind(settings.smtp_host.as_deref())
            .bind(settings.smtp_port.map(i64::from))
            .bind(settings.smtp_security.as_deref())
            .bind(settings.smtp_username.as_deref())
            .bind(settings.smtp_password.as_deref())
            .bind(settings.from_name.as_str())
            .bind(settings.from_address.as_str())
            .bind(settings.imap_host.as_deref())
            .bind(settings.imap_port.map(i64::from))
            .bind(settings.imap_security.as_deref())
            .bind(settings.imap_username.as_deref())
            .bind(settings.imap_password.as_deref())
            .bind(settings.inbox_folder.as_str())
            .bind(settings.sent_folder.as_deref())
            .bind(settings.unknown_policy.as_str())
            .bind(seconds(now))
            .execute(&mut *tx)
            .await?;
            let statement = format!("{MAIL_ACCOUNT_SELECT} WHERE m.user_id = $1");
            let row = sqlx::query(sqlx::AssertSqlSafe(statement)).bind(user_id.get()).fetch_one(&mut *tx).await?;
            let saved = mail_account_from_row(&row)?;
            tx.commit().await?;
            Ok(saved)
        })
        .await
    }

    /// Remove a user's mail account; whether there was one.
    pub async fn delete_mail_account(&self, account_id: AccountId, user_id: UserId) -> Result<bool> {
        crate::error::during("removing a mail account", async {
            let removed = sqlx::query("DELETE FROM mail_accounts WHERE account_id = $1 AND user_id = $2")
                .bind(account_id.get())
                .bind(user_id.get())
                .execute(&self.pool)
                .await?
                .rows_affected();
            Ok(removed > 0)
        })
        .await
    }
}

fn port(row: &AnyRow, column: &str) -> Result<Option<u16>> {
    let port: Option<i64> = row.try_get(column)?;
    port.map(|port| u16::try_from(port).map_err(|_| Error::Corrupt(format!("{column}: {port} is not a port"))))
        .transpose()
}

fn mail_account_from_row(row: &AnyRow) -> Result<MailAccount> {
    Ok(MailAccount {
        user_id: UserId::new(row.try_get("user_id")?),
        account_id: AccountId::new(row.try_get("account_id")?),
        user_email: parsed(row, "user_email", EmailAddress::parse)?,
        settings: MailAccountSettings {
            smtp_host: row.try_get("smtp_host")?,
            smtp_port: port(row, "smtp_port")?,
            smtp_security: row.try_get("smtp_security")?,
            smtp_username: row.try_get("smtp_username")?,
            smtp_password: row.try_get("smtp_password")?,
            from_name: row.try_get("from_name")?,
            from_address: row.try_get("from_address")?,
            imap_host: row.try_get("imap_host")?,
            imap_port: port(row, "imap_port")?,
            imap_security: row.try_get("imap_security")?,
            imap_username: row.try_get("imap_username")?,
            imap_password: row.try_get("imap_password")?,
            inbox_folder: row.try_get("inbox_folder")?,
            sent_folder: row.try_get("sent_folder")?,
            unknown_policy: row.try_get("unknown_policy")?,
        },
        updated_at: instant(row, "updated_at")?,
    })
}

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

/// One server of a mail account (its SMTP or its IMAP side) as set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailServerSettings {
    /// `None`: this side is not set (no SMTP server of their own, their
    /// emails go through the relay; no mailbox watched).
    pub host: Option<String>,
    /// `None`: the default for the security.
    pub port: Option<u16>,
    /// `none`, `starttls` or `tls`; `None`: the default for the port.
    pub security: Option<String>,
    pub username: Option<String>,
    /// Sealed; never the password in clear.
    pub password: Option<String>,
}

/// Which server of a mail account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailSide {
    Smtp,
    Imap,
}

/// What a user set for their mail account. Every text is already checked by the application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailAccountSettings {
    /// The server their emails go out through.
    pub smtp: MailServerSettings,
    /// The From name; empty: the account's.
    pub from_name: String,
    /// The From address; empty: the account's.
    pub from_address: String,
    /// The mailbox watched for their mail.
    pub imap: MailServerSettings,
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
            smtp: MailServerSettings::default(),
            from_name: String::new(),
            from_address: String::new(),
            imap: MailServerSettings::default(),
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

    /// Every mail account of the installation, by user (to seal their passwords again under a new key).
    pub async fn all_mail_accounts(&self) -> Result<Vec<MailAccount>> {
        crate::error::during("listing the mail accounts", async {
            let statement = format!("{MAIL_ACCOUNT_SELECT} ORDER BY m.user_id");
            let rows = sqlx::query(sqlx::AssertSqlSafe(statement)).fetch_all(&self.pool).await?;
            rows.iter().map(mail_account_from_row).collect()
        })
        .await
    }

    /// Replace one sealed password of a user's mail account with `new`, only
    /// while it is still `old` (a password set meanwhile is kept); whether it was replaced.
    pub async fn replace_sealed_password(&self, user_id: UserId, side: MailSide, old: &str, new: &str) -> Result<bool> {
        crate::error::during("sealing a mail password again", async {
            let statement = match side {
                MailSide::Smtp => {
                    "UPDATE mail_accounts SET smtp_password = $3 WHERE user_id = $1 AND smtp_password = $2"
                }
                MailSide::Imap => {
                    "UPDATE mail_accounts SET imap_password = $3 WHERE user_id = $1 AND imap_password = $2"
                }
            };
            let replaced = sqlx::query(statement)
                .bind(user_id.get())
                .bind(old)
                .bind(new)
                .execute(&self.pool)
                .await?
                .rows_affected();
            Ok(replaced > 0)
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
            .bind(settings.smtp.host.as_deref())
            .bind(settings.smtp.port.map(i64::from))
            .bind(settings.smtp.security.as_deref())
            .bind(settings.smtp.username.as_deref())
            .bind(settings.smtp.password.as_deref())
            .bind(settings.from_name.as_str())
            .bind(settings.from_address.as_str())
            .bind(settings.imap.host.as_deref())
            .bind(settings.imap.port.map(i64::from))
            .bind(settings.imap.security.as_deref())
            .bind(settings.imap.username.as_deref())
            .bind(settings.imap.password.as_deref())
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

/// One side's columns (`smtp_host`, …, or `imap_host`, …).
fn server(row: &AnyRow, side: &str) -> Result<MailServerSettings> {
    let column = |name: &str| format!("{side}_{name}");
    let port: Option<i64> = row.try_get(column("port").as_str())?;
    let port = port
        .map(|port| u16::try_from(port).map_err(|_| Error::Corrupt(format!("{side}_port: {port} is not a port"))))
        .transpose()?;
    Ok(MailServerSettings {
        host: row.try_get(column("host").as_str())?,
        port,
        security: row.try_get(column("security").as_str())?,
        username: row.try_get(column("username").as_str())?,
        password: row.try_get(column("password").as_str())?,
    })
}

fn mail_account_from_row(row: &AnyRow) -> Result<MailAccount> {
    Ok(MailAccount {
        user_id: UserId::new(row.try_get("user_id")?),
        account_id: AccountId::new(row.try_get("account_id")?),
        user_email: parsed(row, "user_email", EmailAddress::parse)?,
        settings: MailAccountSettings {
            smtp: server(row, "smtp")?,
            from_name: row.try_get("from_name")?,
            from_address: row.try_get("from_address")?,
            imap: server(row, "imap")?,
            inbox_folder: row.try_get("inbox_folder")?,
            sent_folder: row.try_get("sent_folder")?,
            unknown_policy: row.try_get("unknown_policy")?,
        },
        updated_at: instant(row, "updated_at")?,
    })
}

//! What an operator's metrics read from the store at each scrape: the mail
//! and jobs waiting to go, the connection pool, and when each watched
//! mailbox was last read through.

use jiff::Timestamp;
use tickler_core::ids::UserId;
use tickler_store::{Backlog, PoolUsage};

use crate::{App, Result};

/// One watched mailbox's INBOX and when it was last read to its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxRead {
    pub user_id: UserId,
    /// `None`: not read through yet.
    pub read_at: Option<Timestamp>,
}

/// Everything one scrape reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readings {
    pub backlog: Backlog,
    pub pool: PoolUsage,
    pub mailboxes: Vec<MailboxRead>,
}

/// Read the backlog at `now`, the pool, and each watched mailbox's last complete read.
pub async fn read(app: &App, now: Timestamp) -> Result<Readings> {
    let backlog = app.store().backlog(now).await?;
    let mut mailboxes = Vec::new();
    for mailbox in crate::mail_accounts::watched_mailboxes(app).await? {
        let key = crate::mailbox::position_key(&mailbox, &mailbox.imap.mailbox);
        mailboxes.push(MailboxRead { user_id: mailbox.user_id, read_at: app.store().mailbox_read_at(&key).await? });
    }
    Ok(Readings { backlog, pool: app.store().pool_usage(), mailboxes })
}

//! Reading all of an account's contacts in pages by id, for exports that
//! stream any number of contacts in bounded memory.

use tickler_core::contact::Contact;
use tickler_core::ids::{AccountId, ContactId};

use crate::Store;
use crate::contacts::{CONTACT_SELECT, contact_from_row};
use crate::error::Result;

impl Store {
    /// Up to `limit` contacts with an id above `after`, by id: start at 0 and
    /// pass the last id read, so each page is an index range, not an offset scan.
    pub async fn contacts_after(&self, account_id: AccountId, after: ContactId, limit: u32) -> Result<Vec<Contact>> {
        crate::error::during("exporting contacts", async {
            let statement = format!("{CONTACT_SELECT} WHERE c.account_id = $1 AND c.id > $2 ORDER BY c.id LIMIT $3");
            let rows = sqlx::query(sqlx::AssertSqlSafe(statement))
                .bind(account_id.get())
                .bind(after.get())
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(contact_from_row).collect()
        })
        .await
    }
}

//! A contact's whole timeline, gathered from every table that records them.

use tickler_core::ids::{AccountId, ContactId};
use tickler_core::timeline::{Entry, merge};

use crate::Store;
use crate::error::{Error, Record, Result};
use crate::reads::Param;

impl Store {
    /// Every touch, follow-up, promise and consent change of a contact, newest first.
    pub async fn timeline(&self, account_id: AccountId, contact_id: ContactId) -> Result<Vec<Entry>> {
        crate::error::during("reading a timeline", async {
            // Only whether the contact is the account's: its record is not part of the timeline.
            let params = [Param::Int(account_id.get()), Param::Int(contact_id.get())];
            self.reader
                .optional("SELECT id FROM contacts WHERE account_id = $1 AND id = $2", &params, |row| row.int("id"))
                .await?
                .ok_or_else(|| Error::not_found(Record::Contact, contact_id))?;
            // `merge` sorts stably, so entries at the same instant keep the order
            // given here: every list newest first (these three are read oldest first).
            Ok(merge(
                self.touches(account_id, contact_id).await?,
                newest_first(self.follow_ups_of(account_id, contact_id).await?),
                newest_first(self.promises_of(account_id, contact_id).await?),
                newest_first(self.consent_changes(account_id, contact_id).await?),
            ))
        })
        .await
    }
}

/// A list read oldest first, reversed.
fn newest_first<T>(mut list: Vec<T>) -> Vec<T> {
    list.reverse();
    list
}

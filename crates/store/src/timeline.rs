//! A contact's whole timeline, gathered from every table that records them.

use tickler_core::ids::{AccountId, ContactId};
use tickler_core::timeline::{Entry, merge};

use crate::Store;
use crate::error::Result;

impl Store {
    /// Every touch, follow-up, promise and consent change of a contact, newest first.
    pub async fn timeline(&self, account_id: AccountId, contact_id: ContactId) -> Result<Vec<Entry>> {
        crate::error::during("reading a timeline", async {
            self.contact(account_id, contact_id).await?;
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

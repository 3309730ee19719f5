//! Waiting for new mail in the open folder: with IDLE (RFC 2177) the server
//! says the moment something changes; without it, a sleep and a fresh look.
//!
//! async-imap's IDLE takes the session by value (`Session::idle` makes a
//! `Handle`, `Handle::done` gives the session back), so the session is taken
//! out of the [`Inbox`] for the wait and put back after DONE; when the
//! connection dies on the way it stays out, and the inbox reports it lost.

use std::time::Duration;

use async_imap::extensions::idle::IdleResponse;
use async_imap::imap_proto::{Response, Status};
use async_imap::types::UnsolicitedResponse;

use super::{Inbox, MailboxStatus, failure, lost, within};
use crate::MailError;

/// The longest wait: servers may log out a client idle for 30 minutes (RFC 2177 asks to renew IDLE before 29).
const MAX_WAIT: Duration = Duration::from_secs(25 * 60);

impl Inbox {
    /// Wait until the server reports a change in the open folder (a new
    /// message's EXISTS, or RECENT, EXPUNGE, FETCH) or until `max` has passed
    /// (at most 25 minutes), then return the folder's status as it is now (its
    /// message count may have grown). With IDLE the change is heard as it
    /// happens; without, this sleeps `max` and looks again. The wait itself
    /// has no timeout but `max`; starting and ending IDLE have the configured
    /// one. A connection that dies meanwhile is a [`MailError::Transient`],
    /// after which the mailbox must be opened again.
    pub async fn wait_for_news(&mut self, max: Duration) -> Result<MailboxStatus, MailError> {
        let max = max.min(MAX_WAIT);
        let folder = self.open_folder()?.to_string();
        if !self.news_already() {
            if self.can_idle() {
                self.idle(max).await?;
            } else {
                if self.session.is_none() {
                    return Err(lost(&self.config));
                }
                tokio::time::sleep(max).await;
            }
        }
        self.examine_as(&folder, "imap.folder").await
    }

    /// Whether the server already told of a change in the open folder, in the answer to an earlier command.
    fn news_already(&mut self) -> bool {
        let Some(session) = self.session.as_mut() else { return false };
        let mut news = false;
        while let Ok(response) = session.unsolicited_responses.try_recv() {
            news |= !matches!(response, UnsolicitedResponse::Other(_) | UnsolicitedResponse::Status { .. });
        }
        news
    }

    /// IDLE until the server says something or `max` passes, then DONE.
    async fn idle(&mut self, max: Duration) -> Result<(), MailError> {
        let config = &self.config;
        let session = self.session.take().ok_or_else(|| lost(config))?;
        let mut handle = session.idle();
        within(config, "starting IDLE", async {
            handle.init().await.map_err(|error| failure(config, "starting IDLE", error))
        })
        .await?;
        let (wait, _interrupt) = handle.wait_with_timeout(max);
        // The handle's own timeout restarts at every keep-alive ("* OK Still here"): bound the whole wait too.
        let heard = tokio::time::timeout(max, wait).await;
        let dead =
            |why: String| MailError::Transient(format!("imap {}:{}: while idling: {why}", config.host, config.port));
        match heard {
            Err(_) | Ok(Ok(IdleResponse::Timeout)) => {}
            Ok(Ok(IdleResponse::NewData(data))) => {
                if let Response::Data { status: Status::Bye, outcome } = data.parsed() {
                    let said = outcome.information.as_deref().unwrap_or("BYE");
                    return Err(dead(format!("the server closed the connection ({said})")));
                }
            }
            // Nothing here interrupts the wait: its stream ended, the connection is closed.
            Ok(Ok(IdleResponse::ManualInterrupt)) => return Err(dead("the server closed the connection".into())),
            Ok(Err(error)) => return Err(dead(error.to_string())),
        }
        let session = within(config, "ending IDLE", async {
            handle.done().await.map_err(|error| failure(config, "ending IDLE", error))
        })
        .await?;
        self.session = Some(session);
        Ok(())
    }
}

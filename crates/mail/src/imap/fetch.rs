//! Reading a folder past the last UID seen, a batch at a time, in memory that
//! does not grow with the folder: a caller reads a folder of any size by
//! calling [`Inbox::fetch_after`] again with the last UID it got.
//!
//! Which UIDs come next is asked with `UID SEARCH` over windows of UIDs, not
//! over `last+1:*`: on a folder of 50,000 messages the open search answers
//! every UID above the last one (some 300 KB to parse on each call, the whole
//! folder's worth again and again while catching up). A window of
//! `2 × limit` UIDs answers at most that many and, in the usual folder whose
//! UIDs are nearly consecutive, holds the batch at once. UIDs have gaps
//! (deleted mail), so a window that does not fill the batch is followed by one
//! four times as wide, up to [`WINDOWS`] of them. The last window, and any
//! window that reaches the UIDNEXT that EXAMINE told, runs open-ended
//! (`low:*`) after a NOOP, so that mail that came since the EXAMINE is found
//! too. Only a folder whose UIDs jump by hundreds of thousands ends in the
//! open search, which answers at most the UIDs not read yet.
//!
//! The chosen UIDs are then fetched in one `UID FETCH` (the header whole and
//! the first [`TEXT_BYTES`] of the text) and parsed together on a blocking
//! thread, by [`Inbox::fetch_after`] at once or by the caller of
//! [`Inbox::fetch_unread_after`] when it wants the connection free meanwhile:
//! what is held at once is a batch or two as fetched and as parsed. Read this way, the 50,000-message
//! folder of `tests/imap_big_folder.rs` keeps the whole test process under
//! 10 MB resident.

use futures_util::TryStreamExt;
use jiff::Timestamp;

use super::{Inbox, failure, within};
use crate::MailError;
use crate::inbound::InboundMessage;

/// Bytes of a message's text fetched beside its whole header: the snippet of a
/// reply needs little, a delivery report or a forward quotes the original
/// message further down.
const TEXT_BYTES: usize = 32 * 1024;

/// A batch of messages as the server sent them, not parsed yet
/// ([`Inbox::fetch_unread_after`]); [`Fetched::parse`] reads them.
pub struct Fetched {
    raws: Vec<Raw>,
}

/// One message as the server sent it.
struct Raw {
    uid: u32,
    raw: Vec<u8>,
    received: Option<Timestamp>,
}

/// Parse fetched messages on a blocking thread: parsing is most of the CPU a
/// sync spends, and there it runs beside what the caller does meanwhile (the
/// batch before handled on the runtime's threads, the database's own work)
/// instead of taking turns with it on one thread.
async fn parse_apart(raws: Vec<Raw>) -> Result<Vec<InboundMessage>, MailError> {
    tokio::task::spawn_blocking(move || {
        raws.into_iter()
            .map(|fetched| InboundMessage::read(fetched.uid, fetched.raw.into_boxed_slice(), fetched.received))
            .collect()
    })
    .await
    .map_err(|error| MailError::Permanent(format!("parsing the fetched messages failed: {error}")))
}

impl Fetched {
    /// How many messages were fetched.
    pub fn len(&self) -> usize {
        self.raws.len()
    }

    /// Whether none was.
    pub fn is_empty(&self) -> bool {
        self.raws.is_empty()
    }

    /// The highest UID fetched.
    pub fn newest(&self) -> Option<u32> {
        self.raws.iter().map(|raw| raw.uid).max()
    }

    /// The messages parsed (on a blocking thread), oldest first, each once.
    pub async fn parse(self) -> Result<Vec<InboundMessage>, MailError> {
        let mut messages = parse_apart(self.raws).await?;
        messages.sort_by_key(|message| message.uid);
        messages.dedup_by_key(|message| message.uid);
        Ok(messages)
    }
}

/// Bounded windows of UIDs searched before the search runs open-ended: widths
/// 2, 8, 32, 128, 512 and 2048 × the batch, some 270,000 UIDs for a batch of 100.
const WINDOWS: u32 = 6;

impl Inbox {
    /// Up to `limit` messages of the open folder with a UID above `last_uid`,
    /// oldest first; fewer than `limit` when there are no more. Each has its
    /// whole header and the first 32 KiB of its text, read as
    /// [`InboundMessage::parse`] reads them. Nothing is marked read.
    pub async fn fetch_after(&mut self, last_uid: u32, limit: usize) -> Result<Vec<InboundMessage>, MailError> {
        self.fetch_unread_after(last_uid, limit).await?.parse().await
    }

    /// [`Inbox::fetch_after`] without the parsing: a caller that has other
    /// work for this thread parses the batch when it needs it, and the
    /// connection is free for the next fetch meanwhile.
    pub async fn fetch_unread_after(&mut self, last_uid: u32, limit: usize) -> Result<Fetched, MailError> {
        self.open_folder()?;
        let uids = self.uids_after(last_uid, limit.max(1)).await?;
        if uids.is_empty() {
            return Ok(Fetched { raws: Vec::new() });
        }
        let set = uid_set(&uids);
        let query = format!("(UID INTERNALDATE BODY.PEEK[HEADER] BODY.PEEK[TEXT]<0.{TEXT_BYTES}>)");
        let (session, config) = self.parts()?;
        let fetched = within(config, "fetching messages", async {
            let mut fetches =
                session.uid_fetch(&set, &query).await.map_err(|error| failure(config, "fetching messages", error))?;
            let mut raws = Vec::with_capacity(uids.len());
            while let Some(fetch) =
                fetches.try_next().await.map_err(|error| failure(config, "fetching messages", error))?
            {
                // The server may add news of other messages (flags changed elsewhere): only the asked ones count.
                let Some(uid) = fetch.uid.filter(|uid| uids.binary_search(uid).is_ok()) else { continue };
                let Some(header) = fetch.header() else { continue };
                let mut raw = Vec::with_capacity(header.len() + fetch.text().map_or(0, <[u8]>::len));
                raw.extend_from_slice(header);
                raw.extend_from_slice(fetch.text().unwrap_or_default());
                let received = fetch.internal_date().and_then(|date| Timestamp::from_second(date.timestamp()).ok());
                raws.push(Raw { uid, raw, received });
            }
            drop(fetches);
            if raws.len() < uids.len() {
                // Fewer than asked for: expunged meanwhile, or the connection
                // closed in the middle of the answer, which ends the stream as
                // its end would. A NOOP that must be answered OK tells them
                // apart (`noop` itself takes a closed connection for an answer).
                session
                    .run_command_and_check_ok("NOOP")
                    .await
                    .map_err(|error| failure(config, "fetching messages", error))?;
            }
            Ok(raws)
        })
        .await;
        Ok(Fetched { raws: self.settle(fetched)? })
    }

    /// The first `limit` UIDs above `last_uid`, ascending, searched window by window (see the module's comment).
    async fn uids_after(&mut self, last_uid: u32, limit: usize) -> Result<Vec<u32>, MailError> {
        let Some(mut low) = last_uid.checked_add(1) else {
            return Ok(Vec::new());
        };
        let mut width = u32::try_from(limit).unwrap_or(u32::MAX).saturating_mul(2);
        let mut chosen: Vec<u32> = Vec::with_capacity(limit);
        for round in 0..=WINDOWS {
            let high = low.saturating_add(width - 1);
            let open = round == WINDOWS || self.uid_next.is_none_or(|next| high.saturating_add(1) >= next);
            let range = if open { format!("{low}:*") } else { format!("{low}:{high}") };
            let (session, config) = self.parts()?;
            let found = within(config, "searching the mailbox", async {
                if open {
                    // A session sees mail that came since its EXAMINE only once the server has
                    // told it (EXISTS), which it does at a command's end: NOOP first. It must be
                    // answered OK: a closed connection would answer the search with no UIDs,
                    // as if there were no new mail (async-imap's `noop` and search take EOF
                    // for the end of their answer).
                    session
                        .run_command_and_check_ok("NOOP")
                        .await
                        .map_err(|error| failure(config, "asking for news", error))?;
                }
                session
                    .uid_search(format!("UID {range}"))
                    .await
                    .map_err(|error| failure(config, "searching the mailbox", error))
            })
            .await;
            let found = self.settle(found)?;
            // "UID n:*" always matches the newest message, even below n: keep only the new ones.
            let mut found: Vec<u32> = found.into_iter().filter(|uid| *uid >= low && (open || *uid <= high)).collect();
            found.sort_unstable();
            let wanted = limit - chosen.len();
            chosen.extend(found.into_iter().take(wanted));
            if chosen.len() >= limit || open || high == u32::MAX {
                break;
            }
            low = high + 1;
            width = width.saturating_mul(4);
        }
        Ok(chosen)
    }
}

/// Ascending UIDs as an IMAP sequence set, runs joined: `[1, 2, 3, 5, 7, 8]` → `1:3,5,7:8`.
fn uid_set(uids: &[u32]) -> String {
    let mut set = String::new();
    let mut index = 0;
    while index < uids.len() {
        let start = uids[index];
        let mut end = start;
        while uids.get(index + 1).is_some_and(|next| Some(*next) == end.checked_add(1)) {
            index += 1;
            end = uids[index];
        }
        if !set.is_empty() {
            set.push(',');
        }
        if start == end {
            set.push_str(&start.to_string());
        } else {
            set.push_str(&format!("{start}:{end}"));
        }
        index += 1;
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_uids_are_joined() {
        assert_eq!(uid_set(&[1, 2, 3, 5, 7, 8]), "1:3,5,7:8");
        assert_eq!(uid_set(&[42]), "42");
        assert_eq!(uid_set(&[]), "");
        assert_eq!(uid_set(&[u32::MAX - 1, u32::MAX]), format!("{}:{}", u32::MAX - 1, u32::MAX));
        let many: Vec<u32> = (1..=100).collect();
        assert_eq!(uid_set(&many), "1:100");
    }
}

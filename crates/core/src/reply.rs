//! Replies: an email that arrived in the watched mailbox, reduced to what
//! decides whether it answers one of our emails (the Message-IDs it refers
//! to, its sender) and what the contact's timeline shows of it.

use jiff::{SignedDuration, Timestamp};

use crate::contact::EmailAddress;

/// Most thread Message-IDs looked up per reply; a long References list keeps its newest.
pub const MAX_THREAD_IDS: usize = 50;
/// Longest Message-ID kept as a key; a longer one is replaced by a stand-in made from it.
const MAX_KEY_CHARS: usize = 250;
/// Longest subject kept in the summary, in characters.
const MAX_SUBJECT_CHARS: usize = 200;
/// How far a sender's clock may run behind ours: a reply matched by its sender
/// alone must be dated after our email to them, give or take this much.
pub const CLOCK_SKEW: SignedDuration = SignedDuration::from_mins(15);

/// An inbound email as the reply detector sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundReply {
    /// The email's Message-ID, or a stable stand-in when it has none (or an
    /// absurdly long one): the key that makes recording it idempotent.
    pub key: String,
    /// Message-IDs it answers, most direct first: In-Reply-To, then References newest first.
    pub thread: Vec<String>,
    /// The sender's address, when it reads as one.
    pub from: Option<EmailAddress>,
    /// When the sender dated it (the Date header, else when the mailbox received it).
    pub dated: Option<Timestamp>,
    pub subject: String,
    /// The first words of the new text (quotes and signature left out).
    pub snippet: String,
}

/// The headers and text of an inbound email, as read from the mailbox.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplyParts<'a> {
    pub message_id: Option<&'a str>,
    pub in_reply_to: &'a [String],
    pub references: &'a [String],
    pub from: Option<&'a str>,
    pub dated: Option<Timestamp>,
    pub subject: &'a str,
    pub snippet: &'a str,
}

impl InboundReply {
    /// Build the reply from what the mailbox gave; nothing here can fail.
    pub fn new(parts: &ReplyParts<'_>) -> InboundReply {
        let mut thread: Vec<String> = Vec::new();
        let newest_references = parts.references.iter().rev();
        for id in parts.in_reply_to.iter().chain(newest_references) {
            if !id.is_empty() && !thread.contains(id) && thread.len() < MAX_THREAD_IDS {
                thread.push(id.clone());
            }
        }
        let subject = clip(parts.subject.trim(), MAX_SUBJECT_CHARS);
        let snippet = parts.snippet.trim().to_string();
        let from = parts.from.and_then(|address| EmailAddress::parse(address).ok());
        let key = key(parts);
        InboundReply { key, thread, from, dated: parts.dated, subject, snippet }
    }

    /// What the timeline shows: the subject and the first words of the reply.
    pub fn summary(&self) -> String {
        let subject = if self.subject.is_empty() { "(no subject)" } else { self.subject.as_str() };
        if self.snippet.is_empty() { subject.to_string() } else { format!("{subject} — {}", self.snippet) }
    }

    /// When the reply happened for the timeline: its date, but never later than `now`.
    pub fn touch_at(&self, now: Timestamp) -> Timestamp {
        self.dated.map_or(now, |dated| dated.min(now))
    }

    /// The latest time our email may have been sent for this reply to answer it
    /// when only its sender matches (its date plus [`CLOCK_SKEW`]).
    pub fn answers_emails_sent_by(&self, now: Timestamp) -> Timestamp {
        self.touch_at(now).saturating_add(CLOCK_SKEW).unwrap_or(now)
    }
}

/// The key of an inbound email ([`InboundReply::key`]): its Message-ID, or a
/// stand-in made from it when too long; without one, a stand-in made from
/// the sender, date, subject and snippet. Only then is the snippet read.
pub fn key(parts: &ReplyParts<'_>) -> String {
    match parts.message_id.map(str::trim).filter(|id| !id.is_empty()) {
        Some(id) if id.chars().count() <= MAX_KEY_CHARS => id.to_string(),
        Some(id) => format!("<long-id.{:016x}@tickler.invalid>", fnv1a(id)),
        None => {
            let from = parts.from.and_then(|address| EmailAddress::parse(address).ok());
            let from_text = from.as_ref().map_or("", EmailAddress::as_str);
            let dated = parts.dated.map_or(String::new(), |at| at.as_second().to_string());
            let subject = clip(parts.subject.trim(), MAX_SUBJECT_CHARS);
            let fingerprint = format!("{from_text}\n{dated}\n{subject}\n{}", parts.snippet.trim());
            format!("<no-id.{:016x}@tickler.invalid>", fnv1a(&fingerprint))
        }
    }
}

/// Whether [`key`] reads the snippet: only for an email without a Message-ID.
pub fn key_needs_snippet(message_id: Option<&str>) -> bool {
    message_id.map(str::trim).is_none_or(str::is_empty)
}

/// `text` cut to at most `limit` characters, on a character boundary.
fn clip(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((end, _)) => format!("{}…", text[..end].trim_end()),
        None => text.to_string(),
    }
}

/// A stable 64-bit fingerprint (FNV-1a): the same text always gives the same stand-in key.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|id| id.to_string()).collect()
    }

    #[test]
    fn the_thread_starts_with_the_direct_parent_then_the_newest_references() {
        let in_reply_to = ids(&["<c@x>"]);
        let references = ids(&["<a@x>", "<b@x>", "<c@x>"]);
        let parts = ReplyParts {
            message_id: Some("<r@y>"),
            in_reply_to: &in_reply_to,
            references: &references,
            ..ReplyParts::default()
        };
        let reply = InboundReply::new(&parts);
        assert_eq!(reply.thread, ids(&["<c@x>", "<b@x>", "<a@x>"]));
        assert_eq!(reply.key, "<r@y>");
    }

    #[test]
    fn a_missing_message_id_gets_a_stable_stand_in() {
        let at = Timestamp::from_second(1_800_000_000).unwrap();
        let parts = ReplyParts {
            from: Some("Ann@Acme.com"),
            dated: Some(at),
            subject: "Re: hello",
            snippet: "Sounds good",
            ..ReplyParts::default()
        };
        let first = InboundReply::new(&parts);
        assert!(first.key.starts_with("<no-id.") && first.key.ends_with("@tickler.invalid>"), "{}", first.key);
        assert_eq!(first.key, InboundReply::new(&parts).key);
        let other = InboundReply::new(&ReplyParts { snippet: "Not for me", ..parts.clone() });
        assert_ne!(first.key, other.key);
        assert_eq!(first.from.unwrap().as_str(), "ann@acme.com");
        let long = "<".to_string() + &"x".repeat(400) + "@y>";
        let reply = InboundReply::new(&ReplyParts { message_id: Some(&long), ..parts });
        assert!(reply.key.starts_with("<long-id."), "{}", reply.key);
    }

    /// A message with a Message-ID is keyed by it whatever its text: the
    /// mailbox sync keys a message without reading its body when it has one.
    #[test]
    fn only_a_message_without_an_id_is_keyed_by_its_text() {
        let parts = ReplyParts { message_id: Some(" <a@b> "), subject: "Hi", snippet: "Yes", ..ReplyParts::default() };
        assert!(!key_needs_snippet(parts.message_id));
        assert_eq!(key(&parts), "<a@b>");
        assert_eq!(key(&ReplyParts { snippet: "", ..parts.clone() }), key(&parts));
        assert_eq!(InboundReply::new(&parts).key, key(&parts));
        for missing in [None, Some(""), Some("  ")] {
            let parts = ReplyParts { message_id: missing, ..parts.clone() };
            assert!(key_needs_snippet(missing));
            assert_ne!(key(&ReplyParts { snippet: "", ..parts.clone() }), key(&parts));
            assert_eq!(InboundReply::new(&parts).key, key(&parts));
        }
    }

    #[test]
    fn the_summary_and_time_are_bounded() {
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let future = now + SignedDuration::from_hours(5);
        let subject = "é".repeat(500);
        let parts =
            ReplyParts { subject: &subject, dated: Some(future), from: Some("not an address"), ..Default::default() };
        let reply = InboundReply::new(&parts);
        assert_eq!(reply.subject.chars().count(), MAX_SUBJECT_CHARS + 1);
        assert_eq!(reply.touch_at(now), now);
        assert_eq!(reply.from, None);
        let plain =
            InboundReply::new(&ReplyParts { subject: "Re: Thanks", snippet: "Tuesday works.", ..Default::default() });
        assert_eq!(plain.summary(), "Re: Thanks — Tuesday works.");
        assert_eq!(InboundReply::new(&ReplyParts::default()).summary(), "(no subject)");
        assert_eq!(plain.answers_emails_sent_by(now), now + CLOCK_SKEW);
    }
}

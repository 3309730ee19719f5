//! One email read from the mailbox, reduced to what reply detection needs:
//! its ids, the ids it answers, the sender, date, subject and the first words
//! of what the sender wrote (quoted text and signature left out). Parsing
//! never fails: what cannot be read is left empty.

use jiff::Timestamp;
use mail_parser::MessageParser;

use crate::headers::{first, from_address, header_fields, is_automatic, message_ids};

/// Characters of the body kept as the snippet.
pub const SNIPPET_CHARS: usize = 200;

/// An email in the watched mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundMessage {
    /// The IMAP UID (within the mailbox's UIDVALIDITY).
    pub uid: u32,
    /// Its own Message-ID, when it has one.
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    /// The sender's address, lower-cased.
    pub from: Option<String>,
    /// The Date header, else when the server received it.
    pub date: Option<Timestamp>,
    pub subject: String,
    pub snippet: String,
    /// Sent by a machine (auto-reply, delivery report, list mail), not a person answering.
    pub automatic: bool,
}

impl InboundMessage {
    /// Read a message (or its header and the start of its text) as fetched; `received` is the server's INTERNALDATE.
    pub fn parse(uid: u32, raw: &[u8], received: Option<Timestamp>) -> InboundMessage {
        let fields = header_fields(raw);
        let ids = |name: &str| first(&fields, name).map(message_ids).unwrap_or_default();
        let parsed = MessageParser::default().parse(raw);
        let date = parsed
            .as_ref()
            .and_then(|message| message.date())
            .filter(|date| date.is_valid())
            .and_then(|date| Timestamp::from_second(date.to_timestamp()).ok())
            .or(received);
        let subject = parsed
            .as_ref()
            .and_then(|message| message.subject().map(str::to_string))
            .or_else(|| first(&fields, "subject").map(str::to_string))
            .unwrap_or_default();
        let text = parsed.as_ref().and_then(|message| message.body_text(0).map(|text| text.into_owned()));
        InboundMessage {
            uid,
            message_id: ids("message-id").into_iter().next(),
            in_reply_to: ids("in-reply-to"),
            references: ids("references"),
            from: first(&fields, "from").and_then(from_address),
            date,
            subject: subject.split_whitespace().collect::<Vec<_>>().join(" "),
            snippet: snippet(text.as_deref().unwrap_or(""), SNIPPET_CHARS),
            automatic: is_automatic(&fields),
        }
    }
}

/// The first `limit` characters of what the sender wrote: quoted lines
/// (`> …`), the quoted email below an attribution line ("On … wrote:",
/// "-----Original Message-----", Outlook's underscores) and the signature
/// (after `-- `) are left out; whitespace is collapsed to single spaces.
pub fn snippet(text: &str, limit: usize) -> String {
    let mut kept: Vec<&str> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed == "--" || trimmed == "__" || is_quote_start(trimmed) {
            break;
        }
        if trimmed.ends_with("wrote:") || trimmed.ends_with("a écrit :") || trimmed.ends_with("schrieb:") {
            // The attribution may have been wrapped: "On Tue, …, Sam Stone <sam@x>" / "wrote:".
            if kept.last().is_some_and(|previous| previous.trim_start().starts_with("On ")) {
                kept.pop();
            }
            break;
        }
        if trimmed.starts_with('>') || trimmed.starts_with("Sent from my ") {
            continue;
        }
        kept.push(trimmed);
    }
    let words: Vec<&str> = kept.iter().flat_map(|line| line.split_whitespace()).collect();
    let mut out = String::new();
    for word in words {
        let extra = usize::from(!out.is_empty()) + word.chars().count();
        if out.chars().count() + extra > limit {
            if out.is_empty() {
                out = word.chars().take(limit).collect();
            }
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// A line that starts the quoted earlier email in clients that do not prefix it with `>`.
fn is_quote_start(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    lower.starts_with("-----original message-----")
        || lower.starts_with("----- original message -----")
        || (line.len() >= 10 && line.chars().all(|c| c == '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_is_read_whole() {
        let raw = b"Return-Path: <ann@acme.com>\r\n\
From: =?utf-8?q?Ann_L=C3=A9e?= <Ann@Acme.com>\r\n\
To: Sam Stone <sam@stone.example>\r\n\
Subject: Re: Thank you,\r\n Ann\r\n\
Date: Tue, 24 Nov 2026 12:30:00 -0500\r\n\
Message-ID: <reply-1@acme.com>\r\n\
In-Reply-To: <plan.1.1.1.9@stone.example>\r\n\
References: <plan.1.1.1.9@stone.example>\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Thanks Sam, let's talk Tuesday.\r\n\
\r\n\
On Tue, 24 Nov 2026 at 10:00, Sam Stone <sam@stone.example>\r\n\
wrote:\r\n\
> Hi Ann,\r\n\
> Thank you.\r\n";
        let message = InboundMessage::parse(7, raw, None);
        assert_eq!(message.uid, 7);
        assert_eq!(message.message_id.as_deref(), Some("<reply-1@acme.com>"));
        assert_eq!(message.in_reply_to, ["<plan.1.1.1.9@stone.example>"]);
        assert_eq!(message.references, ["<plan.1.1.1.9@stone.example>"]);
        assert_eq!(message.from.as_deref(), Some("ann@acme.com"));
        assert_eq!(message.date, Some("2026-11-24T17:30:00Z".parse().unwrap()));
        assert_eq!(message.subject, "Re: Thank you, Ann");
        assert_eq!(message.snippet, "Thanks Sam, let's talk Tuesday.");
        assert!(!message.automatic);
    }

    #[test]
    fn bad_mail_reads_as_far_as_it_goes() {
        let received: Timestamp = "2026-11-24T18:00:00Z".parse().unwrap();
        let message = InboundMessage::parse(
            1,
            b"Subject: caf\xe9 \xff\r\nDate: yesterday-ish\r\n\r\n\xff\xfe body",
            Some(received),
        );
        assert_eq!(message.message_id, None);
        assert_eq!(message.from, None);
        assert_eq!(message.date, Some(received));
        assert!(message.subject.starts_with("caf"), "{}", message.subject);
        for raw in [&b""[..], b"\r\n", b"garbage", b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"] {
            let message = InboundMessage::parse(2, raw, None);
            assert_eq!(message.message_id, None);
        }
    }

    #[test]
    fn the_snippet_leaves_out_quotes_and_signatures() {
        assert_eq!(snippet("Yes!\n\n-- \nAnn Lee\nAcme", 200), "Yes!");
        assert_eq!(snippet("Sure.\n-----Original Message-----\nFrom: Sam", 200), "Sure.");
        assert_eq!(snippet("> old\nnew text\n> old", 200), "new text");
        assert_eq!(snippet("Sounds good\nSent from my iPhone", 200), "Sounds good");
        assert_eq!(snippet("Great.\nOn Tue, Sam wrote:\n> Hi", 200), "Great.");
        assert_eq!(snippet("one two three four", 9), "one two…");
        assert_eq!(snippet("abcdefghijkl", 5), "abcde…");
        assert_eq!(snippet("", 5), "");
    }
}

//! One email read from the mailbox, reduced to what reply detection and
//! follow-up need: its ids, the ids it answers, the sender and the people it
//! was written to, date, subject, the first words of what the sender wrote
//! (quoted text and signature left out) and the opening lines as written;
//! what the receiving server checked about the sender; whether a person or
//! a machine (auto-responder, list, bounce) sent it; and the original of a
//! forward. Parsing never fails: what cannot be read is left empty.
//!
//! What the header tells is read at once. What only the body tells (the
//! snippet, the excerpt, a forward's original) and the receiving server's
//! checks are read the first time they are asked for: most of a mailbox is
//! mail that never becomes a touch (strangers, lists, auto-replies), and
//! reading a body is most of what parsing a message costs. A message that
//! may be a bounce is read whole at once, since its kind depends on its body.

use std::sync::OnceLock;

use jiff::Timestamp;
use mail_parser::{HeaderName, Message, MessageParser};

use crate::authentication::Authentication;
use crate::forwarded::{EARLIER_MESSAGE_LINES, Forwarded, forwarded, starts_earlier_message};
use crate::headers::{first, from_address, header_fields, message_ids};
use crate::message_kind::{Clues, MessageKind, may_be_a_bounce, message_kind};
use crate::parties::{Party, parties};

/// Characters of the body kept as the snippet.
pub const SNIPPET_CHARS: usize = 200;

/// Characters of the body kept as the excerpt.
pub const EXCERPT_CHARS: usize = 2000;

/// The header fields that name the mailbox a message was delivered to.
const DELIVERY_FIELDS: [&str; 4] = ["delivered-to", "x-original-to", "x-delivered-to", "envelope-to"];

/// An email in the watched mailbox.
#[derive(Clone)]
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
    /// Sent by a machine (auto-reply, delivery report, list mail), not a
    /// person answering: `!matches!(kind, MessageKind::Person)`.
    pub automatic: bool,
    /// The sender's display name, decoded; may be empty.
    pub from_name: String,
    /// Every mailbox of the To fields (groups flattened), each address once.
    pub to: Vec<Party>,
    /// Every mailbox of the Cc fields, each address once.
    pub cc: Vec<Party>,
    /// The addresses of Delivered-To, X-Original-To, X-Delivered-To and
    /// Envelope-To, lower-cased, in header order, each once.
    pub delivered_to: Vec<String>,
    /// Who sent it: a person, an auto-responder, a list, or a mail server reporting a bounce.
    pub kind: MessageKind,
    /// The message as fetched, and what is read from it when first asked.
    later: Later,
}

/// What a message tells only when asked: read from its bytes, kept once read.
#[derive(Clone)]
struct Later {
    raw: Box<[u8]>,
    parser: &'static MessageParser,
    /// The body text a person would read (the first text part, decoded).
    text: OnceLock<String>,
    snippet: OnceLock<String>,
    excerpt: OnceLock<String>,
    forwarded: OnceLock<Option<Forwarded>>,
    authentication: OnceLock<Authentication>,
}

impl InboundMessage {
    /// Read a message (or its header and the start of its text) as fetched; `received` is the server's INTERNALDATE.
    pub fn parse(uid: u32, raw: &[u8], received: Option<Timestamp>) -> InboundMessage {
        InboundMessage::read(uid, raw.into(), received)
    }

    /// [`InboundMessage::parse`] of a message the caller owns, without a copy of it.
    pub fn read(uid: u32, raw: Box<[u8]>, received: Option<Timestamp>) -> InboundMessage {
        InboundMessage::read_with(structure_parser(), false, uid, raw, received)
    }

    /// [`InboundMessage::parse`] as it was first written: mail-parser reading
    /// every header field into its structure, as it does by default, and the
    /// whole message read at once. The property tests check that reading only
    /// what is used, and the body only when asked, reads every message the same.
    #[doc(hidden)]
    pub fn parse_reading_every_field(uid: u32, raw: &[u8], received: Option<Timestamp>) -> InboundMessage {
        static PARSER: OnceLock<MessageParser> = OnceLock::new();
        InboundMessage::read_with(PARSER.get_or_init(MessageParser::default), true, uid, raw.into(), received)
    }

    fn read_with(
        parser: &'static MessageParser,
        whole: bool,
        uid: u32,
        raw: Box<[u8]>,
        received: Option<Timestamp>,
    ) -> InboundMessage {
        let fields = header_fields(&raw);
        let ids = |name: &str| first(&fields, name).map(message_ids).unwrap_or_default();
        let mailboxes = |name: &str| {
            let mut found: Vec<Party> = Vec::new();
            for party in fields.iter().filter(|(field, _)| field == name).flat_map(|(_, value)| parties(value)) {
                if !found.iter().any(|known| known.address == party.address) {
                    found.push(party);
                }
            }
            found
        };
        let from_value = first(&fields, "from");
        let from = from_value.and_then(from_address);
        let from_name = from_value
            .map(parties)
            .and_then(|found| found.into_iter().find(|party| Some(&party.address) == from.as_ref()))
            .map(|party| party.name)
            .unwrap_or_default();
        let to = mailboxes("to");
        let cc = mailboxes("cc");
        let mut delivered_to: Vec<String> = Vec::new();
        for (_, value) in fields.iter().filter(|(name, _)| DELIVERY_FIELDS.contains(&name.as_str())) {
            for party in parties(value) {
                if !delivered_to.contains(&party.address) {
                    delivered_to.push(party.address);
                }
            }
        }
        // The subject as the header alone tells it, to see whether the body is needed now.
        let head = parser.parse_headers(&raw);
        let subject = subject(head.as_ref(), &fields);
        let whole = whole || may_be_a_bounce(&fields, &subject, from.as_deref(), &raw);
        let parsed = if whole { mime_structure(parser, &raw) } else { None };
        let structure = if whole { parsed.as_ref() } else { head.as_ref() };
        let date = structure
            .and_then(|message| message.date())
            .filter(|date| date.is_valid())
            .and_then(|date| Timestamp::from_second(date.to_timestamp()).ok())
            .or(received);
        // The whole message is read as the header is for most messages; a
        // malformed one may read otherwise whole (its subject comes from there then).
        let subject = if whole { self::subject(parsed.as_ref(), &fields) } else { subject };
        let text = parsed.as_ref().map(body_text);

        let ours: Vec<String> =
            to.iter().map(|party| party.address.clone()).chain(delivered_to.iter().cloned()).collect();
        let kind = message_kind(&Clues {
            fields: &fields,
            subject: &subject,
            from: from.as_deref(),
            text: text.as_deref().unwrap_or_default(),
            message: parsed.as_ref(),
            ours: &ours,
        });
        // Read whole already: what the body tells is kept now rather than read again when asked.
        let forwarded = text.as_ref().map(|text| forwarded_of(&kind, &fields, &subject, text, parsed.as_ref()));
        let authentication = text.is_some().then(|| Authentication::from_fields(&fields));
        drop(parsed);
        drop(head);
        let later = Later {
            parser,
            text: known(text),
            snippet: OnceLock::new(),
            excerpt: OnceLock::new(),
            forwarded: known(forwarded),
            authentication: known(authentication),
            raw,
        };
        InboundMessage {
            uid,
            message_id: ids("message-id").into_iter().next(),
            in_reply_to: ids("in-reply-to"),
            references: ids("references"),
            from,
            date,
            subject,
            automatic: kind != MessageKind::Person,
            from_name,
            to,
            cc,
            delivered_to,
            kind,
            later,
        }
    }

    /// The first words of what the sender wrote ([`snippet`], [`SNIPPET_CHARS`] of them).
    pub fn snippet(&self) -> &str {
        self.later.snippet.get_or_init(|| snippet(self.text(), SNIPPET_CHARS))
    }

    /// The opening lines of the body text as written (quotes and blank lines
    /// kept, line ends as `\n`), at most [`EXCERPT_CHARS`] characters, for
    /// quoting in a reminder ([`excerpt`]).
    pub fn excerpt(&self) -> &str {
        self.later.excerpt.get_or_init(|| excerpt(self.text(), EXCERPT_CHARS))
    }

    /// The original message, when this one forwards it (never for a bounce or other report).
    pub fn forwarded(&self) -> Option<&Forwarded> {
        self.later
            .forwarded
            .get_or_init(|| {
                // One parse serves the text too, when it was not read yet.
                let parsed = mime_structure(self.later.parser, &self.later.raw);
                let text = self.later.text.get_or_init(|| parsed.as_ref().map(body_text).unwrap_or_default());
                forwarded_of(&self.kind, &header_fields(&self.later.raw), &self.subject, text, parsed.as_ref())
            })
            .as_ref()
    }

    /// What the receiving server said about the sender.
    pub fn authentication(&self) -> &Authentication {
        self.later.authentication.get_or_init(|| Authentication::from_fields(&header_fields(&self.later.raw)))
    }

    /// The body text a person would read: the first text part, decoded.
    fn text(&self) -> &str {
        self.later.text.get_or_init(|| {
            mime_structure(self.later.parser, &self.later.raw).as_ref().map(body_text).unwrap_or_default()
        })
    }
}

/// A lazily read value, already read when `value` is there.
fn known<T>(value: Option<T>) -> OnceLock<T> {
    value.map_or_else(OnceLock::new, OnceLock::from)
}

/// The subject, whitespace collapsed: decoded by mail-parser, else as the field reads.
fn subject(message: Option<&Message<'_>>, fields: &[(String, String)]) -> String {
    let subject =
        message.and_then(|message| message.subject()).or_else(|| first(fields, "subject")).unwrap_or_default();
    subject.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of the first text part (HTML turned into text when there is no plain one).
fn body_text(message: &Message<'_>) -> String {
    message.body_text(0).map(|text| text.into_owned()).unwrap_or_default()
}

/// The original a message forwards: never a bounce's or another report's (it returns the original, not forwards it).
fn forwarded_of(
    kind: &MessageKind,
    fields: &[(String, String)],
    subject: &str,
    text: &str,
    message: Option<&Message<'_>>,
) -> Option<Forwarded> {
    let report =
        first(fields, "content-type").is_some_and(|kind| kind.to_ascii_lowercase().contains("multipart/report"));
    match kind {
        MessageKind::Bounce(_) => None,
        _ if report => None,
        _ => forwarded(subject, text, message),
    }
}

impl PartialEq for InboundMessage {
    /// Equal when everything they tell is (what is read when asked is read for it).
    fn eq(&self, other: &InboundMessage) -> bool {
        self.uid == other.uid
            && self.message_id == other.message_id
            && self.in_reply_to == other.in_reply_to
            && self.references == other.references
            && self.from == other.from
            && self.date == other.date
            && self.subject == other.subject
            && self.automatic == other.automatic
            && self.from_name == other.from_name
            && self.to == other.to
            && self.cc == other.cc
            && self.delivered_to == other.delivered_to
            && self.kind == other.kind
            && self.snippet() == other.snippet()
            && self.excerpt() == other.excerpt()
            && self.forwarded() == other.forwarded()
            && self.authentication() == other.authentication()
    }
}

impl Eq for InboundMessage {}

impl std::fmt::Debug for InboundMessage {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("InboundMessage")
            .field("uid", &self.uid)
            .field("message_id", &self.message_id)
            .field("in_reply_to", &self.in_reply_to)
            .field("references", &self.references)
            .field("from", &self.from)
            .field("date", &self.date)
            .field("subject", &self.subject)
            .field("automatic", &self.automatic)
            .field("from_name", &self.from_name)
            .field("to", &self.to)
            .field("cc", &self.cc)
            .field("delivered_to", &self.delivered_to)
            .field("kind", &self.kind)
            .field("snippet", &self.snippet())
            .field("excerpt", &self.excerpt())
            .field("forwarded", &self.forwarded())
            .field("authentication", self.authentication())
            .finish()
    }
}

/// The MIME structure of a raw message, if mail-parser can read it.
/// mail-parser 0.11 has `debug_assert!`s that some malformed nestings reach
/// (a `message/rfc822` part whose body is at once another one): in a debug
/// build they panic, so a panic there counts as a structure that cannot be
/// read, and the header alone is used. Release builds do not assert.
fn mime_structure<'x>(parser: &MessageParser, raw: &'x [u8]) -> Option<Message<'x>> {
    std::panic::catch_unwind(|| parser.parse(raw)).ok().flatten()
}

/// mail-parser set to read only what is asked of it: the MIME fields that
/// shape the parts and their bodies, `Date` and `Subject`, at every level
/// (an attached message's too). Every other field is stepped over unread:
/// they are read from [`header_fields`], and mail-parser's default reads
/// each one into its structure first (`Received` and `DKIM-Signature`, the
/// longest of a delivered header, among them): on the benchmark's INBOX a
/// parse took about 20 µs this way against 23–29 µs reading every field.
fn structure_parser() -> &'static MessageParser {
    static PARSER: std::sync::OnceLock<MessageParser> = std::sync::OnceLock::new();
    PARSER.get_or_init(|| {
        MessageParser::new()
            .with_mime_headers()
            .header_date(HeaderName::Date)
            .header_text(HeaderName::Subject)
            .default_header_ignore()
    })
}

/// The opening lines of `text` as written, at most `limit` characters:
/// quoted lines, whitespace-only lines and indentation are kept; blank lines
/// before the first and after the last written line are left out; line ends
/// become `\n`. A line that does not fit whole is cut at a word boundary, so
/// the excerpt is always the start of what was written.
pub fn excerpt(text: &str, limit: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    for line in text.lines().skip_while(|line| line.trim().is_empty()) {
        let separator = usize::from(!out.is_empty());
        let length = line.chars().count();
        if count + separator + length <= limit {
            if separator == 1 {
                out.push('\n');
            }
            out.push_str(line);
            count += separator + length;
            continue;
        }
        let room = limit.saturating_sub(count + separator);
        let fits: &str = match line.char_indices().nth(room) {
            Some((end, _)) => &line[..end],
            None => line,
        };
        // Cut at the last word boundary; a single long word is cut where it must be.
        let cut = match fits.rfind(char::is_whitespace) {
            Some(end) if end > 0 && !fits[..end].trim().is_empty() => &fits[..end],
            _ => fits,
        };
        if !cut.trim().is_empty() {
            if separator == 1 {
                out.push('\n');
            }
            out.push_str(cut);
        }
        break;
    }
    out.truncate(out.trim_end().len());
    out
}

/// The first `limit` characters of what the sender wrote: quoted lines
/// (`> …`), the quoted or forwarded email below an attribution line ("On …
/// wrote:", "-----Original Message-----", Outlook's underscores or bare
/// From/Sent block, a forward separator) and the signature
/// (after `-- `) are left out; whitespace is collapsed to single spaces.
pub fn snippet(text: &str, limit: usize) -> String {
    let mut kept: Vec<&str> = Vec::new();
    // The lines are split off as they are needed: a line and the few after it
    // that tell whether it starts an earlier message.
    let mut rest = text.lines();
    let mut lines: Vec<&str> = Vec::new();
    // Characters of the kept lines but the last, as words joined by single
    // spaces: once past the limit, what follows cannot change the snippet
    // (only the last kept line may still be taken back, as an attribution).
    let mut settled = 0;
    for index in 0.. {
        while lines.len() < index + EARLIER_MESSAGE_LINES {
            match rest.next() {
                Some(line) => lines.push(line),
                None => break,
            }
        }
        let Some(line) = lines.get(index) else { break };
        if settled > limit + 1 {
            break;
        }
        let trimmed = line.trim();
        if trimmed == "--" || trimmed == "__" || is_quote_start(trimmed) || starts_earlier_message(&lines[index..]) {
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
        if let Some(previous) = kept.last() {
            settled += previous.split_whitespace().map(|word| word.chars().count() + 1).sum::<usize>();
        }
        kept.push(trimmed);
    }
    let mut out = String::new();
    let mut count = 0;
    for word in kept.iter().flat_map(|line| line.split_whitespace()) {
        let length = word.chars().count();
        let extra = usize::from(count > 0) + length;
        if count + extra > limit {
            if out.is_empty() {
                out = word.chars().take(limit).collect();
            }
            out.push('…');
            break;
        }
        if count > 0 {
            out.push(' ');
        }
        out.push_str(word);
        count += extra;
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
    use crate::delivery_report::DeliveryAction;

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
        assert_eq!(message.snippet(), "Thanks Sam, let's talk Tuesday.");
        assert!(!message.automatic);
    }

    /// A person's message is read from its header alone until its body is
    /// asked for; a message that may be a bounce is read whole at once.
    #[test]
    fn the_body_is_read_when_first_asked_for() {
        let reply = crlf(
            "From: Ann <ann@acme.example>\nSubject: Re: visit\nContent-Type: text/plain\n\nYes, Tuesday.\n> old\n",
        );
        let message = InboundMessage::parse(1, &reply, None);
        assert!(message.later.text.get().is_none() && message.later.authentication.get().is_none());
        assert_eq!(message.kind, MessageKind::Person);
        assert_eq!(message.snippet(), "Yes, Tuesday.");
        assert_eq!(message.later.text.get().map(String::as_str), Some("Yes, Tuesday.\r\n> old\r\n"));
        assert!(message.later.excerpt.get().is_none(), "only what is asked is read");
        // A forward's original is read with the text, in one parse.
        let fresh = InboundMessage::parse(1, &reply, None);
        assert_eq!(fresh.forwarded(), None);
        assert!(fresh.later.text.get().is_some_and(|text| text.starts_with("Yes, Tuesday.")));

        for bounce in [
            "From: MAILER-DAEMON@mx.example\nSubject: Undelivered Mail\n\nann@acme.example: no such user\n",
            "From: mx@mx.example\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\
             Content-Type: Message/Delivery-Status\n\nFinal-Recipient: rfc822; ann@acme.example\nAction: failed\n--b--\n",
        ] {
            let message = InboundMessage::parse(2, &crlf(bounce), None);
            assert!(message.later.text.get().is_some(), "{bounce}");
            assert!(matches!(message.kind, MessageKind::Bounce(_)), "{bounce}: {:?}", message.kind);
        }
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

    /// The snippet as it was read before it stopped early: every line looked
    /// at, every word kept, then cut. [`snippet`] must say the same.
    fn snippet_reading_everything(text: &str, limit: usize) -> String {
        let mut kept: Vec<&str> = Vec::new();
        let lines: Vec<&str> = text.lines().collect();
        for (index, line) in lines.iter().enumerate() {
            let trimmed = line.trim();
            if trimmed == "--" || trimmed == "__" || is_quote_start(trimmed) || starts_earlier_message(&lines[index..])
            {
                break;
            }
            if trimmed.ends_with("wrote:") || trimmed.ends_with("a écrit :") || trimmed.ends_with("schrieb:") {
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

    proptest::proptest! {
        /// Stopping once the snippet is full changes nothing: long texts, wrapped
        /// attributions right after the limit, quotes and signatures anywhere.
        #[test]
        fn the_snippet_stops_early_without_changing(
            lines in proptest::collection::vec(proptest::sample::select(vec![
                "Thanks Sam, Tuesday works for the call.",
                "A  line   with    many spaces and a   wordthatisratherlongindeedforaline",
                "",
                "   ",
                "On Tue, 24 Nov 2026 at 09:00, Sam Stone <sam@stone.example>",
                "wrote:",
                "> quoted text",
                "-- ",
                "Sent from my phone",
                "From: Sam Stone <sam@stone.example>",
                "Sent: Tuesday, November 24, 2026 9:00 AM",
                "To: Ann Lee <ann@acme.example>",
                "Subject: Checking in",
                "-----Original Message-----",
                "ü é ß — unicode words that count as characters, not bytes",
            ]), 0..40),
            limit in 1usize..260,
        ) {
            let text = lines.join("\n");
            proptest::prop_assert_eq!(snippet(&text, limit), snippet_reading_everything(&text, limit));
        }
    }

    #[test]
    fn the_snippet_leaves_out_quotes_and_signatures() {
        assert_eq!(snippet("Yes!\n\n-- \nAnn Lee\nAcme", 200), "Yes!");
        assert_eq!(snippet("Sure.\n-----Original Message-----\nFrom: Sam", 200), "Sure.");
        assert_eq!(snippet("> old\nnew text\n> old", 200), "new text");
        assert_eq!(snippet("Sounds good\nSent from my iPhone", 200), "Sounds good");
        assert_eq!(snippet("Great.\nOn Tue, Sam wrote:\n> Hi", 200), "Great.");
        assert_eq!(snippet("Fine.\nFrom: Sam <sam@x>\nSent: Tuesday\nHi", 200), "Fine.");
        assert_eq!(snippet("FYI\n---------- Forwarded message ---------\nFrom: Ann", 200), "FYI");
        assert_eq!(snippet("Ja.\n-----Ursprüngliche Nachricht-----\nVon: Sam", 200), "Ja.");
        assert_eq!(snippet("From: the start\nwe grew.", 200), "From: the start we grew.");
        assert_eq!(snippet("one two three four", 9), "one two…");
        assert_eq!(snippet("abcdefghijkl", 5), "abcde…");
        assert_eq!(snippet("", 5), "");
    }

    /// A test message written with `\n` line ends, sent with `\r\n`.
    fn crlf(text: &str) -> Vec<u8> {
        text.replace('\n', "\r\n").into_bytes()
    }

    fn party(address: &str, name: &str) -> Party {
        Party { address: address.into(), name: name.into() }
    }

    #[test]
    fn recipients_and_delivery_addresses_are_read() {
        let raw = crlf(
            r#"Delivered-To: sam@stone.example
X-Original-To: Sales@Stone.example
Delivered-To: sam@stone.example
Envelope-To: sam@stone.example, archive@stone.example
Authentication-Results: mx.stone.example; spf=pass smtp.mailfrom=acme.example
From: "Lee, Ann" <Ann.Lee@Acme.example>
To: Sales <sales@stone.example>, =?utf-8?q?Sam_St=C3=B6ne?= <SAM@stone.example>
To: Team: bob@acme.example, Sam <sam@stone.example>;
Cc: undisclosed-recipients:;
Cc: carl@c.example (Carl C.)
Subject: Visit
Date: Tue, 24 Nov 2026 10:00:00 +0100
Message-ID: <visit-1@acme.example>

Hello Sam,

> an old quote
Let's meet.
"#,
        );
        let message = InboundMessage::parse(3, &raw, None);
        assert_eq!(message.from.as_deref(), Some("ann.lee@acme.example"));
        assert_eq!(message.from_name, "Lee, Ann");
        assert_eq!(
            message.to,
            [
                party("sales@stone.example", "Sales"),
                party("sam@stone.example", "Sam Stöne"),
                party("bob@acme.example", "")
            ]
        );
        assert_eq!(message.cc, [party("carl@c.example", "Carl C.")]);
        assert_eq!(message.delivered_to, ["sam@stone.example", "sales@stone.example", "archive@stone.example"]);
        assert_eq!(message.kind, MessageKind::Person);
        assert!(!message.automatic);
        assert!(message.authentication().passes_for("acme.example"));
        assert_eq!(message.forwarded(), None);
        assert_eq!(message.excerpt(), "Hello Sam,\n\n> an old quote\nLet's meet.");
        assert_eq!(message.snippet(), "Hello Sam, Let's meet.");
    }

    #[test]
    fn a_report_style_bounce_is_read() {
        let raw = crlf(
            r#"Return-Path: <>
Delivered-To: sam@stone.example
From: Mail Delivery Subsystem <mailer-daemon@mail.example>
To: sam@stone.example
Subject: Delivery Status Notification (Failure)
Auto-Submitted: auto-replied
Message-ID: <dsn-77@mail.example>
Content-Type: multipart/report; report-type=delivery-status;
	boundary="00000000000019b7a2"

--00000000000019b7a2
Content-Type: text/plain; charset="UTF-8"

** Address not found **

Your message wasn't delivered to ann@acme.example because the address couldn't be found.

The response was:

550 5.1.1 The email account that you tried to reach does not exist.

--00000000000019b7a2
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.example
Received-From-MTA: dns; sam@stone.example
Arrival-Date: Tue, 24 Nov 2026 01:02:03 -0800 (PST)
X-Original-Message-ID: <plan.4.1.2.9@stone.example>

Final-Recipient: rfc822; ann@acme.example
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.acme.example. (192.0.2.9, the server for the domain
 acme.example.)
Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach
 does not exist. Please try double-checking the recipient's email address
 for typos or unnecessary spaces.
Last-Attempt-Date: Tue, 24 Nov 2026 01:02:04 -0800 (PST)

--00000000000019b7a2
Content-Type: message/rfc822

From: Sam Stone <sam@stone.example>
To: Ann Lee <ann@acme.example>
Subject: Checking in
Message-ID: <plan.4.1.2.9@stone.example>

Hi Ann, just checking in.
--00000000000019b7a2--
"#,
        );
        let message = InboundMessage::parse(4, &raw, None);
        let MessageKind::Bounce(report) = &message.kind else { panic!("{:?}", message.kind) };
        assert_eq!(report.original_message_id.as_deref(), Some("<plan.4.1.2.9@stone.example>"));
        assert_eq!(report.recipients.len(), 1);
        let recipient = &report.recipients[0];
        assert_eq!(
            (recipient.address.as_str(), recipient.action, recipient.status.as_str()),
            ("ann@acme.example", DeliveryAction::Failed, "5.1.1")
        );
        assert!(
            recipient
                .diagnostic
                .starts_with("550-5.1.1 The email account that you tried to reach does not exist. Please")
        );
        assert!(recipient.is_permanent());
        assert!(message.automatic);
        assert_eq!(message.forwarded(), None, "the returned message is not a forward");

        // Cut off before the returned message: the report's own X-Original-Message-ID names it.
        let cut = &raw[..raw.windows(22).position(|window| window == b"Last-Attempt-Date: Tue").unwrap()];
        let MessageKind::Bounce(report) = InboundMessage::parse(4, cut, None).kind else { panic!() };
        assert_eq!(report.original_message_id.as_deref(), Some("<plan.4.1.2.9@stone.example>"));
        assert_eq!(report.recipients.len(), 1);
    }

    #[test]
    fn a_read_receipt_is_automatic_and_no_forward() {
        let raw = crlf(
            r#"From: Ann Lee <ann@acme.example>
To: sam@stone.example
Subject: Read: Checking in
Content-Type: multipart/report; report-type=disposition-notification; boundary="mdn"

--mdn
Content-Type: text/plain

Your message was read on Tuesday.
--mdn
Content-Type: message/disposition-notification

Final-Recipient: rfc822;ann@acme.example
Disposition: manual-action/MDN-sent-manually; displayed
--mdn
Content-Type: message/rfc822

From: Sam Stone <sam@stone.example>
Subject: Checking in
Message-ID: <plan.7.1.2.9@stone.example>

Hi
--mdn--
"#,
        );
        let message = InboundMessage::parse(15, &raw, None);
        assert_eq!(message.kind, MessageKind::AutoReply);
        assert_eq!(message.forwarded(), None);
    }

    #[test]
    fn an_exchange_style_bounce_is_read() {
        let raw = crlf(
            r##"From: Microsoft Outlook <postmaster@stone.example>
To: Sam Stone <sam@stone.example>
Subject: Undeliverable: Checking in
Content-Type: multipart/report; report-type="delivery-status";
	boundary="_000_NDR_stone_"
MIME-Version: 1.0

--_000_NDR_stone_
Content-Type: text/html; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

<html><body><p><b><font color=3D"#000066">Your message to ann@acme.example c=
ouldn't be delivered.</font></b></p><p>Remote Server returned '550 5.1.10 R=
ESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'</p>=
</body></html>

--_000_NDR_stone_
Content-Type: message/delivery-status

Reporting-MTA: dns;EXCH01.stone.example
Received-From-MTA: dns;EXCH02.stone.example
Arrival-Date: Tue, 24 Nov 2026 09:00:01 +0000

Original-Recipient: rfc822;Ann@Acme.example
Final-Recipient: rfc822;Ann@Acme.example
Action: failed
Status: 5.1.10
Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup

--_000_NDR_stone_
Content-Type: text/rfc822-headers

From: Sam Stone <sam@stone.example>
To: <Ann@Acme.example>
Subject: Checking in
Message-ID: <plan.5.1.2.9@stone.example>

--_000_NDR_stone_--
"##,
        );
        let message = InboundMessage::parse(5, &raw, None);
        let MessageKind::Bounce(report) = &message.kind else { panic!("{:?}", message.kind) };
        assert_eq!(report.original_message_id.as_deref(), Some("<plan.5.1.2.9@stone.example>"));
        assert_eq!(report.recipients[0].address, "ann@acme.example");
        assert_eq!(report.recipients[0].status, "5.1.10");
        assert_eq!(
            report.recipients[0].diagnostic,
            "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"
        );
    }

    #[test]
    fn a_bounce_cut_off_before_its_status_part_reads_the_text() {
        let raw = crlf(
            r#"From: MAILER-DAEMON@mail.stone.example (Mail Delivery System)
To: sam@stone.example
Subject: Undelivered Mail Returned to Sender
Content-Type: multipart/report; report-type=delivery-status;
	boundary="4KqT2x0Ysyz9sWd.1795338003/mail.stone.example"

--4KqT2x0Ysyz9sWd.1795338003/mail.stone.example
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.stone.example.

                   The mail system

<ann@acme.example>: host mx1.acme.example[192.0.2.9] said: 552 5.2.2
    Mailbox full (in reply to RCPT TO command)

--4KqT2x0Ysyz9sWd.1795338003/mail.stone.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.stone.example
X-Postfix-Queue-ID: 4KqT2x0Ysyz9sWd
"#,
        );
        let message = InboundMessage::parse(6, &raw, None);
        let MessageKind::Bounce(report) = &message.kind else { panic!("{:?}", message.kind) };
        assert_eq!(report.recipients.len(), 1, "{report:?}");
        assert_eq!(report.recipients[0].address, "ann@acme.example");
        assert_eq!(report.recipients[0].status, "5.2.2");
        assert_eq!(report.recipients[0].diagnostic, "552 5.2.2 Mailbox full (in reply to RCPT TO command)");
        assert_eq!(report.original_message_id, None);
    }

    #[test]
    fn an_out_of_office_reply_is_automatic() {
        let raw = crlf(
            r#"From: Ann Lee <ann@acme.example>
To: Sam Stone <sam@stone.example>
Subject: Automatic reply: Checking in
Auto-Submitted: auto-generated
X-Auto-Response-Suppress: All
In-Reply-To: <plan.6.1.2.9@stone.example>
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

I am out of the office until 1 December. For urgent matters please write to=
 bob@acme.example.
"#,
        );
        let message = InboundMessage::parse(7, &raw, None);
        assert_eq!(message.kind, MessageKind::AutoReply);
        assert!(message.automatic);
        assert_eq!(message.in_reply_to, ["<plan.6.1.2.9@stone.example>"]);
        assert_eq!(
            message.excerpt(),
            "I am out of the office until 1 December. For urgent matters please write to bob@acme.example."
        );
    }

    #[test]
    fn list_mail_is_automatic() {
        let raw = crlf(
            "From: Acme News <news@acme.example>\nTo: sam@stone.example\nSubject: This week at Acme\nList-Id: Acme news <news.acme.example>\nList-Unsubscribe: <https://acme.example/u/1>, <mailto:leave@acme.example>\nPrecedence: bulk\n\nNews.\n",
        );
        let message = InboundMessage::parse(8, &raw, None);
        assert_eq!(message.kind, MessageKind::List);
        assert!(message.automatic);
    }

    #[test]
    fn a_forged_authentication_result_below_the_servers_is_not_believed() {
        let raw = crlf(
            r#"Authentication-Results: mx.stone.example;
	spf=softfail (mx.stone.example: 203.0.113.66 is not allowed) smtp.mailfrom=acme.example;
	dkim=none (message not signed);
	dmarc=fail (p=none) header.from=acme.example
Received: from evil.example (evil.example [203.0.113.66])
	by mx.stone.example with ESMTP id 1234
Authentication-Results: mx.stone.example; spf=pass smtp.mailfrom=acme.example;
	dkim=pass header.d=acme.example; dmarc=pass header.from=acme.example
From: Ann Lee <ann@acme.example>
To: sam@stone.example
Subject: Re: Checking in

Please pay the invoice to our new account.
"#,
        );
        let message = InboundMessage::parse(9, &raw, None);
        assert!(message.authentication().has_results());
        assert_eq!(message.authentication().headers, 2);
        assert!(!message.authentication().passes_for("acme.example"));
        assert_eq!(message.kind, MessageKind::Person);

        let unchecked = InboundMessage::parse(10, b"From: ann@acme.example\r\n\r\nHi\r\n", None);
        assert!(!unchecked.authentication().has_results());
        assert!(!unchecked.authentication().passes_for("acme.example"));
    }

    #[test]
    fn an_outlook_forward_with_html_is_read() {
        let raw = crlf(
            r#"From: Sam Stone <sam@stone.example>
To: "tickler@stone.example" <tickler@stone.example>
Subject: FW: Quarterly numbers
Content-Type: multipart/alternative; boundary="_000_SAM_"
MIME-Version: 1.0

--_000_SAM_
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

Can you follow up with Ann next week?

From: Ann L=C3=A9e <ann@acme.example<mailto:ann@acme.example>>
Sent: Tuesday, November 24, 2026 4:05 PM
To: Sam Stone <sam@stone.example<mailto:sam@stone.example>>
Cc: 'Bob Ray' <bob@acme.example<mailto:bob@acme.example>>; Carl
Subject: Quarterly numbers

Hi Sam, here are the numbers.

--_000_SAM_
Content-Type: text/html; charset="utf-8"

<html><body><p>Can you follow up with Ann next week?</p></body></html>
--_000_SAM_--
"#,
        );
        let message = InboundMessage::parse(11, &raw, None);
        assert_eq!(message.kind, MessageKind::Person);
        assert_eq!(message.to, [party("tickler@stone.example", "")]);
        let forwarded = message.forwarded().expect("a forward");
        assert_eq!(forwarded.from, Some(party("ann@acme.example", "Ann Lée")));
        assert_eq!(forwarded.to, [party("sam@stone.example", "Sam Stone")]);
        assert_eq!(forwarded.cc, [party("bob@acme.example", "Bob Ray")]);
        assert_eq!(forwarded.subject, "Quarterly numbers");
        assert_eq!(forwarded.date, Some("2026-11-24T16:05:00Z".parse().unwrap()));
        assert_eq!(message.snippet(), "Can you follow up with Ann next week?");
        assert!(message.excerpt().starts_with("Can you follow up with Ann next week?\n\nFrom: Ann Lée"));
    }

    #[test]
    fn a_forward_as_attachment_is_read() {
        let raw = crlf(
            r#"From: Sam Stone <sam@stone.example>
To: tickler@stone.example
Subject: Fwd: =?utf-8?q?Angebot_f=C3=BCr_2027?=
Content-Type: multipart/mixed; boundary="mixed-1"

--mixed-1
Content-Type: text/plain

See attached.
--mixed-1
Content-Type: message/rfc822
Content-Disposition: attachment; filename="Angebot.eml"

From: =?iso-8859-1?q?J=F6rg_M=FCller?= <Joerg@Acme.example>
To: Sam Stone <sam@stone.example>, Bob <bob@acme.example>
Cc: carl@c.example
Subject: =?utf-8?q?Angebot_f=C3=BCr_2027?=
Date: Tue, 24 Nov 2026 10:00:00 +0100
Message-ID: <angebot-1@acme.example>

Guten Tag
--mixed-1--
"#,
        );
        let message = InboundMessage::parse(12, &raw, None);
        assert_eq!(message.subject, "Fwd: Angebot für 2027");
        let forwarded = message.forwarded().expect("a forward");
        assert_eq!(forwarded.from, Some(party("joerg@acme.example", "Jörg Müller")));
        assert_eq!(forwarded.to, [party("sam@stone.example", "Sam Stone"), party("bob@acme.example", "Bob")]);
        assert_eq!(forwarded.cc, [party("carl@c.example", "")]);
        assert_eq!(forwarded.subject, "Angebot für 2027");
        assert_eq!(forwarded.date, Some("2026-11-24T09:00:00Z".parse().unwrap()));
        assert_eq!(forwarded.message_id.as_deref(), Some("<angebot-1@acme.example>"));
    }

    #[test]
    fn a_forward_cut_off_mid_part_is_read() {
        let raw = crlf(
            r#"From: Sam Stone <sam@stone.example>
To: tickler@stone.example
Subject: Fwd: Visit
Content-Type: multipart/mixed; boundary="cut"

--cut
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=UTF-8

---------- Forwarded message ---------
From: Ann Lee <ann@acme.example>
Date: Tue, Nov 24, 2026 at 10:00 AM
Subject: Visit
To: <sam@stone.example>

Can we meet on Frid"#,
        );
        let message = InboundMessage::parse(13, &raw, None);
        let forwarded = message.forwarded().expect("a forward");
        assert_eq!(forwarded.from, Some(party("ann@acme.example", "Ann Lee")));
        assert_eq!(forwarded.to, [party("sam@stone.example", "")]);
        assert_eq!(forwarded.date, Some("2026-11-24T10:00:00Z".parse().unwrap()));
    }

    #[test]
    fn an_attached_message_that_is_only_another_attached_message_is_read_as_far_as_it_goes() {
        // mail-parser trips a debug assertion on this nesting; the header is still read.
        let raw = crlf(
            "From: Sam <sam@stone.example>\nSubject: Fwd: Fwd: x\nContent-Type: multipart/mixed; boundary=\"=\"\n\n--=\nContent-Type: message/rfc822\n\nContent-Type: message/rfc822\n\nContent-Type: text/plain\n\n\n--=--\n",
        );
        let message = InboundMessage::parse(14, &raw, None);
        assert_eq!(message.from.as_deref(), Some("sam@stone.example"));
        assert_eq!(message.subject, "Fwd: Fwd: x");
        assert_eq!(message, InboundMessage::parse(14, &raw, None));
    }

    /// How long parsing takes for a typical reply (plain and HTML, a quoted
    /// history, a 20 KiB body): `cargo test -p tickler-mail --release --lib -- --ignored --nocapture parse_speed`.
    #[test]
    #[ignore = "a timing, not a check"]
    fn parse_speed() {
        let quoted: String =
            (0..120).map(|line| format!("> line {line} of the earlier message, quoted in full\n")).collect();
        let html: String =
            (0..160).map(|line| format!("<p style=\"margin:0\">paragraph {line} of the html part</p>\n")).collect();
        let raw = crlf(&format!(
            "Delivered-To: sam@stone.example\nAuthentication-Results: mx.stone.example; dkim=pass header.d=acme.example; spf=pass smtp.mailfrom=acme.example; dmarc=pass header.from=acme.example\nFrom: Ann Lee <ann@acme.example>\nTo: Sam Stone <sam@stone.example>, Bob <bob@acme.example>\nCc: Carl <carl@c.example>\nSubject: Re: Checking in\nDate: Tue, 24 Nov 2026 10:00:00 +0100\nMessage-ID: <r1@acme.example>\nIn-Reply-To: <plan.1.1.1.9@stone.example>\nReferences: <plan.1.1.1.9@stone.example>\nContent-Type: multipart/alternative; boundary=\"alt\"\n\n--alt\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nThanks Sam, Tuesday works.\n\nOn Tue, 24 Nov 2026 at 09:00, Sam Stone <sam@stone.example> wrote:\n{quoted}\n--alt\nContent-Type: text/html; charset=utf-8\n\n<html><body>{html}</body></html>\n--alt--\n"
        ));
        let runs = 2000;
        // Interleaved with mail-parser's MIME parse alone, which is most of the cost, so a busy machine skews both alike.
        let (mut whole, mut mime) = (std::time::Duration::ZERO, std::time::Duration::ZERO);
        for uid in 0..runs {
            let start = std::time::Instant::now();
            std::hint::black_box(InboundMessage::parse(uid, std::hint::black_box(&raw), None));
            whole += start.elapsed();
            let start = std::time::Instant::now();
            std::hint::black_box(mime_structure(structure_parser(), std::hint::black_box(&raw)));
            mime += start.elapsed();
        }
        println!(
            "{} bytes: {:?} per message, of which {:?} mail-parser's MIME parse",
            raw.len(),
            whole / runs,
            mime / runs
        );
    }

    #[test]
    fn the_excerpt_keeps_the_opening_lines_as_written() {
        assert_eq!(
            excerpt("\r\n\r\nHi Sam,\r\n  \r\n> quoted\r\n  indented\r\n\r\n\r\n", 100),
            "Hi Sam,\n  \n> quoted\n  indented"
        );
        assert_eq!(excerpt("one two three\nfour", 9), "one two");
        assert_eq!(excerpt("one\ntwo three four", 12), "one\ntwo");
        assert_eq!(excerpt("abcdefghij", 4), "abcd");
        assert_eq!(excerpt("ééé ééé", 5), "ééé");
        assert_eq!(excerpt("", 10), "");
        assert_eq!(excerpt("anything", 0), "");
        let long = "word ".repeat(1000);
        let cut = excerpt(&long, EXCERPT_CHARS);
        assert!(cut.chars().count() <= EXCERPT_CHARS && cut.chars().count() > EXCERPT_CHARS - 6);
        assert!(long.starts_with(&cut));
    }
}

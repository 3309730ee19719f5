//! The original message inside a forward: who wrote it, to whom, its
//! subject, date and Message-ID. Mail clients forward inline, writing the
//! original's header block into the text under a separator line (Gmail's
//! "---------- Forwarded message ---------", Apple Mail's "Begin forwarded
//! message:", Thunderbird's "-------- Forwarded Message --------" with
//! tab-separated fields, Outlook's "-----Original Message-----" or a bare
//! "From: … Sent: … To: … Subject:" block, in several languages), or attach
//! it as `message/rfc822`.
//!
//! Outlook writes its separator and header block into replies too, so those
//! count as a forward only when the subject is not a plain reply's ("Re: …"
//! without "Fwd:"); the unambiguous forward separators always count.

use jiff::Timestamp;
use mail_parser::{Message, MimeHeaders, PartType};
use serde::Serialize;

use crate::headers::{first, header_fields, message_ids};
use crate::loose_date::loose_date;
use crate::parties::{Party, decode_words, first_party, parties};

/// Lines after a separator that may be blank before the header block starts.
const MAX_BLANK_LINES: usize = 3;

/// The original message inside a forward, as far as it could be read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Forwarded {
    /// Who wrote the original.
    pub from: Option<Party>,
    pub to: Vec<Party>,
    pub cc: Vec<Party>,
    /// The original's subject, whitespace collapsed; empty when not given.
    pub subject: String,
    /// When the original was sent; a date written without a zone is read as UTC.
    pub date: Option<Timestamp>,
    /// The original's Message-ID (`<…>`), when given (attached originals carry one).
    pub message_id: Option<String>,
}

/// What a subject's leading prefixes say ("Re: Fwd: …").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SubjectPrefixes {
    /// A forward prefix (Fwd:, Fw:, WG:, TR:, RV:, Doorst:, …) leads the subject, possibly after Re:.
    pub forward: bool,
    /// A reply prefix (Re:, AW:, SV:, Antw:, …) leads it.
    pub reply: bool,
}

/// The prefixes that lead a subject, case-insensitive, with any `[tag]`
/// (`[External]`), counter (`RE[2]:`) or French spacing (`TR :`).
pub fn subject_prefixes(subject: &str) -> SubjectPrefixes {
    const FORWARD: [&str; 10] = ["fwd", "fw", "wg", "tr", "rv", "doorst", "enc", "vb", "vl", "fwd."];
    const REPLY: [&str; 10] = ["re", "aw", "sv", "antw", "ref", "réf", "rif", "odp", "res", "r"];
    let mut prefixes = SubjectPrefixes::default();
    let mut rest = subject.trim_start();
    for _ in 0..16 {
        if let Some(tagged) = rest.strip_prefix('[')
            && let Some((_, after)) = tagged.split_once(']')
            && tagged.len() - after.len() < 40
        {
            rest = after.trim_start();
            continue;
        }
        let Some((word, after)) = rest.split_once(':') else { break };
        let word = word.trim_end().to_lowercase();
        let word = word.split(['[', '(']).next().unwrap_or_default();
        if FORWARD.contains(&word) {
            prefixes.forward = true;
        } else if REPLY.contains(&word) {
            prefixes.reply = true;
        } else {
            break;
        }
        rest = after.trim_start();
    }
    prefixes
}

/// The forwarded original of a message with this subject, body text and
/// MIME structure; `None` when it is not a forward or nothing of the
/// original could be read.
pub fn forwarded(subject: &str, text: &str, message: Option<&Message<'_>>) -> Option<Forwarded> {
    let prefixes = subject_prefixes(subject);
    let outlook_counts = prefixes.forward || !prefixes.reply;
    inline(text, outlook_counts).or_else(|| message.and_then(attached))
}

/// The first header block written under a forward separator in `text`.
/// `outlook_counts` lets Outlook's separators (which replies use too) and a
/// bare From/Sent block count.
pub fn inline(text: &str, outlook_counts: bool) -> Option<Forwarded> {
    if !text.contains(':') {
        return None;
    }
    let lines: Vec<&str> = text.lines().map(unquoted).collect();
    for (index, line) in lines.iter().enumerate() {
        let start = match separator(line) {
            Some(Separator::Forward) => index + 1,
            Some(Separator::Outlook) if outlook_counts => index + 1,
            None if outlook_counts && bare_block_starts(&lines[index..]) => index,
            _ => continue,
        };
        if let Some(found) = block(lines.get(start..).unwrap_or_default()) {
            return Some(found);
        }
    }
    None
}

/// Lines [`starts_earlier_message`] looks at, at most: the first and the two after it.
pub const EARLIER_MESSAGE_LINES: usize = 3;

/// Whether `lines` start a quoted or forwarded earlier message: a forward
/// or Outlook separator line, or Outlook's bare From/Sent header block.
/// Only the first [`EARLIER_MESSAGE_LINES`] count.
pub fn starts_earlier_message(lines: &[&str]) -> bool {
    lines.first().is_some_and(|line| separator(unquoted(line)).is_some()) || bare_block_starts(lines)
}

/// The first attached message (`message/rfc822`), read from its header.
fn attached(message: &Message<'_>) -> Option<Forwarded> {
    message.parts.iter().find_map(|part| {
        // Only an explicit message/rfc822 (or message/global): a digest's parts are messages by default.
        let explicit = part.content_type().is_some_and(|kind| {
            kind.ctype().eq_ignore_ascii_case("message")
                && kind
                    .subtype()
                    .is_some_and(|sub| sub.eq_ignore_ascii_case("rfc822") || sub.eq_ignore_ascii_case("global"))
        });
        let PartType::Message(original) = &part.body else { return None };
        if !explicit {
            return None;
        }
        let root = original.parts.first()?;
        let header = original.raw_message.get(root.offset_header as usize..root.offset_body as usize)?;
        let fields = header_fields(header);
        let all = |name: &str| {
            dedup(fields.iter().filter(|(field, _)| field == name).flat_map(|(_, value)| parties(value)).collect())
        };
        let date = original
            .date()
            .filter(|date| date.is_valid())
            .and_then(|date| Timestamp::from_second(date.to_timestamp()).ok())
            .or_else(|| first(&fields, "date").and_then(loose_date));
        let found = Forwarded {
            from: first(&fields, "from").and_then(first_party),
            to: all("to"),
            cc: all("cc"),
            subject: first(&fields, "subject").map(decode_words).unwrap_or_default(),
            date,
            message_id: first(&fields, "message-id").and_then(|value| message_ids(value).into_iter().next()),
        };
        (found != Forwarded::default()).then_some(found)
    })
}

/// Parties without repeated addresses, the first kept.
fn dedup(found: Vec<Party>) -> Vec<Party> {
    let mut out: Vec<Party> = Vec::with_capacity(found.len());
    for party in found {
        if !out.iter().any(|known| known.address == party.address) {
            out.push(party);
        }
    }
    out
}

/// A line without its quote markers (`> > `).
fn unquoted(line: &str) -> &str {
    let mut rest = line;
    while let Some(after) = rest.trim_start().strip_prefix('>') {
        rest = after;
    }
    if rest.len() == line.len() { line } else { rest.strip_prefix(' ').unwrap_or(rest) }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Separator {
    /// Written only above a forwarded message.
    Forward,
    /// Outlook's, written above forwarded and replied-to messages alike.
    Outlook,
}

/// The separator a line is, if it is one.
fn separator(line: &str) -> Option<Separator> {
    const FORWARD: [&str; 16] = [
        "forwarded message",
        "begin forwarded message",
        "forwarded e-mail",
        "weitergeleitete nachricht",
        "anfang der weitergeleiteten nachricht",
        "message transféré",
        "début du message transféré",
        "début du message réexpédié",
        "mensaje reenviado",
        "comienzo del mensaje reenviado",
        "messaggio inoltrato",
        "inizio messaggio inoltrato",
        "doorgestuurd bericht",
        "begin doorgestuurd bericht",
        "vidarebefordrat meddelande",
        "videresendt melding",
    ];
    const OUTLOOK: [&str; 8] = [
        "original message",
        "ursprüngliche nachricht",
        "originalnachricht",
        "message d'origine",
        "mensaje original",
        "messaggio originale",
        "oorspronkelijk bericht",
        "alkuperäinen viesti",
    ];
    let trimmed = line.trim();
    // Every separator starts with a rule ("-----", "_____") or ends with a colon ("Begin forwarded message:").
    if trimmed.len() > 80 || !(trimmed.starts_with(['-', '_', '*', '=']) || trimmed.ends_with(':')) {
        return None;
    }
    if trimmed.len() >= 10 && trimmed.chars().all(|c| c == '_') {
        return Some(Separator::Outlook);
    }
    let phrase = trimmed.trim_matches(|c: char| c == '-' || c == '_' || c == '*' || c == '=' || c.is_whitespace());
    let phrase = phrase.trim_end_matches(':').trim_end().to_lowercase();
    if FORWARD.contains(&phrase.as_str()) {
        Some(Separator::Forward)
    } else if OUTLOOK.contains(&phrase.as_str()) && trimmed.starts_with(['-', '_', '*', '=']) {
        Some(Separator::Outlook)
    } else {
        None
    }
}

/// The field of a forwarded header block a label names, in any of the languages clients write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    From,
    To,
    Cc,
    Subject,
    Date,
    MessageId,
    /// Bcc, Reply-To, Importance, …: part of the block, not read.
    Other,
}

/// A `Label: value` line of a header block ("De : …", "*From:* …",
/// "Subject: \tQuarterly" alike).
fn field(line: &str) -> Option<(Label, &str)> {
    let colon = line.bytes().take(32).position(|byte| byte == b':')?;
    let (label, value) = (&line[..colon], &line[colon + 1..]);
    if label.starts_with([' ', '\t']) {
        return None;
    }
    let label = label.trim().trim_matches('*').trim().to_lowercase();
    let value = value.trim().trim_start_matches('*').trim();
    let kind = match label.as_str() {
        "from" | "von" | "de" | "da" | "van" | "från" | "fra" | "od" | "от" | "absender" | "expéditeur" => {
            Label::From
        }
        "to" | "an" | "à" | "a" | "aan" | "till" | "til" | "para" | "empfänger" | "destinataire" | "do" => Label::To,
        "cc" | "kopie" | "copie" | "cópia" | "kopia" => Label::Cc,
        "subject" | "betreff" | "objet" | "oggetto" | "asunto" | "onderwerp" | "ämne" | "emne" | "assunto"
        | "sujet" | "temat" => Label::Subject,
        "date" | "sent" | "datum" | "gesendet" | "envoyé" | "inviato" | "enviado" | "verzonden" | "skickat"
        | "sendt" | "data" | "fecha" | "verstuurd" | "wysłano" => Label::Date,
        "message-id" => Label::MessageId,
        "bcc" | "reply-to" | "antwort an" | "importance" | "wichtigkeit" | "priority" | "attachments" | "anlagen"
        | "sender" => Label::Other,
        _ => return None,
    };
    Some((kind, value))
}

/// Whether an Outlook header block starts here without a separator above
/// it: a From line followed by a Sent or Date line (or To, then Sent).
fn bare_block_starts(lines: &[&str]) -> bool {
    if !matches!(lines.first().and_then(|line| field(line)), Some((Label::From, _))) {
        return false;
    }
    let labels: Vec<Label> = lines[1..]
        .iter()
        .take(EARLIER_MESSAGE_LINES - 1)
        .map_while(|line| field(line).map(|(label, _)| label))
        .collect();
    labels.contains(&Label::Date)
}

/// The header block at the top of `lines` (after a few blank lines), if it names anything.
fn block(lines: &[&str]) -> Option<Forwarded> {
    let mut fields: Vec<(Label, String)> = Vec::new();
    let mut blanks = 0;
    for line in lines {
        if line.trim().is_empty() {
            if !fields.is_empty() || blanks == MAX_BLANK_LINES {
                break;
            }
            blanks += 1;
            continue;
        }
        if let Some((label, value)) = field(line) {
            fields.push((label, value.to_string()));
            continue;
        }
        // A long value wrapped onto the next line.
        match fields.last_mut() {
            Some((label, value))
                if line.starts_with([' ', '\t']) || (matches!(label, Label::To | Label::Cc) && line.contains('@')) =>
            {
                value.push(' ');
                value.push_str(line.trim());
            }
            _ => break,
        }
    }
    let value = |wanted: Label| fields.iter().find(|(label, _)| *label == wanted).map(|(_, value)| value.as_str());
    let all = |wanted: Label| {
        dedup(fields.iter().filter(|(label, _)| *label == wanted).flat_map(|(_, value)| parties(value)).collect())
    };
    let found = Forwarded {
        from: value(Label::From).and_then(first_party),
        to: all(Label::To),
        cc: all(Label::Cc),
        subject: value(Label::Subject).map(decode_words).unwrap_or_default(),
        date: value(Label::Date).and_then(loose_date),
        message_id: value(Label::MessageId).and_then(|value| message_ids(value).into_iter().next()),
    };
    (found != Forwarded::default()).then_some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party(address: &str, name: &str) -> Party {
        Party { address: address.into(), name: name.into() }
    }

    fn at(text: &str) -> Option<Timestamp> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn subject_prefixes_are_read() {
        let forward = |subject: &str| subject_prefixes(subject).forward;
        for subject in [
            "Fwd: numbers",
            "FW: numbers",
            "fw : numbers",
            "WG: Angebot",
            "TR : devis",
            "RV: oferta",
            "Doorst: offerte",
            "Re: Fwd: numbers",
            "RE[2]: FW: x",
            "[External] Fwd: x",
        ] {
            assert!(forward(subject), "{subject}");
        }
        for subject in ["Re: numbers", "Forward planning", "Fwd numbers", "Trial: TR: x", ""] {
            assert!(!forward(subject), "{subject}");
        }
        assert_eq!(subject_prefixes("AW: Angebot"), SubjectPrefixes { forward: false, reply: true });
    }

    #[test]
    fn a_gmail_forward_is_read() {
        let text = "Sam, see below.\r\n\r\n---------- Forwarded message ---------\r\n\
From: Ann Lee <Ann@Acme.example>\r\n\
Date: Tue, Nov 24, 2026 at 10:00 AM\r\n\
Subject: Quarterly   numbers\r\n\
To: <sam@x.org>, Bob Ray <bob@acme.example>\r\n\
Cc: Carl <carl@c.example>\r\n\r\n\r\nHi Sam,\r\nthe numbers.\r\n";
        let found = forwarded("Fwd: Quarterly numbers", text, None).unwrap();
        assert_eq!(
            found,
            Forwarded {
                from: Some(party("ann@acme.example", "Ann Lee")),
                to: vec![party("sam@x.org", ""), party("bob@acme.example", "Bob Ray")],
                cc: vec![party("carl@c.example", "Carl")],
                subject: "Quarterly numbers".into(),
                date: at("2026-11-24T10:00:00Z"),
                message_id: None,
            }
        );
    }

    #[test]
    fn an_apple_mail_forward_is_read() {
        let text = "\n\nBegin forwarded message:\n\n\
From: =?utf-8?q?Ann_L=C3=A9e?= <ann@acme.example>\n\
Subject: Re: Visit\n\
Date: 24 November 2026 at 16:00:00 CET\n\
To: Sam Stone <sam@stone.example>\n\
Message-Id: <F1A2@acme.example>\n\n\
See you then.\n";
        let found = forwarded("Fwd: Visit", text, None).unwrap();
        assert_eq!(found.from, Some(party("ann@acme.example", "Ann Lée")));
        assert_eq!(found.subject, "Re: Visit");
        assert_eq!(found.date, at("2026-11-24T15:00:00Z"));
        assert_eq!(found.message_id.as_deref(), Some("<F1A2@acme.example>"));
    }

    #[test]
    fn a_thunderbird_forward_with_tabs_is_read() {
        let text = "FYI\n\n-------- Forwarded Message --------\n\
Subject: \tQuarterly numbers\n\
Date: \tTue, 24 Nov 2026 10:00:00 -0500\n\
From: \tAnn Lee <ann@acme.example>\n\
Reply-To: \tsales@acme.example\n\
To: \tSam Stone <sam@stone.example>, \n\
\tBob Ray <bob@acme.example>\n\n\
Hi\n";
        let found = forwarded("Fwd: Quarterly numbers", text, None).unwrap();
        assert_eq!(found.from, Some(party("ann@acme.example", "Ann Lee")));
        assert_eq!(found.to, [party("sam@stone.example", "Sam Stone"), party("bob@acme.example", "Bob Ray")]);
        assert_eq!(found.date, at("2026-11-24T15:00:00Z"));
    }

    #[test]
    fn outlook_forwards_are_read() {
        let classic = "Please handle.\r\n\r\n-----Original Message-----\r\n\
From: Ann Lee [mailto:Ann@Acme.example] \r\n\
Sent: Tuesday, November 24, 2026 10:00 AM\r\n\
To: 'Sam Stone'; Bob <bob@y.example>\r\n\
Cc: Lee, Carl <carl@acme.example>\r\n\
Subject: Quarterly numbers\r\n\r\nHi\r\n";
        let found = forwarded("FW: Quarterly numbers", classic, None).unwrap();
        assert_eq!(found.from, Some(party("ann@acme.example", "Ann Lee")));
        assert_eq!(found.to, [party("bob@y.example", "Bob")]);
        assert_eq!(found.cc, [party("carl@acme.example", "Lee, Carl")]);
        assert_eq!(found.date, at("2026-11-24T10:00:00Z"));

        let modern = "See below\r\n\r\n________________________________\r\n\
From: Ann Lee <ann@acme.example<mailto:ann@acme.example>>\r\n\
Sent: Tuesday, November 24, 2026 4:00 PM\r\n\
To: Sam Stone <sam@stone.example<mailto:sam@stone.example>>\r\n\
Subject: Quarterly numbers\r\n\r\nHi\r\n";
        let found = forwarded("FW: Quarterly numbers", modern, None).unwrap();
        assert_eq!(found.from, Some(party("ann@acme.example", "Ann Lee")));
        assert_eq!(found.to, [party("sam@stone.example", "Sam Stone")]);
        assert_eq!(found.date, at("2026-11-24T16:00:00Z"));

        let bare = "FYI\r\n\r\nFrom: Ann Lee <ann@acme.example>\r\nSent: Tuesday, November 24, 2026 4:00 PM\r\nTo: Sam <sam@stone.example>\r\nSubject: Numbers\r\n\r\nHi\r\n";
        assert_eq!(forwarded("FW: Numbers", bare, None).unwrap().subject, "Numbers");
        assert_eq!(forwarded("Numbers", bare, None).unwrap().subject, "Numbers");
        assert_eq!(forwarded("RE: Numbers", bare, None), None, "an Outlook reply quotes the same way");
        assert_eq!(forwarded("RE: Numbers", classic, None), None);
        assert!(forwarded("RE: FW: Numbers", classic, None).is_some());
    }

    #[test]
    fn localized_forwards_are_read() {
        let german = "-----Ursprüngliche Nachricht-----\nVon: Ann Lee <ann@acme.example>\nGesendet: Dienstag, 24. November 2026 10:00\nAn: Sam Stone <sam@stone.example>\nBetreff: Angebot\n\nHallo\n";
        let found = forwarded("WG: Angebot", german, None).unwrap();
        assert_eq!((found.from.unwrap().address.as_str(), found.subject.as_str()), ("ann@acme.example", "Angebot"));
        assert_eq!(found.to, [party("sam@stone.example", "Sam Stone")]);
        assert_eq!(found.date, at("2026-11-24T10:00:00Z"));

        let french = "---------- Message transféré ---------\nDe : Ann Lee <ann@acme.example>\nDate : mar. 24 nov. 2026 à 10:00\nObjet : Devis\nÀ : Sam Stone <sam@stone.example>\n\nBonjour\n";
        let found = forwarded("TR : Devis", french, None).unwrap();
        assert_eq!(found.subject, "Devis");
        assert_eq!(found.to, [party("sam@stone.example", "Sam Stone")]);
        assert_eq!(found.date, at("2026-11-24T10:00:00Z"));
    }

    #[test]
    fn a_quoted_forward_in_a_reply_is_read() {
        let text = "Thanks!\n\nOn Tue, Sam wrote:\n> ---------- Forwarded message ---------\n> From: Ann Lee <ann@acme.example>\n> Subject: Numbers\n>\n> Hi\n";
        let found = forwarded("Re: Fwd: Numbers", text, None).unwrap();
        assert_eq!(found.from, Some(party("ann@acme.example", "Ann Lee")));
    }

    #[test]
    fn what_is_not_a_forward_is_none() {
        assert_eq!(forwarded("Fwd: nothing here", "Just a note.\nFrom: me\n", None), None);
        assert_eq!(forwarded("Hello", "From: Ann <ann@acme.example>\nHi there\n", None), None);
        assert_eq!(forwarded("Fwd: x", "---------- Forwarded message ---------\n", None), None);
        assert_eq!(forwarded("Fwd: x", "---------- Forwarded message ---------\nHello: world\n", None), None);
        assert_eq!(forwarded("", "", None), None);
    }
}

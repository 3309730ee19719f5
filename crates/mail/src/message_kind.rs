//! Who sent a message, as far as reply detection cares: a person, an
//! auto-responder (out of office, vacation, read receipts), a mailing list
//! or bulk sender, or a mail server reporting that delivery failed. A
//! bounce is told first and is never taken for a person: its headers often
//! look like a person's (no Auto-Submitted, a plain From).

use mail_parser::{Message, MessagePart, MimeHeaders, PartType};
use serde::Serialize;

use crate::delivery_report::{DeliveryReport, delivery_status, original_message_id, recipients_in_text};
use crate::headers::{first, header_fields, is_automatic, message_ids};

/// What kind of sender wrote a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// A person writing (or answering) by hand.
    Person,
    /// An auto-responder: out of office, vacation, read receipts and other machine-made mail.
    AutoReply,
    /// A mailing list or bulk sender (List-Id, List-Unsubscribe, Precedence bulk/list/junk).
    List,
    /// A mail server reporting on a delivery, with what it reported.
    Bounce(DeliveryReport),
}

/// What the kind of a message is told from.
pub struct Clues<'a> {
    /// The header fields (`headers::header_fields`).
    pub fields: &'a [(String, String)],
    pub subject: &'a str,
    /// The sender's address, lower-cased.
    pub from: Option<&'a str>,
    /// The body text a person would read.
    pub text: &'a str,
    /// The MIME structure, when it could be read.
    pub message: Option<&'a Message<'a>>,
    /// The message's own recipients (To, Delivered-To): never a bounced recipient.
    pub ours: &'a [String],
}

/// The kind of a message. Whatever `headers::is_automatic` calls automatic is never a `Person`.
pub fn message_kind(clues: &Clues<'_>) -> MessageKind {
    if let Some(report) = bounce(clues) {
        return MessageKind::Bounce(report);
    }
    let fields = clues.fields;
    let auto_replied = fields.iter().any(|(name, value)| match name.as_str() {
        "auto-submitted" => value.trim().to_ascii_lowercase().starts_with("auto-replied"),
        "x-autoreply" | "x-autorespond" => !value.trim().is_empty(),
        "precedence" => value.to_ascii_lowercase().contains("auto_reply"),
        _ => false,
    });
    if auto_replied || is_auto_reply_subject(clues.subject) {
        return MessageKind::AutoReply;
    }
    let listed = fields.iter().any(|(name, value)| match name.as_str() {
        "list-id" | "list-unsubscribe" | "list-post" => true,
        "precedence" => {
            let value = value.to_ascii_lowercase();
            ["bulk", "list", "junk"].iter().any(|kind| value.contains(kind))
        }
        _ => false,
    });
    if listed {
        return MessageKind::List;
    }
    if is_automatic(fields) {
        return MessageKind::AutoReply;
    }
    MessageKind::Person
}

/// Whether a subject is an auto-responder's ("Out of Office: …", "Automatic reply: …", "AUTO: …").
pub fn is_auto_reply_subject(subject: &str) -> bool {
    const PREFIXES: [&str; 19] = [
        "out of office",
        "out of the office",
        "automatic reply",
        "auto reply",
        "auto-reply",
        "autoreply",
        "auto:",
        "auto response",
        "automatic response",
        "autosvar",
        "automatische antwort",
        "abwesenheitsnotiz",
        "réponse automatique",
        "reponse automatique",
        "respuesta automática",
        "respuesta automatica",
        "risposta automatica",
        "automatisch antwoord",
        "vacation reply",
    ];
    let subject = subject.trim_start().to_lowercase();
    PREFIXES.iter().any(|prefix| subject.starts_with(prefix))
}

/// Whether a subject is a delivery report's ("Undelivered Mail Returned to Sender", "Undeliverable: …").
pub fn is_bounce_subject(subject: &str) -> bool {
    const PREFIXES: [&str; 24] = [
        "undelivered mail",
        "undeliverable",
        "undelivered",
        "delivery status notification",
        "mail delivery failed",
        "mail delivery failure",
        "delivery failure",
        "delivery failed",
        "delivery has failed",
        "delivery notification",
        "failure notice",
        "returned mail",
        "message not delivered",
        "non-deliverable",
        "nondeliverable",
        "mail system error",
        "delayed mail",
        "delivery delayed",
        "warning: could not send message",
        "unzustellbar",
        "nicht zustellbar",
        "non remis",
        "non distribuable",
        "onbestelbaar",
    ];
    let subject = subject.trim_start().to_lowercase();
    PREFIXES.iter().any(|prefix| subject.starts_with(prefix))
}

/// The delivery report of a bounce; `None` when the message is not one.
fn bounce(clues: &Clues<'_>) -> Option<DeliveryReport> {
    let content_type = first(clues.fields, "content-type").unwrap_or_default().to_ascii_lowercase();
    let reported = content_type.contains("multipart/report") && content_type.contains("delivery-status");
    let status_part = clues.message.and_then(|message| {
        message.parts.iter().find(|part| {
            part.content_type().is_some_and(|kind| {
                kind.ctype().eq_ignore_ascii_case("message")
                    && kind.subtype().is_some_and(|subtype| {
                        subtype.eq_ignore_ascii_case("delivery-status")
                            || subtype.eq_ignore_ascii_case("global-delivery-status")
                    })
            })
        })
    });
    if !reported && status_part.is_none() && !sent_by_mail_system(clues) {
        return None;
    }
    let status_text = status_part.map(part_text).unwrap_or_default();
    let mut recipients = delivery_status(&status_text);
    if recipients.is_empty() {
        let subject = clues.subject.to_lowercase();
        let delayed = ["delay", "warning", "verzögert", "retard", "still being retried"]
            .iter()
            .any(|word| subject.contains(word));
        let mut ours = clues.ours.to_vec();
        ours.extend(clues.from.map(str::to_string));
        recipients = recipients_in_text(clues.text, &ours, delayed);
    }
    let original_message_id = clues
        .message
        .and_then(returned_message_id)
        .or_else(|| original_message_id(&status_text))
        .or_else(|| message_id_in_text(clues.text));
    Some(DeliveryReport { recipients, original_message_id })
}

/// Whether a message may be a bounce, told without its body: only a message
/// sent by a mail system ([`sent_by_mail_system`]) or with a delivery-status
/// part (`multipart/report; report-type=delivery-status`, or a
/// `message/delivery-status` or `message/global-delivery-status` part, whose
/// type is written as it is read) can be one. Any other message's kind is
/// told by its header alone.
pub(crate) fn may_be_a_bounce(fields: &[(String, String)], subject: &str, from: Option<&str>, raw: &[u8]) -> bool {
    let clues = Clues { fields, subject, from, text: "", message: None, ours: &[] };
    sent_by_mail_system(&clues) || holds_ignoring_case(raw, b"delivery-status")
}

/// Whether `haystack` holds `needle` (ASCII letters of either case).
fn holds_ignoring_case(haystack: &[u8], needle: &[u8]) -> bool {
    let Some((first, rest)) = needle.split_first() else { return true };
    memchr::memchr2_iter(first.to_ascii_lowercase(), first.to_ascii_uppercase(), haystack).any(|at| {
        haystack.get(at + 1..at + 1 + rest.len()).is_some_and(|candidate| candidate.eq_ignore_ascii_case(rest))
    })
}

/// Whether a message without a delivery-status part is still a mail
/// server's report: from MAILER-DAEMON, or with a bounce's subject from
/// postmaster, Exchange, an empty return path or an automatic sender.
fn sent_by_mail_system(clues: &Clues<'_>) -> bool {
    let from_value = first(clues.fields, "from").unwrap_or_default().to_ascii_lowercase();
    if from_value.contains("mailer-daemon") || from_value.contains("mailerdaemon") {
        return true;
    }
    if !is_bounce_subject(clues.subject) {
        return false;
    }
    let local = clues.from.and_then(|from| from.rsplit_once('@')).map_or("", |(local, _)| local);
    let null_sender =
        first(clues.fields, "return-path").is_some_and(|path| path.replace(char::is_whitespace, "") == "<>");
    local == "postmaster"
        || local.starts_with("microsoftexchange")
        || clues.from.is_none()
        || null_sender
        || is_automatic(clues.fields)
}

/// A part's content as text, whatever type mail-parser gave it.
fn part_text(part: &MessagePart<'_>) -> String {
    match &part.body {
        PartType::Text(text) | PartType::Html(text) => text.to_string(),
        PartType::Binary(bytes) | PartType::InlineBinary(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        PartType::Message(_) | PartType::Multipart(_) => String::new(),
    }
}

/// The Message-ID of the returned message: from a `text/rfc822-headers`
/// (or `message/global-headers`) part, or a returned `message/rfc822`.
fn returned_message_id(message: &Message<'_>) -> Option<String> {
    message.parts.iter().find_map(|part| {
        let header = match &part.body {
            PartType::Message(original) => {
                let root = original.parts.first()?;
                let bytes = original.raw_message.get(root.offset_header as usize..root.offset_body as usize)?;
                header_fields(bytes)
            }
            _ => {
                let kind = part.content_type()?;
                let subtype = kind.subtype().unwrap_or_default().to_ascii_lowercase();
                if !matches!(subtype.as_str(), "rfc822-headers" | "global-headers" | "rfc822" | "global") {
                    return None;
                }
                header_fields(part_text(part).as_bytes())
            }
        };
        first(&header, "message-id").and_then(|value| message_ids(value).into_iter().next())
    })
}

/// The Message-ID in a bounce's text, where Exim, qmail and Exchange copy the returned header.
fn message_id_in_text(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let line = line.trim_start();
        let (name, value) = line.split_once(':')?;
        name.trim().eq_ignore_ascii_case("message-id").then(|| message_ids(value).into_iter().next()).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(raw: &str) -> MessageKind {
        let fields = header_fields(raw.as_bytes());
        let message = mail_parser::MessageParser::default().parse(raw.as_bytes());
        let text = message.as_ref().and_then(|message| message.body_text(0)).unwrap_or_default().into_owned();
        let from = first(&fields, "from").and_then(crate::headers::from_address);
        let subject = first(&fields, "subject").unwrap_or_default().to_string();
        message_kind(&Clues {
            fields: &fields,
            subject: &subject,
            from: from.as_deref(),
            text: &text,
            message: message.as_ref(),
            ours: &["sam@stone.example".to_string()],
        })
    }

    #[test]
    fn auto_replies_are_told() {
        for header in [
            "Auto-Submitted: auto-replied\r\nSubject: Re: Visit\r\n",
            "X-Autoreply: yes\r\nSubject: Re: Visit\r\n",
            "X-Autorespond: Visit\r\n",
            "Precedence: auto_reply\r\n",
            "Subject: Out of Office: Re: Visit\r\n",
            "Subject: Automatic reply: Visit\r\n",
            "Subject: AUTO: Ann Lee is out of the office (returning 01.12.2026)\r\n",
            "Subject: Abwesenheitsnotiz: Angebot\r\n",
            "Auto-Submitted: auto-generated\r\n",
            "X-Autogenerated: Reply\r\n",
            "Content-Type: multipart/report; report-type=disposition-notification; boundary=b\r\n",
        ] {
            assert_eq!(
                kind(&format!("From: Ann <ann@acme.example>\r\n{header}\r\nHi\r\n")),
                MessageKind::AutoReply,
                "{header}"
            );
        }
    }

    #[test]
    fn lists_are_told() {
        for header in [
            "List-Id: Acme news <news.acme.example>\r\n",
            "List-Unsubscribe: <mailto:leave@acme.example>\r\n",
            "Precedence: bulk\r\n",
            "Precedence: list\r\n",
            "Precedence: junk\r\n",
            "Auto-Submitted: auto-generated\r\nList-Id: <ci.acme.example>\r\n",
        ] {
            assert_eq!(
                kind(&format!("From: Ann <ann@acme.example>\r\n{header}Subject: News\r\n\r\nHi\r\n")),
                MessageKind::List,
                "{header}"
            );
        }
    }

    #[test]
    fn people_are_people() {
        for header in [
            "Subject: Re: Out of office next week?\r\n",
            "Subject: Delivery failure of the pallets\r\n",
            "Auto-Submitted: no\r\nSubject: hi\r\n",
            "X-Auto-Response-Suppress: All\r\nSubject: Re: hi\r\n",
        ] {
            assert_eq!(
                kind(&format!("From: Ann <ann@acme.example>\r\n{header}\r\nHi\r\n")),
                MessageKind::Person,
                "{header}"
            );
        }
        let admin = "From: Postmaster <postmaster@acme.example>\r\nSubject: New mail server\r\n\r\nHi all\r\n";
        assert_eq!(kind(admin), MessageKind::Person);
    }

    #[test]
    fn a_bounce_text_without_a_report_is_a_bounce() {
        let raw = r"From: Mail Delivery System <Mailer-Daemon@mx.stone.example>
To: sam@stone.example
Subject: Mail delivery failed: returning message to sender

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  ann@acme.example
    SMTP error from remote mail server after RCPT TO:<ann@acme.example>:
    550 5.1.1 User unknown

------ This is a copy of the message, including all the headers. ------

Return-path: <sam@stone.example>
Message-Id: <plan.1.2.3.4@stone.example>
From: Sam Stone <sam@stone.example>
To: ann@acme.example
"
        .replace('\n', "\r\n");
        let raw = raw.as_str();
        let MessageKind::Bounce(report) = kind(raw) else { panic!("{:?}", kind(raw)) };
        assert_eq!(report.original_message_id.as_deref(), Some("<plan.1.2.3.4@stone.example>"));
        assert_eq!(report.recipients.len(), 1);
        assert_eq!(report.recipients[0].address, "ann@acme.example");
        assert_eq!(report.recipients[0].status, "5.1.1");
        assert_eq!(report.recipients[0].diagnostic, "550 5.1.1 User unknown");

        let nothing_readable = "From: MAILER-DAEMON\r\nSubject: Returned mail: see transcript for details\r\n\r\nSomething went wrong.\r\n";
        assert_eq!(kind(nothing_readable), MessageKind::Bounce(DeliveryReport::default()));
        let postmaster = "From: postmaster@acme.example\r\nSubject: Undeliverable: Visit\r\n\r\nYour message to ann@acme.example couldn't be delivered.\r\n";
        let MessageKind::Bounce(report) = kind(postmaster) else { panic!() };
        assert_eq!(report.recipients[0].address, "ann@acme.example");
        assert!(report.recipients[0].is_permanent());
    }
}

//! Delivery reports: the RFC 3464 `message/delivery-status` part of a
//! bounce, reduced to who could not be reached, what the server did and
//! said; and, for the bounces that carry no such part (Exim, qmail, older
//! Exchange and Postfix setups), the same read from the text a person would
//! read. Pure functions that accept any text.

use serde::Serialize;

use crate::parties::{clean_address, collapse};

/// Longest diagnostic kept, in characters.
const DIAGNOSTIC_CHARS: usize = 500;

/// RFC 3464 delivery status notification, reduced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryReport {
    /// The recipients the report is about, in order, each once.
    pub recipients: Vec<BouncedRecipient>,
    /// The Message-ID of the message that bounced, when the report returns its header.
    pub original_message_id: Option<String>,
}

/// One recipient of a delivery report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BouncedRecipient {
    /// Lower-cased, from Final-Recipient (`rfc822;…`), else Original-Recipient.
    pub address: String,
    pub action: DeliveryAction,
    /// The enhanced status code (RFC 3463) such as "5.1.1"; empty when none was given.
    pub status: String,
    /// The Diagnostic-Code text (the remote server's words), trimmed; may be empty.
    pub diagnostic: String,
}

/// What the reporting server did with the message for one recipient (RFC 3464 Action).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryAction {
    Failed,
    Delayed,
    Delivered,
    Relayed,
    Expanded,
}

impl BouncedRecipient {
    /// Whether the address will not work if tried again: the delivery failed
    /// with a permanent (5.x.x) status, or failed without saying why.
    pub fn is_permanent(&self) -> bool {
        self.action == DeliveryAction::Failed && (self.status.is_empty() || self.status.starts_with('5'))
    }
}

/// The per-recipient fields of a `message/delivery-status` body: blocks of
/// fields separated by blank lines, names case-insensitive, folded lines
/// unfolded. Blocks that name no recipient (the per-message block) are skipped.
pub fn delivery_status(body: &str) -> Vec<BouncedRecipient> {
    let mut recipients: Vec<BouncedRecipient> = Vec::new();
    let mut block = Block::default();
    for (name, value) in status_fields(body) {
        if name.is_empty() {
            block.finish(&mut recipients);
            continue;
        }
        match name.as_str() {
            "final-recipient" => {
                if block.final_recipient.is_some() {
                    // Two recipients without a blank line between them.
                    block.finish(&mut recipients);
                }
                block.final_recipient = Some(value);
            }
            "original-recipient" => block.original_recipient = Some(value),
            "action" => block.action = Some(value),
            "status" => block.status = Some(value),
            "diagnostic-code" => block.diagnostic = Some(value),
            _ => {}
        }
    }
    block.finish(&mut recipients);
    recipients
}

/// The Message-ID a delivery-status body names for the message that
/// bounced (Gmail writes `X-Original-Message-ID` among its per-message fields).
pub fn original_message_id(body: &str) -> Option<String> {
    status_fields(body)
        .into_iter()
        .find(|(name, _)| name == "x-original-message-id" || name == "original-message-id")
        .and_then(|(_, value)| crate::headers::message_ids(&value).into_iter().next())
}

/// One recipient's fields while they are read.
#[derive(Default)]
struct Block {
    final_recipient: Option<String>,
    original_recipient: Option<String>,
    action: Option<String>,
    status: Option<String>,
    diagnostic: Option<String>,
}

impl Block {
    /// Add the recipient read so far (if it names one) and start afresh.
    fn finish(&mut self, recipients: &mut Vec<BouncedRecipient>) {
        let block = std::mem::take(self);
        let address = [block.final_recipient, block.original_recipient].into_iter().flatten().find_map(|value| {
            // "rfc822; ann@acme.example": the address type comes first.
            let address = value.split_once(';').map_or(value.as_str(), |(_, address)| address);
            let address = address.split_whitespace().next().unwrap_or_default();
            clean_address(address.trim_start_matches('<').trim_end_matches('>'))
        });
        let Some(address) = address else { return };
        let diagnostic = block.diagnostic.as_deref().map(diagnostic_text).unwrap_or_default();
        let status = block
            .status
            .as_deref()
            .and_then(status_code)
            .or_else(|| smtp_code(&diagnostic).map(|(_, status)| status))
            .unwrap_or_default();
        let action = block.action.as_deref().and_then(action).unwrap_or(match status.chars().next() {
            Some('4') => DeliveryAction::Delayed,
            Some('2') => DeliveryAction::Delivered,
            _ => DeliveryAction::Failed,
        });
        if !recipients.iter().any(|known| known.address == address) {
            recipients.push(BouncedRecipient { address, action, status, diagnostic });
        }
    }
}

/// The fields of a delivery-status body as (lower-case name, unfolded value);
/// a blank line is given as an empty name.
fn status_fields(body: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in body.lines() {
        if line.trim().is_empty() {
            if fields.last().is_none_or(|(name, _)| !name.is_empty()) {
                fields.push((String::new(), String::new()));
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((name, value)) = fields.last_mut()
                && !name.is_empty()
            {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            fields.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    fields
}

/// The action named by an Action value.
fn action(value: &str) -> Option<DeliveryAction> {
    let word = value.split(|c: char| !c.is_ascii_alphabetic()).find(|word| !word.is_empty())?;
    match word.to_ascii_lowercase().as_str() {
        "failed" | "failure" => Some(DeliveryAction::Failed),
        "delayed" => Some(DeliveryAction::Delayed),
        "delivered" => Some(DeliveryAction::Delivered),
        "relayed" => Some(DeliveryAction::Relayed),
        "expanded" => Some(DeliveryAction::Expanded),
        _ => None,
    }
}

/// A Diagnostic-Code without its type (`smtp; 550 …` gives `550 …`), whitespace collapsed.
fn diagnostic_text(value: &str) -> String {
    let text = match value.split_once(';') {
        Some((kind, rest)) if !kind.trim().is_empty() && !kind.trim().contains(char::is_whitespace) => rest,
        _ => value,
    };
    cut(&collapse(text), DIAGNOSTIC_CHARS)
}

/// The first enhanced status code (RFC 3463 `class.subject.detail`, class
/// 2, 4 or 5) among the words of `text`, such as "5.1.1".
pub(crate) fn status_code(text: &str) -> Option<String> {
    text.split(|c: char| c.is_whitespace() || "()[]<>,;:'\"#=".contains(c)).find_map(enhanced)
}

/// The word as an enhanced status code, if it is one ("550-5.1.1" holds one too).
fn enhanced(word: &str) -> Option<String> {
    let word = word.rsplit('-').next().unwrap_or(word).trim_end_matches('.');
    let mut parts = word.split('.');
    let (Some(class), Some(subject), Some(detail), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let digits =
        |part: &str, most: usize| !part.is_empty() && part.len() <= most && part.bytes().all(|b| b.is_ascii_digit());
    let subject_ok = digits(subject, 1) && subject.as_bytes().first().is_some_and(|b| *b <= b'7');
    (matches!(class, "2" | "4" | "5") && subject_ok && digits(detail, 3)).then(|| word.to_string())
}

/// A basic SMTP reply code (`550`, `452`, also `550-5.1.1`) as the status it implies.
fn basic(word: &str) -> Option<String> {
    let code = word.split('-').next().unwrap_or(word);
    let bytes = code.as_bytes();
    let ok = bytes.len() == 3
        && matches!(bytes[0], b'2' | b'4' | b'5')
        && (b'0'..=b'5').contains(&bytes[1])
        && bytes[2].is_ascii_digit();
    ok.then(|| format!("{}.0.0", char::from(bytes[0])))
}

/// The first SMTP reply in `text` and the status it gives: "550 5.1.1 …"
/// gives "5.1.1", a bare "550" gives "5.0.0". The offset is where the reply
/// code starts, `None` when only an enhanced code was written ("(#5.1.1)").
fn smtp_code(text: &str) -> Option<(Option<usize>, String)> {
    let bare = |word: &str| word.trim_matches(|c: char| "()[]<>,;:'\"#".contains(c)).to_string();
    let mut words = words_with_offsets(text).into_iter().peekable();
    while let Some((offset, word)) = words.next() {
        let word = bare(word);
        if let Some(status) = enhanced(&word) {
            return Some((None, status));
        }
        if let Some(implied) = basic(&word) {
            let attached = word.split_once('-').and_then(|(_, rest)| enhanced(rest));
            let following = words.peek().and_then(|(_, next)| enhanced(&bare(next)));
            return Some((Some(offset), attached.or(following).unwrap_or(implied)));
        }
    }
    None
}

/// The whitespace-separated words of `text` with their byte offsets.
fn words_with_offsets(text: &str) -> Vec<(usize, &str)> {
    let mut words = Vec::new();
    let mut start = None;
    for (index, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(from) = start.take() {
                words.push((from, &text[from..index]));
            }
        } else if start.is_none() {
            start = Some(index);
        }
    }
    if let Some(from) = start {
        words.push((from, &text[from..]));
    }
    words
}

/// At most `limit` characters of `text`.
fn cut(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((end, _)) => text[..end].trim_end().to_string(),
        None => text.to_string(),
    }
}

/// The recipients of a bounce that has no delivery-status part, read from
/// its text: the addresses named before the returned copy of the message
/// (except `ours`, the bounce's own To and delivery addresses, and the
/// mailer daemons), each with the first SMTP reply below it. `delayed`
/// says the report is a warning that delivery is still being tried.
pub fn recipients_in_text(text: &str, ours: &[String], delayed: bool) -> Vec<BouncedRecipient> {
    let lines: Vec<&str> = text.lines().take_while(|line| !starts_returned_copy(line)).collect();
    let mut mentions: Vec<(usize, String)> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        for word in line.split(|c: char| c.is_whitespace() || "<>()[]\"',;:".contains(c)) {
            let Some(address) = clean_address(word.trim_end_matches('.')) else { continue };
            let (local, domain) = address.rsplit_once('@').unwrap_or_default();
            let machine = ["mailer-daemon", "postmaster", "mailerdaemon", "mail-daemon"].contains(&local);
            if machine
                || !domain.contains('.')
                || domain.starts_with('.')
                || ours.contains(&address)
                || mentions.iter().any(|(_, known)| *known == address)
            {
                continue;
            }
            mentions.push((index, address));
        }
    }
    let mut recipients = Vec::new();
    for (position, (line, address)) in mentions.iter().enumerate() {
        // Its own reply is written below it, before the next recipient; a list of
        // recipients may also be followed by one reply for them all.
        let next =
            mentions[position + 1..].iter().map(|(line, _)| *line).find(|later| later > line).unwrap_or(lines.len());
        let (status, diagnostic) =
            reply_in(&lines, *line, next).or_else(|| reply_in(&lines, next, lines.len())).unwrap_or_default();
        let action = if delayed && !status.starts_with('5') { DeliveryAction::Delayed } else { DeliveryAction::Failed };
        recipients.push(BouncedRecipient { address: address.clone(), action, status, diagnostic });
    }
    recipients
}

/// The status and diagnostic of the first SMTP reply in `lines[from..to]`:
/// from the reply code to the end of its paragraph.
fn reply_in(lines: &[&str], from: usize, to: usize) -> Option<(String, String)> {
    let lines = lines.get(from..to.min(lines.len()))?;
    for (index, line) in lines.iter().enumerate() {
        let Some((offset, status)) = smtp_code(line) else { continue };
        let mut text = line.get(offset.unwrap_or(0)..).unwrap_or_default().to_string();
        for more in lines[index + 1..].iter().take_while(|more| !more.trim().is_empty()) {
            text.push(' ');
            text.push_str(more);
        }
        let text = collapse(text.trim_matches(|c: char| c.is_whitespace() || c == '\'' || c == '"'));
        // Postfix wraps "said: 550" and "5.1.1 …" onto two lines.
        let status = smtp_code(&text).map_or(status, |(_, status)| status);
        return Some((status, cut(&text, DIAGNOSTIC_CHARS)));
    }
    None
}

/// A line where a bounce's text ends and its copy of the returned message begins.
fn starts_returned_copy(line: &str) -> bool {
    let lower = line.trim().to_lowercase();
    const MARKERS: [&str; 9] = [
        "copy of the message",
        "copy of your message",
        "original message follows",
        "original message headers",
        "original message details",
        "original message ---",
        "message headers follow",
        "below this line is a copy",
        "undelivered message headers",
    ];
    MARKERS.iter().any(|marker| lower.contains(marker))
        || ["received:", "return-path:", "dkim-signature:"].iter().any(|field| lower.starts_with(field))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recipient(address: &str, action: DeliveryAction, status: &str, diagnostic: &str) -> BouncedRecipient {
        BouncedRecipient { address: address.into(), action, status: status.into(), diagnostic: diagnostic.into() }
    }

    #[test]
    fn a_postfix_delivery_status_is_read() {
        let body = r"Reporting-MTA: dns; mail.stone.example
X-Postfix-Queue-ID: 4KqT2x0Ysyz9sWd
X-Postfix-Sender: rfc822; sam@stone.example
Arrival-Date: Tue, 24 Nov 2026 10:00:03 +0100 (CET)

Final-Recipient: rfc822; Ann.Lee@acme.example
Original-Recipient: rfc822;ann.lee@acme.example
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx1.acme.example
Diagnostic-Code: smtp; 550 5.1.1 <Ann.Lee@acme.example>: Recipient address
    rejected: User unknown in virtual mailbox table

Final-Recipient: rfc822; bob@acme.example
Action: delayed
Status: 4.4.1
Diagnostic-Code: X-Postfix; connect to mx1.acme.example[192.0.2.9]:25: Connection
    timed out
"
        .replace('\n', "\r\n");
        let body = body.as_str();
        let recipients = delivery_status(body);
        assert_eq!(
            recipients,
            [
                recipient(
                    "ann.lee@acme.example",
                    DeliveryAction::Failed,
                    "5.1.1",
                    "550 5.1.1 <Ann.Lee@acme.example>: Recipient address rejected: User unknown in virtual mailbox table"
                ),
                recipient(
                    "bob@acme.example",
                    DeliveryAction::Delayed,
                    "4.4.1",
                    "connect to mx1.acme.example[192.0.2.9]:25: Connection timed out"
                ),
            ]
        );
        assert!(recipients[0].is_permanent());
        assert!(!recipients[1].is_permanent());
    }

    #[test]
    fn odd_delivery_status_fields_are_tolerated() {
        // Field names in any case, no blank line after the per-message block, a comment after the status,
        // no Final-Recipient, a missing Action, two recipients run together.
        let body = "reporting-mta: dns;exch.acme.example\n\
ORIGINAL-RECIPIENT: RFC822; <Carl@C.example>\n\
STATUS: 5.2.2 (mailbox full)\n\
final-recipient: rfc822;dana@d.example\n\
final-recipient: rfc822;erin@e.example\n\
action: Failed\n\
diagnostic-code: smtp;552-5.2.2 The email account that you tried to reach is over quota.\n";
        let recipients = delivery_status(body);
        assert_eq!(recipients.len(), 2, "{recipients:?}");
        assert_eq!(recipients[0], recipient("dana@d.example", DeliveryAction::Failed, "5.2.2", ""));
        assert_eq!(recipients[1].address, "erin@e.example");
        assert_eq!(recipients[1].status, "5.2.2");
        assert_eq!(recipients[1].diagnostic, "552-5.2.2 The email account that you tried to reach is over quota.");
        assert!(recipients[1].is_permanent());

        let commented = delivery_status("Final-Recipient: rfc822; h@h.example (the mailbox)\nAction: failed\n");
        assert_eq!(commented[0].address, "h@h.example");
        assert_eq!(
            original_message_id(
                "Reporting-MTA: dns; x\nX-Original-Message-ID: <a@b.example>\n\nFinal-Recipient: rfc822; h@h.example\n"
            )
            .as_deref(),
            Some("<a@b.example>")
        );
        let without_status = delivery_status("Final-Recipient: rfc822; f@f.example\nAction: failed\n");
        assert_eq!(without_status, [recipient("f@f.example", DeliveryAction::Failed, "", "")]);
        assert!(without_status[0].is_permanent());
        let relayed = delivery_status("Final-Recipient: rfc822; g@g.example\nAction: relayed\nStatus: 2.0.0\n");
        assert_eq!(relayed[0].action, DeliveryAction::Relayed);
        assert!(!relayed[0].is_permanent());
        assert!(delivery_status("").is_empty());
        assert!(delivery_status("Final-Recipient: x400; /G=Ann/S=Lee/\nAction: failed\n").is_empty());
        assert!(delivery_status(":\n \n:;\nFinal-Recipient:\n\tcontinued\n").is_empty());
    }

    #[test]
    fn status_codes_are_found_in_words() {
        assert_eq!(status_code("5.1.1").as_deref(), Some("5.1.1"));
        assert_eq!(status_code("smtp; 550-5.7.26 unauthenticated").as_deref(), Some("5.7.26"));
        assert_eq!(status_code("(#4.4.7)").as_deref(), Some("4.4.7"));
        assert_eq!(status_code("Exim 4.96.1 at 192.0.2.1"), None);
        assert_eq!(status_code("3.1.1 6.1.1 5.1 5.1.1.1"), None);
        assert_eq!(smtp_code("said: 550 5.1.1 no such user"), Some((Some(6), "5.1.1".to_string())));
        assert_eq!(smtp_code("Remote host said: 554 delivery error"), Some((Some(18), "5.0.0".to_string())));
        assert_eq!(smtp_code("no mailbox (#5.1.1)"), Some((None, "5.1.1".to_string())));
        assert_eq!(smtp_code("port 587 open"), None);
    }

    #[test]
    fn an_exim_bounce_text_is_read() {
        let text = r"This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  ann@acme.example
    host mx.acme.example [192.0.2.4]
    SMTP error from remote mail server after RCPT TO:<ann@acme.example>:
    550 5.1.1 <ann@acme.example>: Recipient address rejected:
    User unknown in local recipient table
  bob@b.example
    Unrouteable address

------ This is a copy of the message, including all the headers. ------

Return-path: <sam@stone.example>
To: ann@acme.example, bob@b.example, carl@c.example
Message-Id: <plan.1.2.3@stone.example>
";
        let recipients = recipients_in_text(text, &["sam@stone.example".to_string()], false);
        assert_eq!(recipients.len(), 2, "{recipients:?}");
        assert_eq!(
            recipients[0],
            recipient(
                "ann@acme.example",
                DeliveryAction::Failed,
                "5.1.1",
                "550 5.1.1 <ann@acme.example>: Recipient address rejected: User unknown in local recipient table"
            )
        );
        assert_eq!(recipients[1], recipient("bob@b.example", DeliveryAction::Failed, "", ""));
        assert!(recipients.iter().all(BouncedRecipient::is_permanent));

        let listed = "Delivery has failed to these recipients or groups:\n\nann@acme.example\nbob@b.example\n\n\
Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found'\n";
        let recipients = recipients_in_text(listed, &[], false);
        assert_eq!(recipients.len(), 2);
        assert!(recipients.iter().all(|recipient| recipient.status == "5.1.10"), "{recipients:?}");
        assert_eq!(recipients[0].diagnostic, "550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found");
    }

    #[test]
    fn a_postfix_and_a_qmail_bounce_text_are_read() {
        let postfix = r"This is the mail system at host mail.stone.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<ann@acme.example>: host mx1.acme.example[192.0.2.9] said: 550
    5.1.1 <ann@acme.example>: Recipient address rejected: User unknown in
    virtual mailbox table (in reply to RCPT TO command)
";
        let recipients = recipients_in_text(postfix, &[], false);
        assert_eq!(recipients.len(), 1);
        assert_eq!(recipients[0].status, "5.1.1");
        assert_eq!(
            recipients[0].diagnostic,
            "550 5.1.1 <ann@acme.example>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)"
        );

        let qmail = "Hi. This is the qmail-send program at mail.c.example.\n\
I'm afraid I wasn't able to deliver your message to the following addresses.\n\
This is a permanent error; I've given up. Sorry it didn't work out.\n\n\
<carl@c.example>:\n\
Sorry, no mailbox here by that name. (#5.1.1)\n\n\
--- Below this line is a copy of the message.\n\n\
From: sam@stone.example\n";
        let recipients = recipients_in_text(qmail, &[], false);
        assert_eq!(
            recipients,
            [recipient(
                "carl@c.example",
                DeliveryAction::Failed,
                "5.1.1",
                "Sorry, no mailbox here by that name. (#5.1.1)"
            )]
        );

        let delayed = recipients_in_text("<ann@acme.example>: connect timed out: 451 4.4.1 try later", &[], true);
        assert_eq!(delayed[0].action, DeliveryAction::Delayed);
        assert!(recipients_in_text("", &[], false).is_empty());
        assert!(recipients_in_text("Mail to MAILER-DAEMON@x.example failed", &[], false).is_empty());
    }
}

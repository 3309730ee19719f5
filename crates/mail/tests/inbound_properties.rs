//! Properties of reading a whole inbound message: no bytes and no MIME
//! structure (random headers with folding, boundaries missing or cut off,
//! any transfer encoding, parts nested in parts and in attached messages,
//! the message cut short as the IMAP fetch cuts it) make `InboundMessage::parse`
//! panic; reading is deterministic; the people it names are lower-case
//! addresses; what it reports agrees with itself; and reading only the fields
//! used reads every message as mail-parser reading all of them does.

use proptest::prelude::*;
use tickler_mail::{EXCERPT_CHARS, InboundMessage, MessageKind, Party, parties};

/// What every parsed message must satisfy, whatever it was made from.
fn check(message: &InboundMessage) -> Result<(), TestCaseError> {
    let named = message
        .to
        .iter()
        .chain(&message.cc)
        .chain(message.forwarded().into_iter().flat_map(|f| f.to.iter().chain(&f.cc).chain(&f.from)));
    for party in named {
        prop_assert!(party.address.contains('@'), "{party:?}");
        prop_assert_eq!(party.address.to_lowercase(), party.address.clone());
        prop_assert!(!party.address.contains(char::is_whitespace), "{party:?}");
    }
    for address in &message.delivered_to {
        prop_assert!(address.contains('@') && *address == address.to_lowercase(), "{address}");
    }
    if let MessageKind::Bounce(report) = &message.kind {
        for recipient in &report.recipients {
            prop_assert!(recipient.address.contains('@') && recipient.address == recipient.address.to_lowercase());
        }
        prop_assert!(message.forwarded().is_none());
    }
    prop_assert_eq!(message.automatic, message.kind != MessageKind::Person);
    prop_assert!(message.excerpt().chars().count() <= EXCERPT_CHARS);
    Ok(())
}

/// A header value: words, address-ish and MIME-ish punctuation, encoded words, folding.
fn header_value() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[A-Za-z0-9 .,;:<>@()\"'=?_/\\[\\]-]{0,24}",
        "[a-z]{1,8}@[a-z]{1,8}\\.example".prop_map(|address| format!("Ann <{address}>")),
        Just("=?utf-8?q?L=C3=A9e?=".to_string()),
        Just("=?utf-8?b?w4Frb3M=?=".to_string()),
        Just("=?x-unknown?q?=FF=FE?=".to_string()),
        Just("=?utf-8?q?unterminated".to_string()),
        Just("\r\n ".to_string()),
        Just("\r\n\t".to_string()),
        Just(";\r\n\tboundary=\"b\"".to_string()),
        Just("multipart/report; report-type=delivery-status".to_string()),
        Just("Multipart/Report; Report-Type=Delivery-Status".to_string()),
        // What makes a message a mail system's report without a delivery-status part.
        Just("Mail Delivery System <MAILER-DAEMON@mx.example>".to_string()),
        Just("postmaster@mx.example".to_string()),
        Just("Undelivered Mail Returned to Sender".to_string()),
        Just("<>".to_string()),
        Just("spf=pass smtp.mailfrom=acme.example; dkim=pass header.d=acme.example".to_string()),
    ];
    prop::collection::vec(piece, 0..5).prop_map(|pieces| pieces.concat())
}

fn header() -> impl Strategy<Value = String> {
    let name = prop::sample::select(vec![
        "From",
        "To",
        "Cc",
        "Subject",
        "Date",
        "Message-ID",
        "In-Reply-To",
        "References",
        "Delivered-To",
        "X-Original-To",
        "Envelope-To",
        "Authentication-Results",
        "Auto-Submitted",
        "Precedence",
        "List-Id",
        "Return-Path",
        "Content-Type",
        "Content-Transfer-Encoding",
        "X-Whatever",
        "Received",
        "DKIM-Signature",
        "Content-Disposition",
        "Resent-Date",
    ]);
    (name, header_value()).prop_map(|(name, value)| format!("{name}: {value}\r\n"))
}

/// A body text: prose, quotes, separators, header-like lines, DSN fields, odd bytes-as-text.
fn body_text() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        "[A-Za-z0-9 .,:;<>@()'=-]{0,60}",
        Just("---------- Forwarded message ---------".to_string()),
        Just("-----Original Message-----".to_string()),
        Just("Begin forwarded message:".to_string()),
        Just("________________________________".to_string()),
        Just("From: Ann Lee [mailto:ann@acme.example]".to_string()),
        Just("Sent: Tuesday, November 24, 2026 10:00 AM".to_string()),
        Just("To: 'Sam'; Bob <bob@y.example>".to_string()),
        Just("Date: Tue, Nov 24, 2026 at 10:00 AM".to_string()),
        Just("Final-Recipient: rfc822; ann@acme.example".to_string()),
        Just("Action: failed".to_string()),
        Just("Status: 5.1.1".to_string()),
        Just("Diagnostic-Code: smtp; 550 5.1.1 no".to_string()),
        Just("Message-ID: <x@y>".to_string()),
        Just("> quoted".to_string()),
        Just("=C3=A9=\r".to_string()),
        Just("SGVsbG8gd29ybGQ=".to_string()),
        Just(String::new()),
    ];
    prop::collection::vec(line, 0..12).prop_map(|lines| lines.join("\r\n"))
}

/// A MIME part as it is written out.
#[derive(Debug, Clone)]
enum Part {
    Leaf { content_type: String, encoding: String, body: String },
    Multi { subtype: String, boundary: String, parts: Vec<Part>, closed: bool, declared: bool },
    Attached { headers: Vec<String>, inner: Box<Part> },
}

impl Part {
    fn render(&self, out: &mut String) {
        match self {
            Part::Leaf { content_type, encoding, body } => {
                out.push_str(&format!(
                    "Content-Type: {content_type}\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n{body}\r\n"
                ));
            }
            Part::Multi { subtype, boundary, parts, closed, declared } => {
                if *declared {
                    out.push_str(&format!("Content-Type: multipart/{subtype};\r\n boundary=\"{boundary}\"\r\n\r\n"));
                } else {
                    out.push_str(&format!("Content-Type: multipart/{subtype}\r\n\r\n"));
                }
                out.push_str("preamble\r\n");
                for part in parts {
                    out.push_str(&format!("--{boundary}\r\n"));
                    part.render(out);
                }
                if *closed {
                    out.push_str(&format!("--{boundary}--\r\n"));
                }
            }
            Part::Attached { headers, inner } => {
                out.push_str("Content-Type: message/rfc822\r\n\r\n");
                for header in headers {
                    out.push_str(header);
                }
                inner.render(out);
            }
        }
    }
}

fn part() -> impl Strategy<Value = Part> {
    let leaf = (
        prop::sample::select(vec![
            "text/plain; charset=utf-8",
            "text/html",
            "text/plain; charset=iso-8859-1",
            "message/delivery-status",
            "Message/Delivery-Status",
            "message/global-delivery-status",
            "text/rfc822-headers",
            "application/pdf",
            "text/plain; charset=\"bogus\"",
        ]),
        prop::sample::select(vec!["7bit", "quoted-printable", "base64", "8bit", "x-unknown"]),
        body_text(),
    )
        .prop_map(|(content_type, encoding, body)| Part::Leaf {
            content_type: content_type.into(),
            encoding: encoding.into(),
            body,
        });
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            (
                prop::sample::select(vec![
                    "mixed",
                    "alternative",
                    "report; report-type=delivery-status",
                    "REPORT; report-type=DELIVERY-STATUS",
                    "related",
                    "digest"
                ]),
                "[A-Za-z0-9'()+_,./:=?-]{1,20}",
                prop::collection::vec(inner.clone(), 0..4),
                any::<bool>(),
                prop::bool::weighted(0.9),
            )
                .prop_map(|(subtype, boundary, parts, closed, declared)| Part::Multi {
                    subtype: subtype.into(),
                    boundary,
                    parts,
                    closed,
                    declared,
                }),
            (prop::collection::vec(header(), 0..4), inner)
                .prop_map(|(headers, inner)| Part::Attached { headers, inner: Box::new(inner) }),
        ]
    })
}

/// A whole message, cut short somewhere (or not), perhaps with garbage after.
fn message() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(header(), 0..10),
        part(),
        any::<prop::sample::Index>(),
        any::<bool>(),
        prop::collection::vec(any::<u8>(), 0..8),
    )
        .prop_map(|(headers, part, cut, whole, garbage)| {
            let mut text = headers.concat();
            part.render(&mut text);
            let mut raw = text.into_bytes();
            if !whole {
                raw.truncate(cut.index(raw.len() + 1));
                raw.extend(garbage);
            }
            raw
        })
}

fn address() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._+-]{1,12}@[A-Za-z0-9-]{1,10}\\.[A-Za-z]{2,6}"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn no_bytes_make_parse_panic(raw in prop::collection::vec(any::<u8>(), 0..3000)) {
        let message = InboundMessage::parse(1, &raw, None);
        check(&message)?;
        prop_assert_eq!(message, InboundMessage::parse_reading_every_field(1, &raw, None));
    }

    #[test]
    fn no_mime_structure_makes_parse_panic_and_parse_is_deterministic(raw in message()) {
        let first = InboundMessage::parse(1, &raw, None);
        let second = InboundMessage::parse(1, &raw, None);
        check(&first)?;
        prop_assert_eq!(&first, &second);
        // mail-parser set to read only the fields used reads it as its default, which reads them all, does.
        prop_assert_eq!(first, InboundMessage::parse_reading_every_field(1, &raw, None));
    }

    #[test]
    fn address_lists_read_back_lower_cased(
        addresses in prop::collection::vec(address(), 1..6),
        names in prop::collection::vec("[A-Za-z][A-Za-z .'-]{0,14}", 6),
        shapes in prop::collection::vec(0..5usize, 6),
        outlook in any::<bool>(),
    ) {
        let written: Vec<String> = addresses
            .iter()
            .enumerate()
            .map(|(index, address)| {
                let name = names[index].trim();
                match shapes[index] {
                    0 => format!("\"{name}\" <{address}>"),
                    1 => format!("{address} ({name})"),
                    2 => address.clone(),
                    3 => format!("{name} [mailto:{address}]"),
                    _ => format!("<{address}>"),
                }
            })
            .collect();
        let value = written.join(if outlook { "; " } else { ",\r\n " });
        let raw = format!("From: a@b.example\r\nTo: {value}\r\nCc: {value}\r\nSubject: x\r\n\r\nHi\r\n");
        let message = InboundMessage::parse(1, raw.as_bytes(), None);
        let mut expected: Vec<String> = Vec::new();
        for address in &addresses {
            let address = address.to_lowercase();
            if !expected.contains(&address) {
                expected.push(address);
            }
        }
        let read = |found: &[Party]| found.iter().map(|party| party.address.clone()).collect::<Vec<_>>();
        prop_assert_eq!(read(&message.to), expected.clone());
        prop_assert_eq!(read(&message.cc), expected);
        check(&message)?;
    }

    #[test]
    fn no_header_text_gives_a_party_without_an_address(value in "[<>()\"'\\[\\]@,;: a-zA-Z\r\n\t=?]{0,80}") {
        for party in parties(&value) {
            prop_assert!(party.address.contains('@'), "{party:?}");
            prop_assert_eq!(party.address.to_lowercase(), party.address.clone());
            prop_assert!(!party.address.contains(char::is_whitespace), "{party:?}");
            prop_assert!(!party.name.starts_with(' ') && !party.name.ends_with(' '), "{party:?}");
        }
    }

    #[test]
    fn an_inline_forward_reads_back(
        from in address(),
        to in prop::collection::vec(address(), 1..4),
        subject in "[A-Za-z0-9][A-Za-z0-9 ,.!?']{0,30}",
        style in 0..4usize,
    ) {
        let separator = ["---------- Forwarded message ---------", "Begin forwarded message:\r\n", "-------- Forwarded Message --------", "-----Original Message-----"][style];
        let to_line = to.iter().map(|address| format!("<{address}>")).collect::<Vec<_>>().join(", ");
        let raw = format!(
            "From: sam@stone.example\r\nSubject: Fwd: {subject}\r\n\r\nFYI\r\n\r\n{separator}\r\nFrom: Ann <{from}>\r\nDate: Tue, Nov 24, 2026 at 10:00 AM\r\nSubject: {subject}\r\nTo: {to_line}\r\n\r\nBody\r\n"
        );
        let message = InboundMessage::parse(1, raw.as_bytes(), None);
        let forwarded = message.forwarded().cloned().expect("a forward");
        prop_assert_eq!(forwarded.from.map(|party| party.address), Some(from.to_lowercase()));
        let mut expected: Vec<String> = Vec::new();
        for address in &to {
            if !expected.contains(&address.to_lowercase()) {
                expected.push(address.to_lowercase());
            }
        }
        prop_assert_eq!(forwarded.to.iter().map(|party| party.address.clone()).collect::<Vec<_>>(), expected);
        prop_assert_eq!(forwarded.subject, subject.split_whitespace().collect::<Vec<_>>().join(" "));
        check(&message)?;
    }
}

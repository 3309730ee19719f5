//! Properties of reading inbound mail: no bytes make the header readers or
//! the message parser panic, and the Message-IDs and sender address written
//! in any of the shapes mail clients use are read back exactly.

use proptest::prelude::*;
use tickler_mail::headers::{from_address, header_fields, message_ids};
use tickler_mail::{InboundMessage, snippet};

/// A Message-ID as mail clients make them: `<local@domain>`.
fn message_id() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._%+$-]{1,24}@[A-Za-z0-9.-]{1,16}".prop_map(|id| format!("<{id}>"))
}

/// What may stand between the ids of a References list: spaces, folding, a comment.
fn separator() -> impl Strategy<Value = String> {
    prop::sample::select(vec![" ", "\r\n ", "\r\n\t", "  ", " (a comment <not@an.id>) ", ",", "\t"])
        .prop_map(str::to_string)
}

fn address() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._+-]{1,16}@[A-Za-z0-9-]{1,12}\\.[A-Za-z]{2,6}"
}

proptest! {
    #[test]
    fn no_bytes_make_the_readers_panic(raw in prop::collection::vec(any::<u8>(), 0..600)) {
        let text = String::from_utf8_lossy(&raw);
        let _ = header_fields(&raw);
        let _ = message_ids(&text);
        let _ = from_address(&text);
        let _ = snippet(&text, 50);
        let _ = InboundMessage::parse(1, &raw, None);
    }

    #[test]
    fn no_header_text_makes_the_readers_panic(value in "[<>()\"\\\\@,;: a-z\r\n\t]{0,80}") {
        for id in message_ids(&value) {
            prop_assert!(id.starts_with('<') && id.ends_with('>') && !id.contains(char::is_whitespace), "{id}");
        }
        if let Some(address) = from_address(&value) {
            prop_assert!(address.contains('@') && !address.contains(char::is_whitespace), "{address}");
            prop_assert_eq!(address.to_lowercase(), address.clone());
        }
    }

    #[test]
    fn message_id_lists_read_back(ids in prop::collection::vec(message_id(), 1..8), separators in prop::collection::vec(separator(), 8)) {
        let mut value = String::new();
        for (index, id) in ids.iter().enumerate() {
            if index > 0 {
                value.push_str(&separators[index % separators.len()]);
            }
            value.push_str(id);
        }
        let mut expected: Vec<String> = Vec::new();
        for id in &ids {
            if !expected.contains(id) {
                expected.push(id.clone());
            }
        }
        prop_assert_eq!(message_ids(&value), expected);
    }

    #[test]
    fn the_sender_reads_back_from_any_shape(address in address(), name in "[A-Za-z ,.'<>@()-]{0,20}", shape in 0..4usize) {
        let quoted = name.replace('"', "");
        let value = match shape {
            0 => format!("\"{quoted}\" <{address}>"),
            1 => format!("{address} (Ann)"),
            2 => address.clone(),
            _ => format!("\"{quoted}\" <{address}>, Other <other@example.org>"),
        };
        prop_assert_eq!(from_address(&value), Some(address.to_lowercase()));
    }

    #[test]
    fn a_message_of_headers_reads_back(ids in prop::collection::vec(message_id(), 1..4), address in address(), subject in "[A-Za-z0-9 ,.!?']{0,40}") {
        let raw = format!(
            "From: Someone <{address}>\r\nSubject: {subject}\r\nMessage-ID: {}\r\nReferences: {}\r\n\r\nHello there.\r\n",
            ids[0],
            ids.join("\r\n "),
        );
        let message = InboundMessage::parse(9, raw.as_bytes(), None);
        prop_assert_eq!(message.message_id.as_deref(), Some(ids[0].as_str()));
        prop_assert_eq!(&message.from, &Some(address.to_lowercase()));
        prop_assert_eq!(&message.subject, &subject.split_whitespace().collect::<Vec<_>>().join(" "));
        prop_assert_eq!(message.snippet(), "Hello there.");
    }
}

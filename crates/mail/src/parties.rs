//! The people named in an address list: a To, Cc, From or Delivered-To
//! value, or the same line as a mail client wrote it into a forwarded
//! message's header block. Besides RFC 5322 (quoted names, comments, groups,
//! RFC 2047 encoded names) it reads what Outlook writes by hand:
//! `Ann Lee [mailto:ann@acme.example]`, `'Sam Stone'; Bob <bob@y.example>` and
//! `Lee, Ann <ann@acme.example>`. Pure functions that accept any text.

use mail_parser::HeaderValue;
use mail_parser::parsers::MessageStream;
use serde::Serialize;

/// A person named in an address header.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Party {
    /// The address, lower-cased; always holds an `@`.
    pub address: String,
    /// The display name, decoded (RFC 2047) with whitespace collapsed; may be empty.
    pub name: String,
}

/// How a mailbox ended in the list: the separator after it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Separator {
    Comma,
    Semicolon,
    End,
}

/// The mailboxes of an address list, in order and without repeated
/// addresses (groups flattened). Entries without a readable address
/// (`undisclosed-recipients:;`, a bare name) are left out. A name written
/// unquoted with a comma (`Lee, Ann <ann@x>`) stays one name.
pub fn parties(value: &str) -> Vec<Party> {
    let mut found: Vec<Party> = Vec::new();
    let mut pending_name = String::new();
    for (segment, separator) in segments(value) {
        match mailbox(&segment) {
            Some(mut party) => {
                if !pending_name.is_empty() {
                    let before = std::mem::take(&mut pending_name);
                    party.name = if party.name.is_empty() { before } else { format!("{before}, {}", party.name) };
                }
                match found.iter_mut().find(|known| known.address == party.address) {
                    Some(known) if known.name.is_empty() => known.name = party.name,
                    Some(_) => {}
                    None => found.push(party),
                }
            }
            // An unquoted "Lee, Ann <ann@x>" splits at its comma: keep "Lee" for the next mailbox.
            None if separator == Separator::Comma => {
                let words = display_name(&segment);
                if !words.is_empty() {
                    pending_name = if pending_name.is_empty() { words } else { format!("{pending_name}, {words}") };
                }
            }
            None => pending_name.clear(),
        }
    }
    found
}

/// The first mailbox of an address list (what a From value names).
pub fn first_party(value: &str) -> Option<Party> {
    parties(value).into_iter().next()
}

/// Text with RFC 2047 encoded words (`=?utf-8?q?L=C3=A9e?=`) decoded and
/// whitespace collapsed to single spaces. Text without `=?` is only collapsed.
pub fn decode_words(text: &str) -> String {
    if !text.contains("=?") {
        return collapse(text);
    }
    let line = format!("{}\n", collapse(text));
    match MessageStream::new(line.as_bytes()).parse_unstructured() {
        HeaderValue::Text(decoded) => collapse(&decoded),
        _ => collapse(text),
    }
}

/// Whitespace (including folding and control characters) collapsed to single spaces, trimmed.
pub(crate) fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c: char| c.is_whitespace() || c.is_control()).filter(|word| !word.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// An address as written, lower-cased when it is one: a local part and a
/// domain around the last `@`, nothing that cannot stand in an address.
pub(crate) fn clean_address(candidate: &str) -> Option<String> {
    let candidate = candidate.trim();
    // An obsolete source route (`@relay.example:ann@acme.com`): the address follows its colon.
    let candidate = match candidate.strip_prefix('@').and_then(|route| route.split_once(':')) {
        Some((_, address)) => address,
        None => candidate,
    };
    let candidate = strip_scheme(candidate);
    let (local, domain) = candidate.rsplit_once('@')?;
    let forbidden = |c: char| c.is_whitespace() || c.is_control() || "<>()[],;:\\\"@".contains(c);
    if local.is_empty()
        || domain.is_empty()
        || domain.contains(forbidden)
        || local.contains(|c: char| c.is_whitespace() || c.is_control() || "<>[],;\\".contains(c))
        || candidate.len() > 254
    {
        return None;
    }
    Some(candidate.to_lowercase())
}

/// The address without a `mailto:` or `smtp:` scheme (Outlook and Exchange write both).
fn strip_scheme(candidate: &str) -> &str {
    for scheme in ["mailto:", "smtp:"] {
        if candidate.len() > scheme.len()
            && candidate.is_char_boundary(scheme.len())
            && candidate[..scheme.len()].eq_ignore_ascii_case(scheme)
        {
            return &candidate[scheme.len()..];
        }
    }
    candidate
}

/// The list split at commas and semicolons outside quotes, comments, angle
/// and square brackets; a group's name (`Team:`) is dropped.
fn segments(value: &str) -> Vec<(String, Separator)> {
    let mut out = Vec::new();
    let mut segment = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                segment.push('"');
                let mut escaped = false;
                for c in chars.by_ref() {
                    segment.push(c);
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
            }
            '(' => {
                segment.push('(');
                let mut depth = 1;
                let mut escaped = false;
                for c in chars.by_ref() {
                    segment.push(c);
                    if escaped {
                        escaped = false;
                        continue;
                    }
                    match c {
                        '\\' => escaped = true,
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            open @ ('<' | '[') => {
                let close = if open == '<' { '>' } else { ']' };
                segment.push(open);
                let mut depth = 1;
                for c in chars.by_ref() {
                    segment.push(c);
                    if c == close {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    } else if c == open {
                        depth += 1;
                    }
                }
            }
            ',' | ';' => {
                let separator = if c == ',' { Separator::Comma } else { Separator::Semicolon };
                out.push((std::mem::take(&mut segment), separator));
            }
            ':' if !segment.contains('@') => segment.clear(),
            c => segment.push(c),
        }
    }
    out.push((segment, Separator::End));
    out
}

/// One mailbox: its address (in `<…>`, in `[mailto:…]`, else the bare word
/// with an `@`) and the name around it (quoted, plain, else a comment).
fn mailbox(segment: &str) -> Option<Party> {
    let pieces = pieces(segment);
    let mut address = None;
    for (kind, text) in &pieces {
        if matches!(kind, Piece::Angle) {
            let inside = text.split('<').next().unwrap_or_default();
            address = clean_address(&inside.split_whitespace().collect::<String>());
            break;
        }
    }
    if address.is_none() {
        address = pieces
            .iter()
            .filter(|(kind, text)| matches!(kind, Piece::Square) && text.contains('@'))
            .find_map(|(_, text)| clean_address(text));
    }
    let mut bare_word = None;
    if address.is_none() {
        for (index, (kind, text)) in pieces.iter().enumerate() {
            if !matches!(kind, Piece::Plain | Piece::Quoted) {
                continue;
            }
            let word = text.split_whitespace().find(|word| word.contains('@'));
            if let Some(found) = word.and_then(|word| clean_address(word.trim_matches(['\'', '"']))) {
                address = Some(found);
                bare_word = Some(index);
                break;
            }
        }
    }
    let address = address?;
    let mut name = String::new();
    for (index, (kind, text)) in pieces.iter().enumerate() {
        match kind {
            Piece::Quoted | Piece::Plain if Some(index) != bare_word => {
                name.push(' ');
                name.push_str(text);
            }
            Piece::Plain => {
                // The bare address's own word is not part of the name.
                for word in text.split_whitespace().filter(|word| !word.contains('@')) {
                    name.push(' ');
                    name.push_str(word);
                }
            }
            _ => {}
        }
    }
    let mut name = tidy_name(&name);
    if name.is_empty() {
        let comments: Vec<&str> =
            pieces.iter().filter(|(kind, _)| matches!(kind, Piece::Comment)).map(|(_, text)| text.as_str()).collect();
        name = tidy_name(&comments.join(" "));
    }
    if name.eq_ignore_ascii_case(&address) || clean_address(&name).as_deref() == Some(address.as_str()) {
        name.clear();
    }
    Some(Party { address, name })
}

/// The name words of a segment that holds no address.
fn display_name(segment: &str) -> String {
    let words: Vec<String> = pieces(segment)
        .into_iter()
        .filter(|(kind, _)| matches!(kind, Piece::Quoted | Piece::Plain))
        .map(|(_, text)| text)
        .collect();
    tidy_name(&words.join(" "))
}

/// A name decoded, without Outlook's single quotes around it, whitespace collapsed.
fn tidy_name(name: &str) -> String {
    let name = decode_words(name);
    let trimmed = name.trim_matches(|c: char| c == '\'' || c.is_whitespace());
    collapse(trimmed)
}

#[derive(Clone, Copy)]
enum Piece {
    Plain,
    Quoted,
    Comment,
    Angle,
    Square,
}

/// A mailbox's text cut into plain text, quoted strings (unescaped),
/// comments and bracketed parts, in order.
fn pieces(segment: &str) -> Vec<(Piece, String)> {
    let mut out: Vec<(Piece, String)> = Vec::new();
    let mut plain = String::new();
    let mut chars = segment.chars();
    let flush = |out: &mut Vec<(Piece, String)>, plain: &mut String| {
        if !plain.trim().is_empty() {
            out.push((Piece::Plain, std::mem::take(plain)));
        }
        plain.clear();
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                flush(&mut out, &mut plain);
                let mut text = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => text.extend(chars.next()),
                        '"' => break,
                        c => text.push(c),
                    }
                }
                out.push((Piece::Quoted, text));
            }
            '(' => {
                flush(&mut out, &mut plain);
                let mut text = String::new();
                let mut depth = 1;
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => text.extend(chars.next()),
                        '(' => {
                            depth += 1;
                            text.push(c);
                        }
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                            text.push(c);
                        }
                        c => text.push(c),
                    }
                }
                out.push((Piece::Comment, text));
            }
            open @ ('<' | '[') => {
                flush(&mut out, &mut plain);
                let (close, kind) = if open == '<' { ('>', Piece::Angle) } else { (']', Piece::Square) };
                // Outlook's text nests: `<ann@acme.example<mailto:ann@acme.example>>`.
                let mut text = String::new();
                let mut depth = 1;
                for c in chars.by_ref() {
                    if c == close {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    } else if c == open {
                        depth += 1;
                    }
                    text.push(c);
                }
                out.push((kind, text));
            }
            c => plain.push(c),
        }
    }
    flush(&mut out, &mut plain);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party(address: &str, name: &str) -> Party {
        Party { address: address.to_string(), name: name.to_string() }
    }

    #[test]
    fn rfc_5322_lists_are_read() {
        assert_eq!(
            parties("Ann Lee <Ann@Acme.example>, \"Stone, Sam\" <sam@stone.example>, bob@y.example (Bob Ray)"),
            [
                party("ann@acme.example", "Ann Lee"),
                party("sam@stone.example", "Stone, Sam"),
                party("bob@y.example", "Bob Ray")
            ]
        );
        assert_eq!(
            parties("Team: ann@acme.example, Bob <bob@acme.example>;, carl@c.example"),
            [party("ann@acme.example", ""), party("bob@acme.example", "Bob"), party("carl@c.example", "")]
        );
        assert_eq!(parties("=?utf-8?q?Ann_L=C3=A9e?= <ann@acme.example>"), [party("ann@acme.example", "Ann Lée")]);
        assert_eq!(
            parties("\"=?iso-8859-1?q?J=F6rg?= M\" <j@m.example>, J <J@M.example>"),
            [party("j@m.example", "Jörg M")]
        );
        assert_eq!(parties("<@relay.example:ann@acme.example>"), [party("ann@acme.example", "")]);
        assert_eq!(parties("\"ann@acme.example\" <ann@acme.example>"), [party("ann@acme.example", "")]);
        assert_eq!(parties(".x@a.example (X)"), [party(".x@a.example", "X")]);
        assert!(parties("undisclosed-recipients:;").is_empty());
        assert!(parties("").is_empty());
        assert!(parties("Ann Lee").is_empty());
        assert!(parties("<>, @, a@, @b").is_empty());
    }

    #[test]
    fn outlook_shapes_are_read() {
        assert_eq!(parties("Ann Lee [mailto:Ann@Acme.example]"), [party("ann@acme.example", "Ann Lee")]);
        assert_eq!(parties("'Sam Stone'; Bob <bob@y.example>"), [party("bob@y.example", "Bob")]);
        assert_eq!(
            parties("'Sam Stone' <sam@stone.example>; Lee, Ann <ann@acme.example>"),
            [party("sam@stone.example", "Sam Stone"), party("ann@acme.example", "Lee, Ann")]
        );
        assert_eq!(parties("<sam@x.org>"), [party("sam@x.org", "")]);
        assert_eq!(parties("Sam <mailto:sam@x.org>"), [party("sam@x.org", "Sam")]);
        assert_eq!(parties("'ann@acme.example'"), [party("ann@acme.example", "")]);
    }

    #[test]
    fn words_are_decoded() {
        assert_eq!(decode_words("=?utf-8?b?w4Frb3M=?= \r\n =?utf-8?q?_B=C3=A9la?="), "Ákos Béla");
        assert_eq!(decode_words("  plain\t text "), "plain text");
        assert_eq!(decode_words("=?broken"), "=?broken");
    }
}

//! Reading the headers of an inbound email: the fields of a raw message,
//! the Message-IDs of a Message-ID, In-Reply-To or References value, and the
//! sender's address in a From value. Pure functions that accept any bytes:
//! mail from the wild is often malformed, and none of it may panic.

/// Longest Message-ID accepted, in bytes (a line of mail is at most 998).
const MAX_ID_BYTES: usize = 998;

/// The header fields of a raw message, in order: lower-case name and the
/// unfolded value. Bytes that are not UTF-8 become U+FFFD; lines that are not
/// fields (an mbox `From ` line, garbage) are skipped.
pub fn header_fields(raw: &[u8]) -> Vec<(String, String)> {
    // Only the header is read: the body (up to 32 KiB of it) need not be converted.
    let head = &raw[..header_end(raw)];
    // Checking is quicker than converting: most headers are UTF-8 (or ASCII) already.
    let text = match std::str::from_utf8(head) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(head),
    };
    let mut fields: Vec<(String, String)> = Vec::with_capacity(32);
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push_str(line);
            }
            continue;
        }
        let Some((name, value)) = line.split_once(':') else { continue };
        let name = name.trim_end();
        if name.is_empty() || !name.bytes().all(|byte| byte.is_ascii_graphic()) {
            continue;
        }
        fields.push((name.to_ascii_lowercase(), value.to_string()));
    }
    for (_, value) in &mut fields {
        // Trimmed where it is, without a copy.
        value.truncate(value.trim_end().len());
        let leading = value.len() - value.trim_start().len();
        value.drain(..leading);
    }
    fields
}

/// Where the header of a raw message ends: after the line before the first
/// empty line (`\n\n` or `\n\r\n`), else at the end.
fn header_end(raw: &[u8]) -> usize {
    let mut at = 0;
    while let Some(offset) = raw.get(at..).and_then(|rest| rest.iter().position(|byte| *byte == b'\n')) {
        let next = at + offset + 1;
        if matches!(raw.get(next..), Some([b'\n', ..] | [b'\r', b'\n', ..] | [b'\r'])) {
            return next;
        }
        at = next;
    }
    raw.len()
}

/// The value of the first field named `name` (lower case).
pub fn first<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(field, _)| field == name).map(|(_, value)| value.as_str())
}

/// The Message-IDs in a Message-ID, In-Reply-To or References value, in
/// order and without repeats, each as `<…>` with any folding whitespace
/// inside removed. Comments and quoted text (`(…)`, `"…"`) are skipped.
/// A value with no `<…>` at all (some old mailers) yields its words that
/// hold an `@`.
pub fn message_ids(value: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let mut bare: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut chars = value.chars();
    let push = |list: &mut Vec<String>, id: String| {
        if id.len() > 2 && id.len() <= MAX_ID_BYTES && !id.chars().any(char::is_control) && !list.contains(&id) {
            list.push(id);
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '(' => skip_comment(&mut chars),
            '"' => skip_quoted(&mut chars),
            '<' => {
                let mut inside = String::new();
                let mut closed = false;
                for c in chars.by_ref() {
                    match c {
                        '>' => {
                            closed = true;
                            break;
                        }
                        '<' => inside.clear(),
                        c if c.is_whitespace() => {}
                        c => inside.push(c),
                    }
                }
                if closed && !inside.is_empty() {
                    push(&mut ids, format!("<{inside}>"));
                }
            }
            c if c.is_whitespace() || c == ',' => {
                if word.contains('@') {
                    push(&mut bare, format!("<{}>", std::mem::take(&mut word)));
                }
                word.clear();
            }
            c => word.push(c),
        }
    }
    if word.contains('@') {
        push(&mut bare, format!("<{word}>"));
    }
    if ids.is_empty() { bare } else { ids }
}

/// The address of the first mailbox in a From value, lower-cased: from
/// `"Lee, Ann" <Ann@Acme.com>`, `ann@acme.com (Ann Lee)` or `ann@acme.com`
/// alike. `None` when the value holds nothing that looks like an address.
pub fn from_address(value: &str) -> Option<String> {
    let mailbox = first_mailbox(value);
    let candidate = match angle_address(&mailbox) {
        Some(inside) => inside,
        None => {
            let plain = without_comments(&mailbox);
            plain.split_whitespace().find(|word| word.contains('@')).unwrap_or("").to_string()
        }
    };
    // A source route (`<@relay.example:ann@acme.com>`) is obsolete; the address follows its colon.
    let candidate = match candidate.strip_prefix('@').and_then(|route| route.split_once(':')) {
        Some((_, address)) => address.to_string(),
        None => candidate,
    };
    let (local, domain) = candidate.rsplit_once('@')?;
    let forbidden = |c: char| c.is_whitespace() || c.is_control() || "<>()[],;:\\\"".contains(c);
    if local.is_empty() || domain.is_empty() || domain.contains(forbidden) || local.contains(char::is_whitespace) {
        return None;
    }
    Some(candidate.to_lowercase())
}

/// Whether the headers mark a message sent by a machine rather than a
/// person answering: auto-replies (RFC 3834 `Auto-Submitted`, the common
/// `X-Autoreply` family, `Precedence: bulk`), delivery reports and mailing-list mail.
pub fn is_automatic(fields: &[(String, String)]) -> bool {
    fields.iter().any(|(name, value)| {
        let value = value.to_ascii_lowercase();
        match name.as_str() {
            "auto-submitted" => !value.trim().starts_with("no"),
            "x-autoreply" | "x-autorespond" | "x-autogenerated" => !value.trim().is_empty(),
            "precedence" => ["bulk", "junk", "list", "auto_reply"].iter().any(|kind| value.contains(kind)),
            "content-type" => value.contains("multipart/report"),
            "list-id" => true,
            _ => false,
        }
    })
}

/// Skip a `(…)` comment (nested, with `\\` escapes) whose `(` was just read.
pub(crate) fn skip_comment(chars: &mut std::str::Chars<'_>) {
    let mut depth = 1;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return;
                }
            }
            _ => {}
        }
    }
}

fn skip_quoted(chars: &mut std::str::Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' => return,
            _ => {}
        }
    }
}

/// The first mailbox of an address list: the text up to the first comma
/// outside quotes, comments and angle brackets, after any group name (`Team: …`).
fn first_mailbox(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    let (mut angle, mut seen_at) = (false, false);
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                let start = chars.as_str();
                skip_quoted(&mut chars);
                let taken = start.len() - chars.as_str().len();
                out.push_str(&start[..taken]);
            }
            '(' => {
                out.push(' ');
                skip_comment(&mut chars);
            }
            '<' => {
                angle = true;
                out.push(c);
            }
            '>' => {
                angle = false;
                out.push(c);
            }
            ':' if !angle && !seen_at => out.clear(),
            ',' | ';' if !angle => {
                if out.contains('@') {
                    break;
                }
                out.clear();
            }
            c => {
                seen_at |= c == '@';
                out.push(c);
            }
        }
    }
    out
}

/// The text inside the first `<…>` outside quoted strings, whitespace removed.
fn angle_address(mailbox: &str) -> Option<String> {
    let mut chars = mailbox.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => skip_quoted(&mut chars),
            '<' => {
                let inside: String = chars.by_ref().take_while(|&c| c != '>').filter(|c| !c.is_whitespace()).collect();
                return Some(inside);
            }
            _ => {}
        }
    }
    None
}

/// The text with comments and quoted strings left out.
fn without_comments(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '(' => {
                skip_comment(&mut chars);
                out.push(' ');
            }
            '"' => {
                skip_quoted(&mut chars);
                out.push(' ');
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_unfolded_and_garbage_is_skipped() {
        let raw = b"From nobody Tue Nov 24\r\nSubject: Re: Thank\r\n you\r\nIn-Reply-To:\r\n <a@b>\r\nX-Bad \xff: 1\r\nX-8bit: caf\xe9\r\n\r\nBody: not a header\r\n";
        let fields = header_fields(raw);
        assert_eq!(first(&fields, "subject"), Some("Re: Thank you"));
        assert_eq!(first(&fields, "in-reply-to"), Some("<a@b>"));
        assert_eq!(first(&fields, "x-8bit"), Some("caf\u{fffd}"));
        assert_eq!(first(&fields, "body"), None);
        assert_eq!(fields.len(), 3);
        assert!(header_fields(b"").is_empty());
        assert!(header_fields(b"\r\n\r\n").is_empty());
    }

    #[test]
    fn message_ids_are_found_in_every_common_shape() {
        assert_eq!(message_ids("<plan.1.2.1.9@stone.example>"), ["<plan.1.2.1.9@stone.example>"]);
        assert_eq!(message_ids("<a@x>\r\n\t<b@x> <a@x>"), ["<a@x>", "<b@x>"]);
        assert_eq!(message_ids("<a@x> (Ann's message of \"Tue <c@x>\")"), ["<a@x>"]);
        assert_eq!(message_ids("Ann Lee's message of Tue, 24 Nov <a@x>"), ["<a@x>"]);
        assert_eq!(message_ids("<a@\r\n x>"), ["<a@x>"]);
        assert_eq!(message_ids("a@x b@x"), ["<a@x>", "<b@x>"]);
        assert!(message_ids("").is_empty());
        assert!(message_ids("<>").is_empty());
        assert!(message_ids("<unclosed@x").is_empty());
        assert!(message_ids("(unclosed <a@x>").is_empty());
    }

    #[test]
    fn the_sender_address_is_found_in_every_common_shape() {
        let cases = [
            ("Ann Lee <Ann@Acme.com>", Some("ann@acme.com")),
            ("\"Lee, Ann\" <ann@acme.com>", Some("ann@acme.com")),
            ("\"Ann <boss@evil.example>\" <ann@acme.com>", Some("ann@acme.com")),
            ("ann@acme.com (Ann Lee)", Some("ann@acme.com")),
            ("ann@acme.com", Some("ann@acme.com")),
            ("=?utf-8?q?Ann_L=C3=A9e?= <ann@acme.com>", Some("ann@acme.com")),
            ("<@relay.example:ann@acme.com>", Some("ann@acme.com")),
            ("Team: ann@acme.com, bob@acme.com;", Some("ann@acme.com")),
            ("Ann Lee <ann@acme.com>, Bob <bob@acme.com>", Some("ann@acme.com")),
            ("undisclosed-recipients:;", None),
            ("Ann Lee", None),
            ("<>", None),
            ("", None),
            ("@", None),
        ];
        for (value, expected) in cases {
            assert_eq!(from_address(value).as_deref(), expected, "{value}");
        }
    }

    #[test]
    fn machines_are_told_from_people() {
        let fields = |raw: &str| header_fields(raw.as_bytes());
        assert!(is_automatic(&fields("Auto-Submitted: auto-replied\r\n")));
        assert!(!is_automatic(&fields("Auto-Submitted: no\r\n")));
        assert!(is_automatic(&fields("X-Autoreply: yes\r\n")));
        assert!(is_automatic(&fields("Precedence: bulk\r\n")));
        assert!(is_automatic(&fields("Content-Type: multipart/report; report-type=delivery-status\r\n")));
        assert!(is_automatic(&fields("List-Id: <news.example.org>\r\n")));
        assert!(!is_automatic(&fields("X-Auto-Response-Suppress: All\r\nSubject: Re: hi\r\n")));
        assert!(!is_automatic(&fields("Subject: Re: hi\r\nContent-Type: text/plain\r\n")));
    }
}

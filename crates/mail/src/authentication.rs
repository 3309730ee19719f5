//! What the receiving server said about the sender: its RFC 8601
//! Authentication-Results header, reduced to the checks it ran (SPF, DKIM,
//! DMARC, …), each with its result and properties. Only the topmost header
//! is believed: the receiving server adds its own above everything the
//! message arrived with, and anything further down may have been written by
//! the sender.

use serde::Serialize;

/// What the receiving server said about the sender (RFC 8601 Authentication-Results).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Authentication {
    /// How many Authentication-Results headers the message carried; only the first is read.
    pub headers: usize,
    /// The first header's authserv-id: the server that ran the checks (may be empty).
    pub server: String,
    /// The checks in the first header, in order (empty for `none`).
    pub results: Vec<AuthResult>,
}

/// One check of an Authentication-Results header: `dkim=pass header.d=acme.example`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthResult {
    /// The method, lower-cased, without its version: `spf`, `dkim`, `dmarc`, `arc`, `iprev`, …
    pub method: String,
    /// The result, lower-cased: `pass`, `fail`, `softfail`, `neutral`, `none`, `temperror`, …
    pub result: String,
    /// The properties in order, name lower-cased (`smtp.mailfrom`, `header.d`,
    /// `reason`), value as written without quotes.
    pub properties: Vec<(String, String)>,
}

impl AuthResult {
    /// The value of the property `name` (lower case), if given.
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties.iter().find(|(property, _)| property == name).map(|(_, value)| value.as_str())
    }
}

impl Authentication {
    /// The Authentication-Results of a message's header fields (lower-case
    /// names, in order, as `headers::header_fields` gives them).
    pub fn from_fields(fields: &[(String, String)]) -> Authentication {
        let mut values = fields.iter().filter(|(name, _)| name == "authentication-results").map(|(_, value)| value);
        let Some(topmost) = values.next() else { return Authentication::default() };
        let (server, results) = read(topmost);
        Authentication { headers: 1 + values.count(), server, results }
    }

    /// Whether any Authentication-Results header was present at all.
    pub fn has_results(&self) -> bool {
        self.headers > 0
    }

    /// Whether SPF (smtp.mailfrom domain) or DKIM (header.d / header.i
    /// domain) passed for `domain` (exact, case-insensitive, or a subdomain
    /// of it), or DMARC passed with header.from = domain. Only the topmost
    /// header counts; a bare top-level domain covers no subdomains.
    pub fn passes_for(&self, domain: &str) -> bool {
        let domain = normal_domain(domain);
        if domain.is_empty() || !domain.contains(|c: char| c.is_alphanumeric()) {
            return false;
        }
        self.results.iter().filter(|check| check.result == "pass").any(|check| {
            let within = |value: &str| {
                let found = normal_domain(value.rsplit_once('@').map_or(value, |(_, domain)| domain));
                // Subdomains of a bare top-level domain ("com") would be anyone's.
                found == domain
                    || (domain.contains('.')
                        && found.strip_suffix(domain.as_str()).is_some_and(|rest| rest.ends_with('.')))
            };
            match check.method.as_str() {
                "spf" => check.property("smtp.mailfrom").is_some_and(within),
                "dkim" => {
                    check.property("header.d").is_some_and(within) || check.property("header.i").is_some_and(within)
                }
                "dmarc" => check.property("header.from").is_some_and(|from| normal_domain(from) == domain),
                _ => false,
            }
        })
    }
}

/// A domain compared as DNS does: lower case, without a trailing dot.
fn normal_domain(domain: &str) -> String {
    domain.trim().trim_end_matches('.').to_lowercase()
}

/// The authserv-id and the checks of one header value.
fn read(value: &str) -> (String, Vec<AuthResult>) {
    let mut server = String::new();
    let mut results = Vec::new();
    for (index, statement) in split_statements(&without_comments(value)).into_iter().enumerate() {
        let tokens = tokens(&statement);
        let pairs = pairs(&tokens);
        if index == 0 && pairs.is_empty() {
            // "mx.stone.example" or "mx.stone.example 1": the authserv-id and its version.
            if let Some(Token::Word(id)) = tokens.first() {
                server = id.to_lowercase();
            }
            continue;
        }
        // Microsoft writes no authserv-id: the first statement is already a check.
        let mut pairs = pairs.into_iter();
        let Some((method, result)) = pairs.next() else { continue };
        let method = method.split('/').next().unwrap_or_default().trim().to_lowercase();
        if method.is_empty() {
            continue;
        }
        let properties = pairs.map(|(name, value)| (name.to_lowercase(), value)).collect();
        results.push(AuthResult { method, result: result.to_lowercase(), properties });
    }
    (server, results)
}

/// The value with `(comments)` left out (nested, escaped), quoted strings kept.
fn without_comments(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                while let Some(c) = chars.next() {
                    out.push(c);
                    match c {
                        '\\' => out.extend(chars.next()),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '(' => {
                crate::headers::skip_comment(&mut chars);
                out.push(' ');
            }
            c => out.push(c),
        }
    }
    out
}

/// The `;`-separated statements of a value, outside quoted strings.
fn split_statements(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                current.push('"');
                while let Some(c) = chars.next() {
                    current.push(c);
                    match c {
                        '\\' => current.extend(chars.next()),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            ';' => out.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    out.push(current);
    out
}

#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    Equals,
}

/// Words, quoted strings (unquoted, as words) and `=` signs.
fn tokens(statement: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut chars = statement.chars();
    let flush = |out: &mut Vec<Token>, word: &mut String| {
        if !word.is_empty() {
            out.push(Token::Word(std::mem::take(word)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let mut quoted = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => quoted.extend(chars.next()),
                        '"' => break,
                        c => quoted.push(c),
                    }
                }
                flush(&mut out, &mut word);
                out.push(Token::Word(quoted));
            }
            '=' => {
                flush(&mut out, &mut word);
                out.push(Token::Equals);
            }
            c if c.is_whitespace() || c.is_control() => flush(&mut out, &mut word),
            c => word.push(c),
        }
    }
    flush(&mut out, &mut word);
    out
}

/// The `name=value` pairs among the tokens; stray words and signs (a
/// base64 `header.b` value's padding, a version number) are skipped.
fn pairs(tokens: &[Token]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut index = 0;
    while index < tokens.len() {
        if let [Token::Word(name), Token::Equals, Token::Word(value), ..] = &tokens[index..] {
            out.push((name.clone(), value.clone()));
            index += 3;
        } else {
            index += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::headers::header_fields;

    fn authentication(header: &str) -> Authentication {
        Authentication::from_fields(&header_fields(header.as_bytes()))
    }

    #[test]
    fn a_gmail_style_header_is_read() {
        let header = r"Authentication-Results: mx.google.example;
       dkim=pass header.i=@acme.example header.s=sel2026 header.b=Zm9vYmFy+/=;
       spf=pass (google.example: domain of ann@acme.example designates 192.0.2.7 as
 permitted sender) smtp.mailfrom=ann@acme.example;
       dmarc=pass (p=QUARANTINE sp=NONE dis=NONE) header.from=acme.example
Received: from x
";
        let auth = authentication(&header.replace('\n', "\r\n"));
        assert!(auth.has_results());
        assert_eq!(auth.server, "mx.google.example");
        let methods: Vec<(&str, &str)> =
            auth.results.iter().map(|check| (check.method.as_str(), check.result.as_str())).collect();
        assert_eq!(methods, [("dkim", "pass"), ("spf", "pass"), ("dmarc", "pass")]);
        assert_eq!(auth.results[0].property("header.i"), Some("@acme.example"));
        assert_eq!(auth.results[0].property("header.b"), Some("Zm9vYmFy+/"));
        assert_eq!(auth.results[1].property("smtp.mailfrom"), Some("ann@acme.example"));
        assert!(auth.passes_for("acme.example"));
        assert!(auth.passes_for("ACME.Example."));
        assert!(!auth.passes_for("mail.acme.example"));
        assert!(!auth.passes_for("example"));
        assert!(!auth.passes_for("evil-acme.example"));
        assert!(!auth.passes_for(""));
    }

    #[test]
    fn a_microsoft_style_header_without_authserv_id_is_read() {
        let auth = authentication(
            "Authentication-Results: spf=pass (sender IP is 198.51.100.4)\r\n smtp.mailfrom=bounces.acme.example; dkim=pass (signature was verified)\r\n header.d=acme.example;dmarc=pass action=none\r\n header.from=acme.example;compauth=pass reason=100\r\n",
        );
        assert_eq!(auth.server, "");
        assert_eq!(auth.results.len(), 4);
        assert_eq!(auth.results[3].property("reason"), Some("100"));
        assert!(auth.passes_for("acme.example"));
        assert!(
            auth.passes_for("bounces.acme.example"),
            "DKIM d=acme.example does not cover a subdomain, but SPF does"
        );
    }

    #[test]
    fn only_the_topmost_header_is_believed() {
        let forged = "Authentication-Results: mx.stone.example; spf=fail smtp.mailfrom=acme.example;\r\n dkim=none; dmarc=fail header.from=acme.example\r\n\
Authentication-Results: mx.stone.example; spf=pass smtp.mailfrom=acme.example; dkim=pass header.d=acme.example\r\n";
        let auth = authentication(forged);
        assert_eq!(auth.headers, 2);
        assert!(!auth.passes_for("acme.example"));
        assert_eq!(auth.results[0].result, "fail");
    }

    #[test]
    fn odd_headers_are_read_as_far_as_they_go() {
        let none = authentication("Authentication-Results: mx.stone.example 1; none\r\n");
        assert!(none.has_results() && none.results.is_empty() && !none.passes_for("acme.example"));
        assert_eq!(none.server, "mx.stone.example");

        let quoted = authentication(
            "Authentication-Results: mx.stone.example; dkim = pass (good (nested) sig)\r\n header.d=\"acme.example\" header.i=\"ann@Sub.Acme.example\"; spf/1=softfail smtp.mailfrom=acme.example;;\r\n",
        );
        assert_eq!(quoted.results.len(), 2);
        assert_eq!(quoted.results[1].method, "spf");
        assert!(quoted.passes_for("acme.example"));
        assert!(quoted.passes_for("sub.acme.example"), "header.i is a subdomain-or-self of header.d");

        let dmarc_only = authentication("Authentication-Results: mx; dmarc=pass header.from=news.acme.example\r\n");
        assert!(dmarc_only.passes_for("news.acme.example"));
        assert!(!dmarc_only.passes_for("acme.example"), "DMARC counts only for the exact From domain");

        for broken in [
            "Authentication-Results:\r\n",
            "Authentication-Results: (unclosed\r\n",
            "Authentication-Results: \"q;\r\n",
            "Authentication-Results: ;=;==a;b=\r\n",
        ] {
            let auth = authentication(broken);
            assert!(auth.has_results(), "{broken}");
            assert!(!auth.passes_for("acme.example"), "{broken}");
        }
        assert!(!authentication("Subject: hi\r\n").has_results());
        assert!(!authentication("X-Authentication-Results: mx; spf=pass smtp.mailfrom=acme.example\r\n").has_results());
    }
}

//! The lexer: splits a phrase into words (classified against the vocabulary),
//! numbers, ordinals ("3rd"), clock times ("15:30"), ISO and US dates, UTC
//! offsets and stray symbols. No allocation: tokens live in a fixed array.

use super::typo;
use super::words::{Kw, Unit, is_filler, keyword};

/// Longest phrase accepted, in bytes.
pub const MAX_LEN: usize = 200;
/// Most tokens accepted in one phrase.
pub const MAX_TOKENS: usize = 32;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind<'a> {
    Word(Kw),
    /// A word not in the vocabulary (original spelling).
    Unknown(&'a str),
    /// An IANA-looking zone name such as "Europe/Paris".
    ZoneName(&'a str),
    /// Digits; `value` saturates.
    Num {
        value: u64,
        digits: u8,
    },
    /// A decimal number `num / den`, e.g. 1.5 = 15 / 10.
    Decimal {
        num: u64,
        den: u64,
    },
    /// "3rd", "20th".
    Ordinal(u64),
    /// "15:30", "3:30:15"; `lead_zero` for "08:00".
    Time {
        hour: u64,
        minute: u64,
        second: u64,
        lead_zero: bool,
    },
    /// "2015-03-03".
    IsoDate {
        year: u64,
        month: u64,
        day: u64,
    },
    /// "3/4", "3/4/2015", "3/4/15": (a, b, Some((c, digits of c))).
    Slash {
        a: u64,
        b: u64,
        c: Option<(u64, u8)>,
    },
    /// A UTC offset glued to a time ("-05:00"), in seconds.
    Offset(i32),
    /// A lone "-".
    Dash,
    /// Any other character.
    Symbol,
}

/// A token and its byte span in the phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tok<'a> {
    pub kind: Kind<'a>,
    pub start: usize,
    pub end: usize,
    /// The word a misspelling or shorthand was read as ("tomorow" → "tomorrow").
    pub fix: Option<&'static str>,
}

impl<'a> Tok<'a> {
    fn new(kind: Kind<'a>, start: usize, end: usize) -> Self {
        Tok { kind, start, end, fix: None }
    }
}

const BLANK: Tok<'static> = Tok { kind: Kind::Symbol, start: 0, end: 0, fix: None };

/// A phrase's tokens.
pub struct Tokens<'a> {
    items: [Tok<'a>; MAX_TOKENS],
    len: usize,
}

impl<'a> Tokens<'a> {
    /// The tokens as a slice.
    pub fn as_slice(&self) -> &[Tok<'a>] {
        self.items.get(..self.len).unwrap_or(&[])
    }

    fn last(&self) -> Option<Tok<'a>> {
        self.len.checked_sub(1).and_then(|i| self.items.get(i)).copied()
    }

    fn pop(&mut self) {
        self.len = self.len.saturating_sub(1);
    }

    fn push(&mut self, tok: Tok<'a>) -> Result<(), LexError> {
        let slot = self.items.get_mut(self.len).ok_or(LexError::TooLong)?;
        *slot = tok;
        self.len += 1;
        Ok(())
    }
}

/// Why a phrase could not be split into tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LexError {
    TooLong,
}

fn byte(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Splits `text` into tokens.
pub fn lex(text: &str) -> Result<Tokens<'_>, LexError> {
    if text.len() > MAX_LEN {
        return Err(LexError::TooLong);
    }
    let bytes = text.as_bytes();
    let mut out = Tokens { items: [BLANK; MAX_TOKENS], len: 0 };
    let mut i = 0;
    while let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) {
        let start = i;
        if c.is_ascii_digit() {
            let (kind, end) = lex_number(bytes, i);
            out.push(Tok::new(kind, start, end))?;
            i = end;
            if let (Kind::Time { .. }, Some((secs, end))) = (kind, offset_at(bytes, i)) {
                out.push(Tok::new(Kind::Offset(secs), i, end))?;
                i = end;
            }
            // "2015-03-03T14:00": skip the T so the time lexes on its own.
            if matches!(kind, Kind::IsoDate { .. })
                && matches!(byte(bytes, i), b'T' | b't')
                && byte(bytes, i + 1).is_ascii_digit()
            {
                i += 1;
            }
        } else if c.is_alphabetic() {
            let end = word_end(text, i);
            let raw = text.get(start..end).unwrap_or("");
            let glued = start > 0 && byte(bytes, start - 1).is_ascii_digit();
            if raw.contains('/') {
                out.push(Tok::new(Kind::ZoneName(raw), start, end))?;
            } else if let Some(tok) = glued.then(|| glued_word(&out, text, start, end)).flatten() {
                if tok.start < start {
                    out.pop();
                }
                out.push(tok)?;
            } else if let Some((kind, fix)) = classify(raw) {
                out.push(Tok { kind, start, end, fix })?;
            }
            i = end;
        } else {
            i += c.len_utf8();
            let kind = match c {
                c if c.is_whitespace() => continue,
                ',' | '.' | ';' | '!' | '?' | '(' | ')' => continue,
                '-' if prev_is_letter(text, start) && next_is_letter(text, i) => continue,
                '-' if text.get(i..).is_some_and(|rest| rest.to_ascii_lowercase().starts_with("ish")) => continue,
                '-' => Kind::Dash,
                '@' => Kind::Word(Kw::At),
                _ => Kind::Symbol,
            };
            out.push(Tok::new(kind, start, i))?;
        }
    }
    Ok(out)
}

/// A word glued to the number before it: "8a", "4:45p", "16h45", "2h",
/// "30m", "3d", "2morrow" (the number and the word are one shorthand).
fn glued_word<'a>(out: &Tokens<'a>, text: &'a str, start: usize, end: usize) -> Option<Tok<'a>> {
    let raw = text.get(start..end)?;
    let lower = |w: &str| w.eq_ignore_ascii_case(raw);
    let kind = if lower("a") {
        Some(Kw::Am)
    } else if lower("p") {
        Some(Kw::Pm)
    } else if lower("h") {
        Some(Kw::H)
    } else if lower("m") {
        Some(Kw::Unit(Unit::Minute))
    } else if lower("d") {
        Some(Kw::Unit(Unit::Day))
    } else if lower("w") {
        Some(Kw::Unit(Unit::Week))
    } else {
        None
    };
    if let Some(kw) = kind {
        return Some(Tok::new(Kind::Word(kw), start, end));
    }
    let prev = out.last()?;
    if prev.end != start || !matches!(prev.kind, Kind::Num { value: 2, digits: 1 }) {
        return None;
    }
    let mut buf = [0u8; 24];
    let word = text.get(prev.start..end)?;
    let lowered = buf.get_mut(..word.len())?;
    lowered.copy_from_slice(word.as_bytes());
    lowered.make_ascii_lowercase();
    let (kw, fix) = typo::correct(std::str::from_utf8(lowered).ok()?)?;
    Some(Tok { kind: Kind::Word(kw), start: prev.start, end, fix: Some(fix) })
}

fn prev_is_letter(text: &str, at: usize) -> bool {
    text.get(..at).and_then(|s| s.chars().next_back()).is_some_and(char::is_alphabetic)
}

fn next_is_letter(text: &str, at: usize) -> bool {
    text.get(at..).and_then(|s| s.chars().next()).is_some_and(char::is_alphabetic)
}

/// End of a word starting at `i`: letters, inner apostrophes and dots
/// ("o'clock", "p.m"), an apostrophe after a plural's s ("weeks'"), or a
/// zone path ("America/New_York").
fn word_end(text: &str, mut i: usize) -> usize {
    let mut zone = false;
    while let Some(c) = text.get(i..).and_then(|s| s.chars().next()) {
        let next = i + c.len_utf8();
        let ok = if zone {
            c.is_ascii_alphanumeric() || matches!(c, '_' | '/' | '+' | '-')
        } else if c.is_alphabetic() {
            true
        } else if is_apostrophe(c) {
            // Inner ("o'clock") or a plural's possessive ("two weeks' time").
            next_is_letter(text, next) || (i > 0 && matches!(text.as_bytes()[i - 1], b's' | b'S'))
        } else if c == '.' {
            next_is_letter(text, next)
        } else if c == '/' && next_is_letter(text, next) {
            zone = true;
            true
        } else {
            false
        };
        if !ok {
            break;
        }
        i = next;
    }
    i
}

/// Classifies a raw word (with the spelling a misspelling was read as); `None` for filler words.
fn classify(raw: &str) -> Option<(Kind<'_>, Option<&'static str>)> {
    let mut buf = [0u8; 24];
    let mut n = 0;
    for c in raw.chars() {
        if is_apostrophe(c) || c == '.' {
            continue;
        }
        let slot = match buf.get_mut(n) {
            Some(slot) if c.is_ascii_alphabetic() => slot,
            _ => return Some((Kind::Unknown(raw), None)),
        };
        // ASCII checked above, so the cast keeps the character.
        *slot = (c as u8).to_ascii_lowercase();
        n += 1;
    }
    let word = std::str::from_utf8(buf.get(..n).unwrap_or(&[])).unwrap_or("");
    if is_filler(word) {
        return None;
    }
    if let Some(kw) = keyword(word) {
        return Some((Kind::Word(kw), None));
    }
    match typo::correct(word) {
        Some((kw, fix)) => Some((Kind::Word(kw), Some(fix))),
        None => Some((Kind::Unknown(raw), None)),
    }
}

/// Reads digits at `i`: (value saturating, digit count, end).
fn digits(s: &[u8], mut i: usize) -> (u64, u8, usize) {
    let mut value: u64 = 0;
    let mut count: u8 = 0;
    while byte(s, i).is_ascii_digit() {
        value = value.saturating_mul(10).saturating_add(u64::from(byte(s, i) - b'0'));
        count = count.saturating_add(1);
        i += 1;
    }
    (value, count, i)
}

fn lex_number(s: &[u8], start: usize) -> (Kind<'static>, usize) {
    let (value, count, i) = digits(s, start);
    let num = (Kind::Num { value, digits: count }, i);
    match byte(s, i) {
        b'-' | b'.' if count <= 2 && byte(s, i + 1).is_ascii_digit() => {
            // "15-03-2026", "15.03.2026": three parts, the last a year.
            let sep = byte(s, i);
            let (b, bc, j) = digits(s, i + 1);
            if bc <= 2 && byte(s, j) == sep && byte(s, j + 1).is_ascii_digit() {
                let (c, cc, k) = digits(s, j + 1);
                if cc == 2 || cc == 4 {
                    return (Kind::Slash { a: value, b, c: Some((c, cc)) }, k);
                }
            }
            if sep == b'.' {
                return decimal(s, value, i);
            }
            num
        }
        b'-' if count == 4 && byte(s, i + 1).is_ascii_digit() => {
            let (month, mc, j) = digits(s, i + 1);
            if byte(s, j) != b'-' || !byte(s, j + 1).is_ascii_digit() || mc > 2 {
                return num;
            }
            let (day, dc, k) = digits(s, j + 1);
            if dc > 2 {
                return num;
            }
            (Kind::IsoDate { year: value, month, day }, k)
        }
        b':' if byte(s, i + 1).is_ascii_digit() => {
            let (minute, mc, mut j) = digits(s, i + 1);
            let mut second = 0;
            if byte(s, j) == b':' && byte(s, j + 1).is_ascii_digit() {
                let (sec, _, k) = digits(s, j + 1);
                second = sec;
                j = k;
            }
            let hour = if mc == 2 { value } else { u64::MAX };
            let lead_zero = count == 2 && byte(s, start) == b'0';
            (Kind::Time { hour, minute, second, lead_zero }, j)
        }
        b'/' if byte(s, i + 1).is_ascii_digit() => {
            let (b, _, j) = digits(s, i + 1);
            if byte(s, j) == b'/' && byte(s, j + 1).is_ascii_digit() {
                let (c, cc, k) = digits(s, j + 1);
                return (Kind::Slash { a: value, b, c: Some((c, cc)) }, k);
            }
            (Kind::Slash { a: value, b, c: None }, j)
        }
        b'.' if byte(s, i + 1).is_ascii_digit() => decimal(s, value, i),
        _ => {
            let suffix = [byte(s, i).to_ascii_lowercase(), byte(s, i + 1).to_ascii_lowercase()];
            let ordinal = matches!(&suffix, b"st" | b"nd" | b"rd" | b"th");
            if ordinal && !byte(s, i + 2).is_ascii_alphabetic() { (Kind::Ordinal(value), i + 2) } else { num }
        }
    }
}

/// A decimal number whose point is at `i`: "1.5".
fn decimal(s: &[u8], value: u64, i: usize) -> (Kind<'static>, usize) {
    let (frac, fc, j) = digits(s, i + 1);
    let den = 10u64.checked_pow(u32::from(fc)).unwrap_or(0);
    let num = value.checked_mul(den).and_then(|v| v.checked_add(frac));
    match num {
        Some(num) if den > 0 => (Kind::Decimal { num, den }, j),
        _ => (Kind::Symbol, j),
    }
}

/// After a time token ending at `i`, a glued UTC offset ("+05:30", "-0500").
fn offset_at(s: &[u8], i: usize) -> Option<(i32, usize)> {
    let sign = match byte(s, i) {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (hh, hc, j) = digits(s, i + 1);
    let (hours, minutes, end) = match hc {
        2 if byte(s, j) == b':' => {
            let (mm, mc, k) = digits(s, j + 1);
            if mc != 2 {
                return None;
            }
            (hh, mm, k)
        }
        2 => (hh, 0, j),
        4 => (hh / 100, hh % 100, j),
        _ => return None,
    };
    if hours > 25 || minutes > 59 {
        return None;
    }
    let secs = i32::try_from(hours * 3600 + minutes * 60).ok()?;
    Some((sign * secs, end))
}

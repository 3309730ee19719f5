//! Dates as mail clients write them into a forwarded message's header
//! block, which is prose rather than RFC 5322: Gmail's "Tue, Nov 24, 2026 at
//! 10:00 AM", Apple Mail's "24 November 2026 at 16:00:00 CET", Outlook's
//! "Tuesday, November 24, 2026 10:00 AM" or "Dienstag, 24. November 2026
//! 10:00", Thunderbird's RFC 5322 date, numeric "24.11.2026 10:00". Month
//! names in English, German, French, Spanish and Dutch. A date written
//! without a zone is read as UTC: most clients leave the zone out, and the
//! day is what matters.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::Offset;

/// Month names and the month they stand for; a word matches a name it
/// spells out, or its first three or more letters.
const MONTHS: [(&str, i8); 52] = [
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("januar", 1),
    ("jänner", 1),
    ("februar", 2),
    ("märz", 3),
    ("mai", 5),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("dezember", 12),
    ("janvier", 1),
    ("février", 2),
    ("mars", 3),
    ("avril", 4),
    ("juin", 6),
    ("juillet", 7),
    ("août", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    ("januari", 1),
    ("februari", 2),
    ("maart", 3),
    ("mei", 5),
    ("augustus", 8),
    ("mrt", 3),
    ("sept", 9),
];

/// Zone abbreviations common in mail and their offsets in minutes.
const ZONES: [(&str, i32); 22] = [
    ("ut", 0),
    ("utc", 0),
    ("gmt", 0),
    ("z", 0),
    ("wet", 0),
    ("bst", 60),
    ("west", 60),
    ("cet", 60),
    ("mez", 60),
    ("cest", 120),
    ("mesz", 120),
    ("eet", 120),
    ("eest", 180),
    ("est", -300),
    ("edt", -240),
    ("cst", -360),
    ("cdt", -300),
    ("mst", -420),
    ("mdt", -360),
    ("pst", -480),
    ("pdt", -420),
    ("jst", 540),
];

/// The moment a written date names, if it names a day.
pub fn loose_date(text: &str) -> Option<Timestamp> {
    let mut parts = Parts::default();
    let lower = text.to_lowercase();
    for word in lower.split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')').filter(|w| !w.is_empty()) {
        parts.read(word);
    }
    let (year, month, day) = (parts.year?, parts.month?, parts.day?);
    let (mut hour, minute, second) = parts.time.unwrap_or((0, 0, 0));
    match parts.meridiem {
        Some(false) if hour == 12 => hour = 0,
        Some(true) if hour < 12 => hour += 12,
        _ => {}
    }
    let offset = Offset::from_seconds(parts.offset_minutes.unwrap_or(0) * 60).ok()?;
    let date = Date::new(year, month, day).ok()?;
    let time = jiff::civil::Time::new(hour, minute, second, 0).ok()?;
    offset.to_timestamp(date.to_datetime(time)).ok()
}

/// What the words of a date have told so far.
#[derive(Default)]
struct Parts {
    year: Option<i16>,
    month: Option<i8>,
    day: Option<i8>,
    time: Option<(i8, i8, i8)>,
    /// `Some(true)` for PM.
    meridiem: Option<bool>,
    offset_minutes: Option<i32>,
}

impl Parts {
    fn read(&mut self, word: &str) {
        let word = word.trim_end_matches('.');
        if word.is_empty() {
            return;
        }
        // "10:00am" and "10:00" alike.
        if let Some(position) = word.find(':')
            && word[..position].bytes().all(|b| b.is_ascii_digit())
            && position > 0
        {
            let (clock, suffix) = split_suffix(word);
            if self.time.is_none() {
                self.time = clock_time(clock);
            }
            self.meridiem(suffix);
            return;
        }
        if self.meridiem(word) {
            return;
        }
        if let Some(offset) = zone(word) {
            if self.offset_minutes.is_none() {
                self.offset_minutes = Some(offset);
            }
            return;
        }
        if word.bytes().all(|b| b.is_ascii_digit()) {
            let Ok(number) = word.parse::<u32>() else { return };
            if word.len() == 4 && (1900..=2200).contains(&number) {
                self.year.get_or_insert(number as i16);
            } else if word.len() <= 2 && (1..=31).contains(&number) && self.day.is_none() {
                self.day = Some(number as i8);
            }
            return;
        }
        if let Some((year, month, day)) = numeric_date(word) {
            (self.year, self.month, self.day) = (Some(year), Some(month), Some(day));
            return;
        }
        if let Some(month) = month(word) {
            // The last month name wins: French and Spanish weekdays ("mar." for mardi) come first.
            self.month = Some(month);
        }
    }

    /// Take "am" / "pm" (also "a.m.", "p.m."); whether the word was one.
    fn meridiem(&mut self, word: &str) -> bool {
        match word.replace('.', "").as_str() {
            "am" => self.meridiem = Some(false),
            "pm" => self.meridiem = Some(true),
            _ => return false,
        }
        true
    }
}

/// "10:00am" as ("10:00", "am").
fn split_suffix(word: &str) -> (&str, &str) {
    let end = word.find(|c: char| !(c.is_ascii_digit() || c == ':')).unwrap_or(word.len());
    (&word[..end], &word[end..])
}

/// "10:00" or "16:00:00" as hours, minutes, seconds.
fn clock_time(clock: &str) -> Option<(i8, i8, i8)> {
    let mut numbers = clock.split(':').map(|part| part.parse::<i8>().ok());
    let hour = numbers.next()??;
    let minute = numbers.next()??;
    let second = numbers.next().flatten().unwrap_or(0);
    ((0..24).contains(&hour) && (0..60).contains(&minute) && (0..61).contains(&second)).then_some((
        hour,
        minute,
        second.min(59),
    ))
}

/// A zone as an offset in minutes: "+0100", "-05:00", "GMT+1", "UTC+01:00", "CET".
fn zone(word: &str) -> Option<i32> {
    if let Some((_, minutes)) = ZONES.iter().find(|(name, _)| *name == word) {
        return Some(*minutes);
    }
    let signed = word.strip_prefix("gmt").or_else(|| word.strip_prefix("utc")).unwrap_or(word);
    let sign = match signed.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = signed[1..].chars().filter(|c| *c != ':').collect();
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        _ => {
            let split = digits.len() - 2;
            (digits[..split].parse::<i32>().ok()?, digits[split..].parse::<i32>().ok()?)
        }
    };
    (hours <= 14 && minutes < 60).then_some(sign * (hours * 60 + minutes))
}

/// "24.11.2026", "2026-11-24", "11/24/2026" (US order, unless the first number
/// cannot be a month) and two-digit years.
fn numeric_date(word: &str) -> Option<(i16, i8, i8)> {
    let separator = ['.', '/', '-'].into_iter().find(|separator| word.contains(*separator))?;
    let numbers: Vec<u32> = word.split(separator).map(|part| part.parse::<u32>().ok()).collect::<Option<_>>()?;
    let [first, second, third] = numbers[..] else { return None };
    let year = |value: u32| match value {
        0..=69 => Some(2000 + value),
        70..=99 => Some(1900 + value),
        1900..=2200 => Some(value),
        _ => None,
    };
    let (year, month, day) = if first >= 1000 {
        (first, second, third)
    } else if separator == '/' && first <= 12 {
        (year(third)?, first, second)
    } else {
        (year(third)?, second, first)
    };
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some((year as i16, month as i8, day as i8))
}

/// The month a word names, if it does.
fn month(word: &str) -> Option<i8> {
    if word.chars().count() < 3 || !word.chars().all(char::is_alphabetic) {
        return None;
    }
    MONTHS.iter().find(|(name, _)| *name == word || name.starts_with(word)).map(|(_, month)| *month)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<String> {
        loose_date(text).map(|timestamp| timestamp.to_string())
    }

    #[test]
    fn dates_from_each_client_are_read() {
        let cases = [
            ("Tue, Nov 24, 2026 at 10:00 AM", "2026-11-24T10:00:00Z"),
            ("Tue, Nov 24, 2026 at 12:15 AM", "2026-11-24T00:15:00Z"),
            ("Tue, Nov 24, 2026 at 3:05\u{202f}PM", "2026-11-24T15:05:00Z"),
            ("24 November 2026 at 16:00:00 CET", "2026-11-24T15:00:00Z"),
            ("Tuesday, November 24, 2026 10:00 AM", "2026-11-24T10:00:00Z"),
            ("Dienstag, 24. November 2026 10:00", "2026-11-24T10:00:00Z"),
            ("mar. 24 nov. 2026 à 10:00", "2026-11-24T10:00:00Z"),
            ("mardi 24 novembre 2026 10:00", "2026-11-24T10:00:00Z"),
            ("Tue, 24 Nov 2026 10:00:00 -0500", "2026-11-24T15:00:00Z"),
            ("Tue, 24 Nov 2026 10:00:00 +0100 (CET)", "2026-11-24T09:00:00Z"),
            ("24.11.2026 10:00", "2026-11-24T10:00:00Z"),
            ("11/24/2026 10:00 PM", "2026-11-24T22:00:00Z"),
            ("24/11/26 10:00", "2026-11-24T10:00:00Z"),
            ("2026-11-24 10:00 (UTC+01:00)", "2026-11-24T09:00:00Z"),
            ("Nov 24, 2026, at 10:00 PM GMT+1", "2026-11-24T21:00:00Z"),
        ];
        for (text, expected) in cases {
            assert_eq!(at(text).as_deref(), Some(expected), "{text}");
        }
    }

    #[test]
    fn what_names_no_day_is_none() {
        for text in ["", "yesterday", "Tue 10:00", "Nov 2026", "31 Feb 2026", "32.13.2026", "24 Nov 99999"] {
            assert_eq!(at(text), None, "{text}");
        }
        // A time or zone that cannot be read leaves the day.
        assert_eq!(at("99:99 24 Nov 2026 +9999").as_deref(), Some("2026-11-24T00:00:00Z"));
    }
}

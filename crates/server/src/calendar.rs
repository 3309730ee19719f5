//! The calendar feed (`/calendar/<secret>.ics`, RFC 5545): open follow-ups
//! (timed ones as events, all-day ones as all-day events), promise
//! deadlines and birthdays, each with a UID that stays the same across
//! fetches so calendar apps update an event instead of adding a copy.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use tickler_app::AgendaRow;
use tickler_core::follow_up::FollowUp;
use tickler_core::promise::Promise;

use crate::error::Result;
use crate::state::AppState;

/// What goes into one user's feed.
pub struct Feed<'a> {
    pub follow_ups: &'a [AgendaRow],
    pub promises: &'a [(Promise, String)],
    pub birthdays: &'a [(i64, String, Date)],
    pub now: Timestamp,
    pub host: &'a str,
}

/// Render a feed as iCalendar text (CRLF lines, folded at 75 octets).
pub fn render(feed: &Feed<'_>) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//Tickler//Follow-ups//EN".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        "X-WR-CALNAME:Tickler follow-ups".to_string(),
    ];
    let stamp = format!("DTSTAMP:{}", utc(feed.now));
    for row in feed.follow_ups {
        follow_up_event(&mut lines, &row.follow_up, &row.contact_name, &stamp, feed.host);
    }
    for (promise, contact_name) in feed.promises {
        lines.push("BEGIN:VEVENT".to_string());
        lines.push(format!("UID:promise-{}@{}", promise.id, feed.host));
        lines.push(stamp.clone());
        lines.push(format!("DTSTART:{}", utc(promise.told)));
        lines.push(format!("DTEND:{}", utc(promise.told + SignedDuration::from_mins(15))));
        lines.push(format!("SUMMARY:{}", escape(&format!("Promised {contact_name}: {}", promise.what))));
        lines.push(format!(
            "DESCRIPTION:{}",
            escape(&format!("Aim for {}; they were told {}.", utc_text(promise.aim), utc_text(promise.told)))
        ));
        lines.push("CATEGORIES:Promise".to_string());
        lines.push("END:VEVENT".to_string());
    }
    for (id, name, birthday) in feed.birthdays {
        lines.push("BEGIN:VEVENT".to_string());
        lines.push(format!("UID:birthday-{id}@{}", feed.host));
        lines.push(stamp.clone());
        lines.push(format!("DTSTART;VALUE=DATE:{}", birthday.strftime("%Y%m%d")));
        lines.push(format!("DTEND;VALUE=DATE:{}", birthday.tomorrow().unwrap_or(*birthday).strftime("%Y%m%d")));
        lines.push(yearly_rule(*birthday).to_string());
        lines.push(format!("SUMMARY:{}", escape(&format!("{name}'s birthday"))));
        lines.push("TRANSP:TRANSPARENT".to_string());
        lines.push("CATEGORIES:Birthday".to_string());
        lines.push("END:VEVENT".to_string());
    }
    lines.push("END:VCALENDAR".to_string());
    let mut text = String::new();
    for line in &lines {
        fold(line, &mut text);
    }
    text
}

/// The rule of a yearly all-day event from `day`. A 29 February birthday
/// would be skipped in common years by a plain `FREQ=YEARLY` (RFC 5545 drops
/// invalid dates), so it falls on the last day of February: the 28th in
/// common years, the 29th in leap years.
fn yearly_rule(day: Date) -> &'static str {
    if day.month() == 2 && day.day() == 29 { "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1" } else { "RRULE:FREQ=YEARLY" }
}

fn follow_up_event(lines: &mut Vec<String>, follow_up: &FollowUp, contact_name: &str, stamp: &str, host: &str) {
    lines.push("BEGIN:VEVENT".to_string());
    lines.push(format!("UID:follow-up-{}@{host}", follow_up.id));
    // A snooze is a new revision of the same event.
    lines.push(format!("SEQUENCE:{}", follow_up.snoozes));
    lines.push(stamp.to_string());
    if follow_up.due.is_all_day() {
        let day = follow_up.due.date;
        lines.push(format!("DTSTART;VALUE=DATE:{}", day.strftime("%Y%m%d")));
        lines.push(format!("DTEND;VALUE=DATE:{}", day.tomorrow().unwrap_or(day).strftime("%Y%m%d")));
        lines.push("TRANSP:TRANSPARENT".to_string());
    } else {
        let start = follow_up.due.instant();
        lines.push(format!("DTSTART:{}", utc(start)));
        lines.push(format!("DTEND:{}", utc(start + SignedDuration::from_mins(30))));
    }
    let what = if follow_up.purpose.is_empty() { String::new() } else { format!(": {}", follow_up.purpose) };
    lines.push(format!("SUMMARY:{}", escape(&format!("{} {contact_name}{what}", verb(follow_up)))));
    lines.push(format!("CATEGORIES:{}", escape(follow_up.channel.as_str())));
    lines.push("END:VEVENT".to_string());
}

fn verb(follow_up: &FollowUp) -> &'static str {
    use tickler_core::touch::Channel;
    match follow_up.channel {
        Channel::Call | Channel::Voicemail => "Call",
        Channel::Email => "Email",
        Channel::Text => "Text",
        Channel::Meeting | Channel::Visit => "Meet",
        _ => "Follow up with",
    }
}

fn utc(instant: Timestamp) -> String {
    instant.strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn utc_text(instant: Timestamp) -> String {
    instant.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// Escape a TEXT value (RFC 5545 §3.3.11).
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            ';' => escaped.push_str("\\;"),
            ',' => escaped.push_str("\\,"),
            '\n' => escaped.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// Append `line` folded at 75 octets without splitting a character (RFC 5545 §3.1).
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// `GET /calendar/<secret>.ics`: no session needed, the secret is the key.
pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> Result<Response> {
    let secret = file.strip_suffix(".ics").unwrap_or(&file);
    let now = state.now();
    let records = tickler_app::calendar::feed(&state.app, secret, now).await?;
    let body = render(&Feed {
        follow_ups: &records.follow_ups,
        promises: &records.promises,
        birthdays: &records.birthdays,
        now,
        host: "tickler",
    });
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8"), (header::CACHE_CONTROL, "private, max-age=300")],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_on_character_boundaries() {
        let mut out = String::new();
        fold(&format!("SUMMARY:{}", "é".repeat(60)), &mut out);
        for line in out.split("\r\n").filter(|line| !line.is_empty()) {
            assert!(line.len() <= 75, "{line:?}");
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{}\r\n", "é".repeat(60)));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
    }
}

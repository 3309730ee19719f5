//! Text rendering shared by the commands; JSON goes through serde.

use jiff::{Timestamp, ZonedDateTime};
use serde::Serialize;
use tickler_core::agenda::{ago, time_left};
use tickler_core::contact::Contact;
use tickler_core::follow_up::FollowUp;
use tickler_core::promise::Promise;

use crate::failure::{Failure, Outcome};

/// Print a line on standard output; a reader that went away (`tickler today | head`)
/// ends the command quietly instead of a panic.
macro_rules! say {
    () => { $crate::render::write_line(format_args!(""))? };
    ($($arg:tt)*) => { $crate::render::write_line(format_args!($($arg)*))? };
}

/// Write one line to standard output.
pub fn write_line(text: std::fmt::Arguments<'_>) -> Outcome {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_fmt(text).and_then(|()| out.write_all(b"\n")).map_err(Failure::from)
}

/// Print a value as pretty JSON on standard output.
pub fn json<T: Serialize + ?Sized>(value: &T) -> Outcome {
    say!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// "Ann Lee (Acme)" with the id.
pub fn contact_line(contact: &Contact) -> String {
    let mut line = format!("{:>5}  {}", contact.id, contact.name());
    if let Some(organisation) = &contact.details.organisation {
        line.push_str(&format!(" ({organisation})"));
    }
    if let Some(email) = contact.details.emails.first() {
        line.push_str(&format!("  <{}>", email.as_str()));
    }
    if !contact.details.tags.is_empty() {
        let tags: Vec<String> = contact.details.tags.iter().map(|tag| format!("#{}", tag.as_str())).collect();
        line.push_str(&format!("  {}", tags.join(" ")));
    }
    if contact.consent.state != tickler_core::consent::ConsentState::Active {
        line.push_str(&format!("  [{}]", contact.consent.state.as_str()));
    }
    line
}

/// Every field of a contact, one per line.
pub fn contact_details(contact: &Contact) -> String {
    let mut lines = vec![format!("{} (id {})", contact.name(), contact.id)];
    let mut field = |label: &str, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            lines.push(format!("  {label:<13}{value}"));
        }
    };
    let join = |items: Vec<&str>| Some(items.join(", "));
    field("organisation", contact.details.organisation.clone());
    field("email", join(contact.details.emails.iter().map(|e| e.as_str()).collect()));
    field("phone", join(contact.details.phones.iter().map(|p| p.as_str()).collect()));
    for address in &contact.details.addresses {
        let label = address.label.as_deref().map(|label| format!(" ({label})")).unwrap_or_default();
        field("address", Some(format!("{}{label}", address.one_line())));
    }
    field("tags", join(contact.details.tags.iter().map(|t| t.as_str()).collect()));
    field("stage", contact.details.stage.map(|s| s.as_str().to_string()));
    field("time zone", contact.details.zone.as_ref().map(|z| z.as_str().to_string()));
    field("birthday", contact.details.birthday.map(tickler_core::contact::birthday_display));
    field("source", contact.details.source.clone());
    field("referred by", contact.details.referred_by.map(|id| format!("contact {id}")));
    field("channel", contact.details.preferred_channel.map(|c| c.as_str().to_string()));
    let consent = match contact.consent.until {
        Some(until) => format!("{} until {until}", contact.consent.state.as_str()),
        None => contact.consent.state.as_str().to_string(),
    };
    field("consent", Some(consent));
    field("pacing", contact.details.pacing_gap_days.map(|days| format!("at least {days} days between touches")));
    field("cadence", contact.details.cadence.map(|cadence| cadence.display()));
    field("notes", Some(contact.details.notes.clone()));
    lines.join("\n")
}

/// "#12 2026-11-26 call: send the proposal".
pub fn follow_up_line(follow_up: &FollowUp) -> String {
    let purpose = if follow_up.purpose.is_empty() { String::new() } else { format!(": {}", follow_up.purpose) };
    let agreed = if follow_up.agreed { " (they asked for it)" } else { "" };
    format!("#{} {} {}{purpose}{agreed}", follow_up.id, follow_up.due.display(), follow_up.channel.as_str())
}

/// A promise with its deadlines in the user's zone and the time left.
pub fn promise_line(promise: &Promise, contact_name: &str, now: &ZonedDateTime) -> String {
    let zone = now.time_zone().clone();
    let local = |instant: Timestamp| instant.to_zoned_datetime(zone.clone()).strftime("%a %Y-%m-%d %H:%M").to_string();
    let risk = if promise.is_at_risk(now.timestamp()) { "  AT RISK" } else { "" };
    format!(
        "#{} {contact_name}: {}  (aim {}, told {}; {}){risk}",
        promise.id,
        promise.what,
        local(promise.aim),
        local(promise.told),
        deadline_words(promise.told, now.timestamp()),
    )
}

fn deadline_words(told: Timestamp, now: Timestamp) -> String {
    if told > now { format!("due {}", time_left(told, now)) } else { format!("deadline passed {}", ago(told, now)) }
}

/// An instant shown in the user's zone.
pub fn local_time(instant: Timestamp, now: &ZonedDateTime) -> String {
    instant.to_zoned_datetime(now.time_zone().clone()).strftime("%Y-%m-%d %H:%M").to_string()
}

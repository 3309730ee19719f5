//! What a typed date phrase means for the actor, for the preview beside a date field.

use serde::Serialize;
use tickler_core::intake;
use tickler_core::when::Resolved;

use crate::Actor;
use crate::error::Result;

/// What a date phrase means for this user.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WhenPreview {
    pub phrase: String,
    /// The day, YYYY-MM-DD.
    pub date: String,
    /// The wall time, HH:MM, when the phrase names one.
    pub time: Option<String>,
    /// The user's zone it is read in.
    pub zone: String,
    /// For a person: "Tue 1 Dec 2026, 15:00".
    pub display: String,
    /// The instant it starts, RFC 3339.
    pub starts_at: String,
    /// How the phrase was read, when that was a choice or a correction:
    /// "the Friday of next week; say 'this friday' for Fri 4 Dec".
    pub notes: Vec<String>,
    /// Other days an ambiguous phrase could mean: "Sat 3 Apr 2027 (day first)".
    pub alternatives: Vec<String>,
    /// The notes and alternatives in one line for a person ("" when none).
    pub explanation: String,
}

/// Read a date phrase typed into `field` for a preview.
pub fn preview(actor: &Actor, field: &'static str, phrase: &str) -> Result<WhenPreview> {
    let reading = intake::explain(field, phrase, &actor.when_context())?;
    let resolved = reading.resolved;
    let zone = &actor.zone;
    let (date, time) = match &resolved {
        Resolved::Day(day) => (*day, None),
        Resolved::Moment(moment) => {
            let local = moment.with_time_zone(zone.time_zone());
            (local.date(), Some(local.time()))
        }
    };
    let display = match time {
        Some(time) => format!("{}, {}", date.strftime("%a %-d %b %Y"), time.strftime("%H:%M")),
        None => format!("{} (all day)", date.strftime("%a %-d %b %Y")),
    };
    let alternatives: Vec<String> = reading
        .alternatives
        .iter()
        .map(|other| format!("{} ({})", other.date.strftime("%a %-d %b %Y"), other.reading))
        .collect();
    // The notes already name the other reading of an ambiguous date.
    Ok(WhenPreview {
        explanation: reading.notes.join("; "),
        notes: reading.notes,
        alternatives,
        phrase: phrase.to_string(),
        date: date.to_string(),
        time: time.map(|time| time.strftime("%H:%M").to_string()),
        zone: zone.as_str().to_string(),
        display,
        starts_at: resolved.start_instant(&zone.time_zone()).to_string(),
    })
}

//! Conversions between domain values and their stored form: instants as
//! seconds since the epoch (UTC), dates and times as ISO text.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use sqlx::Row;
use sqlx::any::AnyRow;
use tickler_core::contact::ZoneName;
use tickler_core::follow_up::Due;

use crate::error::{Error, Result};

/// An instant as stored.
pub fn seconds(instant: Timestamp) -> i64 {
    instant.as_second()
}

/// Read a stored instant.
pub fn instant(row: &AnyRow, column: &str) -> Result<Timestamp> {
    let seconds: i64 = row.try_get(column)?;
    Timestamp::from_second(seconds).map_err(|error| corrupt(column, error))
}

/// Read a stored optional instant.
pub fn optional_instant(row: &AnyRow, column: &str) -> Result<Option<Timestamp>> {
    let seconds: Option<i64> = row.try_get(column)?;
    seconds.map(|s| Timestamp::from_second(s).map_err(|error| corrupt(column, error))).transpose()
}

/// Read a stored optional date.
pub fn optional_date(row: &AnyRow, column: &str) -> Result<Option<Date>> {
    let text: Option<String> = row.try_get(column)?;
    text.map(|t| t.parse::<Date>().map_err(|error| corrupt(column, error))).transpose()
}

/// A time as stored (`HH:MM:SS`).
pub fn time_text(time: Time) -> String {
    time.strftime("%H:%M:%S").to_string()
}

/// Read a stored optional time.
pub fn optional_time(row: &AnyRow, column: &str) -> Result<Option<Time>> {
    let text: Option<String> = row.try_get(column)?;
    text.map(|t| t.parse::<Time>().map_err(|error| corrupt(column, error))).transpose()
}

/// Read a stored text through a domain parser.
pub fn parsed<T>(row: &AnyRow, column: &str, parse: impl Fn(&str) -> tickler_core::Result<T>) -> Result<T> {
    let text: String = row.try_get(column)?;
    parse(&text).map_err(|error| corrupt(column, error))
}

/// Read a stored optional text through a domain parser.
pub fn optional_parsed<T>(
    row: &AnyRow,
    column: &str,
    parse: impl Fn(&str) -> tickler_core::Result<T>,
) -> Result<Option<T>> {
    let text: Option<String> = row.try_get(column)?;
    text.map(|t| parse(&t).map_err(|error| corrupt(column, error))).transpose()
}

/// Read a due stored as `{prefix}_date`, `{prefix}_time`, `{prefix}_zone`.
pub fn due(row: &AnyRow, prefix: &str) -> Result<Due> {
    let date_column = format!("{prefix}_date");
    let date = optional_date(row, &date_column)?.ok_or_else(|| corrupt(&date_column, "missing"))?;
    Ok(Due {
        date,
        time: optional_time(row, &format!("{prefix}_time"))?,
        zone: parsed(row, &format!("{prefix}_zone"), ZoneName::parse)?,
    })
}

/// A due's three stored columns: date, optional time, zone.
pub fn due_columns(due: &Due) -> (String, Option<String>, String) {
    (due.date.to_string(), due.time.map(time_text), due.zone.as_str().to_string())
}

fn corrupt(column: &str, error: impl std::fmt::Display) -> Error {
    Error::Corrupt(format!("{column}: {error}"))
}

//! Conversions between domain values and their stored form: instants as
//! seconds since the epoch (UTC), dates and times as ISO text. A row is read
//! through [`Columns`], so one reader of a record serves the `Any` driver's
//! rows and the native ones of the fast reads (see [`crate::reads`]).

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use sqlx::Row;
use sqlx::any::AnyRow;
use tickler_core::contact::ZoneName;
use tickler_core::follow_up::Due;

use crate::error::{Error, Result};

/// A row's columns by name, as the store stores values: integers and text,
/// either of them possibly NULL.
pub trait Columns {
    /// An integer column (`NULL`: `None`).
    fn optional_int(&self, column: &str) -> Result<Option<i64>>;
    /// A text column (`NULL`: `None`).
    fn optional_text(&self, column: &str) -> Result<Option<String>>;

    /// An integer column that must not be `NULL`.
    fn int(&self, column: &str) -> Result<i64> {
        self.optional_int(column)?.ok_or_else(|| corrupt(column, "missing"))
    }

    /// A text column that must not be `NULL`.
    fn text(&self, column: &str) -> Result<String> {
        self.optional_text(column)?.ok_or_else(|| corrupt(column, "missing"))
    }

    /// A flag stored as an integer (0 is false); `NULL` is false.
    fn flag(&self, column: &str) -> Result<bool> {
        Ok(self.optional_int(column)?.is_some_and(|value| value != 0))
    }
}

/// A row read with some columns under other names (`names`: asked, stored), for
/// a record whose columns another record's took in the same statement.
pub(crate) struct Renamed<'a, R: ?Sized> {
    pub row: &'a R,
    pub names: &'a [(&'a str, &'a str)],
}

impl<R: Columns + ?Sized> Renamed<'_, R> {
    fn name<'c>(&'c self, column: &'c str) -> &'c str {
        self.names.iter().find(|(asked, _)| *asked == column).map_or(column, |(_, stored)| stored)
    }
}

impl<R: Columns + ?Sized> Columns for Renamed<'_, R> {
    fn optional_int(&self, column: &str) -> Result<Option<i64>> {
        self.row.optional_int(self.name(column))
    }

    fn optional_text(&self, column: &str) -> Result<Option<String>> {
        self.row.optional_text(self.name(column))
    }
}

impl Columns for AnyRow {
    fn optional_int(&self, column: &str) -> Result<Option<i64>> {
        Ok(self.try_get(column)?)
    }

    fn optional_text(&self, column: &str) -> Result<Option<String>> {
        Ok(self.try_get(column)?)
    }
}

/// An instant as stored.
pub fn seconds(instant: Timestamp) -> i64 {
    instant.as_second()
}

/// Read a stored instant.
pub fn instant<R: Columns + ?Sized>(row: &R, column: &str) -> Result<Timestamp> {
    let seconds = row.int(column)?;
    Timestamp::from_second(seconds).map_err(|error| corrupt(column, error))
}

/// Read a stored optional instant.
pub fn optional_instant<R: Columns + ?Sized>(row: &R, column: &str) -> Result<Option<Timestamp>> {
    let seconds = row.optional_int(column)?;
    seconds.map(|s| Timestamp::from_second(s).map_err(|error| corrupt(column, error))).transpose()
}

/// Read a stored optional date.
pub fn optional_date<R: Columns + ?Sized>(row: &R, column: &str) -> Result<Option<Date>> {
    let text = row.optional_text(column)?;
    text.map(|t| t.parse::<Date>().map_err(|error| corrupt(column, error))).transpose()
}

/// A time as stored (`HH:MM:SS`).
pub fn time_text(time: Time) -> String {
    time.strftime("%H:%M:%S").to_string()
}

/// Read a stored optional time.
pub fn optional_time<R: Columns + ?Sized>(row: &R, column: &str) -> Result<Option<Time>> {
    let text = row.optional_text(column)?;
    text.map(|t| t.parse::<Time>().map_err(|error| corrupt(column, error))).transpose()
}

/// Read a stored text through a domain parser.
pub fn parsed<T, R: Columns + ?Sized>(
    row: &R,
    column: &str,
    parse: impl Fn(&str) -> tickler_core::Result<T>,
) -> Result<T> {
    let text = row.text(column)?;
    parse(&text).map_err(|error| corrupt(column, error))
}

/// Read a stored optional text through a domain parser.
pub fn optional_parsed<T, R: Columns + ?Sized>(
    row: &R,
    column: &str,
    parse: impl Fn(&str) -> tickler_core::Result<T>,
) -> Result<Option<T>> {
    let text = row.optional_text(column)?;
    text.map(|t| parse(&t).map_err(|error| corrupt(column, error))).transpose()
}

/// Read a due stored as `due_date`, `due_time`, `due_zone`.
pub fn due<R: Columns + ?Sized>(row: &R) -> Result<Due> {
    let date = optional_date(row, "due_date")?.ok_or_else(|| corrupt("due_date", "missing"))?;
    Ok(Due { date, time: optional_time(row, "due_time")?, zone: parsed(row, "due_zone", ZoneName::parse)? })
}

/// A due's three stored columns: date, optional time, zone.
pub fn due_columns(due: &Due) -> (String, Option<String>, String) {
    (due.date.to_string(), due.time.map(time_text), due.zone.as_str().to_string())
}

pub(crate) fn corrupt(column: &str, error: impl std::fmt::Display) -> Error {
    Error::Corrupt(format!("{column}: {error}"))
}

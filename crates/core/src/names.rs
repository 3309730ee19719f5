//! Reading the stored and typed names of the domain's enums (`not-now`,
//! `meeting-booked`): one forgiving parser that every enum's `parse` uses.

use crate::error::{Error, Result};

/// Pick a named value from a fixed list, with an error listing the choices.
pub(crate) fn parse_named<T: Copy>(
    field: &'static str,
    raw: &str,
    all: &[T],
    name: impl Fn(T) -> &'static str,
) -> Result<T> {
    let wanted = raw.trim().to_lowercase().replace(['_', ' '], "-");
    all.iter().copied().find(|value| name(*value) == wanted).ok_or_else(|| {
        let choices: Vec<&str> = all.iter().map(|value| name(*value)).collect();
        Error::invalid(field, format!("unknown {field} \"{}\"; choose one of: {}", raw.trim(), choices.join(", ")))
    })
}

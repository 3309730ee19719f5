//! What the phrases a person types into a form or a command mean: a
//! follow-up's due, a promise's aim and deadline, when to ask again after
//! "not now". One reading for the CLI, the pages and the API alike.

use jiff::ZonedDateTime;
use jiff::civil::Date;

use crate::contact::ZoneName;
use crate::error::{Error, Result};
use crate::follow_up::{Due, ensure_snooze_in_future};
use crate::promise::propose_told;
use crate::touch::Outcome;
use crate::when::{self, Context, Resolved};

/// When to ask again after a "not now", unless told.
pub const DEFAULT_RE_ASK: &str = "in 3 months";

/// Resolve `phrase`, typed into `field`, naming the field when it does not read.
pub fn resolve(field: &'static str, phrase: &str, context: &Context) -> Result<Resolved> {
    when::resolve(phrase, context).map_err(|error| Error::invalid(field, error.to_string()))
}

/// Resolve `phrase` as [`resolve`] does, and say how it was read.
pub fn explain(field: &'static str, phrase: &str, context: &Context) -> Result<when::Reading> {
    when::explain(phrase, context).map_err(|error| Error::invalid(field, error.to_string()))
}

/// A follow-up's due from a phrase: in `zone` (the user's), and in the future.
pub fn future_due(field: &'static str, phrase: &str, context: &Context, zone: &ZoneName) -> Result<Due> {
    let due = Due::from_resolved(&resolve(field, phrase, context)?, zone);
    ensure_snooze_in_future(&due, &context.now).map_err(|_| {
        Error::invalid(field, format!("\"{phrase}\" ({}) is in the past; give a future day or time", due.display()))
    })?;
    Ok(due)
}

/// The day to ask again after a "not now": told (`until`) or the default; only with a "not now".
pub fn re_ask(outcome: Option<Outcome>, until: Option<&str>, context: &Context) -> Result<Option<Date>> {
    match (until, outcome) {
        (Some(phrase), Some(Outcome::NotNow)) => Ok(Some(re_ask_day(phrase, context)?)),
        (Some(_), _) => Err(Error::invalid("until", "only applies with --outcome not-now (when to ask again)")),
        (None, Some(Outcome::NotNow)) => Ok(Some(re_ask_day(DEFAULT_RE_ASK, context)?)),
        (None, _) => Ok(None),
    }
}

/// The day `phrase` names, which must be after today.
pub fn re_ask_day(phrase: &str, context: &Context) -> Result<Date> {
    let day = match resolve("until", phrase, context)? {
        Resolved::Day(day) => day,
        Resolved::Moment(moment) => moment.date(),
    };
    if day <= context.now.date() {
        return Err(Error::invalid(
            "until",
            format!("\"{phrase}\" is not in the future; give when to ask again, e.g. \"in 3 months\""),
        ));
    }
    Ok(day)
}

/// A promise's aim (your own target) and told deadline (what the contact
/// heard). Either may be left out: no told deadline gets one with slack
/// ([`propose_told`]); no aim aims at the told deadline. A day means its end
/// of working day. The told deadline must be in the future.
pub fn promise_deadlines(
    aim: Option<&str>,
    told: Option<&str>,
    context: &Context,
) -> Result<(ZonedDateTime, ZonedDateTime)> {
    let zone = context.now.time_zone().clone();
    let moment = |field: &'static str, phrase: &str| -> Result<ZonedDateTime> {
        Ok(match resolve(field, phrase, context)? {
            Resolved::Moment(moment) => moment.with_time_zone(zone.clone()),
            Resolved::Day(day) => day
                .to_datetime(context.work_week.end)
                .to_zoned_datetime(zone.clone())
                .map_err(|e| Error::invalid(field, e.to_string()))?,
        })
    };
    let (aim, told) = match (non_blank(aim), non_blank(told)) {
        (Some(aim), Some(told)) => (moment("aim", aim)?, moment("told", told)?),
        (Some(aim), None) => {
            let aim = moment("aim", aim)?;
            let told = propose_told(&aim, &context.now, &context.work_week);
            (aim, told)
        }
        (None, Some(told)) => {
            let told = moment("told", told)?;
            (told.clone(), told)
        }
        (None, None) => {
            return Err(Error::invalid(
                "aim",
                "give --aim (your target, e.g. \"in 1 hour\") or --told (the deadline you gave)",
            ));
        }
    };
    if told.timestamp() <= context.now.timestamp() {
        return Err(Error::invalid(
            "told",
            format!("{} is already past; promise a future deadline", told.strftime("%Y-%m-%d %H:%M")),
        ));
    }
    Ok((aim, told))
}

/// `text` unless it is missing or only spaces (an empty form field).
pub fn non_blank(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|text| !text.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> Context {
        Context::new("2026-11-24T10:00:00-05:00[America/New_York]".parse().unwrap())
    }

    #[test]
    fn a_past_due_names_its_field() {
        let error = future_due("when", "yesterday", &context(), &ZoneName::parse("America/New_York").unwrap());
        assert!(error.unwrap_err().to_string().starts_with("when: \"yesterday\""));
    }

    #[test]
    fn not_now_gets_a_default_re_ask() {
        let day = re_ask(Some(Outcome::NotNow), None, &context()).unwrap().unwrap();
        assert_eq!(day.to_string(), "2027-02-24");
        assert!(re_ask(Some(Outcome::Replied), Some("in 2 days"), &context()).is_err());
    }

    #[test]
    fn a_promise_without_told_gets_slack() {
        let (aim, told) = promise_deadlines(Some("in 2 hours"), None, &context()).unwrap();
        assert!(told.timestamp() > aim.timestamp());
        assert!(promise_deadlines(None, None, &context()).unwrap_err().to_string().starts_with("aim:"));
        assert!(promise_deadlines(None, Some("yesterday"), &context()).unwrap_err().to_string().starts_with("told:"));
    }
}

//! The account's settings: zone, working week, pacing gap, date order.

use jiff::civil::Time;
use serde::Deserialize;
use tickler_core::account::{Account, Settings};
use tickler_core::contact::ZoneName;
use tickler_core::when::DateOrder;

use crate::error::{Error, Result};
use crate::{Actor, App};

/// The longest default pacing gap, in days.
pub const MAX_PACING_DAYS: u32 = 365;

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The account's settings; fields left out keep their value.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SettingsInput {
    pub zone: Option<String>,
    /// HH:MM
    pub work_start: Option<String>,
    /// HH:MM
    pub work_end: Option<String>,
    /// Working days, e.g. ["mon","tue","wed","thu","fri"]; an item may be a range ("mon-fri") or a list ("mon,wed").
    pub work_days: Option<Vec<String>>,
    pub pacing_gap_days: Option<u32>,
    /// How numeric dates are read: "mdy", "dmy" or "ymd"; "zone" (or "") follows the zone's country.
    pub date_order: Option<String>,
}

impl SettingsInput {
    /// Whether anything is to change.
    pub fn is_empty(&self) -> bool {
        self.zone.is_none()
            && self.work_start.is_none()
            && self.work_end.is_none()
            && self.work_days.is_none()
            && self.pacing_gap_days.is_none()
            && self.date_order.is_none()
    }

    /// The settings after applying the given fields.
    pub fn apply(&self, mut settings: Settings) -> Result<Settings> {
        if let Some(zone) = &self.zone {
            settings.zone = ZoneName::parse(zone).map_err(|e| Error::from(e).renamed("tz", "zone"))?;
        }
        if let Some(start) = &self.work_start {
            settings.work_week.start = clock_time("work_start", start)?;
        }
        if let Some(end) = &self.work_end {
            settings.work_week.end = clock_time("work_end", end)?;
        }
        if settings.work_week.end <= settings.work_week.start {
            let span = format!(
                "({}–{})",
                settings.work_week.start.strftime("%H:%M"),
                settings.work_week.end.strftime("%H:%M")
            );
            return Err(match (&self.work_start, &self.work_end) {
                (Some(_), None) => {
                    Error::invalid("work_start", format!("must be before the end of the working day {span}"))
                }
                _ => Error::invalid("work_end", format!("must be after the start of the working day {span}")),
            });
        }
        if let Some(days) = &self.work_days {
            settings.work_week.days = work_days(days)?;
        }
        if let Some(order) = &self.date_order {
            settings.date_order = match order.trim() {
                "" | "zone" | "auto" => None,
                text => Some(DateOrder::parse(text).map_err(|_| {
                    Error::invalid(
                        "date_order",
                        format!("\"{text}\" is not a date order; use mdy, dmy or ymd, or zone to follow the time zone"),
                    )
                })?),
            };
        }
        if let Some(gap) = self.pacing_gap_days {
            if gap > MAX_PACING_DAYS {
                return Err(Error::invalid("pacing_gap_days", format!("at most {MAX_PACING_DAYS}")));
            }
            settings.pacing_gap_days = gap;
        }
        Ok(settings)
    }
}

/// Change the account's settings.
pub async fn update(app: &App, actor: &Actor, input: &SettingsInput) -> Result<Account> {
    let settings = input.apply(actor.account.settings.clone())?;
    Ok(app.store.update_settings(actor.account_id(), &settings).await?)
}

/// A time of day: "09:00", "9:30".
fn clock_time(field: &'static str, text: &str) -> Result<Time> {
    let text = text.trim();
    let padded =
        if text.len() == 4 && text.as_bytes().get(1) == Some(&b':') { format!("0{text}") } else { text.to_string() };
    padded
        .parse::<Time>()
        .map_err(|_| Error::invalid(field, format!("\"{text}\" is not a time of day; use HH:MM, e.g. 09:00")))
}

/// Working days from items such as "mon", "mon-fri", "sun-thu" or "mon,tue,thu".
fn work_days(items: &[String]) -> Result<[bool; 7]> {
    let index = |name: &str| {
        let name = name.trim().to_lowercase();
        DAY_NAMES.iter().position(|day| !name.is_empty() && name.starts_with(day)).ok_or_else(|| {
            Error::invalid("work_days", format!("\"{name}\" is not a day; use mon … sun, e.g. mon-fri or mon,tue,thu"))
        })
    };
    let mut days = [false; 7];
    for part in items.iter().flat_map(|item| item.split(',')).filter(|part| !part.trim().is_empty()) {
        match part.split_once('-') {
            Some((from, to)) => {
                let (from, to) = (index(from)?, index(to)?);
                let mut day = from;
                loop {
                    days[day] = true;
                    if day == to {
                        break;
                    }
                    day = (day + 1) % 7;
                }
            }
            None => days[index(part)?] = true,
        }
    }
    if !days.contains(&true) {
        return Err(Error::invalid("work_days", "choose at least one working day, e.g. mon-fri"));
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(text: &[&str]) -> Vec<String> {
        text.iter().map(|item| item.to_string()).collect()
    }

    #[test]
    fn day_ranges_wrap_around_the_week() {
        assert_eq!(work_days(&items(&["mon-fri"])).unwrap(), [true, true, true, true, true, false, false]);
        assert_eq!(work_days(&items(&["sun-thu"])).unwrap(), [true, true, true, true, false, false, true]);
        assert_eq!(work_days(&items(&["mon,wed"])).unwrap(), [true, false, true, false, false, false, false]);
        assert_eq!(work_days(&items(&["Monday", "wed"])).unwrap(), [true, false, true, false, false, false, false]);
        assert_eq!(work_days(&items(&["funday"])).unwrap_err().field, Some("work_days"));
        assert_eq!(work_days(&items(&[])).unwrap_err().field, Some("work_days"));
    }

    #[test]
    fn clock_times_accept_short_hours() {
        assert_eq!(clock_time("x", "9:30").unwrap(), Time::constant(9, 30, 0, 0));
        assert!(clock_time("x", "25:00").is_err());
    }

    #[test]
    fn a_day_that_ends_before_it_starts_names_the_field_changed() {
        let settings = Settings::new(ZoneName::utc());
        let late_start = SettingsInput { work_start: Some("19:00".into()), ..Default::default() };
        assert_eq!(late_start.apply(settings.clone()).unwrap_err().field, Some("work_start"));
        let early_end = SettingsInput { work_end: Some("06:00".into()), ..Default::default() };
        assert_eq!(early_end.apply(settings.clone()).unwrap_err().field, Some("work_end"));
        let too_long = SettingsInput { pacing_gap_days: Some(400), ..Default::default() };
        assert_eq!(too_long.apply(settings).unwrap_err().field, Some("pacing_gap_days"));
    }

    #[test]
    fn the_date_order_is_chosen_or_follows_the_zone() {
        let settings = Settings::new(ZoneName::parse("Europe/London").unwrap());
        assert_eq!(settings.date_order(), DateOrder::Dmy);
        let us = SettingsInput { date_order: Some("MDY".into()), ..Default::default() };
        let chosen = us.apply(settings.clone()).unwrap();
        assert_eq!((chosen.date_order, chosen.date_order()), (Some(DateOrder::Mdy), DateOrder::Mdy));
        let back = SettingsInput { date_order: Some("zone".into()), ..Default::default() };
        assert_eq!(back.apply(chosen).unwrap().date_order, None);
        let wrong = SettingsInput { date_order: Some("dym".into()), ..Default::default() };
        let error = wrong.apply(settings).unwrap_err();
        assert_eq!(error.field, Some("date_order"));
    }
}

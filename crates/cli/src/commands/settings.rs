//! `settings`: show or change the account's zone, working week and pacing gap.

use jiff::civil::Time;
use tickler_core::Error;
use tickler_core::contact::ZoneName;

use crate::app::App;
use crate::args::SettingsArgs;
use crate::failure::Outcome;
use crate::render;

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

pub async fn run(app: &App, args: SettingsArgs) -> Outcome {
    let mut settings = app.account.settings.clone();
    let changing = args.zone.is_some()
        || args.pacing.is_some()
        || args.work_start.is_some()
        || args.work_end.is_some()
        || args.work_days.is_some();
    if let Some(zone) = &args.zone {
        settings.zone = ZoneName::parse(zone)?;
    }
    if let Some(days) = args.pacing {
        settings.pacing_gap_days = days;
    }
    if let Some(start) = &args.work_start {
        settings.work_week.start = parse_clock("work-start", start)?;
    }
    if let Some(end) = &args.work_end {
        settings.work_week.end = parse_clock("work-end", end)?;
    }
    if settings.work_week.start >= settings.work_week.end {
        let (field, message) = match args.work_end {
            Some(_) => ("work-end", "must be after the start of the working day"),
            None => ("work-start", "must be before the end of the working day"),
        };
        return Err(Error::invalid(
            field,
            format!(
                "{message} ({}–{})",
                settings.work_week.start.strftime("%H:%M"),
                settings.work_week.end.strftime("%H:%M")
            ),
        )
        .into());
    }
    if let Some(days) = &args.work_days {
        settings.work_week.days = parse_days(days)?;
    }
    let settings =
        if changing { app.store.update_settings(app.account_id(), &settings).await?.settings } else { settings };
    if app.json {
        return render::json(&settings);
    }
    let days: Vec<&str> =
        DAY_NAMES.iter().zip(settings.work_week.days).filter(|(_, on)| *on).map(|(name, _)| *name).collect();
    say!("time zone     {}", settings.zone.as_str());
    say!("working hours {}–{}", settings.work_week.start.strftime("%H:%M"), settings.work_week.end.strftime("%H:%M"));
    say!("work days     {}", days.join(", "));
    say!("pacing        at least {} days between touches of one contact", settings.pacing_gap_days);
    Ok(())
}

fn parse_clock(field: &'static str, text: &str) -> Result<Time, Error> {
    let text = text.trim();
    let padded = if text.len() == 4 { format!("0{text}") } else { text.to_string() };
    padded
        .parse::<Time>()
        .map_err(|_| Error::invalid(field, format!("\"{text}\" is not a time of day; use HH:MM, e.g. 09:00")))
}

/// "mon-fri", "mon,tue,thu", "sun-thu".
fn parse_days(text: &str) -> Result<[bool; 7], Error> {
    let index = |name: &str| {
        let name = name.trim().to_lowercase();
        DAY_NAMES.iter().position(|day| name.starts_with(day)).ok_or_else(|| {
            Error::invalid("work-days", format!("\"{name}\" is not a day; use e.g. mon-fri or mon,tue,thu"))
        })
    };
    let mut days = [false; 7];
    for part in text.split(',').filter(|part| !part.trim().is_empty()) {
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
    if !days.iter().any(|on| *on) {
        return Err(Error::invalid("work-days", "name at least one work day, e.g. mon-fri"));
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_ranges_wrap_around_the_week() {
        assert_eq!(parse_days("mon-fri").unwrap(), [true, true, true, true, true, false, false]);
        assert_eq!(parse_days("sun-thu").unwrap(), [true, true, true, true, false, false, true]);
        assert_eq!(parse_days("mon,wed").unwrap(), [true, false, true, false, false, false, false]);
        assert!(parse_days("funday").is_err());
    }

    #[test]
    fn clock_times_accept_short_hours() {
        assert_eq!(parse_clock("x", "9:30").unwrap(), Time::constant(9, 30, 0, 0));
        assert!(parse_clock("x", "25:00").is_err());
    }
}

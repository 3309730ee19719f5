//! `log`: record a touch.

use jiff::Timestamp;
use tickler_core::Error;
use tickler_core::touch::{Channel, Direction, Outcome as TouchOutcome, TouchDraft};
use tickler_core::when::Resolved;
use tickler_store::Logged;

use crate::app::App;
use crate::args::LogArgs;
use crate::failure::Outcome;
use crate::render;

/// How far ahead of the clock a touch's time may be (clock skew, "now" typed a bit late).
const FUTURE_SLACK_SECONDS: i64 = 300;

pub async fn log(app: &App, args: LogArgs) -> Outcome {
    let contact = app.store.find_contact(app.account_id(), &args.contact).await?;
    let channel = Channel::parse(&args.channel)?;
    let at = match &args.at {
        Some(phrase) => touch_time(app, phrase)?,
        None => app.now.timestamp(),
    };
    let mut draft = TouchDraft::new(contact.id, at, channel, &args.summary)?;
    draft.outcome = args.outcome.as_deref().map(TouchOutcome::parse).transpose()?;
    draft.direction = if args.inbound { Direction::In } else { Direction::Out };
    draft.re_ask = re_ask_for(app, draft.outcome, args.until.as_deref())?;
    let logged = app.store.log_touch(app.account_id(), &draft, app.now.timestamp()).await?;
    print_logged(app, contact.name(), &logged)
}

/// Print a recorded touch and its consent effect.
pub fn print_logged(app: &App, contact_name: &str, logged: &Logged) -> Outcome {
    if app.json {
        return render::json(logged);
    }
    let touch = &logged.touch;
    say!(
        "Logged {} {} with {contact_name} at {}{}",
        touch.direction.as_str(),
        touch.channel.as_str(),
        render::local_time(touch.at, &app.now),
        touch.outcome.map(|o| format!(" ({})", o.as_str())).unwrap_or_default()
    );
    if let Some(change) = &logged.consent {
        let until = change.until.map(|day| format!("; re-ask scheduled for {day}")).unwrap_or_default();
        say!("Consent is now {}{until}; open follow-ups were cancelled", change.state.as_str());
    }
    Ok(())
}

/// When a touch happened: a time as given; a past day at noon; today as now.
fn touch_time(app: &App, phrase: &str) -> Outcome<Timestamp> {
    let at = match app.resolve("at", phrase)? {
        Resolved::Moment(moment) => moment.timestamp(),
        Resolved::Day(day) if day == app.now.date() => app.now.timestamp(),
        Resolved::Day(day) => {
            day.at(12, 0, 0, 0).to_zoned_datetime(app.zone.time_zone()).map_or(app.now.timestamp(), |z| z.timestamp())
        }
    };
    if at.as_second() > app.now.timestamp().as_second() + FUTURE_SLACK_SECONDS {
        return Err(Error::invalid("at", format!("\"{phrase}\" is in the future; a touch records what already happened (schedule it with: tickler follow)")).into());
    }
    Ok(at)
}

/// The re-ask day a touch carries: `--until` when given, else in 3 months for a "not now".
pub fn re_ask_for(app: &App, outcome: Option<TouchOutcome>, until: Option<&str>) -> Outcome<Option<jiff::civil::Date>> {
    Ok(tickler_core::intake::re_ask(outcome, until, &app.when_context())?)
}

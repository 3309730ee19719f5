//! `log`: record a touch.

use tickler_app::Logged;
use tickler_app::touches::{self, TouchInput};

use crate::args::LogArgs;
use crate::context::Context;
use crate::failure::Outcome;
use crate::render;

pub async fn log(cx: &Context, args: LogArgs) -> Outcome {
    let contact = tickler_app::contacts::find(&cx.app, &cx.actor, &args.contact).await?;
    let input = TouchInput {
        channel: args.channel,
        summary: args.summary,
        outcome: args.outcome,
        direction: Some(if args.inbound { "in" } else { "out" }.to_string()),
        at: args.at,
        until: args.until,
    };
    let logged = touches::log(&cx.app, &cx.actor, contact.id, &input).await?;
    print_logged(cx, contact.name(), &logged)
}

/// Print a recorded touch and its consent effect.
pub fn print_logged(cx: &Context, contact_name: &str, logged: &Logged) -> Outcome {
    if cx.json {
        return render::json(logged);
    }
    let touch = &logged.touch;
    say!(
        "Logged {} {} with {contact_name} at {}{}",
        touch.direction.as_str(),
        touch.channel.as_str(),
        render::local_time(touch.at, &cx.now()),
        touch.outcome.map(|o| format!(" ({})", o.as_str())).unwrap_or_default()
    );
    if let Some(change) = &logged.consent {
        let until = change.until.map(|day| format!("; re-ask scheduled for {day}")).unwrap_or_default();
        say!("Consent is now {}{until}; open follow-ups were cancelled", change.state.as_str());
    }
    Ok(())
}

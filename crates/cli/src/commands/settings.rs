//! `settings`: show or change the account's zone, working week, pacing gap and date order.

use tickler_app::settings::{self, SettingsInput};

use crate::args::SettingsArgs;
use crate::context::Context;
use crate::failure::Outcome;
use crate::render;

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

pub async fn run(cx: &Context, args: SettingsArgs) -> Outcome {
    let input = SettingsInput {
        zone: args.zone,
        work_start: args.work_start,
        work_end: args.work_end,
        work_days: args.work_days.map(|days| vec![days]),
        pacing_gap_days: args.pacing,
        date_order: args.date_order,
    };
    let settings = match input.is_empty() {
        true => cx.actor.account.settings.clone(),
        false => settings::update(&cx.app, &cx.actor, &input).await?.settings,
    };
    if cx.json {
        return render::json(&settings);
    }
    let days: Vec<&str> =
        DAY_NAMES.iter().zip(settings.work_week.days).filter(|(_, on)| *on).map(|(name, _)| *name).collect();
    say!("time zone     {}", settings.zone.as_str());
    say!("working hours {}–{}", settings.work_week.start.strftime("%H:%M"), settings.work_week.end.strftime("%H:%M"));
    say!("work days     {}", days.join(", "));
    say!("pacing        at least {} days between touches of one contact", settings.pacing_gap_days);
    let order = settings.date_order();
    let origin = if settings.date_order.is_some() { "chosen" } else { "from the time zone" };
    say!("date order    {order} ({}, {origin}): 3/4/2027 is {}", order.describe(), example(order));
    Ok(())
}

/// How "3/4/2027" reads in `order`.
fn example(order: tickler_core::when::DateOrder) -> &'static str {
    match order {
        tickler_core::when::DateOrder::Dmy => "3 April 2027",
        _ => "4 March 2027",
    }
}

//! `settings`: show or change the account's zone, working week and pacing gap.

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
    Ok(())
}

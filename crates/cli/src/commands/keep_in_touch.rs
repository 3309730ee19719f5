//! `drifting`, `cadence`, `reconnect`: keeping in touch with the people one means to hear from.

use tickler_app::keep_in_touch::{self, DriftingQuery, Reconnect, ReconnectSnoozeInput, TagCadenceInput};

use crate::args::{CadenceArgs, DriftingArgs, ReconnectArgs};
use crate::context::Context;
use crate::failure::{Failure, Outcome};
use crate::render;

pub async fn drifting(cx: &Context, args: &DriftingArgs) -> Outcome {
    let drifting = keep_in_touch::drifting(&cx.app, &cx.actor, &DriftingQuery { days: Some(args.days) }).await?;
    if cx.json {
        return render::json(&drifting);
    }
    if drifting.overdue.is_empty() && drifting.soon.is_empty() {
        say!(
            "Nobody is drifting. Set a cadence with: tickler edit ann --cadence \"every 30 days\", or tickler cadence clients \"every quarter\""
        );
        return Ok(());
    }
    if !drifting.overdue.is_empty() {
        say!("Losing touch (past their cadence, most overdue first)");
        for item in &drifting.overdue {
            say!("  {}", line(item));
        }
    }
    if !drifting.soon.is_empty() {
        say!("Passing their cadence in the next {}", tickler_core::agenda::plural(args.days.into(), "day"));
        for item in &drifting.soon {
            say!("  {}", line(item));
        }
    }
    Ok(())
}

/// One drifting contact: who, the line, and by how much.
pub fn line(item: &Reconnect) -> String {
    let over = match item.days_over {
        n if n > 0 => format!("{n} days over"),
        0 => "due today".to_string(),
        n => format!("due in {} days", -n),
    };
    format!("#{:<6} {} · {over}", item.contact_id, item.line)
}

pub async fn cadence(cx: &Context, args: CadenceArgs) -> Outcome {
    let Some(tag) = args.tag else {
        let all = keep_in_touch::tag_cadences(&cx.app, &cx.actor).await?;
        if cx.json {
            return render::json(&all);
        }
        if all.is_empty() {
            say!("No tag has a cadence. Set one with: tickler cadence clients \"every quarter\"");
        }
        for item in &all {
            say!("{:<20} {}", item.tag.as_str(), item.cadence_text);
        }
        return Ok(());
    };
    if args.cadence.is_none() && !args.clear {
        return Err(Failure::Usage(
            "cadence: give how often (e.g. \"every quarter\"), or --clear to remove the tag's cadence".into(),
        ));
    }
    let input = TagCadenceInput { cadence: args.cadence };
    let set = keep_in_touch::set_tag_cadence(&cx.app, &cx.actor, &tag, &input).await?;
    if cx.json {
        return render::json(&set);
    }
    match set {
        Some(set) => say!("Everyone tagged {}: keep in touch {}", set.tag.as_str(), set.cadence_text),
        None => say!("The tag {} has no cadence now", tag.trim().to_lowercase()),
    }
    Ok(())
}

pub async fn reconnect(cx: &Context, args: ReconnectArgs) -> Outcome {
    let contact = tickler_app::contacts::find(&cx.app, &cx.actor, &args.contact).await?;
    let until =
        keep_in_touch::snooze(&cx.app, &cx.actor, contact.id, &ReconnectSnoozeInput { when: args.snooze }).await?;
    if cx.json {
        return render::json(&serde_json::json!({ "contact_id": contact.id, "snoozed_until": until }));
    }
    say!("Not reminding you to reconnect with {} until {}", contact.name(), render::local_time(until, &cx.now()));
    Ok(())
}

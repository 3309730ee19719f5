//! `promise`, `promises`, `kept`, `late`.

use tickler_app::promises::{self, PromiseInput, RunningLate, TellInput};
use tickler_core::ids::PromiseId;

use crate::args::{LateArgs, PromiseArgs};
use crate::context::Context;
use crate::failure::Outcome;
use crate::render;

pub async fn promise(cx: &Context, args: PromiseArgs) -> Outcome {
    let contact = tickler_app::contacts::find(&cx.app, &cx.actor, &args.contact).await?;
    let input = PromiseInput { what: args.what, aim: args.aim, told: args.told };
    let promise = promises::make(&cx.app, &cx.actor, contact.id, &input).await?;
    if cx.json {
        return render::json(&promise);
    }
    let zone = cx.actor.zone.time_zone();
    say!("Promise #{} to {}: {}", promise.id, contact.name(), promise.what);
    say!("  aim for   {}", promise.aim.to_zoned_datetime(zone.clone()).strftime("%a %Y-%m-%d %H:%M %Z"));
    say!("  tell them {}", promise.told.to_zoned_datetime(zone).strftime("%a %Y-%m-%d %H:%M %Z"));
    Ok(())
}

pub async fn list(cx: &Context) -> Outcome {
    let open = promises::open(&cx.app, &cx.actor).await?;
    if cx.json {
        return render::json(&open);
    }
    if open.is_empty() {
        say!("No open promises.");
    }
    let now = cx.now();
    for item in &open {
        say!("{}", render::promise_line(&item.promise, &item.contact_name, &now));
    }
    Ok(())
}

pub async fn kept(cx: &Context, id: i64) -> Outcome {
    let promise = promises::keep(&cx.app, &cx.actor, PromiseId::new(id)).await?;
    if cx.json {
        return render::json(&promise);
    }
    say!("Promise #{} {}: {}", promise.id, promise.state.as_str(), promise.what);
    Ok(())
}

/// `late ID`: the running-late draft; with `--send` or `--logged`, tell it.
pub async fn late(cx: &Context, args: LateArgs) -> Outcome {
    let id = PromiseId::new(args.id);
    if !args.send && !args.logged {
        let draft = promises::running_late(&cx.app, &cx.actor, id).await?;
        if cx.json {
            return render::json(&draft);
        }
        return print_draft(&draft);
    }
    let input = TellInput { told: args.told, subject: args.subject, body: args.body, send: Some(args.send) };
    let told = promises::tell(&cx.app, &cx.actor, id, &input).await?;
    if cx.json {
        return render::json(&told);
    }
    let zone = cx.actor.zone.time_zone();
    let deadline = told.promise.told.to_zoned_datetime(zone).strftime("%a %Y-%m-%d %H:%M %Z");
    match &told.sent_to {
        Some(to) => say!("Sent to {to}; promise #{} now due {deadline}.", told.promise.id),
        None => say!("Logged; promise #{} now due {deadline}.", told.promise.id),
    }
    Ok(())
}

/// A running-late draft as the agenda and `late` print it.
pub fn print_draft(draft: &RunningLate) -> Outcome {
    say!("    offer {} · send it: tickler late {} --send", draft.new_told_text, draft.promise_id);
    say!("    Subject: {}", draft.subject);
    for line in draft.body.lines() {
        say!("    | {line}");
    }
    Ok(())
}

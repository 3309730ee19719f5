//! `follow`, `done`, `snooze`, `skip`, `email`.

use tickler_app::follow_ups::{self, DoneInput, FollowUpInput, SnoozeInput};
use tickler_core::ids::FollowUpId;

use crate::args::{DoneArgs, EmailArgs, FollowArgs, SnoozeArgs};
use crate::commands::touches::print_logged;
use crate::context::Context;
use crate::failure::Outcome;
use crate::render;

pub async fn follow(cx: &Context, args: FollowArgs) -> Outcome {
    let contact = tickler_app::contacts::find(&cx.app, &cx.actor, &args.contact).await?;
    let input =
        FollowUpInput { when: args.when, channel: args.via, note: args.note, force: args.force, agreed: args.agreed };
    let scheduled = follow_ups::schedule(&cx.app, &cx.actor, contact.id, &input).await?;
    if cx.json {
        return render::json(&scheduled);
    }
    say!("Follow up with {}: {}", contact.name(), render::follow_up_line(&scheduled.follow_up));
    if let Some(warning) = &scheduled.pacing {
        say!("Note: {} (scheduled anyway with --force)", warning.message());
    }
    Ok(())
}

pub async fn done(cx: &Context, args: DoneArgs) -> Outcome {
    let input = DoneInput { note: args.log, outcome: args.outcome, channel: args.via, until: args.until };
    let done = follow_ups::complete(&cx.app, &cx.actor, FollowUpId::new(args.id), &input).await?;
    if cx.json {
        return render::json(&done);
    }
    say!("Done: {}", render::follow_up_line(&done.follow_up));
    if let Some(logged) = &done.touch {
        let contact = tickler_app::contacts::get(&cx.app, &cx.actor, done.follow_up.contact_id).await?;
        print_logged(cx, contact.name(), logged)?;
    }
    Ok(())
}

pub async fn snooze(cx: &Context, args: SnoozeArgs) -> Outcome {
    let snoozed =
        follow_ups::snooze(&cx.app, &cx.actor, FollowUpId::new(args.id), &SnoozeInput { when: args.when }).await?;
    if cx.json {
        return render::json(&snoozed);
    }
    let follow_up = &snoozed.follow_up;
    say!("Snoozed to {} ({} snoozes so far)", render::follow_up_line(follow_up), follow_up.snoozes);
    if let Some(warning) = &snoozed.pacing {
        say!("Note: {}", warning.message());
    }
    Ok(())
}

pub async fn skip(cx: &Context, id: i64) -> Outcome {
    let follow_up = follow_ups::skip(&cx.app, &cx.actor, FollowUpId::new(id)).await?;
    if cx.json {
        return render::json(&follow_up);
    }
    say!("Skipped {}", render::follow_up_line(&follow_up));
    Ok(())
}

pub async fn email(cx: &Context, args: EmailArgs) -> Outcome {
    let id = FollowUpId::new(args.id);
    if !args.send {
        let draft = tickler_app::focus::email(&cx.app, &cx.actor, id).await?;
        if cx.json {
            return render::json(&draft);
        }
        say!("To: {} · send it: tickler email {id} --send", draft.to);
        say!("Subject: {}", draft.subject);
        for line in draft.body.lines() {
            say!("| {line}");
        }
        return Ok(());
    }
    let input = tickler_app::focus::SendInput { subject: args.subject, body: args.body };
    let sent = tickler_app::focus::send(&cx.app, &cx.actor, id, &input).await?;
    if cx.json {
        return render::json(&sent);
    }
    say!("Sent to {}; done: {}", sent.sent_to, render::follow_up_line(&sent.follow_up));
    Ok(())
}

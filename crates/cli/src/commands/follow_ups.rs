//! `follow`, `done`, `snooze`, `skip`.

use tickler_core::follow_up::{Due, FollowUpDraft, Origin};
use tickler_core::touch::{Channel, Outcome as TouchOutcome, TouchDraft};

use crate::app::App;
use crate::args::{DoneArgs, FollowArgs, SnoozeArgs};
use crate::commands::touches::{print_logged, re_ask_for};
use crate::failure::Outcome;
use crate::render;

pub async fn follow(app: &App, args: FollowArgs) -> Outcome {
    let contact = app.store.find_contact(app.account_id(), &args.contact).await?;
    let due = tickler_core::intake::future_due("when", &args.when, &app.when_context(), &app.zone)?;
    let channel = match &args.via {
        Some(channel) => Channel::parse(channel)?,
        None => contact.details.preferred_channel.unwrap_or(Channel::Email),
    };
    let draft = FollowUpDraft::new(contact.id, due, channel, args.note.as_deref().unwrap_or(""), Origin::Manual)?;
    let scheduled = app.store.schedule_follow_up(app.account_id(), &draft, args.force, app.now.timestamp()).await?;
    if app.json {
        return render::json(&scheduled);
    }
    say!("Follow up with {}: {}", contact.name(), render::follow_up_line(&scheduled.follow_up));
    if let Some(warning) = &scheduled.pacing {
        say!("Note: {} (scheduled anyway with --force)", warning.message());
    }
    Ok(())
}

pub async fn done(app: &App, args: DoneArgs) -> Outcome {
    let follow_up = app.store.follow_up(app.account_id(), args.id).await?;
    let touch = match (&args.log, &args.outcome) {
        (None, None) => None,
        (summary, outcome) => {
            let channel = args.via.as_deref().map(Channel::parse).transpose()?.unwrap_or(follow_up.channel);
            let mut draft =
                TouchDraft::new(follow_up.contact_id, app.now.timestamp(), channel, summary.as_deref().unwrap_or(""))?;
            draft.outcome = outcome.as_deref().map(TouchOutcome::parse).transpose()?;
            draft.re_ask = re_ask_for(app, draft.outcome, args.until.as_deref())?;
            Some(draft)
        }
    };
    let (follow_up, logged) =
        app.store.complete_follow_up(app.account_id(), args.id, touch.as_ref(), app.now.timestamp()).await?;
    if app.json {
        return render::json(&serde_json::json!({ "follow_up": follow_up, "touch": logged }));
    }
    say!("Done: {}", render::follow_up_line(&follow_up));
    if let Some(logged) = &logged {
        let contact = app.store.contact(app.account_id(), follow_up.contact_id).await?;
        print_logged(app, contact.name(), logged)?;
    }
    Ok(())
}

pub async fn snooze(app: &App, args: SnoozeArgs) -> Outcome {
    let resolved = app.resolve("when", &args.when)?;
    let due = Due::from_resolved(&resolved, &app.zone);
    let snoozed = app.store.snooze_follow_up(app.account_id(), args.id, &due, &app.now).await?;
    if app.json {
        return render::json(&snoozed);
    }
    let follow_up = &snoozed.follow_up;
    say!("Snoozed to {} ({} snoozes so far)", render::follow_up_line(follow_up), follow_up.snoozes);
    if let Some(warning) = &snoozed.pacing {
        say!("Note: {}", warning.message());
    }
    Ok(())
}

pub async fn skip(app: &App, id: i64) -> Outcome {
    let follow_up = app.store.skip_follow_up(app.account_id(), id, app.now.timestamp()).await?;
    if app.json {
        return render::json(&follow_up);
    }
    say!("Skipped {}", render::follow_up_line(&follow_up));
    Ok(())
}

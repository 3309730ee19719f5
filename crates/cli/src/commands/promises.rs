//! `promise`, `promises`, `kept`.

use tickler_core::promise::PromiseDraft;

use crate::app::App;
use crate::args::PromiseArgs;
use crate::failure::Outcome;
use crate::render;

pub async fn promise(app: &App, args: PromiseArgs) -> Outcome {
    let contact = app.store.find_contact(app.account_id(), &args.contact).await?;
    let (aim, told) =
        tickler_core::intake::promise_deadlines(args.aim.as_deref(), args.told.as_deref(), &app.when_context())?;
    let draft = PromiseDraft::new(contact.id, &args.what, aim.timestamp(), told.timestamp(), app.zone.clone())?;
    let promise = app.store.create_promise(app.account_id(), &draft, app.now.timestamp()).await?;
    if app.json {
        return render::json(&promise);
    }
    say!("Promise #{} to {}: {}", promise.id, contact.name(), promise.what);
    say!("  aim for   {}", aim.strftime("%a %Y-%m-%d %H:%M %Z"));
    say!("  tell them {}", told.strftime("%a %Y-%m-%d %H:%M %Z"));
    Ok(())
}

pub async fn list(app: &App) -> Outcome {
    let promises = app.store.open_promises(app.account_id()).await?;
    if app.json {
        let items: Vec<_> = promises
            .iter()
            .map(|(promise, name)| {
                serde_json::json!({ "promise": promise, "contact_name": name, "at_risk": promise.is_at_risk(app.now.timestamp()) })
            })
            .collect();
        return render::json(&items);
    }
    if promises.is_empty() {
        say!("No open promises.");
    }
    for (promise, name) in &promises {
        say!("{}", render::promise_line(promise, name, &app.now));
    }
    Ok(())
}

pub async fn kept(app: &App, id: i64) -> Outcome {
    let promise = app.store.keep_promise(app.account_id(), id, app.now.timestamp()).await?;
    if app.json {
        return render::json(&promise);
    }
    say!("Promise #{} {}: {}", promise.id, promise.state.as_str(), promise.what);
    Ok(())
}

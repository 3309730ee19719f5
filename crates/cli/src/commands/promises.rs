//! `promise`, `promises`, `kept`.

use tickler_core::Error;
use tickler_core::promise::{PromiseDraft, propose_told};
use tickler_core::when::Resolved;

use crate::app::App;
use crate::args::PromiseArgs;
use crate::failure::Outcome;
use crate::render;

pub async fn promise(app: &App, args: PromiseArgs) -> Outcome {
    let contact = app.store.find_contact(app.account_id(), &args.contact).await?;
    let work_week = &app.account.settings.work_week;
    let zone = app.zone.time_zone();
    // A day means its end of working day: "friday" is a promise for Friday, not Friday 00:00.
    let moment = |field: &'static str, phrase: &str| -> Outcome<jiff::ZonedDateTime> {
        Ok(match app.resolve(field, phrase)? {
            Resolved::Moment(moment) => moment.with_time_zone(zone.clone()),
            Resolved::Day(day) => day
                .to_datetime(work_week.end)
                .to_zoned_datetime(zone.clone())
                .map_err(|e| Error::invalid(field, e.to_string()))?,
        })
    };
    let (aim, told) = match (&args.aim, &args.told) {
        (Some(aim), Some(told)) => (moment("aim", aim)?, moment("told", told)?),
        (Some(aim), None) => {
            let aim = moment("aim", aim)?;
            let told = propose_told(&aim, &app.now, work_week);
            (aim, told)
        }
        (None, Some(told)) => {
            let told = moment("told", told)?;
            (told.clone(), told)
        }
        (None, None) => {
            return Err(Error::invalid(
                "aim",
                "give --aim (your target, e.g. \"in 1 hour\") or --told (the deadline you gave)",
            )
            .into());
        }
    };
    if told.timestamp() <= app.now.timestamp() {
        return Err(Error::invalid(
            "told",
            format!("{} is already past; promise a future deadline", told.strftime("%Y-%m-%d %H:%M")),
        )
        .into());
    }
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

//! `consent`: active, not-now (with a re-ask) or never.

use tickler_core::consent::ConsentState;

use crate::app::App;
use crate::args::ConsentArgs;
use crate::failure::Outcome;
use crate::render;
use tickler_core::intake::{DEFAULT_RE_ASK, re_ask_day};

pub async fn run(app: &App, args: ConsentArgs) -> Outcome {
    let contact = app.store.find_contact(app.account_id(), &args.contact).await?;
    let state = ConsentState::parse(&args.state)?;
    let until = match (state, &args.until) {
        (ConsentState::NotNow, Some(phrase)) => Some(re_ask_day(phrase, &app.when_context())?),
        (ConsentState::NotNow, None) => Some(re_ask_day(DEFAULT_RE_ASK, &app.when_context())?),
        (_, Some(_)) => {
            return Err(tickler_core::Error::invalid("until", "only applies to not-now (when to ask again)").into());
        }
        (_, None) => None,
    };
    let change =
        app.store.set_consent(app.account_id(), contact.id, state, until, &args.reason, app.now.timestamp()).await?;
    if app.json {
        return render::json(&change);
    }
    match state {
        ConsentState::Active => say!("{} is active again.", contact.name()),
        ConsentState::NotNow => say!(
            "{} said not now: newsletters only; open follow-ups cancelled; re-ask scheduled for {}.",
            contact.name(),
            until.map(|d| d.to_string()).unwrap_or_default()
        ),
        ConsentState::DoNotContact => say!(
            "{} is marked do-not-contact: open follow-ups and promises cancelled; nothing more may be scheduled.",
            contact.name()
        ),
    }
    Ok(())
}

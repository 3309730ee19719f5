//! `consent`: active, not-now (with a re-ask) or never.

use tickler_app::consent::{self, ConsentInput};
use tickler_core::consent::ConsentState;

use crate::args::ConsentArgs;
use crate::context::Context;
use crate::failure::Outcome;
use crate::render;

pub async fn run(cx: &Context, args: ConsentArgs) -> Outcome {
    let contact = tickler_app::contacts::find(&cx.app, &cx.actor, &args.contact).await?;
    let input = ConsentInput { state: args.state, until: args.until, reason: Some(args.reason) };
    let change = consent::set(&cx.app, &cx.actor, contact.id, &input).await?;
    if cx.json {
        return render::json(&change);
    }
    match change.state {
        ConsentState::Active => say!("{} is active again.", contact.name()),
        ConsentState::NotNow => say!(
            "{} said not now: newsletters only; open follow-ups cancelled; re-ask scheduled for {}.",
            contact.name(),
            change.until.map(|d| d.to_string()).unwrap_or_default()
        ),
        ConsentState::DoNotContact => say!(
            "{} is marked do-not-contact: open follow-ups and promises cancelled; nothing more may be scheduled.",
            contact.name()
        ),
    }
    Ok(())
}

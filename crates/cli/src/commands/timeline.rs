//! `timeline`: everything about one contact, newest first.

use tickler_core::timeline::Entry;

use tickler_app::contacts;

use crate::context::Context;
use crate::failure::Outcome;
use crate::render;

pub async fn run(cx: &Context, reference: &str) -> Outcome {
    let contact = contacts::find(&cx.app, &cx.actor, reference).await?;
    let entries = contacts::timeline(&cx.app, &cx.actor, contact.id).await?;
    let now = cx.now();
    if cx.json {
        return render::json(&entries);
    }
    say!("Timeline of {} (id {})", contact.name(), contact.id);
    if entries.is_empty() {
        say!("  Nothing yet. Log a touch with: tickler log {} call \"what was said\"", contact.id);
    }
    for entry in &entries {
        let when = match entry {
            Entry::FollowUp(follow_up) if follow_up.due.is_all_day() => {
                format!("{:<16}", follow_up.due.date.to_string())
            }
            _ => render::local_time(entry.at(), &now),
        };
        let text = match entry {
            Entry::Touch(touch) => format!(
                "{} {}{}: {}",
                if touch.direction == tickler_core::touch::Direction::In { "received" } else { "touch" },
                touch.channel.as_str(),
                touch.outcome.map(|o| format!(" ({})", o.as_str())).unwrap_or_default(),
                touch.summary
            ),
            Entry::FollowUp(follow_up) => {
                let purpose =
                    if follow_up.purpose.is_empty() { String::new() } else { format!(": {}", follow_up.purpose) };
                format!(
                    "follow-up #{} {} [{}]{purpose}",
                    follow_up.id,
                    follow_up.channel.as_str(),
                    follow_up.state.as_str()
                )
            }
            Entry::Promise(promise) => {
                format!("promise #{} [{}]: {}", promise.id, promise.state.as_str(), promise.what)
            }
            Entry::Consent(change) => format!(
                "consent → {}{}{}",
                change.state.as_str(),
                change.until.map(|d| format!(" until {d}")).unwrap_or_default(),
                if change.reason.is_empty() { String::new() } else { format!(": {}", change.reason) }
            ),
        };
        say!("  {when}  {text}");
    }
    Ok(())
}

//! `timeline`: everything about one contact, newest first.

use tickler_core::timeline::Entry;

use crate::app::App;
use crate::failure::Outcome;
use crate::render;

pub async fn run(app: &App, reference: &str) -> Outcome {
    let contact = app.store.find_contact(app.account_id(), reference).await?;
    let entries = app.store.timeline(app.account_id(), contact.id).await?;
    if app.json {
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
            _ => render::local_time(entry.at(), &app.now),
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

//! The daily block ("Focus"): today's follow-ups worked one at a time. Pure
//! rules: which item comes next after one is acted on or passed over, the
//! tally the block keeps, how long it has run, and the drafted email.

use jiff::Timestamp;

use crate::template::Rendered;

/// What the block did so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Marked done (a drafted email sent through Tickler counts here too).
    pub done: u32,
    /// Marked done with a note.
    pub noted: u32,
    pub snoozed: u32,
    pub skipped: u32,
}

/// One thing done to an item in the block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Done,
    Noted,
    Snoozed,
    Skipped,
}

impl Tally {
    /// The tally after `act`.
    pub fn with(self, act: Act) -> Tally {
        let bump = |n: u32| n.saturating_add(1);
        match act {
            Act::Done => Tally { done: bump(self.done), ..self },
            Act::Noted => Tally { noted: bump(self.noted), ..self },
            Act::Snoozed => Tally { snoozed: bump(self.snoozed), ..self },
            Act::Skipped => Tally { skipped: bump(self.skipped), ..self },
        }
    }

    /// How many items were acted on.
    pub fn total(&self) -> u32 {
        self.done.saturating_add(self.noted).saturating_add(self.snoozed).saturating_add(self.skipped)
    }
}

/// Where the block stands in its list: on an item, or at the end (the summary).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place<T> {
    At(T),
    End,
}

/// The item shown for `wanted` in `items`: that one when still listed, else the
/// first; the end when the list is empty or the end was asked for.
pub fn place<T: Copy + PartialEq>(items: &[T], wanted: Option<Place<T>>) -> Place<T> {
    match wanted {
        Some(Place::End) => Place::End,
        Some(Place::At(id)) if items.contains(&id) => Place::At(id),
        _ => items.first().map_or(Place::End, |first| Place::At(*first)),
    }
}

/// The item after `id` (the end after the last).
pub fn next<T: Copy + PartialEq>(items: &[T], id: T) -> Place<T> {
    match items.iter().position(|item| *item == id) {
        Some(index) => items.get(index + 1).map_or(Place::End, |next| Place::At(*next)),
        None => items.first().map_or(Place::End, |first| Place::At(*first)),
    }
}

/// The item before `place` (the last from the end; none before the first).
pub fn previous<T: Copy + PartialEq>(items: &[T], place: Place<T>) -> Option<T> {
    match place {
        Place::End => items.last().copied(),
        Place::At(id) => {
            let index = items.iter().position(|item| *item == id)?;
            index.checked_sub(1).and_then(|before| items.get(before).copied())
        }
    }
}

/// How long the block has run, as a person reads it: "under a minute", "12 min", "1 h 05 min".
pub fn elapsed_text(started: Timestamp, now: Timestamp) -> String {
    let seconds = (now.as_second() - started.as_second()).max(0);
    let minutes = seconds / 60;
    match minutes {
        0 => "under a minute".to_string(),
        1..=59 => format!("{minutes} min"),
        _ => format!("{} h {:02} min", minutes / 60, minutes % 60),
    }
}

/// The drafted follow-up email: a greeting by first name, the follow-up's purpose, the signature.
pub fn draft(first_name: &str, purpose: &str, signature: &str) -> Rendered {
    let purpose = purpose.trim().trim_end_matches(['.', '!']);
    let (subject, opening) = if purpose.is_empty() {
        ("Following up".to_string(), "I wanted to follow up on our last conversation.".to_string())
    } else {
        let first: String = purpose.chars().take(1).flat_map(char::to_uppercase).collect();
        let subject = format!("{first}{}", purpose.chars().skip(1).collect::<String>());
        (format!("Following up: {subject}"), format!("I wanted to follow up about this: {purpose}."))
    };
    let signature = signature.trim();
    let sign_off = if signature.is_empty() { String::new() } else { format!("\n\n{signature}") };
    let greeting = if first_name.trim().is_empty() { "Hi".to_string() } else { format!("Hi {}", first_name.trim()) };
    Rendered {
        subject,
        body: format!("{greeting},\n\n{opening}\n\nWould you let me know where things stand?{sign_off}\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tally_counts_each_act() {
        let tally = Tally::default().with(Act::Done).with(Act::Noted).with(Act::Done).with(Act::Skipped);
        assert_eq!(tally, Tally { done: 2, noted: 1, snoozed: 0, skipped: 1 });
        assert_eq!(tally.with(Act::Snoozed).total(), 5);
        assert_eq!(Tally { done: u32::MAX, ..Tally::default() }.with(Act::Done).done, u32::MAX);
    }

    #[test]
    fn the_place_follows_the_list() {
        let items = [3, 5, 8];
        assert_eq!(place(&items, None), Place::At(3));
        assert_eq!(place(&items, Some(Place::At(5))), Place::At(5));
        assert_eq!(place(&items, Some(Place::At(4))), Place::At(3), "an item gone from the list: the first");
        assert_eq!(place(&items, Some(Place::End)), Place::End);
        assert_eq!(place::<i32>(&[], None), Place::End);
        assert_eq!(next(&items, 3), Place::At(5));
        assert_eq!(next(&items, 8), Place::End);
        assert_eq!(previous(&items, Place::At(5)), Some(3));
        assert_eq!(previous(&items, Place::At(3)), None);
        assert_eq!(previous(&items, Place::End), Some(8));
    }

    #[test]
    fn elapsed_reads_as_minutes() {
        let start: Timestamp = "2026-11-24T15:00:00Z".parse().unwrap();
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        assert_eq!(elapsed_text(start, at("2026-11-24T15:00:30Z")), "under a minute");
        assert_eq!(elapsed_text(start, at("2026-11-24T15:12:00Z")), "12 min");
        assert_eq!(elapsed_text(start, at("2026-11-24T16:05:00Z")), "1 h 05 min");
        assert_eq!(elapsed_text(start, at("2026-11-24T14:00:00Z")), "under a minute", "a clock behind is not negative");
    }

    #[test]
    fn the_draft_reads_well() {
        let draft = draft("Ann", "send the proposal.", "Tess");
        assert_eq!(draft.subject, "Following up: Send the proposal");
        assert!(draft.body.starts_with("Hi Ann,\n\nI wanted to follow up about this: send the proposal.\n"));
        assert!(draft.body.ends_with("\n\nTess\n"), "{}", draft.body);
        let bare = super::draft("", "", "");
        assert_eq!(bare.subject, "Following up");
        assert!(bare.body.starts_with("Hi,\n\n"));
    }
}

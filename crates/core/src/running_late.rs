//! The "running late" message for a promise at risk (or past the deadline the
//! contact was told): a new, reasonable deadline, and a light draft whose
//! sentences read well whatever words the promise was written in ("send the
//! quote", "the revised quote", "I'll call you back").

use jiff::{SignedDuration, ZonedDateTime};
use serde::Serialize;

use crate::promise::{Promise, propose_told};
use crate::template::Rendered;
use crate::work_week::WorkWeek;

/// What a promise's words are, for framing them in a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "words", rename_all = "kebab-case")]
pub enum PromiseWords {
    /// Something to do, as a verb phrase: "send the quote", "call you back".
    Action(String),
    /// Something to deliver, as a noun phrase: "the revised quote".
    Thing(String),
}

/// Verbs a promise commonly starts with ("send the quote"): the words are then an action.
const VERBS: &[&str] = &[
    "add",
    "answer",
    "arrange",
    "ask",
    "book",
    "bring",
    "call",
    "change",
    "check",
    "come",
    "confirm",
    "connect",
    "deliver",
    "do",
    "draft",
    "drop",
    "email",
    "e-mail",
    "file",
    "find",
    "finish",
    "fix",
    "follow",
    "forward",
    "get",
    "give",
    "go",
    "help",
    "introduce",
    "invite",
    "let",
    "look",
    "mail",
    "make",
    "meet",
    "move",
    "order",
    "organise",
    "organize",
    "phone",
    "pick",
    "post",
    "prepare",
    "put",
    "read",
    "reply",
    "report",
    "reserve",
    "return",
    "review",
    "ring",
    "run",
    "schedule",
    "see",
    "send",
    "set",
    "share",
    "ship",
    "sign",
    "sort",
    "submit",
    "take",
    "talk",
    "tell",
    "test",
    "text",
    "update",
    "upload",
    "visit",
    "write",
];

/// Words that open a noun phrase already fit to follow "on" ("the quote", "your invoice").
const DETERMINERS: &[&str] =
    &["the", "a", "an", "my", "your", "our", "their", "his", "her", "its", "this", "that", "these", "those", "some"];

/// Read a promise's words: an action when they start with a verb (after a leading
/// "I'll", "I will", "will" or "to"), else a thing, given "the" when it has no determiner.
pub fn promise_words(what: &str) -> PromiseWords {
    let mut text = what.trim().trim_end_matches(['.', '!']).trim().to_string();
    for prefix in ["i'll ", "i will ", "i’ll ", "will ", "to "] {
        if text.len() > prefix.len() && text[..prefix.len()].eq_ignore_ascii_case(prefix) {
            text = text[prefix.len()..].trim_start().to_string();
        }
    }
    let first = text.split_whitespace().next().unwrap_or("").to_lowercase();
    if VERBS.contains(&first.as_str()) {
        return PromiseWords::Action(lower_first(&text));
    }
    if DETERMINERS.contains(&first.as_str()) {
        return PromiseWords::Thing(lower_first(&text));
    }
    PromiseWords::Thing(format!("the {}", lower_first(&text)))
}

/// The text with its first letter lower-cased, unless the first word is an acronym ("PDF").
fn lower_first(text: &str) -> String {
    let first = text.split_whitespace().next().unwrap_or("");
    let letters: Vec<char> = first.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        return text.to_string();
    }
    let mut chars = text.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

/// The new deadlines to offer for a promise running late: half the original
/// lead time again (at least an hour) after the old deadline (or after now,
/// once it has passed) as the aim, and the deadline to tell by the usual rule
/// (aim for the hour, promise the end of the day), so always later than the old one.
pub fn new_deadlines(promise: &Promise, now: &ZonedDateTime, work_week: &WorkWeek) -> (ZonedDateTime, ZonedDateTime) {
    let lead = SignedDuration::from_secs(promise.told.as_second() - promise.created_at.as_second());
    let extra = (lead / 2).max(SignedDuration::from_hours(1));
    let from = if promise.told > now.timestamp() {
        promise.told.to_zoned_datetime(now.time_zone().clone())
    } else {
        now.clone()
    };
    let aim = from.checked_add(extra).unwrap_or_else(|_| from.clone());
    let told = propose_told(&aim, now, work_week);
    (aim, told)
}

/// A deadline as it reads in a sentence: "11:00 am on Wednesday 25 November".
pub fn deadline_text(moment: &ZonedDateTime) -> String {
    moment.strftime("%-I:%M %P on %A %-d %B").to_string()
}

/// The drafted message telling the contact the new deadline.
pub fn draft(promise: &Promise, first_name: &str, signature: &str, new_told: &ZonedDateTime) -> Rendered {
    let told = deadline_text(&promise.told.to_zoned_datetime(new_told.time_zone().clone()));
    let new = deadline_text(new_told);
    let (subject, opening) = match promise_words(&promise.what) {
        PromiseWords::Action(action) => (
            format!("An update on my promise to {action}"),
            format!(
                "I told you I would {action} by {told}. It is taking a little longer than I planned, and I want \
                 to get it right for you, so I will do that by {new}."
            ),
        ),
        PromiseWords::Thing(thing) => (
            format!("An update on {thing}"),
            format!(
                "A quick update on {thing}: it is taking a little longer than I planned, and I want to get it \
                 right for you. You will have it by {new}."
            ),
        ),
    };
    let signature = signature.trim();
    let sign_off = if signature.is_empty() { String::new() } else { format!("\n\n{signature}") };
    Rendered { subject, body: format!("Hi {first_name},\n\n{opening}\n\nThank you for your patience.{sign_off}\n") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::ZoneName;
    use crate::ids::{ContactId, PromiseId};
    use crate::promise::PromiseState;

    fn promise(what: &str) -> Promise {
        Promise {
            id: PromiseId::new(1),
            contact_id: ContactId::new(1),
            what: what.into(),
            aim: "2026-11-24T19:00:00Z".parse().unwrap(),
            told: "2026-11-24T22:00:00Z".parse().unwrap(),
            zone: ZoneName::parse("America/New_York").unwrap(),
            state: PromiseState::Open,
            created_at: "2026-11-24T14:00:00Z".parse().unwrap(),
            closed_at: None,
        }
    }

    #[test]
    fn words_are_read_as_an_action_or_a_thing() {
        assert_eq!(promise_words("send the quote"), PromiseWords::Action("send the quote".into()));
        assert_eq!(promise_words("Send the quote."), PromiseWords::Action("send the quote".into()));
        assert_eq!(promise_words("I'll call you back"), PromiseWords::Action("call you back".into()));
        assert_eq!(promise_words("to review the contract"), PromiseWords::Action("review the contract".into()));
        assert_eq!(promise_words("the revised quote"), PromiseWords::Thing("the revised quote".into()));
        assert_eq!(promise_words("Revised quote"), PromiseWords::Thing("the revised quote".into()));
        assert_eq!(promise_words("PDF of the plan"), PromiseWords::Thing("the PDF of the plan".into()));
        assert_eq!(promise_words("your invoice"), PromiseWords::Thing("your invoice".into()));
    }

    #[test]
    fn an_action_reads_as_a_promise_to_do_it() {
        let now: ZonedDateTime = "2026-11-24T15:00:00-05:00[America/New_York]".parse().unwrap();
        let (_, told) = new_deadlines(&promise("send the quote"), &now, &WorkWeek::default());
        let draft = draft(&promise("send the quote"), "Ann", "Sam", &told);
        assert_eq!(draft.subject, "An update on my promise to send the quote");
        assert!(
            draft.body.contains(
                "I told you I would send the quote by 5:00 pm on Tuesday 24 November. It is taking a little longer"
            ),
            "{}",
            draft.body
        );
        assert!(draft.body.contains("so I will do that by 11:00 am on Wednesday 25 November."), "{}", draft.body);
        assert!(!draft.body.contains("update on send"), "{}", draft.body);
        assert!(draft.body.starts_with("Hi Ann,") && draft.body.trim_end().ends_with("Sam"));
        assert!(crate::tone::check(&draft.body).is_empty());
    }

    #[test]
    fn the_new_deadline_is_always_later_than_the_old_one() {
        // Told 17:00, at risk at noon: aiming half the lead after noon would still land on 17:00.
        let mut late = promise("send the quote");
        late.created_at = "2026-11-24T15:00:00Z".parse().unwrap();
        let noon: ZonedDateTime = "2026-11-24T12:00:00-05:00[America/New_York]".parse().unwrap();
        let (aim, told) = new_deadlines(&late, &noon, &WorkWeek::default());
        assert!(told.timestamp() > late.told && aim <= told, "{aim} {told}");
        assert_eq!(told.to_string(), "2026-11-25T11:00:00-05:00[America/New_York]");
        // Past the deadline: counted from now.
        let evening: ZonedDateTime = "2026-11-24T19:00:00-05:00[America/New_York]".parse().unwrap();
        let (_, told) = new_deadlines(&late, &evening, &WorkWeek::default());
        assert_eq!(told.to_string(), "2026-11-25T11:00:00-05:00[America/New_York]");
    }

    #[test]
    fn a_thing_reads_as_an_update_on_it() {
        let now: ZonedDateTime = "2026-11-24T15:00:00-05:00[America/New_York]".parse().unwrap();
        let (aim, told) = new_deadlines(&promise("revised quote"), &now, &WorkWeek::default());
        assert!(aim < told, "the aim stays before the deadline told");
        let draft = draft(&promise("revised quote"), "Ann", "", &told);
        assert_eq!(draft.subject, "An update on the revised quote");
        assert!(draft.body.contains("A quick update on the revised quote: it is taking"), "{}", draft.body);
        assert!(draft.body.contains("You will have it by 11:00 am on Wednesday 25 November."), "{}", draft.body);
        assert!(draft.body.ends_with("patience.\n"), "no empty signature: {:?}", draft.body);
    }
}

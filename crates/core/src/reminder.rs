//! The emails a reminder address sends the user: the reminder itself, at the
//! time they asked for, with the original message quoted; and the one short
//! answer to an address whose date could not be read, with addresses that work.

use crate::template::Rendered;

/// Longest quoted original, in characters.
pub const MAX_QUOTED_CHARS: usize = 4_000;

/// The message a reminder was made from, as the user will see it again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Original<'a> {
    pub subject: &'a str,
    /// Who it was from and to, as written ("Ann Lee <ann@acme.example>").
    pub from: &'a str,
    pub to: &'a str,
    /// When it was written, in the user's words ("Tue 1 Dec 2026, 09:12").
    pub date: &'a str,
    /// Its first lines.
    pub text: &'a str,
}

/// The reminder, sent at the time asked for: "Reminder: <subject>" with the original quoted.
pub fn compose(original: &Original<'_>, asked: &str) -> Rendered {
    let subject = if original.subject.trim().is_empty() { "(no subject)" } else { original.subject.trim() };
    let mut body = format!("You asked to be reminded of this ({asked}).\n\n");
    body.push_str("-------- Original message --------\n");
    for (label, value) in [("Subject", subject), ("From", original.from), ("To", original.to), ("Date", original.date)]
    {
        if !value.trim().is_empty() {
            body.push_str(&format!("{label}: {}\n", value.trim()));
        }
    }
    body.push('\n');
    let text: String = original.text.chars().take(MAX_QUOTED_CHARS).collect();
    for line in text.trim_end().lines() {
        body.push_str("> ");
        body.push_str(line.trim_end());
        body.push('\n');
    }
    if original.text.chars().count() > MAX_QUOTED_CHARS {
        body.push_str("> …\n");
    }
    Rendered { subject: format!("Reminder: {subject}"), body }
}

/// The answer to a reminder address whose date could not be read: why, and addresses that work.
pub fn unreadable(address: &str, phrase: &str, why: &str, examples: &[String]) -> Rendered {
    let mut body = format!(
        "Tickler could not tell when to remind you: \"{phrase}\" (from {address}) {why}.\n\n\
         Nothing was scheduled. Addresses that work:\n"
    );
    for example in examples {
        body.push_str(&format!("  {example}\n"));
    }
    body.push_str("\nUse - or . between words; the time is read in your zone.\n");
    Rendered { subject: format!("Could not read \"{phrase}\""), body }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reminder_quotes_the_original() {
        let original = Original {
            subject: "Quote for the fence",
            from: "Sam Stone <sam@stone.example>",
            to: "Ann Lee <ann@acme.example>",
            date: "Tue 1 Dec 2026, 09:12",
            text: "Hi Ann,\nHere is the quote.\n",
        };
        let rendered = compose(&original, "in 3 days");
        assert_eq!(rendered.subject, "Reminder: Quote for the fence");
        assert!(rendered.body.contains("(in 3 days)"), "{}", rendered.body);
        assert!(rendered.body.contains("To: Ann Lee <ann@acme.example>"), "{}", rendered.body);
        assert!(rendered.body.contains("> Hi Ann,\n> Here is the quote.\n"), "{}", rendered.body);
    }

    #[test]
    fn a_long_original_is_cut() {
        let text = "word ".repeat(2_000);
        let rendered = compose(&Original { text: &text, ..Original::default() }, "tomorrow");
        assert!(rendered.body.ends_with("> …\n"));
        assert_eq!(rendered.subject, "Reminder: (no subject)");
    }

    #[test]
    fn the_unreadable_answer_lists_what_works() {
        let examples = vec!["ann+tickler-3days@acme.example".to_string()];
        let rendered =
            unreadable("ann+tickler-blorp@acme.example", "blorp", "has a word Tickler does not know", &examples);
        assert!(rendered.subject.contains("blorp"));
        assert!(rendered.body.contains("ann+tickler-3days@acme.example"));
        assert!(rendered.body.contains("Nothing was scheduled"));
    }
}

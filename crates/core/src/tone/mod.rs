//! The tone check: flags lines that read as guilt, reproach or pressure in a
//! draft or template, each with a lighter line to use instead. It is advice
//! shown on save and preview, never a block.

mod rules;

use serde::Serialize;

use rules::{RULES, Rule};

/// One flagged passage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    /// The kind of problem ("counting attempts", "reproach" …).
    pub rule: &'static str,
    /// The passage as written.
    pub found: String,
    /// Byte offsets of the passage in the checked text.
    pub start: usize,
    pub end: usize,
    /// Why it lands badly and what to write instead.
    pub suggestion: &'static str,
}

impl Flag {
    /// One line for the user.
    pub fn message(&self) -> String {
        format!("{}: \"{}\" — {}", self.rule, self.found, self.suggestion)
    }
}

/// Check a text; flags come in the order they appear.
pub fn check(text: &str) -> Vec<Flag> {
    let gives_value = rules::gives_value(text);
    let mut flags: Vec<Flag> = RULES
        .iter()
        .filter(|rule| !(rule.unless_value && gives_value))
        .flat_map(|rule: &Rule| {
            rule.pattern().find_iter(text).map(move |found| Flag {
                rule: rule.name,
                found: found.as_str().to_string(),
                start: found.start(),
                end: found.end(),
                suggestion: rule.suggestion,
            })
        })
        .collect();
    flags.sort_by_key(|flag| (flag.start, flag.end));
    flags
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rules_of(text: &str) -> Vec<&'static str> {
        check(text).into_iter().map(|flag| flag.rule).collect()
    }

    #[test]
    fn guilt_and_pressure_are_flagged() {
        assert_eq!(rules_of("This is my sixth voicemail."), ["counting attempts"]);
        assert_eq!(rules_of("I've called you 4 times this week."), ["counting attempts"]);
        assert_eq!(rules_of("I still haven't heard back from you."), ["still no answer"]);
        assert_eq!(rules_of("As per my last email, the price changes."), ["pointing to an old message"]);
        assert_eq!(rules_of("Just checking in."), ["checking in without value"]);
        assert_eq!(rules_of("You never replied to my proposal."), ["reproach"]);
        assert_eq!(rules_of("Last chance: reply by Friday!"), ["pressure"]);
    }

    #[test]
    fn checking_in_with_something_useful_is_fine() {
        assert!(check("Just checking in: here is the article I mentioned, https://example.org/guide").is_empty());
        assert!(check("Thank you for today. I enjoyed our talk about pricing.").is_empty());
    }

    #[test]
    fn each_flag_has_a_suggestion_and_points_at_the_text() {
        let text = "Hi Ann. As per my last email, this is my third attempt. Please respond ASAP.";
        let flags = check(text);
        assert_eq!(flags.len(), 3, "{flags:?}");
        for flag in &flags {
            assert_eq!(&text[flag.start..flag.end], flag.found);
            assert!(!flag.suggestion.is_empty());
            assert!(flag.message().contains(&flag.found));
        }
    }

    const PHRASES: [(&str, &str); 6] = [
        ("this is my fifth email", "counting attempts"),
        ("I still haven't heard back", "still no answer"),
        ("as per my previous email", "pointing to an old message"),
        ("just checking in", "checking in without value"),
        ("you didn't respond", "reproach"),
        ("this is your final reminder", "pressure"),
    ];

    proptest! {
        #[test]
        fn any_text_is_checked_without_panic_and_flags_point_into_it(text in "\\PC{0,300}") {
            for flag in check(&text) {
                prop_assert!(text.is_char_boundary(flag.start) && text.is_char_boundary(flag.end));
                prop_assert_eq!(&text[flag.start..flag.end], flag.found.as_str());
            }
        }

        #[test]
        fn a_flagged_phrase_is_found_wherever_it_stands(
            before in "[a-z ]{0,40}", after in "[a-z ]{0,40}", which in 0usize..6, upper in any::<bool>()
        ) {
            let (phrase, rule) = PHRASES[which];
            let phrase = if upper { phrase.to_uppercase() } else { phrase.to_string() };
            let text = format!("{before}. {phrase}. {after}");
            prop_assert!(rules_of(&text).contains(&rule), "{} in {:?}", rule, text);
        }
    }
}

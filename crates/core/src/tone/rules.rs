//! The tone rules: a pattern for each way a follow-up can sound guilty,
//! reproachful or pushy, and the lighter line to suggest.

use std::sync::OnceLock;

use regex::Regex;

/// One rule of the tone check.
pub(super) struct Rule {
    pub name: &'static str,
    source: &'static str,
    pub suggestion: &'static str,
    /// Not flagged when the text also gives the reader something (a link, an attachment, an idea).
    pub unless_value: bool,
    compiled: OnceLock<Regex>,
}

impl Rule {
    const fn new(name: &'static str, source: &'static str, suggestion: &'static str, unless_value: bool) -> Rule {
        Rule { name, source, suggestion, unless_value, compiled: OnceLock::new() }
    }

    pub fn pattern(&self) -> &Regex {
        self.compiled.get_or_init(|| Regex::new(self.source).expect("tone rules compile"))
    }
}

pub(super) static RULES: [Rule; 6] = [
    Rule::new(
        "counting attempts",
        concat!(
            r"(?i)\b(?:(?:this is|it's|it is) (?:my|the|our) )?",
            r"(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|umpteenth|\d+(?:st|nd|rd|th))",
            r" (?:voicemail|e-?mail|message|attempt|time|try|call|follow[- ]?up|reminder)s?\b",
            r"|(?i)\b(?:i've|i have|we've|we have) (?:tried|called|e-?mailed|written|reached out|left)",
            r"(?: (?:you|to you|a message|messages|voicemails))? (?:\d+|two|three|four|five|six|several|many|multiple|a few|so many) times\b"
        ),
        "Leave the count out; it reads as a reproach. Lead with something new instead: \
         \"I came across something that made me think of you…\"",
        false,
    ),
    Rule::new(
        "still no answer",
        r"(?i)\b(?:i |we )?(?:still )?(?:haven't|have not|hasn't|has not|didn't|did not) (?:yet )?(?:heard|hear|gotten|got|received) (?:back|a reply|an answer|a response|anything)\b",
        "Assume good faith: \"I know things get busy, so here is a short recap to make it easy to pick up.\"",
        false,
    ),
    Rule::new(
        "pointing to an old message",
        r"(?i)\b(?:as per|per) my (?:last|previous|earlier) (?:e-?mail|message|note|voicemail)\b|\bas (?:i )?(?:mentioned|stated|said|explained) (?:before|previously|earlier|in my (?:last|previous) (?:e-?mail|message))\b",
        "Restate the point in one line instead of sending them back to an old message.",
        false,
    ),
    Rule::new(
        "checking in without value",
        r"(?i)\bjust (?:checking in|touching base|following up|circling back|bumping this|wanted to (?:check in|follow up|touch base))\b",
        "Give a reason to reply: share a link, an idea or an update that helps them.",
        true,
    ),
    Rule::new(
        "reproach",
        r"(?i)\byou (?:never|didn't|did not|haven't|have not|failed to|forgot to) (?:respond|reply|replied|responded|answer|answered|get back|got back|call|called|return)\w*\b|\b(?:ignor(?:ed|ing) (?:me|my))\b|\bi(?:'m| am) (?:disappointed|surprised|frustrated) (?:that )?you\b",
        "Leave the blame out and make answering easy: \"Whenever it suits you, a one-line reply is plenty.\"",
        false,
    ),
    Rule::new(
        "pressure",
        r"(?i)\b(?:last chance|final (?:notice|reminder|attempt|warning)|act now|urgent(?:ly)?|asap|before it's too late|this is my last (?:e-?mail|attempt|message)|if i don't hear (?:back )?(?:from you )?by)\b",
        "Offer an easy out instead of an ultimatum: \"If now isn't the right time, just say so and I'll check back later.\"",
        false,
    ),
];

/// Whether the text gives the reader something: a link, an attachment, a resource or an idea.
pub(super) fn gives_value(text: &str) -> bool {
    static VALUE: OnceLock<Regex> = OnceLock::new();
    VALUE
        .get_or_init(|| {
            Regex::new(r"(?i)https?://|\battach(?:ed|ment)\b|\barticle\b|\bguide\b|\bresource\b|\bidea\b|\bthought of you\b|\bintroduc(?:e|tion)\b|\bupdate\b")
                .expect("value pattern compiles")
        })
        .is_match(text)
}

//! Typo tolerance: a word outside the vocabulary is read as the vocabulary
//! word it most likely misspells, and the reading says so ("read 'tomorow' as
//! 'tomorrow'"). Three rules keep this from guessing:
//!
//! * the first letter must match, and the edit distance (insertions,
//!   deletions, substitutions and swaps of two neighbours) is at most 1 for
//!   words of 4–6 letters and at most 2 from 7 letters on; shorter words are
//!   only read through the fixed list of shorthands (`nxt`, `tmrw`, `2morrow`);
//! * the nearest vocabulary word must be unique in meaning ("hous" is as near
//!   "hour" as "hours", which mean the same; a tie between two meanings is
//!   refused);
//! * the word must not be an English word in its own right ("monkey" is not
//!   a misspelt "monday"): [`NOT_TYPOS`] lists every word of a standard
//!   American English word list that the first two rules would otherwise
//!   correct (generated once from `/usr/share/dict/words`).

use super::words::{Kw, keyword};

/// Shorthands and misspellings read as a word, each shown as a correction.
const SHORTHANDS: &[(&str, &str)] = &[
    ("tmrw", "tomorrow"),
    ("tmr", "tomorrow"),
    ("tmw", "tomorrow"),
    ("tmrow", "tomorrow"),
    ("tmoro", "tomorrow"),
    ("tomo", "tomorrow"),
    ("tomoz", "tomorrow"),
    ("2morrow", "tomorrow"),
    ("2morow", "tomorrow"),
    ("2moro", "tomorrow"),
    ("2mrw", "tomorrow"),
    ("2mro", "tomorrow"),
    ("2day", "today"),
    ("tdy", "today"),
    ("2nite", "tonight"),
    ("2night", "tonight"),
    ("nite", "night"),
    ("nxt", "next"),
    ("wkend", "weekend"),
    ("wknd", "weekend"),
    ("arvo", "afternoon"),
    ("aftn", "afternoon"),
    ("mornin", "morning"),
    ("mrng", "morning"),
    ("fourty", "forty"),
    ("ninty", "ninety"),
];

/// Vocabulary words a misspelling may be read as.
const TARGETS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "tomorrow",
    "today",
    "tonight",
    "yesterday",
    "morning",
    "afternoon",
    "evening",
    "midnight",
    "next",
    "minute",
    "minutes",
    "hour",
    "hours",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "seconds",
    "business",
    "weekend",
    "fortnight",
    "quarter",
    "thanksgiving",
    "christmas",
    "halloween",
    "easter",
    "oclock",
    "after",
    "before",
    "later",
    "couple",
    "around",
    "following",
    "upcoming",
    "previous",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "valentines",
    "independence",
    "memorial",
];

/// English words that are near a vocabulary word but are words of their own: never corrected.
pub const NOT_TYPOS: &[&str] = &[
    "abound",
    "abounds",
    "afternoons",
    "aground",
    "alter",
    "aprils",
    "apter",
    "aroused",
    "aster",
    "astound",
    "augusta",
    "augustan",
    "augustas",
    "auguster",
    "augusts",
    "augustus",
    "baseness",
    "bedsore",
    "bossiness",
    "bruskness",
    "bulkiness",
    "burliness",
    "bushiness",
    "bushinesss",
    "busiest",
    "businesses",
    "businesss",
    "busings",
    "busyness",
    "busynesss",
    "charismas",
    "christa",
    "christas",
    "christens",
    "christian",
    "christians",
    "christies",
    "christinas",
    "christis",
    "christmases",
    "christmass",
    "christs",
    "christys",
    "compile",
    "complex",
    "copulae",
    "coupe",
    "coupled",
    "couples",
    "couplet",
    "couplets",
    "crumple",
    "deceiver",
    "decembers",
    "earning",
    "easier",
    "easterly",
    "eastern",
    "easters",
    "eater",
    "eighteens",
    "eighteenth",
    "eighties",
    "element",
    "elevens",
    "eleventh",
    "emending",
    "enliven",
    "ester",
    "evading",
    "evenings",
    "evincing",
    "evoking",
    "exacter",
    "fallowing",
    "faraday",
    "februarys",
    "fifteens",
    "fifteenth",
    "fifties",
    "flowing",
    "followings",
    "foresight",
    "forthright",
    "fortnightly",
    "fortnights",
    "fourteens",
    "fourteenth",
    "freidas",
    "fridays",
    "friedan",
    "friedas",
    "hallowed",
    "halloweens",
    "horus",
    "independences",
    "independent",
    "independents",
    "jaguars",
    "jane",
    "januarys",
    "jude",
    "judy",
    "julys",
    "junes",
    "jung",
    "junk",
    "juno",
    "juns",
    "jury",
    "jute",
    "lager",
    "lamer",
    "lantern",
    "laser",
    "late",
    "lateral",
    "lateran",
    "latex",
    "lather",
    "lathers",
    "latiner",
    "latter",
    "latters",
    "laxer",
    "layer",
    "leather",
    "liter",
    "mach",
    "manning",
    "manorial",
    "manures",
    "marc",
    "marched",
    "marcher",
    "marches",
    "marchs",
    "marci",
    "marco",
    "marcs",
    "marcy",
    "marking",
    "marring",
    "marsh",
    "match",
    "mcknight",
    "meaning",
    "memorials",
    "memories",
    "memorize",
    "merging",
    "midnights",
    "mingles",
    "minnies",
    "minster",
    "minuet",
    "minuets",
    "minuits",
    "minuses",
    "minuted",
    "minutely",
    "minuter",
    "minutest",
    "minutia",
    "minutiae",
    "minutias",
    "misuses",
    "moaning",
    "mobbing",
    "mocking",
    "modding",
    "molding",
    "molting",
    "monarch",
    "mondale",
    "mondays",
    "mont",
    "monte",
    "montes",
    "monthly",
    "monthlys",
    "monts",
    "monty",
    "montys",
    "mooning",
    "mooring",
    "mooting",
    "mopping",
    "moraine",
    "mornings",
    "moth",
    "moths",
    "mounding",
    "mounting",
    "mourning",
    "mournings",
    "mousing",
    "mouth",
    "mouthes",
    "mouths",
    "neat",
    "nest",
    "newt",
    "nexts",
    "nineteens",
    "nineteenth",
    "nineties",
    "nonmember",
    "novembers",
    "oarlock",
    "octobers",
    "precious",
    "previews",
    "previously",
    "quainter",
    "quarrel",
    "quartered",
    "quarterly",
    "quarters",
    "quartet",
    "quartets",
    "quartos",
    "quartzs",
    "quieter",
    "quilter",
    "quitter",
    "saturdays",
    "seconal",
    "seconals",
    "second",
    "seconded",
    "secondly",
    "sejongs",
    "septembers",
    "seventeens",
    "seventeenth",
    "seventies",
    "sixteens",
    "sixteenth",
    "sixties",
    "soundly",
    "subteen",
    "sundae",
    "sundaes",
    "sundas",
    "sundass",
    "sundays",
    "sundial",
    "sundry",
    "thanksgivings",
    "thirdly",
    "thirsts",
    "thirsty",
    "thirteens",
    "thirteenth",
    "thirties",
    "thirtys",
    "thrifty",
    "thursdays",
    "toady",
    "todays",
    "toddy",
    "tokay",
    "tomorrows",
    "toniest",
    "tonights",
    "tuesdays",
    "twelves",
    "twentys",
    "valentin",
    "valentine",
    "valentino",
    "valentinos",
    "valentins",
    "valentis",
    "weak",
    "weakened",
    "weakens",
    "wednesdays",
    "weed",
    "weeds",
    "weekended",
    "weekends",
    "weeklys",
    "weekss",
    "weep",
    "weeps",
    "weer",
    "wees",
    "yeagers",
    "yeah",
    "yeahs",
    "yearlys",
    "yearn",
    "yearns",
    "yeas",
    "yeats",
    "yesterdays",
];

/// A word read through a correction: the keyword and the spelling it was read as.
pub fn correct(word: &str) -> Option<(Kw, &'static str)> {
    if let Some((_, to)) = SHORTHANDS.iter().find(|(from, _)| *from == word) {
        return keyword(to).map(|kw| (kw, *to));
    }
    let limit = match word.len() {
        0..=3 => return None,
        4..=6 => 1,
        _ => 2,
    };
    if NOT_TYPOS.binary_search(&word).is_ok() {
        return None;
    }
    let first = word.as_bytes().first()?;
    let mut best: Option<(Kw, &'static str, usize)> = None;
    let mut tie = false;
    for target in TARGETS {
        if target.as_bytes().first() != Some(first) || target.len().abs_diff(word.len()) > limit {
            continue;
        }
        let distance = edit_distance(word.as_bytes(), target.as_bytes());
        if distance > limit {
            continue;
        }
        let kw = keyword(target)?;
        match best {
            Some((_, _, d)) if distance > d => {}
            Some((best_kw, _, d)) if distance == d => tie |= best_kw != kw,
            _ => {
                best = Some((kw, target, distance));
                tie = false;
            }
        }
    }
    match best {
        Some((kw, target, _)) if !tie => Some((kw, target)),
        _ => None,
    }
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions
/// and swaps of neighbours each cost 1. Words are at most 24 bytes.
fn edit_distance(a: &[u8], b: &[u8]) -> usize {
    const N: usize = 25;
    if a.len() >= N || b.len() >= N {
        return usize::MAX;
    }
    let mut d = [[0usize; N]; N];
    for (i, row) in d.iter_mut().enumerate().take(a.len() + 1) {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate().take(b.len() + 1) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(word: &str) -> Option<&'static str> {
        correct(word).map(|(_, to)| to)
    }

    #[test]
    fn common_misspellings_are_read_with_their_word() {
        assert_eq!(read("tomorow"), Some("tomorrow"));
        assert_eq!(read("tommorrow"), Some("tomorrow"));
        assert_eq!(read("wendesday"), Some("wednesday"));
        assert_eq!(read("wensday"), Some("wednesday"));
        assert_eq!(read("thrusday"), Some("thursday"));
        assert_eq!(read("nxt"), Some("next"));
        assert_eq!(read("2morrow"), Some("tomorrow"));
        assert_eq!(read("tmrw"), Some("tomorrow"));
        assert_eq!(read("febuary"), Some("february"));
        assert_eq!(read("mintues"), Some("minutes"));
    }

    #[test]
    fn words_of_their_own_and_ties_are_not_guessed() {
        assert_eq!(read("monkey"), None);
        assert_eq!(read("jane"), None);
        assert_eq!(read("late"), None);
        assert_eq!(read("tue"), None);
        assert_eq!(read("blursday"), None);
        assert_eq!(read("xyzzy"), None);
    }

    #[test]
    fn the_list_of_words_is_sorted_for_binary_search() {
        assert!(NOT_TYPOS.windows(2).all(|w| w[0] < w[1]));
    }
}

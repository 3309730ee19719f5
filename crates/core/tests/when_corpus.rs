//! Runs every line of tests/data/when_corpus.tsv through `when::resolve` and
//! reports all failing lines at once.

use tickler_core::when::{Context, resolve};

const CORPUS: &str = include_str!("data/when_corpus.tsv");

#[test]
fn corpus_resolves_as_written() {
    let mut failures = Vec::new();
    let mut cases = 0;
    let mut errors = 0;
    let mut categories = std::collections::BTreeMap::new();
    let mut category = "core";
    for (index, line) in CORPUS.lines().enumerate() {
        let number = index + 1;
        if let Some(rest) = line.strip_prefix("# category: ") {
            category = rest.split(" — ").next().unwrap_or(rest).trim();
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        *categories.entry(category).or_insert(0) += 1;
        let fields: Vec<&str> = line.split('\t').collect();
        let [now, phrase, expected] = fields[..] else {
            failures.push(format!("line {number}: malformed (need 3 tab-separated fields): {line:?}"));
            continue;
        };
        let now = match now.parse() {
            Ok(now) => now,
            Err(e) => {
                failures.push(format!("line {number}: bad now {now:?}: {e}"));
                continue;
            }
        };
        cases += 1;
        let got = match resolve(phrase, &Context::new(now)) {
            Ok(r) => r.to_canonical_string(),
            Err(_) => "error".to_string(),
        };
        if expected == "error" {
            errors += 1;
        }
        if got != expected {
            failures.push(format!("line {number}: {phrase:?}: expected {expected}, got {got}"));
        }
    }
    assert!(cases >= 2000, "corpus has only {cases} cases");
    assert!(errors >= 200, "corpus has only {errors} error cases");
    assert!(categories.len() >= 12, "corpus has only {} categories: {categories:?}", categories.len());
    assert!(failures.is_empty(), "{} of {cases} corpus lines failed:\n{}", failures.len(), failures.join("\n"));
}

//! `bench-when`: how fast `tickler_core::when::resolve` reads the phrase
//! corpus, and how much of it it gets right.
//!
//! ```text
//! bench-when [--corpus crates/core/tests/data/when_corpus.tsv] [--min-seconds 1.0]
//! ```
//!
//! Every phrase is resolved against its line's `now`; passes over the whole
//! corpus repeat until at least `--min-seconds` have been timed. Prints one
//! JSON document on standard output.

use std::hint::black_box;
use std::time::Instant;

use serde::Serialize;
use tickler_bench::args::Args;
use tickler_bench::{Result, corpus, progress};
use tickler_core::when::{Context, resolve};

#[derive(Serialize)]
struct Report {
    benchmark: &'static str,
    phrases: usize,
    passes: usize,
    seconds: f64,
    phrases_per_second: f64,
    nanoseconds_per_phrase: f64,
    correct: usize,
    accuracy: f64,
    /// Per category: (category, phrases, right).
    categories: Vec<(String, usize, usize)>,
    /// The first few lines answered differently from the corpus.
    misses: Vec<String>,
}

fn main() -> Result<()> {
    let args = Args::from_env()?;
    let path = args.text("corpus", "crates/core/tests/data/when_corpus.tsv");
    let min_seconds: f64 = args.get("min-seconds", 1.0)?;
    let cases = corpus::load(&path)?;
    if cases.is_empty() {
        return Err(format!("corpus {path} has no cases").into());
    }
    let contexts: Vec<(&str, Context)> =
        cases.iter().map(|case| (case.phrase.as_str(), Context::new(case.now.clone()))).collect();

    let mut correct = 0;
    let mut misses = Vec::new();
    let mut categories: Vec<(String, usize, usize)> = Vec::new();
    for (case, (phrase, context)) in cases.iter().zip(&contexts) {
        let answer = match resolve(phrase, context) {
            Ok(resolved) => resolved.to_canonical_string(),
            Err(_) => "error".to_string(),
        };
        if categories.last().is_none_or(|(name, _, _)| *name != case.category) {
            categories.push((case.category.clone(), 0, 0));
        }
        if let Some(last) = categories.last_mut() {
            last.1 += 1;
            last.2 += usize::from(answer == case.expected);
        }
        if answer == case.expected {
            correct += 1;
        } else if misses.len() < 10 {
            misses.push(format!("line {}: {:?}: expected {}, got {answer}", case.line, case.phrase, case.expected));
        }
    }
    progress(format!("when: {} phrases, {correct} answered as the corpus expects", cases.len()));

    let mut passes = 0;
    let started = Instant::now();
    while passes == 0 || started.elapsed().as_secs_f64() < min_seconds {
        for (phrase, context) in &contexts {
            let _ = black_box(resolve(black_box(phrase), context));
        }
        passes += 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    let resolved = (passes * contexts.len()) as f64;
    let report = Report {
        benchmark: "when",
        phrases: cases.len(),
        passes,
        seconds,
        phrases_per_second: resolved / seconds,
        nanoseconds_per_phrase: seconds * 1e9 / resolved,
        correct,
        accuracy: correct as f64 / cases.len() as f64,
        categories,
        misses,
    };
    progress(format!("when: {:.0} phrases/s over {passes} passes", report.phrases_per_second));
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

//! A rough throughput check over the corpus phrases (ignored by default;
//! run with `cargo test --release -p tickler-core --test when_throughput -- --ignored --nocapture`).

use std::time::Instant;

use tickler_core::when::{Context, resolve};

const CORPUS: &str = include_str!("data/when_corpus.tsv");

#[test]
#[ignore = "timing only"]
fn corpus_phrases_per_second() {
    let cases: Vec<(Context, &str)> = CORPUS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut f = l.split('\t');
            let now = f.next()?.parse().ok()?;
            Some((Context::new(now), f.next()?))
        })
        .collect();
    let rounds = 200;
    let start = Instant::now();
    let mut ok = 0usize;
    for _ in 0..rounds {
        for (ctx, phrase) in &cases {
            ok += usize::from(resolve(phrase, ctx).is_ok());
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let n = rounds * cases.len();
    println!("{n} phrases in {secs:.3}s = {:.0} phrases/s ({ok} ok)", n as f64 / secs);
}

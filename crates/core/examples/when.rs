//! Try phrases against a fixed now and see how each is read:
//! `cargo run -p tickler-core --example when -- 2026-11-24T10:15:00-05:00[America/New_York] "next friday" ...`
//! With no phrase after the now, phrases are read one per line from standard input.

use std::io::BufRead;

use tickler_core::when::{Context, explain};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(now) = args.next() else {
        eprintln!("usage: when NOW [PHRASE...]");
        std::process::exit(2);
    };
    let now = match now.parse() {
        Ok(now) => now,
        Err(e) => {
            eprintln!("bad now {now:?}: {e}");
            std::process::exit(2);
        }
    };
    let context = Context::new(now);
    let mut phrases: Vec<String> = args.collect();
    if phrases.is_empty() {
        phrases = std::io::stdin().lock().lines().map_while(Result::ok).collect();
    }
    for phrase in phrases {
        match explain(&phrase, &context) {
            Ok(reading) => {
                let mut line = format!("{phrase}\t{}", reading.resolved.to_canonical_string());
                for note in reading.notes {
                    line.push_str(&format!("\t# {note}"));
                }
                for other in reading.alternatives {
                    line.push_str(&format!("\t# or {} ({})", other.date, other.reading));
                }
                println!("{line}");
            }
            Err(e) => println!("{phrase}\terror\t# {e}"),
        }
    }
}

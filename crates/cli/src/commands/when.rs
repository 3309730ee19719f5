//! `when`: resolve natural-language dates, one phrase or a stream of them.

use std::io::{BufRead, Write};

use tickler_core::contact::ZoneName;
use tickler_core::when::{self, Resolved};

use crate::args::{Global, WhenArgs};
use crate::context::{now_instant, system_zone};
use crate::failure::{Failure, Outcome};

/// Resolves without opening the database: the zone is `when --tz`, else
/// `tickler --tz` / `TICKLER_TZ`, else the system's.
pub fn run(global: &Global, args: &WhenArgs) -> Outcome {
    let zone = match args.tz.as_deref().or(global.tz.as_deref()) {
        Some(name) => ZoneName::parse(name)?,
        None => system_zone(),
    };
    let now = now_instant(global.now.as_deref())?.to_zoned_datetime(zone.time_zone());
    let context = when::Context::new(now);
    if !args.phrase.is_empty() {
        let phrase = args.phrase.join(" ");
        let resolved = when::resolve(&phrase, &context).map_err(|error| Failure::Usage(error.to_string()))?;
        return print(global.json, &phrase, &resolved);
    }
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in stdin.lock().lines() {
        let phrase = line?;
        let answer = match when::resolve(&phrase, &context) {
            Ok(resolved) if global.json => serde_json::to_string(&json_answer(&phrase, &resolved))?,
            Ok(resolved) => resolved.to_canonical_string(),
            Err(error) if global.json => {
                serde_json::to_string(&serde_json::json!({ "phrase": phrase, "error": error.to_string() }))?
            }
            Err(error) => format!("error: {error}"),
        };
        writeln!(out, "{answer}")?;
    }
    out.flush()?;
    Ok(())
}

fn print(json: bool, phrase: &str, resolved: &Resolved) -> Outcome {
    if json {
        say!("{}", serde_json::to_string_pretty(&json_answer(phrase, resolved))?);
    } else {
        say!("{}", resolved.to_canonical_string());
    }
    Ok(())
}

fn json_answer(phrase: &str, resolved: &Resolved) -> serde_json::Value {
    match resolved {
        Resolved::Day(day) => serde_json::json!({ "phrase": phrase, "kind": "day", "date": day.to_string() }),
        Resolved::Moment(moment) => serde_json::json!({
            "phrase": phrase,
            "kind": "time",
            "local": resolved.to_canonical_string(),
            "zone": moment.time_zone().iana_name(),
            "utc": moment.timestamp().to_string(),
        }),
    }
}

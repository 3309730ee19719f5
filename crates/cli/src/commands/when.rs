//! `when`: resolve natural-language dates, one phrase or a stream of them;
//! `--explain` also says how each was read.

use std::io::{BufRead, Write};

use tickler_core::contact::ZoneName;
use tickler_core::when::{self, DateOrder, Reading, Resolved};

use crate::args::{Global, WhenArgs};
use crate::context::{now_instant, system_zone};
use crate::failure::{Failure, Outcome};

/// Resolves without opening the database: the zone is `when --tz`, else
/// `tickler --tz` / `TICKLER_TZ`, else the system's; the date order is
/// `--date-order`, else the zone country's.
pub fn run(global: &Global, args: &WhenArgs) -> Outcome {
    let zone = match args.tz.as_deref().or(global.tz.as_deref()) {
        Some(name) => ZoneName::parse(name)?,
        None => system_zone(),
    };
    let now = now_instant(global.now.as_deref())?.to_zoned_datetime(zone.time_zone());
    let mut context = when::Context::new(now);
    if let Some(order) = &args.date_order {
        context.date_order = DateOrder::parse(order).map_err(|e| Failure::Usage(format!("--date-order: {e}")))?;
    }
    if !args.phrase.is_empty() {
        let phrase = args.phrase.join(" ");
        let reading = when::explain(&phrase, &context).map_err(|error| Failure::Usage(error.to_string()))?;
        return print(global.json, args.explain, &phrase, &reading);
    }
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in stdin.lock().lines() {
        let phrase = line?;
        let answer = match when::explain(&phrase, &context) {
            Ok(reading) if global.json => serde_json::to_string(&json_answer(&phrase, &reading))?,
            Ok(reading) if args.explain => text_answer(&phrase, &reading),
            Ok(reading) => reading.resolved.to_canonical_string(),
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

fn print(json: bool, explain: bool, phrase: &str, reading: &Reading) -> Outcome {
    if json {
        say!("{}", serde_json::to_string_pretty(&json_answer(phrase, reading))?);
    } else if explain {
        say!("{}", text_answer(phrase, reading));
    } else {
        say!("{}", reading.resolved.to_canonical_string());
    }
    Ok(())
}

/// "next friday → 2026-12-04 (the Friday of next week; say 'this friday' for Fri 27 Nov)".
fn text_answer(phrase: &str, reading: &Reading) -> String {
    // The notes already name the other reading of an ambiguous date.
    let parts = &reading.notes;
    let answer = reading.resolved.to_canonical_string();
    match parts.is_empty() {
        true => format!("{phrase} → {answer}"),
        false => format!("{phrase} → {answer} ({})", parts.join("; ")),
    }
}

fn json_answer(phrase: &str, reading: &Reading) -> serde_json::Value {
    let alternatives: Vec<serde_json::Value> = reading
        .alternatives
        .iter()
        .map(|other| serde_json::json!({ "date": other.date.to_string(), "reading": other.reading }))
        .collect();
    let mut answer = match &reading.resolved {
        Resolved::Day(day) => serde_json::json!({ "phrase": phrase, "kind": "day", "date": day.to_string() }),
        Resolved::Moment(moment) => serde_json::json!({
            "phrase": phrase,
            "kind": "time",
            "local": reading.resolved.to_canonical_string(),
            "zone": moment.time_zone().iana_name(),
            "utc": moment.timestamp().to_string(),
        }),
    };
    if let Some(object) = answer.as_object_mut() {
        object.insert("notes".into(), serde_json::json!(reading.notes));
        object.insert("alternatives".into(), serde_json::json!(alternatives));
    }
    answer
}

//! `tickler report`: a report over a period as text, JSON and CSV, with the
//! week cut in the account's zone (Honolulu: a Sunday 23:30 there is Monday in
//! UTC), and each bad flag named.

use serde_json::json;
use tickler_test_support::both;

use crate::common::*;

/// In Honolulu: a follow-up done 2 hours late, one skipped on Sunday 8 November at 23:30, touches either side.
fn history(t: &Tickler) -> Tickler {
    let t = t.in_zone("Pacific/Honolulu");
    let early = t.at("2026-11-01T09:00:00-10:00");
    early.add("Ann Lee", &[]);
    let late = id(&early.json(&["follow", "ann", "2026-11-03 10am", "--force"])["follow_up"]);
    let skipped = id(&early.json(&["follow", "ann", "2026-11-08 9am", "--force"])["follow_up"]);
    t.at("2026-11-03T12:00:00-10:00").ok(&["done", &late.to_string()]);
    t.at("2026-11-08T23:30:00-10:00").ok(&["skip", &skipped.to_string()]);
    t.ok(&["log", "ann", "email", "Proposal", "--at", "2026-11-08 11:30pm"]);
    t.ok(&["log", "ann", "call", "Follow-up call", "--at", "2026-11-09 9am"]);
    t
}

both!(a_report_prints_as_csv_json_and_text, |t: &Tickler| {
    let t = history(t);
    let csv = t.ok(&["report", "follow-ups", "--from", "2026-11-02", "--to", "2026-11-15", "--csv"]).stdout;
    assert_eq!(
        csv,
        "week,on time,late,median lateness,median lateness (seconds),skipped\r\n\
         2026-11-02,0,1,2h 0m,7200,1\r\n2026-11-09,0,0,,,0\r\n"
    );
    let touches = t.json(&["report", "touches", "--from", "2026-11-02", "--to", "2026-11-15"]);
    assert_eq!(touches["zone"], "Pacific/Honolulu");
    assert_eq!(
        touches["figures"]["rows"],
        json!([
            { "week": "2026-11-02", "name": "email out", "count": 1 },
            { "week": "2026-11-09", "name": "call out", "count": 1 },
        ]),
        "Sunday 23:30 in Honolulu stays in its week"
    );
    let text = t.ok(&["report", "touches", "--period", "4w"]).stdout;
    assert!(text.starts_with("Touches per week by channel and direction — 2026-11-02 to 2026-11-24"), "{text}");
    assert!(text.contains("2026-11-09  call out"), "{text}");
});

both!(a_bad_report_flag_is_named, |t: &Tickler| {
    t.rejects(&["report", "weather"], 2, &["report", "follow-ups, promises"]);
    t.rejects(&["report", "touches", "--from", "2026-11-15", "--to", "2026-11-02"], 2, &["before"]);
    t.rejects(&["report", "touches", "--from", "yesterday-ish"], 2, &["from", "YYYY-MM-DD"]);
    t.rejects(&["report", "touches", "--period", "3 fortnights"], 2, &["period"]);
    t.run(&["report", "touches", "--period", "4w", "--from", "2026-11-02"]).failure(2);
});

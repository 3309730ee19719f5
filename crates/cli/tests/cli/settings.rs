//! `tickler settings`: the account's zone, working week and pacing gap.

use serde_json::json;
use tickler_test_support::both;

use crate::common::Tickler;

both!(settings_change_and_read_back, |t: &Tickler| {
    let defaults = t.json(&["settings"]);
    assert_eq!(defaults["zone"], "America/New_York", "a new account takes the zone it was opened with");
    assert_eq!(defaults["pacing_gap_days"], 2);
    assert_eq!(defaults["work_week"]["start"], "09:00:00");
    assert_eq!(defaults["work_week"]["end"], "17:00:00");

    let text = t
        .ok(&[
            "settings",
            "--set-tz",
            "Europe/Paris",
            "--pacing",
            "3",
            "--work-start",
            "08:00",
            "--work-end",
            "16:00",
            "--work-days",
            "mon-thu",
        ])
        .stdout;
    assert!(
        text.contains("Europe/Paris") && text.contains("08:00–16:00") && text.contains("mon, tue, wed, thu"),
        "{text}"
    );

    let expected = json!({
        "zone": "Europe/Paris",
        "work_week": { "start": "08:00:00", "end": "16:00:00", "days": [true, true, true, true, false, false, false] },
        "pacing_gap_days": 3,
        "date_order": null,
    });
    assert_eq!(t.json(&["settings"]), expected);
    assert_eq!(t.in_zone("Asia/Tokyo").json(&["settings"]), expected, "--tz does not change the setting");

    // One flag changes one thing.
    t.ok(&["settings", "--pacing", "5"]);
    let after = t.json(&["settings"]);
    assert_eq!(after["pacing_gap_days"], 5);
    assert_eq!(after["work_week"], expected["work_week"]);
});

both!(the_date_order_reads_numeric_dates, |t: &Tickler| {
    // New York writes month first: 3/4 is 4 March.
    let text = t.ok(&["settings"]).stdout;
    assert!(text.contains("date order    mdy (month first, from the time zone)"), "{text}");
    t.add("Ann Lee", &[]);
    let due = t.json(&["follow", "ann", "3/4/2027"])["follow_up"].clone();
    assert_eq!(due["due"]["date"], "2027-03-04", "{due}");
    t.ok(&["settings", "--date-order", "dmy"]);
    assert_eq!(t.json(&["settings"])["date_order"], "dmy");
    let due = t.json(&["follow", "ann", "3/4/2027", "--force"])["follow_up"].clone();
    assert_eq!(due["due"]["date"], "2027-04-03", "{due}");
    // "zone" goes back to the zone's country; a bad order names its flag.
    t.ok(&["settings", "--date-order", "zone"]);
    assert_eq!(t.json(&["settings"])["date_order"], serde_json::Value::Null);
    t.rejects(&["settings", "--date-order", "dym"], 2, &["date-order", "\"dym\""]);
});

both!(the_working_week_shapes_promises, |t: &Tickler| {
    t.add("Ann Lee", &[]);
    t.ok(&["settings", "--work-end", "16:00"]);
    let promise = t.json(&["promise", "ann", "send revised quote", "--aim", "in 1 hour"]);
    assert_eq!(promise["told"], "2026-11-24T21:00:00Z", "told at the end of the working day, now 16:00");
    // Wednesday is no longer a work day: a late aim on Tuesday rolls to Thursday morning.
    t.ok(&["settings", "--work-days", "mon,tue,thu,fri"]);
    let late = t.at("2026-11-24T15:30:00-05:00");
    let promise = late.json(&["promise", "ann", "call back", "--aim", "in 1 hour"]);
    assert_eq!(promise["told"], "2026-11-26T16:00:00Z");
});

both!(a_bad_setting_names_its_field, |t: &Tickler| {
    t.ok(&["settings", "--pacing", "3"]);
    t.rejects(&["settings", "--set-tz", "Mars/Base"], 2, &["tz", "\"Mars/Base\""]);
    t.rejects(&["settings", "--work-start", "25:00"], 2, &["work-start", "\"25:00\""]);
    t.rejects(&["settings", "--work-end", "5pm-ish"], 2, &["work-end"]);
    t.rejects(&["settings", "--work-days", "funday"], 2, &["work-days", "\"funday\""]);
    t.rejects(&["settings", "--work-start", "18:00", "--work-end", "09:00"], 2, &["work-end", "after"]);
    // A bad value alongside good ones changes nothing at all.
    t.rejects(&["settings", "--pacing", "7", "--work-days", "funday"], 2, &["work-days"]);
    assert_eq!(t.json(&["settings"])["pacing_gap_days"], 3);
    let output = t.run(&["settings", "--pacing", "lots"]).failure(2);
    assert!(output.stderr.contains("--pacing"), "{output:?}");
});

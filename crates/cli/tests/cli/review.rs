//! The weekly review email: chosen by day and hour (`tickler mail from
//! --review-day friday --review-hour 16`), sent by the worker through a real
//! SMTP server (smtp-sink) once that hour comes in the account's zone, and
//! once only: a later pass, or a restarted worker, sends no second one.

use tickler_test_support::both;
use tickler_test_support::smtp_sink::SmtpSink;

use crate::common::Tickler;

fn worker(t: &Tickler, sink: &SmtpSink) -> serde_json::Value {
    let env = [
        ("TICKLER_SMTP_HOST", "127.0.0.1".to_string()),
        ("TICKLER_SMTP_PORT", sink.port.to_string()),
        ("TICKLER_SMTP_SECURITY", "none".to_string()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(key, value)| (*key, value.as_str())).collect();
    t.run_env(&["worker", "--once", "--json"], &env).success().json()
}

fn reviews(sink: &SmtpSink) -> Vec<tickler_test_support::smtp_sink::Received> {
    sink.messages().into_iter().filter(|m| m.header("subject").is_some_and(|s| s.starts_with("Your week"))).collect()
}

both!(the_weekly_review_goes_out_once_at_the_chosen_hour, |t: &Tickler| {
    let sink = SmtpSink::start();
    let text = t
        .ok(&[
            "mail",
            "from",
            "--name",
            "Sam Stone",
            "--address",
            "sam@stone.example",
            "--review-day",
            "Fri",
            "--review-hour",
            "16",
        ])
        .stdout;
    assert!(text.contains("Review:     friday at 16:00"), "{text}");
    t.rejects(&["mail", "from", "--review-day", "someday"], 2, &["review-day"]);
    t.rejects(&["mail", "from", "--review-hour", "24"], 2, &["review-hour"]);

    // The week of Saturday 21 to Friday 27 November in New York.
    let monday = t.at("2026-11-23T08:00:00-05:00");
    monday.add("Ann Lee", &["--email", "ann@acme.com"]);
    t.at("2026-08-01T09:00:00-04:00").add("Bo Chen", &["--cadence", "every 30 days"]);
    let late = crate::common::id(&monday.json(&["follow", "ann", "today 9am", "--force"])["follow_up"]);
    let on_time = crate::common::id(&monday.json(&["follow", "ann", "tomorrow", "--force"])["follow_up"]);
    monday.json(&["follow", "ann", "wednesday 9am", "--via", "email", "--note", "send the deck", "--force"]);
    t.at("2026-11-23T10:00:00-05:00").ok(&["done", &late.to_string()]);
    t.at("2026-11-24T15:00:00-05:00").ok(&["done", &on_time.to_string()]);
    t.at("2026-11-24T15:00:00-05:00").ok(&[
        "promise",
        "ann",
        "send the quote",
        "--aim",
        "2026-11-30 noon",
        "--told",
        "2026-12-01 5pm",
    ]);

    // Friday 15:00: not yet.
    worker(&t.at("2026-11-27T15:00:00-05:00"), &sink);
    assert!(reviews(&sink).is_empty(), "nothing before the chosen hour");
    // Friday 16:05: the review.
    worker(&t.at("2026-11-27T16:05:00-05:00"), &sink);
    let sent = reviews(&sink);
    assert_eq!(sent.len(), 1);
    let review = &sent[0];
    assert_eq!(review.header("to"), Some("sam@stone.example"));
    assert_eq!(review.header("subject"), Some("Your week: 2 done, 1 slipped, 1 promise due next week"));
    let body = review.body.replace("\r\n", "\n");
    assert!(body.contains("Your week in follow-ups, Sat 21 Nov to Fri 27 Nov 2026."), "{body}");
    assert!(body.contains("Done: 2 (1 on time, 1 late); skipped: 0."), "{body}");
    assert!(body.contains("  - Ann Lee · email · send the deck (2 days late)"), "{body}");
    assert!(body.contains("  - Ann Lee: \"send the quote\" told for Tue 2026-12-01 17:00"), "{body}");
    assert!(body.contains("  - Reconnect with Bo Chen"), "{body}");
    // A later pass (a restarted worker) sends no second one that week.
    worker(&t.at("2026-11-27T16:30:00-05:00"), &sink);
    worker(&t.at("2026-11-28T09:00:00-05:00"), &sink);
    assert_eq!(reviews(&sink).len(), 1, "one review a week");
});

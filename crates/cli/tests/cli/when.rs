//! `tickler when`: resolve natural dates, one phrase or a stream on stdin.
//! It opens no database, so these run once rather than per store.

use crate::common::*;

/// 2013-02-12T04:30:00-02:00 is Monday 11 February 2013, 22:30 in Los Angeles.
const NOW: &str = "2013-02-12T04:30:00-02:00";
const LA: &str = "America/Los_Angeles";

fn when(args: &[&str], stdin: Option<&str>) -> Output {
    let mut full: Vec<String> = vec!["when".into()];
    full.extend(args.iter().map(|arg| arg.to_string()));
    full.extend(["--now", NOW, "--tz", LA].map(String::from));
    run_binary(&full, stdin)
}

/// `YYYY-MM-DDTHH:MM:SS±HH:MM`.
fn is_local_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| range.into_iter().all(|i| bytes[i].is_ascii_digit());
    bytes.len() == 25
        && digits(0..4)
        && bytes[4] == b'-'
        && digits(5..7)
        && bytes[7] == b'-'
        && digits(8..10)
        && bytes[10] == b'T'
        && digits(11..13)
        && bytes[13] == b':'
        && digits(14..16)
        && bytes[16] == b':'
        && digits(17..19)
        && (bytes[19] == b'+' || bytes[19] == b'-')
        && digits(20..22)
        && bytes[22] == b':'
        && digits(23..25)
}

#[test]
fn a_time_phrase_prints_local_time_with_its_offset() {
    // Monday evening in Los Angeles: "next tuesday" is the Tuesday of next week (19 Feb), 15:00 PST.
    let output = when(&["next tuesday 3pm"], None).success();
    assert_eq!(output.stdout, "2013-02-19T15:00:00-08:00\n");
    assert!(is_local_time(output.stdout.trim_end()));
    assert!(output.stderr.is_empty(), "{output:?}");
    // Words may also come as separate arguments.
    assert_eq!(when(&["next", "tuesday", "3pm"], None).success().stdout, "2013-02-19T15:00:00-08:00\n");
    assert_eq!(when(&["tomorrow 3pm"], None).success().stdout, "2013-02-12T15:00:00-08:00\n");
    assert_eq!(when(&["in 1 hour"], None).success().stdout, "2013-02-11T23:30:00-08:00\n");
}

#[test]
fn a_day_phrase_prints_the_date() {
    assert_eq!(when(&["next tuesday"], None).success().stdout, "2013-02-19\n");
    assert_eq!(when(&["tomorrow"], None).success().stdout, "2013-02-12\n");
    assert_eq!(when(&["friday"], None).success().stdout, "2013-02-15\n");
    assert_eq!(when(&["in 2 days"], None).success().stdout, "2013-02-13\n");
    assert_eq!(when(&["in 3 months"], None).success().stdout, "2013-05-11\n");
}

#[test]
fn times_keep_their_wall_clock_across_daylight_saving() {
    let run = |now: &str, phrase: &str| {
        let args = ["when", phrase, "--now", now, "--tz", "America/New_York"].map(String::from);
        run_binary(&args, None).success().stdout
    };
    // New York springs forward on Sunday 8 March 2026.
    assert_eq!(run("2026-03-07T12:00:00-05:00", "tomorrow 9am"), "2026-03-08T09:00:00-04:00\n");
    assert_eq!(run("2026-03-08T01:30:00-05:00", "in 1 hour"), "2026-03-08T03:30:00-04:00\n");
}

#[test]
fn stdin_answers_each_line_in_order() {
    let input = "next tuesday 3pm\nnext blursday\ntomorrow\n\nin 1 hour\nfriday\n";
    let output = when(&[], Some(input)).success();
    let lines: Vec<&str> = output.stdout.lines().collect();
    assert_eq!(lines.len(), input.lines().count(), "one answer per line: {output:?}");
    assert_eq!(lines[0], "2013-02-19T15:00:00-08:00");
    assert!(lines[1].starts_with("error: ") && lines[1].contains("blursday"), "{output:?}");
    assert_eq!(lines[2], "2013-02-12");
    assert!(lines[3].starts_with("error: "), "an empty line is answered too: {output:?}");
    assert_eq!(lines[4], "2013-02-11T23:30:00-08:00");
    assert_eq!(lines[5], "2013-02-15");
    // The last line needs no newline, and Windows line ends are fine.
    assert_eq!(when(&[], Some("tomorrow\r\nfriday")).success().stdout, "2013-02-12\n2013-02-15\n");
    assert_eq!(when(&[], Some("")).success().stdout, "");
}

#[test]
fn a_single_unreadable_phrase_fails_quoting_it() {
    let output = when(&["next blursday"], None);
    assert_ne!(output.code, 0, "{output:?}");
    let line = output.error_line();
    assert!(line.contains("\"next blursday\""), "{line}");
    assert_ne!(when(&[""], None).code, 0);
}

#[test]
fn json_output_parses() {
    let time = when(&["next tuesday 3pm", "--json"], None).success().json();
    assert_eq!(time["kind"], "time");
    assert_eq!(time["phrase"], "next tuesday 3pm");
    assert_eq!(time["local"], "2013-02-19T15:00:00-08:00");
    assert_eq!(time["utc"], "2013-02-19T23:00:00Z");
    assert_eq!(time["zone"], LA);
    let day = when(&["next tuesday", "--json"], None).success().json();
    assert_eq!(day["kind"], "day");
    assert_eq!(day["date"], "2013-02-19");

    let output = when(&["--json"], Some("tomorrow\nnext blursday\n")).success();
    let answers: Vec<serde_json::Value> =
        output.stdout.lines().map(|line| serde_json::from_str(line).expect("one JSON object per line")).collect();
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[0]["date"], "2013-02-12");
    assert_eq!(answers[1]["phrase"], "next blursday");
    assert!(answers[1]["error"].as_str().unwrap().contains("blursday"));
}

/// `tickler when < phrases | head -1`: once the reader goes away the command
/// stops quietly with SIGPIPE's exit code, not a panic.
#[test]
fn a_reader_that_goes_away_ends_the_stream_quietly() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_tickler"))
        .args(["when", "--now", NOW, "--tz", LA])
        .env_remove("TICKLER_DATABASE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tickler");
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().expect("stdin");
    // The child may stop reading as soon as its output fails; later writes may fail too.
    let _ = stdin.write_all("tomorrow 3pm\n".repeat(100_000).as_bytes());
    drop(stdin);
    let output = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(141), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.trim().is_empty(), "nothing to say when the reader left: {stderr}");
}

#[test]
fn explain_says_how_a_phrase_was_read() {
    // Monday evening in Los Angeles: "next friday" is the Friday of next week.
    let output = when(&["--explain", "next friday"], None).success();
    assert_eq!(output.stdout, "next friday → 2013-02-22 (the Friday of next week; say 'this friday' for Fri 15 Feb)\n");
    let output = when(&["--explain", "tomorow", "at", "9"], None).success();
    assert_eq!(output.stdout, "tomorow at 9 → 2013-02-12T09:00:00-08:00 (read 'tomorow' as 'tomorrow')\n");
    // A phrase with one reading is printed as is.
    assert_eq!(when(&["--explain", "in 2 days"], None).success().stdout, "in 2 days → 2013-02-13\n");
    // JSON carries the notes and the other reading of an ambiguous date.
    let output = when(&["--json", "--date-order", "dmy", "3/4"], None).success();
    let answer: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    assert_eq!(answer["date"], "2013-04-03");
    assert_eq!(answer["alternatives"][0]["date"], "2013-03-04");
    assert_eq!(answer["alternatives"][0]["reading"], "month first");
}

//! A folder of 50,000 messages read whole by `Inbox::fetch_after`, 100 at a
//! time, in bounded memory. A process of its own, so that the peak memory it
//! reports is this test's alone.

use std::time::Instant;

use tickler_mail::{ImapConfig, Inbox};
use tickler_test_support::dovecot::{Dovecot, USER};

const MESSAGES: usize = 50_000;
const BATCH: usize = 100;
/// The most the whole test process may hold at its peak.
const MAX_RSS_KB: u64 = 100 * 1024;

/// Message `n`: a small reply mostly; every 1000th carries 200 KB of text, more than a fetch takes.
fn message(n: usize) -> Vec<u8> {
    let body = if n % 1000 == 999 { "x".repeat(72).repeat(2800) } else { format!("Reply number {n}.\n").repeat(40) };
    format!(
        "From: Correspondent {n} <c{n}@acme.example>\nTo: Sam <sam@example.org>\nSubject: message {n}\n\
         Message-ID: <{n}@acme.example>\nIn-Reply-To: <plan.{n}@example.org>\n\
         Date: Tue, 24 Nov 2026 12:30:00 +0000\nContent-Type: text/plain; charset=utf-8\n\n{body}"
    )
    .into_bytes()
}

/// The peak resident memory of this process so far, in KiB (Linux's VmHWM).
fn peak_rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_thousand_messages_are_read_whole_in_bounded_memory() {
    let dovecot = Dovecot::start();
    let filling = Instant::now();
    dovecot.fill(USER, "INBOX", MESSAGES, message);
    eprintln!("filled: {MESSAGES} messages written and indexed by Dovecot in {:?}", filling.elapsed());

    let config = ImapConfig::from_sources(Some(&dovecot.settings()), |_| None).unwrap().unwrap();
    let reading = Instant::now();
    let (mut inbox, status) = Inbox::open(&config).await.unwrap();
    assert_eq!(status.messages as usize, MESSAGES);
    let mut seen = vec![false; MESSAGES];
    let (mut last_uid, mut read, mut calls) = (0, 0, 0);
    loop {
        let batch = inbox.fetch_after(last_uid, BATCH).await.unwrap();
        calls += 1;
        for message in &batch {
            assert!(message.uid > last_uid, "UIDs ascend and none comes twice: {} after {last_uid}", message.uid);
            last_uid = message.uid;
            let n: usize = message.subject.trim_start_matches("message ").parse().expect("a subject of the fill");
            assert!(!std::mem::replace(&mut seen[n], true), "message {n} read twice");
            assert_eq!(message.message_id, Some(format!("<{n}@acme.example>")));
            read += 1;
        }
        if batch.len() < BATCH {
            break;
        }
    }
    let elapsed = reading.elapsed();
    inbox.close().await;
    assert_eq!(read, MESSAGES);
    assert!(seen.iter().all(|seen| *seen));
    let peak = peak_rss_kb();
    eprintln!(
        "read: {read} messages in {calls} calls in {elapsed:?}, {:.0} messages/s; peak RSS of the process {} MiB",
        read as f64 / elapsed.as_secs_f64(),
        peak / 1024
    );
    assert!(peak < MAX_RSS_KB, "peak RSS {peak} kB");
    let stopping = Instant::now();
    drop(dovecot);
    eprintln!("stopped and removed in {:?}", stopping.elapsed());
}

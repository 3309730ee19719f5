//! A server that stops answering costs one timeout, and holds up no other mailbox.

use std::time::{Duration, Instant};

use tickler_mail::{Inbox, MailError};
use tickler_test_support::dovecot::{Dovecot, USER};
use tickler_test_support::hanging_imap::HangingImap;

use super::{config, message, settings};

/// Seconds the hanging servers are given.
const TIMEOUT: u64 = 2;

fn hanging_config(server: &HangingImap) -> tickler_mail::ImapConfig {
    settings(&format!(
        "[imap]\nhost = 127.0.0.1\nport = {}\nsecurity = none\nusername = sam\npassword = secret\ntimeout = {TIMEOUT}\n",
        server.port
    ))
}

/// Open the inbox on `server` and check that it fails, transiently, in about the timeout.
async fn fails_in_time(server: &HangingImap, kind: &str) {
    let started = Instant::now();
    let error = Inbox::open(&hanging_config(server)).await.unwrap_err();
    let elapsed = started.elapsed();
    eprintln!("{kind}: failed after {elapsed:?}: {error}");
    assert!(matches!(&error, MailError::Transient(message) if message.contains("no answer within")), "{error:?}");
    assert!(elapsed >= Duration::from_secs(TIMEOUT), "{elapsed:?}");
    // One step waits at most the timeout; a few seconds more for a busy machine.
    assert!(elapsed < Duration::from_secs(TIMEOUT + 5), "{elapsed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_greets_fails_within_the_timeout() {
    let server = HangingImap::silent();
    fails_in_time(&server, "silent").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_stops_after_the_login_fails_within_the_timeout() {
    let server = HangingImap::after_login();
    fails_in_time(&server, "after login").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_mailbox_holds_up_no_other() {
    let (silent, dovecot) = (HangingImap::silent(), Dovecot::start());
    dovecot.append(message("fine"));
    let hanging = async {
        let started = Instant::now();
        (Inbox::open(&hanging_config(&silent)).await.map(|_| ()), started.elapsed())
    };
    let working = async {
        let started = Instant::now();
        let (mut inbox, _) = Inbox::open(&config(&dovecot, USER)).await.unwrap();
        let messages = inbox.fetch_after(0, 10).await.unwrap();
        inbox.close().await;
        (messages.len(), started.elapsed())
    };
    let ((hung, hung_for), (read, read_in)) = tokio::join!(hanging, working);
    assert!(hung.is_err());
    assert_eq!(read, 1);
    assert!(read_in < hung_for, "the working mailbox took {read_in:?}, the hanging one {hung_for:?}");
}

//! `Inbox::wait_for_news`: IDLE hears a delivery at once; without IDLE the
//! wait is a sleep; a connection that dies while idling is a transient error.

use std::time::{Duration, Instant};

use tickler_mail::{Inbox, MailError};
use tickler_test_support::dovecot::{Dovecot, USER};

use super::{config, message};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_hears_a_delivery_as_it_happens() {
    let dovecot = Dovecot::start();
    let (mut inbox, status) = Inbox::open(&config(&dovecot, USER)).await.unwrap();
    assert!(inbox.can_idle());
    assert_eq!(status.messages, 0);
    let waiting = tokio::spawn(async move {
        let news = inbox.wait_for_news(Duration::from_secs(30)).await;
        (inbox, news)
    });
    // Let the IDLE start (were it not started yet, the news would be told when it starts).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let delivering = Instant::now();
    dovecot.deliver("ann@acme.example", &["sam@example.org"], &message("news"));
    let delivered = Instant::now();
    let (mut inbox, news) = waiting.await.unwrap();
    let latency = delivering.elapsed();
    eprintln!(
        "IDLE: wait_for_news returned {latency:?} after the LMTP delivery began, {:?} after it was saved",
        delivered.elapsed()
    );
    let status = news.unwrap();
    assert_eq!(status.messages, 1);
    assert!(latency < Duration::from_secs(10), "{latency:?}: the 30 s wait should have ended at the delivery");
    // The session came back from IDLE: the inbox reads on.
    let messages = inbox.fetch_after(0, 10).await.unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].subject, "news");
    inbox.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_news_the_wait_ends_at_its_bound_and_again_after() {
    let dovecot = Dovecot::start();
    dovecot.append(message("old"));
    let (mut inbox, status) = Inbox::open(&config(&dovecot, USER)).await.unwrap();
    for _ in 0..2 {
        let started = Instant::now();
        let after = inbox.wait_for_news(Duration::from_secs(1)).await.unwrap();
        assert!(started.elapsed() >= Duration::from_millis(900), "{:?}", started.elapsed());
        assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
        assert_eq!(after, status);
    }
    assert_eq!(inbox.fetch_after(0, 10).await.unwrap().len(), 1);
    inbox.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn news_told_before_the_wait_ends_it_at_once() {
    let dovecot = Dovecot::start();
    let (mut inbox, _) = Inbox::open(&config(&dovecot, USER)).await.unwrap();
    dovecot.deliver("ann@acme.example", &["sam@example.org"], &message("early"));
    // Mail that came between two calls is not missed by the wait that follows.
    let started = Instant::now();
    let status = inbox.wait_for_news(Duration::from_secs(30)).await.unwrap();
    assert_eq!(status.messages, 1);
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    inbox.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_idle_the_wait_sleeps_then_looks_again() {
    let dovecot = Dovecot::builder().capability("IMAP4rev1 LITERAL+").start();
    let (mut inbox, status) = Inbox::open(&config(&dovecot, USER)).await.unwrap();
    assert!(!inbox.can_idle());
    assert_eq!(status.messages, 0);
    dovecot.append(message("while asleep"));
    let started = Instant::now();
    let status = inbox.wait_for_news(Duration::from_secs(2)).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(1900), "{:?}", started.elapsed());
    assert_eq!(status.messages, 1);
    assert_eq!(inbox.fetch_after(0, 10).await.unwrap()[0].subject, "while asleep");
    inbox.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_dies_while_idling_is_a_transient_error() {
    let dovecot = Dovecot::start();
    let (mut inbox, _) = Inbox::open(&config(&dovecot, USER)).await.unwrap();
    let waiting = tokio::spawn(async move {
        let news = inbox.wait_for_news(Duration::from_secs(60)).await;
        (inbox, news)
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let stopped = Instant::now();
    drop(dovecot);
    let (mut inbox, news) = tokio::time::timeout(Duration::from_secs(30), waiting)
        .await
        .expect("the wait ends when the server goes away")
        .unwrap();
    eprintln!("the wait ended {:?} after the server was stopped: {news:?}", stopped.elapsed());
    assert!(matches!(news, Err(MailError::Transient(_))), "{news:?}");
    // The inbox knows its connection is gone.
    let again = inbox.fetch_after(0, 10).await.unwrap_err();
    assert!(matches!(&again, MailError::Transient(message) if message.contains("opened again")), "{again:?}");
    inbox.close().await;
}

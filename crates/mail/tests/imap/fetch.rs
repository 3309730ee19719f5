//! `Inbox::fetch_after` on folders whose UIDs have gaps, and on an empty one.

use tickler_mail::{InboundMessage, Inbox};
use tickler_test_support::dovecot::{Dovecot, USER};

use super::{config, message};

fn uids(messages: &[InboundMessage]) -> Vec<u32> {
    messages.iter().map(|message| message.uid).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_past_gaps_in_the_uids_are_found_in_order() {
    let dovecot = Dovecot::start();
    dovecot.fill(USER, "INBOX", 6000, |n| message(&format!("message {n}")));
    // Left: UID 3000, then 5990 to 6000. Most windows searched find nothing.
    dovecot.expunge(USER, "INBOX", "1:2999,3001:5989");
    let (mut inbox, status) = Inbox::open(&config(&dovecot, USER)).await.unwrap();
    assert_eq!(status.messages, 12);
    // Found in a bounded window, far past the first ones.
    let first = inbox.fetch_after(0, 1).await.unwrap();
    assert_eq!(uids(&first), [3000]);
    assert_eq!(first[0].subject, "message 2999", "the fill's messages get UIDs in the order made");
    // Found across the gap, in the open-ended window that reaches UIDNEXT.
    assert_eq!(uids(&inbox.fetch_after(0, 5).await.unwrap()), [3000, 5990, 5991, 5992, 5993]);
    assert_eq!(uids(&inbox.fetch_after(5993, 100).await.unwrap()), (5994..=6000).collect::<Vec<_>>());
    assert_eq!(uids(&inbox.fetch_after(6000, 100).await.unwrap()), Vec::<u32>::new());
    assert_eq!(uids(&inbox.fetch_after(u32::MAX, 100).await.unwrap()), Vec::<u32>::new());
    // Mail that came after the EXAMINE is found too (past the UIDNEXT it told).
    dovecot.append(message("late"));
    let late = inbox.fetch_after(6000, 100).await.unwrap();
    assert_eq!(uids(&late), [6001]);
    assert_eq!(late[0].subject, "late");
    inbox.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_folder_has_nothing_to_fetch() {
    let dovecot = Dovecot::start();
    let (mut inbox, status) = Inbox::open(&config(&dovecot, USER)).await.unwrap();
    assert_eq!(status.messages, 0);
    assert!(inbox.fetch_after(0, 100).await.unwrap().is_empty());
    assert_eq!(inbox.examine("Drafts").await.unwrap().messages, 0);
    assert!(inbox.fetch_after(0, 100).await.unwrap().is_empty());
    inbox.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bcc_to_the_detail_address_is_read_from_the_inbox() {
    let dovecot = Dovecot::start();
    // Sam's own message to Ann, copied to Sam's log address: that address is in no header.
    let sent = b"From: Sam <sam@example.org>\nTo: Ann Lee <ann@acme.example>\nSubject: Thank you\n\
                 Message-ID: <thanks-1@example.org>\n\nThank you, Ann.\n";
    dovecot.deliver("sam@example.org", &["sam+tickler-log@example.org"], sent);
    let (mut inbox, _) = Inbox::open(&config(&dovecot, USER)).await.unwrap();
    let messages = inbox.fetch_after(0, 10).await.unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].message_id.as_deref(), Some("<thanks-1@example.org>"));
    assert_eq!(messages[0].from.as_deref(), Some("sam@example.org"));
    assert_eq!(messages[0].snippet(), "Thank you, Ann.");
    inbox.close().await;
}

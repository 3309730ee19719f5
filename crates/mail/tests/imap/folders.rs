//! Finding the sent folder (by SPECIAL-USE, by the attributes of a plain
//! LIST, by name) and reading one folder after another.

use tickler_mail::{Inbox, MailError};
use tickler_test_support::dovecot::{Dovecot, USER};

use super::{config, message};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sent_folder_is_found_by_its_special_use() {
    let dovecot = Dovecot::start();
    let (mut inbox, _) = Inbox::open(&config(&dovecot, USER)).await.unwrap();
    assert_eq!(inbox.sent_folder().await.unwrap().as_deref(), Some("Sent"));
    // Asked twice on one session, answered the same.
    assert_eq!(inbox.sent_folder().await.unwrap().as_deref(), Some("Sent"));
    inbox.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_special_use_is_read_from_a_plain_list() {
    // No SPECIAL-USE nor LIST-EXTENDED announced: the attributes come with a plain LIST.
    let dovecot = Dovecot::builder().capability("IMAP4rev1 LITERAL+ IDLE").start();
    let (mut inbox, _) = Inbox::open(&config(&dovecot, USER)).await.unwrap();
    assert_eq!(inbox.sent_folder().await.unwrap().as_deref(), Some("Sent"));
    inbox.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folders_without_attributes_are_found_by_name() {
    let dovecot = Dovecot::builder().users(&[("ann", "pw2")]).without_special_use().start();
    let (mut inbox, _) = Inbox::open(&config(&dovecot, "ann")).await.unwrap();
    assert_eq!(inbox.sent_folder().await.unwrap().as_deref(), Some("Sent"));
    inbox.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_reads_one_folder_then_another() {
    let dovecot = Dovecot::start_users(&[(USER, "pw1"), ("ann", "pw2")]);
    for subject in ["in one", "in two"] {
        dovecot.append_to(USER, "pw1", "INBOX", &message(subject));
    }
    for subject in ["sent one", "sent two", "sent three"] {
        dovecot.append_to(USER, "pw1", "Sent", &message(subject));
    }
    dovecot.append_to("ann", "pw2", "Sent", &message("ann's"));
    let (mut inbox, inbox_status) = Inbox::open(&config(&dovecot, USER)).await.unwrap();
    assert_eq!(inbox_status.messages, 2);
    let subjects = |messages: &[tickler_mail::InboundMessage]| -> Vec<String> {
        messages.iter().map(|message| message.subject.clone()).collect()
    };
    assert_eq!(subjects(&inbox.fetch_after(0, 10).await.unwrap()), ["in one", "in two"]);

    let sent = inbox.sent_folder().await.unwrap().unwrap();
    let sent_status = inbox.examine(&sent).await.unwrap();
    assert_eq!(sent_status.messages, 3);
    assert_ne!(sent_status.uid_validity, inbox_status.uid_validity);
    let all = inbox.fetch_after(0, 10).await.unwrap();
    assert_eq!(subjects(&all), ["sent one", "sent two", "sent three"]);
    assert_eq!(subjects(&inbox.fetch_after(all[0].uid, 1).await.unwrap()), ["sent two"]);

    assert_eq!(inbox.examine("INBOX").await.unwrap(), inbox_status);
    let first = inbox.fetch_after(0, 1).await.unwrap();
    assert_eq!(subjects(&inbox.fetch_after(first[0].uid, 10).await.unwrap()), ["in two"]);

    // A folder the server does not have is named in the error; the server has closed the folder then.
    let missing = inbox.examine("Nowhere").await.unwrap_err();
    assert!(
        matches!(&missing, MailError::Config { field: "imap.folder", message } if message.contains("\"Nowhere\"")),
        "{missing:?}"
    );
    assert!(inbox.fetch_after(0, 10).await.unwrap_err().is_permanent());
    assert!(inbox.wait_for_news(std::time::Duration::from_secs(1)).await.unwrap_err().is_permanent());
    assert_eq!(inbox.examine("Sent").await.unwrap(), sent_status);
    assert_eq!(inbox.fetch_after(0, 10).await.unwrap().len(), 3);
    inbox.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_configured_mailbox_names_its_setting() {
    let dovecot = Dovecot::start();
    let mut config = config(&dovecot, USER);
    config.mailbox = "Nowhere".into();
    let error = Inbox::open(&config).await.unwrap_err();
    assert!(
        matches!(&error, MailError::Config { field: "imap.mailbox", message } if message.contains("Nowhere")),
        "{error:?}"
    );
}

//! Each user's own mailbox, end to end through the binary against a real
//! Dovecot (LMTP delivery, so `Delivered-To` is the server's own; Sent-folder
//! messages APPENDed as a mail client does), on SQLite and PostgreSQL:
//! Sent-folder sync, replies, the log and remind addresses (BCC and alone),
//! an unreadable date, a forged sender, a bounce, the review list, the
//! installation's inbound mailbox with a per-user secret, and two users
//! whose mail never crosses.

use tickler_test_support::both;
use tickler_test_support::cutting_relay::CuttingRelay;
use tickler_test_support::dovecot::Dovecot;
use tickler_test_support::smtp_sink::SmtpSink;

use crate::common::{Tickler, array};

/// A key for sealing mail passwords (32 bytes, base64).
const KEY: &str = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=";

/// Sam's and Kim's mailboxes on one Dovecot, both users of one installation.
struct Mail {
    dovecot: Dovecot,
    password_file: std::path::PathBuf,
}

impl Mail {
    fn start(t: &Tickler) -> Mail {
        let dovecot = Dovecot::start_users(&[("sam", "sam-pw"), ("kim", "kim-pw")]);
        let dir = std::env::temp_dir().join(format!("tickler-mailboxes-{}-{}", std::process::id(), dovecot.port));
        std::fs::create_dir_all(&dir).unwrap();
        let mail = Mail { dovecot, password_file: dir.join("password") };
        for (user, password) in [("sam", "sam-pw"), ("kim", "kim-pw")] {
            let email = format!("{user}@stone.example");
            t.run_with_stdin(&["user", "add", &email, "--name", user], Some("a long password 1\n")).success();
            mail.watch(t, user, password, mail.dovecot.port);
        }
        mail
    }

    /// Set `user`'s mail account: their IMAP mailbox on `port` (Dovecot's, or
    /// something in front of it), their own From, strangers listed for review.
    fn watch(&self, t: &Tickler, user: &str, password: &str, port: u16) {
        let email = format!("{user}@stone.example");
        std::fs::write(&self.password_file, password).unwrap();
        let (port, file) = (port.to_string(), self.password_file.to_str().unwrap().to_string());
        t.run_env(
            &[
                "mail",
                "account",
                "set",
                "--user",
                &email,
                "--imap-host",
                "127.0.0.1",
                "--imap-port",
                &port,
                "--imap-security",
                "none",
                "--imap-username",
                user,
                "--imap-password-file",
                &file,
                "--from-address",
                &email,
                "--unknown",
                "review",
            ],
            &[("TICKLER_SECRET_KEY", KEY)],
        )
        .success();
    }

    /// `tickler mail check --user …` as JSON (the first mailbox's report).
    fn check(&self, t: &Tickler, user: &str) -> serde_json::Value {
        let output = t
            .run_env(
                &["mail", "check", "--user", &format!("{user}@stone.example"), "--json"],
                &[("TICKLER_SECRET_KEY", KEY)],
            )
            .success();
        output.json()[0].clone()
    }

    /// Deliver through LMTP to `rcpt` (the envelope: a BCC is an address in no header).
    fn deliver(&self, rcpt: &str, message: &str) {
        self.dovecot.deliver("sam@stone.example", &[rcpt], message.replace('\n', "\r\n").as_bytes());
    }

    fn sent(&self, user: &str, message: &str) {
        let password = self.dovecot.password(user).to_string();
        self.dovecot.append_to(user, &password, "Sent", message.replace('\n', "\r\n").as_bytes());
    }
}

impl Drop for Mail {
    fn drop(&mut self) {
        if let Some(dir) = self.password_file.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

const DATE: &str = "Tue, 24 Nov 2026 09:00:00 -0500";

fn touches(t: &Tickler, contact: &str) -> Vec<serde_json::Value> {
    t.timeline(contact).into_iter().filter(|entry| entry["kind"] == "touch").collect()
}

fn open_follow_ups(t: &Tickler, contact: &str) -> Vec<serde_json::Value> {
    t.timeline(contact).into_iter().filter(|entry| entry["kind"] == "follow-up" && entry["state"] == "open").collect()
}

both!(the_sent_folder_is_logged_once_on_each_contact, |t: &Tickler| {
    let mail = Mail::start(t);
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    t.add("Bob Roe", &["--email", "bob@roe.example"]);
    mail.sent(
        "sam",
        &format!(
            "From: Sam <sam@stone.example>\nTo: Ann Lee <ann@acme.com>, zoe@zed.example\nCc: Bob <bob@roe.example>\n\
             Subject: The quote\nDate: {DATE}\nMessage-ID: <s1@stone.example>\n\nHi Ann, here is the quote.\n"
        ),
    );
    let report = mail.check(t, "sam");
    assert_eq!((report["sent"].as_u64(), report["read"].as_u64()), (Some(2), Some(1)), "{report}");
    assert_eq!(report["sent_folder"], "Sent");
    for contact in ["ann", "bob"] {
        let logged = touches(t, contact);
        assert_eq!(logged.len(), 1, "{logged:?}");
        assert_eq!(logged[0]["direction"], "out");
        assert_eq!(logged[0]["channel"], "email");
        assert_eq!(logged[0]["summary"], "The quote — Hi Ann, here is the quote.");
    }
    // Read again: nothing new, nothing twice.
    let again = mail.check(t, "sam");
    assert_eq!((again["read"].as_u64(), again["sent"].as_u64()), (Some(0), Some(0)), "{again}");
    assert_eq!(touches(t, "ann").len(), 1);
    // Zoe is not a contact: listed for review, and added from there.
    let review = array(t.json(&["mail", "review", "--user", "sam@stone.example"]));
    assert_eq!(review.len(), 1, "{review:?}");
    assert_eq!((review[0]["email"].as_str(), review[0]["sent"].as_i64()), (Some("zoe@zed.example"), Some(1)));
    let text = t.ok(&["mail", "review", "--user", "sam@stone.example"]).stdout;
    assert!(text.contains("1 people you corresponded with are not contacts yet — add them?"), "{text}");
    t.ok(&["mail", "review", "--user", "sam@stone.example", "--add", "zoe@zed.example", "--name", "Zoe Zed"]);
    assert!(array(t.json(&["mail", "review", "--user", "sam@stone.example"])).is_empty());
    assert!(t.contacts().iter().any(|contact| contact["name"] == "Zoe Zed"));
});

both!(a_reply_in_the_inbox_is_logged_and_stops_plans, |t: &Tickler| {
    let mail = Mail::start(t);
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    mail.sent(
        "sam",
        &format!(
            "From: sam@stone.example\nTo: ann@acme.com\nSubject: Lunch?\nDate: {DATE}\n\
             Message-ID: <s2@stone.example>\n\nThursday?\n"
        ),
    );
    mail.check(t, "sam");
    t.ok(&["enroll", "ann", "After an interview"]);
    // From another address of Ann's company, but answering Sam's message: matched by the thread.
    mail.deliver(
        "sam@stone.example",
        &format!(
            "From: Ann's assistant <desk@acme.com>\nTo: sam@stone.example\nSubject: Re: Lunch?\nDate: {DATE}\n\
             Message-ID: <r2@acme.com>\nIn-Reply-To: <s2@stone.example>\n\nThursday works.\n"
        ),
    );
    // An out-of-office from Ann is not a reply.
    mail.deliver(
        "sam@stone.example",
        &format!(
            "From: ann@acme.com\nTo: sam@stone.example\nSubject: Automatic reply: Lunch?\nAuto-Submitted: auto-replied\n\
             Date: {DATE}\nMessage-ID: <ooo@acme.com>\n\nI am away.\n"
        ),
    );
    let report = mail.check(t, "sam");
    assert_eq!((report["received"].as_u64(), report["automatic"].as_u64()), (Some(1), Some(1)), "{report}");
    let inbound: Vec<_> = touches(t, "ann").into_iter().filter(|touch| touch["direction"] == "in").collect();
    assert_eq!(inbound.len(), 1, "{inbound:?}");
    assert_eq!(inbound[0]["outcome"], "replied");
    let enrollments = array(t.json(&["enrollments", "--contact", "ann"]));
    assert_eq!(enrollments[0]["state"], "stopped", "{enrollments:?}");
});

both!(the_log_address_logs_a_bcc_and_a_forward, |t: &Tickler| {
    let mail = Mail::start(t);
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    t.add("Bob Roe", &["--email", "bob@roe.example"]);
    // A BCC: the log address is in no header, only in the envelope (Delivered-To).
    mail.deliver(
        "sam+tickler-log@stone.example",
        &format!(
            "From: Sam Stone <sam@stone.example>\nTo: ann@acme.com\nSubject: Proposal\nDate: {DATE}\n\
             Message-ID: <b1@stone.example>\n\nAnn, the proposal is attached.\n"
        ),
    );
    // A forward of Bob's email: Bob is the original sender (an inbound touch).
    mail.deliver(
        "sam+tickler-log@stone.example",
        &format!(
            "From: sam@stone.example\nTo: sam+tickler-log@stone.example\nSubject: Fwd: Pricing question\nDate: {DATE}\n\
             Message-ID: <f1@stone.example>\n\n---------- Forwarded message ---------\nFrom: Bob Roe <bob@roe.example>\n\
             Date: Mon, 23 Nov 2026 at 16:02\nSubject: Pricing question\nTo: Sam Stone <sam@stone.example>\n\n\
             What would ten seats cost?\n"
        ),
    );
    let report = mail.check(t, "sam");
    assert_eq!((report["sent"].as_u64(), report["received"].as_u64()), (Some(1), Some(1)), "{report}");
    let ann = touches(t, "ann");
    assert_eq!((ann.len(), ann[0]["direction"].as_str()), (1, Some("out")), "{ann:?}");
    assert!(ann[0]["summary"].as_str().unwrap().starts_with("Proposal — Ann, the proposal"), "{ann:?}");
    let bob = touches(t, "bob");
    assert_eq!((bob.len(), bob[0]["direction"].as_str()), (1, Some("in")), "{bob:?}");
    assert!(bob[0]["summary"].as_str().unwrap().starts_with("Pricing question"), "{bob:?}");
});

both!(a_forged_sender_writes_nothing, |t: &Tickler| {
    let mail = Mail::start(t);
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    // From someone else.
    mail.deliver(
        "sam+tickler-log@stone.example",
        &format!("From: mallory@evil.example\nTo: ann@acme.com\nSubject: x\nDate: {DATE}\nMessage-ID: <x1@evil.example>\n\nx\n"),
    );
    // Sam's own address, but the receiving server saw SPF and DKIM fail for it.
    mail.deliver(
        "sam+tickler-3days@stone.example",
        &format!(
            "Authentication-Results: mx.stone.example; spf=fail smtp.mailfrom=stone.example; dkim=none\n\
             From: sam@stone.example\nTo: ann@acme.com\nSubject: y\nDate: {DATE}\nMessage-ID: <x2@evil.example>\n\ny\n"
        ),
    );
    let before = t.snapshot();
    let report = mail.check(t, "sam");
    assert_eq!(report["ignored"].as_u64(), Some(2), "{report}");
    assert!(touches(t, "ann").is_empty());
    assert!(open_follow_ups(t, "ann").is_empty());
    assert_eq!(before["contacts"], t.snapshot()["contacts"]);
    let addresses = t.ok(&["mail", "addresses", "--user", "sam@stone.example"]).stdout;
    assert!(addresses.contains("2 message(s) to these addresses were ignored: sender not verified"), "{addresses}");
});

both!(a_reminder_address_makes_a_follow_up_that_a_reply_cancels, |t: &Tickler| {
    let mail = Mail::start(t);
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    mail.deliver(
        "sam+tickler-3days@stone.example",
        &format!(
            "Authentication-Results: mx.stone.example; spf=pass smtp.mailfrom=stone.example; dkim=pass header.d=stone.example\n\
             From: sam@stone.example\nTo: ann@acme.com\nSubject: Contract draft\nDate: {DATE}\n\
             Message-ID: <m3@stone.example>\n\nAnn, the draft.\n"
        ),
    );
    let report = mail.check(t, "sam");
    assert_eq!(report["follow_ups"].as_u64(), Some(1), "{report}");
    let open = open_follow_ups(t, "ann");
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["purpose"], "Contract draft");
    assert_eq!(open[0]["due"]["date"], "2026-11-27");
    // The message itself is an outbound touch.
    assert_eq!(touches(t, "ann")[0]["direction"], "out");
    // Ann answers first: the follow-up cancels itself and the timeline says why.
    mail.deliver(
        "sam@stone.example",
        &format!("From: ann@acme.com\nTo: sam@stone.example\nSubject: Re: Contract draft\nDate: {DATE}\nMessage-ID: <a3@acme.com>\nIn-Reply-To: <m3@stone.example>\n\nSigned.\n"),
    );
    mail.check(t, "sam");
    let timeline = t.timeline("ann");
    let follow_up = timeline.iter().find(|entry| entry["kind"] == "follow-up").unwrap();
    assert_eq!(follow_up["state"], "cancelled", "{follow_up}");
    assert_eq!(follow_up["closed_reason"], "Ann Lee replied first");
});

both!(mail_read_in_one_batch_acts_in_the_order_it_came, |t: &Tickler| {
    let mail = Mail::start(t);
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    let reply = |id: &str| {
        format!(
            "From: ann@acme.com\nTo: sam@stone.example\nSubject: Re: Terms\nDate: {DATE}\nMessage-ID: <{id}@acme.com>\n\nOk.\n"
        )
    };
    // Ann's reply, then a reminder address on a message to her: read in one batch, in that order.
    mail.deliver("sam@stone.example", &reply("a5"));
    mail.deliver(
        "sam+tickler-3days@stone.example",
        &format!(
            "Authentication-Results: mx.stone.example; spf=pass smtp.mailfrom=stone.example\n\
             From: sam@stone.example\nTo: ann@acme.com\nSubject: Terms\nDate: {DATE}\n\
             Message-ID: <m6@stone.example>\n\nAnn, the terms.\n"
        ),
    );
    let report = mail.check(t, "sam");
    assert_eq!((report["read"].as_u64(), report["received"].as_u64()), (Some(2), Some(1)), "{report}");
    assert_eq!(report["follow_ups"].as_u64(), Some(1), "{report}");
    // The reply came before the follow-up was made: it waits still.
    assert_eq!(open_follow_ups(t, "ann").len(), 1);
    // Her next reply cancels it.
    mail.deliver("sam@stone.example", &reply("a6"));
    mail.check(t, "sam");
    let timeline = t.timeline("ann");
    let follow_up = timeline.iter().find(|entry| entry["kind"] == "follow-up").unwrap();
    assert_eq!(follow_up["state"], "cancelled", "{follow_up}");
    assert_eq!(follow_up["closed_reason"], "Ann Lee replied first");
    let logged = touches(t, "ann");
    let directions: Vec<&str> = logged.iter().filter_map(|touch| touch["direction"].as_str()).collect();
    assert_eq!(directions.iter().filter(|d| **d == "in").count(), 2, "{directions:?}");
    assert_eq!(directions.iter().filter(|d| **d == "out").count(), 1, "{directions:?}");
});

both!(a_mailbox_of_many_batches_is_written_whole_and_in_order, |t: &Tickler| {
    // 650 messages: seven fetches, written while the next are read. Ann writes
    // in each of the first five batches; Bo's address bounces in the third;
    // the fifth holds, after her last reply, a reminder address on a message
    // to her. Everything before the reminder is written before it acts, so
    // none of her replies cancels the follow-up it makes (one written after it
    // would); her next reply does.
    const MESSAGES: usize = 650;
    const REMINDER: usize = 420;
    const BOUNCE: usize = 230;
    let ann_replies = |n: usize| n % 50 == 7 && n < REMINDER;
    let mail = Mail::start(t);
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    t.add("Bo Day", &["--email", "bo@day.example"]);
    mail.dovecot.fill("sam", "INBOX", MESSAGES, |n| {
        let head = format!("To: sam@stone.example\r\nDate: {DATE}\r\nMessage-ID: <many{n}@x.example>\r\n");
        let message = if n == REMINDER {
            format!(
                "Delivered-To: sam+tickler-3days@stone.example\r\n\
                 Authentication-Results: mx.stone.example; spf=pass smtp.mailfrom=stone.example\r\n\
                 From: sam@stone.example\r\nTo: ann@acme.com\r\nSubject: The terms\r\nDate: {DATE}\r\n\
                 Message-ID: <many{n}@x.example>\r\n\r\nAnn, the terms.\r\n"
            )
        } else if n == BOUNCE {
            format!(
                "From: MAILER-DAEMON@mx.stone.example\r\n{head}Subject: Undelivered Mail\r\nMIME-Version: 1.0\r\n\
                 Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n\
                 --b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.stone.example\r\n\r\n\
                 Final-Recipient: rfc822; bo@day.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--b1--\r\n"
            )
        } else if ann_replies(n) {
            format!("From: Ann Lee <ann@acme.com>\r\n{head}Subject: Re: Terms {n}\r\n\r\nNoted, {n}.\r\n")
        } else {
            format!("From: person{n}@example.net\r\n{head}Subject: Hello {n}\r\n\r\nHi.\r\n")
        };
        message.into_bytes()
    });
    let report = mail.check(t, "sam");
    let replies = (0..MESSAGES).filter(|n| ann_replies(*n)).count() as u64;
    assert_eq!(replies, 9);
    assert_eq!(report["read"].as_u64(), Some(MESSAGES as u64), "{report}");
    assert_eq!(report["received"].as_u64(), Some(replies), "{report}");
    assert_eq!((report["bounces"].as_u64(), report["follow_ups"].as_u64()), (Some(1), Some(1)), "{report}");
    assert_eq!(report["unknown"].as_u64(), Some(MESSAGES as u64 - replies - 2), "{report}");
    let inbound = touches(t, "ann").iter().filter(|touch| touch["direction"] == "in").count() as u64;
    assert_eq!(inbound, replies);
    assert!(t.ok(&["show", "bo"]).stdout.contains("bo@day.example bounced"));
    // The replies before the reminder were written before it made its follow-up: it waits still.
    assert_eq!(open_follow_ups(t, "ann").len(), 1, "{:?}", t.timeline("ann"));
    // The place was saved at the end: only the new reply is read, and it cancels the follow-up.
    mail.deliver(
        "sam@stone.example",
        &format!(
            "From: ann@acme.com\nTo: sam@stone.example\nSubject: Re: The terms\nDate: {DATE}\n\
             Message-ID: <after@acme.com>\n\nAgreed.\n"
        ),
    );
    let again = mail.check(t, "sam");
    assert_eq!((again["read"].as_u64(), again["received"].as_u64()), (Some(1), Some(1)), "{again}");
    let timeline = t.timeline("ann");
    let follow_up = timeline.iter().find(|entry| entry["kind"] == "follow-up").unwrap();
    assert_eq!(follow_up["state"], "cancelled", "{follow_up}");
    assert_eq!(follow_up["closed_reason"], "Ann Lee replied first");
    assert_eq!(touches(t, "ann").len() as u64, replies + 2, "her replies, the reminder's message and the new reply");
});

both!(a_server_gone_mid_sync_leaves_what_was_decided_written_and_its_place_saved, |t: &Tickler| {
    // Ten batches; the server goes away when the sixth is asked for. The
    // batches decided by then are written and their place saved, so the next
    // check reads on from there: every message of Ann's is on her timeline once.
    const MESSAGES: usize = 1000;
    const FETCHES: usize = 5;
    let mail = Mail::start(t);
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    mail.dovecot.fill("sam", "INBOX", MESSAGES, |n| {
        let from = if n % 10 == 3 { "Ann Lee <ann@acme.com>".to_string() } else { format!("person{n}@example.net") };
        format!(
            "From: {from}\r\nTo: sam@stone.example\r\nSubject: Note {n}\r\nDate: {DATE}\r\n\
             Message-ID: <cut{n}@x.example>\r\n\r\nA note.\r\n"
        )
        .into_bytes()
    });
    let relay = CuttingRelay::start(mail.dovecot.port, FETCHES);
    mail.watch(t, "sam", "sam-pw", relay.port);
    let cut = t.run_env(&["mail", "check", "--user", "sam@stone.example", "--json"], &[("TICKLER_SECRET_KEY", KEY)]);
    assert!(relay.has_cut(), "the relay cut the connection");
    // The fetch fails as such, not as a batch that came back empty (the INBOX read to its end).
    assert_ne!(cut.code, 0, "{}{}", cut.stdout, cut.stderr);
    assert!(cut.stderr.contains("fetching messages"), "{}", cut.stderr);
    // Four batches decided before the sixth fetch failed (the fifth was fetched and parsed, not decided).
    let written = touches(t, "ann").len();
    assert_eq!(written, (FETCHES - 1) * 10, "Ann's touches after the cut");
    let again = mail.check(t, "sam");
    assert_eq!(again["read"].as_u64(), Some((MESSAGES - (FETCHES - 1) * 100) as u64), "{again}");
    assert_eq!(touches(t, "ann").len(), MESSAGES / 10, "each of Ann's messages once");
});

both!(a_reminder_to_the_address_alone_is_emailed_at_that_time, |t: &Tickler| {
    let (mail, sink) = (Mail::start(t), SmtpSink::start());
    mail.deliver(
        "sam+tickler-tomorrow-9am@stone.example",
        &format!(
            "From: Sam Stone <sam@stone.example>\nTo: sam+tickler-tomorrow-9am@stone.example\nSubject: Call the bank\n\
             Date: {DATE}\nMessage-ID: <m4@stone.example>\n\nAsk about the loan rate.\n"
        ),
    );
    // An address whose date cannot be read gets one short answer.
    mail.deliver(
        "sam+tickler-blorpday@stone.example",
        &format!(
            "From: sam@stone.example\nTo: x@y.example\nSubject: z\nDate: {DATE}\nMessage-ID: <m5@stone.example>\n\nz\n"
        ),
    );
    let report = mail.check(t, "sam");
    assert_eq!((report["reminders"].as_u64(), report["unreadable"].as_u64()), (Some(1), Some(1)), "{report}");
    let relay = format!(
        "[smtp]\nhost = 127.0.0.1\nport = {}\nsecurity = none\nfrom_address = tickler@stone.example\n",
        sink.port
    );
    let config =
        std::env::temp_dir().join(format!("tickler-mailboxes-relay-{}-{}.conf", std::process::id(), sink.port));
    std::fs::write(&config, relay).unwrap();
    let config = config.to_str().unwrap().to_string();
    // Now: only the answer goes; the reminder waits for tomorrow 9:00.
    t.run_env(&["worker", "--once", "--mail-config", &config], &[("TICKLER_SECRET_KEY", KEY)]).success();
    let sent = sink.messages();
    assert_eq!(sent.len(), 1, "{:?}", sent.iter().map(|m| m.header("subject")).collect::<Vec<_>>());
    assert_eq!(sent[0].header("to"), Some("sam@stone.example"));
    assert!(sent[0].header("subject").unwrap().contains("blorpday"), "{:?}", sent[0].header("subject"));
    assert!(sent[0].body.contains("sam+tickler-3days@stone.example"), "{}", sent[0].body);
    t.at("2026-11-25T09:01:00-05:00")
        .run_env(&["worker", "--once", "--mail-config", &config], &[("TICKLER_SECRET_KEY", KEY)])
        .success();
    let sent = sink.messages();
    assert_eq!(sent.len(), 2);
    let reminder = sent.iter().find(|m| m.header("subject") == Some("Reminder: Call the bank")).expect("the reminder");
    assert_eq!(reminder.header("to"), Some("sam@stone.example"));
    assert!(reminder.body.contains("> Ask about the loan rate."), "{}", reminder.body);
    let _ = std::fs::remove_file(&config);
});

both!(a_bounce_marks_the_address_undeliverable, |t: &Tickler| {
    let mail = Mail::start(t);
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    t.ok(&["follow", "ann", "tomorrow", "--via", "email", "--note", "Send the quote"]);
    mail.deliver(
        "sam@stone.example",
        &format!(
            "From: Mail Delivery System <MAILER-DAEMON@mx.stone.example>\nTo: sam@stone.example\n\
             Subject: Undelivered Mail Returned to Sender\nDate: {DATE}\nMessage-ID: <dsn1@mx.stone.example>\n\
             MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\n\n\
             --b1\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n\
             --b1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.stone.example\n\n\
             Final-Recipient: rfc822; ann@acme.com\nAction: failed\nStatus: 5.1.1\n\
             Diagnostic-Code: smtp; 550 5.1.1 <ann@acme.com>: Recipient address rejected: User unknown\n\n--b1--\n"
        ),
    );
    let report = mail.check(t, "sam");
    assert_eq!(report["bounces"].as_u64(), Some(1), "{report}");
    assert!(touches(t, "ann").is_empty(), "a bounce is not a reply");
    let shown = t.ok(&["show", "ann"]).stdout;
    assert!(shown.contains("ann@acme.com bounced"), "{shown}");
    let agenda = t.ok(&["today", "--days", "3"]).stdout;
    assert!(agenda.contains("their email bounced"), "{agenda}");
    t.ok(&["mail", "deliverable", "ann@acme.com"]);
    assert!(!t.ok(&["show", "ann"]).stdout.contains("bounced"));
});

both!(two_users_mail_never_crosses, |t: &Tickler| {
    let mail = Mail::start(t);
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    mail.sent(
        "kim",
        &format!("From: kim@stone.example\nTo: zoe@zed.example\nSubject: k\nDate: {DATE}\nMessage-ID: <k1@stone.example>\n\nk\n"),
    );
    // Kim BCCs Sam's log address: it is not Kim's, so nothing acts.
    mail.deliver(
        "sam+tickler-log@stone.example",
        &format!("From: kim@stone.example\nTo: ann@acme.com\nSubject: k2\nDate: {DATE}\nMessage-ID: <k2@stone.example>\n\nk\n"),
    );
    let sam = mail.check(t, "sam");
    assert_eq!(sam["ignored"].as_u64(), Some(1), "{sam}");
    let kim = mail.check(t, "kim");
    assert_eq!(kim["read"].as_u64(), Some(1), "{kim}");
    assert!(touches(t, "ann").is_empty());
    assert!(array(t.json(&["mail", "review", "--user", "sam@stone.example"])).is_empty());
    assert_eq!(array(t.json(&["mail", "review", "--user", "kim@stone.example"])).len(), 1);
});

both!(the_installation_mailbox_acts_for_the_user_whose_secret_it_carries, |t: &Tickler| {
    let dovecot = Dovecot::start_users(&[("followup", "in-pw")]);
    t.run_with_stdin(&["user", "add", "sam@stone.example", "--name", "Sam"], Some("a long password 1\n")).success();
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    let config = std::env::temp_dir().join(format!("tickler-inbound-{}-{}.conf", std::process::id(), dovecot.port));
    std::fs::write(
        &config,
        format!(
            "[imap]\nhost = 127.0.0.1\nport = {}\nsecurity = none\nusername = followup\npassword = in-pw\n\
             address = followup@example.org\n",
            dovecot.port
        ),
    )
    .unwrap();
    let config = config.to_str().unwrap().to_string();
    let env = [("TICKLER_MAIL_CONFIG", config.as_str())];
    let shown = t.run_env(&["mail", "addresses", "--user", "sam@stone.example", "--json"], &env).success().json();
    let log = shown["inbound"]["log"].as_str().unwrap().to_string();
    assert!(log.starts_with("followup+") && log.ends_with(".log@example.org"), "{shown}");
    // Shown again: the same secret.
    let again = t.run_env(&["mail", "addresses", "--user", "sam@stone.example", "--json"], &env).success().json();
    assert_eq!(again["inbound"]["log"], log.as_str());
    let message = |id: &str| {
        format!(
            "From: sam@stone.example\r\nTo: ann@acme.com\r\nSubject: Samples\r\nDate: {DATE}\r\nMessage-ID: <{id}@stone.example>\r\n\r\nSent today.\r\n"
        )
    };
    dovecot.deliver("sam@stone.example", &[&log], message("i1").as_bytes());
    let report = t.run_env(&["mail", "check-replies", "--json"], &env).success().json();
    assert_eq!(report["work"].as_array().map(Vec::len), Some(1), "{report}");
    let logged = touches(t, "ann");
    assert_eq!((logged.len(), logged[0]["direction"].as_str()), (1, Some("out")), "{logged:?}");
    // A new secret: the old address stops working.
    let renewed =
        t.run_env(&["mail", "addresses", "--user", "sam@stone.example", "--new", "--json"], &env).success().json();
    assert_ne!(renewed["inbound"]["log"], log.as_str());
    dovecot.deliver("sam@stone.example", &[&log], message("i2").as_bytes());
    let report = t.run_env(&["mail", "check-replies", "--json"], &env).success().json();
    assert_eq!(report["work"][0]["result"], "ignored", "{report}");
    assert_eq!(touches(t, "ann").len(), 1);
    let _ = std::fs::remove_file(&config);
});

/// The peak resident memory (VmHWM) of a running process, in KiB, while it runs.
fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_big_mailbox_is_read_in_bounded_memory_with_progress() {
    const MESSAGES: usize = 50_000;
    let t = Tickler::new(tickler_test_support::Backend::Sqlite);
    let mail = Mail::start(&t);
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    mail.dovecot.fill("sam", "INBOX", MESSAGES, |n| {
        let from = if n % 1000 == 0 { "ann@acme.com".to_string() } else { format!("person{}@example.net", n % 5000) };
        format!(
            "From: {from}\r\nTo: sam@stone.example\r\nSubject: Message {n}\r\nDate: {DATE}\r\nMessage-ID: <big{n}@example.net>\r\n\r\n{}\r\n",
            "A line of the body that takes some room. ".repeat(20)
        )
        .into_bytes()
    });
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_tickler"));
    command
        .args([
            "--database",
            &t.database(),
            "--now",
            crate::common::NOW,
            "mail",
            "check",
            "--user",
            "sam@stone.example",
        ])
        .env("TICKLER_SECRET_KEY", KEY)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = command.spawn().unwrap();
    let pid = child.id();
    let watcher = std::thread::spawn(move || {
        let mut peak = 0;
        while let Some(now) = peak_kib(pid) {
            peak = peak.max(now);
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        peak
    });
    let output = child.wait_with_output().unwrap();
    let peak = watcher.join().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    eprintln!("tickler mail check of {MESSAGES} messages: peak resident memory {} MiB", peak / 1024);
    assert!(peak > 0 && peak < 100 * 1024, "peak resident memory {peak} KiB");
    assert!(stderr.contains(&format!("INBOX: {MESSAGES} of {MESSAGES} read")), "{stderr}");
    assert!(stdout.contains(&format!("{MESSAGES} new message(s) read (read from its start)")), "{stdout}");
    // Ann's fifty messages are on her timeline; then only new UIDs are read.
    assert_eq!(touches(&t, "ann").len(), MESSAGES / 1000);
    let again = mail.check(&t, "sam");
    assert_eq!(again["read"].as_u64(), Some(0), "{again}");
}

both!(a_plan_enrolled_as_a_user_goes_out_through_their_own_server, |t: &Tickler| {
    let (relay, own) = (SmtpSink::start(), SmtpSink::start());
    t.run_with_stdin(&["user", "add", "sam@stone.example", "--name", "Sam"], Some("a long password 1\n")).success();
    let port = own.port.to_string();
    t.run_env(
        &[
            "mail",
            "account",
            "set",
            "--user",
            "sam@stone.example",
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            &port,
            "--smtp-security",
            "none",
            "--from-name",
            "Sam Stone",
            "--from-address",
            "sam@stone.example",
        ],
        &[("TICKLER_SECRET_KEY", KEY)],
    )
    .success();
    t.ok(&["mail", "from", "--name", "Stone Ltd", "--address", "hello@stone.example"]);
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    t.add("Bob Roe", &["--email", "bob@roe.example"]);
    t.ok(&["enroll", "ann", "After an interview", "--user", "sam@stone.example"]);
    t.ok(&["enroll", "bob", "After an interview"]);
    let config = std::env::temp_dir().join(format!("tickler-enroll-as-{}-{}.conf", std::process::id(), relay.port));
    std::fs::write(&config, format!("host = 127.0.0.1\nport = {}\nsecurity = none\n", relay.port)).unwrap();
    let config = config.to_str().unwrap().to_string();
    t.run_env(&["worker", "--once", "--mail-config", &config], &[("TICKLER_SECRET_KEY", KEY)]).success();
    let (mine, relayed) = (own.messages(), relay.messages());
    assert_eq!((mine.len(), relayed.len()), (1, 1));
    assert_eq!(mine[0].header("to"), Some("ann@acme.com"));
    assert!(mine[0].header("from").unwrap().contains("sam@stone.example"), "{:?}", mine[0].header("from"));
    assert_eq!(relayed[0].header("to"), Some("bob@roe.example"));
    assert!(relayed[0].header("from").unwrap().contains("hello@stone.example"), "{:?}", relayed[0].header("from"));
    // An unknown user is refused, naming the flag.
    let refused = t.run(&["enroll", "bob", "After an interview", "--user", "nobody@stone.example"]);
    assert_ne!(refused.code, 0);
    assert!(refused.stderr.contains("user"), "{}", refused.stderr);
    let _ = std::fs::remove_file(&config);
});

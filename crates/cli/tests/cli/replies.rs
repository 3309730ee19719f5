//! `tickler mail check-replies`: with the `[imap]` section of the mail
//! settings file pointing at a real Dovecot, a reply to a plan email sent by
//! `tickler worker --once` (to smtp-sink) stops the plan and lands on the
//! timeline; a second run reads nothing new; missing or wrong settings are
//! one-line errors naming the setting.

use std::path::PathBuf;

use tickler_test_support::both;
use tickler_test_support::dovecot::{self, Dovecot};
use tickler_test_support::smtp_sink::SmtpSink;

use crate::common::{self, Tickler, array};

/// A mail settings file in the temp directory, removed when dropped.
struct SettingsFile(PathBuf);

impl SettingsFile {
    fn new(text: &str) -> SettingsFile {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let number = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("tickler-mail-{}-{number}.conf", std::process::id()));
        std::fs::write(&path, text).unwrap();
        SettingsFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for SettingsFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Ann in the starter plan "After an interview or meeting", its thank-you sent; returns its Message-ID.
fn ann_thanked(t: &Tickler, sink: &SmtpSink, settings: &SettingsFile) -> String {
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    t.ok(&["mail", "from", "--name", "Sam Stone", "--address", "sam@stone.example"]);
    t.ok(&["enroll", "ann", "After an interview"]);
    let worker = t.json(&["worker", "--once", "--mail-config", settings.path()]);
    assert_eq!((worker["sent"].as_u64(), worker["replies"].as_u64()), (Some(1), Some(0)), "{worker}");
    sink.messages()[0].header("message-id").unwrap().to_string()
}

both!(check_replies_records_a_reply_and_stops_the_plan, |t: &Tickler| {
    let (sink, dovecot) = (SmtpSink::start(), Dovecot::start());
    let settings = SettingsFile::new(&format!(
        "# relay\nhost = 127.0.0.1\nport = {}\nsecurity = none\n\n{}",
        sink.port,
        dovecot.settings()
    ));
    let thanked = ann_thanked(t, &sink, &settings);
    dovecot.append(format!(
        "From: Ann Lee <ann@acme.com>\nSubject: Re: Thank you for today, Ann\nMessage-ID: <r1@acme.com>\n\
         In-Reply-To: {thanked}\nReferences: {thanked}\n\nGlad we met. Next week works.\n\n-- \nAnn\n"
    ));
    let report = t.json(&["mail", "check-replies", "--mail-config", settings.path()]);
    assert_eq!((report["messages"].as_u64(), report["read"].as_u64()), (Some(1), Some(1)), "{report}");
    let replies = report["replies"].as_array().unwrap();
    assert_eq!(replies.len(), 1, "{report}");
    assert_eq!(replies[0]["contact_name"], "Ann Lee");
    assert_eq!(replies[0]["stopped"], serde_json::json!(["After an interview or meeting"]));
    assert_eq!(replies[0]["touch"]["summary"], "Re: Thank you for today, Ann — Glad we met. Next week works.");
    let enrollments = array(t.json(&["enrollments", "--contact", "ann"]));
    assert_eq!(
        (enrollments[0]["state"].as_str(), enrollments[0]["stop_reason"].as_str()),
        (Some("stopped"), Some("replied"))
    );
    let timeline = t.timeline("ann");
    let inbound: Vec<_> = timeline.iter().filter(|entry| entry.to_string().contains("\"direction\":\"in\"")).collect();
    assert_eq!(inbound.len(), 1, "{timeline:?}");
    assert!(inbound[0].to_string().contains("\"outcome\":\"replied\""), "{timeline:?}");
    // A second run reads nothing new and says so.
    let again = t.ok(&["mail", "check-replies", "--mail-config", settings.path()]);
    assert!(again.stdout.contains("1 message(s); 0 new read."), "{again:?}");
    assert!(again.stdout.contains("0 replies recorded"), "{again:?}");
});

both!(check_replies_names_the_missing_or_wrong_setting, |t: &Tickler| {
    let dovecot = Dovecot::start();
    t.add("Ann Lee", &["--email", "ann@acme.com"]);
    t.rejects(&["mail", "check-replies"], 2, &["imap.host"]);
    let typo = SettingsFile::new("host = 127.0.0.1\n[imap]\nhots = 127.0.0.1\n");
    t.rejects(&["mail", "check-replies", "--mail-config", typo.path()], 2, &["line 3", "\"hots\"", "[imap]"]);
    t.rejects(&["worker", "--once", "--mail-config", typo.path()], 2, &["\"hots\""]);
    let no_user = SettingsFile::new("[imap]\nhost = 127.0.0.1\n");
    t.rejects(&["mail", "check-replies", "--mail-config", no_user.path()], 2, &["imap.username"]);
    let wrong = SettingsFile::new(&dovecot.settings().replace(dovecot::PASSWORD, "not-the-password"));
    t.rejects(&["mail", "check-replies", "--mail-config", wrong.path()], 1, &["refused the login", dovecot::USER]);
    let missing = SettingsFile::new(&format!("{}mailbox = Nowhere\n", dovecot.settings()));
    t.rejects(&["mail", "check-replies", "--mail-config", missing.path()], 2, &["imap.mailbox", "Nowhere"]);
});

/// `mail check-replies --json` with `settings`, trusting `certificate` (through `SSL_CERT_FILE`) or nothing extra.
fn check_replies_trusting(
    t: &Tickler,
    settings: &SettingsFile,
    certificate: Option<&std::path::Path>,
) -> common::Output {
    let certificate = certificate.map(|path| path.to_str().unwrap().to_string());
    let env: Vec<(&str, &str)> = certificate.iter().map(|path| ("SSL_CERT_FILE", path.as_str())).collect();
    t.run_env(&["mail", "check-replies", "--json", "--mail-config", settings.path()], &env)
}

#[test]
fn check_replies_speaks_tls_and_starttls_and_checks_the_certificate() {
    let t = Tickler::new(common::Backend::Sqlite);
    let dovecot = Dovecot::start_tls();
    dovecot.append("From: someone@else.example\nSubject: Hello\nMessage-ID: <m1@else.example>\n\nHello.\n");
    let settings = |security: &str, port: u16| {
        SettingsFile::new(&format!(
            "[imap]\nhost = localhost\nport = {port}\nsecurity = {security}\nusername = {}\npassword = {}\n",
            dovecot::USER,
            dovecot::PASSWORD
        ))
    };
    let tls = settings("tls", dovecot.tls_port.unwrap());
    let starttls = settings("starttls", dovecot.port);
    for file in [&tls, &starttls] {
        let output = check_replies_trusting(&t, file, Some(&dovecot.certificate())).success();
        let report = output.json();
        assert_eq!((report["messages"].as_u64(), report["unmatched"].as_u64()), (Some(1), Some(1)), "{output:?}");
    }
    // A certificate nobody vouches for is refused, and the error says why.
    for file in [&tls, &starttls] {
        let output = check_replies_trusting(&t, file, None).failure(1);
        assert!(output.error_line().contains("TLS failed"), "{output:?}");
    }
}

//! `tickler mail test` against a real SMTP server (Postfix's smtp-sink): in
//! the clear; over TLS from the first byte (socat in front of the sink, with a
//! self-signed certificate the client trusts through `SSL_CERT_FILE`, and
//! refuses without it); and by STARTTLS with a login, through Dovecot's
//! submission service relaying to the sink (a wrong password is refused). A
//! server that is not there is a one-line error naming it. The message carries
//! the From, the test subject and a Date from the command's clock.

use tickler_test_support::both;
use tickler_test_support::dovecot::{self, Dovecot};
use tickler_test_support::smtp_sink::SmtpSink;
use tickler_test_support::tls_front::TlsFront;

use crate::common::{self, Backend, NOW, Tickler};

fn relay(host: &str, port: u16, security: &str) -> Vec<(&'static str, String)> {
    vec![
        ("TICKLER_SMTP_HOST", host.to_string()),
        ("TICKLER_SMTP_PORT", port.to_string()),
        ("TICKLER_SMTP_SECURITY", security.to_string()),
    ]
}

fn mail_test(t: &Tickler, env: &[(&'static str, String)]) -> common::Output {
    let env: Vec<(&str, &str)> = env.iter().map(|(key, value)| (*key, value.as_str())).collect();
    t.run_env(&["mail", "test", "ann@acme.com", "--json"], &env)
}

fn sender() -> Tickler {
    let t = Tickler::new(Backend::Sqlite);
    from_sam(&t);
    t
}

fn from_sam(t: &Tickler) {
    t.ok(&["mail", "from", "--name", "Sam Stone", "--address", "sam@stone.example"]);
}

// The From comes from the store, so this one runs on both backends.
both!(mail_test_delivers_in_the_clear_and_reports_the_answer, |t: &Tickler| {
    from_sam(t);
    let sink = SmtpSink::start();
    let report = mail_test(t, &relay("127.0.0.1", sink.port, "none")).success().json();
    assert!(report["answer"].as_str().unwrap().starts_with("250"), "{report}");
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert_eq!(message.header("subject"), Some("Tickler test message"));
    assert_eq!(message.header("to"), Some("ann@acme.com"));
    assert!(message.header("from").unwrap().contains("<sam@stone.example>"), "{:?}", message.header("from"));
    assert_eq!(message.header("message-id"), report["message_id"].as_str());
    let date = jiff::fmt::rfc2822::parse(message.header("date").unwrap()).unwrap().timestamp();
    assert_eq!(date, NOW.parse::<jiff::Timestamp>().unwrap(), "the Date follows --now");
});

#[test]
fn mail_test_speaks_tls_and_checks_the_certificate() {
    let (t, sink) = (sender(), SmtpSink::start());
    let front = TlsFront::start(sink.port);
    let mut trusted = relay("localhost", front.port, "tls");
    trusted.push(("SSL_CERT_FILE", front.certificate().to_str().unwrap().to_string()));
    let report = mail_test(&t, &trusted).success().json();
    assert!(report["answer"].as_str().unwrap().starts_with("250"), "{report}");
    assert_eq!(sink.messages().len(), 1, "delivered through the TLS front");

    let refused = mail_test(&t, &relay("localhost", front.port, "tls"));
    assert_ne!(refused.code, 0, "{refused:?}");
    let line = refused.error_line();
    assert!(line.contains("TLS") && line.contains(&format!("localhost:{}", front.port)), "{line}");
    assert_eq!(sink.messages().len(), 1, "nothing sent over an untrusted connection");
}

#[test]
fn a_server_that_is_not_there_is_named() {
    let t = sender();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let failed = mail_test(&t, &relay("127.0.0.1", port, "none"));
    assert_ne!(failed.code, 0, "{failed:?}");
    let line = failed.error_line();
    assert!(line.contains(&format!("127.0.0.1:{port}")), "{line}");
}

#[test]
fn mail_test_speaks_starttls_and_logs_in() {
    let (t, sink) = (sender(), SmtpSink::start());
    let submission = Dovecot::start_submission(sink.port);
    let port = submission.submission_port.unwrap();
    let certificate = submission.certificate().to_str().unwrap().to_string();
    let with_password = |password: &str| {
        let mut env = relay("localhost", port, "starttls");
        env.push(("TICKLER_SMTP_USERNAME", dovecot::USER.to_string()));
        env.push(("TICKLER_SMTP_PASSWORD", password.to_string()));
        env.push(("SSL_CERT_FILE", certificate.clone()));
        env
    };
    let report = mail_test(&t, &with_password(dovecot::PASSWORD)).success().json();
    assert!(report["answer"].as_str().unwrap().starts_with("250"), "{report}");
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "relayed to the sink; dovecot log:\n{}", submission.log());
    assert_eq!(messages[0].header("subject"), Some("Tickler test message"));

    let refused = mail_test(&t, &with_password("not-the-password"));
    assert_ne!(refused.code, 0, "{refused:?}");
    assert!(refused.error_line().contains("535"), "{}", refused.error_line());
    assert_eq!(sink.messages().len(), 1, "nothing sent without the login");
}

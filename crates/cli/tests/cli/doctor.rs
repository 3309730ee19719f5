//! `tickler doctor`: against a migrated database, smtp-sink and Dovecot every
//! check is OK and it exits 0 (text and `--json`); a relay port nobody
//! listens on is a FAIL naming the server, a database never migrated a FAIL
//! telling to run `tickler migrate`, and both exit 1.

use serde_json::Value;
use tickler_test_support::both;
use tickler_test_support::dovecot::Dovecot;
use tickler_test_support::smtp_sink::SmtpSink;

use crate::common::{Output, Tickler};

/// The line of check `name` (`"OK   smtp       …"`).
fn line<'a>(output: &'a Output, name: &str) -> &'a str {
    output
        .stdout
        .lines()
        .find(|line| line.split_whitespace().nth(1) == Some(name))
        .unwrap_or_else(|| panic!("no {name} line: {output:?}"))
}

fn free_port() -> String {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string()
}

both!(a_good_setup_is_all_ok_and_an_unreachable_relay_fails, |t: &Tickler| {
    t.ok(&["contacts"]);
    let (sink, dovecot) = (SmtpSink::start(), Dovecot::start());
    let settings = std::env::temp_dir().join(format!("tickler-doctor-{}-{:?}.conf", std::process::id(), t.backend));
    std::fs::write(&settings, dovecot.settings()).unwrap();
    let settings = settings.to_str().unwrap().to_string();
    let mut env = sink.env();
    env.push(("TICKLER_MAIL_CONFIG".into(), settings.clone()));
    let env: Vec<(&str, &str)> = env.iter().map(|(key, value)| (key.as_str(), value.as_str())).collect();

    let good = t.run_env(&["doctor"], &env).success();
    let names = ["database", "migrations", "clock", "smtp", "imap", "zone"];
    for name in names {
        assert!(line(&good, name).starts_with("OK "), "{name}: {good:?}");
    }
    assert_eq!(good.stdout.lines().count(), names.len(), "{good:?}");
    assert!(line(&good, "smtp").contains(&format!("127.0.0.1:{}", sink.port)), "{good:?}");
    assert!(line(&good, "imap").contains(&format!("127.0.0.1:{}", dovecot.port)), "{good:?}");
    assert!(line(&good, "zone").contains("America/New_York"), "{good:?}");
    assert!(sink.messages().is_empty(), "doctor sends nothing");

    let report = t.run_env(&["doctor", "--json"], &env).success().json();
    assert_eq!(report["ok"], true);
    let levels: Vec<&Value> = report["checks"].as_array().unwrap().iter().map(|check| &check["level"]).collect();
    assert_eq!(levels.len(), names.len());
    assert!(levels.iter().all(|level| *level == "ok"), "{report}");

    let port = free_port();
    let down =
        [("TICKLER_SMTP_HOST", "127.0.0.1"), ("TICKLER_SMTP_PORT", port.as_str()), ("TICKLER_SMTP_SECURITY", "none")];
    let failed = t.run_env(&["doctor"], &down).failure(1);
    let smtp = line(&failed, "smtp");
    assert!(smtp.starts_with("FAIL ") && smtp.contains(&format!("127.0.0.1:{port}")), "{failed:?}");
    assert!(smtp.contains("TICKLER_SMTP_HOST"), "says what to change: {smtp}");
    assert!(line(&failed, "database").starts_with("OK "), "{failed:?}");
    assert_eq!(failed.stderr.trim(), "error: 1 check(s) not OK: smtp", "{failed:?}");
    let report = t.run_env(&["doctor", "--json"], &down).failure(1).json();
    assert_eq!(report["ok"], false);
    let smtp = report["checks"].as_array().unwrap().iter().find(|check| check["name"] == "smtp").unwrap();
    assert_eq!(smtp["level"], "fail", "{report}");
    let _ = std::fs::remove_file(&settings);
});

both!(a_database_never_migrated_is_named, |t: &Tickler| {
    let sink = SmtpSink::start();
    let env = sink.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(key, value)| (key.as_str(), value.as_str())).collect();
    let fresh = t.run_env(&["doctor"], &env).failure(1);
    let migrations = line(&fresh, "migrations");
    assert!(migrations.starts_with("FAIL ") && migrations.contains("tickler migrate"), "{fresh:?}");
    assert!(line(&fresh, "smtp").starts_with("OK "), "{fresh:?}");
});

#[test]
fn an_unreachable_database_fails_the_checks_that_need_it() {
    let port = free_port();
    let url = format!("postgres://postgres@127.0.0.1:{port}/tickler");
    let output = crate::common::run_binary(&["--database".into(), url, "doctor".into()], None).failure(1);
    let database = line(&output, "database");
    assert!(database.starts_with("FAIL ") && database.contains(&format!("127.0.0.1:{port}")), "{output:?}");
    assert!(line(&output, "migrations").starts_with("FAIL "), "{output:?}");
}

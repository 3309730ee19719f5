//! `tickler mail key` and `tickler mail account`: a user's own SMTP server and
//! mailbox, set with passwords read from standard input or a file, refused
//! without a secret key, never printed; stored sealed (the database file and a
//! backup hold no password); a restore opens them again only where the same
//! key is set; and `tickler serve` takes the key from the mail settings file.

use serde_json::json;
use tickler_test_support::both;
use tickler_test_support::smtp_sink::SmtpSink;

use crate::common::{Backend, Output, Tickler};
use crate::live::Server;

const SMTP_PASSWORD: &str = "smtp Pa55word never-shown";
const IMAP_PASSWORD: &str = "imap-Pa55word-never-shown";

/// A new key from `tickler mail key --json`.
fn new_key(t: &Tickler) -> String {
    t.json(&["mail", "key"])["secret_key"].as_str().unwrap().to_string()
}

fn add_user(t: &Tickler, email: &str) {
    t.run_with_stdin(&["user", "add", email], Some("correct horse battery\n")).success();
}

/// Neither standard output nor standard error holds a password.
fn quiet(output: &Output) {
    for password in [SMTP_PASSWORD, IMAP_PASSWORD] {
        assert!(!output.stdout.contains(password) && !output.stderr.contains(password), "{output:?}");
    }
}

fn file_holds(path: &str, needle: &str) -> bool {
    ["", "-wal"].iter().any(|suffix| {
        std::fs::read(format!("{path}{suffix}"))
            .is_ok_and(|bytes| bytes.windows(needle.len()).any(|window| window == needle.as_bytes()))
    })
}

#[test]
fn mail_key_prints_a_new_key_and_how_to_use_it() {
    let t = Tickler::new(Backend::Sqlite);
    let text = t.ok(&["mail", "key"]).stdout;
    let key = text.lines().next().unwrap();
    assert!(tickler_app::SecretKey::parse(key).is_ok(), "{key}");
    assert_eq!(key.len(), 44, "base64 of 32 bytes: {key}");
    assert!(text.contains(&format!("TICKLER_SECRET_KEY={key}")) && text.contains("secret_key = "), "{text}");
    assert_ne!(new_key(&t), new_key(&t), "a new key each time");
}

both!(a_user_sets_their_mail_account_and_the_password_is_never_shown, |t: &Tickler| {
    add_user(t, "ann@example.com");
    add_user(t, "bob@example.com");
    let set = ["mail", "account", "set", "--smtp-host", "smtp.example.org", "--smtp-username", "ann@example.org"];
    let mut with_password = set.to_vec();
    with_password.push("--smtp-password-stdin");
    let stdin = format!("{SMTP_PASSWORD}\n");

    // Without a key a password is refused, saying how to make one; nothing is written.
    let refused = t.run_with_stdin(&with_password, Some(&stdin)).failure(2);
    quiet(&refused);
    let line = refused.error_line();
    assert!(line.contains("smtp-password:") && line.contains("tickler mail key"), "{line}");
    assert_eq!(t.json(&["mail", "account", "show"])["smtp"], serde_json::Value::Null);

    let key = new_key(t);
    let env = [("TICKLER_SECRET_KEY", key.as_str())];
    let saved = t.run_stdin_env(&with_password, Some(&stdin), &env).success();
    quiet(&saved);
    assert!(saved.stdout.contains("smtp.example.org:587 (starttls) as ann@example.org, password set"), "{saved:?}");
    // Per test database: the SQLite and PostgreSQL runs of this test go at once.
    let imap_file = std::env::temp_dir().join(format!("tickler-imap-password-{}-{:?}", std::process::id(), t.backend));
    std::fs::write(&imap_file, format!("{IMAP_PASSWORD}\n")).unwrap();
    let imap = t
        .run_env(
            &[
                "mail",
                "account",
                "set",
                "--imap-host",
                "imap.example.org",
                "--imap-username",
                "ann",
                "--imap-password-file",
                imap_file.to_str().unwrap(),
                "--unknown",
                "review",
                "--json",
            ],
            &env,
        )
        .success();
    std::fs::remove_file(&imap_file).unwrap();
    quiet(&imap);
    let view = imap.json();
    assert_eq!(view["user_email"], "ann@example.com", "the account's first user by default");
    assert_eq!(view["imap"]["password_set"], true);
    assert_eq!(view["smtp"]["password_set"], true, "the SMTP side was kept");
    assert_eq!(view["unknown"], "review");
    for args in [&["mail", "account", "show"][..], &["mail", "account", "show", "--json"]] {
        quiet(&t.run_env(args, &env).success());
    }
    if t.backend == Backend::Sqlite {
        assert!(!file_holds(&t.database(), SMTP_PASSWORD) && !file_holds(&t.database(), IMAP_PASSWORD));
    }

    // Bob's is his own; a user of no account here is named.
    let bob = t.json(&["mail", "account", "show", "--user", "bob@example.com"]);
    assert_eq!((&bob["user_email"], &bob["smtp"]), (&json!("bob@example.com"), &serde_json::Value::Null));
    let line = t.run(&["mail", "account", "show", "--user", "zed@example.com"]).failure(2).error_line();
    assert!(line.contains("zed@example.com"), "{line}");

    // Bad values name their flag.
    let line = t.run(&["mail", "account", "set", "--smtp-security", "maybe"]).failure(2).error_line();
    assert!(line.starts_with("error: smtp-security:"), "{line}");
    let line = t.run(&["mail", "account", "set", "--clear", "imap-password"]).failure(2).error_line();
    assert!(line.starts_with("error: imap-password: is required"), "{line}");
    let line = t.run(&["mail", "account", "set", "--clear", "everything"]).failure(2).error_line();
    assert!(line.contains("clear: \"everything\" is not a field"), "{line}");
    let both_stdin = ["mail", "account", "set", "--smtp-password-stdin", "--imap-password-stdin"];
    assert!(t.run_stdin_env(&both_stdin, Some("x\n"), &env).failure(2).error_line().contains("one password"));

    // A malformed key is named where it came from.
    let line = t.run_env(&["mail", "account", "show"], &[("TICKLER_SECRET_KEY", "c2hvcnQ=")]).failure(2).error_line();
    assert!(line.contains("TICKLER_SECRET_KEY: holds 5 bytes, not 32"), "{line}");

    // --clear smtp-password removes the password only; `clear` the whole account.
    let view = t.json(&["mail", "account", "set", "--clear", "smtp-password"]);
    assert_eq!((&view["smtp"]["password_set"], &view["smtp"]["host"]), (&json!(false), &json!("smtp.example.org")));
    let cleared = t.json(&["mail", "account", "clear"]);
    assert_eq!((&cleared["smtp"], &cleared["imap"]), (&serde_json::Value::Null, &serde_json::Value::Null));
});

#[test]
fn a_backup_holds_the_passwords_sealed_and_a_restore_opens_them_with_the_same_key() {
    let t = Tickler::new(Backend::Sqlite);
    add_user(&t, "ann@example.com");
    let sink = SmtpSink::start();
    let key = new_key(&t);
    let env = [("TICKLER_SECRET_KEY", key.as_str())];
    let port = sink.port.to_string();
    let set = [
        "mail",
        "account",
        "set",
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        &port,
        "--smtp-security",
        "none",
        "--smtp-username",
        "ann@example.org",
        "--smtp-password-stdin",
        "--from-name",
        "Ann Lee",
    ];
    quiet(&t.run_stdin_env(&set, Some(SMTP_PASSWORD), &env).success());
    let sent = t.run_env(&["mail", "account", "test", "kim@lo.example", "--json"], &env).success();
    quiet(&sent);
    assert!(sent.json()["answer"].as_str().unwrap().starts_with("250"), "{sent:?}");
    let message = sink.messages().remove(0);
    assert_eq!(message.header("from"), Some("\"Ann Lee\" <ann@example.org>"), "the user's own From");

    let file = std::env::temp_dir().join(format!("tickler-mail-backup-{}.json", std::process::id()));
    let file = file.to_str().unwrap();
    t.ok(&["backup", file]);
    let text = std::fs::read_to_string(file).unwrap();
    assert!(!text.contains(SMTP_PASSWORD), "the backup holds no clear password");
    let backup: serde_json::Value = serde_json::from_str(&text).unwrap();
    let row = &backup["sections"]["mail_accounts"][0];
    assert_eq!(row["user_id"], "ann@example.com");
    assert!(row["smtp_password"].as_str().unwrap().starts_with("v1:"), "{row}");

    // Restored where Ann signs in and the same key is set: her server takes the test again.
    let restored = Tickler::new(Backend::Sqlite);
    add_user(&restored, "ann@example.com");
    restored.ok(&["restore", file]);
    std::fs::remove_file(file).unwrap();
    let again = restored.run_env(&["mail", "account", "test", "kim@lo.example", "--json"], &env).success();
    quiet(&again);
    assert_eq!(sink.messages().len(), 2);
    // Another key, or none, cannot open it: a clear error, nothing sent.
    let other = [("TICKLER_SECRET_KEY", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")];
    let line = restored.run_env(&["mail", "account", "test", "kim@lo.example"], &other).failure(1).error_line();
    assert!(line.contains("smtp_password: a stored password does not open with this secret key"), "{line}");
    let line = restored.run(&["mail", "account", "test", "kim@lo.example"]).failure(1).error_line();
    assert!(line.contains("no secret key"), "{line}");
    assert_eq!(sink.messages().len(), 2);
}

#[test]
fn serve_takes_the_key_from_the_mail_settings_file_and_never_shows_a_password() {
    let t = Tickler::new(Backend::Sqlite);
    let key = new_key(&t);
    let config = std::env::temp_dir().join(format!("tickler-serve-mail-{}.conf", std::process::id()));
    std::fs::write(&config, format!("secret_key = {key}\nhost = 127.0.0.1\nport = 25\n")).unwrap();
    let server = Server::start(&t.database(), &["--no-worker", "--mail-config", config.to_str().unwrap()]);
    let session = server.set_up_first_user("Ann Lee", "ann@example.com");
    let token = server.create_token(&session, "mail");
    let body = json!({ "smtp_host": "smtp.example.org", "smtp_username": "ann", "smtp_password": SMTP_PASSWORD });
    let answer = server.send_json("PUT", "/api/v1/mail/account", &token, &body).expect(200).text();
    assert!(!answer.contains(SMTP_PASSWORD), "{answer}");
    assert!(answer.contains("\"password_set\":true"), "{answer}");
    let shown = server.get("/api/v1/mail/account", &token).expect(200).text();
    assert!(!shown.contains(SMTP_PASSWORD));
    let page = server.request("GET", "/settings", &[("Cookie", &session)], None).expect(200).text();
    assert!(page.contains("set — leave empty to keep") && !page.contains(SMTP_PASSWORD));
    assert!(!server.stderr().contains(SMTP_PASSWORD));
    drop(server);
    std::fs::remove_file(&config).unwrap();
    assert!(!file_holds(&t.database(), SMTP_PASSWORD), "stored sealed");
}

both!(mail_rekey_seals_every_password_again_under_the_new_key, |t: &Tickler| {
    add_user(t, "ann@example.com");
    add_user(t, "bob@example.com");
    let sink = SmtpSink::start();
    let port = sink.port.to_string();
    let old = new_key(t);
    let new = new_key(t);
    let old_env = [("TICKLER_SECRET_KEY", old.as_str())];
    for user in ["ann@example.com", "bob@example.com"] {
        let set = [
            "mail",
            "account",
            "set",
            "--user",
            user,
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            &port,
            "--smtp-security",
            "none",
            "--smtp-username",
            user,
            "--smtp-password-stdin",
        ];
        quiet(&t.run_stdin_env(&set, Some(SMTP_PASSWORD), &old_env).success());
    }

    // Without the old key it says where to put it; a new key that is not one is refused.
    let line = t.run_env(&["mail", "rekey"], &[("TICKLER_SECRET_KEY", new.as_str())]).failure(2).error_line();
    assert!(line.contains("TICKLER_OLD_SECRET_KEY: not set"), "{line}");
    let bad = [("TICKLER_SECRET_KEY", new.as_str()), ("TICKLER_OLD_SECRET_KEY", "c2hvcnQ=")];
    let line = t.run_env(&["mail", "rekey"], &bad).failure(2).error_line();
    assert!(line.contains("TICKLER_OLD_SECRET_KEY: holds 5 bytes, not 32"), "{line}");

    let both_keys = [("TICKLER_SECRET_KEY", new.as_str()), ("TICKLER_OLD_SECRET_KEY", old.as_str())];
    let done = t.run_env(&["mail", "rekey", "--json"], &both_keys).success();
    quiet(&done);
    assert_eq!(done.json(), json!({ "resealed": 2, "current": 0, "unopened": [] }));
    // Run again, there is nothing left to do.
    let again = t.run_env(&["mail", "rekey", "--json"], &both_keys).success();
    assert_eq!(again.json(), json!({ "resealed": 0, "current": 2, "unopened": [] }));

    // The new key opens the passwords, the old one no longer does.
    let new_env = [("TICKLER_SECRET_KEY", new.as_str())];
    for user in ["ann@example.com", "bob@example.com"] {
        quiet(&t.run_env(&["mail", "account", "test", "--user", user, "kim@lo.example"], &new_env).success());
    }
    assert_eq!(sink.messages().len(), 2);
    let line = t.run_env(&["mail", "account", "test", "kim@lo.example"], &old_env).failure(1).error_line();
    assert!(line.contains("does not open with this secret key"), "{line}");

    // A password sealed under a third key opens with neither: named, left as it is, exit 1.
    let third = new_key(t);
    let set = ["mail", "account", "set", "--user", "bob@example.com", "--smtp-password-stdin"];
    quiet(&t.run_stdin_env(&set, Some(SMTP_PASSWORD), &[("TICKLER_SECRET_KEY", third.as_str())]).success());
    let line = t.run_env(&["mail", "rekey"], &both_keys).failure(1).error_line();
    assert!(line.contains("1 stored password opens with neither key"), "{line}");
    assert!(line.contains("bob@example.com: smtp_password"), "{line}");
    assert!(line.contains("Sealed 0 passwords again under the current key; 1 already opened with it."), "{line}");
    let bob = ["mail", "account", "test", "--user", "bob@example.com", "kim@lo.example"];
    quiet(&t.run_env(&bob, &[("TICKLER_SECRET_KEY", third.as_str())]).success());
});

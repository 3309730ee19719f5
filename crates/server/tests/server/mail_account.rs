//! Each user's own mail account through the API and the Settings page: set,
//! shown without its passwords, cleared; stored sealed (the database holds no
//! password); refused without a secret key; a mailbox whose password does not
//! open with the key is skipped by the watchers; and each user's plan emails
//! go out through their own SMTP server (two smtp-sinks) while a user without
//! one goes through the relay.

use jiff::SignedDuration;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tickler_app::mail_accounts::{self, MailAccountInput, UnknownPolicy};
use tickler_app::users::{self, UserInput};
use tickler_app::worker::{Clock, WorkerConfig, drain};
use tickler_app::{Actor, App, Kind, SecretKey, plans};
use tickler_core::contact::{ContactDetails, ContactName, EmailAddress};
use tickler_core::plan::{PlanDraft, Step};
use tickler_core::user::User;
use tickler_mail::{Mailer, Security, SmtpConfig};
use tickler_test_support::both;
use tickler_test_support::smtp_sink::SmtpSink;

use crate::common::{self, Server, TestDb, now};

const SMTP_PASSWORD: &str = "smtp-Pa55word-never-shown";
const IMAP_PASSWORD: &str = "imap-Pa55word-never-shown";

fn full_account() -> Value {
    json!({
        "smtp_host": "smtp.example.org",
        "smtp_port": 465,
        "smtp_username": "Ann@Example.org",
        "smtp_password": SMTP_PASSWORD,
        "from_name": "Ann Lee",
        "from_address": "ann@example.org",
        "imap_host": "imap.example.org",
        "imap_username": "ann",
        "imap_password": IMAP_PASSWORD,
        "sent_folder": "Sent Items",
        "unknown": "review",
    })
}

/// Whether any stored byte of the database holds `needle` (SQLite: the file and its log; PostgreSQL: every text column of mail_accounts).
async fn stored_anywhere(db: &TestDb, needle: &str) -> bool {
    if db.backend() == common::db::Backend::Sqlite {
        ["", "-wal"].iter().any(|suffix| {
            std::fs::read(format!("{}{suffix}", db.url()))
                .is_ok_and(|bytes| bytes.windows(needle.len()).any(|window| window == needle.as_bytes()))
        })
    } else {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT CONCAT_WS('|', smtp_host, smtp_username, smtp_password, imap_username, imap_password) FROM mail_accounts",
        )
        .fetch_all(db.store.pool())
        .await
        .unwrap();
        rows.iter().any(|row| row.contains(needle))
    }
}

both!(the_api_sets_shows_and_clears_a_mail_account, async |server: &Server| {
    let ann = server.first_user("ann@example.com").await;
    let api = server.api(&ann).await;
    let (status, empty) = api.get("/api/v1/mail/account").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (&empty["smtp"], &empty["imap"], &empty["user_email"]),
        (&Value::Null, &Value::Null, &json!("ann@example.com"))
    );

    let response = api.request(Method::PUT, "/api/v1/mail/account").json(&full_account()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    assert!(!text.contains(SMTP_PASSWORD) && !text.contains(IMAP_PASSWORD), "{text}");
    let saved: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        saved["smtp"],
        json!({ "host": "smtp.example.org", "port": 465, "security": "tls", "username": "Ann@Example.org", "password_set": true })
    );
    assert_eq!(
        saved["imap"],
        json!({ "host": "imap.example.org", "port": 993, "security": "tls", "username": "ann", "password_set": true })
    );
    assert_eq!(
        (&saved["sent_folder"], &saved["unknown"], &saved["inbox_folder"]),
        (&json!("Sent Items"), &json!("review"), &json!("INBOX"))
    );
    let text = api.request(Method::GET, "/api/v1/mail/account").send().await.unwrap().text().await.unwrap();
    assert!(!text.contains(SMTP_PASSWORD) && !text.contains(IMAP_PASSWORD), "{text}");

    // Stored sealed: no clear password anywhere in the database.
    let sealed: Vec<String> =
        sqlx::query_scalar("SELECT smtp_password FROM mail_accounts").fetch_all(server.db.store.pool()).await.unwrap();
    assert!(sealed[0].starts_with("v1:"), "{sealed:?}");
    for password in [SMTP_PASSWORD, IMAP_PASSWORD] {
        assert!(!stored_anywhere(&server.db, password).await, "{password} is stored in clear");
    }

    // The worker's view opens them with the key.
    let watched = mail_accounts::watched_mailboxes(&server.state.app).await.unwrap();
    assert_eq!(watched.len(), 1);
    let mailbox = &watched[0];
    assert_eq!(
        (mailbox.user_id, mailbox.imap.password.as_str(), mailbox.imap.mailbox.as_str()),
        (ann.id, IMAP_PASSWORD, "INBOX")
    );
    assert_eq!((mailbox.sent_folder.as_deref(), mailbox.unknown_policy), (Some("Sent Items"), UnknownPolicy::Review));
    assert_eq!(mailbox.own_addresses, vec!["ann@example.com".to_string(), "ann@example.org".to_string()]);
    assert!(!format!("{mailbox:?}").contains(IMAP_PASSWORD), "Debug hides the password");
    assert_eq!(mail_accounts::watched_mailbox(&server.state.app, ann.id).await.unwrap().as_ref(), Some(mailbox));
    let smtp = mail_accounts::smtp_for(&server.state.app, ann.id).await.unwrap().unwrap();
    assert_eq!((smtp.port, smtp.security, smtp.password.as_deref()), (465, Security::Tls, Some(SMTP_PASSWORD)));
    assert_eq!((smtp.from_address.as_str(), smtp.from_name.as_str()), ("ann@example.org", "Ann Lee"));
    assert!(!format!("{smtp:?}").contains(SMTP_PASSWORD), "Debug hides the password");

    // A field left out keeps its value; an empty one clears.
    let (status, changed) =
        api.call(Method::PUT, "/api/v1/mail/account", Some(json!({ "smtp_port": 587, "imap_password": "" }))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a watched mailbox needs its password: {changed}");
    assert_eq!(changed["field"], "imap_password");
    let (status, changed) =
        api.call(Method::PUT, "/api/v1/mail/account", Some(json!({ "smtp_port": 587, "imap_host": "" }))).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    // The security was never set: the port chooses it.
    assert_eq!((&changed["smtp"]["port"], &changed["smtp"]["security"]), (&json!(587), &json!("starttls")));
    assert_eq!(changed["smtp"]["password_set"], true);
    assert_eq!(changed["imap"], Value::Null, "an empty host removes the side");
    assert!(mail_accounts::watched_mailboxes(&server.state.app).await.unwrap().is_empty());

    // Bad values name their field and change nothing.
    for (body, field) in [
        (json!({ "smtp_security": "maybe" }), "smtp_security"),
        (json!({ "smtp_host": "smtp example.org" }), "smtp_host"),
        (json!({ "from_address": "not an address" }), "from_address"),
        (json!({ "unknown": "sometimes" }), "unknown"),
        (json!({ "imap_port": 993 }), "imap_host"),
        (json!({ "from_name": "Ann\nBcc: everyone@example.org" }), "from_name"),
        (json!({ "smtp_username": "", "smtp_password": "x" }), "smtp_username"),
    ] {
        let (status, error) = api.call(Method::PUT, "/api/v1/mail/account", Some(body.clone())).await;
        assert_eq!(
            (status, error["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{body}: {error}"
        );
    }
    let (status, _) = api.call(Method::PUT, "/api/v1/mail/account", Some(json!({ "password": "x" }))).await;
    assert!(status.is_client_error(), "an unknown field is refused");
    assert_eq!(api.get("/api/v1/mail/account").await.1, changed);

    // Another account's user sees only their own (none).
    let olga = server.other_account("olga@example.com").await;
    let (_, theirs) = server.api(&olga).await.get("/api/v1/mail/account").await;
    assert_eq!((&theirs["smtp"], &theirs["user_email"]), (&Value::Null, &json!("olga@example.com")));

    let (status, cleared) = api.call(Method::DELETE, "/api/v1/mail/account", None).await;
    assert_eq!((status, &cleared["smtp"], &cleared["updated_at"]), (StatusCode::OK, &Value::Null, &Value::Null));
    assert_eq!(mail_accounts::smtp_for(&server.state.app, ann.id).await.unwrap(), None);
    let document = server.anonymous().get("/api/openapi.json").await.1;
    let operations = &document["paths"]["/api/v1/mail/account"];
    assert!(operations["get"].is_object() && operations["put"].is_object() && operations["delete"].is_object());
    assert!(document["components"]["schemas"]["MailAccountInput"].is_object(), "the input is documented");
});

both!(a_password_is_refused_without_a_secret_key, async |server: &Server| {
    let keyless = Server::start_with_key(TestDb::open(server.db.backend()).await, None).await;
    let ann = keyless.first_user("ann@example.com").await;
    let api = keyless.api(&ann).await;
    let (status, error) = api.call(Method::PUT, "/api/v1/mail/account", Some(full_account())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["field"], "smtp_password");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("tickler mail key") && message.contains("TICKLER_SECRET_KEY"), "{message}");
    assert!(!message.contains(SMTP_PASSWORD));
    assert_eq!(keyless.db.store.mail_account_of_user(ann.id).await.unwrap(), None, "nothing was written");
    // An SMTP server without a login needs no key.
    let (status, saved) = api
        .call(Method::PUT, "/api/v1/mail/account", Some(json!({ "smtp_host": "relay.example.org", "smtp_port": 25 })))
        .await;
    assert_eq!((status, &saved["smtp"]["security"]), (StatusCode::OK, &json!("none")), "{saved}");
});

both!(a_password_sealed_with_another_key_does_not_open, async |server: &Server| {
    let ann = server.first_user("ann@example.com").await;
    let bob = add_user(server, &ann, "bob@example.com").await;
    for user in [&ann, &bob] {
        let input: MailAccountInput = serde_json::from_value(full_account()).unwrap();
        mail_accounts::update(&server.state.app, &actor(server, user).await, &input).await.unwrap();
    }
    let other_key = App::from_store(server.db.store.clone()).with_secret_key(Some(SecretKey::generate().unwrap()));
    // The watchers leave the mailboxes out (a warning on stderr), and say why for one.
    assert!(mail_accounts::watched_mailboxes(&other_key).await.unwrap().is_empty());
    let error = mail_accounts::watched_mailbox(&other_key, ann.id).await.unwrap_err();
    assert_eq!(error.kind, Kind::Refused);
    assert!(error.message.contains("another key"), "{}", error.message);
    assert!(mail_accounts::smtp_for(&other_key, bob.id).await.is_err());
    let no_key = App::from_store(server.db.store.clone());
    assert!(mail_accounts::watched_mailboxes(&no_key).await.unwrap().is_empty());
    let error = mail_accounts::smtp_for(&no_key, ann.id).await.unwrap_err();
    assert!(error.message.contains("no secret key"), "{}", error.message);
    // Showing never opens a password.
    let shown = mail_accounts::show(&other_key, &actor(server, &ann).await).await.unwrap();
    assert!(shown.smtp.unwrap().password_set);
    // An actor without a user is told a mail account is a user's.
    let account = server.state.app.account(ann.account_id).await.unwrap();
    let error = mail_accounts::show(&server.state.app, &Actor::new(account, None, now())).await.unwrap_err();
    assert_eq!((error.kind, error.field), (Kind::Invalid, Some("user")));
});

both!(the_settings_page_sets_the_mailbox_and_never_shows_a_password, async |server: &Server| {
    server.first_user("ann@example.com").await;
    let browser = server.browser("ann@example.com").await;
    let (_, page) = browser.page("/settings").await;
    assert!(page.contains("Your mailbox") && page.contains("id=\"f-mail-smtp_host\""), "{page}");
    assert!(!page.contains("set — leave empty to keep"), "no password is set yet");

    let fields = [
        ("smtp_host", "smtp.example.org"),
        ("smtp_port", "587"),
        ("smtp_security", ""),
        ("smtp_username", "ann@example.org"),
        ("smtp_password", SMTP_PASSWORD),
        ("from_name", "Ann Lee"),
        ("from_address", ""),
        ("imap_host", "imap.example.org"),
        ("imap_port", ""),
        ("imap_security", "tls"),
        ("imap_username", "ann"),
        ("imap_password", IMAP_PASSWORD),
        ("inbox_folder", "INBOX"),
        ("sent_folder", ""),
        ("unknown", "ignore"),
    ];
    let bad: Vec<(&str, &str)> =
        fields.iter().map(|&(key, value)| if key == "imap_port" { (key, "nine") } else { (key, value) }).collect();
    let refused = browser.form("/settings/mailbox", &bad).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"e-mail-imap_port\"") && html.contains("is not a port"), "the error sits by the field");
    assert!(html.contains("value=\"smtp.example.org\""), "what was typed is kept");
    assert!(!html.contains(SMTP_PASSWORD) && !html.contains(IMAP_PASSWORD), "a typed password is not sent back");
    assert!(server.db.store.imap_mail_accounts().await.unwrap().is_empty(), "nothing was saved");

    let saved = browser.form("/settings/mailbox", &fields).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(saved.headers()["location"], "/settings?notice=mailbox");
    let (_, page) = browser.page("/settings?notice=mailbox").await;
    assert!(page.contains("Your mailbox is saved."));
    assert_eq!(page.matches("set — leave empty to keep").count(), 2, "both passwords are set");
    assert!(!page.contains(SMTP_PASSWORD) && !page.contains(IMAP_PASSWORD), "{page}");
    assert!(page.contains("value=\"imap.example.org\""));

    // Saved again with the password fields empty: the passwords stay.
    let kept: Vec<(&str, &str)> =
        fields.iter().map(|&(key, value)| if key.ends_with("_password") { (key, "") } else { (key, value) }).collect();
    assert_eq!(browser.form("/settings/mailbox", &kept).await.status(), StatusCode::SEE_OTHER);
    let mailbox = mail_accounts::watched_mailboxes(&server.state.app).await.unwrap().remove(0);
    assert_eq!(mailbox.imap.password, IMAP_PASSWORD);

    // Without the session's CSRF token nothing is saved.
    let forged =
        browser.request(Method::POST, "/settings/mailbox/remove").form(&[("csrf", "forged")]).send().await.unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(server.db.store.imap_mail_accounts().await.unwrap().len(), 1);
    let removed = browser.form("/settings/mailbox/remove", &[]).await;
    assert_eq!(removed.headers()["location"], "/settings?notice=mailbox-removed");
    assert!(server.db.store.imap_mail_accounts().await.unwrap().is_empty());
});

async fn add_user(server: &Server, admin: &User, email: &str) -> User {
    let input = UserInput { email: email.into(), name: None, password: common::PASSWORD.into(), admin: false };
    users::add(&server.state.app, &actor(server, admin).await, &input).await.unwrap()
}

async fn actor(server: &Server, user: &User) -> Actor {
    let account = server.state.app.account(user.account_id).await.unwrap();
    Actor::new(account, Some(user.clone()), now())
}

fn own_smtp(sink: &SmtpSink, name: &str, from: &str) -> MailAccountInput {
    MailAccountInput {
        smtp_host: Some("127.0.0.1".into()),
        smtp_port: Some(sink.port),
        smtp_security: Some("none".into()),
        smtp_username: Some(from.into()),
        smtp_password: Some(SMTP_PASSWORD.into()),
        from_name: Some(name.into()),
        ..MailAccountInput::default()
    }
}

both!(each_user_sends_through_their_own_server, async |server: &Server| {
    let (relay, ann_sink, bob_sink) = (SmtpSink::start(), SmtpSink::start(), SmtpSink::start());
    let app = &server.state.app;
    let ann = server.first_user("ann@example.com").await;
    let bob = add_user(server, &ann, "bob@example.com").await;
    let cy = add_user(server, &ann, "cy@example.com").await;
    mail_accounts::update(app, &actor(server, &ann).await, &own_smtp(&ann_sink, "Ann Own", "ann@own.example"))
        .await
        .unwrap();
    mail_accounts::update(app, &actor(server, &bob).await, &own_smtp(&bob_sink, "Bob Own", "bob@own.example"))
        .await
        .unwrap();
    let sender = tickler_app::mail::SenderInput {
        name: Some("Sam Stone".into()),
        address: Some("sam@stone.example".into()),
        ..Default::default()
    };
    tickler_app::mail::update_sender(app, &actor(server, &ann).await, &sender).await.unwrap();
    let steps = vec![Step::email("same day", "Hello {{ contact.first_name }}", "Hi {{ contact.first_name }}").unwrap()];
    let plan = server
        .db
        .store
        .create_plan(ann.account_id, &PlanDraft::new("Hello", "", false, steps).unwrap(), now())
        .await
        .unwrap();
    for (user, name, email) in
        [(&ann, "Kim Lo", "kim@lo.example"), (&bob, "Lee Ray", "lee@ray.example"), (&cy, "Max Ng", "max@ng.example")]
    {
        let mut details = ContactDetails::named(ContactName::parse(name).unwrap());
        details.emails = vec![EmailAddress::parse(email).unwrap()];
        let contact = server.db.store.create_contact(ann.account_id, &details, now()).await.unwrap();
        plans::enroll(app, &actor(server, user).await, contact.id, &plan.id.to_string()).await.unwrap();
    }
    let relay_config =
        SmtpConfig { host: "127.0.0.1".into(), port: relay.port, security: Security::None, ..SmtpConfig::default() };
    let mut config = WorkerConfig::new(Clock::starting_at(now()));
    config.owner = "own-servers".into();
    let report = drain(app, &Mailer::new(&relay_config).unwrap(), &config).await.unwrap();
    assert_eq!(report.sent, 3, "{report:?}");

    let only = |sink: &SmtpSink| {
        let messages = sink.messages();
        assert_eq!(messages.len(), 1, "{messages:?}");
        messages[0].clone()
    };
    let to_kim = only(&ann_sink);
    assert_eq!(to_kim.header("to"), Some("kim@lo.example"));
    let from = to_kim.header("from").unwrap();
    assert_eq!(from, "\"Ann Own\" <ann@own.example>", "the user's own From, through their own server");
    let to_lee = only(&bob_sink);
    assert_eq!(to_lee.header("to"), Some("lee@ray.example"));
    assert_eq!(to_lee.header("from"), Some("\"Bob Own\" <bob@own.example>"));
    let to_max = only(&relay);
    assert_eq!(to_max.header("to"), Some("max@ng.example"));
    assert_eq!(
        to_max.header("from"),
        Some("\"Sam Stone\" <sam@stone.example>"),
        "the account's sender, through the relay"
    );
    assert!(to_kim.raw.find(SMTP_PASSWORD).is_none());

    // A user whose password no longer opens (another key): their email fails, waits and says why.
    let steps = vec![Step::email("same day", "Again", "Hi again").unwrap()];
    let second = server
        .db
        .store
        .create_plan(ann.account_id, &PlanDraft::new("Again", "", false, steps).unwrap(), now())
        .await
        .unwrap();
    let kim = server.db.store.find_contact(ann.account_id, "kim@lo.example").await.unwrap();
    plans::enroll(app, &actor(server, &ann).await, kim.id, &second.id.to_string()).await.unwrap();
    let later = now() + SignedDuration::from_hours(72);
    let mut config = WorkerConfig::new(Clock::starting_at(later));
    config.owner = "other-key".into();
    let other_key = App::from_store(server.db.store.clone()).with_secret_key(Some(SecretKey::generate().unwrap()));
    let report = drain(&other_key, &Mailer::new(&relay_config).unwrap(), &config).await.unwrap();
    assert_eq!((report.sent, report.failed), (0, 1), "{report:?}");
    assert_eq!(ann_sink.messages().len(), 1, "nothing more went out");
    assert_eq!(relay.messages().len(), 1, "nor through the relay instead");
    let outbox = server.db.store.outbox(ann.account_id, Some(kim.id)).await.unwrap();
    let error: Option<String> = sqlx::query_scalar("SELECT last_error FROM outbox WHERE id = $1")
        .bind(outbox[0].0.outbox_id)
        .fetch_one(server.db.store.pool())
        .await
        .unwrap();
    let error = error.unwrap_or_default();
    assert!(error.contains("own mail server") && error.contains("another key"), "{error}");
});

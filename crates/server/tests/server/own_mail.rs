//! The web side of each user's own mailbox, and the JSON API beside it: the
//! Settings page's "Addresses that do work" (none yet, own mailbox, the
//! installation's inbound mailbox, new addresses), "Read my mailbox now"
//! against a real Dovecot (its report as a notice, a bad login or an
//! unreachable server as an alert, never a 500), the review page (Add,
//! Dismiss) and Today's banner, "It works again" on the contact page; every
//! form refused without its CSRF token, no password ever shown.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tickler_app::App;
use tickler_core::user::User;
use tickler_test_support::both;
use tickler_test_support::dovecot::Dovecot;

use crate::common::{self, Api, Server, TestDb, now};

/// The installation's inbound mailbox of the servers that have one.
const INBOUND: &str = "followup@tickler.example";
const DATE: &str = "Tue, 24 Nov 2026 09:00:00 -0500";

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap_or_default().to_string()
}

/// A second server, over its own database, whose installation has an inbound mailbox.
async fn with_inbound(server: &Server) -> Server {
    let db = TestDb::open(server.db.backend()).await;
    let app = App::from_store(db.store.clone())
        .with_secret_key(Some(common::secret_key()))
        .with_inbound_address(Some(INBOUND.into()));
    Server::start_with_app(db, app).await
}

/// The mailbox form's fields for an IMAP server on 127.0.0.1:`port` (no SMTP server of their own).
fn mailbox_fields<'a>(port: &'a str, username: &'a str, password: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("smtp_host", ""),
        ("smtp_port", ""),
        ("smtp_security", ""),
        ("smtp_username", ""),
        ("smtp_password", ""),
        ("from_name", ""),
        ("from_address", ""),
        ("imap_host", "127.0.0.1"),
        ("imap_port", port),
        ("imap_security", "none"),
        ("imap_username", username),
        ("imap_password", password),
        ("inbox_folder", ""),
        ("sent_folder", ""),
        ("unknown", "review"),
    ]
}

/// Post a page form without the session's CSRF token: refused, nothing done.
async fn forged(browser: &Api, path: &str, fields: &[(&str, &str)]) {
    let response = browser.request(Method::POST, path).form(fields).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path} without its CSRF token");
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

both!(a_user_without_a_mailbox_is_told_how_to_get_addresses, async |server: &Server| {
    let ann = server.first_user("ann@example.com").await;
    let browser = server.browser("ann@example.com").await;
    let (status, page) = browser.page("/settings").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Addresses that do work"), "{page}");
    assert!(page.contains("You have none yet. Set your mailbox (IMAP) under Your mailbox above"), "{page}");
    assert!(!page.contains("Read my mailbox now") && !page.contains("Make new addresses"), "{page}");
    assert!(!page.contains("+tickler-log@"), "no work address without a mailbox");

    // The buttons' routes answer with the reason, on the page, never a 500.
    let read = browser.form("/settings/mailbox/read", &[]).await;
    assert_eq!(read.status(), StatusCode::CONFLICT);
    let html = read.text().await.unwrap();
    assert!(html.contains("Your mailbox was not read: you have no mailbox to read"), "{html}");
    let renew = browser.form("/settings/addresses/new", &[]).await;
    assert_eq!(renew.status(), StatusCode::CONFLICT);
    assert!(renew.text().await.unwrap().contains("there is no installation inbound mailbox"));
    forged(&browser, "/settings/mailbox/read", &[("csrf", "forged")]).await;

    // No one to review, and how the list gets filled.
    let (status, review) = browser.page("/mail/review").await;
    assert_eq!(status, StatusCode::OK);
    assert!(review.contains("Nobody to review"), "{review}");
    assert!(review.contains("is set to review under"), "{review}");
    let (_, today) = browser.page("/today").await;
    assert!(!today.contains("/mail/review"), "no banner: {today}");

    // An unreachable mail server is named, not "the database" (page and API alike).
    let port = closed_port().to_string();
    let fields = mailbox_fields(&port, "ann", "imap-Pa55word-never-shown");
    assert_eq!(browser.form("/settings/mailbox", &fields).await.status(), StatusCode::SEE_OTHER);
    let (_, page) = browser.page("/settings").await;
    assert!(page.contains("Read my mailbox now"), "a watched mailbox can be read now");
    assert!(page.contains("ann+tickler-log@example.com"), "the own mailbox's addresses: {page}");
    let read = browser.form("/settings/mailbox/read", &[]).await;
    assert_eq!(read.status(), StatusCode::SERVICE_UNAVAILABLE);
    let html = read.text().await.unwrap();
    assert!(html.contains("Your mailbox was not read: ") && html.contains(&port), "{html}");
    assert!(!html.contains("database") && !html.contains("imap-Pa55word-never-shown"), "{html}");
    let (status, error) = server.api(&ann).await.post("/api/v1/mail/check", json!({})).await;
    assert_eq!((status, error["error"].as_str()), (StatusCode::SERVICE_UNAVAILABLE, Some("unavailable")), "{error}");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(message.contains(&port) && !message.contains("database"), "{message}");
});

both!(the_settings_page_shows_the_work_addresses_and_makes_new_ones, async |server: &Server| {
    let server = with_inbound(server).await;
    let sam = server.first_user("sam@stone.example").await;
    let browser = server.browser("sam@stone.example").await;
    let api = server.api(&sam).await;

    // The installation's mailbox only: its addresses, with the user's secret.
    let (status, shown) = api.get("/api/v1/mail/addresses").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((&shown["own"], &shown["ignored"]), (&Value::Null, &json!(0)));
    let log = shown["inbound"]["log"].as_str().unwrap().to_string();
    let secret = log.strip_prefix("followup+").and_then(|rest| rest.strip_suffix(".log@tickler.example")).unwrap();
    let (_, page) = browser.page("/settings").await;
    assert!(page.contains("On this installation&#x27;s mailbox (private to you)"), "{page}");
    assert!(!page.contains("On your own mailbox"), "{page}");
    for address in [
        log.clone(),
        format!("followup+{secret}.WHEN@tickler.example"),
        format!("followup+{secret}.3days@tickler.example"),
        format!("followup+{secret}.tomorrow-9am@tickler.example"),
        format!("followup+{secret}.next-tuesday@tickler.example"),
    ] {
        assert!(page.contains(&format!(">{address}</code>")), "{address} is shown to copy: {page}");
    }
    assert!(page.contains("BCC the log address on an email you send, or forward an email to it"));
    assert!(
        page.contains("cancelled if they reply first") && page.contains("send a message to a remind address alone")
    );
    assert!(page.contains("Make new addresses") && page.contains("stop working at once"), "{page}");
    assert!(!page.contains("ignored: sender not verified"), "none ignored yet");

    // Their own mailbox too, once set; and the messages ignored so far.
    let fields = mailbox_fields("993", "sam", "imap-Pa55word-never-shown");
    assert_eq!(browser.form("/settings/mailbox", &fields).await.status(), StatusCode::SEE_OTHER);
    let ignored = tickler_app::mailbox::ignored_key(sam.id);
    server.db.store.note_mailbox_state(&ignored, 3, None, now()).await.unwrap();
    let (_, page) = browser.page("/settings").await;
    assert!(page.contains("On your own mailbox") && page.contains(">sam+tickler-log@stone.example</code>"), "{page}");
    assert!(
        page.contains(">sam+tickler-WHEN@stone.example</code>")
            && page.contains(">sam+tickler-3days@stone.example</code>")
    );
    assert!(page.contains("3 messages ignored: sender not verified."), "{page}");
    assert!(!page.contains("imap-Pa55word-never-shown"));

    // New addresses: refused without the token, else the old ones are gone.
    forged(&browser, "/settings/addresses/new", &[("csrf", "forged")]).await;
    assert_eq!(api.get("/api/v1/mail/addresses").await.1["inbound"]["log"], json!(log));
    let renewed = browser.form("/settings/addresses/new", &[]).await;
    assert_eq!((renewed.status(), location(&renewed)), (StatusCode::SEE_OTHER, "/settings?notice=addresses".into()));
    let (_, page) = browser.page("/settings?notice=addresses").await;
    assert!(page.contains("New addresses made: the old ones no longer work."));
    assert!(!page.contains(&log), "the old log address is gone");
    let (_, shown) = api.get("/api/v1/mail/addresses").await;
    let new_log = shown["inbound"]["log"].as_str().unwrap();
    assert!(new_log != log && page.contains(new_log), "{new_log}");
    assert_eq!(shown["own"]["log"], "sam+tickler-log@stone.example", "the own mailbox's addresses need no secret");
    // Through the API as well.
    let (status, again) = api.post("/api/v1/mail/addresses/new", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert!(again["inbound"]["log"] != shown["inbound"]["log"]);

    // An installation without an inbound mailbox refuses new addresses.
    let plain = TestDb::open(server.db.backend()).await;
    let plain = Server::start(plain).await;
    let kim = plain.first_user("kim@example.com").await;
    let (status, error) = plain.api(&kim).await.post("/api/v1/mail/addresses/new", json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(error["message"].as_str().unwrap_or_default().contains("no installation inbound mailbox"), "{error}");
});

both!(reading_the_mailbox_lists_strangers_to_add_or_dismiss, async |server: &Server| {
    let dovecot = Dovecot::start_users(&[("sam", "sam-imap-pw")]);
    let sam = server.first_user("sam@stone.example").await;
    let browser = server.browser("sam@stone.example").await;
    let api = server.api(&sam).await;
    let port = dovecot.port.to_string();
    let saved = browser.form("/settings/mailbox", &mailbox_fields(&port, "sam", "sam-imap-pw")).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let sent = |to: &str, id: &str| {
        let message = format!(
            "From: Sam <sam@stone.example>\r\nTo: {to}\r\nSubject: Hello\r\nDate: {DATE}\r\n\
             Message-ID: <{id}@stone.example>\r\n\r\nNice to meet you.\r\n"
        );
        dovecot.append_to("sam", "sam-imap-pw", "Sent", message.as_bytes());
    };
    sent("Zoe Zed <zoe@zed.example>", "s1");

    // Read now: the report is the notice.
    forged(&browser, "/settings/mailbox/read", &[]).await;
    let read = browser.form("/settings/mailbox/read", &[]).await;
    assert_eq!(read.status(), StatusCode::OK);
    let html = read.text().await.unwrap();
    assert!(html.contains("1 message read: 1 person who is not a contact yet, to review."), "{html}");
    assert!(!html.contains("sam-imap-pw"));

    // Today says so in one line, linking to the list.
    let (_, today) = browser.page("/today").await;
    assert!(
        today
            .contains("<a href=\"/mail/review\">1 person you corresponded with is not a contact yet — review them</a>"),
        "{today}"
    );
    let (status, review) = browser.page("/mail/review").await;
    assert_eq!(status, StatusCode::OK);
    assert!(review.contains("1 person you corresponded with is not a contact yet — add them?"), "{review}");
    assert!(review.contains("zoe@zed.example") && review.contains("value=\"Zoe Zed\""), "{review}");
    assert!(review.contains("1 sent, 0 received") && review.contains("Tue 24 Nov 2026, 09:00"), "{review}");

    // A second stranger: both listed, by the API too; reading again finds nothing new.
    sent("max@ng.example", "s2");
    let (status, report) = api.post("/api/v1/mail/check", json!({})).await;
    assert_eq!((status, &report["read"], &report["unknown"]), (StatusCode::OK, &json!(1), &json!(1)), "{report}");
    assert!(!report.to_string().contains("sam-imap-pw"));
    let read = browser.form("/settings/mailbox/read", &[]).await;
    assert!(read.text().await.unwrap().contains("Your mailbox was read: no new messages."));
    let (_, review) = browser.page("/mail/review").await;
    assert!(review.contains("2 people you corresponded with are not contacts yet — add them?"), "{review}");
    let (_, listed) = api.get("/api/v1/mail/review").await;
    let emails: Vec<&str> = listed.as_array().unwrap().iter().filter_map(|p| p["email"].as_str()).collect();
    assert_eq!(emails.len(), 2, "{listed}");
    assert!(emails.contains(&"zoe@zed.example") && emails.contains(&"max@ng.example"), "{listed}");

    // Add, with the name edited; refused without the token.
    let add = [("email", "zoe@zed.example"), ("name", "Zoe Zed-Lee")];
    forged(&browser, "/mail/review/add", &add).await;
    let added = browser.form("/mail/review/add", &add).await;
    assert_eq!((added.status(), location(&added)), (StatusCode::SEE_OTHER, "/mail/review?notice=review-added".into()));
    let (_, contacts) = api.get("/api/v1/contacts?q=zoe").await;
    assert_eq!(contacts["items"][0]["name"], "Zoe Zed-Lee", "{contacts}");
    assert_eq!(contacts["items"][0]["emails"], json!(["zoe@zed.example"]));
    let (_, review) = browser.page("/mail/review?notice=review-added").await;
    assert!(review.contains("Added as a contact") && !review.contains("zoe@zed.example"), "{review}");
    // Someone not (or no longer) listed: the page says so, naming them.
    let again = browser.form("/mail/review/add", &[("email", "zoe@zed.example"), ("name", "")]).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    assert!(again.text().await.unwrap().contains("zoe@zed.example is not on your list of people to review"));

    // Dismiss.
    forged(&browser, "/mail/review/dismiss", &[("email", "max@ng.example")]).await;
    let dismissed = browser.form("/mail/review/dismiss", &[("email", "max@ng.example")]).await;
    assert_eq!(location(&dismissed), "/mail/review?notice=review-dismissed");
    let (_, review) = browser.page("/mail/review?notice=review-dismissed").await;
    assert!(review.contains("Dismissed: they will not be listed again.") && review.contains("Nobody to review"));
    let (_, today) = browser.page("/today").await;
    assert!(!today.contains("/mail/review"), "no banner when nobody waits");

    // The API's review: add and dismiss, each refused for someone not listed.
    sent("Lou Ray <lou@ray.example>, kit@ray.example", "s3");
    assert_eq!(api.post("/api/v1/mail/check", json!({})).await.1["unknown"], json!(2));
    let (status, contact) = api.post("/api/v1/mail/review/add", json!({ "email": "lou@ray.example" })).await;
    assert_eq!((status, &contact["name"]), (StatusCode::CREATED, &json!("Lou Ray")), "{contact}");
    let (status, error) = api.post("/api/v1/mail/review/add", json!({ "email": "nobody@ray.example" })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(error["message"].as_str().unwrap_or_default().contains("nobody@ray.example"), "{error}");
    let (status, _) = api.post("/api/v1/mail/review/dismiss", json!({ "email": "kit@ray.example" })).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, error) = api.post("/api/v1/mail/review/dismiss", json!({ "email": "kit@ray.example" })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(error["message"].as_str().unwrap_or_default().contains("kit@ray.example"), "{error}");
    assert_eq!(api.get("/api/v1/mail/review").await.1, json!([]));

    // Listed but not reviewed (policy ignore): no banner on Today, the list still there.
    sent("pat@ng.example", "s4");
    browser.form("/settings/mailbox/read", &[]).await;
    let mut ignore = mailbox_fields(&port, "sam", "");
    ignore.retain(|(key, _)| *key != "unknown");
    ignore.push(("unknown", "ignore"));
    assert_eq!(browser.form("/settings/mailbox", &ignore).await.status(), StatusCode::SEE_OTHER);
    let (_, today) = browser.page("/today").await;
    assert!(!today.contains("/mail/review"), "{today}");

    // A bad login is shown as the server's refusal, never a 500, never the password.
    let wrong = mailbox_fields(&port, "sam", "wrong-Pa55word-never-shown");
    assert_eq!(browser.form("/settings/mailbox", &wrong).await.status(), StatusCode::SEE_OTHER);
    let read = browser.form("/settings/mailbox/read", &[]).await;
    let status = read.status();
    let html = read.text().await.unwrap();
    assert!(status.is_client_error() || status == StatusCode::SERVICE_UNAVAILABLE, "{status}: {html}");
    assert!(html.contains("Your mailbox was not read: "), "{html}");
    assert!(!html.contains("wrong-Pa55word-never-shown") && !html.contains("sam-imap-pw"), "{html}");
    let (status, error) = api.post("/api/v1/mail/check", json!({})).await;
    assert!(status.is_client_error() || status == StatusCode::SERVICE_UNAVAILABLE, "{status}: {error}");
    assert!(!error.to_string().contains("wrong-Pa55word-never-shown"));
});

/// A contact of `user`'s account with `email`, marked undeliverable by a bounce.
async fn bounced_contact(server: &Server, user: &User, email: &str) -> i64 {
    let (_, contact) =
        server.api(user).await.post("/api/v1/contacts", json!({ "name": "Ann Lee", "emails": [email] })).await;
    let recorded =
        server.db.store.record_bounce(user.account_id, email, true, "550 no such user", now()).await.unwrap();
    assert!(recorded.undeliverable);
    contact["id"].as_i64().unwrap()
}

both!(it_works_again_clears_a_bounce, async |server: &Server| {
    let sam = server.first_user("sam@stone.example").await;
    let browser = server.browser("sam@stone.example").await;
    let id = bounced_contact(server, &sam, "ann@acme.example").await;
    let path = format!("/contacts/{id}");
    let (_, page) = browser.page(&path).await;
    assert!(page.contains("ann@acme.example bounced") && page.contains("550 no such user"), "{page}");
    assert!(page.contains(&format!("action=\"{path}/deliverable\"")) && page.contains("It works again"), "{page}");

    let action = format!("{path}/deliverable");
    forged(&browser, &action, &[("email", "ann@acme.example")]).await;
    assert!(browser.page(&path).await.1.contains("ann@acme.example bounced"), "still undeliverable");
    // An address the contact does not have is refused on the page.
    let other = browser.form(&action, &[("email", "bob@acme.example")]).await;
    assert_eq!(other.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(other.text().await.unwrap().contains("bob@acme.example is not an address of Ann Lee"));
    let cleared = browser.form(&action, &[("email", "ann@acme.example")]).await;
    assert_eq!((cleared.status(), location(&cleared)), (StatusCode::SEE_OTHER, format!("{path}?notice=deliverable")));
    let (_, page) = browser.page(&format!("{path}?notice=deliverable")).await;
    assert!(page.contains("Marked as working again: automatic email may go there."), "{page}");
    assert!(!page.contains("bounced") && !page.contains("It works again"), "{page}");
    let missing = browser.form("/contacts/999999/deliverable", &[("email", "ann@acme.example")]).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    // The API: an address that bounced works again; one no contact has is a 404 naming it.
    bounced_contact(server, &sam, "cy@acme.example").await;
    let api = server.api(&sam).await;
    let (status, done) = api.post("/api/v1/mail/deliverable", json!({ "email": "Cy@Acme.example" })).await;
    assert_eq!((status, done), (StatusCode::OK, json!({ "email": "cy@acme.example", "contacts": 1 })));
    let (status, error) = api.post("/api/v1/mail/deliverable", json!({ "email": "nobody@acme.example" })).await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::NOT_FOUND, Some("email")));
    assert!(error["message"].as_str().unwrap_or_default().contains("nobody@acme.example"), "{error}");
    // The API's other refusals: no mailbox to check, nobody listed to add, no credentials.
    let (status, error) = api.post("/api/v1/mail/check", json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(error["message"].as_str().unwrap_or_default().contains("no mailbox of your own"), "{error}");
    let (status, error) = api.post("/api/v1/mail/review/add", json!({ "email": "zoe@zed.example" })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(error["message"].as_str().unwrap_or_default().contains("zoe@zed.example"), "{error}");
    let (status, _) = server.anonymous().get("/api/v1/mail/review").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, listed) = api.get("/api/v1/mail/review").await;
    assert_eq!((status, listed), (StatusCode::OK, json!([])));
});

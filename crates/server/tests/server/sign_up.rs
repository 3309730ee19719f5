//! A list's public sign-up form, end to end: double opt-in (a pending
//! membership, one confirmation email through the outbox and the worker,
//! subscribed only once its link is followed), the same answer for an
//! address already on the list, the hidden field that stops bots, and the
//! rate limit per client address.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tickler_app::App;
use tickler_app::worker::{Clock, WorkerConfig, drain};
use tickler_mail::{Mailer, Security, SmtpConfig};
use tickler_test_support::both;
use tickler_test_support::smtp_sink::SmtpSink;

use crate::common::{self, Server};

fn mailer(sink: &SmtpSink) -> Mailer {
    let config = SmtpConfig {
        host: "127.0.0.1".into(),
        port: sink.port,
        security: Security::None,
        from_address: "letters@tickler.example".into(),
        ..SmtpConfig::default()
    };
    Mailer::new(&config).unwrap()
}

both!(signing_up_takes_a_confirmed_email_and_tells_nothing, async |server: &Server| {
    let user = server.first_user("sam@example.com").await;
    let api = server.api(&user).await;
    api.post("/api/v1/contacts", json!({ "name": "Bob Ray", "emails": ["bob@acme.com"] })).await;
    let (_, list) = api.post("/api/v1/lists", json!({ "name": "Monthly letter", "description": "Once a month" })).await;
    let members = format!("/api/v1/lists/{}/members", list["id"]);
    api.post(&members, json!({ "contacts": ["bob@acme.com"] })).await;
    let browser = server.browser("sam@example.com").await;
    let (_, page) = browser.page(&format!("/lists/{}", list["id"])).await;
    let (_, after) = page.split_once("id=\"sign-up-link\">").expect("the sign-up link");
    let form = after.split('<').next().unwrap().replace("&#x2f;", "/");
    assert!(form.starts_with("/s/"), "{form}");
    assert!(
        page.contains("&lt;form method=&quot;post&quot;") || page.contains("&lt;form method=\"post\""),
        "the snippet"
    );

    let visitor = server.anonymous();
    let (status, shown) = visitor.page(&form).await;
    assert_eq!(status, StatusCode::OK);
    assert!(shown.contains("Monthly letter") && shown.contains("Once a month") && !shown.contains("Bob"), "{shown}");
    let post = |fields: Vec<(&'static str, &'static str)>| {
        let request = visitor.request(Method::POST, &form).form(&fields);
        async move {
            let response = request.send().await.unwrap();
            (response.status(), response.text().await.unwrap())
        }
    };
    let (status, new) = post(vec![("email", "ann@acme.com"), ("name", "Ann Lee"), ("website", "")]).await;
    assert_eq!(status, StatusCode::OK, "{new}");
    assert!(new.contains("Check your inbox"), "{new}");
    let (status, known) = post(vec![("email", "bob@acme.com"), ("name", ""), ("website", "")]).await;
    assert_eq!(
        (status, known.clone()),
        (StatusCode::OK, new.clone()),
        "the same answer for an address already on the list"
    );
    let (status, bot) = post(vec![("email", "bot@spam.example"), ("website", "http://spam.example")]).await;
    assert_eq!((status, bot), (StatusCode::OK, new.clone()), "the same answer to a bot");
    let (status, bad) = post(vec![("email", "not an address")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");

    let (_, pending) = api.get(&format!("{members}?state=pending")).await;
    let pending: Vec<&str> = pending.as_array().unwrap().iter().map(|m| m["email"].as_str().unwrap()).collect();
    assert_eq!(pending, ["ann@acme.com"], "Bob stays subscribed; the bot made nothing");
    let (_, contacts) = api.get("/api/v1/contacts?q=spam").await;
    assert_eq!(contacts["items"], json!([]), "the bot's address was not kept");

    // The worker sends one email: the confirmation, to Ann only.
    let sink = SmtpSink::start();
    let app = App::from_store(server.db.store.clone());
    drain(&app, &mailer(&sink), &WorkerConfig::new(Clock::starting_at(common::now()))).await.unwrap();
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "one confirmation, nothing else");
    assert_eq!(messages[0].header("to"), Some("ann@acme.com"));
    let link = messages[0].body.split_whitespace().find(|word| word.contains("/s/confirm/")).unwrap().to_string();
    let path = &link[link.find("/s/confirm/").unwrap()..];

    let (status, confirm) = visitor.page(path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(confirm.contains("Yes, send me these emails"), "a GET (a link scanner) confirms nothing: {confirm}");
    let (_, still) = api.get(&format!("{members}?state=pending")).await;
    assert_eq!(still.as_array().unwrap().len(), 1);
    let response = visitor.request(Method::POST, path).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (_, subscribed) = api.get(&format!("{members}?state=subscribed")).await;
    let subscribed: Vec<&str> = subscribed.as_array().unwrap().iter().map(|m| m["email"].as_str().unwrap()).collect();
    assert_eq!(subscribed, ["ann@acme.com", "bob@acme.com"]);
    let forged = path.replace("/s/confirm/", "/s/confirm/x");
    let response = visitor.request(Method::POST, &forged).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // Ten sign-ups a window per address; then 429 whatever is sent.
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(post(vec![("email", "cy@acme.com")]).await.0);
    }
    assert_eq!(statuses.iter().filter(|status| **status == StatusCode::TOO_MANY_REQUESTS).count(), 2, "{statuses:?}");
});

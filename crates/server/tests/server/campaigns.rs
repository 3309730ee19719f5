//! Campaigns over HTTP: write one, preview it for a contact (the tone check
//! and the unsubscribe link), schedule it with a phrase read in the account's
//! zone, pause, resume and cancel it, and see its progress on its page.

use reqwest::StatusCode;
use serde_json::json;
use tickler_test_support::both;

use tickler_app::App;
use tickler_app::worker::{Clock, WorkerConfig, drain};
use tickler_mail::{Mailer, Security, SmtpConfig};
use tickler_test_support::smtp_sink::SmtpSink;

use crate::common::{self, Server};

both!(a_campaign_is_written_previewed_scheduled_and_stopped, async |server: &Server| {
    let user = server.first_user("sam@example.com").await;
    let api = server.api(&user).await;
    api.post("/api/v1/contacts", json!({ "name": "Ann Lee", "emails": ["ann@acme.com"] })).await;
    let (_, list) = api.post("/api/v1/lists", json!({ "name": "Monthly letter" })).await;
    api.post(&format!("/api/v1/lists/{}/members", list["id"]), json!({ "contacts": ["ann"] })).await;

    let body = "Hi {{ contact.first_name }},\n\nAs per my last email: <b>three</b> ideas.\n";
    let (status, error) =
        api.post("/api/v1/campaigns", json!({ "list": "Weekly", "subject": "News", "body": body })).await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::NOT_FOUND, Some("list")), "{error}");
    let (status, error) =
        api.post("/api/v1/campaigns", json!({ "list": "Monthly letter", "subject": "News", "body": "{{ oops" })).await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("body")), "{error}");
    let (status, created) =
        api.post("/api/v1/campaigns", json!({ "list": "Monthly letter", "subject": "News", "body": body })).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!((created["state"].as_str(), created["progress"]["waiting"].as_i64()), (Some("draft"), Some(1)));
    let id = created["id"].as_i64().unwrap();

    let (status, preview) = api.get(&format!("/api/v1/campaigns/{id}/preview?contact=ann")).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert!(preview["text"].as_str().unwrap().starts_with("Hi Ann,"), "{preview}");
    assert!(
        preview["html"].as_str().unwrap().contains("&lt;b&gt;three&lt;/b&gt;"),
        "raw HTML is shown, never run: {preview}"
    );
    assert!(preview["html"].as_str().unwrap().contains("/u/"), "{preview}");
    assert!(!preview["tone"].as_array().unwrap().is_empty(), "\"as per my last email\" is flagged: {preview}");

    // The test server's clock: Tuesday 24 November 2026, 10:00 in New York.
    let (status, scheduled) = api
        .post(&format!("/api/v1/campaigns/{id}/schedule"), json!({ "when": "first tuesday of next month 9am" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{scheduled}");
    assert_eq!(scheduled["state"], "scheduled");
    assert_eq!(scheduled["send_at"], "2026-12-01T14:00:00Z", "9am in New York");
    let (status, error) = api.post(&format!("/api/v1/campaigns/{id}/schedule"), json!({ "when": "yesterday" })).await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("when")), "{error}");
    let (status, paused) = api.post(&format!("/api/v1/campaigns/{id}/pause"), json!({})).await;
    assert_eq!((status, paused["state"].as_str()), (StatusCode::OK, Some("paused")));
    let (status, _) = api.post(&format!("/api/v1/campaigns/{id}/pause"), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "only a scheduled campaign pauses");
    let (_, resumed) = api.post(&format!("/api/v1/campaigns/{id}/resume"), json!({})).await;
    assert_eq!(resumed["state"], "scheduled");

    let browser = server.browser("sam@example.com").await;
    let (status, page) = browser.page(&format!("/campaigns/{id}?contact=ann")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"progress-waiting\">1<") && page.contains("Hi Ann,"), "{page}");
    let response = browser.form(&format!("/campaigns/{id}/cancel"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, shown) = api.get(&format!("/api/v1/campaigns/{id}")).await;
    assert_eq!(shown["state"], "cancelled");
    let (_, page) = browser.page("/campaigns").await;
    assert!(page.contains("News") && page.contains("cancelled"), "{page}");
});

both!(a_test_send_goes_to_yourself_as_the_contact_would_get_it, async |server: &Server| {
    let user = server.first_user("sam@example.com").await;
    let api = server.api(&user).await;
    api.post("/api/v1/contacts", json!({ "name": "Ann Lee", "emails": ["ann@acme.com"] })).await;
    api.post("/api/v1/lists", json!({ "name": "Monthly letter" })).await;
    let body = "Hello {{ contact.first_name }}, *three* ideas.";
    let (_, created) =
        api.post("/api/v1/campaigns", json!({ "list": "Monthly letter", "subject": "News", "body": body })).await;
    let path = format!("/api/v1/campaigns/{}/test", created["id"]);
    let (status, error) = api.post(&path, json!({ "contact": "ann", "to": "nope" })).await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("to")), "{error}");
    let (status, sent) = api.post(&path, json!({ "contact": "ann" })).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{sent}");
    assert_eq!((sent["to"].as_str(), sent["rendered_for"].as_str()), (Some("sam@example.com"), Some("Ann Lee")));

    let sink = SmtpSink::start();
    let config = SmtpConfig {
        host: "127.0.0.1".into(),
        port: sink.port,
        security: Security::None,
        from_address: "letters@tickler.example".into(),
        ..SmtpConfig::default()
    };
    let app = App::from_store(server.db.store.clone());
    drain(&app, &Mailer::new(&config).unwrap(), &WorkerConfig::new(Clock::starting_at(common::now()))).await.unwrap();
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "only the test, to the user; nothing to Ann");
    let message = &messages[0];
    assert_eq!((message.header("to"), message.header("subject")), (Some("sam@example.com"), Some("[Test] News")));
    assert_eq!(message.header("list-unsubscribe-post"), Some("List-Unsubscribe=One-Click"));
    assert!(message.header("list-unsubscribe").unwrap().contains("/u/"));
    assert!(message.body.contains("Hello Ann") && message.body.contains("<em>three</em>"), "{}", message.body);
    let (_, shown) = api.get(&format!("/api/v1/campaigns/{}", created["id"])).await;
    assert_eq!(shown["state"], "draft", "a test changes nothing");
});

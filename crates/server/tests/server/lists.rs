//! Lists over HTTP (the API and the pages) and the one-click unsubscribe link:
//! a POST with no sign-in and no CSRF token leaves the list at once; the page
//! shows the list's name only and offers two kinds of no; a changed token is refused.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tickler_app::unsubscribe::{self, Purpose, Target};
use tickler_core::ids::{ContactId, ListId};
use tickler_test_support::both;

use crate::common::{self, Server};

both!(lists_through_the_api_and_the_pages, async |server: &Server| {
    let user = server.first_user("sam@example.com").await;
    let api = server.api(&user).await;
    let (status, ann) = api.post("/api/v1/contacts", json!({ "name": "Ann Lee", "emails": ["ann@acme.com"] })).await;
    assert_eq!(status, StatusCode::CREATED, "{ann}");
    let (status, list) = api.post("/api/v1/lists", json!({ "name": "Monthly letter" })).await;
    assert_eq!(status, StatusCode::CREATED, "{list}");
    let (status, error) = api.post("/api/v1/lists", json!({ "name": " " })).await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("name")), "{error}");
    let path = format!("/api/v1/lists/{}/members", list["id"]);
    let (status, added) = api.post(&path, json!({ "contacts": ["ann@acme.com"], "reason": "asked" })).await;
    assert_eq!(status, StatusCode::OK, "{added}");
    assert_eq!(added[0]["membership"]["user_id"], user.id.get(), "who added them is recorded");
    let (status, members) = api.get(&format!("{path}?state=subscribed")).await;
    assert_eq!((status, members[0]["contact_name"].as_str()), (StatusCode::OK, Some("Ann Lee")), "{members}");
    let (status, _) = api.get(&format!("{path}?state=maybe")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = api.get("/api/v1/lists/999999/members").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, removed) = api.post(&format!("{path}/remove"), json!({ "contacts": [ann["id"].to_string()] })).await;
    assert_eq!((status, removed[0]["membership"]["state"].as_str()), (StatusCode::OK, Some("left")), "{removed}");
    let (_, lists) = api.get("/api/v1/lists").await;
    assert_eq!((lists[0]["subscribed"].as_i64(), lists[0]["left"].as_i64()), (Some(0), Some(1)), "{lists}");

    let browser = server.browser("sam@example.com").await;
    let response = browser.form("/lists", &[("name", "Product news"), ("description", "what ships")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let at = response.headers()["location"].to_str().unwrap().split('?').next().unwrap().to_string();
    let response = browser.form(&format!("{at}/add"), &[("contacts", "Ann Lee"), ("reason", "met at the fair")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (status, page) = browser.page(&at).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Ann Lee") && page.contains("met at the fair") && page.contains("subscribed"), "{page}");
    let (_, page) = browser.page("/lists").await;
    assert!(page.contains("Product news") && page.contains("Monthly letter"), "{page}");
    let response = browser.form("/lists", &[("name", "product NEWS")]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(response.text().await.unwrap().contains("already"));
});

both!(the_unsubscribe_link_works_in_one_click_and_refuses_a_changed_token, async |server: &Server| {
    let user = server.first_user("sam@example.com").await;
    let api = server.api(&user).await;
    let (_, ann) = api.post("/api/v1/contacts", json!({ "name": "Ann Lee", "emails": ["ann@acme.com"] })).await;
    let (_, bob) = api.post("/api/v1/contacts", json!({ "name": "Bob Ray", "emails": ["bob@acme.com"] })).await;
    let mut lists = Vec::new();
    for name in ["Monthly letter", "Product news"] {
        let (_, list) = api.post("/api/v1/lists", json!({ "name": name })).await;
        let path = format!("/api/v1/lists/{}/members", list["id"]);
        api.post(&path, json!({ "contacts": ["ann@acme.com", "bob@acme.com"] })).await;
        lists.push(ListId::new(list["id"].as_i64().unwrap()));
    }
    let app = &server.state.app;
    let token = |contact: &serde_json::Value, list: ListId| {
        let target = Target {
            account_id: user.account_id,
            list_id: list,
            contact_id: ContactId::new(contact["id"].as_i64().unwrap()),
        };
        async move { unsubscribe::sign(app, Purpose::Unsubscribe, &target, common::now()).await.unwrap() }
    };
    let anonymous = server.anonymous();

    // The page names the list and nothing about Ann.
    let ann_letter = token(&ann, lists[0]).await;
    let (status, page) = anonymous.page(&format!("/u/{ann_letter}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Monthly letter") && page.contains("just leave this list") && page.contains("contact me at all")
    );
    assert!(!page.contains("Ann") && !page.contains("acme.com") && !page.contains("Product news"), "{page}");

    // One click (RFC 8058): no session, no CSRF token.
    let response = anonymous
        .request(Method::POST, &format!("/u/{ann_letter}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (_, members) = api.get(&format!("/api/v1/lists/{}/members", lists[0])).await;
    let states: Vec<(&str, &str)> = members
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["contact_name"].as_str().unwrap(), m["state"].as_str().unwrap()))
        .collect();
    assert_eq!(states, [("Ann Lee", "left"), ("Bob Ray", "subscribed")]);
    let (_, shown) = api.get(&format!("/api/v1/contacts/{}", ann["id"])).await;
    assert_eq!(shown["consent"]["state"], "active", "leaving a list is not never: {shown}");
    let (_, members) = api.get(&format!("/api/v1/lists/{}/members?state=subscribed", lists[1])).await;
    assert_eq!(members.as_array().unwrap().len(), 2, "the other list is untouched");

    // A mail app may send the one-click body as multipart/form-data: it leaves the list, nothing more.
    let bob_letter = token(&bob, lists[0]).await;
    let response = anonymous
        .request(Method::POST, &format!("/u/{bob_letter}"))
        .header("content-type", "multipart/form-data; boundary=XyZ")
        .body("--XyZ\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--XyZ--\r\n")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (_, left) = api.get(&format!("/api/v1/lists/{}/members?state=left", lists[0])).await;
    assert_eq!(left.as_array().unwrap().len(), 2, "{left}");
    let (_, shown) = api.get(&format!("/api/v1/contacts/{}", bob["id"])).await;
    assert_eq!(shown["consent"]["state"], "active");

    // "Please don't contact me at all": do-not-contact, recorded with when and why.
    let bob_news = token(&bob, lists[1]).await;
    let response =
        anonymous.request(Method::POST, &format!("/u/{bob_news}")).form(&[("choice", "never")]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (_, shown) = api.get(&format!("/api/v1/contacts/{}", bob["id"])).await;
    assert_eq!(shown["consent"]["state"], "never", "{shown}");
    let (_, timeline) = api.get(&format!("/api/v1/contacts/{}/timeline", bob["id"])).await;
    let change = timeline.as_array().unwrap().iter().find(|entry| entry["kind"] == "consent").expect("recorded");
    assert!(change["reason"].as_str().unwrap().contains("unsubscribe link of \"Product news\""), "{change}");

    // A changed token: Bob's signature over Ann's ids, or a cut one, is refused.
    let (ann_payload, _) = ann_letter.split_once('.').unwrap();
    let (_, bob_tag) = bob_news.split_once('.').unwrap();
    for forged in [format!("{ann_payload}.{bob_tag}"), ann_letter[..ann_letter.len() - 3].to_string(), "x".into()] {
        let (status, page) = anonymous.page(&format!("/u/{forged}")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{forged}");
        assert!(page.contains("not valid"), "{page}");
        let response =
            anonymous.request(Method::POST, &format!("/u/{forged}")).form(&[("choice", "never")]).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    let (_, shown) = api.get(&format!("/api/v1/contacts/{}", ann["id"])).await;
    assert_eq!(shown["consent"]["state"], "active");
});

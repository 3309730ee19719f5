//! The library on the web and through the API: add an item with a form (an
//! error beside its field), edit it, share it from the item's page and from
//! the contact's page (the drafted email, edited, queued through Tickler, the
//! touch logged), and the same records through `/api/v1/library`.

use reqwest::StatusCode;
use serde_json::json;
use tickler_store::JobKind;
use tickler_test_support::both;

use crate::common::{self, Server};

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_string()
}

both!(items_are_added_edited_and_shared_on_the_pages, async |server: &Server| {
    let user = server.first_user("sam@example.com").await;
    let api = server.api(&user).await;
    let (status, ann) = api
        .post("/api/v1/contacts", json!({ "name": "Ann Lee", "emails": ["ann@acme.com"], "tags": ["pricing"] }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{ann}");
    let ann = ann["id"].as_i64().unwrap();
    let browser = server.browser("sam@example.com").await;

    let (status, page) = browser.page("/library").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Nothing here yet") && page.contains(r#"aria-current="page">Library"#), "{page}");
    let bad = browser.form("/library", &[("url", "ftp://acme.com/x"), ("tags", "pricing")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap();
    assert!(html.contains(r#"id="e-item-url""#) && html.contains("must start with http"), "{html}");
    assert!(html.contains(r#"value="pricing""#), "what was typed is kept: {html}");

    let added = browser
        .form(
            "/library",
            &[("url", "https://acme.com/pricing"), ("title", "Pricing guide"), ("tags", "pricing, sales")],
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let item_page = location(&added);
    let item = item_page.trim_start_matches("/library/").split('?').next().unwrap().to_string();
    let (_, page) = browser.page(&item_page).await;
    assert!(page.contains("Added to the library.") && page.contains("Pricing guide"), "{page}");
    let edited = browser
        .form(
            &format!("/library/{item}"),
            &[
                ("url", "https://acme.com/pricing"),
                ("title", "Pricing guide"),
                ("summary", "Three ways"),
                ("tags", "pricing"),
            ],
        )
        .await;
    assert_eq!(edited.status(), StatusCode::SEE_OTHER);
    let (_, listed) = api.get("/api/v1/library?tag=pricing").await;
    assert_eq!(listed[0]["summary"], "Three ways");
    assert_eq!(listed[0]["tags"], json!(["pricing"]));

    // From the item's page: name the contact, get the draft, edit it, send it.
    let (status, draft) = browser.page(&format!("/library/share?item={item}&contact=ann")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(draft.contains("Thought you might like: Pricing guide") && draft.contains("Hi Ann,"), "{draft}");
    let (status, unknown) = browser.page(&format!("/library/share?item={item}&contact=nobody")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{unknown}");
    let sent = browser
        .form(
            "/library/share",
            &[
                ("item", &item),
                ("contact", &ann.to_string()),
                ("subject", "For you"),
                ("body", "Hi Ann,\n\nHave a look."),
            ],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&sent), format!("/contacts/{ann}?notice=library-shared"));
    let jobs =
        server.db.store.claim_jobs("test", common::now(), jiff::SignedDuration::from_secs(60), 50).await.unwrap();
    let mail = jobs.iter().find(|job| job.kind == JobKind::Reminder).expect("the email is queued");
    assert!(mail.payload.contains("ann@acme.com") && mail.payload.contains("For you"), "{}", mail.payload);

    // The contact's page: the touch, what they were sent, and a share form of its own.
    let (_, contact) = browser.page(&format!("/contacts/{ann}")).await;
    assert!(contact.contains("Shared: Pricing guide"), "the touch is logged: {contact}");
    assert!(contact.contains("From the library") && contact.contains("· share ·"), "{contact}");
    assert!(contact.contains(r#"action="/library/share""#), "{contact}");
    let (_, detail) = api.get(&format!("/api/v1/library/{item}")).await;
    assert_eq!(detail["sent_to"][0]["contact_name"], "Ann Lee");
    let (_, mine) = api.get(&format!("/api/v1/contacts/{ann}/library")).await;
    assert_eq!((mine["sent"].as_array().map(Vec::len), &mine["next"]), (Some(1), &serde_json::Value::Null));

    // Through the API: the draft, a share refused for a contact with no address, a removal.
    let (status, draft) = api.get(&format!("/api/v1/library/{item}/share?contact_id={ann}")).await;
    assert_eq!((status, draft["already_sent"].as_bool()), (StatusCode::OK, Some(true)));
    let (_, bo) = api.post("/api/v1/contacts", json!({ "name": "Bo Chen" })).await;
    let (status, refused) = api.post(&format!("/api/v1/library/{item}/share"), json!({ "contact_id": bo["id"] })).await;
    assert_eq!(
        (status, refused["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("contact_id")),
        "{refused}"
    );
    let (status, _) = api.call(reqwest::Method::DELETE, &format!("/api/v1/library/{item}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = api.get(&format!("/api/v1/library/{item}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

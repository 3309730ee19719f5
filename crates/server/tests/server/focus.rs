//! Focus, the daily block, over plain HTTP (no JavaScript): each step is a
//! form post that changes the follow-up and moves to the next item carrying
//! the block's tally; bad steps and bad addresses get clear errors.

use reqwest::StatusCode;
use serde_json::json;
use tickler_core::ids::FollowUpId;
use tickler_store::JobKind;
use tickler_test_support::both;

use crate::common::{self, Api, Server};

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_string()
}

/// A contact with a follow-up due today at 3pm; returns the follow-up's id.
async fn due_today(api: &Api, name: &str, email: Option<&str>, channel: &str, note: &str) -> FollowUpId {
    let mut contact = json!({ "name": name });
    if let Some(email) = email {
        contact["emails"] = json!([email]);
    }
    let (status, created) = api.post("/api/v1/contacts", contact).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    let body = json!({ "when": "today 3pm", "channel": channel, "note": note });
    let (status, scheduled) = api.post(&format!("/api/v1/contacts/{id}/follow-ups"), body).await;
    assert_eq!(status, StatusCode::CREATED, "{scheduled}");
    FollowUpId::new(scheduled["follow_up"]["id"].as_i64().unwrap())
}

async fn state(api: &Api, id: FollowUpId) -> String {
    let (status, follow_up) = api.get(&format!("/api/v1/follow-ups/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{follow_up}");
    follow_up["state"].as_str().unwrap().to_string()
}

/// The value of `name=` in a Focus address.
fn param(path: &str, name: &str) -> String {
    let query = path.split_once('?').map_or("", |(_, query)| query);
    query.split('&').find_map(|pair| pair.strip_prefix(&format!("{name}="))).unwrap_or_default().to_string()
}

/// The hidden block fields of a Focus address, for the next form.
fn block(path: &str) -> Vec<(&'static str, String)> {
    ["started", "done", "noted", "snoozed", "skipped"].into_iter().map(|name| (name, param(path, name))).collect()
}

async fn step(browser: &Api, path: &str, id: FollowUpId, step: &str, extra: &[(&str, &str)]) -> reqwest::Response {
    let fields = block(path);
    let mut all: Vec<(&str, &str)> = fields.iter().map(|(key, value)| (*key, value.as_str())).collect();
    all.extend_from_slice(extra);
    browser.form(&format!("/focus/{id}/{step}"), &all).await
}

both!(focus_walks_today_by_form_posts, async |server: &Server| {
    let user = server.first_user("ann@example.com").await;
    let api = server.api(&user).await;
    let bea = due_today(&api, "Bea Quinn", Some("bea@quinn.example"), "email", "send the proposal").await;
    let cy = due_today(&api, "Cy Young", None, "call", "ask about the budget").await;
    let di = due_today(&api, "Di Park", None, "call", "check in").await;
    let ed = due_today(&api, "Ed Moss", Some("ed@moss.example"), "email", "the contract").await;
    let fay = due_today(&api, "Fay Lin", None, "text", "").await;
    let (_, bea_follow_up) = api.get(&format!("/api/v1/follow-ups/{bea}")).await;
    let bea_contact = bea_follow_up["contact_id"].as_i64().unwrap();
    api.post(
        &format!("/api/v1/contacts/{bea_contact}/touches"),
        json!({ "channel": "call", "summary": "Talked budgets", "at": "yesterday 2pm" }),
    )
    .await;
    api.post(
        &format!("/api/v1/contacts/{bea_contact}/promises"),
        json!({ "what": "send the pricing sheet", "told": "friday 5pm" }),
    )
    .await;
    let browser = server.browser("ann@example.com").await;

    // Today links to Focus; a first visit starts the block at now and stays put on reload.
    let (_, today) = browser.page("/today").await;
    assert!(today.contains(r#"href="/focus""#) && today.contains("today's 5 one at a time"), "{today}");
    let first = browser.request(reqwest::Method::GET, "/focus").send().await.unwrap();
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let started = location(&first);
    assert_eq!(param(&started, "started"), common::now().as_second().to_string());
    let (status, page) = browser.page(&started).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("5 left") && page.contains("Item 1 of 5") && page.contains("Bea Quinn"), "{page}");
    assert!(
        page.contains("Talked budgets") && page.contains("send the pricing sheet"),
        "touches and promises beside: {page}"
    );
    assert!(
        page.contains("Send through Tickler") && page.contains("mailto:bea@quinn.example?subject=Following%20up"),
        "{page}"
    );
    assert!(page.contains("Hi Bea,"), "the draft greets by first name");

    // Send the drafted email: done, a touch, a queued message.
    let sent =
        step(&browser, &started, bea, "send", &[("subject", "The proposal"), ("body", "Hi Bea,\n\nHere it is.")]).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let here = location(&sent);
    assert_eq!((param(&here, "done"), param(&here, "at")), ("1".to_string(), cy.to_string()), "{here}");
    assert_eq!(state(&api, bea).await, "done");
    let jobs =
        server.db.store.claim_jobs("test", common::now(), jiff::SignedDuration::from_secs(60), 50).await.unwrap();
    let mail = jobs.iter().find(|job| job.kind == JobKind::Reminder).expect("the email is queued");
    assert!(mail.payload.contains("bea@quinn.example") && mail.payload.contains("The proposal"), "{}", mail.payload);
    let (_, timeline) = browser.page(&format!("/contacts/{bea_contact}")).await;
    assert!(timeline.contains("Emailed: The proposal"), "the touch is logged");

    // Done with a note (an empty note is refused beside the field, 422).
    let empty = step(&browser, &here, cy, "note", &[("note", "  ")]).await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = empty.text().await.unwrap();
    assert!(html.contains(r#"id="e-focus-note""#) && html.contains("is empty"), "{html}");
    assert!(html.contains("Cy Young"), "the same item is shown again");
    assert_eq!(state(&api, cy).await, "open");
    let noted = step(&browser, &here, cy, "note", &[("note", "She decides Friday"), ("outcome", "interested")]).await;
    let here = location(&noted);
    assert_eq!((param(&here, "noted"), param(&here, "at")), ("1".to_string(), di.to_string()));
    assert_eq!(state(&api, cy).await, "done");

    // Snooze: a phrase that does not read is shown beside the field with what was typed.
    let bad = step(&browser, &here, di, "snooze", &[("when", "the day after never")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap();
    assert!(html.contains(r#"id="e-focus-when""#) && html.contains(r#"value="the day after never""#), "{html}");
    let snoozed = step(&browser, &here, di, "snooze", &[("when", "next monday 9am")]).await;
    let here = location(&snoozed);
    assert_eq!((param(&here, "snoozed"), param(&here, "at")), ("1".to_string(), ed.to_string()));
    let (_, di_now) = api.get(&format!("/api/v1/follow-ups/{di}")).await;
    assert_eq!(
        (di_now["state"].as_str(), di_now["due"]["date"].as_str()),
        (Some("open"), Some("2026-11-30")),
        "{di_now}"
    );

    // Skip marks it skipped; done (one click) the last; then the summary.
    let skipped = step(&browser, &here, ed, "skip", &[]).await;
    let here = location(&skipped);
    assert_eq!((param(&here, "skipped"), param(&here, "at")), ("1".to_string(), fay.to_string()));
    assert_eq!(state(&api, ed).await, "skipped");
    let done = step(&browser, &here, fay, "done", &[]).await;
    let here = location(&done);
    assert_eq!((param(&here, "done"), param(&here, "at")), ("2".to_string(), "end".to_string()));
    assert_eq!(state(&api, fay).await, "done");
    let (_, summary) = browser.page(&here).await;
    assert!(summary.contains("All done for today") && summary.contains("0 left"), "{summary}");
    for (id, count) in [("summary-done", 2), ("summary-noted", 1), ("summary-snoozed", 1), ("summary-skipped", 1)] {
        assert!(summary.contains(&format!(r#"<dd id="{id}">{count}</dd>"#)), "{id} = {count}: {summary}");
    }
    assert!(summary.contains(r#"<dd id="summary-time">under a minute</dd>"#), "{summary}");

    // A step on a follow-up already done: refused with what happened, 409.
    let again = step(&browser, &here, fay, "done", &[]).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert!(again.text().await.unwrap().contains("already done"));
});

both!(focus_refuses_bad_input_clearly, async |server: &Server| {
    let user = server.first_user("ann@example.com").await;
    let api = server.api(&user).await;
    let cy = due_today(&api, "Cy Young", None, "email", "budget").await;
    let browser = server.browser("ann@example.com").await;
    let start = common::now().as_second().to_string();
    let base = [("started", start.as_str())];

    let unknown = browser.form(&format!("/focus/{cy}/explode"), &base).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert!(unknown.text().await.unwrap().contains("the steps are done, note, snooze, skip and send"));
    let missing = browser.form("/focus/999999/done", &base).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let count = browser.form(&format!("/focus/{cy}/done"), &[("started", start.as_str()), ("done", "lots")]).await;
    assert_eq!(count.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(count.text().await.unwrap().contains("is not a count"));
    assert_eq!(state(&api, cy).await, "open", "nothing changed");
    // No email address: sending is refused beside the form, 422.
    let no_address = browser.form(&format!("/focus/{cy}/send"), &base).await;
    assert_eq!(no_address.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_address.text().await.unwrap().contains("Cy Young has no email address"));
    // Without the form's token: 403.
    let forged = browser
        .request(reqwest::Method::POST, &format!("/focus/{cy}/done"))
        .form(&[("started", start.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(state(&api, cy).await, "open");

    // A damaged address: 400 saying what is wrong.
    for (path, words) in [
        ("/focus?started=soon", "is not a time"),
        (&format!("/focus?started={start}&skipped=-2") as &str, "is not a count"),
        (&format!("/focus?started={start}&at=first"), "is not a follow-up id"),
        (&format!("/focus?started={}", common::now().as_second() + 86_400), "is in the future"),
    ] {
        let (status, html) = browser.page(path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(html.contains(words), "{path}: {html}");
    }
    // Signed out: the sign-in page.
    let anonymous = server.anonymous().request(reqwest::Method::GET, "/focus").send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&anonymous), "/login");
    // Nothing due: Focus says so at once.
    api.post(&format!("/api/v1/follow-ups/{cy}/skip"), json!({})).await;
    let (status, page) = browser.page(&format!("/focus?started={start}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("All done for today") && page.contains("0 left"), "{page}");
});

both!(the_api_drafts_and_sends_a_follow_ups_email, async |server: &Server| {
    let user = server.first_user("ann@example.com").await;
    let api = server.api(&user).await;
    let bea = due_today(&api, "Bea Quinn", Some("bea@quinn.example"), "email", "the contract").await;
    let cy = due_today(&api, "Cy Young", None, "email", "").await;
    let (status, draft) = api.get(&format!("/api/v1/follow-ups/{bea}/email")).await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    assert_eq!(
        (draft["to"].as_str(), draft["subject"].as_str()),
        (Some("bea@quinn.example"), Some("Following up: The contract"))
    );
    let (status, error) = api.get(&format!("/api/v1/follow-ups/{cy}/email")).await;
    assert_eq!((status, error["error"].as_str()), (StatusCode::CONFLICT, Some("refused")), "{error}");
    let (status, error) = api.post(&format!("/api/v1/follow-ups/{bea}/email"), json!({ "subject": "a\nb" })).await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("subject")), "{error}");
    let (status, error) = api.post(&format!("/api/v1/follow-ups/{bea}/email"), json!({ "to": "x@y.example" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "unknown fields are refused: {error}");
    assert_eq!(state(&api, bea).await, "open");
    let (status, sent) = api.post(&format!("/api/v1/follow-ups/{bea}/email"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    assert_eq!(
        (sent["sent_to"].as_str(), sent["follow_up"]["state"].as_str()),
        (Some("bea@quinn.example"), Some("done"))
    );
    let (status, _) = api.post(&format!("/api/v1/follow-ups/{bea}/email"), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "already done");
    let (status, _) = api.get("/api/v1/follow-ups/999999/email").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

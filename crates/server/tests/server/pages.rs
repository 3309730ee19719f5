//! The pages without JavaScript: first-user setup, forms that save or come
//! back with the error beside the field, Today, the timeline, settings and
//! the calendar feed.

use reqwest::StatusCode;
use serde_json::json;
use tickler_core::ids::{ContactId, PlanId};
use tickler_test_support::both;

use crate::common::{self, Server};

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_string()
}

both!(the_first_visit_creates_the_first_user, async |server: &Server| {
    let client =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let base = &server.base;
    let response = client.get(format!("{base}/today")).send().await.unwrap();
    assert_eq!(location(&response), "/setup", "a new installation asks for its first user");
    let page = client.get(format!("{base}/setup")).send().await.unwrap().text().await.unwrap();
    let csrf = common::hidden_csrf(&page);
    let short = client
        .post(format!("{base}/setup"))
        .form(&[("csrf", csrf.as_str()), ("email", "ann@example.com"), ("password", "short"), ("zone", "Europe/Paris")])
        .send()
        .await
        .unwrap();
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = short.text().await.unwrap();
    assert!(html.contains("id=\"e-setup-password\"") && html.contains("at least 10 characters"), "{html}");
    assert!(html.contains("value=\"ann@example.com\""), "what was typed is kept");
    assert_eq!(server.db.store.count_users().await.unwrap(), 0);
    let csrf = common::hidden_csrf(&html);
    let created = client
        .post(format!("{base}/setup"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "Ann"),
            ("email", "ann@example.com"),
            ("password", common::PASSWORD),
            ("zone", "Europe/Paris"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&created), "/today");
    let today = client.get(format!("{base}/today")).send().await.unwrap();
    assert_eq!(today.status(), StatusCode::OK);
    assert!(today.text().await.unwrap().contains("Nothing due"), "an empty Today says so");
    let account =
        server.db.store.default_account(&tickler_core::contact::ZoneName::utc(), common::now()).await.unwrap();
    assert_eq!(account.settings.zone.as_str(), "Europe/Paris", "the first user's zone is the account's");
    // Once there is a user, setup is closed.
    let stranger = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    assert_eq!(location(&stranger.get(format!("{base}/setup")).send().await.unwrap()), "/login");
    assert_eq!(location(&stranger.get(format!("{base}/today")).send().await.unwrap()), "/login");
});

both!(a_contact_is_added_followed_up_and_done_through_forms, async |server: &Server| {
    let ann = server.first_user("ann@example.com").await;
    let browser = server.browser("ann@example.com").await;
    let bad = browser.form("/contacts/new", &[("name", "Bea Quinn"), ("emails", "bea@, x")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap();
    assert!(html.contains("aria-invalid=\"true\""), "the field is marked");
    assert!(html.contains("is not an email address"), "the error is shown");
    assert!(html.contains("value=\"Bea Quinn\""), "the form keeps what was typed");
    let created = browser
        .form(
            "/contacts/new",
            &[("name", "Bea Quinn"), ("emails", "bea@quinn.example"), ("tags", "prospect, conference")],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let contact_page = location(&created);
    let id: ContactId = contact_page.trim_start_matches("/contacts/").split('?').next().unwrap().parse().unwrap();

    // "Preview date" shows the resolved date and saves nothing.
    let preview = browser
        .form(
            &format!("/contacts/{id}/follow-ups"),
            &[("when", "next tuesday 3pm"), ("note", "Proposal"), ("intent", "preview")],
        )
        .await;
    assert_eq!(preview.status(), StatusCode::OK);
    let html = preview.text().await.unwrap();
    assert!(html.contains("→ Tue 1 Dec 2026, 15:00"), "{html}");
    assert!(server.db.store.follow_ups_of(ann.account_id, id).await.unwrap().is_empty(), "a preview saves nothing");
    let wrong = browser.form(&format!("/contacts/{id}/follow-ups"), &[("when", "the day after never")]).await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text().await.unwrap().contains("id=\"e-follow-when\""));
    let saved = browser
        .form(
            &format!("/contacts/{id}/follow-ups"),
            &[("when", "tomorrow 9am"), ("note", "Send the proposal"), ("channel", "email")],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let (_, today) = browser.page("/today").await;
    assert!(
        today.contains("Bea Quinn") && today.contains("Send the proposal") && today.contains("Tomorrow 09:00"),
        "{today}"
    );
    let follow_up = server.db.store.follow_ups_of(ann.account_id, id).await.unwrap();
    let follow_up_id = follow_up[0].id;
    let bad_snooze = browser.form(&format!("/follow-ups/{follow_up_id}/snooze"), &[("when", "last week")]).await;
    assert_eq!(bad_snooze.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad_snooze.text().await.unwrap();
    assert!(
        html.contains(&format!("id=\"e-snooze-{follow_up_id}-when\"")),
        "the error sits by that item's snooze field"
    );
    let done = browser
        .form(
            &format!("/follow-ups/{follow_up_id}/done"),
            &[("note", "Sent; decision on Friday"), ("outcome", "interested"), ("return_to", "/today")],
        )
        .await;
    assert_eq!(location(&done), "/today?notice=done");
    let (_, page) = browser.page(&format!("/contacts/{id}")).await;
    assert!(page.contains("Sent; decision on Friday (interested)"), "the note is on the timeline");
    assert!(page.contains("Last touched just now; next allowed"), "pacing status: {page}");
    let (_, today) = browser.page("/today?notice=done").await;
    assert!(today.contains("Marked done.") && !today.contains("Send the proposal"));
    // A return address outside the site is ignored.
    browser.form(&format!("/contacts/{id}/follow-ups"), &[("when", "in 3 days")]).await;
    let next = server
        .db
        .store
        .follow_ups_of(ann.account_id, id)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.state.as_str() == "open")
        .unwrap();
    let skipped = browser.form(&format!("/follow-ups/{}/skip", next.id), &[("return_to", "//evil.example/")]).await;
    assert_eq!(location(&skipped), "/today?notice=skipped");
    // Inside the pacing gap (touched just now): refused, then "they asked for it" schedules it.
    let (_, page) = browser.page(&format!("/contacts/{id}")).await;
    assert!(page.contains(r#"name="agreed" value="true""#), "the form offers \"they asked for it\"");
    let refused = browser.form(&format!("/contacts/{id}/follow-ups"), &[("when", "tomorrow 10am")]).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let asked =
        browser.form(&format!("/contacts/{id}/follow-ups"), &[("when", "tomorrow 10am"), ("agreed", "true")]).await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    let agreed = server.db.store.follow_ups_of(ann.account_id, id).await.unwrap();
    assert!(agreed.iter().any(|f| f.agreed && f.state.as_str() == "open"), "recorded on the follow-up: {agreed:?}");
    for f in agreed.iter().filter(|f| f.agreed) {
        server.db.store.skip_follow_up(ann.account_id, f.id, common::now()).await.unwrap();
    }
    // One click marks done without recording a touch.
    browser.form(&format!("/contacts/{id}/follow-ups"), &[("when", "in 4 days"), ("force", "true")]).await;
    let open = server
        .db
        .store
        .follow_ups_of(ann.account_id, id)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.state.as_str() == "open")
        .unwrap();
    let touches = server.db.store.touches(ann.account_id, id).await.unwrap().len();
    let done = browser.form(&format!("/follow-ups/{}/done", open.id), &[("return_to", "/today")]).await;
    assert_eq!(location(&done), "/today?notice=done");
    assert_eq!(server.db.store.follow_up(ann.account_id, open.id).await.unwrap().state.as_str(), "done");
    assert_eq!(server.db.store.touches(ann.account_id, id).await.unwrap().len(), touches);
});

both!(settings_tokens_and_the_calendar_feed, async |server: &Server| {
    let ann = server.first_user("ann@example.com").await;
    let api = server.api(&ann).await;
    let (_, bea) = api.post("/api/v1/contacts", json!({ "name": "Bea", "birthday": "--04-15" })).await;
    let id = ContactId::new(bea["id"].as_i64().unwrap());
    api.post(
        &format!("/api/v1/contacts/{id}/follow-ups"),
        json!({ "when": "tomorrow 3pm", "note": "Call, re; pricing" }),
    )
    .await;
    api.post(&format!("/api/v1/contacts/{id}/follow-ups"), json!({ "when": "next friday", "force": true })).await;
    let browser = server.browser("ann@example.com").await;
    let bad = browser
        .form(
            "/settings",
            &[
                ("zone", "Atlantis"),
                ("work_start", "09:00"),
                ("work_end", "17:00"),
                ("pacing_gap_days", "2"),
                ("work_days", "mon"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().await.unwrap().contains("id=\"e-settings-zone\""));
    let saved = browser
        .form(
            "/settings",
            &[
                ("zone", "America/Chicago"),
                ("work_start", "08:30"),
                ("work_end", "16:30"),
                ("pacing_gap_days", "3"),
                ("work_days", "mon"),
                ("work_days", "wed"),
                ("date_order", "dmy"),
            ],
        )
        .await;
    assert_eq!(location(&saved), "/settings?notice=saved");
    let account = server.db.store.account(ann.account_id).await.unwrap();
    assert_eq!((account.settings.zone.as_str(), account.settings.pacing_gap_days), ("America/Chicago", 3));
    assert_eq!(account.settings.date_order, Some(tickler_core::when::DateOrder::Dmy));
    let (_, page) = browser.page("/settings").await;
    assert!(page.contains("<option value=\"dmy\" selected>"), "the chosen date order is shown");
    assert_eq!(account.settings.work_week.days, [true, false, true, false, false, false, false]);

    let created = browser.form("/settings/tokens", &[("name", "phone sync")]).await;
    let html = created.text().await.unwrap();
    let start = html
        .find("aria-label=\"New API token\"")
        .map(|_| html.find("value=\"tkl_").unwrap() + 7)
        .expect("the secret is shown");
    let secret = html[start..].split('"').next().unwrap().to_string();
    let (_, settings) = browser.page("/settings").await;
    assert!(!settings.contains(&secret), "shown once only");
    assert!(settings.contains("phone sync"));

    let (_, feed) = api.get("/api/v1/calendar").await;
    let url = feed["url"].as_str().unwrap().to_string();
    let path = url.split_once("//").unwrap().1.split_once('/').unwrap().1;
    let ics = reqwest::get(format!("{}/{path}", server.base)).await.unwrap();
    assert_eq!(ics.headers()["content-type"], "text/calendar; charset=utf-8");
    let text = ics.text().await.unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"));
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 3, "two follow-ups and a birthday: {text}");
    assert!(text.contains("SUMMARY:Email Bea: Call\\, re\\; pricing"), "{text}");
    assert!(text.contains("DTSTART;VALUE=DATE:2026"), "the all-day follow-up");
    assert!(text.contains("DTSTART;VALUE=DATE:19040415") && text.contains("RRULE:FREQ=YEARLY"), "the birthday");
    let rotated = browser.form("/settings/calendar/rotate", &[]).await;
    assert_eq!(location(&rotated), "/settings?notice=rotated");
    assert_eq!(reqwest::get(format!("{}/{path}", server.base)).await.unwrap().status(), StatusCode::NOT_FOUND);
    let mallory = server.other_account("mallory@example.com").await;
    let theirs = server.api(&mallory).await;
    let (_, feed) = theirs.get("/api/v1/calendar").await;
    let path = feed["url"].as_str().unwrap().split_once("//").unwrap().1.split_once('/').unwrap().1.to_string();
    let text = reqwest::get(format!("{}/{path}", server.base)).await.unwrap().text().await.unwrap();
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 0, "another account's feed has none of these");
});

both!(a_contact_joins_a_plan_from_their_page, async |server: &Server| {
    let ann = server.first_user("ann@example.com").await;
    let api = server.api(&ann).await;
    let (_, bea) = api.post("/api/v1/contacts", json!({ "name": "Bea", "emails": ["bea@q.example"] })).await;
    let id = ContactId::new(bea["id"].as_i64().unwrap());
    let browser = server.browser("ann@example.com").await;
    let (_, page) = browser.page(&format!("/contacts/{id}")).await;
    assert!(page.contains("Not in any plan") && page.contains("<option value=\"Client retention\""), "{page}");
    let enrolled = browser.form(&format!("/contacts/{id}/enrollments"), &[("plan", "Client retention")]).await;
    assert_eq!(location(&enrolled), format!("/contacts/{id}?notice=enrolled"));
    let (_, page) = browser.page(&format!("/contacts/{id}")).await;
    assert!(page.contains("<strong>Client retention</strong> · active"), "{page}");
    let enrollment = server.db.store.enrollments(ann.account_id, Some(id)).await.unwrap()[0].id;
    let paused = browser.form(&format!("/enrollments/{enrollment}/pause"), &[]).await;
    assert_eq!(location(&paused), format!("/contacts/{id}?notice=plan"));
    let (_, page) = browser.page(&format!("/contacts/{id}")).await;
    assert!(page.contains("· paused") && page.contains(">Resume</button>"), "{page}");
});

both!(plans_are_edited_with_tone_advice_and_a_preview, async |server: &Server| {
    let ann = server.first_user("ann@example.com").await;
    let api = server.api(&ann).await;
    let (_, bea) = api.post("/api/v1/contacts", json!({ "name": "Bea Quinn", "emails": ["bea@q.example"] })).await;
    let browser = server.browser("ann@example.com").await;
    let (status, list) = browser.page("/plans").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("After an interview or meeting") && list.contains("Cold prospect"), "{list}");
    let created = browser.form("/plans", &[("name", "Webinar follow-up"), ("description", "After the webinar")]).await;
    let plan_page = location(&created);
    let id: PlanId = plan_page.trim_start_matches("/plans/").split('?').next().unwrap().parse().unwrap();
    let bad = browser
        .form(
            &format!("/plans/{id}/steps"),
            &[("kind", "email"), ("delay", "same day"), ("subject", "Hi"), ("body", "Hello {{ contact.frist_name }}")],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().await.unwrap().contains("frist_name"), "the template error names the field");
    let added = browser
        .form(
            &format!("/plans/{id}/steps"),
            &[
                ("kind", "email"),
                ("delay", "same day"),
                ("subject", "Thanks, {{ contact.first_name }}"),
                ("body", "Just checking in, {{ contact.first_name }}."),
            ],
        )
        .await;
    assert_eq!(location(&added), format!("/plans/{id}?notice=saved"));
    let (_, page) = browser.page(&format!("/plans/{id}?contact={}", bea["id"])).await;
    assert!(page.contains("Tone</strong>"), "the tone check flags \"just checking in\": {page}");
    assert!(page.contains("Thanks, Bea"), "the preview renders for Bea: {page}");
    let task = browser
        .form(
            &format!("/plans/{id}/steps"),
            &[
                ("kind", "task"),
                ("delay", "3 business days"),
                ("channel", "call"),
                ("text", "call to answer questions"),
            ],
        )
        .await;
    assert_eq!(task.status(), StatusCode::SEE_OTHER);
    let edited = browser
        .form(
            &format!("/plans/{id}/steps/2"),
            &[("kind", "task"), ("delay", "1 week"), ("channel", "call"), ("text", "call back")],
        )
        .await;
    assert_eq!(edited.status(), StatusCode::SEE_OTHER);
    let removed = browser.form(&format!("/plans/{id}/steps/1/delete"), &[]).await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    let plan = server.db.store.plans(ann.account_id).await.unwrap().into_iter().find(|p| p.id == id).unwrap();
    assert_eq!(plan.steps.len(), 1);
    assert_eq!(plan.steps[0].delay, "1 week");
    server.other_account("mallory@example.com").await;
    let theirs = server.browser("mallory@example.com").await;
    let (status, html) = theirs.page(&format!("/plans/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!html.contains("Webinar"));
});

both!(every_page_has_an_icon, async |server: &Server| {
    let response = server.anonymous().request(reqwest::Method::GET, "/favicon.ico").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "browsers ask for /favicon.ico on every page load");
    assert_eq!(response.headers()["content-type"], "image/x-icon");
    let icon = response.bytes().await.unwrap();
    assert!(icon.starts_with(&[0, 0, 1, 0]), "an ICO file starts with its header");
    assert_eq!(u16::from_le_bytes([icon[4], icon[5]]), 2, "16 and 32 px images");
    server.first_user("ann@example.com").await;
    let browser = server.browser("ann@example.com").await;
    let (_, today) = browser.page("/today").await;
    assert!(today.contains(r#"<link rel="icon" href="/favicon.ico""#), "pages name their icon");
});

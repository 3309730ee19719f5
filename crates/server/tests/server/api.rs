//! The JSON API through real HTTP, on SQLite and PostgreSQL: contacts,
//! follow-ups, the agenda, promises, consent, errors and pagination.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tickler_core::ids::ContactId;
use tickler_test_support::both;

use crate::common::{self, Server};

both!(contacts_are_created_read_changed_and_deleted, async |server: &Server| {
    let user = server.first_user("ann@example.com").await;
    let api = server.api(&user).await;
    let (status, ann) = api
        .post(
            "/api/v1/contacts",
            json!({ "name": "Bea Quinn", "emails": ["Bea@Quinn.example"], "tags": ["prospect"], "zone": "Europe/Paris" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{ann}");
    assert_eq!(ann["emails"], json!(["bea@quinn.example"]));
    let id = ann["id"].as_i64().unwrap();
    let (status, read) = api.get(&format!("/api/v1/contacts/{id}")).await;
    assert_eq!((status, read["name"].as_str()), (StatusCode::OK, Some("Bea Quinn")));
    let (status, changed) =
        api.call(Method::PATCH, &format!("/api/v1/contacts/{id}"), Some(json!({ "organisation": "Quinn & Co" }))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(changed["organisation"], "Quinn & Co");
    assert_eq!(changed["tags"], json!(["prospect"]), "fields left out keep their value");
    let (status, _) = api.call(Method::DELETE, &format!("/api/v1/contacts/{id}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = api.get(&format!("/api/v1/contacts/{id}")).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
});

both!(bad_input_names_the_field_and_writes_nothing, async |server: &Server| {
    let user = server.first_user("ann@example.com").await;
    let api = server.api(&user).await;
    let cases = [
        (json!({ "name": "X", "emails": ["not-an-email"] }), StatusCode::UNPROCESSABLE_ENTITY, "emails"),
        (json!({ "name": "  " }), StatusCode::UNPROCESSABLE_ENTITY, "name"),
        (json!({ "name": "X", "zone": "Mars/Olympus" }), StatusCode::UNPROCESSABLE_ENTITY, "zone"),
        (json!({ "name": "X", "birthday": "yesterday" }), StatusCode::UNPROCESSABLE_ENTITY, "birthday"),
        (json!({ "name": 5 }), StatusCode::UNPROCESSABLE_ENTITY, "name"),
        (json!({ "name": "X", "colour": "red" }), StatusCode::UNPROCESSABLE_ENTITY, "colour"),
    ];
    for (body, status, field) in cases {
        let (got, error) = api.post("/api/v1/contacts", body.clone()).await;
        assert_eq!(got, status, "{body} → {error}");
        let named = error["field"].as_str().unwrap_or_default();
        assert!(named == field || (field == "emails" && named == "email"), "{body} → {error}");
        assert!(!error["message"].as_str().unwrap().is_empty());
    }
    let response = api
        .request(Method::POST, "/api/v1/contacts")
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    let (status, error) = common::json(response).await;
    assert_eq!((status, error["error"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_request")));
    let (status, error) = api.get("/api/v1/contacts/abc").await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::BAD_REQUEST, Some("id")));
    let (_, page) = api.get("/api/v1/contacts").await;
    assert_eq!(page["items"], json!([]), "no rejected contact was written");
    // A duplicate email is a conflict on that field.
    api.post("/api/v1/contacts", json!({ "name": "One", "emails": ["one@x.example"] })).await;
    let (status, error) = api.post("/api/v1/contacts", json!({ "name": "Two", "emails": ["ONE@x.example"] })).await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::CONFLICT, Some("email")), "{error}");
});

both!(lists_are_paginated, async |server: &Server| {
    let user = server.first_user("ann@example.com").await;
    let api = server.api(&user).await;
    for n in 0..7 {
        api.post("/api/v1/contacts", json!({ "name": format!("Person {n}"), "tags": ["batch"] })).await;
    }
    let (_, first) = api.get("/api/v1/contacts?limit=3&tag=batch").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 3);
    assert_eq!(first["next_offset"], 3);
    let (_, last) = api.get("/api/v1/contacts?limit=3&offset=6").await;
    assert_eq!(last["items"].as_array().unwrap().len(), 1);
    assert!(last["next_offset"].is_null());
    let (status, error) = api.get("/api/v1/contacts?limit=0").await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("limit")));
    let (_, found) = api.get("/api/v1/contacts?q=person%205").await;
    assert_eq!(found["items"][0]["name"], "Person 5");
});

both!(a_follow_up_goes_from_phrase_to_agenda_to_timeline, async |server: &Server| {
    let user = server.first_user("ann@example.com").await;
    let api = server.api(&user).await;
    let (_, bea) = api.post("/api/v1/contacts", json!({ "name": "Bea Quinn", "emails": ["bea@q.example"] })).await;
    let id = bea["id"].as_i64().unwrap();
    let (_, preview) = api.get("/api/v1/when?q=next%20tuesday%203pm").await;
    assert_eq!(preview["date"], "2026-12-01");
    assert_eq!(preview["time"], "15:00");
    let (status, scheduled) = api
        .post(
            &format!("/api/v1/contacts/{id}/follow-ups"),
            json!({ "when": "next tuesday 3pm", "note": "Send the proposal" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{scheduled}");
    let follow_up = &scheduled["follow_up"];
    assert_eq!(
        (follow_up["due"]["date"].as_str(), follow_up["due"]["time"].as_str()),
        (Some("2026-12-01"), Some("15:00:00"))
    );
    let follow_up_id = follow_up["id"].as_i64().unwrap();
    let (_, agenda) = api.get("/api/v1/agenda?days=7").await;
    assert_eq!(agenda["items"][0]["follow_up"]["id"], follow_up_id);
    assert_eq!(agenda["items"][0]["contact_name"], "Bea Quinn");
    let (_, agenda) = api.get("/api/v1/agenda?days=3").await;
    assert_eq!(agenda["items"], json!([]), "Tuesday is past a 3-day window");
    let (status, done) = api
        .post(
            &format!("/api/v1/follow-ups/{follow_up_id}/done"),
            json!({ "note": "Sent it; she'll decide Friday", "outcome": "interested" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["follow_up"]["state"], "done");
    assert_eq!(done["touch"]["touch"]["summary"], "Sent it; she'll decide Friday");
    let (_, timeline) = api.get(&format!("/api/v1/contacts/{id}/timeline")).await;
    let kinds: Vec<&str> = timeline.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"touch") && kinds.contains(&"follow-up"), "{kinds:?}");
    let (status, error) = api.post(&format!("/api/v1/follow-ups/{follow_up_id}/skip"), json!({})).await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::CONFLICT, Some("refused")),
        "a done follow-up cannot be skipped"
    );
});

both!(snooze_past_dates_and_pacing_are_explained, async |server: &Server| {
    let user = server.first_user("ann@example.com").await;
    let api = server.api(&user).await;
    let (_, bea) = api.post("/api/v1/contacts", json!({ "name": "Bea" })).await;
    let id = bea["id"].as_i64().unwrap();
    let (status, error) = api.post(&format!("/api/v1/contacts/{id}/follow-ups"), json!({ "when": "yesterday" })).await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("when")), "{error}");
    let (status, error) = api.post(&format!("/api/v1/contacts/{id}/follow-ups"), json!({ "when": "blurgsday" })).await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("when")), "{error}");
    let (_, first) = api.post(&format!("/api/v1/contacts/{id}/follow-ups"), json!({ "when": "thursday" })).await;
    let (status, error) = api.post(&format!("/api/v1/contacts/{id}/follow-ups"), json!({ "when": "friday" })).await;
    assert_eq!((status, error["error"].as_str()), (StatusCode::CONFLICT, Some("pacing")), "{error}");
    let (status, forced) =
        api.post(&format!("/api/v1/contacts/{id}/follow-ups"), json!({ "when": "friday", "force": true })).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(forced["pacing"].is_object(), "the warning comes back with a forced follow-up");
    assert_eq!(forced["follow_up"]["agreed"], false);
    let (status, asked) =
        api.post(&format!("/api/v1/contacts/{id}/follow-ups"), json!({ "when": "friday 3pm", "agreed": true })).await;
    assert_eq!(status, StatusCode::CREATED, "{asked}");
    assert_eq!((asked["follow_up"]["agreed"].clone(), asked["pacing"].clone()), (json!(true), json!(null)));
    assert!(error["message"].as_str().unwrap().contains("\"agreed\": true"), "the refusal names the field: {error}");
    let first_id = first["follow_up"]["id"].as_i64().unwrap();
    let (status, snoozed) =
        api.post(&format!("/api/v1/follow-ups/{first_id}/snooze"), json!({ "when": "in 2 weeks" })).await;
    assert_eq!(status, StatusCode::OK, "{snoozed}");
    assert_eq!(snoozed["follow_up"]["due"]["date"], "2026-12-08");
    assert_eq!(snoozed["follow_up"]["snoozes"], 1);
});

both!(never_means_never, async |server: &Server| {
    let user = server.first_user("ann@example.com").await;
    let api = server.api(&user).await;
    let (_, bea) = api.post("/api/v1/contacts", json!({ "name": "Bea" })).await;
    let id = bea["id"].as_i64().unwrap();
    let (_, scheduled) = api.post(&format!("/api/v1/contacts/{id}/follow-ups"), json!({ "when": "tomorrow" })).await;
    let (status, change) = api
        .post(&format!("/api/v1/contacts/{id}/consent"), json!({ "state": "never", "reason": "asked on the phone" }))
        .await;
    assert_eq!((status, change["state"].as_str()), (StatusCode::OK, Some("never")), "{change}");
    let (_, follow_up) = api.get(&format!("/api/v1/follow-ups/{}", scheduled["follow_up"]["id"])).await;
    assert_eq!(follow_up["state"], "cancelled");
    let (status, error) = api.post(&format!("/api/v1/contacts/{id}/follow-ups"), json!({ "when": "next week" })).await;
    assert_eq!((status, error["error"].as_str()), (StatusCode::CONFLICT, Some("refused")), "{error}");
    let (status, error) = api.post(&format!("/api/v1/contacts/{id}/consent"), json!({ "state": "maybe" })).await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("consent")), "{error}");
});

both!(promises_with_slack_and_keeping_them, async |server: &Server| {
    let user = server.first_user("ann@example.com").await;
    let api = server.api(&user).await;
    let (_, bea) = api.post("/api/v1/contacts", json!({ "name": "Bea" })).await;
    let id = bea["id"].as_i64().unwrap();
    let (status, promise) = api
        .post(&format!("/api/v1/contacts/{id}/promises"), json!({ "what": "Send the quote", "aim": "in 2 hours" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{promise}");
    assert!(promise["told"].as_str().unwrap() > promise["aim"].as_str().unwrap(), "told gets slack: {promise}");
    let (_, open) = api.get("/api/v1/promises").await;
    assert_eq!(open[0]["contact_name"], "Bea");
    assert_eq!(open[0]["at_risk"], false);
    let (status, kept) = api.post(&format!("/api/v1/promises/{}/kept", promise["id"]), json!({})).await;
    assert_eq!((status, kept["state"].as_str()), (StatusCode::OK, Some("kept")), "{kept}");
    let (status, error) = api.post(&format!("/api/v1/contacts/{id}/promises"), json!({ "what": "x" })).await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("aim")), "{error}");
});

both!(settings_change_and_reject_bad_values, async |server: &Server| {
    let user = server.first_user("ann@example.com").await;
    let api = server.api(&user).await;
    let (status, account) = api
        .call(
            Method::PATCH,
            "/api/v1/settings",
            Some(json!({ "zone": "Europe/Berlin", "work_days": ["mon", "tue", "wed", "thu"], "pacing_gap_days": 4 })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{account}");
    assert_eq!(account["settings"]["zone"], "Europe/Berlin");
    assert_eq!(account["settings"]["work_week"]["days"], json!([true, true, true, true, false, false, false]));
    for (body, field) in [
        (json!({ "zone": "Nowhere/Special" }), "zone"),
        (json!({ "work_start": "18:00", "work_end": "09:00" }), "work_end"),
        (json!({ "work_days": ["funday"] }), "work_days"),
        (json!({ "pacing_gap_days": 9000 }), "pacing_gap_days"),
    ] {
        let (status, error) = api.call(Method::PATCH, "/api/v1/settings", Some(body.clone())).await;
        assert_eq!(
            (status, error["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{body}: {error}"
        );
    }
    let (_, me) = api.get("/api/v1/me").await;
    assert_eq!(me["account"]["settings"]["zone"], "Europe/Berlin", "a rejected change wrote nothing");

    // Berlin reads 3/4 day first; the preview names the other reading.
    let (_, preview) = api.get("/api/v1/when?q=3/4").await;
    assert_eq!(preview["date"], "2027-04-03", "{preview}");
    assert_eq!(preview["alternatives"], json!(["Thu 4 Mar 2027 (month first)"]), "{preview}");
    assert!(preview["explanation"].as_str().unwrap().contains("day first"), "{preview}");
    let (status, account) = api.call(Method::PATCH, "/api/v1/settings", Some(json!({ "date_order": "mdy" }))).await;
    assert_eq!(status, StatusCode::OK, "{account}");
    assert_eq!(account["settings"]["date_order"], "mdy");
    let (_, preview) = api.get("/api/v1/when?q=3/4").await;
    assert_eq!(preview["date"], "2027-03-04", "{preview}");
    let (status, error) = api.call(Method::PATCH, "/api/v1/settings", Some(json!({ "date_order": "dym" }))).await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("date_order")), "{error}");
    let (_, preview) = api.get("/api/v1/when?q=next%20friday").await;
    assert!(preview["notes"][0].as_str().unwrap().starts_with("the Friday of next week"), "{preview}");
});

both!(the_openapi_document_describes_every_route, async |server: &Server| {
    let (status, document) = server.anonymous().get("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = document["paths"].as_object().unwrap();
    for path in
        ["/api/v1/contacts", "/api/v1/agenda", "/api/v1/follow-ups/{id}/done", "/api/v1/tokens/{id}", "/api/v1/when"]
    {
        assert!(paths.contains_key(path), "{path} is documented");
    }
    assert!(document["components"]["schemas"]["Contact"].is_object());
    assert!(document["components"]["securitySchemes"]["bearer"].is_object());
    // Each documented GET without parameters answers (not 404/405) for a signed-in caller.
    let user = server.first_user("ann@example.com").await;
    let api = server.api(&user).await;
    for (path, item) in paths {
        if item.get("get").is_some() && !path.contains('{') {
            let (status, body) = api.get(path).await;
            // `when` needs its phrase (`q`); every other parameterless GET answers 200.
            let expected = if path == "/api/v1/when" { StatusCode::BAD_REQUEST } else { StatusCode::OK };
            assert_eq!(status, expected, "{path}: {body}");
        }
    }
});

both!(contacts_are_enrolled_in_plans_paused_resumed_and_stopped, async |server: &Server| {
    let user = server.first_user("ann@example.com").await;
    let api = server.api(&user).await;
    let (status, plans) = api.get("/api/v1/plans").await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = plans.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    for starter in ["After an interview or meeting", "Cold prospect", "After a purchase", "Client retention", "Not now"]
    {
        assert!(names.contains(&starter), "{names:?}");
    }
    let (_, bea) = api.post("/api/v1/contacts", json!({ "name": "Bea", "emails": ["bea@q.example"] })).await;
    let id = bea["id"].as_i64().unwrap();
    let (status, enrollment) =
        api.post(&format!("/api/v1/contacts/{id}/enrollments"), json!({ "plan": "interview" })).await;
    assert_eq!(status, StatusCode::CREATED, "{enrollment}");
    assert_eq!(
        (enrollment["plan_name"].as_str(), enrollment["state"].as_str()),
        (Some("After an interview or meeting"), Some("active"))
    );
    let enrollment_id = enrollment["id"].as_i64().unwrap();
    let (_, paused) = api.post(&format!("/api/v1/enrollments/{enrollment_id}/pause"), json!({})).await;
    assert_eq!(paused["state"], "paused");
    let (_, resumed) = api.post(&format!("/api/v1/enrollments/{enrollment_id}/resume"), json!({})).await;
    assert_eq!(resumed["state"], "active");
    let (status, error) = api.post(&format!("/api/v1/enrollments/{enrollment_id}/restart"), json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    let mallory = server.other_account("mallory@example.com").await;
    let theirs = server.api(&mallory).await;
    let (status, _) = theirs.post(&format!("/api/v1/enrollments/{enrollment_id}/stop"), json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another account cannot stop it");
    let (status, _) = theirs.get(&format!("/api/v1/contacts/{id}/enrollments")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, stopped) = api.post(&format!("/api/v1/enrollments/{enrollment_id}/stop"), json!({})).await;
    assert_eq!(stopped["state"], "stopped");
    let (_, listed) = api.get(&format!("/api/v1/contacts/{id}/enrollments")).await;
    assert_eq!(listed[0]["state"], "stopped");
    let (status, error) =
        api.post(&format!("/api/v1/contacts/{id}/enrollments"), json!({ "plan": "no such plan" })).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{error}");
    // Do-not-contact contacts cannot be enrolled.
    api.post(&format!("/api/v1/contacts/{id}/consent"), json!({ "state": "never" })).await;
    let (status, error) =
        api.post(&format!("/api/v1/contacts/{id}/enrollments"), json!({ "plan": "Cold prospect" })).await;
    assert_eq!((status, error["error"].as_str()), (StatusCode::CONFLICT, Some("refused")), "{error}");
});

both!(a_change_shows_at_once_although_reads_are_cached, async |server: &Server| {
    let user = server.first_user("ann@example.com").await;
    let api = server.api(&user).await;
    let (_, bea) = api.post("/api/v1/contacts", json!({ "name": "Bea" })).await;
    let (_, empty) = api.get("/api/v1/agenda").await;
    assert_eq!(empty["items"], json!([]));
    let (_, again) = api.get("/api/v1/agenda").await;
    assert_eq!(again, empty, "the second read may be the cached one");
    api.post(&format!("/api/v1/contacts/{}/follow-ups", bea["id"]), json!({ "when": "tomorrow" })).await;
    let (_, after) = api.get("/api/v1/agenda").await;
    assert_eq!(after["items"].as_array().unwrap().len(), 1, "a write drops the cached agenda: {after}");
    let (_, settings) = api.call(Method::PATCH, "/api/v1/settings", Some(json!({ "zone": "Asia/Tokyo" }))).await;
    assert_eq!(settings["settings"]["zone"], "Asia/Tokyo");
    let (_, me) = api.get("/api/v1/me").await;
    assert_eq!(me["account"]["settings"]["zone"], "Asia/Tokyo", "the cached account behind the token was dropped");
});

both!(contact_files_are_imported_and_exported, async |server: &Server| {
    let user = server.first_user("ann@example.com").await;
    let api = server.api(&user).await;
    let csv = "Name,E-mail Address,Phone\nBea Quinn,bea@q.example,+1 212 555 0100\nBad Row,not-an-email,\nCarl Dee,carl@d.example,\n";
    let upload = |query: &'static str| api.request(Method::POST, &format!("/api/v1/import{query}")).body(csv).send();
    let (status, dry) = common::json(upload("?dry_run=true&format=csv").await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    assert_eq!(
        (dry["created"].as_u64(), dry["rejected_count"].as_u64(), dry["dry_run"].as_bool()),
        (Some(2), Some(1), Some(true))
    );
    assert_eq!(dry["rejected"][0]["row"], 3, "the row number names the bad row: {dry}");
    let (_, none) = api.get("/api/v1/contacts").await;
    assert_eq!(none["items"], json!([]), "a dry run writes nothing");
    let (status, done) = common::json(upload("").await.unwrap()).await;
    assert_eq!((status, done["created"].as_u64()), (StatusCode::OK, Some(2)), "{done}");
    let (_, again) = common::json(upload("?on_duplicate=skip").await.unwrap()).await;
    assert_eq!((again["created"].as_u64(), again["skipped"].as_u64()), (Some(0), Some(2)), "{again}");
    let (status, error) =
        common::json(api.request(Method::POST, "/api/v1/import?format=xls").body("x").send().await.unwrap()).await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("format")));
    let exported = api.request(Method::GET, "/api/v1/export?format=csv").send().await.unwrap();
    assert_eq!(exported.headers()["content-type"], "text/csv; charset=utf-8");
    let text = exported.text().await.unwrap();
    assert!(text.contains("Bea Quinn") && text.contains("carl@d.example") && !text.contains("Bad Row"), "{text}");
    let vcf = api.request(Method::GET, "/api/v1/export?format=vcf").send().await.unwrap().text().await.unwrap();
    assert_eq!(vcf.matches("BEGIN:VCARD").count(), 2);
    let mallory = server.other_account("mallory@example.com").await;
    let theirs = server.api(&mallory).await;
    let theirs_csv = theirs.request(Method::GET, "/api/v1/export").send().await.unwrap().text().await.unwrap();
    assert!(!theirs_csv.contains("Bea"), "another account's export has none of these");
    // The upload page gives the same summary.
    let browser = server.browser("ann@example.com").await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", browser.csrf.clone().unwrap())
        .text("on_duplicate", "update")
        .part("file", reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("contacts.csv"));
    let page = browser.request(Method::POST, "/contacts/import").multipart(form).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("<strong>2</strong> updated") && html.contains("not-an-email"), "{html}");
    let forged = reqwest::multipart::Form::new()
        .text("csrf", "guess")
        .part("file", reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()));
    let refused = browser.request(Method::POST, "/contacts/import").multipart(forged).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
});

both!(a_promise_running_late_is_drafted_and_told_through_the_api, async |server: &Server| {
    let user = server.first_user("ann@example.com").await;
    let api = server.api(&user).await;
    let (_, bea) = api.post("/api/v1/contacts", json!({ "name": "Bea Quinn", "emails": ["bea@quinn.example"] })).await;
    let contact = bea["id"].as_i64().unwrap();
    // Made this morning, aimed an hour ago, told for an hour from now: at risk.
    let hours = |n: i64| common::now() + jiff::SignedDuration::from_hours(n);
    let draft = tickler_core::promise::PromiseDraft::new(
        ContactId::new(contact),
        "the revised quote",
        hours(-1),
        hours(1),
        tickler_core::contact::ZoneName::parse("America/New_York").unwrap(),
    )
    .unwrap();
    let promise = server.db.store.create_promise(user.account_id, &draft, hours(-5)).await.unwrap();
    let id = promise.id.get();
    let (_, open) = api.get("/api/v1/promises").await;
    assert_eq!(open[0]["at_risk"], true, "the aim is now: {open}");
    assert_eq!(open[0]["running_late"]["subject"], "An update on the revised quote", "{open}");
    let (status, draft) = api.get(&format!("/api/v1/promises/{id}/running-late")).await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    assert!(draft["body"].as_str().unwrap().starts_with("Hi Bea,"), "{draft}");
    let (status, error) =
        api.post(&format!("/api/v1/promises/{id}/running-late"), json!({ "told": "last tuesday" })).await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("told")), "{error}");
    let (status, error) =
        api.post(&format!("/api/v1/promises/{id}/running-late"), json!({ "subject": "two\nlines" })).await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("subject")), "{error}");
    let (status, error) = api.post(&format!("/api/v1/promises/{id}/running-late"), json!({ "tone": "sorry" })).await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("tone")), "{error}");
    let (status, told) = api
        .post(&format!("/api/v1/promises/{id}/running-late"), json!({ "told": "tomorrow 3pm", "subject": "New time" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{told}");
    assert_eq!(told["sent_to"], "bea@quinn.example");
    assert_eq!(told["promise"]["told"], "2026-11-25T20:00:00Z");
    assert_eq!(told["touch"]["touch"]["channel"], "email");
    let (status, _) = api.get("/api/v1/promises/9999/running-late").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

both!(an_import_names_the_columns_it_leaves_out_and_the_page_lets_one_choose, async |server: &Server| {
    let user = server.first_user("ann@example.com").await;
    let api = server.api(&user).await;
    let csv = "Name,E-mail,Firma,Stadt\nBea Quinn,bea@q.example,Quinn AG,Berlin\n";
    let (status, report) =
        common::json(api.request(Method::POST, "/api/v1/import?dry_run=true").body(csv).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        report["left_out"],
        json!([
            { "column": "Firma", "values": 1, "suggested_field": "organisation", "map": "--map \"Firma=organisation\"" },
            { "column": "Stadt", "values": 1, "suggested_field": "city", "map": "--map \"Stadt=city\"" },
        ]),
        "{report}"
    );
    // Several maps, one per line.
    let (_, mapped) = common::json(
        api.request(Method::POST, "/api/v1/import?map=Firma%3Dorganisation%0AStadt%3Dcity")
            .body(csv)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((mapped["created"].as_u64(), mapped["left_out"].clone()), (Some(1), json!([])), "{mapped}");
    let (_, contacts) = api.get("/api/v1/contacts").await;
    assert_eq!(contacts["items"][0]["organisation"], "Quinn AG");
    assert_eq!(contacts["items"][0]["addresses"][0]["locality"], "Berlin");

    // The page: first a field to choose for each unknown column, nothing written yet; then the import.
    let browser = server.browser("ann@example.com").await;
    let csv = "Name,E-mail,Firma,Lieblingsfarbe\nCarl Dee,carl@d.example,Dee GmbH,green\n";
    let form = reqwest::multipart::Form::new()
        .text("csrf", browser.csrf.clone().unwrap())
        .text("on_duplicate", "skip")
        .part("file", reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("sheet.csv"));
    let page = browser.request(Method::POST, "/contacts/import").multipart(form).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Some columns are not ones Tickler knows"), "{html}");
    assert!(html.contains(r#"<option value="Firma=organisation" selected>"#), "the guess is chosen: {html}");
    assert!(html.contains(r#"<option value="Lieblingsfarbe=ignore">Leave it out"#), "{html}");
    let (_, contacts) = api.get("/api/v1/contacts?q=carl").await;
    assert_eq!(contacts["items"], json!([]), "nothing is written before the choice");
    let file_data = html.split(r#"name="file_data" value=""#).nth(1).unwrap().split('"').next().unwrap().to_string();
    let form = reqwest::multipart::Form::new()
        .text("csrf", browser.csrf.clone().unwrap())
        .text("file_data", file_data)
        .text("on_duplicate", "skip")
        .text("map", "Firma=organisation")
        .text("map", "Lieblingsfarbe=notes");
    let page = browser.request(Method::POST, "/contacts/import").multipart(form).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(html.contains("<strong>1</strong> created"), "{html}");
    let (_, contacts) = api.get("/api/v1/contacts?q=carl").await;
    assert_eq!(contacts["items"][0]["organisation"], "Dee GmbH");
    assert_eq!(contacts["items"][0]["notes"], "green");
});

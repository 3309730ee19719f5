//! Keep in touch over HTTP: the losing-touch list in the API and on its page,
//! tag cadences, and the reconnect reminder on Today with its one-click actions.

use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::json;
use tickler_core::cadence::Cadence;
use tickler_core::contact::{ContactDetails, ContactName, Tag};
use tickler_core::touch::{Channel, TouchDraft};
use tickler_test_support::both;

use crate::common::{self, Server};

/// Ann (every 30 days, last touch 47 days ago) and Bo (a client, quarterly by tag, touched 85 days ago).
async fn people(server: &Server, account_id: tickler_core::ids::AccountId) -> (i64, i64) {
    let days = |n: i64| common::now() - SignedDuration::from_hours(24 * n);
    let mut ann = ContactDetails::named(ContactName::parse("Ann Lee").unwrap());
    ann.cadence = Some(Cadence::parse("every 30 days").unwrap());
    let ann = server.db.store.create_contact(account_id, &ann, days(200)).await.unwrap();
    let mut bo = ContactDetails::named(ContactName::parse("Bo Chen").unwrap());
    bo.tags = vec![Tag::parse("clients").unwrap()];
    let bo = server.db.store.create_contact(account_id, &bo, days(200)).await.unwrap();
    for (id, ago) in [(ann.id, 47), (bo.id, 85)] {
        let touch = TouchDraft::new(id, days(ago), Channel::Call, "caught up").unwrap();
        server.db.store.log_touch(account_id, &touch, days(ago)).await.unwrap();
    }
    (ann.id.get(), bo.id.get())
}

both!(the_losing_touch_list_and_tag_cadences_through_the_api, async |server: &Server| {
    let user = server.first_user("sam@example.com").await;
    let api = server.api(&user).await;
    let (ann, bo) = people(server, user.account_id).await;
    let (status, drifting) = api.get("/api/v1/drifting").await;
    assert_eq!(status, StatusCode::OK, "{drifting}");
    assert_eq!(drifting["overdue"][0]["contact_id"], ann);
    assert_eq!(drifting["overdue"][0]["line"], "Reconnect with Ann Lee: last touch 47 days ago (every 30 days)");
    assert_eq!(drifting["soon"], json!([]), "Bo's tag has no cadence yet");
    let (status, error) = api
        .call(reqwest::Method::PUT, "/api/v1/cadences/clients", Some(json!({ "cadence": "every fortnight-ish" })))
        .await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("cadence")), "{error}");
    let (status, set) =
        api.call(reqwest::Method::PUT, "/api/v1/cadences/clients", Some(json!({ "cadence": "every quarter" }))).await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(set["cadence_text"], "every quarter");
    // Bo's 85 days pass the quarter (~90 days) within the week.
    let (_, drifting) = api.get("/api/v1/drifting").await;
    assert_eq!(drifting["soon"][0]["contact_id"], bo, "{drifting}");
    assert_eq!(drifting["soon"][0]["cadence_from"], "tag:clients");
    let (_, wide) = api.get("/api/v1/drifting?days=0").await;
    assert_eq!(wide["soon"], json!([]), "{wide}");
    let (status, error) = api.get("/api/v1/drifting?days=9999").await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("days")), "{error}");
    // A contact's own cadence through the contact's fields; a bad one is named.
    let (status, error) =
        api.call(reqwest::Method::PATCH, &format!("/api/v1/contacts/{bo}"), Some(json!({ "cadence": "hourly" }))).await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("cadence")), "{error}");
    // Snoozed, Ann leaves the list until then.
    let (status, snoozed) =
        api.post(&format!("/api/v1/contacts/{ann}/reconnect/snooze"), json!({ "when": "in 2 weeks" })).await;
    assert_eq!(status, StatusCode::OK, "{snoozed}");
    let (_, drifting) = api.get("/api/v1/drifting").await;
    assert_eq!(drifting["overdue"], json!([]), "{drifting}");
    let (status, _) = api.post("/api/v1/contacts/999999/reconnect/snooze", json!({ "when": "in 2 weeks" })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

both!(today_offers_to_log_follow_up_or_snooze_a_reconnect, async |server: &Server| {
    let user = server.first_user("sam@example.com").await;
    let (ann, _) = people(server, user.account_id).await;
    let browser = server.browser("sam@example.com").await;
    let (_, today) = browser.page("/today").await;
    assert!(today.contains("Reconnect with Ann Lee: last touch 47 days ago (every 30 days)"), "{today}");
    assert!(today.contains(&format!(r#"action="/contacts/{ann}/reconnect/follow-up""#)), "{today}");
    assert!(today.contains(&format!(r#"action="/contacts/{ann}/reconnect/snooze""#)), "{today}");
    // The losing-touch page lists her too.
    let (status, page) = browser.page("/drifting").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("17 days over"), "{page}");
    // One click: a follow-up today.
    let response = browser.form(&format!("/contacts/{ann}/reconnect/follow-up"), &[("return_to", "/today")]).await;
    assert_eq!(response.headers()["location"], "/today?notice=scheduled");
    let (_, today) = browser.page("/today").await;
    assert!(today.contains("Reconnect</a>") || today.contains("— Reconnect"), "the follow-up is on Today: {today}");
    // A snooze phrase that does not read comes back beside its field.
    let bad = browser.form(&format!("/contacts/{ann}/reconnect/snooze"), &[("when", "someday maybe")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().await.unwrap().contains(&format!("id=\"e-reconnect-{ann}-when\"")));
    // One click logs a touch, which resets the cadence.
    let logged = browser.form(&format!("/contacts/{ann}/reconnect/log"), &[("return_to", "/today")]).await;
    assert_eq!(logged.headers()["location"], "/today?notice=logged");
    let (_, today) = browser.page("/today").await;
    assert!(!today.contains("Reconnect with Ann Lee"), "a new touch resets it: {today}");
    let touches = server.db.store.touches(user.account_id, tickler_core::ids::ContactId::new(ann)).await.unwrap();
    assert_eq!(touches[0].summary, "Reconnected");
    // Tag cadences on the page: a bad one is named beside its field.
    let bad = browser.form("/cadences", &[("tag", "clients"), ("cadence", "every 2 hours")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().await.unwrap().contains("shorter than a day"));
    let saved = browser.form("/cadences", &[("tag", "clients"), ("cadence", "every quarter")]).await;
    assert_eq!(saved.headers()["location"], "/drifting?notice=cadence");
});

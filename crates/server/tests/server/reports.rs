//! Reports over HTTP: one report as JSON and CSV from the API (by `format`
//! and by `Accept`), each bad parameter named, and the page with its
//! accessible charts, tables and download links.

use jiff::Timestamp;
use jiff::civil::{Date, date};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::json;
use tickler_core::contact::{ContactDetails, ContactName};
use tickler_core::touch::{Channel, Direction, TouchDraft};
use tickler_test_support::both;

use crate::common::Server;

/// `day` at `hour:minute` in New York, the account's zone.
fn at(day: Date, hour: i8, minute: i8) -> Timestamp {
    day.at(hour, minute, 0, 0).in_tz("America/New_York").unwrap().timestamp()
}

const EXPECTED_CSV: &str = "week,channel and direction,touches\r\n2026-11-02,call out,1\r\n2026-11-02,email out,2\r\n\
                            2026-11-09,email in,1\r\n";

/// Three touches in the week of 2 November (one Sunday 23:30 in New York, Monday in UTC) and one the week after.
async fn touches(server: &Server, account_id: tickler_core::ids::AccountId) {
    let ann = ContactDetails::named(ContactName::parse("Ann Lee").unwrap());
    let ann = server.db.store.create_contact(account_id, &ann, at(date(2026, 10, 1), 9, 0)).await.unwrap();
    for (when, channel, direction) in [
        (at(date(2026, 11, 3), 9, 0), Channel::Email, Direction::Out),
        (at(date(2026, 11, 8), 23, 30), Channel::Email, Direction::Out),
        (at(date(2026, 11, 4), 9, 0), Channel::Call, Direction::Out),
        (at(date(2026, 11, 10), 9, 0), Channel::Email, Direction::In),
    ] {
        let mut draft = TouchDraft::new(ann.id, when, channel, "talked").unwrap();
        draft.direction = direction;
        server.db.store.log_touch(account_id, &draft, when).await.unwrap();
    }
}

both!(a_report_through_the_api_as_json_and_csv, async |server: &Server| {
    let user = server.first_user("sam@example.com").await;
    let api = server.api(&user).await;
    touches(server, user.account_id).await;
    let path = "/api/v1/reports/touches?from=2026-11-02&to=2026-11-15";
    let (status, report) = api.get(path).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["name"], "touches");
    assert_eq!(report["zone"], "America/New_York");
    assert_eq!(report["period"], json!({ "from": "2026-11-02", "to": "2026-11-15" }));
    assert_eq!(report["figures"]["kind"], "touches");
    assert_eq!(
        report["figures"]["rows"],
        json!([
            { "week": "2026-11-02", "name": "call out", "count": 1 },
            { "week": "2026-11-02", "name": "email out", "count": 2 },
            { "week": "2026-11-09", "name": "email in", "count": 1 },
        ])
    );
    // CSV by the format parameter and by the Accept header.
    for request in [
        api.request(reqwest::Method::GET, &format!("{path}&format=csv")),
        api.request(reqwest::Method::GET, path).header(ACCEPT, "text/csv"),
    ] {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[CONTENT_TYPE], "text/csv; charset=utf-8");
        assert_eq!(response.text().await.unwrap(), EXPECTED_CSV);
    }
    // The default period is the last 12 weeks, Monday to today (Tuesday 24 November).
    let (status, report) = api.get("/api/v1/reports/follow-ups").await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["period"], json!({ "from": "2026-09-07", "to": "2026-11-24" }));
    assert_eq!(report["figures"]["rows"].as_array().unwrap().len(), 12);
    // Each bad parameter is named.
    for (query, field) in [
        ("/api/v1/reports/weather", "report"),
        ("/api/v1/reports/touches?from=2026-11-15&to=2026-11-02", "to"),
        ("/api/v1/reports/touches?from=15/11/2026", "from"),
        ("/api/v1/reports/touches?period=12w&from=2026-11-02", "period"),
        ("/api/v1/reports/touches?period=3%20fortnights", "period"),
        ("/api/v1/reports/touches?format=xml", "format"),
    ] {
        let (status, error) = api.get(query).await;
        assert_eq!(
            (status, error["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{query}: {error}"
        );
    }
    // Another account sees none of it.
    let other = server.other_account("zoe@example.com").await;
    let (_, theirs) = server.api(&other).await.get(path).await;
    assert_eq!(theirs["figures"]["rows"], json!([]), "{theirs}");
    // The OpenAPI document describes the route.
    let (_, document) = api.get("/api/openapi.json").await;
    let ok = &document["paths"]["/api/v1/reports/{name}"]["get"]["responses"]["200"]["content"];
    assert_eq!(ok["application/json"]["schema"]["$ref"], "#/components/schemas/Report", "{ok}");
    assert!(ok["text/csv"].is_object(), "{ok}");
});

both!(the_reports_page_draws_each_report_with_its_table_and_download, async |server: &Server| {
    let user = server.first_user("sam@example.com").await;
    touches(server, user.account_id).await;
    let browser = server.browser("sam@example.com").await;
    let (status, html) = browser.page("/reports?from=2026-11-02&to=2026-11-15").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<a href=\"/reports\" aria-current=\"page\">Reports</a>"), "linked from the nav");
    for name in ["follow-ups", "promises", "plans", "touches", "stages", "consent"] {
        assert!(html.contains(&format!("<section class=\"card report\" id=\"{name}\"")), "{name}");
        assert!(html.contains(&format!("<svg role=\"img\" aria-labelledby=\"chart-{name}-title chart-{name}-desc\"")));
        assert!(html.contains(&format!("href=\"/reports/{name}.csv?from=2026-11-02&amp;to=2026-11-15\"")), "{name}");
    }
    assert!(html.contains("<title>11-02, email out: 2</title>"), "each bar says its value");
    assert!(html.contains("<td data-label=\"channel and direction\">email out</td>"), "the table beside the chart");
    assert!(html.contains("width=\"100%\""), "the chart scales to a phone");
    // The download.
    let response = browser
        .request(reqwest::Method::GET, "/reports/touches.csv?from=2026-11-02&to=2026-11-15")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("tickler-touches-2026-11-02-2026-11-15.csv")
    );
    assert_eq!(response.text().await.unwrap(), EXPECTED_CSV);
    // A bad period is said on the page, with the status that says so.
    let (status, html) = browser.page("/reports?from=2026-11-15&to=2026-11-02").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("comes before the start of the period"), "{html}");
    let (status, _) = browser.page("/reports/weather.csv").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
});

// The weekly review and the digest are chosen on the Settings page, beside who the emails come from.
both!(the_settings_page_sets_the_sender_digest_and_weekly_review, async |server: &Server| {
    let user = server.first_user("sam@example.com").await;
    let browser = server.browser("sam@example.com").await;
    let (_, page) = browser.page("/settings").await;
    assert!(page.contains("Emails from Tickler") && page.contains("<option value=\"friday\""), "the form is there");
    let fields = |hour: &'static str| {
        [
            ("name", "Sam Stone"),
            ("address", "sam@stone.example"),
            ("signature", "Sam\nStone Consulting"),
            ("digest_hour", "7"),
            ("review_day", "friday"),
            ("review_hour", hour),
        ]
    };
    let bad = browser.form("/settings/sender", &fields("25")).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap();
    assert!(html.contains("id=\"e-sender-review_hour\"") && html.contains("give an hour from 0 to 23"), "{html}");
    assert!(html.contains("value=\"sam@stone.example\""), "what was typed is shown again");
    let unchanged = server.db.store.mail_settings(user.account_id).await.unwrap();
    assert_eq!(unchanged.review_day, None, "nothing is saved from a refused form");

    let saved = browser.form("/settings/sender", &fields("15")).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let settings = server.db.store.mail_settings(user.account_id).await.unwrap();
    assert_eq!((settings.from_name.as_str(), settings.from_address.as_str()), ("Sam Stone", "sam@stone.example"));
    assert_eq!(settings.signature, "Sam\nStone Consulting");
    assert_eq!(settings.digest_hour, 7);
    assert_eq!(settings.review_day.map(|day| day.as_str()), Some("friday"));
    assert_eq!(settings.review_hour, 15);
    let (_, page) = browser.page("/settings").await;
    assert!(page.contains("<option value=\"friday\" selected"), "{page}");

    // No day: no weekly review; a bad address is named.
    let mut off = fields("15");
    off[4] = ("review_day", "");
    browser.form("/settings/sender", &off).await;
    assert_eq!(server.db.store.mail_settings(user.account_id).await.unwrap().review_day, None);
    let mut bad_address = fields("15");
    bad_address[1] = ("address", "not-an-address");
    let refused = browser.form("/settings/sender", &bad_address).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.unwrap().contains("id=\"e-sender-address\""));
});

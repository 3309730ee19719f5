//! Sign-in, sessions, CSRF, tokens, rate limits, escaping and — above all —
//! that one account never reads, changes or learns of another's records.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tickler_core::ids::UserId;
use tickler_test_support::both;

use crate::common::{self, Server};

both!(another_account_cannot_read_change_or_learn_of_records, async |server: &Server| {
    let ann = server.first_user("ann@example.com").await;
    let mallory = server.other_account("mallory@example.com").await;
    assert_ne!(ann.account_id, mallory.account_id);
    let (ours, theirs) = (server.api(&ann).await, server.api(&mallory).await);
    let (_, bea) =
        ours.post("/api/v1/contacts", json!({ "name": "Bea Secret", "emails": ["bea@secret.example"] })).await;
    let id = bea["id"].as_i64().unwrap();
    let (_, scheduled) =
        ours.post(&format!("/api/v1/contacts/{id}/follow-ups"), json!({ "when": "tomorrow 9am" })).await;
    let follow_up = scheduled["follow_up"]["id"].as_i64().unwrap();
    let (_, promise) =
        ours.post(&format!("/api/v1/contacts/{id}/promises"), json!({ "what": "x", "aim": "in 1 day" })).await;
    let (_, tokens) = ours.get("/api/v1/tokens").await;
    let token_id = tokens[0]["id"].as_i64().unwrap();

    // A missing record and someone else's look exactly alike: 404 with the same wording.
    let (_, missing) = theirs.get("/api/v1/contacts/999999").await;
    let probes = [
        (Method::GET, format!("/api/v1/contacts/{id}"), None),
        (Method::PATCH, format!("/api/v1/contacts/{id}"), Some(json!({ "name": "Pwned" }))),
        (Method::DELETE, format!("/api/v1/contacts/{id}"), None),
        (Method::GET, format!("/api/v1/contacts/{id}/timeline"), None),
        (Method::POST, format!("/api/v1/contacts/{id}/touches"), Some(json!({ "channel": "call", "summary": "x" }))),
        (Method::POST, format!("/api/v1/contacts/{id}/follow-ups"), Some(json!({ "when": "tomorrow" }))),
        (Method::POST, format!("/api/v1/contacts/{id}/promises"), Some(json!({ "what": "x", "aim": "tomorrow" }))),
        (Method::POST, format!("/api/v1/contacts/{id}/consent"), Some(json!({ "state": "never" }))),
        (Method::GET, format!("/api/v1/follow-ups/{follow_up}"), None),
        (Method::POST, format!("/api/v1/follow-ups/{follow_up}/done"), Some(json!({}))),
        (Method::POST, format!("/api/v1/follow-ups/{follow_up}/snooze"), Some(json!({ "when": "next month" }))),
        (Method::POST, format!("/api/v1/follow-ups/{follow_up}/skip"), None),
        (Method::POST, format!("/api/v1/promises/{}/kept", promise["id"]), None),
        (Method::DELETE, format!("/api/v1/tokens/{token_id}"), None),
    ];
    for (method, path, body) in probes {
        let (status, error) = theirs.call(method.clone(), &path, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {error}");
        assert_eq!(error["error"], missing["error"]);
        assert!(!error.to_string().contains("Bea"), "{error}");
    }
    for path in ["/api/v1/contacts", "/api/v1/agenda", "/api/v1/promises", "/api/v1/tokens", "/api/v1/users"] {
        let (_, body) = theirs.get(path).await;
        assert!(
            !body.to_string().contains("Bea Secret") && !body.to_string().contains("ann@example.com"),
            "{path}: {body}"
        );
    }
    let (_, search) = theirs.get("/api/v1/contacts?q=secret").await;
    assert_eq!(search["items"], json!([]));
    // The owner still sees everything unchanged, and the token still works.
    let (status, still) = ours.get(&format!("/api/v1/contacts/{id}")).await;
    assert_eq!((status, still["name"].as_str()), (StatusCode::OK, Some("Bea Secret")));
    let (_, follow_up) = ours.get(&format!("/api/v1/follow-ups/{follow_up}")).await;
    assert_eq!(follow_up["state"], "open");

    // The pages too.
    let browser = server.browser("mallory@example.com").await;
    for path in [format!("/contacts/{id}"), format!("/contacts/{id}/edit")] {
        let (status, html) = browser.page(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!html.contains("Bea Secret"));
    }
    let response = browser.form(&format!("/contacts/{id}/delete"), &[]).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let (_, list) = browser.page("/contacts?q=bea").await;
    assert!(!list.contains("Bea Secret"));
    assert_eq!(ours.get(&format!("/api/v1/contacts/{id}")).await.0, StatusCode::OK, "the page delete did nothing");
});

both!(requests_without_valid_credentials_are_refused, async |server: &Server| {
    let ann = server.first_user("ann@example.com").await;
    let anonymous = server.anonymous();
    let (status, error) = anonymous.get("/api/v1/contacts").await;
    assert_eq!((status, error["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
    let mut forged = server.anonymous();
    forged.token = Some("tkl_not-a-real-token".into());
    assert_eq!(forged.get("/api/v1/contacts").await.0, StatusCode::UNAUTHORIZED);
    // Tokens are shown once, stored hashed, and revocable.
    let api = server.api(&ann).await;
    let secret = api.token.clone().unwrap();
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT token_hash FROM api_tokens").fetch_all(server.db.store.pool()).await.unwrap();
    assert!(!stored.is_empty() && stored.iter().all(|hash| hash.len() == 64 && !secret.contains(hash.as_str())));
    let (_, listed) = api.get("/api/v1/tokens").await;
    assert!(!listed.to_string().contains(&secret), "a listing never shows the secret");
    let (status, created) = api.post("/api/v1/tokens", json!({ "name": "script" })).await;
    assert_eq!(status, StatusCode::CREATED);
    let mut script = server.anonymous();
    script.token = Some(created["secret"].as_str().unwrap().to_string());
    assert_eq!(script.get("/api/v1/me").await.0, StatusCode::OK);
    let (status, revoked) = api.call(Method::DELETE, &format!("/api/v1/tokens/{}", created["token"]["id"]), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(revoked["revoked_at"].is_string());
    assert_eq!(script.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    let (status, error) = api.post("/api/v1/tokens", json!({ "name": " " })).await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("name")));
});

both!(sessions_need_their_csrf_token_to_change_anything, async |server: &Server| {
    server.first_user("ann@example.com").await;
    let browser = server.browser("ann@example.com").await;
    let (status, _) = browser.get("/api/v1/contacts").await;
    assert_eq!(status, StatusCode::OK, "a session may read the API");
    let (status, error) = browser.post("/api/v1/contacts", json!({ "name": "Forged" })).await;
    assert_eq!((status, error["error"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
    let response = browser
        .request(Method::POST, "/api/v1/contacts")
        .header("x-csrf-token", browser.csrf.clone().unwrap())
        .json(&json!({ "name": "Allowed" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    // A page form without the token, or with another's, changes nothing.
    let response = browser.request(Method::POST, "/contacts/new").form(&[("name", "No token")]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = browser
        .request(Method::POST, "/contacts/new")
        .form(&[("csrf", "guess"), ("name", "Bad token")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (_, list) = browser.get("/api/v1/contacts").await;
    let names: Vec<&str> = list["items"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Allowed"]);
    // Signing out ends the session for good.
    let (_, today) = browser.page("/today").await;
    let response = browser.form("/logout", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie =
        response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect::<Vec<_>>();
    assert!(cookie.iter().any(|c| c.starts_with("tickler_session=;") && c.contains("Max-Age=0")), "{cookie:?}");
    assert!(today.contains("Sign out"));
    let (status, _) = browser.get("/api/v1/contacts").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
});

both!(session_cookies_are_http_only_and_same_site, async |server: &Server| {
    server.first_user("ann@example.com").await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let login = client.get(format!("{}/login", server.base)).send().await.unwrap();
    let form_cookie = login.headers()["set-cookie"].to_str().unwrap().to_string();
    let token = form_cookie.split(';').next().unwrap().to_string();
    let csrf = common::hidden_csrf(&login.text().await.unwrap());
    let response = client
        .post(format!("{}/login", server.base))
        .header("cookie", token)
        .header("x-forwarded-proto", "https")
        .form(&[("csrf", csrf.as_str()), ("email", "ann@example.com"), ("password", common::PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let session = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("tickler_session="))
        .unwrap();
    for part in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(session.contains(part), "{session} has {part}");
    }
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT token_hash FROM sessions").fetch_all(server.db.store.pool()).await.unwrap();
    let id = session.split(';').next().unwrap().trim_start_matches("tickler_session=");
    assert!(!stored.iter().any(|hash| hash == id), "the session id itself is never stored");
});

both!(repeated_failed_sign_ins_are_slowed_down, async |server: &Server| {
    server.first_user("ann@example.com").await;
    let attempt = |password: &'static str| {
        let base = server.base.clone();
        async move {
            let client = reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let page = client.get(format!("{base}/login")).send().await.unwrap().text().await.unwrap();
            let csrf = common::hidden_csrf(&page);
            client
                .post(format!("{base}/login"))
                .form(&[("csrf", csrf.as_str()), ("email", "ann@example.com"), ("password", password)])
                .send()
                .await
                .unwrap()
        }
    };
    for _ in 0..5 {
        let response = attempt("wrong password!").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(response.text().await.unwrap().contains("email or password is wrong"));
    }
    let blocked = attempt(common::PASSWORD).await;
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    let wait: u64 = blocked.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&wait), "{wait}");
});

both!(typed_markup_is_shown_as_text, async |server: &Server| {
    let ann = server.first_user("ann@example.com").await;
    let api = server.api(&ann).await;
    let payload = "<script>alert('x')</script>";
    let (_, contact) = api
        .post("/api/v1/contacts", json!({ "name": payload, "notes": "<img src=x onerror=alert(1)>", "tags": ["vip"] }))
        .await;
    let id = contact["id"].as_i64().unwrap();
    api.post(
        &format!("/api/v1/contacts/{id}/touches"),
        json!({ "channel": "call", "summary": "\"><svg onload=alert(2)>" }),
    )
    .await;
    api.post(&format!("/api/v1/contacts/{id}/follow-ups"), json!({ "when": "tomorrow", "note": "<b>bold</b>" })).await;
    let browser = server.browser("ann@example.com").await;
    for path in
        [format!("/contacts/{id}"), "/contacts".to_string(), "/today".to_string(), format!("/contacts/{id}/edit")]
    {
        let (status, html) = browser.page(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        for raw in ["<script>alert", "<img src=x", "<svg onload", "<b>bold"] {
            assert!(!html.contains(raw), "{path} contains raw {raw}");
        }
    }
    let (_, html) = browser.page(&format!("/contacts/{id}")).await;
    assert!(html.contains("&lt;script&gt;alert("), "the name is shown, escaped");
});

both!(oversized_bodies_and_fields_are_refused, async |server: &Server| {
    let ann = server.first_user("ann@example.com").await;
    let api = server.api(&ann).await;
    // Announce a 2 MiB body and send none of it: the server must refuse on the length alone.
    let address = server.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/v1/contacts HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        api.token.as_deref().unwrap(),
        2 * 1024 * 1024
    );
    tokio::io::AsyncWriteExt::write_all(&mut stream, head.as_bytes()).await.unwrap();
    let mut reply = vec![0u8; 64];
    let read = tokio::io::AsyncReadExt::read(&mut stream, &mut reply).await.unwrap();
    let reply = String::from_utf8_lossy(&reply[..read]).to_string();
    assert!(reply.starts_with("HTTP/1.1 413"), "{reply}");
    let (status, error) = api.post("/api/v1/contacts", json!({ "name": "Long", "notes": "y".repeat(30_000) })).await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("notes")), "{error}");
    let (status, error) = api.post("/api/v1/contacts", json!({ "name": "n".repeat(500) })).await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("name")), "{error}");
    let (_, list) = api.get("/api/v1/contacts").await;
    assert_eq!(list["items"], json!([]));
});

both!(only_admins_add_users, async |server: &Server| {
    let ann = server.first_user("ann@example.com").await;
    let admin = server.api(&ann).await;
    let (status, bob) = admin
        .post("/api/v1/users", json!({ "email": "bob@example.com", "password": common::PASSWORD, "name": "Bob" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{bob}");
    assert_eq!(bob["account_id"].as_i64(), Some(ann.account_id.get()), "a new user joins the admin's account");
    let bob_user = server.db.store.user(ann.account_id, UserId::new(bob["id"].as_i64().unwrap())).await.unwrap();
    let bob_api = server.api(&bob_user).await;
    let (status, _) =
        bob_api.post("/api/v1/users", json!({ "email": "eve@example.com", "password": common::PASSWORD })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, error) =
        admin.post("/api/v1/users", json!({ "email": "bob@example.com", "password": common::PASSWORD })).await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::CONFLICT, Some("email")));
    let (status, error) =
        admin.post("/api/v1/users", json!({ "email": "carl@example.com", "password": "short" })).await;
    assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("password")));
    // Bob shares Ann's contacts: same account.
    admin.post("/api/v1/contacts", json!({ "name": "Shared" })).await;
    let (_, list) = bob_api.get("/api/v1/contacts").await;
    assert_eq!(list["items"][0]["name"], "Shared");
});

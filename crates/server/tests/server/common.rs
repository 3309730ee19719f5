//! A real server on port 0 over a fresh database per test, on SQLite and on
//! PostgreSQL, with clients that sign in by token or through the pages:
//! `both!(name, async |server: &Server| { ... })` runs one case on both, as
//! `name::sqlite` and `name::postgres`. The store's `TestDb` (shared with the
//! store's conformance tests) is the database under it.
#![allow(dead_code)]

#[path = "../../../store/tests/common/mod.rs"]
pub mod db;

use std::net::SocketAddr;

use reqwest::{Client, Method, RequestBuilder, Response, StatusCode, redirect};
use serde_json::Value;
use tickler_app::users::{self, UserInput};
use tickler_app::worker::Heartbeat;
use tickler_app::{App, SecretKey};
use tickler_core::contact::ZoneName;
use tickler_core::user::User;
use tickler_server::{AppState, Config};

pub use db::{TestDb, now};
use tickler_test_support::{AsyncHarness, Backend};

/// The password every test user has.
pub const PASSWORD: &str = "correct horse battery";

/// A running server and its database.
pub struct Server {
    pub db: TestDb,
    pub state: AppState,
    pub base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

/// The installation key of the tests' servers (base64 of 32 bytes), sealing the mail passwords they store.
pub const SECRET_KEY: &str = "dGlja2xlci10ZXN0LWtleS0zMi1ieXRlcy1sb25nISE=";

/// The tests' installation key.
pub fn secret_key() -> SecretKey {
    SecretKey::parse(SECRET_KEY).unwrap()
}

impl Server {
    /// A server holding the tests' secret key.
    pub async fn start(db: TestDb) -> Server {
        Server::start_with_key(db, Some(secret_key())).await
    }

    /// A server holding `key` (`None`: an installation without one).
    pub async fn start_with_key(db: TestDb, key: Option<SecretKey>) -> Server {
        let app = App::from_store(db.store.clone()).with_secret_key(key);
        Server::start_with_app(db, app).await
    }

    /// A server of `app` (made over `db`'s store: an installation inbound address, say).
    pub async fn start_with_app(db: TestDb, app: App) -> Server {
        Server::start_with_worker(db, app, None).await
    }

    /// A server of `app` whose process runs a worker beating `heartbeat` (`None`: no worker here).
    pub async fn start_with_worker(db: TestDb, app: App, heartbeat: Option<Heartbeat>) -> Server {
        let mut config = Config::new("unused");
        config.now = Some(now());
        let state = AppState::with_worker(app, config, heartbeat);
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = state.clone();
        tokio::spawn(async move {
            tickler_server::serve(listener, serving, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        Server { db, state, base, stop: Some(stop) }
    }

    /// The first user: an admin of the default account (New York).
    pub async fn first_user(&self, email: &str) -> User {
        let input = UserInput { email: email.into(), name: None, password: PASSWORD.into(), admin: true };
        users::add_first(&self.state.app, &input, &ZoneName::parse("America/New_York").unwrap(), now()).await.unwrap()
    }

    /// A user alone in a new account.
    pub async fn other_account(&self, email: &str) -> User {
        let input = UserInput { email: email.into(), name: None, password: PASSWORD.into(), admin: true };
        let zone = ZoneName::parse("America/New_York").unwrap();
        users::add_account(&self.state.app, "other", &input, &zone, now()).await.unwrap().1
    }

    /// A client authenticated by a new API token of `user`.
    pub async fn api(&self, user: &User) -> Api {
        let created = tickler_app::access::create_token(&self.state.app, user, "tests", now()).await.unwrap();
        Api { client: plain_client(), base: self.base.clone(), token: Some(created.secret), csrf: None }
    }

    /// A client with no credentials.
    pub fn anonymous(&self) -> Api {
        Api { client: plain_client(), base: self.base.clone(), token: None, csrf: None }
    }

    /// A browser-like client signed in through the sign-in form (cookies kept).
    pub async fn browser(&self, email: &str) -> Api {
        let client = Client::builder().cookie_store(true).redirect(redirect::Policy::none()).build().unwrap();
        let page = client.get(format!("{}/login", self.base)).send().await.unwrap().text().await.unwrap();
        let csrf = hidden_csrf(&page);
        let response = client
            .post(format!("{}/login", self.base))
            .form(&[("csrf", csrf.as_str()), ("email", email), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "sign in as {email}");
        let today = client.get(format!("{}/today", self.base)).send().await.unwrap().text().await.unwrap();
        Api { client, base: self.base.clone(), token: None, csrf: Some(hidden_csrf(&today)) }
    }
}

impl AsyncHarness for Server {
    async fn new(backend: Backend) -> Server {
        Server::start(TestDb::open(backend).await).await
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn plain_client() -> Client {
    Client::builder().redirect(redirect::Policy::none()).build().unwrap()
}

/// The value of the first hidden `csrf` field on a page.
pub fn hidden_csrf(page: &str) -> String {
    let start = page.find("name=\"csrf\" value=\"").expect("a form with a csrf field") + 19;
    page[start..].split('"').next().unwrap().to_string()
}

/// A client of the server, with or without credentials.
pub struct Api {
    pub client: Client,
    pub base: String,
    pub token: Option<String>,
    /// The session's CSRF token, for a browser client.
    pub csrf: Option<String>,
}

impl Api {
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        request
    }

    /// Send and return the status and the JSON body (`Null` when empty).
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self.request(method, path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        json(request.send().await.unwrap()).await
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(body)).await
    }

    /// A page's status and HTML.
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let response = self.request(Method::GET, path).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// Post a page form with this session's CSRF token.
    pub async fn form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut all = vec![("csrf", self.csrf.as_deref().unwrap_or(""))];
        all.extend_from_slice(fields);
        self.request(Method::POST, path).form(&all).send().await.unwrap()
    }
}

pub async fn json(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.unwrap();
    let value = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
    (status, value)
}

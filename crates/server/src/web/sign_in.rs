//! Creating the first user, signing in and out.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::SignedDuration;
use serde::Deserialize;
use tickler_core::contact::ZoneName;
use tickler_core::user::User;

use super::view::{failure_page, render_status};
use super::{FormErrors, ReturnTo, place};
use crate::auth::{self, FORM_COOKIE, PageForm, SESSION_COOKIE, authenticate, form_pairs, form_value, secret};
use crate::error::{Failure, Result};
use crate::state::AppState;
use tickler_app::access;
use tickler_app::users::{self, UserInput};

#[derive(Debug, Default, Deserialize)]
struct SetupForm {
    name: Option<String>,
    email: String,
    password: String,
    zone: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct LoginForm {
    email: String,
    password: String,
}

/// A page with a sign-in style form: a fresh double-submit token in a cookie and in the form.
fn form_page(state: &AppState, headers: &HeaderMap, status: StatusCode, context: minijinja::Value) -> Response {
    let token = secret::random_secret();
    let demo = state.config.demo_login.as_ref().map(|(email, password)| minijinja::context! { email, password });
    let context = minijinja::context! { form_token => token.clone(), demo, ..context };
    let mut response = render_status(state, status, "sign_in.html", None, context);
    let cookie = auth::set_cookie(FORM_COOKIE, &token, 3600, auth::is_https(state, headers));
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Read a sign-in style form, checking its token against the cookie.
fn read_form<T: serde::de::DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T> {
    let pairs = form_pairs(body)?;
    let sent = pairs.iter().find(|(key, _)| key == "csrf").map(|(_, value)| value.as_str()).unwrap_or_default();
    let expected = auth::cookie(headers, FORM_COOKIE).unwrap_or_default();
    if expected.is_empty() || !secret::same_secret(sent, expected) {
        return Err(Failure::forbidden("the form's security token is missing or stale; reload the page"));
    }
    form_value(&pairs)
}

/// Start a session for `user` and go to Today.
async fn start_session(state: &AppState, headers: &HeaderMap, user: &User) -> Result<Response> {
    let lifetime = SignedDuration::from_hours(24 * state.config.session_days);
    let access::NewSession { id, lifetime } = access::start_session(&state.app, user, state.now(), lifetime).await?;
    let mut response = Redirect::to("/today").into_response();
    let secure = auth::is_https(state, headers);
    let cookie = auth::set_cookie(SESSION_COOKIE, &id, lifetime.as_secs(), secure);
    response.headers_mut().append(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(Failure::internal)?);
    let clear = auth::set_cookie(FORM_COOKIE, "", 0, secure);
    response.headers_mut().append(header::SET_COOKIE, HeaderValue::from_str(&clear).map_err(Failure::internal)?);
    Ok(response)
}

pub async fn setup_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match users::count(&state.app).await {
        Ok(0) => form_page(&state, &headers, StatusCode::OK, minijinja::context! { setup => true }),
        Ok(_) => Redirect::to("/login").into_response(),
        Err(error) => failure_page(&state, &error.into()),
    }
}

pub async fn setup(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let form: SetupForm = match read_form(&headers, &body) {
        Ok(form) => form,
        Err(failure) => return failure_page(&state, &failure),
    };
    let result = async {
        let zone = match form.zone.as_deref().map(str::trim).filter(|zone| !zone.is_empty()) {
            Some(zone) => ZoneName::parse(zone)?,
            None => ZoneName::utc(),
        };
        let input = UserInput {
            email: form.email.clone(),
            name: form.name.clone(),
            password: form.password.clone(),
            admin: true,
        };
        // The first user's zone becomes the account's.
        let user = users::add_first(&state.app, &input, &zone, state.now()).await?;
        start_session(&state, &headers, &user).await
    }
    .await;
    match result {
        Ok(response) => response,
        Err(failure) if failure.status == StatusCode::FORBIDDEN => failure_page(&state, &failure),
        Err(failure) => {
            let mut errors = FormErrors::new();
            let alert = place("setup", &failure, &mut errors);
            let values = minijinja::context! { name => form.name, email => form.email, zone => form.zone };
            form_page(&state, &headers, failure.status, minijinja::context! { setup => true, errors, alert, values })
        }
    }
}

pub async fn login_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if matches!(users::count(&state.app).await, Ok(0)) {
        return Redirect::to("/setup").into_response();
    }
    if let Ok(Some(_)) = authenticate(&state, &headers).await {
        return Redirect::to("/today").into_response();
    }
    form_page(&state, &headers, StatusCode::OK, minijinja::context! {})
}

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form: LoginForm = match read_form(&headers, &body) {
        Ok(form) => form,
        Err(failure) => return failure_page(&state, &failure),
    };
    let result = match sign_in(&state, &form.email, &form.password, address.ip()).await {
        Ok(user) => start_session(&state, &headers, &user).await,
        Err(failure) => Err(failure),
    };
    match result {
        Ok(response) => response,
        Err(failure) => {
            let mut errors = FormErrors::new();
            let alert = place("login", &failure, &mut errors);
            let values = minijinja::context! { email => form.email };
            let mut response =
                form_page(&state, &headers, failure.status, minijinja::context! { errors, alert, values });
            if let Some(seconds) = failure.retry_after {
                response.headers_mut().insert(header::RETRY_AFTER, seconds.into());
            }
            response
        }
    }
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap, form: PageForm<ReturnTo>) -> Response {
    if let Some(id) = &form.caller.session_id
        && let Err(error) = access::end_session(&state.app, id).await
    {
        return failure_page(&state, &error.into());
    }
    let mut response = Redirect::to("/login").into_response();
    let clear = auth::set_cookie(SESSION_COOKIE, "", 0, auth::is_https(&state, &headers));
    if let Ok(value) = HeaderValue::from_str(&clear) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Check a sign-in. Failures count against the login and the client
/// address; past the limit the answer is 429 whatever the password.
async fn sign_in(state: &AppState, email: &str, password: &str, address: std::net::IpAddr) -> Result<User> {
    let login_key = format!("login:{}", email.trim().to_lowercase());
    let address_key = format!("addr:{address}");
    let limit = state.config.login_attempts;
    let now = std::time::Instant::now();
    if let Some(wait) =
        state.limiter.blocked(&login_key, limit, now).or_else(|| state.limiter.blocked(&address_key, limit * 4, now))
    {
        return Err(Failure::too_many(wait));
    }
    match users::check_sign_in(&state.app, email, password).await {
        Ok(user) => {
            state.limiter.clear(&login_key);
            Ok(user)
        }
        Err(error) => {
            if error.kind == tickler_app::Kind::Unauthorized {
                state.limiter.fail(&login_key, now);
                state.limiter.fail(&address_key, now);
            }
            Err(error.into())
        }
    }
}

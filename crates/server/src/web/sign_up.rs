//! A list's public sign-up page (`/s/{key}`) and the confirmation link of its
//! double opt-in (`/s/confirm/{token}`), open to anyone: rate limited per
//! client address, with a hidden field only bots fill in, and the same answer
//! whether or not the address was already on the list.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use tickler_app::sign_up::{self, SignUpInput};

use super::view::{failure_page, render_status};
use crate::auth::{form_pairs, form_value};
use crate::error::Failure;
use crate::state::AppState;

/// Sign-ups a client address may send per window (the sign-in window).
pub const SIGN_UPS_PER_WINDOW: u32 = 10;
/// The field people never see and bots fill in.
pub const HONEYPOT: &str = "website";

pub async fn page(State(state): State<AppState>, Path(key): Path<String>) -> Response {
    show(&state, &key, StatusCode::OK, None, None).await
}

async fn show(state: &AppState, key: &str, status: StatusCode, error: Option<String>, done: Option<bool>) -> Response {
    match sign_up::public_list(&state.app, key).await {
        Ok(list) => render_status(
            state,
            status,
            "sign_up.html",
            None,
            minijinja::context! { key, list_name => list.name, description => list.description, error, done, honeypot => HONEYPOT },
        ),
        Err(error) => failure_page(state, &error.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
struct SignUpForm {
    email: Option<String>,
    name: Option<String>,
    website: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    Path(key): Path<String>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let now = std::time::Instant::now();
    let limit_key = format!("sign-up:{}", address.ip());
    if let Some(wait) = state.limiter.blocked(&limit_key, SIGN_UPS_PER_WINDOW, now) {
        return failure_page(&state, &Failure::too_many(wait));
    }
    state.limiter.fail(&limit_key, now);
    let form: SignUpForm = match form_pairs(&body).and_then(|pairs| form_value(&pairs)) {
        Ok(form) => form,
        Err(failure) => return failure_page(&state, &failure),
    };
    if form.website.as_deref().is_some_and(|value| !value.trim().is_empty()) {
        // A bot: the same answer, and nothing done.
        return show(&state, &key, StatusCode::OK, None, Some(true)).await;
    }
    let base_url = base_url(&state, &headers);
    let input = SignUpInput { email: form.email.unwrap_or_default(), name: form.name };
    match sign_up::sign_up(&state.app, &key, &input, &base_url, state.now()).await {
        Ok(()) => show(&state, &key, StatusCode::OK, None, Some(true)).await,
        Err(error) => {
            let failure: Failure = error.into();
            if failure.field.is_some() {
                let message = failure.message_for_field().to_string();
                return show(&state, &key, failure.status, Some(message), None).await;
            }
            failure_page(&state, &failure)
        }
    }
}

/// Where links in emails point: the installation's public address, else the one this request came to.
fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = state.app.public_url() {
        return url.to_string();
    }
    let host = headers.get(axum::http::header::HOST).and_then(|host| host.to_str().ok()).unwrap_or("localhost");
    format!("http://{host}")
}

pub async fn confirm_page(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    render_status(
        &state,
        StatusCode::OK,
        "sign_up_confirm.html",
        None,
        minijinja::context! { token, list_name => None::<String> },
    )
}

pub async fn confirm(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match sign_up::confirm(&state.app, &token, state.now()).await {
        Ok(list_name) => render_status(
            &state,
            StatusCode::OK,
            "sign_up_confirm.html",
            None,
            minijinja::context! { token, list_name },
        ),
        Err(error) => {
            let failure: Failure = error.into();
            let failure = if failure.status.is_client_error() {
                Failure::forbidden("this confirmation link is not valid: use the link from the email as it came")
            } else {
                failure
            };
            failure_page(&state, &failure)
        }
    }
}

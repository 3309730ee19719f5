//! Who is calling: a browser session (cookie, with a CSRF token for every
//! change) or an API token (`Authorization: Bearer`). Every handler acts
//! for the caller's account and nothing else.

pub use tickler_app::secret;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;
use tickler_app::access::{self, Authenticated};

use crate::error::{Failure, Result};
use crate::state::AppState;

pub use crate::caller::Caller;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "tickler_session";
/// The cookie that carries the CSRF token of the sign-in and first-user forms (double submit).
pub const FORM_COOKIE: &str = "tickler_form";
/// The header a session-authenticated API call that changes something must carry.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The longest value accepted in any one form field.
pub const MAX_FIELD_CHARS: usize = 20_000;

/// The value of cookie `name`.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Secure when served over HTTPS.
pub fn set_cookie(name: &str, value: &str, max_age_seconds: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}")
}

/// Whether cookies must be `Secure`: configured, or the proxy says the request came over HTTPS.
pub fn is_https(state: &AppState, headers: &HeaderMap) -> bool {
    state.config.secure_cookies
        || headers.get("x-forwarded-proto").and_then(|value| value.to_str().ok()) == Some("https")
}

/// Refuse text holding a NUL character: PostgreSQL cannot store it in text
/// (SQLite can), so it is turned away on input and both backends agree.
pub fn refuse_nul(field: &str, value: &str) -> Result<()> {
    match value.contains('\0') {
        true => Err(Failure::invalid(field, format!("{field}: must not contain NUL characters"))),
        false => Ok(()),
    }
}

fn caller(authenticated: Authenticated, session_id: Option<String>) -> Caller {
    let Authenticated { user, account, csrf } = authenticated;
    Caller { user, account, csrf, session_id, version: None }
}

/// Find the caller of a request, if any. A bearer token that is wrong is an error, not "anonymous".
pub async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Option<Caller>> {
    if let Some(authorization) = headers.get(header::AUTHORIZATION) {
        let token = authorization
            .to_str()
            .ok()
            .and_then(|value| value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")))
            .map(str::trim)
            .ok_or_else(|| Failure::bad_request("Authorization: expected \"Bearer <token>\""))?;
        return token_caller(state, token).await.map(Some);
    }
    let Some(id) = cookie(headers, SESSION_COOKIE) else { return Ok(None) };
    let Some(authenticated) = access::session(&state.app, id, state.now()).await? else { return Ok(None) };
    Ok(Some(caller(authenticated, Some(id.to_string()))))
}

/// The caller behind an API token. A micro-cache, keyed by the token's hash,
/// spares the reads on a busy client while its account's version stays the
/// one the holder was read at (see [`crate::cache`]).
async fn token_caller(state: &AppState, token: &str) -> Result<Caller> {
    if !state.caches.enabled() {
        return Ok(caller(access::token_holder(&state.app, token, state.now()).await?, None));
    }
    let hash = secret::hash_secret(token);
    let mut version = None;
    if let Some(((user, account), at)) = state.caches.token(&hash) {
        let current = state.versions.read(&state.app, account.id).await?;
        if current == at {
            return Ok(Caller { user, account, csrf: None, session_id: None, version: Some(current) });
        }
        version = Some(current);
    }
    let mut authenticated = access::token_holder(&state.app, token, state.now()).await?;
    let version = match version {
        Some(version) => version,
        None => {
            // A value is stamped with a version read before it: read the holder again after its account's version.
            let version = state.versions.read(&state.app, authenticated.account.id).await?;
            authenticated = access::token_holder(&state.app, token, state.now()).await?;
            version
        }
    };
    state.caches.put_token(&hash, version, (authenticated.user.clone(), authenticated.account.clone()));
    Ok(Caller { version: Some(version), ..caller(authenticated, None) })
}

/// The caller of an API request: 401 without one; a session changing
/// something must also send its CSRF token in `X-CSRF-Token` (403 without).
pub struct ApiCaller(pub Caller);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let caller = authenticate(state, &parts.headers).await?.ok_or_else(Failure::unauthorized)?;
        crate::request_log::record_account(&parts.extensions, caller.account.id);
        if let Some(expected) = &caller.csrf {
            let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
            let sent = parts.headers.get(CSRF_HEADER).and_then(|value| value.to_str().ok()).unwrap_or_default();
            if !safe && !secret::same_secret(sent, expected) {
                return Err(Failure::forbidden(
                    "X-CSRF-Token: missing or wrong; a signed-in browser must send its session's token",
                ));
            }
        }
        Ok(ApiCaller(caller))
    }
}

/// The caller of a page: signed out visitors go to the sign-in page (or,
/// on a new installation, to create the first user).
pub struct PageCaller(pub Caller);

impl FromRequestParts<AppState> for PageCaller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match authenticate(state, &parts.headers).await {
            Ok(Some(caller)) => {
                crate::request_log::record_account(&parts.extensions, caller.account.id);
                Ok(PageCaller(caller))
            }
            Ok(None) => Err(sign_in_redirect(state).await),
            Err(failure) => Err(crate::web::view::failure_page(state, &failure)),
        }
    }
}

/// Where a signed-out visitor goes.
pub async fn sign_in_redirect(state: &AppState) -> Response {
    match tickler_app::users::count(&state.app).await {
        Ok(0) => Redirect::to("/setup").into_response(),
        _ => Redirect::to("/login").into_response(),
    }
}

/// The fields of a submitted form, read as text pairs (the order kept).
pub fn form_pairs(body: &[u8]) -> Result<Vec<(String, String)>> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(body).map_err(|error| Failure::bad_request(format!("form: {error}")))?;
    if let Some((field, _)) = pairs.iter().find(|(_, value)| value.chars().count() > MAX_FIELD_CHARS) {
        return Err(Failure::invalid(field, format!("{field}: is longer than {MAX_FIELD_CHARS} characters")));
    }
    for (field, value) in &pairs {
        refuse_nul(field, field)?;
        refuse_nul(field, value)?;
    }
    Ok(pairs)
}

/// Read form pairs into `T`, naming the field that does not fit.
pub fn form_value<T: DeserializeOwned>(pairs: &[(String, String)]) -> Result<T> {
    let encoded = serde_urlencoded::to_string(pairs).map_err(Failure::internal)?;
    serde_urlencoded::from_str(&encoded).map_err(|error| Failure::bad_request(format!("form: {error}")))
}

/// A signed-in page form: the caller and the fields, CSRF token checked.
pub struct PageForm<T> {
    pub caller: Caller,
    pub form: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for PageForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let PageCaller(caller) = PageCaller::from_request_parts(&mut parts, state).await?;
        let fail = |failure: Failure| crate::web::view::failure_page(state, &failure);
        let bytes = axum::body::to_bytes(body, state.config.max_body_bytes).await.map_err(|_| {
            fail(Failure::new(axum::http::StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the form is too large"))
        })?;
        let pairs = form_pairs(&bytes).map_err(fail)?;
        let sent = pairs.iter().find(|(key, _)| key == "csrf").map(|(_, value)| value.as_str()).unwrap_or_default();
        let expected = caller.csrf.as_deref().unwrap_or_default();
        if expected.is_empty() || !secret::same_secret(sent, expected) {
            return Err(fail(Failure::forbidden("the form's security token is missing or stale; reload the page")));
        }
        let form = form_value(&pairs).map_err(fail)?;
        Ok(PageForm { caller, form })
    }
}

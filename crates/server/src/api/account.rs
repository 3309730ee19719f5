//! The caller's own things: who they are, settings, API tokens, users of
//! the account (admins), the calendar feed, and the date-phrase preview.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use tickler_app::access::{self, CreatedToken};
use tickler_app::dates::{self, WhenPreview};
use tickler_app::settings::{self, SettingsInput};
use tickler_app::users::{self, UserInput};
use tickler_core::account::Account;
use tickler_core::user::{ApiToken, User};
use utoipa::{IntoParams, ToSchema};

use super::{ApiJson, ApiPath, ApiQuery, Errors};
use crate::auth::{ApiCaller, Caller};
use crate::error::Result;
use crate::state::AppState;

/// The server is up and its database answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: String,
}

#[utoipa::path(get, path = "/api/v1/health", tag = "meta", security(()),
    responses((status = 200, body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health { status: "ok".to_string() })
}

/// The caller and their account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub user: User,
    pub account: Account,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "meta", responses((status = 200, body = Me), Errors))]
pub async fn me(ApiCaller(caller): ApiCaller) -> Json<Me> {
    Json(Me { user: caller.user, account: caller.account })
}

/// A date phrase to read.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WhenQuery {
    /// e.g. "next tuesday 3pm", "in 2 days".
    pub q: String,
}

#[utoipa::path(get, path = "/api/v1/when", tag = "meta", params(WhenQuery),
    responses((status = 200, body = WhenPreview), Errors))]
pub async fn when(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<WhenQuery>,
) -> Result<Json<WhenPreview>> {
    Ok(Json(dates::preview(&caller.actor(&state), "q", &query.q)?))
}

#[utoipa::path(get, path = "/api/v1/settings", tag = "settings", responses((status = 200, body = Account), Errors))]
pub async fn settings(ApiCaller(caller): ApiCaller) -> Json<Account> {
    Json(caller.account)
}

#[utoipa::path(patch, path = "/api/v1/settings", tag = "settings", request_body = SettingsInput,
    responses((status = 200, body = Account), Errors))]
pub async fn update_settings(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<SettingsInput>,
) -> Result<Json<Account>> {
    Ok(Json(settings::update(&state.app, &caller.actor(&state), &input).await?))
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "settings",
    responses((status = 200, body = Vec<ApiToken>, description = "The caller's tokens, newest first"), Errors))]
pub async fn tokens(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> Result<Json<Vec<ApiToken>>> {
    Ok(Json(access::tokens(&state.app, &caller.actor(&state)).await?))
}

/// A token to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenInput {
    /// What it is for.
    pub name: String,
}

/// Create an API token for the caller, returning it with its secret.
pub async fn new_token(state: &AppState, caller: &Caller, name: &str) -> Result<CreatedToken> {
    Ok(access::create_token(&state.app, &caller.user, name, state.now()).await?)
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "settings", request_body = TokenInput,
    responses((status = 201, body = CreatedToken), Errors))]
pub async fn create_token(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<TokenInput>,
) -> Result<(StatusCode, Json<CreatedToken>)> {
    Ok((StatusCode::CREATED, Json(new_token(&state, &caller, &input.name).await?)))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "settings", params(("id" = i64, Path)),
    responses((status = 200, body = ApiToken, description = "Revoked"), Errors))]
pub async fn revoke_token(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ApiToken>> {
    Ok(Json(access::revoke_token(&state.app, &caller.actor(&state), id).await?))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "settings",
    responses((status = 200, body = Vec<User>, description = "The account's users (admins only)"), Errors))]
pub async fn users(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> Result<Json<Vec<User>>> {
    Ok(Json(users::list(&state.app, &caller.actor(&state)).await?))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "settings", request_body = UserInput,
    responses((status = 201, body = User), Errors))]
pub async fn create_user(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<UserInput>,
) -> Result<(StatusCode, Json<User>)> {
    Ok((StatusCode::CREATED, Json(users::add(&state.app, &caller.actor(&state), &input).await?)))
}

/// The caller's calendar feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarFeed {
    /// Subscribe to this URL in a calendar app; anyone with it can read the feed.
    pub url: String,
}

/// The caller's feed URL, on the host the request came to.
pub async fn feed_url(state: &AppState, headers: &HeaderMap, caller: &Caller) -> Result<String> {
    let secret = access::calendar_secret(&state.app, &caller.actor(state)).await?;
    feed_address(state, headers, &secret)
}

/// The URL of the feed with `secret`, on the host the request came to.
fn feed_address(state: &AppState, headers: &HeaderMap, secret: &str) -> Result<String> {
    let host = headers.get("host").and_then(|value| value.to_str().ok()).unwrap_or("localhost");
    let scheme = if crate::auth::is_https(state, headers) { "https" } else { "http" };
    Ok(format!("{scheme}://{host}/calendar/{secret}.ics"))
}

#[utoipa::path(get, path = "/api/v1/calendar", tag = "settings", responses((status = 200, body = CalendarFeed), Errors))]
pub async fn calendar(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<CalendarFeed>> {
    Ok(Json(CalendarFeed { url: feed_url(&state, &headers, &caller).await? }))
}

#[utoipa::path(post, path = "/api/v1/calendar/rotate", tag = "settings",
    responses((status = 200, body = CalendarFeed, description = "The new URL; the old one stops working"), Errors))]
pub async fn rotate_calendar(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<CalendarFeed>> {
    let secret = access::rotate_calendar_secret(&state.app, &caller.actor(&state)).await?;
    Ok(Json(CalendarFeed { url: feed_address(&state, &headers, &secret)? }))
}

//! `/api/v1/agenda`, `/api/v1/follow-ups` and `/api/v1/promises`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use tickler_app::Scheduled;
use tickler_app::focus::{self, EmailDraft, SendInput, Sent};
use tickler_app::follow_ups::{self, Agenda, AgendaQuery, Done, DoneInput, FollowUpInput, SnoozeInput};
use tickler_app::promises::{self, OpenPromise, PromiseInput, RunningLate, TellInput, Told};
use tickler_core::follow_up::FollowUp;
use tickler_core::ids::{ContactId, FollowUpId, PromiseId};
use tickler_core::promise::Promise;

use super::{ApiJson, ApiPath, ApiQuery, Errors};
use crate::auth::ApiCaller;
use crate::error::{Failure, Result};
use crate::state::AppState;

#[utoipa::path(post, path = "/api/v1/contacts/{id}/follow-ups", tag = "follow-ups", params(("id" = i64, Path)),
    request_body = FollowUpInput, responses((status = 201, body = Scheduled), Errors))]
pub async fn schedule(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<ContactId>,
    ApiJson(input): ApiJson<FollowUpInput>,
) -> Result<(StatusCode, Json<Scheduled>)> {
    Ok((StatusCode::CREATED, Json(follow_ups::schedule(&state.app, &caller.actor(&state), id, &input).await?)))
}

#[utoipa::path(post, path = "/api/v1/contacts/{id}/promises", tag = "promises", params(("id" = i64, Path)),
    request_body = PromiseInput, responses((status = 201, body = Promise), Errors))]
pub async fn make_promise(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<ContactId>,
    ApiJson(input): ApiJson<PromiseInput>,
) -> Result<(StatusCode, Json<Promise>)> {
    Ok((StatusCode::CREATED, Json(promises::make(&state.app, &caller.actor(&state), id, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/agenda", tag = "follow-ups", params(AgendaQuery),
    responses((status = 200, body = Agenda), Errors))]
pub async fn agenda(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<AgendaQuery>,
) -> Result<Response> {
    let (days, limit) = query.window()?;
    if !state.caches.enabled() {
        let agenda: Agenda = follow_ups::agenda(&state.app, &caller.actor(&state), &query).await?;
        return Ok(json_body(agenda_json(&agenda)?));
    }
    // The agenda is the page every client polls: a response is reused while
    // the account's version stays the one it was read at (see crate::cache).
    let version = match caller.version {
        Some(version) => version,
        None => state.versions.read(&state.app, caller.account_id()).await?,
    };
    let key = (caller.account_id(), days, limit);
    if let Some(body) = state.caches.agenda(key, version) {
        return Ok(json_body(body));
    }
    let agenda: Agenda = follow_ups::agenda(&state.app, &caller.actor(&state), &query).await?;
    let body = agenda_json(&agenda)?;
    state.caches.put_agenda(key, version, body.clone());
    Ok(json_body(body))
}

/// An agenda as JSON, written into a buffer sized for its items at once
/// (about 500 bytes each) rather than grown by doubling from empty.
fn agenda_json(agenda: &Agenda) -> Result<Bytes> {
    let mut body = Vec::with_capacity(64 + 640 * agenda.items.len());
    serde_json::to_writer(&mut body, agenda).map_err(Failure::internal)?;
    Ok(Bytes::from(body))
}

/// A JSON response from bytes already serialized.
fn json_body(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

#[utoipa::path(get, path = "/api/v1/follow-ups/{id}", tag = "follow-ups", operation_id = "show_follow_up",
    params(("id" = i64, Path)),
    responses((status = 200, body = FollowUp), Errors))]
pub async fn show(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<FollowUpId>,
) -> Result<Json<FollowUp>> {
    Ok(Json(follow_ups::get(&state.app, &caller.actor(&state), id).await?))
}

#[utoipa::path(post, path = "/api/v1/follow-ups/{id}/done", tag = "follow-ups", params(("id" = i64, Path)),
    request_body = DoneInput, responses((status = 200, body = Done), Errors))]
pub async fn done(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<FollowUpId>,
    ApiJson(input): ApiJson<DoneInput>,
) -> Result<Json<Done>> {
    Ok(Json(follow_ups::complete(&state.app, &caller.actor(&state), id, &input).await?))
}

#[utoipa::path(post, path = "/api/v1/follow-ups/{id}/snooze", tag = "follow-ups", params(("id" = i64, Path)),
    request_body = SnoozeInput, responses((status = 200, body = Scheduled), Errors))]
pub async fn snooze(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<FollowUpId>,
    ApiJson(input): ApiJson<SnoozeInput>,
) -> Result<Json<Scheduled>> {
    Ok(Json(follow_ups::snooze(&state.app, &caller.actor(&state), id, &input).await?))
}

#[utoipa::path(post, path = "/api/v1/follow-ups/{id}/skip", tag = "follow-ups", params(("id" = i64, Path)),
    responses((status = 200, body = FollowUp), Errors))]
pub async fn skip(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<FollowUpId>,
) -> Result<Json<FollowUp>> {
    Ok(Json(follow_ups::skip(&state.app, &caller.actor(&state), id).await?))
}

#[utoipa::path(get, path = "/api/v1/follow-ups/{id}/email", tag = "follow-ups", params(("id" = i64, Path)),
    responses((status = 200, body = EmailDraft, description = "The drafted email of an open follow-up"), Errors))]
pub async fn email(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<FollowUpId>,
) -> Result<Json<EmailDraft>> {
    Ok(Json(focus::email(&state.app, &caller.actor(&state), id).await?))
}

#[utoipa::path(post, path = "/api/v1/follow-ups/{id}/email", tag = "follow-ups", params(("id" = i64, Path)),
    request_body = SendInput,
    responses((status = 200, body = Sent, description = "Queued to the contact, the touch logged and the follow-up done"), Errors))]
pub async fn send(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<FollowUpId>,
    ApiJson(input): ApiJson<SendInput>,
) -> Result<Json<Sent>> {
    Ok(Json(focus::send(&state.app, &caller.actor(&state), id, &input).await?))
}

#[utoipa::path(get, path = "/api/v1/promises", tag = "promises",
    responses((status = 200, body = Vec<OpenPromise>, description = "Open promises, soonest deadline first"), Errors))]
pub async fn promises(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> Result<Json<Vec<OpenPromise>>> {
    Ok(Json(promises::open(&state.app, &caller.actor(&state)).await?))
}

#[utoipa::path(post, path = "/api/v1/promises/{id}/kept", tag = "promises", params(("id" = i64, Path)),
    responses((status = 200, body = Promise), Errors))]
pub async fn keep(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<PromiseId>,
) -> Result<Json<Promise>> {
    Ok(Json(promises::keep(&state.app, &caller.actor(&state), id).await?))
}

#[utoipa::path(get, path = "/api/v1/promises/{id}/running-late", tag = "promises", params(("id" = i64, Path)),
    responses((status = 200, body = RunningLate, description = "The drafted message offering a new deadline"), Errors))]
pub async fn running_late(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<PromiseId>,
) -> Result<Json<RunningLate>> {
    Ok(Json(promises::running_late(&state.app, &caller.actor(&state), id).await?))
}

#[utoipa::path(post, path = "/api/v1/promises/{id}/running-late", tag = "promises", params(("id" = i64, Path)),
    request_body = TellInput,
    responses((status = 200, body = Told, description = "Sent (or logged), the touch recorded and the told deadline moved"), Errors))]
pub async fn tell(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<PromiseId>,
    ApiJson(input): ApiJson<TellInput>,
) -> Result<Json<Told>> {
    Ok(Json(promises::tell(&state.app, &caller.actor(&state), id, &input).await?))
}

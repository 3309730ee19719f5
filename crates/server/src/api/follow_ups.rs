//! `/api/v1/agenda`, `/api/v1/follow-ups` and `/api/v1/promises`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tickler_core::follow_up::FollowUp;
use tickler_core::promise::Promise;
use tickler_store::{AgendaRow, Logged, Scheduled};
use utoipa::{IntoParams, ToSchema};

use super::contacts::page_size;
use super::{ApiJson, ApiPath, ApiQuery, Errors};
use crate::auth::ApiCaller;
use crate::error::{Failure, Result};
use crate::ops::{self, DoneInput, FollowUpInput, PromiseInput, SnoozeInput};
use crate::state::AppState;

#[utoipa::path(post, path = "/api/v1/contacts/{id}/follow-ups", tag = "follow-ups", params(("id" = i64, Path)),
    request_body = FollowUpInput, responses((status = 201, body = Scheduled), Errors))]
pub async fn schedule(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<FollowUpInput>,
) -> Result<(StatusCode, Json<Scheduled>)> {
    Ok((StatusCode::CREATED, Json(ops::schedule(&state, &caller, id, &input).await?)))
}

#[utoipa::path(post, path = "/api/v1/contacts/{id}/promises", tag = "promises", params(("id" = i64, Path)),
    request_body = PromiseInput, responses((status = 201, body = Promise), Errors))]
pub async fn make_promise(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<PromiseInput>,
) -> Result<(StatusCode, Json<Promise>)> {
    Ok((StatusCode::CREATED, Json(ops::promise(&state, &caller, id, &input).await?)))
}

/// Which part of the agenda.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgendaQuery {
    /// Days ahead to include after today, 0 to 366 (default 7); overdue items are always included.
    pub days: Option<u32>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<u32>,
}

/// Open follow-ups due up to the end of the window, overdue first.
#[derive(Debug, Serialize, ToSchema)]
pub struct Agenda {
    pub items: Vec<AgendaRow>,
    /// Whether more are due in the window than this page holds.
    pub more: bool,
}

#[utoipa::path(get, path = "/api/v1/agenda", tag = "follow-ups", params(AgendaQuery),
    responses((status = 200, body = Agenda), Errors))]
pub async fn agenda(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<AgendaQuery>,
) -> Result<Response> {
    let days = query.days.unwrap_or(7);
    if days > 366 {
        return Err(Failure::invalid("days", "days: at most 366"));
    }
    let limit = page_size(query.limit)?;
    // The agenda is the page every client polls: a response is reused for a moment (see crate::cache).
    let key = (caller.account_id(), days, limit);
    if let Some(body) = state.caches.agenda(key) {
        return Ok(json_body(body));
    }
    let stamp = state.caches.stamp();
    let until = tickler_core::agenda::window_end(&caller.now(&state), days);
    let mut items = state.store.agenda(caller.account_id(), until, limit + 1).await?;
    let more = items.len() > limit as usize;
    items.truncate(limit as usize);
    let body = Bytes::from(serde_json::to_vec(&Agenda { items, more }).map_err(Failure::internal)?);
    state.caches.put_agenda(key, stamp, body.clone());
    Ok(json_body(body))
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
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<FollowUp>> {
    Ok(Json(state.store.follow_up(caller.account_id(), id).await?))
}

/// A follow-up marked done and the touch recorded with it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Done {
    pub follow_up: FollowUp,
    pub touch: Option<Logged>,
}

#[utoipa::path(post, path = "/api/v1/follow-ups/{id}/done", tag = "follow-ups", params(("id" = i64, Path)),
    request_body = DoneInput, responses((status = 200, body = Done), Errors))]
pub async fn done(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<DoneInput>,
) -> Result<Json<Done>> {
    let (follow_up, touch) = ops::complete(&state, &caller, id, &input).await?;
    Ok(Json(Done { follow_up, touch }))
}

#[utoipa::path(post, path = "/api/v1/follow-ups/{id}/snooze", tag = "follow-ups", params(("id" = i64, Path)),
    request_body = SnoozeInput, responses((status = 200, body = Scheduled), Errors))]
pub async fn snooze(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<SnoozeInput>,
) -> Result<Json<Scheduled>> {
    Ok(Json(ops::snooze(&state, &caller, id, &input).await?))
}

#[utoipa::path(post, path = "/api/v1/follow-ups/{id}/skip", tag = "follow-ups", params(("id" = i64, Path)),
    responses((status = 200, body = FollowUp), Errors))]
pub async fn skip(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<FollowUp>> {
    Ok(Json(state.store.skip_follow_up(caller.account_id(), id, state.now()).await?))
}

/// An open promise and whom it is to.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenPromise {
    #[serde(flatten)]
    pub promise: Promise,
    pub contact_name: String,
    /// The aim has passed, or most of the time to the told deadline is gone.
    pub at_risk: bool,
}

#[utoipa::path(get, path = "/api/v1/promises", tag = "promises",
    responses((status = 200, body = Vec<OpenPromise>, description = "Open promises, soonest deadline first"), Errors))]
pub async fn promises(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> Result<Json<Vec<OpenPromise>>> {
    let now = state.now();
    let open = state.store.open_promises(caller.account_id()).await?;
    Ok(Json(
        open.into_iter()
            .map(|(promise, contact_name)| OpenPromise { at_risk: promise.is_at_risk(now), promise, contact_name })
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/promises/{id}/kept", tag = "promises", params(("id" = i64, Path)),
    responses((status = 200, body = Promise), Errors))]
pub async fn keep(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Promise>> {
    Ok(Json(state.store.keep_promise(caller.account_id(), id, state.now()).await?))
}

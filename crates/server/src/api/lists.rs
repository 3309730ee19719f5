//! `/api/v1/lists`: newsletter lists, their member counts, and adding or
//! removing members (recorded with the caller and why).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tickler_app::lists::{self, ListInput, MemberChange, MembersInput, MembersQuery};
use tickler_app::{ListSummary, Member};
use tickler_core::ids::ListId;
use tickler_core::list::List;

use super::{ApiJson, ApiPath, ApiQuery, Errors};
use crate::auth::ApiCaller;
use crate::error::Result;
use crate::state::AppState;

#[utoipa::path(get, path = "/api/v1/lists", tag = "lists", operation_id = "lists",
    responses((status = 200, body = Vec<ListSummary>, description = "Every list with how many are subscribed, waiting to confirm, and left"), Errors))]
pub async fn all(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> Result<Json<Vec<ListSummary>>> {
    Ok(Json(lists::all(&state.app, &caller.actor(&state)).await?))
}

#[utoipa::path(post, path = "/api/v1/lists", tag = "lists", operation_id = "create_list", request_body = ListInput,
    responses((status = 201, body = List), Errors))]
pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<ListInput>,
) -> Result<(StatusCode, Json<List>)> {
    Ok((StatusCode::CREATED, Json(lists::create(&state.app, &caller.actor(&state), &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/lists/{id}/members", tag = "lists", operation_id = "list_members",
    params(("id" = i64, Path), MembersQuery), responses((status = 200, body = Vec<Member>), Errors))]
pub async fn members(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<ListId>,
    ApiQuery(query): ApiQuery<MembersQuery>,
) -> Result<Json<Vec<Member>>> {
    Ok(Json(lists::members(&state.app, &caller.actor(&state), &id.get().to_string(), &query).await?))
}

#[utoipa::path(post, path = "/api/v1/lists/{id}/members", tag = "lists", operation_id = "add_list_members",
    params(("id" = i64, Path)), request_body = MembersInput,
    responses((status = 200, body = Vec<MemberChange>, description = "What became of each contact"), Errors))]
pub async fn add(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<ListId>,
    ApiJson(input): ApiJson<MembersInput>,
) -> Result<Json<Vec<MemberChange>>> {
    Ok(Json(lists::add(&state.app, &caller.actor(&state), &id.get().to_string(), &input).await?))
}

#[utoipa::path(post, path = "/api/v1/lists/{id}/members/remove", tag = "lists", operation_id = "remove_list_members",
    params(("id" = i64, Path)), request_body = MembersInput,
    responses((status = 200, body = Vec<MemberChange>, description = "What became of each contact: they left the list"), Errors))]
pub async fn remove(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<ListId>,
    ApiJson(input): ApiJson<MembersInput>,
) -> Result<Json<Vec<MemberChange>>> {
    Ok(Json(lists::remove(&state.app, &caller.actor(&state), &id.get().to_string(), &input).await?))
}

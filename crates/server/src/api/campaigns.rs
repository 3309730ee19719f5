//! `/api/v1/campaigns`: newsletters to a list: write, preview for a contact,
//! schedule ("first tuesday of next month 9am"), pause, resume, cancel, and
//! their progress (sent, waiting, failed, skipped, unsubscribed).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use tickler_app::campaigns::{self, CampaignInput, CampaignView, Preview, ScheduleInput, TestSend};
use tickler_core::ids::CampaignId;
use utoipa::{IntoParams, ToSchema};

use super::{ApiJson, ApiPath, ApiQuery, Errors};
use crate::auth::ApiCaller;
use crate::error::Result;
use crate::state::AppState;

#[utoipa::path(get, path = "/api/v1/campaigns", tag = "campaigns", operation_id = "campaigns",
    responses((status = 200, body = Vec<CampaignView>, description = "Every campaign, newest first, with its progress"), Errors))]
pub async fn all(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> Result<Json<Vec<CampaignView>>> {
    Ok(Json(campaigns::all(&state.app, &caller.actor(&state)).await?))
}

#[utoipa::path(post, path = "/api/v1/campaigns", tag = "campaigns", operation_id = "create_campaign",
    request_body = CampaignInput, responses((status = 201, body = CampaignView, description = "A draft"), Errors))]
pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<CampaignInput>,
) -> Result<(StatusCode, Json<CampaignView>)> {
    Ok((StatusCode::CREATED, Json(campaigns::create(&state.app, &caller.actor(&state), &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}", tag = "campaigns", operation_id = "show_campaign",
    params(("id" = i64, Path)), responses((status = 200, body = CampaignView), Errors))]
pub async fn show(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<CampaignId>,
) -> Result<Json<CampaignView>> {
    Ok(Json(campaigns::show(&state.app, &caller.actor(&state), id).await?))
}

/// Whom to preview a campaign for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PreviewQuery {
    /// The contact: id, email or name.
    pub contact: String,
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}/preview", tag = "campaigns", operation_id = "preview_campaign",
    params(("id" = i64, Path), PreviewQuery), responses((status = 200, body = Preview), Errors))]
pub async fn preview(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<CampaignId>,
    ApiQuery(query): ApiQuery<PreviewQuery>,
) -> Result<Json<Preview>> {
    Ok(Json(campaigns::preview(&state.app, &caller.actor(&state), id, &query.contact).await?))
}

#[utoipa::path(post, path = "/api/v1/campaigns/{id}/schedule", tag = "campaigns", operation_id = "schedule_campaign",
    params(("id" = i64, Path)), request_body = ScheduleInput, responses((status = 200, body = CampaignView), Errors))]
pub async fn schedule(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<CampaignId>,
    ApiJson(input): ApiJson<ScheduleInput>,
) -> Result<Json<CampaignView>> {
    Ok(Json(campaigns::schedule(&state.app, &caller.actor(&state), id, &input).await?))
}

/// Whom to render a test send for, and where it goes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TestInput {
    /// The contact it is rendered for: id, email or name.
    pub contact: String,
    /// Where it goes; default: the caller's own address.
    pub to: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/campaigns/{id}/test", tag = "campaigns", operation_id = "test_campaign",
    params(("id" = i64, Path)), request_body = TestInput,
    responses((status = 202, body = TestSend, description = "Queued: the worker sends it"), Errors))]
pub async fn test(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<CampaignId>,
    ApiJson(input): ApiJson<TestInput>,
) -> Result<(StatusCode, Json<TestSend>)> {
    let sent = campaigns::test_send(&state.app, &caller.actor(&state), id, &input.contact, input.to.as_deref()).await?;
    Ok((StatusCode::ACCEPTED, Json(sent)))
}

/// Pause, resume or cancel.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    Pause,
    Resume,
    Cancel,
}

#[utoipa::path(post, path = "/api/v1/campaigns/{id}/{change}", tag = "campaigns", operation_id = "change_campaign",
    params(("id" = i64, Path), ("change" = String, Path, description = "pause, resume or cancel")),
    responses((status = 200, body = CampaignView), Errors))]
pub async fn change(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath((id, change)): ApiPath<(CampaignId, Change)>,
) -> Result<Json<CampaignView>> {
    let change = match change {
        Change::Pause => "pause",
        Change::Resume => "resume",
        Change::Cancel => "cancel",
    };
    Ok(Json(campaigns::change(&state.app, &caller.actor(&state), id, change).await?))
}

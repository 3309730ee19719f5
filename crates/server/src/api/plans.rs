//! `/api/v1/plans` and enrollments: which plans exist, who is in which,
//! enrolling a contact, and pausing, resuming or stopping an enrollment.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use tickler_core::plan::{Enrollment, Plan};
use utoipa::ToSchema;

use super::{ApiJson, ApiPath, Errors};
use crate::auth::ApiCaller;
use crate::error::Result;
use crate::state::AppState;

#[utoipa::path(get, path = "/api/v1/plans", tag = "plans",
    responses((status = 200, body = Vec<Plan>, description = "The account's plans with their steps"), Errors))]
pub async fn plans(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> Result<Json<Vec<Plan>>> {
    state.store.ensure_plan_setup(caller.account_id(), state.now()).await?;
    Ok(Json(state.store.plans(caller.account_id()).await?))
}

/// A plan to enroll a contact in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollInput {
    /// The plan's id or (part of) its name, e.g. "After interview".
    pub plan: String,
}

/// Enroll a contact in the plan `reference` names.
pub async fn enroll(state: &AppState, account_id: i64, contact_id: i64, reference: &str) -> Result<Enrollment> {
    state.store.ensure_plan_setup(account_id, state.now()).await?;
    let contact = state.store.contact(account_id, contact_id).await?;
    let plan = state.store.find_plan(account_id, reference).await?;
    Ok(state.store.enroll(account_id, plan.id, contact.id, state.now()).await?)
}

#[utoipa::path(post, path = "/api/v1/contacts/{id}/enrollments", tag = "plans", operation_id = "enroll_contact", params(("id" = i64, Path)),
    request_body = EnrollInput, responses((status = 201, body = Enrollment), Errors))]
pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<EnrollInput>,
) -> Result<(StatusCode, Json<Enrollment>)> {
    Ok((StatusCode::CREATED, Json(enroll(&state, caller.account_id(), id, &input.plan).await?)))
}

#[utoipa::path(get, path = "/api/v1/contacts/{id}/enrollments", tag = "plans", operation_id = "contact_enrollments", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Enrollment>), Errors))]
pub async fn of_contact(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<Enrollment>>> {
    let contact = state.store.contact(caller.account_id(), id).await?;
    Ok(Json(state.store.enrollments(caller.account_id(), Some(contact.id)).await?))
}

/// What to do with an enrollment.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Pause,
    Resume,
    Stop,
}

/// Pause, resume or stop one enrollment of the account.
pub async fn change(state: &AppState, account_id: i64, id: i64, change: Change) -> Result<Enrollment> {
    let now = state.now();
    Ok(match change {
        Change::Pause => state.store.pause_enrollment(account_id, id, now).await?,
        Change::Resume => state.store.resume_enrollment(account_id, id, now).await?,
        Change::Stop => state.store.stop_enrollment(account_id, id, now).await?,
    })
}

#[utoipa::path(post, path = "/api/v1/enrollments/{id}/{change}", tag = "plans", operation_id = "change_enrollment",
    params(("id" = i64, Path), ("change" = String, Path, description = "pause, resume or stop")),
    responses((status = 200, body = Enrollment), Errors))]
pub async fn update(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath((id, what)): ApiPath<(i64, Change)>,
) -> Result<Json<Enrollment>> {
    Ok(Json(change(&state, caller.account_id(), id, what).await?))
}

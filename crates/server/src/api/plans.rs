//! `/api/v1/plans` and enrollments: which plans exist, who is in which,
//! enrolling a contact, and pausing, resuming or stopping an enrollment.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use tickler_app::plans::{self, Change};
use tickler_core::ids::{ContactId, EnrollmentId};
use tickler_core::plan::{Enrollment, Plan};
use utoipa::ToSchema;

use super::{ApiJson, ApiPath, Errors};
use crate::auth::ApiCaller;
use crate::error::Result;
use crate::state::AppState;

#[utoipa::path(get, path = "/api/v1/plans", tag = "plans",
    responses((status = 200, body = Vec<Plan>, description = "The account's plans with their steps"), Errors))]
pub async fn plans(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> Result<Json<Vec<Plan>>> {
    Ok(Json(plans::list(&state.app, &caller.actor(&state)).await?))
}

/// A plan to enroll a contact in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollInput {
    /// The plan's id or (part of) its name, e.g. "After interview".
    pub plan: String,
}

#[utoipa::path(post, path = "/api/v1/contacts/{id}/enrollments", tag = "plans", operation_id = "enroll_contact", params(("id" = i64, Path)),
    request_body = EnrollInput, responses((status = 201, body = Enrollment), Errors))]
pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<ContactId>,
    ApiJson(input): ApiJson<EnrollInput>,
) -> Result<(StatusCode, Json<Enrollment>)> {
    Ok((StatusCode::CREATED, Json(plans::enroll(&state.app, &caller.actor(&state), id, &input.plan).await?)))
}

#[utoipa::path(get, path = "/api/v1/contacts/{id}/enrollments", tag = "plans", operation_id = "contact_enrollments", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Enrollment>), Errors))]
pub async fn of_contact(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<ContactId>,
) -> Result<Json<Vec<Enrollment>>> {
    Ok(Json(plans::enrollments(&state.app, &caller.actor(&state), Some(id)).await?))
}

#[utoipa::path(post, path = "/api/v1/enrollments/{id}/{change}", tag = "plans", operation_id = "change_enrollment",
    params(("id" = i64, Path), ("change" = String, Path, description = "pause, resume or stop")),
    responses((status = 200, body = Enrollment), Errors))]
pub async fn update(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath((id, what)): ApiPath<(EnrollmentId, Change)>,
) -> Result<Json<Enrollment>> {
    Ok(Json(plans::change_enrollment(&state.app, &caller.actor(&state), id, what).await?))
}

//! `/api/v1/drifting` (who is losing touch), `/api/v1/cadences` (each tag's
//! keep-in-touch cadence) and the reconnect reminder's snooze.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use tickler_app::keep_in_touch::{self, Drifting, DriftingQuery, ReconnectSnoozeInput, TagCadence, TagCadenceInput};
use tickler_core::ids::ContactId;

use super::{ApiJson, ApiPath, ApiQuery, Errors};
use crate::auth::ApiCaller;
use crate::error::Result;
use crate::state::AppState;

#[utoipa::path(get, path = "/api/v1/drifting", tag = "keep-in-touch", params(DriftingQuery),
    responses((status = 200, body = Drifting, description = "Past their cadence (most overdue first), and passing it within `days`"), Errors))]
pub async fn drifting(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<DriftingQuery>,
) -> Result<Json<Drifting>> {
    Ok(Json(keep_in_touch::drifting(&state.app, &caller.actor(&state), &query).await?))
}

#[utoipa::path(get, path = "/api/v1/cadences", tag = "keep-in-touch",
    responses((status = 200, body = Vec<TagCadence>, description = "Every tag with a cadence"), Errors))]
pub async fn cadences(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> Result<Json<Vec<TagCadence>>> {
    Ok(Json(keep_in_touch::tag_cadences(&state.app, &caller.actor(&state)).await?))
}

#[utoipa::path(put, path = "/api/v1/cadences/{tag}", tag = "keep-in-touch", params(("tag" = String, Path)),
    request_body = TagCadenceInput,
    responses((status = 200, body = Option<TagCadence>, description = "The tag's cadence; null once removed"), Errors))]
pub async fn set_cadence(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(tag): ApiPath<String>,
    ApiJson(input): ApiJson<TagCadenceInput>,
) -> Result<Json<Option<TagCadence>>> {
    Ok(Json(keep_in_touch::set_tag_cadence(&state.app, &caller.actor(&state), &tag, &input).await?))
}

/// When a reconnect reminder comes back.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Snoozed {
    #[schema(value_type = i64)]
    pub contact_id: ContactId,
    pub snoozed_until: jiff::Timestamp,
}

#[utoipa::path(post, path = "/api/v1/contacts/{id}/reconnect/snooze", tag = "keep-in-touch", params(("id" = i64, Path)),
    request_body = ReconnectSnoozeInput, responses((status = 200, body = Snoozed), Errors))]
pub async fn snooze_reconnect(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<ContactId>,
    ApiJson(input): ApiJson<ReconnectSnoozeInput>,
) -> Result<Json<Snoozed>> {
    let until = keep_in_touch::snooze(&state.app, &caller.actor(&state), id, &input).await?;
    Ok(Json(Snoozed { contact_id: id, snoozed_until: until }))
}

//! `/api/v1/contacts`: the address book, each contact's timeline, touches and consent.

use axum::Json;
use axum::http::StatusCode;
use tickler_app::Logged;
use tickler_app::consent::{self, ConsentInput};
use tickler_app::contacts::{self, ContactInput, ContactPage, ContactQuery};
use tickler_app::touches::{self, TouchInput};
use tickler_core::consent::ConsentChange;
use tickler_core::contact::Contact;
use tickler_core::ids::ContactId;
use tickler_core::timeline::Entry;

use super::{ApiJson, ApiPath, ApiQuery, Errors};
use crate::auth::ApiCaller;
use crate::error::Result;
use crate::state::AppState;

#[utoipa::path(get, path = "/api/v1/contacts", tag = "contacts", params(ContactQuery),
    responses((status = 200, body = ContactPage), Errors))]
pub async fn list(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<ContactQuery>,
) -> Result<Json<ContactPage>> {
    Ok(Json(contacts::list(&state.app, &caller.actor(&state), &query).await?))
}

#[utoipa::path(post, path = "/api/v1/contacts", tag = "contacts", request_body = ContactInput,
    responses((status = 201, body = Contact), Errors))]
pub async fn create(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<ContactInput>,
) -> Result<(StatusCode, Json<Contact>)> {
    let contact = contacts::create(&state.app, &caller.actor(&state), &input.into()).await?;
    Ok((StatusCode::CREATED, Json(contact)))
}

#[utoipa::path(get, path = "/api/v1/contacts/{id}", tag = "contacts", operation_id = "show_contact", params(("id" = i64, Path)),
    responses((status = 200, body = Contact), Errors))]
pub async fn show(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<ContactId>,
) -> Result<Json<Contact>> {
    Ok(Json(contacts::get(&state.app, &caller.actor(&state), id).await?))
}

#[utoipa::path(patch, path = "/api/v1/contacts/{id}", tag = "contacts", params(("id" = i64, Path)),
    request_body = ContactInput, responses((status = 200, body = Contact), Errors))]
pub async fn update(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<ContactId>,
    ApiJson(input): ApiJson<ContactInput>,
) -> Result<Json<Contact>> {
    Ok(Json(contacts::update(&state.app, &caller.actor(&state), id, &input.into()).await?))
}

#[utoipa::path(delete, path = "/api/v1/contacts/{id}", tag = "contacts", params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted with its history"), Errors))]
pub async fn remove(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<ContactId>,
) -> Result<StatusCode> {
    contacts::remove(&state.app, &caller.actor(&state), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/contacts/{id}/timeline", tag = "contacts", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Entry>, description = "Newest first"), Errors))]
pub async fn timeline(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<ContactId>,
) -> Result<Json<Vec<Entry>>> {
    Ok(Json(contacts::timeline(&state.app, &caller.actor(&state), id).await?))
}

#[utoipa::path(post, path = "/api/v1/contacts/{id}/touches", tag = "contacts", params(("id" = i64, Path)),
    request_body = TouchInput, responses((status = 201, body = Logged), Errors))]
pub async fn log_touch(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<ContactId>,
    ApiJson(input): ApiJson<TouchInput>,
) -> Result<(StatusCode, Json<Logged>)> {
    Ok((StatusCode::CREATED, Json(touches::log(&state.app, &caller.actor(&state), id, &input).await?)))
}

#[utoipa::path(post, path = "/api/v1/contacts/{id}/consent", tag = "contacts", params(("id" = i64, Path)),
    request_body = ConsentInput, responses((status = 200, body = ConsentChange), Errors))]
pub async fn set_consent(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<ContactId>,
    ApiJson(input): ApiJson<ConsentInput>,
) -> Result<Json<ConsentChange>> {
    Ok(Json(consent::set(&state.app, &caller.actor(&state), id, &input).await?))
}

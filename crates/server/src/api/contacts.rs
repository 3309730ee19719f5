//! `/api/v1/contacts`: the address book, each contact's timeline, touches and consent.

use axum::Json;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tickler_core::consent::{ConsentChange, ConsentState};
use tickler_core::contact::{Contact, Stage, Tag};
use tickler_core::timeline::Entry;
use tickler_store::{ContactFilter, Logged};
use utoipa::{IntoParams, ToSchema};

use tickler_core::intake::non_blank;

use super::{ApiJson, ApiPath, ApiQuery, Errors};
use crate::auth::ApiCaller;
use crate::error::{Failure, Result};
use crate::ops::{self, ConsentInput, ContactInput, TouchInput};
use crate::state::AppState;

/// The most items one page of a list holds.
pub const MAX_PAGE: u32 = 500;

/// Which contacts, and which page of them.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactQuery {
    /// Text in the name, organisation or email (any case).
    pub q: Option<String>,
    pub tag: Option<String>,
    pub stage: Option<String>,
    /// active, not-now or never.
    pub consent: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<u32>,
    /// How many to skip.
    pub offset: Option<u32>,
}

/// One page of contacts.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactPage {
    pub items: Vec<Contact>,
    /// The offset of the next page, when there is one.
    pub next_offset: Option<u32>,
}

/// Read a page size, naming the parameter when it is out of range.
pub fn page_size(limit: Option<u32>) -> Result<u32> {
    match limit {
        None => Ok(50),
        Some(limit) if (1..=MAX_PAGE).contains(&limit) => Ok(limit),
        Some(_) => Err(Failure::invalid("limit", format!("limit: must be between 1 and {MAX_PAGE}"))),
    }
}

/// The filter a contact query asks for.
pub fn contact_filter(query: &ContactQuery) -> Result<ContactFilter> {
    for (field, value) in [("q", &query.q), ("tag", &query.tag), ("stage", &query.stage), ("consent", &query.consent)] {
        crate::auth::refuse_nul(field, value.as_deref().unwrap_or_default())?;
    }
    Ok(ContactFilter {
        tag: non_blank(query.tag.as_deref()).map(Tag::parse).transpose()?,
        search: non_blank(query.q.as_deref()).map(str::to_string),
        stage: non_blank(query.stage.as_deref()).map(Stage::parse).transpose()?,
        consent: non_blank(query.consent.as_deref()).map(ConsentState::parse).transpose()?,
        limit: None,
        offset: query.offset.unwrap_or(0),
    })
}

#[utoipa::path(get, path = "/api/v1/contacts", tag = "contacts", params(ContactQuery),
    responses((status = 200, body = ContactPage), Errors))]
pub async fn list(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<ContactQuery>,
) -> Result<Json<ContactPage>> {
    let limit = page_size(query.limit)?;
    let mut filter = contact_filter(&query)?;
    // One more than asked tells whether a next page exists.
    filter.limit = Some(limit + 1);
    let mut items = state.store.contacts(caller.account_id(), &filter).await?;
    let next_offset = (items.len() > limit as usize).then(|| filter.offset + limit);
    items.truncate(limit as usize);
    Ok(Json(ContactPage { items, next_offset }))
}

#[utoipa::path(post, path = "/api/v1/contacts", tag = "contacts", request_body = ContactInput,
    responses((status = 201, body = Contact), Errors))]
pub async fn create(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<ContactInput>,
) -> Result<(StatusCode, Json<Contact>)> {
    let details = input.new_contact()?;
    let contact = state.store.create_contact(caller.account_id(), &details, state.now()).await?;
    Ok((StatusCode::CREATED, Json(contact)))
}

#[utoipa::path(get, path = "/api/v1/contacts/{id}", tag = "contacts", operation_id = "show_contact", params(("id" = i64, Path)),
    responses((status = 200, body = Contact), Errors))]
pub async fn show(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Contact>> {
    Ok(Json(state.store.contact(caller.account_id(), id).await?))
}

#[utoipa::path(patch, path = "/api/v1/contacts/{id}", tag = "contacts", params(("id" = i64, Path)),
    request_body = ContactInput, responses((status = 200, body = Contact), Errors))]
pub async fn update(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ContactInput>,
) -> Result<Json<Contact>> {
    let contact = state.store.contact(caller.account_id(), id).await?;
    let details = input.apply(contact.details)?;
    Ok(Json(state.store.update_contact(caller.account_id(), id, &details, state.now()).await?))
}

#[utoipa::path(delete, path = "/api/v1/contacts/{id}", tag = "contacts", params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted with its history"), Errors))]
pub async fn remove(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode> {
    state.store.delete_contact(caller.account_id(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/contacts/{id}/timeline", tag = "contacts", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Entry>, description = "Newest first"), Errors))]
pub async fn timeline(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<Entry>>> {
    Ok(Json(state.store.timeline(caller.account_id(), id).await?))
}

#[utoipa::path(post, path = "/api/v1/contacts/{id}/touches", tag = "contacts", params(("id" = i64, Path)),
    request_body = TouchInput, responses((status = 201, body = Logged), Errors))]
pub async fn log_touch(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<TouchInput>,
) -> Result<(StatusCode, Json<Logged>)> {
    Ok((StatusCode::CREATED, Json(ops::log_touch(&state, &caller, id, &input).await?)))
}

#[utoipa::path(post, path = "/api/v1/contacts/{id}/consent", tag = "contacts", params(("id" = i64, Path)),
    request_body = ConsentInput, responses((status = 200, body = ConsentChange), Errors))]
pub async fn set_consent(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ConsentInput>,
) -> Result<Json<ConsentChange>> {
    Ok(Json(ops::set_consent(&state, &caller, id, &input).await?))
}

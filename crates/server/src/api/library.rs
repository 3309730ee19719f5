//! `/api/v1/library`: the library of things worth sending, sharing an item
//! with a contact, and what each contact was sent.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tickler_app::LibrarySend;
use tickler_app::library::{self, ItemDetail, ItemInput, ItemQuery, ShareDraft, ShareInput, Shared};
use tickler_core::ids::{ContactId, LibraryItemId};
use tickler_core::library::Item;

use super::{ApiJson, ApiPath, ApiQuery, Errors};
use crate::auth::ApiCaller;
use crate::error::Result;
use crate::state::AppState;

#[utoipa::path(get, path = "/api/v1/library", operation_id = "list_library", tag = "library", params(ItemQuery),
    responses((status = 200, body = Vec<Item>, description = "Newest first"), Errors))]
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<ItemQuery>,
) -> Result<Json<Vec<Item>>> {
    Ok(Json(library::list(&state.app, &caller.actor(&state), &query).await?))
}

#[utoipa::path(post, path = "/api/v1/library", operation_id = "add_library_item", tag = "library", request_body = ItemInput,
    responses((status = 201, body = Item), Errors))]
pub async fn add(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<ItemInput>,
) -> Result<(StatusCode, Json<Item>)> {
    Ok((StatusCode::CREATED, Json(library::add(&state.app, &caller.actor(&state), &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/library/{id}", operation_id = "show_library_item", tag = "library", params(("id" = i64, Path)),
    responses((status = 200, body = ItemDetail, description = "The item and whom it went to"), Errors))]
pub async fn show(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<LibraryItemId>,
) -> Result<Json<ItemDetail>> {
    Ok(Json(library::get(&state.app, &caller.actor(&state), id).await?))
}

#[utoipa::path(put, path = "/api/v1/library/{id}", operation_id = "edit_library_item", tag = "library", params(("id" = i64, Path)),
    request_body = ItemInput, responses((status = 200, body = Item), Errors))]
pub async fn edit(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<LibraryItemId>,
    ApiJson(input): ApiJson<ItemInput>,
) -> Result<Json<Item>> {
    Ok(Json(library::edit(&state.app, &caller.actor(&state), id, &input).await?))
}

#[utoipa::path(delete, path = "/api/v1/library/{id}", operation_id = "remove_library_item", tag = "library", params(("id" = i64, Path)),
    responses((status = 204, description = "Removed"), Errors))]
pub async fn remove(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<LibraryItemId>,
) -> Result<StatusCode> {
    library::remove(&state.app, &caller.actor(&state), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which contact a share draft is for.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DraftQuery {
    /// The contact's id.
    pub contact_id: i64,
}

#[utoipa::path(get, path = "/api/v1/library/{id}/share", operation_id = "draft_library_share", tag = "library", params(("id" = i64, Path), DraftQuery),
    responses((status = 200, body = ShareDraft, description = "The drafted email, to edit before sending"), Errors))]
pub async fn draft(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<LibraryItemId>,
    ApiQuery(query): ApiQuery<DraftQuery>,
) -> Result<Json<ShareDraft>> {
    let contact_id = ContactId::new(query.contact_id);
    Ok(Json(library::draft(&state.app, &caller.actor(&state), id, contact_id).await?))
}

#[utoipa::path(post, path = "/api/v1/library/{id}/share", operation_id = "share_library_item", tag = "library", params(("id" = i64, Path)),
    request_body = ShareInput,
    responses((status = 201, body = Shared, description = "Queued; the touch is logged and the item recorded as sent"), Errors))]
pub async fn share(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<LibraryItemId>,
    ApiJson(input): ApiJson<ShareInput>,
) -> Result<(StatusCode, Json<Shared>)> {
    Ok((StatusCode::CREATED, Json(library::share(&state.app, &caller.actor(&state), id, &input).await?)))
}

/// What a contact was sent from the library, and what `{{ library.next }}` would give them now.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ContactLibrary {
    pub sent: Vec<LibrarySend>,
    pub next: Option<Item>,
}

#[utoipa::path(get, path = "/api/v1/contacts/{id}/library", operation_id = "contact_library", tag = "library", params(("id" = i64, Path)),
    responses((status = 200, body = ContactLibrary), Errors))]
pub async fn of_contact(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<ContactId>,
) -> Result<Json<ContactLibrary>> {
    let actor = caller.actor(&state);
    let sent = library::sent_to_contact(&state.app, &actor, id).await?;
    let next = library::next_for(&state.app, &actor, id).await?;
    Ok(Json(ContactLibrary { sent, next }))
}

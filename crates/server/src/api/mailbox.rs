//! The caller's own mail: their work addresses (log, remind) and a new
//! secret for them, reading their mailbox now, the people they corresponded
//! with who are not contacts yet (add or dismiss), and an address that
//! bounced made deliverable again.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tickler_app::mailbox::{self, SyncReport};
use tickler_app::work_addresses::{self, WorkAddresses};
use tickler_app::worker::Clock;
use tickler_app::{UnknownCorrespondent, contacts, correspondents, mail_accounts};
use tickler_core::contact::Contact;
use utoipa::ToSchema;

use super::{ApiJson, Errors};
use crate::auth::ApiCaller;
use crate::error::{Failure, Result};
use crate::state::AppState;

#[utoipa::path(get, path = "/api/v1/mail/addresses", tag = "mail",
    responses((status = 200, body = WorkAddresses, description = "The caller's work addresses, with examples"), Errors))]
pub async fn addresses(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> Result<Json<WorkAddresses>> {
    Ok(Json(work_addresses::show(&state.app, &caller.actor(&state)).await?))
}

#[utoipa::path(post, path = "/api/v1/mail/addresses/new", tag = "mail",
    responses((status = 200, body = WorkAddresses, description = "A new secret: the old addresses stop working"), Errors))]
pub async fn renew_addresses(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<WorkAddresses>> {
    Ok(Json(work_addresses::renew(&state.app, &caller.actor(&state)).await?))
}

#[utoipa::path(post, path = "/api/v1/mail/check", tag = "mail",
    responses((status = 200, body = SyncReport, description = "The caller's own mailbox, read now"), Errors))]
pub async fn check(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> Result<Json<SyncReport>> {
    let actor = caller.actor(&state);
    let Some(watched) = mail_accounts::watched_mailbox(&state.app, caller.user.id).await? else {
        return Err(Failure::from(tickler_app::Error {
            kind: tickler_app::Kind::Refused,
            message: "you have no mailbox of your own to read: set one with PUT /api/v1/mail/account".into(),
            field: None,
        }));
    };
    let clock = Clock::starting_at(actor.now);
    let inbound = state.app.inbound_address().map(str::to_string);
    let report = mailbox::sync(&state.app, &watched, inbound.as_deref(), &clock, &mut |_| {}).await;
    Ok(Json(report.map_err(Failure::from_mail)?))
}

#[utoipa::path(get, path = "/api/v1/mail/review", tag = "mail",
    responses((status = 200, body = Vec<UnknownCorrespondent>,
        description = "People the caller corresponded with who are not contacts yet, most recent first"), Errors))]
pub async fn review(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<Vec<UnknownCorrespondent>>> {
    Ok(Json(correspondents::list(&state.app, &caller.actor(&state)).await?))
}

/// Someone on the review list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    pub email: String,
    /// For add: the contact's name (default: the name their mail gave).
    pub name: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/mail/review/add", tag = "mail", request_body = ReviewInput,
    responses((status = 201, body = Contact, description = "Added as a contact"), Errors))]
pub async fn add_reviewed(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<ReviewInput>,
) -> Result<(StatusCode, Json<Contact>)> {
    let contact = correspondents::add(&state.app, &caller.actor(&state), &input.email, input.name.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(contact)))
}

#[utoipa::path(post, path = "/api/v1/mail/review/dismiss", tag = "mail", request_body = ReviewInput,
    responses((status = 204, description = "No longer listed"), Errors))]
pub async fn dismiss_reviewed(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<ReviewInput>,
) -> Result<StatusCode> {
    correspondents::dismiss(&state.app, &caller.actor(&state), &input.email).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An address that bounced.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliverableInput {
    pub email: String,
}

/// How many contacts had the address.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliverableAgain {
    pub email: String,
    pub contacts: u64,
}

#[utoipa::path(post, path = "/api/v1/mail/deliverable", tag = "mail", request_body = DeliverableInput,
    responses((status = 200, body = DeliverableAgain, description = "Automatic email may go there again"), Errors))]
pub async fn deliverable(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<DeliverableInput>,
) -> Result<Json<DeliverableAgain>> {
    let contacts = contacts::clear_bounces(&state.app, &caller.actor(&state), &input.email).await?;
    if contacts == 0 {
        return Err(Failure::from(tickler_app::Error {
            kind: tickler_app::Kind::NotFound(tickler_app::Record::Contact),
            message: format!("no contact has the address {}", input.email.trim()),
            field: Some("email"),
        }));
    }
    Ok(Json(DeliverableAgain { email: input.email.trim().to_lowercase(), contacts }))
}

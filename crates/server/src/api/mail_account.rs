//! `/api/v1/mail/account`: the caller's own mail account (the SMTP server
//! their plan emails go out through, and their mailbox). Passwords go in and
//! never come out: an answer says only whether each is set.

use axum::Json;
use axum::extract::State;
use tickler_app::mail_accounts::{self, MailAccountInput, MailAccountView};

use super::{ApiJson, Errors};
use crate::auth::ApiCaller;
use crate::error::Result;
use crate::state::AppState;

#[utoipa::path(get, path = "/api/v1/mail/account", tag = "settings", operation_id = "mail_account",
    responses((status = 200, body = MailAccountView, description = "The caller's mail account (never the passwords)"), Errors))]
pub async fn show(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> Result<Json<MailAccountView>> {
    Ok(Json(mail_accounts::show(&state.app, &caller.actor(&state)).await?))
}

#[utoipa::path(put, path = "/api/v1/mail/account", tag = "settings", operation_id = "set_mail_account",
    request_body(content = MailAccountInput, description = "Fields left out keep their value; an empty text clears \
        one (an empty smtp_host or imap_host removes that side); a port of 0 is the default for the security. \
        A password is refused (422) when the installation has no secret key to seal it with."),
    responses((status = 200, body = MailAccountView, description = "The mail account as saved"), Errors))]
pub async fn update(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<MailAccountInput>,
) -> Result<Json<MailAccountView>> {
    Ok(Json(mail_accounts::update(&state.app, &caller.actor(&state), &input).await?))
}

#[utoipa::path(delete, path = "/api/v1/mail/account", tag = "settings", operation_id = "clear_mail_account",
    responses((status = 200, body = MailAccountView, description = "Removed: emails go through the relay again"), Errors))]
pub async fn clear(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> Result<Json<MailAccountView>> {
    Ok(Json(mail_accounts::clear(&state.app, &caller.actor(&state)).await?))
}

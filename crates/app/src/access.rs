//! Who may act: browser sessions, API tokens and calendar feed secrets.
//! Only hashes of the secrets are stored; the secrets are shown once.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use tickler_core::account::Account;
use tickler_core::user::{ApiToken, User, token_name};

use crate::error::{Error, Kind, Result};
use crate::{Actor, App, secret};

/// A signed-in browser session: its id (the cookie), its CSRF token and the hash it is stored by.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: String,
    pub lifetime: SignedDuration,
}

/// A user, their account and, for a session, its CSRF token.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub user: User,
    pub account: Account,
    pub csrf: Option<String>,
}

/// Start a session for `user` lasting `lifetime`.
pub async fn start_session(app: &App, user: &User, now: Timestamp, lifetime: SignedDuration) -> Result<NewSession> {
    let id = secret::random_secret();
    app.store.create_session(user.id, &secret::hash_secret(&id), &secret::random_secret(), now, now + lifetime).await?;
    Ok(NewSession { id, lifetime })
}

/// The user and account behind a session id, if it is current.
pub async fn session(app: &App, id: &str, now: Timestamp) -> Result<Option<Authenticated>> {
    let Some(session) = app.store.session(&secret::hash_secret(id), now).await? else { return Ok(None) };
    Ok(Some(Authenticated { user: session.user, account: session.account, csrf: Some(session.csrf) }))
}

/// End a session.
pub async fn end_session(app: &App, id: &str) -> Result<()> {
    Ok(app.store.delete_session(&secret::hash_secret(id)).await?)
}

/// The user and account behind an API token; `Unauthorized` when it is unknown or revoked.
pub async fn token_holder(app: &App, token: &str, now: Timestamp) -> Result<Authenticated> {
    let Some(holder) = app.store.token_holder(&secret::hash_secret(token), now).await? else {
        return Err(Error::new(Kind::Unauthorized, "the API token is unknown or revoked"));
    };
    Ok(Authenticated { user: holder.user, account: holder.account, csrf: None })
}

/// A new token: the secret is shown this once and never again.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedToken {
    pub token: ApiToken,
    pub secret: String,
}

/// Create an API token for `user`, returning it with its secret.
pub async fn create_token(app: &App, user: &User, name: &str, now: Timestamp) -> Result<CreatedToken> {
    let name = token_name(name)?;
    let secret = secret::new_api_token();
    let prefix: String = secret.chars().take(secret::TOKEN_PREFIX.len() + 6).collect();
    let token = app.store.create_api_token(user, &name, &prefix, &secret::hash_secret(&secret), now).await?;
    Ok(CreatedToken { token, secret })
}

/// The actor's own tokens, newest first.
pub async fn tokens(app: &App, actor: &Actor) -> Result<Vec<ApiToken>> {
    Ok(app.store.api_tokens(signed_in(actor)?).await?)
}

/// Revoke one of the actor's tokens.
pub async fn revoke_token(app: &App, actor: &Actor, id: i64) -> Result<ApiToken> {
    Ok(app.store.revoke_api_token(signed_in(actor)?, id, actor.now).await?)
}

/// The signed-in user an action needs.
fn signed_in(actor: &Actor) -> Result<&User> {
    actor.user.as_ref().ok_or_else(|| Error::new(Kind::Unauthorized, "this needs a signed-in user"))
}

/// The secret of the actor's calendar feed (part of its URL).
pub async fn calendar_secret(app: &App, actor: &Actor) -> Result<String> {
    let user = signed_in(actor)?;
    Ok(app.store.calendar_secret(user.account_id, user.id).await?)
}

/// A new calendar feed secret for the actor; the old URL stops working.
pub async fn rotate_calendar_secret(app: &App, actor: &Actor) -> Result<String> {
    let user = signed_in(actor)?;
    app.store.rotate_calendar_secret(user.account_id, user.id, &secret::random_secret()).await?;
    calendar_secret(app, actor).await
}

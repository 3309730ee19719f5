//! Adding users (a new account also gets the starter plans) and signing them in: the password rules, Argon2id hashing
//! off the async threads, and the per-login and per-address limits.

use std::net::IpAddr;
use std::time::Instant;

use jiff::Timestamp;
use serde::Deserialize;
use tickler_core::account::{Account, Settings};
use tickler_core::contact::{EmailAddress, ZoneName};
use tickler_core::user::{User, UserDraft, check_password};
use tickler_store::Store;
use utoipa::ToSchema;

use crate::auth::secret;
use crate::error::{Failure, Result};
use crate::state::AppState;

/// A new user.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    pub email: String,
    pub name: Option<String>,
    /// At least 10 characters.
    pub password: String,
    #[serde(default)]
    pub admin: bool,
}

/// Add a user to an account (the password is checked and hashed here).
pub async fn add_user(store: &Store, account_id: i64, input: &UserInput, now: Timestamp) -> Result<User> {
    let draft = UserDraft::new(&input.email, input.name.as_deref().unwrap_or(""), input.admin)?;
    check_password(&input.password)?;
    let password = input.password.clone();
    let hash =
        tokio::task::spawn_blocking(move || secret::hash_password(&password)).await.map_err(Failure::internal)?;
    Ok(store.create_user(account_id, &draft, &hash, &secret::random_secret(), now).await?)
}

/// Create an installation's first user, an admin of the first account
/// (the one the CLI has been using, so its data is theirs).
pub async fn add_first_user(store: &Store, input: &UserInput, zone: &ZoneName, now: Timestamp) -> Result<User> {
    let account = store.default_account(zone, now).await?;
    let user = add_user(store, account.id, &UserInput { admin: true, ..input.clone() }, now).await?;
    store.ensure_plan_setup(account.id, now).await?;
    Ok(user)
}

/// Create a new, separate account with its first (admin) user.
pub async fn add_account(
    store: &Store,
    name: &str,
    input: &UserInput,
    zone: &ZoneName,
    now: Timestamp,
) -> Result<(Account, User)> {
    let draft = UserDraft::new(&input.email, input.name.as_deref().unwrap_or(""), true)?;
    check_password(&input.password)?;
    if store.credentials(&draft.email).await?.is_some() {
        return Err(Failure::from(tickler_store::Error::Duplicate {
            field: "email",
            value: draft.email.as_str().to_string(),
            owner: "another user".to_string(),
        }));
    }
    let account = store.create_account(name, &Settings::new(zone.clone()), now).await?;
    let user = add_user(store, account.id, &UserInput { admin: true, ..input.clone() }, now).await?;
    store.ensure_plan_setup(account.id, now).await?;
    Ok((account, user))
}

/// Check a sign-in. Failures count against the login and the client
/// address; past the limit the answer is 429 whatever the password.
pub async fn sign_in(state: &AppState, email: &str, password: &str, address: IpAddr) -> Result<User> {
    let login_key = format!("login:{}", email.trim().to_lowercase());
    let address_key = format!("addr:{address}");
    let limit = state.config.login_attempts;
    let now = Instant::now();
    if let Some(wait) =
        state.limiter.blocked(&login_key, limit, now).or_else(|| state.limiter.blocked(&address_key, limit * 4, now))
    {
        return Err(Failure::too_many(wait));
    }
    let credentials = match EmailAddress::parse(email) {
        Ok(email) => state.store.credentials(&email).await?,
        Err(_) => None,
    };
    // Verify against a real hash even for an unknown login, so timing does not reveal who has an account.
    let stored = credentials.as_ref().map(|c| c.password_hash.clone()).unwrap_or_else(|| DUMMY_HASH.clone());
    let password = password.to_string();
    let matches = tokio::task::spawn_blocking(move || secret::verify_password(&password, &stored))
        .await
        .map_err(Failure::internal)?;
    match credentials {
        Some(credentials) if matches => {
            state.limiter.clear(&login_key);
            Ok(credentials.user)
        }
        _ => {
            state.limiter.fail(&login_key, now);
            state.limiter.fail(&address_key, now);
            let mut failure = Failure::unauthorized();
            failure.message = "email or password is wrong".to_string();
            failure.field = Some("password".to_string());
            Err(failure)
        }
    }
}

/// An Argon2id hash of a random string, verified against when the login is unknown.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| secret::hash_password(&secret::random_secret()));

//! The people who sign in: adding users (a new account also gets the starter
//! plans), the password rules, Argon2id hashing off the async threads, and
//! checking a sign-in.

use jiff::Timestamp;
use serde::Deserialize;
use tickler_core::account::{Account, Settings};
use tickler_core::contact::{EmailAddress, ZoneName};
use tickler_core::user::{User, UserDraft, check_password};

use tickler_core::ids::AccountId;
use tickler_store::Record;

use crate::error::{Error, Kind, Result};
use crate::{Actor, App, secret};

/// A new user.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    pub email: String,
    pub name: Option<String>,
    /// At least 10 characters.
    pub password: String,
    #[serde(default)]
    pub admin: bool,
}

/// Only an admin manages the account's users; the command line (no signed-in user) acts as the owner.
fn ensure_admin(actor: &Actor) -> Result<()> {
    match &actor.user {
        Some(user) if !user.is_admin => Err(Error::forbidden("only an admin of this account manages its users")),
        _ => Ok(()),
    }
}

/// Add a user to the actor's account (the password is checked and hashed here).
pub async fn add(app: &App, actor: &Actor, input: &UserInput) -> Result<User> {
    ensure_admin(actor)?;
    add_to(app, actor.account_id(), input, actor.now).await
}

async fn add_to(app: &App, account_id: AccountId, input: &UserInput, now: Timestamp) -> Result<User> {
    let draft = UserDraft::new(&input.email, input.name.as_deref().unwrap_or(""), input.admin)?;
    check_password(&input.password)?;
    let password = input.password.clone();
    let hash = tokio::task::spawn_blocking(move || secret::hash_password(&password)).await.map_err(Error::internal)?;
    Ok(app.store.create_user(account_id, &draft, &hash, &secret::random_secret(), now).await?)
}

/// The users of the actor's account.
pub async fn list(app: &App, actor: &Actor) -> Result<Vec<User>> {
    ensure_admin(actor)?;
    Ok(app.store.users(actor.account_id()).await?)
}

/// How many users the installation has (none: the first visit creates the first).
pub async fn count(app: &App) -> Result<i64> {
    Ok(app.store.count_users().await?)
}

/// Create an installation's first user, an admin of the first account (the
/// one the command line has been using, so its data is theirs), in `zone`.
pub async fn add_first(app: &App, input: &UserInput, zone: &ZoneName, now: Timestamp) -> Result<User> {
    if app.store.count_users().await? > 0 {
        return Err(Error::forbidden("this installation already has users; sign in instead"));
    }
    let mut account = app.store.default_account(zone, now).await?;
    let user = add_to(app, account.id, &UserInput { admin: true, ..input.clone() }, now).await?;
    app.store.ensure_plan_setup(account.id, now).await?;
    if account.settings.zone != *zone {
        account.settings.zone = zone.clone();
        app.store.update_settings(account.id, &account.settings).await?;
    }
    Ok(user)
}

/// Create a new, separate account with its first (admin) user.
pub async fn add_account(
    app: &App,
    name: &str,
    input: &UserInput,
    zone: &ZoneName,
    now: Timestamp,
) -> Result<(Account, User)> {
    let draft = UserDraft::new(&input.email, input.name.as_deref().unwrap_or(""), true)?;
    check_password(&input.password)?;
    if app.store.credentials(&draft.email).await?.is_some() {
        return Err(tickler_store::Error::Duplicate {
            field: "email",
            value: draft.email.as_str().to_string(),
            owner: "another user".to_string(),
        }
        .into());
    }
    let account = app.store.create_account(name, &Settings::new(zone.clone()), now).await?;
    let user = add_to(app, account.id, &UserInput { admin: true, ..input.clone() }, now).await?;
    app.store.ensure_plan_setup(account.id, now).await?;
    Ok((account, user))
}

/// The user who signs in with `email`.
pub async fn by_email(app: &App, email: &str) -> Result<User> {
    let email = EmailAddress::parse(email).map_err(|e| Error::from(e).renamed("email", "user"))?;
    match app.store.credentials(&email).await? {
        Some(credentials) => Ok(credentials.user),
        None => Err(Error::not_found(Record::User, format!("no user signs in with {}", email.as_str()))),
    }
}

/// A user of the actor's account: the one who signs in with `email`, else the
/// account's first user (what the command line acts as for a user's own things).
pub async fn pick(app: &App, actor: &Actor, email: Option<&str>) -> Result<User> {
    match email {
        Some(email) => {
            let user = by_email(app, email).await?;
            if user.account_id != actor.account_id() {
                return Err(Error::not_found(Record::User, format!("no user of this account signs in with {email}")));
            }
            Ok(user)
        }
        None => app.store.users(actor.account_id()).await?.into_iter().next().ok_or_else(|| {
            Error::invalid("user", "this account has no user yet; add one with `tickler user add EMAIL --admin`")
        }),
    }
}

/// Check a sign-in: the user, or `Unauthorized` naming the password field.
/// The hash is verified even for an unknown login, so timing does not reveal who has an account.
pub async fn check_sign_in(app: &App, email: &str, password: &str) -> Result<User> {
    let credentials = match EmailAddress::parse(email) {
        Ok(email) => app.store.credentials(&email).await?,
        Err(_) => None,
    };
    let stored = credentials.as_ref().map(|c| c.password_hash.clone()).unwrap_or_else(|| DUMMY_HASH.clone());
    let password = password.to_string();
    let matches = tokio::task::spawn_blocking(move || secret::verify_password(&password, &stored))
        .await
        .map_err(Error::internal)?;
    match credentials {
        Some(credentials) if matches => Ok(credentials.user),
        _ => Err(Error {
            kind: Kind::Unauthorized,
            message: "email or password is wrong".into(),
            field: Some("password"),
        }),
    }
}

/// An Argon2id hash of a random string, verified against when the login is unknown.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| secret::hash_password(&secret::random_secret()));

//! The people who sign in: users of an account, their passwords' rules and
//! their API tokens. Hashing happens at the edge (the server); the domain
//! only decides what a valid login, password and token name are.

use jiff::Timestamp;
use serde::Serialize;

use crate::contact::EmailAddress;
use crate::error::{Error, Result};
use crate::ids::{AccountId, UserId};

/// Shortest password accepted: long enough that a rate-limited guesser cannot win.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted, so hashing cost stays bounded.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// A person who signs in to one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub id: UserId,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub account_id: AccountId,
    /// The login: unique across the whole installation.
    pub email: EmailAddress,
    pub name: String,
    /// Admins add users and see the whole account's settings.
    pub is_admin: bool,
    pub created_at: Timestamp,
}

/// A new user's validated details (the password is hashed by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserDraft {
    pub email: EmailAddress,
    pub name: String,
    pub is_admin: bool,
}

impl UserDraft {
    /// Validate a user's email and display name; an empty name becomes the email's local part.
    pub fn new(email: &str, name: &str, is_admin: bool) -> Result<Self> {
        let email = EmailAddress::parse(email)?;
        let name = name.trim();
        if name.chars().count() > 200 {
            return Err(Error::invalid("name", "is longer than 200 characters"));
        }
        let name = if name.is_empty() {
            email.as_str().split('@').next().unwrap_or_default().to_string()
        } else {
            name.to_string()
        };
        Ok(UserDraft { email, name, is_admin })
    }
}

/// Check a new password against the rules, naming the field on failure.
pub fn check_password(password: &str) -> Result<()> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(Error::invalid("password", format!("must be at least {MIN_PASSWORD_CHARS} characters")));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(Error::invalid("password", format!("must be at most {MAX_PASSWORD_CHARS} characters")));
    }
    if password.trim().is_empty() {
        return Err(Error::invalid("password", "must not be only spaces"));
    }
    Ok(())
}

/// An API token as listed: never the secret itself, which is shown once at creation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub user_id: UserId,
    pub name: String,
    /// The first characters of the secret, so a person can tell tokens apart.
    pub prefix: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

/// Validate a token's name: what the person will use it for.
pub fn token_name(raw: &str) -> Result<String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(Error::invalid("name", "is required: say what the token is for, e.g. \"phone sync\""));
    }
    if name.chars().count() > 100 {
        return Err(Error::invalid("name", "is longer than 100 characters"));
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_need_length() {
        assert!(check_password("short").unwrap_err().to_string().starts_with("password: must be at least"));
        assert!(check_password(&"x".repeat(300)).is_err());
        assert!(check_password("          ").is_err());
        assert!(check_password("correct horse").is_ok());
    }

    #[test]
    fn user_names_default_to_the_local_part() {
        let draft = UserDraft::new("Ann@Example.com", "  ", true).unwrap();
        assert_eq!(draft.name, "ann");
        assert!(UserDraft::new("not-an-email", "Ann", false).unwrap_err().to_string().starts_with("email"));
    }

    #[test]
    fn token_names_are_required() {
        assert!(token_name("  ").unwrap_err().to_string().starts_with("name: is required"));
        assert_eq!(token_name(" sync ").unwrap(), "sync");
    }
}

//! Who is calling, once authenticated: the user, their account and, for a
//! browser session, its CSRF token and id.

use jiff::ZonedDateTime;
use tickler_app::Actor;
use tickler_core::account::Account;
use tickler_core::contact::ZoneName;
use tickler_core::ids::AccountId;
use tickler_core::user::User;

use crate::state::AppState;

/// A signed-in user and their account.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub account: Account,
    /// The session's CSRF token; `None` for API tokens, which carry no ambient authority.
    pub csrf: Option<String>,
    /// The session id (its cookie), to end it on sign-out.
    pub session_id: Option<String>,
    /// The account's data version read while recognising the caller (an API
    /// token, with caching on): what a cached response must have been read at.
    pub version: Option<i64>,
}

impl Caller {
    pub fn account_id(&self) -> AccountId {
        self.account.id
    }

    /// The zone the user works in.
    pub fn zone(&self) -> &ZoneName {
        &self.account.settings.zone
    }

    /// "Now" in the user's zone.
    pub fn now(&self, state: &AppState) -> ZonedDateTime {
        state.now().to_zoned_datetime(self.zone().time_zone())
    }

    /// The caller as the actions take it: the account, the user, now.
    pub fn actor(&self, state: &AppState) -> Actor {
        Actor::new(self.account.clone(), Some(self.user.clone()), state.now())
    }
}

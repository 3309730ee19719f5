//! Who acts and when: the account (and, through the web, the signed-in user),
//! the zone their phrases are read in, and "now". Every action takes one, so
//! the CLI, the API, the pages and tests fix the clock the same way.

use jiff::{Timestamp, ZonedDateTime};
use tickler_core::account::Account;
use tickler_core::contact::ZoneName;
use tickler_core::ids::AccountId;
use tickler_core::user::User;
use tickler_core::when;

/// The caller of an action.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account: Account,
    /// The signed-in user; the command line acts for the account without one.
    pub user: Option<User>,
    /// The zone typed phrases are read in: the account's, or a command's `--tz`.
    pub zone: ZoneName,
    /// The instant the action happens at.
    pub now: Timestamp,
}

impl Actor {
    /// The account's own zone and `now`.
    pub fn new(account: Account, user: Option<User>, now: Timestamp) -> Actor {
        let zone = account.settings.zone.clone();
        Actor { account, user, zone, now }
    }

    /// The account every query is scoped to.
    pub fn account_id(&self) -> AccountId {
        self.account.id
    }

    /// "Now" in the actor's zone.
    pub fn now_zoned(&self) -> ZonedDateTime {
        self.now.to_zoned_datetime(self.zone.time_zone())
    }

    /// The context the actor's date phrases resolve in: now, the zone, the
    /// account's working week and date order (its own, else the zone's
    /// country's), and the days off of the zone's country.
    pub fn when_context(&self) -> when::Context {
        let mut context = when::Context::new(self.now_zoned());
        context.work_week = self.account.settings.work_week.clone();
        if let Some(order) = self.account.settings.date_order {
            context.date_order = order;
        }
        context
    }
}

//! What a calendar feed holds: open follow-ups, promise deadlines and birthdays
//! of the account whose feed secret is asked for.

use jiff::Timestamp;
use tickler_core::promise::Promise;
use tickler_store::AgendaRow;

use crate::App;
use tickler_store::Record;

use crate::error::{Error, Result};

/// Days ahead a feed reaches.
pub const HORIZON_DAYS: u32 = 400;
/// The most follow-ups one feed holds.
pub const MAX_EVENTS: u32 = 5_000;

/// The records of one feed.
#[derive(Debug, Clone)]
pub struct FeedRecords {
    pub follow_ups: Vec<AgendaRow>,
    pub promises: Vec<(Promise, String)>,
    /// Contact id, name and birthday.
    pub birthdays: Vec<(i64, String, jiff::civil::Date)>,
}

/// The feed behind `secret`; not found when no user has it.
pub async fn feed(app: &App, secret: &str, now: Timestamp) -> Result<FeedRecords> {
    let well_formed =
        !secret.is_empty() && secret.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
    let found = match well_formed {
        true => app.store.user_by_calendar_secret(secret).await?,
        false => None,
    };
    let Some(user) = found else {
        return Err(Error::not_found(
            Record::CalendarFeed,
            "no calendar feed at this address; copy the URL from Settings again",
        ));
    };
    let account = app.store.account(user.account_id).await?;
    let until =
        tickler_core::agenda::window_end(&now.to_zoned_datetime(account.settings.zone.time_zone()), HORIZON_DAYS);
    Ok(FeedRecords {
        follow_ups: app.store.agenda(account.id, until, MAX_EVENTS).await?,
        promises: app.store.open_promises(account.id).await?,
        birthdays: app.store.birthdays(account.id).await?,
    })
}

//! What every command that touches data needs: the store, the account, the
//! user's zone, and "now" — resolved once from flags and environment.

use std::path::PathBuf;

use jiff::{Timestamp, ZonedDateTime};
use tickler_core::account::Account;
use tickler_core::contact::ZoneName;
use tickler_core::when::{self, Resolved};
use tickler_store::Store;

use crate::args::Global;
use crate::failure::{Failure, Outcome};

/// An open store and the account a command acts for.
pub struct App {
    pub store: Store,
    pub account: Account,
    /// The user's zone: `--tz`, else the account's.
    pub zone: ZoneName,
    pub now: ZonedDateTime,
    pub json: bool,
}

impl App {
    /// Open the database named by the flags (creating it) and the default account.
    pub async fn open(global: &Global) -> Outcome<App> {
        let url = database_url(global.database.as_deref())?;
        Self::open_at(global, &url).await
    }

    /// Open the database at `url`.
    pub async fn open_at(global: &Global, url: &str) -> Outcome<App> {
        let flag_zone = global.tz.as_deref().map(ZoneName::parse).transpose()?;
        let instant = now_instant(global.now.as_deref())?;
        let store = Store::open(url).await?;
        let creation_zone = flag_zone.clone().unwrap_or_else(system_zone);
        let account = store.default_account(&creation_zone, instant).await?;
        let zone = flag_zone.unwrap_or_else(|| account.settings.zone.clone());
        let now = instant.to_zoned_datetime(zone.time_zone());
        Ok(App { store, account, zone, now, json: global.json })
    }

    /// The account id every store call takes.
    pub fn account_id(&self) -> i64 {
        self.account.id
    }

    /// The context natural dates resolve in.
    pub fn when_context(&self) -> when::Context {
        when_context(self.now.clone(), &self.account.settings.work_week)
    }

    /// Resolve a natural-language phrase typed into `field`.
    pub fn resolve(&self, field: &'static str, phrase: &str) -> Outcome<Resolved> {
        when::resolve(phrase, &self.when_context()).map_err(|error| Failure::Usage(format!("{field}: {error}")))
    }
}

/// A `when` context with the account's working week.
pub fn when_context(now: ZonedDateTime, work_week: &tickler_core::work_week::WorkWeek) -> when::Context {
    let mut context = when::Context::new(now);
    context.work_week = work_week.clone();
    context
}

/// "Now": `--now` when given (for scripts and tests), else the clock.
pub fn now_instant(flag: Option<&str>) -> Outcome<Timestamp> {
    match flag {
        None => Ok(Timestamp::now()),
        Some(text) => {
            text.parse::<Timestamp>().or_else(|_| text.parse::<ZonedDateTime>().map(|z| z.timestamp())).map_err(|_| {
                Failure::Usage(format!(
                    "now: \"{text}\" is not an instant; use RFC 3339, e.g. 2026-11-24T09:00:00-05:00"
                ))
            })
        }
    }
}

/// The system's zone, or UTC when it cannot be read.
pub fn system_zone() -> ZoneName {
    jiff::tz::TimeZone::try_system()
        .ok()
        .and_then(|zone| zone.iana_name().and_then(|name| ZoneName::parse(name).ok()))
        .unwrap_or_else(ZoneName::utc)
}

/// The database URL: the flag, else `tickler.db` in the user's data directory.
pub fn database_url(flag: Option<&str>) -> Outcome<String> {
    match flag {
        Some(url) if !url.trim().is_empty() => Ok(url.to_string()),
        _ => Ok(default_data_dir()?.join("tickler.db").to_string_lossy().into_owned()),
    }
}

/// The directory Tickler keeps its files in, created when missing.
pub fn default_data_dir() -> Outcome<PathBuf> {
    let base = dirs::data_dir().ok_or_else(|| {
        Failure::Usage("database: no data directory is known for this user; pass --database PATH".to_string())
    })?;
    let dir = base.join("tickler");
    std::fs::create_dir_all(&dir)
        .map_err(|error| Failure::Refused(format!("database: cannot create {}: {error}", dir.display())))?;
    Ok(dir)
}

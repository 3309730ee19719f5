//! What every command that touches data needs: the application, the actor
//! (the account, the user's zone, and "now") — resolved once from flags and
//! environment — and whether to print JSON.

use std::path::PathBuf;

use jiff::{Timestamp, ZonedDateTime};
use tickler_app::{Actor, App, SecretKey};
use tickler_core::contact::ZoneName;

use crate::args::Global;
use crate::failure::{Failure, Outcome};

/// An open application and the actor a command acts as.
pub struct Context {
    pub app: App,
    /// The default account; its zone is `--tz` when given, else the account's.
    pub actor: Actor,
    pub json: bool,
}

impl Context {
    /// Open the database named by the flags (creating it) and the default account.
    pub async fn open(global: &Global) -> Outcome<Context> {
        let url = database_url(global.database.as_deref())?;
        Self::open_at(global, &url).await
    }

    /// Open the database at `url`.
    pub async fn open_at(global: &Global, url: &str) -> Outcome<Context> {
        let flag_zone = global.tz.as_deref().map(ZoneName::parse).transpose()?;
        let instant = now_instant(global.now.as_deref())?;
        // The installation's inbound address, for the commands that show or read work addresses.
        let mail_file = std::env::var("TICKLER_MAIL_CONFIG").ok().and_then(|path| std::fs::read_to_string(path).ok());
        let inbound = tickler_mail::ImapConfig::inbound_address(mail_file.as_deref(), |key| std::env::var(key).ok())
            .ok()
            .flatten();
        let app = App::open(url).await?.with_inbound_address(inbound).with_public_url(global.public_url.clone());
        let creation_zone = flag_zone.clone().unwrap_or_else(system_zone);
        let account = app.default_account(&creation_zone, instant).await?;
        let mut actor = Actor::new(account, None, instant);
        if let Some(zone) = flag_zone {
            actor.zone = zone;
        }
        Ok(Context { app, actor, json: global.json })
    }

    /// The same context, its application holding the installation's secret key.
    pub fn with_secret_key(self, secret_key: Option<SecretKey>) -> Context {
        Context { app: self.app.with_secret_key(secret_key), ..self }
    }

    /// "Now" in the actor's zone.
    pub fn now(&self) -> ZonedDateTime {
        self.actor.now_zoned()
    }
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

//! `tickler doctor`: each part an installation needs, checked as it will be
//! used: the database answers and its schema is this binary's, the relay
//! takes a connection (TLS, EHLO, the login when set), the reply mailbox
//! opens, the time zone is known, and this machine's clock agrees with the
//! database server's. Each check says what is wrong and what to change.

use jiff::Timestamp;
use serde::Serialize;
use tickler_core::contact::ZoneName;
use tickler_mail::{ImapConfig, Inbox, Mailer, SmtpConfig};

use crate::App;

/// Clocks further apart than this make due times and leases drift: a warning.
pub const CLOCK_SKEW_SECONDS: f64 = 5.0;

/// How long the database server has to take a connection.
const PROBE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How one check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    Warn,
    Fail,
}

impl Level {
    /// The word printed: OK, WARN or FAIL.
    pub fn word(self) -> &'static str {
        match self {
            Level::Ok => "OK",
            Level::Warn => "WARN",
            Level::Fail => "FAIL",
        }
    }
}

/// One check: what was checked, how it came out, what was found, and what to do about it.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub level: Level,
    pub detail: String,
    /// What to change; `None` when nothing needs doing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    fn ok(name: &'static str, detail: impl Into<String>) -> Check {
        Check { name, level: Level::Ok, detail: detail.into(), fix: None }
    }

    fn warn(name: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check { name, level: Level::Warn, detail: detail.into(), fix: Some(fix.into()) }
    }

    fn fail(name: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check { name, level: Level::Fail, detail: detail.into(), fix: Some(fix.into()) }
    }
}

/// Connect to the database at `url` without changing it; the app when it answers.
pub async fn database(url: &str) -> (Option<App>, Check) {
    let shown = crate::redact_database_url(url);
    let fix = "check --database (or TICKLER_DATABASE): the path, or the server's host, port, name and login";
    let probed = tokio::time::timeout(PROBE_TIMEOUT, tickler_store::Store::probe(url)).await;
    let probed = probed.unwrap_or_else(|_| {
        Err(tickler_store::Error::Config(format!("no answer within {} s", PROBE_TIMEOUT.as_secs())))
    });
    if let Err(error) = probed {
        return (None, Check::fail("database", format!("{shown}: {error}"), fix));
    }
    let app = match App::connect(url).await {
        Ok(app) => app,
        Err(error) => return (None, Check::fail("database", format!("{shown}: {}", error.message), fix)),
    };
    match app.ping().await {
        Ok(()) => (Some(app), Check::ok("database", format!("{shown} answers"))),
        Err(error) => (None, Check::fail("database", format!("{shown}: {}", error.message), fix)),
    }
}

/// Whether the schema is exactly this binary's.
pub async fn migrations(app: &App) -> Check {
    match app.schema_status().await {
        Ok(status) => match status.problem() {
            None => Check::ok("migrations", format!("current: {} applied", status.applied.len())),
            Some(problem) if !status.unknown.is_empty() => {
                Check::fail("migrations", problem, "run the newer tickler that migrated this database")
            }
            Some(problem) => Check::fail("migrations", problem, "run `tickler migrate`"),
        },
        Err(error) => Check::fail("migrations", error.message, "check the database login may read the schema"),
    }
}

/// This machine's clock against the database server's.
pub async fn clock(app: &App) -> Check {
    let before = Timestamp::now();
    let theirs = match app.store().database_now().await {
        Ok(theirs) => theirs,
        Err(error) => return Check::fail("clock", error.to_string(), "check the database answers"),
    };
    let after = Timestamp::now();
    let ours = before + before.duration_until(after) / 2;
    let skew = ours.duration_since(theirs).as_secs_f64();
    let detail = match app.backend() {
        tickler_store::Backend::Sqlite => "SQLite reads this machine's clock".to_string(),
        tickler_store::Backend::Postgres => format!("{skew:+.1} s from the database server's"),
    };
    if skew.abs() > CLOCK_SKEW_SECONDS {
        return Check::warn(
            "clock",
            format!("this machine's clock is {skew:+.1} s from the database server's"),
            "synchronise both clocks (NTP, e.g. systemd-timesyncd or chrony)",
        );
    }
    Check::ok("clock", detail)
}

/// The relay: connect, EHLO and log in as a send would, then hang up. `config` is the settings or why they are wrong.
pub async fn smtp(config: Result<SmtpConfig, String>) -> Check {
    let fix = "check TICKLER_SMTP_HOST, _PORT, _SECURITY, _USERNAME and _PASSWORD (or --mail-config)";
    let config = match config {
        Ok(config) => config,
        Err(error) => return Check::fail("smtp", format!("the settings: {error}"), fix),
    };
    let server = format!("{}:{} ({})", config.host, config.port, config.security.as_str());
    let checked = match Mailer::new(&config) {
        Ok(mailer) => mailer.check().await,
        Err(error) => Err(error),
    };
    match checked {
        Ok(()) => {
            let login = config.username.as_ref().map(|user| format!(", logged in as {user}")).unwrap_or_default();
            Check::ok("smtp", format!("{server}: EHLO accepted{login}"))
        }
        Err(error) => Check::fail("smtp", format!("{server}: {error}"), fix),
    }
}

/// The reply mailbox: log in and open it, then log out. `None`: not set, which is fine.
pub async fn imap(config: Result<Option<ImapConfig>, String>) -> Check {
    let fix = "check TICKLER_IMAP_HOST, _PORT, _SECURITY, _USERNAME, _PASSWORD and _MAILBOX (or --mail-config)";
    let config = match config {
        Ok(Some(config)) => config,
        Ok(None) => return Check::ok("imap", "not set: replies are read only from users' own mailboxes"),
        Err(error) => return Check::fail("imap", format!("the settings: {error}"), fix),
    };
    let server = format!("{}:{} {}", config.host, config.port, config.mailbox);
    match Inbox::open(&config).await {
        Ok((inbox, status)) => {
            inbox.close().await;
            Check::ok("imap", format!("{server}: opened, {} message(s)", status.messages))
        }
        Err(error) => Check::fail("imap", format!("{server}: {error}"), fix),
    }
}

/// The zone dates are read in: `given` (--tz or TICKLER_TZ), else this machine's.
pub fn zone(given: Option<&str>) -> Check {
    if let Some(given) = given {
        return match ZoneName::parse(given) {
            Ok(zone) => Check::ok("zone", format!("{} (from --tz)", zone.as_str())),
            Err(error) => Check::fail("zone", format!("--tz: {error}"), "give an IANA zone name such as Europe/Berlin"),
        };
    }
    let system = jiff::tz::TimeZone::try_system().ok();
    match system.as_ref().and_then(|zone| zone.iana_name()).map(ZoneName::parse) {
        Some(Ok(zone)) => Check::ok("zone", format!("{} (this machine's)", zone.as_str())),
        _ => Check::warn(
            "zone",
            "this machine's time zone is not known: commands without --tz read dates in UTC",
            "set TZ (e.g. TZ=Europe/Berlin) or TICKLER_TZ, or link /etc/localtime",
        ),
    }
}

//! How `tickler serve` is set up: built-in defaults, then `tickler.toml`,
//! then `TICKLER_*` variables, then command-line flags, each overriding the
//! one before.

use std::net::SocketAddr;
use std::path::Path;

use jiff::Timestamp;
use serde::Deserialize;

/// The server's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// SQLite path or `postgres://` URL.
    pub database: String,
    /// Mark cookies `Secure` even without `X-Forwarded-Proto: https` (behind a TLS proxy that does not say so).
    pub secure_cookies: bool,
    /// A fixed "now" for demos and tests; the clock when `None`.
    pub now: Option<Timestamp>,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Failed sign-ins allowed per login, and per client address ×4, within `login_window_seconds`.
    pub login_attempts: u32,
    pub login_window_seconds: u64,
    /// How long a session lasts without signing in again.
    pub session_days: i64,
    /// The demo login (email, password) shown on the sign-in page of `serve --demo`.
    pub demo_login: Option<(String, String)>,
    /// How long token lookups and agenda responses are reused, in milliseconds (0: never).
    pub cache_ms: u64,
    /// The bearer token `/metrics` asks for on the main address; `None`: not served there.
    pub metrics_token: Option<String>,
    /// A separate address serving `/metrics` without a token; `None`: none.
    pub metrics_listen: Option<SocketAddr>,
}

impl Config {
    /// Defaults for a database at `database`.
    pub fn new(database: impl Into<String>) -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database: database.into(),
            secure_cookies: false,
            now: None,
            max_body_bytes: 1024 * 1024,
            login_attempts: 5,
            login_window_seconds: 15 * 60,
            session_days: 30,
            demo_login: None,
            cache_ms: 1000,
            metrics_token: None,
            metrics_listen: None,
        }
    }

    /// Apply a `tickler.toml` file's text. Unknown keys are errors, so a typo is not silently ignored.
    pub fn apply_file(&mut self, path: &Path, text: &str) -> Result<(), String> {
        let file: FileConfig =
            toml::from_str(text).map_err(|error| format!("config file {}: {}", path.display(), error.message()))?;
        let at = |key: &str| format!("config file {}: {key}", path.display());
        if let Some(listen) = file.listen {
            self.listen = parse_listen(&listen).map_err(|error| format!("{}: {error}", at("listen")))?;
        }
        if let Some(database) = file.database {
            self.database = database;
        }
        if let Some(secure) = file.secure_cookies {
            self.secure_cookies = secure;
        }
        if let Some(bytes) = file.max_body_bytes {
            self.max_body_bytes = bytes;
        }
        if let Some(attempts) = file.login_attempts {
            self.login_attempts = attempts.max(1);
        }
        if let Some(days) = file.session_days {
            self.session_days = days.max(1);
        }
        if let Some(ms) = file.cache_ms {
            self.cache_ms = ms;
        }
        if let Some(token) = file.metrics_token {
            self.metrics_token =
                Some(metrics_token(&token).map_err(|error| format!("{}: {error}", at("metrics_token")))?);
        }
        if let Some(listen) = file.metrics_listen {
            self.metrics_listen =
                Some(parse_listen(&listen).map_err(|error| format!("{}: {error}", at("metrics_listen")))?);
        }
        Ok(())
    }

    /// Apply `TICKLER_LISTEN`, `TICKLER_DATABASE`, `TICKLER_SECURE_COOKIES`, `TICKLER_CACHE_MS`,
    /// `TICKLER_METRICS_TOKEN` and `TICKLER_METRICS_LISTEN` from `var`.
    pub fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> Result<(), String> {
        if let Some(listen) = var("TICKLER_LISTEN") {
            self.listen = parse_listen(&listen).map_err(|error| format!("TICKLER_LISTEN: {error}"))?;
        }
        if let Some(database) = var("TICKLER_DATABASE").filter(|value| !value.trim().is_empty()) {
            self.database = database;
        }
        if let Some(ms) = var("TICKLER_CACHE_MS") {
            self.cache_ms =
                ms.trim().parse().map_err(|_| format!("TICKLER_CACHE_MS: \"{ms}\" is not a number of milliseconds"))?;
        }
        if let Some(token) = var("TICKLER_METRICS_TOKEN") {
            self.metrics_token =
                Some(metrics_token(&token).map_err(|error| format!("TICKLER_METRICS_TOKEN: {error}"))?);
        }
        if let Some(listen) = var("TICKLER_METRICS_LISTEN") {
            self.metrics_listen =
                Some(parse_listen(&listen).map_err(|error| format!("TICKLER_METRICS_LISTEN: {error}"))?);
        }
        if let Some(secure) = var("TICKLER_SECURE_COOKIES") {
            self.secure_cookies = match secure.trim() {
                "1" | "true" | "yes" => true,
                "0" | "false" | "no" | "" => false,
                other => return Err(format!("TICKLER_SECURE_COOKIES: \"{other}\" is not true or false")),
            };
        }
        Ok(())
    }
}

/// Read a listen address: `host:port`, or a bare `:port` for all interfaces.
pub fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    let text = text.trim();
    let full = if let Some(port) = text.strip_prefix(':') { format!("0.0.0.0:{port}") } else { text.to_string() };
    full.parse().map_err(|_| format!("\"{text}\" is not an address such as 127.0.0.1:8080 or :8080"))
}

/// A metrics token: at least 16 characters with no spaces, so it is not guessed or cut short in a header.
pub fn metrics_token(text: &str) -> Result<String, String> {
    let token = text.trim();
    if token.chars().count() < 16 || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("give at least 16 characters without spaces (e.g. the output of `openssl rand -hex 24`)".into());
    }
    Ok(token.to_string())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    database: Option<String>,
    secure_cookies: Option<bool>,
    max_body_bytes: Option<usize>,
    login_attempts: Option<u32>,
    session_days: Option<i64>,
    cache_ms: Option<u64>,
    metrics_token: Option<String>,
    metrics_listen: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_sources_win() {
        let mut config = Config::new("a.db");
        config.apply_file(Path::new("tickler.toml"), "listen = \"127.0.0.1:9000\"\ndatabase = \"b.db\"\n").unwrap();
        assert_eq!(config.listen.port(), 9000);
        config
            .apply_env(|name| match name {
                "TICKLER_DATABASE" => Some("c.db".into()),
                "TICKLER_LISTEN" => Some(":7000".into()),
                _ => None,
            })
            .unwrap();
        assert_eq!(config.database, "c.db");
        assert_eq!(config.listen.to_string(), "0.0.0.0:7000");
    }

    #[test]
    fn mistakes_name_the_key() {
        let mut config = Config::new("a.db");
        let error = config.apply_file(Path::new("t.toml"), "lisen = \"x\"").unwrap_err();
        assert!(error.contains("lisen"), "{error}");
        let error = config.apply_file(Path::new("t.toml"), "listen = \"nowhere\"").unwrap_err();
        assert!(error.contains("listen"), "{error}");
        let error = config.apply_env(|_| Some("maybe".into())).unwrap_err();
        assert!(error.starts_with("TICKLER_LISTEN"), "{error}");
    }
}

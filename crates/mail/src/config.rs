//! SMTP relay settings: a `key = value` file, overridden by `TICKLER_SMTP_*`
//! variables. Read once at start-up by the binary and passed down.

use std::collections::HashMap;

use serde::Serialize;

use crate::MailError;

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain SMTP (a relay on localhost, or tests).
    None,
    /// STARTTLS upgrade, required (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

impl Security {
    fn parse(raw: &str) -> Result<Security, MailError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "none" | "plain" | "off" => Ok(Security::None),
            "starttls" => Ok(Security::StartTls),
            "tls" | "ssl" | "smtps" => Ok(Security::Tls),
            other => Err(MailError::Config {
                field: "security",
                message: format!("unknown security \"{other}\"; choose one of: none, starttls, tls"),
            }),
        }
    }
}

/// Where and how to hand email over, and the From used when a user has set none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: Option<String>,
    #[serde(skip)]
    pub password: Option<String>,
    /// The From address when the user has not set their own.
    pub from_address: String,
    pub from_name: String,
    /// Seconds to wait for the server.
    pub timeout_seconds: u64,
    /// Connections kept open to the relay.
    pub connections: u32,
}

impl Default for SmtpConfig {
    fn default() -> Self {
        SmtpConfig {
            host: "localhost".into(),
            port: 25,
            security: Security::None,
            username: None,
            password: None,
            from_address: String::new(),
            from_name: "Tickler".into(),
            timeout_seconds: 30,
            connections: 4,
        }
    }
}

/// The keys a file or the environment may set (the environment adds `TICKLER_SMTP_` and upper case).
pub const KEYS: [&str; 9] =
    ["host", "port", "security", "username", "password", "from_address", "from_name", "timeout", "connections"];

impl SmtpConfig {
    /// Settings from a file's text (`key = value` lines, `#` comments) overridden by `env`
    /// (e.g. `TICKLER_SMTP_HOST`). A port alone chooses the security: 465 → tls, 587 → starttls.
    pub fn from_sources(file: Option<&str>, env: impl Fn(&str) -> Option<String>) -> Result<SmtpConfig, MailError> {
        let mut values: HashMap<String, String> = HashMap::new();
        for (number, line) in file.unwrap_or("").lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with('[') {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(MailError::Config {
                    field: "config",
                    message: format!("line {}: expected key = value", number + 1),
                });
            };
            let key = key.trim().to_ascii_lowercase();
            if !KEYS.contains(&key.as_str()) {
                return Err(MailError::Config {
                    field: "config",
                    message: format!("line {}: unknown key \"{key}\"; the keys are {}", number + 1, KEYS.join(", ")),
                });
            }
            values.insert(key, value.trim().trim_matches('"').to_string());
        }
        for key in KEYS {
            if let Some(value) = env(&format!("TICKLER_SMTP_{}", key.to_ascii_uppercase())) {
                values.insert(key.to_string(), value);
            }
        }
        let mut config = SmtpConfig::default();
        if let Some(host) = values.remove("host") {
            config.host = host;
        }
        if let Some(port) = values.remove("port") {
            config.port = port.trim().parse().map_err(|_| MailError::Config {
                field: "port",
                message: format!("\"{port}\" is not a port number"),
            })?;
            config.security = match config.port {
                465 => Security::Tls,
                587 => Security::StartTls,
                _ => Security::None,
            };
        }
        if let Some(security) = values.remove("security") {
            config.security = Security::parse(&security)?;
        }
        config.username = values.remove("username").filter(|v| !v.is_empty());
        config.password = values.remove("password").filter(|v| !v.is_empty());
        if let Some(address) = values.remove("from_address") {
            config.from_address = address;
        }
        if let Some(name) = values.remove("from_name") {
            config.from_name = name;
        }
        let number = |field: &'static str, raw: String| -> Result<u64, MailError> {
            raw.trim()
                .parse()
                .map_err(|_| MailError::Config { field, message: format!("\"{raw}\" is not a whole number") })
        };
        if let Some(timeout) = values.remove("timeout") {
            config.timeout_seconds = number("timeout", timeout)?.max(1);
        }
        if let Some(connections) = values.remove("connections") {
            config.connections = u32::try_from(number("connections", connections)?.clamp(1, 64)).unwrap_or(4);
        }
        if config.host.trim().is_empty() {
            return Err(MailError::Config { field: "host", message: "is empty".into() });
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_overrides_the_file() {
        let file = "# relay\nhost = smtp.example.org\nport = 587\nusername = sam\npassword = \"s3cret\"\n";
        let config =
            SmtpConfig::from_sources(Some(file), |key| (key == "TICKLER_SMTP_HOST").then(|| "relay.local".into()))
                .unwrap();
        assert_eq!(config.host, "relay.local");
        assert_eq!((config.port, config.security), (587, Security::StartTls));
        assert_eq!(config.password.as_deref(), Some("s3cret"));
    }

    #[test]
    fn bad_settings_name_the_field() {
        let error = SmtpConfig::from_sources(Some("port = twenty-five"), |_| None).unwrap_err().to_string();
        assert!(error.starts_with("port:"), "{error}");
        let error = SmtpConfig::from_sources(None, |key| (key == "TICKLER_SMTP_SECURITY").then(|| "maybe".into()))
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("security:"), "{error}");
        assert!(SmtpConfig::from_sources(Some("hots = x"), |_| None).is_err());
    }
}

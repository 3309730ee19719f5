//! Mail settings: one `key = value` file whose keys before any section, or
//! under `[smtp]`, set the SMTP relay and under `[imap]` the mailbox watched
//! for replies; `TICKLER_SMTP_*` and `TICKLER_IMAP_*` variables override them.
//! Read once at start-up by the binary and passed down.

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
    /// Read `none` (also `plain`, `off`), `starttls`, or `tls` (also `ssl`, `smtps`, `imaps`);
    /// anything else is an error naming `field`.
    pub fn parse(field: &'static str, raw: &str) -> Result<Security, MailError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "none" | "plain" | "off" => Ok(Security::None),
            "starttls" => Ok(Security::StartTls),
            "tls" | "ssl" | "smtps" | "imaps" => Ok(Security::Tls),
            other => Err(MailError::Config {
                field,
                message: format!("unknown security \"{other}\"; choose one of: none, starttls, tls"),
            }),
        }
    }

    /// The word [`Security::parse`] reads back: `none`, `starttls` or `tls`.
    pub fn as_str(self) -> &'static str {
        match self {
            Security::None => "none",
            Security::StartTls => "starttls",
            Security::Tls => "tls",
        }
    }

    /// A submission server's port and security from what was given: a port
    /// alone chooses the security (465 tls, 587 starttls, others none), a
    /// security alone the port (tls 465, starttls 587, none 25); neither is
    /// 587 with STARTTLS, what mail providers offer their users.
    pub fn for_smtp(port: Option<u16>, security: Option<Security>) -> (u16, Security) {
        match (port, security) {
            (Some(port), Some(security)) => (port, security),
            (Some(port), None) => (
                port,
                match port {
                    465 => Security::Tls,
                    587 => Security::StartTls,
                    _ => Security::None,
                },
            ),
            (None, Some(Security::Tls)) => (465, Security::Tls),
            (None, Some(Security::None)) => (25, Security::None),
            (None, Some(Security::StartTls) | None) => (587, Security::StartTls),
        }
    }

    /// An IMAP server's port and security from what was given: a port alone
    /// chooses the security (993 tls, 143 starttls, others none), a security
    /// alone the port (tls 993, others 143); neither is 993 with TLS.
    pub fn for_imap(port: Option<u16>, security: Option<Security>) -> (u16, Security) {
        match (port, security) {
            (Some(port), Some(security)) => (port, security),
            (Some(port), None) => (
                port,
                match port {
                    993 => Security::Tls,
                    143 => Security::StartTls,
                    _ => Security::None,
                },
            ),
            (None, Some(Security::Tls) | None) => (993, Security::Tls),
            (None, Some(security)) => (143, security),
        }
    }
}

/// Where and how to hand email over, and the From used when a user has set none.
/// Its `Debug` leaves the password out.
#[derive(Clone, PartialEq, Eq, Serialize)]
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

impl std::fmt::Debug for SmtpConfig {
    /// Everything but the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password_set", &self.password.is_some())
            .field("from_address", &self.from_address)
            .field("from_name", &self.from_name)
            .field("timeout_seconds", &self.timeout_seconds)
            .field("connections", &self.connections)
            .finish()
    }
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
        let mut values = read_section(file.unwrap_or(""), Section::Smtp)?;
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
            config.security = Security::parse("security", &security)?;
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

/// The keys of the `[imap]` section (the environment adds `TICKLER_IMAP_` and upper case).
pub const IMAP_KEYS: [&str; 9] =
    ["host", "port", "security", "username", "password", "mailbox", "poll_seconds", "timeout", "address"];

/// The mailbox watched for replies, and how often.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct ImapConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: String,
    #[serde(skip)]
    pub password: String,
    /// The mailbox replies arrive in.
    pub mailbox: String,
    /// Seconds between looks at the mailbox.
    pub poll_seconds: u64,
    /// Seconds to wait for the server.
    pub timeout_seconds: u64,
}

impl std::fmt::Debug for ImapConfig {
    /// Everything but the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("mailbox", &self.mailbox)
            .field("poll_seconds", &self.poll_seconds)
            .field("timeout_seconds", &self.timeout_seconds)
            .finish_non_exhaustive()
    }
}

impl ImapConfig {
    /// Settings from the `[imap]` section of a file's text overridden by `env`
    /// (e.g. `TICKLER_IMAP_HOST`); `None` when no host is set (reply detection off).
    /// Port 993 alone chooses tls, 143 starttls; with neither port nor security: 993, tls.
    pub fn from_sources(
        file: Option<&str>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<ImapConfig>, MailError> {
        let mut values = read_section(file.unwrap_or(""), Section::Imap)?;
        for key in IMAP_KEYS {
            if let Some(value) = env(&format!("TICKLER_IMAP_{}", key.to_ascii_uppercase())) {
                values.insert(key.to_string(), value);
            }
        }
        let Some(host) = values.remove("host").map(|host| host.trim().to_string()) else {
            return Ok(None);
        };
        if host.is_empty() {
            return Err(MailError::Config { field: "imap.host", message: "is empty".into() });
        }
        let port = values
            .remove("port")
            .map(|port| {
                port.trim().parse::<u16>().ok().filter(|port| *port > 0).ok_or_else(|| MailError::Config {
                    field: "imap.port",
                    message: format!("\"{port}\" is not a port number"),
                })
            })
            .transpose()?;
        let security = values.remove("security").map(|raw| Security::parse("imap.security", &raw)).transpose()?;
        let (port, security) = Security::for_imap(port, security);
        let required = |field: &'static str, value: Option<String>| {
            value.filter(|value| !value.is_empty()).ok_or_else(|| MailError::Config {
                field,
                message: format!("is required with imap.host (in [imap] or {})", env_name(field)),
            })
        };
        let username = required("imap.username", values.remove("username"))?;
        let password = required("imap.password", values.remove("password"))?;
        let mailbox = values.remove("mailbox").map(|name| name.trim().to_string()).unwrap_or_default();
        let number = |field: &'static str, raw: Option<String>, default: u64| -> Result<u64, MailError> {
            match raw {
                None => Ok(default),
                Some(raw) => raw.trim().parse::<u64>().ok().filter(|value| *value > 0).ok_or_else(|| {
                    MailError::Config { field, message: format!("\"{raw}\" is not a whole number of seconds above 0") }
                }),
            }
        };
        Ok(Some(ImapConfig {
            host,
            port,
            security,
            username,
            password,
            mailbox: if mailbox.is_empty() { "INBOX".to_string() } else { mailbox },
            poll_seconds: number("imap.poll_seconds", values.remove("poll_seconds"), 60)?,
            timeout_seconds: number("imap.timeout", values.remove("timeout"), 30)?,
        }))
    }

    /// The installation's inbound address (`address` in `[imap]`, or
    /// `TICKLER_IMAP_ADDRESS`): mail to its plus-addresses carrying a user's
    /// secret (`followup+k7f2m4qx.log@example.org`) acts for that user.
    /// `None` when unset; an error when it is not an address.
    pub fn inbound_address(
        file: Option<&str>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<String>, MailError> {
        let mut values = read_section(file.unwrap_or(""), Section::Imap)?;
        let address = env("TICKLER_IMAP_ADDRESS").or_else(|| values.remove("address"));
        let Some(address) = address.map(|address| address.trim().to_lowercase()).filter(|a| !a.is_empty()) else {
            return Ok(None);
        };
        match address.rsplit_once('@') {
            Some((local, domain)) if !local.is_empty() && domain.contains('.') && !local.contains('+') => {
                Ok(Some(address))
            }
            _ => Err(MailError::Config {
                field: "imap.address",
                message: format!("\"{address}\" is not an address such as followup@example.org (without a +)"),
            }),
        }
    }

    /// Names this mailbox on this server for this user: the key its poll state is kept under.
    pub fn mailbox_key(&self) -> String {
        format!("imap://{}@{}:{}/{}", self.username, self.host, self.port, self.mailbox)
    }
}

fn env_name(field: &str) -> String {
    format!("TICKLER_{}", field.replace('.', "_").to_ascii_uppercase())
}

/// The installation's key for sealing the passwords people store (their own
/// mailboxes): the `secret_key = …` line before any section of the file, if any.
/// The binary prefers `TICKLER_SECRET_KEY` and checks the key's form itself.
pub fn secret_key_setting(file: Option<&str>) -> Result<Option<String>, MailError> {
    Ok(read_section(file.unwrap_or(""), Section::Top)?.remove(SECRET_KEY).filter(|key| !key.is_empty()))
}

/// The one key of the file's top that belongs to no section.
const SECRET_KEY: &str = "secret_key";

/// The sections of a mail settings file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    /// Before any section: `secret_key` (the other keys there are the relay's).
    Top,
    Smtp,
    Imap,
}

impl Section {
    fn keys(self) -> &'static [&'static str] {
        match self {
            Section::Top => &[SECRET_KEY],
            Section::Smtp => &KEYS,
            Section::Imap => &IMAP_KEYS,
        }
    }
}

/// The values of one section of a settings file. Every line of the file is
/// checked, so a typo anywhere is an error naming the line and the key.
fn read_section(file: &str, wanted: Section) -> Result<HashMap<String, String>, MailError> {
    let mut values = HashMap::new();
    let mut section = Section::Smtp;
    let mut top = true;
    let problem = |number: usize, message: String| MailError::Config {
        field: "config",
        message: format!("line {}: {message}", number + 1),
    };
    for (number, line) in file.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[') {
            top = false;
            section = match name.trim_end_matches(']').trim().to_ascii_lowercase().as_str() {
                "smtp" => Section::Smtp,
                "imap" => Section::Imap,
                other => {
                    return Err(problem(
                        number,
                        format!("unknown section [{other}]; the sections are [smtp] and [imap]"),
                    ));
                }
            };
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(problem(number, "expected key = value".into()));
        };
        let key = key.trim().to_ascii_lowercase();
        let section = if top && key == SECRET_KEY { Section::Top } else { section };
        if !section.keys().contains(&key.as_str()) {
            let name = if section == Section::Imap { "[imap]" } else { "[smtp]" };
            let top_only = if key == SECRET_KEY { " (secret_key goes before any section)" } else { "" };
            return Err(problem(
                number,
                format!("unknown key \"{key}\" in {name}{top_only}; the keys are {}", section.keys().join(", ")),
            ));
        }
        if section == wanted {
            values.insert(key, value.trim().trim_matches('"').to_string());
        }
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inbound_address_is_read_and_checked() {
        let file = "[imap]\nhost = x\naddress = FollowUp@Example.org\n";
        assert_eq!(ImapConfig::inbound_address(Some(file), |_| None).unwrap().as_deref(), Some("followup@example.org"));
        assert_eq!(ImapConfig::inbound_address(None, |_| None).unwrap(), None);
        let env = |key: &str| (key == "TICKLER_IMAP_ADDRESS").then(|| "in@tickler.example".to_string());
        assert_eq!(ImapConfig::inbound_address(Some(file), env).unwrap().as_deref(), Some("in@tickler.example"));
        let error = ImapConfig::inbound_address(Some("[imap]\naddress = a+b@x.org\n"), |_| None).unwrap_err();
        assert!(error.to_string().starts_with("imap.address:"), "{error}");
    }

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

    #[test]
    fn imap_settings_live_in_their_own_section() {
        let file = "host = smtp.example.org\n[imap]\nhost = imap.example.org\nusername = sam\npassword = s3cret\n";
        let smtp = SmtpConfig::from_sources(Some(file), |_| None).unwrap();
        assert_eq!(smtp.host, "smtp.example.org");
        let imap = ImapConfig::from_sources(Some(file), |_| None).unwrap().unwrap();
        assert_eq!((imap.host.as_str(), imap.port, imap.security), ("imap.example.org", 993, Security::Tls));
        assert_eq!((imap.mailbox.as_str(), imap.poll_seconds), ("INBOX", 60));
        assert_eq!(imap.mailbox_key(), "imap://sam@imap.example.org:993/INBOX");
        assert!(!format!("{imap:?}").contains("s3cret"));
        let env = |key: &str| match key {
            "TICKLER_IMAP_PORT" => Some("143".to_string()),
            "TICKLER_IMAP_MAILBOX" => Some("Replies".to_string()),
            _ => None,
        };
        let imap = ImapConfig::from_sources(Some(file), env).unwrap().unwrap();
        assert_eq!((imap.port, imap.security, imap.mailbox.as_str()), (143, Security::StartTls, "Replies"));
        assert_eq!(ImapConfig::from_sources(Some("host = smtp.example.org"), |_| None).unwrap(), None);
    }

    #[test]
    fn the_secret_key_is_a_line_of_the_top() {
        let file =
            "secret_key = abc\nhost = smtp.example.org\n[imap]\nhost = imap.example.org\nusername = u\npassword = p\n";
        assert_eq!(secret_key_setting(Some(file)).unwrap().as_deref(), Some("abc"));
        assert_eq!(SmtpConfig::from_sources(Some(file), |_| None).unwrap().host, "smtp.example.org");
        assert!(ImapConfig::from_sources(Some(file), |_| None).unwrap().is_some());
        assert_eq!(secret_key_setting(Some("host = x")).unwrap(), None);
        assert_eq!(secret_key_setting(None).unwrap(), None);
        let misplaced = secret_key_setting(Some("[imap]\nsecret_key = abc")).unwrap_err().to_string();
        assert!(misplaced.contains("before any section"), "{misplaced}");
    }

    #[test]
    fn ports_and_security_choose_each_other() {
        assert_eq!(Security::for_smtp(None, None), (587, Security::StartTls));
        assert_eq!(Security::for_smtp(Some(465), None), (465, Security::Tls));
        assert_eq!(Security::for_smtp(None, Some(Security::Tls)), (465, Security::Tls));
        assert_eq!(Security::for_smtp(Some(2525), None), (2525, Security::None));
        assert_eq!(Security::for_imap(None, None), (993, Security::Tls));
        assert_eq!(Security::for_imap(Some(143), None), (143, Security::StartTls));
        assert_eq!(Security::for_imap(None, Some(Security::None)), (143, Security::None));
        assert_eq!(Security::parse("x", "SSL").unwrap().as_str(), "tls");
        let config = SmtpConfig { password: Some("s3cret".into()), ..SmtpConfig::default() };
        assert!(!format!("{config:?}").contains("s3cret"));
    }

    #[test]
    fn bad_imap_settings_name_the_setting() {
        let error = |file: &str| ImapConfig::from_sources(Some(file), |_| None).unwrap_err().to_string();
        assert!(error("[imap]\nhost = x\npassword = p").starts_with("imap.username:"));
        assert!(error("[imap]\nhost = x\nusername = u\npassword = p\nport = 0").starts_with("imap.port:"));
        assert!(error("[imap]\nhost = x\nusername = u\npassword = p\nsecurity = maybe").starts_with("imap.security:"));
        assert!(
            error("[imap]\nhost = x\nusername = u\npassword = p\npoll_seconds = 0").starts_with("imap.poll_seconds:")
        );
        let unknown = error("[imap]\nhots = x");
        assert!(unknown.starts_with("config: line 2: unknown key \"hots\" in [imap]"), "{unknown}");
        let section = error("[pop3]\nhost = x");
        assert!(section.contains("unknown section [pop3]"), "{section}");
        // A mistake in either section is refused by both readers.
        assert!(SmtpConfig::from_sources(Some("[imap]\nhots = x"), |_| None).is_err());
    }
}

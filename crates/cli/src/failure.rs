//! The one place errors become messages and exit codes: 2 for a usage
//! error (bad input, unknown or ambiguous record), 1 for a refused or failed action.

use tickler_app::{Kind, Record};

/// Why a command failed, already worded for the person at the terminal.
#[derive(Debug)]
pub enum Failure {
    /// The command line was wrong; exit code 2.
    Usage(String),
    /// The action was refused or could not be done; exit code 1.
    Refused(String),
    /// Standard output was closed by its reader (`| head`): stop quietly,
    /// with the exit code of a process ended by SIGPIPE.
    OutputClosed,
}

impl Failure {
    /// The process exit code.
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Refused(_) => 1,
            Failure::OutputClosed => 141,
        }
    }

    /// The one-line message.
    pub fn message(&self) -> &str {
        match self {
            Failure::Usage(message) | Failure::Refused(message) => message,
            Failure::OutputClosed => "",
        }
    }
}

/// What an input field is called on the command line, where it differs from the action's name.
fn flag_name(field: &str) -> Option<&'static str> {
    Some(match field {
        "zone" => "tz",
        "contact_id" => "contact",
        "organisation" => "org",
        "preferred_channel" => "channel",
        "pacing_gap_days" => "pacing",
        "notes" => "note",
        "emails" => "email",
        "phones" => "phone",
        "tags" => "tag",
        "remove_emails" => "remove-email",
        "remove_tags" => "remove-tag",
        "work_start" => "work-start",
        "work_end" => "work-end",
        "work_days" => "work-days",
        "date_order" => "date-order",
        "digest_hour" => "digest-hour",
        "review_day" => "review-day",
        "review_hour" => "review-hour",
        "on_duplicate" => "on-duplicate",
        "smtp_host" => "smtp-host",
        "smtp_port" => "smtp-port",
        "smtp_security" => "smtp-security",
        "smtp_username" => "smtp-username",
        "smtp_password" => "smtp-password",
        "from_name" => "from-name",
        "from_address" => "from-address",
        "imap_host" => "imap-host",
        "imap_port" => "imap-port",
        "imap_security" => "imap-security",
        "imap_username" => "imap-username",
        "imap_password" => "imap-password",
        "inbox_folder" => "inbox-folder",
        "sent_folder" => "sent-folder",
        "per_minute" => "per-minute",
        _ => return None,
    })
}

impl From<tickler_app::Error> for Failure {
    fn from(error: tickler_app::Error) -> Self {
        let message = match (error.field, error.field.and_then(flag_name)) {
            (Some(field), Some(flag)) => match error.message.strip_prefix(field) {
                Some(rest) if rest.starts_with(':') => format!("{flag}{rest}"),
                _ => error.message.clone(),
            },
            _ => error.message.clone(),
        };
        match error.kind {
            Kind::Invalid | Kind::Ambiguous => Failure::Usage(message),
            Kind::NotFound(record) => {
                let hint = match record {
                    Record::Contact => "; name a contact by id, email or part of the name (see: tickler contacts)",
                    Record::FollowUp => "; see the ids with: tickler today",
                    Record::Promise => "; see the ids with: tickler promises",
                    Record::LibraryItem => "; see the ids with: tickler library ls",
                    Record::Plan | Record::PlanStep => "; see the plans with: tickler plan list",
                    Record::Enrollment => "; see the ids with: tickler enrollments",
                    Record::User => "; see them with: tickler user list",
                    Record::List => "; see the lists with: tickler lists",
                    Record::Campaign => "; see the campaigns with: tickler campaign list",
                    _ => "",
                };
                Failure::Usage(format!("{message}{hint}"))
            }
            Kind::Pacing(_) => Failure::Refused(format!(
                "{message}; add --agreed if they asked for it, or --force to schedule it anyway"
            )),
            Kind::Duplicate
            | Kind::Refused
            | Kind::Forbidden
            | Kind::Unauthorized
            | Kind::Unavailable
            | Kind::Internal => Failure::Refused(message),
        }
    }
}

impl From<tickler_core::Error> for Failure {
    fn from(error: tickler_core::Error) -> Self {
        tickler_app::Error::from(error).into()
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        match error.kind() {
            std::io::ErrorKind::BrokenPipe => Failure::OutputClosed,
            _ => Failure::Refused(error.to_string()),
        }
    }
}

impl From<serde_json::Error> for Failure {
    fn from(error: serde_json::Error) -> Self {
        Failure::Refused(format!("cannot write JSON: {error}"))
    }
}

/// Result of a command.
pub type Outcome<T = ()> = Result<T, Failure>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_named_as_the_flags_are() {
        let failure = Failure::from(tickler_app::Error::invalid("zone", "\"Mars\" is not a time zone"));
        assert_eq!(failure.exit_code(), 2);
        assert_eq!(failure.message(), "tz: \"Mars\" is not a time zone");
    }

    #[test]
    fn kinds_have_their_exit_codes() {
        let not_found = Failure::from(tickler_app::Error::not_found(Record::FollowUp, "no follow-up matches \"9\""));
        assert_eq!(not_found.exit_code(), 2);
        assert!(not_found.message().ends_with("tickler today"), "{}", not_found.message());
        assert_eq!(Failure::from(tickler_app::Error::refused("never")).exit_code(), 1);
        assert_eq!(Failure::from(tickler_app::Error::new(Kind::Unavailable, "down")).exit_code(), 1);
    }
}

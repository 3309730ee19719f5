//! Consent: active, "not now" (nurture, re-ask later) or "do not contact"
//! (nothing, ever). The rule that guards every outreach lives here.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::ContactId;
use crate::names::parse_named;
use crate::touch::Outcome;

/// The three consent states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ConsentState {
    Active,
    NotNow,
    /// "Never": shown, stored and serialized as `never`.
    #[serde(rename = "never")]
    DoNotContact,
}

impl ConsentState {
    /// The stored and displayed name.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentState::Active => "active",
            ConsentState::NotNow => "not-now",
            ConsentState::DoNotContact => "never",
        }
    }

    /// Read a state: `active`, `not-now`, `never` (also `do-not-contact`).
    pub fn parse(raw: &str) -> Result<Self> {
        if raw.trim().eq_ignore_ascii_case("do-not-contact") {
            return Ok(ConsentState::DoNotContact);
        }
        parse_named(
            "consent",
            raw,
            &[ConsentState::Active, ConsentState::NotNow, ConsentState::DoNotContact],
            Self::as_str,
        )
    }

    /// The state a touch's outcome asks for, if any (see
    /// [`Consent::after_outcome`] for whether it applies).
    pub fn asked_by(outcome: Outcome) -> Option<ConsentState> {
        match outcome {
            Outcome::NotNow => Some(ConsentState::NotNow),
            Outcome::Never => Some(ConsentState::DoNotContact),
            _ => None,
        }
    }
}

/// A contact's current consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Consent {
    pub state: ConsentState,
    /// For "not now": the day to ask again.
    pub until: Option<Date>,
}

impl Consent {
    /// The state of a new contact.
    pub fn active() -> Self {
        Consent { state: ConsentState::Active, until: None }
    }

    /// The consent a touch's outcome moves the contact to, if any. A touch
    /// never lifts "do not contact": only an explicit consent change may.
    pub fn after_outcome(&self, outcome: Outcome) -> Option<ConsentState> {
        ConsentState::asked_by(outcome)
            .filter(|state| self.state != ConsentState::DoNotContact || *state == ConsentState::DoNotContact)
    }

    /// Whether a personal follow-up (call, email, task) may be scheduled.
    /// "Not now" contacts may only get the re-ask itself and newsletters;
    /// "do not contact" gets nothing.
    pub fn ensure_may_follow_up(&self, contact_name: &str, is_re_ask: bool) -> Result<()> {
        match self.state {
            ConsentState::Active => Ok(()),
            ConsentState::NotNow if is_re_ask => Ok(()),
            ConsentState::NotNow => Err(Error::Refused(format!(
                "{contact_name} said \"not now\"{}; newsletters only until then (set consent to active to follow up sooner)",
                self.until.map(|day| format!(" until {day}")).unwrap_or_default()
            ))),
            ConsentState::DoNotContact => Err(Error::Refused(format!(
                "{contact_name} is marked do-not-contact; nothing may be scheduled for them"
            ))),
        }
    }
}

/// A recorded change of consent: what, until when, why and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentChange {
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub contact_id: ContactId,
    pub state: ConsentState,
    pub until: Option<Date>,
    pub reason: String,
    pub at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn do_not_contact_refuses_everything() {
        let never = Consent { state: ConsentState::DoNotContact, until: None };
        assert!(matches!(never.ensure_may_follow_up("Ann", false), Err(Error::Refused(_))));
        assert!(matches!(never.ensure_may_follow_up("Ann", true), Err(Error::Refused(_))));
    }

    #[test]
    fn not_now_allows_only_the_re_ask() {
        let not_now = Consent { state: ConsentState::NotNow, until: Some(jiff::civil::date(2027, 2, 1)) };
        assert!(not_now.ensure_may_follow_up("Ann", true).is_ok());
        let error = not_now.ensure_may_follow_up("Ann", false).unwrap_err().to_string();
        assert!(error.contains("until 2027-02-01"), "{error}");
        assert!(Consent::active().ensure_may_follow_up("Ann", false).is_ok());
    }

    #[test]
    fn a_touch_never_lifts_do_not_contact() {
        let never = Consent { state: ConsentState::DoNotContact, until: None };
        assert_eq!(never.after_outcome(Outcome::NotNow), None);
        assert_eq!(never.after_outcome(Outcome::Never), Some(ConsentState::DoNotContact));
        assert_eq!(Consent::active().after_outcome(Outcome::NotNow), Some(ConsentState::NotNow));
        assert_eq!(Consent::active().after_outcome(Outcome::Replied), None);
    }

    #[test]
    fn only_not_now_and_never_change_consent() {
        assert_eq!(ConsentState::asked_by(Outcome::Never), Some(ConsentState::DoNotContact));
        assert_eq!(ConsentState::asked_by(Outcome::NotNow), Some(ConsentState::NotNow));
        assert_eq!(ConsentState::asked_by(Outcome::Replied), None);
    }

    #[test]
    fn states_parse() {
        assert_eq!(ConsentState::parse("never").unwrap(), ConsentState::DoNotContact);
        assert_eq!(ConsentState::parse("do-not-contact").unwrap(), ConsentState::DoNotContact);
        assert_eq!(ConsentState::parse("Not Now").unwrap(), ConsentState::NotNow);
        assert!(ConsentState::parse("maybe").is_err());
    }
}

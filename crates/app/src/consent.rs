//! Consent: active, not now (with a re-ask), or never.

use serde::Deserialize;
use tickler_core::consent::{ConsentChange, ConsentState};
use tickler_core::ids::ContactId;
use tickler_core::intake::{self, non_blank};

use crate::error::{Error, Result};
use crate::{Actor, App};

/// The longest reason recorded with a change.
pub const MAX_REASON_CHARS: usize = 2000;

/// Change a contact's consent.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    /// active, not-now or never.
    pub state: String,
    /// With not-now: when to ask again (default in 3 months).
    pub until: Option<String>,
    pub reason: Option<String>,
}

/// Change a contact's consent, recorded with when and why.
pub async fn set(app: &App, actor: &Actor, contact_id: ContactId, input: &ConsentInput) -> Result<ConsentChange> {
    let consent = ConsentState::parse(&input.state)?;
    let context = actor.when_context();
    let until = match (consent, non_blank(input.until.as_deref())) {
        (ConsentState::NotNow, Some(phrase)) => Some(intake::re_ask_day(phrase, &context)?),
        (ConsentState::NotNow, None) => Some(intake::re_ask_day(intake::DEFAULT_RE_ASK, &context)?),
        (_, Some(_)) => return Err(Error::invalid("until", "only applies to not-now (when to ask again)")),
        (_, None) => None,
    };
    let reason = non_blank(input.reason.as_deref()).unwrap_or("");
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(Error::invalid("reason", format!("is longer than {MAX_REASON_CHARS} characters")));
    }
    Ok(app.store.set_consent(actor.account_id(), contact_id, consent, until, reason, actor.now).await?)
}

//! A contact's timeline: touches, follow-ups, promises and consent changes on
//! one list, newest first.

use jiff::Timestamp;
use serde::Serialize;

use crate::consent::ConsentChange;
use crate::follow_up::FollowUp;
use crate::promise::Promise;
use crate::touch::Touch;

/// One event on a timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Entry {
    Touch(Touch),
    FollowUp(FollowUp),
    Promise(Promise),
    Consent(ConsentChange),
}

impl Entry {
    /// When the event sits on the timeline: a touch when it happened, a
    /// follow-up when it is due, a promise at its told deadline, a consent change when made.
    pub fn at(&self) -> Timestamp {
        match self {
            Entry::Touch(touch) => touch.at,
            Entry::FollowUp(follow_up) => follow_up.due.instant(),
            Entry::Promise(promise) => promise.told,
            Entry::Consent(change) => change.at,
        }
    }
}

/// Merge the parts of a timeline, newest first.
pub fn merge(
    touches: Vec<Touch>,
    follow_ups: Vec<FollowUp>,
    promises: Vec<Promise>,
    consent: Vec<ConsentChange>,
) -> Vec<Entry> {
    let mut entries: Vec<Entry> = touches
        .into_iter()
        .map(Entry::Touch)
        .chain(follow_ups.into_iter().map(Entry::FollowUp))
        .chain(promises.into_iter().map(Entry::Promise))
        .chain(consent.into_iter().map(Entry::Consent))
        .collect();
    entries.sort_by_key(|entry| std::cmp::Reverse(entry.at()));
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::ConsentState;
    use crate::ids::{ContactId, TouchId};
    use crate::touch::{Channel, Direction};

    #[test]
    fn newest_first_across_kinds() {
        let at = |second| Timestamp::from_second(second).unwrap();
        let touch = Touch {
            id: TouchId::new(1),
            contact_id: ContactId::new(1),
            at: at(100),
            channel: Channel::Call,
            direction: Direction::Out,
            summary: "hi".into(),
            outcome: None,
            created_at: at(100),
        };
        let change = ConsentChange {
            id: 1,
            contact_id: ContactId::new(1),
            state: ConsentState::NotNow,
            until: None,
            reason: "busy".into(),
            at: at(200),
        };
        let entries = merge(vec![touch], vec![], vec![], vec![change]);
        assert!(matches!(entries[0], Entry::Consent(_)));
        assert!(matches!(entries[1], Entry::Touch(_)));
    }
}

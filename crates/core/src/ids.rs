//! Record ids as types, so an account id cannot be passed where a contact id
//! belongs. Each is a bare number on the wire (`#[serde(transparent)]`), in
//! the OpenAPI document (fields say `value_type = i64`) and in the database
//! (the store converts at its edges with `new` and `get`).

use std::fmt;
use std::num::ParseIntError;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)+) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            /// The id of the row numbered `id`.
            pub const fn new(id: i64) -> Self {
                $name(id)
            }

            /// The number, as stored and as shown.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = ParseIntError;

            fn from_str(raw: &str) -> std::result::Result<Self, Self::Err> {
                raw.parse().map($name)
            }
        }
    )+};
}

ids! {
    /// An account: the owner of every row.
    AccountId;
    /// A contact: a person followed up with.
    ContactId;
    /// A person who signs in to an account.
    UserId;
    /// A follow-up: one thing to do for a contact, by a date.
    FollowUpId;
    /// A promise: something said to a contact, to be kept by a time.
    PromiseId;
    /// A plan: a sequence of steps a contact can be enrolled in.
    PlanId;
    /// An enrollment: one contact in one plan.
    EnrollmentId;
    /// A touch: one contact made with a person.
    TouchId;
    /// A newsletter list: who receives its campaigns.
    ListId;
    /// A campaign: one newsletter sent to a list.
    CampaignId;
    /// An item of the library: something worth sending.
    LibraryItemId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_a_bare_number_on_the_wire_and_in_text() {
        let id = AccountId::new(42);
        assert_eq!(serde_json::to_string(&id).unwrap(), "42");
        assert_eq!(serde_json::from_str::<AccountId>("42").unwrap(), id);
        assert_eq!(id.to_string(), "42");
        assert_eq!("42".parse::<AccountId>().unwrap(), id);
        assert!("x".parse::<AccountId>().is_err());
        assert_eq!(id.get(), 42);
    }
}

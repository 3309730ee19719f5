//! Lists and their members: a newsletter list ("Monthly letter") and each
//! contact's membership of it. Membership is its own consent, apart from
//! follow-up consent: "not now" contacts stay on their lists and get the
//! newsletters; "never" gets nothing; leaving a list is not "never". The
//! rules of who may join, leave and receive live here.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::consent::ConsentState;
use crate::error::{Error, Result};
use crate::ids::{ContactId, ListId, UserId};
use crate::names::parse_named;

/// The longest list name.
pub const MAX_LIST_NAME_CHARS: usize = 80;

/// A list's name: trimmed, 1 to 80 characters, unique per account ignoring case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct ListName(String);

impl ListName {
    /// Read a name as typed.
    pub fn parse(raw: &str) -> Result<ListName> {
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(Error::invalid("name", "is empty; name the list, e.g. \"Monthly letter\""));
        }
        if name.chars().count() > MAX_LIST_NAME_CHARS {
            return Err(Error::invalid("name", format!("is longer than {MAX_LIST_NAME_CHARS} characters")));
        }
        Ok(ListName(name))
    }

    /// The name as shown.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key names are unique by: lowercase.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A list of an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct List {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub id: ListId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub name: ListName,
    pub description: String,
    pub created_at: Timestamp,
}

/// Where a contact is on a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum MembershipState {
    /// Signed up through the form; nothing is sent until they confirm.
    Pending,
    /// Receives the list's newsletters.
    Subscribed,
    /// Left the list (receives nothing from it; other lists and follow-ups are untouched).
    Left,
}

impl MembershipState {
    /// Every state.
    pub const ALL: [MembershipState; 3] =
        [MembershipState::Pending, MembershipState::Subscribed, MembershipState::Left];

    /// The stored and shown name.
    pub fn as_str(self) -> &'static str {
        match self {
            MembershipState::Pending => "pending",
            MembershipState::Subscribed => "subscribed",
            MembershipState::Left => "left",
        }
    }

    /// Read a name: `pending`, `subscribed`, `left`.
    pub fn parse(raw: &str) -> Result<MembershipState> {
        parse_named("state", raw, &MembershipState::ALL, Self::as_str)
    }
}

/// How a membership came to be in its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum MembershipSource {
    /// A user added or removed them (who and why are recorded beside).
    User,
    /// An import with a column naming the lists.
    Import,
    /// The list's public sign-up form.
    SignUp,
    /// The unsubscribe link of a newsletter (or its one-click POST).
    Unsubscribe,
}

impl MembershipSource {
    /// Every source.
    pub const ALL: [MembershipSource; 4] =
        [MembershipSource::User, MembershipSource::Import, MembershipSource::SignUp, MembershipSource::Unsubscribe];

    /// The stored and shown name.
    pub fn as_str(self) -> &'static str {
        match self {
            MembershipSource::User => "user",
            MembershipSource::Import => "import",
            MembershipSource::SignUp => "sign-up",
            MembershipSource::Unsubscribe => "unsubscribe",
        }
    }

    /// Read a name.
    pub fn parse(raw: &str) -> Result<MembershipSource> {
        parse_named("source", raw, &MembershipSource::ALL, Self::as_str)
    }
}

/// A contact's membership of a list, with how and when it came to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Membership {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub list_id: ListId,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub contact_id: ContactId,
    pub state: MembershipState,
    pub source: MembershipSource,
    /// The user who added or removed them (source `user`).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub user_id: Option<UserId>,
    /// Why, as the user (or the form) said.
    pub reason: String,
    /// When the state last changed.
    pub changed_at: Timestamp,
}

/// What a membership becomes when someone asks to join through `source`, or
/// why not. A user may not put back someone who left or who said "never"
/// (only the person may, by signing up again); a sign-up starts pending until
/// confirmed; an import leaves those who left where they are.
pub fn join(
    current: Option<MembershipState>,
    consent: ConsentState,
    source: MembershipSource,
) -> Result<Option<MembershipState>> {
    if consent == ConsentState::DoNotContact && source != MembershipSource::SignUp {
        return Err(Error::Refused(
            "they are marked do-not-contact; nothing may be sent to them, newsletters included".into(),
        ));
    }
    match (current, source) {
        (Some(MembershipState::Subscribed), _) => Ok(None),
        (Some(MembershipState::Left), MembershipSource::User | MembershipSource::Import) => {
            Err(Error::Refused("they left this list; only they may join it again (through the sign-up form)".into()))
        }
        (_, MembershipSource::SignUp) => Ok(Some(MembershipState::Pending)),
        (_, MembershipSource::Unsubscribe) => Err(Error::Refused("an unsubscribe link never adds anyone".into())),
        _ => Ok(Some(MembershipState::Subscribed)),
    }
}

/// Why a newsletter is not sent to a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Skip {
    /// The contact is marked do-not-contact.
    DoNotContact,
    /// They left the list.
    Left,
    /// They signed up and have not confirmed.
    Unconfirmed,
    /// They are not on the list.
    NotMember,
    /// Every address of theirs bounced, or they have none.
    Undeliverable,
}

impl Skip {
    /// The stored and shown name.
    pub fn as_str(self) -> &'static str {
        match self {
            Skip::DoNotContact => "do-not-contact",
            Skip::Left => "left",
            Skip::Unconfirmed => "unconfirmed",
            Skip::NotMember => "not-member",
            Skip::Undeliverable => "undeliverable",
        }
    }
}

/// Whether a newsletter of a list may go to a contact with this consent and
/// membership. "Not now" is no reason: newsletters are what they still get.
pub fn may_receive(consent: ConsentState, membership: Option<MembershipState>) -> std::result::Result<(), Skip> {
    if consent == ConsentState::DoNotContact {
        return Err(Skip::DoNotContact);
    }
    match membership {
        Some(MembershipState::Subscribed) => Ok(()),
        Some(MembershipState::Left) => Err(Skip::Left),
        Some(MembershipState::Pending) => Err(Skip::Unconfirmed),
        None => Err(Skip::NotMember),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(ListName::parse("  Monthly   letter ").unwrap().as_str(), "Monthly letter");
        assert_eq!(ListName::parse("Product News").unwrap().key(), "product news");
        assert!(ListName::parse("   ").unwrap_err().to_string().starts_with("name:"));
        assert!(ListName::parse(&"x".repeat(81)).is_err());
    }

    #[test]
    fn not_now_still_gets_newsletters_and_never_gets_nothing() {
        let subscribed = Some(MembershipState::Subscribed);
        assert_eq!(may_receive(ConsentState::Active, subscribed), Ok(()));
        assert_eq!(may_receive(ConsentState::NotNow, subscribed), Ok(()));
        assert_eq!(may_receive(ConsentState::DoNotContact, subscribed), Err(Skip::DoNotContact));
        assert_eq!(may_receive(ConsentState::Active, Some(MembershipState::Left)), Err(Skip::Left));
        assert_eq!(may_receive(ConsentState::Active, Some(MembershipState::Pending)), Err(Skip::Unconfirmed));
        assert_eq!(may_receive(ConsentState::Active, None), Err(Skip::NotMember));
    }

    #[test]
    fn a_user_cannot_put_back_someone_who_left_or_said_never() {
        let user = MembershipSource::User;
        assert_eq!(join(None, ConsentState::Active, user).unwrap(), Some(MembershipState::Subscribed));
        assert_eq!(join(None, ConsentState::NotNow, user).unwrap(), Some(MembershipState::Subscribed));
        assert_eq!(join(Some(MembershipState::Subscribed), ConsentState::Active, user).unwrap(), None);
        assert!(matches!(join(Some(MembershipState::Left), ConsentState::Active, user), Err(Error::Refused(_))));
        assert!(matches!(join(None, ConsentState::DoNotContact, user), Err(Error::Refused(_))));
        assert!(join(Some(MembershipState::Left), ConsentState::Active, MembershipSource::Import).is_err());
    }

    #[test]
    fn a_sign_up_waits_for_confirmation() {
        let sign_up = MembershipSource::SignUp;
        assert_eq!(join(None, ConsentState::Active, sign_up).unwrap(), Some(MembershipState::Pending));
        assert_eq!(
            join(Some(MembershipState::Left), ConsentState::Active, sign_up).unwrap(),
            Some(MembershipState::Pending)
        );
        assert_eq!(join(Some(MembershipState::Subscribed), ConsentState::Active, sign_up).unwrap(), None);
    }

    #[test]
    fn states_and_sources_round_trip() {
        for state in MembershipState::ALL {
            assert_eq!(MembershipState::parse(state.as_str()).unwrap(), state);
        }
        for source in MembershipSource::ALL {
            assert_eq!(MembershipSource::parse(source.as_str()).unwrap(), source);
        }
        assert!(MembershipState::parse("maybe").is_err());
    }
}

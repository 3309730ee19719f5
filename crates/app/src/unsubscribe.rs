//! One-click unsubscribe (RFC 8058). Every newsletter carries a link whose
//! token names the account, the list and the contact, signed with HMAC-SHA256
//! under the installation's link key (made and stored on first use), so it
//! cannot be forged or turned to another list. The link's page offers two
//! kinds of no: leave just this list, or do not contact me at all (the
//! consent action, recorded with when and why). It shows nothing about the
//! contact but the list's name.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{KeyInit, Mac};
use jiff::Timestamp;
use serde::Serialize;
use sha2::Sha256;
use tickler_core::consent::ConsentState;
use tickler_core::ids::{AccountId, ContactId, ListId};
use tickler_core::list::{MembershipSource, MembershipState};
use tickler_store::{ChangedBy, MembershipChange};

use crate::App;
use crate::error::{Error, Kind, Result};

/// The installation secret links are signed with.
const LINK_KEY: &str = "link-signing-key";

/// What a link is for: bound into its signature, so one kind cannot pass for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A newsletter's unsubscribe link.
    Unsubscribe,
    /// A sign-up's confirmation link (double opt-in).
    Confirm,
}

impl Purpose {
    fn label(self) -> &'static str {
        match self {
            Purpose::Unsubscribe => "unsubscribe v1",
            Purpose::Confirm => "confirm v1",
        }
    }
}

/// Whom a signed link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub account_id: AccountId,
    pub list_id: ListId,
    pub contact_id: ContactId,
}

/// The installation's key for signing links, made on first use.
pub(crate) async fn link_key(app: &App, now: Timestamp) -> Result<Vec<u8>> {
    let text = app.store.installation_secret(LINK_KEY, crate::secret::random_secret, now).await?;
    URL_SAFE_NO_PAD.decode(text.as_bytes()).map_err(|_| Error::internal("the stored link key is not base64"))
}

fn mac(key: &[u8], purpose: Purpose, payload: &[u8]) -> Result<Vec<u8>> {
    let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key).map_err(Error::internal)?;
    mac.update(purpose.label().as_bytes());
    mac.update(b"\0");
    mac.update(payload);
    Ok(mac.finalize().into_bytes().to_vec())
}

fn payload(target: &Target) -> Vec<u8> {
    [target.account_id.get(), target.list_id.get(), target.contact_id.get()]
        .iter()
        .flat_map(|id| id.to_be_bytes())
        .collect()
}

/// Sign a link token for `target`: the ids and their MAC, URL-safe.
pub fn sign_with(key: &[u8], purpose: Purpose, target: &Target) -> Result<String> {
    let payload = payload(target);
    let tag = mac(key, purpose, &payload)?;
    Ok(format!("{}.{}", URL_SAFE_NO_PAD.encode(&payload), URL_SAFE_NO_PAD.encode(tag)))
}

/// Read a token signed with `key` for `purpose`; any change to it is refused.
pub fn verify_with(key: &[u8], purpose: Purpose, token: &str) -> Result<Target> {
    let refused = || Error::new(Kind::Forbidden, "this link is not valid: it may have been cut short or changed");
    let (payload, tag) = token.trim().split_once('.').ok_or_else(refused)?;
    let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| refused())?;
    let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| refused())?;
    let mut check = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key).map_err(Error::internal)?;
    check.update(purpose.label().as_bytes());
    check.update(b"\0");
    check.update(&payload);
    check.verify_slice(&tag).map_err(|_| refused())?;
    let ids: Vec<i64> = payload
        .chunks(8)
        .map(|chunk| <[u8; 8]>::try_from(chunk).map(i64::from_be_bytes).map_err(|_| refused()))
        .collect::<Result<_>>()?;
    let [account, list, contact] = ids[..] else { return Err(refused()) };
    Ok(Target { account_id: AccountId::new(account), list_id: ListId::new(list), contact_id: ContactId::new(contact) })
}

/// Sign a token with the installation's key.
pub async fn sign(app: &App, purpose: Purpose, target: &Target, now: Timestamp) -> Result<String> {
    sign_with(&link_key(app, now).await?, purpose, target)
}

/// Read a token with the installation's key.
pub async fn verify(app: &App, purpose: Purpose, token: &str, now: Timestamp) -> Result<Target> {
    verify_with(&link_key(app, now).await?, purpose, token)
}

/// The `List-Unsubscribe` header's value: the HTTPS link, and a mailto when there is an address to write to.
pub fn header_value(link: &str, mailto: Option<&str>) -> String {
    match mailto.map(str::trim).filter(|address| address.contains('@')) {
        Some(address) => format!("<{link}>, <mailto:{address}?subject=unsubscribe>"),
        None => format!("<{link}>"),
    }
}

/// What the unsubscribe page may show: the list's name and whether the link still does anything.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unsubscribing {
    pub list_name: String,
    /// False once they left the list.
    pub subscribed: bool,
}

/// Read an unsubscribe link: the list's name, nothing about the contact.
pub async fn read(app: &App, token: &str, now: Timestamp) -> Result<Unsubscribing> {
    let target = verify(app, Purpose::Unsubscribe, token, now).await?;
    let list = app.store.find_list(target.account_id, &target.list_id.get().to_string()).await?;
    let memberships = app.store.memberships(target.account_id, target.contact_id).await?;
    let subscribed = memberships
        .iter()
        .any(|(list, membership)| list.id == target.list_id && membership.state != MembershipState::Left);
    Ok(Unsubscribing { list_name: list.name.as_str().to_string(), subscribed })
}

/// "Fewer emails: just this list": the contact leaves the list the link names, at once.
pub async fn leave(app: &App, token: &str, now: Timestamp) -> Result<Unsubscribing> {
    let target = verify(app, Purpose::Unsubscribe, token, now).await?;
    let by = ChangedBy { user_id: None, reason: "the unsubscribe link", now };
    let change = MembershipChange::Leave(MembershipSource::Unsubscribe);
    app.store.change_membership(target.account_id, target.list_id, target.contact_id, change, by).await?;
    read(app, token, now).await
}

/// "Please don't contact me at all": the contact leaves the list and is marked
/// do-not-contact through the consent action, with when and why.
pub async fn never(app: &App, token: &str, now: Timestamp) -> Result<Unsubscribing> {
    let target = verify(app, Purpose::Unsubscribe, token, now).await?;
    let left = leave(app, token, now).await?;
    let contact = app.store.contact(target.account_id, target.contact_id).await?;
    if contact.consent.state != ConsentState::DoNotContact {
        let reason =
            format!("they asked not to be contacted at all, through the unsubscribe link of \"{}\"", left.list_name);
        app.store
            .set_consent(target.account_id, target.contact_id, ConsentState::DoNotContact, None, &reason, now)
            .await?;
    }
    Ok(left)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(list: i64) -> Target {
        Target { account_id: AccountId::new(1), list_id: ListId::new(list), contact_id: ContactId::new(42) }
    }

    #[test]
    fn a_token_reads_back_only_under_its_key_and_purpose() {
        let key = b"0123456789abcdef0123456789abcdef";
        let token = sign_with(key, Purpose::Unsubscribe, &target(7)).unwrap();
        assert_eq!(verify_with(key, Purpose::Unsubscribe, &token).unwrap(), target(7));
        assert!(verify_with(b"another key of the same length..", Purpose::Unsubscribe, &token).is_err());
        assert!(verify_with(key, Purpose::Confirm, &token).is_err());
    }

    #[test]
    fn a_token_for_one_list_cannot_be_turned_to_another() {
        let key = b"0123456789abcdef0123456789abcdef";
        let token = sign_with(key, Purpose::Unsubscribe, &target(7)).unwrap();
        let other = sign_with(key, Purpose::Unsubscribe, &target(8)).unwrap();
        let (_, tag) = token.split_once('.').unwrap();
        let (payload, _) = other.split_once('.').unwrap();
        let error = verify_with(key, Purpose::Unsubscribe, &format!("{payload}.{tag}")).unwrap_err();
        assert_eq!(error.kind, Kind::Forbidden);
        for broken in ["", "x", "a.b", &token[..token.len() - 2], &format!("{token}x")] {
            assert!(verify_with(key, Purpose::Unsubscribe, broken).is_err(), "{broken}");
        }
    }
}

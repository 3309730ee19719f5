//! A list's public sign-up form, with double opt-in: signing up makes the
//! membership pending and sends one confirmation email (through the outbox,
//! by the worker); nothing else goes to the address until its owner follows
//! the link. The answer is the same whether or not the address was known or
//! already on the list, so the form tells nobody who is on it.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tickler_core::consent::ConsentState;
use tickler_core::contact::{ContactDetails, ContactName, EmailAddress};
use tickler_core::list::{MembershipSource, MembershipState};
use tickler_store::{ChangedBy, JobKind, MembershipChange};

use crate::App;
use crate::error::Result;
use crate::unsubscribe::{self, Purpose, Target};

/// What a visitor typed into a sign-up form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SignUpInput {
    pub email: String,
    pub name: Option<String>,
}

/// The public face of a list: its name and description, nothing else.
#[derive(Debug, Clone, Serialize)]
pub struct PublicList {
    pub name: String,
    pub description: String,
}

/// The list whose form is at `public_key`.
pub async fn public_list(app: &App, public_key: &str) -> Result<PublicList> {
    let (_, list) = app.store.list_by_public_key(public_key).await?;
    Ok(PublicList { name: list.name.as_str().to_string(), description: list.description })
}

/// Sign up to the list at `public_key`: the contact is found by address (or
/// made), their membership becomes pending, and a confirmation link goes to
/// the address. A contact marked do-not-contact, or already subscribed, gets
/// nothing, and the caller cannot tell.
pub async fn sign_up(app: &App, public_key: &str, input: &SignUpInput, base_url: &str, now: Timestamp) -> Result<()> {
    let email = EmailAddress::parse(&input.email)?;
    let (account_id, list) = app.store.list_by_public_key(public_key).await?;
    let contact = match app.store.find_contact(account_id, email.as_str()).await {
        Ok(contact) => contact,
        Err(tickler_store::Error::NotFound { .. }) => {
            let typed = input.name.as_deref().map(str::trim).filter(|name| !name.is_empty());
            let name = typed.unwrap_or_else(|| email.as_str().split('@').next().unwrap_or("Subscriber"));
            let name = ContactName::parse(name).or_else(|_| ContactName::parse(email.as_str()))?;
            let mut details = ContactDetails::named(name);
            details.emails = vec![email.clone()];
            details.source = Some(format!("sign-up form of \"{}\"", list.name.as_str()));
            app.store.create_contact(account_id, &details, now).await?
        }
        Err(error) => return Err(error.into()),
    };
    if contact.consent.state == ConsentState::DoNotContact {
        return Ok(());
    }
    let by = ChangedBy { user_id: None, reason: "the sign-up form", now };
    let change = MembershipChange::Join(MembershipSource::SignUp);
    let changed = app.store.change_membership(account_id, list.id, contact.id, change, by).await?;
    if changed.is_none_or(|membership| membership.state != MembershipState::Pending) {
        return Ok(());
    }
    let target = Target { account_id, list_id: list.id, contact_id: contact.id };
    let token = unsubscribe::sign(app, Purpose::Confirm, &target, now).await?;
    let link = format!("{}/s/confirm/{token}", base_url.trim_end_matches('/'));
    let payload = serde_json::json!({
        "to": email.as_str(),
        "subject": format!("Confirm: {}", list.name.as_str()),
        "body": format!(
            "Someone, we hope you, asked to get \"{}\" at this address.\n\nTo confirm, open:\n{link}\n\n\
             If it was not you, ignore this email: nothing more will come.\n",
            list.name.as_str()
        ),
    });
    let key = format!("sign-up:{}:{}:{}", list.id, contact.id, now.as_second());
    app.store.add_job(JobKind::Reminder, account_id, &payload.to_string(), &key, now).await?;
    Ok(())
}

/// Confirm a sign-up from its emailed link: the membership becomes subscribed. Returns the list's name.
pub async fn confirm(app: &App, token: &str, now: Timestamp) -> Result<String> {
    let target = unsubscribe::verify(app, Purpose::Confirm, token, now).await?;
    let by = ChangedBy { user_id: None, reason: "confirmed the sign-up link", now };
    app.store
        .change_membership(target.account_id, target.list_id, target.contact_id, MembershipChange::Confirm, by)
        .await?;
    let list = app.store.find_list(target.account_id, &target.list_id.get().to_string()).await?;
    Ok(list.name.as_str().to_string())
}

//! Lists and their members: create a list, add and remove contacts (recorded
//! with who and why), and read the members. A membership is its own consent
//! (see `core::list`): removing someone from a list is not "do not contact".

use serde::{Deserialize, Serialize};
use tickler_core::ids::ContactId;
use tickler_core::intake::non_blank;
use tickler_core::list::{List, ListName, Membership, MembershipSource, MembershipState};
use tickler_store::{ChangedBy, ListSummary, Member, MembershipChange};

use crate::consent::MAX_REASON_CHARS;
use crate::error::{Error, Result};
use crate::{Actor, App};

/// A new list, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ListInput {
    /// "Monthly letter"; unique in the account, ignoring case.
    pub name: String,
    pub description: Option<String>,
}

/// Contacts to add to or remove from a list, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MembersInput {
    /// Each contact by id, email or name.
    pub contacts: Vec<String>,
    /// Why they are added or removed ("asked at the conference").
    pub reason: Option<String>,
}

/// What became of each contact named in a [`MembersInput`].
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberChange {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub contact_id: ContactId,
    pub contact_name: String,
    /// Whether anything changed (false: already so).
    pub changed: bool,
    pub membership: Option<Membership>,
}

/// The members of a list, as asked.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct MembersQuery {
    /// Only those in this state: pending, subscribed or left.
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>))]
    pub state: Option<MembershipState>,
}

/// Create a list.
pub async fn create(app: &App, actor: &Actor, input: &ListInput) -> Result<List> {
    let name = ListName::parse(&input.name)?;
    let description = non_blank(input.description.as_deref()).unwrap_or("");
    if description.chars().count() > MAX_REASON_CHARS {
        return Err(Error::invalid("description", format!("is longer than {MAX_REASON_CHARS} characters")));
    }
    let public_key = crate::secret::random_secret();
    Ok(app.store.create_list(actor.account_id(), &name, description, &public_key[..22], actor.now).await?)
}

/// Every list with its member counts.
pub async fn all(app: &App, actor: &Actor) -> Result<Vec<ListSummary>> {
    Ok(app.store.lists(actor.account_id()).await?)
}

/// A list by id or name.
pub async fn find(app: &App, actor: &Actor, reference: &str) -> Result<List> {
    Ok(app.store.find_list(actor.account_id(), reference).await?)
}

/// The members of a list.
pub async fn members(app: &App, actor: &Actor, reference: &str, query: &MembersQuery) -> Result<Vec<Member>> {
    let list = find(app, actor, reference).await?;
    Ok(app.store.members(actor.account_id(), list.id, query.state).await?)
}

/// The key of a list's public sign-up form (its page is `/s/{key}`).
pub async fn sign_up_key(app: &App, actor: &Actor, list: &List) -> Result<String> {
    Ok(app.store.list_public_key(actor.account_id(), list.id).await?)
}

/// A contact's lists and where they are on each.
pub async fn of_contact(app: &App, actor: &Actor, contact_id: ContactId) -> Result<Vec<(List, Membership)>> {
    Ok(app.store.memberships(actor.account_id(), contact_id).await?)
}

/// Add contacts to a list, recorded with the user and the reason. Someone who
/// left the list, or who is marked do-not-contact, is refused: only they may join again.
pub async fn add(app: &App, actor: &Actor, reference: &str, input: &MembersInput) -> Result<Vec<MemberChange>> {
    change(app, actor, reference, input, MembershipChange::Join(MembershipSource::User)).await
}

/// Take contacts off a list (they leave it; their other lists and follow-ups are untouched).
pub async fn remove(app: &App, actor: &Actor, reference: &str, input: &MembersInput) -> Result<Vec<MemberChange>> {
    change(app, actor, reference, input, MembershipChange::Leave(MembershipSource::User)).await
}

async fn change(
    app: &App,
    actor: &Actor,
    reference: &str,
    input: &MembersInput,
    change: MembershipChange,
) -> Result<Vec<MemberChange>> {
    if input.contacts.iter().all(|contact| contact.trim().is_empty()) {
        return Err(Error::invalid("contacts", "name at least one contact (id, email or name)"));
    }
    let reason = non_blank(input.reason.as_deref()).unwrap_or("");
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(Error::invalid("reason", format!("is longer than {MAX_REASON_CHARS} characters")));
    }
    let list = find(app, actor, reference).await?;
    let mut contacts = Vec::new();
    for contact in input.contacts.iter().filter(|contact| !contact.trim().is_empty()) {
        contacts.push(crate::contacts::find(app, actor, contact).await?);
    }
    let by = ChangedBy { user_id: actor.user.as_ref().map(|user| user.id), reason, now: actor.now };
    let mut changes = Vec::with_capacity(contacts.len());
    for contact in contacts {
        let membership =
            app.store.change_membership(actor.account_id(), list.id, contact.id, change, by).await.map_err(
                |error| {
                    let error = Error::from(error);
                    Error { message: format!("{}: {}", contact.name(), error.message), ..error }
                },
            )?;
        changes.push(MemberChange {
            contact_id: contact.id,
            contact_name: contact.name().to_string(),
            changed: membership.is_some(),
            membership,
        });
    }
    Ok(changes)
}

//! The people a user wrote to or heard from who are not contacts yet, for
//! review when the user chose to list them ("12 people you wrote to are not
//! contacts yet — add them?"): add one as a contact (their name and address
//! as the mail gave them; the mail read later is logged on them), or dismiss them.

use tickler_core::contact::{Contact, EmailAddress};
use tickler_store::UnknownCorrespondent;

use crate::contacts::{ContactChanges, ContactInput};
use crate::error::{Error, Kind, Result};
use crate::work_addresses::user_of;
use crate::{Actor, App};

/// The user's unknown correspondents, most recent first.
pub async fn list(app: &App, actor: &Actor) -> Result<Vec<UnknownCorrespondent>> {
    let user = user_of(actor)?;
    Ok(app.store.unknown_correspondents(user.id).await?)
}

/// Add a listed correspondent as a contact; `name` overrides the name the mail gave.
pub async fn add(app: &App, actor: &Actor, email: &str, name: Option<&str>) -> Result<Contact> {
    let user = user_of(actor)?;
    let email = EmailAddress::parse(email)?;
    let listed = app.store.unknown_correspondents(user.id).await?;
    let Some(found) = listed.iter().find(|person| person.email == email.as_str()) else {
        return Err(Error {
            kind: Kind::NotFound(tickler_store::Record::Contact),
            message: format!("{} is not on your list of people to review", email.as_str()),
            field: Some("email"),
        });
    };
    let name = name.map(str::trim).filter(|name| !name.is_empty()).map(str::to_string).unwrap_or_else(|| {
        if found.name.trim().is_empty() {
            email.as_str().split('@').next().unwrap_or("").to_string()
        } else {
            found.name.clone()
        }
    });
    let changes = ContactChanges {
        set: ContactInput {
            name: Some(name),
            emails: Some(vec![email.as_str().to_string()]),
            source: Some("email".into()),
            ..ContactInput::default()
        },
        ..ContactChanges::default()
    };
    crate::contacts::create(app, actor, &changes).await
}

/// Stop listing a correspondent.
pub async fn dismiss(app: &App, actor: &Actor, email: &str) -> Result<()> {
    let user = user_of(actor)?;
    let email = EmailAddress::parse(email)?;
    if app.store.dismiss_unknown_correspondent(user.id, email.as_str(), actor.now).await? {
        Ok(())
    } else {
        Err(Error {
            kind: Kind::NotFound(tickler_store::Record::Contact),
            message: format!("{} is not on your list of people to review", email.as_str()),
            field: Some("email"),
        })
    }
}

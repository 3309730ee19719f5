//! Promises: make one (aim for the hour, promise the end of the day), keep it, see the open ones.

use serde::{Deserialize, Serialize};
use tickler_core::ids::{ContactId, PromiseId};
use tickler_core::intake;
use tickler_core::promise::{Promise, PromiseDraft};

use crate::error::Result;
use crate::{Actor, App};

/// Make a promise: your aim and/or the deadline you told them.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PromiseInput {
    pub what: String,
    pub aim: Option<String>,
    pub told: Option<String>,
}

/// Make a promise to a contact; a missing told deadline is proposed from the aim.
pub async fn make(app: &App, actor: &Actor, contact_id: ContactId, input: &PromiseInput) -> Result<Promise> {
    let contact = app.store.contact(actor.account_id(), contact_id).await?;
    let (aim, told) = intake::promise_deadlines(input.aim.as_deref(), input.told.as_deref(), &actor.when_context())?;
    let draft = PromiseDraft::new(contact.id, &input.what, aim.timestamp(), told.timestamp(), actor.zone.clone())?;
    Ok(app.store.create_promise(actor.account_id(), &draft, actor.now).await?)
}

/// Mark a promise kept.
pub async fn keep(app: &App, actor: &Actor, id: PromiseId) -> Result<Promise> {
    Ok(app.store.keep_promise(actor.account_id(), id, actor.now).await?)
}

/// An open promise and whom it is to.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenPromise {
    #[serde(flatten)]
    pub promise: Promise,
    pub contact_name: String,
    /// The aim has passed, or most of the time to the told deadline is gone.
    pub at_risk: bool,
}

/// The open promises, soonest deadline first.
pub async fn open(app: &App, actor: &Actor) -> Result<Vec<OpenPromise>> {
    let open = app.store.open_promises(actor.account_id()).await?;
    Ok(open
        .into_iter()
        .map(|(promise, contact_name)| OpenPromise { at_risk: promise.is_at_risk(actor.now), promise, contact_name })
        .collect())
}

/// What the aim and told deadline phrases mean, before the promise is made (the preview beside the fields).
pub fn deadlines(
    actor: &Actor,
    aim: Option<&str>,
    told: Option<&str>,
) -> Result<(jiff::ZonedDateTime, jiff::ZonedDateTime)> {
    Ok(intake::promise_deadlines(aim, told, &actor.when_context())?)
}

//! Promises: make one (aim for the hour, promise the end of the day), keep it, see the open ones.

use serde::{Deserialize, Serialize};
use tickler_core::ids::{ContactId, PromiseId};
use tickler_core::intake::{self, non_blank};
use tickler_core::promise::{Promise, PromiseDraft};
use tickler_core::running_late;
use tickler_core::template::Rendered;
use tickler_core::touch::{Channel, Direction, TouchDraft};

use crate::error::{Error, Result};
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
    /// For a promise at risk: the drafted message telling the contact a new deadline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub running_late: Option<RunningLate>,
}

/// The open promises, soonest deadline first; those at risk carry their running-late draft.
pub async fn open(app: &App, actor: &Actor) -> Result<Vec<OpenPromise>> {
    let mut open = Vec::new();
    for (promise, contact_name) in app.store.open_promises(actor.account_id()).await? {
        let at_risk = promise.is_at_risk(actor.now);
        let running_late = match at_risk {
            true => Some(draft_for(app, actor, &promise, &contact_name).await?),
            false => None,
        };
        open.push(OpenPromise { at_risk, promise, contact_name, running_late });
    }
    Ok(open)
}

/// What the aim and told deadline phrases mean, before the promise is made (the preview beside the fields).
pub fn deadlines(
    actor: &Actor,
    aim: Option<&str>,
    told: Option<&str>,
) -> Result<(jiff::ZonedDateTime, jiff::ZonedDateTime)> {
    Ok(intake::promise_deadlines(aim, told, &actor.when_context())?)
}

/// The drafted "running late" message of an open promise: the new deadline to
/// offer and the email to tell it, ready to edit, send or copy.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunningLate {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub promise_id: PromiseId,
    pub contact_name: String,
    /// Where "send" delivers it: the contact's first email; `None` when they have none (copy it instead).
    pub to: Option<String>,
    /// The deadline told so far, and the new one proposed.
    pub told: jiff::Timestamp,
    pub new_told: jiff::Timestamp,
    /// The new deadline as the page and the agenda show it ("Wed 2026-11-25 11:00").
    pub new_told_text: String,
    pub subject: String,
    pub body: String,
    /// The deadline told has already passed.
    pub past: bool,
}

/// The longest subject and message of an email the user edited before Tickler sends it.
const MAX_SUBJECT: usize = 300;
const MAX_BODY: usize = 20_000;

/// Check an email the user edited before Tickler sends it (running late, Focus):
/// a subject of one line, each within its length.
pub(crate) fn check_message(subject: &str, body: &str) -> Result<()> {
    if subject.contains(['\r', '\n']) {
        return Err(Error::invalid("subject", "must be one line"));
    }
    if subject.chars().count() > MAX_SUBJECT {
        return Err(Error::invalid("subject", format!("is longer than {MAX_SUBJECT} characters")));
    }
    if body.chars().count() > MAX_BODY {
        return Err(Error::invalid("body", format!("is longer than {MAX_BODY} characters")));
    }
    Ok(())
}

/// Tell the contact a new deadline: the message as edited (the draft's when left out).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TellInput {
    /// The new deadline told ("tomorrow 11am"); the proposed one when left out.
    pub told: Option<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
    /// Send the email through Tickler (default); false logs that they were told another way.
    pub send: Option<bool>,
}

/// What telling the new deadline did.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Told {
    pub promise: Promise,
    pub touch: tickler_store::Logged,
    /// The address the email was queued to, when sent through Tickler.
    pub sent_to: Option<String>,
}

/// The running-late draft of one open promise, at the actor's now.
pub async fn running_late(app: &App, actor: &Actor, id: PromiseId) -> Result<RunningLate> {
    let open = app.store.open_promises(actor.account_id()).await?;
    let Some((promise, contact_name)) = open.into_iter().find(|(promise, _)| promise.id == id) else {
        let promise = app.store.promise(actor.account_id(), id).await?;
        return Err(Error::refused(format!(
            "promise {id} is already {}; only an open promise runs late",
            promise.state.as_str()
        )));
    };
    draft_for(app, actor, &promise, &contact_name).await
}

async fn draft_for(app: &App, actor: &Actor, promise: &Promise, contact_name: &str) -> Result<RunningLate> {
    let contact = app.store.contact(actor.account_id(), promise.contact_id).await?;
    let settings = app.store.mail_settings(actor.account_id()).await?;
    let now = actor.now_zoned();
    let (_, new_told) = running_late::new_deadlines(promise, &now, &actor.account.settings.work_week);
    let first = contact.details.name.first_name().to_string();
    let draft = running_late::draft(promise, &first, &settings.signature, &new_told);
    Ok(RunningLate {
        promise_id: promise.id,
        contact_name: contact_name.to_string(),
        to: contact.details.emails.first().map(|email| email.as_str().to_string()),
        told: promise.told,
        new_told: new_told.timestamp(),
        new_told_text: new_told.strftime("%a %Y-%m-%d %H:%M").to_string(),
        subject: draft.subject,
        body: draft.body,
        past: promise.told <= actor.now,
    })
}

/// Tell the contact the new deadline of an open promise: the email is queued
/// (unless `send` is false), a touch is logged, and the told deadline moves.
pub async fn tell(app: &App, actor: &Actor, id: PromiseId, input: &TellInput) -> Result<Told> {
    let draft = running_late(app, actor, id).await?;
    let (aim, told) = match non_blank(input.told.as_deref()) {
        Some(phrase) => {
            let (aim, told) = intake::promise_deadlines(None, Some(phrase), &actor.when_context())?;
            (aim.timestamp(), told.timestamp())
        }
        None => {
            let promise = app.store.promise(actor.account_id(), id).await?;
            let (aim, told) =
                running_late::new_deadlines(&promise, &actor.now_zoned(), &actor.account.settings.work_week);
            (aim.timestamp(), told.timestamp())
        }
    };
    let subject = non_blank(input.subject.as_deref()).unwrap_or(&draft.subject).trim().to_string();
    let body = non_blank(input.body.as_deref()).unwrap_or(&draft.body).to_string();
    let send = input.send.unwrap_or(true);
    let to = match (send, &draft.to) {
        (false, _) => None,
        (true, Some(to)) => Some(to.clone()),
        (true, None) => {
            return Err(Error::invalid(
                "send",
                format!(
                    "{} has no email address; copy the message, send it another way, then log it",
                    draft.contact_name
                ),
            ));
        }
    };
    check_message(&subject, &body)?;
    let zone = actor.zone.time_zone();
    let told_text = told.to_zoned_datetime(zone).strftime("%a %Y-%m-%d %H:%M").to_string();
    let promise = app.store.promise(actor.account_id(), id).await?;
    let what: String = promise.what.chars().take(200).collect();
    let summary = format!("Told them the new deadline for \"{what}\": {told_text}");
    let mut touch = TouchDraft::new(promise.contact_id, actor.now, Channel::Email, &summary)?;
    touch.direction = Direction::Out;
    if !send {
        touch.channel = Channel::Note;
    }
    let rendered = Rendered { subject, body };
    let email = to.as_deref().map(|to| (to, &rendered));
    let (promise, logged) =
        app.store.tell_new_deadline(actor.account_id(), id, (aim, told), &touch, email, actor.now).await?;
    Ok(Told { promise, touch: logged, sent_to: to })
}

//! The review page: the people the user corresponded with who are not
//! contacts yet ("12 people you corresponded with are not contacts yet — add
//! them?"), each with Add (the name editable) and Dismiss; and the count
//! Today's banner shows.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use tickler_app::mail_accounts::{self, UnknownPolicy};
use tickler_app::{Actor, correspondents};
use tickler_core::agenda;

use super::view::{failure_page, moment_text, render_status};
use super::{FormErrors, Notice, done_redirect, notice_text};
use crate::auth::{Caller, PageCaller, PageForm};
use crate::error::{Failure, Result};
use crate::state::AppState;

/// What to show beside the list when a form comes back.
#[derive(Default)]
struct Feedback {
    status: Option<StatusCode>,
    errors: FormErrors,
    /// The name typed for each address, kept when the form comes back.
    names: BTreeMap<String, String>,
    alert: Option<String>,
    notice: Option<&'static str>,
}

/// GET /mail/review.
pub async fn page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(notice): Query<Notice>,
) -> Response {
    let feedback = Feedback { notice: notice_text(notice.notice.as_deref()), ..Feedback::default() };
    show(&state, &caller, feedback).await
}

async fn show(state: &AppState, caller: &Caller, feedback: Feedback) -> Response {
    match context(state, caller, &feedback.names).await {
        Ok(context) => {
            let Feedback { status, errors, alert, notice, .. } = feedback;
            render_status(
                state,
                status.unwrap_or(StatusCode::OK),
                "review.html",
                Some(caller),
                minijinja::context! { errors, alert, notice, ..context },
            )
        }
        Err(failure) => failure_page(state, &failure),
    }
}

/// The page's list; `typed` holds the names typed in forms that came back, by address.
async fn context(state: &AppState, caller: &Caller, typed: &BTreeMap<String, String>) -> Result<minijinja::Value> {
    let actor = caller.actor(state);
    let now = caller.now(state);
    let people: Vec<minijinja::Value> = correspondents::list(&state.app, &actor)
        .await?
        .into_iter()
        .map(|person| {
            minijinja::context! {
                name_value => typed.get(&person.email).unwrap_or(&person.name).clone(),
                local_part => person.email.split('@').next().unwrap_or_default().to_string(),
                email => person.email,
                name => person.name,
                sent => person.sent,
                received => person.received,
                last_seen => moment_text(person.last_seen, &now),
                ago => agenda::ago(person.last_seen, now.timestamp()),
            }
        })
        .collect();
    let reviewing = mail_accounts::show(&state.app, &actor).await?.unknown == UnknownPolicy::Review;
    let heading = (!people.is_empty()).then(|| format!("{} — add them?", waiting_text(people.len())));
    Ok(minijinja::context! { page => "review", heading, people, reviewing })
}

/// "1 person you corresponded with is not a contact yet", "12 people you corresponded with are not contacts yet".
pub(super) fn waiting_text(n: usize) -> String {
    if n == 1 {
        "1 person you corresponded with is not a contact yet".to_string()
    } else {
        format!("{n} people you corresponded with are not contacts yet")
    }
}

/// How many people wait for review, for Today's banner: 0 unless the user lists them (policy review).
pub(super) async fn waiting(state: &AppState, actor: &Actor) -> Result<usize> {
    if mail_accounts::show(&state.app, actor).await?.unknown != UnknownPolicy::Review {
        return Ok(0);
    }
    Ok(correspondents::list(&state.app, actor).await?.len())
}

/// One person of the list: their address, and for Add the name to give them.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct PersonForm {
    email: String,
    name: Option<String>,
}

/// POST /mail/review/add: the person becomes a contact.
pub async fn add(State(state): State<AppState>, form: PageForm<PersonForm>) -> Response {
    let PageForm { caller, form } = form;
    match correspondents::add(&state.app, &caller.actor(&state), &form.email, form.name.as_deref()).await {
        Ok(_) => done_redirect("/mail/review", "review-added"),
        Err(error) => sent_back(&state, &caller, &form, error.into()).await,
    }
}

/// POST /mail/review/dismiss: the person is no longer listed.
pub async fn dismiss(State(state): State<AppState>, form: PageForm<PersonForm>) -> Response {
    let PageForm { caller, form } = form;
    match correspondents::dismiss(&state.app, &caller.actor(&state), &form.email).await {
        Ok(()) => done_redirect("/mail/review", "review-dismissed"),
        Err(error) => sent_back(&state, &caller, &form, error.into()).await,
    }
}

/// The list again with the failure: a bad name beside that person's name field, anything else as the alert.
async fn sent_back(state: &AppState, caller: &Caller, form: &PersonForm, failure: Failure) -> Response {
    let mut feedback = Feedback { status: Some(failure.status), ..Feedback::default() };
    let email = form.email.trim().to_lowercase();
    if let Some(name) = &form.name {
        feedback.names.insert(email.clone(), name.clone());
    }
    match failure.field.as_deref() {
        Some("name") => {
            feedback.errors.insert(format!("add-{email}.name"), failure.message_for_field().to_string());
        }
        _ => feedback.alert = Some(failure.message),
    }
    show(state, caller, feedback).await
}

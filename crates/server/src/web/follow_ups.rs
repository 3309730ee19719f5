//! Page forms that act on one follow-up or promise: done, snooze, skip, kept.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

use super::view::failure_page;
use super::{FormErrors, done_redirect, local_path, place, today};
use crate::auth::PageForm;
use crate::error::Failure;
use crate::state::AppState;
use tickler_app::follow_ups::{self, DoneInput, SnoozeInput};
use tickler_app::promises;
use tickler_core::ids::{FollowUpId, PromiseId};

#[derive(Debug, Default, Deserialize)]
pub struct DoneForm {
    note: Option<String>,
    outcome: Option<String>,
    until: Option<String>,
    return_to: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SnoozeForm {
    when: String,
    return_to: Option<String>,
}

/// Show Today again with `failure` beside the field of `form`.
pub(super) async fn today_with(
    state: &AppState,
    caller: &crate::auth::Caller,
    form: &str,
    failure: Failure,
    value: Option<(String, String)>,
) -> Response {
    if failure.field.is_none() {
        return failure_page(state, &failure);
    }
    let mut errors = FormErrors::new();
    place(form, &failure, &mut errors);
    let values = value.map(|(key, value)| {
        minijinja::Value::from_serialize([(key, value)].into_iter().collect::<std::collections::BTreeMap<_, _>>())
    });
    today::show(state, caller, failure.status, errors, values, minijinja::context! {}).await
}

pub async fn done(State(state): State<AppState>, Path(id): Path<FollowUpId>, form: PageForm<DoneForm>) -> Response {
    let PageForm { caller, form } = form;
    let input = DoneInput { note: form.note, outcome: form.outcome, channel: None, until: form.until };
    match follow_ups::complete(&state.app, &caller.actor(&state), id, &input).await {
        Ok(_) => done_redirect(&local_path(form.return_to.as_deref(), "/today"), "done"),
        Err(error) => today_with(&state, &caller, &format!("done-{id}"), error.into(), None).await,
    }
}

pub async fn snooze(State(state): State<AppState>, Path(id): Path<FollowUpId>, form: PageForm<SnoozeForm>) -> Response {
    let PageForm { caller, form } = form;
    match follow_ups::snooze(&state.app, &caller.actor(&state), id, &SnoozeInput { when: form.when.clone() }).await {
        Ok(_) => done_redirect(&local_path(form.return_to.as_deref(), "/today"), "snoozed"),
        Err(error) => {
            let value = Some((format!("snooze-{id}"), form.when));
            today_with(&state, &caller, &format!("snooze-{id}"), error.into(), value).await
        }
    }
}

pub async fn skip(
    State(state): State<AppState>,
    Path(id): Path<FollowUpId>,
    form: PageForm<super::ReturnTo>,
) -> Response {
    match follow_ups::skip(&state.app, &form.caller.actor(&state), id).await {
        Ok(_) => done_redirect(&local_path(form.form.return_to.as_deref(), "/today"), "skipped"),
        Err(error) => failure_page(&state, &error.into()),
    }
}

pub async fn kept(
    State(state): State<AppState>,
    Path(id): Path<PromiseId>,
    form: PageForm<super::ReturnTo>,
) -> Response {
    match promises::keep(&state.app, &form.caller.actor(&state), id).await {
        Ok(_) => done_redirect(&local_path(form.form.return_to.as_deref(), "/today"), "kept"),
        Err(error) => failure_page(&state, &error.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct TellForm {
    told: Option<String>,
    subject: Option<String>,
    body: Option<String>,
    /// "false": they were told another way (copied); log it without sending.
    send: Option<String>,
    return_to: Option<String>,
}

/// Tell the contact the new deadline of a promise running late: sent through Tickler, or logged as told.
pub async fn tell(State(state): State<AppState>, Path(id): Path<PromiseId>, form: PageForm<TellForm>) -> Response {
    let PageForm { caller, form } = form;
    let send = form.send.as_deref() != Some("false");
    let input = promises::TellInput { told: form.told, subject: form.subject, body: form.body, send: Some(send) };
    match promises::tell(&state.app, &caller.actor(&state), id, &input).await {
        Ok(_) => done_redirect(
            &local_path(form.return_to.as_deref(), "/today"),
            if send { "late-sent" } else { "late-told" },
        ),
        Err(error) => today_with(&state, &caller, &format!("late-{id}"), error.into(), None).await,
    }
}

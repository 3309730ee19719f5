//! Keep in touch on the web: the "losing touch" page (who is past their
//! cadence, who passes it this week, the cadence of each tag) and the
//! reconnect reminder's one-click actions on Today (log, follow up, snooze).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tickler_app::follow_ups::{self, FollowUpInput};
use tickler_app::keep_in_touch::{self, DriftingQuery, Reconnect, ReconnectSnoozeInput, TagCadenceInput};
use tickler_app::touches::{self, TouchInput};
use tickler_core::ids::ContactId;
use tickler_core::touch::Channel;

use super::follow_ups::today_with;
use super::view::{failure_page, moment_text, render_status};
use super::{FormErrors, Notice, done_redirect, local_path, notice_text, place};
use crate::auth::{Caller, PageCaller, PageForm};
use crate::error::Failure;
use crate::state::AppState;

/// A reconnect reminder as the pages show it.
pub fn item(reconnect: &Reconnect, now: &jiff::ZonedDateTime) -> minijinja::Value {
    minijinja::context! {
        contact_id => reconnect.contact_id,
        contact_name => reconnect.contact_name.clone(),
        line => reconnect.line.clone(),
        cadence => reconnect.cadence_text.clone(),
        cadence_from => reconnect.cadence_from.clone(),
        due_text => moment_text(reconnect.due_at, now),
        days_over => reconnect.days_over,
    }
}

pub async fn page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(notice): Query<Notice>,
) -> Response {
    show(&state, &caller, StatusCode::OK, FormErrors::new(), notice_text(notice.notice.as_deref())).await
}

async fn show(
    state: &AppState,
    caller: &Caller,
    status: StatusCode,
    errors: FormErrors,
    notice: Option<&'static str>,
) -> Response {
    let actor = caller.actor(state);
    let now = caller.now(state);
    let drifting = match keep_in_touch::drifting(&state.app, &actor, &DriftingQuery::default()).await {
        Ok(drifting) => drifting,
        Err(error) => return failure_page(state, &error.into()),
    };
    let cadences = match keep_in_touch::tag_cadences(&state.app, &actor).await {
        Ok(cadences) => cadences,
        Err(error) => return failure_page(state, &error.into()),
    };
    let overdue: Vec<minijinja::Value> = drifting.overdue.iter().map(|r| item(r, &now)).collect();
    let soon: Vec<minijinja::Value> = drifting.soon.iter().map(|r| item(r, &now)).collect();
    let cadences: Vec<minijinja::Value> = cadences
        .iter()
        .map(|c| minijinja::context! { tag => c.tag.as_str(), cadence => c.cadence_text.clone() })
        .collect();
    render_status(
        state,
        status,
        "drifting.html",
        Some(caller),
        minijinja::context! { page => "drifting", notice, errors, overdue, soon, cadences, channels => channels() },
    )
}

/// The channels a reconnect can be logged on.
pub fn channels() -> Vec<&'static str> {
    Channel::ALL.iter().map(|channel| channel.as_str()).collect()
}

#[derive(Debug, Default, Deserialize)]
pub struct CadenceForm {
    tag: String,
    cadence: Option<String>,
}

/// Set or remove a tag's cadence.
pub async fn set_cadence(State(state): State<AppState>, form: PageForm<CadenceForm>) -> Response {
    let PageForm { caller, form } = form;
    let input = TagCadenceInput { cadence: form.cadence };
    match keep_in_touch::set_tag_cadence(&state.app, &caller.actor(&state), &form.tag, &input).await {
        Ok(_) => done_redirect("/drifting", "cadence"),
        Err(error) => {
            let failure: Failure = error.into();
            let mut errors = FormErrors::new();
            let alert = place("cadence", &failure, &mut errors);
            if alert.is_some() {
                return failure_page(&state, &failure);
            }
            show(&state, &caller, failure.status, errors, None).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct LogForm {
    channel: Option<String>,
    summary: Option<String>,
    return_to: Option<String>,
}

/// Log a touch from a reconnect reminder: one click (a note "Reconnected") or with a channel and summary.
pub async fn log(State(state): State<AppState>, Path(id): Path<ContactId>, form: PageForm<LogForm>) -> Response {
    let PageForm { caller, form } = form;
    let input = TouchInput {
        channel: form.channel.filter(|c| !c.trim().is_empty()).unwrap_or_else(|| "note".to_string()),
        summary: form.summary.filter(|s| !s.trim().is_empty()).unwrap_or_else(|| "Reconnected".to_string()),
        ..TouchInput::default()
    };
    match touches::log(&state.app, &caller.actor(&state), id, &input).await {
        Ok(_) => done_redirect(&local_path(form.return_to.as_deref(), "/today"), "logged"),
        Err(error) => today_with(&state, &caller, &format!("reconnect-{id}"), error.into(), None).await,
    }
}

/// Schedule a follow-up for today to reconnect.
pub async fn follow_up(
    State(state): State<AppState>,
    Path(id): Path<ContactId>,
    form: PageForm<super::ReturnTo>,
) -> Response {
    let PageForm { caller, form } = form;
    let input = FollowUpInput { when: "today".into(), note: Some("Reconnect".into()), ..FollowUpInput::default() };
    match follow_ups::schedule(&state.app, &caller.actor(&state), id, &input).await {
        Ok(_) => done_redirect(&local_path(form.return_to.as_deref(), "/today"), "scheduled"),
        Err(error) => today_with(&state, &caller, &format!("reconnect-{id}"), error.into(), None).await,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SnoozeForm {
    when: String,
    return_to: Option<String>,
}

/// Hold the reconnect reminder back.
pub async fn snooze(State(state): State<AppState>, Path(id): Path<ContactId>, form: PageForm<SnoozeForm>) -> Response {
    let PageForm { caller, form } = form;
    let input = ReconnectSnoozeInput { when: form.when.clone() };
    match keep_in_touch::snooze(&state.app, &caller.actor(&state), id, &input).await {
        Ok(_) => done_redirect(&local_path(form.return_to.as_deref(), "/today"), "reconnect-snoozed"),
        Err(error) => {
            let value = Some((format!("reconnect-{id}"), form.when));
            today_with(&state, &caller, &format!("reconnect-{id}"), error.into(), value).await
        }
    }
}

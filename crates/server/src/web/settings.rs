//! The Settings page: the working week and pacing, the calendar feed, API
//! tokens, and (for admins) the account's users.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::view::{failure_page, moment_text, render_status};
use super::{FormErrors, Notice, done_redirect, notice_text, place};
use crate::api::account::{feed_url, new_token};
use crate::auth::{Caller, PageCaller, PageForm};
use crate::error::{Failure, Result};
use crate::state::AppState;
use tickler_app::access;
use tickler_app::settings::{self, SettingsInput};
use tickler_app::users::{self, UserInput};

const DAYS: [(&str, &str); 7] =
    [("mon", "Mon"), ("tue", "Tue"), ("wed", "Wed"), ("thu", "Thu"), ("fri", "Fri"), ("sat", "Sat"), ("sun", "Sun")];

#[derive(Default)]
struct Feedback {
    status: Option<StatusCode>,
    errors: FormErrors,
    alert: Option<String>,
    notice: Option<&'static str>,
    new_token: Option<String>,
    values: Option<minijinja::Value>,
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageCaller(caller): PageCaller,
    Query(notice): Query<Notice>,
) -> Response {
    let feedback = Feedback { notice: notice_text(notice.notice.as_deref()), ..Feedback::default() };
    show(&state, &headers, &caller, feedback).await
}

async fn show(state: &AppState, headers: &HeaderMap, caller: &Caller, feedback: Feedback) -> Response {
    match context(state, headers, caller).await {
        Ok((context, defaults)) => {
            let Feedback { status, errors, alert, notice, new_token, values } = feedback;
            render_status(
                state,
                status.unwrap_or(StatusCode::OK),
                "settings.html",
                Some(caller),
                minijinja::context! { errors, alert, notice, new_token, values => values.unwrap_or(defaults), ..context },
            )
        }
        Err(failure) => failure_page(state, &failure),
    }
}

async fn context(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
) -> Result<(minijinja::Value, minijinja::Value)> {
    let now = caller.now(state);
    let settings = &caller.account.settings;
    let actor = caller.actor(state);
    let tokens: Vec<minijinja::Value> = access::tokens(&state.app, &actor)
        .await?
        .into_iter()
        .map(|token| {
            minijinja::context! {
                id => token.id,
                name => token.name,
                prefix => token.prefix,
                created => moment_text(token.created_at, &now),
                last_used => token.last_used_at.map(|at| moment_text(at, &now)),
                revoked => token.revoked_at.map(|at| moment_text(at, &now)),
            }
        })
        .collect();
    let users = if caller.user.is_admin { users::list(&state.app, &actor).await? } else { Vec::new() };
    let days: Vec<minijinja::Value> = DAYS
        .iter()
        .zip(settings.work_week.days)
        .map(|((key, label), on)| minijinja::context! { key, label, on })
        .collect();
    let defaults = minijinja::context! {
        zone => settings.zone.as_str(),
        work_start => settings.work_week.start.strftime("%H:%M").to_string(),
        work_end => settings.work_week.end.strftime("%H:%M").to_string(),
        pacing_gap_days => settings.pacing_gap_days,
    };
    let context = minijinja::context! {
        page => "settings",
        calendar_url => feed_url(state, headers, caller).await?,
        tokens,
        users,
        days,
    };
    Ok((context, defaults))
}

async fn sent_back(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    form: &str,
    failure: Failure,
    values: Option<minijinja::Value>,
) -> Response {
    let mut feedback = Feedback { status: Some(failure.status), values, ..Feedback::default() };
    feedback.alert = place(form, &failure, &mut feedback.errors);
    show(state, headers, caller, feedback).await
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct SettingsForm {
    zone: String,
    work_start: String,
    work_end: String,
    pacing_gap_days: String,
}

pub async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: PageForm<Vec<(String, String)>>,
) -> Response {
    let PageForm { caller, form: pairs } = form;
    let text = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default();
    let values = SettingsForm {
        zone: text("zone"),
        work_start: text("work_start"),
        work_end: text("work_end"),
        pacing_gap_days: text("pacing_gap_days"),
    };
    let result = async {
        let gap =
            values.pacing_gap_days.trim().parse::<u32>().map_err(|_| {
                Failure::invalid("pacing_gap_days", "pacing_gap_days: give a number of days from 0 to 365")
            })?;
        let input = SettingsInput {
            zone: Some(values.zone.clone()),
            work_start: Some(values.work_start.clone()),
            work_end: Some(values.work_end.clone()),
            work_days: Some(pairs.iter().filter(|(k, _)| k == "work_days").map(|(_, v)| v.clone()).collect()),
            pacing_gap_days: Some(gap),
        };
        Ok::<_, Failure>(settings::update(&state.app, &caller.actor(&state), &input).await?)
    }
    .await;
    match result {
        Ok(_) => done_redirect("/settings", "saved"),
        Err(failure) => {
            sent_back(&state, &headers, &caller, "settings", failure, Some(minijinja::Value::from_serialize(&values)))
                .await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    name: String,
}

pub async fn create_token(State(state): State<AppState>, headers: HeaderMap, form: PageForm<TokenForm>) -> Response {
    let PageForm { caller, form } = form;
    match new_token(&state, &caller, &form.name).await {
        // Shown on this response only: the page is not a redirect, so a reload does not show it again.
        Ok(created) => {
            show(&state, &headers, &caller, Feedback { new_token: Some(created.secret), ..Feedback::default() }).await
        }
        Err(failure) => sent_back(&state, &headers, &caller, "token", failure, None).await,
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: PageForm<super::ReturnTo>,
) -> Response {
    match access::revoke_token(&state.app, &form.caller.actor(&state), id).await {
        Ok(_) => done_redirect("/settings", "revoked"),
        Err(error) => failure_page(&state, &error.into()),
    }
}

pub async fn rotate_calendar(State(state): State<AppState>, form: PageForm<super::ReturnTo>) -> Response {
    match access::rotate_calendar_secret(&state.app, &form.caller.actor(&state)).await {
        Ok(_) => done_redirect("/settings", "rotated"),
        Err(error) => failure_page(&state, &error.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct UserForm {
    name: Option<String>,
    email: String,
    password: String,
    admin: Option<String>,
}

pub async fn add_user(State(state): State<AppState>, headers: HeaderMap, form: PageForm<UserForm>) -> Response {
    let PageForm { caller, form } = form;
    let input = UserInput {
        email: form.email.clone(),
        name: form.name.clone(),
        password: form.password.clone(),
        admin: form.admin.as_deref() == Some("true"),
    };
    match users::add(&state.app, &caller.actor(&state), &input).await {
        Ok(_) => done_redirect("/settings", "user"),
        Err(error) if error.kind == tickler_app::Kind::Forbidden => failure_page(&state, &error.into()),
        Err(error) => sent_back(&state, &headers, &caller, "user", error.into(), None).await,
    }
}

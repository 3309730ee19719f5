//! Campaigns on the web: every campaign with its progress and a form to
//! write one; a campaign's page with its progress (sent, waiting, failed,
//! skipped, unsubscribed) while it goes, a preview for any contact with the
//! tone check, and the forms to schedule, pause, resume and cancel it.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tickler_app::campaigns::{self, CampaignInput, CampaignView, ScheduleInput};
use tickler_core::ids::CampaignId;

use super::view::{failure_page, render_status};
use super::{FormErrors, Notice, done_redirect, notice_text, place};
use crate::auth::{Caller, PageCaller, PageForm};
use crate::error::Failure;
use crate::state::AppState;

fn item(view: &CampaignView, zone: &jiff::tz::TimeZone) -> minijinja::Value {
    let (campaign, progress) = (&view.campaign, &view.progress);
    minijinja::context! {
        id => campaign.id.get(),
        list => campaign.list_name.clone(),
        subject => campaign.subject.clone(),
        body => campaign.body.clone(),
        state => campaign.state.as_str(),
        per_minute => campaign.per_minute,
        send_at => campaign.send_at.map(|at| at.to_zoned_datetime(zone.clone()).strftime("%a %Y-%m-%d %H:%M").to_string()),
        sent => progress.sent,
        waiting => progress.waiting,
        failed => progress.failed,
        skipped => progress.skipped,
        unsubscribed => progress.unsubscribed,
    }
}

pub async fn page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(notice): Query<Notice>,
) -> Response {
    show_all(&state, &caller, StatusCode::OK, FormErrors::new(), notice_text(notice.notice.as_deref()), None).await
}

async fn show_all(
    state: &AppState,
    caller: &Caller,
    status: StatusCode,
    errors: FormErrors,
    notice: Option<&'static str>,
    alert: Option<String>,
) -> Response {
    let actor = caller.actor(state);
    let all = match campaigns::all(&state.app, &actor).await {
        Ok(all) => all,
        Err(error) => return failure_page(state, &error.into()),
    };
    let lists = match tickler_app::lists::all(&state.app, &actor).await {
        Ok(lists) => lists.into_iter().map(|summary| summary.list.name.as_str().to_string()).collect::<Vec<_>>(),
        Err(error) => return failure_page(state, &error.into()),
    };
    let zone = actor.account.settings.zone.time_zone();
    let rows: Vec<minijinja::Value> = all.iter().map(|view| item(view, &zone)).collect();
    render_status(
        state,
        status,
        "campaigns.html",
        Some(caller),
        minijinja::context! { page => "campaigns", notice, alert, errors, campaigns => rows, lists },
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct CampaignForm {
    list: String,
    subject: String,
    body: String,
    per_minute: Option<String>,
}

/// Write a campaign (a draft).
pub async fn create(State(state): State<AppState>, form: PageForm<CampaignForm>) -> Response {
    let PageForm { caller, form } = form;
    let per_minute = match form.per_minute.as_deref().map(str::trim).filter(|text| !text.is_empty()) {
        None => None,
        Some(text) => match text.parse() {
            Ok(rate) => Some(rate),
            Err(_) => {
                let mut errors = FormErrors::new();
                errors.insert("campaign.per_minute".into(), "a whole number of messages a minute".into());
                return show_all(&state, &caller, StatusCode::UNPROCESSABLE_ENTITY, errors, None, None).await;
            }
        },
    };
    let input = CampaignInput { list: form.list, subject: form.subject, body: form.body, per_minute };
    match campaigns::create(&state.app, &caller.actor(&state), &input).await {
        Ok(view) => done_redirect(&format!("/campaigns/{}", view.campaign.id), "campaign-created"),
        Err(error) => {
            let failure: Failure = error.into();
            let mut errors = FormErrors::new();
            let alert = place("campaign", &failure, &mut errors);
            show_all(&state, &caller, failure.status, errors, None, alert).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CampaignQuery {
    notice: Option<String>,
    /// Preview for this contact.
    contact: Option<String>,
}

pub async fn one(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<CampaignId>,
    Query(query): Query<CampaignQuery>,
) -> Response {
    show_one(
        &state,
        &caller,
        id,
        StatusCode::OK,
        FormErrors::new(),
        notice_text(query.notice.as_deref()),
        query.contact,
    )
    .await
}

async fn show_one(
    state: &AppState,
    caller: &Caller,
    id: CampaignId,
    status: StatusCode,
    errors: FormErrors,
    notice: Option<&'static str>,
    contact: Option<String>,
) -> Response {
    let actor = caller.actor(state);
    let view = match campaigns::show(&state.app, &actor, id).await {
        Ok(view) => view,
        Err(error) => return failure_page(state, &error.into()),
    };
    let (mut errors, mut alert) = (errors, None);
    let preview = match contact.as_deref().map(str::trim).filter(|contact| !contact.is_empty()) {
        None => None,
        Some(contact) => match campaigns::preview(&state.app, &actor, id, contact).await {
            Ok(preview) => Some(minijinja::context! {
                contact => contact, subject => preview.subject, text => preview.text, tone => preview.tone,
            }),
            Err(error) => {
                let failure: Failure = error.into();
                let failure = Failure { field: failure.field.or_else(|| Some("contact".into())), ..failure };
                alert = place("preview", &failure, &mut errors);
                None
            }
        },
    };
    let zone = actor.account.settings.zone.time_zone();
    render_status(
        state,
        status,
        "campaign.html",
        Some(caller),
        minijinja::context! { page => "campaigns", notice, alert, errors, campaign => item(&view, &zone), preview },
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct ScheduleForm {
    when: Option<String>,
}

pub async fn schedule(
    State(state): State<AppState>,
    Path(id): Path<CampaignId>,
    form: PageForm<ScheduleForm>,
) -> Response {
    let PageForm { caller, form } = form;
    match campaigns::schedule(&state.app, &caller.actor(&state), id, &ScheduleInput { when: form.when }).await {
        Ok(_) => done_redirect(&format!("/campaigns/{id}"), "campaign-scheduled"),
        Err(error) => failed(&state, &caller, id, error).await,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct TestForm {
    contact: String,
}

/// Send the message, as a contact would get it, to the signed-in user.
pub async fn test(State(state): State<AppState>, Path(id): Path<CampaignId>, form: PageForm<TestForm>) -> Response {
    let PageForm { caller, form } = form;
    match campaigns::test_send(&state.app, &caller.actor(&state), id, &form.contact, None).await {
        Ok(_) => done_redirect(&format!("/campaigns/{id}"), "campaign-test"),
        Err(error) => {
            let failure: Failure = error.into();
            let failure = Failure { field: failure.field.or_else(|| Some("contact".into())), ..failure };
            let mut errors = FormErrors::new();
            place("test", &failure, &mut errors);
            show_one(&state, &caller, id, failure.status, errors, None, None).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct Empty {}

pub async fn change(
    State(state): State<AppState>,
    Path((id, change)): Path<(CampaignId, String)>,
    form: PageForm<Empty>,
) -> Response {
    let PageForm { caller, .. } = form;
    match campaigns::change(&state.app, &caller.actor(&state), id, &change).await {
        Ok(_) => done_redirect(&format!("/campaigns/{id}"), "campaign-changed"),
        Err(error) => failed(&state, &caller, id, error).await,
    }
}

async fn failed(state: &AppState, caller: &Caller, id: CampaignId, error: tickler_app::Error) -> Response {
    let failure: Failure = error.into();
    if failure.field.is_none() {
        return failure_page(state, &failure);
    }
    let mut errors = FormErrors::new();
    place("schedule", &failure, &mut errors);
    show_one(state, caller, id, failure.status, errors, None, None).await
}

//! Lists on the web: every list with its member counts and a form to make
//! one; a list's members (with how and when each joined or left) and forms
//! to add and remove contacts, recorded with the signed-in user and why.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tickler_app::lists::{self, ListInput, MembersInput, MembersQuery};
use tickler_core::ids::ListId;

use super::view::{failure_page, render_status};
use super::{FormErrors, Notice, done_redirect, notice_text, place};
use crate::auth::{Caller, PageCaller, PageForm};
use crate::error::Failure;
use crate::state::AppState;

pub async fn page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(notice): Query<Notice>,
) -> Response {
    show_lists(&state, &caller, StatusCode::OK, FormErrors::new(), notice_text(notice.notice.as_deref())).await
}

async fn show_lists(
    state: &AppState,
    caller: &Caller,
    status: StatusCode,
    errors: FormErrors,
    notice: Option<&'static str>,
) -> Response {
    let all = match lists::all(&state.app, &caller.actor(state)).await {
        Ok(all) => all,
        Err(error) => return failure_page(state, &error.into()),
    };
    let rows: Vec<minijinja::Value> = all
        .iter()
        .map(|summary| {
            minijinja::context! {
                id => summary.list.id.get(),
                name => summary.list.name.as_str(),
                description => summary.list.description.clone(),
                subscribed => summary.subscribed,
                pending => summary.pending,
                left => summary.left,
            }
        })
        .collect();
    render_status(
        state,
        status,
        "lists.html",
        Some(caller),
        minijinja::context! { page => "lists", notice, errors, lists => rows },
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct ListForm {
    name: String,
    description: Option<String>,
}

/// Make a list.
pub async fn create(State(state): State<AppState>, form: PageForm<ListForm>) -> Response {
    let PageForm { caller, form } = form;
    let input = ListInput { name: form.name, description: form.description };
    match lists::create(&state.app, &caller.actor(&state), &input).await {
        Ok(list) => done_redirect(&format!("/lists/{}", list.id), "list-created"),
        Err(error) => {
            let failure: Failure = error.into();
            let mut errors = FormErrors::new();
            let field = failure.field.clone();
            let failure = Failure { field: field.or_else(|| Some("name".into())), ..failure };
            place("list", &failure, &mut errors);
            show_lists(&state, &caller, failure.status, errors, None).await
        }
    }
}

pub async fn members(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<ListId>,
    Query(notice): Query<Notice>,
) -> Response {
    show_members(&state, &caller, id, StatusCode::OK, FormErrors::new(), notice_text(notice.notice.as_deref()), None)
        .await
}

async fn show_members(
    state: &AppState,
    caller: &Caller,
    id: ListId,
    status: StatusCode,
    errors: FormErrors,
    notice: Option<&'static str>,
    alert: Option<String>,
) -> Response {
    let actor = caller.actor(state);
    let reference = id.get().to_string();
    let list = match lists::find(&state.app, &actor, &reference).await {
        Ok(list) => list,
        Err(error) => return failure_page(state, &error.into()),
    };
    let members = match lists::members(&state.app, &actor, &reference, &MembersQuery::default()).await {
        Ok(members) => members,
        Err(error) => return failure_page(state, &error.into()),
    };
    let key = match lists::sign_up_key(&state.app, &actor, &list).await {
        Ok(key) => key,
        Err(error) => return failure_page(state, &error.into()),
    };
    let sign_up_url = format!("{}/s/{key}", state.app.public_url().unwrap_or(""));
    let zone = actor.zone.time_zone();
    let rows: Vec<minijinja::Value> = members
        .iter()
        .map(|member| {
            minijinja::context! {
                contact_id => member.membership.contact_id.get(),
                name => member.contact_name.clone(),
                email => member.email.clone(),
                consent => member.consent.as_str(),
                state => member.membership.state.as_str(),
                source => member.membership.source.as_str(),
                reason => member.membership.reason.clone(),
                changed => member.membership.changed_at.to_zoned_datetime(zone.clone()).strftime("%Y-%m-%d %H:%M").to_string(),
            }
        })
        .collect();
    render_status(
        state,
        status,
        "list.html",
        Some(caller),
        minijinja::context! {
            page => "lists", notice, alert, errors, members => rows, sign_up_url,
            list => minijinja::context! { id => list.id.get(), name => list.name.as_str(), description => list.description.clone() },
        },
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct MembersForm {
    contacts: String,
    reason: Option<String>,
}

impl MembersForm {
    fn input(self) -> MembersInput {
        let contacts =
            self.contacts.split([',', '\n']).map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect();
        MembersInput { contacts, reason: self.reason }
    }
}

pub async fn add(State(state): State<AppState>, Path(id): Path<ListId>, form: PageForm<MembersForm>) -> Response {
    let PageForm { caller, form } = form;
    let done = lists::add(&state.app, &caller.actor(&state), &id.get().to_string(), &form.input()).await;
    after(&state, &caller, id, "add", "members-added", done).await
}

pub async fn remove(State(state): State<AppState>, Path(id): Path<ListId>, form: PageForm<MembersForm>) -> Response {
    let PageForm { caller, form } = form;
    let done = lists::remove(&state.app, &caller.actor(&state), &id.get().to_string(), &form.input()).await;
    after(&state, &caller, id, "remove", "members-removed", done).await
}

async fn after<T>(
    state: &AppState,
    caller: &Caller,
    id: ListId,
    form: &str,
    notice: &str,
    done: tickler_app::Result<T>,
) -> Response {
    match done {
        Ok(_) => done_redirect(&format!("/lists/{id}"), notice),
        Err(error) => {
            let failure: Failure = error.into();
            if failure.status == StatusCode::NOT_FOUND && failure.field.is_none() && failure.message.contains("list") {
                return failure_page(state, &failure);
            }
            let mut errors = FormErrors::new();
            let alert = place(form, &failure, &mut errors);
            show_members(state, caller, id, failure.status, errors, None, alert).await
        }
    }
}

//! The contact list (search as you type, filters, pages) and the add, edit
//! and delete forms.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use tickler_core::contact::{Contact, Stage};
use tickler_core::touch::Channel;

use super::view::{failure_page, render, render_status};
use super::{FormErrors, Notice, done_redirect, notice_text, place};
use crate::auth::{Caller, PageCaller, PageForm};
use crate::error::Failure;
use crate::state::AppState;
use tickler_app::Kind;
use tickler_app::contacts::{self, ContactInput, ContactPage, ContactQuery};
use tickler_core::ids::ContactId;

/// Contacts per page.
const PAGE: u32 = 50;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct ListQuery {
    q: Option<String>,
    tag: Option<String>,
    stage: Option<String>,
    consent: Option<String>,
    offset: Option<u32>,
    notice: Option<String>,
}

fn stages() -> Vec<&'static str> {
    Stage::ALL.iter().map(|stage| stage.as_str()).collect()
}

fn channels() -> Vec<&'static str> {
    Channel::ALL.iter().map(|channel| channel.as_str()).collect()
}

pub async fn list(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(query): Query<ListQuery>,
) -> Response {
    let contact_query = ContactQuery {
        q: query.q.clone(),
        tag: query.tag.clone(),
        stage: query.stage.clone(),
        consent: query.consent.clone(),
        limit: Some(PAGE),
        offset: query.offset,
    };
    let (contacts, error, next) = match contacts::list(&state.app, &caller.actor(&state), &contact_query).await {
        Ok(ContactPage { items, next_offset }) => (items, None, next_offset.is_some()),
        Err(error) if error.kind == Kind::Invalid => (Vec::new(), Some(error.message), false),
        Err(error) => return failure_page(&state, &error.into()),
    };
    let offset = query.offset.unwrap_or(0);
    let link = |offset: u32| {
        let mut params: Vec<(&str, String)> = Vec::new();
        for (key, value) in [("q", &query.q), ("tag", &query.tag), ("stage", &query.stage), ("consent", &query.consent)]
        {
            if let Some(value) = value.as_deref().filter(|value| !value.is_empty()) {
                params.push((key, value.to_string()));
            }
        }
        if offset > 0 {
            params.push(("offset", offset.to_string()));
        }
        let encoded = serde_urlencoded::to_string(&params).unwrap_or_default();
        if encoded.is_empty() { "/contacts".to_string() } else { format!("/contacts?{encoded}") }
    };
    let filtered = [&query.q, &query.tag, &query.stage, &query.consent]
        .iter()
        .any(|v| v.as_deref().is_some_and(|v| !v.is_empty()));
    render(
        &state,
        "contacts.html",
        Some(&caller),
        minijinja::context! {
            page => "contacts",
            notice => notice_text(query.notice.as_deref()),
            contacts,
            error,
            filtered,
            query,
            stages => stages(),
            consents => ["active", "not-now", "never"],
            next => next.then(|| link(offset + PAGE)),
            previous => (offset > 0).then(|| link(offset.saturating_sub(PAGE))),
        },
    )
}

/// The contact form's fields as typed.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct ContactForm {
    name: String,
    organisation: Option<String>,
    emails: Option<String>,
    phones: Option<String>,
    tags: Option<String>,
    zone: Option<String>,
    birthday: Option<String>,
    stage: Option<String>,
    preferred_channel: Option<String>,
    pacing_gap_days: Option<String>,
    cadence: Option<String>,
    notes: Option<String>,
}

fn split(list: &Option<String>) -> Option<Vec<String>> {
    Some(
        list.as_deref()
            .unwrap_or("")
            .split(',')
            .map(|item| item.trim().to_string())
            .filter(|item| !item.is_empty())
            .collect(),
    )
}

impl ContactForm {
    fn input(&self) -> Result<ContactInput, Failure> {
        let gap = match self.pacing_gap_days.as_deref().map(str::trim).filter(|gap| !gap.is_empty()) {
            None => None,
            Some(text) => Some(text.parse::<u32>().ok().filter(|days| *days <= 365).ok_or_else(|| {
                Failure::invalid("pacing_gap_days", "pacing_gap_days: give a number of days from 0 to 365")
            })?),
        };
        Ok(ContactInput {
            name: Some(self.name.clone()),
            organisation: Some(self.organisation.clone().unwrap_or_default()),
            emails: split(&self.emails),
            phones: split(&self.phones),
            tags: split(&self.tags),
            zone: Some(self.zone.clone().unwrap_or_default()),
            birthday: Some(self.birthday.clone().unwrap_or_default()),
            stage: Some(self.stage.clone().unwrap_or_default()),
            source: None,
            preferred_channel: Some(self.preferred_channel.clone().unwrap_or_default()),
            pacing_gap_days: gap,
            notes: Some(self.notes.clone().unwrap_or_default()),
            cadence: Some(self.cadence.clone().unwrap_or_default()),
            // The form does not edit addresses: those imported are kept.
            addresses: None,
        })
    }

    fn of(contact: &Contact) -> ContactForm {
        let details = &contact.details;
        let join = |items: Vec<&str>| items.join(", ");
        ContactForm {
            name: details.name.as_str().to_string(),
            organisation: details.organisation.clone(),
            emails: Some(join(details.emails.iter().map(|e| e.as_str()).collect())),
            phones: Some(join(details.phones.iter().map(|p| p.as_str()).collect())),
            tags: Some(join(details.tags.iter().map(|t| t.as_str()).collect())),
            zone: details.zone.as_ref().map(|z| z.as_str().to_string()),
            birthday: details.birthday.map(tickler_core::contact::birthday_input),
            stage: details.stage.map(|s| s.as_str().to_string()),
            preferred_channel: details.preferred_channel.map(|c| c.as_str().to_string()),
            pacing_gap_days: details.pacing_gap_days.map(|d| d.to_string()),
            cadence: details.cadence.map(|cadence| cadence.display()),
            notes: Some(details.notes.clone()),
        }
    }
}

fn form_page(
    state: &AppState,
    caller: &Caller,
    status: StatusCode,
    contact_id: Option<ContactId>,
    values: &ContactForm,
    errors: FormErrors,
    alert: Option<String>,
) -> Response {
    render_status(
        state,
        status,
        "contact_form.html",
        Some(caller),
        minijinja::context! { page => "contacts", contact_id, values, errors, alert, stages => stages(), channels => channels() },
    )
}

pub async fn new_page(State(state): State<AppState>, PageCaller(caller): PageCaller) -> Response {
    form_page(&state, &caller, StatusCode::OK, None, &ContactForm::default(), FormErrors::new(), None)
}

pub async fn create(State(state): State<AppState>, form: PageForm<ContactForm>) -> Response {
    let PageForm { caller, form } = form;
    let result = async {
        let changes = form.input()?.into();
        Ok::<_, Failure>(contacts::create(&state.app, &caller.actor(&state), &changes).await?)
    }
    .await;
    match result {
        Ok(contact) => done_redirect(&format!("/contacts/{}", contact.id), "created"),
        Err(failure) => {
            let mut errors = FormErrors::new();
            let alert = place("contact", &failure, &mut errors);
            form_page(&state, &caller, failure.status, None, &form, errors, alert)
        }
    }
}

pub async fn edit_page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<ContactId>,
    Query(_): Query<Notice>,
) -> Response {
    match contacts::get(&state.app, &caller.actor(&state), id).await {
        Ok(contact) => {
            form_page(&state, &caller, StatusCode::OK, Some(id), &ContactForm::of(&contact), FormErrors::new(), None)
        }
        Err(error) => failure_page(&state, &error.into()),
    }
}

pub async fn edit(State(state): State<AppState>, Path(id): Path<ContactId>, form: PageForm<ContactForm>) -> Response {
    let PageForm { caller, form } = form;
    let result = async {
        let changes = form.input()?.into();
        Ok::<_, Failure>(contacts::update(&state.app, &caller.actor(&state), id, &changes).await?)
    }
    .await;
    match result {
        Ok(_) => done_redirect(&format!("/contacts/{id}"), "saved"),
        Err(failure) if failure.status == StatusCode::NOT_FOUND => failure_page(&state, &failure),
        Err(failure) => {
            let mut errors = FormErrors::new();
            let alert = place("contact", &failure, &mut errors);
            form_page(&state, &caller, failure.status, Some(id), &form, errors, alert)
        }
    }
}

pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<ContactId>,
    form: PageForm<super::ReturnTo>,
) -> Response {
    match contacts::remove(&state.app, &form.caller.actor(&state), id).await {
        Ok(()) => done_redirect("/contacts", "deleted"),
        Err(error) => failure_page(&state, &error.into()),
    }
}

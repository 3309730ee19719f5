//! The plan editor: every plan with its steps, a new plan, and each plan's
//! steps edited in place with the tone check and a preview for a contact.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use tickler_core::plan::{Plan, PlanDraft, Step, StepAction};
use tickler_core::tone;
use tickler_core::touch::Channel;
use tickler_store::ContactFilter;

use super::view::{failure_page, render_status};
use super::{FormErrors, done_redirect, place};
use crate::auth::{Caller, PageCaller, PageForm};
use crate::error::{Failure, Result};
use crate::state::AppState;

/// The tone flags of a step's text.
fn flags(step: &Step) -> Vec<tone::Flag> {
    match &step.action {
        StepAction::Email { subject, body } => tone::check(&format!("{subject}\n{body}")),
        StepAction::Task { .. } => Vec::new(),
    }
}

pub async fn list(State(state): State<AppState>, PageCaller(caller): PageCaller) -> Response {
    show_list(&state, &caller, StatusCode::OK, FormErrors::new(), None).await
}

async fn show_list(
    state: &AppState,
    caller: &Caller,
    status: StatusCode,
    errors: FormErrors,
    values: Option<minijinja::Value>,
) -> Response {
    let result = async {
        state.store.ensure_plan_setup(caller.account_id(), state.now()).await?;
        Ok::<_, Failure>(state.store.plans(caller.account_id()).await?)
    }
    .await;
    let plans = match result {
        Ok(plans) => plans,
        Err(failure) => return failure_page(state, &failure),
    };
    let plans: Vec<minijinja::Value> = plans
        .iter()
        .map(|plan| {
            minijinja::context! {
                id => plan.id,
                name => plan.name.clone(),
                description => plan.description.clone(),
                nurture => plan.nurture,
                steps => plan.steps.iter().map(Step::summary).collect::<Vec<_>>(),
                flags => plan.steps.iter().filter(|step| !flags(step).is_empty()).count(),
            }
        })
        .collect();
    render_status(
        state,
        status,
        "plans.html",
        Some(caller),
        minijinja::context! { page => "plans", plans, errors, values },
    )
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct NewPlan {
    name: String,
    description: Option<String>,
    nurture: Option<String>,
}

pub async fn create(State(state): State<AppState>, form: PageForm<NewPlan>) -> Response {
    let PageForm { caller, form } = form;
    let result = async {
        let draft =
            PlanDraft::new(&form.name, form.description.as_deref().unwrap_or(""), form.nurture.is_some(), Vec::new())?;
        Ok::<_, Failure>(state.store.create_plan(caller.account_id(), &draft, state.now()).await?)
    }
    .await;
    match result {
        Ok(plan) => done_redirect(&format!("/plans/{}", plan.id), "saved"),
        Err(failure) => {
            let mut errors = FormErrors::new();
            place("plan", &failure, &mut errors);
            show_list(&state, &caller, failure.status, errors, Some(minijinja::Value::from_serialize(&form))).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PreviewFor {
    contact: Option<i64>,
}

/// One plan of the caller's account.
async fn plan_of(state: &AppState, caller: &Caller, id: i64) -> Result<Plan> {
    Ok(state.store.find_plan(caller.account_id(), &id.to_string()).await?)
}

pub async fn page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<i64>,
    Query(preview): Query<PreviewFor>,
) -> Response {
    show(&state, &caller, id, preview.contact, StatusCode::OK, FormErrors::new(), None).await
}

async fn show(
    state: &AppState,
    caller: &Caller,
    id: i64,
    contact_id: Option<i64>,
    status: StatusCode,
    errors: FormErrors,
    values: Option<minijinja::Value>,
) -> Response {
    let result = async {
        let plan = plan_of(state, caller, id).await?;
        let filter = ContactFilter { limit: Some(200), ..ContactFilter::default() };
        let contacts = state.store.contacts(caller.account_id(), &filter).await?;
        let preview_contact = match contact_id {
            Some(id) => Some(state.store.contact(caller.account_id(), id).await?),
            None => None,
        };
        let mut steps = Vec::new();
        for (index, step) in plan.steps.iter().enumerate() {
            let (kind, subject, body, text) = match &step.action {
                StepAction::Email { subject, body } => ("email", subject.clone(), body.clone(), String::new()),
                StepAction::Task { text } => ("task", String::new(), String::new(), text.clone()),
            };
            let (preview, preview_error) = match (&preview_contact, kind) {
                (Some(contact), "email") => {
                    match state.store.preview_step(caller.account_id(), &plan, index, contact, state.now()).await {
                        Ok(rendered) => (Some(minijinja::context! { subject => rendered.subject, body => rendered.body }), None),
                        Err(error) => (None, Some(error.to_string())),
                    }
                }
                _ => (None, None),
            };
            steps.push(minijinja::context! {
                number => index + 1, kind, delay => step.delay.clone(), channel => step.channel.as_str(),
                subject, body, text, flags => minijinja::Value::from_serialize(flags(step)), preview, preview_error,
            });
        }
        let contacts: Vec<minijinja::Value> =
            contacts.iter().map(|c| minijinja::context! { id => c.id, name => c.name().to_string() }).collect();
        Ok::<_, Failure>(minijinja::context! {
            page => "plans",
            plan => minijinja::context! { id => plan.id, name => plan.name.clone(), description => plan.description.clone() },
            steps,
            contacts,
            contact_id,
            channels => Channel::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        })
    }
    .await;
    match result {
        Ok(context) => {
            render_status(state, status, "plan.html", Some(caller), minijinja::context! { errors, values, ..context })
        }
        Err(failure) => failure_page(state, &failure),
    }
}

/// A step's fields as typed.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct StepForm {
    kind: String,
    delay: String,
    channel: Option<String>,
    subject: Option<String>,
    body: Option<String>,
    text: Option<String>,
}

impl StepForm {
    fn step(&self, previous: Option<&Step>) -> tickler_core::Result<Step> {
        match self.kind.as_str() {
            "email" => {
                Step::email(&self.delay, self.subject.as_deref().unwrap_or(""), self.body.as_deref().unwrap_or(""))
            }
            _ => {
                let channel = match self.channel.as_deref().filter(|c| !c.is_empty()) {
                    Some(channel) => Channel::parse(channel)?,
                    None => previous.map(|step| step.channel).unwrap_or(Channel::Call),
                };
                Step::task(&self.delay, channel, self.text.as_deref().unwrap_or(""))
            }
        }
    }
}

/// Save a plan with new steps.
async fn save(state: &AppState, caller: &Caller, plan: &Plan, steps: Vec<Step>) -> Result<()> {
    let draft = PlanDraft::new(&plan.name, &plan.description, plan.nurture, steps)?;
    state.store.update_plan(caller.account_id(), plan.id, &draft, state.now()).await?;
    Ok(())
}

async fn sent_back(
    state: &AppState,
    caller: &Caller,
    id: i64,
    form: &str,
    failure: Failure,
    values: &StepForm,
) -> Response {
    if failure.status == StatusCode::NOT_FOUND {
        return failure_page(state, &failure);
    }
    let mut errors = FormErrors::new();
    let alert = place(form, &failure, &mut errors);
    if let Some(alert) = alert {
        errors.insert(format!("{form}.body"), alert);
    }
    let values = (form == "new").then(|| minijinja::Value::from_serialize(values));
    show(state, caller, id, None, failure.status, errors, values).await
}

pub async fn add_step(State(state): State<AppState>, Path(id): Path<i64>, form: PageForm<StepForm>) -> Response {
    let PageForm { caller, form } = form;
    let result = async {
        let plan = plan_of(&state, &caller, id).await?;
        let mut steps = plan.steps.clone();
        steps.push(form.step(None)?);
        save(&state, &caller, &plan, steps).await
    }
    .await;
    match result {
        Ok(()) => done_redirect(&format!("/plans/{id}"), "saved"),
        Err(failure) => sent_back(&state, &caller, id, "new", failure, &form).await,
    }
}

pub async fn edit_step(
    State(state): State<AppState>,
    Path((id, number)): Path<(i64, usize)>,
    form: PageForm<StepForm>,
) -> Response {
    let PageForm { caller, form } = form;
    let result = async {
        let plan = plan_of(&state, &caller, id).await?;
        let index = number
            .checked_sub(1)
            .filter(|index| *index < plan.steps.len())
            .ok_or_else(|| Failure::not_found(format!("plan \"{}\" has no step {number}", plan.name)))?;
        let mut steps = plan.steps.clone();
        steps[index] = form.step(Some(&plan.steps[index]))?;
        save(&state, &caller, &plan, steps).await
    }
    .await;
    match result {
        Ok(()) => done_redirect(&format!("/plans/{id}"), "saved"),
        Err(failure) => sent_back(&state, &caller, id, &format!("step-{number}"), failure, &form).await,
    }
}

pub async fn remove_step(
    State(state): State<AppState>,
    Path((id, number)): Path<(i64, usize)>,
    form: PageForm<super::ReturnTo>,
) -> Response {
    let caller = form.caller;
    let result = async {
        let plan = plan_of(&state, &caller, id).await?;
        let index = number
            .checked_sub(1)
            .filter(|index| *index < plan.steps.len())
            .ok_or_else(|| Failure::not_found(format!("plan \"{}\" has no step {number}", plan.name)))?;
        let mut steps = plan.steps.clone();
        steps.remove(index);
        save(&state, &caller, &plan, steps).await
    }
    .await;
    match result {
        Ok(()) => done_redirect(&format!("/plans/{id}"), "saved"),
        Err(failure) => failure_page(&state, &failure),
    }
}

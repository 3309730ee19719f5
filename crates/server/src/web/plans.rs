//! The plan editor: every plan with its steps, a new plan, and each plan's
//! steps edited in place with the tone check and a preview for a contact.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use tickler_app::contacts::{self, ContactQuery};
use tickler_app::plans::{self, PlanInput, StepInput, step_tone as flags};
use tickler_core::ids::{ContactId, PlanId};
use tickler_core::plan::{Plan, Step, StepAction};
use tickler_core::touch::Channel;

use super::view::{failure_page, render_status};
use super::{FormErrors, done_redirect, place};
use crate::auth::{Caller, PageCaller, PageForm};
use crate::error::{Failure, Result};
use crate::state::AppState;

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
    let plans = match plans::list(&state.app, &caller.actor(state)).await {
        Ok(plans) => plans,
        Err(error) => return failure_page(state, &error.into()),
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
    let input =
        PlanInput { name: form.name.clone(), description: form.description.clone(), nurture: form.nurture.is_some() };
    match plans::create(&state.app, &caller.actor(&state), &input).await.map_err(Failure::from) {
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
    contact: Option<ContactId>,
}

/// One plan of the caller's account.
async fn plan_of(state: &AppState, caller: &Caller, id: PlanId) -> Result<Plan> {
    Ok(plans::find(&state.app, &caller.actor(state), &id.to_string()).await?)
}

pub async fn page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<PlanId>,
    Query(preview): Query<PreviewFor>,
) -> Response {
    show(&state, &caller, id, preview.contact, StatusCode::OK, FormErrors::new(), None).await
}

async fn show(
    state: &AppState,
    caller: &Caller,
    id: PlanId,
    contact_id: Option<ContactId>,
    status: StatusCode,
    errors: FormErrors,
    values: Option<minijinja::Value>,
) -> Response {
    let result = async {
        let actor = caller.actor(state);
        let plan = plan_of(state, caller, id).await?;
        let query = ContactQuery { limit: Some(200), ..ContactQuery::default() };
        let contacts = contacts::list(&state.app, &actor, &query).await?.items;
        let preview_contact = match contact_id {
            Some(id) => Some(contacts::get(&state.app, &actor, id).await?),
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
                    match plans::preview_step(&state.app, &actor, &plan, index, contact.id).await {
                        Ok(rendered) => (Some(minijinja::context! { subject => rendered.subject, body => rendered.body }), None),
                        Err(error) => (None, Some(error.message)),
                    }
                }
                _ => (None, None),
            };
            steps.push(minijinja::context! {
                number => index + 1, kind, delay => step.delay.clone(), repeat => step.repeat.clone(), channel => step.channel.as_str(),
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
    #[serde(default)]
    repeat: String,
    channel: Option<String>,
    subject: Option<String>,
    body: Option<String>,
    text: Option<String>,
}

impl StepForm {
    /// The step as the actions take it: an email's subject and body, or a task's text.
    fn input(&self) -> StepInput {
        let delay = Some(self.delay.clone());
        match self.kind.as_str() {
            "email" => StepInput {
                delay,
                repeat: Some(self.repeat.clone()),
                channel: None,
                subject: Some(self.subject.clone().unwrap_or_default()),
                body: Some(self.body.clone().unwrap_or_default()),
                task: None,
            },
            _ => StepInput {
                delay,
                repeat: Some(self.repeat.clone()),
                channel: self.channel.clone(),
                subject: None,
                body: None,
                task: Some(self.text.clone().unwrap_or_default()),
            },
        }
    }
}

async fn sent_back(
    state: &AppState,
    caller: &Caller,
    id: PlanId,
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

pub async fn add_step(State(state): State<AppState>, Path(id): Path<PlanId>, form: PageForm<StepForm>) -> Response {
    let PageForm { caller, form } = form;
    match plans::add_step(&state.app, &caller.actor(&state), &id.to_string(), &form.input()).await {
        Ok(_) => done_redirect(&format!("/plans/{id}"), "saved"),
        Err(error) => sent_back(&state, &caller, id, "new", error.into(), &form).await,
    }
}

pub async fn edit_step(
    State(state): State<AppState>,
    Path((id, number)): Path<(PlanId, usize)>,
    form: PageForm<StepForm>,
) -> Response {
    let PageForm { caller, form } = form;
    match plans::edit_step(&state.app, &caller.actor(&state), &id.to_string(), number, &form.input()).await {
        Ok(_) => done_redirect(&format!("/plans/{id}"), "saved"),
        Err(error) => sent_back(&state, &caller, id, &format!("step-{number}"), error.into(), &form).await,
    }
}

pub async fn remove_step(
    State(state): State<AppState>,
    Path((id, number)): Path<(PlanId, usize)>,
    form: PageForm<super::ReturnTo>,
) -> Response {
    match plans::remove_step(&state.app, &form.caller.actor(&state), &id.to_string(), number).await {
        Ok(_) => done_redirect(&format!("/plans/{id}"), "saved"),
        Err(error) => failure_page(&state, &error.into()),
    }
}

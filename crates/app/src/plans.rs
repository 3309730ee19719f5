//! Action plans: the plans and their steps, who is enrolled, and each
//! step's email as it would be sent.

use serde::{Deserialize, Serialize};
use tickler_core::contact::Tag;
use tickler_core::intake::non_blank;
use tickler_core::plan::{Enrollment, Plan, PlanDraft, Step, StepAction};
use tickler_core::template::Rendered;
use tickler_core::tone;
use tickler_core::touch::Channel;
use tickler_store::BulkEnrolled;

use tickler_core::ids::{ContactId, EnrollmentId};
use tickler_store::Record;

use crate::error::{Error, Kind, Result};
use crate::{Actor, App};

/// Every plan of the account with its steps (the starter plans are made on first use).
pub async fn list(app: &App, actor: &Actor) -> Result<Vec<Plan>> {
    app.store.ensure_plan_setup(actor.account_id(), actor.now).await?;
    Ok(app.store.plans(actor.account_id()).await?)
}

/// One plan by what a person types: its id or part of its name.
pub async fn find(app: &App, actor: &Actor, reference: &str) -> Result<Plan> {
    app.store.ensure_plan_setup(actor.account_id(), actor.now).await?;
    Ok(app.store.find_plan(actor.account_id(), reference).await?)
}

/// A new plan.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PlanInput {
    pub name: String,
    pub description: Option<String>,
    /// Runs for "not now" contacts too (newsletters, check-ins).
    #[serde(default)]
    pub nurture: bool,
}

/// Create a plan with no steps yet.
pub async fn create(app: &App, actor: &Actor, input: &PlanInput) -> Result<Plan> {
    let draft = PlanDraft::new(&input.name, input.description.as_deref().unwrap_or(""), input.nurture, Vec::new())?;
    Ok(app.store.create_plan(actor.account_id(), &draft, actor.now).await?)
}

/// Delete a plan and its enrollments.
pub async fn delete(app: &App, actor: &Actor, reference: &str) -> Result<Plan> {
    let plan = find(app, actor, reference).await?;
    app.store.delete_plan(actor.account_id(), plan.id).await?;
    Ok(plan)
}

/// A step as typed: an email (subject and body) or a task (its text).
/// Editing a step keeps whatever is left out.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct StepInput {
    /// When: "same day", "2 days", "3 business days", "1 month" after the previous step,
    /// or a date: "on their birthday", "2 days before their birthday", "Dec 10", "thanksgiving".
    pub delay: Option<String>,
    /// How the step comes back: "every 3 months", "every month on the first tuesday",
    /// "every year, 4 times", "every quarter until 2027-12-31"; blank: once.
    #[serde(default)]
    pub repeat: Option<String>,
    /// A task's channel (call, letter…); a call when left out.
    pub channel: Option<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
    /// A task's text: what to do.
    pub task: Option<String>,
}

impl StepInput {
    /// The step, on top of `base` when editing one.
    pub fn step(&self, base: Option<&Step>) -> Result<Step> {
        let step = self.action_step(base)?;
        match (&self.repeat, base) {
            (Some(repeat), _) => Ok(step.repeating(repeat)?),
            (None, Some(base)) => Ok(step.repeating(&base.repeat)?),
            (None, None) => Ok(step),
        }
    }

    fn action_step(&self, base: Option<&Step>) -> Result<Step> {
        let delay = match (non_blank(self.delay.as_deref()), base) {
            (Some(delay), _) => delay.to_string(),
            (None, Some(base)) => base.delay.clone(),
            (None, None) => {
                return Err(Error::invalid("delay", "give a delay, e.g. \"same day\" or \"3 business days\""));
            }
        };
        let channel = non_blank(self.channel.as_deref()).map(Channel::parse).transpose()?;
        let (base_email, base_task) = match base.map(|step| &step.action) {
            Some(StepAction::Email { subject, body }) => (Some((subject.clone(), body.clone())), None),
            Some(StepAction::Task { text }) => (None, Some(text.clone())),
            None => (None, None),
        };
        if let Some(text) = &self.task {
            if self.subject.is_some() || self.body.is_some() {
                return Err(Error::invalid("task", "a step is an email (subject and body) or a task, not both"));
            }
            let channel =
                channel.or(base.filter(|_| base_task.is_some()).map(|step| step.channel)).unwrap_or(Channel::Call);
            return Ok(Step::task(&delay, channel, text)?);
        }
        if self.subject.is_some() || self.body.is_some() || base_email.is_some() {
            let (base_subject, base_body) = base_email.unwrap_or_default();
            let subject = self.subject.clone().unwrap_or(base_subject);
            let body = self.body.clone().unwrap_or(base_body);
            if subject.trim().is_empty() {
                return Err(Error::invalid("subject", "an email step needs a subject"));
            }
            if body.trim().is_empty() {
                return Err(Error::invalid("body", "an email step needs a body"));
            }
            return Ok(Step::email(&delay, &subject, &body)?);
        }
        match (base_task, base) {
            (Some(text), Some(step)) => Ok(Step::task(&delay, channel.unwrap_or(step.channel), &text)?),
            _ => Err(Error::invalid("step", "give a subject and body for an email, or a task's text")),
        }
    }
}

/// The index of step `number` (from 1) of `plan`.
pub fn step_index(plan: &Plan, number: usize) -> Result<usize> {
    number.checked_sub(1).filter(|index| *index < plan.steps.len()).ok_or_else(|| Error {
        kind: Kind::NotFound(Record::PlanStep),
        message: format!("step: \"{}\" has no step {number}; it has {} (numbered from 1)", plan.name, plan.steps.len()),
        field: Some("step"),
    })
}

/// Save a plan with new steps.
async fn save_steps(app: &App, actor: &Actor, plan: &Plan, steps: Vec<Step>) -> Result<Plan> {
    let draft = PlanDraft::new(&plan.name, &plan.description, plan.nurture, steps)?;
    Ok(app.store.update_plan(actor.account_id(), plan.id, &draft, actor.now).await?)
}

/// A plan after a change to its steps, and the tone advice on the step changed.
#[derive(Debug, Serialize)]
pub struct Saved {
    pub plan: Plan,
    pub tone: Vec<tone::Flag>,
}

/// Add a step at the end of a plan.
pub async fn add_step(app: &App, actor: &Actor, reference: &str, input: &StepInput) -> Result<Saved> {
    let plan = find(app, actor, reference).await?;
    let mut steps = plan.steps.clone();
    steps.push(input.step(None)?);
    let index = steps.len() - 1;
    Ok(saved(save_steps(app, actor, &plan, steps).await?, Some(index)))
}

/// Change step `number` (from 1); what the input leaves out stays.
pub async fn edit_step(app: &App, actor: &Actor, reference: &str, number: usize, input: &StepInput) -> Result<Saved> {
    let plan = find(app, actor, reference).await?;
    let index = step_index(&plan, number)?;
    let mut steps = plan.steps.clone();
    steps[index] = input.step(Some(&plan.steps[index]))?;
    Ok(saved(save_steps(app, actor, &plan, steps).await?, Some(index)))
}

/// Remove step `number` (from 1).
pub async fn remove_step(app: &App, actor: &Actor, reference: &str, number: usize) -> Result<Saved> {
    let plan = find(app, actor, reference).await?;
    let index = step_index(&plan, number)?;
    let mut steps = plan.steps.clone();
    steps.remove(index);
    Ok(saved(save_steps(app, actor, &plan, steps).await?, None))
}

/// The plan and the tone advice on step `step` (the one added or edited).
fn saved(plan: Plan, step: Option<usize>) -> Saved {
    let tone = step.and_then(|index| plan.steps.get(index)).map(step_tone).unwrap_or_default();
    Saved { plan, tone }
}

/// The tone advice on a step's email (none for a task).
pub fn step_tone(step: &Step) -> Vec<tone::Flag> {
    match &step.action {
        StepAction::Email { subject, body } => tone::check(&format!("{subject}\n{body}")),
        StepAction::Task { .. } => Vec::new(),
    }
}

/// A step's email rendered for one contact, with its tone advice.
#[derive(Debug, Serialize)]
pub struct Preview {
    pub subject: String,
    pub body: String,
    pub tone: Vec<tone::Flag>,
}

/// Step `index` (from 0) of `plan` rendered for a contact, as the worker would send it.
pub async fn preview_step(
    app: &App,
    actor: &Actor,
    plan: &Plan,
    index: usize,
    contact_id: ContactId,
) -> Result<Preview> {
    let contact = app.store.contact(actor.account_id(), contact_id).await?;
    let Rendered { subject, body } =
        app.store.preview_step(actor.account_id(), plan, index, &contact, actor.now).await?;
    let tone = tone::check(&format!("{subject}\n{body}"));
    Ok(Preview { subject, body, tone })
}

/// Enroll a contact in the plan `reference` names. The plan's emails go out as
/// the actor's user (through their own mail server when they set one), or
/// through the installation's relay when the actor has no user.
pub async fn enroll(app: &App, actor: &Actor, contact_id: ContactId, reference: &str) -> Result<Enrollment> {
    let contact = app.store.contact(actor.account_id(), contact_id).await?;
    let plan = find(app, actor, reference).await?;
    Ok(app.store.enroll_by(actor.account_id(), plan.id, contact.id, sender(actor), actor.now).await?)
}

/// Enroll every contact with a tag (their emails sent as in [`enroll`]); those who may not be enrolled are listed with why.
pub async fn enroll_tag(app: &App, actor: &Actor, tag: &str, reference: &str) -> Result<(Plan, Tag, BulkEnrolled)> {
    let tag = Tag::parse(tag)?;
    let plan = find(app, actor, reference).await?;
    let bulk = app.store.enroll_tag_by(actor.account_id(), plan.id, &tag, sender(actor), actor.now).await?;
    Ok((plan, tag, bulk))
}

/// Who a plan enrolled by `actor` is sent as: their user, if any.
fn sender(actor: &Actor) -> Option<tickler_core::ids::UserId> {
    actor.user.as_ref().map(|user| user.id)
}

/// The enrollments of the account, or of one contact.
pub async fn enrollments(app: &App, actor: &Actor, contact_id: Option<ContactId>) -> Result<Vec<Enrollment>> {
    if let Some(id) = contact_id {
        app.store.contact(actor.account_id(), id).await?;
    }
    Ok(app.store.enrollments(actor.account_id(), contact_id).await?)
}

/// What to do with an enrollment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Pause,
    Resume,
    Stop,
}

/// Pause, resume or stop one enrollment of the account.
pub async fn change_enrollment(app: &App, actor: &Actor, id: EnrollmentId, change: Change) -> Result<Enrollment> {
    let (account, now) = (actor.account_id(), actor.now);
    Ok(match change {
        Change::Pause => app.store.pause_enrollment(account, id, now).await?,
        Change::Resume => app.store.resume_enrollment(account, id, now).await?,
        Change::Stop => app.store.stop_enrollment(account, id, now).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(delay: Option<&str>, subject: Option<&str>, body: Option<&str>, task: Option<&str>) -> StepInput {
        StepInput {
            delay: delay.map(str::to_string),
            repeat: None,
            channel: None,
            subject: subject.map(str::to_string),
            body: body.map(str::to_string),
            task: task.map(str::to_string),
        }
    }

    #[test]
    fn an_edit_keeps_what_it_leaves_out() {
        let base = Step::email("2 days", "Hello {{ contact.first_name }}", "Good to meet you.").unwrap();
        let edited = input(Some("3 days"), None, None, None).step(Some(&base)).unwrap();
        assert_eq!(edited.delay, "3 days");
        assert_eq!(edited.action, base.action);
        let retitled = input(None, Some("Thanks"), None, None).step(Some(&base)).unwrap();
        assert!(
            matches!(retitled.action, StepAction::Email { ref subject, ref body } if subject == "Thanks" && body == "Good to meet you.")
        );
    }

    #[test]
    fn a_step_is_an_email_or_a_task_not_both() {
        assert_eq!(input(Some("same day"), Some("Hi"), None, Some("call")).step(None).unwrap_err().field, Some("task"));
        assert_eq!(input(None, Some("Hi"), Some("Body"), None).step(None).unwrap_err().field, Some("delay"));
        assert_eq!(
            input(Some("same day"), Some(" "), Some("Body"), None).step(None).unwrap_err().field,
            Some("subject")
        );
        let task = input(Some("same day"), None, None, Some("call to say thanks")).step(None).unwrap();
        assert_eq!(task.channel, Channel::Call);
    }
}

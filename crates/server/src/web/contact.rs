//! One contact's page: details, pacing status, the whole timeline, and the
//! quick forms — follow up, log a touch, promise, consent.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use tickler_core::agenda;
use tickler_core::contact::{Contact, birthday_display};
use tickler_core::pacing;
use tickler_core::timeline::Entry;
use tickler_core::touch::{Channel, Outcome};

use super::view::{due_text, failure_page, moment_text, render_status};
use super::{FormErrors, Notice, done_redirect, notice_text, place};
use crate::auth::{Caller, PageCaller, PageForm};
use crate::error::{Failure, Result};
use crate::state::AppState;
use tickler_app::consent::{self, ConsentInput};
use tickler_app::follow_ups::{self, FollowUpInput};
use tickler_app::promises::{self, PromiseInput};
use tickler_app::touches::{self, TouchInput};
use tickler_app::{contacts, dates, plans};
use tickler_core::ids::{ContactId, EnrollmentId};

/// What to show beside the forms when the page is sent back.
#[derive(Default)]
struct Feedback {
    status: Option<StatusCode>,
    errors: FormErrors,
    previews: BTreeMap<String, String>,
    values: BTreeMap<&'static str, minijinja::Value>,
    alert: Option<String>,
    notice: Option<&'static str>,
}

pub async fn page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<ContactId>,
    Query(notice): Query<Notice>,
) -> Response {
    let feedback = Feedback { notice: notice_text(notice.notice.as_deref()), ..Feedback::default() };
    show(&state, &caller, id, feedback).await
}

async fn show(state: &AppState, caller: &Caller, id: ContactId, feedback: Feedback) -> Response {
    match context(state, caller, id).await {
        Ok(context) => {
            let Feedback { status, errors, previews, values, alert, notice } = feedback;
            render_status(
                state,
                status.unwrap_or(StatusCode::OK),
                "contact.html",
                Some(caller),
                minijinja::context! { errors, previews, values, alert, notice, ..context },
            )
        }
        Err(failure) => failure_page(state, &failure),
    }
}

async fn context(state: &AppState, caller: &Caller, id: ContactId) -> Result<minijinja::Value> {
    let actor = caller.actor(state);
    let contact = contacts::get(&state.app, &actor, id).await?;
    let now = caller.now(state);
    let last = contacts::last_touch(&state.app, &actor, id).await?;
    let bounced: Vec<minijinja::Value> = contacts::undeliverable(&state.app, &actor, id)
        .await?
        .into_iter()
        .map(|bounced| {
            minijinja::context! { email => bounced.email, since => moment_text(bounced.since, &now), reason => bounced.reason }
        })
        .collect();
    let timeline: Vec<minijinja::Value> =
        contacts::timeline(&state.app, &actor, id).await?.iter().map(|entry| timeline_entry(entry, &now)).collect();
    let plans: Vec<String> = plans::list(&state.app, &actor).await?.into_iter().map(|plan| plan.name).collect();
    let enrollments = plans::enrollments(&state.app, &actor, Some(id)).await?;
    // A plan whose steps all repeat has walked to its end at once; its repeating steps' rows are its life.
    let repeating: std::collections::HashSet<_> = enrollments
        .iter()
        .filter(|enrollment| enrollment.repeats_step.is_some() && enrollment.state.is_live())
        .map(|enrollment| enrollment.plan_id)
        .collect();
    let enrollments: Vec<minijinja::Value> = enrollments
        .into_iter()
        .filter(|enrollment| {
            enrollment.repeats_step.is_some()
                || enrollment.state != tickler_core::plan::EnrollmentState::Finished
                || !repeating.contains(&enrollment.plan_id)
        })
        .map(|enrollment| {
            minijinja::context! {
                id => enrollment.id,
                plan => enrollment.plan_name,
                state => enrollment.state.as_str(),
                live => enrollment.state.is_live(),
                step => enrollment.next_step + 1,
                run => enrollment.repeats_step.map(|_| enrollment.occurrence),
                next => enrollment.next_run_at.map(|at| moment_text(at, &now)),
                waiting => enrollment.waiting,
                stop_reason => enrollment.stop_reason,
            }
        })
        .collect();
    let zone = contact.zone_or(now.time_zone());
    let local_time = contact
        .details
        .zone
        .as_ref()
        .filter(|contact_zone| contact_zone.as_str() != caller.zone().as_str())
        .map(|_| now.timestamp().to_zoned_datetime(zone.clone()).strftime("%a %H:%M").to_string());
    let library = super::library::contact_section(state, caller, id).await?;
    Ok(minijinja::context! {
        page => "contacts",
        library,
        pacing => pacing_text(&contact, caller, last.as_ref().map(|touch| touch.at), &now),
        cadence_text => contact.details.cadence.map(|cadence| cadence.display()),
        birthday => contact.details.birthday.map(birthday_display),
        local_time,
        default_channel => contact.details.preferred_channel.unwrap_or(Channel::Email).as_str(),
        channels => Channel::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        outcomes => Outcome::ALL.iter().map(|o| o.as_str()).collect::<Vec<_>>(),
        consents => ["active", "not-now", "never"],
        timeline,
        plans,
        enrollments,
        bounced,
        contact,
    })
}

/// "Last touched 1 day ago; next allowed Thursday."
fn pacing_text(contact: &Contact, caller: &Caller, last: Option<jiff::Timestamp>, now: &jiff::ZonedDateTime) -> String {
    let gap = contact.details.pacing_gap_days.unwrap_or(caller.account.settings.pacing_gap_days);
    let Some(last) = last else {
        return format!("No touches yet; keep at least {} between touches.", agenda::plural(i64::from(gap), "day"));
    };
    let zone = contact.zone_or(now.time_zone());
    let last_day = last.to_zoned_datetime(zone.clone()).date();
    let next = pacing::next_allowed(last_day, gap);
    let today = now.timestamp().to_zoned_datetime(zone).date();
    let when = if next <= today {
        "now".to_string()
    } else if Some(next) == today.tomorrow().ok() {
        "tomorrow".to_string()
    } else if next <= today.saturating_add(jiff::Span::new().days(6)) {
        next.strftime("%A").to_string()
    } else {
        next.strftime("%a %-d %b").to_string()
    };
    format!("Last touched {}; next allowed {when}.", agenda::ago(last, now.timestamp()))
}

fn timeline_entry(entry: &Entry, now: &jiff::ZonedDateTime) -> minijinja::Value {
    match entry {
        Entry::Touch(touch) => {
            let outcome = touch.outcome.map(|o| format!(" ({})", o.as_str())).unwrap_or_default();
            minijinja::context! {
                kind => "touch",
                when => moment_text(touch.at, now),
                label => format!("{} {}", touch.channel.as_str(), if touch.direction.as_str() == "in" { "in" } else { "" }).trim().to_string(),
                text => format!("{}{outcome}", touch.summary),
            }
        }
        Entry::FollowUp(follow_up) => minijinja::context! {
            kind => "follow-up",
            when => due_text(&follow_up.due, now),
            label => "follow-up",
            text => if follow_up.purpose.is_empty() { follow_up.channel.as_str().to_string() } else { format!("{}: {}", follow_up.channel.as_str(), follow_up.purpose) },
            state => follow_up.state.as_str(),
            reason => follow_up.closed_reason.clone(),
        },
        Entry::Promise(promise) => minijinja::context! {
            kind => "promise",
            when => moment_text(promise.told, now),
            label => "promise",
            text => promise.what.clone(),
            state => promise.state.as_str(),
        },
        Entry::Consent(change) => minijinja::context! {
            kind => "consent",
            when => moment_text(change.at, now),
            label => "consent",
            text => format!(
                "{}{}{}",
                change.state.as_str(),
                change.until.map(|day| format!(" until {day}")).unwrap_or_default(),
                if change.reason.is_empty() { String::new() } else { format!(" — {}", change.reason) }
            ),
        },
    }
}

/// Send the page back with `failure` beside its field in `form`, keeping what was typed.
async fn sent_back<T: Serialize>(
    state: &AppState,
    caller: &Caller,
    id: ContactId,
    form: &'static str,
    values: &T,
    failure: Failure,
) -> Response {
    if failure.status == StatusCode::NOT_FOUND {
        return failure_page(state, &failure);
    }
    let mut feedback = Feedback { status: Some(failure.status), ..Feedback::default() };
    let failure = if failure.code == "pacing" {
        Failure {
            field: Some("force".to_string()),
            message: failure
                .message
                .replace("send \"agreed\": true if they asked for it, or \"force\": true", "tick a box"),
            ..failure
        }
    } else {
        failure
    };
    feedback.alert = place(form, &failure, &mut feedback.errors);
    feedback.values.insert(form, minijinja::Value::from_serialize(values));
    show(state, caller, id, feedback).await
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct FollowForm {
    when: String,
    channel: Option<String>,
    note: Option<String>,
    force: Option<String>,
    agreed: Option<String>,
    intent: Option<String>,
}

pub async fn follow_up(
    State(state): State<AppState>,
    Path(id): Path<ContactId>,
    form: PageForm<FollowForm>,
) -> Response {
    let PageForm { caller, form } = form;
    if form.intent.as_deref() == Some("preview") {
        let mut feedback = Feedback::default();
        match dates::preview(&caller.actor(&state), "when", &form.when) {
            Ok(preview) => {
                let explained = match preview.explanation.as_str() {
                    "" => String::new(),
                    text => format!(" — {text}"),
                };
                feedback.previews.insert("follow.when".to_string(), format!("→ {}{explained}", preview.display));
            }
            Err(error) => {
                feedback.errors.insert("follow.when".to_string(), error.message_for_field().to_string());
            }
        }
        feedback.values.insert("follow", minijinja::Value::from_serialize(&form));
        return show(&state, &caller, id, feedback).await;
    }
    let input = FollowUpInput {
        when: form.when.clone(),
        channel: form.channel.clone(),
        note: form.note.clone(),
        force: form.force.as_deref() == Some("true"),
        agreed: form.agreed.as_deref() == Some("true"),
    };
    match follow_ups::schedule(&state.app, &caller.actor(&state), id, &input).await {
        Ok(_) => done_redirect(&format!("/contacts/{id}"), "scheduled"),
        Err(failure) => sent_back(&state, &caller, id, "follow", &form, failure.into()).await,
    }
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct TouchForm {
    channel: String,
    summary: String,
    outcome: Option<String>,
    direction: Option<String>,
}

pub async fn log_touch(
    State(state): State<AppState>,
    Path(id): Path<ContactId>,
    form: PageForm<TouchForm>,
) -> Response {
    let PageForm { caller, form } = form;
    let input = TouchInput {
        channel: form.channel.clone(),
        summary: form.summary.clone(),
        outcome: form.outcome.clone(),
        direction: form.direction.clone(),
        at: None,
        until: None,
    };
    match touches::log(&state.app, &caller.actor(&state), id, &input).await {
        Ok(_) => done_redirect(&format!("/contacts/{id}"), "logged"),
        Err(failure) => sent_back(&state, &caller, id, "touch", &form, failure.into()).await,
    }
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct PromiseForm {
    what: String,
    aim: Option<String>,
    told: Option<String>,
    intent: Option<String>,
}

pub async fn promise(
    State(state): State<AppState>,
    Path(id): Path<ContactId>,
    form: PageForm<PromiseForm>,
) -> Response {
    let PageForm { caller, form } = form;
    if form.intent.as_deref() == Some("preview") {
        let mut feedback = Feedback::default();
        // An empty field counts as left out.
        match promises::deadlines(&caller.actor(&state), form.aim.as_deref(), form.told.as_deref()) {
            Ok((aim, told)) => {
                let now = caller.now(&state);
                feedback
                    .previews
                    .insert("promise.aim".to_string(), format!("→ aim for {}", moment_text(aim.timestamp(), &now)));
                feedback
                    .previews
                    .insert("promise.told".to_string(), format!("→ tell them {}", moment_text(told.timestamp(), &now)));
            }
            Err(error) => {
                let failure = Failure::from(error);
                place("promise", &failure, &mut feedback.errors);
            }
        }
        feedback.values.insert("promise", minijinja::Value::from_serialize(&form));
        return show(&state, &caller, id, feedback).await;
    }
    let input = PromiseInput { what: form.what.clone(), aim: form.aim.clone(), told: form.told.clone() };
    match promises::make(&state.app, &caller.actor(&state), id, &input).await {
        Ok(_) => done_redirect(&format!("/contacts/{id}"), "promised"),
        Err(failure) => sent_back(&state, &caller, id, "promise", &form, failure.into()).await,
    }
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct ConsentForm {
    state: String,
    until: Option<String>,
    reason: Option<String>,
}

pub async fn consent(
    State(state): State<AppState>,
    Path(id): Path<ContactId>,
    form: PageForm<ConsentForm>,
) -> Response {
    let PageForm { caller, form } = form;
    // The "ask again" field only means something for not-now; ignore it otherwise.
    let until = if form.state == "not-now" { form.until.clone() } else { None };
    let input = ConsentInput { state: form.state.clone(), until, reason: form.reason.clone() };
    match consent::set(&state.app, &caller.actor(&state), id, &input).await {
        Ok(_) => done_redirect(&format!("/contacts/{id}"), "consent"),
        Err(failure) => sent_back(&state, &caller, id, "consent", &form, failure.into()).await,
    }
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct EnrollForm {
    plan: String,
}

pub async fn enroll(State(state): State<AppState>, Path(id): Path<ContactId>, form: PageForm<EnrollForm>) -> Response {
    let PageForm { caller, form } = form;
    match plans::enroll(&state.app, &caller.actor(&state), id, &form.plan).await {
        Ok(_) => done_redirect(&format!("/contacts/{id}"), "enrolled"),
        Err(failure) => sent_back(&state, &caller, id, "plan", &form, failure.into()).await,
    }
}

pub async fn change_enrollment(
    State(state): State<AppState>,
    Path((id, change)): Path<(EnrollmentId, plans::Change)>,
    form: PageForm<super::ReturnTo>,
) -> Response {
    match plans::change_enrollment(&state.app, &form.caller.actor(&state), id, change).await {
        Ok(enrollment) => done_redirect(&format!("/contacts/{}", enrollment.contact_id), "plan"),
        Err(error) => failure_page(&state, &error.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DeliverableForm {
    email: String,
}

/// "It works again": an address of this contact that bounced may get automatic email again.
pub async fn deliverable(
    State(state): State<AppState>,
    Path(id): Path<ContactId>,
    form: PageForm<DeliverableForm>,
) -> Response {
    let PageForm { caller, form } = form;
    let actor = caller.actor(&state);
    let result = async {
        let contact = contacts::get(&state.app, &actor, id).await?;
        let email = form.email.trim().to_lowercase();
        if !contact.details.emails.iter().any(|known| known.as_str() == email) {
            return Err(Failure::invalid("email", format!("email: {email} is not an address of {}", contact.name())));
        }
        Ok(contacts::clear_bounces(&state.app, &actor, &email).await?)
    }
    .await;
    match result {
        Ok(_) => done_redirect(&format!("/contacts/{id}"), "deliverable"),
        Err(failure) if failure.status == StatusCode::NOT_FOUND => failure_page(&state, &failure),
        Err(failure) => {
            let feedback =
                Feedback { status: Some(failure.status), alert: Some(failure.message), ..Feedback::default() };
            show(&state, &caller, id, feedback).await
        }
    }
}

//! Focus, the daily block: today's follow-ups one at a time, with the
//! contact's last touches and open promises beside each and a drafted email
//! where the channel is email. The block's start and tally travel in the
//! address and in each form's hidden fields, so every step is a plain GET
//! link or form POST; `app.js` only maps keys onto those links and buttons.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tickler_app::focus::{self, Block, BlockInput, Card, SendInput, Step};
use tickler_core::agenda;
use tickler_core::focus::{Place, elapsed_text, previous};
use tickler_core::ids::FollowUpId;
use tickler_core::touch::Outcome;

use super::view::{due_text, failure_page, moment_text, render_status};
use super::{FormErrors, notice_text, place};
use crate::auth::{Caller, PageCaller, PageForm};
use crate::error::{Failure, Result};
use crate::state::AppState;

/// The form key of Focus's fields (errors read `focus.note`, `focus.when`…).
const FORM: &str = "focus";

#[derive(Debug, Default, Deserialize)]
pub struct FocusQuery {
    #[serde(flatten)]
    block: BlockInput,
    notice: Option<String>,
}

/// A step's form: the block's hidden fields and the step's own.
#[derive(Debug, Default, Deserialize)]
pub struct StepForm {
    started: Option<String>,
    done: Option<String>,
    noted: Option<String>,
    snoozed: Option<String>,
    skipped: Option<String>,
    note: Option<String>,
    outcome: Option<String>,
    when: Option<String>,
    subject: Option<String>,
    body: Option<String>,
}

impl StepForm {
    fn block(&self) -> BlockInput {
        BlockInput {
            started: self.started.clone(),
            done: self.done.clone(),
            noted: self.noted.clone(),
            snoozed: self.snoozed.clone(),
            skipped: self.skipped.clone(),
            at: None,
        }
    }
}

/// The address of the block at `place`, with a notice code.
fn address(block: &Block, place: Place<FollowUpId>, notice: Option<&str>) -> String {
    let at = match place {
        Place::At(id) => id.to_string(),
        Place::End => "end".to_string(),
    };
    let tally = block.tally;
    let mut path = format!(
        "/focus?started={}&done={}&noted={}&snoozed={}&skipped={}&at={at}",
        block.started.as_second(),
        tally.done,
        tally.noted,
        tally.snoozed,
        tally.skipped
    );
    if let Some(notice) = notice {
        path.push_str("&notice=");
        path.push_str(notice);
    }
    path
}

/// A bad block in the address: 400 with what is wrong.
fn bad_address(error: tickler_app::Error) -> Failure {
    Failure::bad_request(format!("this Focus address is damaged ({}); start again from Today", error.message))
}

pub async fn page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(query): Query<FocusQuery>,
) -> Response {
    let now = state.now();
    if !query.block.has_start() {
        // The block starts now: the start goes into the address, so a reload keeps it.
        let block = Block { started: now, tally: Default::default() };
        let at = match query.block.parse(now) {
            Ok((_, wanted)) => wanted,
            Err(error) => return failure_page(&state, &bad_address(error)),
        };
        let path = match at {
            Some(place) => address(&block, place, None),
            None => format!("/focus?started={}", now.as_second()),
        };
        return Redirect::to(&path).into_response();
    }
    match query.block.parse(now) {
        Ok((block, wanted)) => {
            let notice = notice_text(query.notice.as_deref());
            show(&state, &caller, StatusCode::OK, block, wanted, notice, FormErrors::new(), None).await
        }
        Err(error) => failure_page(&state, &bad_address(error)),
    }
}

/// Take one step (`done`, `note`, `snooze`, `skip`, `send`) on follow-up `id`, then show the next item.
pub async fn step(
    State(state): State<AppState>,
    Path((id, step)): Path<(FollowUpId, String)>,
    form: PageForm<StepForm>,
) -> Response {
    let PageForm { caller, form } = form;
    let now = state.now();
    let block = match form.block().parse(now) {
        Ok((block, _)) => block,
        Err(error) => return failure_page(&state, &Failure::from(error)),
    };
    let (step, notice) = match step.as_str() {
        "done" => (Step::Done, "done"),
        "note" => (Step::Note { note: form.note.clone().unwrap_or_default(), outcome: form.outcome.clone() }, "done"),
        "snooze" => (Step::Snooze { when: form.when.clone().unwrap_or_default() }, "snoozed"),
        "skip" => (Step::Skip, "skipped"),
        "send" => (Step::Send(SendInput { subject: form.subject.clone(), body: form.body.clone() }), "focus-sent"),
        other => {
            return failure_page(
                &state,
                &Failure::not_found(format!(
                    "Focus has no step \"{other}\"; the steps are done, note, snooze, skip and send"
                )),
            );
        }
    };
    match focus::work(&state.app, &caller.actor(&state), block, id, step).await {
        Ok((block, next)) => Redirect::to(&address(&block, next, Some(notice))).into_response(),
        Err(error) => {
            let failure = Failure::from(error);
            if failure.field.is_none() {
                return failure_page(&state, &failure);
            }
            let mut errors = FormErrors::new();
            place(FORM, &failure, &mut errors);
            let values = minijinja::context! {
                note => form.note, when => form.when, subject => form.subject, body => form.body, outcome => form.outcome,
            };
            show(&state, &caller, failure.status, block, Some(Place::At(id)), None, errors, Some(values)).await
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn show(
    state: &AppState,
    caller: &Caller,
    status: StatusCode,
    block: Block,
    wanted: Option<Place<FollowUpId>>,
    notice: Option<&str>,
    errors: FormErrors,
    values: Option<minijinja::Value>,
) -> Response {
    match context(state, caller, block, wanted).await {
        Ok(context) => render_status(
            state,
            status,
            "focus.html",
            Some(caller),
            minijinja::context! { notice, errors, values, ..context },
        ),
        Err(failure) => failure_page(state, &failure),
    }
}

async fn context(
    state: &AppState,
    caller: &Caller,
    block: Block,
    wanted: Option<Place<FollowUpId>>,
) -> Result<minijinja::Value> {
    let now = caller.now(state);
    let actor = caller.actor(state);
    let rows = focus::items(&state.app, &actor).await?;
    let ids: Vec<FollowUpId> = rows.iter().map(|row| row.follow_up.id).collect();
    let here = tickler_core::focus::place(&ids, wanted);
    let tally = block.tally;
    let hidden = minijinja::context! {
        started => block.started.as_second(),
        done => tally.done,
        noted => tally.noted,
        snoozed => tally.snoozed,
        skipped => tally.skipped,
    };
    let elapsed = elapsed_text(block.started, now.timestamp());
    let common = minijinja::context! {
        page => "today",
        hidden,
        left => ids.len(),
        elapsed,
        elapsed_seconds => (now.timestamp().as_second() - block.started.as_second()).max(0),
        tally => minijinja::context! {
            done => tally.done, noted => tally.noted, snoozed => tally.snoozed, skipped => tally.skipped,
            total => tally.total(),
        },
        previous_href => previous(&ids, here).map(|id| address(&block, Place::At(id), None)),
        outcomes => Outcome::ALL.iter().map(|outcome| outcome.as_str()).collect::<Vec<_>>(),
    };
    let Place::At(id) = here else {
        return Ok(minijinja::context! {
            summary => true,
            resume_href => ids.first().map(|first| address(&block, Place::At(*first), None)),
            ..common
        });
    };
    let Some((index, row)) = rows.iter().enumerate().find(|(_, row)| row.follow_up.id == id) else {
        return Err(Failure::internal(format!("follow-up {id} left the block's list while it was read")));
    };
    let Card { row, touches, promises, email } = focus::card(&state.app, &actor, row).await?;
    let next = tickler_core::focus::next(&ids, id);
    let touches: Vec<minijinja::Value> = touches
        .iter()
        .map(|touch| {
            minijinja::context! {
                channel => touch.channel.as_str(),
                direction => touch.direction.as_str(),
                ago => agenda::ago(touch.at, now.timestamp()),
                summary => touch.summary.clone(),
                outcome => touch.outcome.map(|outcome| outcome.as_str()),
            }
        })
        .collect();
    let promises: Vec<minijinja::Value> = promises
        .iter()
        .map(|promise| {
            minijinja::context! {
                what => promise.what.clone(),
                told_text => moment_text(promise.told, &now),
                left => agenda::time_left(promise.told, now.timestamp()),
            }
        })
        .collect();
    let mailto = email
        .as_ref()
        .map(|email| format!("mailto:{}?subject={}&body={}", email.to, encode(&email.subject), encode(&email.body)));
    Ok(minijinja::context! {
        item => minijinja::context! {
            id,
            contact_id => row.follow_up.contact_id,
            contact_name => row.contact_name.clone(),
            purpose => row.follow_up.purpose.clone(),
            channel => row.follow_up.channel.as_str(),
            due_text => due_text(&row.follow_up.due, &now),
            late => agenda::lateness(&row.follow_up.due, &now),
            email_undeliverable => row.email_undeliverable,
        },
        position => index + 1,
        touches,
        promises,
        email,
        mailto,
        next_href => address(&block, next, None),
        end_href => address(&block, Place::End, None),
        ..common
    })
}

/// Percent-encode a `mailto:` field (RFC 6068): everything but unreserved characters.
fn encode(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\n', "\r\n");
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(char::from(byte)),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailto_fields_are_encoded() {
        assert_eq!(encode("Hi Ann,\nsee you & bye?"), "Hi%20Ann%2C%0D%0Asee%20you%20%26%20bye%3F");
        assert_eq!(encode("é"), "%C3%A9");
    }
}

//! The Today page: a line about the people waiting for review (when the user
//! lists them), promises at risk first, then overdue (how late), today, and
//! the next days, each with done, snooze and skip.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use tickler_core::agenda::{self, Bucket};
use tickler_core::touch::Outcome;

use super::view::{due_text, failure_page, moment_text, render_status};
use super::{FormErrors, Notice, notice_text};
use crate::auth::{Caller, PageCaller};
use crate::error::Result;
use crate::state::AppState;
use tickler_app::follow_ups::{self, Agenda, AgendaQuery};
use tickler_app::keep_in_touch::{self, DriftingQuery};
use tickler_app::promises::{self, OpenPromise};

/// Days after today the page looks ahead.
const DAYS_AHEAD: u32 = 7;
/// The most items the page lists.
const MAX_ITEMS: u32 = 200;

pub async fn page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(notice): Query<Notice>,
) -> Response {
    let context = minijinja::context! { notice => notice_text(notice.notice.as_deref()) };
    show(&state, &caller, StatusCode::OK, FormErrors::new(), None, context).await
}

/// The page, with `errors` beside their fields (a snooze phrase that did not read, say).
pub async fn show(
    state: &AppState,
    caller: &Caller,
    status: StatusCode,
    errors: FormErrors,
    values: Option<minijinja::Value>,
    extra: minijinja::Value,
) -> Response {
    match context(state, caller).await {
        Ok(context) => render_status(
            state,
            status,
            "today.html",
            Some(caller),
            minijinja::context! { errors, values, ..minijinja::context! { ..extra, ..context } },
        ),
        Err(failure) => failure_page(state, &failure),
    }
}

async fn context(state: &AppState, caller: &Caller) -> Result<minijinja::Value> {
    let now = caller.now(state);
    let actor = caller.actor(state);
    let window = AgendaQuery { days: Some(DAYS_AHEAD), limit: Some(MAX_ITEMS) };
    let Agenda { items: rows, more } = follow_ups::agenda(&state.app, &actor, &window).await?;
    let mut buckets: Vec<(Bucket, Vec<minijinja::Value>)> = Vec::new();
    for row in &rows {
        let bucket = agenda::bucket(&row.follow_up.due, &now);
        let last_touch = row.last_touch_at.map(|at| {
            let summary = row.last_touch_summary.as_deref().filter(|s| !s.is_empty()).unwrap_or("no summary");
            format!(
                "{} {} — {summary}",
                row.last_touch_channel.map(|c| c.as_str()).unwrap_or(""),
                agenda::ago(at, now.timestamp())
            )
        });
        let item = minijinja::context! {
            id => row.follow_up.id,
            contact_id => row.follow_up.contact_id,
            contact_name => row.contact_name.clone(),
            purpose => row.follow_up.purpose.clone(),
            channel => row.follow_up.channel.as_str(),
            due_text => due_text(&row.follow_up.due, &now),
            late => agenda::lateness(&row.follow_up.due, &now),
            last_touch,
            email_undeliverable => row.email_undeliverable,
        };
        match buckets.last_mut() {
            Some((last, items)) if *last == bucket => items.push(item),
            _ => buckets.push((bucket, vec![item])),
        }
    }
    let due_today: usize =
        buckets.iter().filter(|(bucket, _)| *bucket != Bucket::Upcoming).map(|(_, items)| items.len()).sum();
    let buckets: Vec<minijinja::Value> = buckets
        .into_iter()
        .map(|(bucket, items)| {
            let key = match bucket {
                Bucket::Overdue => "overdue",
                Bucket::Today => "today",
                Bucket::Upcoming => "upcoming",
            };
            minijinja::context! { heading => bucket.heading(), key, items }
        })
        .collect();
    let at_risk: Vec<minijinja::Value> = promises::open(&state.app, &actor)
        .await?
        .into_iter()
        .filter(|open| open.at_risk)
        .map(|OpenPromise { promise, contact_name, running_late, .. }| {
            let late = running_late.map(|late| {
                let new_told = late.new_told.to_zoned_datetime(now.time_zone().clone());
                minijinja::context! {
                    to => late.to,
                    subject => late.subject,
                    body => late.body,
                    new_told_text => moment_text(late.new_told, &now),
                    told_phrase => new_told.strftime("%Y-%m-%d %H:%M").to_string(),
                    past => late.past,
                }
            });
            minijinja::context! {
                id => promise.id,
                contact_id => promise.contact_id,
                contact_name,
                what => promise.what.clone(),
                told_text => moment_text(promise.told, &now),
                left => agenda::time_left(promise.told, now.timestamp()),
                late,
            }
        })
        .collect();
    let reconnect: Vec<minijinja::Value> =
        keep_in_touch::drifting(&state.app, &actor, &DriftingQuery { days: Some(0) })
            .await?
            .overdue
            .iter()
            .map(|item| super::keep_in_touch::item(item, &now))
            .collect();
    let outcomes: Vec<&str> = Outcome::ALL.iter().map(|outcome| outcome.as_str()).collect();
    let waiting = super::review::waiting(state, &actor).await?;
    let library_waiting = tickler_app::library::waiting(&state.app, &actor).await?;
    Ok(minijinja::context! {
        library_waiting,
        review => (waiting > 0).then(|| super::review::waiting_text(waiting)),
        page => "today",
        today => now.strftime("%A %-d %B").to_string(),
        days => DAYS_AHEAD,
        buckets,
        due_today,
        more,
        at_risk,
        reconnect,
        channels => super::keep_in_touch::channels(),
        outcomes,
    })
}

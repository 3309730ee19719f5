//! Page rendering: the template environment (auto-escaping every value a
//! person typed), the shared page frame, and how a failure becomes a page.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use jiff::{Timestamp, ZonedDateTime};
use minijinja::Value;
use tickler_core::follow_up::Due;

use crate::caller::Caller;
use crate::error::Failure;
use crate::state::AppState;

/// Render `template` with `context`; the signed-in caller, if any, is added as `me` and `csrf`.
pub fn render(state: &AppState, template: &str, caller: Option<&Caller>, context: Value) -> Response {
    render_status(state, StatusCode::OK, template, caller, context)
}

/// As [`render`], with a status (422 for a form sent back with errors).
pub fn render_status(
    state: &AppState,
    status: StatusCode,
    template: &str,
    caller: Option<&Caller>,
    context: Value,
) -> Response {
    let frame = minijinja::context! {
        me => caller.map(|caller| minijinja::context! {
            name => caller.user.name.clone(),
            email => caller.user.email.as_str(),
            is_admin => caller.user.is_admin,
            zone => caller.zone().as_str(),
        }),
        csrf => caller.and_then(|caller| caller.csrf.clone()),
    };
    let merged = minijinja::context! { ..frame, ..context };
    match state.pages.get_template(template).and_then(|template| template.render(merged)) {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => Failure::internal(format!("template {template}: {error:#}")).into_response(),
    }
}

/// A failure shown as a page (a stale form, a missing record).
pub fn failure_page(state: &AppState, failure: &Failure) -> Response {
    let mut response = render_status(
        state,
        failure.status,
        "error.html",
        None,
        minijinja::context! { status => failure.status.as_u16(), message => failure.message.clone() },
    );
    if let Some(seconds) = failure.retry_after {
        response.headers_mut().insert(axum::http::header::RETRY_AFTER, seconds.into());
    }
    response
}

/// A due as a person reads it, from the user's side: "Today 15:00", "Thu 26 Nov", "Mon 4 Jan 2027 09:00".
pub fn due_text(due: &Due, now: &ZonedDateTime) -> String {
    let zone = now.time_zone();
    let (date, time) = match due.time {
        None => (due.date, None),
        Some(_) => {
            let local = due.instant().to_zoned_datetime(zone.clone());
            (local.date(), Some(local.time()))
        }
    };
    let today = now.date();
    let day = if date == today {
        "Today".to_string()
    } else if Some(date) == today.tomorrow().ok() {
        "Tomorrow".to_string()
    } else if Some(date) == today.yesterday().ok() {
        "Yesterday".to_string()
    } else if date.year() == today.year() {
        date.strftime("%a %-d %b").to_string()
    } else {
        date.strftime("%a %-d %b %Y").to_string()
    };
    let foreign = due.time.is_some() && due.zone.as_str() != zone.iana_name().unwrap_or_default();
    match time {
        Some(time) if foreign => format!(
            "{day} {} ({} {})",
            time.strftime("%H:%M"),
            due.time.map(|t| t.strftime("%H:%M").to_string()).unwrap_or_default(),
            due.zone.as_str()
        ),
        Some(time) => format!("{day} {}", time.strftime("%H:%M")),
        None => day,
    }
}

/// An instant as a person reads it in the user's zone: "Tue 24 Nov 2026, 10:00".
pub fn moment_text(instant: Timestamp, now: &ZonedDateTime) -> String {
    instant.to_zoned_datetime(now.time_zone().clone()).strftime("%a %-d %b %Y, %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses_and_escapes() {
        let environment = crate::web::templates::environment();
        let html = environment
            .get_template("error.html")
            .unwrap()
            .render(minijinja::context! { status => 404, message => "<script>alert(1)</script>" })
            .unwrap();
        assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"), "{html}");
        assert!(!html.contains("<script>alert(1)"));
    }

    #[test]
    fn dues_read_from_the_users_side() {
        let now: ZonedDateTime = "2026-11-24T10:00:00-05:00[America/New_York]".parse().unwrap();
        let zone = tickler_core::contact::ZoneName::parse("America/New_York").unwrap();
        let due = Due { date: "2026-11-24".parse().unwrap(), time: Some("15:00".parse().unwrap()), zone };
        assert_eq!(due_text(&due, &now), "Today 15:00");
        let paris = tickler_core::contact::ZoneName::parse("Europe/Paris").unwrap();
        let due = Due { date: "2026-11-26".parse().unwrap(), time: Some("15:00".parse().unwrap()), zone: paris };
        assert_eq!(due_text(&due, &now), "Thu 26 Nov 09:00 (15:00 Europe/Paris)");
    }
}

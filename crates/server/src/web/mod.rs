//! The server-rendered pages. Forms post to these handlers, which read the
//! fields, call the same actions as the API ([`crate::ops`]), then redirect
//! (or show the form again with each error beside its field).

mod campaigns;
mod contact;
mod contacts;
mod focus;
mod follow_ups;
mod keep_in_touch;
mod library;
mod lists;
mod mailbox;
mod plans;
mod reports;
mod review;
mod settings;
mod sign_in;
mod sign_up;
pub mod templates;
mod today;
mod transfer;
mod unsubscribe;
pub mod view;

use std::collections::BTreeMap;

use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::error::Failure;
use crate::state::AppState;

/// The page routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/today") }))
        .route("/setup", get(sign_in::setup_page).post(sign_in::setup))
        .route("/login", get(sign_in::login_page).post(sign_in::login))
        .route("/logout", post(sign_in::logout))
        .route("/today", get(today::page))
        .route("/focus", get(focus::page))
        .route("/focus/{id}/{step}", post(focus::step))
        .route("/contacts", get(contacts::list))
        .route("/contacts/new", get(contacts::new_page).post(contacts::create))
        .route("/contacts/import", get(transfer::page).post(transfer::import))
        .route("/contacts/export", get(transfer::export))
        .route("/contacts/{id}", get(contact::page))
        .route("/contacts/{id}/edit", get(contacts::edit_page).post(contacts::edit))
        .route("/contacts/{id}/delete", post(contacts::delete))
        .route("/contacts/{id}/follow-ups", post(contact::follow_up))
        .route("/contacts/{id}/touches", post(contact::log_touch))
        .route("/contacts/{id}/promises", post(contact::promise))
        .route("/contacts/{id}/consent", post(contact::consent))
        .route("/contacts/{id}/enrollments", post(contact::enroll))
        .route("/contacts/{id}/deliverable", post(contact::deliverable))
        .route("/enrollments/{id}/{change}", post(contact::change_enrollment))
        .route("/follow-ups/{id}/done", post(follow_ups::done))
        .route("/follow-ups/{id}/snooze", post(follow_ups::snooze))
        .route("/follow-ups/{id}/skip", post(follow_ups::skip))
        .route("/promises/{id}/kept", post(follow_ups::kept))
        .route("/promises/{id}/running-late", post(follow_ups::tell))
        .route("/drifting", get(keep_in_touch::page))
        .route("/cadences", post(keep_in_touch::set_cadence))
        .route("/contacts/{id}/reconnect/log", post(keep_in_touch::log))
        .route("/contacts/{id}/reconnect/follow-up", post(keep_in_touch::follow_up))
        .route("/contacts/{id}/reconnect/snooze", post(keep_in_touch::snooze))
        .route("/library", get(library::list).post(library::create))
        .route("/library/share", get(library::share_page).post(library::share))
        .route("/library/{id}", get(library::page).post(library::edit))
        .route("/library/{id}/delete", post(library::delete))
        .route("/lists", get(lists::page).post(lists::create))
        .route("/lists/{id}", get(lists::members))
        .route("/lists/{id}/add", post(lists::add))
        .route("/lists/{id}/remove", post(lists::remove))
        .route("/campaigns", get(campaigns::page).post(campaigns::create))
        .route("/campaigns/{id}", get(campaigns::one))
        .route("/campaigns/{id}/schedule", post(campaigns::schedule))
        .route("/campaigns/{id}/test", post(campaigns::test))
        .route("/campaigns/{id}/{change}", post(campaigns::change))
        .route("/s/{key}", get(sign_up::page).post(sign_up::submit))
        .route("/s/confirm/{token}", get(sign_up::confirm_page).post(sign_up::confirm))
        .route("/u/{token}", get(unsubscribe::page).post(unsubscribe::choose))
        .route("/reports", get(reports::page))
        .route("/reports/{file}", get(reports::download))
        .route("/plans", get(plans::list).post(plans::create))
        .route("/plans/{id}", get(plans::page))
        .route("/plans/{id}/steps", post(plans::add_step))
        .route("/plans/{id}/steps/{number}", post(plans::edit_step))
        .route("/plans/{id}/steps/{number}/delete", post(plans::remove_step))
        .route("/settings", get(settings::page).post(settings::save))
        .route("/settings/sender", post(settings::save_sender))
        .route("/settings/tokens", post(settings::create_token))
        .route("/settings/tokens/{id}/revoke", post(settings::revoke_token))
        .route("/settings/calendar/rotate", post(settings::rotate_calendar))
        .route("/settings/users", post(settings::add_user))
        .route("/settings/mailbox", post(settings::save_mail_account))
        .route("/settings/mailbox/remove", post(settings::clear_mail_account))
        .route("/settings/mailbox/read", post(mailbox::read_now))
        .route("/settings/addresses/new", post(mailbox::renew))
        .route("/mail/review", get(review::page))
        .route("/mail/review/add", post(review::add))
        .route("/mail/review/dismiss", post(review::dismiss))
        .route("/favicon.ico", get(|| async { asset("image/x-icon", FAVICON.as_slice()) }))
        .route("/assets/app.css", get(|| async { asset("text/css; charset=utf-8", include_str!("assets/app.css")) }))
        .route(
            "/assets/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", include_str!("assets/app.js")) }),
        )
}

/// The icon browsers ask for on every page (`/favicon.ico`): a white tick on the accent blue, 16 and 32 px.
const FAVICON: &[u8; 5430] = include_bytes!("assets/favicon.ico");

fn asset(content_type: &'static str, body: impl Into<axum::body::Body>) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body.into())
        .into_response()
}

/// Errors of a form sent back, keyed `form.field`.
pub type FormErrors = BTreeMap<String, String>;

/// Place a failure beside its field in `form`, or, with no field, as the page's alert.
pub fn place(form: &str, failure: &Failure, errors: &mut FormErrors) -> Option<String> {
    match &failure.field {
        Some(field) => {
            errors.insert(format!("{form}.{field}"), failure.message_for_field().to_string());
            None
        }
        None => Some(failure.message.clone()),
    }
}

/// Where a form wants to go back to: only a local path, never another site.
#[derive(Debug, Default, Deserialize)]
pub struct ReturnTo {
    pub return_to: Option<String>,
}

pub fn local_path(path: Option<&str>, fallback: &str) -> String {
    match path {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => path.to_string(),
        _ => fallback.to_string(),
    }
}

/// Redirect after a successful form, with a notice code the next page shows.
pub fn done_redirect(path: &str, notice: &str) -> Response {
    let separator = if path.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{path}{separator}notice={notice}")).into_response()
}

/// The words for a notice code (codes only, so a link cannot put words in the page's mouth).
pub fn notice_text(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "done" => "Marked done.",
        "snoozed" => "Snoozed.",
        "skipped" => "Skipped.",
        "scheduled" => "Follow-up scheduled.",
        "logged" => "Touch logged.",
        "promised" => "Promise saved.",
        "kept" => "Promise kept. Nicely done.",
        "late-sent" => "Sent: they know the new deadline, and the promise moved to it.",
        "reconnect-snoozed" => "Snoozed: no reminder to reconnect until then.",
        "cadence" => "Cadence saved.",
        "late-told" => "Logged: the promise moved to the new deadline you told them.",
        "consent" => "Consent saved.",
        "saved" => "Saved.",
        "created" => "Contact added.",
        "deleted" => "Contact deleted.",
        "rotated" => "New calendar address made; update your calendar app.",
        "revoked" => "Token revoked.",
        "user" => "User added.",
        "enrolled" => "Enrolled in the plan.",
        "plan" => "Plan updated.",
        "mailbox" => "Your mailbox is saved.",
        "mailbox-removed" => "Your mail account is removed: your emails go through the installation's relay.",
        "addresses" => "New addresses made: the old ones no longer work.",
        "review-added" => "Added as a contact: the mail you exchange with them is logged on them.",
        "review-dismissed" => "Dismissed: they will not be listed again.",
        "focus-sent" => "Sent through Tickler and marked done.",
        "library-added" => "Added to the library.",
        "library-removed" => "Removed from the library.",
        "library-shared" => "Shared through Tickler: the email is on its way and the touch is logged.",
        "campaign-created" => "Campaign saved as a draft: preview it, then schedule it.",
        "campaign-scheduled" => "Scheduled: it goes from then, a few a minute, inside your sending hours.",
        "campaign-changed" => "Campaign updated.",
        "campaign-test" => "Test queued to your address: the worker sends it in a moment.",
        "list-created" => "List created.",
        "members-added" => "Added to the list.",
        "members-removed" => "Removed from the list: they left it (their other lists and follow-ups are untouched).",
        "deliverable" => "Marked as working again: automatic email may go there.",
        _ => return None,
    })
}

/// Query parameters every page reads.
#[derive(Debug, Default, Deserialize)]
pub struct Notice {
    pub notice: Option<String>,
}

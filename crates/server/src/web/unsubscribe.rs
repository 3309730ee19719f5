//! The unsubscribe link of every newsletter (`/u/{token}`), open to anyone
//! holding the link: no sign-in and no CSRF token, as RFC 8058 asks. A POST
//! with `List-Unsubscribe=One-Click` (what mail apps send) or the page's
//! "just this list" leaves the list at once; "don't contact me at all" also
//! marks the contact do-not-contact. The page names the list and nothing else.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use tickler_app::unsubscribe::{self, Unsubscribing};

use super::view::{failure_page, render_status};
use crate::auth::form_pairs;
use crate::error::Failure;
use crate::state::AppState;

/// The page: the list's name and the two kinds of no.
pub async fn page(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match unsubscribe::read(&state.app, &token, state.now()).await {
        Ok(unsubscribing) => show(&state, &token, &unsubscribing, None),
        Err(error) => refused(&state, error),
    }
}

/// One click from a mail app, or a choice on the page.
pub async fn choose(State(state): State<AppState>, Path(token): Path<String>, body: Bytes) -> Response {
    // Mail apps may send the one-click body as multipart/form-data (RFC 8058): whatever does not read as this
    // page's own form is a one-click "leave this list", never more.
    let pairs = form_pairs(&body).unwrap_or_default();
    let never = pairs.iter().any(|(key, value)| key == "choice" && value == "never");
    let done = if never {
        unsubscribe::never(&state.app, &token, state.now()).await
    } else {
        unsubscribe::leave(&state.app, &token, state.now()).await
    };
    match done {
        Ok(unsubscribing) => show(&state, &token, &unsubscribing, Some(if never { "never" } else { "list" })),
        Err(error) => refused(&state, error),
    }
}

fn show(state: &AppState, token: &str, unsubscribing: &Unsubscribing, done: Option<&str>) -> Response {
    render_status(
        state,
        StatusCode::OK,
        "unsubscribe.html",
        None,
        minijinja::context! {
            token => token,
            list_name => unsubscribing.list_name.clone(),
            subscribed => unsubscribing.subscribed,
            done => done,
        },
    )
}

/// A link that does not verify (or names what no longer exists) is refused the same way, saying nothing more.
fn refused(state: &AppState, error: tickler_app::Error) -> Response {
    let failure: Failure = error.into();
    let failure = if failure.status.is_client_error() {
        Failure::forbidden(
            "this unsubscribe link is not valid: it may have been cut short or changed. Use the link from the email as it came.",
        )
    } else {
        failure
    };
    failure_page(state, &failure)
}

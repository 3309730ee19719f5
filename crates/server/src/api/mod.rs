//! The JSON API under `/api/v1`: everything the CLI and the pages do,
//! authenticated by session or bearer token. The OpenAPI document at
//! `/api/openapi.json` is generated from these handlers and their types.

pub mod account;
mod campaigns;
pub mod contacts;
mod extract;
mod follow_ups;
mod keep_in_touch;
mod library;
mod lists;
pub mod mail_account;
mod mailbox;
pub mod plans;
pub mod reports;
pub mod transfer;

use axum::Json;
use axum::response::IntoResponse;
use axum::routing::get;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ErrorBody;
use crate::state::AppState;

pub use extract::{ApiJson, ApiPath, ApiQuery};

/// The error responses every authenticated endpoint may give.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum Errors {
    /// The request does not parse (bad JSON, a non-numeric id, a bad query).
    #[response(status = 400)]
    BadRequest(#[to_schema] ErrorBody),
    /// Not signed in, or the token is unknown or revoked.
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// A signed-in browser sent no CSRF token, or the action needs an admin.
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// No such record in the caller's account.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// Refused by a rule: consent, pacing, a duplicate, an ambiguous name.
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// The body is too large.
    #[response(status = 413)]
    TooLarge(ErrorBody),
    /// A field's value is not acceptable; `field` names it.
    #[response(status = 422)]
    Invalid(ErrorBody),
    /// The database is not answering; try again in a moment.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Tickler API", description = "Contacts, touches, follow-ups, promises and consent; \
        authenticate with `Authorization: Bearer <token>` (create one under Settings) or a browser session \
        plus `X-CSRF-Token`."),
    modifiers(&Security),
    security(("bearer" = []), ("session" = [])),
    components(schemas(ErrorBody))
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("tkl_…").build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::SESSION_COOKIE))),
        );
    }
}

/// The API routes and the OpenAPI document describing exactly them.
pub fn router() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(account::health))
        .routes(routes!(account::me))
        .routes(routes!(account::when))
        .routes(routes!(account::settings, account::update_settings))
        .routes(routes!(account::tokens, account::create_token))
        .routes(routes!(account::revoke_token))
        .routes(routes!(account::users, account::create_user))
        .routes(routes!(account::calendar))
        .routes(routes!(account::rotate_calendar))
        .routes(routes!(mail_account::show, mail_account::update, mail_account::clear))
        .routes(routes!(contacts::list, contacts::create))
        .routes(routes!(contacts::show, contacts::update, contacts::remove))
        .routes(routes!(contacts::timeline))
        .routes(routes!(contacts::log_touch))
        .routes(routes!(contacts::set_consent))
        .routes(routes!(follow_ups::schedule))
        .routes(routes!(follow_ups::make_promise))
        .routes(routes!(follow_ups::agenda))
        .routes(routes!(follow_ups::show))
        .routes(routes!(follow_ups::done))
        .routes(routes!(follow_ups::snooze))
        .routes(routes!(follow_ups::skip))
        .routes(routes!(follow_ups::email, follow_ups::send))
        .routes(routes!(follow_ups::promises))
        .routes(routes!(follow_ups::keep))
        .routes(routes!(follow_ups::running_late, follow_ups::tell))
        .routes(routes!(keep_in_touch::drifting))
        .routes(routes!(keep_in_touch::cadences))
        .routes(routes!(keep_in_touch::set_cadence))
        .routes(routes!(keep_in_touch::snooze_reconnect))
        .routes(routes!(library::list, library::add))
        .routes(routes!(library::show, library::edit, library::remove))
        .routes(routes!(library::draft, library::share))
        .routes(routes!(library::of_contact))
        .routes(routes!(lists::all, lists::create))
        .routes(routes!(lists::members, lists::add))
        .routes(routes!(lists::remove))
        .routes(routes!(campaigns::all, campaigns::create))
        .routes(routes!(campaigns::show))
        .routes(routes!(campaigns::preview))
        .routes(routes!(campaigns::schedule))
        .routes(routes!(campaigns::test))
        .routes(routes!(campaigns::change))
        .routes(routes!(reports::report))
        .routes(routes!(plans::plans))
        .routes(routes!(plans::create, plans::of_contact))
        .routes(routes!(plans::update))
        .routes(routes!(transfer::import_contacts))
        .routes(routes!(transfer::export_contacts))
        .routes(routes!(mailbox::addresses))
        .routes(routes!(mailbox::renew_addresses))
        .routes(routes!(mailbox::check))
        .routes(routes!(mailbox::review))
        .routes(routes!(mailbox::add_reviewed))
        .routes(routes!(mailbox::dismiss_reviewed))
        .routes(routes!(mailbox::deliverable))
        .split_for_parts();
    let document = openapi.clone();
    let router = router
        .route("/api/openapi.json", get(move || async move { Json(document.clone()).into_response() }))
        .fallback(|| async { crate::error::Failure::not_found("no such API endpoint") });
    (router, openapi)
}

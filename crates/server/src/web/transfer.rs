//! The import page (a file upload with the same summary as `tickler
//! import`) and the export downloads.

use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::view::{failure_page, render_status};
use super::{FormErrors, place};
use crate::api::transfer::{ImportQuery, export_file, import_body};
use crate::auth::{PageCaller, secret};
use crate::error::Failure;
use crate::state::AppState;

pub async fn page(State(state): State<AppState>, PageCaller(caller): PageCaller) -> Response {
    render_status(&state, StatusCode::OK, "import.html", Some(&caller), minijinja::context! { page => "contacts" })
}

pub async fn import(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    mut multipart: Multipart,
) -> Response {
    let mut csrf = String::new();
    let mut query = ImportQuery::default();
    let mut file = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => return failure_page(&state, &Failure::bad_request(format!("upload: {error}"))),
        };
        let name = field.name().unwrap_or_default().to_string();
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(error) => return failure_page(&state, &Failure::bad_request(format!("{name}: {error}"))),
        };
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "csrf" => csrf = text(),
            "on_duplicate" => query.on_duplicate = Some(text()),
            "dry_run" => query.dry_run = text() == "true",
            "file" => file = bytes.to_vec(),
            _ => {}
        }
    }
    let expected = caller.csrf.as_deref().unwrap_or_default();
    if expected.is_empty() || !secret::same_secret(&csrf, expected) {
        return failure_page(
            &state,
            &Failure::forbidden("the form's security token is missing or stale; reload the page"),
        );
    }
    match import_body(&state, &caller, &query, &file).await {
        Ok(report) => render_status(
            &state,
            StatusCode::OK,
            "import.html",
            Some(&caller),
            minijinja::context! { page => "contacts", layout_name => report.layout.map(|layout| layout.as_str()), report },
        ),
        Err(failure) => {
            let mut errors = FormErrors::new();
            let alert = place("import", &failure, &mut errors);
            render_status(
                &state,
                failure.status,
                "import.html",
                Some(&caller),
                minijinja::context! { page => "contacts", errors, alert },
            )
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ExportForm {
    format: Option<String>,
}

pub async fn export(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(form): Query<ExportForm>,
) -> Response {
    match export_file(&state, &caller, form.format.as_deref()).await {
        Ok(response) => response,
        Err(failure) => failure_page(&state, &failure),
    }
}

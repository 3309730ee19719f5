//! The import page (a file upload with the same summary as `tickler
//! import`) and the export downloads.

use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::view::{failure_page, render_status};
use super::{FormErrors, place};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use tickler_transfer::csv_layout::Field;

use crate::api::transfer::{ImportQuery, export_file, import_mapped};
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
    let mut maps = Vec::new();
    let mut mapped = false;
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
            "file" if !bytes.is_empty() => file = bytes.to_vec(),
            // The second step: the file as the first step read it, and a field chosen for each column left out.
            "file_data" => match BASE64.decode(bytes.as_ref()) {
                Ok(data) => file = data,
                Err(_) => return failure_page(&state, &Failure::bad_request("file_data: not the file sent back")),
            },
            "map" => {
                mapped = true;
                maps.push(text());
            }
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
    // A CSV with columns Tickler does not know: first a dry run, and a field to choose for each, before anything is written.
    if !mapped && !query.dry_run {
        let trial = ImportQuery { dry_run: true, ..query.clone() };
        if let Ok(report) = import_mapped(&state, &caller, &trial, Vec::new(), &file).await
            && report.summary.left_out.iter().any(|column| column.values > 0)
        {
            let choices: Vec<minijinja::Value> = report
                .summary
                .left_out
                .iter()
                .map(|column| {
                    minijinja::context! {
                        column => column.column.clone(),
                        values => column.values,
                        suggested => column.suggested_field.clone(),
                    }
                })
                .collect();
            return render_status(
                &state,
                StatusCode::OK,
                "import.html",
                Some(&caller),
                minijinja::context! {
                    page => "contacts",
                    choose => minijinja::context! {
                        columns => choices,
                        fields => Field::names(),
                        file_data => BASE64.encode(&file),
                        on_duplicate => query.on_duplicate.clone(),
                        report => report.summary,
                    },
                },
            );
        }
    }
    match import_mapped(&state, &caller, &query, maps, &file).await {
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

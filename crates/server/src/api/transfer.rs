//! `/api/v1/import` and `/api/v1/export`: contact files in and out, with the
//! same summary as `tickler import`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tickler_core::import::{ImportSummary, OnDuplicate};
use tickler_transfer::{ColumnMap, CsvWriter, Format};
use utoipa::{IntoParams, ToSchema};

use super::{ApiQuery, Errors};
use crate::auth::ApiCaller;
use crate::error::{Failure, Result};
use crate::state::AppState;
use crate::transfer::{ImportFailure, ImportRequest, import};

/// How to read an uploaded file.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// csv or vcf; guessed from the content when left out.
    pub format: Option<String>,
    /// skip (default), update or keep-both.
    pub on_duplicate: Option<String>,
    /// Report what would happen without writing.
    #[serde(default)]
    pub dry_run: bool,
    /// An unusual CSV column, as "Column Name=field" (e.g. "E-mail Address=email").
    pub map: Option<String>,
}

/// What an import did (or would do).
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    /// csv or vcf.
    pub format: String,
    /// The CSV layout recognised from the header (google, outlook, plain).
    pub layout: Option<String>,
    #[serde(flatten)]
    pub summary: ImportSummary,
}

/// Import `body` for the caller's account.
pub async fn import_body(state: &AppState, account_id: i64, query: &ImportQuery, body: &[u8]) -> Result<ImportReport> {
    let format = match query.format.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
        Some("csv") => Format::Csv,
        Some("vcf" | "vcard") => Format::Vcf,
        Some(other) => {
            return Err(Failure::invalid("format", format!("format: unknown format \"{other}\"; use csv or vcf")));
        }
        None => Format::detect("", body),
    };
    let on_duplicate = match query.on_duplicate.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(text) => OnDuplicate::parse(text)?,
        None => OnDuplicate::default(),
    };
    let maps = match query.map.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        Some(map) => vec![ColumnMap::parse(map).map_err(|error| Failure::invalid("map", error.to_string()))?],
        None => Vec::new(),
    };
    if body.is_empty() {
        return Err(Failure::invalid("file", "file: the upload is empty; send the CSV or vCard file as the body"));
    }
    let request =
        ImportRequest { account_id, format, maps: &maps, on_duplicate, dry_run: query.dry_run, now: state.now() };
    match import(&state.store, &request, body).await {
        Ok((summary, layout)) => Ok(ImportReport {
            format: if format == Format::Csv { "csv" } else { "vcf" }.to_string(),
            layout: layout.map(|layout| layout.as_str().to_string()),
            summary,
        }),
        Err(ImportFailure::File(error)) => Err(Failure::invalid("file", format!("file: {error}"))),
        Err(ImportFailure::Store(error)) => Err(error.into()),
    }
}

#[utoipa::path(post, path = "/api/v1/import", tag = "contacts", params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The CSV or vCard file"),
    responses((status = 200, body = ImportReport), Errors))]
pub async fn import_contacts(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<ImportQuery>,
    body: Bytes,
) -> Result<axum::Json<ImportReport>> {
    Ok(axum::Json(import_body(&state, caller.account_id(), &query, &body).await?))
}

/// Which format to export.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// csv (default) or vcf.
    pub format: Option<String>,
}

/// Every contact of the account as a CSV or vCard file.
pub async fn export_file(state: &AppState, account_id: i64, format: Option<&str>) -> Result<Response> {
    let format = match format.map(str::trim).filter(|f| !f.is_empty()) {
        None | Some("csv") => Format::Csv,
        Some("vcf" | "vcard") => Format::Vcf,
        Some(other) => {
            return Err(Failure::invalid("format", format!("format: unknown format \"{other}\"; use csv or vcf")));
        }
    };
    let mut csv = match format {
        Format::Csv => Some(CsvWriter::new(Vec::new()).map_err(Failure::internal)?),
        Format::Vcf => None,
    };
    let mut vcards = String::new();
    let mut after = 0;
    loop {
        let page = state.store.contacts_after(account_id, after, 2_000).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for contact in &page {
            match &mut csv {
                Some(csv) => csv.write(&contact.details).map_err(Failure::internal)?,
                None => vcards.push_str(&tickler_transfer::vcard(&contact.details)),
            }
        }
    }
    let (body, content_type, name) = match csv {
        Some(csv) => (csv.finish().map_err(Failure::internal)?, "text/csv; charset=utf-8", "contacts.csv"),
        None => (vcards.into_bytes(), "text/vcard; charset=utf-8", "contacts.vcf"),
    };
    let disposition = format!("attachment; filename=\"{name}\"");
    Ok(([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], body)
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/export", tag = "contacts", params(ExportQuery),
    responses((status = 200, content_type = "text/csv", body = String, description = "The contacts file"), Errors))]
pub async fn export_contacts(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response> {
    export_file(&state, caller.account_id(), query.format.as_deref()).await
}

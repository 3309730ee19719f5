//! `/api/v1/import` and `/api/v1/export`: contact files in and out, with the
//! same summary as `tickler import`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tickler_app::export;
use tickler_app::import::{self, ImportOptions, ImportReport};
use tickler_transfer::Format;
use utoipa::IntoParams;

use super::{ApiQuery, Errors};
use crate::auth::{ApiCaller, Caller};
use crate::error::Result;
use crate::state::AppState;

/// How to read an uploaded file.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// csv or vcf; guessed from the content when left out.
    pub format: Option<String>,
    /// skip (default), update or keep-both.
    pub on_duplicate: Option<String>,
    /// Report what would happen without writing.
    #[serde(default)]
    pub dry_run: bool,
    /// An unusual CSV column, as "Column Name=field" (e.g. "Firma=organisation"); several on separate
    /// lines (`%0A`). The summary's `left_out` names each column not imported and the field it may hold.
    pub map: Option<String>,
}

/// Import `body` for the caller's account.
pub async fn import_body(state: &AppState, caller: &Caller, query: &ImportQuery, body: &[u8]) -> Result<ImportReport> {
    let maps = query.map.iter().flat_map(|map| map.lines()).map(str::to_string).collect();
    import_mapped(state, caller, query, maps, body).await
}

/// Import `body` with these `Column=field` maps.
pub async fn import_mapped(
    state: &AppState,
    caller: &Caller,
    query: &ImportQuery,
    maps: Vec<String>,
    body: &[u8],
) -> Result<ImportReport> {
    let options = ImportOptions {
        format: query.format.clone(),
        on_duplicate: query.on_duplicate.clone(),
        maps,
        dry_run: query.dry_run,
    };
    Ok(import::import(&state.app, &caller.actor(state), &options, "", body).await?)
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
    Ok(axum::Json(import_body(&state, &caller, &query, &body).await?))
}

/// Which format to export.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// csv (default) or vcf.
    pub format: Option<String>,
}

/// Every contact of the account as a CSV or vCard file.
pub async fn export_file(state: &AppState, caller: &Caller, format: Option<&str>) -> Result<Response> {
    let format = import::format(format)?.unwrap_or(Format::Csv);
    let mut body = Vec::new();
    export::contacts(&state.app, &caller.actor(state), format, &mut body, |_| {}).await?;
    let (content_type, name) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "contacts.csv"),
        Format::Vcf => ("text/vcard; charset=utf-8", "contacts.vcf"),
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
    export_file(&state, &caller, query.format.as_deref()).await
}

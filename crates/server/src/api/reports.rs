//! `/api/v1/reports/{name}`: one report over a period as JSON, or as CSV
//! (`?format=csv` or `Accept: text/csv`); the page's downloads share it.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tickler_app::reports::{self, ReportQuery};
use tickler_core::report::figures::Report;
use utoipa::IntoParams;

use super::{ApiPath, ApiQuery, Errors};
use crate::auth::{ApiCaller, Caller};
use crate::error::{Failure, Result};
use crate::state::AppState;

/// The period of a report, and the format to answer in.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// The first day, `YYYY-MM-DD` in the account's zone; without `to`, up to today.
    pub from: Option<String>,
    /// The last day, included; without `from`, the 12 weeks up to it.
    pub to: Option<String>,
    /// The last so many weeks or months up to today (`12w`, `6 months`); the default is the last 12 weeks.
    pub period: Option<String>,
    /// `json` (default) or `csv`; `Accept: text/csv` asks for CSV too.
    pub format: Option<String>,
}

impl ReportParams {
    /// The period part, for the action.
    pub fn query(&self) -> ReportQuery {
        ReportQuery { from: self.from.clone(), to: self.to.clone(), period: self.period.clone() }
    }

    /// Whether CSV is asked for, by `format` or else by the `Accept` header.
    pub fn wants_csv(&self, headers: &HeaderMap) -> std::result::Result<bool, Failure> {
        match self.format.as_deref().map(str::trim) {
            Some("csv") => Ok(true),
            Some("json") => Ok(false),
            Some(other) => Err(Failure::from(tickler_app::Error::invalid(
                "format",
                format!("\"{other}\" is not a format; use json or csv"),
            ))),
            None => Ok(headers
                .get(header::ACCEPT)
                .and_then(|accept| accept.to_str().ok())
                .is_some_and(|accept| accept.contains("text/csv"))),
        }
    }
}

/// A report as a CSV download named by report and period.
pub fn csv_response(report: &Report) -> Response {
    let name = format!("tickler-{}-{}-{}.csv", report.name.as_str(), report.period.from, report.period.to);
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        report.table().to_csv(),
    )
        .into_response()
}

/// The report `name` for `caller` over the period of `params`.
pub async fn report_for(state: &AppState, caller: &Caller, name: &str, params: &ReportParams) -> Result<Report> {
    Ok(reports::report(&state.app, &caller.actor(state), name, &params.query()).await?)
}

#[utoipa::path(get, path = "/api/v1/reports/{name}", tag = "reports",
    params(("name" = String, Path, description = "follow-ups, promises, plans, touches, stages or consent"), ReportParams),
    responses(
        (status = 200, description = "The report's figures, week by week or month by month in the account's zone; \
            as CSV with `format=csv` or `Accept: text/csv`",
            content((Report = "application/json"), (String = "text/csv"))),
        Errors))]
pub async fn report(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(name): ApiPath<String>,
    ApiQuery(params): ApiQuery<ReportParams>,
    headers: HeaderMap,
) -> Result<Response> {
    let csv = params.wants_csv(&headers)?;
    let report = report_for(&state, &caller, &name, &params).await?;
    Ok(if csv { csv_response(&report) } else { Json(report).into_response() })
}

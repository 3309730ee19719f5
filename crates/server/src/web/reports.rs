//! The reports page: every report over one chosen period, each a chart drawn
//! on the server (accessible SVG) beside a table of the same figures, with a
//! CSV download (`/reports/<name>.csv?from=…&to=…`).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use tickler_app::reports;
use tickler_core::report::figures::{Figures, Report};

use super::FormErrors;
use super::view::{failure_page, render_status};
use crate::api::reports::{ReportParams, csv_response, report_for};
use crate::auth::PageCaller;
use crate::error::Failure;
use crate::state::AppState;

/// One report as the page shows it.
fn section(report: &Report, query: &str) -> minijinja::Value {
    let table = report.table();
    let weakest: Vec<String> = match &report.figures {
        Figures::Plans(steps) => steps
            .iter()
            .filter(|step| step.weakest)
            .map(|step| {
                format!("{} step {} ({}% of {} replied)", step.plan, step.step, step.reply_rate.unwrap_or(0), step.sent)
            })
            .collect(),
        _ => Vec::new(),
    };
    let name = report.name.as_str();
    minijinja::context! {
        name => name,
        title => report.title.clone(),
        note => report.note.clone(),
        chart => minijinja::Value::from_safe_string(report.chart().svg(&format!("chart-{name}"))),
        columns => table.columns,
        rows => table.rows,
        weakest,
        query => query,
    }
}

/// The query string that chose the period, for the download links (`?from=…&to=…`).
fn period_query(params: &ReportParams) -> String {
    let mut pairs = Vec::new();
    for (key, value) in [("from", &params.from), ("to", &params.to), ("period", &params.period)] {
        if let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            pairs.push(format!("{key}={}", urlencode(value)));
        }
    }
    if pairs.is_empty() { String::new() } else { format!("?{}", pairs.join("&")) }
}

fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

pub async fn page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(params): Query<ReportParams>,
) -> Response {
    let actor = caller.actor(&state);
    let query = period_query(&params);
    let form = minijinja::context! {
        from => params.from.clone().unwrap_or_default(),
        to => params.to.clone().unwrap_or_default(),
        period => params.period.clone().unwrap_or_default(),
    };
    let (status, alert, period, sections) = match reports::all(&state.app, &actor, &params.query()).await {
        Ok((period, reports)) => {
            let sections: Vec<minijinja::Value> = reports.iter().map(|report| section(report, &query)).collect();
            (
                StatusCode::OK,
                None,
                Some(minijinja::context! { from => period.from.to_string(), to => period.to.to_string() }),
                sections,
            )
        }
        Err(error) => {
            let failure = Failure::from(error);
            if failure.status != StatusCode::UNPROCESSABLE_ENTITY {
                return failure_page(&state, &failure);
            }
            let mut errors = FormErrors::new();
            let alert = super::place("report", &failure, &mut errors);
            let message = alert.or_else(|| errors.values().next().cloned());
            (failure.status, message, None, Vec::new())
        }
    };
    render_status(
        &state,
        status,
        "reports.html",
        Some(&caller),
        minijinja::context! {
            page => "reports", form, period, alert, sections,
            zone => actor.account.settings.zone.as_str(),
        },
    )
}

/// `/reports/<name>.csv`: one report's figures as a download.
pub async fn download(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(file): Path<String>,
    Query(params): Query<ReportParams>,
) -> Response {
    let Some(name) = file.strip_suffix(".csv") else {
        return failure_page(&state, &Failure::not_found("no such page; a report downloads as /reports/<name>.csv"));
    };
    match report_for(&state, &caller, name, &params).await {
        Ok(report) => csv_response(&report),
        Err(failure) => failure_page(&state, &failure),
    }
}

//! Reports: the figures a person keeps the habit by, each over a chosen period
//! (the last 12 weeks unless told otherwise), cut into weeks or months in the
//! account's zone by `core::report` and counted by the store.

use jiff::civil::Date;
use serde::Deserialize;
use tickler_core::report::figures::{self, Figures, Report};
use tickler_core::report::{DEFAULT_WEEKS, Period, ReportName, Step};

use crate::error::{Error, Result};
use crate::{Actor, App};

/// The period a report is asked for, as typed: `from` and `to`, or `period`, or neither (the last 12 weeks).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ReportQuery {
    /// The first day, `YYYY-MM-DD` in the account's zone; without `to`, up to today.
    pub from: Option<String>,
    /// The last day, included; without `from`, the 12 weeks up to it.
    pub to: Option<String>,
    /// The last so many weeks or months up to today: `12w`, `12 weeks`, `6m`, `6 months`.
    pub period: Option<String>,
}

fn day(field: &'static str, raw: &str) -> Result<Date> {
    raw.trim()
        .parse::<Date>()
        .map_err(|_| Error::invalid(field, format!("\"{}\" is not a day as YYYY-MM-DD", raw.trim())))
}

/// The period `query` asks for, as seen by `actor` (today is in the account's zone).
pub fn period(actor: &Actor, query: &ReportQuery) -> Result<Period> {
    let zone = actor.account.settings.zone.time_zone();
    let today = actor.now.to_zoned_datetime(zone).date();
    let blank = |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let (from, to, length) = (blank(&query.from), blank(&query.to), blank(&query.period));
    if length.is_some() && (from.is_some() || to.is_some()) {
        return Err(Error::invalid("period", "give either a period (\"12w\") or from and to, not both"));
    }
    if let Some(length) = length {
        return Ok(Period::parse_last(&length, today)?);
    }
    let period = match (from, to) {
        (None, None) => Period::last(today, DEFAULT_WEEKS, Step::Week)?,
        (Some(from), None) => Period::new(day("from", &from)?, today.max(day("from", &from)?))?,
        (from, Some(to)) => {
            let to = day("to", &to)?;
            let from = match from {
                Some(from) => day("from", &from)?,
                None => Period::last(to, DEFAULT_WEEKS, Step::Week)?.from,
            };
            Period::new(from, to)?
        }
    };
    Ok(period)
}

/// The report named `name` over the period `query` asks for.
pub async fn report(app: &App, actor: &Actor, name: &str, query: &ReportQuery) -> Result<Report> {
    let name = ReportName::parse(name)?;
    let period = period(actor, query)?;
    build(app, actor, name, period).await
}

/// Every report over the period `query` asks for, in the page's order.
pub async fn all(app: &App, actor: &Actor, query: &ReportQuery) -> Result<(Period, Vec<Report>)> {
    let period = period(actor, query)?;
    let mut reports = Vec::new();
    for name in ReportName::ALL {
        reports.push(build(app, actor, name, period).await?);
    }
    Ok((period, reports))
}

async fn build(app: &App, actor: &Actor, name: ReportName, period: Period) -> Result<Report> {
    let account = actor.account_id();
    let zone = actor.account.settings.zone.clone();
    let weeks = || period.buckets(Step::Week, &zone.time_zone());
    let figures = match name {
        ReportName::FollowUps => Figures::FollowUps(app.store.report_follow_ups(account, &weeks()).await?),
        ReportName::Promises => Figures::Promises(
            app.store.report_promises(account, &period.buckets(Step::Month, &zone.time_zone()), actor.now).await?,
        ),
        ReportName::Plans => {
            let (start, end) = period.span(&zone.time_zone());
            let mut steps = app.store.report_plans(account, start, end).await?;
            figures::flag_weakest(&mut steps);
            Figures::Plans(steps)
        }
        ReportName::Touches => Figures::Touches(app.store.report_touches(account, &weeks()).await?),
        ReportName::Stages => Figures::Stages(app.store.report_stages(account, &weeks()).await?),
        ReportName::Consent => Figures::Consent(app.store.report_consent(account, &weeks()).await?),
    };
    Ok(Report {
        name,
        title: name.title().to_string(),
        period,
        zone: zone.as_str().to_string(),
        note: figures::note(name).to_string(),
        figures,
    })
}

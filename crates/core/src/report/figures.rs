//! The figures of each report, one row type per report, and how each reads
//! as a table (the CSV download, the table beside the chart) and as a chart.

use serde::Serialize;

use super::chart::{Chart, Series};
use super::table::Table;
use super::{Period, ReportName, duration_text, percent};

/// Sends a plan step needs before its reply rate counts towards "works least".
pub const MIN_SENDS: i64 = 5;

/// Follow-ups closed in one week: done by their due (a timed one by its
/// moment, an all-day one within the 24 hours from its day's start), done
/// later, or skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpWeek {
    /// The week's Monday.
    pub week: String,
    pub on_time: i64,
    pub late: i64,
    /// The median time past due of the late ones, in seconds.
    pub median_late_seconds: Option<i64>,
    pub skipped: i64,
}

/// Promises whose told deadline falls in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PromiseMonth {
    /// `2026-09`.
    pub month: String,
    /// Every promise due that month but the cancelled.
    pub due: i64,
    /// Fulfilled by the deadline told to the contact.
    pub kept_by_told: i64,
    /// Fulfilled by the earlier internal aim.
    pub kept_by_aim: i64,
    /// Fulfilled after the told deadline.
    pub late: i64,
    /// Still open with the told deadline passed.
    pub overdue: i64,
    /// Moved to a new deadline.
    pub renegotiated: i64,
}

/// One step of a plan over the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanStepFigures {
    pub plan_id: i64,
    pub plan: String,
    /// 1 for the first step.
    pub step: i64,
    /// Emails of this step sent in the period.
    pub sent: i64,
    /// Of those, how many were replied to.
    pub replied: i64,
    /// Replied per sent, in whole percent.
    pub reply_rate: Option<i64>,
    /// Enrollments stopped in the period before this step ran.
    pub stopped: i64,
    /// Why they stopped, most frequent first ("reply 3, manual 1").
    pub stop_reasons: String,
    /// Among the steps with at least [`MIN_SENDS`] sent, one with the lowest reply rate.
    pub weakest: bool,
}

/// A count in one week under one name (a channel and direction, a stage, a consent state).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeekCount {
    /// The week's Monday.
    pub week: String,
    /// `email out`, a stage (`client`, `none`), a consent state (`not-now`).
    pub name: String,
    pub count: i64,
}

/// What a report holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case", tag = "kind", content = "rows")]
pub enum Figures {
    FollowUps(Vec<FollowUpWeek>),
    Promises(Vec<PromiseMonth>),
    Plans(Vec<PlanStepFigures>),
    Touches(Vec<WeekCount>),
    Stages(Vec<WeekCount>),
    Consent(Vec<WeekCount>),
}

/// One report over one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    pub name: ReportName,
    pub title: String,
    pub period: Period,
    /// The zone weeks and months are cut in.
    pub zone: String,
    /// How the figures are counted, in a sentence.
    pub note: String,
    pub figures: Figures,
}

/// Flag the steps that work least: the lowest reply rate among those sent at least [`MIN_SENDS`] times.
pub fn flag_weakest(steps: &mut [PlanStepFigures]) {
    let lowest = steps.iter().filter(|s| s.sent >= MIN_SENDS).filter_map(|s| s.reply_rate).min();
    for step in steps.iter_mut() {
        step.weakest = lowest.is_some() && step.sent >= MIN_SENDS && step.reply_rate == lowest;
    }
}

/// How each report is counted, for the page and the JSON.
pub fn note(name: ReportName) -> &'static str {
    match name {
        ReportName::FollowUps => {
            "Each follow-up counts in the week it was closed. On time: done by its moment, or for an all-day \
             follow-up within 24 hours of its day's start."
        }
        ReportName::Promises => {
            "Each promise counts in the month of the deadline told to the contact; cancelled ones are left out."
        }
        ReportName::Plans => {
            "Automatic emails sent in the period, per step; replied: a reply was matched to that email. Stopped: \
             enrollments stopped in the period before that step ran."
        }
        ReportName::Touches => "Every touch logged or synced, in the week it happened.",
        ReportName::Stages => {
            "Contacts in each stage at the end of each week, from every change of stage Tickler has kept. Contacts \
             added before stage history was kept count from their creation with the stage they had then."
        }
        ReportName::Consent => "Each recorded consent change, in its week, by the state it changed to.",
    }
}

impl Report {
    /// The report as rows of text: the CSV download and the table beside the chart.
    pub fn table(&self) -> Table {
        let number = |value: i64| value.to_string();
        let rate = |value: Option<i64>| value.map(|v| format!("{v}%")).unwrap_or_default();
        match &self.figures {
            Figures::FollowUps(rows) => Table::new(
                &["week", "on time", "late", "median lateness", "median lateness (seconds)", "skipped"],
                rows.iter().map(|r| {
                    vec![
                        r.week.clone(),
                        number(r.on_time),
                        number(r.late),
                        r.median_late_seconds.map(duration_text).unwrap_or_default(),
                        r.median_late_seconds.map(number).unwrap_or_default(),
                        number(r.skipped),
                    ]
                }),
            ),
            Figures::Promises(rows) => Table::new(
                &["month", "due", "kept by told deadline", "kept by aim", "late", "overdue", "renegotiated"],
                rows.iter().map(|r| {
                    vec![
                        r.month.clone(),
                        number(r.due),
                        number(r.kept_by_told),
                        number(r.kept_by_aim),
                        number(r.late),
                        number(r.overdue),
                        number(r.renegotiated),
                    ]
                }),
            ),
            Figures::Plans(rows) => Table::new(
                &["plan", "step", "sent", "replied", "reply rate", "stopped", "why stopped", "works least"],
                rows.iter().map(|r| {
                    vec![
                        r.plan.clone(),
                        number(r.step),
                        number(r.sent),
                        number(r.replied),
                        rate(r.reply_rate),
                        number(r.stopped),
                        r.stop_reasons.clone(),
                        if r.weakest { "yes".into() } else { String::new() },
                    ]
                }),
            ),
            Figures::Touches(rows) => week_counts(rows, "channel and direction", "touches"),
            Figures::Stages(rows) => week_counts(rows, "stage", "contacts"),
            Figures::Consent(rows) => week_counts(rows, "changed to", "changes"),
        }
    }

    /// The report as a chart: stacked bars per week or month, or per plan step.
    pub fn chart(&self) -> Chart {
        let (labels, series, unit) = match &self.figures {
            Figures::FollowUps(rows) => (
                rows.iter().map(|r| short_week(&r.week)).collect(),
                vec![
                    Series::new("on time", rows.iter().map(|r| r.on_time)),
                    Series::new("late", rows.iter().map(|r| r.late)),
                    Series::new("skipped", rows.iter().map(|r| r.skipped)),
                ],
                "follow-ups",
            ),
            Figures::Promises(rows) => (
                rows.iter().map(|r| r.month.clone()).collect(),
                vec![
                    Series::new("kept by aim", rows.iter().map(|r| r.kept_by_aim)),
                    Series::new("kept by told only", rows.iter().map(|r| r.kept_by_told - r.kept_by_aim)),
                    Series::new("late", rows.iter().map(|r| r.late)),
                    Series::new("overdue", rows.iter().map(|r| r.overdue)),
                ],
                "promises",
            ),
            Figures::Plans(rows) => (
                rows.iter().map(|r| format!("{} #{}", r.plan, r.step)).collect(),
                vec![
                    Series::new("replied", rows.iter().map(|r| r.replied)),
                    Series::new("no reply", rows.iter().map(|r| r.sent - r.replied)),
                ],
                "emails sent",
            ),
            Figures::Touches(rows) => pivot(rows, "touches"),
            Figures::Stages(rows) => pivot(rows, "contacts"),
            Figures::Consent(rows) => pivot(rows, "changes"),
        };
        Chart {
            title: format!("{} ({} to {})", self.title, self.period.from, self.period.to),
            description: self.note.clone(),
            labels,
            series,
            unit: unit.to_string(),
        }
    }
}

fn week_counts(rows: &[WeekCount], name: &str, count: &str) -> Table {
    Table::new(&["week", name, count], rows.iter().map(|r| vec![r.week.clone(), r.name.clone(), r.count.to_string()]))
}

/// `2026-09-07` → `09-07`: a week's Monday, short enough for a phone.
fn short_week(week: &str) -> String {
    week.get(5..).unwrap_or(week).to_string()
}

/// Long rows (week, name, count) as one series per name over the weeks.
fn pivot(rows: &[WeekCount], unit: &'static str) -> (Vec<String>, Vec<Series>, &'static str) {
    let mut weeks: Vec<&str> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for row in rows {
        if !weeks.contains(&row.week.as_str()) {
            weeks.push(&row.week);
        }
        if !names.contains(&row.name.as_str()) {
            names.push(&row.name);
        }
    }
    let series = names
        .iter()
        .map(|name| {
            Series::new(
                name,
                weeks
                    .iter()
                    .map(|week| rows.iter().find(|r| r.week == *week && r.name == *name).map(|r| r.count).unwrap_or(0)),
            )
        })
        .collect();
    (weeks.iter().map(|week| short_week(week)).collect(), series, unit)
}

/// Share `part` of `whole` as the reply rate of a step.
pub fn reply_rate(replied: i64, sent: i64) -> Option<i64> {
    percent(replied, sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(step: i64, sent: i64, replied: i64) -> PlanStepFigures {
        PlanStepFigures {
            plan_id: 1,
            plan: "Cold".into(),
            step,
            sent,
            replied,
            reply_rate: reply_rate(replied, sent),
            stopped: 0,
            stop_reasons: String::new(),
            weakest: false,
        }
    }

    #[test]
    fn the_weakest_step_has_the_lowest_rate_among_those_sent_enough() {
        // Step 3 has the lowest rate but only 2 sends: it does not count.
        let mut steps = vec![step(1, 10, 5), step(2, 10, 1), step(3, 2, 0)];
        flag_weakest(&mut steps);
        assert_eq!(steps.iter().map(|s| s.weakest).collect::<Vec<_>>(), [false, true, false]);
    }

    #[test]
    fn long_rows_pivot_into_one_series_per_name() {
        let rows = vec![
            WeekCount { week: "2026-09-07".into(), name: "email out".into(), count: 3 },
            WeekCount { week: "2026-09-14".into(), name: "call out".into(), count: 1 },
            WeekCount { week: "2026-09-14".into(), name: "email out".into(), count: 2 },
        ];
        let (labels, series, _) = pivot(&rows, "touches");
        assert_eq!(labels, ["09-07", "09-14"]);
        assert_eq!(series[0].name, "email out");
        assert_eq!(series[0].values, [3, 2]);
        assert_eq!(series[1].values, [0, 1]);
    }
}

//! The reports' counts, aggregated in SQL (the same on both backends). The
//! weeks and months come from `core::report` as instants: each statement names
//! a row's bucket with a `CASE` over the buckets' ends written into it, so week
//! boundaries follow the account's zone and its clock changes without the
//! database knowing any zone. Each statement is public
//! so the benchmark can time it bare beside the method.

use std::collections::BTreeMap;
use std::fmt::Write;

use jiff::Timestamp;
use sqlx::Row;
use tickler_core::ids::AccountId;
use tickler_core::report::figures::{FollowUpWeek, PlanStepFigures, PromiseMonth, WeekCount, reply_rate};
use tickler_core::report::{Bucket, median_places};

use crate::Store;
use crate::dialect::Backend;
use crate::error::Result;
use crate::rows::seconds;

/// How late an all-day follow-up may be done and still count as on time: the day itself.
const ALL_DAY_SECONDS: i64 = 86_400;

/// The bucket a row falls in, from its instant `column` (the buckets' ends written in, numbers only). The
/// statements keep only rows inside the buckets' span and the buckets follow one another, so the number of
/// ends at or before the instant is its bucket: PostgreSQL's `width_bucket` over the ends (a binary
/// search), and on SQLite `CASE WHEN column < end₀ THEN 0 WHEN column < end₁ THEN 1 … END`. Computed per
/// row, each row is read once; on SQLite a join with a list of buckets compared every row with every
/// bucket (the follow-ups report's statements took 40% less CPU this way), while PostgreSQL evaluates a
/// long `CASE` slower than its join, and `width_bucket` as fast.
fn place_of(backend: Backend, column: &str, buckets: &[Bucket]) -> String {
    if buckets.is_empty() {
        return "CAST(0 AS BIGINT)".to_string();
    }
    if backend == Backend::Postgres {
        let ends: Vec<String> = buckets.iter().map(|bucket| seconds(bucket.end).to_string()).collect();
        return format!("CAST(width_bucket({column}, ARRAY[{}]::BIGINT[]) AS BIGINT)", ends.join(","));
    }
    let mut case = String::from("CAST(CASE");
    for (place, bucket) in buckets.iter().enumerate() {
        let _ = write!(case, " WHEN {column} < {} THEN {place}", seconds(bucket.end));
    }
    let _ = write!(case, " ELSE {} END AS BIGINT)", buckets.len().saturating_sub(1));
    case
}

/// The instant a closed follow-up had to be done by to be on time.
const DEADLINE: &str = "(f.due_at + CASE WHEN f.due_time IS NULL THEN 86400 ELSE 0 END)";

/// Follow-ups closed in each bucket: on time, late, skipped. Binds: account, period start, period end.
pub fn follow_ups_sql(backend: Backend, buckets: &[Bucket]) -> String {
    debug_assert!(DEADLINE.contains(&ALL_DAY_SECONDS.to_string()));
    format!(
        "SELECT {} AS place, \
         SUM(CASE WHEN f.state = 'done' AND f.closed_at <= {DEADLINE} THEN 1 ELSE 0 END) AS on_time, \
         SUM(CASE WHEN f.state = 'done' AND f.closed_at > {DEADLINE} THEN 1 ELSE 0 END) AS late, \
         SUM(CASE WHEN f.state = 'skipped' THEN 1 ELSE 0 END) AS skipped FROM follow_ups f \
         WHERE f.account_id = $1 AND f.closed_at >= $2 AND f.closed_at < $3 AND f.state IN ('done', 'skipped') \
         GROUP BY 1",
        place_of(backend, "f.closed_at", buckets)
    )
}

/// The middle one or two lateness values of each bucket's late follow-ups (their mean is the median).
pub fn lateness_sql(backend: Backend, buckets: &[Bucket]) -> String {
    format!(
        "WITH late AS (SELECT {} AS place, f.closed_at - {DEADLINE} AS lateness FROM follow_ups f \
         WHERE f.account_id = $1 AND f.closed_at >= $2 AND f.closed_at < $3 AND f.state = 'done' \
         AND f.closed_at > {DEADLINE}), \
         ranked AS (SELECT place, lateness, ROW_NUMBER() OVER (PARTITION BY place ORDER BY lateness) AS n, \
         COUNT(*) OVER (PARTITION BY place) AS total FROM late) \
         SELECT place, CAST(lateness AS BIGINT) AS lateness, CAST(total AS BIGINT) AS total FROM ranked \
         WHERE n = (total + 1) / 2 OR n = total / 2 + 1",
        place_of(backend, "f.closed_at", buckets)
    )
}

/// Promises by the bucket of their told deadline. Binds: account, period start, period end, now.
pub fn promises_sql(backend: Backend, buckets: &[Bucket]) -> String {
    format!(
        "SELECT {} AS place, COUNT(*) AS due, \
         SUM(CASE WHEN p.state IN ('kept', 'late') AND p.closed_at <= p.told_at THEN 1 ELSE 0 END) AS kept_by_told, \
         SUM(CASE WHEN p.state IN ('kept', 'late') AND p.closed_at <= p.aim_at THEN 1 ELSE 0 END) AS kept_by_aim, \
         SUM(CASE WHEN p.state IN ('kept', 'late') AND p.closed_at > p.told_at THEN 1 ELSE 0 END) AS late, \
         SUM(CASE WHEN p.state = 'open' AND p.told_at < $4 THEN 1 ELSE 0 END) AS overdue, \
         SUM(CASE WHEN p.state = 'renegotiated' THEN 1 ELSE 0 END) AS renegotiated FROM promises p \
         WHERE p.account_id = $1 AND p.told_at >= $2 AND p.told_at < $3 AND p.state <> 'cancelled' GROUP BY 1",
        place_of(backend, "p.told_at", buckets)
    )
}

/// Plan emails sent in the period and replied to, per plan and step. Binds: account, period start, period end.
pub const PLAN_SENDS_SQL: &str = "SELECT e.plan_id AS plan_id, CAST(o.step AS BIGINT) AS step, COUNT(*) AS sent, \
     SUM(CASE WHEN EXISTS (SELECT 1 FROM inbound_emails i WHERE i.outbox_id = o.id) THEN 1 ELSE 0 END) AS replied \
     FROM outbox o JOIN enrollments e ON e.id = o.enrollment_id \
     WHERE o.account_id = $1 AND o.state = 'sent' AND o.sent_at >= $2 AND o.sent_at < $3 \
     GROUP BY e.plan_id, o.step";

/// Enrollments stopped in the period, per plan, the step they had not yet run, and why. Same binds.
pub const PLAN_STOPS_SQL: &str = "SELECT e.plan_id AS plan_id, CAST(e.next_step AS BIGINT) AS step, \
     COALESCE(e.stop_reason, '') AS reason, COUNT(*) AS stopped FROM enrollments e \
     WHERE e.account_id = $1 AND e.state = 'stopped' AND e.updated_at >= $2 AND e.updated_at < $3 \
     GROUP BY e.plan_id, e.next_step, e.stop_reason";

/// Touches per bucket, channel and direction. Binds: account, period start, period end.
pub fn touches_sql(backend: Backend, buckets: &[Bucket]) -> String {
    format!(
        "SELECT {} AS place, t.channel || ' ' || t.direction AS name, COUNT(*) AS count FROM touches t \
         WHERE t.account_id = $1 AND t.at >= $2 AND t.at < $3 GROUP BY 1, t.channel, t.direction",
        place_of(backend, "t.at", buckets)
    )
}

/// Stage changes before the period (place -1) and in each bucket, per stage:
/// +1 for the stage moved to, -1 for the stage left (a contact added leaves
/// none). Summed up to a bucket's end they are the contacts in each stage
/// then. Binds: account, period start, period end.
pub fn stages_sql(backend: Backend, buckets: &[Bucket]) -> String {
    let place = place_of(backend, "s.at", buckets);
    format!(
        "SELECT CAST(-1 AS BIGINT) AS place, s.to_stage AS name, COUNT(*) AS count FROM contact_stage_changes s \
         WHERE s.account_id = $1 AND s.at < $2 GROUP BY s.to_stage \
         UNION ALL SELECT CAST(-1 AS BIGINT), s.from_stage, -COUNT(*) FROM contact_stage_changes s \
         WHERE s.account_id = $1 AND s.at < $2 AND s.from_stage IS NOT NULL GROUP BY s.from_stage \
         UNION ALL SELECT {place}, s.to_stage, COUNT(*) FROM contact_stage_changes s \
         WHERE s.account_id = $1 AND s.at >= $2 AND s.at < $3 GROUP BY 1, s.to_stage \
         UNION ALL SELECT {place}, s.from_stage, -COUNT(*) FROM contact_stage_changes s \
         WHERE s.account_id = $1 AND s.at >= $2 AND s.at < $3 AND s.from_stage IS NOT NULL GROUP BY 1, s.from_stage"
    )
}

/// Consent changes per bucket and the state changed to. Binds: account, period start, period end.
pub fn consent_sql(backend: Backend, buckets: &[Bucket]) -> String {
    format!(
        "SELECT {} AS place, c.state AS name, COUNT(*) AS count FROM consent_changes c \
         WHERE c.account_id = $1 AND c.at >= $2 AND c.at < $3 GROUP BY 1, c.state",
        place_of(backend, "c.at", buckets)
    )
}

fn span(buckets: &[Bucket]) -> (i64, i64) {
    match (buckets.first(), buckets.last()) {
        (Some(first), Some(last)) => (seconds(first.start), seconds(last.end)),
        _ => (0, 0),
    }
}

fn place(row: &sqlx::any::AnyRow) -> Result<usize> {
    let place: i64 = row.try_get("place")?;
    Ok(usize::try_from(place).unwrap_or(usize::MAX))
}

impl Store {
    /// The rows of a report `statement` bound as every weekly count is: account, period start, period end.
    async fn period_rows(
        &self,
        statement: String,
        account_id: AccountId,
        buckets: &[Bucket],
    ) -> Result<Vec<sqlx::any::AnyRow>> {
        let (start, end) = span(buckets);
        Ok(sqlx::query(sqlx::AssertSqlSafe(statement))
            .bind(account_id.get())
            .bind(start)
            .bind(end)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Follow-ups closed in each of `buckets`: on time, late (with the median lateness), skipped.
    pub async fn report_follow_ups(&self, account_id: AccountId, buckets: &[Bucket]) -> Result<Vec<FollowUpWeek>> {
        crate::error::during("counting follow-ups for a report", async {
            let mut weeks: Vec<FollowUpWeek> = buckets
                .iter()
                .map(|b| FollowUpWeek {
                    week: b.label.clone(),
                    on_time: 0,
                    late: 0,
                    median_late_seconds: None,
                    skipped: 0,
                })
                .collect();
            let rows = self.period_rows(follow_ups_sql(self.backend, buckets), account_id, buckets).await?;
            for row in &rows {
                if let Some(week) = weeks.get_mut(place(row)?) {
                    week.on_time = row.try_get("on_time")?;
                    week.late = row.try_get("late")?;
                    week.skipped = row.try_get("skipped")?;
                }
            }
            let rows = self.period_rows(lateness_sql(self.backend, buckets), account_id, buckets).await?;
            let mut middles: BTreeMap<usize, (Vec<i64>, i64)> = BTreeMap::new();
            for row in &rows {
                let entry = middles.entry(place(row)?).or_default();
                entry.0.push(row.try_get("lateness")?);
                entry.1 = row.try_get("total")?;
            }
            for (place, (values, total)) in middles {
                let (low, high) = median_places(total);
                // One value when the count is odd (both places are the same row), two when even.
                let expected = if low == high { 1 } else { 2 };
                if let Some(week) = weeks.get_mut(place).filter(|_| values.len() == expected) {
                    week.median_late_seconds = Some(values.iter().sum::<i64>() / expected as i64);
                }
            }
            Ok(weeks)
        })
        .await
    }

    /// Promises by the month of their told deadline, as of `now`.
    pub async fn report_promises(
        &self,
        account_id: AccountId,
        buckets: &[Bucket],
        now: Timestamp,
    ) -> Result<Vec<PromiseMonth>> {
        crate::error::during("counting promises for a report", async {
            let (start, end) = span(buckets);
            let mut months: Vec<PromiseMonth> = buckets
                .iter()
                .map(|b| PromiseMonth {
                    month: b.label.clone(),
                    due: 0,
                    kept_by_told: 0,
                    kept_by_aim: 0,
                    late: 0,
                    overdue: 0,
                    renegotiated: 0,
                })
                .collect();
            let rows = sqlx::query(sqlx::AssertSqlSafe(promises_sql(self.backend, buckets)))
                .bind(account_id.get())
                .bind(start)
                .bind(end)
                .bind(seconds(now))
                .fetch_all(&self.pool)
                .await?;
            for row in &rows {
                if let Some(month) = months.get_mut(place(row)?) {
                    month.due = row.try_get("due")?;
                    month.kept_by_told = row.try_get("kept_by_told")?;
                    month.kept_by_aim = row.try_get("kept_by_aim")?;
                    month.late = row.try_get("late")?;
                    month.overdue = row.try_get("overdue")?;
                    month.renegotiated = row.try_get("renegotiated")?;
                }
            }
            Ok(months)
        })
        .await
    }

    /// Every step of every plan with what it sent, what was replied to, and the enrollments stopped before it,
    /// between `start` and `end`; by plan name and step. The weakest are not flagged here.
    pub async fn report_plans(
        &self,
        account_id: AccountId,
        start: Timestamp,
        end: Timestamp,
    ) -> Result<Vec<PlanStepFigures>> {
        crate::error::during("counting plan steps for a report", async {
            let steps = sqlx::query(
                "SELECT p.id AS plan_id, p.name AS name, CAST(s.position AS BIGINT) AS step FROM plans p \
                 JOIN plan_steps s ON s.plan_id = p.id WHERE p.account_id = $1 ORDER BY p.name_key, p.id, s.position",
            )
            .bind(account_id.get())
            .fetch_all(&self.pool)
            .await?;
            let mut figures: Vec<PlanStepFigures> = Vec::new();
            for row in &steps {
                let step: i64 = row.try_get("step")?;
                figures.push(PlanStepFigures {
                    plan_id: row.try_get("plan_id")?,
                    plan: row.try_get("name")?,
                    step: step + 1,
                    sent: 0,
                    replied: 0,
                    reply_rate: None,
                    stopped: 0,
                    stop_reasons: String::new(),
                    weakest: false,
                });
            }
            let find = |figures: &mut Vec<PlanStepFigures>, plan_id: i64, step: i64| {
                figures.iter().position(|f| f.plan_id == plan_id && f.step == step + 1)
            };
            let sends = sqlx::query(PLAN_SENDS_SQL)
                .bind(account_id.get())
                .bind(seconds(start))
                .bind(seconds(end))
                .fetch_all(&self.pool)
                .await?;
            for row in &sends {
                if let Some(at) = find(&mut figures, row.try_get("plan_id")?, row.try_get("step")?) {
                    figures[at].sent = row.try_get("sent")?;
                    figures[at].replied = row.try_get("replied")?;
                    figures[at].reply_rate = reply_rate(figures[at].replied, figures[at].sent);
                }
            }
            let stops = sqlx::query(PLAN_STOPS_SQL)
                .bind(account_id.get())
                .bind(seconds(start))
                .bind(seconds(end))
                .fetch_all(&self.pool)
                .await?;
            let mut reasons: BTreeMap<usize, Vec<(i64, String)>> = BTreeMap::new();
            for row in &stops {
                let plan_id: i64 = row.try_get("plan_id")?;
                let step: i64 = row.try_get("step")?;
                // Stopped past the last step: counted on the last.
                let at =
                    find(&mut figures, plan_id, step).or_else(|| figures.iter().rposition(|f| f.plan_id == plan_id));
                if let Some(at) = at {
                    let stopped: i64 = row.try_get("stopped")?;
                    figures[at].stopped += stopped;
                    reasons.entry(at).or_default().push((stopped, row.try_get("reason")?));
                }
            }
            for (at, mut list) in reasons {
                list.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
                let words: Vec<String> = list
                    .iter()
                    .map(|(count, reason)| format!("{} {count}", if reason.is_empty() { "unknown" } else { reason }))
                    .collect();
                figures[at].stop_reasons = words.join("; ");
            }
            Ok(figures)
        })
        .await
    }

    /// Touches in each of `buckets` by channel and direction (`email out`).
    pub async fn report_touches(&self, account_id: AccountId, buckets: &[Bucket]) -> Result<Vec<WeekCount>> {
        crate::error::during("counting touches for a report", async {
            let rows = self.period_rows(touches_sql(self.backend, buckets), account_id, buckets).await?;
            week_counts(buckets, &rows)
        })
        .await
    }

    /// Consent changes in each of `buckets` by the state changed to.
    pub async fn report_consent(&self, account_id: AccountId, buckets: &[Bucket]) -> Result<Vec<WeekCount>> {
        crate::error::during("counting consent changes for a report", async {
            let rows = self.period_rows(consent_sql(self.backend, buckets), account_id, buckets).await?;
            week_counts(buckets, &rows)
        })
        .await
    }

    /// Contacts in each stage at the end of each of `buckets` (`none` without one), from the stage changes kept.
    pub async fn report_stages(&self, account_id: AccountId, buckets: &[Bucket]) -> Result<Vec<WeekCount>> {
        crate::error::during("counting contacts by stage for a report", async {
            let rows = self.period_rows(stages_sql(self.backend, buckets), account_id, buckets).await?;
            // Moves in and out per stage and bucket (-1 before the first), then summed up to each bucket's end.
            let mut added: BTreeMap<String, BTreeMap<i64, i64>> = BTreeMap::new();
            for row in &rows {
                let count: i64 = row.try_get("count")?;
                *added.entry(row.try_get("name")?).or_default().entry(row.try_get("place")?).or_default() += count;
            }
            let mut counts = Vec::new();
            for (place, bucket) in buckets.iter().enumerate() {
                for (stage, by_place) in &added {
                    let total: i64 = by_place.range(..=place as i64).map(|(_, count)| count).sum();
                    if total > 0 {
                        counts.push(WeekCount { week: bucket.label.clone(), name: stage.clone(), count: total });
                    }
                }
            }
            Ok(counts)
        })
        .await
    }
}

/// Rows of (place, name, count) as counts labelled by week, in week then name order.
fn week_counts(buckets: &[Bucket], rows: &[sqlx::any::AnyRow]) -> Result<Vec<WeekCount>> {
    let mut counts: Vec<(usize, WeekCount)> = Vec::new();
    for row in rows {
        let place = place(row)?;
        if let Some(bucket) = buckets.get(place) {
            counts.push((
                place,
                WeekCount { week: bucket.label.clone(), name: row.try_get("name")?, count: row.try_get("count")? },
            ));
        }
    }
    counts.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    Ok(counts.into_iter().map(|(_, count)| count).collect())
}

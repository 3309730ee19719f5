//! Due work as rows: the worker claims a batch of due jobs under a lease
//! (`FOR UPDATE SKIP LOCKED` on PostgreSQL, the one writer on SQLite), does
//! each, and closes it in the transaction that records the result. A crashed
//! worker's lease runs out and another worker takes the job.

use jiff::{SignedDuration, Timestamp};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::Store;
use crate::error::Result;
use crate::rows::{instant, seconds};
use tickler_core::ids::AccountId;

/// What a job does; stored as its text (`plan-step`, `digest`, `promise-alert`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// Run the next step of an enrollment; payload: the enrollment id.
    PlanStep,
    /// Send the daily digest of an account; payload: the local date.
    Digest,
    /// Alert the user that a promise is at risk; payload: the promise id.
    PromiseAlert,
    /// Email a user the reminder they asked for by mailing a reminder address;
    /// payload: JSON with the user, the subject and the quoted original.
    Reminder,
    /// Send the weekly review of an account; payload: the local date it is for.
    Review,
    /// Send the next messages of a newsletter campaign; payload: the campaign id.
    Campaign,
}

impl JobKind {
    /// Every kind of job.
    pub const ALL: [JobKind; 6] = [
        JobKind::PlanStep,
        JobKind::Digest,
        JobKind::PromiseAlert,
        JobKind::Reminder,
        JobKind::Review,
        JobKind::Campaign,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::PlanStep => "plan-step",
            JobKind::Digest => "digest",
            JobKind::PromiseAlert => "promise-alert",
            JobKind::Reminder => "reminder",
            JobKind::Review => "weekly-review",
            JobKind::Campaign => "campaign",
        }
    }

    /// Read a stored name; `None` for a kind this version does not know.
    pub fn parse(raw: &str) -> Option<JobKind> {
        JobKind::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }
}

impl std::fmt::Display for JobKind {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// The kinds of job under their older constant names.
pub mod kind {
    use super::JobKind;

    /// Run the next step of an enrollment; payload: the enrollment id.
    pub const PLAN_STEP: JobKind = JobKind::PlanStep;
    /// Send the daily digest of an account; payload: the local date.
    pub const DIGEST: JobKind = JobKind::Digest;
    /// Alert the user that a promise is at risk; payload: the promise id.
    pub const PROMISE_ALERT: JobKind = JobKind::PromiseAlert;
    /// Email a user a reminder; payload: JSON.
    pub const REMINDER: JobKind = JobKind::Reminder;
    /// Send the weekly review; payload: the local date.
    pub const REVIEW: JobKind = JobKind::Review;
    /// Send a campaign's next messages; payload: the campaign id.
    pub const CAMPAIGN: JobKind = JobKind::Campaign;
}

/// Where a job is in its life; stored as its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JobState {
    Done,
    Failed,
}

impl JobState {
    fn as_str(self) -> &'static str {
        match self {
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }
}

/// A claimed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub kind: JobKind,
    pub account_id: AccountId,
    pub payload: String,
    pub run_at: Timestamp,
    /// How many times the job has been claimed, this claim included.
    pub attempts: u32,
    /// Who holds the lease.
    pub lease_owner: String,
}

/// A claim stops being renewed after this many tries: a job that crashes its worker every time is parked.
pub const MAX_CLAIMS: u32 = 25;

const CLAIM_SQLITE: &str = "UPDATE jobs SET lease_owner = $1, lease_until = $2, attempts = attempts + 1 \
     WHERE id IN (SELECT id FROM jobs WHERE state = 'pending' AND run_at <= $3 \
     AND (lease_until IS NULL OR lease_until <= $3) ORDER BY run_at LIMIT $4) \
     RETURNING id, kind, account_id, payload, run_at, attempts";
const CLAIM_POSTGRES: &str = "UPDATE jobs SET lease_owner = $1, lease_until = $2, attempts = attempts + 1 \
     WHERE id IN (SELECT id FROM jobs WHERE state = 'pending' AND run_at <= $3 \
     AND (lease_until IS NULL OR lease_until <= $3) ORDER BY run_at LIMIT $4 FOR UPDATE SKIP LOCKED) \
     RETURNING id, kind, account_id, payload, run_at, attempts";

impl Store {
    /// Claim up to `limit` due jobs for `owner` until `now + lease`; the claim commits before any work starts.
    /// A job of a kind this version does not know is closed as failed instead of returned.
    pub async fn claim_jobs(&self, owner: &str, now: Timestamp, lease: SignedDuration, limit: u32) -> Result<Vec<Job>> {
        crate::error::during("claiming jobs", async {
            let mut tx = self.begin_write().await?;
            let rows = sqlx::query(self.backend.pick(CLAIM_SQLITE, CLAIM_POSTGRES))
                .bind(owner)
                .bind(seconds(now.saturating_add(lease).unwrap_or(now)))
                .bind(seconds(now))
                .bind(i64::from(limit))
                .fetch_all(&mut *tx)
                .await?;
            let mut jobs = Vec::with_capacity(rows.len());
            for row in &rows {
                let kind: String = row.try_get("kind")?;
                match JobKind::parse(&kind) {
                    Some(kind) => jobs.push(job_from_row(row, kind, owner)?),
                    // Written by a newer version, or by hand: nothing here can run it.
                    None => {
                        let reason = format!("unknown job kind \"{kind}\"");
                        close_jobs(&mut tx, owner, &[row.try_get("id")?], Some(&reason), now).await?;
                    }
                }
            }
            tx.commit().await?;
            jobs.sort_by_key(|job| (job.run_at, job.id));
            Ok(jobs)
        })
        .await
    }

    /// The earliest moment a pending job falls due, for the worker's sleep.
    pub async fn next_job_at(&self) -> Result<Option<Timestamp>> {
        crate::error::during("reading when the next job is due", async {
            let row =
                sqlx::query("SELECT MIN(run_at) AS at FROM jobs WHERE state = 'pending'").fetch_one(&self.pool).await?;
            crate::rows::optional_instant(&row, "at")
        })
        .await
    }

    /// Add a job unless one with the same key exists.
    pub async fn add_job(
        &self,
        kind: JobKind,
        account_id: AccountId,
        payload: &str,
        key: &str,
        run_at: Timestamp,
    ) -> Result<()> {
        crate::error::during("adding a job", async {
            let mut tx = self.begin_write().await?;
            insert_job(&mut tx, kind, account_id, payload, key, run_at, run_at).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Count jobs per state, for status and tests.
    pub async fn job_counts(&self) -> Result<Vec<(String, i64)>> {
        crate::error::during("counting jobs", async {
            let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state ORDER BY state")
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(|row| Ok((row.try_get("state")?, row.try_get("n")?))).collect()
        })
        .await
    }

    /// Close a job done (or failed with `error`), unless another worker took it over.
    pub async fn finish_job(&self, job: &Job, error: Option<&str>, now: Timestamp) -> Result<()> {
        crate::error::during("finishing a job", async {
            let mut tx = self.begin_write().await?;
            close_job(&mut tx, job, error, now).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }
}

/// Insert a job in `tx` unless one with the same key exists.
pub(crate) async fn insert_job(
    tx: &mut Transaction<'_, Any>,
    kind: JobKind,
    account_id: AccountId,
    payload: &str,
    key: &str,
    run_at: Timestamp,
    now: Timestamp,
) -> Result<()> {
    write_job(tx, "DO NOTHING", kind, account_id, payload, key, run_at, now).await
}

/// Make the job with `key` pending at `run_at` with a fresh count, creating it when missing.
pub(crate) async fn schedule_job(
    tx: &mut Transaction<'_, Any>,
    kind: JobKind,
    account_id: AccountId,
    payload: &str,
    key: &str,
    run_at: Timestamp,
    now: Timestamp,
) -> Result<()> {
    let reset = "DO UPDATE SET run_at = $5, state = 'pending', attempts = 0, lease_owner = NULL, \
                 lease_until = NULL, last_error = NULL, finished_at = NULL";
    write_job(tx, reset, kind, account_id, payload, key, run_at, now).await
}

/// The one INSERT of a job; `on_conflict` says what an existing job with the same key becomes.
#[allow(clippy::too_many_arguments)]
async fn write_job(
    tx: &mut Transaction<'_, Any>,
    on_conflict: &'static str,
    kind: JobKind,
    account_id: AccountId,
    payload: &str,
    key: &str,
    run_at: Timestamp,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO jobs (kind, account_id, payload, dedupe_key, run_at, state, attempts, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6) ON CONFLICT (dedupe_key) {on_conflict}"
    )))
    .bind(kind.as_str())
    .bind(account_id.get())
    .bind(payload)
    .bind(key)
    .bind(seconds(run_at))
    .bind(seconds(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Close a job in `tx`: done, or failed with `error`. Only the lease holder may close it.
pub(crate) async fn close_job(
    tx: &mut Transaction<'_, Any>,
    job: &Job,
    error: Option<&str>,
    now: Timestamp,
) -> Result<()> {
    close_jobs(tx, &job.lease_owner, &[job.id], error, now).await
}

/// Close jobs in `tx` in one statement: done, or failed with `error`; only those `owner` still holds.
pub(crate) async fn close_jobs(
    tx: &mut Transaction<'_, Any>,
    owner: &str,
    ids: &[i64],
    error: Option<&str>,
    now: Timestamp,
) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    crate::dialect::one_off(format!(
        "UPDATE jobs SET state = $2, last_error = $3, finished_at = $4, lease_owner = NULL, lease_until = NULL \
         WHERE id IN ({}) AND lease_owner = $1 AND state = 'pending'",
        crate::dialect::id_list(ids.iter().copied())
    ))
    .bind(owner)
    .bind(if error.is_some() { JobState::Failed } else { JobState::Done }.as_str())
    .bind(error)
    .bind(seconds(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Put a claimed job back to run at `run_at` (a hold or a retry), recording why.
pub(crate) async fn postpone_job(
    tx: &mut Transaction<'_, Any>,
    job: &Job,
    run_at: Timestamp,
    reason: &str,
    count_attempt: bool,
) -> Result<()> {
    sqlx::query(
        "UPDATE jobs SET run_at = $3, last_error = $4, lease_owner = NULL, lease_until = NULL, \
         attempts = CASE WHEN $5 = 1 THEN attempts ELSE attempts - 1 END WHERE id = $1 AND lease_owner = $2",
    )
    .bind(job.id)
    .bind(&job.lease_owner)
    .bind(seconds(run_at))
    .bind(reason)
    .bind(i64::from(count_attempt))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn job_from_row(row: &AnyRow, kind: JobKind, owner: &str) -> Result<Job> {
    let attempts: i64 = row.try_get("attempts")?;
    Ok(Job {
        id: row.try_get("id")?,
        kind,
        account_id: AccountId::new(row.try_get("account_id")?),
        payload: row.try_get("payload")?,
        run_at: instant(row, "run_at")?,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        lease_owner: owner.to_string(),
    })
}

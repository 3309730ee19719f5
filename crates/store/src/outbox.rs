//! The outbox: one row per (enrollment, step) holding the rendered email
//! with its stable Message-ID. A plan step is claimed in one transaction that
//! locks the contact, checks consent, business hours and pacing, and renders
//! the email at most once; the email is sent after that commits (no lock is
//! held across the network), and the result is recorded in a second
//! transaction that also advances the enrollment.

use jiff::civil::Time;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use tickler_core::consent::ConsentState;
use tickler_core::contact::Contact;
use tickler_core::follow_up::{Due, Origin};
use tickler_core::plan::{
    Enrollment, EnrollmentState, Plan, STOPPED_DO_NOT_CONTACT, STOPPED_NOT_NOW, Step, StepAction,
};
use tickler_core::send_window::{self, Hold};
use tickler_core::template::{
    self, ContactFields, Fields, PlanFields, PromiseFields, Rendered, SenderFields, TouchFields,
};
use tickler_core::touch::{Channel, Direction, TouchDraft};
use tickler_core::work_week::WorkWeek;

use crate::Store;
use crate::enrollments::{contact_zone, enrollment_in, step_key, stop_in};
use crate::error::{Error, Result};
use crate::follow_ups::insert_follow_up;
use crate::jobs::{Job, close_job, kind, postpone_job, schedule_job};
use crate::plans::{mail_settings_in, plan_in};
use crate::rows::{optional_instant, seconds};
use crate::touches::insert_touch;

/// Tries of one email before it is shown to the user as failed.
pub const MAX_SEND_ATTEMPTS: u32 = 5;

/// An email ready to hand to the mail server, as stored in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OutboundEmail {
    pub outbox_id: i64,
    pub account_id: i64,
    /// The contact it goes to; `None` for notices to the user (digest, alerts).
    pub contact_id: Option<i64>,
    pub enrollment_id: Option<i64>,
    pub step: Option<u32>,
    pub message_id: String,
    pub in_reply_to: Option<String>,
    /// Message-IDs of the earlier emails of the same thread, oldest first.
    pub references: Vec<String>,
    pub to: String,
    pub from_name: String,
    pub from_address: String,
    pub subject: String,
    pub body: String,
    /// Tries so far, this one included.
    pub attempts: u32,
}

/// What claiming a plan step led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepRun {
    /// Nothing to send (a task was put on the agenda, the plan stopped, finished or is paused); the job is closed.
    Closed(String),
    /// The step waits (business hours, pacing gap); the job runs again at `hold.until`.
    Held(Hold),
    /// Send this email, then record the result with [`Store::record_send`].
    Send(Box<OutboundEmail>),
}

/// Why sending failed, as the mail server or the network said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendFailure {
    pub reason: String,
    /// A permanent refusal (5xx) is not retried.
    pub permanent: bool,
}

impl Store {
    /// Claim the step a plan-step job stands for, inside one transaction that locks the contact.
    pub async fn claim_plan_step(&self, job: &Job, now: Timestamp) -> Result<StepRun> {
        let account_id = job.account_id;
        let enrollment_id: i64 = job.payload.parse().map_err(|_| Error::Corrupt(format!("job {}: payload", job.id)))?;
        let mut tx = self.begin_write().await?;
        let contact_id = match enrollment_in(&mut tx, account_id, enrollment_id).await {
            Ok(enrollment) => enrollment.contact_id,
            Err(Error::NotFound { .. }) => return close(tx, job, now, "the enrollment was deleted").await,
            Err(error) => return Err(error),
        };
        let contact = self.lock_contact(&mut tx, account_id, contact_id).await?;
        let enrollment = enrollment_in(&mut tx, account_id, enrollment_id).await?;
        if enrollment.state != EnrollmentState::Active {
            let reason = format!("the enrollment is {}", enrollment.state.as_str());
            return close(tx, job, now, &reason).await;
        }
        let plan = plan_in(&mut tx, account_id, enrollment.plan_id).await?;
        let stop = match contact.consent.state {
            ConsentState::DoNotContact => Some(STOPPED_DO_NOT_CONTACT),
            ConsentState::NotNow if !plan.nurture => Some(STOPPED_NOT_NOW),
            _ => None,
        };
        if let Some(reason) = stop {
            stop_in(&mut tx, account_id, enrollment.id, reason, now).await?;
            return close(tx, job, now, reason).await;
        }
        let zone = contact_zone(&mut tx, account_id, &contact).await?;
        let Some(step) = plan.steps.get(enrollment.next_step as usize) else {
            advance(&mut tx, account_id, &enrollment, &plan, &zone, now).await?;
            return close(tx, job, now, "the plan has no more steps").await;
        };
        let (subject, body) = match &step.action {
            StepAction::Task { text } => {
                add_task(&mut tx, account_id, &contact, &plan, step, text, &zone, now).await?;
                advance(&mut tx, account_id, &enrollment, &plan, &zone, now).await?;
                return close(tx, job, now, "the task is on the agenda").await;
            }
            StepAction::Email { subject, body } => (subject, body),
        };
        let Some(to) = contact.details.emails.first() else {
            let text = format!("email \"{subject}\" by hand: {} has no email address", contact.name());
            add_task(&mut tx, account_id, &contact, &plan, step, &text, &zone, now).await?;
            advance(&mut tx, account_id, &enrollment, &plan, &zone, now).await?;
            return close(tx, job, now, "no email address; a task was put on the agenda").await;
        };
        let work_week = work_week_of(&mut tx, account_id).await?;
        let gap = match contact.details.pacing_gap_days {
            Some(days) => days,
            None => account_gap(&mut tx, account_id).await?,
        };
        let last = last_outreach(&mut tx, account_id, contact.id).await?;
        if let Some(hold) = send_window::hold(now, &zone, &work_week, gap, last) {
            postpone_job(&mut tx, job, hold.until, &hold.reason, false).await?;
            set_waiting(&mut tx, enrollment.id, Some(&hold.reason), Some(hold.until), now).await?;
            tx.commit().await?;
            return Ok(StepRun::Held(hold));
        }
        let existing = outbox_of_step(&mut tx, enrollment.id, enrollment.next_step).await?;
        let outbox_id = match existing {
            Some(email) => email.outbox_id,
            None => {
                let fields = fields_for(&mut tx, account_id, &contact, Some(&plan), &zone, now).await?;
                let rendered = match template::render(subject, body, &fields) {
                    Ok(rendered) => rendered,
                    Err(error) => {
                        let reason =
                            format!("the template of step {} cannot be rendered: {error}", enrollment.next_step + 1);
                        sqlx::query(
                            "UPDATE enrollments SET state = 'paused', waiting = $2, updated_at = $3 WHERE id = $1",
                        )
                        .bind(enrollment.id)
                        .bind(&reason)
                        .bind(seconds(now))
                        .execute(&mut *tx)
                        .await?;
                        close_job(&mut tx, job, Some(&reason), now).await?;
                        tx.commit().await?;
                        return Ok(StepRun::Closed(reason));
                    }
                };
                let settings = mail_settings_in(&mut tx, account_id).await?;
                insert_email(&mut tx, account_id, &contact, &enrollment, to.as_str(), &settings, &rendered, now).await?
            }
        };
        sqlx::query("UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = $1")
            .bind(outbox_id)
            .execute(&mut *tx)
            .await?;
        let email = email_in(&mut tx, outbox_id).await?;
        tx.commit().await?;
        Ok(StepRun::Send(Box::new(email)))
    }

    /// Record what the mail server said about a plan email: sent (the
    /// enrollment moves on and a touch is recorded) or failed (retried with
    /// backoff; after the last try the enrollment pauses and the failure lands
    /// on the agenda with the server's reason).
    pub async fn record_send(
        &self,
        job: &Job,
        email: &OutboundEmail,
        result: std::result::Result<String, SendFailure>,
        now: Timestamp,
    ) -> Result<()> {
        let account_id = email.account_id;
        let mut tx = self.begin_write().await?;
        let contact = match email.contact_id {
            Some(id) => Some(self.lock_contact(&mut tx, account_id, id).await?),
            None => None,
        };
        let enrollment = match email.enrollment_id {
            Some(id) => Some(enrollment_in(&mut tx, account_id, id).await?),
            None => None,
        };
        match result {
            Ok(reply) => {
                sqlx::query(
                    "UPDATE outbox SET state = 'sent', server_reply = $2, sent_at = $3, last_error = NULL WHERE id = $1",
                )
                .bind(email.outbox_id)
                .bind(&reply)
                .bind(seconds(now))
                .execute(&mut *tx)
                .await?;
                let summary = match &enrollment {
                    Some(enrollment) => format!("{}: {}", enrollment.plan_name, email.subject),
                    None => email.subject.clone(),
                };
                if let Some(contact) = &contact {
                    let mut touch = TouchDraft::new(contact.id, now, Channel::Email, &summary)?;
                    touch.direction = Direction::Out;
                    insert_touch(&mut tx, account_id, contact, &touch, now).await?;
                }
                if let (Some(enrollment), Some(contact)) =
                    (enrollment.filter(|e| Some(e.next_step) == email.step), &contact)
                {
                    let plan = plan_in(&mut tx, account_id, enrollment.plan_id).await?;
                    let zone = contact_zone(&mut tx, account_id, contact).await?;
                    advance(&mut tx, account_id, &enrollment, &plan, &zone, now).await?;
                }
                close_job(&mut tx, job, None, now).await?;
            }
            Err(failure) if failure.permanent || email.attempts >= MAX_SEND_ATTEMPTS => {
                let reason = format!(
                    "email \"{}\" to {} failed after {} tr{}: {}",
                    email.subject,
                    email.to,
                    email.attempts,
                    if email.attempts == 1 { "y" } else { "ies" },
                    failure.reason
                );
                sqlx::query("UPDATE outbox SET state = 'failed', last_error = $2 WHERE id = $1")
                    .bind(email.outbox_id)
                    .bind(&failure.reason)
                    .execute(&mut *tx)
                    .await?;
                if let Some(enrollment) = &enrollment {
                    sqlx::query("UPDATE enrollments SET state = 'paused', waiting = $2, updated_at = $3 WHERE id = $1")
                        .bind(enrollment.id)
                        .bind(&reason)
                        .bind(seconds(now))
                        .execute(&mut *tx)
                        .await?;
                }
                if let Some(contact) = &contact {
                    let zone = contact_zone(&mut tx, account_id, contact).await?;
                    let purpose = format!("{reason}; send it yourself or fix the address, then resume the plan");
                    let date = now.to_zoned_datetime(zone.clone()).date();
                    let due = Due { date, time: None, zone: zone_name(&zone) };
                    insert_follow_up(
                        &mut tx,
                        account_id,
                        contact.id,
                        &due,
                        Channel::Email,
                        &purpose,
                        Origin::PlanStep,
                        now,
                    )
                    .await?;
                }
                close_job(&mut tx, job, Some(&reason), now).await?;
            }
            Err(failure) => {
                let retry_at = now.saturating_add(backoff(email.attempts)).unwrap_or(now);
                let reason = format!("try {} failed ({}); retrying", email.attempts, failure.reason);
                sqlx::query("UPDATE outbox SET state = 'queued', last_error = $2 WHERE id = $1")
                    .bind(email.outbox_id)
                    .bind(&failure.reason)
                    .execute(&mut *tx)
                    .await?;
                if let Some(enrollment) = &enrollment {
                    set_waiting(&mut tx, enrollment.id, Some(&reason), Some(retry_at), now).await?;
                }
                postpone_job(&mut tx, job, retry_at, &reason, true).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Render a plan's email step for a contact, exactly as the worker would send it now.
    pub async fn preview_step(
        &self,
        account_id: i64,
        plan: &Plan,
        step: usize,
        contact: &Contact,
        now: Timestamp,
    ) -> Result<Rendered> {
        let Some(StepAction::Email { subject, body }) = plan.steps.get(step).map(|step| &step.action) else {
            return Err(tickler_core::Error::invalid(
                "step",
                format!("step {} of \"{}\" is not an email", step + 1, plan.name),
            )
            .into());
        };
        let mut connection = self.pool.acquire().await?;
        let zone = contact_zone(&mut connection, account_id, contact).await?;
        let fields = fields_for(&mut connection, account_id, contact, Some(plan), &zone, now).await?;
        Ok(template::render(subject, body, &fields)?)
    }

    /// Every outbox row of a contact (or the account), newest first, for status and tests.
    pub async fn outbox(&self, account_id: i64, contact_id: Option<i64>) -> Result<Vec<(OutboundEmail, String)>> {
        let rows = sqlx::query(
            "SELECT o.*, o.state AS outbox_state FROM outbox o WHERE o.account_id = $1 AND ($2 IS NULL OR o.contact_id = $2) \
             ORDER BY o.id DESC",
        )
        .bind(account_id)
        .bind(contact_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| Ok((email_from_row(row)?, row.try_get("outbox_state")?))).collect()
    }
}

impl Store {
    /// Queue a notice to the user (digest, promise alert) under `key` for the
    /// claimed `job`, at most once: `None` when it was already sent.
    pub async fn queue_notice(
        &self,
        job: &Job,
        key: &str,
        to: &str,
        rendered: &Rendered,
        now: Timestamp,
    ) -> Result<Option<OutboundEmail>> {
        let mut tx = self.begin_write().await?;
        let settings = mail_settings_in(&mut tx, job.account_id).await?;
        let domain = settings.from_address.rsplit_once('@').map_or("tickler.localhost", |(_, domain)| domain);
        let message_id = format!("<{}.{}@{domain}>", key.replace([':', ' '], "."), job.account_id);
        sqlx::query(
            "INSERT INTO outbox (account_id, dedupe_key, message_id, refs, to_address, subject, body, state, attempts, \
             created_at) VALUES ($1, $2, $3, '', $4, $5, $6, 'queued', 0, $7) ON CONFLICT (dedupe_key) DO NOTHING",
        )
        .bind(job.account_id)
        .bind(key)
        .bind(&message_id)
        .bind(to)
        .bind(&rendered.subject)
        .bind(&rendered.body)
        .bind(seconds(now))
        .execute(&mut *tx)
        .await?;
        let statement = format!("{EMAIL_SELECT} WHERE o.dedupe_key = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(statement)).bind(key).fetch_one(&mut *tx).await?;
        let state: String = row.try_get("state")?;
        let email = email_from_row(&row)?;
        if state == "sent" || state == "failed" {
            close_job(&mut tx, job, None, now).await?;
            tx.commit().await?;
            return Ok(None);
        }
        sqlx::query("UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = $1")
            .bind(email.outbox_id)
            .execute(&mut *tx)
            .await?;
        let email = email_in(&mut tx, email.outbox_id).await?;
        tx.commit().await?;
        Ok(Some(email))
    }

    /// Add the jobs of recurring work that are due by `now`: each account's
    /// digest (at its hour, in its zone; a digest missed by less than two hours
    /// still goes), and an alert for each open promise that became at risk
    /// before its told deadline passed.
    pub async fn schedule_recurring(&self, now: Timestamp) -> Result<()> {
        let accounts = sqlx::query(
            "SELECT a.id, a.zone, m.digest_hour FROM accounts a JOIN mail_settings m ON m.account_id = a.id \
             WHERE m.digest_enabled = 1 AND m.from_address <> ''",
        )
        .fetch_all(&self.pool)
        .await?;
        let promises = sqlx::query(
            "SELECT p.id, p.account_id FROM promises p JOIN mail_settings m ON m.account_id = p.account_id \
             WHERE p.state = 'open' AND m.from_address <> '' AND p.told_at > $1 \
             AND (p.aim_at <= $1 OR p.created_at + (p.told_at - p.created_at) * 3 / 4 <= $1)",
        )
        .bind(seconds(now))
        .fetch_all(&self.pool)
        .await?;
        if accounts.is_empty() && promises.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        for row in &accounts {
            let account_id: i64 = row.try_get("id")?;
            let zone = crate::rows::parsed(row, "zone", tickler_core::contact::ZoneName::parse)?.time_zone();
            let hour: i64 = row.try_get("digest_hour")?;
            let local = now.to_zoned_datetime(zone.clone());
            for day in [local.date(), local.date().tomorrow().unwrap_or(local.date())] {
                let at = day
                    .to_datetime(
                        Time::new(i8::try_from(hour.clamp(0, 23)).unwrap_or(8), 0, 0, 0).unwrap_or(Time::midnight()),
                    )
                    .to_zoned_datetime(zone.clone())
                    .map(|moment| moment.timestamp())
                    .unwrap_or(now);
                if now.duration_until(at) < -SignedDuration::from_hours(2) {
                    continue;
                }
                let key = format!("digest:{account_id}:{day}");
                crate::jobs::insert_job(&mut tx, kind::DIGEST, account_id, &day.to_string(), &key, at, now).await?;
            }
        }
        for row in &promises {
            let id: i64 = row.try_get("id")?;
            let account_id: i64 = row.try_get("account_id")?;
            let key = format!("promise:{id}");
            crate::jobs::insert_job(&mut tx, kind::PROMISE_ALERT, account_id, &id.to_string(), &key, now, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Backoff after the `attempt`-th failed try: 1 min, 5 min, 30 min, 2 h.
pub fn backoff(attempt: u32) -> SignedDuration {
    SignedDuration::from_mins(match attempt {
        0 | 1 => 1,
        2 => 5,
        3 => 30,
        _ => 120,
    })
}

async fn close(mut tx: Transaction<'static, Any>, job: &Job, now: Timestamp, what: &str) -> Result<StepRun> {
    close_job(&mut tx, job, None, now).await?;
    tx.commit().await?;
    Ok(StepRun::Closed(what.to_string()))
}

/// Move an enrollment past its current step: schedule the next one, or finish.
async fn advance(
    tx: &mut Transaction<'_, Any>,
    account_id: i64,
    enrollment: &Enrollment,
    plan: &Plan,
    zone: &TimeZone,
    now: Timestamp,
) -> Result<()> {
    let next = enrollment.next_step + 1;
    match plan.steps.get(next as usize) {
        Some(step) => {
            let work_week = work_week_of(tx, account_id).await?;
            let run_at = step.run_at(now, zone, &work_week);
            let moved = sqlx::query(
                "UPDATE enrollments SET next_step = $2, next_run_at = $3, waiting = NULL, updated_at = $4 \
                 WHERE id = $1 AND next_step = $5",
            )
            .bind(enrollment.id)
            .bind(i64::from(next))
            .bind(seconds(run_at))
            .bind(seconds(now))
            .bind(i64::from(enrollment.next_step))
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if moved == 1 {
                let key = step_key(enrollment.id, next);
                schedule_job(tx, kind::PLAN_STEP, account_id, &enrollment.id.to_string(), &key, run_at, now).await?;
            }
        }
        None => {
            sqlx::query(
                "UPDATE enrollments SET state = 'finished', next_step = $2, next_run_at = NULL, waiting = NULL, \
                 updated_at = $3 WHERE id = $1 AND next_step = $4",
            )
            .bind(enrollment.id)
            .bind(i64::from(next))
            .bind(seconds(now))
            .bind(i64::from(enrollment.next_step))
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

async fn set_waiting(
    tx: &mut Transaction<'_, Any>,
    enrollment_id: i64,
    reason: Option<&str>,
    until: Option<Timestamp>,
    now: Timestamp,
) -> Result<()> {
    sqlx::query("UPDATE enrollments SET waiting = $2, next_run_at = $3, updated_at = $4 WHERE id = $1")
        .bind(enrollment_id)
        .bind(reason)
        .bind(until.map(seconds))
        .bind(seconds(now))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn add_task(
    tx: &mut Transaction<'_, Any>,
    account_id: i64,
    contact: &Contact,
    plan: &Plan,
    step: &Step,
    text: &str,
    zone: &TimeZone,
    now: Timestamp,
) -> Result<i64> {
    let due = Due { date: now.to_zoned_datetime(zone.clone()).date(), time: None, zone: zone_name(zone) };
    let purpose = format!("{}: {text}", plan.name);
    insert_follow_up(tx, account_id, contact.id, &due, step.channel, &purpose, Origin::PlanStep, now).await
}

fn zone_name(zone: &TimeZone) -> tickler_core::contact::ZoneName {
    zone.iana_name()
        .and_then(|name| tickler_core::contact::ZoneName::parse(name).ok())
        .unwrap_or_else(tickler_core::contact::ZoneName::utc)
}

#[allow(clippy::too_many_arguments)]
async fn insert_email(
    tx: &mut Transaction<'_, Any>,
    account_id: i64,
    contact: &Contact,
    enrollment: &Enrollment,
    to: &str,
    settings: &crate::plans::MailSettings,
    rendered: &Rendered,
    now: Timestamp,
) -> Result<i64> {
    let previous = sqlx::query(
        "SELECT message_id, refs FROM outbox WHERE enrollment_id = $1 AND step < $2 AND state = 'sent' \
         ORDER BY step DESC LIMIT 1",
    )
    .bind(enrollment.id)
    .bind(i64::from(enrollment.next_step))
    .fetch_optional(&mut **tx)
    .await?;
    let (in_reply_to, refs) = match previous {
        Some(row) => {
            let id: String = row.try_get("message_id")?;
            let refs: String = row.try_get("refs")?;
            let refs = if refs.is_empty() { id.clone() } else { format!("{refs} {id}") };
            (Some(id), refs)
        }
        None => (None, String::new()),
    };
    let domain = settings.from_address.rsplit_once('@').map_or("tickler.localhost", |(_, domain)| domain);
    let message_id = format!(
        "<plan.{}.{}.{}.{}@{domain}>",
        account_id,
        enrollment.id,
        enrollment.next_step + 1,
        enrollment.started_at.as_second()
    );
    let row = sqlx::query(
        "INSERT INTO outbox (account_id, contact_id, enrollment_id, step, dedupe_key, message_id, in_reply_to, refs, \
         to_address, subject, body, state, attempts, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'queued', 0, $12) RETURNING id",
    )
    .bind(account_id)
    .bind(contact.id)
    .bind(enrollment.id)
    .bind(i64::from(enrollment.next_step))
    .bind(step_key(enrollment.id, enrollment.next_step))
    .bind(message_id)
    .bind(in_reply_to)
    .bind(refs)
    .bind(to)
    .bind(&rendered.subject)
    .bind(&rendered.body)
    .bind(seconds(now))
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get("id")?)
}

const EMAIL_SELECT: &str = "SELECT o.*, m.from_name, m.from_address FROM outbox o \
     LEFT JOIN mail_settings m ON m.account_id = o.account_id";

async fn outbox_of_step(tx: &mut Transaction<'_, Any>, enrollment_id: i64, step: u32) -> Result<Option<OutboundEmail>> {
    let statement = format!("{EMAIL_SELECT} WHERE o.enrollment_id = $1 AND o.step = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(statement))
        .bind(enrollment_id)
        .bind(i64::from(step))
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(email_from_row).transpose()
}

async fn email_in(tx: &mut Transaction<'_, Any>, outbox_id: i64) -> Result<OutboundEmail> {
    let statement = format!("{EMAIL_SELECT} WHERE o.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(statement)).bind(outbox_id).fetch_one(&mut **tx).await?;
    email_from_row(&row)
}

fn email_from_row(row: &AnyRow) -> Result<OutboundEmail> {
    let step: Option<i64> = row.try_get("step")?;
    let attempts: i64 = row.try_get("attempts")?;
    let refs: String = row.try_get("refs")?;
    Ok(OutboundEmail {
        outbox_id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        contact_id: row.try_get("contact_id")?,
        enrollment_id: row.try_get("enrollment_id")?,
        step: step.and_then(|step| u32::try_from(step).ok()),
        message_id: row.try_get("message_id")?,
        in_reply_to: row.try_get("in_reply_to")?,
        references: refs.split_whitespace().map(str::to_string).collect(),
        to: row.try_get("to_address")?,
        from_name: row.try_get::<Option<String>, _>("from_name").ok().flatten().unwrap_or_default(),
        from_address: row.try_get::<Option<String>, _>("from_address").ok().flatten().unwrap_or_default(),
        subject: row.try_get("subject")?,
        body: row.try_get("body")?,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
    })
}

/// The account's working week, read inside a transaction.
pub(crate) async fn work_week_of(connection: &mut sqlx::AnyConnection, account_id: i64) -> Result<WorkWeek> {
    let row = sqlx::query("SELECT work_start, work_end, work_days FROM accounts WHERE id = $1")
        .bind(account_id)
        .fetch_one(&mut *connection)
        .await?;
    let time = |column: &str| -> Result<Time> {
        let text: String = row.try_get(column)?;
        text.parse().map_err(|error| Error::Corrupt(format!("{column}: {error}")))
    };
    let days_text: String = row.try_get("work_days")?;
    let mut days = [false; 7];
    for (day, flag) in days.iter_mut().zip(days_text.chars()) {
        *day = flag == '1';
    }
    Ok(WorkWeek { start: time("work_start")?, end: time("work_end")?, days })
}

async fn account_gap(connection: &mut sqlx::AnyConnection, account_id: i64) -> Result<u32> {
    let gap: i64 = sqlx::query("SELECT pacing_gap_days FROM accounts WHERE id = $1")
        .bind(account_id)
        .fetch_one(&mut *connection)
        .await?
        .try_get("pacing_gap_days")?;
    Ok(u32::try_from(gap).unwrap_or(0))
}

/// The contact's last outreach: an outbound touch other than a meeting or a
/// visit (a thank-you right after a meeting is the point, not pestering).
async fn last_outreach(
    connection: &mut sqlx::AnyConnection,
    account_id: i64,
    contact_id: i64,
) -> Result<Option<Timestamp>> {
    let row = sqlx::query(
        "SELECT MAX(at) AS at FROM touches WHERE account_id = $1 AND contact_id = $2 AND direction = 'out' \
         AND channel NOT IN ('meeting', 'visit')",
    )
    .bind(account_id)
    .bind(contact_id)
    .fetch_one(&mut *connection)
    .await?;
    optional_instant(&row, "at")
}

/// The fields a template is rendered with for `contact` at `now`.
pub(crate) async fn fields_for(
    connection: &mut sqlx::AnyConnection,
    account_id: i64,
    contact: &Contact,
    plan: Option<&Plan>,
    zone: &TimeZone,
    now: Timestamp,
) -> Result<Fields> {
    let settings = mail_settings_in(connection, account_id).await?;
    let last = sqlx::query(
        "SELECT summary, channel, at FROM touches WHERE account_id = $1 AND contact_id = $2 AND at <= $3 \
         ORDER BY at DESC, id DESC LIMIT 1",
    )
    .bind(account_id)
    .bind(contact.id)
    .bind(seconds(now))
    .fetch_optional(&mut *connection)
    .await?;
    let last_touch = match last {
        Some(row) => Some(TouchFields {
            summary: row.try_get("summary")?,
            channel: row.try_get("channel")?,
            date: crate::rows::instant(&row, "at")?.to_zoned_datetime(zone.clone()).strftime("%A %-d %B").to_string(),
        }),
        None => None,
    };
    let promise = sqlx::query(
        "SELECT what, told_at FROM promises WHERE account_id = $1 AND contact_id = $2 AND state = 'open' \
         ORDER BY told_at LIMIT 1",
    )
    .bind(account_id)
    .bind(contact.id)
    .fetch_optional(&mut *connection)
    .await?;
    let promise = match promise {
        Some(row) => Some(PromiseFields {
            what: row.try_get("what")?,
            deadline: crate::rows::instant(&row, "told_at")?
                .to_zoned_datetime(zone.clone())
                .strftime("%A %-d %B, %-I:%M %P")
                .to_string(),
            new_deadline: String::new(),
        }),
        None => None,
    };
    let signature = if settings.signature.trim().is_empty() { settings.from_name.clone() } else { settings.signature };
    Ok(Fields {
        contact: ContactFields {
            first_name: contact.details.name.first_name().to_string(),
            name: contact.name().to_string(),
            organisation: contact.details.organisation.clone(),
            email: contact.details.emails.first().map(|email| email.as_str().to_string()),
        },
        last_touch,
        sender: SenderFields { name: settings.from_name, email: settings.from_address, signature },
        promise,
        plan: plan.map(|plan| PlanFields { name: plan.name.clone() }),
        today: now.to_zoned_datetime(zone.clone()).strftime("%A %-d %B %Y").to_string(),
    })
}

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
use tickler_core::contact::Contact;
use tickler_core::follow_up::{Due, Origin};
use tickler_core::ids::{AccountId, CampaignId, ContactId, EnrollmentId, FollowUpId, UserId};
use tickler_core::plan::{Enrollment, Plan, Step, StepAction};
use tickler_core::send_window::Hold;
use tickler_core::template::{
    self, ContactFields, Fields, PlanFields, PromiseFields, Rendered, SenderFields, TouchFields,
};
use tickler_core::work_week::WorkWeek;

mod campaign;
mod claim;
mod record;
mod state;

pub use campaign::{CampaignRun, Prepare, Prepared};
pub use state::OutboxState;

use std::collections::HashMap;

use crate::Store;
use crate::dialect::{id_list, one_off};
use crate::enrollments::{contact_zone, step_key};
use crate::error::{Error, Result};
use crate::follow_up_rows::insert_follow_up;
use crate::jobs::{Job, JobKind, close_job, schedule_job};
use crate::plans::mail_settings_in;
use crate::rows::seconds;

/// Tries of one email before it is shown to the user as failed.
pub const MAX_SEND_ATTEMPTS: u32 = 5;

/// An email ready to hand to the mail server, as stored in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OutboundEmail {
    pub outbox_id: i64,
    pub account_id: AccountId,
    /// The contact it goes to; `None` for notices to the user (digest, alerts).
    pub contact_id: Option<ContactId>,
    pub enrollment_id: Option<EnrollmentId>,
    pub step: Option<u32>,
    /// Whose email it is: sent through their own mail server when they set one;
    /// `None` (notices, plans enrolled with no user) goes through the relay.
    pub user_id: Option<UserId>,
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
    /// The newsletter this email is one of.
    pub campaign_id: Option<CampaignId>,
    /// A newsletter's HTML part beside `body`.
    pub html_body: Option<String>,
    /// A newsletter's `List-Unsubscribe` header value.
    pub list_unsubscribe: Option<String>,
}

/// What a notice may carry beside its text: a newsletter's test send has its HTML part and unsubscribe header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoticeExtra {
    pub html: Option<String>,
    pub list_unsubscribe: Option<String>,
}

/// What claiming a plan step led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepRun {
    /// Nothing to send (a task was put on the agenda, the plan stopped, finished or is paused); the job is closed.
    Closed(String),
    /// The step waits (business hours, pacing gap); the job runs again at `hold.until`.
    Held(Hold),
    /// Send this email, mark it delivered with [`Store::mark_delivered`] the
    /// moment the server takes it, then record the batch with [`Store::record_sends`].
    Send(Box<OutboundEmail>),
    /// The server already took this email (its worker stopped before recording
    /// that): record it with [`Store::record_sends`], do not send it again.
    Sent(Box<OutboundEmail>),
}

/// What became of one email: the job it belongs to, the email, and the server's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub job: Job,
    pub email: OutboundEmail,
    /// The server's answer; `Ok` for an email it took (already marked with [`Store::mark_delivered`]).
    pub result: std::result::Result<(), SendFailure>,
}

/// Why sending failed, as the mail server or the network said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendFailure {
    pub reason: String,
    /// A permanent refusal (5xx) is not retried.
    pub permanent: bool,
}

impl Store {
    /// Claim the step one plan-step job stands for (see [`Store::claim_plan_steps`]).
    pub async fn claim_plan_step(&self, job: &Job, now: Timestamp) -> Result<StepRun> {
        crate::error::during("claiming a plan step", async {
            let mut runs = self.claim_plan_steps(std::slice::from_ref(job), now).await?;
            runs.pop().ok_or_else(|| Error::Corrupt(format!("job {}: no claim", job.id)))
        })
        .await
    }

    /// Render a plan's email step for a contact, exactly as the worker would send it now.
    pub async fn preview_step(
        &self,
        account_id: AccountId,
        plan: &Plan,
        step: usize,
        contact: &Contact,
        now: Timestamp,
    ) -> Result<Rendered> {
        crate::error::during("previewing a plan step", async {
            let Some(StepAction::Email { subject, body }) = plan.steps.get(step).map(|step| &step.action) else {
                return Err(tickler_core::Error::invalid(
                    "step",
                    format!("step {} of \"{}\" is not an email", step + 1, plan.name),
                )
                .into());
            };
            let mut connection = self.pool.acquire().await?;
            let zone = contact_zone(&mut connection, account_id, contact).await?;
            let mut fields = fields_for(&mut connection, account_id, contact, Some(plan), &zone, now).await?;
            drop(connection);
            if template::uses_library(subject, body) {
                fields.library_next = self.peek_next_library_item(account_id, contact).await?;
            }
            Ok(template::render(subject, body, &fields)?)
        })
        .await
    }

    /// The template fields of `contact` at `now` (a campaign's preview).
    pub async fn template_fields(&self, account_id: AccountId, contact: &Contact, now: Timestamp) -> Result<Fields> {
        crate::error::during("reading a contact's template fields", async {
            let mut connection = self.pool.acquire().await?;
            let zone = contact_zone(&mut connection, account_id, contact).await?;
            fields_for(&mut connection, account_id, contact, None, &zone, now).await
        })
        .await
    }

    /// Every outbox row of a contact (or the account), newest first, for status and tests.
    pub async fn outbox(
        &self,
        account_id: AccountId,
        contact_id: Option<ContactId>,
    ) -> Result<Vec<(OutboundEmail, OutboxState)>> {
        crate::error::during("reading the outbox", async {
            let rows = sqlx::query(
                "SELECT o.*, o.state AS outbox_state FROM outbox o WHERE o.account_id = $1 AND ($2 IS NULL OR o.contact_id = $2) \
                 ORDER BY o.id DESC",
            )
            .bind(account_id.get())
            .bind(contact_id.map(ContactId::get))
            .fetch_all(&self.pool)
            .await?;
            rows.iter().map(|row| Ok((email_from_row(row)?, OutboxState::from_row(row, "outbox_state")?))).collect()
        })
        .await
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
        extra: &NoticeExtra,
        now: Timestamp,
    ) -> Result<Option<OutboundEmail>> {
        crate::error::during("queueing a notice", async {
            let mut tx = self.begin_write().await?;
            let settings = mail_settings_in(&mut tx, job.account_id).await?;
            let domain = settings.from_address.rsplit_once('@').map_or("tickler.localhost", |(_, domain)| domain);
            let message_id = format!("<{}.{}@{domain}>", key.replace([':', ' '], "."), job.account_id);
            sqlx::query(
            "INSERT INTO outbox (account_id, dedupe_key, message_id, refs, to_address, subject, body, state, attempts, \
             created_at, html_body, list_unsubscribe) VALUES ($1, $2, $3, '', $4, $5, $6, 'queued', 0, $7, $8, $9) \
             ON CONFLICT (dedupe_key) DO NOTHING",
        )
        .bind(job.account_id.get())
        .bind(key)
        .bind(&message_id)
        .bind(to)
        .bind(&rendered.subject)
        .bind(&rendered.body)
        .bind(seconds(now))
        .bind(extra.html.as_deref())
        .bind(extra.list_unsubscribe.as_deref())
        .execute(&mut *tx)
        .await?;
            let statement = format!("{EMAIL_SELECT} WHERE o.dedupe_key = $1");
            let row = sqlx::query(sqlx::AssertSqlSafe(statement)).bind(key).fetch_one(&mut *tx).await?;
            let state = OutboxState::from_row(&row, "state")?;
            let email = email_from_row(&row)?;
            if state.is_settled() {
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
        })
        .await
    }

    /// Add the jobs of recurring work that are due by `now`: each account's
    /// digest (at its hour, in its zone; a digest missed by less than two hours
    /// still goes), and an alert for each open promise that became at risk
    /// before its told deadline passed.
    pub async fn schedule_recurring(&self, now: Timestamp) -> Result<()> {
        crate::error::during("scheduling recurring jobs", async {
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
            let reviews = sqlx::query(
                "SELECT a.id, a.zone, m.review_day, m.review_hour FROM accounts a \
                 JOIN mail_settings m ON m.account_id = a.id WHERE m.review_day IS NOT NULL AND m.from_address <> ''",
            )
            .fetch_all(&self.pool)
            .await?;
            if accounts.is_empty() && promises.is_empty() && reviews.is_empty() {
                return Ok(());
            }
            let mut tx = self.begin_write().await?;
            for row in &accounts {
                let account_id = AccountId::new(row.try_get("id")?);
                let zone = crate::rows::parsed(row, "zone", tickler_core::contact::ZoneName::parse)?.time_zone();
                let hour: i64 = row.try_get("digest_hour")?;
                let local = now.to_zoned_datetime(zone.clone());
                for day in [local.date(), local.date().tomorrow().unwrap_or(local.date())] {
                    let at = at_hour(day, hour, &zone).unwrap_or(now);
                    if now.duration_until(at) < -SignedDuration::from_hours(2) {
                        continue;
                    }
                    let key = format!("digest:{account_id}:{day}");
                    crate::jobs::insert_job(&mut tx, JobKind::Digest, account_id, &day.to_string(), &key, at, now)
                        .await?;
                }
            }
            for row in &reviews {
                let account_id = AccountId::new(row.try_get("id")?);
                let zone = crate::rows::parsed(row, "zone", tickler_core::contact::ZoneName::parse)?.time_zone();
                let day = crate::rows::parsed(row, "review_day", tickler_core::review::ReviewDay::parse)?;
                let hour: i64 = row.try_get("review_hour")?;
                let local = now.to_zoned_datetime(zone.clone());
                // This week's review day and next week's: one job per account and date, so a restart adds none.
                let this_week =
                    tickler_core::report::next_weekday(tickler_core::report::week_start(local.date()), day.weekday());
                for date in [this_week, this_week.checked_add(jiff::Span::new().weeks(1)).unwrap_or(this_week)] {
                    let at = at_hour(date, hour, &zone).unwrap_or(now);
                    if now.duration_until(at) < -SignedDuration::from_hours(2) {
                        continue;
                    }
                    let key = format!("weekly-review:{account_id}:{date}");
                    crate::jobs::insert_job(&mut tx, JobKind::Review, account_id, &date.to_string(), &key, at, now)
                        .await?;
                }
            }
            for row in &promises {
                let id: i64 = row.try_get("id")?;
                let account_id = AccountId::new(row.try_get("account_id")?);
                let key = format!("promise:{id}");
                crate::jobs::insert_job(&mut tx, JobKind::PromiseAlert, account_id, &id.to_string(), &key, now, now)
                    .await?;
            }
            tx.commit().await?;
            Ok(())
        })
        .await
    }
}

/// `hour` o'clock (clamped to 0–23) on `day` in `zone`: when a digest or weekly review is due.
fn at_hour(day: jiff::civil::Date, hour: i64, zone: &TimeZone) -> Option<Timestamp> {
    let hour = i8::try_from(hour.clamp(0, 23)).ok()?;
    Some(day.to_datetime(Time::new(hour, 0, 0, 0).ok()?).to_zoned_datetime(zone.clone()).ok()?.timestamp())
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

/// Move an enrollment past its current step. A repeating step's next run
/// becomes an enrollment row of its own (while the repetition lasts); a row
/// that was such a run then finishes, and the plan's own walk goes to the
/// next step that can be scheduled (one whose date is unknown, such as a
/// birthday not on record, is passed over), or finishes.
#[allow(clippy::too_many_arguments)]
pub(super) async fn advance(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    enrollment: &Enrollment,
    plan: &Plan,
    contact: &Contact,
    zone: &TimeZone,
    work_week: &WorkWeek,
    now: Timestamp,
) -> Result<()> {
    let current = enrollment.next_step;
    let anchors = crate::enrollments::anchors(contact);
    let again = plan
        .steps
        .get(current as usize)
        .and_then(|step| step.next_run(now, enrollment.occurrence, &anchors, zone, work_week));
    if enrollment.repeats_step.is_some() {
        finish_enrollments(tx, &[enrollment.id], now).await?;
    }
    if let Some(run_at) = again {
        repeat_step(tx, account_id, enrollment.id, current, enrollment.occurrence + 1, run_at, now).await?;
    }
    if enrollment.repeats_step.is_some() {
        return Ok(());
    }
    let walk = tickler_core::plan::walk(&plan.steps, current as usize + 1, now, &anchors, zone, work_week);
    for (step, run_at) in walk.forks {
        repeat_step(tx, account_id, enrollment.id, step, 1, run_at, now).await?;
    }
    match walk.next {
        Some((next, run_at)) => {
            let moved = sqlx::query(
                "UPDATE enrollments SET next_step = $2, next_run_at = $3, waiting = NULL, updated_at = $4 \
                 WHERE id = $1 AND next_step = $5 AND state = 'active'",
            )
            .bind(enrollment.id.get())
            .bind(i64::from(next))
            .bind(seconds(run_at))
            .bind(seconds(now))
            .bind(i64::from(current))
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if moved == 1 {
                let key = step_key(enrollment.id, next);
                schedule_job(tx, JobKind::PlanStep, account_id, &enrollment.id.to_string(), &key, run_at, now).await?;
            }
        }
        None => finish_enrollments(tx, &[enrollment.id], now).await?,
    }
    Ok(())
}

/// Add the row of a repeating step's run `occurrence`, due at `run_at`, beside
/// `enrollment` (the plan's own walk or the step's previous run, whose sender
/// it keeps); none when that step already has a live row.
pub(crate) async fn repeat_step(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    enrollment: EnrollmentId,
    step: u32,
    occurrence: u32,
    run_at: Timestamp,
    now: Timestamp,
) -> Result<()> {
    let row = sqlx::query(
        "INSERT INTO enrollments (account_id, plan_id, contact_id, state, next_step, next_run_at, started_at, \
         updated_at, user_id, repeats_step, occurrence) \
         SELECT account_id, plan_id, contact_id, 'active', $2, $3, $4, $4, user_id, $2, $5 FROM enrollments \
         WHERE id = $1 ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(enrollment.get())
    .bind(i64::from(step))
    .bind(seconds(run_at))
    .bind(seconds(now))
    .bind(i64::from(occurrence))
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(row) = row {
        let id = EnrollmentId::new(row.try_get("id")?);
        schedule_job(tx, JobKind::PlanStep, account_id, &id.to_string(), &step_key(id, step), run_at, now).await?;
    }
    Ok(())
}

/// Finish enrollments whose last step is done, in one statement (read under
/// this transaction's lock, so their step is the one just done).
pub(super) async fn finish_enrollments(
    tx: &mut Transaction<'_, Any>,
    ids: &[EnrollmentId],
    now: Timestamp,
) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let statement = format!(
        "UPDATE enrollments SET state = 'finished', next_step = next_step + 1, next_run_at = NULL, waiting = NULL, \
         updated_at = $1 WHERE id IN ({}) AND state = 'active'",
        id_list(ids.iter().map(|id| id.get()))
    );
    one_off(statement).bind(seconds(now)).execute(&mut **tx).await?;
    Ok(())
}

pub(super) async fn set_waiting(
    tx: &mut Transaction<'_, Any>,
    enrollment_id: EnrollmentId,
    reason: Option<&str>,
    until: Option<Timestamp>,
    now: Timestamp,
) -> Result<()> {
    sqlx::query("UPDATE enrollments SET waiting = $2, next_run_at = $3, updated_at = $4 WHERE id = $1")
        .bind(enrollment_id.get())
        .bind(reason)
        .bind(until.map(seconds))
        .bind(seconds(now))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn add_task(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    contact: &Contact,
    plan: &Plan,
    step: &Step,
    text: &str,
    zone: &TimeZone,
    now: Timestamp,
) -> Result<FollowUpId> {
    let due = Due { date: now.to_zoned_datetime(zone.clone()).date(), time: None, zone: zone_name(zone) };
    let purpose = format!("{}: {text}", plan.name);
    insert_follow_up(tx, account_id, contact.id, &due, step.channel, &purpose, Origin::PlanStep, now).await
}

pub(super) fn zone_name(zone: &TimeZone) -> tickler_core::contact::ZoneName {
    zone.iana_name()
        .and_then(|name| tickler_core::contact::ZoneName::parse(name).ok())
        .unwrap_or_else(tickler_core::contact::ZoneName::utc)
}

pub(super) const EMAIL_SELECT: &str = "SELECT o.*, m.from_name, m.from_address FROM outbox o \
     LEFT JOIN mail_settings m ON m.account_id = o.account_id";

async fn email_in(tx: &mut Transaction<'_, Any>, outbox_id: i64) -> Result<OutboundEmail> {
    let statement = format!("{EMAIL_SELECT} WHERE o.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(statement)).bind(outbox_id).fetch_one(&mut **tx).await?;
    email_from_row(&row)
}

pub(super) fn email_from_row(row: &AnyRow) -> Result<OutboundEmail> {
    let step: Option<i64> = row.try_get("step")?;
    let attempts: i64 = row.try_get("attempts")?;
    let refs: String = row.try_get("refs")?;
    Ok(OutboundEmail {
        outbox_id: row.try_get("id")?,
        account_id: AccountId::new(row.try_get("account_id")?),
        contact_id: row.try_get::<Option<i64>, _>("contact_id")?.map(ContactId::new),
        enrollment_id: row.try_get::<Option<i64>, _>("enrollment_id")?.map(EnrollmentId::new),
        step: step.and_then(|step| u32::try_from(step).ok()),
        user_id: row.try_get::<Option<i64>, _>("user_id")?.map(UserId::new),
        message_id: row.try_get("message_id")?,
        in_reply_to: row.try_get("in_reply_to")?,
        references: refs.split_whitespace().map(str::to_string).collect(),
        to: row.try_get("to_address")?,
        from_name: row.try_get::<Option<String>, _>("from_name").ok().flatten().unwrap_or_default(),
        from_address: row.try_get::<Option<String>, _>("from_address").ok().flatten().unwrap_or_default(),
        subject: row.try_get("subject")?,
        body: row.try_get("body")?,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        campaign_id: row.try_get::<Option<i64>, _>("campaign_id")?.map(CampaignId::new),
        html_body: row.try_get("html_body")?,
        list_unsubscribe: row.try_get("list_unsubscribe")?,
    })
}

/// The fields a template is rendered with for `contact` at `now`.
pub(crate) async fn fields_for(
    connection: &mut sqlx::AnyConnection,
    account_id: AccountId,
    contact: &Contact,
    plan: Option<&Plan>,
    zone: &TimeZone,
    now: Timestamp,
) -> Result<Fields> {
    let settings = mail_settings_in(connection, account_id).await?;
    let facts = render_facts(connection, &id_list(std::iter::once(contact.id.get())), now).await?;
    Ok(fields(contact, plan, zone, &settings, &facts, now))
}

/// What a render needs of each contact's history: the last touch by `now`
/// (summary, channel, when) and the earliest open promise (what, told deadline).
#[derive(Default)]
pub(super) struct RenderFacts {
    last_touch: HashMap<i64, (String, String, Timestamp)>,
    promise: HashMap<i64, (String, Timestamp)>,
}

/// The render facts of the contacts `contact_ids` (an [`id_list`]), one query per kind.
pub(super) async fn render_facts(
    connection: &mut sqlx::AnyConnection,
    contact_ids: &str,
    now: Timestamp,
) -> Result<RenderFacts> {
    let statement = format!(
        "SELECT contact_id, summary, channel, at FROM (SELECT contact_id, summary, channel, at, \
         ROW_NUMBER() OVER (PARTITION BY contact_id ORDER BY at DESC, id DESC) AS place FROM touches \
         WHERE contact_id IN ({contact_ids}) AND at <= $1) latest WHERE place = 1"
    );
    let mut facts = RenderFacts::default();
    for row in one_off(statement).bind(seconds(now)).fetch_all(&mut *connection).await? {
        let touch = (row.try_get("summary")?, row.try_get("channel")?, crate::rows::instant(&row, "at")?);
        facts.last_touch.insert(row.try_get("contact_id")?, touch);
    }
    let statement = format!(
        "SELECT contact_id, what, told_at FROM (SELECT contact_id, what, told_at, \
         ROW_NUMBER() OVER (PARTITION BY contact_id ORDER BY told_at, id) AS place FROM promises \
         WHERE contact_id IN ({contact_ids}) AND state = 'open') earliest WHERE place = 1"
    );
    for row in one_off(statement).fetch_all(&mut *connection).await? {
        let promise = (row.try_get("what")?, crate::rows::instant(&row, "told_at")?);
        facts.promise.insert(row.try_get("contact_id")?, promise);
    }
    Ok(facts)
}

/// The fields of a render for `contact` from what was read.
pub(super) fn fields(
    contact: &Contact,
    plan: Option<&Plan>,
    zone: &TimeZone,
    settings: &crate::plans::MailSettings,
    facts: &RenderFacts,
    now: Timestamp,
) -> Fields {
    let (last_touch, promise) = (facts.last_touch.get(&contact.id.get()), facts.promise.get(&contact.id.get()));
    let signature =
        if settings.signature.trim().is_empty() { settings.from_name.clone() } else { settings.signature.clone() };
    Fields {
        contact: ContactFields {
            first_name: contact.details.name.first_name().to_string(),
            name: contact.name().to_string(),
            organisation: contact.details.organisation.clone(),
            email: contact.details.emails.first().map(|email| email.as_str().to_string()),
        },
        last_touch: last_touch.map(|(summary, channel, at)| TouchFields {
            summary: summary.clone(),
            channel: channel.clone(),
            date: at.to_zoned_datetime(zone.clone()).strftime("%A %-d %B").to_string(),
        }),
        sender: SenderFields { name: settings.from_name.clone(), email: settings.from_address.clone(), signature },
        promise: promise.map(|(what, told)| PromiseFields {
            what: what.clone(),
            deadline: told.to_zoned_datetime(zone.clone()).strftime("%A %-d %B, %-I:%M %P").to_string(),
            new_deadline: String::new(),
        }),
        plan: plan.map(|plan| PlanFields { name: plan.name.clone() }),
        today: now.to_zoned_datetime(zone.clone()).strftime("%A %-d %B %Y").to_string(),
        library_next: None,
    }
}

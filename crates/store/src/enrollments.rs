//! Enrollments: a contact in a plan, one by one or in bulk by tag; pause,
//! resume and stop; and the stop rules applied when a touch or a consent
//! change lands.

use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use tickler_core::consent::ConsentState;
use tickler_core::contact::{Contact, Tag};
use tickler_core::ids::{AccountId, ContactId, EnrollmentId, PlanId, UserId};
use tickler_core::plan::{Anchors, Enrollment, EnrollmentState, Plan, STOPPED_BY_PERSON, walk};

use crate::Store;
use crate::error::{Error, Record, Result};
use crate::jobs::{JobKind, schedule_job};
use crate::plans::plan_in;
use crate::rows::{instant, optional_instant, parsed, seconds};

pub(crate) const ENROLLMENT_COLUMNS: &str = "e.id, e.plan_id, p.name AS plan_name, e.contact_id, e.state, e.next_step, \
     e.next_run_at, e.waiting, e.stop_reason, e.started_at, e.updated_at, e.repeats_step, e.occurrence";

/// The job key of an enrollment's step: one job per (enrollment, step).
pub(crate) fn step_key(enrollment_id: EnrollmentId, step: u32) -> String {
    format!("step:{enrollment_id}:{step}")
}

/// What a bulk enrollment did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct BulkEnrolled {
    pub enrolled: Vec<Enrollment>,
    /// Contacts left out, with why (do-not-contact, not now, already in the plan).
    pub skipped: Vec<(String, String)>,
}

impl Store {
    /// Enroll a contact in a plan, its emails sent through the install-wide relay
    /// (see [`Store::enroll_by`]).
    pub async fn enroll(
        &self,
        account_id: AccountId,
        plan_id: PlanId,
        contact_id: ContactId,
        now: Timestamp,
    ) -> Result<Enrollment> {
        self.enroll_by(account_id, plan_id, contact_id, None, now).await
    }

    /// Enroll a contact in a plan; its first step is scheduled after its delay from `now`.
    /// Refused for do-not-contact, for "not now" unless the plan is a nurture plan, and
    /// when the contact is already in the plan. The plan's emails go out as `sender`
    /// (the user who enrolled them: their own mail server when they set one), or
    /// through the relay when `None`.
    pub async fn enroll_by(
        &self,
        account_id: AccountId,
        plan_id: PlanId,
        contact_id: ContactId,
        sender: Option<UserId>,
        now: Timestamp,
    ) -> Result<Enrollment> {
        crate::error::during("enrolling a contact in a plan", async {
            let mut tx = self.begin_write().await?;
            let plan = plan_in(&mut tx, account_id, plan_id).await?;
            let contact = self.lock_contact(&mut tx, account_id, contact_id).await?;
            let id = enroll_in(&mut tx, account_id, &plan, &contact, sender, now).await?;
            let enrollment = enrollment_in(&mut tx, account_id, id).await?;
            tx.commit().await?;
            Ok(enrollment)
        })
        .await
    }

    /// Enroll every contact with `tag` through the relay (see [`Store::enroll_tag_by`]).
    pub async fn enroll_tag(
        &self,
        account_id: AccountId,
        plan_id: PlanId,
        tag: &Tag,
        now: Timestamp,
    ) -> Result<BulkEnrolled> {
        self.enroll_tag_by(account_id, plan_id, tag, None, now).await
    }

    /// Enroll every contact with `tag`, in one transaction, their emails sent as
    /// `sender` (see [`Store::enroll_by`]); those who may not be enrolled are listed, not failed.
    pub async fn enroll_tag_by(
        &self,
        account_id: AccountId,
        plan_id: PlanId,
        tag: &Tag,
        sender: Option<UserId>,
        now: Timestamp,
    ) -> Result<BulkEnrolled> {
        crate::error::during("enrolling a tag in a plan", async {
            let mut tx = self.begin_write().await?;
            let plan = plan_in(&mut tx, account_id, plan_id).await?;
            let ids: Vec<ContactId> = sqlx::query(
                "SELECT contact_id FROM contact_tags WHERE account_id = $1 AND tag = $2 ORDER BY contact_id",
            )
            .bind(account_id.get())
            .bind(tag.as_str())
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|row| row.try_get("contact_id").map(ContactId::new))
            .collect::<Result<_, _>>()?;
            let mut result = BulkEnrolled::default();
            for contact_id in ids {
                let contact = self.lock_contact(&mut tx, account_id, contact_id).await?;
                match enroll_in(&mut tx, account_id, &plan, &contact, sender, now).await {
                    Ok(id) => result.enrolled.push(enrollment_in(&mut tx, account_id, id).await?),
                    Err(Error::Domain(error)) => result.skipped.push((contact.name().to_string(), error.to_string())),
                    Err(error) => return Err(error),
                }
            }
            tx.commit().await?;
            Ok(result)
        })
        .await
    }

    /// Pause an active enrollment: its next step waits until resumed.
    pub async fn pause_enrollment(
        &self,
        account_id: AccountId,
        id: EnrollmentId,
        now: Timestamp,
    ) -> Result<Enrollment> {
        crate::error::during("pausing an enrollment", async {
            self.change_state(account_id, id, EnrollmentState::Active, EnrollmentState::Paused, None, now).await
        })
        .await
    }

    /// Resume a paused enrollment: a step that fell due meanwhile runs now (in business hours).
    pub async fn resume_enrollment(
        &self,
        account_id: AccountId,
        id: EnrollmentId,
        now: Timestamp,
    ) -> Result<Enrollment> {
        crate::error::during("resuming an enrollment", async {
            self.change_state(account_id, id, EnrollmentState::Paused, EnrollmentState::Active, None, now).await
        })
        .await
    }

    /// Stop an enrollment for good, by a person.
    pub async fn stop_enrollment(&self, account_id: AccountId, id: EnrollmentId, now: Timestamp) -> Result<Enrollment> {
        crate::error::during("stopping an enrollment", async {
            let mut tx = self.begin_write().await?;
            let enrollment = enrollment_in(&mut tx, account_id, id).await?;
            if !enrollment.state.is_live() {
                return Err(tickler_core::Error::Refused(format!(
                    "enrollment {id} is already {}",
                    enrollment.state.as_str()
                ))
                .into());
            }
            // The plan stops whole: its repeating steps' later runs with it.
            for sibling in siblings(&mut tx, &enrollment).await? {
                stop_in(&mut tx, account_id, sibling, STOPPED_BY_PERSON, now).await?;
            }
            stop_in(&mut tx, account_id, id, STOPPED_BY_PERSON, now).await?;
            let enrollment = enrollment_in(&mut tx, account_id, id).await?;
            tx.commit().await?;
            Ok(enrollment)
        })
        .await
    }

    async fn change_state(
        &self,
        account_id: AccountId,
        id: EnrollmentId,
        from: EnrollmentState,
        to: EnrollmentState,
        waiting: Option<&str>,
        now: Timestamp,
    ) -> Result<Enrollment> {
        let mut tx = self.begin_write().await?;
        let enrollment = enrollment_in(&mut tx, account_id, id).await?;
        if enrollment.state != from {
            return Err(tickler_core::Error::Refused(format!(
                "enrollment {id} is {}, not {}",
                enrollment.state.as_str(),
                from.as_str()
            ))
            .into());
        }
        // The plan pauses and resumes whole: its repeating steps' later runs with it.
        let mut rows = vec![enrollment];
        for sibling in siblings(&mut tx, &rows[0]).await? {
            let sibling = enrollment_in(&mut tx, account_id, sibling).await?;
            if sibling.state == from {
                rows.push(sibling);
            }
        }
        for enrollment in rows {
            let id = enrollment.id;
            sqlx::query(
                "UPDATE enrollments SET state = $3, waiting = $4, updated_at = $5 WHERE account_id = $1 AND id = $2",
            )
            .bind(account_id.get())
            .bind(id.get())
            .bind(to.as_str())
            .bind(waiting)
            .bind(seconds(now))
            .execute(&mut *tx)
            .await?;
            if to == EnrollmentState::Active {
                let run_at = enrollment.next_run_at.unwrap_or(now).max(now);
                let key = step_key(id, enrollment.next_step);
                schedule_job(&mut tx, JobKind::PlanStep, account_id, &id.to_string(), &key, run_at, now).await?;
                sqlx::query("UPDATE enrollments SET next_run_at = $2 WHERE id = $1")
                    .bind(id.get())
                    .bind(seconds(run_at))
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let enrollment = enrollment_in(&mut tx, account_id, id).await?;
        tx.commit().await?;
        Ok(enrollment)
    }

    /// Enrollments of the account (all, or one contact's), newest first.
    pub async fn enrollments(&self, account_id: AccountId, contact_id: Option<ContactId>) -> Result<Vec<Enrollment>> {
        crate::error::during("listing enrollments", async {
            let statement = format!(
                "SELECT {ENROLLMENT_COLUMNS} FROM enrollments e JOIN plans p ON p.id = e.plan_id \
             WHERE e.account_id = $1 AND ($2 IS NULL OR e.contact_id = $2) ORDER BY e.id DESC"
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(statement))
                .bind(account_id.get())
                .bind(contact_id.map(ContactId::get))
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(enrollment_from_row).collect()
        })
        .await
    }

    /// One enrollment.
    pub async fn enrollment(&self, account_id: AccountId, id: EnrollmentId) -> Result<Enrollment> {
        crate::error::during("reading an enrollment", async {
            let mut connection = self.pool.acquire().await?;
            enrollment_in(&mut connection, account_id, id).await
        })
        .await
    }
}

async fn enroll_in(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    plan: &Plan,
    contact: &Contact,
    sender: Option<UserId>,
    now: Timestamp,
) -> Result<EnrollmentId> {
    match contact.consent.state {
        ConsentState::DoNotContact => {
            return Err(tickler_core::Error::Refused(format!(
                "{} is marked do-not-contact; they cannot be enrolled in a plan",
                contact.name()
            ))
            .into());
        }
        ConsentState::NotNow if !plan.nurture => {
            return Err(tickler_core::Error::Refused(format!(
                "{} said \"not now\"; only a nurture plan such as \"Not now\" may run for them",
                contact.name()
            ))
            .into());
        }
        _ => {}
    }
    if plan.steps.is_empty() {
        return Err(tickler_core::Error::invalid("plan", format!("\"{}\" has no steps yet", plan.name)).into());
    }
    let zone = contact_zone(tx, account_id, contact).await?;
    let work_week = crate::accounts::account_in(tx, account_id).await?.settings.work_week;
    let walk = walk(&plan.steps, 0, now, &anchors(contact), &zone, &work_week);
    if walk.next.is_none() && walk.forks.is_empty() {
        return Err(tickler_core::Error::Refused(format!(
            "every step of \"{}\" falls on {}'s birthday, and none is on record; add it first",
            plan.name,
            contact.name()
        ))
        .into());
    }
    let live = sqlx::query(
        "SELECT COUNT(*) AS n FROM enrollments WHERE plan_id = $1 AND contact_id = $2 AND state IN ('active', 'paused')",
    )
    .bind(plan.id.get())
    .bind(contact.id.get())
    .fetch_one(&mut **tx)
    .await?;
    if live.try_get::<i64, _>("n")? > 0 {
        return Err(tickler_core::Error::Refused(format!("{} is already in \"{}\"", contact.name(), plan.name)).into());
    }
    // With only repeating steps, the plan's own walk is over at once: each step runs on its own schedule.
    let (state, first, run_at) = match walk.next {
        Some((step, at)) => ("active", step, Some(at)),
        None => ("finished", u32::try_from(plan.steps.len()).unwrap_or(u32::MAX), None),
    };
    let row = sqlx::query(
        "INSERT INTO enrollments (account_id, plan_id, contact_id, state, next_step, next_run_at, started_at, updated_at, \
         user_id) VALUES ($1, $2, $3, $8, $7, $4, $5, $5, $6) RETURNING id",
    )
    .bind(account_id.get())
    .bind(plan.id.get())
    .bind(contact.id.get())
    .bind(run_at.map(seconds))
    .bind(seconds(now))
    .bind(sender.map(UserId::get))
    .bind(i64::from(first))
    .bind(state)
    .fetch_one(&mut **tx)
    .await
    .map_err(|error| match &error {
        sqlx::Error::Database(database) if database.is_unique_violation() => {
            Error::Domain(tickler_core::Error::Refused(format!("{} is already in \"{}\"", contact.name(), plan.name)))
        }
        _ => error.into(),
    })?;
    let id = EnrollmentId::new(row.try_get("id")?);
    if let Some(run_at) = run_at {
        schedule_job(tx, JobKind::PlanStep, account_id, &id.to_string(), &step_key(id, first), run_at, now).await?;
    }
    for (step, run_at) in walk.forks {
        crate::outbox::repeat_step(tx, account_id, id, step, 1, run_at, now).await?;
    }
    Ok(id)
}

/// What a contact's calendar steps are anchored to.
pub(crate) fn anchors(contact: &Contact) -> Anchors {
    Anchors { birthday: contact.details.birthday }
}

/// The other live rows of an enrollment's plan for its contact: the later runs of its repeating steps.
async fn siblings(tx: &mut Transaction<'_, Any>, enrollment: &Enrollment) -> Result<Vec<EnrollmentId>> {
    let rows = sqlx::query(
        "SELECT id FROM enrollments WHERE plan_id = $1 AND contact_id = $2 AND id <> $3 \
         AND state IN ('active', 'paused') ORDER BY id",
    )
    .bind(enrollment.plan_id.get())
    .bind(enrollment.contact_id.get())
    .bind(enrollment.id.get())
    .fetch_all(&mut **tx)
    .await?;
    rows.iter().map(|row| Ok(EnrollmentId::new(row.try_get("id")?))).collect()
}

/// The zone a contact's plan runs in: theirs, else the account's.
pub(crate) async fn contact_zone(
    tx: &mut sqlx::AnyConnection,
    account_id: AccountId,
    contact: &Contact,
) -> Result<jiff::tz::TimeZone> {
    if let Some(zone) = &contact.details.zone {
        return Ok(zone.time_zone());
    }
    let row = sqlx::query("SELECT zone FROM accounts WHERE id = $1").bind(account_id.get()).fetch_one(&mut *tx).await?;
    Ok(parsed(&row, "zone", tickler_core::contact::ZoneName::parse)?.time_zone())
}

/// Stop an enrollment in `tx` with `reason`; its pending step job is closed.
pub(crate) async fn stop_in(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    id: EnrollmentId,
    reason: &str,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "UPDATE enrollments SET state = 'stopped', stop_reason = $3, next_run_at = NULL, waiting = NULL, updated_at = $4 \
         WHERE account_id = $1 AND id = $2 AND state IN ('active', 'paused')",
    )
    .bind(account_id.get())
    .bind(id.get())
    .bind(reason)
    .bind(seconds(now))
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE jobs SET state = 'done', last_error = $3, finished_at = $4 \
         WHERE kind = 'plan-step' AND account_id = $1 AND payload = $2 AND state = 'pending'",
    )
    .bind(account_id.get())
    .bind(id.to_string())
    .bind(format!("stopped: {reason}"))
    .bind(seconds(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Pause an enrollment inside `tx` because its step cannot go on (a failed
/// email, a template that does not render); `reason` shows on it until resumed.
pub(crate) async fn pause_in(
    tx: &mut Transaction<'_, Any>,
    enrollment_id: EnrollmentId,
    reason: &str,
    now: Timestamp,
) -> Result<()> {
    sqlx::query("UPDATE enrollments SET state = $4, waiting = $2, updated_at = $3 WHERE id = $1")
        .bind(enrollment_id.get())
        .bind(reason)
        .bind(seconds(now))
        .bind(EnrollmentState::Paused.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Stop every live enrollment of a contact (a reply, a decision, do-not-contact);
/// with `keep_nurture`, nurture plans go on (a "not now" keeps its newsletter).
pub(crate) async fn stop_contact_plans(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    contact_id: ContactId,
    reason: &str,
    keep_nurture: bool,
    now: Timestamp,
) -> Result<()> {
    let ids: Vec<EnrollmentId> = sqlx::query(
        "SELECT e.id FROM enrollments e JOIN plans p ON p.id = e.plan_id WHERE e.account_id = $1 AND e.contact_id = $2 \
         AND e.state IN ('active', 'paused') AND ($3 = 0 OR p.nurture = 0)",
    )
    .bind(account_id.get())
    .bind(contact_id.get())
    .bind(i64::from(keep_nurture))
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|row| row.try_get("id").map(EnrollmentId::new))
    .collect::<Result<_, _>>()?;
    for id in ids {
        stop_in(tx, account_id, id, reason, now).await?;
    }
    Ok(())
}

pub(crate) async fn enrollment_in(
    connection: &mut sqlx::AnyConnection,
    account_id: AccountId,
    id: EnrollmentId,
) -> Result<Enrollment> {
    let statement = format!(
        "SELECT {ENROLLMENT_COLUMNS} FROM enrollments e JOIN plans p ON p.id = e.plan_id \
         WHERE e.account_id = $1 AND e.id = $2"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(statement))
        .bind(account_id.get())
        .bind(id.get())
        .fetch_optional(&mut *connection)
        .await?
        .ok_or_else(|| Error::not_found(Record::Enrollment, id))?;
    enrollment_from_row(&row)
}

pub(crate) fn enrollment_from_row(row: &AnyRow) -> Result<Enrollment> {
    let next_step: i64 = row.try_get("next_step")?;
    Ok(Enrollment {
        id: EnrollmentId::new(row.try_get("id")?),
        plan_id: PlanId::new(row.try_get("plan_id")?),
        plan_name: row.try_get("plan_name")?,
        contact_id: ContactId::new(row.try_get("contact_id")?),
        state: parsed(row, "state", EnrollmentState::parse)?,
        next_step: u32::try_from(next_step).unwrap_or(0),
        next_run_at: optional_instant(row, "next_run_at")?,
        waiting: row.try_get("waiting")?,
        stop_reason: row.try_get("stop_reason")?,
        repeats_step: row.try_get::<Option<i64>, _>("repeats_step")?.and_then(|step| u32::try_from(step).ok()),
        occurrence: row.try_get::<Option<i64>, _>("occurrence")?.and_then(|n| u32::try_from(n).ok()).unwrap_or(1),
        started_at: instant(row, "started_at")?,
        updated_at: instant(row, "updated_at")?,
    })
}

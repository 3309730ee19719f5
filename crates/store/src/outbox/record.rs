//! Recording what became of sent emails: marked delivered the moment the mail
//! server takes them, then recorded per batch in one transaction (touches,
//! enrollments moved on, jobs closed; failures retried or given up on).

use std::collections::HashMap;

use jiff::Timestamp;
use tickler_core::contact::Contact;
use tickler_core::follow_up::{Due, Origin};
use tickler_core::ids::{AccountId, ContactId, EnrollmentId};
use tickler_core::plan::{Enrollment, EnrollmentState};
use tickler_core::touch::Channel;

use super::claim::Batch;
use super::{Delivery, MAX_SEND_ATTEMPTS, OutboundEmail, OutboxState, SendFailure};
use super::{advance, backoff, finish_enrollments, set_waiting, zone_name};
use crate::Store;
use crate::dialect::{id_list, one_off, placeholder};
use crate::enrollments::pause_in;
use crate::error::Result;
use crate::follow_up_rows::insert_follow_up;
use crate::jobs::{close_job, close_jobs, postpone_job};
use crate::rows::seconds;
use crate::touches::insert_sent_emails;

/// Emails marked delivered per statement.
const MARK_CHUNK: usize = 64;

/// The transaction the results of a batch are recorded in.
type Tx = sqlx::Transaction<'static, sqlx::Any>;

impl Store {
    /// Mark emails the mail server took as sent, with its answers, in one
    /// transaction: called as they are taken, so a worker that dies before
    /// recording its batch does not send them again.
    pub async fn mark_delivered(&self, accepted: &[(i64, String)], now: Timestamp) -> Result<()> {
        crate::error::during("marking emails delivered", async {
            for chunk in accepted.chunks(MARK_CHUNK) {
                // Ids are integers, written into the statement; the answers are bound after the time.
                let cases = chunk
                    .iter()
                    .enumerate()
                    .map(|(n, (id, _))| format!("WHEN {id} THEN {}", placeholder(self.backend, n + 2)))
                    .collect::<Vec<_>>();
                let statement = format!(
                    "UPDATE outbox SET state = '{}', sent_at = {}, last_error = NULL, server_reply = CASE id {} END \
                     WHERE id IN ({})",
                    OutboxState::Sent.as_str(),
                    placeholder(self.backend, 1),
                    cases.join(" "),
                    id_list(chunk.iter().map(|(id, _)| *id))
                );
                let mut query = one_off(statement).bind(seconds(now));
                for (_, reply) in chunk {
                    query = query.bind(reply.as_str());
                }
                query.execute(&self.pool).await?;
            }
            Ok(())
        })
        .await
    }

    /// Record what became of a batch of emails, in one transaction. Sent: the
    /// contact gets an outbound touch, the enrollment moves on, the job closes.
    /// Failed: retried with backoff; after the last try (or a permanent
    /// refusal) the enrollment pauses and the failure lands on the agenda with
    /// the server's reason.
    pub async fn record_sends(&self, deliveries: &[Delivery], now: Timestamp) -> Result<()> {
        crate::error::during("recording sent emails", async {
            if deliveries.is_empty() {
                return Ok(());
            }
            let mut tx = self.begin_write().await?;
            let targets: Vec<(AccountId, EnrollmentId)> = deliveries
                .iter()
                .filter_map(|delivery| delivery.email.enrollment_id.map(|id| (delivery.email.account_id, id)))
                .collect();
            let batch = Batch::load(self, &mut tx, &targets).await?;
            mark_sent_again(&mut tx, deliveries, now).await?;
            let mut sent = Sent::default();
            for delivery in deliveries {
                let email = &delivery.email;
                let contact = email.contact_id.and_then(|id| batch.contacts.get(&id));
                let enrollment = email.enrollment_id.and_then(|id| batch.enrollments.get(&id));
                match &delivery.result {
                    Ok(()) => sent.add(&mut tx, &batch, delivery, contact, enrollment, now).await?,
                    Err(failure) if failure.permanent || email.attempts >= MAX_SEND_ATTEMPTS => {
                        give_up(&mut tx, &batch, delivery, failure, contact, enrollment, now).await?;
                    }
                    Err(failure) => retry(&mut tx, delivery, failure, enrollment, now).await?,
                }
            }
            sent.record(self.backend, &mut tx, now).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }
}

/// Mark the batch's taken emails sent. Normally marked already
/// ([`Store::mark_delivered`]); this covers a mark that failed.
async fn mark_sent_again(tx: &mut Tx, deliveries: &[Delivery], now: Timestamp) -> Result<()> {
    let sent: Vec<i64> = deliveries.iter().filter(|d| d.result.is_ok()).map(|d| d.email.outbox_id).collect();
    if sent.is_empty() {
        return Ok(());
    }
    let statement = format!(
        "UPDATE outbox SET state = '{sent}', sent_at = $1, last_error = NULL WHERE id IN ({}) AND state <> '{sent}'",
        id_list(sent.iter().copied()),
        sent = OutboxState::Sent.as_str()
    );
    one_off(statement).bind(seconds(now)).execute(&mut **tx).await?;
    Ok(())
}

/// What the sent emails of a batch leave to write in bulk at the end.
#[derive(Default)]
struct Sent<'d> {
    /// Outbound touches: (account, contact, summary).
    touches: Vec<(AccountId, ContactId, String)>,
    /// Enrollments whose last step was just sent.
    finished: Vec<EnrollmentId>,
    /// Jobs done, per lease owner.
    done: HashMap<&'d str, Vec<i64>>,
}

impl<'d> Sent<'d> {
    /// A sent email: its touch is noted, its enrollment moves on (if still on that step), its job is done.
    async fn add(
        &mut self,
        tx: &mut Tx,
        batch: &Batch,
        delivery: &'d Delivery,
        contact: Option<&Contact>,
        enrollment: Option<&Enrollment>,
        now: Timestamp,
    ) -> Result<()> {
        let Delivery { job, email, .. } = delivery;
        let account_id = email.account_id;
        let summary = match enrollment {
            Some(enrollment) => format!("{}: {}", enrollment.plan_name, email.subject),
            None => email.subject.clone(),
        };
        if let Some(contact) = contact {
            self.touches.push((account_id, contact.id, summary));
        }
        let current = enrollment.filter(|e| e.state == EnrollmentState::Active && Some(e.next_step) == email.step);
        if let (Some(enrollment), Some(contact)) = (current, contact)
            && let (Some(plan), Some(rules)) = (batch.plans.get(&enrollment.plan_id), batch.accounts.get(&account_id))
        {
            let repeats = enrollment.repeats_step.is_some()
                || plan.steps.get(enrollment.next_step as usize).is_some_and(|step| !step.repeat.is_empty());
            if plan.steps.get(enrollment.next_step as usize + 1).is_none() && !repeats {
                self.finished.push(enrollment.id);
            } else {
                let zone = batch.zone(account_id, contact);
                advance(tx, account_id, enrollment, plan, contact, &zone, &rules.work_week, now).await?;
            }
        }
        self.done.entry(job.lease_owner.as_str()).or_default().push(job.id);
        Ok(())
    }

    /// Write what was noted: the touches, the finished enrollments, the closed jobs.
    async fn record(self, backend: crate::Backend, tx: &mut Tx, now: Timestamp) -> Result<()> {
        insert_sent_emails(backend, tx, &self.touches, now).await?;
        finish_enrollments(tx, &self.finished, now).await?;
        for (owner, ids) in self.done {
            close_jobs(tx, owner, &ids, None, now).await?;
        }
        Ok(())
    }
}

/// An email refused for good or out of tries: it fails, its enrollment pauses,
/// and the failure lands on the contact's agenda; the job closes failed.
async fn give_up(
    tx: &mut Tx,
    batch: &Batch,
    delivery: &Delivery,
    failure: &SendFailure,
    contact: Option<&Contact>,
    enrollment: Option<&Enrollment>,
    now: Timestamp,
) -> Result<()> {
    let Delivery { job, email, .. } = delivery;
    let reason = format!(
        "email \"{}\" to {} failed after {} tr{}: {}",
        email.subject,
        email.to,
        email.attempts,
        if email.attempts == 1 { "y" } else { "ies" },
        failure.reason
    );
    set_outbox_state(tx, email, OutboxState::Failed, &failure.reason).await?;
    if let Some(enrollment) = enrollment {
        pause_in(tx, enrollment.id, &reason, now).await?;
    }
    if let Some(contact) = contact {
        let zone = batch.zone(email.account_id, contact);
        let purpose = format!("{reason}; send it yourself or fix the address, then resume the plan");
        let date = now.to_zoned_datetime(zone.clone()).date();
        let due = Due { date, time: None, zone: zone_name(&zone) };
        insert_follow_up(tx, email.account_id, contact.id, &due, Channel::Email, &purpose, Origin::PlanStep, now)
            .await?;
    }
    close_job(tx, job, Some(&reason), now).await
}

/// An email that may still go: queued again, its job and enrollment wait out the backoff.
async fn retry(
    tx: &mut Tx,
    delivery: &Delivery,
    failure: &SendFailure,
    enrollment: Option<&Enrollment>,
    now: Timestamp,
) -> Result<()> {
    let Delivery { job, email, .. } = delivery;
    let retry_at = now.saturating_add(backoff(email.attempts)).unwrap_or(now);
    let reason = format!("try {} failed ({}); retrying", email.attempts, failure.reason);
    set_outbox_state(tx, email, OutboxState::Queued, &failure.reason).await?;
    if let Some(enrollment) = enrollment {
        set_waiting(tx, enrollment.id, Some(&reason), Some(retry_at), now).await?;
    }
    postpone_job(tx, job, retry_at, &reason, true).await
}

/// Set an outbox email's state after a failed try, with the server's reason.
async fn set_outbox_state(tx: &mut Tx, email: &OutboundEmail, state: OutboxState, reason: &str) -> Result<()> {
    sqlx::query("UPDATE outbox SET state = $3, last_error = $2 WHERE id = $1")
        .bind(email.outbox_id)
        .bind(reason)
        .bind(state.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

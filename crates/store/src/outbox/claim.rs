//! Claiming the steps of a batch of plan-step jobs in one transaction: every
//! contact is locked (PostgreSQL; SQLite's write transaction is the lock),
//! then consent, business hours and pacing are checked and each email is
//! rendered at most once into its outbox row. What a batch needs (its
//! enrollments, contacts, plans, account rules, last touches, threads) is read
//! with one query per kind rather than per job, so the cost of a step is the
//! row it writes.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use sqlx::{Any, Row, Transaction};
use tickler_core::consent::ConsentState;
use tickler_core::contact::Contact;
use tickler_core::ids::{AccountId, ContactId, EnrollmentId, PlanId, UserId};
use tickler_core::library;
use tickler_core::plan::{Enrollment, EnrollmentState, Plan, STOPPED_DO_NOT_CONTACT, STOPPED_NOT_NOW, StepAction};
use tickler_core::send_window;
use tickler_core::template::{self, Compiled, Rendered};
use tickler_core::work_week::WorkWeek;

use super::{
    EMAIL_SELECT, OutboundEmail, OutboxState, RenderFacts, StepRun, add_task, advance, email_from_row, fields,
    render_facts, set_waiting,
};
use crate::Store;
use crate::contacts::{CONTACT_SELECT, contact_from_row};
use crate::dialect::{Backend, id_list, multi_row_insert, one_off};
use crate::enrollments::{ENROLLMENT_COLUMNS, enrollment_from_row, pause_in, step_key, stop_in};
use crate::error::{Error, Result};
use crate::jobs::{Job, close_job, postpone_job};
use crate::library::{claim_next_library_item, via as library_via};
use crate::plans::{MailSettings, mail_settings_in, plan_in};
use crate::rows::{instant, seconds};

/// How long a step waiting for a new library item waits before it looks again
/// (adding an item wakes the account's waiting steps at once).
const LIBRARY_RETRY: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);

/// An account's rules for sending, read once per batch.
pub(super) struct AccountRules {
    pub zone: TimeZone,
    pub work_week: WorkWeek,
    pub gap_days: u32,
    pub settings: MailSettings,
}

/// Everything a batch of steps is decided on, read inside the claiming transaction.
pub(super) struct Batch {
    pub enrollments: HashMap<EnrollmentId, Enrollment>,
    pub contacts: HashMap<ContactId, Contact>,
    pub plans: HashMap<PlanId, Plan>,
    pub accounts: HashMap<AccountId, AccountRules>,
    /// Who sends each enrollment's emails (the user who enrolled the contact); absent: the relay.
    pub senders: HashMap<EnrollmentId, UserId>,
}

impl Batch {
    /// Read the enrollments `targets` name (account, enrollment id; one of another
    /// account is left out as missing), their contacts (locked first on PostgreSQL,
    /// in id order so two workers cannot deadlock), plans and accounts.
    pub async fn load(
        store: &Store,
        tx: &mut Transaction<'_, Any>,
        targets: &[(AccountId, EnrollmentId)],
    ) -> Result<Batch> {
        if targets.is_empty() {
            let (enrollments, contacts, plans, accounts) =
                (HashMap::new(), HashMap::new(), HashMap::new(), HashMap::new());
            return Ok(Batch { enrollments, contacts, plans, accounts, senders: HashMap::new() });
        }
        let ids = id_list(targets.iter().map(|(_, id)| id.get()));
        if store.backend == Backend::Postgres {
            let statement = format!(
                "SELECT id FROM contacts WHERE id IN (SELECT contact_id FROM enrollments WHERE id IN ({ids})) \
                 ORDER BY id FOR UPDATE"
            );
            one_off(statement).fetch_all(&mut **tx).await?;
        }
        let statement = format!(
            "SELECT {ENROLLMENT_COLUMNS}, e.account_id, e.user_id AS sender_id FROM enrollments e \
             JOIN plans p ON p.id = e.plan_id WHERE e.id IN ({ids})"
        );
        let rows = one_off(statement).fetch_all(&mut **tx).await?;
        let wanted: HashSet<(AccountId, EnrollmentId)> = targets.iter().copied().collect();
        let (mut enrollments, mut senders) = (HashMap::new(), HashMap::new());
        for row in &rows {
            let enrollment = enrollment_from_row(row)?;
            if wanted.contains(&(AccountId::new(row.try_get("account_id")?), enrollment.id)) {
                if let Some(sender) = row.try_get::<Option<i64>, _>("sender_id")? {
                    senders.insert(enrollment.id, UserId::new(sender));
                }
                enrollments.insert(enrollment.id, enrollment);
            }
        }
        let contact_ids = id_list(enrollments.values().map(|enrollment| enrollment.contact_id.get()));
        let statement = format!("{CONTACT_SELECT} WHERE c.id IN ({contact_ids})");
        let rows = one_off(statement).fetch_all(&mut **tx).await?;
        let contacts = rows
            .iter()
            .map(|row| contact_from_row(row).map(|contact| (contact.id, contact)))
            .collect::<Result<HashMap<_, _>>>()?;
        let (mut plans, mut accounts) = (HashMap::new(), HashMap::new());
        for &(account_id, id) in targets {
            let Some(enrollment) = enrollments.get(&id) else { continue };
            if let Entry::Vacant(place) = plans.entry(enrollment.plan_id) {
                place.insert(plan_in(tx, account_id, enrollment.plan_id).await?);
            }
            if let Entry::Vacant(place) = accounts.entry(account_id) {
                place.insert(account_rules(tx, account_id).await?);
            }
        }
        Ok(Batch { enrollments, contacts, plans, accounts, senders })
    }

    /// The zone a contact's emails are timed in: theirs, else the account's.
    pub fn zone(&self, account_id: AccountId, contact: &Contact) -> TimeZone {
        match &contact.details.zone {
            Some(zone) => zone.time_zone(),
            None => self.accounts[&account_id].zone.clone(),
        }
    }
}

async fn account_rules(tx: &mut Transaction<'_, Any>, account_id: AccountId) -> Result<AccountRules> {
    let account = crate::accounts::account_in(tx, account_id).await?.settings;
    Ok(AccountRules {
        zone: account.zone.time_zone(),
        work_week: account.work_week,
        gap_days: account.pacing_gap_days,
        settings: mail_settings_in(tx, account_id).await?,
    })
}

/// The per-contact facts a send decision and a render need, for every contact of a batch.
struct ContactFacts {
    last_outreach: HashMap<i64, Timestamp>,
    /// Plan emails being sent right now (by this or another worker): (enrollment, step) per contact.
    in_flight: HashMap<i64, Vec<(EnrollmentId, u32)>>,
    render: RenderFacts,
    /// Addresses that bounced for good, per contact: no more automatic email goes to them.
    undeliverable: HashMap<i64, HashSet<String>>,
}

/// The last outreach is an outbound touch other than a meeting or a visit (a
/// thank-you right after a meeting is the point, not pestering).
async fn contact_facts(tx: &mut Transaction<'_, Any>, contact_ids: &str, now: Timestamp) -> Result<ContactFacts> {
    let statement = format!(
        "SELECT contact_id, MAX(at) AS at FROM touches WHERE contact_id IN ({contact_ids}) AND direction = 'out' \
         AND channel NOT IN ('meeting', 'visit') GROUP BY contact_id"
    );
    let mut last_outreach = HashMap::new();
    for row in one_off(statement).fetch_all(&mut **tx).await? {
        last_outreach.insert(row.try_get("contact_id")?, instant(&row, "at")?);
    }
    // A plan email the server took counts from then, before its touch is recorded.
    let statement = format!(
        "SELECT contact_id, MAX(sent_at) AS at FROM outbox WHERE contact_id IN ({contact_ids}) AND state = 'sent' \
         GROUP BY contact_id"
    );
    for row in one_off(statement).fetch_all(&mut **tx).await? {
        let (contact_id, at): (i64, Timestamp) = (row.try_get("contact_id")?, instant(&row, "at")?);
        let last = last_outreach.entry(contact_id).or_insert(at);
        *last = (*last).max(at);
    }
    let statement = format!(
        "SELECT contact_id, enrollment_id, step FROM outbox WHERE contact_id IN ({contact_ids}) AND state = 'sending' \
         AND enrollment_id IS NOT NULL"
    );
    let mut in_flight: HashMap<i64, Vec<(EnrollmentId, u32)>> = HashMap::new();
    for row in one_off(statement).fetch_all(&mut **tx).await? {
        let step: i64 = row.try_get("step")?;
        in_flight
            .entry(row.try_get("contact_id")?)
            .or_default()
            .push((EnrollmentId::new(row.try_get("enrollment_id")?), u32::try_from(step).unwrap_or(0)));
    }
    let statement = format!(
        "SELECT contact_id, email FROM contact_emails WHERE contact_id IN ({contact_ids}) AND undeliverable_at IS NOT NULL"
    );
    let mut undeliverable: HashMap<i64, HashSet<String>> = HashMap::new();
    for row in one_off(statement).fetch_all(&mut **tx).await? {
        undeliverable.entry(row.try_get("contact_id")?).or_default().insert(row.try_get("email")?);
    }
    let render = render_facts(tx, contact_ids, now).await?;
    Ok(ContactFacts { last_outreach, in_flight, render, undeliverable })
}

/// The outbox rows of a batch's enrollments, with their states.
async fn outbox_rows(tx: &mut Transaction<'_, Any>, enrollment_ids: &str) -> Result<Vec<(OutboundEmail, OutboxState)>> {
    let statement = format!("{EMAIL_SELECT} WHERE o.enrollment_id IN ({enrollment_ids})");
    let rows = one_off(statement).fetch_all(&mut **tx).await?;
    rows.iter().map(|row| Ok((email_from_row(row)?, OutboxState::from_row(row, "state")?))).collect()
}

impl Store {
    /// Claim the step each plan-step job stands for, all in one transaction;
    /// the answers come in the order of `jobs`. A do-not-contact committed
    /// before this transaction always wins: the contact is locked and re-read
    /// inside it.
    pub async fn claim_plan_steps(&self, jobs: &[Job], now: Timestamp) -> Result<Vec<StepRun>> {
        crate::error::during("claiming plan steps", async {
            let mut targets = Vec::with_capacity(jobs.len());
            for job in jobs {
                let id: EnrollmentId =
                    job.payload.parse().map_err(|_| Error::Corrupt(format!("job {}: payload", job.id)))?;
                targets.push((job.account_id, id));
            }
            let mut tx = self.begin_write().await?;
            let batch = Batch::load(self, &mut tx, &targets).await?;
            let enrollment_ids = id_list(targets.iter().map(|(_, id)| id.get()));
            let contact_ids = id_list(batch.contacts.keys().map(|id| id.get()));
            let facts = contact_facts(&mut tx, &contact_ids, now).await?;
            let mut outbox: HashMap<(EnrollmentId, u32), (OutboundEmail, OutboxState)> = HashMap::new();
            // The last email sent in each enrollment: the one the next email answers.
            let mut threads: HashMap<EnrollmentId, (u32, String, Vec<String>)> = HashMap::new();
            for (email, state) in outbox_rows(&mut tx, &enrollment_ids).await? {
                let (Some(enrollment_id), Some(step)) = (email.enrollment_id, email.step) else { continue };
                let later = threads.get(&enrollment_id).is_none_or(|(latest, ..)| *latest < step);
                if state == OutboxState::Sent && later {
                    threads.insert(enrollment_id, (step, email.message_id.clone(), email.references.clone()));
                }
                outbox.insert((enrollment_id, step), (email, state));
            }
            let mut sending_to: HashSet<i64> = HashSet::new();
            let mut templates = HashMap::new();
            let mut runs = Vec::with_capacity(jobs.len());
            let (mut fresh, mut retried) = (Vec::new(), Vec::new());
            for (job, (_, enrollment_id)) in jobs.iter().zip(targets) {
                let known = |enrollment: &&Enrollment| {
                    batch.contacts.contains_key(&enrollment.contact_id)
                        && batch.plans.contains_key(&enrollment.plan_id)
                        && batch.accounts.contains_key(&job.account_id)
                };
                let run = match batch.enrollments.get(&enrollment_id).filter(known) {
                    None => Some(closed(&mut tx, job, now, "the enrollment was deleted").await?),
                    Some(enrollment) => {
                        let decision = Decision { batch: &batch, facts: &facts, job, enrollment, now };
                        match decision.decide(&mut tx, &outbox, &threads, &mut sending_to, &mut templates).await? {
                            Claimed::Run(run) => Some(run),
                            Claimed::Send { email, fresh: true } => {
                                fresh.push((runs.len(), *email));
                                None
                            }
                            Claimed::Send { email, fresh: false } => {
                                retried.push(email.outbox_id);
                                Some(StepRun::Send(Box::new(OutboundEmail { attempts: email.attempts + 1, ..*email })))
                            }
                        }
                    }
                };
                runs.push(run);
            }
            for (place, email) in insert_emails(self.backend, &mut tx, fresh, now).await? {
                runs[place] = Some(StepRun::Send(Box::new(email)));
            }
            if !retried.is_empty() {
                let statement = format!(
                    "UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id IN ({})",
                    id_list(retried.into_iter())
                );
                one_off(statement).execute(&mut *tx).await?;
            }
            let runs = runs.into_iter().map(|run| run.ok_or_else(|| Error::Corrupt("an unclaimed step".into())));
            let runs = runs.collect::<Result<Vec<_>>>()?;
            tx.commit().await?;
            Ok(runs)
        })
        .await
    }
}

/// What one job of a batch comes to before its outbox row is written.
enum Claimed {
    Run(StepRun),
    /// Send this email; `fresh` when its outbox row is still to be inserted.
    Send {
        email: Box<OutboundEmail>,
        fresh: bool,
    },
}

struct Decision<'a> {
    batch: &'a Batch,
    facts: &'a ContactFacts,
    job: &'a Job,
    enrollment: &'a Enrollment,
    now: Timestamp,
}

/// Each step's template, compiled once per batch (or why it does not compile).
type Templates<'a> = HashMap<(PlanId, u32), std::result::Result<Compiled<'a>, tickler_core::Error>>;

impl<'a> Decision<'a> {
    /// Decide one job's step: closed, held, or an email to send (already in
    /// the outbox, or `fresh` to insert).
    async fn decide(
        &self,
        tx: &mut Transaction<'static, Any>,
        outbox: &HashMap<(EnrollmentId, u32), (OutboundEmail, OutboxState)>,
        threads: &HashMap<EnrollmentId, (u32, String, Vec<String>)>,
        sending_to: &mut HashSet<i64>,
        templates: &mut Templates<'a>,
    ) -> Result<Claimed> {
        if let Some(stopped) = self.stop_when_not_live(tx).await? {
            return Ok(stopped);
        }
        let (enrollment, now) = (self.enrollment, self.now);
        let (contact, plan, rules) = self.records();
        let zone = self.batch.zone(self.job.account_id, contact);
        let (subject, body, to) = match self.email_step(tx, &zone).await? {
            Ok(email) => email,
            Err(closed) => return Ok(closed),
        };
        let existing = outbox.get(&(enrollment.id, enrollment.next_step));
        if let Some((email, state)) = existing
            && *state == OutboxState::Sent
        {
            // The server took it; the worker that sent it stopped before recording that.
            return Ok(Claimed::Run(StepRun::Sent(Box::new(email.clone()))));
        }
        if let Some(hold) = self.hold(&zone, sending_to) {
            postpone_job(tx, self.job, hold.until, &hold.reason, false).await?;
            set_waiting(tx, enrollment.id, Some(&hold.reason), Some(hold.until), now).await?;
            return Ok(Claimed::Run(StepRun::Held(hold)));
        }
        if let Some((email, _)) = existing {
            sending_to.insert(contact.id.get());
            return Ok(Claimed::Send { email: Box::new(email.clone()), fresh: false });
        }
        let compiled =
            templates.entry((plan.id, enrollment.next_step)).or_insert_with(|| template::compile(subject, body));
        let compiled = match compiled {
            Ok(compiled) => &*compiled,
            Err(error) => {
                let error = error.clone();
                return self.pause_unrenderable(tx, &error).await;
            }
        };
        // `{{ library.next }}`: the item is picked and recorded as sent here, in the claiming
        // transaction, under the contact's lock; with nothing left the step waits.
        let library_next = if compiled.uses_library() {
            match claim_next_library_item(tx, self.job.account_id, contact, library_via::PLAN, now).await? {
                Some(item) => Some(item),
                None => return self.wait_for_library(tx).await,
            }
        } else {
            None
        };
        sending_to.insert(contact.id.get());
        let mut fields = fields(contact, Some(plan), &zone, &rules.settings, &self.facts.render, now);
        fields.library_next = library_next;
        let rendered = match compiled.render(&fields) {
            Ok(rendered) => rendered,
            Err(error) => return self.pause_unrenderable(tx, &error).await,
        };
        let mut email = new_email(self.job, contact, enrollment, to, &rules.settings, rendered, threads);
        email.user_id = self.batch.senders.get(&enrollment.id).copied();
        Ok(Claimed::Send { email: Box::new(email), fresh: true })
    }

    /// The contact, plan and account rules of the enrollment (the batch holds them: see `known`).
    fn records(&self) -> (&'a Contact, &'a Plan, &'a AccountRules) {
        let batch = self.batch;
        (
            &batch.contacts[&self.enrollment.contact_id],
            &batch.plans[&self.enrollment.plan_id],
            &batch.accounts[&self.job.account_id],
        )
    }

    /// Close the job of an enrollment that is no longer active, or stop one
    /// whose contact's consent no longer allows it.
    async fn stop_when_not_live(&self, tx: &mut Transaction<'static, Any>) -> Result<Option<Claimed>> {
        let (job, enrollment, now) = (self.job, self.enrollment, self.now);
        let (contact, plan, _) = self.records();
        if enrollment.state != EnrollmentState::Active {
            let reason = format!("the enrollment is {}", enrollment.state.as_str());
            return Ok(Some(Claimed::Run(closed(tx, job, now, &reason).await?)));
        }
        let stop = match contact.consent.state {
            ConsentState::DoNotContact => Some(STOPPED_DO_NOT_CONTACT),
            ConsentState::NotNow if !plan.nurture => Some(STOPPED_NOT_NOW),
            _ => None,
        };
        let Some(reason) = stop else { return Ok(None) };
        stop_in(tx, job.account_id, enrollment.id, reason, now).await?;
        Ok(Some(Claimed::Run(closed(tx, job, now, reason).await?)))
    }

    /// The email step to send now (subject, body, address), or what the step came to instead:
    /// the plan ended, a task went on the agenda, or the contact has no address (a task to email by hand).
    async fn email_step(
        &self,
        tx: &mut Transaction<'static, Any>,
        zone: &TimeZone,
    ) -> Result<std::result::Result<(&'a str, &'a str, &'a str), Claimed>> {
        let (job, enrollment, now) = (self.job, self.enrollment, self.now);
        let (contact, plan, rules) = self.records();
        let account_id = job.account_id;
        let Some(step) = plan.steps.get(enrollment.next_step as usize) else {
            advance(tx, account_id, enrollment, plan, contact, zone, &rules.work_week, now).await?;
            return Ok(Err(Claimed::Run(closed(tx, job, now, "the plan has no more steps").await?)));
        };
        let (subject, body) = match &step.action {
            StepAction::Task { text } => {
                add_task(tx, account_id, contact, plan, step, text, zone, now).await?;
                advance(tx, account_id, enrollment, plan, contact, zone, &rules.work_week, now).await?;
                return Ok(Err(Claimed::Run(closed(tx, job, now, "the task is on the agenda").await?)));
            }
            StepAction::Email { subject, body } => (subject, body),
        };
        let bounced = self.facts.undeliverable.get(&contact.id.get());
        let deliverable = |email: &&tickler_core::contact::EmailAddress| {
            !bounced.is_some_and(|bounced| bounced.contains(email.as_str()))
        };
        let Some(to) = contact.details.emails.iter().find(deliverable) else {
            let (text, reason) = if contact.details.emails.is_empty() {
                (
                    format!("email \"{subject}\" by hand: {} has no email address", contact.name()),
                    "no email address; a task was put on the agenda",
                )
            } else {
                (
                    format!("reach {} another way about \"{subject}\": their email address bounced", contact.name()),
                    "every email address bounced; a task was put on the agenda",
                )
            };
            add_task(tx, account_id, contact, plan, step, &text, zone, now).await?;
            advance(tx, account_id, enrollment, plan, contact, zone, &rules.work_week, now).await?;
            return Ok(Err(Claimed::Run(closed(tx, job, now, reason).await?)));
        };
        Ok(Ok((subject.as_str(), body.as_str(), to.as_str())))
    }

    /// Whether the email must wait (business hours, the pacing gap). An email
    /// to the same contact earlier in this batch, or in flight from another
    /// batch or worker, counts as outreach now.
    fn hold(&self, zone: &TimeZone, sending_to: &HashSet<i64>) -> Option<send_window::Hold> {
        let (enrollment, now) = (self.enrollment, self.now);
        let (contact, _, rules) = self.records();
        let gap = contact.details.pacing_gap_days.unwrap_or(rules.gap_days);
        let elsewhere =
            self.facts.in_flight.get(&contact.id.get()).is_some_and(|emails| {
                emails.iter().any(|&(id, step)| (id, step) != (enrollment.id, enrollment.next_step))
            });
        let last = if sending_to.contains(&contact.id.get()) || elsewhere {
            Some(now)
        } else {
            self.facts.last_outreach.get(&contact.id.get()).copied()
        };
        send_window::hold(now, zone, &rules.work_week, gap, last)
    }

    /// Hold a step whose email uses `{{ library.next }}` when the library has nothing new for
    /// the contact: the enrollment's waiting reason says what to add, and the step tries again later.
    async fn wait_for_library(&self, tx: &mut Transaction<'static, Any>) -> Result<Claimed> {
        let (contact, _, _) = self.records();
        let reason = library::nothing_new(contact.details.name.first_name(), &contact.details.tags);
        let hold = send_window::Hold { until: self.now + LIBRARY_RETRY, reason };
        postpone_job(tx, self.job, hold.until, &hold.reason, false).await?;
        set_waiting(tx, self.enrollment.id, Some(&hold.reason), Some(hold.until), self.now).await?;
        Ok(Claimed::Run(StepRun::Held(hold)))
    }

    /// Pause the enrollment whose step's template does not render, and close its job failed.
    async fn pause_unrenderable(
        &self,
        tx: &mut Transaction<'static, Any>,
        error: &tickler_core::Error,
    ) -> Result<Claimed> {
        let (enrollment, now) = (self.enrollment, self.now);
        let reason = format!("the template of step {} cannot be rendered: {error}", enrollment.next_step + 1);
        pause_in(tx, enrollment.id, &reason, now).await?;
        close_job(tx, self.job, Some(&reason), now).await?;
        Ok(Claimed::Run(StepRun::Closed(reason)))
    }
}

/// The email of an enrollment's next step, threaded under the last one sent.
fn new_email(
    job: &Job,
    contact: &Contact,
    enrollment: &Enrollment,
    to: &str,
    settings: &MailSettings,
    rendered: Rendered,
    threads: &HashMap<EnrollmentId, (u32, String, Vec<String>)>,
) -> OutboundEmail {
    let (in_reply_to, references) = match threads.get(&enrollment.id).filter(|(step, ..)| *step < enrollment.next_step)
    {
        Some((_, parent, earlier)) => {
            let mut references = earlier.clone();
            references.push(parent.clone());
            (Some(parent.clone()), references)
        }
        None => (None, Vec::new()),
    };
    let domain = settings.from_address.rsplit_once('@').map_or("tickler.localhost", |(_, domain)| domain);
    let message_id = format!(
        "<plan.{}.{}.{}.{}@{domain}>",
        job.account_id,
        enrollment.id,
        enrollment.next_step + 1,
        enrollment.started_at.as_second()
    );
    OutboundEmail {
        outbox_id: 0,
        account_id: job.account_id,
        contact_id: Some(contact.id),
        enrollment_id: Some(enrollment.id),
        step: Some(enrollment.next_step),
        user_id: None,
        message_id,
        in_reply_to,
        references,
        to: to.to_string(),
        from_name: settings.from_name.clone(),
        from_address: settings.from_address.clone(),
        subject: rendered.subject,
        body: rendered.body,
        attempts: 0,
        campaign_id: None,
        html_body: None,
        list_unsubscribe: None,
    }
}

/// Rows per multi-row INSERT of new emails (15 values each).
const INSERT_CHUNK: usize = 64;

/// Insert new emails' outbox rows, being sent (first try), many per
/// statement; each comes back with its id, beside its place in the batch.
async fn insert_emails(
    backend: Backend,
    tx: &mut Transaction<'_, Any>,
    emails: Vec<(usize, OutboundEmail)>,
    now: Timestamp,
) -> Result<Vec<(usize, OutboundEmail)>> {
    let mut inserted = Vec::with_capacity(emails.len());
    for chunk in emails.chunks(INSERT_CHUNK) {
        let statement = format!(
            "{} RETURNING id, dedupe_key",
            multi_row_insert(
                backend,
                "outbox",
                "account_id, contact_id, enrollment_id, step, dedupe_key, message_id, in_reply_to, refs, to_address, \
                 subject, body, state, attempts, created_at, user_id",
                15,
                chunk.len()
            )
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(statement));
        let mut places = HashMap::new();
        for (place, email) in chunk {
            let (Some(enrollment_id), Some(step)) = (email.enrollment_id, email.step) else {
                return Err(Error::Corrupt("a plan email without its enrollment".into()));
            };
            let key = step_key(enrollment_id, step);
            places.insert(key.clone(), (*place, email));
            query = query
                .bind(email.account_id.get())
                .bind(email.contact_id.map(ContactId::get))
                .bind(enrollment_id.get())
                .bind(i64::from(step))
                .bind(key)
                .bind(email.message_id.as_str())
                .bind(email.in_reply_to.as_deref())
                .bind(email.references.join(" "))
                .bind(email.to.as_str())
                .bind(email.subject.as_str())
                .bind(email.body.as_str())
                .bind(OutboxState::Sending.as_str())
                .bind(1_i64)
                .bind(seconds(now))
                .bind(email.user_id.map(UserId::get));
        }
        for row in query.fetch_all(&mut **tx).await? {
            let key: String = row.try_get("dedupe_key")?;
            let Some((place, email)) = places.remove(&key) else {
                return Err(Error::Corrupt(format!("outbox row {key} came back unasked")));
            };
            inserted.push((place, OutboundEmail { outbox_id: row.try_get("id")?, attempts: 1, ..email.clone() }));
        }
    }
    Ok(inserted)
}

async fn closed(tx: &mut Transaction<'_, Any>, job: &Job, now: Timestamp, what: &str) -> Result<StepRun> {
    close_job(tx, job, None, now).await?;
    Ok(StepRun::Closed(what.to_string()))
}

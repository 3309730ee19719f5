//! The scheduler: claims due jobs in batches under a lease and runs them
//! (plan steps, daily digests, promise-at-risk alerts: [`tickler_store::job_kind`]).
//! A batch of plan steps is claimed in one transaction, its emails are sent
//! only after that commits, each marked delivered as the server takes it, and
//! the batch is recorded in one more transaction. Between passes it checks
//! the reply mailbox ([`check_replies`]). Each email goes out through its
//! user's own mail server when they set one, else the relay ([`senders`]). It
//! reads time from a [`Clock`] so tests and `--now` control it.

mod campaigns;
mod clock;
pub mod events;
mod heartbeat;
mod notices;
mod replies;
mod senders;
mod stop;

use std::sync::Arc;
use std::time::Duration;

use jiff::SignedDuration;
use tickler_mail::{Email, ImapConfig, Mailer};
use tickler_store::{Delivery, Job, MAX_CLAIMS, OutboundEmail, StepRun, Store, job_kind};
use tokio::task::JoinSet;

use crate::App;

pub use clock::Clock;
pub use heartbeat::{Heartbeat, Pulse};
pub use replies::{ReplyError, ReplyPoller, ReplyReport, check_replies};
use senders::Senders;
pub use stop::Stop;

/// How many idle waits may pass without a beat before the worker counts as stuck (a long send pass takes a few).
pub const HEARTBEAT_PASSES: u32 = 4;

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Who holds the leases this worker takes (host and process id by default).
    pub owner: String,
    /// Jobs claimed per batch.
    pub batch: u32,
    /// How long a claim lasts before another worker may take the job over.
    pub lease: SignedDuration,
    /// Emails handed to the mailer at once in each lane (its `connections` caps the SMTP sessions).
    pub concurrency: usize,
    /// Passes run at once on PostgreSQL, so one claims and records while
    /// another's emails are on the wire (SQLite always runs one).
    pub lanes: usize,
    /// Longest sleep between passes when nothing is due.
    pub idle: Duration,
    pub clock: Clock,
    /// The mailbox checked for replies every `poll_seconds`; `None`: no reply detection.
    pub imap: Option<ImapConfig>,
    /// Watch each user's own mailbox (INBOX and Sent); `None`: users' mailboxes are not read.
    pub watch: Option<crate::mailbox::watch::WatchSettings>,
    /// Beaten on every pass, for the process's `/ready`.
    pub heartbeat: Heartbeat,
    /// Once requested, no lane claims another batch.
    pub stop: Stop,
    /// How long the sends in flight may take to finish once the worker is told to stop.
    pub drain_timeout: Duration,
}

impl WorkerConfig {
    /// Defaults: batches of 64, 5-minute leases, 8 at once in each of 3 lanes, a pass at least every 30 s.
    pub fn new(clock: Clock) -> WorkerConfig {
        WorkerConfig {
            owner: format!("worker-{}", std::process::id()),
            batch: 64,
            lease: SignedDuration::from_mins(5),
            concurrency: 8,
            lanes: 3,
            idle: Duration::from_secs(30),
            clock,
            imap: None,
            watch: Some(crate::mailbox::watch::WatchSettings::default()),
            heartbeat: Heartbeat::new(Duration::from_secs(30) * HEARTBEAT_PASSES),
            stop: Stop::default(),
            drain_timeout: Duration::from_secs(30),
        }
    }
}

/// What one or more passes did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassReport {
    pub claimed: u64,
    pub sent: u64,
    pub held: u64,
    pub closed: u64,
    pub failed: u64,
}

impl PassReport {
    fn add(&mut self, other: &PassReport) {
        self.claimed += other.claimed;
        self.sent += other.sent;
        self.held += other.held;
        self.closed += other.closed;
        self.failed += other.failed;
    }
}

/// A scheduler error: the database failed (the job's lease will expire and it runs again).
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct SchedulerError(#[from] pub tickler_store::Error);

/// Claim one batch of due jobs and run it: the plan steps together (one
/// claiming transaction, the emails sent `concurrency` at a time, each marked
/// delivered the moment the server takes it, one recording transaction), then
/// the notices one by one. `mailer` is the relay; users with their own SMTP server send through it.
pub async fn run_once(app: &App, mailer: &Mailer, config: &WorkerConfig) -> Result<PassReport, SchedulerError> {
    let store = app.store();
    pass(store, &Senders::new(app, mailer), config, &Writer::for_store(store)).await
}

/// SQLite has one writer: the passes of one process queue their transactions
/// here rather than in SQLite's busy handler, which sleeps.
#[derive(Clone, Default)]
struct Writer(Option<Arc<tokio::sync::Mutex<()>>>);

impl Writer {
    fn for_store(store: &Store) -> Writer {
        Writer((store.backend() == tickler_store::Backend::Sqlite).then(Default::default))
    }

    /// Wait for this process's turn to write (SQLite only).
    async fn turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match &self.0 {
            Some(writer) => Some(writer.lock().await),
            None => None,
        }
    }
}

async fn pass(
    store: &Store,
    senders: &Senders,
    config: &WorkerConfig,
    writer: &Writer,
) -> Result<PassReport, SchedulerError> {
    let now = config.clock.now();
    store.schedule_recurring(now).await?;
    let jobs = store.claim_jobs(&config.owner, now, config.lease, config.batch).await?;
    jobs.iter().for_each(events::claimed);
    let mut report = PassReport { claimed: jobs.len() as u64, ..PassReport::default() };
    let (steps, others): (Vec<Job>, Vec<Job>) =
        jobs.into_iter().partition(|job| job.kind == job_kind::PLAN_STEP && job.attempts <= MAX_CLAIMS);
    if !steps.is_empty() {
        report.add(&run_steps(store, senders, config, writer, &steps).await?);
    }
    let mut first_error = None;
    for job in &others {
        match run_job(store, senders, &config.clock, job).await {
            Ok(outcome) => report.add(&outcome),
            Err(error) => {
                tracing::error!(target: events::TARGET, job_id = job.id, kind = %job.kind, error = %error, "job failed");
                first_error.get_or_insert(error);
            }
        }
    }
    match first_error {
        Some(error) if report.sent + report.held + report.closed + report.failed == 0 => Err(error),
        _ => Ok(report),
    }
}

/// Claim, send and record a batch of plan steps.
async fn run_steps(
    store: &Store,
    senders: &Senders,
    config: &WorkerConfig,
    writer: &Writer,
    jobs: &[Job],
) -> Result<PassReport, SchedulerError> {
    let runs = {
        let _turn = writer.turn().await;
        persist(config, "claiming plan steps", || store.claim_plan_steps(jobs, config.clock.now())).await?
    };
    let mut report = PassReport::default();
    let marker = Marker::start(store.clone(), config.clock.clone(), writer.clone());
    let limit = Arc::new(tokio::sync::Semaphore::new(config.concurrency.max(1)));
    let mut sending = JoinSet::new();
    let mut deliveries = Vec::new();
    for (job, run) in jobs.iter().zip(runs) {
        match run {
            StepRun::Closed(_) => report.closed += 1,
            StepRun::Held(_) => report.held += 1,
            StepRun::Sent(email) => {
                report.sent += 1;
                deliveries.push(Delivery { job: job.clone(), email: *email, result: Ok(()) });
            }
            StepRun::Send(email) => {
                let (senders, limit, marker, clock, job) =
                    (senders.clone(), limit.clone(), marker.sender.clone(), config.clock.clone(), job.clone());
                sending.spawn(async move {
                    let _permit = limit.acquire_owned().await;
                    let result = senders.send(&email, &clock).await;
                    match &result {
                        Ok(reply) => events::sent(&job, &email, reply),
                        Err(failure) => events::failed(&job, &email, failure),
                    }
                    let result = result.map(|reply| {
                        let _ = marker.send((email.outbox_id, reply));
                    });
                    Delivery { job, email: *email, result }
                });
            }
        }
    }
    while let Some(done) = sending.join_next().await {
        match done {
            Ok(delivery) => {
                if delivery.result.is_ok() {
                    report.sent += 1;
                } else {
                    report.failed += 1;
                }
                deliveries.push(delivery);
            }
            // The job's lease runs out and it is claimed again.
            Err(panic) => tracing::error!(target: events::TARGET, "a send panicked: {panic}"),
        }
    }
    marker.finish().await;
    let _turn = writer.turn().await;
    // The emails are out: what became of them must reach the database, or their jobs wait out the lease.
    persist(config, "recording sent emails", || store.record_sends(&deliveries, config.clock.now())).await?;
    Ok(report)
}

/// Run `work` again while the database is out of reach (restarting, a network
/// fault), as long as this worker's claim lasts: a batch claimed or sent
/// before the database went away is finished when it comes back, not left to
/// wait out its lease and be sent again.
async fn persist<T, Work, Done>(config: &WorkerConfig, what: &str, mut work: Work) -> Result<T, tickler_store::Error>
where
    Work: FnMut() -> Done,
    Done: std::future::Future<Output = Result<T, tickler_store::Error>>,
{
    let patience = Duration::try_from(config.lease).unwrap_or(Duration::from_secs(60));
    let started = std::time::Instant::now();
    let mut wait = Duration::from_millis(50);
    loop {
        match work().await {
            Err(error) if error.is_connection() && started.elapsed() + wait < patience => {
                tracing::warn!(target: events::TARGET, "{what}: {error}; trying again in {} ms", wait.as_millis());
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(RETRY_WAIT);
            }
            other => return other,
        }
    }
}

/// The longest wait before trying the database again after it failed.
const RETRY_WAIT: Duration = Duration::from_secs(1);

/// Marks emails delivered as the server takes them, a group per transaction:
/// whatever arrived while the last group was being written.
struct Marker {
    sender: tokio::sync::mpsc::UnboundedSender<(i64, String)>,
    task: tokio::task::JoinHandle<()>,
}

impl Marker {
    fn start(store: Store, clock: Clock, writer: Writer) -> Marker {
        let (sender, mut accepted) = tokio::sync::mpsc::unbounded_channel();
        let task = tokio::spawn(async move {
            while let Some(first) = accepted.recv().await {
                let mut group = vec![first];
                while let Ok(next) = accepted.try_recv() {
                    group.push(next);
                }
                // On failure the batch's record marks them; only a crash in between resends.
                let _turn = writer.turn().await;
                if let Err(error) = store.mark_delivered(&group, clock.now()).await {
                    tracing::error!(target: events::TARGET, emails = group.len(), "marking emails delivered: {error}");
                }
            }
        });
        Marker { sender, task }
    }

    /// Wait until everything sent so far is marked.
    async fn finish(self) {
        drop(self.sender);
        let _ = self.task.await;
    }
}

/// Run passes until nothing is due (for `tickler worker --once` and tests).
/// On PostgreSQL `config.lanes` lanes of passes overlap, so one claims and
/// records while another's emails are on the wire (a step for a contact with
/// an email in flight in another lane waits out the pacing gap like any
/// other). SQLite has one writer: a second lane's transactions would hold back
/// the marks of emails the server took, widening the window in which a crash
/// sends one twice.
pub async fn drain(app: &App, mailer: &Mailer, config: &WorkerConfig) -> Result<PassReport, SchedulerError> {
    drain_with(app, &Senders::new(app, mailer), config).await
}

/// [`drain`] with the worker's mailers, kept from one drain to the next.
async fn drain_with(app: &App, senders: &Senders, config: &WorkerConfig) -> Result<PassReport, SchedulerError> {
    senders.next_round();
    let store = app.store();
    let writer = Writer::for_store(store);
    let lanes = if writer.0.is_some() { 1 } else { config.lanes.max(1) };
    let mut running = JoinSet::new();
    for _ in 0..lanes {
        let (store, senders, config, writer) = (store.clone(), senders.clone(), config.clone(), writer.clone());
        running.spawn(async move {
            let mut total = PassReport::default();
            loop {
                if config.stop.requested() {
                    return Ok(total);
                }
                let pass = pass(&store, &senders, &config, &writer).await?;
                config.heartbeat.beat();
                total.add(&pass);
                if pass.claimed == 0 || pass.claimed == pass.held {
                    return Ok::<_, SchedulerError>(total);
                }
            }
        });
    }
    let mut total = PassReport::default();
    let mut first_error = None;
    while let Some(lane) = running.join_next().await {
        match lane {
            Ok(Ok(report)) => total.add(&report),
            Ok(Err(error)) => {
                first_error.get_or_insert(error);
            }
            Err(panic) => tracing::error!(target: events::TARGET, "a lane panicked: {panic}"),
        }
    }
    match first_error {
        Some(error) => Err(error),
        None => Ok(total),
    }
}

/// Run until `shutdown` completes: drain what is due, then sleep until the next job (at most `config.idle`).
/// When `shutdown` completes mid-drain, nothing more is claimed and the sends in flight finish and are
/// recorded, for at most `config.drain_timeout` (past it their jobs run again when their leases expire).
/// `mailer` is the relay; each user's own mailer is built once and kept while the worker runs.
pub async fn run_worker(
    app: App,
    mailer: Mailer,
    config: WorkerConfig,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<(), SchedulerError> {
    tokio::pin!(shutdown);
    let store = app.store();
    let mut replies = ReplyPoller::new(config.imap.clone());
    let senders = Senders::new(&app, &mailer);
    // The users' mailboxes are watched beside the loop, each on its own task; dropping `_watching` stops them.
    let (_watching, stopped) = tokio::sync::oneshot::channel::<()>();
    if let Some(settings) = config.watch.clone() {
        let (app, clock) = (app.clone(), config.clock.clone());
        tokio::spawn(crate::mailbox::watch::run(app, clock, settings, async move {
            let _ = stopped.await;
        }));
    }
    loop {
        config.heartbeat.beat();
        replies.poll_if_due(&app, &config.clock).await;
        let drained = drain_with(&app, &senders, &config);
        tokio::pin!(drained);
        let drained = tokio::select! {
            drained = &mut drained => drained,
            () = &mut shutdown => {
                config.stop.request();
                let limit = config.drain_timeout;
                tracing::info!(target: events::TARGET, "stopping: finishing the sends in flight (at most {} s)", limit.as_secs());
                match tokio::time::timeout(limit, drained).await {
                    Ok(Ok(report)) => tracing::info!(target: events::TARGET, sent = report.sent, failed = report.failed, "stopped"),
                    Ok(Err(error)) => tracing::error!(target: events::TARGET, "stopped: {error}"),
                    Err(_) => tracing::warn!(
                        target: events::TARGET,
                        "stopped with sends still in flight after {} s; their jobs run again when their leases expire",
                        limit.as_secs()
                    ),
                }
                return Ok(());
            }
        };
        if let Err(error) = &drained {
            tracing::error!(target: events::TARGET, "{error}; trying again shortly");
        }
        config.heartbeat.beat();
        let now = config.clock.now();
        let wait = match store.next_job_at().await {
            // The database failed (a restart, say): try again soon rather than after a whole idle wait.
            _ if drained.is_err() => RETRY_WAIT,
            Err(_) => RETRY_WAIT,
            Ok(Some(at)) if at > now => {
                Duration::from_secs(u64::try_from(now.duration_until(at).as_secs()).unwrap_or(0).max(1))
                    .min(config.idle)
            }
            Ok(Some(_)) => Duration::from_secs(1),
            Ok(None) => config.idle,
        };
        let wait = replies.wait().map_or(wait, |until| wait.min(until.max(Duration::from_secs(1))));
        tokio::select! {
            () = &mut shutdown => return Ok(()),
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// Hand one email of `job` to its mail server: logged as sent or failed, marked delivered at once
/// when the server took it (so a crash before the batch is recorded never sends it again), counted.
pub(crate) async fn send_one(
    store: &Store,
    senders: &Senders,
    clock: &Clock,
    job: &Job,
    email: &OutboundEmail,
    report: &mut PassReport,
) -> Result<Result<(), tickler_store::SendFailure>, SchedulerError> {
    match senders.send(email, clock).await {
        Ok(reply) => {
            events::sent(job, email, &reply);
            store.mark_delivered(&[(email.outbox_id, reply)], clock.now()).await?;
            report.sent += 1;
            Ok(Ok(()))
        }
        Err(failure) => {
            events::failed(job, email, &failure);
            report.failed += 1;
            Ok(Err(failure))
        }
    }
}

/// Run one job other than a plan step: a digest, a promise alert, or one parked after too many claims.
async fn run_job(store: &Store, senders: &Senders, clock: &Clock, job: &Job) -> Result<PassReport, SchedulerError> {
    let mut report = PassReport::default();
    if job.attempts > MAX_CLAIMS {
        // The job took its worker down every time it was claimed: park it rather than loop.
        let reason = format!("claimed {} times without finishing; parked", job.attempts);
        store.finish_job(job, Some(&reason), clock.now()).await?;
        report.failed += 1;
        return Ok(report);
    }
    if job.kind == job_kind::CAMPAIGN {
        return campaigns::run(store, senders, clock, job).await;
    }
    let now = clock.now();
    let notice = match job.kind {
        job_kind::DIGEST => notices::digest(store, job, now).await?,
        job_kind::PROMISE_ALERT => notices::promise_alert(store, job, now).await?,
        job_kind::REMINDER => notices::reminder(job),
        job_kind::REVIEW => notices::review(store, job, now).await?,
        other => {
            store.finish_job(job, Some(&format!("unknown job kind \"{other}\"")), now).await?;
            report.failed += 1;
            return Ok(report);
        }
    };
    let Some((to, rendered)) = notice else {
        store.finish_job(job, None, now).await?;
        report.closed += 1;
        return Ok(report);
    };
    // A reminder's payload is its whole email: its job id keys it.
    let key = match job.kind {
        job_kind::REMINDER => format!("{}:{}:{}", job.kind, job.account_id, job.id),
        _ => format!("{}:{}:{}", job.kind, job.account_id, job.payload),
    };
    let extra = match job.kind {
        job_kind::REMINDER => notices::reminder_extra(job),
        _ => tickler_store::NoticeExtra::default(),
    };
    let Some(email) = store.queue_notice(job, &key, &to, &rendered, &extra, now).await? else {
        report.closed += 1;
        return Ok(report);
    };
    let result = send_one(store, senders, clock, job, &email, &mut report).await?;
    store.record_sends(&[Delivery { job: job.clone(), email, result }], clock.now()).await?;
    Ok(report)
}

/// The mail crate's view of an outbox row.
pub fn to_email(email: &OutboundEmail, date: jiff::Timestamp) -> Email {
    Email {
        date: std::time::UNIX_EPOCH + Duration::from_secs(u64::try_from(date.as_second()).unwrap_or(0)),
        message_id: email.message_id.clone(),
        from_name: email.from_name.clone(),
        from_address: email.from_address.clone(),
        to: email.to.clone(),
        subject: email.subject.clone(),
        body: email.body.clone(),
        in_reply_to: email.in_reply_to.clone(),
        references: email.references.clone(),
        html_body: email.html_body.clone(),
        list_unsubscribe: email.list_unsubscribe.clone(),
    }
}

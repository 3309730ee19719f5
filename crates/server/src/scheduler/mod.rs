//! The scheduler: claims due jobs in batches under a lease, runs each (plan
//! steps, daily digests, promise-at-risk alerts: [`tickler_store::job_kind`]), and sends email
//! only after the claiming transaction committed. It reads time from a
//! [`Clock`] so tests and `--now` control it.

mod clock;
mod notices;
mod replies;

use std::sync::Arc;
use std::time::Duration;

use jiff::SignedDuration;
use tickler_mail::{Email, ImapConfig, Mailer};
use tickler_store::{Job, MAX_CLAIMS, OutboundEmail, SendFailure, StepRun, Store, job_kind};
use tokio::task::JoinSet;

pub use clock::Clock;
pub use replies::{ReplyError, ReplyPoller, ReplyReport, check_replies};

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Who holds the leases this worker takes (host and process id by default).
    pub owner: String,
    /// Jobs claimed per batch.
    pub batch: u32,
    /// How long a claim lasts before another worker may take the job over.
    pub lease: SignedDuration,
    /// Jobs worked on at once (SMTP connections in flight).
    pub concurrency: usize,
    /// Longest sleep between passes when nothing is due.
    pub idle: Duration,
    pub clock: Clock,
    /// The mailbox checked for replies every `poll_seconds`; `None`: no reply detection.
    pub imap: Option<ImapConfig>,
}

impl WorkerConfig {
    /// Defaults: batches of 64, 5-minute leases, 8 at once, a pass at least every 30 s.
    pub fn new(clock: Clock) -> WorkerConfig {
        WorkerConfig {
            owner: format!("worker-{}", std::process::id()),
            batch: 64,
            lease: SignedDuration::from_mins(5),
            concurrency: 8,
            idle: Duration::from_secs(30),
            clock,
            imap: None,
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
pub struct SchedulerError(#[from] tickler_store::Error);

/// Claim one batch of due jobs and run it.
pub async fn run_once(store: &Store, mailer: &Mailer, config: &WorkerConfig) -> Result<PassReport, SchedulerError> {
    let now = config.clock.now();
    store.schedule_recurring(now).await?;
    let jobs = store.claim_jobs(&config.owner, now, config.lease, config.batch).await?;
    let mut report = PassReport { claimed: jobs.len() as u64, ..PassReport::default() };
    let limit = Arc::new(tokio::sync::Semaphore::new(config.concurrency.max(1)));
    // SQLite has one writer: queueing this process's transactions here, rather than in
    // SQLite's busy handler (which sleeps), keeps the SMTP sessions busy.
    let writer = Arc::new(tokio::sync::Mutex::new(()));
    let serialize = store.backend() == tickler_store::Backend::Sqlite;
    let mut running = JoinSet::new();
    for job in jobs {
        let (store, mailer, clock, limit) = (store.clone(), mailer.clone(), config.clock.clone(), limit.clone());
        let writer = serialize.then(|| writer.clone());
        running.spawn(async move {
            let _permit = limit.acquire_owned().await;
            run_job(&Worker { store: &store, mailer: &mailer, clock: &clock, writer: writer.as_deref() }, &job).await
        });
    }
    let mut first_error = None;
    while let Some(done) = running.join_next().await {
        match done {
            Ok(Ok(outcome)) => report.add(&outcome),
            Ok(Err(error)) => {
                eprintln!("worker: {error}");
                first_error.get_or_insert(error);
            }
            Err(panic) => eprintln!("worker: a job panicked: {panic}"),
        }
    }
    match first_error {
        Some(error) if report.sent + report.held + report.closed + report.failed == 0 => Err(error),
        _ => Ok(report),
    }
}

/// Run passes until nothing is due (for `tickler worker --once` and tests).
pub async fn drain(store: &Store, mailer: &Mailer, config: &WorkerConfig) -> Result<PassReport, SchedulerError> {
    let mut total = PassReport::default();
    loop {
        let pass = run_once(store, mailer, config).await?;
        total.add(&pass);
        if pass.claimed == 0 || pass.claimed == pass.held {
            return Ok(total);
        }
    }
}

/// Run until `shutdown` completes: drain what is due, then sleep until the next job (at most `config.idle`).
pub async fn run_worker(
    store: Store,
    mailer: Mailer,
    config: WorkerConfig,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<(), SchedulerError> {
    tokio::pin!(shutdown);
    let mut replies = ReplyPoller::new(config.imap.clone());
    loop {
        replies.poll_if_due(&store, &config.clock).await;
        if let Err(error) = drain(&store, &mailer, &config).await {
            eprintln!("worker: {error}; trying again shortly");
        }
        let now = config.clock.now();
        let wait = match store.next_job_at().await {
            Ok(Some(at)) if at > now => {
                Duration::from_secs(u64::try_from(now.duration_until(at).as_secs()).unwrap_or(0).max(1))
                    .min(config.idle)
            }
            Ok(Some(_)) => Duration::from_secs(1),
            _ => config.idle,
        };
        let wait = replies.wait().map_or(wait, |until| wait.min(until.max(Duration::from_secs(1))));
        tokio::select! {
            () = &mut shutdown => return Ok(()),
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// What a job runs with: the store, the mailer, the clock, and on SQLite the writer queue.
struct Worker<'a> {
    store: &'a Store,
    mailer: &'a Mailer,
    clock: &'a Clock,
    writer: Option<&'a tokio::sync::Mutex<()>>,
}

impl Worker<'_> {
    /// Wait for this process's turn to write (SQLite only).
    async fn turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.writer {
            Some(writer) => Some(writer.lock().await),
            None => None,
        }
    }
}

async fn run_job(worker: &Worker<'_>, job: &Job) -> Result<PassReport, SchedulerError> {
    let (store, mailer, clock) = (worker.store, worker.mailer, worker.clock);
    let mut report = PassReport::default();
    if job.attempts > MAX_CLAIMS {
        // The job took its worker down every time it was claimed: park it rather than loop.
        let reason = format!("claimed {} times without finishing; parked", job.attempts);
        store.finish_job(job, Some(&reason), clock.now()).await?;
        report.failed += 1;
        return Ok(report);
    }
    match job.kind.as_str() {
        job_kind::PLAN_STEP => match claim_step(worker, job).await? {
            StepRun::Closed(_) => report.closed += 1,
            StepRun::Held(_) => report.held += 1,
            StepRun::Send(email) => {
                let result = mailer
                    .send(&to_email(&email))
                    .await
                    .map_err(|error| SendFailure { permanent: error.is_permanent(), reason: error.to_string() });
                if result.is_ok() {
                    report.sent += 1;
                } else {
                    report.failed += 1;
                }
                let _turn = worker.turn().await;
                store.record_send(job, &email, result, clock.now()).await?;
            }
        },
        job_kind::DIGEST | job_kind::PROMISE_ALERT => {
            let now = clock.now();
            let notice = match job.kind.as_str() {
                job_kind::DIGEST => notices::digest(store, job, now).await?,
                _ => notices::promise_alert(store, job, now).await?,
            };
            let Some((to, rendered)) = notice else {
                store.finish_job(job, None, now).await?;
                report.closed += 1;
                return Ok(report);
            };
            let key = format!("{}:{}:{}", job.kind, job.account_id, job.payload);
            match store.queue_notice(job, &key, &to, &rendered, now).await? {
                None => report.closed += 1,
                Some(email) => {
                    let result = mailer
                        .send(&to_email(&email))
                        .await
                        .map_err(|error| SendFailure { permanent: error.is_permanent(), reason: error.to_string() });
                    if result.is_ok() {
                        report.sent += 1;
                    } else {
                        report.failed += 1;
                    }
                    store.record_send(job, &email, result, clock.now()).await?;
                }
            }
        }
        other => {
            store.finish_job(job, Some(&format!("unknown job kind \"{other}\"")), clock.now()).await?;
            report.failed += 1;
        }
    }
    Ok(report)
}

async fn claim_step(worker: &Worker<'_>, job: &Job) -> Result<StepRun, tickler_store::Error> {
    let _turn = worker.turn().await;
    worker.store.claim_plan_step(job, worker.clock.now()).await
}

/// The mail crate's view of an outbox row.
pub fn to_email(email: &OutboundEmail) -> Email {
    Email {
        message_id: email.message_id.clone(),
        from_name: email.from_name.clone(),
        from_address: email.from_address.clone(),
        to: email.to.clone(),
        subject: email.subject.clone(),
        body: email.body.clone(),
        in_reply_to: email.in_reply_to.clone(),
        references: email.references.clone(),
    }
}

//! What the worker tells the log and the metrics, in one place: a job
//! claimed, an email sent (with the server's reply), a send failed (with the
//! server's reply) and whether it will be retried. Events name the job, its
//! kind and the outbox row, never an address, subject, body or secret.
//! Counters are `tickler_jobs_{claimed,sent,failed,retried}_total{kind}`;
//! without a metrics recorder installed they cost nothing.

use tickler_store::{Job, MAX_SEND_ATTEMPTS, OutboundEmail, SendFailure};

/// The log target of the worker's events, for `RUST_LOG=tickler::worker=…`.
pub const TARGET: &str = "tickler::worker";

/// Counter of jobs claimed, by kind.
pub const CLAIMED: &str = "tickler_jobs_claimed_total";
/// Counter of emails the server took, by job kind.
pub const SENT: &str = "tickler_jobs_sent_total";
/// Counter of sends that failed, by job kind.
pub const FAILED: &str = "tickler_jobs_failed_total";
/// Counter of failed sends that will be tried again, by job kind.
pub const RETRIED: &str = "tickler_jobs_retried_total";

/// Describe the counters to the recorder (their `# HELP` lines).
pub fn describe() {
    metrics::describe_counter!(CLAIMED, "Jobs claimed by the worker, by kind");
    metrics::describe_counter!(SENT, "Emails the mail server took, by job kind");
    metrics::describe_counter!(FAILED, "Sends that failed, by job kind");
    metrics::describe_counter!(RETRIED, "Failed sends that will be tried again, by job kind");
}

/// A job was claimed (`attempt` counts this claim).
pub(crate) fn claimed(job: &Job) {
    metrics::counter!(CLAIMED, "kind" => job.kind.as_str()).increment(1);
    tracing::info!(target: TARGET, job_id = job.id, kind = %job.kind, attempt = job.attempts, "job claimed");
}

/// The server took the email; `reply` is what it answered.
pub(crate) fn sent(job: &Job, email: &OutboundEmail, reply: &str) {
    metrics::counter!(SENT, "kind" => job.kind.as_str()).increment(1);
    tracing::info!(
        target: TARGET,
        job_id = job.id,
        kind = %job.kind,
        outbox_id = email.outbox_id,
        attempt = email.attempts,
        reply = reply.trim(),
        "email sent"
    );
}

/// The send failed; a transient failure under the attempt limit is tried again later (as the store records it).
pub(crate) fn failed(job: &Job, email: &OutboundEmail, failure: &SendFailure) {
    let retried = !failure.permanent && email.attempts < MAX_SEND_ATTEMPTS;
    metrics::counter!(FAILED, "kind" => job.kind.as_str()).increment(1);
    tracing::warn!(
        target: TARGET,
        job_id = job.id,
        kind = %job.kind,
        outbox_id = email.outbox_id,
        attempt = email.attempts,
        permanent = failure.permanent,
        reply = failure.reason.as_str(),
        retried,
        "send failed"
    );
    if retried {
        metrics::counter!(RETRIED, "kind" => job.kind.as_str()).increment(1);
        tracing::info!(
            target: TARGET,
            job_id = job.id,
            kind = %job.kind,
            outbox_id = email.outbox_id,
            next_attempt = email.attempts + 1,
            "send retried later"
        );
    }
}

//! Sending a campaign's next messages: claim them (the store decides who is
//! skipped and renders each message once), hand them to the mail server one
//! by one, each marked delivered the moment it is taken (so a crash resends
//! at most the one in flight), then record them and let the job come back
//! when the campaign's rate allows.

use tickler_store::{CampaignRun, Delivery, Job, Store};

use super::senders::Senders;
use super::{Clock, PassReport, SchedulerError, events};

/// Run one campaign job.
pub(super) async fn run(
    store: &Store,
    senders: &Senders,
    clock: &Clock,
    job: &Job,
) -> Result<PassReport, SchedulerError> {
    let app = senders.app();
    let mut report = PassReport::default();
    let now = clock.now();
    let Some(base_url) = app.public_url() else {
        // Left claimed: the job comes back when its lease runs out, and goes once the address is set.
        tracing::warn!(
            target: events::TARGET,
            job_id = job.id,
            "a newsletter waits: its unsubscribe links need the address people reach Tickler at; \
             set --public-url (TICKLER_PUBLIC_URL)"
        );
        report.held += 1;
        return Ok(report);
    };
    let key = match crate::unsubscribe::link_key(app, now).await {
        Ok(key) => key,
        Err(error) => {
            tracing::error!(target: events::TARGET, job_id = job.id, "reading the link key: {error}");
            return Ok(report);
        }
    };
    let prepare = crate::campaigns::renderer(&key, base_url, app.inbound_address(), job.account_id);
    match store.claim_campaign(job, now, &prepare).await? {
        CampaignRun::Closed(_) => report.closed += 1,
        CampaignRun::Held(_) => report.held += 1,
        CampaignRun::Send { emails, next_at } => {
            let mut deliveries = Vec::with_capacity(emails.len());
            for email in emails {
                let result = super::send_one(store, senders, clock, job, &email, &mut report).await?;
                deliveries.push(Delivery { job: job.clone(), email, result });
            }
            store.record_campaign_sends(job, &deliveries, next_at, clock.now()).await?;
        }
    }
    Ok(report)
}

//! Sending a campaign: each claim takes the next few (campaign, contact)
//! rows in one transaction that locks their contacts and decides, on what is
//! committed, who is skipped ("never", left the list, every address bounced),
//! renders each message at most once into its outbox row (unique per
//! campaign and contact) and marks it being sent. A worker killed after the
//! server took a message finds it marked sent and does not send it again;
//! one killed before finds the same row and sends the same message.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use sqlx::{Any, Row, Transaction};
use tickler_core::campaign::{self, CampaignState, SendState};
use tickler_core::contact::Contact;
use tickler_core::ids::{CampaignId, ContactId};
use tickler_core::list::{self, MembershipState};
use tickler_core::send_window::{self, Hold};
use tickler_core::template::Fields;

use super::{
    Delivery, EMAIL_SELECT, MAX_SEND_ATTEMPTS, OutboundEmail, OutboxState, email_from_row, fields, render_facts,
};
use crate::Store;
use crate::campaigns::{Campaign, campaign_from_row};
use crate::contacts::{CONTACT_SELECT, contact_from_row};
use crate::dialect::{Backend, id_list, one_off};
use crate::error::{Error, Result};
use crate::jobs::{Job, close_job, postpone_job};
use crate::plans::mail_settings_in;
use crate::rows::seconds;

/// One message as the caller rendered it for a contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
    /// The `List-Unsubscribe` header's value.
    pub list_unsubscribe: String,
}

/// Renders a campaign's message for one contact (the campaign, the contact, their template fields).
pub type Prepare<'a> = dyn Fn(&Campaign, &Contact, &Fields) -> std::result::Result<Prepared, String> + Sync + 'a;

/// What claiming a campaign job led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CampaignRun {
    /// Nothing more to do now (paused, cancelled, finished, deleted); the job is closed.
    Closed(String),
    /// Outside sending hours or before its send time; the job runs again at `hold.until`.
    Held(Hold),
    /// Send these; record them with [`Store::record_campaign_sends`], after which the job runs again at `next_at`.
    Send { emails: Vec<OutboundEmail>, next_at: Timestamp },
}

impl Store {
    /// Claim the next messages of the campaign `job` names (see the module's comment).
    pub async fn claim_campaign(&self, job: &Job, now: Timestamp, prepare: &Prepare<'_>) -> Result<CampaignRun> {
        crate::error::during("claiming a campaign's messages", async {
            let id: CampaignId = job.payload.parse().map_err(|_| Error::Corrupt(format!("job {}: payload", job.id)))?;
            let mut tx = self.begin_write().await?;
            let lock = self.backend.pick("", " FOR UPDATE OF c");
            let statement = format!(
                "SELECT c.id, c.list_id, l.name AS list_name, c.subject, c.body, c.state, c.send_at, c.per_minute, \
                 c.user_id, c.created_at, c.updated_at FROM campaigns c JOIN lists l ON l.id = c.list_id \
                 WHERE c.account_id = $1 AND c.id = $2{lock}"
            );
            let row = one_off(statement).bind(job.account_id.get()).bind(id.get()).fetch_optional(&mut *tx).await?;
            let Some(row) = row else { return closed(tx, job, now, "the campaign was deleted").await };
            let campaign = campaign_from_row(&row)?;
            if campaign.state != CampaignState::Scheduled {
                let reason = format!("the campaign is {}", campaign.state.as_str());
                return closed(tx, job, now, &reason).await;
            }
            let account = crate::accounts::account_in(&mut tx, job.account_id).await?.settings;
            let zone = account.zone.time_zone();
            let not_yet = campaign.send_at.filter(|at| *at > now).map(|until| Hold {
                until,
                reason: format!("sends from {}", until.to_zoned_datetime(zone.clone()).strftime("%a %Y-%m-%d %H:%M")),
            });
            if let Some(hold) = not_yet.or_else(|| send_window::hold(now, &zone, &account.work_week, 0, None)) {
                postpone_job(&mut tx, job, hold.until, &hold.reason, false).await?;
                tx.commit().await?;
                return Ok(CampaignRun::Held(hold));
            }
            start(&mut tx, &campaign, job, now).await?;
            let statement = format!(
                "SELECT contact_id FROM campaign_sends WHERE campaign_id = $1 AND state IN ('waiting', 'sending') \
                 ORDER BY contact_id LIMIT {}",
                campaign::chunk(campaign.per_minute)
            );
            let ids: Vec<i64> = one_off(statement)
                .bind(id.get())
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|row| row.try_get("contact_id"))
                .collect::<std::result::Result<_, _>>()?;
            if ids.is_empty() {
                finish(&mut tx, &campaign, now).await?;
                return closed(tx, job, now, "every message is sent").await;
            }
            let batch = Facts::load(self.backend, &mut tx, &campaign, &ids, now).await?;
            let settings = mail_settings_in(&mut tx, job.account_id).await?;
            let uses_library = tickler_core::template::uses_library(&campaign.subject, &campaign.body);
            let mut emails = Vec::new();
            for contact_id in ids {
                let key = (campaign.id.get(), contact_id);
                let Some(contact) = batch.contacts.get(&contact_id) else {
                    set_send(&mut tx, key, SendState::Skipped, Some("the contact was deleted"), now).await?;
                    continue;
                };
                if batch.outbox.get(&contact_id).is_some_and(|(_, state)| *state == OutboxState::Sent) {
                    // The server took it; the worker that sent it stopped before recording that.
                    set_send(&mut tx, key, SendState::Sent, None, now).await?;
                    continue;
                }
                if let Err(skip) = list::may_receive(contact.consent.state, batch.memberships.get(&contact_id).copied()) {
                    set_send(&mut tx, key, SendState::Skipped, Some(skip.as_str()), now).await?;
                    continue;
                }
                let bounced = batch.undeliverable.get(&contact_id);
                let to = contact.details.emails.iter().find(|email| bounced.is_none_or(|b| !b.contains(email.as_str())));
                let Some(to) = to else {
                    set_send(&mut tx, key, SendState::Skipped, Some(list::Skip::Undeliverable.as_str()), now).await?;
                    continue;
                };
                if let Some((email, _)) = batch.outbox.get(&contact_id) {
                    sqlx::query("UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = $1")
                        .bind(email.outbox_id)
                        .execute(&mut *tx)
                        .await?;
                    set_send(&mut tx, key, SendState::Sending, None, now).await?;
                    emails.push(OutboundEmail { attempts: email.attempts + 1, ..email.clone() });
                    continue;
                }
                let mut fields = fields(contact, None, &zone, &settings, &batch.render, now);
                // `{{ library.next }}`: picked and recorded here, under the contact's lock, so an item never
                // reaches a contact twice; with nothing new for them, their message is left out and says why.
                if uses_library {
                    match crate::library::claim_next_library_item(
                        &mut tx,
                        job.account_id,
                        contact,
                        crate::library::via::CAMPAIGN,
                        now,
                    )
                    .await?
                    {
                        Some(item) => fields.library_next = Some(item),
                        None => {
                            let why = "nothing new in the library for their tags";
                            set_send(&mut tx, key, SendState::Skipped, Some(why), now).await?;
                            continue;
                        }
                    }
                }
                let prepared = match prepare(&campaign, contact, &fields) {
                    Ok(prepared) => prepared,
                    Err(reason) => {
                        set_send(&mut tx, key, SendState::Failed, Some(&reason), now).await?;
                        continue;
                    }
                };
                let domain = settings.from_address.rsplit_once('@').map_or("tickler.localhost", |(_, domain)| domain);
                let message_id = format!("<campaign.{}.{}.{contact_id}@{domain}>", job.account_id, campaign.id);
                let row = sqlx::query(
                    "INSERT INTO outbox (account_id, contact_id, dedupe_key, message_id, refs, to_address, subject, body, \
                     state, attempts, created_at, user_id, campaign_id, html_body, list_unsubscribe) \
                     VALUES ($1, $2, $3, $4, '', $5, $6, $7, 'sending', 1, $8, $9, $10, $11, $12) RETURNING id",
                )
                .bind(job.account_id.get())
                .bind(contact_id)
                .bind(format!("campaign:{}:{contact_id}", campaign.id))
                .bind(&message_id)
                .bind(to.as_str())
                .bind(&prepared.subject)
                .bind(&prepared.text)
                .bind(seconds(now))
                .bind(campaign.user_id.map(|user| user.get()))
                .bind(campaign.id.get())
                .bind(&prepared.html)
                .bind(&prepared.list_unsubscribe)
                .fetch_one(&mut *tx)
                .await?;
                set_send(&mut tx, key, SendState::Sending, None, now).await?;
                emails.push(OutboundEmail {
                    outbox_id: row.try_get("id")?,
                    account_id: job.account_id,
                    contact_id: Some(ContactId::new(contact_id)),
                    enrollment_id: None,
                    step: None,
                    user_id: campaign.user_id,
                    message_id,
                    in_reply_to: None,
                    references: Vec::new(),
                    to: to.as_str().to_string(),
                    from_name: settings.from_name.clone(),
                    from_address: settings.from_address.clone(),
                    subject: prepared.subject,
                    body: prepared.text,
                    attempts: 1,
                    campaign_id: Some(campaign.id),
                    html_body: Some(prepared.html),
                    list_unsubscribe: Some(prepared.list_unsubscribe),
                });
            }
            let next_at = campaign::next_after(now, u32::try_from(emails.len()).unwrap_or(u32::MAX), campaign.per_minute);
            tx.commit().await?;
            Ok(CampaignRun::Send { emails, next_at })
        })
        .await
    }

    /// Record what became of a claim's messages, then close the job (the campaign
    /// is done) or let it run again at `next_at`. A message refused for good marks
    /// its address undeliverable, so nothing automatic goes there again.
    pub async fn record_campaign_sends(
        &self,
        job: &Job,
        deliveries: &[Delivery],
        next_at: Timestamp,
        now: Timestamp,
    ) -> Result<()> {
        crate::error::during("recording a campaign's messages", async {
            let mut tx = self.begin_write().await?;
            for delivery in deliveries {
                let email = &delivery.email;
                let (Some(campaign_id), Some(contact_id)) = (email.campaign_id, email.contact_id) else { continue };
                let key = (campaign_id.get(), contact_id.get());
                match &delivery.result {
                    Ok(()) => {
                        sqlx::query("UPDATE outbox SET state = 'sent', sent_at = COALESCE(sent_at, $2) WHERE id = $1")
                            .bind(email.outbox_id)
                            .bind(seconds(now))
                            .execute(&mut *tx)
                            .await?;
                        set_send(&mut tx, key, SendState::Sent, None, now).await?;
                    }
                    Err(failure) if failure.permanent || email.attempts >= MAX_SEND_ATTEMPTS => {
                        set_outbox(&mut tx, email.outbox_id, OutboxState::Failed, &failure.reason).await?;
                        set_send(&mut tx, key, SendState::Failed, Some(&failure.reason), now).await?;
                        if failure.permanent {
                            sqlx::query(
                                "UPDATE contact_emails SET undeliverable_at = COALESCE(undeliverable_at, $3), \
                                 bounce_reason = $4 WHERE account_id = $1 AND email = $2",
                            )
                            .bind(email.account_id.get())
                            .bind(email.to.to_lowercase())
                            .bind(seconds(now))
                            .bind(&failure.reason)
                            .execute(&mut *tx)
                            .await?;
                        }
                    }
                    Err(failure) => {
                        set_outbox(&mut tx, email.outbox_id, OutboxState::Queued, &failure.reason).await?;
                        set_send(&mut tx, key, SendState::Waiting, Some(&failure.reason), now).await?;
                    }
                }
            }
            postpone_job(&mut tx, job, next_at, "sending, a few a minute", false).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }
}

/// Write the campaign's (campaign, contact) rows from the list's subscribed members, the first time it is claimed.
async fn start(tx: &mut Transaction<'static, Any>, campaign: &Campaign, job: &Job, now: Timestamp) -> Result<()> {
    let started = sqlx::query("SELECT 1 AS one FROM campaign_sends WHERE campaign_id = $1 LIMIT 1")
        .bind(campaign.id.get())
        .fetch_optional(&mut **tx)
        .await?;
    if started.is_none() {
        sqlx::query(
            "INSERT INTO campaign_sends (account_id, campaign_id, contact_id, state, reason, updated_at) \
             SELECT $1, $2, contact_id, 'waiting', NULL, $4 FROM list_members WHERE list_id = $3 AND state = 'subscribed' \
             ON CONFLICT (campaign_id, contact_id) DO NOTHING",
        )
        .bind(job.account_id.get())
        .bind(campaign.id.get())
        .bind(campaign.list_id.get())
        .bind(seconds(now))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn finish(tx: &mut Transaction<'static, Any>, campaign: &Campaign, now: Timestamp) -> Result<()> {
    sqlx::query("UPDATE campaigns SET state = 'done', updated_at = $2 WHERE id = $1 AND state = 'scheduled'")
        .bind(campaign.id.get())
        .bind(seconds(now))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn closed(mut tx: Transaction<'static, Any>, job: &Job, now: Timestamp, why: &str) -> Result<CampaignRun> {
    close_job(&mut tx, job, None, now).await?;
    tx.commit().await?;
    Ok(CampaignRun::Closed(why.to_string()))
}

async fn set_send(
    tx: &mut Transaction<'static, Any>,
    (campaign_id, contact_id): (i64, i64),
    state: SendState,
    reason: Option<&str>,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "UPDATE campaign_sends SET state = $3, reason = $4, updated_at = $5 WHERE campaign_id = $1 AND contact_id = $2",
    )
    .bind(campaign_id)
    .bind(contact_id)
    .bind(state.as_str())
    .bind(reason)
    .bind(seconds(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn set_outbox(
    tx: &mut Transaction<'static, Any>,
    outbox_id: i64,
    state: OutboxState,
    reason: &str,
) -> Result<()> {
    sqlx::query("UPDATE outbox SET state = $2, last_error = $3 WHERE id = $1")
        .bind(outbox_id)
        .bind(state.as_str())
        .bind(reason)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// What a claim decides on, for its contacts, read inside its transaction.
struct Facts {
    contacts: HashMap<i64, Contact>,
    memberships: HashMap<i64, MembershipState>,
    undeliverable: HashMap<i64, HashSet<String>>,
    /// The campaign's outbox rows of these contacts.
    outbox: HashMap<i64, (OutboundEmail, OutboxState)>,
    render: super::RenderFacts,
}

impl Facts {
    async fn load(
        backend: Backend,
        tx: &mut Transaction<'static, Any>,
        campaign: &Campaign,
        ids: &[i64],
        now: Timestamp,
    ) -> Result<Facts> {
        let list = id_list(ids.iter().copied());
        if backend == Backend::Postgres {
            one_off(format!("SELECT id FROM contacts WHERE id IN ({list}) ORDER BY id FOR UPDATE"))
                .fetch_all(&mut **tx)
                .await?;
        }
        let mut contacts = HashMap::new();
        for row in one_off(format!("{CONTACT_SELECT} WHERE c.id IN ({list})")).fetch_all(&mut **tx).await? {
            let contact = contact_from_row(&row)?;
            contacts.insert(contact.id.get(), contact);
        }
        let mut memberships = HashMap::new();
        let statement =
            format!("SELECT contact_id, state FROM list_members WHERE list_id = $1 AND contact_id IN ({list})");
        for row in one_off(statement).bind(campaign.list_id.get()).fetch_all(&mut **tx).await? {
            let state = crate::rows::parsed(&row, "state", MembershipState::parse)?;
            memberships.insert(row.try_get("contact_id")?, state);
        }
        let mut undeliverable: HashMap<i64, HashSet<String>> = HashMap::new();
        let statement = format!(
            "SELECT contact_id, email FROM contact_emails WHERE contact_id IN ({list}) AND undeliverable_at IS NOT NULL"
        );
        for row in one_off(statement).fetch_all(&mut **tx).await? {
            undeliverable.entry(row.try_get("contact_id")?).or_default().insert(row.try_get("email")?);
        }
        let mut outbox = HashMap::new();
        let statement = format!("{EMAIL_SELECT} WHERE o.campaign_id = $1 AND o.contact_id IN ({list})");
        for row in one_off(statement).bind(campaign.id.get()).fetch_all(&mut **tx).await? {
            let email = email_from_row(&row)?;
            let state = OutboxState::from_row(&row, "state")?;
            if let Some(contact_id) = email.contact_id {
                outbox.insert(contact_id.get(), (email, state));
            }
        }
        let render = render_facts(tx, &list, now).await?;
        Ok(Facts { contacts, memberships, undeliverable, outbox, render })
    }
}

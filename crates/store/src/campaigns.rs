//! Campaigns: one newsletter to a list, its life (scheduled, paused,
//! cancelled) and its progress, counted from its (campaign, contact) rows.
//! Scheduling one makes a `campaign` job; the worker's claims are in
//! `outbox::campaign`.

use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;
use tickler_core::campaign::{CampaignChange, CampaignState};
use tickler_core::ids::{AccountId, CampaignId, ListId, UserId};

use crate::Store;
use crate::error::{Error, Record, Result};
use crate::jobs::{JobKind, schedule_job};
use crate::rows::{instant, optional_instant, parsed, seconds};

/// A campaign as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Campaign {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub id: CampaignId,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub list_id: ListId,
    pub list_name: String,
    pub subject: String,
    /// Markdown, with template fields (`{{ contact.first_name }}`).
    pub body: String,
    pub state: CampaignState,
    /// When sending starts; `None` for a draft.
    pub send_at: Option<Timestamp>,
    pub per_minute: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub user_id: Option<UserId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// How far a campaign has gone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Progress {
    pub sent: i64,
    /// Still to go: not claimed yet, or being sent (before sending starts: everyone subscribed).
    pub waiting: i64,
    pub failed: i64,
    /// Not sent: do-not-contact, left the list, bounced.
    pub skipped: i64,
    /// Members who left the list through an unsubscribe link since the campaign started.
    pub unsubscribed: i64,
}

/// A campaign to create.
#[derive(Debug, Clone)]
pub struct CampaignDraft {
    pub list_id: ListId,
    pub subject: String,
    pub body: String,
    pub per_minute: u32,
    pub user_id: Option<UserId>,
}

const CAMPAIGN_SELECT: &str = "SELECT c.id, c.list_id, l.name AS list_name, c.subject, c.body, c.state, c.send_at, \
     c.per_minute, c.user_id, c.created_at, c.updated_at FROM campaigns c JOIN lists l ON l.id = c.list_id";

impl Store {
    /// Create a campaign as a draft.
    pub async fn create_campaign(
        &self,
        account_id: AccountId,
        draft: &CampaignDraft,
        now: Timestamp,
    ) -> Result<Campaign> {
        crate::error::during("creating a campaign", async {
            let mut tx = self.begin_write().await?;
            let known = sqlx::query("SELECT id FROM lists WHERE account_id = $1 AND id = $2")
                .bind(account_id.get())
                .bind(draft.list_id.get())
                .fetch_optional(&mut *tx)
                .await?;
            if known.is_none() {
                return Err(Error::not_found(Record::List, draft.list_id));
            }
            let row = sqlx::query(
                "INSERT INTO campaigns (account_id, list_id, subject, body, state, send_at, per_minute, user_id, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, 'draft', NULL, $5, $6, $7, $7) RETURNING id",
            )
            .bind(account_id.get())
            .bind(draft.list_id.get())
            .bind(draft.subject.as_str())
            .bind(draft.body.as_str())
            .bind(i64::from(draft.per_minute))
            .bind(draft.user_id.map(UserId::get))
            .bind(seconds(now))
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            self.campaign(account_id, CampaignId::new(row.try_get("id")?)).await.map(|(campaign, _)| campaign)
        })
        .await
    }

    /// One campaign with its progress.
    pub async fn campaign(&self, account_id: AccountId, id: CampaignId) -> Result<(Campaign, Progress)> {
        crate::error::during("reading a campaign", async {
            let statement = format!("{CAMPAIGN_SELECT} WHERE c.account_id = $1 AND c.id = $2");
            let row = sqlx::query(sqlx::AssertSqlSafe(statement))
                .bind(account_id.get())
                .bind(id.get())
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| Error::not_found(Record::Campaign, id))?;
            let campaign = campaign_from_row(&row)?;
            let progress = self.progress(&campaign).await?;
            Ok((campaign, progress))
        })
        .await
    }

    /// Every campaign of the account, newest first, with its progress.
    pub async fn campaigns(&self, account_id: AccountId) -> Result<Vec<(Campaign, Progress)>> {
        crate::error::during("listing campaigns", async {
            let statement = format!("{CAMPAIGN_SELECT} WHERE c.account_id = $1 ORDER BY c.id DESC");
            let rows = sqlx::query(sqlx::AssertSqlSafe(statement)).bind(account_id.get()).fetch_all(&self.pool).await?;
            let mut all = Vec::with_capacity(rows.len());
            for row in &rows {
                let campaign = campaign_from_row(row)?;
                let progress = self.progress(&campaign).await?;
                all.push((campaign, progress));
            }
            Ok(all)
        })
        .await
    }

    async fn progress(&self, campaign: &Campaign) -> Result<Progress> {
        let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM campaign_sends WHERE campaign_id = $1 GROUP BY state")
            .bind(campaign.id.get())
            .fetch_all(&self.pool)
            .await?;
        let mut progress = Progress::default();
        for row in &rows {
            let n: i64 = row.try_get("n")?;
            match row.try_get::<String, _>("state")?.as_str() {
                "sent" => progress.sent += n,
                "waiting" | "sending" => progress.waiting += n,
                "failed" => progress.failed += n,
                _ => progress.skipped += n,
            }
        }
        if rows.is_empty() && matches!(campaign.state, CampaignState::Draft | CampaignState::Scheduled) {
            let row = sqlx::query("SELECT COUNT(*) AS n FROM list_members WHERE list_id = $1 AND state = 'subscribed'")
                .bind(campaign.list_id.get())
                .fetch_one(&self.pool)
                .await?;
            progress.waiting = row.try_get("n")?;
        }
        if let Some(started) = campaign.send_at {
            let row = sqlx::query(
                "SELECT COUNT(*) AS n FROM list_members WHERE list_id = $1 AND state = 'left' AND source = 'unsubscribe' \
                 AND changed_at >= $2",
            )
            .bind(campaign.list_id.get())
            .bind(seconds(started))
            .fetch_one(&self.pool)
            .await?;
            progress.unsubscribed = row.try_get("n")?;
        }
        Ok(progress)
    }

    /// Schedule (from `send_at`), pause, resume or cancel a campaign.
    pub async fn change_campaign(
        &self,
        account_id: AccountId,
        id: CampaignId,
        change: CampaignChange,
        send_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<Campaign> {
        crate::error::during("changing a campaign", async {
            let mut tx = self.begin_write().await?;
            let lock = self.backend.pick("", " FOR UPDATE");
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT state, send_at FROM campaigns WHERE account_id = $1 AND id = $2{lock}"
            )))
            .bind(account_id.get())
            .bind(id.get())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| Error::not_found(Record::Campaign, id))?;
            let state = parsed(&row, "state", CampaignState::parse)?;
            let next = change.apply(state)?;
            let send_at = match change {
                CampaignChange::Schedule => Some(send_at.unwrap_or(now)),
                _ => optional_instant(&row, "send_at")?,
            };
            sqlx::query(
                "UPDATE campaigns SET state = $3, send_at = $4, updated_at = $5 WHERE account_id = $1 AND id = $2",
            )
            .bind(account_id.get())
            .bind(id.get())
            .bind(next.as_str())
            .bind(send_at.map(seconds))
            .bind(seconds(now))
            .execute(&mut *tx)
            .await?;
            if next == CampaignState::Scheduled {
                let run_at = send_at.unwrap_or(now).max(now);
                let key = format!("campaign:{id}");
                schedule_job(&mut tx, JobKind::Campaign, account_id, &id.to_string(), &key, run_at, now).await?;
            }
            tx.commit().await?;
            self.campaign(account_id, id).await.map(|(campaign, _)| campaign)
        })
        .await
    }
}

pub(crate) fn campaign_from_row(row: &AnyRow) -> Result<Campaign> {
    let per_minute: i64 = row.try_get("per_minute")?;
    Ok(Campaign {
        id: CampaignId::new(row.try_get("id")?),
        list_id: ListId::new(row.try_get("list_id")?),
        list_name: row.try_get("list_name")?,
        subject: row.try_get("subject")?,
        body: row.try_get("body")?,
        state: parsed(row, "state", CampaignState::parse)?,
        send_at: optional_instant(row, "send_at")?,
        per_minute: u32::try_from(per_minute).unwrap_or(1),
        user_id: row.try_get::<Option<i64>, _>("user_id")?.map(UserId::new),
        created_at: instant(row, "created_at")?,
        updated_at: instant(row, "updated_at")?,
    })
}

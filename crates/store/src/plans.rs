//! Plans and their steps, the starter plans every account begins with, and
//! the account's sender settings (kept with the plans: both are set up once).

use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use tickler_core::Error as DomainError;
use tickler_core::ids::{AccountId, PlanId};
use tickler_core::plan::{Plan, PlanDraft, Step, StepAction, starter_plans};
use tickler_core::touch::Channel;

use crate::Store;
use crate::error::{Error, Record, Result};
use crate::rows::{parsed, seconds};
use tickler_core::review::ReviewDay;

/// Who automatic emails come from, and when the daily digest goes out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MailSettings {
    pub from_name: String,
    pub from_address: String,
    pub signature: String,
    /// The hour (0–23, in the user's zone) the digest is sent.
    pub digest_hour: u32,
    pub digest_enabled: bool,
    /// The day the weekly review goes out; `None`: no weekly review.
    #[serde(default)]
    pub review_day: Option<ReviewDay>,
    /// The hour (0–23, in the account's zone) of the weekly review.
    #[serde(default = "default_review_hour")]
    pub review_hour: u32,
}

/// The hour of the weekly review until one is chosen: late Friday afternoon is the custom.
pub const DEFAULT_REVIEW_HOUR: u32 = 16;

fn default_review_hour() -> u32 {
    DEFAULT_REVIEW_HOUR
}

impl Store {
    /// Give a new account its starter plans and sender settings, once: a
    /// starter plan the user deleted does not come back.
    pub async fn ensure_plan_setup(&self, account_id: AccountId, now: Timestamp) -> Result<()> {
        crate::error::during("setting up the starter plans", async {
            let exists = sqlx::query("SELECT account_id FROM mail_settings WHERE account_id = $1")
                .bind(account_id.get())
                .fetch_optional(&self.pool)
                .await?;
            if exists.is_some() {
                return Ok(());
            }
            let mut tx = self.begin_write().await?;
            let inserted =
                sqlx::query("INSERT INTO mail_settings (account_id) VALUES ($1) ON CONFLICT (account_id) DO NOTHING")
                    .bind(account_id.get())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            if inserted == 1 {
                for draft in starter_plans() {
                    insert_plan(&mut tx, account_id, &draft, now).await?;
                }
            }
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Create a plan; its name must be new in the account.
    pub async fn create_plan(&self, account_id: AccountId, draft: &PlanDraft, now: Timestamp) -> Result<Plan> {
        crate::error::during("creating a plan", async {
            let mut tx = self.begin_write().await?;
            let id = insert_plan(&mut tx, account_id, draft, now).await?;
            let plan = plan_in(&mut tx, account_id, id).await?;
            tx.commit().await?;
            Ok(plan)
        })
        .await
    }

    /// Every plan of the account, by name.
    pub async fn plans(&self, account_id: AccountId) -> Result<Vec<Plan>> {
        crate::error::during("listing plans", async {
            let ids: Vec<PlanId> = sqlx::query("SELECT id FROM plans WHERE account_id = $1 ORDER BY name_key")
                .bind(account_id.get())
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|row| row.try_get("id").map(PlanId::new))
                .collect::<Result<_, _>>()?;
            let mut connection = self.pool.acquire().await?;
            let mut plans = Vec::with_capacity(ids.len());
            for id in ids {
                plans.push(plan_in(&mut connection, account_id, id).await?);
            }
            Ok(plans)
        })
        .await
    }

    /// The plan a person means: an id, the exact name, or an unambiguous part of it.
    pub async fn find_plan(&self, account_id: AccountId, reference: &str) -> Result<Plan> {
        crate::error::during("finding a plan", async {
            let reference = reference.trim();
            if let Ok(id) = reference.parse::<PlanId>() {
                let mut connection = self.pool.acquire().await?;
                return plan_in(&mut connection, account_id, id).await;
            }
            let key = reference.to_lowercase();
            let plans = self.plans(account_id).await?;
            if let Some(plan) = plans.iter().find(|plan| plan.name.to_lowercase() == key) {
                return Ok(plan.clone());
            }
            let matching: Vec<&Plan> = plans.iter().filter(|plan| plan.name.to_lowercase().contains(&key)).collect();
            match matching.as_slice() {
                [one] => Ok((*one).clone()),
                [] => Err(Error::not_found(Record::Plan, reference)),
                several => Err(Error::Ambiguous {
                    reference: reference.to_string(),
                    candidates: several.iter().map(|plan| format!("{} (id {})", plan.name, plan.id)).collect(),
                }),
            }
        })
        .await
    }

    /// Replace a plan's steps (and its name and description). Running
    /// enrollments keep their place: step N stays step N.
    pub async fn update_plan(
        &self,
        account_id: AccountId,
        plan_id: PlanId,
        draft: &PlanDraft,
        now: Timestamp,
    ) -> Result<Plan> {
        crate::error::during("updating a plan", async {
            let mut tx = self.begin_write().await?;
            plan_in(&mut tx, account_id, plan_id).await?;
            sqlx::query(
                "UPDATE plans SET name = $3, name_key = $4, description = $5, nurture = $6, updated_at = $7 \
             WHERE account_id = $1 AND id = $2",
            )
            .bind(account_id.get())
            .bind(plan_id.get())
            .bind(&draft.name)
            .bind(draft.name.to_lowercase())
            .bind(&draft.description)
            .bind(i64::from(draft.nurture))
            .bind(seconds(now))
            .execute(&mut *tx)
            .await
            .map_err(|error| duplicate_name(error, &draft.name))?;
            sqlx::query("DELETE FROM plan_steps WHERE plan_id = $1").bind(plan_id.get()).execute(&mut *tx).await?;
            insert_steps(&mut tx, plan_id, &draft.steps).await?;
            let plan = plan_in(&mut tx, account_id, plan_id).await?;
            tx.commit().await?;
            Ok(plan)
        })
        .await
    }

    /// Delete a plan and its enrollments.
    pub async fn delete_plan(&self, account_id: AccountId, plan_id: PlanId) -> Result<()> {
        crate::error::during("deleting a plan", async {
            let mut tx = self.begin_write().await?;
            plan_in(&mut tx, account_id, plan_id).await?;
            sqlx::query("DELETE FROM plans WHERE account_id = $1 AND id = $2")
                .bind(account_id.get())
                .bind(plan_id.get())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// The account's sender settings (defaults until set).
    pub async fn mail_settings(&self, account_id: AccountId) -> Result<MailSettings> {
        crate::error::during("reading the mail settings", async {
            let mut connection = self.pool.acquire().await?;
            mail_settings_in(&mut connection, account_id).await
        })
        .await
    }

    /// Save the account's sender settings.
    pub async fn update_mail_settings(
        &self,
        account_id: AccountId,
        settings: &MailSettings,
        now: Timestamp,
    ) -> Result<MailSettings> {
        crate::error::during("updating the mail settings", async {
            if settings.digest_hour > 23 {
                return Err(DomainError::invalid("digest-hour", "is an hour from 0 to 23").into());
            }
            tickler_core::review::check_hour(settings.review_hour)?;
            // The settings row marks the one-time setup: make sure the starter plans come with it.
            self.ensure_plan_setup(account_id, now).await?;
            sqlx::query(
            "INSERT INTO mail_settings (account_id, from_name, from_address, signature, digest_hour, digest_enabled, \
             review_day, review_hour) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (account_id) DO UPDATE SET \
             from_name = $2, from_address = $3, signature = $4, digest_hour = $5, digest_enabled = $6, \
             review_day = $7, review_hour = $8",
        )
        .bind(account_id.get())
        .bind(&settings.from_name)
        .bind(&settings.from_address)
        .bind(&settings.signature)
        .bind(i64::from(settings.digest_hour))
        .bind(i64::from(settings.digest_enabled))
        .bind(settings.review_day.map(ReviewDay::as_str))
        .bind(i64::from(settings.review_hour))
        .execute(&self.pool)
        .await?;
            self.mail_settings(account_id).await
        })
        .await
    }
}

async fn insert_plan(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    draft: &PlanDraft,
    now: Timestamp,
) -> Result<PlanId> {
    let id = PlanId::new(
        sqlx::query(
            "INSERT INTO plans (account_id, name, name_key, description, nurture, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(account_id.get())
        .bind(&draft.name)
        .bind(draft.name.to_lowercase())
        .bind(&draft.description)
        .bind(i64::from(draft.nurture))
        .bind(seconds(now))
        .fetch_one(&mut **tx)
        .await
        .map_err(|error| duplicate_name(error, &draft.name))?
        .try_get("id")?,
    );
    insert_steps(tx, id, &draft.steps).await?;
    Ok(id)
}

fn duplicate_name(error: sqlx::Error, name: &str) -> Error {
    match &error {
        sqlx::Error::Database(database) if database.is_unique_violation() => {
            Error::Duplicate { field: "name", value: name.to_string(), owner: "another plan".to_string() }
        }
        _ => error.into(),
    }
}

async fn insert_steps(tx: &mut Transaction<'_, Any>, plan_id: PlanId, steps: &[Step]) -> Result<()> {
    for (position, step) in steps.iter().enumerate() {
        let (subject, body) = match &step.action {
            StepAction::Email { subject, body } => (subject.as_str(), body.as_str()),
            StepAction::Task { text } => ("", text.as_str()),
        };
        sqlx::query(
            "INSERT INTO plan_steps (plan_id, position, delay, channel, kind, subject, body, repeat_rule) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(plan_id.get())
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(&step.delay)
        .bind(step.channel.as_str())
        .bind(step.action.kind())
        .bind(subject)
        .bind(body)
        .bind(Some(step.repeat.as_str()).filter(|repeat| !repeat.is_empty()))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// One plan with its steps, read on a connection or inside a transaction.
pub(crate) async fn plan_in(connection: &mut sqlx::AnyConnection, account_id: AccountId, id: PlanId) -> Result<Plan> {
    let row = sqlx::query("SELECT id, name, description, nurture FROM plans WHERE account_id = $1 AND id = $2")
        .bind(account_id.get())
        .bind(id.get())
        .fetch_optional(&mut *connection)
        .await?
        .ok_or_else(|| Error::not_found(Record::Plan, id))?;
    let steps = sqlx::query(
        "SELECT position, delay, repeat_rule, channel, kind, subject, body FROM plan_steps WHERE plan_id = $1 \
         ORDER BY position",
    )
    .bind(id.get())
    .fetch_all(&mut *connection)
    .await?;
    let nurture: i64 = row.try_get("nurture")?;
    Ok(Plan {
        id: PlanId::new(row.try_get("id")?),
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        nurture: nurture != 0,
        steps: steps.iter().map(step_from_row).collect::<Result<_>>()?,
    })
}

fn step_from_row(row: &AnyRow) -> Result<Step> {
    let kind: String = row.try_get("kind")?;
    let body: String = row.try_get("body")?;
    let action = match kind.as_str() {
        "email" => StepAction::Email { subject: row.try_get("subject")?, body },
        _ => StepAction::Task { text: body },
    };
    // Stored steps were checked when saved; read them as they are.
    let repeat: Option<String> = row.try_get("repeat_rule")?;
    Ok(Step {
        delay: row.try_get("delay")?,
        repeat: repeat.unwrap_or_default(),
        channel: parsed(row, "channel", Channel::parse)?,
        action,
    })
}

pub(crate) async fn mail_settings_in(
    connection: &mut sqlx::AnyConnection,
    account_id: AccountId,
) -> Result<MailSettings> {
    let row = sqlx::query(
        "SELECT from_name, from_address, signature, digest_hour, digest_enabled, review_day, review_hour \
         FROM mail_settings WHERE account_id = $1",
    )
    .bind(account_id.get())
    .fetch_optional(&mut *connection)
    .await?;
    let Some(row) = row else {
        return Ok(MailSettings {
            from_name: String::new(),
            from_address: String::new(),
            signature: String::new(),
            digest_hour: 8,
            digest_enabled: true,
            review_day: None,
            review_hour: DEFAULT_REVIEW_HOUR,
        });
    };
    let hour: i64 = row.try_get("digest_hour")?;
    let enabled: i64 = row.try_get("digest_enabled")?;
    Ok(MailSettings {
        from_name: row.try_get("from_name")?,
        from_address: row.try_get("from_address")?,
        signature: row.try_get("signature")?,
        digest_hour: u32::try_from(hour).unwrap_or(8),
        digest_enabled: enabled != 0,
        review_day: crate::rows::optional_parsed(&row, "review_day", ReviewDay::parse)?,
        review_hour: u32::try_from(row.try_get::<i64, _>("review_hour")?).unwrap_or(DEFAULT_REVIEW_HOUR),
    })
}

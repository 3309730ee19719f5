//! Accounts and their settings.

use jiff::Timestamp;
use jiff::civil::Time;
use tickler_core::account::{Account, Settings};
use tickler_core::contact::ZoneName;
use tickler_core::ids::AccountId;
use tickler_core::when::DateOrder;
use tickler_core::work_week::WorkWeek;

use crate::Store;
use crate::error::{Error, Record, Result};
use crate::reads::Param;
use crate::rows::{parsed, seconds, time_text};

impl Store {
    /// The account a single-user install works in: the first one, created
    /// with `zone` when the database is new.
    pub async fn default_account(&self, zone: &ZoneName, now: Timestamp) -> Result<Account> {
        crate::error::during("reading the default account", async {
            if let Some(row) = sqlx::query(
            "SELECT id, name, zone, pacing_gap_days, work_start, work_end, work_days, date_order FROM accounts ORDER BY id LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?
        {
            return account_from_row(&row);
        }
            self.create_account("default", &Settings::new(zone.clone()), now).await
        })
        .await
    }

    /// Create an account with its settings.
    pub async fn create_account(&self, name: &str, settings: &Settings, now: Timestamp) -> Result<Account> {
        crate::error::during("creating an account", async {
            let row = sqlx::query(
                "INSERT INTO accounts (name, zone, pacing_gap_days, work_start, work_end, work_days, created_at, date_order) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             RETURNING id, name, zone, pacing_gap_days, work_start, work_end, work_days, date_order",
            )
            .bind(name)
            .bind(settings.zone.as_str())
            .bind(i64::from(settings.pacing_gap_days))
            .bind(time_text(settings.work_week.start))
            .bind(time_text(settings.work_week.end))
            .bind(work_days_text(&settings.work_week))
            .bind(seconds(now))
            .bind(settings.date_order.map(DateOrder::as_str))
            .fetch_one(&self.pool)
            .await?;
            account_from_row(&row)
        })
        .await
    }

    /// One account by id.
    pub async fn account(&self, id: AccountId) -> Result<Account> {
        crate::error::during("reading an account", async {
            self.reader
                .optional(ACCOUNT_SQL, &[Param::Int(id.get())], |row| account_from_row(row))
                .await?
                .ok_or_else(|| Error::not_found(Record::Account, id))
        })
        .await
    }

    /// Save an account's settings.
    pub async fn update_settings(&self, account_id: AccountId, settings: &Settings) -> Result<Account> {
        crate::error::during("updating the account's settings", async {
            let row = sqlx::query(
                "UPDATE accounts SET zone = $2, pacing_gap_days = $3, work_start = $4, work_end = $5, work_days = $6, \
             date_order = $7 WHERE id = $1 \
             RETURNING id, name, zone, pacing_gap_days, work_start, work_end, work_days, date_order",
            )
            .bind(account_id.get())
            .bind(settings.zone.as_str())
            .bind(i64::from(settings.pacing_gap_days))
            .bind(time_text(settings.work_week.start))
            .bind(time_text(settings.work_week.end))
            .bind(work_days_text(&settings.work_week))
            .bind(settings.date_order.map(DateOrder::as_str))
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| Error::not_found(Record::Account, account_id))?;
            account_from_row(&row)
        })
        .await
    }
}

/// One account by id.
const ACCOUNT_SQL: &str =
    "SELECT id, name, zone, pacing_gap_days, work_start, work_end, work_days, date_order FROM accounts WHERE id = $1";

/// One account, read inside a transaction or on a connection.
pub(crate) async fn account_in(connection: &mut sqlx::AnyConnection, id: AccountId) -> Result<Account> {
    let row = sqlx::query(ACCOUNT_SQL)
        .bind(id.get())
        .fetch_optional(&mut *connection)
        .await?
        .ok_or_else(|| Error::not_found(Record::Account, id))?;
    account_from_row(&row)
}

fn work_days_text(work_week: &WorkWeek) -> String {
    work_week.days.iter().map(|on| if *on { '1' } else { '0' }).collect()
}

pub(crate) fn account_from_row<R: crate::rows::Columns + ?Sized>(row: &R) -> Result<Account> {
    let parse_time = |column: &str| -> Result<Time> {
        row.text(column)?.parse().map_err(|error| Error::Corrupt(format!("{column}: {error}")))
    };
    let days_text = row.text("work_days")?;
    let mut days = [false; 7];
    for (day, flag) in days.iter_mut().zip(days_text.chars()) {
        *day = flag == '1';
    }
    let gap = row.int("pacing_gap_days")?;
    let date_order = match row.optional_text("date_order")? {
        Some(text) => Some(DateOrder::parse(&text).map_err(|error| Error::Corrupt(format!("date_order: {error}")))?),
        None => None,
    };
    Ok(Account {
        id: AccountId::new(row.int("id")?),
        name: row.text("name")?,
        settings: Settings {
            zone: parsed(row, "zone", ZoneName::parse)?,
            work_week: WorkWeek { start: parse_time("work_start")?, end: parse_time("work_end")?, days },
            pacing_gap_days: u32::try_from(gap).unwrap_or(0),
            date_order,
        },
    })
}

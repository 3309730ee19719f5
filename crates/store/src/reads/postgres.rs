//! The PostgreSQL side of the fast reads: a native pool and its rows.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{Executor, Row};

use super::Param;
use crate::error::{Error, Result};
use crate::rows::{Columns, corrupt};

/// Connections of the read pool: the requests' reads are short, and the
/// store's own pool keeps its sixteen for everything else.
const CONNECTIONS: u32 = 8;

/// A lazily connected pool on `url`, with the store's session settings.
pub(super) fn pool(url: &str) -> Result<PgPool> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|error| Error::Config(format!("database \"{}\": {error}", crate::dialect::redact(url))))?;
    Ok(PgPoolOptions::new()
        .max_connections(CONNECTIONS)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|connection, _| {
            Box::pin(async move {
                connection.execute(crate::POSTGRES_SESSION).await?;
                Ok(())
            })
        })
        .connect_lazy_with(options))
}

pub(super) async fn rows<T>(
    pool: &PgPool,
    sql: &str,
    params: &[Param<'_>],
    read: impl Fn(&dyn Columns) -> Result<T>,
) -> Result<Vec<T>> {
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for param in params {
        query = match *param {
            Param::Int(value) => query.bind(value),
            Param::Text(value) => query.bind(value),
            Param::OptionalText(value) => query.bind(value),
        };
    }
    let rows = query.fetch_all(pool).await?;
    rows.iter().map(|row| read(row)).collect()
}

impl Columns for PgRow {
    fn optional_int(&self, column: &str) -> Result<Option<i64>> {
        // The store's columns are BIGINT; a literal or a CASE is INTEGER.
        match self.try_get::<Option<i64>, _>(column) {
            Ok(value) => Ok(value),
            Err(sqlx::Error::ColumnDecode { .. }) => {
                Ok(self.try_get::<Option<i32>, _>(column).map_err(|error| corrupt(column, error))?.map(i64::from))
            }
            Err(error) => Err(error.into()),
        }
    }

    fn optional_text(&self, column: &str) -> Result<Option<String>> {
        Ok(self.try_get(column)?)
    }
}

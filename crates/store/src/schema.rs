//! The schema's version: which migrations the database has applied beside the
//! ones this binary carries, so `tickler migrate --check`, `/ready` and the
//! start-up check all read it the same way.

use serde::Serialize;
use sqlx::Row;

use crate::error::During;
use crate::{Backend, Error, Result, Store};

/// The bookkeeping table sqlx's migrator keeps.
const TABLE: &str = "_sqlx_migrations";

/// One migration, by its number and description (`8 keep in touch`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Migration {
    pub version: i64,
    pub description: String,
}

impl std::fmt::Display for Migration {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{} ({})", self.version, self.description)
    }
}

/// The database's migrations beside the binary's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaStatus {
    /// Applied in the database and known to the binary.
    pub applied: Vec<Migration>,
    /// Known to the binary, not yet applied.
    pub pending: Vec<Migration>,
    /// Applied in the database but unknown to this binary: a newer tickler migrated it.
    pub unknown: Vec<Migration>,
    /// Started and never finished (sqlx records them as failed); the schema needs a hand.
    pub failed: Vec<Migration>,
}

impl SchemaStatus {
    /// The database's migrations are exactly the binary's.
    pub fn is_current(&self) -> bool {
        self.pending.is_empty() && self.unknown.is_empty() && self.failed.is_empty()
    }

    /// What is wrong, in one sentence (`None` when current).
    pub fn problem(&self) -> Option<String> {
        let list =
            |migrations: &[Migration]| migrations.iter().map(Migration::to_string).collect::<Vec<_>>().join(", ");
        let mut problems = Vec::new();
        if !self.unknown.is_empty() {
            problems.push(format!(
                "the database has migration(s) this binary does not know: {} (it was migrated by a newer tickler)",
                list(&self.unknown)
            ));
        }
        if !self.failed.is_empty() {
            problems.push(format!("migration(s) started and never finished: {}", list(&self.failed)));
        }
        if !self.pending.is_empty() {
            problems.push(format!("pending migration(s): {}", list(&self.pending)));
        }
        (!problems.is_empty()).then(|| problems.join("; "))
    }
}

/// The error that refuses a database migrated by a newer binary, naming its unknown migrations.
pub(crate) fn newer_schema(status: &SchemaStatus) -> Option<Error> {
    (!status.unknown.is_empty()).then(|| {
        let names = status.unknown.iter().map(Migration::to_string).collect::<Vec<_>>().join(", ");
        Error::SchemaNewer(format!(
            "the database's schema is newer than this tickler: it has migration(s) {names} that this binary does not \
             know; run the tickler that migrated it (or a newer one)"
        ))
    })
}

impl Store {
    /// The migrations this binary carries for its backend.
    fn migrator(&self) -> &'static sqlx::migrate::Migrator {
        match self.backend {
            Backend::Sqlite => &crate::SQLITE_MIGRATIONS,
            Backend::Postgres => &crate::POSTGRES_MIGRATIONS,
        }
    }

    /// The database answers a trivial query.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.during("checking the database answers")?;
        Ok(())
    }

    /// Which migrations the database has applied beside the ones this binary carries.
    pub async fn schema_status(&self) -> Result<SchemaStatus> {
        let exists = self.backend.pick(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            "SELECT COUNT(*) FROM information_schema.tables \
             WHERE table_name = '_sqlx_migrations' AND table_schema = current_schema()",
        );
        let tables: i64 =
            sqlx::query_scalar(exists).fetch_one(&self.pool).await.during("reading the schema's migrations")?;
        let rows = match tables {
            0 => Vec::new(),
            _ => sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT version, description, CASE WHEN success THEN 1 ELSE 0 END AS done FROM {TABLE} ORDER BY version"
            )))
            .fetch_all(&self.pool)
            .await
            .during("reading the schema's migrations")?,
        };
        let mut recorded = Vec::new();
        for row in rows {
            let migration = Migration { version: row.try_get("version")?, description: row.try_get("description")? };
            let done: i64 = row.try_get("done")?;
            recorded.push((migration, done == 1));
        }
        let known: Vec<Migration> = self
            .migrator()
            .iter()
            .filter(|migration| !migration.migration_type.is_down_migration())
            .map(|migration| Migration { version: migration.version, description: migration.description.to_string() })
            .collect();
        let mut status =
            SchemaStatus { applied: Vec::new(), pending: Vec::new(), unknown: Vec::new(), failed: Vec::new() };
        for (migration, done) in &recorded {
            let is_known = known.iter().any(|candidate| candidate.version == migration.version);
            match (done, is_known) {
                (false, _) => status.failed.push(migration.clone()),
                (true, true) => status.applied.push(migration.clone()),
                (true, false) => status.unknown.push(migration.clone()),
            }
        }
        for migration in known {
            if !recorded.iter().any(|(applied, _)| applied.version == migration.version) {
                status.pending.push(migration);
            }
        }
        Ok(status)
    }

    /// Apply the pending migrations and return them; refused when the database is newer than the binary.
    pub async fn migrate(&self) -> Result<Vec<Migration>> {
        let before = self.schema_status().await?;
        if let Some(error) = newer_schema(&before) {
            return Err(error);
        }
        self.migrator().run(&self.pool).await?;
        let after = self.schema_status().await?;
        Ok(before.pending.into_iter().filter(|migration| after.applied.contains(migration)).collect())
    }
}

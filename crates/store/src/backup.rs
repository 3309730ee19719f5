//! Backup and restore of every record of an account as one JSON document:
//! a format name and version, the account's settings, and one section per
//! table (see [`crate::backup_sections`]), each row an object of its columns.
//! A backup streams row by row; a restore checks every value (kind, domain
//! parser, references) inside one transaction, so a bad file writes nothing.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Read, Write};

use futures_util::TryStreamExt;
use jiff::Timestamp;
use serde::Serialize;
use serde_json::{Map, Value};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::backup_sections::{ACCOUNT_COLUMNS, Column, Kind, Role, SECTIONS, Section, TRIGGER_WRITTEN, section};
use crate::dialect::placeholders;
use crate::error::{Error, Record, Result};
use crate::{Backend, Store};
use tickler_core::ids::AccountId;

/// The `format` every backup names, so a restore knows the file for one.
pub const BACKUP_FORMAT: &str = "tickler-backup";
/// The version this Tickler writes and the newest it restores. Raise it when a
/// section changes meaning; adding a section does not need it (older files lack it and restore).
pub const BACKUP_VERSION: u64 = 1;

/// A backup file, read and checked for its shape (its values are checked by the restore).
#[derive(Debug, Clone)]
pub struct Backup {
    pub version: u64,
    account: Map<String, Value>,
    sections: BTreeMap<String, Vec<Value>>,
}

/// What a restore wrote, per section, and the contacts a merge left to the ones already there.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RestoreSummary {
    pub merged: bool,
    pub restored: BTreeMap<String, u64>,
    /// Contacts of the backup whose email an existing contact holds (merge only):
    /// the existing one is kept and the backup's records of that contact are not added.
    pub contacts_already_present: u64,
    /// Users the backup names (by sign-in email) that the account restored into
    /// does not have: their mail accounts were left out, and their plans' emails
    /// go through the relay. Add the users and restore again to keep them.
    pub users_not_found: Vec<String>,
}

fn bad(message: impl Into<String>) -> Error {
    tickler_core::Error::invalid("backup", message).into()
}

impl Backup {
    /// Read a backup file: JSON naming the Tickler backup format in a version this Tickler reads.
    pub fn from_reader(reader: impl Read) -> Result<Backup> {
        let document: Value = serde_json::from_reader(std::io::BufReader::new(reader))
            .map_err(|error| bad(format!("the file is not a readable backup: {error}")))?;
        let Value::Object(mut document) = document else {
            return Err(bad("the file is not a Tickler backup: it is not a JSON object"));
        };
        if document.get("format").and_then(Value::as_str) != Some(BACKUP_FORMAT) {
            return Err(bad(format!("the file is not a Tickler backup: it has no \"format\": \"{BACKUP_FORMAT}\"")));
        }
        let version = document.get("version").and_then(Value::as_u64).unwrap_or(0);
        if version == 0 || version > BACKUP_VERSION {
            return Err(bad(format!(
                "the file is in backup format version {}, which this Tickler cannot read (it reads 1 to {BACKUP_VERSION}); \
                 restore it with the Tickler that wrote it or a newer one",
                document.get("version").map_or("(none)".to_string(), Value::to_string)
            )));
        }
        let Some(Value::Object(account)) = document.remove("account") else {
            return Err(bad("the file has no \"account\" object"));
        };
        let Some(Value::Object(raw_sections)) = document.remove("sections") else {
            return Err(bad("the file has no \"sections\" object"));
        };
        let mut sections = BTreeMap::new();
        for (name, rows) in raw_sections {
            if section(&name).is_none() {
                return Err(bad(format!("unknown section \"{name}\"; was the file written by a newer Tickler?")));
            }
            let Value::Array(rows) = rows else {
                return Err(bad(format!("section \"{name}\" is not a list of rows")));
            };
            sections.insert(name, rows);
        }
        Ok(Backup { version, account, sections })
    }

    /// Rows per section, as the file holds them.
    pub fn counts(&self) -> BTreeMap<String, u64> {
        self.sections.iter().map(|(name, rows)| (name.clone(), rows.len() as u64)).collect()
    }
}

impl Store {
    /// Write every record of the account to `out` as a backup document, row
    /// by row (memory stays bounded). Returns the rows written per section.
    pub async fn write_backup(
        &self,
        account_id: AccountId,
        out: &mut impl Write,
        now: Timestamp,
    ) -> Result<BTreeMap<String, u64>> {
        crate::error::during("writing a backup", async {
            let written = |error: std::io::Error| Error::Config(format!("cannot write the backup: {error}"));
            let account_columns = names(ACCOUNT_COLUMNS);
            let statement = format!("SELECT {account_columns} FROM accounts WHERE id = $1");
            let account = sqlx::query(sqlx::AssertSqlSafe(statement))
                .bind(account_id.get())
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| Error::not_found(Record::Account, account_id))?;
            // Written by hand so the format and version come first for a person opening the file.
            write!(
                out,
                "{{\"format\":\"{BACKUP_FORMAT}\",\"version\":{BACKUP_VERSION},\"created_at\":\"{now}\",\"account\":{}",
                Value::Object(row_object(&account, ACCOUNT_COLUMNS)?)
            )
            .map_err(written)?;
            out.write_all(b",\"sections\":{").map_err(written)?;
            let mut counts = BTreeMap::new();
            for (index, section) in SECTIONS.iter().enumerate() {
                let separator = if index == 0 { "\n" } else { ",\n" };
                write!(out, "{separator}\"{}\":[", section.table).map_err(written)?;
                let statement = format!(
                    "SELECT {} FROM {} WHERE {} ORDER BY {}",
                    selected(section),
                    section.table,
                    section.scope,
                    section.order
                );
                let mut rows = sqlx::query(sqlx::AssertSqlSafe(statement)).bind(account_id.get()).fetch(&self.pool);
                let mut count = 0_u64;
                while let Some(row) = rows.try_next().await? {
                    out.write_all(if count == 0 { b"\n" } else { b",\n" }).map_err(written)?;
                    serde_json::to_writer(&mut *out, &row_object(&row, section.columns)?)
                        .map_err(|error| Error::Config(format!("cannot write the backup: {error}")))?;
                    count += 1;
                }
                out.write_all(b"]").map_err(written)?;
                counts.insert(section.table.to_string(), count);
            }
            out.write_all(b"}}\n").map_err(written)?;
            out.flush().map_err(written)?;
            Ok(counts)
        })
        .await
    }

    /// Restore a backup into the account, in one transaction. Without
    /// `merge` the account must hold no records: its settings and every row
    /// come back with their ids. With `merge` the rows get new ids beside the
    /// existing ones, the settings stay, and a backup contact whose email an
    /// existing contact holds is left out with its records.
    pub async fn restore_backup(&self, account_id: AccountId, backup: &Backup, merge: bool) -> Result<RestoreSummary> {
        crate::error::during("restoring a backup", async {
            let mut tx = self.begin_write().await?;
            if !merge {
                ensure_empty(&mut tx, account_id).await?;
                restore_settings(&mut tx, account_id, &backup.account).await?;
            }
            let mut users = HashMap::new();
            for row in sqlx::query("SELECT id, email FROM users WHERE account_id = $1")
                .bind(account_id.get())
                .fetch_all(&mut *tx)
                .await?
            {
                users.insert(row.try_get::<String, _>("email")?, row.try_get::<i64, _>("id")?);
            }
            let mut restore = Restore {
                tx,
                backend: self.backend,
                account_id,
                merge,
                ids: HashMap::new(),
                left_out: HashSet::new(),
                users,
                summary: RestoreSummary { merged: merge, ..RestoreSummary::default() },
            };
            if merge {
                restore.match_contacts(backup).await?;
            }
            for section in SECTIONS.iter().filter(|section| !merge || section.merge) {
                let rows = backup.sections.get(section.table);
                if rows.is_some() && TRIGGER_WRITTEN.contains(&section.table) {
                    let statement = format!("DELETE FROM {} WHERE {}", section.table, section.scope);
                    sqlx::query(sqlx::AssertSqlSafe(statement)).bind(account_id.get()).execute(&mut *restore.tx).await?;
                }
                restore.section(section, rows.map_or(&[][..], Vec::as_slice)).await?;
            }
            if self.backend == Backend::Postgres {
                for section in SECTIONS.iter().filter(|s| s.columns.iter().any(|c| c.role == Role::Id)) {
                    let statement = format!(
                        "SELECT setval(pg_get_serial_sequence('{0}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM {0}), false)",
                        section.table
                    );
                    sqlx::query(sqlx::AssertSqlSafe(statement)).execute(&mut *restore.tx).await?;
                }
            }
            restore.tx.commit().await?;
            Ok(restore.summary)
        })
        .await
    }
}

/// A restore under way: its transaction and the ids given so far.
struct Restore {
    tx: Transaction<'static, Any>,
    backend: Backend,
    account_id: AccountId,
    merge: bool,
    /// Per section: the id a row had in the file → the id it has now.
    ids: HashMap<&'static str, HashMap<i64, i64>>,
    /// Per section: ids of the file whose rows were left out (merge), so rows referring to them are too.
    left_out: HashSet<(&'static str, i64)>,
    /// The users of the account restored into, by sign-in email.
    users: HashMap<String, i64>,
    summary: RestoreSummary,
}

impl Restore {
    /// On a merge, find the backup's contacts that an existing contact already is (same email).
    async fn match_contacts(&mut self, backup: &Backup) -> Result<()> {
        let mut existing = HashMap::new();
        for row in sqlx::query("SELECT email, contact_id FROM contact_emails WHERE account_id = $1")
            .bind(self.account_id.get())
            .fetch_all(&mut *self.tx)
            .await?
        {
            existing.insert(row.try_get::<String, _>("email")?, row.try_get::<i64, _>("contact_id")?);
        }
        for row in backup.sections.get("contact_emails").map_or(&[][..], Vec::as_slice) {
            let contact = row.get("contact_id").and_then(Value::as_i64);
            let owner = row.get("email").and_then(Value::as_str).and_then(|email| existing.get(email));
            if let (Some(contact), Some(owner)) = (contact, owner)
                && self.left_out.insert(("contacts", contact))
            {
                self.ids.entry("contacts").or_default().insert(contact, *owner);
                self.summary.contacts_already_present += 1;
            }
        }
        Ok(())
    }

    /// Restore one section's rows: each checked, its ids mapped, inserted;
    /// references within the section are set once all its rows are in.
    async fn section(&mut self, section: &'static Section, rows: &[Value]) -> Result<()> {
        let has_id = section.columns.iter().any(|c| c.role == Role::Id);
        let new_ids = if self.merge && has_id {
            crate::import::reserve_ids(&mut self.tx, self.backend, section.table, rows.len()).await?
        } else {
            Vec::new()
        };
        let statement = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            section.table,
            names(section.columns),
            placeholders(self.backend, 1, section.columns.len())
        );
        let mut deferred = Vec::new();
        let mut restored = 0;
        for (index, row) in rows.iter().enumerate() {
            let Some(values) = self.row_values(section, index, row, &new_ids, &mut deferred)? else { continue };
            let mut query = sqlx::query(sqlx::AssertSqlSafe(statement.clone()));
            for value in values {
                query = match value {
                    Cell::Integer(number) => query.bind(number),
                    Cell::Text(text) => query.bind(text),
                };
            }
            query.execute(&mut *self.tx).await?;
            restored += 1;
        }
        self.set_deferred(section, deferred).await?;
        self.summary.restored.insert(section.table.to_string(), restored);
        Ok(())
    }

    /// The checked values of the `index`-th row of a section, its ids mapped to
    /// the new ones; `None` when the row is left out (merge). A reference
    /// within the section is noted in `deferred` and inserted empty.
    fn row_values(
        &mut self,
        section: &'static Section,
        index: usize,
        row: &Value,
        new_ids: &[i64],
        deferred: &mut Vec<Deferred>,
    ) -> Result<Option<Vec<Cell>>> {
        let at = |column: &str| format!("section \"{}\", row {}, column \"{column}\"", section.table, index + 1);
        let Value::Object(row) = row else {
            return Err(bad(format!("section \"{}\", row {}: not an object", section.table, index + 1)));
        };
        if let Some(unknown) = row.keys().find(|key| !section.columns.iter().any(|c| c.name == *key)) {
            return Err(bad(format!("{}: no such column in this Tickler", at(unknown))));
        }
        let mut values = Vec::with_capacity(section.columns.len());
        for column in section.columns {
            let value = cell(row, column, &at(column.name))?;
            let value = match (column.role, value) {
                (Role::Id, Cell::Integer(Some(old))) => {
                    if self.left_out.contains(&(section.table, old)) {
                        return Ok(None);
                    }
                    let new = if self.merge { new_ids[index] } else { old };
                    if self.ids.entry(section.table).or_default().insert(old, new).is_some() {
                        return Err(bad(format!("{}: id {old} appears twice", at(column.name))));
                    }
                    Cell::Integer(Some(new))
                }
                (Role::Account, _) => Cell::Integer(Some(self.account_id.get())),
                (Role::User, Cell::Text(Some(email))) => match self.users.get(&email) {
                    Some(id) => Cell::Integer(Some(*id)),
                    None => {
                        if !self.summary.users_not_found.contains(&email) {
                            self.summary.users_not_found.push(email);
                        }
                        if !column.nullable {
                            return Ok(None);
                        }
                        Cell::Integer(None)
                    }
                },
                (Role::User, _) => Cell::Integer(None),
                (Role::Refers(target), Cell::Integer(Some(old))) => {
                    if self.left_out.contains(&(target, old)) {
                        if !column.nullable {
                            self.left_out_row(section, row);
                            return Ok(None);
                        }
                    } else if !self.ids.get(target).is_some_and(|ids| ids.contains_key(&old)) {
                        if target == section.table {
                            deferred.push((values_id(&values), old, at(column.name)));
                            values.push(Cell::Integer(None));
                            continue;
                        }
                        return Err(bad(format!("{}: {old} is not in section \"{target}\"", at(column.name))));
                    }
                    if target == section.table {
                        // A reference within the section is set once all its rows are in.
                        deferred.push((values_id(&values), old, at(column.name)));
                        Cell::Integer(None)
                    } else {
                        Cell::Integer(Some(self.ids[target][&old]))
                    }
                }
                (_, value) => value,
            };
            values.push(value);
        }
        Ok(Some(values))
    }

    /// Set the references within a section, now that all its rows have their new ids.
    async fn set_deferred(&mut self, section: &'static Section, deferred: Vec<Deferred>) -> Result<()> {
        for (id, old, at) in deferred {
            let target = self.ids.get(section.table).and_then(|ids| ids.get(&old)).copied();
            let Some(target) = target else {
                return Err(bad(format!("{at}: {old} is not in section \"{}\"", section.table)));
            };
            let column =
                section.columns.iter().find(|c| c.role == Role::Refers(section.table)).map_or("id", |c| c.name);
            let statement = format!("UPDATE {} SET {column} = $1 WHERE id = $2", section.table);
            sqlx::query(sqlx::AssertSqlSafe(statement)).bind(target).bind(id).execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Remember a left-out row's id, so the rows referring to it are left out too.
    fn left_out_row(&mut self, section: &'static Section, row: &Map<String, Value>) {
        if let Some(id) = row.get("id").and_then(Value::as_i64) {
            self.left_out.insert((section.table, id));
        }
    }
}

/// The (new) id among the values collected so far: sections list `id` first.
fn values_id(values: &[Cell]) -> i64 {
    match values.first() {
        Some(Cell::Integer(Some(id))) => *id,
        _ => 0,
    }
}

/// A reference within a section to set after its rows are in: (the row's new
/// id, the id it refers to in the file, where in the file).
type Deferred = (i64, i64, String);

/// A checked value, ready to bind.
enum Cell {
    Integer(Option<i64>),
    Text(Option<String>),
}

/// Read and check one column of a row from the file.
fn cell(row: &Map<String, Value>, column: &Column, at: &str) -> Result<Cell> {
    let value = row.get(column.name).unwrap_or(&Value::Null);
    if value.is_null() {
        if column.nullable || column.role == Role::Account {
            return Ok(match column.kind {
                Kind::Integer => Cell::Integer(None),
                Kind::Text => Cell::Text(None),
            });
        }
        return Err(bad(format!("{at}: missing (it must have a value)")));
    }
    match column.kind {
        Kind::Integer => value
            .as_i64()
            .map(|n| Cell::Integer(Some(n)))
            .ok_or_else(|| bad(format!("{at}: {value} is not an integer"))),
        Kind::Text => {
            let text = value.as_str().ok_or_else(|| bad(format!("{at}: {value} is not a text")))?;
            if let Some(check) = column.check
                && !check(text)
            {
                return Err(bad(format!("{at}: \"{text}\" is not a valid value")));
            }
            Ok(Cell::Text(Some(text.to_string())))
        }
    }
}

/// Refuse a plain restore into an account that holds records.
async fn ensure_empty(tx: &mut Transaction<'static, Any>, account_id: AccountId) -> Result<()> {
    let mut held = Vec::new();
    for section in SECTIONS {
        let statement = format!("SELECT COUNT(*) AS n FROM {} WHERE {}", section.table, section.scope);
        let count: i64 = sqlx::query(sqlx::AssertSqlSafe(statement))
            .bind(account_id.get())
            .fetch_one(&mut **tx)
            .await?
            .try_get("n")?;
        if count > 0 {
            held.push(format!("{count} {}", section.table.replace('_', " ")));
        }
    }
    if held.is_empty() {
        return Ok(());
    }
    Err(tickler_core::Error::Refused(format!(
        "the database already holds {}; restore into an empty database, or add --merge to add the backup's records beside them",
        held.join(", ")
    ))
    .into())
}

/// Set the account's settings (and creation time) to the backup's.
async fn restore_settings(
    tx: &mut Transaction<'static, Any>,
    account_id: AccountId,
    account: &Map<String, Value>,
) -> Result<()> {
    let assignments: Vec<String> =
        ACCOUNT_COLUMNS.iter().enumerate().map(|(i, c)| format!("{} = ${}", c.name, i + 2)).collect();
    let statement = format!("UPDATE accounts SET {} WHERE id = $1", assignments.join(", "));
    let mut query = sqlx::query(sqlx::AssertSqlSafe(statement)).bind(account_id.get());
    for column in ACCOUNT_COLUMNS {
        query = match cell(account, column, &format!("account, \"{}\"", column.name))? {
            Cell::Integer(number) => query.bind(number),
            Cell::Text(text) => query.bind(text),
        };
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

/// A row as a JSON object of its columns.
fn row_object(row: &AnyRow, columns: &[Column]) -> Result<Map<String, Value>> {
    let mut object = Map::with_capacity(columns.len());
    for column in columns {
        let value = match column.kind {
            Kind::Integer => row.try_get::<Option<i64>, _>(column.name)?.map_or(Value::Null, Value::from),
            Kind::Text => row.try_get::<Option<String>, _>(column.name)?.map_or(Value::Null, Value::from),
        };
        object.insert(column.name.to_string(), value);
    }
    Ok(object)
}

fn names(columns: &[Column]) -> String {
    columns.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
}

/// The columns a backup reads of a section: each as stored, but a user as the email they sign in with.
fn selected(section: &Section) -> String {
    let column = |column: &Column| match column.role {
        Role::User => format!(
            "(SELECT email FROM users WHERE users.id = {table}.{name}) AS {name}",
            table = section.table,
            name = column.name
        ),
        _ => column.name.to_string(),
    };
    section.columns.iter().map(column).collect::<Vec<_>>().join(", ")
}

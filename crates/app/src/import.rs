//! Importing a contact file (CSV or vCard) in batches, one way for the
//! command line, the API and the pages.

use std::io::BufRead;

use serde::Serialize;
use tickler_core::import::{ImportSummary, OnDuplicate, RowIssue};
use tickler_core::intake::non_blank;
use tickler_transfer::{ColumnMap, CsvContacts, Format, Layout, RowRead};

use crate::error::{Error, Kind, Result};
use crate::{Actor, App};

/// Rows written per transaction: a bad row never stops the others, and memory stays bounded.
pub const ROWS_PER_TRANSACTION: usize = 5_000;

/// How to read a contact file, as typed.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// csv or vcf; guessed from the file's name and first bytes when left out.
    pub format: Option<String>,
    /// skip (default), update or keep-both.
    pub on_duplicate: Option<String>,
    /// Unusual CSV columns, each "Column Name=field".
    pub maps: Vec<String>,
    /// Report what would happen without writing.
    pub dry_run: bool,
}

/// What an import did (or would do).
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// csv or vcf.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub format: Format,
    /// The CSV layout recognised from the header (google, outlook, plain).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub layout: Option<Layout>,
    pub on_duplicate: OnDuplicate,
    #[serde(flatten)]
    pub summary: ImportSummary,
}

/// A file format as typed: csv or vcf (vcard); `None` when not given.
pub fn format(text: Option<&str>) -> Result<Option<Format>> {
    match non_blank(text).map(str::to_lowercase).as_deref() {
        None => Ok(None),
        Some("csv") => Ok(Some(Format::Csv)),
        Some("vcf" | "vcard") => Ok(Some(Format::Vcf)),
        Some(other) => Err(Error::invalid("format", format!("unknown format \"{other}\"; use csv or vcf"))),
    }
}

/// Import every contact of `input` (named `file_name`, for guessing its format);
/// the report says what was created, updated, skipped and rejected (row, field,
/// reason). CSV streams; a vCard file is read whole (cards are small and the
/// parser wants the text). A file that cannot be read as its format is `Invalid`
/// naming `file`.
pub async fn import(
    app: &App,
    actor: &Actor,
    options: &ImportOptions,
    file_name: &str,
    mut input: impl BufRead,
) -> Result<ImportReport> {
    let on_duplicate = match non_blank(options.on_duplicate.as_deref()) {
        Some(text) => OnDuplicate::parse(text)?,
        None => OnDuplicate::default(),
    };
    let maps = options
        .maps
        .iter()
        .filter(|map| !map.trim().is_empty())
        .map(|map| ColumnMap::parse(map).map_err(|error| Error::invalid("map", error.to_string())))
        .collect::<Result<Vec<_>>>()?;
    let head = input.fill_buf().map_err(|error| file_error(error.into()))?;
    if head.is_empty() {
        return Err(Error::invalid("file", "the file is empty; give a CSV or vCard file"));
    }
    let format = match format(options.format.as_deref())? {
        Some(format) => format,
        None => Format::detect(file_name, head),
    };
    if format == Format::Vcf && !maps.is_empty() {
        return Err(Error::invalid("map", "a column map applies to CSV columns; a vCard names its fields itself"));
    }
    let mut import = app.store.begin_import(actor.account_id(), on_duplicate, options.dry_run, actor.now).await?;
    let mut layout = None;
    let mut left_out = Vec::new();
    let mut joining = Joining::default();
    match format {
        Format::Csv => {
            let mut rows = CsvContacts::new(input, &maps).map_err(file_error)?;
            layout = Some(rows.layout());
            let mut batch: Vec<RowRead> = Vec::with_capacity(ROWS_PER_TRANSACTION);
            for row in rows.by_ref() {
                let row = row.map_err(file_error)?;
                if let Ok(read) = &row {
                    joining.note(read);
                }
                batch.push(row);
                if batch.len() == ROWS_PER_TRANSACTION {
                    import.add_batch(std::mem::take(&mut batch)).await?;
                }
            }
            import.add_batch(batch).await?;
            left_out = rows.left_out();
        }
        Format::Vcf => {
            let mut bytes = Vec::new();
            input.read_to_end(&mut bytes).map_err(|error| file_error(error.into()))?;
            let mut cards = tickler_transfer::read_vcards(&bytes).map_err(file_error)?.into_iter().peekable();
            while cards.peek().is_some() {
                import.add_batch(cards.by_ref().take(ROWS_PER_TRANSACTION).collect()).await?;
            }
        }
    }
    let mut summary = import.finish().await?;
    summary.left_out = left_out;
    if !summary.dry_run {
        joining.join(app, actor, file_name, &mut summary).await?;
    }
    Ok(ImportReport { format, layout, on_duplicate, summary })
}

/// A file that cannot be read as its format is the person's to fix; a failed read is not.
fn file_error(error: tickler_transfer::Error) -> Error {
    match error {
        tickler_transfer::Error::Io(error) => Error::new(Kind::Unavailable, format!("file: cannot read: {error}")),
        other => Error::invalid("file", other.to_string()),
    }
}

/// The lists each imported row names, joined once its contact is written.
#[derive(Default)]
struct Joining {
    /// (row, the contact's first address, the list names).
    rows: Vec<(u64, String, Vec<String>)>,
}

impl Joining {
    fn note(&mut self, row: &tickler_core::import::ImportRow) {
        if let (false, Some(email)) = (row.lists.is_empty(), row.details.emails.first()) {
            self.rows.push((row.row, email.as_str().to_string(), row.lists.clone()));
        }
    }

    /// Add each contact to the lists its row names (source: import). A list that does not exist,
    /// or a contact who left it or said "never", is a warning naming the row; the contact stays imported.
    async fn join(self, app: &App, actor: &Actor, file_name: &str, summary: &mut ImportSummary) -> Result<()> {
        let reason = format!("imported from {file_name}");
        let by = tickler_store::ChangedBy {
            user_id: actor.user.as_ref().map(|user| user.id),
            reason: &reason,
            now: actor.now,
        };
        let join = tickler_store::MembershipChange::Join(tickler_core::list::MembershipSource::Import);
        let mut found = std::collections::HashMap::new();
        for (row, email, names) in self.rows {
            let contact = app.store.find_contact(actor.account_id(), &email).await?;
            for name in names {
                let key = name.to_lowercase();
                if !found.contains_key(&key) {
                    found.insert(key.clone(), app.store.find_list(actor.account_id(), &name).await.ok());
                }
                let Some(list) = found[&key].as_ref() else {
                    summary.warn(RowIssue::new(row, "lists", format!("no list is named \"{name}\"; create it first")));
                    continue;
                };
                if let Err(error) = app.store.change_membership(actor.account_id(), list.id, contact.id, join, by).await
                {
                    let error = Error::from(error);
                    summary.warn(RowIssue::new(row, "lists", format!("not added to \"{name}\": {}", error.message)));
                }
            }
        }
        Ok(())
    }
}

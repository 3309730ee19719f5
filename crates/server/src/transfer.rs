//! Importing a contact file (CSV or vCard) in batches, one way for the
//! command line (`tickler import`), the API and the pages.

use std::io::BufRead;

use jiff::Timestamp;
use tickler_core::import::{ImportSummary, OnDuplicate};
use tickler_store::Store;
use tickler_transfer::{ColumnMap, CsvContacts, Format, Layout, RowRead};

/// Rows written per transaction: a bad row never stops the others, and memory stays bounded.
pub const ROWS_PER_TRANSACTION: usize = 5_000;

/// Why an import could not run at all (a bad row is not this: it is in the summary).
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    /// The file cannot be read as the format.
    #[error(transparent)]
    File(#[from] tickler_transfer::Error),
    #[error(transparent)]
    Store(#[from] tickler_store::Error),
}

/// What to import and how.
pub struct ImportRequest<'a> {
    pub account_id: i64,
    pub format: Format,
    pub maps: &'a [ColumnMap],
    pub on_duplicate: OnDuplicate,
    pub dry_run: bool,
    pub now: Timestamp,
}

/// Import every contact of `input`; the summary says what was created,
/// updated, skipped and rejected (row, field, reason). CSV streams; a vCard
/// file is read whole (cards are small and the parser wants the text).
pub async fn import(
    store: &Store,
    request: &ImportRequest<'_>,
    mut input: impl BufRead,
) -> Result<(ImportSummary, Option<Layout>), ImportFailure> {
    let mut import = store.begin_import(request.account_id, request.on_duplicate, request.dry_run, request.now).await?;
    let mut layout = None;
    match request.format {
        Format::Csv => {
            let rows = CsvContacts::new(input, request.maps)?;
            layout = Some(rows.layout());
            let mut batch: Vec<RowRead> = Vec::with_capacity(ROWS_PER_TRANSACTION);
            for row in rows {
                batch.push(row?);
                if batch.len() == ROWS_PER_TRANSACTION {
                    import.add_batch(std::mem::take(&mut batch)).await?;
                }
            }
            import.add_batch(batch).await?;
        }
        Format::Vcf => {
            let mut bytes = Vec::new();
            input.read_to_end(&mut bytes).map_err(tickler_transfer::Error::Io)?;
            let mut cards = tickler_transfer::read_vcards(&bytes)?.into_iter().peekable();
            while cards.peek().is_some() {
                import.add_batch(cards.by_ref().take(ROWS_PER_TRANSACTION).collect()).await?;
            }
        }
    }
    Ok((import.finish().await?, layout))
}

//! A report as rows of text: the table beside each chart and the CSV download.

use serde::Serialize;

/// Column names and rows of cells, all text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with `columns` and `rows`.
    pub fn new(columns: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Table {
        Table { columns: columns.iter().map(|c| c.to_string()).collect(), rows: rows.into_iter().collect() }
    }

    /// RFC 4180 CSV: a header line, then one line per row, CRLF-terminated;
    /// a cell with a comma, quote or line break is quoted, its quotes doubled.
    /// A cell starting with `=`, `+`, `-` or `@` is prefixed with `'` so a
    /// spreadsheet does not run it as a formula.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        for line in std::iter::once(&self.columns).chain(self.rows.iter()) {
            let cells: Vec<String> = line.iter().map(|cell| csv_cell(cell)).collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
        out
    }
}

fn csv_cell(cell: &str) -> String {
    let guarded = match cell.chars().next() {
        Some('=' | '+' | '@') => format!("'{cell}"),
        Some('-') if cell.parse::<f64>().is_err() => format!("'{cell}"),
        _ => cell.to_string(),
    };
    if guarded.contains([',', '"', '\n', '\r']) { format!("\"{}\"", guarded.replace('"', "\"\"")) } else { guarded }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_only_when_they_must_be() {
        let table = Table::new(
            &["plan", "why"],
            [vec!["Cold, then warm".to_string(), "said \"no\"".to_string()], vec!["=1+1".into(), "-3".into()]],
        );
        assert_eq!(table.to_csv(), "plan,why\r\n\"Cold, then warm\",\"said \"\"no\"\"\"\r\n'=1+1,-3\r\n");
    }
}

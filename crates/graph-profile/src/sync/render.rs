//! Plain-text tables and CSV for plans and reports.

use serde_json::Value;

/// A table of text cells, rendered with each column as wide as its widest cell.
#[derive(Debug, Clone)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// Cells longer than this are cut with `…` in tables (never in CSV or JSON).
const CELL_MAX: usize = 60;

impl Table {
    /// An empty table with these column titles.
    pub fn new<const N: usize>(header: [&str; N]) -> Table {
        Table { header: header.iter().map(|h| (*h).to_owned()).collect(), rows: Vec::new() }
    }

    /// An empty table with column titles known only at run time.
    pub fn with_header(header: Vec<String>) -> Table {
        Table { header, rows: Vec::new() }
    }

    /// Adds a row of any length; missing cells are empty, extra ones dropped.
    pub fn push(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Adds a row; missing cells are empty.
    pub fn row<const N: usize>(&mut self, cells: [String; N]) {
        self.rows.push(cells.into_iter().collect());
    }

    /// Whether no row was added.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The aligned text, header first, a line per row.  The last column is not padded.
    pub fn render(&self) -> String {
        let cut = |cell: &str| -> String {
            if cell.chars().count() <= CELL_MAX {
                cell.to_owned()
            } else {
                let head: String = cell.chars().take(CELL_MAX - 1).collect();
                format!("{head}…")
            }
        };
        let rows: Vec<Vec<String>> = std::iter::once(&self.header)
            .chain(&self.rows)
            .map(|row| row.iter().map(|cell| cut(cell)).collect())
            .collect();

        let columns = self.header.len();
        let mut widths = vec![0; columns];
        for row in &rows {
            for (i, cell) in row.iter().enumerate().take(columns) {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }

        let mut out = String::new();
        for row in &rows {
            let mut line = String::new();
            for (i, width) in widths.iter().enumerate() {
                let cell = row.get(i).map(String::as_str).unwrap_or_default();
                line.push_str(cell);
                if i + 1 < columns {
                    let pad = width - cell.chars().count() + 2;
                    line.extend(std::iter::repeat_n(' ', pad));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// A JSON value in a table cell: text without quotes, `-` for null.
pub fn short_value(value: &Value) -> String {
    match value {
        Value::Null => "-".to_owned(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(short_value).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

/// Rows as CSV text with a header line.
pub fn to_csv<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> String {
    let rows: Vec<Vec<String>> = rows.iter().map(|row| row.to_vec()).collect();
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    rows_to_csv(&header, &rows)
}

/// Rows of any width as CSV text with a header line.
pub fn rows_to_csv(header: &[String], rows: &[Vec<String>]) -> String {
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    // Writing to memory cannot fail; a failure here would be a bug in csv.
    let _ = writer.write_record(header);
    for row in rows {
        let _ = writer.write_record(row);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up() {
        let mut table = Table::new(["A", "LONGER"]);
        table.row(["wide cell".to_owned(), "x".to_owned()]);
        assert_eq!(table.render(), "A          LONGER\nwide cell  x\n");
    }

    #[test]
    fn csv_quotes_what_needs_it() {
        let text = to_csv(["a", "b"], &[["x,y".to_owned(), "z".to_owned()]]);
        assert_eq!(text, "a,b\n\"x,y\",z\n");
    }
}

//! What the front ends write: the one definition of every output table.
//!
//! A [`Workbook`] is sheets of typed columns (header in the chosen language,
//! width, number format) and cells; [`results::results`] builds the results
//! workbook of scoring (评议结果 / 未计分的行 / 所用规则) from a report. The CLI
//! (`score -o`, `report`) and the office page (through the office wasm) both
//! take it from here, and write it with [`xlsx::to_xlsx`] (feature `xlsx`) or
//! [`csv_text`]: same sheets, columns, labels, formats, widths, frozen header.
//! [`forms`] defines the blank paper forms of the seeds (附件3/4/5/6) and the
//! entry workbook.

#[cfg(feature = "xlsx")]
pub mod entry;
pub mod forms;
pub mod report;
pub mod results;
pub mod units;
#[cfg(feature = "xlsx")]
pub mod xlsx;

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// How a column's numbers are shown (the full value is always kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Text.
    Text,
    /// A whole number (counts, rows).
    Count,
    /// Two decimals shown (scores, means, rates).
    Score,
}

impl Format {
    /// The spreadsheet number format (`None`: General).
    pub fn excel(self) -> Option<&'static str> {
        match self {
            Format::Text => None,
            Format::Count => Some("0"),
            Format::Score => Some("0.00"),
        }
    }
    /// A number as a page shows it: two decimals for scores, none for counts.
    pub fn show(self, x: f64) -> String {
        match self {
            Format::Score => format!("{x:.2}"),
            Format::Count => format!("{x:.0}"),
            Format::Text => x.to_string(),
        }
    }
}

/// One column of a sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// Header text in the chosen language.
    pub header: String,
    /// Width in characters (spreadsheet units).
    pub width: f64,
    /// Number format.
    pub format: Format,
    /// Shown on a narrow screen (a phone): the name, the composite, the conclusion.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub brief: bool,
}

impl Column {
    /// This column stays on a narrow screen.
    pub fn brief(mut self) -> Column {
        self.brief = true;
        self
    }
}

/// One cell: text, a number (full precision) or nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Cell {
    /// A number.
    Num(f64),
    /// Text (neutralised on the way out, see [`text_unquoted`]).
    Text(String),
    /// Nothing.
    Empty,
}

impl Cell {
    /// A text cell.
    pub fn t(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }
    /// A number cell, empty when not finite.
    pub fn n(x: f64) -> Cell {
        if x.is_finite() {
            Cell::Num(x)
        } else {
            Cell::Empty
        }
    }
    /// Text, or nothing when `s` is empty.
    pub fn opt(s: Option<&str>) -> Cell {
        match s {
            Some(s) if !s.is_empty() => Cell::t(s),
            _ => Cell::Empty,
        }
    }
}

/// One sheet: columns, rows, and how many leading rows and columns stay in view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sheet {
    /// Sheet name (also the CSV's only table).
    pub name: String,
    /// Columns.
    pub columns: Vec<Column>,
    /// Rows, one cell per column.
    pub rows: Vec<Vec<Cell>>,
    /// Frozen rows (the header) and columns (the name).
    pub freeze: (u32, u16),
}

/// Sheets of one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workbook {
    /// Sheets in order.
    pub sheets: Vec<Sheet>,
}

/// A column whose width follows its header (CJK characters count twice), at least `min`.
pub fn column(header: impl Into<String>, min: f64, format: Format) -> Column {
    let header = header.into();
    let w: usize = header.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    Column { width: (w as f64 + 2.0).max(min), header, format, brief: false }
}

/// Characters that make a spreadsheet read a text cell as a formula.
const FORMULA_START: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// A text cell for a spreadsheet (OWASP "CSV injection"): a cell that begins
/// with `=`, `+`, `-`, `@`, a tab or CR gets a leading `'` so it shows as text.
pub fn text_unquoted(s: &str) -> Cow<'_, str> {
    if s.starts_with(FORMULA_START) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// A text cell as a CSV must hold it: neutralised, then quoted if needed (RFC 4180).
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    let neutral = text_unquoted(s);
    if neutral.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        Cow::Owned(format!("\"{}\"", neutral.replace('"', "\"\"")))
    } else {
        neutral
    }
}

/// A number as CSV holds it: the shortest form that reads back the same, `9` not `9.0`.
pub fn csv_number(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let s = format!("{x}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// A sheet as CSV text: UTF-8 BOM (Excel on Chinese Windows reads UTF-8 only
/// with it), CRLF line ends, text neutralised, numbers at full precision.
pub fn csv_text(s: &Sheet) -> String {
    let mut out = String::from("\u{feff}");
    let head: Vec<Cow<'_, str>> = s.columns.iter().map(|c| csv_cell(&c.header)).collect();
    out.push_str(&head.join(","));
    out.push_str("\r\n");
    for row in &s.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cell::Text(t) => csv_cell(t).into_owned(),
                Cell::Num(x) => csv_number(*x),
                Cell::Empty => String::new(),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn csv_has_a_bom_and_neutralised_cells() {
        let s = Sheet {
            name: "x".into(),
            columns: vec![column("姓名", 8.0, Format::Text), column("综合得分", 8.0, Format::Score)],
            rows: vec![vec![Cell::t("=1+1"), Cell::n(88.5)], vec![Cell::t("李四"), Cell::Empty], vec![Cell::t("a,\"b\""), Cell::n(9.0)]],
            freeze: (1, 0),
        };
        assert_eq!(csv_text(&s), "\u{feff}姓名,综合得分\r\n'=1+1,88.5\r\n李四,\r\n\"a,\"\"b\"\"\",9\r\n");
        assert_eq!(csv_number(86.3333), "86.3333");
        assert_eq!(csv_number(-2.5), "-2.5");
        assert_eq!(s.columns[1].width, 10.0);
        assert_eq!(Format::Score.show(96.2), "96.20");
        assert_eq!(serde_json::to_string(&s.rows[1]).unwrap(), "[\"李四\",null]");
    }
}

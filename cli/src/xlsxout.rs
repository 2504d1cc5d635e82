//! Office files out: the result tables of `score -o` as a real XLSX workbook
//! (rust_xlsxwriter) or a UTF-8 CSV with a BOM (Excel on Chinese Windows
//! reads it as UTF-8 only with the BOM). Every text cell goes through
//! [`crate::csvout::text_unquoted`] — the one formula guard — and is written
//! as a string, never as a formula.

use crate::csvout;
use std::path::Path;

/// One cell of a result table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text (neutralised on the way out).
    Text(String),
    /// A number.
    Num(f64),
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
}

/// A named table: a header row and data rows.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Sheet name.
    pub name: String,
    /// Column headers.
    pub header: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

/// Writes the tables as sheets of one workbook.
pub fn write_xlsx(path: &Path, tables: &[Table]) -> Result<(), String> {
    use rust_xlsxwriter::{Format, Workbook};
    let e = |e: rust_xlsxwriter::XlsxError| format!("无法写出表格 / cannot write the workbook: {e}");
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    for t in tables {
        let ws = wb.add_worksheet();
        ws.set_name(&t.name).map_err(e)?;
        for (c, h) in t.header.iter().enumerate() {
            ws.write_string_with_format(0, col(c)?, csvout::text_unquoted(h).as_ref(), &bold).map_err(e)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).map_err(|_| "行数超出工作表上限 / too many rows".to_string())?;
            for (c, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Text(s) => {
                        ws.write_string(r, col(c)?, csvout::text_unquoted(s).as_ref()).map_err(e)?;
                    }
                    Cell::Num(x) => {
                        ws.write_number(r, col(c)?, *x).map_err(e)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        ws.set_freeze_panes(1, 0).map_err(e)?;
        ws.autofit();
    }
    wb.save(path).map_err(e)
}

fn col(c: usize) -> Result<u16, String> {
    u16::try_from(c).map_err(|_| "列数超出工作表上限 / too many columns".to_string())
}

/// The table as CSV text with a UTF-8 BOM and CRLF line ends.
pub fn csv_text(t: &Table) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&csvout::line(t.header.iter().map(String::as_str)));
    out.push_str("\r\n");
    let mut f = ryu::Buffer::new();
    for row in &t.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cell::Text(s) => csvout::text(s).into_owned(),
                Cell::Num(x) => csvout::number(&mut f, *x).to_string(),
                Cell::Empty => String::new(),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Writes the table as a CSV file with a BOM.
pub fn write_csv(path: &Path, t: &Table) -> Result<(), String> {
    std::fs::write(path, csv_text(t)).map_err(|e| format!("无法写出 / cannot write: {e}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn csv_has_a_bom_and_neutralised_cells() {
        let t = Table {
            name: "x".into(),
            header: vec!["姓名".into(), "综合得分".into()],
            rows: vec![vec![Cell::t("=1+1"), Cell::n(88.5)], vec![Cell::t("李四"), Cell::Empty]],
        };
        assert_eq!(csv_text(&t), "\u{feff}姓名,综合得分\r\n'=1+1,88.5\r\n李四,\r\n");
    }
}

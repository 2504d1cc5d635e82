//! The sheets of a workbook, whichever parser reads them (XLSX: [`crate::xlsx`]; XLSB, XLS,
//! ODS: [`crate::legacy`]): every sheet whose header fits is read, the others are named with
//! the reason, and a sheet's cells reach the table a row at a time.

use super::rows::{Cells, Inputs, Shown, Table, Target};
use super::value::{shown_as, Value};

/// Reads every sheet of a workbook whose header fits; the others are listed as skipped with
/// the reason. `sheets`: each sheet's name and whether it is visible; `read`: reads one sheet
/// into its table (XLSX and XLSB streamed, so a lone cell at XFD1048576 costs one cell).
pub(super) fn read_sheets(
    name: &str,
    sheets: Vec<(String, bool)>,
    mut read: impl FnMut(&str, &mut Table) -> Result<(), Skip>,
    target: &mut Target,
    inputs: &mut Inputs,
) -> Result<(), String> {
    if sheets.is_empty() {
        return Err("表格中没有工作表 / no worksheet".into());
    }
    let before = inputs.sources.len();
    for (sheet, visible) in sheets {
        let mut info = inputs.begin(name, Some(&sheet));
        if !visible {
            info.status = "skipped";
            info.reason = Some("隐藏的工作表不计分(如需计分,请在 Excel 中取消隐藏)/ hidden sheet".into());
            inputs.end(info);
            continue;
        }
        let was = super::rows::scored_digest(target);
        let stem = super::csv::file_stem(name);
        let mut table = Table::new(target, info.offset, &[&sheet, &stem]);
        table.sheet = Some(sheet.clone());
        let r = read(&sheet, &mut table);
        info.header_row = table.header_row;
        info.rater_group = table.found.as_ref().and_then(|f| f.group_name.clone());
        info.points_row = table.points_row;
        info.lines = table.max_line;
        info.digest = (table.data_rows > 0).then(|| std::hash::Hasher::finish(&table.hash));
        info.unknown_columns = table.found.as_ref().map(|f| f.unknown.clone()).unwrap_or_default();
        let no_header = table.header_row.is_none();
        drop(table);
        // Forms: the sheets as scored, so a sheet equal to a CSV or to another workbook's is found too.
        if let (Some(a), Some(b)) = (was, super::rows::scored_digest(target)) {
            info.digest = super::rows::rows_digest(a, b);
        }
        match r {
            Ok(()) => {}
            Err(Skip(why)) if no_header => {
                info.status = "skipped";
                info.reason = Some(why);
            }
            // Rows of this sheet were already counted: stopping halfway would be silently wrong.
            Err(Skip(why)) => {
                return Err(format!("工作表“{sheet}”第 {} 行之后无法读取 / sheet unreadable after row {}: {why}", info.lines, info.lines))
            }
        }
        inputs.end(info);
    }
    let here = &inputs.sources[before..];
    if !here.iter().any(|s| s.status == "read") {
        let why: Vec<String> = here.iter().map(|s| format!("“{}”:{}", s.sheet.as_deref().unwrap_or(""), s.reason.as_deref().unwrap_or(""))).collect();
        return Err(format!("没有可计分的工作表 / no sheet with a usable header:{}", why.join(";")));
    }
    Ok(())
}

/// Excel's limits: 1,048,576 rows, 16,384 columns (XFD).
pub(super) const MAX_SHEET_ROWS: u32 = 1 << 20;
pub(super) const MAX_SHEET_COLS: u32 = 1 << 14;

/// Why a sheet was not (fully) read.
pub(super) struct Skip(pub String);

/// A sheet's cells in the order the file gives them, handed to the table a row at a time.
#[derive(Default)]
pub(super) struct RowFeed {
    row: Option<u64>,
    cells: Vec<(usize, String)>,
    shown: Vec<Shown>,
}

impl RowFeed {
    /// One cell (0-based row and column) with its value and, when known, its number format.
    pub fn push(&mut self, row: u64, col: u64, v: Value, fmt: Option<(&str, Option<u32>)>, table: &mut Table) -> Result<(), String> {
        if self.row.is_some_and(|r| r != row) {
            self.flush(table)?;
        }
        if row >= u64::from(MAX_SHEET_ROWS) || col >= u64::from(MAX_SHEET_COLS) {
            // Beyond what Excel can hold: a damaged (or hostile) reference.
            return Err("单元格位置超出工作表范围(最大 XFD1048576),表格文件已损坏 / a cell beyond XFD1048576: damaged workbook".into());
        }
        self.row = Some(row);
        if let Some(s) = shown_as(&v, fmt) {
            self.shown.push(Shown { col: col as usize, ..s });
        }
        let s = v.to_string();
        if !s.is_empty() {
            self.cells.push((col as usize, s));
        }
        Ok(())
    }

    fn flush(&mut self, table: &mut Table) -> Result<(), String> {
        let line = self.row.map_or(0, |r| r as usize + 1);
        flush(line, std::mem::take(&mut self.cells), &std::mem::take(&mut self.shown), table)
    }

    /// After the sheet's last cell.
    pub fn end(mut self, table: &mut Table) -> Result<(), String> {
        if self.row.is_some() {
            self.flush(table)?;
        }
        table.finish()
    }
}

pub(super) fn flush(line: usize, mut cells: Vec<(usize, String)>, shown: &[Shown], table: &mut Table) -> Result<(), String> {
    cells.sort_by_key(|c| c.0);
    if cells.windows(2).any(|w| w[0].0 == w[1].0) {
        return table.bad(line, "同一单元格在文件中出现两次 / the same cell appears twice".into());
    }
    table.feed_shown(line, &Cells(cells), shown)
}

//! A [`Workbook`] as an XLSX file (rust_xlsxwriter): the one writer of the
//! CLI and the office page. Text cells are neutralised ([`text_unquoted`]) and
//! written as strings, never as formulas; numbers keep their full value and
//! show in their column's format; widths and the frozen header come from the
//! definition.

use super::{text_unquoted, Cell, Workbook};
use rust_xlsxwriter::{ExcelDateTime, Format as XFormat, Workbook as XWorkbook, Worksheet, XlsxError};

/// The error of a workbook that cannot be written, worded for people.
pub fn error(e: XlsxError) -> String {
    format!("无法写出表格 / cannot write the workbook: {e}")
}

/// A column index, or the error of a sheet too wide.
pub fn col(c: usize) -> Result<u16, String> {
    u16::try_from(c).map_err(|_| "列数超出工作表上限 / too many columns".to_string())
}

/// A row index, or the error of a sheet too long.
pub fn row(r: usize) -> Result<u32, String> {
    u32::try_from(r).map_err(|_| "行数超出工作表上限 / too many rows".to_string())
}

/// A new workbook with fixed document properties (the same bytes for the same input).
pub fn new_workbook() -> Result<XWorkbook, String> {
    let mut wb = XWorkbook::new();
    let when = ExcelDateTime::from_ymd(2000, 1, 1).map_err(error)?;
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&when).set_author("xianjiao"));
    Ok(wb)
}

/// Writes one sheet of the definition into a worksheet.
pub fn write_sheet(ws: &mut Worksheet, s: &super::Sheet) -> Result<(), String> {
    ws.set_name(&s.name).map_err(error)?;
    let head = XFormat::new().set_bold().set_background_color("F2F2F2").set_text_wrap();
    for (c, column) in s.columns.iter().enumerate() {
        let c = col(c)?;
        ws.write_string_with_format(0, c, text_unquoted(&column.header).as_ref(), &head).map_err(error)?;
        ws.set_column_width(c, column.width).map_err(error)?;
        if let Some(f) = column.format.excel() {
            ws.set_column_format(c, &XFormat::new().set_num_format(f)).map_err(error)?;
        }
    }
    for (r, cells) in s.rows.iter().enumerate() {
        let r = row(r + 1)?;
        for (c, cell) in cells.iter().enumerate() {
            let fmt = s.columns.get(c).and_then(|x| x.format.excel()).map(|f| XFormat::new().set_num_format(f));
            match (cell, fmt) {
                (Cell::Text(t), _) => {
                    ws.write_string(r, col(c)?, text_unquoted(t).as_ref()).map_err(error)?;
                }
                (Cell::Num(x), Some(f)) => {
                    ws.write_number_with_format(r, col(c)?, *x, &f).map_err(error)?;
                }
                (Cell::Num(x), None) => {
                    ws.write_number(r, col(c)?, *x).map_err(error)?;
                }
                (Cell::Empty, _) => {}
            }
        }
    }
    ws.set_freeze_panes(s.freeze.0, s.freeze.1).map_err(error)?;
    Ok(())
}

/// The workbook as XLSX bytes.
pub fn to_xlsx(w: &Workbook) -> Result<Vec<u8>, String> {
    let mut wb = new_workbook()?;
    for s in &w.sheets {
        write_sheet(wb.add_worksheet(), s)?;
    }
    wb.save_to_buffer().map_err(error)
}

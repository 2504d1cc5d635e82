//! XLSB, XLS and ODS through calamine: the formats the office page's first download does
//! not read (the full office wasm and the CLI do). Their cells go into the same sheet loop
//! ([`crate::workbook`]) and mean what an XLSX's do ([`crate::value`]).

use super::biff::XlsFormats;
use super::rows::{Shown, Table};
use super::value::{shown_as, Value};
use super::workbook::{flush, RowFeed, Skip};
use super::zipped::Zip;
use std::io::Cursor;

/// An ODS that asks for more cells than any appraisal sheet holds.
pub fn ods_too_big(n: u64) -> String {
    format!("此 ODS 表格声明了约 {n} 个单元格(上限 {MAX_ODS_CELLS}),可能已损坏;请在 Excel 或 WPS 中另存为 XLSX 或 CSV / the ODS file asks for {n} cells (limit {MAX_ODS_CELLS}): save it as XLSX or CSV")
}

/// Calls into calamine behind a panic guard: a damaged workbook can make the
/// parser overflow a cell reference (a panic in debug builds, a wrapped row
/// number in release). Either way the file is reported as damaged and nothing
/// more is read from it.
pub fn shielded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err("表格文件已损坏(单元格引用无效)/ damaged workbook (invalid cell reference)".into()))
}

/// A workbook calamine opens, by the file's extension.
pub(super) struct Legacy<'a> {
    wb: calamine::Sheets<Cursor<&'a [u8]>>,
    ods: Vec<(String, Vec<OdsRun>)>,
    xls: XlsFormats,
}

impl<'a> Legacy<'a> {
    /// Opens an XLSB, XLS (or XLA) or ODS by its extension (`ext`, lower-case); its zipped parts and
    /// an ODS's cell count are checked first.
    pub fn open(ext: &str, bytes: &'a [u8]) -> Result<Self, String> {
        use calamine::{open_workbook_from_rs, Ods, Sheets, Xls, Xlsb};
        let cannot = |e: String| format!("无法打开表格 / cannot open spreadsheet: {e}");
        super::zipped::check_parts(bytes)?;
        let (mut ods, mut xls) = (vec![], XlsFormats::default());
        if matches!(ext, "xls" | "xla") {
            xls = super::biff::xls_formats(bytes);
        }
        if ext == "ods" {
            let xml = ods_content(bytes).map_err(cannot)?;
            let n = ods_cells_in(&xml);
            if n > MAX_ODS_CELLS {
                return Err(ods_too_big(n));
            }
            ods = ods_shown(&xml).map_err(cannot)?;
        }
        let s = |e: &dyn std::fmt::Display| e.to_string();
        let r = Cursor::new(bytes);
        let wb = shielded(|| {
            Ok(match ext {
                "xls" | "xla" => Sheets::Xls(open_workbook_from_rs::<Xls<_>, _>(r).map_err(|e| s(&e))?),
                "xlsb" => Sheets::Xlsb(open_workbook_from_rs::<Xlsb<_>, _>(r).map_err(|e| s(&e))?),
                _ => Sheets::Ods(open_workbook_from_rs::<Ods<_>, _>(r).map_err(|e| s(&e))?),
            })
        })
        .map_err(cannot)?;
        Ok(Legacy { wb, ods, xls })
    }

    /// The sheets, each with whether it is visible.
    pub fn sheets(&self) -> Vec<(String, bool)> {
        use calamine::{Reader, SheetVisible};
        self.wb.sheets_metadata().iter().map(|s| (s.name.clone(), s.visible == SheetVisible::Visible)).collect()
    }

    /// Reads one sheet into `table`: XLSB streamed, XLS and ODS whole.
    pub fn read(&mut self, sheet: &str, table: &mut Table) -> Result<(), Skip> {
        use calamine::Reader;
        let cant = |e: String| Skip(format!("无法读取此工作表 / cannot read the sheet: {e}"));
        match &mut self.wb {
            calamine::Sheets::Xlsb(x) => match shielded(|| x.worksheet_cells_reader(sheet).map_err(|e| e.to_string())) {
                Ok(mut rd) => {
                    let mut feed = RowFeed::default();
                    while let Some(c) = shielded(|| rd.next_cell().map_err(|e| e.to_string())).map_err(Skip)? {
                        let (r, col) = c.get_position();
                        let v: calamine::Data = c.get_value().clone().into();
                        feed.push(u64::from(r), u64::from(col), Value::from(v), None, table).map_err(Skip)?;
                    }
                    feed.end(table).map_err(Skip)
                }
                Err(e) => Err(cant(e)),
            },
            other => match shielded(|| other.worksheet_range(sheet).map_err(|e| e.to_string())) {
                Ok(range) => range_rows(&range, self.ods.iter().find(|s| s.0 == sheet).map_or(&[], |s| &s.1[..]), &self.xls.sheet(sheet), table),
                Err(e) => Err(cant(e)),
            },
        }
    }

    /// Every sheet's range, for [`crate::workbook_cells`].
    pub fn ranges(&mut self) -> Result<Vec<(String, calamine::Range<calamine::Data>)>, String> {
        use calamine::Reader;
        let names = self.wb.sheet_names();
        names.into_iter().map(|n| shielded(|| self.wb.worksheet_range(&n).map_err(|e| e.to_string())).map(|r| (n, r))).collect()
    }
}

/// Cells an ODS may expand to: calamine builds ODS sheets densely, and
/// `number-rows-repeated` × `number-columns-repeated` lets a file of a few
/// hundred bytes ask for billions of cells (calamine itself stops at 100
/// million, about 3 GB). Appraisal sheets hold tens of thousands.
pub const MAX_ODS_CELLS: u64 = 5_000_000;

/// Counts the cells an ODS's `content.xml` asks for, before calamine
/// allocates them: per row, the repeats of the row times the columns up to its
/// last cell with content (a self-closing cell is empty).
pub fn ods_cells(bytes: &[u8]) -> Result<u64, String> {
    Ok(ods_cells_in(&ods_content(bytes)?))
}

/// An ODS's `content.xml`, where its cells are.
pub(super) fn ods_content(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let z = Zip::open(bytes)?.ok_or("not a zip")?;
    z.read(z.find("content.xml").ok_or("content.xml not found")?)
}

/// [`ods_cells`] on `content.xml`.
pub(super) fn ods_cells_in(xml: &[u8]) -> u64 {
    let attr = |tag: &[u8], name: &[u8]| -> u64 {
        memchr::memmem::find(tag, name)
            .and_then(|i| {
                let v = &tag[i + name.len()..];
                let end = v.iter().position(|&b| b == b'"')?;
                std::str::from_utf8(&v[..end]).ok()?.parse().ok()
            })
            .unwrap_or(1)
    };
    let (mut total, mut row_rep, mut pos, mut last) = (0u64, 1u64, 0u64, 0u64);
    let mut at = 0;
    while let Some(i) = memchr::memchr(b'<', &xml[at..]).map(|i| at + i) {
        let end = memchr::memchr(b'>', &xml[i..]).map_or(xml.len(), |j| i + j);
        let tag = &xml[i + 1..end];
        let is = |name: &[u8]| tag.starts_with(name) && tag.get(name.len()).is_some_and(|&b| matches!(b, b' ' | b'/' | b'\t' | b'\n' | b'\r'));
        if is(b"table:table-row") || tag == b"table:table-row" {
            row_rep = attr(tag, b"table:number-rows-repeated=\"");
            pos = 0;
            last = 0;
        } else if is(b"table:table-cell") || is(b"table:covered-table-cell") || tag == b"table:table-cell" || tag == b"table:covered-table-cell" {
            pos = pos.saturating_add(attr(tag, b"table:number-columns-repeated=\""));
            if !tag.ends_with(b"/") {
                last = pos;
            }
        } else if tag.starts_with(b"/table:table-row") {
            total = total.saturating_add(row_rep.saturating_mul(last));
        }
        at = end + 1;
        if at >= xml.len() {
            break;
        }
    }
    total
}

/// ODS cells of one value type that show the same text: rows `row..row + rows` and columns
/// `col..col + cols` of their sheet (0-based), as `number-rows-repeated` and
/// `number-columns-repeated` give them.
#[derive(Debug, Clone)]
pub(crate) struct OdsRun {
    row: u64,
    rows: u64,
    col: u64,
    cols: u64,
    shown: Shown,
}

/// What calamine does not keep of an ODS: it reads a percent or an amount of money as the bare
/// number (0.95 for “95%”), and a date or a time as its ISO value (2005-09-05, PT09H00M00S),
/// never the text the sheet shows (`<text:p>`). This reads them from `content.xml`, by sheet
/// (`table:name`) and in row order: every cell whose `office:value-type` is `percentage`,
/// `currency`, `date` or `time`, with its text (or, when the file has none, its value written out).
pub(super) fn ods_shown(xml: &[u8]) -> Result<Vec<(String, Vec<OdsRun>)>, String> {
    use quick_xml::events::Event;
    let mut rd = quick_xml::Reader::from_reader(xml);
    // As calamine reads it (a self-closing element is a start and an end).
    let cfg = rd.config_mut();
    cfg.check_end_names = false;
    cfg.trim_text(false);
    cfg.expand_empty_elements = true;
    let mut out: Vec<(String, Vec<OdsRun>)> = vec![];
    let (mut row, mut rows, mut col) = (0u64, 1u64, 0u64);
    // The cell being read: its run, and its text so far (paragraphs so far).
    let mut cell: Option<(OdsRun, String, usize)> = None;
    let mut note = 0usize; // inside office:annotation (a comment, not what the cell shows)
    let mut depth = 0usize; // tables: a table inside a cell (a subtable) is not a sheet (calamine stops at its end)
    let mut buf = vec![];
    let num = |e: &quick_xml::events::BytesStart, key: &str| -> Option<u64> {
        e.attributes().flatten().find(|a| a.key.as_ref() == key).and_then(|a| a.value.trim().parse().ok())
    };
    let text = |e: &quick_xml::events::BytesStart, key: &str| -> Option<String> {
        e.attributes().flatten().find(|a| a.key.as_ref() == key).map(|a| a.value.to_string())
    };
    loop {
        buf.clear();
        match rd.read_event_into(&mut buf).map_err(|e| format!("content.xml: {e}"))? {
            Event::Start(e) => match e.name().as_ref() {
                "table:table" => {
                    depth += 1;
                    if depth == 1 {
                        out.push((text(&e, "table:name").unwrap_or_default(), vec![]));
                        row = 0;
                    }
                }
                _ if depth != 1 => {}
                "table:table-row" => {
                    rows = num(&e, "table:number-rows-repeated").unwrap_or(1).max(1);
                    col = 0;
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let cols = num(&e, "table:number-columns-repeated").unwrap_or(1).max(1);
                    let kind = text(&e, "office:value-type").and_then(|t| ods_kind(&e, &t, &text));
                    cell = kind.map(|(shown, fallback)| (OdsRun { row, rows, col, cols, shown }, fallback, 0));
                    col = col.saturating_add(cols);
                }
                "office:annotation" => note += 1,
                "text:p" | "text:h" if note == 0 => {
                    if let Some((_, t, paragraphs)) = &mut cell {
                        if *paragraphs == 0 {
                            t.clear(); // the text replaces the value written out
                        } else {
                            push_capped(t, "\n");
                        }
                        *paragraphs += 1;
                    }
                }
                "text:s" if note == 0 => {
                    if let Some((_, t, _)) = &mut cell {
                        push_capped(t, &" ".repeat(num(&e, "text:c").unwrap_or(1).min(64) as usize));
                    }
                }
                "text:tab" if note == 0 => cell.iter_mut().for_each(|c| push_capped(&mut c.1, "\t")),
                "text:line-break" if note == 0 => cell.iter_mut().for_each(|c| push_capped(&mut c.1, "\n")),
                _ => {}
            },
            Event::Text(t) if note == 0 => {
                if let Some((_, s, 1..)) = &mut cell {
                    push_capped(s, &t.xml10_content());
                }
            }
            Event::GeneralRef(r) if note == 0 => {
                if let Some((_, s, 1..)) = &mut cell {
                    let name: &str = &r;
                    match (quick_xml::escape::resolve_xml_entity(name), r.resolve_char_ref()) {
                        (Some(x), _) => push_capped(s, x),
                        (None, Ok(Some(c))) => push_capped(s, c.encode_utf8(&mut [0; 4])),
                        _ => push_capped(s, &format!("&{name};")),
                    }
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "table:table" => depth = depth.saturating_sub(1),
                _ if depth != 1 => {}
                "table:table-row" => row = row.saturating_add(rows),
                "table:table-cell" | "table:covered-table-cell" => {
                    if let (Some((mut run, t, _)), Some(sheet)) = (cell.take(), out.last_mut()) {
                        run.shown.text = shown_text(t.trim());
                        if run.shown.iso.as_deref() == Some(run.shown.text.as_str()) {
                            run.shown.iso = None;
                        }
                        sheet.1.push(run);
                    }
                }
                "office:annotation" => note = note.saturating_sub(1),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// An ODS cell's kind by its `office:value-type` (percentage, currency, date, time; `None` for the
/// others, which calamine reads as the sheet shows them), with its value written out for a cell
/// without text, and the date in full.
fn ods_kind(
    e: &quick_xml::events::BytesStart,
    value_type: &str,
    attr: &dyn Fn(&quick_xml::events::BytesStart, &str) -> Option<String>,
) -> Option<(Shown, String)> {
    let shown = |kind, iso| Shown { col: 0, text: String::new(), iso, kind };
    let value = || attr(e, "office:value").unwrap_or_default();
    Some(match value_type {
        "percentage" => {
            let v = value().trim().parse::<f64>().map_or_else(|_| value(), |v| format!("{}%", (v * 1e8).round() / 1e6));
            (shown(("百分比", "a percent"), None), v)
        }
        "currency" => {
            let v = format!("{} {}", value(), attr(e, "office:currency").unwrap_or_default());
            (shown(("金额", "an amount of money"), None), v.trim().to_string())
        }
        "date" => {
            let v = attr(e, "office:date-value").unwrap_or_default();
            let (day, time) = v.split_once('T').unwrap_or((&v, ""));
            let iso = if time.chars().all(|c| matches!(c, '0' | ':' | '.')) { day.to_string() } else { format!("{day} {time}") };
            (shown(("日期", "a date"), Some(iso.clone())), iso)
        }
        "time" => (shown(("时间或时长", "a time or duration"), None), attr(e, "office:time-value").unwrap_or_default()),
        _ => return None,
    })
}

/// Appends to a cell's text while it is short: a message quotes 64 characters at most.
fn push_capped(t: &mut String, x: &str) {
    if t.len() < 1024 {
        t.push_str(x);
    }
}

/// A cell's text for a message: control characters escaped, at most 64 characters.
fn shown_text(t: &str) -> String {
    let mut out: String = t.chars().take(64).flat_map(|c| if c.is_control() { c.escape_default().collect::<Vec<_>>() } else { vec![c] }).collect();
    if t.chars().nth(64).is_some() {
        out.push('…');
    }
    out
}

/// The rows of a sheet read whole (XLS, ODS); `runs`: an ODS sheet's cells shown as something
/// other than a number ([`ods_shown`]), in row order: what they show is taken from there; `fmt`: an
/// XLS cell's number format by (row, column), as [`shown_as`] takes it.
pub(super) fn range_rows<'f>(
    range: &calamine::Range<calamine::Data>,
    runs: &[OdsRun],
    fmt: &dyn Fn(u64, u64) -> Option<(&'f str, Option<u32>)>,
    table: &mut Table,
) -> Result<(), Skip> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let (c0, width) = (u64::from(c0), range.width() as u64);
    let (mut next, mut active) = (0, Vec::<&OdsRun>::new());
    for (i, row) in range.rows().enumerate() {
        // The runs that cover this row (they start in row order): each of their cells as the sheet shows it.
        let r = u64::from(r0) + i as u64;
        while let Some(x) = runs.get(next).filter(|x| x.row <= r) {
            active.push(x);
            next += 1;
        }
        active.retain(|x| x.row.saturating_add(x.rows) > r);
        let mut shown: Vec<Shown> = active
            .iter()
            .flat_map(|x| (x.col.max(c0)..x.col.saturating_add(x.cols).min(c0 + width)).map(|c| Shown { col: c as usize, ..x.shown.clone() }))
            .collect();
        shown.sort_by_key(|s| s.col);
        let from_runs = shown.len();
        let cells: Vec<(usize, String)> = row
            .iter()
            .enumerate()
            .filter_map(|(j, c)| {
                let col = c0 as usize + j;
                if shown[..from_runs].binary_search_by_key(&col, |s| s.col).is_err() {
                    if let Some(s) = shown_as(&Value::from(c.clone()), fmt(r, col as u64)) {
                        shown.push(Shown { col, ..s });
                    }
                }
                let s = c.to_string();
                (!s.is_empty()).then_some((col, s))
            })
            .collect();
        flush(r0 as usize + i + 1, cells, &shown, table).map_err(Skip)?;
    }
    table.finish().map_err(Skip)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn ods_cells_shown_are_placed_by_repeats_and_covered_cells_and_read_as_shown() {
        let long = "9".repeat(2000);
        let xml = format!(
            r#"<office:document-content><office:body><office:spreadsheet><table:table table:name="A">
<table:table-row table:number-rows-repeated="2"><table:covered-table-cell table:number-columns-repeated="2"/><table:table-cell office:value-type="percentage" office:value="0.5"><text:p>50<text:s text:c="2"/>%</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell><table:table table:name="inner"><table:table-row><table:table-cell office:value-type="percentage" office:value="1"><text:p>x</text:p></table:table-cell></table:table-row></table:table></table:table-cell><table:table-cell office:value-type="date" office:date-value="2026-01-02T09:30:00"><text:p>&lt;9:30&gt;</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="currency" office:value="9" office:currency="CNY"><text:p>{long}</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="9"><text:p>9</text:p></table:table-cell></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        let sheets = ods_shown(xml.as_bytes()).unwrap();
        // The subtable inside a cell is not a sheet, and its rows do not move the sheet's.
        assert_eq!(sheets.iter().map(|s| s.0.as_str()).collect::<Vec<_>>(), ["A"]);
        let runs: Vec<_> = sheets[0].1.iter().map(|r| (r.row, r.rows, r.col, r.cols, r.shown.text.as_str(), r.shown.iso.as_deref())).collect();
        let capped = format!("{}…", "9".repeat(64));
        assert_eq!(runs, [(0, 2, 2, 1, "50  %", None), (2, 1, 1, 1, "<9:30>", Some("2026-01-02 09:30:00")), (3, 1, 0, 1, capped.as_str(), None)]);
        // Read as leniently as calamine reads it (end names unchecked): a cut document is calamine's to refuse.
        assert!(ods_shown(b"<table:table table:name=\"A\"><table:table-row><table:table-cell office:value-type=\"percentage\">").is_ok());
    }
}

//! Workbooks (XLSX, XLSB, XLS, ODS through calamine): every sheet whose
//! header fits, cells streamed, damaged files reported rather than panicking.

use super::biff::XlsFormats;
use super::numfmt::{bare_format, currency};
use super::rows::{Cells, Inputs, Shown, Table, Target};
use std::io::{Read, Seek};

/// Reads every sheet of a workbook whose header fits; the others are listed
/// as skipped with the reason. XLSX and XLSB cells are streamed (a lone cell
/// at XFD1048576 costs one cell, not the sheet's declared size). `ods`: an ODS's
/// cells that show something other than a number ([`ods_shown`]), by sheet; `xls`: an XLS's
/// number formats ([`crate::biff`]).
pub(super) fn workbook<RS: Read + Seek>(
    name: &str,
    wb: calamine::Sheets<RS>,
    ods: &[(String, Vec<OdsRun>)],
    xls: &XlsFormats,
    target: &mut Target,
    inputs: &mut Inputs,
) -> Result<(), String> {
    use calamine::{Reader, SheetVisible};
    let mut wb = wb;
    let sheets: Vec<(String, bool)> = wb.sheets_metadata().iter().map(|s| (s.name.clone(), s.visible == SheetVisible::Visible)).collect();
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
        let cant = |e: String| Skip(format!("无法读取此工作表 / cannot read the sheet: {e}"));
        let r = match &mut wb {
            calamine::Sheets::Xlsx(x) => match shielded(|| x.worksheet_cells_reader(&sheet).map_err(|e| e.to_string())) {
                Ok(mut rd) => {
                    // Each style's number format: a percent is only seen there (the value is a plain number).
                    let formats: Vec<Option<(String, Option<u32>)>> =
                        rd.styles().iter().map(|s| s.number_format.as_ref().map(|f| (f.format_code.clone(), f.format_id))).collect();
                    stream_cells(|| shielded(|| rd.next_cell_with_style_id().map_err(|e| e.to_string())), &formats, &mut table)
                }
                Err(e) => Err(cant(e)),
            },
            calamine::Sheets::Xlsb(x) => match shielded(|| x.worksheet_cells_reader(&sheet).map_err(|e| e.to_string())) {
                Ok(mut rd) => stream_cells(|| shielded(|| rd.next_cell().map(|c| c.map(|c| (c, 0))).map_err(|e| e.to_string())), &[], &mut table),
                Err(e) => Err(cant(e)),
            },
            other => match shielded(|| other.worksheet_range(&sheet).map_err(|e| e.to_string())) {
                Ok(range) => range_rows(&range, ods.iter().find(|s| s.0 == sheet).map_or(&[], |s| &s.1[..]), &xls.sheet(&sheet), &mut table),
                Err(e) => Err(cant(e)),
            },
        };
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

/// Inflated size any part of a workbook may reach regardless of how well it compressed.
const PART_FLOOR: u64 = 64 << 20;
/// Beyond [`PART_FLOOR`], how many times its compressed size a part may inflate to:
/// XML compresses 10 to 30 times; a zip bomb, thousands.
const PART_RATIO: u64 = 100;
/// No part is read beyond this, whatever its ratio.
const PART_MAX: u64 = 1 << 30;

/// Checks every part of a zipped workbook (XLSX, XLSM, XLSB, ODS) before the
/// parser sees it: each is inflated into nothing, counting, and refused as
/// soon as it outgrows its cap, so a 1 MB file that inflates to 1 GB costs a
/// fraction of a second and no memory. The size the zip directory declares is
/// checked first, but not trusted.
pub fn check_parts<R: Read + Seek>(r: R) -> Result<(), String> {
    let mut z = match zip::ZipArchive::new(r) {
        Ok(z) => z,
        Err(_) => return Ok(()), // not a zip (XLS): calamine says what it is
    };
    for i in 0..z.len() {
        let f = z.by_index(i).map_err(|e| format!("表格文件已损坏 / damaged workbook: {e}"))?;
        let name = f.name().map(|n| n.to_string()).unwrap_or_else(|_| format!("#{i}"));
        let packed = f.compressed_size();
        let cap = PART_FLOOR.max(packed.saturating_mul(PART_RATIO)).min(PART_MAX);
        let too_big = |n: u64| {
            format!(
                "表格中的“{name}”解压后超过 {} MB(压缩前 {} KB),可能是恶意或已损坏的文件,已拒绝读取;请在 Excel 中另存为新的 XLSX 或 CSV 后重试 / a part of the workbook inflates beyond {} MB: refused",
                n >> 20,
                packed >> 10,
                n >> 20
            )
        };
        if f.size() > cap {
            return Err(too_big(cap));
        }
        let n = std::io::copy(&mut f.take(cap + 1), &mut std::io::sink()).map_err(|e| format!("表格文件已损坏 / damaged workbook: {name}: {e}"))?;
        if n > cap {
            return Err(too_big(cap));
        }
    }
    Ok(())
}

/// Cells an ODS may expand to: calamine builds ODS sheets densely, and
/// `number-rows-repeated` × `number-columns-repeated` lets a file of a few
/// hundred bytes ask for billions of cells (calamine itself stops at 100
/// million, about 3 GB). Appraisal sheets hold tens of thousands.
pub const MAX_ODS_CELLS: u64 = 5_000_000;

/// Counts the cells an ODS's `content.xml` asks for, before calamine
/// allocates them: per row, the repeats of the row times the columns up to its
/// last cell with content (a self-closing cell is empty).
pub fn ods_cells<R: Read + Seek>(r: R) -> Result<u64, String> {
    Ok(ods_cells_in(&ods_content(r)?))
}

/// An ODS's `content.xml`, where its cells are.
pub(super) fn ods_content<R: Read + Seek>(r: R) -> Result<Vec<u8>, String> {
    let mut z = zip::ZipArchive::new(r).map_err(|e| e.to_string())?;
    let f = z.by_name("content.xml").map_err(|e| e.to_string())?;
    let mut xml = vec![];
    f.take(512 << 20).read_to_end(&mut xml).map_err(|e| e.to_string())?;
    Ok(xml)
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

/// Excel's limits: 1,048,576 rows, 16,384 columns (XFD).
pub(super) const MAX_SHEET_ROWS: u32 = 1 << 20;
pub(super) const MAX_SHEET_COLS: u32 = 1 << 14;

/// Why a sheet was not (fully) read.
pub(super) struct Skip(String);

/// Calls into calamine behind a panic guard: a damaged workbook can make the
/// parser overflow a cell reference (a panic in debug builds, a wrapped row
/// number in release). Either way the file is reported as damaged and nothing
/// more is read from it.
pub fn shielded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err("表格文件已损坏(单元格引用无效)/ damaged workbook (invalid cell reference)".into()))
}

pub(super) fn stream_cells<'a>(
    mut next: impl FnMut() -> Result<Option<(calamine::Cell<calamine::DataRef<'a>>, usize)>, String>,
    formats: &[Option<(String, Option<u32>)>],
    table: &mut Table,
) -> Result<(), Skip> {
    let mut cur: Option<u32> = None;
    let mut cells: Vec<(usize, String)> = vec![];
    let mut shown: Vec<Shown> = vec![];
    loop {
        let c = next().map_err(Skip)?;
        let pos = c.as_ref().map(|c| c.0.get_position());
        if cur.is_some() && pos.map(|p| p.0) != cur {
            let line = cur.map_or(0, |r| r as usize + 1);
            flush(line, std::mem::take(&mut cells), &std::mem::take(&mut shown), table).map_err(Skip)?;
        }
        let Some((c, style)) = c else { break };
        let (r, col) = c.get_position();
        if r >= MAX_SHEET_ROWS || col >= MAX_SHEET_COLS {
            // Beyond what Excel can hold: the reference overflowed (calamine wraps it in release builds).
            return Err(Skip("单元格位置超出工作表范围(最大 XFD1048576),表格文件已损坏 / a cell beyond XFD1048576: damaged workbook".into()));
        }
        cur = Some(r);
        let v: calamine::Data = c.get_value().clone().into();
        let fmt = formats.get(style).and_then(|f| f.as_ref()).map(|(code, id)| (code.as_str(), *id));
        if let Some(s) = shown_as(&v, fmt) {
            shown.push(Shown { col: col as usize, ..s });
        }
        let s = v.to_string();
        if !s.is_empty() {
            cells.push((col as usize, s));
        }
    }
    table.finish().map_err(Skip)
}

pub(super) fn flush(line: usize, mut cells: Vec<(usize, String)>, shown: &[Shown], table: &mut Table) -> Result<(), String> {
    cells.sort_by_key(|c| c.0);
    if cells.windows(2).any(|w| w[0].0 == w[1].0) {
        return table.bad(line, "同一单元格在文件中出现两次 / the same cell appears twice".into());
    }
    table.feed_shown(line, &Cells(cells), shown)
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
                    if let Some(s) = shown_as(c, fmt(r, col as u64)) {
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

/// Built-in number formats of Chinese Excel that write dates with 年/月/日 (ECMA-376 18.8.30, zh-CN).
fn chinese_date_id(id: Option<u32>) -> bool {
    matches!(id, Some(27..=29 | 31 | 36 | 50..=58))
}

/// `x` with `decimals` decimals, in groups of three digits when `grouped` (#,##0).
fn number(x: f64, decimals: usize, grouped: bool) -> String {
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if grouped && i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    if x < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// What a cell shows when it is not a plain number: dates, times and durations (calamine types
/// them from the number format in XLSX, XLSB and XLS, from the value type in ODS) and, when the
/// cell's number format is known (XLSX, XLS), a percent or an amount of money. `fmt`: the format
/// code and its built-in id.
pub(crate) fn shown_as(v: &calamine::Data, fmt: Option<(&str, Option<u32>)>) -> Option<Shown> {
    use calamine::Data;
    let at = |text: String, kind| Some(Shown { col: 0, text, iso: None, kind });
    match v {
        Data::DateTime(dt) if dt.is_duration() => {
            let secs = (dt.as_f64() * 86_400.0).round() as i64;
            at(format!("{}:{:02}:{:02}", secs / 3600, secs % 3600 / 60, secs % 60), ("时长", "a duration"))
        }
        Data::DateTime(dt) => {
            let (y, m, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            // 月 and 年 are literal text in the format (often quoted: m"月"d"日").
            let code = fmt.map_or("", |f| f.0.split(';').next().unwrap_or(""));
            let clock = if s == 0 { format!("{h}:{mi:02}") } else { format!("{h}:{mi:02}:{s:02}") };
            let iso = format!("{y:04}-{m:02}-{d:02}");
            if dt.as_f64() < 1.0 {
                return at(clock, ("时间", "a time"));
            }
            let clock = if h == 0 && mi == 0 && s == 0 { String::new() } else { format!(" {clock}") };
            if code.contains('月') || fmt.is_some_and(|f| chinese_date_id(f.1)) {
                // Chinese Excel turns a typed 9.5 into 9月5日: the date in full too, so either form can be found.
                let cn = if code.contains('年') { format!("{y}年{m}月{d}日") } else { format!("{m}月{d}日") };
                return Some(Shown { col: 0, text: format!("{cn}{clock}"), iso: Some(format!("{iso}{clock}")), kind: ("日期", "a date") });
            }
            at(format!("{iso}{clock}"), ("日期", "a date"))
        }
        Data::DateTimeIso(s) => at(s.clone(), ("日期或时间", "a date or time")),
        Data::DurationIso(s) => at(s.clone(), ("时间或时长", "a time or duration")),
        Data::Float(_) | Data::Int(_) => {
            let code = bare_format(fmt?.0);
            let x = match v {
                Data::Float(f) => *f,
                Data::Int(i) => *i as f64,
                _ => return None,
            };
            let decimals = |upto: &str| upto.split_once('.').map_or(0, |(_, frac)| frac.chars().filter(|c| matches!(c, '0' | '#' | '?')).count());
            if let Some(pct) = code.find('%') {
                return at(format!("{:.*}%", decimals(&code[..pct]), x * 100.0), ("百分比", "a percent"));
            }
            let sym = currency(fmt?.0)?;
            at(format!("{sym}{}", number(x, decimals(&code), code.contains(','))), ("金额", "an amount of money"))
        }
        _ => None,
    }
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

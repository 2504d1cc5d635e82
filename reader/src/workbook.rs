//! Workbooks (XLSX, XLSB, XLS, ODS through calamine): every sheet whose
//! header fits, cells streamed, damaged files reported rather than panicking.

use super::rows::{Cells, Inputs, Shown, Table, Target};
use std::io::{Read, Seek};

/// Reads every sheet of a workbook whose header fits; the others are listed
/// as skipped with the reason. XLSX and XLSB cells are streamed (a lone cell
/// at XFD1048576 costs one cell, not the sheet's declared size).
pub fn workbook<RS: Read + Seek>(name: &str, wb: calamine::Sheets<RS>, target: &mut Target, inputs: &mut Inputs) -> Result<(), String> {
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
        let was = super::scored_digest(target);
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
                Ok(range) => range_rows(&range, &mut table),
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
        if let (Some(a), Some(b)) = (was, super::scored_digest(target)) {
            info.digest = super::rows_digest(a, b);
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
    let mut z = zip::ZipArchive::new(r).map_err(|e| e.to_string())?;
    let f = z.by_name("content.xml").map_err(|e| e.to_string())?;
    let mut xml = vec![];
    f.take(512 << 20).read_to_end(&mut xml).map_err(|e| e.to_string())?;
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
    Ok(total)
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

pub(super) fn range_rows(range: &calamine::Range<calamine::Data>, table: &mut Table) -> Result<(), Skip> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (i, row) in range.rows().enumerate() {
        let mut shown = vec![];
        let cells: Vec<(usize, String)> = row
            .iter()
            .enumerate()
            .filter_map(|(j, c)| {
                if let Some(s) = shown_as(c, None) {
                    shown.push(Shown { col: c0 as usize + j, ..s });
                }
                let s = c.to_string();
                (!s.is_empty()).then(|| (c0 as usize + j, s))
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

/// The first section of a number format with quoted text and escaped characters removed.
fn bare_format(code: &str) -> String {
    let mut out = String::new();
    let (mut quoted, mut escaped) = (false, false);
    for ch in code.chars() {
        match ch {
            _ if escaped => escaped = false,
            '"' => quoted = !quoted,
            _ if quoted => {}
            '\\' | '_' | '*' => escaped = true,
            ';' => break,
            _ => out.push(ch),
        }
    }
    out
}

/// What a cell shows when it is not a plain number: dates, times and durations (calamine types
/// them from the number format in XLSX, XLSB and XLS, from the value type in ODS) and, when the
/// cell's number format is known (XLSX), a percent. `fmt`: the format code and its built-in id.
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
            let pct = code.find('%')?;
            let x = match v {
                Data::Float(f) => *f,
                Data::Int(i) => *i as f64,
                _ => return None,
            };
            let decimals = code[..pct].split_once('.').map_or(0, |(_, frac)| frac.chars().filter(|c| matches!(c, '0' | '#' | '?')).count());
            at(format!("{:.*}%", decimals, x * 100.0), ("百分比", "a percent"))
        }
        _ => None,
    }
}

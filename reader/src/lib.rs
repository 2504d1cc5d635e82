//! The one sheet reader of xianjiao: filled forms and votes from CSV or
//! XLSX/XLSB/XLS/ODS (calamine) into the scorer and the vote counter. The CLI
//! (files on disk, streamed, with a progress bar) and the office page (the
//! office wasm: dropped files' bytes) both read through it, so a sheet has one
//! meaning. No file-system I/O here: bytes (or any `BufRead`) in, [`Target`]
//! and [`Inputs`] out.
//!
//! Spreadsheets arrive as offices really send them, so this crate:
//! * detects the text encoding of a CSV (UTF-8 with or without BOM, UTF-16
//!   LE/BE with BOM, GB18030/GBK as Excel saves it on Chinese Windows) and says
//!   what it tried when nothing fits;
//! * reads CSV records with its own small RFC 4180 reader, so every record
//!   carries the physical line it starts on, and an unterminated quote is
//!   reported at its line while every line after it is read again normally;
//! * finds the header within the first rows (a title row above it is common)
//!   and refuses duplicated or ambiguous columns;
//! * streams XLSX/XLSB cells instead of allocating the sheet's declared
//!   dimensions, and reads every sheet whose header fits, naming the others;
//! * refuses the same data read twice and one name that seems to be two people.
//!
//! Every data row either reaches the scorer or is rejected with its line:
//! rows read = scored + rejected.

#[cfg(feature = "legacy")]
mod biff;
pub mod csv;
mod encoding;
pub mod fast;
#[cfg(feature = "legacy")]
mod legacy;
mod numfmt;
pub mod profiles;
mod records;
mod rows;
pub mod units;
mod value;
mod workbook;
mod xlsx;
mod zipped;

pub use self::csv::{csv_bytes, Route};
#[cfg(target_arch = "wasm32")]
pub use self::encoding::set_gb18030;
pub use self::encoding::{cannot_decode, sniff, text_file, Enc};
#[cfg(feature = "legacy")]
pub use self::legacy::{ods_cells, ods_too_big, shielded, MAX_ODS_CELLS};
pub use self::records::{CsvRecords, Rec};
pub use self::rows::{Cells, Field, Found, Inputs, PlainRows, Resolve, SourceInfo, Target, Want};
pub use self::zipped::check_parts;

use serde::Serialize;

pub use rows::HEADER_SEARCH;
/// A quoted field still open after this many lines or bytes is taken as an
/// unterminated quote: its line is rejected and the lines after it are read again.
const MAX_SPAN_LINES: usize = 200;
const MAX_SPAN_BYTES: usize = 256 << 10;
/// Bytes looked at to detect the encoding and the header.
pub const SAMPLE: usize = 64 << 10;

/// How to re-save a file nobody can decode (Chinese first).
const RESAVE: &str = "请在 Excel 中另存为“CSV UTF-8(逗号分隔)(*.csv)”后重试";
const RESAVE_EN: &str = "in Excel, save it as “CSV UTF-8 (Comma delimited)” and try again";

/// A file's extension, lower-case ("" when none).
fn extension(name: &str) -> String {
    std::path::Path::new(name).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default()
}

/// True when the file is a workbook (by its name), not a CSV.
pub fn is_sheet(name: &str) -> bool {
    matches!(extension(name).as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods")
}

/// A row that was not used, with its file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Problem {
    /// File (or `file#sheet`).
    pub file: String,
    /// Line (row) in that file or sheet.
    pub row: usize,
    /// Field at fault.
    pub field: Option<String>,
    /// Why.
    pub reason: String,
}

/// Reads one file's bytes (CSV, or every fitting sheet of a workbook) into `target`; the
/// message says what is wrong with the file (the caller names the file).
pub fn read_bytes(name: &str, bytes: &[u8], target: &mut Target, inputs: &mut Inputs) -> Result<(), String> {
    if !is_sheet(name) {
        return csv_bytes(name, bytes, target, inputs, Route::Auto);
    }
    read_workbook_bytes(name, bytes, target, inputs)
}

/// True when reading the file needs the workbook formats only the CLI and the full office wasm
/// read (XLSB, XLS, ODS: calamine); the office page then loads the full wasm for it.
pub fn needs_legacy(name: &str) -> bool {
    matches!(extension(name).as_str(), "xlsb" | "xls" | "xla" | "ods")
}

/// True when this build reads the file's format (without the feature `legacy`: CSV, XLSX, XLSM).
pub fn can_read(name: &str) -> bool {
    cfg!(feature = "legacy") || !needs_legacy(name)
}

/// Why this build cannot read the file (a build without the feature `legacy`).
pub const NEEDS_LEGACY: &str =
    "此页面的精简引擎不读 XLSB、XLS 和 ODS 表格:完整引擎会自动载入;也可在 Excel 中另存为 XLSX 或 CSV / XLSB, XLS and ODS need the full engine";

/// Reads a workbook (XLSX or XLSM here; XLSB, XLS or ODS through calamine; by the name's
/// extension) into `target`, every sheet whose header fits; `open` gives its bytes (the office
/// page: bytes in memory; the CLI: the file). Zipped parts are inflated under their caps, and an
/// ODS's cell count is checked before calamine sees it; percent, currency, date and time cells
/// are read as the sheet shows them ([`value::shown_as`]).
pub fn read_workbook<R: std::io::Read>(
    name: &str,
    open: impl Fn() -> Result<R, String>,
    target: &mut Target,
    inputs: &mut Inputs,
) -> Result<(), String> {
    let mut bytes = vec![];
    open()?.read_to_end(&mut bytes).map_err(|e| format!("无法打开表格 / cannot open spreadsheet: {e}"))?;
    read_workbook_bytes(name, &bytes, target, inputs)
}

fn read_workbook_bytes(name: &str, bytes: &[u8], target: &mut Target, inputs: &mut Inputs) -> Result<(), String> {
    if needs_legacy(name) {
        #[cfg(feature = "legacy")]
        {
            let mut wb = legacy::Legacy::open(&extension(name), bytes)?;
            let sheets = wb.sheets();
            return workbook::read_sheets(name, sheets, |sheet, table| wb.read(sheet, table), target, inputs);
        }
        #[cfg(not(feature = "legacy"))]
        return Err(NEEDS_LEGACY.into());
    }
    let book = xlsx::Book::open(bytes).map_err(|e| format!("无法打开表格 / cannot open spreadsheet: {e}"))?;
    let sheets = book.sheets.iter().map(|s| (s.name.clone(), s.visible)).collect();
    workbook::read_sheets(
        name,
        sheets,
        |sheet, table| {
            let s = book.sheets.iter().find(|s| s.name == sheet).ok_or_else(|| workbook::Skip(format!("找不到工作表“{sheet}”/ no such sheet")))?;
            let mut feed = workbook::RowFeed::default();
            book.cells(s, |r, c, v, f| feed.push(r, c, v, f, table))
                .map_err(|e| workbook::Skip(format!("无法读取此工作表 / cannot read the sheet: {e}")))?;
            feed.end(table).map_err(workbook::Skip)
        },
        target,
        inputs,
    )
}

/// One sheet's non-empty cells as read: its name and its rows, each `(line, [(column, text)])`.
pub type SheetCells = (String, Vec<(usize, Vec<(usize, String)>)>);

/// Every sheet of a workbook held in memory, cell texts as the reader sees them (the office
/// page reads its own exports back with it; the same caps as [`read_bytes`]).
pub fn workbook_cells(name: &str, bytes: &[u8]) -> Result<Vec<SheetCells>, String> {
    let cannot = |e: String| format!("无法打开表格 / cannot open spreadsheet: {e}");
    if needs_legacy(name) {
        #[cfg(feature = "legacy")]
        {
            let ranges = legacy::Legacy::open(&extension(name), bytes)?.ranges()?;
            return Ok(ranges
                .into_iter()
                .map(|(sheet, range)| {
                    let (r0, c0) = range.start().unwrap_or((0, 0));
                    let rows = range
                        .rows()
                        .enumerate()
                        .filter_map(|(i, row)| {
                            let cells: Vec<(usize, String)> = row
                                .iter()
                                .enumerate()
                                .filter_map(|(j, c)| Some((c0 as usize + j, c.to_string())).filter(|c| !c.1.is_empty()))
                                .collect();
                            (!cells.is_empty()).then(|| (r0 as usize + i + 1, cells))
                        })
                        .collect();
                    (sheet, rows)
                })
                .collect());
        }
        #[cfg(not(feature = "legacy"))]
        return Err(NEEDS_LEGACY.into());
    }
    let book = xlsx::Book::open(bytes).map_err(cannot)?;
    let mut out = vec![];
    for s in &book.sheets {
        let mut rows: Vec<(usize, Vec<(usize, String)>)> = vec![];
        book.cells(s, |r, c, v, _| {
            let t = v.to_string();
            if !t.is_empty() {
                match rows.last_mut() {
                    Some(last) if last.0 == r as usize + 1 => last.1.push((c as usize, t)),
                    _ => rows.push((r as usize + 1, vec![(c as usize, t)])),
                }
            }
            Ok(())
        })?;
        out.push((s.name.clone(), rows));
    }
    Ok(out)
}

/// Where a file's reading began (see [`begin_file`] and [`end_file`]).
#[derive(Debug, Clone, Copy)]
pub struct Mark {
    before: usize,
    was: Option<(u64, usize)>,
}

/// Before a file of several is read into `target`.
pub fn begin_file(target: &mut Target, inputs: &Inputs) -> Mark {
    let m = Mark { before: inputs.sources.len(), was: rows::scored_digest(target) };
    if let Target::Score(sc) = target {
        sc.begin_source();
    }
    m
}

/// After a file was read: the digest its copies are found by. Forms: the sheets as parsed (a
/// copy saved with CRLF, a BOM, in GBK or with a title row is the same data); votes and plain
/// tables: the bytes (`bytes_digest`). Workbooks' sheets carry their own digests.
pub fn end_file(
    m: Mark,
    name: &str,
    target: &Target,
    inputs: &mut Inputs,
    several: bool,
    bytes_digest: impl FnOnce() -> Result<u64, String>,
) -> Result<(), String> {
    if several && !is_sheet(name) {
        let digest = match (m.was, rows::scored_digest(target)) {
            (Some(a), Some(b)) => rows::rows_digest(a, b),
            _ => Some(bytes_digest()?),
        };
        inputs.set_digest(m.before, digest);
    }
    Ok(())
}

/// A hash of bytes, for [`end_file`].
pub fn bytes_digest(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    h.write(bytes);
    h.finish()
}

/// Why a run of several files was refused after reading them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The same data twice (a file given twice, a copied sheet).
    Copies(String),
    /// One name that seems to be two people.
    Clash(String),
}

impl Refused {
    /// The message.
    pub fn message(&self) -> &str {
        match self {
            Refused::Copies(m) | Refused::Clash(m) => m,
        }
    }
}

/// After every file was read: copies and name clashes refused; returns the notes on the
/// sources (names in several files, sheets read and skipped, encodings, header rows).
pub fn finish(target: &mut Target, inputs: &Inputs) -> Result<Vec<String>, Refused> {
    inputs.refuse_copies().map_err(Refused::Copies)?;
    let mut notes = vec![];
    if let Target::Score(sc) = target {
        if let Some(n) = refuse_name_clashes(sc, inputs).map_err(Refused::Clash)? {
            notes.push(n);
        }
    }
    notes.extend(inputs.notes());
    Ok(notes)
}

/// Reads files given as (name, bytes) into one target, as the CLI reads files from disk: the
/// same data read twice is refused, and so is one name that seems to be two people. Returns the
/// sources and the notes on them; the message of an unreadable file starts with its name.
pub fn read_all_bytes(files: &[(&str, &[u8])], mut target: Target) -> Result<(Inputs, Vec<String>), String> {
    let mut inputs = Inputs::default();
    for (name, bytes) in files {
        let m = begin_file(&mut target, &inputs);
        read_bytes(name, bytes, &mut target, &mut inputs).map_err(|e| format!("{name}: {e}"))?;
        end_file(m, name, &target, &mut inputs, files.len() > 1, || Ok(bytes_digest(bytes)))?;
    }
    let notes = finish(&mut target, &inputs).map_err(|e| match (files, &target, &e) {
        ([(one, _)], Target::Votes(_) | Target::Plain(_), Refused::Copies(m)) => format!("{one}: {m}"),
        _ => e.message().to_string(),
    })?;
    Ok((inputs, notes))
}

/// Refuses a run in which one name seems to be two people (the same name without 编号 in two
/// files with sheets of one rater group, or a name with 编号 in one place and without in
/// another): both places are named. Names in several files of different rater groups are noted.
fn refuse_name_clashes(sc: &mut xianjiao_core::Scorer, inputs: &Inputs) -> Result<Option<String>, String> {
    let clashes = sc.name_clashes();
    let at = |row: usize| {
        let mut r = xianjiao_core::Rejection { row, field: None, reason: String::new() };
        let label = inputs.relocate(&mut r).or_else(|| inputs.sources.first().map(|s| s.label())).unwrap_or_default();
        format!("{label} 第 {} 行", r.row)
    };
    if !clashes.is_empty() {
        let lines: Vec<String> = clashes
            .iter()
            .take(20)
            .map(|c| {
                let id = |k: &Option<String>| k.as_ref().map_or_else(|| "(无编号)".to_string(), |k| format!("(编号 {k})"));
                if c.groups.is_empty() {
                    format!("“{}”在 {}{} 与 {}{}", xianjiao_core::shown(&c.name), at(c.rows[0]), id(&c.ids[0]), at(c.rows[1]), id(&c.ids[1]))
                } else {
                    format!("“{}”在 {} 与 {} 都有{}的测评表", xianjiao_core::shown(&c.name), at(c.rows[0]), at(c.rows[1]), c.groups.join("、"))
                }
            })
            .collect();
        let more = if clashes.len() > 20 { format!("(另有 {} 处)", clashes.len() - 20) } else { String::new() };
        return Err(format!(
            "同名的人不能合并计分:{}{more}。可能是两个同名的党员:请在每份表中加“编号”列(或身份证后四位、工号)把他们分开;若确是同一人,请给他的每一行都填上同一个编号(或把这些表合在一个文件里)/ one name, two places: add an 编号 column to tell members apart",
            lines.join(";")
        ));
    }
    let like = lookalikes(&sc.unkeyed_names());
    if !like.is_empty() {
        let lines: Vec<String> =
            like.iter().take(20).map(|v| v.iter().map(|n| format!("“{}”", xianjiao_core::shown(n))).collect::<Vec<_>>().join("与")).collect();
        return Err(format!(
            "这些姓名只差繁体、简体写法,可能是同一人,不能分开计分:{}。若是同一人,请把写法统一;若确是两个人,请在每份表中加“编号”列把他们分开 / names that differ only in traditional and simplified characters: write them alike, or add an 编号 column",
            lines.join(";")
        ));
    }
    let several = sc.names_in_several_sources();
    if several.is_empty() {
        return Ok(None);
    }
    let shown: Vec<String> = several.iter().take(10).map(|n| xianjiao_core::shown(n).into_owned()).collect();
    Ok(Some(format!(
        "{} 个姓名出现在多个文件中(各文件的评议组不同,按同一人计):{}{} / names in several files, counted as one person each",
        several.len(),
        shown.join("、"),
        if several.len() > 10 { " …" } else { "" }
    )))
}

/// Names that are one name once traditional characters are written simplified (張偉 and 张伟), each group in first-seen order.
pub fn lookalikes(names: &[&str]) -> Vec<Vec<String>> {
    let mut groups: Vec<(String, Vec<String>)> = vec![];
    let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for n in names {
        let key = fast2s::convert(n);
        match at.get(&key) {
            Some(&i) => {
                if !groups[i].1.iter().any(|x| x == n) {
                    groups[i].1.push((*n).to_string());
                }
            }
            None => {
                at.insert(key.clone(), groups.len());
                groups.push((key, vec![(*n).to_string()]));
            }
        }
    }
    groups.into_iter().map(|g| g.1).filter(|v| v.len() > 1).collect()
}

/// A report as JSON, with each rejected row's file (`file#sheet`) when rows
/// came from several sources, and a `sheets` list (read / skipped and why)
/// whenever there is something to say about the sources.
pub fn with_sources<T: Serialize>(report: &T, origin: &[Option<String>], inputs: &Inputs) -> serde_json::Value {
    let mut v = serde_json::to_value(report).unwrap_or(serde_json::Value::Null);
    if let Some(rej) = v.get_mut("rejected").and_then(|r| r.as_array_mut()) {
        for (r, o) in rej.iter_mut().zip(origin) {
            if let (Some(o), Some(m)) = (o, r.as_object_mut()) {
                m.insert("file".into(), o.clone().into());
            }
        }
    }
    // Note rows (注:…): at their own file's row.
    if let Some(notes) = v.get_mut("notes").and_then(|r| r.as_array_mut()) {
        for n in notes.iter_mut() {
            let mut r = xianjiao_core::Rejection { row: n["row"].as_u64().unwrap_or(0) as usize, field: None, reason: String::new() };
            let file = inputs.relocate(&mut r);
            if let Some(m) = n.as_object_mut() {
                m.insert("row".into(), r.row.into());
                if let Some(f) = file {
                    m.insert("file".into(), f.into());
                }
            }
        }
    }
    if inputs.notable() {
        if let Some(m) = v.as_object_mut() {
            m.insert("sheets".into(), serde_json::to_value(&inputs.sources).unwrap_or_default());
        }
    }
    v
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn rules() -> xianjiao_core::RuleSet {
        let mut src = xianjiao_core::MemorySource::new();
        for f in ["guanba.rhai", "central.rhai"] {
            src.insert(f, std::fs::read_to_string(format!("{}/../rules/{f}", env!("CARGO_MANIFEST_DIR"))).unwrap());
        }
        xianjiao_core::RuleSet::load("guanba.rhai", &src)
    }

    const HEAD: &str = "member,rater_group,理想信念,宗旨意识,工作作风,组织纪律,廉洁自律,精神状态,素质能力,工作绩效\n";

    #[test]
    fn one_name_in_two_files_is_refused_naming_both_places() {
        let rs = rules();
        let mut sc = rs.scorer(None).unwrap();
        let a = format!("{HEAD}张伟,党员互评,9,9,9,9,9,9,9,28\n");
        let b = format!("{HEAD}王五,党员互评,8,8,8,8,8,8,8,24\n张伟,党员互评,4,4,4,4,4,4,4,12\n");
        let e = read_all_bytes(&[("a.csv", a.as_bytes()), ("b.csv", b.as_bytes())], Target::Score(&mut sc)).unwrap_err();
        assert!(e.contains("张伟") && e.contains("a.csv 第 2 行") && e.contains("b.csv 第 3 行"), "{e}");
    }

    #[test]
    fn the_same_rows_saved_twice_are_refused_and_a_broken_workbook_is_an_error() {
        let rs = rules();
        let mut sc = rs.scorer(None).unwrap();
        let a = format!("{HEAD}张伟,党员互评,9,9,9,9,9,9,9,28\n");
        let crlf = a.replace('\n', "\r\n");
        let e = read_all_bytes(&[("a.csv", a.as_bytes()), ("b.csv", crlf.as_bytes())], Target::Score(&mut sc)).unwrap_err();
        assert!(e.contains("完全相同"), "{e}");
        let mut sc = rs.scorer(None).unwrap();
        let e = read_all_bytes(&[("x.xlsx", b"PK\x03\x04 not a zip")], Target::Score(&mut sc)).unwrap_err();
        assert!(e.starts_with("x.xlsx: "), "{e}");
        assert!(workbook_cells("x.xlsx", b"nothing").is_err());
    }

    #[test]
    fn a_points_row_is_read_under_the_header_and_above_it_is_a_row_of_marks() {
        let rs = rules();
        let points = ",,10,10,10,10,10,10,10,30\n";
        let sheet = "张伟,党员互评,9,9,9,9,9,9,9,28\n";
        let mut sc = rs.scorer(None).unwrap();
        let (inputs, _) = read_all_bytes(&[("a.csv", format!("{HEAD}{points}{sheet}").as_bytes())], Target::Score(&mut sc)).unwrap();
        assert_eq!(inputs.sources[0].points_row, Some(2), "checked under the header, as 附件3 prints it");
        let r = sc.finish().unwrap();
        assert!(r.rejected.is_empty(), "{:?}", r.rejected);
        let mut sc = rs.scorer(None).unwrap();
        read_all_bytes(&[("b.csv", format!("{points}{HEAD}{sheet}").as_bytes())], Target::Score(&mut sc)).unwrap();
        let r = sc.finish().unwrap();
        assert!(r.rejected.iter().any(|x| x.reason.starts_with("在表头之上")), "{:?}", r.rejected);
    }

    #[test]
    fn two_spellings_of_one_name_are_refused() {
        assert_eq!(lookalikes(&["張偉", "李四", "张伟", "王五"]), [vec!["張偉".to_string(), "张伟".to_string()]]);
        assert!(lookalikes(&["张伟", "张玮"]).is_empty(), "two names, not two spellings");
        let rs = rules();
        let mut sc = rs.scorer(None).unwrap();
        let a = format!("{HEAD}張偉,党员互评,9,9,9,9,9,9,9,28\n张伟,群众参评,4,4,4,4,4,4,4,12\n");
        let e = read_all_bytes(&[("a.csv", a.as_bytes())], Target::Score(&mut sc)).unwrap_err();
        assert!(e.contains("“張偉”与“张伟”") && e.contains("编号"), "{e}");
        // Told apart by a key: no refusal.
        let keyed = "编号,member,rater_group,理想信念,宗旨意识,工作作风,组织纪律,廉洁自律,精神状态,素质能力,工作绩效\n01,張偉,党员互评,9,9,9,9,9,9,9,28\n02,张伟,党员互评,4,4,4,4,4,4,4,12\n";
        let mut sc = rs.scorer(None).unwrap();
        read_all_bytes(&[("k.csv", keyed.as_bytes())], Target::Score(&mut sc)).unwrap();
    }

    /// A workbook of one form sheet: `marks` written as numbers in `fmt` (a number format) into the first item.
    fn formatted(rows: &[(&str, f64, &str)], extra: Option<(&str, f64, &str)>) -> Vec<u8> {
        use rust_xlsxwriter::{Format, Workbook};
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("党员互评").unwrap();
        let mut head: Vec<&str> = HEAD.trim_end().split(',').collect();
        if let Some((h, _, _)) = extra {
            head.push(h);
        }
        for (c, h) in head.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (r, (name, first, fmt)) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            ws.write_string(r, 0, *name).unwrap();
            ws.write_string(r, 1, "党员互评").unwrap();
            ws.write_number_with_format(r, 2, *first, &Format::new().set_num_format(*fmt)).unwrap();
            for c in 3..=8 {
                ws.write_number(r, c, 9.0).unwrap();
            }
            ws.write_number(r, 9, 28.0).unwrap();
            if let Some((_, v, f)) = extra {
                ws.write_number_with_format(r, 10, v, &Format::new().set_num_format(f)).unwrap();
            }
        }
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn a_mark_shown_as_a_date_time_or_percent_is_rejected_as_the_sheet_shows_it() {
        let rs = rules();
        // 38600 is 2005-09-05: what Chinese Excel makes of a typed 9.5 (in 2005).
        let book = formatted(
            &[
                ("张三", 9.0, "General"),
                ("李四", 38600.0, "m\"月\"d\"日\""),
                ("王五", 38600.0, "yyyy-mm-dd"),
                ("赵六", 0.95, "0%"),
                ("钱七", 0.375, "h:mm"),
                ("孙八", 9.5, "0.0"),
            ],
            None,
        );
        let mut sc = rs.scorer(None).unwrap();
        read_all_bytes(&[("a.xlsx", &book)], Target::Score(&mut sc)).unwrap();
        let r = sc.finish().unwrap();
        assert_eq!((r.rows.read, r.rows.scored, r.rows.rejected), (6, 2, 4), "{:?}", r.rejected);
        let why = |row: usize| r.rejected.iter().find(|x| x.row == row).map(|x| (x.field.clone().unwrap_or_default(), x.reason.clone())).unwrap();
        let (field, reason) = why(3);
        assert_eq!(field, "理想信念");
        assert!(reason.starts_with("工作表“党员互评”的 C3 单元格(“理想信念”)显示为“9月5日”(即 2005-09-05),是日期而不是分数"), "{reason}");
        assert!(reason.contains("把单元格格式改为“常规”或“数值”后重新输入"), "{reason}");
        assert!(why(4).1.contains("显示为“2005-09-05”,是日期"), "{:?}", why(4));
        assert!(why(5).1.contains("C5 单元格(“理想信念”)显示为“95%”,是百分比"), "{:?}", why(5));
        assert!(why(6).1.contains("显示为“9:00”,是时间"), "{:?}", why(6));
    }

    /// (row, field, reason) of each rejected row.
    type Rejected = Vec<(usize, String, String)>;

    /// The rows (read, scored, rejected) of a sheet read from `name`, and its rejections.
    fn shown_rows(name: &str, bytes: &[u8]) -> ((usize, usize, usize), Rejected) {
        let rs = rules();
        let mut sc = rs.scorer(None).unwrap();
        read_all_bytes(&[(name, bytes)], Target::Score(&mut sc)).unwrap();
        let r = sc.finish().unwrap();
        let rej = r.rejected.iter().map(|x| (x.row, x.field.clone().unwrap_or_default(), x.reason.clone())).collect();
        ((r.rows.read, r.rows.scored, r.rows.rejected), rej)
    }

    #[test]
    fn an_ods_mark_shown_as_a_date_time_percent_or_money_is_rejected_as_the_sheet_shows_it() {
        // tests/sheets/make_shown.py: a title row, two empty rows, the header on row 4, then one
        // row per kind; rows 12-13 are one repeated row whose percent cell has no text.
        let (rows, rej) = shown_rows("shown.ods", include_bytes!("../../tests/sheets/shown.ods"));
        assert_eq!(rows, (9, 2, 7), "{rej:?}");
        let why = |row: usize| rej.iter().find(|x| x.0 == row).map(|x| x.2.clone()).unwrap_or_default();
        assert!(rej.iter().all(|x| x.1 == "理想信念"), "{rej:?}");
        assert!(why(6).starts_with("工作表“党员互评”的 C6 单元格(“理想信念”)显示为“9月5日”(即 2005-09-05),是日期而不是分数"), "{}", why(6));
        assert!(why(7).contains("显示为“2005-09-05”,是日期"), "{}", why(7));
        // The cell's comment (批注 0.95) is not what it shows.
        assert!(why(8).contains("C8 单元格(“理想信念”)显示为“95%”,是百分比"), "{}", why(8));
        assert!(why(9).contains("显示为“09:00”,是时间或时长"), "{}", why(9));
        assert!(why(10).contains("显示为“¥9.00”,是金额") && why(10).contains("an amount of money"), "{}", why(10));
        assert!(why(12).contains("显示为“90%”,是百分比") && why(13).contains("显示为“90%”"), "{rej:?}");
    }

    #[test]
    fn an_xls_mark_shown_as_a_date_time_percent_or_money_is_rejected_as_the_sheet_shows_it() {
        // tests/sheets/make_shown.py (xlwt, BIFF8): calamine keeps no number format of an XLS; the
        // reader's own pass over its records (biff.rs) gives them, as an XLSX's styles do.
        let (rows, rej) = shown_rows("shown.xls", include_bytes!("../../tests/sheets/shown.xls"));
        assert_eq!(rows, (7, 2, 5), "{rej:?}");
        let why = |row: usize| rej.iter().find(|x| x.0 == row).map(|x| x.2.clone()).unwrap_or_default();
        assert!(why(4).starts_with("工作表“党员互评”的 C4 单元格(“理想信念”)显示为“9月5日”(即 2005-09-05),是日期而不是分数"), "{}", why(4));
        assert!(why(5).contains("显示为“2005-09-05”,是日期"), "{}", why(5));
        assert!(why(6).contains("C6 单元格(“理想信念”)显示为“95%”,是百分比"), "{}", why(6));
        assert!(why(7).contains("显示为“9:00”,是时间"), "{}", why(7));
        assert!(why(8).contains("显示为“¥9.00”,是金额"), "{}", why(8));
    }

    #[test]
    fn an_xlsx_mark_in_a_currency_format_is_rejected_as_money() {
        let book = formatted(&[("张三", 9.0, "\"¥\"#,##0.00"), ("李四", 1234.5, "[$¥-804]#,##0.0"), ("王五", 9.0, "0.00")], None);
        let (rows, rej) = shown_rows("a.xlsx", &book);
        assert_eq!(rows, (3, 1, 2), "{rej:?}");
        assert!(rej.iter().any(|x| x.0 == 2 && x.2.contains("显示为“¥9.00”,是金额")), "{rej:?}");
        assert!(rej.iter().any(|x| x.0 == 3 && x.2.contains("显示为“¥1,234.5”,是金额")), "{rej:?}");
    }

    #[test]
    fn a_date_outside_the_marks_is_read_as_before() {
        let rs = rules();
        // A 填表日期 column the form does not read: the row is scored, the column named.
        let book = formatted(&[("张三", 9.0, "General")], Some(("填表日期", 38600.0, "yyyy-mm-dd")));
        let mut sc = rs.scorer(None).unwrap();
        let (inputs, _) = read_all_bytes(&[("a.xlsx", &book)], Target::Score(&mut sc)).unwrap();
        let r = sc.finish().unwrap();
        assert_eq!((r.rows.scored, r.rows.rejected), (1, 0), "{:?}", r.rejected);
        assert!(inputs.sources[0].unknown_columns.iter().any(|c| c.contains("填表日期")), "{:?}", inputs.sources[0].unknown_columns);
        // A plain table's text column may hold a date: it is read (as calamine gives it), not rejected.
        let mut p =
            PlainRows::new(vec![Field { key: "name", names: &["姓名"], required: true }, Field { key: "date", names: &["日期"], required: false }]);
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "姓名").unwrap();
        ws.write_string(0, 1, "日期").unwrap();
        ws.write_string(1, 0, "张三").unwrap();
        ws.write_number_with_format(1, 1, 38600.0, &rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd")).unwrap();
        let book = wb.save_to_buffer().unwrap();
        read_all_bytes(&[("p.xlsx", &book)], Target::Plain(&mut p)).unwrap();
        assert!(matches!(&p.rows[..], [(2, Ok(v))] if v[0] == "张三" && !v[1].is_empty()), "{:?}", p.rows);
    }
}

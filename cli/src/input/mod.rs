//! Reading filled forms and votes from CSV (streamed) or XLSX/XLSB/XLS/ODS
//! (calamine) into the scorer and the vote counter.
//!
//! Spreadsheets arrive as offices really send them, so this module:
//! * detects the text encoding of a CSV (UTF-8 with or without BOM, UTF-16
//!   LE/BE with BOM, GB18030/GBK as Excel saves it on Chinese Windows) and says
//!   what it tried when nothing fits;
//! * reads CSV records with its own small RFC 4180 reader, so every record
//!   carries the physical line it starts on, and an unterminated quote is
//!   reported at its line while every line after it is read again normally;
//! * finds the header within the first rows (a title row above it is common)
//!   and refuses duplicated or ambiguous columns;
//! * streams XLSX/XLSB cells instead of allocating the sheet's declared
//!   dimensions, and reads every sheet whose header fits, naming the others.
//!
//! Every data row either reaches the scorer or is rejected with its line:
//! rows read = scored + rejected.

mod csv;
mod encoding;
mod records;
mod rows;
mod workbook;

use self::csv::csv_file;
pub use self::csv::{csv_bytes, Route};
pub use self::encoding::{sniff, text_file, Enc};
pub use self::records::{CsvRecords, Rec};
pub use self::rows::{Cells, Field, Found, Inputs, PlainRows, Resolve, SourceInfo, Target, Want};
use self::workbook::MAX_ODS_CELLS;
pub use self::workbook::{check_parts, ods_cells, shielded, workbook};

use crate::error::CliError;
use serde::Serialize;
use std::io::Read;
use std::path::Path;

/// Non-blank rows searched for the header (title rows may come first).
pub const HEADER_SEARCH: usize = 10;
/// A quoted field still open after this many lines or bytes is taken as an
/// unterminated quote: its line is rejected and the lines after it are read again.
const MAX_SPAN_LINES: usize = 200;
const MAX_SPAN_BYTES: usize = 256 << 10;
/// Bytes looked at to detect the encoding and the header.
const SAMPLE: usize = 64 << 10;

/// How to re-save a file nobody can decode (Chinese first).
const RESAVE: &str = "请在 Excel 中另存为“CSV UTF-8(逗号分隔)(*.csv)”后重试";
const RESAVE_EN: &str = "in Excel, save it as “CSV UTF-8 (Comma delimited)” and try again";

fn is_sheet(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods"))
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

/// A progress bar on stderr for large files, only when stderr is a terminal.
fn progress(path: &Path) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if len < 16 << 20 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} 剩余 {eta}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message("计分 scoring");
    Some(bar)
}

/// Reads one file (CSV, or every fitting sheet of a workbook) into `target`.
pub fn read_file(path: &Path, target: &mut Target, inputs: &mut Inputs) -> Result<(), CliError> {
    read_file_quiet(path, target, inputs).map_err(|m| CliError::file(path, m))
}

/// [`read_file`] returning the message instead of printing it.
pub fn read_file_quiet(path: &Path, target: &mut Target, inputs: &mut Inputs) -> Result<(), String> {
    let name = path.display().to_string();
    if is_sheet(path) {
        let f = std::fs::File::open(path).map_err(|e| format!("无法读取 / cannot read: {e}"))?;
        check_parts(std::io::BufReader::new(f))?;
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("ods")) {
            let f = std::fs::File::open(path).map_err(|e| format!("无法读取 / cannot read: {e}"))?;
            let n = ods_cells(std::io::BufReader::new(f)).map_err(|e| format!("无法打开表格 / cannot open spreadsheet: {e}"))?;
            if n > MAX_ODS_CELLS {
                return Err(format!("此 ODS 表格声明了约 {n} 个单元格(上限 {MAX_ODS_CELLS}),可能已损坏;请在 Excel 或 WPS 中另存为 XLSX 或 CSV / the ODS file asks for {n} cells (limit {MAX_ODS_CELLS}): save it as XLSX or CSV"));
            }
        }
        match shielded(|| calamine::open_workbook_auto(path).map_err(|e| e.to_string())) {
            Ok(wb) => workbook(&name, wb, target, inputs),
            Err(e) => Err(format!("无法打开表格 / cannot open spreadsheet: {e}")),
        }
    } else {
        let bar = if matches!(target, Target::Score(_)) { progress(path) } else { None };
        let r = csv_file(path, target, inputs, bar.as_ref());
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        r
    }
}

/// Reads files into one target: filled forms into the scorer, votes into the
/// counter, or a plain table (decisions, test figures, profiles). The same
/// data read twice (a file given twice, a copied sheet) is refused; notes on
/// the sources go to stderr.
pub fn read_all<P: AsRef<Path>>(paths: &[P], mut target: Target) -> Result<Inputs, CliError> {
    let mut inputs = Inputs::default();
    for p in paths {
        let p = p.as_ref();
        let before = inputs.sources.len();
        let was = scored_digest(&target);
        if let Target::Score(sc) = &mut target {
            sc.begin_source();
        }
        read_file(p, &mut target, &mut inputs)?;
        if paths.len() > 1 && !is_sheet(p) {
            // Forms: the sheets as parsed (a copy saved with CRLF, a BOM, in GBK or with a title row is the same data);
            // votes and plain tables: the bytes.
            let digest = match (was, scored_digest(&target)) {
                (Some(a), Some(b)) => rows_digest(a, b),
                _ => Some(file_digest(p).map_err(|e| CliError::file(p, e))?),
            };
            inputs.set_digest(before, digest);
        }
    }
    inputs.refuse_copies().map_err(|e| match (paths, &target) {
        // Votes and plain tables come from one file, named first (the sheets' message names its files).
        ([one], Target::Votes(_) | Target::Plain(_)) => CliError::file(one.as_ref(), e),
        _ => CliError::usage(e),
    })?;
    if let Target::Score(sc) = &mut target {
        refuse_name_clashes(sc, &inputs)?;
    }
    inputs.print_notes();
    Ok(inputs)
}

/// Refuses a run in which one name seems to be two people (the same name without 编号 in two
/// files with sheets of one rater group, or a name with 编号 in one place and without in
/// another): both places are named. Names in several files of different rater groups are noted.
fn refuse_name_clashes(sc: &mut xianjiao_core::Scorer, inputs: &Inputs) -> Result<(), CliError> {
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
        return Err(CliError::usage(format!(
            "同名的人不能合并计分:{}{more}。可能是两个同名的党员:请在每份表中加“编号”列(或身份证后四位、工号)把他们分开;若确是同一人,请给他的每一行都填上同一个编号(或把这些表合在一个文件里)/ one name, two places: add an 编号 column to tell members apart",
            lines.join(";")
        )));
    }
    let several = sc.names_in_several_sources();
    if !several.is_empty() {
        let shown: Vec<String> = several.iter().take(10).map(|n| xianjiao_core::shown(n).into_owned()).collect();
        eprintln!(
            "{} 个姓名出现在多个文件中(各文件的评议组不同,按同一人计):{}{} / names in several files, counted as one person each",
            several.len(),
            shown.join("、"),
            if several.len() > 10 { " …" } else { "" }
        );
    }
    Ok(())
}

/// The scorer's digest of the sheets scored so far, when rows go to a scorer.
pub(crate) fn scored_digest(target: &Target) -> Option<(u64, usize)> {
    match target {
        Target::Score(sc) => Some(sc.digest()),
        _ => None,
    }
}

/// The digest of the sheets scored between two [`scored_digest`]s (none when none was).
pub(crate) fn rows_digest(before: (u64, usize), after: (u64, usize)) -> Option<u64> {
    (after.1 > before.1).then(|| after.0.wrapping_sub(before.0) ^ (after.1 - before.1) as u64)
}

/// A hash of a file's bytes, streamed.
fn file_digest(p: &Path) -> Result<u64, String> {
    use std::hash::Hasher;
    let mut f = std::fs::File::open(p).map_err(|e| format!("无法读取 / cannot read: {e}"))?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(|e| format!("无法读取 / cannot read: {e}"))?;
        if n == 0 {
            break;
        }
        h.write(&buf[..n]);
    }
    Ok(h.finish())
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

//! Reading filled forms and votes from CSV (streamed) or XLSX/ODS (calamine).
//! Every data row either reaches the scorer or is rejected with its 1-based
//! line number; nothing is dropped silently.

use std::path::Path;
use std::process::ExitCode;
use xianjiao_core::{Scorer, VoteCounter};

const MEMBER_COLS: &[&str] = &["member", "姓名", "党员", "被测评人", "unit", "单位", "被测评单位", "subject"];
const GROUP_COLS: &[&str] = &["rater_group", "评议组", "测评层次", "group"];
const TIER_COLS: &[&str] = &["tier", "档次", "测评档次"];

fn is_sheet(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "xlsx" | "xlsm" | "xls" | "ods"))
}

fn fail(path: &Path, msg: String) -> ExitCode {
    eprintln!("{}: {msg}", path.display());
    ExitCode::from(2)
}

/// Rows of a spreadsheet's first sheet, as text, with their 1-based row numbers.
fn sheet_rows(path: &Path) -> Result<Vec<(usize, Vec<String>)>, ExitCode> {
    use calamine::{open_workbook_auto, Reader};
    let mut wb = open_workbook_auto(path).map_err(|e| fail(path, format!("无法打开表格 / cannot open spreadsheet: {e}")))?;
    let name = wb.sheet_names().first().cloned().ok_or_else(|| fail(path, "表格中没有工作表 / no worksheet".into()))?;
    let range = wb.worksheet_range(&name).map_err(|e| fail(path, format!("无法读取工作表 {name} / cannot read sheet: {e}")))?;
    let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    Ok(range.rows().enumerate().map(|(i, r)| {
        let cells = r.iter().map(|c| {
            let s = c.to_string();
            // Whole numbers stored as floats come back as "9"; keep them so.
            s
        }).collect();
        (first_row + i + 1, cells)
    }).collect())
}

struct Header {
    member: usize,
    group: Option<usize>,
    cols: Vec<usize>,
}

fn find(header: &[String], names: &[&str]) -> Option<usize> {
    header.iter().position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
}

fn header_for(path: &Path, header: &[String], items: &[String], need_group: bool) -> Result<Header, ExitCode> {
    let member = find(header, MEMBER_COLS).ok_or_else(|| fail(path, format!("第 1 行(表头)缺少被测评人列,应为 {} 之一 / header has no member column", MEMBER_COLS.join("、"))))?;
    let group = find(header, GROUP_COLS);
    if need_group && group.is_none() {
        return Err(fail(path, format!("第 1 行(表头)缺少评议组列,应为 {} 之一 / header has no rater_group column", GROUP_COLS.join("、"))));
    }
    let mut cols = vec![];
    let mut missing = vec![];
    for it in items {
        match header.iter().position(|h| h.trim() == it) {
            Some(i) => cols.push(i),
            None => missing.push(it.as_str()),
        }
    }
    if !missing.is_empty() {
        return Err(fail(path, format!("第 1 行(表头)缺少测评项目列:{} / header lacks item columns", missing.join("、"))));
    }
    Ok(Header { member, group, cols })
}

/// Streams every sheet of `path` into the scorer.
/// A progress bar on stderr for large files, only when stderr is a terminal.
fn progress(path: &Path) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if len < 16 << 20 || !std::io::stderr().is_terminal() { return None; }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} 剩余 {eta}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message("计分 scoring");
    Some(bar)
}

pub fn read_sheets(path: &Path, sc: &mut Scorer) -> Result<(), ExitCode> {
    let bar = if is_sheet(path) { None } else { progress(path) };
    let r = read_sheets_with(path, sc, bar.as_ref());
    if let Some(b) = bar { b.finish_and_clear(); }
    r
}

fn read_sheets_with(path: &Path, sc: &mut Scorer, bar: Option<&indicatif::ProgressBar>) -> Result<(), ExitCode> {
    let items: Vec<String> = sc.item_names().map(str::to_string).collect();
    let need_group = sc.has_groups();
    if is_sheet(path) {
        let rows = sheet_rows(path)?;
        let Some((_, head)) = rows.first() else { return Err(fail(path, "空表格 / empty spreadsheet".into())) };
        let h = header_for(path, head, &items, need_group)?;
        for (line, r) in rows.iter().skip(1) {
            if r.iter().all(|c| c.trim().is_empty()) { continue; }
            let get = |i: usize| r.get(i).map(String::as_str);
            let vals: Vec<Option<&str>> = h.cols.iter().map(|&i| get(i)).collect();
            sc.add(*line, get(h.member).unwrap_or(""), h.group.and_then(get).unwrap_or(""), &vals);
        }
        return Ok(());
    }
    if let Some(done) = try_fast(path, sc, &items, need_group, bar)? {
        if done { return Ok(()); }
    }
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_path(path)
        .map_err(|e| fail(path, format!("无法读取 / cannot read: {e}")))?;
    // One record buffer reused for the whole file: the file is streamed, never loaded.
    let mut rec = csv::StringRecord::new();
    let mut h: Option<Header> = None;
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                if h.is_none() { return Err(fail(path, format!("表头无法读取 / cannot read header: {e}"))); }
                let why = if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) { "不是 UTF-8 文本 / not UTF-8 text".to_string() } else { format!("CSV 格式错误 / malformed CSV: {e}") };
                sc.reject(line, None, why);
                continue;
            }
            Ok(true) => {}
        }
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        if let Some(b) = bar {
            if line.is_multiple_of(8192) { b.set_position(rec.position().map(|p| p.byte()).unwrap_or(0)); }
        }
        let Some(hh) = &h else {
            let head: Vec<String> = rec.iter().enumerate().map(|(i, f)| if i == 0 { f.trim_start_matches('\u{feff}').to_string() } else { f.to_string() }).collect();
            h = Some(header_for(path, &head, &items, need_group)?);
            continue;
        };
        if rec.iter().all(|f| f.trim().is_empty()) { continue; }
        let mut buf: [Option<&str>; 64] = [None; 64];
        let mut heap: Vec<Option<&str>> = vec![];
        let vals: &mut [Option<&str>] = if hh.cols.len() <= buf.len() { &mut buf[..hh.cols.len()] } else { heap.resize(hh.cols.len(), None); &mut heap };
        for (k, &i) in hh.cols.iter().enumerate() {
            vals[k] = rec.get(i);
        }
        sc.add(line, rec.get(hh.member).unwrap_or(""), hh.group.and_then(|g| rec.get(g)).unwrap_or(""), vals);
    }
    if h.is_none() { return Err(fail(path, "空文件,没有表头 / empty file, no header".into())); }
    Ok(())
}

/// The parallel quote-free path (see `fastcsv`): `Some(true)` when it scored
/// the file, `Some(false)`/`None` when the full reader must do it.
fn try_fast(path: &Path, sc: &mut Scorer, items: &[String], need_group: bool, bar: Option<&indicatif::ProgressBar>) -> Result<Option<bool>, ExitCode> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).map_err(|e| fail(path, format!("无法读取 / cannot read: {e}")))?;
    let mut head = vec![0u8; 64 * 1024];
    let n = f.read(&mut head).map_err(|e| fail(path, format!("无法读取 / cannot read: {e}")))?;
    let Some(nl) = memchr::memchr(b'\n', &head[..n]) else { return Ok(None) };
    let line = &head[..nl];
    if line.contains(&b'"') { return Ok(None); }
    let Ok(text) = std::str::from_utf8(line) else { return Ok(None) };
    let header: Vec<String> = text.trim_end_matches('\r').split(',').enumerate()
        .map(|(i, s)| if i == 0 { s.trim_start_matches('\u{feff}').to_string() } else { s.to_string() }).collect();
    let h = header_for(path, &header, items, need_group)?;
    let cols = crate::fastcsv::Cols { member: h.member, group: h.group, items: h.cols };
    let r = crate::fastcsv::score(path, nl as u64 + 1, &cols, sc, bar);
    if let (Some(b), Ok(false)) = (bar, &r) { b.set_position(0); }
    r.map(Some).map_err(|e| fail(path, format!("无法读取 / cannot read: {e}")))
}

/// Reads votes: `unit,tier` per respondent, or `unit,<tier>,...` counts per row.
pub fn read_votes(path: &Path, vc: &mut VoteCounter) -> Result<(), ExitCode> {
    let tiers: Vec<String> = vc.tiers().to_vec();
    let rows: Vec<(usize, Vec<String>)> = if is_sheet(path) {
        sheet_rows(path)?
    } else {
        let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_path(path)
            .map_err(|e| fail(path, format!("无法读取 / cannot read: {e}")))?;
        let mut out = vec![];
        for r in rdr.records() {
            match r {
                Ok(r) => out.push((r.position().map(|p| p.line() as usize).unwrap_or(0), r.iter().map(|s| s.trim_start_matches('\u{feff}').to_string()).collect())),
                Err(e) => {
                    let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                    if out.is_empty() { return Err(fail(path, format!("表头无法读取 / cannot read header: {e}"))); }
                    vc.reject(line, None, format!("CSV 格式错误 / malformed CSV: {e}"));
                }
            }
        }
        out
    };
    let Some((_, head)) = rows.first() else { return Err(fail(path, "空文件,没有表头 / empty file, no header".into())) };
    let subject = find(head, MEMBER_COLS).ok_or_else(|| fail(path, format!("第 1 行(表头)缺少被测评对象列,应为 {} 之一 / header has no unit column", MEMBER_COLS.join("、"))))?;
    let tier_cols: Vec<Option<usize>> = tiers.iter().map(|t| head.iter().position(|h| h.trim() == t)).collect();
    if tier_cols.iter().all(Option::is_some) {
        for (line, r) in rows.iter().skip(1) {
            if r.iter().all(|c| c.trim().is_empty()) { continue; }
            let vals: Vec<Option<&str>> = tier_cols.iter().map(|c| c.and_then(|i| r.get(i)).map(String::as_str)).collect();
            vc.add_counts(*line, r.get(subject).map(String::as_str).unwrap_or(""), &vals);
        }
    } else if let Some(tc) = find(head, TIER_COLS) {
        for (line, r) in rows.iter().skip(1) {
            if r.iter().all(|c| c.trim().is_empty()) { continue; }
            vc.add_response(*line, r.get(subject).map(String::as_str).unwrap_or(""), r.get(tc).map(String::as_str).unwrap_or(""));
        }
    } else {
        return Err(fail(path, format!("第 1 行(表头)应有 tier 列(每人一行),或每个档次一列({})/ header needs a tier column or one column per tier", tiers.join("、"))));
    }
    Ok(())
}

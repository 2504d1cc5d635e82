//! CSV bytes: the fast path when a quote-free UTF-8 file allows it, else the
//! record reader (from any `BufRead`: the CLI streams files through it).

use super::encoding::{decode, sniff, Enc};
use super::records::{CsvRecords, Rec};
use super::rows::{Cells, Inputs, Resolve, SourceInfo, Table, Target, Want};
use super::{HEADER_SEARCH, SAMPLE};
use crate::fast::{self as fastcsv, Cols};
use std::io::BufRead;
use std::path::Path;
use xianjiao_core::Scorer;

/// A header found in the quote-free first lines: the fast path may take the file.
pub struct FastPlan {
    /// The columns.
    pub cols: Cols,
    /// The header's line (1-based).
    pub header_line: usize,
    /// The byte after the header line.
    pub body_start: usize,
    /// Header cells the form does not read.
    pub unknown: Vec<String>,
}

/// Looks for the header the way [`Table`] does, over plain quote-free lines.
pub fn fast_plan(text: &[u8], want: &Want, resolve: Resolve) -> Option<FastPlan> {
    let mut at = 0;
    let mut seen = 0;
    for line_no in 1.. {
        // A line ends at LF, CRLF or a lone CR (as in Excel).
        let end = memchr::memchr2(b'\n', b'\r', &text[at..])? + at;
        let line = &text[at..end];
        let nl = if text[end] == b'\r' && text.get(end + 1) == Some(&b'\n') { end + 1 } else { end };
        if text[end] == b'\r' && nl + 1 >= text.len() {
            return None; // a CR at the end of the sample: its LF may follow
        }
        if line.contains(&b'"') {
            return None;
        }
        let s = std::str::from_utf8(line).ok()?;
        let cells = Cells::dense(s.split(',').map(str::to_string).collect());
        if !cells.blank() {
            seen += 1;
            match want.header(&cells, resolve) {
                // A key or a 合计 column, or a row of marks above the header: the record reader.
                // A rater group from the file's name, or a 分值 row under the header (the seed's 附件3): the record reader.
                Ok(Some(f)) if f.id.is_some() || f.total.is_some() || f.group_name.is_some() => return None,
                Ok(Some(f)) if next_is_points(&text[nl + 1..], &f) => return None,
                Ok(Some(f)) => {
                    return Some(FastPlan {
                        cols: Cols { member: f.member, group: f.group, items: f.cols, width: f.width },
                        header_line: line_no,
                        body_start: nl + 1,
                        unknown: f.unknown,
                    })
                }
                Ok(None) if seen < HEADER_SEARCH && !super::rows::marks_row(&cells) => {}
                _ => return None,
            }
        }
        at = nl + 1;
    }
    None
}

/// Whether the line after the header leaves the member column blank or writes 分值 there
/// (a 分值 row, or a row with no name, for the record reader to judge).
fn next_is_points(rest: &[u8], f: &xianjiao_core::Found) -> bool {
    let end = memchr::memchr2(b'\n', b'\r', rest).unwrap_or(rest.len());
    let line = String::from_utf8_lossy(&rest[..end]);
    let member = line.split(',').nth(f.member).unwrap_or("").trim().to_string();
    member.is_empty() || xianjiao_core::POINTS_LABELS.iter().any(|l| member.eq_ignore_ascii_case(l))
}

/// Feeds every record to the table, then finishes it.
pub(crate) fn csv_records<R: BufRead>(recs: &mut CsvRecords<R>, table: &mut Table) -> Result<(), String> {
    loop {
        match recs.next_rec().map_err(|e| format!("无法读取 / cannot read: {e}"))? {
            None => break,
            Some(Rec::Fields(line, f)) => table.feed(line, &Cells::dense(f))?,
            Some(Rec::Bad(line, why)) => table.bad(line, why)?,
        }
    }
    table.max_line = table.max_line.max(recs.line);
    table.finish()
}

/// How the CSV reading may proceed (the fuzzer and tests pin one path).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The fast path when it can, else the record reader.
    Auto,
    /// The record reader only.
    Records,
}

/// Reads CSV bytes held in memory.
pub fn csv_bytes(name: &str, bytes: &[u8], target: &mut Target, inputs: &mut Inputs, route: Route) -> Result<(), String> {
    let mut info = inputs.begin(name, None);
    let enc = sniff(&bytes[..bytes.len().min(SAMPLE)], bytes.len() <= SAMPLE)?;
    info.encoding = Some(enc.label());
    let text = decode(bytes, enc)?;
    let base = info.offset;
    if let (Route::Auto, Enc::Utf8 { .. }, Target::Score(sc)) = (route, enc, &mut *target) {
        let want = target_want_score(sc, name);
        let plan = fast_plan(&text, &want, &|h| sc.item_index(h));
        if let Some(plan) = plan {
            let body = text.get(plan.body_start..).unwrap_or_default();
            if let Some(lines) = fastcsv::score_bytes(body, base + plan.header_line, &plan.cols, sc) {
                fast_done(inputs, info, plan, lines);
                return Ok(());
            }
        }
    }
    records(&text[..], enc, target, inputs, info)
}

/// Finishes a source the fast path read: header row, last line, recorded.
pub fn fast_done(inputs: &mut Inputs, mut info: SourceInfo, plan: FastPlan, lines: usize) {
    info.header_row = Some(plan.header_line);
    info.unknown_columns = plan.unknown;
    info.lines = lines - info.offset;
    inputs.end(info);
}

/// Reads a source with the record reader (from memory or streamed) and records it.
pub fn records<R: BufRead>(reader: R, enc: Enc, target: &mut Target, inputs: &mut Inputs, mut info: SourceInfo) -> Result<(), String> {
    let stem = file_stem(&info.file);
    let mut table = Table::new(target, info.offset, &[&stem]);
    let mut recs = CsvRecords::new(reader, 1, enc);
    let r = csv_records(&mut recs, &mut table);
    info.header_row = table.header_row;
    info.rater_group = table.found.as_ref().and_then(|f| f.group_name.clone());
    info.points_row = table.points_row;
    info.lines = table.max_line;
    info.unknown_columns = table.found.as_ref().map(|f| f.unknown.clone()).unwrap_or_default();
    r?;
    inputs.end(info);
    Ok(())
}

/// A file's name without its folder and extension (党员互评.csv names a rater group).
pub fn file_stem(file: &str) -> String {
    Path::new(file).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// What a form's header must name in this file (its name may give the rater group).
pub fn target_want_score(sc: &Scorer, file: &str) -> Want {
    let stem = file_stem(file);
    Want::Sheets {
        items: sc.item_names().map(str::to_string).collect(),
        need_group: sc.has_groups(),
        group_from: sc.group_named(&stem).map(str::to_string),
    }
}

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

use crate::fastcsv::{self, Cols};
use serde::Serialize;
use std::collections::VecDeque;
use std::io::{BufRead, Read, Seek};
use std::path::Path;
use std::process::ExitCode;
use xianjiao_core::{Rejection, Scorer, VoteCounter};

const MEMBER_COLS: &[&str] = &["member", "姓名", "党员", "被测评人", "unit", "单位", "被测评单位", "subject"];
const GROUP_COLS: &[&str] = &["rater_group", "评议组", "测评层次", "group"];
const TIER_COLS: &[&str] = &["tier", "档次", "测评档次"];
/// The respondent-group column of a one-row-per-respondent vote (附件6).
const RGROUP_COLS: &[&str] = &["respondent_group", "参评人员类别", "类别"];
/// A total column a 附件6 counts sheet may carry: checked against the tiers.
const TOTAL_COLS: &[&str] = &["total", "合计", "合 计"];
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

fn fail(path: &Path, msg: &str) -> ExitCode {
    eprintln!("{}: {msg}", path.display());
    ExitCode::from(2)
}

// ---------------------------------------------------------------- rows

/// The non-empty cells of one row: (0-based column, text), in column order.
/// CSV rows keep every field, XLSX rows only the cells that hold something,
/// so a cell far to the right costs nothing.
#[derive(Debug, Default, Clone)]
pub struct Cells(pub Vec<(usize, String)>);

impl Cells {
    fn get(&self, col: usize) -> Option<&str> {
        self.0.binary_search_by_key(&col, |c| c.0).ok().map(|i| self.0[i].1.as_str())
    }
    fn blank(&self) -> bool {
        self.0.iter().all(|c| c.1.trim().is_empty())
    }
    fn dense(fields: Vec<String>) -> Self {
        Cells(fields.into_iter().enumerate().collect())
    }
}

/// Which columns a header names.
#[derive(Debug, Clone)]
pub struct Found {
    member: usize,
    group: Option<usize>,
    /// Item columns (forms) or tier-count columns (votes), in the rules' order.
    cols: Vec<usize>,
    /// The tier column of a one-row-per-respondent vote.
    tier: Option<usize>,
    /// Votes with respondent groups: the group column (one row per respondent)
    /// or one count column per group (附件6), in the rules' order.
    rgroup: Option<usize>,
    rgroups: Vec<usize>,
    /// A 合计 column, checked against the sum of the tiers.
    total: Option<usize>,
    /// Plain tables: the column of each wanted field (`None`: absent, optional).
    plain: Vec<Option<usize>>,
}

/// What a header must name.
#[derive(Debug, Clone)]
pub enum Want {
    /// A form's sheets: the items, and a rater group column when the form has groups.
    Sheets { items: Vec<String>, need_group: bool },
    /// A vote: one column per tier, or a tier column; with respondent groups
    /// (附件6) a group column or one count column per group.
    Votes { tiers: Vec<String>, groups: Vec<String> },
    /// A plain table of named fields (decisions, test figures, profiles):
    /// the first field is the key that marks the header row.
    Plain(Vec<Field>),
}

/// One field of a plain table: its key, the header names it may have, and
/// whether it must be present.
#[derive(Debug, Clone)]
pub struct Field {
    /// Internal key.
    pub key: &'static str,
    /// Header names (compared ignoring ASCII case).
    pub names: &'static [&'static str],
    /// The header must have it.
    pub required: bool,
}

/// Resolves a header cell to an item (forms) or tier (votes) index, aliases included.
pub type Resolve<'a> = &'a dyn Fn(&str) -> Option<usize>;

fn col_list(hits: &[(usize, &str)]) -> String {
    hits.iter().map(|(i, h)| format!("第 {} 列“{}”", i + 1, h.trim())).collect::<Vec<_>>().join("、")
}

fn matches_of(cells: &Cells, pred: impl Fn(&str) -> bool) -> Vec<(usize, &str)> {
    cells.0.iter().filter(|(_, h)| pred(h.trim().trim_start_matches('\u{feff}').trim())).map(|(i, h)| (*i, h.as_str())).collect()
}

impl Want {
    /// `Ok(None)` when the row is not a header at all (no member column),
    /// `Err` when it is one but cannot be used (what is missing or duplicated).
    pub fn header(&self, cells: &Cells, resolve: Resolve) -> Result<Option<Found>, String> {
        if let Want::Plain(fields) = self { return plain_header(fields, cells); }
        // A vote's respondent group or tier may share a word with the member column (党员): it is then the group's.
        let taken = |h: &str| matches!(self, Want::Votes { tiers, groups } if tiers.iter().chain(groups).any(|t| t == h));
        let members = matches_of(cells, |h| MEMBER_COLS.iter().any(|n| h.eq_ignore_ascii_case(n)) && !taken(h));
        let member = match members.as_slice() {
            [] => return Ok(None),
            [m] => m.0,
            more => return Err(format!("有多个被测评人列:{},只能有一列 / more than one member column", col_list(more))),
        };
        match self {
            Want::Sheets { items, need_group } => {
                let groups = matches_of(cells, |h| GROUP_COLS.iter().any(|n| h.eq_ignore_ascii_case(n)));
                let group = match groups.as_slice() {
                    [] => None,
                    [g] => Some(g.0),
                    more => return Err(format!("有多个评议组列:{},只能有一列 / more than one rater_group column", col_list(more))),
                };
                if *need_group && group.is_none() {
                    return Err(format!("缺少评议组列,应为 {} 之一 / header has no rater_group column", GROUP_COLS.join("、")));
                }
                let mut cols = vec![];
                let mut missing = vec![];
                for (k, it) in items.iter().enumerate() {
                    // The declared name or one of the form's aliases for it.
                    let hits = matches_of(cells, |h| h == it || resolve(h) == Some(k));
                    match hits.as_slice() {
                        [] => missing.push(it.as_str()),
                        [c] => cols.push(c.0),
                        more => return Err(format!("列名“{it}”重复:{} / duplicated column “{it}”", col_list(more))),
                    }
                }
                if !missing.is_empty() {
                    return Err(format!("缺少测评项目列:{} / header lacks item columns", missing.join("、")));
                }
                Ok(Some(Found { member, group, cols, tier: None, rgroup: None, rgroups: vec![], total: None, plain: vec![] }))
            }
            Want::Votes { tiers, groups } => {
                let mut cols = vec![];
                for (k, t) in tiers.iter().enumerate() {
                    let hits = matches_of(cells, |h| h == t || resolve(h) == Some(k));
                    match hits.as_slice() {
                        [] => {}
                        [c] => cols.push(c.0),
                        more => return Err(format!("列名“{t}”重复:{} / duplicated column “{t}”", col_list(more))),
                    }
                }
                let one = |names: &[&str], what: &str| -> Result<Option<usize>, String> {
                    match matches_of(cells, |h| names.iter().any(|n| h.eq_ignore_ascii_case(n))).as_slice() {
                        [] => Ok(None),
                        [c] => Ok(Some(c.0)),
                        more => Err(format!("有多个{what}列:{} / more than one {what} column", col_list(more))),
                    }
                };
                let total = one(TOTAL_COLS, "合计")?;
                let rgroup = one(RGROUP_COLS, "参评人员类别")?;
                let mut rgroups = vec![];
                for g in groups {
                    match matches_of(cells, |h| h == g).as_slice() {
                        [] => {}
                        [c] => rgroups.push(c.0),
                        more => return Err(format!("列名“{g}”重复:{} / duplicated column “{g}”", col_list(more))),
                    }
                }
                if !rgroups.is_empty() && rgroups.len() != groups.len() {
                    let missing: Vec<&str> = groups.iter().filter(|g| !cells.0.iter().any(|(_, h)| h.trim() == g.as_str())).map(String::as_str).collect();
                    return Err(format!("按参评人员类别计数时每类一列,缺少:{} / one count column per respondent group; missing some", missing.join("、")));
                }
                let mut f = if cols.len() == tiers.len() {
                    if rgroup.is_some() { return Err("每个档次一列(计数)时不能再有参评人员类别列;请每类一列计数 / counts per tier take one count column per group, not a group column".into()); }
                    Found { member, group: None, cols, tier: None, rgroup: None, rgroups, total, plain: vec![] }
                } else {
                    let tcols = matches_of(cells, |h| TIER_COLS.iter().any(|n| h.eq_ignore_ascii_case(n)));
                    match tcols.as_slice() {
                        [t] if rgroups.is_empty() && total.is_none() => Found { member, group: None, cols: vec![], tier: Some(t.0), rgroup, rgroups: vec![], total: None, plain: vec![] },
                        [_] => return Err("每人一行(tier 列)时不能有按类别或合计的计数列 / one row per respondent takes no count columns".into()),
                        [] => return Err(format!("应有 tier 列(每人一行),或每个档次一列({})/ header needs a tier column or one column per tier", tiers.join("、"))),
                        more => return Err(format!("有多个档次列:{} / more than one tier column", col_list(more))),
                    }
                };
                if (f.rgroup.is_some() || !f.rgroups.is_empty()) && groups.is_empty() {
                    return Err("此测评未声明参评人员类别(groups),表中却有类别列 / the vote declares no respondent groups".into());
                }
                // With respondent groups every column must be understood: none is silently left out.
                if f.rgroup.is_some() || !f.rgroups.is_empty() {
                    let mut known: Vec<usize> = vec![f.member];
                    known.extend(f.cols.iter().copied());
                    known.extend(f.tier);
                    known.extend(f.rgroup);
                    known.extend(f.rgroups.iter().copied());
                    known.extend(f.total);
                    let unknown: Vec<(usize, &str)> = cells.0.iter().filter(|(i, h)| !h.trim().is_empty() && !known.contains(i)).map(|(i, h)| (*i, h.as_str())).collect();
                    if !unknown.is_empty() {
                        return Err(format!("不认识的列:{}(应为被测评对象、档次、参评人员类别或合计)/ unknown columns", col_list(&unknown)));
                    }
                }
                if f.total.is_some() && f.cols.is_empty() { f.total = None; }
                Ok(Some(f))
            }
            Want::Plain(_) => Ok(None),
        }
    }

    fn expected(&self) -> String {
        match self {
            Want::Sheets { items, need_group } => format!(
                "应有被测评人列({}){}及测评项目列({})/ expected a member column{} and the item columns",
                MEMBER_COLS.join("、"),
                if *need_group { format!("、评议组列({})", GROUP_COLS.join("、")) } else { String::new() },
                items.join("、"),
                if *need_group { ", a rater_group column" } else { "" }
            ),
            Want::Votes { tiers, .. } => format!(
                "应有被测评对象列({})及 tier 列或每个档次一列({})/ expected a unit column and a tier column or one column per tier",
                MEMBER_COLS.join("、"), tiers.join("、")
            ),
            Want::Plain(fields) => format!("应有以下列:{} / expected these columns",
                fields.iter().map(|f| format!("{}{}", f.names.join("/"), if f.required { "" } else { "(可选)" })).collect::<Vec<_>>().join("、")),
        }
    }
}

/// The header of a plain table: `Ok(None)` without the key column; every
/// other column must be one of the fields (nothing is silently ignored).
fn plain_header(fields: &[Field], cells: &Cells) -> Result<Option<Found>, String> {
    let mut plain = vec![];
    for f in fields {
        match matches_of(cells, |h| f.names.iter().any(|n| h.eq_ignore_ascii_case(n))).as_slice() {
            [] => plain.push(None),
            [c] => plain.push(Some(c.0)),
            more => return Err(format!("列“{}”重复:{} / duplicated column", f.names[0], col_list(more))),
        }
    }
    let Some(Some(key)) = plain.first().copied() else { return Ok(None) };
    let missing: Vec<&str> = fields.iter().zip(&plain).filter(|(f, c)| f.required && c.is_none()).map(|(f, _)| f.names[0]).collect();
    if !missing.is_empty() {
        return Err(format!("缺少列:{} / missing columns", missing.join("、")));
    }
    let unknown: Vec<(usize, &str)> = cells.0.iter().filter(|(i, h)| !h.trim().is_empty() && !plain.contains(&Some(*i))).map(|(i, h)| (*i, h.as_str())).collect();
    if !unknown.is_empty() {
        return Err(format!("不认识的列:{} / unknown columns", col_list(&unknown)));
    }
    Ok(Some(Found { member: key, group: None, cols: vec![], tier: None, rgroup: None, rgroups: vec![], total: None, plain }))
}

/// Rows of a plain table as read: each with its (global) line and its
/// fields in the order asked, or the reason the row could not be read.
#[derive(Debug, Default)]
pub struct PlainRows {
    /// The fields asked for.
    pub fields: Vec<Field>,
    /// Which of the optional fields the header has.
    pub present: Vec<bool>,
    /// (line, fields or why the row is unreadable).
    pub rows: Vec<(usize, Result<Vec<String>, String>)>,
}

impl PlainRows {
    /// A table of these fields.
    pub fn new(fields: Vec<Field>) -> Self {
        PlainRows { fields, present: vec![], rows: vec![] }
    }
    /// Index of a field by key.
    pub fn col(&self, key: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.key == key)
    }
    /// True when the header has the field.
    pub fn has(&self, key: &str) -> bool {
        self.col(key).and_then(|i| self.present.get(i).copied()).unwrap_or(false)
    }
}

/// Where rows go once the header is known.
pub enum Target<'s, 'r> {
    /// Filled forms.
    Score(&'s mut Scorer<'r>),
    /// Votes.
    Votes(&'s mut VoteCounter<'r>),
    /// A plain table, collected.
    Plain(&'s mut PlainRows),
}

impl Target<'_, '_> {
    fn want(&self) -> Want {
        match self {
            Target::Score(sc) => Want::Sheets { items: sc.item_names().map(str::to_string).collect(), need_group: sc.has_groups() },
            Target::Votes(vc) => Want::Votes { tiers: vc.tiers().to_vec(), groups: vc.groups().to_vec() },
            Target::Plain(p) => Want::Plain(p.fields.clone()),
        }
    }
    /// Item (forms) or tier (votes) index of a header cell, aliases included.
    fn resolve(&self, h: &str) -> Option<usize> {
        match self {
            Target::Score(sc) => sc.item_index(h),
            Target::Votes(vc) => vc.tier_index(h),
            Target::Plain(_) => None,
        }
    }
    fn row(&mut self, line: usize, cells: &Cells, f: &Found) {
        match self {
            Target::Score(sc) => fastcsv::add_get(sc, line, |i| cells.get(i), f.member, f.group, &f.cols),
            Target::Votes(vc) => {
                let subject = cells.get(f.member).unwrap_or("");
                match (f.tier, f.rgroup) {
                    (Some(t), Some(g)) => vc.add_response_from(line, subject, cells.get(g).unwrap_or(""), cells.get(t).unwrap_or("")),
                    (Some(t), None) => vc.add_response(line, subject, cells.get(t).unwrap_or("")),
                    (None, _) => {
                        let vals: Vec<Option<&str>> = f.cols.iter().map(|&i| cells.get(i)).collect();
                        if let Some(tc) = f.total {
                            let raw = cells.get(tc).unwrap_or("").trim();
                            let sum = vals.iter().map(|v| v.map(str::trim).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)).fold(0u64, u64::saturating_add);
                            if !raw.is_empty() && raw.parse::<u64>().ok() != Some(sum) {
                                return vc.reject(line, Some("合计"), format!("合计 \"{raw}\" 与各档次人数之和 {sum} 不符 / the total differs from the sum of the tiers"));
                            }
                        }
                        if f.rgroups.is_empty() {
                            vc.add_counts(line, subject, &vals);
                        } else {
                            let gs: Vec<Option<&str>> = f.rgroups.iter().map(|&i| cells.get(i)).collect();
                            vc.add_counts_by_group(line, subject, &vals, &gs);
                        }
                    }
                }
            }
            Target::Plain(p) => {
                let row = f.plain.iter().map(|c| c.and_then(|i| cells.get(i)).unwrap_or("").trim().to_string()).collect();
                p.present = f.plain.iter().map(Option::is_some).collect();
                p.rows.push((line, Ok(row)));
            }
        }
    }
    fn bad(&mut self, line: usize, reason: String) {
        match self {
            Target::Score(sc) => sc.reject(line, None, reason),
            Target::Votes(vc) => vc.reject(line, None, reason),
            Target::Plain(p) => p.rows.push((line, Err(reason))),
        }
    }
}

/// One file, or one sheet of a workbook, and what became of it.
#[derive(Debug, Clone, Serialize)]
pub struct SourceInfo {
    /// File path as given.
    pub file: String,
    /// Sheet name (workbooks only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// `read` or `skipped`.
    pub status: &'static str,
    /// Why it was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Text encoding (CSV only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<&'static str>,
    /// 1-based row of the header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_row: Option<usize>,
    /// Added to this source's line numbers so rows of different sources never collide.
    #[serde(skip)]
    offset: usize,
    /// Highest line number of this source.
    #[serde(skip)]
    lines: usize,
    /// A hash of the data rows (sheets) or of the bytes (CSV files), to find copies.
    #[serde(skip)]
    digest: Option<u64>,
}

/// Every source read into one scorer or counter.
#[derive(Debug, Default)]
pub struct Inputs {
    /// In reading order.
    pub sources: Vec<SourceInfo>,
    next: usize,
}

impl Inputs {
    fn begin(&mut self, file: &str, sheet: Option<&str>) -> SourceInfo {
        SourceInfo { file: file.to_string(), sheet: sheet.map(str::to_string), status: "read", reason: None, encoding: None, header_row: None, offset: self.next, lines: 0, digest: None }
    }
    fn end(&mut self, s: SourceInfo) {
        if s.status == "read" { self.next = s.offset + s.lines + 1; }
        self.sources.push(s);
    }
    fn read(&self) -> impl Iterator<Item = &SourceInfo> {
        self.sources.iter().filter(|s| s.status == "read")
    }
    /// True when rows come from more than one file or sheet (rejections then name theirs).
    pub fn several(&self) -> bool {
        self.read().count() > 1
    }
    /// True when there is something to say about the sources: several, skipped
    /// sheets, a title row above the header, or an encoding other than UTF-8.
    pub fn notable(&self) -> bool {
        self.several() || self.sources.iter().any(|s| s.status != "read" || s.header_row.is_some_and(|h| h != 1) || s.encoding.is_some_and(|e| e != "UTF-8"))
    }
    /// Turns a rejection's global row back into its source's own line; returns
    /// `file` or `file#sheet` when rows come from several sources.
    pub fn relocate(&self, r: &mut Rejection) -> Option<String> {
        let s = self.read().filter(|s| s.offset < r.row).last()?;
        r.row -= s.offset;
        self.several().then(|| s.label())
    }
    /// Refuses the same data read twice (a file given twice, a copied sheet):
    /// every sheet of it would count twice.
    pub fn refuse_copies(&self) -> Result<(), String> {
        let read: Vec<&SourceInfo> = self.read().collect();
        for (i, a) in read.iter().enumerate() {
            for b in &read[..i] {
                if a.digest.is_some() && a.digest == b.digest && a.lines > 0 {
                    return Err(format!("“{}”与“{}”的数据完全相同,其中的测评表会被计两次;请删去副本(或在 Excel 中隐藏该工作表)后重试 / the same data twice: remove the copy",
                        a.label(), b.label()));
                }
            }
        }
        Ok(())
    }

    /// Notes on stderr: sheets read and skipped, encodings, header rows.
    pub fn print_notes(&self) {
        if !self.notable() { return; }
        for s in &self.sources {
            let mut what = vec![];
            if let Some(e) = s.encoding { if e != "UTF-8" { what.push(format!("编码 {e} / encoding {e}")); } }
            if let Some(h) = s.header_row { if h != 1 { what.push(format!("表头在第 {h} 行 / header on row {h}")); } }
            match s.status {
                "read" => eprintln!("{}: 已读取 / read{}", s.label(), if what.is_empty() { String::new() } else { format!("({})", what.join(";")) }),
                _ => eprintln!("{}: 已跳过 / skipped:{}", s.label(), s.reason.as_deref().unwrap_or("")),
            }
        }
    }
}

impl SourceInfo {
    fn label(&self) -> String {
        match &self.sheet { Some(sh) => format!("{}#{sh}", self.file), None => self.file.clone() }
    }
}

/// Finds the header among the first rows, then hands every later row on.
struct Table<'t, 's, 'r> {
    target: &'t mut Target<'s, 'r>,
    want: Want,
    found: Option<Found>,
    seen: usize,
    base: usize,
    header_row: Option<usize>,
    max_line: usize,
    /// The first row that looked like a header but did not fit, and why.
    candidate: Option<(usize, String)>,
    /// Hash of the data rows' cells (not their line numbers), and how many.
    hash: std::collections::hash_map::DefaultHasher,
    data_rows: usize,
}

impl<'t, 's, 'r> Table<'t, 's, 'r> {
    fn new(target: &'t mut Target<'s, 'r>, base: usize) -> Self {
        let want = target.want();
        Table { target, want, found: None, seen: 0, base, header_row: None, max_line: 0, candidate: None, hash: Default::default(), data_rows: 0 }
    }
    fn feed(&mut self, line: usize, cells: &Cells) -> Result<(), String> {
        self.max_line = self.max_line.max(line);
        if cells.blank() { return Ok(()); }
        match &self.found {
            Some(f) => {
                std::hash::Hash::hash(&cells.0, &mut self.hash);
                self.data_rows += 1;
                self.target.row(self.base + line, cells, f);
                Ok(())
            }
            None => self.look(line, cells),
        }
    }
    fn look(&mut self, line: usize, cells: &Cells) -> Result<(), String> {
        self.seen += 1;
        let target = &*self.target;
        let header = self.want.header(cells, &|h| target.resolve(h));
        match header {
            Ok(Some(f)) => {
                if let Target::Plain(p) = &mut *self.target { p.present = f.plain.iter().map(Option::is_some).collect(); }
                self.found = Some(f);
                self.header_row = Some(line);
                Ok(())
            }
            Ok(None) | Err(_) if self.seen < HEADER_SEARCH => {
                if let (Err(e), None) = (header, &self.candidate) { self.candidate = Some((line, e)); }
                Ok(())
            }
            Ok(None) => Err(self.no_header()),
            Err(e) => { self.candidate.get_or_insert((line, e)); Err(self.no_header()) }
        }
    }
    fn bad(&mut self, line: usize, reason: String) -> Result<(), String> {
        self.max_line = self.max_line.max(line);
        if self.found.is_some() {
            self.target.bad(self.base + line, reason);
            Ok(())
        } else {
            // Before the header: a title row at most, but it counts as one looked at.
            self.seen += 1;
            if self.seen >= HEADER_SEARCH { Err(self.no_header()) } else { Ok(()) }
        }
    }
    fn no_header(&self) -> String {
        match &self.candidate {
            // A row that names the member column is the header the file meant: say what it lacks.
            Some((line, e)) => format!("第 {line} 行(表头){e}"),
            None => format!("前 {HEADER_SEARCH} 行中没有找到表头:{} / no header row in the first {HEADER_SEARCH} rows", self.want.expected()),
        }
    }
    fn finish(&self) -> Result<(), String> {
        if self.found.is_none() {
            return Err(if self.seen == 0 { "空文件,没有表头 / empty file, no header".to_string() } else { self.no_header() });
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- encodings

/// The text encoding of a CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enc {
    /// UTF-8 (`bom`: bytes of a UTF-8 BOM to skip).
    Utf8 { bom: usize },
    /// UTF-16 little-endian, with BOM.
    Utf16Le,
    /// UTF-16 big-endian, with BOM.
    Utf16Be,
    /// GB18030 (a superset of GBK and GB2312).
    Gb18030,
}

impl Enc {
    fn label(self) -> &'static str {
        match self {
            Enc::Utf8 { bom: 0 } => "UTF-8",
            Enc::Utf8 { .. } => "UTF-8 BOM",
            Enc::Utf16Le => "UTF-16LE",
            Enc::Utf16Be => "UTF-16BE",
            Enc::Gb18030 => "GB18030",
        }
    }
    fn bad_line(self) -> String {
        match self {
            Enc::Utf8 { .. } => "不是 UTF-8 文本 / not UTF-8 text".into(),
            e => format!("此行不是有效的 {0} 文本 / not valid {0} text", e.label()),
        }
    }
}

fn cannot_decode(why: &str) -> String {
    format!("无法识别文件编码{why}(已尝试 UTF-8、带 BOM 的 UTF-16 LE/BE、GB18030/GBK)。{RESAVE} / cannot decode the file (tried UTF-8, UTF-16 LE/BE with BOM, GB18030/GBK); {RESAVE_EN}")
}

/// Detects the encoding from the first bytes of a file (`complete`: the whole file).
pub fn sniff(sample: &[u8], complete: bool) -> Result<Enc, String> {
    if sample.starts_with(&[0xef, 0xbb, 0xbf]) { return Ok(Enc::Utf8 { bom: 3 }); }
    if sample.starts_with(&[0xff, 0xfe]) { return Ok(Enc::Utf16Le); }
    if sample.starts_with(&[0xfe, 0xff]) { return Ok(Enc::Utf16Be); }
    if sample.starts_with(b"PK\x03\x04") {
        return Err("这是 XLSX/ZIP 格式的文件,请使用 .xlsx 扩展名 / this is an XLSX (zip) file: name it .xlsx".into());
    }
    let nul = sample.iter().filter(|&&b| b == 0).count();
    if sample.len() >= 8 && nul * 4 >= sample.len() {
        return Err(cannot_decode(":像是没有 BOM 的 UTF-16 或二进制文件"));
    }
    let mut lines: Vec<&[u8]> = sample.split(|&b| b == b'\n').collect();
    if !complete && lines.len() > 1 { lines.pop(); }
    let (mut ascii, mut na_ok, mut bad, mut gb_rescued) = (0usize, 0usize, 0usize, 0usize);
    for l in &lines {
        if l.is_ascii() { ascii += 1; continue; }
        if std::str::from_utf8(l).is_ok() { na_ok += 1; continue; }
        bad += 1;
        if encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(l).is_some() { gb_rescued += 1; }
    }
    let total = ascii + na_ok + bad;
    if bad == 0 { return Ok(Enc::Utf8 { bom: 0 }); }
    if na_ok == 0 && gb_rescued == bad { return Ok(Enc::Gb18030); }
    if gb_rescued > na_ok && gb_rescued * 2 >= bad { return Ok(Enc::Gb18030); }
    if (ascii + na_ok) * 2 > total { return Ok(Enc::Utf8 { bom: 0 }); }
    Err(cannot_decode(""))
}

/// The whole file as UTF-8 bytes (GB18030 line by line: a line that does not
/// decode is passed through as is, and rejected as not valid text later).
fn decode(bytes: &[u8], enc: Enc) -> Result<Vec<u8>, String> {
    let utf16 = |e: &'static encoding_rs::Encoding, body: &[u8]| {
        e.decode_without_bom_handling_and_without_replacement(body).map(|s| s.into_owned().into_bytes())
            .ok_or_else(|| format!("文件以 {} 的 BOM 开头,但其中有无法解码的字节。{RESAVE} / invalid {} data; {RESAVE_EN}", e.name(), e.name()))
    };
    let mut out = match enc {
        Enc::Utf8 { bom } => bytes.get(bom..).unwrap_or_default().to_vec(),
        Enc::Utf16Le => utf16(encoding_rs::UTF_16LE, bytes.get(2..).unwrap_or_default())?,
        Enc::Utf16Be => utf16(encoding_rs::UTF_16BE, bytes.get(2..).unwrap_or_default())?,
        Enc::Gb18030 => {
            let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 2);
            for line in bytes.split_inclusive(|&b| b == b'\n') {
                match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(line) {
                    Some(s) => out.extend_from_slice(s.as_bytes()),
                    None => out.extend_from_slice(line),
                }
            }
            out
        }
    };
    // A UTF-16 file may carry a UTF-8-style BOM character after decoding.
    if out.starts_with("\u{feff}".as_bytes()) { out.drain(..3); }
    cr_only(&mut out);
    Ok(out)
}

/// Old Mac line ends (CR alone, no LF anywhere) become LF.
fn cr_only(b: &mut [u8]) {
    if memchr::memchr(b'\n', b).is_none() && memchr::memchr(b'\r', b).is_some() {
        for c in b.iter_mut() { if *c == b'\r' { *c = b'\n'; } }
    }
}

// ---------------------------------------------------------------- CSV records

/// One CSV record.
#[derive(Debug, PartialEq)]
pub enum Rec {
    /// The line it starts on and its fields.
    Fields(usize, Vec<String>),
    /// A record that could not be read, at its first line.
    Bad(usize, String),
}

/// An RFC 4180 reader that knows the physical line of every record. A quoted
/// field may span lines; one still open at the end of the file (or after
/// `MAX_SPAN_LINES`) is reported at the line where it opened and the lines
/// after that line are read again as records of their own.
pub struct CsvRecords<R: BufRead> {
    r: R,
    replay: VecDeque<(usize, Vec<u8>)>,
    line: usize,
    enc: Enc,
}

#[derive(Clone, Copy, PartialEq)]
enum St { Start, Plain, Quoted, QuoteSeen }

impl<R: BufRead> CsvRecords<R> {
    /// Reads records from `r`, whose first line is line `first_line`.
    pub fn new(r: R, first_line: usize, enc: Enc) -> Self {
        CsvRecords { r, replay: VecDeque::new(), line: first_line.saturating_sub(1), enc }
    }

    fn next_line(&mut self) -> std::io::Result<Option<(usize, Vec<u8>)>> {
        if let Some(l) = self.replay.pop_front() { return Ok(Some(l)); }
        let mut buf = vec![];
        if self.r.read_until(b'\n', &mut buf)? == 0 { return Ok(None); }
        self.line += 1;
        Ok(Some((self.line, buf)))
    }

    /// The next record, `None` at the end.
    pub fn next_rec(&mut self) -> std::io::Result<Option<Rec>> {
        let Some(first) = self.next_line()? else { return Ok(None) };
        let start = first.0;
        let mut span: Vec<(usize, Vec<u8>)> = vec![first];
        let mut span_bytes = 0;
        let mut fields: Vec<Vec<u8>> = vec![];
        let mut cur: Vec<u8> = vec![];
        let mut st = St::Start;
        loop {
            let Some((_, raw)) = span.last() else { return Ok(None) };
            span_bytes += raw.len();
            let (body, term): (&[u8], &[u8]) = if let Some(b) = raw.strip_suffix(b"\r\n") { (b, b"\r\n") }
                else if let Some(b) = raw.strip_suffix(b"\n") { (b, b"\n") } else { (raw, b"") };
            let mut malformed = false;
            for &c in body {
                st = match (st, c) {
                    (St::Start, b'"') => St::Quoted,
                    (St::Start | St::Plain, b',') => { fields.push(std::mem::take(&mut cur)); St::Start }
                    (St::Start | St::Plain, _) => { cur.push(c); St::Plain }
                    (St::Quoted, b'"') => St::QuoteSeen,
                    (St::Quoted, _) => { cur.push(c); St::Quoted }
                    (St::QuoteSeen, b'"') => { cur.push(b'"'); St::Quoted }
                    (St::QuoteSeen, b',') => { fields.push(std::mem::take(&mut cur)); St::Start }
                    (St::QuoteSeen, _) => { malformed = true; break; }
                };
            }
            if malformed {
                let end = span.last().map_or(start, |l| l.0);
                let why = if end == start {
                    "结束引号后紧跟其他字符(应为逗号或行尾),此行未计分 / text after a closing quote".to_string()
                } else {
                    format!("引号未闭合:本行开始的引号到第 {end} 行才遇到下一个 \",且其后不是逗号或行尾;此行未计分,其后各行照常读取 / unterminated quote")
                };
                self.requeue(span);
                return Ok(Some(Rec::Bad(start, why)));
            }
            if st != St::Quoted { break; }
            // Still inside quotes: the field goes on with the next line.
            let at_eof = term.is_empty();
            cur.extend_from_slice(term);
            let too_long = span.len() >= MAX_SPAN_LINES || span_bytes >= MAX_SPAN_BYTES;
            let more = if at_eof || too_long { None } else { self.next_line()? };
            match more {
                Some(l) => span.push(l),
                None => {
                    let why = format!("引号未闭合(到{}仍没有结束的 \"),此行未计分,其后各行照常读取 / unterminated quote",
                        if too_long { format!(" {MAX_SPAN_LINES} 行内") } else { "文件末尾".into() });
                    self.requeue(span);
                    return Ok(Some(Rec::Bad(start, why)));
                }
            }
        }
        fields.push(cur);
        let mut out = Vec::with_capacity(fields.len());
        for f in fields {
            match String::from_utf8(f) {
                Ok(s) => out.push(s),
                Err(_) => return Ok(Some(Rec::Bad(start, self.enc.bad_line()))),
            }
        }
        Ok(Some(Rec::Fields(start, out)))
    }

    /// Lines after the first of a failed record are read again.
    fn requeue(&mut self, span: Vec<(usize, Vec<u8>)>) {
        for l in span.into_iter().skip(1).rev() { self.replay.push_front(l); }
    }
}

// ---------------------------------------------------------------- CSV files

/// A header found in the quote-free first lines: the fast path may take the file.
struct FastPlan {
    cols: Cols,
    header_line: usize,
    body_start: usize,
}

/// Looks for the header the way [`Table`] does, over plain quote-free lines.
fn fast_plan(text: &[u8], want: &Want, resolve: Resolve) -> Option<FastPlan> {
    let mut at = 0;
    let mut seen = 0;
    for line_no in 1.. {
        let nl = memchr::memchr(b'\n', &text[at..])? + at;
        let line = &text[at..nl];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.contains(&b'"') { return None; }
        let s = std::str::from_utf8(line).ok()?;
        let cells = Cells::dense(s.split(',').map(str::to_string).collect());
        if !cells.blank() {
            seen += 1;
            match want.header(&cells, resolve) {
                Ok(Some(f)) => return Some(FastPlan { cols: Cols { member: f.member, group: f.group, items: f.cols }, header_line: line_no, body_start: nl + 1 }),
                Ok(None) if seen < HEADER_SEARCH => {}
                _ => return None,
            }
        }
        at = nl + 1;
    }
    None
}

fn csv_records<R: BufRead>(recs: &mut CsvRecords<R>, table: &mut Table) -> Result<(), String> {
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
        let want = target_want_score(sc);
        let plan = fast_plan(&text, &want, &|h| sc.item_index(h));
        if let Some(plan) = plan {
            let body = text.get(plan.body_start..).unwrap_or_default();
            if let Some(lines) = fastcsv::score_bytes(body, base + plan.header_line, &plan.cols, sc) {
                fast_done(inputs, info, plan.header_line, lines);
                return Ok(());
            }
        }
    }
    records(&text[..], enc, target, inputs, info)
}

/// Finishes a source the fast path read: header row, last line, recorded.
fn fast_done(inputs: &mut Inputs, mut info: SourceInfo, header_line: usize, lines: usize) {
    info.header_row = Some(header_line);
    info.lines = lines - info.offset;
    inputs.end(info);
}

/// Reads a source with the record reader (from memory or streamed) and records it.
fn records<R: BufRead>(reader: R, enc: Enc, target: &mut Target, inputs: &mut Inputs, mut info: SourceInfo) -> Result<(), String> {
    let mut table = Table::new(target, info.offset);
    let mut recs = CsvRecords::new(reader, 1, enc);
    let r = csv_records(&mut recs, &mut table);
    info.header_row = table.header_row;
    info.lines = table.max_line;
    r?;
    inputs.end(info);
    Ok(())
}

fn target_want_score(sc: &Scorer) -> Want {
    Want::Sheets { items: sc.item_names().map(str::to_string).collect(), need_group: sc.has_groups() }
}

/// Reads a CSV file: streamed when it is UTF-8 (on every core when it holds no
/// quote), decoded in memory otherwise.
fn csv_file(path: &Path, target: &mut Target, inputs: &mut Inputs, bar: Option<&indicatif::ProgressBar>) -> Result<(), String> {
    let cant = |e: std::io::Error| format!("无法读取 / cannot read: {e}");
    let mut f = std::fs::File::open(path).map_err(cant)?;
    let len = f.metadata().map_err(cant)?.len();
    let mut sample = vec![];
    (&mut f).take(SAMPLE as u64).read_to_end(&mut sample).map_err(cant)?;
    let complete = sample.len() as u64 >= len;
    let enc = sniff(&sample, complete)?;
    let cr_file = memchr::memchr(b'\n', &sample).is_none() && memchr::memchr(b'\r', &sample).is_some();
    let name = path.display().to_string();
    if enc != (Enc::Utf8 { bom: 0 }) && enc != (Enc::Utf8 { bom: 3 }) || cr_file {
        let bytes = std::fs::read(path).map_err(cant)?;
        return csv_bytes(&name, &bytes, target, inputs, Route::Auto);
    }
    let Enc::Utf8 { bom } = enc else { return Err(cannot_decode("")) };
    let mut info = inputs.begin(&name, None);
    info.encoding = Some(enc.label());
    let base = info.offset;
    if let Target::Score(sc) = &mut *target {
        let want = target_want_score(sc);
        let plan = fast_plan(&sample[bom..], &want, &|h| sc.item_index(h));
        if let Some(plan) = plan {
            match fastcsv::score(path, (bom + plan.body_start) as u64, base + plan.header_line, &plan.cols, sc, bar) {
                Ok(Some(lines)) => {
                    fast_done(inputs, info, plan.header_line, lines);
                    return Ok(());
                }
                Ok(None) => { if let Some(b) = bar { b.set_position(0); } }
                Err(e) => return Err(cant(e)),
            }
        }
    }
    f.seek(std::io::SeekFrom::Start(bom as u64)).map_err(cant)?;
    let reader = std::io::BufReader::with_capacity(1 << 16, ProgressRead { f, bar, n: 0 });
    records(reader, enc, target, inputs, info)
}

/// Moves the progress bar as the record reader consumes the file.
struct ProgressRead<'b> {
    f: std::fs::File,
    bar: Option<&'b indicatif::ProgressBar>,
    n: u64,
}

impl Read for ProgressRead<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let k = self.f.read(buf)?;
        self.n += k as u64;
        if let Some(b) = self.bar { b.set_position(self.n); }
        Ok(k)
    }
}

// ---------------------------------------------------------------- workbooks

/// Reads every sheet of a workbook whose header fits; the others are listed
/// as skipped with the reason. XLSX and XLSB cells are streamed (a lone cell
/// at XFD1048576 costs one cell, not the sheet's declared size).
pub fn workbook<RS: Read + Seek>(name: &str, wb: calamine::Sheets<RS>, target: &mut Target, inputs: &mut Inputs) -> Result<(), String> {
    use calamine::{Reader, SheetVisible};
    let mut wb = wb;
    let sheets: Vec<(String, bool)> = wb.sheets_metadata().iter().map(|s| (s.name.clone(), s.visible == SheetVisible::Visible)).collect();
    if sheets.is_empty() { return Err("表格中没有工作表 / no worksheet".into()); }
    let before = inputs.sources.len();
    for (sheet, visible) in sheets {
        let mut info = inputs.begin(name, Some(&sheet));
        if !visible {
            info.status = "skipped";
            info.reason = Some("隐藏的工作表不计分(如需计分,请在 Excel 中取消隐藏)/ hidden sheet".into());
            inputs.end(info);
            continue;
        }
        let mut table = Table::new(target, info.offset);
        let cant = |e: String| Skip(format!("无法读取此工作表 / cannot read the sheet: {e}"));
        let r = match &mut wb {
            calamine::Sheets::Xlsx(x) => match shielded(|| x.worksheet_cells_reader(&sheet).map_err(|e| e.to_string())) {
                Ok(mut rd) => stream_cells(|| shielded(|| rd.next_cell().map_err(|e| e.to_string())), &mut table),
                Err(e) => Err(cant(e)),
            },
            calamine::Sheets::Xlsb(x) => match shielded(|| x.worksheet_cells_reader(&sheet).map_err(|e| e.to_string())) {
                Ok(mut rd) => stream_cells(|| shielded(|| rd.next_cell().map_err(|e| e.to_string())), &mut table),
                Err(e) => Err(cant(e)),
            },
            other => match shielded(|| other.worksheet_range(&sheet).map_err(|e| e.to_string())) {
                Ok(range) => range_rows(&range, &mut table),
                Err(e) => Err(cant(e)),
            },
        };
        info.header_row = table.header_row;
        info.lines = table.max_line;
        info.digest = (table.data_rows > 0).then(|| std::hash::Hasher::finish(&table.hash));
        match r {
            Ok(()) => {}
            Err(Skip(why)) if table.header_row.is_none() => { info.status = "skipped"; info.reason = Some(why); }
            // Rows of this sheet were already counted: stopping halfway would be silently wrong.
            Err(Skip(why)) => return Err(format!("工作表“{sheet}”第 {} 行之后无法读取 / sheet unreadable after row {}: {why}", info.lines, info.lines)),
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

/// Cells an ODS may expand to: calamine builds ODS sheets densely, and
/// `number-rows-repeated` × `number-columns-repeated` lets a file of a few
/// hundred bytes ask for billions of cells (calamine itself stops at 100
/// million, about 3 GB). Appraisal sheets hold tens of thousands.
const MAX_ODS_CELLS: u64 = 5_000_000;

/// Counts the cells an ODS's `content.xml` asks for, before calamine
/// allocates them: per row, the repeats of the row times the columns up to its
/// last cell with content (a self-closing cell is empty).
pub fn ods_cells<R: Read + Seek>(r: R) -> Result<u64, String> {
    let mut z = zip::ZipArchive::new(r).map_err(|e| e.to_string())?;
    let f = z.by_name("content.xml").map_err(|e| e.to_string())?;
    let mut xml = vec![];
    f.take(512 << 20).read_to_end(&mut xml).map_err(|e| e.to_string())?;
    let attr = |tag: &[u8], name: &[u8]| -> u64 {
        memchr::memmem::find(tag, name).and_then(|i| {
            let v = &tag[i + name.len()..];
            let end = v.iter().position(|&b| b == b'"')?;
            std::str::from_utf8(&v[..end]).ok()?.parse().ok()
        }).unwrap_or(1)
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
            if !tag.ends_with(b"/") { last = pos; }
        } else if tag.starts_with(b"/table:table-row") {
            total = total.saturating_add(row_rep.saturating_mul(last));
        }
        at = end + 1;
        if at >= xml.len() { break; }
    }
    Ok(total)
}

/// Excel's limits: 1,048,576 rows, 16,384 columns (XFD).
const MAX_SHEET_ROWS: u32 = 1 << 20;
const MAX_SHEET_COLS: u32 = 1 << 14;

/// Why a sheet was not (fully) read.
struct Skip(String);

/// Calls into calamine behind a panic guard: a damaged workbook can make the
/// parser overflow a cell reference (a panic in debug builds, a wrapped row
/// number in release). Either way the file is reported as damaged and nothing
/// more is read from it.
pub fn shielded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err("表格文件已损坏(单元格引用无效)/ damaged workbook (invalid cell reference)".into()))
}

fn stream_cells<'a>(mut next: impl FnMut() -> Result<Option<calamine::Cell<calamine::DataRef<'a>>>, String>, table: &mut Table) -> Result<(), Skip> {
    let mut cur: Option<u32> = None;
    let mut cells: Vec<(usize, String)> = vec![];
    loop {
        let c = next().map_err(Skip)?;
        let pos = c.as_ref().map(|c| c.get_position());
        if cur.is_some() && pos.map(|p| p.0) != cur {
            let line = cur.map_or(0, |r| r as usize + 1);
            flush(line, std::mem::take(&mut cells), table).map_err(Skip)?;
        }
        let Some(c) = c else { break };
        let (r, col) = c.get_position();
        if r >= MAX_SHEET_ROWS || col >= MAX_SHEET_COLS {
            // Beyond what Excel can hold: the reference overflowed (calamine wraps it in release builds).
            return Err(Skip("单元格位置超出工作表范围(最大 XFD1048576),表格文件已损坏 / a cell beyond XFD1048576: damaged workbook".into()));
        }
        cur = Some(r);
        let v: calamine::Data = c.get_value().clone().into();
        let s = v.to_string();
        if !s.is_empty() { cells.push((col as usize, s)); }
    }
    table.finish().map_err(Skip)
}

fn flush(line: usize, mut cells: Vec<(usize, String)>, table: &mut Table) -> Result<(), String> {
    cells.sort_by_key(|c| c.0);
    if cells.windows(2).any(|w| w[0].0 == w[1].0) {
        return table.bad(line, "同一单元格在文件中出现两次 / the same cell appears twice".into());
    }
    table.feed(line, &Cells(cells))
}

fn range_rows(range: &calamine::Range<calamine::Data>, table: &mut Table) -> Result<(), Skip> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (i, row) in range.rows().enumerate() {
        let cells: Vec<(usize, String)> = row.iter().enumerate()
            .filter_map(|(j, c)| { let s = c.to_string(); (!s.is_empty()).then(|| (c0 as usize + j, s)) }).collect();
        flush(r0 as usize + i + 1, cells, table).map_err(Skip)?;
    }
    table.finish().map_err(Skip)
}

// ---------------------------------------------------------------- entry points

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

/// Reads one file (CSV, or every fitting sheet of a workbook) into `target`.
pub fn read_file(path: &Path, target: &mut Target, inputs: &mut Inputs) -> Result<(), ExitCode> {
    read_file_quiet(path, target, inputs).map_err(|m| fail(path, &m))
}

/// [`read_file`] returning the message instead of printing it.
pub fn read_file_quiet(path: &Path, target: &mut Target, inputs: &mut Inputs) -> Result<(), String> {
    let name = path.display().to_string();
    if is_sheet(path) {
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
        if let Some(b) = bar { b.finish_and_clear(); }
        r
    }
}

/// Reads every sheet file into the scorer.
pub fn read_sheets(paths: &[std::path::PathBuf], sc: &mut Scorer) -> Result<Inputs, ExitCode> {
    let mut inputs = Inputs::default();
    let mut t = Target::Score(sc);
    for p in paths {
        let before = inputs.sources.len();
        read_file(p, &mut t, &mut inputs)?;
        if paths.len() > 1 && !is_sheet(p) {
            let digest = file_digest(p).map_err(|e| fail(p, &e))?;
            for s in &mut inputs.sources[before..] { s.digest = Some(digest); }
        }
    }
    inputs.refuse_copies().map_err(|e| { eprintln!("{e}"); ExitCode::from(2) })?;
    inputs.print_notes();
    Ok(inputs)
}

/// A hash of a file's bytes, streamed.
fn file_digest(p: &Path) -> Result<u64, String> {
    use std::hash::Hasher;
    let mut f = std::fs::File::open(p).map_err(|e| format!("无法读取 / cannot read: {e}"))?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(|e| format!("无法读取 / cannot read: {e}"))?;
        if n == 0 { break; }
        h.write(&buf[..n]);
    }
    Ok(h.finish())
}

/// Reads votes: `unit,tier` per respondent, or `unit,<tier>,...` counts per row.
pub fn read_votes(path: &Path, vc: &mut VoteCounter) -> Result<Inputs, ExitCode> {
    let mut inputs = Inputs::default();
    read_file(path, &mut Target::Votes(vc), &mut inputs)?;
    inputs.refuse_copies().map_err(|e| fail(path, &e))?;
    inputs.print_notes();
    Ok(inputs)
}

/// Reads a plain table (decisions, test figures, profiles) from a CSV or workbook.
pub fn read_plain(path: &Path, rows: &mut PlainRows) -> Result<Inputs, ExitCode> {
    let mut inputs = Inputs::default();
    read_file(path, &mut Target::Plain(rows), &mut inputs)?;
    inputs.refuse_copies().map_err(|e| fail(path, &e))?;
    inputs.print_notes();
    Ok(inputs)
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

    fn recs(text: &str) -> Vec<Rec> {
        let mut r = CsvRecords::new(text.as_bytes(), 1, Enc::Utf8 { bom: 0 });
        let mut out = vec![];
        while let Some(x) = r.next_rec().unwrap() { out.push(x); }
        out
    }

    fn f(line: usize, v: &[&str]) -> Rec {
        Rec::Fields(line, v.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn records_carry_their_physical_line() {
        assert_eq!(recs("a,b\r\n\r\nc,\"d\r\ne\"\r\nf,g"), vec![f(1, &["a", "b"]), f(2, &[""]), f(3, &["c", "d\r\ne"]), f(5, &["f", "g"])]);
        assert_eq!(recs("\"a\"\"b\",c\n"), vec![f(1, &["a\"b", "c"])]);
    }

    #[test]
    fn an_unterminated_quote_is_one_bad_record_and_the_rest_is_read_again() {
        let r = recs("h\n\"a,b\nc,d\ne,f\n");
        assert!(matches!(&r[1], Rec::Bad(2, why) if why.contains("引号未闭合")), "{r:?}");
        assert_eq!(&r[2..], &[f(3, &["c", "d"]), f(4, &["e", "f"])]);
        let r = recs("\"a\"x,b\nc\n");
        assert!(matches!(&r[0], Rec::Bad(1, _)) && r[1] == f(2, &["c"]), "{r:?}");
    }

    #[test]
    fn encodings_are_told_apart() {
        let t = "member,rater_group\n张三,党员互评\n李四,群众参评\n";
        assert_eq!(sniff(t.as_bytes(), true), Ok(Enc::Utf8 { bom: 0 }));
        assert_eq!(sniff(&encoding_rs::GBK.encode(t).0, true), Ok(Enc::Gb18030));
        assert_eq!(sniff(&[&[0xef, 0xbb, 0xbf][..], t.as_bytes()].concat(), true), Ok(Enc::Utf8 { bom: 3 }));
        assert_eq!(sniff(&[0xff, 0xfe, b'a', 0], true), Ok(Enc::Utf16Le));
        assert_eq!(sniff(&[0xfe, 0xff, 0, b'a'], true), Ok(Enc::Utf16Be));
        // UTF-8 with one broken line stays UTF-8 (that line is rejected, not the file).
        let mut b = t.as_bytes().to_vec();
        b.extend_from_slice(b"\xff\xfe\xfd,x\n");
        assert_eq!(sniff(&b, true), Ok(Enc::Utf8 { bom: 0 }));
        assert!(sniff(b"PK\x03\x04....", true).is_err());
    }
}

//! Rows and headers: the cells of a row, what a header must name (forms,
//! votes, plain tables), where rows go once it is found ([`Target`]), and the
//! sources read ([`Inputs`]) with their line offsets.

use super::{GROUP_COLS, HEADER_SEARCH, MEMBER_COLS, RGROUP_COLS, TIER_COLS, TOTAL_COLS};
use crate::fastcsv;
use serde::Serialize;
use xianjiao_core::{Rejection, Scorer, VoteCounter};

/// The non-empty cells of one row: (0-based column, text), in column order.
/// CSV rows keep every field, XLSX rows only the cells that hold something,
/// so a cell far to the right costs nothing.
#[derive(Debug, Default, Clone)]
pub struct Cells(pub Vec<(usize, String)>);

impl Cells {
    pub(super) fn get(&self, col: usize) -> Option<&str> {
        self.0.binary_search_by_key(&col, |c| c.0).ok().map(|i| self.0[i].1.as_str())
    }
    pub(super) fn blank(&self) -> bool {
        self.0.iter().all(|c| c.1.trim().is_empty())
    }
    pub(super) fn dense(fields: Vec<String>) -> Self {
        Cells(fields.into_iter().enumerate().collect())
    }
}

/// Which columns a header names.
#[derive(Debug, Clone)]
pub struct Found {
    pub(super) member: usize,
    pub(super) group: Option<usize>,
    /// Item columns (forms) or tier-count columns (votes), in the rules' order.
    pub(super) cols: Vec<usize>,
    /// The tier column of a one-row-per-respondent vote.
    pub(super) tier: Option<usize>,
    /// Votes with respondent groups: the group column (one row per respondent)
    /// or one count column per group (附件6), in the rules' order.
    pub(super) rgroup: Option<usize>,
    pub(super) rgroups: Vec<usize>,
    /// A 合计 column, checked against the sum of the tiers.
    pub(super) total: Option<usize>,
    /// Plain tables: the column of each wanted field (`None`: absent, optional).
    pub(super) plain: Vec<Option<usize>>,
}

/// What a header must name.
#[derive(Debug, Clone)]
pub enum Want {
    /// A form's sheets: the items, and a rater group column when the form has groups.
    Sheets {
        /// The form's items, in order.
        items: Vec<String>,
        /// The form weighs rater groups: the header needs a group column.
        need_group: bool,
    },
    /// A vote: one column per tier, or a tier column; with respondent groups
    /// (附件6) a group column or one count column per group.
    Votes {
        /// The vote's tiers, in order.
        tiers: Vec<String>,
        /// Its respondent groups (附件6), if any.
        groups: Vec<String>,
    },
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

pub(super) fn col_list(hits: &[(usize, &str)]) -> String {
    hits.iter().map(|(i, h)| format!("第 {} 列“{}”", i + 1, h.trim())).collect::<Vec<_>>().join("、")
}

pub(super) fn matches_of(cells: &Cells, pred: impl Fn(&str) -> bool) -> Vec<(usize, &str)> {
    cells.0.iter().filter(|(_, h)| pred(h.trim().trim_start_matches('\u{feff}').trim())).map(|(i, h)| (*i, h.as_str())).collect()
}

impl Want {
    /// `Ok(None)` when the row is not a header at all (no member column),
    /// `Err` when it is one but cannot be used (what is missing or duplicated).
    pub fn header(&self, cells: &Cells, resolve: Resolve) -> Result<Option<Found>, String> {
        if let Want::Plain(fields) = self {
            return plain_header(fields, cells);
        }
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
                    let missing: Vec<&str> =
                        groups.iter().filter(|g| !cells.0.iter().any(|(_, h)| h.trim() == g.as_str())).map(String::as_str).collect();
                    return Err(format!(
                        "按参评人员类别计数时每类一列,缺少:{} / one count column per respondent group; missing some",
                        missing.join("、")
                    ));
                }
                let mut f = if cols.len() == tiers.len() {
                    if rgroup.is_some() {
                        return Err("每个档次一列(计数)时不能再有参评人员类别列;请每类一列计数 / counts per tier take one count column per group, not a group column".into());
                    }
                    Found { member, group: None, cols, tier: None, rgroup: None, rgroups, total, plain: vec![] }
                } else {
                    let tcols = matches_of(cells, |h| TIER_COLS.iter().any(|n| h.eq_ignore_ascii_case(n)));
                    match tcols.as_slice() {
                        [t] if rgroups.is_empty() && total.is_none() => {
                            Found { member, group: None, cols: vec![], tier: Some(t.0), rgroup, rgroups: vec![], total: None, plain: vec![] }
                        }
                        [_] => return Err("每人一行(tier 列)时不能有按类别或合计的计数列 / one row per respondent takes no count columns".into()),
                        [] => {
                            return Err(format!(
                                "应有 tier 列(每人一行),或每个档次一列({})/ header needs a tier column or one column per tier",
                                tiers.join("、")
                            ))
                        }
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
                    let unknown: Vec<(usize, &str)> =
                        cells.0.iter().filter(|(i, h)| !h.trim().is_empty() && !known.contains(i)).map(|(i, h)| (*i, h.as_str())).collect();
                    if !unknown.is_empty() {
                        return Err(format!("不认识的列:{}(应为被测评对象、档次、参评人员类别或合计)/ unknown columns", col_list(&unknown)));
                    }
                }
                if f.total.is_some() && f.cols.is_empty() {
                    f.total = None;
                }
                Ok(Some(f))
            }
            Want::Plain(_) => Ok(None),
        }
    }

    pub(super) fn expected(&self) -> String {
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
                MEMBER_COLS.join("、"),
                tiers.join("、")
            ),
            Want::Plain(fields) => format!(
                "应有以下列:{} / expected these columns",
                fields.iter().map(|f| format!("{}{}", f.names.join("/"), if f.required { "" } else { "(可选)" })).collect::<Vec<_>>().join("、")
            ),
        }
    }
}

/// The header of a plain table: `Ok(None)` without the key column; every
/// other column must be one of the fields (nothing is silently ignored).
pub(super) fn plain_header(fields: &[Field], cells: &Cells) -> Result<Option<Found>, String> {
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
    let unknown: Vec<(usize, &str)> =
        cells.0.iter().filter(|(i, h)| !h.trim().is_empty() && !plain.contains(&Some(*i))).map(|(i, h)| (*i, h.as_str())).collect();
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
    pub(super) fn want(&self) -> Want {
        match self {
            Target::Score(sc) => Want::Sheets { items: sc.item_names().map(str::to_string).collect(), need_group: sc.has_groups() },
            Target::Votes(vc) => Want::Votes { tiers: vc.tiers().to_vec(), groups: vc.groups().to_vec() },
            Target::Plain(p) => Want::Plain(p.fields.clone()),
        }
    }
    /// Item (forms) or tier (votes) index of a header cell, aliases included.
    pub(super) fn resolve(&self, h: &str) -> Option<usize> {
        match self {
            Target::Score(sc) => sc.item_index(h),
            Target::Votes(vc) => vc.tier_index(h),
            Target::Plain(_) => None,
        }
    }
    pub(super) fn row(&mut self, line: usize, cells: &Cells, f: &Found) {
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
                            let sum = vals
                                .iter()
                                .map(|v| v.map(str::trim).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0))
                                .fold(0u64, u64::saturating_add);
                            if !raw.is_empty() && raw.parse::<u64>().ok() != Some(sum) {
                                return vc.reject(
                                    line,
                                    Some("合计"),
                                    format!("合计 \"{raw}\" 与各档次人数之和 {sum} 不符 / the total differs from the sum of the tiers"),
                                );
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
    pub(super) fn bad(&mut self, line: usize, reason: String) {
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
    pub(super) offset: usize,
    /// Highest line number of this source.
    #[serde(skip)]
    pub(super) lines: usize,
    /// A hash of the data rows (sheets) or of the bytes (CSV files), to find copies.
    #[serde(skip)]
    pub(super) digest: Option<u64>,
}

/// Every source read into one scorer or counter.
#[derive(Debug, Default)]
pub struct Inputs {
    /// In reading order.
    pub sources: Vec<SourceInfo>,
    pub(super) next: usize,
}

impl Inputs {
    pub(super) fn begin(&mut self, file: &str, sheet: Option<&str>) -> SourceInfo {
        SourceInfo {
            file: file.to_string(),
            sheet: sheet.map(str::to_string),
            status: "read",
            reason: None,
            encoding: None,
            header_row: None,
            offset: self.next,
            lines: 0,
            digest: None,
        }
    }
    pub(super) fn end(&mut self, s: SourceInfo) {
        if s.status == "read" {
            self.next = s.offset + s.lines + 1;
        }
        self.sources.push(s);
    }
    /// Marks the sources from index `from` on as copies of data with this hash.
    pub(super) fn set_digest(&mut self, from: usize, digest: u64) {
        for s in &mut self.sources[from..] {
            s.digest = Some(digest);
        }
    }
    pub(super) fn read(&self) -> impl Iterator<Item = &SourceInfo> {
        self.sources.iter().filter(|s| s.status == "read")
    }
    /// True when rows come from more than one file or sheet (rejections then name theirs).
    pub fn several(&self) -> bool {
        self.read().count() > 1
    }
    /// True when there is something to say about the sources: several, skipped
    /// sheets, a title row above the header, or an encoding other than UTF-8.
    pub fn notable(&self) -> bool {
        self.several()
            || self.sources.iter().any(|s| s.status != "read" || s.header_row.is_some_and(|h| h != 1) || s.encoding.is_some_and(|e| e != "UTF-8"))
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
        if !self.notable() {
            return;
        }
        for s in &self.sources {
            let mut what = vec![];
            if let Some(e) = s.encoding {
                if e != "UTF-8" {
                    what.push(format!("编码 {e} / encoding {e}"));
                }
            }
            if let Some(h) = s.header_row {
                if h != 1 {
                    what.push(format!("表头在第 {h} 行 / header on row {h}"));
                }
            }
            match s.status {
                "read" => eprintln!("{}: 已读取 / read{}", s.label(), if what.is_empty() { String::new() } else { format!("({})", what.join(";")) }),
                _ => eprintln!("{}: 已跳过 / skipped:{}", s.label(), s.reason.as_deref().unwrap_or("")),
            }
        }
    }
}

impl SourceInfo {
    pub(super) fn label(&self) -> String {
        match &self.sheet {
            Some(sh) => format!("{}#{sh}", self.file),
            None => self.file.clone(),
        }
    }
}

/// Finds the header among the first rows, then hands every later row on.
pub(super) struct Table<'t, 's, 'r> {
    pub(super) target: &'t mut Target<'s, 'r>,
    pub(super) want: Want,
    pub(super) found: Option<Found>,
    pub(super) seen: usize,
    pub(super) base: usize,
    pub(super) header_row: Option<usize>,
    pub(super) max_line: usize,
    /// The first row that looked like a header but did not fit, and why.
    pub(super) candidate: Option<(usize, String)>,
    /// Hash of the data rows' cells (not their line numbers), and how many.
    pub(super) hash: std::collections::hash_map::DefaultHasher,
    pub(super) data_rows: usize,
}

impl<'t, 's, 'r> Table<'t, 's, 'r> {
    pub(super) fn new(target: &'t mut Target<'s, 'r>, base: usize) -> Self {
        let want = target.want();
        Table { target, want, found: None, seen: 0, base, header_row: None, max_line: 0, candidate: None, hash: Default::default(), data_rows: 0 }
    }
    pub(super) fn feed(&mut self, line: usize, cells: &Cells) -> Result<(), String> {
        self.max_line = self.max_line.max(line);
        if cells.blank() {
            return Ok(());
        }
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
    pub(super) fn look(&mut self, line: usize, cells: &Cells) -> Result<(), String> {
        self.seen += 1;
        let target = &*self.target;
        let header = self.want.header(cells, &|h| target.resolve(h));
        match header {
            Ok(Some(f)) => {
                if let Target::Plain(p) = &mut *self.target {
                    p.present = f.plain.iter().map(Option::is_some).collect();
                }
                self.found = Some(f);
                self.header_row = Some(line);
                Ok(())
            }
            Ok(None) | Err(_) if self.seen < HEADER_SEARCH => {
                if let (Err(e), None) = (header, &self.candidate) {
                    self.candidate = Some((line, e));
                }
                Ok(())
            }
            Ok(None) => Err(self.no_header()),
            Err(e) => {
                self.candidate.get_or_insert((line, e));
                Err(self.no_header())
            }
        }
    }
    pub(super) fn bad(&mut self, line: usize, reason: String) -> Result<(), String> {
        self.max_line = self.max_line.max(line);
        if self.found.is_some() {
            self.target.bad(self.base + line, reason);
            Ok(())
        } else {
            // Before the header: a title row at most, but it counts as one looked at.
            self.seen += 1;
            if self.seen >= HEADER_SEARCH {
                Err(self.no_header())
            } else {
                Ok(())
            }
        }
    }
    pub(super) fn no_header(&self) -> String {
        match &self.candidate {
            // A row that names the member column is the header the file meant: say what it lacks.
            Some((line, e)) => format!("第 {line} 行(表头){e}"),
            None => format!("前 {HEADER_SEARCH} 行中没有找到表头:{} / no header row in the first {HEADER_SEARCH} rows", self.want.expected()),
        }
    }
    pub(super) fn finish(&self) -> Result<(), String> {
        if self.found.is_none() {
            return Err(if self.seen == 0 { "空文件,没有表头 / empty file, no header".to_string() } else { self.no_header() });
        }
        Ok(())
    }
}

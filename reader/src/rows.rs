//! Rows and headers: the cells of a row, what a header must name (forms,
//! votes, plain tables), where rows go once it is found ([`Target`]), and the
//! sources read ([`Inputs`]) with their line offsets.

use crate::fast as fastcsv;
use serde::Serialize;
pub use xianjiao_core::{Cells, Field, Found, Resolve, Want};
use xianjiao_core::{Rejection, Scorer, VoteCounter};

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
    /// What the header must name; `names`: the sheet's and the file's names, the first that names
    /// a rater group gives the group of every row when the header has no group column.
    pub(super) fn want(&self, names: &[&str]) -> Want {
        match self {
            Target::Score(sc) => Want::Sheets {
                items: sc.item_names().map(str::to_string).collect(),
                need_group: sc.has_groups(),
                group_from: names.iter().find_map(|n| sc.group_named(n)).map(str::to_string),
            },
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
            Target::Score(sc) => {
                let pick =
                    fastcsv::Pick { member: f.member, group: f.group, items: &f.cols, total: f.total, id: f.id, group_name: f.group_name.as_deref() };
                fastcsv::add_get(sc, line, |i| cells.get(i), &pick, xianjiao_core::extra_cell(cells, f.width))
            }
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
        self.bad_at(line, None, reason)
    }
    pub(super) fn bad_at(&mut self, line: usize, field: Option<&str>, reason: String) {
        match self {
            Target::Score(sc) => sc.reject(line, field, reason),
            Target::Votes(vc) => vc.reject(line, field, reason),
            Target::Plain(p) => p.rows.push((line, Err(reason))),
        }
    }
    /// The columns that hold numbers (forms: the items and the 合计; votes: the counts), each with
    /// its field name; a plain table has none (its text columns may hold anything, dates too).
    pub(super) fn number_columns(&self, f: &Found) -> Vec<(usize, String)> {
        let named = |cols: &[usize], names: &mut dyn Iterator<Item = String>| -> Vec<(usize, String)> { cols.iter().copied().zip(names).collect() };
        let mut out = match self {
            Target::Score(sc) => named(&f.cols, &mut sc.item_names().map(str::to_string)),
            Target::Votes(vc) if f.tier.is_none() => {
                let mut v = named(&f.cols, &mut vc.tiers().iter().cloned());
                v.extend(named(&f.rgroups, &mut vc.groups().iter().cloned()));
                v
            }
            _ => return vec![],
        };
        if let Some(t) = f.total {
            out.push((t, "合计".to_string()));
        }
        out
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
    /// Header cells the form does not read (备注 …): named, never silently ignored.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown_columns: Vec<String>,
    /// The rater group of every row, taken from the sheet's (or file's) name: the header has no group column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rater_group: Option<String>,
    /// The 分值 row under the header (checked against the rules' points, not a sheet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points_row: Option<usize>,
    /// Added to this source's line numbers so rows of different sources never collide.
    #[serde(skip)]
    pub offset: usize,
    /// Highest line number of this source.
    #[serde(skip)]
    pub lines: usize,
    /// A hash of the data rows (sheets) or of the bytes (CSV files), to find copies.
    #[serde(skip)]
    pub digest: Option<u64>,
}

/// Every source read into one scorer or counter.
#[derive(Debug, Default)]
pub struct Inputs {
    /// In reading order.
    pub sources: Vec<SourceInfo>,
    pub(super) next: usize,
}

impl Inputs {
    /// A new source (a file, or a sheet of a workbook) starting after the last one read.
    pub fn begin(&mut self, file: &str, sheet: Option<&str>) -> SourceInfo {
        SourceInfo {
            file: file.to_string(),
            sheet: sheet.map(str::to_string),
            status: "read",
            reason: None,
            encoding: None,
            header_row: None,
            unknown_columns: vec![],
            rater_group: None,
            points_row: None,
            offset: self.next,
            lines: 0,
            digest: None,
        }
    }
    /// Records a source; a read one moves the line offset on.
    pub fn end(&mut self, s: SourceInfo) {
        if s.status == "read" {
            self.next = s.offset + s.lines + 1;
        }
        self.sources.push(s);
    }
    /// Marks the sources from index `from` on as copies of data with this hash.
    pub fn set_digest(&mut self, from: usize, digest: Option<u64>) {
        for s in &mut self.sources[from..] {
            s.digest = digest;
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
            || self.sources.iter().any(|s| {
                s.status != "read"
                    || s.header_row.is_some_and(|h| h != 1)
                    || s.encoding.is_some_and(|e| e != "UTF-8")
                    || !s.unknown_columns.is_empty()
                    || s.rater_group.is_some()
            })
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

    /// Notes on the sources (the CLI prints them on stderr): sheets read and skipped, encodings, header rows.
    pub fn notes(&self) -> Vec<String> {
        let mut out = vec![];
        if !self.notable() {
            return out;
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
            if let Some(g) = &s.rater_group {
                what.push(format!("评议组取自名称:{g} / rater group from the name: {g}"));
            }
            if let Some(p) = s.points_row {
                what.push(format!("第 {p} 行为分值行,与规则相符 / row {p}: the points, as the rules say"));
            }
            if !s.unknown_columns.is_empty() {
                what.push(format!("未计分的列 / columns not read:{}", s.unknown_columns.join("、")));
            }
            match s.status {
                "read" => {
                    out.push(format!("{}: 已读取 / read{}", s.label(), if what.is_empty() { String::new() } else { format!("({})", what.join(";")) }))
                }
                _ => out.push(format!("{}: 已跳过 / skipped:{}", s.label(), s.reason.as_deref().unwrap_or(""))),
            }
        }
        out
    }
}

impl SourceInfo {
    /// `file` or `file#sheet`.
    pub fn label(&self) -> String {
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
    /// Rows of marks above the header (a sort that took the header along): rejected once it is
    /// found, unless the row is the form's 分值 row (the seed's 附件3 prints the points above the marks).
    pub(super) above: Vec<(usize, Cells)>,
    /// The row looked at before (the upper half of a header written on two rows).
    pub(super) prev: Option<(usize, Cells)>,
    /// The 分值 row under the header, when there is one (checked against the rules).
    pub(super) points_row: Option<usize>,
    /// Rows met since the header (read or unreadable): only the first may be the 分值 row.
    pub(super) after: usize,
    /// The sheet's name (workbooks), for the cells named in rejections.
    pub(super) sheet: Option<String>,
}

/// Excel's name of a column (0 → A, 26 → AA).
pub(crate) fn column_letters(mut col: usize) -> String {
    let mut out = vec![];
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A cell the sheet shows as something other than a plain number (a date, a time, a
/// duration, a percent): its column, what Excel shows, and what kind of value it is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Shown {
    pub(crate) col: usize,
    /// As the sheet shows it (“9月5日”, “2026-09-05”, “95%”).
    pub(crate) text: String,
    /// The same date written in full (YYYY-MM-DD), when the sheet shows it shorter.
    pub(crate) iso: Option<String>,
    /// Its kind, Chinese and English (日期 / a date …).
    pub(crate) kind: (&'static str, &'static str),
}

/// Why a row whose mark cell is a date, a time or a percent is not scored (Chinese first, what to do).
fn not_a_mark(sheet: Option<&str>, line: usize, s: &Shown, field: &str) -> String {
    let at = format!("{}{line}", column_letters(s.col));
    let place = sheet.map_or_else(|| format!("{at} 单元格"), |sh| format!("工作表“{sh}”的 {at} 单元格"));
    let full = s.iso.as_ref().map(|i| format!("(即 {i})")).unwrap_or_default();
    format!(
        "{place}(“{field}”)显示为“{}”{full},是{}而不是分数,此行未计分:请把单元格格式改为“常规”或“数值”后重新输入分数 / cell {at} ({field}) shows “{}”, {}, not a mark: set the cell format to General or Number and type the mark again",
        s.text, s.kind.0, s.text, s.kind.1
    )
}

/// A row that holds marks rather than a title: two or more cells are numbers.
pub(super) fn marks_row(cells: &Cells) -> bool {
    cells.0.iter().filter(|(_, t)| t.trim().parse::<f64>().is_ok()).count() >= 2
}

impl<'t, 's, 'r> Table<'t, 's, 'r> {
    /// `names`: the sheet's and the file's names (a rater group may be named by them).
    pub(super) fn new(target: &'t mut Target<'s, 'r>, base: usize, names: &[&str]) -> Self {
        let want = target.want(names);
        Table {
            target,
            want,
            found: None,
            seen: 0,
            base,
            header_row: None,
            max_line: 0,
            candidate: None,
            hash: Default::default(),
            data_rows: 0,
            above: vec![],
            prev: None,
            points_row: None,
            after: 0,
            sheet: None,
        }
    }
    pub(super) fn feed(&mut self, line: usize, cells: &Cells) -> Result<(), String> {
        self.feed_shown(line, cells, &[])
    }
    /// As [`Table::feed`], with the workbook cells shown as dates, times or percents: a data row
    /// with one of them in a mark column is rejected with what the sheet shows (a mark typed 9.5
    /// that Chinese Excel made 9月5日, a 95 shown as 95% that is 0.95), never scored as its number.
    pub(super) fn feed_shown(&mut self, line: usize, cells: &Cells, shown: &[Shown]) -> Result<(), String> {
        self.max_line = self.max_line.max(line);
        if cells.blank() {
            return Ok(());
        }
        match &self.found {
            Some(f) => {
                // The seed's 附件3 prints each item's points under the header: checked, not scored.
                self.after += 1;
                if let (1, Target::Score(sc)) = (self.after, &*self.target) {
                    let points: Vec<f64> = sc.item_points().collect();
                    let items: Vec<String> = sc.item_names().map(str::to_string).collect();
                    match xianjiao_core::points_row(cells, f, &points, &items) {
                        Some(Ok(())) => {
                            self.points_row = Some(line);
                            return Ok(());
                        }
                        Some(Err(e)) => return Err(format!("第 {line} 行{e}")),
                        None => {}
                    }
                }
                std::hash::Hash::hash(&cells.0, &mut self.hash);
                self.data_rows += 1;
                if !shown.is_empty() {
                    let numbers = self.target.number_columns(f);
                    if let Some((s, field)) = shown.iter().find_map(|s| numbers.iter().find(|n| n.0 == s.col).map(|n| (s, n.1.as_str()))) {
                        let reason = not_a_mark(self.sheet.as_deref(), line, s, field);
                        self.target.bad_at(self.base + line, Some(field), reason);
                        return Ok(());
                    }
                }
                self.target.row(self.base + line, cells, f);
                Ok(())
            }
            None => self.look(line, cells),
        }
    }
    pub(super) fn look(&mut self, line: usize, cells: &Cells) -> Result<(), String> {
        self.seen += 1;
        let target = &*self.target;
        let mut header = self.want.header(cells, &|h| target.resolve(h));
        let mut header_line = line;
        if !matches!(header, Ok(Some(_))) {
            // A header on two rows (姓名 and 合计 merged down, the items under 测评项目及分值).
            if let Some((pl, prev)) = &self.prev {
                if let Ok(Some(f)) = self.want.header(&xianjiao_core::merge_header(prev, cells), &|h| target.resolve(h)) {
                    header = Ok(Some(f));
                    header_line = *pl;
                    self.above.retain(|(l, _)| l != pl);
                }
            }
        }
        self.prev = Some((line, cells.clone()));
        let line = header_line;
        match header {
            Ok(Some(f)) => {
                if let Target::Plain(p) = &mut *self.target {
                    p.present = f.plain.iter().map(Option::is_some).collect();
                }
                self.found = Some(f);
                self.header_row = Some(line);
                // A 分值 row is read under the header, as the seed's 附件3 and the entry workbook print it
                // (core's `points_row`); above it, it is a row of marks like any other.
                for (l, _) in std::mem::take(&mut self.above) {
                    self.target.bad(
                        self.base + l,
                        format!("在表头之上:这一行有分数,却在第 {line} 行的表头之上(排序时是否把表头也排进去了?),未计分 / a row of marks above the header"),
                    );
                }
                Ok(())
            }
            Ok(None) | Err(_) if self.seen < HEADER_SEARCH => {
                if marks_row(cells) {
                    self.above.push((line, cells.clone()));
                }
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
            self.after += 1;
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

/// Non-blank rows searched for the header (title rows may come first).
pub const HEADER_SEARCH: usize = 10;

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

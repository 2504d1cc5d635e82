//! Streams sheets into running sums per subject and rater group: the part of
//! scoring that needs no Rhai, so it can run on several threads, each with its
//! own accumulator, merged after.

use crate::eval::rows::{clean_name, shown, Rejection, Renamed, RowCounts, MAX_NAME_BYTES, MAX_REJECTIONS};
use crate::model::Form;

/// One row of a form's sheet as read, for [`SheetAccumulator::add_row`].
#[derive(Debug, Default, Clone, Copy)]
pub struct SheetRow<'s> {
    /// The member's name as written.
    pub member: &'s str,
    /// The member key (编号, 工号 …), when the sheet has that column.
    pub id: Option<&'s str>,
    /// The rater group as written.
    pub group: &'s str,
    /// The marks, in the form's item order.
    pub values: &'s [Option<&'s str>],
    /// The row's 合计, when the sheet has that column: checked against the items.
    pub total: Option<&'s str>,
    /// The first field beyond the header's last column (its 0-based column and text), if any.
    pub extra: Option<(usize, &'s str)>,
}

/// Separates a member's name from its key (编号) inside the accumulator's subject names.
pub(crate) const KEY_SEP: char = '\u{1f}';

/// Subjects by name: an open-addressing table of indices into the
/// accumulator's name list, so each name is stored once.
#[derive(Debug, Clone, Default)]
pub(crate) struct NameIndex {
    /// (hash, subject index + 1); 0 marks an empty slot. Length a power of two.
    pub(crate) slots: Vec<(u64, usize)>,
    pub(crate) len: usize,
}

#[inline]
pub(crate) fn name_hash(name: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(name);
    h.finish().wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

impl NameIndex {
    #[inline]
    pub(crate) fn slot(&self, h: u64) -> usize {
        // The high bits of the multiplied hash are the well mixed ones.
        (h >> (64 - self.slots.len().trailing_zeros())) as usize
    }

    /// The subject whose name is `name` (`names(i)` gives subject i's name).
    #[inline]
    pub(crate) fn get<'n>(&self, name: &[u8], h: u64, names: impl Fn(usize) -> &'n [u8]) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.slot(h);
        loop {
            let (sh, si) = self.slots[i];
            if si == 0 {
                return None;
            }
            if sh == h && names(si - 1) == name {
                return Some(si - 1);
            }
            i = (i + 1) & mask;
        }
    }

    /// Records subject `si` under hash `h` (its name is not in the table yet).
    pub(crate) fn insert(&mut self, h: u64, si: usize) {
        if (self.len + 1) * 2 > self.slots.len() {
            let old = std::mem::take(&mut self.slots);
            self.slots = vec![(0, 0); (old.len() * 2).max(64)];
            self.len = 0;
            for (oh, osi) in old.into_iter().filter(|x| x.1 != 0) {
                self.put(oh, osi);
            }
        }
        self.put(h, si + 1);
    }

    pub(crate) fn put(&mut self, h: u64, v: usize) {
        let mask = self.slots.len() - 1;
        let mut i = self.slot(h);
        while self.slots[i].1 != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = (h, v);
        self.len += 1;
    }
}

/// One row of `T`s per subject, kept in pages of [`Paged::PAGE`] rows: a
/// page, once allocated, never moves, so growing copies nothing.
#[derive(Debug, Clone)]
pub(crate) struct Paged<T> {
    pub(crate) pages: Vec<Vec<T>>,
    pub(crate) row: usize,
}

impl<T: Copy + Default> Paged<T> {
    const PAGE: usize = 1024;

    pub(crate) fn new(row: usize) -> Self {
        Paged { pages: vec![], row }
    }

    /// Appends a row of defaults.
    pub(crate) fn push(&mut self) {
        let cap = Self::PAGE * self.row;
        match self.pages.last_mut() {
            Some(p) if p.len() < cap => p.resize(p.len() + self.row, T::default()),
            _ => {
                let mut p = Vec::with_capacity(cap);
                p.resize(self.row, T::default());
                self.pages.push(p);
            }
        }
    }

    #[inline]
    pub(crate) fn get(&self, i: usize) -> &[T] {
        let at = (i % Self::PAGE) * self.row;
        &self.pages[i / Self::PAGE][at..at + self.row]
    }

    #[inline]
    pub(crate) fn get_mut(&mut self, i: usize) -> &mut [T] {
        let at = (i % Self::PAGE) * self.row;
        &mut self.pages[i / Self::PAGE][at..at + self.row]
    }
}

/// One subject's running sums for one rater group, as the finisher reads them.
pub(crate) struct GroupAcc<'s> {
    pub(crate) n: u32,
    pub(crate) sum_total: f64,
    pub(crate) sum_items: &'s [f64],
    pub(crate) max: &'s Option<(f64, Vec<f64>)>,
    pub(crate) min: &'s Option<(f64, Vec<f64>)>,
}

/// Streams sheets for one form: the part of scoring that needs no Rhai, so it
/// can run on several threads, each with its own accumulator, merged after.
#[derive(Debug, Clone)]
pub struct SheetAccumulator<'a> {
    pub(crate) form: &'a Form,
    /// Every subject's name, one after another; subject i's ends at `ends[i]`.
    pub(crate) names: String,
    pub(crate) ends: Vec<usize>,
    pub(crate) index: NameIndex,
    /// Per subject and rater group: sheets received.
    pub(crate) counts: Paged<u32>,
    /// Per subject and rater group: the sum of sheet totals, then the sum per item.
    pub(crate) sums: Paged<f64>,
    /// Per subject and rater group, only when the rules trim: the highest and the lowest sheet.
    pub(crate) extremes: Vec<Option<(f64, Vec<f64>)>>,
    /// Rater group names as sheets may write them (names and aliases), with their index.
    pub(crate) group_names: Vec<(Box<[u8]>, usize)>,
    pub(crate) rejected: Vec<Rejection>,
    /// Note rows under the data (注:…, 测评人签名 …): passed over, each named (the first [`MAX_REJECTIONS`]).
    pub(crate) notes: Vec<Rejection>,
    pub(crate) rows: RowCounts,
    /// Names counted otherwise than written (invisible characters, spaces, NFC), once each.
    pub(crate) renamed: Vec<Renamed>,
    pub(crate) renamed_seen: rustc_hash::FxHashSet<String>,
    /// The sum (wrapping) of a hash of every scored sheet (member, group, marks):
    /// the same sheets read twice, in any order, encoding or file type, give the same sum.
    pub(crate) digest: u64,
    pub(crate) last: Option<usize>,
    /// Per item, the highest whole mark allowed: a whole mark `v` is within
    /// the item's points `p` exactly when `v <= caps[i]` (`v as f64 > p` otherwise).
    pub(crate) caps: Box<[i64]>,
    /// False when only totals are summed (results without per-item means).
    pub(crate) items_kept: bool,
    /// The source (file) sheets now come from, numbered from 1 by the reader ([`SheetAccumulator::begin_source`]); 0 when none is told.
    pub(crate) source: u32,
    /// The row of the sheet being added (for [`Here`]).
    pub(crate) row: usize,
    /// Per subject: where its sheets of the current source began, and their rater groups.
    pub(crate) here: Vec<Here>,
    /// Per subject: every earlier source it had sheets in (filled as sources end).
    pub(crate) places: Vec<Vec<Here>>,
}

/// Where a subject's sheets of one source (file) began, and the rater groups they named.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Here {
    pub(crate) source: u32,
    pub(crate) row: usize,
    /// Bit g: a sheet of rater group g (groups beyond 63 share the last bit).
    pub(crate) groups: u64,
}

/// One name, two people: the same name without a key (编号) in two sources whose
/// sheets share a rater group, or a name both with and without a key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NameClash {
    /// The name as counted.
    pub name: String,
    /// The global row of its first sheet in the first place, and in the second.
    pub rows: [usize; 2],
    /// The key (编号) of each place, when it had one.
    pub ids: [Option<String>; 2],
    /// Rater groups both places have sheets of (empty for a key mix-up).
    pub groups: Vec<String>,
}

/// `str::trim`, skipped when there is nothing to trim (the common case).
#[inline]
pub(crate) fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    let (Some(&a), Some(&z)) = (b.first(), b.last()) else { return s };
    // Lead bytes of every non-ASCII white-space character (U+0085, U+00A0, U+1680, U+2000–U+205F, U+3000).
    let lead_ok = if a < 0x80 { a.is_ascii_graphic() } else { !matches!(a, 0xC2 | 0xE1 | 0xE2 | 0xE3) };
    let tail_ok = if z < 0x80 { z.is_ascii_graphic() } else { !s.ends_with(char::is_whitespace) };
    if lead_ok && tail_ok {
        s
    } else {
        s.trim()
    }
}

/// Byte equality, inlined for the short names sheets repeat on every line.
#[inline]
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let n = a.len();
    if (8..=16).contains(&n) {
        let w = |s: &[u8], i: usize| u64::from_ne_bytes(s[i..i + 8].try_into().unwrap_or([0; 8]));
        w(a, 0) == w(b, 0) && w(a, n - 8) == w(b, n - 8)
    } else {
        a == b
    }
}

/// Whole numbers of up to 4 digits, the common case, without the float parser.
#[inline]
pub(crate) fn fast_num(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 4 {
        return None;
    }
    let mut n = 0u32;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + (c - b'0') as u32;
    }
    Some(n as f64)
}

impl<'a> SheetAccumulator<'a> {
    pub(crate) fn new(form: &'a Form) -> Self {
        Self::with_items(form, true)
    }

    /// `items`: whether per-item sums are kept (else only each group's totals).
    pub(crate) fn with_items(form: &'a Form, items: bool) -> Self {
        // Every name a sheet may give a group, resolved once: `group_index` of the exact bytes.
        let group_names = form
            .groups
            .iter()
            .map(|g| &g.0)
            .chain(form.aliases.iter().map(|x| &x.0))
            .filter_map(|n| form.group_index(n).map(|i| (n.as_bytes().into(), i)))
            .collect();
        SheetAccumulator {
            form,
            names: String::new(),
            ends: vec![],
            index: NameIndex::default(),
            counts: Paged::new(form.groups.len().max(1)),
            sums: Paged::new(form.groups.len().max(1) * (1 + if items { form.items.len() } else { 0 })),
            extremes: vec![],
            group_names,
            rejected: vec![],
            notes: vec![],
            rows: RowCounts::default(),
            renamed: vec![],
            renamed_seen: Default::default(),
            digest: 0,
            last: None,
            items_kept: items,
            source: 0,
            row: 0,
            here: vec![],
            places: vec![],
            caps: form.items.iter().map(|(_, p)| if p.is_nan() || *p >= 9.0e18 { i64::MAX } else { p.floor() as i64 }).collect(),
        }
    }

    /// Rater groups kept per subject (one when the form has none).
    #[inline]
    pub(crate) fn n_groups(&self) -> usize {
        self.form.groups.len().max(1)
    }

    /// Sums kept per subject and group: the total, then each item.
    #[inline]
    pub(crate) fn stride(&self) -> usize {
        1 + if self.items_kept { self.form.items.len() } else { 0 }
    }

    /// Subject i's name.
    #[inline]
    pub(crate) fn name(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.names[start..self.ends[i]]
    }

    /// The subject named `name` (whose hash is `h`), if it has a sheet.
    #[inline]
    pub(crate) fn find(&self, name: &[u8], h: u64) -> Option<usize> {
        let (names, ends) = (self.names.as_bytes(), &self.ends);
        self.index.get(name, h, |i| &names[if i == 0 { 0 } else { ends[i - 1] }..ends[i]])
    }

    /// True when some sheet was scored for `name`.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.find(name.as_bytes(), name_hash(name.as_bytes())).is_some()
    }

    /// Adds a subject with no sheet yet; returns its index.
    pub(crate) fn push_subject(&mut self, name: &str, h: u64) -> usize {
        let i = self.ends.len();
        self.names.push_str(name);
        self.ends.push(self.names.len());
        self.index.insert(h, i);
        self.counts.push();
        self.sums.push();
        self.here.push(Here { source: u32::MAX, ..Here::default() });
        if self.form.trim {
            self.extremes.resize(self.extremes.len() + self.n_groups() * 2, None);
        }
        i
    }

    /// The form's item names, in order.
    pub fn item_names(&self) -> impl Iterator<Item = &str> {
        self.form.items.iter().map(|x| x.0.as_str())
    }

    /// The form's item points, in order (what a 分值 row of the seed's form shows).
    pub fn item_points(&self) -> impl Iterator<Item = f64> + '_ {
        self.form.items.iter().map(|x| x.1)
    }

    /// True when the form has rater groups (so rows must name one).
    pub fn has_groups(&self) -> bool {
        !self.form.groups.is_empty()
    }

    /// Records a row that could not even be split into fields (bad CSV).
    pub fn reject(&mut self, row: usize, field: Option<&str>, reason: String) {
        self.rows.read += 1;
        self.rows.rejected += 1;
        if self.rejected.len() < MAX_REJECTIONS {
            self.rejected.push(Rejection { row, field: field.map(str::to_string), reason });
        }
    }

    /// Notes a name counted otherwise than written (once per spelling).
    pub(crate) fn note_renamed(&mut self, from: &str, to: &str) {
        if self.renamed_seen.insert(from.to_string()) {
            self.renamed.push(Renamed { from: shown(from).into_owned(), to: to.to_string() });
        }
    }

    /// Adds one sheet: `values` are the marks in the form's item order.
    /// A bad sheet is recorded as rejected (with `row`) and skipped.
    pub fn add(&mut self, row: usize, member: &str, group: &str, values: &[Option<&str>]) {
        self.add_row(row, &SheetRow { member, group, values, ..SheetRow::default() })
    }

    /// Adds one sheet with everything a reader found on its row (key, 合计,
    /// fields beyond the header); a bad sheet is recorded as rejected and skipped.
    /// A row that names no one and holds no mark (a form's template row: the entry workbook
    /// prefills the rater group, a 合计 formula shows 0) is passed over like a blank row:
    /// nothing was typed, so it is neither scored nor rejected. Every reader comes through here.
    pub fn add_row(&mut self, row: usize, r: &SheetRow) {
        let empty = |t: Option<&str>| t.is_none_or(|t| t.trim().is_empty());
        if r.extra.is_none() && empty(Some(r.member)) && empty(r.id) && r.values.iter().all(|v| empty(*v)) {
            return;
        }
        // A note under the data (注:…, 测评人签名 …) in the member column, with no number anywhere
        // (a note saved as CSV may spill over the columns at its commas): named, not a sheet.
        let no_number = |t: Option<&str>| t.is_none_or(|t| t.trim().parse::<f64>().is_err());
        if crate::eval::columns::is_note(r.member)
            && r.values.iter().all(|v| no_number(*v))
            && no_number(r.total)
            && empty(r.id)
            && no_number(r.extra.map(|e| e.1))
        {
            if self.notes.len() < MAX_REJECTIONS {
                let text = shown(r.member.trim()).into_owned();
                self.notes.push(Rejection { row, field: None, reason: format!("注释行,未计分:“{text}” / a note row, not a sheet") });
            }
            return;
        }
        // A 分值 row (the seed's 附件3 and the entry workbook print one under the header) that a
        // reader passed on as data: named in its member cell, never a member. Every item holding its
        // points is a note; anything else is refused with the items that differ.
        if crate::eval::columns::is_points_label(r.member) && empty(r.id) {
            let nums: Option<Vec<f64>> = r.values.iter().map(|v| v.and_then(|t| t.trim().parse::<f64>().ok())).collect();
            let points: Vec<f64> = self.item_points().collect();
            let items: Vec<String> = self.item_names().map(str::to_string).collect();
            let check = match &nums {
                Some(nums) => crate::eval::columns::check_points(nums, r.total, &points, &items),
                None => Err(format!("分值行“{}”的各项应为该项分值(数字),未计分 / a points row with a cell that is not a number", r.member.trim())),
            };
            match check {
                Ok(()) if self.notes.len() < MAX_REJECTIONS => {
                    self.notes.push(Rejection {
                        row,
                        field: None,
                        reason: "分值行,已与规则核对,未计分 / the points row, checked, not a sheet".into(),
                    });
                }
                Ok(()) => {}
                Err(e) => self.reject(row, None, e),
            }
            return;
        }
        if let Some((col, text)) = r.extra {
            let field = format!("第 {} 列", col + 1);
            return self.reject(
                row,
                Some(&field),
                format!(
                    "多出的列:第 {} 列“{}”在表头之外(此行的字段比表头多);数字里是否写了逗号(如 9,5)?/ more fields than the header: a comma inside a number?",
                    col + 1,
                    shown(text.trim())
                ),
            );
        }
        self.row = row;
        match self.try_add_keyed(r.member, r.id.map(trim).filter(|k| !k.is_empty()), r.group, r.values, r.total) {
            Ok(()) => {
                self.rows.read += 1;
                self.rows.scored += 1;
            }
            Err((field, reason)) => self.reject(row, field.as_deref(), reason),
        }
    }

    /// The CLI's fast CSV path: one sheet given as raw bytes plus marks
    /// already parsed from plain digit strings. Handles only the common case —
    /// a known group written exactly, a member name with nothing to trim,
    /// every mark within its item's points — and returns false, having
    /// recorded nothing, for anything else, which the caller then passes to
    /// [`SheetAccumulator::add`] so that errors are found and worded once.
    /// `member` and `group` may be any bytes: what is not UTF-8 goes the general way too.
    pub fn try_add_fast(&mut self, row: usize, member: &[u8], group: &[u8], marks: &[u32]) -> bool {
        let gi = if self.form.groups.is_empty() {
            // The column is not read, but a line that is not UTF-8 anywhere goes the general way.
            if !group.is_ascii() && std::str::from_utf8(group).is_err() {
                return false;
            }
            0
        } else {
            // The exact bytes of a group name or alias (so valid UTF-8 with nothing to trim).
            match self.group_names.iter().find(|(n, _)| same(n, group)) {
                Some(&(_, i)) => i,
                None => return false,
            }
        };
        if marks.len() != self.caps.len() || self.caps.iter().zip(marks).any(|(&cap, &v)| v as i64 > cap) {
            return false;
        }
        let si = match self.last {
            Some(i) if same(self.name(i).as_bytes(), member) => i,
            _ => {
                // Control characters (C0, DEL, and C1 behind the 0xC2 lead byte) go the general way to be rejected there.
                if member.iter().any(|&b| b < 0x20 || b == 0x7f || b == 0xc2) {
                    return false;
                }
                let Ok(m) = std::str::from_utf8(member) else { return false };
                if m.is_empty() || trim(m).len() != m.len() || m.len() > MAX_NAME_BYTES || crate::eval::columns::is_points_label(m) {
                    return false;
                }
                // A name counted otherwise than written goes the general way, which notes it.
                if matches!(clean_name(m), std::borrow::Cow::Owned(_)) {
                    return false;
                }
                self.subject_index(m)
            }
        };
        self.row = row;
        self.add_whole(si, gi, marks);
        self.rows.read += 1;
        self.rows.scored += 1;
        true
    }

    /// The index of a rater group of the form, by the name a sheet gives it.
    /// Every lookup of a group from input goes through here.
    pub(crate) fn group_index(&self, name: &str) -> Option<usize> {
        self.form.group_index(name)
    }

    /// The rater group a sheet's or file's name names (党员互评.csv, a sheet 群众参评), as the form spells it.
    pub fn group_named(&self, name: &str) -> Option<&str> {
        let name = name.trim();
        self.group_index(name).and_then(|i| self.form.groups.get(i)).map(|g| g.0.as_str())
    }

    /// Index of an item column by the name a sheet's header gives it (the
    /// declared name or one of the form's aliases).
    pub fn item_index(&self, name: &str) -> Option<usize> {
        self.form.item_index(name.trim())
    }

    /// Trims the member and finds the rater group.
    pub(crate) fn resolve<'m>(&self, member: &'m str, group: &str) -> Result<(&'m str, usize), (Option<String>, String)> {
        let member = trim(member);
        if member.is_empty() {
            return Err((Some("member".into()), "缺少被测评人姓名 / missing member".into()));
        }
        if let Some(c) = member.chars().find(|c| c.is_control()) {
            return Err((
                Some("member".into()),
                format!("被测评人姓名中有控制字符 U+{:04X}(如 NUL),请检查表格 / control character in the member name", c as u32),
            ));
        }
        if member.len() > MAX_NAME_BYTES {
            return Err((
                Some("member".into()),
                format!("被测评人姓名长达 {} 字节(上限 {MAX_NAME_BYTES}),不像姓名,请检查表格 / member name too long", member.len()),
            ));
        }
        if self.form.groups.is_empty() {
            return Ok((member, 0));
        }
        let group = trim(group);
        match self.group_index(group) {
            Some(i) => Ok((member, i)),
            None if group.is_empty() => Err((Some("rater_group".into()), "缺少评议组 / missing rater group".into())),
            None => {
                let known: Vec<_> = self.form.groups.iter().map(|g| g.0.as_str()).collect();
                let group = shown(group);
                Err((Some("rater_group".into()), format!("未知的评议组 \"{group}\",应为 {} 之一 / unknown rater group", known.join("、"))))
            }
        }
    }

    pub(crate) fn try_add_keyed(
        &mut self,
        member: &str,
        id: Option<&str>,
        group: &str,
        values: &[Option<&str>],
        total: Option<&str>,
    ) -> Result<(), (Option<String>, String)> {
        let (written, gi) = self.resolve(member, group)?;
        let member = clean_name(written);
        if member.is_empty() {
            return Err((
                Some("member".into()),
                format!("被测评人姓名 \"{}\" 只有不可见字符 / the member name is invisible characters only", shown(written)),
            ));
        }
        let n_items = self.form.items.len();
        let mut stack = [0f64; 32];
        let mut heap = vec![];
        let marks: &mut [f64] = if n_items <= stack.len() {
            &mut stack[..n_items]
        } else {
            heap.resize(n_items, 0.0);
            &mut heap
        };
        for (i, (item, points)) in self.form.items.iter().enumerate() {
            let raw = values.get(i).copied().flatten().map(trim).unwrap_or("");
            let v = match fast_num(raw) {
                Some(v) => v,
                None => {
                    if raw.is_empty() {
                        return Err((Some(item.clone()), format!("“{item}”未填分 / missing mark")));
                    }
                    raw.parse::<f64>().map_err(|_| (Some(item.clone()), format!("“{item}”的分数 \"{}\" 不是数字 / not a number", shown(raw))))?
                }
            };
            if !v.is_finite() {
                return Err((Some(item.clone()), format!("“{item}”的分数 \"{}\" 不是有效数字 / not a finite number", shown(raw))));
            }
            if v < 0.0 {
                return Err((Some(item.clone()), format!("“{item}”的分数 {raw} 不能为负 / negative mark")));
            }
            if v > *points {
                return Err((Some(item.clone()), format!("“{item}”的分数 {raw} 超过该项分值 {points} / mark above the item's points")));
            }
            marks[i] = v;
        }
        if let Some(raw) = total.map(trim).filter(|t| !t.is_empty()) {
            let sum: f64 = marks.iter().sum();
            match raw.parse::<f64>() {
                Ok(t) if (t - sum).abs() <= 1e-6 * sum.abs().max(1.0) => {}
                Ok(_) => {
                    return Err((
                        Some("合计".into()),
                        format!(
                            "合计 {} 与各项之和 {} 不符,请核对这张测评表 / the total differs from the sum of the items",
                            shown(raw),
                            crate::eval::rows::round4(sum)
                        ),
                    ))
                }
                Err(_) => return Err((Some("合计".into()), format!("合计 \"{}\" 不是数字 / the total is not a number", shown(raw)))),
            }
        }
        if let std::borrow::Cow::Owned(m) = &member {
            self.note_renamed(written, m);
        }
        match id {
            Some(k) => {
                if k.contains(KEY_SEP) || k.chars().any(char::is_control) || k.len() > MAX_NAME_BYTES {
                    return Err((Some("编号".into()), format!("编号 \"{}\" 中有控制字符或过长 / bad member key", shown(k))));
                }
                let key = format!("{member}{KEY_SEP}{}", clean_name(k));
                self.accumulate(&key, gi, marks);
            }
            None => self.accumulate(&member, gi, marks),
        }
        Ok(())
    }

    pub(crate) fn subject_index(&mut self, member: &str) -> usize {
        let h = name_hash(member.as_bytes());
        let i = match self.find(member.as_bytes(), h) {
            Some(i) => i,
            None => self.push_subject(member, h),
        };
        self.last = Some(i);
        i
    }

    pub(crate) fn accumulate(&mut self, member: &str, gi: usize, marks: &[f64]) {
        // Sheets usually come grouped by member: try the last one before hashing.
        let si = match self.last {
            Some(i) if self.name(i) == member => i,
            _ => self.subject_index(member),
        };
        self.add_to(si, gi, marks);
    }

    /// Sheets from here on come from a new source (a file: every sheet of one workbook is one source).
    /// Members are told apart by source: the same name without a key in two sources whose sheets
    /// share a rater group is two people as far as anyone can tell ([`SheetAccumulator::name_clashes`]).
    pub fn begin_source(&mut self) {
        self.end_source();
        self.source += 1;
    }

    /// Files the current source's places (called by [`Self::begin_source`] and at the end).
    pub fn end_source(&mut self) {
        if self.source == 0 {
            return;
        }
        self.places.resize(self.here.len(), vec![]);
        for (h, p) in self.here.iter().zip(self.places.iter_mut()) {
            if h.source == self.source && p.last() != Some(h) {
                p.push(*h);
            }
        }
    }

    /// Every name that two people seem to share: without a key (编号) in two sources whose sheets
    /// share a rater group (two branches' files, each with a 张伟), or with a key in one place and
    /// without in another. The reader refuses the run with both places rather than merge them.
    pub fn name_clashes(&mut self) -> Vec<NameClash> {
        self.end_source();
        let bare = |n: &str| n.split(KEY_SEP).next().unwrap_or(n).to_string();
        let key = |n: &str| n.split_once(KEY_SEP).map(|(_, k)| k.to_string());
        let place = |i: usize| self.places.get(i).and_then(|p| p.first()).copied().unwrap_or(self.here[i]);
        let group_names = |bits: u64| -> Vec<String> {
            self.form.groups.iter().enumerate().filter(|(g, _)| bits & (1 << (*g).min(63)) != 0).map(|(_, g)| g.0.clone()).collect()
        };
        let mut out = vec![];
        let mut by_name: rustc_hash::FxHashMap<String, Vec<usize>> = Default::default();
        for i in 0..self.ends.len() {
            let name = self.name(i);
            by_name.entry(bare(name)).or_default().push(i);
            if name.contains(KEY_SEP) {
                continue;
            }
            let Some(ps) = self.places.get(i) else { continue };
            'pairs: for (k, b) in ps.iter().enumerate() {
                for a in &ps[..k] {
                    let shared = if self.form.groups.is_empty() { 1 } else { a.groups & b.groups };
                    if shared != 0 {
                        out.push(NameClash { name: name.to_string(), rows: [a.row, b.row], ids: [None, None], groups: group_names(shared) });
                        break 'pairs;
                    }
                }
            }
        }
        // A name with a key in one place and none in another: which of the keyed ones is the bare one?
        let mut mixed: Vec<(usize, usize)> = by_name
            .values()
            .filter_map(|v| {
                let bare_one = v.iter().find(|&&i| !self.name(i).contains(KEY_SEP))?;
                let keyed = v.iter().find(|&&i| self.name(i).contains(KEY_SEP))?;
                Some((*keyed, *bare_one))
            })
            .collect();
        mixed.sort_unstable();
        for (k, b) in mixed {
            let (pk, pb) = (place(k), place(b));
            let (first, second) = if pk.row <= pb.row { ((pk, key(self.name(k))), (pb, None)) } else { ((pb, None), (pk, key(self.name(k)))) };
            out.push(NameClash { name: bare(self.name(b)), rows: [first.0.row, second.0.row], ids: [first.1, second.1], groups: vec![] });
        }
        crate::sort::sort_by_key(&mut out, |c| c.rows);
        out
    }

    /// The members' names as counted, those without a key (编号) only: a keyed member is told apart by the key.
    pub fn unkeyed_names(&self) -> Vec<&str> {
        (0..self.ends.len()).map(|i| self.name(i)).filter(|n| !n.contains(KEY_SEP)).collect()
    }

    /// Names (without a key) that have sheets in more than one source, each with the rater
    /// groups of different sources (one file per 测评层次): counted as one person, and listed.
    pub fn names_in_several_sources(&self) -> Vec<String> {
        (0..self.ends.len())
            .filter(|&i| !self.name(i).contains(KEY_SEP) && self.places.get(i).is_some_and(|p| p.len() > 1))
            .map(|i| self.name(i).to_string())
            .collect()
    }

    /// The sum of a hash of every sheet scored so far and their count: a
    /// reader compares them before and after a source to find the same data read twice.
    pub fn digest(&self) -> (u64, usize) {
        (self.digest, self.rows.scored)
    }

    #[inline]
    fn note_sheet(&mut self, si: usize, gi: usize, marks: impl Iterator<Item = f64>) {
        use std::hash::Hasher;
        let here = &mut self.here[si];
        if here.source != self.source {
            *here = Here { source: self.source, row: self.row, groups: 0 };
        }
        here.groups |= 1 << gi.min(63);
        let mut h = rustc_hash::FxHasher::default();
        h.write(self.name(si).as_bytes());
        h.write_usize(gi);
        for m in marks {
            h.write_u64(m.to_bits());
        }
        self.digest = self.digest.wrapping_add(h.finish().wrapping_mul(0x9E37_79B9_7F4A_7C15));
    }

    #[inline]
    pub(crate) fn add_to(&mut self, si: usize, gi: usize, marks: &[f64]) {
        self.note_sheet(si, gi, marks.iter().copied());
        let stride = self.stride();
        let total: f64 = marks.iter().sum();
        self.counts.get_mut(si)[gi] += 1;
        let g = &mut self.sums.get_mut(si)[gi * stride..(gi + 1) * stride];
        g[0] += total;
        for (s, v) in g[1..].iter_mut().zip(marks.iter()) {
            *s += v;
        }
        if self.form.trim {
            let k = si * self.n_groups() + gi;
            let (max, min) = (k * 2, k * 2 + 1);
            let kept = |m: &[f64]| if self.items_kept { m.to_vec() } else { vec![] };
            if self.extremes[max].as_ref().is_none_or(|m| total > m.0) {
                self.extremes[max] = Some((total, kept(marks)));
            }
            if self.extremes[min].as_ref().is_none_or(|m| total < m.0) {
                self.extremes[min] = Some((total, kept(marks)));
            }
        }
    }

    /// [`Self::add_to`] for whole marks: up to 32 of them, their f64 sum is
    /// exact, so adding them as integers first gives the very same total.
    #[inline]
    pub(crate) fn add_whole(&mut self, si: usize, gi: usize, marks: &[u32]) {
        if self.form.trim || marks.len() > 32 {
            let mut f = [0f64; 32];
            let mut heap = vec![];
            let f: &mut [f64] = if marks.len() <= f.len() {
                &mut f[..marks.len()]
            } else {
                heap.resize(marks.len(), 0.0);
                &mut heap
            };
            for (a, &b) in f.iter_mut().zip(marks) {
                *a = b as f64;
            }
            return self.add_to(si, gi, f);
        }
        self.note_sheet(si, gi, marks.iter().map(|&v| v as f64));
        let stride = self.stride();
        let total: u64 = marks.iter().map(|&v| v as u64).sum();
        self.counts.get_mut(si)[gi] += 1;
        let g = &mut self.sums.get_mut(si)[gi * stride..(gi + 1) * stride];
        g[0] += total as f64;
        for (s, &v) in g[1..].iter_mut().zip(marks) {
            *s += v as f64;
        }
    }

    /// Subject i's running sums for group g.
    pub(crate) fn group_acc(&self, i: usize, g: usize) -> GroupAcc<'_> {
        let (k, stride) = (i * self.n_groups() + g, self.stride());
        let s = &self.sums.get(i)[g * stride..(g + 1) * stride];
        const NONE: &Option<(f64, Vec<f64>)> = &None;
        let (max, min) = if self.form.trim { (&self.extremes[k * 2], &self.extremes[k * 2 + 1]) } else { (NONE, NONE) };
        GroupAcc { n: self.counts.get(i)[g], sum_total: s[0], sum_items: &s[1..], max, min }
    }
}

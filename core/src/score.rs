//! Appraisal scores: streams filled forms (one sheet = one rater's marks for
//! one member or unit) into per-group averages and a weighted composite.
//!
//! Memory is bounded by the number of subjects, never by the number of
//! sheets: each subject keeps, per rater group, running sums plus the highest
//! and lowest sheet (needed only when the rules trim them).

use crate::hooks::Hooks;
use crate::model::{Form, Outcome};
use crate::EvalError;
use rhai::{Dynamic, Map};
use serde::Serialize;
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;
use crate::hooks::HookRecipe;
use crate::plan::{Field, Plan, Record, V};

/// A sheet that was not scored, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Rejection {
    /// 1-based line number in the input (the header is line 1).
    pub row: usize,
    /// Field at fault, if one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Why, in Chinese.
    pub reason: String,
}

/// Subjects by name: an open-addressing table of indices into the
/// accumulator's name list, so each name is stored once.
#[derive(Debug, Clone, Default)]
struct NameIndex {
    /// (hash, subject index + 1); 0 marks an empty slot. Length a power of two.
    slots: Vec<(u64, usize)>,
    len: usize,
}

#[inline]
fn name_hash(name: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(name);
    h.finish().wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

impl NameIndex {
    #[inline]
    fn slot(&self, h: u64) -> usize {
        // The high bits of the multiplied hash are the well mixed ones.
        (h >> (64 - self.slots.len().trailing_zeros())) as usize
    }

    /// The subject whose name is `name` (`names(i)` gives subject i's name).
    #[inline]
    fn get<'n>(&self, name: &[u8], h: u64, names: impl Fn(usize) -> &'n [u8]) -> Option<usize> {
        if self.slots.is_empty() { return None; }
        let mask = self.slots.len() - 1;
        let mut i = self.slot(h);
        loop {
            let (sh, si) = self.slots[i];
            if si == 0 { return None; }
            if sh == h && names(si - 1) == name { return Some(si - 1); }
            i = (i + 1) & mask;
        }
    }

    /// Records subject `si` under hash `h` (its name is not in the table yet).
    fn insert(&mut self, h: u64, si: usize) {
        if (self.len + 1) * 2 > self.slots.len() {
            let old = std::mem::take(&mut self.slots);
            self.slots = vec![(0, 0); (old.len() * 2).max(64)];
            self.len = 0;
            for (oh, osi) in old.into_iter().filter(|x| x.1 != 0) { self.put(oh, osi); }
        }
        self.put(h, si + 1);
    }

    fn put(&mut self, h: u64, v: usize) {
        let mask = self.slots.len() - 1;
        let mut i = self.slot(h);
        while self.slots[i].1 != 0 { i = (i + 1) & mask; }
        self.slots[i] = (h, v);
        self.len += 1;
    }
}

/// One row of `T`s per subject, kept in pages of [`Paged::PAGE`] rows: a
/// page, once allocated, never moves, so growing copies nothing.
#[derive(Debug, Clone)]
struct Paged<T> {
    pages: Vec<Vec<T>>,
    row: usize,
}

impl<T: Copy + Default> Paged<T> {
    const PAGE: usize = 1024;

    fn new(row: usize) -> Self {
        Paged { pages: vec![], row }
    }

    /// Appends a row of defaults.
    fn push(&mut self) {
        let cap = Self::PAGE * self.row;
        match self.pages.last_mut() {
            Some(p) if p.len() < cap => p.resize(p.len() + self.row, T::default()),
            _ => { let mut p = Vec::with_capacity(cap); p.resize(self.row, T::default()); self.pages.push(p); }
        }
    }

    #[inline]
    fn get(&self, i: usize) -> &[T] {
        let at = (i % Self::PAGE) * self.row;
        &self.pages[i / Self::PAGE][at..at + self.row]
    }

    #[inline]
    fn get_mut(&mut self, i: usize) -> &mut [T] {
        let at = (i % Self::PAGE) * self.row;
        &mut self.pages[i / Self::PAGE][at..at + self.row]
    }
}

/// One subject's running sums for one rater group, as the finisher reads them.
struct GroupAcc<'s> {
    n: u32,
    sum_total: f64,
    sum_items: &'s [f64],
    max: &'s Option<(f64, Vec<f64>)>,
    min: &'s Option<(f64, Vec<f64>)>,
}

/// Values named by a shared list of names, serialized as a JSON object in order.
#[derive(Debug, Clone)]
pub struct Named<T> {
    /// Names, shared by every subject of a report.
    pub names: Arc<[String]>,
    /// One value per name.
    pub values: Vec<T>,
}

impl<T> Named<T> {
    /// The value for a name.
    pub fn get(&self, name: &str) -> Option<&T> {
        self.names.iter().position(|n| n == name).and_then(|i| self.values.get(i))
    }
    /// (name, value) pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &T)> {
        self.names.iter().zip(self.values.iter())
    }
}

impl<T: Serialize> Serialize for Named<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.values.len()))?;
        for (k, v) in self.names.iter().zip(&self.values) {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// Per-group result for one subject.
#[derive(Debug, Clone, Serialize)]
pub struct GroupScore {
    /// Sheets received.
    pub sheets: u32,
    /// Sheets counted after trimming.
    pub used: u32,
    /// Average total of the sheets used.
    pub mean: f64,
    /// Weight in percent.
    pub weight: f64,
    /// Average per item.
    pub items: Named<f64>,
}

/// One subject's result.
#[derive(Debug, Clone, Serialize)]
pub struct SubjectScore {
    /// Member (or unit) name.
    pub member: String,
    /// Weighted composite (综合得分).
    pub composite: f64,
    /// Per rater group that has sheets.
    pub groups: Named<GroupScore>,
    /// Weighted average per item.
    pub items: Named<f64>,
    /// Sheets received.
    pub sheets: u32,
    /// Rater groups with no sheet (their weight was spread over the others).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing_groups: Vec<String>,
    /// The outcome the rules give (合格 ...), if they give one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// True when `outcome` is only a suggestion (建议) for the branch
    /// committee and no decision has been recorded.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub suggestion: bool,
    /// The committee's recorded decision, which overrides `outcome`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<Box<Decision>>,
}

/// Counts of rows.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RowCounts {
    /// Data rows read.
    pub read: usize,
    /// Rows scored.
    pub scored: usize,
    /// Rows rejected.
    pub rejected: usize,
}

/// Result of scoring.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreReport {
    /// Form name.
    pub form: String,
    /// Items and their points.
    pub items: Vec<(String, f64)>,
    /// Rater groups and their weights.
    #[serde(skip)]
    pub groups: Vec<String>,
    /// Per subject, in order of first appearance.
    pub members: Vec<SubjectScore>,
    /// Rejected rows.
    pub rejected: Vec<Rejection>,
    /// Row counts (read = scored + rejected).
    pub rows: RowCounts,
    /// How the outcome is meant (suggestion, labels, handling options) and
    /// where the outcome rule comes from (e.g. a locally chosen pass mark).
    pub outcome_rule: crate::model::OutcomeInfo,
    /// Decisions recorded for names that have no sheet: never applied, listed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmatched_decisions: Vec<String>,
}

impl ScoreReport {
    /// Names of the rater groups of the form (or `全部` when it has none).
    pub fn items_groups(&self) -> Vec<String> {
        if self.groups.is_empty() { vec!["全部".into()] } else { self.groups.clone() }
    }
}

/// Streams sheets for one form: the part of scoring that needs no Rhai, so it
/// can run on several threads, each with its own accumulator, merged after.
#[derive(Debug, Clone)]
pub struct SheetAccumulator<'a> {
    form: &'a Form,
    /// Every subject's name, one after another; subject i's ends at `ends[i]`.
    names: String,
    ends: Vec<usize>,
    index: NameIndex,
    /// Per subject and rater group: sheets received.
    counts: Paged<u32>,
    /// Per subject and rater group: the sum of sheet totals, then the sum per item.
    sums: Paged<f64>,
    /// Per subject and rater group, only when the rules trim: the highest and the lowest sheet.
    extremes: Vec<Option<(f64, Vec<f64>)>>,
    /// Rater group names as sheets may write them (names and aliases), with their index.
    group_names: Vec<(Box<[u8]>, usize)>,
    rejected: Vec<Rejection>,
    rows: RowCounts,
    last: Option<usize>,
    /// Per item, the highest whole mark allowed: a whole mark `v` is within
    /// the item's points `p` exactly when `v <= caps[i]` (`v as f64 > p` otherwise).
    caps: Box<[i64]>,
    /// False when only totals are summed (results without per-item means).
    items_kept: bool,
}

/// `str::trim`, skipped when there is nothing to trim (the common case).
#[inline]
fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    let (Some(&a), Some(&z)) = (b.first(), b.last()) else { return s };
    // Lead bytes of every non-ASCII white-space character (U+0085, U+00A0, U+1680, U+2000–U+205F, U+3000).
    let lead_ok = if a < 0x80 { a.is_ascii_graphic() } else { !matches!(a, 0xC2 | 0xE1 | 0xE2 | 0xE3) };
    let tail_ok = if z < 0x80 { z.is_ascii_graphic() } else { !s.ends_with(char::is_whitespace) };
    if lead_ok && tail_ok { s } else { s.trim() }
}

/// Byte equality, inlined for the short names sheets repeat on every line.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() { return false; }
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
fn fast_num(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 4 { return None; }
    let mut n = 0u32;
    for &c in b {
        if !c.is_ascii_digit() { return None; }
        n = n * 10 + (c - b'0') as u32;
    }
    Some(n as f64)
}

/// Rounds for output: 4 decimals, so results are stable across platforms.
pub(crate) fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Scores sheets for one form: accumulates them, then computes composites
/// and outcomes (calling the rules' custom outcome function, if any).
#[derive(Debug)]
pub struct Scorer<'a> {
    acc: SheetAccumulator<'a>,
    hooks: &'a Hooks,
    recipe: Option<HookRecipe<'a>>,
    context: OutcomeContext,
    /// The outcome function as a native plan, when it is simple enough (`plan.rs`).
    plan: Option<Plan>,
}

/// A decision the branch committee (支委会) recorded for a member: it
/// overrides the outcome the rules suggest.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Decision {
    /// The outcome decided (one of the form's outcome labels).
    pub outcome: String,
    /// How an unqualified member is handled (one of the rules' options).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handling: Option<String>,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What the outcome rule sees besides the scores.
#[derive(Debug, Clone, Default)]
struct OutcomeContext {
    /// Each member's satisfaction vote (满意度测评), by member name.
    satisfaction: HashMap<String, crate::vote::Tally>,
    /// The committee's decisions, by member name.
    decisions: HashMap<String, Decision>,
    /// Each member's checklist state, by member name.
    checklists: HashMap<String, crate::checklist::Checklist>,
}

impl<'a> std::ops::Deref for Scorer<'a> {
    type Target = SheetAccumulator<'a>;
    fn deref(&self) -> &Self::Target { &self.acc }
}

impl<'a> std::ops::DerefMut for Scorer<'a> {
    fn deref_mut(&mut self) -> &mut Self::Target { &mut self.acc }
}

impl<'a> Scorer<'a> {
    pub(crate) fn new(form: &'a Form, hooks: &'a Hooks, recipe: Option<HookRecipe<'a>>) -> Self {
        let plan = match &form.outcome { Outcome::Hook(name) => hooks.plan(name), _ => None };
        Scorer { acc: SheetAccumulator::new(form), hooks, recipe, context: OutcomeContext::default(), plan }
    }

    /// True when the outcome function runs as a native plan.
    pub fn outcome_planned(&self) -> bool {
        self.plan.is_some()
    }

    /// Leaves out the per-item means (`groups[].items` and `items` stay
    /// empty), for outputs that show only composites, group means and
    /// outcomes (the CLI's table and CSV): less memory and time for large
    /// runs. Composites, means and outcomes are the same. Call it before
    /// adding sheets (the accumulators then sum only totals); once sheets
    /// are in, the item sums are there and the means are kept.
    pub fn without_item_means(mut self) -> Self {
        if self.acc.ends.is_empty() && self.acc.rows.read == 0 {
            self.acc = SheetAccumulator::with_items(self.acc.form, false);
        }
        self
    }

    /// Runs the outcome function in Rhai for every member, as if it could not
    /// be planned: for tests that compare the two.
    #[doc(hidden)]
    pub fn without_plan(mut self) -> Self {
        self.plan = None;
        self
    }

    /// Gives the outcome rule each member's satisfaction vote (a vote report
    /// whose subjects are members): the outcome function sees it as
    /// `r.satisfaction`.
    pub fn set_satisfaction(&mut self, votes: &crate::vote::VoteReport) {
        self.context.satisfaction = votes.subjects.iter().map(|t| (t.subject.clone(), t.clone())).collect();
    }

    /// Gives the outcome rule a member's checklist (what they have done of the
    /// campaign's requirements): the outcome function sees it as `r.checklist`.
    pub fn set_checklist(&mut self, member: &str, checklist: crate::checklist::Checklist) {
        self.context.checklists.insert(member.trim().to_string(), checklist);
    }

    /// Records the branch committee's decision for a member. The decision
    /// must be one of the outcome's `labels` and the handling one of its
    /// `handling` options, when the rules list them; otherwise the reason is returned.
    pub fn decide(&mut self, member: &str, outcome: &str, handling: Option<&str>, note: Option<&str>) -> Result<(), String> {
        let info = &self.acc.form.outcome_info;
        let (member, outcome) = (member.trim(), outcome.trim());
        if member.is_empty() { return Err("缺少党员姓名 / missing member".into()); }
        let labels: Vec<&str> = if !info.labels.is_empty() { info.labels.iter().map(String::as_str).collect() } else if let Outcome::Tiers(t) = &self.acc.form.outcome { t.iter().map(|x| x.1.as_str()).collect() } else { vec![] };
        if !labels.is_empty() && !labels.contains(&outcome) {
            return Err(format!("支委会决定 \"{outcome}\" 不是规则列出的结论之一:{} / not one of the outcome labels", labels.join("、")));
        }
        let handling = handling.map(str::trim).filter(|h| !h.is_empty());
        if let Some(h) = handling {
            if !info.handling.iter().any(|x| x == h) {
                return Err(format!("处理方式 \"{h}\" 不是规则列出的方式之一:{} / not one of the handling options", info.handling.join("、")));
            }
        }
        if self.context.decisions.contains_key(member) {
            return Err(format!("{member} 的决定重复 / a second decision for the same member"));
        }
        let d = Decision { outcome: outcome.to_string(), handling: handling.map(str::to_string), note: note.map(str::trim).filter(|n| !n.is_empty()).map(str::to_string) };
        self.context.decisions.insert(member.to_string(), d);
        Ok(())
    }

    /// A fresh, empty accumulator for the same form (to fill on another thread).
    pub fn fresh(&self) -> SheetAccumulator<'a> {
        SheetAccumulator::with_items(self.acc.form, self.acc.items_kept)
    }

    /// Merges an accumulator filled elsewhere; `line_offset` is added to the
    /// line numbers of its rejected rows. Subjects keep first-appearance order
    /// when accumulators are absorbed in input order.
    pub fn absorb(&mut self, mut other: SheetAccumulator<'a>, line_offset: usize) {
        let a = &mut self.acc;
        // Accumulators come from `fresh`, so they sum the same things; anything else is a bug.
        assert_eq!(a.stride(), other.stride(), "accumulators of different shapes");
        let ng = a.n_groups();
        if a.ends.is_empty() && std::ptr::eq(a.form, other.form) {
            // Nothing to merge into (the first worker's accumulator): take its subjects as they are.
            std::mem::swap(&mut a.names, &mut other.names);
            std::mem::swap(&mut a.ends, &mut other.ends);
            std::mem::swap(&mut a.index, &mut other.index);
            std::mem::swap(&mut a.counts, &mut other.counts);
            std::mem::swap(&mut a.sums, &mut other.sums);
            std::mem::swap(&mut a.extremes, &mut other.extremes);
        }
        for j in 0..other.ends.len() {
            let name = other.name(j);
            let h = name_hash(name.as_bytes());
            let (oc, os) = (other.counts.get(j), other.sums.get(j));
            match a.find(name.as_bytes(), h) {
                Some(i) => {
                    for (x, y) in a.counts.get_mut(i).iter_mut().zip(oc) { *x += y; }
                    // Per group: the total, then the items, as sums were always merged.
                    for (x, y) in a.sums.get_mut(i).iter_mut().zip(os) { *x += y; }
                    if a.form.trim {
                        for g in 0..ng {
                            let (mx, mn) = (&other.extremes[(j * ng + g) * 2], &other.extremes[(j * ng + g) * 2 + 1]);
                            if let Some(m) = mx { if a.extremes[(i * ng + g) * 2].as_ref().is_none_or(|x| m.0 > x.0) { a.extremes[(i * ng + g) * 2] = Some(m.clone()); } }
                            if let Some(m) = mn { if a.extremes[(i * ng + g) * 2 + 1].as_ref().is_none_or(|x| m.0 < x.0) { a.extremes[(i * ng + g) * 2 + 1] = Some(m.clone()); } }
                        }
                    }
                }
                None => {
                    let i = a.push_subject(name, h);
                    a.counts.get_mut(i).copy_from_slice(oc);
                    a.sums.get_mut(i).copy_from_slice(os);
                    if a.form.trim {
                        a.extremes[i * ng * 2..(i + 1) * ng * 2].clone_from_slice(&other.extremes[j * ng * 2..(j + 1) * ng * 2]);
                    }
                }
            }
        }
        a.last = None;
        a.rejected.extend(other.rejected.into_iter().map(|mut r| { r.row += line_offset; r }));
        a.rows.read += other.rows.read;
        a.rows.scored += other.rows.scored;
        a.rows.rejected += other.rows.rejected;
    }

}

impl<'a> SheetAccumulator<'a> {
    fn new(form: &'a Form) -> Self {
        Self::with_items(form, true)
    }

    /// `items`: whether per-item sums are kept (else only each group's totals).
    fn with_items(form: &'a Form, items: bool) -> Self {
        // Every name a sheet may give a group, resolved once: `group_index` of the exact bytes.
        let group_names = form.groups.iter().map(|g| &g.0).chain(form.aliases.iter().map(|x| &x.0))
            .filter_map(|n| form.group_index(n).map(|i| (n.as_bytes().into(), i))).collect();
        SheetAccumulator {
            form, names: String::new(), ends: vec![], index: NameIndex::default(),
            counts: Paged::new(form.groups.len().max(1)), sums: Paged::new(form.groups.len().max(1) * (1 + if items { form.items.len() } else { 0 })), extremes: vec![],
            group_names, rejected: vec![], rows: RowCounts::default(), last: None,
            items_kept: items,
            caps: form.items.iter().map(|(_, p)| if p.is_nan() || *p >= 9.0e18 { i64::MAX } else { p.floor() as i64 }).collect(),
        }
    }

    /// Rater groups kept per subject (one when the form has none).
    #[inline]
    fn n_groups(&self) -> usize {
        self.form.groups.len().max(1)
    }

    /// Sums kept per subject and group: the total, then each item.
    #[inline]
    fn stride(&self) -> usize {
        1 + if self.items_kept { self.form.items.len() } else { 0 }
    }

    /// Subject i's name.
    #[inline]
    fn name(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.names[start..self.ends[i]]
    }

    /// The subject named `name` (whose hash is `h`), if it has a sheet.
    #[inline]
    fn find(&self, name: &[u8], h: u64) -> Option<usize> {
        let (names, ends) = (self.names.as_bytes(), &self.ends);
        self.index.get(name, h, |i| &names[if i == 0 { 0 } else { ends[i - 1] }..ends[i]])
    }

    /// True when some sheet was scored for `name`.
    fn contains(&self, name: &str) -> bool {
        self.find(name.as_bytes(), name_hash(name.as_bytes())).is_some()
    }

    /// Adds a subject with no sheet yet; returns its index.
    fn push_subject(&mut self, name: &str, h: u64) -> usize {
        let i = self.ends.len();
        self.names.push_str(name);
        self.ends.push(self.names.len());
        self.index.insert(h, i);
        self.counts.push();
        self.sums.push();
        if self.form.trim { self.extremes.resize(self.extremes.len() + self.n_groups() * 2, None); }
        i
    }

    /// The form's item names, in order.
    pub fn item_names(&self) -> impl Iterator<Item = &str> {
        self.form.items.iter().map(|x| x.0.as_str())
    }

    /// True when the form has rater groups (so rows must name one).
    pub fn has_groups(&self) -> bool {
        !self.form.groups.is_empty()
    }

    /// Records a row that could not even be split into fields (bad CSV).
    pub fn reject(&mut self, row: usize, field: Option<&str>, reason: String) {
        self.rows.read += 1;
        self.rows.rejected += 1;
        self.rejected.push(Rejection { row, field: field.map(str::to_string), reason });
    }

    /// Adds one sheet: `values` are the marks in the form's item order.
    /// A bad sheet is recorded as rejected (with `row`) and skipped.
    pub fn add(&mut self, row: usize, member: &str, group: &str, values: &[Option<&str>]) {
        match self.try_add(member, group, values) {
            Ok(()) => { self.rows.read += 1; self.rows.scored += 1; }
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
    pub fn try_add_fast(&mut self, member: &[u8], group: &[u8], marks: &[u32]) -> bool {
        let gi = if self.form.groups.is_empty() {
            // The column is not read, but a line that is not UTF-8 anywhere goes the general way.
            if !group.is_ascii() && std::str::from_utf8(group).is_err() { return false; }
            0
        } else {
            // The exact bytes of a group name or alias (so valid UTF-8 with nothing to trim).
            match self.group_names.iter().find(|(n, _)| same(n, group)) { Some(&(_, i)) => i, None => return false }
        };
        if marks.len() != self.caps.len() || self.caps.iter().zip(marks).any(|(&cap, &v)| v as i64 > cap) {
            return false;
        }
        let si = match self.last {
            Some(i) if same(self.name(i).as_bytes(), member) => i,
            _ => {
                // Control characters (C0, DEL, and C1 behind the 0xC2 lead byte) go the general way to be rejected there.
                if member.iter().any(|&b| b < 0x20 || b == 0x7f || b == 0xc2) { return false; }
                let Ok(m) = std::str::from_utf8(member) else { return false };
                if m.is_empty() || trim(m).len() != m.len() { return false; }
                self.subject_index(m)
            }
        };
        self.add_whole(si, gi, marks);
        self.rows.read += 1;
        self.rows.scored += 1;
        true
    }

    /// The index of a rater group of the form, by the name a sheet gives it.
    /// Every lookup of a group from input goes through here.
    fn group_index(&self, name: &str) -> Option<usize> {
        self.form.group_index(name)
    }

    /// Index of an item column by the name a sheet's header gives it (the
    /// declared name or one of the form's aliases).
    pub fn item_index(&self, name: &str) -> Option<usize> {
        self.form.item_index(name.trim())
    }

    /// Trims the member and finds the rater group.
    fn resolve<'m>(&self, member: &'m str, group: &str) -> Result<(&'m str, usize), (Option<String>, String)> {
        let member = trim(member);
        if member.is_empty() {
            return Err((Some("member".into()), "缺少被测评人姓名 / missing member".into()));
        }
        if let Some(c) = member.chars().find(|c| c.is_control()) {
            return Err((Some("member".into()), format!("被测评人姓名中有控制字符 U+{:04X}(如 NUL),请检查表格 / control character in the member name", c as u32)));
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
                Err((Some("rater_group".into()), format!("未知的评议组 \"{group}\",应为 {} 之一 / unknown rater group", known.join("、"))))
            }
        }
    }

    fn try_add(&mut self, member: &str, group: &str, values: &[Option<&str>]) -> Result<(), (Option<String>, String)> {
        let (member, gi) = self.resolve(member, group)?;
        let n_items = self.form.items.len();
        let mut stack = [0f64; 32];
        let mut heap = vec![];
        let marks: &mut [f64] = if n_items <= stack.len() { &mut stack[..n_items] } else { heap.resize(n_items, 0.0); &mut heap };
        for (i, (item, points)) in self.form.items.iter().enumerate() {
            let raw = values.get(i).copied().flatten().map(trim).unwrap_or("");
            let v = match fast_num(raw) {
                Some(v) => v,
                None => {
                    if raw.is_empty() {
                        return Err((Some(item.clone()), format!("“{item}”未填分 / missing mark")));
                    }
                    raw.parse::<f64>().map_err(|_| (Some(item.clone()), format!("“{item}”的分数 \"{raw}\" 不是数字 / not a number")))?
                }
            };
            if !v.is_finite() {
                return Err((Some(item.clone()), format!("“{item}”的分数 \"{raw}\" 不是有效数字 / not a finite number")));
            }
            if v < 0.0 {
                return Err((Some(item.clone()), format!("“{item}”的分数 {raw} 不能为负 / negative mark")));
            }
            if v > *points {
                return Err((Some(item.clone()), format!("“{item}”的分数 {raw} 超过该项分值 {points} / mark above the item's points")));
            }
            marks[i] = v;
        }
        self.accumulate(member, gi, marks);
        Ok(())
    }

    fn subject_index(&mut self, member: &str) -> usize {
        let h = name_hash(member.as_bytes());
        let i = match self.find(member.as_bytes(), h) {
            Some(i) => i,
            None => self.push_subject(member, h),
        };
        self.last = Some(i);
        i
    }

    fn accumulate(&mut self, member: &str, gi: usize, marks: &[f64]) {
        // Sheets usually come grouped by member: try the last one before hashing.
        let si = match self.last {
            Some(i) if self.name(i) == member => i,
            _ => self.subject_index(member),
        };
        self.add_to(si, gi, marks);
    }

    #[inline]
    fn add_to(&mut self, si: usize, gi: usize, marks: &[f64]) {
        let stride = self.stride();
        let total: f64 = marks.iter().sum();
        self.counts.get_mut(si)[gi] += 1;
        let g = &mut self.sums.get_mut(si)[gi * stride..(gi + 1) * stride];
        g[0] += total;
        for (s, v) in g[1..].iter_mut().zip(marks.iter()) { *s += v; }
        if self.form.trim {
            let k = si * self.n_groups() + gi;
            let (max, min) = (k * 2, k * 2 + 1);
            let kept = |m: &[f64]| if self.items_kept { m.to_vec() } else { vec![] };
            if self.extremes[max].as_ref().is_none_or(|m| total > m.0) { self.extremes[max] = Some((total, kept(marks))); }
            if self.extremes[min].as_ref().is_none_or(|m| total < m.0) { self.extremes[min] = Some((total, kept(marks))); }
        }
    }

    /// [`Self::add_to`] for whole marks: up to 32 of them, their f64 sum is
    /// exact, so adding them as integers first gives the very same total.
    #[inline]
    fn add_whole(&mut self, si: usize, gi: usize, marks: &[u32]) {
        if self.form.trim || marks.len() > 32 {
            let mut f = [0f64; 32];
            let mut heap = vec![];
            let f: &mut [f64] = if marks.len() <= f.len() { &mut f[..marks.len()] } else { heap.resize(marks.len(), 0.0); &mut heap };
            for (a, &b) in f.iter_mut().zip(marks) { *a = b as f64; }
            return self.add_to(si, gi, f);
        }
        let stride = self.stride();
        let total: u64 = marks.iter().map(|&v| v as u64).sum();
        self.counts.get_mut(si)[gi] += 1;
        let g = &mut self.sums.get_mut(si)[gi * stride..(gi + 1) * stride];
        g[0] += total as f64;
        for (s, &v) in g[1..].iter_mut().zip(marks) { *s += v as f64; }
    }

    /// Subject i's running sums for group g.
    fn group_acc(&self, i: usize, g: usize) -> GroupAcc<'_> {
        let (k, stride) = (i * self.n_groups() + g, self.stride());
        let s = &self.sums.get(i)[g * stride..(g + 1) * stride];
        const NONE: &Option<(f64, Vec<f64>)> = &None;
        let (max, min) = if self.form.trim { (&self.extremes[k * 2], &self.extremes[k * 2 + 1]) } else { (NONE, NONE) };
        GroupAcc { n: self.counts.get(i)[g], sum_total: s[0], sum_items: &s[1..], max, min }
    }
}

impl<'a> Scorer<'a> {
    /// Finishes: averages, composite, outcome. Large reports are finished on
    /// every core, each with its own sandboxed engine for the rules' custom
    /// outcome function (Rhai engines are not shared between threads).
    pub fn finish(self) -> Result<ScoreReport, EvalError> {
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(8);
        let hooks = self.hooks;
        let budget = &hooks.begin_evaluation();
        let recipe = self.recipe;
        let context = &self.context;
        let plan = self.plan.as_ref();
        let lean = !self.acc.items_kept;
        let this = self.acc;
        let f = this.form;
        let item_names: Vec<String> = f.items.iter().map(|x| x.0.clone()).collect();
        let n = this.ends.len();
        let members = if threads > 1 && n >= 20_000 {
            // Blocks of subjects are claimed from both ends: this thread takes
            // them from the front with the rules' own engine, writing straight
            // into the result; the others from the back, each with an engine
            // built there. Whoever is faster does more. The error reported is
            // the first in subject order, as when each thread had a fixed share.
            const BLOCK: usize = 1024;
            let ends = std::sync::Mutex::new((0, n.div_ceil(BLOCK)));
            let stop = std::sync::atomic::AtomicBool::new(false);
            let claim = |front: bool| -> Option<usize> {
                let mut e = ends.lock().unwrap_or_else(|p| p.into_inner());
                if e.0 >= e.1 || stop.load(std::sync::atomic::Ordering::Relaxed) { return None; }
                Some(if front { e.0 += 1; e.0 - 1 } else { e.1 -= 1; e.1 })
            };
            let this = &this;
            let block = |b: usize, fin: &mut Finisher, hooks: Option<&Hooks>, out: &mut Vec<SubjectScore>| -> Result<(), EvalError> {
                for i in b * BLOCK..((b + 1) * BLOCK).min(n) { out.push(fin.subject(this, i, hooks)?); }
                Ok(())
            };
            type Blocks = Vec<(usize, Result<Vec<SubjectScore>, EvalError>)>;
            let (first, rest): (Result<Vec<SubjectScore>, EvalError>, Vec<Blocks>) = std::thread::scope(|sc| {
                let handles: Vec<_> = (1..threads).map(|_| {
                    let item_names = &item_names;
                    let (claim, block) = (&claim, &block);
                    sc.spawn(move || {
                        let own = match &f.outcome { Outcome::Hook(_) => recipe.map(|r| r.build_with(budget)), _ => None };
                        let mut fin = Finisher::new(f, item_names, context, plan, lean);
                        let mut done: Blocks = vec![];
                        while let Some(b) = claim(false) {
                            let mut out = Vec::with_capacity(BLOCK);
                            let r = block(b, &mut fin, own.as_ref(), &mut out);
                            done.push((b, r.map(|_| out)));
                        }
                        done
                    })
                }).collect();
                let mut fin = Finisher::new(f, &item_names, context, plan, lean);
                let mut all = Vec::with_capacity(n);
                let mut first = Ok(());
                while let Some(b) = claim(true) {
                    first = block(b, &mut fin, Some(hooks), &mut all);
                    // Every block the others hold comes later: this error is the first.
                    if first.is_err() { stop.store(true, std::sync::atomic::Ordering::Relaxed); break; }
                }
                let rest = handles.into_iter().map(|h| h.join().unwrap_or_else(|_| vec![(0, Err(EvalError::new("internal", "worker panicked".into())))])).collect();
                (first.map(|_| all), rest)
            });
            let mut all = first?;
            let mut rest: Blocks = rest.into_iter().flatten().collect();
            rest.sort_by_key(|x| x.0);
            for (_, p) in rest { all.extend(p?); }
            all
        } else {
            let mut fin = Finisher::new(f, &item_names, context, plan, lean);
            (0..n).map(|i| fin.subject(&this, i, Some(hooks))).collect::<Result<Vec<_>, _>>()?
        };
        let mut unmatched_decisions: Vec<String> = context.decisions.keys().filter(|k| !this.contains(k.as_str())).cloned().collect();
        unmatched_decisions.sort();
        Ok(ScoreReport {
            form: f.name.clone(), items: f.items.clone(), groups: f.groups.iter().map(|g| g.0.clone()).collect(), members,
            rejected: this.rejected, rows: this.rows, outcome_rule: f.outcome_info.clone(), unmatched_decisions,
        })
    }
}

/// Turns one subject's running sums into its result.
struct Finisher<'f> {
    f: &'f Form,
    plan: Option<&'f Plan>,
    lean: bool,
    context: &'f OutcomeContext,
    item_names: Arc<[String]>,
    named: Vec<(String, f64)>,
    /// The groups present for the last subject, and their names.
    cache: Option<(Vec<usize>, Arc<[String]>)>,
    present: Vec<usize>,
    blank: Option<(Dynamic, Dynamic)>,
}

impl<'f> Finisher<'f> {
    fn new(f: &'f Form, item_names: &[String], context: &'f OutcomeContext, plan: Option<&'f Plan>, lean: bool) -> Self {
        let named = if f.groups.is_empty() { vec![("全部".into(), 100.0)] } else { f.groups.clone() };
        // Each finisher's own copy: threads cloning one shared Arc per group
        // and member would contend for its reference count.
        let item_names: Arc<[String]> = if lean { Arc::from([]) } else { item_names.iter().cloned().collect() };
        Finisher { f, plan, lean, context, item_names, named, cache: None, present: vec![], blank: None }
    }

    fn subject(&mut self, acc: &SheetAccumulator, si: usize, hooks: Option<&Hooks>) -> Result<SubjectScore, EvalError> {
        let f = self.f;
        let mut groups = Vec::with_capacity(self.named.len());
        let mut present = std::mem::take(&mut self.present);
        present.clear();
        let mut present_w = 0.0;
        let mut composite = 0.0;
        let mut items_w = if self.lean { vec![] } else { vec![0.0; f.items.len()] };
        let mut missing = vec![];
        let mut sheets = 0;
        for (gi, (gname, w)) in self.named.iter().enumerate() {
            let g = acc.group_acc(si, gi);
            sheets += g.n;
            if g.n == 0 { missing.push(gname.clone()); continue; }
            let trim = f.trim && g.n as usize >= f.trim_min.max(3);
            let (mut n, mut tot, mut its) = (g.n as f64, g.sum_total, if self.lean { vec![] } else { g.sum_items.to_vec() });
            if trim {
                for ex in [g.max, g.min].into_iter().flatten() {
                    n -= 1.0;
                    tot -= ex.0;
                    for (a, b) in its.iter_mut().zip(&ex.1) { *a -= b; }
                }
            }
            let mean = tot / n;
            for x in its.iter_mut() { *x /= n; }
            composite += mean * w;
            present_w += w;
            for (a, b) in items_w.iter_mut().zip(&its) { *a += b * w; }
            present.push(gi);
            for x in its.iter_mut() { *x = round4(*x); }
            groups.push(GroupScore { sheets: g.n, used: n as u32, mean: round4(mean), weight: *w, items: Named { names: self.item_names.clone(), values: its } });
        }
        // Share one name list among subjects with the same groups present.
        let names = match &self.cache {
            Some((p, c)) if *p == present => c.clone(),
            _ => {
                let c: Arc<[String]> = present.iter().map(|&i| self.named[i].0.clone()).collect();
                self.cache = Some((present.clone(), c.clone()));
                c
            }
        };
        self.present = present;
        let (composite, items) = if present_w > 0.0 {
            for v in items_w.iter_mut() { *v = round4(*v / present_w); }
            (round4(composite / present_w), items_w)
        } else {
            (0.0, vec![])
        };
        if f.groups.is_empty() { missing.clear(); }
        let mut m = SubjectScore {
            member: acc.name(si).to_string(), composite, groups: Named { names, values: groups },
            items: Named { names: self.item_names.clone(), values: items }, sheets, missing_groups: missing, outcome: None,
            suggestion: false, decision: None,
        };
        let (sat, cl) = (self.context.satisfaction.get(&m.member), self.context.checklists.get(&m.member));
        m.outcome = match self.plan.and_then(|p| p.run(&RecordView { m: &m, sat, cl })) {
            Some(planned) => planned,
            None => outcome(f, hooks, &m, sat, cl, &mut self.blank)?,
        };
        m.decision = self.context.decisions.get(&m.member).cloned().map(Box::new);
        m.suggestion = m.outcome.is_some() && f.outcome_info.suggestion && m.decision.is_none();
        Ok(m)
    }
}

/// `hooks` is needed only when the outcome is a custom function.
/// The record an outcome function receives (documented in the rule
/// reference): `member`, `composite`, `groups` (name → mean), `sheets`,
/// `complete`, `satisfaction` (`given`, `rate`, `total`, `counts`: tier →
/// number; `given` is false and the rest empty when no vote was supplied) and
/// `checklist` (`given`, `done`, `pending`, `overdue`, `exempt`, `items`: id →
/// status, `gates`: phase → met; `given` is false and the rest empty without
/// the member's progress).
pub(crate) fn outcome_record(m: &SubjectScore, sat: Option<&crate::vote::Tally>, cl: Option<&crate::checklist::Checklist>) -> Map {
    record_with(m, satisfaction_record(sat), checklist_record(cl))
}

/// [`outcome_record`] given its `satisfaction` and `checklist` parts.
fn record_with(m: &SubjectScore, satisfaction: Dynamic, checklist: Dynamic) -> Map {
    let mut map = Map::new();
    map.insert("member".into(), m.member.as_str().into());
    map.insert("composite".into(), Dynamic::from_float(m.composite));
    let mut g = Map::new();
    for (k, v) in m.groups.iter() {
        g.insert(k.as_str().into(), Dynamic::from_float(v.mean));
    }
    map.insert("groups".into(), Dynamic::from_map(g));
    map.insert("sheets".into(), Dynamic::from_int(m.sheets as i64));
    map.insert("complete".into(), Dynamic::from_bool(m.missing_groups.is_empty()));
    map.insert("satisfaction".into(), satisfaction);
    map.insert("checklist".into(), checklist);
    map
}

/// The outcome record's plain fields, read for a plan from the same values
/// [`record_with`] puts into the map (plan.rs's differential test reads every
/// field through plans and through Rhai on the map, and compares).
pub(crate) struct RecordView<'a> {
    pub m: &'a SubjectScore,
    pub sat: Option<&'a crate::vote::Tally>,
    pub cl: Option<&'a crate::checklist::Checklist>,
}

impl Record for RecordView<'_> {
    fn field(&self, f: &Field) -> Option<V<'_>> {
        let count = |g: fn(&crate::checklist::Summary) -> usize| V::Int(self.cl.map_or(0, |x| g(&x.summary) as i64));
        // Map keys are unique: where a name repeats, the map keeps the last.
        Some(match f {
            Field::Member => V::Str(&self.m.member),
            Field::Composite => V::Float(self.m.composite),
            Field::Sheets => V::Int(self.m.sheets as i64),
            Field::Complete => V::Bool(self.m.missing_groups.is_empty()),
            Field::Group(g) => V::Float(self.m.groups.iter().filter(|(k, _)| k.as_str() == &**g).last()?.1.mean),
            Field::SatGiven => V::Bool(self.sat.is_some()),
            Field::SatRate => V::Float(self.sat.map_or(0.0, |t| t.rate)),
            Field::SatTotal => V::Int(self.sat.map_or(0, |t| t.total as i64)),
            Field::SatCount(k) => V::Int(self.sat?.counts.get(&**k)?.as_i64().unwrap_or(0)),
            Field::ClGiven => V::Bool(self.cl.is_some()),
            Field::ClDone => count(|s| s.done),
            Field::ClPending => count(|s| s.pending),
            Field::ClOverdue => count(|s| s.overdue),
            Field::ClExempt => count(|s| s.exempt),
            Field::ClItem(id) => V::Str(crate::checklist::status_name(self.cl?.items.iter().rev().find(|i| i.id == **id)?.status)),
            Field::ClGate(p) => V::Bool(self.cl?.gates.iter().rev().find(|g| g.phase == **p)?.met),
        })
    }
}

/// The record's `satisfaction` part.
fn satisfaction_record(sat: Option<&crate::vote::Tally>) -> Dynamic {
    let mut s = Map::new();
    s.insert("given".into(), Dynamic::from_bool(sat.is_some()));
    s.insert("rate".into(), Dynamic::from_float(sat.map_or(0.0, |t| t.rate)));
    s.insert("total".into(), Dynamic::from_int(sat.map_or(0, |t| t.total as i64)));
    let counts: Map = sat.map(|t| t.counts.iter().map(|(k, v)| (k.as_str().into(), Dynamic::from_int(v.as_i64().unwrap_or(0)))).collect()).unwrap_or_default();
    s.insert("counts".into(), Dynamic::from_map(counts));
    Dynamic::from_map(s)
}

/// The record's `checklist` part.
fn checklist_record(cl: Option<&crate::checklist::Checklist>) -> Dynamic {
    let mut c = Map::new();
    let count = |f: fn(&crate::checklist::Summary) -> usize| Dynamic::from_int(cl.map_or(0, |x| f(&x.summary) as i64));
    c.insert("given".into(), Dynamic::from_bool(cl.is_some()));
    c.insert("done".into(), count(|s| s.done));
    c.insert("pending".into(), count(|s| s.pending));
    c.insert("overdue".into(), count(|s| s.overdue));
    c.insert("exempt".into(), count(|s| s.exempt));
    let items: Map = cl.map(|x| x.items.iter().map(|i| (i.id.as_str().into(), Dynamic::from(crate::checklist::status_name(i.status).to_string()))).collect()).unwrap_or_default();
    c.insert("items".into(), Dynamic::from_map(items));
    let gates: Map = cl.map(|x| x.gates.iter().map(|g| (g.phase.as_str().into(), Dynamic::from_bool(g.met))).collect()).unwrap_or_default();
    c.insert("gates".into(), Dynamic::from_map(gates));
    Dynamic::from_map(c)
}

/// `blank`: the record's parts for a member with no satisfaction vote and no
/// checklist, built once and cloned (most members of a large run).
fn outcome(f: &Form, hooks: Option<&Hooks>, m: &SubjectScore, sat: Option<&crate::vote::Tally>, cl: Option<&crate::checklist::Checklist>, blank: &mut Option<(Dynamic, Dynamic)>) -> Result<Option<String>, EvalError> {
    Ok(match &f.outcome {
        Outcome::None => None,
        Outcome::Tiers(t) => t.iter().find(|(min, _)| m.composite >= *min).map(|x| x.1.clone()),
        Outcome::Hook(name) => {
            let Some(hooks) = hooks else { return Err(EvalError::new("internal", "no engine for the outcome function".into())) };
            let record = match (sat, cl) {
                (None, None) => {
                    let (s, c) = blank.get_or_insert_with(|| (satisfaction_record(None), checklist_record(None)));
                    record_with(m, s.clone(), c.clone())
                }
                _ => outcome_record(m, sat, cl),
            };
            let v = hooks.call(name, Dynamic::from_map(record), &f.loc)?;
            if v.is_unit() { None } else {
                Some(v.into_string().map_err(|t| EvalError::new("hook.return_type", format!("自定义函数 {name} 应返回字符串结论,实际返回 {t} / outcome function must return a string")))?)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    /// The fast path's whole-mark caps accept exactly the marks `v as f64 <= points` accepts.
    #[test]
    fn whole_mark_caps_match_the_points() {
        for p in [0.5, 7.5, 10.0, 9999.0, 12.999999] {
            let text = format!("form(\"f\", #{{ items: [[\"a\", {p:?}]], local: \"t\" }});");
            let mut src = crate::MemorySource::new();
            src.insert("t.rhai", &text);
            let rs = crate::RuleSet::load("t.rhai", &src);
            assert!(!rs.has_errors(), "{text}: {:?}", rs.diagnostics());
            for v in 0..40u32 {
                let mut sc = rs.scorer(None).unwrap();
                assert_eq!(sc.try_add_fast("张三".as_bytes(), b"", &[v]), v as f64 <= p, "mark {v}, points {p}");
            }
        }
    }
}

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

#[derive(Debug, Clone, Default)]
struct GroupAcc {
    n: u32,
    sum_total: f64,
    sum_items: Vec<f64>,
    max: Option<(f64, Vec<f64>)>,
    min: Option<(f64, Vec<f64>)>,
}

#[derive(Debug, Clone)]
struct SubjectAcc {
    name: String,
    groups: Vec<GroupAcc>,
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
    pub decision: Option<Decision>,
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
    index: HashMap<String, usize>,
    subjects: Vec<SubjectAcc>,
    rejected: Vec<Rejection>,
    rows: RowCounts,
    last: Option<usize>,
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
        Scorer { acc: SheetAccumulator::new(form), hooks, recipe, context: OutcomeContext::default() }
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
        SheetAccumulator::new(self.acc.form)
    }

    /// Merges an accumulator filled elsewhere; `line_offset` is added to the
    /// line numbers of its rejected rows. Subjects keep first-appearance order
    /// when accumulators are absorbed in input order.
    pub fn absorb(&mut self, other: SheetAccumulator<'a>, line_offset: usize) {
        let a = &mut self.acc;
        for s in other.subjects {
            match a.index.get(&s.name) {
                Some(&i) => {
                    for (g, h) in a.subjects[i].groups.iter_mut().zip(s.groups) {
                        g.n += h.n;
                        g.sum_total += h.sum_total;
                        for (x, y) in g.sum_items.iter_mut().zip(&h.sum_items) { *x += y; }
                        if let Some(m) = h.max { if g.max.as_ref().is_none_or(|x| m.0 > x.0) { g.max = Some(m); } }
                        if let Some(m) = h.min { if g.min.as_ref().is_none_or(|x| m.0 < x.0) { g.min = Some(m); } }
                    }
                }
                None => {
                    a.index.insert(s.name.clone(), a.subjects.len());
                    a.subjects.push(s);
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
        SheetAccumulator { form, index: HashMap::default(), subjects: vec![], rejected: vec![], rows: RowCounts::default(), last: None }
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
    pub fn try_add_fast(&mut self, member: &[u8], group: &[u8], marks: &[f64]) -> bool {
        let gi = if self.form.groups.is_empty() { 0 } else {
            let Ok(group) = std::str::from_utf8(group) else { return false };
            match self.group_index(group) { Some(i) => i, None => return false }
        };
        if marks.len() != self.form.items.len() || self.form.items.iter().zip(marks).any(|((_, p), v)| v > p) {
            return false;
        }
        let si = match self.last {
            Some(i) if self.subjects[i].name.as_bytes() == member => i,
            _ => {
                // Control characters (C0, DEL, and C1 behind the 0xC2 lead byte) go the general way to be rejected there.
                if member.iter().any(|&b| b < 0x20 || b == 0x7f || b == 0xc2) { return false; }
                let Ok(m) = std::str::from_utf8(member) else { return false };
                if m.is_empty() || trim(m).len() != m.len() { return false; }
                self.subject_index(m)
            }
        };
        self.add_to(si, gi, marks);
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
        let i = match self.index.get(member) {
            Some(&i) => i,
            None => {
                let i = self.subjects.len();
                self.index.insert(member.to_string(), i);
                let ng = self.form.groups.len().max(1);
                let n_items = self.form.items.len();
                self.subjects.push(SubjectAcc { name: member.to_string(), groups: vec![GroupAcc { sum_items: vec![0.0; n_items], ..Default::default() }; ng] });
                i
            }
        };
        self.last = Some(i);
        i
    }

    fn accumulate(&mut self, member: &str, gi: usize, marks: &[f64]) {
        // Sheets usually come grouped by member: try the last one before hashing.
        let si = match self.last {
            Some(i) if self.subjects[i].name == member => i,
            _ => self.subject_index(member),
        };
        self.add_to(si, gi, marks);
    }

    fn add_to(&mut self, si: usize, gi: usize, marks: &[f64]) {
        let trim_sheets = self.form.trim;
        let g = &mut self.subjects[si].groups[gi];
        let total: f64 = marks.iter().sum();
        g.n += 1;
        g.sum_total += total;
        for (s, v) in g.sum_items.iter_mut().zip(marks.iter()) { *s += v; }
        if trim_sheets {
            if g.max.as_ref().is_none_or(|m| total > m.0) { g.max = Some((total, marks.to_vec())); }
            if g.min.as_ref().is_none_or(|m| total < m.0) { g.min = Some((total, marks.to_vec())); }
        }
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
        let this = self.acc;
        let f = this.form;
        let item_names: Arc<[String]> = f.items.iter().map(|x| x.0.clone()).collect();
        let members = if threads > 1 && this.subjects.len() >= 20_000 {
            let chunk = this.subjects.len().div_ceil(threads);
            let parts: Vec<Result<Vec<SubjectScore>, EvalError>> = std::thread::scope(|sc| {
                let handles: Vec<_> = this.subjects.chunks(chunk).map(|part| {
                    let item_names = item_names.clone();
                    sc.spawn(move || {
                        let own = match &f.outcome { Outcome::Hook(_) => recipe.map(|r| r.build_with(budget)), _ => None };
                        let mut fin = Finisher::new(f, item_names, context);
                        part.iter().map(|s| fin.subject(s, own.as_ref())).collect()
                    })
                }).collect();
                handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err(EvalError::new("internal", "worker panicked".into())))).collect()
            });
            let mut all = Vec::with_capacity(this.subjects.len());
            for p in parts { all.extend(p?); }
            all
        } else {
            let mut fin = Finisher::new(f, item_names, context);
            this.subjects.iter().map(|s| fin.subject(s, Some(hooks))).collect::<Result<Vec<_>, _>>()?
        };
        let mut unmatched_decisions: Vec<String> = context.decisions.keys().filter(|k| !this.index.contains_key(k.as_str())).cloned().collect();
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
    context: &'f OutcomeContext,
    item_names: Arc<[String]>,
    named: Vec<(String, f64)>,
    cache: Option<Arc<[String]>>,
}

impl<'f> Finisher<'f> {
    fn new(f: &'f Form, item_names: Arc<[String]>, context: &'f OutcomeContext) -> Self {
        let named = if f.groups.is_empty() { vec![("全部".into(), 100.0)] } else { f.groups.clone() };
        Finisher { f, context, item_names, named, cache: None }
    }

    fn subject(&mut self, s: &SubjectAcc, hooks: Option<&Hooks>) -> Result<SubjectScore, EvalError> {
        let f = self.f;
        let mut groups = Vec::with_capacity(self.named.len());
        let mut present: Vec<&str> = Vec::with_capacity(self.named.len());
        let mut present_w = 0.0;
        let mut composite = 0.0;
        let mut items_w = vec![0.0; f.items.len()];
        let mut missing = vec![];
        let mut sheets = 0;
        for (gi, (gname, w)) in self.named.iter().enumerate() {
            let g = &s.groups[gi];
            sheets += g.n;
            if g.n == 0 { missing.push(gname.clone()); continue; }
            let trim = f.trim && g.n as usize >= f.trim_min.max(3);
            let (mut n, mut tot, mut its) = (g.n as f64, g.sum_total, g.sum_items.clone());
            if trim {
                for ex in [&g.max, &g.min].into_iter().flatten() {
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
            present.push(gname);
            for x in its.iter_mut() { *x = round4(*x); }
            groups.push(GroupScore { sheets: g.n, used: n as u32, mean: round4(mean), weight: *w, items: Named { names: self.item_names.clone(), values: its } });
        }
        // Share one name list among subjects with the same groups present.
        let names = match &self.cache {
            Some(c) if c.len() == present.len() && c.iter().zip(&present).all(|(a, b)| a == b) => c.clone(),
            _ => { let c: Arc<[String]> = present.iter().map(|x| x.to_string()).collect(); self.cache = Some(c.clone()); c }
        };
        let (composite, items) = if present_w > 0.0 {
            (round4(composite / present_w), items_w.iter().map(|v| round4(v / present_w)).collect())
        } else {
            (0.0, vec![])
        };
        if f.groups.is_empty() { missing.clear(); }
        let mut m = SubjectScore {
            member: s.name.clone(), composite, groups: Named { names, values: groups },
            items: Named { names: self.item_names.clone(), values: items }, sheets, missing_groups: missing, outcome: None,
            suggestion: false, decision: None,
        };
        m.outcome = outcome(f, hooks, &m, self.context.satisfaction.get(&m.member), self.context.checklists.get(&m.member))?;
        m.decision = self.context.decisions.get(&m.member).cloned();
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
    let mut s = Map::new();
    s.insert("given".into(), Dynamic::from_bool(sat.is_some()));
    s.insert("rate".into(), Dynamic::from_float(sat.map_or(0.0, |t| t.rate)));
    s.insert("total".into(), Dynamic::from_int(sat.map_or(0, |t| t.total as i64)));
    let counts: Map = sat.map(|t| t.counts.iter().map(|(k, v)| (k.as_str().into(), Dynamic::from_int(v.as_i64().unwrap_or(0)))).collect()).unwrap_or_default();
    s.insert("counts".into(), Dynamic::from_map(counts));
    map.insert("satisfaction".into(), Dynamic::from_map(s));
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
    map.insert("checklist".into(), Dynamic::from_map(c));
    map
}

fn outcome(f: &Form, hooks: Option<&Hooks>, m: &SubjectScore, sat: Option<&crate::vote::Tally>, cl: Option<&crate::checklist::Checklist>) -> Result<Option<String>, EvalError> {
    Ok(match &f.outcome {
        Outcome::None => None,
        Outcome::Tiers(t) => t.iter().find(|(min, _)| m.composite >= *min).map(|x| x.1.clone()),
        Outcome::Hook(name) => {
            let Some(hooks) = hooks else { return Err(EvalError::new("internal", "no engine for the outcome function".into())) };
            let v = hooks.call(name, Dynamic::from_map(outcome_record(m, sat, cl)), &f.loc)?;
            if v.is_unit() { None } else {
                Some(v.into_string().map_err(|t| EvalError::new("hook.return_type", format!("自定义函数 {name} 应返回字符串结论,实际返回 {t} / outcome function must return a string")))?)
            }
        }
    })
}

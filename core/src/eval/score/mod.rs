//! Appraisal scores: streams filled forms (one sheet = one rater's marks for
//! one member or unit) into per-group averages and a weighted composite.
//!
//! Memory is bounded by the number of subjects, never by the number of
//! sheets: each subject keeps, per rater group, running sums plus the highest
//! and lowest sheet (needed only when the rules trim them).

mod accumulate;
pub(crate) mod plan;
pub(crate) mod record;
mod types;

pub use accumulate::{NameClash, SheetAccumulator, SheetRow};
pub use types::{Decision, GroupScore, Named, ScoreReport, SubjectScore};

use crate::error::EvalError;
use crate::eval::hooks::{HookRecipe, Hooks};
use crate::eval::rows::round4;
use crate::model::{Form, Outcome};
use accumulate::name_hash;
use plan::Plan;
use record::{checklist_record, outcome_record, record_with, satisfaction_record, RecordView};
use rhai::Dynamic;
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

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

/// What the outcome rule sees besides the scores.
#[derive(Debug, Clone, Default)]
struct OutcomeContext {
    /// Each member's satisfaction vote (满意度测评), by member name.
    satisfaction: HashMap<String, crate::eval::vote::Tally>,
    /// The committee's decisions, by member name.
    decisions: HashMap<String, Decision>,
    /// Each member's checklist state, by member name.
    checklists: HashMap<String, crate::eval::checklist::Checklist>,
}

impl<'a> std::ops::Deref for Scorer<'a> {
    type Target = SheetAccumulator<'a>;
    fn deref(&self) -> &Self::Target {
        &self.acc
    }
}

impl<'a> std::ops::DerefMut for Scorer<'a> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.acc
    }
}

impl<'a> Scorer<'a> {
    pub(crate) fn new(form: &'a Form, hooks: &'a Hooks, recipe: Option<HookRecipe<'a>>) -> Self {
        let plan = match &form.outcome {
            Outcome::Hook(name) => Plan::of_hook(hooks, name),
            _ => None,
        };
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
    pub fn set_satisfaction(&mut self, votes: &crate::eval::vote::VoteReport) {
        self.context.satisfaction = votes.subjects.iter().map(|t| (t.subject.clone(), t.clone())).collect();
    }

    /// Gives the outcome rule a member's checklist (what they have done of the
    /// campaign's requirements): the outcome function sees it as `r.checklist`.
    pub fn set_checklist(&mut self, member: &str, checklist: crate::eval::checklist::Checklist) {
        self.context.checklists.insert(member.trim().to_string(), checklist);
    }

    /// Records the branch committee's decision for a member. The decision
    /// must be one of the outcome's `labels` and the handling one of its
    /// `handling` options, when the rules list them; otherwise the reason is returned.
    pub fn decide(&mut self, member: &str, outcome: &str, handling: Option<&str>, note: Option<&str>) -> Result<(), String> {
        let info = &self.acc.form.outcome_info;
        let (member, outcome) = (member.trim(), outcome.trim());
        if member.is_empty() {
            return Err("缺少党员姓名 / missing member".into());
        }
        let labels: Vec<&str> = if !info.labels.is_empty() {
            info.labels.iter().map(String::as_str).collect()
        } else if let Outcome::Tiers(t) = &self.acc.form.outcome {
            t.iter().map(|x| x.1.as_str()).collect()
        } else {
            vec![]
        };
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
        let d = Decision {
            outcome: outcome.to_string(),
            handling: handling.map(str::to_string),
            note: note.map(str::trim).filter(|n| !n.is_empty()).map(str::to_string),
        };
        self.context.decisions.insert(member.to_string(), d);
        Ok(())
    }

    /// A fresh, empty accumulator for the same form (to fill on another thread).
    pub fn fresh(&self) -> SheetAccumulator<'a> {
        let mut acc = SheetAccumulator::with_items(self.acc.form, self.acc.items_kept);
        acc.source = self.acc.source;
        acc
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
            std::mem::swap(&mut a.here, &mut other.here);
            for h in a.here.iter_mut().filter(|h| h.source == other.source) {
                h.row += line_offset;
            }
        }
        for j in 0..other.ends.len() {
            let name = other.name(j);
            let h = name_hash(name.as_bytes());
            let (oc, os) = (other.counts.get(j), other.sums.get(j));
            let mut oh = other.here[j];
            oh.row += line_offset;
            match a.find(name.as_bytes(), h) {
                Some(i) => {
                    let ah = &mut a.here[i];
                    if oh.source == other.source {
                        if ah.source != oh.source {
                            *ah = oh;
                        } else {
                            ah.groups |= oh.groups;
                            ah.row = ah.row.min(oh.row);
                        }
                    }
                    for (x, y) in a.counts.get_mut(i).iter_mut().zip(oc) {
                        *x += y;
                    }
                    // Per group: the total, then the items, as sums were always merged.
                    for (x, y) in a.sums.get_mut(i).iter_mut().zip(os) {
                        *x += y;
                    }
                    if a.form.trim {
                        for g in 0..ng {
                            let (mx, mn) = (&other.extremes[(j * ng + g) * 2], &other.extremes[(j * ng + g) * 2 + 1]);
                            if let Some(m) = mx {
                                if a.extremes[(i * ng + g) * 2].as_ref().is_none_or(|x| m.0 > x.0) {
                                    a.extremes[(i * ng + g) * 2] = Some(m.clone());
                                }
                            }
                            if let Some(m) = mn {
                                if a.extremes[(i * ng + g) * 2 + 1].as_ref().is_none_or(|x| m.0 < x.0) {
                                    a.extremes[(i * ng + g) * 2 + 1] = Some(m.clone());
                                }
                            }
                        }
                    }
                }
                None => {
                    let i = a.push_subject(name, h);
                    a.here[i] = oh;
                    a.counts.get_mut(i).copy_from_slice(oc);
                    a.sums.get_mut(i).copy_from_slice(os);
                    if a.form.trim {
                        a.extremes[i * ng * 2..(i + 1) * ng * 2].clone_from_slice(&other.extremes[j * ng * 2..(j + 1) * ng * 2]);
                    }
                }
            }
        }
        a.last = None;
        let room = crate::eval::rows::MAX_REJECTIONS.saturating_sub(a.rejected.len());
        a.rejected.extend(other.rejected.into_iter().take(room).map(|mut r| {
            r.row += line_offset;
            r
        }));
        let room = crate::eval::rows::MAX_REJECTIONS.saturating_sub(a.notes.len());
        a.notes.extend(other.notes.into_iter().take(room).map(|mut r| {
            r.row += line_offset;
            r
        }));
        for r in other.renamed {
            if a.renamed_seen.insert(r.from.clone()) {
                a.renamed.push(r);
            }
        }
        a.digest = a.digest.wrapping_add(other.digest);
        a.rows.read += other.rows.read;
        a.rows.scored += other.rows.scored;
        a.rows.rejected += other.rows.rejected;
    }
}

impl<'a> Scorer<'a> {
    /// Finishes: averages, composite, outcome. Large reports are finished on
    /// every core, each with its own sandboxed engine for the rules' custom
    /// outcome function (Rhai engines are not shared between threads).
    pub fn finish(self) -> Result<ScoreReport, EvalError> {
        // (wasm32 has no threads: available_parallelism fails there, and the threaded path
        // would only be carried in the download.)
        let threads = if cfg!(target_family = "wasm") { 1 } else { std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(8) };
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
                if e.0 >= e.1 || stop.load(std::sync::atomic::Ordering::Relaxed) {
                    return None;
                }
                Some(if front {
                    e.0 += 1;
                    e.0 - 1
                } else {
                    e.1 -= 1;
                    e.1
                })
            };
            let this = &this;
            let block = |b: usize, fin: &mut Finisher, hooks: Option<&Hooks>, out: &mut Vec<SubjectScore>| -> Result<(), EvalError> {
                for i in b * BLOCK..((b + 1) * BLOCK).min(n) {
                    out.push(fin.subject(this, i, hooks)?);
                }
                Ok(())
            };
            type Blocks = Vec<(usize, Result<Vec<SubjectScore>, EvalError>)>;
            let (first, rest): (Result<Vec<SubjectScore>, EvalError>, Vec<Blocks>) = std::thread::scope(|sc| {
                let handles: Vec<_> = (1..threads)
                    .map(|_| {
                        let item_names = &item_names;
                        let (claim, block) = (&claim, &block);
                        sc.spawn(move || {
                            let own = match &f.outcome {
                                Outcome::Hook(_) => recipe.map(|r| r.build_with(budget)),
                                _ => None,
                            };
                            let mut fin = Finisher::new(f, item_names, context, plan, lean);
                            let mut done: Blocks = vec![];
                            while let Some(b) = claim(false) {
                                let mut out = Vec::with_capacity(BLOCK);
                                let r = block(b, &mut fin, own.as_ref(), &mut out);
                                done.push((b, r.map(|_| out)));
                            }
                            done
                        })
                    })
                    .collect();
                let mut fin = Finisher::new(f, &item_names, context, plan, lean);
                let mut all = Vec::with_capacity(n);
                let mut first = Ok(());
                while let Some(b) = claim(true) {
                    first = block(b, &mut fin, Some(hooks), &mut all);
                    // Every block the others hold comes later: this error is the first.
                    if first.is_err() {
                        stop.store(true, std::sync::atomic::Ordering::Relaxed);
                        break;
                    }
                }
                let rest = handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|_| vec![(0, Err(EvalError::new("internal", "worker panicked".into())))]))
                    .collect();
                (first.map(|_| all), rest)
            });
            let mut all = first?;
            let mut rest: Blocks = rest.into_iter().flatten().collect();
            crate::sort::sort_by_key(&mut rest, |x| x.0);
            for (_, p) in rest {
                all.extend(p?);
            }
            all
        } else {
            let mut fin = Finisher::new(f, &item_names, context, plan, lean);
            (0..n).map(|i| fin.subject(&this, i, Some(hooks))).collect::<Result<Vec<_>, _>>()?
        };
        let mut unmatched_decisions: Vec<String> = context.decisions.keys().filter(|k| !this.contains(k.as_str())).cloned().collect();
        crate::sort::sort(&mut unmatched_decisions);
        Ok(ScoreReport {
            form: f.name.clone(),
            items: f.items.clone(),
            groups: f.groups.iter().map(|g| g.0.clone()).collect(),
            members,
            rejected: this.rejected,
            rows: this.rows,
            renamed: this.renamed,
            notes: this.notes,
            outcome_rule: f.outcome_info.clone(),
            unmatched_decisions,
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
            if g.n == 0 {
                missing.push(gname.clone());
                continue;
            }
            let trim = f.trim && g.n as usize >= f.trim_min.max(3);
            let (mut n, mut tot, mut its) = (g.n as f64, g.sum_total, if self.lean { vec![] } else { g.sum_items.to_vec() });
            if trim {
                for ex in [g.max, g.min].into_iter().flatten() {
                    n -= 1.0;
                    tot -= ex.0;
                    for (a, b) in its.iter_mut().zip(&ex.1) {
                        *a -= b;
                    }
                }
            }
            let mean = tot / n;
            for x in its.iter_mut() {
                *x /= n;
            }
            composite += mean * w;
            present_w += w;
            for (a, b) in items_w.iter_mut().zip(&its) {
                *a += b * w;
            }
            present.push(gi);
            for x in its.iter_mut() {
                *x = round4(*x);
            }
            groups.push(GroupScore {
                sheets: g.n,
                used: n as u32,
                mean: round4(mean),
                weight: *w,
                items: Named { names: self.item_names.clone(), values: its },
            });
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
            for v in items_w.iter_mut() {
                *v = round4(*v / present_w);
            }
            (round4(composite / present_w), items_w)
        } else {
            (0.0, vec![])
        };
        if f.groups.is_empty() {
            missing.clear();
        }
        let (name, id) = match acc.name(si).split_once(accumulate::KEY_SEP) {
            Some((n, k)) => (n.to_string(), Some(k.to_string())),
            None => (acc.name(si).to_string(), None),
        };
        let mut m = SubjectScore {
            member: name,
            id,
            composite,
            groups: Named { names, values: groups },
            items: Named { names: self.item_names.clone(), values: items },
            sheets,
            missing_groups: missing,
            outcome: None,
            suggestion: false,
            decision: None,
        };
        let (sat, cl) = (self.context.satisfaction.get(&m.member), self.context.checklists.get(&m.member));
        // (Without the script engine a plan comes only from a compiled bundle, with the feature
        // `plans`: the member widget's script-free build leaves the plan evaluator out of its first download.)
        let planned =
            if cfg!(any(feature = "script", feature = "plans")) { self.plan.and_then(|p| p.run(&RecordView { m: &m, sat, cl })) } else { None };
        m.outcome = match planned {
            Some(planned) => planned,
            None => outcome(f, hooks, &m, sat, cl, &mut self.blank)?,
        };
        m.decision = self.context.decisions.get(&m.member).cloned().map(Box::new);
        m.suggestion = m.outcome.is_some() && f.outcome_info.suggestion && m.decision.is_none();
        Ok(m)
    }
}

/// `blank`: the record's parts for a member with no satisfaction vote and no
/// checklist, built once and cloned (most members of a large run).
fn outcome(
    f: &Form,
    hooks: Option<&Hooks>,
    m: &SubjectScore,
    sat: Option<&crate::eval::vote::Tally>,
    cl: Option<&crate::eval::checklist::Checklist>,
    blank: &mut Option<(Dynamic, Dynamic)>,
) -> Result<Option<String>, EvalError> {
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
            if v.is_unit() {
                None
            } else {
                Some(v.into_string().map_err(|t| {
                    EvalError::new(
                        "hook.return_type",
                        format!("自定义函数 {name} 应返回字符串结论,实际返回 {t} / outcome function must return a string"),
                    )
                })?)
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
            let mut src = crate::source::MemorySource::new();
            src.insert("t.rhai", &text);
            let rs = crate::ruleset::RuleSet::load("t.rhai", &src);
            assert!(!rs.has_errors(), "{text}: {:?}", rs.diagnostics());
            for v in 0..40u32 {
                let mut sc = rs.scorer(None).unwrap();
                assert_eq!(sc.try_add_fast(1, "张三".as_bytes(), b"", &[v]), v as f64 <= p, "mark {v}, points {p}");
            }
        }
    }
}

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
use std::collections::HashMap;

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
    pub items: serde_json::Map<String, serde_json::Value>,
}

/// One subject's result.
#[derive(Debug, Clone, Serialize)]
pub struct SubjectScore {
    /// Member (or unit) name.
    pub member: String,
    /// Weighted composite (综合得分).
    pub composite: f64,
    /// Per rater group.
    pub groups: serde_json::Map<String, serde_json::Value>,
    /// Weighted average per item.
    pub items: serde_json::Map<String, serde_json::Value>,
    /// Sheets received.
    pub sheets: u32,
    /// Rater groups with no sheet (their weight was spread over the others).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing_groups: Vec<String>,
    /// The outcome the rules give (合格 ...), if they give one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
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
    /// Per subject, in order of first appearance.
    pub members: Vec<SubjectScore>,
    /// Rejected rows.
    pub rejected: Vec<Rejection>,
    /// Row counts (read = scored + rejected).
    pub rows: RowCounts,
}

/// Streams sheets for one form.
#[derive(Debug)]
pub struct Scorer<'a> {
    form: &'a Form,
    hooks: &'a Hooks,
    index: HashMap<String, usize>,
    subjects: Vec<SubjectAcc>,
    rejected: Vec<Rejection>,
    rows: RowCounts,
    buf: Vec<f64>,
}

/// Rounds for output: 4 decimals, so results are stable across platforms.
pub(crate) fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

impl<'a> Scorer<'a> {
    pub(crate) fn new(form: &'a Form, hooks: &'a Hooks) -> Self {
        Scorer { form, hooks, index: HashMap::new(), subjects: vec![], rejected: vec![], rows: RowCounts::default(), buf: Vec::with_capacity(form.items.len()) }
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

    fn try_add(&mut self, member: &str, group: &str, values: &[Option<&str>]) -> Result<(), (Option<String>, String)> {
        let member = member.trim();
        if member.is_empty() {
            return Err((Some("member".into()), "缺少被测评人姓名 / missing member".into()));
        }
        let gi = if self.form.groups.is_empty() {
            0
        } else {
            let group = group.trim();
            match self.form.groups.iter().position(|g| g.0 == group) {
                Some(i) => i,
                None if group.is_empty() => return Err((Some("rater_group".into()), "缺少评议组 / missing rater group".into())),
                None => {
                    let known: Vec<_> = self.form.groups.iter().map(|g| g.0.as_str()).collect();
                    return Err((Some("rater_group".into()), format!("未知的评议组 \"{group}\",应为 {} 之一 / unknown rater group", known.join("、"))));
                }
            }
        };
        self.buf.clear();
        for (i, (item, points)) in self.form.items.iter().enumerate() {
            let raw = values.get(i).copied().flatten().map(str::trim).unwrap_or("");
            if raw.is_empty() {
                return Err((Some(item.clone()), format!("“{item}”未填分 / missing mark")));
            }
            let v: f64 = raw.parse().map_err(|_| (Some(item.clone()), format!("“{item}”的分数 \"{raw}\" 不是数字 / not a number")))?;
            if !v.is_finite() || v < 0.0 {
                return Err((Some(item.clone()), format!("“{item}”的分数 {raw} 不能为负 / negative mark")));
            }
            if v > *points {
                return Err((Some(item.clone()), format!("“{item}”的分数 {raw} 超过该项分值 {points} / mark above the item's points")));
            }
            self.buf.push(v);
        }
        let si = match self.index.get(member) {
            Some(&i) => i,
            None => {
                let i = self.subjects.len();
                self.index.insert(member.to_string(), i);
                let ng = self.form.groups.len().max(1);
                self.subjects.push(SubjectAcc { name: member.to_string(), groups: vec![GroupAcc { sum_items: vec![0.0; self.form.items.len()], ..Default::default() }; ng] });
                i
            }
        };
        let g = &mut self.subjects[si].groups[gi];
        let total: f64 = self.buf.iter().sum();
        g.n += 1;
        g.sum_total += total;
        for (s, v) in g.sum_items.iter_mut().zip(&self.buf) { *s += v; }
        if self.form.trim {
            if g.max.as_ref().is_none_or(|m| total > m.0) { g.max = Some((total, self.buf.clone())); }
            if g.min.as_ref().is_none_or(|m| total < m.0) { g.min = Some((total, self.buf.clone())); }
        }
        Ok(())
    }

    /// Finishes: averages, composite, outcome.
    pub fn finish(self) -> Result<ScoreReport, EvalError> {
        let f = self.form;
        let mut members = Vec::with_capacity(self.subjects.len());
        for s in &self.subjects {
            let mut groups = serde_json::Map::new();
            let mut present_w = 0.0;
            let mut composite = 0.0;
            let mut items_w = vec![0.0; f.items.len()];
            let mut missing = vec![];
            let mut sheets = 0;
            let named: Vec<(String, f64)> = if f.groups.is_empty() { vec![("全部".into(), 100.0)] } else { f.groups.clone() };
            for (gi, (gname, w)) in named.iter().enumerate() {
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
                let item_means: Vec<f64> = its.iter().map(|x| x / n).collect();
                composite += mean * w;
                present_w += w;
                for (a, b) in items_w.iter_mut().zip(&item_means) { *a += b * w; }
                let gs = GroupScore {
                    sheets: g.n, used: n as u32, mean: round4(mean), weight: *w,
                    items: f.items.iter().zip(&item_means).map(|((k, _), v)| (k.clone(), round4(*v).into())).collect(),
                };
                groups.insert(gname.clone(), serde_json::to_value(gs).unwrap_or_default());
            }
            let (composite, items) = if present_w > 0.0 {
                (round4(composite / present_w), f.items.iter().zip(&items_w).map(|((k, _), v)| (k.clone(), round4(v / present_w).into())).collect())
            } else {
                (0.0, serde_json::Map::new())
            };
            if f.groups.is_empty() { missing.clear(); }
            let mut m = SubjectScore { member: s.name.clone(), composite, groups, items, sheets, missing_groups: missing, outcome: None };
            m.outcome = outcome(f, self.hooks, &m)?;
            members.push(m);
        }
        Ok(ScoreReport { form: f.name.clone(), items: f.items.clone(), members, rejected: self.rejected, rows: self.rows })
    }
}

fn outcome(f: &Form, hooks: &Hooks, m: &SubjectScore) -> Result<Option<String>, EvalError> {
    Ok(match &f.outcome {
        Outcome::None => None,
        Outcome::Tiers(t) => t.iter().find(|(min, _)| m.composite >= *min).map(|x| x.1.clone()),
        Outcome::Hook(name) => {
            let mut map = Map::new();
            map.insert("member".into(), Dynamic::from(m.member.clone()));
            map.insert("composite".into(), Dynamic::from(m.composite));
            let mut g = Map::new();
            for (k, v) in &m.groups {
                g.insert(k.as_str().into(), Dynamic::from(v.get("mean").and_then(|x| x.as_f64()).unwrap_or(0.0)));
            }
            map.insert("groups".into(), Dynamic::from(g));
            map.insert("sheets".into(), Dynamic::from(m.sheets as i64));
            map.insert("complete".into(), Dynamic::from(m.missing_groups.is_empty()));
            let v = hooks.call(name, Dynamic::from(map), &f.loc)?;
            if v.is_unit() { None } else {
                Some(v.into_string().map_err(|t| EvalError::new("hook.return_type", format!("自定义函数 {name} 应返回字符串结论,实际返回 {t} / outcome function must return a string")))?)
            }
        }
    })
}

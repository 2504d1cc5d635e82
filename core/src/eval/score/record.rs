//! The record an `outcome` function receives: its fields (`Field`, which the
//! native plans read), the Rhai map built for the script engine
//! (`outcome_record`), the same record read in place (`RecordView`) and the
//! sample the dry run calls a function with (`sample_outcome`). One file, so
//! the two ways of reading a member's result cannot drift apart.

// The script-free build reads no syntax tree and runs no dry run: parts of the record go unused there.
#![cfg_attr(not(feature = "script"), allow(dead_code))]

use super::types::{GroupScore, Named, SubjectScore};
use crate::load::entity::map_of;
use crate::model::Form;
use rhai::{Dynamic, Map};

/// A field of the outcome record (see `score::outcome_record`), by path.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) enum Field {
    Member,
    Composite,
    Sheets,
    Complete,
    Group(Box<str>),
    SatGiven,
    SatRate,
    SatTotal,
    SatCount(Box<str>),
    ClGiven,
    ClDone,
    ClPending,
    ClOverdue,
    ClExempt,
    ClItem(Box<str>),
    ClGate(Box<str>),
}

impl Field {
    /// The field a path of constant keys names; `None` for a path that does
    /// not end at a plain value of the record (a map, or no such field).
    pub(crate) fn of(path: &[&str]) -> Option<Field> {
        Some(match path {
            ["member"] => Field::Member,
            ["composite"] => Field::Composite,
            ["sheets"] => Field::Sheets,
            ["complete"] => Field::Complete,
            ["groups", g] => Field::Group((*g).into()),
            ["satisfaction", "given"] => Field::SatGiven,
            ["satisfaction", "rate"] => Field::SatRate,
            ["satisfaction", "total"] => Field::SatTotal,
            ["satisfaction", "counts", t] => Field::SatCount((*t).into()),
            ["checklist", "given"] => Field::ClGiven,
            ["checklist", "done"] => Field::ClDone,
            ["checklist", "pending"] => Field::ClPending,
            ["checklist", "overdue"] => Field::ClOverdue,
            ["checklist", "exempt"] => Field::ClExempt,
            ["checklist", "items", i] => Field::ClItem((*i).into()),
            ["checklist", "gates", p] => Field::ClGate((*p).into()),
            _ => return None,
        })
    }
}

/// A value while a plan runs: strings borrow from the plan or the record.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum V<'a> {
    Unit,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
}

/// What a plan reads its fields from.
pub(crate) trait Record {
    /// The field's value, or `None` when the record has no such field (Rhai
    /// would stop with an error: the plan gives up and lets it).
    fn field(&self, f: &Field) -> Option<V<'_>>;
}

/// `hooks` is needed only when the outcome is a custom function.
/// The record an outcome function receives (documented in the rule
/// reference): `member`, `composite`, `groups` (name → mean), `sheets`,
/// `complete`, `satisfaction` (`given`, `rate`, `total`, `counts`: tier →
/// number; `given` is false and the rest empty when no vote was supplied) and
/// `checklist` (`given`, `done`, `pending`, `overdue`, `exempt`, `items`: id →
/// status, `gates`: phase → met; `given` is false and the rest empty without
/// the member's progress).
pub(crate) fn outcome_record(m: &SubjectScore, sat: Option<&crate::eval::vote::Tally>, cl: Option<&crate::eval::checklist::Checklist>) -> Map {
    record_with(m, satisfaction_record(sat), checklist_record(cl))
}

/// [`outcome_record`] given its `satisfaction` and `checklist` parts.
pub(crate) fn record_with(m: &SubjectScore, satisfaction: Dynamic, checklist: Dynamic) -> Map {
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
    pub sat: Option<&'a crate::eval::vote::Tally>,
    pub cl: Option<&'a crate::eval::checklist::Checklist>,
}

impl Record for RecordView<'_> {
    fn field(&self, f: &Field) -> Option<V<'_>> {
        let count = |g: fn(&crate::eval::checklist::Summary) -> usize| V::Int(self.cl.map_or(0, |x| g(&x.summary) as i64));
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
            Field::ClItem(id) => V::Str(crate::eval::checklist::status_name(self.cl?.items.iter().rev().find(|i| i.id == **id)?.status)),
            Field::ClGate(p) => V::Bool(self.cl?.gates.iter().rev().find(|g| g.phase == **p)?.met),
        })
    }
}

/// The record's `satisfaction` part.
pub(crate) fn satisfaction_record(sat: Option<&crate::eval::vote::Tally>) -> Dynamic {
    let mut s = Map::new();
    s.insert("given".into(), Dynamic::from_bool(sat.is_some()));
    s.insert("rate".into(), Dynamic::from_float(sat.map_or(0.0, |t| t.rate)));
    s.insert("total".into(), Dynamic::from_int(sat.map_or(0, |t| t.total as i64)));
    let counts: Map =
        sat.map(|t| map_of(t.counts.iter().map(|(k, v)| (k.as_str().into(), Dynamic::from_int(v.as_i64().unwrap_or(0)))))).unwrap_or_default();
    s.insert("counts".into(), Dynamic::from_map(counts));
    Dynamic::from_map(s)
}

/// The record's `checklist` part.
pub(crate) fn checklist_record(cl: Option<&crate::eval::checklist::Checklist>) -> Dynamic {
    let mut c = Map::new();
    let count = |f: fn(&crate::eval::checklist::Summary) -> usize| Dynamic::from_int(cl.map_or(0, |x| f(&x.summary) as i64));
    c.insert("given".into(), Dynamic::from_bool(cl.is_some()));
    c.insert("done".into(), count(|s| s.done));
    c.insert("pending".into(), count(|s| s.pending));
    c.insert("overdue".into(), count(|s| s.overdue));
    c.insert("exempt".into(), count(|s| s.exempt));
    let items: Map = cl
        .map(|x| map_of(x.items.iter().map(|i| (i.id.as_str().into(), Dynamic::from(crate::eval::checklist::status_name(i.status).to_string())))))
        .unwrap_or_default();
    c.insert("items".into(), Dynamic::from_map(items));
    let gates: Map = cl.map(|x| map_of(x.gates.iter().map(|g| (g.phase.as_str().into(), Dynamic::from_bool(g.met))))).unwrap_or_default();
    c.insert("gates".into(), Dynamic::from_map(gates));
    Dynamic::from_map(c)
}

/// The record `outcome` functions receive (`score::outcome_record`), for dry
/// runs: one member with every rater group present, each with the same mean
/// of four fifths of the form's points, and no satisfaction vote.
pub(crate) fn sample_outcome(form: &Form) -> Dynamic {
    let points: f64 = form.items.iter().map(|x| x.1).sum();
    let mean = (points * 0.8 * 10_000.0).round() / 10_000.0;
    let names: Vec<String> = if form.groups.is_empty() { vec!["全部".into()] } else { form.groups.iter().map(|g| g.0.clone()).collect() };
    let item_names: std::sync::Arc<[String]> = form.items.iter().map(|x| x.0.clone()).collect();
    let item_means: Vec<f64> = form.items.iter().map(|x| x.1 * 0.8).collect();
    let groups = names
        .iter()
        .zip(form.groups.iter().map(|g| g.1).chain(std::iter::repeat(100.0)))
        .map(|(_, w)| GroupScore { sheets: 1, used: 1, mean, weight: w, items: Named { names: item_names.clone(), values: item_means.clone() } })
        .collect();
    let m = SubjectScore {
        member: "样例".into(),
        id: None,
        composite: mean,
        sheets: names.len() as u32,
        groups: Named { names: names.into(), values: groups },
        items: Named { names: item_names, values: item_means },
        missing_groups: vec![],
        outcome: None,
        suggestion: false,
        decision: None,
    };
    Dynamic::from_map(outcome_record(&m, None, None))
}

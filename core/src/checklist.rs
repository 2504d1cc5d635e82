//! A member's checklist: every requirement of the rules, with its status for
//! one member profile and progress record, plus the unit's transition gates.

use crate::hooks::Hooks;
use crate::model::{Due, Requirement, Rules};
use crate::EvalError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Who is checking, and what they have done so far.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Profile {
    /// Role name, as declared in the rules.
    pub role: String,
    /// Unit type (for due dates taken from step windows).
    #[serde(default)]
    pub unit: Option<String>,
    /// Personal conditions (年老体弱, 书写困难 ...).
    #[serde(default)]
    pub conditions: Vec<String>,
    /// Requirement id → a number reached (学时, 篇 ...) or true when done.
    #[serde(default)]
    pub progress: serde_json::Map<String, serde_json::Value>,
}

/// Status of one requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// Done.
    Done,
    /// Not done, not yet due (or no date given).
    Pending,
    /// Not done and its due date has passed.
    Overdue,
    /// The member is exempt.
    Exempt,
    /// Does not apply to this role.
    NotApplicable,
}

/// One line of a checklist.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// Requirement id.
    pub id: String,
    /// Phase.
    pub phase: String,
    /// What to do.
    pub label: String,
    /// Status.
    pub status: ItemStatus,
    /// Why it has that status, in Chinese.
    pub reason: String,
    /// Due date, when known.
    pub due: Option<NaiveDate>,
    /// Quantity required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required: Option<f64>,
    /// Quantity reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub have: Option<f64>,
    /// Unit of the quantity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Alternative way to satisfy it, for this member's conditions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub substitute: Option<String>,
    /// Free text from the rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A transition gate's state.
#[derive(Debug, Clone, Serialize)]
pub struct GateState {
    /// Phase the gate closes.
    pub phase: String,
    /// True when nothing blocks it.
    pub met: bool,
    /// Requirement ids not yet done.
    pub blocking: Vec<String>,
    /// Free text from the rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Counts per status.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Done.
    pub done: usize,
    /// Pending.
    pub pending: usize,
    /// Overdue.
    pub overdue: usize,
    /// Exempt.
    pub exempt: usize,
    /// Not applicable.
    pub not_applicable: usize,
}

/// A member's checklist.
#[derive(Debug, Clone, Serialize)]
pub struct Checklist {
    /// Role.
    pub role: String,
    /// Unit type.
    pub unit: Option<String>,
    /// Query day.
    pub on: Option<NaiveDate>,
    /// Items in rule order.
    pub items: Vec<Item>,
    /// Counts.
    pub summary: Summary,
    /// Transition gates.
    pub gates: Vec<GateState>,
}

fn due_date(r: &Rules, q: &Requirement, unit: Option<&str>) -> Option<NaiveDate> {
    match &q.due {
        Due::Date(d) => Some(*d),
        Due::Step(s) => r.steps.iter().find(|st| st.name == *s).and_then(|st| st.window_for(unit.unwrap_or(""))).map(|w| w.end),
        Due::PhaseEnd => r.phases.iter().find(|p| p.name == q.phase).map(|p| p.end),
    }
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 { format!("{}", x as i64) } else { format!("{x}") }
}

pub(crate) fn checklist(r: &Rules, hooks: &Hooks, p: &Profile, on: Option<NaiveDate>) -> Result<Checklist, EvalError> {
    if !r.roles.iter().any(|x| x.name == p.role) {
        let known: Vec<_> = r.roles.iter().map(|x| x.name.as_str()).collect();
        return Err(EvalError::new("role.unknown", format!("未知的角色 \"{}\";可选: {} / unknown role", p.role, known.join("、"))));
    }
    if let Some(u) = &p.unit {
        if !r.units.is_empty() && !r.units.iter().any(|x| &x.name == u) {
            return Err(EvalError::new("unit.unknown", format!("未知的单位类型 \"{u}\" / unknown unit type")));
        }
    }
    for c in &p.conditions {
        if !r.conditions.iter().any(|x| &x.name == c) {
            let known: Vec<_> = r.conditions.iter().map(|x| x.name.as_str()).collect();
            return Err(EvalError::new("condition.unknown", format!("未知的个人情况 \"{c}\";可选: {} / unknown condition", known.join("、"))));
        }
    }
    let mut items = vec![];
    let mut summary = Summary::default();
    for q in &r.requirements {
        let due = due_date(r, q, p.unit.as_deref());
        let substitute = q.substitute.iter().find(|(c, _)| p.conditions.contains(c)).map(|(c, s)| format!("{c}:{s}"));
        let progress = p.progress.get(&q.id);
        let have = progress.and_then(|v| v.as_f64());
        let (status, reason) = if !q.roles.is_empty() && !q.roles.contains(&p.role) {
            (ItemStatus::NotApplicable, format!("仅适用于 {}", q.roles.join("、")))
        } else if let Some((who, why)) = q.exempt.iter().find(|(w, _)| *w == p.role || p.conditions.contains(w)) {
            (ItemStatus::Exempt, format!("{who}:{why}"))
        } else {
            let done = if let Some(f) = &q.check {
                hooks.check(f, p, &q.loc)?
            } else if let Some(min) = q.min {
                have.is_some_and(|h| h >= min)
            } else {
                progress.is_some_and(|v| v.as_bool() == Some(true) || v.as_f64().is_some_and(|x| x > 0.0))
            };
            let unit = q.unit.as_deref().unwrap_or("");
            if done {
                let why = match (q.min, have) {
                    (Some(m), Some(h)) => format!("已完成 {}/{} {unit}", fmt_num(h), fmt_num(m)),
                    _ => "已完成".to_string(),
                };
                (ItemStatus::Done, why)
            } else {
                let lack = match q.min {
                    Some(m) => format!("已有 {}/{} {unit},还差 {}", fmt_num(have.unwrap_or(0.0)), fmt_num(m), fmt_num(m - have.unwrap_or(0.0))),
                    None => "尚未完成".to_string(),
                };
                match (on, due) {
                    (Some(d), Some(dd)) if d > dd => (ItemStatus::Overdue, format!("{lack};已过截止日期 {dd}")),
                    (_, Some(dd)) => (ItemStatus::Pending, format!("{lack};截止 {dd}")),
                    _ => (ItemStatus::Pending, lack),
                }
            }
        };
        match status {
            ItemStatus::Done => summary.done += 1,
            ItemStatus::Pending => summary.pending += 1,
            ItemStatus::Overdue => summary.overdue += 1,
            ItemStatus::Exempt => summary.exempt += 1,
            ItemStatus::NotApplicable => summary.not_applicable += 1,
        }
        items.push(Item {
            id: q.id.clone(), phase: q.phase.clone(), label: q.label.clone(), status, reason, due,
            required: q.min, have, unit: q.unit.clone(), substitute, note: q.note.clone(),
        });
    }
    let gates = r.gates.iter().map(|g| {
        let blocking: Vec<String> = g.requires.iter().filter(|id| {
            items.iter().find(|i| &i.id == *id).is_some_and(|i| matches!(i.status, ItemStatus::Pending | ItemStatus::Overdue))
        }).cloned().collect();
        GateState { phase: g.phase.clone(), met: blocking.is_empty(), blocking, note: g.note.clone() }
    }).collect();
    Ok(Checklist { role: p.role.clone(), unit: p.unit.clone(), on, items, summary, gates })
}

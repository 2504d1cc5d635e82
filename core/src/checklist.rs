//! A member's checklist: every requirement of the rules, with its status for
//! one member profile and progress record, plus the unit's transition gates.

use crate::error::EvalError;
use crate::hooks::Hooks;
use crate::model::{Due, Requirement, Rules};
use crate::profile::Profile;
use crate::schedule::batch_of;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;

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

/// The status as written in JSON and seen by rule functions (`done`, `pending` …).
pub(crate) fn status_name(s: ItemStatus) -> &'static str {
    match s {
        ItemStatus::Done => "done",
        ItemStatus::Pending => "pending",
        ItemStatus::Overdue => "overdue",
        ItemStatus::Exempt => "exempt",
        ItemStatus::NotApplicable => "not_applicable",
    }
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
    /// Decided by the rules' own function from the other items: nothing to tick.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub computed: bool,
    /// For requirements counted by session: sessions below the per-session
    /// minimum (not counted), as `date hours`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub short_sessions: Vec<String>,
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
    /// Their labels, in the same order.
    pub blocking_labels: Vec<String>,
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
    /// Batch whose dates apply.
    pub batch: Option<String>,
    /// Query day.
    pub on: Option<NaiveDate>,
    /// Items in rule order.
    pub items: Vec<Item>,
    /// Counts.
    pub summary: Summary,
    /// Transition gates.
    pub gates: Vec<GateState>,
    /// Progress entries that name no requirement of these rules (left over
    /// from other rules, or misspelt): listed, never used.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown_progress: Vec<String>,
}

fn due_date(r: &Rules, q: &Requirement, unit: Option<&str>, batch: Option<&str>) -> Option<NaiveDate> {
    match &q.due {
        Due::Date(d) => Some(*d),
        Due::Step(s) => r.steps.iter().find(|st| st.name == *s).and_then(|st| st.window_for(unit.unwrap_or(""))).map(|w| w.end),
        Due::PhaseEnd => r.phases.iter().find(|p| p.name == q.phase).and_then(|p| p.dates_for(batch).end),
    }
}

/// What a progress entry says: an amount, done/not done, or sessions.
enum Progress {
    None,
    Amount(f64),
    Done(bool),
    /// Counted hours, short sessions (not counted).
    Sessions(f64, Vec<String>),
}

fn invalid(id: &str, why: &str) -> EvalError {
    EvalError::new("progress.invalid", format!("进度记录 \"{id}\" 写法有误:{why} / invalid progress entry"))
}

fn read_progress(q: &Requirement, v: Option<&Value>) -> Result<Progress, EvalError> {
    let Some(v) = v else { return Ok(Progress::None) };
    match v {
        Value::Null => Ok(Progress::None),
        Value::Bool(b) => Ok(Progress::Done(*b)),
        Value::Number(n) => match n.as_f64() {
            Some(x) if x.is_finite() && x >= 0.0 => Ok(Progress::Amount(x)),
            _ => Err(invalid(&q.id, "数量应为非负数 / the amount must be a non-negative number")),
        },
        Value::Array(list) if q.session_min.is_some() => {
            let min = q.session_min.unwrap_or(0.0);
            let (mut total, mut short) = (0.0, vec![]);
            for s in list {
                let (date, hours) = match s {
                    Value::Object(o) => (o.get("date").and_then(Value::as_str), o.get("hours").and_then(Value::as_f64)),
                    Value::Array(a) if a.len() == 2 => (a[0].as_str(), a[1].as_f64()),
                    _ => (None, None),
                };
                let (Some(date), Some(hours)) = (date, hours) else {
                    return Err(invalid(&q.id, "每次学习写作 {\"date\": \"2005-01-20\", \"hours\": 3} / each session is {date, hours}"));
                };
                crate::error::parse_day(date)?;
                if !hours.is_finite() || hours < 0.0 || hours > 24.0 {
                    return Err(invalid(&q.id, &format!("{date} 的学时 {hours} 不在 0 到 24 之间 / hours out of range")));
                }
                if hours >= min { total += hours } else { short.push(format!("{date} {}", fmt_num(hours))) }
            }
            Ok(Progress::Sessions(total, short))
        }
        _ => Err(invalid(&q.id, "应为数量、true/false,或按次记录的学习列表 / expected a number, true/false or a list of sessions")),
    }
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 { format!("{}", x as i64) } else { format!("{x}") }
}

pub(crate) fn checklist(r: &Rules, hooks: &Hooks, p: &Profile, on: Option<NaiveDate>) -> Result<Checklist, EvalError> {
    hooks.begin_evaluation();
    let batch = batch_of(r, p.batch.as_deref())?;
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
    let unknown_progress: Vec<String> = p.progress.keys().filter(|k| !r.requirements.iter().any(|q| &q.id == *k)).cloned().collect();
    for q in &r.requirements {
        let due = due_date(r, q, p.unit.as_deref(), batch);
        let substitute = q.substitute.iter().find(|(c, _)| p.conditions.contains(c)).map(|(c, s)| format!("{c}:{s}"));
        let progress = read_progress(q, p.progress.get(&q.id))?;
        let (have, short_sessions) = match &progress {
            Progress::Amount(x) => (Some(*x), vec![]),
            Progress::Sessions(x, short) => (Some(*x), short.clone()),
            _ => (None, vec![]),
        };
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
                matches!(progress, Progress::Done(true)) || have.is_some_and(|x| x > 0.0)
            };
            let unit = q.unit.as_deref().unwrap_or("");
            let mut extra = String::new();
            if !short_sessions.is_empty() {
                extra = format!(";{} 次少于每次 {} {unit},未计入:{}", short_sessions.len(), fmt_num(q.session_min.unwrap_or(0.0)), short_sessions.join("、"));
            } else if q.session_min.is_some() && matches!(progress, Progress::Amount(_)) {
                extra = format!(";未逐次记录,每次不少于 {} {unit} 未核对", fmt_num(q.session_min.unwrap_or(0.0)));
            }
            if done {
                let why = match (q.min, have) {
                    (Some(m), Some(h)) => format!("已完成 {}/{} {unit}{extra}", fmt_num(h), fmt_num(m)),
                    _ => "已完成".to_string(),
                };
                (ItemStatus::Done, why)
            } else {
                let lack = match q.min {
                    Some(m) => format!("已有 {}/{} {unit},还差 {}{extra}", fmt_num(have.unwrap_or(0.0)), fmt_num(m), fmt_num(m - have.unwrap_or(0.0))),
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
            computed: q.check.is_some(), short_sessions,
        });
    }
    let gates = r.gates.iter().map(|g| {
        let blocking: Vec<String> = g.requires.iter().filter(|id| {
            items.iter().find(|i| &i.id == *id).is_some_and(|i| matches!(i.status, ItemStatus::Pending | ItemStatus::Overdue))
        }).cloned().collect();
        let blocking_labels = blocking.iter().filter_map(|id| items.iter().find(|i| &i.id == id)).map(|i| i.label.clone()).collect();
        GateState { phase: g.phase.clone(), met: blocking.is_empty(), blocking, blocking_labels, note: g.note.clone() }
    }).collect();
    Ok(Checklist { role: p.role.clone(), unit: p.unit.clone(), batch: batch.map(str::to_string), on, items, summary, gates, unknown_progress })
}

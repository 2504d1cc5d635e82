//! A member's checklist: every requirement of the rules, with its status for
//! one member profile and progress record, plus the unit's transition gates.

use crate::error::EvalError;
use crate::eval::hooks::Hooks;
use crate::eval::profile::Profile;
use crate::eval::schedule::batch_of;
use crate::messages::{join, num, Lang, Msg};
use crate::model::{Due, Requirement, Rules};
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
    /// Why it has that status, in Chinese (`why` worded in zh, joined by ";").
    pub reason: String,
    /// Why it has that status, as catalogue codes plus parameters (see [`crate::messages`]).
    pub why: Vec<Msg>,
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
        Due::PhaseEnd => phase_end(r, q, unit, batch),
        Due::Batches(v) => match batch.and_then(|b| v.iter().find(|(n, _)| n == b)) {
            Some((_, d)) => Some(*d),
            None => phase_end(r, q, unit, batch),
        },
    }
}

fn phase_end(r: &Rules, q: &Requirement, unit: Option<&str>, batch: Option<&str>) -> Option<NaiveDate> {
    r.phases.iter().find(|p| p.name == q.phase).and_then(|p| p.dates_for(batch, unit).end)
}

/// What a progress entry says: an amount, done/not done, or sessions.
enum Progress {
    None,
    Amount(f64),
    Done(bool),
    /// Counted hours, short sessions (not counted), sessions outside the phase's dates (not counted).
    Sessions(f64, Vec<String>, Vec<String>),
    /// The result of the requirement's vote (`vote:`), counted as the vote counts it.
    Vote(Box<crate::eval::vote::Tally>),
}

fn invalid(id: &str, why: &str) -> EvalError {
    EvalError::new("progress.invalid", format!("进度记录 \"{id}\" 写法有误:{why} / invalid progress entry"))
}

/// `window`: the phase's first and last day for this member's batch, where known; a dated session
/// outside it is listed and not counted.
fn read_progress(r: &Rules, q: &Requirement, v: Option<&Value>, window: (Option<NaiveDate>, Option<NaiveDate>)) -> Result<Progress, EvalError> {
    let Some(v) = v else { return Ok(Progress::None) };
    if let Some(vote) = q.vote.as_deref().and_then(|n| r.votes.iter().find(|x| x.name == n)) {
        return match v {
            Value::Null => Ok(Progress::None),
            Value::Object(m) => vote_result(q, vote, m).map(|t| Progress::Vote(Box::new(t))),
            // A tick (the widget's checkbox) is no result: the item stays pending, saying the result is not recorded.
            Value::Bool(b) => Ok(Progress::Done(*b)),
            _ => Err(invalid(
                &q.id,
                &format!(
                    "应为“{}”的测评结果,各档人数如 {{\"{}\": 30}} / expected the vote's count per tier",
                    vote.name,
                    vote.tiers.join("\": 0, \"")
                ),
            )),
        };
    }
    match v {
        Value::Null => Ok(Progress::None),
        Value::Bool(b) => Ok(Progress::Done(*b)),
        Value::Number(n) => match n.as_f64() {
            Some(x) if x.is_finite() && x >= 0.0 => Ok(Progress::Amount(x)),
            _ => Err(invalid(&q.id, "数量应为非负数 / the amount must be a non-negative number")),
        },
        Value::Array(list) if q.session_min.is_some() => {
            let min = q.session_min.unwrap_or(0.0);
            let (mut total, mut short, mut outside) = (0.0, vec![], vec![]);
            for s in list {
                let (date, hours) = match s {
                    Value::Object(o) => (o.get("date").and_then(Value::as_str), o.get("hours").and_then(Value::as_f64)),
                    Value::Array(a) if a.len() == 2 => (a[0].as_str(), a[1].as_f64()),
                    _ => (None, None),
                };
                let (Some(date), Some(hours)) = (date, hours) else {
                    return Err(invalid(&q.id, "每次学习写作 {\"date\": \"2005-01-20\", \"hours\": 3} / each session is {date, hours}"));
                };
                let day = crate::error::parse_day(date)?;
                if !hours.is_finite() || !(0.0..=24.0).contains(&hours) {
                    return Err(invalid(&q.id, &format!("{date} 的学时 {hours} 不在 0 到 24 之间 / hours out of range")));
                }
                if window.0.is_some_and(|s| day < s) || window.1.is_some_and(|e| day > e) {
                    outside.push(format!("{date} {}", num(hours)))
                } else if hours >= min {
                    total += hours
                } else {
                    short.push(format!("{date} {}", num(hours)))
                }
            }
            Ok(Progress::Sessions(total, short, outside))
        }
        _ => Err(invalid(&q.id, "应为数量、true/false,或按次记录的学习列表 / expected a number, true/false or a list of sessions")),
    }
}

/// A vote's result from a progress record `#{ 档次: 人数 }` (tiers or their aliases; a tier not named counts 0).
fn vote_result(q: &Requirement, vote: &crate::model::Vote, m: &serde_json::Map<String, Value>) -> Result<crate::eval::vote::Tally, EvalError> {
    use crate::eval::vote::MAX_COUNT;
    let mut counts = vec![0u64; vote.tiers.len()];
    let mut total = 0u64;
    for (k, v) in m {
        let Some(i) = vote.tier_index(k.trim()) else {
            return Err(invalid(&q.id, &format!("“{k}”不是“{}”的档次;档次: {} / not a tier of the vote", vote.name, vote.tiers.join("、"))));
        };
        let n = v.as_u64().filter(|n| *n <= MAX_COUNT);
        total = total.saturating_add(n.unwrap_or(0));
        match n {
            Some(n) if total <= MAX_COUNT => counts[i] = counts[i].saturating_add(n),
            _ => return Err(invalid(&q.id, &format!("“{k}”的人数应为非负整数(最大 {MAX_COUNT})/ the count must be a whole number"))),
        }
    }
    Ok(crate::eval::vote::tally(vote, &q.id, &counts))
}

pub(crate) fn checklist(r: &Rules, hooks: &Hooks, p: &Profile, on: Option<NaiveDate>) -> Result<Checklist, EvalError> {
    checklist_with(r, hooks, p, on, true)
}

/// The checklist without each item's `reason` text (left empty; `why` keeps its messages): for the unit
/// table, which counts statuses of every member of a city and never shows the sentence.
pub(crate) fn checklist_unworded(r: &Rules, hooks: &Hooks, p: &Profile, on: Option<NaiveDate>) -> Result<Checklist, EvalError> {
    checklist_with(r, hooks, p, on, false)
}

fn checklist_with(r: &Rules, hooks: &Hooks, p: &Profile, on: Option<NaiveDate>, worded: bool) -> Result<Checklist, EvalError> {
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
    // A reported condition counts only where its scope (roles, unit types) takes in this member.
    let holds =
        |c: &String| p.conditions.contains(c) && r.conditions.iter().find(|x| &x.name == c).is_none_or(|x| x.holds_for(&p.role, p.unit.as_deref()));
    for q in &r.requirements {
        let due = due_date(r, q, p.unit.as_deref(), batch);
        let substitute = q.substitute.iter().find(|(c, _)| holds(c)).map(|(c, s)| format!("{c}:{s}"));
        let window = r.phases.iter().find(|x| x.name == q.phase).map_or((None, None), |x| {
            let d = x.dates_for(batch, p.unit.as_deref());
            (d.start, d.end)
        });
        let progress = read_progress(r, q, p.progress.get(&q.id), window)?;
        let (have, short_sessions, outside_sessions) = match &progress {
            Progress::Amount(x) => (Some(*x), vec![], vec![]),
            Progress::Sessions(x, short, outside) => (Some(*x), short.clone(), outside.clone()),
            _ => (None, vec![], vec![]),
        };
        let fmt_day = |d: Option<NaiveDate>| d.map_or("—".to_string(), |d| d.to_string());
        let outside_msg = (!outside_sessions.is_empty()).then(|| {
            Msg::new("item.sessions_outside")
                .with("count", outside_sessions.len())
                .with("start", fmt_day(window.0))
                .with("end", fmt_day(window.1))
                .with("dates", outside_sessions.clone())
        });
        let (status, why) = if !q.roles.is_empty() && !q.roles.contains(&p.role) {
            (ItemStatus::NotApplicable, vec![Msg::new("item.only_for").with("roles", q.roles.clone())])
        } else if !q.units.is_empty() && !p.unit.as_ref().is_some_and(|u| q.units.contains(u)) {
            (ItemStatus::NotApplicable, vec![Msg::new("item.only_units").with("units", q.units.clone())])
        } else if let Some((who, why)) = q.exempt.iter().find(|(w, _)| *w == p.role || holds(w)) {
            (ItemStatus::Exempt, vec![Msg::new("item.exempt").with("who", who).with("why", why)])
        } else {
            let done = if let Some(f) = &q.check {
                hooks.check(f, p, &q.loc)?
            } else if q.vote.is_some() {
                matches!(&progress, Progress::Vote(t) if t.total > 0 && !t.triggered)
            } else if let Some(min) = q.min {
                have.is_some_and(|h| h >= min)
            } else {
                matches!(progress, Progress::Done(true)) || have.is_some_and(|x| x > 0.0)
            };
            let unit = q.unit.as_deref().unwrap_or("");
            let session_min = q.session_min.unwrap_or(0.0);
            let extra = if !short_sessions.is_empty() {
                Some(
                    Msg::new("item.sessions_short")
                        .with("count", short_sessions.len())
                        .with("min", session_min)
                        .with("unit", unit)
                        .with("dates", short_sessions.clone()),
                )
            } else if q.session_min.is_some() && matches!(progress, Progress::Amount(_)) {
                Some(Msg::new("item.sessions_unchecked").with("min", session_min).with("unit", unit))
            } else {
                None
            };
            let vote_msg = |key: &'static str| {
                let rate_of = r.votes.iter().find(|v| Some(&v.name) == q.vote.as_ref()).map(|v| v.rate_of.clone()).unwrap_or_default();
                let m = Msg::new(key).with("vote", q.vote.clone().unwrap_or_default());
                match &progress {
                    Progress::Vote(t) => m.with("rate_of", rate_of).with("rate", t.rate).with("action", t.action.clone().unwrap_or_default()),
                    _ => m,
                }
            };
            if done && q.vote.is_some() {
                (ItemStatus::Done, vec![vote_msg("item.vote_done")])
            } else if done {
                let why = match (q.min, have) {
                    (Some(m), Some(h)) => {
                        [Some(Msg::new("item.done_count").with("have", h).with("required", m).with("unit", unit)), extra, outside_msg]
                            .into_iter()
                            .flatten()
                            .collect()
                    }
                    _ => vec![Msg::new("item.done")],
                };
                (ItemStatus::Done, why)
            } else {
                let mut why: Vec<Msg> = match q.min {
                    Some(m) => {
                        let h = have.unwrap_or(0.0);
                        [
                            Some(Msg::new("item.lack_count").with("have", h).with("required", m).with("unit", unit).with("short", m - h)),
                            extra,
                            outside_msg,
                        ]
                        .into_iter()
                        .flatten()
                        .collect()
                    }
                    None if q.vote.is_some() => match &progress {
                        Progress::Vote(t) if t.triggered => vec![vote_msg("item.vote_triggered")],
                        _ => vec![vote_msg("item.vote_missing")],
                    },
                    None => vec![Msg::new("item.not_done")],
                };
                let status = match (on, due) {
                    (Some(d), Some(dd)) if d > dd => {
                        why.push(Msg::new("item.overdue").with("due", dd.to_string()));
                        ItemStatus::Overdue
                    }
                    (_, Some(dd)) => {
                        why.push(Msg::new("item.due").with("due", dd.to_string()));
                        ItemStatus::Pending
                    }
                    _ => ItemStatus::Pending,
                };
                (status, why)
            }
        };
        let reason = if worded { join(Lang::Zh, &why) } else { String::new() };
        match status {
            ItemStatus::Done => summary.done += 1,
            ItemStatus::Pending => summary.pending += 1,
            ItemStatus::Overdue => summary.overdue += 1,
            ItemStatus::Exempt => summary.exempt += 1,
            ItemStatus::NotApplicable => summary.not_applicable += 1,
        }
        items.push(Item {
            id: q.id.clone(),
            phase: q.phase.clone(),
            label: q.label.clone(),
            status,
            reason,
            why,
            due,
            required: q.min,
            have,
            unit: q.unit.clone(),
            substitute,
            note: q.note.clone(),
            computed: q.check.is_some(),
            short_sessions,
        });
    }
    let gates = r
        .gates
        .iter()
        .map(|g| {
            let blocking: Vec<String> = g
                .requires
                .iter()
                .filter(|id| items.iter().find(|i| &i.id == *id).is_some_and(|i| matches!(i.status, ItemStatus::Pending | ItemStatus::Overdue)))
                .cloned()
                .collect();
            let blocking_labels = blocking.iter().filter_map(|id| items.iter().find(|i| &i.id == id)).map(|i| i.label.clone()).collect();
            GateState { phase: g.phase.clone(), met: blocking.is_empty(), blocking, blocking_labels, note: g.note.clone() }
        })
        .collect();
    Ok(Checklist { role: p.role.clone(), unit: p.unit.clone(), batch: batch.map(str::to_string), on, items, summary, gates, unknown_progress })
}

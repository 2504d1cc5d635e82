//! The unit table of a 先教办 or a 督导组 (issue 23): one row per unit — its
//! batch and phase, each requirement as members done / due / overdue, the
//! unit's own figures (学时 arranged, meetings), the 转段 gate, satisfaction
//! (附件6), 回头看 (附件5), the 成效测评 and 补课, the 转段申请 — and the
//! roll-up of such tables level by level (branch → town → district → city).
//!
//! Every total is a sum of counts ([`Counts`]); rates and means are computed
//! from the summed counts at each level, never averaged from children's rates.
//! A level's table is itself an input one level up ([`UnitInput::Level`]), and
//! keeps its children's rows (`details`).

use crate::eval::checklist::{checklist_unworded, ItemStatus};
use crate::eval::hooks::Hooks;
use crate::eval::profile::Profile;
use crate::eval::schedule::{phase_status, Status};
use crate::model::Rules;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Members done / due (not yet done, not overdue) / overdue on one requirement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemCount {
    /// Done (or exempt: nothing left to do).
    pub done: u64,
    /// Still to do, not overdue.
    pub due: u64,
    /// Past its due date and not done.
    pub overdue: u64,
}

/// 百题测试 counts (seed 004): expected, took part, papers returned, the sum of returned scores.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ExamCount {
    /// 应考.
    pub expected: u64,
    /// 参考.
    pub took: u64,
    /// 回收.
    pub returned: u64,
    /// Sum of the returned papers' scores.
    pub score_sum: f64,
}

/// Everything a level adds up: counts only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Counts {
    /// Units (leaves).
    pub units: u64,
    /// Branches (党支部) in those units.
    pub branches: u64,
    /// Members on the rolls.
    pub members: u64,
    /// Per requirement id: members done / due / overdue.
    pub items: BTreeMap<String, ItemCount>,
    /// Per vote (满意度, 成效测评 …): respondents per tier.
    pub votes: BTreeMap<String, BTreeMap<String, u64>>,
    /// 回头看 (附件5): sum of the sheets' totals, and the sheets.
    pub lookback_sum: f64,
    /// 回头看 sheets.
    pub lookback_sheets: u64,
    /// 百题测试.
    pub exam: ExamCount,
    /// Units that may apply for 转段.
    pub gate_open: u64,
    /// Units whose current phase has a gate they do not pass (units in a phase without a gate are in neither count).
    pub gate_closed: u64,
    /// Units sent to 补课.
    pub buke: u64,
    /// Units that applied / whose 督导组 reviewed / whose office approved.
    pub applied: u64,
    /// Reviewed by the 督导组.
    pub reviewed: u64,
    /// Approved by the office.
    pub approved: u64,
    /// Refused by the office (先教办不同意, with its reason).
    #[serde(skip_serializing_if = "is_zero")]
    pub refused: u64,
    /// 督导组 visits recorded.
    #[serde(skip_serializing_if = "is_zero")]
    pub visits: u64,
    /// Problems a visit found that are not yet closed (no 整改完成日期).
    #[serde(skip_serializing_if = "is_zero")]
    pub open_problems: u64,
    /// Per unit requirement that is a count (a `unit` and no `min`, e.g. the opinions a unit collected, 条): the sum of
    /// the units' figures (001: 征求意见总条数3741条, of which the 厅党组's 153). A per-unit minimum (学时 ≥ 45) is not summed.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub own: BTreeMap<String, f64>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.units += o.units;
        self.branches += o.branches;
        self.members += o.members;
        for (k, v) in &o.items {
            let e = self.items.entry(k.clone()).or_default();
            e.done += v.done;
            e.due += v.due;
            e.overdue += v.overdue;
        }
        for (k, tiers) in &o.votes {
            let e = self.votes.entry(k.clone()).or_default();
            for (t, n) in tiers {
                *e.entry(t.clone()).or_default() += n;
            }
        }
        self.lookback_sum += o.lookback_sum;
        self.lookback_sheets += o.lookback_sheets;
        self.exam.expected += o.exam.expected;
        self.exam.took += o.exam.took;
        self.exam.returned += o.exam.returned;
        self.exam.score_sum += o.exam.score_sum;
        self.gate_open += o.gate_open;
        self.gate_closed += o.gate_closed;
        self.buke += o.buke;
        self.applied += o.applied;
        self.reviewed += o.reviewed;
        self.approved += o.approved;
        self.refused += o.refused;
        self.visits += o.visits;
        self.open_problems += o.open_problems;
        for (k, v) in &o.own {
            *self.own.entry(k.clone()).or_default() += v;
        }
    }
}

/// A unit's 转段申请 as recorded: sent, the 督导组's opinion, the office's consent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApplicationRecord {
    /// Sent (default: the unit's own progress on the application's requirement).
    pub applied: Option<bool>,
    /// The 督导组's 审查意见 (given: reviewed).
    pub review: Option<String>,
    /// The office agreed.
    pub approved: bool,
    /// The phase whose 转段申请 this is (a 督导组's record book holds one a phase); a record for another
    /// phase than the current one is not this phase's application. `None`: the current phase's.
    pub phase: Option<String>,
    /// When the 督导组 reviewed it (as written).
    pub reviewed_on: Option<String>,
    /// The office did not agree (先教办不同意), and why: the unit does not move on; it applies again once it has
    /// done what the reason asks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

/// An office's 抽查 of a unit (000: “对所属党支部及下属二级单位党组织开展教育活动的情况要进行抽查,
/// 凡是敷衍应付、走过场的,不得转入下一阶段,并责令‘补课’”): the office's finding and whether it ordered 补课.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SpotCheck {
    /// Who checked (先教办, a 督导组).
    pub by: Option<String>,
    /// When (as written).
    pub on: Option<String>,
    /// What was found (敷衍应付、走过场 …).
    pub finding: String,
    /// 补课 ordered: the unit may not move to the next phase.
    pub buke: bool,
}

/// One visit of a 督导组 to a unit (003: 督导组“了解所去单位开展先进性教育活动的进度和质量情况”,
/// find problems and follow them up): when, what was checked (教育时间、内容、质量、进度), what was found,
/// the follow-up asked, and when it was closed. The 督导组's record book, kept as a workbook it brings back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Visit {
    /// The day of the visit (as written).
    pub on: String,
    /// The 督导组 that visited.
    pub by: Option<String>,
    /// What was checked: 教育时间、内容、质量、进度 ….
    pub checked: Option<String>,
    /// Problems found.
    pub problems: Option<String>,
    /// The follow-up asked of the unit (整改要求).
    pub follow_up: Option<String>,
    /// When the problems were closed (整改完成); none while they are open.
    pub closed_on: Option<String>,
}

impl Visit {
    /// Problems found and not yet closed.
    pub fn open(&self) -> bool {
        self.problems.as_deref().is_some_and(|p| !p.trim().is_empty()) && self.closed_on.is_none()
    }
}

/// One unit as it reaches the office.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UnitRecord {
    /// Unit name.
    pub unit: String,
    /// Unit type of the rules (机关, 社区 …).
    pub unit_type: Option<String>,
    /// Batch.
    pub batch: Option<String>,
    /// Branches in the unit (default 1).
    pub branches: Option<u64>,
    /// Members when no roster is given.
    pub headcount: Option<u64>,
    /// The roster with each member's progress.
    pub members: Vec<Profile>,
    /// The unit's own progress (role of its collective items: 学时 arranged, meetings …).
    pub own: serde_json::Map<String, serde_json::Value>,
    /// Respondents per tier, per vote (附件6 满意度, 成效测评).
    pub votes: BTreeMap<String, BTreeMap<String, u64>>,
    /// 回头看 (附件5): sum of sheet totals and sheets.
    pub lookback: Option<(f64, u64)>,
    /// 百题测试.
    pub exam: Option<ExamCount>,
    /// 转段申请.
    pub application: ApplicationRecord,
    /// The office's 抽查, when it found something.
    pub spot_check: Option<SpotCheck>,
    /// The 督导组's visits, in the order recorded.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub visits: Vec<Visit>,
}

/// An input of the unit table: a unit, or a lower level's table (a roll-up).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum UnitInput {
    /// A lower level's table, read back.
    Level(Box<UnitTable>),
    /// One unit.
    Unit(Box<UnitRecord>),
}

/// The unit's own figure against its requirement (学时 45, meetings …).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OwnFigure {
    /// Requirement id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Reached.
    pub have: Option<f64>,
    /// Required.
    pub required: Option<f64>,
    /// Unit of the quantity.
    pub unit: Option<String>,
    /// done / pending / overdue …
    pub status: String,
}

/// A vote's result at this row.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VoteLine {
    /// Vote name.
    pub name: String,
    /// Respondents.
    pub total: u64,
    /// Rate of its `rate_of` tiers, percent (two decimals).
    pub rate: Option<f64>,
    /// The vote's action is triggered (补课, 重写 …).
    pub triggered: bool,
    /// That action.
    pub action: Option<String>,
}

/// One row: a unit or a lower level.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnitRow {
    /// Unit or level name.
    pub name: String,
    /// "unit" or "level".
    pub kind: String,
    /// Batch.
    pub batch: Option<String>,
    /// The phase the query day falls in.
    pub phase: Option<String>,
    /// The 督导组 covering it.
    pub oversight: Option<String>,
    /// Members' requirements: (id, label, done / due / overdue).
    pub items: Vec<(String, String, ItemCount)>,
    /// The unit's own figures.
    pub own: Vec<OwnFigure>,
    /// May it apply for 转段 (the current phase's gate); `None` when the phase has no gate.
    pub may_apply: Option<bool>,
    /// What blocks it.
    pub blocks: Vec<String>,
    /// Votes (满意度, 成效测评).
    pub votes: Vec<VoteLine>,
    /// 回头看 mean score.
    pub lookback: Option<f64>,
    /// 百题测试: 参考率, 回收率 (percent), 平均成绩.
    pub exam: Option<(f64, f64, f64)>,
    /// 补课 (the 成效测评's action, or ordered by a 抽查).
    pub buke: bool,
    /// 转段申请: 未申请 / 已申请(待督导组审查) / 督导组已审查(待先教办同意) / 先教办已同意.
    pub application: Option<String>,
    /// The 督导组's 审查意见.
    pub review: Option<String>,
    /// The counts behind the row.
    pub counts: Counts,
    /// A level's own rows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<UnitRow>,
    /// A unit's 督导组 visits, as recorded (its record book).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub visits: Vec<Visit>,
    /// A unit's 转段申请 record as given (for the 督导组's record book; absent when nothing was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<ApplicationRecord>,
}

/// A level's table.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnitTable {
    /// The level's name (镇, 区, 市 …).
    pub level: String,
    /// Query day.
    pub on: Option<NaiveDate>,
    /// One row per child.
    pub rows: Vec<UnitRow>,
    /// The level's total, recomputed from counts.
    pub total: UnitRow,
}

fn pct(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| (n as f64 * 10000.0 / d as f64).round() / 100.0)
}

fn vote_lines(r: &Rules, votes: &BTreeMap<String, BTreeMap<String, u64>>) -> Vec<VoteLine> {
    votes
        .iter()
        .map(|(name, tiers)| {
            let total: u64 = tiers.values().sum();
            let v = r.votes.iter().find(|v| &v.name == name);
            let hit: u64 = v.map_or(0, |v| v.rate_of.iter().filter_map(|t| tiers.get(t)).sum());
            let rate = v.and_then(|_| pct(hit, total));
            let triggered = v.is_some_and(|v| {
                total > 0
                    && ((v.majority && hit * 2 > total)
                        || v.below.is_some_and(|b| rate.is_some_and(|x| x < b))
                        || v.above.is_some_and(|a| rate.is_some_and(|x| x > a)))
            });
            VoteLine { name: name.clone(), total, rate, triggered, action: v.and_then(|v| v.action.clone()) }
        })
        .collect()
}

fn exam_line(e: &ExamCount) -> Option<(f64, f64, f64)> {
    (e.expected > 0).then(|| {
        let avg = if e.returned > 0 { (e.score_sum / e.returned as f64 * 100.0).round() / 100.0 } else { 0.0 };
        (pct(e.took, e.expected).unwrap_or(0.0), pct(e.returned, e.took).unwrap_or(0.0), avg)
    })
}

fn current_phase(r: &Rules, batch: Option<&str>, unit: Option<&str>, on: Option<NaiveDate>) -> Option<String> {
    let on = on?;
    r.phases.iter().find(|p| phase_status(r, p, batch, unit.unwrap_or(""), on) == Some(Status::Current)).map(|p| p.name.clone())
}

/// The role whose checklist is the unit's own: the first collective role other than a leadership group
/// the rules give requirements (单位党组织).
fn unit_role(r: &Rules) -> Option<String> {
    r.roles
        .iter()
        .filter(|x| x.group)
        .map(|x| x.name.clone())
        .rfind(|n| r.requirements.iter().any(|q| q.roles.contains(n) && !q.roles.iter().any(|x| x == "党员")))
}

fn status_word(s: ItemStatus) -> &'static str {
    crate::eval::checklist::status_name(s)
}

/// A member's profile as the unit's row evaluates it: the unit's type and batch where the member gives none.
fn member_profile(u: &UnitRecord, m: &Profile, batch: Option<&String>) -> Profile {
    let mut p = m.clone();
    if p.unit.is_none() {
        p.unit = u.unit_type.clone();
    }
    if p.batch.is_none() {
        p.batch = batch.cloned();
    }
    p
}

/// One member of a unit, as a drill-down shows it: each requirement that applies and its status.
#[derive(Debug, Clone, Serialize)]
pub struct MemberLine {
    /// The member's name, when a roster gave it.
    pub name: Option<String>,
    /// Role.
    pub role: String,
    /// (requirement id, status: done / pending / overdue / exempt).
    pub items: Vec<(String, String)>,
    /// Why the checklist could not be worked out.
    pub error: Option<String>,
}

/// A unit's members (`names` aligned with `u.members`, may be shorter), each with the status of every
/// requirement that applies to them, on the day: the rows behind the unit's done / due / overdue counts.
pub(crate) fn unit_members(r: &Rules, hooks: &Hooks, u: &UnitRecord, names: &[Option<String>], on: Option<NaiveDate>) -> Vec<MemberLine> {
    let batch = u.batch.clone().or_else(|| r.campaign.batch.clone());
    u.members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let p = member_profile(u, m, batch.as_ref());
            let name = names.get(i).cloned().flatten();
            match checklist_unworded(r, hooks, &p, on) {
                Ok(list) => MemberLine {
                    name,
                    role: p.role,
                    items: list
                        .items
                        .iter()
                        .filter(|i| i.status != ItemStatus::NotApplicable)
                        .map(|i| (i.id.clone(), status_word(i.status).to_string()))
                        .collect(),
                    error: None,
                },
                Err(e) => MemberLine { name, role: p.role, items: vec![], error: Some(e.message) },
            }
        })
        .collect()
}

/// Works out one unit's row.
fn unit_row(r: &Rules, hooks: &Hooks, u: &UnitRecord, on: Option<NaiveDate>, oversight: Option<String>) -> UnitRow {
    let batch = u.batch.clone().or_else(|| r.campaign.batch.clone());
    let phase = current_phase(r, batch.as_deref(), u.unit_type.as_deref(), on);
    let mut c = Counts { units: 1, branches: u.branches.unwrap_or(1), members: u.headcount.unwrap_or(u.members.len() as u64), ..Counts::default() };
    let mut blocks = vec![];
    let gate = phase.as_ref().and_then(|p| r.gates.iter().find(|g| &g.phase == p));
    for m in &u.members {
        let p = member_profile(u, m, batch.as_ref());
        match checklist_unworded(r, hooks, &p, on) {
            Ok(list) => {
                for it in list.items.iter().filter(|i| i.status != ItemStatus::NotApplicable) {
                    let e = c.items.entry(it.id.clone()).or_default();
                    match it.status {
                        ItemStatus::Done | ItemStatus::Exempt => e.done += 1,
                        ItemStatus::Pending => e.due += 1,
                        ItemStatus::Overdue => e.overdue += 1,
                        ItemStatus::NotApplicable => {}
                    }
                }
            }
            Err(e) => blocks.push(format!("党员情况无法计算 / a member's checklist failed: {}", e.message)),
        }
    }
    let items: Vec<(String, String, ItemCount)> = r
        .requirements
        .iter()
        .filter_map(|q| c.items.get(&q.id).map(|n| (q.id.clone(), q.label.clone(), *n)))
        .filter(|(_, _, n)| n.done + n.due + n.overdue > 0)
        .collect();
    // The unit's own checklist (学时 arranged, meetings, the application …).
    let mut own = vec![];
    let mut own_gate_blocks = vec![];
    if let Some(role) = unit_role(r) {
        // A requirement completed by a vote (`vote:`, a gate item) takes the unit's recorded counts of that vote, unless
        // its own progress records counts of its own (a plain tick is not a result: the counts are).
        let mut progress = u.own.clone();
        for q in &r.requirements {
            if let (Some(v), false) = (q.vote.as_ref().and_then(|n| u.votes.get(n)), progress.get(&q.id).is_some_and(serde_json::Value::is_object)) {
                progress.insert(q.id.clone(), serde_json::Value::Object(v.iter().map(|(k, n)| (k.clone(), serde_json::Value::from(*n))).collect()));
            }
        }
        let p = Profile { role, unit: u.unit_type.clone(), batch: batch.clone(), conditions: vec![], progress };
        if let Ok(list) = checklist_unworded(r, hooks, &p, on) {
            for it in list.items.iter().filter(|i| i.status != ItemStatus::NotApplicable) {
                if let (Some(h), true) = (it.have, is_count(r, &it.id)) {
                    c.own.insert(it.id.clone(), h);
                }
                own.push(OwnFigure {
                    id: it.id.clone(),
                    label: it.label.clone(),
                    have: it.have,
                    required: it.required,
                    unit: it.unit.clone(),
                    status: status_word(it.status).to_string(),
                });
            }
            if let Some(g) = gate {
                if let Some(gs) = list.gates.iter().find(|x| x.phase == g.phase) {
                    own_gate_blocks = gs.blocking_labels.clone();
                }
            }
        }
    }
    let app = phase.as_ref().and_then(|p| r.applications.iter().find(|a| &a.phase == p));
    // The gate: members' items it requires not done by every member, then the unit's own (but not the application itself).
    if let Some(g) = gate {
        for q in &g.requires {
            if let Some(n) = c.items.get(q) {
                if n.overdue + n.due > 0 {
                    let label = r.requirements.iter().find(|x| &x.id == q).map_or(q.as_str(), |x| x.label.as_str());
                    blocks.push(if n.overdue > 0 {
                        format!("{label}:{} 名党员逾期未完成", n.overdue)
                    } else {
                        format!("{label}:{} 名党员未完成", n.due)
                    });
                }
            }
        }
        let app_label = app.and_then(|a| a.requirement.as_ref()).and_then(|q| r.requirements.iter().find(|x| &x.id == q)).map(|x| x.label.clone());
        blocks.extend(own_gate_blocks.into_iter().filter(|l| Some(l) != app_label.as_ref()).map(|l| format!("本单位:{l}")));
    }
    // Votes; the application's 成效测评 sends the unit to 补课.
    for (k, v) in &u.votes {
        c.votes.insert(k.clone(), v.clone());
    }
    let votes = vote_lines(r, &c.votes);
    let buke = app.and_then(|a| a.assessment.as_ref()).is_some_and(|name| votes.iter().any(|v| &v.name == name && v.triggered));
    if buke {
        // The 成效测评 taken and its majority 一般化/走过场: the 补课 line below says so; the unit's item completed by that
        // vote (not done while the vote triggers its action) is not a second reason.
        let assessed: Vec<String> = app
            .and_then(|a| a.assessment.as_ref())
            .map(|n| r.requirements.iter().filter(|q| q.vote.as_ref() == Some(n)).map(|q| format!("本单位:{}", q.label)).collect())
            .unwrap_or_default();
        blocks.retain(|b| !assessed.contains(b));
        let action = app.and_then(|a| a.assessment.as_ref()).and_then(|n| votes.iter().find(|v| &v.name == n)).and_then(|v| v.action.clone());
        blocks.push(format!("成效测评:多数认为“一般化”“走过场”,{}", action.unwrap_or_else(|| "补课".into())));
        c.buke = 1;
    }
    let ordered = u.spot_check.as_ref().filter(|s| s.buke);
    if let Some(s) = ordered {
        blocks.push(format!("{}抽查:{},责令补课,不得转入下一阶段", s.by.as_deref().unwrap_or("先教办"), s.finding));
        c.buke = 1;
    }
    if let Some((s, n)) = u.lookback {
        c.lookback_sum = s;
        c.lookback_sheets = n;
    }
    if let Some(e) = u.exam {
        c.exam = e;
    }
    // The office's refusal of this phase's 转段申请 (先教办不同意) blocks moving on until the unit applies again:
    // 000, “市委先教办同意后再召开会议进行小结与转段动员”.
    let this_phase = |p: &Option<String>| p.is_none() || p.as_ref() == phase.as_ref();
    let refused = app
        .filter(|_| this_phase(&u.application.phase) && !u.application.approved)
        .and_then(|a| u.application.refused.as_ref().filter(|_| u.application.review.is_some() || !a.review));
    if let Some(why) = refused {
        blocks.push(format!("先教办不同意:{why};按理由整改后重新申请"));
    }
    // 补课 ordered by a 抽查, or the office's refusal, closes the way to the next phase even where the phase has no gate of its own.
    let may_apply = if ordered.is_some() || refused.is_some() { Some(false) } else { gate.map(|_| blocks.is_empty()) };
    c.gate_open = u64::from(may_apply == Some(true));
    c.gate_closed = u64::from(may_apply == Some(false));
    // The application.
    let (application, review) = match app {
        None => (None, None),
        Some(a) => {
            let none = ApplicationRecord::default();
            let rec = match &u.application.phase {
                Some(p) if Some(p) != phase.as_ref() => &none,
                _ => &u.application,
            };
            let from_progress = a.requirement.as_ref().and_then(|q| u.own.get(q)).is_some_and(|v| v.as_bool() == Some(true));
            let applied = rec.applied.unwrap_or(from_progress);
            let reviewed = rec.review.is_some() || !a.review;
            let state: String = if !applied {
                "未申请".into()
            } else if rec.approved && reviewed {
                "先教办已同意".into()
            } else if let (Some(why), true) = (&rec.refused, reviewed) {
                format!("先教办不同意:{why}")
            } else if reviewed {
                if a.review {
                    "督导组已审查,待先教办同意".into()
                } else {
                    "已申请,待先教办同意".into()
                }
            } else {
                "已申请,待督导组审查".into()
            };
            c.applied = u64::from(applied);
            c.reviewed = u64::from(applied && a.review && rec.review.is_some());
            c.approved = u64::from(applied && reviewed && rec.approved);
            c.refused = u64::from(applied && reviewed && !rec.approved && rec.refused.is_some());
            let review = rec.review.as_ref().map(|r| match &rec.reviewed_on {
                Some(d) => format!("{r}({d})"),
                None => r.clone(),
            });
            (Some(state), review)
        }
    };
    c.visits = u.visits.len() as u64;
    c.open_problems = u.visits.iter().filter(|v| v.open()).count() as u64;
    UnitRow {
        visits: u.visits.clone(),
        record: (u.application != ApplicationRecord::default()).then(|| u.application.clone()),
        name: u.unit.clone(),
        kind: "unit".into(),
        batch,
        phase,
        oversight,
        items,
        own,
        may_apply,
        blocks,
        lookback: (c.lookback_sheets > 0).then(|| (c.lookback_sum / c.lookback_sheets as f64 * 100.0).round() / 100.0),
        exam: exam_line(&c.exam),
        votes,
        buke: c.buke > 0,
        application,
        review,
        counts: c,
        details: vec![],
    }
}

/// A unit requirement whose figure is a count a level adds up: a quantity (`unit`) without a minimum per unit.
fn is_count(r: &Rules, id: &str) -> bool {
    r.requirements.iter().any(|q| q.id == id && q.unit.is_some() && q.min.is_none())
}

/// A row made from counts alone (a level's total, or a lower level read back).
fn counts_row(r: &Rules, name: &str, c: Counts, details: Vec<UnitRow>) -> UnitRow {
    // The units' counts added up (done, as for one unit, when more than none).
    let own = r
        .requirements
        .iter()
        .filter_map(|q| {
            c.own.get(&q.id).map(|h| OwnFigure {
                id: q.id.clone(),
                label: q.label.clone(),
                have: Some(*h),
                required: None,
                unit: q.unit.clone(),
                status: status_word(if *h > 0.0 { ItemStatus::Done } else { ItemStatus::Pending }).to_string(),
            })
        })
        .collect();
    let items = r
        .requirements
        .iter()
        .filter_map(|q| c.items.get(&q.id).map(|n| (q.id.clone(), q.label.clone(), *n)))
        .chain(c.items.iter().filter(|(k, _)| !r.requirements.iter().any(|q| &q.id == *k)).map(|(k, n)| (k.clone(), k.clone(), *n)))
        .collect();
    let blocked = c.gate_closed;
    UnitRow {
        name: name.to_string(),
        kind: "level".into(),
        batch: None,
        phase: None,
        oversight: None,
        items,
        own,
        may_apply: None,
        blocks: if blocked > 0 { vec![format!("{blocked} 个单位未达到转段条件")] } else { vec![] },
        votes: vote_lines(r, &c.votes),
        lookback: (c.lookback_sheets > 0).then(|| (c.lookback_sum / c.lookback_sheets as f64 * 100.0).round() / 100.0),
        exam: exam_line(&c.exam),
        buke: c.buke > 0,
        application: None,
        review: None,
        counts: c,
        details,
        visits: vec![],
        record: None,
    }
}

/// Builds a level's table from units and lower levels' tables.
/// `oversight` maps unit names to their 督导组 (a list given at run time); the rules' `oversight(…, #{ units })` come first.
pub(crate) fn unit_table(
    r: &Rules,
    hooks: &Hooks,
    level: &str,
    inputs: &[UnitInput],
    on: Option<NaiveDate>,
    oversight: &BTreeMap<String, String>,
) -> UnitTable {
    let group_of =
        |u: &str| r.oversights.iter().find(|o| o.units.iter().any(|x| x == u)).map(|o| o.name.clone()).or_else(|| oversight.get(u).cloned());
    let mut rows = vec![];
    let mut total = Counts::default();
    for i in inputs {
        let row = match i {
            UnitInput::Unit(u) => unit_row(r, hooks, u, on, group_of(&u.unit)),
            UnitInput::Level(t) => counts_row(r, &t.level, t.total.counts.clone(), t.rows.clone()),
        };
        total.add(&row.counts);
        rows.push(row);
    }
    let total = counts_row(r, level, total, vec![]);
    UnitTable { level: level.to_string(), on, rows, total }
}

/// Which rows to keep (`--overdue`, `--buke`, `--not-applied`).
#[derive(Debug, Clone, Copy, Default)]
pub struct UnitFilter {
    /// Some member overdue on some item.
    pub overdue: bool,
    /// Sent to 补课.
    pub buke: bool,
    /// Not yet applied for 转段.
    pub not_applied: bool,
}

impl UnitFilter {
    /// Whether a row passes.
    pub fn keeps(&self, row: &UnitRow) -> bool {
        (!self.overdue || row.counts.items.values().any(|n| n.overdue > 0))
            && (!self.buke || row.counts.buke > 0)
            && (!self.not_applied || row.counts.applied < row.counts.units)
    }
}

//! The typed rules: what every declaration kind becomes once its fields are
//! read and checked. Plain data (serde), read by evaluation and every front end.

use crate::diag::Location;
use chrono::NaiveDate;
use rhai::Map;
use serde::Serialize;

/// Where a rule comes from: a seed document with a short quote (`source:`),
/// or a choice the locality made itself (`local:`). Shown to clerks
/// (`xianjiao explain`, the playground), never to members.
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Origin {
    /// Seed and quote, e.g. `000: 有书写能力的党员都要撰写党性分析材料`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The locality's own choice, e.g. `本镇设定:60 分为合格线`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local: Option<String>,
    /// A 规定动作: children may not remove or weaken it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
}

impl Origin {
    /// True when neither `source` nor `local` is given.
    pub fn is_empty(&self) -> bool {
        self.source.is_none() && self.local.is_none()
    }
    /// `source: …` or `local: …` for tables.
    pub fn describe(&self) -> String {
        match (&self.source, &self.local) {
            (Some(s), Some(l)) => format!("source: {s}; local: {l}"),
            (Some(s), None) => format!("source: {s}"),
            (None, Some(l)) => format!("local: {l}"),
            (None, None) => String::new(),
        }
    }
}

/// Campaign metadata.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Campaign {
    /// Campaign name.
    pub name: String,
    /// Level of the locality (市, 区, 镇 ...).
    pub level: Option<String>,
    /// The batch (批次) this file's units belong to, when it names one.
    pub batch: Option<String>,
    /// Provenance.
    #[serde(flatten)]
    pub origin: Origin,
}

/// A role a member (or a collective) can have.
#[derive(Debug, Clone, Serialize)]
pub struct Role {
    /// Name as users write it (党员, 党员领导干部 ...).
    pub name: String,
    /// Optional longer label.
    pub label: Option<String>,
    /// True for a collective such as a leadership group (领导班子).
    pub group: bool,
    /// Provenance.
    #[serde(flatten)]
    pub origin: Origin,
}

/// A named thing with an optional label (conditions, unit types).
#[derive(Debug, Clone, Serialize)]
pub struct Named {
    /// Name.
    pub name: String,
    /// Optional longer label.
    pub label: Option<String>,
    /// A condition only: it counts only for members of these roles (empty: any role).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// A condition only: it counts only for members of these unit types (empty: any unit).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
    /// Provenance.
    #[serde(flatten)]
    pub origin: Origin,
}

impl Named {
    /// Whether this condition, reported for a member, counts for the member's role and unit type.
    pub fn holds_for(&self, role: &str, unit: Option<&str>) -> bool {
        (self.roles.is_empty() || self.roles.iter().any(|r| r == role))
            && (self.units.is_empty() || unit.is_some_and(|u| self.units.iter().any(|x| x == u)))
    }
}

/// A batch (批次) of the campaign: which units take part when.
#[derive(Debug, Clone, Serialize)]
pub struct Batch {
    /// Name (第一批 ...).
    pub name: String,
    /// Who takes part (市县机关 ...).
    pub label: Option<String>,
    /// Provenance.
    #[serde(flatten)]
    pub origin: Origin,
}

/// Dates of a phase, for all batches or for one.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PhaseDates {
    /// First day, when known.
    pub start: Option<NaiveDate>,
    /// Last day (inclusive) after any extension; `None` while open-ended.
    pub end: Option<NaiveDate>,
    /// Days added by an extension (延长), already included in `end`.
    pub extend_days: i64,
    /// Provenance of these dates.
    #[serde(flatten)]
    pub origin: Origin,
    /// [unit type, its dates] where a unit type's schedule differs (`windows: #{ 机关: [start, end] }`,
    /// the vocabulary of a step's `windows`): the phase as that unit type lives it, later phases of the
    /// same chain continuing from its end.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub windows: Vec<(String, PhaseDates)>,
}

/// A phase (阶段). Its dates may be unknown: a rule file gives none where
/// its seed gives none.
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    /// Name (学习动员 ...).
    pub name: String,
    /// Dates that apply when no batch names its own.
    pub dates: PhaseDates,
    /// Dates per batch.
    pub batches: Vec<(String, PhaseDates)>,
    /// Minimum length in days, if the rules set one.
    pub min_days: Option<i64>,
    /// Free text.
    pub note: Option<String>,
    /// Provenance.
    #[serde(flatten)]
    pub origin: Origin,
}

impl Phase {
    /// The dates that apply to a batch and, where the rules give one its own, a unit type.
    pub fn dates_for(&self, batch: Option<&str>, unit: Option<&str>) -> &PhaseDates {
        let d = batch.and_then(|b| self.batches.iter().find(|(n, _)| n == b)).map(|x| &x.1).unwrap_or(&self.dates);
        unit.and_then(|u| d.windows.iter().find(|(n, _)| n == u)).map(|x| &x.1).unwrap_or(d)
    }
}

/// An inclusive date window.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Window {
    /// First day.
    pub start: NaiveDate,
    /// Last day (inclusive).
    pub end: NaiveDate,
}

/// A notice due some days before a step starts (002: 提前两天公示).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Announce {
    /// Days before the step's first day.
    pub days_before: i64,
    /// What is announced.
    pub label: String,
}

/// A step (环节) of a phase.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// Phase name.
    pub phase: String,
    /// Step name.
    pub name: String,
    /// Default window.
    pub window: Option<Window>,
    /// Windows for particular unit types.
    pub windows: Vec<(String, Window)>,
    /// A notice due before the step.
    pub announce: Option<Announce>,
    /// Free text (content and requirements).
    pub note: Option<String>,
    /// Provenance.
    #[serde(flatten)]
    pub origin: Origin,
}

impl Step {
    /// The window that applies to a unit type.
    pub fn window_for(&self, unit: &str) -> Option<Window> {
        self.windows.iter().find(|(u, _)| u == unit).map(|(_, w)| *w).or(self.window)
    }
}

/// When a requirement is due.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Due {
    /// At the end of the named step's window.
    Step(String),
    /// On a date.
    Date(NaiveDate),
    /// At the end of the requirement's phase.
    PhaseEnd,
    /// On a date for the batches listed (`due: #{ 第一批: "2005-01-22" }`, a seed that dates one batch's plan);
    /// other batches at the end of the phase.
    Batches(Vec<(String, NaiveDate)>),
}

/// Something members (of some roles) must do.
#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    /// Stable id used in progress records.
    pub id: String,
    /// Phase it belongs to.
    pub phase: String,
    /// What to show.
    pub label: String,
    /// Roles it applies to (empty: all).
    pub roles: Vec<String>,
    /// Unit types it applies to (empty: all); with some, a member or unit of no stated type is outside it
    /// (002: 镇领导班子专题民主生活会 — the town's 机关, not a 社区's leadership).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
    /// Quantity to reach, if any.
    pub min: Option<f64>,
    /// Unit of the quantity (学时, 天, 篇 ...).
    pub unit: Option<String>,
    /// Progress is recorded per session (date + amount); each session must
    /// reach this amount to count (000: 每次应安排2个学时以上).
    pub session_min: Option<f64>,
    /// When it is due.
    pub due: Due,
    /// Role or condition → reason for exemption.
    pub exempt: Vec<(String, String)>,
    /// Condition → alternative way to satisfy it.
    pub substitute: Vec<(String, String)>,
    /// Name of a custom Rhai function deciding completion.
    pub check: Option<String>,
    /// A vote whose result completes it (a gate item): done when the result is recorded and does not
    /// trigger the vote's action (000: 凡是多数党员和群众认为“一般化”和“走过场”的,要重新“补课”).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vote: Option<String>,
    /// Where `vote` is written.
    #[serde(skip)]
    pub vote_at: Location,
    /// Free text.
    pub note: Option<String>,
    /// Provenance.
    #[serde(flatten)]
    pub origin: Origin,
    /// Where it was declared.
    #[serde(skip)]
    pub loc: Location,
}

/// A named area with the phrases that show it is covered.
#[derive(Debug, Clone, Serialize)]
pub struct Area {
    /// Name.
    pub name: String,
    /// Phrases; any one present means covered.
    pub markers: Vec<String>,
}

/// A required part of a material.
#[derive(Debug, Clone, Serialize)]
pub struct Part {
    /// Name.
    pub name: String,
    /// Phrases that mark the part's start.
    pub markers: Vec<String>,
    /// Fields the part must contain (目标, 措施, 时限 ...).
    pub fields: Vec<Area>,
}

/// A list of phrases to flag.
#[derive(Debug, Clone, Serialize)]
pub struct Flag {
    /// The phrases.
    pub phrases: Vec<String>,
    /// "error" fails the check, "warning" only informs.
    pub level: String,
    /// Why it is flagged.
    pub reason: String,
}

/// One field every item of an itemised material (a 整改方案) must fill in.
#[derive(Debug, Clone, Serialize)]
pub struct ItemField {
    /// Name as shown (目标, 措施, 完成时间, 初步效果).
    pub name: String,
    /// Labels that introduce the field in a draft (`目标:`, `整改目标:` …).
    pub markers: Vec<String>,
    /// The field's text must name a real date (6月底前, 2005年5月31日前 …).
    pub date: bool,
}

/// A class of item (立即整改 …) with the other names offices use for it.
#[derive(Debug, Clone, Serialize)]
pub struct ItemClass {
    /// Name.
    pub name: String,
    /// Other names that mean the same class (马上整改 …).
    pub synonyms: Vec<String>,
}

/// How an itemised material is checked item by item.
#[derive(Debug, Clone, Serialize)]
pub struct ItemRule {
    /// Classes; each item begins with one of them.
    pub classes: Vec<ItemClass>,
    /// Fields every item fills in.
    pub fields: Vec<ItemField>,
    /// At least this many items.
    pub min_items: usize,
}

/// Requirements for a kind of written material.
#[derive(Debug, Clone, Serialize)]
pub struct Material {
    /// Kind (党性分析材料, 心得体会, 整改方案).
    pub kind: String,
    /// Role → minimum characters; "*" is the default.
    pub min_chars: Vec<(String, i64)>,
    /// Parts in their required order.
    pub parts: Vec<Part>,
    /// Areas to examine.
    pub areas: Vec<Area>,
    /// Minimum number of areas covered (default: all).
    pub min_areas: Option<usize>,
    /// Extra areas per role.
    pub extra_areas: Vec<(String, Vec<Area>)>,
    /// Phrases to flag.
    pub flags: Vec<Flag>,
    /// Item-by-item rule (整改方案).
    pub items: Option<ItemRule>,
    /// Provenance.
    #[serde(flatten)]
    pub origin: Origin,
}

/// How a form's outcome is decided.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// No outcome.
    None,
    /// Highest tier whose minimum the composite reaches.
    Tiers(Vec<(f64, String)>),
    /// A custom Rhai function.
    Hook(String),
}

/// What the rules say about a form's outcome beyond how it is computed.
#[derive(Debug, Clone, Serialize, Default)]
pub struct OutcomeInfo {
    /// The computed outcome is a suggestion (建议) for the branch committee,
    /// whose recorded decision overrides it.
    pub suggestion: bool,
    /// The labels a decision may take (合格, 不合格 …); empty: any.
    pub labels: Vec<String>,
    /// Handling options for members judged unqualified (000: 限期改正 …).
    pub handling: Vec<String>,
    /// Provenance of the outcome rule (e.g. a local pass mark).
    #[serde(flatten)]
    pub origin: Origin,
}

/// An appraisal form with rater groups.
#[derive(Debug, Clone, Serialize)]
pub struct Form {
    /// Name.
    pub name: String,
    /// What a row is about: "member" or "unit".
    pub subject: String,
    /// Total points.
    pub total: f64,
    /// Items and their points, in order.
    pub items: Vec<(String, f64)>,
    /// Rater groups and weights (percent); empty: plain average of all sheets.
    pub groups: Vec<(String, f64)>,
    /// Other names for groups and items, as offices write them → the declared name.
    pub aliases: Vec<(String, String)>,
    /// Drop the highest and lowest sheet of each group.
    pub trim: bool,
    /// Trim only when a group has at least this many sheets.
    pub trim_min: usize,
    /// Outcome rule.
    pub outcome: Outcome,
    /// Suggestion, labels, handling and provenance of the outcome.
    pub outcome_info: OutcomeInfo,
    /// Provenance.
    #[serde(flatten)]
    pub origin: Origin,
    /// Where the form was declared.
    #[serde(skip)]
    pub loc: Location,
}

impl Form {
    /// The declared name for a group or item name as written (aliases resolved).
    pub fn canonical<'a>(&'a self, name: &'a str) -> &'a str {
        self.aliases.iter().find(|(a, _)| a == name).map(|(_, c)| c.as_str()).unwrap_or(name)
    }
    /// Index of a rater group by its name or an alias.
    pub fn group_index(&self, name: &str) -> Option<usize> {
        let n = self.canonical(name);
        self.groups.iter().position(|g| g.0 == n)
    }
    /// Index of an item by its name or an alias.
    pub fn item_index(&self, name: &str) -> Option<usize> {
        let n = self.canonical(name);
        self.items.iter().position(|g| g.0 == n)
    }
}

/// A satisfaction or effect vote.
#[derive(Debug, Clone, Serialize)]
pub struct Vote {
    /// Name.
    pub name: String,
    /// Answer tiers.
    pub tiers: Vec<String>,
    /// Other names for tiers → the declared tier.
    pub aliases: Vec<(String, String)>,
    /// Tiers counted into the rate.
    pub rate_of: Vec<String>,
    /// Trigger when the rate (percent) is below this.
    pub below: Option<f64>,
    /// Trigger when the rate (percent) is above this.
    pub above: Option<f64>,
    /// Trigger when more than half of the respondents fall in `rate_of`
    /// (000: 凡是多数党员和群众认为…).
    pub majority: bool,
    /// What the trigger means (重写, 补课 ...).
    pub action: Option<String>,
    /// Respondent groups (附件6), when votes are counted by group.
    pub groups: Vec<String>,
    /// Provenance.
    #[serde(flatten)]
    pub origin: Origin,
}

impl Vote {
    /// Index of a tier by its name or an alias.
    pub fn tier_index(&self, name: &str) -> Option<usize> {
        let n = self.aliases.iter().find(|(a, _)| a == name).map(|(_, c)| c.as_str()).unwrap_or(name);
        self.tiers.iter().position(|t| t == n)
    }
}

/// A knowledge test (测试) and the statistics a unit reports on it (004).
#[derive(Debug, Clone, Serialize)]
pub struct Exam {
    /// Name (百题测试).
    pub name: String,
    /// Number of questions, if stated.
    pub questions: Option<i64>,
    /// Full marks.
    pub points: f64,
    /// Who takes it (empty: all roles).
    pub roles: Vec<String>,
    /// Provenance.
    #[serde(flatten)]
    pub origin: Origin,
}

/// A transition gate (转段).
#[derive(Debug, Clone, Serialize)]
pub struct Gate {
    /// Phase the gate closes.
    pub phase: String,
    /// Requirement ids that must be done.
    pub requires: Vec<String>,
    /// Free text.
    pub note: Option<String>,
    /// Provenance.
    #[serde(flatten)]
    pub origin: Origin,
}

/// A campaign office (先教办) of some level, to which units and 督导组 report.
#[derive(Debug, Clone, Serialize)]
pub struct Office {
    /// Name (市委先教办).
    pub name: String,
    /// Display label.
    pub label: Option<String>,
    /// Level (市, 区, 镇 …).
    pub level: Option<String>,
    /// Provenance.
    #[serde(flatten)]
    pub origin: Origin,
}

/// A 督导组: the office that sends it and the units it covers (empty: named by a list at run time).
#[derive(Debug, Clone, Serialize)]
pub struct Oversight {
    /// Name (第一督导组).
    pub name: String,
    /// Display label.
    pub label: Option<String>,
    /// The office that sends it (an [`Office`] name).
    pub office: Option<String>,
    /// The units it covers.
    pub units: Vec<String>,
    /// Provenance.
    #[serde(flatten)]
    pub origin: Origin,
}

/// Where a unit's 转段申请 for a phase goes: the requirement the unit ticks when it applies,
/// whether its 督导组 reviews it, the office that approves it, and the 成效测评 that sends it to 补课.
#[derive(Debug, Clone, Serialize)]
pub struct Application {
    /// Phase the application closes.
    pub phase: String,
    /// The requirement id that records the unit's application (drafted and sent).
    pub requirement: Option<String>,
    /// Reviewed by the unit's 督导组 first.
    pub review: bool,
    /// The office that approves it (an [`Office`] name).
    pub approve: Option<String>,
    /// The vote (成效测评) whose action (补课) stops the application.
    pub assessment: Option<String>,
    /// Free text.
    pub note: Option<String>,
    /// Provenance.
    #[serde(flatten)]
    pub origin: Origin,
}

/// A test case written in a rule file.
#[derive(Debug, Clone)]
pub struct TestCase {
    /// Name.
    pub name: String,
    /// The raw spec.
    pub spec: Map,
    /// Where it was declared.
    pub loc: Location,
}

/// All typed rules (no Rhai state).
#[derive(Debug, Clone, Serialize, Default)]
pub struct Rules {
    /// Campaign metadata.
    pub campaign: Campaign,
    /// Batches.
    pub batches: Vec<Batch>,
    /// Roles.
    pub roles: Vec<Role>,
    /// Personal conditions.
    pub conditions: Vec<Named>,
    /// Unit types.
    pub units: Vec<Named>,
    /// Phases in order.
    pub phases: Vec<Phase>,
    /// Steps in order.
    pub steps: Vec<Step>,
    /// Requirements.
    pub requirements: Vec<Requirement>,
    /// Materials.
    pub materials: Vec<Material>,
    /// Forms.
    pub forms: Vec<Form>,
    /// Votes.
    pub votes: Vec<Vote>,
    /// Knowledge tests.
    pub exams: Vec<Exam>,
    /// Gates.
    pub gates: Vec<Gate>,
    /// Campaign offices (先教办).
    pub offices: Vec<Office>,
    /// 督导组.
    pub oversights: Vec<Oversight>,
    /// Where each phase's 转段申请 goes.
    pub applications: Vec<Application>,
    /// In-file tests.
    #[serde(skip)]
    pub tests: Vec<TestCase>,
}

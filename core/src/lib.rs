//! # xianjiao-core
//!
//! The rules engine of Xianjiao. A locality's campaign office writes a Rhai
//! rule file (phases, steps, requirements per role, material requirements,
//! appraisal forms, votes, transition gates); this crate loads it — with the
//! parent files it `extends` — into a [`RuleSet`], reports every problem as a
//! [`Diagnostic`] with `file:line:col`, and evaluates it:
//!
//! * [`RuleSet::schedule`] — phases and steps with dates for a unit type;
//! * [`RuleSet::checklist`] — a member's requirements with their status;
//! * [`RuleSet::check_material`] — a draft's character count, parts, areas, flags;
//! * [`RuleSet::scorer`] — composite appraisal scores streamed from sheets;
//! * [`RuleSet::vote_counter`] — satisfaction rates and their triggers.
//!
//! ```
//! # fn main() -> Result<(), xianjiao_core::EvalError> {
//! use xianjiao_core::{MemorySource, RuleSet};
//! let mut src = MemorySource::new();
//! src.insert("town.rhai", r#"
//!     role("党员");
//!     form("测评表", #{ items: [["理想信念", 40], ["工作绩效", 60]], groups: [["党员互评", 60], ["群众参评", 40]] });
//! "#);
//! let rules = RuleSet::load("town.rhai", &src);
//! assert!(!rules.has_errors());
//! let mut s = rules.scorer(None)?;
//! s.add(2, "张三", "党员互评", &[Some("30"), Some("50")]);
//! s.add(3, "张三", "群众参评", &[Some("40"), Some("60")]);
//! let report = s.finish()?;
//! assert_eq!(report.members[0].composite, 88.0);
//! # Ok(())
//! # }
//! ```
//!
//! `core` does no I/O and knows nothing of JavaScript: rule text arrives through
//! a [`RuleSource`]. Rule scripts run once, at load time, under the limits of
//! [`Limits`]; evaluation reads plain data and calls Rhai only for custom
//! functions a rule file names.

#![warn(missing_docs)]

mod api;
mod checklist;
mod diag;
mod explain;
mod hooks;
mod load;
mod material;
mod model;
mod sandbox;
mod schedule;
mod score;
mod source;
mod tests;
mod vote;

pub use api::{reference_markdown, FnDoc, FUNCTIONS};
pub use checklist::{Checklist, GateState, Item, ItemStatus, Profile, Summary};
pub use diag::{Diagnostic, Location, Severity};
pub use explain::{scaffold, Change, Explain, ExplainItem};
pub use load::registered_functions;
pub use material::{count_chars, Finding, MaterialReport, PartState};
pub use model::*;
pub use sandbox::Limits;
pub use schedule::{PhaseRow, Schedule, Status, StepRow};
pub use score::{GroupScore, Named, Rejection, RowCounts, ScoreReport, Scorer, SheetAccumulator, SubjectScore};
pub use source::{MemorySource, RuleSource, SourceError};
pub use tests::TestResult;
pub use vote::{Tally, VoteCounter, VoteReport};

pub use chrono::NaiveDate;
use diag::Diags;
use hooks::Hooks;
use serde::Serialize;

/// An error evaluating rules against an input (unknown role, failing custom function ...).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EvalError {
    /// Stable code.
    pub code: &'static str,
    /// Message, Chinese first.
    pub message: String,
    /// Where in a rule file, when a custom function failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl EvalError {
    pub(crate) fn new(code: &'static str, message: String) -> Self {
        EvalError { code, message, location: None }
    }
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.location {
            Some(l) => write!(f, "{l}: error[{}]: {}", self.code, self.message),
            None => write!(f, "error[{}]: {}", self.code, self.message),
        }
    }
}

impl std::error::Error for EvalError {}

/// A loaded, validated rule set.
#[derive(Debug)]
pub struct RuleSet {
    rules: Rules,
    diagnostics: Vec<Diagnostic>,
    files: Vec<String>,
    hooks: Hooks,
    matchers: Vec<material::Matcher>,
    parent: Option<Rules>,
    sources: Vec<(String, String)>,
    limits: Limits,
}

impl RuleSet {
    /// Loads `entry` (and its parents) from `source` with the default limits.
    /// Always returns a rule set; check [`RuleSet::has_errors`].
    pub fn load(entry: &str, source: &dyn RuleSource) -> RuleSet {
        Self::load_with_limits(entry, source, &Limits::default())
    }

    /// Loads with explicit sandbox limits.
    pub fn load_with_limits(entry: &str, source: &dyn RuleSource, limits: &Limits) -> RuleSet {
        let mut d = Diags::default();
        let loaded = load::load(entry, source, limits, &mut d);
        let rules = model::build(&loaded.entities, &mut d);
        let parent = loaded.parent_entities.as_ref().map(|e| model::build(e, &mut Diags::default()));
        let file = loaded.files.last().cloned().unwrap_or_default();
        let hooks = Hooks::new(loaded.functions, limits, &file);
        for q in &rules.requirements {
            if let Some(f) = &q.check {
                if !hooks.has(f, 1) {
                    d.error("hook.unknown_function", &q.loc, format!("要求 \"{}\" 的 check 函数 {f}(profile) 未定义 / check function not defined", q.id));
                }
            }
        }
        for fm in &rules.forms {
            if let Outcome::Hook(f) = &fm.outcome {
                if !hooks.has(f, 1) {
                    let e = loaded.entities.iter().find(|e| e.kind == "form" && e.key == fm.name);
                    let loc = e.map(|e| e.field_loc("outcome").clone()).unwrap_or_default();
                    d.error("hook.unknown_function", &loc, format!("测评表 \"{}\" 的 outcome 函数 {f}(result) 未定义 / outcome function not defined", fm.name));
                }
            }
        }
        let matchers = rules.materials.iter().map(material::Matcher::new).collect();
        let mut diagnostics = d.list;
        diagnostics.sort_by(|a, b| {
            let fa = loaded.files.iter().position(|f| *f == a.location.file);
            let fb = loaded.files.iter().position(|f| *f == b.location.file);
            (fa, a.location.line, a.location.col).cmp(&(fb, b.location.line, b.location.col))
        });
        RuleSet { rules, diagnostics, files: loaded.files, hooks, matchers, parent, sources: loaded.sources, limits: *limits }
    }

    /// Every diagnostic, errors and warnings, in file order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }

    /// The typed rules after inheritance.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// The parent chain's rules alone (what this file inherits), if it has a parent.
    pub fn parent_rules(&self) -> Option<&Rules> {
        self.parent.as_ref()
    }

    /// Files of the chain, root first.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// Source texts of the chain, root first.
    pub fn sources(&self) -> &[(String, String)] {
        &self.sources
    }

    /// Schedule for a unit type; `on` gives statuses; `done` names finished steps.
    pub fn schedule(&self, unit: &str, on: Option<NaiveDate>, done: &[String]) -> Result<Schedule, EvalError> {
        schedule::schedule(&self.rules, unit, on, done)
    }

    /// A member's checklist.
    pub fn checklist(&self, profile: &Profile, on: Option<NaiveDate>) -> Result<Checklist, EvalError> {
        checklist::checklist(&self.rules, &self.hooks, profile, on)
    }

    /// Checks a draft of the given material kind for a role.
    pub fn check_material(&self, kind: &str, role: &str, text: &str) -> Result<MaterialReport, EvalError> {
        material::check(&self.rules, &self.matchers, kind, role, text)
    }

    /// A scorer for the named form (default: the first form).
    pub fn scorer(&self, form: Option<&str>) -> Result<Scorer<'_>, EvalError> {
        let f = match form {
            Some(n) => self.rules.forms.iter().find(|f| f.name == n),
            None => self.rules.forms.first(),
        };
        match f {
            Some(f) => {
                let recipe = hooks::HookRecipe { sources: &self.sources, limits: self.limits, file: self.files.last().map(String::as_str).unwrap_or("") };
                Ok(Scorer::new(f, &self.hooks, Some(recipe)))
            }
            None => {
                let known: Vec<_> = self.rules.forms.iter().map(|f| f.name.as_str()).collect();
                Err(EvalError::new("form.unknown", format!("规则中没有测评表 {};可选: {} / no such form", form.unwrap_or(""), known.join("、"))))
            }
        }
    }

    /// A counter for the named vote (default: the first vote).
    pub fn vote_counter(&self, vote: Option<&str>) -> Result<VoteCounter<'_>, EvalError> {
        let v = match vote {
            Some(n) => self.rules.votes.iter().find(|v| v.name == n),
            None => self.rules.votes.first(),
        };
        match v {
            Some(v) => Ok(VoteCounter::new(v)),
            None => {
                let known: Vec<_> = self.rules.votes.iter().map(|v| v.name.as_str()).collect();
                Err(EvalError::new("vote.unknown", format!("规则中没有测评 {};可选: {} / no such vote", vote.unwrap_or(""), known.join("、"))))
            }
        }
    }
}

/// Parses a `YYYY-MM-DD` date (for callers that take dates as text).
pub fn parse_day(s: &str) -> Result<NaiveDate, EvalError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| EvalError::new("date.invalid", format!("日期 \"{s}\" 无效,应写作 YYYY-MM-DD / invalid date")))
}

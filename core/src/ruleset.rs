//! A loaded, validated rule set: the one handle every caller (CLI, browser,
//! in-file tests) evaluates against. Loading runs the chain once, builds the
//! typed rules, checks custom functions, and keeps what evaluation needs.

use crate::diag::{Diagnostic, Diags, Severity};
use crate::error::EvalError;
use crate::eval::checklist::Checklist;
use crate::eval::hooks::{self, Hooks};
use crate::eval::material::MaterialReport;
use crate::eval::profile::Profile;
use crate::eval::schedule::Schedule;
use crate::eval::score::Scorer;
use crate::eval::vote::VoteCounter;
use crate::eval::{checklist, material, schedule};
#[cfg(feature = "script")]
use crate::load;
use crate::load::compiled;
#[cfg(feature = "script")]
use crate::model::Outcome;
use crate::model::{self, Rules};
use crate::sandbox::Limits;
use crate::source::RuleSource;
use chrono::NaiveDate;

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
    origin_gaps: Vec<Diagnostic>,
    /// The merged declarations (what `compile` writes).
    #[cfg_attr(not(feature = "script"), allow(dead_code))]
    entities: Vec<crate::load::entity::Entity>,
    /// The chain defines custom functions.
    functions: bool,
}

/// Every `check` and `outcome` function the rules name must be defined with
/// one parameter; with `dry_run`, each is also run once on a sample record.
#[cfg(feature = "script")]
fn check_functions(rules: &Rules, hooks: &Hooks, entities: &[crate::load::entity::Entity], dry_run: bool, d: &mut Diags) {
    for q in &rules.requirements {
        let Some(f) = &q.check else { continue };
        if !hooks.has(f, 1) {
            d.error("hook.unknown_function", &q.loc, format!("要求 \"{}\" 的 check 函数 {f}(profile) 未定义 / check function not defined", q.id));
        } else if dry_run {
            if let Err(e) = hooks.dry_run_check(f, rules, &q.loc) {
                d.error(e.code, e.location.as_ref().unwrap_or(&q.loc), e.message);
            }
        }
    }
    for fm in &rules.forms {
        let Outcome::Hook(f) = &fm.outcome else { continue };
        if !hooks.has(f, 1) {
            let e = entities.iter().find(|e| e.kind == "form" && e.key == fm.name);
            let loc = e.map(|e| e.field_loc("outcome").clone()).unwrap_or_default();
            d.error(
                "hook.unknown_function",
                &loc,
                format!("测评表 \"{}\" 的 outcome 函数 {f}(result) 未定义 / outcome function not defined", fm.name),
            );
        } else if dry_run {
            if let Err(e) = hooks.dry_run_outcome(f, crate::eval::score::record::sample_outcome(fm), &fm.loc) {
                d.error(e.code, e.location.as_ref().unwrap_or(&fm.loc), e.message);
            }
        }
    }
}

#[cfg(feature = "script")]
fn no_hooks(limits: &Limits) -> Hooks {
    Hooks::new(rhai::AST::empty(), limits, "", vec![])
}

#[cfg(not(feature = "script"))]
fn no_hooks(_limits: &Limits) -> Hooks {
    Hooks::default()
}

impl RuleSet {
    /// Loads `entry` (and its parents) from `source` with the default limits.
    /// Always returns a rule set; check [`RuleSet::has_errors`].
    pub fn load(entry: &str, source: &dyn RuleSource) -> RuleSet {
        Self::load_with_limits(entry, source, &Limits::default())
    }

    /// Loads with explicit sandbox limits. `entry` may be a rule script
    /// (`.rhai`, with its parents) or a compiled bundle (`xianjiao compile`).
    pub fn load_with_limits(entry: &str, source: &dyn RuleSource, limits: &Limits) -> RuleSet {
        if let Ok(text) = source.load(entry) {
            if compiled::is_compiled(&text) {
                return Self::from_compiled(entry, &text, limits);
            }
        }
        Self::load_script(entry, source, limits)
    }

    #[cfg(not(feature = "script"))]
    fn load_script(entry: &str, _source: &dyn RuleSource, limits: &Limits) -> RuleSet {
        let mut d = Diags::default();
        d.error("engine.needs_script", &crate::diag::Location { file: entry.to_string(), line: 1, col: 1 },
            format!("{entry} 是规则脚本,本引擎只读编译后的规则(xianjiao compile);请改用完整引擎 / {entry} is a rule script: this build reads compiled rules only, use the full engine"));
        Self::from_entities(vec![entry.to_string()], vec![], d, limits, false)
    }

    #[cfg(feature = "script")]
    fn load_script(entry: &str, source: &dyn RuleSource, limits: &Limits) -> RuleSet {
        let mut d = Diags::default();
        let loaded = load::load(entry, source, limits, &mut d);
        let rules = model::build(&loaded.entities, &mut d);
        let mut gaps = Diags::default();
        let own = loaded.files.last().cloned().unwrap_or_default();
        model::missing_origin(loaded.entities.iter().filter(|e| e.loc.file == own), &mut gaps);
        for (at, call) in &loaded.unsourced {
            gaps.warning(
                "origin.missing",
                at,
                format!("{call} 没有注明出处:改动上级的规定,写 source: \"种子编号: 原文\" 或 local: \"本地设定: …\" / an amend or remove with no source: or local:"),
            );
        }
        let parent = loaded.parent_entities.as_ref().map(|e| model::build(e, &mut Diags::default()));
        let file = loaded.files.last().cloned().unwrap_or_default();
        let functions = loaded.functions.iter_functions().next().is_some();
        let hooks = Hooks::new(loaded.functions, limits, &file, loaded.fn_files);
        check_functions(&rules, &hooks, &loaded.entities, true, &mut d);
        let matchers = rules.materials.iter().map(material::Matcher::new).collect();
        let mut diagnostics = d.list;
        crate::sort::sort_by(&mut diagnostics, |a, b| {
            let fa = loaded.files.iter().position(|f| *f == a.location.file);
            let fb = loaded.files.iter().position(|f| *f == b.location.file);
            (fa, a.location.line, a.location.col).cmp(&(fb, b.location.line, b.location.col))
        });
        RuleSet {
            rules,
            diagnostics,
            files: loaded.files,
            hooks,
            matchers,
            parent,
            sources: loaded.sources,
            limits: *limits,
            origin_gaps: gaps.list,
            entities: loaded.entities,
            functions,
        }
    }

    /// Reads a compiled bundle: its declarations are data, built into rules
    /// by the same `model::build` as a script's. A bundle whose chain defines
    /// custom functions is loaded from the sources it carries when the script
    /// engine is here; without it, calling one of them is an error that says so.
    fn from_compiled(entry: &str, text: &str, limits: &Limits) -> RuleSet {
        let c = match compiled::read(text) {
            Ok(c) => c,
            Err(why) => {
                let mut d = Diags::default();
                d.error("compiled.invalid", &crate::diag::Location { file: entry.to_string(), line: 1, col: 1 }, why);
                return Self::from_entities(vec![entry.to_string()], vec![], d, limits, false);
            }
        };
        if !c.sources.is_empty() {
            // The declarations are data either way; the functions (each file's
            // text with all but its `fn` definitions blanked, at their own
            // lines) are compiled here as the scoring threads do.
            #[cfg(feature = "script")]
            {
                let mut rs = Self::from_entities(c.files, c.entities, Diags::default(), limits, true);
                let file = rs.files.last().cloned().unwrap_or_default();
                let budget = rs.hooks.begin_evaluation();
                rs.hooks = hooks::HookRecipe { sources: &c.sources, limits: *limits, file: &file }.build_with(&budget);
                rs.sources = c.sources;
                // Dry runs were done when it was compiled; that each named function exists is checked again.
                let mut d = Diags::default();
                check_functions(&rs.rules, &rs.hooks, &rs.entities, false, &mut d);
                rs.diagnostics.extend(d.list);
                return rs;
            }
            // Everything but the custom functions works from the data; a call
            // of one is the error `engine.needs_script`, on which the widget
            // loads the full engine (and only then).
            #[cfg(not(feature = "script"))]
            {
                #[cfg_attr(not(feature = "plans"), allow(unused_mut))]
                let mut rs = Self::from_entities(c.files, c.entities, Diags::default(), limits, true);
                #[cfg(feature = "plans")]
                {
                    rs.hooks = Hooks::with_plans(c.plans);
                }
                return rs;
            }
        }
        Self::from_entities(c.files, c.entities, Diags::default(), limits, false)
    }

    fn from_entities(files: Vec<String>, entities: Vec<crate::load::entity::Entity>, mut d: Diags, limits: &Limits, functions: bool) -> RuleSet {
        let rules = model::build(&entities, &mut d);
        let matchers = rules.materials.iter().map(material::Matcher::new).collect();
        RuleSet {
            rules,
            diagnostics: d.list,
            files,
            hooks: no_hooks(limits),
            matchers,
            parent: None,
            sources: vec![],
            limits: *limits,
            origin_gaps: vec![],
            entities,
            functions,
        }
    }

    /// The compiled bundle of this chain (`xianjiao compile`): its merged
    /// declarations as JSON, plus, when it defines custom functions, each
    /// file's function definitions (the rest of the text blanked, so lines and
    /// columns stay). If the definitions cut out do not compile to exactly the
    /// chain's functions, the whole texts are written instead.
    #[cfg(feature = "script")]
    pub fn compile(&self) -> Result<String, Diagnostic> {
        if let Some(e) = self.diagnostics.iter().find(|d| d.severity == Severity::Error) {
            return Err(e.clone());
        }
        let mut sources: Vec<(String, String)> = vec![];
        if self.functions {
            let engine = crate::sandbox::engine(&self.limits);
            let fns = |t: &str| -> Option<Vec<(String, usize)>> {
                let mut v: Vec<(String, usize)> = engine.compile(t).ok()?.iter_functions().map(|f| (f.name.to_string(), f.params.len())).collect();
                v.sort();
                Some(v)
            };
            for (name, text) in &self.sources {
                let Some(cut) = compiled::functions_only(text) else { continue };
                let whole = fns(text);
                let same = whole.is_some() && whole == fns(&cut);
                sources.push((name.clone(), if same { cut } else { text.clone() }));
            }
        }
        // Each outcome function simple enough for a native plan carries it, for the script-free office build.
        let plans = self
            .rules
            .forms
            .iter()
            .filter_map(|f| match &f.outcome {
                Outcome::Hook(name) => Some((name.clone(), crate::eval::score::plan::Plan::of(self.hooks.ast(), name)?)),
                _ => None,
            })
            .collect();
        compiled::write(&self.files, &self.entities, &sources, &plans)
            .map_err(|(at, why)| Diagnostic::new("compile.value", Severity::Error, &at, why))
    }

    /// True when the chain defines custom functions (which need the script engine).
    pub fn has_functions(&self) -> bool {
        self.functions
    }

    /// True when this build cannot run a function the rules call: without the script
    /// engine, a requirement's `check` function or an outcome function the compiled
    /// bundle carries no native plan for (a rule script cannot be read at all: that is
    /// the load error `engine.needs_script`). A front end then loads the engine with
    /// Rhai before it evaluates anything. (A plan can still give up on an unusual
    /// record; that call is the error `engine.needs_script`.) Always false with Rhai.
    pub fn needs_script(&self) -> bool {
        #[cfg(feature = "script")]
        return false;
        #[cfg(not(feature = "script"))]
        return self.functions
            && (self.rules.requirements.iter().any(|q| q.check.is_some())
                || self.rules.forms.iter().any(|f| matches!(&f.outcome, crate::model::Outcome::Hook(n) if self.hooks.plan(n).is_none())));
    }

    /// Warnings for the entry file's declarations that say neither `source:`
    /// nor `local:` (`xianjiao check --strict`).
    pub fn origin_gaps(&self) -> &[Diagnostic] {
        &self.origin_gaps
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

    /// The merged declarations, each with where it and each of its fields were last written.
    pub(crate) fn entities(&self) -> &[crate::load::entity::Entity] {
        &self.entities
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
        schedule::schedule(&self.rules, unit, None, on, done)
    }

    /// Schedule for a unit type in a given batch (批次); `None` takes the
    /// batch the entry file names, if any.
    pub fn schedule_in(&self, unit: &str, batch: Option<&str>, on: Option<NaiveDate>, done: &[String]) -> Result<Schedule, EvalError> {
        schedule::schedule(&self.rules, unit, batch, on, done)
    }

    /// A member's checklist.
    pub fn checklist(&self, profile: &Profile, on: Option<NaiveDate>) -> Result<Checklist, EvalError> {
        checklist::checklist(&self.rules, &self.hooks, profile, on)
    }

    /// Checks a draft of the given material kind for a role.
    pub fn check_material(&self, kind: &str, role: &str, text: &str) -> Result<MaterialReport, EvalError> {
        material::check(&self.rules, &self.matchers, kind, role, text)
    }

    /// A scorer for the named form (default: the first form). Rules that declare no form
    /// (000, 001, 004 give none, and none is invented) get `form.unknown` saying so.
    pub fn scorer(&self, form: Option<&str>) -> Result<Scorer<'_>, EvalError> {
        let f = match form {
            Some(n) => self.rules.forms.iter().find(|f| f.name == n),
            None => self.rules.forms.first(),
        };
        match f {
            Some(f) => {
                let recipe =
                    hooks::HookRecipe { sources: &self.sources, limits: self.limits, file: self.files.last().map(String::as_str).unwrap_or("") };
                Ok(Scorer::new(f, &self.hooks, Some(recipe)))
            }
            None if self.rules.forms.is_empty() => Err(EvalError::new(
                "form.unknown",
                "规则中没有测评表(form 声明):测评得分和结论需要测评表 / the rules declare no appraisal form".into(),
            )),
            None => {
                let known: Vec<_> = self.rules.forms.iter().map(|f| f.name.as_str()).collect();
                Err(EvalError::new("form.unknown", format!("规则中没有测评表 {};可选: {} / no such form", form.unwrap_or(""), known.join("、"))))
            }
        }
    }

    /// The unit table of a level (`level`: its name) from units and lower levels' tables, on a day;
    /// `oversight` maps unit names to their 督导组 where the rules do not say.
    pub fn unit_table(
        &self,
        level: &str,
        inputs: &[crate::eval::units::UnitInput],
        on: Option<NaiveDate>,
        oversight: &std::collections::BTreeMap<String, String>,
    ) -> crate::eval::units::UnitTable {
        crate::eval::units::unit_table(&self.rules, &self.hooks, level, inputs, on, oversight)
    }

    /// A unit's members and the status of each requirement on a day (the unit table's drill-down);
    /// `names` aligned with the record's members (from [`crate::Gathered`]).
    pub fn unit_members(
        &self,
        unit: &crate::eval::units::UnitRecord,
        names: &[Option<String>],
        on: Option<NaiveDate>,
    ) -> Vec<crate::eval::units::MemberLine> {
        crate::eval::units::unit_members(&self.rules, &self.hooks, unit, names, on)
    }

    /// A counter for the named knowledge test (default: the first one).
    pub fn exam_counter(&self, exam: Option<&str>) -> Result<crate::eval::exam::ExamCounter<'_>, EvalError> {
        let e = match exam {
            Some(n) => self.rules.exams.iter().find(|x| x.name == n),
            None => self.rules.exams.first(),
        };
        e.map(crate::eval::exam::ExamCounter::new).ok_or_else(|| {
            let known: Vec<_> = self.rules.exams.iter().map(|x| x.name.as_str()).collect();
            EvalError::new("exam.unknown", format!("规则中没有测试 {};可选: {} / no such test", exam.unwrap_or(""), known.join("、")))
        })
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

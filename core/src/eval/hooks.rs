//! Custom functions a rule file defines (`fn ...`), called at evaluation time.
//! This is the only place evaluation touches Rhai, and it happens only for
//! rules that name a custom function: standard rules are plain data.
//!
//! Each call runs under the per-call limits of [`Limits`]; all the calls of
//! one evaluation (one checklist, one scoring run, the dry runs of one load)
//! share a total operation [`Budget`], counted across threads.

use crate::diag::Location;
use crate::error::EvalError;
use crate::eval::profile::Profile;
use crate::model::Rules;
use crate::sandbox::{self, Limits};
use rhai::{Array, CallFnOptions, Dynamic, Engine, EvalAltResult, Map, Scope, AST};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The operations all custom-function calls of one evaluation may use
/// together. Clones share the count, so the engines of several threads
/// draw on one budget.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    used: Arc<AtomicU64>,
    limit: u64,
}

impl Budget {
    fn new(limit: u64) -> Self {
        Budget { used: Arc::new(AtomicU64::new(0)), limit }
    }

    /// Operations used so far.
    pub(crate) fn used(&self) -> u64 {
        self.used.load(Ordering::Relaxed)
    }

    fn exceeded_with(&self, more: u64) -> bool {
        self.limit > 0 && self.used().saturating_add(more) > self.limit
    }
}

/// How often (in operations) a long call looks at the shared budget.
const BUDGET_CHECK_EVERY: u64 = 4096;

/// What an engine's progress callback shares with its [`Hooks`].
#[derive(Debug)]
struct Meter {
    budget: RefCell<Budget>,
    /// Operations of the call in progress.
    ops: Cell<u64>,
}

/// The functions of a rule chain, with a sandboxed engine to run them.
pub(crate) struct Hooks {
    engine: Engine,
    ast: AST,
    file: String,
    /// The file that defines each function (a child's definition wins), so an
    /// error inside a parent's function names the parent file.
    fn_files: Vec<(String, String)>,
    meter: Rc<Meter>,
    /// Functions already dry-run (each is tried once per load).
    tried: RefCell<Vec<String>>,
}

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Hooks({} functions)", self.ast.iter_functions().count())
    }
}

pub(crate) use crate::load::entity::json_to_dynamic;

/// What it takes to build a rule chain's hooks again on another thread:
/// the source texts (plain, shareable data), recompiled there.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HookRecipe<'a> {
    pub sources: &'a [(String, String)],
    pub limits: Limits,
    pub file: &'a str,
}

impl HookRecipe<'_> {
    /// Builds the hooks on this thread, drawing on `budget` (shared with the
    /// other threads of the same evaluation).
    pub(crate) fn build_with(&self, budget: &Budget) -> Hooks {
        let engine = sandbox::engine(&self.limits);
        let mut ast = AST::empty();
        let mut fn_files = vec![];
        for (name, text) in self.sources {
            if let Ok(a) = engine.compile(text) {
                fn_files.extend(a.iter_functions().map(|f| (f.name.to_string(), name.clone())));
                ast = ast.merge(&a.clone_functions_only());
            }
        }
        let mut h = Hooks::with_engine(engine, ast, budget.clone(), self.file);
        h.fn_files = fn_files;
        h
    }
}

impl Hooks {
    pub(crate) fn new(ast: AST, limits: &Limits, file: &str, fn_files: Vec<(String, String)>) -> Self {
        let mut h = Self::with_engine(sandbox::engine(limits), ast, Budget::new(limits.max_total_operations), file);
        h.fn_files = fn_files;
        h
    }

    /// The file that defines function `name` (the last definition in the chain).
    fn file_of(&self, name: &str) -> &str {
        self.fn_files.iter().rev().find(|(f, _)| f == name).map_or(self.file.as_str(), |(_, file)| file.as_str())
    }

    fn with_engine(mut engine: Engine, ast: AST, budget: Budget, file: &str) -> Self {
        let meter = Rc::new(Meter { budget: RefCell::new(budget), ops: Cell::new(0) });
        let m = meter.clone();
        engine.on_progress(move |ops| {
            m.ops.set(ops);
            if ops % BUDGET_CHECK_EVERY != 0 {
                return None;
            }
            match m.budget.try_borrow() {
                Ok(b) if b.exceeded_with(ops) => Some(Dynamic::UNIT),
                _ => None,
            }
        });
        Hooks { engine, ast, file: file.to_string(), fn_files: vec![], meter, tried: RefCell::new(Vec::new()) }
    }

    /// Starts an evaluation: a fresh total budget for every call until the
    /// next one. Returns it so that engines on other threads can share it
    /// ([`HookRecipe::build_with`]).
    pub(crate) fn begin_evaluation(&self) -> Budget {
        let fresh = match self.meter.budget.try_borrow() {
            Ok(b) => Budget::new(b.limit),
            Err(_) => Budget::new(Limits::default().max_total_operations),
        };
        if let Ok(mut b) = self.meter.budget.try_borrow_mut() {
            *b = fresh.clone();
        }
        fresh
    }

    fn budget(&self) -> Budget {
        match self.meter.budget.try_borrow() {
            Ok(b) => b.clone(),
            Err(_) => Budget::new(Limits::default().max_total_operations),
        }
    }

    /// The outcome function `name` as a native plan, when it is simple enough.
    /// The script's syntax tree, which `score::plan` translates.
    pub(crate) fn ast(&self) -> &AST {
        &self.ast
    }

    /// True when the rule files define `name` taking `arity` parameters.
    pub(crate) fn has(&self, name: &str, arity: usize) -> bool {
        self.ast.iter_functions().any(|f| f.name == name && f.params.len() == arity)
    }

    fn budget_error(&self, name: &str, budget: &Budget, location: Location) -> EvalError {
        EvalError {
            code: "limit.total_operations",
            message: format!(
                "自定义函数的运算总量超过一次计算的上限 {} 次,在函数 {name} 中停止:请简化该函数(减少循环),或分批计算 / custom functions used more than {} operations in this evaluation (stopped in {name}): simplify the function or evaluate in smaller batches",
                budget.limit, budget.limit
            ),
            location: Some(location),
        }
    }

    /// Calls a custom function with one argument.
    /// `at` is where the rules name the function, used when Rhai gives no position.
    pub(crate) fn call(&self, name: &str, arg: Dynamic, at: &Location) -> Result<Dynamic, EvalError> {
        // Borrowed, not cloned: engines on other threads share the budget, and
        // a clone per call would make every call bump one shared count.
        let own;
        let held = self.meter.budget.try_borrow();
        let budget: &Budget = match &held {
            Ok(b) => b,
            Err(_) => {
                own = self.budget();
                &own
            }
        };
        if budget.exceeded_with(0) {
            return Err(self.budget_error(name, budget, at.clone()));
        }
        self.meter.ops.set(0);
        // The AST holds functions only, so there is nothing to evaluate before the call.
        let opts = CallFnOptions::new().eval_ast(false).rewind_scope(false);
        let result = self.engine.call_fn_with_options::<Dynamic>(opts, &mut Scope::new(), &self.ast, name, (arg,));
        budget.used.fetch_add(self.meter.ops.get(), Ordering::Relaxed);
        let locate = |e: &EvalAltResult| {
            let file = self.file_of(sandbox::error_function(e).unwrap_or(name));
            Some(Location::new(file, sandbox::error_position(e))).filter(|l| l.line > 0).unwrap_or_else(|| at.clone())
        };
        match result {
            Ok(_) if budget.exceeded_with(0) => Err(self.budget_error(name, budget, at.clone())),
            Ok(v) => Ok(v),
            Err(e) if sandbox::error_code(&e) == "limit.total_operations" => Err(self.budget_error(name, budget, locate(&e))),
            Err(e) => Err(EvalError {
                code: sandbox::error_code(&e),
                message: format!("自定义函数 {name} 出错 / custom function {name} failed: {}", sandbox::error_message(&e)),
                location: Some(locate(&e)),
            }),
        }
    }

    /// Runs a custom function once on a sample record, at load time, so that
    /// a misspelt field or a comparison of mismatched types is reported
    /// before anything is evaluated. Shares the load's budget.
    pub(crate) fn dry_run(&self, name: &str, sample: Dynamic, at: &Location) -> Result<Dynamic, EvalError> {
        self.call(name, sample, at).map_err(|mut e| {
            e.message = format!("试运行(样例记录):{}", e.message.replacen(" / ", " / dry run on a sample record: ", 1));
            e
        })
    }

    /// Whether `name` still needs a dry run (each function is tried once).
    fn first_try(&self, name: &str) -> bool {
        match self.tried.try_borrow_mut() {
            Ok(mut t) if !t.iter().any(|x| x == name) => {
                t.push(name.to_string());
                true
            }
            _ => false,
        }
    }

    /// Dry-runs a requirement's `check` function on [`sample_profile`]: it
    /// must run and return true or false.
    pub(crate) fn dry_run_check(&self, name: &str, rules: &Rules, at: &Location) -> Result<(), EvalError> {
        if !self.first_try(name) {
            return Ok(());
        }
        let v = self.dry_run(name, sample_profile(rules), at)?;
        check_result(name, v).map(|_| ()).map_err(|e| EvalError { location: Some(at.clone()), ..e })
    }

    /// Dry-runs a form's `outcome` function on `sample` (the record of
    /// `score::record::sample_outcome`): it must run and return a string or `()`.
    pub(crate) fn dry_run_outcome(&self, name: &str, sample: Dynamic, at: &Location) -> Result<(), EvalError> {
        if !self.first_try(name) {
            return Ok(());
        }
        let v = self.dry_run(name, sample, at)?;
        if v.is_unit() || v.is_string() {
            Ok(())
        } else {
            Err(EvalError {
                code: "hook.return_type",
                message: format!(
                    "试运行时自定义函数 {name} 应返回字符串结论(或 ()),实际返回 {} / outcome function must return a string",
                    v.type_name()
                ),
                location: Some(at.clone()),
            })
        }
    }

    pub(crate) fn profile_map(p: &Profile) -> Dynamic {
        let mut m = Map::new();
        m.insert("role".into(), Dynamic::from(p.role.clone()));
        m.insert("unit".into(), p.unit.clone().map(Dynamic::from).unwrap_or(Dynamic::UNIT));
        m.insert("conditions".into(), Dynamic::from(p.conditions.iter().cloned().map(Dynamic::from).collect::<Array>()));
        m.insert("progress".into(), json_to_dynamic(&serde_json::Value::Object(p.progress.clone())));
        Dynamic::from_map(m)
    }

    /// Runs a requirement's `check` function: it must return true or false.
    pub(crate) fn check(&self, name: &str, p: &Profile, at: &Location) -> Result<bool, EvalError> {
        check_result(name, self.call(name, Self::profile_map(p), at)?)
    }
}

fn check_result(name: &str, v: Dynamic) -> Result<bool, EvalError> {
    v.as_bool().map_err(|t| {
        EvalError::new("hook.return_type", format!("自定义函数 {name} 应返回 true 或 false,实际返回 {t} / check function must return a bool"))
    })
}

/// A member profile of the shape `check` functions receive
/// ([`Hooks::profile_map`]), for dry runs: the first role, the first unit
/// type, no conditions, and progress on every requirement — its `min` when
/// it has one, else true.
pub(crate) fn sample_profile(rules: &Rules) -> Dynamic {
    let mut progress = serde_json::Map::new();
    for q in &rules.requirements {
        let v = match q.min {
            Some(m) if m.fract() == 0.0 && m.abs() < 1e15 => serde_json::Value::from(m as i64),
            Some(m) => serde_json::Value::from(m),
            None => serde_json::Value::Bool(true),
        };
        progress.insert(q.id.clone(), v);
    }
    let p = Profile {
        role: rules.roles.first().map(|r| r.name.clone()).unwrap_or_default(),
        unit: rules.units.first().map(|u| u.name.clone()),
        conditions: vec![],
        progress,
        ..Default::default()
    };
    Hooks::profile_map(&p)
}

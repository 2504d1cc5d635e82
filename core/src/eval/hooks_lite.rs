//! Custom functions in a build without the script engine (the member
//! widget's first download, `--no-default-features`): rules loaded here come
//! from a compiled bundle without functions, so there is never anything to
//! call. Same interface as `hooks.rs`; a call is an error that says which
//! build can run it, never a guess.

use crate::diag::Location;
use crate::error::EvalError;
use crate::eval::profile::Profile;
use crate::eval::score::plan::Plan;
use crate::sandbox::Limits;
use rhai::Dynamic;

/// The operation budget of one evaluation (nothing to count here).
#[derive(Debug, Clone, Default)]
pub(crate) struct Budget;

/// No functions to call; with the feature `plans`, the native plans a compiled bundle carries
/// for simple outcome functions (checked with [`Plan::sound`] when read).
#[derive(Debug, Default)]
pub(crate) struct Hooks {
    #[cfg(feature = "plans")]
    plans: std::collections::BTreeMap<String, Plan>,
}

/// What it takes to build hooks on another thread (nothing, here).
#[derive(Debug, Clone, Copy)]
#[allow(dead_code)]
pub(crate) struct HookRecipe<'a> {
    pub sources: &'a [(String, String)],
    pub limits: Limits,
    pub file: &'a str,
}

impl HookRecipe<'_> {
    pub(crate) fn build_with(&self, _budget: &Budget) -> Hooks {
        Hooks::default()
    }
}

fn unavailable(name: &str, at: &Location) -> EvalError {
    EvalError {
        code: "engine.needs_script",
        message: format!(
            "自定义函数 {name} 需要完整引擎(含脚本解释器)才能运行 / custom function {name} needs the full engine with the script interpreter"
        ),
        location: Some(at.clone()),
    }
}

impl Hooks {
    /// The hooks of a compiled bundle: its plans that are sound (the others are left out, and
    /// calling their functions is `engine.needs_script`, as without plans).
    #[cfg(feature = "plans")]
    pub(crate) fn with_plans(plans: std::collections::BTreeMap<String, Plan>) -> Hooks {
        Hooks { plans: plans.into_iter().filter(|(_, p)| p.sound()).collect() }
    }

    /// The native plan of the outcome function `name`, when the bundle carries a sound one.
    pub(crate) fn plan(&self, name: &str) -> Option<Plan> {
        #[cfg(feature = "plans")]
        return self.plans.get(name).cloned();
        #[cfg(not(feature = "plans"))]
        {
            let _ = name;
            None
        }
    }

    pub(crate) fn begin_evaluation(&self) -> Budget {
        Budget
    }

    pub(crate) fn call(&self, name: &str, _arg: Dynamic, at: &Location) -> Result<Dynamic, EvalError> {
        Err(unavailable(name, at))
    }

    pub(crate) fn check(&self, name: &str, _p: &Profile, at: &Location) -> Result<bool, EvalError> {
        Err(unavailable(name, at))
    }
}

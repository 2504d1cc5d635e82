//! Custom functions a rule file defines (`fn ...`), called at evaluation time.
//! This is the only place evaluation touches Rhai, and it happens only for
//! rules that name a custom function: standard rules are plain data.

use crate::profile::Profile;
use crate::diag::Location;
use crate::sandbox::{self, Limits};
use crate::EvalError;
use rhai::{Array, CallFnOptions, Dynamic, Engine, Map, Scope, AST};

/// The functions of a rule chain, with a sandboxed engine to run them.
pub(crate) struct Hooks {
    engine: Engine,
    ast: AST,
    file: String,
}

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Hooks({} functions)", self.ast.iter_functions().count())
    }
}

pub(crate) fn json_to_dynamic(v: &serde_json::Value) -> Dynamic {
    use serde_json::Value as V;
    match v {
        V::Null => Dynamic::UNIT,
        V::Bool(b) => Dynamic::from_bool(*b),
        V::Number(n) => match n.as_i64() { Some(i) => Dynamic::from_int(i), None => Dynamic::from_float(n.as_f64().unwrap_or(0.0)) },
        V::String(s) => s.as_str().into(),
        V::Array(a) => Dynamic::from_array(a.iter().map(json_to_dynamic).collect::<Array>()),
        V::Object(o) => Dynamic::from_map(o.iter().map(|(k, v)| (k.as_str().into(), json_to_dynamic(v))).collect::<Map>()),
    }
}

pub(crate) fn dynamic_to_json(v: &Dynamic) -> serde_json::Value {
    use serde_json::Value as V;
    if v.is_unit() { return V::Null; }
    if let Ok(b) = v.as_bool() { return V::Bool(b); }
    if let Ok(i) = v.as_int() { return V::from(i); }
    if let Ok(f) = v.as_float() { return V::from(f); }
    if v.is_string() { return V::String(v.clone().into_string().unwrap_or_default()); }
    if let Ok(a) = v.clone().into_array() { return V::Array(a.iter().map(dynamic_to_json).collect()); }
    if let Some(m) = v.clone().try_cast::<Map>() { return V::Object(m.iter().map(|(k, v)| (k.to_string(), dynamic_to_json(v))).collect()); }
    V::String(v.to_string())
}

/// What it takes to build a rule chain's hooks again on another thread:
/// the source texts (plain, shareable data), recompiled there.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HookRecipe<'a> {
    pub sources: &'a [(String, String)],
    pub limits: Limits,
    pub file: &'a str,
}

impl HookRecipe<'_> {
    pub(crate) fn build(&self) -> Hooks {
        let engine = sandbox::engine(&self.limits);
        let mut ast = AST::empty();
        for (_, text) in self.sources {
            if let Ok(a) = engine.compile(text) {
                ast = ast.merge(&a.clone_functions_only());
            }
        }
        Hooks { engine, ast, file: self.file.to_string() }
    }
}

impl Hooks {
    pub(crate) fn new(ast: AST, limits: &Limits, file: &str) -> Self {
        Hooks { engine: sandbox::engine(limits), ast, file: file.to_string() }
    }

    /// True when the rule files define `name` taking `arity` parameters.
    pub(crate) fn has(&self, name: &str, arity: usize) -> bool {
        self.ast.iter_functions().any(|f| f.name == name && f.params.len() == arity)
    }

    /// Calls a custom function with one argument.
    /// `at` is where the rules name the function, used when Rhai gives no position.
    pub(crate) fn call(&self, name: &str, arg: Dynamic, at: &Location) -> Result<Dynamic, EvalError> {
        // The AST holds functions only, so there is nothing to evaluate before the call.
        let opts = CallFnOptions::new().eval_ast(false).rewind_scope(false);
        self.engine.call_fn_with_options::<Dynamic>(opts, &mut Scope::new(), &self.ast, name, (arg,)).map_err(|e| {
            let pos = sandbox::error_position(&e);
            EvalError {
                code: sandbox::error_code(&e),
                message: format!("自定义函数 {name} 出错 / custom function {name} failed: {}", sandbox::error_message(&e)),
                location: Some(Location::new(&self.file, pos)).filter(|l| l.line > 0).or_else(|| Some(at.clone())),
            }
        })
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
        let v = self.call(name, Self::profile_map(p), at)?;
        v.as_bool().map_err(|t| EvalError::new("hook.return_type", format!("自定义函数 {name} 应返回 true 或 false,实际返回 {t} / check function must return a bool")))
    }
}

//! The Rhai engine every rule file runs in, and its limits. This module is the
//! only place that decides what a rule script may do.
//!
//! Rule files are untrusted code: the engine is built with `Engine::new_raw`
//! plus only the packages rule files need, `eval` is disabled, `print`/`debug`
//! go nowhere, there is no module loading (`no_module`) and no clock
//! (`no_time`). Every script runs under the limits below, so a runaway loop or
//! recursion ends with an error instead of hanging a page.

use rhai::packages::{BasicArrayPackage, BasicIteratorPackage, BasicMapPackage, BasicStringPackage, LanguageCorePackage, Package};
use rhai::Engine;

/// The limits a rule script runs under. These are engine safety limits, not
/// locality rules.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Maximum number of Rhai operations for one script run or hook call.
    pub max_operations: u64,
    /// Maximum function call nesting.
    pub max_call_levels: usize,
    /// Maximum expression nesting (global, inside functions).
    pub max_expr_depth: (usize, usize),
    /// Maximum length of a string, in bytes.
    pub max_string_size: usize,
    /// Maximum number of items in an array.
    pub max_array_size: usize,
    /// Maximum number of entries in an object map.
    pub max_map_size: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_operations: 1_000_000,
            max_call_levels: 24,
            max_expr_depth: (64, 32),
            max_string_size: 256 * 1024,
            max_array_size: 20_000,
            max_map_size: 20_000,
        }
    }
}

/// A fresh sandboxed engine with the given limits (no rule functions registered yet).
pub(crate) fn engine(limits: &Limits) -> Engine {
    let mut e = Engine::new_raw();
    LanguageCorePackage::new().register_into_engine(&mut e);
    BasicStringPackage::new().register_into_engine(&mut e);
    BasicArrayPackage::new().register_into_engine(&mut e);
    BasicMapPackage::new().register_into_engine(&mut e);
    BasicIteratorPackage::new().register_into_engine(&mut e);
    // Arithmetic, comparison and string operators on the standard types are
    // built into Rhai; rule files get these few helpers on top (the full
    // arithmetic and string packages would double the browser download).
    e.register_fn("min", |a: i64, b: i64| a.min(b));
    e.register_fn("max", |a: i64, b: i64| a.max(b));
    e.register_fn("min", |a: f64, b: f64| a.min(b));
    e.register_fn("max", |a: f64, b: f64| a.max(b));
    e.register_fn("abs", |a: i64| a.abs());
    e.register_fn("abs", |a: f64| a.abs());
    e.register_fn("round", |a: f64| a.round());
    e.register_fn("floor", |a: f64| a.floor());
    e.register_fn("to_float", |a: i64| a as f64);
    e.register_fn("len", |s: &str| s.chars().count() as i64);
    e.register_fn("contains", |s: &str, part: &str| s.contains(part));
    e.register_fn("starts_with", |s: &str, part: &str| s.starts_with(part));
    e.disable_symbol("eval");
    e.on_print(|_| {});
    e.on_debug(|_, _, _| {});
    e.set_max_operations(limits.max_operations);
    e.set_max_call_levels(limits.max_call_levels);
    e.set_max_expr_depths(limits.max_expr_depth.0, limits.max_expr_depth.1);
    e.set_max_string_size(limits.max_string_size);
    e.set_max_array_size(limits.max_array_size);
    e.set_max_map_size(limits.max_map_size);
    e.set_strict_variables(true);
    e
}

/// Maps a Rhai error to a diagnostic code.
pub(crate) fn error_code(err: &rhai::EvalAltResult) -> &'static str {
    use rhai::EvalAltResult as E;
    match err {
        E::ErrorTooManyOperations(_) => "limit.operations",
        E::ErrorStackOverflow(_) => "limit.call_depth",
        E::ErrorDataTooLarge(..) => "limit.size",
        E::ErrorFunctionNotFound(..) => "script.unknown_function",
        E::ErrorVariableNotFound(..) => "script.unknown_variable",
        E::ErrorInFunctionCall(_, _, inner, _) => error_code(inner),
        E::ErrorParsing(kind, _) => parse_code(kind),
        _ => "script.runtime",
    }
}

pub(crate) fn parse_code(kind: &rhai::ParseErrorType) -> &'static str {
    match kind {
        rhai::ParseErrorType::ExprTooDeep => "limit.expr_depth",
        rhai::ParseErrorType::LiteralTooLarge(..) => "limit.size",
        _ => "parse",
    }
}

/// The innermost position of an error (inside the function where it happened).
pub(crate) fn error_position(err: &rhai::EvalAltResult) -> rhai::Position {
    use rhai::EvalAltResult as E;
    match err {
        E::ErrorInFunctionCall(_, _, inner, pos) => {
            let p = error_position(inner);
            if p.is_none() { *pos } else { p }
        }
        e => e.position(),
    }
}

/// A readable message for a Rhai error, Chinese first.
pub(crate) fn error_message(err: &rhai::EvalAltResult) -> String {
    use rhai::EvalAltResult as E;
    match err {
        E::ErrorTooManyOperations(_) => "脚本运算次数超过上限(可能是死循环) / script exceeded the operation limit (endless loop?)".into(),
        E::ErrorStackOverflow(_) => "函数调用层数超过上限(可能是无穷递归) / call depth limit exceeded (runaway recursion?)".into(),
        E::ErrorDataTooLarge(what, _) => format!("数据超过大小上限 / {what} exceeds the size limit"),
        E::ErrorInFunctionCall(name, _, inner, _) => format!("在函数 {name} 中: {}", error_message(inner)),
        E::ErrorParsing(rhai::ParseErrorType::ExprTooDeep, _) => "表达式嵌套过深 / expression nested too deeply".into(),
        e => {
            // Rhai's own text without its trailing " (line x, position y)".
            let s = e.to_string();
            match s.rfind(" (line ") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
}

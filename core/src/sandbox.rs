//! The Rhai engine every rule file runs in, and its limits. This module is the
//! only place that decides what a rule script may do.
//!
//! Rule files are untrusted code. The engine is built with `Engine::new_raw`
//! and an explicit allow-list of functions ([`ALLOWED`]): no Rhai package is
//! registered, so `sleep`, `print`, `debug`, `exit`, `parse_json` … do not
//! exist; `eval`, `Fn`, `call`, `curry`, `is_def_fn`, `is_def_var` are
//! disabled keywords; there is no module loading (`no_module`) and no clock
//! (`no_time`). Reading a map field that does not exist is an error, and so
//! is comparing values of different types (`"80" >= 60`, `() < 1`,
//! `true == 1`): Rhai would quietly answer `false`. Every script runs under
//! the limits below, so a runaway loop or recursion ends with an error
//! instead of hanging a page.

#[cfg(feature = "script")]
use rhai::{Array, Dynamic, Engine, EvalAltResult, ImmutableString, Map, NativeCallContext, Position, FLOAT, INT};
#[cfg(feature = "script")]
use std::any::TypeId;

/// The limits a rule script runs under. These are engine safety limits, not
/// locality rules.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Maximum number of Rhai operations for one script run or hook call.
    pub max_operations: u64,
    /// Maximum number of Rhai operations of all the custom-function calls of
    /// one evaluation together (one checklist, one scoring run, the dry runs
    /// of one load); 0 for no total limit.
    pub max_total_operations: u64,
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
            // An outcome function like guanba's takes about 50 operations per
            // member: 100,000 members use a tenth of this.
            max_total_operations: 50_000_000,
            max_call_levels: 24,
            max_expr_depth: (64, 32),
            max_string_size: 256 * 1024,
            max_array_size: 20_000,
            max_map_size: 20_000,
        }
    }
}

impl Limits {
    /// The functions and operators a rule script may call (the sandbox's
    /// allow-list), on top of Rhai's built-in arithmetic, comparison and
    /// string/array operators on the standard types. Anything else is
    /// `script.unknown_function`.
    pub fn allowed_functions() -> &'static [&'static str] {
        ALLOWED
    }
}

/// The allow-list: every name the sandbox registers, and nothing else.
/// A test compares it with what [`engine`] actually registers.
pub(crate) const ALLOWED: &[&str] = &[
    // Strings: character count (字数), search.
    "len",
    "contains",
    "starts_with",
    "to_string",
    // Arrays and maps (`contains` also serves the `in` operator).
    "push",
    "keys",
    "values",
    // Numbers.
    "min",
    "max",
    "abs",
    "round",
    "floor",
    "to_float",
    "to_int",
    // Text joined with a number: "第" + 3.
    "+",
    // Unary `!x` and `-x` (Rhai builds them in only with fast operators on).
    "!",
    "-",
    // Comparisons between values of different types: registered to fail.
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
];

#[cfg(feature = "script")]
/// Keywords rule scripts may not use: `eval` runs text as code; `Fn`, `call`
/// and `curry` call functions by computed name; `is_def_fn` / `is_def_var`
/// probe the engine.
const DISABLED: &[&str] = &["eval", "Fn", "call", "curry", "is_def_fn", "is_def_var"];

#[cfg(feature = "script")]
/// Registers the allowed functions and returns each registered name
/// (one entry per overload), so a test can compare them with [`ALLOWED`].
fn register_allowed(e: &mut Engine) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    // Every registration goes through this macro, which records the name.
    macro_rules! reg {
        ($name:literal, $f:expr) => {{
            e.register_fn($name, $f);
            names.push($name);
        }};
    }
    reg!("len", |s: &str| s.chars().count() as INT);
    reg!("len", |a: &mut Array| a.len() as INT);
    reg!("len", |m: &mut Map| m.len() as INT);
    reg!("contains", |s: &str, part: &str| s.contains(part));
    reg!("contains", |m: &mut Map, key: &str| m.contains_key(key));
    reg!("contains", |a: &mut Array, x: Dynamic| a.iter().any(|y| same_value(y, &x)));
    reg!("starts_with", |s: &str, part: &str| s.starts_with(part));
    reg!("to_string", |s: ImmutableString| s);
    reg!("to_string", |x: INT| x.to_string());
    reg!("to_string", |x: FLOAT| x.to_string());
    reg!("to_string", |x: bool| x.to_string());
    // `push` is checked against the array size limit by Rhai after the call.
    reg!("push", |a: &mut Array, x: Dynamic| a.push(x));
    reg!("keys", |m: &mut Map| m.keys().map(|k| Dynamic::from(k.clone())).collect::<Array>());
    reg!("values", |m: &mut Map| m.values().cloned().collect::<Array>());
    reg!("min", |a: INT, b: INT| a.min(b));
    reg!("max", |a: INT, b: INT| a.max(b));
    reg!("min", |a: FLOAT, b: FLOAT| a.min(b));
    reg!("max", |a: FLOAT, b: FLOAT| a.max(b));
    reg!("abs", |a: INT| a.saturating_abs());
    reg!("abs", |a: FLOAT| a.abs());
    reg!("round", |a: FLOAT| a.round());
    reg!("floor", |a: FLOAT| a.floor());
    reg!("to_float", |a: INT| a as FLOAT);
    reg!("to_float", |a: FLOAT| a);
    reg!("to_int", |a: INT| a);
    reg!("to_int", |a: FLOAT| -> Result<INT, Box<EvalAltResult>> {
        if a.is_finite() && a.abs() < 9.0e15 {
            Ok(a.trunc() as INT)
        } else {
            Err(EvalAltResult::ErrorArithmetic(format!("{a} 无法转为整数 / cannot convert {a} to an integer"), Position::NONE).into())
        }
    });
    reg!("!", |x: bool| !x);
    reg!("-", |x: INT| -> Result<INT, Box<EvalAltResult>> {
        x.checked_neg().ok_or_else(|| EvalAltResult::ErrorArithmetic(format!("-{x} 溢出 / negation overflow"), Position::NONE).into())
    });
    reg!("-", |x: FLOAT| -x);
    reg!("+", |s: ImmutableString, x: INT| format!("{s}{x}"));
    reg!("+", |s: ImmutableString, x: FLOAT| format!("{s}{x}"));
    reg!("+", |x: INT, s: ImmutableString| format!("{x}{s}"));
    reg!("+", |x: FLOAT, s: ImmutableString| format!("{x}{s}"));

    // Comparisons between different types. Rhai's built-in operators answer
    // `false` (`!=`: `true`) for them, so `r.composite >= "60"` or a missing
    // value compared with a number would pass silently. Registered functions
    // are found before Rhai's built-in fallback (with fast operators off), so
    // one raw function, registered for each mismatched pair of standard
    // types, turns those into errors. Int/float pairs compare as numbers;
    // char/string pairs as text; `x == ()` / `x != ()` stay allowed: that is
    // how a script asks whether a value is there.
    let types: [TypeId; 8] = [
        TypeId::of::<INT>(),
        TypeId::of::<FLOAT>(),
        TypeId::of::<bool>(),
        TypeId::of::<ImmutableString>(),
        TypeId::of::<char>(),
        TypeId::of::<()>(),
        TypeId::of::<Array>(),
        TypeId::of::<Map>(),
    ];
    let numeric = |t: TypeId| t == TypeId::of::<INT>() || t == TypeId::of::<FLOAT>();
    let text = |t: TypeId| t == TypeId::of::<ImmutableString>() || t == TypeId::of::<char>();
    let unit = TypeId::of::<()>();
    for &a in &types {
        for &b in &types {
            let comparable = (numeric(a) && numeric(b)) || (text(a) && text(b));
            let ordering_fails = (a != b && !comparable) || (a == unit && b == unit);
            let equality_fails = a != b && !comparable && a != unit && b != unit;
            if ordering_fails {
                for op in ["<", "<=", ">", ">="] {
                    e.register_raw_fn(op, [a, b], mismatch);
                    names.push(op);
                }
            }
            if equality_fails {
                for op in ["==", "!="] {
                    e.register_raw_fn(op, [a, b], mismatch);
                    names.push(op);
                }
            }
        }
    }

    // `for x in array`, `for i in 0..n`, `for i in 0..=n`.
    e.register_iterator::<Array>();
    e.register_iterator::<std::ops::Range<INT>>();
    e.register_iterator::<std::ops::RangeInclusive<INT>>();
    names
}

#[cfg(feature = "script")]
/// Equality for `x in array`: values of the same kind compare by value
/// (numbers as numbers); values of different kinds are simply not equal.
fn same_value(a: &Dynamic, b: &Dynamic) -> bool {
    if let (Ok(x), Ok(y)) = (num(a), num(b)) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (a.read_lock::<ImmutableString>(), b.read_lock::<ImmutableString>()) {
        return *x == *y;
    }
    match (a.as_bool(), b.as_bool()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a.is_unit() && b.is_unit(),
    }
}

#[cfg(feature = "script")]
fn num(v: &Dynamic) -> Result<FLOAT, ()> {
    v.as_int().map(|i| i as FLOAT).or_else(|_| v.as_float()).map_err(|_| ())
}

#[cfg(feature = "script")]
/// A readable type name for messages.
fn kind(v: &Dynamic) -> &'static str {
    if v.is_unit() {
        "()(空值)"
    } else if v.is_int() || v.is_float() {
        "数字"
    } else if v.is_string() {
        "文字"
    } else if v.is_bool() {
        "true/false"
    } else if v.is_char() {
        "字符"
    } else if v.is_array() {
        "数组"
    } else if v.is_map() {
        "映射"
    } else {
        "其他"
    }
}

#[cfg(feature = "script")]
fn mismatch(ctx: NativeCallContext, args: &mut [&mut Dynamic]) -> Result<bool, Box<EvalAltResult>> {
    let (a, b) = match args {
        [a, b] => (&**a, &**b),
        _ => return Ok(false),
    };
    Err(EvalAltResult::ErrorMismatchDataType(
        format!("{} {} {}", kind(a), ctx.fn_name(), kind(b)),
        format!("不同类型的值不能比较 / cannot compare {} with {}", a.type_name(), b.type_name()),
        Position::NONE,
    )
    .into())
}

#[cfg(feature = "script")]
/// A fresh sandboxed engine with the given limits (no rule functions registered yet).
pub(crate) fn engine(limits: &Limits) -> Engine {
    let mut e = Engine::new_raw();
    register_allowed(&mut e);
    for k in DISABLED {
        e.disable_symbol(*k);
    }
    // Registered operator functions are consulted only with fast operators off.
    e.set_fast_operators(false);
    e.set_fail_on_invalid_map_property(true);
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

#[cfg(feature = "script")]
/// Maps a Rhai error to a diagnostic code.
pub(crate) fn error_code(err: &rhai::EvalAltResult) -> &'static str {
    use rhai::EvalAltResult as E;
    match err {
        E::ErrorTooManyOperations(_) => "limit.operations",
        E::ErrorTerminated(..) => "limit.total_operations",
        E::ErrorStackOverflow(_) => "limit.call_depth",
        E::ErrorDataTooLarge(..) => "limit.size",
        E::ErrorFunctionNotFound(..) => "script.unknown_function",
        E::ErrorVariableNotFound(..) => "script.unknown_variable",
        E::ErrorPropertyNotFound(..) | E::ErrorDotExpr(..) => "script.unknown_property",
        E::ErrorMismatchDataType(..) | E::ErrorMismatchOutputType(..) => "script.type_mismatch",
        E::ErrorInFunctionCall(_, _, inner, _) => error_code(inner),
        E::ErrorParsing(kind, _) => parse_code(kind),
        _ => "script.runtime",
    }
}

#[cfg(feature = "script")]
pub(crate) fn parse_code(kind: &rhai::ParseErrorType) -> &'static str {
    use rhai::{LexError, ParseErrorType as P};
    match kind {
        P::ExprTooDeep => "limit.expr_depth",
        P::LiteralTooLarge(..) => "limit.size",
        // `eval(...)`, `Fn(...)` …: a disabled keyword is a function the sandbox does not have.
        P::BadInput(LexError::ImproperSymbol(sym, _)) if DISABLED.contains(&sym.as_str()) => "script.unknown_function",
        _ => "parse",
    }
}

#[cfg(feature = "script")]
/// The script function in which an error happened (the innermost call), if any.
pub(crate) fn error_function(err: &rhai::EvalAltResult) -> Option<&str> {
    match err {
        rhai::EvalAltResult::ErrorInFunctionCall(name, _, inner, _) => error_function(inner).or(Some(name.as_str())),
        _ => None,
    }
}

#[cfg(feature = "script")]
/// The innermost position of an error (inside the function where it happened).
pub(crate) fn error_position(err: &rhai::EvalAltResult) -> rhai::Position {
    use rhai::EvalAltResult as E;
    match err {
        E::ErrorInFunctionCall(_, _, inner, pos) => {
            let p = error_position(inner);
            if p.is_none() {
                *pos
            } else {
                p
            }
        }
        e => e.position(),
    }
}

#[cfg(feature = "script")]
/// A readable message for a Rhai error, Chinese first.
pub(crate) fn error_message(err: &rhai::EvalAltResult) -> String {
    use rhai::EvalAltResult as E;
    match err {
        E::ErrorTooManyOperations(_) => "脚本运算次数超过上限(可能是死循环) / script exceeded the operation limit (endless loop?)".into(),
        E::ErrorStackOverflow(_) => "函数调用层数超过上限(可能是无穷递归) / call depth limit exceeded (runaway recursion?)".into(),
        E::ErrorDataTooLarge(what, _) => format!("数据超过大小上限 / {what} exceeds the size limit"),
        E::ErrorInFunctionCall(name, _, inner, _) => format!("在函数 {name} 中: {}", error_message(inner)),
        E::ErrorParsing(rhai::ParseErrorType::ExprTooDeep, _) => "表达式嵌套过深 / expression nested too deeply".into(),
        E::ErrorPropertyNotFound(p, _) => format!("没有字段 {p}(是否写错了?) / property {p} does not exist"),
        E::ErrorDotExpr(..) => "空值 () 没有字段(前面的值不存在) / () has no properties".into(),
        E::ErrorMismatchDataType(what, why, _) => format!("{what}:{why}"),
        E::ErrorFunctionNotFound(sig, _) => format!("没有函数 {sig}(规则文件只能用规则函数参考中列出的函数) / function not found: {sig}"),
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

#[cfg(all(test, feature = "script"))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn registered_functions_are_exactly_the_allow_list() {
        let mut e = Engine::new_raw();
        let mut got = register_allowed(&mut e);
        got.sort_unstable();
        got.dedup();
        let mut want = ALLOWED.to_vec();
        want.sort_unstable();
        assert_eq!(got, want, "sandbox registrations and ALLOWED differ");
        // Nothing registered outside the recording macro, and no package.
        let src = include_str!("sandbox.rs");
        let body = &src[..src.find("#[cfg(all(test").unwrap()];
        assert_eq!(body.matches("register_fn(").count(), 1, "register functions through reg! only");
        assert_eq!(body.matches("register_raw_fn(").count(), 2);
        assert!(!body.contains("Package::") && !body.contains("register_global_module") && !body.contains("register_static_module"));
    }
}

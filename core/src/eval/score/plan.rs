//! Native plans for simple outcome functions.
//!
//! Scoring calls the rules' outcome function (`fn 评议结论(r) { ... }`) once
//! per member. Most such functions are a few `if`s comparing fields of the
//! record with numbers and returning a label; in Rhai each call still builds
//! the record as nested maps and sets up a call (~2 µs, most of a large
//! run's finishing time). At load, a function whose body uses only
//! the constructs below is translated into a small tree evaluated here,
//! reading the record's fields straight from the member's result:
//!
//! * `let`/`const`, `if`/`else`, `return`, blocks, the value of the last statement;
//! * literals (numbers, strings, `true`/`false`, `()`), local variables;
//! * field paths of the parameter with constant keys (`r.composite`,
//!   `r.groups.党员互评`, `r.groups["党员互评"]`, `r.checklist.gates.学习动员`);
//! * `!`, unary `-`, `&&`, `||`, `+ - * /` and the six comparisons.
//!
//! Anything else (loops, other function calls, maps, `switch`, ...) leaves
//! the function to Rhai, always. At run time the plan gives up (and Rhai
//! runs the call, giving its own result or error) on anything whose meaning
//! is not exactly copied here: a field the record lacks, an operator on
//! types other than number/number, text/text or bool/bool, integer
//! overflow or division by zero, a condition that is not true/false, a
//! result that is neither text nor `()`. The operators copy Rhai's checked
//! built-ins exactly (floats compare with Rhai's relative epsilon); tests
//! compare plan and Rhai on grids of values and records.
//!
//! A plan has no loop and no call, so it always ends after at most one step
//! per node: it does not draw on the evaluation's operation budget, which
//! exists to stop runaway scripts.

//! A plan is also written into a compiled bundle (`xianjiao compile`, key `plans`), so that a
//! build without the script engine but with the feature `plans` (the office page's first
//! download) runs a simple outcome function without Rhai. There the plan is the only way to
//! run it: when it gives up, the call is the error `engine.needs_script` and the page loads
//! the engine with Rhai, which ignores the bundle's plans and makes its own from the source.
//! A plan read from a bundle is checked ([`Plan::sound`]) before it is used.

// The script-free build has no syntax tree to translate: plans are never made there (only read, with `plans`).
#![cfg_attr(not(all(feature = "script", feature = "plans")), allow(dead_code))]

#[cfg(feature = "script")]
use rhai::{ASTFlags, Expr as RExpr, Stmt as RStmt, AST};

use super::record::{Field, Record, V};
use crate::eval::hooks::Hooks;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
enum E {
    Lit(Lit),
    Slot(usize),
    Field(Field),
    Not(Box<E>),
    Neg(Box<E>),
    Bin(Op, Box<E>, Box<E>),
    And(Vec<E>),
    Or(Vec<E>),
    Block(Vec<S>),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
enum Lit {
    Unit,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Box<str>),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
enum S {
    Noop,
    Let(usize, E),
    If(E, Vec<S>, Vec<S>),
    Return(E),
    Expr(E),
    Block(Vec<S>),
}

/// A translated outcome function.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Plan {
    body: Vec<S>,
    slots: usize,
}

/// Translation state: the parameter's name and the `let`s in scope.
#[cfg(feature = "script")]
struct Tr {
    param: String,
    scope: Vec<(String, usize)>,
    slots: usize,
}

impl Plan {
    /// The native plan of a rule file's custom function, when it is simple
    /// enough; never in the script-free build, which has no syntax tree.
    pub(crate) fn of_hook(hooks: &Hooks, name: &str) -> Option<Plan> {
        #[cfg(feature = "script")]
        return Plan::of(hooks.ast(), name);
        #[cfg(not(feature = "script"))]
        return hooks.plan(name);
    }

    /// Most `let`s a plan read from a bundle may keep (a translated function has one slot per `let`).
    #[cfg_attr(any(not(feature = "plans"), feature = "script"), allow(dead_code))]
    const MOST_SLOTS: usize = 4096;

    /// True when a plan read from a compiled bundle can be run: its slots are few enough to
    /// allocate, and every slot it reads or writes is one of them. (Running one never loops,
    /// and a slot out of range only makes it give up; this keeps a damaged or hand-made
    /// bundle from asking for a huge allocation.)
    #[cfg_attr(any(not(feature = "plans"), feature = "script"), allow(dead_code))]
    pub(crate) fn sound(&self) -> bool {
        fn e(x: &E, n: usize) -> bool {
            match x {
                E::Lit(_) | E::Field(_) => true,
                E::Slot(i) => *i < n,
                E::Not(a) | E::Neg(a) => e(a, n),
                E::Bin(_, a, b) => e(a, n) && e(b, n),
                E::And(v) | E::Or(v) => v.iter().all(|a| e(a, n)),
                E::Block(b) => b.iter().all(|x| s(x, n)),
            }
        }
        fn s(x: &S, n: usize) -> bool {
            match x {
                S::Noop => true,
                S::Let(i, a) => *i < n && e(a, n),
                S::If(c, y, no) => e(c, n) && y.iter().all(|x| s(x, n)) && no.iter().all(|x| s(x, n)),
                S::Return(a) | S::Expr(a) => e(a, n),
                S::Block(b) => b.iter().all(|x| s(x, n)),
            }
        }
        self.slots <= Self::MOST_SLOTS && self.body.iter().all(|x| s(x, self.slots))
    }
    #[cfg(feature = "script")]
    /// The plan of the function Rhai would call for `name` with one
    /// argument, when its body uses only what plans support.
    pub(crate) fn of(ast: &AST, name: &str) -> Option<Plan> {
        let f = ast.shared_lib().get_script_fn(name, 1)?;
        let mut t = Tr { param: f.params.first()?.to_string(), scope: vec![], slots: 0 };
        // The body's statements are reached by walking an AST holding only
        // this function: its top-level statements are the nodes at depth 1.
        let mut one = ast.clone_functions_only();
        one.retain_functions(|_, _, n, arity| n == name && arity == 1);
        // Exactly the function Rhai calls, or no plan.
        let mut kept = one.iter_fn_def();
        if !matches!((kept.next(), kept.next()), (Some(k), None) if std::ptr::eq(&**k, &**f)) {
            return None;
        }
        let (mut body, mut ok) = (vec![], true);
        one.walk(&mut |path: &[rhai::ASTNode]| {
            if let [rhai::ASTNode::Stmt(s)] = path {
                match t.stmt(s) {
                    Some(x) => body.push(x),
                    None => ok = false,
                }
            }
            ok
        });
        ok.then_some(Plan { body, slots: t.slots })
    }

    /// Runs the plan on a record: `Some(Some(label))`, `Some(None)` for `()`,
    /// or `None` when it gives up (Rhai must run the call).
    pub(crate) fn run(&self, r: &dyn Record) -> Option<Option<String>> {
        let mut slots = [V::Unit; 16];
        let mut heap;
        let slots: &mut [V] = if self.slots <= slots.len() {
            &mut slots[..self.slots]
        } else {
            heap = vec![V::Unit; self.slots];
            &mut heap
        };
        let mut run = Run { r, slots };
        let v = match run.block(&self.body)? {
            Flow::Value(v) | Flow::Return(v) => v,
        };
        match v {
            V::Str(s) => Some(Some(s.to_string())),
            V::Unit => Some(None),
            _ => None,
        }
    }
}

#[cfg(feature = "script")]
impl Tr {
    fn block(&mut self, stmts: &[RStmt]) -> Option<Vec<S>> {
        let depth = self.scope.len();
        let out = stmts.iter().map(|s| self.stmt(s)).collect::<Option<Vec<_>>>();
        // A block's `let`s end with it, as Rhai rewinds its scope.
        self.scope.truncate(depth);
        out
    }

    fn stmt(&mut self, s: &RStmt) -> Option<S> {
        Some(match s {
            RStmt::Noop(_) => S::Noop,
            RStmt::Expr(e) => S::Expr(self.expr(e)?),
            RStmt::FnCall(call, _) => S::Expr(self.call(call)?),
            RStmt::Var(x, _, _) => {
                // The value is computed before the name is in scope.
                let value = self.expr(&x.1)?;
                let slot = self.slots;
                self.slots += 1;
                self.scope.push((x.0.name.to_string(), slot));
                S::Let(slot, value)
            }
            RStmt::If(x, _) => S::If(self.expr(&x.expr)?, self.block(x.body.statements())?, self.block(x.branch.statements())?),
            // `throw` is a Return with BREAK.
            RStmt::Return(v, flags, _) if !flags.contains(ASTFlags::BREAK) => S::Return(match v {
                Some(e) => self.expr(e)?,
                None => E::Lit(Lit::Unit),
            }),
            RStmt::Block(b) => S::Block(self.block(b.statements())?),
            _ => return None,
        })
    }

    fn expr(&mut self, e: &RExpr) -> Option<E> {
        Some(match e {
            RExpr::Unit(_) => E::Lit(Lit::Unit),
            RExpr::BoolConstant(b, _) => E::Lit(Lit::Bool(*b)),
            RExpr::IntegerConstant(i, _) => E::Lit(Lit::Int(*i)),
            RExpr::FloatConstant(f, _) => E::Lit(Lit::Float(**f)),
            RExpr::StringConstant(s, _) => E::Lit(Lit::Str(s.as_str().into())),
            RExpr::Variable(x, _, _) => {
                let name = x.1.as_str();
                // The parameter alone is the whole record (a map): not planned.
                E::Slot(self.scope.iter().rev().find(|(n, _)| n == name)?.1)
            }
            RExpr::Dot(..) | RExpr::Index(..) => E::Field(self.path(e)?),
            RExpr::FnCall(call, _) => self.call(call)?,
            RExpr::And(xs, _) => E::And(xs.iter().map(|x| self.expr(x)).collect::<Option<_>>()?),
            RExpr::Or(xs, _) => E::Or(xs.iter().map(|x| self.expr(x)).collect::<Option<_>>()?),
            RExpr::Stmt(b) => E::Block(self.block(b.statements())?),
            _ => return None,
        })
    }

    /// Operators only: any other call leaves the function to Rhai.
    fn call(&mut self, c: &rhai::FnCallExpr) -> Option<E> {
        c.op_token.as_ref()?;
        match (c.name.as_str(), c.args.as_slice()) {
            ("!", [a]) => Some(E::Not(Box::new(self.expr(a)?))),
            ("-", [a]) => Some(E::Neg(Box::new(self.expr(a)?))),
            (name, [a, b]) => {
                let op = match name {
                    "+" => Op::Add,
                    "-" => Op::Sub,
                    "*" => Op::Mul,
                    "/" => Op::Div,
                    "==" => Op::Eq,
                    "!=" => Op::Ne,
                    "<" => Op::Lt,
                    "<=" => Op::Le,
                    ">" => Op::Gt,
                    ">=" => Op::Ge,
                    _ => return None,
                };
                Some(E::Bin(op, Box::new(self.expr(a)?), Box::new(self.expr(b)?)))
            }
            _ => None,
        }
    }

    /// `r.a.b`, `r["a"]["b"]`, `r.a["b"]`: the parameter (not shadowed by a
    /// `let`) followed by constant keys naming a plain field of the record.
    fn path(&self, e: &RExpr) -> Option<Field> {
        let (x, flags, dot) = match e {
            RExpr::Dot(x, f, _) => (x, f, true),
            RExpr::Index(x, f, _) => (x, f, false),
            _ => return None,
        };
        if flags.contains(ASTFlags::NEGATED) {
            return None;
        } // `?.` / `?[`
        let RExpr::Variable(v, _, _) = &x.lhs else { return None };
        if v.1.as_str() != self.param || self.scope.iter().any(|(n, _)| *n == self.param) {
            return None;
        }
        let mut keys = vec![];
        keys_of(&x.rhs, dot, &mut keys)?;
        Field::of(&keys)
    }
}

#[cfg(feature = "script")]
/// The keys of the rest of a chain; `dot`: reached through `.` (a property)
/// rather than `[...]` (an index).
fn keys_of<'e>(e: &'e RExpr, dot: bool, keys: &mut Vec<&'e str>) -> Option<()> {
    let key = |k: &'e RExpr| -> Option<&'e str> {
        match (k, dot) {
            (RExpr::Property(p, _), true) => Some(p.2.as_str()),
            (RExpr::StringConstant(s, _), false) => Some(s.as_str()),
            _ => None,
        }
    };
    match e {
        RExpr::Dot(x, f, _) | RExpr::Index(x, f, _) => {
            if f.contains(ASTFlags::NEGATED) {
                return None;
            }
            keys.push(key(&x.lhs)?);
            keys_of(&x.rhs, matches!(e, RExpr::Dot(..)), keys)
        }
        k => {
            keys.push(key(k)?);
            Some(())
        }
    }
}

enum Flow<'a> {
    Value(V<'a>),
    Return(V<'a>),
}

struct Run<'p, 'r, 's> {
    r: &'r dyn Record,
    slots: &'s mut [V<'p>],
}

impl<'p, 'r: 'p, 's> Run<'p, 'r, 's> {
    fn block(&mut self, stmts: &'p [S]) -> Option<Flow<'p>> {
        let mut last = V::Unit;
        for s in stmts {
            last = match self.stmt(s)? {
                Flow::Value(v) => v,
                ret => return Some(ret),
            };
        }
        Some(Flow::Value(last))
    }

    fn stmt(&mut self, s: &'p S) -> Option<Flow<'p>> {
        Some(match s {
            S::Noop => Flow::Value(V::Unit),
            S::Let(slot, e) => {
                let v = self.value(e)?;
                *self.slots.get_mut(*slot)? = v;
                Flow::Value(V::Unit)
            }
            S::If(c, yes, no) => match self.value(c)? {
                V::Bool(true) => self.block(yes)?,
                V::Bool(false) => self.block(no)?,
                _ => return None,
            },
            S::Return(e) => Flow::Return(self.value(e)?),
            S::Expr(e) => Flow::Value(self.value(e)?),
            S::Block(b) => self.block(b)?,
        })
    }

    /// An expression's value; a `return` inside a block expression ends the function.
    fn value(&mut self, e: &'p E) -> Option<V<'p>> {
        match self.expr(e)? {
            Flow::Value(v) => Some(v),
            // A `return` inside an expression block (`let x = { return 1; };`) is rare:
            // rather than thread it through every operator, let Rhai run the call.
            Flow::Return(_) => None,
        }
    }

    /// `&&` (`stop` false) and `||` (`stop` true): the operands in turn until
    /// one is `stop`; each must be true/false, as Rhai requires.
    fn until(&mut self, xs: &'p [E], stop: bool) -> Option<V<'p>> {
        for x in xs {
            match self.value(x)? {
                V::Bool(b) if b == stop => return Some(V::Bool(stop)),
                V::Bool(_) => {}
                _ => return None,
            }
        }
        Some(V::Bool(!stop))
    }

    fn expr(&mut self, e: &'p E) -> Option<Flow<'p>> {
        Some(Flow::Value(match e {
            E::Lit(l) => match l {
                Lit::Unit => V::Unit,
                Lit::Bool(b) => V::Bool(*b),
                Lit::Int(i) => V::Int(*i),
                Lit::Float(f) => V::Float(*f),
                Lit::Str(s) => V::Str(s),
            },
            E::Slot(i) => *self.slots.get(*i)?,
            E::Field(f) => self.r.field(f)?,
            E::Not(a) => match self.value(a)? {
                V::Bool(b) => V::Bool(!b),
                _ => return None,
            },
            E::Neg(a) => match self.value(a)? {
                V::Int(i) => V::Int(i.checked_neg()?),
                V::Float(f) => V::Float(-f),
                _ => return None,
            },
            E::Bin(op, a, b) => {
                let (x, y) = (self.value(a)?, self.value(b)?);
                binary(*op, x, y)?
            }
            E::And(xs) => self.until(xs, false)?,
            E::Or(xs) => self.until(xs, true)?,
            E::Block(b) => return self.block(b),
        }))
    }
}

/// Rhai's checked built-in operators for the pairs plans support; `None`
/// where Rhai would stop with an error or plans do not copy its meaning.
fn binary<'a>(op: Op, x: V<'a>, y: V<'a>) -> Option<V<'a>> {
    use V::*;
    Some(match (x, y) {
        (Int(a), Int(b)) => match op {
            Op::Add => Int(a.checked_add(b)?),
            Op::Sub => Int(a.checked_sub(b)?),
            Op::Mul => Int(a.checked_mul(b)?),
            Op::Div => Int(if b == 0 { return None } else { a.checked_div(b)? }),
            _ => Bool(compare(op, a, b)?),
        },
        (Int(_) | Float(_), Int(_) | Float(_)) => {
            let f = |v: V| match v {
                Int(i) => i as f64,
                Float(f) => f,
                _ => 0.0,
            };
            float(op, f(x), f(y))
        }
        // Text `+` checks the string size limit and `-` removes text: Rhai runs those.
        (Str(a), Str(b)) => Bool(compare(op, a, b)?),
        (Bool(a), Bool(b)) => Bool(compare(op, a, b)?),
        _ => return None,
    })
}

/// The six comparisons, as Rhai's built-ins make them for integers, text
/// (byte order) and booleans (`false < true`); `None` for arithmetic.
fn compare<T: PartialOrd>(op: Op, a: T, b: T) -> Option<bool> {
    Some(match op {
        Op::Eq => a == b,
        Op::Ne => a != b,
        Op::Lt => a < b,
        Op::Le => a <= b,
        Op::Gt => a > b,
        Op::Ge => a >= b,
        Op::Add | Op::Sub | Op::Mul | Op::Div => return None,
    })
}

/// Rhai's float operators (checked build): arithmetic as in Rust,
/// comparisons within a relative epsilon — copied from its `builtin.rs`.
fn float<'a>(op: Op, x: f64, y: f64) -> V<'a> {
    let max = if x * y == 0.0 { 1.0 } else { x.abs().max(y.abs()) };
    let eps = f64::EPSILON;
    match op {
        Op::Add => V::Float(x + y),
        Op::Sub => V::Float(x - y),
        Op::Mul => V::Float(x * y),
        Op::Div => V::Float(x / y),
        Op::Eq => V::Bool(max == 0.0 || (x - y).abs() / max <= eps),
        Op::Ne => V::Bool(max != 0.0 && (x - y).abs() / max > eps),
        Op::Gt => V::Bool(max != 0.0 && (x - y) / max > eps),
        Op::Ge => V::Bool(max == 0.0 || (x - y) / max > -eps),
        Op::Lt => V::Bool(max != 0.0 && (y - x) / max > eps),
        Op::Le => V::Bool(max == 0.0 || (y - x) / max > -eps),
    }
}

#[cfg(all(test, feature = "script"))]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::sandbox::{engine, Limits};
    use rhai::Dynamic;

    fn rhai_value(v: V) -> Dynamic {
        match v {
            V::Unit => Dynamic::UNIT,
            V::Bool(b) => b.into(),
            V::Int(i) => i.into(),
            V::Float(f) => f.into(),
            V::Str(s) => s.into(),
        }
    }

    fn lit(v: V) -> String {
        match v {
            V::Unit => "()".into(),
            V::Bool(b) => b.to_string(),
            V::Int(i) if i == i64::MIN => "(-9223372036854775807 - 1)".into(),
            V::Int(i) => format!("({i})"),
            V::Float(f) if f.is_nan() => "(0.0/0.0)".into(),
            V::Float(f) if f.is_infinite() => {
                if f > 0.0 {
                    "(1.0/0.0)".into()
                } else {
                    "(-1.0/0.0)".into()
                }
            }
            V::Float(f) => format!("({f:?})"),
            V::Str(s) => format!("{s:?}"),
        }
    }

    /// Every operator on a grid of values: the plan's answer (when it gives
    /// one) is Rhai's, and it gives one wherever Rhai succeeds on a pair it supports.
    #[test]
    fn operators_agree_with_rhai() {
        let e = engine(&Limits::default());
        let values = [
            V::Unit,
            V::Bool(true),
            V::Bool(false),
            V::Int(0),
            V::Int(60),
            V::Int(-3),
            V::Int(i64::MAX),
            V::Int(i64::MIN),
            V::Float(0.0),
            V::Float(-0.0),
            V::Float(60.0),
            V::Float(59.99999999999999),
            V::Float(60.00000000000001),
            V::Float(59.9999),
            V::Float(1e-320),
            V::Float(f64::NAN),
            V::Float(f64::INFINITY),
            V::Float(f64::NEG_INFINITY),
            V::Str(""),
            V::Str("合格"),
            V::Str("不合格"),
        ];
        let ops = [
            (Op::Add, "+"),
            (Op::Sub, "-"),
            (Op::Mul, "*"),
            (Op::Div, "/"),
            (Op::Eq, "=="),
            (Op::Ne, "!="),
            (Op::Lt, "<"),
            (Op::Le, "<="),
            (Op::Gt, ">"),
            (Op::Ge, ">="),
        ];
        let mut answered = 0;
        for &x in &values {
            for &y in &values {
                for (op, sym) in ops {
                    let script = format!("{} {sym} {}", lit(x), lit(y));
                    let rhai = e.eval::<Dynamic>(&script);
                    if let Some(v) = binary(op, x, y) {
                        answered += 1;
                        let r = rhai.unwrap_or_else(|err| panic!("{script}: plan gives {v:?}, Rhai fails: {err}"));
                        let same = match (v, r.as_float()) {
                            (V::Float(a), Ok(b)) => a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                            _ => format!("{:?}", rhai_value(v)) == format!("{r:?}"),
                        };
                        assert!(same, "{script}: plan {v:?}, Rhai {r:?}");
                    } else if let Ok(r) = rhai {
                        // Only text + text / text - text run in Rhai among the successful pairs.
                        assert!(
                            matches!(
                                (x, y, op),
                                (V::Str(_), V::Str(_), Op::Add | Op::Sub)
                                    | (V::Unit, _, _)
                                    | (_, V::Unit, _)
                                    | (V::Str(_), _, Op::Add)
                                    | (_, V::Str(_), Op::Add)
                            ),
                            "{script}: Rhai gives {r:?} but the plan gives up"
                        );
                    }
                }
            }
        }
        assert!(answered > 1500, "{answered}");
    }
}

#[cfg(all(test, feature = "script"))]
mod differential {
    #![allow(clippy::unwrap_used)]
    use super::Plan;
    use crate::eval::hooks::Hooks;
    use crate::eval::score::record::{outcome_record, RecordView};
    use crate::eval::score::{GroupScore, Named, SubjectScore};
    use crate::sandbox::{engine, Limits};
    use rhai::Dynamic;
    use std::sync::Arc;

    /// Functions a plan must take, exercising every construct plans support.
    const PLANNED: &str = r#"
fn guanba(r) {
    if !r.complete { return "待补齐测评"; }
    if r.composite >= 60.0 { "合格" } else { "不合格" }
}
fn mixed(r) {
    let c = r.composite;
    if c >= 90 { "优秀" } else if c >= 60.0 && r.groups.党员互评 > 50 || r["composite"] == 59.99999999999999 { "合格" } else { "不合格" }
}
fn fields(r) {
    if r.satisfaction.given && r.satisfaction.rate < 60.0 { return "基本合格"; }
    if r.satisfaction.given && r.satisfaction.counts["不满意"] * 2 > r.satisfaction.total { return "不合格"; }
    if r.checklist.given && !r.checklist.gates["分析评议"] { return "待转段"; }
    if r.checklist.given && r.checklist.items.征求意见 != "done" && r.checklist.overdue + r.checklist.pending > 0 { return "待补"; }
    if r.checklist.done - r.checklist.exempt < 0 { return "怪"; }
    if r.groups["群众参评"] / 2.0 < 20 { "群众评价低" } else { () }
}
fn arith(r) {
    let s = r.sheets * 2 - 1;
    let t = { let y = s / (r.sheets - 20); y + 1 };
    if -r.composite < -59.99999999999999 && t != 0 { "合格" } else if r.member == "张三" { return; } else { "不合格" }
}
fn shadow(r) {
    let x = r.composite;
    { let x = 1; if x > 0 { } }
    let r = x + 0.5;
    if r >= 60.5 { "合格" } else { "不合格" }
}
fn wrong(r) {
    if r.sheets { "x" }
    r.composite
}
fn missing(r) { if r.groups.不存在的组 > 1 { "x" } else { "y" } }
"#;

    /// Functions that must stay in Rhai.
    const NOT_PLANNED: &str = r#"
fn loops(r) { let n = 0; for k in r.groups.keys() { n += 1; } "x" }
fn calls(r) { if r.groups.contains("甲") { "a" } }
fn whole(r) { let g = r.groups; "a" }
fn elvis(r) { if r?.composite > 1 { "a" } }
fn throws(r) { throw "x"; }
fn helper(r) { guanba(r) }
fn record(r) { r }
fn modulo(r) { if r.sheets % 2 == 0 { "a" } }
fn text(r) { `${r.member}` }
fn nothing(r) { r.nothing }
fn deeper(r) { if r.groups.党员互评.x > 1 { "a" } }
"#;

    fn subject(member: &str, composite: f64, groups: &[(&str, f64)], sheets: u32) -> SubjectScore {
        let names: Arc<[String]> = groups.iter().map(|g| g.0.to_string()).collect();
        let items = Named { names: Arc::from(vec![]), values: vec![] };
        let values = groups.iter().map(|g| GroupScore { sheets: 3, used: 3, mean: g.1, weight: 40.0, items: items.clone() }).collect();
        let missing = ["党员互评", "群众参评", "支委会考评"].iter().filter(|g| !groups.iter().any(|x| x.0 == **g)).map(|g| g.to_string()).collect();
        SubjectScore {
            member: member.into(),
            id: None,
            composite,
            groups: Named { names, values },
            items,
            sheets,
            missing_groups: missing,
            outcome: None,
            suggestion: false,
            decision: None,
        }
    }

    fn tally(counts: [u64; 3]) -> crate::eval::vote::Tally {
        let total: u64 = counts.iter().sum();
        let mut m = serde_json::Map::new();
        for (k, v) in ["满意", "基本满意", "不满意"].iter().zip(counts) {
            m.insert(k.to_string(), v.into());
        }
        let rate = if total == 0 { 0.0 } else { (counts[0] + counts[1]) as f64 * 100.0 / total as f64 };
        crate::eval::vote::Tally {
            subject: "x".into(),
            counts: m,
            total,
            rate,
            shares: serde_json::Map::new(),
            triggered: false,
            action: None,
            groups: serde_json::Map::new(),
        }
    }

    fn checklists() -> Vec<crate::eval::checklist::Checklist> {
        let mut src = crate::source::MemorySource::new();
        for f in ["guanba.rhai", "central.rhai"] {
            src.insert(f, std::fs::read_to_string(format!("../rules/{f}")).unwrap());
        }
        let rs = crate::ruleset::RuleSet::load("guanba.rhai", &src);
        let day = chrono::NaiveDate::from_ymd_opt(2005, 6, 1);
        let mut out = vec![];
        for progress in [
            "{}",
            r#"{"征求意见": true}"#,
            r#"{"征求意见": true, "交心谈心": true, "党性分析材料": true, "专题组织生活会": true, "修改党性分析材料": true}"#,
        ] {
            let p = crate::eval::profile::Profile { role: "党员".into(), progress: serde_json::from_str(progress).unwrap(), ..Default::default() };
            out.push(rs.checklist(&p, day).unwrap());
        }
        out
    }

    /// Every function on every record: where the plan answers, Rhai gives the
    /// same answer; where Rhai fails or returns anything but text or `()`, the
    /// plan gives up. Functions outside the plans' reach get no plan.
    #[test]
    fn plans_agree_with_rhai_on_every_record() {
        let e = engine(&Limits::default());
        let ast = e.compile(format!("{PLANNED}\n{NOT_PLANNED}")).unwrap().clone_functions_only();
        let names: Vec<String> = ast.iter_functions().map(|f| f.name.to_string()).collect();
        let hooks = Hooks::new(ast, &Limits::default(), "t.rhai", vec![]);
        let planned: Vec<&String> = names.iter().filter(|n| PLANNED.contains(&format!("fn {n}("))).collect();
        for n in &names {
            assert_eq!(Plan::of_hook(&hooks, n).is_some(), planned.contains(&n), "{n}: planned?");
        }
        let composites = [0.0, 45.5, 59.9999, 59.99999999999999, 60.0, 60.00000000000001, 75.25, 90.0, 100.0];
        let group_sets: [&[(&str, f64)]; 4] = [
            &[("党员互评", 55.0), ("群众参评", 39.9), ("支委会考评", 61.0)],
            &[("党员互评", 50.0), ("群众参评", 80.0), ("支委会考评", 90.0)],
            &[("党员互评", 70.0), ("支委会考评", 70.0)],
            &[],
        ];
        let tallies = [None, Some(tally([10, 0, 0])), Some(tally([2, 3, 6])), Some(tally([0, 0, 0]))];
        let lists = checklists();
        let mut cls: Vec<Option<&crate::eval::checklist::Checklist>> = vec![None];
        cls.extend(lists.iter().map(Some));
        let (mut answered, mut gave_up) = (0, 0);
        for name in &planned {
            // As a compiled bundle carries it (JSON) and a script-free build reads it back.
            let plan: Plan = serde_json::from_str(&serde_json::to_string(&Plan::of_hook(&hooks, name).unwrap()).unwrap()).unwrap();
            assert!(plan.sound(), "{name}: a translated plan is sound");
            let before = answered;
            for (ci, &c) in composites.iter().enumerate() {
                for gs in &group_sets {
                    for (ti, sat) in tallies.iter().enumerate() {
                        for cl in &cls {
                            let member = ["张三", "李四", "=王五"][(ci + ti) % 3];
                            let m = subject(member, c, gs, [0, 7, 20, 21][(ci + ti) % 4]);
                            let rhai = hooks.call(
                                name,
                                Dynamic::from_map(outcome_record(&m, sat.as_ref(), *cl)),
                                &crate::diag::Location::new("t.rhai", rhai::Position::NONE),
                            );
                            let want = match &rhai {
                                Ok(v) if v.is_unit() => Some(None),
                                Ok(v) if v.is_string() => Some(Some(v.clone().into_string().unwrap())),
                                _ => None,
                            };
                            match plan.run(&RecordView { m: &m, sat: sat.as_ref(), cl: *cl }) {
                                Some(got) => {
                                    answered += 1;
                                    assert_eq!(Some(&got), want.as_ref(), "{name} on {m:?}, {sat:?}, {cl:?}: Rhai gives {rhai:?}");
                                }
                                None => {
                                    gave_up += 1;
                                    // Giving up is only for what Rhai itself refuses or plans do not copy.
                                    assert!(want.is_none() || *name == "missing", "{name} gave up where Rhai gives {rhai:?}");
                                }
                            }
                        }
                    }
                }
            }
            // `wrong` tests a condition that is not true/false; `missing` a group no record has.
            assert_eq!(answered > before, !["wrong", "missing"].contains(&name.as_str()), "{name}: answered {}", answered - before);
        }
        // Not vacuous: most calls are answered by the plans, and giving up happens.
        assert!(answered > 2000 && gave_up > 300, "answered {answered}, gave up {gave_up}");
    }

    /// A plan read from a bundle that names a slot it does not have, or asks for a huge
    /// number of them, is not used (its function then needs the engine with Rhai).
    #[test]
    fn unsound_plans_from_a_bundle_are_refused() {
        let good: Plan = serde_json::from_str(r#"{"body":[{"Let":[0,{"Field":"Composite"}]},{"Expr":{"Slot":0}}],"slots":1}"#).unwrap();
        assert!(good.sound());
        for bad in [
            r#"{"body":[{"Expr":{"Slot":1}}],"slots":1}"#,
            r#"{"body":[{"Let":[3,{"Lit":"Unit"}]}],"slots":2}"#,
            r#"{"body":[{"If":[{"Lit":{"Bool":true}},[{"Return":{"Not":{"Slot":9}}}],[]]}],"slots":0}"#,
            r#"{"body":[],"slots":1000000000000}"#,
        ] {
            let p: Plan = serde_json::from_str(bad).unwrap();
            assert!(!p.sound(), "{bad}");
        }
    }
}

//! What "weaken" means, for every kind and field: the one table of locks.
//!
//! Everything a parent file declares binds its children (a 规定动作, seed 003/004):
//! a child may add, tighten and reword, never remove or weaken it, unless the
//! parent marks the declaration `optional: true` (a 自选动作: a child may remove
//! or change it) or lists the fields a child may change (`open: ["window"]`).
//! `required: true` is the default and still accepted.
//!
//! `kinds::KINDS` gives each (kind, field) its [`Rule`] (`kinds::Lock`); [`weakens`] applies it to a
//! parent's value and the value a child's declaration or amendment leaves;
//! [`markdown`] writes the guide's table from it (a test keeps
//! `docs/rules-guide.md` equal to it).

use crate::error::ymd;
use chrono::{Duration, NaiveDate};
use rhai::{Array, Dynamic, Map};

pub use crate::kinds::Lock as Rule;
use crate::kinds::{COMMON_FIELDS as COMMON, KINDS};

use Rule::*;

/// What a child may always do to a locked declaration, whatever its fields.
pub const ALWAYS: &[&str] = &[
    "改写 label、note、name、action、aliases、source、local 等说明文字 / reword labels, notes and provenance",
    "加强:提高下限、加角色、加方面、加部分、加提示、加转段条件、删去豁免或替代 / tighten",
    "给上级没有日期的阶段或批次定日期;在上级的日期或时间段之内缩短 / date what the parent leaves undated; narrow a window inside the parent's",
    "新声明上级没有的内容(这些内容又约束本文件的下级) / declare new things (which bind this file's children)",
];

/// The rule of `field` of `kind`, if the kind is locked at all. A field not in the table is `Fixed`.
pub fn rule(kind: &str, field: &str) -> Option<Rule> {
    let k = KINDS.iter().find(|k| k.name == kind && k.rule)?;
    Some(k.fields.iter().chain(COMMON).find(|(f, _)| *f == field).map_or(Fixed, |x| x.1))
}

/// The meaning of a rule, Chinese then English, for the guide's table.
pub fn meaning(r: Rule) -> &'static str {
    match r {
        Free => "可改写 / may be reworded",
        AtLeast => "只能提高,不能降低或删去 / raise only",
        AtMost => "只能降低,不能提高或删去 / lower only",
        KeepAll => "每一条(列表项、键、其中的列表)都要保留,可新增 / keep every entry, add more",
        AddNone => "不能新增条目,可删去 / add no entry",
        Narrow => "范围只能缩小:不能新增,也不能删成空或删去整个字段 / narrow only",
        Fixed => "不能改动(照抄可以) / unchanged",
        KeepTrue => "true 不能改为 false / stays true",
        KeepFalse => "不能改为 true / may not become true",
        NotFalse => "不能写成 false(不写即 true) / may not be written false",
        NotLater => "日期只能提前;截止环节不能改 / earlier only",
        Inside => "时间段只能在上级的之内缩短(按单位类型逐项) / narrow inside the parent's window",
        PhaseWindow => {
            "上级没有日期的可以定日期;有日期的只能在其内缩短,不能提前开始或推迟结束(含 extend_days,按批次逐项) / inside the parent's dates"
        }
        PerKeyAtLeast => "每个角色的数字只能提高 / per role, raise only",
        Announce => "提前公示的天数只能增加;说明可改写 / more days only",
    }
}

/// The guide's table of locks (Markdown), generated from the kinds' fields ([`KINDS`]) and [`COMMON`].
pub fn markdown() -> String {
    let mut s = String::from("| 种类 kind | 字段 field | 下级可以怎样改 / what a child may do |\n|---|---|---|\n");
    for k in KINDS.iter().filter(|k| k.rule) {
        for (f, r) in k.fields {
            s.push_str(&format!("| {} | `{f}` | {} |\n", k.name, meaning(*r)));
        }
    }
    for (f, r) in COMMON {
        s.push_str(&format!("| (每种) | `{f}` | {} |\n", meaning(*r)));
    }
    s.push_str("\n下级总是可以 / a child may always:\n\n");
    for a in ALWAYS {
        s.push_str(&format!("- {a}\n"));
    }
    s
}

pub(crate) fn num(v: &Dynamic) -> Option<f64> {
    v.as_int().map(|i| i as f64).ok().or_else(|| v.as_float().ok())
}

fn text(v: &Dynamic) -> Option<String> {
    v.clone().into_string().ok()
}

fn shown(v: Option<&Dynamic>) -> String {
    v.map_or("(删去 removed)".to_string(), |v| v.to_string())
}

/// An array element's identity: its `name` or `reason` when it is a map, else its text.
fn ident(v: &Dynamic) -> String {
    if let Some(m) = v.read_lock::<Map>() {
        for k in ["name", "reason"] {
            if let Some(s) = m.get(k).and_then(text) {
                return s;
            }
        }
    }
    v.to_string()
}

/// Keys of a map whose text is member-facing wording, not a rule.
const WORDING: &[&str] = &["label", "reason", "note", "source", "local", "name"];

/// What `new` lost of `old` (every entry kept, nested lists and maps alike), as text.
fn lost(old: &Dynamic, new: Option<&Dynamic>, path: &str, out: &mut Vec<String>) {
    if let Some(oa) = old.read_lock::<Array>() {
        let na: Array = new.and_then(|n| n.read_lock::<Array>().map(|a| a.clone())).unwrap_or_default();
        for o in oa.iter() {
            let id = ident(o);
            match na.iter().find(|n| ident(n) == id) {
                None => out.push(format!("{path}{id}")),
                Some(n) if o.is_map() => lost(o, Some(n), &format!("{path}{id}."), out),
                Some(_) => {}
            }
        }
        return;
    }
    if let Some(om) = old.read_lock::<Map>() {
        let nm = new.and_then(|n| n.read_lock::<Map>().map(|m| m.clone()));
        for (k, o) in om.iter() {
            if WORDING.contains(&k.as_str()) {
                continue;
            }
            let n = nm.as_ref().and_then(|m| m.get(k.as_str()));
            match n {
                None => out.push(format!("{path}{k}")),
                Some(n) => lost(o, Some(n), &format!("{path}{k}."), out),
            }
        }
        return;
    }
    if new.is_none_or(|n| n.to_string() != old.to_string()) {
        out.push(format!("{path}{old}→{}", shown(new)));
    }
}

/// Keys (maps) or entries (lists) of a value.
fn keys(v: &Dynamic) -> Vec<String> {
    if let Some(m) = v.read_lock::<Map>() {
        return m.keys().map(|k| k.to_string()).collect();
    }
    if let Some(a) = v.read_lock::<Array>() {
        return a.iter().map(ident).collect();
    }
    vec![v.to_string()]
}

/// A phase's (or a batch's) `[start, last day]`, with `days` and `extend_days` counted
/// (`extend_days` not counted when `extend` is false: the parent opened it).
fn dates(m: &Map, extend: bool) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let start = m.get("start").and_then(text).and_then(|s| ymd(&s));
    let days = m.get("days").and_then(num).map(|d| d as i64);
    let end = m.get("end").and_then(text).and_then(|s| ymd(&s)).or_else(|| Some(start? + Duration::days(days? - 1)));
    let extend = m.get("extend_days").and_then(num).filter(|_| extend).map_or(0, |d| d as i64);
    (start, end.map(|e| e + Duration::days(extend)))
}

fn show_dates((s, e): (Option<NaiveDate>, Option<NaiveDate>)) -> String {
    let f = |d: Option<NaiveDate>| d.map_or("—".to_string(), |d| d.to_string());
    format!("{} 至 {}", f(s), f(e))
}

/// Why the dates `new` leave are not inside `old`'s.
fn outside(old: &Map, new: &Map, what: &str, extend: bool) -> Option<String> {
    let (o, n) = (dates(old, extend), dates(new, extend));
    let early = o.0.is_some_and(|os| n.0.is_none_or(|ns| ns < os));
    let late = o.1.is_some_and(|oe| n.1.is_none_or(|ne| ne > oe));
    (early || late).then(|| format!("{what}日期从 {} 改为 {}:超出上级的日期 / dates moved outside the parent's", show_dates(o), show_dates(n)))
}

/// A `windows: #{ 单位类型: [start, end] }` (a step's or a phase's) weakened: a unit type's window dropped or moved out.
fn units_inside(field: &str, old: &Dynamic, new: Option<&Dynamic>) -> Option<String> {
    let om = old.read_lock::<Map>()?;
    let nm = new.and_then(|n| n.read_lock::<Map>().map(|m| m.clone())).unwrap_or_default();
    for (unit, ow) in om.iter() {
        let Some((os, oe)) = window(ow) else { continue };
        let ok = nm.get(unit.as_str()).and_then(window).is_some_and(|(ns, ne)| ns >= os && ne <= oe);
        if !ok {
            return Some(format!("{field} 中 {unit} 的时间段 {os} 至 {oe} 被删去或移出 / window outside the parent's"));
        }
    }
    None
}

fn window(v: &Dynamic) -> Option<(NaiveDate, NaiveDate)> {
    let a = v.read_lock::<Array>()?;
    Some((ymd(&text(a.first()?)?)?, ymd(&text(a.get(1)?)?)?))
}

/// Why changing `field` of a locked `kind` from `old` to `new` weakens it, if it does.
/// `new_all` is the whole declaration as the child leaves it (phase dates are read together);
/// `extend_open`: the parent opened `extend_days` (000: 整改提高阶段可根据实际情况适当延长), so an extension is no weakening.
pub(crate) fn weakens(
    kind: &str,
    field: &str,
    old: &Dynamic,
    new: Option<&Dynamic>,
    old_all: &Map,
    new_all: &Map,
    extend_open: bool,
) -> Option<String> {
    let r = rule(kind, field)?;
    match r {
        Free => None,
        AtLeast | AtMost => {
            let o = num(old)?;
            match new.and_then(num) {
                Some(n) if (r == AtLeast && n >= o) || (r == AtMost && n <= o) => None,
                _ if r == AtLeast => Some(format!("{field} 从 {o} 降为 {} / lowered", shown(new))),
                _ => Some(format!("{field} 从 {o} 升为 {} / raised", shown(new))),
            }
        }
        PerKeyAtLeast => {
            let om = old.read_lock::<Map>()?;
            let nm = new.and_then(|n| n.read_lock::<Map>().map(|m| m.clone())).unwrap_or_default();
            for (role, ov) in om.iter() {
                let nv = nm.get(role.as_str()).and_then(num);
                if nv.is_none_or(|n| Some(n) < num(ov)) {
                    return Some(format!("{field} 中 {role} 从 {ov} 降为 {} / lowered", nv.map_or("(删去)".into(), |n| n.to_string())));
                }
            }
            None
        }
        KeepAll => {
            let mut out = vec![];
            lost(old, new, "", &mut out);
            (!out.is_empty()).then(|| format!("{field} 删去或改动了 {} / entries dropped", out.join("、")))
        }
        AddNone => {
            let had = keys(old);
            let added: Vec<String> = new.map(keys).unwrap_or_default().into_iter().filter(|x| !had.contains(x)).collect();
            (!added.is_empty()).then(|| format!("{field} 新增了 {} / entries added", added.join("、")))
        }
        Narrow => {
            let had = keys(old);
            let now = new.map(keys).unwrap_or_default();
            let added: Vec<String> = now.iter().filter(|x| !had.contains(x)).cloned().collect();
            if now.is_empty() && !had.is_empty() {
                return Some(format!("{field} 删去了整个范围 {} / scope dropped", had.join("、")));
            }
            (!added.is_empty()).then(|| format!("{field} 扩大到 {} / scope widened", added.join("、")))
        }
        Fixed => new.is_none_or(|n| n.to_string() != old.to_string()).then(|| format!("{field} 从 {old} 改为 {} / changed", shown(new))),
        KeepTrue => (old.as_bool().ok() == Some(true) && new.and_then(|n| n.as_bool().ok()) != Some(true))
            .then(|| format!("{field} 从 true 改为 {} / turned off", shown(new))),
        NotFalse => (new.and_then(|n| n.as_bool().ok()) == Some(false)).then(|| format!("{field} 改为 false / turned off")),
        KeepFalse => {
            (old.as_bool().ok() != Some(true) && new.and_then(|n| n.as_bool().ok()) == Some(true)).then(|| format!("{field} 改为 true / turned on"))
        }
        NotLater => {
            // A date per batch (`due: #{ 第一批: "…" }`): each listed batch's date may only move earlier, and stays listed.
            if let Some(om) = old.read_lock::<Map>().map(|m| m.clone()) {
                let nm = new.and_then(|n| n.read_lock::<Map>().map(|m| m.clone()));
                for (b, od) in &om {
                    let Some(o) = text(od) else { continue };
                    let n = nm.as_ref().and_then(|m| m.get(b.as_str())).and_then(text);
                    match (ymd(&o), n.as_deref().and_then(ymd)) {
                        (Some(od), Some(nd)) if nd <= od => {}
                        _ => return Some(format!("{field} 中 {b} 从 {o} 改为 {} / later or changed", n.unwrap_or_else(|| "(删去)".into()))),
                    }
                }
                return None;
            }
            let o = text(old)?;
            let n = new.and_then(text);
            match (ymd(&o), n.as_deref().and_then(ymd)) {
                (Some(od), Some(nd)) if nd <= od => None,
                (None, Some(_)) => None,
                (None, None) if n.as_deref() == Some(o.as_str()) => None,
                _ => Some(format!("{field} 从 {o} 改为 {} / later or changed", n.unwrap_or_else(|| "(删去)".into()))),
            }
        }
        Inside => {
            if let Some((os, oe)) = window(old) {
                let ok = new.and_then(window).is_some_and(|(ns, ne)| ns >= os && ne <= oe);
                return (!ok).then(|| format!("{field} 从 {os} 至 {oe} 改为 {}:超出上级的时间段 / window outside the parent's", shown(new)));
            }
            units_inside(field, old, new)
        }
        Announce => {
            let om = old.read_lock::<Map>()?;
            let nm = new.and_then(|n| n.read_lock::<Map>().map(|m| m.clone()));
            let o = om.get("days_before").and_then(num).unwrap_or(0.0);
            match nm.as_ref().map(|m| m.get("days_before").and_then(num).unwrap_or(0.0)) {
                Some(n) if n >= o => None,
                n => Some(format!("{field} 提前公示天数从 {o} 降为 {} / fewer days", n.map_or("(删去)".into(), |n| n.to_string()))),
            }
        }
        PhaseWindow => {
            if field == "batches" {
                let om = old.read_lock::<Map>()?;
                let nm = new.and_then(|n| n.read_lock::<Map>().map(|m| m.clone())).unwrap_or_default();
                for (batch, ob) in om.iter() {
                    let Some(ob) = ob.read_lock::<Map>() else { continue };
                    let nb = nm.get(batch.as_str()).and_then(|n| n.read_lock::<Map>().map(|m| m.clone())).unwrap_or_default();
                    if let Some(why) = outside(&ob, &nb, &format!("{batch}的"), !extend_open) {
                        return Some(why);
                    }
                    if let Some(ow) = ob.get("windows") {
                        if let Some(why) = units_inside(&format!("{field} 中 {batch} 的 windows"), ow, nb.get("windows")) {
                            return Some(why);
                        }
                    }
                }
                return None;
            }
            // start, end, days and extend_days are read together, reported once (on `start` if the parent has it, else the first present).
            let first = ["start", "end", "days", "extend_days"].into_iter().find(|f| old_all.contains_key(*f));
            if first != Some(field) {
                return None;
            }
            outside(old_all, new_all, "", !extend_open)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The guide's table is this table.
    #[test]
    fn the_guide_shows_this_table() {
        let guide = include_str!("../../../docs/rules-guide.md");
        assert!(guide.contains(&markdown()), "docs/rules-guide.md 的锁表与 core/src/load/locks.rs 不一致;应为:\n{}", markdown());
    }
}

/// The generated lock test: for every locked declaration of the shipped rules and each field it has,
/// a child that weakens it is refused at its own line, and one that restates or tightens it is accepted.
#[cfg(test)]
mod shipped {
    use super::*;
    use crate::diag::Diags;
    use crate::load::entity::dynamic_to_json;
    use crate::source::MemorySource;

    const SHIPPED: &[(&str, &str)] = &[
        ("central.rhai", include_str!("../../../rules/central.rhai")),
        ("guangan.rhai", include_str!("../../../rules/guangan.rhai")),
        ("guanba.rhai", include_str!("../../../rules/guanba.rhai")),
        ("meizhou.rhai", include_str!("../../../rules/meizhou.rhai")),
        ("jiangsu-water.rhai", include_str!("../../../rules/jiangsu-water.rhai")),
    ];

    /// A value as Rhai source.
    fn lit(v: &serde_json::Value) -> String {
        use serde_json::Value as V;
        match v {
            V::Null => "()".into(),
            V::Array(a) => format!("[{}]", a.iter().map(lit).collect::<Vec<_>>().join(", ")),
            V::Object(o) => {
                format!("#{{ {} }}", o.iter().map(|(k, v)| format!("{}: {}", V::String(k.clone()), lit(v))).collect::<Vec<_>>().join(", "))
            }
            other => other.to_string(),
        }
    }

    fn day(s: &str, by: i64) -> String {
        ymd(s).map_or_else(|| format!("{s}改"), |d| (d + Duration::days(by)).to_string())
    }

    /// A weakened and a tightened (or restated) value of `field`, when the rule lets one be made.
    fn moves(rule: Rule, field: &str, v: &serde_json::Value, ex: &Map) -> (Option<serde_json::Value>, serde_json::Value) {
        use serde_json::{json, Value as V};
        let same = v.clone();
        match (rule, v) {
            (AtLeast, V::Number(n)) => (Some(json!(n.as_f64().unwrap_or(0.0) - 1.0)), json!(n.as_f64().unwrap_or(0.0) + 1.0)),
            (AtMost, V::Number(n)) => (Some(json!(n.as_f64().unwrap_or(0.0) + 1.0)), json!(n.as_f64().unwrap_or(0.0) - 1.0)),
            (KeepAll, V::Array(a)) if !a.is_empty() => (Some(V::Array(a[1..].to_vec())), same),
            (Narrow, V::Array(a)) if !a.is_empty() => (Some(json!([])), same),
            (KeepAll | PerKeyAtLeast, V::Object(o)) if !o.is_empty() => {
                let mut w = o.clone();
                let first = o.keys().next().cloned().unwrap_or_default();
                w.remove(&first);
                (Some(V::Object(w)), same)
            }
            (AddNone, V::Object(o)) => {
                let mut w = o.clone();
                w.insert("新增的人".into(), json!("可以不做"));
                (Some(V::Object(w)), same)
            }
            (AddNone, V::Array(a)) => {
                let mut w = a.clone();
                w.push(json!("新增的字段"));
                (Some(V::Array(w)), same)
            }
            (Fixed, V::Number(n)) => (Some(json!(n.as_f64().unwrap_or(0.0) + 1.0)), same),
            (Fixed, V::String(s)) => (Some(json!(format!("{s}改"))), same),
            (Fixed, V::Array(a)) if !a.is_empty() => (Some(V::Array(a[1..].to_vec())), same),
            (Fixed, V::Bool(b)) => (Some(json!(!b)), same),
            (KeepTrue, V::Bool(true)) => (Some(json!(false)), same),
            (NotLater, V::String(s)) => (Some(json!(day(s, 1))), if ymd(s).is_some() { json!(day(s, -1)) } else { same }),
            (NotLater, V::Object(o)) if !o.is_empty() => {
                // The first batch's date one day later.
                let mut w = o.clone();
                let first = o.keys().next().cloned().unwrap_or_default();
                let later = day(o.get(&first).and_then(|x| x.as_str()).unwrap_or_default(), 1);
                w.insert(first, json!(later));
                (Some(V::Object(w)), same)
            }
            (Inside, V::Array(a)) if a.len() == 2 => {
                let end = a[1].as_str().unwrap_or_default();
                (Some(json!([a[0], day(end, 1)])), same)
            }
            (Inside, V::Object(o)) if !o.is_empty() => {
                let mut w = o.clone();
                let first = o.keys().next().cloned().unwrap_or_default();
                w.remove(&first);
                (Some(V::Object(w)), same)
            }
            (Announce, V::Object(o)) => {
                let d = o.get("days_before").and_then(|x| x.as_f64()).unwrap_or(0.0);
                let mut w = o.clone();
                w.insert("days_before".into(), json!(d - 1.0));
                let mut t = o.clone();
                t.insert("days_before".into(), json!(d + 1.0));
                (Some(V::Object(w)).filter(|_| d > 0.0), V::Object(t))
            }
            (PhaseWindow, V::Object(o)) => {
                // Each dated batch moved one day later at its end.
                let dated = o.iter().find(|(_, b)| b.get("end").or(b.get("days")).is_some());
                let w = dated.map(|(k, b)| {
                    let mut b = b.clone();
                    if let Some(e) = b.get("end").and_then(|x| x.as_str()).map(|e| day(e, 1)) {
                        b["end"] = json!(e);
                    } else if let Some(d) = b.get("days").and_then(|x| x.as_f64()) {
                        b["days"] = json!(d + 1.0);
                    }
                    let mut w = o.clone();
                    w.insert(k.clone(), b);
                    V::Object(w)
                });
                (w, same)
            }
            (PhaseWindow, V::String(s)) if field == "end" => (Some(json!(day(s, 1))), same),
            (PhaseWindow, V::String(s)) if field == "start" => (Some(json!(day(s, -1))), same),
            (PhaseWindow, V::Number(n)) if field == "days" && !ex.contains_key("end") => (Some(json!(n.as_f64().unwrap_or(0.0) + 1.0)), same),
            _ => (None, same),
        }
    }

    fn lock_errors(src: &MemorySource) -> Vec<crate::diag::Diagnostic> {
        let mut d = Diags::default();
        let _ = crate::load::run::load("child.rhai", src, &crate::sandbox::Limits::default(), &mut d);
        d.list.into_iter().filter(|x| x.code.starts_with("lock.")).collect()
    }

    #[test]
    fn every_locked_field_of_the_shipped_rules_refuses_a_weakening_and_accepts_a_restatement() {
        let (mut refused, mut accepted) = (0, 0);
        for (file, _) in SHIPPED {
            let mut src = MemorySource::new();
            for (n, t) in SHIPPED {
                src.insert(*n, *t);
            }
            let mut d = Diags::default();
            let loaded = crate::load::run::load(file, &src, &crate::sandbox::Limits::default(), &mut d);
            for e in loaded.entities.iter().filter(|e| e.required_by.as_deref() == Some(*file)) {
                let opened: Vec<String> =
                    e.fields.get("open").and_then(|v| v.read_lock::<Array>().map(|a| a.iter().map(|x| x.to_string()).collect())).unwrap_or_default();
                // Removing it is refused.
                src.insert("child.rhai", format!("extends(\"{file}\");\nremove(\"{}\", \"{}\");\n", e.kind, e.key));
                let errs = lock_errors(&src);
                assert!(
                    errs.iter().any(|x| x.code == "lock.remove" && x.location.file == "child.rhai" && x.location.line == 2),
                    "{file}: remove {} {}",
                    e.kind,
                    e.key
                );
                refused += 1;
                for (field, v) in &e.fields {
                    let Some(rule) = rule(&e.kind, field) else { continue };
                    if opened.iter().any(|o| o == field.as_str()) || COMMON.iter().any(|(c, _)| c == field) {
                        continue;
                    }
                    let (weak, strong) = moves(rule, field, &dynamic_to_json(v), &e.fields);
                    let child = |val: &serde_json::Value| {
                        format!("extends(\"{file}\");\namend(\"{}\", \"{}\", #{{ replace: [\"{field}\"], {field}: {} }});\n", e.kind, e.key, lit(val))
                    };
                    src.insert("child.rhai", child(&strong));
                    let errs = lock_errors(&src);
                    assert!(errs.is_empty(), "{file}: tightening {}.{} {field} was refused: {errs:?}\n{}", e.kind, e.key, child(&strong));
                    accepted += 1;
                    if let Some(w) = weak {
                        src.insert("child.rhai", child(&w));
                        let errs = lock_errors(&src);
                        assert!(
                            errs.iter().any(|x| x.code == "lock.weaken" && x.location.file == "child.rhai" && x.location.line == 2),
                            "{file}: weakening {}.{} {field} ({rule:?}) was accepted:\n{}",
                            e.kind,
                            e.key,
                            child(&w)
                        );
                        refused += 1;
                    }
                }
            }
        }
        eprintln!("lock corpus: {refused} weakenings refused, {accepted} restatements accepted");
        assert!(refused > 200 && accepted > 200, "refused {refused}, accepted {accepted}");
    }

    /// An amend merges nested maps key by key: the inherited start and length of a batch stay.
    #[test]
    fn an_amend_keeps_what_it_does_not_name_and_replace_says_what_it_dropped() {
        let mut src = MemorySource::new();
        for (n, t) in SHIPPED {
            src.insert(*n, *t);
        }
        src.insert("child.rhai", "extends(\"guangan.rhai\");\namend(\"phase\", \"学习动员\", #{ batches: #{ 第一批: #{ extend_days: 10 } } });\n");
        let mut d = Diags::default();
        let loaded = crate::load::run::load("child.rhai", &src, &crate::sandbox::Limits::default(), &mut d);
        let e =
            loaded.entities.iter().find(|e| e.kind == "phase" && e.key == "学习动员").map(|e| dynamic_to_json(&Dynamic::from_map(e.fields.clone())));
        let b = &e.unwrap_or_default()["batches"]["第一批"];
        assert_eq!((b["start"].as_str(), b["days"].as_i64(), b["extend_days"].as_i64()), (Some("2005-01-17"), Some(45), Some(10)), "{b}");
        src.insert("child.rhai", "extends(\"guangan.rhai\");\namend(\"phase\", \"学习动员\", #{ replace: [\"batches\"], batches: #{ 第二批: #{ start: \"2005-07-01\" } } });\n");
        let mut d = Diags::default();
        let _ = crate::load::run::load("child.rhai", &src, &crate::sandbox::Limits::default(), &mut d);
        let codes: Vec<_> = d.list.iter().map(|x| (x.code, x.location.line)).collect();
        assert!(codes.contains(&("amend.replaced", 2)) && codes.contains(&("lock.weaken", 2)), "{codes:?}");
        assert!(d.list.iter().any(|x| x.code == "amend.replaced" && x.message.contains("第一批")), "{:?}", d.list);
    }

    /// A unit type's own dates of a phase (guanba: 机关 to 9/5 inside 第二批) narrow only: later is refused,
    /// shorter accepted, and so for a phase's outer `windows`.
    #[test]
    fn a_unit_types_phase_window_may_narrow_only() {
        let mut src = MemorySource::new();
        for (n, t) in SHIPPED {
            src.insert(*n, *t);
        }
        let amend = |w: &str| {
            format!("extends(\"guanba.rhai\");\namend(\"phase\", \"分析评议\", #{{ batches: #{{ 第二批: #{{ windows: #{{ 机关: {w} }} }} }} }});\n")
        };
        src.insert("child.rhai", amend("[\"2005-08-16\", \"2005-09-06\"]"));
        assert!(
            lock_errors(&src).iter().any(|x| x.code == "lock.weaken" && x.location.line == 2 && x.message.contains("机关")),
            "{:?}",
            lock_errors(&src)
        );
        src.insert("child.rhai", amend("[\"2005-08-17\", \"2005-09-04\"]"));
        assert!(lock_errors(&src).is_empty(), "{:?}", lock_errors(&src));
        src.insert("parent.rhai", "phase(\"甲\", #{ windows: #{ 机关: [\"2005-01-01\", \"2005-01-31\"] } });\n");
        src.insert(
            "child.rhai",
            "extends(\"parent.rhai\");\nunit(\"机关\");\namend(\"phase\", \"甲\", #{ windows: #{ 机关: [\"2004-12-31\", \"2005-01-31\"] } });\n",
        );
        let errs = lock_errors(&src);
        assert!(errs.iter().any(|x| x.code == "lock.weaken" && x.location.line == 3), "{errs:?}");
    }
}

/// Entries of a list as text.
pub(crate) fn entries(v: &rhai::Dynamic) -> Vec<String> {
    v.read_lock::<rhai::Array>().map(|a| a.iter().map(|x| x.to_string()).collect()).unwrap_or_default()
}

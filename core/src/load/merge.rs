//! Merges a chain's declarations root → leaf: same kind and key replaces,
//! `amend` changes fields, `remove` deletes; a parent's locks are checked.

use super::entity::Entity;
use super::{locks, Decl, Op};
use crate::diag::Diags;
use crate::kinds::{self, KINDS};
use rhai::{Dynamic, Map};

/// Entities merged so far, with an index by (kind, key) so that merging is
/// linear in the number of declarations.
#[derive(Default)]
pub(crate) struct Merged {
    slots: Vec<Entity>,
    /// Slots whose entity a later file removed.
    gone: Vec<bool>,
    /// Per kind (its place in [`KINDS`]): key → slot.
    index: Vec<rustc_hash::FxHashMap<String, usize>>,
}

impl Merged {
    /// The entities merged so far, in order (a copy).
    pub(crate) fn live(&self) -> Vec<Entity> {
        self.slots.iter().zip(&self.gone).filter(|(_, g)| !**g).map(|(e, _)| e.clone()).collect()
    }

    pub(crate) fn into_vec(self) -> Vec<Entity> {
        let (mut slots, gone) = (self.slots, self.gone);
        let mut gone = gone.into_iter();
        slots.retain(|_| !gone.next().unwrap_or(false));
        slots
    }
}

/// The parent's declaration as the message names it: where a parent file wrote the field, else the
/// declaration when the file whose lock it is wrote it, else that file.
fn parent_of(e: &Entity, field: Option<&str>) -> String {
    let by = e.required_by.clone().unwrap_or_else(|| e.loc.file.clone());
    let at = field.and_then(|f| e.field_locs.get(f)).or(Some(&e.loc).filter(|l| l.file == by));
    at.map_or(by.clone(), |l| format!("{}:{}", l.file, l.line))
}

/// Whether a later file may change `field` of `e` freely: the declaration is a
/// 自选动作 (`optional: true`) or the parent opened the field (`open: [...]`).
fn open(e: &Entity, field: &str) -> bool {
    if e.fields.get("optional").and_then(|v| v.as_bool().ok()) == Some(true) {
        return true;
    }
    e.fields.get("open").and_then(|v| v.read_lock::<rhai::Array>().map(|a| a.iter().any(|x| x.to_string() == field))).unwrap_or(false)
}

/// Errors for every way `new` (the fields a child's redeclaration or amendment
/// of `e` leaves) weakens what a parent file declared (locks by default, see `locks`).
pub(crate) fn check_lock(e: &Entity, d: &Decl, new: &Map, diags: &mut Diags) {
    if e.required_by.as_ref().is_none_or(|by| *by == d.loc.file) {
        return;
    }
    let date_fields = ["start", "end", "days", "extend_days"];
    let mut report = |field: &str, why: String| {
        let at = d
            .field_locs
            .get(field)
            .or_else(|| if date_fields.contains(&field) { date_fields.iter().find_map(|f| d.field_locs.get(*f)) } else { None })
            .cloned()
            .unwrap_or_else(|| d.loc.clone());
        diags.error(
            "lock.weaken",
            &at,
            format!(
                "{} \"{}\" 是上级文件 {} 规定的内容(规定动作),下级不能减弱:{why};若上级允许,应在上级写 optional: true 或 open: [\"{field}\"] / a parent's declaration cannot be weakened",
                e.kind,
                e.key,
                parent_of(e, Some(field))
            ),
        );
    };
    for (k, old) in &e.fields {
        if open(e, k) {
            continue;
        }
        if let Some(why) = locks::weakens(&e.kind, k, old, new.get(k.as_str()), &e.fields, new, open(e, "extend_days")) {
            report(k, why);
        }
    }
    // A field the parent did not have at all: an exemption, a substitute, an opened field or `optional: true` is added.
    for (k, v) in new {
        if e.fields.contains_key(k.as_str()) || open(e, k) {
            continue;
        }
        let empty = match locks::rule(&e.kind, k) {
            Some(locks::Rule::AddNone) => Dynamic::from_map(Map::new()),
            // A scope added where the parent had none narrows it.
            Some(locks::Rule::Narrow) => continue,
            Some(locks::Rule::KeepFalse) => Dynamic::FALSE,
            Some(locks::Rule::NotFalse) => Dynamic::TRUE,
            _ => continue,
        };
        if let Some(why) = locks::weakens(&e.kind, k, &empty, Some(v), &e.fields, new, open(e, "extend_days")) {
            report(k, why);
        }
    }
}

/// A file that changes a 自选动作 without saying `optional: true` again adopts it: from
/// then on it binds that file's children (locks by default; a clerk who forgets a mark is safe).
fn adopt(e: &mut Entity, file: &str, says_optional: bool) {
    if e.required_by.is_none() && locks::rule(&e.kind, "source").is_some() && !says_optional {
        e.fields.remove("optional");
        e.field_locs.remove("optional");
        // The lock is now this file's: a later file is checked against it.
        e.required_by = Some(file.to_string());
    }
}

/// `old` amended by `new`: maps merge key by key (a batch's dates, a unit's window, a role's minimum,
/// substitutes), anything else is replaced. In a phase, setting `end` drops `days` and the other way round.
fn merge_into(old: &mut Map, new: Map, phase: bool) {
    for (a, b) in [("end", "days"), ("days", "end")] {
        if phase && new.contains_key(a) {
            old.remove(b);
        }
    }
    for (k, v) in new {
        match (old.get_mut(k.as_str()).and_then(|o| o.write_lock::<Map>()), v.read_lock::<Map>().map(|m| m.clone())) {
            (Some(mut o), Some(n)) => merge_into(&mut o, n, phase),
            _ => {
                old.insert(k, v);
            }
        }
    }
}

/// The fields an amendment leaves, and (for `replace: [...]`) what inherited entries it replaced.
fn amended(e: &Entity, d: &Decl, diags: &mut Diags) -> Map {
    let mut out = e.fields.clone();
    let mut fields = d.fields.clone();
    let replace: Vec<String> =
        fields.remove("replace").and_then(|v| v.read_lock::<rhai::Array>().map(|a| a.iter().map(|x| x.to_string()).collect())).unwrap_or_default();
    if fields.contains_key("source") || fields.contains_key("local") {
        // The amendment says where its change comes from; the old provenance no longer covers it alone.
        out.remove("source");
        out.remove("local");
    }
    for k in &replace {
        let Some(old) = out.remove(k.as_str()) else { continue };
        let new = fields.get(k.as_str());
        let gone: Vec<String> = match (old.read_lock::<Map>(), new.and_then(|n| n.read_lock::<Map>())) {
            (Some(o), Some(n)) => o.keys().filter(|x| !n.contains_key(x.as_str())).map(|x| x.to_string()).collect(),
            _ => vec![old.to_string()],
        };
        let at = d.field_locs.get("replace").cloned().unwrap_or_else(|| d.loc.clone());
        diags.warning(
            "amend.replaced",
            &at,
            format!(
                "{} \"{}\" 的 {k} 整个替换了上级的值(上级 {}),去掉了:{} / replaced the inherited {k}",
                e.kind,
                e.key,
                parent_of(e, Some(k)),
                if gone.is_empty() { "(无 none)".to_string() } else { gone.join("、") }
            ),
        );
    }
    merge_into(&mut out, fields, e.kind == "phase");
    out
}

pub(crate) fn apply(m: &mut Merged, decls: Vec<Decl>, diags: &mut Diags) {
    m.index.resize_with(KINDS.len(), Default::default);
    m.slots.reserve(decls.len());
    m.gone.reserve(decls.len());
    for d in decls {
        let Some(kind) = kinds::index(&d.kind) else {
            diags.error("decl.unknown_kind", &d.loc, format!("未知的种类 \"{}\",可用: {} / unknown kind", d.kind, kinds::names()));
            continue;
        };
        let index = &mut m.index[kind];
        let pos = index.get(d.key.as_str()).copied().filter(|&i| !m.gone[i]);
        match (d.op, pos) {
            (Op::Declare, Some(i)) => {
                let e = &mut m.slots[i];
                if e.loc.file == d.loc.file {
                    diags.warning(
                        "decl.duplicate",
                        &d.loc,
                        format!(
                            "{} \"{}\" 在本文件中重复声明(第 {} 行),以后者为准 / declared twice in this file; the later one wins",
                            d.kind, d.key, e.loc.line
                        ),
                    );
                }
                check_lock(e, &d, &d.fields, diags);
                e.field_locs = d.field_locs;
                let says_optional = d.fields.get("optional").and_then(|v| v.as_bool().ok()) == Some(true);
                e.fields = d.fields;
                adopt(e, &d.loc.file, says_optional);
                e.loc = d.loc;
            }
            (Op::Declare, None) => {
                index.insert(d.key.clone(), m.slots.len());
                m.gone.push(false);
                m.slots.push(Entity {
                    required_by: (locks::rule(&d.kind, "source").is_some() && d.fields.get("optional").and_then(|v| v.as_bool().ok()) != Some(true))
                        .then(|| d.loc.file.clone()),
                    field_locs: d.field_locs,
                    kind: d.kind,
                    key: d.key,
                    fields: d.fields,
                    loc: d.loc,
                });
            }
            (Op::Amend, Some(i)) => {
                let e = &mut m.slots[i];
                let fields = amended(e, &d, diags);
                check_lock(e, &d, &fields, diags);
                for k in d.fields.keys() {
                    if k.as_str() != "replace" {
                        let at = d.field_locs.get(k.as_str()).cloned().unwrap_or_else(|| d.loc.clone());
                        e.field_locs.insert(k.to_string(), at);
                    }
                }
                e.field_locs.retain(|k, _| fields.contains_key(k.as_str()));
                e.fields = fields;
                adopt(e, &d.loc.file, d.fields.get("optional").and_then(|v| v.as_bool().ok()) == Some(true));
            }
            (Op::Remove, Some(i)) => {
                let e = &m.slots[i];
                if e.required_by.as_ref().is_some_and(|by| *by != d.loc.file) {
                    diags.error(
                        "lock.remove",
                        &d.loc,
                        format!(
                            "{} \"{}\" 是上级文件 {} 规定的内容(规定动作),下级不能删除;若是自选动作,应在上级写 optional: true / a parent's declaration cannot be removed",
                            d.kind,
                            d.key,
                            parent_of(e, None)
                        ),
                    );
                    continue;
                }
                m.gone[i] = true;
                index.remove(d.key.as_str());
            }
            (Op::Amend | Op::Remove, None) => {
                diags.error(
                    "decl.unknown_target",
                    &d.loc,
                    format!("要修改或删除的 {} \"{}\" 未在上级文件中声明 / nothing declared as {} \"{}\" to change", d.kind, d.key, d.kind, d.key),
                );
            }
        }
    }
}

/// Fields whose entries name roles, per kind: lists (`roles`) and maps keyed by role.
const ROLE_LISTS: &[(&str, &str)] = &[("require", "roles"), ("material", "roles"), ("exam", "roles")];
const ROLE_MAPS: &[(&str, &str)] = &[("require", "exempt"), ("require", "substitute"), ("material", "min_chars"), ("material", "extra_areas")];

/// Roles inherit duties: a role declared `like: "党员"` gets every requirement, material rule, exam,
/// exemption and substitute of 党员 (in declaration order, so a kind of a kind gets both). A new role
/// without `like` that would escape a locked requirement binding every individual role the parents
/// declared is an error at its line (`role.escapes`).
pub(crate) fn inherit_roles(es: &mut [Entity], files: &[String], diags: &mut Diags) {
    let rank = |f: &str| files.iter().position(|x| x == f).unwrap_or(0);
    let roles: Vec<(String, Option<String>, crate::diag::Location, bool)> = es
        .iter()
        .filter(|e| e.kind == "role")
        .map(|e| {
            let like = e.fields.get("like").and_then(|v| v.clone().into_string().ok());
            let group = e.fields.get("group").and_then(|v| v.as_bool().ok()) == Some(true);
            (e.key.clone(), like, e.field_loc("like").clone(), group)
        })
        .collect();
    for (role, like, at, _) in &roles {
        let Some(like) = like else { continue };
        if !roles.iter().any(|r| &r.0 == like) || like == role {
            diags.error(
                "role.unknown",
                at,
                format!("角色 \"{role}\" 的 like: \"{like}\" 不是已声明的另一种角色 / like names no other declared role"),
            );
            continue;
        }
        for e in es.iter_mut() {
            for (kind, f) in ROLE_LISTS {
                if e.kind != *kind {
                    continue;
                }
                if let Some(mut a) = e.fields.get_mut(*f).and_then(|v| v.write_lock::<rhai::Array>()) {
                    let has = |x: &str| a.iter().any(|v| v.to_string() == x);
                    if has(like) && !has(role) {
                        a.push(role.as_str().into());
                    }
                }
            }
            for (kind, f) in ROLE_MAPS {
                if e.kind != *kind {
                    continue;
                }
                if let Some(mut m) = e.fields.get_mut(*f).and_then(|v| v.write_lock::<Map>()) {
                    if let Some(v) = m.get(like.as_str()).cloned().filter(|_| !m.contains_key(role.as_str())) {
                        m.insert(role.as_str().into(), v);
                    }
                }
            }
        }
    }
    // A new role with no `like` escaping a locked duty of every member.
    for e in es.iter().filter(|e| e.kind == "role") {
        if e.fields.contains_key("like") || e.fields.get("group").and_then(|v| v.as_bool().ok()) == Some(true) {
            continue;
        }
        let file = rank(&e.loc.file);
        // The individual roles the files above this one declared (a kind of another role is covered by its `like`).
        let others: Vec<&String> = roles
            .iter()
            .filter(|r| !r.3 && r.1.is_none() && r.0 != e.key)
            .filter(|r| es.iter().any(|x| x.kind == "role" && x.key == r.0 && rank(&x.loc.file) < file))
            .map(|r| &r.0)
            .collect();
        if others.is_empty() {
            continue;
        }
        for q in es.iter().filter(|q| q.kind == "require" && q.required_by.as_ref().is_some_and(|by| rank(by) < file)) {
            let listed: Vec<String> = q.fields.get("roles").map(locks::entries).unwrap_or_default();
            let exempt = |f: &str| q.fields.get(f).and_then(|v| v.read_lock::<Map>().map(|m| m.contains_key(e.key.as_str()))).unwrap_or(false);
            if others.iter().all(|r| listed.contains(r)) && !listed.contains(&e.key) && !exempt("exempt") {
                diags.error(
                    "role.escapes",
                    &e.loc,
                    format!(
                        "新角色 \"{}\" 不在上级文件 {} 规定的要求 \"{}\" 的角色中,会逃过这项所有党员都要做的规定动作;写 like: \"党员\" 等说明它是哪种角色,或在该要求的 roles 中加上它 / a new role escapes a required item: say like: \"…\"",
                        e.key,
                        q.required_by.clone().unwrap_or_default(),
                        q.key
                    ),
                );
            }
        }
    }
}

/// A child file that redefines a function a parent's locked declaration names (a form's
/// `outcome`, a requirement's `check`) would change that 规定动作 without touching it: the
/// child's function wins when functions are merged. Refused at the child's `fn`, unless the
/// parent opened the field (`open: ["outcome"]`) or made the declaration optional.
/// `fn_files`: (function, file) in chain order, root first; `sources`: (file, text).
pub(crate) fn redefined_functions(es: &[Entity], fn_files: &[(String, String)], sources: &[(String, String)], files: &[String], diags: &mut Diags) {
    let rank = |f: &str| files.iter().position(|x| x == f).unwrap_or(0);
    let named = |v: &Dynamic| -> Option<String> {
        if let Some(m) = v.read_lock::<Map>() {
            return m.get("function").map(|f| f.to_string());
        }
        v.clone().into_string().ok()
    };
    for (i, (name, file)) in fn_files.iter().enumerate() {
        // Only a later file's definition of a name an earlier file already defines.
        let Some((_, first)) = fn_files[..i].iter().find(|(n, f)| n == name && f != file) else { continue };
        for e in es {
            for field in ["outcome", "check"] {
                let Some(v) = e.fields.get(field) else { continue };
                if named(v).as_deref() != Some(name.as_str()) || open(e, field) {
                    continue;
                }
                let Some(by) = e.required_by.as_deref() else { continue };
                if rank(by) >= rank(file) {
                    continue;
                }
                let text = sources.iter().find(|(f, _)| f == file).map_or("", |x| x.1.as_str());
                let at = fn_position(text, name).map_or_else(
                    || crate::diag::Location { file: file.clone(), line: 1, col: 1 },
                    |(line, col)| crate::diag::Location { file: file.clone(), line, col },
                );
                diags.error(
                    "lock.weaken",
                    &at,
                    format!(
                        "函数 {name} 是上级文件 {first} 定义、{} \"{}\" 的 {field} 所用的规则(规定动作),下级不能重新定义它;若上级允许,应在上级写 open: [\"{field}\"] / a child may not redefine the function a parent's locked {field} names",
                        e.kind, e.key
                    ),
                );
            }
        }
    }
}

/// Line and column (1-based) of `fn name(` in a file's text.
fn fn_position(text: &str, name: &str) -> Option<(usize, usize)> {
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let rest = t.strip_prefix("private ").unwrap_or(t);
        if let Some(after) = rest.strip_prefix("fn ") {
            if after.trim_start().strip_prefix(name).is_some_and(|r| r.trim_start().starts_with('(')) {
                return Some((i + 1, line.len() - t.len() + 1));
            }
        }
    }
    None
}

#[cfg(test)]
mod function_locks {
    #![allow(clippy::unwrap_used)]
    use crate::ruleset::RuleSet;
    use crate::source::MemorySource;

    fn codes(parent_form_extra: &str) -> Vec<&'static str> {
        let mut src = MemorySource::new();
        src.insert(
            "p.rhai",
            format!(
                r#"role("党员", #{{ local: "x" }});
form("表", #{{ items: [["总分", 100]], groups: [["党员互评", 100]], outcome: #{{ function: "结论", labels: ["合格", "不合格"] }}, local: "x"{parent_form_extra} }});
fn 结论(r) {{ if r.composite >= 60.0 {{ "合格" }} else {{ "不合格" }} }}"#
            ),
        );
        src.insert("c.rhai", "extends(\"p.rhai\");\nfn 结论(r) { \"合格\" }\n");
        RuleSet::load("c.rhai", &src).diagnostics().iter().map(|d| d.code).collect()
    }

    #[test]
    fn a_child_may_not_redefine_a_locked_outcome_function() {
        assert!(codes("").contains(&"lock.weaken"));
        assert!(!codes(", open: [\"outcome\"]").contains(&"lock.weaken"));
        assert!(!codes(", optional: true").contains(&"lock.weaken"));
    }
}

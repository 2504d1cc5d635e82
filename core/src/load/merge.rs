//! Merges a chain's declarations root → leaf: same kind and key replaces,
//! `amend` changes fields, `remove` deletes; a parent's locks are checked.

use super::entity::Entity;
use super::{Decl, Op};
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

/// Fields of a required declaration that a child may only raise.
pub(crate) const AT_LEAST: &[&str] = &["min", "session_min", "min_days", "min_areas"];
/// Fields whose every entry a child must keep.
pub(crate) const KEEP_ALL: &[&str] = &["roles", "requires", "areas", "parts", "flags", "tiers", "rate_of", "extra_areas", "min_chars"];
/// Fields to which a child may not add entries (adding an exemption weakens a rule).
pub(crate) const ADD_NONE: &[&str] = &["exempt"];
/// Fields of a required form a child may not change at all.
pub(crate) const FIXED: &[&str] = &["items", "groups", "trim", "trim_min", "total", "check"];

pub(crate) fn num(v: &Dynamic) -> Option<f64> {
    v.as_int().map(|i| i as f64).ok().or_else(|| v.as_float().ok())
}

/// Entries of a list or map as comparable text (maps: `key=value`).
pub(crate) fn entries(v: &Dynamic) -> Vec<String> {
    if let Some(a) = v.read_lock::<rhai::Array>() {
        return a.iter().map(|x| x.to_string()).collect();
    }
    if let Some(m) = v.read_lock::<Map>() {
        return m.iter().map(|(k, x)| format!("{k}={x}")).collect();
    }
    vec![v.to_string()]
}

/// Why changing `field` of a required declaration from `old` to `new` weakens it, if it does.
pub(crate) fn weakens(field: &str, old: &Dynamic, new: Option<&Dynamic>) -> Option<String> {
    let shown = |v: Option<&Dynamic>| v.map_or("(删去 removed)".to_string(), |v| v.to_string());
    if AT_LEAST.contains(&field) {
        let (o, n) = (num(old)?, new.and_then(num));
        return match n {
            Some(n) if n >= o => None,
            _ => Some(format!("{field} 从 {o} 降为 {} / lowered", shown(new))),
        };
    }
    if field == "min_chars" {
        let om = old.read_lock::<Map>()?;
        let nm = new.and_then(|n| n.read_lock::<Map>().map(|m| m.clone())).unwrap_or_default();
        for (role, ov) in om.iter() {
            let nv = nm.get(role.as_str()).and_then(num);
            if nv.is_none_or(|n| Some(n) < num(ov)) {
                return Some(format!("min_chars 中 {role} 从 {ov} 降为 {} / lowered", nv.map_or("(删去)".into(), |n| n.to_string())));
            }
        }
        return None;
    }
    if KEEP_ALL.contains(&field) {
        let have = new.map(entries).unwrap_or_default();
        let lost: Vec<String> = entries(old).into_iter().filter(|x| !have.contains(x)).collect();
        return (!lost.is_empty()).then(|| format!("{field} 删去了 {} / entries dropped", lost.join("、")));
    }
    if ADD_NONE.contains(&field) {
        let had = entries(old);
        let added: Vec<String> = new.map(entries).unwrap_or_default().into_iter().filter(|x| !had.contains(x)).collect();
        return (!added.is_empty()).then(|| format!("{field} 新增了 {} / entries added", added.join("、")));
    }
    if FIXED.contains(&field) && new.is_none_or(|n| n.to_string() != old.to_string()) {
        return Some(format!("{field} 从 {old} 改为 {} / changed", shown(new)));
    }
    None
}

/// Errors for every way `fields` (a child's redeclaration or amendment of
/// a required declaration) weakens it. `whole` is true for a redeclaration,
/// where a field left out counts as removed.
pub(crate) fn check_lock(e: &Entity, d: &Decl, whole: bool, diags: &mut Diags) {
    let Some(by) = &e.required_by else { return };
    if by == &d.loc.file {
        return;
    }
    for (k, old) in &e.fields {
        let new = d.fields.get(k.as_str());
        if new.is_none() && !whole {
            continue;
        }
        if let Some(why) = weakens(k, old, new) {
            let at = d.field_locs.get(k.as_str()).cloned().unwrap_or_else(|| d.loc.clone());
            diags.error("lock.weaken", &at, format!("{} \"{}\" 是上级文件 {by} 规定的必须内容(required),下级不能减弱:{why}", e.kind, e.key));
        }
    }
    // An exemption the parent did not have at all is added, too.
    for (k, new) in &d.fields {
        if ADD_NONE.contains(&k.as_str()) && !e.fields.contains_key(k.as_str()) {
            if let Some(why) = weakens(k, &Dynamic::from_map(Map::new()), Some(new)) {
                let at = d.field_locs.get(k.as_str()).cloned().unwrap_or_else(|| d.loc.clone());
                diags.error("lock.weaken", &at, format!("{} \"{}\" 是上级文件 {by} 规定的必须内容(required),下级不能减弱:{why}", e.kind, e.key));
            }
        }
    }
    if let Some(v) = d.fields.get("required") {
        if v.as_bool().ok() == Some(false) {
            let at = d.field_locs.get("required").cloned().unwrap_or_else(|| d.loc.clone());
            diags.error("lock.weaken", &at, format!("{} \"{}\" 是上级文件 {by} 规定的必须内容,不能改为 required: false", e.kind, e.key));
        }
    }
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
        let declares_required = d.fields.get("required").and_then(|v| v.as_bool().ok()) == Some(true);
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
                check_lock(e, &d, true, diags);
                let by = if declares_required && e.required_by.is_none() { Some(d.loc.file.clone()) } else { e.required_by.clone() };
                e.field_locs = d.field_locs;
                e.fields = d.fields;
                e.loc = d.loc;
                e.required_by = by;
            }
            (Op::Declare, None) => {
                index.insert(d.key.clone(), m.slots.len());
                m.gone.push(false);
                m.slots.push(Entity {
                    required_by: declares_required.then(|| d.loc.file.clone()),
                    field_locs: d.field_locs,
                    kind: d.kind,
                    key: d.key,
                    fields: d.fields,
                    loc: d.loc,
                });
            }
            (Op::Amend, Some(i)) => {
                let e = &mut m.slots[i];
                check_lock(e, &d, false, diags);
                if d.fields.contains_key("source") || d.fields.contains_key("local") {
                    // The amendment says where its change comes from; the old provenance no longer covers it alone.
                    e.fields.remove("source");
                    e.fields.remove("local");
                }
                if declares_required && e.required_by.is_none() {
                    e.required_by = Some(d.loc.file.clone());
                }
                // A phase ends either on `end` or after `days`: setting one drops the other.
                for (a, b) in [("end", "days"), ("days", "end")] {
                    if e.kind == "phase" && d.fields.contains_key(a) {
                        e.fields.remove(b);
                        e.field_locs.remove(b);
                    }
                }
                for (k, v) in d.fields {
                    let at = d.field_locs.get(k.as_str()).cloned().unwrap_or_else(|| d.loc.clone());
                    e.field_locs.insert(k.to_string(), at);
                    e.fields.insert(k, v);
                }
            }
            (Op::Remove, Some(i)) => {
                if let Some(by) = m.slots[i].required_by.clone().filter(|by| *by != d.loc.file) {
                    diags.error(
                        "lock.remove",
                        &d.loc,
                        format!(
                            "{} \"{}\" 是上级文件 {by} 规定的必须内容(required),下级不能删除 / a required declaration cannot be removed",
                            d.kind, d.key
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

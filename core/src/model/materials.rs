//! Materials: what a member's written analysis, study reflection or
//! rectification plan must contain.

use super::read::{strs_of, F};
use super::types::{Flag, ItemClass, ItemField, ItemRule, Material, Part, Rules};
use crate::diag::Diags;
use crate::kinds::fields;
use crate::load::entity::Entity;
use rhai::{Dynamic, Map};

pub(super) fn materials<'a>(es: impl Iterator<Item = &'a Entity>, r: &mut Rules, d: &mut Diags) {
    for e in es {
        let mut f = F::new(e, d, fields("material"));
        let mut min_chars = vec![];
        if let Some(m) = f.map("min_chars") {
            for (role, v) in m {
                if role != "*" && !r.roles.iter().any(|x| x.name == role.as_str()) {
                    let loc = f.loc("min_chars");
                    f.d.error("role.unknown", &loc, format!("材料 \"{}\" 的字数要求用了未声明的角色 \"{role}\" / unknown role", e.key));
                }
                match v.as_int() {
                    Ok(n) if n >= 0 => min_chars.push((role.to_string(), n)),
                    _ => f.bad("min_chars", "非负整数 non-negative integer", &v),
                }
            }
        }
        let mut parts = vec![];
        for v in f.array("parts") {
            let Some(m) = v.clone().try_cast::<Map>() else {
                f.bad("parts", "#{ name, markers, fields }", &v);
                continue;
            };
            let Some(name) = m.get("name").and_then(|x| x.clone().into_string().ok()) else {
                f.bad("parts", "#{ name, markers, fields }", &v);
                continue;
            };
            let markers = m.get("markers").and_then(strs_of).unwrap_or_else(|| vec![name.clone()]);
            let fields =
                m.get("fields").and_then(|x| x.clone().into_array().ok()).unwrap_or_default().iter().filter_map(|x| f.areas_of("parts", x)).collect();
            parts.push(Part { name, markers, fields });
        }
        let areas = f.areas("areas");
        let min_areas = f.count("min_areas", 0).map(|x| x as usize);
        let mut extra_areas = vec![];
        if let Some(m) = f.map("extra_areas") {
            for (role, v) in m {
                if !r.roles.iter().any(|x| x.name == role.as_str()) {
                    let loc = f.loc("extra_areas");
                    f.d.error("role.unknown", &loc, format!("材料 \"{}\" 的 extra_areas 用了未声明的角色 \"{role}\" / unknown role", e.key));
                }
                let list = v.clone().into_array().unwrap_or_default().iter().filter_map(|x| f.areas_of("extra_areas", x)).collect();
                extra_areas.push((role.to_string(), list));
            }
        }
        let mut flags = vec![];
        for v in f.array("flags") {
            let m = v.clone().try_cast::<Map>();
            let parsed = m.as_ref().and_then(|m| {
                Some(Flag {
                    phrases: m.get("phrases").and_then(strs_of)?,
                    level: m.get("level").and_then(|x| x.clone().into_string().ok()).unwrap_or_else(|| "warning".into()),
                    reason: m.get("reason").and_then(|x| x.clone().into_string().ok()).unwrap_or_default(),
                })
            });
            match parsed {
                Some(fl) if fl.level == "error" || fl.level == "warning" => flags.push(fl),
                _ => f.bad("flags", "#{ phrases: [...], level: \"error\"|\"warning\", reason }", &v),
            }
        }
        if let Some(n) = min_areas {
            if n > areas.len() {
                let loc = f.loc("min_areas");
                f.d.error(
                    "material.min_areas",
                    &loc,
                    format!("材料 \"{}\" 要求至少涉及 {n} 个方面,但只列了 {} 个 / min_areas exceeds the areas listed", e.key, areas.len()),
                );
            }
        }
        let items = f.map("items").and_then(|m| item_rule(&mut f, m));
        let origin = f.origin();
        r.materials.push(Material { kind: e.key.clone(), min_chars, parts, areas, min_areas, extra_areas, flags, items, origin });
    }
}

const ITEMS_SHAPE: &str = "#{ classes: [\"类别\" 或 #{ name, synonyms }], fields: [#{ name, markers, date }], min_items }";

/// `items: #{ classes, fields, min_items }` of an itemised material (整改方案).
fn item_rule(f: &mut F, m: Map) -> Option<ItemRule> {
    let bad = |f: &mut F, m: &Map| {
        let v = Dynamic::from_map(m.clone());
        f.bad("items", ITEMS_SHAPE, &v);
    };
    if m.keys().any(|k| !["classes", "fields", "min_items"].contains(&k.as_str())) {
        bad(f, &m);
        return None;
    }
    let mut classes = vec![];
    for v in m.get("classes").and_then(|v| v.clone().into_array().ok()).unwrap_or_default() {
        if let Ok(s) = v.clone().into_string() {
            classes.push(ItemClass { name: s, synonyms: vec![] });
            continue;
        }
        let c = v.clone().try_cast::<Map>();
        let name = c.as_ref().and_then(|c| c.get("name")).and_then(|n| n.clone().into_string().ok());
        match (name, c) {
            (Some(name), Some(c)) => classes.push(ItemClass { name, synonyms: c.get("synonyms").and_then(strs_of).unwrap_or_default() }),
            _ => {
                bad(f, &m);
                return None;
            }
        }
    }
    let mut fields = vec![];
    for v in m.get("fields").and_then(|v| v.clone().into_array().ok()).unwrap_or_default() {
        if let Ok(s) = v.clone().into_string() {
            fields.push(ItemField { markers: vec![s.clone()], name: s, date: false });
            continue;
        }
        let c = v.clone().try_cast::<Map>();
        let name = c.as_ref().and_then(|c| c.get("name")).and_then(|n| n.clone().into_string().ok());
        match (name, c) {
            (Some(name), Some(c)) => fields.push(ItemField {
                markers: c.get("markers").and_then(strs_of).unwrap_or_else(|| vec![name.clone()]),
                date: c.get("date").and_then(|b| b.as_bool().ok()).unwrap_or(false),
                name,
            }),
            _ => {
                bad(f, &m);
                return None;
            }
        }
    }
    let min_items = match m.get("min_items").map(|v| v.as_int()) {
        None => 1,
        Some(Ok(n)) if n >= 0 => n as usize,
        Some(_) => {
            bad(f, &m);
            return None;
        }
    };
    if classes.is_empty() || fields.is_empty() {
        bad(f, &m);
        return None;
    }
    Some(ItemRule { classes, fields, min_items })
}

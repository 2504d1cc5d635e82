//! One declared thing of a rule chain after merging (what `load` produces
//! from `.rhai` files and `compiled` reads back from a compiled bundle), and
//! the conversions between Rhai values and JSON that both need.
//!
//! Only Rhai's value types are used here (no parser, no evaluator), so this
//! module is part of every build, including the widget's script-free one.

use crate::diag::Location;
use rhai::{Array, Dynamic, Map};
use std::collections::HashMap;

/// One declared thing after merging, with where each field was last set.
#[derive(Debug, Clone)]
pub(crate) struct Entity {
    pub kind: String,
    pub key: String,
    pub fields: Map,
    pub loc: Location,
    pub field_locs: HashMap<String, Location>,
    /// The file whose 规定动作 this is (children may not drop or weaken it): the file that declared it,
    /// or that adopted a parent's 自选动作 by changing it; `None` for a 自选动作 (`optional: true`) and tests.
    #[cfg_attr(not(feature = "script"), allow(dead_code))]
    pub required_by: Option<String>,
}

impl Entity {
    pub(crate) fn field_loc(&self, f: &str) -> &Location {
        self.field_locs.get(f).unwrap_or(&self.loc)
    }
}

/// A JSON value as a Rhai value: integers stay integers, other numbers are floats.
pub(crate) fn json_to_dynamic(v: &serde_json::Value) -> Dynamic {
    use serde_json::Value as V;
    match v {
        V::Null => Dynamic::UNIT,
        V::Bool(b) => Dynamic::from_bool(*b),
        V::Number(n) => match n.as_i64() {
            Some(i) => Dynamic::from_int(i),
            None => Dynamic::from_float(n.as_f64().unwrap_or(0.0)),
        },
        V::String(s) => s.as_str().into(),
        V::Array(a) => Dynamic::from_array(a.iter().map(json_to_dynamic).collect::<Array>()),
        V::Object(o) => Dynamic::from_map(map_of(o.iter().map(|(k, v)| (k.as_str().into(), json_to_dynamic(v))))),
    }
}

/// A Rhai map of `pairs`, a later pair replacing an earlier one with the same key, as `collect`
/// does; key by key (`collect` into a `BTreeMap` sorts the pairs first, a copy of the stable
/// sort per call site in the member widget's wasm).
pub(crate) fn map_of(pairs: impl Iterator<Item = (rhai::Identifier, Dynamic)>) -> Map {
    let mut m = Map::new();
    m.extend(pairs);
    m
}

/// A Rhai value as JSON; anything that is not plain data is written as text.
pub(crate) fn dynamic_to_json(v: &Dynamic) -> serde_json::Value {
    strict_json(v).unwrap_or_else(|| serde_json::Value::String(v.to_string()))
}

/// A Rhai value as JSON, or `None` when some part is not plain data (unit,
/// bool, integer, finite float, string, array, map) and so would not read
/// back as the same value.
pub(crate) fn strict_json(v: &Dynamic) -> Option<serde_json::Value> {
    use serde_json::Value as V;
    if v.is_unit() {
        return Some(V::Null);
    }
    if let Ok(b) = v.as_bool() {
        return Some(V::Bool(b));
    }
    if let Ok(i) = v.as_int() {
        return Some(V::from(i));
    }
    if let Ok(f) = v.as_float() {
        // 2.0 must read back as a float, not the integer 2.
        return serde_json::Number::from_f64(f).map(V::Number).filter(|_| f.is_finite());
    }
    if v.is_string() {
        return Some(V::String(v.clone().into_string().unwrap_or_default()));
    }
    if v.is_array() {
        let a = v.read_lock::<Array>()?;
        return a.iter().map(strict_json).collect::<Option<Vec<_>>>().map(V::Array);
    }
    if v.is_map() {
        let m = v.read_lock::<Map>()?;
        return m.iter().map(|(k, v)| strict_json(v).map(|j| (k.to_string(), j))).collect::<Option<serde_json::Map<_, _>>>().map(V::Object);
    }
    None
}

//! The field reader every declaration kind uses: typed access to a
//! declaration's option map, with a diagnostic at the field's own
//! `file:line:col` for a wrong type, an unknown field or a number that is
//! not finite.

use super::types::{Area, Origin, Window};
use crate::diag::{Diagnostic, Diags, Location, Severity};
use crate::load::entity::Entity;
use chrono::NaiveDate;
use rhai::{Array, Dynamic, Map};

use crate::kinds::{Lock, COMMON_FIELDS as COMMON};

pub(super) struct F<'a> {
    pub e: &'a Entity,
    pub d: &'a mut Diags,
    allowed: &'static [(&'static str, Lock)],
}

pub(super) fn type_name(v: &Dynamic) -> &'static str {
    if v.is_string() {
        "字符串 string"
    } else if v.is_int() {
        "整数 integer"
    } else if v.is_float() {
        "小数 number"
    } else if v.is_array() {
        "数组 array"
    } else if v.is_map() {
        "映射 map"
    } else if v.is_bool() {
        "布尔 bool"
    } else {
        "其他 other"
    }
}

impl<'a> F<'a> {
    pub fn new(e: &'a Entity, d: &'a mut Diags, allowed: &'static [(&'static str, Lock)]) -> Self {
        for k in e.fields.keys() {
            if !allowed.iter().chain(COMMON).any(|f| f.0 == k.as_str()) {
                let loc = e.field_loc(k).clone();
                let message = format!(
                    "{} \"{}\" 没有字段 \"{}\";可用字段: {} / unknown field",
                    e.kind,
                    e.key,
                    k,
                    allowed.iter().map(|f| f.0).collect::<Vec<_>>().join(", ")
                );
                d.push(
                    Diagnostic::new("field.unknown", Severity::Error, &loc, message)
                        .with("kind", e.kind.as_str())
                        .with("key", e.key.as_str())
                        .with("field", k.as_str())
                        .with("allowed", allowed.iter().chain(COMMON).map(|x| x.0.to_string()).collect::<Vec<_>>()),
                );
            }
        }
        F { e, d, allowed }
    }
    pub fn loc(&self, k: &str) -> Location {
        self.e.field_loc(k).clone()
    }
    pub fn get(&self, k: &str) -> Option<&'a Dynamic> {
        debug_assert!(self.allowed.iter().chain(COMMON).any(|f| f.0 == k), "field {k} not in allowed list");
        let e: &'a Entity = self.e;
        e.fields.get(k).filter(|v| !v.is_unit())
    }
    pub fn bad(&mut self, k: &str, want: &str, v: &Dynamic) {
        let loc = self.loc(k);
        let msg = format!("{} \"{}\" 的字段 {} 应为{},实为{} / field {} should be {}", self.e.kind, self.e.key, k, want, type_name(v), k, want);
        self.d.error("field.type", &loc, msg);
    }
    pub fn str(&mut self, k: &str) -> Option<String> {
        let v = self.get(k)?;
        match text_of(v) {
            Some(s) => Some(s),
            None => {
                self.bad(k, "字符串 string", v);
                None
            }
        }
    }
    pub fn num(&mut self, k: &str) -> Option<f64> {
        let v = self.get(k)?;
        match to_num(v) {
            Some(n) => Some(n),
            None => {
                self.bad(k, "有限的数字 finite number", v);
                None
            }
        }
    }
    /// A whole number of at least `lo` (days, characters, counts).
    pub fn count(&mut self, k: &str, lo: i64) -> Option<i64> {
        let n = self.num(k)?;
        if n.fract() != 0.0 || n < lo as f64 || n > 1e12 {
            let loc = self.loc(k);
            self.d.error(
                "field.range",
                &loc,
                format!("{} \"{}\" 的字段 {k} 应为不小于 {lo} 的整数,实为 {n} / field {k} must be a whole number >= {lo}", self.e.kind, self.e.key),
            );
            return None;
        }
        Some(n as i64)
    }
    /// Where the declaration comes from (`source:` / `local:`).
    pub fn origin(&mut self) -> Origin {
        Origin { source: self.str("source"), local: self.str("local"), required: self.bool("required").unwrap_or(false) }
    }
    pub fn bool(&mut self, k: &str) -> Option<bool> {
        let v = self.get(k)?;
        match v.as_bool() {
            Ok(b) => Some(b),
            Err(_) => {
                self.bad(k, "true/false", v);
                None
            }
        }
    }
    pub fn strs(&mut self, k: &str) -> Vec<String> {
        let Some(v) = self.get(k) else { return vec![] };
        match strs_of(v) {
            Some(s) => s,
            None => {
                self.bad(k, "字符串数组 array of strings", v);
                vec![]
            }
        }
    }
    pub fn date(&mut self, k: &str) -> Option<NaiveDate> {
        let s = self.str(k)?;
        let loc = self.loc(k);
        parse_date(&s, &loc, self.d)
    }
    pub fn map(&mut self, k: &str) -> Option<Map> {
        let v = self.get(k)?;
        let m = v.read_lock::<Map>().map(|m| m.clone());
        if m.is_none() {
            self.bad(k, "映射 #{...}", v);
        }
        m
    }
    pub fn array(&mut self, k: &str) -> Vec<Dynamic> {
        let Some(v) = self.get(k) else { return vec![] };
        let a = v.read_lock::<Array>().map(|a| a.clone());
        if a.is_none() {
            self.bad(k, "数组 [...]", v);
        }
        a.unwrap_or_default()
    }
    /// `#{ key: "text" }` pairs.
    pub fn str_pairs(&mut self, k: &str) -> Vec<(String, String)> {
        let Some(m) = self.map(k) else { return vec![] };
        let mut out = vec![];
        for (key, v) in m {
            match v.clone().into_string() {
                Ok(s) => out.push((key.to_string(), s)),
                Err(_) => self.bad(k, "#{ 名称: \"说明\" }", &v),
            }
        }
        out
    }
    /// `[["name", number], ...]` pairs, in order.
    pub fn num_pairs(&mut self, k: &str) -> Vec<(String, f64)> {
        let arr = self.array(k);
        let mut out = vec![];
        for v in arr {
            let pair = v.clone().into_array().ok().and_then(|a| {
                if a.len() != 2 {
                    return None;
                }
                Some((a[0].clone().into_string().ok()?, to_num(&a[1])?))
            });
            match pair {
                Some(p) => out.push(p),
                None => {
                    self.bad(k, "[[\"名称\", 数字], …]", &v);
                }
            }
        }
        out
    }
    pub fn areas_of(&mut self, k: &str, v: &Dynamic) -> Option<Area> {
        if let Some(s) = text_of(v) {
            return Some(Area { markers: vec![s.clone()], name: s });
        }
        if let Some(m) = v.read_lock::<Map>() {
            let name = m.get("name").and_then(text_of);
            let markers = m.get("markers").and_then(strs_of);
            if let Some(name) = name {
                return Some(Area { markers: markers.unwrap_or_else(|| vec![name.clone()]), name });
            }
        }
        self.bad(k, "\"名称\" 或 #{ name, markers }", v);
        None
    }
    pub fn areas(&mut self, k: &str) -> Vec<Area> {
        let arr = self.array(k);
        arr.iter().filter_map(|v| self.areas_of(k, v)).collect()
    }
}

/// A finite number (NaN and infinities are not numbers a rule may state).
pub(super) fn to_num(v: &Dynamic) -> Option<f64> {
    if let Ok(i) = v.as_int() {
        return Some(i as f64);
    }
    v.as_float().ok().filter(|x| x.is_finite())
}

/// The text of a string value (what `into_string` gives), without copying the value.
pub(super) fn text_of(v: &Dynamic) -> Option<String> {
    v.read_lock::<rhai::ImmutableString>().map(|s| s.to_string())
}

pub(super) fn strs_of(v: &Dynamic) -> Option<Vec<String>> {
    if let Some(s) = text_of(v) {
        return Some(vec![s]);
    }
    let a = v.read_lock::<Array>()?;
    a.iter().map(text_of).collect()
}

pub(crate) fn parse_date(s: &str, loc: &Location, d: &mut Diags) -> Option<NaiveDate> {
    match crate::error::ymd(s) {
        Some(x) => Some(x),
        None => {
            d.error("date.invalid", loc, format!("日期 \"{s}\" 无效,应写作 YYYY-MM-DD / invalid date, expected YYYY-MM-DD"));
            None
        }
    }
}

pub(super) fn window_of(f: &mut F, k: &str, v: &Dynamic) -> Option<Window> {
    let loc = f.loc(k);
    let (s, e) = match v.read_lock::<Array>() {
        Some(a) if a.len() == 2 => (text_of(&a[0]), text_of(&a[1])),
        _ => {
            f.bad(k, "[\"开始日期\", \"结束日期\"]", v);
            return None;
        }
    };
    let (Some(s), Some(e)) = (s, e) else {
        f.bad(k, "[\"开始日期\", \"结束日期\"]", v);
        return None;
    };
    let start = parse_date(&s, &loc, f.d)?;
    let end = parse_date(&e, &loc, f.d)?;
    if end < start {
        f.d.error("date.inverted", &loc, format!("时间段 {s} 至 {e} 结束早于开始 / window ends before it starts"));
        return None;
    }
    Some(Window { start, end })
}

//! The compiled rule bundle (`xianjiao compile`): a chain's merged
//! declarations as JSON. Reading it needs no Rhai parser or evaluator, so
//! the member widget's first download can leave them out (see
//! ARCHITECTURE.md, "Rhai out of the member's first load").
//!
//! It is built from the same entities a `.rhai` chain loads into, and read
//! back into those entities, so `model::build` turns both into the same
//! rules: the differential corpus checks it. A chain that defines custom
//! functions carries its source texts too; only a build with the script
//! engine runs those (it simply loads the sources), and a script-free build
//! says so instead of guessing.

use crate::diag::Location;
use crate::load::entity::{json_to_dynamic, strict_json, Entity};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The key that opens every compiled bundle, with its format version.
pub(crate) const MAGIC: &str = "xianjiao-compiled";
const VERSION: u32 = 1;

/// Where: index into `files`, line, column.
type At = (usize, usize, usize);

/// Fields that name a custom function of the rule file.
const NAMES_FUNCTION: &[&str] = &["outcome", "check", "function"];

#[derive(Serialize, Deserialize)]
struct EntityJson {
    kind: String,
    key: String,
    fields: serde_json::Map<String, serde_json::Value>,
    at: At,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    field_at: BTreeMap<String, At>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    required_by: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Bundle {
    #[serde(rename = "xianjiao-compiled")]
    version: u32,
    /// The chain's files, root first.
    files: Vec<String>,
    /// The chain's source texts, only when it defines custom functions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    sources: Vec<(String, String)>,
    entities: Vec<EntityJson>,
    /// The native plans of the outcome functions simple enough to have one (`eval/score/plan.rs`),
    /// by function name: derived from `sources` when compiled, read only by a script-free build
    /// with the feature `plans` (a build with Rhai makes its own from the sources).
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    plans: serde_json::Value,
}

/// What a compiled bundle holds.
pub(crate) struct Compiled {
    pub files: Vec<String>,
    pub entities: Vec<Entity>,
    /// Non-empty when the chain defines custom functions.
    pub sources: Vec<(String, String)>,
    /// The plans it carries (see `Bundle::plans`); empty when there are none or they cannot be read.
    #[cfg_attr(any(not(feature = "plans"), feature = "script"), allow(dead_code))]
    pub plans: std::collections::BTreeMap<String, crate::eval::score::plan::Plan>,
}

/// True when `text` is a compiled bundle rather than a rule script.
pub(crate) fn is_compiled(text: &str) -> bool {
    let head: String = text.trim_start_matches('\u{feff}').trim_start().chars().take(40).collect();
    head.starts_with('{') && head.contains(MAGIC)
}

/// Writes a chain's entities (and, if it defines functions, its sources).
/// Fails, naming the declaration, when a value is not plain data.
#[cfg_attr(not(feature = "script"), allow(dead_code))]
pub(crate) fn write(
    files: &[String],
    entities: &[Entity],
    sources: &[(String, String)],
    plans: &BTreeMap<String, crate::eval::score::plan::Plan>,
) -> Result<String, (Location, String)> {
    let file_index = |l: &Location| files.iter().position(|f| *f == l.file).unwrap_or(0);
    let at = |l: &Location| (file_index(l), l.line, l.col);
    let mut out = Vec::with_capacity(entities.len());
    for e in entities {
        let mut fields = serde_json::Map::new();
        for (k, v) in &e.fields {
            // Provenance stays (1.7 KB gzip of guanba on a member's first load): the results
            // workbook's 所用规则 sheet quotes it, and compiled rules must give the office page
            // and the CLI the same workbook as the rule file they come from (a browser test).
            let Some(j) = strict_json(v) else {
                return Err((e.field_loc(k).clone(), format!("“{k}”的值({})不能编译为数据 / the value of {k} is not plain data", v.type_name())));
            };
            fields.insert(k.to_string(), j);
        }
        out.push(EntityJson {
            kind: e.kind.clone(),
            key: e.key.clone(),
            fields,
            at: at(&e.loc),
            // Where each field is written matters after compiling only where evaluation can still
            // fail at a field: a field naming a custom function. Other fields fall back to the
            // declaration's place (1.5 KB gzip less for guanba on a member's first load).
            field_at: e.field_locs.iter().filter(|(k, _)| NAMES_FUNCTION.contains(&k.as_str())).map(|(k, l)| (k.clone(), at(l))).collect(),
            required_by: e.required_by.clone(),
        });
    }
    let plans =
        if plans.is_empty() { serde_json::Value::Null } else { serde_json::to_value(plans).map_err(|e| (Location::default(), e.to_string()))? };
    let b = Bundle { version: VERSION, files: files.to_vec(), sources: sources.to_vec(), entities: out, plans };
    serde_json::to_string(&b).map_err(|e| (Location::default(), e.to_string()))
}

/// Reads a compiled bundle. The error says what is wrong, in Chinese and English.
pub(crate) fn read(text: &str) -> Result<Compiled, String> {
    let b: Bundle = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
        format!("编译后的规则文件损坏(第 {} 行第 {} 列):{e};请重新运行 xianjiao compile / damaged compiled rules", e.line(), e.column())
    })?;
    if b.version != VERSION {
        return Err(format!(
            "编译后的规则文件版本为 {},本程序只读版本 {VERSION};请用本版本的 xianjiao compile 重新生成 / compiled with format {}, expected {VERSION}",
            b.version, b.version
        ));
    }
    let loc = |a: &At| Location { file: b.files.get(a.0).cloned().unwrap_or_default(), line: a.1, col: a.2 };
    let entities = b
        .entities
        .iter()
        .map(|e| Entity {
            kind: e.kind.clone(),
            key: e.key.clone(),
            fields: e.fields.iter().map(|(k, v)| (k.as_str().into(), json_to_dynamic(v))).collect(),
            loc: loc(&e.at),
            field_locs: e.field_at.iter().map(|(k, a)| (k.clone(), loc(a))).collect::<HashMap<_, _>>(),
            required_by: e.required_by.clone(),
        })
        .collect();
    // A plan that cannot be read is left out: its function then needs the engine with Rhai, as without plans.
    #[cfg(feature = "plans")]
    let plans = match b.plans {
        serde_json::Value::Object(m) => m.into_iter().filter_map(|(k, v)| Some((k, serde_json::from_value(v).ok()?))).collect(),
        _ => Default::default(),
    };
    #[cfg(not(feature = "plans"))]
    let plans = Default::default();
    Ok(Compiled { files: b.files, entities, sources: b.sources, plans })
}

/// The text of a rule file with everything but its top-level function
/// definitions (`fn …(…) { … }`, `private fn …`) blanked out: every other
/// character becomes a space and line breaks stay, so a function keeps the
/// exact line and column it has in the file. `None` when it defines none.
/// The caller checks the result compiles to the same functions (see
/// `RuleSet::compile`), so a scanner mistake can only cost bytes.
#[cfg_attr(not(feature = "script"), allow(dead_code))]
pub(crate) fn functions_only(text: &str) -> Option<String> {
    let cs: Vec<char> = text.chars().collect();
    let mut keep = vec![false; cs.len()];
    let (mut i, mut depth, mut found) = (0usize, 0i64, false);
    let word_at = |i: usize, w: &str| -> bool {
        let n = w.chars().count();
        cs.get(i..i + n).is_some_and(|s| s.iter().copied().eq(w.chars()))
            && (i == 0 || !(cs[i - 1].is_alphanumeric() || cs[i - 1] == '_'))
            && cs.get(i + n).is_none_or(|c| !(c.is_alphanumeric() || *c == '_'))
    };
    // Skips a comment or string starting at `i`; returns the index after it.
    let skip = |i: usize| -> Option<usize> {
        let c = cs[i];
        let next = cs.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            let mut j = i;
            while j < cs.len() && cs[j] != '\n' {
                j += 1;
            }
            return Some(j);
        }
        if c == '/' && next == Some('*') {
            let (mut j, mut nest) = (i + 2, 1);
            while j < cs.len() && nest > 0 {
                if cs[j] == '/' && cs.get(j + 1) == Some(&'*') {
                    nest += 1;
                    j += 2;
                } else if cs[j] == '*' && cs.get(j + 1) == Some(&'/') {
                    nest -= 1;
                    j += 2;
                } else {
                    j += 1;
                }
            }
            return Some(j);
        }
        if c == '"' || c == '`' || c == '\'' {
            let mut j = i + 1;
            while j < cs.len() && cs[j] != c {
                if cs[j] == '\\' {
                    j += 1;
                }
                j += 1;
            }
            return Some((j + 1).min(cs.len()));
        }
        None
    };
    while i < cs.len() {
        if let Some(j) = skip(i) {
            i = j;
            continue;
        }
        let c = cs[i];
        if depth == 0
            && (word_at(i, "fn")
                || (word_at(i, "private") && {
                    let mut k = i + 7;
                    while k < cs.len() && cs[k].is_whitespace() {
                        k += 1;
                    }
                    word_at(k, "fn")
                }))
        {
            // The definition runs to the brace that closes its body.
            let start = i;
            let mut j = i;
            let mut d = 0i64;
            let mut opened = false;
            while j < cs.len() {
                if let Some(k) = skip(j) {
                    j = k;
                    continue;
                }
                match cs[j] {
                    '{' => {
                        d += 1;
                        opened = true;
                    }
                    '}' => {
                        d -= 1;
                    }
                    _ => {}
                }
                j += 1;
                if opened && d == 0 {
                    break;
                }
            }
            for k in keep.iter_mut().take(j).skip(start) {
                *k = true;
            }
            found = true;
            i = j;
            continue;
        }
        match c {
            '{' | '(' | '[' => depth += 1,
            '}' | ')' | ']' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    found.then(|| cs.iter().zip(&keep).map(|(&c, &k)| if k || c == '\n' || c == '\r' { c } else { ' ' }).collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::functions_only;

    #[test]
    fn keeps_functions_where_they_are_and_blanks_the_rest() {
        let src = "extends(\"c.rhai\");\nform(\"表\", #{ note: \"fn x() { }\" }); // fn no() {}\n/* fn no2() { } */\nfn 结论(r) {\n  if r.composite >= 60 { \"合格\" } else { `不合格}` }\n}\nprivate fn h(x) { x }\n";
        let out = functions_only(src).unwrap();
        assert_eq!(out.lines().count(), src.lines().count());
        assert_eq!(out.chars().count(), src.chars().count());
        assert!(!out.contains("extends") && !out.contains("no()") && !out.contains("no2"), "{out}");
        assert!(out.contains("fn 结论(r) {\n  if r.composite >= 60 { \"合格\" } else { `不合格}` }\n}"), "{out}");
        assert!(out.contains("private fn h(x) { x }"), "{out}");
        assert_eq!(functions_only("role(\"党员\", #{});\n"), None);
    }
}

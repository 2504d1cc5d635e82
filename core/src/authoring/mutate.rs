//! Mutation testing of rule files: change one literal of a declaration at a
//! time (a number, a date, a boolean, a name) and see whether some in-file
//! test notices. A change no test notices is a *survivor*: the file's tests
//! do not pin that number of the seed.
//!
//! Which literals: every number, `YYYY-MM-DD` date and boolean inside a
//! declaration call (`phase(...)`, `require(...)` …, not `test(...)`), every
//! name (a declaration's own name, and the values of name fields such as
//! `roles`, `phase`, `due`, `requires`, `tiers`, `groups`), and the numbers a
//! custom function compares against (`r.composite >= 60.0`). Free text
//! (`label`, `note`, `source`, markers and phrases) is not mutated.

use crate::ruleset::RuleSet;
use crate::source::{RuleSource, SourceError};
use serde::Serialize;
use std::collections::HashMap;

/// One change to one literal.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Mutant {
    /// 1-based line of the literal.
    pub line: usize,
    /// 1-based column (in characters).
    pub col: usize,
    /// Byte offset of the literal in the file.
    #[serde(skip)]
    pub offset: usize,
    /// The literal as written.
    pub original: String,
    /// What it becomes.
    pub replacement: String,
}

impl Mutant {
    /// The file's text with this change applied.
    pub fn apply(&self, text: &str) -> String {
        let mut s = String::with_capacity(text.len() + 8);
        s.push_str(&text[..self.offset]);
        s.push_str(&self.replacement);
        s.push_str(&text[self.offset + self.original.len()..]);
        s
    }
}

/// Whether `w` is a declaration function whose literals are mutated: every
/// rule kind and `amend`/`remove` (not `test`, not `extends`).
fn mutated(w: &str) -> bool {
    crate::kinds::kind(w).is_some_and(|k| k.rule) || crate::kinds::CHANGES.contains(&w)
}
/// Fields whose string values are names.
const NAME_KEYS: &[&str] = &[
    "roles", "phase", "due", "requires", "tiers", "rate_of", "groups", "items", "batch", "outcome", "function", "check", "labels", "handling",
    "aliases", "subject", "units", "like",
];
/// Fields that are maps keyed by a name (a condition, a unit type, a batch, a role): their keys
/// are mutated too, so a substitute or an exemption pointed at another condition, or a window
/// moved to another unit type, is a mutant a test must catch.
const NAME_MAPS: &[&str] = &["substitute", "exempt", "windows", "batches", "min_chars"];
/// Fields of free text, never mutated (nor anything inside them).
const TEXT_KEYS: &[&str] = &[
    "label",
    "note",
    "source",
    "local",
    "reason",
    "action",
    "markers",
    "phrases",
    "text",
    "synonyms",
    "areas",
    "extra_areas",
    "parts",
    "flags",
    "name",
    "level",
    // Lock marks change no member's result; the lock tests (core/src/load/locks.rs, tests/locks.rs) check them.
    "required",
    "optional",
    "open",
    "replace",
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Ctx {
    /// Outside any declaration or function.
    Top,
    /// Inside a declaration call.
    Decl,
    /// Inside a custom function's body.
    Fn,
}

#[derive(Debug, Clone)]
struct Level {
    /// Closing character.
    close: char,
    /// The field this level's values belong to.
    key: Option<String>,
    /// A map level (`#{`): `ident :` sets the key.
    map: bool,
}

fn is_date(s: &str) -> bool {
    crate::error::ymd(s).is_some()
}

fn next_day(s: &str) -> Option<String> {
    crate::error::ymd(s).and_then(|d| d.succ_opt()).map(|d| d.format("%Y-%m-%d").to_string())
}

/// Whether the innermost level is a map that is the value of a name-keyed field ([`NAME_MAPS`]).
fn name_map(stack: &[Level]) -> bool {
    let n = stack.len();
    n >= 2 && stack[n - 1].map && stack[n - 2].key.as_deref().is_some_and(|k| NAME_MAPS.contains(&k))
}

/// Every mutant of one rule file, in text order.
pub fn mutants(text: &str) -> Vec<Mutant> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = vec![];
    let (mut line, mut col) = (1usize, 1usize);
    let mut pos = vec![(0usize, 0usize); chars.len() + 1];
    for (i, &(_, c)) in chars.iter().enumerate() {
        pos[i] = (line, col);
        if c == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
    }
    pos[chars.len()] = (line, col);
    let byte = |i: usize| chars.get(i).map_or(text.len(), |x| x.0);

    let mut ctx = Ctx::Top;
    let mut stack: Vec<Level> = vec![];
    let mut pending_ident: Option<String> = None;
    // Where the pending identifier starts (a map key written as an identifier is mutated there).
    let mut pending_at = 0usize;
    let mut last_op = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        let key = stack.last().and_then(|l| l.key.clone());
        let in_text = stack.iter().any(|l| l.key.as_deref().is_some_and(|k| TEXT_KEYS.contains(&k)));
        // Comments.
        if c == '/' && chars.get(i + 1).map(|x| x.1) == Some('/') {
            while i < chars.len() && chars[i].1 != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && chars.get(i + 1).map(|x| x.1) == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i].1 == '*' && chars[i + 1].1 == '/') {
                i += 1;
            }
            i += 2;
            continue;
        }
        // Strings.
        if c == '"' || c == '`' {
            let start = i;
            i += 1;
            let mut s = String::new();
            while i < chars.len() && chars[i].1 != c {
                if chars[i].1 == '\\' {
                    i += 1;
                }
                if let Some(&(_, ch)) = chars.get(i) {
                    s.push(ch);
                }
                i += 1;
            }
            i += 1;
            let raw = &text[byte(start)..byte(i.min(chars.len()))];
            // A string before `:` in a map is a key.
            let mut j = i;
            while j < chars.len() && chars[j].1.is_whitespace() {
                j += 1;
            }
            let is_key = stack.last().is_some_and(|l| l.map) && chars.get(j).map(|x| x.1) == Some(':');
            if is_key && ctx == Ctx::Decl && !in_text && name_map(&stack) && !s.is_empty() && !s.contains('\\') && s != "*" {
                let (l, co) = pos[start];
                out.push(Mutant { line: l, col: co, offset: byte(start), original: raw.to_string(), replacement: format!("\"{s}*\"") });
            }
            if is_key {
                if let Some(l) = stack.last_mut() {
                    l.key = Some(s);
                }
                continue;
            }
            if ctx == Ctx::Decl && !in_text && c == '"' {
                let (l, co) = pos[start];
                let at = byte(start);
                if is_date(&s) {
                    if let Some(n) = next_day(&s) {
                        out.push(Mutant { line: l, col: co, offset: at, original: raw.to_string(), replacement: format!("\"{n}\"") });
                    }
                } else if key.as_deref().is_none_or(|k| NAME_KEYS.contains(&k) || k == "(") && !s.is_empty() && !s.contains('\\') {
                    out.push(Mutant { line: l, col: co, offset: at, original: raw.to_string(), replacement: format!("\"{s}*\"") });
                }
            }
            pending_ident = None;
            continue;
        }
        // Numbers.
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len()
                && (chars[i].1.is_ascii_digit() || chars[i].1 == '_' || (chars[i].1 == '.' && chars.get(i + 1).is_some_and(|x| x.1.is_ascii_digit())))
            {
                i += 1;
            }
            let raw = &text[byte(start)..byte(i)];
            let compared = matches!(last_op.as_str(), ">=" | "<=" | ">" | "<" | "==" | "!=");
            if (ctx == Ctx::Decl && !in_text) || (ctx == Ctx::Fn && compared) {
                let repl = if raw.contains('.') {
                    raw.replace('_', "").parse::<f64>().ok().map(|x| {
                        let y = x + 1.0;
                        if y.fract() == 0.0 {
                            format!("{y:.1}")
                        } else {
                            format!("{y}")
                        }
                    })
                } else {
                    raw.replace('_', "").parse::<i64>().ok().and_then(|x| x.checked_add(1)).map(|y| y.to_string())
                };
                if let Some(r) = repl {
                    let (l, co) = pos[start];
                    out.push(Mutant { line: l, col: co, offset: byte(start), original: raw.to_string(), replacement: r });
                }
            }
            last_op.clear();
            pending_ident = None;
            continue;
        }
        // Identifiers and keywords.
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].1.is_alphanumeric() || chars[i].1 == '_') {
                i += 1;
            }
            let word = &text[byte(start)..byte(i)];
            if ctx == Ctx::Decl && !in_text && (word == "true" || word == "false") {
                let (l, co) = pos[start];
                out.push(Mutant {
                    line: l,
                    col: co,
                    offset: byte(start),
                    original: word.to_string(),
                    replacement: if word == "true" { "false".into() } else { "true".into() },
                });
            }
            if ctx == Ctx::Top && stack.is_empty() && word == "fn" {
                ctx = Ctx::Fn;
            }
            pending_ident = Some(word.to_string());
            pending_at = start;
            last_op.clear();
            continue;
        }
        i += 1;
        match c {
            '(' => {
                if ctx == Ctx::Top && stack.is_empty() && pending_ident.as_deref().is_some_and(mutated) {
                    ctx = Ctx::Decl;
                }
                stack.push(Level { close: ')', key: Some("(".into()), map: false });
            }
            '#' if chars.get(i).map(|x| x.1) == Some('{') => {
                i += 1;
                stack.push(Level { close: '}', key: None, map: true });
            }
            '{' => stack.push(Level { close: '}', key: key.clone(), map: false }),
            '[' => stack.push(Level { close: ']', key: key.clone(), map: false }),
            ')' | '}' | ']' => {
                if stack.last().is_some_and(|l| l.close == c) {
                    stack.pop();
                }
                if stack.is_empty() && (c == ')' && ctx == Ctx::Decl || c == '}' && ctx == Ctx::Fn) {
                    ctx = Ctx::Top;
                }
            }
            ':' => {
                let keyed = ctx == Ctx::Decl && !in_text && name_map(&stack);
                if let (Some(l), Some(w)) = (stack.last_mut(), pending_ident.take()) {
                    if l.map && keyed {
                        let (ln, co) = pos[pending_at];
                        out.push(Mutant { line: ln, col: co, offset: byte(pending_at), original: w.clone(), replacement: format!("\"{w}*\"") });
                    }
                    if l.map {
                        l.key = Some(w);
                    }
                }
            }
            ',' => {
                if let Some(l) = stack.last_mut() {
                    if l.map {
                        l.key = None;
                    }
                }
            }
            ';' if stack.is_empty() && ctx == Ctx::Decl => ctx = Ctx::Top,
            _ => {}
        }
        if "<>=!".contains(c) {
            last_op.push(c);
        } else if !c.is_whitespace() {
            last_op.clear();
        }
        if !c.is_whitespace() && c != ':' {
            pending_ident = None;
        }
    }
    out
}

/// A mutant that no test caught.
#[derive(Debug, Clone, Serialize)]
pub struct Survivor {
    /// File the mutant is in.
    pub file: String,
    /// The change.
    #[serde(flatten)]
    pub mutant: Mutant,
}

/// The result of mutation testing a set of rule files.
#[derive(Debug, Clone, Serialize, Default)]
pub struct MutationReport {
    /// Mutants tried.
    pub mutants: usize,
    /// Mutants some test (or a load error) caught.
    pub killed: usize,
    /// Mutants nothing caught.
    pub survivors: Vec<Survivor>,
    /// Why no mutant was tried: the unchanged files already fail (a load error or a failing
    /// in-file test would "catch" every mutant, and "0 survivors" would mean nothing).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refused: Vec<String>,
}

struct Overlay<'a> {
    base: &'a dyn RuleSource,
    file: &'a str,
    text: String,
}

impl RuleSource for Overlay<'_> {
    fn load(&self, name: &str) -> Result<String, SourceError> {
        // The chain names a parent as `extends` wrote it ("central.rhai"); the
        // file list names it by path ("rules/central.rhai").
        if name == self.file || self.file.ends_with(&format!("/{name}")) {
            Ok(self.text.clone())
        } else {
            self.base.load(name)
        }
    }
}

/// Mutation-tests `files` (names for `source`): each mutant of a file is run
/// against the in-file tests of every file in `files` whose chain includes it.
pub fn mutation_test(files: &[String], source: &dyn RuleSource) -> MutationReport {
    let mut report = MutationReport::default();
    // The unchanged rules must load clean and pass their own tests first.
    for f in files {
        let rs = RuleSet::load(f, source);
        if rs.has_errors() {
            report.refused.push(format!("{f}: 规则文件有错误,先改正再做变异测试 / the rules have errors: fix them first"));
        }
        for t in rs.run_tests(true).iter().filter(|t| !t.pass) {
            report.refused.push(format!("{}: 测试“{}”未通过,先让测试通过再做变异测试 / test fails: make the tests pass first", t.location, t.name));
        }
    }
    if !report.refused.is_empty() {
        return report;
    }
    let chains: HashMap<&str, Vec<String>> = files.iter().map(|f| (f.as_str(), RuleSet::load(f, source).files().to_vec())).collect();
    for file in files {
        let Ok(text) = source.load(file) else { continue };
        // Entries whose chain includes this file (by name, as the loader resolved it).
        let entries: Vec<&String> = files
            .iter()
            .filter(|e| chains.get(e.as_str()).is_some_and(|c| c.iter().any(|x| x == file || x.rsplit('/').next() == file.rsplit('/').next())))
            .collect();
        for m in mutants(&text) {
            report.mutants += 1;
            let over = Overlay { base: source, file, text: m.apply(&text) };
            let caught = entries.iter().any(|e| {
                let rs = RuleSet::load(e, &over);
                rs.has_errors() || rs.run_tests(true).iter().any(|t| !t.pass)
            });
            if caught {
                report.killed += 1
            } else {
                report.survivors.push(Survivor { file: file.clone(), mutant: m })
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::mutants;

    #[test]
    fn finds_the_literals_of_declarations_only() {
        let text = r#"
phase("分析评议", #{ start: "2005-08-16", min_days: 30, note: "不少于一个月 30" });
require("学时", #{ roles: ["党员"], min: 45, label: "学习 45 学时", exempt: #{ 离退休党员: "可以不写" } });
form("表", #{ items: [["理想信念", 10]], trim: false });
fn f(r) { let x = 3; r.composite >= 60.0 }
test("t", #{ expect: #{ composite: 90.0 } });
let s = 1500;
"#;
        let got: Vec<(String, String)> = mutants(text).into_iter().map(|m| (m.original, m.replacement)).collect();
        let want: Vec<(&str, &str)> = vec![
            ("\"分析评议\"", "\"分析评议*\""),
            ("\"2005-08-16\"", "\"2005-08-17\""),
            ("30", "31"),
            ("\"学时\"", "\"学时*\""),
            ("\"党员\"", "\"党员*\""),
            ("45", "46"),
            // An exemption's condition (a key of a name-keyed map) is a name too.
            ("离退休党员", "\"离退休党员*\""),
            ("\"表\"", "\"表*\""),
            ("\"理想信念\"", "\"理想信念*\""),
            ("10", "11"),
            ("false", "true"),
            ("60.0", "61.0"),
        ];
        let got: Vec<(&str, &str)> = got.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        assert_eq!(got, want);
    }
}

#[cfg(test)]
mod refusal {
    #![allow(clippy::unwrap_used)]
    use super::mutation_test;
    use crate::source::MemorySource;

    #[test]
    fn no_mutant_is_tried_while_a_test_of_the_file_fails() {
        let mut src = MemorySource::new();
        src.insert("t.rhai", r#"role("党员"); phase("学习"); require("学时", #{ phase: "学习", roles: ["党员"], min: 45 }); test("错的", #{ rules: #{}, expect: #{ "requirements.学时.min": 40 } });"#);
        let r = mutation_test(&["t.rhai".to_string()], &src);
        assert_eq!((r.mutants, r.survivors.len()), (0, 0));
        assert!(r.refused.iter().any(|x| x.contains("错的")), "{:?}", r.refused);
        src.insert("t.rhai", r#"role("党员"); phase("学习"); require("学时", #{ phase: "学习", roles: ["党员"], min: 45 }); test("对的", #{ rules: #{}, expect: #{ "requirements.学时.min": 45 } });"#);
        let r = mutation_test(&["t.rhai".to_string()], &src);
        assert!(r.refused.is_empty() && r.mutants > 0, "{r:?}");
    }
}

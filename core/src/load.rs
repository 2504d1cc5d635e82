//! Runs rule files (and their parents) once and records what they declare.
//! The only module, with `sandbox`, that knows Rhai's API for running scripts.
//!
//! A rule file is a Rhai script whose top level calls declaration functions
//! (`phase`, `step`, `require`, ...). Each call becomes a [`Decl`] stamped with
//! the file, line and column of the call. Files are then merged root → leaf:
//! a child's declaration of the same kind and key replaces the parent's,
//! `amend` changes some fields, `remove` deletes.

use crate::diag::{Diags, Location};
pub(crate) use crate::entity::Entity;
use crate::sandbox;
use crate::source::RuleSource;
use rhai::{Dynamic, Engine, ImmutableString, Map, NativeCallContext, AST};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Deepest inheritance chain accepted.
const MAX_CHAIN: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Declare,
    Amend,
    Remove,
}

/// The kinds of thing a rule file declares.
pub(crate) const KINDS: &[&str] =
    &["campaign", "batch", "role", "condition", "unit", "phase", "step", "require", "material", "form", "vote", "exam", "gate", "test"];

/// Total size, in bytes of text (names, field values), of everything one
/// chain may declare: a rule file that declares more is stopped, so a loop
/// cannot fill memory with declarations.
const MAX_DECLARED_BYTES: usize = 32 << 20;

#[derive(Debug, Clone)]
pub(crate) struct Decl {
    pub op: Op,
    pub kind: String,
    pub key: String,
    pub fields: Map,
    pub loc: Location,
    /// Where each field's key is written (falls back to `loc`).
    pub field_locs: HashMap<String, Location>,
}

/// Finds where the keys of a declaration's option map are written: scans the
/// call that starts at `loc` and records every `key:` of its first-level
/// `#{ ... }` map, skipping strings and comments. Keys are matched by name, so
/// a diagnostic about `groups` points at `groups:`, not at the call.
fn key_positions(text: &str, line_starts: &[usize], loc: &Location) -> HashMap<String, Location> {
    let mut out = HashMap::new();
    if loc.line == 0 { return out; }
    let Some(&before) = line_starts.get(loc.line - 1) else { return out };
    let Some(line_text) = text.get(before..) else { return out };
    let start = before + line_text.char_indices().nth(loc.col.saturating_sub(1)).map_or(0, |x| x.0);
    let (mut line, mut col) = (loc.line, loc.col);
    let (mut paren, mut brace, mut bracket) = (0i32, 0i32, 0i32);
    let mut chars = text[start..].chars().peekable();
    let mut ident = String::new();
    let mut ident_at = (0, 0);
    let mut pending: Option<(String, (usize, usize))> = None;
    let mut started = false;
    while let Some(c) = chars.next() {
        let here = (line, col);
        if c == '\n' { line += 1; col = 1; } else { col += 1; }
        // Strings and comments.
        if c == '"' || c == '`' {
            let mut s = String::new();
            while let Some(d) = chars.next() {
                if d == '\n' { line += 1; col = 1; } else { col += 1; }
                if d == '\\' { if let Some(e) = chars.next() { col += 1; s.push(e); } continue; }
                if d == c { break; }
                s.push(d);
            }
            pending = Some((s, here));
            ident.clear();
            continue;
        }
        if c == '/' && chars.peek() == Some(&'/') {
            for d in chars.by_ref() { if d == '\n' { line += 1; col = 1; break; } }
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            if ident.is_empty() { ident_at = here; }
            ident.push(c);
            continue;
        }
        if !ident.is_empty() { pending = Some((std::mem::take(&mut ident), ident_at)); }
        match c {
            '(' => { paren += 1; started = true; }
            ')' => { paren -= 1; if started && paren <= 0 { break; } }
            '{' => brace += 1,
            '}' => brace -= 1,
            '[' => bracket += 1,
            ']' => bracket -= 1,
            ':' if paren == 1 && brace == 1 && bracket == 0 => {
                if let Some((k, (l, c0))) = pending.take() {
                    out.entry(k).or_insert(Location { file: loc.file.clone(), line: l, col: c0 });
                }
            }
            c if c.is_whitespace() => continue,
            _ => {}
        }
        if !c.is_whitespace() { pending = None; }
    }
    out
}

#[derive(Default)]
struct Recorder {
    file: String,
    decls: Vec<Decl>,
    parent: Option<(String, Location)>,
    diags: Diags,
    /// Bytes declared so far by the whole chain (see [`MAX_DECLARED_BYTES`]).
    bytes: usize,
}

/// Bytes of text in a value (strings, keys), counted without copying.
fn size_of(v: &Dynamic) -> usize {
    if let Some(s) = v.read_lock::<ImmutableString>() { return s.len(); }
    if let Some(a) = v.read_lock::<rhai::Array>() { return 8 + a.iter().map(size_of).sum::<usize>(); }
    if let Some(m) = v.read_lock::<Map>() { return 8 + m.iter().map(|(k, v)| k.len() + size_of(v)).sum::<usize>(); }
    8
}

/// Every file of a chain, run, plus the merged entities.
pub(crate) struct Loaded {
    pub files: Vec<String>,
    pub entities: Vec<Entity>,
    /// Entities of the parent chain alone (for `explain`), when there is a parent.
    pub parent_entities: Option<Vec<Entity>>,
    pub functions: AST,
    /// Function name → the file that defines it, in chain order.
    pub fn_files: Vec<(String, String)>,
    pub sources: Vec<(String, String)>,
}

type Rec = Rc<RefCell<Recorder>>;

type Res = Result<(), Box<rhai::EvalAltResult>>;

fn push(rec: &Rec, ctx: &NativeCallContext, op: Op, kind: &str, key: &str, fields: Map) -> Res {
    let mut r = rec.borrow_mut();
    r.bytes += 64 + kind.len() + key.len() + fields.iter().map(|(k, v)| k.len() + size_of(v)).sum::<usize>();
    if r.bytes > MAX_DECLARED_BYTES {
        let what = format!("规则文件声明的内容总量(上限 {} MB)/ everything the rule files declare", MAX_DECLARED_BYTES >> 20);
        return Err(Box::new(rhai::EvalAltResult::ErrorDataTooLarge(what, ctx.call_position())));
    }
    let loc = Location::new(&r.file, ctx.call_position());
    r.decls.push(Decl { op, kind: kind.to_string(), key: key.to_string(), fields, loc, field_locs: HashMap::new() });
    Ok(())
}

/// Registers every declaration function of [`crate::api::FUNCTIONS`] and returns their names.
fn register(engine: &mut Engine, rec: &Rec) -> Vec<&'static str> {
    let mut names = Vec::new();
    macro_rules! decl1 {
        ($name:literal, $kind:literal) => {{
            let r = rec.clone();
            engine.register_fn($name, move |ctx: NativeCallContext, key: ImmutableString| {
                push(&r, &ctx, Op::Declare, $kind, &key, Map::new())
            });
            let r = rec.clone();
            engine.register_fn($name, move |ctx: NativeCallContext, key: ImmutableString, m: Map| {
                push(&r, &ctx, Op::Declare, $kind, &key, m)
            });
            names.push($name);
        }};
    }
    decl1!("batch", "batch");
    decl1!("role", "role");
    decl1!("condition", "condition");
    decl1!("unit", "unit");
    decl1!("phase", "phase");
    decl1!("require", "require");
    decl1!("material", "material");
    decl1!("form", "form");
    decl1!("vote", "vote");
    decl1!("exam", "exam");
    decl1!("gate", "gate");
    decl1!("test", "test");
    let r = rec.clone();
    engine.register_fn("campaign", move |ctx: NativeCallContext, m: Map| push(&r, &ctx, Op::Declare, "campaign", "", m));
    names.push("campaign");
    let r = rec.clone();
    engine.register_fn("step", move |ctx: NativeCallContext, phase: ImmutableString, name: ImmutableString, mut m: Map| {
        m.insert("phase".into(), Dynamic::from(phase.clone()));
        m.insert("name".into(), Dynamic::from(name.clone()));
        push(&r, &ctx, Op::Declare, "step", &format!("{phase}/{name}"), m)
    });
    let r = rec.clone();
    engine.register_fn("step", move |ctx: NativeCallContext, phase: ImmutableString, name: ImmutableString| {
        let mut m = Map::new();
        m.insert("phase".into(), Dynamic::from(phase.clone()));
        m.insert("name".into(), Dynamic::from(name.clone()));
        push(&r, &ctx, Op::Declare, "step", &format!("{phase}/{name}"), m)
    });
    names.push("step");
    let r = rec.clone();
    engine.register_fn("amend", move |ctx: NativeCallContext, kind: ImmutableString, key: ImmutableString, m: Map| {
        push(&r, &ctx, Op::Amend, &kind, &key, m)
    });
    names.push("amend");
    let r = rec.clone();
    engine.register_fn("remove", move |ctx: NativeCallContext, kind: ImmutableString, key: ImmutableString| {
        push(&r, &ctx, Op::Remove, &kind, &key, Map::new())
    });
    names.push("remove");
    let r = rec.clone();
    engine.register_fn("extends", move |ctx: NativeCallContext, parent: ImmutableString| {
        let mut rr = r.borrow_mut();
        let loc = Location::new(&rr.file, ctx.call_position());
        if rr.parent.is_some() {
            rr.diags.error("extends.twice", &loc, "一个文件只能继承一个上级文件 / a file may extend only one parent");
        } else {
            rr.parent = Some((parent.to_string(), loc));
        }
    });
    names.push("extends");
    names
}

/// Names of the functions the loader registers for rule files (for the reference test).
pub fn registered_functions() -> Vec<&'static str> {
    let rec: Rec = Rc::default();
    let mut e = Engine::new_raw();
    register(&mut e, &rec)
}

struct FileRun {
    decls: Vec<Decl>,
    parent: Option<(String, Location)>,
    functions: AST,
}

/// Runs one file: read directly when it is nothing but literal declarations
/// (see [`fast`]; `fast` is `None` to always run it in Rhai), else in Rhai.
fn run_file(engine: &Engine, rec: &Rec, fast: Option<(&mut fast::Keys, &sandbox::Limits)>, name: &str, text: &str, diags: &mut Diags) -> FileRun {
    {
        let mut r = rec.borrow_mut();
        r.file = name.to_string();
        r.decls.clear();
        r.parent = None;
    }
    if let Some((keys, limits)) = fast {
        let bytes = rec.borrow().bytes;
        if let Some(run) = fast::run(engine, keys, limits, name, text, bytes) {
            rec.borrow_mut().bytes = run.bytes;
            diags.list.extend(run.diags.list);
            return FileRun { decls: run.decls, parent: run.parent, functions: AST::empty() };
        }
    }
    let mut functions = AST::empty();
    match engine.compile(text) {
        Err(e) => {
            let loc = Location::new(name, e.1);
            diags.error(sandbox::parse_code(&e.0), &loc, format!("语法错误 / syntax error: {}", e.0));
        }
        Ok(ast) => {
            if let Err(e) = engine.run_ast(&ast) {
                let loc = Location::new(name, sandbox::error_position(&e));
                diags.error(sandbox::error_code(&e), &loc, sandbox::error_message(&e));
            }
            functions = ast.clone_functions_only();
        }
    }
    let mut r = rec.borrow_mut();
    diags.list.append(&mut r.diags.list);
    let mut decls = std::mem::take(&mut r.decls);
    let line_starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    for d in &mut decls {
        if !d.fields.is_empty() {
            let mut at = key_positions(text, &line_starts, &d.loc);
            d.field_locs = d.fields.keys().map(|k| (k.to_string(), at.remove(k.as_str()).unwrap_or_else(|| d.loc.clone()))).collect();
        }
    }
    FileRun { decls, parent: r.parent.take(), functions }
}

/// Loads `entry` and its parents, runs each once, and merges their declarations.
pub(crate) fn load(entry: &str, source: &dyn RuleSource, limits: &sandbox::Limits, diags: &mut Diags) -> Loaded {
    // A bundle carries its whole chain: load it from itself, entry last.
    let mut first = Some(source.load(entry));
    if let Some(files) = first.as_ref().and_then(|t| t.as_deref().ok()).and_then(crate::bundle::parse) {
        let last = files.last().map(|f| f.0.clone()).unwrap_or_default();
        return load(&last, &crate::bundle::BundleSource(files), limits, diags);
    }
    let rec: Rec = Rc::default();
    let mut engine = sandbox::engine(limits);
    register(&mut engine, &rec);
    let mut keys = fast::Keys::default();

    // Walk up the chain: entry, parent, grandparent ...
    let mut chain: Vec<(String, FileRun)> = Vec::new();
    let mut sources = Vec::new();
    let mut next: Option<(String, Option<Location>)> = Some((entry.to_string(), None));
    while let Some((name, from)) = next.take() {
        if chain.iter().any(|(n, _)| *n == name) {
            if let Some(loc) = &from {
                diags.error("extends.cycle", loc, format!("继承关系成环: {name} / inheritance cycle through {name}"));
            }
            break;
        }
        if chain.len() >= MAX_CHAIN {
            if let Some(loc) = &from {
                diags.error("extends.depth", loc, format!("继承层级超过 {MAX_CHAIN} 层 / inheritance deeper than {MAX_CHAIN}"));
            }
            break;
        }
        // The entry was read above already.
        let text = match first.take().unwrap_or_else(|| source.load(&name)) {
            Ok(t) => t,
            Err(crate::source::SourceError::NotFound) => {
                match &from {
                    Some(loc) => diags.error("extends.not_found", loc, format!("找不到上级规则文件 {name} / parent rule file {name} not found")),
                    None => diags.error("file.not_found", &Location { file: name.clone(), line: 0, col: 0 }, format!("找不到规则文件 {name} / rule file not found")),
                }
                break;
            }
            Err(crate::source::SourceError::Unreadable(why)) => {
                let loc = from.clone().unwrap_or(Location { file: name.clone(), line: 0, col: 0 });
                diags.error("file.unreadable", &loc, format!("无法读取规则文件 {name}:{why} / cannot read rule file"));
                break;
            }
        };
        let run = run_file(&engine, &rec, Some((&mut keys, limits)), &name, &text, diags);
        sources.push((name.clone(), text));
        next = run.parent.clone().map(|(p, loc)| (p, Some(loc)));
        chain.push((name, run));
    }
    chain.reverse();
    sources.reverse();

    let files: Vec<String> = chain.iter().map(|(n, _)| n.clone()).collect();
    let mut functions = AST::empty();
    let mut fn_files = vec![];
    let mut merged = Merged::default();
    let mut parent_entities = None;
    let n = chain.len();
    for (i, (file, run)) in chain.into_iter().enumerate() {
        if i + 1 == n && n > 1 {
            parent_entities = Some(merged.slots.iter().zip(&merged.gone).filter(|(_, g)| !**g).map(|(e, _)| e.clone()).collect());
        }
        fn_files.extend(run.functions.iter_functions().map(|f| (f.name.to_string(), file.clone())));
        functions = functions.merge(&run.functions);
        apply(&mut merged, run.decls, diags);
    }
    Loaded { files, entities: merged.into_vec(), parent_entities, functions, fn_files, sources }
}

/// Entities merged so far, with an index by (kind, key) so that merging is
/// linear in the number of declarations.
#[derive(Default)]
struct Merged {
    slots: Vec<Entity>,
    /// Slots whose entity a later file removed.
    gone: Vec<bool>,
    /// Per kind (its place in [`KINDS`]): key → slot.
    index: Vec<rustc_hash::FxHashMap<String, usize>>,
}

impl Merged {
    fn into_vec(self) -> Vec<Entity> {
        let (mut slots, gone) = (self.slots, self.gone);
        let mut gone = gone.into_iter();
        slots.retain(|_| !gone.next().unwrap_or(false));
        slots
    }
}

/// Fields of a required declaration that a child may only raise.
const AT_LEAST: &[&str] = &["min", "session_min", "min_days", "min_areas"];
/// Fields whose every entry a child must keep.
const KEEP_ALL: &[&str] = &["roles", "requires", "areas", "parts", "flags", "tiers", "rate_of", "extra_areas", "min_chars"];
/// Fields to which a child may not add entries (adding an exemption weakens a rule).
const ADD_NONE: &[&str] = &["exempt"];
/// Fields of a required form a child may not change at all.
const FIXED: &[&str] = &["items", "groups", "trim", "trim_min", "total", "check"];

fn num(v: &Dynamic) -> Option<f64> {
    v.as_int().map(|i| i as f64).ok().or_else(|| v.as_float().ok())
}

/// Entries of a list or map as comparable text (maps: `key=value`).
fn entries(v: &Dynamic) -> Vec<String> {
    if let Some(a) = v.read_lock::<rhai::Array>() { return a.iter().map(|x| x.to_string()).collect(); }
    if let Some(m) = v.read_lock::<Map>() { return m.iter().map(|(k, x)| format!("{k}={x}")).collect(); }
    vec![v.to_string()]
}

/// Why changing `field` of a required declaration from `old` to `new` weakens it, if it does.
fn weakens(field: &str, old: &Dynamic, new: Option<&Dynamic>) -> Option<String> {
    let shown = |v: Option<&Dynamic>| v.map_or("(删去 removed)".to_string(), |v| v.to_string());
    if AT_LEAST.contains(&field) {
        let (o, n) = (num(old)?, new.and_then(num));
        return match n { Some(n) if n >= o => None, _ => Some(format!("{field} 从 {o} 降为 {} / lowered", shown(new))) };
    }
    if field == "min_chars" {
        let om = old.read_lock::<Map>()?;
        let nm = new.and_then(|n| n.read_lock::<Map>().map(|m| m.clone())).unwrap_or_default();
        for (role, ov) in om.iter() {
            let nv = nm.get(role.as_str()).and_then(num);
            if nv.is_none_or(|n| Some(n) < num(ov)) { return Some(format!("min_chars 中 {role} 从 {ov} 降为 {} / lowered", nv.map_or("(删去)".into(), |n| n.to_string()))); }
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
fn check_lock(e: &Entity, d: &Decl, whole: bool, diags: &mut Diags) {
    let Some(by) = &e.required_by else { return };
    if by == &d.loc.file { return; }
    for (k, old) in &e.fields {
        let new = d.fields.get(k.as_str());
        if new.is_none() && !whole { continue; }
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

fn apply(m: &mut Merged, decls: Vec<Decl>, diags: &mut Diags) {
    m.index.resize_with(KINDS.len(), Default::default);
    m.slots.reserve(decls.len());
    m.gone.reserve(decls.len());
    for d in decls {
        let Some(kind) = KINDS.iter().position(|k| *k == d.kind) else {
            diags.error("decl.unknown_kind", &d.loc, format!("未知的种类 \"{}\",可用: {} / unknown kind", d.kind, KINDS.join(", ")));
            continue;
        };
        let declares_required = d.fields.get("required").and_then(|v| v.as_bool().ok()) == Some(true);
        let index = &mut m.index[kind];
        let pos = index.get(d.key.as_str()).copied().filter(|&i| !m.gone[i]);
        match (d.op, pos) {
            (Op::Declare, Some(i)) => {
                let e = &mut m.slots[i];
                if e.loc.file == d.loc.file {
                    diags.warning("decl.duplicate", &d.loc, format!("{} \"{}\" 在本文件中重复声明(第 {} 行),以后者为准 / declared twice in this file; the later one wins", d.kind, d.key, e.loc.line));
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
                if declares_required && e.required_by.is_none() { e.required_by = Some(d.loc.file.clone()); }
                // A phase ends either on `end` or after `days`: setting one drops the other.
                for (a, b) in [("end", "days"), ("days", "end")] {
                    if e.kind == "phase" && d.fields.contains_key(a) { e.fields.remove(b); e.field_locs.remove(b); }
                }
                for (k, v) in d.fields {
                    let at = d.field_locs.get(k.as_str()).cloned().unwrap_or_else(|| d.loc.clone());
                    e.field_locs.insert(k.to_string(), at);
                    e.fields.insert(k, v);
                }
            }
            (Op::Remove, Some(i)) => {
                if let Some(by) = m.slots[i].required_by.clone().filter(|by| *by != d.loc.file) {
                    diags.error("lock.remove", &d.loc, format!("{} \"{}\" 是上级文件 {by} 规定的必须内容(required),下级不能删除 / a required declaration cannot be removed", d.kind, d.key));
                    continue;
                }
                m.gone[i] = true;
                index.remove(d.key.as_str());
            }
            (Op::Amend | Op::Remove, None) => {
                diags.error("decl.unknown_target", &d.loc, format!("要修改或删除的 {} \"{}\" 未在上级文件中声明 / nothing declared as {} \"{}\" to change", d.kind, d.key, d.kind, d.key));
            }
        }
    }
}

/// The fast path for a file that is nothing but declaration calls with
/// literal arguments (strings without escapes, decimal numbers, `true` /
/// `false`, arrays and `#{ }` maps of those), separated by `;`, with
/// whitespace and `//` comments between them: such a file is read directly
/// into the same [`Decl`]s that running it in Rhai records. Anything else —
/// one expression, variable, function definition, escape, block comment,
/// unknown function or argument shape, a literal near a sandbox limit, a
/// chain over the declared-bytes limit — and the whole file goes to Rhai,
/// so every diagnostic stays Rhai's own. The identifiers used as map keys are
/// checked with the sandbox engine itself (once per distinct key).
mod fast {
    use super::{size_of, Decl, Op, MAX_DECLARED_BYTES};
    use crate::diag::{Diags, Location};
    use crate::sandbox::Limits;
    use rhai::{Array, Dynamic, Engine, ImmutableString, Map};
    use rustc_hash::FxHashMap as HashMap;

    /// The declaration functions taking one name, with an optional map.
    const DECL1: &[&str] = &["batch", "role", "condition", "unit", "phase", "require", "material", "form", "vote", "exam", "gate", "test"];

    /// Rhai operations one call statement with `args` literal arguments can
    /// take at most (statement, call, one per argument, native call); a file
    /// whose calls could together reach `max_operations` goes to Rhai.
    pub(super) fn ops_bound(args: usize) -> u64 {
        4 + args as u64
    }

    /// Deepest literal nesting (a map in an array in the option map is 3)
    /// read here under a given expression depth limit; `None` when even a
    /// call without nesting is left to Rhai.
    pub(super) fn max_nesting(max_expr_depth: usize) -> Option<usize> {
        if max_expr_depth == 0 { Some(usize::MAX) } else { (max_expr_depth / 4).checked_sub(2) }
    }

    pub(super) struct Run {
        pub decls: Vec<Decl>,
        pub parent: Option<(String, Location)>,
        pub diags: Diags,
        pub bytes: usize,
    }

    /// Identifiers as map keys: whether Rhai reads `#{ key: 0 }` as a map with that one key.
    #[derive(Default)]
    pub(super) struct Keys(HashMap<String, bool>);

    impl Keys {
        fn ok(&mut self, engine: &Engine, k: &str) -> bool {
            if let Some(&ok) = self.0.get(k) { return ok; }
            let ok = engine.eval_expression::<Map>(&format!("#{{{k}: 0}}")).is_ok_and(|m| m.len() == 1 && m.contains_key(k));
            self.0.insert(k.to_string(), ok);
            ok
        }
    }

    struct Totals { strings: usize, items: usize, entries: usize }

    struct Scan<'t, 'e> {
        t: &'t str,
        b: &'t [u8],
        i: usize,
        line: usize,
        col: usize,
        engine: &'e Engine,
        keys: &'e mut Keys,
        limits: &'e Limits,
        nesting: usize,
        totals: Totals,
        /// Keys of the call's first-level map, with where they are written.
        key_at: Vec<(&'t str, usize, usize)>,
        /// Short strings already read, shared as Rhai's parser shares them.
        strs: HashMap<&'t str, ImmutableString>,
    }

    fn is_delim(c: u8) -> bool {
        matches!(c, b',' | b']' | b'}' | b')') || c.is_ascii_whitespace()
    }

    impl<'t, 'e> Scan<'t, 'e> {
        fn peek(&self) -> Option<u8> { self.b.get(self.i).copied() }

        /// Skips whitespace and `//` comments; `None` for what the fast path does not read.
        fn ws(&mut self) -> Option<()> {
            while let Some(c) = self.peek() {
                match c {
                    b'\n' => { self.i += 1; self.line += 1; self.col = 1; }
                    b' ' | b'\t' | b'\r' | b'\x0c' => { self.i += 1; self.col += 1; }
                    b'/' => {
                        match self.b.get(self.i + 1) {
                            Some(b'/') => {}
                            _ => return if self.b.get(self.i + 1) == Some(&b'*') { None } else { Some(()) },
                        }
                        // Doc comments (`///`, `//!`) are Rhai's business.
                        if matches!(self.b.get(self.i + 2), Some(b'/' | b'!')) { return None; }
                        match self.b[self.i..].iter().position(|&c| c == b'\n') {
                            Some(n) => { self.i += n + 1; self.line += 1; self.col = 1; }
                            None => { self.col += self.t[self.i..].chars().count(); self.i = self.b.len(); }
                        }
                    }
                    _ => return Some(()),
                }
            }
            Some(())
        }

        fn eat(&mut self, c: u8) -> Option<()> {
            (self.peek() == Some(c)).then(|| { self.i += 1; self.col += 1; })
        }

        /// An identifier, as `char::is_alphanumeric` and `_` make it.
        fn ident(&mut self) -> Option<&'t str> {
            let rest = &self.t[self.i..];
            let mut chars = rest.char_indices();
            let (_, first) = chars.next()?;
            if !(first.is_alphabetic() || first == '_') { return None; }
            let mut n = 1;
            let mut end = rest.len();
            for (at, c) in chars {
                if !(c.is_alphanumeric() || c == '_') { end = at; break; }
                n += 1;
            }
            self.i += end;
            self.col += n;
            Some(&rest[..end])
        }

        /// A `"..."` string without escapes or line breaks.
        fn string(&mut self) -> Option<&'t str> {
            self.eat(b'"')?;
            let n = self.b[self.i..].iter().position(|&c| matches!(c, b'"' | b'\\' | b'\n' | b'\r'))?;
            if self.b[self.i + n] != b'"' { return None; }
            let s = &self.t[self.i..self.i + n];
            if self.limits.max_string_size > 0 && s.len() >= self.limits.max_string_size { return None; }
            self.totals.strings += s.len();
            self.i += n + 1;
            self.col += s.chars().count() + 1;
            Some(s)
        }

        fn value(&mut self, depth: usize) -> Option<Dynamic> {
            match self.peek()? {
                b'"' => {
                    let s = self.string()?;
                    if let Some(v) = self.strs.get(s) { return Some(v.clone().into()); }
                    let v: ImmutableString = s.into();
                    // A bounded cache: names repeat, most other strings do not.
                    if s.len() <= 64 && self.strs.len() < 1024 { self.strs.insert(s, v.clone()); }
                    Some(v.into())
                }
                b'0'..=b'9' => {
                    let start = self.i;
                    let digits = |b: &[u8], i: usize| b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
                    let mut end = start + digits(self.b, start);
                    let float = self.b.get(end) == Some(&b'.') && self.b.get(end + 1).is_some_and(u8::is_ascii_digit);
                    if float { end += 1 + digits(self.b, end + 1); }
                    if !self.b.get(end).copied().is_none_or(is_delim) { return None; }
                    let s = &self.t[start..end];
                    let v = if float { Dynamic::from_float(s.parse().ok()?) } else { Dynamic::from_int(s.parse().ok()?) };
                    self.col += end - start;
                    self.i = end;
                    Some(v)
                }
                b'[' => {
                    if depth >= self.nesting { return None; }
                    self.eat(b'[')?;
                    let mut a = Array::new();
                    loop {
                        self.ws()?;
                        if self.eat(b']').is_some() { break; }
                        a.push(self.value(depth + 1)?);
                        self.totals.items += 1;
                        self.ws()?;
                        if self.eat(b',').is_none() { self.eat(b']')?; break; }
                    }
                    if self.limits.max_array_size > 0 && self.totals.items >= self.limits.max_array_size { return None; }
                    Some(Dynamic::from_array(a))
                }
                b'#' => {
                    if depth >= self.nesting || self.b.get(self.i + 1) != Some(&b'{') { return None; }
                    self.i += 2;
                    self.col += 2;
                    let mut m = Map::new();
                    loop {
                        self.ws()?;
                        if self.eat(b'}').is_some() { break; }
                        let (line, col) = (self.line, self.col);
                        let k = if self.peek() == Some(b'"') {
                            self.string()?
                        } else {
                            let k = self.ident()?;
                            if !self.keys.ok(self.engine, k) { return None; }
                            k
                        };
                        if m.contains_key(k) { return None; }
                        self.ws()?;
                        self.eat(b':')?;
                        if self.peek() == Some(b':') { return None; }
                        self.ws()?;
                        let v = self.value(depth + 1)?;
                        if depth == 0 { self.key_at.push((k, line, col)); }
                        m.insert(k.into(), v);
                        self.totals.entries += 1;
                        self.ws()?;
                        if self.eat(b',').is_none() { self.eat(b'}')?; break; }
                    }
                    if self.limits.max_map_size > 0 && self.totals.entries >= self.limits.max_map_size { return None; }
                    Some(Dynamic::from_map(m))
                }
                _ => {
                    let b = match self.ident()? { "true" => true, "false" => false, _ => return None };
                    if !self.peek().is_none_or(is_delim) { return None; }
                    Some(Dynamic::from_bool(b))
                }
            }
        }
    }

    /// What one call declares: `Ok(Some)` a declaration, `Ok(None)` an `extends`.
    fn call(name: &str, mut args: Vec<Dynamic>) -> Option<Result<(Op, String, String, Map), String>> {
        let str_at = |args: &[Dynamic], i: usize| args.get(i).and_then(|a| a.read_lock::<ImmutableString>().map(|s| s.to_string()));
        if args.len() > 3 { return None; }
        let mut buf = [0u8; 3];
        for (b, a) in buf.iter_mut().zip(&args) { *b = if a.is_string() { b'S' } else if a.is_map() { b'M' } else { b'?' }; }
        let shape = &buf[..args.len()];
        let map = |args: &mut Vec<Dynamic>| args.pop().and_then(|m| m.try_cast::<Map>());
        Some(Ok(match (name, shape) {
            (n, b"S") if DECL1.contains(&n) => (Op::Declare, n.to_string(), str_at(&args, 0)?, Map::new()),
            (n, b"SM") if DECL1.contains(&n) => (Op::Declare, n.to_string(), str_at(&args, 0)?, map(&mut args)?),
            ("campaign", b"M") => (Op::Declare, "campaign".into(), String::new(), map(&mut args)?),
            ("step", b"SS" | b"SSM") => {
                let mut m = if shape.len() == 3 { map(&mut args)? } else { Map::new() };
                let (phase, name) = (str_at(&args, 0)?, str_at(&args, 1)?);
                let key = format!("{phase}/{name}");
                m.insert("phase".into(), Dynamic::from(ImmutableString::from(phase)));
                m.insert("name".into(), Dynamic::from(ImmutableString::from(name)));
                (Op::Declare, "step".into(), key, m)
            }
            ("amend", b"SSM") => { let m = map(&mut args)?; (Op::Amend, str_at(&args, 0)?, str_at(&args, 1)?, m) }
            ("remove", b"SS") => (Op::Remove, str_at(&args, 0)?, str_at(&args, 1)?, Map::new()),
            ("extends", b"S") => return Some(Err(str_at(&args, 0)?)),
            _ => return None,
        }))
    }

    /// Reads `text` if it is nothing but literal declaration calls; `None` sends it to Rhai.
    /// `bytes` is what the chain declared before this file.
    pub(super) fn run(engine: &Engine, keys: &mut Keys, limits: &Limits, file: &str, text: &str, bytes: usize) -> Option<Run> {
        let mut s = Scan {
            t: text, b: text.as_bytes(), i: 0, line: 1, col: 1, engine, keys, limits,
            nesting: max_nesting(limits.max_expr_depth.0)?,
            totals: Totals { strings: 0, items: 0, entries: 0 }, key_at: vec![], strs: HashMap::default(),
        };
        // Each call ends with `;` (a bounded guess, so `;;;;` cannot reserve much).
        let calls = s.b.iter().filter(|&&c| c == b';').count().min(1 << 17);
        let mut out = Run { decls: Vec::with_capacity(calls), parent: None, diags: Diags::default(), bytes };
        let mut ops: u64 = 0;
        loop {
            s.ws()?;
            if s.i == s.b.len() { break; }
            let loc = Location { file: file.to_string(), line: s.line, col: s.col };
            let name = s.ident()?;
            s.eat(b'(')?;
            s.totals = Totals { strings: 0, items: 0, entries: 0 };
            s.key_at.clear();
            let mut args = vec![];
            s.ws()?;
            if s.eat(b')').is_none() {
                loop {
                    args.push(s.value(0)?);
                    s.ws()?;
                    if s.eat(b')').is_some() { break; }
                    s.eat(b',')?;
                    s.ws()?;
                }
            }
            s.ws()?;
            s.eat(b';')?;
            ops += ops_bound(args.len());
            if limits.max_operations > 0 && ops >= limits.max_operations { return None; }
            let big = |n: usize, max: usize| max > 0 && n >= max;
            if big(s.totals.strings, limits.max_string_size) || big(s.totals.items, limits.max_array_size) || big(s.totals.entries, limits.max_map_size) {
                return None;
            }
            match call(name, args)? {
                Err(parent) => {
                    if out.parent.is_some() {
                        out.diags.error("extends.twice", &loc, "一个文件只能继承一个上级文件 / a file may extend only one parent");
                    } else {
                        out.parent = Some((parent, loc));
                    }
                }
                Ok((op, kind, key, fields)) => {
                    out.bytes += 64 + kind.len() + key.len() + fields.iter().map(|(k, v)| k.len() + size_of(v)).sum::<usize>();
                    if out.bytes > MAX_DECLARED_BYTES { return None; }
                    // The map's keys are where they are written (each once); the
                    // fields `step` adds itself, where the call is.
                    let mut field_locs = std::collections::HashMap::with_capacity(fields.len());
                    for &(k, line, col) in &s.key_at {
                        field_locs.insert(k.to_string(), Location { file: file.to_string(), line, col });
                    }
                    for k in fields.keys() {
                        if !field_locs.contains_key(k.as_str()) { field_locs.insert(k.to_string(), loc.clone()); }
                    }
                    out.decls.push(Decl { op, kind, key, fields, loc, field_locs });
                }
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod fast_tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::sandbox::Limits;

    fn shown(d: &Decl) -> String {
        let mut locs: Vec<_> = d.field_locs.iter().map(|(k, l)| format!("{k}@{l}")).collect();
        locs.sort();
        format!("{:?} {} {} {:?} {} {:?}", d.op, d.kind, d.key, d.fields, d.loc, locs)
    }

    /// Runs `text` in Rhai and on the fast path; when the fast path reads it,
    /// everything must be the same. Returns whether the fast path read it.
    fn same(text: &str, limits: &Limits, bytes: usize) -> bool {
        let rec: Rec = Rc::default();
        let mut engine = sandbox::engine(limits);
        register(&mut engine, &rec);
        rec.borrow_mut().bytes = bytes;
        let mut d = Diags::default();
        let slow = run_file(&engine, &rec, None, "t.rhai", text, &mut d);
        let Some(fast) = fast::run(&engine, &mut fast::Keys::default(), limits, "t.rhai", text, bytes) else { return false };
        assert_eq!(d.list, fast.diags.list, "{text}");
        assert_eq!(rec.borrow().bytes, fast.bytes, "{text}");
        assert_eq!(slow.parent, fast.parent, "{text}");
        assert_eq!(slow.decls.iter().map(shown).collect::<Vec<_>>(), fast.decls.iter().map(shown).collect::<Vec<_>>(), "{text}");
        true
    }

    const READ: &[&str] = &[
        "",
        "// 只有注释",
        "role(\"党员\", #{ local: \"bench\" });\nunit(\"机关\", #{ local: \"bench\" });\n",
        "phase(\"学习动员\", #{ start: \"2005-01-15\", end: \"2005-03-10\", local: \"bench\" });",
        "step(\"学习动员\", \"环节0\", #{ windows: #{ 机关: [\"2005-01-20\", \"2005-01-25\"] }, local: \"bench\" });",
        "require(\"要求2\", #{ phase: \"学习动员\", roles: [\"党员\"], min: 2, unit: \"学时\", due: \"环节0\", local: \"bench\" });",
        "role(\"甲\"); role(\"乙\", #{ 名: \"x\" }); unit(\"丙\",#{a:1,b:2.5,c:true,d:false,e:[],f:#{}});",
        "role(\"x\",\r\n  #{\r\n\ta: 1, // 注释: 不是键\r\n\t\"b c\": [1, 2.5, [true], #{ d: \"e:f\" },],\r\n  });\r\n",
        "step(\"p\", \"s\");\nstep(\"p\", \"s2\", #{ phase: \"q\", name: \"n\", x: 1 });",
        "campaign(#{ name: \"c\", year: 2005 });\nextends(\"base.rhai\");\nextends(\"other.rhai\");",
        "amend(\"require\", \"r1\", #{ min: 3 });\nremove(\"role\", \"x\");\namend(\"nope\", \"k\", #{});",
        "role(\"a//b\", #{ s: \"${x} '#{' ` \" });\x0c role(\"c\");",
        "gate(\"g\", #{ requires: [\"a\"] });//end",
        "\u{feff}role(\"x\");", "role(\"x\", #{ if: 1 });", "role(\"x\", #{ fn: 1 });", "role(\"x\", #{ true: 1 });", "role(\"x\", #{ call: 1 });",
        "role(\"x\", #{ eval: 1 });", "role(\"x\", #{ this: 1 });", "role(\"x\", #{ let: 1 });", "role(\"x\", #{ _: 1 });",
        "role(\"x\", #{ _a: 1 });", "role(\"x\", #{ Fn: 1 });", "role(\"x\", #{ a１: 1 });", "role(\"x\", #{ é: 1 });",
        "role(\"x\", #{ e\u{301}: 1 });", "role(\"x\", #{ a: 1, a: 2 });", "role(\"x\", #{ \"a\": 1, a: 2 });",
        "role(\"x\", #{ a: 007, b: 0.5, c: 99999999999999999999, d: 1_000, e: 1e5, f: -3, g: 1., h: 0x10 });",
        "role(\"x\", #{ a: 1 } );", "role(\"x\",);", "role (\"x\");", "role(\"x\")", "role(\"x\");;", "role(\"x\")\n;",
        "role(1);", "role(\"a\", \"b\");", "campaign(\"x\");", "campaign();", "push(\"x\");", "role(\"x\", #{ a: b });",
        "/// doc\nrole(\"x\");", "//! doc\nrole(\"x\");", "/* c */ role(\"x\");", "role(\"x\"); \u{3000}", "role(\"a\\\"b\");",
        "role(\"x\", #{ a: [1 2] });", "role(\"x\", #{ a: 1 b: 2 });", "role(\"x\", #{ a:: 1 });", "role(\"x\", #{ a: 1/2 });",
        "role(\"x\", #{ a: 1 // c\n, b: 2 });", "role(\"x\", #{ a: 1 /2 });", "fn role(a) { }\nrole(\"x\");",
        "role(\"x\", #{ a: #{ b: #{ c: #{ d: [[[[1]]]] } } } });",
    ];

    #[test]
    fn the_fast_path_reads_exactly_what_rhai_records() {
        let def = Limits::default();
        for t in READ {
            same(t, &def, 0);
        }
        for t in &READ[..13] {
            assert!(same(t, &def, 0), "not read directly: {t}");
        }
    }

    #[test]
    fn the_fast_path_leaves_to_rhai_whatever_is_near_a_limit() {
        let nested = "role(\"x\", #{ a: [1, #{ b: [[\"xy\", 2]] }], c: \"abcdef\" });\nrole(\"y\", #{ a: [[[[[[1]]]]]] });";
        let many = "role(\"a\");\nrole(\"b\", #{ x: 1 });\nstep(\"p\", \"s\", #{ x: 1 });\nremove(\"role\", \"a\");\n".repeat(3);
        for n in 0..80 {
            for t in READ.iter().copied().chain([nested, many.as_str()]) {
                same(t, &Limits { max_operations: n, ..Limits::default() }, 0);
                same(t, &Limits { max_expr_depth: (n as usize, n as usize), ..Limits::default() }, 0);
                same(t, &Limits { max_string_size: n as usize, ..Limits::default() }, 0);
                same(t, &Limits { max_array_size: n as usize, ..Limits::default() }, 0);
                same(t, &Limits { max_map_size: n as usize, ..Limits::default() }, 0);
            }
        }
        // The declared-bytes limit: the file goes to Rhai, which stops it.
        let def = Limits::default();
        assert!(!same("role(\"x\", #{ a: \"long enough\" });", &def, MAX_DECLARED_BYTES - 80));
        assert!(same("role(\"x\");", &def, MAX_DECLARED_BYTES - 80));
        // The defaults read 100,000 declarations well inside the operation limit.
        assert!(fast::ops_bound(2) * 100_000 < def.max_operations);
        assert!(fast::max_nesting(def.max_expr_depth.0) >= Some(8));
    }
}

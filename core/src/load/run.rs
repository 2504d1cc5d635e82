//! Runs each file of a chain once in the sandbox engine, recording every
//! declaration call with its place, and merges the chain (see `merge`).

use super::entity::Entity;
use super::merge::{apply, Merged};
use super::{literal as fast, size_of, Decl, Op, MAX_CHAIN, MAX_DECLARED_BYTES};
use crate::diag::{Diags, Location};
use crate::kinds::{Shape, KINDS};
use crate::sandbox;
use crate::source::RuleSource;
use rhai::{Dynamic, Engine, ImmutableString, Map, NativeCallContext, AST};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Finds where the keys of a declaration's option map are written: scans the
/// call that starts at `loc` and records every `key:` of its first-level
/// `#{ ... }` map, skipping strings and comments. Keys are matched by name, so
/// a diagnostic about `groups` points at `groups:`, not at the call.
fn key_positions(text: &str, line_starts: &[usize], loc: &Location) -> HashMap<String, Location> {
    let mut out = HashMap::new();
    if loc.line == 0 {
        return out;
    }
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
        if c == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
        // Strings and comments.
        if c == '"' || c == '`' {
            let mut s = String::new();
            while let Some(d) = chars.next() {
                if d == '\n' {
                    line += 1;
                    col = 1;
                } else {
                    col += 1;
                }
                if d == '\\' {
                    if let Some(e) = chars.next() {
                        col += 1;
                        s.push(e);
                    }
                    continue;
                }
                if d == c {
                    break;
                }
                s.push(d);
            }
            pending = Some((s, here));
            ident.clear();
            continue;
        }
        if c == '/' && chars.peek() == Some(&'/') {
            for d in chars.by_ref() {
                if d == '\n' {
                    line += 1;
                    col = 1;
                    break;
                }
            }
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            if ident.is_empty() {
                ident_at = here;
            }
            ident.push(c);
            continue;
        }
        if !ident.is_empty() {
            pending = Some((std::mem::take(&mut ident), ident_at));
        }
        match c {
            '(' => {
                paren += 1;
                started = true;
            }
            ')' => {
                paren -= 1;
                if started && paren <= 0 {
                    break;
                }
            }
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
        if !c.is_whitespace() {
            pending = None;
        }
    }
    out
}

#[derive(Default)]
pub(crate) struct Recorder {
    pub(crate) file: String,
    pub(crate) decls: Vec<Decl>,
    pub(crate) parent: Option<(String, Location)>,
    pub(crate) diags: Diags,
    /// Bytes declared so far by the whole chain (see [`MAX_DECLARED_BYTES`]).
    pub(crate) bytes: usize,
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
    /// The entry file's `amend` and `remove` calls that give neither `source:` nor `local:` (for `check --strict`).
    pub unsourced: Vec<(Location, String)>,
}

pub(crate) type Rec = Rc<RefCell<Recorder>>;

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

/// Registers every declaration function of [`crate::authoring::api::FUNCTIONS`] and returns their names.
pub(crate) fn register(engine: &mut Engine, rec: &Rec) -> Vec<&'static str> {
    let mut names = Vec::new();
    for k in KINDS {
        let name = k.name;
        match k.shape {
            Shape::Named => {
                let r = rec.clone();
                engine.register_fn(name, move |ctx: NativeCallContext, key: ImmutableString| push(&r, &ctx, Op::Declare, name, &key, Map::new()));
                let r = rec.clone();
                engine.register_fn(name, move |ctx: NativeCallContext, key: ImmutableString, m: Map| push(&r, &ctx, Op::Declare, name, &key, m));
            }
            Shape::Unnamed => {
                let r = rec.clone();
                engine.register_fn(name, move |ctx: NativeCallContext, m: Map| push(&r, &ctx, Op::Declare, name, "", m));
            }
            Shape::InPhase => {
                let in_phase = |phase: &str, step: &str, mut m: Map| {
                    m.insert("phase".into(), Dynamic::from(phase.to_string()));
                    m.insert("name".into(), Dynamic::from(step.to_string()));
                    (format!("{phase}/{step}"), m)
                };
                let r = rec.clone();
                engine.register_fn(name, move |ctx: NativeCallContext, phase: ImmutableString, step: ImmutableString, m: Map| {
                    let (key, m) = in_phase(&phase, &step, m);
                    push(&r, &ctx, Op::Declare, name, &key, m)
                });
                let r = rec.clone();
                engine.register_fn(name, move |ctx: NativeCallContext, phase: ImmutableString, step: ImmutableString| {
                    let (key, m) = in_phase(&phase, &step, Map::new());
                    push(&r, &ctx, Op::Declare, name, &key, m)
                });
            }
        }
        names.push(name);
    }
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

pub(crate) struct FileRun {
    pub(crate) decls: Vec<Decl>,
    pub(crate) parent: Option<(String, Location)>,
    pub(crate) functions: AST,
}

/// Runs one file: read directly when it is nothing but literal declarations
/// (see [`fast`]; `fast` is `None` to always run it in Rhai), else in Rhai.
pub(crate) fn run_file(
    engine: &Engine,
    rec: &Rec,
    fast: Option<(&mut fast::Keys, &sandbox::Limits)>,
    name: &str,
    text: &str,
    diags: &mut Diags,
) -> FileRun {
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
            let mut message = format!("语法错误 / syntax error: {}", e.0);
            if let Some(c) = full_width_outside_quotes(text, loc.line) {
                message = format!("这一行在引号外用了中文标点“{c}”:规则文件的标点要用英文半角(\" , ; : ( ) [ ]),只有引号里的文字可以用中文标点 / full-width punctuation outside quotes; {message}");
            }
            diags.error(sandbox::parse_code(&e.0), &loc, message);
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
/// Whether a map, or a map inside it (a batch's dates with their own `source:`), says where it comes from.
fn has_origin(m: &Map) -> bool {
    m.contains_key("source") || m.contains_key("local") || m.values().any(|v| v.read_lock::<Map>().is_some_and(|x| has_origin(&x)))
}

pub(crate) fn load(entry: &str, source: &dyn RuleSource, limits: &sandbox::Limits, diags: &mut Diags) -> Loaded {
    // A bundle carries its whole chain: load it from itself, entry last.
    let mut first = Some(source.load(entry));
    if let Some(files) = first.as_ref().and_then(|t| t.as_deref().ok()).and_then(crate::load::bundle::parse) {
        let last = files.last().map(|f| f.0.clone()).unwrap_or_default();
        return load(&last, &crate::load::bundle::BundleSource(files), limits, diags);
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
                    None => diags.error(
                        "file.not_found",
                        &Location { file: name.clone(), line: 0, col: 0 },
                        format!("找不到规则文件 {name} / rule file not found"),
                    ),
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
    let mut unsourced = vec![];
    let n = chain.len();
    for (i, (file, run)) in chain.into_iter().enumerate() {
        if i + 1 == n && n > 1 {
            parent_entities = Some(merged.live());
        }
        if i + 1 == n {
            // (A `remove` takes no fields, so it cannot say; the lock check covers what it may delete.)
            for d in run.decls.iter().filter(|d| d.op == Op::Amend && !has_origin(&d.fields)) {
                unsourced.push((d.loc.clone(), format!("amend(\"{}\", \"{}\")", d.kind, d.key)));
            }
        }
        fn_files.extend(run.functions.iter_functions().map(|f| (f.name.to_string(), file.clone())));
        functions = functions.merge(&run.functions);
        apply(&mut merged, run.decls, diags);
    }
    let mut entities = merged.into_vec();
    super::merge::inherit_roles(&mut entities, &files, diags);
    super::merge::redefined_functions(&entities, &fn_files, &sources, &files, diags);
    for (file, text) in &sources {
        hidden_characters(file, text, diags);
    }
    Loaded { files, entities, parent_entities, functions, fn_files, sources, unsourced }
}

/// Bidirectional controls and invisible format characters in a rule file reorder or hide what a
/// member reads (a U+202E in a label shows “张三不合评”): each is a warning at its place.
/// The widget strips them from what it shows as well.
pub(crate) fn hidden_characters(file: &str, text: &str, diags: &mut Diags) {
    for (i, line) in text.lines().enumerate() {
        for (col, c) in line.chars().enumerate() {
            // The same set the readers strip from member names (`eval::rows::is_invisible`).
            if crate::eval::rows::is_invisible(c) && !(i == 0 && col == 0 && c == '\u{FEFF}') {
                diags.warning(
                    "text.hidden",
                    &Location { file: file.to_string(), line: i + 1, col: col + 1 },
                    format!("这里有一个看不见的控制字符 U+{:04X}(会改变文字显示的顺序或藏起文字);删去它 / an invisible or bidirectional control character", c as u32),
                );
            }
        }
    }
}

#[cfg(test)]
mod hidden {
    use crate::ruleset::RuleSet;
    use crate::source::MemorySource;

    #[test]
    fn a_bidi_control_in_a_rule_file_is_a_warning_at_its_place() {
        let mut src = MemorySource::new();
        src.insert("t.rhai", "role(\"党员\", #{ label: \"张三\u{202E}评合不\", local: \"x\" });\n");
        let rs = RuleSet::load("t.rhai", &src);
        let d: Vec<_> = rs.diagnostics().iter().filter(|d| d.code == "text.hidden").map(|d| (d.location.line, d.location.col)).collect();
        assert_eq!(d, [(1, 25)]);
    }
}

/// The first full-width punctuation mark outside ASCII quotes on `line` (1-based): a clerk who
/// typed the declarations with a Chinese input method (“ ” , ; : ( )) gets that named, not
/// only the parser's own words.
fn full_width_outside_quotes(text: &str, line: usize) -> Option<char> {
    let l = text.lines().nth(line.checked_sub(1)?)?;
    let mut quoted = false;
    for c in l.chars() {
        match c {
            '"' | '`' => quoted = !quoted,
            '“' | '”' | '‘' | '’' | '，' | '；' | '：' | '（' | '）' | '【' | '】' | '、' | '。' if !quoted => return Some(c),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod full_width {
    use crate::ruleset::RuleSet;
    use crate::source::MemorySource;

    #[test]
    fn full_width_punctuation_is_named() {
        let mut src = MemorySource::new();
        src.insert("t.rhai", "role(“党员”);\n");
        let rs = RuleSet::load("t.rhai", &src);
        let d = &rs.diagnostics()[0];
        assert!(d.message.contains("中文标点““”"), "{}", d.message);
        // Chinese punctuation inside quotes is text, not a mistake.
        src.insert("t.rhai", "role(\"党员\", #{ label: \"党员,含预备党员\", local: \"x\" }\n");
        let rs = RuleSet::load("t.rhai", &src);
        assert!(rs.diagnostics().iter().all(|d| !d.message.contains("中文标点")), "{:?}", rs.diagnostics());
    }
}

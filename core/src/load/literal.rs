//! The fast path for a file that is nothing but declaration calls with
//! literal arguments (strings without escapes, decimal numbers, `true` /
//! `false`, arrays and `#{ }` maps of those), separated by `;`, with
//! whitespace and `//` comments between them: such a file is read directly
//! into the same [`Decl`]s that running it in Rhai records. Anything else —
//! one expression, variable, function definition, escape, block comment,
//! unknown function or argument shape, a literal near a sandbox limit, a
//! chain over the declared-bytes limit — and the whole file goes to Rhai,
//! so every diagnostic stays Rhai's own. The identifiers used as map keys are
//! checked with the sandbox engine itself (once per distinct key).

use super::{size_of, Decl, Op, MAX_DECLARED_BYTES};
use crate::diag::{Diags, Location};
use crate::sandbox::Limits;
use rhai::{Array, Dynamic, Engine, ImmutableString, Map};
use rustc_hash::FxHashMap as HashMap;

/// Whether `n` is a declaration function taking one name, with an optional map.
fn named(n: &str) -> bool {
    crate::kinds::kind(n).is_some_and(|k| k.shape == crate::kinds::Shape::Named)
}

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
    if max_expr_depth == 0 {
        Some(usize::MAX)
    } else {
        (max_expr_depth / 4).checked_sub(2)
    }
}

pub(super) struct Run {
    pub decls: Vec<Decl>,
    pub parent: Option<(String, Location)>,
    pub diags: Diags,
    pub bytes: usize,
}

/// Identifiers as map keys: whether Rhai reads `#{ key: 0 }` as a map with that one key.
#[derive(Default)]
pub(crate) struct Keys(HashMap<String, bool>);

impl Keys {
    fn ok(&mut self, engine: &Engine, k: &str) -> bool {
        if let Some(&ok) = self.0.get(k) {
            return ok;
        }
        let ok = engine.eval_expression::<Map>(&format!("#{{{k}: 0}}")).is_ok_and(|m| m.len() == 1 && m.contains_key(k));
        self.0.insert(k.to_string(), ok);
        ok
    }
}

struct Totals {
    strings: usize,
    items: usize,
    entries: usize,
}

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
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// Skips whitespace and `//` comments; `None` for what the fast path does not read.
    fn ws(&mut self) -> Option<()> {
        while let Some(c) = self.peek() {
            match c {
                b'\n' => {
                    self.i += 1;
                    self.line += 1;
                    self.col = 1;
                }
                b' ' | b'\t' | b'\r' | b'\x0c' => {
                    self.i += 1;
                    self.col += 1;
                }
                b'/' => {
                    match self.b.get(self.i + 1) {
                        Some(b'/') => {}
                        _ => return if self.b.get(self.i + 1) == Some(&b'*') { None } else { Some(()) },
                    }
                    // Doc comments (`///`, `//!`) are Rhai's business.
                    if matches!(self.b.get(self.i + 2), Some(b'/' | b'!')) {
                        return None;
                    }
                    match self.b[self.i..].iter().position(|&c| c == b'\n') {
                        Some(n) => {
                            self.i += n + 1;
                            self.line += 1;
                            self.col = 1;
                        }
                        None => {
                            self.col += self.t[self.i..].chars().count();
                            self.i = self.b.len();
                        }
                    }
                }
                _ => return Some(()),
            }
        }
        Some(())
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek() == Some(c)).then(|| {
            self.i += 1;
            self.col += 1;
        })
    }

    /// An identifier, as `char::is_alphanumeric` and `_` make it.
    fn ident(&mut self) -> Option<&'t str> {
        let rest = &self.t[self.i..];
        let mut chars = rest.char_indices();
        let (_, first) = chars.next()?;
        if !(first.is_alphabetic() || first == '_') {
            return None;
        }
        let mut n = 1;
        let mut end = rest.len();
        for (at, c) in chars {
            if !(c.is_alphanumeric() || c == '_') {
                end = at;
                break;
            }
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
        if self.b[self.i + n] != b'"' {
            return None;
        }
        let s = &self.t[self.i..self.i + n];
        if self.limits.max_string_size > 0 && s.len() >= self.limits.max_string_size {
            return None;
        }
        self.totals.strings += s.len();
        self.i += n + 1;
        self.col += s.chars().count() + 1;
        Some(s)
    }

    fn value(&mut self, depth: usize) -> Option<Dynamic> {
        match self.peek()? {
            b'"' => {
                let s = self.string()?;
                if let Some(v) = self.strs.get(s) {
                    return Some(v.clone().into());
                }
                let v: ImmutableString = s.into();
                // A bounded cache: names repeat, most other strings do not.
                if s.len() <= 64 && self.strs.len() < 1024 {
                    self.strs.insert(s, v.clone());
                }
                Some(v.into())
            }
            b'0'..=b'9' => {
                let start = self.i;
                let digits = |b: &[u8], i: usize| b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
                let mut end = start + digits(self.b, start);
                let float = self.b.get(end) == Some(&b'.') && self.b.get(end + 1).is_some_and(u8::is_ascii_digit);
                if float {
                    end += 1 + digits(self.b, end + 1);
                }
                if !self.b.get(end).copied().is_none_or(is_delim) {
                    return None;
                }
                let s = &self.t[start..end];
                let v = if float { Dynamic::from_float(s.parse().ok()?) } else { Dynamic::from_int(s.parse().ok()?) };
                self.col += end - start;
                self.i = end;
                Some(v)
            }
            b'[' => {
                if depth >= self.nesting {
                    return None;
                }
                self.eat(b'[')?;
                let mut a = Array::new();
                loop {
                    self.ws()?;
                    if self.eat(b']').is_some() {
                        break;
                    }
                    a.push(self.value(depth + 1)?);
                    self.totals.items += 1;
                    self.ws()?;
                    if self.eat(b',').is_none() {
                        self.eat(b']')?;
                        break;
                    }
                }
                if self.limits.max_array_size > 0 && self.totals.items >= self.limits.max_array_size {
                    return None;
                }
                Some(Dynamic::from_array(a))
            }
            b'#' => {
                if depth >= self.nesting || self.b.get(self.i + 1) != Some(&b'{') {
                    return None;
                }
                self.i += 2;
                self.col += 2;
                let mut m = Map::new();
                loop {
                    self.ws()?;
                    if self.eat(b'}').is_some() {
                        break;
                    }
                    let (line, col) = (self.line, self.col);
                    let k = if self.peek() == Some(b'"') {
                        self.string()?
                    } else {
                        let k = self.ident()?;
                        if !self.keys.ok(self.engine, k) {
                            return None;
                        }
                        k
                    };
                    if m.contains_key(k) {
                        return None;
                    }
                    self.ws()?;
                    self.eat(b':')?;
                    if self.peek() == Some(b':') {
                        return None;
                    }
                    self.ws()?;
                    let v = self.value(depth + 1)?;
                    if depth == 0 {
                        self.key_at.push((k, line, col));
                    }
                    m.insert(k.into(), v);
                    self.totals.entries += 1;
                    self.ws()?;
                    if self.eat(b',').is_none() {
                        self.eat(b'}')?;
                        break;
                    }
                }
                if self.limits.max_map_size > 0 && self.totals.entries >= self.limits.max_map_size {
                    return None;
                }
                Some(Dynamic::from_map(m))
            }
            _ => {
                let b = match self.ident()? {
                    "true" => true,
                    "false" => false,
                    _ => return None,
                };
                if !self.peek().is_none_or(is_delim) {
                    return None;
                }
                Some(Dynamic::from_bool(b))
            }
        }
    }
}

/// What one call declares: `Ok(Some)` a declaration, `Ok(None)` an `extends`.
fn call(name: &str, mut args: Vec<Dynamic>) -> Option<Result<(Op, String, String, Map), String>> {
    let str_at = |args: &[Dynamic], i: usize| args.get(i).and_then(|a| a.read_lock::<ImmutableString>().map(|s| s.to_string()));
    if args.len() > 3 {
        return None;
    }
    let mut buf = [0u8; 3];
    for (b, a) in buf.iter_mut().zip(&args) {
        *b = if a.is_string() {
            b'S'
        } else if a.is_map() {
            b'M'
        } else {
            b'?'
        };
    }
    let shape = &buf[..args.len()];
    let map = |args: &mut Vec<Dynamic>| args.pop().and_then(|m| m.try_cast::<Map>());
    Some(Ok(match (name, shape) {
        (n, b"S") if named(n) => (Op::Declare, n.to_string(), str_at(&args, 0)?, Map::new()),
        (n, b"SM") if named(n) => (Op::Declare, n.to_string(), str_at(&args, 0)?, map(&mut args)?),
        ("campaign", b"M") => (Op::Declare, "campaign".into(), String::new(), map(&mut args)?),
        ("step", b"SS" | b"SSM") => {
            let mut m = if shape.len() == 3 { map(&mut args)? } else { Map::new() };
            let (phase, name) = (str_at(&args, 0)?, str_at(&args, 1)?);
            let key = format!("{phase}/{name}");
            m.insert("phase".into(), Dynamic::from(ImmutableString::from(phase)));
            m.insert("name".into(), Dynamic::from(ImmutableString::from(name)));
            (Op::Declare, "step".into(), key, m)
        }
        ("amend", b"SSM") => {
            let m = map(&mut args)?;
            (Op::Amend, str_at(&args, 0)?, str_at(&args, 1)?, m)
        }
        ("remove", b"SS") => (Op::Remove, str_at(&args, 0)?, str_at(&args, 1)?, Map::new()),
        ("extends", b"S") => return Some(Err(str_at(&args, 0)?)),
        _ => return None,
    }))
}

/// Reads `text` if it is nothing but literal declaration calls; `None` sends it to Rhai.
/// `bytes` is what the chain declared before this file.
pub(super) fn run(engine: &Engine, keys: &mut Keys, limits: &Limits, file: &str, text: &str, bytes: usize) -> Option<Run> {
    let mut s = Scan {
        t: text,
        b: text.as_bytes(),
        i: 0,
        line: 1,
        col: 1,
        engine,
        keys,
        limits,
        nesting: max_nesting(limits.max_expr_depth.0)?,
        totals: Totals { strings: 0, items: 0, entries: 0 },
        key_at: vec![],
        strs: HashMap::default(),
    };
    // Each call ends with `;` (a bounded guess, so `;;;;` cannot reserve much).
    let calls = s.b.iter().filter(|&&c| c == b';').count().min(1 << 17);
    let mut out = Run { decls: Vec::with_capacity(calls), parent: None, diags: Diags::default(), bytes };
    let mut ops: u64 = 0;
    loop {
        s.ws()?;
        if s.i == s.b.len() {
            break;
        }
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
                if s.eat(b')').is_some() {
                    break;
                }
                s.eat(b',')?;
                s.ws()?;
            }
        }
        s.ws()?;
        s.eat(b';')?;
        ops += ops_bound(args.len());
        if limits.max_operations > 0 && ops >= limits.max_operations {
            return None;
        }
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
                if out.bytes > MAX_DECLARED_BYTES {
                    return None;
                }
                // The map's keys are where they are written (each once); the
                // fields `step` adds itself, where the call is.
                let mut field_locs = std::collections::HashMap::with_capacity(fields.len());
                for &(k, line, col) in &s.key_at {
                    field_locs.insert(k.to_string(), Location { file: file.to_string(), line, col });
                }
                for k in fields.keys() {
                    if !field_locs.contains_key(k.as_str()) {
                        field_locs.insert(k.to_string(), loc.clone());
                    }
                }
                out.decls.push(Decl { op, kind, key, fields, loc, field_locs });
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::load::run::{register, run_file, Rec};
    use crate::sandbox::{self, Limits};
    use std::rc::Rc;

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
        let Some(fast) = run(&engine, &mut Keys::default(), limits, "t.rhai", text, bytes) else { return false };
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
        "\u{feff}role(\"x\");",
        "role(\"x\", #{ if: 1 });",
        "role(\"x\", #{ fn: 1 });",
        "role(\"x\", #{ true: 1 });",
        "role(\"x\", #{ call: 1 });",
        "role(\"x\", #{ eval: 1 });",
        "role(\"x\", #{ this: 1 });",
        "role(\"x\", #{ let: 1 });",
        "role(\"x\", #{ _: 1 });",
        "role(\"x\", #{ _a: 1 });",
        "role(\"x\", #{ Fn: 1 });",
        "role(\"x\", #{ a１: 1 });",
        "role(\"x\", #{ é: 1 });",
        "role(\"x\", #{ e\u{301}: 1 });",
        "role(\"x\", #{ a: 1, a: 2 });",
        "role(\"x\", #{ \"a\": 1, a: 2 });",
        "role(\"x\", #{ a: 007, b: 0.5, c: 99999999999999999999, d: 1_000, e: 1e5, f: -3, g: 1., h: 0x10 });",
        "role(\"x\", #{ a: 1 } );",
        "role(\"x\",);",
        "role (\"x\");",
        "role(\"x\")",
        "role(\"x\");;",
        "role(\"x\")\n;",
        "role(1);",
        "role(\"a\", \"b\");",
        "campaign(\"x\");",
        "campaign();",
        "push(\"x\");",
        "role(\"x\", #{ a: b });",
        "/// doc\nrole(\"x\");",
        "//! doc\nrole(\"x\");",
        "/* c */ role(\"x\");",
        "role(\"x\"); \u{3000}",
        "role(\"a\\\"b\");",
        "role(\"x\", #{ a: [1 2] });",
        "role(\"x\", #{ a: 1 b: 2 });",
        "role(\"x\", #{ a:: 1 });",
        "role(\"x\", #{ a: 1/2 });",
        "role(\"x\", #{ a: 1 // c\n, b: 2 });",
        "role(\"x\", #{ a: 1 /2 });",
        "fn role(a) { }\nrole(\"x\");",
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
        assert!(ops_bound(2) * 100_000 < def.max_operations);
        assert!(max_nesting(def.max_expr_depth.0) >= Some(8));
    }
}

//! `xianjiao-dev fuzz`: fuzzing on stable Rust, as a standing test.
//!
//! A small deterministic PRNG (splitmix64) mutates seed inputs taken from
//! `tests/golden/` and `rules/` — byte flips, inserted quotes, commas,
//! newlines, CR, NUL, BOMs, huge numbers, NaN/inf, duplicated lines,
//! truncation — and feeds them through:
//!
//! * `csv`: CSV bytes through the fast path and through the record reader;
//! * `xlsx`: a small workbook whose sheet XML is mutated and zipped again (read by the
//!   reader, and compared cell by cell with calamine's XLSX reader where both read it);
//! * `rules`: rule text through `RuleSet::load` with a `MemorySource`;
//! * `drafts`: drafts through `check_material` on the shipped rules;
//! * `shapes`: the ways offices really break a sheet (issue 20), each with the
//!   invariant the reader promises, on both CSV paths: a mark typed `9,5`
//!   (more fields than the header: that row rejected, nothing shifted), lone CR,
//!   CRLF and LF in one file (the same report as LF alone), names with
//!   invisible characters (zero-width space, soft hyphen, bidi marks, a
//!   full-width space inside: the same members, the spelling listed as renamed),
//!   and the same sheets saved twice with CRLF, a BOM, GBK or a title row (the
//!   copy refused). Each shape is also written as an XLSX (rust_xlsxwriter, one
//!   cell per field) and read through the reader: rows read = scored + rejected
//!   and the verdict of the CSV reading (members, rows, rejections, renamed
//!   names), and a copy saved as XLSX (with or without a title row) is refused too.
//!
//! Properties: nothing panics (each case runs under `catch_unwind`), every
//! case finishes, rows read = scored + rejected with every rejected row inside
//! the input, and the two CSV paths give the same JSON (the second one also
//! runs the outcome function in Rhai rather than as a native plan). An input that breaks a
//! property is saved as `<out>/fuzz-crash-<target>-<n>.<ext>` and the exit
//! code is 1.

use std::cell::RefCell;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use xianjiao_cli::input::{self, Inputs, Route, Target};
use xianjiao_cli::{CliError, CmdResult};
use xianjiao_core::{MemorySource, RuleSet};

/// splitmix64: tiny, fast, and the same numbers on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

const TOKENS: &[&str] = &[
    "\"",
    ",",
    "\n",
    "\r",
    "\r\n",
    "\0",
    "\u{feff}",
    "\t",
    " ",
    "\u{3000}",
    "-",
    "=",
    "+",
    "@",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999999",
    "9007199254740992",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1e309",
    "-0",
    "0x10",
    "１０",
    "9.5",
    "09",
    "-1",
    "1e2",
    "=HYPERLINK(\"http://x\",\"点我\")",
    "+cmd|' /C calc'!A0",
    "@SUM(A1)",
    "-2+3+cmd",
    ",,,,,,,,,",
    "\"\"",
    "\"a\"b",
    "党员互评",
    "群众参评",
    "支委会考评",
    "张三",
    "member",
    "rater_group",
    "关坝镇党员分析评议测评汇总表\n",
];

/// Applies 1–4 random mutations.
fn mutate(rng: &mut Rng, v: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(10) {
            0 => {
                if !v.is_empty() {
                    let i = rng.below(v.len());
                    v[i] = rng.next() as u8;
                }
            }
            1 | 2 => {
                let t = rng.pick(TOKENS).as_bytes();
                v.splice(at..at, t.iter().copied());
            }
            3 => {
                let end = (at + rng.below(40)).min(v.len());
                v.drain(at..end);
            }
            4 => v.truncate(at),
            5 => {
                // Duplicate a line somewhere else.
                let lines: Vec<&[u8]> = v.split_inclusive(|&b| b == b'\n').collect();
                if !lines.is_empty() {
                    let l = lines[rng.below(lines.len())].to_vec();
                    let to = line_start(v, rng.below(v.len() + 1));
                    v.splice(to..to, l);
                }
            }
            6 => {
                // Many extra fields (past 64).
                let n = 1 + rng.below(80);
                let field: &[u8] = if rng.below(2) == 0 { b",9" } else { b",x" };
                let to = line_end(v, at);
                let extra: Vec<u8> = field.iter().copied().cycle().take(field.len() * n).collect();
                v.splice(to..to, extra);
            }
            7 => {
                let b = [b'"', b',', b'\n', b'\r', 0, 0xff, 0xe5, 0xb5][rng.below(8)];
                v.insert(at, b);
            }
            8 => {
                // Swap two lines' worth: move a chunk.
                if v.len() > 2 {
                    let a = rng.below(v.len());
                    let len = rng.below(64).min(v.len() - a);
                    let chunk: Vec<u8> = v.drain(a..a + len).collect();
                    let to = rng.below(v.len() + 1);
                    v.splice(to..to, chunk);
                }
            }
            _ => {
                let t = rng.pick(TOKENS).as_bytes();
                let to = line_end(v, at);
                v.splice(to..to, t.iter().copied());
            }
        }
    }
}

fn line_start(v: &[u8], at: usize) -> usize {
    v[..at.min(v.len())].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)
}

fn line_end(v: &[u8], at: usize) -> usize {
    let at = at.min(v.len());
    v[at..].iter().position(|&b| b == b'\n').map_or(v.len(), |i| at + i)
}

/// What a CSV seed is scored or counted with.
#[derive(Clone)]
struct CsvSeed {
    rules: PathBuf,
    /// `Some(form)` for sheets (empty: the first form), `None` for votes.
    form: Option<String>,
    vote: Option<String>,
    bytes: Vec<u8>,
}

#[derive(Clone)]
struct DraftSeed {
    rules: PathBuf,
    kind: String,
    role: String,
    text: String,
}

/// The entries of a zip (name, bytes).
type Entries = Vec<(String, Vec<u8>)>;

/// A form's CSV seed as lines (UTF-8, no quotes), for the `shapes` target.
#[derive(Clone)]
struct ShapeSeed {
    seed: CsvSeed,
    lines: Vec<String>,
    /// Index of the header line, and of the member column in it.
    header: usize,
    member: usize,
}

struct Corpus {
    csv: Vec<CsvSeed>,
    shapes: Vec<ShapeSeed>,
    xlsx: Vec<(PathBuf, Entries)>,
    rules: Vec<(String, String)>,
    drafts: Vec<DraftSeed>,
}

fn arg_after(args: &[&str], flag: &str) -> Option<String> {
    args.iter().position(|a| *a == flag).and_then(|i| args.get(i + 1)).map(|s| s.to_string())
}

fn corpus(root: &Path) -> Result<Corpus, String> {
    let mut c = Corpus { csv: vec![], shapes: vec![], xlsx: vec![], rules: vec![], drafts: vec![] };
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("tests/golden"))
        .map_err(|e| format!("tests/golden: {e}"))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("args").exists())
        .collect();
    dirs.sort();
    for d in dirs {
        let Ok(args) = std::fs::read_to_string(d.join("args")) else { continue };
        let rel = d.strip_prefix(root).unwrap_or(&d).to_string_lossy().to_string();
        let args: Vec<String> = args.split_whitespace().map(|a| a.replace("{dir}", &rel)).collect();
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let Some(rules) = arg_after(&a, "--rules").map(|r| root.join(r)) else { continue };
        let input = a.iter().skip(1).find(|x| {
            !x.starts_with("--")
                && x.contains('.')
                && !x.ends_with(".rhai")
                && a.iter().position(|y| y == *x).is_some_and(|i| i > 0 && !a[i - 1].starts_with("--"))
        });
        match a.first().copied() {
            Some("score") | Some("satisfaction") => {
                let Some(inp) = input else { continue };
                let Ok(bytes) = std::fs::read(root.join(inp)) else { continue };
                if inp.ends_with(".xlsx") {
                    c.xlsx.push((rules, unzip(&bytes)?));
                } else if a[0] == "score" {
                    c.csv.push(CsvSeed { rules, form: Some(arg_after(&a, "--form").unwrap_or_default()), vote: None, bytes });
                } else {
                    c.csv.push(CsvSeed { rules, form: None, vote: arg_after(&a, "--vote"), bytes });
                }
            }
            Some("material") => {
                let Some(inp) = input else { continue };
                let (Some(kind), Some(role)) = (arg_after(&a, "--kind"), arg_after(&a, "--role")) else { continue };
                let Ok(text) = std::fs::read_to_string(root.join(inp)) else { continue };
                c.drafts.push(DraftSeed { rules, kind, role, text });
            }
            _ => {}
        }
    }
    // Shapes offices really send: a title row, CRLF, GBK, UTF-16, BOM.
    let extra: Vec<CsvSeed> = c
        .csv
        .iter()
        .filter(|s| s.form.is_some())
        .take(1)
        .flat_map(|s| {
            let text = String::from_utf8_lossy(&s.bytes).to_string();
            let gbk = encoding_rs::GB18030.encode(&text).0.into_owned();
            let mut le = vec![0xff, 0xfe];
            for u in text.encode_utf16() {
                le.extend_from_slice(&u.to_le_bytes());
            }
            [
                format!("关坝镇党员分析评议测评汇总表\n\n{text}").into_bytes(),
                text.replace('\n', "\r\n").into_bytes(),
                format!("\u{feff}{text}").into_bytes(),
                gbk,
                le,
            ]
            .into_iter()
            .map(|b| CsvSeed { bytes: b, ..s.clone() })
            .collect::<Vec<_>>()
        })
        .collect();
    c.shapes = c.csv.iter().filter_map(shape_seed).collect();
    c.csv.extend(extra);
    let mut rules: Vec<PathBuf> = std::fs::read_dir(root.join("rules"))
        .map_err(|e| format!("rules/: {e}"))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rhai"))
        .collect();
    rules.sort();
    for r in rules {
        if let (Some(n), Ok(t)) = (r.file_name(), std::fs::read_to_string(&r)) {
            c.rules.push((n.to_string_lossy().to_string(), t));
        }
    }
    if c.csv.is_empty() || c.rules.is_empty() {
        return Err("没有找到种子输入(tests/golden、rules)/ no seed inputs found".into());
    }
    Ok(c)
}

/// A form seed the `shapes` target can take apart by lines: UTF-8 without quotes, with a header
/// line that names the member column and a line after it.
fn shape_seed(s: &CsvSeed) -> Option<ShapeSeed> {
    s.form.as_ref()?;
    let text = std::str::from_utf8(&s.bytes).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('"') {
        return None;
    }
    let lines: Vec<String> = text.replace("\r\n", "\n").replace('\r', "\n").trim_end_matches('\n').split('\n').map(str::to_string).collect();
    let (header, member) = lines
        .iter()
        .enumerate()
        .find_map(|(i, l)| l.split(',').position(|f| xianjiao_core::MEMBER_COLS.iter().any(|m| f.trim().eq_ignore_ascii_case(m))).map(|m| (i, m)))?;
    (header + 1 < lines.len()).then(|| ShapeSeed { seed: s.clone(), lines, header, member })
}

fn unzip(bytes: &[u8]) -> Result<Entries, String> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut out = vec![];
    for i in 0..z.len() {
        let mut f = z.by_index(i).map_err(|e| e.to_string())?;
        let mut v = vec![];
        f.read_to_end(&mut v).map_err(|e| e.to_string())?;
        let name = f.name().map(|c| c.to_string()).map_err(|e| e.to_string())?;
        out.push((name, v));
    }
    Ok(out)
}

fn rezip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opt = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (n, b) in entries {
        if w.start_file(n.as_str(), opt).is_err() || w.write_all(b).is_err() {
            break;
        }
    }
    w.finish().map(|c| c.into_inner()).unwrap_or_default()
}

thread_local! {
    static PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
    /// A seed's lines as XLSX (with and without a title row), written once per thread.
    static SEED_XLSX: RefCell<std::collections::HashMap<u64, Option<Vec<u8>>>> = RefCell::new(Default::default());
    /// Lines whose XLSX already gave the CSV's verdict (a seed's clean lines come back in every CR case).
    static SAME_XLSX: RefCell<std::collections::HashSet<u64>> = RefCell::new(Default::default());
}

fn hash_of(x: &impl std::hash::Hash) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(x)
}

/// Runs a case; a panic becomes `Err` with its message and place.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|_| PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| "panic".into()))
}

fn lines_bound(b: &[u8]) -> usize {
    // Line breaks: LF, CRLF and a lone CR (as in Excel).
    let n = memchr::memchr_iter(b'\n', b).count() + memchr::memchr_iter(b'\r', b).filter(|&i| b.get(i + 1) != Some(&b'\n')).count();
    n + 1
}

fn check_rows(v: &serde_json::Value, bound: usize) -> Result<(), String> {
    let rows = &v["rows"];
    let (r, s, j) = (rows["read"].as_u64(), rows["scored"].as_u64(), rows["rejected"].as_u64());
    if r.is_none() || r != s.zip(j).map(|(s, j)| s + j) {
        return Err(format!("rows read ≠ scored + rejected: {rows}"));
    }
    let rej = v["rejected"].as_array().map(Vec::len).unwrap_or(0) as u64;
    if Some(rej) != j.map(|j| j.min(xianjiao_core::MAX_REJECTIONS as u64)) {
        return Err(format!("{rej} rejections listed, rows.rejected = {j:?}"));
    }
    for x in v["rejected"].as_array().into_iter().flatten() {
        let row = x["row"].as_u64().unwrap_or(0) as usize;
        if row == 0 || row > bound {
            return Err(format!("rejected row {row} outside the input (1..={bound}): {x}"));
        }
    }
    Ok(())
}

/// One CSV case through one path: the JSON report, or the error message.
fn csv_once(rs: &RuleSet, seed: &CsvSeed, bytes: &[u8], route: Route) -> Result<serde_json::Value, String> {
    let mut inputs = Inputs::default();
    match &seed.form {
        Some(form) => {
            let mut sc = rs.scorer((!form.is_empty()).then_some(form.as_str())).map_err(|e| e.to_string())?;
            // The record reader's run also calls the outcome function in Rhai, where the fast
            // path's uses its native plan (plan.rs): the comparison below covers both.
            if matches!(route, Route::Records) {
                sc = sc.without_plan();
            }
            input::csv_bytes("case.csv", bytes, &mut Target::Score(&mut sc), &mut inputs, route)?;
            let mut report = sc.finish().map_err(|e| format!("finish: {e}"))?;
            let origin: Vec<Option<String>> = report.rejected.iter_mut().map(|r| inputs.relocate(r)).collect();
            Ok(input::with_sources(&report, &origin, &inputs))
        }
        None => {
            let mut vc = rs.vote_counter(seed.vote.as_deref()).map_err(|e| e.to_string())?;
            input::csv_bytes("case.csv", bytes, &mut Target::Votes(&mut vc), &mut inputs, route)?;
            let mut report = vc.finish();
            let origin: Vec<Option<String>> = report.rejected.iter_mut().map(|r| inputs.relocate(r)).collect();
            Ok(input::with_sources(&report, &origin, &inputs))
        }
    }
}

fn csv_case(rs: &RuleSet, seed: &CsvSeed, bytes: &[u8], file_check: Option<&Path>) -> Result<(), String> {
    let bound = lines_bound(bytes);
    let fast = guarded(|| csv_once(rs, seed, bytes, Route::Auto))?;
    let full = guarded(|| csv_once(rs, seed, bytes, Route::Records))?;
    if let Ok(v) = &fast {
        check_rows(v, bound)?;
    }
    if let Ok(v) = &full {
        check_rows(v, bound)?;
    }
    if fast != full {
        return Err(format!(
            "the fast path (outcome as a plan) and the record reader (outcome in Rhai) differ:\n--- fast\n{}\n--- records\n{}",
            show(&fast),
            show(&full)
        ));
    }
    if let (Some(tmp), Some(form)) = (file_check, &seed.form) {
        // Now and then the real file path too (parallel fast path, sampling).
        std::fs::write(tmp, bytes).map_err(|e| e.to_string())?;
        let file = guarded(|| -> Result<serde_json::Value, String> {
            let mut inputs = Inputs::default();
            let mut sc = rs.scorer((!form.is_empty()).then_some(form.as_str())).map_err(|e| e.to_string())?;
            input::read_file_quiet(tmp, &mut Target::Score(&mut sc), &mut inputs)?;
            let mut report = sc.finish().map_err(|e| format!("finish: {e}"))?;
            let origin: Vec<Option<String>> = report.rejected.iter_mut().map(|r| inputs.relocate(r)).collect();
            Ok(input::with_sources(&report, &origin, &inputs))
        })?;
        let norm = |v: &Result<serde_json::Value, String>| match v {
            Ok(v) => serde_json::to_string(v).unwrap_or_default().replace(&tmp.display().to_string(), "case.csv"),
            Err(e) => e.clone(),
        };
        if norm(&file) != norm(&fast) {
            return Err(format!("the file path and the in-memory path differ:\n--- file\n{}\n--- memory\n{}", show(&file), show(&fast)));
        }
    }
    Ok(())
}

fn show(v: &Result<serde_json::Value, String>) -> String {
    match v {
        Ok(v) => serde_json::to_string(v).unwrap_or_default(),
        Err(e) => format!("error: {e}"),
    }
}

/// Mutates a workbook: the sheet XML (cells far away, odd values, broken
/// bytes) or, rarely, the zip bytes themselves.
fn xlsx_mutant(rng: &mut Rng, entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut e = entries.to_vec();
    let sheet = e.iter().position(|(n, _)| n.contains("worksheets/sheet")).unwrap_or(0);
    for _ in 0..1 + rng.below(3) {
        match rng.below(8) {
            0 | 1 => {
                // A cell somewhere, maybe at the very edge of the sheet.
                let col = ["A", "B", "C", "J", "ZZ", "XFD", "XFE", "AAAA"][rng.below(8)];
                let row = [1u64, 2, 3, 100_000, 1_048_576, 1_048_577, 0, 4_294_967_296][rng.below(8)];
                let val = [r#"<v>9</v>"#, r#"<v>1e309</v>"#, r#"<v>NaN</v>"#, r#"<v>-1</v>"#, r#"<v>99999</v>"#][rng.below(5)];
                let t = if rng.below(3) == 0 { r#" t="inlineStr""# } else { "" };
                let val = if t.is_empty() { val.to_string() } else { format!("<is><t>{}</t></is>", rng.pick(TOKENS).replace(['<', '&'], "")) };
                let cell = format!(r#"<c r="{col}{row}"{t}>{val}</c>"#);
                let x = &mut e[sheet].1;
                if let Some(i) = find(x, b"</row>") {
                    let at = if rng.below(2) == 0 { i } else { find(&x[i + 6..], b"</row>").map_or(i, |j| i + 6 + j) };
                    x.splice(at..at, cell.bytes());
                }
            }
            2 => {
                let x = &mut e[sheet].1;
                if let Some(i) = find(x, b"<dimension ref=\"") {
                    let end = x[i + 16..].iter().position(|&b| b == b'"').map_or(i + 16, |j| i + 16 + j);
                    x.splice(i + 16..end, b"A1:XFD1048576".iter().copied());
                }
            }
            3 => {
                // Duplicate a row element.
                let x = &mut e[sheet].1;
                if let (Some(a), Some(b)) = (find(x, b"<row"), find(x, b"</row>")) {
                    if a < b {
                        let r = x[a..b + 6].to_vec();
                        x.splice(a..a, r);
                    }
                }
            }
            4 | 5 => {
                let i = rng.below(e.len());
                mutate(rng, &mut e[i].1);
            }
            6 => {
                let i = rng.below(e.len());
                let n = rng.below(e[i].1.len() + 1);
                e[i].1.truncate(n);
            }
            _ => {
                let mut z = rezip(&e);
                mutate(rng, &mut z);
                return z;
            }
        }
    }
    rezip(&e)
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    memchr::memmem::find(h, n)
}

fn xlsx_case(rs: &RuleSet, bytes: &[u8]) -> Result<(), String> {
    let r = guarded(|| -> Result<serde_json::Value, String> {
        let mut inputs = Inputs::default();
        let mut sc = rs.scorer(None).map_err(|e| e.to_string())?;
        xianjiao_reader::read_bytes("case.xlsx", bytes, &mut Target::Score(&mut sc), &mut inputs)?;
        let mut report = sc.finish().map_err(|e| e.to_string())?;
        let origin: Vec<Option<String>> = report.rejected.iter_mut().map(|r| inputs.relocate(r)).collect();
        Ok(input::with_sources(&report, &origin, &inputs))
    })?;
    if let Ok(v) = r {
        check_rows(&v, 1_048_576)?;
    }
    same_cells_as_calamine(bytes)
}

/// A sheet's name and its non-empty cells: (line, column, text).
type SheetCells = (String, Vec<(usize, usize, String)>);

/// The reader's own XLSX parser against calamine's, on a mutated workbook: where both read a
/// sheet, they read the same cells (calamine's cells streamed: a mutated reference may be far).
fn same_cells_as_calamine(bytes: &[u8]) -> Result<(), String> {
    use calamine::Reader;
    let Ok(ours) = guarded(|| xianjiao_reader::workbook_cells("case.xlsx", bytes))? else { return Ok(()) };
    let theirs = guarded(|| -> Result<Vec<SheetCells>, String> {
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|e: calamine::XlsxError| e.to_string())?;
        let mut out = vec![];
        for name in wb.sheet_names() {
            let mut rd = wb.worksheet_cells_reader(&name).map_err(|e| e.to_string())?;
            let mut cells = vec![];
            while let Some(c) = rd.next_cell().map_err(|e| e.to_string())? {
                let t = calamine::Data::from(c.get_value().clone()).to_string();
                if !t.is_empty() {
                    cells.push((c.get_position().0 as usize + 1, c.get_position().1 as usize, t));
                }
            }
            out.push((name, cells));
        }
        Ok(out)
    });
    let Ok(Ok(theirs)) = theirs else { return Ok(()) };
    let ours: Vec<SheetCells> = ours
        .into_iter()
        .map(|(n, rows)| (n, rows.into_iter().flat_map(|(r, cells)| cells.into_iter().map(move |(c, t)| (r, c, t))).collect()))
        .collect();
    if ours != theirs {
        // the first cell where they part
        let flat = |x: &[SheetCells]| x.iter().flat_map(|(n, c)| c.iter().map(move |c| (n.clone(), c.clone()))).collect::<Vec<_>>();
        let (a, b) = (flat(&ours), flat(&theirs));
        let at = a.iter().zip(&b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
        return Err(format!(
            "the reader's XLSX parser and calamine's read different cells (sheets {:?} / {:?}), first at #{at}: ours {:?}, calamine {:?}",
            ours.iter().map(|s| &s.0).collect::<Vec<_>>(),
            theirs.iter().map(|s| &s.0).collect::<Vec<_>>(),
            a.get(at),
            b.get(at)
        ));
    }
    Ok(())
}

/// Invisible characters a copied name may carry (the reader removes them).
const INVISIBLE: &[char] = &['\u{200b}', '\u{ad}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202c}', '\u{2060}', '\u{feff}', '\u{200d}'];

/// Both CSV paths on one input: the report (they must agree, and rows read = scored + rejected).
fn both_paths(rs: &RuleSet, seed: &CsvSeed, bytes: &[u8]) -> Result<Result<serde_json::Value, String>, String> {
    let fast = guarded(|| csv_once(rs, seed, bytes, Route::Auto))?;
    let full = guarded(|| csv_once(rs, seed, bytes, Route::Records))?;
    if fast != full {
        return Err(format!("the fast path and the record reader differ:\n--- fast\n{}\n--- records\n{}", show(&fast), show(&full)));
    }
    if let Ok(v) = &fast {
        check_rows(v, lines_bound(bytes))?;
    }
    Ok(fast)
}

/// Lines joined, each ended by LF, CRLF or a lone CR at random (`mix`), or by LF.
fn joined(rng: &mut Rng, lines: &[String], mix: bool) -> Vec<u8> {
    let mut out = String::new();
    for l in lines {
        out.push_str(l);
        out.push_str(if mix { ["\n", "\r\n", "\r"][rng.below(3)] } else { "\n" });
    }
    out.into_bytes()
}

/// The rows a report rejected, by line.
fn rejected_lines(v: &serde_json::Value) -> Vec<(u64, String)> {
    v["rejected"].as_array().into_iter().flatten().map(|x| (x["row"].as_u64().unwrap_or(0), x["reason"].as_str().unwrap_or("").to_string())).collect()
}

/// Data lines (1-based) the clean report scored: under the header, with a member, not rejected, not a note.
fn scored_lines(sh: &ShapeSeed, base: &serde_json::Value) -> Vec<usize> {
    let rej = rejected_lines(base);
    (sh.header + 1..sh.lines.len())
        .filter(|&i| {
            let f: Vec<&str> = sh.lines[i].split(',').collect();
            let name = f.get(sh.member).map_or("", |n| n.trim());
            !name.is_empty() && !xianjiao_core::is_note(name) && !rej.iter().any(|r| r.0 == i as u64 + 1)
        })
        .map(|i| i + 1)
        .collect()
}

/// Lines as the one sheet of an XLSX, one cell per field, as an office re-types a CSV in Excel: a
/// field that reads back as the same text when written as a number is a number, any other a string,
/// an empty one no cell. `None` when the writer refuses (a cell beyond Excel's 32,767 characters).
fn as_xlsx(lines: &[String]) -> Option<Vec<u8>> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, l) in lines.iter().enumerate() {
        let r = u32::try_from(r).ok()?;
        for (c, f) in l.split(',').enumerate().filter(|f| !f.1.is_empty()) {
            let c = u16::try_from(c).ok()?;
            match f.parse::<f64>() {
                Ok(x) if x.is_finite() && x.to_string() == f => ws.write_number(r, c, x).ok()?,
                _ => ws.write_string(r, c, f).ok()?,
            };
        }
    }
    wb.save_to_buffer().ok()
}

/// [`as_xlsx`] for a seed's own lines, kept: only the shapes' edits are written anew each case.
fn seed_xlsx(lines: &[String]) -> Option<Vec<u8>> {
    SEED_XLSX.with(|c| c.borrow_mut().entry(hash_of(&lines)).or_insert_with(|| as_xlsx(lines)).clone())
}

/// A report as a verdict: what was scored, rejected (row, field, reason) and renamed, without
/// where each row came from (`case.csv` or `case.xlsx#Sheet1`) and the sources read.
fn verdict(v: &serde_json::Value) -> serde_json::Value {
    let mut v = v.clone();
    if let Some(m) = v.as_object_mut() {
        m.remove("sheets");
    }
    for k in ["rejected", "notes"] {
        for x in v[k].as_array_mut().into_iter().flatten() {
            if let Some(m) = x.as_object_mut() {
                m.remove("file");
            }
        }
    }
    v
}

/// The shape's lines as an XLSX ([`as_xlsx`]) through the reader: rows read = scored + rejected,
/// and the verdict the CSV reading gave (`csv`), so both container formats keep the promise.
fn same_as_xlsx(rs: &RuleSet, sh: &ShapeSeed, lines: &[String], csv: &serde_json::Value) -> Result<(), String> {
    let key = hash_of(&(lines, csv.to_string()));
    if SAME_XLSX.with(|c| c.borrow().contains(&key)) {
        return Ok(());
    }
    let Some(book) = (if lines == sh.lines { seed_xlsx(lines) } else { as_xlsx(lines) }) else { return Ok(()) };
    let x = guarded(|| -> Result<serde_json::Value, String> {
        let form = sh.seed.form.as_deref().filter(|f| !f.is_empty());
        let mut sc = rs.scorer(form).map_err(|e| e.to_string())?;
        let mut inputs = Inputs::default();
        xianjiao_reader::read_bytes("case.xlsx", &book, &mut Target::Score(&mut sc), &mut inputs)?;
        let mut report = sc.finish().map_err(|e| format!("finish: {e}"))?;
        let origin: Vec<Option<String>> = report.rejected.iter_mut().map(|r| inputs.relocate(r)).collect();
        Ok(input::with_sources(&report, &origin, &inputs))
    })?;
    if let Ok(v) = &x {
        check_rows(v, lines.len() + 1).map_err(|e| format!("the lines as XLSX: {e}"))?;
    }
    match &x {
        Ok(v) if verdict(v) == verdict(csv) => {
            SAME_XLSX.with(|c| c.borrow_mut().insert(key));
            Ok(())
        }
        _ => Err(format!("the same lines as XLSX (one cell per field) and as CSV differ:\n--- xlsx\n{}\n--- csv\n{csv}", show(&x))),
    }
}

/// One `shapes` case: a clean seed, one office-made shape of it, and the invariant it must keep.
fn shapes_case(rng: &mut Rng, rs: &RuleSet, sh: &ShapeSeed) -> (Result<(), String>, Vec<u8>) {
    let clean = joined(rng, &sh.lines, false);
    let base = match both_paths(rs, &sh.seed, &clean) {
        Ok(Ok(v)) => v,
        Ok(Err(_)) => return (Ok(()), clean), // a seed the reader refuses (a failing golden case): nothing to keep
        Err(e) => return (Err(format!("the clean seed: {e}")), clean),
    };
    let scored = scored_lines(sh, &base);
    let rows = |v: &serde_json::Value, k: &str| v["rows"][k].as_u64().unwrap_or(0);
    match rng.below(4) {
        // Lone CR, CRLF and LF in one file: lines as before, the same report.
        0 => {
            let b = joined(rng, &sh.lines, true);
            let r = match both_paths(rs, &sh.seed, &b) {
                Ok(Ok(v)) if v == base => same_as_xlsx(rs, sh, &sh.lines, &v),
                Ok(v) => Err(format!("line breaks mixed (CR, CRLF, LF) changed the report:\n--- mixed\n{}\n--- LF\n{base}", show(&v))),
                Err(e) => Err(e),
            };
            (r, b)
        }
        // A mark typed 9,5: the row has one field more than the header; rejected, never shifted.
        1 => {
            let width = sh.lines[sh.header].split(',').count();
            let fits: Vec<usize> = (sh.header + 1..sh.lines.len())
                .filter(|&i| {
                    let f: Vec<&str> = sh.lines[i].split(',').collect();
                    f.len() == width
                        && f.last().is_some_and(|x| !x.trim().is_empty())
                        && f.iter().skip(sh.member + 1).any(|x| x.trim().parse::<f64>().is_ok())
                })
                .collect();
            let Some(&i) = fits.get(rng.below(fits.len())).filter(|_| !fits.is_empty()) else { return (Ok(()), clean) };
            let mut lines = sh.lines.clone();
            let mut f: Vec<String> = lines[i].split(',').map(str::to_string).collect();
            let marks: Vec<usize> = (sh.member + 1..f.len()).filter(|&j| f[j].trim().parse::<f64>().is_ok()).collect();
            let j = marks[rng.below(marks.len())];
            f[j] = format!("{},5", f[j]);
            lines[i] = f.join(",");
            let b = joined(rng, &lines, false);
            let line = i as u64 + 1;
            let r = match both_paths(rs, &sh.seed, &b) {
                Ok(Ok(v)) => {
                    let rej = rejected_lines(&v);
                    let was = scored.contains(&(i + 1));
                    if !rej.iter().any(|r| r.0 == line && (!was || r.1.starts_with("多出的列"))) {
                        Err(format!("line {line} has a field more than the header but is not rejected as such: {:?}", rej))
                    } else if rows(&v, "read") != rows(&base, "read") || rows(&v, "scored") + u64::from(was) != rows(&base, "scored") {
                        Err(format!("an extra field changed the count: {} (clean: {})", v["rows"], base["rows"]))
                    } else {
                        same_as_xlsx(rs, sh, &lines, &v)
                    }
                }
                Ok(Err(e)) => Err(format!("an extra field in line {line} made the file unreadable: {e}")),
                Err(e) => Err(e),
            };
            (r, b)
        }
        // A name with invisible characters (or a full-width space inside): the same members.
        2 => {
            let Some(&line) = scored.get(rng.below(scored.len())).filter(|_| !scored.is_empty()) else { return (Ok(()), clean) };
            let i = line - 1;
            let mut lines = sh.lines.clone();
            let mut f: Vec<String> = lines[i].split(',').map(str::to_string).collect();
            let name: Vec<char> = f[sh.member].chars().collect();
            let mut dirty = name.clone();
            for _ in 0..1 + rng.below(3) {
                let at = rng.below(dirty.len() + 1);
                // A full-width space only where the reader takes it for a slip: at an end or next to a Chinese character.
                let cjk = |c: Option<&char>| c.is_some_and(|&c| matches!(c as u32, 0x2e80..=0x9fff));
                let space_ok = at == 0 || at == dirty.len() || cjk(dirty.get(at - 1)) || cjk(dirty.get(at));
                let c = if space_ok && rng.below(4) == 0 { '\u{3000}' } else { *rng.pick(INVISIBLE) };
                dirty.insert(at, c);
            }
            let dirty: String = dirty.into_iter().collect();
            let clean_name = xianjiao_core::clean_name(&f[sh.member]).into_owned();
            f[sh.member] = dirty.clone();
            lines[i] = f.join(",");
            let b = joined(rng, &lines, false);
            let r = match both_paths(rs, &sh.seed, &b) {
                Ok(Ok(v)) => {
                    // White space at the ends is trimmed like any cell's; a change inside is listed.
                    let changed = dirty.trim() != clean_name;
                    let renamed = !changed || v["renamed"].as_array().into_iter().flatten().any(|x| x["to"] == clean_name.as_str());
                    if v["members"] != base["members"] || v["rows"] != base["rows"] {
                        Err(format!("the name {dirty:?} (line {line}) was not cleaned to one member:\n--- dirty\n{v}\n--- clean\n{base}"))
                    } else if !renamed {
                        Err(format!("the name {dirty:?} (line {line}) was cleaned without being listed as renamed: {}", v["renamed"]))
                    } else {
                        same_as_xlsx(rs, sh, &lines, &v)
                    }
                }
                Ok(Err(e)) => Err(format!("a name with invisible characters made the file unreadable: {e}")),
                Err(e) => Err(e),
            };
            (r, b)
        }
        // The same sheets saved twice, differently: the copy is refused.
        _ => {
            if rows(&base, "scored") == 0 {
                return (Ok(()), clean);
            }
            let text = String::from_utf8_lossy(&clean).to_string();
            let copy = match rng.below(5) {
                0 => text.replace('\n', "\r\n").into_bytes(),
                1 => format!("\u{feff}{text}").into_bytes(),
                2 => encoding_rs::GB18030.encode(&text).0.into_owned(),
                3 => format!("关坝镇党员分析评议测评汇总表\n{text}").into_bytes(),
                _ => joined(rng, &sh.lines, true),
            };
            // And saved as XLSX (rows as the lines, with or without a title row above them).
            let title = ["关坝镇党员分析评议测评汇总表".to_string()];
            let rows_copy: Vec<String> = if rng.below(2) == 0 { sh.lines.clone() } else { title.iter().chain(&sh.lines).cloned().collect() };
            let book = seed_xlsx(&rows_copy);
            let r = guarded(|| -> Result<(), String> {
                let form = sh.seed.form.as_deref().filter(|f| !f.is_empty());
                let copies: [(&str, &[u8], &str); 2] = [
                    ("b.csv", &copy, "a copy (CRLF, BOM, GBK or a title row)"),
                    ("b.xlsx", book.as_deref().unwrap_or_default(), "a copy saved as XLSX"),
                ];
                for (name, bytes, what) in copies.into_iter().filter(|c| !c.1.is_empty()) {
                    let mut sc = rs.scorer(form).map_err(|e| e.to_string())?;
                    match xianjiao_reader::read_all_bytes(&[("a.csv", &clean), (name, bytes)], Target::Score(&mut sc)) {
                        Err(e) if e.contains("完全相同") => {}
                        Err(e) => return Err(format!("{what} was refused for another reason: {e}")),
                        Ok(_) => return Err(format!("the same sheets saved twice ({what}) were read twice")),
                    }
                }
                Ok(())
            });
            let r = r.and_then(|x| x);
            let mut both = clean.clone();
            both.extend_from_slice(b"\n=== copy ===\n");
            both.extend_from_slice(&copy);
            (r, both)
        }
    }
}

fn rules_case(files: &[(String, String)], entry: usize, mutated: usize, text: &str) -> Result<(), String> {
    guarded(|| {
        let mut src = MemorySource::new();
        for (i, (n, t)) in files.iter().enumerate() {
            src.insert(n.clone(), if i == mutated { text.to_string() } else { t.clone() });
        }
        let rs = RuleSet::load(&files[entry].0, &src);
        let _ = rs.diagnostics().len();
        if !rs.has_errors() {
            let _ = rs.run_tests(false);
        }
    })
}

fn drafts_case(rs: &RuleSet, seed: &DraftSeed, text: &str) -> Result<(), String> {
    guarded(|| {
        let _ = rs.check_material(&seed.kind, &seed.role, text);
    })
}

#[derive(Default)]
struct Tally {
    cases: [AtomicUsize; 5],
    failed: [AtomicUsize; 5],
}

const TARGETS: [&str; 5] = ["csv", "xlsx", "rules", "drafts", "shapes"];

fn worker(k: usize, seed: u64, corpus: &Corpus, plan: &[(usize, Instant)], out: &Path, tally: &Tally, saved: &AtomicUsize) {
    let mut rng = Rng(seed ^ (k as u64).wrapping_mul(0xa076_1d64_78bd_642f));
    // Rule sets are built per thread (Rhai engines stay on their thread).
    let mut loaded: Vec<(PathBuf, RuleSet)> = vec![];
    fn rules_for(loaded: &mut Vec<(PathBuf, RuleSet)>, p: &Path) -> usize {
        if let Some(i) = loaded.iter().position(|(q, _)| q == p) {
            return i;
        }
        loaded.push((p.to_path_buf(), xianjiao_cli::fs_source::load_rules(p)));
        loaded.len() - 1
    }
    let tmp = std::env::temp_dir().join(format!("xianjiao-fuzz-{}-{k}.csv", std::process::id()));
    for &(t, until) in plan {
        let mut n = 0usize;
        while Instant::now() < until {
            n += 1;
            let (res, input, ext): (Result<(), String>, Vec<u8>, &str) = match t {
                0 => {
                    let s = rng.pick(&corpus.csv).clone();
                    let mut b = s.bytes.clone();
                    mutate(&mut rng, &mut b);
                    let i = rules_for(&mut loaded, &s.rules);
                    let file = n.is_multiple_of(200).then_some(tmp.as_path());
                    (csv_case(&loaded[i].1, &s, &b, file), b, "csv")
                }
                1 => {
                    let Some((rp, entries)) = (!corpus.xlsx.is_empty()).then(|| rng.pick(&corpus.xlsx).clone()) else { break };
                    let b = xlsx_mutant(&mut rng, &entries);
                    let i = rules_for(&mut loaded, &rp);
                    (xlsx_case(&loaded[i].1, &b), b, "xlsx")
                }
                2 => {
                    let entry = rng.below(corpus.rules.len());
                    let mutated = if rng.below(3) == 0 { rng.below(corpus.rules.len()) } else { entry };
                    let mut b = corpus.rules[mutated].1.clone().into_bytes();
                    mutate(&mut rng, &mut b);
                    let text = String::from_utf8_lossy(&b).to_string();
                    (rules_case(&corpus.rules, entry, mutated, &text), text.into_bytes(), "rhai")
                }
                4 => {
                    let Some(sh) = (!corpus.shapes.is_empty()).then(|| rng.pick(&corpus.shapes).clone()) else { break };
                    let i = rules_for(&mut loaded, &sh.seed.rules);
                    let (r, b) = shapes_case(&mut rng, &loaded[i].1, &sh);
                    (r, b, "csv")
                }
                _ => {
                    let Some(s) = (!corpus.drafts.is_empty()).then(|| rng.pick(&corpus.drafts).clone()) else { break };
                    let mut b = s.text.clone().into_bytes();
                    mutate(&mut rng, &mut b);
                    let text = String::from_utf8_lossy(&b).to_string();
                    let i = rules_for(&mut loaded, &s.rules);
                    (drafts_case(&loaded[i].1, &s, &text), text.into_bytes(), "txt")
                }
            };
            tally.cases[t].fetch_add(1, Ordering::Relaxed);
            if let Err(why) = res {
                tally.failed[t].fetch_add(1, Ordering::Relaxed);
                let m = saved.fetch_add(1, Ordering::Relaxed);
                let f = out.join(format!("fuzz-crash-{}-{seed}-{k}-{m}.{ext}", TARGETS[t]));
                let _ = std::fs::create_dir_all(out);
                let _ = std::fs::write(&f, &input);
                let short: String = why.chars().take(2000).collect();
                eprintln!("FAIL {} case (saved {}): {short}", TARGETS[t], f.display());
            }
        }
    }
    let _ = std::fs::remove_file(&tmp);
}

/// `xianjiao-dev fuzz`.
pub fn run(seconds: u64, seed: u64, target: &str, out: &Path, threads: Option<usize>) -> CmdResult {
    let which: Vec<usize> = match target {
        "all" => vec![0, 1, 2, 3, 4],
        t => match TARGETS.iter().position(|x| *x == t) {
            Some(i) => vec![i],
            None => return Err(CliError::usage(format!("未知的 --target {t},应为 csv、xlsx、rules、drafts、shapes 或 all / unknown target"))),
        },
    };
    let root = std::env::current_dir().unwrap_or_default();
    let corpus = corpus(&root).map_err(CliError::usage)?;
    // Time shares for `all`: CSV is the widest surface.
    let weight = [50u64, 20, 15, 15, 15];
    let total_w: u64 = which.iter().map(|&t| weight[t]).sum();
    let start = Instant::now();
    let mut at = Duration::ZERO;
    let plan: Vec<(usize, Instant)> = which
        .iter()
        .map(|&t| {
            at += Duration::from_millis(seconds * 1000 * weight[t] / total_w.max(1));
            (t, start + at)
        })
        .collect();
    let n = threads.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)).max(1);
    let tally = Tally::default();
    let saved = AtomicUsize::new(0);
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        PANIC.with(|p| *p.borrow_mut() = Some(format!("panic: {msg}{at}")));
    }));
    std::thread::scope(|s| {
        for k in 0..n {
            let (corpus, plan, tally, saved) = (&corpus, &plan, &tally, &saved);
            s.spawn(move || worker(k, seed, corpus, plan, out, tally, saved));
        }
    });
    std::panic::set_hook(prev);
    let mut total = 0;
    let mut failed = 0;
    for &t in &which {
        let (c, f) = (tally.cases[t].load(Ordering::Relaxed), tally.failed[t].load(Ordering::Relaxed));
        println!("fuzz {:<6} {c:>10} cases, {f} failed", TARGETS[t]);
        total += c;
        failed += f;
    }
    println!(
        "fuzz total  {total:>10} cases in {:.1} s (seed {seed}, {n} threads): {} passed, {failed} failed",
        start.elapsed().as_secs_f64(),
        total - failed
    );
    Ok(ExitCode::from(if failed > 0 { 1 } else { 0 }))
}

//! The seeds, completely and only (issue 19).
//!
//! 1. Every `source:` quote in `rules/*.rhai`, in the examples of
//!    `core/src/authoring/api.rs` (and so `docs/rule-reference.md`) and in the
//!    code of `docs/*.md` appears word for word (whitespace aside: the seeds'
//!    tables break lines between cells) in the seed it cites. Without the seeds
//!    (`../shared/seeds` or `$XIANJIAO_SEEDS`) the check prints a notice and is
//!    skipped, unless `XIANJIAO_REQUIRE_SEEDS=1` or `$XIANJIAO_SEEDS` is set: then it fails.
//!    The quote lines of the golden cases' `seed.txt` (those that start with a seed number) are checked the same way.
//!    A source is `NNN: quote;NNN: quote`; a quote may elide with `……`, and
//!    name an annex (`002 附件1: …`, `附件2: …`, `正文: …`).
//! 2. `docs/seed-coverage.md` is generated from `docs/seed-coverage.tsv` (one
//!    requirement of a seed per row: seed, short quote, status, declaration or
//!    reason) and the rule files (each declaration's line), and must be current;
//!    `UPDATE_EXPECT=1 cargo test --test seed_coverage` rewrites it.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The seeds' directory: `../shared/seeds` beside the repository, or `$XIANJIAO_SEEDS`.
fn seeds_dir() -> Option<PathBuf> {
    let d = std::env::var_os("XIANJIAO_SEEDS").map(PathBuf::from).unwrap_or_else(|| root().join("../shared/seeds"));
    d.is_dir().then_some(d)
}

/// The seeds, or `None` after a notice that the quote checks are skipped. A fresh clone (CI: `.ci/run` → `./x test`)
/// has no seeds beside it, so their absence is not an error by itself; it is when they were asked for
/// (`$XIANJIAO_SEEDS` names a directory, or `XIANJIAO_REQUIRE_SEEDS=1`).
fn seeds_or_notice(what: &str) -> Option<BTreeMap<String, String>> {
    if let Some(s) = seeds() {
        return Some(s);
    }
    let asked = std::env::var_os("XIANJIAO_SEEDS").is_some() || std::env::var_os("XIANJIAO_REQUIRE_SEEDS").is_some_and(|v| v != "0");
    assert!(!asked, "找不到种子目录(XIANJIAO_SEEDS 或 ../shared/seeds):{what}无法检查 / seeds not found ($XIANJIAO_SEEDS or ../shared/seeds): {what} cannot be checked");
    // Written to the process's stderr, not eprintln!: the test harness shows captured output only on failure.
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "\n注意 NOTICE: 找不到种子目录 ../shared/seeds(或 $XIANJIAO_SEEDS),{what}没有检查 / seeds not found: {what} NOT checked (set XIANJIAO_REQUIRE_SEEDS=1 to fail instead)\n"
    );
    None
}

/// Seed number → its text with all whitespace removed.
fn seeds() -> Option<BTreeMap<String, String>> {
    let dir = seeds_dir()?;
    let mut m = BTreeMap::new();
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if name.len() >= 4 && name.ends_with(".txt") {
            let text = std::fs::read_to_string(e.path()).unwrap();
            m.insert(name[..3].to_string(), squeeze(&text));
        }
    }
    Some(m)
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn rule_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        std::fs::read_dir(root().join("rules")).unwrap().flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "rhai")).collect();
    v.sort();
    v
}

/// Every `source: "…"` string of a file, with its line.
fn sources(text: &str) -> Vec<(usize, String)> {
    let mut out = vec![];
    let mut rest = text;
    let mut offset = 0;
    while let Some(i) = rest.find("source: \"") {
        let start = i + "source: \"".len();
        let end = rest[start..].find('"').map(|j| start + j).unwrap_or(rest.len());
        let line = text[..offset + i].matches('\n').count() + 1;
        out.push((line, rest[start..end].to_string()));
        offset += end;
        rest = &rest[end..];
    }
    out
}

/// A source string as (seed, fragment) pairs: each fragment must appear in its seed.
fn citations(source: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = vec![];
    let mut seed: Option<String> = None;
    for piece in source.split([';', ';']) {
        let mut p = piece.trim();
        if p.len() >= 3 && p.as_bytes()[..3].iter().all(u8::is_ascii_digit) {
            seed = Some(p[..3].to_string());
            let Some(colon) = p.find([':', ':']) else { return Err(format!("no ':' after the seed number in \"{piece}\"")) };
            p = p[colon..].trim_start_matches([':', ':']).trim();
        } else if p.starts_with("附件") || p.starts_with("正文") {
            if let Some(colon) = p.find([':', ':']) {
                p = p[colon..].trim_start_matches([':', ':']).trim();
            }
        }
        let Some(s) = &seed else { return Err(format!("quote without a seed number: \"{piece}\"")) };
        for frag in p.split('…').map(str::trim).filter(|f| !f.is_empty()) {
            out.push((s.clone(), frag.to_string()));
        }
    }
    Ok(out)
}

/// The code of a Markdown file: its fenced blocks, other lines blanked (so line numbers stay the file's).
fn fenced_code(md: &str) -> String {
    let mut inside = false;
    md.lines()
        .map(|l| {
            if l.trim_start().starts_with("```") {
                inside = !inside;
                ""
            } else if inside {
                l
            } else {
                ""
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every text that carries `source:` quotes, as (name, text): the shipped rule files, the reference's examples
/// (core/src/authoring/api.rs, which docs/rule-reference.md is generated from) and the code blocks of docs/*.md.
fn quoting_texts() -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = rule_files()
        .into_iter()
        .map(|f| (format!("rules/{}", f.file_name().unwrap().to_string_lossy()), std::fs::read_to_string(&f).unwrap()))
        .collect();
    v.push(("core/src/authoring/api.rs".into(), std::fs::read_to_string(root().join("core/src/authoring/api.rs")).unwrap()));
    let mut docs: Vec<PathBuf> =
        std::fs::read_dir(root().join("docs")).unwrap().flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "md")).collect();
    docs.sort();
    for d in docs {
        let name = format!("docs/{}", d.file_name().unwrap().to_string_lossy());
        v.push((name, fenced_code(&std::fs::read_to_string(&d).unwrap())));
    }
    v
}

/// The quotes of `text` that are not word for word in their seeds.
fn bad_quotes(name: &str, text: &str, seeds: &BTreeMap<String, String>, checked: &mut usize) -> Vec<String> {
    let mut bad = vec![];
    for (line, src) in sources(text) {
        match citations(&src) {
            Err(e) => bad.push(format!("{name}:{line}: {e}")),
            Ok(cs) => {
                for (seed, frag) in cs {
                    *checked += 1;
                    match seeds.get(&seed) {
                        None => bad.push(format!("{name}:{line}: no seed {seed}")),
                        Some(t) if !t.contains(&squeeze(&frag)) => bad.push(format!("{name}:{line}: not in seed {seed}: \"{frag}\"")),
                        _ => {}
                    }
                }
            }
        }
    }
    bad
}

#[test]
fn every_source_quote_is_in_the_seed_it_cites() {
    let Some(seeds) = seeds_or_notice("source: 引文 / the source: quotes") else { return };
    let mut bad = vec![];
    let mut checked = 0;
    let mut per_place = BTreeMap::new();
    for (name, text) in quoting_texts() {
        let before = checked;
        bad.extend(bad_quotes(&name, &text, &seeds, &mut checked));
        per_place.insert(name, checked - before);
    }
    assert!(checked > 100, "only {checked} quotes found");
    // The examples and the guide are checked too (a misquote there once read as seed text).
    for place in ["core/src/authoring/api.rs", "docs/rules-guide.md"] {
        assert!(per_place.get(place).is_some_and(|n| *n >= 5), "{place}: only {:?} quotes found", per_place.get(place));
    }
    assert!(bad.is_empty(), "{} quotes are not in their seeds:\n{}", bad.len(), bad.join("\n"));
}

/// The quote lines of the golden cases' `seed.txt` (a line that starts with a seed number: `002: …`, `002 附件1: …`),
/// with their file and line; the other lines are explanation.
fn golden_seed_quotes() -> Vec<(String, usize, String)> {
    let mut out = vec![];
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("tests/golden")).unwrap().flatten().map(|e| e.path()).collect();
    dirs.sort();
    for d in dirs {
        let Ok(text) = std::fs::read_to_string(d.join("seed.txt")) else { continue };
        let name = format!("tests/golden/{}/seed.txt", d.file_name().unwrap().to_string_lossy());
        for (i, l) in text.lines().enumerate() {
            let b = l.as_bytes();
            if b.len() > 4 && b[..3].iter().all(u8::is_ascii_digit) && (l[3..].starts_with([':', ' ']) || l[3..].starts_with(':')) {
                out.push((name.clone(), i + 1, l.trim_end_matches(['。', '.']).to_string()));
            }
        }
    }
    out
}

#[test]
fn every_golden_seed_quote_is_in_its_seed() {
    let Some(seeds) = seeds_or_notice("golden seed.txt 的引文 / the golden cases' seed.txt quotes") else { return };
    let mut bad = vec![];
    let mut checked = 0;
    for (name, line, quote) in golden_seed_quotes() {
        match citations(&quote) {
            Err(e) => bad.push(format!("{name}:{line}: {e}")),
            Ok(cs) => {
                for (seed, frag) in cs {
                    checked += 1;
                    // A quote may end a sentence early: a trailing full stop is not part of the match.
                    let frag = frag.trim_end_matches('。');
                    if !seeds.get(&seed).is_some_and(|t| t.contains(&squeeze(frag))) {
                        bad.push(format!("{name}:{line}: not in seed {seed}: \"{frag}\""));
                    }
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} golden seed quotes found");
    assert!(bad.is_empty(), "{} golden seed.txt quotes are not in their seeds:\n{}", bad.len(), bad.join("\n"));
}

#[test]
fn a_misquote_in_an_example_is_caught() {
    // The check itself: a quote not in its seed is reported, with the place and line.
    let seeds = BTreeMap::from([("003".to_string(), squeeze("这次区委向全区派出五个督导组,每个督导组安排13-14个单位"))]);
    let mut n = 0;
    let text = "x\n```rhai\noversight(\"甲\", #{ source: \"003: 区派出5个督导组,每组负责13至14个单位\" });\n```\n";
    let bad = bad_quotes("docs/x.md", &fenced_code(text), &seeds, &mut n);
    assert_eq!(bad, vec!["docs/x.md:3: not in seed 003: \"区派出5个督导组,每组负责13至14个单位\"".to_string()]);
    let good = "r#\"oversight(\"甲\", #{ source: \"003: 区委向全区派出五个督导组,每个督导组安排13-14个单位\" });\"#";
    assert!(bad_quotes("api.rs", good, &seeds, &mut n).is_empty());
    // Outside a code block, prose is not read as a quote.
    assert!(bad_quotes("docs/x.md", &fenced_code("`source: \"003: 不在种子里\"`\n"), &seeds, &mut n).is_empty());
}

/// One row of `docs/seed-coverage.tsv`.
struct Row {
    seed: String,
    quote: String,
    status: String,
    file: String,
    kind: String,
    key: String,
    note: String,
}

fn rows() -> Vec<Row> {
    let text = std::fs::read_to_string(root().join("docs/seed-coverage.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            let c: Vec<&str> = l.split('\t').collect();
            assert!(c.len() >= 6, "docs/seed-coverage.tsv row {}: expected 7 tab-separated columns: {l}", i + 1);
            Row {
                seed: c[0].into(),
                quote: c[1].into(),
                status: c[2].into(),
                file: c[3].into(),
                kind: c[4].into(),
                key: c[5].into(),
                note: c.get(6).copied().unwrap_or("").into(),
            }
        })
        .collect()
}

/// The line of the declaration `kind`/`key` in a rule file's text
/// (`amend` keys are `kind:key`; `campaign` has no key).
fn decl_line(text: &str, kind: &str, key: &str) -> Option<usize> {
    let needle = match kind {
        "campaign" => "campaign(".to_string(),
        "amend" => {
            let (k, n) = key.split_once(':')?;
            format!("amend(\"{k}\", \"{n}\"")
        }
        "step" => format!(", \"{key}\", #{{"),
        _ => format!("{kind}(\"{key}\""),
    };
    text.lines().position(|l| l.trim_start().starts_with(if kind == "step" { "step(" } else { "" }) && l.contains(&needle)).map(|i| i + 1)
}

fn render(rows: &[Row]) -> Result<String, Vec<String>> {
    let mut errors = vec![];
    let seeds = seeds_or_notice("覆盖表的原文摘句 / the coverage table's quotes");
    let mut out = String::from("# 种子要求覆盖表 · Seed coverage\n\n本文件由 `cargo test --test seed_coverage` 从 `docs/seed-coverage.tsv` 和 `rules/*.rhai` 生成,请勿手改\n(`UPDATE_EXPECT=1` 重写)。/ Generated from `docs/seed-coverage.tsv` and the rule files; do not edit.\n\n");
    let count = |s: &str| rows.iter().filter(|r| r.status == s).count();
    out += &format!("共 {} 条要求 / {} requirements: ✔ {} · partial {} · ✘ {}\n\n", rows.len(), rows.len(), count("✔"), count("partial"), count("✘"));
    out += "✔ 已按种子建模;partial 部分建模(说明缺什么);✘ 未建模(说明理由)。引用都逐字出自种子(由测试检查)。\n\n";
    let names = [
        ("000", "广安市 · guangan.rhai"),
        ("001", "江苏水利厅 · jiangsu-water.rhai"),
        ("002", "关坝镇 · guanba.rhai"),
        ("003", "徐汇区(没有规则文件)"),
        ("004", "梅州市 · meizhou.rhai"),
    ];
    for (seed, title) in names {
        let mine: Vec<&Row> = rows.iter().filter(|r| r.seed == seed).collect();
        if mine.is_empty() {
            continue;
        }
        out += &format!("## {seed} {title}\n\n| 原文 quote | 状态 | 实现 declaration | 说明 note |\n|---|---|---|---|\n");
        for r in mine {
            if !["✔", "partial", "✘"].contains(&r.status.as_str()) {
                errors.push(format!("{seed}: bad status {}", r.status));
            }
            if let Some(s) = &seeds {
                if !s.get(&r.seed).is_some_and(|t| t.contains(&squeeze(&r.quote))) {
                    errors.push(format!("{seed}: quote not in the seed: {}", r.quote));
                }
            }
            let at = if r.file == "-" {
                if r.status != "✘" {
                    errors.push(format!("{seed}: {} has no declaration but is not ✘", r.quote));
                }
                "—".to_string()
            } else {
                let text = std::fs::read_to_string(root().join("rules").join(&r.file)).unwrap_or_default();
                match decl_line(&text, &r.kind, &r.key) {
                    Some(n) => format!("[rules/{}:{n}](../rules/{}#L{n}) `{} {}`", r.file, r.file, r.kind, r.key),
                    None => {
                        errors.push(format!("{seed}: no {} \"{}\" in rules/{}", r.kind, r.key, r.file));
                        String::new()
                    }
                }
            };
            out += &format!("| {} | {} | {} | {} |\n", r.quote, r.status, at, r.note);
        }
        out += "\n";
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[test]
fn seed_coverage_is_current() {
    let rows = rows();
    assert!(rows.len() >= 59, "the coverage table lists {} requirements; the issue counted 59", rows.len());
    let md = render(&rows).unwrap_or_else(|e| panic!("docs/seed-coverage.tsv:\n{}", e.join("\n")));
    let path = root().join("docs/seed-coverage.md");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, &md).unwrap();
        return;
    }
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(old == md, "docs/seed-coverage.md is stale: run UPDATE_EXPECT=1 cargo test --test seed_coverage");
    // The README's counts are the table's.
    let count = |s: &str| rows.iter().filter(|r| r.status == s).count();
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let line = format!("✔ {} · partial {} · ✘ {}", count("✔"), count("partial"), count("✘"));
    assert!(readme.contains(&line), "README.md should state the coverage counts \"{line}\"");
}

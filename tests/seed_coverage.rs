//! The seeds, completely and only (issue 19).
//!
//! 1. Every `source:` quote in `rules/*.rhai` appears word for word (whitespace
//!    aside: the seeds' tables break lines between cells) in the seed it cites.
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

#[test]
fn every_source_quote_is_in_the_seed_it_cites() {
    let Some(seeds) = seeds() else {
        eprintln!("seeds not found (../shared/seeds or $XIANJIAO_SEEDS): skipped");
        return;
    };
    let mut bad = vec![];
    let mut checked = 0;
    for f in rule_files() {
        let text = std::fs::read_to_string(&f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        for (line, src) in sources(&text) {
            match citations(&src) {
                Err(e) => bad.push(format!("rules/{name}:{line}: {e}")),
                Ok(cs) => {
                    for (seed, frag) in cs {
                        checked += 1;
                        match seeds.get(&seed) {
                            None => bad.push(format!("rules/{name}:{line}: no seed {seed}")),
                            Some(t) if !t.contains(&squeeze(&frag)) => bad.push(format!("rules/{name}:{line}: not in seed {seed}: \"{frag}\"")),
                            _ => {}
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} quotes found");
    assert!(bad.is_empty(), "{} quotes are not in their seeds:\n{}", bad.len(), bad.join("\n"));
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
    let seeds = seeds();
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

//! Each sandbox limit trips with a clear, located error; nothing hangs or
//! panics. Rule files are untrusted code.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

use xianjiao_core::{Limits, MemorySource, Profile, RuleSet};

fn load(text: &str) -> RuleSet {
    RuleSet::load("evil.rhai", MemorySource::new().insert("evil.rhai", text))
}

#[track_caller]
fn trips(text: &str, code: &str, line: usize) {
    let rs = load(text);
    let d = rs.diagnostics();
    assert!(d.iter().any(|x| x.code == code && x.location.line == line), "expected {code} on line {line}, got {d:?}");
}

#[test]
fn endless_loop_stops_at_the_operation_limit() {
    trips("role(\"党员\");\nloop { }", "limit.operations", 2);
    trips("let i = 0;\nwhile true { i += 1; }", "limit.operations", 2);
}

#[test]
fn runaway_recursion_stops_at_the_call_depth_limit() {
    trips("fn f(x) { f(x + 1) }\nf(0);", "limit.call_depth", 2);
}

#[test]
fn deep_expressions_are_refused_by_the_parser() {
    let deep = format!("let x = {}1{};", "(".repeat(200), ")".repeat(200));
    trips(&deep, "limit.expr_depth", 1);
}

#[test]
fn growing_strings_arrays_maps_stop_at_the_size_limits() {
    trips("let s = \"学\";\nloop { s += s; }", "limit.size", 2);
    trips("let a = [1];\nloop { a += a; }", "limit.size", 2);
    // Rhai checks map size on literals and map operations, not on indexer
    // assignment; the operation limit bounds that case (see the loop tests).
    let tight = Limits { max_map_size: 3, ..Limits::default() };
    let src = MemorySource::new().insert("m.rhai", "role(\"党员\");\nlet m = #{ a: 1, b: 2, c: 3, d: 4 };").clone();
    let rs = RuleSet::load_with_limits("m.rhai", &src, &tight);
    assert!(rs.diagnostics().iter().any(|d| d.code == "limit.size" && d.location.line == 2), "{:?}", rs.diagnostics());
}

#[test]
fn eval_is_not_available() {
    let rs = load("eval(\"loop {}\");");
    assert!(rs.has_errors());
    assert!(rs.diagnostics().iter().all(|d| d.location.line == 1), "{:?}", rs.diagnostics());
}

#[test]
fn no_module_import() {
    let rs = load("import \"std\" as s;");
    assert!(rs.has_errors(), "{:?}", rs.diagnostics());
}

#[test]
fn custom_function_with_endless_loop_fails_at_evaluation_not_hangs() {
    let rs = load("role(\"党员\");\nphase(\"甲\", #{ start: \"2005-01-01\", days: 3 });\nfn spin(p) {\n  loop { }\n}\nrequire(\"x\", #{ phase: \"甲\", check: \"spin\" });");
    assert!(!rs.has_errors(), "{:?}", rs.diagnostics());
    let err = rs.checklist(&Profile { role: "党员".into(), ..Default::default() }, None).expect_err("must fail");
    assert_eq!(err.code, "limit.operations");
    let loc = err.location.expect("located");
    assert_eq!((loc.file.as_str(), loc.line), ("evil.rhai", 6), "the requirement naming the function");
}

#[test]
fn custom_outcome_with_runaway_recursion_fails_cleanly() {
    let rs = load("fn r(x) { r(x) }\nfn out(m) { r(1) }\nform(\"f\", #{ items: [[\"a\", 10]], outcome: \"out\" });");
    assert!(!rs.has_errors(), "{:?}", rs.diagnostics());
    let mut s = rs.scorer(None).expect("form");
    s.add(2, "张三", "", &[Some("9")]);
    let err = s.finish().expect_err("must fail");
    assert_eq!(err.code, "limit.call_depth");
}

#[test]
fn limits_are_configurable() {
    let tight = Limits { max_operations: 50, ..Limits::default() };
    let src = MemorySource::new().insert("x.rhai", "let i = 0;\nwhile i < 100 { i += 1; }").clone();
    assert!(RuleSet::load_with_limits("x.rhai", &src, &tight).has_errors());
    assert!(!RuleSet::load("x.rhai", &src).has_errors());
}

#[test]
fn absurd_numbers_are_diagnostics_not_panics() {
    for text in [
        "phase(\"甲\", #{ start: \"2005-01-01\", days: 1e300 });",
        "phase(\"甲\", #{ start: \"2005-01-01\", days: 9223372036854775807 });",
        "phase(\"甲\", #{ start: \"2005-01-01\", days: 3, extend_days: 1e18 });",
        "phase(\"甲\", #{ start: \"262143-12-31\", days: 2 });\nphase(\"乙\", #{ days: 2 });",
        "form(\"f\", #{ items: [[\"a\", 1e308], [\"b\", 1e308]], total: 1e308 });",
        "material(\"m\", #{ min_areas: -5, areas: [] });",
    ] {
        // Loading must return (with whatever diagnostics), never panic: a panic
        // in the browser aborts the whole wasm instance.
        let rs = load(text);
        let _ = rs.diagnostics();
    }
    let rs = load("phase(\"甲\", #{ start: \"2005-01-01\", days: 1e300 });");
    assert!(rs.diagnostics().iter().any(|d| d.code == "date.range" && d.location.line == 1 && d.location.col == 36), "{:?}", rs.diagnostics());
}

#[test]
fn mutated_rule_files_never_panic() {
    // Deterministic mutations of a shipped file: cut, duplicate and swap spans,
    // drop quotes and brackets. Each must load to diagnostics, never panic, and
    // evaluation on whatever loads must not panic either.
    let base = include_str!("../rules/guanba.rhai");
    let parent = include_str!("../rules/central.rhai");
    let chars: Vec<char> = base.chars().collect();
    let mut seed: u64 = 2005;
    let mut next = |n: usize| { seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407); ((seed >> 33) as usize) % n.max(1) };
    for _ in 0..150 {
        let mut v = chars.clone();
        for _ in 0..1 + next(4) {
            let a = next(v.len());
            let b = (a + 1 + next(40)).min(v.len());
            match next(4) {
                0 => { v.drain(a..b); }
                1 => { let span: Vec<char> = v[a..b].to_vec(); let at = next(v.len()); v.splice(at..at, span); }
                2 => { if let Some(i) = v.iter().skip(a).position(|c| matches!(c, '"' | ')' | ']' | '}')) { v.remove(a + i); } }
                _ => { let c = ['9', '-', '"', '{', '#', '0', '\n'][next(7)]; v.insert(a, c); }
            }
        }
        let text: String = v.into_iter().collect();
        let mut src = MemorySource::new();
        src.insert("central.rhai", parent).insert("guanba.rhai", text);
        let rs = RuleSet::load("guanba.rhai", &src);
        if !rs.has_errors() {
            let _ = rs.schedule("社区", Some(xianjiao_core::parse_day("2005-08-30").expect("day")), &[]);
            let _ = rs.checklist(&Profile { role: "党员".into(), ..Default::default() }, None);
            let _ = rs.check_material("党性分析材料", "党员", "存在的问题 原因剖析 整改措施 客观原因");
            if let Ok(mut s) = rs.scorer(None) {
                s.add(2, "张三", "党员互评", &[Some("9"); 8]);
                let _ = s.finish();
            }
        }
    }
}

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
fn custom_function_with_endless_loop_fails_at_check_and_at_evaluation_not_hangs() {
    // The dry run at load time finds it ...
    let rs = load("role(\"党员\");\nphase(\"甲\", #{ start: \"2005-01-01\", days: 3 });\nfn spin(p) {\n  loop { }\n}\nrequire(\"x\", #{ phase: \"甲\", check: \"spin\" });");
    assert!(rs.diagnostics().iter().any(|d| d.code == "limit.operations"), "{:?}", rs.diagnostics());
    // ... and when only some members reach the loop, evaluation stops cleanly.
    let rs = load("role(\"党员\");\nrole(\"预备党员\");\nphase(\"甲\", #{ start: \"2005-01-01\", days: 3 });\nfn spin(p) {\n  if p.role == \"预备党员\" { loop { } }\n  true\n}\nrequire(\"x\", #{ phase: \"甲\", check: \"spin\" });");
    assert!(!rs.has_errors(), "{:?}", rs.diagnostics());
    let err = rs.checklist(&Profile { role: "预备党员".into(), ..Default::default() }, None).expect_err("must fail");
    assert_eq!(err.code, "limit.operations");
    let loc = err.location.expect("located");
    assert_eq!(loc.file.as_str(), "evil.rhai");
}

#[test]
fn custom_outcome_with_runaway_recursion_fails_cleanly() {
    let rs = load("fn r(x) { r(x) }\nfn out(m) { r(1) }\nform(\"f\", #{ items: [[\"a\", 10]], outcome: \"out\" });");
    assert!(rs.diagnostics().iter().any(|d| d.code == "limit.call_depth"), "{:?}", rs.diagnostics());
    let rs = load("fn r(x) { r(x) }\nfn out(m) { if m.member == \"张三\" { r(1) } }\nform(\"f\", #{ items: [[\"a\", 10]], outcome: \"out\" });");
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
    assert!(
        rs.diagnostics().iter().any(|d| matches!(d.code, "date.range" | "field.range") && d.location.line == 1 && d.location.col == 36),
        "{:?}",
        rs.diagnostics()
    );
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
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n.max(1)
    };
    for _ in 0..150 {
        let mut v = chars.clone();
        for _ in 0..1 + next(4) {
            let a = next(v.len());
            let b = (a + 1 + next(40)).min(v.len());
            match next(4) {
                0 => {
                    v.drain(a..b);
                }
                1 => {
                    let span: Vec<char> = v[a..b].to_vec();
                    let at = next(v.len());
                    v.splice(at..at, span);
                }
                2 => {
                    if let Some(i) = v.iter().skip(a).position(|c| matches!(c, '"' | ')' | ']' | '}')) {
                        v.remove(a + i);
                    }
                }
                _ => {
                    let c = ['9', '-', '"', '{', '#', '0', '\n'][next(7)];
                    v.insert(a, c);
                }
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

// ---- issue 8: custom functions fail loudly; an allow-list sandbox; a total budget ----

#[track_caller]
fn diag_at(rs: &RuleSet, code: &str, line: usize, col: usize) {
    let d = rs.diagnostics();
    assert!(d.iter().any(|x| x.code == code && x.location.line == line && x.location.col == col), "expected {code} at {line}:{col}, got {d:#?}");
}

#[test]
fn misspelt_field_in_outcome_function_is_reported_by_check_at_its_line_and_column() {
    let rs = load("role(\"党员\");\nfn 评议结论(r) {\n    if r.composit >= 70.0 { \"合格\" } else { \"不合格\" }\n}\nform(\"测评表\", #{ items: [[\"a\", 100]], outcome: \"评议结论\" });");
    diag_at(&rs, "script.unknown_property", 3, 10);
    let d = rs.diagnostics().iter().find(|d| d.code == "script.unknown_property").unwrap();
    assert!(d.message.contains("composit") && d.message.contains("评议结论"), "{}", d.message);
    assert!(d.hint.contains("composite"), "{}", d.hint);
}

#[test]
fn misspelt_field_in_check_function_is_reported_by_check() {
    let rs = load("role(\"党员\");\nphase(\"甲\", #{ start: \"2005-01-01\", days: 3 });\nrequire(\"学时\", #{ phase: \"甲\", min: 40 });\nfn 合格(p) {\n    p.progres[\"学时\"] >= 40\n}\nrequire(\"学习合格\", #{ phase: \"甲\", check: \"合格\" });");
    diag_at(&rs, "script.unknown_property", 5, 7);
    // A missing map key is an error too (guard it with `in`).
    let rs = load("role(\"党员\");\nphase(\"甲\", #{ start: \"2005-01-01\", days: 3 });\nrequire(\"学时\", #{ phase: \"甲\", min: 40 });\nfn 合格(p) {\n    p.progress[\"学 时\"] >= 40\n}\nrequire(\"学习合格\", #{ phase: \"甲\", check: \"合格\" });");
    assert!(rs.diagnostics().iter().any(|d| d.code == "script.unknown_property" && d.location.line == 5), "{:?}", rs.diagnostics());
    // The same function spelt right loads clean, and the dry run saw a number.
    let rs = load("role(\"党员\");\nphase(\"甲\", #{ start: \"2005-01-01\", days: 3 });\nrequire(\"学时\", #{ phase: \"甲\", min: 40 });\nfn 合格(p) {\n    p.progress[\"学时\"] >= 40\n}\nrequire(\"学习合格\", #{ phase: \"甲\", check: \"合格\" });");
    assert!(!rs.has_errors(), "{:?}", rs.diagnostics());
}

#[test]
fn wrong_return_type_is_reported_by_check() {
    let rs = load(
        "role(\"党员\");\nphase(\"甲\", #{ start: \"2005-01-01\", days: 3 });\nfn f(p) { \"是\" }\nrequire(\"x\", #{ phase: \"甲\", check: \"f\" });",
    );
    assert!(rs.diagnostics().iter().any(|d| d.code == "hook.return_type" && d.location.line == 4), "{:?}", rs.diagnostics());
    let rs = load("fn out(r) { r.composite }\nform(\"f\", #{ items: [[\"a\", 10]], outcome: \"out\" });");
    assert!(rs.diagnostics().iter().any(|d| d.code == "hook.return_type"), "{:?}", rs.diagnostics());
}

#[test]
fn comparing_mismatched_types_is_an_error_not_false() {
    for (expr, col) in [
        ("\"80\" >= 60", 14),
        ("60 < \"80\"", 12),
        ("() < 1", 12),
        ("1 >= ()", 11),
        ("() > ()", 12),
        ("true == 1", 14),
        ("1 != true", 11),
        ("\"1\" == 1", 13),
        ("[1] < 2", 13),
        ("#{a: 1} == 1", 17),
    ] {
        let rs = load(&format!("role(\"党员\");\nlet x = {expr};"));
        diag_at(&rs, "script.type_mismatch", 2, col);
    }
    // Numbers compare with numbers, text with text; `x == ()` asks whether a value is there.
    let rs = load(
        "let ok = 1 < 2.5 && 2.0 == 2 && \"a\" < \"b\" && 'a' == \"a\" && !(\"a\" == ()) && () == () && true != false;\nif !ok { throw \"wrong\"; }",
    );
    assert!(!rs.has_errors(), "{:?}", rs.diagnostics());
    // Inside an outcome function, found by the dry run.
    let rs = load("fn out(r) {\n  if r.groups[\"全部\"] >= \"60\" { \"合格\" } else { \"不合格\" }\n}\nform(\"f\", #{ items: [[\"a\", 100]], outcome: \"out\" });");
    diag_at(&rs, "script.type_mismatch", 2, 21);
    // At evaluation, when the dry run could not see it.
    let rs = load("fn out(r) {\n  let v = if r.member == \"张三\" { \"高\" } else { 1 };\n  if v > 0 { \"合格\" } else { () }\n}\nform(\"f\", #{ items: [[\"a\", 10]], outcome: \"out\" });");
    assert!(!rs.has_errors(), "{:?}", rs.diagnostics());
    let mut s = rs.scorer(None).expect("form");
    s.add(2, "张三", "", &[Some("9")]);
    let err = s.finish().expect_err("must fail");
    assert_eq!(err.code, "script.type_mismatch");
    assert_eq!(err.location.map(|l| (l.line, l.col)), Some((3, 8)));
}

#[test]
fn sleep_and_other_unlisted_functions_are_unknown_and_cost_no_time() {
    let t = std::time::Instant::now();
    let rs = load("role(\"党员\");\nsleep(3);");
    diag_at(&rs, "script.unknown_function", 2, 1);
    let rs = load("role(\"党员\");\nphase(\"甲\", #{ start: \"2005-01-01\", days: 3 });\nfn f(p) {\n  sleep(3.0);\n  true\n}\nrequire(\"x\", #{ phase: \"甲\", check: \"f\" });");
    diag_at(&rs, "script.unknown_function", 4, 3);
    assert!(t.elapsed() < std::time::Duration::from_secs(1), "took {:?}", t.elapsed());
    // Rhai's standard packages are not there: nothing that waits, prints,
    // reads the clock, exits, parses or reflects.
    for f in [
        "sleep",
        "eval",
        "print",
        "debug",
        "timestamp",
        "exit",
        "parse_json",
        "get_fn_metadata_list",
        "take",
        "tag",
        "split",
        "sub_string",
        "to_upper",
        "replace",
        "parse_int",
        "parse_float",
        "sort",
        "map",
        "filter",
        "reduce",
        "range",
        "chars",
        "Fn",
        "call",
        "curry",
        "is_def_fn",
        "is_def_var",
        "sin",
        "sqrt",
        "to_json",
    ] {
        let rs = load(&format!("role(\"党员\");\nlet x = {f}(1);"));
        assert!(rs.diagnostics().iter().any(|d| d.code == "script.unknown_function" && d.location.line == 2), "{f}: {:?}", rs.diagnostics());
    }
}

#[test]
fn the_allow_list_is_what_rule_files_get() {
    let allowed = Limits::allowed_functions();
    for f in ["len", "contains", "starts_with", "to_string", "push", "keys", "values", "min", "max", "abs", "round", "floor", "to_float", "to_int"] {
        assert!(allowed.contains(&f), "{f} missing from the allow-list");
    }
    for f in ["sleep", "print", "debug", "eval", "timestamp", "exit", "parse_json"] {
        assert!(!allowed.contains(&f), "{f} must not be allowed");
    }
    // Every allowed helper works as documented (a failing line throws).
    let rs = load(
        r#"
        let s = "学习心得";
        if s.len() != 4 || !s.contains("心得") || !s.starts_with("学") || !("心" in s) { throw "string"; }
        let a = [1, 2];
        a.push(3);
        let n = 0;
        for x in a { n += x; }
        for i in 0..3 { n += i; }
        for i in 0..=1 { n += i; }
        if a.len() != 3 || n != 10 || !(2 in a) || ("2" in a) { throw "array"; }
        let m = #{ 甲: 1, 乙: 2 };
        if m.len() != 2 || m.keys().len() != 2 || m.values().len() != 2 || !("甲" in m) || ("丙" in m) || !m.contains("乙") { throw "map"; }
        if min(1, 2) != 1 || max(1.5, 2.5) != 2.5 || abs(-3) != 3 || abs(-1.5) != 1.5 || round(2.5) != 3.0 || floor(2.7) != 2.0 { throw "math"; }
        if to_float(3) != 3.0 || to_int(3.9) != 3 || 3.to_string() != "3" || true.to_string() != "true" { throw "convert"; }
        if "第" + 3 + "名" != "第3名" || type_of(1) != "i64" || -(2) != -2 || !false != true { throw "operators"; }
        role("党员");
    "#,
    );
    assert!(!rs.has_errors(), "{:?}", rs.diagnostics());
}

fn heavy_rules(n: usize) -> String {
    let mut t = String::from("role(\"党员\");\nphase(\"甲\", #{ start: \"2005-01-01\", days: 3 });\nfn heavy(p) {\n  let i = 0;\n  while i < 5000 { i += 1; }\n  true\n}\n");
    for i in 0..n {
        t += &format!("require(\"r{i}\", #{{ phase: \"甲\", check: \"heavy\" }});\n");
    }
    t
}

#[test]
fn a_checklist_of_many_heavy_checks_stops_at_the_total_budget() {
    // The dry run at load runs `heavy` once; each checklist is one evaluation.
    // A tight budget keeps the debug-build test quick; the default is
    // checked to fit 100,000 members of guanba below.
    let limits = Limits { max_total_operations: 400_000, ..Limits::default() };
    let src = MemorySource::new().insert("heavy.rhai", heavy_rules(1000)).clone();
    let rs = RuleSet::load_with_limits("heavy.rhai", &src, &limits);
    assert!(!rs.has_errors(), "{:?}", rs.diagnostics());
    let t = std::time::Instant::now();
    let err = rs.checklist(&Profile { role: "党员".into(), ..Default::default() }, None).expect_err("must stop");
    assert!(t.elapsed() < std::time::Duration::from_secs(5), "took {:?}", t.elapsed());
    assert_eq!(err.code, "limit.total_operations");
    assert!(err.message.contains("heavy") && err.message.contains("400000"), "{}", err.message);
    assert_eq!(err.location.as_ref().map(|l| l.file.as_str()), Some("heavy.rhai"));
    // The budget is per evaluation: a checklist that fits runs every time.
    let src = MemorySource::new().insert("heavy.rhai", heavy_rules(2)).clone();
    let rs = RuleSet::load_with_limits("heavy.rhai", &src, &limits);
    for _ in 0..3 {
        rs.checklist(&Profile { role: "党员".into(), ..Default::default() }, None).expect("fits the budget");
    }
    assert!(Limits::default().max_total_operations >= 10_000_000);
}

#[test]
fn an_outcome_function_over_many_members_stops_at_the_total_budget() {
    let text = "fn out(r) {\n  let i = 0;\n  while i < 500 { i += 1; }\n  if r.composite >= 6.0 { \"合格\" } else { \"不合格\" }\n}\nform(\"f\", #{ items: [[\"a\", 10]], outcome: \"out\" });";
    let limits = Limits { max_total_operations: 400_000, ..Limits::default() };
    let src = MemorySource::new().insert("o.rhai", text).clone();
    let rs = RuleSet::load_with_limits("o.rhai", &src, &limits);
    assert!(!rs.has_errors(), "{:?}", rs.diagnostics());
    // 30,000 members: finished on several threads, sharing one budget;
    // 300 members: on this thread. Both stop.
    for members in [30_000, 300] {
        let mut s = rs.scorer(None).expect("form");
        for i in 0..members {
            s.add(i + 2, &format!("党员{i}"), "", &[Some("8")]);
        }
        let t = std::time::Instant::now();
        let err = s.finish().expect_err("must stop");
        assert!(t.elapsed() < std::time::Duration::from_secs(5), "{members}: took {:?}", t.elapsed());
        assert_eq!(err.code, "limit.total_operations", "{err:?}");
        assert!(err.message.contains("out"), "{}", err.message);
    }
    // 40 members fit, on every run.
    for _ in 0..2 {
        let mut s = rs.scorer(None).expect("form");
        for i in 0..40 {
            s.add(i + 2, &format!("党员{i}"), "", &[Some("8")]);
        }
        assert_eq!(s.finish().expect("fits").members.len(), 40);
    }
}

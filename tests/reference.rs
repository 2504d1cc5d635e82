//! The rule reference is generated from the engine: every function the loader
//! registers for rule files is documented, every documented function exists,
//! every example loads, and docs/rule-reference.md is up to date.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

use xianjiao_core::{reference_markdown, registered_functions, MemorySource, RuleSet, COMMON_FIELDS, FUNCTIONS, KINDS};

#[test]
fn every_registered_function_is_documented_and_vice_versa() {
    let mut registered = registered_functions();
    registered.sort();
    registered.dedup();
    let mut documented: Vec<&str> = FUNCTIONS.iter().map(|f| f.name).collect();
    documented.sort();
    assert_eq!(registered, documented, "registered rule functions and FUNCTIONS differ: document the new function in core/src/api.rs");
}

#[test]
fn every_example_parses_and_runs() {
    let base = "batch(\"第一批\");\nrole(\"党员\");\nrole(\"党员领导干部\");\nrole(\"领导班子\");\nrole(\"离退休党员\");\ncondition(\"书写困难\");\nunit(\"机关\");\nunit(\"社区\");\nphase(\"学习动员\", #{ start: \"2005-01-15\", days: 45 });\nphase(\"分析评议\", #{ start: \"2005-08-16\", end: \"2005-09-16\" });\nrequire(\"学习学时\", #{ phase: \"学习动员\" });\nrequire(\"心得体会\", #{ phase: \"学习动员\" });\nrequire(\"百题测试\", #{ phase: \"学习动员\" });\n";
    for f in FUNCTIONS {
        if f.name == "extends" {
            continue;
        }
        let text = format!("{base}{}\n", f.example);
        let rs = RuleSet::load("x.rhai", MemorySource::new().insert("x.rhai", text));
        let errors: Vec<String> = rs.diagnostics().iter().filter(|d| d.severity == xianjiao_core::Severity::Error).map(|d| d.to_string()).collect();
        assert!(errors.is_empty(), "example of {} fails: {errors:?}", f.name);
    }
}

#[test]
fn every_field_is_documented() {
    // Each declaration's fields appear in its function's parameter list, and the
    // fields every declaration takes (source, local, required) in the reference.
    for k in KINDS {
        let kind = k.name;
        let f = FUNCTIONS.iter().find(|f| f.name == kind).unwrap_or_else(|| panic!("no FnDoc for {kind}"));
        for (field, _) in k.fields.iter().filter(|x| !matches!(x.0, "phase" | "name") || kind != "step") {
            assert!(f.params.contains(field), "{kind}: field {field} is not in its params {}", f.params);
        }
    }
    let md = reference_markdown();
    for (field, _) in COMMON_FIELDS {
        assert!(md.contains(&format!("`{field}`")), "common field {field} is not documented");
    }
}

#[test]
fn rules_guide_examples_load() {
    // Every ```rhai block of docs/rules-guide.md that is marked as a whole file
    // (first line `// 完整示例`) loads without errors next to the shipped rules.
    let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/rules-guide.md")).expect("read the guide");
    let rules = concat!(env!("CARGO_MANIFEST_DIR"), "/../rules");
    let mut src = MemorySource::new();
    for e in std::fs::read_dir(rules).expect("rules dir").flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        src.insert(name, std::fs::read_to_string(e.path()).expect("read rule"));
    }
    let mut n = 0;
    for block in guide.split("```rhai\n").skip(1) {
        let code = block.split("```").next().unwrap_or_default();
        if !code.starts_with("// 完整示例") {
            continue;
        }
        n += 1;
        let mut s = src.clone();
        s.insert("example.rhai", code);
        let rs = RuleSet::load("example.rhai", &s);
        let errors: Vec<String> = rs.diagnostics().iter().filter(|d| d.severity == xianjiao_core::Severity::Error).map(|d| d.to_string()).collect();
        assert!(errors.is_empty(), "guide example {n} fails: {errors:?}\n{code}");
        let failed: Vec<String> = rs.run_tests(true).into_iter().filter(|t| !t.pass).map(|t| format!("{}: {:?}", t.name, t.failures)).collect();
        assert!(failed.is_empty(), "guide example {n}: tests fail: {failed:?}");
    }
    assert!(n >= 3, "the guide has only {n} whole-file examples");
}

#[test]
fn markdown_reference_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/rule-reference.md");
    let generated = reference_markdown();
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(path, &generated).expect("write docs/rule-reference.md");
    }
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    assert!(on_disk == generated, "docs/rule-reference.md is stale: run `UPDATE_EXPECT=1 cargo test --test reference`");
}

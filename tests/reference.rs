//! The rule reference is generated from the engine: every function the loader
//! registers for rule files is documented, every documented function exists,
//! every example loads, and docs/rule-reference.md is up to date.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

use xianjiao_core::{reference_markdown, registered_functions, MemorySource, RuleSet, FUNCTIONS};

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
    let base = "role(\"党员\");\nrole(\"党员领导干部\");\nrole(\"领导班子\");\nrole(\"离退休党员\");\ncondition(\"书写困难\");\nunit(\"机关\");\nunit(\"社区\");\nphase(\"学习动员\", #{ start: \"2005-01-15\", days: 45 });\nphase(\"分析评议\", #{ start: \"2005-08-16\", end: \"2005-09-16\" });\nrequire(\"学习学时\", #{ phase: \"学习动员\" });\nrequire(\"心得体会\", #{ phase: \"学习动员\" });\nrequire(\"百题测试\", #{ phase: \"学习动员\" });\n";
    for f in FUNCTIONS {
        if f.name == "extends" { continue; }
        let text = format!("{base}{}\n", f.example);
        let rs = RuleSet::load("x.rhai", MemorySource::new().insert("x.rhai", text));
        let errors: Vec<String> = rs.diagnostics().iter().filter(|d| d.severity == xianjiao_core::Severity::Error).map(|d| d.to_string()).collect();
        assert!(errors.is_empty(), "example of {} fails: {errors:?}", f.name);
    }
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

//! Each diagnostic code fires, at the line and column of the field key that
//! caused it (or of the declaration call when no single field did). Rule texts are inline so that the positions can be
//! read off the test itself.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

use xianjiao_core::{MemorySource, RuleSet, Severity};

const BASE: &str = r#"role("党员");
unit("机关");
phase("学习动员", #{ start: "2005-01-15", days: 45 });
phase("分析评议", #{ end: "2005-04-05" });
"#;

/// Loads `text` as t.rhai (with BASE available as base.rhai) and returns (code, file, line, col, severity).
fn diags(text: &str) -> Vec<(String, String, usize, usize, Severity)> {
    let mut src = MemorySource::new();
    src.insert("base.rhai", BASE).insert("t.rhai", text);
    RuleSet::load("t.rhai", &src)
        .diagnostics()
        .iter()
        .map(|d| (d.code.to_string(), d.location.file.clone(), d.location.line, d.location.col, d.severity))
        .collect()
}

#[track_caller]
fn fires(text: &str, code: &str, line: usize, col: usize) {
    let d = diags(text);
    assert!(d.iter().any(|x| x.0 == code && x.1 == "t.rhai" && x.2 == line && x.3 == col), "expected {code} at t.rhai:{line}:{col}, got {d:?}");
}

#[test]
fn clean_file_has_no_diagnostics() {
    assert_eq!(diags(BASE), vec![]);
    assert_eq!(diags("extends(\"base.rhai\");\nrole(\"离退休党员\");"), vec![]);
}

#[test]
fn syntax_error_points_at_the_token() {
    fires("role(\"党员\");\nphase(\"学习动员\" #{ days: 3 });", "parse", 2, 14);
}

#[test]
fn weights_must_add_up_to_100() {
    let t = "role(\"党员\");\n\nform(\"测评表\", #{ items: [[\"理想信念\", 100]],\n  groups: [[\"党员互评\", 40], [\"群众参评\", 30], [\"支委会鉴评\", 20]] });";
    fires(t, "weights.sum", 4, 3);
    let d = RuleSet::load("t.rhai", MemorySource::new().insert("t.rhai", t)).diagnostics().to_vec();
    assert!(d[0].message.contains("90"), "{}", d[0].message);
}

#[test]
fn item_points_must_sum_to_total() {
    fires("form(\"表\", #{ total: 100, items: [[\"理想信念\", 10], [\"工作绩效\", 30]] });", "form.points_sum", 1, 26);
}

#[test]
fn amended_field_is_located_at_the_amend() {
    let t = "extends(\"base.rhai\");\nform(\"表\", #{ items: [[\"a\", 100]], groups: [[\"甲\", 50], [\"乙\", 50]] });\n  amend(\"form\", \"表\", #{ groups: [[\"甲\", 50], [\"乙\", 40]] });";
    fires(t, "weights.sum", 3, 25);
}

#[test]
fn dates_invalid_inverted_overlapping() {
    fires("phase(\"甲\", #{ start: \"2005-02-30\", days: 3 });", "date.invalid", 1, 15);
    fires("phase(\"甲\", #{ start: \"2005-03-10\", end: \"2005-03-01\" });", "date.inverted", 1, 36);
    fires(
        "phase(\"甲\", #{ start: \"2005-03-01\", end: \"2005-03-10\" });\nphase(\"乙\", #{ start: \"2005-03-05\", end: \"2005-03-20\" });",
        "phase.overlap",
        2,
        1,
    );
    fires("phase(\"甲\", #{ start: \"2005-03-01\", end: \"2005-03-10\", min_days: 30 });", "phase.too_short", 1, 1);
    fires("phase(\"甲\", #{ days: 30 });", "phase.no_start", 1, 1);
    fires("unit(\"机关\");\nphase(\"甲\", #{ start: \"2005-03-01\", days: 9 });\n step(\"甲\", \"一\", #{ windows: #{ 机关: [\"2005-03-05\", \"2005-03-02\"] } });", "date.inverted", 3, 20);
}

#[test]
fn step_names_unknown_phase_or_unit() {
    fires("extends(\"base.rhai\");\nstep(\"整改提高\", \"一\", #{ window: [\"2005-03-01\", \"2005-03-02\"] });", "step.unknown_phase", 2, 1);
    fires("extends(\"base.rhai\");\nstep(\"学习动员\", \"一\", #{ windows: #{ 社区: [\"2005-01-16\", \"2005-01-17\"] } });", "unit.unknown", 2, 22);
    let d = diags("extends(\"base.rhai\");\nstep(\"学习动员\", \"一\", #{ window: [\"2005-06-01\", \"2005-06-02\"] });");
    assert!(d.iter().any(|x| x.0 == "step.outside_phase" && x.4 == Severity::Warning), "{d:?}");
}

/// A requirement completed by a vote's result names a declared vote, at the `vote` field.
#[test]
fn requirement_vote_names_a_declared_vote() {
    fires("extends(\"base.rhai\");\nrequire(\"测评\", #{ phase: \"学习动员\", vote: \"成效测评\" });", "require.unknown_vote", 2, 33);
    let d = diags("extends(\"base.rhai\");\nvote(\"成效测评\", #{ tiers: [\"好\", \"差\"], rate_of: [\"差\"], majority: true });\nrequire(\"测评\", #{ phase: \"学习动员\", vote: \"成效测评\" });");
    assert!(!d.iter().any(|x| x.4 == Severity::Error), "{d:?}");
}

/// A requirement's unit types (`units`) are declared ones, reported at the `units` field; a declared one is clean.
#[test]
fn requirement_units_are_declared_unit_types() {
    fires("extends(\"base.rhai\");\nrequire(\"邀请\", #{ phase: \"学习动员\", units: [\"社区\"] });", "unit.unknown", 2, 33);
    let d = diags("extends(\"base.rhai\");\nrequire(\"邀请\", #{ phase: \"学习动员\", units: [\"机关\"] });");
    assert!(!d.iter().any(|x| x.4 == Severity::Error), "{d:?}");
}

/// A phase's dates per unit type (`windows`, a step's vocabulary): an unknown unit type, an inverted window,
/// an overlap with the unit type's previous phase; a step of that unit type outside its phase dates is warned.
#[test]
fn phase_windows_per_unit_type() {
    fires("extends(\"base.rhai\");\nphase(\"整改提高\", #{ windows: #{ 社区: [\"2005-04-06\", \"2005-04-30\"] } });", "unit.unknown", 2, 18);
    fires(
        "extends(\"base.rhai\");\nphase(\"整改提高\", #{ batches: #{ 第一批: #{ windows: #{ 机关: [\"2005-04-30\", \"2005-04-06\"] } } } });",
        "date.inverted",
        2,
        18,
    );
    fires("extends(\"base.rhai\");\nphase(\"整改提高\", #{ windows: #{ 机关: [\"2005-04-01\", \"2005-04-30\"] } });", "phase.overlap", 2, 18);
    let d = diags("extends(\"base.rhai\");\namend(\"phase\", \"分析评议\", #{ windows: #{ 机关: [\"2005-03-01\", \"2005-03-20\"] } });\nstep(\"分析评议\", \"一\", #{ windows: #{ 机关: [\"2005-03-25\", \"2005-03-26\"] } });");
    assert!(d.iter().any(|x| x.0 == "step.outside_phase" && x.2 == 3), "{d:?}");
    assert!(!d.iter().any(|x| x.4 == Severity::Error), "{d:?}");
}

#[test]
fn unknown_role_in_requirement_and_material() {
    fires("extends(\"base.rhai\");\n\nrequire(\"学时\", #{ phase: \"学习动员\", roles: [\"党员\", \"党圆\"], min: 45 });", "role.unknown", 3, 33);
    fires("extends(\"base.rhai\");\nmaterial(\"心得体会\", #{ min_chars: #{ 班子: 100 } });", "role.unknown", 2, 21);
    fires("extends(\"base.rhai\");\nrequire(\"学时\", #{ phase: \"学习动员\", exempt: #{ 年老: \"…\" } });", "role.unknown", 2, 33);
}

#[test]
fn requirement_and_gate_references() {
    fires("extends(\"base.rhai\");\nrequire(\"学时\", #{ phase: \"整改提高\" });", "require.unknown_phase", 2, 1);
    fires("extends(\"base.rhai\");\nrequire(\"学时\", #{ phase: \"学习动员\", due: \"不存在的环节\" });", "step.unknown", 2, 33);
    fires("extends(\"base.rhai\");\ngate(\"学习动员\", #{ requires: [\"学时\"] });", "gate.unknown_requirement", 2, 17);
    fires("extends(\"base.rhai\");\ngate(\"整改提高\", #{ requires: [] });", "gate.unknown_phase", 2, 1);
}

#[test]
fn votes_need_known_tiers_and_percent_thresholds() {
    fires("vote(\"v\", #{ tiers: [\"满意\", \"不满意\"], rate_of: [\"基本满意\"] });", "vote.unknown_tier", 1, 36);
    fires("vote(\"v\", #{ tiers: [\"满意\"], rate_of: [\"满意\"], below: 0.8 * 200 });", "vote.threshold", 1, 46);
}

#[test]
fn fields_unknown_or_mistyped() {
    fires("extends(\"base.rhai\");\nrequire(\"学时\", #{ phase: \"学习动员\", mni: 45 });", "field.unknown", 2, 33);
    fires("extends(\"base.rhai\");\nrequire(\"学时\", #{ phase: \"学习动员\", min: \"45\" });", "field.type", 2, 33);
    fires("material(\"m\", #{ min_areas: 3, areas: [\"甲\"] });", "material.min_areas", 1, 18);
}

#[test]
fn custom_function_must_exist() {
    fires("extends(\"base.rhai\");\nrequire(\"学时\", #{ phase: \"学习动员\", check: \"没有这个函数\" });", "hook.unknown_function", 2, 1);
    fires("form(\"表\", #{ items: [[\"a\", 10]], outcome: \"结论\" });", "hook.unknown_function", 1, 34);
}

#[test]
fn amend_remove_and_kinds() {
    fires("extends(\"base.rhai\");\n\namend(\"phase\", \"整改提高\", #{ days: 3 });", "decl.unknown_target", 3, 1);
    fires("remove(\"require\", \"学时\");", "decl.unknown_target", 1, 1);
    fires("amend(\"phaze\", \"甲\", #{});", "decl.unknown_kind", 1, 1);
    let d = diags("role(\"党员\");\nrole(\"党员\");");
    assert!(d.iter().any(|x| x.0 == "decl.duplicate" && x.2 == 2 && x.4 == Severity::Warning), "{d:?}");
}

#[test]
fn inheritance_errors() {
    fires("extends(\"nowhere.rhai\");", "extends.not_found", 1, 1);
    fires("extends(\"base.rhai\");\nextends(\"base.rhai\");", "extends.twice", 2, 1);
    let mut src = MemorySource::new();
    src.insert("a.rhai", "extends(\"b.rhai\");").insert("b.rhai", "\nextends(\"a.rhai\");");
    let d = RuleSet::load("a.rhai", &src).diagnostics().to_vec();
    assert!(d.iter().any(|x| x.code == "extends.cycle" && x.location.file == "b.rhai" && x.location.line == 2), "{d:?}");
}

#[test]
fn unknown_function_is_a_located_error() {
    fires("role(\"党员\");\n  phsae(\"学习动员\", #{});", "script.unknown_function", 2, 3);
}

#[test]
fn every_diagnostic_is_collected_not_just_the_first() {
    let t = "extends(\"base.rhai\");\nrequire(\"a\", #{ phase: \"无\" });\nrequire(\"b\", #{ phase: \"学习动员\", roles: [\"无\"] });\nform(\"f\", #{ items: [[\"x\", 5]], total: 10, groups: [[\"g\", 10]] });";
    let codes: Vec<String> = diags(t).into_iter().map(|x| x.0).collect();
    for c in ["require.unknown_phase", "role.unknown", "form.points_sum", "weights.sum"] {
        assert!(codes.iter().any(|x| x == c), "{c} missing from {codes:?}");
    }
}

#[test]
fn errors_print_as_file_line_col() {
    let mut src = MemorySource::new();
    src.insert("rules/town.rhai", "role(\"党员\");\nform(\"f\", #{ items: [[\"x\", 100]], groups: [[\"g\", 90]] });");
    let rs = RuleSet::load("rules/town.rhai", &src);
    let line = rs.diagnostics()[0].to_string();
    assert!(line.starts_with("rules/town.rhai:2:35: error[weights.sum]: "), "{line}");
}

#[test]
fn a_bundle_loads_like_its_chain_and_points_at_the_original_files() {
    let mut src = MemorySource::new();
    src.insert("base.rhai", "role(\"党员\");\nphase(\"甲\", #{ start: \"2005-03-01\", end: \"2005-03-10\" });\n");
    src.insert("town.rhai", "extends(\"base.rhai\");\nrequire(\"学\", #{ phase: \"甲\", roles: [\"党员\"], min: 3 });\n");
    let b = xianjiao_core::bundle("town.rhai", &src).expect("bundles");
    let mut only = MemorySource::new();
    only.insert("town.bundle.rhai", b.clone());
    let rs = RuleSet::load("town.bundle.rhai", &only);
    assert!(!rs.has_errors(), "{:?}", rs.diagnostics());
    assert_eq!(rs.files(), ["base.rhai", "town.rhai"]);
    assert_eq!(rs.rules().requirements[0].min, Some(3.0));
    // A mistake inside the bundle is reported at its own file and line.
    only.insert("bad.bundle.rhai", b.replace("min: 3", "min: \"3\""));
    let d = RuleSet::load("bad.bundle.rhai", &only).diagnostics().to_vec();
    assert_eq!((d[0].code, d[0].location.file.as_str(), d[0].location.line), ("field.type", "town.rhai", 2), "{d:?}");
}

#[test]
fn offices_oversight_and_applications() {
    // 督导组 sent by an undeclared office; a unit in two groups; an application's phase, requirement, office and vote.
    fires("extends(\"base.rhai\");\noversight(\"第一组\", #{ office: \"区委先教办\" });", "office.unknown", 2, 21);
    fires(
        "extends(\"base.rhai\");\noversight(\"第一组\", #{ units: [\"甲\"] });\noversight(\"第二组\", #{ units: [\"乙\", \"甲\"] });",
        "oversight.overlap",
        3,
        21,
    );
    fires("extends(\"base.rhai\");\napplication(\"整改提高\", #{});", "application.unknown_phase", 2, 1);
    fires("extends(\"base.rhai\");\napplication(\"学习动员\", #{ requirement: \"转段申请\" });", "application.unknown_requirement", 2, 24);
    fires("extends(\"base.rhai\");\napplication(\"学习动员\", #{ approve: \"市委先教办\" });", "office.unknown", 2, 24);
    fires("extends(\"base.rhai\");\napplication(\"学习动员\", #{ assessment: \"成效测评\" });", "application.unknown_vote", 2, 24);
    assert_eq!(
        diags("extends(\"base.rhai\");\noffice(\"市委先教办\", #{ level: \"市\" });\noversight(\"第一组\", #{ office: \"市委先教办\", units: [\"甲\"] });\napplication(\"学习动员\", #{ review: true, approve: \"市委先教办\" });"),
        vec![]
    );
}

//! Test cases written inside rule files (`test("name", #{ ..., expect: #{...} })`),
//! run against the rule set they live in. The same runner serves the CLI
//! (`xianjiao test`) and the browser playground.

use crate::diag::Location;
use crate::eval::profile::Profile;
use crate::load::entity::dynamic_to_json;
use crate::model::TestCase;
use crate::ruleset::RuleSet;
use serde::Serialize;
use serde_json::Value;

/// Outcome of one in-file test.
#[derive(Debug, Clone, Serialize)]
pub struct TestResult {
    /// Test name.
    pub name: String,
    /// Where the test is declared.
    #[serde(flatten)]
    pub location: Location,
    /// True when every expectation held.
    pub pass: bool,
    /// What failed (empty when passed).
    pub failures: Vec<String>,
}

fn close(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-4,
        _ => a == b,
    }
}

fn get<'a>(m: &'a serde_json::Map<String, Value>, k: &str) -> Option<&'a Value> {
    m.get(k).filter(|v| !v.is_null())
}

/// `actual[k]`, where `k` may be a dotted path: `phases.0.end`, `steps.3.start`.
fn lookup(actual: &Value, k: &str) -> Value {
    if let Some(v) = actual.get(k) {
        return v.clone();
    }
    let mut cur = actual;
    for part in k.split('.') {
        let named =
            |v: &Value| ["name", "id", "kind", "phase", "subject", "member", "unit"].iter().any(|f| v.get(f).and_then(Value::as_str) == Some(part));
        let next = match cur {
            Value::Object(o) => o.get(part),
            // An index, or the element whose name (id, kind …) is `part`.
            Value::Array(a) => part.parse::<usize>().ok().and_then(|i| a.get(i)).or_else(|| a.iter().find(|v| named(v))),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => return Value::Null,
        }
    }
    cur.clone()
}

/// What a test may say: what it runs (one of these, with its own keys), `expect`, and provenance.
const RUNS: &[(&str, &[&str])] = &[
    ("checklist", &["role", "unit", "batch", "conditions", "progress", "on"]),
    ("material", &["kind", "role", "text"]),
    ("score", &["form", "sheets", "decisions", "satisfaction"]),
    ("satisfaction", &["vote", "responses", "counts", "groups"]),
    ("exam", &["exam", "units", "members"]),
    ("rules", &[]),
    ("schedule", &["unit", "batch", "on"]),
];
const OTHER_KEYS: &[&str] = &["expect", "source", "local", "note"];

/// A key the runner would not read is an error, never silently ignored (a typo would make a
/// test pass without testing anything).
fn unknown_keys(spec: &serde_json::Map<String, Value>) -> Vec<String> {
    let mut bad = vec![];
    let runs: Vec<&str> = spec.keys().filter_map(|k| RUNS.iter().find(|r| r.0 == k).map(|r| r.0)).collect();
    for k in spec.keys() {
        if !RUNS.iter().any(|r| r.0 == k) && !OTHER_KEYS.contains(&k.as_str()) {
            let known: Vec<&str> = RUNS.iter().map(|r| r.0).chain(OTHER_KEYS.iter().copied()).collect();
            bad.push(format!("测试里没有 \"{k}\" 这一项;可写: {} / unknown key in the test", known.join(", ")));
        }
    }
    if runs.len() > 1 {
        bad.push(format!("一个测试只运行一项,这里有 {} / a test runs one thing", runs.join("、")));
    }
    for (run, keys) in RUNS {
        if let Some(Value::Object(m)) = spec.get(*run) {
            for k in m.keys().filter(|k| !keys.contains(&k.as_str())) {
                bad.push(format!("{run} 里没有 \"{k}\" 这一项;可写: {} / unknown key in {run}", keys.join(", ")));
            }
        }
    }
    bad
}

fn run_one(rs: &RuleSet, t: &TestCase) -> Vec<String> {
    let spec: serde_json::Map<String, Value> = t.spec.iter().map(|(k, v)| (k.to_string(), dynamic_to_json(v))).collect();
    let bad = unknown_keys(&spec);
    if !bad.is_empty() {
        return bad;
    }
    let Some(Value::Object(expect)) = get(&spec, "expect").cloned() else {
        return vec!["缺少 expect: #{...} / the test has no expect map".into()];
    };
    let actual: Result<Value, String> = if let Some(c) = get(&spec, "checklist") {
        let mut c = c.clone();
        let on = c.as_object_mut().and_then(|o| o.remove("on")).and_then(|v| v.as_str().map(str::to_string));
        let on = match on.map(|s| crate::error::parse_day(&s)).transpose() {
            Ok(x) => x,
            Err(e) => return vec![e.message],
        };
        match serde_json::from_value::<Profile>(c) {
            Err(e) => Err(format!("checklist 写法有误 / bad checklist spec: {e}")),
            Ok(p) => rs.checklist(&p, on).map_err(|e| e.to_string()).map(|cl| {
                let mut m = serde_json::Map::new();
                for i in &cl.items {
                    m.insert(i.id.clone(), serde_json::to_value(i.status).unwrap_or_default());
                    m.insert(format!("due:{}", i.id), serde_json::to_value(i.due).unwrap_or_default());
                    m.insert(format!("have:{}", i.id), serde_json::to_value(i.have).unwrap_or_default());
                    // The alternative this member's conditions offer (a substitute), so a test can pin it.
                    m.insert(format!("substitute:{}", i.id), serde_json::to_value(&i.substitute).unwrap_or_default());
                }
                for g in &cl.gates {
                    m.insert(format!("gate:{}", g.phase), Value::Bool(g.met));
                }
                Value::Object(m)
            }),
        }
    } else if let Some(Value::Object(m)) = get(&spec, "material") {
        let s = |k: &str| m.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        rs.check_material(&s("kind"), &s("role"), &s("text")).map_err(|e| e.to_string()).map(|r| {
            let mut v = serde_json::to_value(&r).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                let codes: Vec<Value> = r.findings.iter().map(|f| Value::String(f.code.to_string())).collect();
                o.insert("codes".into(), Value::Array(codes));
            }
            v
        })
    } else if let Some(Value::Object(m)) = get(&spec, "score") {
        let form = m.get("form").and_then(|v| v.as_str());
        match rs.scorer(form) {
            Err(e) => Err(e.to_string()),
            Ok(mut sc) => {
                let sheets = m.get("sheets").and_then(|v| v.as_array()).cloned().unwrap_or_default();
                for (i, row) in sheets.iter().enumerate() {
                    let cells: Vec<String> = row
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .map(|x| match x {
                                    Value::String(s) => s.clone(),
                                    other => other.to_string(),
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    let vals: Vec<Option<&str>> = cells.iter().skip(2).map(|s| Some(s.as_str())).collect();
                    sc.add(i + 1, cells.first().map(|s| s.as_str()).unwrap_or(""), cells.get(1).map(|s| s.as_str()).unwrap_or(""), &vals);
                }
                // Members' satisfaction votes for the outcome rule: [[member, tier], …], one per respondent.
                if let Some(votes) = m.get("satisfaction").and_then(|v| v.as_array()) {
                    let mut vc = match rs.vote_counter(None) {
                        Ok(vc) => vc,
                        Err(e) => return vec![e.to_string()],
                    };
                    for (i, r) in votes.iter().enumerate() {
                        match r.as_array().map(|a| a.iter().map(|x| x.as_str().unwrap_or_default().to_string()).collect::<Vec<_>>()).as_deref() {
                            Some([who, tier]) => vc.add_response(i + 1, who, tier),
                            _ => return vec!["score 的 satisfaction 每行写 [党员, 档次] / each vote is [member, tier]".into()],
                        }
                    }
                    sc.set_satisfaction(&vc.finish());
                }
                let mut bad = vec![];
                for d in m.get("decisions").and_then(|v| v.as_array()).cloned().unwrap_or_default() {
                    let cell = |i: usize| d.get(i).and_then(|v| v.as_str()).map(str::to_string);
                    if let Err(why) = sc.decide(&cell(0).unwrap_or_default(), &cell(1).unwrap_or_default(), cell(2).as_deref(), cell(3).as_deref()) {
                        bad.push(why);
                    }
                }
                if !bad.is_empty() {
                    return bad;
                }
                sc.finish().map_err(|e| e.to_string()).map(|r| {
                    let mut v = r.members.first().map(|m| serde_json::to_value(m).unwrap_or_default()).unwrap_or(Value::Null);
                    if let Some(o) = v.as_object_mut() {
                        o.insert("rejected".into(), Value::from(r.rejected.len()));
                    }
                    v
                })
            }
        }
    } else if let Some(Value::Object(m)) = get(&spec, "satisfaction") {
        let vote = m.get("vote").and_then(|v| v.as_str());
        match rs.vote_counter(vote) {
            Err(e) => Err(e.to_string()),
            Ok(mut vc) => {
                let text = |v: &Value| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                if let Some(rows) = m.get("responses").and_then(|v| v.as_array()) {
                    // [[unit, tier]] or [[unit, respondent group, tier]], one per respondent.
                    for (i, r) in rows.iter().enumerate() {
                        let c: Vec<String> = r.as_array().map(|a| a.iter().map(text).collect()).unwrap_or_default();
                        match c.as_slice() {
                            [u, g, t] => vc.add_response_from(i + 1, u, g, t),
                            [u, t] => vc.add_response(i + 1, u, t),
                            _ => {
                                return vec![
                                    "responses 每行写 [单位, 档次] 或 [单位, 类别, 档次] / each response is [unit, tier] or [unit, group, tier]"
                                        .into(),
                                ]
                            }
                        }
                    }
                } else {
                    let counts = m.get("counts").and_then(|v| v.as_object()).cloned().unwrap_or_default();
                    let cells: Vec<String> = vc.tiers().iter().map(|t| counts.get(t).map(text).unwrap_or_else(|| "0".into())).collect();
                    let refs: Vec<Option<&str>> = cells.iter().map(|s| Some(s.as_str())).collect();
                    match m.get("groups").and_then(|v| v.as_object()) {
                        Some(g) => {
                            let gcells: Vec<String> = vc.groups().iter().map(|n| g.get(n).map(text).unwrap_or_else(|| "0".into())).collect();
                            let grefs: Vec<Option<&str>> = gcells.iter().map(|s| Some(s.as_str())).collect();
                            vc.add_counts_by_group(1, "测试", &refs, &grefs);
                        }
                        None => vc.add_counts(1, "测试", &refs),
                    }
                }
                let r = vc.finish();
                let mut v = serde_json::to_value(&r.overall).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("rejected".into(), Value::from(r.rejected.len()));
                    o.insert("reasons".into(), Value::from(r.rejected.iter().map(|x| x.reason.clone()).collect::<Vec<_>>()));
                }
                Ok(v)
            }
        }
    } else if let Some(Value::Object(m)) = get(&spec, "exam") {
        match rs.exam_counter(m.get("exam").and_then(|v| v.as_str())) {
            Err(e) => Err(e.to_string()),
            Ok(mut ec) => {
                let text = |v: &Value| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let rows = |k: &str| -> Vec<Vec<String>> {
                    m.get(k)
                        .and_then(|v| v.as_array())
                        .map(|a| a.iter().map(|r| r.as_array().map(|c| c.iter().map(text).collect()).unwrap_or_default()).collect())
                        .unwrap_or_default()
                };
                let cell = |r: &[String], i: usize| r.get(i).cloned().unwrap_or_default();
                for (i, r) in rows("units").iter().enumerate() {
                    ec.add_unit(i + 1, &cell(r, 0), &cell(r, 1), &cell(r, 2), &cell(r, 3), &cell(r, 4));
                }
                for (i, r) in rows("members").iter().enumerate() {
                    ec.add_member(i + 1, &cell(r, 0), &cell(r, 1), &cell(r, 2), &cell(r, 3));
                }
                let r = ec.finish();
                let mut v = serde_json::to_value(&r).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("rejected".into(), Value::from(r.rejected.len()));
                }
                Ok(v)
            }
        }
    } else if let Some(Value::Object(m)) = get(&spec, "rules") {
        let _ = m;
        Ok(serde_json::to_value(rs.rules()).unwrap_or_default())
    } else if let Some(Value::Object(m)) = get(&spec, "schedule") {
        let unit = m.get("unit").and_then(|v| v.as_str()).unwrap_or("");
        let batch = m.get("batch").and_then(|v| v.as_str());
        let on = m.get("on").and_then(|v| v.as_str()).map(crate::error::parse_day).transpose();
        match on {
            Err(e) => Err(e.message),
            Ok(on) => rs.schedule_in(unit, batch, on, &[]).map_err(|e| e.to_string()).map(|s| serde_json::to_value(s).unwrap_or_default()),
        }
    } else {
        Err("测试须包含 checklist、material、score、satisfaction、exam、rules 或 schedule 之一 / the test names nothing to run".into())
    };
    let actual = match actual {
        Ok(a) => a,
        Err(e) => return vec![e],
    };
    let mut fails = vec![];
    for (k, want) in &expect {
        let got = lookup(&actual, k);
        if !close(&got, want) {
            fails.push(format!("{k}: 期望 expected {want},实际 got {got}"));
        }
    }
    fails
}

impl RuleSet {
    /// Runs the test cases declared in the rule files of this chain.
    /// `own_only` keeps only the entry file's tests (not its parents').
    pub fn run_tests(&self, own_only: bool) -> Vec<TestResult> {
        let entry = self.files().last().cloned().unwrap_or_default();
        self.rules()
            .tests
            .iter()
            .filter(|t| !own_only || t.loc.file == entry)
            .map(|t| {
                let failures = run_one(self, t);
                TestResult { name: t.name.clone(), location: t.loc.clone(), pass: failures.is_empty(), failures }
            })
            .collect()
    }
}

#[cfg(test)]
mod runner {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use crate::ruleset::RuleSet;
    use crate::source::MemorySource;

    const RULES: &str = r#"
role("党员");
condition("无书写能力");
require("党性分析材料", #{ phase: "分析评议", roles: ["党员"], substitute: #{ 无书写能力: "口头总结" } });
phase("分析评议");
form("测评表", #{ items: [["综合表现", 100]], groups: [["党员互评", 100]],
    outcome: #{ function: "结论", labels: ["合格", "不合格"] } });
vote("满意度", #{ tiers: ["满意", "基本满意", "不满意"], rate_of: ["满意", "基本满意"] });
fn 结论(r) { if r.satisfaction.given && r.satisfaction.rate < 50.0 { "不合格" } else { "合格" } }
"#;

    fn results(tests: &str) -> Vec<(String, bool, Vec<String>)> {
        let mut src = MemorySource::new();
        src.insert("t.rhai", format!("{RULES}\n{tests}"));
        let rs = RuleSet::load("t.rhai", &src);
        assert!(!rs.has_errors(), "{:?}", rs.diagnostics());
        rs.run_tests(true).into_iter().map(|r| (r.name, r.pass, r.failures)).collect()
    }

    #[test]
    fn a_test_can_pin_a_substitute() {
        let r = results(
            r#"test("口头总结", #{ checklist: #{ role: "党员", conditions: ["无书写能力"] }, expect: #{ "substitute:党性分析材料": "无书写能力:口头总结" } });
test("指向别的情况就失败", #{ checklist: #{ role: "党员", conditions: [] }, expect: #{ "substitute:党性分析材料": "无书写能力:口头总结" } });"#,
        );
        assert!(r[0].1, "{r:?}");
        assert!(!r[1].1, "a substitute pointed at another condition must fail the test: {r:?}");
    }

    #[test]
    fn a_score_test_can_be_given_satisfaction_votes() {
        let r = results(
            r#"test("满意率低", #{ score: #{ sheets: [["张三", "党员互评", 90]], satisfaction: [["张三", "不满意"], ["张三", "满意"], ["张三", "不满意"]] }, expect: #{ outcome: "不合格" } });
test("没有投票", #{ score: #{ sheets: [["张三", "党员互评", 90]] }, expect: #{ outcome: "合格" } });"#,
        );
        assert!(r.iter().all(|x| x.1), "{r:?}");
    }

    #[test]
    fn an_unknown_key_is_an_error() {
        let r = results(
            r#"test("拼错", #{ checklst: #{ role: "党员" }, expect: #{ x: 1 } });
test("里面拼错", #{ checklist: #{ role: "党员", progres: #{} }, expect: #{ x: 1 } });"#,
        );
        assert!(!r[0].1 && r[0].2.iter().any(|f| f.contains("checklst")), "{r:?}");
        assert!(!r[1].1 && r[1].2.iter().any(|f| f.contains("progres")), "{r:?}");
    }
}

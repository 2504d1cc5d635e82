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

fn run_one(rs: &RuleSet, t: &TestCase) -> Vec<String> {
    let spec: serde_json::Map<String, Value> = t.spec.iter().map(|(k, v)| (k.to_string(), dynamic_to_json(v))).collect();
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

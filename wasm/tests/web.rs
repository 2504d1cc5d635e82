//! wasm-bindgen tests, run in headless Chromium by `wasm-pack test --headless --chrome wasm`
//! (see `./x test`). They exercise the JS-facing API of the wasm build.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

use serde::Serialize;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use xianjiao_wasm::Engine;

wasm_bindgen_test_configure!(run_in_browser);

fn js<T: Serialize>(v: &T) -> JsValue {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap()
}

fn json(v: JsValue) -> serde_json::Value {
    serde_wasm_bindgen::from_value(v).unwrap()
}

fn shipped() -> Engine {
    let mut m = std::collections::BTreeMap::new();
    m.insert("central.rhai", include_str!("../../rules/central.rhai"));
    m.insert("guanba.rhai", include_str!("../../rules/guanba.rhai"));
    Engine::new(js(&m), "guanba.rhai").unwrap()
}

#[wasm_bindgen_test]
fn shipped_rules_load_clean() {
    let e = shipped();
    assert!(!e.has_errors());
    assert_eq!(json(e.diagnostics().unwrap()), serde_json::json!([]));
}

#[wasm_bindgen_test]
fn schedule_uses_the_community_table() {
    let e = shipped();
    let s = json(e.schedule(js(&serde_json::json!({ "unit": "社区", "on": "2005-08-30" }))).unwrap());
    assert_eq!(s["current_phase"], "分析评议");
    assert_eq!(s["steps"][1]["start"], "2005-08-20");
    // (the rules may also list announcements due, such as 公示:…)
    assert!(s["due"].as_array().unwrap().iter().any(|d| d == "撰写、审阅党性分析材料"), "due: {}", s["due"]);
}

#[wasm_bindgen_test]
fn material_minimum_comes_from_the_rules() {
    let e = shipped();
    let r = json(e.check_material("党性分析材料", "领导班子", "存在的问题").unwrap());
    assert_eq!(r["min_chars"], 4000);
    assert_eq!(r["pass"], false);
}

#[wasm_bindgen_test]
fn weighted_composite() {
    let e = shipped();
    let mk = |g: &str, marks: [u32; 8]| {
        let names = ["理想信念", "宗旨意识", "工作作风", "组织纪律", "廉洁自律", "精神状态", "素质能力", "工作绩效"];
        let mut o = serde_json::Map::new();
        o.insert("member".into(), "张三".into());
        o.insert("rater_group".into(), g.into());
        for (n, v) in names.iter().zip(marks) {
            o.insert(n.to_string(), v.into());
        }
        serde_json::Value::Object(o)
    };
    let sheets = serde_json::json!([
        mk("党员互评", [9, 9, 9, 9, 9, 9, 9, 27]),
        mk("群众参评", [8, 8, 8, 8, 8, 8, 8, 24]),
        mk("支委会考评", [10, 10, 10, 10, 10, 10, 10, 30])
    ]);
    let r = json(e.score(js(&sheets), None).unwrap());
    // 90 × 40% + 80 × 30% + 100 × 30% = 90
    assert_eq!(r["members"][0]["composite"], 90.0);
    assert_eq!(r["members"][0]["outcome"], "合格");
}

#[wasm_bindgen_test]
fn endless_loop_in_a_rule_file_ends_with_a_diagnostic() {
    let mut m = std::collections::BTreeMap::new();
    m.insert("evil.rhai", "role(\"党员\");\nloop { }");
    let e = Engine::new(js(&m), "evil.rhai").unwrap();
    assert!(e.has_errors());
    let d = json(e.diagnostics().unwrap());
    assert_eq!(d[0]["code"], "limit.operations");
    assert_eq!(d[0]["line"], 2);
}

#[wasm_bindgen_test]
fn evaluation_on_broken_rules_throws_with_a_code() {
    let mut m = std::collections::BTreeMap::new();
    m.insert("bad.rhai", "role(\"党员\"");
    let e = Engine::new(js(&m), "bad.rhai").unwrap();
    let err = e.schedule(js(&serde_json::json!({ "unit": "机关" }))).unwrap_err();
    let code = js_sys_get(&err, "code");
    assert_eq!(code.as_string().as_deref(), Some("rules.invalid"));
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Reflect, js_name = get)]
    fn reflect_get(target: &JsValue, key: &JsValue) -> JsValue;
}

fn js_sys_get(v: &JsValue, k: &str) -> JsValue {
    reflect_get(v, &JsValue::from_str(k))
}

//! The browser adapter: a thin wasm-bindgen layer over `xianjiao-core`.
//! Every method returns the same JSON as the CLI's `--json` for the same
//! rules and inputs; failures throw a JS `Error` whose `code` is the core's
//! stable error code. Only this crate touches JS and the DOM.

use serde::Serialize;
#[cfg(not(any(feature = "office", feature = "office-export")))]
use serde_json::Value;
use wasm_bindgen::prelude::*;
#[cfg(not(any(feature = "office", feature = "office-export")))]
use xianjiao_core::Profile;
use xianjiao_core::{MemorySource, RuleSet};

// Values cross the boundary as JSON text (serde_json here, JSON.parse /
// JSON.stringify there): one serializer for every type instead of a second,
// JS-object-building one, which keeps the member's download smaller, and the
// result is by construction the CLI's `--json`.
fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(v).map_err(|e| err("js.serialize", &e.to_string()))?;
    json_parse(&text).map_err(|_| err("js.serialize", "JSON.parse"))
}

fn err(code: &str, message: &str) -> JsValue {
    let e = js_sys_error(message);
    let _ = js_set(&e, "code", &JsValue::from_str(code));
    e
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = Error)]
    fn js_sys_error(message: &str) -> JsValue;
    #[wasm_bindgen(js_namespace = Reflect, js_name = set, catch)]
    fn js_set(target: &JsValue, key: &str, value: &JsValue) -> Result<bool, JsValue>;
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn json_parse(text: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = JSON, js_name = stringify, catch)]
    fn json_stringify(v: &JsValue) -> Result<JsValue, JsValue>;
}

fn from_js<T: serde::de::DeserializeOwned>(v: JsValue, what: &str) -> Result<T, JsValue> {
    // undefined (and functions) stringify to undefined: read as null, which says what was expected.
    let text = json_stringify(&v).ok().and_then(|t| t.as_string()).unwrap_or_else(|| "null".to_string());
    serde_json::from_str(&text).map_err(|e| err("input.invalid", &format!("{what}: {e}")))
}

/// Rule files handed over from JS (`{name: text}`) as the source the loader reads.
fn memory(sources: JsValue) -> Result<MemorySource, JsValue> {
    let files: std::collections::BTreeMap<String, String> = from_js(sources, "sources")?;
    let mut src = MemorySource::new();
    for (k, v) in files {
        src.insert(k, v);
    }
    Ok(src)
}

#[cfg_attr(all(feature = "office-export", not(feature = "office")), allow(dead_code))]
fn eval_err(e: xianjiao_core::EvalError) -> JsValue {
    err(e.code, &e.to_string())
}

/// A loaded rule set. `new Engine({"guanba.rhai": text, "central.rhai": text}, "guanba.rhai")`.
#[wasm_bindgen]
pub struct Engine {
    rules: RuleSet,
}

#[cfg(not(any(feature = "office", feature = "office-export")))]
#[derive(serde::Deserialize)]
struct ScheduleQuery {
    unit: String,
    #[serde(default)]
    batch: Option<String>,
    #[serde(default)]
    on: Option<String>,
    #[serde(default)]
    done: Vec<String>,
}

#[cfg(not(any(feature = "office", feature = "office-export")))]
#[derive(serde::Deserialize)]
struct ProfileQuery {
    #[serde(flatten)]
    profile: Profile,
    #[serde(default)]
    on: Option<String>,
}

#[cfg(not(any(feature = "office", feature = "office-export")))]
fn day(s: &Option<String>) -> Result<Option<xianjiao_core::NaiveDate>, JsValue> {
    s.as_deref().filter(|s| !s.is_empty()).map(xianjiao_core::parse_day).transpose().map_err(eval_err)
}

#[cfg(not(any(feature = "office", feature = "office-export")))]
fn cell(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The columns `want` names among the rows' keys, as the CLI and the office page find them;
/// an error (the same wording) when the keys name no member column or a column is missing or doubled.
#[cfg(all(feature = "script", not(any(feature = "office", feature = "office-export"))))]
fn located(want: &xianjiao_core::Want, header: &xianjiao_core::Cells, resolve: xianjiao_core::Resolve) -> Result<xianjiao_core::Found, JsValue> {
    match want.header(header, resolve) {
        Ok(Some(f)) => Ok(f),
        Ok(None) => Err(err("sheet.header", &want.expected())),
        Err(why) => Err(err("sheet.header", &why)),
    }
}

/// The script-free build (the member widget's first download) reads only the rows its own
/// calculator writes: the first key of the shared vocabulary for the member and the rater
/// group (core's `MEMBER_COLS`, `GROUP_COLS`, `TIER_COLS`), items and tiers by name or alias.
/// Sheets people make go through the full engine (npm, office page, CLI), whose header
/// matching finds doubled and missing columns; here that code would cost 6 KB gzip of a
/// member's first load (measured).
#[cfg(all(not(feature = "script"), not(any(feature = "office", feature = "office-export"))))]
fn located(want: &xianjiao_core::Want, header: &xianjiao_core::Cells, resolve: xianjiao_core::Resolve) -> Result<xianjiao_core::Found, JsValue> {
    use xianjiao_core::{Want, GROUP_COLS, MEMBER_COLS, TIER_COLS};
    let pos = |names: &[&str]| header.0.iter().find(|(_, h)| names.iter().any(|n| h.eq_ignore_ascii_case(n))).map(|c| c.0);
    let mut f = xianjiao_core::Found {
        member: pos(MEMBER_COLS).ok_or_else(|| err("sheet.header", "缺少被测评人列 / no member column"))?,
        ..Default::default()
    };
    let named = |names: &[String]| -> Vec<usize> {
        names.iter().enumerate().filter_map(|(k, n)| header.0.iter().find(|(_, h)| h == n || resolve(h) == Some(k)).map(|c| c.0)).collect()
    };
    match want {
        Want::Sheets { items, .. } => {
            f.group = pos(GROUP_COLS);
            f.cols = named(items);
        }
        Want::Votes { tiers, .. } => {
            f.cols = named(tiers);
            if f.cols.len() != tiers.len() {
                f.cols.clear();
                f.tier = pos(TIER_COLS);
            }
        }
        Want::Plain(_) => {}
    }
    Ok(f)
}

#[wasm_bindgen]
impl Engine {
    /// Loads `entry` from `sources` (an object mapping file names to rule text).
    /// Never throws for bad rules: read `diagnostics()`.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "Record<string, string>")] sources: JsValue, entry: &str) -> Result<Engine, JsValue> {
        Ok(Engine { rules: RuleSet::load(entry, &memory(sources)?) })
    }

    /// Every diagnostic: `[{code, severity, file, line, col, message}]`.
    #[wasm_bindgen(unchecked_return_type = "Diagnostic[]")]
    pub fn diagnostics(&self) -> Result<JsValue, JsValue> {
        to_js(&self.rules.diagnostics())
    }

    /// True when the rules have errors (evaluation methods then throw).
    #[wasm_bindgen(js_name = hasErrors)]
    pub fn has_errors(&self) -> bool {
        self.rules.has_errors()
    }

    /// True when the rules call a function this build cannot run (core's `RuleSet::needs_script`):
    /// the page then loads the engine with Rhai before it evaluates anything. Always false there.
    #[wasm_bindgen(js_name = needsScript)]
    pub fn needs_script(&self) -> bool {
        self.rules.needs_script()
    }

    fn usable(&self) -> Result<&RuleSet, JsValue> {
        if self.rules.has_errors() {
            let first =
                self.rules.diagnostics().iter().find(|d| d.severity == xianjiao_core::Severity::Error).map(|d| d.to_string()).unwrap_or_default();
            return Err(err("rules.invalid", &format!("规则文件有错误 / the rules have errors: {first}")));
        }
        Ok(&self.rules)
    }

    /// The typed rules after inheritance (roles, units, phases, steps, requirements, materials, forms, votes, gates).
    #[wasm_bindgen(unchecked_return_type = "Rules")]
    pub fn rules(&self) -> Result<JsValue, JsValue> {
        to_js(self.rules.rules())
    }

    #[cfg(not(any(feature = "office", feature = "office-export")))]
    /// `{unit, batch?, on?, done?}` → the schedule (batch: whose dates apply, as `--batch`).
    #[wasm_bindgen(unchecked_return_type = "Schedule")]
    pub fn schedule(&self, #[wasm_bindgen(unchecked_param_type = "ScheduleQuery")] query: JsValue) -> Result<JsValue, JsValue> {
        let q: ScheduleQuery = from_js(query, "schedule query")?;
        to_js(&self.usable()?.schedule_in(&q.unit, q.batch.as_deref().filter(|b| !b.is_empty()), day(&q.on)?, &q.done).map_err(eval_err)?)
    }

    #[cfg(not(any(feature = "office", feature = "office-export")))]
    /// `{role, unit?, conditions?, progress?, on?}` → the checklist.
    #[wasm_bindgen(unchecked_return_type = "Checklist")]
    pub fn checklist(&self, #[wasm_bindgen(unchecked_param_type = "Profile")] profile: JsValue) -> Result<JsValue, JsValue> {
        let q: ProfileQuery = from_js(profile, "profile")?;
        to_js(&self.usable()?.checklist(&q.profile, day(&q.on)?).map_err(eval_err)?)
    }

    #[cfg(not(any(feature = "office", feature = "office-export")))]
    /// Checks a draft; offsets in the result are in Unicode scalar values.
    #[wasm_bindgen(js_name = checkMaterial, unchecked_return_type = "MaterialReport")]
    pub fn check_material(&self, kind: &str, role: &str, text: &str) -> Result<JsValue, JsValue> {
        to_js(&self.usable()?.check_material(kind, role, text).map_err(eval_err)?)
    }

    #[cfg(not(any(feature = "office", feature = "office-export")))]
    /// Scores sheets: an array of objects keyed like the CSV header
    /// (`member`, `rater_group`, one key per item). Element i counts as line i+2.
    #[wasm_bindgen(unchecked_return_type = "ScoreReport")]
    pub fn score(&self, #[wasm_bindgen(unchecked_param_type = "Sheet[]")] sheets: JsValue, form: Option<String>) -> Result<JsValue, JsValue> {
        let rows: Vec<serde_json::Map<String, Value>> = from_js(sheets, "sheets")?;
        let rs = self.usable()?;
        let mut sc = rs.scorer(form.as_deref()).map_err(eval_err)?;
        // The CLI's and the office page's header matching (column names, item aliases), on the rows' keys.
        let header = xianjiao_core::header_of_keys(rows.iter().flat_map(|r| r.keys().map(String::as_str)));
        let want =
            xianjiao_core::Want::Sheets { items: sc.item_names().map(str::to_string).collect(), need_group: sc.has_groups(), group_from: None };
        // (No rows: nothing to locate, an empty report.)
        let found = if rows.is_empty() { None } else { Some(located(&want, &header, &|h| sc.item_index(h))?) };
        for (i, r, found) in rows.iter().enumerate().filter_map(|(i, r)| Some((i, r, found.as_ref()?))) {
            let at = |c: usize| header.get(c).and_then(|k| cell(r.get(k)));
            let member = at(found.member).unwrap_or_default();
            let group = found.group.and_then(at).unwrap_or_default();
            let vals: Vec<Option<String>> = found.cols.iter().map(|&c| at(c)).collect();
            let refs: Vec<Option<&str>> = vals.iter().map(|v| v.as_deref()).collect();
            sc.add(i + 2, &member, &group, &refs);
        }
        to_js(&sc.finish().map_err(eval_err)?)
    }

    #[cfg(not(any(feature = "office", feature = "office-export")))]
    /// Counts a vote: an array of `{unit, tier}` (one respondent each) or
    /// `{unit, <tier>: count, ...}` (tallies). Element i counts as line i+2.
    #[wasm_bindgen(unchecked_return_type = "VoteReport")]
    pub fn satisfaction(&self, #[wasm_bindgen(unchecked_param_type = "VoteRow[]")] votes: JsValue, vote: Option<String>) -> Result<JsValue, JsValue> {
        let rows: Vec<serde_json::Map<String, Value>> = from_js(votes, "votes")?;
        let rs = self.usable()?;
        let mut vc = rs.vote_counter(vote.as_deref()).map_err(eval_err)?;
        let header = xianjiao_core::header_of_keys(rows.iter().flat_map(|r| r.keys().map(String::as_str)));
        let want = xianjiao_core::Want::Votes { tiers: vc.tiers().to_vec(), groups: vc.groups().to_vec() };
        let found = if rows.is_empty() { None } else { Some(located(&want, &header, &|h| vc.tier_index(h))?) };
        for (i, r, found) in rows.iter().enumerate().filter_map(|(i, r)| Some((i, r, found.as_ref()?))) {
            let at = |c: usize| header.get(c).and_then(|k| cell(r.get(k)));
            let subject = at(found.member).unwrap_or_default();
            match (found.tier, found.rgroup) {
                (Some(t), Some(g)) => vc.add_response_from(i + 2, &subject, &at(g).unwrap_or_default(), &at(t).unwrap_or_default()),
                (Some(t), None) => vc.add_response(i + 2, &subject, &at(t).unwrap_or_default()),
                (None, _) => {
                    let vals: Vec<Option<String>> = found.cols.iter().map(|&c| at(c)).collect();
                    let refs: Vec<Option<&str>> = vals.iter().map(|v| v.as_deref()).collect();
                    vc.add_counts(i + 2, &subject, &refs);
                }
            }
        }
        to_js(&vc.finish())
    }

    #[cfg(all(feature = "script", not(any(feature = "office", feature = "office-export"))))]
    // Authoring tools: in the full build (npm, playground), not in the member widget's script-free first download.
    /// The effective rules and what the entry file changes relative to its parent.
    #[wasm_bindgen(unchecked_return_type = "Explain")]
    pub fn explain(&self) -> Result<JsValue, JsValue> {
        to_js(&self.usable()?.explain())
    }

    #[cfg(all(feature = "script", not(any(feature = "office", feature = "office-export"))))]
    // Authoring tools: in the full build (npm, playground), not in the member widget's script-free first download.
    /// Runs the tests written in the entry rule file.
    #[wasm_bindgen(js_name = runTests, unchecked_return_type = "TestResult[]")]
    pub fn run_tests(&self) -> Result<JsValue, JsValue> {
        to_js(&self.usable()?.run_tests(true))
    }
}

#[cfg(all(feature = "script", not(any(feature = "office", feature = "office-export"))))]
// Authoring tools: in the full build (npm, playground), not in the member widget's script-free first download.
/// A commented child rule file extending `parent`, listing the parent's rules to amend.
#[wasm_bindgen]
pub fn scaffold(
    parent: &str,
    name: &str,
    #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] parent_source: JsValue,
) -> Result<String, JsValue> {
    let rs = RuleSet::load(parent, &memory(parent_source)?);
    Ok(xianjiao_core::scaffold(parent, name, if rs.has_errors() { None } else { Some(rs.rules()) }))
}

#[cfg(all(feature = "script", not(any(feature = "office", feature = "office-export"))))]
/// The column vocabulary of filled-in forms and votes (core/src/eval/columns.rs), which
/// `score`, `satisfaction`, the CLI and the office page all match headers with:
/// `{member, rater_group, tier, respondent_group, total}`, each a list of accepted names.
#[wasm_bindgen(js_name = sheetColumns, unchecked_return_type = "SheetColumns")]
pub fn sheet_columns() -> Result<JsValue, JsValue> {
    use xianjiao_core::{GROUP_COLS, MEMBER_COLS, RGROUP_COLS, TIER_COLS, TOTAL_COLS};
    to_js(
        &serde_json::json!({ "member": MEMBER_COLS, "rater_group": GROUP_COLS, "tier": TIER_COLS, "respondent_group": RGROUP_COLS, "total": TOTAL_COLS }),
    )
}

#[cfg(all(feature = "script", not(any(feature = "office", feature = "office-export"))))]
/// Character count as Word's 字数 counts Chinese text. (npm and the playground; the member
/// widget's script-free build leaves it out, as it does `messageCatalogue`: the widget uses neither.)
#[wasm_bindgen(js_name = countChars)]
pub fn count_chars(text: &str) -> usize {
    xianjiao_core::count_chars(text)
}

/// Words engine messages (a finding's `msg`, a checklist item's `why`) from the
/// one message catalogue: `word("en", item.why)` joins several into one reason
/// line, `word("en", finding.msg)` words one. `lang` is "zh" or "en".
#[wasm_bindgen]
pub fn word(lang: &str, #[wasm_bindgen(unchecked_param_type = "Msg | Msg[]")] msgs: JsValue) -> Result<String, JsValue> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(xianjiao_core::Msg),
        Many(Vec<xianjiao_core::Msg>),
    }
    let lang = xianjiao_core::Lang::parse(lang);
    Ok(match from_js::<OneOrMany>(msgs, "word")? {
        OneOrMany::One(m) => xianjiao_core::word(lang, &m),
        OneOrMany::Many(ms) => xianjiao_core::join_messages(lang, &ms),
    })
}

#[cfg(all(feature = "script", not(any(feature = "office", feature = "office-export"))))]
/// The message catalogue as JSON: `{"zh": {code: template}, "en": {…}}`.
#[wasm_bindgen(js_name = messageCatalogue)]
pub fn message_catalogue() -> String {
    xianjiao_core::catalogue_json()
}

#[cfg(all(feature = "script", not(any(feature = "office", feature = "office-export"))))]
// Authoring tools: in the full build (npm, playground), not in the member widget's script-free first download.
/// The rule-file function reference (for the playground).
#[wasm_bindgen(js_name = ruleFunctions, unchecked_return_type = "RuleFunction[]")]
pub fn rule_functions() -> Result<JsValue, JsValue> {
    to_js(&xianjiao_core::FUNCTIONS)
}

#[cfg(not(any(feature = "office", feature = "office-export")))]
/// Renders `text` into `target` with the findings' ranges wrapped in `<mark>`
/// (title = the reason): `start..end`, or each `[start, end]` of `at` when a
/// finding has it (a flagged phrase repeated in the draft). Text goes in as DOM
/// text nodes only, so a draft that contains markup is shown as text and never parsed.
#[wasm_bindgen(js_name = renderHighlights)]
pub fn render_highlights(
    target: &web_sys::Element,
    text: &str,
    #[wasm_bindgen(unchecked_param_type = "HighlightFinding[]")] findings: JsValue,
) -> Result<(), JsValue> {
    #[derive(serde::Deserialize)]
    struct F {
        start: Option<usize>,
        end: Option<usize>,
        #[serde(default)]
        at: Option<Vec<(usize, usize)>>,
        level: String,
        message: String,
    }
    let fs: Vec<F> = from_js(findings, "findings")?;
    let doc = web_sys::window().and_then(|w| w.document()).ok_or_else(|| err("dom", "no document"))?;
    target.set_text_content(None);
    let chars: Vec<char> = text.chars().collect();
    // (start, end, index of the finding)
    let mut spans: Vec<(usize, usize, usize)> = fs
        .iter()
        .enumerate()
        .flat_map(|(i, f)| match &f.at {
            Some(at) => at.iter().map(|&(s, e)| Some((s, e, i))).collect::<Vec<_>>(),
            None => vec![f.start.zip(f.end).map(|(s, e)| (s, e, i))],
        })
        .flatten()
        .filter(|(s, e, _)| s < e && *e <= chars.len())
        .collect();
    // As the engine finds them: by start, then end (a shorter phrase first).
    xianjiao_core::sort_by_key(&mut spans, |x| (x.0, x.1));
    // One <mark> per finding with its class and title, cloned for each place: a phrase
    // repeated 77 times passes its message to JS once, not 77 times.
    let mut marks: Vec<Option<web_sys::Element>> = fs.iter().map(|_| None).collect();
    let mut at = 0;
    for (s, e, i) in spans {
        if s < at {
            continue;
        } // overlapping phrase: keep the first
        if s > at {
            target.append_child(&doc.create_text_node(&chars[at..s].iter().collect::<String>()))?;
        }
        if marks[i].is_none() {
            let m = doc.create_element("mark")?;
            m.set_attribute("class", &fs[i].level)?;
            m.set_attribute("title", &fs[i].message)?;
            marks[i] = Some(m);
        }
        let Some(template) = &marks[i] else { continue };
        let mark = template.clone_node()?;
        mark.set_text_content(Some(&chars[s..e].iter().collect::<String>()));
        target.append_child(&mark)?;
        at = e;
    }
    if at < chars.len() {
        target.append_child(&doc.create_text_node(&chars[at..].iter().collect::<String>()))?;
    }
    Ok(())
}

/// Exports only the playground needs (bundle, mutation test, field table). They
/// are built into a separate wasm (`--features playground`, see `x`
/// build_editor) so the member widget's download does not grow.
#[cfg(feature = "playground")]
mod playground {
    use super::{err, memory, to_js};
    use wasm_bindgen::prelude::*;

    /// `entry` and its parents as one bundle file (`// xianjiao-bundle 1`). Throws
    /// (`code` = `rules.invalid`, `diagnostics` = the list) when the rules have errors.
    #[wasm_bindgen(js_name = bundleRules)]
    pub fn bundle_rules(#[wasm_bindgen(unchecked_param_type = "Record<string, string>")] sources: JsValue, entry: &str) -> Result<String, JsValue> {
        let src = memory(sources)?;
        xianjiao_core::bundle(entry, &src).map_err(|diags| {
            let first = diags.iter().find(|d| d.severity == xianjiao_core::Severity::Error).map(|d| d.to_string()).unwrap_or_default();
            let e = err("rules.invalid", &format!("规则文件有错误 / the rules have errors: {first}"));
            if let Ok(list) = to_js(&diags) {
                let _ = super::js_set(&e, "diagnostics", &list);
            }
            e
        })
    }

    /// Mutation-tests `files` (names in `sources`): `{mutants, killed, survivors: [{file, line, col, original, replacement}]}`.
    /// `entry` and its parents compiled for the script-free engine (`xianjiao compile`): the
    /// `.rules.json` a portal deploys. Throws (`code` = `rules.invalid`) when the rules have errors.
    #[wasm_bindgen(js_name = compileRules)]
    pub fn compile_rules(#[wasm_bindgen(unchecked_param_type = "Record<string, string>")] sources: JsValue, entry: &str) -> Result<String, JsValue> {
        let rs = xianjiao_core::RuleSet::load(entry, &memory(sources)?);
        if rs.has_errors() {
            return Err(err("rules.invalid", "规则有错误,先改正再编译 / the rules have errors: fix them first"));
        }
        rs.compile().map_err(|d| err(d.code, &d.message))
    }

    #[wasm_bindgen(js_name = mutationTest)]
    pub fn mutation_test(
        #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] sources: JsValue,
        files: Vec<String>,
    ) -> Result<JsValue, JsValue> {
        let src = memory(sources)?;
        to_js(&xianjiao_core::mutation_test(&files, &src))
    }

    /// The table of diagnostic codes (core/src/codes.rs): `[{code, stage, stops, severity, zh, en}]`;
    /// `stops` marks a stage at which the file stops being read.
    #[wasm_bindgen(js_name = diagnosticCodes)]
    pub fn diagnostic_codes() -> Result<JsValue, JsValue> {
        let rows: Vec<serde_json::Value> = xianjiao_core::CODES
            .iter()
            .map(
                |c| serde_json::json!({ "code": c.code, "stage": c.stage, "stops": c.stage.stops(), "severity": c.severity, "zh": c.zh, "en": c.en }),
            )
            .collect();
        to_js(&rows)
    }

    /// The option-map fields of each declaration kind: `{fields: {kind: [field]}, common: [field]}`.
    #[wasm_bindgen(js_name = ruleFields)]
    pub fn rule_fields() -> Result<JsValue, JsValue> {
        let fields: serde_json::Map<String, serde_json::Value> = xianjiao_core::KINDS
            .iter()
            .filter(|k| k.rule)
            .map(|k| (k.name.to_string(), serde_json::json!(k.fields.iter().map(|f| f.0).collect::<Vec<_>>())))
            .collect();
        to_js(&serde_json::json!({ "fields": fields, "common": xianjiao_core::COMMON_FIELDS.iter().map(|f| f.0).collect::<Vec<_>>() }))
    }
}

// The office builds (`office`, `office-export`) leave out the Engine methods and functions the office
// page never calls (schedule, checklist, material check, rows-as-objects scoring, explain, tests,
// scaffold, the reference tables, highlights): the office wasm has a size budget (ARCHITECTURE.md).
#[cfg(feature = "office")]
mod office;
#[cfg(feature = "office-export")]
mod office_export;

/// The results `{report, problems, satisfaction?, unmatched_satisfaction?}` (JSON)
/// as core's one results workbook (`output::results`) in the language `lang`.
#[cfg(any(feature = "office", feature = "office-export"))]
fn results(engine: &Engine, input: &str, lang: Option<String>) -> Result<xianjiao_core::output::Workbook, JsValue> {
    let rs = engine.usable()?;
    let x: xianjiao_core::output::results::ResultsInput = serde_json::from_str(input).map_err(|e| err("input.invalid", &e.to_string()))?;
    Ok(xianjiao_core::output::results::results(rs, &x, xianjiao_core::Lang::parse(lang.as_deref().unwrap_or("zh"))))
}

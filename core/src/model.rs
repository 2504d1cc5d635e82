//! The typed rule set and its validation: turns merged declarations into
//! plain data and reports every inconsistency with the place that caused it.

use crate::diag::{Diags, Location};
use crate::load::Entity;
use chrono::NaiveDate;
use rhai::{Dynamic, Map};
use serde::Serialize;

/// Campaign metadata.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Campaign {
    /// Campaign name.
    pub name: String,
    /// Level of the locality (市, 区, 镇 ...).
    pub level: Option<String>,
    /// Where the rules come from.
    pub source: Option<String>,
}

/// A role a member (or a collective) can have.
#[derive(Debug, Clone, Serialize)]
pub struct Role {
    /// Name as users write it (党员, 党员领导干部 ...).
    pub name: String,
    /// Optional longer label.
    pub label: Option<String>,
    /// True for a collective such as a leadership group (领导班子).
    pub group: bool,
}

/// A named thing with an optional label (conditions, unit types).
#[derive(Debug, Clone, Serialize)]
pub struct Named {
    /// Name.
    pub name: String,
    /// Optional longer label.
    pub label: Option<String>,
}

/// A phase (阶段) with concrete dates.
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    /// Name (学习动员 ...).
    pub name: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day (inclusive).
    pub end: NaiveDate,
    /// Minimum length in days, if the rules set one.
    pub min_days: Option<i64>,
    /// Free text.
    pub note: Option<String>,
}

/// An inclusive date window.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Window {
    /// First day.
    pub start: NaiveDate,
    /// Last day (inclusive).
    pub end: NaiveDate,
}

/// A step (环节) of a phase.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// Phase name.
    pub phase: String,
    /// Step name.
    pub name: String,
    /// Default window.
    pub window: Option<Window>,
    /// Windows for particular unit types.
    pub windows: Vec<(String, Window)>,
    /// Free text (content and requirements).
    pub note: Option<String>,
}

impl Step {
    /// The window that applies to a unit type.
    pub fn window_for(&self, unit: &str) -> Option<Window> {
        self.windows.iter().find(|(u, _)| u == unit).map(|(_, w)| *w).or(self.window)
    }
}

/// When a requirement is due.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Due {
    /// At the end of the named step's window.
    Step(String),
    /// On a date.
    Date(NaiveDate),
    /// At the end of the requirement's phase.
    PhaseEnd,
}

/// Something members (of some roles) must do.
#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    /// Stable id used in progress records.
    pub id: String,
    /// Phase it belongs to.
    pub phase: String,
    /// What to show.
    pub label: String,
    /// Roles it applies to (empty: all).
    pub roles: Vec<String>,
    /// Quantity to reach, if any.
    pub min: Option<f64>,
    /// Unit of the quantity (学时, 天, 篇 ...).
    pub unit: Option<String>,
    /// When it is due.
    pub due: Due,
    /// Role or condition → reason for exemption.
    pub exempt: Vec<(String, String)>,
    /// Condition → alternative way to satisfy it.
    pub substitute: Vec<(String, String)>,
    /// Name of a custom Rhai function deciding completion.
    pub check: Option<String>,
    /// Free text.
    pub note: Option<String>,
    /// Where it was declared.
    #[serde(skip)]
    pub loc: Location,
}

/// A named area with the phrases that show it is covered.
#[derive(Debug, Clone, Serialize)]
pub struct Area {
    /// Name.
    pub name: String,
    /// Phrases; any one present means covered.
    pub markers: Vec<String>,
}

/// A required part of a material.
#[derive(Debug, Clone, Serialize)]
pub struct Part {
    /// Name.
    pub name: String,
    /// Phrases that mark the part's start.
    pub markers: Vec<String>,
    /// Fields the part must contain (目标, 措施, 时限 ...).
    pub fields: Vec<Area>,
}

/// A list of phrases to flag.
#[derive(Debug, Clone, Serialize)]
pub struct Flag {
    /// The phrases.
    pub phrases: Vec<String>,
    /// "error" fails the check, "warning" only informs.
    pub level: String,
    /// Why it is flagged.
    pub reason: String,
}

/// Requirements for a kind of written material.
#[derive(Debug, Clone, Serialize)]
pub struct Material {
    /// Kind (党性分析材料, 心得体会, 整改方案).
    pub kind: String,
    /// Role → minimum characters; "*" is the default.
    pub min_chars: Vec<(String, i64)>,
    /// Parts in their required order.
    pub parts: Vec<Part>,
    /// Areas to examine.
    pub areas: Vec<Area>,
    /// Minimum number of areas covered (default: all).
    pub min_areas: Option<usize>,
    /// Extra areas per role.
    pub extra_areas: Vec<(String, Vec<Area>)>,
    /// Phrases to flag.
    pub flags: Vec<Flag>,
}

/// How a form's outcome is decided.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// No outcome.
    None,
    /// Highest tier whose minimum the composite reaches.
    Tiers(Vec<(f64, String)>),
    /// A custom Rhai function.
    Hook(String),
}

/// An appraisal form with rater groups.
#[derive(Debug, Clone, Serialize)]
pub struct Form {
    /// Name.
    pub name: String,
    /// What a row is about: "member" or "unit".
    pub subject: String,
    /// Total points.
    pub total: f64,
    /// Items and their points, in order.
    pub items: Vec<(String, f64)>,
    /// Rater groups and weights (percent); empty: plain average of all sheets.
    pub groups: Vec<(String, f64)>,
    /// Drop the highest and lowest sheet of each group.
    pub trim: bool,
    /// Trim only when a group has at least this many sheets.
    pub trim_min: usize,
    /// Outcome rule.
    pub outcome: Outcome,
    /// Where the form was declared.
    #[serde(skip)]
    pub loc: Location,
}

/// A satisfaction or effect vote.
#[derive(Debug, Clone, Serialize)]
pub struct Vote {
    /// Name.
    pub name: String,
    /// Answer tiers.
    pub tiers: Vec<String>,
    /// Tiers counted into the rate.
    pub rate_of: Vec<String>,
    /// Trigger when the rate (percent) is below this.
    pub below: Option<f64>,
    /// Trigger when the rate (percent) is above this.
    pub above: Option<f64>,
    /// What the trigger means (重写, 补课 ...).
    pub action: Option<String>,
}

/// A transition gate (转段).
#[derive(Debug, Clone, Serialize)]
pub struct Gate {
    /// Phase the gate closes.
    pub phase: String,
    /// Requirement ids that must be done.
    pub requires: Vec<String>,
    /// Free text.
    pub note: Option<String>,
}

/// A test case written in a rule file.
#[derive(Debug, Clone)]
pub struct TestCase {
    /// Name.
    pub name: String,
    /// The raw spec.
    pub spec: Map,
    /// Where it was declared.
    pub loc: Location,
}

/// All typed rules (no Rhai state).
#[derive(Debug, Clone, Serialize, Default)]
pub struct Rules {
    /// Campaign metadata.
    pub campaign: Campaign,
    /// Roles.
    pub roles: Vec<Role>,
    /// Personal conditions.
    pub conditions: Vec<Named>,
    /// Unit types.
    pub units: Vec<Named>,
    /// Phases in order.
    pub phases: Vec<Phase>,
    /// Steps in order.
    pub steps: Vec<Step>,
    /// Requirements.
    pub requirements: Vec<Requirement>,
    /// Materials.
    pub materials: Vec<Material>,
    /// Forms.
    pub forms: Vec<Form>,
    /// Votes.
    pub votes: Vec<Vote>,
    /// Gates.
    pub gates: Vec<Gate>,
    /// In-file tests.
    #[serde(skip)]
    pub tests: Vec<TestCase>,
}

// ---------------------------------------------------------------- field reading

struct F<'a> {
    e: &'a Entity,
    d: &'a mut Diags,
    allowed: &'static [&'static str],
}

fn type_name(v: &Dynamic) -> &'static str {
    if v.is_string() { "字符串 string" } else if v.is_int() { "整数 integer" } else if v.is_float() { "小数 number" }
    else if v.is_array() { "数组 array" } else if v.is_map() { "映射 map" } else if v.is_bool() { "布尔 bool" } else { "其他 other" }
}

impl<'a> F<'a> {
    fn new(e: &'a Entity, d: &'a mut Diags, allowed: &'static [&'static str]) -> Self {
        for k in e.fields.keys() {
            if !allowed.contains(&k.as_str()) {
                let loc = e.field_loc(k).clone();
                d.error("field.unknown", &loc, format!("{} \"{}\" 没有字段 \"{}\";可用字段: {} / unknown field", e.kind, e.key, k, allowed.join(", ")));
            }
        }
        F { e, d, allowed }
    }
    fn loc(&self, k: &str) -> Location {
        self.e.field_loc(k).clone()
    }
    fn get(&self, k: &str) -> Option<&Dynamic> {
        debug_assert!(self.allowed.contains(&k), "field {k} not in allowed list");
        self.e.fields.get(k).filter(|v| !v.is_unit())
    }
    fn bad(&mut self, k: &str, want: &str, v: &Dynamic) {
        let loc = self.loc(k);
        let msg = format!("{} \"{}\" 的字段 {} 应为{},实为{} / field {} should be {}", self.e.kind, self.e.key, k, want, type_name(v), k, want);
        self.d.error("field.type", &loc, msg);
    }
    fn str(&mut self, k: &str) -> Option<String> {
        let v = self.get(k)?.clone();
        match v.clone().into_string() {
            Ok(s) => Some(s),
            Err(_) => { self.bad(k, "字符串 string", &v); None }
        }
    }
    fn num(&mut self, k: &str) -> Option<f64> {
        let v = self.get(k)?.clone();
        match to_num(&v) {
            Some(n) => Some(n),
            None => { self.bad(k, "数字 number", &v); None }
        }
    }
    fn bool(&mut self, k: &str) -> Option<bool> {
        let v = self.get(k)?.clone();
        match v.as_bool() {
            Ok(b) => Some(b),
            Err(_) => { self.bad(k, "true/false", &v); None }
        }
    }
    fn strs(&mut self, k: &str) -> Vec<String> {
        let Some(v) = self.get(k).cloned() else { return vec![] };
        match strs_of(&v) {
            Some(s) => s,
            None => { self.bad(k, "字符串数组 array of strings", &v); vec![] }
        }
    }
    fn date(&mut self, k: &str) -> Option<NaiveDate> {
        let s = self.str(k)?;
        let loc = self.loc(k);
        parse_date(&s, &loc, self.d)
    }
    fn map(&mut self, k: &str) -> Option<Map> {
        let v = self.get(k)?.clone();
        match v.clone().try_cast::<Map>() {
            Some(m) => Some(m),
            None => { self.bad(k, "映射 #{...}", &v); None }
        }
    }
    fn array(&mut self, k: &str) -> Vec<Dynamic> {
        let Some(v) = self.get(k).cloned() else { return vec![] };
        match v.clone().into_array() {
            Ok(a) => a,
            Err(_) => { self.bad(k, "数组 [...]", &v); vec![] }
        }
    }
    /// `#{ key: "text" }` pairs.
    fn str_pairs(&mut self, k: &str) -> Vec<(String, String)> {
        let Some(m) = self.map(k) else { return vec![] };
        let mut out = vec![];
        for (key, v) in m {
            match v.clone().into_string() {
                Ok(s) => out.push((key.to_string(), s)),
                Err(_) => self.bad(k, "#{ 名称: \"说明\" }", &v),
            }
        }
        out
    }
    /// `[["name", number], ...]` pairs, in order.
    fn num_pairs(&mut self, k: &str) -> Vec<(String, f64)> {
        let arr = self.array(k);
        let mut out = vec![];
        for v in arr {
            let pair = v.clone().into_array().ok().and_then(|a| {
                if a.len() != 2 { return None; }
                Some((a[0].clone().into_string().ok()?, to_num(&a[1])?))
            });
            match pair {
                Some(p) => out.push(p),
                None => { self.bad(k, "[[\"名称\", 数字], …]", &v); }
            }
        }
        out
    }
    fn areas_of(&mut self, k: &str, v: &Dynamic) -> Option<Area> {
        if let Ok(s) = v.clone().into_string() {
            return Some(Area { markers: vec![s.clone()], name: s });
        }
        if let Some(m) = v.clone().try_cast::<Map>() {
            let name = m.get("name").and_then(|n| n.clone().into_string().ok());
            let markers = m.get("markers").and_then(strs_of);
            if let Some(name) = name {
                return Some(Area { markers: markers.unwrap_or_else(|| vec![name.clone()]), name });
            }
        }
        self.bad(k, "\"名称\" 或 #{ name, markers }", v);
        None
    }
    fn areas(&mut self, k: &str) -> Vec<Area> {
        let arr = self.array(k);
        arr.iter().filter_map(|v| self.areas_of(k, v)).collect()
    }
}

fn to_num(v: &Dynamic) -> Option<f64> {
    if let Ok(i) = v.as_int() { return Some(i as f64); }
    v.as_float().ok()
}

fn strs_of(v: &Dynamic) -> Option<Vec<String>> {
    if let Ok(s) = v.clone().into_string() { return Some(vec![s]); }
    let a = v.clone().into_array().ok()?;
    a.into_iter().map(|x| x.into_string().ok()).collect()
}

pub(crate) fn parse_date(s: &str, loc: &Location, d: &mut Diags) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
        Ok(x) => Some(x),
        Err(_) => {
            d.error("date.invalid", loc, format!("日期 \"{s}\" 无效,应写作 YYYY-MM-DD / invalid date, expected YYYY-MM-DD"));
            None
        }
    }
}

fn window_of(f: &mut F, k: &str, v: &Dynamic) -> Option<Window> {
    let loc = f.loc(k);
    let a = match v.clone().into_array() {
        Ok(a) if a.len() == 2 => a,
        _ => { f.bad(k, "[\"开始日期\", \"结束日期\"]", v); return None; }
    };
    let s = a[0].clone().into_string().ok();
    let e = a[1].clone().into_string().ok();
    let (Some(s), Some(e)) = (s, e) else { f.bad(k, "[\"开始日期\", \"结束日期\"]", v); return None; };
    let start = parse_date(&s, &loc, f.d)?;
    let end = parse_date(&e, &loc, f.d)?;
    if end < start {
        f.d.error("date.inverted", &loc, format!("时间段 {s} 至 {e} 结束早于开始 / window ends before it starts"));
        return None;
    }
    Some(Window { start, end })
}

// ---------------------------------------------------------------- building

/// Longest phase or extension a rule file may state, in days (ten years): a
/// sanity bound so that date arithmetic can never overflow.
const MAX_DAYS: f64 = 3660.0;

pub(crate) fn build(entities: &[Entity], d: &mut Diags) -> Rules {
    let mut r = Rules::default();
    let of = |k: &'static str| entities.iter().filter(move |e| e.kind == k);

    for e in of("campaign") {
        let mut f = F::new(e, d, &["name", "level", "source"]);
        r.campaign = Campaign { name: f.str("name").unwrap_or_default(), level: f.str("level"), source: f.str("source") };
    }
    for e in of("role") {
        let mut f = F::new(e, d, &["label", "group"]);
        r.roles.push(Role { name: e.key.clone(), label: f.str("label"), group: f.bool("group").unwrap_or(false) });
    }
    for e in of("condition") {
        let mut f = F::new(e, d, &["label"]);
        r.conditions.push(Named { name: e.key.clone(), label: f.str("label") });
    }
    for e in of("unit") {
        let mut f = F::new(e, d, &["label"]);
        r.units.push(Named { name: e.key.clone(), label: f.str("label") });
    }

    // Phases, in declaration order, each starting after the previous one by default.
    let mut prev: Option<(NaiveDate, Location, String)> = None;
    for e in of("phase") {
        let mut f = F::new(e, d, &["start", "end", "days", "extend_days", "min_days", "note"]);
        let start = f.date("start").or_else(|| prev.as_ref().and_then(|p| p.0.checked_add_days(chrono::Days::new(1))));
        let Some(start) = start else {
            let loc = e.loc.clone();
            d.error("phase.no_start", &loc, format!("阶段 \"{}\" 缺少 start,且没有上一阶段可接续 / phase has no start date", e.key));
            continue;
        };
        let end = match (f.date("end"), f.num("days")) {
            (Some(end), None) => end,
            (None, Some(days)) if days >= 1.0 => match start.checked_add_days(chrono::Days::new(days as u64 - 1)).filter(|_| days <= MAX_DAYS) {
                Some(end) => end,
                None => {
                    let loc = f.loc("days");
                    f.d.error("date.range", &loc, format!("阶段 \"{}\" 的天数 {days} 过大(至多 {MAX_DAYS}) / too many days", e.key));
                    continue;
                }
            },
            (Some(_), Some(_)) => {
                let loc = f.loc("days");
                f.d.error("phase.end_and_days", &loc, format!("阶段 \"{}\" 同时给了 end 和 days,只能给一个 / give end or days, not both", e.key));
                continue;
            }
            _ => {
                let loc = e.loc.clone();
                f.d.error("phase.no_end", &loc, format!("阶段 \"{}\" 缺少 end 或 days / phase needs end or days", e.key));
                continue;
            }
        };
        let extend = f.num("extend_days").unwrap_or(0.0);
        let end = if extend > 0.0 {
            match end.checked_add_days(chrono::Days::new(extend as u64)).filter(|_| extend <= MAX_DAYS) {
                Some(x) => x,
                None => {
                    let loc = f.loc("extend_days");
                    f.d.error("date.range", &loc, format!("阶段 \"{}\" 延长 {extend} 天过多(至多 {MAX_DAYS}) / extension too long", e.key));
                    continue;
                }
            }
        } else { end };
        let min_days = f.num("min_days").map(|x| x as i64);
        let note = f.str("note");
        if end < start {
            let loc = f.loc("end");
            d.error("date.inverted", &loc, format!("阶段 \"{}\" 结束日期 {end} 早于开始日期 {start} / phase ends before it starts", e.key));
            continue;
        }
        if let Some(min) = min_days {
            let len = (end - start).num_days() + 1;
            if len < min {
                d.error("phase.too_short", &e.loc, format!("阶段 \"{}\" 共 {len} 天,少于规定的 {min} 天 / phase lasts {len} days, fewer than min_days {min}", e.key));
            }
        }
        if let Some((pend, ploc, pname)) = &prev {
            if start <= *pend {
                d.error("phase.overlap", &e.loc, format!("阶段 \"{}\" 从 {start} 开始,与上一阶段 \"{pname}\"({}:{} 声明,至 {pend})重叠 / phase overlaps the previous phase", e.key, ploc.line, ploc.col));
            }
        }
        prev = Some((end, e.loc.clone(), e.key.clone()));
        r.phases.push(Phase { name: e.key.clone(), start, end, min_days, note });
    }

    let unit_known = |r: &Rules, u: &str| r.units.iter().any(|x| x.name == u);
    for e in of("step") {
        let mut f = F::new(e, d, &["phase", "name", "window", "windows", "note"]);
        let phase = f.str("phase").unwrap_or_default();
        let name = f.str("name").unwrap_or_default();
        let window = f.get("window").cloned().and_then(|v| window_of(&mut f, "window", &v));
        let mut windows = vec![];
        if let Some(m) = f.map("windows") {
            for (u, v) in m {
                if !unit_known(&r, &u) {
                    let loc = f.loc("windows");
                    let known: Vec<_> = r.units.iter().map(|x| x.name.as_str()).collect();
                    f.d.error("unit.unknown", &loc, format!("环节 \"{name}\" 的时间表用了未声明的单位类型 \"{u}\";已声明: {} / unknown unit type", known.join("、")));
                }
                if let Some(w) = window_of(&mut f, "windows", &v) { windows.push((u.to_string(), w)); }
            }
        }
        let note = f.str("note");
        match r.phases.iter().find(|p| p.name == phase) {
            None => {
                let known: Vec<_> = r.phases.iter().map(|p| p.name.as_str()).collect();
                d.error("step.unknown_phase", &e.loc, format!("环节 \"{name}\" 属于未声明的阶段 \"{phase}\";已声明: {} / step names an unknown phase", known.join("、")));
            }
            Some(p) => {
                for w in window.iter().chain(windows.iter().map(|(_, w)| w)) {
                    if w.start < p.start || w.end > p.end {
                        d.warning("step.outside_phase", &e.loc, format!("环节 \"{name}\" 的时间 {} 至 {} 超出阶段 \"{phase}\"({} 至 {}) / step window lies outside its phase", w.start, w.end, p.start, p.end));
                    }
                }
            }
        }
        if !e.fields.contains_key("window") && !e.fields.contains_key("windows") {
            d.warning("step.no_window", &e.loc, format!("环节 \"{name}\" 没有时间 / step has no window"));
        }
        r.steps.push(Step { phase, name, window, windows, note });
    }

    let role_or_cond = |r: &Rules, x: &str| r.roles.iter().any(|y| y.name == x) || r.conditions.iter().any(|y| y.name == x);
    for e in of("require") {
        let mut f = F::new(e, d, &["phase", "label", "roles", "min", "unit", "due", "exempt", "substitute", "check", "note"]);
        let phase = f.str("phase").unwrap_or_default();
        let label = f.str("label").unwrap_or_else(|| e.key.clone());
        let roles = f.strs("roles");
        for role in &roles {
            if !r.roles.iter().any(|x| &x.name == role) {
                let loc = f.loc("roles");
                let known: Vec<_> = r.roles.iter().map(|x| x.name.as_str()).collect();
                f.d.error("role.unknown", &loc, format!("要求 \"{}\" 用了未声明的角色 \"{role}\";已声明: {} / unknown role", e.key, known.join("、")));
            }
        }
        let exempt = f.str_pairs("exempt");
        let substitute = f.str_pairs("substitute");
        for (who, _) in exempt.iter().chain(substitute.iter()) {
            if !role_or_cond(&r, who) {
                let loc = f.loc(if exempt.iter().any(|x| &x.0 == who) { "exempt" } else { "substitute" });
                f.d.error("role.unknown", &loc, format!("要求 \"{}\" 的豁免/替代对象 \"{who}\" 既不是已声明的角色也不是已声明的情况 / unknown role or condition", e.key));
            }
        }
        let due = match f.str("due") {
            None => Due::PhaseEnd,
            Some(s) if s.len() == 10 && s.as_bytes()[4] == b'-' => {
                let loc = f.loc("due");
                parse_date(&s, &loc, f.d).map(Due::Date).unwrap_or(Due::PhaseEnd)
            }
            Some(s) => {
                if !r.steps.iter().any(|st| st.name == s) {
                    let loc = f.loc("due");
                    f.d.error("step.unknown", &loc, format!("要求 \"{}\" 的截止环节 \"{s}\" 未声明 / due names an unknown step", e.key));
                }
                Due::Step(s)
            }
        };
        if !r.phases.iter().any(|p| p.name == phase) {
            f.d.error("require.unknown_phase", &e.loc, format!("要求 \"{}\" 属于未声明的阶段 \"{phase}\" / requirement names an unknown phase", e.key));
        }
        let min = f.num("min");
        let unit = f.str("unit");
        let check = f.str("check");
        let note = f.str("note");
        r.requirements.push(Requirement { id: e.key.clone(), phase, label, roles, min, unit, due, exempt, substitute, check, note, loc: e.loc.clone() });
    }

    for e in of("material") {
        let mut f = F::new(e, d, &["roles", "min_chars", "parts", "areas", "min_areas", "extra_areas", "flags", "note"]);
        let mut min_chars = vec![];
        if let Some(m) = f.map("min_chars") {
            for (role, v) in m {
                if role != "*" && !r.roles.iter().any(|x| x.name == role.as_str()) {
                    let loc = f.loc("min_chars");
                    f.d.error("role.unknown", &loc, format!("材料 \"{}\" 的字数要求用了未声明的角色 \"{role}\" / unknown role", e.key));
                }
                match v.as_int() {
                    Ok(n) if n >= 0 => min_chars.push((role.to_string(), n)),
                    _ => f.bad("min_chars", "非负整数 non-negative integer", &v),
                }
            }
        }
        let mut parts = vec![];
        for v in f.array("parts") {
            let Some(m) = v.clone().try_cast::<Map>() else { f.bad("parts", "#{ name, markers, fields }", &v); continue };
            let Some(name) = m.get("name").and_then(|x| x.clone().into_string().ok()) else { f.bad("parts", "#{ name, markers, fields }", &v); continue };
            let markers = m.get("markers").and_then(strs_of).unwrap_or_else(|| vec![name.clone()]);
            let fields = m.get("fields").and_then(|x| x.clone().into_array().ok()).unwrap_or_default()
                .iter().filter_map(|x| f.areas_of("parts", x)).collect();
            parts.push(Part { name, markers, fields });
        }
        let areas = f.areas("areas");
        let min_areas = f.num("min_areas").map(|x| x as usize);
        let mut extra_areas = vec![];
        if let Some(m) = f.map("extra_areas") {
            for (role, v) in m {
                if !r.roles.iter().any(|x| x.name == role.as_str()) {
                    let loc = f.loc("extra_areas");
                    f.d.error("role.unknown", &loc, format!("材料 \"{}\" 的 extra_areas 用了未声明的角色 \"{role}\" / unknown role", e.key));
                }
                let list = v.clone().into_array().unwrap_or_default().iter().filter_map(|x| f.areas_of("extra_areas", x)).collect();
                extra_areas.push((role.to_string(), list));
            }
        }
        let mut flags = vec![];
        for v in f.array("flags") {
            let m = v.clone().try_cast::<Map>();
            let parsed = m.as_ref().and_then(|m| {
                Some(Flag {
                    phrases: m.get("phrases").and_then(strs_of)?,
                    level: m.get("level").and_then(|x| x.clone().into_string().ok()).unwrap_or_else(|| "warning".into()),
                    reason: m.get("reason").and_then(|x| x.clone().into_string().ok()).unwrap_or_default(),
                })
            });
            match parsed {
                Some(fl) if fl.level == "error" || fl.level == "warning" => flags.push(fl),
                _ => f.bad("flags", "#{ phrases: [...], level: \"error\"|\"warning\", reason }", &v),
            }
        }
        if let Some(n) = min_areas {
            if n > areas.len() {
                let loc = f.loc("min_areas");
                f.d.error("material.min_areas", &loc, format!("材料 \"{}\" 要求至少涉及 {n} 个方面,但只列了 {} 个 / min_areas exceeds the areas listed", e.key, areas.len()));
            }
        }
        r.materials.push(Material { kind: e.key.clone(), min_chars, parts, areas, min_areas, extra_areas, flags });
    }

    for e in of("form") {
        let mut f = F::new(e, d, &["subject", "total", "items", "groups", "trim", "trim_min", "outcome", "note"]);
        let subject = f.str("subject").unwrap_or_else(|| "member".into());
        let items = f.num_pairs("items");
        let total = f.num("total").unwrap_or_else(|| items.iter().map(|x| x.1).sum());
        let sum: f64 = items.iter().map(|x| x.1).sum();
        if items.is_empty() {
            let loc = e.loc.clone();
            f.d.error("form.no_items", &loc, format!("测评表 \"{}\" 没有测评项目 / form has no items", e.key));
        } else if (sum - total).abs() > 1e-9 {
            let loc = f.loc("items");
            f.d.error("form.points_sum", &loc, format!("测评表 \"{}\" 各项分值合计 {sum},与总分 {total} 不符 / item points add up to {sum}, not the form's total {total}", e.key));
        }
        let groups = f.num_pairs("groups");
        if !groups.is_empty() {
            let w: f64 = groups.iter().map(|x| x.1).sum();
            if (w - 100.0).abs() > 1e-9 {
                let names: Vec<_> = groups.iter().map(|g| format!("{}{}%", g.0, g.1)).collect();
                let loc = f.loc("groups");
                f.d.error("weights.sum", &loc, format!("评议组权重合计 {w}%,应为 100%({}) / rater weights add up to {w}, not 100", names.join(" + ")));
            }
        }
        let trim = f.bool("trim").unwrap_or(false);
        let trim_min = f.num("trim_min").map(|x| x as usize).unwrap_or(3);
        let outcome = match f.get("outcome").cloned() {
            None => Outcome::None,
            Some(v) if v.is_string() => Outcome::Hook(v.into_string().unwrap_or_default()),
            Some(_) => {
                let mut tiers = f.num_pairs_rev("outcome");
                tiers.sort_by(|a, b| b.0.total_cmp(&a.0));
                Outcome::Tiers(tiers)
            }
        };
        f.str("note");
        let loc = e.field_loc("outcome").clone();
        r.forms.push(Form { name: e.key.clone(), subject, total, items, groups, trim, trim_min, outcome, loc });
    }

    for e in of("vote") {
        let mut f = F::new(e, d, &["tiers", "rate_of", "below", "above", "action", "note"]);
        let tiers = f.strs("tiers");
        let rate_of = f.strs("rate_of");
        for t in &rate_of {
            if !tiers.contains(t) {
                let loc = f.loc("rate_of");
                f.d.error("vote.unknown_tier", &loc, format!("测评 \"{}\" 的 rate_of 含未列出的档次 \"{t}\";档次: {} / unknown tier", e.key, tiers.join("、")));
            }
        }
        let below = f.num("below");
        let above = f.num("above");
        for (k, v) in [("below", below), ("above", above)] {
            if let Some(v) = v {
                if !(0.0..=100.0).contains(&v) {
                    let loc = f.loc(k);
                    f.d.error("vote.threshold", &loc, format!("测评 \"{}\" 的 {k} 为 {v},应在 0 到 100 之间(百分数) / threshold must be a percentage", e.key));
                }
            }
        }
        let action = f.str("action");
        f.str("note");
        r.votes.push(Vote { name: e.key.clone(), tiers, rate_of, below, above, action });
    }

    for e in of("gate") {
        let mut f = F::new(e, d, &["requires", "note"]);
        let requires = f.strs("requires");
        for q in &requires {
            if !r.requirements.iter().any(|x| &x.id == q) {
                let loc = f.loc("requires");
                f.d.error("gate.unknown_requirement", &loc, format!("转段条件 \"{}\" 引用了未声明的要求 \"{q}\" / gate names an unknown requirement", e.key));
            }
        }
        let note = f.str("note");
        if !r.phases.iter().any(|p| p.name == e.key) {
            d.error("gate.unknown_phase", &e.loc, format!("转段条件属于未声明的阶段 \"{}\" / gate names an unknown phase", e.key));
        }
        r.gates.push(Gate { phase: e.key.clone(), requires, note });
    }

    for e in of("test") {
        r.tests.push(TestCase { name: e.key.clone(), spec: e.fields.clone(), loc: e.loc.clone() });
    }
    r
}

impl F<'_> {
    /// `[[min, "label"], ...]`.
    fn num_pairs_rev(&mut self, k: &str) -> Vec<(f64, String)> {
        let arr = self.array(k);
        let mut out = vec![];
        for v in arr {
            let pair = v.clone().into_array().ok().and_then(|a| {
                if a.len() != 2 { return None; }
                Some((to_num(&a[0])?, a[1].clone().into_string().ok()?))
            });
            match pair {
                Some(p) => out.push(p),
                None => self.bad(k, "[[分数下限, \"结论\"], …]", &v),
            }
        }
        out
    }
}


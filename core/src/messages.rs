//! The one message catalogue (zh, en) for what the engine tells a member.
//!
//! A finding of the material check and each reason of a checklist item is a
//! [`Msg`]: a stable code plus named parameters. [`word`] turns it into text
//! from [`CATALOGUE`]; the CLI (`--lang`), the wasm `Engine.word` and therefore
//! the widget all word messages here, so the languages cannot drift apart.
//! The Chinese text of a message is also kept in the JSON (`message`,
//! `reason`) for readers that want one string.
//!
//! Parameters are rule content (labels, phrases, reasons in the locality's
//! own words, which are never translated), numbers, lists or nested messages.
//! A template writes `{name}`; a list is joined by the language's list
//! separator, or by the one after a bar: `{names| → }`.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// One parameter of a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Arg {
    /// A number, written as `2` or `2.5`.
    Num(f64),
    /// Text, written as is.
    Text(String),
    /// Texts, joined by the language's list separator.
    List(Vec<String>),
    /// A message inside this one, worded in the same language.
    Msg(Box<Msg>),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_string())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::Text(s.clone())
    }
}
impl From<f64> for Arg {
    fn from(x: f64) -> Self {
        Arg::Num(x)
    }
}
impl From<usize> for Arg {
    fn from(x: usize) -> Self {
        Arg::Num(x as f64)
    }
}
impl From<i64> for Arg {
    fn from(x: i64) -> Self {
        Arg::Num(x as f64)
    }
}
impl From<u32> for Arg {
    fn from(x: u32) -> Self {
        Arg::Num(f64::from(x))
    }
}
impl From<Vec<String>> for Arg {
    fn from(x: Vec<String>) -> Self {
        Arg::List(x)
    }
}
impl From<Msg> for Arg {
    fn from(m: Msg) -> Self {
        Arg::Msg(Box::new(m))
    }
}

/// A stable code plus its parameters. Codes and parameter names written by
/// the engine are static text, so building a message allocates only its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Msg {
    /// A key of [`CATALOGUE`].
    pub code: Cow<'static, str>,
    /// Named parameters (JSON: an object, keys in order).
    pub params: Vec<(Cow<'static, str>, Arg)>,
}

impl Msg {
    /// A message without parameters.
    pub fn new(code: &'static str) -> Msg {
        Msg { code: Cow::Borrowed(code), params: Vec::new() }
    }
    /// Adds a parameter.
    pub fn with(mut self, name: &'static str, v: impl Into<Arg>) -> Msg {
        self.params.push((Cow::Borrowed(name), v.into()));
        self
    }
    /// A parameter by name.
    pub fn param(&self, name: &str) -> Option<&Arg> {
        self.params.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
    /// The Chinese text.
    pub fn zh(&self) -> String {
        word(Lang::Zh, self)
    }
}

impl Serialize for Msg {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeStruct};
        struct Params<'a>(&'a [(Cow<'static, str>, Arg)]);
        impl Serialize for Params<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                // In key order, so the JSON does not depend on the order they were added in.
                let mut kv: Vec<&(Cow<'static, str>, Arg)> = self.0.iter().collect();
                crate::sort::sort_by(&mut kv, |a, b| a.0.cmp(&b.0));
                let mut m = s.serialize_map(Some(kv.len()))?;
                for (k, v) in kv {
                    m.serialize_entry(k.as_ref(), v)?;
                }
                m.end()
            }
        }
        let mut st = s.serialize_struct("Msg", 2)?;
        st.serialize_field("code", self.code.as_ref())?;
        st.serialize_field("params", &Params(&self.params))?;
        st.end()
    }
}

impl<'de> Deserialize<'de> for Msg {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            code: String,
            #[serde(default)]
            params: BTreeMap<String, Arg>,
        }
        let r = Raw::deserialize(d)?;
        Ok(Msg { code: Cow::Owned(r.code), params: r.params.into_iter().map(|(k, v)| (Cow::Owned(k), v)).collect() })
    }
}

/// A language of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// 中文.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// `zh` or `en` (anything else is Chinese).
    pub fn parse(s: &str) -> Lang {
        if s.eq_ignore_ascii_case("en") || s.to_ascii_lowercase().starts_with("en-") {
            Lang::En
        } else {
            Lang::Zh
        }
    }
}

/// Code, Chinese template, English template.
pub const CATALOGUE: &[(&str, &str, &str)] = &[
    // Separators.
    ("sep.list", "、", ", "),
    ("sep.reason", ";", "; "),
    // Checklist items.
    ("item.only_for", "仅适用于 {roles}", "Only for {roles}"),
    ("item.only_units", "仅适用于单位类型 {units}", "Only for unit types {units}"),
    ("item.exempt", "{who}:{why}", "Exempt as {who}: {why}"),
    ("item.done", "已完成", "Done"),
    ("item.done_count", "已完成 {have}/{required} {unit}", "Done: {have}/{required} {unit}"),
    ("item.not_done", "尚未完成", "Not done yet"),
    ("item.lack_count", "已有 {have}/{required} {unit},还差 {short}", "{have}/{required} {unit} so far, {short} to go"),
    (
        "item.sessions_short",
        "{count} 次少于每次 {min} {unit},未计入:{dates}",
        "{count} sessions shorter than {min} {unit} each were not counted: {dates}",
    ),
    (
        "item.sessions_outside",
        "{count} 次不在本阶段日期({start} 至 {end})之内,未计入:{dates}",
        "{count} sessions outside this phase ({start} to {end}) were not counted: {dates}",
    ),
    (
        "item.sessions_unchecked",
        "未逐次记录,每次不少于 {min} {unit} 未核对",
        "not recorded session by session, so “at least {min} {unit} each” was not checked",
    ),
    ("item.overdue", "已过截止日期 {due}", "the deadline {due} has passed"),
    ("item.vote_done", "“{vote}”{rate_of}占 {rate}%,符合要求", "“{vote}”: {rate_of} {rate}%, within the rule"),
    ("item.vote_triggered", "“{vote}”{rate_of}占 {rate}%:{action}", "“{vote}”: {rate_of} {rate}%: {action}"),
    ("item.vote_missing", "尚未录入“{vote}”的测评结果", "no result of “{vote}” recorded yet"),
    ("item.due", "截止 {due}", "due {due}"),
    // A requirement's status in the unit table and its drill-down (output::units::status_word).
    ("status.done", "已完成", "done"),
    ("status.pending", "待办", "due"),
    ("status.overdue", "已逾期", "overdue"),
    ("status.exempt", "免做", "exempt"),
    // Phase gates.
    ("gate.blocked", "{phase}:转段尚缺 {labels}", "{phase}: before moving on, still needed: {labels}"),
    ("gate.blocked_head", "{phase}:转段尚缺:", "{phase}: before moving on, still needed:"),
    ("gate.met", "{phase}:转段条件已满足", "{phase}: ready to move to the next phase"),
    // Material findings.
    (
        "chars.short",
        "字数 {chars},少于{role}的最低要求 {min} 字,还差 {short} 字",
        "{chars} characters; the minimum for {role} is {min}, {short} to go",
    ),
    ("part.missing", "缺少“{part}”部分(应含“{marker}”等字样)", "The part “{part}” is missing (it should contain words such as “{marker}”)"),
    ("part.field_missing", "“{part}”部分缺少:{fields}", "The part “{part}” lacks: {fields}"),
    ("part.order", "各部分顺序应为:{names| → }", "The parts should come in this order: {names| → }"),
    ("area.missing", "未涉及:{missing}", "Not yet covered: {missing}"),
    ("area.role_missing", "{role}还应剖析:{missing}", "As {role} you should also examine: {missing}"),
    (
        "area.too_few",
        "只涉及 {have} 个方面,至少应涉及 {need} 个;未涉及:{missing}",
        "Only {have} areas covered, at least {need} needed; not covered: {missing}",
    ),
    ("flag", "“{phrase}”:{reason}", "“{phrase}”: {reason}"),
    // Itemised materials (整改方案).
    ("item.field_missing", "“{heading}”第{no}项缺少“{field}”(应写“{marker}:……”)", "Item {no} of “{heading}” lacks {field} (write “{marker}: …”)"),
    ("item.field_empty", "“{heading}”第{no}项的“{field}”没有填写内容", "Item {no} of “{heading}”: {field} is empty"),
    (
        "item.date_invalid",
        "“{heading}”第{no}项的“{field}”“{expr}”不是有效日期:{why}",
        "Item {no} of “{heading}”: {field} “{expr}” is not a valid date: {why}",
    ),
    (
        "item.date_missing",
        "“{heading}”第{no}项的“{field}”没有写明日期(“{shown}”),应写如“5月底前”“2005年5月31日前”",
        "Item {no} of “{heading}”: {field} names no date (“{shown}”); write e.g. “5月底前” or “2005年5月31日前”",
    ),
    (
        "item.none",
        "没有找到整改项:请按“{classes|”“}”分类,类别名称另起一行,再逐项写明{fields}",
        "No items found: start each class (“{classes|”, “}”) on its own line, then write {fields} for each item",
    ),
    ("item.too_few", "只有 {have} 项,至少应有 {need} 项", "Only {have} items, at least {need} required"),
    ("date.no_month", "没有{month}月", "there is no month {month}"),
    ("date.no_day", "{month}月没有{day}日", "month {month} has no day {day}"),
    ("date.no_day_in", "{year}年{month}月没有{day}日", "{year}-{month} has no day {day}"),
    ("date.no_quarter", "没有第{quarter}季度", "there is no quarter {quarter}"),
    ("date.year_only", "只写了年份,请写到月份", "a year alone is not precise enough: name the month"),
    // Satisfaction votes (worded by the widget's calculator).
    ("vote.rate", "{groups|和}率 {rate}%", "Rate of {groups| + }: {rate}%"),
    ("vote.below", "{rate},低于 {line}%,需{action}", "{rate}, below {line}%: {action} required"),
    ("vote.not_below", "{rate},未低于 {line}%,不需{action}", "{rate}, not below {line}%: no {action} needed"),
    ("vote.above", "{rate},高于 {line}%,需{action}", "{rate}, above {line}%: {action} required"),
    ("vote.not_above", "{rate},未高于 {line}%,不需{action}", "{rate}, not above {line}%: no {action} needed"),
    ("vote.no_line", "{rate}(本地规则未设触发线)", "{rate} (these rules set no threshold)"),
    ("vote.action", "处理", "action"),
];

fn template(lang: Lang, code: &str) -> Option<&'static str> {
    CATALOGUE.iter().find(|(c, _, _)| *c == code).map(|(_, zh, en)| if lang == Lang::En { *en } else { *zh })
}

/// A number as people write it: `2`, `2.5`, never `2.0`.
pub fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

fn arg(lang: Lang, a: &Arg, sep: Option<&str>, out: &mut String) {
    match a {
        Arg::Num(x) => out.push_str(&num(*x)),
        Arg::Text(s) => out.push_str(s),
        Arg::List(xs) => out.push_str(&xs.join(sep.unwrap_or_else(|| template(lang, "sep.list").unwrap_or("、")))),
        Arg::Msg(m) => out.push_str(&word(lang, m)),
    }
}

/// Words a message. An unknown code or a missing parameter is never dropped
/// silently: the code (or `{name}`) stays in the text.
pub fn word(lang: Lang, m: &Msg) -> String {
    let Some(t) = template(lang, &m.code) else {
        let params: Vec<String> = m
            .params
            .iter()
            .map(|(k, v)| {
                let mut s = format!("{k}=");
                arg(lang, v, None, &mut s);
                s
            })
            .collect();
        return format!("{}({})", m.code, params.join(", "));
    };
    let mut out = String::with_capacity(t.len() + 16);
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find('}') else { break };
        let inner = &rest[i + 1..i + j];
        let (name, sep) = match inner.split_once('|') {
            Some((n, s)) => (n, Some(s)),
            None => (inner, None),
        };
        match m.param(name) {
            Some(a) => arg(lang, a, sep, &mut out),
            None => {
                out.push('{');
                out.push_str(name);
                out.push('}');
            }
        }
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    out
}

/// Several messages as one reason line (`;` in Chinese, `; ` in English).
pub fn join(lang: Lang, ms: &[Msg]) -> String {
    let sep = template(lang, "sep.reason").unwrap_or(";");
    ms.iter().map(|m| word(lang, m)).collect::<Vec<_>>().join(sep)
}

/// The catalogue as JSON: `{"zh": {code: template}, "en": {…}}`.
pub fn catalogue_json() -> String {
    let pick = |en: bool| -> serde_json::Map<String, serde_json::Value> {
        CATALOGUE.iter().map(|(c, zh, e)| (c.to_string(), serde_json::Value::String(if en { e } else { zh }.to_string()))).collect()
    };
    serde_json::json!({ "zh": pick(false), "en": pick(true) }).to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn words_every_parameter_kind() {
        let m = Msg::new("part.order").with("names", vec!["一".to_string(), "二".to_string()]);
        assert_eq!(word(Lang::Zh, &m), "各部分顺序应为:一 → 二");
        let m = Msg::new("item.lack_count").with("have", 1.5).with("required", 4usize).with("unit", "学时").with("short", 2.5);
        assert_eq!(word(Lang::Zh, &m), "已有 1.5/4 学时,还差 2.5");
        assert_eq!(word(Lang::En, &m), "1.5/4 学时 so far, 2.5 to go");
        let why = Msg::new("date.no_month").with("month", 13u32);
        let m = Msg::new("item.date_invalid")
            .with("heading", "立即整改")
            .with("no", 1usize)
            .with("field", "完成时间")
            .with("expr", "13月")
            .with("why", why);
        assert_eq!(word(Lang::En, &m), "Item 1 of “立即整改”: 完成时间 “13月” is not a valid date: there is no month 13");
        let m = Msg::new("area.missing").with("missing", vec!["a".to_string(), "b".to_string()]);
        assert_eq!(word(Lang::En, &m), "Not yet covered: a, b");
    }

    #[test]
    fn nothing_is_dropped_silently() {
        assert_eq!(word(Lang::Zh, &Msg::new("no.such").with("x", 1usize)), "no.such(x=1)");
        assert_eq!(word(Lang::Zh, &Msg::new("item.due")), "截止 {due}");
    }

    #[test]
    fn every_template_names_the_same_parameters_in_both_languages() {
        let names = |t: &str| -> Vec<String> {
            let mut v: Vec<String> =
                t.split('{').skip(1).filter_map(|s| s.split_once('}')).map(|(n, _)| n.split('|').next().unwrap_or("").to_string()).collect();
            v.sort();
            v.dedup();
            v
        };
        let mut codes: Vec<&str> = CATALOGUE.iter().map(|x| x.0).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), CATALOGUE.len(), "a code is listed twice");
        for (c, zh, en) in CATALOGUE {
            assert_eq!(names(zh), names(en), "{c}");
            assert!(
                !en.chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)) || en.contains("5月底前") || c.starts_with("sep"),
                "{c}: Chinese in the English template"
            );
        }
        let round: Msg = serde_json::from_str(&serde_json::to_string(&Msg::new("flag").with("phrase", "太忙").with("n", 2usize)).unwrap()).unwrap();
        assert_eq!(word(Lang::Zh, &round), "“太忙”:{reason}");
    }
}

//! The results workbook of scoring, defined once: sheet 1 评议结果 (one row per
//! member), sheet 2 未计分的行 (every row not used, by file and line), sheet 3
//! 所用规则 (the rules the results come from), and, when the members' progress
//! was given (`score --profiles`), sheet 4 花名册与进度 (unit, role, progress: what
//! an office's unit table reads back, `xianjiao units`). The CLI's
//! `score -o x.xlsx|csv` and the office page's exports are this workbook.
//!
//! The input is the report as it is serialized (the CLI's `--json`, the office
//! wasm's `readSheets`), read back into [`ResultsInput`]: both front ends
//! start from the same JSON, so they cannot see different fields.

use super::{column, Cell, Column, Format, Sheet, Workbook};
use crate::messages::Lang;
use crate::model::Outcome;
use crate::ruleset::RuleSet;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A committee decision as serialized.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DecisionView {
    /// The outcome decided.
    pub outcome: String,
    /// Handling (限期改正 …).
    #[serde(default)]
    pub handling: Option<String>,
    /// Free text.
    #[serde(default)]
    pub note: Option<String>,
}

/// One member of a serialized report.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MemberView {
    /// Name.
    pub member: String,
    /// Composite (null when not a number).
    #[serde(default)]
    pub composite: Option<f64>,
    /// Per rater group: `{sheets, mean, …}`.
    #[serde(default)]
    pub groups: Map<String, Value>,
    /// Sheets received.
    #[serde(default)]
    pub sheets: u32,
    /// Per item: the member's mean (absent when the scorer did not keep them).
    #[serde(default)]
    pub items: Map<String, Value>,
    /// Rater groups with no sheet.
    #[serde(default)]
    pub missing_groups: Vec<String>,
    /// The rules' outcome.
    #[serde(default)]
    pub outcome: Option<String>,
    /// The outcome is a suggestion (建议).
    #[serde(default)]
    pub suggestion: bool,
    /// The committee's decision.
    #[serde(default)]
    pub decision: Option<DecisionView>,
}

impl MemberView {
    /// The fields of a scored member that its conclusion and notes read (no group or item means).
    pub fn of(m: &crate::eval::score::SubjectScore) -> MemberView {
        MemberView {
            member: m.member.clone(),
            composite: Some(m.composite),
            sheets: m.sheets,
            missing_groups: m.missing_groups.clone(),
            outcome: m.outcome.clone(),
            suggestion: m.suggestion,
            decision: m.decision.as_ref().map(|d| DecisionView { outcome: d.outcome.clone(), handling: d.handling.clone(), note: d.note.clone() }),
            ..MemberView::default()
        }
    }

    /// Mean and sheets of a rater group, when it has sheets.
    pub fn group(&self, g: &str) -> Option<(Option<f64>, u32)> {
        let x = self.groups.get(g)?;
        let sheets = x.get("sheets").and_then(Value::as_u64).unwrap_or(0);
        Some((x.get("mean").and_then(Value::as_f64), u32::try_from(sheets).unwrap_or(u32::MAX)))
    }
}

/// How the outcome is meant, as serialized.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OutcomeView {
    /// A suggestion for the committee.
    #[serde(default)]
    pub suggestion: bool,
    /// Labels a decision may take.
    #[serde(default)]
    pub labels: Vec<String>,
    /// Handling options.
    #[serde(default)]
    pub handling: Vec<String>,
    /// Seed and quote.
    #[serde(default)]
    pub source: Option<String>,
    /// The locality's choice.
    #[serde(default)]
    pub local: Option<String>,
}

/// A serialized score report (the fields the outputs show).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReportView {
    /// Form name.
    pub form: String,
    /// Items and points.
    #[serde(default)]
    pub items: Vec<(String, f64)>,
    /// Members in order.
    #[serde(default)]
    pub members: Vec<MemberView>,
    /// How the outcome is meant.
    #[serde(default)]
    pub outcome_rule: OutcomeView,
    /// Decisions for names with no sheet.
    #[serde(default)]
    pub unmatched_decisions: Vec<String>,
}

/// A row that was not used: where and why.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProblemView {
    /// File (or `file#sheet`).
    pub file: String,
    /// Line in it.
    pub row: usize,
    /// Field at fault.
    #[serde(default)]
    pub field: Option<String>,
    /// Why.
    pub reason: String,
}

/// One subject's satisfaction rate.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TallyView {
    /// Member.
    pub subject: String,
    /// Rate in percent.
    #[serde(default)]
    pub rate: Option<f64>,
}

/// A serialized satisfaction vote.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct VoteView {
    /// Vote name.
    pub vote: String,
    /// Tiers in the rate.
    #[serde(default)]
    pub rate_of: Vec<String>,
    /// Per subject.
    #[serde(default)]
    pub subjects: Vec<TallyView>,
}

/// Everything the results workbook shows.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ResultsInput {
    /// The score report.
    pub report: ReportView,
    /// Rows not used (sheets first, then decisions, votes, profiles).
    #[serde(default)]
    pub problems: Vec<ProblemView>,
    /// The members' satisfaction vote.
    #[serde(default)]
    pub satisfaction: Option<VoteView>,
    /// Names with a satisfaction vote and no sheet.
    #[serde(default)]
    pub unmatched_satisfaction: Vec<String>,
    /// The roster with each member's progress, when given.
    #[serde(default)]
    pub roster: Vec<RosterLine>,
}

/// A member of the roster with progress (`score --profiles`), as the unit table reads it back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RosterLine {
    /// Name.
    pub member: String,
    /// Role.
    pub role: String,
    /// The member's unit (its name, or a unit type of the rules).
    pub unit: Option<String>,
    /// The unit type of the rules.
    pub unit_type: Option<String>,
    /// Batch.
    pub batch: Option<String>,
    /// 个人情况.
    pub conditions: Vec<String>,
    /// Done items and amounts.
    pub progress: Map<String, Value>,
}

impl From<&crate::RosterMember> for RosterLine {
    fn from(m: &crate::RosterMember) -> Self {
        RosterLine {
            member: m.member.clone(),
            role: m.profile.role.clone(),
            unit: m.unit.clone(),
            unit_type: m.profile.unit.clone(),
            batch: m.profile.batch.clone(),
            conditions: m.profile.conditions.clone(),
            progress: m.profile.progress.clone(),
        }
    }
}

/// Progress as a cell: `id;id=40` (done items, amounts) — what a clerk types and the
/// readers take (the CLI's `--profiles`) — or the JSON object when a value or an id does not fit that form.
pub fn progress_text(p: &Map<String, Value>) -> String {
    let plain = |k: &str| !k.is_empty() && k.trim() == k && !k.contains([';', '；', '、', ',', '=', ':', '{']);
    let mut parts = vec![];
    for (k, v) in p {
        match v {
            Value::Bool(true) if plain(k) => parts.push(k.clone()),
            Value::Bool(false) if plain(k) => {}
            Value::Number(n) if plain(k) => parts.push(format!("{k}={n}")),
            _ => return Value::Object(p.clone()).to_string(),
        }
    }
    parts.join(";")
}

/// The names (Chinese, English) of the results workbook's sheet of the rules used, which every `score -o` XLSX has, and of
/// its sheet of the roster with progress, which it has when the roster was given (the unit table reads that one).
pub const RULES_SHEET: (&str, &str) = ("所用规则", "Rules used");
/// See [`RULES_SHEET`].
pub const ROSTER_SHEET: (&str, &str) = ("花名册与进度", "Roster and progress");

/// Sheet 4: the roster with progress (headers as the readers of `--profiles` match them).
pub fn roster_sheet(x: &ResultsInput, lang: Lang) -> Sheet {
    let columns = vec![
        column(t(lang, "姓名", "member"), 10.0, Format::Text),
        column(t(lang, "角色", "role"), 10.0, Format::Text),
        column(t(lang, "单位", "unit"), 12.0, Format::Text),
        column(t(lang, "单位类型", "unit_type"), 8.0, Format::Text),
        column(t(lang, "批次", "batch"), 8.0, Format::Text),
        column(t(lang, "个人情况", "conditions"), 12.0, Format::Text),
        column(t(lang, "进度", "progress"), 40.0, Format::Text),
    ];
    let rows = x
        .roster
        .iter()
        .map(|m| {
            vec![
                Cell::t(&m.member),
                Cell::t(&m.role),
                Cell::opt(m.unit.as_deref()),
                Cell::opt(m.unit_type.as_deref()),
                Cell::opt(m.batch.as_deref()),
                Cell::opt(Some(&m.conditions.join(";"))),
                Cell::opt(Some(&progress_text(&m.progress))),
            ]
        })
        .collect();
    Sheet { name: t(lang, ROSTER_SHEET.0, ROSTER_SHEET.1).into(), columns, rows, freeze: (1, 1) }
}

impl ResultsInput {
    /// Reads the serialized pieces back (the one path both front ends take).
    pub fn from_json(report: &Value, problems: &Value, satisfaction: Option<&Value>, unmatched_satisfaction: &[String]) -> Result<Self, String> {
        let e = |e: serde_json::Error| format!("结果无法读取 / cannot read the results: {e}");
        Ok(ResultsInput {
            report: ReportView::deserialize(report).map_err(e)?,
            problems: Vec::<ProblemView>::deserialize(problems).map_err(e)?,
            satisfaction: satisfaction.map(VoteView::deserialize).transpose().map_err(e)?,
            unmatched_satisfaction: unmatched_satisfaction.to_vec(),
            roster: vec![],
        })
    }
}

fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::En {
        en
    } else {
        zh
    }
}

/// The conclusion as a branch reads it: the committee's decision marked as
/// such, or the rules' outcome marked as a suggestion (建议).
pub fn conclusion(m: &MemberView, lang: Lang) -> String {
    match (&m.decision, &m.outcome) {
        (Some(d), _) => format!("{}{}", d.outcome, t(lang, "(支委会决定)", " (committee decision)")),
        (None, Some(o)) if m.suggestion => format!("{o}{}", t(lang, "(建议)", " (suggested)")),
        (None, Some(o)) => o.clone(),
        (None, None) => String::new(),
    }
}

/// The rater groups of the report's form, in the rules' order (`全部` when it has none).
pub fn groups(rs: &RuleSet, form: &str) -> Vec<String> {
    let g: Vec<String> =
        rs.rules().forms.iter().find(|f| f.name == form).map(|f| f.groups.iter().map(|(g, _)| g.clone()).collect()).unwrap_or_default();
    if g.is_empty() {
        vec!["全部".into()]
    } else {
        g
    }
}

/// The member table's columns (also the page's table and the CSV).
pub fn member_columns(groups: &[String], satisfaction: bool, lang: Lang) -> Vec<Column> {
    let mut c = vec![column(t(lang, "姓名", "Member"), 10.0, Format::Text).brief()];
    for g in groups {
        c.push(column(format!("{g}{}", t(lang, "平均分", " mean")), 10.0, Format::Score));
        c.push(column(format!("{g}{}", t(lang, "份数", " sheets")), 8.0, Format::Count));
    }
    c.push(column(t(lang, "综合得分", "Composite"), 10.0, Format::Score).brief());
    if satisfaction {
        c.push(column(t(lang, "满意率(%)", "Satisfaction (%)"), 10.0, Format::Score));
    }
    c.push(column(t(lang, "结论", "Outcome"), 20.0, Format::Text).brief());
    c.push(column(t(lang, "处理方式", "Handling"), 12.0, Format::Text));
    c.push(column(t(lang, "备注", "Note"), 24.0, Format::Text));
    c.push(column(t(lang, "缺少的评议组", "Missing rater groups"), 14.0, Format::Text).brief());
    c
}

/// Sheet 1: one row per member.
pub fn members_sheet(rs: &RuleSet, x: &ResultsInput, lang: Lang) -> Sheet {
    let groups = groups(rs, &x.report.form);
    let sat = x.satisfaction.as_ref();
    let rows = x
        .report
        .members
        .iter()
        .map(|m| {
            let mut row = vec![Cell::t(&m.member)];
            for g in &groups {
                match m.group(g) {
                    Some((mean, sheets)) => {
                        row.push(mean.map_or(Cell::Empty, Cell::n));
                        row.push(Cell::n(f64::from(sheets)));
                    }
                    None => {
                        row.push(Cell::Empty);
                        row.push(Cell::n(0.0));
                    }
                }
            }
            row.push(m.composite.map_or(Cell::Empty, Cell::n));
            if let Some(v) = sat {
                row.push(v.subjects.iter().find(|s| s.subject == m.member).and_then(|s| s.rate).map_or(Cell::Empty, Cell::n));
            }
            row.push(Cell::opt(Some(&conclusion(m, lang))));
            let d = m.decision.as_ref();
            row.push(Cell::opt(d.and_then(|d| d.handling.as_deref())));
            row.push(Cell::opt(d.and_then(|d| d.note.as_deref())));
            row.push(Cell::opt(Some(&m.missing_groups.join("、"))));
            row
        })
        .collect();
    Sheet { name: t(lang, "评议结果", "Results").into(), columns: member_columns(&groups, sat.is_some(), lang), rows, freeze: (1, 1) }
}

/// A rejected row's field as a page shows it: the column's name, not the
/// engine's key (`rater_group` → 评议组); item names pass through.
pub fn field_label(key: &str, lang: Lang) -> String {
    let zh_en = match key {
        "member" => ("姓名", "member"),
        "rater_group" => ("评议组", "rater group"),
        "decision" => ("结论", "decision"),
        "handling" => ("处理方式", "handling"),
        "note" => ("备注", "note"),
        "tier" => ("档次", "tier"),
        "unit" => ("单位", "unit"),
        "progress" => ("进度", "progress"),
        _ => return key.to_string(),
    };
    t(lang, zh_en.0, zh_en.1).to_string()
}

/// Sheet 2: the rows not used.
pub fn problems_sheet(x: &ResultsInput, lang: Lang) -> Sheet {
    let columns = vec![
        column(t(lang, "文件", "File"), 24.0, Format::Text),
        column(t(lang, "行", "Row"), 6.0, Format::Count),
        column(t(lang, "字段", "Field"), 10.0, Format::Text),
        column(t(lang, "原因", "Reason"), 60.0, Format::Text),
    ];
    let mut rows: Vec<Vec<Cell>> = x
        .problems
        .iter()
        .map(|p| {
            vec![Cell::t(&p.file), Cell::n(p.row as f64), Cell::opt(p.field.as_deref().map(|f| field_label(f, lang)).as_deref()), Cell::t(&p.reason)]
        })
        .collect();
    for name in &x.report.unmatched_decisions {
        rows.push(vec![
            Cell::t(t(lang, "支委会决定", "decisions")),
            Cell::Empty,
            Cell::t(field_label("member", lang)),
            Cell::t(format!("“{name}”没有测评表,决定未采用 / no sheets for this name")),
        ]);
    }
    for name in &x.unmatched_satisfaction {
        rows.push(vec![
            Cell::t(t(lang, "满意度测评", "satisfaction votes")),
            Cell::Empty,
            Cell::t(field_label("member", lang)),
            Cell::t(format!("“{name}”没有测评表,满意度未采用 / no sheets for this name")),
        ]);
    }
    Sheet { name: t(lang, "未计分的行", "Rejected rows").into(), columns, rows, freeze: (1, 0) }
}

fn provenance(source: Option<&str>, local: Option<&str>) -> String {
    [source, local].into_iter().flatten().collect::<Vec<_>>().join(";")
}

/// Sheet 3: the rules the results come from.
pub fn rules_sheet(rs: &RuleSet, x: &ResultsInput, lang: Lang) -> Sheet {
    let columns = vec![
        column(t(lang, "类别", "Kind"), 16.0, Format::Text),
        column(t(lang, "名称", "Name"), 30.0, Format::Text),
        column(t(lang, "值", "Value"), 8.0, Format::Text),
        column(t(lang, "出处", "Provenance"), 60.0, Format::Text),
    ];
    let mut rows = vec![];
    let mut row = |k: &str, n: String, v: Cell, p: String| rows.push(vec![Cell::t(k), Cell::t(n), v, Cell::opt(Some(&p))]);
    for (i, f) in rs.files().iter().enumerate() {
        row(t(lang, "规则文件(上级在前)", "Rule file (parents first)"), f.clone(), Cell::n((i + 1) as f64), String::new());
    }
    if let Some(f) = rs.rules().forms.iter().find(|f| f.name == x.report.form) {
        row(t(lang, "测评表", "Form"), f.name.clone(), Cell::n(f.total), provenance(f.origin.source.as_deref(), f.origin.local.as_deref()));
        for (item, pts) in &f.items {
            row(t(lang, "测评项目及分值", "Item and points"), item.clone(), Cell::n(*pts), String::new());
        }
        for (g, w) in &f.groups {
            row(t(lang, "评议组及权重(%)", "Rater group and weight (%)"), g.clone(), Cell::n(*w), String::new());
        }
        for (a, c) in &f.aliases {
            row(t(lang, "别名", "Alias"), a.clone(), Cell::t(c), String::new());
        }
        let trim = if f.trim {
            format!(
                "{}{}",
                t(lang, "去掉最高分和最低分,每组至少 ", "drop the highest and lowest sheet when a group has at least "),
                f.trim_min.max(3)
            )
        } else {
            t(lang, "不去最高分和最低分", "no sheets dropped").into()
        };
        row(t(lang, "平均分计算", "Averages"), trim, Cell::Empty, String::new());
        let rule = match &f.outcome {
            Outcome::None => t(lang, "无", "none").to_string(),
            Outcome::Hook(name) => format!("{}{name}", t(lang, "规则文件中的函数 ", "the rule file's function ")),
            Outcome::Tiers(v) => v.iter().map(|(min, l)| format!("≥{min} {l}")).collect::<Vec<_>>().join(";"),
        };
        let info = &x.report.outcome_rule;
        let kind = if info.suggestion {
            t(lang, "结论规则(仅为建议,由支委会决定)", "Outcome rule (a suggestion; the committee decides)")
        } else {
            t(lang, "结论规则", "Outcome rule")
        };
        row(kind, rule, Cell::Empty, provenance(info.source.as_deref(), info.local.as_deref()));
        if !info.labels.is_empty() {
            row(t(lang, "可选结论", "Outcome labels"), info.labels.join("、"), Cell::Empty, String::new());
        }
        if !info.handling.is_empty() {
            row(t(lang, "处理方式", "Handling options"), info.handling.join("、"), Cell::Empty, String::new());
        }
    }
    if let Some(v) = &x.satisfaction {
        let vote = rs.rules().votes.iter().find(|y| y.name == v.vote);
        let prov = vote.map(|y| provenance(y.origin.source.as_deref(), y.origin.local.as_deref())).unwrap_or_default();
        row(t(lang, "满意度测评", "Satisfaction vote"), v.vote.clone(), Cell::Empty, prov);
        row(t(lang, "满意率 =", "Rate ="), format!("({}) / {}", v.rate_of.join("+"), t(lang, "参评人数", "respondents")), Cell::Empty, String::new());
    }
    Sheet { name: t(lang, RULES_SHEET.0, RULES_SHEET.1).into(), columns, rows, freeze: (1, 0) }
}

/// The results workbook: members, rows not used, rules used (and the roster with progress, when given).
pub fn results(rs: &RuleSet, x: &ResultsInput, lang: Lang) -> Workbook {
    let mut sheets = vec![members_sheet(rs, x, lang), problems_sheet(x, lang), rules_sheet(rs, x, lang)];
    if !x.roster.is_empty() {
        sheets.push(roster_sheet(x, lang));
    }
    Workbook { sheets }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn progress_cells_are_what_a_clerk_types_unless_they_cannot_be() {
        let m = |v: Value| v.as_object().unwrap().clone();
        assert_eq!(progress_text(&m(serde_json::json!({ "征求意见": true, "学习学时": 40, "交心谈心": false }))), "征求意见;学习学时=40");
        // An id with a separator in it, or a text value: the JSON object, which the readers also take.
        let odd = m(serde_json::json!({ "谈心,交心": true }));
        assert_eq!(serde_json::from_str::<Value>(&progress_text(&odd)).unwrap(), Value::Object(odd));
        let text = m(serde_json::json!({ "日期": "2005-03-01" }));
        assert_eq!(serde_json::from_str::<Value>(&progress_text(&text)).unwrap(), Value::Object(text));
    }
}

//! What a branch and a campaign office take away from scoring: the committee's
//! decisions and the members' satisfaction votes read in, the result tables
//! (members, rejected rows, rules used) for XLSX/CSV, and test statistics.

use crate::args::{day, Lang, Scoring};
use crate::error::CliError;
use crate::input::{self, Field, PlainRows, Problem, Target};
use crate::profiles::{self, Progress};
use crate::timing::timing;
use crate::xlsxout::{Cell, Table};
use std::path::{Path, PathBuf};
use xianjiao_core::{Outcome, RuleSet, ScoreReport, SubjectScore, VoteReport};

/// Everything scoring produced.
#[derive(Debug)]
pub struct Scored {
    /// The report, rejected rows relocated to their own files.
    pub report: ScoreReport,
    /// Every unused row of every input (sheets, decisions, satisfaction votes).
    pub problems: Vec<Problem>,
    /// The members' satisfaction votes, when given.
    pub satisfaction: Option<VoteReport>,
    /// Rejected rows' files (for `--json`).
    pub origin: Vec<Option<String>>,
    /// The sheet sources.
    pub inputs: input::Inputs,
    /// Names with a satisfaction vote but no sheet: listed, never used.
    pub unmatched_satisfaction: Vec<String>,
    /// Members' checklists, when profiles were given.
    pub profiles: Option<Vec<Progress>>,
}

/// The label of the only (or first) source read, for rejections of a single file.
fn first_label(inputs: &input::Inputs, fallback: &Path) -> String {
    inputs
        .sources
        .iter()
        .find(|s| s.status == "read")
        .map(|s| match &s.sheet {
            Some(sh) => format!("{}#{sh}", s.file),
            None => s.file.clone(),
        })
        .unwrap_or_else(|| fallback.display().to_string())
}

fn relocated(inputs: &input::Inputs, path: &Path, line: usize) -> (String, usize) {
    let mut r = xianjiao_core::Rejection { row: line, field: None, reason: String::new() };
    let label = inputs.relocate(&mut r).unwrap_or_else(|| first_label(inputs, path));
    (label, r.row)
}

/// The fields of a decisions file.
pub fn decision_fields() -> Vec<Field> {
    vec![
        Field { key: "member", names: &["姓名", "member", "党员"], required: true },
        Field { key: "decision", names: &["结论", "decision", "决定", "评议结论"], required: true },
        Field { key: "handling", names: &["处理", "handling", "处理方式"], required: false },
        Field { key: "note", names: &["备注", "note"], required: false },
    ]
}

/// Scores the sheets with the committee's decisions and the satisfaction votes.
/// `lean`: only composites, group means and outcomes are shown (table, CSV),
/// so the per-item means are not computed.
pub fn score(rs: &RuleSet, s: &Scoring, lean: bool) -> Result<Scored, CliError> {
    let on = day(s.on.as_deref())?;
    let sheets = &s.sheets[..];
    let mut problems = vec![];
    let mut sc = rs.scorer(s.form.as_deref()).map_err(CliError::usage)?;
    if lean {
        sc = sc.without_item_means();
    }
    let inputs = input::read_all(sheets, Target::Score(&mut sc))?;
    if let Some(path) = &s.decisions {
        let mut rows = PlainRows::new(decision_fields());
        let din = input::read_all(std::slice::from_ref(path), Target::Plain(&mut rows))?;
        for (line, row) in &rows.rows {
            let (file, row_no) = relocated(&din, path, *line);
            let result = match row {
                Err(why) => Err((None, why.clone())),
                Ok(v) => {
                    let get = |i: usize| v.get(i).map(String::as_str).filter(|s| !s.is_empty());
                    sc.decide(get(0).unwrap_or(""), get(1).unwrap_or(""), get(2), get(3)).map_err(|why| {
                        let field = if why.contains("处理方式") {
                            "handling"
                        } else if why.contains("姓名") || why.contains("重复") {
                            "member"
                        } else {
                            "decision"
                        };
                        (Some(field.to_string()), why)
                    })
                }
            };
            if let Err((field, reason)) = result {
                eprintln!("{file}:{row_no}: 支委会决定未采用 / decision not applied: {reason}");
                problems.push(Problem { file, row: row_no, field, reason });
            }
        }
    }
    let satisfaction = match &s.satisfaction {
        None => None,
        Some(path) => {
            let mut vc = rs.vote_counter(s.satisfaction_vote.as_deref()).map_err(CliError::usage)?;
            let vin = input::read_all(std::slice::from_ref(path), Target::Votes(&mut vc))?;
            let mut v = vc.finish();
            for r in &mut v.rejected {
                let label = vin.relocate(r).unwrap_or_else(|| first_label(&vin, path));
                eprintln!("{label}:{}: 满意度测评未计入 / vote not counted: {}", r.row, r.reason);
                problems.push(Problem { file: label, row: r.row, field: r.field.clone(), reason: r.reason.clone() });
            }
            sc.set_satisfaction(&v);
            Some(v)
        }
    };
    let profiles = match &s.profiles {
        None => None,
        Some(path) => {
            let list = profiles::checklists(rs, path, on, &mut problems)?;
            for p in &list {
                if let Ok(cl) = &p.list {
                    sc.set_checklist(&p.p.member, cl.clone());
                }
            }
            Some(list)
        }
    };
    let t = std::time::Instant::now();
    let mut report = sc.finish().map_err(CliError::failed)?;
    timing("finish", t.elapsed());
    let origin: Vec<Option<String>> = report.rejected.iter_mut().map(|r| inputs.relocate(r)).collect();
    let single = first_label(&inputs, sheets.first().map(PathBuf::as_path).unwrap_or(Path::new("")));
    let sheet_problems = report.rejected.iter().zip(&origin).map(|(r, o)| Problem {
        file: o.clone().unwrap_or_else(|| single.clone()),
        row: r.row,
        field: r.field.clone(),
        reason: r.reason.clone(),
    });
    problems.splice(0..0, sheet_problems);
    for name in &report.unmatched_decisions {
        eprintln!("支委会决定中的“{name}”没有测评表,未采用 / a decision for a name with no sheets");
    }
    let unmatched_satisfaction: Vec<String> = satisfaction
        .iter()
        .flat_map(|v| &v.subjects)
        .filter(|t| !report.members.iter().any(|m| m.member == t.subject))
        .map(|t| t.subject.clone())
        .collect();
    for name in &unmatched_satisfaction {
        eprintln!("满意度测评中的“{name}”没有测评表,未采用 / a satisfaction vote for a name with no sheets");
    }
    Ok(Scored { report, problems, satisfaction, origin, inputs, unmatched_satisfaction, profiles })
}

/// The conclusion as a branch reads it: the committee's decision, or the
/// rules' outcome marked as a suggestion.
pub fn conclusion(m: &SubjectScore, lang: Lang) -> String {
    match (&m.decision, &m.outcome) {
        (Some(d), _) => format!("{}{}", d.outcome, lang.t("(支委会决定)", " (committee decision)")),
        (None, Some(o)) if m.suggestion => format!("{o}{}", lang.t("(建议)", " (suggested)")),
        (None, Some(o)) => o.clone(),
        (None, None) => String::new(),
    }
}

/// Sheet 1: one row per member.
pub fn members_table(s: &Scored, lang: Lang) -> Table {
    let r = &s.report;
    let groups = r.items_groups();
    let mut header = vec![lang.t("姓名", "Member").to_string()];
    for g in &groups {
        header.push(format!("{g}{}", lang.t("平均分", " mean")));
        header.push(format!("{g}{}", lang.t("份数", " sheets")));
    }
    header.push(lang.t("综合得分", "Composite").into());
    if s.satisfaction.is_some() {
        header.push(lang.t("满意率(%)", "Satisfaction (%)").into());
    }
    for h in [lang.t("结论", "Outcome"), lang.t("处理方式", "Handling"), lang.t("备注", "Note"), lang.t("缺少的评议组", "Missing rater groups")]
    {
        header.push(h.into());
    }
    let sat = |name: &str| s.satisfaction.as_ref().and_then(|v| v.subjects.iter().find(|t| t.subject == name));
    let rows = r
        .members
        .iter()
        .map(|m| {
            let mut row = vec![Cell::t(&m.member)];
            for g in &groups {
                match m.groups.get(g) {
                    Some(x) => {
                        row.push(Cell::n(x.mean));
                        row.push(Cell::n(f64::from(x.sheets)));
                    }
                    None => {
                        row.push(Cell::Empty);
                        row.push(Cell::n(0.0));
                    }
                }
            }
            row.push(Cell::n(m.composite));
            if s.satisfaction.is_some() {
                row.push(sat(&m.member).map_or(Cell::Empty, |t| Cell::n(t.rate)));
            }
            row.push(Cell::t(conclusion(m, lang)));
            row.push(m.decision.as_ref().and_then(|d| d.handling.clone()).map_or(Cell::Empty, Cell::t));
            row.push(m.decision.as_ref().and_then(|d| d.note.clone()).map_or(Cell::Empty, Cell::t));
            row.push(if m.missing_groups.is_empty() { Cell::Empty } else { Cell::t(m.missing_groups.join("、")) });
            row
        })
        .collect();
    Table { name: lang.t("评议结果", "Results").into(), header, rows }
}

/// Sheet 2: the rows not used.
pub fn problems_table(s: &Scored, lang: Lang) -> Table {
    let header = [lang.t("文件", "File"), lang.t("行", "Row"), lang.t("字段", "Field"), lang.t("原因", "Reason")].map(String::from).to_vec();
    let mut rows: Vec<Vec<Cell>> = s
        .problems
        .iter()
        .map(|p| vec![Cell::t(&p.file), Cell::n(p.row as f64), p.field.clone().map_or(Cell::Empty, Cell::t), Cell::t(&p.reason)])
        .collect();
    for name in &s.report.unmatched_decisions {
        rows.push(vec![
            Cell::t(lang.t("支委会决定", "decisions")),
            Cell::Empty,
            Cell::t("member"),
            Cell::t(format!("“{name}”没有测评表,决定未采用 / no sheets for this name")),
        ]);
    }
    for name in &s.unmatched_satisfaction {
        rows.push(vec![
            Cell::t(lang.t("满意度测评", "satisfaction votes")),
            Cell::Empty,
            Cell::t("member"),
            Cell::t(format!("“{name}”没有测评表,满意度未采用 / no sheets for this name")),
        ]);
    }
    Table { name: lang.t("未计分的行", "Rejected rows").into(), header, rows }
}

fn provenance(o: &xianjiao_core::Origin) -> String {
    [o.source.as_deref(), o.local.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(";")
}

/// Sheet 3: the rules the results come from.
pub fn rules_table(rs: &RuleSet, s: &Scored, lang: Lang) -> Table {
    let header = [lang.t("类别", "Kind"), lang.t("名称", "Name"), lang.t("值", "Value"), lang.t("出处", "Provenance")].map(String::from).to_vec();
    let mut rows = vec![];
    let mut row =
        |k: &str, n: String, v: Cell, p: String| rows.push(vec![Cell::t(k), Cell::t(n), v, if p.is_empty() { Cell::Empty } else { Cell::t(p) }]);
    for (i, f) in rs.files().iter().enumerate() {
        row(lang.t("规则文件(上级在前)", "Rule file (parents first)"), f.clone(), Cell::n((i + 1) as f64), String::new());
    }
    let form = rs.rules().forms.iter().find(|f| f.name == s.report.form);
    if let Some(f) = form {
        row(lang.t("测评表", "Form"), f.name.clone(), Cell::n(f.total), provenance(&f.origin));
        for (item, pts) in &f.items {
            row(lang.t("测评项目及分值", "Item and points"), item.clone(), Cell::n(*pts), String::new());
        }
        for (g, w) in &f.groups {
            row(lang.t("评议组及权重(%)", "Rater group and weight (%)"), g.clone(), Cell::n(*w), String::new());
        }
        for (a, c) in &f.aliases {
            row(lang.t("别名", "Alias"), a.clone(), Cell::t(c), String::new());
        }
        let trim = if f.trim {
            format!("{}{}", lang.t("去掉最高分和最低分,每组至少 ", "drop the highest and lowest sheet when a group has at least "), f.trim_min.max(3))
        } else {
            lang.t("不去最高分和最低分", "no sheets dropped").into()
        };
        row(lang.t("平均分计算", "Averages"), trim, Cell::Empty, String::new());
        let rule = match &f.outcome {
            Outcome::None => lang.t("无", "none").to_string(),
            Outcome::Hook(name) => format!("{}{name}", lang.t("规则文件中的函数 ", "the rule file's function ")),
            Outcome::Tiers(t) => t.iter().map(|(min, l)| format!("≥{min} {l}")).collect::<Vec<_>>().join(";"),
        };
        let info = &s.report.outcome_rule;
        let kind = if info.suggestion {
            lang.t("结论规则(仅为建议,由支委会决定)", "Outcome rule (a suggestion; the committee decides)")
        } else {
            lang.t("结论规则", "Outcome rule")
        };
        row(kind, rule, Cell::Empty, provenance(&info.origin));
        if !info.labels.is_empty() {
            row(lang.t("可选结论", "Outcome labels"), info.labels.join("、"), Cell::Empty, String::new());
        }
        if !info.handling.is_empty() {
            row(lang.t("处理方式", "Handling options"), info.handling.join("、"), Cell::Empty, String::new());
        }
    }
    if let Some(v) = &s.satisfaction {
        let vote = rs.rules().votes.iter().find(|x| x.name == v.vote);
        row(lang.t("满意度测评", "Satisfaction vote"), v.vote.clone(), Cell::Empty, vote.map(|x| provenance(&x.origin)).unwrap_or_default());
        row(lang.t("满意率 =", "Rate ="), format!("({}) / {}", v.rate_of.join("+"), lang.t("参评人数", "respondents")), Cell::Empty, String::new());
    }
    Table { name: lang.t("所用规则", "Rules used").into(), header, rows }
}

/// Writes `score -o`: XLSX (three sheets) or CSV (the members, with a BOM).
pub fn write_results(rs: &RuleSet, s: &Scored, out: &Path, lang: Lang) -> Result<(), String> {
    let ext = out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    match ext.as_str() {
        "xlsx" => crate::xlsxout::write_xlsx(out, &[members_table(s, lang), problems_table(s, lang), rules_table(rs, s, lang)]),
        "csv" => crate::xlsxout::write_csv(out, &members_table(s, lang)),
        _ => Err("输出文件应以 .xlsx 或 .csv 结尾 / the output must end in .xlsx or .csv".into()),
    }
}

// ---------------------------------------------------------------- tests (百题测试)

/// The fields of a test-statistics file: unit figures or member rows.
pub fn exam_fields() -> Vec<Field> {
    vec![
        Field { key: "unit", names: &["单位", "unit", "党支部", "支部"], required: true },
        Field { key: "member", names: &["姓名", "member", "党员"], required: false },
        Field { key: "expected", names: &["应考", "expected", "应考人数", "党员人数"], required: false },
        Field { key: "took", names: &["参考", "took", "参考人数"], required: true },
        Field { key: "returned", names: &["回收", "returned", "回收答卷", "答卷回收"], required: true },
        Field { key: "average", names: &["平均分", "average", "平均成绩"], required: false },
        Field { key: "score", names: &["成绩", "score", "得分"], required: false },
    ]
}

/// Counts a test from unit figures or member rows.
pub fn exam(rs: &RuleSet, exam: Option<&str>, path: &Path) -> Result<(xianjiao_core::ExamReport, Vec<Option<String>>), CliError> {
    let mut ec = rs.exam_counter(exam).map_err(CliError::usage)?;
    let mut rows = PlainRows::new(exam_fields());
    let inputs = input::read_all(std::slice::from_ref(&path.to_path_buf()), Target::Plain(&mut rows))?;
    let members = rows.has("member");
    let unit_figures = rows.has("expected") && rows.has("average");
    if members && (rows.has("expected") || rows.has("average")) || !members && !unit_figures {
        return Err(CliError::file(path, "应为单位汇总(单位、应考、参考、回收、平均分)或每人一行(单位、姓名、参考、回收、成绩)/ expected unit figures (unit, expected, took, returned, average) or member rows (unit, member, took, returned, score)"));
    }
    if !members && rows.has("score") {
        return Err(CliError::file(path, "单位汇总不应有“成绩”列 / unit figures take no score column"));
    }
    for (line, row) in &rows.rows {
        match row {
            Err(why) => ec.reject_row(*line, None, why.clone()),
            Ok(v) => {
                let g = |k: &str| rows.col(k).and_then(|i| v.get(i)).map(String::as_str).unwrap_or("");
                if members {
                    if g("member").is_empty() {
                        ec.reject_row(*line, Some("member"), "缺少姓名 / missing member".into());
                        continue;
                    }
                    ec.add_member(*line, g("unit"), g("took"), g("returned"), g("score"));
                } else {
                    ec.add_unit(*line, g("unit"), g("expected"), g("took"), g("returned"), g("average"));
                }
            }
        }
    }
    let mut report = ec.finish();
    let origin = report.rejected.iter_mut().map(|r| inputs.relocate(r)).collect();
    Ok((report, origin))
}

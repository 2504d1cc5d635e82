//! What a branch and a campaign office take away from scoring: the committee's
//! decisions and the members' satisfaction votes read in, the result tables
//! (members, rejected rows, rules used) for XLSX/CSV, and test statistics.

use crate::args::{day, Lang, Scoring};
use crate::error::CliError;
use crate::input::{self, Field, PlainRows, Problem, Target};
use crate::profiles::{self, Progress};
use crate::timing::timing;
use std::path::{Path, PathBuf};
use xianjiao_core::output::forms::RosterEntry;
use xianjiao_core::output::{self, results::ResultsInput};
use xianjiao_core::{OutcomeInfo, RowCounts, RuleSet, ScoreReport, VoteReport};

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

/// Why scoring needs a form, and what works without one: what `score` and `report` say for rules that
/// declare no form (several seeds give no appraisal form; the tool never invents one).
pub const NO_FORM: &str = "规则中没有测评表(没有 form 声明;种子没有给出党员测评表的,规则文件不编造):\
计算测评得分和评议结论、打印附件4 评议意见表需要测评表。不需要测评表的照常可用:转段条件汇总和转段申请草稿\
(report --profiles 党员进度,可加 --votes 测评结果,不给测评表文件)、满意度测评(satisfaction)、单位汇总(units)。\
/ The rules declare no appraisal form (none is invented where the seed gives none): scores, outcomes and the \
opinion pages need one. Without one: the transition roll-up and draft application (report --profiles, optionally \
--votes, no sheets), votes (satisfaction) and the unit table (units).";

/// What a `report` has for rules that declare no form: no sheet scored (an empty report), the members'
/// checklists (--profiles). Sheets, decisions or per-member votes given are refused with [`NO_FORM`].
pub fn without_form(rs: &RuleSet, s: &Scoring) -> Result<Scored, CliError> {
    let given = [
        (s.sheets.first().map(|p| p.display().to_string()), "测评表文件 / sheets"),
        (s.decisions.as_ref().map(|_| "--decisions".to_string()), "支委会决定 / decisions"),
        (s.satisfaction.as_ref().map(|_| "--satisfaction".to_string()), "党员满意度测评 / per-member votes"),
        (s.form.clone().map(|f| format!("--form {f}")), "测评表 / form"),
    ];
    if let Some((Some(what), kind)) = given.into_iter().find(|x| x.0.is_some()) {
        return Err(CliError::usage(format!("{what}({kind}):{NO_FORM}")));
    }
    let on = day(s.on.as_deref())?;
    let mut problems = vec![];
    let profiles = match &s.profiles {
        None => None,
        Some(path) => Some(profiles::checklists(rs, path, on, &mut problems)?),
    };
    let report = ScoreReport {
        form: String::new(),
        items: vec![],
        groups: vec![],
        members: vec![],
        rejected: vec![],
        rows: RowCounts::default(),
        renamed: vec![],
        notes: vec![],
        outcome_rule: OutcomeInfo::default(),
        unmatched_decisions: vec![],
    };
    Ok(Scored { report, problems, satisfaction: None, origin: vec![], inputs: input::Inputs::default(), unmatched_satisfaction: vec![], profiles })
}

/// Scores the sheets with the committee's decisions and the satisfaction votes.
/// `lean`: only composites, group means and outcomes are shown (table, CSV),
/// so the per-item means are not computed.
pub fn score(rs: &RuleSet, s: &Scoring, lean: bool) -> Result<Scored, CliError> {
    let on = day(s.on.as_deref())?;
    let sheets = &s.sheets[..];
    let mut problems = vec![];
    if rs.rules().forms.is_empty() {
        return Err(CliError::usage(NO_FORM));
    }
    let mut sc = rs.scorer(s.form.as_deref()).map_err(CliError::usage)?;
    if sheets.is_empty() {
        return Err(CliError::usage("请给出填好的测评表文件(CSV 或 XLSX,可多个)/ give the filled-in forms (CSV or XLSX files)"));
    }
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

/// The results as the output definitions read them (core's `output::results`):
/// the report, the rows not used and the votes, serialized and read back — the
/// office wasm reads the same JSON.
pub fn results_input(s: &Scored) -> Result<ResultsInput, String> {
    let e = |e: serde_json::Error| format!("结果无法序列化 / cannot serialize the results: {e}");
    let report = serde_json::to_value(&s.report).map_err(e)?;
    let problems = serde_json::to_value(&s.problems).map_err(e)?;
    let sat = s.satisfaction.as_ref().map(serde_json::to_value).transpose().map_err(e)?;
    let mut x = ResultsInput::from_json(&report, &problems, sat.as_ref(), &s.unmatched_satisfaction)?;
    // The roster with progress rides along (sheet 花名册与进度): the office's unit table reads it back.
    x.roster = s
        .profiles
        .iter()
        .flatten()
        .map(|p| output::results::RosterLine {
            member: p.p.member.clone(),
            role: p.p.role.clone(),
            unit: p.p.unit.clone(),
            unit_type: p.p.unit_type.clone(),
            batch: p.p.batch.clone(),
            conditions: p.p.conditions.clone(),
            progress: p.p.progress.clone(),
        })
        .collect();
    Ok(x)
}

/// Writes `score -o`: XLSX (three sheets, a fourth with the roster and progress when given) or CSV (the members, with a BOM),
/// both from core's one definition of the results workbook.
pub fn write_results(rs: &RuleSet, s: &Scored, out: &Path, lang: Lang) -> Result<(), String> {
    let ext = out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    let wb = output::results::results(rs, &results_input(s)?, lang.core());
    let bytes = match ext.as_str() {
        "xlsx" => output::xlsx::to_xlsx(&wb)?,
        "csv" => wb.sheets.first().map(output::csv_text).unwrap_or_default().into_bytes(),
        _ => return Err("输出文件应以 .xlsx 或 .csv 结尾 / the output must end in .xlsx or .csv".into()),
    };
    std::fs::write(out, bytes).map_err(|e| format!("无法写出 / cannot write: {e}"))
}

/// The columns of a roster (花名册).
fn roster_fields() -> Vec<Field> {
    vec![
        Field { key: "member", names: &["姓名", "member", "党员"], required: true },
        Field { key: "post", names: &["职务", "post"], required: false },
    ]
}

/// Reads a roster in its own order.
pub fn read_roster(path: &Path) -> Result<Vec<RosterEntry>, CliError> {
    let mut rows = PlainRows::new(roster_fields());
    input::read_all(std::slice::from_ref(&path.to_path_buf()), Target::Plain(&mut rows))?;
    let post = rows.col("post");
    let mut out = vec![];
    for (line, row) in &rows.rows {
        let v = row.as_ref().map_err(|why| CliError::file(path, format!("第 {line} 行:{why}")))?;
        let name = v.first().map(|s| s.trim()).unwrap_or("");
        if name.is_empty() {
            continue;
        }
        let p = post.and_then(|i| v.get(i)).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        out.push(RosterEntry { name: name.to_string(), post: p });
    }
    Ok(out)
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

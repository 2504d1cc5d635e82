//! The inputs of a 先教办's or 督导组's unit table as they reach the office (issue 23), read from their
//! bytes the same way by the CLI (`xianjiao units`) and the office page (the office wasm's `UnitsDesk`):
//! unit records and lower levels' tables (JSON), a lower level's `units -o 汇总.xlsx`, rosters with
//! progress (`--profiles` format, or `score -o` with its sheet 花名册与进度), the 督导组's record book
//! (转段审查 and 督导记录), the office's 抽查, votes per unit (附件6, 成效测评) and 附件5 回头看 sheets. Core's
//! [`UnitGather`] is told what each file held: read, refused with the reason, or a duplicate.

use crate::{read_all_bytes, read_bytes, Field, Inputs, PlainRows, Target};
use std::collections::BTreeMap;
use xianjiao_core::output::units::{level_from_data, DATA_SHEET};
use xianjiao_core::{
    review_fields, spot_check_fields, visit_fields, ApplicationRecord, Extra, RosterMember, RuleSet, SpotCheck, UnitGather, UnitTable, Visit,
};

/// One file: a duplicate of one read before, or read by what its name and content say it is.
pub fn read_unit_file(g: &mut UnitGather, rs: &RuleSet, name: &str, bytes: &[u8]) {
    if g.duplicate(name, bytes) {
        return;
    }
    match xianjiao_core::file_kind(name) {
        Ok("json") => g.json(name, bytes),
        Ok(_) => read_sheet(g, rs, name, bytes),
        Err(why) => g.refuse(name, why),
    }
}

/// A spreadsheet, tried as each kind in turn (see the module).
fn read_sheet(g: &mut UnitGather, rs: &RuleSet, name: &str, bytes: &[u8]) {
    if crate::is_sheet(name) {
        match level_from_workbook(name, bytes) {
            Ok(Some(t)) => return g.level(name, Ok(t)),
            Ok(None) => {}
            Err(e) => return g.level(name, Err(e)),
        }
    }
    let roster_err = match roster(name, bytes) {
        Ok(Ok(list)) => return g.roster(name, Ok(list)),
        Ok(Err(problems)) => return g.roster(name, Err(problems)),
        Err(e) => e,
    };
    // A 督导组's record book holds its reviews and its visits, on two sheets of one workbook.
    let mut book = vec![];
    // (the office's 抽查 sheet may be one more sheet of such a workbook, or a file of its own)
    for try_read in [review_record, visit_record, spot_check_record] {
        match try_read(rs, name, bytes) {
            Ok(Some(v)) => book.extend(v),
            Ok(None) => {}
            Err(e) => return g.extras(name, Err(e)),
        }
    }
    if !book.is_empty() {
        return g.extras(name, Ok(book));
    }
    for try_read in [votes_per_unit, lookback_per_unit] {
        match try_read(rs, name, bytes) {
            Ok(Some(v)) => return g.extras(name, Ok(v)),
            Ok(None) => {}
            Err(e) => return g.extras(name, Err(e)),
        }
    }
    // A branch's results (`score -o`, the office page's export) without the roster: say what to do.
    if crate::is_sheet(name) && is_results_without_roster(name, bytes) {
        let (rules, roster) = (xianjiao_core::output::results::RULES_SHEET, xianjiao_core::output::results::ROSTER_SHEET);
        return g.refuse(
            name,
            format!(
                "这是支部的评议结果表(有“{}”页),但没有“{}”页:请连同花名册与进度一起导出(xianjiao score … --profiles 进度文件 -o …,或工作台“评议计分”页的“花名册与进度(可选)…”)/ a branch's results without the sheet {}: export them with the roster and progress (score --profiles, or the office page's roster picker)",
                rules.0, roster.0, roster.1
            ),
        );
    }
    g.refuse(
        name,
        format!(
            "不是下级汇总表、花名册(姓名、角色、单位、进度)、督导组记录、先教办抽查记录、各单位测评票(单位与档次)或附件5回头看测评表 / not a level's table, a roster, a review record, spot checks, votes per unit or 回头看 sheets ({roster_err})"
        ),
    );
}

/// True when the workbook is a results workbook (it has the sheet of the rules used) with no sheet of the roster with progress.
fn is_results_without_roster(name: &str, bytes: &[u8]) -> bool {
    use xianjiao_core::output::results::{ROSTER_SHEET, RULES_SHEET};
    let Ok(sheets) = crate::workbook_cells(name, bytes) else { return false };
    let has = |(zh, en): (&str, &str)| sheets.iter().any(|(s, _)| s == zh || s == en);
    has(RULES_SHEET) && !has(ROSTER_SHEET)
}

/// A roster with progress (core's `roster_fields`, read by [`crate::profiles::profile_rows`] as `--profiles` is):
/// `Err` when it is not one, `Ok(Err)` with its bad rows.
pub fn roster(name: &str, bytes: &[u8]) -> Result<Result<Vec<RosterMember>, String>, String> {
    let mut rows = PlainRows::new(xianjiao_core::roster_fields());
    let (inputs, _) = read_all_bytes(&[(name, bytes)], Target::Plain(&mut rows))?;
    let (out, problems) = crate::profiles::profile_rows(&rows, &inputs, name);
    Ok(if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems.iter().map(|p| format!("{} 第 {} 行: {}", p.file, p.row, p.reason)).collect::<Vec<_>>().join(";"))
    })
}

/// A lower level's table from its workbook's sheet 汇总数据 (core's [`level_from_data`]); `None` when the workbook has none.
fn level_from_workbook(name: &str, bytes: &[u8]) -> Result<Option<UnitTable>, String> {
    let mut rows = PlainRows::new(vec![Field { key: "data", names: &[DATA_SHEET], required: true }]);
    let mut inputs = Inputs::default();
    if read_bytes(name, bytes, &mut Target::Plain(&mut rows), &mut inputs).is_err() || rows.rows.is_empty() {
        return Ok(None);
    }
    let cells: Vec<String> = rows.rows.iter().map(|(_, r)| r.as_ref().ok().and_then(|v| v.first()).cloned().unwrap_or_default()).collect();
    level_from_data(&cells).map(Some)
}

fn yes_no(s: &str) -> Result<Option<bool>, String> {
    match s.trim() {
        "" => Ok(None),
        "是" | "已申请" | "同意" | "已同意" | "√" | "✓" | "yes" | "true" | "1" => Ok(Some(true)),
        "否" | "未申请" | "不同意" | "未同意" | "×" | "no" | "false" | "0" => Ok(Some(false)),
        x => Err(format!("“{x}”应为 是 或 否 / should be yes or no")),
    }
}

/// Each row of a plain table in `bytes` (its columns `fields`), with its place (“file 第 n 行”) and its
/// non-blank cells by key; `Ok(false)` when the file holds no such table. `what` names the record in messages.
fn each_row(
    name: &str,
    bytes: &[u8],
    fields: Vec<Field>,
    what: &str,
    mut each: impl FnMut(&str, &dyn Fn(&str) -> Option<String>) -> Result<(), String>,
) -> Result<bool, String> {
    let mut rows = PlainRows::new(fields);
    let mut inputs = Inputs::default();
    if read_bytes(name, bytes, &mut Target::Plain(&mut rows), &mut inputs).is_err() || rows.rows.is_empty() {
        return Ok(false);
    }
    for (line, row) in &rows.rows {
        let mut r = xianjiao_core::Rejection { row: *line, field: None, reason: String::new() };
        let at = inputs.relocate(&mut r).unwrap_or_else(|| name.to_string());
        let at = format!("{at} 第 {} 行", r.row);
        let v = row.as_ref().map_err(|why| format!("{what} {at}:{why}"))?;
        each(&at, &|k: &str| rows.col(k).and_then(|i| v.get(i)).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()))?;
    }
    Ok(true)
}

/// The 督导组's record of 转段申请 (单位, 督导组, 阶段, 已申请, 审查意见, 审查日期, 先教办同意, 不同意理由): one row a unit
/// and phase; of a unit's rows, the latest phase's is kept (its application is the one still open).
fn review_record(rs: &RuleSet, name: &str, bytes: &[u8]) -> Result<Option<Vec<(String, Extra)>>, String> {
    let order = |p: &Option<String>| p.as_ref().map_or(usize::MAX, |p| rs.rules().phases.iter().position(|x| &x.name == p).unwrap_or(0));
    let mut kept: BTreeMap<String, (ApplicationRecord, Option<String>, usize)> = BTreeMap::new();
    let found = each_row(name, bytes, review_fields(), "督导组记录", |at, g| {
        let Some(unit) = g("unit") else { return Err(format!("督导组记录 {at}:没有写单位 / no unit")) };
        let phase = g("phase");
        if let Some(p) = &phase {
            if !rs.rules().phases.iter().any(|x| &x.name == p) {
                return Err(format!("督导组记录 {at}:规则中没有“{p}”阶段 / no such phase"));
            }
        }
        let flag = |k: &str| yes_no(&g(k).unwrap_or_default()).map_err(|e| format!("督导组记录 {at}:{e}"));
        let review = g("review");
        // 先教办同意: 同意 (是), not yet (否, 未同意, blank) or 不同意, which needs its reason (不同意理由); a reason alone is a 不同意.
        let refused = g("refused");
        let approved = if g("approved").as_deref() == Some("不同意") {
            if refused.is_none() {
                return Err(format!("督导组记录 {at}:先教办不同意,请在“不同意理由”一栏写明理由 / 不同意 without its reason"));
            }
            false
        } else {
            flag("approved")? == Some(true)
        };
        if approved && refused.is_some() {
            return Err(format!("督导组记录 {at}:先教办同意,却写了不同意理由 / approved, yet a reason for refusing it is given"));
        }
        let rec = ApplicationRecord {
            // A review implies an application.
            applied: flag("applied")?.or(review.as_ref().map(|_| true)),
            review,
            approved,
            phase: phase.clone(),
            reviewed_on: g("reviewed_on"),
            refused,
        };
        let rank = order(&phase);
        match kept.get(&unit) {
            Some((_, _, r)) if *r == rank => return Err(format!("督导组记录 {at}:{unit} 的同一阶段有两行 / two rows for one unit and phase")),
            Some((_, _, r)) if *r > rank => {}
            _ => {
                kept.insert(unit, (rec, g("group"), rank));
            }
        }
        Ok(())
    })?;
    Ok(found.then(|| kept.into_iter().map(|(u, (rec, group, _))| (u, Extra::Review(rec, group))).collect()))
}

/// The 督导组's visits (检查日期, 检查内容, 发现问题, 整改要求, 整改完成日期 per unit: core's `visit_fields`), one row a visit.
fn visit_record(_: &RuleSet, name: &str, bytes: &[u8]) -> Result<Option<Vec<(String, Extra)>>, String> {
    let mut out = vec![];
    let found = each_row(name, bytes, visit_fields(), "督导记录", |at, g| {
        let Some(unit) = g("unit") else { return Err(format!("督导记录 {at}:没有写单位 / no unit")) };
        let Some(on) = g("on") else { return Err(format!("督导记录 {at}:没有写检查日期 / no date")) };
        let visit =
            Visit { on, by: g("group"), checked: g("checked"), problems: g("problems"), follow_up: g("follow_up"), closed_on: g("closed_on") };
        out.push((unit, Extra::Visit(visit)));
        Ok(())
    })?;
    Ok(found.then_some(out))
}

/// The office's 抽查 (单位, 抽查单位, 抽查日期, 抽查发现, 责令补课: core's `spot_check_fields`), one row a unit.
fn spot_check_record(_: &RuleSet, name: &str, bytes: &[u8]) -> Result<Option<Vec<(String, Extra)>>, String> {
    let mut out: Vec<(String, Extra)> = vec![];
    let found = each_row(name, bytes, spot_check_fields(), "抽查记录", |at, g| {
        let Some(unit) = g("unit") else { return Err(format!("抽查记录 {at}:没有写单位 / no unit")) };
        let Some(finding) = g("finding") else { return Err(format!("抽查记录 {at}:没有写抽查发现 / no finding")) };
        let Some(buke) = yes_no(&g("buke").unwrap_or_default()).map_err(|e| format!("抽查记录 {at}:责令补课 {e}"))? else {
            return Err(format!("抽查记录 {at}:请写明是否责令补课(是 或 否)/ say whether 补课 was ordered"));
        };
        if out.iter().any(|(u, _)| *u == unit) {
            return Err(format!("抽查记录 {at}:{unit} 有两行 / two rows for one unit"));
        }
        out.push((unit, Extra::SpotCheck(SpotCheck { by: g("by"), on: g("on"), finding, buke })));
        Ok(())
    })?;
    Ok(found.then_some(out))
}

/// Votes per unit: the vote named in the file name, else every vote whose tiers the header fits; more than one is refused.
fn votes_per_unit(rs: &RuleSet, name: &str, bytes: &[u8]) -> Result<Option<Vec<(String, Extra)>>, String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    let votes = &rs.rules().votes;
    let named: Vec<&str> = votes.iter().map(|v| v.name.as_str()).filter(|n| stem.contains(n)).collect();
    // The longest name the file name holds (满意度测评 is in 群众满意度测评).
    let named = named.iter().max_by_key(|n| n.chars().count()).map(|n| vec![*n]).unwrap_or_default();
    let candidates: Vec<&str> = if named.is_empty() { votes.iter().map(|v| v.name.as_str()).collect() } else { named.clone() };
    let mut fits = vec![];
    for name in candidates {
        let Ok(mut vc) = rs.vote_counter(Some(name)) else { continue };
        let mut inputs = Inputs::default();
        if read_bytes(name, bytes, &mut Target::Votes(&mut vc), &mut inputs).is_err() {
            continue;
        }
        let mut v = vc.finish();
        if v.subjects.is_empty() {
            continue;
        }
        if !v.rejected.is_empty() {
            if named.is_empty() {
                continue;
            }
            let n = v.rejected.len();
            let r = &mut v.rejected[0];
            let at = inputs.relocate(r).unwrap_or_else(|| name.to_string());
            return Err(format!("{name}:{at} 第 {} 行未计入 / row not counted: {}(共 {n} 行)", r.row, r.reason));
        }
        fits.push((name.to_string(), v));
    }
    match fits.len() {
        0 => Ok(None),
        1 => {
            let (name, v) = fits.remove(0);
            Ok(Some(
                v.subjects
                    .into_iter()
                    .map(|t| {
                        let tiers = t.counts.iter().map(|(k, n)| (k.clone(), n.as_u64().unwrap_or(0))).collect();
                        (t.subject, Extra::Votes(name.clone(), tiers))
                    })
                    .collect(),
            ))
        }
        _ => Err(format!(
            "可以读作几项测评({}):请在文件名中写明测评名称 / fits several votes: name the vote in the file name",
            fits.iter().map(|f| f.0.as_str()).collect::<Vec<_>>().join("、")
        )),
    }
}

/// 附件5 回头看 sheets: the rules' unit form, one mean total per unit times its sheets.
fn lookback_per_unit(rs: &RuleSet, name: &str, bytes: &[u8]) -> Result<Option<Vec<(String, Extra)>>, String> {
    let Some(form) = rs.rules().forms.iter().find(|f| f.subject == "unit") else { return Ok(None) };
    let Ok(mut sc) = rs.scorer(Some(&form.name)) else { return Ok(None) };
    let mut inputs = Inputs::default();
    if read_bytes(name, bytes, &mut Target::Score(&mut sc), &mut inputs).is_err() {
        return Ok(None);
    }
    let Ok(mut r) = sc.finish() else { return Ok(None) };
    if r.members.is_empty() {
        return Ok(None);
    }
    let n = r.rejected.len();
    if let Some(x) = r.rejected.first_mut() {
        let at = inputs.relocate(x).unwrap_or_else(|| name.to_string());
        return Err(format!("{}:{at} 第 {} 行未计分 / row not scored: {}(共 {n} 行)", form.name, x.row, x.reason));
    }
    Ok(Some(r.members.into_iter().map(|u| (u.member, Extra::Lookback(u.composite * f64::from(u.sheets), u64::from(u.sheets)))).collect()))
}

//! `units`: the unit table of a 先教办 or a 督导组 (issue 23). Every input file
//! is accounted for: read, refused with a reason, or a duplicate of one read.

use super::io::{print_json, status, write_file};
use crate::args::UnitsArgs;
use crate::error::{CliError, CmdResult};
use crate::fs_source::usable_rules;
use crate::input::{read_file_quiet, Field, PlainRows, Problem, Target};
use crate::profiles::{read_profiles, MemberProfile};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use xianjiao_core::output::units::{
    exam_text, gate_text, html, items_text, level_from_data, own_text, record_html, record_workbook, visits_text, vote_text, workbook, DATA_SHEET,
};
use xianjiao_core::{
    file_kind, oversight_list, parse_day, ApplicationRecord, Extra, FileNote, Gathered, Profile, RosterMember, RuleSet, UnitGather, UnitTable, Visit,
};

/// A roster row as read by the CLI's reader (also `report --profiles`), for the gathering.
fn roster_member_of(p: MemberProfile) -> RosterMember {
    RosterMember {
        member: p.member,
        unit: p.unit,
        profile: Profile { role: p.role, unit: p.unit_type, batch: p.batch, conditions: p.conditions, progress: p.progress },
    }
}

fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = vec![];
    for p in paths {
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
            entries.sort();
            out.extend(expand(&entries));
        } else {
            out.push(p.clone());
        }
    }
    out
}

/// A spreadsheet as it reaches an office (core's [`UnitGather`] is told what it held): a lower level's
/// `units -o 汇总.xlsx`, a roster with progress (`--profiles` format, or `score -o` with its sheet 花名册与进度),
/// the 督导组's record of 转段申请, votes per unit (附件6, 成效测评: the vote named in the file name, else the
/// one vote whose tiers fit), or 附件5 回头看 sheets (the rules' unit form).
fn read_sheet(g: &mut UnitGather, rs: &RuleSet, path: &Path, name: &str) {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if ext != "csv" {
        match level_from_workbook(path) {
            Ok(Some(t)) => return g.level(name, Ok(t)),
            Ok(None) => {}
            Err(e) => return g.level(name, Err(e)),
        }
    }
    let mut problems: Vec<Problem> = vec![];
    let roster_err = match read_profiles(path, &mut problems) {
        Ok(list) if problems.is_empty() => return g.roster(name, Ok(list.into_iter().map(roster_member_of).collect())),
        Ok(_) => {
            return g.roster(name, Err(problems.iter().map(|p| format!("{} 第 {} 行: {}", p.file, p.row, p.reason)).collect::<Vec<_>>().join(";")))
        }
        Err(e) => e.to_string(),
    };
    // A 督导组's record book holds its reviews and its visits, on two sheets of one workbook.
    let mut book = vec![];
    for try_read in [review_record, visit_record] {
        match try_read(rs, path) {
            Ok(Some(v)) => book.extend(v),
            Ok(None) => {}
            Err(e) => return g.extras(name, Err(e)),
        }
    }
    if !book.is_empty() {
        return g.extras(name, Ok(book));
    }
    for try_read in [votes_per_unit, lookback_per_unit] {
        match try_read(rs, path) {
            Ok(Some(v)) => return g.extras(name, Ok(v)),
            Ok(None) => {}
            Err(e) => return g.extras(name, Err(e)),
        }
    }
    g.refuse(
        name,
        format!(
            "不是下级汇总表、花名册(姓名、角色、单位、进度)、督导组记录、各单位测评票(单位与档次)或附件5回头看测评表 / not a level's table, a roster, a review record, votes per unit or 回头看 sheets ({roster_err})"
        ),
    );
}

/// 是/否 in a record's cell.
fn yes_no(s: &str) -> Result<Option<bool>, String> {
    match s.trim() {
        "" => Ok(None),
        "是" | "已申请" | "同意" | "已同意" | "√" | "✓" | "yes" | "true" | "1" => Ok(Some(true)),
        "否" | "未申请" | "不同意" | "未同意" | "×" | "no" | "false" | "0" => Ok(Some(false)),
        x => Err(format!("“{x}”应为 是 或 否 / should be yes or no")),
    }
}

/// The 督导组's record of 转段申请 (单位, 督导组, 阶段, 已申请, 审查意见, 审查日期, 先教办同意): one row a unit
/// and phase; of a unit's rows, the latest phase's is kept (its application is the one still open).
fn review_record(rs: &RuleSet, path: &Path) -> Result<Option<Vec<(String, Extra)>>, String> {
    let fields = xianjiao_core::review_fields();
    let mut rows = PlainRows::new(fields);
    let mut inputs = crate::input::Inputs::default();
    if read_file_quiet(path, &mut Target::Plain(&mut rows), &mut inputs).is_err() || rows.rows.is_empty() {
        return Ok(None);
    }
    let order = |p: &Option<String>| p.as_ref().map_or(usize::MAX, |p| rs.rules().phases.iter().position(|x| &x.name == p).unwrap_or(0));
    let mut kept: BTreeMap<String, (ApplicationRecord, Option<String>, usize)> = BTreeMap::new();
    for (line, row) in &rows.rows {
        let mut r = xianjiao_core::Rejection { row: *line, field: None, reason: String::new() };
        let at = inputs.relocate(&mut r).unwrap_or_else(|| path.display().to_string());
        let at = format!("{at} 第 {} 行", r.row);
        let v = row.as_ref().map_err(|why| format!("督导组记录 {at}:{why}"))?;
        let g = |k: &str| rows.col(k).and_then(|i| v.get(i)).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let Some(unit) = g("unit") else { return Err(format!("督导组记录 {at}:没有写单位 / no unit")) };
        let phase = g("phase");
        if let Some(p) = &phase {
            if !rs.rules().phases.iter().any(|x| &x.name == p) {
                return Err(format!("督导组记录 {at}:规则中没有“{p}”阶段 / no such phase"));
            }
        }
        let flag = |k: &str| yes_no(&g(k).unwrap_or_default()).map_err(|e| format!("督导组记录 {at}:{e}"));
        let review = g("review");
        let rec = ApplicationRecord {
            // A review implies an application.
            applied: flag("applied")?.or(review.as_ref().map(|_| true)),
            review,
            approved: flag("approved")? == Some(true),
            phase: phase.clone(),
            reviewed_on: g("reviewed_on"),
        };
        let rank = order(&phase);
        match kept.get(&unit) {
            Some((_, _, r)) if *r == rank => return Err(format!("督导组记录 {at}:{unit} 的同一阶段有两行 / two rows for one unit and phase")),
            Some((_, _, r)) if *r > rank => {}
            _ => {
                kept.insert(unit, (rec, g("group"), rank));
            }
        }
    }
    Ok(Some(kept.into_iter().map(|(u, (rec, group, _))| (u, Extra::Review(rec, group))).collect()))
}

/// The 督导组's visits (检查日期, 检查内容, 发现问题, 整改要求, 整改完成日期 per unit: core's `visit_fields`), one row a visit.
fn visit_record(_: &RuleSet, path: &Path) -> Result<Option<Vec<(String, Extra)>>, String> {
    let mut rows = PlainRows::new(xianjiao_core::visit_fields());
    let mut inputs = crate::input::Inputs::default();
    if read_file_quiet(path, &mut Target::Plain(&mut rows), &mut inputs).is_err() || rows.rows.is_empty() {
        return Ok(None);
    }
    let mut out = vec![];
    for (line, row) in &rows.rows {
        let mut r = xianjiao_core::Rejection { row: *line, field: None, reason: String::new() };
        let at = inputs.relocate(&mut r).unwrap_or_else(|| path.display().to_string());
        let at = format!("{at} 第 {} 行", r.row);
        let v = row.as_ref().map_err(|why| format!("督导记录 {at}:{why}"))?;
        let g = |k: &str| rows.col(k).and_then(|i| v.get(i)).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let Some(unit) = g("unit") else { return Err(format!("督导记录 {at}:没有写单位 / no unit")) };
        let Some(on) = g("on") else { return Err(format!("督导记录 {at}:没有写检查日期 / no date")) };
        let visit =
            Visit { on, by: g("group"), checked: g("checked"), problems: g("problems"), follow_up: g("follow_up"), closed_on: g("closed_on") };
        out.push((unit, Extra::Visit(visit)));
    }
    Ok(Some(out))
}

/// Votes per unit: the vote named in the file name, else every vote whose tiers the header fits; more than one is refused.
fn votes_per_unit(rs: &RuleSet, path: &Path) -> Result<Option<Vec<(String, Extra)>>, String> {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let votes = &rs.rules().votes;
    let named: Vec<&str> = votes.iter().map(|v| v.name.as_str()).filter(|n| stem.contains(n)).collect();
    // The longest name the file name holds (满意度测评 is in 群众满意度测评).
    let named = named.iter().max_by_key(|n| n.chars().count()).map(|n| vec![*n]).unwrap_or_default();
    let candidates: Vec<&str> = if named.is_empty() { votes.iter().map(|v| v.name.as_str()).collect() } else { named.clone() };
    let mut fits = vec![];
    for name in candidates {
        let Ok(mut vc) = rs.vote_counter(Some(name)) else { continue };
        let mut inputs = crate::input::Inputs::default();
        if read_file_quiet(path, &mut Target::Votes(&mut vc), &mut inputs).is_err() {
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
            let at = inputs.relocate(r).unwrap_or_else(|| path.display().to_string());
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
fn lookback_per_unit(rs: &RuleSet, path: &Path) -> Result<Option<Vec<(String, Extra)>>, String> {
    let Some(form) = rs.rules().forms.iter().find(|f| f.subject == "unit") else { return Ok(None) };
    let Ok(mut sc) = rs.scorer(Some(&form.name)) else { return Ok(None) };
    let mut inputs = crate::input::Inputs::default();
    if read_file_quiet(path, &mut Target::Score(&mut sc), &mut inputs).is_err() {
        return Ok(None);
    }
    let Ok(mut r) = sc.finish() else { return Ok(None) };
    if r.members.is_empty() {
        return Ok(None);
    }
    let n = r.rejected.len();
    if let Some(x) = r.rejected.first_mut() {
        let at = inputs.relocate(x).unwrap_or_else(|| path.display().to_string());
        return Err(format!("{}:{at} 第 {} 行未计分 / row not scored: {}(共 {n} 行)", form.name, x.row, x.reason));
    }
    Ok(Some(r.members.into_iter().map(|u| (u.member, Extra::Lookback(u.composite * f64::from(u.sheets), u64::from(u.sheets)))).collect()))
}

/// A lower level's table from its workbook's sheet 汇总数据 (core's [`level_from_data`]); `None` when the workbook has none.
fn level_from_workbook(path: &Path) -> Result<Option<UnitTable>, String> {
    let mut rows = PlainRows::new(vec![Field { key: "data", names: &[DATA_SHEET], required: true }]);
    let mut inputs = crate::input::Inputs::default();
    if read_file_quiet(path, &mut Target::Plain(&mut rows), &mut inputs).is_err() || rows.rows.is_empty() {
        return Ok(None);
    }
    let cells: Vec<String> = rows.rows.iter().map(|(_, r)| r.as_ref().ok().and_then(|v| v.first()).cloned().unwrap_or_default()).collect();
    level_from_data(&cells).map(Some)
}

/// `units`.
pub fn units(a: UnitsArgs) -> CmdResult {
    let t0 = std::time::Instant::now();
    let rs = usable_rules(&a.rules)?;
    let on = a.on.as_deref().map(parse_day).transpose().map_err(CliError::usage)?;
    let mut oversight = match &a.oversight {
        Some(p) => oversight_list(&std::fs::read_to_string(p).map_err(|e| CliError::file(p, e))?).map_err(|e| CliError::file(p, e))?,
        None => BTreeMap::new(),
    };
    let mut g = UnitGather::new();
    for path in expand(&a.inputs) {
        let name = path.display().to_string();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                g.refuse(&name, format!("读不出 / unreadable: {e}"));
                continue;
            }
        };
        if g.duplicate(&name, &bytes) {
            continue;
        }
        match file_kind(&name) {
            Ok("json") => g.json(&name, &bytes),
            Ok(_) => read_sheet(&mut g, &rs, &path, &name),
            Err(why) => g.refuse(&name, why),
        }
    }
    let clean = g.clean();
    let got = g.finish();
    for note in got.fill_oversight(&mut oversight) {
        eprintln!("{note}");
    }
    let Gathered { inputs, notes, .. } = got;
    let mut table = rs.unit_table(&a.level, &inputs, on, &oversight);
    let filter = xianjiao_core::UnitFilter { overdue: a.overdue, buke: a.buke, not_applied: a.not_applied };
    table.rows.retain(|r| filter.keeps(r));
    let elapsed = t0.elapsed();
    if std::env::var_os("XIANJIAO_TIMING").is_some() {
        eprintln!("units: {} rows, {} members, {:.3} s", table.rows.len(), table.total.counts.members, elapsed.as_secs_f64());
    }
    if let Some(out) = &a.output {
        let ext = out.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "json" => write_file(out, serde_json::to_vec_pretty(&table).map_err(CliError::failed)?)?,
            "xlsx" => {
                write_file(out, workbook(&table, &notes).and_then(|w| xianjiao_core::output::xlsx::to_xlsx(&w)).map_err(|e| CliError::file(out, e))?)?
            }
            "html" => write_file(out, html(&table))?,
            _ => return Err(CliError::usage("-o 应为 .json、.xlsx 或 .html / -o takes .json, .xlsx or .html")),
        }
        eprintln!("已写入 / written {}", out.display());
    }
    if let Some(out) = &a.record {
        let group = a.group.as_deref();
        if let Some(g) = group {
            if !table.rows.iter().flat_map(|r| std::iter::once(r).chain(&r.details)).any(|r| r.oversight.as_deref() == Some(g)) {
                return Err(CliError::usage(format!("没有单位属于督导组“{g}”/ no unit is overseen by {g}")));
            }
        }
        let ext = out.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" => write_file(out, xianjiao_core::output::xlsx::to_xlsx(&record_workbook(&table, group)).map_err(|e| CliError::file(out, e))?)?,
            "html" => write_file(out, record_html(&table, group))?,
            _ => return Err(CliError::usage("--record 应为 .xlsx 或 .html / --record takes .xlsx or .html")),
        }
        eprintln!("已写入 / written {}", out.display());
    }
    if a.json {
        print_json(&serde_json::json!({ "files": notes, "table": table }));
    } else if a.output.is_none() {
        print_text(&table, &notes);
    }
    Ok(status(clean))
}

fn print_text(t: &UnitTable, notes: &[FileNote]) {
    for n in notes {
        println!("{} {}{}", n.state, n.file, n.reason.as_deref().map(|r| format!(":{r}")).unwrap_or_default());
    }
    println!();
    for r in t.rows.iter().chain(std::iter::once(&t.total)) {
        println!(
            "{}\t{} 个支部 {} 名党员\t{}\t{}\t{}\t{}\t{}\t{}{}{}{}",
            r.name,
            r.counts.branches,
            r.counts.members,
            r.phase.as_deref().unwrap_or(""),
            items_text(r),
            own_text(r),
            gate_text(r),
            vote_text(r),
            exam_text(r),
            r.lookback.map(|x| format!("\t回头看平均分 {x}")).unwrap_or_default(),
            Some(visits_text(r)).filter(|v| !v.is_empty()).map(|v| format!("\t督导检查 {v}")).unwrap_or_default(),
            r.application.as_deref().map(|s| format!("\t转段申请:{s}")).unwrap_or_default()
        );
    }
}

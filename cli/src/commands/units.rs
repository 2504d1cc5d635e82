//! `units`: the unit table of a 先教办 or a 督导组 (issue 23). Every input file
//! is accounted for: read, refused with a reason, or a duplicate of one read.

use super::io::{print_json, status, write_file};
use crate::args::UnitsArgs;
use crate::error::{CliError, CmdResult};
use crate::fs_source::usable_rules;
use crate::input::{read_file_quiet, Field, PlainRows, Problem, Target};
use crate::profiles::read_profiles;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use xianjiao_core::output::{column, Cell, Format, Sheet, Workbook};
use xianjiao_core::{parse_day, ApplicationRecord, Profile, RuleSet, UnitInput, UnitRecord, UnitRow, UnitTable};

/// What became of one input file.
#[derive(Debug, serde::Serialize)]
struct FileNote {
    file: String,
    /// 已读 / 拒收 / 重复
    state: &'static str,
    reason: Option<String>,
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

fn hash(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// One JSON file: a unit record, a lower level's table, or a list of either.
fn json_inputs(bytes: &[u8]) -> Result<Vec<UnitInput>, String> {
    let v: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| format!("不是有效的 JSON / not JSON: {e}"))?;
    let one = |v: serde_json::Value| -> Result<UnitInput, String> {
        if v.get("level").is_some() && v.get("total").is_some() {
            serde_json::from_value::<UnitTable>(v)
                .map(|t| UnitInput::Level(Box::new(t)))
                .map_err(|e| format!("下级汇总表读不懂 / lower level's table: {e}"))
        } else {
            serde_json::from_value::<UnitRecord>(v).map(|u| UnitInput::Unit(Box::new(u))).map_err(|e| format!("单位记录读不懂 / unit record: {e}"))
        }
    };
    match v {
        serde_json::Value::Array(a) => a.into_iter().map(one).collect(),
        v => Ok(vec![one(v)?]),
    }
}

/// `督导组,单位` lines.
fn oversight_list(path: &Path) -> Result<BTreeMap<String, String>, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| CliError::file(path, e))?;
    let mut m = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_start_matches('\u{feff}').trim();
        if line.is_empty() || (i == 0 && line.starts_with("督导组")) {
            continue;
        }
        let Some((g, u)) = line.split_once([',', ',']) else {
            return Err(CliError::file(path, format!("第 {} 行应为 督导组,单位 / line {}: group,unit", i + 1, i + 1)));
        };
        if let Some(first) = m.insert(u.trim().to_string(), g.trim().to_string()) {
            if first != g.trim() {
                return Err(CliError::file(path, format!("单位 {} 同时列在 {first} 和 {} 之下 / unit listed under two groups", u.trim(), g.trim())));
            }
        }
    }
    Ok(m)
}

/// What a file held.
enum Got {
    /// Unit records or lower levels' tables.
    Inputs(Vec<UnitInput>),
    /// Roster lines: unit name, the member, the batch.
    Members(Vec<(String, Profile, Option<String>)>),
    /// Votes or 回头看 per unit.
    Extras(Vec<(String, Extra)>),
}

/// A unit's votes or 回头看 from a sheet of them.
enum Extra {
    /// Vote name, respondents per tier.
    Votes(String, BTreeMap<String, u64>),
    /// 回头看: the sheets' totals summed, the sheets.
    Lookback(f64, u64),
    /// The 督导组's record of the 转段申请, and the 督导组's name.
    Review(ApplicationRecord, Option<String>),
}

/// Applies `f` to the unit of that name (created when no input gave it).
fn with_unit(inputs: &mut Vec<UnitInput>, unit: &str, f: impl FnOnce(&mut UnitRecord)) {
    let found = inputs.iter_mut().find_map(|i| match i {
        UnitInput::Unit(u) if u.unit == unit => Some(u),
        _ => None,
    });
    match found {
        Some(u) => f(u),
        None => {
            let mut u = UnitRecord { unit: unit.to_string(), ..UnitRecord::default() };
            f(&mut u);
            inputs.push(UnitInput::Unit(Box::new(u)));
        }
    }
}

/// Reads one input file: JSON (unit records, lower levels' tables), a lower level's `units -o 汇总.xlsx`,
/// a roster with progress (`--profiles` format, or `score -o` with its sheet 花名册与进度),
/// votes per unit (附件6, 成效测评: the vote named in the file name, else the one vote whose tiers fit),
/// or 附件5 回头看 sheets (the rules' unit form).
fn read_one(rs: &RuleSet, path: &Path, bytes: &[u8]) -> Result<Got, String> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "json" => return json_inputs(bytes).map(Got::Inputs),
        "csv" | "xlsx" | "xls" | "ods" => {}
        _ => return Err("不认识的文件类型:应为 .json(单位记录、下级汇总表)、.xlsx(下级汇总表、评议结果、花名册、测评票)或 .csv(花名册、测评票)/ unknown file type".into()),
    }
    if ext != "csv" {
        if let Some(t) = level_from_workbook(path)? {
            return Ok(Got::Inputs(vec![UnitInput::Level(Box::new(t))]));
        }
    }
    let mut problems: Vec<Problem> = vec![];
    let roster_err = match read_profiles(path, &mut problems) {
        Ok(list) if problems.is_empty() => {
            let mut missing = 0;
            let mut out = vec![];
            for p in list {
                match p.unit.clone() {
                    Some(u) => out.push((
                        u,
                        Profile { role: p.role, unit: p.unit_type, batch: p.batch.clone(), conditions: p.conditions, progress: p.progress },
                        p.batch,
                    )),
                    None => missing += 1,
                }
            }
            return if missing > 0 { Err(format!("{missing} 名党员没有写单位 / members without a unit")) } else { Ok(Got::Members(out)) };
        }
        Ok(_) => return Err(problems.iter().map(|p| format!("{} 第 {} 行: {}", p.file, p.row, p.reason)).collect::<Vec<_>>().join(";")),
        Err(e) => e.to_string(),
    };
    if let Some(v) = review_record(rs, path)? {
        return Ok(Got::Extras(v));
    }
    if let Some(v) = votes_per_unit(rs, path)? {
        return Ok(Got::Extras(v));
    }
    if let Some(v) = lookback_per_unit(rs, path)? {
        return Ok(Got::Extras(v));
    }
    Err(format!(
        "不是下级汇总表、花名册(姓名、角色、单位、进度)、各单位测评票(单位与档次)或附件5回头看测评表 / not a level's table, a roster, votes per unit or 回头看 sheets ({roster_err})"
    ))
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
    let fields = vec![
        Field { key: "unit", names: &["单位", "unit", "被审查单位"], required: true },
        Field { key: "review", names: &["审查意见", "督导组审查意见", "review"], required: true },
        Field { key: "group", names: &["督导组", "oversight"], required: false },
        Field { key: "phase", names: &["阶段", "phase"], required: false },
        Field { key: "applied", names: &["已申请", "转段申请", "applied"], required: false },
        Field { key: "reviewed_on", names: &["审查日期", "reviewed_on"], required: false },
        Field { key: "approved", names: &["先教办同意", "先教办意见", "approved"], required: false },
    ];
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

/// The sheet of `units -o 汇总.xlsx` that the level above reads: the table as JSON in cells
/// (an Excel cell holds at most 32,767 characters), after a line with its length and checksum.
const DATA_SHEET: &str = "汇总数据";
const DATA_MARK: &str = "xianjiao units";
const CHUNK: usize = 30_000;

/// FNV-1a, 64 bits: a checksum that stays the same across builds.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// The table's JSON cut into cells; no cell starts or ends with a space (readers trim cells).
fn data_rows(t: &UnitTable) -> Result<Vec<String>, String> {
    let json = serde_json::to_string(t).map_err(|e| e.to_string())?;
    let mut rows = vec![format!("{DATA_MARK} 1 字节={} 校验={:016x}", json.len(), fnv(json.as_bytes()))];
    let mut rest = json.as_str();
    while !rest.is_empty() {
        let mut cut = rest.len().min(CHUNK);
        while cut < rest.len()
            && (!rest.is_char_boundary(cut) || rest[..cut].ends_with(char::is_whitespace) || rest[cut..].starts_with(char::is_whitespace))
        {
            cut -= 1;
        }
        if cut == 0 {
            return Err("汇总表中有过长的空白 / the table holds a long run of spaces".into());
        }
        rows.push(rest[..cut].to_string());
        rest = &rest[cut..];
    }
    Ok(rows)
}

/// A lower level's table from its workbook's sheet 汇总数据; `None` when the workbook has none.
fn level_from_workbook(path: &Path) -> Result<Option<UnitTable>, String> {
    let mut rows = PlainRows::new(vec![Field { key: "data", names: &[DATA_SHEET], required: true }]);
    let mut inputs = crate::input::Inputs::default();
    if read_file_quiet(path, &mut Target::Plain(&mut rows), &mut inputs).is_err() || rows.rows.is_empty() {
        return Ok(None);
    }
    let broken = |why: &str| {
        format!("下级汇总表的“{DATA_SHEET}”表已被改动或不完整({why}):请用下级导出的原文件 / the data sheet was edited or cut ({why}): use the file as exported")
    };
    let mut cells = rows.rows.iter().map(|(_, r)| r.as_ref().ok().and_then(|v| v.first()).cloned().unwrap_or_default());
    let head = cells.next().unwrap_or_default();
    let Some(rest) = head.strip_prefix(DATA_MARK) else { return Err(broken("第一行不是标记 / no mark")) };
    let mut len = None;
    let mut sum = None;
    for part in rest.split_whitespace() {
        if let Some(x) = part.strip_prefix("字节=") {
            len = x.parse::<usize>().ok();
        } else if let Some(x) = part.strip_prefix("校验=") {
            sum = u64::from_str_radix(x, 16).ok();
        }
    }
    let json: String = cells.collect();
    if Some(json.len()) != len || Some(fnv(json.as_bytes())) != sum {
        return Err(broken("长度或校验不符 / length or checksum"));
    }
    serde_json::from_str(&json).map(Some).map_err(|e| broken(&e.to_string()))
}

/// `units`.
pub fn units(a: UnitsArgs) -> CmdResult {
    let t0 = std::time::Instant::now();
    let rs = usable_rules(&a.rules)?;
    let on = a.on.as_deref().map(parse_day).transpose().map_err(CliError::usage)?;
    let mut oversight = match &a.oversight {
        Some(p) => oversight_list(p)?,
        None => BTreeMap::new(),
    };
    let mut notes = vec![];
    let mut seen: HashMap<u64, String> = HashMap::new();
    let mut inputs: Vec<UnitInput> = vec![];
    // Rosters add members to units by name; a unit given only by a roster is created.
    let mut rosters: Vec<(String, Profile, Option<String>)> = vec![];
    // Votes (附件6, 成效测评) and 回头看 (附件5) per unit, added to the unit of that name.
    let mut extras: Vec<(String, Extra)> = vec![];
    for path in expand(&a.inputs) {
        let name = path.display().to_string();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                notes.push(FileNote { file: name, state: "拒收", reason: Some(format!("读不出 / unreadable: {e}")) });
                continue;
            }
        };
        if let Some(first) = seen.insert(hash(&bytes), name.clone()) {
            notes.push(FileNote { file: name, state: "重复", reason: Some(format!("与 {first} 内容相同,未重复计入 / same as {first}")) });
            continue;
        }
        let got = read_one(&rs, &path, &bytes).map(|g| match g {
            Got::Inputs(v) => inputs.extend(v),
            Got::Members(v) => rosters.extend(v),
            Got::Extras(v) => extras.extend(v),
        });
        notes.push(match got {
            Ok(()) => FileNote { file: name, state: "已读", reason: None },
            Err(r) => FileNote { file: name, state: "拒收", reason: Some(r) },
        });
    }
    for (unit, p, batch) in rosters {
        with_unit(&mut inputs, &unit, |u| {
            if u.members.is_empty() && u.batch.is_none() {
                u.batch = batch;
            }
            u.members.push(p);
        });
    }
    for (unit, x) in &extras {
        // The record's 督导组, where the rules and the --oversight list name none.
        if let Extra::Review(_, Some(g)) = x {
            match oversight.get(unit) {
                Some(listed) if listed != g => {
                    eprintln!("督导组记录中 {unit} 属 {g},名单中属 {listed}:以名单为准 / the record and the list name different groups")
                }
                Some(_) => {}
                None => {
                    oversight.insert(unit.clone(), g.clone());
                }
            }
        }
    }
    for (unit, x) in extras {
        with_unit(&mut inputs, &unit, |u| match x {
            Extra::Votes(vote, tiers) => {
                let e = u.votes.entry(vote).or_default();
                for (t, n) in tiers {
                    *e.entry(t).or_default() += n;
                }
            }
            Extra::Lookback(sum, n) => {
                let (s0, n0) = u.lookback.unwrap_or((0.0, 0));
                u.lookback = Some((s0 + sum, n0 + n));
            }
            Extra::Review(rec, _) => u.application = rec,
        });
    }
    let mut table = rs.unit_table(&a.level, &inputs, on, &oversight);
    let filter = xianjiao_core::UnitFilter { overdue: a.overdue, buke: a.buke, not_applied: a.not_applied };
    table.rows.retain(|r| filter.keeps(r));
    let elapsed = t0.elapsed();
    if std::env::var_os("XIANJIAO_TIMING").is_some() {
        eprintln!("units: {} rows, {} members, {:.3} s", table.rows.len(), table.total.counts.members, elapsed.as_secs_f64());
    }
    let clean = notes.iter().all(|n| n.state != "拒收");
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
    if a.json {
        print_json(&serde_json::json!({ "files": notes, "table": table }));
    } else if a.output.is_none() {
        print_text(&table, &notes);
    }
    Ok(status(clean))
}

fn vote_text(r: &UnitRow) -> String {
    r.votes.iter().map(|v| format!("{} {}人 {}%", v.name, v.total, v.rate.map_or("—".into(), |x| format!("{x}")))).collect::<Vec<_>>().join(";")
}

fn items_text(r: &UnitRow) -> String {
    r.items.iter().map(|(_, l, n)| format!("{l} {}/{}/{}", n.done, n.due, n.overdue)).collect::<Vec<_>>().join(";")
}

fn own_text(r: &UnitRow) -> String {
    r.own
        .iter()
        .map(|o| match (o.have, o.required) {
            (h, Some(q)) => format!("{} {}/{}{}", o.id, h.unwrap_or(0.0), q, o.unit.as_deref().unwrap_or("")),
            _ => format!(
                "{} {}",
                o.id,
                match o.status.as_str() {
                    "done" => "已完成",
                    "pending" => "待办",
                    "overdue" => "已逾期",
                    "exempt" => "免做",
                    other => other,
                }
            ),
        })
        .collect::<Vec<_>>()
        .join(";")
}

fn gate_text(r: &UnitRow) -> String {
    match r.may_apply {
        Some(true) => "可以申请转段".into(),
        Some(false) => format!("不能转段:{}", r.blocks.join(";")),
        None => r.blocks.join(";"),
    }
}

fn exam_text(r: &UnitRow) -> String {
    r.exam.map_or(String::new(), |(p, h, s)| format!("参考率 {p}% 回收率 {h}% 平均 {s}"))
}

fn print_text(t: &UnitTable, notes: &[FileNote]) {
    for n in notes {
        println!("{} {}{}", n.state, n.file, n.reason.as_deref().map(|r| format!(":{r}")).unwrap_or_default());
    }
    println!();
    for r in t.rows.iter().chain(std::iter::once(&t.total)) {
        println!(
            "{}\t{} 个支部 {} 名党员\t{}\t{}\t{}\t{}\t{}\t{}{}{}",
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
            r.application.as_deref().map(|s| format!("\t转段申请:{s}")).unwrap_or_default()
        );
    }
}

const HEADERS: &[&str] = &[
    "单位",
    "督导组",
    "批次",
    "阶段",
    "支部数",
    "党员数",
    "各项(完成/待办/逾期)",
    "本单位(学时、会议)",
    "转段条件",
    "满意度与成效测评",
    "回头看平均分",
    "百题测试",
    "补课",
    "转段申请",
    "督导组审查意见",
];

fn row_cells(r: &UnitRow) -> Vec<String> {
    vec![
        r.name.clone(),
        r.oversight.clone().unwrap_or_default(),
        r.batch.clone().unwrap_or_default(),
        r.phase.clone().unwrap_or_default(),
        r.counts.branches.to_string(),
        r.counts.members.to_string(),
        items_text(r),
        own_text(r),
        gate_text(r),
        vote_text(r),
        r.lookback.map(|x| x.to_string()).unwrap_or_default(),
        exam_text(r),
        if r.kind == "level" {
            format!("{} 个单位", r.counts.buke)
        } else if r.buke {
            "补课".into()
        } else {
            String::new()
        },
        r.application.clone().unwrap_or_else(|| {
            if r.kind == "level" {
                format!("已申请 {} / 已审查 {} / 已同意 {}", r.counts.applied, r.counts.reviewed, r.counts.approved)
            } else {
                String::new()
            }
        }),
        r.review.clone().unwrap_or_default(),
    ]
}

fn workbook(t: &UnitTable, notes: &[FileNote]) -> Result<Workbook, String> {
    let cols = || HEADERS.iter().map(|h| column(*h, 8.0, Format::Text)).collect::<Vec<_>>();
    let rows = |rs: &mut dyn Iterator<Item = &UnitRow>| rs.map(|r| row_cells(r).into_iter().map(Cell::t).collect()).collect::<Vec<Vec<Cell>>>();
    let mut details = vec![];
    for r in &t.rows {
        for d in &r.details {
            let mut c: Vec<Cell> = row_cells(d).into_iter().map(Cell::t).collect();
            c.insert(0, Cell::t(r.name.clone()));
            details.push(c);
        }
    }
    let mut dcols = cols();
    dcols.insert(0, column("上级", 8.0, Format::Text));
    let data = Sheet {
        name: DATA_SHEET.into(),
        columns: vec![column(DATA_SHEET, 60.0, Format::Text)],
        rows: data_rows(t)?.into_iter().map(|c| vec![Cell::t(c)]).collect(),
        freeze: (1, 0),
    };
    Ok(Workbook {
        sheets: vec![
            Sheet { name: "单位汇总".into(), columns: cols(), rows: rows(&mut t.rows.iter().chain(std::iter::once(&t.total))), freeze: (1, 1) },
            Sheet { name: "下级明细".into(), columns: dcols, rows: details, freeze: (1, 2) },
            Sheet {
                name: "文件".into(),
                columns: vec![column("文件", 30.0, Format::Text), column("状态", 6.0, Format::Text), column("原因", 30.0, Format::Text)],
                rows: notes.iter().map(|n| vec![Cell::t(n.file.clone()), Cell::t(n.state), Cell::opt(n.reason.as_deref())]).collect(),
                freeze: (1, 0),
            },
            data,
        ],
    })
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn html(t: &UnitTable) -> String {
    let mut s = String::from("<!doctype html><meta charset=utf-8><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"><title>单位汇总</title><style>body{font:12px sans-serif}table{border-collapse:collapse}td,th{border:1px solid #999;padding:3px 5px;vertical-align:top}td:nth-child(-n+6){white-space:nowrap}th{font-size:11px}td:nth-child(7),td:nth-child(8){min-width:15em}td:nth-child(9),td:nth-child(14),td:nth-child(15){min-width:7em}tr.total{font-weight:bold}@page{size:A4 landscape}</style>");
    s.push_str(&format!("<h1>{} 单位汇总</h1><table><tr>", esc(&t.level)));
    for h in HEADERS {
        s.push_str(&format!("<th>{}</th>", esc(h)));
    }
    s.push_str("</tr>");
    for r in t.rows.iter().chain(std::iter::once(&t.total)) {
        s.push_str(if std::ptr::eq(r, &t.total) { "<tr class=total>" } else { "<tr>" });
        for c in row_cells(r) {
            s.push_str(&format!("<td>{}</td>", esc(&c)));
        }
        s.push_str("</tr>");
    }
    s.push_str("</table>");
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn table() -> UnitTable {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/golden-units/district/甲镇.json");
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    }

    fn write(dir: &str, rows: Vec<String>) -> PathBuf {
        let wb = Workbook {
            sheets: vec![Sheet {
                name: DATA_SHEET.into(),
                columns: vec![column(DATA_SHEET, 60.0, Format::Text)],
                rows: rows.into_iter().map(|c| vec![Cell::t(c)]).collect(),
                freeze: (1, 0),
            }],
        };
        let d = std::env::temp_dir().join(format!("xianjiao-units-{dir}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        let p = d.join("汇总.xlsx");
        std::fs::write(&p, xianjiao_core::output::xlsx::to_xlsx(&wb).unwrap()).unwrap();
        p
    }

    #[test]
    fn the_data_sheet_reads_back_and_refuses_an_edit() {
        let t = table();
        let rows = data_rows(&t).unwrap();
        assert!(rows.iter().skip(1).all(|c| c.len() <= CHUNK && c.trim() == c));
        let back = level_from_workbook(&write("ok", rows.clone())).unwrap().unwrap();
        assert_eq!(serde_json::to_value(&back).unwrap(), serde_json::to_value(&t).unwrap());
        let mut edited = rows;
        edited[1] = edited[1].replacen("甲局", "丁局", 1);
        let e = level_from_workbook(&write("edited", edited)).unwrap_err();
        assert!(e.contains("已被改动"), "{e}");
    }

    #[test]
    fn long_tables_are_cut_off_spaces() {
        let mut t = table();
        t.level = format!("{}镇", "很长 的名字 ".repeat(6000));
        let rows = data_rows(&t).unwrap();
        assert!(rows.len() > 3);
        assert!(rows.iter().skip(1).all(|c| c.len() <= CHUNK && c.trim() == c));
        assert_eq!(rows[1..].concat(), serde_json::to_string(&t).unwrap());
    }
}

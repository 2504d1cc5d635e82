//! `units`: the unit table of a 先教办 or a 督导组 (issue 23). Every input file
//! is accounted for: read, refused with a reason, or a duplicate of one read.

use super::io::{print_json, status, write_file};
use crate::args::UnitsArgs;
use crate::error::{CliError, CmdResult};
use crate::fs_source::usable_rules;
use crate::input::Problem;
use crate::profiles::read_profiles;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use xianjiao_core::output::{column, Cell, Format, Sheet, Workbook};
use xianjiao_core::{parse_day, Profile, UnitInput, UnitRecord, UnitRow, UnitTable};

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

/// `units`.
pub fn units(a: UnitsArgs) -> CmdResult {
    let t0 = std::time::Instant::now();
    let rs = usable_rules(&a.rules)?;
    let on = a.on.as_deref().map(parse_day).transpose().map_err(CliError::usage)?;
    let oversight = match &a.oversight {
        Some(p) => oversight_list(p)?,
        None => BTreeMap::new(),
    };
    let mut notes = vec![];
    let mut seen: HashMap<u64, String> = HashMap::new();
    let mut inputs: Vec<UnitInput> = vec![];
    // Rosters add members to units by name; a unit given only by a roster is created.
    let mut rosters: Vec<(String, Profile, Option<String>)> = vec![];
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
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        let got = match ext.as_str() {
            "json" => json_inputs(&bytes).map(|v| inputs.extend(v)),
            "csv" | "xlsx" | "xls" | "ods" => {
                let mut problems: Vec<Problem> = vec![];
                match read_profiles(&path, &mut problems) {
                    Ok(list) if problems.is_empty() => {
                        let mut missing = 0;
                        for p in list {
                            match p.unit.clone() {
                                Some(u) => rosters.push((
                                    u,
                                    Profile {
                                        role: p.role,
                                        unit: p.unit_type,
                                        batch: p.batch.clone(),
                                        conditions: p.conditions,
                                        progress: p.progress,
                                    },
                                    p.batch,
                                )),
                                None => missing += 1,
                            }
                        }
                        if missing > 0 {
                            Err(format!("{missing} 名党员没有写单位 / members without a unit"))
                        } else {
                            Ok(())
                        }
                    }
                    Ok(_) => Err(problems.iter().map(|p| format!("{}: {}", p.file, p.reason)).collect::<Vec<_>>().join(";")),
                    Err(e) => Err(format!("不是花名册(姓名、角色、单位、进度)/ not a roster: {e}")),
                }
            }
            _ => Err("不认识的文件类型:应为 .json(单位记录、下级汇总表)或 .csv/.xlsx(花名册)/ unknown file type".into()),
        };
        notes.push(match got {
            Ok(()) => FileNote { file: name, state: "已读", reason: None },
            Err(r) => FileNote { file: name, state: "拒收", reason: Some(r) },
        });
    }
    for (unit, p, batch) in rosters {
        let found = inputs.iter_mut().find_map(|i| match i {
            UnitInput::Unit(u) if u.unit == unit => Some(u),
            _ => None,
        });
        match found {
            Some(u) => u.members.push(p),
            None => inputs.push(UnitInput::Unit(Box::new(UnitRecord { unit, batch, members: vec![p], ..UnitRecord::default() }))),
        }
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
            "xlsx" => write_file(out, xianjiao_core::output::xlsx::to_xlsx(&workbook(&table, &notes)).map_err(|e| CliError::file(out, e))?)?,
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
            _ => format!("{} {}", o.id, o.status),
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
            "{}\t{} 个支部 {} 名党员\t{}\t{}\t{}\t{}\t{}\t{}{}",
            r.name,
            r.counts.branches,
            r.counts.members,
            r.phase.as_deref().unwrap_or(""),
            items_text(r),
            own_text(r),
            gate_text(r),
            vote_text(r),
            exam_text(r),
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

fn workbook(t: &UnitTable, notes: &[FileNote]) -> Workbook {
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
    Workbook {
        sheets: vec![
            Sheet { name: "单位汇总".into(), columns: cols(), rows: rows(&mut t.rows.iter().chain(std::iter::once(&t.total))), freeze: (1, 1) },
            Sheet { name: "下级明细".into(), columns: dcols, rows: details, freeze: (1, 2) },
            Sheet {
                name: "文件".into(),
                columns: vec![column("文件", 30.0, Format::Text), column("状态", 6.0, Format::Text), column("原因", 30.0, Format::Text)],
                rows: notes.iter().map(|n| vec![Cell::t(n.file.clone()), Cell::t(n.state), Cell::opt(n.reason.as_deref())]).collect(),
                freeze: (1, 0),
            },
        ],
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn html(t: &UnitTable) -> String {
    let mut s = String::from("<!doctype html><meta charset=utf-8><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"><title>单位汇总</title><style>body{font:14px sans-serif}table{border-collapse:collapse}td,th{border:1px solid #999;padding:3px 6px;vertical-align:top}tr.total{font-weight:bold}@page{size:A4 landscape}</style>");
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

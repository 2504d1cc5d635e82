//! The inputs of the unit table as they reach an office (issue 23), without I/O:
//! each file, once its bytes are in hand, is read (a unit record, a lower
//! level's table, a roster with progress), refused with a reason, or named a
//! duplicate of one already read. The CLI (`xianjiao units`, which walks
//! folders and reads spreadsheets) and the office page (the office wasm) both
//! gather through [`UnitGather`], so a file means the same in both.

use crate::eval::columns::{Cells, Field, Want};
use crate::eval::profile::Profile;
use crate::eval::units::{ApplicationRecord, SpotCheck, UnitInput, UnitRecord, UnitTable, Visit};
use crate::model::Rules;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// What became of one input file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileNote {
    /// The file's name as given.
    pub file: String,
    /// 已读 / 拒收 / 重复.
    pub state: String,
    /// Why it was refused, or which file it repeats.
    pub reason: Option<String>,
}

/// One member of a roster (花名册 with progress): a profile and the unit it belongs to.
#[derive(Debug, Clone)]
pub struct RosterMember {
    /// The member's name.
    pub member: String,
    /// The unit (单位) the member belongs to, when the roster says.
    pub unit: Option<String>,
    /// The member's profile (role, unit type, batch, conditions, progress).
    pub profile: Profile,
}

/// The profile a member's checklist is worked out from (`score --profiles`, the office page's scoring tab): the
/// roster's 单位 names the member's own unit, and is the unit type only when the rules list it as one (单位类型 first).
pub fn checklist_profile(r: &Rules, unit: Option<&str>, p: &Profile) -> Profile {
    let unit_type = p.unit.clone().or_else(|| unit.filter(|u| r.units.iter().any(|x| x.name == *u)).map(str::to_string));
    Profile { unit: unit_type, ..p.clone() }
}

/// The columns of a roster with progress (also `--profiles` of `report`).
pub fn roster_fields() -> Vec<Field> {
    vec![
        Field { key: "member", names: &["member", "姓名", "党员"], required: true },
        Field { key: "role", names: &["role", "角色", "身份"], required: true },
        Field { key: "unit", names: &["unit", "单位", "支部"], required: false },
        Field { key: "unit_type", names: &["unit_type", "单位类型"], required: false },
        Field { key: "batch", names: &["batch", "批次"], required: false },
        Field { key: "conditions", names: &["conditions", "个人情况"], required: false },
        Field { key: "progress", names: &["progress", "进度", "已完成"], required: false },
    ]
}

/// Progress written in a cell: a JSON object, or `id;id=40;…` (done items, amounts).
pub fn progress_cell(s: &str) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    let s = s.trim();
    if s.starts_with('{') {
        return serde_json::from_str(s).map_err(|e| format!("进度不是有效的 JSON / progress is not valid JSON: {e}"));
    }
    let mut m = serde_json::Map::new();
    for part in s.split([';', '；', '、', ',']).map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once(['=', ':']) {
            Some((k, v)) => {
                let x: f64 = v.trim().parse().map_err(|_| format!("“{part}”中的数量不是数字 / not a number"))?;
                let n = serde_json::Number::from_f64(x).ok_or_else(|| format!("“{part}”中的数量无效 / invalid amount"))?;
                m.insert(k.trim().to_string(), serde_json::Value::Number(n));
            }
            None => {
                m.insert(part.to_string(), serde_json::Value::Bool(true));
            }
        }
    }
    Ok(m)
}

/// Conditions written in a cell: `a;b、c`.
pub fn conditions_cell(s: &str) -> Vec<String> {
    s.split([';', '；', '、', ',']).map(str::trim).filter(|c| !c.is_empty()).map(str::to_string).collect()
}

/// One roster row from its fields (`get(key)`: the cell of [`roster_fields`]' key, trimmed, empty when absent).
pub fn roster_member(get: impl Fn(&str) -> String) -> Result<RosterMember, (Option<&'static str>, String)> {
    let progress = progress_cell(&get("progress")).map_err(|why| (Some("progress"), why))?;
    let some = |k: &str| Some(get(k)).filter(|v| !v.is_empty());
    Ok(RosterMember {
        member: get("member"),
        unit: some("unit"),
        profile: Profile {
            role: get("role"),
            unit: some("unit_type"),
            batch: some("batch"),
            conditions: conditions_cell(&get("conditions")),
            progress,
        },
    })
}

/// Rows of a header search: the header must be in the first this many rows.
const HEADER_SEARCH: usize = 10;

/// A roster from a sheet's rows (`(line, cells)`, as a spreadsheet reader gives them): the header is
/// found by core's one matcher among the first rows; every bad row is an error naming its line.
pub fn roster_rows(rows: &[(usize, Cells)]) -> Result<Vec<RosterMember>, String> {
    let want = Want::Plain(roster_fields());
    let mut found = None;
    for (i, (_, cells)) in rows.iter().enumerate().take(HEADER_SEARCH) {
        if let Some(f) = want.header(cells, &|_| None)? {
            found = Some((i, f));
            break;
        }
    }
    let Some((at, f)) = found else {
        return Err("没有找到表头(姓名、角色、单位、进度)/ no header: member, role, unit, progress".into());
    };
    let keys: Vec<&str> = roster_fields().iter().map(|x| x.key).collect();
    let mut out = vec![];
    let mut bad = vec![];
    for (line, cells) in &rows[at + 1..] {
        if cells.blank() {
            continue;
        }
        let get = |k: &str| {
            keys.iter()
                .position(|x| *x == k)
                .and_then(|i| f.plain.get(i).copied().flatten())
                .and_then(|c| cells.get(c))
                .unwrap_or("")
                .trim()
                .to_string()
        };
        match roster_member(get) {
            Ok(m) => out.push(m),
            Err((_, why)) => bad.push(format!("第 {line} 行 / line {line}: {why}")),
        }
    }
    if bad.is_empty() {
        Ok(out)
    } else {
        Err(bad.join(";"))
    }
}

/// `督导组,单位` lines (a header line starting 督导组 is skipped): unit → its 督导组.
pub fn oversight_list(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut m = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_start_matches('\u{feff}').trim();
        if line.is_empty() || (i == 0 && line.starts_with("督导组")) {
            continue;
        }
        let Some((g, u)) = line.split_once([',', ',']) else {
            return Err(format!("第 {} 行应为 督导组,单位 / line {}: group,unit", i + 1, i + 1));
        };
        if let Some(first) = m.insert(u.trim().to_string(), g.trim().to_string()) {
            if first != g.trim() {
                return Err(format!("单位 {} 同时列在 {first} 和 {} 之下 / unit listed under two groups", u.trim(), g.trim()));
            }
        }
    }
    Ok(m)
}

/// One JSON file: a unit record, a lower level's table, or a list of either.
pub fn json_inputs(bytes: &[u8]) -> Result<Vec<UnitInput>, String> {
    // The common file, one unit record, read straight into its type (a city's 2,394 branch exports: no tree of
    // values first). A record allows no other field, so a table (level, total), a list, a duplicated key or
    // anything else falls through to the reading below, which decides as it always did.
    if let Ok(u) = serde_json::from_slice::<UnitRecord>(bytes) {
        return Ok(vec![UnitInput::Unit(Box::new(u))]);
    }
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

/// What a file is, by its name: `json` (unit records, tables), `roster` (CSV/XLSX/XLS/ODS), or refused with the reason.
pub fn file_kind(name: &str) -> Result<&'static str, String> {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "json" => Ok("json"),
        "csv" | "xlsx" | "xls" | "ods" => Ok("sheet"),
        _ => Err("不认识的文件类型:应为 .json(单位记录、下级汇总表)、.xlsx(下级汇总表、评议结果、花名册、测评票)或 .csv(花名册、测评票)/ unknown file type".into()),
    }
}

fn hash(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// The files of one unit table, in the order given.
#[derive(Debug, Default)]
pub struct UnitGather {
    seen: HashMap<u64, String>,
    notes: Vec<FileNote>,
    inputs: Vec<UnitInput>,
    rosters: Vec<(String, String, Profile)>,
    extras: Vec<(String, Extra)>,
}

/// A unit's votes, 回头看 or 转段申请 review, from a sheet of them (one row or tally per unit).
#[derive(Debug, Clone)]
pub enum Extra {
    /// 附件6 or a 成效测评: the vote's name, respondents per tier.
    Votes(String, BTreeMap<String, u64>),
    /// 附件5 回头看: the sheets' totals summed, the number of sheets.
    Lookback(f64, u64),
    /// The 督导组's record of the 转段申请, and the 督导组's name where the record gives it.
    Review(ApplicationRecord, Option<String>),
    /// One 督导组 visit (its record book); the 督导组 is the visit's `by`.
    Visit(Visit),
    /// The office's 抽查 of the unit (a sheet of them: [`spot_check_fields`]); a later one replaces an earlier one.
    SpotCheck(SpotCheck),
}

/// The columns of the 督导组's record of 转段申请 (sheet 转段审查 of its record book); the first name of
/// each is the header the record book is written with, so the book reads back.
pub fn review_fields() -> Vec<Field> {
    vec![
        Field { key: "unit", names: &["单位", "unit", "被审查单位"], required: true },
        Field { key: "group", names: &["督导组", "oversight"], required: false },
        Field { key: "phase", names: &["阶段", "phase"], required: false },
        Field { key: "applied", names: &["已申请", "转段申请", "applied"], required: false },
        Field { key: "review", names: &["审查意见", "督导组审查意见", "review"], required: true },
        Field { key: "reviewed_on", names: &["审查日期", "reviewed_on"], required: false },
        Field { key: "approved", names: &["先教办同意", "先教办意见", "approved"], required: false },
        Field { key: "refused", names: &["不同意理由", "先教办不同意理由", "refused"], required: false },
    ]
}

/// The columns of the 督导组's visits (sheet 督导记录 of its record book), as [`review_fields`].
pub fn visit_fields() -> Vec<Field> {
    vec![
        Field { key: "unit", names: &["单位", "unit", "被督导单位"], required: true },
        Field { key: "group", names: &["督导组", "oversight"], required: false },
        Field { key: "on", names: &["检查日期", "督导日期", "日期", "date"], required: true },
        Field { key: "checked", names: &["检查内容", "检查项目", "checked"], required: false },
        Field { key: "problems", names: &["发现问题", "存在问题", "problems"], required: true },
        Field { key: "follow_up", names: &["整改要求", "跟踪落实", "follow_up"], required: false },
        Field { key: "closed_on", names: &["整改完成日期", "整改完成", "closed_on"], required: false },
    ]
}

/// The columns of the office's 抽查 (000: “对所属党支部及下属二级单位党组织开展教育活动的情况要进行抽查,凡是敷衍应付、
/// 走过场的,不得转入下一阶段,并责令‘补课’”), one row a unit, as [`review_fields`]: what was found and whether 补课 was ordered.
pub fn spot_check_fields() -> Vec<Field> {
    vec![
        Field { key: "unit", names: &["单位", "unit", "被抽查单位"], required: true },
        Field { key: "by", names: &["抽查单位", "抽查人", "by"], required: false },
        Field { key: "on", names: &["抽查日期", "on"], required: false },
        Field { key: "finding", names: &["抽查发现", "抽查情况", "finding"], required: true },
        Field { key: "buke", names: &["责令补课", "补课", "buke"], required: true },
    ]
}

impl UnitGather {
    /// Nothing gathered yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether these bytes were read before (then the file is noted 重复 and must not be read).
    pub fn duplicate(&mut self, name: &str, bytes: &[u8]) -> bool {
        match self.seen.get(&hash(bytes)) {
            Some(first) => {
                let reason = format!("与 {first} 内容相同,未重复计入 / same as {first}");
                self.notes.push(FileNote { file: name.to_string(), state: "重复".into(), reason: Some(reason) });
                true
            }
            None => {
                self.seen.insert(hash(bytes), name.to_string());
                false
            }
        }
    }

    /// A file that could not be read (its reason).
    pub fn refuse(&mut self, name: &str, reason: String) {
        self.notes.push(FileNote { file: name.to_string(), state: "拒收".into(), reason: Some(reason) });
    }

    fn done(&mut self, name: &str, got: Result<(), String>) {
        match got {
            Ok(()) => self.notes.push(FileNote { file: name.to_string(), state: "已读".into(), reason: None }),
            Err(r) => self.refuse(name, r),
        }
    }

    /// A JSON file (unit records or a lower level's table).
    pub fn json(&mut self, name: &str, bytes: &[u8]) {
        let got = json_inputs(bytes).map(|v| self.inputs.extend(v));
        self.done(name, got);
    }

    /// A roster, as its reader gave it (or why it could not be read). Members join their unit by name;
    /// a unit given only by a roster is made from it. A member without a unit refuses the file.
    pub fn roster(&mut self, name: &str, members: Result<Vec<RosterMember>, String>) {
        let got = members.and_then(|list| {
            let missing = list.iter().filter(|m| m.unit.is_none()).count();
            if missing > 0 {
                return Err(format!("{missing} 名党员没有写单位 / members without a unit"));
            }
            self.rosters.extend(list.into_iter().filter_map(|m| m.unit.map(|u| (u, m.member, m.profile))));
            Ok(())
        });
        self.done(name, got);
    }

    /// A lower level's table (its `units -o 汇总.xlsx` or `.json`), as its reader gave it.
    pub fn level(&mut self, name: &str, table: Result<UnitTable, String>) {
        let got = table.map(|t| self.inputs.push(UnitInput::Level(Box::new(t))));
        self.done(name, got);
    }

    /// Votes, 回头看 or reviews per unit (see [`Extra`]), added to the unit of that name at [`UnitGather::finish`].
    pub fn extras(&mut self, name: &str, extras: Result<Vec<(String, Extra)>, String>) {
        let got = extras.map(|v| self.extras.extend(v));
        self.done(name, got);
    }

    /// Whether every file was read or a duplicate (none refused).
    pub fn clean(&self) -> bool {
        self.notes.iter().all(|n| n.state != "拒收")
    }

    /// The inputs (rosters' members added to their units), what became of each file, and the members' names.
    pub fn finish(mut self) -> Gathered {
        let mut names: Vec<Vec<Option<String>>> =
            self.inputs.iter().map(|i| if let UnitInput::Unit(u) = i { vec![None; u.members.len()] } else { vec![] }).collect();
        for (unit, name, p) in self.rosters {
            let found = self.inputs.iter_mut().position(|i| matches!(i, UnitInput::Unit(u) if u.unit == unit));
            match found {
                Some(i) => {
                    if let UnitInput::Unit(u) = &mut self.inputs[i] {
                        // A unit record without members or batch takes the roster's batch.
                        if u.members.is_empty() && u.batch.is_none() {
                            u.batch = p.batch.clone();
                        }
                        u.members.push(p);
                        names[i].push(Some(name));
                    }
                }
                None => {
                    let batch = p.batch.clone();
                    self.inputs.push(UnitInput::Unit(Box::new(UnitRecord { unit, batch, members: vec![p], ..UnitRecord::default() })));
                    names.push(vec![Some(name)]);
                }
            }
        }
        let mut review_groups = vec![];
        for (unit, x) in self.extras {
            let found = self.inputs.iter_mut().position(|i| matches!(i, UnitInput::Unit(u) if u.unit == unit));
            let i = found.unwrap_or_else(|| {
                self.inputs.push(UnitInput::Unit(Box::new(UnitRecord { unit: unit.clone(), ..UnitRecord::default() })));
                names.push(vec![]);
                self.inputs.len() - 1
            });
            let UnitInput::Unit(u) = &mut self.inputs[i] else { continue };
            match x {
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
                Extra::Review(rec, group) => {
                    u.application = rec;
                    if let Some(g) = group {
                        review_groups.push((unit, g));
                    }
                }
                Extra::SpotCheck(c) => u.spot_check = Some(c),
                Extra::Visit(v) => {
                    if let Some(g) = v.by.clone().filter(|g| !review_groups.iter().any(|(u, x)| *u == unit && x == g)) {
                        review_groups.push((unit, g));
                    }
                    u.visits.push(v);
                }
            }
        }
        Gathered { inputs: self.inputs, notes: self.notes, names, review_groups }
    }
}

/// What [`UnitGather::finish`] gives.
#[derive(Debug, Default)]
pub struct Gathered {
    /// The unit table's inputs.
    pub inputs: Vec<UnitInput>,
    /// What became of each file, in the order given.
    pub notes: Vec<FileNote>,
    /// Per input, its members' names where a roster gave them (aligned with `members`).
    pub names: Vec<Vec<Option<String>>>,
    /// (unit, 督导组) as the 督导组's records name them; an `--oversight` list or the rules come first.
    pub review_groups: Vec<(String, String)>,
}

impl Gathered {
    /// Adds the records' 督导组 to `oversight` where it names none; a record that names another group than the list
    /// is answered with a note (the list wins).
    pub fn fill_oversight(&self, oversight: &mut BTreeMap<String, String>) -> Vec<String> {
        let mut notes = vec![];
        for (unit, g) in &self.review_groups {
            match oversight.get(unit) {
                Some(listed) if listed != g => {
                    notes.push(format!("督导组记录中 {unit} 属 {g},名单中属 {listed}:以名单为准 / the record and the list name different groups"))
                }
                Some(_) => {}
                None => {
                    oversight.insert(unit.clone(), g.clone());
                }
            }
        }
        notes
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn progress_cells_are_read() {
        let p = progress_cell("征求意见;交心谈心、学习学时=40").unwrap();
        assert_eq!(serde_json::Value::Object(p), serde_json::json!({ "征求意见": true, "交心谈心": true, "学习学时": 40.0 }));
        assert_eq!(progress_cell("{\"a\": 3}").unwrap()["a"], 3);
        assert!(progress_cell("学习学时=很多").is_err());
    }

    fn dense(v: &[&str]) -> Cells {
        Cells(v.iter().enumerate().map(|(i, s)| (i, s.to_string())).collect())
    }

    #[test]
    fn every_file_is_accounted_for() {
        let mut g = UnitGather::new();
        let roster =
            vec![(1, dense(&["说明"])), (2, dense(&["姓名", "角色", "单位", "进度"])), (3, dense(&["张三", "党员", "丙办", "专题一;学习学时=3"]))];
        assert!(!g.duplicate("a.csv", b"x"));
        g.roster("a.csv", roster_rows(&roster));
        assert!(g.duplicate("b.csv", b"x"));
        assert!(!g.duplicate("c.json", b"{"));
        g.json("c.json", b"{");
        g.refuse("d.txt", file_kind("d.txt").unwrap_err());
        g.roster("e.csv", roster_rows(&[(1, dense(&["姓名", "角色"])), (2, dense(&["李四", "党员"]))]));
        assert!(!g.clean());
        let Gathered { inputs, notes, names, .. } = g.finish();
        assert_eq!(names, [vec![Some("张三".to_string())]]);
        let states: Vec<&str> = notes.iter().map(|n| n.state.as_str()).collect();
        assert_eq!(states, ["已读", "重复", "拒收", "拒收", "拒收"]);
        assert!(notes[4].reason.as_deref().unwrap().contains("没有写单位"));
        assert!(matches!(&inputs[..], [UnitInput::Unit(u)] if u.unit == "丙办" && u.members.len() == 1));
        let bad = roster_rows(&[(1, dense(&["姓名", "角色", "进度"])), (5, dense(&["王五", "党员", "学时=很多"]))]).unwrap_err();
        assert!(bad.contains("第 5 行"), "{bad}");
        assert!(roster_rows(&[(1, dense(&["a", "b"]))]).is_err());
    }

    #[test]
    fn oversight_lists() {
        let m = oversight_list("督导组,单位\n第一组,甲\n第二组,乙\n").unwrap();
        assert_eq!(m.get("乙").map(String::as_str), Some("第二组"));
        assert!(oversight_list("第一组,甲\n第二组,甲").unwrap_err().contains("同时列在"));
        assert!(oversight_list("第一组").unwrap_err().contains("第 1 行"));
    }
}

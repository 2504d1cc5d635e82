//! Members' checklist progress (`--profiles`): a JSON list, or a CSV/XLSX
//! table with one member a row. Each member's checklist is worked out on a
//! day; `score` hands it to the outcome function (`r.checklist`), `report`
//! rolls the checklists up per unit for the 转段 gate.

use crate::error::CliError;
use crate::input::{self, Field, PlainRows, Problem, Target};
use std::path::Path;
use xianjiao_core::{Checklist, NaiveDate, Profile, RuleSet, VoteReport};

/// One member's profile row, as given.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MemberProfile {
    pub(crate) member: String,
    pub(crate) role: String,
    #[serde(default)]
    pub(crate) unit: Option<String>,
    /// The unit type of the rules (机关, 社区 …), when `unit` is not one.
    #[serde(default)]
    pub(crate) unit_type: Option<String>,
    #[serde(default)]
    pub(crate) batch: Option<String>,
    #[serde(default)]
    pub(crate) conditions: Vec<String>,
    #[serde(default)]
    pub(crate) progress: serde_json::Map<String, serde_json::Value>,
}

fn profile_fields() -> Vec<Field> {
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
fn progress_cell(s: &str) -> Result<serde_json::Map<String, serde_json::Value>, String> {
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

/// Reads the profiles: a JSON list, or a CSV/XLSX table. Bad rows are problems.
pub(crate) fn read_profiles(path: &Path, problems: &mut Vec<Problem>) -> Result<Vec<MemberProfile>, CliError> {
    let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        let text = std::fs::read_to_string(path).map_err(|e| CliError::file(path, e))?;
        return serde_json::from_str(&text)
            .map_err(|e| CliError::usage(format!("{}:{}:{}: error[profiles.json]: {e}", path.display(), e.line(), e.column())));
    }
    let mut rows = PlainRows::new(profile_fields());
    let inputs = input::read_all(&[path.to_path_buf()], Target::Plain(&mut rows))?;
    let mut out = vec![];
    for (line, row) in &rows.rows {
        let mut r = xianjiao_core::Rejection { row: *line, field: None, reason: String::new() };
        let file = inputs.relocate(&mut r).unwrap_or_else(|| path.display().to_string());
        match row {
            Err(why) => problems.push(Problem { file, row: r.row, field: None, reason: why.clone() }),
            Ok(v) => {
                let g = |k: &str| rows.col(k).and_then(|i| v.get(i)).cloned().unwrap_or_default();
                match progress_cell(&g("progress")) {
                    Err(why) => problems.push(Problem { file, row: r.row, field: Some("progress".into()), reason: why }),
                    Ok(progress) => out.push(MemberProfile {
                        member: g("member"),
                        role: g("role"),
                        unit: Some(g("unit")).filter(|u| !u.is_empty()),
                        unit_type: Some(g("unit_type")).filter(|u| !u.is_empty()),
                        batch: Some(g("batch")).filter(|u| !u.is_empty()),
                        conditions: g("conditions")
                            .split([';', '；', '、', ','])
                            .map(str::trim)
                            .filter(|c| !c.is_empty())
                            .map(str::to_string)
                            .collect(),
                        progress,
                    }),
                }
            }
        }
    }
    Ok(out)
}

/// A member's checklist, or why there is none.
#[derive(Debug)]
pub(crate) struct Progress {
    pub(crate) p: MemberProfile,
    pub(crate) list: Result<Checklist, String>,
}

/// Reads members' profiles and works out each one's checklist on `on`.
pub(crate) fn checklists(rs: &RuleSet, path: &Path, on: Option<NaiveDate>, problems: &mut Vec<Problem>) -> Result<Vec<Progress>, CliError> {
    let list = read_profiles(path, problems)?;
    Ok(list.into_iter().map(|p| progress_of(rs, p, on)).collect())
}

/// One member's checklist on `on`.
fn progress_of(rs: &RuleSet, p: MemberProfile, on: Option<NaiveDate>) -> Progress {
    // `unit` in a profile names the member's own unit; it is the unit type only when the rules list it as one.
    let unit_type = p.unit_type.clone().or_else(|| p.unit.clone().filter(|u| rs.rules().units.iter().any(|x| &x.name == u)));
    let prof =
        Profile { role: p.role.clone(), unit: unit_type, batch: p.batch.clone(), conditions: p.conditions.clone(), progress: p.progress.clone() };
    let list = rs.checklist(&prof, on).map_err(|e| e.message.clone());
    Progress { p, list }
}

/// A vote's results (`report --votes`, one row per unit) as the progress of the requirements completed by
/// that vote (`vote:`, a gate item), for each member of the unit whose profile does not record it itself.
pub(crate) fn with_votes(rs: &RuleSet, list: Vec<Progress>, votes: &VoteReport, on: Option<NaiveDate>) -> Vec<Progress> {
    let ids: Vec<&str> = rs.rules().requirements.iter().filter(|q| q.vote.as_deref() == Some(votes.vote.as_str())).map(|q| q.id.as_str()).collect();
    list.into_iter()
        .map(|mut x| {
            let tally = x.p.unit.as_deref().and_then(|u| votes.subjects.iter().find(|t| t.subject == u));
            let missing: Vec<&&str> = ids.iter().filter(|id| !x.p.progress.contains_key(**id)).collect();
            match tally {
                Some(t) if !missing.is_empty() => {
                    for id in missing {
                        x.p.progress.insert(id.to_string(), serde_json::Value::Object(t.counts.clone()));
                    }
                    progress_of(rs, x.p, on)
                }
                _ => x,
            }
        })
        .collect()
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
}

//! Members' checklist progress, the roster with progress (`score --profiles`, the office page's scoring tab,
//! the unit table's 花名册): a JSON list, or a CSV/XLSX table with one member a row (core's `roster_fields`,
//! also the sheet 花名册与进度 that `score -o` and the page's export write). One reading for the CLI (a file
//! on disk read into [`PlainRows`], then [`profile_rows`]) and the office wasm (the dropped file's bytes,
//! [`profiles`]), so a roster means the same in both.

use crate::{read_all_bytes, Inputs, PlainRows, Problem, Target};
use xianjiao_core::{Profile, RosterMember};

/// One member of a JSON list of profiles, as given.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonProfile {
    member: String,
    role: String,
    #[serde(default)]
    unit: Option<String>,
    /// The unit type of the rules (机关, 社区 …), when `unit` is not one.
    #[serde(default)]
    unit_type: Option<String>,
    #[serde(default)]
    batch: Option<String>,
    #[serde(default)]
    conditions: Vec<String>,
    #[serde(default)]
    progress: serde_json::Map<String, serde_json::Value>,
}

/// True when the file is a JSON list (by its name).
pub fn is_json(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(_, e)| e.eq_ignore_ascii_case("json"))
}

/// A JSON list of profiles; the message names the file, line and column (`error[profiles.json]`).
pub fn profiles_json(name: &str, text: &str) -> Result<Vec<RosterMember>, String> {
    let list: Vec<JsonProfile> = serde_json::from_str(text).map_err(|e| format!("{name}:{}:{}: error[profiles.json]: {e}", e.line(), e.column()))?;
    Ok(list
        .into_iter()
        .map(|p| RosterMember {
            member: p.member,
            unit: p.unit,
            profile: Profile { role: p.role, unit: p.unit_type, batch: p.batch, conditions: p.conditions, progress: p.progress },
        })
        .collect())
}

/// The rows of a roster read into `rows` (made with core's `roster_fields`) from `inputs`: each member, or the
/// row's problem at its file (`name` when the reader did not say) and line.
pub fn profile_rows(rows: &PlainRows, inputs: &Inputs, name: &str) -> (Vec<RosterMember>, Vec<Problem>) {
    let mut out = vec![];
    let mut problems = vec![];
    for (line, row) in &rows.rows {
        let mut r = xianjiao_core::Rejection { row: *line, field: None, reason: String::new() };
        let file = inputs.relocate(&mut r).unwrap_or_else(|| name.to_string());
        match row {
            Err(why) => problems.push(Problem { file, row: r.row, field: None, reason: why.clone() }),
            Ok(v) => {
                let g = |k: &str| rows.col(k).and_then(|i| v.get(i)).cloned().unwrap_or_default();
                match xianjiao_core::roster_member(g) {
                    Err((field, why)) => problems.push(Problem { file, row: r.row, field: field.map(str::to_string), reason: why }),
                    Ok(m) => out.push(m),
                }
            }
        }
    }
    (out, problems)
}

/// A roster with progress from its bytes (JSON by the name, else a sheet): the members and the rows not used;
/// `Err` when the file cannot be read as one (the message names the file).
pub fn profiles(name: &str, bytes: &[u8]) -> Result<(Vec<RosterMember>, Vec<Problem>), String> {
    if is_json(name) {
        let text = std::str::from_utf8(bytes).map_err(|e| format!("{name}: 不是 UTF-8 文本 / not UTF-8 text: {e}"))?;
        return Ok((profiles_json(name, text)?, vec![]));
    }
    let mut rows = PlainRows::new(xianjiao_core::roster_fields());
    let (inputs, _) = read_all_bytes(&[(name, bytes)], Target::Plain(&mut rows))?;
    Ok(profile_rows(&rows, &inputs, name))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_sheet_and_a_json_list_give_the_same_members_and_bad_rows_their_line() {
        let csv = "姓名,角色,单位,单位类型,进度\n张三,党员,镇机关,机关,征求意见;学习学时=40\n李四,党员,镇机关,机关,学习学时=四十\n";
        let (members, bad) = profiles("进度.csv", csv.as_bytes()).unwrap();
        assert_eq!(members.len(), 1);
        assert_eq!((bad[0].file.as_str(), bad[0].row, bad[0].field.as_deref()), ("进度.csv", 3, Some("progress")));
        let json = r#"[{"member": "张三", "role": "党员", "unit": "镇机关", "unit_type": "机关", "progress": {"征求意见": true, "学习学时": 40.0}}]"#;
        let (from_json, none) = profiles("进度.json", json.as_bytes()).unwrap();
        assert!(none.is_empty());
        assert_eq!(format!("{:?}", from_json[0].profile), format!("{:?}", members[0].profile));
        assert_eq!((from_json[0].member.as_str(), from_json[0].unit.as_deref()), ("张三", Some("镇机关")));
        let e = profiles("进度.json", r#"[{"member": "张三"}]"#.as_bytes()).unwrap_err();
        assert!(e.starts_with("进度.json:1:") && e.contains("error[profiles.json]"), "{e}");
    }
}

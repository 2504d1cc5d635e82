//! Members' checklist progress (`--profiles`): a JSON list, or a CSV/XLSX
//! table with one member a row. Each member's checklist is worked out on a
//! day; `score` hands it to the outcome function (`r.checklist`), `report`
//! rolls the checklists up per unit for the 转段 gate.

use crate::error::CliError;
use crate::input::{self, PlainRows, Problem, Target};
use std::path::Path;
use xianjiao_core::{Checklist, NaiveDate, Profile, RosterMember, RuleSet, VoteReport};

/// One member's profile row, as given (the reader's [`xianjiao_reader::profiles`], shared with the office page).
#[derive(Debug, Clone)]
pub(crate) struct MemberProfile {
    pub(crate) member: String,
    pub(crate) role: String,
    pub(crate) unit: Option<String>,
    /// The unit type of the rules (机关, 社区 …), when `unit` is not one.
    pub(crate) unit_type: Option<String>,
    pub(crate) batch: Option<String>,
    pub(crate) conditions: Vec<String>,
    pub(crate) progress: serde_json::Map<String, serde_json::Value>,
}

impl From<RosterMember> for MemberProfile {
    fn from(m: RosterMember) -> Self {
        MemberProfile {
            member: m.member,
            role: m.profile.role,
            unit: m.unit,
            unit_type: m.profile.unit,
            batch: m.profile.batch,
            conditions: m.profile.conditions,
            progress: m.profile.progress,
        }
    }
}

/// Reads the profiles: a JSON list, or a CSV/XLSX table. Bad rows are problems.
pub(crate) fn read_profiles(path: &Path, problems: &mut Vec<Problem>) -> Result<Vec<MemberProfile>, CliError> {
    let name = path.display().to_string();
    if xianjiao_reader::profiles::is_json(&name) {
        let text = std::fs::read_to_string(path).map_err(|e| CliError::file(path, e))?;
        let list = xianjiao_reader::profiles::profiles_json(&name, &text).map_err(CliError::usage)?;
        return Ok(list.into_iter().map(MemberProfile::from).collect());
    }
    let mut rows = PlainRows::new(xianjiao_core::roster_fields());
    let inputs = input::read_all(&[path.to_path_buf()], Target::Plain(&mut rows))?;
    let (list, bad) = xianjiao_reader::profiles::profile_rows(&rows, &inputs, &name);
    problems.extend(bad);
    Ok(list.into_iter().map(MemberProfile::from).collect())
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
    let given = Profile {
        role: p.role.clone(),
        unit: p.unit_type.clone(),
        batch: p.batch.clone(),
        conditions: p.conditions.clone(),
        progress: p.progress.clone(),
    };
    let prof = xianjiao_core::checklist_profile(rs.rules(), p.unit.as_deref(), &given);
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

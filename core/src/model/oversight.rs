//! Who oversees the units: campaign offices (先教办), 督导组 and where a
//! phase's 转段申请 goes (seeds 000, 002, 003).

use super::read::F;
use super::types::{Application, Office, Oversight, Rules};
use crate::diag::Diags;
use crate::kinds::fields;
use crate::load::entity::Entity;

pub(super) fn offices<'a>(es: impl Iterator<Item = &'a Entity>, r: &mut Rules, d: &mut Diags) {
    for e in es {
        let mut f = F::new(e, d, fields("office"));
        let label = f.str("label");
        let level = f.str("level");
        let origin = f.origin();
        r.offices.push(Office { name: e.key.clone(), label, level, origin });
    }
}

fn office_known(r: &Rules, f: &mut F, kind: &str, key: &str, field: &str, name: &Option<String>) {
    if let Some(o) = name {
        if !r.offices.iter().any(|x| &x.name == o) {
            let loc = f.loc(field);
            let known: Vec<_> = r.offices.iter().map(|x| x.name.as_str()).collect();
            f.d.error(
                "office.unknown",
                &loc,
                format!("{kind} \"{key}\" 的 {field} \"{o}\" 不是已声明的先教办(office);已声明: {} / unknown office", known.join("、")),
            );
        }
    }
}

pub(super) fn oversights<'a>(es: impl Iterator<Item = &'a Entity>, r: &mut Rules, d: &mut Diags) {
    // A unit covered by two 督导组 would be reviewed twice: the second names the first.
    let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for e in es {
        let mut f = F::new(e, d, fields("oversight"));
        let label = f.str("label");
        let office = f.str("office");
        office_known(r, &mut f, "督导组 oversight", &e.key, "office", &office);
        let units = f.strs("units");
        for u in &units {
            if let Some(first) = seen.insert(u.clone(), e.key.clone()) {
                if first != e.key {
                    let loc = f.loc("units");
                    f.d.error(
                        "oversight.overlap",
                        &loc,
                        format!("单位 \"{u}\" 同时由 \"{first}\" 和 \"{}\" 督导:每个单位只归一个督导组 / unit covered by two groups", e.key),
                    );
                }
            }
        }
        let origin = f.origin();
        r.oversights.push(Oversight { name: e.key.clone(), label, office, units, origin });
    }
}

pub(super) fn applications<'a>(es: impl Iterator<Item = &'a Entity>, r: &mut Rules, d: &mut Diags) {
    for e in es {
        let mut f = F::new(e, d, fields("application"));
        let requirement = f.str("requirement");
        if let Some(q) = &requirement {
            if !r.requirements.iter().any(|x| &x.id == q) {
                let loc = f.loc("requirement");
                f.d.error(
                    "application.unknown_requirement",
                    &loc,
                    format!("转段申请 \"{}\" 的 requirement \"{q}\" 未声明 / unknown requirement", e.key),
                );
            }
        }
        let review = f.bool("review").unwrap_or(false);
        let approve = f.str("approve");
        office_known(r, &mut f, "转段申请 application", &e.key, "approve", &approve);
        let assessment = f.str("assessment");
        if let Some(v) = &assessment {
            if !r.votes.iter().any(|x| &x.name == v) {
                let loc = f.loc("assessment");
                f.d.error("application.unknown_vote", &loc, format!("转段申请 \"{}\" 的成效测评 \"{v}\" 不是已声明的 vote / unknown vote", e.key));
            }
        }
        let note = f.str("note");
        let origin = f.origin();
        if !r.phases.iter().any(|p| p.name == e.key) {
            d.error("application.unknown_phase", &e.loc, format!("转段申请属于未声明的阶段 \"{}\" / application names an unknown phase", e.key));
        }
        r.applications.push(Application { phase: e.key.clone(), requirement, review, approve, assessment, note, origin });
    }
}

//! Requirements (what each kind of member must do) and transition gates.

use super::read::parse_date;
use super::read::F;
use super::types::{Due, Gate, Requirement, Rules};
use crate::diag::Diags;
use crate::kinds::fields;
use crate::load::entity::Entity;
use std::collections::HashSet;

pub(super) fn requirements<'a>(es: impl Iterator<Item = &'a Entity>, r: &mut Rules, d: &mut Diags) {
    // Name sets built once, so that checking N requirements stays linear.
    let declared_roles: HashSet<String> = r.roles.iter().map(|x| x.name.clone()).collect();
    let conds: HashSet<String> = r.conditions.iter().map(|x| x.name.clone()).collect();
    let steps: HashSet<String> = r.steps.iter().map(|x| x.name.clone()).collect();
    let phases: HashSet<String> = r.phases.iter().map(|x| x.name.clone()).collect();
    let role_or_cond = |_: &Rules, x: &str| declared_roles.contains(x) || conds.contains(x);
    for e in es {
        let mut f = F::new(e, d, fields("require"));
        let phase = f.str("phase").unwrap_or_default();
        let label = f.str("label").unwrap_or_else(|| e.key.clone());
        let roles = f.strs("roles");
        for role in &roles {
            if !declared_roles.contains(role) {
                let loc = f.loc("roles");
                let known: Vec<_> = r.roles.iter().map(|x| x.name.as_str()).collect();
                f.d.error(
                    "role.unknown",
                    &loc,
                    format!("要求 \"{}\" 用了未声明的角色 \"{role}\";已声明: {} / unknown role", e.key, known.join("、")),
                );
            }
        }
        let units = f.strs("units");
        for u in units.iter().filter(|u| !r.units.iter().any(|x| &x.name == *u)) {
            let loc = f.loc("units");
            let known: Vec<_> = r.units.iter().map(|x| x.name.as_str()).collect();
            f.d.error(
                "unit.unknown",
                &loc,
                format!("要求 \"{}\" 的 units 含未声明的单位类型 \"{u}\";已声明: {} / unknown unit type", e.key, known.join("、")),
            );
        }
        let exempt = f.str_pairs("exempt");
        let substitute = f.str_pairs("substitute");
        for (who, _) in exempt.iter().chain(substitute.iter()) {
            if !role_or_cond(r, who) {
                let loc = f.loc(if exempt.iter().any(|x| &x.0 == who) { "exempt" } else { "substitute" });
                f.d.error(
                    "role.unknown",
                    &loc,
                    format!("要求 \"{}\" 的豁免/替代对象 \"{who}\" 既不是已声明的角色也不是已声明的情况 / unknown role or condition", e.key),
                );
            }
        }
        let due = match f.get("due") {
            Some(v) if v.is_map() => per_batch_due(&mut f, &e.key, r),
            _ => step_or_date_due(&mut f, &e.key, &steps),
        };
        if !phases.contains(&phase) {
            f.d.error(
                "require.unknown_phase",
                &e.loc,
                format!("要求 \"{}\" 属于未声明的阶段 \"{phase}\" / requirement names an unknown phase", e.key),
            );
        }
        let min = f.num("min");
        let unit = f.str("unit");
        let session_min = f.num("session_min");
        if session_min.is_some() && min.is_none() {
            let loc = f.loc("session_min");
            f.d.error("require.session_without_min", &loc, format!("要求 \"{}\" 给了 session_min 却没有 min(总量) / session_min needs min", e.key));
        }
        for (k, v) in [("min", min), ("session_min", session_min)] {
            if v.is_some_and(|x| x < 0.0) {
                let loc = f.loc(k);
                f.d.error("field.range", &loc, format!("要求 \"{}\" 的 {k} 不能为负 / {k} must not be negative", e.key));
            }
        }
        let check = f.str("check");
        let vote = f.str("vote");
        let vote_at = f.loc("vote");
        let note = f.str("note");
        let origin = f.origin();
        r.requirements.push(Requirement {
            id: e.key.clone(),
            phase,
            label,
            roles,
            units,
            min,
            unit,
            session_min,
            due,
            exempt,
            substitute,
            check,
            vote,
            vote_at,
            note,
            origin,
            loc: e.loc.clone(),
        });
    }
}

pub(super) fn gates<'a>(es: impl Iterator<Item = &'a Entity>, r: &mut Rules, d: &mut Diags) {
    // A requirement's `vote` names a vote (votes are built after requirements, before gates).
    for q in &r.requirements {
        if let Some(v) = q.vote.as_deref().filter(|v| !r.votes.iter().any(|x| x.name == *v)) {
            let known: Vec<_> = r.votes.iter().map(|x| x.name.as_str()).collect();
            d.error(
                "require.unknown_vote",
                &q.vote_at,
                format!("要求 \"{}\" 的 vote 用了未声明的测评 \"{v}\";已声明: {} / unknown vote", q.id, known.join("、")),
            );
        }
    }
    let ids: HashSet<String> = r.requirements.iter().map(|x| x.id.clone()).collect();
    for e in es {
        let mut f = F::new(e, d, fields("gate"));
        let requires = f.strs("requires");
        for q in &requires {
            if !ids.contains(q) {
                let loc = f.loc("requires");
                f.d.error(
                    "gate.unknown_requirement",
                    &loc,
                    format!("转段条件 \"{}\" 引用了未声明的要求 \"{q}\" / gate names an unknown requirement", e.key),
                );
            }
        }
        let note = f.str("note");
        let origin = f.origin();
        if !r.phases.iter().any(|p| p.name == e.key) {
            d.error("gate.unknown_phase", &e.loc, format!("转段条件属于未声明的阶段 \"{}\" / gate names an unknown phase", e.key));
        }
        r.gates.push(Gate { phase: e.key.clone(), requires, note, origin });
    }
}

/// `due: "YYYY-MM-DD"` (a date) or `due: "环节名"` (the end of a declared step's window).
fn step_or_date_due(f: &mut F<'_>, key: &str, steps: &HashSet<String>) -> Due {
    match f.str("due") {
        None => Due::PhaseEnd,
        Some(s) if s.len() == 10 && s.as_bytes().get(4) == Some(&b'-') => {
            let loc = f.loc("due");
            parse_date(&s, &loc, f.d).map(Due::Date).unwrap_or(Due::PhaseEnd)
        }
        Some(s) => {
            if !steps.contains(&s) {
                let loc = f.loc("due");
                f.d.error("step.unknown", &loc, format!("要求 \"{key}\" 的截止环节 \"{s}\" 未声明 / due names an unknown step"));
            }
            Due::Step(s)
        }
    }
}

/// `due: #{ 批次: "YYYY-MM-DD" }`: a date for each batch listed (declared batches only); other batches fall due at the phase's end.
fn per_batch_due(f: &mut F<'_>, key: &str, r: &Rules) -> Due {
    let Some(m) = f.map("due") else { return Due::PhaseEnd };
    let loc = f.loc("due");
    let mut out = vec![];
    for (b, v) in m {
        let b = b.to_string();
        if !r.batches.iter().any(|x| x.name == b) {
            let known: Vec<_> = r.batches.iter().map(|x| x.name.as_str()).collect();
            f.d.error(
                "batch.unknown",
                &loc,
                format!("要求 \"{key}\" 的 due 给了未声明的批次 \"{b}\";已声明: {} / due names an unknown batch", known.join("、")),
            );
            continue;
        }
        match v.into_string() {
            Ok(s) => {
                if let Some(d) = parse_date(&s, &loc, f.d) {
                    out.push((b, d));
                }
            }
            Err(t) => f.d.error(
                "field.type",
                &loc,
                format!("要求 \"{key}\" 的 due 中批次 \"{b}\" 的截止日期应为 \"YYYY-MM-DD\",实为{t} / a batch's due date must be \"YYYY-MM-DD\""),
            ),
        }
    }
    Due::Batches(out)
}

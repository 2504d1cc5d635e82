//! The typed rule set and its validation: turns merged declarations into
//! plain data and reports every inconsistency with the place that caused it.
//!
//! One submodule per group of declaration kinds builds its part of [`Rules`];
//! `read` holds the field reader they share. The order of [`build`] matters:
//! later kinds check names declared by earlier ones (steps name phases,
//! requirements name roles and steps, gates name requirements ...).

mod calendar;
mod duties;
mod forms;
mod materials;
mod oversight;
mod people;
mod read;
mod types;

use crate::diag::Diags;
use crate::load::entity::Entity;
pub use types::*;

/// How one kind's entities become typed rules.
pub(crate) type Builder = fn(&mut dyn Iterator<Item = &Entity>, &mut Rules, &mut Diags);

/// The builder of a declaration kind (see [`crate::kinds`]; a test there checks every kind has one).
pub(crate) fn builder(kind: &str) -> Option<Builder> {
    Some(match kind {
        "campaign" => |es, r, d| people::campaign(es, r, d),
        "role" => |es, r, d| people::roles(es, r, d),
        "condition" => |es, r, d| people::conditions(es, r, d),
        "unit" => |es, r, d| people::units(es, r, d),
        "batch" => |es, r, d| calendar::batches(es, r, d),
        "phase" => |es, r, d| calendar::phases(es, r, d),
        "step" => |es, r, d| calendar::steps(es, r, d),
        "require" => |es, r, d| duties::requirements(es, r, d),
        "material" => |es, r, d| materials::materials(es, r, d),
        "form" => |es, r, d| forms::forms(es, r, d),
        "vote" => |es, r, d| forms::votes(es, r, d),
        "exam" => |es, r, d| forms::exams(es, r, d),
        "gate" => |es, r, d| duties::gates(es, r, d),
        "office" => |es, r, d| oversight::offices(es, r, d),
        "oversight" => |es, r, d| oversight::oversights(es, r, d),
        "application" => |es, r, d| oversight::applications(es, r, d),
        "test" => |es, r, _| r.tests.extend(es.map(|e| TestCase { name: e.key.clone(), spec: e.fields.clone(), loc: e.loc.clone() })),
        _ => return None,
    })
}

/// Builds the typed rules from merged declarations, kind by kind.
pub(crate) fn build(entities: &[Entity], d: &mut Diags) -> Rules {
    let mut r = Rules::default();
    for k in crate::kinds::KINDS {
        if let Some(b) = builder(k.name) {
            b(&mut entities.iter().filter(|e| e.kind == k.name), &mut r, d);
        }
    }
    r
}

/// Every declaration without `source:` or `local:` (for `check --strict`).
#[cfg_attr(not(feature = "script"), allow(dead_code))]
pub(crate) fn missing_origin<'a>(entities: impl Iterator<Item = &'a Entity>, d: &mut Diags) {
    for e in entities {
        if !crate::kinds::kind(&e.kind).is_some_and(|k| k.rule) {
            continue;
        }
        if !e.fields.contains_key("source") && !e.fields.contains_key("local") {
            d.warning(
                "origin.missing",
                &e.loc,
                format!("{} \"{}\" 没有注明出处:写 source: \"种子编号: 原文\" 或 local: \"本地设定: …\" / no source: or local:", e.kind, e.key),
            );
        }
    }
}

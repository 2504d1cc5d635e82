//! Campaign metadata, roles, personal conditions and unit types.

use super::read::F;
use super::types::{Campaign, Named, Role, Rules};
use crate::diag::Diags;
use crate::kinds::fields;
use crate::load::entity::Entity;

pub(super) fn campaign<'a>(es: impl Iterator<Item = &'a Entity>, r: &mut Rules, d: &mut Diags) {
    for e in es {
        let mut f = F::new(e, d, fields("campaign"));
        r.campaign = Campaign { name: f.str("name").unwrap_or_default(), level: f.str("level"), batch: f.str("batch"), origin: f.origin() };
    }
}

pub(super) fn roles<'a>(es: impl Iterator<Item = &'a Entity>, r: &mut Rules, d: &mut Diags) {
    for e in es {
        let mut f = F::new(e, d, fields("role"));
        r.roles.push(Role { name: e.key.clone(), label: f.str("label"), group: f.bool("group").unwrap_or(false), origin: f.origin() });
    }
}

pub(super) fn conditions<'a>(es: impl Iterator<Item = &'a Entity>, r: &mut Rules, d: &mut Diags) {
    for e in es {
        let mut f = F::new(e, d, fields("condition"));
        let (roles, units) = (f.strs("roles"), f.strs("units"));
        // A condition's scope names declared roles and unit types (both are built before conditions: see kinds::KINDS).
        for x in roles.iter().filter(|x| !r.roles.iter().any(|y| &y.name == *x)) {
            f.d.error("role.unknown", e.field_loc("roles"), format!("情况 \"{}\" 的 roles 含未声明的角色 \"{x}\" / unknown role", e.key));
        }
        for x in units.iter().filter(|x| !r.units.iter().any(|y| &y.name == *x)) {
            f.d.error("unit.unknown", e.field_loc("units"), format!("情况 \"{}\" 的 units 含未声明的单位类型 \"{x}\" / unknown unit type", e.key));
        }
        r.conditions.push(Named { name: e.key.clone(), label: f.str("label"), roles, units, origin: f.origin() });
    }
}

pub(super) fn units<'a>(es: impl Iterator<Item = &'a Entity>, r: &mut Rules, d: &mut Diags) {
    for e in es {
        let mut f = F::new(e, d, fields("unit"));
        r.units.push(Named { name: e.key.clone(), label: f.str("label"), roles: vec![], units: vec![], origin: f.origin() });
    }
}

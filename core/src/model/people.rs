//! Campaign metadata, roles, personal conditions and unit types.

use super::fields;
use super::read::F;
use super::{Campaign, Named, Role, Rules};
use crate::diag::Diags;
use crate::load::entity::Entity;

pub(super) fn campaign<'a>(es: impl Iterator<Item = &'a Entity>, r: &mut Rules, d: &mut Diags) {
    for e in es {
        let mut f = F::new(e, d, fields("campaign"));
        r.campaign = Campaign { name: f.str("name").unwrap_or_default(), level: f.str("level"), batch: f.str("batch"), origin: f.origin() };
    }
}

pub(super) fn roles<'a>(
    roles: impl Iterator<Item = &'a Entity>,
    conditions: impl Iterator<Item = &'a Entity>,
    units: impl Iterator<Item = &'a Entity>,
    r: &mut Rules,
    d: &mut Diags,
) {
    for e in roles {
        let mut f = F::new(e, d, fields("role"));
        r.roles.push(Role { name: e.key.clone(), label: f.str("label"), group: f.bool("group").unwrap_or(false), origin: f.origin() });
    }
    let mut scoped = vec![];
    for e in conditions {
        let mut f = F::new(e, d, fields("condition"));
        let (roles, units) = (f.strs("roles"), f.strs("units"));
        scoped.push((e.field_loc("roles").clone(), e.field_loc("units").clone()));
        r.conditions.push(Named { name: e.key.clone(), label: f.str("label"), roles, units, origin: f.origin() });
    }
    for e in units {
        let mut f = F::new(e, d, fields("unit"));
        r.units.push(Named { name: e.key.clone(), label: f.str("label"), roles: vec![], units: vec![], origin: f.origin() });
    }
    // A condition's scope names declared roles and unit types.
    for (c, (rl, ul)) in r.conditions.iter().zip(scoped) {
        for x in c.roles.iter().filter(|x| !r.roles.iter().any(|y| &y.name == *x)) {
            d.error("role.unknown", &rl, format!("情况 \"{}\" 的 roles 含未声明的角色 \"{x}\" / unknown role", c.name));
        }
        for x in c.units.iter().filter(|x| !r.units.iter().any(|y| &y.name == *x)) {
            d.error("unit.unknown", &ul, format!("情况 \"{}\" 的 units 含未声明的单位类型 \"{x}\" / unknown unit type", c.name));
        }
    }
}

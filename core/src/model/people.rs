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
        r.conditions.push(Named { name: e.key.clone(), label: f.str("label"), origin: f.origin() });
    }
}

pub(super) fn units<'a>(es: impl Iterator<Item = &'a Entity>, r: &mut Rules, d: &mut Diags) {
    for e in es {
        let mut f = F::new(e, d, fields("unit"));
        r.units.push(Named { name: e.key.clone(), label: f.str("label"), origin: f.origin() });
    }
}

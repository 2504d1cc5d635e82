//! The one table of declaration kinds: what a rule file may declare, how the
//! call is written and which fields its option map takes.
//!
//! Every reader of a kind reads it here: the loader registers one function per
//! kind from this table (`load::run`), the literal reader accepts the same
//! calls (`load::literal`), the merge indexes by a kind's place in it
//! (`load::merge`), the model rejects fields it does not list
//! (`field.unknown`), mutation testing finds declaration calls by these
//! names, and the playground completes from it. Each kind also has a builder
//! (`model::builder`), an entry in `explain` (`authoring::explain::entries`)
//! and a row in the function reference (`authoring::api::FUNCTIONS`); the
//! tests at the end fail when one of them is missing.
//!
//! Each field carries its lock ([`Lock`]): what a child file may do to it when a parent declared it;
//! `load::locks` applies them and writes the guide's table from this one.
//!
//! To add a kind: a row here, its builder in `model`, its `explain` entry, its
//! reference row, and a golden case.

/// How a child may change one field of a locked declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// Reword freely (labels, notes, provenance).
    Free,
    /// A scope (a condition's roles or unit types) a child may narrow, never widen nor drop.
    Narrow,
    /// A number a child may raise, not lower or drop.
    AtLeast,
    /// A number a child may lower, not raise or drop.
    AtMost,
    /// Every entry (list item, map key, nested list) must stay; entries may be added.
    KeepAll,
    /// No entry may be added (an exemption, a substitute, a field opened to children); entries may be dropped.
    AddNone,
    /// May not change at all (restating it is fine).
    Fixed,
    /// `true` must stay `true` (`majority`, `required`).
    KeepTrue,
    /// May not be written `false` (`required`: true is the default, so leaving it out is fine).
    NotFalse,
    /// May not be set to `true` (`optional`).
    KeepFalse,
    /// A date a child may move earlier, not later; a step name may not change.
    NotLater,
    /// A `[start, end]` window (or a map of them per unit) a child may narrow inside the parent's.
    Inside,
    /// A phase's dates (`start`, `end`, `days`, `extend_days`, and per batch in `batches`): a child may date
    /// what the parent leaves undated and narrow a dated phase, never start it earlier or end it later.
    PhaseWindow,
    /// Per role, a number a child may raise, not lower (`min_chars`).
    PerKeyAtLeast,
    /// An announcement `#{ days_before, label }`: `days_before` may rise, not fall; the label may be reworded.
    Announce,
}

use Lock::*;

/// How a declaration call is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `kind("name")` or `kind("name", #{ … })`.
    Named,
    /// `campaign(#{ … })`: one per chain, no name.
    Unnamed,
    /// `step("phase", "name")` or `step("phase", "name", #{ … })`; the key is `phase/name`.
    InPhase,
}

/// One kind of declaration.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    /// Function name, which is also the kind's name in `amend`/`remove`.
    pub name: &'static str,
    /// How the call is written.
    pub shape: Shape,
    /// Option-map fields besides [`COMMON_FIELDS`] (any other is `field.unknown`), each with how a child
    /// may change it when a parent declared it (a 规定动作; see `load::locks`).
    pub fields: &'static [(&'static str, Lock)],
    /// A rule (false for `test`, which checks rules and declares none): shown
    /// by `explain`, mutated by `test --mutate`, asked for its origin by `check --strict`.
    pub rule: bool,
}

const fn named(name: &'static str, fields: &'static [(&'static str, Lock)]) -> Kind {
    Kind { name, shape: Shape::Named, fields, rule: true }
}

/// Every kind, in the order the model builds them (roles before the steps
/// that name them, phases before their steps, …).
pub const KINDS: &[Kind] = &[
    Kind { name: "campaign", shape: Shape::Unnamed, fields: &[("name", Free), ("level", Free), ("batch", Free)], rule: true },
    named("role", &[("label", Free), ("group", Fixed), ("like", Fixed)]),
    named("unit", &[("label", Free)]),
    named("condition", &[("label", Free), ("roles", Narrow), ("units", Narrow)]),
    named("batch", &[("label", Free)]),
    named(
        "phase",
        &[
            ("start", PhaseWindow),
            ("end", PhaseWindow),
            ("days", PhaseWindow),
            ("extend_days", PhaseWindow),
            ("windows", Inside),
            ("min_days", AtLeast),
            ("note", Free),
            ("batches", PhaseWindow),
        ],
    ),
    Kind {
        name: "step",
        shape: Shape::InPhase,
        fields: &[("phase", Fixed), ("name", Free), ("window", Inside), ("windows", Inside), ("announce", Announce), ("note", Free)],
        rule: true,
    },
    named(
        "require",
        &[
            ("phase", Fixed),
            ("label", Free),
            ("roles", KeepAll),
            ("units", Fixed),
            ("min", AtLeast),
            ("unit", Fixed),
            ("session_min", AtLeast),
            ("due", NotLater),
            ("exempt", AddNone),
            ("substitute", AddNone),
            ("check", Fixed),
            ("vote", Fixed),
            ("note", Free),
        ],
    ),
    named(
        "material",
        &[
            ("roles", KeepAll),
            ("min_chars", PerKeyAtLeast),
            ("parts", KeepAll),
            ("areas", KeepAll),
            ("min_areas", AtLeast),
            ("extra_areas", KeepAll),
            ("flags", KeepAll),
            ("items", KeepAll),
            ("note", Free),
        ],
    ),
    named(
        "form",
        &[
            ("subject", Fixed),
            ("total", Fixed),
            ("items", Fixed),
            ("groups", Fixed),
            ("aliases", Free),
            ("trim", Fixed),
            ("trim_min", Fixed),
            ("outcome", Fixed),
            ("note", Free),
        ],
    ),
    named(
        "vote",
        &[
            ("tiers", Fixed),
            ("aliases", Free),
            ("rate_of", Fixed),
            ("below", AtLeast),
            ("above", AtMost),
            ("majority", KeepTrue),
            ("action", Free),
            ("groups", Fixed),
            ("note", Free),
        ],
    ),
    named("exam", &[("questions", Fixed), ("points", Fixed), ("roles", KeepAll), ("note", Free)]),
    named("gate", &[("requires", KeepAll), ("note", Free)]),
    named("office", &[("label", Free), ("level", Fixed)]),
    named("oversight", &[("label", Free), ("office", Fixed), ("units", KeepAll)]),
    named("application", &[("requirement", Fixed), ("review", KeepTrue), ("approve", Fixed), ("assessment", Fixed), ("note", Free)]),
    Kind { name: "test", shape: Shape::Named, fields: &[], rule: false },
];

/// Fields every declaration kind takes, with their lock: provenance may be reworded; the lock marks may only tighten.
pub const COMMON_FIELDS: &[(&str, Lock)] =
    &[("source", Free), ("local", Free), ("required", NotFalse), ("optional", KeepFalse), ("open", AddNone), ("replace", Free)];

/// Functions that change what a parent declared instead of declaring: `amend(kind, key, #{…})`, `remove(kind, key)`.
pub const CHANGES: &[&str] = &["amend", "remove"];

/// The kind called `name`.
pub fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

/// A kind's place in [`KINDS`].
#[cfg_attr(not(feature = "script"), allow(dead_code))]
pub(crate) fn index(name: &str) -> Option<usize> {
    KINDS.iter().position(|k| k.name == name)
}

/// The option-map fields of a kind, with their locks (empty for an unknown kind).
pub(crate) fn fields(name: &str) -> &'static [(&'static str, Lock)] {
    kind(name).map_or(&[], |k| k.fields)
}

/// The names of every kind, for messages.
#[cfg_attr(not(feature = "script"), allow(dead_code))]
pub(crate) fn names() -> String {
    KINDS.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_builder_an_explain_entry_and_a_reference_row() {
        let rules = crate::model::Rules::default();
        for k in KINDS {
            assert!(crate::model::builder(k.name).is_some(), "kind {} has no builder in model", k.name);
            assert_eq!(crate::authoring::explain::entries(k.name, &rules).is_some(), k.rule, "kind {}: explain entry", k.name);
            assert!(crate::authoring::api::FUNCTIONS.iter().any(|f| f.name == k.name), "kind {} has no row in api::FUNCTIONS", k.name);
        }
        for c in CHANGES {
            assert!(crate::authoring::api::FUNCTIONS.iter().any(|f| f.name == *c), "{c} has no row in api::FUNCTIONS");
        }
    }

    #[test]
    fn names_are_unique() {
        let mut n: Vec<_> = KINDS.iter().map(|k| k.name).chain(CHANGES.iter().copied()).collect();
        n.sort_unstable();
        n.dedup();
        assert_eq!(n.len(), KINDS.len() + CHANGES.len());
    }
}

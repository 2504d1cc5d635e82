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
//! To add a kind: a row here, its builder in `model`, its `explain` entry, its
//! reference row, and a golden case.

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
    /// Option-map fields besides [`COMMON_FIELDS`]; any other is `field.unknown`.
    pub fields: &'static [&'static str],
    /// A rule (false for `test`, which checks rules and declares none): shown
    /// by `explain`, mutated by `test --mutate`, asked for its origin by `check --strict`.
    pub rule: bool,
}

const fn named(name: &'static str, fields: &'static [&'static str]) -> Kind {
    Kind { name, shape: Shape::Named, fields, rule: true }
}

/// Every kind, in the order the model builds them (roles before the steps
/// that name them, phases before their steps, …).
pub const KINDS: &[Kind] = &[
    Kind { name: "campaign", shape: Shape::Unnamed, fields: &["name", "level", "batch"], rule: true },
    named("role", &["label", "group", "like"]),
    named("unit", &["label"]),
    named("condition", &["label", "roles", "units"]),
    named("batch", &["label"]),
    named("phase", &["start", "end", "days", "extend_days", "windows", "min_days", "note", "batches"]),
    Kind { name: "step", shape: Shape::InPhase, fields: &["phase", "name", "window", "windows", "announce", "note"], rule: true },
    named("require", &["phase", "label", "roles", "min", "unit", "session_min", "due", "exempt", "substitute", "check", "vote", "note"]),
    named("material", &["roles", "min_chars", "parts", "areas", "min_areas", "extra_areas", "flags", "items", "note"]),
    named("form", &["subject", "total", "items", "groups", "aliases", "trim", "trim_min", "outcome", "note"]),
    named("vote", &["tiers", "aliases", "rate_of", "below", "above", "majority", "action", "groups", "note"]),
    named("exam", &["questions", "points", "roles", "note"]),
    named("gate", &["requires", "note"]),
    named("office", &["label", "level"]),
    named("oversight", &["label", "office", "units"]),
    named("application", &["requirement", "review", "approve", "assessment", "note"]),
    Kind { name: "test", shape: Shape::Named, fields: &[], rule: false },
];

/// Fields every declaration kind takes.
pub const COMMON_FIELDS: &[&str] = &["source", "local", "required", "optional", "open", "replace"];

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

/// The option-map fields of a kind (empty for an unknown kind).
pub(crate) fn fields(name: &str) -> &'static [&'static str] {
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

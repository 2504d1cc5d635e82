//! Turns rule text into merged declarations (entities): the load stage.
//!
//! A rule file is a Rhai script whose top level calls declaration functions
//! (`phase`, `step`, `require`, ...). Each call becomes a [`Decl`] stamped with
//! the file, line and column of the call (`run`; a file of literal calls only
//! is read without Rhai by `literal`). Files are then merged root → leaf
//! (`merge`): a child's declaration of the same kind and key replaces the
//! parent's, `amend` changes some fields, `remove` deletes, locks are checked.
//! `entity` is the merged form; `compiled` reads and writes it as JSON for the
//! script-free engine; `bundle` packs a chain into one file.
//! With `sandbox`, the only modules that know Rhai's API for running scripts.

pub(crate) mod bundle;
pub(crate) mod compiled;
pub(crate) mod entity;
#[cfg(feature = "script")]
mod literal;
#[cfg(feature = "script")]
pub mod locks;
#[cfg(feature = "script")]
mod merge;
#[cfg(feature = "script")]
pub(crate) mod run;

#[cfg(feature = "script")]
use crate::diag::Location;
#[cfg(feature = "script")]
use rhai::Dynamic;
#[cfg(feature = "script")]
pub(crate) use run::load;
#[cfg(feature = "script")]
pub use run::registered_functions;
#[cfg(feature = "script")]
use std::collections::HashMap;

/// Deepest inheritance chain accepted.
#[cfg(feature = "script")]
const MAX_CHAIN: usize = 8;

#[cfg(feature = "script")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Declare,
    Amend,
    Remove,
}

/// Total size, in bytes of text (names, field values), of everything one
/// chain may declare: a rule file that declares more is stopped, so a loop
/// cannot fill memory with declarations.
#[cfg(feature = "script")]
const MAX_DECLARED_BYTES: usize = 32 << 20;

#[cfg(feature = "script")]
#[derive(Debug, Clone)]
pub(crate) struct Decl {
    pub op: Op,
    pub kind: String,
    pub key: String,
    pub fields: rhai::Map,
    pub loc: Location,
    /// Where each field's key is written (falls back to `loc`).
    pub field_locs: HashMap<String, Location>,
}

/// Bytes of text in a value (strings, keys), counted without copying.
#[cfg(feature = "script")]
pub(crate) fn size_of(v: &Dynamic) -> usize {
    if let Some(s) = v.read_lock::<rhai::ImmutableString>() {
        return s.len();
    }
    if let Some(a) = v.read_lock::<rhai::Array>() {
        return 8 + a.iter().map(size_of).sum::<usize>();
    }
    if let Some(m) = v.read_lock::<rhai::Map>() {
        return 8 + m.iter().map(|(k, v)| k.len() + size_of(v)).sum::<usize>();
    }
    8
}

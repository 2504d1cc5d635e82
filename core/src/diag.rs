//! Diagnostics: every problem found in a rule file, as a stable code plus a location.
//!
//! Loading never stops at the first problem: all diagnostics are collected and
//! returned together, errors apart from warnings (see `Severity`).

use serde::Serialize;
use std::fmt;

pub use crate::codes::Severity;

/// A place in a rule file: file name, 1-based line and column (0 when unknown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Location {
    /// Name of the rule file as the loader knows it.
    pub file: String,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub col: usize,
}

impl Location {
    #[cfg_attr(not(feature = "script"), allow(dead_code))]
    pub(crate) fn new(file: &str, pos: rhai::Position) -> Self {
        Location { file: file.to_string(), line: pos.line().unwrap_or(0), col: pos.position().unwrap_or(0) }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// One problem in a rule file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Stable machine-readable code, e.g. `weights.sum`.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// Where the problem is.
    #[serde(flatten)]
    pub location: Location,
    /// Human-readable message (Chinese first, as users read it).
    pub message: String,
    /// How to fix it, in Chinese.
    pub hint: &'static str,
    /// Where in the pipeline it was found (from the table of codes): a stage
    /// that stops the file (`syntax`, `file`, `limit`, `script`) left nothing
    /// after it read.
    pub stage: crate::codes::Stage,
    /// The message's parameters, for a front end that acts on them (the
    /// editor's quick fix reads `field` and `allowed` of `field.unknown`)
    /// instead of reading the worded message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub args: Option<Box<serde_json::Map<String, serde_json::Value>>>,
}

/// The clerk's hint for a code, from the one table of codes ([`crate::codes::CODES`]).
pub fn hint_for(code: &str) -> &'static str {
    crate::codes::hint(code)
}

impl Diagnostic {
    pub(crate) fn new(code: &'static str, severity: Severity, location: &Location, message: String) -> Self {
        Diagnostic { code, severity, location: location.clone(), message, hint: hint_for(code), stage: crate::codes::stage(code), args: None }
    }

    /// Adds a parameter of the message (see `args`).
    pub(crate) fn with(mut self, name: &str, v: impl Into<serde_json::Value>) -> Self {
        self.args.get_or_insert_with(Default::default).insert(name.to_string(), v.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {}[{}]: {}", self.location, sev, self.code, self.message)
    }
}

/// Collects diagnostics while loading.
#[derive(Default, Debug)]
pub(crate) struct Diags {
    pub(crate) list: Vec<Diagnostic>,
}

impl Diags {
    pub(crate) fn error(&mut self, code: &'static str, location: &Location, message: impl Into<String>) {
        self.push(Diagnostic::new(code, Severity::Error, location, message.into()));
    }
    pub(crate) fn warning(&mut self, code: &'static str, location: &Location, message: impl Into<String>) {
        self.push(Diagnostic::new(code, Severity::Warning, location, message.into()));
    }
    pub(crate) fn push(&mut self, d: Diagnostic) {
        debug_assert!(
            crate::codes::lookup(d.code).is_some_and(|c| c.severity == d.severity),
            "{}: no row in codes::CODES, or raised as {:?} against its row",
            d.code,
            d.severity
        );
        self.list.push(d);
    }
}

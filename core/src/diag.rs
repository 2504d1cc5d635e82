//! Diagnostics: every problem found in a rule file, as a stable code plus a location.
//!
//! Loading never stops at the first problem: all diagnostics are collected and
//! returned together, errors apart from warnings (see `Severity`).

use serde::Serialize;
use std::fmt;

/// How bad a diagnostic is. Errors make the rule set unusable; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The rule set cannot be evaluated.
    Error,
    /// Suspicious but usable.
    Warning,
}

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
        self.list.push(Diagnostic { code, severity: Severity::Error, location: location.clone(), message: message.into() });
    }
    pub(crate) fn warning(&mut self, code: &'static str, location: &Location, message: impl Into<String>) {
        self.list.push(Diagnostic { code, severity: Severity::Warning, location: location.clone(), message: message.into() });
    }
}

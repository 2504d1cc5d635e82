//! Where rule text comes from. `core` never opens files: the CLI hands it a
//! loader that reads the file system, the browser one that holds text in memory.

use std::collections::HashMap;

/// Why a rule file's text could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceError {
    /// No file of that name.
    NotFound,
    /// The file exists but cannot be used (not UTF-8 text, unreadable); the reason.
    Unreadable(String),
}

/// Gives the text of a rule file by name. Parent names are resolved relative to
/// nothing: they are looked up exactly as written in `extends("...")` (the CLI's
/// loader resolves them against the directory of the child file).
pub trait RuleSource {
    /// The text of the named file.
    fn load(&self, name: &str) -> Result<String, SourceError>;
}

/// An in-memory set of rule files, keyed by name.
#[derive(Debug, Default, Clone)]
pub struct MemorySource {
    files: HashMap<String, String>,
}

impl MemorySource {
    /// An empty source.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds (or replaces) a file.
    pub fn insert(&mut self, name: impl Into<String>, text: impl Into<String>) -> &mut Self {
        self.files.insert(name.into(), text.into());
        self
    }
}

impl RuleSource for MemorySource {
    fn load(&self, name: &str) -> Result<String, SourceError> {
        if let Some(t) = self.files.get(name) {
            return Ok(t.clone());
        }
        // Accept "x.rhai" for "rules/x.rhai" and the reverse: portals copy files flat.
        let base = name.rsplit('/').next().unwrap_or(name);
        self.files.iter().find(|(k, _)| k.rsplit('/').next() == Some(base)).map(|(_, v)| v.clone()).ok_or(SourceError::NotFound)
    }
}

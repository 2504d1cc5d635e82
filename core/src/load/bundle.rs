//! A rule file together with its parents in one deployable file (a
//! *bundle*), so that a portal copies one file instead of a chain:
//!
//! ```text
//! // xianjiao-bundle 1
//! // ---- file: central.rhai ----
//! …central.rhai as written…
//! // ---- file: guanba.rhai ----
//! …guanba.rhai as written…
//! ```
//!
//! The last file is the entry. A bundle loads like any rule file; its
//! diagnostics name the original files and their own line numbers, and its
//! parents are taken from the bundle only (a bundle is self-contained).

use crate::source::{RuleSource, SourceError};

pub(crate) const MAGIC: &str = "// xianjiao-bundle 1";
pub(crate) const SEP: &str = "// ---- file: ";

/// The files of a bundle, in order, when `text` is one.
#[cfg_attr(not(feature = "script"), allow(dead_code))]
pub(crate) fn parse(text: &str) -> Option<Vec<(String, String)>> {
    let rest = text.strip_prefix(MAGIC)?;
    let rest = rest.strip_prefix("\r\n").or_else(|| rest.strip_prefix('\n'))?;
    let mut files: Vec<(String, String)> = vec![];
    for line in rest.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\r', '\n']);
        if let Some(name) = bare.strip_prefix(SEP).and_then(|n| n.strip_suffix(" ----")) {
            files.push((name.to_string(), String::new()));
        } else {
            files.last_mut()?.1.push_str(line);
        }
    }
    (!files.is_empty()).then_some(files)
}

/// Serves a bundle's files by name (base names match, as portals copy flat).
#[cfg_attr(not(feature = "script"), allow(dead_code))]
pub(crate) struct BundleSource(pub Vec<(String, String)>);

impl RuleSource for BundleSource {
    fn load(&self, name: &str) -> Result<String, SourceError> {
        let base = |s: &str| s.rsplit('/').next().unwrap_or(s).to_string();
        self.0.iter().find(|(n, _)| n == name || base(n) == base(name)).map(|(_, t)| t.clone()).ok_or(SourceError::NotFound)
    }
}

//! Writes a rule file with its parents as one deployable bundle (`xianjiao
//! bundle`, the playground's download); `load::bundle` reads it back.

use crate::diag::Diagnostic;
use crate::load::bundle::{MAGIC, SEP};
use crate::ruleset::RuleSet;
use crate::source::RuleSource;

/// Writes `entry` and its parents as one bundle. Refuses rules with errors:
/// a bundle is for deploying rules that load clean.
pub fn bundle(entry: &str, source: &dyn RuleSource) -> Result<String, Vec<Diagnostic>> {
    let rs = RuleSet::load(entry, source);
    if rs.has_errors() {
        return Err(rs.diagnostics().to_vec());
    }
    let mut out = format!("{MAGIC}\n");
    for (name, text) in rs.sources() {
        let base = name.rsplit('/').next().unwrap_or(name);
        out.push_str(&format!("{SEP}{base} ----\n"));
        out.push_str(text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
    }
    Ok(out)
}

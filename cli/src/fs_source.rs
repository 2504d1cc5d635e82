//! Rule files on disk: the file-system [`RuleSource`] and its confinement rule.
//!
//! The entry files are read by the path given on the command line. Parents
//! (`extends`) resolve only inside the directory of the (first) entry file and
//! its subdirectories: an absolute path, a `..`, or a link that leads out of
//! the directory is refused without reading anything.

use crate::error::CliError;
use std::path::{Component, Path, PathBuf};
use xianjiao_core::{RuleSet, RuleSource, SourceError};

/// Reads rule files from disk: the entries by their path, parents from `dir`.
#[derive(Debug, Clone)]
pub struct FsSource {
    dir: PathBuf,
    entries: Vec<String>,
}

impl FsSource {
    /// A source for these entry files (named by their path as given); parents
    /// resolve in the first entry's directory.
    pub fn new(entries: &[String]) -> Self {
        let dir = entries.first().and_then(|e| Path::new(e).parent()).map(Path::to_path_buf).unwrap_or_default();
        FsSource { dir, entries: entries.to_vec() }
    }

    /// The rules directory as shown in messages (`.` for the current one).
    fn shown(&self) -> &Path {
        if self.dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            self.dir.as_path()
        }
    }

    /// A parent named `name`, confined to the rules directory.
    fn parent(&self, name: &str) -> Result<String, SourceError> {
        let p = Path::new(name);
        let outside = || {
            SourceError::Unreadable(format!(
                "上级文件只能放在规则目录 {} 之内,不能用绝对路径或 .. / a parent must lie inside the rules directory",
                self.shown().display()
            ))
        };
        if p.is_absolute() || p.components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err(outside());
        }
        let cand = self.dir.join(p);
        if let (Ok(root), Ok(real)) = (std::fs::canonicalize(self.shown()), std::fs::canonicalize(&cand)) {
            if !real.starts_with(&root) {
                return Err(outside());
            }
        }
        read_rule_file(&cand)
    }
}

impl RuleSource for FsSource {
    fn load(&self, name: &str) -> Result<String, SourceError> {
        if self.entries.iter().any(|e| e == name) {
            read_rule_file(Path::new(name))
        } else {
            self.parent(name)
        }
    }
}

/// A rule file's text: missing, unreadable or not UTF-8 are told apart.
fn read_rule_file(path: &Path) -> Result<String, SourceError> {
    match std::fs::read(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(SourceError::NotFound),
        Err(e) => Err(SourceError::Unreadable(e.to_string())),
        // A BOM, UTF-16 or GBK as Notepad saves them.
        Ok(bytes) => match crate::input::text_file(&bytes) {
            Some(text) => Ok(text),
            None => String::from_utf8(bytes).map_err(|e| {
                let at = e.utf8_error().valid_up_to();
                SourceError::Unreadable(format!("第 {at} 字节起不是 UTF-8 文本 / not UTF-8 text from byte {at}"))
            }),
        },
    }
}

/// Runs `f` with the entry's name (its path as given) and a source that reads
/// it by its path and its parents from its directory.
pub fn with_source<T>(path: &Path, f: impl FnOnce(&str, &dyn RuleSource) -> T) -> T {
    let name = path.to_string_lossy().to_string();
    let src = FsSource::new(std::slice::from_ref(&name));
    f(&name, &src)
}

/// Loads a rule file and its parents (diagnostics kept in the rule set).
pub fn load_rules(path: &Path) -> RuleSet {
    with_source(path, |name, src| RuleSet::load(name, src))
}

/// Loads rules for evaluation: warnings go to stderr; with errors, every
/// diagnostic is the command's error (exit 1).
pub fn usable_rules(path: &Path) -> Result<RuleSet, CliError> {
    let rs = load_rules(path);
    let lines: Vec<String> = rs.diagnostics().iter().map(ToString::to_string).collect();
    if rs.has_errors() {
        return Err(CliError::failed(lines.join("\n")));
    }
    for l in &lines {
        eprintln!("{l}");
    }
    Ok(rs)
}

/// Rule files named on the command line: files as given, directories as
/// their `*.rhai` files in name order.
pub fn rule_files(args: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = vec![];
    for a in args {
        if a.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(a)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "rhai"))
                .collect();
            v.sort();
            out.extend(v);
        } else {
            out.push(a.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A fresh directory `<tmp>/xianjiao-fs-<name>-<pid>/rules` with `a.rhai`,
    /// and `secret.rhai` next to `rules/` (outside it).
    fn tree(name: &str) -> (PathBuf, FsSource) {
        let top = std::env::temp_dir().join(format!("xianjiao-fs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&top);
        let rules = top.join("rules");
        std::fs::create_dir_all(rules.join("sub")).unwrap();
        std::fs::write(rules.join("a.rhai"), "// a").unwrap();
        std::fs::write(rules.join("sub/b.rhai"), "// b").unwrap();
        std::fs::write(top.join("secret.rhai"), "// outside").unwrap();
        let entry = rules.join("a.rhai").to_string_lossy().to_string();
        (top, FsSource::new(&[entry]))
    }

    fn refused(r: Result<String, SourceError>) -> bool {
        matches!(r, Err(SourceError::Unreadable(m)) if m.contains("规则目录"))
    }

    #[test]
    fn the_entry_and_parents_inside_the_directory_are_read() {
        let (top, src) = tree("inside");
        assert_eq!(src.load(&top.join("rules/a.rhai").to_string_lossy()).unwrap(), "// a");
        assert_eq!(src.load("a.rhai").unwrap(), "// a");
        assert_eq!(src.load("sub/b.rhai").unwrap(), "// b");
    }

    #[test]
    fn parents_outside_the_directory_are_refused() {
        let (top, src) = tree("outside");
        assert!(refused(src.load("../secret.rhai")));
        assert!(refused(src.load("sub/../a.rhai")));
        assert!(refused(src.load("./a.rhai")));
        assert!(refused(src.load(&top.join("secret.rhai").to_string_lossy())));
        assert!(refused(src.load("/etc/passwd")));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_that_leads_out_is_refused() {
        let (top, src) = tree("link");
        std::os::unix::fs::symlink(top.join("secret.rhai"), top.join("rules/link.rhai")).unwrap();
        assert!(refused(src.load("link.rhai")));
        std::os::unix::fs::symlink(top.join("rules/a.rhai"), top.join("rules/inner.rhai")).unwrap();
        assert_eq!(src.load("inner.rhai").unwrap(), "// a");
    }

    #[test]
    fn a_missing_parent_is_not_found_and_bad_text_is_unreadable() {
        let (top, src) = tree("missing");
        assert!(matches!(src.load("nope.rhai"), Err(SourceError::NotFound)));
        std::fs::write(top.join("rules/bad.rhai"), b"// \xff").unwrap();
        assert!(matches!(src.load("bad.rhai"), Err(SourceError::Unreadable(m)) if m.contains("UTF-8 文本 / not UTF-8 text from byte 3")));
    }
}

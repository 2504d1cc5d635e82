//! `xianjiao units` golden cases (tests/golden-units/<case>.args → <case>.json) and the scale figure.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn golden_unit_tables() {
    let dir = root().join("tests/golden-units");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_none_or(|x| x != "args") {
            continue;
        }
        let args: Vec<String> = std::fs::read_to_string(&p).unwrap().split_whitespace().map(String::from).collect();
        let out = Command::new(env!("CARGO_BIN_EXE_xianjiao")).args(&args).current_dir(root()).output().unwrap();
        let actual: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{}: {e}: {}", p.display(), String::from_utf8_lossy(&out.stderr)));
        let actual = serde_json::json!({ "exit": out.status.code(), "stdout": actual });
        let exp = p.with_extension("json");
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(&exp, serde_json::to_string_pretty(&actual).unwrap() + "\n").unwrap();
        }
        let expected: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&exp).unwrap()).unwrap();
        assert_eq!(expected, actual, "{}", p.display());
        n += 1;
    }
    assert!(n >= 1);
}

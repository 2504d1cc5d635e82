//! Golden tests: every case folder under `tests/golden/` holds `args` (one CLI
//! invocation; `{dir}` is the case folder, paths are from the repo root) and
//! `expected.json` (`{"exit": N, "stdout": <JSON output>}`). The same corpus is
//! replayed through the wasm build in the browser tests.
//! `UPDATE_EXPECT=1 cargo test --test golden` rewrites the expectations.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// A case folder's path from the repository root and its command line (`{dir}` filled in).
fn case_args(dir: &Path) -> Result<(String, Vec<String>), String> {
    let args_text = std::fs::read_to_string(dir.join("args")).map_err(|e| format!("{}: {e}", dir.display()))?;
    let rel = dir.strip_prefix(root()).unwrap_or(dir).to_string_lossy().to_string();
    let args = args_text.split_whitespace().map(|a| a.replace("{dir}", &rel)).collect();
    Ok((rel, args))
}

/// Runs the CLI from the repository root: `{"exit": N, "stdout": <JSON output>}`.
fn run_json(rel: &str, args: &[String]) -> Result<serde_json::Value, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_xianjiao")).args(args).current_dir(root()).output().map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let parsed: serde_json::Value = serde_json::from_str(&stdout)
        .map_err(|e| format!("{rel}: output is not JSON ({e}):\n{stdout}\nstderr: {}", String::from_utf8_lossy(&out.stderr)))?;
    Ok(serde_json::json!({ "exit": out.status.code(), "stdout": parsed }))
}

fn run_case(dir: &Path) -> Result<(), String> {
    let (rel, args) = case_args(dir)?;
    let actual = run_json(&rel, &args)?;
    let path = dir.join("expected.json");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        let text = serde_json::to_string_pretty(&actual).map_err(|e| e.to_string())? + "\n";
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
        return Ok(());
    }
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).map_err(|e| format!("{rel}: {e} (run with UPDATE_EXPECT=1 to create)"))?)
            .map_err(|e| format!("{rel}/expected.json: {e}"))?;
    if expected != actual {
        return Err(format!(
            "{rel}: output differs from expected.json\n--- expected\n{}\n--- actual\n{}",
            serde_json::to_string_pretty(&expected).unwrap_or_default(),
            serde_json::to_string_pretty(&actual).unwrap_or_default()
        ));
    }
    Ok(())
}

#[test]
fn golden_cases() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("tests/golden"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("args").exists())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 10, "golden corpus shrank: {} cases", dirs.len());
    let failures: Vec<String> = dirs.iter().filter_map(|d| run_case(d).err()).collect();
    assert!(failures.is_empty(), "{} of {} golden cases failed:\n{}", failures.len(), dirs.len(), failures.join("\n\n"));
}

/// The differential corpus for compiled rules: every golden case that
/// evaluates rules (`--rules`) is run again against its rules compiled by
/// `xianjiao compile` and must give exactly the same output (the browser
/// tests do the same for the script-free wasm).
#[test]
fn compiled_rules_give_the_same_output_as_the_scripts() {
    let root = root();
    let tmp = std::env::temp_dir().join(format!("xianjiao-compiled-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(root.join("tests/golden")).into_iter().flatten().flatten().map(|e| e.path()).filter(|p| p.join("args").exists()).collect();
    dirs.sort();
    let (mut compared, mut failures) = (0, vec![]);
    for dir in &dirs {
        let (rel, args) = case_args(dir).unwrap();
        if ["check", "explain", "test", "compile", "bundle", "new", "reference"].contains(&args[0].as_str()) {
            continue;
        }
        let Some(i) = args.iter().position(|a| a == "--rules") else { continue };
        let out = tmp.join(format!("{}.rules.json", dir.file_name().unwrap().to_string_lossy()));
        let c = Command::new(env!("CARGO_BIN_EXE_xianjiao"))
            .args(["compile", &args[i + 1], "-o", &out.to_string_lossy()])
            .current_dir(&root)
            .output()
            .unwrap();
        if !c.status.success() {
            continue;
        } // rules with errors: their cases are about the errors
        let mut args2 = args.clone();
        args2[i + 1] = out.to_string_lossy().to_string();
        let expected: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
        compared += 1;
        match run_json(&rel, &args2) {
            Ok(got) if got == expected => {}
            Ok(got) => failures.push(format!(
                "{rel}: compiled rules differ\n--- expected\n{}\n--- compiled\n{}",
                serde_json::to_string_pretty(&expected).unwrap_or_default(),
                serde_json::to_string_pretty(&got).unwrap_or_default()
            )),
            Err(e) => failures.push(format!("{rel} on compiled rules: {e}")),
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(compared >= 30, "only {compared} golden cases compared");
    assert!(failures.is_empty(), "{} of {compared} cases differ:\n{}", failures.len(), failures.join("\n\n"));
}

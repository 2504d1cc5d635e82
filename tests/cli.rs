//! The `xianjiao` binary end to end where golden files do not fit: commands
//! that write files or must fail with a location.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("xianjiao-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    for f in ["central.rhai", "guangan.rhai"] {
        std::fs::copy(root().join("rules").join(f), d.join(f)).expect("copy rules");
    }
    d
}

fn xianjiao(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_xianjiao")).args(args).output().expect("run xianjiao");
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into(), String::from_utf8_lossy(&o.stderr).into())
}

#[test]
fn new_scaffolds_a_child_that_checks_clean_and_changes_nothing() {
    let d = tmpdir("new");
    let ds = d.to_string_lossy().to_string();
    let (code, out, err) = xianjiao(&["new", "--parent", "guangan", "--name", "myTown", "--dir", &ds]);
    assert_eq!(code, 0, "{out}{err}");
    let child = d.join("myTown.rhai");
    let text = std::fs::read_to_string(&child).expect("scaffold written");
    assert!(
        text.starts_with("// myTown.rhai") && text.contains("extends(\"guangan.rhai\")") && text.contains("amend(\"phase\", \"学习动员\""),
        "{text}"
    );
    let cs = child.to_string_lossy().to_string();
    let (code, out, _) = xianjiao(&["check", &cs]);
    assert_eq!(code, 0, "{out}");
    let (_, out, _) = xianjiao(&["explain", "--rules", &cs, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["counts"]["added"], serde_json::Value::Null, "a fresh scaffold adds nothing: {}", v["counts"]);
    // Refuses to overwrite.
    let (code, _, _) = xianjiao(&["new", "--parent", "guangan", "--name", "myTown", "--dir", &ds]);
    assert_eq!(code, 2);
}

#[test]
fn test_command_fails_with_the_file_and_line_of_the_failing_case() {
    let d = tmpdir("test");
    let f = d.join("town.rhai");
    std::fs::write(&f, "extends(\"guangan.rhai\");\namend(\"require\", \"学习学时\", #{ min: 50 });\n\ntest(\"50学时即达到\", #{ checklist: #{ role: \"单位党组织\", progress: #{ 学习学时: 50 } }, expect: #{ 学习学时: \"done\" } });\ntest(\"写错的期望\", #{ checklist: #{ role: \"单位党组织\", progress: #{ 学习学时: 49 } }, expect: #{ 学习学时: \"done\" } });\n").expect("write");
    let fs = f.to_string_lossy().to_string();
    let (code, out, _) = xianjiao(&["test", &fs]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("ok    {fs}:4")), "{out}");
    assert!(out.contains(&format!("FAIL  {fs}:5:1  写错的期望")), "{out}");
    assert!(out.contains("1 passed, 1 failed"), "{out}");
}

#[test]
fn check_reports_every_error_with_location_and_exit_1() {
    let (code, out, _) = xianjiao(&["check", &root().join("tests/golden/check-broken/broken.rhai").to_string_lossy()]);
    assert_eq!(code, 1);
    let errors: Vec<&str> = out.lines().filter(|l| l.contains(": error[")).collect();
    assert_eq!(errors.len(), 5, "{out}");
    assert!(errors.iter().all(|l| l.contains("broken.rhai:")), "{out}");
}

#[test]
fn malformed_sheets_are_rejected_by_line_and_nothing_is_lost() {
    let d = tmpdir("sheets");
    let f = d.join("s.csv");
    // A quoted field sends the file through the csv crate; a stray quote makes a malformed row.
    std::fs::write(&f, "member,rater_group,理想信念,宗旨意识,工作作风,组织纪律,廉洁自律,精神状态,素质能力,工作绩效\n\"张三\",党员互评,9,9,9,9,9,9,9,27\n张三,群众参评,9,9,9,9,9,9,9\n\n张三,支委会考评,9,9,9,9,9,9,9,27\n李四,党员互评,\u{ff19},9,9,9,9,9,9,27\n").expect("write");
    let rules = root().join("rules/guanba.rhai").to_string_lossy().to_string();
    let (code, out, _) = xianjiao(&["score", "--rules", &rules, "--json", &f.to_string_lossy()]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["rows"]["read"], 4);
    assert_eq!(v["rows"]["scored"], 2);
    let rows: Vec<i64> = v["rejected"].as_array().expect("rejected").iter().map(|r| r["row"].as_i64().unwrap_or(0)).collect();
    assert_eq!(rows, vec![3, 6], "{}", v["rejected"]);
}

#[test]
fn fast_and_full_csv_paths_agree() {
    let d = tmpdir("paths");
    let head = "member,rater_group,理想信念,宗旨意识,工作作风,组织纪律,廉洁自律,精神状态,素质能力,工作绩效\n";
    let mut plain = String::from(head);
    for i in 0..120_000 {
        let g = ["党员互评", "群众参评", "支委会考评"][i % 3];
        plain.push_str(&format!("党员{:04},{g},{},9,8,9,10,8,8,{}\n", i % 997, i % 11, 20 + i % 11));
        if i == 777 {
            plain.push_str("坏行,党员互评,99,9,9,9,9,9,9,27\n");
        }
    }
    let quoted = plain.replacen("党员0001,", "\"党员0001\",", 1);
    std::fs::write(d.join("plain.csv"), &plain).expect("write");
    std::fs::write(d.join("quoted.csv"), &quoted).expect("write");
    let rules = root().join("rules/guanba.rhai").to_string_lossy().to_string();
    let (_, a, _) = xianjiao(&["score", "--rules", &rules, "--json", &d.join("plain.csv").to_string_lossy()]);
    let (_, b, _) = xianjiao(&["score", "--rules", &rules, "--json", &d.join("quoted.csv").to_string_lossy()]);
    assert!(a.len() > 1000 && a == b, "the parallel quote-free path and the csv crate differ");
}

#[test]
fn a_rule_file_that_is_not_utf8_is_reported_as_such() {
    let d = tmpdir("enc");
    let f = d.join("gbk.rhai");
    // "党员" in GBK, as a file saved by Notepad would be: read as GBK (issue 20).
    std::fs::write(&f, b"role(\"\xb5\xb3\xd4\xb1\");\n").expect("write");
    let (_, out, _) = xianjiao(&["check", &f.to_string_lossy()]);
    assert!(!out.contains("file.unreadable"), "{out}");
    // Bytes no encoding explains (0xFF is neither UTF-8 nor GB18030): where the UTF-8 breaks.
    std::fs::write(&f, b"role(\"\xff\xff\");\n").expect("write");
    let (code, out, _) = xianjiao(&["check", &f.to_string_lossy()]);
    assert_eq!(code, 1);
    assert!(out.contains("error[file.unreadable]") && out.contains("UTF-8"), "{out}");
}

#[test]
fn mangled_spreadsheets_never_crash_the_scorer() {
    // Byte-level damage to a real appraisal CSV (large enough for the parallel
    // path): every run must end with an exit code of 0, 1 or 2 and JSON or a
    // message, never a panic (101) or a signal.
    let d = tmpdir("mangled");
    let base = std::fs::read(root().join("tests/golden/score-guanba/sheets.csv")).expect("csv");
    let mut big = base.clone();
    let body: Vec<u8> = base.splitn(2, |&b| b == b'\n').nth(1).unwrap_or_default().to_vec();
    while big.len() < 5 << 20 {
        big.extend_from_slice(&body);
    }
    let rules = root().join("rules/guanba.rhai").to_string_lossy().to_string();
    let mut seed: u64 = 42;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n.max(1)
    };
    for i in 0..24 {
        let mut v = if i % 3 == 0 { big.clone() } else { base.clone() };
        for _ in 0..1 + next(6) {
            let at = next(v.len());
            match next(5) {
                0 => {
                    v.insert(at, [b'"', b',', b'\n', b'\r', 0xff, 0xe5, b'-'][next(7)]);
                }
                1 => {
                    let end = (at + next(30)).min(v.len());
                    v.drain(at..end);
                }
                2 => {
                    v[at] = next(256) as u8;
                }
                3 => {
                    v.splice(at..at, b"99999999999,1e309,NaN,-0".iter().copied());
                }
                _ => {
                    v.truncate(at);
                }
            }
        }
        let f = d.join(format!("m{i}.csv"));
        std::fs::write(&f, &v).expect("write");
        let (code, out, err) = xianjiao(&["score", "--rules", &rules, "--json", &f.to_string_lossy()]);
        assert!(matches!(code, 0..=2), "case {i}: exit {code}\n{err}");
        if code != 2 {
            let j: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("case {i}: not JSON: {e}"));
            let rows = &j["rows"];
            assert_eq!(rows["read"].as_u64(), Some(rows["scored"].as_u64().unwrap_or(0) + rows["rejected"].as_u64().unwrap_or(0)), "case {i}");
        }
    }
}

/// The fixed Chinese wording of the catalogue (template text between parameters, 2+ characters).
fn zh_template_fragments() -> Vec<String> {
    let mut v = vec![];
    for (code, zh, _) in xianjiao_core::CATALOGUE {
        if code.starts_with("sep.") {
            continue;
        }
        let mut rest = *zh;
        while !rest.is_empty() {
            let (lit, tail) = rest.split_once('{').unwrap_or((rest, ""));
            let lit = lit.trim_matches(|c: char| !('\u{4e00}'..='\u{9fff}').contains(&c));
            if lit.chars().count() >= 2 {
                v.push(lit.to_string());
            }
            rest = tail.split_once('}').map_or("", |x| x.1);
        }
    }
    v
}

#[test]
fn lang_en_words_findings_and_reasons_from_the_catalogue() {
    let g = root().join("tests/golden");
    let dir = g.join("material-plan-items-fail");
    let (plan, draft) = (dir.join("plan.rhai").to_string_lossy().to_string(), dir.join("draft.txt").to_string_lossy().to_string());
    let (code, zh, _) = xianjiao(&["material", "--rules", &plan, "--kind", "整改方案", "--role", "党员", &draft]);
    assert_eq!(code, 1, "{zh}");
    let (code, en, err) = xianjiao(&["material", "--rules", &plan, "--kind", "整改方案", "--role", "党员", "--lang", "en", &draft]);
    assert_eq!(code, 1, "{en}{err}");
    assert!(zh.contains("第1项缺少") && !zh.contains(" / item"), "{zh}");
    assert!(en.contains("Item 1 of “") && en.contains("result: not yet"), "{en}");
    let fragments = zh_template_fragments();
    assert!(fragments.iter().any(|f| zh.contains(f.as_str())), "the zh output uses the catalogue: {zh}");
    for f in &fragments {
        assert!(!en.contains(f.as_str()), "Chinese template text “{f}” in English output:\n{en}");
    }
    assert!(!en.lines().any(|l| l.contains("=") && l.contains('(')), "an unknown code fell back: {en}");
    let profile = g.join("checklist-guangan-member-40h/profile.json").to_string_lossy().to_string();
    let rules = root().join("rules/guangan.rhai").to_string_lossy().to_string();
    let (code, en, err) = xianjiao(&["checklist", "--rules", &rules, "--profile", &profile, "--on", "2005-02-20", "--lang", "en"]);
    assert_eq!(code, 0, "{err}");
    assert!(en.contains("total: ") && en.contains("Done"), "{en}");
    for f in &fragments {
        assert!(!en.contains(f.as_str()), "Chinese template text “{f}” in English checklist:\n{en}");
    }
}

#[test]
fn the_shipped_binary_has_no_developer_commands() {
    // The fuzz harness and the benchmark's naive scorer live in `xianjiao-dev`.
    let (code, out, _) = xianjiao(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("score") && !out.contains("fuzz") && !out.contains("naive"), "{out}");
    let (code, _, err) = xianjiao(&["fuzz", "--seconds", "1"]);
    assert_eq!(code, 2, "{err}");
    let rules = root().join("rules/guanba.rhai").to_string_lossy().to_string();
    let sheets = root().join("tests/golden/office-guanba/sheets.csv").to_string_lossy().to_string();
    let (code, _, err) = xianjiao(&["score", "--rules", &rules, "--naive-rhai", &sheets]);
    assert_eq!(code, 2, "{err}");
    let o = Command::new(env!("CARGO_BIN_EXE_xianjiao-dev")).args(["naive", "--rules", &rules, &sheets]).output().expect("run xianjiao-dev");
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "{\"members\": 8}", "{}", String::from_utf8_lossy(&o.stderr));
}

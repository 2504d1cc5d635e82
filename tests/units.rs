//! `xianjiao units` golden cases (tests/golden-units/<case>.args → <case>.json) and the scale figure.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

use std::path::{Path, PathBuf};
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
        // Lines starting with # are the case's notes (the seed's sentence it shows); the rest are the arguments.
        let text = std::fs::read_to_string(&p).unwrap();
        let args: Vec<String> = text.lines().filter(|l| !l.trim_start().starts_with('#')).flat_map(str::split_whitespace).map(String::from).collect();
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

fn stdout_of(case: &str) -> serde_json::Value {
    let p = root().join(format!("tests/golden-units/{case}.json"));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    v["stdout"].clone()
}

fn vote<'a>(row: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    row["votes"].as_array().unwrap().iter().find(|v| v["name"] == name).unwrap_or_else(|| panic!("{}: no vote {name}", row["name"]))
}

/// 001: 17 units, 1,687 respondents, 99 %; the office 128, 100 %. Rates from counts: the mean of the
/// units' rates would give 98 %.
#[test]
fn seed_001_department_figures() {
    let units = stdout_of("ting-units");
    let t = &units["table"];
    assert_eq!(t["rows"].as_array().unwrap().len(), 17);
    let total = vote(&t["total"], "群众满意度测评");
    assert_eq!(total["total"], 1687);
    assert_eq!(total["rate"].as_f64().unwrap().round(), 99.0);
    let rates: Vec<f64> = t["rows"].as_array().unwrap().iter().map(|r| vote(r, "群众满意度测评")["rate"].as_f64().unwrap()).collect();
    let mean = rates.iter().sum::<f64>() / rates.len() as f64;
    assert_ne!(mean.round(), 99.0, "the case must tell a pooled rate from a mean of rates");
    // The department level reads this level's export: the fixture is that very table.
    let fixture: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("tests/golden-units/ting/厅属单位.json")).unwrap()).unwrap();
    assert_eq!(&fixture, t, "tests/golden-units/ting/厅属单位.json is not ting-units' table: rerun its .args with -o");
    let dept = stdout_of("ting");
    let rows = dept["table"]["rows"].as_array().unwrap();
    let row = |n: &str| rows.iter().find(|r| r["name"] == n).unwrap();
    assert_eq!(vote(row("厅机关"), "群众满意度测评")["total"], 128);
    assert_eq!(vote(row("厅机关"), "群众满意度测评")["rate"], 100.0);
    assert_eq!(vote(row("厅属单位"), "群众满意度测评")["total"], 1687);
    assert_eq!(vote(row("厅属单位"), "群众满意度测评")["rate"].as_f64().unwrap().round(), 99.0);
    assert_eq!(row("厅属单位")["details"].as_array().unwrap().len(), 17, "the children's rows one click away");
}

/// 004: 2,394 branches, 52,417 members, 参考率 100 %, 回收率 98.8 %, 平均 99.5.
#[test]
fn seed_004_city_figures() {
    let t = &stdout_of("meizhou")["table"]["total"];
    assert_eq!(t["counts"]["branches"], 2394);
    assert_eq!(t["counts"]["members"], 52417);
    assert_eq!(t["exam"], serde_json::json!([100.0, 98.8, 99.5]));
}

/// 000: a unit most of whose members and public say 一般化/走过场 does 补课; so does one the office's 抽查 found 敷衍应付.
#[test]
fn buke_by_assessment_and_by_spot_check() {
    let t = &stdout_of("buke")["table"];
    let rows = t["rows"].as_array().unwrap();
    let row = |n: &str| rows.iter().find(|r| r["name"] == n).unwrap();
    assert_eq!((row("甲局")["buke"].as_bool(), row("甲局")["may_apply"].as_bool()), (Some(false), Some(true)), "11 of 31 is no majority");
    assert_eq!((row("乙局")["buke"].as_bool(), row("乙局")["may_apply"].as_bool()), (Some(true), Some(false)), "11 of 21 is");
    assert!(row("乙局")["blocks"][0].as_str().unwrap().contains("重新补课"));
    assert_eq!((row("丙办")["buke"].as_bool(), row("丙办")["may_apply"].as_bool()), (Some(true), Some(false)));
    assert!(row("丙办")["blocks"].as_array().unwrap().iter().any(|b| b.as_str().unwrap().contains("敷衍应付,责令补课")));
    assert_eq!(t["total"]["counts"]["buke"], 2);
}

/// The office's 抽查 given in a sheet (先教办抽查.csv) means what it means in a unit record (JSON): the buke case's table.
#[test]
fn spot_checks_from_a_sheet_are_the_json_spot_checks() {
    let (sheet, json) = (stdout_of("spotcheck"), stdout_of("buke"));
    assert_eq!(sheet["table"], json["table"]);
    assert!(sheet["files"].as_array().unwrap().iter().all(|f| f["state"] == "已读"), "{}", sheet["files"]);
    // 补课 must be said (是 or 否); one unit twice is refused, saying where.
    let d = tmp("spot");
    for (rows, says) in [("丙办,市委先教办,2005-03-28,敷衍应付,\n", "请写明是否责令补课"), ("丙办,,,敷衍应付,是\n丙办,,,走过场,是\n", "丙办 有两行")]
    {
        let f = d.join("先教办抽查.csv");
        std::fs::write(&f, format!("单位,抽查单位,抽查日期,抽查发现,责令补课\n{rows}")).unwrap();
        let o = run(&["units", "--rules", "rules/guangan.rhai", "--level", "某镇", f.to_str().unwrap(), "--json"]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["files"][0]["state"], "拒收", "{v}");
        assert!(v["files"][0]["reason"].as_str().unwrap().contains(says), "{v}");
    }
}

fn run(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xianjiao")).args(args).current_dir(root()).output().unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("xianjiao-units-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `score -o X.xlsx` with --profiles carries the roster and progress (sheet 花名册与进度), and the
/// office case's workbook is what `score` writes today: the unit table read from a fresh one is the same.
#[test]
fn score_workbook_carries_unit_roster_and_progress() {
    let d = tmp("score");
    let x = d.join("镇机关-评议结果.xlsx");
    let o = run(&[
        "score",
        "--rules",
        "rules/guanba.rhai",
        "tests/golden/office-guanba/sheets.csv",
        "--profiles",
        "tests/golden-units/office-src/镇机关-进度.json",
        "-o",
        x.to_str().unwrap(),
    ]);
    assert!(x.exists(), "{}", String::from_utf8_lossy(&o.stderr));
    let table = |p: &str| {
        let o = run(&["units", "--rules", "rules/guanba.rhai", "--level", "关坝镇", "--on", "2005-09-10", p, "--json"]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["files"][0]["state"], "已读", "{v}");
        v["table"]["rows"].clone()
    };
    let fresh = table(x.to_str().unwrap());
    assert_eq!(fresh, table("tests/golden-units/office/镇机关-评议结果.xlsx"), "the fixture is not what score writes now");
    assert_eq!(fresh[0]["name"], "镇机关");
    assert_eq!(fresh[0]["counts"]["members"], 3);
}

/// A branch's results written without --profiles have no 花名册与进度: refused, saying how to export them.
#[test]
fn score_workbook_without_the_roster_is_refused_saying_what_to_do() {
    let d = tmp("bare");
    let x = d.join("镇机关-评议结果.xlsx");
    let o = run(&["score", "--rules", "rules/guanba.rhai", "tests/golden/office-guanba/sheets.csv", "-o", x.to_str().unwrap()]);
    assert!(x.exists(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(&["units", "--rules", "rules/guanba.rhai", "--level", "关坝镇", x.to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["files"][0]["state"], "拒收", "{v}");
    let why = v["files"][0]["reason"].as_str().unwrap();
    assert!(why.starts_with("这是支部的评议结果表") && why.contains("--profiles"), "{why}");
}

/// 000: the 先教办 agrees after the 督导组's review — or does not (先教办不同意), with its reason: the unit table, the level's
/// total and the printed record say so, and the 督导组's record book written by `--record` reads back with the reason.
#[test]
fn office_refuses_an_application_with_its_reason() {
    let t = &stdout_of("refused")["table"];
    let rows = t["rows"].as_array().unwrap();
    let state = |n: &str| rows.iter().find(|r| r["name"] == n).unwrap()["application"].as_str().unwrap().to_string();
    assert_eq!(state("甲局"), "先教办已同意");
    assert_eq!(state("乙局"), "先教办不同意:安排学时40学时，不足45学时，补足后再报");
    assert!(state("丙办").starts_with("先教办不同意:中心组学习"), "a reason alone is a 不同意");
    assert_eq!((t["total"]["counts"]["approved"].as_u64(), t["total"]["counts"]["refused"].as_u64()), (Some(1), Some(2)));
    let d = tmp("refused");
    let base = ["units", "--rules", "rules/guangan.rhai", "--level", "某镇", "--on", "2005-03-01"];
    let with = |extra: &[&str]| run(&[&base[..], extra].concat());
    let (book, html) = (d.join("督导记录.xlsx"), d.join("督导记录.html"));
    with(&["tests/golden-units/refused/", "--record", book.to_str().unwrap()]);
    with(&["tests/golden-units/refused/", "--record", html.to_str().unwrap()]);
    let printed = std::fs::read_to_string(&html).unwrap();
    assert!(printed.contains("转段申请:先教办不同意:安排学时40学时，不足45学时，补足后再报"), "the printed record gives the reason");
    let again: serde_json::Value =
        serde_json::from_slice(&with(&["tests/golden-units/refused/units.json", book.to_str().unwrap(), "--json"]).stdout).unwrap();
    let states = |t: &serde_json::Value| t["rows"].as_array().unwrap().iter().map(|r| r["application"].clone()).collect::<Vec<_>>();
    assert_eq!(states(&again["table"]), states(t), "the record book reads back with the 不同意 and its reason");
    // 不同意 needs its reason; 同意 with a reason is a contradiction: the record is refused, saying where.
    for (row, says) in [
        ("乙局,第一督导组,学习动员,是,同意上报,2005-02-28,不同意,", "请在“不同意理由”一栏写明理由"),
        ("乙局,第一督导组,学习动员,是,同意上报,2005-02-28,同意,学时不足", "先教办同意,却写了不同意理由"),
    ] {
        let f = d.join("督导组记录.csv");
        std::fs::write(&f, format!("单位,督导组,阶段,已申请,审查意见,审查日期,先教办同意,不同意理由\n{row}\n")).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&with(&[f.to_str().unwrap(), "--json"]).stdout).unwrap();
        assert_eq!(v["files"][0]["state"], "拒收", "{v}");
        let why = v["files"][0]["reason"].as_str().unwrap();
        assert!(why.contains("第 2 行") && why.contains(says), "{why}");
    }
}

/// A level's `units -o 汇总.xlsx` is an input one level up, the same as its JSON; an edited data sheet is refused.
#[test]
fn a_levels_workbook_rolls_up_like_its_json() {
    let d = tmp("xlsx");
    let town = |out: &Path| {
        let o = run(&[
            "units",
            "--rules",
            "rules/guangan.rhai",
            "--level",
            "甲镇",
            "--on",
            "2005-03-01",
            "tests/golden-units/town/",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(out.exists(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let (x, j) = (d.join("甲镇.xlsx"), d.join("甲镇.json"));
    town(&x);
    town(&j);
    let district = |p: &Path| {
        let o = run(&["units", "--rules", "rules/guangan.rhai", "--level", "某区", "--on", "2005-03-01", p.to_str().unwrap(), "--json"]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["files"][0]["state"], "已读", "{v}");
        v["table"].clone()
    };
    let (a, b) = (district(&x), district(&j));
    assert_eq!(a, b);
    assert_eq!(a["rows"][0]["details"].as_array().unwrap().len(), 3, "the towns' units one click away");
}

/// 001: 征求意见总条数3741条, of which the 厅党组's 153 — a unit's count (a quantity with no per-unit minimum) is added up at
/// the level (tests/golden-units/opinions), and again one level up from the level's workbook; 学时 (a per-unit minimum) is not.
#[test]
fn a_units_counts_add_up_the_levels() {
    let own = |row: &serde_json::Value, id: &str| row["own"].as_array().unwrap().iter().find(|o| o["id"] == id).map(|o| o["have"].clone());
    let t = &stdout_of("opinions")["table"];
    assert_eq!(own(&t["rows"][0], "单位征求意见"), Some(serde_json::json!(153.0)));
    assert_eq!(own(&t["total"], "单位征求意见"), Some(serde_json::json!(3741.0)));
    assert_eq!(own(&t["total"], "审阅党性分析材料"), None, "a done/not-done item is not a count");
    let d = tmp("counts");
    let x = d.join("厅系统.xlsx");
    let args = ["units", "--rules", "rules/jiangsu-water.rhai", "--level", "厅系统", "--on", "2005-05-17", "tests/golden-units/opinions/"];
    let o = run(&[&args[..], &["-o", x.to_str().unwrap()]].concat());
    assert!(x.exists(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(&["units", "--rules", "rules/jiangsu-water.rhai", "--level", "省", "--on", "2005-05-17", x.to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(own(&v["table"]["total"], "单位征求意见"), Some(serde_json::json!(3741.0)), "{v}");
    let town = &stdout_of("town")["table"]["total"];
    assert_eq!(town["own"], serde_json::json!([]), "学时 against a per-unit minimum is not summed");
    // the printed table writes the count (本单位), for the unit and the total
    let h = d.join("厅系统.html");
    let o = run(&[&args[..], &["-o", h.to_str().unwrap()]].concat());
    let html = std::fs::read_to_string(&h).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&o.stderr)));
    assert!(html.contains("单位征求意见 153条") && html.contains("单位征求意见 3741条"), "the counts printed");
}

/// The 督导组's record (drafted → reviewed with the opinion → approved) read from a file into the unit rows.
#[test]
fn the_oversight_record_reaches_the_rows() {
    let t = &stdout_of("review")["table"];
    let rows = t["rows"].as_array().unwrap();
    let row = |n: &str| rows.iter().find(|r| r["name"] == n).unwrap();
    assert_eq!(row("甲局")["application"], "先教办已同意");
    assert_eq!(row("甲局")["review"], "学习扎实，笔记完整，同意上报(2005-02-28)");
    assert_eq!(row("乙局")["application"], "督导组已审查,待先教办同意");
    assert_eq!(row("丙办")["application"], "未申请", "the record's 否 overrides the unit's own progress");
    assert_eq!(row("丙办")["oversight"], "第二督导组");
    let c = &t["total"]["counts"];
    assert_eq!((c["applied"].as_u64(), c["reviewed"].as_u64(), c["approved"].as_u64()), (Some(2), Some(2), Some(1)));
}

/// A record that cannot be read as one is refused with its place: two rows for one unit and phase, a phase the rules lack.
#[test]
fn a_bad_oversight_record_is_refused_with_the_place() {
    let d = tmp("record");
    for (name, body, says) in [
        ("两行.csv", "单位,阶段,审查意见\n甲局,学习动员,同意\n甲局,学习动员,不同意\n", "同一阶段有两行"),
        ("阶段.csv", "单位,阶段,审查意见\n甲局,学习阶段,同意\n", "规则中没有“学习阶段”阶段"),
        ("是否.csv", "单位,审查意见,先教办同意\n甲局,同意,也许\n", "“也许”应为 是 或 否"),
    ] {
        let p = d.join(name);
        std::fs::write(&p, body).unwrap();
        let o = run(&["units", "--rules", "rules/guangan.rhai", "--on", "2005-03-01", p.to_str().unwrap(), "--json"]);
        assert_eq!(o.status.code(), Some(1));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["files"][0]["state"], "拒收");
        let why = v["files"][0]["reason"].as_str().unwrap();
        assert!(why.contains(says) && why.contains("第 "), "{name}: {why}");
    }
}

/// A unit blocked from 转段 by one overdue item, and only by it.
#[test]
fn one_overdue_item_blocks_the_gate() {
    let t = &stdout_of("overdue")["table"];
    let rows = t["rows"].as_array().unwrap();
    assert_eq!(rows[0]["name"], "兴隆街社区");
    assert_eq!(rows[0]["may_apply"], false);
    assert_eq!(rows[0]["blocks"], serde_json::json!(["参加支部专题组织生活会,进行党性分析:1 名党员逾期未完成"]));
    // 镇机关 finished 分析评议 on 9/5 (002 附件1: 机关 9月1—5日 组织搞好“回头看”和转段工作): on 9/10 it is in 整改提高,
    // which has no gate of its own.
    assert_eq!((rows[1]["phase"].as_str(), rows[1]["may_apply"].as_bool()), (Some("整改提高"), None));
    assert_eq!(t["total"]["blocks"], serde_json::json!(["1 个单位未达到转段条件"]));
}

/// The 督导组's record book (`units --record x.xlsx`): its visits and reviews, written under the headers `units` reads,
/// are an input again — the book brought back gives the same rows as the files it was made from; `--record x.html`
/// prints it per 督导组 and unit, and `--group` keeps one 督导组's units.
#[test]
fn the_record_book_reads_back() {
    let d = tmp("record");
    let book = d.join("第一督导组记录.xlsx");
    let page = d.join("督导记录.html");
    let base = ["units", "--rules", "rules/guangan.rhai", "--level", "某镇", "--on", "2005-03-01"];
    let o = run(&[&base[..], &["tests/golden-units/record/", "--record", book.to_str().unwrap(), "--group", "第一督导组"]].concat());
    assert!(book.exists(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(&[&base[..], &["tests/golden-units/record/", "--record", page.to_str().unwrap()]].concat());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(&page).unwrap();
    for s in ["第一督导组 督导记录", "第二督导组 督导记录", "学习笔记有两人未记", "群众参与不够", "未整改", "检查日期"]
    {
        assert!(html.contains(s), "{s} not in the printed record");
    }
    // Back as an input, next to the unit records only: the first group's rows as before.
    let units = d.join("units.json");
    std::fs::copy(root().join("tests/golden-units/record/units.json"), &units).unwrap();
    let o = run(&[&base[..], &[units.to_str().unwrap(), book.to_str().unwrap(), "--json"]].concat());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["files"][1]["state"], "已读", "{v}");
    let want = &stdout_of("record")["table"]["rows"];
    for (i, name) in ["甲局", "乙局"].iter().enumerate() {
        let (got, exp) = (&v["table"]["rows"][i], &want[i]);
        assert_eq!(got["name"], *name);
        for k in ["visits", "record", "review", "application", "oversight"] {
            assert_eq!(got[k], exp[k], "{name}: {k}");
        }
        assert_eq!(got["counts"]["open_problems"], exp["counts"]["open_problems"]);
    }
    assert!(v["table"]["rows"][2].get("visits").is_none(), "丙办 is the second group's: not in the first group's book");
    let bad = run(&[&base[..], &["tests/golden-units/record/", "--record", page.to_str().unwrap(), "--group", "第九督导组"]].concat());
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("第九督导组"));
}

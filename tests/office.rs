//! What a branch and a campaign office take away: `score -o` as XLSX (read
//! back with calamine) and as CSV (BOM, columns), decisions and satisfaction
//! votes, header aliases and respondent groups, `exam`, and the HTML report
//! (one 评议意见表 per member, 附件6 shares, the 转段 roll-up, escaping, and
//! at least one printed page per member when Chromium is installed).
//!
//! Golden files: `tests/golden/office-guanba/expected-*.{json,csv}`, and every
//! case folder with an `office-args` file (`exam` cases: the browser's
//! differential test has no `exam` call, so they are not `args` cases).
//! `UPDATE_EXPECT=1 cargo test --test office` rewrites them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

use calamine::{Data, Reader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xianjiao")).args(args).current_dir(root()).output().unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("xianjiao-office-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

const D: &str = "tests/golden/office-guanba";

fn score_args<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![
        "score",
        "--rules",
        "rules/guanba.rhai",
        "tests/golden/office-guanba/sheets.csv",
        "--decisions",
        "tests/golden/office-guanba/decisions.csv",
        "--satisfaction",
        "tests/golden/office-guanba/satisfaction.csv",
        "-o",
        out,
    ];
    a.extend_from_slice(extra);
    a
}

/// Compares `actual` with a golden file (or rewrites it under UPDATE_EXPECT).
fn golden(rel: &str, actual: &str) {
    let path = root().join(rel);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e} (UPDATE_EXPECT=1 creates it)"));
    assert_eq!(expected, actual, "{rel} differs");
}

fn cell(d: &Data) -> serde_json::Value {
    match d {
        Data::Empty => serde_json::Value::Null,
        Data::String(s) => s.clone().into(),
        Data::Float(f) => (*f).into(),
        Data::Int(i) => (*i).into(),
        Data::Bool(b) => (*b).into(),
        other => other.to_string().into(),
    }
}

#[test]
fn xlsx_has_results_rejected_rows_and_rules() {
    let dir = tmp("xlsx");
    let out = dir.join("results.xlsx");
    let o = run(&score_args(out.to_str().unwrap(), &[]));
    assert_eq!(o.status.code(), Some(1), "rows were rejected: exit 1\n{}", String::from_utf8_lossy(&o.stderr));
    let mut wb = calamine::open_workbook_auto(&out).unwrap();
    let names = wb.sheet_names().to_vec();
    assert_eq!(names, ["评议结果", "未计分的行", "所用规则"]);
    let mut all = serde_json::Map::new();
    for n in &names {
        let r = wb.worksheet_range(n).unwrap();
        let rows: Vec<Vec<serde_json::Value>> = r.rows().map(|row| row.iter().map(cell).collect()).collect();
        all.insert(n.clone(), rows.into());
    }
    // Spot checks, then the whole workbook against the golden file.
    let res = all["评议结果"].as_array().unwrap();
    assert_eq!(res[0][0], "姓名");
    let head = res[0].as_array().unwrap();
    assert!(head.iter().any(|h| h == "综合得分") && head.iter().any(|h| h == "缺少的评议组") && head.iter().any(|h| h == "满意率(%)"));
    let row = |name: &str| res.iter().find(|r| r[0] == name).unwrap_or_else(|| panic!("no row for {name}"));
    let col = |h: &str| head.iter().position(|x| x == h).unwrap();
    assert_eq!(row("王五")[col("结论")], "不合格(支委会决定)");
    assert_eq!(row("王五")[col("处理方式")], "限期改正");
    assert_eq!(row("李四")[col("结论")], "合格(建议)");
    assert_eq!(row("张三")[col("满意率(%)")], 100.0);
    assert_eq!(row("<b>周九</b>")[col("缺少的评议组")], "群众参评");
    // The formula-looking name is text with a leading ', never a formula.
    assert!(res.iter().any(|r| r[0] == "'=HYPERLINK(\"http://x\",\"点我\")"), "{res:?}");
    let rej = all["未计分的行"].as_array().unwrap();
    assert_eq!(rej[0], serde_json::json!(["文件", "行", "字段", "原因"]));
    assert!(rej.iter().any(|r| r[0] == "tests/golden/office-guanba/decisions.csv" && r[1] == 4.0 && r[2] == "结论"), "{rej:?}");
    // A field is named as the sheet names it, never by the engine's key (rater_group).
    assert!(rej.iter().any(|r| r[1] == 63.0 && r[2] == "评议组"));
    assert!(rej.iter().any(|r| r[3].as_str().is_some_and(|s| s.contains("吴十"))), "unmatched decision listed");
    let rules = serde_json::to_string(&all["所用规则"]).unwrap();
    for needle in
        ["rules/guanba.rhai", "central.rhai", "工作绩效", "支委会考评", "本镇设定:综合得分60分及以上建议为合格", "不去最高分和最低分", "支委会鉴评"]
    {
        assert!(rules.contains(needle), "rules sheet lacks {needle}: {rules}");
    }
    golden(&format!("{D}/expected-xlsx.json"), &(serde_json::to_string_pretty(&all).unwrap() + "\n"));
    // Scores show two decimals (full value kept), the header and the name column stay in view, widths are set.
    let mut z = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut part = |name: &str| {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut z.by_name(name).unwrap(), &mut s).unwrap();
        s
    };
    assert!(part("xl/styles.xml").contains("formatCode=\"0.00\""), "two-decimal format");
    let sheet1 = part("xl/worksheets/sheet1.xml");
    assert!(sheet1.contains("xSplit=\"1\" ySplit=\"1\""), "frozen header and name: {sheet1}");
    assert!(sheet1.contains("<cols>") && sheet1.contains("customWidth=\"1\""), "column widths");
    assert!(sheet1.contains("<v>86.3333</v>"), "full precision kept");
    // The formula guard: no cell of any sheet is a formula.
    let mut wb = calamine::open_workbook_auto(&out).unwrap();
    for n in &names {
        let f = wb.worksheet_formula(n).unwrap();
        assert!(f.used_cells().all(|(_, _, s)| s.is_empty()), "a formula in {n}");
    }
}

#[test]
fn csv_has_a_bom_the_same_columns_and_english_headers() {
    let dir = tmp("csv");
    let out = dir.join("results.csv");
    run(&score_args(out.to_str().unwrap(), &[]));
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(&[0xef, 0xbb, 0xbf]), "UTF-8 BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let head = text.lines().next().unwrap();
    assert_eq!(head, "姓名,党员互评平均分,党员互评份数,群众参评平均分,群众参评份数,支委会考评平均分,支委会考评份数,综合得分,满意率(%),结论,处理方式,备注,缺少的评议组");
    assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\""), "neutralised and quoted");
    golden(&format!("{D}/expected-results.csv"), &String::from_utf8(std::fs::read(&out).unwrap()).unwrap());
    // The XLSX's first sheet and the CSV have the same columns.
    let xl = dir.join("r.xlsx");
    run(&score_args(xl.to_str().unwrap(), &[]));
    let mut wb = calamine::open_workbook_auto(&xl).unwrap();
    let r = wb.worksheet_range("评议结果").unwrap();
    let xh: Vec<String> = r.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(xh.join(","), head);
    let en = dir.join("en.csv");
    run(&score_args(en.to_str().unwrap(), &["--lang", "en"]));
    let t = std::fs::read_to_string(&en).unwrap();
    assert!(t.starts_with("\u{feff}Member,党员互评 mean,党员互评 sheets,"), "{t}");
    assert!(t.contains("不合格 (committee decision)") && t.contains("合格 (suggested)"));
}

#[test]
fn decisions_errors_name_file_and_row_and_json_lists_unmatched() {
    let o = run(&["score", "--rules", "rules/guanba.rhai", &format!("{D}/sheets.csv"), "--decisions", &format!("{D}/decisions.csv"), "--json"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("tests/golden/office-guanba/decisions.csv:4:") && err.contains("优秀"), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["unmatched_decisions"], serde_json::json!(["吴十"]));
    assert_eq!(v["other_rejected"][0]["row"], 4);
    let wang = v["members"].as_array().unwrap().iter().find(|m| m["member"] == "王五").unwrap();
    assert_eq!(wang["decision"], serde_json::json!({ "outcome": "不合格", "handling": "限期改正", "note": "限期三个月整改" }));
    assert_eq!(o.status.code(), Some(1));
}

/// A small rule file with item and tier aliases, a vote with groups and an
/// outcome that reads the satisfaction vote.
fn alias_rules(dir: &Path) -> PathBuf {
    let p = dir.join("town.rhai");
    std::fs::write(
        &p,
        r#"
role("党员", #{ local: "t" });
fn 结论(r) { if r.satisfaction.given && r.satisfaction.rate < 50.0 { "不合格" } else { "合格" } }
form("测评表", #{ items: [["理想信念", 50], ["工作绩效", 50]], aliases: #{ 绩效: "工作绩效" }, outcome: "结论", local: "t" });
vote("满意度", #{ tiers: ["满意", "不满意"], aliases: #{ 很满意: "满意" }, rate_of: ["满意"], local: "t" });
vote("回头看", #{ tiers: ["满意", "不满意"], rate_of: ["满意"], groups: ["党员", "群众"], local: "t" });
"#,
    )
    .unwrap();
    p
}

#[test]
fn aliases_in_headers_and_satisfaction_in_the_outcome() {
    let dir = tmp("alias");
    let rules = alias_rules(&dir);
    std::fs::write(dir.join("s.csv"), "姓名,理想信念,绩效\n张三,40,40\n李四,30,30\n").unwrap();
    std::fs::write(dir.join("v.csv"), "member,很满意,不满意\n张三,9,1\n李四,2,8\n").unwrap();
    let o = run(&[
        "score",
        "--rules",
        rules.to_str().unwrap(),
        dir.join("s.csv").to_str().unwrap(),
        "--satisfaction",
        dir.join("v.csv").to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["members"][0]["composite"], 80.0);
    assert_eq!(v["members"][0]["outcome"], "合格");
    assert_eq!(v["members"][1]["outcome"], "不合格", "李四's 20% satisfaction reaches the outcome function");
}

#[test]
fn votes_with_respondent_groups() {
    let dir = tmp("groups");
    let rules = alias_rules(&dir);
    let r = rules.to_str().unwrap();
    // One row per respondent with a group column.
    std::fs::write(dir.join("a.csv"), "单位,参评人员类别,档次\n甲,党员,满意\n甲,群众,不满意\n甲,群众,满意\n甲,路人,满意\n").unwrap();
    let o = run(&["satisfaction", "--rules", r, "--vote", "回头看", dir.join("a.csv").to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["subjects"][0]["groups"], serde_json::json!({ "党员": 1, "群众": 2 }));
    assert_eq!((v["rows"]["read"].as_u64(), v["rows"]["rejected"].as_u64()), (Some(4), Some(1)), "unknown group rejected: {v}");
    // 附件6 layout: one count column per group, tiers and a total.
    std::fs::write(dir.join("b.csv"), "被测评单位,党员,群众,合计,满意,不满意\n甲,3,2,5,4,1\n乙,1,1,3,2,1\n").unwrap();
    let o = run(&["satisfaction", "--rules", r, "--vote", "回头看", dir.join("b.csv").to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["subjects"][0]["groups"], serde_json::json!({ "党员": 3, "群众": 2 }));
    assert_eq!(v["rejected"][0]["row"], 3, "乙: groups add up to 2, tiers to 3: {v}");
    // With groups, an unknown column is an error, not ignored.
    std::fs::write(dir.join("c.csv"), "被测评单位,党员,群众,满意,不满意,备注\n甲,3,2,4,1,好\n").unwrap();
    let o = run(&["satisfaction", "--rules", r, "--vote", "回头看", dir.join("c.csv").to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("不认识的列:第 6 列“备注”"), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn office_golden_cases() {
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(root().join("tests/golden")).unwrap().flatten().map(|e| e.path()).filter(|p| p.join("office-args").exists()).collect();
    dirs.sort();
    assert!(dirs.len() >= 2);
    for dir in dirs {
        let rel = dir.strip_prefix(root()).unwrap().to_string_lossy().to_string();
        let args: Vec<String> =
            std::fs::read_to_string(dir.join("office-args")).unwrap().split_whitespace().map(|a| a.replace("{dir}", &rel)).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&args);
        let out: serde_json::Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{rel}: {e}: {}", String::from_utf8_lossy(&o.stderr)));
        let actual = serde_json::to_string_pretty(&serde_json::json!({ "exit": o.status.code(), "stdout": out })).unwrap() + "\n";
        golden(&format!("{rel}/expected.json"), &actual);
    }
    // 004: 52417 took the test, 51788 sheets came back, average 99.5 → 100%, 98.8%, 99.5.
    let v: serde_json::Value =
        serde_json::from_slice(&run(&["exam", "--rules", "rules/meizhou.rhai", "tests/golden/exam-meizhou/units.csv", "--json"]).stdout).unwrap();
    assert_eq!(v["overall"]["participation"], 100.0);
    assert_eq!((v["overall"]["return_rate"].as_f64().unwrap() * 10.0).round() / 10.0, 98.8);
    assert_eq!(v["overall"]["average"], 99.5);
}

fn report(dir: &Path, extra: &[&str]) -> (String, Output) {
    let out = dir.join("report.html");
    let mut a = vec![
        "report",
        "--rules",
        "rules/guanba.rhai",
        "tests/golden/office-guanba/sheets.csv",
        "--votes",
        "tests/golden/office-guanba/votes.csv",
        "--lookback",
        "tests/golden/office-guanba/lookback.csv",
        "--profiles",
        "tests/golden/office-guanba/profiles.json",
        "--decisions",
        "tests/golden/office-guanba/decisions.csv",
        "--satisfaction",
        "tests/golden/office-guanba/satisfaction.csv",
        "-o",
        out.to_str().unwrap(),
    ];
    a.extend_from_slice(extra);
    let o = run(&a);
    (std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr))), o)
}

#[test]
fn report_has_one_form_per_member_shares_and_the_roll_up() {
    let dir = tmp("report");
    let (h, o) = report(&dir, &[]);
    assert_eq!(o.status.code(), Some(1), "rejected rows: exit 1");
    // One 评议意见表 per member (7 members), each a print page of its own.
    assert_eq!(h.matches("data-form=\"附件4\"").count(), 7);
    for f in ["姓名", "职务", "测评综合得分", "主要优点", "主要不足", "努力方向", "支部负责人签名", "党员本人签名", "年月日", "备注"]
    {
        assert!(h.matches(f).count() >= 7, "{f} on every form");
    }
    assert!(h.contains("建议,供支委会参考:") && h.contains("“工作绩效”"), "strengths pre-filled as marked suggestions");
    assert!(h.contains(".page{break-before:page;break-after:page") && h.contains("@page{size:A4"));
    // 附件6: respondents by group × tier and each tier's share, all units, then the seed's form filled for each unit.
    assert!(h.contains("回头看满意度(各单位汇总") && h.contains("本单位党员群众代表") && h.contains("71.43%") && h.contains("96.43%"));
    assert_eq!(h.matches("data-form=\"附件6\" data-unit=").count(), 2, "one 附件6 per unit");
    let a6 = page_text(&h, "data-form=\"附件6\" data-unit=\"镇机关\"");
    assert_eq!(
        a6,
        SEED_A6
            .replace("被测评单位参加", "被测评单位镇机关参加")
            .replace("其他测评结果", "其他287654321测评结果")
            .replace("不满意占参评人员的", "不满意2071占参评人员的71.43%25%3.57%"),
        "the filled 附件6 is the seed's form with the unit's figures"
    );
    // 附件5 unit scores.
    assert!(h.contains("附件5 回头看群众测评表") && h.contains("85.5"));
    // Roll-up: who blocks the 转段 gate and on what, who owes 补课, the draft with the rate.
    assert!(h.contains("尚未满足") && h.contains("参加领导班子专题民主生活会"));
    assert!(h.contains("需要补课") && h.contains("回来后及时补课"));
    assert!(h.contains("镇机关关于分析评议阶段转段的申请") && h.contains("参评 28 人,满意、基本满意占 96.43%"));
    assert!(h.contains("兴隆街社区关于分析评议阶段转段的申请") && h.contains("申请转入整改提高阶段"));
    // Charts are inline SVG; nothing is fetched; names are escaped.
    assert!(h.matches("<svg").count() >= 3);
    for bad in ["<script", "src=", "href=", "@import", "url(", "<link"] {
        assert!(!h.contains(bad), "{bad} in the report");
    }
    assert!(!h.contains("<b>周九</b>") && h.contains("&lt;b&gt;周九&lt;/b&gt;"));
    let (en, _) = report(&dir, &["--lang", "en"]);
    // The 附件4 pages are the seed's Chinese form in either language (core's one definition, as the office page prints).
    assert!(en.contains("1. Summary") && en.contains("党员评议意见表") && en.contains("建议,供支委会参考:"));
}

/// 附件4 as the seed prints it: title from the campaign and phase, 职务 from the roster (never the
/// checklist role), roster order, the composite saying which group is missing, 备注 and the 注 line;
/// the 转段申请 addressed to `--to` with the seed's review line and an opinion box for each.
#[test]
fn report_forms_follow_the_roster_and_the_seed() {
    let dir = tmp("report-roster");
    let roster = dir.join("花名册.csv");
    std::fs::write(&roster, "姓名,职务\n王五,组织委员\n张三,支部书记\n").unwrap();
    let (h, _) = report(&dir, &["--roster", roster.to_str().unwrap(), "--to", "镇先教办,镇督导组"]);
    let order: Vec<&str> = h
        .match_indices("data-form=\"附件4\" data-member=\"")
        .map(|(i, m)| &h[i + m.len()..i + m.len() + h[i + m.len()..].find('"').unwrap()])
        .collect();
    assert_eq!(&order[..2], ["王五", "张三"], "roster order first, then the others");
    assert!(h.contains("<td>组织委员</td>") && h.contains("<td>支部书记</td>"));
    assert!(!h.contains("<td>党员领导干部</td>") && !h.contains("<td>离退休党员</td>"), "职务 is never the checklist role");
    assert!(h.contains("关坝镇先进性教育活动分析评议阶段") && h.contains("注:若不够书写,可另附页。") && h.contains("<th>备注</th>"));
    assert!(h.contains("(缺“群众参评”)</span>"), "a composite resting on missing groups names them in its cell");
    assert!(h.contains("缺少“群众参评”的测评表,测评综合得分仅按党员互评、支委会考评的权重折算"), "and 备注 says what it rests on");
    assert!(h.contains("镇先教办、镇督导组:"), "addressed to --to");
    assert!(h.contains("本申请经镇督导组审查后上报,镇先教办同意后,再召开会议进行小结与转段动员。"));
    assert!(h.contains("镇督导组意见:") && h.contains("镇先教办意见:"));
}

/// Prints the report with headless Chromium and counts the PDF's pages
/// (`/Type /Page` objects). Skipped, with a note, where Chromium is absent.
#[test]
fn printed_report_has_a_page_per_member() {
    let Some(chromium) = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success()))
    else {
        eprintln!("note: no Chromium here; the page count is checked by tests/browser/report.mjs");
        return;
    };
    let dir = tmp("pdf");
    report(&dir, &[]);
    let pdf = dir.join("report.pdf");
    let o = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            &format!("--print-to-pdf={}", pdf.display()),
            &format!("file://{}", dir.join("report.html").display()),
        ])
        .output()
        .unwrap();
    let bytes = std::fs::read(&pdf).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    let pages = bytes.windows(12).filter(|w| w.starts_with(b"/Type /Page") && w[11] != b's').count();
    assert!(pages >= 7 + 3, "{pages} pages for 7 members and 3 summary parts");
}

#[test]
fn decisions_from_a_workbook_and_profiles_from_a_csv() {
    let dir = tmp("wb");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in [["姓名", "结论", "处理", "备注"], ["王五", "不合格", "劝其退党", ""], ["李四", "合格", "限期改正", ""]].iter().enumerate()
    {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    let dx = dir.join("决定.xlsx");
    wb.save(&dx).unwrap();
    std::fs::write(dir.join("p.csv"), "姓名,角色,单位,单位类型,个人情况,进度\n张三,党员,镇机关,机关,,征求意见;交心谈心;党性分析材料;专题组织生活会;修改党性分析材料\n王五,党员,镇机关,机关,因公出差,征求意见\n赵六,党员,镇机关,机关,,学习学时=很多\n").unwrap();
    std::fs::write(dir.join("sat.csv"), "member,tier\n张三,满意\n无名氏,满意\n").unwrap();
    let out = dir.join("r.html");
    let o = run(&[
        "report",
        "--rules",
        "rules/guanba.rhai",
        &format!("{D}/sheets.csv"),
        "--decisions",
        dx.to_str().unwrap(),
        "--profiles",
        dir.join("p.csv").to_str().unwrap(),
        "--satisfaction",
        dir.join("sat.csv").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    // 李四 is 合格: a handling option for a qualified member is still one of the rules' options, so it is taken; row 3 of the workbook is fine.
    assert!(err.contains("无名氏") && err.contains("没有测评表"), "{err}");
    let h = std::fs::read_to_string(&out).unwrap();
    assert!(h.contains("不合格(支委会决定)") && h.contains("劝其退党"));
    assert!(h.contains("p.csv") && h.contains("学习学时=很多"), "the bad progress cell is listed with its file");
    assert!(h.contains("王五") && h.contains("回来后及时补课"));
    assert!(h.contains("以下姓名有满意度测评但没有测评表"));
}

#[test]
fn the_outcome_function_sees_each_members_checklist() {
    // 000/002: the committee decides from the scores, the vote, public opinion and the member's record.
    let dir = tmp("checklist");
    let rules = dir.join("town.rhai");
    std::fs::write(
        &rules,
        r#"
role("党员", #{ local: "t" });
phase("分析评议", #{ start: "2005-08-16", end: "2005-09-16", local: "t" });
require("党性分析材料", #{ phase: "分析评议", roles: ["党员"], local: "t" });
require("组织生活会", #{ phase: "分析评议", roles: ["党员"], local: "t" });
gate("分析评议", #{ requires: ["党性分析材料", "组织生活会"], local: "t" });
fn 结论(r) {
    if !r.checklist.given { return "待核对清单"; }
    if !r.checklist.gates["分析评议"] { return "待补课"; }
    if r.composite >= 60.0 { "合格" } else { "不合格" }
}
form("测评表", #{ items: [["理想信念", 50], ["工作绩效", 50]], outcome: #{ function: "结论", suggestion: true, local: "t" }, local: "t" });
"#,
    )
    .unwrap();
    std::fs::write(dir.join("s.csv"), "姓名,理想信念,工作绩效\n张三,40,40\n李四,40,40\n王五,40,40\n").unwrap();
    std::fs::write(
        dir.join("p.json"),
        r#"[
 {"member": "张三", "role": "党员", "progress": {"党性分析材料": true, "组织生活会": true}},
 {"member": "李四", "role": "党员", "progress": {"党性分析材料": true}}
]"#,
    )
    .unwrap();
    let o = run(&[
        "score",
        "--rules",
        rules.to_str().unwrap(),
        dir.join("s.csv").to_str().unwrap(),
        "--profiles",
        dir.join("p.json").to_str().unwrap(),
        "--on",
        "2005-09-20",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let outcome = |i: usize| v["members"][i]["outcome"].as_str().unwrap_or_default().to_string();
    assert_eq!([outcome(0), outcome(1), outcome(2)], ["合格", "待补课", "待核对清单"]);
    assert_eq!(v["members"][0]["suggestion"], true);
}

/// 002's 附件6 as its text reads (lines 209–234 of the seed, line breaks inside cells removed).
const SEED_A6: &str = "附件6关坝镇第二批先进性教育活动分析评议阶段“回头看”群众测评表被测评单位参加测评群众情况(人)合计本单位党员群众代表下属单位党员群众代表\
    服务对象代表党代表、人大代表、政协委员特邀监督员离退休干部职工其他测评结果测评档次(人)满意基本满意不满意占参评人员的测评群众代表签名督导组审查意见";

/// The text of the form page whose opening tag holds `marker`, tags and whitespace removed.
fn page_text(h: &str, marker: &str) -> String {
    let i = h.find(marker).unwrap_or_else(|| panic!("no page {marker}"));
    let body = &h[i..i + h[i..].find("</section>").unwrap()];
    let mut out = String::new();
    let mut in_tag = true;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag && !c.is_whitespace() => out.push(c),
            _ => {}
        }
    }
    out
}

/// The blank forms of the seeds (002 附件3/4/5/6) for a roster: golden HTML, and the pieces 002 prints.
#[test]
fn blank_forms_from_the_rules_and_a_roster() {
    let dir = tmp("forms");
    let out = dir.join("测评表.html");
    let o = run(&["forms", "--rules", "rules/guanba.rhai", "--roster", "tests/golden/forms-guanba/roster.csv", "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(&out).unwrap();
    for needle in [
        "关坝镇先进性教育活动党员分析评议测评表",
        "测评层次:群众参评",
        "关坝镇先进性教育活动分析评议阶段",
        "党员评议意见表",
        "<td>支部书记</td>",
        "注:若不够书写,可另附页。",
        "备注",
        "关坝镇第二批先进性教育活动分析评议阶段",
        "测评群众代表签名",
        "督导组审查意见",
        "5、召开专题组织生活会、班子民主生活会情况",
    ] {
        assert!(html.contains(needle), "the forms lack {needle}");
    }
    // Roster order, one 附件4 each; 职务 blank when the roster has none (never the checklist role).
    let order: Vec<&str> = html.match_indices("data-member=\"").map(|(i, _)| &html[i + 13..i + 13 + html[i + 13..].find('"').unwrap()]).collect();
    assert_eq!(order, ["张三", "李四", "王五"]);
    assert!(!html.contains("党员领导干部"));
    // 附件6 word for word as 002 prints it (the % signs are where the shares go).
    assert_eq!(page_text(&html, "data-form=\"附件6\"").replace('%', ""), SEED_A6);
    golden("tests/golden/forms-guanba/expected.html", &html);
}

/// Every sheet of a workbook as (name, rows of cell texts).
fn all_cells(path: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    let mut wb = calamine::open_workbook_auto(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let names = wb.sheet_names();
    names
        .into_iter()
        .map(|n| {
            let r = wb.worksheet_range(&n).unwrap();
            (n, r.rows().map(|row| row.iter().map(|c| c.to_string()).collect()).collect())
        })
        .collect()
}

/// Generated, filled (by rust_xlsxwriter through the same layout), scored: the entry workbook
/// reads back with the CLI's reader and gives the composites of the marks typed in.
#[test]
fn entry_workbook_round_trip() {
    let dir = tmp("entry");
    let blank = dir.join("录入表.xlsx");
    let o = run(&["forms", "--rules", "rules/guanba.rhai", "--roster", "tests/golden/forms-guanba/roster.csv", "-o", blank.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut wb = calamine::open_workbook_auto(&blank).unwrap();
    assert_eq!(wb.sheet_names(), ["党员互评", "群众参评", "支委会考评"]);
    let r = wb.worksheet_range("党员互评").unwrap();
    let at = |row: u32| -> Vec<String> { (0..11).map(|c| r.get_value((row, c)).map(|d| d.to_string()).unwrap_or_default()).collect() };
    assert_eq!(at(2), ["姓名", "测评层次", "理想信念", "宗旨意识", "工作作风", "组织纪律", "廉洁自律", "精神状态", "素质能力", "工作绩效", "合计"]);
    // The 分值 row under the header, as the seed's 附件3 prints it (the readers check it against the rules).
    assert_eq!(at(3), ["分值", "", "10", "10", "10", "10", "10", "10", "10", "30", "100"]);
    let mut z = zip::ZipArchive::new(std::fs::File::open(&blank).unwrap()).unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(&mut z.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut sheet).unwrap();
    assert!(sheet.contains("<sheetProtection"), "header locked");
    assert!(sheet.contains("type=\"decimal\"") && sheet.contains("<formula2>30</formula2>"), "item validation 0..points");
    assert!(sheet.contains("\"张三,李四,王五\""), "roster drop-down");
    // Filled: two raters per group for 张三 and 李四.
    std::env::set_current_dir(root()).unwrap();
    let rs = xianjiao_cli::fs_source::usable_rules(Path::new("rules/guanba.rhai")).unwrap();
    let roster = [("张三", 9.0), ("李四", 7.5)];
    let mut filled = vec![];
    for g in ["党员互评", "群众参评", "支委会考评"] {
        for (name, x) in roster {
            for _ in 0..2 {
                filled.push((g.to_string(), name.to_string(), vec![x, x, x, x, x, x, x, 3.0 * x]));
            }
        }
    }
    let bytes = xianjiao_core::output::entry::entry_workbook(&rs, &[], &filled).unwrap();
    let full = dir.join("已填.xlsx");
    std::fs::write(&full, &bytes).unwrap();
    // The filled workbook is kept for the office page's half of the round trip (tests/browser/office.mjs).
    let kept = root().join("tests/golden/forms-guanba/filled.xlsx");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&kept, &bytes).unwrap();
    }
    assert_eq!(all_cells(&kept), all_cells(&full), "tests/golden/forms-guanba/filled.xlsx differs (UPDATE_EXPECT=1 rewrites it)");
    let o = run(&["score", "--rules", "rules/guanba.rhai", full.to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let got: Vec<(String, f64)> =
        v["members"].as_array().unwrap().iter().map(|m| (m["member"].as_str().unwrap().to_string(), m["composite"].as_f64().unwrap())).collect();
    assert_eq!(got, [("张三".to_string(), 90.0), ("李四".to_string(), 75.0)]);
    assert_eq!(v["rows"]["rejected"], 0);
    assert_eq!(v["sheets"][0]["points_row"], 4, "the 分值 row under the header is checked, not scored: {}", v["sheets"]);
    let mut z = zip::ZipArchive::new(std::fs::File::open(&full).unwrap()).unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(&mut z.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut sheet).unwrap();
    assert!(sheet.contains("SUM(C5:J5)"), "合计 formula on a typed row");
}

/// The 转段申请 the office page prints (core's `results_application`, through the office wasm's
/// `transferApplication`): the template of `report`'s drafts, addressed as 000 says (先教办 and 督导组,
/// "经督导组审查后上报,…同意后"), members counted from the sheets, the rest blanks to fill in.
/// Golden HTML, which tests/browser/office.mjs compares with the page's document.
#[test]
fn transfer_application_of_the_office_page() {
    std::env::set_current_dir(root()).unwrap();
    let o = run(&["score", "--rules", "rules/guanba.rhai", &format!("{D}/sheets.csv"), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    let x = xianjiao_core::output::results::ResultsInput::from_json(&v, &serde_json::json!([]), None, &[]).unwrap();
    let rs = xianjiao_cli::fs_source::usable_rules(Path::new("rules/guanba.rhai")).unwrap();
    let h = xianjiao_core::output::report::results_application(&rs, &x, "镇机关", &[], None, xianjiao_core::Lang::Zh);
    for needle in [
        "data-form=\"转段申请\"",
        "镇机关关于分析评议阶段转段的申请",
        "<p>先教办、督导组:</p>",
        "我单位分析评议阶段共有 7 名党员参加,其中 ____ 名已完成本阶段各项要求。",
        "满意和基本满意率为 ____%",
        "申请转入整改提高阶段",
        "本申请经督导组审查后上报,先教办同意后,再召开会议进行小结与转段动员。",
        "督导组意见:",
        "先教办意见:",
        "镇机关党支部(盖章)",
    ] {
        assert!(h.contains(needle), "the application lacks {needle}");
    }
    // `report` drafts with the same template: the same fixed lines around its own figures.
    let (r, _) = report(&tmp("application"), &[]);
    for needle in
        ["镇机关关于分析评议阶段转段的申请", "<p>先教办、督导组:</p>", "本申请经督导组审查后上报,先教办同意后", "督导组意见:", "先教办意见:"]
    {
        assert!(r.contains(needle), "report's draft lacks {needle}");
    }
    golden("tests/golden/office-guanba/expected-application.html", &h);
}

/// A 分值 row a reader passes on as data (the office page's reader, or one further down a sheet)
/// is checked in the scorer that every reader feeds: never a member named 分值; the rules' points
/// are a note, other numbers a rejected row naming the items that differ.
#[test]
fn a_points_row_is_never_a_member() {
    let dir = tmp("points");
    let csv = dir.join("s.csv");
    std::fs::write(
        &csv,
        "member,rater_group,理想信念,宗旨意识,工作作风,组织纪律,廉洁自律,精神状态,素质能力,工作绩效\n\
         张三,党员互评,9,9,8,9,10,8,8,27\n\
         分值,,10,10,10,10,10,10,10,30\n\
         分值,党员互评,10,10,10,10,10,10,10,30\n\
         分值,,20,10,10,10,10,10,10,30\n",
    )
    .unwrap();
    let o = run(&["score", "--rules", "rules/guanba.rhai", csv.to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    let names: Vec<&str> = v["members"].as_array().unwrap().iter().map(|m| m["member"].as_str().unwrap()).collect();
    assert_eq!(names, ["张三"], "分值 is not a member");
    assert_eq!(v["rows"]["rejected"], 1);
    let why = v["rejected"][0]["reason"].as_str().unwrap();
    assert!(why.contains("分值行与规则不符") && why.contains("“理想信念”表上 20,规则 10"), "{why}");
    // (the second one names a rater group: the CSV fast path leaves it to the general way)
    assert_eq!(v["notes"].as_array().map(Vec::len), Some(2), "{}", v["notes"]);
}

/// Rules without a form (000 gives none, and none is invented): `report` without sheets gives the
/// votes, the 转段 roll-up and the draft 转段申请 (000: 符合小结转段的……提出转段申请), and says what
/// needs a form; `score`, and a `report` given sheets, say so too (Chinese first), exit 2.
#[test]
fn report_without_a_form_rolls_up_the_gates_and_drafts_the_application() {
    let g = "tests/golden/report-guangan-no-form";
    let dir = tmp("no-form");
    let out = dir.join("report.html");
    let (profiles, votes) = (format!("{g}/profiles.json"), format!("{g}/votes.csv"));
    let args = ["report", "--rules", "rules/guangan.rhai", "--profiles", &profiles, "--votes", &votes, "--vote", "分析评议成效测评"];
    let mut a = args.to_vec();
    a.extend(["--on", "2005-03-01", "--to", "市委督导组,市委先教办", "-o", out.to_str().unwrap()]);
    let o = run(&a);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let h = std::fs::read_to_string(&out).unwrap();
    assert!(h.contains("测评表:(规则中没有测评表)") && h.contains("需要测评表"));
    assert!(h.contains("学习动员阶段转段条件") && h.contains("尚未满足") && h.contains("李四"));
    assert!(h.contains("市水务局机关关于学习动员阶段转段的申请") && h.contains("经市委督导组审查后上报,市委先教办同意后"));
    assert!(h.contains("一般化、走过场占 37.5%"));
    assert!(!h.contains("data-form=\"附件4\""), "no 附件4 without a form");
    // The unit's 成效测评 result (--votes) completes its gate item: not a majority for 一般化/走过场, so 分析评议 may close.
    assert!(h.contains("分析评议阶段转段条件</b>:已满足") && h.contains("申请转入整改提高阶段"), "{h}");
    golden(&format!("{g}/expected.html"), &h);
    // A majority (25 of 40) answering 一般化/走过场: 重新补课, the gate holds (000).
    let majority = format!("{g}/votes-majority.csv");
    let mut a = args.to_vec();
    a[6] = &majority;
    a.extend(["--on", "2005-03-01", "-o", out.to_str().unwrap()]);
    assert_eq!(run(&a).status.code(), Some(0));
    let h = std::fs::read_to_string(&out).unwrap();
    assert!(h.contains("分析评议阶段转段条件</b>:<span class=\"warn\">尚未满足") && h.contains("本阶段结束前接受成效测评(无记名问卷)"), "{h}");
    let o = run(&["score", "--rules", "rules/guangan.rhai", &votes]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("规则中没有测评表") && err.find("转段条件汇总") < err.find("roll-up"), "{err}");
    let mut a = args.to_vec();
    a.extend(["tests/golden/office-guanba/sheets.csv", "-o", out.to_str().unwrap()]);
    let o = run(&a);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("sheets.csv(测评表文件 / sheets):规则中没有测评表"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = run(&["report", "--rules", "rules/meizhou.rhai", "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("report --profiles"));
}

/// A vote result recorded for a requirement completed by a vote (`vote:`): a tier the vote does not have, or a count
/// that is not a whole number, is refused with the entry's name (never counted as 0).
#[test]
fn a_vote_result_in_a_profile_is_read_strictly() {
    let dir = tmp("vote-progress");
    for (bad, says) in [(r#"{"一般": 3}"#, "不是“分析评议成效测评”的档次"), (r#"{"一般化": 2.5}"#, "人数应为非负整数")]
    {
        let p = dir.join("p.json");
        std::fs::write(&p, format!(r#"{{"role": "单位党组织", "progress": {{"成效测评": {bad}}}}}"#)).unwrap();
        let o = run(&["checklist", "--rules", "rules/guangan.rhai", "--profile", p.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_ne!(o.status.code(), Some(0), "{bad}");
        assert!(err.contains("成效测评") && err.contains(says), "{bad}: {err}");
    }
}

/// Compiled rules (`xianjiao compile`, what the office page and the widget load) give the same
/// workbook as the rule file they come from, every part byte for byte: the 所用规则 sheet quotes
/// the declarations' provenance, which compiled rules carry.
#[test]
fn compiled_rules_give_the_same_workbook() {
    let d = tmp("compiled");
    let compiled = d.join("guanba.rules.json");
    assert!(run(&["compile", "rules/guanba.rhai", "-o", compiled.to_str().unwrap()]).status.success());
    let books: Vec<PathBuf> = [("rules/guanba.rhai", "a.xlsx"), (compiled.to_str().unwrap(), "b.xlsx")]
        .iter()
        .map(|(rules, name)| {
            let out = d.join(name);
            // (exit 1: the sheets have two rejected rows, listed in the workbook)
            let o = run(&["score", "--rules", rules, "tests/golden/office-guanba/sheets.csv", "-o", out.to_str().unwrap()]);
            assert!(out.exists(), "{}", String::from_utf8_lossy(&o.stderr));
            out
        })
        .collect();
    let sheets = |p: &Path| -> Vec<(String, Vec<Vec<serde_json::Value>>)> {
        let mut wb = calamine::open_workbook_auto(p).unwrap();
        wb.sheet_names()
            .into_iter()
            .map(|n| {
                let r = wb.worksheet_range(&n).unwrap();
                (n, r.rows().map(|row| row.iter().map(cell).collect()).collect())
            })
            .collect()
    };
    let (a, b) = (sheets(&books[0]), sheets(&books[1]));
    assert!(a.iter().any(|(n, rows)| n == "所用规则" && rows.iter().flatten().any(|c| c.as_str().is_some_and(|t| t.contains("002 附件3")))));
    assert_eq!(a, b);
    let _ = std::fs::remove_dir_all(&d);
}

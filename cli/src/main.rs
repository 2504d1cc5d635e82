//! `xianjiao`: the command line over `xianjiao-core`. Reads rule files and
//! inputs from disk, prints readable Chinese tables or `--json`.

use clap::{Parser, Subcommand};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use xianjiao_core::{Profile, RuleSet, RuleSource, Severity, SourceError};

/// mimalloc: scoring allocates per member and per thread; glibc's allocator
/// made two threads slower than one on the project machine.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod bench;
mod csvout;
mod fastcsv;
mod fuzz;
mod input;
mod office;
mod report;
mod table;
mod xlsxout;

#[derive(Parser)]
#[command(name = "xianjiao", version, about = "先进性教育活动规则引擎 / rules engine for Party-member education campaigns")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// 校验规则文件 / validate rule files (exit 1 on any error)
    Check {
        /// Rule files or directories of *.rhai files.
        rules: Vec<PathBuf>,
        /// Also warn about declarations that say neither source: nor local:.
        #[arg(long)]
        strict: bool,
        #[arg(long)]
        json: bool,
    },
    /// 日程 / phases and steps with dates for a unit type
    Schedule {
        #[arg(long)]
        rules: PathBuf,
        /// Unit type (机关, 社区 ...).
        #[arg(long)]
        unit: String,
        /// Day to place in the schedule (YYYY-MM-DD).
        #[arg(long)]
        on: Option<String>,
        /// Steps already done (comma-separated names).
        #[arg(long, value_delimiter = ',')]
        done: Vec<String>,
        /// Batch (批次) whose dates apply (default: the one the rule file names).
        #[arg(long)]
        batch: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// 个人清单 / a member's checklist from a profile JSON
    Checklist {
        #[arg(long)]
        rules: PathBuf,
        /// JSON: {"role": "党员", "unit": "社区", "conditions": [], "progress": {"学习学时": 40}}
        #[arg(long)]
        profile: PathBuf,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        json: bool,
        /// Language of the reasons: zh (default) or en. Rule content stays in the rules' words.
        #[arg(long, value_enum, default_value_t)]
        lang: office::Lang,
    },
    /// 材料自查 / check a draft against the material rules
    Material {
        #[arg(long)]
        rules: PathBuf,
        /// 党性分析材料, 心得体会, 整改方案 ...
        #[arg(long)]
        kind: String,
        #[arg(long)]
        role: String,
        /// UTF-8 text file ("-" for standard input).
        text: PathBuf,
        #[arg(long)]
        json: bool,
        /// Language of the findings: zh (default) or en. Rule content stays in the rules' words.
        #[arg(long, value_enum, default_value_t)]
        lang: office::Lang,
    },
    /// 测评计分 / score filled appraisal forms (CSV or XLSX)
    Score {
        #[arg(long)]
        rules: PathBuf,
        /// Form name (default: the first form in the rules).
        #[arg(long)]
        form: Option<String>,
        /// member,rater_group,<items...> per row: CSV files (UTF-8, UTF-16, GBK/GB18030)
        /// or workbooks (every sheet whose header fits). All feed one report.
        #[arg(required = true, num_args = 1..)]
        sheets: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
        /// One CSV line per member: member,composite,<group means>,outcome.
        #[arg(long, conflicts_with = "json")]
        csv: bool,
        /// Write the results to a file: .xlsx (results, rejected rows, rules used)
        /// or .csv (UTF-8 with BOM, for Excel).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Column headers of --output: zh (default) or en.
        #[arg(long, value_enum, default_value_t)]
        lang: office::Lang,
        /// The branch committee's decisions (CSV/XLSX: 姓名,结论,处理,备注).
        #[arg(long)]
        decisions: Option<PathBuf>,
        /// Per-member satisfaction votes (member,tier rows or member,<tier>... counts).
        #[arg(long)]
        satisfaction: Option<PathBuf>,
        /// The vote the --satisfaction file answers (default: the first vote in the rules).
        #[arg(long)]
        satisfaction_vote: Option<String>,
        /// Members' checklist progress (JSON list or CSV/XLSX): the outcome function sees r.checklist.
        #[arg(long)]
        profiles: Option<PathBuf>,
        /// Day for the checklists of --profiles (YYYY-MM-DD).
        #[arg(long)]
        on: Option<String>,
        /// Benchmark only: score by calling a Rhai function per sheet.
        #[arg(long, hide = true)]
        naive_rhai: bool,
    },
    /// 测试统计 / knowledge-test figures: 参考率, 答卷回收率, 平均成绩
    Exam {
        #[arg(long)]
        rules: PathBuf,
        /// Test name (default: the first test in the rules).
        #[arg(long)]
        exam: Option<String>,
        /// 单位,应考,参考,回收,平均分 per unit, or 单位,姓名,参考,回收,成绩 per member (CSV or XLSX).
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// 评议报告 / one printable HTML file: summary, charts, 评议意见表 per member, 回头看, 转段
    Report {
        #[arg(long)]
        rules: PathBuf,
        /// Form name (default: the first form in the rules).
        #[arg(long)]
        form: Option<String>,
        /// The filled appraisal forms (as for `score`).
        #[arg(required = true, num_args = 1..)]
        sheets: Vec<PathBuf>,
        /// 回头看 votes per unit (附件6: with respondent groups, or plain tiers).
        #[arg(long)]
        votes: Option<PathBuf>,
        /// The vote of --votes (default: the first vote with respondent groups, else the first vote).
        #[arg(long)]
        vote: Option<String>,
        /// 附件5 回头看 sheets scoring units (the form with subject "unit").
        #[arg(long)]
        lookback: Option<PathBuf>,
        /// The unit form of --lookback (default: the first form with subject "unit").
        #[arg(long)]
        lookback_form: Option<String>,
        /// Members' checklist progress (JSON list or CSV): member, role, unit, conditions, progress.
        #[arg(long)]
        profiles: Option<PathBuf>,
        /// Day for the checklists of --profiles (YYYY-MM-DD).
        #[arg(long)]
        on: Option<String>,
        /// The branch committee's decisions (as for `score`).
        #[arg(long)]
        decisions: Option<PathBuf>,
        /// Per-member satisfaction votes (as for `score`).
        #[arg(long)]
        satisfaction: Option<PathBuf>,
        #[arg(long)]
        satisfaction_vote: Option<String>,
        /// Headings: zh (default) or en.
        #[arg(long, value_enum, default_value_t)]
        lang: office::Lang,
        /// The HTML file to write.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// 满意度测评 / satisfaction rates from votes (CSV or XLSX)
    Satisfaction {
        #[arg(long)]
        rules: PathBuf,
        /// Vote name (default: the first vote in the rules).
        #[arg(long)]
        vote: Option<String>,
        /// unit,tier per respondent, or unit,<tier>,<tier>... counts.
        votes: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// 规则函数参考(Markdown)/ print the rule function reference as Markdown
    Reference,
    /// 继承后的有效规则及与上级的差异 / effective rules and what differs from the parent
    Explain {
        #[arg(long)]
        rules: PathBuf,
        /// Also list items inherited unchanged.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// 新建继承上级的规则文件 / scaffold a commented child rule file
    New {
        /// Parent file name, with or without .rhai (looked up in --dir).
        #[arg(long)]
        parent: String,
        /// Name of the new locality (the file is NAME.rhai).
        #[arg(long)]
        name: String,
        /// Directory of the rule files.
        #[arg(long, default_value = "rules")]
        dir: PathBuf,
    },
    /// 打包:规则文件及其上级合为一个文件 / one deployable file with the whole inheritance chain
    Bundle {
        /// The entry rule file.
        rules: PathBuf,
        /// Output file (e.g. guanba.bundle.rhai).
        #[arg(short, long)]
        output: PathBuf,
    },
    /// 编译:规则链编译为数据文件,成员组件不需脚本解释器即可读取 / the chain as data: the member widget reads it without the script interpreter
    Compile {
        /// The entry rule file.
        rules: PathBuf,
        /// Output file (e.g. guanba.rules.json).
        #[arg(short, long)]
        output: PathBuf,
    },
    /// 运行规则文件内的测试 / run the tests written inside rule files
    Test {
        /// Rule files or directories.
        rules: Vec<PathBuf>,
        /// Mutation testing: change each number, date, boolean and name of the
        /// declarations one at a time and list the changes no test catches.
        #[arg(long)]
        mutate: bool,
        #[arg(long)]
        json: bool,
    },
    /// Fuzzing as a standing test: mutated sheets, workbooks, rule files and drafts (exit 1 on any property failure).
    #[command(hide = true)]
    Fuzz {
        /// How long to run, in seconds.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// PRNG seed (the same seed gives the same cases).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// csv, xlsx, rules, drafts or all.
        #[arg(long, default_value = "all")]
        target: String,
        /// Where inputs that broke a property are saved.
        #[arg(long, default_value = "tests/out")]
        out: PathBuf,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
    },
}

/// Reads rule files from disk; parents resolve against the child's directory.
struct FsSource {
    dir: PathBuf,
}

fn read_rule_file(path: &Path) -> Result<String, SourceError> {
    match std::fs::read(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(SourceError::NotFound),
        Err(e) => Err(SourceError::Unreadable(e.to_string())),
        Ok(bytes) => String::from_utf8(bytes).map_err(|e| {
            SourceError::Unreadable(format!("第 {} 字节起不是 UTF-8 文本 / not UTF-8 text from byte {}", e.utf8_error().valid_up_to(), e.utf8_error().valid_up_to()))
        }),
    }
}

impl RuleSource for FsSource {
    /// Parents resolve only inside the directory of the entry file (and its
    /// subdirectories): an absolute path, `..`, or a link that leads out is refused
    /// without reading anything.
    fn load(&self, name: &str) -> Result<String, SourceError> {
        let p = Path::new(name);
        let shown = if self.dir.as_os_str().is_empty() { Path::new(".") } else { self.dir.as_path() };
        let outside = || SourceError::Unreadable(format!(
            "上级文件只能放在规则目录 {} 之内,不能用绝对路径或 .. / a parent must lie inside the rules directory", shown.display()));
        if p.is_absolute() || p.components().any(|c| !matches!(c, std::path::Component::Normal(_))) {
            return Err(outside());
        }
        let cand = self.dir.join(p);
        if let (Ok(root), Ok(real)) = (std::fs::canonicalize(if self.dir.as_os_str().is_empty() { Path::new(".") } else { &self.dir }), std::fs::canonicalize(&cand)) {
            if !real.starts_with(&root) { return Err(outside()); }
        }
        read_rule_file(&cand)
    }
}

/// Runs `f` with the entry's name and a source that reads it by its path
/// and its parents from its directory.
fn with_source<T>(path: &Path, f: impl FnOnce(&str, &dyn RuleSource) -> T) -> T {
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let src = FsSource { dir };
    // Name the entry by its path as given, parents by the name they are extended by.
    let name = path.to_string_lossy().to_string();
    struct Entry<'a> { name: &'a str, src: &'a FsSource }
    impl RuleSource for Entry<'_> {
        fn load(&self, n: &str) -> Result<String, SourceError> {
            if n == self.name { read_rule_file(Path::new(self.name)) } else { self.src.load(n) }
        }
    }
    f(&name, &Entry { name: &name, src: &src })
}

fn load_rules(path: &Path) -> RuleSet {
    with_source(path, |name, src| RuleSet::load(name, src))
}

/// Loads rules for evaluation: prints diagnostics and fails on errors.
fn usable_rules(path: &Path) -> Result<RuleSet, ExitCode> {
    let rs = load_rules(path);
    for d in rs.diagnostics() {
        eprintln!("{d}");
    }
    if rs.has_errors() { Err(ExitCode::from(1)) } else { Ok(rs) }
}

fn rule_files(args: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = vec![];
    for a in args {
        if a.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(a).into_iter().flatten().flatten().map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "rhai")).collect();
            v.sort();
            out.extend(v);
        } else {
            out.push(a.clone());
        }
    }
    out
}

fn print_json<T: Serialize>(v: &T) {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let _ = serde_json::to_writer_pretty(&mut out, v);
    let _ = writeln!(out);
}

fn day(s: &Option<String>) -> Result<Option<xianjiao_core::NaiveDate>, ExitCode> {
    match s.as_deref().map(xianjiao_core::parse_day).transpose() {
        Ok(d) => Ok(d),
        Err(e) => { eprintln!("{e}"); Err(ExitCode::from(2)) }
    }
}

fn run(cli: Cli) -> Result<ExitCode, ExitCode> {
    match cli.cmd {
        Cmd::Check { rules, strict, json } => {
            let files = rule_files(&rules);
            if files.is_empty() { eprintln!("没有找到规则文件 / no rule files given"); return Err(ExitCode::from(2)); }
            let mut all = vec![];
            // A parent checked with each child is reported once (a set, not a scan: a file may have 100,000 diagnostics).
            let mut seen = std::collections::HashSet::new();
            for f in &files {
                let rs = load_rules(f);
                let gaps = if strict { rs.origin_gaps() } else { &[] };
                for d in rs.diagnostics().iter().chain(gaps) {
                    if seen.insert(d.to_string()) { all.push(d.clone()); }
                }
            }
            let errors = all.iter().filter(|d| d.severity == Severity::Error).count();
            if json {
                print_json(&serde_json::json!({ "files": files, "diagnostics": all, "errors": errors }));
            } else {
                for d in &all { println!("{d}"); }
                println!("{} 个文件,{} 个错误,{} 个警告 / {} files, {} errors, {} warnings",
                    files.len(), errors, all.len() - errors, files.len(), errors, all.len() - errors);
            }
            Ok(ExitCode::from(if errors > 0 { 1 } else { 0 }))
        }
        Cmd::Schedule { rules, unit, on, done, batch, json } => {
            let rs = usable_rules(&rules)?;
            let on = day(&on)?;
            let s = rs.schedule_in(&unit, batch.as_deref(), on, &done).map_err(|e| { eprintln!("{e}"); ExitCode::from(2) })?;
            if json { print_json(&s) } else { table::schedule(&s) }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Checklist { rules, profile, on, json, lang } => {
            let rs = usable_rules(&rules)?;
            let on = day(&on)?;
            let text = std::fs::read_to_string(&profile).map_err(|e| { eprintln!("{}: {e}", profile.display()); ExitCode::from(2) })?;
            let p: Profile = serde_json::from_str(&text).map_err(|e| { eprintln!("{}:{}:{}: error[profile.json]: {e}", profile.display(), e.line(), e.column()); ExitCode::from(2) })?;
            let c = rs.checklist(&p, on).map_err(|e| { eprintln!("{e}"); ExitCode::from(2) })?;
            if json { print_json(&c) } else { table::checklist(&c, lang.core()) }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Material { rules, kind, role, text, json, lang } => {
            let rs = usable_rules(&rules)?;
            let t = if text.as_os_str() == "-" {
                let mut s = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).map_err(|e| { eprintln!("stdin: {e}"); ExitCode::from(2) })?;
                s
            } else {
                let bytes = std::fs::read(&text).map_err(|e| { eprintln!("{}: {e}", text.display()); ExitCode::from(2) })?;
                String::from_utf8(bytes).map_err(|e| { eprintln!("{}: 不是 UTF-8 文本,第 {} 字节处出错 / not UTF-8 at byte {}", text.display(), e.utf8_error().valid_up_to(), e.utf8_error().valid_up_to()); ExitCode::from(2) })?
            };
            let r = rs.check_material(&kind, &role, &t).map_err(|e| { eprintln!("{e}"); ExitCode::from(2) })?;
            if json { print_json(&r) } else { table::material(&r, lang.core()) }
            Ok(ExitCode::from(if r.pass { 0 } else { 1 }))
        }
        Cmd::Score { rules, form, sheets, json, csv, output, lang, decisions, satisfaction, satisfaction_vote, profiles, on, naive_rhai } => {
            let t0 = std::time::Instant::now();
            let rs = usable_rules(&rules)?;
            bench::timing("rules", t0.elapsed());
            if naive_rhai {
                let [one] = sheets.as_slice() else { eprintln!("--naive-rhai: one file / 仅一个文件"); return Err(ExitCode::from(2)) };
                return bench::naive_score(&rs, form.as_deref(), one);
            }
            let on = day(&on)?;
            // The table and the CSV show composites, group means and outcomes only.
            let lean = !json && output.is_none();
            let extras = office::Extras { decisions, satisfaction, satisfaction_vote, profiles, on, lean };
            let scored = office::score(&rs, form.as_deref(), &sheets, &extras)?;
            bench::timing("read+score", t0.elapsed());
            let report = &scored.report;
            if let Some(out) = &output {
                office::write_results(&rs, &scored, out, lang).map_err(|e| { eprintln!("{}: {e}", out.display()); ExitCode::from(2) })?;
                eprintln!("已写入 / written {}:{} 人,读入 {} 行,计分 {} 行,剔除 {} 行", out.display(), report.members.len(), report.rows.read, report.rows.scored, report.rows.rejected);
            }
            if json {
                let mut v = input::with_sources(report, &scored.origin, &scored.inputs);
                let other: Vec<&office::Problem> = scored.problems.iter().skip(report.rejected.len()).collect();
                if let (false, Some(m)) = (other.is_empty(), v.as_object_mut()) {
                    m.insert("other_rejected".into(), serde_json::to_value(&other).unwrap_or_default());
                }
                if let (false, Some(m)) = (scored.unmatched_satisfaction.is_empty(), v.as_object_mut()) {
                    m.insert("unmatched_satisfaction".into(), serde_json::to_value(&scored.unmatched_satisfaction).unwrap_or_default());
                }
                print_json(&v)
            } else if csv {
                let t = std::time::Instant::now();
                table::score_csv(report, &scored.origin);
                bench::timing("csv", t.elapsed());
            } else if output.is_none() { table::score(report, &scored.origin) }
            Ok(ExitCode::from(if scored.problems.is_empty() && report.unmatched_decisions.is_empty() && scored.unmatched_satisfaction.is_empty() { 0 } else { 1 }))
        }
        Cmd::Exam { rules, exam, file, json } => {
            let rs = usable_rules(&rules)?;
            let (report, origin) = office::exam(&rs, exam.as_deref(), &file)?;
            if json { print_json(&report) } else { table::exam(&report, &origin) }
            Ok(ExitCode::from(if report.rejected.is_empty() { 0 } else { 1 }))
        }
        Cmd::Report { rules, form, sheets, votes, vote, lookback, lookback_form, profiles, on, decisions, satisfaction, satisfaction_vote, lang, output } => {
            let rs = usable_rules(&rules)?;
            let on = day(&on)?;
            let extras = office::Extras { decisions, satisfaction, satisfaction_vote, profiles, on, lean: false };
            let opts = report::Options { form, votes, vote, lookback, lookback_form, lang };
            let (html, clean) = report::build(&rs, &sheets, &extras, &opts)?;
            std::fs::write(&output, html).map_err(|e| { eprintln!("{}: {e}", output.display()); ExitCode::from(2) })?;
            eprintln!("已写入 / written {}", output.display());
            Ok(ExitCode::from(if clean { 0 } else { 1 }))
        }
        Cmd::Satisfaction { rules, vote, votes, json } => {
            let rs = usable_rules(&rules)?;
            let mut vc = rs.vote_counter(vote.as_deref()).map_err(|e| { eprintln!("{e}"); ExitCode::from(2) })?;
            let inputs = input::read_votes(&votes, &mut vc)?;
            let mut report = vc.finish();
            let origin: Vec<Option<String>> = report.rejected.iter_mut().map(|r| inputs.relocate(r)).collect();
            if json { print_json(&input::with_sources(&report, &origin, &inputs)) } else { table::votes(&report, &origin) }
            Ok(ExitCode::from(if report.rejected.is_empty() { 0 } else { 1 }))
        }
        Cmd::Explain { rules, all, json } => {
            let rs = usable_rules(&rules)?;
            let ex = rs.explain();
            if json { print_json(&ex) } else { table::explain(&ex, all) }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::New { parent, name, dir } => {
            let parent = if parent.ends_with(".rhai") { parent } else { format!("{parent}.rhai") };
            let ppath = dir.join(&parent);
            if !ppath.exists() { eprintln!("{}: 找不到上级规则文件 / parent not found", ppath.display()); return Err(ExitCode::from(2)); }
            let prs = usable_rules(&ppath)?;
            let out = dir.join(format!("{name}.rhai"));
            if out.exists() { eprintln!("{}: 文件已存在,未覆盖 / exists, not overwritten", out.display()); return Err(ExitCode::from(2)); }
            let text = xianjiao_core::scaffold(&parent, &name, Some(prs.rules()));
            std::fs::write(&out, text).map_err(|e| { eprintln!("{}: {e}", out.display()); ExitCode::from(2) })?;
            println!("已生成 / created {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Compile { rules, output } => {
            let rs = load_rules(&rules);
            match rs.compile() {
                Ok(text) => {
                    std::fs::write(&output, text).map_err(|e| { eprintln!("{}: {e}", output.display()); ExitCode::from(2) })?;
                    println!("已编译 / compiled {} → {}{}", rules.display(), output.display(), if rs.has_functions() {
                        "(含自定义函数:成员组件将载入完整引擎 / defines custom functions: the widget loads the full engine)"
                    } else { "" });
                    Ok(ExitCode::SUCCESS)
                }
                Err(d) => {
                    for d in rs.diagnostics().iter().filter(|x| x.severity == xianjiao_core::Severity::Error) { eprintln!("{d}"); }
                    if !rs.has_errors() { eprintln!("{d}"); }
                    eprintln!("规则有错误,未编译 / the rules have errors; nothing written");
                    Ok(ExitCode::from(1))
                }
            }
        }
        Cmd::Bundle { rules, output } => {
            match with_source(&rules, |name, src| xianjiao_core::bundle(name, src)) {
                Ok(text) => {
                    std::fs::write(&output, text).map_err(|e| { eprintln!("{}: {e}", output.display()); ExitCode::from(2) })?;
                    println!("已打包 / bundled {} → {}", rules.display(), output.display());
                    Ok(ExitCode::SUCCESS)
                }
                Err(diags) => {
                    for d in &diags { eprintln!("{d}"); }
                    eprintln!("规则有错误,未打包 / the rules have errors; nothing written");
                    Ok(ExitCode::from(1))
                }
            }
        }
        Cmd::Reference => {
            print!("{}", xianjiao_core::reference_markdown());
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Fuzz { seconds, seed, target, out, threads } => fuzz::run(seconds, seed, &target, &out, threads),
        Cmd::Test { rules, mutate: true, json } => {
            let files = rule_files(&rules);
            if files.is_empty() { eprintln!("没有找到规则文件 / no rule files given"); return Err(ExitCode::from(2)); }
            let dir = files[0].parent().map(Path::to_path_buf).unwrap_or_default();
            let names: Vec<String> = files.iter().map(|f| f.to_string_lossy().to_string()).collect();
            struct Any<'a> { src: FsSource, names: &'a [String] }
            impl RuleSource for Any<'_> {
                fn load(&self, n: &str) -> Result<String, SourceError> {
                    if self.names.iter().any(|x| x == n) { read_rule_file(Path::new(n)) } else { self.src.load(n) }
                }
            }
            let report = xianjiao_core::mutation_test(&names, &Any { src: FsSource { dir }, names: &names });
            if json {
                print_json(&report);
            } else {
                for s in &report.survivors {
                    println!("{}:{}:{}: survived: {} → {}", s.file, s.mutant.line, s.mutant.col, s.mutant.original, s.mutant.replacement);
                }
                println!("变异 {} 个,被测试发现 {} 个,存活 {} 个 / {} mutants, {} killed, {} survived",
                    report.mutants, report.killed, report.survivors.len(), report.mutants, report.killed, report.survivors.len());
            }
            Ok(ExitCode::from(if report.survivors.is_empty() { 0 } else { 1 }))
        }
        Cmd::Test { rules, mutate: false, json } => {
            let files = rule_files(&rules);
            let mut results = vec![];
            let mut broken = false;
            for f in &files {
                let rs = load_rules(f);
                if rs.has_errors() {
                    for d in rs.diagnostics() { eprintln!("{d}"); }
                    broken = true;
                    continue;
                }
                results.extend(rs.run_tests(true));
            }
            let failed = results.iter().filter(|r| !r.pass).count();
            if json {
                print_json(&serde_json::json!({ "results": results, "passed": results.len() - failed, "failed": failed }));
            } else {
                for r in &results {
                    if r.pass { println!("ok    {}:{}  {}", r.location.file, r.location.line, r.name); }
                    else {
                        println!("FAIL  {}:{}:{}  {}", r.location.file, r.location.line, r.location.col, r.name);
                        for f in &r.failures { println!("        {f}"); }
                    }
                }
                println!("rule tests: {} passed, {} failed", results.len() - failed, failed);
            }
            Ok(ExitCode::from(if failed > 0 || broken { 1 } else { 0 }))
        }
    }
}

fn main() -> ExitCode {
    // Exit quietly when the reader of our output goes away (`xianjiao ... | head`),
    // as Unix tools do, instead of panicking on a broken pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default SIGPIPE disposition before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    match run(Cli::parse()) {
        Ok(c) | Err(c) => c,
    }
}

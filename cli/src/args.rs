//! The command line: one struct per subcommand, shared flags declared once.

use crate::error::CliError;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// `xianjiao`.
#[derive(Debug, Parser)]
#[command(name = "xianjiao", version, about = "先进性教育活动规则引擎 / rules engine for Party-member education campaigns")]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub cmd: Cmd,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// 校验规则文件 / validate rule files (exit 1 on any error)
    Check(CheckArgs),
    /// 日程 / phases and steps with dates for a unit type
    Schedule(ScheduleArgs),
    /// 个人清单 / a member's checklist from a profile JSON
    Checklist(ChecklistArgs),
    /// 材料自查 / check a draft against the material rules
    Material(MaterialArgs),
    /// 测评计分 / score filled appraisal forms (CSV or XLSX)
    Score(ScoreArgs),
    /// 测试统计 / knowledge-test figures: 参考率, 答卷回收率, 平均成绩
    Exam(ExamArgs),
    /// 单位汇总(先教办、督导组):每个单位一行,逐级汇总 / the unit table of an office or a 督导组, rolled up level by level
    Units(UnitsArgs),
    /// 评议报告 / one printable HTML file: summary, charts, 评议意见表 per member, 回头看, 转段
    Report(ReportArgs),
    /// 满意度测评 / satisfaction rates from votes (CSV or XLSX)
    Satisfaction(SatisfactionArgs),
    /// 空白测评表 / blank forms to print (附件3/4/5/6, .html) or the entry workbook (.xlsx)
    Forms(FormsArgs),
    /// 规则函数参考(Markdown)/ print the rule function reference as Markdown
    Reference,
    /// 继承后的有效规则及与上级的差异 / effective rules and what differs from the parent
    Explain(ExplainArgs),
    /// 新建继承上级的规则文件 / scaffold a commented child rule file
    New(NewArgs),
    /// 打包:规则文件及其上级合为一个文件 / one deployable file with the whole inheritance chain
    Bundle(OutputArgs),
    /// 编译:规则链编译为数据文件,成员组件不需脚本解释器即可读取 / the chain as data: the member widget reads it without the script interpreter
    Compile(OutputArgs),
    /// 运行规则文件内的测试 / run the tests written inside rule files
    Test(TestArgs),
}

/// `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Rule files or directories of *.rhai files.
    pub rules: Vec<PathBuf>,
    /// Also warn about declarations that say neither source: nor local:.
    #[arg(long)]
    pub strict: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `schedule`.
#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// The entry rule file.
    #[arg(long)]
    pub rules: PathBuf,
    /// Unit type (机关, 社区 ...).
    #[arg(long)]
    pub unit: String,
    /// Day to place in the schedule (YYYY-MM-DD).
    #[arg(long)]
    pub on: Option<String>,
    /// Steps already done (comma-separated names).
    #[arg(long, value_delimiter = ',')]
    pub done: Vec<String>,
    /// Batch (批次) whose dates apply (default: the one the rule file names).
    #[arg(long)]
    pub batch: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `checklist`.
#[derive(Debug, Args)]
pub struct ChecklistArgs {
    /// The entry rule file.
    #[arg(long)]
    pub rules: PathBuf,
    /// JSON: {"role": "党员", "unit": "社区", "conditions": [], "progress": {"学习学时": 40}}
    #[arg(long)]
    pub profile: PathBuf,
    /// Day of the checklist (YYYY-MM-DD).
    #[arg(long)]
    pub on: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Language of the reasons: zh (default) or en. Rule content stays in the rules' words.
    #[arg(long, value_enum, default_value_t)]
    pub lang: Lang,
}

/// `material`.
#[derive(Debug, Args)]
pub struct MaterialArgs {
    /// The entry rule file.
    #[arg(long)]
    pub rules: PathBuf,
    /// 党性分析材料, 心得体会, 整改方案 ...
    #[arg(long)]
    pub kind: String,
    /// The writer's role.
    #[arg(long)]
    pub role: String,
    /// UTF-8 text file ("-" for standard input).
    pub text: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Language of the findings: zh (default) or en. Rule content stays in the rules' words.
    #[arg(long, value_enum, default_value_t)]
    pub lang: Lang,
}

/// What `score` and `report` read: the rules, the filled forms, and the
/// committee's decisions, satisfaction votes and checklist progress.
#[derive(Debug, Args, Default, Clone)]
pub struct Scoring {
    /// The entry rule file.
    #[arg(long)]
    pub rules: PathBuf,
    /// Form name (default: the first form in the rules).
    #[arg(long)]
    pub form: Option<String>,
    /// member,rater_group,<items...> per row: CSV files (UTF-8, UTF-16, GBK/GB18030)
    /// or workbooks (every sheet whose header fits). All feed one report. None for a `report`
    /// of rules that declare no form (the roll-up and 转段申请 from --profiles and --votes).
    #[arg(num_args = 0..)]
    pub sheets: Vec<PathBuf>,
    /// The branch committee's decisions (CSV/XLSX: 姓名,结论,处理,备注).
    #[arg(long)]
    pub decisions: Option<PathBuf>,
    /// Per-member satisfaction votes (member,tier rows or member,<tier>... counts).
    #[arg(long)]
    pub satisfaction: Option<PathBuf>,
    /// The vote the --satisfaction file answers (default: the first vote in the rules).
    #[arg(long)]
    pub satisfaction_vote: Option<String>,
    /// Members' checklist progress (JSON list or CSV/XLSX: member, role, unit, conditions, progress):
    /// the outcome function sees r.checklist.
    #[arg(long)]
    pub profiles: Option<PathBuf>,
    /// Day for the checklists of --profiles (YYYY-MM-DD).
    #[arg(long)]
    pub on: Option<String>,
    /// Column headers of --output (score) or headings (report): zh (default) or en.
    #[arg(long, value_enum, default_value_t)]
    pub lang: Lang,
}

/// `score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// The inputs.
    #[command(flatten)]
    pub scoring: Scoring,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// One CSV line per member: member,composite,<group means>,outcome.
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
    /// Write the results to a file: .xlsx (results, rejected rows, rules used)
    /// or .csv (UTF-8 with BOM, for Excel).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// `exam`.
#[derive(Debug, Args)]
pub struct ExamArgs {
    /// The entry rule file.
    #[arg(long)]
    pub rules: PathBuf,
    /// Test name (default: the first test in the rules).
    #[arg(long)]
    pub exam: Option<String>,
    /// 单位,应考,参考,回收,平均分 per unit, or 单位,姓名,参考,回收,成绩 per member (CSV or XLSX).
    pub file: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `units`.
#[derive(Debug, Args)]
pub struct UnitsArgs {
    /// The entry rule file.
    #[arg(long)]
    pub rules: PathBuf,
    /// Files or folders: unit records (.json), 花名册 with progress (--profiles format, .csv/.xlsx), lower levels' tables (.json).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// This level's name (镇, 区, 市 …) for the total row.
    #[arg(long, default_value = "合计")]
    pub level: String,
    /// Query day (YYYY-MM-DD): the phase, due dates, overdue items.
    #[arg(long)]
    pub on: Option<String>,
    /// 督导组名单: CSV `督导组,单位` (one unit a line), where the rules do not list the units.
    #[arg(long)]
    pub oversight: Option<PathBuf>,
    /// Write the table: .json (readable one level up), .xlsx or .html.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Only units with an overdue item.
    #[arg(long)]
    pub overdue: bool,
    /// Only units sent to 补课.
    #[arg(long)]
    pub buke: bool,
    /// Only units that have not applied for 转段.
    #[arg(long)]
    pub not_applied: bool,
    /// Write the 督导组's record book: .xlsx (督导记录 and 转段审查, read back as an input next time) or .html (printable,
    /// per 督导组 and unit).
    #[arg(long)]
    pub record: Option<PathBuf>,
    /// With --record: only this 督导组's units.
    #[arg(long)]
    pub group: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `report`.
#[derive(Debug, Args, Default, Clone)]
pub struct ReportArgs {
    /// The inputs (as for `score`).
    #[command(flatten)]
    pub scoring: Scoring,
    /// 回头看 votes per unit (附件6: with respondent groups, or plain tiers).
    #[arg(long)]
    pub votes: Option<PathBuf>,
    /// The vote of --votes (default: the first vote with respondent groups, else the first vote).
    #[arg(long)]
    pub vote: Option<String>,
    /// 附件5 回头看 sheets scoring units (the form with subject "unit").
    #[arg(long)]
    pub lookback: Option<PathBuf>,
    /// The unit form of --lookback (default: the first form with subject "unit").
    #[arg(long)]
    pub lookback_form: Option<String>,
    /// 花名册 (CSV or XLSX: 姓名 and, optionally, 职务): the 评议意见表 print in its order with its 职务.
    #[arg(long)]
    pub roster: Option<PathBuf>,
    /// The phase the titles name (default: the phase of the rules' first gate).
    #[arg(long)]
    pub phase: Option<String>,
    /// Whom the draft 转段申请 is addressed to, comma-separated (default: the approving office and its 督导组 of the
    /// rules' `application` for the phase, else 先教办,督导组); a name with 督导 reviews, the others approve.
    #[arg(long, value_delimiter = ',')]
    pub to: Vec<String>,
    /// The HTML file to write.
    #[arg(short, long)]
    pub output: PathBuf,
}

/// `forms`.
#[derive(Debug, Args)]
pub struct FormsArgs {
    /// The entry rule file.
    #[arg(long)]
    pub rules: PathBuf,
    /// 花名册 (CSV or XLSX: 姓名 and, optionally, 职务), in the order the forms list the members.
    #[arg(long)]
    pub roster: Option<PathBuf>,
    /// Copies of each 附件3 (one per rater).
    #[arg(long, default_value_t = 1)]
    pub copies: usize,
    /// The phase the titles name (default: the phase of the rules' first gate).
    #[arg(long)]
    pub phase: Option<String>,
    /// Output: .html (the printable forms) or .xlsx (the entry workbook).
    #[arg(short, long)]
    pub output: PathBuf,
}

/// `satisfaction`.
#[derive(Debug, Args)]
pub struct SatisfactionArgs {
    /// The entry rule file.
    #[arg(long)]
    pub rules: PathBuf,
    /// Vote name (default: the first vote in the rules).
    #[arg(long)]
    pub vote: Option<String>,
    /// unit,tier per respondent, or unit,<tier>,<tier>... counts.
    pub votes: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The entry rule file.
    #[arg(long)]
    pub rules: PathBuf,
    /// Also list items inherited unchanged.
    #[arg(long)]
    pub all: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// Parent file name, with or without .rhai (looked up in --dir).
    #[arg(long)]
    pub parent: String,
    /// Name of the new locality (the file is NAME.rhai).
    #[arg(long)]
    pub name: String,
    /// Directory of the rule files.
    #[arg(long, default_value = "rules")]
    pub dir: PathBuf,
}

/// `bundle` and `compile`: an entry file and the file to write.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// The entry rule file.
    pub rules: PathBuf,
    /// Output file (e.g. guanba.bundle.rhai, guanba.rules.json).
    #[arg(short, long)]
    pub output: PathBuf,
}

/// `test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Rule files or directories.
    pub rules: Vec<PathBuf>,
    /// Mutation testing: change each number, date, boolean and name of the
    /// declarations one at a time and list the changes no test catches.
    #[arg(long)]
    pub mutate: bool,
    /// With --mutate: also list every mutant made (file:line:col original → replacement), killed or not.
    #[arg(long, requires = "mutate")]
    pub list: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Headings in Chinese (default) or English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Lang {
    /// 中文
    #[default]
    Zh,
    /// English
    En,
}

impl Lang {
    /// Chinese or English text.
    pub fn t<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        if self == Lang::Zh {
            zh
        } else {
            en
        }
    }
    /// The engine's message catalogue language.
    pub fn core(self) -> xianjiao_core::Lang {
        if self == Lang::Zh {
            xianjiao_core::Lang::Zh
        } else {
            xianjiao_core::Lang::En
        }
    }
}

/// A `--on` day (YYYY-MM-DD).
pub fn day(s: Option<&str>) -> Result<Option<xianjiao_core::NaiveDate>, CliError> {
    s.map(xianjiao_core::parse_day).transpose().map_err(CliError::usage)
}

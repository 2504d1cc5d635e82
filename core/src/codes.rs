//! The one table of diagnostic and error codes: each code's stage, severity
//! and fixing hint (zh for clerks, en for the English interface).
//!
//! `Diags` takes its hint from here, the playground classifies diagnostics by
//! their `stage` (a stage that stops the file keeps the last good rules on
//! screen), and the tests at the end fail when a code is emitted in
//! `core/src` without a row here, when a row is never emitted, or when a
//! diagnostic is raised with another severity than its row says.
//!
//! To add a code: a row here (stage, severity, both hints), the call that
//! emits it, and a case in `tests/diagnostics.rs` or the golden corpus.

use serde::Serialize;

/// How bad a diagnostic is. Errors make the rule set unusable; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The rule set cannot be evaluated.
    Error,
    /// Suspicious but usable.
    Warning,
}

/// Where in the pipeline a problem is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// The text is not Rhai (brackets, quotes, full-width punctuation).
    Syntax,
    /// A file or its parents cannot be read, or the engine cannot read this kind of file.
    File,
    /// The script ran past a sandbox limit.
    Limit,
    /// The script failed while running (unknown function, variable, type).
    Script,
    /// Declarations merged across the chain: duplicates, unknown targets, locks.
    Merge,
    /// The merged declarations as typed rules: fields, dates, names, sums.
    Model,
    /// A custom function of the rule file (checked by a dry run).
    Function,
    /// Provenance (`check --strict`).
    Origin,
    /// Evaluating the rules against an input (a profile, a form name, a value).
    Eval,
}

impl Stage {
    /// Whether a problem at this stage stops the file: nothing after it was
    /// read, so a front end keeps showing the last rules that loaded.
    pub fn stops(self) -> bool {
        matches!(self, Stage::Syntax | Stage::File | Stage::Limit | Stage::Script)
    }
}

/// One code.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Code {
    /// The stable code, e.g. `weights.sum`.
    pub code: &'static str,
    /// Where it is found.
    pub stage: Stage,
    /// Error or warning.
    pub severity: Severity,
    /// How to fix it, for a campaign-office clerk.
    pub zh: &'static str,
    /// The same in English.
    pub en: &'static str,
}

const fn c(code: &'static str, stage: Stage, severity: Severity, zh: &'static str, en: &'static str) -> Code {
    // The member widget's script-free build shows a webmaster the Chinese hint only; the English
    // hints (for the playground and the CLI) stay out of its first download.
    let en = if cfg!(feature = "script") { en } else { "" };
    // Nor the Chinese hints of stages the script-free engine never reaches on compiled rules
    // that loaded clean (only a file that cannot be read or needs the script engine): 2.3 KB gzip.
    let zh = if cfg!(feature = "script") || matches!(stage, Stage::File) { zh } else { "" };
    Code { code, stage, severity, zh, en }
}

use Severity::{Error as E, Warning as W};
use Stage::*;

/// Every code, grouped by stage.
pub const CODES: &[Code] = &[
    c("parse", Syntax, E, "检查括号、引号和逗号是否成对,每个声明末尾加分号 ;;中文标点(“ ” , ; : ( ))要改成英文标点", "Check that brackets, quotes and commas pair up and each declaration ends with ;; full-width punctuation must be ASCII"),
    c("file.not_found", File, E, "确认文件名和位置", "Check the file name and where it lies"),
    c("file.unreadable", File, E, "用 UTF-8 编码保存规则文件(记事本“另存为”时选 UTF-8);上级文件只能放在规则目录之内", "Save the rule file as UTF-8; a parent must lie inside the rules directory"),
    c("extends.not_found", File, E, "确认上级文件名正确,并与本文件放在一起", "Check the parent's file name; it must lie next to this file"),
    c("extends.cycle", File, E, "两个文件不能互相继承", "Two files cannot extend each other"),
    c("extends.twice", File, E, "一个文件只写一次 extends", "Write extends once per file"),
    c("extends.depth", File, E, "减少继承层级", "Use fewer levels of inheritance"),
    c("engine.needs_script", File, E, "这份规则需要完整引擎(含 Rhai):改用 xianjiao_full.js,或先用 xianjiao compile 编译规则", "These rules need the full engine (with Rhai): load xianjiao_full.js, or compile the rules with xianjiao compile"),
    c("compiled.invalid", File, E, "编译后的规则文件已损坏或版本不符:用当前版本的 xianjiao compile 重新编译", "The compiled rules are damaged or from another version: compile them again with this version"),
    c("limit.operations", Limit, E, "脚本运算太多,可能是死循环:检查 loop / while 的结束条件", "Too many operations, probably an endless loop: check when loop / while ends"),
    c("limit.total_operations", Limit, E, "自定义函数一次计算的运算总量太大:简化函数、减少循环,或分批计算", "The custom functions of one evaluation did too much work: simplify them or loop less"),
    c("limit.call_depth", Limit, E, "函数调用自己太多层,检查递归的结束条件", "A function calls itself too deeply: check when the recursion ends"),
    c("limit.expr_depth", Limit, E, "表达式嵌套太深,拆成几步写", "An expression is nested too deeply: write it in steps"),
    c("limit.size", Limit, E, "字符串、数组或映射太大,缩小数据", "A string, array or map is too large"),
    c("script.unknown_function", Script, E, "函数名可能写错了,或参数个数、类型不对;见规则函数参考", "The function name may be misspelt, or its arguments are wrong; see the rule reference"),
    c("script.unknown_variable", Script, E, "先用 let 定义变量再使用", "Define the variable with let before using it"),
    c("script.unknown_property", Script, E, "字段名可能写错了:成员情况有 role、unit、conditions、progress,测评结果有 member、composite、groups、sheets、complete;映射中可能没有的键先用 \"键\" in 映射 判断", "A field name may be misspelt (a profile has role, unit, conditions, progress; a result has member, composite, groups, sheets, complete); test a key that may be missing with \"key\" in map"),
    c("script.type_mismatch", Script, E, "比较或运算的两边类型不同(如文字和数字、true/false 和数字):数字不要加引号,必要时用 to_float、to_int、to_string 转换", "The two sides differ in type (text and number, true/false and number): write numbers without quotes, convert with to_float, to_int, to_string"),
    c("script.runtime", Script, E, "脚本运行出错:按错误信息修改所指的那一行", "The script failed while running: fix the line the message points at"),
    c("decl.unknown_kind", Merge, E, "种类写错了:amend / remove 的第一个参数写错误信息中列出的种类之一", "Unknown kind: the first argument of amend / remove is one of the kinds the message lists"),
    c("decl.unknown_target", Merge, E, "amend / remove 的对象须在上级文件中已声明;检查种类和名称", "What amend / remove names must be declared by a parent: check the kind and the name"),
    c("decl.duplicate", Merge, W, "删去重复的声明,只保留一个", "Remove the repeated declaration"),
    c("lock.remove", Merge, E, "上级的规定动作不能删除:删去这一行 remove,或请上级把它标为可选(自选动作)", "A parent's required item cannot be removed: delete this remove, or ask the parent to mark it optional"),
    c("role.escapes", Merge, E, "新角色要说明它属于哪种已有角色:写 like: \"党员\",它就承担该角色的全部要求;否则上级的规定动作会漏掉这类人员", "Say which existing role the new role is a kind of (like: \"党员\") so it inherits that role's duties; otherwise it escapes the parent's required items"),
    c("amend.replaced", Merge, W, "replace 会整体替换上级的这个字段:确认被丢掉的条目确实不再需要,否则去掉 replace 让 amend 逐项合并", "replace drops the parent's whole field: check the dropped entries are really not needed, or remove replace so amend merges entry by entry"),
    c("lock.weaken", Merge, E, "上级的规定动作只能加强,不能减弱:恢复上级的数值、时间或条目,可以更严但不能更松", "A parent's required item may be strengthened, never weakened: restore the parent's numbers, dates or entries (stricter is fine)"),
    c("text.hidden", Model, W, "删去看不见的控制字符(从网页或文档复制时常带进来):它们会改变党员看到的文字顺序或藏起文字", "Delete the invisible control character (often pasted from a web page): it reorders or hides what members read"),
    c("field.unknown", Model, E, "字段名可能写错了,对照提示中的可用字段修改", "The field name may be misspelt: use one of the fields the message lists"),
    c("field.type", Model, E, "按提示的类型填写,如数字不要加引号、名称要加引号", "Use the type the message asks for: numbers without quotes, names in quotes"),
    c("field.range", Model, E, "数值超出允许范围:按提示改成正数或合理的数", "The number is out of range: use a positive or sensible value as the message says"),
    c("date.invalid", Model, E, "日期写成 \"2005-08-16\" 这样的 年-月-日 格式,并确认该日存在", "Write dates as \"2005-08-16\" (year-month-day) and check the day exists"),
    c("date.inverted", Model, E, "把开始日期和结束日期对调,或更正其中一个", "Swap the start and end dates, or correct one of them"),
    c("phase.overlap", Model, E, "让本阶段从上一阶段结束的次日开始,或缩短上一阶段", "Start this phase the day after the previous one ends, or shorten the previous one"),
    c("phase.too_short", Model, E, "延长阶段,或修改 min_days", "Make the phase longer, or change min_days"),
    c("phase.no_start", Model, E, "给第一个阶段写上 start 日期", "Give the first phase a start date"),
    c("phase.end_and_days", Model, E, "end 和 days 只保留一个", "Keep either end or days, not both"),
    c("step.unknown_phase", Model, E, "环节所属阶段的名称要与 phase(...) 中的一字不差", "The step's phase must be named exactly as in phase(...)"),
    c("step.outside_phase", Model, W, "把环节时间移入阶段日期之内,或调整阶段日期", "Move the step's window inside the phase's dates, or change the phase's dates"),
    c("step.no_window", Model, W, "用 window: [开始, 结束] 或 windows: #{ 单位类型: [...] } 给出时间", "Give the step's dates with window: [start, end] or windows: #{ unit type: [...] }"),
    c("step.unknown", Model, E, "due 写已声明的环节名称,或写日期", "due names a declared step, or is a date"),
    c("unit.unknown", Model, E, "先用 unit(\"社区\") 声明单位类型,或改用已声明的名称", "Declare the unit type with unit(\"社区\") first, or use a declared one"),
    c("role.unknown", Model, E, "先用 role(\"…\") 声明角色,或改用已声明的名称(注意错别字)", "Declare the role with role(\"…\") first, or use a declared one (check for typos)"),
    c("batch.unknown", Model, E, "先用 batch(\"…\") 声明批次,或改用已声明的批次名称", "Declare the batch with batch(\"…\") first, or use a declared one"),
    c("require.unknown_phase", Model, E, "phase 写已声明的阶段名称", "phase names a declared phase"),
    c("require.session_without_min", Model, E, "给出 min(总量),或删去 session_min", "Give min (the total), or remove session_min"),
    c("gate.unknown_requirement", Model, E, "requires 中写已声明的要求 id", "requires lists declared requirement ids"),
    c("require.unknown_vote", Model, E, "vote 写已声明的测评(vote)名称", "vote names a declared vote"),
    c("gate.unknown_phase", Model, E, "gate 的第一个参数写已声明的阶段名称", "gate's first argument names a declared phase"),
    c("office.unknown", Model, E, "先用 office(\"…\") 声明先教办,或改用已声明的名称", "Declare the office with office(\"…\") first, or use a declared one"),
    c("oversight.overlap", Model, E, "每个单位只写进一个督导组的 units", "List each unit in one oversight group's units only"),
    c("application.unknown_phase", Model, E, "application 的第一个参数写已声明的阶段名称", "application's first argument names a declared phase"),
    c("application.unknown_requirement", Model, E, "requirement 写已声明的要求 id(单位提出转段申请的那一项)", "requirement names a declared requirement (the unit's application)"),
    c("application.unknown_vote", Model, E, "assessment 写已声明的 vote(成效测评)名称", "assessment names a declared vote (the effect assessment)"),
    c("material.min_areas", Model, E, "min_areas 不能多于所列方面的个数", "min_areas cannot exceed the number of areas"),
    c("form.no_items", Model, E, "用 items: [[\"项目\", 分值], …] 列出测评项目", "List the items with items: [[\"item\", points], …]"),
    c("form.name", Model, E, "测评项目和评议组的名称不能为空、前后不能有空格、不能重复,也不能用姓名、测评层次、合计等表头的保留名", "Item and group names must not be blank, padded, repeated or a reserved header (the member, rater group or total column)"),
    c("form.points", Model, E, "每个测评项目的分值写大于 0 的数", "Each item's points must be a number above 0"),
    c("form.points_sum", Model, E, "调整各测评项目的分值,或修改 total,使二者相等", "Make the items' points add up to total, or change total"),
    c("form.subject", Model, E, "subject 写 \"member\"(评党员)或 \"unit\"(评单位)", "subject is \"member\" or \"unit\""),
    c("weights.sum", Model, E, "调整各评议组的权重,使合计正好为 100", "Make the rater groups' weights add up to exactly 100"),
    c("weights.negative", Model, E, "权重写 0 到 100 之间的数", "Weights are numbers from 0 to 100"),
    c("alias.unknown", Model, E, "别名要指向测评表中已有的评议组或项目名称,且不能与已有名称重复", "An alias must point at a group or item of the form and not repeat an existing name"),
    c("outcome.label", Model, E, "结论档次只能用 labels 中列出的名称", "Outcome tiers may use only the names in labels"),
    c("vote.unknown_tier", Model, E, "rate_of 中的档次须出现在 tiers 中", "rate_of lists tiers of tiers"),
    c("vote.threshold", Model, E, "below / above 写 0 到 100 之间的百分数,如 80", "below / above is a percentage from 0 to 100, e.g. 80"),
    c("hook.unknown_function", Function, E, "用 fn 函数名(参数) { … } 定义该函数,名称要一致", "Define the function with fn name(arg) { … }, spelt the same"),
    c("hook.return_type", Function, E, "让自定义函数返回所要求的类型", "Make the custom function return the type asked for"),
    c("origin.missing", Origin, W, "写 source: \"种子编号: 原文\" 或 local: \"本地设定: …\"", "Add source: \"seed: quote\" or local: \"our own choice: …\""),
    c("form.unknown", Eval, E, "测评表名称写规则文件中声明过的名称", "Name a form the rules declare"),
    c("vote.unknown", Eval, E, "测评名称写规则文件中声明过的名称", "Name a vote the rules declare"),
    c("exam.unknown", Eval, E, "测试名称写规则文件中声明过的名称", "Name an exam the rules declare"),
    c("material.unknown", Eval, E, "材料种类写规则文件中声明过的名称", "Name a material the rules declare"),
    c("condition.unknown", Eval, E, "个人情况写规则文件中 condition(...) 声明过的名称", "Name a condition the rules declare"),
    c("progress.invalid", Eval, E, "进度按提示填写:完成写 true,学时等写数字", "Fill progress as the message says: true when done, numbers for hours"),
    c("compile.value", Eval, E, "这个值不能写入编译后的规则:改成字符串、数字、true/false、数组或映射", "This value cannot be compiled: use text, numbers, true/false, arrays or maps"),
];

/// The row of `code`.
pub fn lookup(code: &str) -> Option<&'static Code> {
    CODES.iter().find(|c| c.code == code)
}

/// The clerk's hint for `code` (a pointer to the guide for a code without a row, which a test forbids).
pub(crate) fn hint(code: &str) -> &'static str {
    lookup(code).map_or("见 docs/rules-guide.md", |c| c.zh)
}

/// The stage of `code` (`Eval` for a code without a row, which a test forbids).
pub(crate) fn stage(code: &str) -> Stage {
    lookup(code).map_or(Stage::Eval, |c| c.stage)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::collections::BTreeSet;

    /// Every string literal in `core/src` (outside test modules) shaped like a
    /// code, with the file it is in; message-catalogue keys (findings, reasons)
    /// and file names are not diagnostic codes.
    fn literals() -> Vec<(String, String)> {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("codes.rs") {
                    out.push(p);
                }
            }
        }
        let mut files = vec![];
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
        let catalogue: BTreeSet<&str> = crate::messages::CATALOGUE.iter().map(|c| c.0).collect();
        let mut out = vec![];
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            let text = text.split("#[cfg(test)]").next().unwrap_or("");
            for (i, _) in text.match_indices('"') {
                let rest = &text[i + 1..];
                let Some(end) = rest.find('"') else { break };
                let lit = &rest[..end];
                let shaped = lit == "parse"
                    || (lit.contains('.')
                        && lit.split('.').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
                        && lit.chars().next().is_some_and(|c| c.is_ascii_lowercase()));
                let finding = text[..i].ends_with("Finding::new(") || text[..i].ends_with("Msg::new(");
                if shaped && !finding && !catalogue.contains(lit) && !lit.ends_with(".rs") && !lit.ends_with(".rhai") {
                    out.push((lit.to_string(), f.display().to_string()));
                }
            }
        }
        out
    }

    #[test]
    fn every_emitted_code_has_a_row_and_every_row_is_emitted() {
        let lits = literals();
        let missing: BTreeSet<_> = lits.iter().filter(|(l, _)| lookup(l).is_none()).map(|(l, f)| format!("{l} ({f})")).collect();
        assert!(missing.is_empty(), "codes emitted without a row in codes::CODES: {missing:?}");
        let seen: BTreeSet<&str> = lits.iter().map(|(l, _)| l.as_str()).collect();
        let never: Vec<_> = CODES.iter().map(|c| c.code).filter(|c| !seen.contains(c)).collect();
        assert!(never.is_empty(), "rows of codes::CODES no code emits: {never:?}");
    }

    #[test]
    fn rows_are_unique_and_worded_in_both_languages() {
        let mut names: Vec<_> = CODES.iter().map(|c| c.code).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CODES.len(), "a code has two rows");
        for c in CODES {
            assert!(!c.zh.is_empty() || !cfg!(feature = "script"), "{}: a hint is missing", c.code);
            assert!(!c.en.is_empty() || !cfg!(feature = "script"), "{}: an English hint is missing", c.code);
            assert!(!c.en.chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)) || c.en.contains('"'), "{}: Chinese in the English hint", c.code);
        }
    }
}

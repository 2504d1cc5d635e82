//! Diagnostics: every problem found in a rule file, as a stable code plus a location.
//!
//! Loading never stops at the first problem: all diagnostics are collected and
//! returned together, errors apart from warnings (see `Severity`).

use serde::Serialize;
use std::fmt;

/// How bad a diagnostic is. Errors make the rule set unusable; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The rule set cannot be evaluated.
    Error,
    /// Suspicious but usable.
    Warning,
}

/// A place in a rule file: file name, 1-based line and column (0 when unknown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Location {
    /// Name of the rule file as the loader knows it.
    pub file: String,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub col: usize,
}

impl Location {
    #[cfg_attr(not(feature = "script"), allow(dead_code))]
    pub(crate) fn new(file: &str, pos: rhai::Position) -> Self {
        Location { file: file.to_string(), line: pos.line().unwrap_or(0), col: pos.position().unwrap_or(0) }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// One problem in a rule file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Stable machine-readable code, e.g. `weights.sum`.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// Where the problem is.
    #[serde(flatten)]
    pub location: Location,
    /// Human-readable message (Chinese first, as users read it).
    pub message: String,
    /// How to fix it, in Chinese.
    pub hint: &'static str,
}

/// A fixing hint for each diagnostic code (Chinese, for campaign-office clerks).
pub fn hint_for(code: &str) -> &'static str {
    match code {
        "parse" => "检查括号、引号和逗号是否成对,每个声明末尾加分号 ;",
        "weights.sum" => "调整各评议组的权重,使合计正好为 100",
        "form.points_sum" => "调整各测评项目的分值,或修改 total,使二者相等",
        "form.no_items" => "用 items: [[\"项目\", 分值], …] 列出测评项目",
        "date.invalid" => "日期写成 \"2005-08-16\" 这样的 年-月-日 格式,并确认该日存在",
        "date.inverted" => "把开始日期和结束日期对调,或更正其中一个",
        "date.range" => "天数写实际的天数;一个阶段不会超过十年",
        "phase.overlap" => "让本阶段从上一阶段结束的次日开始,或缩短上一阶段",
        "phase.too_short" => "延长阶段,或修改 min_days",
        "phase.no_start" => "给第一个阶段写上 start 日期",
        "phase.no_end" => "写上 end 日期,或用 days 给出天数",
        "phase.end_and_days" => "end 和 days 只保留一个",
        "step.unknown_phase" => "环节所属阶段的名称要与 phase(...) 中的一字不差",
        "step.outside_phase" => "把环节时间移入阶段日期之内,或调整阶段日期",
        "step.no_window" => "用 window: [开始, 结束] 或 windows: #{ 单位类型: [...] } 给出时间",
        "step.unknown" => "due 写已声明的环节名称,或写日期",
        "unit.unknown" => "先用 unit(\"社区\") 声明单位类型,或改用已声明的名称",
        "role.unknown" => "先用 role(\"…\") 声明角色,或改用已声明的名称(注意错别字)",
        "require.unknown_phase" => "phase 写已声明的阶段名称",
        "gate.unknown_requirement" => "requires 中写已声明的要求 id",
        "gate.unknown_phase" => "gate 的第一个参数写已声明的阶段名称",
        "vote.unknown_tier" => "rate_of 中的档次须出现在 tiers 中",
        "vote.threshold" => "below / above 写 0 到 100 之间的百分数,如 80",
        "field.unknown" => "字段名可能写错了,对照提示中的可用字段修改",
        "field.type" => "按提示的类型填写,如数字不要加引号、名称要加引号",
        "material.min_areas" => "min_areas 不能多于所列方面的个数",
        "hook.unknown_function" => "用 fn 函数名(参数) { … } 定义该函数,名称要一致",
        "hook.return_type" => "让自定义函数返回所要求的类型",
        "decl.unknown_target" => "amend / remove 的对象须在上级文件中已声明;检查种类和名称",
        "decl.unknown_kind" => "种类写 phase、step、require、material、form、vote、gate、role、condition、unit 之一",
        "decl.duplicate" => "删去重复的声明,只保留一个",
        "extends.not_found" => "确认上级文件名正确,并与本文件放在一起",
        "extends.cycle" => "两个文件不能互相继承",
        "extends.twice" => "一个文件只写一次 extends",
        "extends.depth" => "减少继承层级",
        "file.not_found" => "确认文件名和位置",
        "file.unreadable" => "用 UTF-8 编码保存规则文件(记事本“另存为”时选 UTF-8)",
        "limit.operations" => "脚本运算太多,可能是死循环:检查 loop / while 的结束条件",
        "limit.call_depth" => "函数调用自己太多层,检查递归的结束条件",
        "limit.expr_depth" => "表达式嵌套太深,拆成几步写",
        "limit.size" => "字符串、数组或映射太大,缩小数据",
        "script.unknown_function" => "函数名可能写错了,或参数个数、类型不对;见规则函数参考",
        "script.unknown_variable" => "先用 let 定义变量再使用",
        "script.unknown_property" => "字段名可能写错了:成员情况有 role、unit、conditions、progress,测评结果有 member、composite、groups、sheets、complete;映射中可能没有的键先用 \"键\" in 映射 判断",
        "script.type_mismatch" => "比较或运算的两边类型不同(如文字和数字、true/false 和数字):数字不要加引号,必要时用 to_float、to_int、to_string 转换",
        "limit.total_operations" => "自定义函数一次计算的运算总量太大:简化函数、减少循环,或分批计算",
        _ => "见 docs/rules-guide.md",
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {}[{}]: {}", self.location, sev, self.code, self.message)
    }
}

/// Collects diagnostics while loading.
#[derive(Default, Debug)]
pub(crate) struct Diags {
    pub(crate) list: Vec<Diagnostic>,
}

impl Diags {
    pub(crate) fn error(&mut self, code: &'static str, location: &Location, message: impl Into<String>) {
        self.list.push(Diagnostic { code, severity: Severity::Error, location: location.clone(), message: message.into(), hint: hint_for(code) });
    }
    pub(crate) fn warning(&mut self, code: &'static str, location: &Location, message: impl Into<String>) {
        self.list.push(Diagnostic { code, severity: Severity::Warning, location: location.clone(), message: message.into(), hint: hint_for(code) });
    }
}

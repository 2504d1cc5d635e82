//! The functions a rule file may call, with their documentation. This table is
//! the single source of the rule reference (`xianjiao reference`, the
//! playground's reference page, `docs/rule-reference.md`); a test checks that
//! every function the loader registers is listed here.

use serde::Serialize;

/// Documentation of one rule-file function.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FnDoc {
    /// Function name as written in a rule file.
    pub name: &'static str,
    /// Parameters, e.g. `(name, #{...})`.
    pub params: &'static str,
    /// What it does, in Chinese.
    pub zh: &'static str,
    /// What it does, in English.
    pub en: &'static str,
    /// A short example.
    pub example: &'static str,
}

/// Every function a rule file may call, in reference order.
pub const FUNCTIONS: &[FnDoc] = &[
    FnDoc { name: "extends", params: "(parent_file)",
        zh: "继承上级规则文件:先载入上级文件,本文件只写不同之处。应写在文件开头,每个文件至多一次。",
        en: "Inherit from a parent rule file: the parent is loaded first and this file states only what differs. At most once per file.",
        example: r#"extends("guangan.rhai");"# },
    FnDoc { name: "campaign", params: "(#{ name, level, source })",
        zh: "本文件的活动名称、层级(市/区/镇…)和出处。",
        en: "Name, level (city/district/town…) and source document of this locality's campaign.",
        example: r#"campaign(#{ name: "关坝镇先进性教育活动", level: "镇", source: "seed 002" });"# },
    FnDoc { name: "role", params: "(name) / (name, #{ label, group })",
        zh: "声明一种角色(如 党员、党员领导干部、领导班子、离退休党员)。group: true 表示集体(领导班子)。",
        en: "Declare a role (党员, 党员领导干部, 领导班子, 离退休党员 …). group: true marks a collective (a leadership group).",
        example: r#"role("领导班子", #{ group: true });"# },
    FnDoc { name: "condition", params: "(name) / (name, #{ label })",
        zh: "声明一种个人情况(如 年老体弱、书写困难、因公出差、流动党员),可在要求中据此豁免或替代。",
        en: "Declare a personal circumstance (年老体弱, 书写困难, 因公出差, 流动党员) that requirements may exempt or substitute on.",
        example: r#"condition("书写困难");"# },
    FnDoc { name: "unit", params: "(name) / (name, #{ label })",
        zh: "声明一种单位类型(如 机关、社区),日程可按单位类型给出不同时间。",
        en: "Declare a unit type (机关, 社区 …); steps may have a different window per unit type.",
        example: r#"unit("社区");"# },
    FnDoc { name: "phase", params: "(name, #{ start, end | days, extend_days, note })",
        zh: "声明一个阶段。start/end 为 \"YYYY-MM-DD\";省略 start 则接上一阶段结束次日;可用 days 代替 end;extend_days 为延长天数。阶段按声明顺序排列,不得重叠。",
        en: "Declare a phase. start/end are \"YYYY-MM-DD\"; without start it begins the day after the previous phase ends; days may replace end; extend_days lengthens it. Phases run in declaration order and must not overlap.",
        example: r#"phase("分析评议", #{ start: "2005-08-16", end: "2005-09-16", min_days: 30 });"# },
    FnDoc { name: "step", params: "(phase, name, #{ window, windows, note })",
        zh: "声明阶段中的一个环节。window: [开始, 结束] 为默认时间;windows: #{ 单位类型: [开始, 结束] } 为某类单位的时间。环节时间可以相互重叠。",
        en: "Declare a step (环节) of a phase. window: [start, end] is the default; windows: #{ unit: [start, end] } gives a unit type its own window. Step windows may overlap.",
        example: r#"step("分析评议", "广泛征求意见", #{ windows: #{ 机关: ["2005-08-19", "2005-08-21"], 社区: ["2005-08-20", "2005-08-24"] } });"# },
    FnDoc { name: "require", params: "(id, #{ phase, label, roles, min, unit, due, exempt, substitute, check, note })",
        zh: "声明一项要求。roles 为适用角色;min 为数量下限(进度记录达到即完成),省略则为是否完成;due 为截止环节名或日期;exempt: #{ 角色或情况: \"理由\" } 为豁免;substitute: #{ 情况: \"替代办法\" };check 为自定义函数名,函数接收成员情况并返回 true/false。",
        en: "Declare a requirement. roles: who it applies to; min: a quantity the progress record must reach (omit for done/not done); due: a step name or a date; exempt: #{ role or condition: \"reason\" }; substitute: #{ condition: \"alternative\" }; check: name of a custom function that takes the member profile and returns true/false.",
        example: r#"require("学习学时", #{ phase: "学习动员", label: "学习培训时间", roles: ["党员"], min: 40, unit: "学时" });"# },
    FnDoc { name: "material", params: "(kind, #{ roles, min_chars, parts, areas, extra_areas, flags, min_areas })",
        zh: "声明一种材料(党性分析材料、心得体会、整改方案)的要求:min_chars: #{ 角色: 字数, \"*\": 默认 };parts 为必须依次出现的部分,每部分 #{ name, markers, fields };areas 为应检查的方面 #{ name, markers };extra_areas: #{ 角色: [方面…] };flags 为提示短语 #{ phrases, level, reason }。",
        en: "Declare the requirements for a kind of material: min_chars: #{ role: chars, \"*\": default }; parts that must appear in order, each #{ name, markers, fields }; areas to examine #{ name, markers }; extra_areas: #{ role: [areas] }; flags: phrase lists #{ phrases, level, reason }.",
        example: r#"material("心得体会", #{ min_chars: #{ "*": 800 }, parts: [] });"# },
    FnDoc { name: "form", params: "(name, #{ subject, total, items, groups, trim, trim_min, outcome })",
        zh: "声明一张测评表。items: [[项目, 分值], …],分值之和须等于 total;groups: [[评议组, 权重], …],权重合计须为 100;trim: true 表示去掉最高分和最低分(每组至少 trim_min 张表时);outcome: [[分数下限, 结论], …] 或自定义函数名。",
        en: "Declare an appraisal form. items: [[item, points], …] summing to total; groups: [[rater group, weight], …] summing to 100; trim: true drops the highest and lowest sheet (when a group has at least trim_min sheets); outcome: [[min score, label], …] or the name of a custom function.",
        example: r#"form("党员分析评议测评表", #{ total: 100, items: [["理想信念", 10], ["工作绩效", 90]], groups: [["党员互评", 40], ["群众参评", 30], ["支委会鉴评", 30]], trim: false });"# },
    FnDoc { name: "vote", params: "(name, #{ tiers, rate_of, below, above, action })",
        zh: "声明一种满意度或成效测评。tiers 为档次;rate_of 为计入比率的档次;比率低于 below 或高于 above(百分数)时触发 action(如 重写、补课)。",
        en: "Declare a satisfaction or effect vote. tiers: the answer tiers; rate_of: the tiers counted in the rate; a rate below `below` or above `above` (percent) triggers `action` (rewrite, 补课).",
        example: r#"vote("满意度测评", #{ tiers: ["满意", "基本满意", "不满意"], rate_of: ["满意", "基本满意"], below: 80, action: "重写党性分析材料" });"# },
    FnDoc { name: "gate", params: "(phase, #{ requires, note })",
        zh: "声明转段条件:本阶段结束前必须完成的要求(要求 id 列表)。",
        en: "Declare the transition gate (转段) of a phase: the requirement ids that must be done before moving on.",
        example: r#"gate("学习动员", #{ requires: ["学习学时", "心得体会"] });"# },
    FnDoc { name: "amend", params: "(kind, key, #{ fields })",
        zh: "修改上级文件中已声明的内容的部分字段(kind 为 phase/step/require/material/form/vote/gate/role/condition/unit;环节的 key 写作 \"阶段/环节\")。",
        en: "Change some fields of something a parent file declared (kind: phase/step/require/material/form/vote/gate/role/condition/unit; a step's key is \"phase/step\").",
        example: r#"amend("phase", "学习动员", #{ extend_days: 10 });"# },
    FnDoc { name: "remove", params: "(kind, key)",
        zh: "删除上级文件中声明的内容。",
        en: "Remove something a parent file declared.",
        example: r#"remove("require", "百题测试");"# },
    FnDoc { name: "test", params: "(name, #{ checklist | material | score | satisfaction, expect })",
        zh: "在规则文件中写一个测试用例,用 `xianjiao test` 或演练场运行。",
        en: "A test case inside the rule file, run by `xianjiao test` or in the playground.",
        example: r#"test("党员学时不足未完成", #{ checklist: #{ role: "党员", progress: #{ 学习学时: 40 } }, expect: #{ 学习学时: "pending" } });"# },
];

/// The rule reference as Markdown (Chinese first, English after), generated
/// from [`FUNCTIONS`] so that it cannot drift from the engine.
pub fn reference_markdown() -> String {
    let mut out = String::from("# 规则函数参考 · Rule function reference\n\n");
    out.push_str("本文件由 `xianjiao reference` 从引擎自身生成,请勿手改。/ Generated by `xianjiao reference` from the engine itself; do not edit.\n\n");
    out.push_str("| 函数 function | 参数 parameters |\n|---|---|\n");
    for f in FUNCTIONS {
        out.push_str(&format!("| [`{}`](#{}) | `{}` |\n", f.name, f.name, f.params.replace('|', "\\|")));
    }
    for f in FUNCTIONS {
        out.push_str(&format!("\n## {}\n\n`{}{}`\n\n{}\n\n{}\n\n```rhai\n{}\n```\n", f.name, f.name, f.params, f.zh, f.en, f.example));
    }
    out
}

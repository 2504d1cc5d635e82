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

/// Fields every declaration may carry, documented once for all functions.
pub const COMMON_DOC: &[(&str, &str, &str)] = &[
    ("source", "出处:种子编号加一句原文摘句,如 \"000: 有书写能力的党员都要撰写党性分析材料\"。给办事人员看(explain、演练场),不给党员看。",
        "Provenance: the seed number and a short exact quote, e.g. \"000: 有书写能力的党员都要撰写党性分析材料\". Shown to clerks (explain, playground), never to members."),
    ("local", "本地设定:种子材料没有规定、由本地自己决定的内容,如 \"本镇设定:60分为合格线\"。可与 source 同时给出。`xianjiao check --strict` 对既无 source 也无 local 的声明给出警告。",
        "The locality's own choice where no seed says it, e.g. \"本镇设定:60分为合格线\"; may accompany source. `xianjiao check --strict` warns on a declaration with neither."),
    ("required", "上级文件声明的一切默认都是“规定动作”,required: true 可写可不写(是默认)。下级文件不能 remove(lock.remove),也不能减弱(lock.weaken);每种声明的每个字段怎样算减弱,见 docs/rules-guide.md 的锁表(由 core/src/kinds.rs 的锁列生成)。",
        "Everything a parent file declares is a 规定动作 by default; required: true is accepted (it is the default). A child file may not remove it (lock.remove) nor weaken it (lock.weaken); what weakens each field of each kind is the lock table in docs/rules-guide.md (generated from the lock column of core/src/kinds.rs)."),
    ("optional", "optional: true 表示“自选动作”:下级文件可以删除或修改它。下级修改时没有再写 optional: true 的,从此成为该下级文件的规定动作,约束它的下级。",
        "optional: true marks a 自选动作: a child may remove or change it. A child that changes it without saying optional: true again adopts it as its own 规定动作, binding its children."),
    ("open", "open: [\"字段\"] 列出下级可以改动(包括减弱)的字段,如 open: [\"extend_days\"](000:整改提高阶段可根据实际情况适当延长)、open: [\"substitute\"]。应同时写明 source 或 local。",
        "open: [\"field\"] lists the fields a child may change, weakening included, e.g. open: [\"extend_days\"] or open: [\"substitute\"]. Give source or local with it."),
    ("replace", "只用于 amend:replace: [\"字段\"] 让这些字段整个替换上级的值,而不是逐键合并;check 给出 amend.replaced 警告,列出去掉的上级条目。锁照样检查。",
        "Only in amend: replace: [\"field\"] replaces those fields wholesale instead of merging key by key; check warns amend.replaced with the inherited entries dropped. Locks still apply."),
];

/// Every function a rule file may call, in reference order.
pub const FUNCTIONS: &[FnDoc] = &[
    FnDoc { name: "extends", params: "(parent_file)",
        zh: "继承上级规则文件:先载入上级文件,本文件只写不同之处。应写在文件开头,每个文件至多一次;上级文件须在同一目录(或其子目录)内。",
        en: "Inherit from a parent rule file: the parent is loaded first and this file states only what differs. At most once per file; the parent must lie in the same directory (or below it).",
        example: r#"extends("guangan.rhai");"# },
    FnDoc { name: "campaign", params: "(#{ name, level, batch, source | local })",
        zh: "本文件的活动名称、层级(市/区/镇…)和本地单位所属的批次(batch,须是 batch() 声明过的名称);日程和清单默认取该批次的日期。",
        en: "Name, level (city/district/town…) and the batch this locality's units belong to (batch must be declared with batch()); schedules and checklists use that batch's dates by default.",
        example: r#"batch("第二批", #{ label: "城市基层和乡镇机关", local: "示例" }); campaign(#{ name: "关坝镇先进性教育活动", level: "镇", batch: "第二批", source: "002: 根据区第二批先进性教育活动分析评议阶段工作方案的总体要求" });"# },
    FnDoc { name: "batch", params: "(name, #{ label, source | local })",
        zh: "声明一个批次(如 第一批:市、县两级党政机关和部分企事业单位)。阶段可以按批次给出不同的日期(见 phase 的 batches)。",
        en: "Declare a batch (第一批: city and county organs …). A phase may give each batch its own dates (see phase's batches).",
        example: r#"batch("第一批", #{ label: "市、县两级党政机关和部分企事业单位", source: "000: 分市、县两级党政机关和部分企事业单位、城市基层和乡镇机关、农村三批进行" });"# },
    FnDoc { name: "role", params: "(name) / (name, #{ label, group, like, source | local })",
        zh: "声明一种角色(如 党员、党员领导干部、领导班子、离退休党员)。group: true 表示集体(领导班子)。like: \"党员\" 表示新角色是党员的一种,继承党员的全部要求、豁免和替代;下级文件新增的个人角色不写 like、又不在上级规定的“所有党员都要做”的要求中的,报 role.escapes。",
        en: "Declare a role (党员, 党员领导干部, 领导班子, 离退休党员 …). group: true marks a collective (a leadership group). like: \"党员\" makes the new role a kind of 党员: it gets every requirement, exemption and substitute of 党员; a child's new individual role without like that a parent's required every-member item does not list is the error role.escapes.",
        example: r#"role("领导班子", #{ group: true, source: "000: 领导班子还要召开党员领导干部专题民主生活会" });"# },
    FnDoc { name: "condition", params: "(name) / (name, #{ label, roles, units, source | local })",
        zh: "声明一种个人情况(如 无书写能力、因公出差、流动党员),要求可据此豁免(exempt)或给出替代办法(substitute)。roles / units 把情况限于这些角色、单位类型的党员(角色 + 情况 + 单位类型),如 002 的口头总结只给社区党员:units: [\"社区\"]。",
        en: "Declare a personal circumstance (无书写能力, 因公出差, 流动党员 …) on which requirements may exempt or offer a substitute. roles / units limit it to members of those roles and unit types (role + condition + unit type), e.g. 002's oral summary for 社区 members only: units: [\"社区\"].",
        example: r#"condition("因公出差", #{ label: "因公出差等特殊原因不能按时参会", source: "002: 对因公出差等特殊原因不能按时参会的党员" });"# },
    FnDoc { name: "unit", params: "(name) / (name, #{ label, source | local })",
        zh: "声明一种单位类型(如 机关、社区),日程可按单位类型给出不同时间(环节和阶段的 windows)。",
        en: "Declare a unit type (机关, 社区 …); steps and phases may have different dates per unit type (windows).",
        example: r#"unit("社区", #{ source: "002: 附件2 关坝镇兴隆街社区先进性教育活动分析评议阶段工作日程表" });"# },
    FnDoc { name: "phase", params: "(name, #{ start, end | days, extend_days, windows, min_days, note, batches: #{ 批次: #{ start, end | days, extend_days, windows, source, local } }, source | local, required })",
        zh: "声明一个阶段,按声明顺序排列,不得重叠。日期都可以省略:种子没给日期就不写。start/end 为 \"YYYY-MM-DD\";可用 days 代替 end;有 start 无 end 的阶段是开放的(没有结束日);省略 start 则接同一批次上一阶段结束的次日(上一阶段结束日已知时);开始日不知道的阶段,在它的环节的时间内算作当前阶段(环节在阶段之内)。extend_days 为延长天数,min_days 为最少天数。batches 给某个批次自己的日期(和出处),没有给的批次用外层日期。windows: #{ 单位类型: [开始, 结束] }(与环节的 windows 写法相同)给某类单位自己的阶段日期,可写在外层或某个批次里;该类单位的后续阶段接它的结束日;min_days 是整个阶段的,不按单位检查。amend 设 end 会去掉继承的 days,反之亦然。",
        en: "Declare a phase; phases run in declaration order and must not overlap. Every date is optional: where the seed gives none, write none. start/end are \"YYYY-MM-DD\"; days may replace end; a phase with start and no end is open-ended; without start it begins the day after the previous phase of the same batch ends (when that is known); a phase whose start is unknown is current over its steps' windows (steps lie inside their phase). extend_days lengthens it; min_days is a minimum length. batches gives one batch its own dates (and provenance); other batches use the outer dates. windows: #{ unit type: [start, end] } (as a step's windows) gives a unit type its own dates for the phase, outside or inside one batch; that unit type's later phases continue from its end; min_days is the whole phase's, not checked per unit type. An amend that sets end drops an inherited days, and vice versa.",
        example: r#"batch("第二批", #{ label: "城市基层和乡镇机关", local: "示例" }); phase("分析评议", #{ note: "时间原则上不少于一个月", batches: #{ 第二批: #{ start: "2005-08-16", end: "2005-09-16", source: "002: 从2005年8月中旬开始,到9月中旬基本结束" } } });"# },
    FnDoc { name: "step", params: "(phase, name, #{ window, windows, announce: #{ days_before, label }, note, source | local })",
        zh: "声明阶段中的一个环节。window: [开始, 结束] 为默认时间;windows: #{ 单位类型: [开始, 结束] } 为某类单位的时间;环节时间可以相互重叠。announce 要求在环节开始前 days_before 天公示(如 提前两天公示会议时间、内容和要求),日程中会列出公示日期,当天列为待办。",
        en: "Declare a step (环节) of a phase. window: [start, end] is the default; windows: #{ unit: [start, end] } gives a unit type its own window; windows may overlap. announce asks for a notice days_before days before the step starts (002: 提前两天公示); the schedule lists its date and shows it as due on that day.",
        example: r#"step("分析评议", "开好支部专题组织生活会和班子专题民主生活会", #{ windows: #{ 机关: ["2005-08-25", "2005-08-26"], 社区: ["2005-09-01", "2005-09-05"] }, announce: #{ days_before: 2, label: "公示会议时间、内容和要求" }, source: "002: 提前两天公示会议时间、内容和要求" });"# },
    FnDoc { name: "require", params: "(id, #{ phase, label, roles, units, min, unit, session_min, due, exempt, substitute, check, vote, note, source | local, required })",
        zh: "声明一项要求。roles 为适用角色;units 为适用的单位类型(省略则各类单位都适用;写了的,其他单位类型和没有写明单位类型的不适用,如 只对机关);min 为数量下限(进度记录达到即完成),省略则为是否完成;session_min 表示按次记录进度 [{date, hours}],每次不足 session_min 的不计入并列出(如 本单位规定每次不足2学时的不计入,是本地设定,写 local);due 为截止环节名或日期,或按批次给日期 #{ 第一批: \"2005-01-22\" }(种子只给某一批的日子时;没有列出的批次在阶段结束时到期);exempt: #{ 角色或情况: \"理由\" } 为豁免;substitute: #{ 情况: \"替代办法\" } 仍须完成,只是换一种办法;check 为自定义函数名,函数接收成员情况并返回 true/false。label、note 和理由是给党员看的文字,不写出处。vote: \"测评名\" 让这一项由测评结果决定(转段条件):进度记录写各档人数 #{ 档次: 人数 },测评未触发其动作(如 多数认为“一般化”“走过场”要重新补课)才算完成;没有录入结果则未完成。",
        en: "Declare a requirement. roles: who it applies to; units: the unit types it applies to (omitted: every type; given: other types, and a member or unit of no stated type, are outside it, e.g. 机关 only); min: a quantity the progress record must reach (omit for done/not done); session_min: progress is recorded per session [{date, hours}] and sessions below session_min are listed and not counted (a local rule, marked local:; 000's 每次应安排2个学时以上 is about how a unit arranges sessions, not a member's count); due: a step name or a date, or a date per batch #{ 第一批: \"2005-01-22\" } (a seed that dates only one batch's plan; other batches fall due at the phase's end); exempt: #{ role or condition: \"reason\" }; substitute: #{ condition: \"how\" } — still to be done, another way; check: a custom function that takes the member profile and returns true/false. label, note and reasons are member-facing: no seed references there. vote: \"vote name\" makes the item a vote result (a gate item): the progress record is the count per tier #{ tier: count }, and the item is done when the result is recorded and does not trigger the vote's action (000: a majority answering 一般化/走过场 means 重新补课); no result recorded, not done.",
        example: r#"role("单位党组织", #{ group: true, local: "示例" }); require("学习学时", #{ phase: "学习动员", label: "为本单位安排学习培训时间", roles: ["单位党组织"], min: 45, unit: "学时", source: "000: 具体到一个单位,学习培训时间不得少于45个学时" }); require("个人学时", #{ phase: "学习动员", label: "个人学习学时", roles: ["党员"], min: 40, unit: "学时", session_min: 2, local: "示例:本单位规定每个党员按次记录学时,每次不足2学时的不计入" });"# },
    FnDoc { name: "material", params: "(kind, #{ roles, min_chars, parts, areas, min_areas, extra_areas, flags, items: #{ classes, fields, min_items }, note, source | local, required })",
        zh: "声明一种材料(党性分析材料、心得体会、整改方案)的要求:min_chars: #{ 角色: 字数, \"*\": 默认 };parts 为必须依次出现的部分,每部分 #{ name, markers, fields };areas 为应检查的方面 #{ name, markers };extra_areas: #{ 角色: [方面…] };flags 为提示短语 #{ phrases, level, reason }。items 让材料逐项检查(整改方案):classes 为类别,写名称或 #{ name, synonyms }(如 #{ name: \"马上整改\", synonyms: [\"立即整改\"] });fields 为每一项都要写的字段 #{ name, markers, date },date: true 表示须写明日期;min_items 为至少几项(默认 1)。",
        en: "Declare the requirements for a kind of material: min_chars: #{ role: chars, \"*\": default }; parts that must appear in order, each #{ name, markers, fields }; areas to examine #{ name, markers }; extra_areas: #{ role: [areas] }; flags: phrase lists #{ phrases, level, reason }. items checks an itemised material (a 整改方案) item by item: classes, each a name or #{ name, synonyms }; fields every item fills in, #{ name, markers, date } where date: true asks for a real date; min_items (default 1).",
        example: r#"material("整改方案", #{ items: #{ classes: ["立即整改", "近期整改", "逐步整改"], fields: [#{ name: "目标", markers: ["整改目标", "目标"] }, #{ name: "措施", markers: ["整改措施", "措施"] }, #{ name: "完成时间", markers: ["完成时间"], date: true }, #{ name: "初步效果", markers: ["初步效果"] }] }, source: "000: 分立即整改、近期整改、逐步整改三个类别,提出整改的目标、措施、完成时间及初步效果" }); material("整改措施", #{ items: #{ classes: [#{ name: "马上整改", synonyms: ["立即整改"] }, "限期整改", #{ name: "说明情况、逐步解决", synonyms: ["逐步解决"] }], fields: [#{ name: "措施", markers: ["整改措施", "措施"] }, #{ name: "时限", markers: ["整改时限", "时限"], date: true }] }, source: "001: 具备整改条件的问题,要马上整改;经过努力能够解决的问题,要限期整改;应该解决但受客观条件限制一时解决不了的问题,要向群众说明情况,积极采取措施逐步解决", local: "示例:“立即整改”作“马上整改”的别称是本地读法" });"# },
    FnDoc { name: "form", params: "(name, #{ subject, total, items, groups, aliases, trim, trim_min, outcome, note, source | local, required })",
        zh: "声明一张测评表。subject 为 \"member\"(党员)或 \"unit\"(单位);items: [[项目, 分值], …],分值之和须等于 total;groups: [[评议组, 权重], …],权重合计须为 100;aliases: #{ 别名: \"已声明的名称\" } 让表格中另一种写法(如 支委会鉴评)算作同一组或同一项;trim: true 表示去掉最高分和最低分(每组至少 trim_min 张表时)。outcome 为结论:[[分数下限, 结论], …]、自定义函数名,或映射 #{ function | tiers, suggestion, labels, handling, source, local }:suggestion: true 表示结论只是给支委会的建议,labels 为记录决定时可用的结论,handling 为对不合格党员的处理方式,source/local 为这条结论规则自己的出处(如本地设定的合格线)。函数接收一条记录并返回结论文字:member(姓名,字符串)、composite(综合得分,小数)、groups(#{ 评议组: 平均分 })、sheets(测评表份数,整数)、complete(各评议组都有表,布尔)、satisfaction(#{ given: 是否给了满意度测评, rate: 满意率(百分数), total: 参评人数, counts: #{ 档次: 人数 } })、checklist(#{ given: 是否给了进度, done, pending, overdue, exempt: 各状态的项数, items: #{ 要求id: \"done\" 等状态 }, gates: #{ 阶段: 是否可转段 } })。没有给满意度或进度时 given 为 false,其余为空;`xianjiao check` 会用样例记录把函数试运行一次。",
        en: "Declare an appraisal form. subject: \"member\" or \"unit\"; items: [[item, points], …] summing to total; groups: [[rater group, weight], …] summing to 100; aliases: #{ other name: \"declared name\" } scores a group or item written another way (支委会鉴评) alike; trim: true drops the highest and lowest sheet (when a group has at least trim_min sheets). outcome: [[min score, label], …], a custom function name, or a map #{ function | tiers, suggestion, labels, handling, source, local }: suggestion: true says the result is only a suggestion to the branch committee, labels are the decisions it may record, handling the options for unqualified members, source/local the outcome rule's own provenance (a local pass mark). The function receives a record and returns a label: member (string), composite (number), groups (#{ group: mean }), sheets (integer), complete (every group has sheets, bool), satisfaction (#{ given, rate: percent, total, counts: #{ tier: n } }), checklist (#{ given, done, pending, overdue, exempt: counts, items: #{ requirement id: status such as \"done\" }, gates: #{ phase: met } }). Without votes or progress `given` is false and the rest empty; `xianjiao check` dry-runs the function on a sample record.",
        example: r#"form("党员分析评议测评表", #{ total: 100, items: [["理想信念", 10], ["工作绩效", 90]], groups: [["党员互评", 40], ["群众参评", 30], ["支委会考评", 30]], aliases: #{ 支委会鉴评: "支委会考评" }, trim: false, outcome: #{ tiers: [[60, "合格"], [0, "不合格"]], suggestion: true, labels: ["合格", "不合格"], handling: ["限期改正", "劝其退党", "党内除名"], local: "本镇设定:60分为合格线" }, source: "002 附件3: 计算平均分时,不去最高和最低分", local: "示例:只列两个项目示意(附件3 有八项)" });"# },
    FnDoc { name: "vote", params: "(name, #{ tiers, aliases, rate_of, below, above, majority, action, groups, note, source | local })",
        zh: "声明一种满意度或成效测评。tiers 为档次;aliases 为档次的其他写法;rate_of 为计入比率的档次;比率低于 below 或高于 above(百分数)时触发 action(如 重写、补课);majority: true 表示 rate_of 中的人数超过参评人数一半即触发(“凡是多数党员和群众认为……”,恰好一半不算);groups 为参评群众的分组(如 附件6 的本单位党员群众代表、服务对象代表……)。",
        en: "Declare a satisfaction or effect vote. tiers: the answer tiers; aliases: other spellings of tiers; rate_of: the tiers counted in the rate; a rate below `below` or above `above` (percent) triggers `action` (rewrite, 补课); majority: true triggers when more than half of the respondents fall in rate_of (000: 凡是多数党员和群众认为…; exactly half is not a majority); groups: the respondent groups the vote is counted by (002 附件6).",
        example: r#"vote("分析评议成效测评", #{ tiers: ["一般化", "走过场", "其他回答"], rate_of: ["一般化", "走过场"], majority: true, action: "重新补课", source: "000: 凡是多数党员和群众认为“一般化”和“走过场”的,要重新“补课”", local: "000 只点名“一般化”“走过场”两种回答;其余回答合计为“其他回答”" });"# },
    FnDoc { name: "exam", params: "(name, #{ questions, points, roles, note, source | local })",
        zh: "声明一次知识测试(如 百题测试):questions 为题数,points 为满分(默认 100),roles 为参加者(省略则为全部角色)。单位据此汇总参考率、答卷回收率和平均成绩。",
        en: "Declare a knowledge test (百题测试): questions, full marks points (default 100), roles taking it (all when omitted). A unit's participation rate, return rate and average score are reported against it.",
        example: r#"exam("百题测试", #{ questions: 100, points: 100, roles: ["党员", "党员领导干部"], source: "004: 开展百题测试活动", local: "本市设定:满分按100分计" });"# },
    FnDoc { name: "gate", params: "(phase, #{ requires, note, source | local })",
        zh: "声明转段条件:本阶段结束前必须完成的要求(要求 id 列表)。豁免或不适用的要求不阻止转段。",
        en: "Declare the transition gate (转段) of a phase: the requirement ids that must be done before moving on. Exempt or not-applicable requirements do not block it.",
        example: r#"gate("学习动员", #{ requires: ["心得体会"], source: "000: 凡学习不合格的不得转段", local: "示例:以心得体会完成为学习合格(000 的检查标准由市先教办制定,未载明)" });"# },
    FnDoc { name: "office", params: "(name, #{ label, level, source | local })",
        zh: "声明一个先进性教育活动领导小组办公室(先教办),如 市委先教办;level 为层级(市/区/镇)。督导组由它派出,转段申请由它同意(见 oversight、application)。",
        en: "Declare a campaign office (先教办) such as 市委先教办; level: 市/区/镇. It sends 督导组 and approves 转段申请 (see oversight, application).",
        example: r#"office("市委先教办", #{ level: "市", source: "000: 市委先教办同意后再召开会议进行小结与转段动员" });"# },
    FnDoc { name: "oversight", params: "(name, #{ label, office, units, source | local })",
        zh: "声明一个督导组:office 为派出它的先教办,units 为它负责的单位(单位名称;省略则由 `xianjiao units --oversight 名单` 给出)。一个单位只能归一个督导组(oversight.overlap)。",
        en: "Declare a 督导组: office is the office that sends it, units the units it covers (unit names; when omitted a list given to `xianjiao units --oversight` says). A unit belongs to one group only (oversight.overlap).",
        example: r#"office("区委先教办", #{ level: "区", local: "例子" }); oversight("第一督导组", #{ office: "区委先教办", units: ["区委办", "区政府办"], source: "003: 区委向全区派出五个督导组,每个督导组安排13-14个单位" });"# },
    FnDoc { name: "application", params: "(phase, #{ requirement, review, approve, assessment, note, source | local })",
        zh: "声明本阶段的转段申请送到哪里:requirement 为单位提出申请的那一项要求(单位党组织的清单),review: true 表示先经本单位的督导组审查,approve 为同意转段的先教办,assessment 为成效测评(vote),它触发 action(如 补课)时不得转段。单位汇总表(xianjiao units)据此显示 未申请 / 已申请 / 督导组已审查 / 先教办已同意。",
        en: "Declare where a phase's 转段申请 goes: requirement is the unit's item that records the application, review: true sends it to the unit's 督导组 first, approve names the office that agrees, assessment names the 成效测评 vote whose action (补课) stops it. The unit table (xianjiao units) shows not applied / applied / reviewed / approved from it.",
        example: r#"office("市委先教办", #{ level: "市", local: "例子" }); require("学习动员转段申请", #{ phase: "学习动员", roles: ["领导班子"], local: "例子" }); application("学习动员", #{ requirement: "学习动员转段申请", review: true, approve: "市委先教办", source: "000: 经督导组审查后上报,市委先教办同意后再召开会议进行小结与转段动员" });"# },
    FnDoc { name: "amend", params: "(kind, key, #{ fields })",
        zh: "修改上级文件中已声明的内容的部分字段(kind 为 campaign/batch/phase/step/require/material/form/vote/exam/gate/role/condition/unit/office/oversight/application;环节的 key 写作 \"阶段/环节\")。带 source 或 local 的修改替换上级的出处。上级 required 的内容只能加强,不能减弱(lock.weaken)。",
        en: "Change some fields of something a parent file declared (kind: campaign/batch/phase/step/require/material/form/vote/exam/gate/role/condition/unit/office/oversight/application; a step's key is \"phase/step\"). An amend with source or local replaces the parent's provenance. What the parent marks required may only be strengthened (lock.weaken).",
        example: r#"amend("phase", "学习动员", #{ batches: #{ 第一批: #{ extend_days: 10, source: "004: 参加第一批先进性教育活动单位学习动员阶段延长10天时间" } } });"# },
    FnDoc { name: "remove", params: "(kind, key)",
        zh: "删除上级文件中声明的内容。上级 required 的内容不能删除(lock.remove)。",
        en: "Remove something a parent file declared. What the parent marks required cannot be removed (lock.remove).",
        example: r#"remove("require", "百题测试");"# },
    FnDoc { name: "test", params: "(name, #{ checklist | schedule | material | score | satisfaction | exam | rules, expect })",
        zh: "在规则文件中写一个测试用例,用 `xianjiao test` 或演练场运行。checklist: #{ role, unit, batch, conditions, progress, on },结果键为 要求id(状态)、\"due:id\"、\"have:id\"、\"gate:阶段\";schedule: #{ unit, batch, on };material: #{ kind, role, text };score: #{ sheets: [[成员, 评议组, 分…]], form, decisions: [[成员, 结论, 处理方式]] }(支委会的决定须是 labels、handling 中的一项);satisfaction: #{ vote, counts: #{ 档次: 人数 }, groups: #{ 类别: 人数 } } 或 responses: [[单位, 档次]] / [[单位, 类别, 档次]];exam: #{ exam, units: [[单位, 应考, 参考, 回收, 平均成绩]], members: [[单位, 参考, 回收, 成绩]] };rules: #{} 得到继承后的完整规则(如 \"phases.学习动员.required\")。expect 的键可以是结果的顶层键或点分路径(\"phases.0.start\"、\"notices.0.on\"),数字相差 1e-4 以内算相等,数组和映射整体比较。`xianjiao test --mutate` 逐个改动声明中的数字、日期、布尔值和名称,列出测试没有发现的改动。",
        en: "A test case inside the rule file, run by `xianjiao test` or in the playground. checklist: #{ role, unit, batch, conditions, progress, on } with result keys <id> (status), \"due:<id>\", \"have:<id>\", \"gate:<phase>\"; schedule: #{ unit, batch, on }; material: #{ kind, role, text }; score: #{ sheets: [[member, group, marks…]], form, decisions: [[member, outcome, handling]] } (a committee decision must be one of labels / handling); satisfaction: #{ vote, counts: #{ tier: n }, groups: #{ group: n } } or responses: [[unit, tier]] / [[unit, group, tier]]; exam: #{ exam, units: [[unit, expected, took, returned, average]], members: [[unit, took, returned, score]] }; rules: #{} gives the merged typed rules (\"phases.学习动员.required\"). expect keys are top-level result keys or dotted paths (\"phases.0.start\", \"notices.0.on\"; an array element may be named: \"requirements.党性分析材料.roles\"); numbers compare within 1e-4, arrays and maps as wholes. `xianjiao test --mutate` changes each number, date, boolean and name of the declarations one at a time and lists the changes no test notices.",
        example: r#"test("党员学时不足未完成", #{ checklist: #{ role: "党员", progress: #{ 学习学时: [#{ date: "2005-01-20", hours: 3 }, #{ date: "2005-01-22", hours: 1 }] } }, expect: #{ 学习学时: "pending", "have:学习学时": 3 } });"# },
];

/// The rule reference as Markdown (Chinese first, English after), generated
/// from [`FUNCTIONS`] so that it cannot drift from the engine.
pub fn reference_markdown() -> String {
    let mut out = String::from("# 规则函数参考 · Rule function reference\n\n");
    out.push_str(
        "本文件由 `xianjiao reference` 从引擎自身生成,请勿手改。/ Generated by `xianjiao reference` from the engine itself; do not edit.\n\n",
    );
    out.push_str("## 每条声明都可带的字段 · Fields every declaration takes\n\n");
    for (name, zh, en) in COMMON_DOC {
        out.push_str(&format!("- `{name}`:{zh}\n  \n  {en}\n"));
    }
    out.push_str("\n| 函数 function | 参数 parameters |\n|---|---|\n");
    for f in FUNCTIONS {
        out.push_str(&format!("| [`{}`](#{}) | `{}` |\n", f.name, f.name, f.params.replace('|', "\\|")));
    }
    for f in FUNCTIONS {
        out.push_str(&format!("\n## {}\n\n`{}{}`\n\n{}\n\n{}\n\n```rhai\n{}\n```\n", f.name, f.name, f.params, f.zh, f.en, f.example));
    }
    out
}

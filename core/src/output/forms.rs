//! The seeds' paper forms, blank, from the rules (002 附件3/4/5/6), and the
//! entry workbook the filled 附件3 sheets are typed into. One definition for
//! the CLI (`xianjiao forms`) and the office page (office wasm `blankForms`,
//! `entryWorkbook`). HTML comes from maud, which escapes every value.
//!
//! The rule language names no phase for a form: the title takes the phase the
//! caller gives, else the phase of the rules' first gate (转段), else none.

use super::results::{conclusion, MemberView, ResultsInput};
use crate::messages::Lang;
use crate::model::{Form, Rules};
use crate::ruleset::RuleSet;
use maud::{html, Markup, PreEscaped, DOCTYPE};

/// A member of the roster: name and, when known, 职务.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RosterEntry {
    /// 姓名.
    pub name: String,
    /// 职务 (blank when unknown; never the checklist role).
    #[serde(default)]
    pub post: Option<String>,
}

/// What the blank forms are made for.
#[derive(Debug, Clone, Default)]
pub struct FormsRequest {
    /// Members in roster order (empty: blank rows to write names in).
    pub roster: Vec<RosterEntry>,
    /// Copies of each 附件3 (one per rater).
    pub copies: usize,
    /// The phase in titles (default: the first gate's phase).
    pub phase: Option<String>,
}

/// The member form (附件3): the first form whose subject is a member.
pub fn member_form(rules: &Rules) -> Option<&Form> {
    rules.forms.iter().find(|f| f.subject != "unit")
}

/// The unit form (附件5): the first form whose subject is a unit.
pub fn unit_form(rules: &Rules) -> Option<&Form> {
    rules.forms.iter().find(|f| f.subject == "unit")
}

/// The phase the titles name.
pub fn phase(rules: &Rules, asked: Option<&str>) -> String {
    asked.map(str::to_string).or_else(|| rules.gates.first().map(|g| g.phase.clone())).unwrap_or_default()
}

/// "关坝镇先进性教育活动分析评议阶段" (campaign + phase + 阶段).
pub fn title_prefix(rules: &Rules, phase: &str) -> String {
    if phase.is_empty() {
        rules.campaign.name.clone()
    } else {
        format!("{}{phase}阶段", rules.campaign.name)
    }
}

fn pts(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

/// The forms' own styles, scoped to their pages (`section.page`), so a document
/// that holds other parts (`xianjiao report`) can carry them unchanged.
pub const FORM_CSS: &str = r#"
.page{break-before:page;break-after:page;page-break-after:always;color:#000;background:#fff}
.page:first-child{break-before:auto}
.page:last-child{break-after:auto;page-break-after:auto}
.page .att{margin:0 0 2mm;font-size:11pt;text-align:left}
.page h1{font-size:16pt;text-align:center;margin:0 0 1mm;font-weight:bold;border:none;padding:0}
.page h2{font-size:15pt;text-align:center;margin:0 0 4mm;font-weight:bold;border:none;padding:0}
.page p.sub{text-align:center;margin:0 0 3mm}
.page table{border-collapse:collapse;width:99.5%;table-layout:fixed;margin:0}
.page th,.page td{border:1px solid #000;padding:1mm 1.2mm;text-align:center;vertical-align:middle;font-weight:normal;overflow-wrap:anywhere;background:none;white-space:normal;width:auto}
.page table.a3 th.item{height:16mm;padding:1mm 0.5mm}
.page table.a3 td{height:9mm}
.page table.a3 th.name,.page table.a3 td.name{width:24mm}
.page table.a4 td.box{height:46mm;text-align:left;vertical-align:top}
.page table.a4 td.sign{height:22mm;text-align:left;vertical-align:bottom}
.page table.a4 td.remark{height:20mm}
.page td.composite .cnote{display:block;font-size:9.5pt;line-height:1.3;margin-top:.5mm}
.page p.sugg{font-size:10pt;color:#333;border-left:3px solid #999;padding-left:2mm;margin:0 0 1mm}
.page p.sugg b{color:#000;font-weight:bold}
.page .date{float:right;letter-spacing:2em}
.page table.a5 td{height:11mm}
.page table.a5 td.left{text-align:left}
.page table.a6 td{height:12mm}
.page table.a6 td.tall{height:30mm}
.page p.note{font-size:10pt;margin:2mm 0 0;text-align:left}
"#;

/// Print styles of a document of forms only: A4, ruled lines, one form per page, nothing cut.
pub const CSS: &str = r#"
*{box-sizing:border-box}
html{font-family:"Noto Serif CJK SC","Source Han Serif SC","SimSun","Songti SC",serif;font-size:11pt;color:#000;background:#fff;line-height:1.5}
body{margin:0 auto;max-width:186mm;padding:6mm}
@page{size:A4;margin:14mm 12mm}
@media print{body{padding:0;max-width:none}}
"#;

/// 附件3 测评表 for one 测评层次: the items and points across, the roster's names down.
fn attachment3(rules: &Rules, f: &Form, group: &str, roster: &[RosterEntry]) -> Markup {
    let blank_rows = if roster.is_empty() { 15 } else { 0 };
    let groups: Vec<String> = f.groups.iter().map(|(g, w)| format!("{g}平均分×{}", pts(*w))).collect();
    html! {
        section.page.a3 data-form="附件3" data-group=(group) {
            p.att { "附件3" }
            h1 { (rules.campaign.name) (f.name) }
            p.sub { "测评层次:" (group) }
            table.a3 {
                thead {
                    tr { th.name rowspan="2" { "党员姓名" } th colspan=(f.items.len()) { "测评项目及分值" } th rowspan="2" { "合计" } }
                    tr { @for (item, _) in &f.items { th.item { (item) } } }
                    tr { td.name { "分值" } @for (_, p) in &f.items { td { (pts(*p)) } } td { (pts(f.total)) } }
                }
                tbody {
                    @for m in roster { tr { td.name { (m.name) } @for _ in &f.items { td {} } td {} } }
                    @for _ in 0..blank_rows { tr { td.name {} @for _ in &f.items { td {} } td {} } }
                }
            }
            @if !f.groups.is_empty() {
                p.note { "注:党支部在发放和汇总此表时,按" (f.groups.iter().map(|g| g.0.as_str()).collect::<Vec<_>>().join("、")) "三个层次进行。党员综合得分=" (groups.join(" + "))
                    "(计算平均分时," (if f.trim { "去掉最高和最低分" } else { "不去最高和最低分" }) ")。" }
            }
        }
    }
}

/// What one 附件4 holds: blank for writing by hand, or filled from the results.
#[derive(Debug, Clone, Default)]
pub struct Opinion {
    /// 姓名.
    pub name: String,
    /// 职务 (from the roster; blank when unknown).
    pub post: String,
    /// 测评综合得分 (two decimals), empty on a blank form.
    pub composite: String,
    /// The rater groups that sent no sheet, under the composite (what it rests on goes in 备注).
    pub composite_note: Option<String>,
    /// Items scored highest / lowest, printed as a marked suggestion above the lines.
    pub strengths: Option<String>,
    /// Items scored lowest.
    pub weaknesses: Option<String>,
    /// 备注: conclusion, handling, note, group means.
    pub remark: String,
}

/// 附件4 党员评议意见表 for one member: the seed's rows (姓名/职务/测评综合得分,
/// 主要优点, 主要不足, 努力方向(建议), the two signatures, 备注) and the 注 line.
pub fn attachment4(title: &str, o: &Opinion) -> Markup {
    const SUGG: &str = "建议,供支委会参考:";
    html! {
        section.page.a4 data-form="附件4" data-member=(o.name) {
            p.att { "附件4" }
            h1 { (title) }
            h2 { "党员评议意见表" }
            table.a4 { colgroup { col style="width:17%"; col style="width:17%"; col style="width:12%"; col style="width:20%"; col style="width:18%"; col style="width:16%"; } tbody {
                tr { th { "姓名" } td { (o.name) } th { "职务" } td { (o.post) } th { "测评综合得分" } td.composite { (o.composite) @if let Some(n) = &o.composite_note { span.cnote { (n) } } } }
                tr { th { "主要优点" } td.box colspan="5" { @if let Some(x) = &o.strengths { p.sugg { b { (SUGG) } (x) } } } }
                tr { th { "主要不足" } td.box colspan="5" { @if let Some(x) = &o.weaknesses { p.sugg { b { (SUGG) } (x) } } } }
                tr { th { "努力方向" br; "(建议)" } td.box colspan="5" {} }
                tr { td.sign colspan="3" { "支部负责人签名" span.date { "年月日" } } td.sign colspan="3" { "党员本人签名" span.date { "年月日" } } }
                tr { th { "备注" } td.remark colspan="5" style="text-align:left" { (o.remark) } }
            } }
            p.note { "注:若不够书写,可另附页。" }
        }
    }
}

/// A number as people write it: at most two decimals, no trailing zeros.
fn short(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Strongest and weakest items of a member, as shares of their points (none when all are alike).
fn strengths(items: &[(String, f64)], m: &MemberView) -> (Option<String>, Option<String>) {
    let mut v: Vec<(f64, String)> = items
        .iter()
        .filter_map(|(name, pts)| {
            let x = m.items.get(name)?.as_f64()?;
            (*pts > 0.0).then(|| (x / pts, format!("“{name}”({}/{})", short(x), short(*pts))))
        })
        .collect();
    if v.len() < 2 {
        return (None, None);
    }
    v.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (hi, lo) = (v[0].0, v[v.len() - 1].0);
    if (hi - lo).abs() < 1e-9 {
        return (None, None);
    }
    let k = (v.len() / 4).clamp(1, 2);
    let best: Vec<String> = v.iter().take(k).filter(|x| x.0 > lo).map(|x| x.1.clone()).collect();
    let worst: Vec<String> = v.iter().rev().take(k).filter(|x| x.0 < hi).map(|x| x.1.clone()).collect();
    let say = |l: Vec<String>, how: &str| (!l.is_empty()).then(|| format!("{}{how}", l.join("、")));
    (say(best, "得分率较高。"), say(worst, "得分率相对较低。"))
}

/// The filled 附件4 of one member: composite with two decimals and what it rests
/// on when a rater group is missing, 职务 from the roster, 备注 with the
/// conclusion (决定 or 建议), handling, note and the group means.
pub fn opinion(groups: &[String], items: &[(String, f64)], m: &MemberView, post: Option<&str>) -> Opinion {
    // The composite cell is narrow: it names the missing group; 备注 says what the score rests on.
    let missing = m.missing_groups.iter().map(|g| format!("“{g}”")).collect::<Vec<_>>().join("、");
    let composite_note = (!m.missing_groups.is_empty()).then(|| format!("(缺{missing})"));
    let mut remark = vec![];
    if !m.missing_groups.is_empty() {
        let present: Vec<&str> = groups.iter().filter(|g| !m.missing_groups.contains(g)).map(String::as_str).collect();
        remark.push(if present.is_empty() {
            format!("缺少{missing}的测评表")
        } else {
            format!("缺少{missing}的测评表,测评综合得分仅按{}的权重折算", present.join("、"))
        });
    }
    let c = conclusion(m, Lang::Zh);
    if !c.is_empty() {
        remark.push(format!("测评结论:{c}"));
    }
    let d = m.decision.as_ref();
    if let Some(h) = d.and_then(|d| d.handling.as_deref()).filter(|h| !h.is_empty()) {
        remark.push(format!("处理方式:{h}"));
    }
    if let Some(n) = d.and_then(|d| d.note.as_deref()).filter(|n| !n.is_empty()) {
        remark.push(n.to_string());
    }
    let means: Vec<String> = groups
        .iter()
        .filter_map(|g| m.group(g).map(|(mean, n)| (g, mean, n)))
        .map(|(g, mean, n)| format!("{g} {}({n} 份)", mean.map(|x| format!("{x:.2}")).unwrap_or_default()))
        .collect();
    if !means.is_empty() {
        remark.push(means.join(";"));
    }
    let (strengths, weaknesses) = strengths(items, m);
    Opinion {
        name: m.member.clone(),
        post: post.unwrap_or("").to_string(),
        composite: m.composite.map(|x| format!("{x:.2}")).unwrap_or_default(),
        composite_note,
        strengths,
        weaknesses,
        remark: remark.join("。"),
    }
}

/// Members in roster order (those the roster lacks after it, in the sheets' order), each with its 职务.
pub fn roster_order<'a>(members: &'a [MemberView], roster: &'a [RosterEntry]) -> Vec<(&'a MemberView, Option<&'a str>)> {
    let mut out: Vec<(&MemberView, Option<&str>)> = vec![];
    for r in roster {
        if let Some(m) = members.iter().find(|m| m.member == r.name) {
            out.push((m, r.post.as_deref()));
        }
    }
    for m in members {
        if !roster.iter().any(|r| r.name == m.member) {
            out.push((m, None));
        }
    }
    out
}

/// The filled 附件4 pages, one per member, in roster order.
pub fn opinion_pages(rs: &RuleSet, x: &ResultsInput, roster: &[RosterEntry], phase: Option<&str>) -> Markup {
    let rules = rs.rules();
    let title = title_prefix(rules, &self::phase(rules, phase));
    let groups = super::results::groups(rs, &x.report.form);
    html! {
        @for (m, post) in roster_order(&x.report.members, roster) { (attachment4(&title, &opinion(&groups, &x.report.items, m, post))) }
    }
}

/// The filled 附件4 pages as one printable HTML document (the office page's print, `report`'s last part).
pub fn opinion_forms(rs: &RuleSet, x: &ResultsInput, roster: &[RosterEntry], phase: Option<&str>) -> String {
    let title = title_prefix(rs.rules(), &self::phase(rs.rules(), phase));
    document(&format!("{title} 党员评议意见表"), opinion_pages(rs, x, roster, phase))
}

/// 附件5 “回头看”群众测评表 (the unit form).
fn attachment5(prefix: &str, f: &Form) -> Markup {
    html! {
        section.page.a5 data-form="附件5" {
            p.att { "附件5" }
            h1 { (prefix) "“回头看”" }
            h2 { "群众测评表" }
            table.a5 {
                thead { tr { th style="width:55%" { "项目" } th { "标准分" } th { "测评分" } th { "备注" } } }
                tbody {
                    @for (i, (item, p)) in f.items.iter().enumerate() { tr { td.left { (i + 1) "、" (item) } td { (pts(*p)) } td {} td {} } }
                    tr { td { "合计" } td { (pts(f.total)) } td {} td {} }
                }
            }
        }
    }
}

/// What a filled 附件6 holds: one unit's respondents and tiers from the 回头看 vote.
#[derive(Debug, Clone, Default)]
pub struct LookbackFill {
    /// 被测评单位.
    pub unit: String,
    /// 合计 respondents.
    pub total: String,
    /// Respondents per group, in the vote's group order.
    pub groups: Vec<String>,
    /// Respondents per tier, in the vote's tier order.
    pub counts: Vec<String>,
    /// Each tier's share of the respondents (percent, two decimals at most).
    pub shares: Vec<String>,
}

/// 附件6 “回头看”群众测评表 for the vote with respondent groups, in the seed's rows
/// (002: 被测评单位; 参加测评群众情况(人) by group with 合计; 测评结果: 测评档次(人)
/// and 占参评人员的 per tier; 测评群众代表签名; 督导组审查意见): blank, or filled for a unit.
fn attachment6(rules: &Rules, prefix: &str, vote: Option<&str>, fill: Option<&LookbackFill>) -> Option<Markup> {
    let v = rules.votes.iter().find(|v| !v.groups.is_empty() && vote.is_none_or(|n| n == v.name))?;
    // 002 prints "关坝镇第二批先进性教育活动分析评议阶段": the batch after the locality.
    let rest = prefix.strip_prefix(rules.campaign.name.as_str()).unwrap_or("");
    let head = match (rules.campaign.batch.as_deref(), rules.campaign.name.find("先进性教育活动")) {
        (Some(b), Some(i)) => format!("{}{b}{}{rest}", &rules.campaign.name[..i], &rules.campaign.name[i..]),
        _ => prefix.to_string(),
    };
    // Columns after the row label: 合计 and one per respondent group.
    let k = v.groups.len() + 1;
    let m = v.tiers.len().max(1);
    let span = |i: usize| if i + 1 == m { (k - 1) - (k - 1) / m * (m - 1) } else { (k - 1) / m };
    let cell = |x: Option<&Vec<String>>, i: usize| x.and_then(|x| x.get(i)).cloned().unwrap_or_default();
    Some(html! {
        section.page.a6 data-form="附件6" data-unit=[fill.map(|f| f.unit.as_str())] {
            p.att { "附件6" }
            h1 { (head) }
            h2 { "“回头看”群众测评表" }
            table.a6 { tbody {
                tr { th style="width:16mm" { "被测评单位" } td colspan=(k) { @if let Some(f) = fill { (f.unit) } } }
                tr { th rowspan="2" { "参加测评群众情况(人)" } th { "合计" } @for g in &v.groups { th { (g) } } }
                tr { td { @if let Some(f) = fill { (f.total) } } @for i in 0..v.groups.len() { td { (cell(fill.map(|f| &f.groups), i)) } } }
                tr { th rowspan="3" { "测评结果" } th rowspan="2" { "测评档次(人)" } @for (i, t) in v.tiers.iter().enumerate() { th colspan=(span(i)) { (t) } } }
                tr { @for i in 0..v.tiers.len() { td colspan=(span(i)) { (cell(fill.map(|f| &f.counts), i)) } } }
                tr { th { "占参评人员的" } @for i in 0..v.tiers.len() { td colspan=(span(i)) style="text-align:right" { (cell(fill.map(|f| &f.shares), i)) "%" } } }
                tr { th { "测评群众代表签名" } td.tall colspan=(k) {} }
                tr { th { "督导组审查意见" } td.tall colspan=(k) {} }
            } }
        }
    })
}

/// The filled 附件6 pages of a 回头看 vote, one per unit in the vote's order (none when the
/// rules' vote of that name counts no respondent groups): `report` prints them.
pub fn lookback_pages(rs: &RuleSet, votes: &crate::VoteReport, phase: Option<&str>) -> Markup {
    let rules = rs.rules();
    let prefix = title_prefix(rules, &self::phase(rules, phase));
    let Some(v) = rules.votes.iter().find(|v| v.name == votes.vote && !v.groups.is_empty()) else { return html! {} };
    let count = |m: &serde_json::Map<String, serde_json::Value>, key: &str| m.get(key).map(|x| x.to_string()).unwrap_or_default();
    html! {
        @for t in &votes.subjects {
            @let f = LookbackFill {
                unit: t.subject.clone(),
                total: t.total.to_string(),
                groups: v.groups.iter().map(|g| count(&t.groups, g)).collect(),
                counts: v.tiers.iter().map(|x| count(&t.counts, x)).collect(),
                shares: v.tiers.iter().map(|x| t.shares.get(x).and_then(|x| x.as_f64()).map(short).unwrap_or_default()).collect(),
            };
            @if let Some(page) = attachment6(rules, &prefix, Some(&v.name), Some(&f)) { (page) }
        }
    }
}

/// One HTML document from pages.
pub fn document(title: &str, pages: Markup) -> String {
    document_in("zh-CN", title, "", pages)
}

/// One HTML document from pages in language `lang`, the forms' styles followed by `more_css`.
pub(crate) fn document_in(lang: &str, title: &str, more_css: &str, pages: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang=(lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width";
                meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'";
                title { (title) }
                style { (PreEscaped(CSS)) (PreEscaped(FORM_CSS)) (PreEscaped(more_css)) }
            }
            body { (pages) }
        }
    }
    .into_string()
}

/// The blank forms: 附件3 per 测评层次 (× copies), a blank 附件4 per member,
/// 附件5 and 附件6 — one printable HTML document.
pub fn blank_forms(rs: &RuleSet, req: &FormsRequest) -> Result<String, String> {
    let rules = rs.rules();
    let f = member_form(rules).ok_or("规则中没有党员测评表(form),无法生成测评表 / the rules have no member form")?;
    let phase = phase(rules, req.phase.as_deref());
    let prefix = title_prefix(rules, &phase);
    let groups: Vec<String> = if f.groups.is_empty() { vec![String::new()] } else { f.groups.iter().map(|g| g.0.clone()).collect() };
    let copies = req.copies.max(1);
    let one = RosterEntry::default();
    let members: Vec<&RosterEntry> = if req.roster.is_empty() { vec![&one] } else { req.roster.iter().collect() };
    let pages = html! {
        @for g in &groups { @for _ in 0..copies { (attachment3(rules, f, g, &req.roster)) } }
        @for m in &members { (attachment4(&prefix, &Opinion { name: m.name.clone(), post: m.post.clone().unwrap_or_default(), ..Opinion::default() })) }
        @if let Some(u) = unit_form(rules) { (attachment5(&prefix, u)) }
        @if let Some(a6) = attachment6(rules, &prefix, None, None) { (a6) }
    };
    Ok(document(&format!("{prefix} 测评表"), pages))
}

//! The printable report (`xianjiao report`): one self-contained HTML file a
//! branch secretary can open from a USB stick and print — a summary, SVG
//! charts, the 回头看 unit scores (附件5) and respondents by group and tier
//! (附件6), the unit roll-up of the 转段 gate with a draft 转段申请, and one
//! 评议意见表 (附件4) per member on its own A4 page.
//!
//! Nothing is fetched: styles are inline, charts are inline SVG, no fonts or
//! scripts. HTML comes from maud, which escapes every value. The 转段申请 is
//! its own template ([`application`]), which the office page prints too.

use super::forms::{self, RosterEntry};
use super::results::ResultsInput;
use crate::eval::checklist::{Checklist, ItemStatus};
use crate::messages::Lang;
use crate::model::Rules;
use crate::ruleset::RuleSet;
use crate::{ScoreReport, Tally, VoteReport};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde::{Deserialize, Serialize};

/// Chinese or English text.
fn t<'b>(l: Lang, zh: &'b str, en: &'b str) -> &'b str {
    if l == Lang::Zh {
        zh
    } else {
        en
    }
}

/// A number as people write it: at most `d` decimals, no trailing zeros.
pub fn num(x: f64, d: usize) -> String {
    let s = format!("{x:.d$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A number as Rust prints it (SVG sizes given as whole numbers: `680`).
fn d(x: f64) -> String {
    format!("{x}")
}

/// One decimal (SVG coordinates).
fn f1(x: f64) -> String {
    format!("{x:.1}")
}

/// No decimals (SVG sizes).
fn f0(x: f64) -> String {
    format!("{x:.0}")
}

/// A member's checklist for the 转段 roll-up, or why there is none.
#[derive(Debug, Clone, Copy)]
pub struct MemberProgress<'a> {
    /// 姓名.
    pub member: &'a str,
    /// The member's own unit (镇机关), when given.
    pub unit: Option<&'a str>,
    /// The checklist, or why it could not be made.
    pub list: Result<&'a Checklist, &'a str>,
}

/// Everything the report shows.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// The rules.
    pub rs: &'a RuleSet,
    /// The score report (members, outcomes, row counts).
    pub report: &'a ScoreReport,
    /// The results as the other outputs read them: rows not used, names with a satisfaction vote and no sheet.
    pub results: &'a ResultsInput,
    /// The 回头看 vote (附件6), when given.
    pub votes: Option<&'a VoteReport>,
    /// The 回头看 unit scores (附件5), when given.
    pub lookback: Option<&'a ScoreReport>,
    /// Members' checklists, when profiles were given.
    pub progress: Option<&'a [MemberProgress<'a>]>,
    /// Headings' language (the forms are the seed's Chinese in either).
    pub lang: Lang,
    /// The roster (花名册): order and 职务 of the 评议意见表.
    pub roster: &'a [RosterEntry],
    /// The phase the 评议意见表's title names.
    pub phase: Option<&'a str>,
    /// Whom the 转段申请 is addressed to (empty: [`addressees`]).
    pub to: &'a [String],
    /// The rules declare no form (000, 001, 004 give none, and none is invented): no scores, charts or 附件4,
    /// only what needs no form — the votes, the transition roll-up and the draft 转段申请.
    pub no_form: bool,
}

/// A section's number in the report's language (一、 or 1. ).
fn section_no(l: Lang, k: usize) -> String {
    const ZH: [&str; 6] = ["一", "二", "三", "四", "五", "六"];
    match l {
        Lang::Zh => format!("{}、", ZH.get(k.wrapping_sub(1)).copied().unwrap_or("")),
        _ => format!("{k}. "),
    }
}

/// A member who blocks the 转段 gate and what is missing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Blocker {
    /// 姓名.
    pub member: String,
    /// The labels still missing.
    pub missing: Vec<String>,
}

/// The 回头看 (成效测评) figures the application quotes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Survey {
    /// The vote's name.
    pub vote: String,
    /// The figures are all units summed (the unit has none of its own).
    #[serde(default)]
    pub all_units: bool,
    /// Respondents.
    pub total: u64,
    /// The tiers the rate counts (满意、基本满意).
    pub rate_of: Vec<String>,
    /// The rate, percent.
    pub rate: f64,
    /// What the rules require at that rate (补课).
    #[serde(default)]
    pub action: Option<String>,
}

/// A unit's 转段申请: what the branch applies with, and to whom.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Application {
    /// The unit as named on the application (镇机关).
    pub unit: String,
    /// The phase the application closes.
    pub phase: String,
    /// The phase after it (none: the last).
    #[serde(default)]
    pub next: Option<String>,
    /// Members who took part.
    pub members: usize,
    /// Members who completed every requirement (none: not known, a blank to fill in).
    #[serde(default)]
    pub met: Option<usize>,
    /// Members who block the gate.
    #[serde(default)]
    pub blockers: Vec<Blocker>,
    /// The 回头看 figures (none: a blank to fill in).
    #[serde(default)]
    pub survey: Option<Survey>,
    /// Addressees (先教办, 督导组): a 督导组 reviews, the others approve.
    pub to: Vec<String>,
}

/// The phase after `phase` in the rules.
pub fn next_phase(rules: &Rules, phase: &str) -> Option<String> {
    rules.phases.iter().position(|p| p.name == phase).and_then(|i| rules.phases.get(i + 1)).map(|p| p.name.clone())
}

/// Whom a phase's 转段申请 goes to: the rules' `application` for the phase (its
/// office's 督导组 when it reviews, then the approving office), else the seed's
/// 先教办 and 督导组 (000: "向派驻本地本单位的督导组和市委先教办提出转段申请").
pub fn addressees(rules: &Rules, phase: &str) -> Vec<String> {
    if let Some(a) = rules.applications.iter().find(|a| a.phase == phase) {
        let mut to: Vec<String> = vec![];
        if let Some(o) = &a.approve {
            to.push(o.clone());
        }
        if a.review {
            to.extend(rules.oversights.iter().filter(|g| a.approve.is_none() || g.office == a.approve).map(|g| g.name.clone()));
        }
        if !to.is_empty() {
            return to;
        }
    }
    vec!["先教办".into(), "督导组".into()]
}

/// The words of the draft 转段申请 in one language: templates whose `{name}`s
/// [`fill`] replaces. One paragraph, written once, with the language as data.
struct DraftWords {
    /// `{phase}`, `{n}` members, `{met}` done.
    took_part: &'static str,
    /// `{met}` when not known.
    met_blank: &'static str,
    /// Every member is done.
    met: &'static str,
    /// A member `{m}` and the `{labels}` still missing.
    missing: &'static str,
    /// One missing label `{x}`.
    label: &'static str,
    label_sep: &'static str,
    who_sep: &'static str,
    /// `{count}` members not done: `{who}`.
    not_met: &'static str,
    /// The look-back vote `{vote}` (`{all}`: all units summed), `{total}` respondents, `{rate_of}` at `{rate}`%.
    survey: &'static str,
    all_units: &'static str,
    rate_sep: &'static str,
    /// What the rules require at that rate: `{action}`.
    action: &'static str,
    /// No vote given.
    no_survey: &'static str,
    /// The application to move on to phase `{next}`.
    apply: &'static str,
    /// `{next}` when there is no later phase.
    next: &'static str,
    /// The seed's path of the application (000): `{reviewers}` review it, then `{approvers}` agree.
    review: &'static str,
    /// A reviewer's or approver's box: `{who}`.
    opinion: &'static str,
    /// The other fixed words: mark, title, closing, seal, date, addressee separator.
    draftmark: &'static str,
    title_about: &'static str,
    title_end: &'static str,
    closing: &'static str,
    branch_seal: &'static str,
    seal: &'static str,
    date: &'static str,
    sep: &'static str,
}

const DRAFT_ZH: DraftWords = DraftWords {
    took_part: "　　我单位{phase}阶段共有 {n} 名党员参加,其中 {met} 名已完成本阶段各项要求。",
    met_blank: "____",
    met: "转段条件已满足。",
    missing: "{m}(尚缺:{labels})",
    label: "“{x}”",
    label_sep: "、",
    who_sep: ";",
    not_met: "尚有 {count} 名党员未完成:{who}。转段条件尚未满足,待上述事项完成后再申请转段。",
    survey: "阶段成效测评(“{vote}”){all}参评 {total} 人,{rate_of}占 {rate}%。",
    all_units: "全部单位合计",
    rate_sep: "、",
    action: "按规定需{action}。",
    no_survey: "阶段成效测评(“回头看”群众测评)满意和基本满意率为 ____%(未提供测评结果,请填写)。",
    apply: "经支部委员会研究,申请转入{next}阶段。",
    next: "下一",
    review: "　　本申请经{reviewers}审查后上报,{approvers}同意后,再召开会议进行小结与转段动员。",
    opinion: "{who}意见:",
    draftmark: "草稿,供支部修改后上报",
    title_about: "关于",
    title_end: "阶段转段的申请",
    closing: "　　特此申请。",
    branch_seal: "党支部(盖章)",
    seal: "(盖章)",
    date: "年　　月　　日",
    sep: "、",
};

const DRAFT_EN: DraftWords = DraftWords {
    took_part: "In the {phase} phase {n} members took part; {met} have completed every requirement. ",
    met_blank: "____",
    met: "The transition conditions are met. ",
    missing: "{m} (missing: {labels})",
    label: "{x}",
    label_sep: ", ",
    who_sep: "; ",
    not_met: "{count} members have not: {who}. The conditions are not met yet; we will apply once these are done. ",
    survey: "Phase-effect survey (“{vote}”){all}: {total} respondents, {rate_of} {rate}%. ",
    all_units: ", all units",
    rate_sep: " + ",
    action: "The rules require: {action}. ",
    no_survey: "Phase-effect survey (look-back) satisfaction rate: ____% (not given). ",
    apply: "We apply to move on to the {next} phase.",
    next: "next",
    review: "This application goes to {reviewers} for review, then to {approvers}; once they agree, the phase is closed at a meeting. ",
    opinion: "Opinion of {who}: ",
    draftmark: "DRAFT — for the branch to edit before sending",
    title_about: " — application to close the ",
    title_end: " phase",
    closing: "Respectfully submitted.",
    branch_seal: " Party branch (seal)",
    seal: "(seal)",
    date: "Date: ________",
    sep: ", ",
};

/// A template with each `{name}` replaced by its value, in one pass (a value
/// that itself contains braces, such as a member's name, is left as it is).
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| values.iter().find(|(k, _)| *k == &after[..close]).map(|(_, v)| (close, v))) {
            Some((close, v)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The draft 转段申请 of one unit: the gate's result, the look-back rate, and
/// the seed's path (000: "经督导组审查后上报,市委先教办同意后"), with an
/// opinion box for each addressee. `report` and the office page print this.
pub fn application(a: &Application, l: Lang) -> Markup {
    let w = if l == Lang::Zh { &DRAFT_ZH } else { &DRAFT_EN };
    let n = a.members.to_string();
    let met = a.met.map(|m| m.to_string());
    let mut body = fill(w.took_part, &[("phase", &a.phase), ("n", &n), ("met", met.as_deref().unwrap_or(w.met_blank))]);
    if a.blockers.is_empty() {
        if a.met.is_some() {
            body.push_str(w.met);
        }
    } else {
        let who: Vec<String> = a
            .blockers
            .iter()
            .map(|b| {
                let labels: Vec<String> = b.missing.iter().map(|x| fill(w.label, &[("x", x)])).collect();
                fill(w.missing, &[("m", &b.member), ("labels", &labels.join(w.label_sep))])
            })
            .collect();
        body += &fill(w.not_met, &[("count", &a.blockers.len().to_string()), ("who", &who.join(w.who_sep))]);
    }
    match &a.survey {
        Some(s) => {
            let all = if s.all_units { w.all_units } else { "" };
            body += &fill(
                w.survey,
                &[
                    ("vote", &s.vote),
                    ("all", all),
                    ("total", &s.total.to_string()),
                    ("rate_of", &s.rate_of.join(w.rate_sep)),
                    ("rate", &num(s.rate, 2)),
                ],
            );
            if let Some(x) = &s.action {
                body += &fill(w.action, &[("action", x)]);
            }
        }
        None => body.push_str(w.no_survey),
    }
    if a.blockers.is_empty() {
        body += &fill(w.apply, &[("next", a.next.as_deref().unwrap_or(w.next))]);
    }
    // 000: "经督导组审查后上报,市委先教办同意后": the 督导组 reviews, the others approve.
    let (reviewers, approvers): (Vec<&String>, Vec<&String>) = a.to.iter().partition(|x| x.contains("督导"));
    let join = |v: &[&String]| v.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(w.sep);
    let review = (!reviewers.is_empty() && !approvers.is_empty())
        .then(|| fill(w.review, &[("reviewers", &join(&reviewers)), ("approvers", &join(&approvers))]));
    html! {
        div.draft {
            p.draftmark { (w.draftmark) }
            h3 { (a.unit) (w.title_about) (a.phase) (w.title_end) }
            p { (a.to.join(w.sep)) ":" }
            p { (body) }
            @if let Some(r) = review { p { (r) } }
            p { (w.closing) }
            p.stamp { (a.unit) (w.branch_seal) br; (w.date) }
            @for who in reviewers.iter().chain(&approvers) {
                div.opinion { p { (fill(w.opinion, &[("who", who)])) } p.stamp { (w.seal) br; (w.date) } }
            }
        }
    }
}

/// The 转段申请 alone as one printable HTML document (the office page's print).
pub fn application_document(a: &Application, l: Lang) -> String {
    let title = format!("{}{}{}{}", a.unit, t(l, "关于", " — application to close the "), a.phase, t(l, "阶段转段的申请", " phase"));
    forms::document_in(t(l, "zh-CN", "en"), &title, DRAFT_CSS, html! { section.page data-form="转段申请" { (application(a, l)) } })
}

/// The 转段申请 the office page prints from the scored sheets alone (one unit): the members are
/// counted from the results; how many met every requirement and the 回头看 rate are left as
/// blanks to fill in (the page reads no checklists or votes). Addressed to `to`, else [`addressees`].
pub fn results_application(rs: &RuleSet, x: &ResultsInput, unit: &str, to: &[String], phase: Option<&str>, l: Lang) -> String {
    let rules = rs.rules();
    let phase = forms::phase(rules, phase);
    let unit = unit.trim();
    let a = Application {
        unit: if unit.is_empty() { "________".into() } else { unit.to_string() },
        next: next_phase(rules, &phase),
        members: x.report.members.len(),
        met: None,
        blockers: vec![],
        survey: None,
        to: if to.is_empty() { addressees(rules, &phase) } else { to.to_vec() },
        phase,
    };
    application_document(&a, l)
}

const CSS_HEAD: &str = r#"
*{box-sizing:border-box}
html{font-family:"Noto Serif CJK SC","Source Han Serif SC","SimSun","Songti SC",serif;font-size:11pt;color:#111;background:#fff;line-height:1.5}
body{margin:0 auto;max-width:190mm;padding:8mm}
h1{font-size:18pt;text-align:center;margin:0 0 4mm}
h2{font-size:14pt;border-bottom:1.5px solid #222;margin:8mm 0 3mm;padding-bottom:1mm;break-after:avoid}
h3{font-size:12pt;margin:5mm 0 2mm;break-after:avoid}
p.meta{text-align:center;color:#333;margin:0 0 4mm}
table{border-collapse:collapse;width:100%;margin:2mm 0 4mm}
th,td{border:1px solid #444;padding:1.2mm 2mm;vertical-align:top;text-align:left;overflow-wrap:anywhere}
th{background:#eee;font-weight:bold}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr{break-inside:avoid}
th.who,td.who{white-space:nowrap;width:1%}
th.g{text-align:center;font-size:9.5pt;vertical-align:middle}
thead{display:table-header-group}
figure{margin:3mm 0;break-inside:avoid}
figcaption{font-weight:bold;margin-bottom:1mm}
svg{display:block;max-width:100%;height:auto}
.legend span{display:inline-block;margin-right:5mm}
.legend i{display:inline-block;width:4mm;height:3mm;margin-right:1mm;vertical-align:middle;print-color-adjust:exact;-webkit-print-color-adjust:exact}
.note{color:#333;font-size:10pt}
.warn{color:#8a1c00}
"#;

/// The 转段申请's styles, scoped to `.draft` (the office page shows it next to its own UI).
const DRAFT_CSS: &str = r#".draft{border:1px dashed #666;padding:4mm 6mm;margin:3mm 0;break-inside:avoid}
.draft h3{text-align:center}
.draft .stamp{text-align:right;margin-top:6mm}
.draftmark{color:#8a1c00;font-weight:bold}
.draft .opinion{border-top:1px solid #666;margin-top:4mm;min-height:30mm}
"#;

const CSS_TAIL: &str = r#"section.part{break-after:page}
@page{size:A4;margin:14mm 12mm}
@media print{body{padding:0;max-width:none}h2{margin-top:4mm}}
"#;

/// Members per bar chart: a chart with its caption and legend fits one A4 page
/// (an SVG taller than a page would be cut, not broken).
const CHART_ROWS: usize = 16;

const COLORS: [&str; 7] = ["#1f5fa8", "#d9822b", "#3a8f3a", "#8e44ad", "#b03a2e", "#148f95", "#6e6e6e"];

/// The report as one HTML document.
pub fn report(x: &ReportInput) -> String {
    let l = x.lang;
    let title = if x.no_form {
        format!("{}{}", x.rs.rules().campaign.name, t(l, " 转段条件汇总", " — phase transition roll-up"))
    } else {
        format!("{}{}", x.rs.rules().campaign.name, t(l, " 党员评议结果", " — appraisal results"))
    };
    let form = if x.no_form { t(l, "(规则中没有测评表)", "(the rules declare none)") } else { x.report.form.as_str() };
    let first = if x.no_form { 1 } else { 4 };
    let colon = t(l, ":", ": ");
    let files = x.rs.files().join(" → ");
    html! {
        (DOCTYPE) "\n"
        html lang=(t(l, "zh-CN", "en")) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width";
                meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:";
                title { (title) }
                style { (PreEscaped(CSS_HEAD)) (PreEscaped(DRAFT_CSS)) (PreEscaped(CSS_TAIL)) (PreEscaped(forms::FORM_CSS)) }
            }
            body {
                "\n"
                section.part {
                    h1 { (title) }
                    p.meta { (t(l, "测评表", "Form")) (colon) (form) " · " (t(l, "规则", "Rules")) (colon) (files) }
                    "\n"
                    @if x.no_form {
                        p.note {
                            (t(l, "规则中没有测评表(种子没有给出党员测评表的,规则文件不编造):测评得分、评议结论、图表和附件4 评议意见表需要测评表,本报告不含这些;\
                                下面是不需要测评表的部分:测评结果、转段条件汇总和转段申请草稿。",
                               "The rules declare no appraisal form (none is invented where the seed gives none): scores, outcomes, charts and the \
                                opinion pages need one and are not in this report; below are the parts that need none: votes, the transition roll-up \
                                and the draft applications."))
                        }
                    } @else {
                        (summary(x))
                        (charts(x))
                        (rejected(x))
                    }
                }
                "\n"
                @if x.votes.is_some() || x.lookback.is_some() {
                    section.part {
                        h2 { (section_no(l, first)) @if x.no_form { (t(l, "测评结果", "Votes")) } @else { (t(l, "“回头看”群众测评", "Look-back survey (回头看)")) } }
                        (lookback_table(x))
                        (votes_table(x))
                    }
                    "\n"
                    // 附件6, one per unit: the seed's form (forms prints it blank).
                    @if let Some(v) = x.votes { (forms::lookback_pages(x.rs, v, x.phase)) }
                }
                @if let Some(ps) = x.progress {
                    section.part { (rollup(x, ps)) }
                    "\n"
                }
                // 附件4, one per member in roster order: the office page prints the same pages.
                @if !x.no_form { (forms::opinion_pages(x.rs, x.results, x.roster, x.phase)) }
            }
        }
        "\n"
    }
    .into_string()
}

fn summary(x: &ReportInput) -> Markup {
    let (l, r) = (x.lang, x.report);
    let n = r.members.len();
    let mean = if n == 0 { 0.0 } else { r.members.iter().map(|m| m.composite).sum::<f64>() / n as f64 };
    let mut counts: Vec<(String, usize, usize)> = vec![];
    for m in &r.members {
        let (label, decided) = match (&m.decision, &m.outcome) {
            (Some(d), _) => (d.outcome.clone(), true),
            (None, Some(o)) => (o.clone(), false),
            (None, None) => (t(l, "(无结论)", "(none)").to_string(), false),
        };
        match counts.iter_mut().find(|c| c.0 == label) {
            Some(c) => {
                c.1 += 1;
                if decided {
                    c.2 += 1;
                }
            }
            None => counts.push((label, 1, usize::from(decided))),
        }
    }
    let other = x.results.problems.len().saturating_sub(r.rejected.len());
    html! {
        h2 { (t(l, "一、概况", "1. Summary")) }
        table { tbody {
            tr { th { (t(l, "参评党员", "Members")) } td.n { (n) } }
            tr { th { (t(l, "平均综合得分", "Mean composite")) } td.n { (num(mean, 2)) } }
            @for (label, k, decided) in &counts {
                tr {
                    th { (t(l, "结论:", "Outcome: ")) (label) }
                    td.n {
                        (k) " "
                        @if r.outcome_rule.suggestion {
                            "(" (t(l, "其中支委会已决定 ", "committee decided ")) (decided) (t(l, " 人,其余为建议", "; the rest are suggestions")) ")"
                        }
                    }
                }
            }
            tr { th { (t(l, "测评表行数:读入 / 计分 / 剔除", "Sheet rows: read / scored / rejected")) } td.n { (r.rows.read) " / " (r.rows.scored) " / " (r.rows.rejected) } }
            @if other > 0 {
                tr { th { (t(l, "其他未采用的行(决定、投票、清单)", "Other rows not used (decisions, votes, profiles)")) } td.n { (other) } }
            }
            @if let Some(v) = x.votes {
                tr {
                    th { (v.vote) (t(l, ":", ": ")) (v.rate_of.join(t(l, "、", " + "))) (t(l, "占比", " share")) }
                    td.n { (num(v.overall.rate, 2)) "% (" (v.overall.total) " " (t(l, "人", "respondents")) ")" }
                }
            }
        } }
        @if !x.results.unmatched_satisfaction.is_empty() {
            p.warn { (t(l, "以下姓名有满意度测评但没有测评表,未采用:", "Satisfaction votes for names with no sheets (not used): ")) (x.results.unmatched_satisfaction.join("、")) }
        }
        @if !r.unmatched_decisions.is_empty() {
            p.warn { (t(l, "以下姓名有支委会决定但没有测评表,决定未采用:", "Decisions for names with no sheets (not applied): ")) (r.unmatched_decisions.join("、")) }
        }
    }
}

fn charts(x: &ReportInput) -> Markup {
    let (l, r) = (x.lang, x.report);
    let total: f64 = r.items.iter().map(|x| x.1).sum::<f64>().max(1.0);
    // Distribution of composites: ten equal bins of the form's total.
    let mut bins = [0usize; 10];
    for m in &r.members {
        let b = ((m.composite / total * 10.0).floor().max(0.0) as usize).min(9);
        bins[b] += 1;
    }
    let top = bins.iter().copied().max().unwrap_or(0).max(1);
    let (w, hgt, left, bottom) = (680.0, 220.0, 40.0, 30.0);
    let bw = (w - left - 10.0) / 10.0;
    let plot = hgt - bottom - 10.0;
    // Each group's mean per member, in chunks that fit a page.
    let groups = r.items_groups();
    html! {
        h2 { (t(l, "二、图表", "2. Charts")) }
        figure {
            figcaption { (t(l, "综合得分分布(人数)", "Distribution of composites (members)")) }
            svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {w} {hgt}")) width=(d(w)) height=(d(hgt)) role="img"
                aria-label=(t(l, "综合得分分布", "distribution of composites")) font-size="11" {
                @for (i, c) in bins.iter().enumerate() {
                    @let x = left + i as f64 * bw;
                    @let bh = *c as f64 / top as f64 * plot;
                    @let y = 10.0 + plot - bh;
                    rect x=(f1(x + 3.0)) y=(f1(y)) width=(f1(bw - 6.0)) height=(f1(bh)) fill=(COLORS[0]) {}
                    @if *c > 0 { text x=(f1(x + bw / 2.0)) y=(f1(y - 2.0)) text-anchor="middle" { (c) } }
                    @let lo = total * i as f64 / 10.0;
                    text x=(f1(x + bw / 2.0)) y=(f1(hgt - bottom + 14.0)) text-anchor="middle" { (num(lo, 1)) "–" (num(lo + total / 10.0, 1)) }
                }
                line x1=(d(left)) y1=(f1(10.0 + plot)) x2=(f1(w - 10.0)) y2=(f1(10.0 + plot)) stroke="#222" {}
            }
        }
        @for (k, chunk) in r.members.chunks(CHART_ROWS).enumerate() {
            @let rows: Vec<(String, Vec<Option<f64>>)> =
                chunk.iter().map(|m| (m.member.clone(), groups.iter().map(|g| m.groups.get(g).map(|x| x.mean)).collect())).collect();
            @let cap = format!(
                "{}{}",
                t(l, "各评议组平均分(每人)", "Each rater group's mean per member"),
                if r.members.len() > CHART_ROWS { format!("({})", k + 1) } else { String::new() }
            );
            (bars(l, &cap, &groups, &rows, total, ""))
        }
        @if let Some(v) = x.votes {
            @for (k, chunk) in v.subjects.chunks(CHART_ROWS * 2).enumerate() {
                @let rows: Vec<(String, Vec<Option<f64>>)> = chunk.iter().map(|t| (t.subject.clone(), vec![Some(t.rate)])).collect();
                @let cap = format!(
                    "{}{}{}{}",
                    t(l, "各单位", "Per unit: "),
                    v.rate_of.join(t(l, "、", " + ")),
                    t(l, "占比(%)", " share (%)"),
                    if v.subjects.len() > CHART_ROWS * 2 { format!("({})", k + 1) } else { String::new() }
                );
                (bars(l, &cap, std::slice::from_ref(&v.vote), &rows, 100.0, "%"))
            }
        }
    }
}

/// Horizontal bars: one row per name, one bar per series, scaled to `max`.
fn bars(l: Lang, caption: &str, series: &[String], rows: &[(String, Vec<Option<f64>>)], max: f64, unit: &str) -> Markup {
    let k = series.len().max(1) as f64;
    let (w, left, bar) = (680.0, 120.0, 11.0);
    let row_h = k * bar + 8.0;
    let hgt = rows.len() as f64 * row_h + 24.0;
    let scale = (w - left - 60.0) / max.max(1.0);
    html! {
        figure {
            figcaption { (caption) }
            @if series.len() > 1 {
                p.legend { @for (i, g) in series.iter().enumerate() { span { i style=(format!("background:{}", COLORS[i % COLORS.len()])) {} (g) } } }
            }
            svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {w} {}", f0(hgt))) width=(d(w)) height=(f0(hgt)) font-size="11" role="img" aria-label=(caption) {
                @for (i, (name, vals)) in rows.iter().enumerate() {
                    @let y0 = i as f64 * row_h + 4.0;
                    @let shown: String = if name.chars().count() > 9 { format!("{}…", name.chars().take(8).collect::<String>()) } else { name.clone() };
                    text x=(f1(left - 6.0)) y=(f1(y0 + k * bar / 2.0 + 4.0)) text-anchor="end" { title { (name) } (shown) }
                    @for (j, v) in vals.iter().enumerate() {
                        @let y = y0 + j as f64 * bar;
                        @match v {
                            Some(v) => {
                                rect x=(d(left)) y=(f1(y)) width=(f1((v * scale).max(0.5))) height=(f1(bar - 1.5)) fill=(COLORS[j % COLORS.len()]) {}
                                text x=(f1(left + v * scale + 3.0)) y=(f1(y + bar - 2.5)) { (num(*v, 2)) (unit) }
                            }
                            None => { text x=(f1(left + 3.0)) y=(f1(y + bar - 2.5)) fill="#8a1c00" { (t(l, "无测评表", "no sheets")) } }
                        }
                    }
                }
                line x1=(d(left)) y1="0" x2=(d(left)) y2=(f0(hgt - 20.0)) stroke="#222" {}
                @for tick in 0..=4 {
                    @let v = max * f64::from(tick) / 4.0;
                    text x=(f1(left + v * scale)) y=(f0(hgt - 6.0)) text-anchor="middle" fill="#444" { (num(v, 1)) }
                }
            }
        }
    }
}

fn rejected(x: &ReportInput) -> Markup {
    let l = x.lang;
    let p = &x.results.problems;
    html! {
        h2 { (t(l, "三、未计分的行", "3. Rows not used")) }
        @if p.is_empty() {
            p { (t(l, "无。所有行均已计分。", "None: every row was used.")) }
        } @else {
            table {
                thead { tr { th { (t(l, "文件", "File")) } th.n { (t(l, "行", "Row")) } th { (t(l, "字段", "Field")) } th { (t(l, "原因", "Reason")) } } }
                tbody { @for x in p { tr { td { (x.file) } td.n { (x.row) } td { (x.field.as_deref().unwrap_or("")) } td { (x.reason) } } } }
            }
        }
    }
}

fn lookback_table(x: &ReportInput) -> Markup {
    let l = x.lang;
    let Some(r) = x.lookback else { return html! {} };
    html! {
        h3 { (t(l, "附件5 ", "Form 5: ")) (r.form) }
        table {
            thead { tr { th { (t(l, "项目", "Item")) } @for u in &r.members { th.n { (u.member) } } th.n { (t(l, "标准分", "Points")) } } }
            tbody {
                @for (i, (item, pts)) in r.items.iter().enumerate() {
                    tr { td { (item) } @for u in &r.members { td.n { (u.items.values.get(i).map(|v| num(*v, 2)).unwrap_or_default()) } } td.n { (num(*pts, 2)) } }
                }
                tr { th { (t(l, "合计(测评分)", "Total")) } @for u in &r.members { td.n { b { (num(u.composite, 2)) } } } td.n { (num(r.items.iter().map(|x| x.1).sum(), 2)) } }
                tr { th { (t(l, "测评表份数", "Sheets")) } @for u in &r.members { td.n { (u.sheets) } } td {} }
            }
        }
    }
}

fn votes_table(x: &ReportInput) -> Markup {
    let l = x.lang;
    let Some(v) = x.votes else { return html! {} };
    let groups: Vec<&String> = v.overall.groups.keys().collect();
    let rows: Vec<(String, &Tally)> =
        v.subjects.iter().map(|t| (t.subject.clone(), t)).chain(std::iter::once((t(l, "合计", "Total").to_string(), &v.overall))).collect();
    html! {
        h3 { (v.vote) @if !groups.is_empty() { (t(l, "(各单位汇总,附件6 见后页)", " (all units; Form 6 per unit follows)")) } }
        // Two tables, so that seven groups and three tiers fit an A4 page upright.
        @if !groups.is_empty() {
            table.a6 {
                thead {
                    tr { th.who rowspan="2" { (t(l, "被测评单位", "Unit")) } th colspan=(groups.len() + 1) { (t(l, "参加测评群众情况(人)", "Respondents by group")) } }
                    tr { @for g in &groups { th.g { (g) } } th.g { (t(l, "合计", "Total")) } }
                }
                tbody {
                    @for (name, tl) in &rows {
                        tr {
                            td.who { (name) }
                            @for g in &groups { td.n { (tl.groups.get(g.as_str()).map(|x| x.to_string()).unwrap_or_default()) } }
                            td.n { b { (tl.total) } }
                        }
                    }
                }
            }
        }
        table.a6 {
            thead {
                tr {
                    th.who rowspan="2" { (t(l, "被测评单位", "Unit")) }
                    th colspan=(v.tiers.len()) { (t(l, "测评档次(人)", "Tiers (respondents)")) }
                    th colspan=(v.tiers.len()) { (t(l, "占参评人员的", "Share of respondents")) }
                    th rowspan="2" class="g" { (v.rate_of.join(t(l, "、", " + "))) (t(l, "占比", " share")) }
                }
                tr { @for x in &v.tiers { th.g { (x) } } @for x in &v.tiers { th.g { (x) } } }
            }
            tbody {
                @for (name, tl) in &rows {
                    tr {
                        td.who { (name) }
                        @for x in &v.tiers { td.n { (tl.counts.get(x).map(|x| x.to_string()).unwrap_or_default()) } }
                        @for x in &v.tiers { td.n { (tl.shares.get(x).and_then(|x| x.as_f64()).map(|x| num(x, 2)).unwrap_or_default()) "%" } }
                        td.n { b { (num(tl.rate, 2)) "%" } @if let Some(a) = &tl.action { " " span.warn { (a) } } }
                    }
                }
            }
        }
    }
}

fn rollup(x: &ReportInput, ps: &[MemberProgress]) -> Markup {
    let l = x.lang;
    let rules = x.rs.rules();
    let n = section_no(l, if x.no_form { 1 } else { 4 } + usize::from(x.votes.is_some() || x.lookback.is_some()));
    let bad: Vec<&MemberProgress> = ps.iter().filter(|p| p.list.is_err()).collect();
    let mut units: Vec<&str> = vec![];
    for p in ps {
        let u = p.unit.unwrap_or_default();
        if !units.contains(&u) {
            units.push(u);
        }
    }
    html! {
        h2 { (n) (t(l, "转段条件汇总", "Phase transition (转段) roll-up")) }
        @if !bad.is_empty() {
            p.warn { (t(l, "以下党员的清单无法生成(请检查角色、单位类型或个人情况):", "No checklist for these members (check role, unit type or conditions):")) }
            ul { @for p in &bad { li { (p.member) ":" (p.list.err().unwrap_or("")) } } }
        }
        @for unit in &units {
            @let members: Vec<&MemberProgress> = ps.iter().filter(|p| p.unit.unwrap_or_default() == *unit).collect();
            @let uname = if unit.is_empty() { t(l, "(未填单位)", "(no unit)") } else { unit };
            h3 { (uname) }
            @for gate in &rules.gates {
                @let (met, blockers) = gate_state(&members, &gate.phase);
                @let ok = blockers.is_empty() && members.iter().all(|p| p.list.is_ok());
                p {
                    b { (gate.phase) (t(l, "阶段转段条件", " transition")) }
                    ":"
                    @if ok {
                        (t(l, "已满足", "met")) "(" (met) "/" (members.len()) " " (t(l, "人", "members")) ")"
                    } @else {
                        span.warn { (t(l, "尚未满足", "not met")) } "(" (met) "/" (members.len()) " " (t(l, "人已完成", "members done")) ")"
                    }
                }
                @if !blockers.is_empty() {
                    table {
                        thead { tr { th.who { (t(l, "党员", "Member")) } th { (t(l, "尚缺(卡住转段的事项)", "Still missing (blocks the transition)")) } } }
                        tbody {
                            // One label a line: labels themselves contain 、 (撰写、审阅…).
                            @for b in &blockers {
                                tr { td.who { (b.member) } td { @for (i, m) in b.missing.iter().enumerate() { @if i > 0 { br; } (m) } } }
                            }
                        }
                    }
                }
                (application(&Application {
                    unit: uname.to_string(),
                    phase: gate.phase.clone(),
                    next: next_phase(rules, &gate.phase),
                    members: members.len(),
                    met: Some(met),
                    blockers,
                    survey: survey(x.votes, unit),
                    to: if x.to.is_empty() { addressees(rules, &gate.phase) } else { x.to.to_vec() },
                }, l))
            }
            (owed(x, &members, unit, uname))
        }
    }
}

/// How many members meet a gate, and who blocks it on what.
fn gate_state(members: &[&MemberProgress], phase: &str) -> (usize, Vec<Blocker>) {
    let mut met = 0;
    let mut blockers = vec![];
    for p in members {
        let Ok(c) = p.list else { continue };
        match c.gates.iter().find(|g| g.phase == phase) {
            Some(g) if g.met => met += 1,
            Some(g) => blockers.push(Blocker { member: p.member.to_string(), missing: g.blocking_labels.clone() }),
            None => {}
        }
    }
    (met, blockers)
}

/// The look-back figures of a unit: its own tally, else all units summed.
fn survey(votes: Option<&VoteReport>, unit: &str) -> Option<Survey> {
    let v = votes?;
    // The vote's own rate (rate_of over respondents) and what it triggers: a 满意 rate or, for a
    // 成效测评 that counts 一般化/走过场, a share whose majority means 补课.
    let (tl, all_units) = match v.subjects.iter().find(|t| t.subject == unit) {
        Some(tl) => (tl, false),
        None => (&v.overall, true),
    };
    Some(Survey { vote: v.vote.clone(), all_units, total: tl.total, rate_of: v.rate_of.clone(), rate: tl.rate, action: tl.action.clone() })
}

/// 补课: a substitute that says 补课 and applies to a member while the item is not done, and a unit whose vote sends it to 补课.
fn owed(x: &ReportInput, members: &[&MemberProgress], unit: &str, uname: &str) -> Markup {
    let l = x.lang;
    let mut owed: Vec<(String, String, String)> = vec![];
    for p in members {
        let Ok(c) = p.list else { continue };
        for it in &c.items {
            if let Some(s) = &it.substitute {
                if s.contains("补课") && !matches!(it.status, ItemStatus::Done | ItemStatus::Exempt | ItemStatus::NotApplicable) {
                    owed.push((p.member.to_string(), it.label.clone(), s.clone()));
                }
            }
        }
    }
    if let Some(tl) = x.votes.and_then(|v| v.subjects.iter().find(|t| t.subject == unit)) {
        if let Some(a) = tl.action.as_deref().filter(|a| a.contains("补课")) {
            owed.push((uname.to_string(), format!("{}{}%", t(l, "测评满意率 ", "vote rate "), num(tl.rate, 2)), a.to_string()));
        }
    }
    html! {
        @if !owed.is_empty() {
            p { b { (t(l, "需要补课", "Owes 补课 (make-up)")) } }
            table {
                thead { tr { th.who { (t(l, "党员/单位", "Member/unit")) } th { (t(l, "事项", "Item")) } th { (t(l, "依据", "Why")) } } }
                tbody { @for (m, it, s) in &owed { tr { td.who { (m) } td { (it) } td { (s) } } } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn numbers_are_short_and_templates_fill_once() {
        assert_eq!(num(96.428_57, 2), "96.43");
        assert_eq!(num(100.0, 2), "100");
        assert_eq!(fill("{m}(尚缺:{labels})", &[("m", "张{labels}"), ("labels", "“学习”")]), "张{labels}(尚缺:“学习”)");
        assert_eq!(fill("{unknown} {", &[]), "{unknown} {");
    }

    #[test]
    fn addressees_follow_the_rules_application_else_the_seed() {
        let mut src = crate::source::MemorySource::new();
        src.insert(
            "t.rhai",
            "campaign(#{ name: \"广安\", local: \"x\" });\nphase(\"学习动员\", #{ local: \"x\" });\nphase(\"分析评议\", #{ local: \"x\" });\n\
             office(\"市委先教办\", #{ local: \"x\" });\noversight(\"市委督导组\", #{ office: \"市委先教办\", local: \"x\" });\n\
             application(\"分析评议\", #{ review: true, approve: \"市委先教办\", local: \"x\" });\n",
        );
        let rs = RuleSet::load("t.rhai", &src);
        assert_eq!(addressees(rs.rules(), "分析评议"), ["市委先教办", "市委督导组"], "{:?}", rs.diagnostics());
        assert_eq!(addressees(rs.rules(), "学习动员"), ["先教办", "督导组"]);
        assert_eq!(next_phase(rs.rules(), "学习动员").as_deref(), Some("分析评议"));
    }

    #[test]
    fn the_application_goes_to_the_oversight_group_for_review_and_is_escaped() {
        let a = Application {
            unit: "<b>镇机关</b>".into(),
            phase: "分析评议".into(),
            next: Some("整改提高".into()),
            members: 3,
            met: None,
            to: vec!["先教办".into(), "督导组".into()],
            ..Application::default()
        };
        let h = application(&a, Lang::Zh).into_string();
        assert!(h.contains("&lt;b&gt;镇机关&lt;/b&gt;关于分析评议阶段转段的申请") && !h.contains("<b>镇机关"));
        assert!(h.contains("<p>先教办、督导组:</p>"));
        assert!(h.contains("本申请经督导组审查后上报,先教办同意后,再召开会议进行小结与转段动员。"));
        assert!(h.contains("其中 ____ 名已完成") && h.contains("申请转入整改提高阶段") && !h.contains("转段条件已满足"));
        assert!(h.contains("督导组意见:") && h.contains("先教办意见:"));
    }
}

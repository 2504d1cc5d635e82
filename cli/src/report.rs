//! `xianjiao report`: one self-contained HTML file a branch secretary can open
//! from a USB stick and print — a summary, SVG charts, one 评议意见表
//! (002 附件4) per member on its own A4 page, the 回头看 unit scores (附件5)
//! and respondents by group and tier (附件6), and the unit roll-up of the
//! 转段 gate with a draft 转段申请.
//!
//! Nothing is fetched: styles are inline, charts are inline SVG, no fonts or
//! scripts. Every piece of text — member names above all — is escaped.

use crate::args::{Lang, ReportArgs};
use crate::error::CliError;
use crate::input::{self, Problem, Target};
use crate::office::{self, Scored};
use crate::profiles::{self, Progress};
use std::fmt::Write as _;
use xianjiao_core::output::forms::{self, RosterEntry};
use xianjiao_core::output::results::ResultsInput;
use xianjiao_core::{ItemStatus, RuleSet, ScoreReport, VoteReport};

/// HTML-escapes text (also for attribute values).
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => o.push('\u{fffd}'),
            c => o.push(c),
        }
    }
    o
}

/// A number as people write it: at most `d` decimals, no trailing zeros.
fn num(x: f64, d: usize) -> String {
    let s = format!("{x:.d$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Scores everything and returns the HTML and whether every input row was used.
/// Rules that declare no form (000, 001, 004 give none) get the parts that need none: the votes, the
/// transition roll-up and the draft 转段申请 from the members' checklists (--profiles).
pub fn build(rs: &RuleSet, o: &ReportArgs) -> Result<(String, bool), CliError> {
    let no_form = rs.rules().forms.is_empty();
    if no_form && o.scoring.profiles.is_none() && o.votes.is_none() {
        return Err(CliError::usage(office::NO_FORM));
    }
    let mut scored = if no_form { office::without_form(rs, &o.scoring)? } else { office::score(rs, &o.scoring, false)? };
    let votes = match &o.votes {
        None => None,
        Some(path) => {
            // 回头看 votes: by default the first vote that counts respondent groups (附件6), else the first vote.
            let default = rs.rules().votes.iter().find(|v| !v.groups.is_empty()).map(|v| v.name.clone());
            let mut vc = rs.vote_counter(o.vote.as_deref().or(default.as_deref())).map_err(CliError::usage)?;
            let vin = input::read_all(std::slice::from_ref(path), Target::Votes(&mut vc))?;
            let mut v = vc.finish();
            for r in &mut v.rejected {
                let file = vin.relocate(r).unwrap_or_else(|| path.display().to_string());
                eprintln!("{file}:{}: 未计入 / not counted: {}", r.row, r.reason);
                scored.problems.push(Problem { file, row: r.row, field: r.field.clone(), reason: r.reason.clone() });
            }
            Some(v)
        }
    };
    let lookback = match &o.lookback {
        None => None,
        Some(path) => {
            let name = match &o.lookback_form {
                Some(n) => n.clone(),
                None => match rs.rules().forms.iter().find(|f| f.subject == "unit") {
                    Some(f) => f.name.clone(),
                    None => return Err(CliError::usage("规则中没有 subject: \"unit\" 的测评表,无法计算回头看 / the rules have no unit form")),
                },
            };
            let mut sc = rs.scorer(Some(&name)).map_err(CliError::usage)?;
            let lin = input::read_all(std::slice::from_ref(path), Target::Score(&mut sc))?;
            let mut r = sc.finish().map_err(CliError::failed)?;
            for x in &mut r.rejected {
                let file = lin.relocate(x).unwrap_or_else(|| path.display().to_string());
                eprintln!("{file}:{}: 未计分 / not scored: {}", x.row, x.reason);
                scored.problems.push(Problem { file, row: x.row, field: x.field.clone(), reason: x.reason.clone() });
            }
            Some(r)
        }
    };
    // A unit's vote result completes the requirements that name that vote (a gate item), unless its profile records one.
    if let Some(v) = &votes {
        if let Some(list) = scored.profiles.take() {
            scored.profiles = Some(profiles::with_votes(rs, list, v, crate::args::day(o.scoring.on.as_deref())?));
        }
    }
    let progress = scored.profiles.take();
    let profile_errors = progress.iter().flatten().filter(|p| p.list.is_err()).count();
    let clean =
        scored.problems.is_empty() && scored.report.unmatched_decisions.is_empty() && scored.unmatched_satisfaction.is_empty() && profile_errors == 0;
    let roster = match &o.roster {
        Some(p) => office::read_roster(p)?,
        None => vec![],
    };
    let x = office::results_input(&scored).map_err(CliError::failed)?;
    let html = Html {
        no_form,
        rs,
        s: &scored,
        votes: votes.as_ref(),
        lookback: lookback.as_ref(),
        progress: progress.as_deref(),
        l: o.scoring.lang,
        roster: &roster,
        phase: o.phase.as_deref(),
        to: &o.to,
    }
    .render(&x);
    Ok((html, clean))
}

/// The words of the draft 转段申请 in one language: templates whose `{name}`s
/// [`fill`] replaces. One paragraph, written once, with the language as data.
struct DraftWords {
    /// `{phase}`, `{n}` members, `{met}` done.
    took_part: &'static str,
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
}

const DRAFT_ZH: DraftWords = DraftWords {
    took_part: "　　我单位{phase}阶段共有 {n} 名党员参加,其中 {met} 名已完成本阶段各项要求。",
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
};

const DRAFT_EN: DraftWords = DraftWords {
    took_part: "In the {phase} phase {n} members took part; {met} have completed every requirement. ",
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

struct Html<'a> {
    /// The rules declare no form: no scores, charts or 附件4, only what needs no form.
    no_form: bool,
    rs: &'a RuleSet,
    s: &'a Scored,
    votes: Option<&'a VoteReport>,
    lookback: Option<&'a ScoreReport>,
    progress: Option<&'a [Progress]>,
    l: Lang,
    /// The roster (花名册): order and 职务 of the 评议意见表.
    roster: &'a [RosterEntry],
    /// The phase the 评议意见表's title names.
    phase: Option<&'a str>,
    /// Whom the 转段申请 is addressed to (`--to`).
    to: &'a [String],
}

const CSS: &str = r#"
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
.draft{border:1px dashed #666;padding:4mm 6mm;margin:3mm 0;break-inside:avoid}
.draft h3{text-align:center}
.draft .stamp{text-align:right;margin-top:6mm}
.draftmark{color:#8a1c00;font-weight:bold}
.draft .opinion{border-top:1px solid #666;margin-top:4mm;min-height:30mm}
section.part{break-after:page}
@page{size:A4;margin:14mm 12mm}
@media print{body{padding:0;max-width:none}h2{margin-top:4mm}}
"#;

/// Members per bar chart: a chart with its caption and legend fits one A4 page
/// (an SVG taller than a page would be cut, not broken).
const CHART_ROWS: usize = 16;

const COLORS: [&str; 7] = ["#1f5fa8", "#d9822b", "#3a8f3a", "#8e44ad", "#b03a2e", "#148f95", "#6e6e6e"];

impl Html<'_> {
    fn t<'b>(&self, zh: &'b str, en: &'b str) -> &'b str {
        self.l.t(zh, en)
    }

    /// A section's number (一、 or 1.).
    fn no(&self, k: usize) -> String {
        const ZH: [&str; 6] = ["一", "二", "三", "四", "五", "六"];
        match self.l {
            Lang::Zh => format!("{}、", ZH.get(k.wrapping_sub(1)).copied().unwrap_or("")),
            _ => format!("{k}. "),
        }
    }

    fn render(&self, x: &ResultsInput) -> String {
        let r = &self.s.report;
        let campaign = &self.rs.rules().campaign.name;
        let title = if self.no_form {
            format!("{}{}", campaign, self.t(" 转段条件汇总", " — phase transition roll-up"))
        } else {
            format!("{}{}", campaign, self.t(" 党员评议结果", " — appraisal results"))
        };
        let mut h = String::with_capacity(64 << 10);
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
            <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
            <title>{}</title><style>{CSS}{}</style></head><body>\n",
            self.t("zh-CN", "en"),
            esc(&title),
            forms::FORM_CSS
        );
        let colon = self.t(":", ": ");
        let _ = writeln!(
            h,
            "<section class=\"part\"><h1>{}</h1><p class=\"meta\">{}{colon}{} · {}{colon}{}</p>",
            esc(&title),
            self.t("测评表", "Form"),
            esc(if self.no_form { self.t("(规则中没有测评表)", "(the rules declare none)") } else { &r.form }),
            self.t("规则", "Rules"),
            esc(&self.rs.files().join(" → "))
        );
        if self.no_form {
            let _ = write!(
                h,
                "<p class=\"note\">{}</p>",
                self.t(
                    "规则中没有测评表(种子没有给出党员测评表的,规则文件不编造):测评得分、评议结论、图表和附件4 评议意见表需要测评表,本报告不含这些;\
                     下面是不需要测评表的部分:测评结果、转段条件汇总和转段申请草稿。",
                    "The rules declare no appraisal form (none is invented where the seed gives none): scores, outcomes, charts and the \
                     opinion pages need one and are not in this report; below are the parts that need none: votes, the transition roll-up \
                     and the draft applications."
                )
            );
        } else {
            self.summary(&mut h);
            self.charts(&mut h);
            self.rejected(&mut h);
        }
        h.push_str("</section>\n");
        if self.votes.is_some() || self.lookback.is_some() {
            h.push_str("<section class=\"part\">");
            let _ = write!(
                h,
                "<h2>{}{}</h2>",
                self.no(if self.no_form { 1 } else { 4 }),
                if self.no_form { self.t("测评结果", "Votes") } else { self.t("“回头看”群众测评", "Look-back survey (回头看)") }
            );
            self.lookback_table(&mut h);
            self.votes_table(&mut h);
            h.push_str("</section>\n");
        }
        if self.progress.is_some() {
            h.push_str("<section class=\"part\">");
            self.rollup(&mut h);
            h.push_str("</section>\n");
        }
        // 附件4, one per member in roster order: core's one definition (the office page prints the same pages).
        if !self.no_form {
            h.push_str(&forms::opinion_pages(self.rs, x, self.roster, self.phase).into_string());
        }
        h.push_str("</body></html>\n");
        h
    }

    fn summary(&self, h: &mut String) {
        let r = &self.s.report;
        let n = r.members.len();
        let mean = if n == 0 { 0.0 } else { r.members.iter().map(|m| m.composite).sum::<f64>() / n as f64 };
        let mut counts: Vec<(String, usize, usize)> = vec![];
        for m in &r.members {
            let (label, decided) = match (&m.decision, &m.outcome) {
                (Some(d), _) => (d.outcome.clone(), true),
                (None, Some(o)) => (o.clone(), false),
                (None, None) => (self.t("(无结论)", "(none)").to_string(), false),
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
        let _ = write!(h, "<h2>{}</h2><table><tbody>", self.t("一、概况", "1. Summary"));
        let _ = write!(h, "<tr><th>{}</th><td class=\"n\">{n}</td></tr>", self.t("参评党员", "Members"));
        let _ = write!(h, "<tr><th>{}</th><td class=\"n\">{}</td></tr>", self.t("平均综合得分", "Mean composite"), num(mean, 2));
        for (label, k, decided) in &counts {
            let how = if r.outcome_rule.suggestion {
                format!("({}{decided}{})", self.t("其中支委会已决定 ", "committee decided "), self.t(" 人,其余为建议", "; the rest are suggestions"))
            } else {
                String::new()
            };
            let _ = write!(h, "<tr><th>{}{}</th><td class=\"n\">{k} {}</td></tr>", self.t("结论:", "Outcome: "), esc(label), esc(&how));
        }
        let _ = write!(
            h,
            "<tr><th>{}</th><td class=\"n\">{} / {} / {}</td></tr>",
            self.t("测评表行数:读入 / 计分 / 剔除", "Sheet rows: read / scored / rejected"),
            r.rows.read,
            r.rows.scored,
            r.rows.rejected
        );
        let other = self.s.problems.len().saturating_sub(r.rejected.len());
        if other > 0 {
            let _ = write!(
                h,
                "<tr><th>{}</th><td class=\"n\">{other}</td></tr>",
                self.t("其他未采用的行(决定、投票、清单)", "Other rows not used (decisions, votes, profiles)")
            );
        }
        if let Some(v) = self.votes {
            let _ = write!(
                h,
                "<tr><th>{}</th><td class=\"n\">{}% ({} {})</td></tr>",
                esc(&format!("{}{}{}{}", v.vote, self.t(":", ": "), v.rate_of.join(self.t("、", " + ")), self.t("占比", " share"))),
                num(v.overall.rate, 2),
                v.overall.total,
                self.t("人", "respondents")
            );
        }
        h.push_str("</tbody></table>");
        if !self.s.unmatched_satisfaction.is_empty() {
            let _ = write!(
                h,
                "<p class=\"warn\">{}{}</p>",
                self.t("以下姓名有满意度测评但没有测评表,未采用:", "Satisfaction votes for names with no sheets (not used): "),
                esc(&self.s.unmatched_satisfaction.join("、"))
            );
        }
        if !r.unmatched_decisions.is_empty() {
            let _ = write!(
                h,
                "<p class=\"warn\">{}{}</p>",
                self.t("以下姓名有支委会决定但没有测评表,决定未采用:", "Decisions for names with no sheets (not applied): "),
                esc(&r.unmatched_decisions.join("、"))
            );
        }
    }

    fn legend(&self, h: &mut String, names: &[String]) {
        h.push_str("<p class=\"legend\">");
        for (i, g) in names.iter().enumerate() {
            let _ = write!(h, "<span><i style=\"background:{}\"></i>{}</span>", COLORS[i % COLORS.len()], esc(g));
        }
        h.push_str("</p>");
    }

    fn charts(&self, h: &mut String) {
        let r = &self.s.report;
        let total: f64 = r.items.iter().map(|x| x.1).sum::<f64>().max(1.0);
        let _ = write!(h, "<h2>{}</h2>", self.t("二、图表", "2. Charts"));
        // Distribution of composites: ten equal bins of the form's total.
        let mut bins = [0usize; 10];
        for m in &r.members {
            let b = ((m.composite / total * 10.0).floor().max(0.0) as usize).min(9);
            bins[b] += 1;
        }
        let top = bins.iter().copied().max().unwrap_or(0).max(1);
        let (w, hgt, left, bottom) = (680.0, 220.0, 40.0, 30.0);
        let bw = (w - left - 10.0) / 10.0;
        let _ = write!(h, "<figure><figcaption>{}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {hgt}\" width=\"{w}\" height=\"{hgt}\" role=\"img\" aria-label=\"{}\" font-size=\"11\">",
            self.t("综合得分分布(人数)", "Distribution of composites (members)"), self.t("综合得分分布", "distribution of composites"));
        let plot = hgt - bottom - 10.0;
        for (i, c) in bins.iter().enumerate() {
            let x = left + i as f64 * bw;
            let bh = *c as f64 / top as f64 * plot;
            let y = 10.0 + plot - bh;
            let _ = write!(h, "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"{}\"/>", x + 3.0, bw - 6.0, COLORS[0]);
            if *c > 0 {
                let _ = write!(h, "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{c}</text>", x + bw / 2.0, y - 2.0);
            }
            let lo = total * i as f64 / 10.0;
            let _ = write!(
                h,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}–{}</text>",
                x + bw / 2.0,
                hgt - bottom + 14.0,
                num(lo, 1),
                num(lo + total / 10.0, 1)
            );
        }
        let _ = write!(
            h,
            "<line x1=\"{left}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#222\"/></svg></figure>",
            10.0 + plot,
            w - 10.0,
            10.0 + plot
        );
        // Each group's mean per member, in chunks that fit a page.
        let groups = r.items_groups();
        for (k, chunk) in r.members.chunks(CHART_ROWS).enumerate() {
            let rows: Vec<(String, Vec<Option<f64>>)> =
                chunk.iter().map(|m| (m.member.clone(), groups.iter().map(|g| m.groups.get(g).map(|x| x.mean)).collect())).collect();
            let cap = format!(
                "{}{}",
                self.t("各评议组平均分(每人)", "Each rater group's mean per member"),
                if r.members.len() > CHART_ROWS { format!("({})", k + 1) } else { String::new() }
            );
            self.bars(h, &cap, &groups, &rows, total, "");
        }
        if let Some(v) = self.votes {
            for (k, chunk) in v.subjects.chunks(CHART_ROWS * 2).enumerate() {
                let rows: Vec<(String, Vec<Option<f64>>)> = chunk.iter().map(|t| (t.subject.clone(), vec![Some(t.rate)])).collect();
                let cap = format!(
                    "{}{}{}{}",
                    self.t("各单位", "Per unit: "),
                    v.rate_of.join(self.t("、", " + ")),
                    self.t("占比(%)", " share (%)"),
                    if v.subjects.len() > CHART_ROWS * 2 { format!("({})", k + 1) } else { String::new() }
                );
                self.bars(h, &cap, std::slice::from_ref(&v.vote), &rows, 100.0, "%");
            }
        }
    }

    /// Horizontal bars: one row per name, one bar per series, scaled to `max`.
    fn bars(&self, h: &mut String, caption: &str, series: &[String], rows: &[(String, Vec<Option<f64>>)], max: f64, unit: &str) {
        let k = series.len().max(1) as f64;
        let (w, left, bar) = (680.0, 120.0, 11.0);
        let row_h = k * bar + 8.0;
        let hgt = rows.len() as f64 * row_h + 24.0;
        let scale = (w - left - 60.0) / max.max(1.0);
        let _ = write!(h, "<figure><figcaption>{}</figcaption>", esc(caption));
        if series.len() > 1 {
            self.legend(h, series);
        }
        let _ = write!(h, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {hgt:.0}\" width=\"{w}\" height=\"{hgt:.0}\" font-size=\"11\" role=\"img\" aria-label=\"{}\">", esc(caption));
        for (i, (name, vals)) in rows.iter().enumerate() {
            let y0 = i as f64 * row_h + 4.0;
            let shown: String = if name.chars().count() > 9 { format!("{}…", name.chars().take(8).collect::<String>()) } else { name.clone() };
            let _ = write!(
                h,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\"><title>{}</title>{}</text>",
                left - 6.0,
                y0 + k * bar / 2.0 + 4.0,
                esc(name),
                esc(&shown)
            );
            for (j, v) in vals.iter().enumerate() {
                let y = y0 + j as f64 * bar;
                match v {
                    Some(v) => {
                        let _ = write!(h, "<rect x=\"{left}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\">{}{unit}</text>",
                            (v * scale).max(0.5), bar - 1.5, COLORS[j % COLORS.len()], left + v * scale + 3.0, y + bar - 2.5, num(*v, 2));
                    }
                    None => {
                        let _ = write!(
                            h,
                            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#8a1c00\">{}</text>",
                            left + 3.0,
                            y + bar - 2.5,
                            self.t("无测评表", "no sheets")
                        );
                    }
                }
            }
        }
        let _ = write!(h, "<line x1=\"{left}\" y1=\"0\" x2=\"{left}\" y2=\"{:.0}\" stroke=\"#222\"/>", hgt - 20.0);
        for tick in 0..=4 {
            let v = max * f64::from(tick) / 4.0;
            let _ = write!(h, "<text x=\"{:.1}\" y=\"{:.0}\" text-anchor=\"middle\" fill=\"#444\">{}</text>", left + v * scale, hgt - 6.0, num(v, 1));
        }
        h.push_str("</svg></figure>");
    }

    fn rejected(&self, h: &mut String) {
        let p = &self.s.problems;
        let _ = write!(h, "<h2>{}</h2>", self.t("三、未计分的行", "3. Rows not used"));
        if p.is_empty() {
            let _ = write!(h, "<p>{}</p>", self.t("无。所有行均已计分。", "None: every row was used."));
            return;
        }
        let _ = write!(
            h,
            "<table><thead><tr><th>{}</th><th class=\"n\">{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            self.t("文件", "File"),
            self.t("行", "Row"),
            self.t("字段", "Field"),
            self.t("原因", "Reason")
        );
        for x in p {
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
                esc(&x.file),
                x.row,
                esc(x.field.as_deref().unwrap_or("")),
                esc(&x.reason)
            );
        }
        h.push_str("</tbody></table>");
    }

    fn lookback_table(&self, h: &mut String) {
        let Some(r) = self.lookback else { return };
        let _ = write!(h, "<h3>{}{}</h3>", self.t("附件5 ", "Form 5: "), esc(&r.form));
        let _ = write!(h, "<table><thead><tr><th>{}</th>", self.t("项目", "Item"));
        for u in &r.members {
            let _ = write!(h, "<th class=\"n\">{}</th>", esc(&u.member));
        }
        let _ = write!(h, "<th class=\"n\">{}</th></tr></thead><tbody>", self.t("标准分", "Points"));
        for (i, (item, pts)) in r.items.iter().enumerate() {
            let _ = write!(h, "<tr><td>{}</td>", esc(item));
            for u in &r.members {
                let _ = write!(h, "<td class=\"n\">{}</td>", u.items.values.get(i).map(|v| num(*v, 2)).unwrap_or_default());
            }
            let _ = write!(h, "<td class=\"n\">{}</td></tr>", num(*pts, 2));
        }
        let _ = write!(h, "<tr><th>{}</th>", self.t("合计(测评分)", "Total"));
        for u in &r.members {
            let _ = write!(h, "<td class=\"n\"><b>{}</b></td>", num(u.composite, 2));
        }
        let _ = write!(h, "<td class=\"n\">{}</td></tr><tr><th>{}</th>", num(r.items.iter().map(|x| x.1).sum(), 2), self.t("测评表份数", "Sheets"));
        for u in &r.members {
            let _ = write!(h, "<td class=\"n\">{}</td>", u.sheets);
        }
        h.push_str("<td></td></tr></tbody></table>");
    }

    fn votes_table(&self, h: &mut String) {
        let Some(v) = self.votes else { return };
        let groups: Vec<&String> = v.overall.groups.keys().collect();
        let rows: Vec<(String, &xianjiao_core::Tally)> =
            v.subjects.iter().map(|t| (t.subject.clone(), t)).chain(std::iter::once((self.t("合计", "Total").to_string(), &v.overall))).collect();
        let _ = write!(h, "<h3>{}{}</h3>", if groups.is_empty() { "" } else { self.t("附件6 ", "Form 6: ") }, esc(&v.vote));
        // Two tables, so that seven groups and three tiers fit an A4 page upright.
        if !groups.is_empty() {
            let _ = write!(
                h,
                "<table class=\"a6\"><thead><tr><th class=\"who\" rowspan=\"2\">{}</th><th colspan=\"{}\">{}</th></tr><tr>",
                self.t("被测评单位", "Unit"),
                groups.len() + 1,
                self.t("参加测评群众情况(人)", "Respondents by group")
            );
            for g in &groups {
                let _ = write!(h, "<th class=\"g\">{}</th>", esc(g));
            }
            let _ = write!(h, "<th class=\"g\">{}</th></tr></thead><tbody>", self.t("合计", "Total"));
            for (name, t) in &rows {
                let _ = write!(h, "<tr><td class=\"who\">{}</td>", esc(name));
                for g in &groups {
                    let _ = write!(h, "<td class=\"n\">{}</td>", t.groups.get(g.as_str()).map(|x| x.to_string()).unwrap_or_default());
                }
                let _ = write!(h, "<td class=\"n\"><b>{}</b></td></tr>", t.total);
            }
            h.push_str("</tbody></table>");
        }
        let _ = write!(h, "<table class=\"a6\"><thead><tr><th class=\"who\" rowspan=\"2\">{}</th><th colspan=\"{}\">{}</th><th colspan=\"{}\">{}</th><th rowspan=\"2\" class=\"g\">{}</th></tr><tr>",
            self.t("被测评单位", "Unit"), v.tiers.len(), self.t("测评档次(人)", "Tiers (respondents)"), v.tiers.len(), self.t("占参评人员的", "Share of respondents"),
            esc(&format!("{}{}", v.rate_of.join(self.t("、", " + ")), self.t("占比", " share"))));
        for t in &v.tiers {
            let _ = write!(h, "<th class=\"g\">{}</th>", esc(t));
        }
        for t in &v.tiers {
            let _ = write!(h, "<th class=\"g\">{}</th>", esc(t));
        }
        h.push_str("</tr></thead><tbody>");
        for (name, t) in &rows {
            let _ = write!(h, "<tr><td class=\"who\">{}</td>", esc(name));
            for x in &v.tiers {
                let _ = write!(h, "<td class=\"n\">{}</td>", t.counts.get(x).map(|x| x.to_string()).unwrap_or_default());
            }
            for x in &v.tiers {
                let _ = write!(h, "<td class=\"n\">{}%</td>", t.shares.get(x).and_then(|x| x.as_f64()).map(|x| num(x, 2)).unwrap_or_default());
            }
            let _ = write!(
                h,
                "<td class=\"n\"><b>{}%</b>{}</td></tr>",
                num(t.rate, 2),
                t.action.as_deref().map(|a| format!(" <span class=\"warn\">{}</span>", esc(a))).unwrap_or_default()
            );
        }
        h.push_str("</tbody></table>");
    }

    fn rollup(&self, h: &mut String) {
        let Some(ps) = self.progress else { return };
        let rules = self.rs.rules();
        let n = self.no(if self.no_form { 1 } else { 4 } + usize::from(self.votes.is_some() || self.lookback.is_some()));
        let _ = write!(h, "<h2>{n}{}</h2>", self.t("转段条件汇总", "Phase transition (转段) roll-up"));
        let bad: Vec<&Progress> = ps.iter().filter(|p| p.list.is_err()).collect();
        if !bad.is_empty() {
            let _ = write!(
                h,
                "<p class=\"warn\">{}</p><ul>",
                self.t(
                    "以下党员的清单无法生成(请检查角色、单位类型或个人情况):",
                    "No checklist for these members (check role, unit type or conditions):"
                )
            );
            for p in bad {
                let _ = write!(h, "<li>{}:{}</li>", esc(&p.p.member), esc(p.list.as_ref().err().map(String::as_str).unwrap_or("")));
            }
            h.push_str("</ul>");
        }
        let mut units: Vec<String> = vec![];
        for p in ps {
            let u = p.p.unit.clone().unwrap_or_default();
            if !units.contains(&u) {
                units.push(u);
            }
        }
        for unit in &units {
            let members: Vec<&Progress> = ps.iter().filter(|p| p.p.unit.clone().unwrap_or_default() == *unit).collect();
            let uname = if unit.is_empty() { self.t("(未填单位)", "(no unit)").to_string() } else { unit.clone() };
            let _ = write!(h, "<h3>{}</h3>", esc(&uname));
            for gate in &rules.gates {
                let mut met = 0;
                let mut blockers: Vec<(&str, Vec<String>)> = vec![];
                for p in &members {
                    let Ok(c) = &p.list else { continue };
                    match c.gates.iter().find(|g| g.phase == gate.phase) {
                        Some(g) if g.met => met += 1,
                        Some(g) => blockers.push((&p.p.member, g.blocking_labels.clone())),
                        None => {}
                    }
                }
                let ok = blockers.is_empty() && members.iter().all(|p| p.list.is_ok());
                let _ = write!(
                    h,
                    "<p><b>{}{}</b>:{}</p>",
                    esc(&gate.phase),
                    self.t("阶段转段条件", " transition"),
                    if ok {
                        format!("{}({met}/{} {})", self.t("已满足", "met"), members.len(), self.t("人", "members"))
                    } else {
                        format!(
                            "<span class=\"warn\">{}</span>({met}/{} {})",
                            self.t("尚未满足", "not met"),
                            members.len(),
                            self.t("人已完成", "members done")
                        )
                    }
                );
                if !blockers.is_empty() {
                    let _ = write!(
                        h,
                        "<table><thead><tr><th class=\"who\">{}</th><th>{}</th></tr></thead><tbody>",
                        self.t("党员", "Member"),
                        self.t("尚缺(卡住转段的事项)", "Still missing (blocks the transition)")
                    );
                    for (m, labels) in &blockers {
                        // One label a line: labels themselves contain 、 (撰写、审阅…).
                        let list: Vec<String> = labels.iter().map(|l| esc(l)).collect();
                        let _ = write!(h, "<tr><td class=\"who\">{}</td><td>{}</td></tr>", esc(m), list.join("<br>"));
                    }
                    h.push_str("</tbody></table>");
                }
                self.draft(h, &uname, unit, &gate.phase, met, members.len(), &blockers);
            }
            // 补课: a substitute that says 补课 and applies to this member, while the item is not done.
            let mut owed: Vec<(String, String, String)> = vec![];
            for p in &members {
                let Ok(c) = &p.list else { continue };
                for it in &c.items {
                    if let Some(s) = &it.substitute {
                        if s.contains("补课") && !matches!(it.status, ItemStatus::Done | ItemStatus::Exempt | ItemStatus::NotApplicable) {
                            owed.push((p.p.member.clone(), it.label.clone(), s.clone()));
                        }
                    }
                }
            }
            if let Some(t) = self.votes.and_then(|v| v.subjects.iter().find(|t| t.subject == *unit)) {
                if let Some(a) = t.action.as_deref().filter(|a| a.contains("补课")) {
                    owed.push((uname.clone(), format!("{}{}%", self.t("测评满意率 ", "vote rate "), num(t.rate, 2)), a.to_string()));
                }
            }
            if !owed.is_empty() {
                let _ = write!(
                    h,
                    "<p><b>{}</b></p><table><thead><tr><th class=\"who\">{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
                    self.t("需要补课", "Owes 补课 (make-up)"),
                    self.t("党员/单位", "Member/unit"),
                    self.t("事项", "Item"),
                    self.t("依据", "Why")
                );
                for (m, l, s) in &owed {
                    let _ = write!(h, "<tr><td class=\"who\">{}</td><td>{}</td><td>{}</td></tr>", esc(m), esc(l), esc(s));
                }
                h.push_str("</tbody></table>");
            }
        }
    }

    /// A draft 转段申请 for a unit: the gate's result and the look-back rate.
    #[allow(clippy::too_many_arguments)]
    fn draft(&self, h: &mut String, uname: &str, unit: &str, phase: &str, met: usize, n: usize, blockers: &[(&str, Vec<String>)]) {
        let rules = self.rs.rules();
        let next = rules.phases.iter().position(|p| p.name == phase).and_then(|i| rules.phases.get(i + 1)).map(|p| p.name.clone());
        // The vote's own rate (rate_of over respondents) and what it triggers: a 满意 rate or, for a
        // 成效测评 that counts 一般化/走过场, a share whose majority means 补课.
        let rate = self.votes.map(|v| match v.subjects.iter().find(|t| t.subject == unit) {
            Some(t) => (t, false, v),
            None => (&v.overall, true, v),
        });
        let _ = write!(
            h,
            "<div class=\"draft\"><p class=\"draftmark\">{}</p><h3>{}</h3><p>{}:</p><p>",
            self.t("草稿,供支部修改后上报", "DRAFT — for the branch to edit before sending"),
            esc(&format!("{uname}{}{phase}{}", self.t("关于", " — application to close the "), self.t("阶段转段的申请", " phase"))),
            esc(&self.to.join(self.t("、", ", ")))
        );
        let w = if self.l == Lang::Zh { &DRAFT_ZH } else { &DRAFT_EN };
        let mut body = fill(w.took_part, &[("phase", phase), ("n", &n.to_string()), ("met", &met.to_string())]);
        if blockers.is_empty() {
            body.push_str(w.met);
        } else {
            let who: Vec<String> = blockers
                .iter()
                .map(|(m, l)| {
                    let labels: Vec<String> = l.iter().map(|x| fill(w.label, &[("x", x)])).collect();
                    fill(w.missing, &[("m", m), ("labels", &labels.join(w.label_sep))])
                })
                .collect();
            body += &fill(w.not_met, &[("count", &blockers.len().to_string()), ("who", &who.join(w.who_sep))]);
        }
        match rate {
            Some((t, all, v)) => {
                let all = if all { w.all_units } else { "" };
                body += &fill(
                    w.survey,
                    &[
                        ("vote", &v.vote),
                        ("all", all),
                        ("total", &t.total.to_string()),
                        ("rate_of", &v.rate_of.join(w.rate_sep)),
                        ("rate", &num(t.rate, 2)),
                    ],
                );
                if let Some(a) = &t.action {
                    body += &fill(w.action, &[("action", a)]);
                }
            }
            None => body.push_str(w.no_survey),
        }
        if blockers.is_empty() {
            body += &fill(w.apply, &[("next", next.as_deref().unwrap_or(w.next))]);
        }
        // 000: "经督导组审查后上报,市委先教办同意后": the 督导组 reviews, the others approve.
        let (reviewers, approvers): (Vec<&String>, Vec<&String>) = self.to.iter().partition(|x| x.contains("督导"));
        let sep = self.t("、", ", ");
        let join = |v: &[&String]| v.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(sep);
        let review = (!reviewers.is_empty() && !approvers.is_empty())
            .then(|| fill(w.review, &[("reviewers", &join(&reviewers)), ("approvers", &join(&approvers))]));
        let body = esc(&body);
        let _ = write!(
            h,
            "{body}</p>{}<p>{}</p><p class=\"stamp\">{}<br>{}</p>",
            review.map(|r| format!("<p>{}</p>", esc(&r))).unwrap_or_default(),
            self.t("　　特此申请。", "Respectfully submitted."),
            esc(&format!("{uname}{}", self.t("党支部(盖章)", " Party branch (seal)"))),
            self.t("年　　月　　日", "Date: ________")
        );
        for who in reviewers.iter().chain(&approvers) {
            let _ = write!(
                h,
                "<div class=\"opinion\"><p>{}</p><p class=\"stamp\">{}<br>{}</p></div>",
                esc(&fill(w.opinion, &[("who", who)])),
                self.t("(盖章)", "(seal)"),
                self.t("年　　月　　日", "Date: ________")
            );
        }
        h.push_str("</div>");
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn text_is_escaped_and_numbers_short() {
        assert_eq!(esc("<b>\"周九\"</b> & 'x'"), "&lt;b&gt;&quot;周九&quot;&lt;/b&gt; &amp; &#39;x&#39;");
        assert_eq!(esc("a\u{0}b"), "a\u{fffd}b");
        assert_eq!(num(96.428_57, 2), "96.43");
        assert_eq!(fill("{m}(尚缺:{labels})", &[("m", "张{labels}"), ("labels", "“学习”")]), "张{labels}(尚缺:“学习”)");
        assert_eq!(fill("{unknown} {", &[]), "{unknown} {");
        assert_eq!(num(100.0, 2), "100");
    }
}

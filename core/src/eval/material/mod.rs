//! Material self-check: character count, required parts in order, areas
//! covered, flagged phrases with their offsets, and the item-by-item check of
//! an itemised material (a 整改方案).
//!
//! # Counting
//!
//! As Microsoft Word's 字数 counts Chinese text: every CJK ideograph, kana,
//! hangul syllable and full-width or CJK punctuation mark (including
//! “ ” ‘ ’ — …) counts 1; every maximal run of other non-space characters
//! (a Latin word, a number such as 2005 or 3.5) counts 1; white space
//! counts 0. All offsets are in Unicode scalar values (chars), from the
//! start of the text.
//!
//! # Phrases
//!
//! Every marker and flagged phrase of a material is looked up in one pass
//! over the draft: a table from a phrase's first character to the phrases
//! that start with it. Matches may overlap (every occurrence of every
//! phrase is found). A flagged phrase found several times is one finding
//! whose `at` lists every place (one message, many highlights).
//!
//! # Negated flags
//!
//! A flagged phrase is not reported when the member negates it: a negation
//! (不、没、没有、未、并非、绝非、决非、而非, and so 从不、从未、绝不、决不、不是、并不 …)
//! stands before the phrase **in the same clause** (looking back at most 60
//! characters). A clause ends at
//! `,。;:!?` (full or half width) and at a line break; `、` does not end
//! it, so one negation covers a list (从不以工作太忙、任务太重为借口).
//! Not negations: 不少、不断、不仅、不但、不光、不止、不只、未来, double
//! negatives (不得不、不能不、不可否认、不否认 …), and words that describe a
//! shortcoming (不够、不足、不力、不到位、不及时、不扎实、不认真 …). A negation
//! inside another flagged phrase (上级不重视) negates nothing. A word that
//! gives a cause or a contrast (因为、由于、原因是、原因在于、而是、但、却、
//! 只是、主要是) between the nearest negation and the phrase ends the
//! negation's reach, unless only auxiliaries (会、能、应、该、要、是 …) stand
//! between the negation and that word. So “我从不把问题归于客观原因” and
//! “我不会因为工作太忙而放松学习” are not flagged; “工作太忙不是理由”,
//! “不少客观原因” and “没有坚持学习是因为工作太忙” are.
//!
//! # Items (整改方案)
//!
//! A material with an `items` rule is split into items and each item is
//! checked on its own:
//!
//! * **Class headings.** A class name or one of its synonyms (立即整改,
//!   马上整改 …) starts a class block when it begins a line, optionally
//!   after a numbering (`一、` `(一)` `1.` `①` `第一项` …), opening
//!   brackets (`【`) or spaces: `一、立即整改`, `(二)限期整改的问题`,
//!   `立即整改:目标:…`. Inside a line, a class name that begins a sentence
//!   (after `。;!?`) is a heading only when a colon follows within six
//!   characters (`…。近期整改的问题:目标:…`), so a plan written as one
//!   paragraph still splits while a sentence such as “立即整改群众反映的问题”
//!   inside a field does not. Text before the first heading (title,
//!   preamble) is not checked. A class block that says only 无 / 暂无 /
//!   没有 has no items.
//! * **Numbered items.** Inside a class block, lines that begin with a
//!   numbering are items. The first numbered line fixes the style
//!   (`1.`/`1、` · `(1)`/`1)` · `一、`/`一是` · `(一)` · `①` · `第1项`);
//!   later lines of another style are part of the current item (number
//!   sub-points of a field in another style, or keep them on one line).
//!   Text between the heading and the first item is the block's title. A
//!   block whose first field label comes before any numbered line, or that
//!   has no numbered line, is one item.
//! * **Fields.** A field is one of its markers followed by `:` or `:`;
//!   its text runs to the next field label or the end of the item. Where a
//!   field the item already has starts again, a new item of the same class
//!   starts (two items written one after the other without numbers).
//! * Items are numbered per class in text order (“立即整改”第2项), across
//!   blocks of the same class.
//!
//! Every field must be present (`item.field_missing`) and filled in
//! (`item.field_empty`: only spaces, punctuation or placeholders such as
//! `……` `XX` `□`). A `date: true` field must name a real date
//! (`item.date_invalid`); the first date expression in its text counts:
//! `2005年5月31日`, `2005-05-31`, `2005/5/31`, `2005年6月`, `5月底`,
//! `6月10日`, `五月底`, `二〇〇五年五月三十一日`, `4月上旬`, `2005年底`,
//! `年底`, `年内`, `本月底`, `下月底`, `上半年`, `第二季度` (each may be
//! followed by 前/之前/以前/内). Months outside 1–12 and days the month does
//! not have (2月30日, 4月31日; 2月29日 only in a leap year when the year is
//! given) are rejected; a year alone (2006年) is not precise enough. Fewer
//! items than `min_items` is `item.missing`.

mod count;
mod items;
mod negation;
mod phrases;
mod quotes;
mod report;

use crate::error::EvalError;
use crate::messages::Msg;
use crate::model::Rules;
pub use count::count_chars;
use items::*;
use negation::*;
pub(crate) use phrases::Matcher;
use phrases::*;
pub use report::{Finding, ItemDate, ItemState, MaterialReport, PartState};

pub(crate) fn check(r: &Rules, matchers: &[Matcher], kind: &str, role: &str, text: &str) -> Result<MaterialReport, EvalError> {
    let Some(mi) = r.materials.iter().position(|m| m.kind == kind) else {
        let known: Vec<_> = r.materials.iter().map(|m| m.kind.as_str()).collect();
        return Err(EvalError::new("material.unknown", format!("未知的材料种类 \"{kind}\";可选: {} / unknown material kind", known.join("、"))));
    };
    if !r.roles.iter().any(|x| x.name == role) {
        let known: Vec<_> = r.roles.iter().map(|x| x.name.as_str()).collect();
        return Err(EvalError::new("role.unknown", format!("未知的角色 \"{role}\";可选: {} / unknown role", known.join("、"))));
    }
    let m = &r.materials[mi];
    let Some(mat) = matchers.get(mi) else {
        return Err(EvalError::new("material.unknown", format!("材料 \"{kind}\" 没有编译 / material not compiled")));
    };
    let chars = count_chars(text);

    // Byte offset → char offset.
    let mut char_at = vec![0usize; text.len() + 1];
    let mut ci = 0;
    for (b, c) in text.char_indices() {
        for k in 0..c.len_utf8() {
            char_at[b + k] = ci;
        }
        ci += 1;
    }
    char_at[text.len()] = ci;

    let hits = mat.hits(text);
    let mut part_first: Vec<Option<usize>> = vec![None; m.parts.len()];
    let mut field_hits: Vec<Vec<Vec<usize>>> = m.parts.iter().map(|p| vec![vec![]; p.fields.len()]).collect();
    let mut area_hit = vec![false; m.areas.len()];
    let mut extra_hit: Vec<Vec<bool>> = m.extra_areas.iter().map(|(_, l)| vec![false; l.len()]).collect();
    // In start order, as the hits are.
    let flag_ranges: Vec<(usize, usize)> = hits.iter().filter(|h| matches!(mat.pats[h.pat].0, Pat::Flag(_))).map(|h| (h.start, h.end)).collect();
    let mut findings: Vec<Finding> = vec![];
    // Pattern index → its flag finding in `findings` (one per phrase, every place in `at`).
    let mut flag_finding: Vec<Option<usize>> = vec![None; mat.pats.len()];
    // Where the member cites words instead of writing them (see `quotes`).
    let quotations = quotes::quotations(text);
    let rule_quotes: Vec<Vec<(usize, usize)>> = m.flags.iter().map(|f| quotes::occurrences(text, &f.reason)).collect();
    let mut quoted = 0;
    for hit in &hits {
        let (pat, phrase) = &mat.pats[hit.pat];
        let (s, e) = (char_at[hit.start], char_at[hit.end]);
        match *pat {
            Pat::Part(_) if quotes::inside(&quotations, hit.start, hit.end) => {}
            Pat::Part(i) => {
                if part_first[i].is_none_or(|x| s < x) {
                    part_first[i] = Some(s);
                }
            }
            Pat::Field(i, j) => field_hits[i][j].push(s),
            Pat::Area(i) => area_hit[i] = true,
            Pat::Extra(i, j) => extra_hit[i][j] = true,
            Pat::Flag(i) => {
                if negated(text, hit.start, &flag_ranges) {
                    continue;
                }
                if rule_quotes.get(i).is_some_and(|q| quotes::inside(q, hit.start, hit.end)) {
                    quoted += 1;
                    continue;
                }
                if let Some(at) = flag_finding[hit.pat].and_then(|k| findings.get_mut(k)).and_then(|f| f.at.as_mut()) {
                    at.push([s, e]);
                    continue;
                }
                let f = &m.flags[i];
                let level = if f.level == "error" { "error" } else { "warning" };
                let msg = Msg::new("flag").with("phrase", phrase).with("reason", &f.reason);
                flag_finding[hit.pat] = Some(findings.len());
                findings.push(Finding { phrase: Some(phrase.clone()), at: Some(vec![[s, e]]), ..Finding::new("flag", level, msg, Some(s), Some(e)) });
            }
            Pat::Class(_) | Pat::ItemField(_) => {}
        }
    }

    let min_chars = m.min_chars.iter().find(|(k, _)| k == role).or_else(|| m.min_chars.iter().find(|(k, _)| k == "*")).map(|x| x.1);
    let mut reasons = vec![];
    if let Some(min) = min_chars {
        if (chars as i64) < min {
            let msg = Msg::new("chars.short").with("chars", chars).with("role", role).with("min", min).with("short", min - chars as i64);
            reasons.push(msg.zh());
            findings.push(Finding::new("chars.short", "error", msg, None, None));
        }
    }

    // Parts: present, in order, each with its fields inside its own span.
    let mut order: Vec<(usize, usize)> = part_first.iter().enumerate().filter_map(|(i, s)| s.map(|s| (s, i))).collect();
    crate::sort::sort(&mut order);
    let mut parts = vec![];
    for (i, p) in m.parts.iter().enumerate() {
        let start = part_first[i];
        let mut missing_fields = vec![];
        if let Some(s) = start {
            let end = order.iter().map(|x| x.0).find(|&x| x > s).unwrap_or(usize::MAX);
            for (j, f) in p.fields.iter().enumerate() {
                if !field_hits[i][j].iter().any(|&x| x >= s && x < end) {
                    missing_fields.push(f.name.clone());
                }
            }
            if !missing_fields.is_empty() {
                let msg = Msg::new("part.field_missing").with("part", &p.name).with("fields", missing_fields.clone());
                reasons.push(msg.zh());
                findings.push(Finding::new("part.field_missing", "error", msg, Some(s), None));
            }
        } else {
            let msg = Msg::new("part.missing").with("part", &p.name).with("marker", p.markers.first().cloned().unwrap_or_default());
            reasons.push(msg.zh());
            findings.push(Finding::new("part.missing", "error", msg, None, None));
        }
        parts.push(PartState { name: p.name.clone(), found: start.is_some(), start, missing_fields });
    }
    // Out of order: placed at the first found part that starts before the one declared ahead of it.
    let found_in_decl_order: Vec<usize> = part_first.iter().flatten().copied().collect();
    if let Some(w) = found_in_decl_order.windows(2).find(|w| w[0] > w[1]) {
        let names: Vec<String> = m.parts.iter().map(|p| p.name.clone()).collect();
        findings.push(Finding::new("part.order", "warning", Msg::new("part.order").with("names", names), Some(w[1]), None));
    }

    // Areas.
    let mut areas_covered = vec![];
    let mut areas_missing = vec![];
    for (i, a) in m.areas.iter().enumerate() {
        if area_hit[i] {
            areas_covered.push(a.name.clone())
        } else {
            areas_missing.push(a.name.clone())
        }
    }
    let need = m.min_areas.unwrap_or(m.areas.len());
    if areas_covered.len() < need {
        let msg = if m.min_areas.is_some() {
            Msg::new("area.too_few").with("have", areas_covered.len()).with("need", need).with("missing", areas_missing.clone())
        } else {
            Msg::new("area.missing").with("missing", areas_missing.clone())
        };
        reasons.push(msg.zh());
        findings.push(Finding::new(if m.min_areas.is_some() { "area.too_few" } else { "area.missing" }, "error", msg, None, None));
    }
    for (i, (r0, list)) in m.extra_areas.iter().enumerate() {
        if r0 != role {
            continue;
        }
        let miss: Vec<_> = list.iter().enumerate().filter(|(j, _)| !extra_hit[i][*j]).map(|(_, a)| a.name.clone()).collect();
        areas_covered.extend(list.iter().enumerate().filter(|(j, _)| extra_hit[i][*j]).map(|(_, a)| a.name.clone()));
        if !miss.is_empty() {
            let msg = Msg::new("area.role_missing").with("role", role).with("missing", miss.clone());
            reasons.push(msg.zh());
            findings.push(Finding::new("area.missing", "error", msg, None, None));
            areas_missing.extend(miss);
        }
    }

    // Items.
    let items = m.items.as_ref().map(|rule| {
        let (items, found) = check_items(rule, text, &hits, &mat.pats, &char_at);
        reasons.extend(found.iter().map(|f| f.message.clone()));
        findings.extend(found);
        items
    });

    // A phrase flagged many times is one reason (its finding keeps every place in `at`).
    for f in findings.iter().filter(|f| f.code == "flag" && f.level == "error") {
        if !reasons.contains(&f.message) {
            reasons.push(f.message.clone());
        }
    }
    crate::sort::sort_by_key(&mut findings, |f| (f.start.is_none(), f.start.unwrap_or(0)));
    let pass = !findings.iter().any(|f| f.level == "error");
    Ok(MaterialReport {
        kind: kind.to_string(),
        role: role.to_string(),
        chars,
        min_chars,
        parts,
        areas_covered,
        areas_missing,
        items,
        findings,
        pass,
        reasons,
        quoted,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::count::{char_class, is_cjk, CharClass};
    use super::*;
    use crate::{ruleset::RuleSet, source::MemorySource};

    const RULES: &str = r#"
role("党员");
material("整改方案", #{
    items: #{
        classes: [#{ name: "立即整改", synonyms: ["马上整改"] }, #{ name: "近期整改", synonyms: ["限期整改"] },
                  #{ name: "逐步整改", synonyms: ["说明情况、逐步解决", "逐步解决"] }],
        fields: [#{ name: "目标", markers: ["整改目标", "目标"] }, #{ name: "措施", markers: ["整改措施", "措施"] },
                 #{ name: "完成时间", markers: ["完成时间", "完成时限", "时限"], date: true },
                 #{ name: "初步效果", markers: ["初步效果", "效果"] }],
        min_items: 1 },
});
material("党性分析材料", #{
    flags: [#{ phrases: ["客观原因", "工作太忙", "任务太重", "上级不重视"], level: "error", reason: "只写主观原因" },
            #{ phrases: ["等待上级"], level: "warning", reason: "能改的立即改" }],
});
"#;

    fn rules() -> RuleSet {
        let mut src = MemorySource::new();
        src.insert("t.rhai", RULES);
        let rs = RuleSet::load("t.rhai", &src);
        assert!(rs.diagnostics().iter().all(|d| d.severity != crate::diag::Severity::Error), "{:?}", rs.diagnostics());
        rs
    }

    fn plan(text: &str) -> MaterialReport {
        rules().check_material("整改方案", "党员", text).unwrap()
    }

    fn codes(r: &MaterialReport, code: &str) -> Vec<String> {
        r.findings.iter().filter(|f| f.code == code).map(|f| f.message.clone()).collect()
    }

    /// Phrases flagged in a 党性分析 draft.
    fn flagged(text: &str) -> Vec<String> {
        let r = rules().check_material("党性分析材料", "党员", text).unwrap();
        r.findings.iter().filter(|f| f.code == "flag").filter_map(|f| f.phrase.clone()).collect()
    }

    const FULL: &str = "个人整改方案\n\
        一、立即整改\n\
        1. 学习不够深入。目标:每周学习不少于4小时。措施:制定学习计划。完成时间:2005年5月31日前。初步效果:已学完规定篇目。\n\
        2. 群众来信办理拖拉。目标:当天登记。措施:建立台账,专人负责。完成时间:5月底前。初步效果:积压件已清零。\n\
        二、近期整改\n\
        目标:完成三座小型水库除险加固。措施:争取省级资金,分段施工。完成时间:6月底前。初步效果:两座已开工。\n\
        三、逐步整改\n\
        目标:理顺基层水管单位体制。措施:调查研究,提出方案。完成时间:年底前。初步效果:已完成调研。\n";

    #[test]
    fn a_complete_plan_passes() {
        let r = plan(FULL);
        assert!(r.pass, "{:#?}", r.findings);
        let items = r.items.as_ref().unwrap();
        let got: Vec<(&str, usize)> = items.iter().map(|i| (i.class.as_str(), i.no)).collect();
        assert_eq!(got, [("立即整改", 1), ("立即整改", 2), ("近期整改", 1), ("逐步整改", 1)]);
        let d = items[0].date.as_ref().unwrap();
        assert_eq!((d.text.as_str(), d.year, d.month, d.day), ("2005年5月31日前", Some(2005), Some(5), Some(31)));
        let d = items[2].date.as_ref().unwrap();
        assert_eq!((d.text.as_str(), d.year, d.month, d.day), ("6月底前", None, Some(6), None));
        assert_eq!(items[3].date.as_ref().unwrap().month, Some(12));
        // Offsets are chars: item 1 starts at "1." of its line.
        let chars: Vec<char> = FULL.chars().collect();
        assert_eq!(chars[items[0].start], '1');
        assert_eq!(chars[items[2].start], '二');
    }

    #[test]
    fn a_skeleton_fails_with_every_items_fields() {
        // 36 characters of labels and nothing else.
        let r = plan("一、立即整改\n目标:\n措施:\n完成时间:\n初步效果:\n二、近期整改\n目标:措施:完成时间:初步效果:\n三、逐步整改\n目标:……\n措施:XX\n完成时间:\n初步效果:□\n");
        assert!(!r.pass);
        let items = r.items.as_ref().unwrap();
        assert_eq!(items.len(), 3);
        for it in items {
            assert_eq!(it.missing, ["目标", "措施", "完成时间", "初步效果"], "{it:?}");
        }
        let empty = codes(&r, "item.field_empty");
        assert_eq!(empty.len(), 12, "{empty:#?}");
        assert!(empty.contains(&"“近期整改”第1项的“完成时间”没有填写内容".to_string()), "{empty:#?}");
        // Headings alone: every field of every class missing.
        let r = plan("一、立即整改\n二、近期整改\n三、逐步整改\n");
        assert_eq!(codes(&r, "item.field_missing").len(), 12);
        assert!(r.reasons.iter().any(|x| x.starts_with("“逐步整改”第1项缺少“初步效果”")), "{:#?}", r.reasons);
        // Nothing at all.
        let r = plan("个人整改方案\n我一定认真整改。");
        assert_eq!(codes(&r, "item.missing").len(), 1);
        assert_eq!(r.items.as_ref().map(Vec::len), Some(0));
    }

    #[test]
    fn an_item_without_deadline_fails_even_when_a_sibling_has_one() {
        let r = plan("立即整改\n1. 目标:当天登记。措施:建立台账。完成时间:5月底前。初步效果:已登记。\n2. 目标:按时参加组织生活。措施:提前请假。初步效果:未再迟到。\n");
        assert!(!r.pass);
        let f: Vec<&Finding> = r.findings.iter().filter(|f| f.code == "item.field_missing").collect();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].message, "“立即整改”第2项缺少“完成时间”(应写“完成时间:……”)");
        assert_eq!((f[0].item, f[0].field.as_deref()), (Some(1), Some("完成时间")));
        // The finding points at the item's number.
        let items = r.items.as_ref().unwrap();
        assert_eq!(f[0].start, Some(items[1].start));
        assert_eq!(items[0].missing, Vec::<String>::new());
        assert_eq!(items[1].missing, ["完成时间"]);
        // Unnumbered: the second 目标 starts a second item.
        let r = plan("一、立即整改\n目标:当天登记。措施:建立台账。完成时间:5月底前。初步效果:已登记。\n目标:按时参加组织生活。措施:提前请假。初步效果:未再迟到。\n");
        assert_eq!(codes(&r, "item.field_missing"), ["“立即整改”第2项缺少“完成时间”(应写“完成时间:……”)"]);
    }

    #[test]
    fn missing_effect_fails() {
        let r = plan("二、近期整改\n目标:完成水库除险加固。措施:分段施工。时限:6月底前。\n");
        assert!(!r.pass);
        assert_eq!(r.items.as_ref().unwrap()[0].missing, ["初步效果"]);
        assert_eq!(codes(&r, "item.field_missing"), ["“近期整改”第1项缺少“初步效果”(应写“初步效果:……”)"]);
    }

    #[test]
    fn synonyms_name_their_class() {
        let r = plan(
            "一、马上整改\n目标:当天登记。措施:建立台账。时限:6月10日之前完成。效果:已登记。\n\
            二、限期整改\n目标:除险加固。措施:分段施工。时限:2005年5月31日前。效果:已开工。\n\
            三、说明情况、逐步解决\n目标:理顺体制。措施:说明情况,积极争取。时限:年底前提出方案。效果:群众理解。\n",
        );
        assert!(r.pass, "{:#?}", r.findings);
        let items = r.items.unwrap();
        let got: Vec<(&str, &str)> = items.iter().map(|i| (i.class.as_str(), i.heading.as_str())).collect();
        assert_eq!(got, [("立即整改", "马上整改"), ("近期整改", "限期整改"), ("逐步整改", "说明情况、逐步解决")]);
        // Messages use the class as written.
        let r = plan("三、说明情况、逐步解决\n目标:理顺体制。措施:积极争取。效果:群众理解。\n");
        assert!(codes(&r, "item.field_missing")[0].starts_with("“说明情况、逐步解决”第1项缺少“完成时间”"));
    }

    #[test]
    fn deadlines_must_be_real_dates() {
        let r = plan("立即整改\n1. 目标:甲。措施:乙。完成时间:2月30日前。初步效果:丙。\n2. 目标:甲。措施:乙。完成时间:尽快。初步效果:丙。\n3. 目标:甲。措施:乙。完成时间:13月底。初步效果:丙。\n");
        let bad = codes(&r, "item.date_invalid");
        assert_eq!(
            bad,
            [
                "“立即整改”第1项的“完成时间”“2月30日”不是有效日期:2月没有30日",
                "“立即整改”第2项的“完成时间”没有写明日期(“尽快”),应写如“5月底前”“2005年5月31日前”",
                "“立即整改”第3项的“完成时间”“13月”不是有效日期:没有13月",
            ]
        );
        // The finding covers the date as written.
        let f = r.findings.iter().find(|f| f.code == "item.date_invalid").unwrap();
        let text = "立即整改\n1. 目标:甲。措施:乙。完成时间:";
        assert_eq!((f.start, f.end), (Some(text.chars().count()), Some(text.chars().count() + 5)));
        assert!(r.items.unwrap().iter().all(|i| i.date.is_none() && i.missing.is_empty()));
    }

    fn date(s: &str) -> (Option<i32>, Option<u32>, Option<u32>, String) {
        match find_date(s) {
            DateParse::Ok(d) => (d.year, d.month, d.day, d.text),
            other => panic!("{s}: {other:?}"),
        }
    }

    fn bad_date(s: &str) -> String {
        match find_date(s) {
            DateParse::Bad { expr, .. } => expr,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn date_expressions() {
        assert_eq!(date("6月底前"), (None, Some(6), None, "6月底前".into()));
        assert_eq!(date("2005年5月31日前"), (Some(2005), Some(5), Some(31), "2005年5月31日前".into()));
        assert_eq!(date("2005-05-31"), (Some(2005), Some(5), Some(31), "2005-05-31".into()));
        assert_eq!(date("2005/5/31完成"), (Some(2005), Some(5), Some(31), "2005/5/31".into()));
        assert_eq!(date("2005年6月"), (Some(2005), Some(6), None, "2005年6月".into()));
        assert_eq!(date("力争5月底前完成"), (None, Some(5), None, "5月底前".into()));
        assert_eq!(date("6月10日之前完成"), (None, Some(6), Some(10), "6月10日之前".into()));
        assert_eq!(date("五月底前"), (None, Some(5), None, "五月底前".into()));
        assert_eq!(date("二〇〇五年十二月三十一日"), (Some(2005), Some(12), Some(31), "二〇〇五年十二月三十一日".into()));
        assert_eq!(date("２００５年５月３１日"), (Some(2005), Some(5), Some(31), "２００５年５月３１日".into()));
        assert_eq!(date("4月上旬"), (None, Some(4), None, "4月上旬".into()));
        assert_eq!(date("年底前"), (None, Some(12), None, "年底前".into()));
        assert_eq!(date("2005年底"), (Some(2005), Some(12), None, "2005年底".into()));
        assert_eq!(date("本月底"), (None, None, None, "本月底".into()));
        assert_eq!(date("第二季度末"), (None, Some(6), None, "二季度末".into()));
        assert_eq!(date("2月29日"), (None, Some(2), Some(29), "2月29日".into()));
        assert_eq!(date("2004年2月29日"), (Some(2004), Some(2), Some(29), "2004年2月29日".into()));
        assert_eq!(bad_date("2005年2月29日"), "2005年2月29日");
        assert_eq!(bad_date("2月30日"), "2月30日");
        assert_eq!(bad_date("4月31日前"), "4月31日");
        assert_eq!(bad_date("13月"), "13月");
        assert_eq!(bad_date("0月"), "0月");
        assert_eq!(bad_date("2005-13-01"), "2005-13-01");
        assert_eq!(bad_date("2006年完成"), "2006年");
        for none in ["尽快", "立即", "长期坚持", "3个月内", "一年内", "近期", ""] {
            assert_eq!(find_date(none), DateParse::None, "{none}");
        }
    }

    #[test]
    fn numbering_marks() {
        fn m(s: &str) -> Option<(Style, &str)> {
            parse_mark(s).map(|(st, n)| (st, &s[..n]))
        }
        assert_eq!(m("1. 目标"), Some((Style::Arabic, "1.")));
        assert_eq!(m("12、目标"), Some((Style::Arabic, "12、")));
        assert_eq!(m("1.5万元"), None);
        assert_eq!(m("2005年"), None);
        assert_eq!(m("5月底"), None);
        assert_eq!(m("(1)建立"), Some((Style::ParenArabic, "(1)")));
        assert_eq!(m("\u{FF08}二\u{FF09}限期"), Some((Style::ParenChinese, "\u{FF08}二\u{FF09}")));
        assert_eq!(m("1)建立"), Some((Style::ParenArabic, "1)")));
        assert_eq!(m("一、立即"), Some((Style::Chinese, "一、")));
        assert_eq!(m("三是逐步"), Some((Style::Chinese, "三是")));
        assert_eq!(m("十分重视"), None);
        assert_eq!(m("①建立"), Some((Style::Circled, "①")));
        assert_eq!(m("第2项:"), Some((Style::Ordinal, "第2项:")));
        assert_eq!(m("第一批"), None);
    }

    #[test]
    fn grammar_variants() {
        // Full-width colons, one paragraph, a class that says 无.
        let c = '\u{FF1A}';
        let text = format!("立即整改{c}目标{c}当天登记。措施{c}建立台账。完成时间{c}5月底前。初步效果{c}已登记。近期整改的问题{c}目标{c}除险加固。措施{c}分段施工。完成时间{c}6月底前。初步效果{c}已开工。\n三、逐步整改{c}无\n");
        let r = plan(&text);
        assert!(r.pass, "{:#?}", r.findings);
        assert_eq!(r.items.as_ref().unwrap().iter().map(|i| i.class.as_str()).collect::<Vec<_>>(), ["立即整改", "近期整改"]);
        // Sub-points in another numbering style stay inside their field; a class name inside a sentence is not a heading.
        let r = plan("一、立即整改\n1. 学习不够。\n目标:系统学习。\n措施:\n(1)制定计划;\n(2)每周交流。立即整改学风问题。\n完成时间:5月底前\n初步效果:已制定计划\n2. 目标:按时参会。措施:提前安排。完成时间:5月10日前。初步效果:未再迟到。\n");
        assert!(r.pass, "{:#?}", r.findings);
        assert_eq!(r.items.as_ref().unwrap().len(), 2);
        // Field labels before the numbered lines: numbered lines are sub-points, one item.
        let r = plan("立即整改\n目标:系统学习\n措施:\n1. 制定计划\n2. 每周交流\n完成时间:5月底前\n初步效果:已制定计划\n");
        assert!(r.pass, "{:#?}", r.findings);
        assert_eq!(r.items.as_ref().unwrap().len(), 1);
        // Materials without an items rule report no items.
        let r = rules().check_material("党性分析材料", "党员", "文本").unwrap();
        assert!(r.items.is_none());
        assert!(!serde_json::to_string(&r).unwrap().contains("\"items\""));
    }

    #[test]
    fn negated_flags_are_not_reported() {
        assert_eq!(flagged("我从不把问题归于客观原因,也不以工作太忙为借口。"), Vec::<String>::new());
        assert_eq!(flagged("我从不以工作太忙、任务太重为借口。"), Vec::<String>::new());
        assert_eq!(flagged("我不会因为工作太忙而放松学习。"), Vec::<String>::new());
        assert_eq!(flagged("问题的根源不是客观原因,而是主观上放松了要求。"), Vec::<String>::new());
        assert_eq!(flagged("并非工作太忙,是思想上不重视。"), Vec::<String>::new());
        assert_eq!(flagged("没有等待上级,马上整改。"), Vec::<String>::new());
        assert_eq!(flagged("决不拿任务太重当理由。"), Vec::<String>::new());
    }

    #[test]
    fn odd_rules_and_random_drafts_do_not_panic() {
        // Class names that are also field markers, markers holding clause and sentence ends.
        let odd = r#"
role("党员");
material("整改方案", #{
    items: #{ classes: ["目标", #{ name: "。立即整改", synonyms: ["立即整改:", "\n"] }, "近期整改"],
              fields: [#{ name: "目标", markers: ["目标", "标:"] }, #{ name: "时间", markers: ["。时间", "间:", "完成时间"], date: true }],
              min_items: 3 },
    flags: [#{ phrases: ["不", "客观原因。不", "太忙"], level: "error", reason: "r" }],
});
"#;
        let mut src = MemorySource::new();
        src.insert("odd.rhai", odd);
        src.insert("t.rhai", RULES);
        let sets = [RuleSet::load("odd.rhai", &src), RuleSet::load("t.rhai", &src)];
        assert!(
            sets[0].rules().materials.first().is_some_and(|m| m.items.as_ref().is_some_and(|i| i.classes.len() == 3)),
            "{:?}",
            sets[0].diagnostics()
        );
        let alphabet: Vec<&str> = vec![
            "立即整改",
            "近期整改",
            "目标",
            "时间",
            "完成时间",
            "初步效果",
            ":",
            "\u{FF1A}",
            "。",
            ",",
            "\n",
            " ",
            "、",
            "1.",
            "(1)",
            "\u{FF08}一\u{FF09}",
            "一、",
            "①",
            "第2项",
            "2005",
            "年",
            "月",
            "日",
            "二〇〇五",
            "十二",
            "三十",
            "底",
            "前",
            "季度",
            "-",
            "不",
            "没有",
            "不少",
            "因为",
            "客观原因",
            "太忙",
            "无",
            "X",
            "é",
            "𠀀",
        ];
        let mut seed = 7u64;
        for n in 0..3000 {
            let mut t = String::new();
            for _ in 0..(n % 60) {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                t.push_str(alphabet[(seed >> 33) as usize % alphabet.len()]);
            }
            for rs in &sets {
                for kind in ["整改方案", "党性分析材料"] {
                    if let Ok(r) = rs.check_material(kind, "党员", &t) {
                        let len = t.chars().count();
                        assert!(r.findings.iter().all(|f| f.start.is_none_or(|s| s <= len) && f.end.is_none_or(|e| e <= len)), "{t:?}");
                        assert!(r.items.iter().flatten().all(|i| i.start <= i.end && i.end <= len), "{t:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn long_unpunctuated_drafts_stay_fast() {
        // No clause or sentence ends at all: the backward scans are bounded.
        let text = format!("{}{}", "不".repeat(2000), "立即整改工作太忙客观原因".repeat(400));
        let t = std::time::Instant::now();
        let rs = rules();
        for kind in ["整改方案", "党性分析材料"] {
            rs.check_material(kind, "党员", &text).unwrap();
        }
        assert!(t.elapsed() < std::time::Duration::from_secs(2), "{:?}", t.elapsed());
        // A negation 60 characters back no longer reaches.
        assert_eq!(flagged(&format!("不{}工作太忙", "学".repeat(60))), ["工作太忙"]);
        assert_eq!(flagged(&format!("不{}工作太忙", "学".repeat(50))), Vec::<String>::new());
    }

    #[test]
    fn negation_words_are_prefiltered() {
        for w in NOT_NEGATIONS.iter().chain(NEGATORS) {
            assert!(w.chars().next().is_some_and(starts_negation_word), "{w}");
        }
    }

    #[test]
    fn a_repeated_phrase_is_one_finding_with_every_place() {
        // “客观原因” twice (the negated third is not a place), “工作太忙” once; chars, not bytes.
        let text = "客观原因是工作太忙。又是客观原因。我从不讲客观原因。";
        let r = rules().check_material("党性分析材料", "党员", text).unwrap();
        let flags: Vec<_> = r.findings.iter().filter(|f| f.code == "flag").collect();
        assert_eq!(flags.len(), 2);
        assert_eq!((flags[0].phrase.as_deref(), flags[0].start, flags[0].end), (Some("客观原因"), Some(0), Some(4)));
        assert_eq!(flags[0].at, Some(vec![[0, 4], [12, 16]]));
        assert_eq!((flags[1].phrase.as_deref(), flags[1].at.clone()), (Some("工作太忙"), Some(vec![[5, 9]])));
        // One reason per phrase, as before.
        assert_eq!(r.reasons.iter().filter(|x| x.contains("客观原因”")).count(), 1);
        // The JSON of a finding keeps its first place in start/end and lists all in `at`.
        let j = serde_json::to_value(flags[0]).unwrap();
        assert_eq!(j["at"], serde_json::json!([[0, 4], [12, 16]]));
    }

    #[test]
    fn quoting_the_rule_is_not_doing_what_it_warns_of() {
        let rs = rules();
        let quoting = "对照“只写主观原因”这一条检查自己:主观原因是放松了学习。";
        let r = rs.check_material("党性分析材料", "党员", quoting).unwrap();
        assert_eq!(r.quoted, 0, "no flagged phrase inside the quote");
        let r = rs.check_material("党性分析材料", "党员", "我把“只写主观原因”读成了别的。").unwrap();
        assert_eq!(r.quoted, 0);
        // The reason itself holds no flagged phrase here; one that does:
        let mut src = MemorySource::new();
        src.insert("t.rhai", RULES.replace("reason: \"只写主观原因\"", "reason: \"把问题归于客观原因、工作太忙\""));
        let rs = RuleSet::load("t.rhai", &src);
        let text = "按照“把问题归于客观原因、工作太忙”的要求检查。";
        let r = rs.check_material("党性分析材料", "党员", text).unwrap();
        assert_eq!((r.quoted, r.pass), (2, true), "{:?}", r.findings);
        let r = rs.check_material("党性分析材料", "党员", &format!("{text}我的问题主要是工作太忙。")).unwrap();
        assert_eq!((r.quoted, r.pass), (2, false), "the phrase outside the quote still fails: {:?}", r.findings);
        assert_eq!(r.findings.iter().filter(|f| f.code == "flag").count(), 1);
    }

    #[test]
    fn a_marker_in_quotation_marks_is_a_mention_not_the_part() {
        let rules = r#"role("党员");
material("党性分析材料", #{ parts: [#{ name: "查找问题", markers: ["存在的问题"] }, #{ name: "原因剖析", markers: ["主观原因"] }] });"#;
        let mut src = MemorySource::new();
        src.insert("t.rhai", rules);
        let rs = RuleSet::load("t.rhai", &src);
        let ordered = "按照“只写主观原因、不写客观原因”的要求。\n一、存在的问题\n学习不够。\n二、主观原因\n放松了要求。";
        let r = rs.check_material("党性分析材料", "党员", ordered).unwrap();
        assert!(r.findings.iter().all(|f| f.code != "part.order"), "{:?}", r.findings);
        let heading = ordered.find("二、").map(|b| ordered[..b].chars().count() + 2);
        assert_eq!(r.parts[1].start, heading, "the part starts at its heading, not at the quote");
        // Out of order for real: the warning says where.
        let swapped = "一、主观原因\n放松了要求。\n二、存在的问题\n学习不够。";
        let r = rs.check_material("党性分析材料", "党员", swapped).unwrap();
        let order = r.findings.iter().find(|f| f.code == "part.order").expect("order warning");
        assert_eq!(order.start, Some(2), "placed at the part that came too early");
    }

    #[test]
    fn flags_still_reported() {
        // The negation comes after the phrase.
        assert_eq!(flagged("工作太忙不是理由,但我确实放松了学习。"), ["工作太忙"]);
        // 不少 / 不断 / 不仅 / 不但 are not negations.
        assert_eq!(flagged("这里面有不少客观原因。"), ["客观原因"]);
        assert_eq!(flagged("我不断强调客观原因。"), ["客观原因"]);
        assert_eq!(flagged("不仅有客观原因,也有主观原因。"), ["客观原因"]);
        assert_eq!(flagged("不但工作太忙,而且任务太重。"), ["工作太忙", "任务太重"]);
        // A negation in an earlier clause (full-width comma) does not reach.
        assert_eq!(flagged("我没有偷懒\u{FF0C}主要是工作太忙。"), ["工作太忙"]);
        assert_eq!(flagged("我没有偷懒;工作太忙。"), ["工作太忙"]);
        // A cause word between the negation and the phrase ends its reach.
        assert_eq!(flagged("没有坚持学习是因为工作太忙。"), ["工作太忙"]);
        assert_eq!(flagged("学习抓得不紧的原因是工作太忙。"), ["工作太忙"]);
        assert_eq!(flagged("学习不够深入的客观原因"), ["客观原因"]);
        // A negation inside another flagged phrase negates nothing.
        assert_eq!(flagged("上级不重视、工作太忙"), ["上级不重视", "工作太忙"]);
        // Offsets stay chars.
        let r = rules().check_material("党性分析材料", "党员", "我不否认有客观原因").unwrap();
        assert_eq!((r.findings[0].start, r.findings[0].end), (Some(5), Some(9)));
    }

    #[test]
    fn char_class_is_the_plain_definition_for_every_char() {
        // White space first, then counted alone, then part of a word: as the module docs say.
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let plain = if c.is_whitespace() {
                CharClass::Space
            } else if is_cjk(c) {
                CharClass::Alone
            } else {
                CharClass::Word
            };
            assert_eq!(char_class(c), plain, "U+{:04X}", c as u32);
        }
    }

    #[test]
    #[ignore = "timing; run with --release --ignored --nocapture"]
    fn recheck_speed() {
        let rs = rules();
        let unit = "我从不把问题归于客观原因,也不以工作太忙为借口。但学习抓得不紧的原因是任务太重,存在不少客观原因。\n";
        let mut draft = String::new();
        while draft.chars().count() < 5000 {
            draft.push_str(unit);
        }
        let mut plan_text = String::new();
        while plan_text.chars().count() < 5000 {
            plan_text.push_str("一、立即整改\n1. 学习不够。目标:系统学习。措施:制定计划;每周交流。完成时间:2005年5月31日前。初步效果:已制定计划。\n2. 目标:按时参会。措施:提前安排。完成时间:5月底前。初步效果:未再迟到。\n");
        }
        for (kind, text) in [("党性分析材料", &draft), ("整改方案", &plan_text)] {
            let mut times = vec![];
            for _ in 0..201 {
                let t = std::time::Instant::now();
                let r = rs.check_material(kind, "党员", text).unwrap();
                times.push(t.elapsed());
                assert!(!r.findings.is_empty() || r.items.as_ref().is_some_and(|i| i.len() > 50));
            }
            times.sort();
            eprintln!("{kind}: {} chars, median {:?}, max {:?}", text.chars().count(), times[times.len() / 2], times[times.len() - 1]);
        }
    }

    #[test]
    fn word_count_rule() {
        assert_eq!(count_chars("\u{3000}党性\u{3000}分析\u{3000}"), 4);
        assert_eq!(count_chars("a\u{000B}b\u{00A0}c\u{2003}d"), 4);
        assert_eq!(count_chars("党性分析"), 4);
        assert_eq!(count_chars("党性分析\u{ff0c}材料\u{3002}"), 8);
        // A half-width comma is a run of non-CJK characters: 1.
        assert_eq!(count_chars("党性分析,材料"), 7);
        assert_eq!(count_chars("2005年 Hello world"), 4);
        assert_eq!(count_chars("  \n\t"), 0);
        assert_eq!(count_chars("“三个代表”"), 6);
        assert_eq!(count_chars("3.5学时"), 3);
    }
}

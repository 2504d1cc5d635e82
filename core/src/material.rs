//! Material self-check: character count, required parts in order, areas
//! covered, flagged phrases with their offsets.
//!
//! Counting rule (as Microsoft Word's 字数 counts Chinese text): every CJK
//! ideograph, kana, hangul syllable and full-width or CJK punctuation mark
//! (including “ ” ‘ ’ — …) counts 1; every maximal run of other non-space
//! characters (a Latin word, a number such as 2005 or 3.5) counts 1;
//! white space counts 0. All offsets are in Unicode scalar values (chars),
//! from the start of the text.

use crate::model::{Material, Rules};
use crate::EvalError;
use aho_corasick::{AhoCorasick, MatchKind};
use serde::Serialize;

/// True for characters Word counts one by one.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2014 | 0x2018..=0x201D | 0x2026 | 0x2E80..=0x2FDF | 0x3000..=0x30FF | 0x3100..=0x31FF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF | 0x20000..=0x3134F)
}

/// Counts characters the way Word's 字数 does for Chinese text (see the module docs).
pub fn count_chars(text: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for c in text.chars() {
        if c.is_whitespace() {
            in_word = false;
        } else if is_cjk(c) {
            n += 1;
            in_word = false;
        } else if !in_word {
            n += 1;
            in_word = true;
        }
    }
    n
}

/// One thing the check found.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Stable code: `chars.short`, `part.missing`, `part.order`, `part.field_missing`, `area.missing`, `area.too_few`, `flag`.
    pub code: &'static str,
    /// "error" fails the check, "warning" informs, "info" marks something found.
    pub level: &'static str,
    /// What it means, in Chinese.
    pub message: String,
    /// Start offset in chars, for findings in the text.
    pub start: Option<usize>,
    /// End offset (exclusive) in chars.
    pub end: Option<usize>,
    /// The matched phrase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phrase: Option<String>,
}

/// A required part: found or not, and where.
#[derive(Debug, Clone, Serialize)]
pub struct PartState {
    /// Part name.
    pub name: String,
    /// Found anywhere in the text.
    pub found: bool,
    /// Offset of its first marker.
    pub start: Option<usize>,
    /// Fields of the part that are missing.
    pub missing_fields: Vec<String>,
}

/// Result of checking a text.
#[derive(Debug, Clone, Serialize)]
pub struct MaterialReport {
    /// Material kind.
    pub kind: String,
    /// Role checked for.
    pub role: String,
    /// Characters as Word counts them.
    pub chars: usize,
    /// Minimum for this role, if any.
    pub min_chars: Option<i64>,
    /// Required parts.
    pub parts: Vec<PartState>,
    /// Areas covered.
    pub areas_covered: Vec<String>,
    /// Areas missing.
    pub areas_missing: Vec<String>,
    /// Everything found, in text order for located findings.
    pub findings: Vec<Finding>,
    /// True when no error-level finding.
    pub pass: bool,
    /// Reasons for failing, in Chinese.
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
enum Pat {
    Part(usize),
    Field(usize, usize),
    Area(usize),
    Extra(usize, usize),
    Flag(usize),
}

/// A material's phrases compiled once into one automaton.
#[derive(Debug, Clone)]
pub(crate) struct Matcher {
    ac: Option<AhoCorasick>,
    pats: Vec<(Pat, String)>,
}

impl Matcher {
    pub(crate) fn new(m: &Material) -> Matcher {
        let mut pats = vec![];
        for (i, p) in m.parts.iter().enumerate() {
            pats.extend(p.markers.iter().map(|s| (Pat::Part(i), s.clone())));
            for (j, f) in p.fields.iter().enumerate() {
                pats.extend(f.markers.iter().map(|s| (Pat::Field(i, j), s.clone())));
            }
        }
        for (i, a) in m.areas.iter().enumerate() {
            pats.extend(a.markers.iter().map(|s| (Pat::Area(i), s.clone())));
        }
        for (i, (_, list)) in m.extra_areas.iter().enumerate() {
            for (j, a) in list.iter().enumerate() {
                pats.extend(a.markers.iter().map(|s| (Pat::Extra(i, j), s.clone())));
            }
        }
        for (i, f) in m.flags.iter().enumerate() {
            pats.extend(f.phrases.iter().map(|s| (Pat::Flag(i), s.clone())));
        }
        pats.retain(|(_, s)| !s.is_empty());
        let ac = AhoCorasick::builder().match_kind(MatchKind::Standard).build(pats.iter().map(|p| &p.1)).ok();
        Matcher { ac, pats }
    }
}

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
    let mat = &matchers[mi];
    let chars = count_chars(text);

    // Byte offset → char offset.
    let mut char_at = vec![0usize; text.len() + 1];
    let mut ci = 0;
    for (b, c) in text.char_indices() {
        for k in 0..c.len_utf8() { char_at[b + k] = ci; }
        ci += 1;
    }
    char_at[text.len()] = ci;

    let mut part_first: Vec<Option<usize>> = vec![None; m.parts.len()];
    let mut field_hits: Vec<Vec<Vec<usize>>> = m.parts.iter().map(|p| vec![vec![]; p.fields.len()]).collect();
    let mut area_hit = vec![false; m.areas.len()];
    let mut extra_hit: Vec<Vec<bool>> = m.extra_areas.iter().map(|(_, l)| vec![false; l.len()]).collect();
    let mut findings = vec![];
    if let Some(ac) = &mat.ac {
        for hit in ac.find_overlapping_iter(text) {
            let (pat, phrase) = &mat.pats[hit.pattern().as_usize()];
            let (s, e) = (char_at[hit.start()], char_at[hit.end()]);
            match *pat {
                Pat::Part(i) => { if part_first[i].is_none_or(|x| s < x) { part_first[i] = Some(s); } }
                Pat::Field(i, j) => field_hits[i][j].push(s),
                Pat::Area(i) => area_hit[i] = true,
                Pat::Extra(i, j) => extra_hit[i][j] = true,
                Pat::Flag(i) => {
                    let f = &m.flags[i];
                    findings.push(Finding {
                        code: "flag", level: if f.level == "error" { "error" } else { "warning" },
                        message: format!("“{phrase}”:{}", f.reason), start: Some(s), end: Some(e), phrase: Some(phrase.clone()),
                    });
                }
            }
        }
    }

    let min_chars = m.min_chars.iter().find(|(k, _)| k == role).or_else(|| m.min_chars.iter().find(|(k, _)| k == "*")).map(|x| x.1);
    let mut reasons = vec![];
    if let Some(min) = min_chars {
        if (chars as i64) < min {
            let msg = format!("字数 {chars},少于{role}的最低要求 {min} 字,还差 {} 字", min - chars as i64);
            reasons.push(msg.clone());
            findings.push(Finding { code: "chars.short", level: "error", message: msg, start: None, end: None, phrase: None });
        }
    }

    // Parts: present, in order, each with its fields inside its own span.
    let mut order: Vec<(usize, usize)> = part_first.iter().enumerate().filter_map(|(i, s)| s.map(|s| (s, i))).collect();
    order.sort();
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
                let msg = format!("“{}”部分缺少:{}", p.name, missing_fields.join("、"));
                reasons.push(msg.clone());
                findings.push(Finding { code: "part.field_missing", level: "error", message: msg, start: Some(s), end: None, phrase: None });
            }
        } else {
            let msg = format!("缺少“{}”部分(应含“{}”等字样)", p.name, p.markers.first().cloned().unwrap_or_default());
            reasons.push(msg.clone());
            findings.push(Finding { code: "part.missing", level: "error", message: msg, start: None, end: None, phrase: None });
        }
        parts.push(PartState { name: p.name.clone(), found: start.is_some(), start, missing_fields });
    }
    let found_in_decl_order: Vec<usize> = part_first.iter().flatten().copied().collect();
    if found_in_decl_order.windows(2).any(|w| w[0] > w[1]) {
        let names: Vec<_> = m.parts.iter().map(|p| p.name.as_str()).collect();
        findings.push(Finding { code: "part.order", level: "warning", message: format!("各部分顺序应为:{}", names.join(" → ")), start: None, end: None, phrase: None });
    }

    // Areas.
    let mut areas_covered = vec![];
    let mut areas_missing = vec![];
    for (i, a) in m.areas.iter().enumerate() {
        if area_hit[i] { areas_covered.push(a.name.clone()) } else { areas_missing.push(a.name.clone()) }
    }
    let need = m.min_areas.unwrap_or(m.areas.len());
    if areas_covered.len() < need {
        let msg = if m.min_areas.is_some() {
            format!("只涉及 {} 个方面,至少应涉及 {need} 个;未涉及:{}", areas_covered.len(), areas_missing.join("、"))
        } else {
            format!("未涉及:{}", areas_missing.join("、"))
        };
        reasons.push(msg.clone());
        findings.push(Finding { code: if m.min_areas.is_some() { "area.too_few" } else { "area.missing" }, level: "error", message: msg, start: None, end: None, phrase: None });
    }
    for (i, (r0, list)) in m.extra_areas.iter().enumerate() {
        if r0 != role { continue; }
        let miss: Vec<_> = list.iter().enumerate().filter(|(j, _)| !extra_hit[i][*j]).map(|(_, a)| a.name.clone()).collect();
        areas_covered.extend(list.iter().enumerate().filter(|(j, _)| extra_hit[i][*j]).map(|(_, a)| a.name.clone()));
        if !miss.is_empty() {
            let msg = format!("{role}还应剖析:{}", miss.join("、"));
            reasons.push(msg.clone());
            findings.push(Finding { code: "area.missing", level: "error", message: msg, start: None, end: None, phrase: None });
            areas_missing.extend(miss);
        }
    }
    for f in findings.iter().filter(|f| f.code == "flag" && f.level == "error") {
        reasons.push(f.message.clone());
    }
    findings.sort_by_key(|f| (f.start.is_none(), f.start.unwrap_or(0)));
    let pass = !findings.iter().any(|f| f.level == "error");
    Ok(MaterialReport { kind: kind.to_string(), role: role.to_string(), chars, min_chars, parts, areas_covered, areas_missing, findings, pass, reasons })
}

#[cfg(test)]
mod tests {
    use super::count_chars;

    #[test]
    fn word_count_rule() {
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

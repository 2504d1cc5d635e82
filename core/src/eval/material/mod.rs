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

use crate::model::{ItemRule, Material, Rules};
use crate::messages::Msg;
use crate::error::EvalError;
use serde::Serialize;

/// True for characters Word counts one by one.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2014 | 0x2018..=0x201D | 0x2026 | 0x2E80..=0x2FDF | 0x3000..=0x30FF | 0x3100..=0x31FF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF | 0x20000..=0x3134F)
}

/// How Word's 字数 takes a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CharClass {
    /// White space: counts 0 and ends a word.
    Space,
    /// Counted one by one ([`is_cjk`]).
    Alone,
    /// Part of a run of other characters that counts 1.
    Word,
}

/// White space first (U+3000, the ideographic space, is the only white space in
/// [`is_cjk`]'s ranges), in the order that is cheapest for Chinese text: ASCII,
/// then CJK, then the rest (a test compares it with the plain definition for every char).
#[inline]
fn char_class(c: char) -> CharClass {
    if c.is_ascii() {
        if matches!(c, ' ' | '\t'..='\r') { CharClass::Space } else { CharClass::Word }
    } else if is_cjk(c) {
        if c == '\u{3000}' { CharClass::Space } else { CharClass::Alone }
    } else if c.is_whitespace() {
        CharClass::Space
    } else {
        CharClass::Word
    }
}

/// Counts characters the way Word's 字数 does for Chinese text (see the module docs).
pub fn count_chars(text: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for c in text.chars() {
        match char_class(c) {
            CharClass::Space => in_word = false,
            CharClass::Alone => { n += 1; in_word = false; }
            CharClass::Word => { if !in_word { n += 1; } in_word = true; }
        }
    }
    n
}

/// One thing the check found.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Stable code: `chars.short`, `part.missing`, `part.order`, `part.field_missing`, `area.missing`,
    /// `area.too_few`, `flag`, `item.missing`, `item.field_missing`, `item.field_empty`, `item.date_invalid`.
    pub code: &'static str,
    /// "error" fails the check, "warning" informs, "info" marks something found.
    pub level: &'static str,
    /// What it means, in Chinese (`msg` worded in zh).
    pub message: String,
    /// What it means as a catalogue code plus parameters (see [`crate::messages`]).
    pub msg: Msg,
    /// Start offset in chars, for findings in the text.
    pub start: Option<usize>,
    /// End offset (exclusive) in chars.
    pub end: Option<usize>,
    /// The matched phrase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phrase: Option<String>,
    /// For `flag`: every place the phrase is flagged, `[start, end]` in chars, in
    /// text order (the first is `start`/`end`). A phrase repeated in a draft is one
    /// finding with many places, not one finding per place: the message is the same,
    /// and re-checking a long draft as the member types stays cheap (issue 12).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Vec<[usize; 2]>>,
    /// For `item.*` findings: index of the item in [`MaterialReport::items`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<usize>,
    /// For `item.field_*` and `item.date_invalid`: the field's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl Finding {
    fn new(code: &'static str, level: &'static str, msg: Msg, start: Option<usize>, end: Option<usize>) -> Finding {
        Finding { code, level, message: msg.zh(), msg, start, end, phrase: None, at: None, item: None, field: None }
    }
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

/// A date named by an item's date field, as far as the text gives it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ItemDate {
    /// The date expression as written (`6月底前`, `2005年5月31日前`).
    pub text: String,
    /// Year, when written.
    pub year: Option<i32>,
    /// Month; `null` for 本月底 / 下月底 (relative to when the plan is made).
    /// 年底 / 下半年 give 12, 上半年 6, a quarter its last month.
    pub month: Option<u32>,
    /// Day, when written.
    pub day: Option<u32>,
}

/// One item of an itemised material (a 整改方案) and what it lacks.
#[derive(Debug, Clone, Serialize)]
pub struct ItemState {
    /// The class's declared name (立即整改 …).
    pub class: String,
    /// The class as the draft wrote it (马上整改, 说明情况、逐步解决 …).
    pub heading: String,
    /// Number within its class, from 1, in text order.
    pub no: usize,
    /// Start offset of the item in chars.
    pub start: usize,
    /// End offset (exclusive) in chars.
    pub end: usize,
    /// Fields absent or left empty.
    pub missing: Vec<String>,
    /// The date named by the item's (first) date field, when it is a real date.
    pub date: Option<ItemDate>,
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
    /// Items, when the material is checked item by item (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<ItemState>>,
    /// Everything found, in text order for located findings.
    pub findings: Vec<Finding>,
    /// True when no error-level finding.
    pub pass: bool,
    /// Reasons for failing, in Chinese, each once.
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
enum Pat {
    Part(usize),
    Field(usize, usize),
    Area(usize),
    Extra(usize, usize),
    Flag(usize),
    Class(usize),
    ItemField(usize),
}

/// One occurrence of a phrase: pattern index and byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Hit {
    pat: usize,
    start: usize,
    end: usize,
}

/// A material's phrases, indexed by their first character.
#[derive(Debug, Clone)]
pub(crate) struct Matcher {
    pats: Vec<(Pat, String)>,
    /// First character → indices into `pats`, sorted by character.
    first: Vec<(char, Vec<usize>)>,
    /// Bit `c mod 1024` set for each first character: most characters of a draft
    /// start no phrase, and one bit test rejects them before the binary search.
    firsts: [u64; 16],
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
        if let Some(items) = &m.items {
            for (i, c) in items.classes.iter().enumerate() {
                pats.push((Pat::Class(i), c.name.clone()));
                pats.extend(c.synonyms.iter().map(|s| (Pat::Class(i), s.clone())));
            }
            for (j, f) in items.fields.iter().enumerate() {
                pats.extend(f.markers.iter().map(|s| (Pat::ItemField(j), s.clone())));
            }
        }
        pats.retain(|(_, s)| !s.is_empty());
        let mut first: Vec<(char, Vec<usize>)> = vec![];
        for (i, (_, s)) in pats.iter().enumerate() {
            let Some(c) = s.chars().next() else { continue };
            // Shorter phrases first, then declaration order: hits at one position come out by end.
            match first.binary_search_by(|x| x.0.cmp(&c)) {
                Ok(k) => {
                    let at = first[k].1.partition_point(|&j| pats[j].1.len() <= s.len());
                    first[k].1.insert(at, i);
                }
                Err(k) => first.insert(k, (c, vec![i])),
            }
        }
        let mut firsts = [0u64; 16];
        for (c, _) in &first {
            let h = *c as usize & 1023;
            firsts[h >> 6] |= 1 << (h & 63);
        }
        Matcher { pats, first, firsts }
    }

    /// Every occurrence of every phrase, overlapping ones included, ordered by
    /// start, then end, then declaration order (no sort: the scan yields them so).
    fn hits(&self, text: &str) -> Vec<Hit> {
        let mut hits = vec![];
        if self.first.is_empty() { return hits; }
        for (b, c) in text.char_indices() {
            let h = c as usize & 1023;
            if self.firsts[h >> 6] & (1 << (h & 63)) == 0 { continue; }
            let Ok(k) = self.first.binary_search_by(|x| x.0.cmp(&c)) else { continue };
            let rest = &text[b..];
            for &i in &self.first[k].1 {
                let p = &self.pats[i].1;
                if rest.starts_with(p.as_str()) {
                    hits.push(Hit { pat: i, start: b, end: b + p.len() });
                }
            }
        }
        hits
    }
}

// ---------------------------------------------------------------------------
// Negation of flagged phrases (see the module docs).

/// Characters that end a clause.
fn ends_clause(c: char) -> bool {
    matches!(c, '\u{FF0C}' | '。' | '\u{FF1B}' | '\u{FF1A}' | '\u{FF01}' | '\u{FF1F}' | ',' | ';' | ':' | '!' | '?' | '\n' | '\r')
}

/// Words that look like a negation but are not one (checked before [`NEGATORS`]).
const NOT_NEGATIONS: &[&str] = &[
    "不少", "不断", "不仅", "不但", "不光", "不止", "不只", "未来",
    "不得不", "不能不", "不可否认", "不容否认", "不否认", "不可避免", "差不多", "了不起", "对不起",
    "不够", "不足", "不力", "不到位", "不及时", "不扎实", "不全面", "不经常", "不主动", "不积极", "不认真",
    "不彻底", "不深入", "不细致", "不严格", "不规范", "不高", "不强", "不严", "不深", "不细", "不紧", "不实",
    "不好", "不良", "不多", "不大", "不同", "不久",
];
/// Negations, longest first.
const NEGATORS: &[&str] = &["并非", "绝非", "决非", "而非", "没有", "不", "没", "未"];
/// Cause and contrast words that end a negation's reach.
const BREAKERS: &[&str] = &["因为", "由于", "原因是", "原因在于", "而是", "只是", "主要是", "但", "却"];
/// Auxiliaries that may stand between a negation and a cause word it governs (不会因为 …).
const AUXILIARIES: &[char] = &['会', '能', '够', '应', '当', '该', '要', '再', '可', '是', '曾', '敢', '肯', '愿', '得', '也', '都', '必', '须', '就', '还', '并'];

/// First characters of [`NOT_NEGATIONS`] and [`NEGATORS`] (a test keeps them in step).
fn starts_negation_word(c: char) -> bool {
    matches!(c, '不' | '没' | '未' | '并' | '绝' | '决' | '而' | '差' | '了' | '对')
}

/// A negation further back than this many characters does not reach a phrase.
const MAX_CLAUSE: usize = 60;

/// Masks starting this many bytes before a clause are not looked at (flagged phrases are short).
const MAX_MASK: usize = 256;

/// True when the phrase starting at byte `at` is negated within its clause.
/// `masks` are the byte ranges of all flagged phrases found (a negation inside
/// one of them does not count).
fn negated(text: &str, at: usize, masks: &[(usize, usize)]) -> bool {
    let before = &text[..at];
    // The clause, at most MAX_CLAUSE characters of it.
    let mut clause_start = at;
    for (i, c) in before.char_indices().rev().take(MAX_CLAUSE) {
        if ends_clause(c) { break; }
        clause_start = i;
    }
    let clause = &text[clause_start..at];
    // Flagged phrases that may overlap the clause (`masks` is sorted by start).
    let masks = &masks[masks.partition_point(|m| m.0 < clause_start.saturating_sub(MAX_MASK))..masks.partition_point(|m| m.0 < at)];
    let mut last = None;
    let mut i = 0;
    while i < clause.len() {
        let rest = &clause[i..];
        let Some(c) = rest.chars().next() else { break };
        let clen = c.len_utf8();
        let abs = clause_start + i;
        if !starts_negation_word(c) || masks.iter().any(|&(s, e)| abs >= s && abs < e) {
            i += clen;
        } else if let Some(w) = NOT_NEGATIONS.iter().find(|w| rest.starts_with(**w)) {
            i += w.len();
        } else if let Some(w) = NEGATORS.iter().find(|w| rest.starts_with(**w)) {
            i += w.len();
            last = Some(i);
        } else {
            i += clen;
        }
    }
    let Some(n) = last else { return false };
    let tail = &clause[n..];
    for (j, _) in tail.char_indices() {
        if BREAKERS.iter().any(|w| tail[j..].starts_with(*w)) && !tail[..j].chars().all(|c| AUXILIARIES.contains(&c)) {
            return false;
        }
    }
    true
}

// ---------------------------------------------------------------------------
// Items (see the module docs).

/// Numbering styles of items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Arabic,
    ParenArabic,
    Chinese,
    ParenChinese,
    Circled,
    Ordinal,
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn digit_value(c: char) -> u32 {
    if c.is_ascii_digit() { c as u32 - '0' as u32 } else { c as u32 - '０' as u32 }
}

fn is_cn_numeral(c: char) -> bool {
    "〇零一二两三四五六七八九十".contains(c)
}

fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' => 0, '一' => 1, '二' | '两' => 2, '三' => 3, '四' => 4,
        '五' => 5, '六' => 6, '七' => 7, '八' => 8, '九' => 9,
        _ => return None,
    })
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}'
}

/// Length in bytes of the leading white space of `s`.
fn space_len(s: &str) -> usize {
    s.len() - s.trim_start_matches(is_space).len()
}

/// A numbering at the start of `s` (`1.` `1、` `(1)` `1)` `一、` `一是` `(一)` `①` `第1项` …):
/// its style and length in bytes.
fn parse_mark(s: &str) -> Option<(Style, usize)> {
    let c = s.chars().next()?;
    let after = |n: usize| &s[n..];
    let sep = |rest: &str| -> usize {
        match rest.chars().next() {
            Some(c @ ('、' | '.' | '\u{FF0E}' | ':' | '\u{FF1A}')) => c.len_utf8(),
            _ => 0,
        }
    };
    match c {
        '(' | '\u{FF08}' => {
            let inner = &s[c.len_utf8()..];
            let body = inner.len() - inner.trim_start_matches(|x: char| is_digit(x) || is_cn_numeral(x)).len();
            if body == 0 || body > 9 { return None; }
            let style = if inner[..body].chars().all(is_digit) { Style::ParenArabic } else if inner[..body].chars().all(is_cn_numeral) { Style::ParenChinese } else { return None };
            let close = inner[body..].chars().next().filter(|x| matches!(x, ')' | '\u{FF09}'))?;
            let n = c.len_utf8() + body + close.len_utf8();
            Some((style, n + sep(after(n))))
        }
        '\u{2460}'..='\u{2473}' => Some((Style::Circled, c.len_utf8() + sep(after(c.len_utf8())))),
        '\u{2474}'..='\u{2487}' => Some((Style::ParenArabic, c.len_utf8() + sep(after(c.len_utf8())))),
        '\u{2488}'..='\u{249B}' => Some((Style::Arabic, c.len_utf8())),
        '第' => {
            let inner = &s[c.len_utf8()..];
            let body = inner.len() - inner.trim_start_matches(|x: char| is_digit(x) || is_cn_numeral(x)).len();
            if body == 0 || body > 9 { return None; }
            let mut n = c.len_utf8() + body;
            let unit = after(n).chars().next().filter(|x| matches!(x, '项' | '条' | '点'));
            if let Some(u) = unit { n += u.len_utf8(); }
            let more = match after(n).chars().next() {
                Some(x @ ('、' | '.' | '\u{FF0E}' | ':' | '\u{FF1A}' | ',' | '\u{FF0C}')) => x.len_utf8(),
                _ => 0,
            };
            if unit.is_none() && more == 0 { return None; }
            Some((Style::Ordinal, n + more))
        }
        _ if is_digit(c) => {
            let body = s.len() - s.trim_start_matches(is_digit).len();
            if body > 9 { return None; }
            let mut rest = after(body).chars();
            match rest.next() {
                Some(x @ ('、' | ',' | '\u{FF0C}')) => Some((Style::Arabic, body + x.len_utf8())),
                Some(x @ ('.' | '\u{FF0E}')) if !rest.next().is_some_and(is_digit) => Some((Style::Arabic, body + x.len_utf8())),
                Some(x @ (')' | '\u{FF09}')) => Some((Style::ParenArabic, body + x.len_utf8())),
                _ => None,
            }
        }
        _ if is_cn_numeral(c) => {
            let body = s.len() - s.trim_start_matches(is_cn_numeral).len();
            if body > 9 { return None; }
            match after(body).chars().next() {
                Some(x @ ('、' | '.' | '\u{FF0E}' | '是')) => Some((Style::Chinese, body + x.len_utf8())),
                _ => None,
            }
        }
        _ => None,
    }
}

/// If `prefix` (the text between a line or sentence start and a class name)
/// is only spaces, a numbering and opening brackets, the byte offset of its
/// first non-space character.
fn heading_prefix(prefix: &str) -> Option<usize> {
    let lead = space_len(prefix);
    let mut rest = &prefix[lead..];
    if let Some((_, n)) = parse_mark(rest) { rest = &rest[n..]; }
    let rest = rest.trim_start_matches(|c: char| is_space(c) || matches!(c, '【' | '〔' | '[' | '“' | '"' | '《' | '「' | '『' | '#' | '*'));
    rest.is_empty().then_some(lead)
}

fn ends_sentence(c: char) -> bool {
    matches!(c, '\n' | '\r' | '。' | ';' | '\u{FF1B}' | '!' | '?' | '\u{FF01}' | '\u{FF1F}')
}

/// Spaces, numbering and brackets before a class heading take at most this many characters.
const MAX_PREFIX: usize = 24;

/// A field label found in the draft: start of the marker, end of its colon, field index.
#[derive(Debug, Clone, Copy)]
struct Label {
    start: usize,
    colon_end: usize,
    field: usize,
}

/// Spaces and punctuation (ASCII, CJK, full-width, quotes, dashes, ellipsis).
fn is_space_or_punct(c: char) -> bool {
    is_space(c) || c.is_ascii_punctuation() || matches!(c, '…' | '—' | '─' | '·' | '＿' | '＊' | '～')
        || ('\u{3000}'..='\u{303F}').contains(&c) || ('\u{FF01}'..='\u{FF0F}').contains(&c) || ('\u{FF1A}'..='\u{FF20}').contains(&c)
        || ('\u{FF3B}'..='\u{FF40}').contains(&c) || ('\u{FF5B}'..='\u{FF65}').contains(&c) || ('\u{2018}'..='\u{201F}').contains(&c)
}

/// True when `s` holds no content: spaces, punctuation or placeholders (X, □, ○, ×) only.
fn is_blank(s: &str) -> bool {
    s.chars().all(|c| is_space_or_punct(c) || matches!(c, '□' | '○' | '×' | 'X' | 'x'))
}

/// Result of looking for a date in a date field's text; spans are byte ranges in that text.
#[derive(Debug, PartialEq)]
enum DateParse {
    Ok(ItemDate),
    Bad { expr: String, why: Msg, start: usize, end: usize },
    None,
}

fn days_in_month(year: Option<i32>, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => match year {
            Some(y) if !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) => 28,
            _ => 29,
        },
    }
}

/// A number at char index `i` of `cs`: value, next index, count of digits,
/// and whether it was written with Chinese numerals.
fn number_at(cs: &[(usize, char)], i: usize) -> Option<(u32, usize, usize, bool)> {
    let c = cs.get(i)?.1;
    if is_digit(c) {
        let mut j = i;
        let mut v: u32 = 0;
        while let Some(&(_, d)) = cs.get(j).filter(|x| is_digit(x.1)) {
            if j - i >= 6 { return None; }
            v = v * 10 + digit_value(d);
            j += 1;
        }
        return Some((v, j, j - i, false));
    }
    if !is_cn_numeral(c) { return None; }
    let mut j = i;
    while cs.get(j).is_some_and(|x| is_cn_numeral(x.1)) { j += 1; }
    let run: Vec<char> = cs[i..j].iter().map(|x| x.1).collect();
    if run.len() > 4 { return None; }
    let v = if let Some(t) = run.iter().position(|&x| x == '十') {
        if run.len() > 3 || run.iter().filter(|&&x| x == '十').count() > 1 { return None; }
        let tens = if t == 0 { 1 } else if t == 1 { cn_digit(run[0])? } else { return None };
        let ones = match &run[t + 1..] { [] => 0, [d] => cn_digit(*d)?, _ => return None };
        tens * 10 + ones
    } else {
        run.iter().try_fold(0u32, |acc, &d| Some(acc * 10 + cn_digit(d)?))?
    };
    Some((v, j, run.len(), true))
}

/// Relative dates: phrase, month it names (None: the current or next month).
const RELATIVE_DATES: &[(&str, Option<u32>)] = &[
    ("今年年底", Some(12)), ("今年底", Some(12)), ("今年年内", Some(12)), ("今年内", Some(12)), ("本年底", Some(12)),
    ("本年度内", Some(12)), ("本年内", Some(12)), ("年底", Some(12)), ("年末", Some(12)), ("年内", Some(12)),
    ("上半年", Some(6)), ("下半年", Some(12)),
    ("本月底", None), ("本月末", None), ("本月内", None), ("下个月底", None), ("下月底", None), ("下月末", None),
    ("月底", None), ("月末", None),
];

/// Finds the first date expression in `s` (see the module docs).
fn find_date(s: &str) -> DateParse {
    let cs: Vec<(usize, char)> = s.char_indices().collect();
    let byte = |i: usize| cs.get(i).map_or(s.len(), |x| x.0);
    let is_num = |c: char| is_digit(c) || is_cn_numeral(c);
    let starts = |i: usize, w: &str| s[byte(i)..].starts_with(w);
    // Optional 前/之前/以前/内/止 after a date, for the text shown.
    let tail = |i: usize| -> usize {
        for w in ["之前", "以前", "前", "内", "止"] {
            if starts(i, w) { return i + w.chars().count(); }
        }
        i
    };
    let make = |i: usize, j: usize, year: Option<i32>, month: Option<u32>, day: Option<u32>| {
        let j = tail(j);
        DateParse::Ok(ItemDate { text: s[byte(i)..byte(j)].to_string(), year, month, day })
    };
    let bad = |i: usize, j: usize, why: Msg| DateParse::Bad { expr: s[byte(i)..byte(j)].to_string(), why, start: byte(i), end: byte(j) };
    // Month, then day or a part of the month; `k` is the index after 月.
    let month_path = |i: usize, k: usize, year: Option<i32>, month: u32| -> DateParse {
        if !(1..=12).contains(&month) {
            return bad(i, k, Msg::new("date.no_month").with("month", month));
        }
        if let Some((d, j, _, _)) = number_at(&cs, k) {
            if cs.get(j).is_some_and(|x| matches!(x.1, '日' | '号')) {
                let max = days_in_month(year, month);
                if d == 0 || d > max {
                    let why = match year {
                        Some(y) => Msg::new("date.no_day_in").with("year", i64::from(y)),
                        None => Msg::new("date.no_day"),
                    };
                    return bad(i, j + 1, why.with("month", month).with("day", d));
                }
                return make(i, j + 1, year, Some(month), Some(d));
            }
        }
        for w in ["上旬", "中旬", "下旬", "月底", "底", "末", "初", "中", "份"] {
            if starts(k, w) { return make(i, k + w.chars().count(), year, Some(month), None); }
        }
        make(i, k, year, Some(month), None)
    };
    let quarter = |i: usize, k: usize, year: Option<i32>, q: u32| -> DateParse {
        if !(1..=4).contains(&q) {
            return bad(i, k, Msg::new("date.no_quarter").with("quarter", q));
        }
        let k = ["末", "底"].iter().find(|w| starts(k, w)).map_or(k, |_| k + 1);
        make(i, k, year, Some(q * 3), None)
    };
    for i in 0..cs.len() {
        let prev = i.checked_sub(1).and_then(|p| cs.get(p)).map(|x| x.1);
        if prev.is_some_and(is_num) { continue; }
        if let Some((n, j, len, cn)) = number_at(&cs, i) {
            let next = cs.get(j).map(|x| x.1);
            let year = (len == 4).then_some(n as i32);
            match next {
                Some('年') => {
                    let Some(y) = year else { continue };
                    let k = j + 1;
                    if let Some((m, j2, _, _)) = number_at(&cs, k) {
                        if cs.get(j2).is_some_and(|x| x.1 == '月') {
                            return month_path(i, j2 + 1, Some(y), m);
                        }
                        if starts(j2, "季度") { return quarter(i, j2 + 2, Some(y), m); }
                    }
                    if starts(k, "第") {
                        if let Some((q, j2, _, _)) = number_at(&cs, k + 1) {
                            if starts(j2, "季度") { return quarter(i, j2 + 2, Some(y), q); }
                        }
                    }
                    for (w, m) in [("年底", 12), ("年末", 12), ("底", 12), ("末", 12), ("年内", 12), ("内", 12), ("上半年", 6), ("下半年", 12)] {
                        if starts(k, w) { return make(i, k + w.chars().count(), Some(y), Some(m), None); }
                    }
                    return bad(i, k, Msg::new("date.year_only"));
                }
                Some('月') => return month_path(i, j + 1, None, n),
                Some('-' | '/' | '.' | '－' | '／' | '\u{FF0E}') if !cn && len == 4 => {
                    let Some((m, j2, _, false)) = number_at(&cs, j + 1) else { continue };
                    let sep = next;
                    let day = if cs.get(j2).map(|x| x.1) == sep { number_at(&cs, j2 + 1).filter(|x| !x.3) } else { None };
                    let (end, d) = match day { Some((d, j3, _, _)) => (j3, Some(d)), None => (j2, None) };
                    if !(1..=12).contains(&m) {
                        return bad(i, end, Msg::new("date.no_month").with("month", m));
                    }
                    if let Some(d) = d {
                        if d == 0 || d > days_in_month(Some(n as i32), m) {
                            return bad(i, end, Msg::new("date.no_day_in").with("year", n).with("month", m).with("day", d));
                        }
                    }
                    return make(i, end, Some(n as i32), Some(m), d);
                }
                _ if starts(j, "季度") => return quarter(i, j + 2, None, n),
                _ => {}
            }
            continue;
        }
        if prev == Some('个') { continue; }
        if let Some((w, m)) = RELATIVE_DATES.iter().find(|(w, _)| starts(i, w)) {
            return make(i, i + w.chars().count(), None, *m, None);
        }
    }
    DateParse::None
}

/// True when a class block's text says the class has no items (无, 暂无 …).
fn says_none(body: &str) -> bool {
    let words: String = body.chars().filter(|c| !is_space_or_punct(*c)).collect();
    ["无", "暂无", "没有", "无此类问题", "暂无此类问题", "本类无"].contains(&words.as_str())
}

/// Byte offsets of an item and its class.
struct ItemSpan {
    class: usize,
    heading: String,
    start: usize,
    end: usize,
}

/// Splits the draft into items (see the module docs).
fn split_items(text: &str, class_hits: &[Hit], class_of: &[usize], labels: &[Label]) -> Vec<ItemSpan> {
    // Headings: (start of the heading, class name start, class name end, class, begins a line).
    let mut heads: Vec<(usize, usize, usize, usize, bool)> = vec![];
    for (h, &class) in class_hits.iter().zip(class_of) {
        // The line or sentence start, at most MAX_PREFIX characters back.
        let (mut found, mut seen) = (None, 0);
        for (i, c) in text[..h.start].char_indices().rev().take(MAX_PREFIX + 1) {
            seen += 1;
            if ends_sentence(c) { found = Some((i + c.len_utf8(), matches!(c, '\n' | '\r'))); break; }
        }
        let (p, line) = match found {
            Some(x) => x,
            None if seen <= MAX_PREFIX => (0, true), // the text's start
            None => continue,
        };
        let Some(lead) = heading_prefix(&text[p..h.start]) else { continue };
        // Inside a line, a class name is a heading only when a colon follows it closely (近期整改的问题:).
        if !line && !text[h.end..].chars().take(7).take_while(|c| !ends_sentence(*c)).any(|c| matches!(c, ':' | '\u{FF1A}')) { continue; }
        heads.push((p + lead, h.start, h.end, class, line));
    }
    // Heads are in start order, shorter first at one start: the longest class name at a place wins.
    let mut kept: Vec<(usize, usize, usize, usize, bool)> = vec![];
    for h in heads {
        match kept.last_mut() {
            Some(k) if h.1 == k.1 => *k = h,
            Some(k) if h.1 < k.2 => {}
            _ => kept.push(h),
        }
    }
    let mut out = vec![];
    for (k, &(head_start, name_start, name_end, class, _)) in kept.iter().enumerate() {
        let block_end = kept.get(k + 1).map_or(text.len(), |x| x.0).max(name_end);
        let heading = text[name_start..name_end].to_string();
        // Numbered lines of the block (and a numbering right after the class name).
        let mut marks: Vec<(usize, Style)> = vec![];
        let inline = name_end + (text[name_end..block_end].len() - text[name_end..block_end].trim_start_matches(|c: char| is_space(c) && c != '\n' || matches!(c, ':' | '\u{FF1A}')).len());
        if let Some((st, _)) = parse_mark(&text[inline..block_end]) { marks.push((inline, st)); }
        for (q, _) in text[name_end..block_end].match_indices('\n') {
            let line = name_end + q + 1;
            let at = line + space_len(&text[line..block_end]);
            if at >= block_end { continue; }
            if let Some((st, _)) = parse_mark(&text[at..block_end]) { marks.push((at, st)); }
        }
        let first_label = labels.iter().find(|l| l.start >= name_end && l.start < block_end).map(|l| l.start);
        if first_label.is_none() && marks.is_empty() && says_none(&text[name_end..block_end]) { continue; }
        let starts: Vec<usize> = match marks.first() {
            Some(&(at, st)) if first_label.is_none_or(|l| l > at) => marks.iter().filter(|m| m.1 == st).map(|m| m.0).collect(),
            _ => vec![head_start],
        };
        for (i, &s) in starts.iter().enumerate() {
            let e = starts.get(i + 1).copied().unwrap_or(block_end);
            // A field the item already has starts the next item.
            let mut seen: Vec<usize> = vec![];
            let mut cur = s;
            for l in labels.iter().filter(|l| l.start >= s && l.start < e) {
                if seen.contains(&l.field) {
                    out.push(ItemSpan { class, heading: heading.clone(), start: cur, end: l.start });
                    cur = l.start;
                    seen.clear();
                }
                seen.push(l.field);
            }
            out.push(ItemSpan { class, heading: heading.clone(), start: cur, end: e });
        }
    }
    out
}

/// Checks every item; returns the items and their findings.
fn check_items(rule: &ItemRule, text: &str, hits: &[Hit], pats: &[(Pat, String)], char_at: &[usize]) -> (Vec<ItemState>, Vec<Finding>) {
    let mut class_hits = vec![];
    let mut class_of = vec![];
    let mut raw_labels = vec![];
    for h in hits {
        match pats[h.pat].0 {
            Pat::Class(c) => { class_hits.push(*h); class_of.push(c); }
            Pat::ItemField(f) => {
                let after = &text[h.end..];
                let sp = after.len() - after.trim_start_matches([' ', '\t', '\u{3000}']).len();
                if let Some(c) = after[sp..].chars().next().filter(|c| matches!(c, ':' | '\u{FF1A}')) {
                    raw_labels.push(Label { start: h.start, colon_end: h.end + sp + c.len_utf8(), field: f });
                }
            }
            _ => {}
        }
    }
    // In start order (as the hits are); a label inside a longer one (目标 in 整改目标:) is dropped.
    let mut labels: Vec<Label> = vec![];
    for l in raw_labels {
        if labels.last().is_some_and(|k| l.start < k.colon_end) { continue; }
        labels.push(l);
    }
    let ch = |b: usize| char_at.get(b).copied().unwrap_or(0);
    let spans = split_items(text, &class_hits, &class_of, &labels);
    let mut items = vec![];
    let mut findings = vec![];
    let mut per_class = vec![0usize; rule.classes.len()];
    for sp in &spans {
        per_class[sp.class] += 1;
        let no = per_class[sp.class];
        let idx = items.len();
        let at = |code: &'static str, field: &str| Msg::new(code).with("heading", &sp.heading).with("no", no).with("field", field);
        let mine: Vec<&Label> = labels.iter().filter(|l| l.start >= sp.start && l.start < sp.end).collect();
        // A short span at the item's head for findings about the whole item.
        let line_end = text[sp.start..sp.end].find('\n').map_or(sp.end, |x| sp.start + x);
        let head_end = mine.first().map_or(line_end, |l| l.start.min(line_end));
        let head_end = sp.start + text[sp.start..head_end].trim_end_matches(is_space).len();
        let head = if head_end > sp.start { (sp.start, head_end) } else { mine.first().map_or((sp.start, line_end), |l| (l.start, l.colon_end)) };
        let mut missing = vec![];
        let mut date = None;
        for (j, f) in rule.fields.iter().enumerate() {
            let Some(k) = mine.iter().position(|l| l.field == j) else {
                missing.push(f.name.clone());
                let marker = f.markers.first().map_or(f.name.as_str(), |s| s.as_str());
                let msg = at("item.field_missing", &f.name).with("marker", marker);
                findings.push(Finding { item: Some(idx), field: Some(f.name.clone()), ..Finding::new("item.field_missing", "error", msg, Some(ch(head.0)), Some(ch(head.1))) });
                continue;
            };
            let l = mine[k];
            let end = mine.get(k + 1).map_or(sp.end, |n| n.start);
            let body = text.get(l.colon_end..end).unwrap_or("");
            if is_blank(body) {
                missing.push(f.name.clone());
                let msg = at("item.field_empty", &f.name);
                findings.push(Finding { item: Some(idx), field: Some(f.name.clone()), ..Finding::new("item.field_empty", "error", msg, Some(ch(l.start)), Some(ch(l.colon_end))) });
                continue;
            }
            if !f.date { continue; }
            let trimmed = body.trim_end_matches(is_space_or_punct);
            let lead = trimmed.len() - trimmed.trim_start_matches(is_space_or_punct).len();
            match find_date(trimmed) {
                DateParse::Ok(d) => { if date.is_none() { date = Some(d); } }
                DateParse::Bad { expr, why, start, end } => {
                    let msg = at("item.date_invalid", &f.name).with("expr", expr).with("why", why);
                    findings.push(Finding { item: Some(idx), field: Some(f.name.clone()),
                        ..Finding::new("item.date_invalid", "error", msg, Some(ch(l.colon_end + start)), Some(ch(l.colon_end + end))) });
                }
                DateParse::None => {
                    let shown: String = trimmed[lead..].chars().take(20).collect();
                    let msg = at("item.date_missing", &f.name).with("shown", shown);
                    findings.push(Finding { item: Some(idx), field: Some(f.name.clone()),
                        ..Finding::new("item.date_invalid", "error", msg, Some(ch(l.colon_end + lead)), Some(ch(l.colon_end + trimmed.len().max(lead)))) });
                }
            }
        }
        let end = sp.start + text[sp.start..sp.end].trim_end_matches(is_space).len();
        items.push(ItemState { class: rule.classes[sp.class].name.clone(), heading: sp.heading.clone(), no, start: ch(sp.start), end: ch(end), missing, date });
    }
    if items.len() < rule.min_items {
        let classes: Vec<String> = rule.classes.iter().map(|c| c.name.clone()).collect();
        let fields: Vec<String> = rule.fields.iter().map(|f| f.name.clone()).collect();
        let msg = if items.is_empty() {
            Msg::new("item.none").with("classes", classes).with("fields", fields)
        } else {
            Msg::new("item.too_few").with("have", items.len()).with("need", rule.min_items)
        };
        findings.push(Finding::new("item.missing", "error", msg, None, None));
    }
    (items, findings)
}

// ---------------------------------------------------------------------------

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
        for k in 0..c.len_utf8() { char_at[b + k] = ci; }
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
    for hit in &hits {
        let (pat, phrase) = &mat.pats[hit.pat];
        let (s, e) = (char_at[hit.start], char_at[hit.end]);
        match *pat {
            Pat::Part(i) => { if part_first[i].is_none_or(|x| s < x) { part_first[i] = Some(s); } }
            Pat::Field(i, j) => field_hits[i][j].push(s),
            Pat::Area(i) => area_hit[i] = true,
            Pat::Extra(i, j) => extra_hit[i][j] = true,
            Pat::Flag(i) => {
                if negated(text, hit.start, &flag_ranges) { continue; }
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
    let found_in_decl_order: Vec<usize> = part_first.iter().flatten().copied().collect();
    if found_in_decl_order.windows(2).any(|w| w[0] > w[1]) {
        let names: Vec<String> = m.parts.iter().map(|p| p.name.clone()).collect();
        findings.push(Finding::new("part.order", "warning", Msg::new("part.order").with("names", names), None, None));
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
            Msg::new("area.too_few").with("have", areas_covered.len()).with("need", need).with("missing", areas_missing.clone())
        } else {
            Msg::new("area.missing").with("missing", areas_missing.clone())
        };
        reasons.push(msg.zh());
        findings.push(Finding::new(if m.min_areas.is_some() { "area.too_few" } else { "area.missing" }, "error", msg, None, None));
    }
    for (i, (r0, list)) in m.extra_areas.iter().enumerate() {
        if r0 != role { continue; }
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
        if !reasons.contains(&f.message) { reasons.push(f.message.clone()); }
    }
    findings.sort_by_key(|f| (f.start.is_none(), f.start.unwrap_or(0)));
    let pass = !findings.iter().any(|f| f.level == "error");
    Ok(MaterialReport { kind: kind.to_string(), role: role.to_string(), chars, min_chars, parts, areas_covered, areas_missing, items, findings, pass, reasons })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::{source::MemorySource, ruleset::RuleSet};

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
        let r = plan("一、马上整改\n目标:当天登记。措施:建立台账。时限:6月10日之前完成。效果:已登记。\n\
            二、限期整改\n目标:除险加固。措施:分段施工。时限:2005年5月31日前。效果:已开工。\n\
            三、说明情况、逐步解决\n目标:理顺体制。措施:说明情况,积极争取。时限:年底前提出方案。效果:群众理解。\n");
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
        assert_eq!(bad, [
            "“立即整改”第1项的“完成时间”“2月30日”不是有效日期:2月没有30日",
            "“立即整改”第2项的“完成时间”没有写明日期(“尽快”),应写如“5月底前”“2005年5月31日前”",
            "“立即整改”第3项的“完成时间”“13月”不是有效日期:没有13月",
        ]);
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
        fn m(s: &str) -> Option<(Style, &str)> { parse_mark(s).map(|(st, n)| (st, &s[..n])) }
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
        assert!(sets[0].rules().materials.first().is_some_and(|m| m.items.as_ref().is_some_and(|i| i.classes.len() == 3)), "{:?}", sets[0].diagnostics());
        let alphabet: Vec<&str> = vec!["立即整改", "近期整改", "目标", "时间", "完成时间", "初步效果", ":", "\u{FF1A}", "。", ",", "\n", " ", "、",
            "1.", "(1)", "\u{FF08}一\u{FF09}", "一、", "①", "第2项", "2005", "年", "月", "日", "二〇〇五", "十二", "三十", "底", "前", "季度", "-",
            "不", "没有", "不少", "因为", "客观原因", "太忙", "无", "X", "é", "𠀀"];
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
            let plain = if c.is_whitespace() { CharClass::Space } else if is_cjk(c) { CharClass::Alone } else { CharClass::Word };
            assert_eq!(char_class(c), plain, "U+{:04X}", c as u32);
        }
    }

    #[test]
    #[ignore = "timing; run with --release --ignored --nocapture"]
    fn recheck_speed() {
        let rs = rules();
        let unit = "我从不把问题归于客观原因,也不以工作太忙为借口。但学习抓得不紧的原因是任务太重,存在不少客观原因。\n";
        let mut draft = String::new();
        while draft.chars().count() < 5000 { draft.push_str(unit); }
        let mut plan_text = String::new();
        while plan_text.chars().count() < 5000 { plan_text.push_str("一、立即整改\n1. 学习不够。目标:系统学习。措施:制定计划;每周交流。完成时间:2005年5月31日前。初步效果:已制定计划。\n2. 目标:按时参会。措施:提前安排。完成时间:5月底前。初步效果:未再迟到。\n"); }
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


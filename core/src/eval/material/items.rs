//! Items of an itemised material (整改方案): class headings, numbered items, fields, dates (see `material`).

use super::phrases::{Hit, Pat};
use super::report::{Finding, ItemDate, ItemState};
use crate::messages::Msg;
use crate::model::ItemRule;

/// Numbering styles of items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Arabic,
    ParenArabic,
    Chinese,
    ParenChinese,
    Circled,
    Ordinal,
}

pub(crate) fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

pub(crate) fn digit_value(c: char) -> u32 {
    if c.is_ascii_digit() {
        c as u32 - '0' as u32
    } else {
        c as u32 - '０' as u32
    }
}

pub(crate) fn is_cn_numeral(c: char) -> bool {
    "〇零一二两三四五六七八九十".contains(c)
}

pub(crate) fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}'
}

/// Length in bytes of the leading white space of `s`.
pub(crate) fn space_len(s: &str) -> usize {
    s.len() - s.trim_start_matches(is_space).len()
}

/// A numbering at the start of `s` (`1.` `1、` `(1)` `1)` `一、` `一是` `(一)` `①` `第1项` …):
/// its style and length in bytes.
pub(crate) fn parse_mark(s: &str) -> Option<(Style, usize)> {
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
            if body == 0 || body > 9 {
                return None;
            }
            let style = if inner[..body].chars().all(is_digit) {
                Style::ParenArabic
            } else if inner[..body].chars().all(is_cn_numeral) {
                Style::ParenChinese
            } else {
                return None;
            };
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
            if body == 0 || body > 9 {
                return None;
            }
            let mut n = c.len_utf8() + body;
            let unit = after(n).chars().next().filter(|x| matches!(x, '项' | '条' | '点'));
            if let Some(u) = unit {
                n += u.len_utf8();
            }
            let more = match after(n).chars().next() {
                Some(x @ ('、' | '.' | '\u{FF0E}' | ':' | '\u{FF1A}' | ',' | '\u{FF0C}')) => x.len_utf8(),
                _ => 0,
            };
            if unit.is_none() && more == 0 {
                return None;
            }
            Some((Style::Ordinal, n + more))
        }
        _ if is_digit(c) => {
            let body = s.len() - s.trim_start_matches(is_digit).len();
            if body > 9 {
                return None;
            }
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
            if body > 9 {
                return None;
            }
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
pub(crate) fn heading_prefix(prefix: &str) -> Option<usize> {
    let lead = space_len(prefix);
    let mut rest = &prefix[lead..];
    if let Some((_, n)) = parse_mark(rest) {
        rest = &rest[n..];
    }
    let rest = rest.trim_start_matches(|c: char| is_space(c) || matches!(c, '【' | '〔' | '[' | '“' | '"' | '《' | '「' | '『' | '#' | '*'));
    rest.is_empty().then_some(lead)
}

pub(crate) fn ends_sentence(c: char) -> bool {
    matches!(c, '\n' | '\r' | '。' | ';' | '\u{FF1B}' | '!' | '?' | '\u{FF01}' | '\u{FF1F}')
}

/// Spaces, numbering and brackets before a class heading take at most this many characters.
pub(crate) const MAX_PREFIX: usize = 24;

/// A field label found in the draft: start of the marker, end of its colon, field index.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Label {
    pub(crate) start: usize,
    pub(crate) colon_end: usize,
    pub(crate) field: usize,
}

/// Spaces and punctuation (ASCII, CJK, full-width, quotes, dashes, ellipsis).
pub(crate) fn is_space_or_punct(c: char) -> bool {
    is_space(c)
        || c.is_ascii_punctuation()
        || matches!(c, '…' | '—' | '─' | '·' | '＿' | '＊' | '～')
        || ('\u{3000}'..='\u{303F}').contains(&c)
        || ('\u{FF01}'..='\u{FF0F}').contains(&c)
        || ('\u{FF1A}'..='\u{FF20}').contains(&c)
        || ('\u{FF3B}'..='\u{FF40}').contains(&c)
        || ('\u{FF5B}'..='\u{FF65}').contains(&c)
        || ('\u{2018}'..='\u{201F}').contains(&c)
}

/// True when `s` holds no content: spaces, punctuation or placeholders (X, □, ○, ×) only.
pub(crate) fn is_blank(s: &str) -> bool {
    s.chars().all(|c| is_space_or_punct(c) || matches!(c, '□' | '○' | '×' | 'X' | 'x'))
}

/// Result of looking for a date in a date field's text; spans are byte ranges in that text.
#[derive(Debug, PartialEq)]
pub(crate) enum DateParse {
    Ok(ItemDate),
    Bad { expr: String, why: Msg, start: usize, end: usize },
    None,
}

pub(crate) fn days_in_month(year: Option<i32>, month: u32) -> u32 {
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
pub(crate) fn number_at(cs: &[(usize, char)], i: usize) -> Option<(u32, usize, usize, bool)> {
    let c = cs.get(i)?.1;
    if is_digit(c) {
        let mut j = i;
        let mut v: u32 = 0;
        while let Some(&(_, d)) = cs.get(j).filter(|x| is_digit(x.1)) {
            if j - i >= 6 {
                return None;
            }
            v = v * 10 + digit_value(d);
            j += 1;
        }
        return Some((v, j, j - i, false));
    }
    if !is_cn_numeral(c) {
        return None;
    }
    let mut j = i;
    while cs.get(j).is_some_and(|x| is_cn_numeral(x.1)) {
        j += 1;
    }
    let run: Vec<char> = cs[i..j].iter().map(|x| x.1).collect();
    if run.len() > 4 {
        return None;
    }
    let v = if let Some(t) = run.iter().position(|&x| x == '十') {
        if run.len() > 3 || run.iter().filter(|&&x| x == '十').count() > 1 {
            return None;
        }
        let tens = if t == 0 {
            1
        } else if t == 1 {
            cn_digit(run[0])?
        } else {
            return None;
        };
        let ones = match &run[t + 1..] {
            [] => 0,
            [d] => cn_digit(*d)?,
            _ => return None,
        };
        tens * 10 + ones
    } else {
        run.iter().try_fold(0u32, |acc, &d| Some(acc * 10 + cn_digit(d)?))?
    };
    Some((v, j, run.len(), true))
}

/// Relative dates: phrase, month it names (None: the current or next month).
pub(crate) const RELATIVE_DATES: &[(&str, Option<u32>)] = &[
    ("今年年底", Some(12)),
    ("今年底", Some(12)),
    ("今年年内", Some(12)),
    ("今年内", Some(12)),
    ("本年底", Some(12)),
    ("本年度内", Some(12)),
    ("本年内", Some(12)),
    ("年底", Some(12)),
    ("年末", Some(12)),
    ("年内", Some(12)),
    ("上半年", Some(6)),
    ("下半年", Some(12)),
    ("本月底", None),
    ("本月末", None),
    ("本月内", None),
    ("下个月底", None),
    ("下月底", None),
    ("下月末", None),
    ("月底", None),
    ("月末", None),
];

/// Finds the first date expression in `s` (see the module docs).
pub(crate) fn find_date(s: &str) -> DateParse {
    let cs: Vec<(usize, char)> = s.char_indices().collect();
    let byte = |i: usize| cs.get(i).map_or(s.len(), |x| x.0);
    let is_num = |c: char| is_digit(c) || is_cn_numeral(c);
    let starts = |i: usize, w: &str| s[byte(i)..].starts_with(w);
    // Optional 前/之前/以前/内/止 after a date, for the text shown.
    let tail = |i: usize| -> usize {
        for w in ["之前", "以前", "前", "内", "止"] {
            if starts(i, w) {
                return i + w.chars().count();
            }
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
            if starts(k, w) {
                return make(i, k + w.chars().count(), year, Some(month), None);
            }
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
        if prev.is_some_and(is_num) {
            continue;
        }
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
                        if starts(j2, "季度") {
                            return quarter(i, j2 + 2, Some(y), m);
                        }
                    }
                    if starts(k, "第") {
                        if let Some((q, j2, _, _)) = number_at(&cs, k + 1) {
                            if starts(j2, "季度") {
                                return quarter(i, j2 + 2, Some(y), q);
                            }
                        }
                    }
                    for (w, m) in [("年底", 12), ("年末", 12), ("底", 12), ("末", 12), ("年内", 12), ("内", 12), ("上半年", 6), ("下半年", 12)]
                    {
                        if starts(k, w) {
                            return make(i, k + w.chars().count(), Some(y), Some(m), None);
                        }
                    }
                    return bad(i, k, Msg::new("date.year_only"));
                }
                Some('月') => return month_path(i, j + 1, None, n),
                Some('-' | '/' | '.' | '－' | '／' | '\u{FF0E}') if !cn && len == 4 => {
                    let Some((m, j2, _, false)) = number_at(&cs, j + 1) else { continue };
                    let sep = next;
                    let day = if cs.get(j2).map(|x| x.1) == sep { number_at(&cs, j2 + 1).filter(|x| !x.3) } else { None };
                    let (end, d) = match day {
                        Some((d, j3, _, _)) => (j3, Some(d)),
                        None => (j2, None),
                    };
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
        if prev == Some('个') {
            continue;
        }
        if let Some((w, m)) = RELATIVE_DATES.iter().find(|(w, _)| starts(i, w)) {
            return make(i, i + w.chars().count(), None, *m, None);
        }
    }
    DateParse::None
}

/// True when a class block's text says the class has no items (无, 暂无 …).
pub(crate) fn says_none(body: &str) -> bool {
    let words: String = body.chars().filter(|c| !is_space_or_punct(*c)).collect();
    ["无", "暂无", "没有", "无此类问题", "暂无此类问题", "本类无"].contains(&words.as_str())
}

/// Byte offsets of an item and its class.
pub(crate) struct ItemSpan {
    pub(crate) class: usize,
    pub(crate) heading: String,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// Splits the draft into items (see the module docs).
pub(crate) fn split_items(text: &str, class_hits: &[Hit], class_of: &[usize], labels: &[Label]) -> Vec<ItemSpan> {
    // Headings: (start of the heading, class name start, class name end, class, begins a line).
    let mut heads: Vec<(usize, usize, usize, usize, bool)> = vec![];
    for (h, &class) in class_hits.iter().zip(class_of) {
        // The line or sentence start, at most MAX_PREFIX characters back.
        let (mut found, mut seen) = (None, 0);
        for (i, c) in text[..h.start].char_indices().rev().take(MAX_PREFIX + 1) {
            seen += 1;
            if ends_sentence(c) {
                found = Some((i + c.len_utf8(), matches!(c, '\n' | '\r')));
                break;
            }
        }
        let (p, line) = match found {
            Some(x) => x,
            None if seen <= MAX_PREFIX => (0, true), // the text's start
            None => continue,
        };
        let Some(lead) = heading_prefix(&text[p..h.start]) else { continue };
        // Inside a line, a class name is a heading only when a colon follows it closely (近期整改的问题:).
        if !line && !text[h.end..].chars().take(7).take_while(|c| !ends_sentence(*c)).any(|c| matches!(c, ':' | '\u{FF1A}')) {
            continue;
        }
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
        let inline = name_end
            + (text[name_end..block_end].len()
                - text[name_end..block_end].trim_start_matches(|c: char| is_space(c) && c != '\n' || matches!(c, ':' | '\u{FF1A}')).len());
        if let Some((st, _)) = parse_mark(&text[inline..block_end]) {
            marks.push((inline, st));
        }
        for (q, _) in text[name_end..block_end].match_indices('\n') {
            let line = name_end + q + 1;
            let at = line + space_len(&text[line..block_end]);
            if at >= block_end {
                continue;
            }
            if let Some((st, _)) = parse_mark(&text[at..block_end]) {
                marks.push((at, st));
            }
        }
        let first_label = labels.iter().find(|l| l.start >= name_end && l.start < block_end).map(|l| l.start);
        if first_label.is_none() && marks.is_empty() && says_none(&text[name_end..block_end]) {
            continue;
        }
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
pub(crate) fn check_items(rule: &ItemRule, text: &str, hits: &[Hit], pats: &[(Pat, String)], char_at: &[usize]) -> (Vec<ItemState>, Vec<Finding>) {
    let mut class_hits = vec![];
    let mut class_of = vec![];
    let mut raw_labels = vec![];
    for h in hits {
        match pats[h.pat].0 {
            Pat::Class(c) => {
                class_hits.push(*h);
                class_of.push(c);
            }
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
        if labels.last().is_some_and(|k| l.start < k.colon_end) {
            continue;
        }
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
                findings.push(Finding {
                    item: Some(idx),
                    field: Some(f.name.clone()),
                    ..Finding::new("item.field_missing", "error", msg, Some(ch(head.0)), Some(ch(head.1)))
                });
                continue;
            };
            let l = mine[k];
            let end = mine.get(k + 1).map_or(sp.end, |n| n.start);
            let body = text.get(l.colon_end..end).unwrap_or("");
            if is_blank(body) {
                missing.push(f.name.clone());
                let msg = at("item.field_empty", &f.name);
                findings.push(Finding {
                    item: Some(idx),
                    field: Some(f.name.clone()),
                    ..Finding::new("item.field_empty", "error", msg, Some(ch(l.start)), Some(ch(l.colon_end)))
                });
                continue;
            }
            if !f.date {
                continue;
            }
            let trimmed = body.trim_end_matches(is_space_or_punct);
            let lead = trimmed.len() - trimmed.trim_start_matches(is_space_or_punct).len();
            match find_date(trimmed) {
                DateParse::Ok(d) => {
                    if date.is_none() {
                        date = Some(d);
                    }
                }
                DateParse::Bad { expr, why, start, end } => {
                    let msg = at("item.date_invalid", &f.name).with("expr", expr).with("why", why);
                    findings.push(Finding {
                        item: Some(idx),
                        field: Some(f.name.clone()),
                        ..Finding::new("item.date_invalid", "error", msg, Some(ch(l.colon_end + start)), Some(ch(l.colon_end + end)))
                    });
                }
                DateParse::None => {
                    let shown: String = trimmed[lead..].chars().take(20).collect();
                    let msg = at("item.date_missing", &f.name).with("shown", shown);
                    findings.push(Finding {
                        item: Some(idx),
                        field: Some(f.name.clone()),
                        ..Finding::new(
                            "item.date_invalid",
                            "error",
                            msg,
                            Some(ch(l.colon_end + lead)),
                            Some(ch(l.colon_end + trimmed.len().max(lead))),
                        )
                    });
                }
            }
        }
        let end = sp.start + text[sp.start..sp.end].trim_end_matches(is_space).len();
        items.push(ItemState {
            class: rule.classes[sp.class].name.clone(),
            heading: sp.heading.clone(),
            no,
            start: ch(sp.start),
            end: ch(end),
            missing,
            date,
        });
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

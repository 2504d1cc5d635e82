//! Negation of flagged phrases: when a member's 不/没有/从不 … covers a phrase (see `material`).

/// Characters that end a clause.
pub(crate) fn ends_clause(c: char) -> bool {
    matches!(c, '\u{FF0C}' | '。' | '\u{FF1B}' | '\u{FF1A}' | '\u{FF01}' | '\u{FF1F}' | ',' | ';' | ':' | '!' | '?' | '\n' | '\r')
}

/// Words that look like a negation but are not one (checked before [`NEGATORS`]).
pub(crate) const NOT_NEGATIONS: &[&str] = &[
    "不少",
    "不断",
    "不仅",
    "不但",
    "不光",
    "不止",
    "不只",
    "未来",
    "不得不",
    "不能不",
    "不可否认",
    "不容否认",
    "不否认",
    "不可避免",
    "差不多",
    "了不起",
    "对不起",
    "不够",
    "不足",
    "不力",
    "不到位",
    "不及时",
    "不扎实",
    "不全面",
    "不经常",
    "不主动",
    "不积极",
    "不认真",
    "不彻底",
    "不深入",
    "不细致",
    "不严格",
    "不规范",
    "不高",
    "不强",
    "不严",
    "不深",
    "不细",
    "不紧",
    "不实",
    "不好",
    "不良",
    "不多",
    "不大",
    "不同",
    "不久",
];

/// Negations, longest first.
pub(crate) const NEGATORS: &[&str] = &["并非", "绝非", "决非", "而非", "没有", "不", "没", "未"];

/// Cause and contrast words that end a negation's reach.
pub(crate) const BREAKERS: &[&str] = &["因为", "由于", "原因是", "原因在于", "而是", "只是", "主要是", "但", "却"];

/// Auxiliaries that may stand between a negation and a cause word it governs (不会因为 …).
pub(crate) const AUXILIARIES: &[char] =
    &['会', '能', '够', '应', '当', '该', '要', '再', '可', '是', '曾', '敢', '肯', '愿', '得', '也', '都', '必', '须', '就', '还', '并'];

/// First characters of [`NOT_NEGATIONS`] and [`NEGATORS`] (a test keeps them in step).
pub(crate) fn starts_negation_word(c: char) -> bool {
    matches!(c, '不' | '没' | '未' | '并' | '绝' | '决' | '而' | '差' | '了' | '对')
}

/// A negation further back than this many characters does not reach a phrase.
pub(crate) const MAX_CLAUSE: usize = 60;

/// Masks starting this many bytes before a clause are not looked at (flagged phrases are short).
pub(crate) const MAX_MASK: usize = 256;

/// True when the phrase starting at byte `at` is negated within its clause.
/// `masks` are the byte ranges of all flagged phrases found (a negation inside
/// one of them does not count).
pub(crate) fn negated(text: &str, at: usize, masks: &[(usize, usize)]) -> bool {
    let before = &text[..at];
    // The clause, at most MAX_CLAUSE characters of it.
    let mut clause_start = at;
    for (i, c) in before.char_indices().rev().take(MAX_CLAUSE) {
        if ends_clause(c) {
            break;
        }
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

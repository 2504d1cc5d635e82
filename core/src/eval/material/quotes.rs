//! Quotations in a draft: where the member cites words rather than writes them.
//!
//! Two kinds, both as byte spans `[start, end)`:
//! * **the rule's own words**: every place a flag's `reason` appears word for word
//!   (“按照‘只写主观原因、不写客观原因’的要求”). A flagged phrase wholly inside is the
//!   member quoting the rule, not doing what it warns of: it does not count, and the
//!   report says how many places were left out (`quoted`);
//! * **quotation marks** “…” 「…」 『…』 ‘…’ closed on the same line: a part's marker
//!   inside is a mention (“原因剖析”这一部分), never the part's heading, so it neither
//!   starts the part nor puts the parts out of order.

/// Longest quotation, in bytes, taken as one (an unclosed mark never swallows the draft).
const MAX_QUOTE: usize = 600;

/// Every place `needle` appears in `text`, as byte spans.
pub(crate) fn occurrences(text: &str, needle: &str) -> Vec<(usize, usize)> {
    if needle.is_empty() {
        return vec![];
    }
    text.match_indices(needle).map(|(b, s)| (b, b + s.len())).collect()
}

/// Spans between paired quotation marks on one line, marks included.
pub(crate) fn quotations(text: &str) -> Vec<(usize, usize)> {
    let mut spans = vec![];
    let mut open: Option<(usize, char)> = None;
    for (b, c) in text.char_indices() {
        if c == '\n' || c == '\r' {
            open = None;
            continue;
        }
        match open {
            Some((s, close)) if c == close => {
                spans.push((s, b + c.len_utf8()));
                open = None;
            }
            Some((s, _)) if b - s > MAX_QUOTE => open = None,
            Some(_) => {}
            None => {
                open = match c {
                    '“' => Some((b, '”')),
                    '「' => Some((b, '」')),
                    '『' => Some((b, '』')),
                    '‘' => Some((b, '’')),
                    _ => None,
                }
            }
        }
    }
    spans
}

/// True when `[s, e)` lies wholly inside one of `spans`.
pub(crate) fn inside(spans: &[(usize, usize)], s: usize, e: usize) -> bool {
    spans.iter().any(|&(a, b)| a <= s && e <= b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_close_on_their_own_line() {
        let t = "按照“只写主观原因”的要求。\n“未闭合\n一、原因剖析「甲」";
        let q = quotations(t);
        assert_eq!(q.len(), 2, "{q:?}");
        assert_eq!(&t[q[0].0..q[0].1], "“只写主观原因”");
        assert_eq!(&t[q[1].0..q[1].1], "「甲」");
        let (s, e) = occurrences(t, "主观原因")[0];
        assert!(inside(&q, s, e));
        let last = t.rfind("原因剖析").unwrap_or(0);
        assert!(!inside(&q, last, last + "原因剖析".len()));
    }

    #[test]
    fn a_long_unclosed_mark_lets_go() {
        let t = format!("“{}”", "字".repeat(MAX_QUOTE));
        assert!(quotations(&t).is_empty());
    }
}

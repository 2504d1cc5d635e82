//! Row accounting shared by every reader of filled-in forms (scores, votes,
//! exams): a rejected row with its field and reason, the counts (read =
//! scored + rejected), and the rounding of every output figure.

use serde::Serialize;

/// A sheet that was not scored, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Rejection {
    /// 1-based line number in the input (the header is line 1).
    pub row: usize,
    /// Field at fault, if one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Why, in Chinese.
    pub reason: String,
}

/// Counts of rows.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RowCounts {
    /// Data rows read.
    pub read: usize,
    /// Rows scored.
    pub scored: usize,
    /// Rows rejected.
    pub rejected: usize,
}

/// Rounds for output: 4 decimals, so results are stable across platforms.
pub(crate) fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Rejections kept in a report: the first this many (the count in
/// [`RowCounts::rejected`] stays the total), so a file of millions of bad rows
/// costs no more than this list.
pub const MAX_REJECTIONS: usize = 10_000;
/// Longest member name read, in bytes (a longer one is rejected with its row).
pub const MAX_NAME_BYTES: usize = 1024;
/// Longest cell read, in bytes (a longer one is rejected with its row).
pub const MAX_CELL_BYTES: usize = 64 << 10;
/// Most fields in one record (Excel's 16,384 columns).
pub const MAX_FIELDS: usize = 16_384;

/// A name as it was written and as it is counted.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Renamed {
    /// As written in the sheet (control and format characters escaped).
    pub from: String,
    /// As counted.
    pub to: String,
}

/// Invisible format characters a copied name may carry: soft hyphen, Arabic
/// letter mark, Mongolian vowel separator, zero-width space / non-joiner /
/// joiner, left-to-right and right-to-left marks and embeddings, word joiner
/// and invisible operators, isolates, BOM.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{61c}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}')
}

/// True for a character written without spaces around it in Chinese text
/// (ideographs, kana, hangul, full-width forms): a space next to one inside a
/// name is a typing slip (`张　伟`).
fn spaceless(c: char) -> bool {
    matches!(c as u32, 0x2e80..=0x9fff | 0xac00..=0xd7af | 0xf900..=0xfaff | 0xff00..=0xffef | 0x20000..=0x3ffff)
}

/// A member name as it is counted: invisible format characters removed, white
/// space trimmed, a space inside next to a Chinese character removed (`张　伟`
/// is 张伟), other runs of white space made one space (`Li  Wei`), and Unicode
/// NFC (a name typed on a Mac may arrive decomposed). Borrowed when nothing changes.
pub fn clean_name(s: &str) -> std::borrow::Cow<'_, str> {
    let simple = s.bytes().all(|b| b.is_ascii_graphic());
    if simple || (!s.chars().any(|c| c.is_whitespace() || is_invisible(c)) && is_nfc(s)) {
        return std::borrow::Cow::Borrowed(s);
    }
    let kept: Vec<char> = s.chars().filter(|&c| !is_invisible(c)).collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < kept.len() {
        let c = kept[i];
        if !c.is_whitespace() {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        while i < kept.len() && kept[i].is_whitespace() {
            i += 1;
        }
        let (before, after) = (start.checked_sub(1).map(|k| kept[k]), kept.get(i).copied());
        match (before, after) {
            (Some(b), Some(a)) if !spaceless(b) && !spaceless(a) => out.push(' '),
            _ => {}
        }
    }
    let out = nfc(out);
    if out == s {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(out)
    }
}

#[cfg(feature = "nfc")]
fn is_nfc(s: &str) -> bool {
    unicode_normalization::is_nfc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes
}
#[cfg(not(feature = "nfc"))]
fn is_nfc(_: &str) -> bool {
    true
}
#[cfg(feature = "nfc")]
fn nfc(s: String) -> String {
    use unicode_normalization::UnicodeNormalization;
    if is_nfc(&s) {
        s
    } else {
        s.nfc().collect()
    }
}
#[cfg(not(feature = "nfc"))]
fn nfc(s: String) -> String {
    s
}

/// Text from a sheet as a message shows it: control and invisible format
/// characters as `\u{…}` (a NUL or a bidi mark would garble a terminal or
/// hide what is wrong), and at most 200 characters.
pub fn shown(s: &str) -> std::borrow::Cow<'_, str> {
    if s.len() <= 200 && !s.chars().any(|c| c.is_control() || is_invisible(c)) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::new();
    for (n, c) in s.chars().enumerate() {
        if n == 200 {
            out.push('…');
            break;
        }
        if c.is_control() || is_invisible(c) {
            out.push_str(&format!("\\u{{{:04X}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cleaned_as_counted() {
        assert_eq!(clean_name("张伟"), "张伟");
        assert_eq!(clean_name("张\u{200b}伟"), "张伟");
        assert_eq!(clean_name("\u{feff}张伟\u{200e}"), "张伟");
        assert_eq!(clean_name("张　伟"), "张伟");
        assert_eq!(clean_name("张 \u{3000} 伟"), "张伟");
        assert_eq!(clean_name("Li   Wei"), "Li Wei");
        assert_eq!(clean_name("阿依 古丽"), "阿依古丽");
        #[cfg(feature = "nfc")]
        assert_eq!(clean_name("Lu\u{308}"), "L\u{fc}");
        assert!(matches!(clean_name("王芳"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn messages_escape_control_characters() {
        assert_eq!(shown("a\u{0}b\u{202e}"), "a\\u{0000}b\\u{202E}");
        assert_eq!(shown(&"长".repeat(300)).chars().count(), 201);
    }
}

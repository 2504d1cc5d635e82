//! Character counting as Word's 字数 counts Chinese text (see the module docs of `material`).

/// True for characters Word counts one by one.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2014 | 0x2018..=0x201D | 0x2026 | 0x2E80..=0x2FDF | 0x3000..=0x30FF | 0x3100..=0x31FF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF | 0x20000..=0x3134F)
}

/// How Word's 字数 takes a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CharClass {
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
pub(crate) fn char_class(c: char) -> CharClass {
    if c.is_ascii() {
        if matches!(c, ' ' | '\t'..='\r') {
            CharClass::Space
        } else {
            CharClass::Word
        }
    } else if is_cjk(c) {
        if c == '\u{3000}' {
            CharClass::Space
        } else {
            CharClass::Alone
        }
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
            CharClass::Alone => {
                n += 1;
                in_word = false;
            }
            CharClass::Word => {
                if !in_word {
                    n += 1;
                }
                in_word = true;
            }
        }
    }
    n
}

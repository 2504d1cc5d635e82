//! Number-format codes as Excel writes them (XLSX styles, an XLS's FORMAT records): what the
//! reader needs to know of one to show a cell as the sheet shows it. Used by `workbook.rs` and
//! `biff.rs` alike, so it depends on neither.

/// The first section of a number format with quoted text and escaped characters removed.
pub(crate) fn bare_format(code: &str) -> String {
    let mut out = String::new();
    let (mut quoted, mut escaped) = (false, false);
    for ch in code.chars() {
        match ch {
            _ if escaped => escaped = false,
            '"' => quoted = !quoted,
            _ if quoted => {}
            '\\' | '_' | '*' => escaped = true,
            ';' => break,
            _ => out.push(ch),
        }
    }
    out
}

/// The currency symbol of a number format's first section: `[$¥-804]`, or ¥ ￥ $ € £ in it, quoted or not
/// (`[$-804]`, a locale without a symbol, is none).
pub(crate) fn currency(code: &str) -> Option<String> {
    let first = code.split(';').next().unwrap_or("");
    if let Some(i) = first.find("[$") {
        let sym: String = first[i + 2..].chars().take_while(|&c| c != '-' && c != ']').collect();
        if !sym.is_empty() {
            return Some(sym);
        }
    }
    let without_tags: String = first.split('[').map(|p| p.split_once(']').map_or(p, |(_, rest)| rest)).collect();
    without_tags.chars().find(|c| matches!(c, '¥' | '￥' | '$' | '€' | '£')).map(String::from)
}

/// What a number format makes of a number: itself, a date or time, or a duration (`[h]:mm:ss`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Number,
    Date,
    Duration,
}

/// The kind of a format code as Excel reads it: a date when its first section has d, m, y, h
/// or s outside quotes, brackets and escapes (or AM/PM), a duration when it has `[h]`, `[m]` or
/// `[s]` (the rule calamine and openpyxl use).
pub(crate) fn kind_of_code(code: &str) -> Kind {
    let (mut escaped, mut quoted, mut brackets, mut prev, mut hms, mut ap) = (false, false, 0u8, ' ', false, false);
    for c in code.chars() {
        if escaped {
            escaped = false;
        } else if matches!(c, '_' | '\\' | '*') {
            escaped = true;
        } else if quoted {
            quoted = c != '"';
        } else if c == '"' {
            quoted = true;
        } else if c == ';' {
            return Kind::Number;
        } else if c == '[' {
            brackets = brackets.saturating_add(1);
        } else if c == ']' && brackets == 1 && hms {
            return Kind::Duration;
        } else if c == ']' {
            brackets = brackets.saturating_sub(1);
        } else if brackets == 0 && !ap && matches!(c, 'a' | 'A') {
            ap = true;
        } else if brackets == 0
            && if ap { matches!(c, 'p' | 'm' | '/' | 'P' | 'M') } else { matches!(c.to_ascii_lowercase(), 'd' | 'm' | 'h' | 'y' | 's') }
        {
            // (after an A: AM/PM; otherwise a day, month, year, hour or second)
            return Kind::Date;
        } else if !(hms && c.eq_ignore_ascii_case(&prev)) {
            hms = prev == '[' && matches!(c.to_ascii_lowercase(), 'm' | 'h' | 's');
        }
        prev = c;
    }
    Kind::Number
}

/// The kind of a built-in format (ECMA-376 18.8.30; 27–36 and 50–58 are East Asian dates and times).
pub(crate) fn kind_of_id(id: u32) -> Kind {
    match id {
        14..=22 | 27..=36 | 45 | 47 | 50..=58 => Kind::Date,
        46 => Kind::Duration,
        _ => Kind::Number,
    }
}

/// The code of a built-in format that has one in every locale (ECMA-376 18.8.30).
pub(crate) fn builtin_code(id: u32) -> Option<&'static str> {
    Some(match id {
        0 => "General",
        1 => "0",
        2 => "0.00",
        3 => "#,##0",
        4 => "#,##0.00",
        9 => "0%",
        10 => "0.00%",
        11 => "0.00E+00",
        12 => "# ?/?",
        13 => "# ??/??",
        14 => "mm-dd-yy",
        15 => "d-mmm-yy",
        16 => "d-mmm",
        17 => "mmm-yy",
        18 => "h:mm AM/PM",
        19 => "h:mm:ss AM/PM",
        20 => "h:mm",
        21 => "h:mm:ss",
        22 => "m/d/yy h:mm",
        37 => "#,##0 ;(#,##0)",
        38 => "#,##0 ;[Red](#,##0)",
        39 => "#,##0.00;(#,##0.00)",
        40 => "#,##0.00;[Red](#,##0.00)",
        41 => r#"_(* #,##0_);_(* (#,##0);_(* "-"_);_(@_)"#,
        42 => r#"_($* #,##0_);_($* (#,##0);_($* "-"_);_(@_)"#,
        43 => r#"_(* #,##0.00_);_(* (#,##0.00);_(* "-"??_);_(@_)"#,
        44 => r#"_($* #,##0.00_);_($* (#,##0.00);_($* "-"??_);_(@_)"#,
        45 => "mm:ss",
        46 => "[h]:mm:ss",
        47 => "mmss.0",
        48 => "##0.0E+0",
        49 => "@",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_kinds_as_excel_reads_them() {
        for (code, kind) in [
            ("DD/MM/YY", Kind::Date),
            ("H:MM:SS;@", Kind::Date),
            (r#"m"月"d"日""#, Kind::Date),
            ("yyyy年m月d日", Kind::Date),
            ("[h]:mm:ss", Kind::Duration),
            ("[mm]:ss", Kind::Duration),
            ("0.00%", Kind::Number),
            ("#,##0\\ [$\\u20bd-46D]", Kind::Number),
            (r#""days"0"#, Kind::Number),
            ("[Red]0.00", Kind::Number),
            ("0;[h]", Kind::Number),
            ("General", Kind::Number),
            ("AM/PM h", Kind::Date),
        ] {
            assert_eq!(kind_of_code(code), kind, "{code}");
        }
        assert_eq!((kind_of_id(14), kind_of_id(46), kind_of_id(9), kind_of_id(58)), (Kind::Date, Kind::Duration, Kind::Number, Kind::Date));
    }
}

//! Writing cells safely: the one place every CSV and XLSX exporter of the
//! project turns text into a cell (`xlsxout` writes [`text_unquoted`] as a string).
//!
//! * **Formula injection** (OWASP "CSV Injection"): a text cell that begins with
//!   `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a formula by
//!   Excel or WPS when the report is opened (`=HYPERLINK(...)`, `+cmd|' /C calc'!A0`).
//!   Such a cell gets a leading `'`, so it shows as the text it is.
//! * **RFC 4180**: a cell holding a comma, a quote, CR or LF is quoted, and
//!   quotes inside are doubled.
//!
//! Numbers written as numbers (a composite, a mean) are not text cells and are
//! never changed: pass them through [`number`].

use std::borrow::Cow;

/// A text cell as it must be written into a CSV: neutralised, then quoted if
/// needed (core's `output::csv_cell`, the one formula guard).
pub fn text(s: &str) -> Cow<'_, str> {
    xianjiao_core::output::csv_cell(s)
}

/// A number cell: the shortest round-trip form, `9` rather than `9.0`.
pub fn number(buf: &mut ryu::Buffer, x: f64) -> &str {
    if !x.is_finite() {
        return "";
    }
    let s = buf.format(x);
    s.strip_suffix(".0").unwrap_or(s)
}

/// One CSV line of text cells (no line end).
pub fn line<'a>(cells: impl IntoIterator<Item = &'a str>) -> String {
    cells.into_iter().map(text).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_cells_quoted() {
        assert_eq!(text("张三"), "张三");
        assert_eq!(text("=HYPERLINK(\"http://x\",\"点我\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\"");
        assert_eq!(text("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text("-2+3+cmd"), "'-2+3+cmd");
        assert_eq!(text("\tx"), "'\tx");
        assert_eq!(text("\rx"), "\"'\rx\"");
        assert_eq!(text("a,b"), "\"a,b\"");
        assert_eq!(text("a\nb"), "\"a\nb\"");
        assert_eq!(line(["a", "=1"]), "a,'=1");
        let mut b = ryu::Buffer::new();
        assert_eq!(number(&mut b, -2.5), "-2.5");
        assert_eq!(number(&mut b, 9.0), "9");
    }
}

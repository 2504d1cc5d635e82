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

//! XLSX and XLSM, read by this crate for the CLI and the office page alike: the zip
//! ([`crate::zipped`]), then the workbook's sheet list, shared strings, number formats and
//! each sheet's cells through quick-xml, streamed (a lone cell at XFD1048576 costs one
//! cell). The office page's first download reads workbooks with nothing else (calamine,
//! for XLSB, XLS and ODS, is in the full office wasm only).
//!
//! Cell typing follows ECMA-376 as calamine reads it (its XLSX reader is this module's
//! differential oracle in `tests`): `t="s"` shared string, `inlineStr`, `str`, `b`,
//! `e`, `d`; a number is a date or duration when its style's number format says so.

use super::numfmt::{builtin_code, kind_of_code, kind_of_id, Kind};
use super::value::Value;
use super::zipped::{damaged, Zip};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// A sheet of the workbook.
pub(crate) struct Sheet {
    pub name: String,
    pub visible: bool,
    /// The part holding its cells; `None`: not a worksheet (a chart sheet).
    path: Option<String>,
}

/// A cell's number format: its kind, its code and built-in id.
struct Style {
    kind: Kind,
    format: Option<(String, u32)>,
}

/// An opened XLSX: its parts, sheets, shared strings and cell styles.
pub(crate) struct Book<'a> {
    zip: Zip<'a>,
    pub sheets: Vec<Sheet>,
    strings: Vec<String>,
    styles: Vec<Style>,
    is_1904: bool,
}

/// A part's text (XLSX parts are UTF-8; a BOM is dropped).
fn text<'b>(bytes: &'b [u8], part: &str) -> Result<&'b str, String> {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(b).map_err(|_| damaged(format!("“{part}”不是 UTF-8 / not UTF-8")))
}

/// A part's XML events (an empty element is a start and an end), one root element: an element
/// after the root's end is a damaged part, never more cells or sheets.
struct Doc<'x> {
    r: Reader<&'x [u8]>,
    part: String,
    depth: usize,
    ended: bool,
}

fn reader<'x>(xml: &'x str, part: &str) -> Doc<'x> {
    let mut r = Reader::from_str(xml);
    r.config_mut().expand_empty_elements = true;
    Doc { r, part: part.to_string(), depth: 0, ended: false }
}

impl<'x> Doc<'x> {
    fn next(&mut self) -> Result<Event<'x>, String> {
        let ev = self.r.read_event().map_err(|e| damaged(format!("{}: {e}", self.part)))?;
        match &ev {
            Event::Start(_) if self.ended => return Err(damaged(format!("{}: 根元素之后还有元素 / an element after the root element", self.part))),
            Event::Start(e) => {
                // (attributes well formed: a damaged tag is a damaged part, not one read leniently)
                for a in e.attributes() {
                    a.map_err(|x| damaged(format!("{}: {x}", self.part)))?;
                }
                self.depth += 1;
            }
            Event::End(_) => {
                self.depth = self.depth.saturating_sub(1);
                self.ended |= self.depth == 0;
            }
            _ => {}
        }
        Ok(ev)
    }
}

/// An attribute by its name (`r:id`: by its local name `id` under any prefix).
fn attr(e: &BytesStart, name: &str) -> Result<Option<String>, String> {
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(damaged)?;
        let key = a.key.as_ref();
        let hit = if name == "r:id" { key.rsplit_once(':').is_some_and(|(_, l)| l == "id") } else { key == name };
        if hit {
            return Ok(Some(quick_xml::escape::unescape(&a.value).map_err(damaged)?.into_owned()));
        }
    }
    Ok(None)
}

/// Text, CDATA and character references of an element, until its end tag.
fn push_text(ev: &Event, out: &mut String) -> Result<(), String> {
    match ev {
        Event::Text(t) => out.push_str(&t.xml10_content()),
        Event::CData(t) => out.push_str(&t.xml10_content()),
        Event::GeneralRef(r) => match quick_xml::escape::resolve_xml_entity(r) {
            Some(s) => out.push_str(s),
            None => out.push(r.resolve_char_ref().map_err(damaged)?.ok_or_else(|| damaged(format!("未知的实体 &{};", &**r)))?),
        },
        _ => {}
    }
    Ok(())
}

/// Excel's `_xHHHH_` escapes (a control character, or half of a surrogate pair) as the characters they stand for.
fn ooxml_unescape(s: &str) -> std::borrow::Cow<'_, str> {
    let unit = |at: usize| -> Option<u16> {
        let b = s.as_bytes().get(at..at + 7)?;
        (b.starts_with(b"_x") && b[6] == b'_').then(|| std::str::from_utf8(&b[2..6]).ok().and_then(|h| u16::from_str_radix(h, 16).ok())).flatten()
    };
    if !s.contains("_x") {
        return s.into();
    }
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match unit(i) {
            Some(hi @ 0xD800..=0xDBFF) => match unit(i + 7) {
                Some(lo @ 0xDC00..=0xDFFF) => {
                    out.push(char::from_u32(0x10000 + ((u32::from(hi) - 0xD800) << 10) + (u32::from(lo) - 0xDC00)).unwrap_or('\u{FFFD}'));
                    i += 14;
                }
                _ => {
                    out.push('\u{FFFD}');
                    i += 7;
                }
            },
            Some(u) => {
                out.push(char::from_u32(u32::from(u)).unwrap_or('\u{FFFD}'));
                i += 7;
            }
            None => {
                let ch = s[i..].chars().next().unwrap_or('\u{FFFD}');
                out.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    out.into()
}

/// A cell reference (`B12`) as 0-based (row, column); `None` when it is not one.
fn cell_ref(r: &str) -> Option<(u64, u64)> {
    let digits = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, num) = r.split_at(digits);
    if letters.is_empty() || !letters.bytes().all(|b| b.is_ascii_alphabetic()) || !num.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let col = letters.bytes().fold(0u64, |c, b| c.saturating_mul(26).saturating_add(u64::from(b.to_ascii_uppercase() - b'A' + 1)));
    let row = num.bytes().fold(0u64, |n, b| n.saturating_mul(10).saturating_add(u64::from(b - b'0')));
    Some((row.checked_sub(1)?, col - 1))
}

/// A part's path from a relationship's target, relative to the part's folder (`xl/`).
fn resolve(dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if let Some(abs) = target.strip_prefix('/') {
        abs.split('/').collect()
    } else {
        dir.split('/').filter(|p| !p.is_empty()).chain(target.split('/')).collect()
    };
    let mut out: Vec<&str> = vec![];
    for p in parts.drain(..) {
        match p {
            "." | "" => {}
            ".." => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    out.join("/")
}

impl<'a> Book<'a> {
    /// Opens an XLSX held in memory: the sheet list, the shared strings and the styles.
    pub fn open(bytes: &'a [u8]) -> Result<Self, String> {
        let zip = Zip::open(bytes)?
            .ok_or_else(|| "不是 XLSX 文件(可能是改了扩展名的 CSV 或 XLS),请在 Excel 中另存为 XLSX 后重试 / not an XLSX file".to_string())?;
        // Every part inflated into nothing first: a zip bomb is refused whichever part it is in.
        zip.check()?;
        let part = |name: &str| -> Result<Option<Vec<u8>>, String> { zip.find(name).map(|p| zip.read(p)).transpose() };
        // The workbook part: where the package's relationships say, else the usual place.
        let mut main = "xl/workbook.xml".to_string();
        if let Some(rels) = part("_rels/.rels")? {
            for (_, ty, target) in relationships(&rels, "_rels/.rels")? {
                if ty.ends_with("/officeDocument") {
                    main = resolve("", &target);
                }
            }
        }
        let dir = main.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        let wb = part(&main)?.ok_or_else(|| damaged(format!("缺少“{main}”/ no workbook part")))?;
        let rels_name = format!("{dir}/_rels/{}.rels", main.rsplit('/').next().unwrap_or(""));
        let rels = match part(&rels_name)? {
            Some(r) => relationships(&r, &rels_name)?,
            None => vec![],
        };
        let (mut sheets, mut is_1904) = (vec![], false);
        let mut r = reader(text(&wb, &main)?, &main);
        loop {
            match r.next()? {
                Event::Start(e) if e.local_name().as_ref() == "workbookPr" => {
                    is_1904 = attr(&e, "date1904")?.is_some_and(|v| v == "1" || v == "true");
                }
                Event::Start(e) if e.local_name().as_ref() == "sheet" => {
                    let name = attr(&e, "name")?.ok_or_else(|| damaged("工作表没有名称 / a sheet without a name"))?;
                    let visible = attr(&e, "state")?.is_none_or(|s| s == "visible");
                    let id = attr(&e, "r:id")?;
                    let rel = rels.iter().find(|x| Some(&x.0) == id.as_ref());
                    let path = rel.filter(|x| x.1.ends_with("/worksheet")).map(|x| resolve(&dir, &x.2));
                    if rel.is_none() {
                        return Err(damaged(format!("找不到工作表“{name}”的内容 / the sheet's part is not listed")));
                    }
                    if sheets.iter().any(|s: &Sheet| s.name == name) {
                        return Err(damaged(format!("有两个工作表都叫“{name}”/ two sheets with one name")));
                    }
                    sheets.push(Sheet { name, visible, path });
                }
                Event::Eof => break,
                _ => {}
            }
        }
        let strings = match zip.find(&resolve(&dir, "sharedStrings.xml")).or_else(|| rel_part(&zip, &rels, &dir, "/sharedStrings")) {
            Some(p) => shared_strings(&zip.read(p)?)?,
            None => vec![],
        };
        let styles = match zip.find(&resolve(&dir, "styles.xml")).or_else(|| rel_part(&zip, &rels, &dir, "/styles")) {
            Some(p) => styles(&zip.read(p)?)?,
            None => vec![],
        };
        Ok(Book { zip, sheets, strings, styles, is_1904 })
    }

    /// Calls `cell(row, column, value, format)` for each cell of the sheet in the order of its XML
    /// (0-based; `format`: the cell style's number format code and id, for [`crate::value::shown_as`]).
    pub fn cells(
        &self,
        sheet: &Sheet,
        mut cell: impl FnMut(u64, u64, Value, Option<(&str, Option<u32>)>) -> Result<(), String>,
    ) -> Result<(), String> {
        let path = sheet.path.as_deref().ok_or_else(|| "不是工作表(图表工作表)/ not a worksheet (a chart sheet)".to_string())?;
        let p = self.zip.find(path).ok_or_else(|| damaged(format!("缺少“{path}”/ the sheet's part is missing")))?;
        let bytes = self.zip.read(p)?;
        let mut r = reader(text(&bytes, path)?, path);
        let (mut row, mut col) = (0u64, 0u64);
        let mut in_data = false;
        loop {
            match r.next()? {
                Event::Start(e) if e.local_name().as_ref() == "sheetData" => in_data = true,
                Event::End(e) if e.local_name().as_ref() == "sheetData" => return Ok(()),
                Event::Start(e) if in_data && e.local_name().as_ref() == "row" => {
                    if let Some(n) = attr(&e, "r")? {
                        row = n
                            .parse::<u64>()
                            .ok()
                            .and_then(|n| n.checked_sub(1))
                            .ok_or_else(|| damaged(format!("行号“{n}”无效 / invalid row number")))?;
                    }
                    col = 0;
                }
                Event::End(e) if in_data && e.local_name().as_ref() == "row" => {
                    row += 1;
                    col = 0;
                }
                Event::Start(e) if in_data && e.local_name().as_ref() == "c" => {
                    let (at, style, ty) = (attr(&e, "r")?, attr(&e, "s")?, attr(&e, "t")?);
                    let (rr, cc) = match at {
                        Some(a) => cell_ref(&a).ok_or_else(|| damaged(format!("单元格引用“{a}”无效 / invalid cell reference")))?,
                        None => (row, col),
                    };
                    col = cc + 1;
                    // The cell's children: <v>, <is> (inline string), <f> (a formula: its value is in <v>).
                    let cut = || damaged(format!("{path}: 单元格未结束 / a cell is cut off"));
                    let (mut v, mut inline, mut depth, mut in_v) = (None::<String>, None::<String>, 0usize, false);
                    loop {
                        let ev = r.next()?;
                        match &ev {
                            Event::Start(x) => match (depth, x.local_name().as_ref()) {
                                (0, "v") => {
                                    depth += 1;
                                    in_v = true;
                                    v = Some(String::new());
                                }
                                // (read through its end: the depth stays)
                                (0, "is") => inline = Some(rich_text(&mut r)?.ok_or_else(cut)?),
                                _ => depth += 1,
                            },
                            Event::End(_) if depth == 0 => break, // </c>
                            Event::End(_) => {
                                depth -= 1;
                                in_v &= depth > 0;
                            }
                            Event::Eof => return Err(cut()),
                            ev if in_v => push_text(ev, v.get_or_insert_with(String::new))?,
                            _ => {}
                        }
                    }
                    let sid = style.as_deref().and_then(|s| s.parse::<usize>().ok());
                    let st = self.styles.get(sid.unwrap_or(0));
                    // (a number's kind only from a style the cell names; its shown format falls back to style 0)
                    let kind = sid.and(st).map_or(Kind::Number, |s| s.kind);
                    let value = self
                        .value(ty.as_deref(), v, inline, kind)
                        .map_err(|e| damaged(format!("{path} {}{}: {e}", crate::rows::column_letters(cc as usize), rr + 1)))?;
                    cell(rr, cc, value, st.and_then(|s| s.format.as_ref()).map(|(c, id)| (c.as_str(), Some(*id))))?;
                }
                Event::Eof => return Err(damaged(format!("{path}: 缺少 sheetData 的结尾 / sheetData is cut off"))),
                _ => {}
            }
        }
    }

    /// A cell's value from its type, its `<v>` and its inline string.
    fn value(&self, ty: Option<&str>, v: Option<String>, inline: Option<String>, kind: Kind) -> Result<Value, String> {
        if let Some(t) = ty.filter(|t| !matches!(*t, "inlineStr" | "is" | "s" | "b" | "d" | "e" | "str" | "n")) {
            return Err(format!("单元格类型“{t}”未知 / unknown cell type"));
        }
        if matches!(ty, Some("inlineStr" | "is")) {
            return Ok(inline.map_or(Value::Empty, Value::Text));
        }
        // (an inline string under another type: read as the text it is, as Excel and calamine do)
        let Some(v) = v else { return Ok(inline.map_or(Value::Empty, Value::Text)) };
        Ok(match ty {
            Some("s") => {
                if v.is_empty() {
                    return Ok(Value::Empty);
                }
                let i: usize = v.trim().parse().map_err(|_| format!("共享字符串编号“{v}”无效 / invalid shared string index"))?;
                Value::Text(
                    self.strings
                        .get(i)
                        .cloned()
                        .ok_or_else(|| format!("共享字符串 {i} 不存在(表中只有 {} 个)/ shared string index out of range", self.strings.len()))?,
                )
            }
            Some("b") => match v.trim() {
                "" => Value::Empty,
                "0" => Value::Bool(false),
                "1" => Value::Bool(true),
                t if t.eq_ignore_ascii_case("false") => Value::Bool(false),
                t if t.eq_ignore_ascii_case("true") => Value::Bool(true),
                t => return Err(format!("逻辑值“{t}”无效 / invalid boolean")),
            },
            Some("d") => Value::DateIso(v),
            Some("e") => Value::Error(v),
            Some("str") => Value::Text(ooxml_unescape(&v).into_owned()),
            Some("n") | None => {
                if v.is_empty() {
                    return Ok(Value::Empty);
                }
                match v.trim().parse::<f64>() {
                    Ok(x) if kind == Kind::Number => Value::Float(x),
                    Ok(x) => Value::Date { serial: x, duration: kind == Kind::Duration, is_1904: self.is_1904 },
                    Err(_) if ty.is_none() => Value::Text(v),
                    Err(_) => return Err(format!("数值“{v}”无效 / invalid number")),
                }
            }
            Some(t) => return Err(format!("单元格类型“{t}”未知 / unknown cell type")),
        })
    }
}

/// A part named by one of the workbook's relationships of this type.
fn rel_part<'z>(zip: &'z Zip, rels: &[(String, String, String)], dir: &str, ty: &str) -> Option<&'z crate::zipped::Part> {
    rels.iter().find(|r| r.1.ends_with(ty)).and_then(|r| zip.find(&resolve(dir, &r.2)))
}

/// A relationships part: (Id, Type, Target) of each.
fn relationships(bytes: &[u8], part: &str) -> Result<Vec<(String, String, String)>, String> {
    let mut r = reader(text(bytes, part)?, part);
    let mut out = vec![];
    loop {
        match r.next()? {
            Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                out.push((attr(&e, "Id")?.unwrap_or_default(), attr(&e, "Type")?.unwrap_or_default(), attr(&e, "Target")?.unwrap_or_default()));
            }
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// The shared strings: each `<si>`'s text ([`rich_text`]).
fn shared_strings(bytes: &[u8]) -> Result<Vec<String>, String> {
    let mut r = reader(text(bytes, "sharedStrings.xml")?, "sharedStrings.xml");
    let mut out = vec![];
    loop {
        match r.next()? {
            Event::Start(e) if e.local_name().as_ref() == "si" => match rich_text(&mut r)? {
                Some(t) => out.push(t),
                None => return Ok(out), // (cut off inside its last string: the strings before it)
            },
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// The text of a string element just opened (`<si>` of the shared strings, `<is>` of an inline
/// string), read through its end: its `<t>` runs without the phonetic ones (`<rPh>`), each trimmed
/// unless `xml:space="preserve"`, Excel's `_xHHHH_` escapes resolved. `None`: the part ends first.
fn rich_text(r: &mut Doc) -> Result<Option<String>, String> {
    let (mut out, mut buf, mut depth, mut phonetic) = (String::new(), String::new(), 0usize, 0usize);
    // Inside a <t>: whether it preserves its spaces.
    let mut t: Option<bool> = None;
    loop {
        let ev = r.next()?;
        match &ev {
            Event::Start(e) => {
                depth += 1;
                match e.local_name().as_ref() {
                    "rPh" => phonetic += 1,
                    "t" if phonetic == 0 => {
                        t = Some(attr(e, "xml:space")?.is_some_and(|s| s == "preserve"));
                        buf.clear();
                    }
                    _ => {}
                }
            }
            Event::End(_) if depth == 0 => return Ok(Some(out)),
            Event::End(e) => {
                depth -= 1;
                match e.local_name().as_ref() {
                    "rPh" => phonetic = phonetic.saturating_sub(1),
                    "t" => {
                        if let Some(preserve) = t.take() {
                            out.push_str(&ooxml_unescape(if preserve { &buf } else { buf.trim_matches([' ', '\t', '\r', '\n']) }));
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => return Ok(None),
            ev if t.is_some() => push_text(ev, &mut buf)?,
            _ => {}
        }
    }
}

/// The cell styles (`cellXfs`), each with its number format.
fn styles(bytes: &[u8]) -> Result<Vec<Style>, String> {
    let mut r = reader(text(bytes, "styles.xml")?, "styles.xml");
    let (mut custom, mut out, mut in_xfs) = (std::collections::HashMap::<u32, String>::new(), vec![], false);
    loop {
        match r.next()? {
            Event::Start(e) if e.local_name().as_ref() == "numFmt" => {
                if let (Some(id), Some(code)) = (attr(&e, "numFmtId")?.and_then(|i| i.parse().ok()), attr(&e, "formatCode")?) {
                    custom.insert(id, code);
                }
            }
            Event::Start(e) if e.local_name().as_ref() == "cellXfs" => in_xfs = true,
            Event::End(e) if e.local_name().as_ref() == "cellXfs" => in_xfs = false,
            Event::Start(e) if in_xfs && e.local_name().as_ref() == "xf" => {
                let id = attr(&e, "numFmtId")?.and_then(|i| i.parse::<u32>().ok());
                let kind = id.map_or(Kind::Number, |n| custom.get(&n).map_or_else(|| kind_of_id(n), |c| kind_of_code(c)));
                let format =
                    id.map(|n| (custom.get(&n).cloned().or_else(|| builtin_code(n).map(str::to_string)).unwrap_or_else(|| "General".into()), n));
                out.push(Style { kind, format });
            }
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn cell_references_and_escapes() {
        assert_eq!(cell_ref("A1"), Some((0, 0)));
        assert_eq!(cell_ref("xfd1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_ref("A0"), None);
        assert_eq!(cell_ref("1A"), None);
        assert_eq!(cell_ref("A1B"), None);
        assert!(cell_ref("A99999999999999999999999").is_some_and(|r| r.0 > 1 << 40), "saturates, never wraps");
        assert_eq!(ooxml_unescape("a_x000D_b_x_c"), "a\rb_x_c");
        assert_eq!(ooxml_unescape("_xD83D__xDE00_ _xD800_"), "😀 \u{FFFD}");
        assert_eq!(resolve("xl", "worksheets/sheet1.xml"), "xl/worksheets/sheet1.xml");
        assert_eq!(resolve("xl", "/xl/worksheets/s.xml"), "xl/worksheets/s.xml");
        assert_eq!(resolve("xl", "../xl/a.xml"), "xl/a.xml");
    }
}

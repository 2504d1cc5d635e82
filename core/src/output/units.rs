//! The unit table's outputs (issue 23): the 汇总 workbook (`xianjiao units -o x.xlsx`, the office page's
//! 单位汇总 tab and its export) and the printable HTML (`-o x.html`). One definition for both front ends.

use crate::eval::unit_gather::{review_fields, visit_fields, FileNote};
use crate::eval::units::{UnitRow, UnitTable};
use crate::messages::{Lang, Msg};
use crate::output::{column, Cell, Format, Sheet, Workbook};
use maud::{html, PreEscaped, DOCTYPE};

/// 满意度与成效测评: each vote's respondents and rate.
pub fn vote_text(r: &UnitRow) -> String {
    r.votes.iter().map(|v| format!("{} {}人 {}%", v.name, v.total, v.rate.map_or("—".into(), |x| format!("{x}")))).collect::<Vec<_>>().join(";")
}

/// 各项: id done/due/overdue (the requirement's id, as 本单位 names the unit's own: the labels are sentences).
pub fn items_text(r: &UnitRow) -> String {
    r.items.iter().map(|(id, _, n)| format!("{id} {}/{}/{}", n.done, n.due, n.overdue)).collect::<Vec<_>>().join(";")
}

/// A status as the table words it.
/// A requirement's status (`done`, `pending`, `overdue`, `exempt`, as the checklist names it) in `lang`, from the
/// message catalogue: the unit table's words, and the office page's drill-down's (the office wasm's `statusWord`).
/// Another name is given back as it is.
pub fn status_word(lang: Lang, s: &str) -> String {
    let code = match s {
        "done" => "status.done",
        "pending" => "status.pending",
        "overdue" => "status.overdue",
        "exempt" => "status.exempt",
        other => return other.to_string(),
    };
    crate::messages::word(lang, &Msg::new(code))
}

/// 本单位: the unit's own figures against what is required.
pub fn own_text(r: &UnitRow) -> String {
    r.own
        .iter()
        .map(|o| match (o.have, o.required) {
            (h, Some(q)) => format!("{} {}/{}{}", o.id, h.unwrap_or(0.0), q, o.unit.as_deref().unwrap_or("")),
            // a count with no per-unit minimum (001's opinions collected, 条): the number, then its status
            (Some(h), None) => format!("{} {}{} {}", o.id, h, o.unit.as_deref().unwrap_or(""), status_word(Lang::Zh, &o.status)),
            _ => format!("{} {}", o.id, status_word(Lang::Zh, &o.status)),
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// 转段条件: may it apply, or what blocks it.
pub fn gate_text(r: &UnitRow) -> String {
    match r.may_apply {
        Some(true) => "可以申请转段".into(),
        Some(false) => format!("不能转段:{}", r.blocks.join(";")),
        None => r.blocks.join(";"),
    }
}

/// 百题测试: rates and the mean.
pub fn exam_text(r: &UnitRow) -> String {
    r.exam.map_or(String::new(), |(p, h, s)| format!("参考率 {p}% 回收率 {h}% 平均 {s}"))
}

fn buke_text(r: &UnitRow) -> String {
    if r.kind == "level" {
        format!("{} 个单位", r.counts.buke)
    } else if r.buke {
        "补课".into()
    } else {
        String::new()
    }
}

fn application_text(r: &UnitRow) -> String {
    r.application.clone().unwrap_or_else(|| {
        if r.kind == "level" {
            let refused = if r.counts.refused > 0 { format!(" / 不同意 {}", r.counts.refused) } else { String::new() };
            format!("已申请 {} / 已审查 {} / 已同意 {}{refused}", r.counts.applied, r.counts.reviewed, r.counts.approved)
        } else {
            String::new()
        }
    })
}

/// 督导检查: visits recorded, the latest, and problems not yet closed.
pub fn visits_text(r: &UnitRow) -> String {
    if r.counts.visits == 0 {
        return String::new();
    }
    let last = r.visits.last().map(|v| format!(",最近 {}", v.on)).unwrap_or_default();
    let open = if r.counts.open_problems > 0 { format!(";未整改 {} 项", r.counts.open_problems) } else { String::new() };
    format!("{} 次{last}{open}", r.counts.visits)
}

/// How a column's cell is written from a row.
pub type CellFn = fn(&UnitRow) -> String;

/// The 单位汇总 sheet's columns, each with its cell: who and where, then what an office decides on
/// (the gate, 补课, the 转段申请 and the 督导组's opinion), then the long lists behind them.
pub const COLUMNS: &[(&str, CellFn)] = &[
    ("单位", |r| r.name.clone()),
    ("督导组", |r| r.oversight.clone().unwrap_or_default()),
    ("批次", |r| r.batch.clone().unwrap_or_default()),
    ("阶段", |r| r.phase.clone().unwrap_or_default()),
    ("支部数", |r| r.counts.branches.to_string()),
    ("党员数", |r| r.counts.members.to_string()),
    ("转段条件", gate_text),
    ("补课", buke_text),
    ("转段申请", application_text),
    ("督导组审查意见", |r| r.review.clone().unwrap_or_default()),
    ("督导检查", visits_text),
    ("各项(完成/待办/逾期)", items_text),
    ("本单位(学时、会议)", own_text),
    ("满意度与成效测评", vote_text),
    ("回头看平均分", |r| r.lookback.map(|x| x.to_string()).unwrap_or_default()),
    ("百题测试", exam_text),
];

/// The 单位汇总 sheet's headers, in [`COLUMNS`]' order.
pub fn headers() -> impl Iterator<Item = &'static str> {
    COLUMNS.iter().map(|c| c.0)
}

/// One row's cells, in [`COLUMNS`]' order.
pub fn row_cells(r: &UnitRow) -> Vec<String> {
    COLUMNS.iter().map(|c| (c.1)(r)).collect()
}

/// The 汇总 workbook's first sheet, 单位汇总: a row per unit and the total (the office page shows it as its table).
pub fn summary_sheet(t: &UnitTable) -> Sheet {
    Sheet {
        name: "单位汇总".into(),
        columns: headers().map(|h| column(h, 8.0, Format::Text)).collect(),
        rows: t.rows.iter().chain(std::iter::once(&t.total)).map(|r| row_cells(r).into_iter().map(Cell::t).collect()).collect(),
        freeze: (1, 1),
    }
}

/// The sheet of the 汇总 workbook that the level above reads: the table as JSON in cells
/// (an Excel cell holds at most 32,767 characters), after a line with its length and checksum.
pub const DATA_SHEET: &str = "汇总数据";
const DATA_MARK: &str = "xianjiao units";
const CHUNK: usize = 30_000;

/// FNV-1a, 64 bits: a checksum that stays the same across builds.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// The table's JSON cut into cells, after the mark line; no cell starts or ends with a space (readers trim cells).
pub fn data_rows(t: &UnitTable) -> Result<Vec<String>, String> {
    let json = serde_json::to_string(t).map_err(|e| e.to_string())?;
    let mut rows = vec![format!("{DATA_MARK} 1 字节={} 校验={:016x}", json.len(), fnv(json.as_bytes()))];
    let mut rest = json.as_str();
    while !rest.is_empty() {
        let mut cut = rest.len().min(CHUNK);
        while cut < rest.len()
            && (!rest.is_char_boundary(cut) || rest[..cut].ends_with(char::is_whitespace) || rest[cut..].starts_with(char::is_whitespace))
        {
            cut -= 1;
        }
        if cut == 0 {
            return Err("汇总表中有过长的空白 / the table holds a long run of spaces".into());
        }
        rows.push(rest[..cut].to_string());
        rest = &rest[cut..];
    }
    Ok(rows)
}

/// A lower level's table from the cells of its 汇总数据 sheet (under the header), checked against the mark line.
pub fn level_from_data(cells: &[String]) -> Result<UnitTable, String> {
    let broken = |why: &str| {
        format!("下级汇总表的“{DATA_SHEET}”表已被改动或不完整({why}):请用下级导出的原文件 / the data sheet was edited or cut ({why}): use the file as exported")
    };
    let head = cells.first().map(String::as_str).unwrap_or_default();
    let Some(rest) = head.strip_prefix(DATA_MARK) else { return Err(broken("第一行不是标记 / no mark")) };
    let mut len = None;
    let mut sum = None;
    for part in rest.split_whitespace() {
        if let Some(x) = part.strip_prefix("字节=") {
            len = x.parse::<usize>().ok();
        } else if let Some(x) = part.strip_prefix("校验=") {
            sum = u64::from_str_radix(x, 16).ok();
        }
    }
    let json: String = cells.iter().skip(1).map(String::as_str).collect();
    if Some(json.len()) != len || Some(fnv(json.as_bytes())) != sum {
        return Err(broken("长度或校验不符 / length or checksum"));
    }
    serde_json::from_str(&json).map_err(|e| broken(&e.to_string()))
}

/// The 汇总 workbook (`units -o x.xlsx` and the office page's export): 单位汇总 (a row per unit and the total),
/// 下级明细 (each lower level's own rows), 文件 (what became of every input file), 汇总数据 (the table for the
/// level above, see [`data_rows`]).
pub fn workbook(t: &UnitTable, notes: &[FileNote]) -> Result<Workbook, String> {
    let cols = || headers().map(|h| column(h, 8.0, Format::Text)).collect::<Vec<_>>();
    let mut details = vec![];
    for r in &t.rows {
        for d in &r.details {
            let mut c: Vec<Cell> = row_cells(d).into_iter().map(Cell::t).collect();
            c.insert(0, Cell::t(r.name.clone()));
            details.push(c);
        }
    }
    let mut dcols = cols();
    dcols.insert(0, column("上级", 8.0, Format::Text));
    let data = Sheet {
        name: DATA_SHEET.into(),
        columns: vec![column(DATA_SHEET, 60.0, Format::Text)],
        rows: data_rows(t)?.into_iter().map(|c| vec![Cell::t(c)]).collect(),
        freeze: (1, 0),
    };
    Ok(Workbook {
        sheets: vec![
            summary_sheet(t),
            Sheet { name: "下级明细".into(), columns: dcols, rows: details, freeze: (1, 2) },
            Sheet {
                name: "文件".into(),
                columns: vec![column("文件", 30.0, Format::Text), column("状态", 6.0, Format::Text), column("原因", 30.0, Format::Text)],
                rows: notes.iter().map(|n| vec![Cell::t(n.file.clone()), Cell::t(n.state.clone()), Cell::opt(n.reason.as_deref())]).collect(),
                freeze: (1, 0),
            },
            data,
        ],
    })
}

/// The 督导组's record book's sheets: visits (督导记录) and the 转段申请 reviews (转段审查).
pub const VISIT_SHEET: &str = "督导记录";
/// See [`VISIT_SHEET`].
pub const REVIEW_SHEET: &str = "转段审查";

/// The units of a record book: every unit row of the table (a lower level's rows included), of one 督导组 when given.
fn record_units<'t>(t: &'t UnitTable, group: Option<&str>) -> Vec<&'t UnitRow> {
    let all = t.rows.iter().flat_map(|r| if r.kind == "unit" { vec![r] } else { r.details.iter().filter(|d| d.kind == "unit").collect() });
    all.filter(|r| group.is_none_or(|g| r.oversight.as_deref() == Some(g))).collect()
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "是"
    } else {
        "否"
    }
}

/// The 督导组's record book as a workbook it keeps and brings back next time (`units --record x.xlsx`): one
/// row per visit (督导记录) and one per unit's 转段申请 (转段审查), under the headers `units` reads them by,
/// so the book, with the next visits added, is an input again. `group`: only that 督导组's units.
pub fn record_workbook(t: &UnitTable, group: Option<&str>) -> Workbook {
    let head = |fields: Vec<crate::eval::columns::Field>| fields.iter().map(|f| column(f.names[0], 12.0, Format::Text)).collect::<Vec<_>>();
    let units = record_units(t, group);
    let visits = units
        .iter()
        .flat_map(|r| {
            r.visits.iter().map(move |v| {
                vec![
                    Cell::t(r.name.clone()),
                    Cell::opt(v.by.as_deref().or(r.oversight.as_deref())),
                    Cell::t(v.on.clone()),
                    Cell::opt(v.checked.as_deref()),
                    Cell::opt(v.problems.as_deref()),
                    Cell::opt(v.follow_up.as_deref()),
                    Cell::opt(v.closed_on.as_deref()),
                ]
            })
        })
        .collect();
    let reviews = units
        .iter()
        .filter_map(|r| {
            let rec = r.record.as_ref()?;
            Some(vec![
                Cell::t(r.name.clone()),
                Cell::opt(r.oversight.as_deref()),
                Cell::opt(rec.phase.as_deref().or(r.phase.as_deref())),
                Cell::opt(rec.applied.map(yes_no)),
                Cell::opt(rec.review.as_deref()),
                Cell::opt(rec.reviewed_on.as_deref()),
                Cell::t(if !rec.approved && rec.refused.is_some() { "不同意" } else { yes_no(rec.approved) }),
                Cell::opt(rec.refused.as_deref()),
            ])
        })
        .collect();
    Workbook {
        sheets: vec![
            Sheet { name: VISIT_SHEET.into(), columns: head(visit_fields()), rows: visits, freeze: (1, 1) },
            Sheet { name: REVIEW_SHEET.into(), columns: head(review_fields()), rows: reviews, freeze: (1, 1) },
        ],
    }
}

/// The 督导组's record book printed (`units --record x.html`): per 督导组 (each on a new page), per unit its phase, its
/// 转段申请 and the 审查意见, then its visits, with ruled rows for the next ones. A4 portrait; maud escapes every value.
pub fn record_html(t: &UnitTable, group: Option<&str>) -> String {
    let units = record_units(t, group);
    let mut groups: Vec<&str> = units.iter().map(|r| r.oversight.as_deref().unwrap_or("未分督导组")).collect();
    groups.sort_unstable();
    groups.dedup();
    let css = "body{font:13px sans-serif;margin:0 1em}h1{font-size:18px;text-align:center;margin:.5em 0}h2{font-size:15px;margin:1em 0 .3em}\
        section.group{break-before:page}section.group:first-of-type{break-before:auto}div.unit{break-inside:avoid}\
        table{border-collapse:collapse;width:100%}td,th{border:1px solid #333;padding:4px 5px;vertical-align:top;text-align:left}\
        th{background:#f3f4f6;font-weight:normal}tr.blank td{height:3.2em}p.meta{margin:.2em 0}td.open{font-weight:bold}\
        table{table-layout:fixed}col.d{width:15%}col.w{width:26%}col.c{width:18%}@page{size:A4;margin:15mm}";
    let headers: Vec<&str> = visit_fields().iter().skip(2).map(|f| f.names[0]).collect();
    html! {
        (DOCTYPE)
        meta charset="utf-8";
        meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'";
        title { (t.level) " 督导记录" }
        style { (PreEscaped(css)) }
        @for g in &groups {
            section.group {
                h1 { (t.level) " " (g) " 督导记录" }
                @for r in units.iter().filter(|r| r.oversight.as_deref().unwrap_or("未分督导组") == *g) {
                    div.unit {
                        h2 { (r.name) }
                        p.meta {
                            "阶段:" (r.phase.as_deref().unwrap_or("—"))
                            " · 转段申请:" (r.application.as_deref().unwrap_or("—"))
                            " · 转段条件:" (gate_text(r))
                        }
                        p.meta { "督导组审查意见:" (r.review.as_deref().unwrap_or("")) }
                        table {
                            colgroup { col.d; col.c; col.w; col.w; col.d; }
                            tr { @for h in &headers { th { (h) } } }
                            @for v in &r.visits {
                                tr {
                                    td { (v.on) }
                                    td { (v.checked.as_deref().unwrap_or("")) }
                                    td { (v.problems.as_deref().unwrap_or("")) }
                                    td { (v.follow_up.as_deref().unwrap_or("")) }
                                    @if v.open() { td.open { "未整改" } } @else { td { (v.closed_on.as_deref().unwrap_or("")) } }
                                }
                            }
                            @for _ in 0..2 { tr.blank { @for _ in &headers { td {} } } }
                        }
                    }
                }
            }
        }
    }
    .into_string()
}

/// The table as one printable HTML document (`units -o x.html`), A4 landscape; maud escapes every value.
pub fn html(t: &UnitTable) -> String {
    // Who and where on one line; the long lists (各项, 本单位) and the gate, application, opinion and visits wide
    // enough to read in print: each column's class from its header.
    let css = "body{font:12px sans-serif}table{border-collapse:collapse}td,th{border:1px solid #999;padding:3px 5px;vertical-align:top}\
        th{font-size:11px}td.short{white-space:nowrap}td.long{min-width:15em}td.mid{min-width:7em}tr.total{font-weight:bold}@page{size:A4 landscape}";
    let class = |h: &str| match h {
        "各项(完成/待办/逾期)" | "本单位(学时、会议)" => "long",
        "转段条件" | "转段申请" | "督导组审查意见" | "督导检查" | "满意度与成效测评" => "mid",
        _ => "short",
    };
    let classes: Vec<&str> = headers().map(class).collect();
    html! {
        (DOCTYPE)
        meta charset="utf-8";
        meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'";
        title { "单位汇总" }
        style { (PreEscaped(css)) }
        h1 { (t.level) " 单位汇总" }
        table {
            tr { @for h in headers() { th { (h) } } }
            @for r in &t.rows { tr { @for (c, k) in row_cells(r).iter().zip(&classes) { td class=(k) { (c) } } } }
            tr.total { @for (c, k) in row_cells(&t.total).iter().zip(&classes) { td class=(k) { (c) } } }
        }
    }
    .into_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn table() -> UnitTable {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/golden-units/district/甲镇.json");
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    }

    #[test]
    fn the_data_sheet_reads_back_and_refuses_an_edit() {
        let t = table();
        let rows = data_rows(&t).unwrap();
        assert!(rows.iter().skip(1).all(|c| c.len() <= CHUNK && c.trim() == c));
        let back = level_from_data(&rows).unwrap();
        assert_eq!(serde_json::to_value(&back).unwrap(), serde_json::to_value(&t).unwrap());
        let mut edited = rows;
        edited[1] = edited[1].replacen("甲局", "丁局", 1);
        assert!(level_from_data(&edited).unwrap_err().contains("已被改动"));
    }

    #[test]
    fn long_tables_are_cut_off_spaces() {
        let mut t = table();
        t.level = format!("{}镇", "很长 的名字 ".repeat(6000));
        let rows = data_rows(&t).unwrap();
        assert!(rows.len() > 3);
        assert!(rows.iter().skip(1).all(|c| c.len() <= CHUNK && c.trim() == c));
        assert_eq!(rows[1..].concat(), serde_json::to_string(&t).unwrap());
    }
}

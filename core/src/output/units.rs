//! The unit table's outputs (issue 23): the 汇总 workbook (`xianjiao units -o x.xlsx`, the office page's
//! 单位汇总 tab and its export) and the printable HTML (`-o x.html`). One definition for both front ends.

use crate::eval::unit_gather::FileNote;
use crate::eval::units::{UnitRow, UnitTable};
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
fn status_zh(s: &str) -> &str {
    match s {
        "done" => "已完成",
        "pending" => "待办",
        "overdue" => "已逾期",
        "exempt" => "免做",
        other => other,
    }
}

/// 本单位: the unit's own figures against what is required.
pub fn own_text(r: &UnitRow) -> String {
    r.own
        .iter()
        .map(|o| match (o.have, o.required) {
            (h, Some(q)) => format!("{} {}/{}{}", o.id, h.unwrap_or(0.0), q, o.unit.as_deref().unwrap_or("")),
            _ => format!("{} {}", o.id, status_zh(&o.status)),
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
            format!("已申请 {} / 已审查 {} / 已同意 {}", r.counts.applied, r.counts.reviewed, r.counts.approved)
        } else {
            String::new()
        }
    })
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
    let rows = |rs: &mut dyn Iterator<Item = &UnitRow>| rs.map(|r| row_cells(r).into_iter().map(Cell::t).collect()).collect::<Vec<Vec<Cell>>>();
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
            Sheet { name: "单位汇总".into(), columns: cols(), rows: rows(&mut t.rows.iter().chain(std::iter::once(&t.total))), freeze: (1, 1) },
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

/// The table as one printable HTML document (`units -o x.html`), A4 landscape; maud escapes every value.
pub fn html(t: &UnitTable) -> String {
    // Who and where on one line; the long lists (各项, 本单位) and the gate and application wide enough to read in print.
    let css = "body{font:12px sans-serif}table{border-collapse:collapse}td,th{border:1px solid #999;padding:3px 5px;vertical-align:top}td:nth-child(-n+6){white-space:nowrap}th{font-size:11px}td:nth-child(11),td:nth-child(12){min-width:15em}td:nth-child(7),td:nth-child(9),td:nth-child(10){min-width:7em}tr.total{font-weight:bold}@page{size:A4 landscape}";
    html! {
        (DOCTYPE)
        meta charset="utf-8";
        meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'";
        title { "单位汇总" }
        style { (PreEscaped(css)) }
        h1 { (t.level) " 单位汇总" }
        table {
            tr { @for h in headers() { th { (h) } } }
            @for r in &t.rows { tr { @for c in row_cells(r) { td { (c) } } } }
            tr.total { @for c in row_cells(&t.total) { td { (c) } } }
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

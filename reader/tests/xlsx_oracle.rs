//! The reader's own XLSX parser against calamine's (the parser it replaced, kept for XLSB,
//! XLS and ODS): every cell of every sheet of every XLSX in the repository's tests, and of
//! workbooks written here with dates, times, percents, rich and inline strings, must read the
//! same text in both.
#![allow(clippy::unwrap_used)]

use calamine::Reader;
use std::path::{Path, PathBuf};

fn by_calamine(path: &Path) -> Vec<xianjiao_reader::SheetCells> {
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let names = wb.sheet_names();
    names
        .into_iter()
        .map(|n| {
            let range = wb.worksheet_range(&n).unwrap();
            let (r0, c0) = range.start().unwrap_or((0, 0));
            let rows = range
                .rows()
                .enumerate()
                .filter_map(|(i, row)| {
                    let cells: Vec<(usize, String)> =
                        row.iter().enumerate().map(|(j, c)| (c0 as usize + j, c.to_string())).filter(|c| !c.1.is_empty()).collect();
                    (!cells.is_empty()).then(|| (r0 as usize + i + 1, cells))
                })
                .collect();
            (n, rows)
        })
        .collect()
}

fn xlsx_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            xlsx_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "xlsx") {
            out.push(p);
        }
    }
}

fn written() -> PathBuf {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("测评").unwrap();
    ws.write_string(0, 0, "姓名").unwrap();
    ws.write_string(0, 1, "  前后空格  ").unwrap();
    ws.write_string(0, 2, "换行\r\n_x000D_ 与 <&>").unwrap();
    ws.write_number(1, 0, 9.5).unwrap();
    ws.write_number(1, 1, 0.95).unwrap();
    ws.write_number_with_format(1, 2, 0.95, &Format::new().set_num_format("0.0%")).unwrap();
    ws.write_number_with_format(1, 3, 46_270.395_833_333_336, &Format::new().set_num_format("yyyy-mm-dd hh:mm")).unwrap();
    ws.write_number_with_format(1, 4, 46_270.0, &Format::new().set_num_format(r#"m"月"d"日""#)).unwrap();
    ws.write_number_with_format(1, 5, 1.25, &Format::new().set_num_format("[h]:mm:ss")).unwrap();
    ws.write_number_with_format(1, 6, 0.375, &Format::new().set_num_format("h:mm")).unwrap();
    ws.write_number_with_format(1, 7, 12.5, &Format::new().set_num_format("¥#,##0.00")).unwrap();
    ws.write_boolean(2, 0, true).unwrap();
    ws.write_formula(2, 1, "=1/0").unwrap();
    ws.write_rich_string(2, 2, &[(&Format::new().set_bold(), "张"), (&Format::default(), "伟")]).unwrap();
    ws.write_number(30, 40, 7.0).unwrap();
    let h = wb.add_worksheet().set_name("隐藏").unwrap();
    h.write_string(0, 0, "x").unwrap();
    h.set_hidden(true);
    let p = std::env::temp_dir().join(format!("xianjiao-oracle-{}.xlsx", std::process::id()));
    wb.save(&p).unwrap();
    p
}

#[test]
fn every_xlsx_reads_as_calamine_reads_it() {
    let mut files = vec![written()];
    xlsx_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests"), &mut files);
    assert!(files.len() >= 3, "{files:?}");
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let ours = xianjiao_reader::workbook_cells("x.xlsx", &bytes).unwrap();
        assert_eq!(ours, by_calamine(f), "{}", f.display());
    }
}

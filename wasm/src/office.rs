//! Exports only the office workbench needs (`www/office.html`, `<xianjiao-office>`),
//! built into a separate wasm (`--features office`, see `x` build_office) so the
//! member widget's download does not grow. The XLSX writers (rust_xlsxwriter) are
//! in a fourth wasm (`office_export.rs`), loaded when an export is clicked.
//!
//! Spreadsheets are read by the CLI's own reader (`xianjiao-reader`: encodings,
//! CSV records with their lines, header search, workbooks with their caps,
//! copies and name clashes) from the dropped files' bytes, so a sheet gives the
//! page exactly the CLI's `score --json`.

use super::{err, eval_err, results, Engine};
use wasm_bindgen::prelude::*;

/// Reads and scores the dropped files, as the CLI's `score --json` does: `names` are the files'
/// names, `lens` their sizes and `bytes` their contents one after another. Returns
/// `{report, sources, notes}` (JSON): `report` is the CLI's JSON (rejected rows with their
/// `file` when several sources were read, `sheets` when there is something to say about them),
/// `sources` every file and sheet read or skipped, `notes` what the CLI prints on stderr. A file
/// that cannot be read, the same data twice or one name in two places throws the CLI's message.
#[wasm_bindgen(js_name = readSheets)]
pub fn read_sheets(engine: &Engine, names: Vec<String>, lens: &[u32], bytes: &[u8], form: Option<String>) -> Result<String, JsValue> {
    let rs = engine.usable()?;
    let mut sc = rs.scorer(form.as_deref().filter(|f| !f.is_empty())).map_err(eval_err)?;
    if names.len() != lens.len() || lens.iter().map(|&n| n as usize).sum::<usize>() != bytes.len() {
        return Err(err("input.invalid", "readSheets: names, lens and bytes do not match"));
    }
    let mut files: Vec<(&str, &[u8])> = Vec::with_capacity(names.len());
    let mut at = 0;
    for (name, &n) in names.iter().zip(lens) {
        files.push((name.as_str(), &bytes[at..at + n as usize]));
        at += n as usize;
    }
    let (inputs, notes) = xianjiao_reader::read_all_bytes(&files, xianjiao_reader::Target::Score(&mut sc)).map_err(|e| err("sheet.read", &e))?;
    let mut report = sc.finish().map_err(eval_err)?;
    let origin: Vec<Option<String>> = report.rejected.iter_mut().map(|r| inputs.relocate(r)).collect();
    let report = xianjiao_reader::with_sources(&report, &origin, &inputs);
    serde_json::to_string(&serde_json::json!({ "report": report, "sources": inputs.sources, "notes": notes }))
        .map_err(|e| err("js.serialize", &e.to_string()))
}

/// Every sheet of a workbook (`name` gives its format by the extension) as the reader sees its
/// cells: `{sheet: [[line, [column, text], …], …]}` (JSON). The page reads its exports back with it.
#[wasm_bindgen(js_name = sheetCells)]
pub fn sheet_cells(name: &str, bytes: &[u8]) -> Result<String, JsValue> {
    let sheets = xianjiao_reader::workbook_cells(name, bytes).map_err(|e| err("sheet.read", &e))?;
    let mut out = serde_json::Map::new();
    for (sheet, rows) in sheets {
        let rows: Vec<serde_json::Value> = rows
            .into_iter()
            .map(|(line, cells)| {
                let mut r = vec![serde_json::Value::from(line)];
                r.extend(cells.into_iter().map(|(c, t)| serde_json::json!([c, t])));
                serde_json::Value::Array(r)
            })
            .collect();
        out.insert(sheet, serde_json::Value::Array(rows));
    }
    Ok(serde_json::Value::Object(out).to_string())
}

/// The results workbook's definition (JSON: sheets, columns with header, width,
/// format, rows of cells): what the page shows in its table.
#[wasm_bindgen(js_name = resultsWorkbook)]
pub fn results_workbook(engine: &Engine, input: &str, lang: Option<String>) -> Result<String, JsValue> {
    serde_json::to_string(&results(engine, input, lang)?).map_err(|e| err("js.serialize", &e.to_string()))
}

/// The results' first sheet as CSV text with a BOM: the CLI's `score -o x.csv`.
#[wasm_bindgen(js_name = resultsCsv)]
pub fn results_csv(engine: &Engine, input: &str, lang: Option<String>) -> Result<String, JsValue> {
    Ok(results(engine, input, lang)?.sheets.first().map(xianjiao_core::output::csv_text).unwrap_or_default())
}

/// The blank forms (附件3 per 测评层次 × `copies`, 附件4 per member, 附件5, 附件6) as one
/// printable HTML document; `roster` is `[{name, post?}]` (JSON) in roster order.
#[wasm_bindgen(js_name = blankForms)]
pub fn blank_forms(engine: &Engine, roster: &str, copies: u32) -> Result<String, JsValue> {
    let rs = engine.usable()?;
    let roster = serde_json::from_str(roster).map_err(|e| err("input.invalid", &e.to_string()))?;
    let req = xianjiao_core::output::forms::FormsRequest { roster, copies: copies as usize, phase: None };
    xianjiao_core::output::forms::blank_forms(rs, &req).map_err(|e| err("output.forms", &e))
}

/// The filled 评议意见表 (附件4), one per member in roster order, as one printable HTML
/// document: `input` as for [`results_workbook`], `roster` `[{name, post?}]` (JSON, may be
/// empty: the sheets' order, 职务 blank). The CLI's `report` prints the same pages.
#[wasm_bindgen(js_name = opinionForms)]
pub fn opinion_forms(engine: &Engine, input: &str, roster: &str) -> Result<String, JsValue> {
    let rs = engine.usable()?;
    let x: xianjiao_core::output::results::ResultsInput = serde_json::from_str(input).map_err(|e| err("input.invalid", &e.to_string()))?;
    let roster: Vec<xianjiao_core::output::forms::RosterEntry> =
        if roster.trim().is_empty() { vec![] } else { serde_json::from_str(roster).map_err(|e| err("input.invalid", &e.to_string()))? };
    Ok(xianjiao_core::output::forms::opinion_forms(rs, &x, &roster, None))
}

//! The office workbench's XLSX exports (`--features office-export`, see `x`
//! build_office): the results workbook and the entry workbook written by
//! rust_xlsxwriter, the CLI's writer. A wasm of their own, loaded by the page only
//! when one of them is clicked, so reading and scoring (the office wasm) stay
//! within the page's size budget.

use super::{err, results, Engine};
use wasm_bindgen::prelude::*;

/// The results workbook as XLSX bytes: the CLI's `score -o x.xlsx`, by the same writer.
#[wasm_bindgen(js_name = resultsXlsx)]
pub fn results_xlsx(engine: &Engine, input: &str, lang: Option<String>) -> Result<Vec<u8>, JsValue> {
    xianjiao_core::output::xlsx::to_xlsx(&results(engine, input, lang)?).map_err(|e| err("output.xlsx", &e))
}

/// The entry workbook (XLSX) for a roster `[{name, post?}]`: the CLI's `forms -o x.xlsx`.
#[wasm_bindgen(js_name = entryWorkbook)]
pub fn entry_workbook(engine: &Engine, roster: &str) -> Result<Vec<u8>, JsValue> {
    let rs = engine.usable()?;
    let roster: Vec<xianjiao_core::output::forms::RosterEntry> = serde_json::from_str(roster).map_err(|e| err("input.invalid", &e.to_string()))?;
    xianjiao_core::output::entry::entry_workbook(rs, &roster, &[]).map_err(|e| err("output.xlsx", &e))
}

/// Any workbook core defined, given as its JSON definition (the `workbook` of `UnitsDesk.table`: the 汇总
/// workbook of `units -o x.xlsx`), as XLSX bytes by the CLI's writer.
#[wasm_bindgen(js_name = workbookXlsx)]
pub fn workbook_xlsx(definition: &str) -> Result<Vec<u8>, JsValue> {
    let wb: xianjiao_core::output::Workbook = serde_json::from_str(definition).map_err(|e| err("input.invalid", &e.to_string()))?;
    xianjiao_core::output::xlsx::to_xlsx(&wb).map_err(|e| err("output.xlsx", &e))
}

//! Exports only the office workbench needs (`www/office.html`, `<xianjiao-office>`),
//! built into a separate wasm (`--features office`, see `x` build_office) so the
//! member widget's download does not grow.
//!
//! Spreadsheets are read in JavaScript (wasm/js/office-io.js: encodings, CSV
//! records with their lines, header search, XLSX cells) and handed over as one
//! packed string, which is far faster than an array of objects (50,000 sheets:
//! ~4 s through `Engine.score`, a few hundred ms here).

use super::{err, eval_err, Engine};
use std::borrow::Cow;
use wasm_bindgen::prelude::*;

/// One packed field: `\x1b0` is an absent cell; `\x1b1`, `\x1b2`, `\x1b3` stand for
/// `\x1b`, `\x1e`, `\x1f` inside a value.
fn field(s: &str) -> Option<Cow<'_, str>> {
    if !s.contains('\u{1b}') {
        return Some(Cow::Borrowed(s));
    }
    if s == "\u{1b}0" {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('1') => out.push('\u{1b}'),
            Some('2') => out.push('\u{1e}'),
            Some('3') => out.push('\u{1f}'),
            _ => {}
        }
    }
    Some(Cow::Owned(out))
}

/// Scores packed rows and returns the report as JSON text (the CLI's `--json`).
/// Rows are separated by `\x1e`, fields by `\x1f`. A row is either
/// `r, member, rater_group, <one field per item in the form's order>` or
/// `x, reason` (a row the reader could not read); `lines[i]` is row i's line.
#[wasm_bindgen(js_name = scorePacked)]
pub fn score_packed(engine: &Engine, packed: &str, lines: &[u32], form: Option<String>) -> Result<String, JsValue> {
    let rs = engine.usable()?;
    let mut sc = rs.scorer(form.as_deref().filter(|f| !f.is_empty())).map_err(eval_err)?;
    let n = sc.item_names().count();
    let mut vals: Vec<Option<Cow<'_, str>>> = Vec::with_capacity(n);
    for (i, row) in packed.split('\u{1e}').enumerate() {
        if row.is_empty() {
            continue;
        }
        let line = lines.get(i).copied().unwrap_or(0) as usize;
        let mut f = row.split('\u{1f}');
        if f.next() == Some("x") {
            let reason = f.next().and_then(field).map(Cow::into_owned).unwrap_or_default();
            sc.reject(line, None, reason);
            continue;
        }
        let member = f.next().and_then(field);
        let group = f.next().and_then(field);
        vals.clear();
        for _ in 0..n {
            vals.push(f.next().and_then(field));
        }
        let refs: Vec<Option<&str>> = vals.iter().map(|v| v.as_deref()).collect();
        sc.add(line, member.as_deref().unwrap_or(""), group.as_deref().unwrap_or(""), &refs);
    }
    let report = sc.finish().map_err(eval_err)?;
    serde_json::to_string(&report).map_err(|e| err("js.serialize", &e.to_string()))
}

/// The form a scorer would use (`form`: a name, or empty for the default):
/// `{form, items: [[name, points]], groups: [name], need_group}` — what a header must name.
#[wasm_bindgen(js_name = formColumns)]
pub fn form_columns(engine: &Engine, form: Option<String>) -> Result<String, JsValue> {
    let rs = engine.usable()?;
    let sc = rs.scorer(form.as_deref().filter(|f| !f.is_empty())).map_err(eval_err)?;
    let items: Vec<&str> = sc.item_names().collect();
    serde_json::to_string(&serde_json::json!({ "items": items, "need_group": sc.has_groups() })).map_err(|e| err("js.serialize", &e.to_string()))
}

/// The header matching of the CLI and the npm engine (core's `Want::header`) for one
/// candidate header row of a sheet: `cells` is `[[col, text], …]`. Returns
/// `{member, group, cols}` (JSON) when the row is the form's header, `null` when
/// it names no member column; throws the reason when it cannot be used.
#[wasm_bindgen(js_name = locateSheetHeader)]
pub fn locate_sheet_header(engine: &Engine, cells: &str, form: Option<String>) -> Result<String, JsValue> {
    let rs = engine.usable()?;
    let sc = rs.scorer(form.as_deref().filter(|f| !f.is_empty())).map_err(eval_err)?;
    let cells: Vec<(usize, String)> = serde_json::from_str(cells).map_err(|e| err("input.invalid", &e.to_string()))?;
    let want = xianjiao_core::Want::Sheets { items: sc.item_names().map(str::to_string).collect(), need_group: sc.has_groups(), group_from: None };
    match want.header(&xianjiao_core::Cells(cells), &|h| sc.item_index(h)) {
        Ok(Some(f)) => Ok(serde_json::json!({ "member": f.member, "group": f.group, "cols": f.cols }).to_string()),
        Ok(None) => Ok("null".into()),
        Err(why) => Err(err("sheet.header", &why)),
    }
}

/// What a form's header must name, worded as the CLI words it (no header found).
#[wasm_bindgen(js_name = expectedSheetHeader)]
pub fn expected_sheet_header(engine: &Engine, form: Option<String>) -> Result<String, JsValue> {
    let rs = engine.usable()?;
    let sc = rs.scorer(form.as_deref().filter(|f| !f.is_empty())).map_err(eval_err)?;
    Ok(xianjiao_core::Want::Sheets { items: sc.item_names().map(str::to_string).collect(), need_group: sc.has_groups(), group_from: None }.expected())
}

/// The results `{report, problems, satisfaction?, unmatched_satisfaction?}` (JSON)
/// as core's one results workbook (`output::results`) in the language `lang`.
fn results(engine: &Engine, input: &str, lang: Option<String>) -> Result<xianjiao_core::output::Workbook, JsValue> {
    let rs = engine.usable()?;
    let x: xianjiao_core::output::results::ResultsInput = serde_json::from_str(input).map_err(|e| err("input.invalid", &e.to_string()))?;
    Ok(xianjiao_core::output::results::results(rs, &x, xianjiao_core::Lang::parse(lang.as_deref().unwrap_or("zh"))))
}

/// The results workbook's definition (JSON: sheets, columns with header, width,
/// format, rows of cells): what the page shows in its table.
#[wasm_bindgen(js_name = resultsWorkbook)]
pub fn results_workbook(engine: &Engine, input: &str, lang: Option<String>) -> Result<String, JsValue> {
    serde_json::to_string(&results(engine, input, lang)?).map_err(|e| err("js.serialize", &e.to_string()))
}

/// The results workbook as XLSX bytes: the CLI's `score -o x.xlsx`, by the same writer.
#[wasm_bindgen(js_name = resultsXlsx)]
pub fn results_xlsx(engine: &Engine, input: &str, lang: Option<String>) -> Result<Vec<u8>, JsValue> {
    xianjiao_core::output::xlsx::to_xlsx(&results(engine, input, lang)?).map_err(|e| err("output.xlsx", &e))
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

/// The entry workbook (XLSX) for a roster `[{name, post?}]`: the CLI's `forms -o x.xlsx`.
#[wasm_bindgen(js_name = entryWorkbook)]
pub fn entry_workbook(engine: &Engine, roster: &str) -> Result<Vec<u8>, JsValue> {
    let rs = engine.usable()?;
    let roster: Vec<xianjiao_core::output::forms::RosterEntry> = serde_json::from_str(roster).map_err(|e| err("input.invalid", &e.to_string()))?;
    xianjiao_core::output::entry::entry_workbook(rs, &roster, &[]).map_err(|e| err("output.xlsx", &e))
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

/// The draft 转段申请 of one unit (core's `output::report::application`, the template `xianjiao report`
/// prints) as one printable HTML document: `input` as for [`results_workbook`] (the members are counted
/// from it), `unit` the unit's name, `to` the addressees separated by commas or 、 (empty: the rules'
/// `application` for the phase, else 先教办 and 督导组; a 督导组 reviews, the others approve).
#[wasm_bindgen(js_name = transferApplication)]
pub fn transfer_application(engine: &Engine, input: &str, unit: &str, to: &str, lang: Option<String>) -> Result<String, JsValue> {
    let rs = engine.usable()?;
    let x: xianjiao_core::output::results::ResultsInput = serde_json::from_str(input).map_err(|e| err("input.invalid", &e.to_string()))?;
    let to: Vec<String> = to.split([',', ',', '、']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect();
    let lang = xianjiao_core::Lang::parse(lang.as_deref().unwrap_or("zh"));
    Ok(xianjiao_core::output::report::results_application(rs, &x, unit, &to, None, lang))
}

/// The 单位汇总 desk (issue 23): the files a 先教办 or 督导组 drops, gathered by core's
/// [`xianjiao_core::UnitGather`] exactly as `xianjiao units` gathers them (read / refused
/// with the reason / duplicate), then core's unit table, its drill-down and its exports.
/// The page hands over each file's bytes; a roster (CSV/XLSX) comes as the rows its
/// spreadsheet reader found, `[[line, [[col, text], …]], …]`, and core finds the header.
#[wasm_bindgen(js_name = UnitsDesk)]
#[derive(Default)]
pub struct UnitsDesk {
    gather: xianjiao_core::UnitGather,
    got: Option<xianjiao_core::Gathered>,
}

#[wasm_bindgen(js_class = UnitsDesk)]
impl UnitsDesk {
    /// No file yet.
    #[wasm_bindgen(constructor)]
    pub fn new() -> UnitsDesk {
        UnitsDesk::default()
    }

    /// What the file's name says it is: `json`, `roster`; throws the reason a file is refused.
    #[wasm_bindgen(js_name = fileKind)]
    pub fn file_kind(name: &str) -> Result<String, JsValue> {
        xianjiao_core::file_kind(name).map(str::to_string).map_err(|e| err("units.file", &e))
    }

    /// Whether these bytes were read before (then the file is noted 重复 and must not be added).
    pub fn duplicate(&mut self, name: &str, bytes: &[u8]) -> bool {
        self.gather.duplicate(name, bytes)
    }

    /// A JSON file: unit records, or a lower level's 汇总.
    pub fn json(&mut self, name: &str, bytes: &[u8]) {
        self.gather.json(name, bytes);
    }

    /// A roster's rows (see the struct), read by core's header matching and progress cells.
    pub fn roster(&mut self, name: &str, rows: &str) {
        /// `[[line, [[col, text], …]], …]`.
        type Rows = Vec<(usize, Vec<(usize, String)>)>;
        let rows: Result<Rows, String> = serde_json::from_str(rows).map_err(|e| e.to_string());
        let members = rows.and_then(|r| xianjiao_core::roster_rows(&r.into_iter().map(|(l, c)| (l, xianjiao_core::Cells(c))).collect::<Vec<_>>()));
        self.gather.roster(name, members);
    }

    /// A file that could not be read, with the reason.
    pub fn refuse(&mut self, name: &str, reason: &str) {
        self.gather.refuse(name, reason.to_string());
    }

    fn gathered(&mut self) -> &xianjiao_core::Gathered {
        self.got.get_or_insert_with(|| std::mem::take(&mut self.gather).finish())
    }

    /// The table (after the last file): `{files, table, keep: [{overdue, buke, not_applied}], workbook}` (JSON) —
    /// `files` and `table` as `xianjiao units --json` prints them; `keep` says per row which of the CLI's
    /// filters (`--overdue`, `--buke`, `--not-applied`) keep it; `workbook` is the 汇总 workbook's definition
    /// (`-o x.xlsx`). `on`: `YYYY-MM-DD` or empty; `oversight`: `督导组,单位` lines or empty.
    pub fn table(&mut self, engine: &Engine, level: &str, on: &str, oversight: &str) -> Result<String, JsValue> {
        let (t, files) = self.build(engine, level, on, oversight)?;
        let flag = |f: xianjiao_core::UnitFilter| t.rows.iter().map(|r| f.keeps(r)).collect::<Vec<_>>();
        let (o, b, n) = (
            flag(xianjiao_core::UnitFilter { overdue: true, ..Default::default() }),
            flag(xianjiao_core::UnitFilter { buke: true, ..Default::default() }),
            flag(xianjiao_core::UnitFilter { not_applied: true, ..Default::default() }),
        );
        let keep: Vec<_> = (0..t.rows.len()).map(|i| serde_json::json!({ "overdue": o[i], "buke": b[i], "not_applied": n[i] })).collect();
        let wb = xianjiao_core::output::units::workbook(&t, &files).map_err(|e| err("output.xlsx", &e))?;
        serde_json::to_string(&serde_json::json!({ "files": files, "table": t, "keep": keep, "workbook": wb }))
            .map_err(|e| err("js.serialize", &e.to_string()))
    }

    fn build(
        &mut self,
        engine: &Engine,
        level: &str,
        on: &str,
        oversight: &str,
    ) -> Result<(xianjiao_core::UnitTable, Vec<xianjiao_core::FileNote>), JsValue> {
        let rs = engine.usable()?;
        let on = Some(on.trim()).filter(|d| !d.is_empty()).map(xianjiao_core::parse_day).transpose().map_err(eval_err)?;
        let mut ov = xianjiao_core::oversight_list(oversight).map_err(|e| err("units.oversight", &format!("督导组名单 / oversight list: {e}")))?;
        let g = self.gathered();
        g.fill_oversight(&mut ov);
        Ok((rs.unit_table(level, &g.inputs, on, &ov), g.notes.clone()))
    }

    /// A unit's members (the `index`-th input, as the table's row of the same index) and the status
    /// of each requirement on the day: `[{name, role, items: [[id, status]], error}]` (JSON).
    pub fn members(&mut self, engine: &Engine, index: usize, on: &str) -> Result<String, JsValue> {
        let rs = engine.usable()?;
        let on = Some(on.trim()).filter(|d| !d.is_empty()).map(xianjiao_core::parse_day).transpose().map_err(eval_err)?;
        let g = self.gathered();
        let lines = match (g.inputs.get(index), g.names.get(index)) {
            (Some(xianjiao_core::UnitInput::Unit(u)), Some(names)) => rs.unit_members(u, names, on),
            _ => vec![],
        };
        serde_json::to_string(&lines).map_err(|e| err("js.serialize", &e.to_string()))
    }

    /// The 汇总 workbook as XLSX bytes: the CLI's `units -o x.xlsx`, by the same definition and writer.
    pub fn xlsx(&mut self, engine: &Engine, level: &str, on: &str, oversight: &str) -> Result<Vec<u8>, JsValue> {
        let (t, files) = self.build(engine, level, on, oversight)?;
        xianjiao_core::output::units::workbook(&t, &files).and_then(|w| xianjiao_core::output::xlsx::to_xlsx(&w)).map_err(|e| err("output.xlsx", &e))
    }

    /// The table as JSON, the CLI's `units -o x.json`: what the level above drops to roll it up.
    #[wasm_bindgen(js_name = tableJson)]
    pub fn table_json(&mut self, engine: &Engine, level: &str, on: &str, oversight: &str) -> Result<String, JsValue> {
        let (t, _) = self.build(engine, level, on, oversight)?;
        serde_json::to_string_pretty(&t).map_err(|e| err("js.serialize", &e.to_string()))
    }

    /// The printable HTML, the CLI's `units -o x.html`.
    pub fn html(&mut self, engine: &Engine, level: &str, on: &str, oversight: &str) -> Result<String, JsValue> {
        let (t, _) = self.build(engine, level, on, oversight)?;
        Ok(xianjiao_core::output::units::html(&t))
    }
}

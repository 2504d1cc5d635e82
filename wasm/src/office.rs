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

/// Before the reader reads anything: the browser's own GB18030 decoder (`TextDecoder`, the
/// WHATWG standard encoding_rs implements natively; its tables would weigh 125 KB gzip here),
/// and, in the office page's first download (without calamine), the error that makes the page
/// load the full office wasm for an XLSB, XLS or ODS (`engine.needs_full`, office-engine.js).
fn reading<'n>(mut names: impl Iterator<Item = &'n str>) -> Result<(), JsValue> {
    xianjiao_reader::set_gb18030(|b| {
        thread_local! {
            static GB: Option<web_sys::TextDecoder> = {
                let o = web_sys::TextDecoderOptions::new();
                o.set_fatal(true);
                web_sys::TextDecoder::new_with_label_and_options("gb18030", &o).ok()
            };
        }
        GB.with(|d| d.as_ref()?.decode_with_u8_array(b).ok())
    });
    if !names.all(xianjiao_reader::can_read) {
        return Err(err("engine.needs_full", xianjiao_reader::NEEDS_LEGACY));
    }
    Ok(())
}

/// Reads and scores the dropped files, as the CLI's `score --json` does: `names` are the files'
/// names, `lens` their sizes and `bytes` their contents one after another. Returns
/// `{report, sources, notes}` (JSON): `report` is the CLI's JSON (rejected rows with their
/// `file` when several sources were read, `sheets` when there is something to say about them),
/// `sources` every file and sheet read or skipped, `notes` what the CLI prints on stderr. A file
/// that cannot be read, the same data twice or one name in two places throws the CLI's message.
/// `roster`/`roster_bytes`: the roster with progress, as the CLI's `--profiles` (read by the reader's
/// `profiles`, each member's checklist handed to the scorer); the result then carries `roster` (the lines of
/// the results workbook's sheet 花名册与进度) and `roster_problems` (its rows not used, after the sheets').
#[wasm_bindgen(js_name = readSheets)]
pub fn read_sheets(
    engine: &Engine,
    names: Vec<String>,
    lens: &[u32],
    bytes: &[u8],
    form: Option<String>,
    roster: Option<String>,
    roster_bytes: Option<Vec<u8>>,
) -> Result<String, JsValue> {
    let rs = engine.usable()?;
    reading(names.iter().map(String::as_str).chain(roster.as_deref()))?;
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
    let (members, roster_problems) = match (&roster, &roster_bytes) {
        (Some(name), Some(b)) => xianjiao_reader::profiles::profiles(name, b).map_err(|e| err("profiles.read", &e))?,
        _ => (vec![], vec![]),
    };
    for m in &members {
        // (as `score --profiles`: a member whose checklist cannot be worked out gets none; the roster still rides along)
        if let Ok(cl) = rs.checklist(&xianjiao_core::checklist_profile(rs.rules(), m.unit.as_deref(), &m.profile), None) {
            sc.set_checklist(&m.member, cl);
        }
    }
    let mut report = sc.finish().map_err(eval_err)?;
    let origin: Vec<Option<String>> = report.rejected.iter_mut().map(|r| inputs.relocate(r)).collect();
    let report = xianjiao_reader::with_sources(&report, &origin, &inputs);
    let roster: Vec<xianjiao_core::output::results::RosterLine> = members.iter().map(Into::into).collect();
    serde_json::to_string(
        &serde_json::json!({ "report": report, "sources": inputs.sources, "notes": notes, "roster": roster, "roster_problems": roster_problems }),
    )
    .map_err(|e| err("js.serialize", &e.to_string()))
}

/// Every sheet of a workbook (`name` gives its format by the extension) as the reader sees its
/// cells: `{sheet: [[line, [column, text], …], …]}` (JSON). The page reads its exports back with it.
#[wasm_bindgen(js_name = sheetCells)]
pub fn sheet_cells(name: &str, bytes: &[u8]) -> Result<String, JsValue> {
    reading(std::iter::once(name))?;
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

/// A requirement's status word (`done`, `pending`, `overdue`, `exempt`) in `lang` ("zh" or "en"): core's
/// (`output::units::status_word`, from the message catalogue), the words of the unit table, for its drill-down.
#[wasm_bindgen(js_name = statusWord)]
pub fn status_word(lang: &str, status: &str) -> String {
    xianjiao_core::output::units::status_word(xianjiao_core::Lang::parse(lang), status)
}

/// The 单位汇总 desk (issue 23): the files a 先教办 or 督导组 drops, gathered by core's
/// [`xianjiao_core::UnitGather`] exactly as `xianjiao units` gathers them (read / refused
/// with the reason / duplicate), then core's unit table, its drill-down and its exports.
/// The page hands over each file's bytes (all of them, then asks for the table); the CLI's reader reads them.
#[wasm_bindgen(js_name = UnitsDesk)]
#[derive(Default)]
pub struct UnitsDesk {
    gather: xianjiao_core::UnitGather,
    got: Option<xianjiao_core::Gathered>,
    /// The last table built and what it was built from (the engine's address, level, day, 督导组 list): the
    /// exports of the table shown reuse it instead of building it again on each click.
    built: Option<(BuiltFor, xianjiao_core::UnitTable, Vec<xianjiao_core::FileNote>)>,
}

type BuiltFor = (usize, String, String, String);

#[wasm_bindgen(js_class = UnitsDesk)]
impl UnitsDesk {
    /// No file yet.
    #[wasm_bindgen(constructor)]
    pub fn new() -> UnitsDesk {
        UnitsDesk::default()
    }

    /// One dropped file, read by the CLI's reader as `xianjiao units` reads it (xianjiao-reader's `units`):
    /// a duplicate, a unit record or lower level's table (JSON or 汇总.xlsx), a roster with progress, the
    /// 督导组's record book, votes per unit or 附件5 sheets — or refused with the reason.
    pub fn read(&mut self, engine: &Engine, name: &str, bytes: &[u8]) -> Result<(), JsValue> {
        let rs = engine.usable()?;
        reading(std::iter::once(name))?;
        xianjiao_reader::units::read_unit_file(&mut self.gather, rs, name, bytes);
        Ok(())
    }

    /// A file that could not be read, with the reason.
    pub fn refuse(&mut self, name: &str, reason: &str) {
        self.gather.refuse(name, reason.to_string());
    }

    fn gathered(&mut self) -> &xianjiao_core::Gathered {
        self.got.get_or_insert_with(|| std::mem::take(&mut self.gather).finish())
    }

    /// The table (after the last file): `{files, table, keep: [{overdue, buke, not_applied}], sheet}` (JSON) —
    /// `files` and `table` as `xianjiao units --json` prints them; `keep` says per row which of the CLI's
    /// filters (`--overdue`, `--buke`, `--not-applied`) keep it; `sheet` is the 汇总 workbook's first sheet
    /// (单位汇总, the table as shown; the whole workbook, whose 汇总数据 repeats the table, is [`UnitsDesk::workbook`]).
    /// `on`: `YYYY-MM-DD` or empty; `oversight`: `督导组,单位` lines or empty.
    pub fn table(&mut self, engine: &Engine, level: &str, on: &str, oversight: &str) -> Result<String, JsValue> {
        let (t, files) = self.build(engine, level, on, oversight)?;
        let flag = |f: xianjiao_core::UnitFilter| t.rows.iter().map(|r| f.keeps(r)).collect::<Vec<_>>();
        let (o, b, n) = (
            flag(xianjiao_core::UnitFilter { overdue: true, ..Default::default() }),
            flag(xianjiao_core::UnitFilter { buke: true, ..Default::default() }),
            flag(xianjiao_core::UnitFilter { not_applied: true, ..Default::default() }),
        );
        let keep: Vec<_> = (0..t.rows.len()).map(|i| serde_json::json!({ "overdue": o[i], "buke": b[i], "not_applied": n[i] })).collect();
        let sheet = xianjiao_core::output::units::summary_sheet(t);
        serde_json::to_string(&serde_json::json!({ "files": files, "table": t, "keep": keep, "sheet": sheet }))
            .map_err(|e| err("js.serialize", &e.to_string()))
    }

    /// The 汇总 workbook's definition (JSON), `-o x.xlsx`'s, for the export wasm to write.
    pub fn workbook(&mut self, engine: &Engine, level: &str, on: &str, oversight: &str) -> Result<String, JsValue> {
        let (t, files) = self.build(engine, level, on, oversight)?;
        let wb = xianjiao_core::output::units::workbook(t, files).map_err(|e| err("output.xlsx", &e))?;
        serde_json::to_string(&wb).map_err(|e| err("js.serialize", &e.to_string()))
    }

    fn build(
        &mut self,
        engine: &Engine,
        level: &str,
        on: &str,
        oversight: &str,
    ) -> Result<(&xianjiao_core::UnitTable, &[xianjiao_core::FileNote]), JsValue> {
        let key: BuiltFor = (std::ptr::from_ref(engine) as usize, level.to_string(), on.to_string(), oversight.to_string());
        let built = match self.built.take() {
            Some(b) if b.0 == key => b,
            _ => {
                let rs = engine.usable()?;
                let day = Some(on.trim()).filter(|d| !d.is_empty()).map(xianjiao_core::parse_day).transpose().map_err(eval_err)?;
                let mut ov =
                    xianjiao_core::oversight_list(oversight).map_err(|e| err("units.oversight", &format!("督导组名单 / oversight list: {e}")))?;
                let g = self.gathered();
                g.fill_oversight(&mut ov);
                (key, rs.unit_table(level, &g.inputs, day, &ov), g.notes.clone())
            }
        };
        let (_, t, files) = self.built.insert(built);
        Ok((t, files))
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

    /// The table as JSON, the CLI's `units -o x.json`: what the level above drops to roll it up.
    #[wasm_bindgen(js_name = tableJson)]
    pub fn table_json(&mut self, engine: &Engine, level: &str, on: &str, oversight: &str) -> Result<String, JsValue> {
        let (t, _) = self.build(engine, level, on, oversight)?;
        serde_json::to_string_pretty(t).map_err(|e| err("js.serialize", &e.to_string()))
    }

    /// The printable HTML, the CLI's `units -o x.html`.
    pub fn html(&mut self, engine: &Engine, level: &str, on: &str, oversight: &str) -> Result<String, JsValue> {
        let (t, _) = self.build(engine, level, on, oversight)?;
        Ok(xianjiao_core::output::units::html(t))
    }

    /// The 督导组's record book's definition (JSON), the CLI's `units --record x.xlsx [--group G]` (`group` empty: every 督导组).
    #[wasm_bindgen(js_name = recordWorkbook)]
    pub fn record_workbook(&mut self, engine: &Engine, level: &str, on: &str, oversight: &str, group: &str) -> Result<String, JsValue> {
        let (t, _) = self.build(engine, level, on, oversight)?;
        let wb = xianjiao_core::output::units::record_workbook(t, Some(group).filter(|g| !g.is_empty()));
        serde_json::to_string(&wb).map_err(|e| err("js.serialize", &e.to_string()))
    }

    /// The 督导组's record book printed, the CLI's `units --record x.html [--group G]`.
    #[wasm_bindgen(js_name = recordHtml)]
    pub fn record_html(&mut self, engine: &Engine, level: &str, on: &str, oversight: &str, group: &str) -> Result<String, JsValue> {
        let (t, _) = self.build(engine, level, on, oversight)?;
        Ok(xianjiao_core::output::units::record_html(t, Some(group).filter(|g| !g.is_empty())))
    }
}

// ---------------------------------------------------------------------------
// The office page's outputs: the results table, the XLSX and CSV exports and
// the printed forms are core's one definition (core/src/output), reached
// through the office wasm in the page's thread — the same code the CLI's
// `score -o` and `forms` run, so both give the same sheets, columns, labels,
// number formats, widths and frozen header. Nothing here decides a column.
// ---------------------------------------------------------------------------
import { engineForUrl, withEngine, liteModule, words } from './office-engine.js';
import { xjFetchRuleChain } from './rules-fetch.js';

/** The office engine for a rule URL (loaded once per page; office-engine.js picks the wasm). */
export async function outputEngine(url) { return (await engineForUrl(url)).engine; }
/** `{m, engine}`: the engine and its own module (for `new m.UnitsDesk()`). */
export const outputApi = engineForUrl;

// The XLSX writers are a wasm of their own (www/pkg/office-export.js + xianjiao_office_export_bg.wasm),
// fetched the first time an XLSX is exported: the page's first load stays small.
let exportBoot = null;
const exportEngines = new Map();
async function exportEngine(url) {
  if (!exportBoot) exportBoot = import(new URL('./office-export.js', import.meta.url).href).then(async (m) => { await m.default(); return m; });
  const m = await exportBoot;
  if (!exportEngines.has(url)) exportEngines.set(url, xjFetchRuleChain(url, undefined, words).then(({ sources, entry }) => new m.Engine(sources, entry)));
  return { m, engine: await exportEngines.get(url) };
}

/** What the results workbook is built from, as the CLI serializes it: the report and its rejected rows (by file), then the
 * roster's rows not used, and the roster with progress (its sheet 花名册与进度). `result`: the worker's {report, roster?, roster_problems?}. */
export function resultsInput({ report, roster = [], roster_problems = [] }) {
  const problems = report.rejected.map((x) => ({ file: x.source || '', row: x.row, field: x.field ?? null, reason: x.reason }));
  return JSON.stringify({ report, problems: problems.concat(roster_problems), roster });
}

/** (`result`, here and below: the worker's {report, roster?, roster_problems?}.) The results workbook's definition: {sheets: [{name, columns: [{header, width, format, brief}], rows, freeze}]}. */
export async function workbook(url, result, lang) { return JSON.parse(await withEngine(url, (m, e) => m.resultsWorkbook(e, resultsInput(result), lang))); }
export async function xlsxBlob(url, result, lang) {
  const { m, engine } = await exportEngine(url);
  return new Blob([m.resultsXlsx(engine, resultsInput(result), lang)], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
}
/** A workbook core defined (its JSON definition, e.g. the 单位汇总's) as XLSX, by the export wasm (the CLI's writer). */
export async function definitionXlsx(url, definition) {
  const { m } = await exportEngine(url);
  return new Blob([m.workbookXlsx(JSON.stringify(definition))], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
}
export async function csvBlob(url, result, lang) { return new Blob([await withEngine(url, (m, e) => m.resultsCsv(e, resultsInput(result), lang))], { type: 'text/csv;charset=utf-8' }); }

/** Blank forms (HTML document text) and the entry workbook (XLSX) for a roster (names, one a line). */
export async function blankFormsHtml(url, roster, copies) { return withEngine(url, (m, e) => m.blankForms(e, JSON.stringify(roster), copies)); }
export async function entryXlsx(url, roster) {
  const { m, engine } = await exportEngine(url);
  return new Blob([m.entryWorkbook(engine, JSON.stringify(roster))], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
}

/** A number as its column shows it: two decimals for scores (the full value stays in the files). */
export function show(x, format) {
  if (x == null || x === '') return '';
  if (typeof x !== 'number') return String(x);
  return format === 'score' ? x.toFixed(2) : format === 'count' ? x.toFixed(0) : String(x);
}

/** The filled 评议意见表 (附件4), one per member in roster order ([{name, post}], may be empty): an HTML document. */
export async function opinionHtml(url, result, roster) { return withEngine(url, (m, e) => m.opinionForms(e, resultsInput(result), JSON.stringify(roster || []))); }

/** The draft 转段申请 of a unit (the template `xianjiao report` prints): an HTML document. `to` empty: the rules' addressees (先教办, 督导组). */
export async function applicationHtml(url, result, unit, to, lang) { return withEngine(url, (m, e) => m.transferApplication(e, resultsInput(result), unit || '', to || '', lang)); }

/** A roster typed one member a line: "姓名" or "姓名,职务" (also 、 ; or a tab between them). */
export function parseRoster(text) {
  return String(text || '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean).map((l) => {
    const [name, post] = l.split(/[,,\t;;]/).map((x) => x.trim());
    return post ? { name, post } : { name };
  }).filter((r) => r.name);
}

/** Every sheet of a workbook (bytes) as the reader (the CLI's) sees its cells: {sheet: [[line, [column, text], …], …]}. */
export async function workbookCells(bytes, name = 'book.xlsx') {
  return JSON.parse((await liteModule()).sheetCells(name, bytes));
}

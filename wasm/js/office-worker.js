// ---------------------------------------------------------------------------
// The office workbench's Web Worker: reads the dropped CSV/XLSX files
// (office-io.js), packs every row with its line and scores them in the office
// wasm (`scorePacked`), so the page's main thread stays free. Nothing is sent
// anywhere: the only requests are this module, the .wasm and the rule files.
//
// in:  {id, rules: absolute URL, form, files: [File]}
// out: {id, type: 'progress', fraction, stage} … then
//      {id, type: 'result', report, sources, ms: {read, score}} or {id, type: 'error', message}
// ---------------------------------------------------------------------------
import init, { Engine, scorePacked, formColumns, locateSheetHeader, expectedSheetHeader } from 'xianjiao-office-glue';
import { sniff, decode, csvRecords, Table, openXlsx } from './office-io.js';
import { xjFetchRuleChain } from './rules-fetch.js';

let boot = null;
const engines = new Map();

// The widget's fetcher (same confinement of parents), worded for the office.
const fetchWords = {
  noEntry: (href, status) => `无法载入规则文件 ${href}(HTTP ${status})/ cannot load the rule file`,
  refused: (parent, entry) => `拒绝载入上级规则文件 ${parent}:上级规则文件必须与 ${entry} 在同一网站的同一目录(或其子目录)下 / parent refused`,
};
const fetchRules = (url) => xjFetchRuleChain(url, undefined, fetchWords);

async function engineFor(url) {
  if (!boot) boot = init();
  await boot;
  if (!engines.has(url)) {
    const { sources, entry } = await fetchRules(url);
    const e = new Engine(sources, entry);
    if (e.hasErrors()) {
      const d = e.diagnostics().filter((x) => x.severity === 'error')[0];
      e.free();
      throw new Error(`规则文件有错误 / the rules have errors: ${d ? `${d.file}:${d.line}:${d.col}: ${d.message}` : ''}`);
    }
    engines.set(url, e);
  }
  return engines.get(url);
}

const SPECIAL = /[\x1b\x1e\x1f]/;
const pack = (v) => v === undefined ? '\x1b0' : SPECIAL.test(v) ? v.replace(/\x1b/g, '\x1b1').replace(/\x1e/g, '\x1b2').replace(/\x1f/g, '\x1b3') : v;

function fnv(h, s) { for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); } return h >>> 0; }
function fnvBytes(b) { let h = 2166136261; for (let i = 0; i < b.length; i++) { h ^= b[i]; h = Math.imul(h, 16777619); } return h >>> 0; }

async function score({ id, rules, form, files }) {
  const t0 = performance.now();
  const post = (m) => self.postMessage(Object.assign({ id }, m));
  const engine = await engineFor(rules);
  const want = JSON.parse(formColumns(engine, form || undefined));
  // The header is matched by the engine, as in the CLI and the npm engine (one vocabulary, aliases included).
  want.locate = (cells) => {
    try { return JSON.parse(locateSheetHeader(engine, JSON.stringify(cells), form || undefined)); } catch (e) { throw new Error(String(e && e.message || e)); }
  };
  want.expected = expectedSheetHeader(engine, form || undefined);
  const rows = [];   // packed rows
  const lines = [];  // their global line numbers
  const sources = [];
  let next = 0;
  const total = files.reduce((a, f) => a + (f.size || 1), 0) || 1;
  let doneBytes = 0;
  const progress = (part, size) => post({ type: 'progress', stage: 'read', fraction: Math.min(0.9, 0.9 * (doneBytes + part * size) / total) });
  const begin = (file, sheet) => ({ file, sheet, status: 'read', offset: next, lines: 0 });
  const end = (s) => { if (s.status === 'read') next = s.offset + s.lines + 1; sources.push(s); };
  const makeTable = (base, digest) => new Table(want,
    (line, get, f, values) => {
      let r = 'r\x1f' + pack(get(f.member)) + '\x1f' + pack(f.group == null ? undefined : get(f.group));
      for (const c of f.cols) r += '\x1f' + pack(get(c));
      rows.push(r); lines.push(base + line);
      if (digest) digest.h = fnv(digest.h, values.join('\x1f') + '\n');
    },
    (line, reason) => { rows.push('x\x1f' + pack(reason)); lines.push(base + line); });

  for (const file of files) {
    const name = file.name;
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (/\.(xlsx|xlsm)$/i.test(name)) {
      let wb;
      try { wb = await openXlsx(bytes); }
      catch (e) { throw new Error(`${name}: 无法打开表格 / cannot open spreadsheet: ${e.message}`); }
      if (!wb.sheets.length) throw new Error(`${name}: 表格中没有工作表 / no worksheet`);
      const before = sources.length;
      for (const sh of wb.sheets) {
        const info = begin(name, sh.name);
        if (!sh.visible) { info.status = 'skipped'; info.reason = '隐藏的工作表不计分(如需计分,请在 Excel 中取消隐藏)/ hidden sheet'; end(info); continue; }
        const mark = rows.length;
        const digest = { h: 2166136261 };
        const table = makeTable(info.offset, digest);
        try {
          await wb.rows(sh.name, (line, cells, bad) => {
            if (!cells) { table.bad(line, bad); return; }
            const map = new Map(cells);
            table.feed(line, cells.map((c) => c[1]), () => cells, (i) => map.get(i));
          });
          table.finish();
        } catch (e) {
          if (table.headerRow == null) { rows.length = mark; lines.length = mark; info.status = 'skipped'; info.reason = e.message; }
          else throw new Error(`工作表“${sh.name}”第 ${table.maxLine} 行之后无法读取 / sheet unreadable after row ${table.maxLine}: ${e.message}`);
        }
        info.headerRow = table.headerRow; info.lines = table.maxLine;
        info.digest = table.dataRows > 0 ? digest.h : null;
        end(info);
      }
      const here = sources.slice(before);
      if (!here.some((s) => s.status === 'read')) throw new Error(`${name}: 没有可计分的工作表 / no sheet with a usable header:${here.map((s) => `“${s.sheet}”:${s.reason || ''}`).join(';')}`);
    } else if (/\.(xls|xlsb|ods)$/i.test(name)) {
      throw new Error(`${name}: 浏览器中只能读取 CSV 和 XLSX;请在 Excel 或 WPS 中另存为 XLSX 或 CSV / only CSV and XLSX can be read in the browser`);
    } else {
      const info = begin(name, null);
      let enc;
      try { enc = sniff(bytes.subarray(0, 64 << 10), bytes.length <= 64 << 10); }
      catch (e) { throw new Error(`${name}: ${e.message}`); }
      info.encoding = enc.label;
      const { text, badLines } = decode(bytes, enc);
      const badText = enc.label.startsWith('UTF-8') ? '不是 UTF-8 文本 / not UTF-8 text' : `此行不是有效的 ${enc.label} 文本 / not valid ${enc.label} text`;
      const table = makeTable(info.offset, null);
      try {
        csvRecords(text, badText, badLines,
          (line, fields) => table.feed(line, fields, () => fields.map((t, i) => [i, t]), (i) => fields[i]),
          (line, why) => table.bad(line, why),
          (fr) => progress(fr, file.size || 1));
        table.maxLine = Math.max(table.maxLine, text.length ? text.split('\n').length - (text.endsWith('\n') ? 1 : 0) : 0);
        table.finish();
      } catch (e) { throw new Error(`${name}: ${e.message}`); }
      info.headerRow = table.headerRow; info.lines = table.maxLine;
      info.digest = fnvBytes(bytes);
      end(info);
    }
    doneBytes += file.size || 1;
    progress(0, 0);
  }
  // The same data twice would count every sheet twice (as the CLI refuses it).
  const read = sources.filter((s) => s.status === 'read');
  for (let i = 0; i < read.length; i++) for (let j = 0; j < i; j++) {
    const a = read[i], b = read[j];
    if (a.digest != null && a.digest === b.digest && a.lines > 0) {
      throw new Error(`“${label(a)}”与“${label(b)}”的数据完全相同,其中的测评表会被计两次;请删去副本(或在 Excel 中隐藏该工作表)后重试 / the same data twice: remove the copy`);
    }
  }
  const t1 = performance.now();
  post({ type: 'progress', stage: 'score', fraction: 0.92 });
  const report = JSON.parse(scorePacked(engine, rows.join('\x1e'), Uint32Array.from(lines), form || undefined));
  const t2 = performance.now();
  // Each rejection back to its own file and line (the CLI's `relocate`).
  const several = read.length > 1;
  for (const r of report.rejected) {
    let s = null;
    for (const x of read) if (x.offset < r.row) s = x;
    if (!s) continue;
    r.row -= s.offset;
    r.source = label(s);
    if (several) r.file = label(s);
  }
  for (const s of sources) delete s.digest;
  post({ type: 'result', report, sources, ms: { read: t1 - t0, score: t2 - t1 } });
}

const label = (s) => s.sheet != null ? `${s.file}#${s.sheet}` : s.file;

self.onmessage = (ev) => {
  const m = ev.data;
  if (m.type === 'warm') {
    engineFor(m.rules).then((e) => {
      const forms = (e.rules().forms || []).map((f) => f.name);
      self.postMessage({ id: m.id, type: 'ready', forms, entry: decodeURIComponent(new URL(m.rules).pathname.split('/').pop()) });
    }).catch((e) => self.postMessage({ id: m.id, type: 'error', message: String(e && e.message || e) }));
  } else if (m.type === 'score') {
    score(m).catch((e) => self.postMessage({ id: m.id, type: 'error', message: String(e && e.message || e) }));
  }
};

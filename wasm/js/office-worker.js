// ---------------------------------------------------------------------------
// The office workbench's Web Worker: hands the dropped files' bytes to the office
// wasm (`readSheets`), which reads them with the CLI's own reader (crate
// xianjiao-reader: encodings, CSV, XLSX/ODS with their caps, header search,
// copies, name clashes) and scores them, so the page's main thread stays free
// and a sheet means here what it means to `xianjiao score --json`. Nothing is
// sent anywhere: the only requests are this module, the .wasm and the rule files.
//
// in:  {id, rules: absolute URL, form, files: [File], profiles: File | null (the roster with progress, as `score --profiles`)}
// out: {id, type: 'progress', fraction, stage} … then
//      {id, type: 'result', report, sources, notes, roster, roster_problems, ms: {read, score}} or
//      {id, type: 'error', message, fatal?} (fatal: the wasm trapped; the page starts a new worker)
// ---------------------------------------------------------------------------
import { engineForUrl, withEngine } from './office-engine.js';

/** The rule URL's engine (office-engine.js: without Rhai unless the rules need it); an error when the rules have errors. */
async function engineFor(url) {
  const x = await engineForUrl(url);
  if (x.engine.hasErrors()) {
    const d = x.engine.diagnostics().filter((y) => y.severity === 'error')[0];
    throw new Error(`规则文件有错误 / the rules have errors: ${d ? `${d.file}:${d.line}:${d.col}: ${d.message}` : ''}`);
  }
  return x;
}

async function score({ id, rules, form, files, profiles }) {
  const t0 = performance.now();
  const post = (m) => self.postMessage(Object.assign({ id }, m));
  await engineFor(rules);
  post({ type: 'progress', stage: 'read', fraction: 0.05 });
  const bufs = await Promise.all(files.map((f) => f.arrayBuffer()));
  const lens = Uint32Array.from(bufs.map((b) => b.byteLength));
  const bytes = new Uint8Array(lens.reduce((a, n) => a + n, 0));
  let at = 0;
  for (const b of bufs) { bytes.set(new Uint8Array(b), at); at += b.byteLength; }
  const prof = profiles ? new Uint8Array(await profiles.arrayBuffer()) : undefined;
  const t1 = performance.now();
  post({ type: 'progress', stage: 'score', fraction: 0.5 });
  let out;
  try { out = JSON.parse(await withEngine(rules, (m, engine) => m.readSheets(engine, files.map((f) => f.name), lens, bytes, form || undefined, profiles ? profiles.name : undefined, prof))); }
  catch (e) {
    // A trap (a damaged workbook the reader did not foresee) leaves this instance unusable: say so, and the page starts a new worker.
    if (e instanceof WebAssembly.RuntimeError) { post({ type: 'error', fatal: true, message: `表格文件已损坏,无法读取 / damaged workbook (${e.message})` }); return; }
    throw new Error(String(e && e.message || e));
  }
  const t2 = performance.now();
  // Each rejected row's own file for the results workbook's 未计分的行 (the CLI's problems: its file, else the one source read).
  const first = out.sources.find((s) => s.status === 'read');
  for (const r of out.report.rejected) r.source = r.file ?? (first ? label(first) : '');
  post({ type: 'result', report: out.report, sources: out.sources, notes: out.notes, roster: out.roster, roster_problems: out.roster_problems, ms: { read: t1 - t0, score: t2 - t1 } });
}

const label = (s) => s.sheet != null ? `${s.file}#${s.sheet}` : s.file;

self.onmessage = (ev) => {
  const m = ev.data;
  if (m.type === 'warm') {
    engineFor(m.rules).then(({ engine: e }) => {
      const forms = (e.rules().forms || []).map((f) => f.name);
      self.postMessage({ id: m.id, type: 'ready', forms, entry: decodeURIComponent(new URL(m.rules).pathname.split('/').pop()) });
    }).catch((e) => self.postMessage({ id: m.id, type: 'error', message: String(e && e.message || e) }));
  } else if (m.type === 'score') {
    score(m).catch((e) => self.postMessage({ id: m.id, type: 'error', message: String(e && e.message || e) }));
  }
};

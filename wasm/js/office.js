// ---------------------------------------------------------------------------
// <xianjiao-office rules="…/guanba.rhai" [form="…"] [lang="zh|en"]>: the office
// workbench. A branch secretary or campaign office drops the filled appraisal
// sheets (CSV in UTF-8/GBK/UTF-16, XLSX); they are read and scored in a Web
// Worker (office-worker.js, the office wasm) while a progress bar moves; the
// page then shows rows read = scored + rejected, the member table (sortable),
// every rejected row by file and line, charts, printable 评议意见表 (附件4,
// one per A4 page) and exports to XLSX and CSV. Before the meeting it prints the
// blank forms (附件3/4/5/6) and gives the entry workbook for a roster typed in.
// The tables, the exports and the forms are core's one definition
// (core/src/output, through office-out.js): the CLI writes the same. Nothing
// leaves the browser.
//
// Built like <xianjiao-widget>: Shadow DOM, constructable stylesheets (no
// 'unsafe-inline'), user data reaches the DOM only as text nodes, ≥16 px text
// and ≥44 px targets. Bundled by `x` build_office into www/pkg/office.js (+
// office-worker.js, xianjiao_office_bg.wasm), loaded only by the office page.
// ---------------------------------------------------------------------------
import { outputEngine, workbook, xlsxBlob, csvBlob, blankFormsHtml, entryXlsx, opinionHtml, applicationHtml, parseRoster, show, workbookCells } from './office-out.js';
import { el, saveBlob, sortedBy } from './dom.js';
import { OFFICE_BASE_CSS, officeBaseSheet } from './office-style.js';
import { unitsTabs } from './office-units.js'; // the 单位汇总 tab (issue 23)

const XO_STRINGS = {
  zh: {
    title: '测评计分工作台', lang: 'English', privacy: '文件只在本浏览器中读取和计分,不会上传到任何地方。',
    drop: '把填好的测评表文件(CSV 或 XLSX,可多个)拖到这里,或', pick: '选择文件…', clear: '清空',
    progressPick: '花名册与进度(可选)…', progressNone: '未给花名册与进度:导出的结果表没有“花名册与进度”表,单位汇总不能读它。', progressFile: (n) => `花名册与进度:${n}(导出的结果表带上这张表,单位汇总可以读)`, progressClear: '不用花名册',
    loading: '正在载入规则…', ready: (f, n) => `规则已载入:${f}`, form: '测评表', reading: '正在读取文件…', scoring: '正在计分…',
    done: (ms) => `完成,用时 ${ms} 毫秒。`, failed: '无法计分:',
    rows: (r) => `读取 ${r.read} 行 = 计分 ${r.scored} 行 + 未计分 ${r.rejected} 行`, members: (n) => `${n} 名被测评人`,
    sources: '读取的文件', read: '已读取', skipped: '已跳过', enc: '编码', headerRow: (h) => `表头在第 ${h} 行`,
    table: '测评结果', name: '姓名', composite: '综合得分', outcome: '结论', sheets: '测评表数', missing: '缺少的评议组',
    suggestion: '建议', sortBy: (c) => `按${c}排序`,
    rejected: '未计分的行', file: '文件', line: '行', field: '字段', reason: '原因', noRejected: '没有未计分的行。',
    charts: '图表', dist: '综合得分分布(人数)', groupMeans: '各评议组平均分', overall: '综合得分平均',
    xlsx: '导出 XLSX', csv: '导出 CSV', print: '打印评议意见表(附件4)', unit: '单位名称', apply: '打印转段申请(草稿)',
    before: '会前:空白测评表和录入表', rosterLabel: '花名册(每行一人:姓名,职务;可不填职务)', copies: '附件3 每个测评层次的份数',
    blank: '打印空白测评表(附件3—6)', blankSave: '下载空白测评表(HTML)', entry: '下载录入表(XLSX)', sortHint: '点列名排序',
    wasm: '此网页的内容安全策略(CSP)不允许运行 WebAssembly。请网站管理员在 script-src 中加入 \'wasm-unsafe-eval\'。',
  },
  en: {
    title: 'Appraisal scoring workbench', lang: '中文', privacy: 'Files are read and scored in this browser only; nothing is uploaded.',
    drop: 'Drop the filled appraisal sheets here (CSV or XLSX, several at once), or', pick: 'Choose files…', clear: 'Clear',
    progressPick: 'Roster with progress (optional)…', progressNone: 'No roster with progress: the exported results have no 花名册与进度 sheet, and the unit table cannot read them.', progressFile: (n) => `Roster with progress: ${n} (the exported results carry it; the unit table reads them)`, progressClear: 'No roster',
    loading: 'Loading rules…', ready: (f) => `Rules loaded: ${f}`, form: 'Form', reading: 'Reading files…', scoring: 'Scoring…',
    done: (ms) => `Done in ${ms} ms.`, failed: 'Cannot score: ',
    rows: (r) => `${r.read} rows read = ${r.scored} scored + ${r.rejected} rejected`, members: (n) => `${n} members`,
    sources: 'Files read', read: 'read', skipped: 'skipped', enc: 'encoding', headerRow: (h) => `header on row ${h}`,
    table: 'Results', name: 'Name', composite: 'Composite', outcome: 'Outcome', sheets: 'Sheets', missing: 'Missing groups',
    suggestion: 'suggested', sortBy: (c) => `Sort by ${c}`,
    rejected: 'Rejected rows', file: 'File', line: 'Line', field: 'Field', reason: 'Reason', noRejected: 'No rejected rows.',
    charts: 'Charts', dist: 'Composite distribution (members)', groupMeans: 'Mean by rater group', overall: 'Mean composite',
    xlsx: 'Export XLSX', csv: 'Export CSV', print: 'Print opinion forms (附件4)', unit: 'Unit', apply: 'Print the 转段申请 (draft)',
    before: 'Before the meeting: blank forms and the entry workbook', rosterLabel: 'Roster (one member a line: name, post; post optional)', copies: 'Copies of 附件3 per rater group',
    blank: 'Print blank forms (附件3–6)', blankSave: 'Download blank forms (HTML)', entry: 'Download entry workbook (XLSX)', sortHint: 'click a heading to sort',
    wasm: 'This page\'s Content-Security-Policy does not allow WebAssembly. The webmaster must add \'wasm-unsafe-eval\' to script-src.',
  },
};

const XO_CSS = `
:host { display: block; font-size: max(16px, 1em); color: #1f2937; line-height: 1.6; font-family: inherit; }
.root { border: 1px solid #9ca3af; border-radius: .5em; background: #fff; padding: .75em; font-size: max(16px, 1em); }
.head { display: flex; flex-wrap: wrap; gap: .5em; align-items: center; justify-content: space-between; }
h2 { font-size: 1.25em; margin: 0; }
button, select { font: inherit; color: inherit; }
button.primary:hover { background: #1e40af; }
button:disabled { opacity: .6; cursor: default; }
.actions input { font: inherit; color: inherit; min-height: 44px; border: 1px solid #6b7280; border-radius: .35em; padding: 0 .4em; }
.actions .unit { display: inline-flex; gap: .4em; align-items: center; }
select { border: 1px solid #6b7280; border-radius: .3em; padding: .2em .4em; min-height: 44px; background: #fff; max-width: 100%; }
.row { display: flex; flex-wrap: wrap; gap: .5em 1em; align-items: center; }
label { display: inline-flex; gap: .4em; align-items: center; }
progress { width: 100%; height: 1em; accent-color: #1d4ed8; }
.summary { font-size: 1.1em; font-weight: bold; }
.summary .eq { color: #065f46; }
ul.sources { margin: .2em 0; padding-left: 1.2em; }
.tall { max-height: 32em; overflow-y: auto; border: 1px solid #d1d5db; border-radius: .3em; }
th button { background: none; border: none; padding: .2em .1em; font-weight: bold; width: 100%; text-align: left; }
th.num button { text-align: right; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.reason { word-break: break-word; }
.badge { display: inline-block; margin-left: .35em; padding: 0 .4em; border-radius: .3em; border: 1px solid currentColor; color: #1e3a8a; background: #eff6ff; white-space: nowrap; }
.o-bad { color: #991b1b; font-weight: bold; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(18em, 1fr)); gap: 1em; }
figure { margin: 0; border: 1px solid #d1d5db; border-radius: .4em; padding: .6em; }
figcaption { font-weight: bold; margin-bottom: .3em; }
.bar { display: grid; grid-template-columns: 6.5em 1fr 4.5em; gap: .5em; align-items: center; min-height: 1.9em; }
.bar .track { background: #e5e7eb; height: 1.1em; border-radius: .2em; overflow: hidden; }
.bar .fill { display: block; height: 100%; background: #1d4ed8; }
.bar .v { text-align: right; font-variant-numeric: tabular-nums; }
.forms { display: none; }
.forms.show { display: block; }
.forms .page { border: 1px solid #9ca3af; padding: 1em; margin: 1em 0; background: #fff; color: #000; overflow-x: auto; }
.before { border: 1px solid #d1d5db; border-radius: .4em; padding: .2em .8em .6em; margin: .75em 0; }
.before summary { font-weight: bold; min-height: 44px; display: flex; align-items: center; cursor: pointer; }
.before textarea { width: 100%; min-height: 6em; font: inherit; border: 1px solid #6b7280; border-radius: .3em; padding: .3em; }
.before input[type=number] { width: 5em; font: inherit; min-height: 44px; border: 1px solid #6b7280; border-radius: .3em; padding: 0 .3em; }
.before label { display: block; margin: .4em 0 .2em; }
@media (max-width: 30em) { .bar { grid-template-columns: 5em 1fr 3.5em; } .root { padding: .5em; } }
/* Narrow screens: rejected rows as cards (label: value), so the reason is not squeezed into a sliver. */
@media (max-width: 40em) {
  table.cards thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.cards tr { display: block; border-bottom: 1px solid #d1d5db; padding: .3em 0; }
  table.cards td { display: grid; grid-template-columns: 3.5em 1fr; gap: .5em; border: none; padding: .1em .5em; text-align: left; }
  table.cards td::before { content: attr(data-label); color: #4b5563; }
}
@media print {
  :host { color: #000; }
  .root { border: none; padding: 0; }
  .ui { display: none !important; }
  .forms { display: block; }
  .forms .page { border: none; margin: 0; padding: 0; overflow: visible; break-inside: avoid; }
}
/* Phones: the members table keeps the columns the definition marks brief (name, composite, 结论, missing groups). */
@media (max-width: 40em) { table.members .wide { display: none; } }
`;

// A4 paper for the printed forms (the one rule that must live in the document).
const XO_PAGE = '@page { size: A4; margin: 18mm 16mm; }';
let xoSheet = null, xoPageDone = false;
function xoStyle(shadow) {
  try {
    if (!xoSheet) { xoSheet = new CSSStyleSheet(); xoSheet.replaceSync(XO_CSS); }
    shadow.adoptedStyleSheets = [officeBaseSheet(), xoSheet];
    if (!xoPageDone) { const p = new CSSStyleSheet(); p.replaceSync(XO_PAGE); document.adoptedStyleSheets = [...document.adoptedStyleSheets, p]; xoPageDone = true; }
  } catch (_) { const s = document.createElement('style'); s.textContent = OFFICE_BASE_CSS + XO_CSS; shadow.appendChild(s); }
}

const collator = new Intl.Collator('zh-CN');

class XianjiaoOffice extends HTMLElement {
  static get observedAttributes() { return ['rules', 'form', 'lang']; }

  constructor() {
    super();
    this.shadow = this.attachShadow({ mode: 'open' });
    xoStyle(this.shadow);
    this.worker = null;
    this.seq = 0;
    this.result = null;
    this.sort = null; // {col, dir}: a column of the results sheet
    this.forms = [];
    this.timing = null;
  }

  get lang() { return this.getAttribute('lang') === 'en' ? 'en' : 'zh'; }
  get t() { return XO_STRINGS[this.lang]; }

  connectedCallback() {
    if (!this.built) { this.build(); this.built = true; }
    this.warm();
  }
  disconnectedCallback() { if (this.worker) { this.worker.terminate(); this.worker = null; } }
  attributeChangedCallback(name, a, b) {
    if (!this.built || a === b) return;
    if (name === 'lang') { this.build(); if (this.result) workbook(this.rulesUrl(), this.result, this.lang).then((wb) => { this.wb = wb; this.show(); }, (e) => this.fail(e && e.message || e)); }
    else this.warm();
  }

  rulesUrl() { return new URL(this.getAttribute('rules') || 'rules/guanba.rhai', document.baseURI).href; }

  ensureWorker() {
    if (!this.worker) {
      this.worker = new Worker(new URL('./office-worker.js', import.meta.url), { type: 'module', name: 'xianjiao-office' });
      this.worker.onmessage = (ev) => this.onMessage(ev.data);
      this.worker.onerror = (ev) => this.fail(ev.message || 'worker error');
    }
    return this.worker;
  }

  warm() {
    this.status(this.t.loading);
    outputEngine(this.rulesUrl()).catch(() => {}); // the outputs' engine, ready before the first result (its errors surface when used)
    this.ensureWorker().postMessage({ type: 'warm', id: ++this.seq, rules: this.rulesUrl() });
  }

  // ------------------------------------------------------------ layout
  build() {
    const t = this.t;
    const kept = this.$ ? { roster: this.$.roster.value, copies: this.$.copies.value } : null;
    this.shadow.replaceChildren();
    this.$ = {};
    const $ = this.$;
    $.file = el('input', { type: 'file', id: 'xo-file', multiple: true, accept: '.csv,.xlsx,.xlsm,.xlsb,.xls,.ods,.txt,text/csv', class: 'vh', tabindex: '-1', 'aria-hidden': 'true',
      onchange: () => { if ($.file.files.length) this.addFiles([...$.file.files]); $.file.value = ''; } });
    $.pick = el('button', { type: 'button', class: 'primary', id: 'xo-pick', onclick: () => $.file.click() }, t.pick);
    $.drop = el('div', { class: 'drop', id: 'xo-drop' }, el('p', null, t.drop), $.pick, $.file);
    for (const ev of ['dragenter', 'dragover']) $.drop.addEventListener(ev, (e) => { e.preventDefault(); $.drop.classList.add('over'); });
    $.drop.addEventListener('dragleave', () => $.drop.classList.remove('over'));
    $.drop.addEventListener('drop', (e) => { e.preventDefault(); $.drop.classList.remove('over'); const fs = [...(e.dataTransfer && e.dataTransfer.files || [])]; if (fs.length) this.addFiles(fs); });
    // The roster with progress (`score --profiles`): its members' checklists go to the scorer, and the export carries it (花名册与进度).
    $.profFile = el('input', { type: 'file', id: 'xo-prof-file', accept: '.csv,.xlsx,.xlsm,.xlsb,.xls,.ods,.txt,.json,text/csv,application/json', class: 'vh', tabindex: '-1', 'aria-hidden': 'true',
      onchange: () => { const f = $.profFile.files[0]; $.profFile.value = ''; if (f) this.setProfiles(f); } });
    $.profNote = el('span', { id: 'xo-prof-note', class: 'muted' });
    $.profClear = el('button', { type: 'button', id: 'xo-prof-clear', hidden: true, onclick: () => this.setProfiles(null) }, t.progressClear);
    $.profRow = el('div', { class: 'row', id: 'xo-prof' },
      el('button', { type: 'button', id: 'xo-prof-pick', onclick: () => $.profFile.click() }, t.progressPick), $.profFile, $.profClear, $.profNote);
    $.formSel = el('select', { id: 'xo-form', onchange: () => { if (this.files) this.addFiles(this.files); } });
    $.formRow = el('div', { class: 'row', hidden: true }, el('label', { for: 'xo-form' }, t.form), $.formSel);
    $.progress = el('progress', { max: '1', value: '0', hidden: true, id: 'xo-progress', 'aria-label': t.reading });
    $.status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite', id: 'xo-status' });
    $.error = el('p', { class: 'error', role: 'alert', id: 'xo-error' });
    $.results = el('section', { class: 'results', id: 'xo-results', hidden: true });
    $.forms = el('div', { class: 'forms', id: 'xo-forms' });
    $.roster = el('textarea', { id: 'xo-roster', spellcheck: 'false', placeholder: '张三,支部书记\n李四\n王五' });
    $.copies = el('input', { type: 'number', id: 'xo-copies', min: '1', max: '200', value: '1' });
    $.before = el('details', { class: 'before', id: 'xo-before' }, el('summary', null, t.before),
      el('label', { for: 'xo-roster' }, t.rosterLabel), $.roster,
      el('label', { for: 'xo-copies' }, t.copies), $.copies,
      el('div', { class: 'actions' },
        el('button', { type: 'button', id: 'xo-blank', onclick: () => this.printBlank() }, t.blank),
        el('button', { type: 'button', id: 'xo-blank-save', onclick: () => this.saveBlank() }, t.blankSave),
        el('button', { type: 'button', id: 'xo-entry', onclick: () => this.saveEntry() }, t.entry)));
    const head = el('div', { class: 'head' }, el('h2', null, t.title),
      el('div', { class: 'row' },
        el('button', { type: 'button', id: 'xo-clear', onclick: () => this.clear() }, t.clear),
        el('button', { type: 'button', id: 'xo-lang', lang: this.lang === 'zh' ? 'en' : 'zh', onclick: () => this.setAttribute('lang', this.lang === 'zh' ? 'en' : 'zh') }, t.lang)));
    const ui = el('div', { class: 'ui' }, head, el('p', { class: 'muted' }, t.privacy), $.before, $.drop, $.profRow, $.formRow, $.progress, $.status, $.error, $.results);
    unitsTabs(this, ui, head);
    this.shadow.append(el('div', { class: 'root', lang: this.lang === 'zh' ? 'zh-CN' : 'en' }, ui, $.forms));
    if (this.formNames) this.fillForms(this.formNames);
    if (kept) { $.roster.value = kept.roster; $.copies.value = kept.copies; }
    this.showProfiles();
  }

  /** The roster with progress (a File, or null): shown, and the sheets scored again with it. */
  setProfiles(file) {
    this.profiles = file || null;
    this.showProfiles();
    if (this.files) this.addFiles(this.files);
  }
  showProfiles() {
    this.$.profNote.textContent = this.profiles ? this.t.progressFile(this.profiles.name) : this.t.progressNone;
    this.$.profClear.hidden = !this.profiles;
  }

  fillForms(names) {
    this.formNames = names;
    const sel = this.$.formSel;
    const want = this.getAttribute('form') || sel.value || names[0];
    sel.replaceChildren(...names.map((n) => el('option', { value: n, selected: n === want }, n)));
    this.$.formRow.hidden = names.length < 2;
  }

  status(text) { this.$.status.textContent = text; }
  fail(msg) {
    this.$.progress.hidden = true;
    const m = String(msg);
    this.$.error.textContent = /WebAssembly|wasm-unsafe-eval|Content Security Policy/i.test(m) && /CompileError|unsafe-eval|Content Security Policy/i.test(m) ? this.t.wasm : this.t.failed + m;
    this.status('');
    this.dispatchEvent(new CustomEvent('xianjiao-office-error', { detail: { message: m } }));
  }

  clear() {
    this.result = null; this.files = null; this.profiles = null; this.showProfiles();
    this.$.results.hidden = true; this.$.results.replaceChildren();
    this.$.forms.replaceChildren(); this.$.forms.classList.remove('show');
    this.$.error.textContent = ''; this.status(''); this.$.progress.hidden = true;
  }

  // ------------------------------------------------------------ scoring
  /** Reads and scores these files (File objects) in the worker. */
  addFiles(files) {
    this.files = files;
    const id = ++this.seq;
    this.timing = { start: performance.now() };
    this.$.error.textContent = '';
    this.$.progress.hidden = false; this.$.progress.value = 0;
    this.status(this.t.reading);
    this.ensureWorker().postMessage({ type: 'score', id, rules: this.rulesUrl(), form: this.$.formSel.value || this.getAttribute('form') || '', files, profiles: this.profiles || null });
    const done = new Promise((resolve, reject) => { this.pending = { id, resolve, reject }; });
    done.catch(() => {}); // (a file that cannot be read is shown by fail(); a caller that awaits still gets the rejection)
    return done;
  }

  onMessage(m) {
    if (m.type === 'ready') {
      if (m.forms) this.fillForms(m.forms);
      if (!this.result && !this.files) this.status(this.t.ready(m.entry));
      this.dispatchEvent(new CustomEvent('xianjiao-office-ready'));
      return;
    }
    if (m.id !== this.seq) return; // an older run
    if (m.type === 'progress') {
      this.$.progress.value = m.fraction;
      this.status(m.stage === 'score' ? this.t.scoring : this.t.reading);
    } else if (m.type === 'result') {
      this.result = m;
      this.timing.received = performance.now();
      this.timing.worker = m.ms;
      this.finish(m).catch((e) => { this.fail(e && e.message || e); if (this.pending && this.pending.id === m.id) this.pending.reject(e); });
    } else if (m.type === 'error') {
      if (m.fatal && this.worker) { this.worker.terminate(); this.worker = null; } // a trapped wasm: the next run gets a fresh worker
      this.fail(m.message);
      if (this.pending && this.pending.id === m.id) this.pending.reject(new Error(m.message));
    }
  }

  /** The results workbook (core's definition) for this result, then the page. */
  async finish(m) {
    this.wb = await workbook(this.rulesUrl(), m, this.lang);
    if (m.id !== this.seq) return;
    {
      this.show();
      this.timing.end = performance.now();
      this.timing.total = this.timing.end - this.timing.start;
      this.$.progress.value = 1; this.$.progress.hidden = true;
      this.status(this.t.done(Math.round(this.timing.total)));
      this.dispatchEvent(new CustomEvent('xianjiao-office-scored', { detail: { timing: this.timing } }));
      if (this.pending && this.pending.id === m.id) this.pending.resolve(m.report);
    }
  }

  /** The results sheet's rows (core's definition) in the table's current order: by a column, then by name. */
  sorted() {
    const sh = this.wb.sheets[0];
    const rows = sh.rows.slice();
    const { col, dir } = this.sort || { col: this.compositeCol(), dir: -1 };
    const key = (v) => v == null || v === '' ? null : v;
    rows.sort((a, b) => {
      const x = key(a[col]), y = key(b[col]);
      let c = x === y ? 0 : x === null ? -1 : y === null ? 1 : typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y));
      return c * dir || collator.compare(String(a[0]), String(b[0]));
    });
    return rows;
  }

  /** The composite: the definition's first brief column with a score format. */
  compositeCol() { const c = this.wb.sheets[0].columns.findIndex((x) => x.brief && x.format === 'score'); return c < 0 ? 0 : c; }

  show() {
    const t = this.t, $ = this.$;
    const { report, sources } = this.result;
    const r = report.rows;
    $.results.replaceChildren();
    $.results.hidden = false;
    $.results.append(
      el('p', { class: 'summary', id: 'xo-summary' }, el('span', { class: 'eq' }, t.rows(r)), ' · ', t.members(report.members.length), ' · ', t.form, ':', report.form),
      el('details', null, el('summary', null, t.sources),
        el('ul', { class: 'sources' }, sources.map((s) => el('li', null, s.sheet != null ? `${s.file}#${s.sheet}` : s.file, ':',
          s.status === 'read' ? t.read : t.skipped, s.encoding ? `(${t.enc} ${s.encoding})` : '', s.header_row && s.header_row !== 1 ? `(${t.headerRow(s.header_row)})` : '',
          s.reason ? `:${s.reason}` : '')))),
      el('div', { class: 'actions' },
        el('button', { type: 'button', id: 'xo-xlsx', onclick: () => this.exportXlsx() }, t.xlsx),
        el('button', { type: 'button', id: 'xo-csv', onclick: () => this.exportCsv() }, t.csv),
        el('button', { type: 'button', id: 'xo-print', onclick: () => this.print() }, t.print),
        el('span', { class: 'unit' }, el('label', { for: 'xo-unit' }, t.unit),
          el('input', { type: 'text', id: 'xo-unit', size: '10', value: this.unitName || '', oninput: (e) => { this.unitName = e.target.value; } })),
        el('button', { type: 'button', id: 'xo-apply', onclick: () => this.printApplication() }, t.apply)),
    );
    // members: the results sheet's columns; on a phone only the brief ones
    const sh = this.wb.sheets[0];
    const sort = this.sort || { col: this.compositeCol(), dir: -1 };
    this.$.thead = el('tr', null, sh.columns.map((c, i) => el('th', { scope: 'col', class: (c.format === 'text' ? '' : 'num') + (c.brief ? '' : ' wide'), 'aria-sort': sort.col === i ? (sort.dir > 0 ? 'ascending' : 'descending') : 'none' },
      el('button', { type: 'button', 'data-col': String(i), 'aria-label': t.sortBy(c.header), onclick: () => this.resort(i) }, c.header))));
    this.$.tbody = el('tbody');
    $.results.append(el('h3', { id: 'xo-h-members' }, sh.name),
      el('div', { class: 'scroll tall', tabindex: '0', role: 'region', 'aria-labelledby': 'xo-h-members' },
        el('table', { class: 'members', id: 'xo-members' }, el('thead', null, this.$.thead), this.$.tbody)));
    this.fillMembers();
    // rows not used: the workbook's second sheet (cards on a phone)
    const rj = this.wb.sheets[1];
    $.results.append(el('h3', { id: 'xo-h-rejected' }, rj.name, `(${rj.rows.length})`));
    if (!rj.rows.length) $.results.append(el('p', { class: 'muted' }, t.noRejected));
    else {
      const rows = rj.rows.map((row) => el('tr', null, row.map((v, i) => el('td', { 'data-label': rj.columns[i].header, class: rj.columns[i].format === 'text' ? (i === row.length - 1 ? 'reason' : '') : 'num' }, show(v, rj.columns[i].format)))));
      $.results.append(el('div', { class: 'scroll tall', tabindex: '0', role: 'region', 'aria-labelledby': 'xo-h-rejected' },
        el('table', { id: 'xo-rejected', class: 'cards' }, el('thead', null, el('tr', null, rj.columns.map((c) => el('th', { scope: 'col', class: c.format === 'text' ? '' : 'num' }, c.header)))), el('tbody', null, rows))));
    }
    // charts
    $.results.append(el('h3', null, t.charts), el('div', { class: 'charts' }, this.histogram(report), this.groupChart(report)));
    if ($.forms.classList.contains('show')) this.renderForms();
  }

  resort(col) {
    const cur = this.sort || { col: this.compositeCol(), dir: -1 };
    const fmt = this.wb.sheets[0].columns[col].format;
    this.sort = cur.col === col ? { col, dir: -cur.dir } : { col, dir: fmt === 'text' ? 1 : -1 };
    sortedBy(this.$.thead, col, this.sort.dir, () => this.fillMembers());
  }

  fillMembers() {
    const cols = this.wb.sheets[0].columns;
    const cls = cols.map((c) => (c.format === 'text' ? '' : 'num') + (c.brief ? '' : ' wide'));
    const frag = document.createDocumentFragment();
    for (const row of this.sorted()) {
      frag.append(el('tr', null, row.map((v, i) => i === 0
        ? el('th', { scope: 'row' }, show(v, cols[0].format))
        : el('td', { class: cls[i] + (typeof v === 'string' && /不合格/.test(v) ? ' o-bad' : '') }, show(v, cols[i].format)))));
    }
    this.$.tbody.replaceChildren(frag);
  }

  bars(caption, id, rows, max, unit) {
    return el('figure', { id, role: 'group', 'aria-label': caption }, el('figcaption', null, caption),
      rows.map(([label, v]) => {
        const fill = el('span', { class: 'fill' });
        fill.style.width = `${max > 0 ? Math.max(0, Math.min(100, 100 * v / max)) : 0}%`; // CSSOM: allowed under style-src 'self'
        return el('div', { class: 'bar' }, el('span', null, label), el('span', { class: 'track', 'aria-hidden': 'true' }, fill), el('span', { class: 'v' }, unit(v)));
      }));
  }

  histogram(report) {
    const bins = new Array(10).fill(0);
    for (const m of report.members) if (Number.isFinite(m.composite)) bins[Math.max(0, Math.min(9, Math.floor(m.composite / 10)))]++;
    const rows = bins.map((n, i) => [i === 9 ? '90–100' : `${i * 10}–${i * 10 + 9}`, n]).reverse();
    return this.bars(this.t.dist, 'xo-chart-dist', rows, Math.max(...bins), (v) => String(v));
  }

  groupChart(report) {
    const sums = new Map();
    for (const m of report.members) for (const [g, x] of Object.entries(m.groups || {})) {
      if (!Number.isFinite(x.mean)) continue;
      const s = sums.get(g) || [0, 0]; s[0] += x.mean; s[1]++; sums.set(g, s);
    }
    const comps = report.members.map((m) => m.composite).filter(Number.isFinite);
    const rows = [...sums].map(([g, [s, n]]) => [g, s / n]);
    if (comps.length) rows.push([this.t.overall, comps.reduce((a, b) => a + b, 0) / comps.length]);
    const total = (report.items || []).reduce((a, it) => a + (it[1] || 0), 0) || 100;
    return this.bars(this.t.groupMeans, 'xo-chart-groups', rows, total, (v) => v.toFixed(2));
  }

  // ------------------------------------------------------------ print (core's forms: 附件4 filled, 附件3–6 blank)
  roster() { return parseRoster(this.$.roster.value); }

  /** Shows a forms document (HTML from core) in the element: its pages as nodes, its styles adopted (no inline <style>, CSP-safe). */
  showForms(html) {
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const css = [...doc.querySelectorAll('style')].map((x) => x.textContent).join('\n');
    try {
      const sheet = new CSSStyleSheet(); sheet.replaceSync(css);
      this.shadow.adoptedStyleSheets = [...this.shadow.adoptedStyleSheets.slice(0, 2), sheet]; // the shared and the element's sheets, then the forms'
    } catch (_) { /* old engines: the pages still print, without the forms' rules */ }
    this.$.forms.replaceChildren(...[...doc.body.children].map((n) => document.importNode(n, true)));
    this.$.forms.classList.add('show');
    return this.$.forms.querySelectorAll('.page').length;
  }

  /** One 评议意见表 (附件4) per member, in roster order (else the sheets' order); returns how many. */
  async renderForms() {
    if (!this.result) return 0;
    this.showForms(await opinionHtml(this.rulesUrl(), this.result, this.roster()));
    return this.result.report.members.length;
  }
  async print() { await this.renderForms(); window.print(); }

  /** The unit's draft 转段申请 (core's template, as `xianjiao report` prints it), addressed as the rules say. */
  applicationHtml() { return applicationHtml(this.rulesUrl(), this.result, this.unitName, this.getAttribute('to'), this.lang); }
  async printApplication() {
    try { this.showForms(await this.applicationHtml()); window.print(); } catch (e) { this.fail(e && e.message || e); }
  }

  blankHtml() { return blankFormsHtml(this.rulesUrl(), this.roster(), Math.max(1, Math.min(200, Number(this.$.copies.value) || 1))); }
  async printBlank() {
    try { this.showForms(await this.blankHtml()); window.print(); } catch (e) { this.fail(e && e.message || e); }
  }
  async saveBlank() {
    try { this.save(new Blob([await this.blankHtml()], { type: 'text/html;charset=utf-8' }), '空白测评表.html'); } catch (e) { this.fail(e && e.message || e); }
  }
  async saveEntry() {
    try { this.save(await entryXlsx(this.rulesUrl(), this.roster()), '测评录入表.xlsx'); } catch (e) { this.fail(e && e.message || e); }
  }

  // ------------------------------------------------------------ export (core's results workbook, as `score -o`)
  xlsxBlob() { return xlsxBlob(this.rulesUrl(), this.result, this.lang); }
  csvBlob() { return csvBlob(this.rulesUrl(), this.result, this.lang); }

  save(blob, name) { saveBlob(blob, name, this.shadow); }
  async exportXlsx() { this.save(await this.xlsxBlob(), `${this.result.report.form}-评议结果.xlsx`); }
  async exportCsv() { this.save(await this.csvBlob(), `${this.result.report.form}-评议结果.csv`); }
}

if (!customElements.get('xianjiao-office')) customElements.define('xianjiao-office', XianjiaoOffice);
export { XianjiaoOffice, workbookCells }; // workbookCells: lets a page (and the tests) read an exported workbook back with the reader

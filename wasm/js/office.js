// ---------------------------------------------------------------------------
// <xianjiao-office rules="…/guanba.rhai" [form="…"] [lang="zh|en"]>: the office
// workbench. A branch secretary or campaign office drops the filled appraisal
// sheets (CSV in UTF-8/GBK/UTF-16, XLSX); they are read and scored in a Web
// Worker (office-worker.js, the office wasm) while a progress bar moves; the
// page then shows rows read = scored + rejected, the member table (sortable),
// every rejected row by file and line, charts, printable 评议意见表 (附件4,
// one per A4 page) and exports to XLSX and CSV. Nothing leaves the browser.
//
// Built like <xianjiao-widget>: Shadow DOM, constructable stylesheets (no
// 'unsafe-inline'), user data reaches the DOM only as text nodes, ≥16 px text
// and ≥44 px targets. Bundled by `x` build_office into www/pkg/office.js (+
// office-worker.js, xianjiao_office_bg.wasm), loaded only by the office page.
// ---------------------------------------------------------------------------
import { toXlsx, toCsv, openXlsx } from './office-io.js';
import { el, saveBlob } from './dom.js';

const XO_STRINGS = {
  zh: {
    title: '测评计分工作台', lang: 'English', privacy: '文件只在本浏览器中读取和计分,不会上传到任何地方。',
    drop: '把填好的测评表文件(CSV 或 XLSX,可多个)拖到这里,或', pick: '选择文件…', clear: '清空',
    loading: '正在载入规则…', ready: (f, n) => `规则已载入:${f}`, form: '测评表', reading: '正在读取文件…', scoring: '正在计分…',
    done: (ms) => `完成,用时 ${ms} 毫秒。`, failed: '无法计分:',
    rows: (r) => `读取 ${r.read} 行 = 计分 ${r.scored} 行 + 未计分 ${r.rejected} 行`, members: (n) => `${n} 名被测评人`,
    sources: '读取的文件', read: '已读取', skipped: '已跳过', enc: '编码', headerRow: (h) => `表头在第 ${h} 行`,
    table: '测评结果', name: '姓名', composite: '综合得分', outcome: '结论', sheets: '测评表数', missing: '缺少的评议组',
    suggestion: '建议', sortBy: (c) => `按${c}排序`,
    rejected: '未计分的行', file: '文件', line: '行', field: '字段', reason: '原因', noRejected: '没有未计分的行。',
    charts: '图表', dist: '综合得分分布(人数)', groupMeans: '各评议组平均分', overall: '综合得分平均',
    xlsx: '导出 XLSX', csv: '导出 CSV', print: '打印评议意见表', formsTitle: '评议意见表',
    post: '职务', strengths: '主要优点', weaknesses: '主要不足', direction: '努力方向(建议)',
    signBranch: '支部负责人签名:', signMember: '党员本人签名:', ymd: '年　　月　　日',
    summary: '汇总', item: '项目',
    wasm: '此网页的内容安全策略(CSP)不允许运行 WebAssembly。请网站管理员在 script-src 中加入 \'wasm-unsafe-eval\'。',
  },
  en: {
    title: 'Appraisal scoring workbench', lang: '中文', privacy: 'Files are read and scored in this browser only; nothing is uploaded.',
    drop: 'Drop the filled appraisal sheets here (CSV or XLSX, several at once), or', pick: 'Choose files…', clear: 'Clear',
    loading: 'Loading rules…', ready: (f) => `Rules loaded: ${f}`, form: 'Form', reading: 'Reading files…', scoring: 'Scoring…',
    done: (ms) => `Done in ${ms} ms.`, failed: 'Cannot score: ',
    rows: (r) => `${r.read} rows read = ${r.scored} scored + ${r.rejected} rejected`, members: (n) => `${n} members`,
    sources: 'Files read', read: 'read', skipped: 'skipped', enc: 'encoding', headerRow: (h) => `header on row ${h}`,
    table: 'Results', name: 'Name', composite: 'Composite', outcome: 'Outcome', sheets: 'Sheets', missing: 'Missing groups',
    suggestion: 'suggested', sortBy: (c) => `Sort by ${c}`,
    rejected: 'Rejected rows', file: 'File', line: 'Line', field: 'Field', reason: 'Reason', noRejected: 'No rejected rows.',
    charts: 'Charts', dist: 'Composite distribution (members)', groupMeans: 'Mean by rater group', overall: 'Mean composite',
    xlsx: 'Export XLSX', csv: 'Export CSV', print: 'Print opinion forms', formsTitle: '评议意见表 Appraisal opinion form',
    post: 'Post', strengths: 'Strengths', weaknesses: 'Shortcomings', direction: 'Direction (advice)',
    signBranch: 'Branch head:', signMember: 'Member:', ymd: 'date',
    summary: 'Summary', item: 'Item',
    wasm: 'This page\'s Content-Security-Policy does not allow WebAssembly. The webmaster must add \'wasm-unsafe-eval\' to script-src.',
  },
};

const XO_CSS = `
:host { display: block; font-size: max(16px, 1em); color: #1f2937; line-height: 1.6; font-family: inherit; }
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
.root { border: 1px solid #9ca3af; border-radius: .5em; background: #fff; padding: .75em; font-size: max(16px, 1em); }
.head { display: flex; flex-wrap: wrap; gap: .5em; align-items: center; justify-content: space-between; }
h2 { font-size: 1.25em; margin: 0; }
h3 { font-size: 1.1em; margin: 1em 0 .4em; }
p { margin: .4em 0; }
button, select { font: inherit; color: inherit; }
button { background: #f3f4f6; border: 1px solid #6b7280; border-radius: .35em; padding: .3em .9em; cursor: pointer; min-height: 44px; min-width: 44px; }
button:hover { background: #e5e7eb; }
button.primary { background: #1d4ed8; color: #fff; border-color: #1e3a8a; }
button.primary:hover { background: #1e40af; }
button:disabled { opacity: .6; cursor: default; }
select { border: 1px solid #6b7280; border-radius: .3em; padding: .2em .4em; min-height: 44px; background: #fff; max-width: 100%; }
:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.muted { color: #4b5563; }
.drop { border: 2px dashed #6b7280; border-radius: .5em; padding: 1em; margin: .75em 0; display: flex; flex-wrap: wrap; gap: .5em 1em; align-items: center; background: #f9fafb; }
.drop.over { border-color: #1d4ed8; background: #eff6ff; }
.drop p { margin: 0; }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.row { display: flex; flex-wrap: wrap; gap: .5em 1em; align-items: center; }
label { display: inline-flex; gap: .4em; align-items: center; }
progress { width: 100%; height: 1em; accent-color: #1d4ed8; }
.status { min-height: 1.6em; }
.error { color: #991b1b; white-space: pre-wrap; word-break: break-word; }
.summary { font-size: 1.1em; font-weight: bold; }
.summary .eq { color: #065f46; }
ul.sources { margin: .2em 0; padding-left: 1.2em; }
.scroll { overflow-x: auto; max-width: 100%; }
.tall { max-height: 32em; overflow-y: auto; border: 1px solid #d1d5db; border-radius: .3em; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #d1d5db; padding: .3em .5em; text-align: left; vertical-align: top; }
thead th { position: sticky; top: 0; background: #f3f4f6; z-index: 1; vertical-align: middle; white-space: nowrap; }
th button { background: none; border: none; padding: .2em .1em; font-weight: bold; width: 100%; text-align: left; white-space: nowrap; }
th.num button { text-align: right; }
th[aria-sort=ascending] button::after { content: " ▲"; }
th[aria-sort=descending] button::after { content: " ▼"; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.reason { word-break: break-word; }
.badge { display: inline-block; margin-left: .35em; padding: 0 .4em; border-radius: .3em; border: 1px solid currentColor; color: #1e3a8a; background: #eff6ff; white-space: nowrap; }
.o-bad { color: #991b1b; font-weight: bold; }
.actions { display: flex; flex-wrap: wrap; gap: .5em; margin: .6em 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(18em, 1fr)); gap: 1em; }
figure { margin: 0; border: 1px solid #d1d5db; border-radius: .4em; padding: .6em; }
figcaption { font-weight: bold; margin-bottom: .3em; }
.bar { display: grid; grid-template-columns: 6.5em 1fr 4.5em; gap: .5em; align-items: center; min-height: 1.9em; }
.bar .track { background: #e5e7eb; height: 1.1em; border-radius: .2em; overflow: hidden; }
.bar .fill { display: block; height: 100%; background: #1d4ed8; }
.bar .v { text-align: right; font-variant-numeric: tabular-nums; }
.forms { display: none; }
.forms.show { display: block; }
.form { border: 1px solid #9ca3af; padding: 1em; margin: 1em 0; background: #fff; color: #000; }
.form h4 { text-align: center; font-size: 1.4em; margin: 0 0 .6em; letter-spacing: .2em; }
.form table { border: 1.5px solid #000; table-layout: fixed; }
.form th, .form td { border: 1px solid #000; padding: .5em; }
.form th { width: 8em; text-align: center; font-weight: normal; }
@media (max-width: 30em) { .form th { width: 5.5em; } }
.form td.box { height: 9em; }
.form .sign { display: flex; justify-content: space-between; gap: 1em; flex-wrap: wrap; }
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
  .form { border: none; margin: 0; padding: 0; break-after: page; page-break-after: always; break-inside: avoid; }
  .form:last-child { break-after: auto; page-break-after: auto; }
  .form td.box { height: 52mm; }
  .form table { font-size: 12pt; }
}
`;

// A4 paper for the printed forms (the one rule that must live in the document).
const XO_PAGE = '@page { size: A4; margin: 18mm 16mm; }';
let xoSheet = null, xoPageDone = false;
function xoStyle(shadow) {
  try {
    if (!xoSheet) { xoSheet = new CSSStyleSheet(); xoSheet.replaceSync(XO_CSS); }
    shadow.adoptedStyleSheets = [xoSheet];
    if (!xoPageDone) { const p = new CSSStyleSheet(); p.replaceSync(XO_PAGE); document.adoptedStyleSheets = [...document.adoptedStyleSheets, p]; xoPageDone = true; }
  } catch (_) { const s = document.createElement('style'); s.textContent = XO_CSS; shadow.appendChild(s); }
}

const fmt = (x) => x == null || !Number.isFinite(x) ? '—' : String(Math.round(x * 10000) / 10000);
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
    this.sort = { key: 'composite', dir: -1 };
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
    if (name === 'lang') { this.build(); if (this.result) this.show(); }
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
    this.ensureWorker().postMessage({ type: 'warm', id: ++this.seq, rules: this.rulesUrl() });
  }

  // ------------------------------------------------------------ layout
  build() {
    const t = this.t;
    this.shadow.replaceChildren();
    this.$ = {};
    const $ = this.$;
    $.file = el('input', { type: 'file', id: 'xo-file', multiple: true, accept: '.csv,.xlsx,.xlsm,.txt,text/csv', class: 'vh', tabindex: '-1', 'aria-hidden': 'true',
      onchange: () => { if ($.file.files.length) this.addFiles([...$.file.files]); $.file.value = ''; } });
    $.pick = el('button', { type: 'button', class: 'primary', id: 'xo-pick', onclick: () => $.file.click() }, t.pick);
    $.drop = el('div', { class: 'drop', id: 'xo-drop' }, el('p', null, t.drop), $.pick, $.file);
    for (const ev of ['dragenter', 'dragover']) $.drop.addEventListener(ev, (e) => { e.preventDefault(); $.drop.classList.add('over'); });
    $.drop.addEventListener('dragleave', () => $.drop.classList.remove('over'));
    $.drop.addEventListener('drop', (e) => { e.preventDefault(); $.drop.classList.remove('over'); const fs = [...(e.dataTransfer && e.dataTransfer.files || [])]; if (fs.length) this.addFiles(fs); });
    $.formSel = el('select', { id: 'xo-form', onchange: () => { if (this.files) this.addFiles(this.files); } });
    $.formRow = el('div', { class: 'row', hidden: true }, el('label', { for: 'xo-form' }, t.form), $.formSel);
    $.progress = el('progress', { max: '1', value: '0', hidden: true, id: 'xo-progress', 'aria-label': t.reading });
    $.status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite', id: 'xo-status' });
    $.error = el('p', { class: 'error', role: 'alert', id: 'xo-error' });
    $.results = el('section', { class: 'results', id: 'xo-results', hidden: true });
    $.forms = el('div', { class: 'forms', id: 'xo-forms' });
    const head = el('div', { class: 'head' }, el('h2', null, t.title),
      el('div', { class: 'row' },
        el('button', { type: 'button', id: 'xo-clear', onclick: () => this.clear() }, t.clear),
        el('button', { type: 'button', id: 'xo-lang', lang: this.lang === 'zh' ? 'en' : 'zh', onclick: () => this.setAttribute('lang', this.lang === 'zh' ? 'en' : 'zh') }, t.lang)));
    const ui = el('div', { class: 'ui' }, head, el('p', { class: 'muted' }, t.privacy), $.drop, $.formRow, $.progress, $.status, $.error, $.results);
    this.shadow.append(el('div', { class: 'root', lang: this.lang === 'zh' ? 'zh-CN' : 'en' }, ui, $.forms));
    if (this.formNames) this.fillForms(this.formNames);
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
    this.result = null; this.files = null;
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
    this.ensureWorker().postMessage({ type: 'score', id, rules: this.rulesUrl(), form: this.$.formSel.value || this.getAttribute('form') || '', files });
    return new Promise((resolve, reject) => { this.pending = { id, resolve, reject }; });
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
      this.show();
      this.timing.end = performance.now();
      this.timing.total = this.timing.end - this.timing.start;
      this.$.progress.value = 1; this.$.progress.hidden = true;
      this.status(this.t.done(Math.round(this.timing.total)));
      this.dispatchEvent(new CustomEvent('xianjiao-office-scored', { detail: { timing: this.timing } }));
      if (this.pending && this.pending.id === m.id) this.pending.resolve(m.report);
    } else if (m.type === 'error') {
      this.fail(m.message);
      if (this.pending && this.pending.id === m.id) this.pending.reject(new Error(m.message));
    }
  }

  /** The members in the table's current order. */
  sorted() {
    const ms = this.result.report.members.slice();
    const { key, dir } = this.sort;
    const val = (m) => key === 'composite' ? (m.composite ?? -Infinity) : key === 'outcome' ? (m.outcome || '') : m.member;
    ms.sort((a, b) => {
      const x = val(a), y = val(b);
      const c = typeof x === 'number' ? x - y : collator.compare(x, y);
      return c * dir || collator.compare(a.member, b.member);
    });
    return ms;
  }

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
          s.status === 'read' ? t.read : t.skipped, s.encoding ? `(${t.enc} ${s.encoding})` : '', s.headerRow && s.headerRow !== 1 ? `(${t.headerRow(s.headerRow)})` : '',
          s.reason ? `:${s.reason}` : '')))),
      el('div', { class: 'actions' },
        el('button', { type: 'button', id: 'xo-xlsx', onclick: () => this.exportXlsx() }, t.xlsx),
        el('button', { type: 'button', id: 'xo-csv', onclick: () => this.exportCsv() }, t.csv),
        el('button', { type: 'button', id: 'xo-print', onclick: () => this.print() }, t.print)),
    );
    // members
    const cols = [['member', t.name, ''], ['composite', t.composite, 'num'], ['outcome', t.outcome, ''], [null, t.sheets, 'num'], [null, t.missing, '']];
    this.$.thead = el('tr', null, cols.map(([k, label, cls]) => k
      ? el('th', { scope: 'col', class: cls, 'aria-sort': this.sort.key === k ? (this.sort.dir > 0 ? 'ascending' : 'descending') : 'none' },
          el('button', { type: 'button', 'data-key': k, 'aria-label': t.sortBy(label), onclick: () => this.resort(k) }, label))
      : el('th', { scope: 'col', class: cls }, label)));
    this.$.tbody = el('tbody');
    $.results.append(el('h3', { id: 'xo-h-members' }, t.table),
      el('div', { class: 'scroll tall', tabindex: '0', role: 'region', 'aria-labelledby': 'xo-h-members' },
        el('table', { class: 'members', id: 'xo-members' }, el('thead', null, this.$.thead), this.$.tbody)));
    this.fillMembers();
    // rejected
    $.results.append(el('h3', { id: 'xo-h-rejected' }, t.rejected, `(${report.rejected.length})`));
    if (!report.rejected.length) $.results.append(el('p', { class: 'muted' }, t.noRejected));
    else {
      const rows = report.rejected.map((x) => el('tr', null, el('td', { 'data-label': t.file }, x.source || ''), el('td', { class: 'num', 'data-label': t.line }, x.row),
        el('td', { 'data-label': t.field }, x.field || ''), el('td', { class: 'reason', 'data-label': t.reason }, x.reason)));
      $.results.append(el('div', { class: 'scroll tall', tabindex: '0', role: 'region', 'aria-labelledby': 'xo-h-rejected' },
        el('table', { id: 'xo-rejected', class: 'cards' }, el('thead', null, el('tr', null, [t.file, t.line, t.field, t.reason].map((h, i) => el('th', { scope: 'col', class: i === 1 ? 'num' : '' }, h)))), el('tbody', null, rows))));
    }
    // charts
    $.results.append(el('h3', null, t.charts), el('div', { class: 'charts' }, this.histogram(report), this.groupChart(report)));
    if ($.forms.classList.contains('show')) this.renderForms();
  }

  resort(key) {
    this.sort = this.sort.key === key ? { key, dir: -this.sort.dir } : { key, dir: key === 'composite' ? -1 : 1 };
    for (const th of this.$.thead.children) {
      const b = th.querySelector('button');
      if (b) th.setAttribute('aria-sort', b.dataset.key === key ? (this.sort.dir > 0 ? 'ascending' : 'descending') : 'none');
    }
    this.fillMembers();
    const b = this.$.thead.querySelector(`button[data-key=${key}]`);
    if (b) b.focus();
  }

  fillMembers() {
    const t = this.t;
    const frag = document.createDocumentFragment();
    for (const m of this.sorted()) {
      const bad = /不合格/.test(m.outcome || '');
      frag.append(el('tr', null,
        el('th', { scope: 'row' }, m.member),
        el('td', { class: 'num' }, fmt(m.composite)),
        el('td', null, el('span', { class: bad ? 'o-bad' : '' }, m.outcome || '—'), m.suggestion ? el('span', { class: 'badge' }, t.suggestion) : null),
        el('td', { class: 'num' }, m.sheets),
        el('td', null, (m.missing_groups || []).join('、'))));
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

  // ------------------------------------------------------------ print (评议意见表, 附件4)
  /** One 评议意见表 per member (table order), shown and printed one per A4 page. */
  renderForms() {
    if (!this.result) return 0;
    const t = this.t;
    const frag = document.createDocumentFragment();
    for (const m of this.sorted()) {
      frag.append(el('section', { class: 'form' },
        el('h4', null, t.formsTitle),
        el('table', null, el('tbody', null,
          el('tr', null, el('th', { scope: 'row' }, t.name), el('td', null, m.member), el('th', { scope: 'row' }, t.post), el('td', null, '')),
          el('tr', null, el('th', { scope: 'row' }, '测评综合得分'), el('td', { colspan: '3' }, fmt(m.composite))),
          el('tr', null, el('th', { scope: 'row' }, t.strengths), el('td', { colspan: '3', class: 'box' })),
          el('tr', null, el('th', { scope: 'row' }, t.weaknesses), el('td', { colspan: '3', class: 'box' })),
          el('tr', null, el('th', { scope: 'row' }, t.direction), el('td', { colspan: '3', class: 'box' })),
          el('tr', null, el('td', { colspan: '4' }, el('div', { class: 'sign' }, el('span', null, t.signBranch), el('span', null, t.ymd)))),
          el('tr', null, el('td', { colspan: '4' }, el('div', { class: 'sign' }, el('span', null, t.signMember), el('span', null, t.ymd))))))));
    }
    this.$.forms.replaceChildren(frag);
    this.$.forms.classList.add('show');
    return this.result.report.members.length;
  }

  print() { this.renderForms(); window.print(); }

  // ------------------------------------------------------------ export
  table() {
    const { report } = this.result;
    const t = this.t;
    const items = (report.items || []).map((x) => x[0]);
    const groups = [...new Set(report.members.flatMap((m) => Object.keys(m.groups || {})))];
    const head = [t.name, t.composite, t.outcome, t.suggestion, t.sheets, t.missing, ...items, ...groups.map((g) => `${g}平均分`)];
    const rows = this.sorted().map((m) => [m.member, m.composite ?? null, m.outcome || '', m.suggestion ? '是' : '否', m.sheets, (m.missing_groups || []).join('、'),
      ...items.map((i) => m.items ? m.items[i] ?? null : null), ...groups.map((g) => m.groups && m.groups[g] ? m.groups[g].mean : null)]);
    return [head, ...rows];
  }

  async xlsxBlob() {
    const { report } = this.result;
    const t = this.t;
    return toXlsx([
      { name: t.table, rows: this.table() },
      { name: t.rejected, rows: [[t.file, t.line, t.field, t.reason], ...report.rejected.map((x) => [x.source || '', x.row, x.field || '', x.reason])] },
      { name: t.summary, rows: [[t.item, ''], ['读取 read', report.rows.read], ['计分 scored', report.rows.scored], ['未计分 rejected', report.rows.rejected], [t.form, report.form]] },
    ]);
  }
  csvBlob() { return toCsv(this.table()); }

  save(blob, name) { saveBlob(blob, name, this.shadow); }
  async exportXlsx() { this.save(await this.xlsxBlob(), `${this.result.report.form}-测评结果.xlsx`); }
  exportCsv() { this.save(this.csvBlob(), `${this.result.report.form}-测评结果.csv`); }
}

if (!customElements.get('xianjiao-office')) customElements.define('xianjiao-office', XianjiaoOffice);
export { XianjiaoOffice, openXlsx }; // openXlsx: lets a page (and the tests) read an exported workbook back

// ---------------------------------------------------------------------------
// The office page's 单位汇总 tab (issue 23): a 先教办 or a 督导组 drops a folder
// (or many files) of what the units sent — unit records and lower levels' 汇总
// (.json), rosters with progress (花名册 .csv/.xlsx) — and sees one row per unit:
// batch and phase, each requirement as members done/due/overdue, the unit's own
// figures, the 转段 gate and what blocks it, satisfaction, 补课, the 转段申请.
// Sort, filter (overdue, 补课, not yet applied), drill down to a unit's members,
// export the 汇总 (XLSX / JSON for the level above / printable HTML).
//
// Nothing is decided here: the files are gathered by core's UnitGather through
// the office wasm (`UnitsDesk`: read / refused with the reason / duplicate, as
// `xianjiao units` gathers them), the table, the filters, the drill-down and
// the exports are core's (`units -o`). This module only hands each file's
// bytes to the office wasm (the CLI's reader) and shows what core returns.
//
// <xianjiao-units> has its own Shadow DOM and stylesheet; `unitsTabs` is the
// office element's hook that puts it in a second tab.
// ---------------------------------------------------------------------------
import { statusWord } from 'xianjiao-office-glue'; // (a word of core's catalogue: the module without Rhai, always initialised before a desk exists)
import { outputApi, definitionXlsx } from './office-out.js';
import { needsFull } from './office-engine.js';
import { el, saveBlob, sortedBy } from './dom.js';
import { OFFICE_BASE_CSS, officeBaseSheet } from './office-style.js';

const XU_STRINGS = {
  zh: {
    tabScore: '评议计分', tabUnits: '单位汇总', tabs: '工作台',
    intro: '先教办、督导组:把各单位报来的文件(单位记录和下级汇总 .json,含进度的花名册 .csv/.xlsx,支部带“花名册与进度”导出的评议结果,督导组记录和先教办抽查表)整个文件夹拖到这里,每个单位一行。文件只在本浏览器中读取。',
    drop: '把文件夹或多个文件拖到这里,或', pickFiles: '选择文件…', pickDir: '选择文件夹…', clear: '清空',
    level: '本级名称', on: '查看日期', onHint: '(阶段和逾期按这一天算)', oversight: '督导组名单(每行:督导组,单位;可不填)',
    working: '正在汇总…', failed: '无法汇总:', done: (n, m) => `${n} 个单位,${m} 名党员。`,
    files: '文件', fileCol: '文件', state: '状态', reason: '原因', count: (r, x, d) => `已读 ${r} · 拒收 ${x} · 重复 ${d}`,
    filters: '筛选', fOverdue: '有逾期', fBuke: '补课', fNot: '未申请转段', shown: (a, b) => `显示 ${a} / ${b} 个单位`,
    sortBy: (c) => `按${c}排序`, drill: (u) => `查看 ${u} 的党员`, members: (u) => `${u} 的党员`, close: '收起',
    noMembers: '这个单位的文件没有党员名单(只有人数或下级汇总)。', name: '姓名', role: '角色', nth: (i) => `第 ${i} 名`,
    xlsx: '导出汇总 XLSX', json: '导出汇总 JSON(供上一级汇总)', html: '下载打印版(HTML)', table: '单位汇总表',
    group: '督导组', allGroups: '全部督导组', recordXlsx: '督导记录册 XLSX(下次带回续记)', recordHtml: '督导记录册打印版(HTML)',
  },
  en: {
    tabScore: 'Scoring', tabUnits: 'Unit table', tabs: 'Workbench',
    intro: 'Campaign offices and 督导组: drop the folder of what the units sent (unit records and lower levels\' tables as .json, rosters with progress as .csv/.xlsx, branches\' results exported with their roster and progress, the 督导组\'s records and the 先教办\'s 抽查): one row per unit. Files stay in this browser.',
    drop: 'Drop a folder or several files here, or', pickFiles: 'Choose files…', pickDir: 'Choose a folder…', clear: 'Clear',
    level: 'This level', on: 'On day', onHint: '(phase and overdue as of this day)', oversight: '督导组 list (one a line: group,unit; optional)',
    working: 'Building the table…', failed: 'Cannot build the table: ', done: (n, m) => `${n} units, ${m} members.`,
    files: 'Files', fileCol: 'File', state: 'State', reason: 'Reason', count: (r, x, d) => `read ${r} · refused ${x} · duplicate ${d}`,
    filters: 'Filter', fOverdue: 'overdue', fBuke: '补课', fNot: 'not yet applied', shown: (a, b) => `showing ${a} of ${b} units`,
    sortBy: (c) => `Sort by ${c}`, drill: (u) => `Members of ${u}`, members: (u) => `Members of ${u}`, close: 'Close',
    noMembers: 'This unit\'s files list no members (a headcount or a lower level only).', name: 'Name', role: 'Role', nth: (i) => `#${i}`,
    xlsx: 'Export table (XLSX)', json: 'Export table (JSON, for the level above)', html: 'Download printable (HTML)', table: 'Unit table',
    group: '督导组', allGroups: 'every 督导组', recordXlsx: '督导组 record book (XLSX, to bring back)', recordHtml: '督导组 record book (printable HTML)',
  },
};

const XU_CSS = `
:host { display: block; font-size: max(16px, 1em); color: #1f2937; line-height: 1.6; }
button, input, textarea, select { font: inherit; color: inherit; }
select { min-height: 44px; border: 1px solid #6b7280; border-radius: .3em; background: #fff; padding: 0 .4em; }
.actions label { align-self: center; }
.opts { display: grid; grid-template-columns: repeat(auto-fit, minmax(14em, 1fr)); gap: .5em 1em; }
.opts label { display: block; font-weight: bold; }
.opts input[type=text], .opts input[type=date] { width: 100%; min-height: 44px; border: 1px solid #6b7280; border-radius: .3em; padding: 0 .4em; background: #fff; }
.opts textarea { width: 100%; min-height: 5.5em; border: 1px solid #6b7280; border-radius: .3em; padding: .3em; }
.opts .wide { grid-column: 1 / -1; }
fieldset { border: 1px solid #d1d5db; border-radius: .4em; margin: .6em 0; display: flex; flex-wrap: wrap; gap: .2em 1.2em; align-items: center; }
legend { font-weight: bold; padding: 0 .3em; }
fieldset label { display: inline-flex; gap: .4em; align-items: center; min-height: 44px; cursor: pointer; }
fieldset input { width: 1.3em; height: 1.3em; }
.tall { max-height: 36em; overflow-y: auto; border: 1px solid #d1d5db; border-radius: .3em; }
table.units td, table.units th { min-width: 4em; }
table.units td.long { min-width: 11em; }
table.units td:not(.long) { max-width: 9em; }
th button.sort { background: none; border: none; padding: .2em .1em; font-weight: bold; width: 100%; text-align: left; }
tr.total { font-weight: bold; background: #f9fafb; }
td.bad, span.bad { color: #991b1b; font-weight: bold; }
td.ok { color: #065f46; }
button.unit { background: none; border: none; padding: .2em 0; color: #1d4ed8; text-decoration: underline; text-align: left; font-weight: bold; }
button.unit[aria-expanded=true] { color: #1e3a8a; }
.st-overdue { color: #991b1b; font-weight: bold; }
.st-pending { color: #92400e; }
.st-done, .st-exempt { color: #065f46; }
.parts > span { display: block; }
th.item { min-width: 5.5em; }
#xu-member-table th[scope=row], #xu-member-table td:nth-child(2) { white-space: nowrap; }
div.members { border: 1px solid #1d4ed8; border-radius: .4em; padding: .2em .8em .6em; margin: .8em 0; }
details summary { font-weight: bold; min-height: 44px; display: flex; align-items: center; cursor: pointer; }
/* Phones: each unit (and each file) a card, label: value, no sideways scrolling. */
@media (max-width: 40em) {
  table.cards thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.cards tr { display: block; border-bottom: 2px solid #9ca3af; padding: .4em 0; }
  table.cards td, table.cards th[scope=row] { display: grid; grid-template-columns: 6.5em 1fr; gap: .5em; border: none; padding: .1em .3em; min-width: 0; word-break: break-word; }
  table.cards td::before, table.cards th[scope=row]::before { content: attr(data-label); color: #4b5563; font-weight: normal; }
  table.cards td:empty { display: none; }
  .tall { max-height: none; border: none; }
}
`;
let xuSheet = null;

const STATES = { '已读': 'read', '拒收': 'refused', '重复': 'duplicate' };
const collator = new Intl.Collator('zh-CN', { numeric: true });
// The 单位汇总 sheet's columns that hold long text (shown wider).
const LONG = new Set(['各项(完成/待办/逾期)', '本单位(学时、会议)', '转段条件', '满意度与成效测评']);

/** A dropped or picked file's path as the CLI would name it inside the folder. */
const pathOf = (f) => f.xuPath || f.webkitRelativePath || f.name;

/** Every File under a drop (folders walked, entries in name order). */
async function droppedFiles(dt) {
  const entries = [...(dt.items || [])].map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
  if (!entries.length) return [...(dt.files || [])];
  const out = [];
  const walk = async (e, prefix) => {
    if (e.isFile) {
      const f = await new Promise((res, rej) => e.file(res, rej));
      f.xuPath = prefix + f.name;
      out.push(f);
    } else if (e.isDirectory) {
      const r = e.createReader();
      let batch;
      const all = [];
      do { batch = await new Promise((res, rej) => r.readEntries(res, rej)); all.push(...batch); } while (batch.length);
      for (const c of all) await walk(c, prefix + e.name + '/');
    }
  };
  for (const e of entries) await walk(e, '');
  return out;
}


class XianjiaoUnits extends HTMLElement {
  static get observedAttributes() { return ['lang']; }
  constructor() {
    super();
    this.shadow = this.attachShadow({ mode: 'open' });
    try {
      if (!xuSheet) { xuSheet = new CSSStyleSheet(); xuSheet.replaceSync(XU_CSS); }
      this.shadow.adoptedStyleSheets = [officeBaseSheet(), xuSheet];
    } catch (_) { const s = document.createElement('style'); s.textContent = OFFICE_BASE_CSS + XU_CSS; this.shadow.appendChild(s); }
    this.files = [];
    this.view = null;     // what core returned: {files, table, keep, sheet}
    this.sort = null;     // {col, dir}
    this.open = null;     // the row index drilled into
    this.desk = null;
    this.seq = 0;
  }
  get lang() { return this.getAttribute('lang') === 'en' ? 'en' : 'zh'; }
  get t() { return XU_STRINGS[this.lang]; }
  /** The rule file's URL (set by the office element's hook; a `rules` attribute when used alone). */
  rulesUrl() { return this.office ? this.office.rulesUrl() : new URL(this.getAttribute('rules') || 'rules/guangan.rhai', document.baseURI).href; }

  connectedCallback() { if (!this.$) this.build(); }
  attributeChangedCallback() { if (this.$) { this.build(); if (this.view) this.show(); } }

  build() {
    const t = this.t;
    const kept = this.$ ? { level: this.$.level.value, on: this.$.on.value, ov: this.$.ov.value, f: this.filters() } : null;
    this.shadow.replaceChildren();
    const $ = this.$ = {};
    const take = (input) => { if (input.files.length) this.addFiles([...input.files]); input.value = ''; };
    $.file = el('input', { type: 'file', id: 'xu-file', multiple: true, accept: '.json,.csv,.xlsx', class: 'vh', tabindex: '-1', 'aria-hidden': 'true', onchange: () => take($.file) });
    $.dir = el('input', { type: 'file', id: 'xu-dir', multiple: true, webkitdirectory: true, class: 'vh', tabindex: '-1', 'aria-hidden': 'true', onchange: () => take($.dir) });
    $.drop = el('div', { class: 'drop', id: 'xu-drop' }, el('p', null, t.drop),
      el('button', { type: 'button', class: 'primary', id: 'xu-pick-dir', onclick: () => $.dir.click() }, t.pickDir),
      el('button', { type: 'button', id: 'xu-pick', onclick: () => $.file.click() }, t.pickFiles),
      el('button', { type: 'button', id: 'xu-clear', onclick: () => this.clear() }, t.clear), $.file, $.dir);
    for (const ev of ['dragenter', 'dragover']) $.drop.addEventListener(ev, (e) => { e.preventDefault(); $.drop.classList.add('over'); });
    $.drop.addEventListener('dragleave', () => $.drop.classList.remove('over'));
    $.drop.addEventListener('drop', (e) => {
      e.preventDefault(); $.drop.classList.remove('over');
      if (e.dataTransfer) droppedFiles(e.dataTransfer).then((fs) => { if (fs.length) this.addFiles(fs); }, (err) => this.fail(err));
    });
    const again = () => { clearTimeout(this.typing); if (this.desk) this.refresh().catch(() => {}); };
    // typed text: the table follows as one types (not on blur, which would rebuild the table under a click)
    const typed = () => { clearTimeout(this.typing); this.typing = setTimeout(again, 300); };
    $.level = el('input', { type: 'text', id: 'xu-level', value: kept ? kept.level : '本级', oninput: typed });
    $.on = el('input', { type: 'date', id: 'xu-on', value: kept ? kept.on : (this.getAttribute('today') || ''), 'aria-describedby': 'xu-on-hint', onchange: again });
    $.ov = el('textarea', { id: 'xu-ov', spellcheck: 'false', placeholder: '第一督导组,甲局\n第二督导组,丙办', oninput: typed });
    if (kept) $.ov.value = kept.ov;
    const opts = el('div', { class: 'opts' },
      el('div', null, el('label', { for: 'xu-level' }, t.level), $.level),
      el('div', null, el('label', { for: 'xu-on' }, t.on), $.on, el('span', { class: 'muted', id: 'xu-on-hint' }, t.onHint)),
      el('div', { class: 'wide' }, el('label', { for: 'xu-ov' }, t.oversight), $.ov));
    $.status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite', id: 'xu-status' });
    $.error = el('p', { class: 'error', role: 'alert', id: 'xu-error' });
    $.results = el('div', { id: 'xu-results', hidden: true });
    this.shadow.append(el('div', { lang: this.lang === 'zh' ? 'zh-CN' : 'en' }, el('p', { class: 'muted' }, t.intro), $.drop, opts, $.status, $.error, $.results));
    if (kept) for (const [k, v] of Object.entries(kept.f)) this.pendingFilters = Object.assign(this.pendingFilters || {}, { [k]: v });
  }

  fail(e) {
    const m = String(e && e.message || e);
    this.$.error.textContent = this.t.failed + m;
    this.$.status.textContent = '';
    this.dispatchEvent(new CustomEvent('xianjiao-units-error', { detail: { message: m }, bubbles: true, composed: true }));
  }

  clear() {
    this.files = []; this.view = null; this.open = null;
    if (this.desk) { this.desk.free(); this.desk = null; }
    this.$.results.hidden = true; this.$.results.replaceChildren(); this.$.error.textContent = ''; this.$.status.textContent = '';
  }

  /** Adds files (File objects, a folder's included) and rebuilds the table; resolves to what core returned. */
  addFiles(files) {
    clearTimeout(this.typing); // the table is built with what is typed now
    this.files = this.files.concat(files);
    this.files.sort((a, b) => (pathOf(a) < pathOf(b) ? -1 : pathOf(a) > pathOf(b) ? 1 : 0)); // the CLI reads a folder in name order
    return this.regather();
  }

  /** Every file through core's gathering, in order: duplicate? read (JSON / roster rows) or refused with the reason. */
  async regather() {
    const id = ++this.seq;
    this.$.error.textContent = ''; this.$.status.textContent = this.t.working;
    try {
      // the files' bytes fetched together (one await per file, in turn, took a second for a city's 2,394 files)
      const all = await Promise.all(this.files.map((f) => f.arrayBuffer()));
      // The office wasm (with Rhai only if the rules need it; the full one also for an XLSB, XLS or ODS: engine.needs_full).
      const gather = async (full) => {
        const { m, engine } = await outputApi(this.rulesUrl(), full);
        const desk = new m.UnitsDesk(); // the engine's own module: a desk and its engine come from one wasm
        try { this.files.forEach((f, k) => desk.read(engine, pathOf(f), new Uint8Array(all[k]))); } // read, refused with the reason, or a duplicate: the CLI's reader decides
        catch (e) { desk.free(); if (!full && needsFull(e)) return gather(true); throw e; }
        return { desk, engine };
      };
      const { desk, engine } = await gather(false);
      if (id !== this.seq) { desk.free(); return null; }
      if (this.desk) this.desk.free();
      this.desk = desk; this.deskEngine = engine; this.open = null;
      return await this.refresh();
    } catch (e) { this.fail(e); throw e; }
  }

  args() { return [this.$.level.value.trim() || '本级', this.$.on.value || '', this.$.ov.value || '']; }

  /** The table for the current level, day and 督导组 list (core's), then the page. */
  async refresh() {
    try {
      const engine = this.deskEngine; // the desk's own engine
      this.view = JSON.parse(this.desk.table(engine, ...this.args()));
      this.show();
      const tb = this.view.table;
      this.$.status.textContent = this.t.done(tb.total.counts.units, tb.total.counts.members);
      this.dispatchEvent(new CustomEvent('xianjiao-units-done', { detail: this.view, bubbles: true, composed: true }));
      return this.view;
    } catch (e) { this.fail(e); throw e; }
  }

  filters() {
    const $ = this.$;
    return $ && $.fOverdue ? { overdue: $.fOverdue.checked, buke: $.fBuke.checked, not_applied: $.fNot.checked } : { overdue: false, buke: false, not_applied: false };
  }

  show() {
    const t = this.t, $ = this.$, v = this.view;
    const f = this.pendingFilters || this.filters();
    this.pendingFilters = null;
    $.results.replaceChildren(); $.results.hidden = false;
    // every file accounted for
    const n = { read: 0, refused: 0, duplicate: 0 };
    for (const x of v.files) n[STATES[x.state]]++;
    const fileRows = v.files.map((x) => el('tr', { 'data-state': STATES[x.state] },
      el('td', { 'data-label': t.fileCol }, x.file), el('td', { 'data-label': t.state, class: x.state === '拒收' ? 'bad' : '' }, x.state), el('td', { 'data-label': t.reason }, x.reason || '')));
    $.results.append(el('details', { id: 'xu-files', open: n.refused > 0 || n.duplicate > 0 },
      el('summary', null, `${t.files}:`, el('span', { id: 'xu-file-count', class: n.refused ? 'bad' : '' }, t.count(n.read, n.refused, n.duplicate))),
      el('div', { class: 'scroll' }, el('table', { class: 'cards', id: 'xu-file-table' },
        el('thead', null, el('tr', null, el('th', { scope: 'col' }, t.fileCol), el('th', { scope: 'col' }, t.state), el('th', { scope: 'col' }, t.reason))), el('tbody', null, fileRows)))));
    // filters (core's: which rows each of `--overdue`, `--buke`, `--not-applied` keeps)
    const box = (id, label, on) => { const i = el('input', { type: 'checkbox', id, checked: on, onchange: () => this.fillRows() }); return [i, el('label', { for: id }, i, label)]; };
    const [fo, lo] = box('xu-f-overdue', t.fOverdue, f.overdue), [fb, lb] = box('xu-f-buke', t.fBuke, f.buke), [fn, ln] = box('xu-f-not', t.fNot, f.not_applied);
    Object.assign($, { fOverdue: fo, fBuke: fb, fNot: fn });
    $.shown = el('span', { class: 'muted', id: 'xu-shown', 'aria-live': 'polite' });
    $.results.append(el('fieldset', null, el('legend', null, t.filters), lo, lb, ln, $.shown));
    // exports (core's, as `units -o`)
    $.results.append(el('div', { class: 'actions' },
      el('button', { type: 'button', id: 'xu-xlsx', onclick: () => this.exportXlsx() }, t.xlsx),
      el('button', { type: 'button', id: 'xu-json', onclick: () => this.exportJson() }, t.json),
      el('button', { type: 'button', id: 'xu-html', onclick: () => this.exportHtml() }, t.html)));
    // the 督导组's record book (`units --record`): every 督导组's units, or one 督导组's
    const groups = [...new Set(v.table.rows.flatMap((r) => [r, ...(r.details || [])]).map((r) => r.oversight).filter(Boolean))].sort();
    $.group = el('select', { id: 'xu-group' }, el('option', { value: '' }, t.allGroups), groups.map((g) => el('option', { value: g }, g)));
    $.results.append(el('div', { class: 'actions' },
      el('label', { for: 'xu-group' }, t.group), $.group,
      el('button', { type: 'button', id: 'xu-record-xlsx', onclick: () => this.save('record-xlsx') }, t.recordXlsx),
      el('button', { type: 'button', id: 'xu-record-html', onclick: () => this.save('record-html') }, t.recordHtml)));
    // the table: core's 单位汇总 sheet (columns and cells), one row per unit, the total last
    const sh = v.sheet;
    const sort = this.sort || { col: -1, dir: 1 };
    // columns empty in every row (no votes, no 百题测试 …) are left out of the page (the exports keep them)
    this.cols = sh.columns.map((_, i) => i).filter((i) => i === 0 || sh.rows.some((r) => r[i] != null && r[i] !== ''));
    $.thead = el('tr', null, this.cols.map((i) => sh.columns[i]).map((c, k) => [c, this.cols[k]]).map(([c, i]) => el('th', { scope: 'col', 'aria-sort': sort.col === i ? (sort.dir > 0 ? 'ascending' : 'descending') : 'none' },
      el('button', { type: 'button', class: 'sort', 'data-col': String(i), 'aria-label': t.sortBy(c.header), onclick: () => this.resort(i) }, c.header))));
    $.tbody = el('tbody');
    $.results.append(el('h3', { id: 'xu-h-table' }, `${v.table.level} ${t.table}`),
      el('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'xu-h-table' },
        el('table', { class: 'units cards', id: 'xu-table' }, el('thead', null, $.thead), $.tbody)));
    $.members = el('div', { id: 'xu-members-host' });
    $.results.append($.members);
    this.fillRows();
    if (this.open != null) this.showMembers(this.open, false).catch((e) => this.fail(e)); // a new day or list: the open unit again
  }

  resort(col) {
    const cur = this.sort || { col: -1, dir: 1 };
    this.sort = cur.col === col ? { col, dir: -cur.dir } : { col, dir: 1 };
    sortedBy(this.$.thead, col, this.sort.dir, () => this.fillRows());
  }

  /** The unit rows shown: kept by every filter ticked (core's flags), in the chosen order; the total last. */
  visible() {
    const v = this.view, f = this.filters();
    const sh = v.sheet;
    const idx = v.table.rows.map((_, i) => i).filter((i) => Object.keys(f).every((k) => !f[k] || v.keep[i][k]));
    if (this.sort) {
      const { col, dir } = this.sort;
      idx.sort((a, b) => dir * collator.compare(String(sh.rows[a][col] ?? ''), String(sh.rows[b][col] ?? '')) || a - b);
    }
    return idx;
  }

  fillRows() {
    const t = this.t, v = this.view, sh = v.sheet;
    const cols = sh.columns;
    const idx = this.visible();
    const cell = (row, i, total, unitIndex) => {
      const label = cols[i].header, text = row[i] == null ? '' : String(row[i]);
      if (i === 0) {
        const kids = unitIndex != null && v.table.rows[unitIndex].kind === 'unit'
          ? el('button', { type: 'button', class: 'unit', 'aria-expanded': String(this.open === unitIndex), 'aria-controls': 'xu-members', 'aria-label': t.drill(text), 'data-unit': text, onclick: () => this.drill(unitIndex) }, text)
          : text;
        return el('th', { scope: 'row', 'data-label': label }, kids);
      }
      const long = LONG.has(label);
      const cls = (long ? 'long ' : '') + (/^不能转段|^补课$/.test(text) && !total ? 'bad' : /^可以申请转段/.test(text) ? 'ok' : '');
      // a long cell's parts (core joins them with ;) one a line
      const parts = long ? text.split(/;(?![^(]*[))])/).filter(Boolean) : [text];
      return el('td', { 'data-label': label, class: cls.trim() }, parts.length > 1 ? el('span', { class: 'parts' }, parts.map((p) => el('span', { class: /逾期|\/[1-9]\d*$/.test(p) && !total ? 'bad' : '' }, p))) : text);
    };
    const frag = document.createDocumentFragment();
    for (const i of idx) frag.append(el('tr', { 'data-row': String(i) }, this.cols.map((c) => cell(sh.rows[i], c, false, i))));
    const total = sh.rows[sh.rows.length - 1];
    frag.append(el('tr', { class: 'total', id: 'xu-total' }, this.cols.map((c) => cell(total, c, true, null))));
    this.$.tbody.replaceChildren(frag);
    this.$.shown.textContent = t.shown(idx.length, v.table.rows.length);
  }

  /** A unit's members and the status of each requirement (core's drill-down), below the table. */
  async drill(i) {
    if (this.open === i) { this.open = null; this.$.members.replaceChildren(); this.fillRows(); return null; }
    this.open = i;
    this.fillRows();
    return this.showMembers(i, true);
  }

  async showMembers(i, focus) {
    const t = this.t, v = this.view, row = v.table.rows[i];
    const engine = this.deskEngine; // the desk's own engine
    const members = JSON.parse(this.desk.members(engine, i, this.args()[1]));
    if (this.open !== i || this.view !== v) return members;
    const labels = new Map();
    for (const r of v.table.rows) for (const [id, label] of r.items) labels.set(id, label);
    const ids = [];
    for (const m of members) for (const [id] of m.items) if (!ids.includes(id)) ids.push(id);
    const head = el('h3', { id: 'xu-h-members', tabindex: '-1' }, t.members(row.name), `(${members.length})`);
    const body = members.length
      ? el('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'xu-h-members' }, el('table', { class: 'cards', id: 'xu-member-table' },
        el('thead', null, el('tr', null, el('th', { scope: 'col' }, t.name), el('th', { scope: 'col' }, t.role), ids.map((id) => el('th', { scope: 'col', class: 'item', title: labels.get(id) || id }, id)))),
        el('tbody', null, members.map((m, k) => {
          const st = new Map(m.items);
          return el('tr', null, el('th', { scope: 'row', 'data-label': t.name }, m.name || t.nth(k + 1)), el('td', { 'data-label': t.role }, m.role),
            ids.map((id) => { const s = st.get(id); return el('td', { 'data-label': id, class: s ? `st-${s}` : '' }, s ? statusWord(this.lang, s) : (m.error || '')); }));
        }))))
      : el('p', { class: 'muted' }, t.noMembers);
    const sec = el('div', { class: 'members', id: 'xu-members' }, head, body,
      el('button', { type: 'button', id: 'xu-members-close', onclick: () => this.drill(i) }, t.close));
    this.$.members.replaceChildren(sec);
    if (focus) head.focus();
    return members;
  }

  async exportBlob(kind) {
    const engine = this.deskEngine; // the desk's own engine
    const a = this.args();
    if (kind === 'xlsx') return definitionXlsx(this.rulesUrl(), JSON.parse(this.desk.workbook(engine, ...a)));
    if (kind === 'json') return new Blob([this.desk.tableJson(engine, ...a)], { type: 'application/json' });
    const group = this.$.group ? this.$.group.value : '';
    if (kind === 'record-xlsx') return definitionXlsx(this.rulesUrl(), JSON.parse(this.desk.recordWorkbook(engine, ...a, group)));
    if (kind === 'record-html') return new Blob([this.desk.recordHtml(engine, ...a, group)], { type: 'text/html;charset=utf-8' });
    return new Blob([this.desk.html(engine, ...a)], { type: 'text/html;charset=utf-8' });
  }
  async save(kind) {
    const [what, ext] = kind.startsWith('record-') ? [`${(this.$.group && this.$.group.value) || this.args()[0]}-督导记录`, kind.slice(7)] : ['单位汇总', kind];
    try { saveBlob(await this.exportBlob(kind), what.endsWith('督导记录') ? `${what}.${ext}` : `${this.args()[0]}-${what}.${ext}`, this.shadow); } catch (e) { this.fail(e); }
  }
  exportXlsx() { return this.save('xlsx'); }
  exportJson() { return this.save('json'); }
  exportHtml() { return this.save('html'); }
}

if (!customElements.get('xianjiao-units')) customElements.define('xianjiao-units', XianjiaoUnits);

/**
 * The office element's hook: a tab list above its scoring view (評议计分) and the 单位汇总 tab
 * (<xianjiao-units>, kept across rebuilds of the office element so its files stay).
 */
export function unitsTabs(office, ui, head) {
  const t = XU_STRINGS[office.lang];
  if (!office.unitsEl) { office.unitsEl = document.createElement('xianjiao-units'); office.unitsEl.office = office; office.unitsEl.id = 'xu'; }
  office.unitsEl.setAttribute('lang', office.lang);
  const kids = [...ui.childNodes].filter((n) => n !== head);
  const panels = [
    el('div', { role: 'tabpanel', id: 'xo-panel-score', 'aria-labelledby': 'xo-tab-score' }, kids),
    el('div', { role: 'tabpanel', id: 'xo-panel-units', 'aria-labelledby': 'xo-tab-units' }, office.unitsEl),
  ];
  const tabs = [['xo-tab-score', 'xo-panel-score', t.tabScore], ['xo-tab-units', 'xo-panel-units', t.tabUnits]].map(([id, panel, label]) =>
    el('button', { type: 'button', role: 'tab', id, 'aria-controls': panel }, label));
  const select = (k, focus) => {
    office.unitsTab = k;
    tabs.forEach((b, i) => { b.setAttribute('aria-selected', String(i === k)); b.tabIndex = i === k ? 0 : -1; b.classList.toggle('primary', i === k); panels[i].hidden = i !== k; });
    if (focus) tabs[k].focus();
  };
  tabs.forEach((b, i) => {
    b.addEventListener('click', () => select(i, false));
    b.addEventListener('keydown', (e) => {
      const k = { ArrowRight: (i + 1) % 2, ArrowLeft: (i + 1) % 2, Home: 0, End: 1 }[e.key];
      if (k != null) { e.preventDefault(); select(k, true); }
    });
  });
  ui.append(el('div', { role: 'tablist', 'aria-label': t.tabs, class: 'actions', id: 'xo-tabs' }, tabs), ...panels);
  select(office.unitsTab || 0, false);
}

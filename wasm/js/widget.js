
// ---------------------------------------------------------------------------
// <xianjiao-widget>: appended to the wasm-bindgen glue by `./x build`, so the
// whole widget ships as one xianjiao.js plus xianjiao_bg.wasm. It uses the
// glue's own bindings (Engine, renderHighlights, __wbg_init) directly.
//
// Invariants: user text only ever reaches the DOM as text nodes (no innerHTML
// with data); nothing is sent anywhere (the only requests are the module, the
// .wasm and the rule files); drafts and ticks live in localStorage under one
// key per rule file, removed by "清除我的数据".
// ---------------------------------------------------------------------------

const XJ_STRINGS = {
  zh: {
    title: '先进性教育 · 自查', loading: '正在载入规则…', tabs: ['日程', '清单', '材料自查', '计算器'],
    role: '我的角色', unit: '单位类型', conditions: '个人情况', today: '今天', phase: '阶段', step: '环节', dates: '时间',
    status: { upcoming: '未开始', current: '进行中', overdue: '已逾期', done: '已完成', past: '已结束', pending: '待完成', exempt: '免除', not_applicable: '不适用' },
    currentPhase: '当前阶段', due: '正在进行', overdueSteps: '已过期的环节', none: '无',
    gateMet: '转段条件已满足', gateBlocked: '转段尚缺', kind: '材料种类', draft: '在此粘贴或输入草稿(只保存在本机浏览器)',
    chars: '字数', min: '最低', parts: '必备部分', areas: '应涉及的方面', covered: '已涉及', missing: '未涉及', findings: '提示',
    pass: '通过', fail: '未通过', preview: '标注预览', form: '测评表', group: '评议组', composite: '综合得分', outcome: '结论',
    vote: '满意度测评', rate: '比率', respondents: '参评人数', triggered: '触发', clear: '清除我的数据', print: '打印自查报告',
    large: '大字', lang: 'English', errors: '规则文件有错误,请联系发布单位:', cleared: '已清除本机保存的数据', saved: '已自动保存在本机',
    item: '项目', weight: '权重', mean: '平均分', report: '自查报告', substitute: '可替代', reason: '说明', dueDate: '截止',
    noForm: '本地规则未设测评表', noVote: '本地规则未设满意度测评', privacy: '您输入的内容不会离开本浏览器。',
  },
  en: {
    title: 'Campaign self-check', loading: 'Loading rules…', tabs: ['Schedule', 'Checklist', 'Materials', 'Calculator'],
    role: 'My role', unit: 'Unit type', conditions: 'Circumstances', today: 'Today', phase: 'Phase', step: 'Step', dates: 'Dates',
    status: { upcoming: 'upcoming', current: 'in progress', overdue: 'overdue', done: 'done', past: 'ended', pending: 'pending', exempt: 'exempt', not_applicable: 'n/a' },
    currentPhase: 'Current phase', due: 'Due now', overdueSteps: 'Overdue steps', none: 'none',
    gateMet: 'Phase transition: ready', gateBlocked: 'Phase transition blocked by', kind: 'Material', draft: 'Paste or type your draft (kept in this browser only)',
    chars: 'Characters', min: 'minimum', parts: 'Required parts', areas: 'Areas', covered: 'covered', missing: 'missing', findings: 'Findings',
    pass: 'Pass', fail: 'Not yet', preview: 'Highlighted draft', form: 'Form', group: 'Rater group', composite: 'Composite', outcome: 'Outcome',
    vote: 'Satisfaction vote', rate: 'Rate', respondents: 'Respondents', triggered: 'Triggers', clear: 'Clear my data', print: 'Print report',
    large: 'Large text', lang: '中文', errors: 'The rule file has errors; please tell the publisher:', cleared: 'Saved data cleared', saved: 'Saved in this browser',
    item: 'Item', weight: 'Weight', mean: 'Mean', report: 'Self-check report', substitute: 'Alternative', reason: 'Reason', dueDate: 'Due',
    noForm: 'These rules define no appraisal form', noVote: 'These rules define no vote', privacy: 'Nothing you type leaves this browser.',
  },
};

const XJ_CSS = `
:host { display: block; font-size: inherit; font-family: inherit; color: #1f2937; line-height: 1.6; }
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
.root { border: 1px solid #9ca3af; border-radius: .5em; background: #fff; padding: .75em; max-width: 100%; }
.root.large { font-size: 1.25em; }
header { display: flex; flex-wrap: wrap; gap: .5em; align-items: center; justify-content: space-between; margin-bottom: .5em; }
h2 { font-size: 1.2em; margin: 0; }
h3 { font-size: 1.05em; margin: .8em 0 .3em; }
.tools { display: flex; flex-wrap: wrap; gap: .4em; }
button, select, input, textarea { font: inherit; color: inherit; }
button { background: #f3f4f6; border: 1px solid #6b7280; border-radius: .35em; padding: .3em .7em; cursor: pointer; min-height: 2.2em; }
button:hover { background: #e5e7eb; }
:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
[role=tablist] { display: flex; flex-wrap: wrap; gap: .25em; border-bottom: 2px solid #1d4ed8; margin-bottom: .75em; }
[role=tab] { border-radius: .35em .35em 0 0; border-bottom: none; background: #fff; }
[role=tab][aria-selected=true] { background: #1d4ed8; color: #fff; border-color: #1d4ed8; }
.row { display: flex; flex-wrap: wrap; gap: .5em 1em; align-items: center; margin: .4em 0; }
label { display: inline-flex; gap: .35em; align-items: center; }
select { max-width: 100%; }
select, input[type=number], input[type=date] { border: 1px solid #6b7280; border-radius: .3em; padding: .2em .4em; min-height: 2.2em; background: #fff; }
input[type=number] { width: 5.5em; }
input[type=checkbox] { width: 1.2em; height: 1.2em; margin: 0; }
textarea { width: 100%; min-height: 12em; border: 1px solid #6b7280; border-radius: .3em; padding: .5em; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #d1d5db; padding: .3em .4em; text-align: left; vertical-align: top; }
.scroll { overflow-x: auto; }
.badge { display: inline-block; padding: 0 .45em; border-radius: .3em; font-size: .9em; white-space: nowrap; border: 1px solid currentColor; }
.s-done, .s-past { color: #065f46; background: #ecfdf5; }
.s-current, .s-pending { color: #1e3a8a; background: #eff6ff; }
.s-overdue { color: #991b1b; background: #fef2f2; }
.s-upcoming, .s-not_applicable { color: #374151; background: #f9fafb; }
.s-exempt { color: #5b21b6; background: #f5f3ff; }
ul.items { list-style: none; padding: 0; margin: 0; }
ul.items > li { border-bottom: 1px solid #e5e7eb; padding: .45em 0; }
.muted { color: #4b5563; font-size: .92em; }
.ok { color: #065f46; font-weight: bold; }
.bad { color: #991b1b; font-weight: bold; }
.meter { height: .6em; background: #e5e7eb; border-radius: .3em; overflow: hidden; margin: .2em 0; }
.meter > span { display: block; height: 100%; background: #1d4ed8; }
.preview { white-space: pre-wrap; word-break: break-all; border: 1px dashed #9ca3af; padding: .5em; max-height: 20em; overflow: auto; }
mark.error { background: #fecaca; color: #7f1d1d; }
mark.warning { background: #fde68a; color: #78350f; }
.diag { color: #991b1b; font-family: ui-monospace, monospace; white-space: pre-wrap; word-break: break-all; }
.status { min-height: 1.4em; }
@media (max-width: 420px) { .root { padding: .5em; } th, td { padding: .25em; } input[type=number] { width: 3.6em; } }
`;

function xjEl(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v == null) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const k of kids.flat()) if (k != null && k !== false) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return e;
}

let xjReady = null;
function xjBoot() { return (xjReady ||= __wbg_init()); }

/** Fetches a rule file and the parents it extends, each resolved against the URL of its child. */
async function xjFetchRules(url) {
  const sources = {};
  const base = new URL(url, document.baseURI);
  const entry = decodeURIComponent(base.pathname.split('/').pop());
  let name = entry, href = base.href;
  for (let depth = 0; depth < 8; depth++) {
    const res = await fetch(href);
    if (!res.ok) {
      if (depth === 0) throw new Error(`${href}: HTTP ${res.status}`);
      break; // a missing parent is reported by the engine as extends.not_found, with its line
    }
    sources[name] = await res.text();
    const m = /^\s*extends\s*\(\s*"([^"]+)"\s*\)/m.exec(sources[name]);
    if (!m || m[1] in sources) break;
    name = m[1];
    href = new URL(m[1], href).href;
  }
  return { sources, entry };
}

class XianjiaoWidget extends HTMLElement {
  static get observedAttributes() { return ['rules', 'unit', 'lang', 'today']; }

  constructor() {
    super();
    this.shadow = this.attachShadow({ mode: 'open' });
    this.engine = null;
    this.state = null;
    this.tab = 0;
    this.refs = {};
    this.pending = 0;
  }

  connectedCallback() { if (!this.started) { this.started = true; this.load(); } }
  attributeChangedCallback(name, old, val) {
    if (!this.started || old === val) return;
    if (name === 'rules') this.load(); else if (this.engine) { if (name === 'unit' && this.state) this.state.unit = val; this.render(); }
  }

  get t() { return XJ_STRINGS[this.lang] || XJ_STRINGS.zh; }
  get lang() { return (this.state && this.state.lang) || this.getAttribute('lang') || 'zh'; }
  get storageKey() { return 'xianjiao:' + (this.getAttribute('rules') || this.entry || 'inline'); }
  get today() { return this.getAttribute('today') || new Date().toISOString().slice(0, 10); }

  /** Loads rules from the `rules` attribute (fetching parents it extends). */
  async load() {
    this.shell(this.t.loading);
    try {
      await xjBoot();
      const url = this.getAttribute('rules');
      if (!url) return;
      const { sources, entry } = await xjFetchRules(url);
      this.loadSources(sources, entry);
    } catch (e) {
      this.shell(String(e && e.message || e), true);
    }
  }

  /** Loads rules from text (the playground uses this): `sources` maps file name → text. */
  async loadSources(sources, entry) {
    await xjBoot();
    if (this.engine) { try { this.engine.free(); } catch (_) {} }
    this.entry = entry;
    this.engine = new Engine(sources, entry);
    if (this.engine.hasErrors()) { this.rules = null; this.renderDiagnostics(); return; }
    this.rules = this.engine.rules();
    this.restore();
    this.render();
  }

  restore() {
    const r = this.rules;
    const roles = r.roles.filter(x => !x.group).map(x => x.name);
    let saved = {};
    try { saved = JSON.parse(localStorage.getItem(this.storageKey) || '{}'); } catch (_) { saved = {}; }
    const unitAttr = this.getAttribute('unit');
    this.state = Object.assign({
      role: roles[0] || (r.roles[0] && r.roles[0].name) || '',
      unit: unitAttr || (r.units[0] && r.units[0].name) || '',
      conditions: [], progress: {}, drafts: {}, kind: r.materials[0] && r.materials[0].kind,
      marks: {}, tiers: {}, form: r.forms[0] && r.forms[0].name, vote: r.votes[0] && r.votes[0].name,
      large: false, lang: this.getAttribute('lang') || 'zh',
    }, saved);
    if (!r.roles.some(x => x.name === this.state.role)) this.state.role = r.roles[0] ? r.roles[0].name : '';
    if (unitAttr && !saved.unit) this.state.unit = unitAttr;
  }

  save() {
    try { localStorage.setItem(this.storageKey, JSON.stringify(this.state)); } catch (_) { /* storage full or blocked: keep working */ }
  }

  clearData() {
    try { localStorage.removeItem(this.storageKey); } catch (_) {}
    this.restore();
    this.render();
    this.announce(this.t.cleared);
  }

  shell(message, isError) {
    this.shadow.replaceChildren(xjEl('style', {}, XJ_CSS), xjEl('div', { class: 'root', role: 'region', 'aria-label': this.t.title },
      xjEl('p', { class: isError ? 'diag' : 'muted', role: isError ? 'alert' : 'status' }, message)));
  }

  renderDiagnostics() {
    const d = this.engine.diagnostics();
    this.shadow.replaceChildren(xjEl('style', {}, XJ_CSS), xjEl('div', { class: 'root', role: 'region', 'aria-label': this.t.title },
      xjEl('h2', {}, this.t.title),
      xjEl('p', { role: 'alert' }, this.t.errors),
      xjEl('ul', { class: 'diag' }, d.map(x => xjEl('li', {}, `${x.file}:${x.line}:${x.col}: ${x.severity}[${x.code}]: ${x.message}`)))));
  }

  announce(msg) { if (this.refs.live) this.refs.live.textContent = msg; }

  render() {
    if (!this.rules || !this.state) return;
    const t = this.t, s = this.state;
    const tabs = t.tabs.map((name, i) => xjEl('button', {
      role: 'tab', id: `xj-tab-${i}`, 'aria-selected': String(i === this.tab), 'aria-controls': `xj-panel-${i}`, tabindex: i === this.tab ? 0 : -1,
      onclick: () => this.select(i), onkeydown: (e) => this.tabKey(e, i),
    }, name));
    const panel = xjEl('div', { role: 'tabpanel', id: `xj-panel-${this.tab}`, 'aria-labelledby': `xj-tab-${this.tab}`, tabindex: 0 });
    this.refs = { panel };
    this.refs.live = xjEl('div', { class: 'status muted', 'aria-live': 'polite', role: 'status' });
    const root = xjEl('div', { class: 'root' + (s.large ? ' large' : ''), lang: this.lang === 'en' ? 'en' : 'zh-CN' },
      xjEl('header', {},
        xjEl('h2', {}, (this.rules.campaign && this.rules.campaign.name) || t.title),
        xjEl('div', { class: 'tools' },
          xjEl('button', { 'aria-pressed': String(!!s.large), onclick: () => { s.large = !s.large; this.save(); this.render(); } }, t.large),
          xjEl('button', { onclick: () => { s.lang = this.lang === 'en' ? 'zh' : 'en'; this.save(); this.render(); } }, t.lang),
          xjEl('button', { onclick: () => this.printReport() }, t.print),
          xjEl('button', { onclick: () => this.clearData() }, t.clear))),
      this.profileRow(),
      xjEl('div', { role: 'tablist', 'aria-label': t.title }, tabs),
      panel, this.refs.live,
      xjEl('p', { class: 'muted' }, t.privacy));
    this.shadow.replaceChildren(xjEl('style', {}, XJ_CSS), root);
    [this.renderSchedule, this.renderChecklist, this.renderMaterial, this.renderCalculator][this.tab].call(this, panel);
  }

  select(i) { this.tab = i; this.render(); const b = this.shadow.getElementById(`xj-tab-${i}`); if (b) b.focus(); }
  tabKey(e, i) {
    const n = this.t.tabs.length;
    if (e.key === 'ArrowRight') { e.preventDefault(); this.select((i + 1) % n); }
    else if (e.key === 'ArrowLeft') { e.preventDefault(); this.select((i + n - 1) % n); }
    else if (e.key === 'Home') { e.preventDefault(); this.select(0); }
    else if (e.key === 'End') { e.preventDefault(); this.select(n - 1); }
  }

  profileRow() {
    const t = this.t, s = this.state, r = this.rules;
    const roleSel = xjEl('select', { id: 'xj-role', onchange: (e) => { s.role = e.target.value; this.save(); this.render(); } },
      r.roles.map(x => xjEl('option', { value: x.name, selected: x.name === s.role }, x.label ? `${x.name}(${x.label})` : x.name)));
    const unitSel = r.units.length ? xjEl('select', { id: 'xj-unit', onchange: (e) => { s.unit = e.target.value; this.save(); this.render(); } },
      r.units.map(x => xjEl('option', { value: x.name, selected: x.name === s.unit }, x.name))) : null;
    const conds = r.conditions.map(c => xjEl('label', {}, xjEl('input', {
      type: 'checkbox', checked: s.conditions.includes(c.name),
      onchange: (e) => { s.conditions = e.target.checked ? [...s.conditions, c.name] : s.conditions.filter(x => x !== c.name); this.save(); this.render(); },
    }), c.name));
    return xjEl('div', {},
      xjEl('div', { class: 'row' }, xjEl('label', { for: 'xj-role' }, t.role), roleSel,
        unitSel && xjEl('label', { for: 'xj-unit' }, t.unit), unitSel,
        xjEl('span', { class: 'muted' }, `${t.today}: ${this.today}`)),
      conds.length ? xjEl('fieldset', { class: 'row' }, xjEl('legend', { class: 'muted' }, t.conditions), conds) : null);
  }

  badge(status) { return xjEl('span', { class: `badge s-${status}` }, this.t.status[status] || status); }

  renderSchedule(panel) {
    const t = this.t;
    let sc;
    try { sc = this.engine.schedule({ unit: this.state.unit, on: this.today }); } catch (e) { panel.append(xjEl('p', { class: 'diag' }, e.message)); return; }
    panel.append(
      xjEl('p', {}, `${t.currentPhase}: ${sc.current_phase || t.none}`),
      xjEl('div', { class: 'scroll' }, xjEl('table', {},
        xjEl('thead', {}, xjEl('tr', {}, xjEl('th', { scope: 'col' }, t.phase), xjEl('th', { scope: 'col' }, t.dates), xjEl('th', { scope: 'col' }, ''))),
        xjEl('tbody', {}, sc.phases.map(p => xjEl('tr', {}, xjEl('td', {}, p.name), xjEl('td', {}, `${p.start} – ${p.end}`), xjEl('td', {}, p.status ? this.badge(p.status) : '')))))));
    for (const p of sc.phases) {
      const steps = sc.steps.filter(x => x.phase === p.name);
      if (!steps.length) continue;
      panel.append(xjEl('h3', {}, p.name), xjEl('ol', {}, steps.map(x => xjEl('li', {},
        xjEl('strong', {}, x.name), ' ', xjEl('span', { class: 'muted' }, x.start ? `${x.start} – ${x.end}` : ''), ' ', x.status ? this.badge(x.status) : '',
        x.note ? xjEl('div', { class: 'muted' }, x.note) : null))));
    }
    panel.append(xjEl('p', {}, `${t.due}: ${sc.due.join('、') || t.none}`), xjEl('p', {}, `${t.overdueSteps}: ${sc.overdue.join('、') || t.none}`));
  }

  checklistData() {
    const s = this.state;
    return this.engine.checklist({ role: s.role, unit: s.unit || null, conditions: s.conditions, progress: s.progress, on: this.today });
  }

  renderChecklist(panel) {
    const t = this.t, s = this.state;
    let cl;
    try { cl = this.checklistData(); } catch (e) { panel.append(xjEl('p', { class: 'diag' }, e.message)); return; }
    const list = xjEl('ul', { class: 'items' });
    const gates = xjEl('div', {});
    const refs = {};
    for (const it of cl.items) {
      if (it.status === 'not_applicable') continue;
      const id = `xj-req-${it.id}`;
      let input;
      if (it.required != null && !(it.required === 1 && !it.unit)) {
        input = xjEl('input', { type: 'number', id, min: 0, step: 'any', value: s.progress[it.id] ?? '', 'aria-describedby': id + '-why',
          oninput: (e) => { const v = e.target.value; if (v === '') delete s.progress[it.id]; else s.progress[it.id] = Number(v); this.save(); this.updateChecklist(refs, gates); } });
      } else {
        input = xjEl('input', { type: 'checkbox', id, checked: s.progress[it.id] === true, 'aria-describedby': id + '-why', disabled: it.status === 'exempt',
          onchange: (e) => { if (e.target.checked) s.progress[it.id] = true; else delete s.progress[it.id]; this.save(); this.updateChecklist(refs, gates); } });
      }
      const badgeBox = xjEl('span', {}, this.badge(it.status));
      const why = xjEl('div', { class: 'muted', id: id + '-why' });
      refs[it.id] = { badgeBox, why };
      list.append(xjEl('li', {},
        xjEl('div', { class: 'row' }, input, xjEl('label', { for: id }, `${it.phase} · ${it.label}`), it.unit ? xjEl('span', { class: 'muted' }, it.unit) : null, badgeBox),
        why));
    }
    const na = cl.items.filter(x => x.status === 'not_applicable').length;
    panel.append(list, na ? xjEl('p', { class: 'muted' }, `${t.status.not_applicable}: ${na}`) : null, gates);
    this.updateChecklist(refs, gates, cl);
  }

  updateChecklist(refs, gates, cl) {
    const t = this.t;
    try { cl = cl || this.checklistData(); } catch (e) { this.announce(e.message); return; }
    for (const it of cl.items) {
      const r = refs[it.id];
      if (!r) continue;
      r.badgeBox.replaceChildren(this.badge(it.status));
      r.why.replaceChildren(it.reason, it.substitute ? xjEl('div', {}, `${t.substitute}: ${it.substitute}`) : '', it.note ? xjEl('div', {}, it.note) : '');
    }
    gates.replaceChildren(...cl.gates.map(g => xjEl('p', { class: g.met ? 'ok' : 'bad' }, g.met ? `${g.phase}: ${t.gateMet}` : `${g.phase}: ${t.gateBlocked} ${g.blocking.join('、')}`)));
    const sm = cl.summary;
    this.announce(`${t.status.done} ${sm.done} · ${t.status.pending} ${sm.pending} · ${t.status.overdue} ${sm.overdue} · ${t.status.exempt} ${sm.exempt}`);
  }

  renderMaterial(panel) {
    const t = this.t, s = this.state, r = this.rules;
    if (!r.materials.length) { panel.append(xjEl('p', {}, t.none)); return; }
    const kindSel = xjEl('select', { id: 'xj-kind', onchange: (e) => { s.kind = e.target.value; this.save(); this.render(); } },
      r.materials.map(m => xjEl('option', { value: m.kind, selected: m.kind === s.kind }, m.kind)));
    const area = xjEl('textarea', { id: 'xj-draft', 'aria-describedby': 'xj-result', spellcheck: 'false' });
    area.value = s.drafts[s.kind] || '';
    const result = xjEl('div', { id: 'xj-result', 'aria-live': 'polite' });
    const preview = xjEl('div', { class: 'preview', 'aria-label': t.preview });
    let queued = false;
    const run = () => {
      queued = false;
      s.drafts[s.kind] = area.value;
      this.save();
      this.showMaterial(result, preview, area.value);
    };
    area.addEventListener('input', () => { if (!queued) { queued = true; requestAnimationFrame(run); } });
    panel.append(xjEl('div', { class: 'row' }, xjEl('label', { for: 'xj-kind' }, t.kind), kindSel),
      xjEl('label', { for: 'xj-draft', class: 'muted' }, t.draft), area, result, xjEl('h3', {}, t.preview), preview);
    this.showMaterial(result, preview, area.value);
  }

  showMaterial(result, preview, text) {
    const t = this.t, s = this.state;
    let m;
    try { m = this.engine.checkMaterial(s.kind, s.role, text); } catch (e) { result.replaceChildren(xjEl('p', { class: 'diag' }, e.message)); return; }
    const pct = m.min_chars ? Math.min(100, Math.round(100 * m.chars / m.min_chars)) : 100;
    result.replaceChildren(
      xjEl('p', {}, xjEl('strong', { class: m.pass ? 'ok' : 'bad' }, m.pass ? t.pass : t.fail), ' · ',
        `${t.chars} ${m.chars}` + (m.min_chars ? ` / ${t.min} ${m.min_chars}` : '')),
      m.min_chars ? xjEl('div', { class: 'meter', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': m.min_chars, 'aria-valuenow': m.chars, 'aria-label': t.chars }, xjEl('span', { style: `width:${pct}%` })) : null,
      m.parts.length ? xjEl('p', {}, `${t.parts}: `, m.parts.map(p => xjEl('span', { class: p.found && !p.missing_fields.length ? 'ok' : 'bad' }, (p.found && !p.missing_fields.length ? '✓ ' : '✗ ') + p.name + '  '))) : null,
      (m.areas_covered.length || m.areas_missing.length) ? xjEl('p', {}, `${t.areas}: ${t.covered} ${m.areas_covered.join('、') || t.none}; ${t.missing} ${m.areas_missing.join('、') || t.none}`) : null,
      m.findings.length ? xjEl('ul', {}, m.findings.map(f => xjEl('li', { class: f.level === 'error' ? 'bad' : '' }, f.message))) : null);
    renderHighlights(preview, text, m.findings);
    this.lastMaterial = m;
  }

  renderCalculator(panel) {
    const t = this.t, s = this.state, r = this.rules;
    const forms = r.forms.filter(f => f.subject !== 'unit' || true);
    if (!forms.length) panel.append(xjEl('p', {}, t.noForm));
    else {
      const form = forms.find(f => f.name === s.form) || forms[0];
      s.form = form.name;
      const formSel = xjEl('select', { id: 'xj-form', onchange: (e) => { s.form = e.target.value; this.save(); this.render(); } },
        forms.map(f => xjEl('option', { value: f.name, selected: f.name === form.name }, f.name)));
      const groups = form.groups.length ? form.groups : [['全部', 100]];
      const marks = (s.marks[form.name] ||= {});
      const out = xjEl('div', { 'aria-live': 'polite' });
      const recompute = () => this.showScore(form, groups, marks, out);
      const head = xjEl('tr', {}, xjEl('th', { scope: 'col' }, t.item), groups.map(g => xjEl('th', { scope: 'col' }, `${g[0]} (${g[1]}%)`)));
      const body = form.items.map(([item, points]) => xjEl('tr', {}, xjEl('th', { scope: 'row' }, `${item} (${points})`),
        groups.map(([g]) => xjEl('td', {}, xjEl('input', {
          type: 'number', min: 0, max: points, step: 'any', 'aria-label': `${g} · ${item}`, value: (marks[g] || {})[item] ?? '',
          oninput: (e) => { (marks[g] ||= {})[item] = e.target.value; this.save(); recompute(); },
        })))));
      panel.append(xjEl('div', { class: 'row' }, xjEl('label', { for: 'xj-form' }, t.form), formSel),
        xjEl('div', { class: 'scroll' }, xjEl('table', {}, xjEl('thead', {}, head), xjEl('tbody', {}, body))), out);
      recompute();
    }
    panel.append(xjEl('h3', {}, t.vote));
    if (!r.votes.length) { panel.append(xjEl('p', {}, t.noVote)); return; }
    const vote = r.votes.find(v => v.name === s.vote) || r.votes[0];
    s.vote = vote.name;
    const voteSel = xjEl('select', { id: 'xj-vote', onchange: (e) => { s.vote = e.target.value; this.save(); this.render(); } },
      r.votes.map(v => xjEl('option', { value: v.name, selected: v.name === vote.name }, v.name)));
    const counts = (s.tiers[vote.name] ||= {});
    const vout = xjEl('div', { 'aria-live': 'polite' });
    const recount = () => {
      try {
        const row = { unit: '—' };
        for (const tier of vote.tiers) row[tier] = String(counts[tier] || 0);
        const rep = this.engine.satisfaction([row], vote.name);
        const o = rep.overall;
        vout.replaceChildren(xjEl('p', {}, `${t.respondents} ${o.total} · ${t.rate} ${o.rate}% (${vote.rate_of.join('+')})`),
          o.total ? xjEl('p', { class: o.triggered ? 'bad' : 'ok' }, o.triggered ? `${t.triggered}: ${o.action || ''}` : '✓') : '');
      } catch (e) { vout.replaceChildren(xjEl('p', { class: 'diag' }, e.message)); }
    };
    panel.append(xjEl('div', { class: 'row' }, xjEl('label', { for: 'xj-vote' }, t.vote), voteSel),
      xjEl('div', { class: 'row' }, vote.tiers.map(tier => xjEl('label', {}, tier, xjEl('input', {
        type: 'number', min: 0, step: 1, value: counts[tier] ?? '', oninput: (e) => { counts[tier] = e.target.value; this.save(); recount(); },
      })))), vout);
    recount();
  }

  showScore(form, groups, marks, out) {
    const t = this.t;
    const sheets = groups.filter(([g]) => marks[g] && form.items.some(([i]) => (marks[g][i] ?? '') !== '')).map(([g]) => {
      const row = { member: '本人', rater_group: form.groups.length ? g : '' };
      for (const [item] of form.items) row[item] = marks[g][item] ?? '';
      return row;
    });
    if (!sheets.length) { out.replaceChildren(); return; }
    try {
      const rep = this.engine.score(sheets, form.name);
      const m = rep.members[0];
      out.replaceChildren(
        m ? xjEl('p', {}, xjEl('strong', {}, `${t.composite}: ${m.composite}`), m.outcome ? ` · ${t.outcome}: ${m.outcome}` : '') : '',
        m ? xjEl('ul', {}, Object.entries(m.groups).map(([g, v]) => xjEl('li', {}, `${g}: ${t.mean} ${v.mean} × ${v.weight}%`))) : '',
        rep.rejected.length ? xjEl('ul', { class: 'bad' }, rep.rejected.map(x => xjEl('li', {}, x.reason))) : '');
      this.lastScore = m;
    } catch (e) { out.replaceChildren(xjEl('p', { class: 'diag' }, e.message)); }
  }

  /** Opens a clean one-page report in a new window (DOM-built, no markup from data) and prints it. */
  printReport() {
    const t = this.t, s = this.state;
    let cl = null, mat = null;
    try { cl = this.checklistData(); } catch (_) {}
    try { mat = s.kind ? this.engine.checkMaterial(s.kind, s.role, s.drafts[s.kind] || '') : null; } catch (_) {}
    const w = window.open('', '_blank');
    const doc = w ? w.document : document;
    const box = doc.createElement('div');
    const add = (tag, text) => { const e = doc.createElement(tag); e.textContent = text; box.append(e); return e; };
    add('h1', `${(this.rules.campaign && this.rules.campaign.name) || ''} · ${t.report}`);
    add('p', `${t.role}: ${s.role}  ${t.unit}: ${s.unit}  ${t.today}: ${this.today}`);
    if (cl) {
      add('h2', t.tabs[1]);
      const ul = add('ul', '');
      for (const it of cl.items.filter(x => x.status !== 'not_applicable')) { const li = doc.createElement('li'); li.textContent = `[${t.status[it.status]}] ${it.phase} · ${it.label} — ${it.reason}`; ul.append(li); }
      for (const g of cl.gates) add('p', g.met ? `${g.phase}: ${t.gateMet}` : `${g.phase}: ${t.gateBlocked} ${g.blocking.join('、')}`);
    }
    if (mat) {
      add('h2', `${t.tabs[2]} · ${mat.kind}`);
      add('p', `${mat.pass ? t.pass : t.fail} · ${t.chars} ${mat.chars}${mat.min_chars ? ' / ' + mat.min_chars : ''}`);
      for (const f of mat.findings) add('p', '· ' + f.message);
    }
    if (this.lastScore) add('p', `${t.composite}: ${this.lastScore.composite} ${this.lastScore.outcome || ''}`);
    if (w) {
      doc.title = t.report;
      const st = doc.createElement('style'); st.textContent = 'body{font-family:sans-serif;font-size:12pt;margin:1.5cm}h1{font-size:16pt}h2{font-size:13pt}li,p{margin:.2em 0}';
      doc.head.append(st); doc.body.append(box); w.focus(); w.print();
    }
  }
}

if (!customElements.get('xianjiao-widget')) customElements.define('xianjiao-widget', XianjiaoWidget);
export { XianjiaoWidget, xjFetchRules as fetchRules };

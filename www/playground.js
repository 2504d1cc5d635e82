// The rules playground: a campaign-office clerk edits a locality's rule file in
// the browser (CodeMirror 6: highlighting, completion, hover docs, lint marks
// with quick fixes), or through forms for the common edits, which write the
// matching amend(…) into the text. The preview is the member widget on the
// edited rules. Nothing is uploaded: downloads are made from memory.
//
// Bundled by esbuild (`./x build`, build_editor) into pkg/playground.bundle.js
// with the playground wasm (pkg/xianjiao_playground_bg.wasm, which adds
// bundleRules, mutationTest and ruleFields to the widget's engine). The member
// widget's page never loads any of this.
import init, { Engine, scaffold, ruleFunctions, ruleFields, bundleRules, compileRules, diagnosticCodes } from 'xianjiao-playground';
import { EditorSelection, Transaction } from '@codemirror/state';
import { undo, redo, undoDepth, redoDepth } from '@codemirror/commands';
import { createEditor, replaceAll, showDiagnostics } from './editor/cm.js';
import { fileField, setFile, fileHistory } from './editor/file.js';
import { renderForms } from './editor/forms.js';
import { el, saveBlob } from '../wasm/js/dom.js';

const $ = (id) => document.getElementById(id);
const preview = $('preview');
const STORE = 'xianjiao-playground';

await init({ module_or_path: new URL('xianjiao_playground_bg.wasm', import.meta.url) });
const FIELDS = ruleFields();
const state = {
  rules: null,        // last rules read from the engine (names for completion, forms)
  parentRules: null,  // the parent chain's rules (forms show them for comparison)
  parentKey: '',
  diags: [],
  errors: 0,
  lastGood: null,     // {sources, entry} the preview shows
  loadedText: '',     // text as loaded (to know whether replacing it loses edits)
  template: null,     // a shipped form to start a new one from
};

const view = createEditor($('editor'), {
  functions: ruleFunctions(),
  fields: FIELDS.fields,
  common: FIELDS.common,
  rules: () => state.rules,
  files: () => Object.keys(file().parents),
}, () => schedule(), [fileField, fileHistory]);

const file = () => view.state.field(fileField);
const text = () => view.state.doc.toString();
const sources = () => Object.assign({}, file().parents, { [file().entry]: text() });

let timer = 0;
function schedule() { clearTimeout(timer); timer = setTimeout(refresh, 200); } // a load is ~10–150 ms: once typing pauses

/** Stages of the pipeline at which a file stops being read, from the engine's table of codes (core/src/codes.rs). */
let STOPS;

/** Re-reads everything from the engine: diagnostics, names, forms, preview, tests, diff. */
function refresh() {
  clearTimeout(timer);
  const { entry, parents } = file();
  if (state.shown !== file()) { state.shown = file(); showFile(); } // also after undo brings another file back
  try { localStorage.setItem(STORE, JSON.stringify({ entry, text: text(), parents, loaded: state.loadedText })); } catch (_) {}
  let engine;
  try { engine = new Engine(sources(), entry); } catch (e) { $('dcount').textContent = String(e.message || e); return; }
  try {
    const diags = engine.diagnostics();
    state.diags = diags;
    state.errors = diags.filter(d => d.severity === 'error').length;
    // A model error (weights, dates, names…) leaves the rules readable: the forms show them.
    // A script error (syntax, limits, a missing parent) stops the file: keep the last rules read.
    // Each diagnostic carries its stage from the engine's one table of codes (core/src/codes.rs).
    const stopped = diags.some(d => d.severity === 'error' && (STOPS ??= new Set(diagnosticCodes().filter(c => c.stops).map(c => c.stage))).has(d.stage));
    if (!stopped || !state.rules) { try { const r = engine.rules(); if (r) state.rules = r; } catch (_) {} }
    showDiagnostics(view, diags, entry);
    renderDiagnostics(diags);
    loadParentRules();
    if (!$('p-forms').hidden) drawForms(); else state.formsStale = true;
    if (!state.errors) {
      state.lastGood = { sources: sources(), entry };
      preview.loadSources(state.lastGood.sources, entry);
      runTests(engine);
      explain(engine);
    } else {
      $('tcount').textContent = '(先改正错误 / fix the errors first)';
    }
    const stale = $('stale');
    stale.hidden = !state.errors;
    stale.textContent = state.errors
      ? `⚠ 文件有 ${state.errors} 个错误:预览显示的是最后一次没有错误的规则${state.lastGood ? '' : '(还没有)'}。/ The file has errors: the preview shows the last rules without errors.`
      : '';
  } finally { engine.free(); }
}

function renderDiagnostics(diags) {
  const errors = state.errors;
  $('dcount').textContent = `${errors} 个错误,${diags.length - errors} 个警告 / ${errors} errors, ${diags.length - errors} warnings`;
  $('dcount').className = errors ? 'bad' : diags.length ? 'warn' : 'good';
  $('dbadge').textContent = diags.length ? `(${diags.length})` : '';
  // one line per cause: the engine may report the same warning once per unit or batch it checks
  const once = new Map();
  for (const d of diags) { const k = [d.file, d.line, d.col, d.code, d.message].join('\u0000'); const x = once.get(k); if (x) x.n++; else once.set(k, { d, n: 1 }); }
  $('diags').replaceChildren(...[...once.values()].map(({ d, n }) => el('li', { class: d.severity, tabindex: 0, 'data-line': d.line,
    onclick: () => goTo(d.line, d.col, d.file), onkeydown: (e) => { if (e.key === 'Enter') goTo(d.line, d.col, d.file); } },
    `${d.file}:${d.line}:${d.col}: ${d.severity === 'error' ? '错误' : '警告'}[${d.code}] ${d.message}` + (n > 1 ? `(同一原因 ${n} 次)` : ''),
    el('span', { class: 'hint' }, '修改建议:' + d.hint))));
}

function goTo(line, col, f) {
  if (f && f !== file().entry) return;
  const doc = view.state.doc;
  const l = doc.line(Math.min(Math.max(1, line), doc.lines));
  const pos = Math.min(l.from + Math.max(0, (col || 1) - 1), l.to);
  view.dispatch({ selection: EditorSelection.cursor(pos), scrollIntoView: true });
  view.focus();
}

function runTests(engine) {
  const own = !engine;
  if (own) engine = new Engine(sources(), file().entry);
  try {
    const res = engine.runTests();
    const failed = res.filter(t => !t.pass).length;
    state.testsFailing = failed;
    $('tcount').textContent = `${res.length - failed} 通过,${failed} 失败 / ${res.length - failed} passed, ${failed} failed`;
    // (the engine words a failure "期望 expected …,实际 got …": the Chinese page shows the Chinese half)
    const zh = (f) => String(f).replace(/期望 expected /g, '期望 ').replace(/,实际 got /g, ',实际 ');
    $('tests').replaceChildren(...res.map(t => el('li', { class: t.pass ? 'pass' : 'fail', tabindex: 0, onclick: () => goTo(t.line, t.col, t.file) },
      `${t.pass ? '✓' : '✗'} ${t.file}:${t.line}  ${t.name}`, ...t.failures.map(f => el('div', {}, '    ' + zh(f))))));
  } catch (e) { state.testsFailing = null; $('tcount').textContent = String(e.message || e); }
  if (own) engine.free();
}

function short(v) { const s = typeof v === 'string' ? v : JSON.stringify(v); return s && s.length > 80 ? s.slice(0, 80) + '…' : s; }

/**
 * The file's top-level declarations: each from a line that starts a statement
 * (`name(…` at column 0) to the next one, comments before it included, keyed
 * by its head (`phase("学习动员"`, `amend("form", "测评表"`; a repeated head gets #2, #3).
 */
function declarations(t) {
  const out = new Map(), seen = {};
  const starts = [...t.matchAll(/^[\p{L}_][\p{L}\p{N}_]*\s*\(/gmu)].map(m => m.index);
  starts.forEach((at, i) => {
    const body = t.slice(at, i + 1 < starts.length ? starts[i + 1] : t.length).replace(/(\s*\/\/[^\n]*)*\s*$/, '');
    const head = (/^([\p{L}_][\p{L}\p{N}_]*)\s*\(\s*("(?:[^"\\]|\\.)*")?(\s*,\s*"(?:[^"\\]|\\.)*")?/u.exec(body) || [body.slice(0, 20)])[0].replace(/\s+/g, ' ');
    seen[head] = (seen[head] || 0) + 1;
    out.set(seen[head] > 1 ? `${head} #${seen[head]}` : head, body.trim());
  });
  return out;
}

/** The clerk's own edits since the file was loaded: per declaration, before and after (not the parent's rules, not JSON). */
function ownEdits() {
  const a = declarations(state.loadedText || ''), b = declarations(text());
  const rows = [];
  for (const [k, v] of b) if (a.get(k) !== v) rows.push({ k, before: a.get(k) ?? null, after: v });
  for (const [k, v] of a) if (!b.has(k)) rows.push({ k, before: v, after: null });
  const block = (cls, t) => el('pre', { class: 'decl ' + cls }, t);
  return el('section', { id: 'own-edits' }, el('h2', {}, `我的修改(与载入时的文本相比):${rows.length} 处 / my edits since loading`),
    rows.length ? rows.map(r => el('div', { class: 'edit' }, el('h3', {}, `${r.before == null ? '新增' : r.after == null ? '删除' : '修改'} ${r.k}`),
      el('div', { class: 'pair' }, el('div', {}, el('p', { class: 'muted' }, '修改前'), r.before == null ? el('p', { class: 'muted' }, '(无)') : block('removed', r.before)),
        el('div', {}, el('p', { class: 'muted' }, '修改后'), r.after == null ? el('p', { class: 'muted' }, '(已删除)') : block('added', r.after)))))
      : el('p', { class: 'muted' }, '尚未修改 / no edits yet'));
}

function explain(engine) {
  const ex = engine.explain();
  const rows = [];
  for (const it of ex.items.filter(i => i.change !== 'inherited')) {
    const detail = [];
    if (it.change === 'overridden') {
      for (const [k, v] of Object.entries(it.effective)) {
        const p = it.parent[k];
        if (JSON.stringify(p) !== JSON.stringify(v)) detail.push(el('div', {}, `${k}: `, el('span', { class: 'removed' }, short(p)), ' → ', el('span', { class: 'added' }, short(v))));
      }
    }
    const label = { added: '新增 added', overridden: '修改 overridden', removed: '删除 removed' }[it.change];
    rows.push(el('tr', { class: it.change }, el('td', {}, label), el('td', {}, it.kind), el('td', {}, it.key), el('td', {}, detail)));
  }
  const c = ex.counts;
  $('explain').replaceChildren(ownEdits(), el('h2', {}, '与上级规则相比 / against the parent'),
    el('p', { class: 'muted' }, `${ex.files.join(' → ')}:新增 ${c.added || 0},修改 ${c.overridden || 0},删除 ${c.removed || 0},沿用 ${c.inherited || 0}`),
    rows.length ? el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, '变化'), el('th', {}, '种类'), el('th', {}, '名称'), el('th', {}, '上级 → 本文件'))), el('tbody', {}, rows)) : el('p', {}, '与上级相同 / same as the parent'));
}

/** The parent's effective rules (what the entry file extends), for comparison in the forms. */
function loadParentRules() {
  const m = /^\s*extends\s*\(\s*"([^"]+)"\s*\)/m.exec(text());
  const parent = m && m[1];
  const ps = file().parents;
  const key = parent && parent in ps ? parent + '\u0000' + Object.keys(ps).join() : '';
  if (key === state.parentKey) return;
  state.parentKey = key;
  state.parentRules = null;
  if (!key) return;
  const e = new Engine(ps, parent);
  try { if (!e.hasErrors()) state.parentRules = e.rules(); } finally { e.free(); }
}

/** The forms panel, re-read from the engine (drawn when visible). */
function drawForms() {
  state.formsStale = false;
  try { renderForms($('forms'), formContext()); }
  catch (e) { $('forms').replaceChildren(el('p', { class: 'bad' }, '表单出错 / the forms failed: ' + (e.message || e))); console.warn(e); }
}

function formContext() {
  return {
    rules: state.rules, parentRules: state.parentRules, hasParent: !!state.parentKey, text: text(), template: state.template,
    errors: state.errors,
    /** Applies a change to the text as one undoable transaction. */
    write(change, label) {
      view.dispatch({ changes: change, userEvent: 'input.form', scrollIntoView: true, selection: EditorSelection.cursor(change.from + (change.insert || '').length) });
      refresh();
      announce(label);
    },
  };
}

function announce(msg) { $('file').textContent = msg; }

// ------------------------------------------------------------------ files
/** Fetches a shipped rule file and the parents it extends (same directory). */
async function fetchChain(name) {
  const out = {};
  let n = name;
  for (let depth = 0; depth < 8 && n && !(n in out); depth++) {
    const res = await fetch('rules/' + encodeURIComponent(n));
    if (!res.ok) { if (depth === 0) throw new Error(`rules/${n}: HTTP ${res.status}`); break; }
    out[n] = await res.text();
    const m = /^\s*extends\s*\(\s*"([^"]+)"\s*\)/m.exec(out[n]);
    n = m && m[1];
  }
  return out;
}

function dirty() { return text() !== state.loadedText && text().trim() !== ''; }

function ask(message) {
  const dlg = $('confirm');
  $('confirm-text').textContent = message;
  return new Promise((resolve) => {
    dlg.addEventListener('close', () => resolve(dlg.returnValue === 'yes'), { once: true });
    dlg.returnValue = '';
    dlg.showModal();
  });
}

async function loadBase(name, asChild, undoable = true) {
  const s = await fetchChain(name);
  let entry, body, parents;
  if (asChild) {
    const childName = ($('child').value.trim() || '我镇').replace(/\.rhai$/, '');
    entry = childName + '.rhai';
    parents = s;
    body = scaffold(name, childName, s);
  } else {
    entry = name; body = s[name]; parents = Object.assign({}, s); delete parents[name];
  }
  if (dirty() && !(await ask(`“${file().entry}”已修改,换成“${entry}”会替换这些修改。/ ${file().entry} has edits; opening ${entry} replaces them.`))) return false;
  setText(entry, parents, body, name, undoable);
  return true;
}

/** Puts a file into the editor as one undoable transaction (Ctrl+Z brings the old file back). */
function setText(entry, parents, body, base, undoable = true) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: body }, effects: setFile.of({ entry, parents, base }),
    selection: EditorSelection.cursor(0), scrollIntoView: true, userEvent: 'input.replace',
    annotations: undoable ? [] : [Transaction.addToHistory.of(false)] });
  state.loadedText = body;
  state.rules = null;
  state.parentKey = 'x';
  showFile();
  refresh();
  followCampaignDate();
}

function showFile() {
  const { entry, parents, base } = file();
  // the select shows the shipped file this one is (or extends)
  const shipped = [...$('base').options].map(o => o.value);
  const m = /^\s*extends\s*\(\s*"([^"]+)"\s*\)/m.exec(text());
  const pick = shipped.includes(entry) ? entry : shipped.includes(base) ? base : m && shipped.includes(m[1]) ? m[1] : null;
  if (pick) $('base').value = pick;
  announce(`正在编辑 / editing ${entry}` + (Object.keys(parents).length ? `(上级 / parents: ${Object.keys(parents).join(', ')})` : ''));
}

/** The preview's date: inside the file's first dated phase (its campaign), when the file has dates. */
function followCampaignDate() {
  const r = state.rules || state.lastGood && null;
  if (!r) return;
  let day = null;
  for (const p of r.phases || []) {
    const all = [p.dates, ...(p.batches || []).map(b => b[1])].filter(Boolean);
    const d = all.find(x => x.start);
    if (d) {
      const start = new Date(d.start + 'T00:00:00Z');
      const end = d.end ? new Date(d.end + 'T00:00:00Z') : new Date(start.getTime() + 10 * 864e5);
      const mid = new Date(Math.min(end.getTime(), start.getTime() + 10 * 864e5));
      day = mid.toISOString().slice(0, 10);
      $('dayhint').textContent = `(${p.name} ${d.start}${d.end ? ' – ' + d.end : ''})`;
      break;
    }
  }
  if (!day) { $('dayhint').textContent = '(文件没有日期 / no dates in the file)'; return; }
  $('day').value = day;
  preview.setAttribute('today', day);
}

function download(name, body) {
  saveBlob(new Blob([body], { type: 'text/plain;charset=utf-8' }), name);
}

function downloadBundle() {
  const { entry } = file();
  try {
    const body = bundleRules(sources(), entry);
    download(entry.replace(/\.rhai$/, '') + '.bundle.rhai', body);
    announce(`已下载 ${entry.replace(/\.rhai$/, '')}.bundle.rhai(含上级文件)/ downloaded with its parents`);
  } catch (e) {
    announce(`不能打包:${e.message || e}`);
    selectTab('t-diags');
  }
}

/** The compiled rules (`.rules.json`) the deployment notes tell a portal to use: the script-free engine reads them. */
function downloadCompiled() {
  const { entry } = file();
  const name = entry.replace(/\.rhai$/, '') + '.rules.json';
  try {
    saveBlob(new Blob([compileRules(sources(), entry)], { type: 'application/json' }), name);
    announce(`已下载 ${name}(编译后的规则,含上级文件,门户网站部署用)/ downloaded the compiled rules`);
  } catch (e) {
    announce(`不能编译:${e.message || e}`);
    selectTab('t-diags');
  }
}

// ------------------------------------------------------------------ mutation test (a Worker)
let worker = null;
function mutate() {
  const btn = $('mutate'), st = $('mstatus');
  if (state.errors) { st.textContent = '先改正错误 / fix the errors first'; return; }
  // Mutation testing measures how well passing tests catch changes: with failing tests its count means nothing.
  runTests();
  if (state.testsFailing) {
    st.textContent = `有 ${state.testsFailing} 个文件内测试未通过:请先让测试全部通过,再做变异测试 / ${state.testsFailing} in-file test(s) failing: make them pass before mutation testing`;
    $('survivors').replaceChildren();
    return;
  }
  btn.disabled = true;
  btn.setAttribute('aria-busy', 'true');
  const t0 = performance.now();
  const tick = setInterval(() => { st.textContent = `运行中… ${((performance.now() - t0) / 1000).toFixed(0)} 秒 / running`; }, 500);
  st.textContent = '运行中… / running';
  $('survivors').replaceChildren();
  worker ||= new Worker(new URL('worker.bundle.js', import.meta.url), { type: 'module' });
  const entry = file().entry;
  worker.onmessage = ({ data }) => {
    clearInterval(tick);
    btn.disabled = false; btn.removeAttribute('aria-busy');
    if (data.error) { st.textContent = data.error; return; }
    const r = data.report;
    // The engine refuses while the unchanged file fails its own tests: "0 survivors" would mean nothing then.
    if (r.refused && r.refused.length) { st.textContent = `未做变异测试:${r.refused.join(';')}`; return; }
    st.textContent = `${r.mutants} 个改动,${r.killed} 个被测试发现,${r.survivors.length} 个幸存 / ${r.mutants} mutants, ${r.killed} killed, ${r.survivors.length} survived (${((performance.now() - t0) / 1000).toFixed(1)} s)`;
    $('survivors').replaceChildren(...r.survivors.map(s => el('li', { class: 'fail', tabindex: 0, onclick: () => goTo(s.line, s.col, s.file === entry ? entry : s.file),
      onkeydown: (e) => { if (e.key === 'Enter') goTo(s.line, s.col, s.file); } }, `${s.file}:${s.line}:${s.col}  ${s.original} → ${s.replacement}`)));
  };
  worker.onerror = (e) => { clearInterval(tick); btn.disabled = false; btn.removeAttribute('aria-busy'); st.textContent = String(e.message || e); };
  worker.postMessage({ sources: sources(), files: [entry] });
}

// ------------------------------------------------------------------ tabs
const tabs = [...document.querySelectorAll('[role=tab]')];
function selectTab(id) {
  for (const t of tabs) {
    const on = t.id === id;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute('aria-controls')).hidden = !on;
  }
  if (id === 't-forms' && state.formsStale) drawForms();
}
for (const t of tabs) {
  t.addEventListener('click', () => selectTab(t.id));
  t.addEventListener('keydown', (e) => {
    const i = tabs.indexOf(t);
    const j = e.key === 'ArrowRight' ? (i + 1) % tabs.length : e.key === 'ArrowLeft' ? (i + tabs.length - 1) % tabs.length : e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : -1;
    if (j >= 0) { e.preventDefault(); selectTab(tabs[j].id); tabs[j].focus(); }
  });
}

// ------------------------------------------------------------------ start
$('edit').addEventListener('click', () => loadBase($('base').value, false));
$('new').addEventListener('click', () => loadBase($('base').value, true));
$('download').addEventListener('click', () => download(file().entry, text()));
$('download-bundle').addEventListener('click', downloadBundle);
$('download-compiled').addEventListener('click', downloadCompiled);
$('run').addEventListener('click', () => runTests());
$('mutate').addEventListener('click', mutate);
$('day').addEventListener('change', () => preview.setAttribute('today', $('day').value));

// A shipped form (関坝镇) is the template for a new form where the parent has none.
fetchChain('guanba.rhai').then((s) => {
  const e = new Engine(s, 'guanba.rhai');
  try { state.template = { file: 'guanba.rhai', form: (e.rules().forms || [])[0] || null }; } finally { e.free(); }
  state.formsStale = true;
  if (!$('p-forms').hidden) drawForms();
}).catch(() => {});

await customElements.whenDefined('xianjiao-widget');
let saved = null;
try { saved = JSON.parse(localStorage.getItem(STORE) || 'null'); } catch (_) {}
if (saved && saved.text && new URLSearchParams(location.search).get('fresh') === null) {
  setText(saved.entry, saved.parents || {}, saved.text, '', false);
  state.loadedText = saved.loaded ?? saved.text;
} else {
  await loadBase('guanba.rhai', false, false);
}

window.xianjiaoPlayground = {
  view, refresh, undo: () => undo(view), redo: () => redo(view), depth: () => [undoDepth(view.state), redoDepth(view.state)], selectTab,
  get diagnostics() { return state.diags; }, get entry() { return file().entry; }, get text() { return text(); }, get sources() { return sources(); },
  get rules() { return state.rules; }, get stale() { return !$('stale').hidden; },
};

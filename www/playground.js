// The rules playground: edit a locality's rule file in the browser, see every
// diagnostic at its line as you type, the widget re-rendered with the edited
// rules, the file's own tests, and what it changes relative to its parent.
// Nothing is uploaded: "Download" saves the text from memory.
import init, { Engine, fetchRules, ruleFunctions, scaffold } from './pkg/xianjiao.js';

const $ = (id) => document.getElementById(id);
const src = $('src'), hl = $('hl'), gutter = $('gutter'), preview = $('preview');
const KEYWORDS = new Set(['let', 'const', 'fn', 'if', 'else', 'for', 'in', 'while', 'loop', 'return', 'break', 'continue', 'true', 'false', 'switch', 'do', 'until', 'throw', 'try', 'catch']);
let FUNCS = new Set();
let parents = {};     // read-only parent files: name → text
let entry = 'guanba.rhai';
let lastDiags = [];
let queued = false;

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const k of kids.flat()) if (k != null) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return e;
}

/** Rhai syntax highlighting, built as DOM text nodes (the text is never parsed as HTML). */
function highlight(text, diags) {
  const errLines = new Map();
  for (const d of diags) if (d.line > 0 && d.file === entry) errLines.set(d.line, errLines.get(d.line) === 'error' ? 'error' : d.severity);
  const frag = document.createDocumentFragment();
  const lines = text.split('\n');
  const re = /(\/\/[^\n]*)|("(?:[^"\\\n]|\\.)*"?|`[^`]*`?)|(\b\d+(?:\.\d+)?\b)|([\p{L}_][\p{L}\p{N}_]*)|(\s+|.)/gu;
  lines.forEach((line, i) => {
    const sev = errLines.get(i + 1);
    const lineEl = sev ? el('span', { class: sev === 'error' ? 'lerr' : 'lwarn' }) : frag;
    let m;
    re.lastIndex = 0;
    while ((m = re.exec(line)) && m[0] !== '') {
      const [tok, com, str, num, word] = m;
      let cls = null;
      if (com) cls = 'c'; else if (str) cls = 's'; else if (num) cls = 'n';
      else if (word) cls = KEYWORDS.has(word) ? 'k' : FUNCS.has(word) ? 'f' : null;
      lineEl.append(cls ? el('span', { class: cls }, tok) : document.createTextNode(tok));
    }
    if (sev) frag.append(lineEl);
    if (i < lines.length - 1) frag.append('\n');
  });
  frag.append('\n');
  hl.replaceChildren(frag);
  gutter.replaceChildren(...lines.map((_, i) => {
    const sev = errLines.get(i + 1);
    const d = diags.filter(x => x.line === i + 1 && x.file === entry);
    return el('div', sev ? { class: sev === 'error' ? 'err' : 'warn', title: d.map(x => x.message).join('\n'), 'data-line': i + 1 } : { 'data-line': i + 1 }, String(i + 1));
  }));
}

function goTo(line, col) {
  const lines = src.value.split('\n');
  let pos = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) pos += lines[i].length + 1;
  pos += Math.max(0, (col || 1) - 1);
  src.focus();
  src.setSelectionRange(pos, pos);
  src.scrollTop = Math.max(0, (line - 5) * parseFloat(getComputedStyle(src).lineHeight));
}

function sources() { return Object.assign({}, parents, { [entry]: src.value }); }

function refresh() {
  queued = false;
  localStorage.setItem('xianjiao-playground', JSON.stringify({ entry, text: src.value, parents }));
  let engine;
  try { engine = new Engine(sources(), entry); } catch (e) { $('diags').replaceChildren(el('li', { class: 'error' }, String(e.message || e))); return; }
  const diags = engine.diagnostics();
  lastDiags = diags;
  highlight(src.value, diags);
  const errors = diags.filter(d => d.severity === 'error').length;
  $('dcount').textContent = `${errors} 个错误,${diags.length - errors} 个警告 / ${errors} errors, ${diags.length - errors} warnings`;
  $('diags').replaceChildren(...diags.map(d => el('li', { class: d.severity, tabindex: 0, 'data-line': d.line,
    onclick: () => goTo(d.line, d.col), onkeydown: (e) => { if (e.key === 'Enter') goTo(d.line, d.col); } },
    `${d.file}:${d.line}:${d.col}: ${d.severity === 'error' ? '错误' : '警告'}[${d.code}] ${d.message}`,
    el('span', { class: 'hint' }, '修改建议:' + d.hint))));
  if (!errors) {
    preview.loadSources(sources(), entry);
    runTests(engine);
    explain(engine);
  } else {
    $('tests').replaceChildren(); $('tcount').textContent = '(先改正错误 / fix the errors first)';
  }
  engine.free();
}

function runTests(engine) {
  const own = !engine;
  engine = engine || new Engine(sources(), entry);
  try {
    const res = engine.runTests();
    const failed = res.filter(t => !t.pass).length;
    $('tcount').textContent = `${res.length - failed} 通过,${failed} 失败 / ${res.length - failed} passed, ${failed} failed`;
    $('tests').replaceChildren(...res.map(t => el('li', { class: t.pass ? 'pass' : 'fail', tabindex: 0, onclick: () => goTo(t.line, t.col) },
      `${t.pass ? '✓' : '✗'} ${t.file}:${t.line}  ${t.name}`, ...t.failures.map(f => el('div', {}, '    ' + f)))));
  } catch (e) { $('tcount').textContent = String(e.message || e); }
  if (own) engine.free();
}

function short(v) { const s = typeof v === 'string' ? v : JSON.stringify(v); return s.length > 80 ? s.slice(0, 80) + '…' : s; }

function explain(engine) {
  const ex = engine.explain();
  const rows = [];
  for (const it of ex.items.filter(i => i.change !== 'inherited')) {
    let detail = [];
    if (it.change === 'overridden') {
      for (const [k, v] of Object.entries(it.effective)) {
        const p = it.parent[k];
        if (JSON.stringify(p) !== JSON.stringify(v)) detail.push(el('div', {}, `${k}: `, el('span', { class: 'removed' }, short(p)), ' → ', el('span', { class: 'added' }, short(v))));
      }
    }
    const label = { added: '新增 added', overridden: '修改 overridden', removed: '删除 removed' }[it.change];
    rows.push(el('tr', { class: it.change }, el('td', {}, label), el('td', {}, it.kind), el('td', {}, it.key), el('td', {}, detail.length ? detail : '')));
  }
  const c = ex.counts;
  $('explain').replaceChildren(
    el('p', { class: 'muted' }, `${ex.files.join(' → ')}:新增 ${c.added || 0},修改 ${c.overridden || 0},删除 ${c.removed || 0},沿用 ${c.inherited || 0}`),
    rows.length ? el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, '变化'), el('th', {}, '种类'), el('th', {}, '名称'), el('th', {}, '上级 → 本文件'))), el('tbody', {}, rows)) : el('p', {}, '与上级相同 / same as the parent'));
}

async function loadBase(name, asChild) {
  const { sources: s } = await fetchRules('rules/' + name);
  if (asChild) {
    parents = s;
    const childName = ($('child').value.trim() || '我镇').replace(/\.rhai$/, '');
    entry = childName + '.rhai';
    src.value = scaffold(name, childName, s);
  } else {
    entry = name;
    src.value = s[name];
    delete s[name];
    parents = s;
  }
  $('file').textContent = `正在编辑 / editing ${entry}` + (Object.keys(parents).length ? `(上级 / parents: ${Object.keys(parents).join(', ')})` : '');
  refresh();
}

function download() {
  const blob = new Blob([src.value], { type: 'text/plain;charset=utf-8' });
  const a = el('a', { href: URL.createObjectURL(blob), download: entry });
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

await init();
FUNCS = new Set(ruleFunctions().map(f => f.name));
src.addEventListener('input', () => { if (!queued) { queued = true; requestAnimationFrame(refresh); } });
src.addEventListener('scroll', () => { hl.scrollTop = src.scrollTop; hl.scrollLeft = src.scrollLeft; gutter.scrollTop = src.scrollTop; });
src.addEventListener('keydown', (e) => { if (e.key === 'Tab' && !e.shiftKey && !e.ctrlKey) { e.preventDefault(); document.execCommand('insertText', false, '    '); } });
$('edit').addEventListener('click', () => loadBase($('base').value, false));
$('new').addEventListener('click', () => loadBase($('base').value, true));
$('download').addEventListener('click', download);
$('run').addEventListener('click', () => runTests());
$('day').addEventListener('change', () => preview.setAttribute('today', $('day').value));
let saved = null;
try { saved = JSON.parse(localStorage.getItem('xianjiao-playground') || 'null'); } catch (_) {}
if (saved && saved.text && new URLSearchParams(location.search).get('fresh') === null) {
  entry = saved.entry; parents = saved.parents || {}; src.value = saved.text;
  $('file').textContent = `正在编辑 / editing ${entry}`;
  refresh();
} else {
  await loadBase('guanba.rhai', false);
}
window.xianjiaoPlayground = { refresh, get diagnostics() { return lastDiags; }, get entry() { return entry; } };

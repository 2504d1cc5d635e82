// ---------------------------------------------------------------------------
// <xianjiao-widget>. Two ways it ships (both made by `./x build`):
//  * www/pkg/xianjiao.js: widget-entry.js bundled by esbuild (the wasm-bindgen
//    glue of the script-free engine + messages.js + rules-fetch.js + dom.js +
//    this file in one module), so a portal copies one .js and one .wasm;
//  * the npm package: `import 'xianjiao/widget'` loads this file as is, next
//    to the engine module xianjiao.js, messages.js, rules-fetch.js and dom.js.
// The engine module is imported as 'xianjiao-glue': esbuild's --alias names the
// script-free glue for the bundle, and the npm package's copy of this file
// imports './xianjiao.js' instead (`x` package).
//
// Invariants: user text only ever reaches the DOM as text nodes (no innerHTML
// with data); nothing is sent anywhere (the only requests are the module, the
// .wasm and the rule files, and parents only from the entry file's own
// origin and directory); drafts and ticks live in localStorage under one key
// per (rules URL, unit attribute), removed by "清除我的数据" (with undo).
// Styles are a constructable stylesheet, so no CSP 'unsafe-inline' is needed.
// ---------------------------------------------------------------------------
import __wbg_init, { Engine, renderHighlights, word } from 'xianjiao-glue';
import { xjItemReason, xjFindings, xjGate, xjVote } from './messages.js';
import { xjFetchRuleChain } from './rules-fetch.js';
import { el as xjEl } from './dom.js';

/**
 * Bidi controls and invisible characters (U+202E RIGHT-TO-LEFT OVERRIDE reorders
 * "张三评不合格" into what it is not; zero-width characters hide text) removed from
 * everything the widget shows: a rule file is data, not formatting.
 */
const XJ_INVISIBLE = /[\u061C\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB]/g;
/**
 * The member's language half of an engine message written "中文 / English"
 * (score and column errors): a Chinese screen shows no English or column keys.
 */
function xjSay(msg, lang) {
  const m = /^([\s\S]*?)\s+\/\s+([\x20-\x7E]+)$/.exec(String(msg));
  return m ? (lang === 'en' ? m[2] : m[1]) : String(msg);
}
function xjClean(x) { return typeof x === 'string' ? x.replace(XJ_INVISIBLE, '') : x; }
/** `node.replaceChildren(...kids)` without the "null" a skipped part would print, strings cleaned. */
function xjPut(node, ...kids) { node.replaceChildren(...kids.flat(Infinity).filter(k => k != null && k !== false).map(xjClean)); }
/** dom.js's `el`, with every text child and shown attribute cleaned (values, ids and `for` stay as they are: they are keys). */
function el(tag, attrs, ...kids) {
  const a = {};
  for (const [k, v] of Object.entries(attrs || {})) a[k] = k === 'value' || k === 'id' || k === 'for' ? v : xjClean(v);
  return xjEl(tag, a, kids.flat(Infinity).map(xjClean));
}

const XJ_STRINGS = {
  zh: {
    title: '先进性教育 · 自查', loading: '正在载入规则…', loadingFull: '正在载入计算所需的完整引擎…', tabs: ['日程', '清单', '材料自查', '计算器'],
    role: '我的角色', unit: '单位类型', conditions: '个人情况', condsNone: '个人情况(如有特殊情况,点此勾选)', condsSome: (n) => `个人情况(已选 ${n} 项)`, today: '今天', phase: '阶段', step: '环节', dates: '时间', state: '状态',
    status: { upcoming: '未开始', current: '进行中', overdue: '已逾期', done: '已完成', past: '已结束', pending: '待完成', exempt: '免除', not_applicable: '不适用' },
    currentPhase: '当前阶段', due: '正在进行的环节', none: '无', open: '待定', noDates: '日期待定',
    kind: '材料种类', draft: '在此粘贴或输入草稿(只保存在本机浏览器)',
    chars: '字数', min: '最低', parts: '必备部分', areas: '应涉及的方面', covered: '已涉及', missing: '未涉及', findings: '提示',
    pass: '通过', fail: '未通过', preview: '标注预览', form: '测评表', group: '评议组', composite: '综合得分', outcome: '结论',
    vote: '满意度测评', voteName: '测评名称', respondents: '参评人数', clear: '清除我的数据', print: '打印自查报告',
    large: '大字', lang: 'English', errors: '规则文件有错误,请联系发布单位:', saved: '已自动保存在本机',
    item: '项目', mean: '平均分', report: '自查报告', substitute: '可替代', dueDate: '截止',
    noForm: '本地规则未设测评表', noVote: '本地规则未设满意度测评', privacy: '您输入的内容不会离开本浏览器。',
    computed: '自动判定', computedWhy: '由其他各项自动判定,无需勾选',
    na: (n, role) => `另有 ${n} 项不适用于“${role}”(点击查看)`,
    confirmClear: '将清除本机保存的草稿、勾选、分数和设置。确定清除吗?', confirmYes: '确定清除', cancel: '取消',
    cleared: '已清除本机保存的数据。', undo: '撤销', undone: '已恢复清除前的数据。',
    restarted: '组件内部出错,已自动重新启动;您的草稿和勾选都还在。',
    wasm: '此网页的内容安全策略(CSP)不允许运行 WebAssembly,自查组件无法启动。请网站管理员在 Content-Security-Policy 的 script-src 中加入 \'wasm-unsafe-eval\'。',
    wasmLoad: (e) => `自查组件无法载入 xianjiao_bg.wasm(${e})。请网站管理员确认该文件与 xianjiao.js 放在同一目录,并以 application/wasm 类型提供。`,
    noEntry: (href, st) => `无法载入规则文件 ${href}(HTTP ${st})。请网站管理员检查 rules 属性。`,
    missingParent: (p, f, line) => `找不到上级规则文件 ${p}(${f} 第 ${line} 行 extends 引用)。请网站管理员把 ${p} 复制到 ${f} 所在的目录。`,
    refused: (p, f) => `拒绝载入上级规则文件 ${p}:上级规则文件必须与 ${f} 在同一网站的同一目录(或其子目录)下。`,
    name: '姓名', branch: '所在党支部', date: '日期', sign: '本人签名', opinion: '党支部意见', signBranch: '支部书记签名',
    empty: '尚未填写', emptyWhy: '输入或粘贴草稿后,这里会逐项显示检查结果。', lvError: '错误', lvWarn: '提示',
    storageFull: '草稿未能保存在本机,请先复制备份', copy: '复制草稿', copied: '草稿已复制,可粘贴到别处保存。', copyFailed: '无法自动复制:请在草稿框中全选(Ctrl+A)后复制。',
    where: '您在', next: '下一项', nextNone: '暂无待办事项', nowPhase: (p) => `当前阶段:${p}`, noPhase: '当前不在任何阶段',
    nextItem: (label, due) => `下一项:${label}` + (due ? `(${due} 前)` : ''),
    outOfRange: (lo, hi) => `应在 ${lo}–${hi} 之间`, partial: (missing) => `尚缺 ${missing} 的分数:综合得分不完整,仅供参考`,
    findingsHint: '点击一条提示,可在草稿中定位。', quoted: (n) => `另有 ${n} 处是引用规则原文,不计入提示。`, gateInfo: '转段前还需完成:',
  },
  en: {
    title: 'Campaign self-check', loading: 'Loading rules…', loadingFull: 'Loading the full engine this calculation needs…', tabs: ['Schedule', 'Checklist', 'Materials', 'Calculator'],
    role: 'My role', unit: 'Unit type', conditions: 'Circumstances', condsNone: 'Circumstances (open to tick any that apply)', condsSome: (n) => `Circumstances (${n} ticked)`, today: 'Today', phase: 'Phase', step: 'Step', dates: 'Dates', state: 'Status',
    status: { upcoming: 'upcoming', current: 'in progress', overdue: 'overdue', done: 'done', past: 'ended', pending: 'pending', exempt: 'exempt', not_applicable: 'not applicable' },
    currentPhase: 'Current phase', due: 'Steps in progress', none: 'none', open: 'to be set', noDates: 'dates to be set',
    kind: 'Material', draft: 'Paste or type your draft (kept in this browser only)',
    chars: 'Characters', min: 'minimum', parts: 'Required parts', areas: 'Areas', covered: 'covered', missing: 'missing', findings: 'Findings',
    pass: 'Pass', fail: 'Not yet', preview: 'Highlighted draft', form: 'Form', group: 'Rater group', composite: 'Composite', outcome: 'Outcome',
    vote: 'Satisfaction vote', voteName: 'Vote', respondents: 'Respondents', clear: 'Clear my data', print: 'Print report',
    large: 'Large text', lang: '中文', errors: 'The rule file has errors; please tell the publisher:', saved: 'Saved in this browser',
    item: 'Item', mean: 'Mean', report: 'Self-check report', substitute: 'Alternative', dueDate: 'Due',
    noForm: 'These rules define no appraisal form', noVote: 'These rules define no vote', privacy: 'Nothing you type leaves this browser.',
    computed: 'computed', computedWhy: 'Worked out from the other items; nothing to tick',
    na: (n, role) => `${n} more ${n === 1 ? 'item does' : 'items do'} not apply to “${role}” (show)`,
    confirmClear: 'This clears the drafts, ticks, marks and settings saved in this browser. Clear them?', confirmYes: 'Yes, clear', cancel: 'Cancel',
    cleared: 'Saved data cleared.', undo: 'Undo', undone: 'Your data is back.',
    restarted: 'The widget hit an internal error and restarted itself; your drafts and ticks are kept.',
    wasm: 'This page\'s Content-Security-Policy does not allow WebAssembly, so the self-check cannot start. The webmaster must add \'wasm-unsafe-eval\' to script-src.',
    wasmLoad: (e) => `The self-check could not load xianjiao_bg.wasm (${e}). The webmaster must put it next to xianjiao.js and serve it as application/wasm.`,
    noEntry: (href, st) => `Could not load the rule file ${href} (HTTP ${st}). The webmaster should check the rules attribute.`,
    missingParent: (p, f, line) => `The parent rule file ${p} (extended by ${f}, line ${line}) is missing. The webmaster must copy ${p} next to ${f}.`,
    refused: (p, f) => `Refused to load the parent rule file ${p}: parents must be on the same site as ${f}, in its directory or below.`,
    name: 'Name', branch: 'Party branch', date: 'Date', sign: 'Signature', opinion: 'Branch opinion', signBranch: 'Branch secretary',
    empty: 'Not started', emptyWhy: 'Type or paste your draft; the checks appear here as you write.', lvError: 'Error', lvWarn: 'Note',
    storageFull: 'Your draft could not be saved in this browser: copy it somewhere safe first', copy: 'Copy draft', copied: 'Draft copied; paste it somewhere safe.', copyFailed: 'Could not copy automatically: select all in the draft box (Ctrl+A) and copy.',
    where: 'You are here', next: 'Next', nextNone: 'Nothing due', nowPhase: (p) => `Current phase: ${p}`, noPhase: 'No phase is under way',
    nextItem: (label, due) => `Next: ${label}` + (due ? ` (by ${due})` : ''),
    outOfRange: (lo, hi) => `must be ${lo}–${hi}`, partial: (missing) => `No marks yet for ${missing}: the composite is incomplete, for reference only`,
    findingsHint: 'Click a finding to find it in your draft.', quoted: (n) => `${n} more ${n === 1 ? 'place quotes' : 'places quote'} the rule itself and ${n === 1 ? 'does' : 'do'} not count.`, gateInfo: 'Before the next phase:',
  },
};

const XJ_CSS = `
:host { display: block; font-size: max(16px, 1em); font-family: inherit; color: #1f2937; line-height: 1.6; }
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
.root { border: 1px solid #9ca3af; border-radius: .5em; background: #fff; padding: .75em; max-width: 100%; font-size: max(16px, 1em); }
.root.large { font-size: max(20px, 1.25em); }
.head { display: flex; flex-wrap: wrap; gap: .5em; align-items: center; justify-content: space-between; margin-bottom: .5em; }
h2 { font-size: 1.2em; margin: 0; }
h3 { font-size: 1.05em; margin: .8em 0 .3em; }
.tools { display: flex; flex-wrap: wrap; gap: .4em; }
button, select, input, textarea { font: inherit; color: inherit; }
button { background: #f3f4f6; border: 1px solid #6b7280; border-radius: .35em; padding: .3em .8em; cursor: pointer; min-height: 44px; min-width: 44px; }
button:hover { background: #e5e7eb; }
button[aria-pressed=true] { background: #1d4ed8; color: #fff; border-color: #1e3a8a; box-shadow: inset 0 2px 4px rgba(0,0,0,.35); }
button[aria-pressed=true]::before { content: "✓ "; }
button.danger { border-color: #991b1b; color: #991b1b; background: #fff; }
:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
[role=tablist] { display: flex; flex-wrap: wrap; gap: .25em; border-bottom: 2px solid #1d4ed8; margin-bottom: .75em; }
[role=tab] { border-radius: .35em .35em 0 0; border-bottom: none; background: #fff; }
[role=tab][aria-selected=true] { background: #1d4ed8; color: #fff; border-color: #1d4ed8; }
.row { display: flex; flex-wrap: wrap; gap: .5em 1em; align-items: center; margin: .4em 0; }
label { display: inline-flex; gap: .35em; align-items: center; }
label.tick { gap: .5em; min-height: 44px; min-width: 44px; cursor: pointer; }
select { max-width: 100%; }
select, input[type=number], input[type=date] { border: 1px solid #6b7280; border-radius: .3em; padding: .2em .4em; min-height: 44px; min-width: 44px; background: #fff; }
input[type=number] { width: 5.5em; }
input[type=checkbox] { width: 1.5em; height: 1.5em; margin: 0; flex: none; accent-color: #1d4ed8; }
textarea { width: 100%; min-height: 12em; border: 1px solid #6b7280; border-radius: .3em; padding: .5em; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #d1d5db; padding: .3em .4em; text-align: left; vertical-align: top; }
.scroll { overflow-x: auto; }
.badge { display: inline-block; padding: 0 .45em; border-radius: .3em; white-space: nowrap; border: 1px solid currentColor; }
.s-done, .s-past { color: #065f46; background: #ecfdf5; }
.s-current, .s-pending { color: #1e3a8a; background: #eff6ff; }
.s-overdue { color: #991b1b; background: #fef2f2; }
.s-upcoming, .s-not_applicable, .s-computed { color: #374151; background: #f9fafb; }
.s-exempt { color: #5b21b6; background: #f5f3ff; }
ul.items { list-style: none; padding: 0; margin: 0; }
ul.items > li { border-bottom: 1px solid #e5e7eb; padding: .45em 0; }
.muted { color: #4b5563; }
.ok { color: #065f46; font-weight: bold; }
.bad { color: #991b1b; font-weight: bold; }
ul.findings li.bad { font-weight: normal; }
ul.findings li { margin: .15em 0; }
.meter { height: .6em; background: #e5e7eb; border-radius: .3em; overflow: hidden; margin: .2em 0; }
.meter > span { display: block; height: 100%; background: #1d4ed8; }
.preview { white-space: pre-wrap; word-break: break-all; border: 1px dashed #9ca3af; padding: .5em; max-height: 20em; overflow: auto; }
mark.error { background: #fecaca; color: #7f1d1d; }
mark.warning { background: #fde68a; color: #78350f; }
.diag { color: #991b1b; white-space: pre-wrap; word-break: break-word; }
.diag code { font-family: ui-monospace, monospace; }
.status { min-height: 1.6em; }
.notice { border: 2px solid #1d4ed8; border-radius: .4em; padding: .4em .6em; margin: .4em 0; background: #eff6ff; }
.notice.warn { border-color: #991b1b; background: #fef2f2; }
.notice p { margin: 0 0 .3em; }
.notice ul { margin: .2em 0 .4em; padding-left: 1.4em; }
h3 + ul.items { border-top: 1px solid #e5e7eb; }
details > summary { min-height: 44px; padding: .45em 0; cursor: pointer; color: #1e3a8a; }
fieldset { border: 1px solid #d1d5db; border-radius: .35em; }
@media (max-width: 420px) { .root { padding: .5em; } th, td { padding: .25em; } input[type=number] { width: 3.6em; } }
/* short names and dates break between words, not inside (学习动/员); a word longer than the line still breaks */
h2, th, td, h3, .where, .badge, [role=tab], label, summary { word-break: keep-all; overflow-wrap: anywhere; }
/* narrow (a phone, or large text): tables become one card per row, each value with its column's name */
.root { container-type: inline-size; }
@container (max-width: 24em) {
  table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.stack, table.stack tbody, table.stack tr, table.stack th, table.stack td { display: block; }
  table.stack tr { border-bottom: 1px solid #d1d5db; padding: .3em 0; }
  table.stack th, table.stack td { border: none; padding: .15em 0; }
  table.stack td[data-label]::before { content: attr(data-label) ": "; color: #4b5563; }
  table.stack input[type=number] { width: 5.5em; }
}
.nw { white-space: nowrap; }
.where { border-left: 4px solid #1d4ed8; background: #eff6ff; padding: .3em .6em; margin: 0 0 .6em; }
.where p { margin: .1em 0; }
.neutral { color: #374151; font-weight: bold; }
ul.findings { list-style: none; padding: 0; }
ul.findings div.finding { display: flex; gap: .5em; align-items: baseline; padding: .3em .8em; }
ul.findings .finding { flex-wrap: wrap; column-gap: .5em; row-gap: 0; }
ul.findings .finding > span:last-child { min-width: 0; overflow-wrap: anywhere; flex: 1 1 12em; }
ul.findings button { display: flex; gap: .5em; align-items: baseline; width: 100%; text-align: left; background: #fff; border-color: #d1d5db; font-weight: normal; }
ul.findings li.bad button { border-color: #991b1b; }
ul.findings li.warn button { border-color: #b45309; }
.lv { flex: none; font-weight: bold; white-space: nowrap; }
li.bad .lv { color: #991b1b; }
li.warn .lv { color: #92400e; }
mark.current { outline: 3px solid #1d4ed8; outline-offset: 1px; }
.field-error { display: block; color: #991b1b; font-size: .9em; white-space: nowrap; }
input[aria-invalid=true] { border-color: #991b1b; border-width: 2px; }
.notice.info-gate { border-color: #1d4ed8; background: #eff6ff; }
.print-only { display: none; }
@media print {
  .root { border: none; padding: 0; }
  .tools, [role=tablist], .status, textarea, .preview, #xj-preview-h, .notice button { display: none !important; }
  ul.findings button { border: none; padding: 0; min-height: 0; }
  .print-only { display: block; white-space: pre-wrap; border: 1px solid #000; padding: .5em; }
  .scroll { overflow: visible; }
  * { color: #000 !important; background: #fff !important; }
}
`;

/** The widget's stylesheet: constructable (works under CSP `style-src 'self'`), else a <style> element. */
let xjSheet = null;
function xjStyle(shadow) {
  try {
    if (!xjSheet) { xjSheet = new CSSStyleSheet(); xjSheet.replaceSync(XJ_CSS); }
    shadow.adoptedStyleSheets = [xjSheet];
    return null;
  } catch (_) {
    const s = document.createElement('style'); s.textContent = XJ_CSS; return s; // older browsers
  }
}

/** The member's own calendar day (local time zone), YYYY-MM-DD. */
function xjLocalDay(d = new Date()) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

// The engine modules. In the one-file bundle (www/pkg/xianjiao.js, where esbuild
// defines XJ_ONE_FILE) the glue is this very module and is the script-free
// build: it reads compiled rules (`xianjiao compile`) without Rhai's parser
// and evaluator, which keeps a member's first download small. The full build (xianjiao_full.js next to it)
// is imported only when the rules need it: a plain .rhai file, or a custom
// function the rules call (the error `engine.needs_script`). In the npm
// package ./xianjiao.js is the full build and nothing more is loaded.
// After a trap the widget imports the module it was using again under a fresh
// URL: a new module, a new WebAssembly instance (the glue caches its instance).
const XJ_BUNDLED = typeof XJ_ONE_FILE === 'boolean'; // a global nowhere else: typeof is safe unbundled
const XJ_GLUE_URL = XJ_BUNDLED ? import.meta.url : new URL('./xianjiao.js', import.meta.url).href;
const XJ_FULL_URL = XJ_BUNDLED ? new URL('./xianjiao_full.js', import.meta.url).href : null;
let xjApi = null, xjFullApi = null, xjGen = 0;
function xjBoot() {
  return (xjApi ||= __wbg_init().then(() => ({ Engine, renderHighlights, word, gen: 0, url: XJ_GLUE_URL, full: !XJ_BUNDLED })));
}
function xjImport(url, gen, full) {
  const u = gen ? url + (url.includes('?') ? '&' : '?') + 'xj-fresh=' + gen : url;
  return import(/* webpackIgnore: true */ /* @vite-ignore */ u).then(async (m) => {
    await m.default();
    return { Engine: m.Engine, renderHighlights: m.renderHighlights, word: m.word, gen, url, full };
  });
}
/** The engine with the script interpreter (the same module when it already is one). */
function xjBootFull() {
  if (!XJ_FULL_URL) return xjBoot();
  return (xjFullApi ||= xjImport(XJ_FULL_URL, 0, true).catch((e) => { xjFullApi = null; throw e; }));
}
async function xjRestart(dead) {
  const full = !!(dead && dead.full && XJ_FULL_URL);
  const cur = await (full ? xjBootFull() : xjBoot()).catch(() => null);
  if (cur && cur !== dead) return cur; // another widget already restarted it
  const p = xjImport(full ? XJ_FULL_URL : XJ_GLUE_URL, ++xjGen, full || !XJ_BUNDLED);
  if (full) xjFullApi = p; else xjApi = p;
  return p;
}

/**
 * Fetches a rule file and the parents it extends (rules-fetch.js), with the
 * widget's wording of the two errors.
 */
function xjFetchRules(url, lang = 'zh') {
  return xjFetchRuleChain(url, document.baseURI, XJ_STRINGS[lang] || XJ_STRINGS.zh);
}

/** A message for a wasm that cannot start (CSP without 'wasm-unsafe-eval', missing file, wrong MIME type). */
function xjBootMessage(t, e) {
  const msg = String(e && e.message || e);
  if ((typeof WebAssembly === 'object' && e instanceof WebAssembly.CompileError && /unsafe-eval|Content Security Policy|CSP/i.test(msg)) || /wasm-unsafe-eval|Content Security Policy/i.test(msg)) return t.wasm;
  return t.wasmLoad(msg);
}

/**
 * A host page without `<meta name="viewport">` is laid out 980 px wide on a
 * phone and shrunk: the widget reads at under half size. The webmaster is told
 * once, in the console (DEPLOY.md says the same), and the element gets
 * data-viewport="missing" for a portal's own checks.
 */
let xjViewportWarned = false;
function xjCheckViewport(host) {
  if (document.querySelector('meta[name="viewport" i]')) return true;
  if (!xjViewportWarned) {
    xjViewportWarned = true;
    console.warn('xianjiao: 此网页缺少 <meta name="viewport" content="width=device-width, initial-scale=1">,手机上自查组件会缩小到一半以下。'
      + '请在 <head> 中加入这一行(见部署说明)。 / This page has no viewport meta tag: on a phone the widget is shrunk to under half size. '
      + 'Add <meta name="viewport" content="width=device-width, initial-scale=1"> to <head>.');
  }
  return false;
}

class XianjiaoWidget extends HTMLElement {
  static get observedAttributes() { return ['rules', 'unit', 'lang', 'today', 'batch']; }

  constructor() {
    super();
    this.shadow = this.attachShadow({ mode: 'open' });
    this.styleEl = xjStyle(this.shadow);
    this.engine = null;
    this.state = null;
    this.tab = 0;
    this.refs = {};
    this.notice = null; // {text, kind, action?}
    this.confirming = false;
    this.undoData = null;
  }

  connectedCallback() { if (!this.started) { this.started = true; if (!xjCheckViewport()) this.dataset.viewport = 'missing'; this.load(); } }
  attributeChangedCallback(name, old, val) {
    if (!this.started || old === val) return;
    if (name === 'rules') { this.load(); return; }
    if (!this.engine || !this.state) return;
    if (name === 'unit') { this.restore(); }
    if (name === 'lang' && val) this.state.lang = val;
    this.render();
  }

  get t() { return XJ_STRINGS[this.lang] || XJ_STRINGS.zh; }
  get lang() { return (this.state && this.state.lang) || this.getAttribute('lang') || 'zh'; }
  get rulesUrl() { const r = this.getAttribute('rules'); try { return r ? new URL(r, document.baseURI).href : 'inline:' + (this.entry || ''); } catch (_) { return r; } }
  get storageKey() { return 'xianjiao:' + this.rulesUrl + '|' + (this.getAttribute('unit') || ''); }
  get legacyKey() { return 'xianjiao:' + (this.getAttribute('rules') || this.entry || 'inline'); }
  get today() { return this.getAttribute('today') || xjLocalDay(); }

  /** Shows a message in place of the widget (loading, or an error the webmaster must fix). */
  shell(message, isError) {
    this.shadow.replaceChildren(...[this.styleEl, el('div', { class: 'root', role: 'region', 'aria-label': this.t.title, lang: this.lang === 'en' ? 'en' : 'zh-CN' },
      el('p', { class: isError ? 'diag' : 'muted', role: isError ? 'alert' : 'status' }, message))].filter(Boolean));
  }

  /** Loads rules from the `rules` attribute (fetching the parents it extends). */
  async load() {
    this.shell(this.t.loading);
    const url = this.getAttribute('rules');
    // the rule files download while the wasm compiles (not after: one round trip less on a phone)
    const rules = url ? xjFetchRules(url, this.lang) : null;
    if (rules) rules.catch(() => {}); // (its error is reported below, after the engine's)
    try { this.api = await xjBoot(); } catch (e) { this.shell(xjBootMessage(this.t, e), true); return; }
    if (!url) return;
    try {
      const { sources, entry } = await rules;
      await this.loadSources(sources, entry);
    } catch (e) {
      this.shell(String(e && e.message || e), true);
    }
  }

  /** Loads rules from text (the playground uses this): `sources` maps file name → text. */
  async loadSources(sources, entry) {
    try { this.api = await xjBoot(); } catch (e) { this.shell(xjBootMessage(this.t, e), true); return; }
    if (this.engine) { try { this.engine.free(); } catch (_) {} }
    this.sources = sources;
    this.entry = entry;
    this.engine = new this.api.Engine(sources, entry);
    if (this.engine.hasErrors() && this.needsScript()) {
      // a plain .rhai file: the full engine reads it
      try { await this.upgrade(); } catch (e) { this.shell(xjBootMessage(this.t, e), true); return; }
    }
    if (this.engine.hasErrors()) { this.rules = null; this.renderDiagnostics(); return; }
    this.rules = this.engine.rules();
    this.restore();
    this.render();
  }

  /** True when the script-free engine cannot read these rules (a .rhai file). */
  needsScript() {
    return !this.api.full && this.engine.diagnostics().some(d => d.code === 'engine.needs_script');
  }
  /** Switches to the engine with the script interpreter and loads the same rules into it. */
  async upgrade() {
    const api = await xjBootFull();
    if (this.engine) { try { this.engine.free(); } catch (_) {} }
    this.api = api;
    this.engine = new api.Engine(this.sources, this.entry);
  }
  /**
   * Calls the engine; a wasm trap starts a fresh instance (see recover). A
   * custom function the script-free engine cannot run loads the full engine,
   * then renders again; meanwhile the caller shows "loading".
   */
  eng(method, ...args) {
    try { return this.engine[method](...args); }
    catch (e) {
      if (typeof WebAssembly === 'object' && e instanceof WebAssembly.RuntimeError) this.recover(e);
      else if (e && e.code === 'engine.needs_script' && !this.api.full) {
        if (!this.upgrading) {
          this.upgrading = (async () => {
            try { await this.upgrade(); this.rules = this.engine.rules(); this.render(); }
            catch (err) { this.shell(xjBootMessage(this.t, err), true); }
            finally { this.upgrading = null; }
          })();
        }
        throw new Error(this.t.loadingFull);
      }
      throw e;
    }
  }
  highlight(target, text, findings) {
    try { this.api.renderHighlights(target, text, findings); }
    catch (e) { if (typeof WebAssembly === 'object' && e instanceof WebAssembly.RuntimeError) this.recover(e); else target.textContent = text; }
  }

  /** After a trap the instance's memory cannot be trusted: start a new one and reload the same rules. */
  async recover(err) {
    if (this.recovering) return;
    this.recovering = true;
    try {
      this.api = await xjRestart(this.api);
      this.engine = new this.api.Engine(this.sources, this.entry);
      this.rules = this.engine.rules();
      this.notice = { text: this.t.restarted, kind: 'warn' };
      this.lastError = String(err && err.message || err);
      this.render();
    } catch (e) {
      this.shell(this.t.restarted + ' ' + String(e && e.message || e), true);
    } finally { this.recovering = false; }
  }

  restore() {
    const r = this.rules;
    const roles = r.roles.filter(x => !x.group).map(x => x.name);
    let saved = {};
    try {
      const raw = localStorage.getItem(this.storageKey) ?? localStorage.getItem(this.legacyKey);
      saved = JSON.parse(raw || '{}') || {};
    } catch (_) { saved = {}; }
    this.state = Object.assign({
      role: roles[0] || (r.roles[0] && r.roles[0].name) || '',
      unit: (r.units[0] && r.units[0].name) || '',
      conditions: [], progress: {}, drafts: {}, kind: r.materials[0] && r.materials[0].kind,
      marks: {}, tiers: {}, form: r.forms[0] && r.forms[0].name, vote: r.votes[0] && r.votes[0].name,
      large: false, lang: 'zh',
    }, saved);
    // The page's attributes always win over what was saved.
    const unitAttr = this.getAttribute('unit'), langAttr = this.getAttribute('lang');
    if (unitAttr) this.state.unit = unitAttr;
    if (langAttr) this.state.lang = langAttr;
    if (!r.roles.some(x => x.name === this.state.role)) this.state.role = r.roles[0] ? r.roles[0].name : '';
    if (r.units.length && !r.units.some(x => x.name === this.state.unit)) this.state.unit = r.units[0].name;
    this.state.conditions = this.state.conditions.filter(c => r.conditions.some(x => x.name === c));
  }

  /** Saves in localStorage; when that fails (storage full or blocked) the member is told, with a copy button, until a save works again. */
  save() {
    let ok = true;
    try { localStorage.setItem(this.storageKey, JSON.stringify(this.state)); } catch (_) { ok = false; }
    if (ok !== !!this.storageFailed) return;
    this.storageFailed = !ok;
    if (this.refs.storage) this.refs.storage.replaceChildren(...[this.storageBox()].filter(Boolean));
  }

  storageBox() {
    if (!this.storageFailed) return null;
    const t = this.t;
    const said = el('p', { class: 'muted', role: 'status' });
    return el('div', { class: 'notice warn', role: 'alert', id: 'xj-storage' }, el('p', {}, t.storageFull),
      el('button', { id: 'xj-copy', onclick: () => this.copyDrafts(said) }, t.copy), said);
  }

  /** Copies the drafts (the current one first) to the clipboard; without clipboard access, through a selected text area. */
  async copyDrafts(said) {
    const t = this.t, s = this.state;
    const kinds = [s.kind, ...Object.keys(s.drafts).filter(k => k !== s.kind)].filter(k => k && s.drafts[k]);
    const text = kinds.length > 1 ? kinds.map(k => `【${k}】\n${s.drafts[k]}`).join('\n\n') : (s.drafts[kinds[0]] || '');
    let ok = false;
    try { await navigator.clipboard.writeText(text); ok = true; } catch (_) {
      const ta = el('textarea', { 'aria-hidden': 'true', readonly: true });
      ta.value = text; ta.style.position = 'fixed'; ta.style.opacity = '0';
      this.shadow.append(ta); ta.select();
      try { ok = document.execCommand('copy'); } catch (_) { ok = false; }
      ta.remove();
    }
    said.textContent = ok ? t.copied : t.copyFailed;
  }

  askClear() { this.confirming = true; this.notice = null; this.render('xj-clear-no'); } // never the destructive button by default
  clearData() {
    this.confirming = false;
    let saved = null;
    try { saved = localStorage.getItem(this.storageKey); localStorage.removeItem(this.storageKey); localStorage.removeItem(this.legacyKey); } catch (_) {}
    this.undoData = { saved, state: JSON.stringify(this.state) };
    this.restore();
    this.notice = { text: this.t.cleared, kind: 'info', undo: true };
    this.render('xj-undo');
  }
  undoClear() {
    if (!this.undoData) return;
    const { saved, state } = this.undoData;
    this.undoData = null;
    this.state = JSON.parse(state);
    if (saved != null) { try { localStorage.setItem(this.storageKey, saved); } catch (_) {} } else this.save();
    this.notice = { text: this.t.undone, kind: 'info' };
    this.render('xj-clear');
  }

  renderDiagnostics() {
    const t = this.t;
    const d = this.eng('diagnostics');
    const miss = d.find(x => x.code === 'extends.not_found');
    let body;
    if (miss) {
      const parent = (/找不到上级规则文件 (\S+)/.exec(miss.message) || [])[1] || '?';
      body = el('p', { class: 'diag', role: 'alert' }, t.missingParent(parent, miss.file, miss.line));
    } else {
      body = [el('p', { role: 'alert' }, t.errors),
        el('ul', { class: 'diag' }, d.map(x => el('li', {}, el('code', {}, `${x.file}:${x.line}:${x.col}`), `: ${x.severity}[${x.code}]: ${xjSay(x.message, this.lang)}`)))];
    }
    this.shadow.replaceChildren(...[this.styleEl, el('div', { class: 'root', role: 'region', 'aria-label': t.title, lang: this.lang === 'en' ? 'en' : 'zh-CN' },
      el('h2', {}, t.title), body)].filter(Boolean));
  }

  announce(msg) { if (this.refs.live) this.refs.live.textContent = msg; }

  /** Rebuilds the widget, keeping keyboard focus on the control that had it (or on `focusId`). */
  render(focusId) {
    if (!this.rules || !this.state) return;
    const active = this.shadow.activeElement;
    const keep = focusId || (active && active.id) || null;
    const t = this.t, s = this.state;
    const tabs = t.tabs.map((name, i) => el('button', {
      // Every tab is in the Tab order (Enter/Space select it, as a button); the arrow keys work too.
      role: 'tab', id: `xj-tab-${i}`, 'aria-selected': String(i === this.tab), 'aria-controls': `xj-panel-${i}`, tabindex: 0,
      onclick: () => this.select(i), onkeydown: (e) => this.tabKey(e, i),
    }, name));
    const panel = el('div', { role: 'tabpanel', id: `xj-panel-${this.tab}`, 'aria-labelledby': `xj-tab-${this.tab}`, tabindex: 0 });
    this.refs = { panel, storage: el('div', {}, this.storageBox()) };
    this.refs.live = el('div', { class: 'status muted', 'aria-live': 'polite', role: 'status' });
    const root = el('div', { class: 'root' + (s.large ? ' large' : ''), role: 'region', 'aria-label': (this.rules.campaign && this.rules.campaign.name) || t.title, lang: this.lang === 'en' ? 'en' : 'zh-CN' },
      el('div', { class: 'head' },
        el('h2', {}, (this.rules.campaign && this.rules.campaign.name) || t.title)),
      this.whereBox(),
      el('div', { class: 'head' },
        el('div', { class: 'tools' },
          el('button', { id: 'xj-large', 'aria-pressed': String(!!s.large), onclick: () => { s.large = !s.large; this.save(); this.render(); } }, t.large),
          el('button', { id: 'xj-lang', lang: this.lang === 'en' ? 'zh-CN' : 'en', onclick: () => { s.lang = this.lang === 'en' ? 'zh' : 'en'; this.save(); this.render(); } }, t.lang),
          el('button', { id: 'xj-print', onclick: () => this.printReport() }, t.print),
          el('button', { id: 'xj-clear', class: 'danger', 'aria-expanded': String(this.confirming), onclick: () => this.askClear() }, t.clear))),
      this.noticeBox(), this.refs.storage,
      this.profileRow(),
      el('div', { role: 'tablist', 'aria-label': t.title }, tabs),
      panel, this.refs.live,
      el('p', { class: 'muted' }, t.privacy));
    this.shadow.replaceChildren(...[this.styleEl, root].filter(Boolean));
    [this.renderSchedule, this.renderChecklist, this.renderMaterial, this.renderCalculator][this.tab].call(this, panel);
    if (keep) { const f = this.shadow.getElementById(keep); if (f) f.focus(); }
  }

  noticeBox() {
    const t = this.t;
    if (this.confirming) {
      return el('div', { class: 'notice warn', role: 'alertdialog', 'aria-labelledby': 'xj-confirm-text',
        onkeydown: (e) => { if (e.key === 'Escape') { e.preventDefault(); this.confirming = false; this.render('xj-clear'); } } },
        el('p', { id: 'xj-confirm-text' }, t.confirmClear),
        el('div', { class: 'tools' },
          el('button', { id: 'xj-clear-no', onclick: () => { this.confirming = false; this.render('xj-clear'); } }, t.cancel),
          el('button', { id: 'xj-clear-yes', class: 'danger', onclick: () => this.clearData() }, t.confirmYes)));
    }
    if (!this.notice) return null;
    const n = this.notice;
    return el('div', { class: 'notice' + (n.kind === 'warn' ? ' warn' : ''), role: n.kind === 'warn' ? 'alert' : 'status' },
      el('p', {}, n.text),
      n.undo && this.undoData ? el('button', { id: 'xj-undo', onclick: () => this.undoClear() }, `${t.undo} ↶`) : null);
  }

  /**
   * The first thing a member reads: today's phase and the next item due (the
   * most urgent open checklist item), before any control.
   */
  whereBox() {
    const t = this.t;
    let phase = null, next = null;
    try { phase = this.eng('schedule', { unit: this.state.unit, batch: this.getAttribute('batch') || null, on: this.today }).current_phase; } catch (_) {}
    try {
      const open = this.checklistData().items.filter(x => x.status === 'overdue' || x.status === 'pending');
      const rank = (x) => [x.status === 'overdue' ? 0 : 1, x.due || '9999'];
      open.sort((a, b) => { const [p, q] = [rank(a), rank(b)]; return p[0] - q[0] || (p[1] < q[1] ? -1 : p[1] > q[1] ? 1 : 0); });
      next = open[0] || null;
    } catch (_) {}
    return el('div', { class: 'where', id: 'xj-where' },
      el('p', {}, el('strong', {}, phase ? t.nowPhase(phase) : t.noPhase), ' ', el('span', { class: 'muted' }, `${t.today}: `, el('span', { class: 'nw' }, this.today))),
      el('p', {}, next ? [t.nextItem(next.label, next.due), ' ', this.badge(next.status)] : t.nextNone));
  }

  select(i) { this.tab = i; this.render(`xj-tab-${i}`); }
  tabKey(e, i) {
    const n = this.t.tabs.length;
    if (e.key === 'ArrowRight') { e.preventDefault(); this.select((i + 1) % n); }
    else if (e.key === 'ArrowLeft') { e.preventDefault(); this.select((i + n - 1) % n); }
    else if (e.key === 'Home') { e.preventDefault(); this.select(0); }
    else if (e.key === 'End') { e.preventDefault(); this.select(n - 1); }
  }

  profileRow() {
    const t = this.t, s = this.state, r = this.rules;
    const roleSel = el('select', { id: 'xj-role', onchange: (e) => { s.role = e.target.value; this.save(); this.render(); } },
      r.roles.map(x => el('option', { value: x.name, selected: x.name === s.role }, this.roleLabel(x))));
    const unitSel = r.units.length ? el('select', { id: 'xj-unit', onchange: (e) => { s.unit = e.target.value; this.save(); this.render(); } },
      r.units.map(x => el('option', { value: x.name, selected: x.name === s.unit }, x.name))) : null;
    const conds = r.conditions.map((c, i) => el('label', { class: 'tick' }, el('input', {
      type: 'checkbox', id: `xj-cond-${i}`, checked: s.conditions.includes(c.name),
      onchange: (e) => { s.conditions = e.target.checked ? [...s.conditions, c.name] : s.conditions.filter(x => x !== c.name); this.save(); this.render(); },
    }), c.label || c.name));
    return el('div', {},
      el('div', { class: 'row' }, el('label', { for: 'xj-role' }, t.role), roleSel,
        unitSel && el('label', { for: 'xj-unit' }, t.unit), unitSel),
      // 个人情况 folded until the member opens it or ticks one: on a phone the tabs come a screen sooner
      conds.length ? el('details', { id: 'xj-conds', open: this.condsOpen || s.conditions.length > 0, ontoggle: (e) => { this.condsOpen = e.target.open; } },
        el('summary', {}, s.conditions.length ? t.condsSome(s.conditions.length) : t.condsNone),
        el('fieldset', { class: 'row' }, el('legend', {}, t.conditions), conds)) : null);
  }

  /** A role as the member reads it: its label when that already names it ("领导班子(集体)"), else name(label). */
  roleLabel(x) { return !x.label || x.label === x.name ? x.name : x.label.includes(x.name) ? x.label : `${x.name}(${x.label})`; }
  list(xs) { return xs.join(this.lang === 'en' ? ', ' : '、'); }
  badge(status, label) { return el('span', { class: `badge s-${status}` }, label || this.t.status[status] || status); }

  renderSchedule(panel) {
    const t = this.t;
    let sc;
    try { sc = this.eng('schedule', { unit: this.state.unit, batch: this.getAttribute('batch') || null, on: this.today }); } catch (e) { panel.append(el('p', { class: 'diag' }, e.message)); return; }
    // A window that is over is simply past: the member cannot be late for the branch's meeting.
    const st = (x) => x === 'overdue' ? 'past' : x;
    panel.append(
      el('p', {}, `${t.currentPhase}: ${sc.current_phase || t.none}`),
      el('div', { class: 'scroll' }, el('table', { class: 'stack' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t.phase), el('th', { scope: 'col' }, t.dates), el('th', { scope: 'col' }, t.state))),
        el('tbody', {}, sc.phases.map(p => el('tr', {}, el('td', {}, el('strong', {}, p.name)), el('td', { 'data-label': t.dates }, this.span(p.start, p.end)),
          el('td', {}, p.status ? this.badge(st(p.status)) : '')))))));
    for (const p of sc.phases) {
      const steps = sc.steps.filter(x => x.phase === p.name);
      if (!steps.length) continue;
      panel.append(el('h3', {}, p.name), el('ol', {}, steps.map(x => el('li', {},
        el('strong', {}, x.name), ' ', el('span', { class: 'muted' }, x.start || x.end ? this.span(x.start, x.end) : ''), ' ', x.status ? this.badge(st(x.status)) : '',
        x.note ? el('div', { class: 'muted' }, x.note) : null))));
    }
    panel.append(el('p', {}, `${t.due}: ${this.list(sc.due) || t.none}`));
  }

  /** A date range; a bound the rules leave open is said so, never printed as null. */
  span(a, b) {
    const d = (x) => el('span', { class: 'nw' }, x || this.t.open); // a date never breaks (2005-09-/16)
    return a || b ? el('span', {}, d(a), ' – ', d(b)) : this.t.noDates;
  }

  checklistData() {
    const s = this.state;
    return this.eng('checklist', { role: s.role, unit: s.unit || null, batch: this.getAttribute('batch') || null, conditions: s.conditions, progress: s.progress, on: this.today });
  }
  req(id) { return this.rules.requirements.find(q => q.id === id); }
  gateBox(g) {
    const word = this.word;
    if (g.met) return el('p', { class: 'ok gate' }, xjGate(word, this.lang, g));
    // What is still needed before the next phase: information for the member, not an error.
    return el('div', { class: 'notice info-gate gate', role: 'note' }, el('p', {}, el('strong', {}, xjGate(word, this.lang, g, true))),
      el('ul', {}, g.blocking_labels.map(label => el('li', {}, label))), g.note ? el('p', { class: 'muted' }, g.note) : null);
  }
  gateText(g) { return xjGate(this.word, this.lang, g); }
  /** `word` of the current engine module (a fresh one after a trap). */
  get word() { return (lang, m) => this.api.word(lang, m); }

  renderChecklist(panel) {
    const t = this.t, s = this.state;
    let cl;
    try { cl = this.checklistData(); } catch (e) { panel.append(el('p', { class: 'diag' }, e.message)); return; }
    const lists = new Map(); // phase → <ul>, in the order the rules give
    const gates = el('div', {});
    const refs = {};
    for (const it of cl.items) {
      if (it.status === 'not_applicable') continue;
      const id = `xj-req-${it.id}`;
      const q = this.req(it.id) || {};
      const computed = !!(q.check || it.computed);
      const text = it.label;
      if (!lists.has(it.phase)) lists.set(it.phase, el('ul', { class: 'items' }));
      const list = lists.get(it.phase);
      const badgeBox = el('span', {}, this.badge(it.status));
      const why = el('div', { class: 'muted', id: id + '-why' });
      let row;
      if (computed || it.status === 'exempt') {
        // Computed by a rule function, or exempt: nothing for the member to tick.
        row = el('div', { class: 'row' }, el('span', {}, text), computed ? this.badge('computed', t.computed) : null, badgeBox);
      } else if (it.required != null && !(it.required === 1 && !it.unit)) {
        const input = el('input', { type: 'number', id, min: 0, step: 'any', value: s.progress[it.id] ?? '', 'aria-describedby': id + '-why',
          oninput: (e) => { const v = e.target.value; if (v === '') delete s.progress[it.id]; else s.progress[it.id] = Number(v); this.save(); this.updateChecklist(refs, gates); } });
        row = el('div', { class: 'row' }, el('label', { for: id }, text), input, it.unit ? el('span', { class: 'muted' }, it.unit) : null, badgeBox);
      } else {
        const input = el('input', { type: 'checkbox', id, checked: s.progress[it.id] === true, 'aria-describedby': id + '-why',
          onchange: (e) => { if (e.target.checked) s.progress[it.id] = true; else delete s.progress[it.id]; this.save(); this.updateChecklist(refs, gates); } });
        row = el('div', { class: 'row' }, el('label', { class: 'tick' }, input, text), badgeBox);
      }
      refs[it.id] = { badgeBox, why, computed };
      list.append(el('li', {}, row, why));
    }
    const na = cl.items.filter(x => x.status === 'not_applicable');
    for (const [phase, list] of lists) panel.append(el('h3', {}, phase), list);
    panel.append(gates, na.length ? el('details', {}, el('summary', {}, t.na(na.length, this.roleLabel(this.rules.roles.find(x => x.name === s.role) || { name: s.role }))),
      el('ul', {}, na.map(it => el('li', {}, `${it.phase} · ${it.label}: `, el('span', { class: 'muted' }, xjItemReason(this.word, this.lang, it)))))) : null);
    this.updateChecklist(refs, gates, cl);
  }

  updateChecklist(refs, gates, cl) {
    const t = this.t;
    try { cl = cl || this.checklistData(); } catch (e) { this.announce(e.message); return; }
    for (const it of cl.items) {
      const r = refs[it.id];
      if (!r) continue;
      xjPut(r.badgeBox, this.badge(it.status));
      const reason = xjItemReason(this.word, this.lang, it);
      // "已完成" next to the 已完成 badge says nothing new
      xjPut(r.why, reason === t.status[it.status] ? '' : reason, r.computed ? ` (${t.computedWhy})` : '',
        it.substitute ? el('div', {}, `${t.substitute}: ${it.substitute}`) : '', it.note ? el('div', {}, it.note) : '');
    }
    xjPut(gates, ...cl.gates.map(g => this.gateBox(g, cl.items)));
    const sm = cl.summary;
    this.announce(`${t.status.done} ${sm.done} · ${t.status.pending} ${sm.pending} · ${t.status.overdue} ${sm.overdue} · ${t.status.exempt} ${sm.exempt}`);
  }

  renderMaterial(panel) {
    const t = this.t, s = this.state, r = this.rules;
    if (!r.materials.length) { panel.append(el('p', {}, t.none)); return; }
    const kindSel = el('select', { id: 'xj-kind', onchange: (e) => { s.kind = e.target.value; this.save(); this.render(); } },
      r.materials.map(m => el('option', { value: m.kind, selected: m.kind === s.kind }, m.kind)));
    const area = el('textarea', { id: 'xj-draft', 'aria-describedby': 'xj-result', spellcheck: 'false' });
    area.value = s.drafts[s.kind] || '';
    const result = el('div', { id: 'xj-result', 'aria-live': 'polite' });
    const preview = el('div', { class: 'preview', id: 'xj-preview', role: 'region', tabindex: 0, 'aria-labelledby': 'xj-preview-h' });
    const printed = el('div', { class: 'print-only', id: 'xj-draft-print' }); // the whole draft on paper (a text area prints clipped)
    let queued = false;
    const run = () => {
      queued = false;
      s.drafts[s.kind] = area.value;
      this.save();
      this.showMaterial(result, preview, area.value, area, printed);
    };
    area.addEventListener('input', () => { if (!queued) { queued = true; requestAnimationFrame(run); } });
    panel.append(el('div', { class: 'row' }, el('label', { for: 'xj-kind' }, t.kind), kindSel),
      el('label', { for: 'xj-draft', class: 'muted' }, t.draft), area, printed, result, el('h3', { id: 'xj-preview-h' }, t.preview), preview);
    this.showMaterial(result, preview, area.value, area, printed);
  }

  materialData(text) {
    const s = this.state;
    const m = this.eng('checkMaterial', s.kind, s.role, text);
    m.worded = xjFindings(this.word, this.lang, m).map(f => Object.assign(f, { text: xjClean(f.text) }));
    // Quotes of the rule's own reason (m.quoted: places left out) and where parts go out of order are the engine's.
    return m;
  }

  /**
   * The check of the draft: pass / fail, or a neutral 尚未填写 while the box is empty;
   * each finding a button with its level in words and an icon (not colour alone)
   * that selects the place in the member's own text and marks it in the preview.
   */
  showMaterial(result, preview, text, area, printed) {
    const t = this.t;
    if (printed) printed.textContent = text;
    if (!text.trim()) {
      xjPut(result, el('p', {}, el('strong', { class: 'neutral' }, t.empty), ' · ', el('span', { class: 'muted' }, t.emptyWhy)));
      xjPut(preview);
      this.lastMaterial = null;
      return;
    }
    let m;
    try { m = this.materialData(text); } catch (e) { xjPut(result, el('p', { class: 'diag' }, e.message)); return; }
    // At least 1% once anything is written, so a short start still shows on the bar.
    const pct = m.min_chars ? Math.min(100, Math.max(m.chars > 0 ? 1 : 0, Math.round(100 * m.chars / m.min_chars))) : 100;
    const bar = el('span');
    bar.style.width = pct + '%'; // CSSOM, not a style attribute: allowed under a strict CSP
    const level = (f) => f.level === 'error' ? ['bad', '✗ ' + t.lvError] : ['warn', 'ⓘ ' + t.lvWarn];
    const item = (f) => {
      const [cls, lv] = level(f);
      const body = [el('span', { class: 'lv' }, lv), el('span', {}, f.text)];
      return el('li', { class: cls }, f.start != null && area
        ? el('button', { type: 'button', class: 'finding', onclick: () => this.locate(area, preview, text, f.start, f.end) }, body)
        : el('div', { class: 'finding' }, body));
    };
    const worded = m.worded.filter(f => f.text != null && f.text !== '');
    xjPut(result,
      el('p', {}, el('strong', { class: m.pass ? 'ok' : 'bad' }, m.pass ? '✓ ' + t.pass : '✗ ' + t.fail), ' · ',
        `${t.chars} ${m.chars}` + (m.min_chars ? ` / ${t.min} ${m.min_chars}` : '')),
      m.min_chars ? el('div', { class: 'meter', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': m.min_chars, 'aria-valuenow': Math.min(m.chars, m.min_chars), 'aria-label': t.chars }, bar) : null,
      m.parts.length ? el('p', {}, `${t.parts}: `, m.parts.map(p => el('span', { class: p.found && !p.missing_fields.length ? 'ok' : 'bad' }, (p.found && !p.missing_fields.length ? '✓ ' : '✗ ') + p.name + '  '))) : null,
      (m.areas_covered.length || m.areas_missing.length) ? el('p', {}, `${t.areas}: ${t.covered} ${this.list(m.areas_covered) || t.none}; ${t.missing} ${this.list(m.areas_missing) || t.none}`) : null,
      worded.some(f => f.start != null) ? el('p', { class: 'muted' }, t.findingsHint) : null,
      m.quoted ? el('p', { class: 'muted', id: 'xj-quoted' }, t.quoted(m.quoted)) : null,
      worded.length ? el('ul', { class: 'findings' }, worded.map(item)) : null);
    this.highlight(preview, text, worded.filter(f => f.level === 'error' || f.level === 'warning').map(f => ({ start: f.start, end: f.end, at: f.at, level: f.level, message: f.text })));
    this.lastMaterial = m;
  }

  /** Selects characters [start, end) of the draft (the engine counts code points) in the text area and marks the same place in the preview. */
  locate(area, preview, text, start, end) {
    const cp = Array.from(text);
    const u = (n) => cp.slice(0, n).join('').length; // code points → UTF-16 offsets
    const a = u(start), b = u(end != null && end > start ? end : Math.min(cp.length, start + 1));
    // caret to the end first, then focus: the browser scrolls the text area to it
    area.setSelectionRange(b, b); area.blur(); area.focus(); area.setSelectionRange(a, b);
    area.scrollIntoView({ block: 'nearest' });
    let at = 0, hit = null;
    for (const n of preview.childNodes) {
      const len = Array.from(n.textContent).length;
      if (n.nodeName === 'MARK' && at <= start && start < at + len) { hit = n; break; }
      at += len;
    }
    for (const x of preview.querySelectorAll('mark.current')) x.classList.remove('current');
    if (hit) {
      hit.classList.add('current');
      preview.scrollTop = Math.max(0, hit.offsetTop - preview.offsetTop - preview.clientHeight / 3);
    }
  }

  renderCalculator(panel) {
    const t = this.t, s = this.state, r = this.rules;
    const forms = r.forms;
    if (!forms.length) panel.append(el('p', {}, t.noForm));
    else {
      const form = forms.find(f => f.name === s.form) || forms[0];
      s.form = form.name;
      const formSel = el('select', { id: 'xj-form', onchange: (e) => { s.form = e.target.value; this.save(); this.render(); } },
        forms.map(f => el('option', { value: f.name, selected: f.name === form.name }, f.name)));
      const groups = form.groups.length ? form.groups : [['全部', 100]];
      const marks = (s.marks[form.name] ||= {});
      const out = el('div', { 'aria-live': 'polite' });
      const recompute = () => this.showScore(form, groups, marks, out);
      const head = el('tr', {}, el('th', { scope: 'col' }, t.item), groups.map(g => el('th', { scope: 'col' }, `${g[0]} (${g[1]}%)`)));
      // A mark outside 0..points is said next to its own field (not only in the result below).
      const check = (input, msg, points) => {
        const v = input.value, bad = v !== '' && (!(Number(v) >= 0) || Number(v) > points);
        input.setAttribute('aria-invalid', String(bad));
        msg.textContent = bad ? t.outOfRange(0, points) : '';
      };
      const body = form.items.map(([item, points], ii) => el('tr', {}, el('th', { scope: 'row' }, `${item} (${points})`),
        groups.map(([g, gw], gi) => {
          const id = `xj-mark-${gi}-${ii}`;
          const msg = el('span', { class: 'field-error', id: id + '-err' });
          const input = el('input', {
            type: 'number', id, min: 0, max: points, step: 'any', 'aria-label': `${g} · ${item}`, 'aria-describedby': id + '-err', value: (marks[g] || {})[item] ?? '',
            oninput: (e) => { (marks[g] ||= {})[item] = e.target.value; check(e.target, msg, points); this.save(); recompute(); },
          });
          check(input, msg, points);
          return el('td', { 'data-label': `${g} (${gw}%)` }, input, msg);
        })));
      panel.append(el('div', { class: 'row' }, el('label', { for: 'xj-form' }, t.form), formSel),
        el('div', { class: 'scroll' }, el('table', { class: 'stack' }, el('thead', {}, head), el('tbody', {}, body))), out);
      recompute();
    }
    panel.append(el('h3', {}, t.vote));
    if (!r.votes.length) { panel.append(el('p', {}, t.noVote)); return; }
    const vote = r.votes.find(v => v.name === s.vote) || r.votes[0];
    s.vote = vote.name;
    const voteSel = el('select', { id: 'xj-vote', onchange: (e) => { s.vote = e.target.value; this.save(); this.render(); } },
      r.votes.map(v => el('option', { value: v.name, selected: v.name === vote.name }, v.name)));
    const counts = (s.tiers[vote.name] ||= {});
    const vout = el('div', { 'aria-live': 'polite' });
    const recount = () => {
      try {
        const row = { unit: '—' };
        for (const tier of vote.tiers) row[tier] = String(counts[tier] || 0);
        const o = this.eng('satisfaction', [row], vote.name).overall;
        const judged = vote.below != null || vote.above != null;
        const said = o.total ? xjVote(this.word, this.lang, vote, o) : null;
        xjPut(vout, el('p', {}, `${t.respondents} ${o.total}`),
          said ? el('p', { class: judged ? (o.triggered ? 'bad' : 'ok') : '' }, said) : '');
        this.lastVote = said;
      } catch (e) { xjPut(vout, el('p', { class: 'diag' }, e.message)); }
    };
    panel.append(el('div', { class: 'row' }, el('label', { for: 'xj-vote' }, t.voteName), voteSel),
      el('div', { class: 'row' }, vote.tiers.map((tier, i) => el('label', {}, tier, el('input', {
        type: 'number', id: `xj-tier-${i}`, min: 0, step: 1, value: counts[tier] ?? '', oninput: (e) => { counts[tier] = e.target.value; this.save(); recount(); },
      })))), vout);
    recount();
  }

  showScore(form, groups, marks, out) {
    const t = this.t;
    const sheets = groups.filter(([g]) => marks[g] && form.items.some(([i]) => (marks[g][i] ?? '') !== '')).map(([g]) => {
      const row = { '被测评人': '本人', '评议组': form.groups.length ? g : '' };
      for (const [item] of form.items) row[item] = marks[g][item] ?? '';
      return row;
    });
    if (!sheets.length) { xjPut(out); return; }
    try {
      const rep = this.eng('score', sheets, form.name);
      const m = rep.members[0];
      // A composite from some rater groups only is not the member's composite: said so, not shown as complete.
      const missing = form.groups.length ? groups.map(([g]) => g).filter(g => !sheets.some(x => x['评议组'] === g)) : [];
      xjPut(out,
        m ? el('p', {}, el('strong', {}, `${t.composite}: ${m.composite}`), m.outcome && !missing.length ? ` · ${t.outcome}: ${m.outcome}` : '') : '',
        m && missing.length ? el('p', { class: 'notice info-gate', id: 'xj-partial' }, t.partial(this.list(missing))) : '',
        m ? el('ul', {}, Object.entries(m.groups).map(([g, v]) => el('li', {}, `${g}: ${t.mean} ${v.mean} × ${v.weight}%`))) : '',
        rep.rejected.length ? el('ul', { class: 'bad' }, rep.rejected.map(x => el('li', {}, xjSay(x.reason, this.lang)))) : '');
      this.lastScore = m;
    } catch (e) { xjPut(out, el('p', { class: 'diag' }, xjSay(e.message, this.lang))); }
  }

  /** The report as DOM nodes of `doc` (text only, no markup from data). */
  buildReport(doc) {
    const t = this.t, s = this.state;
    let cl = null, mat = null;
    try { cl = this.checklistData(); } catch (_) {}
    try { mat = s.kind ? this.materialData(s.drafts[s.kind] || '') : null; } catch (_) {}
    const box = doc.createElement('div');
    box.className = 'xj-report';
    box.lang = this.lang === 'en' ? 'en' : 'zh-CN';
    const add = (tag, text, parent = box) => { const e = doc.createElement(tag); if (text != null) e.textContent = xjClean(text); parent.append(e); return e; };
    add('h1', `${(this.rules.campaign && this.rules.campaign.name) || ''} · ${t.report}`);
    const who = add('table', null);
    who.className = 'xj-who';
    for (const pair of [[t.name, ''], [t.branch, ''], [t.role, s.role], [t.unit, s.unit], [t.date, this.today]]) {
      const tr = add('tr', null, who); add('th', pair[0] + ':', tr); add('td', pair[1], tr).className = pair[1] ? '' : 'blank';
    }
    if (cl) {
      add('h2', t.tabs[1]);
      const ul = add('ul', null);
      for (const it of cl.items.filter(x => x.status !== 'not_applicable')) add('li', `[${t.status[it.status]}] ${it.phase} · ${it.label} — ${xjItemReason(this.word, this.lang, it)}`, ul);
      for (const g of cl.gates) add('p', this.gateText(g, cl.items));
    }
    if (mat) {
      add('h2', `${t.tabs[2]} · ${mat.kind}`);
      add('p', `${mat.pass ? t.pass : t.fail} · ${t.chars} ${mat.chars}${mat.min_chars ? ' / ' + t.min + ' ' + mat.min_chars : ''}`);
      for (const f of mat.worded) add('p', `· [${f.level === 'error' ? t.lvError : t.lvWarn}] ${f.text}`);
    }
    // The calculator's numbers are the member's trials, not part of a report they sign: never printed.
    const sig = add('div', null);
    sig.className = 'xj-sign';
    for (const label of [t.sign, t.date, t.opinion, t.signBranch, t.date]) {
      const p = add('p', null, sig); add('span', label + ':', p); add('span', '', p).className = 'line';
      if (label === t.opinion) p.className = 'wide';
    }
    return box;
  }

  /**
   * Prints a clean report: in a new window when one can be opened, otherwise
   * (popup blocked) in this page through a print-only section.
   */
  printReport() {
    const t = this.t;
    const css = '.xj-report{font-family:sans-serif;font-size:12pt;color:#000}.xj-report h1{font-size:16pt}.xj-report h2{font-size:13pt}.xj-report li,.xj-report p{margin:.2em 0}'
      + '.xj-who th{text-align:left;font-weight:normal;padding:.3em 1em .3em 0}.xj-who td.blank{border-bottom:1px solid #000;min-width:14em}'
      + '.xj-sign{margin-top:2em;display:grid;grid-template-columns:1fr 1fr;gap:1.2em 2em}.xj-sign p{margin:0;display:flex;gap:.5em}.xj-sign .line{flex:1;border-bottom:1px solid #000;min-width:8em}.xj-sign .wide{grid-column:1/3;min-height:4.5em;align-items:flex-end}';
    let w = null;
    try { w = window.open('', '_blank'); } catch (_) { w = null; }
    if (w && w.document) {
      const doc = w.document;
      doc.documentElement.lang = this.lang === 'en' ? 'en' : 'zh-CN';
      doc.title = t.report;
      const st = doc.createElement('style'); st.textContent = 'body{margin:1.5cm}' + css;
      doc.head.append(st); doc.body.append(this.buildReport(doc)); w.focus(); w.print();
      return;
    }
    // Popup blocked: a hidden frame of its own (about:blank, this origin), so none of the portal's CSS reaches the report.
    const old = document.querySelector('body > iframe.xj-print'); if (old) old.remove();
    const frame = document.createElement('iframe');
    frame.className = 'xj-print';
    frame.title = t.report;
    frame.setAttribute('aria-hidden', 'true');
    frame.tabIndex = -1;
    Object.assign(frame.style, { position: 'fixed', right: '0', bottom: '0', width: '0', height: '0', border: '0' });
    document.body.append(frame);
    const fw = frame.contentWindow, doc = frame.contentDocument;
    doc.documentElement.lang = this.lang === 'en' ? 'en' : 'zh-CN';
    doc.title = t.report;
    // a constructable sheet of the frame's own window: no inline <style>, so a strict CSP (style-src 'self') allows it
    try { const sheet = new fw.CSSStyleSheet(); sheet.replaceSync('@page{margin:1.5cm}body{margin:0}' + css); doc.adoptedStyleSheets = [sheet]; } catch (_) {}
    doc.body.append(this.buildReport(doc));
    fw.addEventListener('afterprint', () => setTimeout(() => frame.remove(), 0));
    fw.focus();
    fw.print();
  }
}

if (!customElements.get('xianjiao-widget')) customElements.define('xianjiao-widget', XianjiaoWidget);
export { XianjiaoWidget, xjFetchRules as fetchRules };

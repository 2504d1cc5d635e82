// The playground's rule editor: CodeMirror 6 with Rhai highlighting, completion
// of rule functions, option-map fields and declared names, hover docs, lint
// marks with quick fixes. Everything it knows comes from the engine's own
// tables (ruleFunctions(), ruleFields()) and the loaded rules (engine.rules()).
import { EditorState, EditorSelection } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection, hoverTooltip, highlightSpecialChars } from '@codemirror/view';
import { StreamLanguage, syntaxHighlighting, HighlightStyle, bracketMatching, indentOnInput } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';
import { history, defaultKeymap, historyKeymap, indentWithTab } from '@codemirror/commands';
import { autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap, startCompletion } from '@codemirror/autocomplete';
import { lintGutter, setDiagnostics, lintKeymap } from '@codemirror/lint';
import { searchKeymap, highlightSelectionMatches } from '@codemirror/search';

/** CodeMirror's interface words (search panel, go-to-line, lint, folding) in Chinese. */
const XJ_PHRASES = {
  'Find': '查找', 'Replace': '替换', 'next': '下一个', 'previous': '上一个', 'all': '全部', 'match case': '区分大小写',
  'regexp': '正则表达式', 'by word': '整词', 'replace': '替换', 'replace all': '全部替换', 'close': '关闭',
  'current match': '当前匹配', 'replaced $ matches': '已替换 $ 处', 'replaced match on line $': '已替换第 $ 行的匹配', 'on line': '在第几行',
  'Go to line': '跳到行', 'go': '跳转', 'Diagnostics': '诊断', 'No diagnostics': '没有诊断', 'Folded lines': '已折叠的行', 'Unfolded lines': '已展开的行',
  'to': '至', 'folded code': '已折叠的代码', 'unfold': '展开', 'Fold line': '折叠行', 'Unfold line': '展开行', 'Control character': '控制字符',
};
import { contextAt, kindOfCall, stringArgs, fullwidthFixes, nearest, distance } from './rhai.js';

const KEYWORDS = new Set(['let', 'const', 'fn', 'if', 'else', 'for', 'in', 'while', 'loop', 'return', 'break', 'continue', 'switch', 'do', 'until', 'throw', 'try', 'catch', 'private']);
const ATOMS = new Set(['true', 'false', '()']);

/** Rhai as a small stream language (comments, strings, numbers, keywords, calls, map keys). */
function rhaiLanguage(funcs) {
  return StreamLanguage.define({
    name: 'rhai',
    startState: () => ({ inBlock: false }),
    token(stream, state) {
      if (state.inBlock) { if (stream.skipTo('*/')) { stream.next(); stream.next(); state.inBlock = false; } else stream.skipToEnd(); return 'comment'; }
      if (stream.eatSpace()) return null;
      if (stream.match('//')) { stream.skipToEnd(); return 'comment'; }
      if (stream.match('/*')) { state.inBlock = true; return 'comment'; }
      if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return 'string';
      if (stream.match(/^`[^`]*`?/)) return 'string';
      if (stream.match(/^[\u201c\u201d\u2018\u2019\uff0c\uff1b\uff1a\uff08\uff09\u3010\u3011\uff5b\uff5d]/)) return 'invalid';
      if (stream.match(/^\d+(\.\d+)?/)) return 'number';
      const w = stream.match(/^[\p{L}_][\p{L}\p{N}_]*/u);
      if (w) {
        const word = w[0];
        if (KEYWORDS.has(word)) return 'keyword';
        if (ATOMS.has(word)) return 'atom';
        if (stream.match(/^\s*:(?!:)/, false)) return 'propertyName';
        if (funcs.has(word)) return 'fn';
        return 'variableName';
      }
      if (stream.match('#{')) return 'brace';
      stream.next();
      return null;
    },
    tokenTable: { fn: t.function(t.variableName), invalid: t.invalid, brace: t.brace },
    languageData: { commentTokens: { line: '//' }, closeBrackets: { brackets: ['(', '[', '{', '"'] } },
  });
}

const style = HighlightStyle.define([
  { tag: t.comment, color: '#4b5563', fontStyle: 'italic' },
  { tag: t.string, color: '#047857' },
  { tag: t.number, color: '#b45309' },
  { tag: t.keyword, color: '#7c3aed', fontWeight: 'bold' },
  { tag: t.atom, color: '#b45309' },
  { tag: t.function(t.variableName), color: '#1d4ed8', fontWeight: 'bold' },
  { tag: t.propertyName, color: '#9d174d' },
  { tag: t.invalid, color: '#fff', backgroundColor: '#b91c1c' },
]);

/**
 * Creates the editor in `parent`. `ctx` gives the engine's tables and the
 * current rules: {functions: [{name, params, zh, en, example}], fields: {kind: [..]},
 * common: [..], rules(): Rules | null, files(): [file names], lang()}.
 */
export function createEditor(parent, ctx, onChange, extra = []) {
  const FUNCS = new Map(ctx.functions.map(f => [f.name, f]));
  const KINDS = [...new Set([...Object.keys(ctx.fields), 'role', 'condition', 'unit'])];

  /** Names declared in the chain, by what a place expects. */
  function names(what, phase) {
    const r = ctx.rules();
    if (!r) return [];
    const uniq = (xs) => [...new Set(xs.filter(Boolean))];
    switch (what) {
      case 'role': return uniq((r.roles || []).map(x => x.name));
      case 'roleOrCondition': return uniq([...(r.roles || []).map(x => x.name), ...(r.conditions || []).map(x => x.name)]);
      case 'condition': return uniq((r.conditions || []).map(x => x.name));
      case 'unit': return uniq((r.units || []).map(x => x.name));
      case 'phase': return uniq((r.phases || []).map(x => x.name));
      case 'step': return uniq((r.steps || []).filter(s => !phase || s.phase === phase).map(x => x.name));
      case 'stepKey': return uniq((r.steps || []).map(s => `${s.phase}/${s.name}`));
      case 'require': return uniq((r.requirements || []).map(x => x.id));
      case 'material': return uniq((r.materials || []).map(x => x.kind));
      case 'form': return uniq((r.forms || []).map(x => x.name));
      case 'vote': return uniq((r.votes || []).map(x => x.name));
      case 'gate': return uniq((r.gates || []).map(x => x.phase));
      case 'group': return uniq([...(r.forms || []).flatMap(f => (f.groups || []).map(g => g[0])), ...(r.votes || []).flatMap(v => v.groups || [])]);
      case 'tier': return uniq((r.votes || []).flatMap(v => v.tiers || []));
      case 'exam': return uniq((r.exams || []).map(x => x.name));
      case 'file': return ctx.files();
      default: return [];
    }
  }
  // A map key or array key → the kind of name its values are.
  const VALUE_NAMES = { phase: 'phase', roles: 'role', due: 'step', requires: 'require', rate_of: 'tier', tiers: 'tier', groups: 'group' };
  const KEY_NAMES = { exempt: 'roleOrCondition', substitute: 'condition', windows: 'unit', min_chars: 'role', extra_areas: 'role', aliases: null };

  /** What kind of name a string (or bare value) at `pos` expects, or null. */
  function expected(text, c, pos) {
    const top = c.stack[c.stack.length - 1];
    if (!top) return null;
    if (top.ch === '(' && top.call) {
      const argi = top.args.length - 1;
      const args = stringArgs(text, top, pos);
      if (top.call === 'amend' || top.call === 'remove') {
        if (argi === 0) return { list: KINDS };
        if (argi === 1) return { what: args[0] === 'step' ? 'stepKey' : args[0] };
        return null;
      }
      if (top.call === 'extends' && argi === 0) return { what: 'file' };
      if ((top.call === 'step' || top.call === 'gate') && argi === 0) return { what: 'phase' };
      if (argi === 0 && ['phase', 'require', 'material', 'form', 'vote', 'role', 'condition', 'unit', 'exam'].includes(top.call)) return { what: top.call };
      return null;
    }
    // inside an array: the key that opened it (or the one that opened the enclosing array)
    for (let k = c.stack.length - 1; k >= 0; k--) {
      const f = c.stack[k];
      if (f.ch === '[' && f.key) return VALUE_NAMES[f.key] ? { what: VALUE_NAMES[f.key] } : null;
      if (f.ch !== '[') break;
    }
    if (top.map) {
      const seg = text.slice(top.args[top.args.length - 1], pos);
      const m = /^\s*"?([\p{L}\p{N}_]+)"?\s*:/u.exec(seg);
      if (m && VALUE_NAMES[m[1]]) {
        let phase = null;
        if (m[1] === 'due') { const pm = /phase\s*:\s*"([^"]+)"/.exec(text.slice(top.at, pos)); phase = pm && pm[1]; }
        return { what: VALUE_NAMES[m[1]], phase };
      }
      if (!m && top.key && KEY_NAMES[top.key]) return { what: KEY_NAMES[top.key], key: true };
    }
    return null;
  }

  function fieldsOf(kind) {
    const f = ctx.fields[kind];
    return f ? [...f, ...ctx.common] : null;
  }

  function complete(cx) {
    const text = cx.state.doc.toString();
    const pos = cx.pos;
    const c = contextAt(text, pos);
    if (c.comment) return null;
    if (c.str) {
      const e = expected(text, c, c.str.at);
      if (!e) return null;
      const list = e.list || names(e.what, e.phase);
      if (!list.length) return null;
      return { from: c.str.at + 1, options: list.map(n => ({ label: n, type: 'text' })), validFor: /^[^"\n]*$/ };
    }
    const word = cx.matchBefore(/[\p{L}\p{N}_]*/u);
    const top = c.stack[c.stack.length - 1];
    if (top && top.map) {
      const seg = text.slice(top.args[top.args.length - 1], pos);
      if (/^\s*[\p{L}\p{N}_]*$/u.test(seg)) { // a key
        const parent = c.stack[c.stack.length - 2];
        const kind = parent && parent.ch === '(' && parent.args.length >= 1 ? kindOfCall(text, parent, top.at) : null;
        const fields = kind ? fieldsOf(kind) : null;
        if (fields) return { from: word.from, options: fields.map(f => ({ label: f, type: 'property', apply: f + ': ', detail: kind })), validFor: /^[\p{L}\p{N}_]*$/u };
        const e = expected(text, c, pos);
        if (e && e.key) return { from: word.from, options: names(e.what).map(n => ({ label: n, type: 'text', apply: n + ': ' })), validFor: /^[\p{L}\p{N}_]*$/u };
        return null;
      }
    }
    const e = expected(text, c, pos);
    if (e && !e.key) {
      const list = e.list || names(e.what, e.phase);
      if (list.length && /[:,\[(]\s*[\p{L}\p{N}_]*$/u.test(text.slice(Math.max(0, pos - 40), pos))) {
        return { from: word.from, options: list.map(n => ({ label: `"${n}"`, type: 'text', apply: `"${n}"` })) };
      }
    }
    if (!word || (word.from === word.to && !cx.explicit)) return null;
    return {
      from: word.from,
      options: ctx.functions.map(f => ({ label: f.name, type: 'function', detail: f.params, info: () => docNode(f), apply: f.name })),
      validFor: /^[\p{L}\p{N}_]*$/u,
    };
  }

  function docNode(f) {
    const d = document.createElement('div');
    d.className = 'cm-xj-doc';
    const h = document.createElement('code'); h.textContent = f.name + f.params; d.append(h);
    const zh = document.createElement('p'); zh.textContent = f.zh; zh.lang = 'zh-CN'; d.append(zh);
    const en = document.createElement('p'); en.textContent = f.en; en.lang = 'en'; d.append(en);
    const ex = document.createElement('pre'); ex.textContent = f.example; d.append(ex);
    return d;
  }

  const hover = hoverTooltip((view, pos, side) => {
    const line = view.state.doc.lineAt(pos);
    const at = pos - line.from;
    let s = at, e = at;
    const isW = (ch) => ch && /[\p{L}\p{N}_]/u.test(ch);
    while (s > 0 && isW(line.text[s - 1])) s--;
    while (e < line.text.length && isW(line.text[e])) e++;
    if ((s === at && side < 0) || (e === at && side > 0) || s === e) return null;
    const word = line.text.slice(s, e);
    const f = FUNCS.get(word);
    let dom = null;
    if (f) dom = docNode(f);
    else if (/^\s*:/.test(line.text.slice(e))) {
      const text = view.state.doc.toString();
      const c = contextAt(text, line.from + s);
      const top = c.stack[c.stack.length - 1], parent = c.stack[c.stack.length - 2];
      const kind = top && top.map && parent ? kindOfCall(text, parent, top.at) : null;
      const fields = kind && fieldsOf(kind);
      if (fields) {
        dom = document.createElement('div'); dom.className = 'cm-xj-doc';
        const known = fields.includes(word);
        dom.textContent = known ? `${kind} 的字段 ${word} / field of ${kind}` : `${kind} 没有字段 ${word};可用 / allowed: ${fields.join(', ')}`;
        const fd = FUNCS.get(kind);
        if (fd) { const p = document.createElement('pre'); p.textContent = fd.example; dom.append(p); }
      }
    }
    if (!dom) return null;
    return { pos: line.from + s, end: line.from + e, above: true, create: () => ({ dom }) };
  }, { hoverTime: 300 });

  // Esc, then Tab leaves the editor: Tab indents, except right after Escape.
  let escaped = false;
  const tabKeys = keymap.of([
    { key: 'Escape', run: () => { escaped = true; return false; } },
    { key: 'Tab', run: (v) => { if (escaped) { escaped = false; return false; } return indentWithTab.run(v); }, shift: (v) => { if (escaped) { escaped = false; return false; } return indentWithTab.shift(v); } },
  ]);
  const resetEsc = EditorView.domEventHandlers({ keydown: (e) => { if (e.key !== 'Escape' && e.key !== 'Tab' && e.key !== 'Shift') escaped = false; return false; }, blur: () => { escaped = false; return false; } });

  const funcNames = new Set(ctx.functions.map(f => f.name));
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: '',
      extensions: [
        lineNumbers(), highlightActiveLineGutter(), highlightSpecialChars(), history(), drawSelection(), indentOnInput(),
        bracketMatching(), closeBrackets(), highlightActiveLine(), highlightSelectionMatches(),
        rhaiLanguage(funcNames), syntaxHighlighting(style),
        autocompletion({ override: [complete], activateOnTyping: true, icons: false }),
        hover, lintGutter(),
        EditorState.phrases.of(XJ_PHRASES), // the search panel and its buttons in Chinese
        EditorState.tabSize.of(4), EditorView.lineWrapping, // long Chinese source: lines wrap instead of scrolling sideways
        resetEsc,
        tabKeys,
        keymap.of([...closeBracketsKeymap, ...completionKeymap, ...lintKeymap, ...searchKeymap, ...historyKeymap, ...defaultKeymap]),
        EditorView.contentAttributes.of({ tabindex: '0', 'aria-label': '规则文件内容 / rule file text', 'aria-describedby': 'tabhint', spellcheck: 'false', autocapitalize: 'off' }),
        extra,
        EditorView.updateListener.of((u) => { if (u.docChanged) onChange(u); }),
      ],
    }),
  });
  view.xjNames = names;
  return view;
}

/** Replaces the whole text as one undoable transaction (never setState). */
export function replaceAll(view, text, userEvent = 'input.replace') {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, userEvent, selection: EditorSelection.cursor(0), scrollIntoView: true });
}

/** Engine diagnostics of `entry` → CodeMirror lint marks with quick fixes. */
export function showDiagnostics(view, diags, entry, fields) {
  const doc = view.state.doc;
  const text = doc.toString();
  const fw = fullwidthFixes(text);
  const fixAll = { name: '全角标点改为半角 Fix full-width punctuation', apply: (v) => { const ch = fullwidthFixes(v.state.doc.toString()); if (ch.length) v.dispatch({ changes: ch, userEvent: 'input.fix' }); } };
  const out = [];
  const seenLines = new Set();
  for (const d of diags) {
    if (d.file !== entry && !(d.file || '').endsWith('/' + entry)) continue;
    const lineNo = Math.min(Math.max(1, d.line || 1), doc.lines);
    const line = doc.line(lineNo);
    let from = Math.min(line.from + Math.max(0, (d.col || 1) - 1), line.to);
    const rest = line.text.slice(from - line.from);
    const m = /^("(?:[^"\\]|\\.)*"|[\p{L}\p{N}_]+|\S)/u.exec(rest);
    let to = m ? from + m[0].length : line.to;
    if (to === from) { if (from > line.from) from--; else to = Math.min(line.to, from + 1); }
    const actions = [];
    if (fw.some(c => c.from >= line.from && c.from <= line.to) || fw.length && d.code && /syntax|parse/.test(d.code)) actions.push(fixAll);
    if (d.code === 'field.unknown') {
      const a = d.args || {}; // the engine's parameters of field.unknown: {kind, key, field, allowed}
      if (a.field && Array.isArray(a.allowed)) {
        const best = nearest(a.field, a.allowed);
        const at = text.indexOf(a.field, line.from);
        if (best && at >= 0 && at <= line.to) {
          from = at; to = at + a.field.length;
          actions.push({ name: `改为 ${best} / use ${best}`, apply: (v, f, t2) => v.dispatch({ changes: { from: f, to: t2, insert: best }, userEvent: 'input.fix' }) });
        }
      }
    }
    if (d.code === 'decl.unknown_target') {
      // amend/remove of something the parents do not declare: the nearest declared name, or a declaration of its own
      const mm = /(amend|remove)\s*\(\s*"([^"]+)"\s*,\s*"([^"]*)"\s*,?\s*/.exec(line.text);
      if (mm) {
        const [, fn, kind, key] = mm;
        const at = line.from + mm.index;
        const keyAt = at + mm[0].indexOf('"' + key + '"', mm[0].indexOf(',')) + 1;
        from = at; to = at + mm[0].length;
        const known = (view.xjNames ? view.xjNames(kind === 'step' ? 'stepKey' : kind) : []).filter(n => n !== key);
        const best = known.length ? nearest(key, known) : null;
        if (best && distance(best, key) <= Math.max(1, Math.floor(key.length / 2))) {
          actions.push({ name: `改为 “${best}” / use ${best}`, apply: (v) => v.dispatch({ changes: { from: keyAt, to: keyAt + key.length, insert: best }, userEvent: 'input.fix' }) });
        }
        if (fn === 'amend' && /^[a-z_]+$/.test(kind)) {
          const [ph, ...rest] = key.split('/');
          const head = kind === 'step' && rest.length ? `step(${JSON.stringify(ph)}, ${JSON.stringify(rest.join('/'))}, ` : `${kind}(${JSON.stringify(key)}, `;
          actions.push({ name: `改为本文件自己的声明 ${kind}(…) / declare it here`, apply: (v) => v.dispatch({ changes: { from: at, to: at + mm[0].length, insert: head }, userEvent: 'input.fix' }) });
        }
      }
    }
    seenLines.add(lineNo);
    out.push({ from, to, severity: d.severity === 'error' ? 'error' : 'warning', source: d.code,
      message: `${d.message}\n修改建议:${d.hint || ''}`, actions });
  }
  for (const c of fw) {
    out.push({ from: c.from, to: c.to, severity: 'warning', source: 'fullwidth', message: `全角标点 「${text.slice(c.from, c.to)}」 应写成英文半角 ${c.insert}(输入法切换到英文标点)/ full-width punctuation: use ASCII ${c.insert}`, actions: [fixAll] });
  }
  void fields;
  view.dispatch(setDiagnostics(view.state, out));
}

export { startCompletion };

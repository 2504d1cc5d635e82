// Reading Rhai rule text without a parser: where the cursor is (inside which
// call, which option map, which string), full-width punctuation typed by a
// Chinese IME outside strings, and the extent of a declaration. Shared by the
// editor's completion, quick fixes and the playground's forms.

const OPEN = { '(': ')', '[': ']', '{': '}' };
const IDENT = /[\p{L}\p{N}_]/u;

/**
 * Scans `text` up to `pos` and returns the bracket stack and string state there.
 * Each frame: {ch, at, call (identifier before '('), key (map key before the value
 * that opened this bracket), map (true for `#{`), args: [start of each argument], kind}.
 */
export function contextAt(text, pos) {
  const stack = [];
  let i = 0, str = null; // str: {at, quote}
  let lastIdent = null, lastKey = null;
  while (i < pos) {
    const c = text[i];
    if (str) {
      if (c === '\\') { i += 2; continue; }
      if (c === str.quote || (str.quote === '"' && c === '\n' && false)) str = null;
      i++; continue;
    }
    if (c === '/' && text[i + 1] === '/') { const e = text.indexOf('\n', i); if (e < 0 || e >= pos) return { stack, str: null, comment: true }; i = e; continue; }
    if (c === '/' && text[i + 1] === '*') { const e = text.indexOf('*/', i + 2); if (e < 0 || e + 2 > pos) return { stack, str: null, comment: true }; i = e + 2; continue; }
    if (c === '"' || c === '`') { str = { at: i, quote: c }; i++; continue; }
    if (IDENT.test(c)) {
      let j = i; while (j < text.length && IDENT.test(text[j])) j++;
      lastIdent = text.slice(i, j); i = j; continue;
    }
    if (c === ':' && lastIdent !== null) { lastKey = lastIdent; lastIdent = null; i++; continue; }
    if (c === '#' && text[i + 1] === '{') { stack.push({ ch: '{', at: i + 1, map: true, key: lastKey, args: [i + 2] }); lastKey = null; lastIdent = null; i += 2; continue; }
    if (c in OPEN) { stack.push({ ch: c, at: i, call: c === '(' ? lastIdent : null, key: lastKey, args: [i + 1] }); lastKey = null; lastIdent = null; i++; continue; }
    if (c === ')' || c === ']' || c === '}') { stack.pop(); lastIdent = null; i++; continue; }
    if (c === ',') { const top = stack[stack.length - 1]; if (top) top.args.push(i + 1); lastKey = null; lastIdent = null; i++; continue; }
    if (c === ';') { stack.length = 0; lastKey = null; lastIdent = null; i++; continue; }
    if (!/\s/.test(c)) lastIdent = null;
    i++;
  }
  return { stack, str };
}

/** The string literal arguments of the call frame (before `pos`), as values ('' when not a plain string). */
export function stringArgs(text, frame, pos) {
  return frame.args.map((a, k) => {
    const end = k + 1 < frame.args.length ? frame.args[k + 1] - 1 : pos;
    const m = /^\s*"([^"\\]*)"/.exec(text.slice(a, end));
    return m ? m[1] : null;
  });
}

/** Declaration kind of a call frame: `phase(` → phase; `amend("form", …` → form. */
export function kindOfCall(text, frame, pos) {
  if (!frame || frame.ch !== '(' || !frame.call) return null;
  if (frame.call === 'amend' || frame.call === 'remove') return stringArgs(text, frame, pos)[0] || null;
  return frame.call;
}

const FULL = {
  '\u201c': '"', '\u201d': '"', '\u2018': '"', '\u2019': '"', // “ ” ‘ ’
  '\uff0c': ',', '\uff1b': ';', '\uff1a': ':', '\uff08': '(', '\uff09': ')', // ， ； ： （ ）
  '\u3010': '[', '\u3011': ']', '\uff5b': '{', '\uff5d': '}', '\u3001': ',', // 【 】 ｛ ｝ 、
};
export const FULLWIDTH = Object.keys(FULL);

/**
 * Full-width punctuation a Chinese IME typed outside string literals and comments,
 * as CodeMirror changes `{from, to, insert}`. A string opened with “ may close with ” or ".
 */
export function fullwidthFixes(text) {
  const out = [];
  let i = 0, str = null; // '"' (ASCII-opened) or '“' (full-width-opened)
  while (i < text.length) {
    const c = text[i];
    if (str) {
      if (c === '\\' && str === '"') { i += 2; continue; }
      if (c === '\n') { str = null; i++; continue; } // an unterminated string ends at the line for this purpose
      if (str === '"' && c === '"') str = null;
      else if (str === '“' && (c === '"' || c === '”' || c === '“' || c === '’')) { if (c !== '"') out.push({ from: i, to: i + 1, insert: '"' }); str = null; }
      i++; continue;
    }
    if (c === '/' && text[i + 1] === '/') { const e = text.indexOf('\n', i); i = e < 0 ? text.length : e; continue; }
    if (c === '/' && text[i + 1] === '*') { const e = text.indexOf('*/', i + 2); i = e < 0 ? text.length : e + 2; continue; }
    if (c === '"') { str = '"'; i++; continue; }
    if (c === '“' || c === '‘' || c === '”') { out.push({ from: i, to: i + 1, insert: '"' }); str = '“'; i++; continue; }
    if (c in FULL) out.push({ from: i, to: i + 1, insert: FULL[c] });
    i++;
  }
  return out;
}

/** Levenshtein distance (for "did you mean" on unknown fields). */
export function distance(a, b) {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]; d[0] = i;
    for (let j = 1; j <= b.length; j++) { const t = d[j]; d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1)); prev = t; }
  }
  return d[b.length];
}
export function nearest(word, options) {
  let best = null, bd = Infinity;
  for (const o of options) { const x = distance(word, o); if (x < bd) { bd = x; best = o; } }
  return best;
}

/** End (exclusive) of the statement starting at `from`: after its `;` at bracket depth 0. */
export function statementEnd(text, from) {
  let depth = 0, i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' || c === '`') { i++; while (i < text.length && text[i] !== c) { if (text[i] === '\\') i++; i++; } i++; continue; }
    if (c === '/' && text[i + 1] === '/') { const e = text.indexOf('\n', i); i = e < 0 ? text.length : e; continue; }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ';' && depth <= 0) return i + 1;
    i++;
  }
  return text.length;
}

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Top-level declarations in `text` matching kind (and key when given):
 * `kind("key", …)` and `amend("kind", "key", …)`. Each {from, to, amend, mapFrom, mapTo}
 * where mapFrom..mapTo is the option map `#{ … }` (null when the call has none).
 */
export function findDecls(text, kind, key) {
  const q = (v) => '"' + esc(v) + '"';
  const any = '"[^"]*"';
  let full;
  if (kind === 'step') {
    const [ph, ...rest] = key == null ? [null] : String(key).split('/');
    full = `step\\s*\\(\\s*${ph == null ? any : q(ph)}\\s*,\\s*${ph == null ? any : q(rest.join('/'))}`;
  } else full = `${esc(kind)}\\s*\\(\\s*${key == null ? any : q(key)}`;
  const re = new RegExp(`^[ \\t]*(?:(${full})|(amend)\\s*\\(\\s*"${esc(kind)}"\\s*,\\s*${key == null ? any : q(key)})`, 'gm');
  const out = [];
  let m;
  while ((m = re.exec(text))) {
    const from = m.index + m[0].length - m[0].trimStart().length;
    const to = statementEnd(text, from);
    const body = text.slice(from, to);
    const mi = body.indexOf('#{');
    let mapFrom = null, mapTo = null;
    if (mi >= 0) {
      mapFrom = from + mi;
      let depth = 0, i = mapFrom + 1;
      for (; i < to; i++) {
        const c = text[i];
        if (c === '"') { i++; while (i < to && text[i] !== '"') { if (text[i] === '\\') i++; i++; } continue; }
        if (c === '{' || c === '[' || c === '(') depth++;
        else if (c === '}' || c === ']' || c === ')') { depth--; if (depth === 0) break; }
      }
      mapTo = i + 1;
    }
    out.push({ from, to, amend: !!m[2], mapFrom, mapTo, text: body });
  }
  return out;
}

/**
 * Sets `key: value` in the option map text[mapFrom..mapTo): replaces an existing
 * top-level key's value or appends the key before the closing brace. Returns a change.
 */
export function setField(text, mapFrom, mapTo, key, value) {
  let depth = 0, i = mapFrom + 2, last = mapFrom + 2;
  const inner = [];
  // find top-level entries: [keyStart, keyEnd, valueStart, valueEnd]
  let entryStart = i;
  for (; i < mapTo - 1; i++) {
    const c = text[i];
    if (c === '"') { i++; while (i < mapTo && text[i] !== '"') { if (text[i] === '\\') i++; i++; } continue; }
    if (c === '/' && text[i + 1] === '/') { const e = text.indexOf('\n', i); i = e < 0 ? mapTo : e; continue; }
    if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') depth--;
    else if (c === ',' && depth === 0) { inner.push([entryStart, i]); entryStart = i + 1; }
  }
  inner.push([entryStart, mapTo - 1]);
  for (const [k, [s, e]] of inner.entries()) {
    const m = /^(\s*)("?)([\p{L}\p{N}_]+)\2\s*:\s*/u.exec(text.slice(s, e));
    if (m && m[3] === key && value === null) {
      // remove the entry with one of its commas
      if (k + 1 < inner.length) return { from: s + m[1].length, to: inner[k + 1][0] + (/^\s*/.exec(text.slice(inner[k + 1][0]))[0].length), insert: '' };
      if (k > 0) return { from: inner[k - 1][1], to: e, insert: '' };
      return { from: s, to: e, insert: ' ' };
    }
    if (m && m[3] === key) {
      const vs = s + m[0].length;
      let ve = e; while (ve > vs && /\s/.test(text[ve - 1])) ve--;
      return { from: vs, to: ve, insert: value };
    }
    last = e;
  }
  if (value === null) return { from: mapFrom, to: mapFrom, insert: '' };
  // append: after the last non-space char before the closing brace
  let end = mapTo - 1; while (end > mapFrom + 2 && /\s/.test(text[end - 1])) end--;
  const empty = text.slice(mapFrom + 2, end).trim() === '';
  const trailingComma = !empty && text[end - 1] === ',';
  const insert = (empty ? ' ' : trailingComma ? ' ' : ', ') + `${key}: ${value}` + (empty ? ' ' : '');
  void last;
  return { from: end, to: end, insert };
}

/** A Rhai string literal. */
export const lit = (s) => '"' + String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';

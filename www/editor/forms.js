// Forms for the common edits: phase dates and extensions, step windows, a
// form's weights, trim and items, min_chars per role, vote thresholds. A form
// edit writes the matching amend(…) into the text — or a full declaration when
// the parent has none — after the last declaration of the same kind (or before
// the file's tests, or at the end). The text stays the source of truth: the
// forms are re-read from the engine after every edit.
import { findDecls, setField, lit } from './rhai.js';
import { el } from '../../wasm/js/dom.js';

const num = (v) => (Number.isInteger(v) ? String(v) : String(Number(v)));
const pairs = (xs) => '[' + xs.map(([a, b]) => `[${lit(a)}, ${num(b)}]`).join(', ') + ']';
const mapKey = (k) => (/^[\p{L}_][\p{L}\p{N}_]*$/u.test(k) ? k : lit(k));

/** One change turning `a` into `b` (common prefix and suffix kept). */
function diff(a, b) {
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return { from: p, to: a.length - s, insert: b.slice(p, b.length - s) };
}
const apply = (t, c) => t.slice(0, c.from) + c.insert + t.slice(c.to);

/**
 * A value changed through the forms is a local choice: the declaration's
 * `source: "…"` quote no longer says what the text now says, so it becomes
 * `local: "本地调整(原出处:…)"`, keeping the old quote for the record.
 */
export function localSource(text, d) {
  if (!d || d.mapFrom == null) return text;
  // the top-level string entries of the map (nested maps, e.g. a batch's own source, are left alone)
  const top = {};
  let depth = 0;
  for (let i = d.mapFrom + 2; i < d.mapTo - 1; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') { const e = text.indexOf('\n', i); i = e < 0 ? d.mapTo : e; continue; }
    if (c === '"') { i++; while (i < d.mapTo && text[i] !== '"') { if (text[i] === '\\') i++; i++; } continue; }
    if (c === '{' || c === '[' || c === '(') { depth++; continue; }
    if (c === '}' || c === ']' || c === ')') { depth--; continue; }
    if (depth) continue;
    const m = /^(source|local)\s*:\s*"((?:[^"\\]|\\.)*)"\s*,?\s*/.exec(text.slice(i, d.mapTo - 1));
    if (m && /[\s{,]/.test(text[i - 1])) { top[m[1]] = { at: i, len: m[0].length, value: JSON.parse('"' + m[2] + '"') }; i += m[0].length - 1; }
  }
  if (!top.source) return text;
  const was = top.source.value;
  const note = `本地调整(原出处:${was})` + (top.local ? ';' + top.local.value : '');
  const t = text.slice(0, top.source.at) + text.slice(top.source.at + top.source.len);
  const cut = top.source.len;
  return apply(t, setField(t, d.mapFrom, d.mapTo - cut, 'local', lit(note)));
}

/** Where a new declaration of `kind` goes: after the last one of that kind, else before the tests, else at the end. */
function insertAt(text, kind) {
  const all = findDecls(text, kind, null);
  if (all.length) {
    const end = all[all.length - 1].to;
    const nl = text.indexOf('\n', end);
    return nl < 0 ? text.length : nl + 1;
  }
  const t = /^\/\/ *[-=]{3,}[^\n]*(测试|tests)|^test\s*\(/m.exec(text); // the tests' heading (guanba's, the scaffold's) or the first test
  return t ? t.index : text.length;
}

/**
 * The change that sets `fields` ({name: Rhai text}) of the entity kind/key:
 * in the file's own declaration or amend when it has one, else a new amend
 * (the parent declares it) or a new declaration (`full()`, nobody does).
 */
export function planEdit(text, kind, key, fields, { inParent = true, full = null, batch = null } = {}) {
  const own = findDecls(text, kind, key).filter(d => d.mapFrom != null);
  if (batch) {
    // phase dates of one batch: batches: #{ 批次: #{ start, end } } — edited in place when the file has it
    for (const d of own.reverse()) {
      const inner = nestedMap(text, d.mapFrom, d.mapTo, ['batches', batch]);
      if (!inner) continue;
      let t = text;
      for (const [f, v] of Object.entries(fields)) {
        const m = nestedMap(t, d.mapFrom, d.mapTo + (t.length - text.length), ['batches', batch]);
        t = apply(t, setField(t, m[0], m[1], f, v));
      }
      return diff(text, t);
    }
    const body = Object.entries(fields).filter(([, v]) => v !== null).map(([f, v]) => `${f}: ${v}`).join(', ');
    fields = { batches: `#{ ${/^[\p{L}_][\p{L}\p{N}_]*$/u.test(batch) ? batch : lit(batch)}: #{ ${body} } }` };
    if (own.length) return planEdit(text, kind, key, fields, { inParent, full });
    const at = insertAt(text, kind);
    return { from: at, to: at, insert: (at > 0 && text[at - 1] !== '\n' ? '\n' : '') + `amend(${lit(kind)}, ${lit(key)}, #{ ${Object.entries(fields).map(([f, v]) => `${f}: ${v}`).join(', ')} });\n` };
  }
  if (own.length) {
    let t = text;
    for (const [f, v] of Object.entries(fields)) {
      const d = findDecls(t, kind, key).filter(x => x.mapFrom != null).pop();
      t = apply(t, setField(t, d.mapFrom, d.mapTo, f, v));
    }
    return diff(text, localSource(t, findDecls(t, kind, key).filter(x => x.mapFrom != null).pop()));
  }
  const body = Object.entries(fields).filter(([, v]) => v !== null).map(([f, v]) => `${f}: ${v}`).join(', ');
  const decl = !inParent && full ? full() : `amend(${lit(kind)}, ${lit(key)}, #{ ${body} });`;
  const at = insertAt(text, kind);
  const before = at > 0 && text[at - 1] !== '\n' ? '\n' : '';
  return { from: at, to: at, insert: before + decl + '\n' + (text[at] && text[at] !== '\n' && at < text.length ? '\n' : '') };
}

/** The range [from, to) of the map at `path` (keys) inside the map text[mapFrom..mapTo), or null. */
function nestedMap(text, mapFrom, mapTo, path) {
  let from = mapFrom, to = mapTo;
  for (const key of path) {
    const body = text.slice(from, to);
    const re = new RegExp(`[{,\\s]"?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?\\s*:\\s*#\\{`, 'u');
    const m = re.exec(body.slice(1));
    if (!m) return null;
    const start = from + 1 + m.index + m[0].length - 2; // at '#'
    let depth = 0, i = start + 1;
    for (; i < to; i++) {
      const c = text[i];
      if (c === '"') { i++; while (i < to && text[i] !== '"') { if (text[i] === '\\') i++; i++; } continue; }
      if (c === '{' || c === '[' || c === '(') depth++;
      else if (c === '}' || c === ']' || c === ')') { depth--; if (depth === 0) break; }
    }
    from = start; to = i + 1;
  }
  return [from, to];
}

/** Renders the forms into `root`. ctx: {rules, parentRules, hasParent, text, template, write(change, label)}. */
export function renderForms(root, ctx) {
  const focus = document.activeElement && root.contains(document.activeElement) ? document.activeElement.dataset.key : null;
  const r = ctx.rules;
  if (!r) { root.replaceChildren(el('p', { class: 'muted' }, '规则还没有载入 / no rules loaded yet')); return; }
  const pr = ctx.parentRules;
  const edit = (kind, key, fields, label, opts = {}) => {
    const inParent = opts.inParent ?? !!(pr && has(pr, kind, key));
    const change = planEdit(ctx.text, kind, key, fields, { inParent, full: opts.full, batch: opts.batch });
    const what = Object.keys(fields).filter(f => fields[f] !== null).join('、') || '';
    const isNew = !inParent && opts.full && !findDecls(ctx.text, kind, key).length;
    ctx.write(change, isNew ? `已在文本里写入新的 ${kind}(${lit(key)}, …) 声明 / wrote a new ${kind} declaration`
      : `已写入 ${kind} “${key}”${opts.batch ? '(' + opts.batch + ')' : ''} 的 ${what} / wrote ${what} of ${kind} ${key}`);
  };
  // the parent's value for comparison (nothing when the parent gives none)
  const parentNote = (v) => (pr && v != null && v !== '' ? el('span', { class: 'parent' }, `上级 parent: ${v}`) : null);
  const input = (key, attrs, onchange) => el('input', Object.assign({ 'data-key': key, onchange }, attrs));

  const out = [];
  // ---- phases
  const phases = r.phases || [];
  if (phases.length) {
    out.push(el('h2', { class: 'fh' }, '阶段日期 Phase dates'));
    out.push(el('table', { class: 'ft' }, el('thead', {}, el('tr', {}, el('th', {}, '阶段'), el('th', {}, '开始 start'), el('th', {}, '结束 end'), el('th', {}, '延长天数 extend'))),
      el('tbody', {}, phases.map((p) => {
        // the dates the schedule uses: the campaign's batch when the phase gives that batch dates
        const batch = r.campaign && r.campaign.batch && (p.batches || []).some(b => b[0] === r.campaign.batch) ? r.campaign.batch : null;
        const d = (batch ? p.batches.find(b => b[0] === batch)[1] : p.dates) || {};
        const pp = pr && (pr.phases || []).find(x => x.name === p.name);
        const pd = (pp && (batch && (pp.batches || []).find(b => b[0] === batch) || [null, pp.dates])[1]) || {};
        // end and days exclude each other; a batch map written anew keeps the other date
        const set = (f, v) => edit('phase', p.name, Object.assign(batch && f !== 'extend_days' ? { start: d.start ? lit(d.start) : null, end: d.end ? lit(d.end) : null } : {},
          { [f]: v }, f === 'end' ? { days: null } : {}), p.name, { batch });
        const others = (p.batches || []).filter(b => b[0] !== batch && b[1] && b[1].start).map(b => `${b[0]}: ${b[1].start} – ${b[1].end || '…'}`).join(';');
        return el('tr', {},
          el('th', { scope: 'row' }, p.name, batch ? el('div', { class: 'parent' }, `${batch}的日期 / dates of ${batch}`) : null,
            others ? el('div', { class: 'parent' }, `其他批次 other batches: ${others}`) : null),
          el('td', {}, input(`phase|${p.name}|start`, { type: 'date', value: d.start || '', 'aria-label': `${p.name} 开始` }, (e) => e.target.value && set('start', lit(e.target.value))), parentNote(pd.start)),
          el('td', {}, input(`phase|${p.name}|end`, { type: 'date', value: d.end || '', 'aria-label': `${p.name} 结束` }, (e) => e.target.value && set('end', lit(e.target.value))), parentNote(pd.end)),
          el('td', {}, input(`phase|${p.name}|extend`, { type: 'number', min: 0, value: d.extend_days || 0, class: 'n', 'aria-label': `${p.name} 延长天数` }, (e) => e.target.value !== '' && set('extend_days', num(Number(e.target.value)))), parentNote(pd.extend_days || null)));
      }))));
  }
  // ---- step windows
  const steps = r.steps || [];
  if (steps.length) {
    out.push(el('h2', { class: 'fh' }, '环节时间 Step windows'));
    out.push(el('table', { class: 'ft' }, el('thead', {}, el('tr', {}, el('th', {}, '环节'), el('th', {}, '单位'), el('th', {}, '开始'), el('th', {}, '结束'))),
      el('tbody', {}, steps.flatMap((s) => {
        const key = `${s.phase}/${s.name}`;
        const ps = pr && (pr.steps || []).find(x => x.phase === s.phase && x.name === s.name);
        const rows = [];
        const wins = [[null, s.window], ...(s.windows || [])].filter(([unit, w]) => !(unit === null && !w && (s.windows || []).length));
        wins.forEach(([unit, w], i) => {
          const pw = ps ? (unit === null ? ps.window : ((ps.windows || []).find(x => x[0] === unit) || [])[1]) : null;
          const k = `step|${key}|${unit || ''}`;
          const write = (which, v) => {
            const cur = { start: (w && w.start) || v, end: (w && w.end) || v, [which]: v };
            if (unit === null) edit('step', key, { window: `[${lit(cur.start)}, ${lit(cur.end)}]` }, key);
            else {
              const all = (s.windows || []).map(([u, x]) => [u, u === unit ? cur : x]);
              edit('step', key, { windows: '#{ ' + all.map(([u, x]) => `${mapKey(u)}: [${lit(x.start)}, ${lit(x.end)}]`).join(', ') + ' }' }, key);
            }
          };
          rows.push(el('tr', {}, i === 0 ? el('th', { scope: 'rowgroup', rowspan: wins.length }, s.name) : null, el('td', { class: 'unit' }, unit || '全部'),
            el('td', {}, input(k + '|start', { type: 'date', value: (w && w.start) || '', 'aria-label': `${s.name} ${unit || ''} 开始` }, (e) => e.target.value && write('start', e.target.value)), parentNote(pw && pw.start)),
            el('td', {}, input(k + '|end', { type: 'date', value: (w && w.end) || '', 'aria-label': `${s.name} ${unit || ''} 结束` }, (e) => e.target.value && write('end', e.target.value)), parentNote(pw && pw.end))));
        });
        return rows;
      }))));
  }
  // ---- forms (weights, trim, items)
  out.push(el('h2', { class: 'fh' }, '测评表 Appraisal forms'));
  const forms = r.forms || [];
  const formBlock = (f, isNew) => {
    const pf = pr && (pr.forms || []).find(x => x.name === f.name);
    const k = `form|${f.name}`;
    const box = el('fieldset', { class: 'form', 'data-form': f.name });
    const read = () => {
      const groups = [...box.querySelectorAll('[data-group]')].map(i => [i.dataset.group, Number(i.value)]);
      const items = [...box.querySelectorAll('[data-item]')].map(i => [i.dataset.item, Number(i.value)]);
      const trim = box.querySelector('[data-trim]').checked;
      return { groups, items, trim };
    };
    const full = () => {
      const v = read();
      const total = v.items.reduce((a, x) => a + x[1], 0);
      return `form(${lit(f.name)}, #{\n    subject: ${lit(f.subject || 'member')},\n    total: ${num(total)},\n    items: ${pairs(v.items)},\n    groups: ${pairs(v.groups)},\n    trim: ${v.trim},\n    local: ${lit('本文件设定(演练场表单写入,模板取自 ' + ((ctx.template && ctx.template.file) || '上级') + ')')} });`;
    };
    const opts = isNew ? { inParent: false, full } : { full };
    const writeGroups = () => { const v = read(); edit('form', f.name, { groups: pairs(v.groups) }, f.name, opts); };
    const writeItems = () => { const v = read(); edit('form', f.name, { items: pairs(v.items), total: num(v.items.reduce((a, x) => a + x[1], 0)) }, f.name, opts); };
    const sum = (f.groups || []).reduce((a, g) => a + g[1], 0);
    box.append(el('legend', {}, f.name, isNew ? el('span', { class: 'new' }, ' (新建 new)') : null));
    if (isNew) box.append(el('p', { class: 'parent' }, `上级没有测评表。改动任一数值会在本文件写入完整的 form(…) 声明(模板取自 ${(ctx.template && ctx.template.file) || ''})。/ The parent has no form: an edit writes a full form(…) declaration.`));
    if ((f.groups || []).length) box.append(el('div', { class: 'row' }, el('b', {}, '评议组权重 Group weights '), el('span', { class: sum === 100 ? 'muted' : 'bad' }, `合计 ${sum}`)));
    else box.append(el('div', { class: 'row muted' }, '不分评议组 / no rater groups'));
    box.append(el('div', { class: 'grid' }, (f.groups || []).map(([g, w]) => {
      const pg = pf && (pf.groups || []).find(x => x[0] === g);
      return el('label', {}, g, ' ', input(`${k}|group|${g}`, { type: 'number', min: 0, max: 100, value: w, class: 'n', 'data-group': g }, writeGroups), parentNote(pg && pg[1]));
    })));
    box.append(el('div', { class: 'row' }, el('label', {}, input(`${k}|trim`, { type: 'checkbox', 'data-trim': '1', checked: !!f.trim }, () => {
      if (isNew) edit('form', f.name, {}, f.name, opts); else edit('form', f.name, { trim: String(box.querySelector('[data-trim]').checked) }, f.name, opts);
    }), ' 去掉最高分和最低分 trim highest and lowest'), pf ? parentNote(String(pf.trim)) : null));
    box.append(el('details', {}, el('summary', {}, `测评项目 Items(${(f.items || []).length} 项,合计 ${(f.items || []).reduce((a, x) => a + x[1], 0)} 分)`),
      el('div', { class: 'grid' }, (f.items || []).map(([n, p]) => {
        const pi = pf && (pf.items || []).find(x => x[0] === n);
        return el('label', {}, n, ' ', input(`${k}|item|${n}`, { type: 'number', min: 0, value: p, class: 'n', 'data-item': n }, writeItems), parentNote(pi && pi[1]));
      }))));
    return box;
  };
  if (forms.length) for (const f of forms) out.push(formBlock(f, false));
  else if (ctx.template && ctx.template.form) out.push(formBlock(Object.assign({}, ctx.template.form, { trim: !!ctx.template.form.trim }), true));
  else out.push(el('p', { class: 'muted' }, '没有测评表 / no forms'));
  // ---- materials: min_chars per role
  const mats = (r.materials || []).filter(m => m.min_chars);
  if (mats.length) {
    out.push(el('h2', { class: 'fh' }, '材料字数 Minimum characters'));
    for (const m of mats) {
      const pm = pr && (pr.materials || []).find(x => x.kind === m.kind);
      const box = el('fieldset', { class: 'form' }, el('legend', {}, m.kind));
      const entries = (m.min_chars || []).some(e => e[0] === '*') ? m.min_chars : [['*', ''], ...(m.min_chars || [])];
      const write = (extra) => {
        const vals = [...box.querySelectorAll('[data-role]')].map(i => [i.dataset.role, i.value]).filter(x => x[1] !== '');
        if (extra) vals.push(extra);
        edit('material', m.kind, { min_chars: '#{ ' + vals.map(([k, v]) => `${mapKey(k)}: ${num(Number(v))}`).join(', ') + ' }' }, m.kind);
      };
      box.append(el('div', { class: 'grid' }, entries.map(([role, n]) => {
        const p = pm && (pm.min_chars || []).find(x => x[0] === role);
        return el('label', {}, role === '*' ? '所有角色 *' : role, ' ', input(`mat|${m.kind}|${role}`, { type: 'number', min: 0, step: 100, value: n, class: 'n', 'data-role': role }, () => write()), parentNote(p && p[1]));
      })));
      const others = (r.roles || []).map(x => x.name).filter(n => !entries.some(e => e[0] === n));
      if (others.length) {
        const sel = el('select', { 'data-key': `mat|${m.kind}|add`, 'aria-label': `${m.kind} 增加角色` }, others.map(n => el('option', { value: n }, n)));
        box.append(el('div', { class: 'row' }, '为角色另定字数 Per role: ', sel, ' ', el('button', { type: 'button', 'data-key': `mat|${m.kind}|addbtn`, onclick: () => {
          const all = entries.find(e => e[0] === '*');
          write([sel.value, all && all[1] !== '' ? all[1] : 1000]);
        } }, '增加 Add')));
      }
      out.push(box);
    }
  }
  // ---- votes: thresholds
  const votes = r.votes || [];
  if (votes.length) {
    out.push(el('h2', { class: 'fh' }, '测评线 Vote thresholds'));
    out.push(el('table', { class: 'ft' }, el('thead', {}, el('tr', {}, el('th', {}, '测评'), el('th', {}, '低于 below %'), el('th', {}, '高于 above %'))),
      el('tbody', {}, votes.map((v) => {
        const pv = pr && (pr.votes || []).find(x => x.name === v.name);
        const set = (f, val) => edit('vote', v.name, { [f]: num(Number(val)) }, v.name);
        return el('tr', {}, el('th', { scope: 'row' }, v.name, el('div', { class: 'parent' }, `(${(v.rate_of || []).join('+')})`)),
          el('td', {}, input(`vote|${v.name}|below`, { type: 'number', min: 0, max: 100, value: v.below ?? '', class: 'n', 'aria-label': `${v.name} 低于` }, (e) => e.target.value !== '' && set('below', e.target.value)), parentNote(pv && pv.below)),
          el('td', {}, input(`vote|${v.name}|above`, { type: 'number', min: 0, max: 100, value: v.above ?? '', class: 'n', 'aria-label': `${v.name} 高于` }, (e) => e.target.value !== '' && set('above', e.target.value)), parentNote(pv && pv.above)));
      }))));
  }
  if (ctx.errors) out.unshift(el('p', { class: 'bad' }, '文件有错误:表单显示的是最后一次读出的规则。/ The file has errors: the forms show the last rules read.'));
  root.replaceChildren(...out);
  if (focus) { const f = root.querySelector(`[data-key="${CSS.escape(focus)}"]`); if (f) f.focus(); }
}

function has(rules, kind, key) {
  switch (kind) {
    case 'phase': return (rules.phases || []).some(x => x.name === key);
    case 'step': return (rules.steps || []).some(x => `${x.phase}/${x.name}` === key);
    case 'form': return (rules.forms || []).some(x => x.name === key);
    case 'vote': return (rules.votes || []).some(x => x.name === key);
    case 'material': return (rules.materials || []).some(x => x.kind === key);
    default: return false;
  }
}

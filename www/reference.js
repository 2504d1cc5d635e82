import init, { ruleFunctions } from './pkg/xianjiao_full.js';
await init();
const ref = document.getElementById('ref');
const el = (tag, text) => { const e = document.createElement(tag); if (text != null) e.textContent = text; return e; };
for (const f of ruleFunctions()) {
  const s = el('section'); s.id = f.name;
  const h = el('h2'); h.append(el('code', f.name + f.params)); s.append(h);
  s.append(el('p', f.zh), el('p', f.en));
  const pre = el('pre'); pre.append(el('code', f.example)); s.append(pre);
  ref.append(s);
}

// ---------------------------------------------------------------------------
// The one small DOM helper of every front end: the member widget, the office
// workbench, the playground and its editor forms all import it (esbuild
// inlines it into each bundle; the npm package ships it next to widget.js).
//
// Invariant: data only ever reaches the DOM as text nodes and attribute
// values, never as markup (no innerHTML).
// ---------------------------------------------------------------------------

/**
 * `el('button', {id: 'x', class: 'c', onclick: f, hidden: true}, 'text', child, [more])`:
 * an element with attributes (`on…` are listeners, `class` sets className,
 * `true` an empty attribute; `false`/`null`/`undefined` are left out) and
 * children (nodes as they are, anything else as a text node; nested arrays are
 * flattened, `null`/`undefined`/`false` skipped).
 */
function el(tag, attrs, ...kids) {
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

/** Offers `blob` as a download named `name` (a hidden link clicked inside `parent`). */
function saveBlob(blob, name, parent = document.body) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name, hidden: true });
  parent.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/**
 * A sortable table's header after a sort: `aria-sort` on every header cell (its button carries
 * `data-col`), then `fill()` redraws the rows and the sorted column's button keeps the focus.
 */
function sortedBy(thead, col, dir, fill) {
  for (const th of thead.children) {
    const b = th.querySelector('button');
    th.setAttribute('aria-sort', Number(b.dataset.col) === col ? (dir > 0 ? 'ascending' : 'descending') : 'none');
  }
  fill();
  const b = thead.querySelector(`button[data-col="${col}"]`);
  if (b) b.focus();
}

export { el, saveBlob, sortedBy };

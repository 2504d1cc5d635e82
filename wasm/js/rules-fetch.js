// ---------------------------------------------------------------------------
// Fetching a rule file and the parents it extends, for every page that loads
// rules in a browser (the member widget, the office worker). No DOM: it runs
// in a page and in a Web Worker.
//
// Each parent is resolved against the URL of its child, and must lie in the
// entry file's origin and directory (or below): anything else is refused
// before any request is made. A missing parent is left to the engine, which
// reports it as extends.not_found at the line that names it.
// ---------------------------------------------------------------------------

/** A parent outside the entry file's origin and directory. */
class XjRefused extends Error {}

/**
 * `url` is resolved against `baseURI`; `words.noEntry(href, status)` and
 * `words.refused(parent, entry)` word the two errors.
 * Returns `{ sources: {name: text}, entry }`.
 */
async function xjFetchRuleChain(url, baseURI, words) {
  const sources = {};
  const base = new URL(url, baseURI);
  const dir = base.origin + base.pathname.replace(/[^/]*$/, '');
  const entry = decodeURIComponent(base.pathname.split('/').pop());
  let name = entry, href = base.href;
  for (let depth = 0; depth < 8; depth++) {
    const res = await fetch(href, { credentials: 'same-origin' });
    if (!res.ok) {
      if (depth === 0) throw new Error(words.noEntry(href, res.status));
      break;
    }
    sources[name] = await res.text();
    const m = /^\s*extends\s*\(\s*"([^"]+)"\s*\)/m.exec(sources[name]);
    if (!m || m[1] in sources) break;
    const next = new URL(m[1], href);
    if (next.origin !== base.origin || !next.href.startsWith(dir) || next.search || next.hash) throw new XjRefused(words.refused(m[1], entry));
    name = m[1];
    href = next.href;
  }
  return { sources, entry };
}

export { XjRefused, xjFetchRuleChain };

// ---------------------------------------------------------------------------
// Which office wasm runs a page's rules, for the office page's thread and its
// Web Worker alike (one decision, one place).
//
// The office page's first download is the office wasm without Rhai
// (`--features office`): it reads compiled rules (`xianjiao compile`) and runs
// the native plans they carry for simple outcome functions, such as guanba's
// 评议结论. The same wasm with Rhai (`--features office-full`, www/pkg/office-full.js)
// is imported only when the rules need it: a .rhai rule file (the load error
// engine.needs_script), a function without a plan (`Engine.needsScript()`),
// or a plan that gives up on a record (the call's error engine.needs_script,
// which `withEngine` answers by retrying once on the full engine). The same for
// an XLSB, XLS or ODS file: the first download reads CSV and XLSX only (the
// reader without calamine), and says engine.needs_full for the others.
// Both are built from the same crates, so they give the same JSON.
// ---------------------------------------------------------------------------
import init, * as lite from 'xianjiao-office-glue';
import { xjFetchRuleChain } from './rules-fetch.js';

let liteBoot = null, fullBoot = null;

/** The module with Rhai (`full`) or without, initialised. */
function boot(full) {
  if (!full) return (liteBoot ||= init().then(() => lite));
  return (fullBoot ||= import(new URL('./office-full.js', import.meta.url).href)
    .then(async (m) => { await m.default(); return m; })
    .catch((e) => { fullBoot = null; throw e; }));
}

/** True for the error (or load diagnostic) that asks for the engine with Rhai. */
export const needsScript = (e) => !!e && e.code === 'engine.needs_script';
/** True for an error the full engine answers: Rhai, or a workbook format only it reads. */
export const needsFull = (e) => needsScript(e) || (!!e && e.code === 'engine.needs_full');

/** The wording of the two rule-fetching errors (rules-fetch.js), for every office loader. */
export const words = {
  noEntry: (href, status) => `无法载入规则文件 ${href}(HTTP ${status})/ cannot load the rule file`,
  refused: (parent, entry) => `拒绝载入上级规则文件 ${parent}:上级规则文件必须与 ${entry} 在同一网站的同一目录(或其子目录)下 / parent refused`,
};

/**
 * `{m, engine, full}` for rule sources: the engine without Rhai unless the rules need it
 * (or `full` is asked for). `m` is the engine's own module: call its functions
 * (`m.readSheets(engine, …)`, `new m.UnitsDesk()`), never the other module's.
 */
export async function officeEngine(sources, entry, full = false) {
  let m = await boot(full);
  let engine = new m.Engine(sources, entry);
  if (!full && (engine.hasErrors() ? engine.diagnostics().some(needsScript) : engine.needsScript())) {
    engine.free();
    m = await boot(true);
    engine = new m.Engine(sources, entry);
    full = true;
  }
  return { m, engine, full };
}

const byUrl = new Map();

/** The office engine of a rule URL (its file and the parents it extends), loaded once per thread. */
export function engineForUrl(url, full = false) {
  const key = (full ? 'full ' : '') + url;
  if (!byUrl.has(key)) {
    const p = xjFetchRuleChain(url, undefined, words).then(({ sources, entry }) => officeEngine(sources, entry, full));
    p.catch(() => byUrl.delete(key));
    byUrl.set(key, p);
  }
  return byUrl.get(key);
}

/**
 * Runs `f(m, engine)` on the rule URL's engine; when a plan gives up (engine.needs_script),
 * once more on the engine with Rhai, which is kept for the URL from then on.
 */
export async function withEngine(url, f) {
  const x = await engineForUrl(url);
  try { return f(x.m, x.engine); }
  catch (e) {
    if (!needsFull(e) || x.full) throw e;
    const y = await engineForUrl(url, true);
    byUrl.set(url, Promise.resolve(y));
    return f(y.m, y.engine);
  }
}

/** The module without Rhai (for the functions that need no rules, e.g. `sheetCells`). */
export const liteModule = () => boot(false);

// The npm package's main entry: the engine alone (no DOM needed).
//   import init, { Engine } from 'xianjiao';
//   await init();
// works unchanged in a browser page, in a module Web Worker and in Node >= 20.
// In a browser or worker init() fetches xianjiao_bg.wasm next to this file;
// in Node (which cannot fetch file: URLs) it reads that file from disk.
// Any argument the wasm-bindgen init takes still works, e.g.
// init({ module_or_path: fs.readFileSync('…/xianjiao_bg.wasm') }).
import glueInit from './xianjiao.js';
export * from './xianjiao.js';

const isNode = typeof process === 'object' && process !== null && !!(process.versions && process.versions.node)
  && typeof document === 'undefined' && typeof WorkerGlobalScope === 'undefined';

export default async function init(arg) {
  if (arg === undefined && isNode) {
    const fs = 'node:fs/promises';
    const { readFile } = await import(/* webpackIgnore: true */ /* @vite-ignore */ fs);
    arg = { module_or_path: await readFile(new URL('./xianjiao_bg.wasm', import.meta.url)) };
  }
  return glueInit(arg);
}

// The npm package made by `./x build` (dist/npm): `npm pack`, install into an
// empty folder, then `import init, { Engine } from 'xianjiao'; await init();`
// in Node (no DOM) and in a module Worker in Chromium, and
// `import 'xianjiao/widget'` in a page. Run by run.mjs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { execFileSync } from 'node:child_process';

const TYPES = { '.html': 'text/html; charset=utf-8', '.md': 'text/plain; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.rhai': 'text/plain; charset=utf-8', '.json': 'application/json' };

function serveDir(dir) {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = path.normalize(path.join(dir, rel.endsWith('/') ? rel + 'index.html' : rel));
    if (!file.startsWith(dir)) { res.writeHead(403).end(); return; }
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' }).end(data);
    });
  });
  return new Promise(r => server.listen(0, '127.0.0.1', () => r(server)));
}

export async function npmTests({ browser, test, assert, eq, root }) {
  const pkgDir = path.join(root, 'dist', 'npm');
  let app = null;

  await test('web zip: unpacked, its example.html (strict CSP) shows the widget from the shipped files', async () => {
    const zip = fs.readdirSync(path.join(root, 'dist')).find(f => /^xianjiao-web-.*\.zip$/.test(f));
    assert(zip, 'dist/xianjiao-web-<version>.zip missing: run ./x build');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xianjiao-web-'));
    try { execFileSync('unzip', ['-q', path.join(root, 'dist', zip), '-d', tmp]); }
    catch (_) { execFileSync('python3', ['-m', 'zipfile', '-e', path.join(root, 'dist', zip), tmp]); }
    const dir = path.join(tmp, zip.replace(/\.zip$/, ''));
    for (const f of ['xianjiao.js', 'xianjiao_bg.wasm', 'xianjiao.d.ts', '部署说明.md', 'example.html', 'rules/central.rhai', 'rules/guanba.rhai'])
      assert(fs.existsSync(path.join(dir, f)), `zip lacks ${f}`);
    const doc = fs.readFileSync(path.join(dir, '部署说明.md'), 'utf8');
    assert(doc.indexOf('## 中文') < doc.indexOf('## English') && doc.includes('application/wasm') && doc.includes("'wasm-unsafe-eval'") && doc.includes('<xianjiao-widget'), '部署说明: zh then en, MIME type, CSP, snippet');
    const server = await serveDir(dir);
    try {
      const page = await browser.newPage();
      const errors = [];
      page.on('pageerror', e => errors.push(e.message));
      page.on('console', m => { if (m.type() === 'error' && !/favicon/.test(m.text() + (m.location() || {}).url)) errors.push(m.text()); });
      await page.goto(`http://127.0.0.1:${server.address().port}/example.html`);
      await page.waitForSelector('xianjiao-widget >> [role=tab]', { timeout: 20000 });
      eq(errors, [], 'errors on the example page');
      await page.close();
    } finally { server.close(); }
  });

  await test('npm: `npm pack` and install into an empty folder', async () => {
    assert(fs.existsSync(path.join(pkgDir, 'package.json')), 'dist/npm missing: run ./x build');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xianjiao-npm-'));
    const tgz = execFileSync('npm', ['pack', pkgDir, '--pack-destination', tmp, '--silent'], { cwd: tmp }).toString().trim().split('\n').pop();
    app = path.join(tmp, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', path.join(tmp, tgz)], { cwd: app, stdio: 'pipe' });
    const installed = path.join(app, 'node_modules', 'xianjiao');
    for (const f of ['index.js', 'index.d.ts', 'xianjiao.js', 'xianjiao_bg.wasm', 'widget.js', 'widget.d.ts', 'messages.js', 'rules/guanba.rhai', 'rules/central.rhai', 'README.md'])
      assert(fs.existsSync(path.join(installed, f)), `installed package lacks ${f}`);
    const dts = fs.readFileSync(path.join(installed, 'xianjiao.d.ts'), 'utf8');
    for (const sig of ['schedule(query: ScheduleQuery): Schedule', 'checklist(profile: Profile): Checklist', 'checkMaterial(kind: string, role: string, text: string): MaterialReport',
      'score(sheets: Sheet[], form?: string | null): ScoreReport', 'satisfaction(votes: VoteRow[], vote?: string | null): VoteReport', 'diagnostics(): Diagnostic[]'])
      assert(dts.includes(sig), `xianjiao.d.ts lacks \`${sig}\``);
    assert(!/\): any;/.test(dts.split('export type InitInput')[0]), 'an Engine method still returns any');
    assert(fs.readFileSync(path.join(installed, 'widget.d.ts'), 'utf8').includes("'xianjiao-widget': XianjiaoWidget"), 'HTMLElementTagNameMap entry');
    console.log(`      ${tgz}: ${fs.statSync(path.join(tmp, tgz)).size} B`);
  });

  await test('npm: the engine in Node (no DOM): await init() and init({ module_or_path: bytes })', async () => {
    assert(app, 'not installed');
    const script = `
      import init, { Engine, countChars } from 'xianjiao';
      import fs from 'node:fs';
      const mode = process.argv[2];
      if (mode === 'bytes') await init({ module_or_path: fs.readFileSync(new URL('./node_modules/xianjiao/xianjiao_bg.wasm', import.meta.url)) });
      else await init();
      const rules = (f) => fs.readFileSync(new URL('./node_modules/xianjiao/rules/' + f, import.meta.url), 'utf8');
      const e = new Engine({ 'central.rhai': rules('central.rhai'), 'guanba.rhai': rules('guanba.rhai') }, 'guanba.rhai');
      const s = e.schedule({ unit: '社区', on: '2005-08-30' });
      const m = e.checkMaterial('党性分析材料', '党员', '存在的问题');
      console.log(JSON.stringify({ dom: typeof HTMLElement, errors: e.hasErrors(), phase: s.current_phase, min: m.min_chars, chars: countChars('存在的问题') }));`;
    fs.writeFileSync(path.join(app, 'node-test.mjs'), script);
    for (const mode of ['default', 'bytes']) {
      const r = JSON.parse(execFileSync(process.execPath, ['node-test.mjs', mode], { cwd: app }).toString());
      eq(r, { dom: 'undefined', errors: false, phase: '分析评议', min: 2000, chars: 5 }, `Node, init ${mode}`);
    }
    console.log(`      Node ${process.version}: engine works with no DOM`);
  });

  await test('npm: the engine in a module Worker and `import \'xianjiao/widget\'` in a page (Chromium)', async () => {
    assert(app, 'not installed');
    fs.writeFileSync(path.join(app, 'worker.js'), `
      import init, { Engine } from './node_modules/xianjiao/index.js';
      try {
        await init();
        const get = async (f) => (await fetch('./node_modules/xianjiao/rules/' + f)).text();
        const e = new Engine({ 'central.rhai': await get('central.rhai'), 'guanba.rhai': await get('guanba.rhai') }, 'guanba.rhai');
        postMessage({ phase: e.schedule({ unit: '社区', on: '2005-08-30' }).current_phase, doc: typeof document });
      } catch (err) { postMessage({ error: String(err && err.stack || err) }); }`);
    fs.writeFileSync(path.join(app, 'index.html'), `<!doctype html><meta charset="utf-8">
      <script type="importmap">{"imports":{"xianjiao":"./node_modules/xianjiao/index.js","xianjiao/widget":"./node_modules/xianjiao/widget.js"}}</script>
      <script type="module">
        const w = new Worker('./worker.js', { type: 'module' });
        w.onmessage = (e) => { window.__worker = e.data; };
        w.onerror = (e) => { window.__worker = { error: e.message }; };
      </script>
      <script type="module">import 'xianjiao/widget';</script>
      <xianjiao-widget rules="node_modules/xianjiao/rules/guanba.rhai" unit="社区" today="2005-08-30"></xianjiao-widget>`);
    const server = await serveDir(app);
    try {
      const page = await browser.newPage();
      const errors = [];
      page.on('pageerror', e => errors.push(e.message));
      await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
      await page.waitForFunction(() => window.__worker, null, { timeout: 20000 });
      eq(await page.evaluate(() => window.__worker), { phase: '分析评议', doc: 'undefined' }, 'worker result');
      await page.waitForSelector('xianjiao-widget >> [role=tab]', { timeout: 20000 });
      assert((await page.locator('xianjiao-widget >> [role=tabpanel]').textContent()).includes('分析评议'), 'widget from the npm package renders');
      eq(errors, [], 'page errors');
      await page.close();
    } finally { server.close(); }
  });
}

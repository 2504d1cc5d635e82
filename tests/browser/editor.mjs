// Playground editor tests (issue 11), run by run.mjs: CodeMirror completion of
// functions, fields and names; hover docs; the full-width quick fix; a form
// written through the forms under a guangan child and scored; the stale-preview
// notice; a replaced file back with Ctrl+Z; Esc, Tab leaves the editor; the
// bundle download loaded by the member widget; the mutation test in a worker;
// the widget page never loads the playground bundle; screenshots at 1366×768
// and at 200 % zoom.
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';

const P = 'window.xianjiaoPlayground';

export async function run({ browser, origin, test, assert, eq, out }) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  page.on('console', m => { if (m.type() === 'error' && !/favicon/.test(m.text() + (m.location() || {}).url)) errors.push(m.text() + ' ' + (m.location() || {}).url); });
  const ready = async (url = `${origin}/playground.html?fresh`) => {
    await page.goto(url);
    await page.waitForFunction(() => window.xianjiaoPlayground && window.xianjiaoPlayground.text.includes('extends'), null, { timeout: 30000 });
    await page.waitForSelector('#preview >> [role=tab]', { timeout: 20000 });
  };
  const text = () => page.evaluate(() => window.xianjiaoPlayground.text);
  const setDoc = (t) => page.evaluate((t) => { const v = window.xianjiaoPlayground.view; v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: t } }); window.xianjiaoPlayground.refresh(); }, t);
  /** Puts the cursor at the end of the document (or after `needle`) and focuses the editor. */
  const cursorAt = (needle) => page.evaluate((needle) => {
    const v = window.xianjiaoPlayground.view;
    const s = v.state.doc.toString();
    const pos = needle == null ? s.length : s.indexOf(needle) + needle.length;
    v.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
    v.focus();
  }, needle);
  const options = () => page.$$eval('.cm-tooltip-autocomplete li', ls => ls.map(l => l.textContent));
  const errorsNow = () => page.evaluate(() => window.xianjiaoPlayground.diagnostics.filter(d => d.severity === 'error'));
  const confirmIfAsked = async () => {
    try { await page.waitForSelector('#confirm[open]', { timeout: 1500 }); await page.click('#confirm-yes'); } catch (_) {}
  };

  await test('editor: typing `amen` offers amend; inside phase("学习动员", #{ it offers start; names where a name is expected', async () => {
    await ready();
    await cursorAt(null);
    await page.keyboard.press('Enter');
    await page.keyboard.type('amen');
    await page.waitForSelector('.cm-tooltip-autocomplete li');
    const o = await options();
    assert(o.some(x => x.startsWith('amend')), 'amend offered: ' + o.join(' | '));
    await page.keyboard.press('Escape');
    for (let i = 0; i < 4; i++) await page.keyboard.press('Backspace');
    await page.waitForFunction(() => window.xianjiaoPlayground.text.endsWith('\n'));
    await page.keyboard.insertText('phase("学习动员", #{ ');
    await page.keyboard.type('st');
    await page.waitForSelector('.cm-tooltip-autocomplete li');
    const o2 = await options();
    assert(o2.some(x => x.startsWith('start')), 'start offered: ' + o2.join(' | '));
    assert(!o2.some(x => x.startsWith('amend')), 'only fields inside the option map: ' + o2.join(' | '));
    await page.waitForFunction(() => /^start/.test((document.querySelector('.cm-tooltip-autocomplete li[aria-selected=true]') || {}).textContent || ''));
    await page.keyboard.press('Enter');
    const after = await text();
    assert(after.includes('phase("学习动员", #{ start: '), 'completion inserted `start: `: ' + JSON.stringify(after.slice(-80)));
    // amend("phase", …, #{ completes phase fields; a name is offered inside roles: [
    await page.keyboard.press('Escape');
    await page.keyboard.insertText('});\namend("phase", "分析评议", #{ ext');
    await page.waitForSelector('.cm-tooltip-autocomplete li');
    const o3 = await options();
    assert(o3.some(x => x.startsWith('extend_days')), 'amend("phase" completes phase fields: ' + o3.join(' | '));
    await page.keyboard.press('Escape');
    await page.keyboard.insertText('end_days: 3 });\nrequire("新要求", #{ roles: ["');
    await page.keyboard.type('党');
    await page.waitForSelector('.cm-tooltip-autocomplete li');
    const o4 = await options();
    assert(o4.includes('党员') && o4.includes('党员领导干部'), 'declared roles offered in roles: [: ' + o4.join(' | '));
    await page.keyboard.press('Escape');
    await page.keyboard.insertText('"], phase: "');
    await page.keyboard.type('分');
    await page.waitForSelector('.cm-tooltip-autocomplete li');
    const o5 = await options();
    assert(o5.includes('分析评议'), 'declared phases offered in phase: ": ' + o5.join(' | '));
    await page.keyboard.press('Escape');
    await page.keyboard.insertText('析评议", due: "');
    await page.keyboard.type('撰');
    await page.waitForSelector('.cm-tooltip-autocomplete li');
    const o6 = await options();
    assert(o6.includes('撰写、审阅党性分析材料'), 'steps of that phase offered in due: ": ' + o6.join(' | '));
    await page.keyboard.press('Escape');
    await page.keyboard.insertText('写、审阅党性分析材料" });\namend("require", "');
    await page.keyboard.type('党');
    await page.waitForSelector('.cm-tooltip-autocomplete li');
    const o7 = await options();
    assert(o7.includes('党性分析材料'), 'requirement ids offered in amend("require", ": ' + o7.join(' | '));
    await page.keyboard.press('Escape');
  });

  await test('editor: hovering `form` shows its doc (zh and en)', async () => {
    await ready();
    const at = await page.evaluate(() => {
      const v = window.xianjiaoPlayground.view;
      const pos = v.state.doc.toString().indexOf('\nform(') + 3;
      v.dispatch({ effects: [], scrollIntoView: true, selection: { anchor: pos } });
      return pos;
    });
    await page.waitForTimeout(200);
    const box = await page.evaluate((pos) => { const c = window.xianjiaoPlayground.view.coordsAtPos(pos); return { x: c.left + 2, y: (c.top + c.bottom) / 2 }; }, at);
    await page.mouse.move(box.x - 30, box.y + 40);
    await page.mouse.move(box.x, box.y);
    await page.waitForSelector('.cm-tooltip-hover .cm-xj-doc', { timeout: 5000 });
    const doc = await page.textContent('.cm-tooltip-hover');
    assert(doc.startsWith('form(') && /测评表/.test(doc) && /form/i.test(doc) && /groups/.test(doc), 'form doc shown: ' + doc.slice(0, 200));
  });

  await test('editor: full-width “学习动员” gets a quick fix that makes it "学习动员" and clears the error', async () => {
    await ready();
    const base = await text();
    await setDoc(base + '\namend("phase"\uff0c “学习动员”, #{ extend_days: 3 })\uff1b\n'); // ， and ； as an IME types them
    await page.waitForFunction(() => window.xianjiaoPlayground.diagnostics.some(d => d.severity === 'error'));
    const e = await errorsNow();
    assert(e.length >= 1, 'an error for the full-width quote');
    await page.evaluate(() => { const v = window.xianjiaoPlayground.view; v.dispatch({ selection: { anchor: v.state.doc.toString().indexOf('“学习动员”') }, scrollIntoView: true }); });
    const mark = page.locator('.cm-lintRange-warning, .cm-lintRange-error', { hasText: '“' }).first();
    await mark.hover();
    await page.waitForSelector('.cm-tooltip-lint .cm-diagnosticAction', { timeout: 5000 });
    const tip = await page.textContent('.cm-tooltip-lint');
    assert(/修改建议|全角/.test(tip), 'Chinese hint in the lint tooltip: ' + tip.slice(0, 200));
    await page.locator('.cm-tooltip-lint .cm-diagnosticAction', { hasText: '全角' }).first().click();
    await page.waitForFunction(() => window.xianjiaoPlayground.text.includes('amend("phase", "学习动员", #{ extend_days: 3 });'));
    await page.waitForFunction(() => !window.xianjiaoPlayground.diagnostics.some(d => d.severity === 'error'));
    // an unknown field offers the nearest known one
    const t2 = (await text()).replace('amend("phase", "学习动员", #{ extend_days: 3 });', 'amend("phase", "学习动员", #{ extnd_days: 3 });');
    await setDoc(t2);
    await page.waitForFunction(() => window.xianjiaoPlayground.diagnostics.some(d => d.code === 'field.unknown'));
    await page.evaluate(() => { const v = window.xianjiaoPlayground.view; v.dispatch({ selection: { anchor: v.state.doc.toString().indexOf('extnd_days') }, scrollIntoView: true }); });
    await page.locator('.cm-lintRange-error', { hasText: 'extnd_days' }).hover();
    await page.waitForSelector('.cm-tooltip-lint .cm-diagnosticAction');
    await page.locator('.cm-tooltip-lint .cm-diagnosticAction', { hasText: 'extend_days' }).first().click();
    await page.waitForFunction(() => window.xianjiaoPlayground.text.includes('#{ extend_days: 3 }') && !window.xianjiaoPlayground.diagnostics.some(d => d.severity === 'error'));
    // amend of a misspelt name (decl.unknown_target) offers the nearest declared one
    await setDoc((await text()).replace('amend("phase", "学习动员", #{ extend_days: 3 });', 'amend("phase", "学习动圆", #{ extend_days: 3 });'));
    await page.waitForFunction(() => window.xianjiaoPlayground.diagnostics.some(d => d.code === 'decl.unknown_target'));
    await page.evaluate(() => { const v = window.xianjiaoPlayground.view; v.dispatch({ selection: { anchor: v.state.doc.toString().indexOf('学习动圆') }, scrollIntoView: true }); });
    await page.locator('.cm-lintRange-error', { hasText: 'amend' }).last().hover();
    await page.waitForSelector('.cm-tooltip-lint .cm-diagnosticAction');
    const acts = await page.$$eval('.cm-tooltip-lint .cm-diagnosticAction', bs => bs.map(b => b.textContent));
    assert(acts.some(a => a.includes('学习动员')) && acts.some(a => a.includes('phase(')), 'nearest name and a declaration offered: ' + acts.join(' | '));
    await page.locator('.cm-tooltip-lint .cm-diagnosticAction', { hasText: '学习动员' }).first().click();
    await page.waitForFunction(() => window.xianjiaoPlayground.text.includes('amend("phase", "学习动员", #{ extend_days: 3 });') && !window.xianjiaoPlayground.diagnostics.some(d => d.severity === 'error'));
  });

  await test('editor: the stale-preview notice appears while errors exist and disappears when fixed', async () => {
    await ready();
    eq(await page.isVisible('#stale'), false, 'no notice on a clean file');
    const base = await text();
    await setDoc(base.replace('["支委会考评", 30]]', '["支委会考评", 20]]'));
    await page.waitForSelector('#stale', { state: 'visible' });
    const n = await page.textContent('#stale');
    assert(/预览显示的是最后一次没有错误的规则/.test(n), 'notice text: ' + n);
    await page.screenshot({ path: path.join(out, 'playground-stale.png') });
    await setDoc(base);
    await page.waitForSelector('#stale', { state: 'hidden' });
  });

  await test('editor: 编辑此文件 asks before replacing edited text, and Ctrl+Z brings it back', async () => {
    await ready();
    await cursorAt(null);
    await page.keyboard.insertText('\n// 本镇的修改');
    await page.selectOption('#base', 'meizhou.rhai');
    await page.click('#edit');
    await page.waitForSelector('#confirm[open]');
    await page.click('#confirm-no');
    assert((await text()).includes('// 本镇的修改'), 'cancel keeps the text');
    await page.click('#edit');
    await page.waitForSelector('#confirm[open]');
    await page.click('#confirm-yes');
    await page.waitForFunction(() => window.xianjiaoPlayground.entry === 'meizhou.rhai');
    assert(!(await text()).includes('// 本镇的修改'), 'replaced');
    await page.click('.cm-content');
    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => window.xianjiaoPlayground.text.includes('// 本镇的修改'));
    eq(await page.evaluate(() => window.xianjiaoPlayground.entry), 'guanba.rhai', 'undo brings back the file name too');
    await page.keyboard.press('Control+y');
    await page.waitForFunction(() => window.xianjiaoPlayground.entry === 'meizhou.rhai');
  });

  await test('editor: Tab indents, Esc then Tab leaves the editor', async () => {
    await ready();
    await cursorAt('extends("central.rhai");');
    await page.keyboard.press('Tab');
    const inEditor = () => page.evaluate(() => !!document.activeElement.closest('.cm-editor'));
    assert(await inEditor(), 'Tab alone keeps focus in the editor');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    assert(!(await inEditor()), 'Esc, Tab leaves the editor');
    const id = await page.evaluate(() => document.activeElement.id || document.activeElement.tagName);
    eq(id, 't-preview', 'focus moves to the next control');
  });

  await test('forms: weights 50/20/30 under a guangan child write a form declaration that loads clean and scores', async () => {
    await ready();
    await page.selectOption('#base', 'guangan.rhai');
    await page.fill('#child', '我镇');
    await page.click('#new');
    await confirmIfAsked();
    await page.waitForFunction(() => window.xianjiaoPlayground.entry === '我镇.rhai');
    // the preview's date follows guangan's campaign (first batch, 2005-01-15 … 2005-02-28)
    const day = await page.inputValue('#day');
    assert(day >= '2005-01-15' && day <= '2005-02-28', 'preview date inside guangan\'s first dated phase: ' + day);
    eq(await page.getAttribute('#preview', 'today'), day, 'widget date');
    await page.click('#t-forms');
    await page.waitForSelector('#forms fieldset.form[data-form]');
    const name = await page.getAttribute('#forms fieldset.form[data-form] >> nth=0', 'data-form');
    const setGroup = async (g, v) => {
      const inp = page.locator(`#forms fieldset.form[data-form="${name}"] input[data-group="${g}"]`);
      await inp.fill(String(v));
      await inp.press('Tab');
    };
    await setGroup('党员互评', 50);
    await page.waitForFunction((n) => window.xianjiaoPlayground.text.includes(`form("${n}"`), name);
    await setGroup('群众参评', 20);
    await page.waitForFunction(() => window.xianjiaoPlayground.text.includes('["党员互评", 50], ["群众参评", 20], ["支委会考评", 30]'));
    const t = await text();
    eq(t.split(`form("${name}"`).length, 2, 'one form declaration');
    await page.waitForFunction(() => document.querySelector('#dcount').textContent.startsWith('0 个错误'));
    eq(await page.isVisible('#stale'), false, 'no stale notice once clean');
    const shown = await page.$$eval(`#forms fieldset.form[data-form="${name}"] input[data-group]`, is => is.map(i => [i.dataset.group, Number(i.value)]));
    eq(shown, [['党员互评', 50], ['群众参评', 20], ['支委会考评', 30]], 'form re-read from the engine');
    // score a few sheets with the widget's engine on the written rules
    const rep = await page.evaluate(async () => {
      const m = await import('/pkg/xianjiao.js');
      await m.default();
      const full = await import('/pkg/xianjiao_full.js'); // the engine with Rhai reads .rhai files
      await full.default();
      const pg = window.xianjiaoPlayground;
      const e = new full.Engine(pg.sources, pg.entry);
      const f = e.rules().forms[0];
      const sheet = (member, group, frac) => Object.assign({ member, rater_group: group }, Object.fromEntries(f.items.map(([n, p]) => [n, String(p * frac)])));
      const r = e.score([sheet('张三', '党员互评', 1), sheet('张三', '党员互评', 0.8), sheet('张三', '群众参评', 0.5), sheet('张三', '支委会考评', 0.7),
        sheet('李四', '党员互评', 0.6), sheet('李四', '群众参评', 1), sheet('李四', '支委会考评', 1)]);
      return { total: f.total, members: r.members.map(x => [x.member, x.composite]) };
    });
    const T = rep.total;
    const want = { 张三: (50 * 0.9 * T + 20 * 0.5 * T + 30 * 0.7 * T) / 100, 李四: (50 * 0.6 * T + 20 * T + 30 * T) / 100 };
    for (const [m, c] of rep.members) assert(Math.abs(c - want[m]) < 1e-6, `${m}: composite ${c}, expected ${want[m]}`);
    eq(rep.members.length, 2, 'two members scored');
    await page.screenshot({ path: path.join(out, 'playground-forms.png') });
  });

  await test('forms: phase dates, a vote threshold and min_chars write amend(…) that loads clean', async () => {
    // continues from the guangan child
    await page.click('#t-forms');
    const before = await text();
    // the child names no batch, so its schedule uses the phases' own dates (guangan gives only 第一批's)
    assert(/第一批: 2005-01-17 – 2005-03-02/.test(await page.textContent('#forms')), 'the parent\'s batch dates shown for comparison: ' + (/第一批[^\n]{0,40}/.exec(await page.textContent('#forms')) || [''])[0]); // guangan: 1月中旬 → 01-17, 45 days (rules of issue 19)
    for (const [f, v] of [['start', '2005-01-17'], ['end', '2005-03-05']]) {
      const date = page.locator(`#forms input[data-key="phase|学习动员|${f}"]`);
      await date.fill(v);
      await date.dispatchEvent('change');
    }
    await page.waitForFunction(() => window.xianjiaoPlayground.text.includes('amend("phase", "学习动员", #{ start: "2005-01-17", end: "2005-03-05" });'));
    const vote = page.locator('#forms input[data-key="vote|满意度测评|below"]');
    await vote.fill('85');
    await vote.press('Tab');
    await page.waitForFunction(() => window.xianjiaoPlayground.text.includes('amend("vote", "满意度测评", #{ below: 85 });'));
    const mc = page.locator('#forms input[data-key^="mat|党性分析材料|"]').first();
    await mc.fill('2500');
    await mc.press('Tab');
    await page.waitForFunction(() => /amend\("material", "党性分析材料", #\{ min_chars: #\{ "\*": 2500/.test(window.xianjiaoPlayground.text));
    await page.waitForFunction(() => document.querySelector('#dcount').textContent.startsWith('0 个错误'));
    const r = await page.evaluate(() => { const r = window.xianjiaoPlayground.rules; return [r.phases[0].dates.end, r.votes.find(v => v.name === '满意度测评').below, r.materials.find(m => m.kind === '党性分析材料').min_chars[0]]; });
    eq(r, ['2005-03-05', 85, ['*', 2500]], 'engine reads the written values');
    eq(await page.locator('#forms input[data-key="vote|满意度测评|below"]').inputValue(), '85', 'form re-read from the engine');
    // one undo step per form edit: four undos bring the text back
    await page.click('.cm-content');
    for (let i = 0; i < 4; i++) await page.keyboard.press('Control+z');
    await page.waitForFunction((b) => window.xianjiaoPlayground.text === b, before);
  });

  await test('download compiled rules: NAME.rules.json (parents included) is what the script-free engine reads', async () => {
    assert((await page.evaluate(() => window.xianjiaoPlayground.entry)) === '我镇.rhai', 'guangan child loaded');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#download-compiled')]);
    eq(dl.suggestedFilename(), '我镇.rules.json', 'compiled name');
    const c = JSON.parse(fs.readFileSync(await dl.path(), 'utf8'));
    eq(c['xianjiao-compiled'], 1, 'compiled format');
    eq(c.files.map((f) => f.split('/').pop()), ['central.rhai', 'guangan.rhai', '我镇.rhai'], 'the whole chain');
    const ok = await page.evaluate(async (text) => {
      const m = await import('/pkg/xianjiao.js');
      await m.default();
      const e = new m.Engine({ '我镇.rules.json': text }, '我镇.rules.json');
      return { errors: e.hasErrors(), phases: e.rules().phases.map((p) => p.name) };
    }, JSON.stringify(c));
    assert(!ok.errors && ok.phases.includes('学习动员'), 'the script-free engine reads it: ' + JSON.stringify(ok));
  });

  await test('download with parents: NAME.bundle.rhai loads in the member widget', async () => {
    // continues from the guangan child with its form
    assert((await page.evaluate(() => window.xianjiaoPlayground.entry)) === '我镇.rhai', 'guangan child loaded');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#download-bundle')]);
    eq(dl.suggestedFilename(), '我镇.bundle.rhai', 'bundle name');
    const body = fs.readFileSync(await dl.path(), 'utf8');
    assert(body.startsWith('// xianjiao-bundle 1\n'), 'bundle header');
    const files = [...body.matchAll(/^\/\/ ---- file: (.*) ----$/gm)].map(m => m[1]);
    eq(files, ['central.rhai', 'guangan.rhai', '我镇.rhai'], 'parents first, entry last');
    fs.writeFileSync(path.join(out, '我镇.bundle.rhai'), body);
    const wctx = await browser.newContext();
    const w = await wctx.newPage();
    const werr = [];
    w.on('pageerror', e => werr.push(e.message));
    await wctx.route(`${origin}/dl/**`, (r) => {
      const u = decodeURIComponent(new URL(r.request().url()).pathname);
      if (u === '/dl/page.html') return r.fulfill({ contentType: 'text/html; charset=utf-8', body: '<!doctype html><meta charset="utf-8"><script type="module" src="/pkg/xianjiao.js"></script><xianjiao-widget rules="/dl/我镇.bundle.rhai" today="2005-01-20"></xianjiao-widget>' });
      if (u === '/dl/我镇.bundle.rhai') return r.fulfill({ contentType: 'text/plain; charset=utf-8', body });
      return r.fulfill({ status: 404, body: 'not found' });
    });
    await w.goto(`${origin}/dl/page.html`);
    await w.waitForSelector('xianjiao-widget >> [role=tab]', { timeout: 20000 });
    const shown = await w.evaluate(() => document.querySelector('xianjiao-widget').shadowRoot.textContent);
    assert(shown.includes('学习动员') && !/error\[/.test(shown), 'widget shows the bundled rules: ' + shown.slice(0, 200));
    const n = await w.evaluate(async () => {
      const m = await import('/pkg/xianjiao.js');
      await m.default();
      const full = await import('/pkg/xianjiao_full.js'); // the engine with Rhai reads .rhai files
      await full.default();
      const res = await fetch('/dl/我镇.bundle.rhai');
      const e = new full.Engine({ '我镇.bundle.rhai': await res.text() }, '我镇.bundle.rhai');
      return { errors: e.diagnostics().filter(d => d.severity === 'error').length, groups: e.rules().forms[0].groups };
    });
    eq(n, { errors: 0, groups: [['党员互评', 50], ['群众参评', 20], ['支委会考评', 30]] }, 'bundle loads clean with the edited form');
    eq(werr, [], 'widget page errors');
    await wctx.close();
  });

  await test('mutation test runs in a worker and lists survivors beside the editor', async () => {
    await page.click('#t-tests');
    await page.click('#mutate');
    assert(await page.isDisabled('#mutate'), 'busy while running');
    await page.waitForFunction(() => /个幸存/.test(document.querySelector('#mstatus').textContent) || /error|错误/i.test(document.querySelector('#mstatus').textContent), null, { timeout: 120000 });
    const st = await page.textContent('#mstatus');
    assert(/\d+ 个改动/.test(st), 'report: ' + st);
    const n = await page.locator('#survivors li').count();
    const m = /(\d+) 个幸存/.exec(st);
    eq(n, Number(m[1]), 'survivors listed');
    console.log(`      ${st}`);
  });

  await test('mutation test refused while an in-file test fails (issue 22)', async () => {
    const before = await text();
    await setDoc(before + '\ntest("必然失败的测试", #{ schedule: #{ unit: "社区", on: "2005-09-17" }, expect: #{ current_phase: "学习动员" } });\n');
    await page.waitForFunction(() => /[1-9]\d* 失败/.test(document.querySelector('#tcount').textContent), null, { timeout: 20000 });
    await page.click('#t-tests');
    await page.click('#mutate');
    const st = await page.textContent('#mstatus');
    assert(/测试未通过/.test(st) && !/幸存/.test(st), 'refused: ' + st);
    eq(await page.locator('#survivors li').count(), 0, 'no survivors listed');
    const fails = await page.locator('#tests li.fail').allTextContents();
    assert(fails.length && fails.every(f => !/expected|got/.test(f)), 'failures worded in Chinese: ' + fails.join(' | '));
    await setDoc(before);
  });

  await test('forms change a value → its source: becomes local: "本地调整(原出处:…)"; 差异 shows my edits per declaration, before and after (issue 22)', async () => {
    await page.selectOption('#base', 'central.rhai');
    await page.click('#edit');
    await confirmIfAsked();
    await page.waitForFunction(() => window.xianjiaoPlayground.entry === 'central.rhai');
    await page.click('#t-forms');
    const vote = page.locator('#forms input[data-key="vote|满意度测评|below"]');
    await vote.fill('85');
    await vote.press('Tab');
    await page.waitForFunction(() => /local: "本地调整\(原出处:000: 党性分析报告满意度测评/.test(window.xianjiaoPlayground.text));
    const t = await text();
    const decl = t.slice(t.indexOf('vote("满意度测评"'), t.indexOf('});', t.indexOf('vote("满意度测评"')));
    assert(!/source: "000: 党性分析报告/.test(decl) && decl.includes('below: 85'), 'source quote left on a changed value: ' + decl);
    await page.waitForFunction(() => document.querySelector('#dcount').textContent.startsWith('0 个错误'));
    await page.click('#t-explain');
    const own = await page.evaluate(() => { const o = document.querySelector('#own-edits'); return { heads: [...o.querySelectorAll('h3')].map(h => h.textContent), before: (o.querySelector('pre.removed') || {}).textContent || '', after: (o.querySelector('pre.added') || {}).textContent || '', text: o.textContent }; });
    eq(own.heads, ['修改 vote("满意度测评"'], 'one edited declaration');
    assert(own.before.includes('source: "000: 党性分析报告') && own.after.includes('below: 85') && own.after.includes('本地调整'), 'before/after: ' + JSON.stringify(own).slice(0, 400));
    assert(!/[{,]"\w+":/.test(own.text), 'no raw JSON');
  });

  await test('the search panel speaks Chinese (EditorState.phrases)', async () => {
    await cursorAt();
    await page.keyboard.press('Control+f');
    await page.waitForSelector('.cm-search');
    const t = await page.evaluate(() => { const p = document.querySelector('.cm-search'); return [...p.querySelectorAll('button, label, input[placeholder]')].map(x => x.textContent.trim() || x.getAttribute('placeholder')).join(' '); });
    assert(/查找/.test(t) && /下一个/.test(t) && !/\b(next|previous|match case|replace all)\b/.test(t), 'search panel: ' + t);
    await page.keyboard.press('Escape');
  });

  await test('screenshots of the playground at 1366×768 and at 200 % zoom (tests/out/)', async () => {
    await ready();
    await page.screenshot({ path: path.join(out, 'playground-1366.png') });
    await page.click('#t-forms');
    await page.screenshot({ path: path.join(out, 'playground-1366-forms.png') });
    const z = await browser.newContext({ viewport: { width: 683, height: 384 }, deviceScaleFactor: 2, locale: 'zh-CN' });
    const zp = await z.newPage();
    await zp.goto(`${origin}/playground.html?fresh`);
    await zp.waitForSelector('#preview >> [role=tab]', { timeout: 30000 });
    await zp.screenshot({ path: path.join(out, 'playground-200.png') });
    await zp.screenshot({ path: path.join(out, 'playground-200-full.png'), fullPage: true });
    await zp.click('#t-forms');
    await zp.locator('#p-forms').screenshot({ path: path.join(out, 'playground-200-forms.png') });
    const overflow = await zp.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 1, 'no horizontal scrolling at 200 %: ' + overflow);
    await z.close();
  });

  await test('axe-core: 0 violations on the playground page, every panel (the widget is checked in widget.mjs)', async () => {
    await ready();
    await page.addScriptTag({ path: path.join(process.env.XIANJIAO_CACHE || path.join(os.homedir(), '.cache/xianjiao'), 'node/node_modules/axe-core/axe.min.js') });
    const found = [];
    for (const t of ['t-preview', 't-forms', 't-diags', 't-tests', 't-explain']) {
      await page.click('#' + t);
      found.push(...(await page.evaluate(async () => (await window.axe.run({ exclude: [['xianjiao-widget']] }, { resultTypes: ['violations'] })).violations
        .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`))).map(x => t + ': ' + x));
    }
    eq(found, [], 'axe violations');
  });

  await test('the member widget page makes no request for the playground code', async () => {
    const c = await browser.newContext();
    const p = await c.newPage();
    const reqs = [];
    p.on('request', r => reqs.push(r.url()));
    await p.goto(`${origin}/index.html`);
    await p.waitForSelector('xianjiao-widget >> [role=tab]', { timeout: 20000 });
    await p.waitForLoadState('networkidle');
    const bad = reqs.filter(u => /playground|worker\.bundle|codemirror/i.test(u));
    eq(bad, [], 'playground requests from the widget page');
    assert(reqs.some(u => u.endsWith('/pkg/xianjiao.js')), 'the widget loaded');
    await c.close();
  });

  await test('playground: no page errors in all the above', async () => { eq(errors, [], 'playground page errors'); });
  await context.close();
}

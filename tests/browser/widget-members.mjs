// Issue 22: the member widget as members meet it (phone, large text, keyboard,
// a full storage, a hostile rule file, printing). Run from widget.mjs.
import fs from 'node:fs';
import path from 'node:path';

const W = 'xianjiao-widget >> ';
const PASS = 'tests/golden/material-guanba-member-pass/draft.txt';
const SHORT = 'tests/golden/material-guanba-member-short-objective/draft.txt';

export async function memberTests({ browser, test, assert, eq, origin, root, out, widgetPage }) {
  const read = (p) => fs.readFileSync(path.join(root, p), 'utf8');
  const shadowText = (page) => page.evaluate(() => document.querySelector('xianjiao-widget').shadowRoot.textContent);
  const activeId = (page) => page.evaluate(() => { const a = document.querySelector('xianjiao-widget').shadowRoot.activeElement; return a ? a.id : null; });

  await test('members: "null", "undefined" and "NaN" never appear, on any tab, empty, partial, done and in error, zh and en', async () => {
    const { context, page, errors } = await widgetPage(`${origin}/index.html`);
    const seen = [];
    const look = async (state) => {
      for (let i = 0; i < 4; i++) {
        await page.click(W + `#xj-tab-${i}`);
        await page.waitForTimeout(50);
        const text = await shadowText(page);
        const m = /null|undefined|NaN|\[object/.exec(text);
        if (m) seen.push(`${state} tab ${i}: …${text.slice(Math.max(0, m.index - 40), m.index + 20)}…`);
      }
    };
    for (const lang of ['zh', 'en']) {
      if (lang === 'en') await page.click(W + '#xj-lang');
      await look(`${lang} empty`);
      await page.click(W + '#xj-tab-2');
      await page.fill(W + '#xj-draft', read(SHORT));
      await page.click(W + '#xj-tab-3');
      await page.fill(W + '#xj-mark-0-0', '5');
      await look(`${lang} partial`);
      await page.click(W + '#xj-tab-2');
      await page.fill(W + '#xj-draft', read(PASS));
      await page.waitForTimeout(100);
      assert(/通过|Pass/.test(await page.locator(W + '#xj-result').textContent()), 'the pass draft passes');
      await page.click(W + '#xj-tab-1');
      const boxes = page.locator(W + 'ul.items input[type=checkbox]');
      for (let i = 0; i < await boxes.count(); i++) await boxes.nth(i).check();
      await look(`${lang} done`);
      await page.click(W + '#xj-tab-3');
      await page.fill(W + '#xj-mark-0-0', '999');
      await look(`${lang} error`);
      await page.click(W + '#xj-clear'); await page.click(W + '#xj-clear-yes');
    }
    eq(seen, [], 'null/undefined shown');
    eq(errors, [], 'page errors');
    await context.close();
  });

  await test('members: the empty draft box is neutral (尚未填写), not 未通过 with red failures', async () => {
    const { context, page } = await widgetPage(`${origin}/index.html`);
    await page.click(W + '#xj-tab-2');
    const r = await page.locator(W + '#xj-result').textContent();
    assert(r.includes('尚未填写'), 'says 尚未填写: ' + r);
    assert(!r.includes('未通过'), 'no 未通过 before typing: ' + r);
    eq(await page.locator(W + '#xj-result .bad, #xj-result li').count(), 0, 'no failures listed');
    await page.fill(W + '#xj-draft', '存在的问题');
    await page.waitForTimeout(100);
    assert((await page.locator(W + '#xj-result').textContent()).includes('未通过'), 'judged once typed');
    await context.close();
  });

  await test('members: findings say 错误 / 提示 in words with an icon; clicking one selects it in the draft and marks it in the preview', async () => {
    const { context, page } = await widgetPage(`${origin}/index.html`);
    await page.click(W + '#xj-tab-2');
    const draft = read(SHORT);
    await page.fill(W + '#xj-draft', draft);
    await page.waitForTimeout(100);
    const labels = await page.locator(W + 'ul.findings .lv').allTextContents();
    assert(labels.length > 0, 'findings listed');
    assert(labels.every(l => /^[✗ⓘ] (错误|提示)$/.test(l)), 'every finding has its level in words: ' + labels.join(' | '));
    const btn = page.locator(W + 'ul.findings button.finding').first();
    const said = await btn.textContent();
    await btn.click();
    const sel = await page.evaluate(() => { const a = document.querySelector('xianjiao-widget').shadowRoot.getElementById('xj-draft'); return a.value.slice(a.selectionStart, a.selectionEnd); });
    assert(sel.length > 0 && said.includes(sel), `the finding "${said}" selected "${sel}" in the draft`);
    eq(await activeId(page), 'xj-draft', 'focus in the member\'s own text');
    eq(await page.locator(W + '#xj-preview mark.current').count(), 1, 'one mark highlighted in the preview');
    eq(await page.locator(W + '#xj-preview mark.current').textContent(), sel, 'the preview mark is the same text');
    await context.close();
  });

  await test('members: a flagged phrase inside a quotation of the rule\'s own reason does not count; outside it still does', async () => {
    const { context, page } = await widgetPage(`${origin}/index.html`);
    // guanba's flag, its reason reworded so that quoting it contains two flagged phrases
    await page.evaluate(async () => {
      const w = document.querySelector('xianjiao-widget');
      const json = (await (await fetch('pkg/rules/guanba.rules.json')).text()).replace('"reason":"只写主观原因、不写客观原因"', '"reason":"把问题归于客观原因、工作太忙"');
      await w.loadSources({ 'guanba.rules.json': json }, 'guanba.rules.json');
    });
    await page.click(W + '#xj-tab-2');
    const draft = read(PASS).replace('一、', '对照“把问题归于客观原因、工作太忙”这一条检查自己。\n一、');
    await page.fill(W + '#xj-draft', draft);
    await page.waitForSelector(W + '#xj-quoted');
    const r = await page.locator(W + '#xj-result').textContent();
    assert(!/“(客观原因|工作太忙)”:/.test(r), 'the quote flagged: ' + r);
    assert(/✓ 通过/.test(r) && /2 处是引用规则原文/.test(r), 'passes, and says what it left out: ' + r.slice(0, 300));
    await page.fill(W + '#xj-draft', draft + '\n主要是工作太忙。');
    await page.waitForFunction(() => /“工作太忙”:/.test(document.querySelector('xianjiao-widget').shadowRoot.getElementById('xj-result').textContent));
    assert(/✗ 未通过/.test(await page.locator(W + '#xj-result').textContent()), 'the phrase outside the quote fails the draft');
    await context.close();
  });

  await test('members: a well-ordered draft that quotes the rule “只写主观原因、不写客观原因” gets no order warning; a swapped one is placed', async () => {
    const { context, page } = await widgetPage(`${origin}/index.html`);
    await page.click(W + '#xj-tab-2');
    const draft = read(PASS).replace('一、', '按照“只写主观原因、不写客观原因”的要求检查自己。\n一、');
    await page.fill(W + '#xj-draft', draft);
    await page.waitForFunction(() => /通过/.test(document.querySelector('xianjiao-widget').shadowRoot.getElementById('xj-result').textContent));
    const r = await page.locator(W + '#xj-result').textContent();
    assert(/✓ 通过/.test(r), 'the quoting draft passes: ' + r.slice(0, 300));
    assert(!/顺序/.test(r), 'no order warning for a quote before the first part: ' + r.slice(0, 300));
    // The parts swapped for real: the warning is a finding with a place (clicking selects it in the draft).
    const lines = read(PASS).split('\n');
    const i2 = lines.findIndex(l => l.startsWith('二、')), i3 = lines.findIndex(l => l.startsWith('三、'));
    const swapped = [...lines.slice(0, lines.findIndex(l => l.startsWith('一、'))), ...lines.slice(i2, i3), ...lines.slice(lines.findIndex(l => l.startsWith('一、')), i2), ...lines.slice(i3)].join('\n');
    await page.fill(W + '#xj-draft', swapped);
    await page.waitForFunction(() => /顺序/.test(document.querySelector('xianjiao-widget').shadowRoot.getElementById('xj-result').textContent));
    const btn = page.locator(W + '#xj-result button', { hasText: '顺序' });
    eq(await btn.count(), 1, 'the order warning is one clickable finding');
    await btn.click();
    const sel = await page.evaluate(() => { const a = document.querySelector('xianjiao-widget').shadowRoot.getElementById('xj-draft'); return a.value.slice(a.selectionStart, a.selectionStart + 2); });
    eq(sel, '原因', 'the click selects the part that came too early (原因剖析)');
    await context.close();
  });

  await test('members: the printed 自查报告 holds no calculator numbers, prints from its own document, and Ctrl+P prints a clean layout', async () => {
    const { context, page } = await widgetPage(`${origin}/index.html`);
    await page.addStyleTag({ content: 'body { color: #f0f !important; font-size: 30px !important } p { background: #0f0 !important }' }); // a portal's CSS
    await page.click(W + '#xj-tab-2');
    await page.fill(W + '#xj-draft', read(SHORT));
    await page.click(W + '#xj-tab-3');
    const marks = page.locator(W + 'input[id^=xj-mark-]');
    for (let i = 0; i < await marks.count(); i++) await marks.nth(i).fill('8');
    const tiers = page.locator(W + '[id^=xj-tier-]');
    for (let i = 0; i < await tiers.count(); i++) await tiers.nth(i).fill(String([40, 15, 3][i] ?? 1));
    await page.waitForFunction(() => /综合得分/.test(document.querySelector('xianjiao-widget').shadowRoot.textContent), null, { timeout: 20000 });
    const calc = /综合得分|满意率|满意度|参评人数|测评/;
    await page.evaluate(() => { window.print = () => {}; });
    const [popup] = await Promise.all([context.waitForEvent('page'), page.click(W + '#xj-print')]);
    await popup.waitForLoadState();
    const text = await popup.evaluate(() => document.body.innerText);
    assert(text.includes('本人签名') && text.includes('材料自查'), 'report printed: ' + text.slice(0, 200));
    assert(!calc.test(text), 'calculator numbers on the report: ' + (calc.exec(text) || [])[0]);
    await popup.close();
    // pop-ups blocked: a frame of its own, with none of the portal's CSS
    await page.evaluate(() => { window.open = () => null; });
    await page.click(W + '#xj-print');
    const f = await page.evaluate(() => {
      const fr = document.querySelector('body > iframe.xj-print');
      if (!fr) return null;
      const d = fr.contentDocument, p = d.querySelector('p');
      return { text: d.body.innerText, links: d.querySelectorAll('link, style').length, color: getComputedStyle(d.body).color, pbg: p && getComputedStyle(p).backgroundColor, size: getComputedStyle(d.body).fontSize };
    });
    assert(f, 'printed from a frame of its own');
    assert(f.text.includes('本人签名') && !calc.test(f.text), 'frame report: ' + f.text.slice(0, 200));
    eq([f.links, f.color, f.pbg], [0, 'rgb(0, 0, 0)', 'rgba(0, 0, 0, 0)'], 'no portal CSS in the frame');
    // Ctrl+P on the page: the widget's print CSS hides the controls and prints the whole draft
    await page.click(W + '#xj-tab-2');
    await page.emulateMedia({ media: 'print' });
    const p = await page.evaluate(() => {
      const r = document.querySelector('xianjiao-widget').shadowRoot;
      const d = (sel) => getComputedStyle(r.querySelector(sel)).display;
      return { tabs: d('[role=tablist]'), tools: d('.tools'), area: d('#xj-draft'), printed: d('#xj-draft-print'), full: r.querySelector('#xj-draft-print').textContent.length };
    });
    eq({ tabs: p.tabs, tools: p.tools, area: p.area, printed: p.printed }, { tabs: 'none', tools: 'none', area: 'none', printed: 'block' }, 'print layout');
    eq(p.full, read(SHORT).length, 'the whole draft is printed');
    await page.screenshot({ path: path.join(out, 'print-ctrl-p.png'), fullPage: true });
    await context.close();
  });

  await test('members: storage full → "草稿未能保存在本机,请先复制备份" with a copy button that copies the draft', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 1300 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    await context.addInitScript(() => { Storage.prototype.setItem = function () { throw new DOMException('quota', 'QuotaExceededError'); }; });
    const page = await context.newPage();
    await page.goto(`${origin}/index.html`);
    await page.waitForSelector(W + '[role=tab]');
    await page.click(W + '#xj-tab-2');
    await page.locator(W + '#xj-draft').pressSequentially('存在的问题:学习不够');
    await page.waitForSelector(W + '#xj-storage');
    const n = await page.locator(W + '#xj-storage').textContent();
    assert(n.includes('草稿未能保存在本机,请先复制备份'), 'notice: ' + n);
    eq(await page.locator(W + '#xj-storage').getAttribute('role'), 'alert', 'announced');
    eq(await activeId(page), 'xj-draft', 'typing is not interrupted');
    eq(await page.inputValue(W + '#xj-draft'), '存在的问题:学习不够', 'every character kept');
    await page.click(W + '#xj-copy');
    await page.waitForFunction(() => /已复制|无法自动复制/.test(document.querySelector('xianjiao-widget').shadowRoot.getElementById('xj-storage').textContent));
    const clip = await page.evaluate(() => navigator.clipboard.readText().catch(() => null));
    if (clip != null) eq(clip, '存在的问题:学习不够', 'clipboard holds the draft');
    await context.close();
  });

  await test('members: bidi and invisible control characters from a rule file are stripped from everything shown and printed', async () => {
    const { context, page } = await widgetPage(`${origin}/index.html`);
    const bad = await page.evaluate(async () => {
      const w = document.querySelector('xianjiao-widget');
      const json = await (await fetch('pkg/rules/guanba.rules.json')).text();
      // every quoted phase name, label and reason gets a right-to-left override and a zero-width space
      const evil = json.replace(/"(label|reason|note)":"([^"\\]{2,})"/g, (m, k, v) => `"${k}":"${v.slice(0, 1)}\\u202e\\u200b${v.slice(1)}"`);
      if (evil === json) return ['the rules were not changed'];
      await w.loadSources({ 'guanba.rules.json': evil }, 'guanba.rules.json');
      const r = w.shadowRoot, found = [];
      const scan = (where) => {
        const all = [r.textContent, ...[...r.querySelectorAll('*')].flatMap(e => [...e.attributes].filter(a => a.name !== 'value').map(a => a.value))].join('\n');
        if (/[\u202a-\u202e\u2066-\u2069\u200b-\u200f]/.test(all)) found.push(where);
      };
      for (let i = 0; i < 4; i++) { r.getElementById(`xj-tab-${i}`).click(); scan('tab ' + i); }
      scan('evil ' + /\u202e/.test(evil));
      return found.filter(x => !x.startsWith('evil'));
    });
    eq(bad, [], 'control characters shown');
    const text = await shadowText(page);
    assert(/阶段/.test(text), 'the widget rendered the changed rules');
    await context.close();
  });

  await test('keyboard: Tab reaches every tab and Enter/Space open it; focus follows reading order; 清除 focuses 取消, never 确定清除', async () => {
    const { context, page } = await widgetPage(`${origin}/index.html`);
    await page.focus(W + '#xj-tab-0');
    await page.keyboard.press('Tab');
    eq(await activeId(page), 'xj-tab-1', 'Tab from 日程 → 清单');
    await page.keyboard.press('Enter');
    eq(await page.getAttribute(W + '#xj-tab-1', 'aria-selected'), 'true', 'Enter opens 清单');
    eq(await activeId(page), 'xj-tab-1', 'focus stays on the tab');
    await page.keyboard.press('Tab');
    eq(await activeId(page), 'xj-tab-2', 'Tab → 材料自查');
    await page.keyboard.press('Space');
    eq(await page.getAttribute(W + '#xj-tab-2', 'aria-selected'), 'true', 'Space opens 材料自查');
    await page.keyboard.press('Tab');
    eq(await activeId(page), 'xj-tab-3', 'Tab → 计算器');
    // reading order: from the top, each Tab stop is below, or on the same line to the right of, the one before
    await page.click(W + '#xj-tab-0');
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await page.locator('#day').focus();
    const stops = [];
    for (let i = 0; i < 14; i++) {
      await page.keyboard.press('Tab');
      const s = await page.evaluate(() => {
        const a = document.querySelector('xianjiao-widget').shadowRoot.activeElement;
        if (!a) return null;
        const b = a.getBoundingClientRect();
        return { id: a.id || a.tagName, x: Math.round(b.left), y: Math.round(b.top), h: Math.round(b.height) };
      });
      if (s) stops.push(s);
    }
    assert(stops.length >= 8, 'Tab reaches the widget: ' + JSON.stringify(stops));
    const back = stops.filter((s, i) => i > 0 && (s.y + s.h / 2 < stops[i - 1].y || (Math.abs(s.y - stops[i - 1].y) < 8 && s.x < stops[i - 1].x)));
    eq(back, [], 'focus moves back up or left: ' + stops.map(s => `${s.id}@${s.x},${s.y}`).join(' '));
    await page.click(W + '#xj-clear');
    eq(await activeId(page), 'xj-clear-no', 'the confirmation opens on 取消');
    await page.keyboard.press('Enter');
    eq(await page.locator(W + '[role=alertdialog]').count(), 0, 'Enter right away cancels');
    await context.close();
  });

  await test('phone: the first screen says today\'s phase and the next item before any control; dates and short names do not break', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true });
    const page = await context.newPage();
    await page.goto(`${origin}/index.html`);
    await page.waitForSelector(W + '[role=tab]');
    const w = await page.evaluate(() => {
      const r = document.querySelector('xianjiao-widget').shadowRoot;
      const where = r.getElementById('xj-where'), first = r.querySelector('button, select, input');
      return { text: where.textContent, whereTop: where.getBoundingClientRect().top, ctlTop: first.getBoundingClientRect().top, bottom: where.getBoundingClientRect().bottom };
    });
    assert(/当前阶段:分析评议/.test(w.text) && /下一项:/.test(w.text), 'where the member is: ' + w.text);
    assert(w.whereTop < w.ctlTop, 'before the controls');
    assert(w.bottom < 844, 'on the first screen');
    // no line break inside a date or a phase name
    await page.click(W + '#xj-large');
    const broken = await page.evaluate(() => {
      const r = document.querySelector('xianjiao-widget').shadowRoot, out = [];
      for (const e of r.querySelectorAll('.nw, td:first-child, .badge, [role=tab]')) {
        const rg = document.createRange(); rg.selectNodeContents(e);
        const lines = new Set([...rg.getClientRects()].map(x => Math.round(x.top)));
        if (lines.size > 1 && e.textContent.length <= 12) out.push(e.textContent);
      }
      return out;
    });
    eq(broken, [], 'broken across lines');
    await context.close();
  });

  await test('calculator: an out-of-range mark is said next to its field; one rater group alone is incomplete; no English or column keys in zh', async () => {
    const { context, page } = await widgetPage(`${origin}/index.html`);
    await page.click(W + '#xj-tab-3');
    await page.fill(W + '#xj-mark-0-0', '999');
    const e = await page.evaluate(() => {
      const r = document.querySelector('xianjiao-widget').shadowRoot, i = r.getElementById('xj-mark-0-0'), m = r.getElementById('xj-mark-0-0-err');
      return { msg: m.textContent, same: m.parentElement === i.parentElement, invalid: i.getAttribute('aria-invalid'), gap: m.getBoundingClientRect().top - i.getBoundingClientRect().bottom };
    });
    assert(/应在 0–\d+ 之间/.test(e.msg) && e.same && e.invalid === 'true' && e.gap < 30, 'error next to the field: ' + JSON.stringify(e));
    const text = await shadowText(page);
    assert(!/rater_group|mark above|expected|[a-z]{4,} [a-z]{3,}/.test(text.replace(/English/g, '')), 'English in zh: ' + text.slice(0, 400));
    const g0 = page.locator(W + 'input[id^=xj-mark-0-]'); // one rater group's whole column
    for (let i = 0; i < await g0.count(); i++) await g0.nth(i).fill('8');
    await page.waitForSelector(W + '#xj-partial', { timeout: 20000 });
    assert((await page.locator(W + '#xj-partial').textContent()).includes('不完整'), 'incomplete said');
    assert(!/结论/.test(await page.locator(W + '[role=tabpanel]').textContent()), 'no outcome from one group');
    await context.close();
  });

  await test('small things: no doubled role label; 已完成 once per item; 转段尚缺 is information, not an error', async () => {
    const { context, page } = await widgetPage(`${origin}/index.html`);
    const opts = await page.locator(W + '#xj-role option').allTextContents();
    eq(opts.filter(o => /^(.+)\(\1/.test(o)), [], 'doubled labels');
    await page.click(W + '#xj-tab-1');
    await page.locator(W + 'ul.items input[type=checkbox]').first().check();
    const twice = await page.evaluate(() => [...document.querySelector('xianjiao-widget').shadowRoot.querySelectorAll('ul.items > li')].map(li => li.textContent).filter(t => (t.match(/已完成/g) || []).length > 1));
    eq(twice, [], '已完成 twice');
    const gate = await page.evaluate(() => { const g = document.querySelector('xianjiao-widget').shadowRoot.querySelector('.gate'); return g && { cls: g.className, red: g.querySelector('.bad') != null, color: getComputedStyle(g).borderTopColor }; });
    assert(gate && !/warn/.test(gate.cls) && !gate.red && gate.color !== 'rgb(153, 27, 27)', 'gate box: ' + JSON.stringify(gate));
    await context.close();
  });

  await test('host page without a viewport meta: detected, the console says the one-line fix (zh first)', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await context.newPage();
    const warns = [];
    page.on('console', m => { if (m.type() === 'warning') warns.push(m.text()); });
    await context.route(`${origin}/old-portal.html`, r => r.fulfill({ status: 200, contentType: 'text/html; charset=utf-8',
      body: '<!doctype html><html><head><meta charset="utf-8"><title>旧门户</title></head><body><table><tr><td><xianjiao-widget rules="pkg/rules/guanba.rules.json" unit="社区" today="2005-08-30"></xianjiao-widget></td></tr></table><script type="module" src="pkg/xianjiao.js"></script></body></html>' }));
    await page.goto(`${origin}/old-portal.html`);
    await page.waitForSelector(W + '[role=tab]');
    eq(await page.getAttribute('xianjiao-widget', 'data-viewport'), 'missing', 'marked');
    const w = warns.find(x => x.includes('viewport'));
    assert(w && /^xianjiao: 此网页缺少 <meta name="viewport" content="width=device-width, initial-scale=1">/.test(w), 'console: ' + warns.join(' | '));
    assert(fs.readFileSync(path.join(root, 'wasm/js/DEPLOY.md'), 'utf8').includes('<meta name="viewport" content="width=device-width, initial-scale=1">'), 'DEPLOY.md explains it');
    await context.close();
  });
}

/**
 * Issue 22's screenshots: 390 px and 1366 px, normal and 200 % text, zh and en,
 * every tab in every state (empty, partial, done, error), into tests/out/members/.
 * Also a mobile-profile timing (Lighthouse's: 150 ms RTT, 1.6 Mbps, 4× CPU, gzip).
 */
export async function memberShots({ browser, test, assert, eq, origin, root, out }) {
  const read = (p) => fs.readFileSync(path.join(root, p), 'utf8');
  await test('screenshots (issue 22): 390/1366 px × 100/200 % text × zh/en × empty/partial/done/error × every tab; no sideways scrolling', async () => {
    const dir = path.join(out, 'members');
    fs.mkdirSync(dir, { recursive: true });
    const wide = [];
    let n = 0;
    for (const [w, h, mobile] of [[390, 844, true], [1366, 768, false]]) {
      for (const zoom of [100, 200]) {
        for (const lang of ['zh', 'en']) {
          const context = await browser.newContext({ viewport: { width: w, height: h }, isMobile: mobile, deviceScaleFactor: 1 });
          const page = await context.newPage();
          await page.goto(`${origin}/index.html`);
          await page.waitForSelector(W + '[role=tab]');
          if (zoom === 200) await page.addStyleTag({ content: 'html { font-size: 200% !important } body { font-size: 32px !important }' });
          if (lang === 'en') await page.click(W + '#xj-lang');
          for (const st of ['empty', 'partial', 'done', 'error']) {
            if (st === 'partial') {
              await page.click(W + '#xj-tab-1'); await page.locator(W + 'ul.items input[type=checkbox]').first().check();
              await page.click(W + '#xj-tab-2'); await page.fill(W + '#xj-draft', read(SHORT));
              await page.click(W + '#xj-tab-3'); await page.fill(W + '#xj-mark-0-0', '8');
            }
            if (st === 'done') {
              await page.click(W + '#xj-tab-1');
              const boxes = page.locator(W + 'ul.items input[type=checkbox]');
              for (let i = 0; i < await boxes.count(); i++) await boxes.nth(i).check();
              await page.click(W + '#xj-tab-2'); await page.fill(W + '#xj-draft', read(PASS));
              await page.click(W + '#xj-tab-3');
              const marks = page.locator(W + 'input[id^=xj-mark-]');
              for (let i = 0; i < await marks.count(); i++) await marks.nth(i).fill('9');
              const tiers = page.locator(W + '[id^=xj-tier-]');
              for (let i = 0; i < await tiers.count(); i++) await tiers.nth(i).fill(String([40, 15, 3][i] ?? 1));
            }
            if (st === 'error') {
              await page.click(W + '#xj-tab-2'); await page.fill(W + '#xj-draft', '存在的问题:学习不够。');
              await page.click(W + '#xj-tab-3'); await page.fill(W + '#xj-mark-0-0', '999');
            }
            await page.waitForTimeout(50);
            for (const [i, name] of ['schedule', 'checklist', 'material', 'calculator'].entries()) {
              await page.click(W + `#xj-tab-${i}`);
              const file = `${name}-${st}-${w}-${zoom}-${lang}.png`;
              await page.locator('xianjiao-widget').screenshot({ path: path.join(dir, file) });
              n++;
              const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
              if (overflow > 1) wide.push(`${file}: ${overflow}px`);
            }
          }
          await context.close();
        }
      }
    }
    console.log(`      ${n} screenshots in tests/out/members/`);
    eq(wide, [], 'sideways scrolling');
  });

  await test('speed (issue 22): time to a rendered widget on the mobile profile (150 ms RTT, 1.6 Mbps, 4× CPU, gzip), median of 5 → tests/out/mobile-timing.json', async () => {
    const zlib = await import('node:zlib');
    const http = await import('node:http');
    // gzip from the server, as a portal's would (serve.mjs sends plain bytes): www/ on a loopback port of its own
    const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
    const www = path.join(root, 'www');
    const gz = http.createServer((req, res) => {
      const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      const file = path.normalize(path.join(www, rel));
      if (!file.startsWith(www) || !fs.existsSync(file) || !fs.statSync(file).isFile()) { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream', 'content-encoding': 'gzip', 'cache-control': 'no-store' });
      res.end(zlib.gzipSync(fs.readFileSync(file), { level: 9 }));
    });
    await new Promise(r => gz.listen(0, '127.0.0.1', r));
    const gzOrigin = `http://127.0.0.1:${gz.address().port}`;
    const runs = [];
    for (let i = 0; i < 5; i++) {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 1.6 * 1024 * 1024 / 8, uploadThroughput: 750 * 1024 / 8 });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      const t0 = Date.now();
      await page.goto(`${gzOrigin}/index.html`, { waitUntil: 'commit' });
      await page.waitForSelector(W + '[role=tab]', { timeout: 60000 });
      const ms = Date.now() - t0;
      const nav = await page.evaluate(() => Math.round(performance.now()));
      runs.push({ ms, sinceNavigationStart: nav });
      await context.close();
    }
    gz.close();
    const sorted = runs.map(r => r.ms).sort((a, b) => a - b);
    const median = sorted[2];
    fs.writeFileSync(path.join(out, 'mobile-timing.json'), JSON.stringify({ profile: { rttMs: 150, downMbps: 1.6, cpuSlowdown: 4, gzip: true }, runs, medianMs: median, goalMs: 2000 }, null, 2));
    console.log(`      mobile profile: time to a rendered widget ${sorted.join(', ')} ms (median ${median} ms; goal 2000 ms)`);
    assert(median < 15000, 'rendered at all on the mobile profile');
  });
}

// Member-widget tests of issues 8 and 10, run by run.mjs: keyboard focus,
// local date, confirmed clear with undo, text and target sizes, English
// findings, strict CSP, blocked wasm, print without a popup, two widgets,
// attributes over saved state, parents from other origins, wasm traps,
// a missing parent, axe-core on every tab, screenshots; then widget-members.mjs
// (issue 22: members on a phone, at large text, by keyboard, with a full storage).
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { memberTests, memberShots } from './widget-members.mjs';

const W = 'xianjiao-widget >> ';
const SR = "document.querySelector('xianjiao-widget').shadowRoot";

export async function widgetTests({ browser, test, assert, eq, origin, cspOrigin, root, out, widgetPage }) {
  const active = (page) => page.evaluate(() => { const a = document.querySelector('xianjiao-widget').shadowRoot.activeElement; return a ? a.id : (document.activeElement || {}).tagName; });
  /** A page served on `origin` made of `html` (for pages the repository does not ship). */
  async function routedPage(context, url, html) {
    await context.route(url, r => r.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
  }

  // Issue 12: what a member's browser downloads before the widget renders guanba
  // (the demo page, compiled rules, the script-free engine), against 250 KB gzip;
  // the full engine (Rhai) comes only when guanba's outcome function is needed.
  await test('first load: ≤ 250 KB gzip before the widget renders guanba; the full engine loads only for the outcome function', async () => {
    const zlib = await import('node:zlib');
    const context = await browser.newContext({ viewport: { width: 1100, height: 1300 } });
    const page = await context.newPage();
    const got = [];
    page.on('response', async (r) => {
      const entry = { url: r.url(), t: Date.now(), bytes: null };
      got.push(entry);
      try { entry.bytes = zlib.gzipSync(await r.body(), { level: 9 }).length; } catch (_) { entry.bytes = 0; }
    });
    await page.goto(`${origin}/index.html`);
    await page.waitForSelector(W + '[role=tab]');
    const rendered = Date.now();
    await page.waitForTimeout(300); // bodies of responses already received
    const before = got.filter(x => x.t <= rendered);
    const total = before.reduce((a, x) => a + (x.bytes || 0), 0);
    const show = before.map(x => `${new URL(x.url).pathname} ${x.bytes}`).join(', ');
    console.log(`      before the widget renders guanba: ${total} B gzip in ${before.length} responses (${show})`);
    fs.writeFileSync(path.join(out, 'first-load.json'), JSON.stringify({ total, responses: before.map(x => ({ path: new URL(x.url).pathname, gzip: x.bytes })) }, null, 2));
    assert(total <= 250_000, `first load ${total} B gzip > 250,000 B: ${show}`);
    assert(!got.some(x => /xianjiao_full/.test(x.url)), 'the full engine was loaded before it was needed');
    // the calculator: guanba's outcome is a rule function → the full engine, then the result
    await page.click(W + '#xj-tab-3');
    const marks = page.locator(W + 'input[id^=xj-mark-]'); // every rater group: one group alone is an incomplete composite, without an outcome
    const n = await marks.count();
    for (let i = 0; i < n; i++) await marks.nth(i).fill('8');
    await page.waitForFunction(() => /综合得分: [\d.]+ · 结论/.test(document.querySelector('xianjiao-widget').shadowRoot.textContent), null, { timeout: 20000 });
    assert(got.some(x => /xianjiao_full_bg\.wasm/.test(x.url)), 'the full engine was loaded for the outcome function');
    const text = await page.locator(W + '[role=tabpanel]').textContent();
    assert(!/engine\.needs_script|完整引擎/.test(text), 'loading message left: ' + text.slice(-200));
    await context.close();
  });

  await test('keyboard: focus stays on every control after it changes the widget', async () => {
    const { context, page, errors } = await widgetPage(`${origin}/index.html`);
    const steps = [];
    const expect = async (id, what) => { const a = await active(page); steps.push(`${what}: ${a}`); eq(a, id, `${what}: focus`); };
    await page.focus(W + '#xj-role');
    const before = await page.inputValue(W + '#xj-role');
    await page.keyboard.press('ArrowDown');
    assert(await page.inputValue(W + '#xj-role') !== before, 'ArrowDown changed the role');
    await expect('xj-role', 'ArrowDown on 我的角色');
    await page.focus(W + '#xj-unit');
    await page.keyboard.press('ArrowDown');
    await expect('xj-unit', 'ArrowDown on 单位类型');
    await page.focus(W + '#xj-conds > summary');
    await page.keyboard.press('Enter'); // 个人情况 is folded until opened
    await page.focus(W + '#xj-cond-0');
    await page.keyboard.press('Space');
    assert(await page.isChecked(W + '#xj-cond-0'), 'Space ticked 个人情况');
    await expect('xj-cond-0', 'Space on 个人情况');
    await page.focus(W + '#xj-large');
    await page.keyboard.press('Enter');
    eq(await page.getAttribute(W + '#xj-large', 'aria-pressed'), 'true', '大字 pressed');
    await expect('xj-large', 'Enter on 大字');
    await page.keyboard.press('Enter');
    await expect('xj-large', 'Enter on 大字 again');
    await page.focus(W + '#xj-lang');
    await page.keyboard.press('Enter');
    eq((await page.textContent(W + '#xj-lang')).trim(), '中文', 'English on');
    await expect('xj-lang', 'Enter on English');
    await page.keyboard.press('Enter');
    await expect('xj-lang', 'Enter on 中文');
    await page.focus(W + '#xj-tab-0');
    await page.keyboard.press('ArrowRight');
    await expect('xj-tab-1', 'ArrowRight on the tabs');
    const box = page.locator(W + 'ul.items input[type=checkbox]').first();
    const boxId = await box.getAttribute('id');
    await box.focus();
    await page.keyboard.press('Space');
    await expect(boxId, 'Space on a checklist box');
    await page.click(W + '#xj-tab-2');
    await page.focus(W + '#xj-kind');
    await page.keyboard.press('ArrowDown');
    await expect('xj-kind', 'ArrowDown on 材料种类');
    await page.click(W + '#xj-tab-3');
    for (const id of ['xj-form', 'xj-vote']) {
      if (!await page.locator(W + '#' + id).count()) continue;
      await page.focus(W + '#' + id);
      await page.keyboard.press('ArrowDown');
      await expect(id, `ArrowDown on #${id}`);
    }
    await page.focus(W + '#xj-mark-0-0');
    await page.keyboard.type('9');
    await expect('xj-mark-0-0', 'typing a mark');
    await page.focus(W + '#xj-clear');
    await page.keyboard.press('Enter');
    await expect('xj-clear-no', 'Enter on 清除我的数据 moves to the confirmation, on 取消 (never on 确定清除)');
    await page.keyboard.press('Enter');
    await expect('xj-clear', 'Cancel returns to 清除我的数据');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await expect('xj-clear', 'Escape closes the confirmation');
    eq(await page.locator(W + '[role=alertdialog]').count(), 0, 'confirmation closed');
    eq(errors, [], 'page errors');
    await context.close();
  });

  await test('today is the member\'s local day: 07:30 in Beijing is already the next day', async () => {
    const context = await browser.newContext({ timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    await page.clock.setFixedTime(new Date('2005-08-29T23:30:00Z')); // 2005-08-30 07:30 Beijing, 2005-08-29 in UTC
    await routedPage(context, `${origin}/tz.html`, `<!doctype html><meta charset="utf-8"><xianjiao-widget rules="rules/guanba.rhai" unit="机关"></xianjiao-widget><script type="module" src="pkg/xianjiao.js"></script>`);
    await page.goto(`${origin}/tz.html`);
    await page.waitForSelector(W + '[role=tab]');
    const text = await page.locator(W + '.root').textContent();
    assert(text.includes('今天: 2005-08-30'), 'shows 2005-08-30: ' + text.slice(0, 200));
    const due = await page.locator(W + '[role=tabpanel] p').last().textContent();
    assert(due.includes('通报评议情况'), 'a step starting on 08-30 is in progress: ' + due);
    // the today attribute still wins
    await page.evaluate(() => document.querySelector('xianjiao-widget').setAttribute('today', '2005-08-16'));
    assert((await page.locator(W + '.root').textContent()).includes('今天: 2005-08-16'), 'today attribute wins');
    await context.close();
  });

  await test('清除我的数据 asks first, and 撤销 brings everything back', async () => {
    const { context, page, errors } = await widgetPage(`${origin}/index.html`);
    await page.click(W + '#xj-tab-1');
    await page.locator(W + 'ul.items input[type=checkbox]').first().check();
    await page.click(W + '#xj-tab-2');
    await page.fill(W + '#xj-draft', '存在的问题:学习不够。');
    await page.waitForTimeout(100);
    const keys = () => page.evaluate(() => Object.keys(localStorage).filter(k => k.startsWith('xianjiao:')).length);
    await page.click(W + '#xj-clear');
    assert(await page.locator(W + '[role=alertdialog]').isVisible(), 'confirmation shown');
    eq(await page.inputValue(W + '#xj-draft'), '存在的问题:学习不够。', 'nothing cleared before confirming');
    eq(await keys(), 1, 'saved data still there');
    await page.click(W + '#xj-clear-no');
    eq(await page.locator(W + '[role=alertdialog]').count(), 0, 'cancel closes the confirmation');
    await page.click(W + '#xj-clear');
    await page.click(W + '#xj-clear-yes');
    eq(await page.inputValue(W + '#xj-draft'), '', 'draft cleared');
    eq(await keys(), 0, 'localStorage cleared');
    assert((await page.locator(W + '.notice').textContent()).includes('已清除'), 'says it cleared');
    await page.click(W + '#xj-undo');
    eq(await page.inputValue(W + '#xj-draft'), '存在的问题:学习不够。', 'draft back after undo');
    eq(await keys(), 1, 'saved data back after undo');
    await page.reload();
    await page.waitForSelector(W + '[role=tab]');
    await page.click(W + '#xj-tab-2');
    eq(await page.inputValue(W + '#xj-draft'), '存在的问题:学习不够。', 'draft survives a reload after undo');
    await page.click(W + '#xj-tab-1');
    assert(await page.locator(W + 'ul.items input[type=checkbox]').first().isChecked(), 'tick back after undo');
    eq(errors, [], 'page errors');
    await context.close();
  });

  /** Fills every tab with something to show (draft with findings, marks, votes) and opens the n/a list. */
  async function fillAll(page) {
    await page.click(W + '#xj-tab-2');
    await page.fill(W + '#xj-draft', fs.readFileSync(path.join(root, 'tests/golden/material-guanba-member-short-objective/draft.txt'), 'utf8'));
    await page.click(W + '#xj-tab-3');
    const inputs = page.locator(W + 'table input[type=number]');
    const n = await inputs.count();
    for (let i = 0; i < Math.min(n, 24); i++) await inputs.nth(i).fill(Math.floor(i / 3) === 7 ? '27' : '9');
    const tiers = page.locator(W + '[id^=xj-tier-]');
    for (let i = 0; i < await tiers.count(); i++) await tiers.nth(i).fill(String([40, 15, 3][i] ?? 1));
  }

  await test('text >= 16 px and targets >= 44x44 px on every tab, normal and large text, inside a 10.8 px portal', async () => {
    const { context, page } = await widgetPage(`${origin}/index.html`);
    await page.addStyleTag({ content: 'html { font-size: 12px } body { font-size: 10.8px !important }' });
    await fillAll(page);
    const bad = [];
    let counted = { text: 0, targets: 0 };
    for (const large of [false, true]) {
      if (large) await page.click(W + '#xj-large');
      eq(await page.getAttribute(W + '#xj-large', 'aria-pressed'), String(large), 'aria-pressed follows 大字');
      for (let i = 0; i < 4; i++) {
        await page.click(W + `#xj-tab-${i}`);
        const d = page.locator(W + 'details');
        if (await d.count()) await d.evaluateAll(xs => xs.forEach(x => { x.open = true; }));
        const r = await page.evaluate((minText) => {
          const root = document.querySelector('xianjiao-widget').shadowRoot;
          const out = [];
          let text = 0, targets = 0;
          const walk = (n) => {
            for (const c of n.childNodes) {
              if (c.nodeType === 3 && c.textContent.trim() && c.parentElement) {
                const cs = getComputedStyle(c.parentElement);
                if (cs.display === 'none' || c.parentElement.closest('option')) continue;
                text++;
                if (parseFloat(cs.fontSize) < minText - 0.01) out.push(`text ${cs.fontSize} "${c.textContent.trim().slice(0, 16)}"`);
              } else if (c.nodeType === 1) walk(c);
            }
          };
          walk(root);
          for (const el of root.querySelectorAll('button, select, input, textarea, summary, a[href]')) {
            let r = el.getBoundingClientRect();
            if (el.type === 'checkbox' || el.type === 'radio') { const l = el.closest('label') || (el.labels && el.labels[0]); if (l) r = l.getBoundingClientRect(); }
            if (!r.width && !r.height) continue;
            targets++;
            if (r.width < 43.5 || r.height < 43.5) out.push(`target ${Math.round(r.width)}x${Math.round(r.height)} ${el.tagName.toLowerCase()}#${el.id || ''} "${(el.textContent || '').trim().slice(0, 12)}"`);
          }
          const fs0 = parseFloat(getComputedStyle(root.querySelector('.root')).fontSize);
          return { out, text, targets, fs0 };
        }, large ? 20 : 16);
        counted.text += r.text; counted.targets += r.targets;
        bad.push(...r.out.map(x => `${large ? 'large' : 'normal'} tab ${i}: ${x}`));
        assert(r.fs0 >= (large ? 20 : 16), `base size ${r.fs0}`);
      }
    }
    // the pressed state is visible, not only announced
    const pressed = await page.locator(W + '#xj-large').evaluate(b => getComputedStyle(b).backgroundColor);
    await page.click(W + '#xj-large');
    const unpressed = await page.locator(W + '#xj-large').evaluate(b => getComputedStyle(b).backgroundColor);
    assert(pressed !== unpressed, `大字 looks the same pressed and not: ${pressed}`);
    console.log(`      ${counted.text} text nodes and ${counted.targets} targets measured`);
    eq(bad.slice(0, 20), [], 'too small');
    await context.close();
  });

  await test('schedule: past steps are 已结束, not red 已逾期; 转段 names requirements; 不适用 explains; computed items are not boxes; vote result worded', async () => {
    const { context, page } = await widgetPage(`${origin}/index.html`);
    const sched = await page.locator(W + '[role=tabpanel]').textContent();
    assert(!sched.includes('已逾期'), 'schedule shows 已逾期');
    assert(sched.includes('已结束'), 'past steps shown as 已结束');
    await page.click(W + '#xj-tab-1');
    const gate = await page.locator(W + '[role=tabpanel] .gate').first().textContent();
    const blocking = await page.locator(W + '[role=tabpanel] .gate li').allTextContents();
    const reqs = await page.evaluate(() => document.querySelector('xianjiao-widget').rules.requirements.map(q => [q.id, q.label]));
    const labels = reqs.map(q => q[1]), ids = reqs.filter(q => q[0] !== q[1]).map(q => q[0]);
    assert(gate.includes('转段尚缺') && blocking.length > 0 && blocking.every(b => labels.includes(b)) && !blocking.some(b => ids.includes(b)), 'gate lists labels: ' + blocking);
    await page.selectOption(W + '#xj-role', '离退休党员');
    const sum = await page.locator(W + '[role=tabpanel] details summary').textContent();
    assert(/另有 \d+ 项不适用于“离退休党员\(离退休职工党员\)”/.test(sum), 'n/a summary (the role as the select shows it): ' + sum);
    await page.click(W + '[role=tabpanel] details summary');
    assert((await page.locator(W + 'details li').first().textContent()).includes('仅适用于'), 'n/a items say why');
    // a requirement decided by a rule function (check:) is shown as computed, not as a box
    await page.evaluate(async () => {
      const w = document.querySelector('xianjiao-widget');
        const get = async (f) => (await fetch('rules/' + f)).text();
      await w.loadSources({ 'central.rhai': await get('central.rhai'),
        'guanba.rhai': (await get('guanba.rhai')) + '\nfn 学习合格(p) { false }\nrequire("学习合格", #{ phase: "分析评议", label: "学习合格(由学时等自动判定)", check: "学习合格" });\n' }, 'guanba.rhai');
    });
    await page.click(W + '#xj-tab-1');
    await page.selectOption(W + '#xj-role', '党员');
    eq(await page.locator(W + '#xj-req-学习合格').count(), 0, 'computed item has no input');
    const li = await page.locator(W + 'ul.items > li', { hasText: '学习合格(' }).textContent();
    assert(li.includes('自动判定') && li.includes('无需勾选'), 'computed item shown as computed: ' + li);
    await page.evaluate(() => { const w = document.querySelector('xianjiao-widget'); w.setAttribute('unit', '机关'); w.setAttribute('today', '2005-02-20'); w.setAttribute('rules', 'rules/guangan.rhai'); });
    await page.waitForFunction(() => document.querySelector('xianjiao-widget').shadowRoot.querySelector('#xj-tab-3'));
    // batch attribute: a batch whose dates the rules leave open says so instead of printing null
    await page.evaluate(() => document.querySelector('xianjiao-widget').setAttribute('batch', '第三批'));
    await page.click(W + '#xj-tab-0');
    const b3 = await page.locator(W + '[role=tabpanel]').textContent();
    assert(b3.includes('日期待定') && !b3.includes('null'), 'batch 第三批: ' + b3.slice(0, 160));
    await page.evaluate(() => document.querySelector('xianjiao-widget').removeAttribute('batch'));
    await page.click(W + '#xj-tab-3');
    await page.selectOption(W + '#xj-vote', '满意度测评');
    const tiers = page.locator(W + '[id^=xj-tier-]');
    await tiers.nth(0).fill('90'); await tiers.nth(1).fill('5'); await tiers.nth(2).fill('5');
    const vote = await page.locator(W + '[role=tabpanel]').textContent();
    assert(/满意和基本满意率 95%,(未低于 \d+%,不需|\(本地规则未设触发线\))/.test(vote) && !/✓/.test(vote), 'vote result worded: ' + vote.slice(-120));
    // a vote with a threshold says what the number means
    const said = await page.evaluate(async () => {
      const m = await import('/pkg/xianjiao.js');
      const v = { rate_of: ['满意', '基本满意'], below: 80, action: '重写' };
      return [m.xjVote(m.word, 'zh', v, { rate: 95, triggered: false }), m.xjVote(m.word, 'zh', v, { rate: 70.04, triggered: true }), m.xjVote(m.word, 'en', v, { rate: 95, triggered: false })];
    });
    eq(said, ['满意和基本满意率 95%,未低于 80%,不需重写', '满意和基本满意率 70%,低于 80%,需重写', 'Rate of 满意 + 基本满意: 95%, not below 80%: no 重写 needed'], 'vote wording');
    await context.close();
  });

  await test('a flagged phrase repeated in a draft: one line in the findings, a highlight at every place', async () => {
    const { context, page } = await widgetPage(`${origin}/index.html`);
    await page.click(W + '#xj-tab-2');
    // 客观原因 three times (the negated fourth is no place), 工作太忙 twice.
    await page.fill(W + '#xj-draft', '存在的问题:学习不够。客观原因是工作太忙。又是客观原因,还是客观原因。我从不讲客观原因。工作太忙。');
    await page.waitForFunction(() => document.querySelector('xianjiao-widget').shadowRoot.querySelectorAll('.preview mark').length >= 5);
    const lines = await page.locator(W + 'ul.findings li .finding > span:last-child').allTextContents();
    eq(lines.filter(x => x.startsWith('“客观原因”')).length, 1, 'one line for 客观原因: ' + lines);
    eq(lines.filter(x => x.startsWith('“工作太忙”')).length, 1, 'one line for 工作太忙: ' + lines);
    const marks = await page.locator(W + '.preview mark').evaluateAll(ms => ms.map(m => [m.textContent, m.title]));
    eq(marks.map(m => m[0]), ['客观原因', '工作太忙', '客观原因', '客观原因', '工作太忙'], 'every place highlighted, in text order');
    assert(marks.every(m => m[1].startsWith(`“${m[0]}”`)), 'each mark titled with its finding: ' + marks.map(m => m[1]));
    await context.close();
  });

  await test('English mode: checklist reasons and material findings in English; zh wording equals the engine\'s', async () => {
    const { context, page } = await widgetPage(`${origin}/index.html`);
    await page.click(W + '#xj-lang');
    await page.click(W + '#xj-tab-1');
    const why = await page.locator(W + 'ul.items > li .muted').allTextContents();
    assert(why.some(w => /Not done yet|the deadline .* has passed|due \d{4}/.test(w)), 'English reasons: ' + why.slice(0, 3));
    assert(!why.some(w => /尚未完成|已过截止日期|截止 \d/.test(w)), 'Chinese engine reasons in English mode: ' + why.join(' | '));
    await page.click(W + '#xj-tab-2');
    await page.fill(W + '#xj-draft', '存在的问题:学习不够。客观原因是工作忙。');
    await page.waitForFunction(() => document.querySelector('xianjiao-widget').shadowRoot.querySelector('ul.findings'));
    const f = await page.locator(W + 'ul.findings li .finding > span:last-child').allTextContents();
    assert(f.some(x => /characters; the minimum for 党员 is 2000/.test(x)), 'chars.short in English: ' + f);
    assert(f.some(x => /^The part “.+” is missing/.test(x)), 'part.missing in English: ' + f);
    assert(!f.some(x => /字数|缺少|未涉及|部分缺少/.test(x)), 'Chinese template left: ' + f);
    const lang = await page.locator(W + '.root').getAttribute('lang');
    eq(lang, 'en', 'root lang');
    // zh catalogue gives exactly the engine's text, for every golden material and checklist case
    const cases = fs.readdirSync(path.join(root, 'tests/golden')).filter(d => /^(material|checklist)-/.test(d));
    const plans = cases.map(d => {
      const args = fs.readFileSync(path.join(root, 'tests/golden', d, 'args'), 'utf8').trim().split(/\s+/);
      const opt = (k) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : undefined; };
      const rel = (p) => p && p.replace('{dir}', 'tests/golden/' + d);
      return { d, cmd: args[0], rules: rel(opt('--rules')), kind: opt('--kind'), role: opt('--role'), on: opt('--on'),
        profile: opt('--profile') && fs.readFileSync(path.join(root, rel(opt('--profile'))), 'utf8'),
        draft: args[0] === 'material' ? fs.readFileSync(path.join(root, rel(args.filter(a => !a.startsWith('--')).pop())), 'utf8') : null };
    });
    const diffs = await page.evaluate(async (plans) => {
      const m = await import('/pkg/xianjiao.js');
      await m.default();
      const full = await import('/pkg/xianjiao_full.js'); // the engine with Rhai reads .rhai files
      await full.default();
      const out = [];
      let compared = 0;
      // the fixed Chinese wording of the catalogue, which must never show in English
      const cat = JSON.parse(full.messageCatalogue()); // (the script-free build leaves messageCatalogue out: the widget does not use it)
      const frags = Object.entries(cat.zh).filter(([c]) => !c.startsWith('sep.'))
        .flatMap(([, t]) => t.split(/\{[^}]*\}/)).map(x => x.replace(/^[^\u4e00-\u9fff]+|[^\u4e00-\u9fff]+$/g, '')).filter(x => x.length >= 2);
      for (const p of plans) {
        const { sources, entry } = await m.fetchRules('/' + p.rules);
        const e = new full.Engine(sources, entry);
        const rules = e.rules();
        try { p.cmd === 'material' ? e.checkMaterial(p.kind, p.role, p.draft) : e.checklist(Object.assign(JSON.parse(p.profile), { on: p.on })); }
        catch (_) { e.free(); continue; } // a case the golden test itself reports
        compared++;
        if (p.cmd === 'material') {
          const r = e.checkMaterial(p.kind, p.role, p.draft);
          for (const f of r.findings) { const t = m.word('zh', f.msg); if (t !== f.message) out.push(`${p.d}: ${f.code}: ${t} ≠ ${f.message}`); }
          for (const f of m.xjFindings(m.word, 'en', r)) {
            const left = frags.filter(x => f.text.includes(x));
            if (left.length || /^[a-z_.]+\(/.test(f.text)) out.push(`${p.d}: en ${f.code}: ${f.text} (${left})`);
          }
        } else {
          const c = e.checklist(Object.assign(JSON.parse(p.profile), { on: p.on }));
          for (const it of c.items) {
            const t = m.word('zh', it.why); if (t !== it.reason) out.push(`${p.d}: ${it.id}: ${t} ≠ ${it.reason}`);
            const en = m.xjItemReason(m.word, 'en', it); const left = frags.filter(x => en.includes(x));
            if (left.length) out.push(`${p.d}: en ${it.id}: ${en} (${left})`);
          }
        }
        e.free();
      }
      return { out, compared };
    }, plans.filter(p => p.rules));
    eq(diffs.out, [], 'catalogue zh differs from the engine');
    assert(diffs.compared >= 5, `only ${diffs.compared} golden cases compared`);
    console.log(`      zh catalogue equals the engine's wording in ${diffs.compared} of ${plans.length} golden material/checklist cases`);
    await context.close();
  });

  await test('strict CSP without \'unsafe-inline\': styled, no violations', async () => {
    const { context, page, errors } = await widgetPage(`${cspOrigin}/embed.html`);
    const csp = (await page.request.get(`${cspOrigin}/embed.html`)).headers()['content-security-policy'];
    assert(!csp.includes('unsafe-inline') && /style-src 'self'/.test(csp), 'served without unsafe-inline: ' + csp);
    const st = await page.locator(W + '#xj-large').evaluate(b => { const c = getComputedStyle(b); return { h: b.getBoundingClientRect().height, bg: c.backgroundColor }; });
    assert(st.h >= 44 && st.bg === 'rgb(243, 244, 246)', 'widget styles applied under CSP: ' + JSON.stringify(st));
    await page.click(W + '#xj-tab-2');
    await page.fill(W + '#xj-draft', '存在的问题:学习不够。');
    // The bar exists before the typed text is checked (0% for an empty draft): wait for the re-check.
    const ok = await page.waitForFunction(() => {
      const s = document.querySelector('xianjiao-widget').shadowRoot.querySelector('.meter span');
      return s && s.getBoundingClientRect().width > 0;
    }, null, { timeout: 5000 }).then(() => true, () => false);
    assert(ok, 'progress bar width set under CSP');
    eq(errors.filter(e => /Content Security Policy|Refused/.test(e)), [], 'CSP violations');
    await context.close();
  });

  await test('CSP without \'wasm-unsafe-eval\': a Chinese message says what to add', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${cspOrigin}/embed.html?csp=nowasm`);
    await page.waitForSelector(W + '[role=alert]', { timeout: 20000 });
    const msg = await page.locator(W + '[role=alert]').textContent();
    assert(msg.includes('内容安全策略') && msg.includes("'wasm-unsafe-eval'") && !/CompileError/.test(msg), 'message: ' + msg);
    // with JS off the portal shows the light-DOM fallback text
    const ctx2 = await browser.newContext({ javaScriptEnabled: false });
    const p2 = await ctx2.newPage();
    await p2.goto(`${cspOrigin}/embed.html`);
    assert((await p2.locator('xianjiao-widget').innerText()).includes('JavaScript'), 'fallback text without JS');
    await ctx2.close();
    await context.close();
  });

  await test('print: report with name, unit, date and signature lines; popup blocked → printed in the page', async () => {
    const { context, page } = await widgetPage(`${origin}/index.html`);
    await page.evaluate(() => { window.print = () => {}; });
    const [popup] = await Promise.all([context.waitForEvent('page'), page.click(W + '#xj-print')]);
    await popup.waitForLoadState();
    const info = await popup.evaluate(() => ({ lang: document.documentElement.lang, text: document.body.innerText }));
    eq(info.lang, 'zh-CN', 'report lang');
    for (const s of ['姓名', '所在党支部', '单位类型', '日期', '本人签名', '党支部意见', '社区']) assert(info.text.includes(s), `report lacks ${s}`);
    await popup.screenshot({ path: path.join(out, 'print-report.png'), fullPage: true });
    await popup.close();
    // popup blocked: printed from a hidden frame of its own (no portal CSS); the page itself is left as it is
    await page.evaluate(() => { window.open = () => null; });
    await page.click(W + '#xj-print');
    const r = await page.evaluate(() => { const f = document.querySelector('body > iframe.xj-print'); return f && { text: f.contentDocument.body.innerText, w: f.getBoundingClientRect().width }; });
    assert(r && r.text.includes('自查报告') && r.text.includes('本人签名'), 'in-frame report: ' + JSON.stringify(r).slice(0, 200));
    eq(r.w, 0, 'the print frame takes no room on screen');
    await page.screenshot({ path: path.join(out, 'print-in-frame.png'), fullPage: true });
    await context.close();
  });

  await test('two widgets on one page keep separate drafts; page attributes win after a reload', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1200 } });
    const page = await context.newPage();
    await routedPage(context, `${origin}/two.html`, `<!doctype html><meta charset="utf-8"><body>
      <xianjiao-widget id="a" rules="rules/guanba.rhai" unit="机关" today="2005-08-23"></xianjiao-widget>
      <xianjiao-widget id="b" rules="rules/guanba.rhai" unit="社区" today="2005-08-30"></xianjiao-widget>
      <script type="module" src="pkg/xianjiao.js"></script></body>`);
    await page.goto(`${origin}/two.html`);
    await page.waitForSelector('#b >> [role=tab]');
    for (const [id, text] of [['a', '机关的草稿'], ['b', '社区的草稿']]) { await page.click(`#${id} >> #xj-tab-2`); await page.fill(`#${id} >> #xj-draft`, text); }
    await page.selectOption('#b >> #xj-unit', '农村');
    await page.waitForTimeout(100);
    await page.reload();
    await page.waitForSelector('#b >> [role=tab]');
    for (const [id, text] of [['a', '机关的草稿'], ['b', '社区的草稿']]) { await page.click(`#${id} >> #xj-tab-2`); eq(await page.inputValue(`#${id} >> #xj-draft`), text, `widget ${id} draft`); }
    eq(await page.inputValue('#b >> #xj-unit'), '社区', 'unit attribute wins over the saved unit');
    eq(await page.inputValue('#a >> #xj-unit'), '机关', 'unit attribute of the other widget');
    const keys = await page.evaluate(() => Object.keys(localStorage).filter(k => k.startsWith('xianjiao:')).sort());
    eq(keys.length, 2, 'one key per widget: ' + keys);
    assert(keys.every(k => k.includes(origin + '/rules/guanba.rhai|')), 'keys hold the resolved URL and unit: ' + keys);
    await context.close();
  });

  await test('parents from another origin or outside the entry\'s directory are refused without a request', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests = [];
    page.on('request', r => requests.push(r.url()));
    await context.route('http://other.example/**', r => r.fulfill({ status: 200, body: 'role("x");' }));
    await context.route(`${origin}/evil/x.rhai`, r => r.fulfill({ status: 200, contentType: 'text/plain', body: 'extends("http://other.example/x.rhai");\nrole("党员");\n' }));
    await context.route(`${origin}/evil/y.rhai`, r => r.fulfill({ status: 200, contentType: 'text/plain', body: 'extends("../rules/central.rhai");\nrole("党员");\n' }));
    for (const f of ['x', 'y']) {
      await routedPage(context, `${origin}/evil-${f}.html`, `<!doctype html><meta charset="utf-8"><xianjiao-widget rules="evil/${f}.rhai"></xianjiao-widget><script type="module" src="pkg/xianjiao.js"></script>`);
      await page.goto(`${origin}/evil-${f}.html`);
      await page.waitForSelector(W + '[role=alert]', { timeout: 20000 });
      const msg = await page.locator(W + '[role=alert]').textContent();
      assert(msg.includes('拒绝载入上级规则文件') && msg.includes(f === 'x' ? 'http://other.example/x.rhai' : '../rules/central.rhai'), 'refusal: ' + msg);
    }
    eq(requests.filter(u => !u.startsWith(origin) || u.includes('/rules/central.rhai')), [], 'requests made');
    await context.close();
  });

  await test('a missing parent gives one message naming it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const guanba = fs.readFileSync(path.join(root, 'rules/guanba.rhai'), 'utf8');
    await context.route(`${origin}/lonely/guanba.rhai`, r => r.fulfill({ status: 200, contentType: 'text/plain', body: guanba }));
    await routedPage(context, `${origin}/lonely.html`, `<!doctype html><meta charset="utf-8"><xianjiao-widget rules="lonely/guanba.rhai"></xianjiao-widget><script type="module" src="pkg/xianjiao.js"></script>`);
    await page.goto(`${origin}/lonely.html`);
    await page.waitForSelector(W + '[role=alert]', { timeout: 20000 });
    const all = await page.locator(W + '.root').textContent();
    const line = guanba.split('\n').findIndex(l => /^\s*extends\s*\(/.test(l)) + 1;
    assert(all.includes('找不到上级规则文件 central.rhai') && all.includes(`guanba.rhai 第 ${line} 行`), 'message: ' + all);
    eq(await page.locator(W + 'li').count(), 0, 'no list of follow-on diagnostics');
    await context.close();
  });

  await test('a wasm trap starts a fresh instance and says so', async () => {
    const { context, page, requests } = await widgetPage(`${origin}/index.html`);
    await page.click(W + '#xj-tab-2');
    await page.fill(W + '#xj-draft', '存在的问题:学习不够。');
    await page.waitForFunction(() => document.querySelector('xianjiao-widget').shadowRoot.querySelector('#xj-result').textContent.includes('未通过'));
    // A real trap: an Engine pointer far outside linear memory makes the next call fault.
    const trapped = await page.evaluate(() => {
      const w = document.querySelector('xianjiao-widget');
      w.engine.__wbg_ptr = 0x7ffffff0;
      try { w.engine.hasErrors(); return 'no trap'; } catch (e) { return e.constructor.name + ': ' + e.message; }
    });
    assert(/RuntimeError/.test(trapped), 'forced a trap: ' + trapped);
    await page.fill(W + '#xj-draft', '存在的问题:学习还不够。');
    await page.waitForSelector(W + '.notice.warn', { timeout: 10000 });
    const notice = await page.locator(W + '.notice.warn').textContent();
    assert(notice.includes('已自动重新启动'), 'says it restarted: ' + notice);
    assert(requests.some(u => u.includes('xianjiao.js?xj-fresh=1')), 'fresh module loaded');
    await page.fill(W + '#xj-draft', '存在的问题:学习不够深入。');
    await page.waitForFunction(() => /字数 \d+ \/ 最低 2000/.test(document.querySelector('xianjiao-widget').shadowRoot.querySelector('#xj-result').textContent));
    eq(await page.inputValue(W + '#xj-draft'), '存在的问题:学习不够深入。', 'draft kept');
    await context.close();
  });

  await test('axe-core: 0 violations inside the shadow root on every tab (zh, en, large text)', async () => {
    const axePath = path.join(process.env.XIANJIAO_CACHE || path.join(os.homedir(), '.cache/xianjiao'), 'node/node_modules/axe-core/axe.min.js');
    const { context, page } = await widgetPage(`${origin}/index.html`);
    await page.addScriptTag({ path: axePath });
    await fillAll(page);
    const found = [];
    let runs = 0;
    for (const mode of ['zh', 'en', 'large']) {
      if (mode === 'en') await page.click(W + '#xj-lang');
      if (mode === 'large') { await page.click(W + '#xj-lang'); await page.click(W + '#xj-large'); }
      for (let i = 0; i < 4; i++) {
        await page.click(W + `#xj-tab-${i}`);
        const d = page.locator(W + 'details');
        if (await d.count()) await d.evaluateAll(xs => xs.forEach(x => { x.open = true; }));
        const v = await page.evaluate(async () => {
          const r = await window.axe.run({ include: [['xianjiao-widget']] }, { resultTypes: ['violations'] });
          return r.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => JSON.stringify(n.target)).join(' ')}`);
        });
        runs++;
        found.push(...v.map(x => `${mode} tab ${i}: ${x}`));
      }
    }
    // also the clear confirmation and the undo notice
    await page.click(W + '#xj-clear');
    found.push(...(await page.evaluate(async () => (await window.axe.run({ include: [['xianjiao-widget']] })).violations.map(v => 'confirm: ' + v.id))));
    await page.click(W + '#xj-clear-yes');
    found.push(...(await page.evaluate(async () => (await window.axe.run({ include: [['xianjiao-widget']] })).violations.map(v => 'undo: ' + v.id))));
    console.log(`      axe-core ${await page.evaluate(() => window.axe.version)}: ${runs + 2} runs`);
    eq([...new Set(found)], [], 'axe violations');
    await context.close();
  });

  await test('screenshots at 1280 px, 390 px and 200% zoom in zh, en and large text; no sideways scrolling', async () => {
    const shots = [];
    for (const [label, opts] of [['1280', { viewport: { width: 1280, height: 1100 } }], ['390', { viewport: { width: 390, height: 1000 }, deviceScaleFactor: 2, isMobile: true }],
      ['zoom200', { viewport: { width: 640, height: 900 }, deviceScaleFactor: 2 }], ['320', { viewport: { width: 320, height: 1000 } }]]) {
      for (const mode of label === '320' ? ['zh'] : ['zh', 'en', 'large']) {
        const context = await browser.newContext(opts);
        const page = await context.newPage();
        await page.goto(`${origin}/index.html`);
        await page.waitForSelector(W + '[role=tab]');
        await fillAll(page);
        if (mode === 'en') await page.click(W + '#xj-lang');
        if (mode === 'large') await page.click(W + '#xj-large');
        for (const [i, name] of ['schedule', 'checklist', 'material', 'calculator'].entries()) {
          await page.click(W + `#xj-tab-${i}`);
          const file = `${name}-${label}-${mode}.png`;
          await page.locator('xianjiao-widget').screenshot({ path: path.join(out, file) });
          shots.push(file);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          assert(overflow <= 1, `${file}: page scrolls sideways by ${overflow}px`);
        }
        await context.close();
      }
    }
    console.log(`      ${shots.length} screenshots in tests/out/`);
  });

  await memberTests({ browser, test, assert, eq, origin, root, out, widgetPage }); // issue 22
  await memberShots({ browser, test, assert, eq, origin, root, out });

}

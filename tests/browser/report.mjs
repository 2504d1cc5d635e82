// `xianjiao report` (issue 9), run by run.mjs: the HTML the CLI writes for the
// guanba fixture opens from a file:// URL without a single other request, and
// Chromium prints it to A4 with at least one page per member (each 评议意见表
// on a page of its own). The PDF and a screenshot of the first form go to out/.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cliExe } from './pw.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function run({ browser, test, assert, eq, out }) {
  await test('report: self-contained HTML prints one page or more per member', async () => {
    const d = 'tests/golden/office-guanba';
    const html = path.join(out, 'report.html');
    try {
      execFileSync(cliExe, ['report', '--rules', 'rules/guanba.rhai', `${d}/sheets.csv`, '--votes', `${d}/votes.csv`, '--lookback', `${d}/lookback.csv`,
        '--profiles', `${d}/profiles.json`, '--decisions', `${d}/decisions.csv`, '-o', html], { cwd: root, stdio: 'pipe' });
    } catch (e) {
      assert(e.status === 1, 'report exits 0, or 1 for the fixture\'s rejected rows: ' + e.stderr); // the fixture has bad rows on purpose
    }
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests = [];
    page.on('request', r => requests.push(r.url()));
    await page.goto('file://' + html);
    eq(requests.length, 1, 'only the report itself is loaded: ' + requests.join(' '));
    const members = await page.$$eval('section.page[data-form="附件4"]', s => s.map(x => x.dataset.member));
    eq(members.length, 7, 'one 评议意见表 per member');
    assert(members.includes('<b>周九</b>'), 'a name with markup arrives as text');
    eq(await page.$$eval('section.page[data-form="附件4"] b', b => b.filter(x => x.textContent === '周九').length), 0, 'no markup from a name');
    await page.emulateMedia({ media: 'print' });
    const sheet = await page.$('section.page[data-form="附件4"]');
    await sheet.screenshot({ path: path.join(out, 'report-form.png') });
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
    fs.writeFileSync(path.join(out, 'report.pdf'), pdf);
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) || []).length;
    assert(pages >= members.length, `${pages} printed pages for ${members.length} members`);
    // Every form starts a page: the page count covers the summary parts plus one page per member.
    assert(pages >= members.length + 3, `${pages} pages: summary, look-back and roll-up parts plus the forms`);
    await context.close();
  });
}

// wasm/js/types.d.ts against what the engine really serializes.
//
//   node tests/types/check.mjs                         every golden tests/golden/*/expected.json
//   node tests/types/check.mjs --engine dist/glue-full  the wasm engine's rules(), explain(),
//                                                       diagnostics(), runTests() and ruleFunctions()
//                                                       for every rules/*.rhai (needs ./x build)
//
// Each output is type-checked by the TypeScript compiler as `const x: <Type> = <the JSON>;`:
// an object literal, so TypeScript's excess-property check fails on a field the types lack,
// and a missing required field or a wrong value type fails too. The CLI's `--json` is by
// construction what the Engine returns (wasm/src/lib.rs serializes the same structs).
// TypeScript lives in the tool cache (./x setup), not in the repo.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cache = process.env.XIANJIAO_CACHE || path.join(os.homedir(), '.cache/xianjiao');
const require = createRequire(path.join(cache, 'node', 'node_modules', 'x.js'));
let ts;
try { ts = require('typescript'); } catch (e) {
  console.error(`找不到 TypeScript(${e.code || e.message}):请先运行 ./x setup / TypeScript not found: run ./x setup first`);
  process.exit(2);
}

// A golden case's folder prefix → the type of its stdout. `check` prints the CLI's own envelope around Diagnostic[].
const GOLDEN = {
  'check-': '{ files: string[]; diagnostics: Diagnostic[]; errors: number }',
  'lock-': '{ files: string[]; diagnostics: Diagnostic[]; errors: number }',
  'checklist-': 'Checklist',
  'exam-': 'ExamReport',
  'explain-': 'Explain',
  'material-': 'MaterialReport',
  'satisfaction-': 'VoteReport',
  'schedule-': 'Schedule',
  'score-': 'ScoreReport',
};
// Inputs the Engine reads, checked the same way.
const INPUTS = { 'profile.json': 'Profile' };
// Case folders without expected.json (the office outputs are CSV/XLSX, checked by cargo test).
const NO_JSON = ['office-'];

/** [{name, type, json}] from the golden corpus; a case folder with an unmapped prefix is an error. */
function goldenCases() {
  const dir = path.join(root, 'tests/golden');
  const cases = [], unmapped = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const exp = path.join(dir, name, 'expected.json');
    const prefix = Object.keys(GOLDEN).sort((a, b) => b.length - a.length).find((p) => name.startsWith(p));
    if (!fs.existsSync(exp)) { if (!prefix && !NO_JSON.some((p) => name.startsWith(p)) && fs.existsSync(path.join(dir, name, 'args'))) unmapped.push(name); continue; }
    if (!prefix) { unmapped.push(name); continue; }
    cases.push({ name: `tests/golden/${name}/expected.json`, type: GOLDEN[prefix], json: JSON.stringify(JSON.parse(fs.readFileSync(exp, 'utf8')).stdout, null, 1) });
    for (const [file, type] of Object.entries(INPUTS)) {
      const f = path.join(dir, name, file);
      if (fs.existsSync(f)) cases.push({ name: `tests/golden/${name}/${file}`, type, json: JSON.stringify(JSON.parse(fs.readFileSync(f, 'utf8')), null, 1) });
    }
  }
  if (unmapped.length) {
    console.error(`以下黄金用例的前缀没有对应的类型,请在 tests/types/check.mjs 的 GOLDEN 中加入 / golden cases whose prefix maps to no type (add it to GOLDEN in tests/types/check.mjs): ${unmapped.join(', ')}`);
    process.exit(1);
  }
  return cases;
}

/** [{name, type, json}] from the wasm engine in `glueDir` for every shipped rule file. */
async function engineCases(glueDir) {
  const glue = path.resolve(root, glueDir, 'xianjiao.js'), wasm = path.resolve(root, glueDir, 'xianjiao_bg.wasm');
  if (!fs.existsSync(glue) || !fs.existsSync(wasm)) {
    console.error(`找不到 ${glueDir}/xianjiao.js 或 xianjiao_bg.wasm:请先运行 ./x build / ${glueDir} has no built engine: run ./x build first`);
    process.exit(2);
  }
  const m = await import(pathToFileURL(glue).href);
  await m.default({ module_or_path: fs.readFileSync(wasm) });
  const sources = {};
  for (const f of fs.readdirSync(path.join(root, 'rules')).filter((f) => f.endsWith('.rhai'))) sources[f] = fs.readFileSync(path.join(root, 'rules', f), 'utf8');
  const out = (name, type, v) => ({ name, type, json: JSON.stringify(v, null, 1) });
  const cases = [out('ruleFunctions()', 'RuleFunction[]', m.ruleFunctions())];
  for (const entry of Object.keys(sources).sort()) {
    const e = new m.Engine(sources, entry);
    cases.push(out(`${entry}: diagnostics()`, 'Diagnostic[]', e.diagnostics()));
    if (e.hasErrors()) { console.error(`rules/${entry} 有错误 / has errors`); process.exit(1); }
    cases.push(out(`${entry}: rules()`, 'Rules', e.rules()), out(`${entry}: explain()`, 'Explain', e.explain()), out(`${entry}: runTests()`, 'TestResult[]', e.runTests()));
    e.free();
  }
  return cases;
}

/** Type-checks every case against types.d.ts in one program; returns the error messages per case. */
function typeCheck(cases) {
  const typesFile = path.join(root, 'wasm/js/types.d.ts');
  const files = new Map([[typesFile, fs.readFileSync(typesFile, 'utf8')]]);
  const byFile = new Map();
  cases.forEach((c, i) => {
    const f = path.join(root, 'tests/types', `__case${i}.ts`);
    const names = [...new Set(c.type.match(/\b[A-Z]\w*/g) || [])].filter((n) => !['Record', 'Partial'].includes(n));
    files.set(f, `import type { ${names.join(', ')} } from '../../wasm/js/types';\nexport const x: ${c.type} = ${c.json};\n`);
    byFile.set(f, c);
  });
  const options = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ['lib.es2020.d.ts'], types: [], skipLibCheck: true };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (f, lang, ...rest) => files.has(f) ? ts.createSourceFile(f, files.get(f), lang) : getSourceFile.call(host, f, lang, ...rest);
  host.fileExists = (f) => files.has(f) || fileExists.call(host, f);
  host.readFile = (f) => files.has(f) ? files.get(f) : readFile.call(host, f);
  const program = ts.createProgram([...files.keys()], options, host);
  const problems = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const c = d.file && byFile.get(d.file.fileName);
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n  ');
    if (!c) { problems.push(`${d.file ? path.relative(root, d.file.fileName) : ''}: ${text}`); continue; }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start || 0);
    const src = files.get(d.file.fileName).split('\n')[line].trim();
    problems.push(`${c.name} (as ${c.type}): ${text}\n  near: ${src.slice(0, 160)}`);
  }
  return problems;
}

const at = process.argv.indexOf('--engine');
const cases = at > 0 ? await engineCases(process.argv[at + 1]) : goldenCases();
const problems = typeCheck(cases);
if (problems.length) {
  console.error(`wasm/js/types.d.ts 与引擎的实际输出不符(${problems.length} 处);请按 core/src 中的结构修正 / wasm/js/types.d.ts does not match what the engine serializes (${problems.length}); fix it after the structs in core/src:\n` + problems.join('\n'));
  process.exit(1);
}
console.log(`types.d.ts: ${cases.length} ${at > 0 ? 'engine outputs' : 'golden outputs and inputs'} type-check`);

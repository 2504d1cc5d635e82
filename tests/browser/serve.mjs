// Static server for the demo and the browser tests: serves www/ and, under
// /rules/, the repository's rule files. Loopback only.
// node tests/browser/serve.mjs [port] [--csp]   (port 0 picks a free one)
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.css': 'text/css; charset=utf-8', '.rhai': 'text/plain; charset=utf-8', '.json': 'application/json',
  '.md': 'text/plain; charset=utf-8', '.ts': 'text/plain; charset=utf-8', '.png': 'image/png', '.svg': 'image/svg+xml' };
// The strict policy a portal can use: no 'unsafe-inline' for styles (the widget uses constructable stylesheets).
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'";
// The same without 'wasm-unsafe-eval' (page?csp=nowasm): the widget must explain what the webmaster must add.
export const CSP_NO_WASM = CSP.replace(" 'wasm-unsafe-eval'", '');

export function start(port = 0, { csp = false } = {}) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let rel = decodeURIComponent(url.pathname);
    if (rel.endsWith('/')) rel += 'index.html';
    // /rules/ and the golden cases' own rule files come from the repository; the rest from www/.
    const base = rel.startsWith('/rules/') || rel.startsWith('/tests/golden/') ? root : path.join(root, 'www');
    const file = path.normalize(path.join(base, rel));
    if (!file.startsWith(base)) { res.writeHead(403).end(); return; }
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'); return; }
      const headers = { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' };
      if (csp) headers['content-security-policy'] = url.searchParams.get('csp') === 'nowasm' ? CSP_NO_WASM : CSP;
      res.writeHead(200, headers).end(data);
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] || 8080);
  const server = await start(port, { csp: process.argv.includes('--csp') });
  console.log(`Xianjiao demo: http://127.0.0.1:${server.address().port}/  (playground: /playground.html, embedding: /embed.html)`);
}

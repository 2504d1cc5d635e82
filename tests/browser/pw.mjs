// playwright-core lives in the tool cache (./x setup), not in the repo.
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
const cache = process.env.XIANJIAO_CACHE || path.join(os.homedir(), '.cache/xianjiao');
const require = createRequire(path.join(cache, 'node', 'node_modules', 'x.js'));
export const { chromium } = require('playwright-core');
/** The debug CLI that `cargo test` built (the browser tests compare with it). */
export const cliExe = path.join(process.env.CARGO_TARGET_DIR || path.join(cache, 'target'), 'debug', 'xianjiao');
export function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu', '--no-first-run', '--disable-sync'] });
}

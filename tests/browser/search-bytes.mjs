// What a reader's first search downloads: opens a built tree's /search/
// page in headless Chromium (the tree's own address answered from the
// folder, so nothing leaves the machine), runs queries and counts the
// bytes of every response after the page had loaded.
//
//   node search-bytes.mjs <tree folder> <the tree's base_url> <query>...
//
// Prints one JSON line per query: { query, bytes, files: { path: bytes }, results }.
// bench/run calls it for the benchmark's README figures.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const [dir, base, ...queries] = process.argv.slice(2);
if (!dir || !base || queries.length === 0) {
  console.error('usage: node search-bytes.mjs <tree folder> <base_url> <query>...');
  process.exit(2);
}
const root = path.resolve(dir);
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json' };

const browser = await chromium.launch({
  executablePath: process.env.LEDE_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  for (const query of queries) {
    const context = await browser.newContext();
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (!route.request().url().startsWith(base)) return route.abort();
      let file = path.join(root, decodeURIComponent(url.pathname.slice(new URL(base).pathname.replace(/\/$/, '').length)));
      if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
      if (!fs.existsSync(file)) return route.fulfill({ status: 404, body: '' });
      return route.fulfill({ status: 200, body: fs.readFileSync(file), contentType: TYPES[path.extname(file)] || 'application/octet-stream' });
    });
    const page = await context.newPage();
    await page.goto(`${base}/search/`, { waitUntil: 'load' });
    const files = {};
    page.on('response', async (r) => {
      try {
        files[new URL(r.url()).pathname] = (await r.body()).length;
      } catch { /* no body */ }
    });
    await page.fill('#search-query', query);
    await page.press('#search-query', 'Enter');
    await page.waitForFunction(() => /found|could not/.test(document.querySelector('.search-status')?.textContent || ''), null, { timeout: 60000 });
    await page.waitForLoadState('networkidle');
    const results = await page.$$eval('.search-results .card-title', (els) => els.length);
    const bytes = Object.values(files).reduce((a, b) => a + b, 0);
    console.log(JSON.stringify({ query, bytes, results, files }));
    await context.close();
  }
} finally {
  await browser.close();
}

// Browser checks of the search page, driven by tests/search.rs.
//
// Protocol (as run.mjs): starts a static HTTP server on 127.0.0.1, prints
// `PORT <n>`, reads one line of JSON (the plan), runs every search in
// headless Debian Chromium and prints `REPORT <json>`. Exit code 0 when
// every check passed, 1 otherwise, 2 on a harness error.
//
// Plan: {
//   root: folder served at http://127.0.0.1:<port>/
//   searches: [{ origin?, path, query, column?, year?, expect: [titles], absent: [titles] }]
//       origin defaults to this server; `expect: []` with `none: true` wants "No articles found"
//   axe: [{ origin?, path, query }]        search pages checked with axe-core once results show
// }

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const CHROMIUM = process.env.LEDE_CHROMIUM || '/usr/bin/chromium';
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.webp': 'image/webp',
};

let plan = null;
const failures = [];
let checks = 0;
function check(ok, message) {
  checks += 1;
  if (!ok) failures.push(message);
  return ok;
}

const server = http.createServer((req, res) => {
  if (!plan) { res.writeHead(503); res.end(); return; }
  const url = new URL(req.url, 'http://127.0.0.1');
  const root = path.resolve(plan.root);
  let file = path.resolve(root, '.' + decodeURIComponent(url.pathname));
  if (file !== root && !file.startsWith(root + path.sep)) { res.writeHead(403); res.end(); return; }
  try {
    if (fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    const bytes = fs.readFileSync(file);
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'content-length': bytes.length });
    res.end(bytes);
  } catch {
    res.writeHead(404); res.end();
  }
});

async function main() {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  const here = `http://127.0.0.1:${port}`;
  console.log(`PORT ${port}`);
  const rl = readline.createInterface({ input: process.stdin });
  plan = JSON.parse(await new Promise((resolve) => rl.once('line', resolve)));
  rl.close();

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const report = { searches: [] };
  try {
    for (const s of plan.searches) {
      const origin = s.origin || here;
      const context = await browser.newContext();
      const page = await context.newPage();
      const hosts = new Set();
      let bytes = 0;
      const scripts = [];
      page.on('request', (r) => {
        hosts.add(new URL(r.url()).host);
        if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
      });
      page.on('response', async (r) => {
        try { bytes += (await r.body()).length; } catch { /* a redirect has no body */ }
      });
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(origin + s.path, { waitUntil: 'load' });
      const before = bytes;
      if (s.column) await page.selectOption('select[name=column]', s.column);
      if (s.year) await page.selectOption('select[name=year]', s.year);
      await page.fill('#search-query', s.query);
      await page.press('#search-query', 'Enter');
      await page.waitForFunction(() => {
        const t = document.querySelector('.search-status')?.textContent || '';
        return /found|could not/.test(t);
      }, null, { timeout: 20000 });
      // The result cards are written after the count.
      await page.waitForTimeout(300);
      const status = await page.textContent('.search-status');
      const titles = await page.$$eval('.search-results .card-title', (els) => els.map((e) => e.textContent.trim()));
      const badges = await page.$$eval('.search-results .badge', (els) => els.length);
      // Each result leads into the tree it was found in, wherever that is served.
      const hrefs = await page.$$eval('.search-results .card-title a', (els) => els.map((e) => e.href));
      const tree = origin + s.path.replace(/search\/$/, '');
      const columns = await page.$$eval('.search-results .kicker a', (els) => els.map((e) => e.href));
      check(columns.every((h) => h.startsWith(`${tree}columns/`)), `${s.path} "${s.query}": column links ${columns.join(' ')}`);
      const name = `${origin}${s.path} "${s.query}"${s.column ? ` column=${s.column}` : ''}${s.year ? ` year=${s.year}` : ''}`;
      for (const t of s.expect || []) check(titles.includes(t), `${name}: expected "${t}" among [${titles.join(' | ')}] (${status})`);
      for (const t of s.absent || []) check(!titles.includes(t), `${name}: "${t}" must not be found`);
      check(hrefs.every((h) => h.startsWith(`${tree}articles/`)), `${s.path} "${s.query}": results outside ${tree}articles/: ${hrefs.join(' ')}`);
      if (s.none) check(/No articles found/.test(status) && titles.length === 0, `${name}: expected no result, got "${status}" [${titles.join(' | ')}]`);
      check(errors.length === 0, `${name}: page errors ${errors.join('; ')}`);
      const foreign = [...hosts].filter((h) => h !== new URL(origin).host);
      check(foreign.length === 0, `${name}: requests to other hosts: ${foreign.join(', ')}`);
      const address = await page.evaluate(() => location.search);
      check(address.includes('q='), `${name}: the query is not in the address (${address})`);
      report.searches.push({ name, status, titles, badges, query_bytes: bytes - before, page_bytes: before, scripts });
      await context.close();
    }
    for (const a of plan.axe || []) {
      const origin = a.origin || here;
      const page = await browser.newPage();
      await page.goto(`${origin}${a.path}?q=${encodeURIComponent(a.query)}`, { waitUntil: 'load' });
      await page.waitForFunction(() => /found/.test(document.querySelector('.search-status')?.textContent || ''), null, { timeout: 20000 });
      await page.waitForTimeout(300);
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
      const found = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      check(found.length === 0, `axe on ${origin}${a.path}?q=${a.query}: ${found.join('; ')}`);
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  report.checks = checks;
  report.failures = failures;
  console.log(`REPORT ${JSON.stringify(report)}`);
  process.exit(failures.length === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});

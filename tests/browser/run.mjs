// Browser checks of lede's built-in theme, driven by tests/theme.rs.
//
// Protocol (so the site can be built with this server's port in its URLs):
//   1. starts a static HTTP server on 127.0.0.1 (a free port) and prints
//      `PORT <n>` on stdout;
//   2. reads one line of JSON from stdin: the plan (see `Plan` below);
//   3. runs every check in headless Debian Chromium (never a downloaded
//      browser), writes screenshots, and prints `REPORT <json>` on stdout.
// Exit code 0 when every check passed, 1 otherwise, 2 on a harness error.
//
// Plan: {
//   root:  folder served at http://127.0.0.1:<port>/ (public tree at /, members tree at /members/, …)
//   shots: folder for screenshots
//   endpoint: path that records subscribe-form posts (e.g. "/__subscribe")
//   pages: [{ path, name, status? }]                pages every check runs on
//   teaser:  { path, slug, plans: [ids], name }     a teaser page whose form is filled in
//   screenshots: [{ path, name }]                    pages photographed at each width
// }

import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const CHROMIUM = process.env.LEDE_CHROMIUM || '/usr/bin/chromium';
const WIDTHS = [390, 1280];
const NARROWEST = 320;

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg', '.webp': 'image/webp', '.gif': 'image/gif', '.ico': 'image/x-icon',
  '.js': 'text/javascript', '.json': 'application/json', '.woff2': 'font/woff2',
};

let plan = null;
const posts = [];
const failures = [];
let checks = 0;

function check(ok, message) {
  checks += 1;
  if (!ok) failures.push(message);
  return ok;
}

// ---- the server: static files under plan.root, plus the form endpoint ----

function serveFile(res, file, status = 200) {
  res.writeHead(status, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  if (!plan) { res.writeHead(503); res.end(); return; }
  if (url.pathname === plan.endpoint) {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      posts.push({ method: req.method, type: req.headers['content-type'] || '', body });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html lang="en"><title>Thanks</title><p>Thanks.</p></html>');
    });
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405); res.end(); return; }
  const root = path.resolve(plan.root);
  let file = path.resolve(root, '.' + decodeURIComponent(url.pathname));
  if (file !== root && !file.startsWith(root + path.sep)) { res.writeHead(403); res.end(); return; }
  try {
    if (fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.accessSync(file);
    serveFile(res, file);
  } catch {
    const notFound = path.join(root, '404.html');
    if (fs.existsSync(notFound)) serveFile(res, notFound, 404);
    else { res.writeHead(404); res.end('not found'); }
  }
});

// ---- checks on one page ----

async function axeViolations(page) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\s+/g, ' ')),
    }));
  });
  return result;
}

async function pageFacts(page) {
  return page.evaluate(() => {
    const se = document.scrollingElement;
    const imgs = [...document.images].filter((i) => !(i.hasAttribute('width') && i.hasAttribute('height'))).map((i) => i.src);
    // Every file a srcset offers, resolved as the browser would.
    const offered = [...document.images].flatMap((i) => (i.getAttribute('srcset') || '').split(',')
      .map((c) => c.trim().split(/\s+/)[0]).filter(Boolean).map((u) => new URL(u, document.baseURI).href));
    const wide = [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && getComputedStyle(e).position !== 'absolute')
      .slice(0, 5).map((e) => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : ''));
    return {
      scrollWidth: se.scrollWidth, innerWidth: window.innerWidth, lang: document.documentElement.lang,
      imagesWithoutSize: imgs, wide, offered,
    };
  });
}

async function checkPage(context, target, width, scheme) {
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 900 });
  await page.emulateMedia({ colorScheme: scheme });
  const where = `${target.path} at ${width}px (${scheme})`;
  const response = await page.goto(url(target.path), { waitUntil: 'load' });
  check(response && response.status() === (target.status || 200), `${where}: status ${response && response.status()}`);
  const facts = await pageFacts(page);
  check(facts.scrollWidth <= facts.innerWidth,
    `${where}: scrolls sideways (scrollWidth ${facts.scrollWidth} > ${facts.innerWidth}; too wide: ${facts.wide.join(', ')})`);
  check(Boolean(facts.lang), `${where}: <html> has no lang`);
  check(facts.imagesWithoutSize.length === 0, `${where}: images without width and height: ${facts.imagesWithoutSize.join(', ')}`);
  if (width === NARROWEST) {
    for (const u of new Set(facts.offered)) {
      const r = await page.request.get(u);
      check(r.status() === 200, `${where}: srcset offers ${u}, which answers ${r.status()}`);
    }
  }
  if (width !== NARROWEST) {
    const violations = await axeViolations(page);
    for (const v of violations) {
      check(false, `${where}: axe ${v.id} (${v.impact}): ${v.help}\n      ${v.nodes.join('\n      ')}`);
    }
    if (violations.length === 0) check(true, '');
  }
  await page.close();
}

// Keyboard: the first Tab reaches a visible skip link that moves focus to the main content,
// and focused links show an outline.
async function checkKeyboard(context, target) {
  const page = await context.newPage();
  await page.setViewportSize({ width: 390, height: 900 });
  await page.goto(url(target.path));
  await page.keyboard.press('Tab');
  const skip = await page.evaluate(() => {
    const a = document.activeElement;
    const r = a.getBoundingClientRect();
    return { cls: a.className, href: a.getAttribute('href'), visible: r.width > 0 && r.top >= 0 && r.left >= 0 && r.right <= innerWidth, outline: getComputedStyle(a).outlineStyle };
  });
  check(skip.cls.includes('skip-link'), `${target.path}: the first Tab does not reach the skip link (got .${skip.cls})`);
  check(skip.visible, `${target.path}: the focused skip link is not visible on screen`);
  await page.keyboard.press('Enter');
  const inMain = await page.evaluate(() => document.activeElement.id === 'main' || Boolean(document.activeElement.closest('main')));
  check(inMain, `${target.path}: following the skip link does not move focus into <main>`);
  await page.keyboard.press('Tab');
  const ring = await page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return { tag: document.activeElement.tagName, style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  check(ring.style !== 'none' && ring.width >= 2, `${target.path}: a focused ${ring.tag} shows no focus outline (${ring.style} ${ring.width}px)`);
  await page.close();
}

// The teaser page: the parts the contract names, then the form filled in with the keyboard.
async function checkTeaser(context, teaser) {
  const page = await context.newPage();
  await page.setViewportSize({ width: 390, height: 900 });
  await page.goto(url(teaser.path));
  const form = await page.evaluate(() => {
    const f = document.querySelector('form.subscribe-form');
    if (!f) return null;
    const email = f.querySelector('input[type=email]');
    const label = email && email.labels && email.labels[0];
    return {
      method: f.getAttribute('method'), action: f.getAttribute('action'),
      emailRequired: Boolean(email && email.required), emailLabel: label ? label.textContent.trim() : '',
      plans: [...f.querySelectorAll('input[type=radio][name=plan]')].map((r) => ({ value: r.value, label: r.labels[0] ? r.labels[0].textContent.replace(/\s+/g, ' ').trim() : '' })),
      legend: (f.querySelector('fieldset legend') || {}).textContent || '',
      pitch: (document.querySelector('.subscribe-box .pitch') || {}).textContent || '',
      ellipsis: Boolean(document.querySelector('.paywall-ellipsis')),
      members: (document.querySelector('.subscribe-box a[href*="/members/"]') || {}).href || '',
      kicker: (document.querySelector('.kicker') || {}).textContent || '',
      date: (document.querySelector('.article-header time') || {}).textContent || '',
      top: Boolean(document.querySelector('a[href="#top"]')),
    };
  });
  if (!check(form !== null, `${teaser.path}: no form.subscribe-form`)) { await page.close(); return; }
  check(form.method === 'post', `${teaser.path}: form method is ${form.method}`);
  check(form.action === url(plan.endpoint), `${teaser.path}: form action is ${form.action}`);
  check(form.emailRequired && form.emailLabel.length > 0, `${teaser.path}: the email field is not required and labelled`);
  check(JSON.stringify(form.plans.map((p) => p.value)) === JSON.stringify(teaser.plans),
    `${teaser.path}: plans ${JSON.stringify(form.plans)} are not ${JSON.stringify(teaser.plans)}`);
  check(form.plans.every((p) => p.label.length > 0), `${teaser.path}: a plan has no label`);
  check(form.legend.trim().length > 0, `${teaser.path}: the plans have no legend`);
  check(form.pitch.trim().length > 0, `${teaser.path}: no pitch`);
  check(form.ellipsis, `${teaser.path}: no ellipsis at the cut`);
  check(form.members.includes(`/members/articles/${teaser.slug}/`), `${teaser.path}: no link to the members page (${form.members})`);
  check(form.kicker.trim().length > 0 && form.date.trim().length > 0, `${teaser.path}: no column or date`);
  check(form.top, `${teaser.path}: no back-to-top link`);

  // "Back to top" takes the reader back up.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.locator('.back-to-top a').first().click();
  await page.waitForTimeout(100);
  check(await page.evaluate(() => window.scrollY < 10), `${teaser.path}: back to top does not scroll to the top`);

  // An empty email is refused by the browser: nothing is posted.
  await page.focus('#subscribe-email');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
  check(posts.length === 0, `${teaser.path}: a form with no email was posted`);

  // Keyboard only: type the email, Tab to the plans, arrow to the second plan, Tab to the button, Enter.
  const wanted = teaser.plans[1] || teaser.plans[0];
  await page.keyboard.type('reader@example.org');
  await page.keyboard.press('Tab');
  const onRadio = await page.evaluate(() => document.activeElement.type === 'radio' && document.activeElement.name === 'plan');
  check(onRadio, `${teaser.path}: Tab from the email field does not reach the plans`);
  if (teaser.plans.length > 1) await page.keyboard.press('ArrowDown');
  const radioRing = await page.evaluate(() => {
    const a = document.activeElement;
    const ring = (e) => { const s = getComputedStyle(e); return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none'; };
    return ring(a) || ring(a.closest('label') || a);
  });
  check(radioRing, `${teaser.path}: the focused plan shows no focus indicator`);
  await page.keyboard.press('Tab');
  const onButton = await page.evaluate(() => document.activeElement.type === 'submit');
  check(onButton, `${teaser.path}: Tab from the plans does not reach the submit button`);
  const navigated = page.waitForURL(url(plan.endpoint), { timeout: 5000 }).catch(() => null);
  await page.keyboard.press('Enter');
  await navigated;
  await page.waitForTimeout(100);
  if (check(posts.length === 1, `${teaser.path}: expected one post to the endpoint, got ${posts.length}`)) {
    const p = posts[0];
    const fields = Object.fromEntries(new URLSearchParams(p.body));
    check(p.method === 'POST', `${teaser.path}: the form used ${p.method}`);
    check(p.type.startsWith('application/x-www-form-urlencoded'), `${teaser.path}: posted as ${p.type}`);
    check(fields.email === 'reader@example.org', `${teaser.path}: posted email ${fields.email}`);
    check(fields.plan === wanted, `${teaser.path}: posted plan ${fields.plan}, chose ${wanted}`);
    check(fields.article === teaser.slug, `${teaser.path}: posted article ${fields.article}`);
  }
  await page.close();
}

async function screenshots(context) {
  const written = [];
  fs.mkdirSync(plan.shots, { recursive: true });
  for (const shot of plan.screenshots) {
    // Print is photographed 700 px wide: about an A4 page inside its margins.
    for (const [width, scheme, media] of [[390, 'light', 'screen'], [1280, 'light', 'screen'], [390, 'dark', 'screen'], [700, 'light', 'print']]) {
      if (scheme === 'dark' && shot.dark === false) continue;
      if (media === 'print' && !shot.print) continue;
      const page = await context.newPage();
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme, media });
      await page.goto(url(shot.path));
      const suffix = media === 'print' ? 'print' : `${width}${scheme === 'dark' ? '-dark' : ''}`;
      const file = path.join(plan.shots, `${shot.name}-${suffix}.png`);
      await page.screenshot({ path: file, fullPage: true });
      written.push(file);
      await page.close();
    }
  }
  return written;
}

// Reading measure: body paragraphs at a wide window hold 60-75 characters a line.
async function checkMeasure(context, target) {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(url(target.path));
  const perLine = await page.evaluate(() => {
    let chars = 0; let lines = 0;
    for (const p of document.querySelectorAll('.article-body > p')) {
      const text = p.textContent.trim();
      if (text.length < 200) continue;
      const range = document.createRange();
      range.selectNodeContents(p);
      const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      chars += text.length; lines += tops.size;
    }
    return lines ? chars / lines : 0;
  });
  check(perLine >= 60 && perLine <= 75, `${target.path}: ${perLine.toFixed(1)} characters a line at 1280px, not 60-75`);
  await page.close();
  return perLine;
}

// Print: the subscribe box, navigation and skip link are not printed; the text is.
async function checkPrint(context, target) {
  const page = await context.newPage();
  await page.emulateMedia({ media: 'print' });
  await page.goto(url(target.path));
  const hidden = await page.evaluate(() => ['.skip-link', '.site-nav', '.subscribe-box', '.back-to-top']
    .filter((s) => { const e = document.querySelector(s); return e && getComputedStyle(e).display !== 'none'; }));
  check(hidden.length === 0, `${target.path}: printed but should not be: ${hidden.join(', ')}`);
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  check(bg === 'rgb(255, 255, 255)' || bg === 'rgba(0, 0, 0, 0)', `${target.path}: prints on ${bg}`);
  await page.close();
}

let origin = '';
// While an embed's play link is being pressed, requests to other hosts land here instead.
let afterPlay = null;

// The README's first look: the example site through `lede serve`, as a
// newcomer opens it. The page must be styled (its stylesheet applied, not
// the browser's defaults) and be the teaser page: free text, the ellipsis,
// the email field and the plans.
async function checkFirstLook(context, look) {
  const page = await context.newPage();
  const where = `first look ${look.url}`;
  const response = await page.goto(look.url, { waitUntil: 'load' });
  check(response && response.status() === 200, `${where}: status ${response && response.status()}`);
  const facts = await page.evaluate(() => {
    const sheets = [...document.styleSheets].filter((s) => { try { return s.cssRules.length > 0; } catch (e) { return false; } });
    const body = getComputedStyle(document.body);
    return {
      sheets: sheets.length,
      ink: getComputedStyle(document.documentElement).getPropertyValue('--ink').trim(),
      margin: body.marginLeft,
      email: Boolean(document.querySelector('input[type="email"]')),
      plans: document.querySelectorAll('input[name="plan"]').length,
      ellipsis: document.body.innerText.includes('…'),
    };
  });
  check(facts.sheets > 0 && facts.ink !== '', `${where}: unstyled (${facts.sheets} stylesheets with rules, --ink ${JSON.stringify(facts.ink)})`);
  check(facts.email && facts.plans >= 2 && facts.ellipsis, `${where}: not the teaser page: ${JSON.stringify(facts)}`);
  await page.close();
}

// Plans with checkout pages: typing an email and pressing a plan's button
// sends the reader to that plan's page with the email in the parameter the
// provider reads, with no script.
async function checkCheckout(context, target) {
  const page = await context.newPage();
  const where = `${target.path} (checkout)`;
  afterPlay = [];
  await page.goto(url(target.path), { waitUntil: 'load' });
  await page.fill('input[type="email"]', 'reader@example.org');
  const asked = page.waitForRequest((r) => r.url().startsWith('https://buy.stripe.com/'), { timeout: 10000 }).catch(() => null);
  await page.getByRole('button', { name: new RegExp(target.plan) }).click();
  const request = await asked;
  check(request !== null && request.url() === target.expect, `${where}: went to ${request && request.url()}, expected ${target.expect}`);
  afterPlay = null;
  await page.close();
}

// An embed requests nothing from another host until its play link is
// pressed; then its frame asks for the player, and for nothing else.
async function checkEmbed(context, target) {
  const page = await context.newPage();
  const where = `${target.path} (embed)`;
  afterPlay = [];
  await page.goto(url(target.path), { waitUntil: 'load' });
  await page.waitForTimeout(300);
  check(afterPlay.length === 0, `${where}: requests to other hosts before play was pressed: ${afterPlay.join(', ')}`);
  const frames = page.locator('.embed iframe');
  check(await frames.count() === target.count, `${where}: ${await frames.count()} embed frames, expected ${target.count}`);
  const play = page.frameLocator('.embed iframe').first().getByRole('link');
  check(/Play: /.test(await play.innerText()), `${where}: the frame shows no play link`);
  const asked = page.waitForRequest((r) => r.url().startsWith(target.player), { timeout: 10000 }).catch(() => null);
  await play.click();
  check((await asked) !== null, `${where}: pressing play did not ask for ${target.player}`);
  const others = afterPlay.filter((u) => !u.startsWith(target.player));
  check(others.length === 0, `${where}: pressing play asked other hosts too: ${others.join(', ')}`);
  afterPlay = null;
  await page.close();
}
function url(p) { return origin + p; }

// A hung browser must not hang the test run.
const WATCHDOG_MS = Number(process.env.LEDE_BROWSER_TIMEOUT_MS || 300000);
setTimeout(() => {
  process.stdout.write(`REPORT ${JSON.stringify({ ok: false, checks, failures: [...failures, `timed out after ${WATCHDOG_MS} ms`], screenshots: [] })}\n`);
  process.exit(2);
}, WATCHDOG_MS).unref();

async function main() {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  process.stdout.write(`PORT ${server.address().port}\n`);
  const rl = readline.createInterface({ input: process.stdin });
  const line = await new Promise((resolve) => rl.once('line', resolve));
  rl.close();
  plan = JSON.parse(line);

  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'lede-chromium-'));
  const foreign = [];
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  // Nothing may be fetched from another host: record and refuse it.
  await context.route('**/*', (route) => {
    const u = route.request().url();
    const served = plan.firstLook && u.startsWith(plan.firstLook.origin + '/');
    if (served || u.startsWith(origin + '/') || u.startsWith('data:') || u === 'about:blank' || u === 'about:srcdoc') return route.continue();
    (afterPlay || foreign).push(u);
    return route.abort();
  });
  context.on('request', (r) => {
    const u = r.url();
    const served = plan.firstLook && u.startsWith(plan.firstLook.origin + '/');
    if (!(served || u.startsWith(origin + '/') || u.startsWith('data:') || u.startsWith('about:')) && !afterPlay) foreign.push(u);
  });

  let shots = [];
  try {
    for (const target of plan.pages) {
      for (const width of [NARROWEST, ...WIDTHS]) await checkPage(context, target, width, 'light');
      for (const width of WIDTHS) await checkPage(context, target, width, 'dark');
    }
    await checkKeyboard(context, plan.pages[0]);
    if (plan.teaser) {
      await checkKeyboard(context, plan.teaser);
      await checkTeaser(context, plan.teaser);
      await checkPrint(context, plan.teaser);
    }
    for (const target of plan.measure || []) await checkMeasure(context, target);
    for (const target of plan.embeds || []) await checkEmbed(context, target);
    if (plan.firstLook) await checkFirstLook(context, plan.firstLook);
    if (plan.checkout) await checkCheckout(context, plan.checkout);
    shots = await screenshots(context);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
    server.close();
  }
  check(foreign.length === 0, `requests to other hosts: ${[...new Set(foreign)].join(', ')}`);
  const report = { ok: failures.length === 0, checks, failures, screenshots: shots };
  process.stdout.write(`REPORT ${JSON.stringify(report)}\n`);
  process.exitCode = report.ok ? 0 : 1;
}

main().catch((e) => {
  process.stdout.write(`REPORT ${JSON.stringify({ ok: false, checks, failures: [...failures, `harness error: ${e.stack || e}`], screenshots: [] })}\n`);
  server.close();
  process.exit(2);
});

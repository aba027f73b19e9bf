// Shared set-up for the browser tests: the real techtankd on a free
// loopback port with a temporary database, Debian's Chromium through
// playwright-core, and phone-sized pages that fail on any console error,
// page error, dialog or Content-Security-Policy violation.

import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const outDir = path.join(repoRoot, 'tests', 'browser', 'out');
export const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
  + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export function binary() {
  const bin = path.resolve(repoRoot, process.env.TECHTANKD || './techtankd');
  if (!fs.existsSync(bin)) throw new Error(`techtankd binary not found at ${bin} (build it, or set TECHTANKD)`);
  return bin;
}

/**
 * Start techtankd; returns { baseURL, tmpDir, db, stop() }. With
 * demo: false the database starts empty (--no-demo): no event at all;
 * args are more options for the daemon.
 */
export async function startDaemon({ demo = true, args = [] } = {}) {
  fs.mkdirSync(outDir, { recursive: true });
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'techtank-browser-'));
  const d = { baseURL: null, tmpDir, db: path.join(tmpDir, 't.db'), stderr: '', exited: null };
  d.proc = spawn(binary(), [
    // The daemon picks its own port and names it in its "serving" line: a
    // port chosen here could be taken before the bind by another test run
    // on the machine (the sanitizer build's), and the test would then
    // talk to someone else's daemon.
    '--listen', '127.0.0.1:0', '--db', d.db, '--web-root', 'web',
    '--access-log', path.join(tmpDir, 'access.log'),
    // The machine's own configuration file is no part of a test.
    '--config', '/dev/null',
    ...(demo ? [] : ['--no-demo']),
    ...args,
  ], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  d.proc.stderr.on('data', (chunk) => { d.stderr = (d.stderr + chunk).slice(-20000); });
  d.proc.on('exit', (code, signal) => { d.exited = signal || `code ${code}`; });
  const kill = () => { if (!d.exited) { try { d.proc.kill('SIGTERM'); } catch { /* gone */ } } };
  process.on('exit', kill);
  d.stop = async () => {
    if (!d.exited) {
      const exited = once(d.proc, 'exit');
      d.proc.kill('SIGTERM');
      const timer = setTimeout(() => { if (!d.exited) d.proc.kill('SIGKILL'); }, 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(tmpDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15000;
  let last = '';
  while (Date.now() < deadline) {
    if (d.exited) throw new Error(`techtankd exited early (${d.exited}):\n${d.stderr}`);
    if (d.baseURL === null) {
      const serving = /serving .+? on (http:\/\/127\.0\.0\.1:[0-9]+)\//.exec(d.stderr);
      if (serving === null) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      d.baseURL = serving[1];
    }
    try {
      const r = await fetch(`${d.baseURL}/healthz`);
      if (r.status === 200) return d;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`techtankd did not answer /healthz (${last}):\n${d.stderr}`);
}

/** A staff account through techtankd's own command line. */
export function addUser(d, name, role, password) {
  const r = spawnSync(binary(), ['--db', d.db, 'user', 'add', name, '--role', role],
    { input: `${password}\n`, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`user add ${name}: ${r.stderr}`);
}

export function launch(extraArgs = []) {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_FLAGS, ...extraArgs] });
}

/**
 * A fresh phone-sized page. Every HTML document is served with the site's
 * Content-Security-Policy (added here too, so a CSP violation in our pages
 * fails the tests whatever the server sends), and console errors, page
 * errors and dialogs (alert()) are collected.
 */
export async function newPage(browser, baseURL, { locale = 'en-GB', ...opts } = {}) {
  const context = await browser.newContext({ ...PHONE, locale, baseURL, ...opts });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', async (dlg) => { problems.push(`dialog: ${dlg.type()} ${dlg.message()}`); await dlg.dismiss(); });
  await page.route('**/*', async (route) => {
    if (route.request().resourceType() !== 'document') return route.continue();
    const response = await route.fetch();
    const headers = { ...response.headers() };
    if (!headers['content-security-policy']) headers['content-security-policy'] = CSP;
    return route.fulfill({ response, headers });
  });
  return { context, page, problems };
}

/** A JSON request to the daemon from the test itself. */
export async function apiCall(baseURL, method, p, body, headers = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const r = await fetch(`${baseURL}${p}`, init);
  const text = await r.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
  return { status: r.status, body: parsed, headers: r.headers };
}

/**
 * A staff session for the test itself: { csrf, call(method, path, body) }
 * sending the session cookie and the CSRF token, as the console does.
 */
export async function staffLogin(baseURL, username, password) {
  const r = await fetch(`${baseURL}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (r.status !== 200) throw new Error(`login ${username}: HTTP ${r.status}`);
  const body = await r.json();
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return {
    csrf: body.csrf_token,
    call: (method, p, b) => apiCall(baseURL, method, p, b, { Cookie: cookie, 'X-CSRF-Token': body.csrf_token }),
  };
}

let axeSource = null;

/**
 * axe-core's violations on the page as it is now, as short strings
 * ("rule: selector, ..."). The script goes in through the DevTools
 * protocol (page.evaluate), which the page's CSP does not apply to: a
 * <script> tag would be refused by script-src 'self', as it should be.
 */
export async function axeViolations(page) {
  if (axeSource === null) {
    axeSource = fs.readFileSync(path.join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  }
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/**
 * The problems a page collected, less the answers a test provokes: the
 * 401 of a session that ran out, and the statuses given.
 */
export function real(problems, ...statuses) {
  const allowed = [401, ...statuses];
  return problems.filter((p) => !allowed.some((s) => p.includes(`status of ${s}`)));
}

/** Switch the page's language with its SV | EN buttons, and wait for it. */
export async function setLang(page, lang) {
  await page.click(`.lang-switch button[data-lang="${lang}"]`);
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
}

/**
 * Go to a console view by its hash and wait for what marks it ready. If
 * the view left has typing not saved, the console asks first: the test
 * has moved on, so it leaves (tests of that question ask for themselves).
 */
export async function openView(page, hash, ready) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  const asked = page.locator('#unsaved-dialog');
  await page.locator(ready).first().or(asked).waitFor();
  if (await asked.isVisible()) {
    await page.click('#unsaved-leave');
    await page.locator(ready).first().waitFor();
  }
}

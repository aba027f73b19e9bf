// Browser tests of the door page: log in as door staff, scan through the
// keyboard path (a USB scanner types the code and Enter), see green with
// the name, scan again and see amber with the first check-in time, find
// someone by name, and check a pass in through the camera: Chromium's fake
// camera plays a video made here from the pass the daemon drew.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { outDir, startDaemon, addUser, launch, newPage, apiCall, staffLogin } from './harness.mjs';

const PASSWORD = 'door staff password';
let d = null;
let browser = null;

async function register(first, last, company) {
  const email = `${first.toLowerCase().replace(/[^a-z]/g, '')}.${crypto.randomBytes(4).toString('hex')}@example.se`;
  const person = { first_name: first, last_name: last, email, company };
  const r = await apiCall(d.baseURL, 'POST', '/api/v1/registrations', {
    ticket_type: 1, privacy_accepted: true, contact: person, attendees: [person],
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { token: r.body.manage_token, ...r.body.attendees[0] };
}

async function login(page) {
  await page.goto('/door.html');
  await page.locator('#login-form').waitFor();
  await page.fill('#login-username', 'anna');
  await page.fill('#login-password', PASSWORD);
  await page.click('#login-submit');
  await page.locator('#scan-view').waitFor();
  await page.locator('#checkpoint option').first().waitFor({ state: 'attached' });
}

/** Problems other than the 401 of the page's "am I logged in?" probe. */
function real(problems) {
  return problems.filter((p) => !/status of 401/.test(p));
}

async function resultOf(page) {
  const box = page.locator('#result');
  await box.waitFor({ state: 'visible' });
  return {
    result: await box.getAttribute('data-result'),
    cls: await box.getAttribute('class'),
    headline: await page.locator('#result-headline').textContent(),
    name: await page.locator('#result-name').textContent(),
    company: await page.locator('#result-company').textContent(),
    detail: await page.locator('#result-detail').textContent(),
  };
}

async function scanByKeyboard(page, code) {
  // The overlay never takes the focus: the next scan goes straight in.
  await page.locator('#scan-input').focus();
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
}

before(async () => {
  d = await startDaemon();
  addUser(d, 'anna', 'door', PASSWORD);
  browser = await launch();
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    if (d) await d.stop();
  }
});

test('door staff scan by keyboard: green with the name, then amber with the first time', async () => {
  const asa = await register('Åsa', 'Lindström-Öberg', 'Pressverk AB');
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await login(page);
    await page.locator('#counter').filter({ hasText: /checked in/ }).waitFor();
    assert.match(await page.locator('#counter').textContent(), /^0 of \d+ checked in$/);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, 'no sideways scrolling');
    await scanByKeyboard(page, asa.pass_code);
    const first = await resultOf(page);
    assert.equal(first.result, 'ok');
    assert.match(first.cls, /result--ok/);
    assert.equal(first.headline, 'Welcome!');
    assert.equal(first.name, 'Åsa Lindström-Öberg');
    assert.match(first.company, /Pressverk AB/);
    await page.screenshot({ path: path.join(outDir, 'door-ok.png') });
    assert.equal(await page.evaluate(() => document.activeElement.id), 'scan-input');

    await scanByKeyboard(page, asa.pass_code);
    await page.waitForFunction(() => document.querySelector('#result').dataset.result === 'already_checked_in');
    const again = await resultOf(page);
    assert.match(again.cls, /result--warn/);
    assert.equal(again.name, 'Åsa Lindström-Öberg');
    assert.match(again.detail, /^First checked in at \d\d:\d\d by anna$/);
    await page.screenshot({ path: path.join(outDir, 'door-again.png') });

    await scanByKeyboard(page, 'TT-NOTAREALCODE');
    await page.waitForFunction(() => document.querySelector('#result').dataset.result === 'unknown');
    assert.match((await resultOf(page)).cls, /result--bad/);
    await page.locator('#counter').filter({ hasText: /^1 of / }).waitFor();
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('someone without a badge is found by name and checked in from the result', async () => {
  await register('Zoë', 'Ødegård-Łukasiewicz', 'Sydkustens Lättmetall AB');
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await login(page);
    await page.fill('#search-input', 'Ødegård');
    await page.press('#search-input', 'Enter');
    const hit = page.locator('#search-results .search-hit').first();
    await hit.waitFor();
    assert.equal(await hit.locator('.search-name').textContent(), 'Zoë Ødegård-Łukasiewicz');
    await hit.getByRole('button', { name: 'Check in' }).click();
    const r = await resultOf(page);
    assert.equal(r.result, 'ok');
    assert.equal(r.name, 'Zoë Ødegård-Łukasiewicz');
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('a wrong password is refused with a message, and the page stays usable', async () => {
  const { context, page } = await newPage(browser, d.baseURL);
  try {
    await page.goto('/door.html');
    await page.fill('#login-username', 'anna');
    await page.fill('#login-password', 'not it at all');
    await page.click('#login-submit');
    await page.locator('#door-alert').filter({ hasText: 'Wrong user name or password.' }).waitFor();
    assert.equal(await page.locator('#scan-view').isHidden(), true);
  } finally {
    await context.close();
  }
});

/** A one-frame YUV4MPEG2 video of the pass, for Chromium's fake camera. */
function passVideo(pass, file) {
  const pdf = path.join(d.tmpDir, 'pass.pdf');
  fs.writeFileSync(pdf, pass);
  execFileSync('pdftoppm', ['-r', '80', '-gray', '-singlefile', pdf, path.join(d.tmpDir, 'pass')]);
  const pgm = fs.readFileSync(path.join(d.tmpDir, 'pass.pgm'));
  const header = pgm.toString('latin1', 0, 64).match(/^P5\s+(\d+)\s+(\d+)\s+255\s/);
  const [w, h] = [Number(header[1]), Number(header[2])];
  const pixels = pgm.subarray(header[0].length);
  const W = 640;
  const H = 480;
  const y = Buffer.alloc(W * H, 235);
  const top = Math.max(0, Math.floor((H - h) / 2));
  const left = Math.max(0, Math.floor((W - w) / 2));
  for (let row = 0; row < Math.min(h, H); row++) {
    pixels.copy(y, (top + row) * W + left, row * w, row * w + Math.min(w, W));
  }
  const chroma = Buffer.alloc((W / 2) * (H / 2), 128);
  fs.writeFileSync(file, Buffer.concat([
    Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\nFRAME\n`), y, chroma, chroma]));
}

test('a pass is checked in through the camera', async () => {
  const bjorn = await register('Björn', 'Håkansdotter', 'Blekinge Verktyg AB');
  const res = await fetch(`${d.baseURL}/api/v1/registrations/${bjorn.token}/attendees/${bjorn.id}/pass.pdf`);
  assert.equal(res.status, 200);
  const video = path.join(d.tmpDir, 'pass.y4m');
  passVideo(Buffer.from(await res.arrayBuffer()), video);
  const cam = await launch(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${video}`]);
  try {
    const context = await cam.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-GB', baseURL: d.baseURL });
    const page = await context.newPage();
    await login(page);
    await page.click('#camera-toggle');
    await page.waitForFunction(() => document.querySelector('#result').dataset.result === 'ok', null,
      { timeout: 20000 });
    assert.equal(await page.locator('#result-name').textContent(), 'Björn Håkansdotter');
    await page.screenshot({ path: path.join(outDir, 'door-camera.png') });
    const stats = await page.evaluate(async () => (await fetch('/api/v1/checkins/stats')).json());
    assert.ok(stats.checkpoints[0].checked_in >= 1);
    await context.close();
  } finally {
    await cam.close();
  }
});

test('the QR decoder served from web/ is jsQR exactly as pinned in package.json', () => {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
  const pinned = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).devDependencies.jsqr;
  const installed = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'jsqr', 'package.json'), 'utf8'));
  assert.equal(installed.version, pinned);
  assert.ok(fs.readFileSync(path.join(root, 'web', 'vendor', 'jsqr', 'jsQR.js'))
    .equals(fs.readFileSync(path.join(root, 'node_modules', 'jsqr', 'dist', 'jsQR.js'))));
  assert.match(fs.readFileSync(path.join(root, 'web', 'vendor', 'jsqr', 'LICENSE'), 'utf8'), /Apache License/);
});

test('the door in Swedish or English names the ticket type in its language, scanned and searched', async () => {
  addUser(d, 'olle', 'organiser', PASSWORD);
  const olle = await staffLogin(d.baseURL, 'olle', PASSWORD);
  const tt = (await olle.call('GET', '/api/v1/admin/ticket-types/1')).body;
  let r = await olle.call('PATCH', '/api/v1/admin/ticket-types/1', { version: tt.version, name: 'Medlem', name_en: 'Member' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const bo = await register('Bo', 'Ekström', 'Pressverk AB');
  try {
    for (const [lang, want] of [['sv', 'Pressverk AB · Medlem'], ['en', 'Pressverk AB · Member']]) {
      const { context, page, problems } = await newPage(browser, d.baseURL, { locale: lang === 'sv' ? 'sv-SE' : 'en-GB' });
      try {
        await login(page);
        await page.locator('#counter').waitFor();
        await scanByKeyboard(page, bo.pass_code);
        await page.waitForFunction(() => document.querySelector('#result').dataset.result);
        assert.equal((await page.locator('#result-company').textContent()).trim(), want);
        await page.fill('#search-input', 'Ekström');
        await page.press('#search-input', 'Enter');
        await page.locator('.search-meta', { hasText: want }).first().waitFor();
        assert.deepEqual(problems.filter((p) => !/status of 4\d\d/.test(p)), []);
      } finally {
        await context.close();
      }
    }
  } finally {
    const now = (await olle.call('GET', '/api/v1/admin/ticket-types/1')).body;
    r = await olle.call('PATCH', '/api/v1/admin/ticket-types/1', { version: now.version, name: tt.name, name_en: tt.name_en });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
});

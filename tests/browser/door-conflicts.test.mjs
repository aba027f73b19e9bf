// Browser test of the console's Door conflicts section: a person let in at
// two doors while both were offline (two uploads of offline scans) is
// listed once, with the check-in kept and the other admission, in Swedish
// and English; a device's name with HTML in it is shown as text; and
// axe-core finds nothing on the view.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  startDaemon, addUser, launch, newPage, apiCall, staffLogin, axeViolations, real, setLang, openView,
} from './harness.mjs';

let d = null;
let browser = null;

before(async () => {
  d = await startDaemon();
  addUser(d, 'olle', 'organiser', 'organiser password');
  addUser(d, 'anna', 'door', 'door staff password');
  browser = await launch();
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    if (d) await d.stop();
  }
});

test('a person let in at two doors offline is listed once, in both languages', async () => {
  const person = { first_name: 'Zoë', last_name: 'Ødegård-Łukasiewicz', email: 'zoe@example.se', company: 'Pressverk AB' };
  const reg = await apiCall(d.baseURL, 'POST', '/api/v1/registrations',
    { ticket_type: 1, privacy_accepted: true, contact: person, attendees: [person] });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  const code = reg.body.attendees[0].pass_code;
  const anna = await staffLogin(d.baseURL, 'anna', 'door staff password');
  const t = Date.now() - 600 * 1000;
  const send = (device, at) => anna.call('POST', '/api/v1/checkins/batch', {
    checkpoint: 'main', device,
    scans: [{ nonce: crypto.randomUUID(), at: new Date(at).toISOString(), code }],
  });
  assert.equal((await send('Entré norr', t + 30000)).body.results[0].result, 'ok');
  assert.equal((await send('<b>Entré syd</b>', t)).body.results[0].result, 'conflict');

  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await page.goto('/console/');
    await page.fill('#login-username', 'olle');
    await page.fill('#login-password', 'organiser password');
    await page.click('#login-submit');
    await page.locator('.console-nav a[aria-current="page"]').waitFor();
    await openView(page, '#/door-conflicts', '#door-conflicts-count');
    const rows = page.locator('#door-conflicts-table tbody tr');
    assert.equal(await rows.count(), 1);
    const row = await rows.first().innerText();
    assert.match(row, /Zoë Ødegård-Łukasiewicz/);
    assert.match(row, /Main entrance/);
    assert.match(row, /<b>Entré syd<\/b>/, 'the device name is text, not markup');
    assert.equal(await page.locator('#door-conflicts-table b').count(), 0);
    assert.match(row, /Entré norr/);
    assert.equal(await page.locator('#door-conflicts-count').textContent(), '1 conflicts in all.');
    assert.deepEqual(await axeViolations(page), []);
    await setLang(page, 'sv');
    assert.equal(await page.locator('#view h1').textContent(), 'Dörrkonflikter');
    assert.match(await rows.first().innerText(), /Huvudentrén/);
    assert.equal(await page.locator('#door-conflicts-count').textContent(), '1 konflikter totalt.');
    await setLang(page, 'en');
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

// Browser tests of the console's Mail section on a daemon without
// --smtp-url: a registration's confirmation waits in the outbox; the
// organiser sees it with its state and attempts in both languages, sends a
// failed one again, and axe-core finds nothing on the view.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  startDaemon, addUser, launch, newPage, apiCall, staffLogin, axeViolations, real, setLang, openView,
} from './harness.mjs';

const PASSWORD = 'organiser password';
let d = null;
let browser = null;
let olle = null;

before(async () => {
  d = await startDaemon();
  addUser(d, 'olle', 'organiser', PASSWORD);
  olle = await staffLogin(d.baseURL, 'olle', PASSWORD);
  browser = await launch();
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    if (d) await d.stop();
  }
});

test('the outbox is listed with its states, and a failed message is sent again', async () => {
  const email = `asa.${Date.now()}@example.se`;
  const person = { first_name: 'Åsa', last_name: 'Lindström-Öberg', email, company: 'Pressverk AB' };
  const r = await apiCall(d.baseURL, 'POST', '/api/v1/registrations', {
    ticket_type: 1, privacy_accepted: true, lang: 'en', contact: person, attendees: [person],
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const list = await olle.call('GET', '/api/v1/admin/outbox');
  assert.equal(list.status, 200);
  const [msg] = list.body.items;
  assert.equal(msg.recipient, email);
  assert.equal(msg.state, 'queued');

  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await page.goto('/console/');
    await page.fill('#login-username', 'olle');
    await page.fill('#login-password', PASSWORD);
    await page.click('#login-submit');
    await page.locator('.console-nav a[aria-current="page"]').waitFor();
    await openView(page, '#/mail', '#mail-table');
    const row = page.locator(`#mail-table [data-outbox-id="${msg.id}"]`);
    assert.match(await row.textContent(), /Confirmation/);
    assert.match(await row.textContent(), /Waiting/);
    assert.match(await row.textContent(), /Lindström-Öberg <asa\./);
    assert.deepEqual(await axeViolations(page), []);
    await setLang(page, 'sv');
    assert.match(await row.textContent(), /Bekräftelse/);
    assert.match(await row.textContent(), /Väntar/);
    assert.deepEqual(await axeViolations(page), []);
    await setLang(page, 'en');

    // Only failed ones shown; then one given up is sent again.
    await openView(page, '#/mail?state=failed', '#mail-count');
    assert.equal(await page.locator('#mail-table').count(), 0);
    execFileSync('sqlite3', [d.db,
      "UPDATE outbox SET state = 'failed', attempts = 12, last_error = 'Failed sending data (554): refused'"]);
    await openView(page, '#/mail?state=sent', '#mail-count');
    await openView(page, '#/mail?state=failed', '#mail-table');
    assert.match(await row.textContent(), /Failed/);
    assert.match(await row.textContent(), /554/);
    await row.locator('[data-retry]').click();
    await page.locator('#mail-table, #mail-count').first().waitFor();
    await page.waitForFunction(() => !document.querySelector('#mail-table [data-state="failed"]'));
    const after = await olle.call('GET', '/api/v1/admin/outbox');
    assert.equal(after.body.items[0].state, 'queued');
    assert.equal(after.body.items[0].attempts, 0);
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

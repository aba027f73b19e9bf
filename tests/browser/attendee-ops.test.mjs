// Browser test of an organiser's operations on one attendee, on the
// attendee's page in the console: found by an unaccented name, moved to
// another ticket type through the dialog that shows each type's seats
// left; promoted from the waitlist of a full type (refused, then beyond
// the quota); a new pass; and the ticket handed to someone else in
// Swedish, with a taken address refused beside its field, after which the
// old pass is unknown at the door. axe-core finds nothing on the page or
// in the dialogs, in either language.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  outDir, startDaemon, addUser, launch, newPage, apiCall, staffLogin, axeViolations, real, setLang,
} from './harness.mjs';

const PASSWORD = 'organiser password';
let d = null;
let browser = null;
let door = null;
let asa = null;
let zoe = null;

function person(first, last, company, extra = {}) {
  const email = `${first}.${last}`.normalize('NFD').replace(/[^a-zA-Z.]/g, '').toLowerCase();
  return { first_name: first, last_name: last, email: `${email}@example.se`, company, ...extra };
}

async function register(ticketType, people) {
  const r = await apiCall(d.baseURL, 'POST', '/api/v1/registrations', {
    ticket_type: ticketType, privacy_accepted: true, contact: people[0], attendees: people,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

before(async () => {
  d = await startDaemon();
  addUser(d, 'olle', 'organiser', PASSWORD);
  addUser(d, 'anna', 'door', 'door password');
  asa = (await register(1, [person('Åsa', 'Lindström-Öberg', 'Pressverk AB')])).attendees[0];
  await register(2, [person('Björn', 'Håkansdotter', 'SSAB')]);
  // The student type (10 seats, no waitlist by default) full, and one waiting.
  const olle = await staffLogin(d.baseURL, 'olle', PASSWORD);
  const tt = await olle.call('GET', '/api/v1/admin/ticket-types/3');
  const r = await olle.call('PATCH', '/api/v1/admin/ticket-types/3', { version: tt.body.version, quota: 1, waitlist: true });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  await register(3, [person('Karin', 'Ängström', 'LTH')]);
  zoe = (await register(3, [person('Zoë', 'Ødegård-Łukasiewicz', 'LTH')])).attendees[0];
  assert.equal(zoe.status, 'waitlisted');
  door = await staffLogin(d.baseURL, 'anna', 'door password');
  browser = await launch();
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    if (d) await d.stop();
  }
});

async function signIn(page) {
  await page.goto('/console/');
  await page.fill('#login-username', 'olle');
  await page.fill('#login-password', PASSWORD);
  await page.click('#login-submit');
  await page.locator('.console-nav a[aria-current="page"]').waitFor();
}

async function axeBoth(page, where, back = 'en') {
  for (const lang of ['sv', 'en']) {
    await setLang(page, lang);
    assert.deepEqual(await axeViolations(page), [], `axe, ${where}, ${lang}`);
  }
  await setLang(page, back);
}

/** axe on a dialog in each language: opened, checked, cancelled (a modal keeps the switch out of reach). */
async function axeDialog(page, kind, back = 'en') {
  for (const lang of ['sv', 'en']) {
    await setLang(page, lang);
    await page.click(`#attendee-${kind}`);
    await page.locator(`#${kind}-dialog .dialog-actions`).waitFor();
    assert.deepEqual(await axeViolations(page), [], `axe, ${kind} dialog, ${lang}`);
    await page.click(`#${kind}-cancel`);
    await page.locator(`#${kind}-dialog`).waitFor({ state: 'detached' });
  }
  await setLang(page, back);
}

async function scan(code) {
  const r = await door.call('POST', '/api/v1/checkins', { code });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.result;
}

async function attendee(id) {
  const olle = await staffLogin(d.baseURL, 'olle', PASSWORD);
  return (await olle.call('GET', `/api/v1/admin/attendees/${id}`)).body;
}

test('an organiser finds an attendee by an unaccented name and moves them to another ticket type', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await signIn(page);
    await setLang(page, 'en');
    await page.locator('.console-nav a[href="#/attendees"]').click();
    await page.locator('#attendee-table').waitFor();
    await page.locator('#attendee-q').pressSequentially('lindstrom', { delay: 30 });
    await page.waitForFunction(() => document.querySelectorAll('#attendee-table tbody tr').length === 1);
    await page.click('#attendee-table .attendee-name');
    await page.locator('#attendee-heading').waitFor();
    assert.equal(await page.locator('#attendee-heading').textContent(), 'Åsa Lindström-Öberg');
    // Confirmed: no promotion, the other three.
    assert.deepEqual(await page.locator('#attendee-ops button').allTextContents(),
      ['Move to another ticket type', 'Reissue pass', 'Hand the ticket to someone else']);
    await axeBoth(page, 'attendee page with its changes');

    await axeDialog(page, 'move');
    await page.click('#attendee-move');
    await page.locator('#move-dialog').waitFor();
    // The event's other types with their seats left (Non-member: 40 less Björn).
    const options = page.locator('#move-ticket-list .ticket-option');
    assert.equal(await options.count(), 3);
    assert.match(await page.locator('[data-ticket-type-id="2"]').textContent(), /Non-member.*Seats left: 39/);
    assert.match(await page.locator('[data-ticket-type-id="3"]').textContent(), /Student.*Full: only onto its waitlist/);
    // Nothing chosen: said beside the list, nothing sent.
    await page.click('#move-confirm');
    assert.equal(await page.locator('#move-ticket-type-error').textContent(), 'Choose the new ticket type.');
    // A full type without the waitlist ticked: refused, said in the dialog.
    await page.check('#move-type-3');
    await page.click('#move-confirm');
    await page.waitForFunction(() => /is full/.test(document.querySelector('#move-alert')?.textContent));
    assert.equal((await attendee(asa.id)).ticket_type, 1);
    await page.check('#move-type-2');
    await page.click('#move-confirm');
    await page.locator('#move-dialog').waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelector('#console-status')?.textContent.includes('has been moved'));
    assert.match(await page.locator('.attendee-page .badges').textContent(), /Non-member/);
    assert.equal(await page.locator('#attendee-pass .pass-code').textContent(), asa.pass_code);
    assert.match(await page.locator('#attendee-history li[data-action="attendee.move"]').textContent(),
      /olle: Moved to another ticket type/);
    const now = await attendee(asa.id);
    assert.equal(now.ticket_type, 2);
    assert.equal(now.version, 2);
    assert.equal(await scan(asa.pass_code), 'ok');
    await page.screenshot({ path: path.join(outDir, 'console-attendee-moved.png'), fullPage: true });
    assert.deepEqual(real(problems, 409), []);
  } finally {
    await context.close();
  }
});

test('promote from a full waitlist beyond the quota, and a new pass', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await signIn(page);
    await setLang(page, 'en');
    await page.evaluate((id) => { location.hash = `#/attendees/${id}`; }, zoe.id);
    await page.locator('#attendee-promote').waitFor();
    await axeDialog(page, 'promote');
    await page.click('#attendee-promote');
    await page.locator('#promote-dialog').waitFor();
    await page.click('#promote-confirm');
    await page.waitForFunction(() => /Beyond the quota/.test(document.querySelector('#promote-alert')?.textContent));
    await page.check('#promote-beyond-quota');
    await page.click('#promote-confirm');
    await page.locator('#promote-dialog').waitFor({ state: 'detached' });
    await page.locator('#attendee-pass .pass-code').waitFor();
    const code = await page.locator('#attendee-pass .pass-code').textContent();
    assert.equal(await scan(code), 'ok');

    await page.click('#attendee-reissue');
    await page.locator('#reissue-dialog').waitFor();
    await page.click('#reissue-confirm');
    await page.locator('#reissue-dialog').waitFor({ state: 'detached' });
    await page.waitForFunction((old) => {
      const c = document.querySelector('#attendee-pass .pass-code');
      return c && c.textContent !== old;
    }, code);
    assert.equal(await scan(code), 'unknown');
    assert.equal(await scan(await page.locator('#attendee-pass .pass-code').textContent()), 'already_checked_in');
    assert.deepEqual(real(problems, 409), []);
  } finally {
    await context.close();
  }
});

test('the ticket handed to someone else, in Swedish', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL, { locale: 'sv-SE' });
  try {
    await signIn(page);
    await setLang(page, 'sv');
    await page.evaluate((id) => { location.hash = `#/attendees/${id}`; }, asa.id);
    await page.locator('#attendee-substitute').waitFor();
    assert.equal(await page.locator('#attendee-substitute').textContent(), 'Överlåt biljetten till någon annan');
    await axeDialog(page, 'substitute', 'sv');
    await page.click('#attendee-substitute');
    await page.locator('#substitute-dialog').waitFor();
    await page.fill('#substitute-first-name', 'Olof');
    await page.fill('#substitute-last-name', 'Åberg');
    // Björn's address is taken in the event: said beside the field.
    await page.fill('#substitute-email', 'bjorn.hakansdotter@example.se');
    await page.click('#substitute-confirm');
    await page.waitForFunction(() => document.querySelector('#substitute-email[aria-invalid="true"]'));
    assert.match(await page.locator('#substitute-dialog').textContent(), /redan registrerad/);
    await page.fill('#substitute-email', 'olof.aberg@example.se');
    await page.fill('#substitute-company', 'Pressverk AB');
    await page.click('#substitute-confirm');
    await page.locator('#substitute-dialog').waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelector('#attendee-heading')?.textContent === 'Olof Åberg');
    assert.match(await page.locator('#console-status').textContent(), /Biljetten har överlåtits/);
    assert.equal(await scan(asa.pass_code), 'unknown');
    const code = await page.locator('#attendee-pass .pass-code').textContent();
    assert.notEqual(code, asa.pass_code);
    assert.equal(await scan(code), 'ok');
    await page.screenshot({ path: path.join(outDir, 'console-attendee-substituted.png'), fullPage: true });
    assert.deepEqual(real(problems, 409, 422), []);
  } finally {
    await context.close();
  }
});

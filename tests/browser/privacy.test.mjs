// Browser tests: personal data. An attendee opens their link, downloads
// "my data" (the file is JSON with their rows), and deletes the
// registration after confirming; the link then opens a clear page. The
// privacy notice in Swedish and English, with the organiser's name (HTML
// in it stays text) and the erasure period from the event's settings; the
// registration form links it. An organiser sets the period in the
// console and erases the event's data after a dry run. axe-core on each.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import {
  startDaemon, launch, newPage as harnessPage, apiCall, addUser, staffLogin, axeViolations,
  real, setLang, openView,
} from './harness.mjs';

const PASSWORD = 'correct horse battery';
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

function newPage(opts) {
  return harnessPage(browser, d.baseURL, { acceptDownloads: true, ...opts });
}

function email(local) {
  return `${local}.${crypto.randomBytes(5).toString('hex')}@example.se`;
}

async function group(people) {
  const attendees = people.map(([first, last]) => ({
    first_name: first, last_name: last, email: email('p'), company: 'Pressverk AB', dietary: 'Vegetarisk',
  }));
  const r = await apiCall(d.baseURL, 'POST', '/api/v1/registrations', {
    ticket_type: 1, privacy_accepted: true, contact: attendees[0], attendees,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function patchEvent(values) {
  const ev = await olle.call('GET', '/api/v1/admin/events/1');
  const r = await olle.call('PATCH', '/api/v1/admin/events/1', { version: ev.body.version, ...values });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

test('an attendee downloads their data and deletes the registration after confirming', async () => {
  const reg = await group([['Åsa', 'Lindström-Öberg'], ['Björn', 'Håkansdotter']]);
  const { context, page, problems } = await newPage();
  try {
    await page.goto(`/manage.html#t=${reg.manage_token}`);
    await page.locator('#privacy-panel').waitFor();
    assert.deepEqual(await axeViolations(page), []);

    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#privacy-download')]);
    assert.equal(dl.suggestedFilename(), 'techtank-my-data.json');
    const doc = JSON.parse(fs.readFileSync(await dl.path(), 'utf8'));
    assert.equal(doc.link, 'registration');
    assert.deepEqual(doc.attendees.map((a) => a.first_name), ['Åsa', 'Björn']);
    assert.equal(doc.registration.contact_email, reg.attendees[0].email);
    assert.deepEqual(doc.passes.map((p) => p.pass_code), reg.attendees.map((a) => a.pass_code));

    // Asked first; "no" keeps everything.
    await page.click('#erase-open');
    await page.locator('#erase-dialog[open]').waitFor();
    assert.match(await page.textContent('#erase-dialog-text'), /2 seats/);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'erase-keep');
    assert.deepEqual(await axeViolations(page), []);
    await page.click('#erase-keep');
    assert.equal((await apiCall(d.baseURL, 'GET', `/api/v1/registrations/${reg.manage_token}`)).status, 200);

    await page.click('#erase-open');
    await page.click('#erase-confirm');
    await page.locator('#page-title', { hasText: 'Your data is erased' }).waitFor();
    assert.deepEqual(await axeViolations(page), []);
    assert.equal((await apiCall(d.baseURL, 'GET', `/api/v1/registrations/${reg.manage_token}`)).status, 404);

    // The link again: a clear page, in Swedish too.
    await page.reload();
    await page.locator('#page-title', { hasText: 'Registration not found' }).waitFor();
    assert.match(await page.textContent('#content'), /deleted/);
    await setLang(page, 'sv');
    await page.locator('#page-title', { hasText: 'Anmälan hittades inte' }).waitFor();
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(real(problems, 404), []);
  } finally {
    await context.close();
  }
});

test('a colleague\'s link deletes that colleague alone, in Swedish', async () => {
  const reg = await group([['Lena', 'Öberg'], ['Olof', 'Åberg']]);
  const colleague = reg.attendees[1];
  const { context, page, problems } = await newPage({ locale: 'sv-SE' });
  try {
    await page.goto(`/manage.html#t=${colleague.manage_token}`);
    await page.locator('#privacy-panel').waitFor();
    await setLang(page, 'sv');
    await page.getByRole('button', { name: 'Radera min anmälan' }).click();
    assert.match(await page.textContent('#erase-dialog-text'), /Dina kollegor behåller sina platser/);
    await page.getByRole('button', { name: 'Ja, radera allt' }).click();
    await page.locator('#page-title', { hasText: 'Dina uppgifter är raderade' }).waitFor();
    const view = await apiCall(d.baseURL, 'GET', `/api/v1/registrations/${reg.manage_token}`);
    assert.deepEqual(view.body.attendees.map((a) => a.status), ['confirmed', 'cancelled']);
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('the privacy notice in Swedish and English, linked from the registration form', async () => {
  await patchEvent({
    organiser_name: '<img src=x onerror=alert(1)>Techtank i Sydsverige', contact_email: 'gdpr@techtank.example',
    erase_after_days: 90, privacy_notice: 'Vi sparar inget <b>annat</b>.', privacy_notice_en: 'We keep nothing <b>else</b>.',
  });
  const { context, page, problems } = await newPage();
  try {
    await page.goto('/register.html');
    const link = page.locator('#privacy-link');
    await link.waitFor();
    assert.equal(await link.getAttribute('href'), 'privacy.html');

    await page.goto('/privacy.html');
    await page.locator('#privacy-who', { hasText: 'Techtank i Sydsverige' }).waitFor();
    await setLang(page, 'en');
    assert.equal(await page.textContent('#privacy-who'),
      '<img src=x onerror=alert(1)>Techtank i Sydsverige is responsible for the personal data of Techtank Conference 2027.');
    assert.equal(await page.locator('main img, main b').count(), 0);
    assert.equal(await page.getAttribute('#privacy-email', 'href'), 'mailto:gdpr@techtank.example');
    // The demo event ends on 1 December 2027: 90 days later.
    assert.match(await page.textContent('#privacy-how-long'), /^Until 90 days after the event ends: on 29 February 2028/);
    assert.equal(await page.textContent('#privacy-notice'), 'We keep nothing <b>else</b>.');
    assert.match(await page.textContent('main'), /Download my data/);
    assert.deepEqual(await axeViolations(page), []);

    await setLang(page, 'sv');
    await page.locator('#privacy-title', { hasText: 'Så hanterar vi dina personuppgifter' }).waitFor();
    assert.match(await page.textContent('#privacy-who'), /är personuppgiftsansvarig för Techtank Conference 2027/);
    assert.match(await page.textContent('#privacy-how-long'), /^Till 90 dagar efter att evenemanget slutat: 29 februari 2028/);
    assert.equal(await page.textContent('#privacy-notice'), 'Vi sparar inget <b>annat</b>.');
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('an organiser sets the period and erases the event\'s data after a dry run', async () => {
  const reg = await group([['Zoë', 'Ødegård-Łukasiewicz']]);
  const { context, page, problems } = await newPage();
  try {
    await page.goto('/console/');
    await page.fill('#login-username', 'olle');
    await page.fill('#login-password', PASSWORD);
    await page.click('#login-submit');
    await page.locator('.console-nav a[aria-current="page"]').waitFor();
    await openView(page, '#/events/1', '#event-form');
    await page.fill('#event-erase-after-days', '0');
    await page.click('#event-save');
    await page.locator('#event-erase-after-days-error', { hasText: '1 to 3 650' }).waitFor();
    await page.fill('#event-erase-after-days', '30');
    await page.click('#event-save');
    await page.locator('#event-save-status', { hasText: /saved/i }).waitFor();
    const ev = await olle.call('GET', '/api/v1/admin/events/1');
    assert.equal(ev.body.erase_after_days, 30);

    await page.click('#erase-dry-run');
    await page.locator('#erase-counts').waitFor();
    assert.match(await page.textContent('#erase-counts'), /Attendees/);
    assert.deepEqual(await axeViolations(page), []);
    assert.equal((await apiCall(d.baseURL, 'GET', `/api/v1/registrations/${reg.manage_token}`)).status, 200);

    await page.fill('#erase-confirm', 'techtank-2026');
    await page.click('#erase-submit');
    await page.locator('#erase-confirm-error', { hasText: 'techtank-2027' }).waitFor();
    assert.equal((await apiCall(d.baseURL, 'GET', `/api/v1/registrations/${reg.manage_token}`)).status, 200);

    await page.fill('#erase-confirm', 'techtank-2027');
    await page.click('#erase-submit');
    await page.locator('#erase-status', { hasText: 'The personal data is erased.' }).waitFor();
    assert.equal((await apiCall(d.baseURL, 'GET', `/api/v1/registrations/${reg.manage_token}`)).status, 404);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(real(problems, 422), []);
  } finally {
    await context.close();
  }
});

// Browser tests of "send me my link" (link.html): a registered address and
// an unknown one get the same answer on the page; the link waits in the
// outbox for the registered one only, and opens the registration; asking
// too often shows the server's refusal in the page's language; the
// registration form offers the page when an address is registered already;
// axe-core finds nothing, and no page logs an error.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  startDaemon, addUser, launch, newPage, apiCall, staffLogin, axeViolations, real, setLang,
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

function sql(q) {
  return execFileSync('sqlite3', [d.db, q], { encoding: 'utf8' }).trim();
}

async function register(email, lang = 'sv') {
  const person = { first_name: 'Åsa', last_name: 'Lindström-Öberg', email, company: 'Pressverk AB' };
  const r = await apiCall(d.baseURL, 'POST', '/api/v1/registrations', {
    ticket_type: 1, privacy_accepted: true, lang, contact: person, attendees: [person],
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function linkMessages(to) {
  const list = await olle.call('GET', '/api/v1/admin/outbox?limit=100');
  assert.equal(list.status, 200);
  return list.body.items.filter((m) => m.kind === 'link' && m.recipient === to);
}

/** Ask on the page for addr's link; the answer shown, the address taken out. */
async function ask(page, addr) {
  await page.fill('#link-email', addr);
  await page.click('#link-submit');
  // The answer to this ask, not the one before it still on the page.
  await page.waitForFunction((a) => document.querySelector('#link-status').textContent.includes(a)
    || document.querySelector('#link-alert').textContent, addr);
  const status = await page.locator('#link-status').textContent();
  const alert = await page.locator('#link-alert').textContent();
  return { status: status.replace(addr, 'ADDRESS'), alert };
}

test('a known and an unknown address get the same answer; the link is mailed and opens the registration', async () => {
  const known = `asa.known.${Date.now()}@example.se`;
  const unknown = `nobody.${Date.now()}@example.se`;
  const reg = await register(known);
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await page.goto('/link.html');
    await page.locator('#link-form').waitFor();
    assert.equal(await page.locator('h1').textContent(), 'Send me my link');
    assert.deepEqual(await axeViolations(page), []);

    const a = await ask(page, known);
    assert.match(a.status, /ADDRESS belongs to a registration/);
    assert.equal(a.alert, '');
    const b = await ask(page, unknown);
    assert.deepEqual(b, a);
    assert.deepEqual(await axeViolations(page), []);

    // The same words in Swedish.
    await setLang(page, 'sv');
    assert.match(await page.locator('#link-status').textContent(), /hör till en anmälan/);
    assert.equal(await page.locator('h1').textContent(), 'Skicka min länk');

    // Only the registered address has a message, a link one.
    assert.equal((await linkMessages(unknown)).length, 0);
    const [msg] = await linkMessages(known);
    assert.ok(msg, 'a link message for the registered address');
    assert.equal(msg.state, 'queued');
    assert.equal(msg.lang, 'sv');
    assert.equal(msg.registration_id, reg.id);
    assert.equal(Number(sql(`SELECT count(*) FROM outbox WHERE recipient = '${unknown}'`)), 0);

    // The link the message gives (the registration's manage token) opens it.
    const token = sql(`SELECT manage_token FROM registrations WHERE id = ${msg.registration_id}`);
    assert.equal(token, reg.manage_token);
    await page.goto(`/manage.html#t=${encodeURIComponent(token)}`);
    await page.locator('#content').getByText('Lindström-Öberg').first().waitFor();
    assert.match(await page.locator('#content').textContent(), /Pressverk AB|Lindström-Öberg/);
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('asking too often shows the refusal in the page language', async () => {
  const email = `asa.often.${Date.now()}@example.se`;
  await register(email);
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await page.goto('/link.html?lang=sv');
    await page.locator('#link-form').waitFor();
    for (let i = 0; i < 3; i++) {
      const r = await ask(page, email);
      assert.match(r.status, /hör till en anmälan/);
      assert.equal(r.alert, '');
    }
    const r = await ask(page, email);
    assert.equal(r.status, '');
    assert.match(r.alert, /för många gånger\. Försök igen om 1[0-5] minuter\./);
    assert.deepEqual(await axeViolations(page), []);
    await setLang(page, 'en');
    assert.match(await page.locator('#link-alert').textContent(), /too many times\. Please try again in 1[0-5] minutes\./);
    // Three messages, not four: the refused ask sent nothing.
    assert.equal((await linkMessages(email)).length, 3);
    // A malformed address is the field's error, not an answer.
    await page.fill('#link-email', 'not an address');
    await page.click('#link-submit');
    await page.locator('#link-email-error:not([hidden])').waitFor();
    assert.equal(await page.locator('#link-email').getAttribute('aria-invalid'), 'true');
    assert.deepEqual(real(problems, 429, 422), []);
  } finally {
    await context.close();
  }
});

test('the start page and the registration form lead to the page', async () => {
  const email = `asa.taken.${Date.now()}@example.se`;
  await register(email, 'en');
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await page.goto('/index.html');
    await page.locator('#lost-link').waitFor();
    assert.match(await page.locator('#lost-link').getAttribute('href'), /^link\.html/);
    await page.goto('/register.html');
    await page.locator('#lost-link').waitFor();
    await page.locator('#ticket-list input[type="radio"]:not([disabled])').first().check();
    await page.fill('#contact-first_name', 'Åsa');
    await page.fill('#contact-last_name', 'Lindström-Öberg');
    await page.fill('#contact-email', email);
    const att = page.locator('#attendee-list .attendee').first();
    await att.locator('[data-name="first_name"]').fill('Åsa');
    await att.locator('[data-name="last_name"]').fill('Lindström-Öberg');
    await att.locator('[data-name="email"]').fill(email);
    await page.check('#privacy_accepted');
    await page.click('#submit-button');
    await page.locator('#taken-link').waitFor();
    assert.match(await page.locator('#taken-link').getAttribute('href'), /^link\.html/);
    assert.deepEqual(await axeViolations(page), []);
    await page.click('#taken-link');
    await page.locator('#link-form').waitFor();
    assert.deepEqual(real(problems, 422), []);
  } finally {
    await context.close();
  }
});

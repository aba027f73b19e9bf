// Browser tests: session sign-ups from "my registration". An attendee
// signs up to a full study visit that keeps a waitlist and is shown
// waiting with their place in line, then drops another session, in
// Swedish and in English; a session at the same time as one held is
// refused with the words for it; the organiser sees the place in line on
// the attendee's page in the console; the registration page offers a full
// session that keeps a waitlist, and ticking it is a place in its line.
// axe-core on each page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import {
  startDaemon, launch, newPage as harnessPage, apiCall, addUser, staffLogin, axeViolations,
  real, setLang, outDir,
} from './harness.mjs';

const PASSWORD = 'correct horse battery';
let d = null;
let browser = null;
let olle = null;
const ids = {};

const at = (hm) => `2027-11-30T${hm}:00+01:00`;

/** A session with a sign-up, published: only a release's take sign-ups. */
async function session(title, titleEn, start, end, seats, waitlist) {
  const r = await olle.call('POST', '/api/v1/admin/events/1/sessions', {
    title, title_en: titleEn, kind: 'visit', starts_at: at(start), ends_at: at(end),
    room_id: null, seats, signup: true, waitlist,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const p = await olle.call('POST', '/api/v1/admin/events/1/releases', {});
  assert.equal(p.status, 201, JSON.stringify(p.body));
  return r.body.id;
}

function email() {
  return `p.${crypto.randomBytes(5).toString('hex')}@example.se`;
}

async function register(first, last, sessions) {
  const a = { first_name: first, last_name: last, email: email(), company: 'Pressverk AB', sessions };
  const r = await apiCall(d.baseURL, 'POST', '/api/v1/registrations', {
    ticket_type: 1, privacy_accepted: true, contact: a, attendees: [a],
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function state(token) {
  const r = await apiCall(d.baseURL, 'GET', `/api/v1/registrations/${token}`);
  const a = r.body.attendees[0];
  return {
    seats: a.sessions.map((s) => s.id).sort(),
    waiting: a.sessions_waiting.map((s) => [s.id, s.state, s.position]),
  };
}

before(async () => {
  d = await startDaemon();
  addUser(d, 'olle', 'organiser', PASSWORD);
  olle = await staffLogin(d.baseURL, 'olle', PASSWORD);
  // Between the demo's study visit (13:00-15:30) and its dinner (19:00).
  ids.visit = await session('Pressbesök i Olofström', 'Press visit in Olofström', '16:00', '17:00', 1, true);
  ids.workshop = await session('Verktygsverkstad', 'Tool workshop', '17:00', '18:00', 10, false);
  ids.clash = await session('Materiallabbet', 'Materials lab', '17:30', '18:30', 10, false);
  await register('Zoë', 'Ødegård-Łukasiewicz', [ids.visit]);
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
  return harnessPage(browser, d.baseURL, opts);
}

/** The row of a session in the first attendee's card. */
function row(page, title) {
  return page.locator('#sessions-0 .session-choice', { hasText: title });
}

test('sv: sign up to a full session, shown waiting with its position, then drop another', async () => {
  const reg = await register('Åsa', 'Lindström-Öberg', [ids.workshop]);
  const { context, page, problems } = await newPage({ locale: 'sv-SE' });
  try {
    await page.goto(`/manage.html#t=${reg.manage_token}`);
    await page.locator('#sessions-0').waitFor();
    await setLang(page, 'sv');
    assert.equal(await page.locator('#sessions-0-heading').textContent(), 'Programpunkter med anmälan');
    assert.match(await row(page, 'Pressbesök i Olofström').textContent(), /Fullbokat – väntelistan är öppen/);
    assert.match(await row(page, 'Verktygsverkstad').textContent(), /Du har en plats/);
    assert.match(await row(page, 'Materiallabbet').textContent(), /10 platser kvar/);
    assert.deepEqual(await axeViolations(page), []);

    await page.getByRole('button', { name: 'Ställ dig på väntelistan – Pressbesök i Olofström' }).click();
    await page.locator('#page-status', { hasText: 'Åsa Lindström-Öberg är nummer 1 på väntelistan till Pressbesök i Olofström.' }).waitFor();
    assert.match(await row(page, 'Pressbesök i Olofström').textContent(), /På väntelistan: nummer 1/);
    await page.getByRole('button', { name: 'Lämna väntelistan – Pressbesök i Olofström' }).waitFor();
    assert.deepEqual(await state(reg.manage_token), { seats: [ids.workshop], waiting: [[ids.visit, 'waiting', 1]] });

    // A seat of a limited session is given up only when asked twice.
    await page.getByRole('button', { name: 'Avanmäl – Verktygsverkstad' }).click();
    await page.locator('#sessions-0-alert', { hasText: 'Platsen på Verktygsverkstad går till nästa i kön' }).waitFor();
    assert.deepEqual(await state(reg.manage_token), { seats: [ids.workshop], waiting: [[ids.visit, 'waiting', 1]] });
    await page.getByRole('button', { name: 'Ja, lämna platsen – Verktygsverkstad' }).click();
    await page.locator('#page-status', { hasText: 'Åsa Lindström-Öberg är inte längre anmäld till Verktygsverkstad.' }).waitFor();
    assert.match(await row(page, 'Verktygsverkstad').textContent(), /10 platser kvar/);
    await page.getByRole('button', { name: 'Anmäl – Verktygsverkstad' }).waitFor();
    assert.deepEqual(await state(reg.manage_token), { seats: [], waiting: [[ids.visit, 'waiting', 1]] });
    assert.deepEqual(await axeViolations(page), []);
    await page.screenshot({ path: path.join(outDir, 'manage-sessions-sv.png'), fullPage: true });
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('en: join the line second, drop a session, and a session at the same time is refused', async () => {
  const reg = await register('Björn', 'Håkansdotter', [ids.workshop]);
  const { context, page, problems } = await newPage({ locale: 'en-GB' });
  try {
    await page.goto(`/manage.html#t=${reg.manage_token}`);
    await page.locator('#sessions-0').waitFor();
    await setLang(page, 'en');
    assert.equal(await page.locator('#sessions-0-heading').textContent(), 'Sessions with sign-up');
    assert.match(await row(page, 'Press visit in Olofström').textContent(), /Fully booked – the waitlist is open/);

    // The lab overlaps the workshop held: refused, in words, nothing changed.
    await page.getByRole('button', { name: 'Sign up – Materials lab' }).click();
    await page.locator('#sessions-0-alert', { hasText: 'Materials lab is at the same time as Tool workshop. Cancel that sign-up first.' }).waitFor();
    assert.deepEqual(await state(reg.manage_token), { seats: [ids.workshop], waiting: [] });

    await page.getByRole('button', { name: 'Join the waitlist – Press visit in Olofström' }).click();
    await page.locator('#page-status', { hasText: 'Björn Håkansdotter is number 2 on the waitlist for Press visit in Olofström.' }).waitFor();
    assert.match(await row(page, 'Press visit in Olofström').textContent(), /On the waitlist: number 2/);

    await page.getByRole('button', { name: 'Cancel the sign-up – Tool workshop' }).click();
    await page.locator('#sessions-0-alert', { hasText: 'The seat on Tool workshop goes to the next in line' }).waitFor();
    await page.getByRole('button', { name: 'Yes, give up the seat – Tool workshop' }).click();
    await page.locator('#page-status', { hasText: 'Björn Håkansdotter is no longer signed up for Tool workshop.' }).waitFor();
    // Now the lab fits.
    await page.getByRole('button', { name: 'Sign up – Materials lab' }).click();
    await page.locator('#page-status', { hasText: 'Björn Håkansdotter has a seat at Materials lab.' }).waitFor();
    assert.match(await row(page, 'Materials lab').textContent(), /You have a seat/);
    assert.deepEqual(await state(reg.manage_token), { seats: [ids.clash], waiting: [[ids.visit, 'waiting', 2]] });
    assert.deepEqual(await axeViolations(page), []);
    await page.screenshot({ path: path.join(outDir, 'manage-sessions-en.png'), fullPage: true });
    assert.deepEqual(real(problems, 409), []);
  } finally {
    await context.close();
  }
});

test('the organiser sees an attendee\'s place in a session\'s line in the console', async () => {
  const reg = await register('Olof', 'Åberg', [ids.visit]);
  const aid = reg.attendees[0].id;
  const { context, page, problems } = await newPage({ locale: 'en-GB' });
  try {
    await page.goto('/console/');
    await page.fill('#login-username', 'olle');
    await page.fill('#login-password', PASSWORD);
    await page.click('#login-submit');
    await page.locator('.console-nav a[aria-current="page"]').waitFor();
    await setLang(page, 'en');
    await page.evaluate((id) => { location.hash = `#/attendees/${id}`; }, aid);
    await page.locator('#attendee-sessions-waiting').waitFor();
    // Åsa and Björn are ahead in line.
    assert.equal((await page.locator('#attendee-sessions-waiting').textContent()).replace(/\s+/g, ' ').trim(),
      'Pressbesök i Olofström (waitlist: number 3)');
    assert.deepEqual(await axeViolations(page), []);
    await setLang(page, 'sv');
    await page.locator('#attendee-sessions-waiting', { hasText: 'väntelista: nummer 3' }).waitFor();
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('en: the registration page offers a full session that keeps a waitlist, and the attendee joins its line', async () => {
  const { context, page, problems } = await newPage({ locale: 'en-GB' });
  try {
    await page.goto('/register.html');
    await setLang(page, 'en');
    await page.locator('#ticket-list input[type="radio"]:not([disabled])').first().check();
    const address = email();
    await page.fill('#contact-first_name', 'Karin');
    await page.fill('#contact-last_name', 'Ängström');
    await page.fill('#contact-email', address);
    await page.fill('#contact-company', 'LTH');
    const att = page.locator('#attendee-list .attendee').first();
    await att.locator('[data-name="first_name"]').fill('Karin');
    await att.locator('[data-name="last_name"]').fill('Ängström');
    await att.locator('[data-name="email"]').fill(address);
    const visit = att.getByLabel(/Press visit in Olofström|Pressbesök i Olofström/);
    await visit.waitFor();
    assert.equal(await visit.isDisabled(), false, 'a full session with a line can be ticked');
    const label = att.locator(`label[for="${await visit.getAttribute('id')}"]`);
    assert.match(await label.textContent(), /Full – you join its waitlist/);
    await visit.check();
    await page.check('#privacy_accepted');
    await Promise.all([
      page.waitForURL(/\/manage\.html\?lang=(sv|en)#t=[^&]+&new=1$/),
      page.click('#submit-button'),
    ]);
    const token = new URL(page.url()).hash.match(/t=([^&]+)/)[1];
    const got = await state(token);
    assert.deepEqual(got.seats, []);
    assert.equal(got.waiting.length, 1);
    assert.deepEqual(got.waiting[0].slice(0, 2), [ids.visit, 'waiting']);
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

// Browser tests: the public pages driven in Debian's headless Chromium via
// playwright-core, against the real techtankd on a free loopback port.
//
//   node --test tests/browser/
//
// TECHTANKD=path/to/techtankd overrides the binary (default ./techtankd at
// the repo root). Screenshots go to tests/browser/out/ (gitignored).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { outDir, startDaemon, launch, newPage as harnessPage, apiCall } from './harness.mjs';

let d = null;
let baseURL = null;
let browser = null;

before(async () => {
  d = await startDaemon();
  baseURL = d.baseURL;
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
  return harnessPage(browser, baseURL, opts);
}

function api(method, p, body, headers = {}) {
  return apiCall(baseURL, method, p, body, headers);
}

function uniqueEmail(local) {
  return `${local}.${crypto.randomBytes(5).toString('hex')}@example.se`;
}

test('register Åsa on a phone, see the pass, cancel through the private link', async () => {
  const { context, page, problems } = await newPage();
  try {
    await page.goto('/register.html');
    const firstTicket = page.locator('#ticket-list input[type="radio"]:not([disabled])').first();
    await firstTicket.waitFor();
    await firstTicket.check();
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, 'no sideways scrolling on a phone');

    const email = uniqueEmail('asa');
    await page.getByLabel('First name').first().fill('Åsa');
    await page.fill('#contact-last_name', 'Lindström-Öberg');
    await page.fill('#contact-email', email);
    await page.fill('#contact-company', 'Pressverk AB');
    // The first attendee: the same person (typed in explicitly as well).
    const att = page.locator('#attendee-list .attendee').first();
    await att.locator('[data-name="first_name"]').fill('Åsa');
    await att.locator('[data-name="last_name"]').fill('Lindström-Öberg');
    await att.locator('[data-name="email"]').fill(email);
    await att.locator('[data-name="company"]').fill('Pressverk AB');
    await att.locator('[data-name="dietary"]').fill('Vegetarisk, ingen laktos');
    await att.locator('[data-name="listed"]').check();
    await page.check('#privacy_accepted');

    await Promise.all([
      page.waitForURL(/\/manage\.html#t=[^&]+&new=1$/),
      page.click('#submit-button'),
    ]);
    assert.ok(!new URL(page.url()).search, 'the token must not be in a query string');

    const card = page.locator('#attendee-list .attendee-card').first();
    await card.waitFor();
    assert.equal((await card.locator('.attendee-name').textContent()).trim(), 'Åsa Lindström-Öberg');
    const passCode = (await card.locator('.pass-code').textContent()).trim();
    assert.ok(passCode.startsWith('TT-'), `pass code ${passCode}`);
    assert.match(await page.locator('#next-heading').textContent(), /what happens next/i);
    // The pass downloads: a PDF to print and a PNG for the phone.
    for (const [name, type] of [['Pass to print (PDF)', 'application/pdf'], ['Pass for the phone (PNG)', 'image/png']]) {
      const href = await card.getByRole('link', { name }).getAttribute('href');
      const res = await fetch(new URL(href, baseURL));
      assert.equal(res.status, 200, href);
      assert.equal(res.headers.get('content-type'), type);
    }
    await page.screenshot({ path: path.join(outDir, 'confirmation.png'), fullPage: true });

    // The private link shown on the page opens the registration.
    const link = await page.inputValue('#manage-link');
    const token = new URL(link).hash.match(/t=([^&]+)/)[1];
    await page.goto(link);
    await page.locator('#registration-status .status--confirmed').waitFor();
    assert.equal(await page.locator('#next-heading').count(), 0, 'no "what happens next" without new=1');

    // Cancel through the confirm step (a real <dialog>).
    await page.click('#cancel-open');
    const dialog = page.locator('#cancel-dialog');
    await dialog.waitFor({ state: 'visible' });
    assert.equal(await dialog.evaluate((d) => d.open), true);
    await page.click('#cancel-confirm');
    await page.locator('#registration-status .status--cancelled').waitFor();
    assert.equal(await dialog.evaluate((d) => d.open), false);
    await page.screenshot({ path: path.join(outDir, 'cancelled.png'), fullPage: true });

    const r = await api('GET', `/api/v1/registrations/${token}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'cancelled');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('sign-ups for the study visit and the dinner are sent, shown and kept', async () => {
  const { context, page, problems } = await newPage();
  try {
    await page.goto('/register.html');
    await page.locator('#ticket-list input[type="radio"]:not([disabled])').first().check();
    const email = uniqueEmail('bjorn');
    await page.fill('#contact-first_name', 'Björn');
    await page.fill('#contact-last_name', 'Håkansdotter');
    await page.fill('#contact-email', email);
    await page.fill('#contact-company', 'Blekinge Verktyg AB');
    const att = page.locator('#attendee-list .attendee').first();
    const visit = att.getByLabel(/Study visit/);
    const dinner = att.getByLabel(/Conference dinner/);
    await visit.waitFor();
    assert.equal(await att.locator('.signups legend').textContent(), 'Sign up for (limited seats)');
    await visit.check();
    await dinner.check();
    await page.check('#privacy_accepted');
    await page.screenshot({ path: path.join(outDir, 'register-signups.png'), fullPage: true });
    await Promise.all([
      page.waitForURL(/\/manage\.html#t=[^&]+&new=1$/),
      page.click('#submit-button'),
    ]);
    const card = page.locator('#attendee-list .attendee-card').first();
    await card.locator('.signed-up li').first().waitFor();
    const titles = await card.locator('.signed-up li').allTextContents();
    assert.equal(titles.length, 2);
    assert.ok(titles[0].startsWith('Study visit'), titles[0]);
    assert.equal(titles[1], 'Conference dinner');
    const token = page.url().match(/#t=([^&]+)/)[1];
    const r = await api('GET', `/api/v1/registrations/${token}`);
    assert.deepEqual(r.body.attendees[0].sessions.map((x) => x.id), [9, 11]);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a retry after a lost answer does not register twice (Idempotency-Key)', async () => {
  const { context, page, problems } = await newPage();
  try {
    const keys = [];
    let replayed = null;
    // The first POST reaches the server, but its answer is "lost" on the way back.
    await page.route('**/api/v1/registrations', async (route) => {
      const req = route.request();
      if (req.method() !== 'POST') return route.continue();
      keys.push(req.headers()['idempotency-key']);
      const response = await route.fetch();
      if (keys.length === 1) {
        assert.equal(response.status(), 201);
        return route.abort('connectionreset');
      }
      replayed = response.headers()['idempotent-replayed'];
      return route.fulfill({ response });
    });
    await page.goto('/register.html');
    await page.locator('#ticket-list input[type="radio"]:not([disabled])').first().check();
    const email = uniqueEmail('bjorn');
    await page.fill('#contact-first_name', 'Björn');
    await page.fill('#contact-last_name', 'Håkansdotter');
    await page.fill('#contact-email', email);
    await page.fill('#contact-company', 'Blekinge Verktyg AB');
    await page.check('#privacy_accepted');
    await page.click('#submit-button');
    await page.locator('#form-alert:not(:empty)').waitFor();
    assert.match(page.url(), /register\.html$/);

    await Promise.all([page.waitForURL(/manage\.html#t=/), page.click('#submit-button')]);
    assert.equal(keys.length, 2);
    assert.ok(keys[0] && keys[0] === keys[1], 'the retry sends the same Idempotency-Key');
    assert.equal(replayed, 'true');
    await page.locator('#attendee-list .attendee-card').first().waitFor();
    assert.equal(await page.locator('#attendee-list .attendee-card').count(), 1);
    assert.deepEqual(problems.filter((p) => !/ERR_CONNECTION_RESET|Failed to load resource/.test(p)), []);
  } finally {
    await context.close();
  }
});

test('the empty form shows errors beside the fields and registers no one', async () => {
  const before = await api('GET', '/api/v1/event');
  const { context, page, problems } = await newPage();
  try {
    await page.goto('/register.html');
    await page.locator('#ticket-list input[type="radio"]').first().waitFor();
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/registrations'));
    await page.click('#submit-button');
    assert.equal((await answer).status(), 422);

    for (const id of ['contact-first_name', 'contact-email']) {
      const input = page.locator(`#${id}`);
      await assert.doesNotReject(input.and(page.locator('[aria-invalid="true"]')).waitFor());
      const errId = `${id}-error`;
      assert.ok((await input.getAttribute('aria-describedby')).split(' ').includes(errId));
      const err = page.locator(`#${errId}`);
      assert.ok(await err.isVisible(), `${errId} visible`);
      assert.ok((await err.textContent()).trim().length > 0, `${errId} has a message`);
    }
    // The first invalid field has the focus; the alert summarises.
    assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('aria-invalid')), 'true');
    assert.ok(await page.locator('#form-alert').isVisible());
    assert.match(page.url(), /register\.html$/);
    await page.screenshot({ path: path.join(outDir, 'register-errors.png'), fullPage: true });

    const afterEvent = await api('GET', '/api/v1/event');
    assert.equal(afterEvent.body.remaining, before.body.remaining, 'no seat was taken');
    assert.deepEqual(problems.filter((p) => !/status of 422/.test(p)), []);
  } finally {
    await context.close();
  }
});

test('the SV | EN switch changes the headings and is remembered', async () => {
  const { context, page, problems } = await newPage({ locale: 'sv-SE' });
  try {
    await page.goto('/register.html');
    const h1 = page.locator('h1');
    await page.waitForFunction(() => document.documentElement.lang === 'sv');
    assert.equal((await h1.textContent()).trim(), 'Anmälan');
    assert.equal(await page.getAttribute('.lang-switch button[data-lang="sv"]', 'aria-pressed'), 'true');

    await page.click('.lang-switch button[data-lang="en"]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.equal((await h1.textContent()).trim(), 'Register');
    assert.equal((await page.locator('label[for="contact-first_name"]').textContent()).trim(), 'First name');

    await page.goto('/index.html');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.equal((await page.locator('#programme-heading').textContent()).trim(), 'Programme');
    await page.locator('.day .session').first().waitFor();
    await page.screenshot({ path: path.join(outDir, 'programme.png'), fullPage: true });

    await page.click('.lang-switch button[data-lang="sv"]');
    await page.waitForFunction(() => document.documentElement.lang === 'sv');
    assert.equal((await page.locator('#programme-heading').textContent()).trim(), 'Program');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the programme shows times as given in the event time zone', async () => {
  const prog = await api('GET', '/api/v1/programme');
  const first = prog.body.days[0].sessions[0];
  // A browser far from Stockholm must still show the event's local time.
  const { context, page, problems } = await newPage({ timezoneId: 'America/Los_Angeles' });
  try {
    await page.goto('/');
    const time = page.locator('.day .session .session-time').first();
    await time.waitFor();
    assert.ok((await time.textContent()).startsWith(first.starts_at.slice(11, 16)));
    assert.ok(await page.locator('a[href="register.html"]').first().isVisible());
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('an attendee name with markup is shown as text, never as HTML', async () => {
  const evil = '<img src=x onerror=alert(1)>';
  const ev = await api('GET', '/api/v1/event');
  const tt = ev.body.ticket_types.find((t) => t.remaining === null || t.remaining > 0 || t.waitlist_open);
  const email = uniqueEmail('zoe');
  const r = await api('POST', '/api/v1/registrations', {
    ticket_type: tt.id,
    privacy_accepted: true,
    contact: { first_name: 'Zoë', last_name: 'Ødegård-Łukasiewicz', email, company: '<b>Bold</b> AB' },
    attendees: [{ first_name: evil, last_name: 'Ødegård', email, company: '<script>alert(2)</script>' }],
  }, { 'Idempotency-Key': crypto.randomUUID() });
  assert.equal(r.status, 201, JSON.stringify(r.body));

  const { context, page, problems } = await newPage();
  try {
    await page.goto(`/manage.html#t=${encodeURIComponent(r.body.manage_token)}`);
    const name = page.locator('#attendee-list .attendee-name').first();
    await name.waitFor();
    assert.equal((await name.textContent()).trim(), `${evil} Ødegård`);
    assert.equal(await page.locator('#attendee-list img').count(), 0);
    assert.equal(await page.locator('#attendee-list script, #content b').count(), 0);
    assert.ok(await page.getByText('<script>alert(2)</script>').first().isVisible());
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('an unknown private link says clearly that it was not found', async () => {
  const { context, page, problems } = await newPage();
  try {
    await page.goto('/manage.html#t=not-a-real-token');
    await page.locator('h1', { hasText: 'Registration not found' }).waitFor();
    assert.deepEqual(problems.filter((p) => !/status of 404/.test(p)), []);
  } finally {
    await context.close();
  }
});

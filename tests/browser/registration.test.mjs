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
      page.waitForURL(/\/manage\.html\?lang=(sv|en)#t=[^&]+&new=1$/),
      page.click('#submit-button'),
    ]);
    // The token is in the fragment, never in a query string; the language is.
    assert.equal(new URL(page.url()).search, '?lang=en');

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

/**
 * The sign-up sessions of the programme, by id (the demo: 9 the study
 * visit, 11 the dinner). The programme answer is never stale, so the page
 * and the test see the same seat counts.
 */
async function signupSessions() {
  const prog = await api('GET', '/api/v1/programme');
  assert.equal(prog.status, 200);
  const list = prog.body.days.flatMap((d) => d.sessions).filter((s) => s.signup);
  return new Map(list.map((s) => [s.id, s]));
}

test('sign-ups for the study visit and the dinner are sent, shown and kept', async () => {
  const sessions = await signupSessions();
  assert.deepEqual([...sessions.keys()], [9, 11]);
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
    assert.equal(await att.locator('.signups input[type="checkbox"]').count(), 2, 'only the sign-up sessions');
    // Each choice: the title, the day and the time as given (HH:MM), the seats left.
    for (const [id, box] of [[9, visit], [10 + 1, dinner]]) {
      const s = sessions.get(id);
      const label = att.locator(`label[for="${await box.getAttribute('id')}"]`);
      // The English page gives the English title.
      assert.equal(await label.locator('.signup-title').textContent(), s.title_en);
      assert.match(await label.locator('.signup-when').textContent(), new RegExp(`^\\w+day \\d+ \\w+ ${s.starts_at.slice(11, 16)}$`));
      assert.equal(await label.locator('.signup-seats').textContent(), `${s.remaining} seats left`);
      assert.equal(await box.isEnabled(), true);
    }
    await visit.check();
    await dinner.check();

    // A colleague gets the same choices; she takes the dinner only.
    await page.click('#add-attendee');
    const col = page.locator('#attendee-list .attendee').nth(1);
    await col.getByLabel(/Conference dinner/).waitFor();
    assert.equal(await col.locator('.signups input[type="checkbox"]').count(), 2);
    assert.equal(await col.getByLabel(/Study visit/).isChecked(), false, 'ticks belong to one attendee');
    await col.locator('[data-name="first_name"]').fill('Łucja');
    await col.locator('[data-name="last_name"]').fill('Nyström');
    await col.locator('[data-name="email"]').fill(uniqueEmail('lucja'));
    await col.getByLabel(/Conference dinner/).check();
    await page.check('#privacy_accepted');
    await page.screenshot({ path: path.join(outDir, 'register-signups.png'), fullPage: true });
    const sent = page.waitForRequest((r) => r.url().endsWith('/api/v1/registrations') && r.method() === 'POST');
    await Promise.all([
      page.waitForURL(/\/manage\.html\?lang=(sv|en)#t=[^&]+&new=1$/),
      page.click('#submit-button'),
    ]);
    const body = (await sent).postDataJSON();
    assert.deepEqual(body.attendees.map((a) => a.sessions), [[9, 11], [11]]);

    const cards = page.locator('#attendee-list .attendee-card');
    await cards.first().locator('.signed-up li').first().waitFor();
    assert.equal(await cards.first().locator('.signed-up-heading').textContent(), 'Signed up for');
    assert.deepEqual(await cards.first().locator('.signed-up li').allTextContents(), [sessions.get(9).title_en, sessions.get(11).title_en]);
    assert.ok(sessions.get(9).title_en.startsWith('Study visit'));
    assert.deepEqual(await cards.nth(1).locator('.signed-up li').allTextContents(), ['Conference dinner']);
    await page.screenshot({ path: path.join(outDir, 'confirmation-signups.png'), fullPage: true });

    const token = page.url().match(/#t=([^&]+)/)[1];
    const r = await api('GET', `/api/v1/registrations/${token}`);
    assert.deepEqual(r.body.attendees[0].sessions.map((x) => x.id), [9, 11]);
    assert.deepEqual(r.body.attendees[1].sessions.map((x) => x.id), [11]);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the programme marks the sessions that need a sign-up, with the seats left', async () => {
  const sessions = await signupSessions();
  const { context, page, problems } = await newPage();
  try {
    await page.goto('/');
    await page.locator('.day .session').first().waitFor();
    const marked = page.locator('.session', { has: page.locator('.session-signup') });
    assert.equal(await marked.count(), sessions.size);
    for (const s of sessions.values()) {
      const item = page.locator('.session', { has: page.locator('.session-title', { hasText: s.title_en }) });
      assert.equal(await item.locator('.session-signup-label').textContent(), 'Sign-up required');
      assert.equal(await item.locator('.session-signup-seats').textContent(), `${s.remaining} seats left`);
    }
    // The dinner is a meal one signs up for: not shown as a quiet break.
    const dinner = page.locator('#session-11');
    assert.equal((await dinner.locator('.session-title').textContent()).trim(), 'Conference dinner');
    assert.equal(await dinner.evaluate((li) => li.classList.contains('session--quiet')), false);
    await page.click('.lang-switch button[data-lang="sv"]');
    await page.waitForFunction(() => document.documentElement.lang === 'sv');
    assert.equal(await dinner.locator('.session-signup-label').textContent(), 'Anmälan krävs');
    // A weekday inside a Swedish sentence is written small.
    assert.match(await page.locator('#event-when').textContent(), /Tisdag 30 november – onsdag 1 december 2027/);
    await page.click('.lang-switch button[data-lang="en"]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a study visit that fills up meanwhile: the error is beside the sign-ups, the retry goes through', async () => {
  const { context, page, problems } = await newPage();
  const fillers = [];
  try {
    await page.goto('/register.html');
    await page.locator('#ticket-list input[type="radio"]:not([disabled])').first().check();
    const att = page.locator('#attendee-list .attendee').first();
    const visit = att.getByLabel(/Study visit/);
    await visit.waitFor();
    assert.equal(await visit.isEnabled(), true);

    // Others take every seat left on the study visit while the form is open.
    const ev = await api('GET', '/api/v1/event');
    const tt = ev.body.ticket_types.reduce((a, b) => ((b.remaining ?? Infinity) > (a.remaining ?? Infinity) ? b : a));
    let left = (await signupSessions()).get(9).remaining;
    assert.ok(left > 0 && left <= 30, `visit seats left: ${left}`);
    while (left > 0) {
      const n = Math.min(left, 10);
      const attendees = Array.from({ length: n }, (_, i) => ({
        first_name: 'Filler', last_name: `Nr ${i}`, email: uniqueEmail('filler'), sessions: [9],
      }));
      const r = await api('POST', '/api/v1/registrations', {
        ticket_type: tt.id, privacy_accepted: true,
        contact: { first_name: 'Filler', last_name: 'Contact', email: attendees[0].email }, attendees,
      }, { 'Idempotency-Key': crypto.randomUUID() });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      fillers.push(r.body.manage_token);
      left -= n;
    }

    const email = uniqueEmail('agneta');
    await page.fill('#contact-first_name', 'Agneta');
    await page.fill('#contact-last_name', 'Sjöholm');
    await page.fill('#contact-email', email);
    await visit.check();
    await att.getByLabel(/Conference dinner/).check();
    await page.check('#privacy_accepted');
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/registrations'));
    await page.click('#submit-button');
    const res = await answer;
    assert.equal(res.status(), 409);
    assert.equal((await res.json()).error.code, 'session_full');

    // The message is beside that attendee's sign-ups and in the alert.
    const err = att.locator('.signups .field-error');
    await err.waitFor({ state: 'visible' });
    const message = (await err.textContent()).trim();
    assert.match(message, /^Study visit.* is fully booked\. Untick it to register\.$/);
    assert.equal(await err.getAttribute('id'), await visit.getAttribute('aria-describedby'));
    assert.equal(await visit.getAttribute('aria-invalid'), 'true');
    assert.ok((await page.locator('#form-alert').textContent()).includes(message));
    // The full visit is shown as full, unticked and disabled; the dinner is kept.
    assert.equal(await visit.isChecked(), false);
    assert.equal(await visit.isDisabled(), true);
    assert.equal(await att.locator('.signup-seats--full').textContent(), 'Full');
    assert.equal(await att.getByLabel(/Conference dinner/).isChecked(), true);
    assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('aria-invalid')), 'true');
    await page.screenshot({ path: path.join(outDir, 'register-session-full.png'), fullPage: true });

    // Nothing was written; the retry (with the dinner only) registers her.
    await Promise.all([
      page.waitForURL(/\/manage\.html\?lang=(sv|en)#t=[^&]+&new=1$/),
      page.click('#submit-button'),
    ]);
    const token = page.url().match(/#t=([^&]+)/)[1];
    const r = await api('GET', `/api/v1/registrations/${token}`);
    assert.deepEqual(r.body.attendees[0].sessions.map((x) => x.id), [11]);
    fillers.push(token);

    // Once the programme is fresh (two seconds at most), its page says the visit is full.
    assert.equal((await signupSessions()).get(9).remaining, 0);
    await page.goto('/');
    const item = page.locator('.session', { has: page.locator('.session-title', { hasText: 'Study visit' }) });
    await item.locator('.session-signup-seats--full').waitFor();
    assert.equal(await item.locator('.session-signup-seats').textContent(), 'Fully booked');
    assert.deepEqual(problems.filter((p) => !/status of 409/.test(p)), []);
  } finally {
    await context.close();
    // Give the seats back for the tests that follow.
    for (const t of fillers) await api('DELETE', `/api/v1/registrations/${t}`);
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

    await Promise.all([page.waitForURL(/manage\.html\?lang=(sv|en)#t=/), page.click('#submit-button')]);
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

test('registered in English in a Swedish browser, my registration opens in English', async () => {
  const { context, page, problems } = await newPage({ locale: 'sv-SE' });
  try {
    await page.goto('/register.html?lang=en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.locator('#ticket-list input[type="radio"]:not([disabled])').first().check();
    const email = uniqueEmail('zoe');
    await page.fill('#contact-first_name', 'Zoë');
    await page.fill('#contact-last_name', 'Ødegård');
    await page.fill('#contact-email', email);
    await page.fill('#contact-company', 'Pressverk AB');
    const att = page.locator('#attendee-list .attendee').first();
    await att.locator('[data-name="first_name"]').fill('Zoë');
    await att.locator('[data-name="last_name"]').fill('Ødegård');
    await att.locator('[data-name="email"]').fill(email);
    await page.check('#privacy_accepted');
    await Promise.all([page.waitForURL(/\/manage\.html\?lang=en#t=[^&]+&new=1$/), page.click('#submit-button')]);
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.locator('#page-title', { hasText: 'Thank you' }).waitFor();
    assert.deepEqual(problems, []);
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
    assert.ok(await page.locator('a[href^="register.html"]').first().isVisible());
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
    // The one image is the pass's QR code, named in its alt text.
    assert.equal(await page.locator('#attendee-list img:not(.pass-qr)').count(), 0);
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

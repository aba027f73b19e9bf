// Browser tests of the console's "Register someone" on the demo event: an
// organiser registers a speaker on the hidden Speaker ticket type with a
// dinner sign-up and gets a confirmed registration, a pass that is a PDF
// and a private link that opens it; a second registration with the same
// address shows the error beside the email field, in both languages; a
// ticket type filled meanwhile with no waitlist says it is full and
// registers no one; one with a waitlist puts the person on it; switching
// the language rewords the form; axe-core finds nothing on the form and
// the result in either language. A database with no event says so and
// links to the events.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  outDir, startDaemon, addUser, launch, newPage, apiCall, staffLogin, axeViolations, real, setLang,
} from './harness.mjs';

const PASSWORD = 'organiser password';
let d = null;
let browser = null;
let olle = null; // the organiser's API session, for changes behind the page's back

async function signIn(page) {
  await page.goto('/console/');
  await page.locator('#login-form').waitFor();
  await page.fill('#login-username', 'olle');
  await page.fill('#login-password', PASSWORD);
  await page.click('#login-submit');
  await page.locator('.console-nav a[aria-current="page"]').waitFor();
}

async function openRegister(page) {
  await page.locator('.console-nav a[href="#/register"]').click();
  await page.locator('#reg-form').waitFor();
}

async function fillPerson(page, { first, last, email, company = '', job = '', dietary = '' }) {
  await page.fill('#reg-first-name', first);
  await page.fill('#reg-last-name', last);
  await page.fill('#reg-email', email);
  await page.fill('#reg-company', company);
  await page.fill('#reg-job-title', job);
  await page.fill('#reg-dietary', dietary);
  await page.check('#reg-privacy-accepted');
}

async function makeType(over) {
  const r = await olle.call('POST', '/api/v1/admin/events/1/ticket-types', { price_ore: 0, ...over });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function typeRow(id) {
  const r = await olle.call('GET', `/api/v1/admin/ticket-types/${id}`);
  assert.equal(r.status, 200);
  return r.body;
}

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

test('with no event the section says so and links to the events, in both languages', async () => {
  const empty = await startDaemon({ demo: false });
  addUser(empty, 'olle', 'organiser', PASSWORD);
  const { context, page, problems } = await newPage(browser, empty.baseURL);
  try {
    await signIn(page);
    await page.locator('.console-nav a[href="#/register"]').click();
    await page.locator('#reg-no-event').waitFor();
    assert.match(await page.locator('#reg-no-event').textContent(), /There is no event to register anyone for yet/);
    assert.equal(await page.locator('#reg-form').count(), 0, 'no form without an event');
    assert.equal(await page.locator('#reg-no-event a').getAttribute('href'), '#/events');
    assert.deepEqual(await axeViolations(page), []);
    await setLang(page, 'sv');
    assert.match(await page.locator('#reg-no-event').textContent(), /Det finns inget evenemang att registrera någon till än/);
    assert.equal((await page.locator('.console-nav a[href="#/register"]').textContent()).trim(), 'Registrera någon');
    assert.deepEqual(await axeViolations(page), []);
    await page.locator('#reg-no-event a').click();
    await page.waitForFunction(() => location.hash.startsWith('#/events'));
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
    await empty.stop();
  }
});

test('an organiser registers a speaker on a hidden ticket type and gets a confirmed registration with a pass', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    const pub = await apiCall(d.baseURL, 'GET', '/api/v1/event');
    assert.ok(!pub.body.ticket_types.some((tt) => tt.id === 4), 'Speaker is hidden from the public');
    await signIn(page);
    await openRegister(page);
    const speaker = page.locator('.ticket-option[data-ticket-type-id="4"]');
    assert.match(await speaker.textContent(), /Speaker.*Hidden.*Speaker.*15 seats left/);
    // The sign-ups of the demo: the study visit and the dinner.
    assert.equal(await page.locator('#reg-sessions input[type="checkbox"]').count(), 2);
    await page.locator('label[for="reg-tt-4"]').click();
    await fillPerson(page, {
      first: 'Zoë', last: 'Ødegård-Łukasiewicz', email: 'zoe@forskning.example',
      company: 'Lättmetall Institutet', job: 'Researcher', dietary: 'Vegan',
    });
    await page.check('#reg-session-11');
    await page.click('#reg-submit');
    await page.locator('#reg-result').waitFor();
    assert.equal(await page.locator('#reg-form').isVisible(), false);
    assert.equal((await page.locator('#reg-result-heading').textContent()).trim(), 'Zoë Ødegård-Łukasiewicz is registered');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'reg-result-heading');
    assert.equal(await page.locator('#reg-result-status').getAttribute('data-status'), 'confirmed');
    assert.equal((await page.locator('#reg-result-status').textContent()).trim(), 'Confirmed');
    assert.match(await page.locator('#reg-result').textContent(), /Signed up for: Konferensmiddag/);
    assert.match(await page.locator('#reg-result-code').textContent(), /^TT-[A-Z0-9]+$/);

    // The pass link gives the pass, a PDF.
    const passHref = await page.locator('#reg-pass-link').getAttribute('href');
    const pass = await fetch(new URL(passHref, d.baseURL));
    assert.equal(pass.status, 200);
    assert.equal(pass.headers.get('content-type'), 'application/pdf');
    assert.equal(Buffer.from(await pass.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
    // The private link opens this registration, on the hidden type.
    const manage = await page.locator('#reg-manage-link').getAttribute('href');
    const token = new URL(manage).hash.replace(/^#t=/, '');
    const reg = await apiCall(d.baseURL, 'GET', `/api/v1/registrations/${token}`);
    assert.equal(reg.status, 200);
    assert.equal(reg.body.ticket_type.id, 4);
    assert.equal(reg.body.contact.email, 'zoe@forskning.example');
    assert.deepEqual(reg.body.attendees.map((a) => [a.first_name, a.company, a.job_title, a.dietary, a.status]),
      [['Zoë', 'Lättmetall Institutet', 'Researcher', 'Vegan', 'confirmed']]);
    assert.equal((await typeRow(4)).confirmed, 1);
    const audit = await olle.call('GET', '/api/v1/admin/audit?action=registration.on_behalf');
    assert.equal(audit.body.total, 1);

    // axe on the result, in both languages; the status is reworded.
    assert.deepEqual(await axeViolations(page), [], 'axe, result, en');
    await setLang(page, 'sv');
    assert.equal((await page.locator('#reg-result-heading').textContent()).trim(), 'Zoë Ødegård-Łukasiewicz är registrerad');
    assert.equal((await page.locator('#reg-result-status').textContent()).trim(), 'Bekräftad');
    assert.deepEqual(await axeViolations(page), [], 'axe, result, sv');
    await page.screenshot({ path: path.join(outDir, 'console-register-result.png'), fullPage: true });
    await setLang(page, 'en');

    // Register someone else: an empty form, the seats as they are now.
    await page.click('#reg-another');
    await page.locator('#reg-form').waitFor();
    assert.equal(await page.locator('#reg-result').count(), 0);
    assert.equal(await page.inputValue('#reg-first-name'), '');
    assert.equal(await page.isChecked('#reg-privacy-accepted'), false);
    assert.equal(await page.isChecked('#reg-session-11'), false);
    await page.locator('.ticket-option[data-ticket-type-id="4"]', { hasText: '14 seats left' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'reg-first-name');
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('a missing field, and an address already registered, are shown beside their fields in both languages', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    const first = await olle.call('POST', '/api/v1/admin/registrations', {
      ticket_type: 4, privacy_accepted: true,
      contact: { first_name: 'Åsa', last_name: 'Lindström-Öberg', email: 'asa@pressverk.example' },
      attendees: [{ first_name: 'Åsa', last_name: 'Lindström-Öberg', email: 'asa@pressverk.example' }],
    });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const before = (await typeRow(4)).confirmed;
    await signIn(page);
    await openRegister(page);

    // Nothing chosen or typed: said at once, nothing sent.
    await page.click('#reg-submit');
    await page.locator('#reg-ticket-type-error').waitFor();
    assert.equal((await page.locator('#reg-ticket-type-error').textContent()).trim(), 'Choose a ticket type.');
    assert.equal((await page.locator('#reg-first-name-error').textContent()).trim(), 'Fill in this field.');
    assert.match(await page.locator('#reg-privacy-accepted-error').textContent(), /^Tick this once the person knows/);
    assert.match(await page.locator('#reg-alert').textContent(), /Correct the marked fields \(5\)/);
    assert.equal(await page.evaluate(() => document.activeElement.name), 'ticket_type');

    // The same address as someone registered already, in other capitals.
    await page.locator('label[for="reg-tt-4"]').click();
    await fillPerson(page, { first: 'Åsa', last: 'Öberg', email: 'ASA@pressverk.example' });
    await page.click('#reg-submit');
    await page.locator('#reg-email-error:not([hidden])').waitFor();
    assert.equal((await page.locator('#reg-email-error').textContent()).trim(),
      'Someone with this address is already registered for this event.');
    assert.equal(await page.getAttribute('#reg-email', 'aria-invalid'), 'true');
    assert.equal(await page.locator('#reg-first-name-error').isVisible(), false);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'reg-email');
    assert.match(await page.locator('#reg-alert').textContent(), /Correct the marked fields \(1\)/);
    assert.deepEqual(await axeViolations(page), [], 'axe, errors, en');
    await setLang(page, 'sv');
    assert.equal((await page.locator('#reg-email-error').textContent()).trim(),
      'Någon med den här adressen är redan registrerad för evenemanget.');
    assert.match(await page.locator('#reg-alert').textContent(), /\(1\)/);
    assert.deepEqual(await axeViolations(page), [], 'axe, errors, sv');
    await page.screenshot({ path: path.join(outDir, 'console-register-taken.png'), fullPage: true });
    assert.equal((await typeRow(4)).confirmed, before, 'nobody registered twice');

    // A new address goes through from the same form.
    await page.fill('#reg-email', 'asa.oberg@pressverk.example');
    await page.click('#reg-submit');
    await page.locator('#reg-result').waitFor();
    assert.equal(await page.locator('#reg-result-status').getAttribute('data-status'), 'confirmed');
    assert.equal((await typeRow(4)).confirmed, before + 1);
    assert.deepEqual(real(problems, 422), []);
  } finally {
    await context.close();
  }
});

test('a ticket type filled meanwhile with no waitlist says it is full; one with a waitlist puts the person on it', async () => {
  const exhibitor = await makeType({ name: 'Utställare', name_en: 'Exhibitor', role: 'exhibitor', hidden: true, quota: 1, waitlist: false, sort: 5 });
  const guest = await makeType({ name: 'Gäst', name_en: 'Guest', quota: 0, waitlist: true, hidden: true, sort: 6 });
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await signIn(page);
    await openRegister(page);
    const option = page.locator(`.ticket-option[data-ticket-type-id="${exhibitor.id}"]`);
    assert.match(await option.textContent(), /Exhibitor.*Hidden.*Exhibitor.*1 seat left/);
    assert.match(await page.locator(`.ticket-option[data-ticket-type-id="${guest.id}"]`).textContent(),
      /Full: the person goes on the waitlist/);
    // Someone else takes the last seat while this form is open.
    const taken = await olle.call('POST', '/api/v1/admin/registrations', {
      ticket_type: exhibitor.id, privacy_accepted: true,
      contact: { first_name: 'Björn', last_name: 'Håkansdotter', email: 'bjorn@monter.example' },
      attendees: [{ first_name: 'Björn', last_name: 'Håkansdotter', email: 'bjorn@monter.example' }],
    });
    assert.equal(taken.status, 201);
    await page.locator(`label[for="reg-tt-${exhibitor.id}"]`).click();
    await fillPerson(page, { first: 'Karin', last: 'Svensson', email: 'karin@monter.example', company: 'Monter AB' });
    await page.click('#reg-submit');
    await page.locator('#reg-ticket-type-error:not([hidden])').waitFor();
    const full = 'Exhibitor is full and keeps no waitlist, so nobody was registered. Raise its quota or choose another ticket type.';
    assert.equal((await page.locator('#reg-ticket-type-error').textContent()).trim(), full);
    assert.equal((await page.locator('#reg-alert').textContent()).trim(), full);
    // The list shows the seats as they are now: that type cannot be chosen.
    await option.locator('.ticket-seats', { hasText: 'Full, and no waitlist' }).waitFor();
    assert.equal(await page.locator(`#reg-tt-${exhibitor.id}`).isDisabled(), true);
    assert.equal(await page.inputValue('#reg-email'), 'karin@monter.example', 'what was typed stays');
    assert.equal((await typeRow(exhibitor.id)).confirmed, 1);
    await setLang(page, 'sv');
    assert.match(await page.locator('#reg-ticket-type-error').textContent(), /^Utställare är fullbokad och har ingen väntelista/);
    assert.deepEqual(await axeViolations(page), [], 'axe, full, sv');
    await setLang(page, 'en');

    // The guest type keeps a waitlist: the person is put on it, with no pass yet.
    await page.locator(`label[for="reg-tt-${guest.id}"]`).click();
    await page.click('#reg-submit');
    await page.locator('#reg-result').waitFor();
    assert.equal(await page.locator('#reg-result-status').getAttribute('data-status'), 'waitlisted');
    assert.equal((await page.locator('#reg-result-status').textContent()).trim(), 'On the waitlist');
    assert.match(await page.locator('#reg-result-position').textContent(), /^Number 1 on the waitlist/);
    assert.equal(await page.locator('#reg-pass-link').count(), 0);
    assert.equal(await page.locator('#reg-manage-link').count(), 1);
    assert.deepEqual(real(problems, 409), []);
  } finally {
    await context.close();
  }
});

test('a study visit filled meanwhile says so beside the sign-ups and registers no one', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await signIn(page);
    await openRegister(page);
    await page.locator('label[for="reg-tt-4"]').click();
    await fillPerson(page, { first: 'Lars', last: 'Nyström', email: 'lars@pressverk.example' });
    await page.check('#reg-session-9');
    // Others take every seat left on the visit while this form is open.
    let left = (await apiCall(d.baseURL, 'GET', '/api/v1/programme')).body.days
      .flatMap((day) => day.sessions).find((s) => s.id === 9).remaining;
    for (let n = 0; left > 0; n++) {
      const people = Array.from({ length: Math.min(10, left) }, (_, i) => ({
        first_name: 'Gäst', last_name: `${n}-${i}`, email: `visit${n}.${i}@example.se`, sessions: [9],
      }));
      const r = await olle.call('POST', '/api/v1/admin/registrations', {
        ticket_type: 2, privacy_accepted: true, contact: people[0], attendees: people,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      left -= people.length;
    }
    const before = (await typeRow(4)).confirmed;
    await page.click('#reg-submit');
    await page.locator('#reg-sessions-error:not([hidden])').waitFor();
    assert.match(await page.locator('#reg-sessions-error').textContent(), /^A session you ticked has no seat left, so nobody was registered/);
    assert.match(await page.locator('#reg-alert').textContent(), /^A session you ticked has no seat left/);
    // The visit shows as full now and is no longer ticked, so a retry goes through.
    await page.locator('label[for="reg-session-9"]', { hasText: 'Full' }).waitFor();
    assert.equal(await page.locator('#reg-session-9').isDisabled(), true);
    assert.equal(await page.isChecked('#reg-session-9'), false);
    assert.equal((await typeRow(4)).confirmed, before);
    await page.click('#reg-submit');
    await page.locator('#reg-result').waitFor();
    assert.equal(await page.locator('#reg-result-status').getAttribute('data-status'), 'confirmed');
    assert.deepEqual(real(problems, 409), []);
  } finally {
    await context.close();
  }
});

test('switching the language rewords the form, and axe-core finds nothing on it in either language', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await signIn(page);
    await openRegister(page);
    const words = async () => ({
      heading: (await page.locator('#view h1').textContent()).trim(),
      first: (await page.locator('label[for="reg-first-name"]').textContent()).trim(),
      privacy: (await page.locator('label[for="reg-privacy-accepted"]').textContent()).trim(),
      tickets: (await page.locator('#reg-ticket-fieldset legend').textContent()).trim(),
      seats: (await page.locator('.ticket-option[data-ticket-type-id="1"] .ticket-seats').textContent()).trim(),
      hidden: (await page.locator('.ticket-option[data-ticket-type-id="4"] .badge').first().textContent()).trim(),
      submit: (await page.locator('#reg-submit').textContent()).trim(),
      title: await page.title(),
    });
    await setLang(page, 'en');
    const en = await words();
    assert.deepEqual({ ...en, title: undefined, seats: undefined }, {
      heading: 'Register someone', first: 'First name (required)',
      privacy: 'The person knows how Techtank handles their personal details for the event',
      tickets: 'Ticket type', hidden: 'Hidden', submit: 'Register', title: undefined, seats: undefined,
    });
    assert.match(en.seats, /^\d+ seats left$/);
    assert.match(en.title, /^Register someone – /);
    assert.deepEqual(await axeViolations(page), [], 'axe, form, en');
    await page.screenshot({ path: path.join(outDir, 'console-register.png'), fullPage: true });
    await setLang(page, 'sv');
    const sv = await words();
    assert.deepEqual({ ...sv, title: undefined, seats: undefined }, {
      heading: 'Registrera någon', first: 'Förnamn (obligatoriskt)',
      privacy: 'Personen vet hur Techtank hanterar personens uppgifter för evenemanget',
      tickets: 'Biljettyp', hidden: 'Dold', submit: 'Registrera', title: undefined, seats: undefined,
    });
    assert.match(sv.seats, /^\d+ platser kvar$/);
    assert.match(sv.title, /^Registrera någon – /);
    assert.deepEqual(await axeViolations(page), [], 'axe, form, sv');
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});
